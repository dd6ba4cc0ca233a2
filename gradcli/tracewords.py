"""How the trace's working names nodes and writes its chains of equalities (``gradcli.trace``).

Shared by the scalar trace, the tensor trace (``gradcli.tensortrace``) and the
symbolic steps, so that all of them call a node by the same name.
"""

from __future__ import annotations

import re

from .graph import Graph

TERMS_SHOWN = 6
"""A sum of more terms shows its first TERMS_SHOWN - 1 terms, an ellipsis and the last one."""

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def node_symbols(graph: Graph) -> list[str]:
    """How the working names each node.

    A variable and an assigned node go by their name, with a subscript for each
    occurrence when the tree view gives a name several nodes (``x₁ x₂ x₃``, ``x1[1]``);
    a constant by its text; any other operation by ``v`` and its node id, the
    id of the graph export. If the program itself uses names such as ``v3``,
    another prefix is taken so that no two things look alike.
    """
    named: dict[str, list[int]] = {name: list(leaves) for name, leaves in graph.variables.items()}
    for node, name in enumerate(graph.names):
        if name is not None and graph.inputs[node] and graph.origins[node] is None:
            named.setdefault(name, []).append(node)
    prefix = id_prefix(graph)
    subscript = not any(re.search("[₀-₉]", u) for u in (*named, *graph.assigned))
    symbols = [
        f"{prefix}{node}" if inputs else (label or "")
        for node, (inputs, label) in enumerate(zip(graph.inputs, graph.labels))
    ]
    for name, nodes in named.items():
        if len(nodes) == 1:
            symbols[nodes[0]] = name
            continue
        for k, node in enumerate(nodes, 1):
            # x₁ for x, but x1[1] for x1: a subscript after a digit reads as one number.
            plain = subscript and not name[-1].isdigit()
            symbols[node] = name + str(k).translate(_SUBSCRIPTS) if plain else f"{name}[{k}]"
    return symbols


def id_prefix(graph: Graph) -> str:
    """``v``, as in ``v3``, unless the program uses such names itself."""
    user = [*graph.variables, *graph.assigned]
    return next((p for p in ("v", "n", "t") if not any(re.fullmatch(p + r"\d+", u) for u in user)), "#")


def factor(text: str) -> str:
    """``text`` ready to be a factor of a product: parenthesised if a sum, a condition or a negative."""
    depth = 0
    for ch in text:
        if ch in "([":  # brackets: a vector's numbers, in a tensor program's trace
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == " " and depth == 0:
            return f"({text})"
    return f"({text})" if text[:1] in ("−", "-") else text


def chain(*stages: str) -> tuple[str, ...]:
    """The stages without repeats: ``2 · 3 = 2 · 3 = 6`` says nothing twice."""
    kept: list[str] = []
    for stage in stages:
        if stage and (not kept or kept[-1] != stage):
            kept.append(stage)
    return tuple(kept)


def terms_sum(parts: list[str]) -> str:
    """``a + b + c``; beyond TERMS_SHOWN terms, the first ones, an ellipsis and the last."""
    if len(parts) > TERMS_SHOWN:
        parts = [*parts[: TERMS_SHOWN - 1], "…", parts[-1]]
    return " + ".join(parts)
