"""The graph as Graphviz DOT text.

DOT node ids are ``n0, n1, …``, the graph's own node ids (``n3`` in the DOT
is ``v3`` in a trace); user text appears only inside labels and tooltips,
escaped here. The text is written directly rather than through pydot: pydot
leaves backslashes unescaped (a label ending in ``\\`` breaks the DOT) and
passes any value that looks like ``<...>`` through as an HTML label, so user
text would need escaping here anyway, and what pydot would add is only the
joining of strings, at several times the cost on big graphs.
"""

from __future__ import annotations

from html import escape as _html_escape
from typing import TYPE_CHECKING

from ..errors import RenderFailed
from ..source import visible
from . import RANKDIRS
from .look import NodeLook, operand_labels

if TYPE_CHECKING:
    from ..graph import Graph

FONT = "Helvetica"

BIG = 1000
"""Above this many nodes, layout effort is bounded and edges are straight, so that Graphviz still finishes."""

BIG_LAYOUT = 1500
"""Above this layout size (see ``layout_size``), layout effort is bounded too: a 100-term sum
of one variable is only 100 nodes, but dot's unbounded layout of it takes minutes."""

STRAIGHT_LAYOUT = 5000
"""Above this layout size, edges are straight lines as well: routing curves around thousands
of virtual nodes is most of the time dot takes (10 s against 1 s for a 250-term sum of one variable)."""

MAX_NODES = 4000
MAX_LAYOUT = 100_000
"""The largest graph gradcli asks Graphviz to draw, in nodes and in layout size: measured
to take Graphviz at most about 20 seconds (see the README's "Big graphs")."""

# For big graphs: bounded network-simplex and crossing-minimisation passes, and
# past STRAIGHT_LAYOUT straight edges. A shared leaf used all along a long sum spans
# hundreds of ranks, and unbounded, dot's placement of those long edges takes minutes.
_BOUNDED = "nslimit=0.05, nslimit1=0.05, mclimit=0.1"
_BIG_LAYOUT = f"{_BOUNDED}, splines=line"


def _layout_effort(graph: Graph) -> str:
    """The graph attributes that bound dot's effort for this graph ("" for a small one)."""
    size = layout_size(graph) if len(graph) <= BIG else None
    if size is None or size > STRAIGHT_LAYOUT:
        return f", {_BIG_LAYOUT}"
    return f", {_BOUNDED}" if size > BIG_LAYOUT else ""


_FILL = {"variable": "#dbeafe", "constant": "#f1f5f9", "operation": "#fef3c7"}
_SHAPE = {"variable": "ellipse", "constant": "ellipse", "operation": "box"}
_BORDER = "#334155"
_ALARM = "#b91c1c"  # a value or gradient that is not finite
_ALARM_FILL = "#fecaca"
_DEAD = "#94a3b8"  # a node that does not reach the output
_BACKWARD = "#15803d"  # the backward pass (graph --backward): its nodes' borders and the edges into them
_BACKWARD_FILL = {"variable": "#dcfce7", "constant": "#f0fdf4", "operation": "#dcfce7"}
_OPERAND = "#6d28d9"  # the a and b on the edges into an operation whose operand order matters


def quote(text: str) -> str:
    """A DOT double-quoted string whose text Graphviz shows exactly as given.

    Backslashes are doubled so that Graphviz's own escapes (``\\N``, ``\\G``,
    ``\\l``) never fire on user text, and a trailing backslash cannot escape
    the closing quote; ``&`` is written as an entity, since Graphviz reads
    ``&amp;`` in a string as one. Control characters (ESC, NUL: Graphviz
    rejects NUL, and XML most of them) are written as visible escapes.
    """
    text = visible(text).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def quote_tooltip(text: str) -> str:
    """``quote`` for a tooltip, which Graphviz unescapes twice: its backslashes are doubled once more."""
    return quote(text.replace("\\", "\\\\"))


