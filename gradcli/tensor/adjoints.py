"""The gradient of each node of the tensor view, and what each use of a node contributes to it.

A node's gradient is its elements' adjoints in the unrolled graph, gathered
(``gradcli.tensor.evaluate.gather``): the same numbers, bit for bit. Two kinds
of node make no scalar operations of their own, so their elements are their
input's nodes and gathering would give the input's whole gradient: a
transpose, and a literal of expressions (``[x, 2*y]``), which only move
elements around (an *alias*). Their gradient is the sum of what each of
their users passes back, rearranged; and what an ordinary user passes back
to an input is the sum of the unrolled graph's own products ∂f/∂u · ∂u/∂e
over its scalar operations u, added as the reverse pass adds them.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..api import Result
from ..autodiff import local_partials
from ..ops import ARRAY
from .build import TensorGraph
from .value import Tensor, size_of

Value = float | Tensor


def owned_operations(tensor: TensorGraph) -> list[list[int]]:
    """Each tensor node's scalar operations in the unrolled graph (none for an alias)."""
    unrolled = tensor.unrolled
    owned: list[list[int]] = [[] for _ in tensor.ops]
    for u, (inputs, (owner, _)) in enumerate(zip(unrolled.inputs, unrolled.element_of)):
        if inputs:
            owned[owner].append(u)
    return owned


def is_alias(tensor: TensorGraph, owned: list[list[int]], node: int) -> bool:
    """Whether a node only moves its inputs' elements (a transpose, a literal of expressions)."""
    return bool(tensor.inputs[node]) and not owned[node]


def contribution(
    tensor: TensorGraph,
    scalar: Result,
    owned: list[list[int]],
    adjoints: Mapping[int, Value] | list[Value],
    consumer: int,
    position: int,
) -> Value:
    """What ``consumer`` passes back to its input ``position``; ``adjoints[consumer]`` must be final."""
    node = tensor.inputs[consumer][position]
    shape = tensor.shapes[node]
    if is_alias(tensor, owned, consumer):
        data = _rearranged(tensor, adjoints[consumer], consumer, position)
    else:
        data = _summed(tensor, scalar, owned, consumer, position)
    return Tensor(shape, data) if shape else data[0]


def _rearranged(tensor: TensorGraph, given: Value, consumer: int, position: int) -> list[float]:
    """An input's part of a transpose's or a literal's gradient (no arithmetic: the same numbers, moved)."""
    flat = given.data if isinstance(given, Tensor) else [given]
    op = tensor.ops[consumer]
    node = tensor.inputs[consumer][position]
    size = size_of(tensor.shapes[node])
    if op is ARRAY:
        return flat[position * size : (position + 1) * size]
    if op.name == "transpose":
        rows, columns = tensor.shapes[node]
        return [flat[j * rows + i] for i in range(rows) for j in range(columns)]
    # Any other op without operations of its own (the sum of one element): element by element.
    mine, theirs = tensor.elements[consumer], tensor.elements[node]
    data = [0.0] * size
    for element, x in zip(mine, flat):
        data[theirs.index(element)] += x
    return data


def _summed(tensor: TensorGraph, scalar: Result, owned: list[list[int]], consumer: int, position: int) -> list[float]:
    """Σ ∂f/∂u · ∂u/∂e over the consumer's scalar operations u that use an element e of the input,
    added as the reverse pass adds them (operations last to first, then input a before b)."""
    unrolled = tensor.unrolled
    assert scalar.adjoints is not None
    node = tensor.inputs[consumer][position]
    slots: dict[int, list[int]] = {}
    for slot, element in enumerate(tensor.elements[node]):
        slots.setdefault(element, []).append(slot)
    binary = len(tensor.inputs[consumer]) == 2
    live, needs, element_of = unrolled.live, unrolled.needs_grad, unrolled.element_of
    # Which slot each use of an element feeds: in order of use, when the input holds an element twice ([x, x]).
    seen: dict[int, int] = {}
    uses: list[tuple[int, int, int]] = []  # (operation, input position, slot)
    for u in owned[consumer]:
        if not live[u] or not needs[u]:
            continue
        for q, e in enumerate(unrolled.inputs[u]):
            if e not in slots or element_of[e][0] == consumer or (binary and q != position):
                continue
            k = seen.get(e, 0)
            seen[e] = k + 1
            uses.append((u, q, slots[e][k % len(slots[e])]))
    data = [0.0] * len(tensor.elements[node])
    partials: dict[int, tuple[float, ...]] = {}
    for u, q, slot in sorted(uses, key=lambda use: (-use[0], use[1])):
        if u not in partials:
            partials[u] = local_partials(unrolled, scalar.values, u)
        data[slot] += scalar.adjoints[u] * partials[u][q]
    return data


def add(a: Value, b: Value) -> Value:
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return Tensor(a.shape, [x + y for x, y in zip(a.data, b.data)])
    return a + b  # type: ignore[operator]


def tensor_adjoints(tensor: TensorGraph, scalar: Result, gathered: list[Value]) -> list[Value]:
    """Each tensor node's gradient: ``gathered`` (its elements' adjoints), an alias's summed from its users."""
    owned = owned_operations(tensor)
    # The output's gradient is the seed, 1, even where the output is an alias (the sum of one number).
    aliases = [node for node in range(tensor.output) if is_alias(tensor, owned, node)]
    if not aliases:
        return gathered
    adjoints = list(gathered)
    live, needs = tensor.live, tensor.needs_grad
    uses: dict[int, list[tuple[int, int]]] = {node: [] for node in aliases}
    for consumer in range(tensor.output + 1):
        if live[consumer] and needs[consumer]:
            for position, i in enumerate(tensor.inputs[consumer]):
                if i in uses:
                    uses[i].append((consumer, position))
    for node in reversed(aliases):  # a user has a larger id: its gradient is final by now
        total: Value | None = None
        for consumer, position in uses[node]:
            part = contribution(tensor, scalar, owned, adjoints, consumer, position)
            total = part if total is None else add(total, part)
        if total is None:
            shape = tensor.shapes[node]
            total = Tensor(shape, [0.0] * size_of(shape)) if shape else 0.0
        adjoints[node] = total
    return adjoints
