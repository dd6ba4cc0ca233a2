"""The walkthrough's picture: the DOT of ``gradcli graph``, given ids and per-step looks.

The page and the GIF draw the graph exactly as ``gradcli graph`` does (the
same DOT writer and looks), then mark it up here: the page needs an id on
every node (``n3``, the graph's node id) and edge (``e3_1``: the edge into
node 3 from its input number 1, counted from 0), which Graphviz carries into
the SVG; the GIF needs, per step, hidden numbers drawn unseen and the
step's nodes and edges outlined. Every frame has the same labels, with only
colours changing, so Graphviz lays out each one identically (a hidden number
is written in its node's fill colour).

One thing differs from ``gradcli graph``: a non-finite number is not drawn in
red from the start, which would give it away before its step; the walk marks
it at its step.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from ..export.dot import html, to_dot
from ..export.look import NodeLook, describe
from .model import State, Walk

FORWARD = "#2563eb"  # values flowing up
BACKWARD = "#ea580c"  # gradients flowing down
ALARM = "#b91c1c"  # a number that is not finite

_NODE = re.compile(r"  n(\d+) \[label=<(.*?)>, (shape=.*)\];")
_EDGE = re.compile(r"  n(\d+) -> n(\d+)(?: \[(.*)\])?;")
_FILL = re.compile(r'fillcolor="([^"]+)"')

NodeMark = Callable[[int, str, str], tuple[str, str]]  # (node, label, attributes) -> (label, attributes)
EdgeMark = Callable[[int, int, str], str]  # (operation, input position, attributes) -> attributes


def edge_id(operation: int, position: int) -> str:
    """The id of the edge into ``operation`` from its input number ``position``: ``e3_1``."""
    return f"e{operation}_{position}"


def looks_of(walk: Walk) -> list[NodeLook]:
    """How each node looks at the end of the walk: as in ``gradcli graph``, without the red of a non-finite number."""
    trace = walk.trace
    looks = describe(trace.graph, trace.result, digits=trace.digits)
    return [dataclasses.replace(look, nonfinite=False, culprit=False) for look in looks]


def marked_dot(walk: Walk, looks: list[NodeLook], rankdir: str, node_mark: NodeMark, edge_mark: EdgeMark) -> str:
    """The DOT of the graph with each node statement and edge statement passed through the marks."""
    graph = walk.trace.graph
    text = to_dot(graph, looks, rankdir=rankdir)
    positions = [0] * len(graph)
    nodes = edges = 0
    lines = text.split("\n")
    for k, line in enumerate(lines):
        found = _NODE.fullmatch(line)
        if found:
            node = int(found[1])
            label, attributes = node_mark(node, found[2], found[3])
            lines[k] = f"  n{node} [label=<{label}>, {attributes}];"
            nodes += 1
            continue
        found = _EDGE.fullmatch(line)
        if found:
            operation = int(found[2])
            attributes = edge_mark(operation, positions[operation], found[3] or "")
            positions[operation] += 1
            lines[k] = f"  n{found[1]} -> n{operation} [{attributes}];"
            edges += 1
    if nodes != len(graph) or edges != sum(map(len, graph.inputs)):
        raise RuntimeError("the DOT writer's statements are not in the form gradcli.walkthrough.picture expects")
    return "\n".join(lines)


def page_dot(walk: Walk, looks: list[NodeLook], rankdir: str) -> str:
    """The DOT for the page: every node and edge with its id and class."""

    def node_mark(node: int, label: str, attributes: str) -> tuple[str, str]:
        return label, f'id="n{node}", class="gc-node", {attributes}'

    def edge_mark(operation: int, position: int, attributes: str) -> str:
        return ", ".join(filter(None, [f'id="{edge_id(operation, position)}", class="gc-edge"', attributes]))

    return marked_dot(walk, looks, rankdir, node_mark, edge_mark)


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_NUMBER = re.compile(r"<text ([^>]*)>(value|grad) ((?:&#45;)?(?:nan|inf)<)?")


def page_svg(svg: bytes) -> str:
    """Graphviz's SVG ready to be inlined in a page.

    The XML prolog, doctype and comments go; each number line of a node gets
    the class ``gc-value`` or ``gc-grad`` (``gc-bad`` too if it is not finite),
    found by the words gradcli itself writes before the number ("value ",
    "grad "; a name never holds a space).
    """
    text = _COMMENT.sub("", _PROLOG.sub("", svg.decode("utf-8"), count=1))

    def number(found: re.Match[str]) -> str:
        bad = " gc-bad" if found[3] else ""
        return f'<text class="gc-{found[2]}{bad}" {found[1]}>{found[2]} {found[3] or ""}'

    return _NUMBER.sub(number, text).strip() + "\n"


def frame_dot(walk: Walk, looks: list[NodeLook], rankdir: str, state: State) -> str:
    """The DOT of one GIF frame: later numbers unseen, the step's nodes and edges outlined."""
    colour = FORWARD if state.phase == "forward" else BACKWARD

    def line_mark(label: str, line: str | None, fill: str, shown: bool, new: bool, bad: bool) -> str:
        if line is None:
            return label
        written = html(line)
        ink = fill if not shown else ALARM if bad else colour if new else None
        if ink is None:
            return label
        # The line sits between the tags of the label: ">value 9<" never matches a longer number.
        return re.sub(f"(?<=>){re.escape(written)}(?=<)", f'<FONT COLOR="{ink}">{written}</FONT>', label, count=1)

    def node_mark(node: int, label: str, attributes: str) -> tuple[str, str]:
        look = looks[node]
        # A number not computed yet is written in the node's own fill colour: there, but not seen.
        found = _FILL.search(attributes)
        fill = found[1] if found else "transparent"
        value_bad = look.value is not None and look.value.endswith(("nan", "inf"))
        grad_bad = look.grad is not None and look.grad.endswith(("nan", "inf"))
        number = state.number
        label = line_mark(label, look.value, fill, node in state.values, walk.value_from[node] == number, value_bad)
        label = line_mark(label, look.grad, fill, node in state.grads, walk.grad_from[node] == number, grad_bad)
        if node in state.lit:
            attributes += f', color="{colour}", penwidth=3'
        elif (value_bad and node in state.values) or (grad_bad and node in state.grads):
            attributes += f', color="{ALARM}", penwidth=2'
        return label, attributes

    def edge_mark(operation: int, position: int, attributes: str) -> str:
        if (operation, position) not in state.edges:
            return attributes
        style = f'color="{colour}", penwidth=2.5' + (", style=dashed" if state.phase != "forward" else "")
        return ", ".join(filter(None, [attributes, style]))

    return marked_dot(walk, looks, rankdir, node_mark, edge_mark)