def html(text: str) -> str:
    """Text for inside an HTML-like label: ``< > & "`` as entities, control characters as visible escapes."""
    return _html_escape(visible(text), quote=True)


def label(look: NodeLook) -> str:
    """The node's HTML-like label: the title in bold, then name, value and gradient lines."""
    if look.value_grid is not None or look.grad_grid is not None:
        return grid_label(look)
    lines = [f"<B>{html(look.title)}</B>"]
    if look.name is not None:
        lines.append(f"<I>{html(look.name)}</I>")
    numbers = [line for line in (look.value, look.grad) if line is not None]
    if numbers:
        lines.append(f'<FONT POINT-SIZE="10">{"<BR/>".join(html(line) for line in numbers)}</FONT>')
    return "<" + "<BR/>".join(lines) + ">"


def grid_label(look: NodeLook) -> str:
    """The label of a node with a small vector or matrix: one table, its value and gradient as grids.

    Graphviz's HTML-like labels cannot mix lines of text with a table, so the
    title and the name are the table's first rows. Each grid is a caption
    (``value``, ``grad``) beside rows of numbers aligned on the right.
    """
    sections = [(caption, grid) for caption, grid in (("value", look.value_grid), ("grad", look.grad_grid)) if grid]
    width = 1 + max(len(row) for _, grid in sections for row in grid)
    rows = [f'<TR><TD COLSPAN="{width}"><B>{html(look.title)}</B></TD></TR>']
    if look.name is not None:
        rows.append(f'<TR><TD COLSPAN="{width}"><I>{html(look.name)}</I></TD></TR>')
    small = '<FONT POINT-SIZE="10">{}</FONT>'
    for caption, grid in sections:
        for r, row in enumerate(grid):
            first = f'<TD ROWSPAN="{len(grid)}" ALIGN="LEFT" VALIGN="TOP">{small.format(caption)}</TD>'
            first = first if r == 0 else ""
            cells = "".join(f'<TD ALIGN="RIGHT">{small.format(html(x))}</TD>' for x in row)
            rows.append(f"<TR>{first}{cells}</TR>")
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">' + "".join(rows) + "</TABLE>>"


def node_attributes(look: NodeLook) -> list[str]:
    """The attributes of one node statement (label, shape, style, colours), in a fixed order."""
    styles = ["rounded", "filled"] if look.kind == "operation" else ["filled"]
    if look.kind == "constant":
        styles.append("dashed")
    color, fill, fontcolor = _BORDER, _FILL[look.kind], None
    if look.backward:
        color, fill = _BACKWARD, _BACKWARD_FILL[look.kind]
    if not look.live:
        styles.append("dashed")
        color = fontcolor = _DEAD
    if look.nonfinite:
        color = fontcolor = _ALARM
    if look.culprit:
        fill = _ALARM_FILL
    attributes = [f"label={label(look)}", f"shape={_SHAPE[look.kind]}", f'style="{",".join(dict.fromkeys(styles))}"']
    attributes += [f'color="{color}"', f'fillcolor="{fill}"']
    if fontcolor is not None:
        attributes.append(f'fontcolor="{fontcolor}"')
    if look.output:
        attributes += ["peripheries=2", "penwidth=1.6"]
    elif look.nonfinite:
        attributes.append("penwidth=1.6")
    attributes.append(f"tooltip={quote_tooltip(look.tooltip)}")
    return attributes


