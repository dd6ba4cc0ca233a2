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

from . import RANKDIRS
from .look import NodeLook, operand_labels

if TYPE_CHECKING:
    from ..graph import Graph

FONT = "Helvetica"

BIG = 1000
"""Above this many nodes, layout effort is bounded so that Graphviz still finishes."""

# For big graphs: bounded network-simplex and crossing-minimisation passes and
# straight edges. A shared leaf used all along a long sum spans hundreds of
# ranks, and unbounded, dot's placement of those long edges takes many minutes.
_BIG_LAYOUT = "nslimit=0.05, nslimit1=0.05, mclimit=0.1, splines=line"

_FILL = {"variable": "#dbeafe", "constant": "#f1f5f9", "operation": "#fef3c7"}
_SHAPE = {"variable": "ellipse", "constant": "ellipse", "operation": "box"}
_BORDER = "#334155"
_ALARM = "#b91c1c"  # a value or gradient that is not finite
_ALARM_FILL = "#fecaca"
_DEAD = "#94a3b8"  # a node that does not reach the output
_OPERAND = "#6d28d9"  # the a and b on the edges into an operation whose operand order matters


def quote(text: str) -> str:
    """A DOT double-quoted string whose text Graphviz shows exactly as given.

    Backslashes are doubled so that Graphviz's own escapes (``\\N``, ``\\G``,
    ``\\l``) never fire on user text, and a trailing backslash cannot escape
    the closing quote; ``&`` is written as an entity, since Graphviz reads
    ``&amp;`` in a string as one.
    """
    text = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def quote_tooltip(text: str) -> str:
    """``quote`` for a tooltip, which Graphviz unescapes twice: its backslashes are doubled once more."""
    return quote(text.replace("\\", "\\\\"))


def html(text: str) -> str:
    """Text for inside an HTML-like label: ``< > & "`` as entities."""
    return _html_escape(text, quote=True)


def label(look: NodeLook) -> str:
    """The node's HTML-like label: the title in bold, then name, value and gradient lines."""
    lines = [f"<B>{html(look.title)}</B>"]
    if look.name is not None:
        lines.append(f"<I>{html(look.name)}</I>")
    numbers = [line for line in (look.value, look.grad) if line is not None]
    if numbers:
        lines.append(f'<FONT POINT-SIZE="10">{"<BR/>".join(html(line) for line in numbers)}</FONT>')
    return "<" + "<BR/>".join(lines) + ">"


def node_attributes(look: NodeLook) -> list[str]:
    """The attributes of one node statement (label, shape, style, colours), in a fixed order."""
    styles = ["rounded", "filled"] if look.kind == "operation" else ["filled"]
    if look.kind == "constant":
        styles.append("dashed")
    color, fill, fontcolor = _BORDER, _FILL[look.kind], None
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


def to_dot(graph: Graph, looks: list[NodeLook], *, rankdir: str = "BT") -> str:
    """The DOT text of a graph whose nodes look as ``looks`` says.

    Edges run from each input to the operation that uses it, in operand order;
    ``ordering=in`` keeps the first operand to the left of the second.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    lines = [
        "digraph gradcli {",
        f'  graph [rankdir={rankdir}, ordering=in, nodesep=0.3, ranksep=0.4, fontname="{FONT}"'
        + (f", {_BIG_LAYOUT}];" if len(looks) > BIG else "];"),
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
        for i, operand in zip(inputs, names):
            edge = f"  n{i} -> n{node}"
            # The operand's name sits by the arrowhead, where the edge enters the operation.
            append(f"{edge} [headlabel={quote(operand)}];" if operand else f"{edge};")
    append("}")
    return "\n".join(lines) + "\n"
