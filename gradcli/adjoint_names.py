"""Names for the adjoint nodes of a backward graph, as a picture shows them (``gradcli graph --backward``).

Each adjoint is labelled ``∂f/∂v`` after what v is in the program: a
variable's or an assigned name, a short piece of program text, or a node id.
"""

from __future__ import annotations

from .backward import Backward
from .graph import Graph


def name_adjoints(first: Backward, program: Graph) -> None:
    """Name each adjoint node ``∂f/∂v`` for a picture; a node that is several adjoints gets every name.

    A variable or an assigned node goes by its name; another operation by the
    program text it stands for when that is short (``∂f/∂(x*x)``), else by its
    node id (``∂f/∂v12``, ``n12`` in the DOT).
    """
    from .trace import id_prefix

    graph = first.graph
    f = program.output_name
    prefix = id_prefix(program)
    names: dict[int, list[str]] = {}
    for node in range(len(first.adjoint) - 1, -1, -1):  # in the order of the backward pass
        adjoint = first.adjoint[node]
        if adjoint is None:
            continue
        if node == program.output:
            what = f
        elif program.is_variable(node) or program.names[node]:
            what = program.labels[node] if program.is_variable(node) else program.names[node]  # type: ignore[assignment]
        else:
            snippet = _inner_text(program, node) if _inside_decomposition(program, node) else program.snippet(node)
            what = f"({snippet})" if len(snippet) <= 16 else f"{prefix}{node}"
        names.setdefault(adjoint, []).append(f"∂{f}/∂{what}")
    for name, node in first.gradient.items():
        if node not in names or f"∂{f}/∂{name}" not in names[node]:
            names.setdefault(node, []).append(f"∂{f}/∂{name}")
    for node, labels in names.items():
        graph.names[node] = ", ".join(dict.fromkeys(labels))


def _inside_decomposition(program: Graph, node: int) -> bool:
    """Whether the node is a step inside a decomposition (``--granularity scalar``), not its result.

    Every step of ``sigmoid(z)`` as ``1 / (1 + exp(-z))`` has the span of
    ``sigmoid(z)``, so its text would name four different adjoints alike; the
    result, the last of the consecutive nodes with that origin and span, is
    the call itself.
    """
    origin = program.origins[node]
    if origin is None or node == program.output:
        return False
    after = node + 1
    return (
        after < len(program.ops)
        and program.origins[after] == origin
        and (program.starts[after], program.ends[after]) == (program.starts[node], program.ends[node])
    )


def _inner_text(program: Graph, node: int) -> str:
    """A step of a decomposition as the formula it computes (``exp(-w*x)``), in the language."""
    from .symbolic.convert import Converter
    from .symbolic.expressions import Expressions
    from .symbolic.printer import Printer

    table = Expressions()
    (expression,) = Converter(program, table).convert([node])
    return Printer(table).text(expression)