def to_dot(
    graph: Graph, looks: list[NodeLook], *, rankdir: str = "BT", same_rank: list[list[int]] | None = None
) -> str:
    """The DOT text of a graph whose nodes look as ``looks`` says.

    Edges run from each input to the operation that uses it, in operand order;
    ``ordering=in`` keeps the first operand to the left of the second. Each
    group of ``same_rank`` is drawn in one row (the elements of a vector).
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    lines = [
        "digraph gradcli {",
        f'  graph [rankdir={rankdir}, ordering=in, nodesep=0.3, ranksep=0.4, fontname="{FONT}"'
        + f"{_layout_effort(graph)}];",
        f'  node [fontname="{FONT}", fontsize=14, margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=11, color="{_BORDER}", arrowsize=0.7,'
        f' labeldistance=1.4, labelangle=-35, labelfontcolor="{_OPERAND}"];',
    ]
    append = lines.append
    for node, look in enumerate(looks):
        append(f"  n{node} [{', '.join(node_attributes(look))}];")
    for node, inputs in enumerate(graph.inputs):
        if not inputs:
            continue
        names = operand_labels(graph, node)
        # An edge into the backward pass is dashed and green, as that pass's nodes are.
        backward = f'style=dashed, color="{_BACKWARD}"' if looks[node].backward else ""
        for i, operand in zip(inputs, names):
            edge = f"  n{i} -> n{node}"
            # The operand's name sits by the arrowhead, where the edge enters the operation.
            attributes = ", ".join(a for a in (f"headlabel={quote(operand)}" if operand else "", backward) if a)
            append(f"{edge} [{attributes}];" if attributes else f"{edge};")
    for group in same_rank or ():
        append(f"  {{rank=same; {' '.join(f'n{node};' for node in group)}}}")
    append("}")
    return "\n".join(lines) + "\n"


def layout_size(graph: Graph) -> int:
    """How much work dot's layout has: the nodes, plus one virtual node for each rank an edge crosses.

    dot puts nodes on ranks and routes an edge that spans k ranks through k - 1
    virtual nodes, and its placement cost grows with them all. A leaf used all
    along a long sum (``x+x+...+x``) has edges across every rank: N terms make
    N²/2 virtual nodes. dot ranks the nodes so that edges are short; the
    estimate is the better of two simple rankings: each node as low as its
    inputs allow, leaves lifted to just below their lowest use; and each node
    as high as its lowest use allows.
    """
    inputs = graph.inputs
    count = len(inputs)
    unused = count + 1
    low = [0] * count  # as low as possible: one rank above the highest input
    lifted = [unused] * count  # the same, but a leaf just below its lowest use
    for node, operands in enumerate(inputs):  # ids are topological: inputs come first
        if operands:
            low[node] = lifted[node] = 1 + max(low[i] for i in operands)
            for i in operands:
                if not inputs[i]:
                    lifted[i] = min(lifted[i], low[node] - 1)
    high = low[:]  # as high as possible: one rank below the lowest use
    lowest_use = [unused] * count
    for node in range(count - 1, -1, -1):
        if lowest_use[node] != unused:
            high[node] = lowest_use[node] - 1
        for i in inputs[node]:
            lowest_use[i] = min(lowest_use[i], high[node])
    lifted = [low[node] if rank == unused else rank for node, rank in enumerate(lifted)]
    crossed = min(
        sum(ranks[node] - ranks[i] - 1 for node, operands in enumerate(inputs) for i in operands)
        for ranks in (lifted, high)
    )
    return count + crossed


def check_drawable(graph: Graph, *, hint: str | None = None) -> None:
    """Refuse (``RenderFailed``, exit 4) a graph too big for Graphviz to draw in reasonable time and memory.

    ``hint`` replaces the usual one (DOT or JSON, or a smaller program).
    """
    nodes = len(graph)
    size = layout_size(graph) if nodes <= MAX_NODES else None
    if size is not None and size <= MAX_LAYOUT:
        return
    why = (
        f"{nodes:,} nodes, more than the {MAX_NODES:,} gradcli draws"
        if size is None
        else f"{nodes:,} nodes, but edges that span many levels: a layout size of {size:,}, "
        f"more than the {MAX_LAYOUT:,} gradcli draws"
    )
    raise RenderFailed(
        f"the graph is too big for Graphviz to draw ({why})",
        hint=hint
        or "write it as DOT (-o FILE.dot) or JSON (-o FILE.json), which have no limit, or draw a smaller program",
    )
