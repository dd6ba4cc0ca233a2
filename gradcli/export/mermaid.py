"""The graph as a Mermaid flowchart, for Markdown (GitHub renders it in a ```mermaid block).

Node ids are ``n0, n1, …`` as in the DOT. User text appears only inside
quoted labels, where Mermaid's entity codes (``#quot;``, ``#35;``) stand for
every character that could end the label or be read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..source import visible
from .look import NodeLook, operand_labels

if TYPE_CHECKING:
    from ..graph import Graph

# Characters that would end a quoted label, start an entity code, open a
# Markdown string or be read as HTML, each as Mermaid's entity code.
_ESCAPES = str.maketrans(
    {
        "#": "#35;",
        '"': "#quot;",
        "&": "#amp;",
        "<": "#lt;",
        ">": "#gt;",
        "`": "#96;",
        "\n": " ",
        "\r": " ",
    }
)

_SHAPES = {"variable": ('(["', '"])'), "constant": ('(["', '"])'), "operation": ('("', '")')}

_CLASSES = (
    ("variable", "fill:#dbeafe,stroke:#334155,color:#0f172a"),
    ("constant", "fill:#f1f5f9,stroke:#334155,stroke-dasharray:4,color:#0f172a"),
    ("operation", "fill:#fef3c7,stroke:#334155,color:#0f172a"),
    ("backward", "fill:#dcfce7,stroke:#15803d,color:#0f172a"),  # the backward pass (graph --backward)
    ("output", "stroke-width:4px"),
    ("unused", "stroke:#94a3b8,color:#94a3b8,stroke-dasharray:4"),
    ("nonfinite", "stroke:#b91c1c,color:#b91c1c"),
    ("culprit", "fill:#fecaca"),
)


def escape(text: str) -> str:
    """Text for inside a quoted Mermaid label (control characters as visible escapes)."""
    return visible(text).translate(_ESCAPES)


def label(look: NodeLook) -> str:
    """The node's label: the title in bold, then name, value and gradient lines."""
    lines = [f"<b>{escape(look.title)}</b>"]
    if look.name is not None:
        lines.append(f"<i>{escape(look.name)}</i>")
    lines += [escape(line) for line in (look.value, look.grad) if line is not None]
    return "<br/>".join(lines)


def to_mermaid(graph: Graph, looks: list[NodeLook], *, rankdir: str = "BT") -> str:
    """Mermaid flowchart text for a graph whose nodes look as ``looks`` says."""
    lines = [f"flowchart {rankdir}"]
    append = lines.append
    members: dict[str, list[str]] = {name: [] for name, _ in _CLASSES}
    for node, look in enumerate(looks):
        opening, closing = _SHAPES[look.kind]
        append(f"  n{node}{opening}{label(look)}{closing}")
        members[look.kind].append(f"n{node}")
        for name, marked in (
            ("backward", look.backward),
            ("output", look.output),
            ("unused", not look.live),
            ("nonfinite", look.nonfinite),
            ("culprit", look.culprit),
        ):
            if marked:
                members[name].append(f"n{node}")
    for node, inputs in enumerate(graph.inputs):
        arrow = "-.->" if looks[node].backward else "-->"  # dotted into the backward pass
        for i, operand in zip(inputs, operand_labels(graph, node)):
            append(f"  n{i} {arrow}|{operand}| n{node}" if operand else f"  n{i} {arrow} n{node}")
    for name, style in _CLASSES:
        if members[name]:
            append(f"  classDef {name} {style}")
            append(f"  class {','.join(members[name])} {name}")
    return "\n".join(lines) + "\n"
