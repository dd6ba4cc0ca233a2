"""Reading a scalar program as neurons ``act(w1*x1 + … + wK*xK + b)``, written out by hand.

On the program's fused graph, a neuron is an optional one-argument function
of a sum (added in any order) of products and at most one lone variable, the
bias. Each product is a weight (a variable) times a source: a neuron of the
layer before, or an input variable. When both factors are variables, the
one that several neurons use is the input (``x1`` in ``w11*x1`` and
``w21*x1``); when neither is shared (a single neuron), the input is the
factor whose name starts with x, else the second factor (``w*x``, as the
seeds write it). ``z = w1*x1 + b; y = sigmoid(z)`` is one neuron: an
assignment only names a node.

A neuron's layer is one more than its sources'; all its sources must be in
one layer, a neuron feeds only the next layer (the last layer: the head),
and each weight and bias is used once. Anything after the last layer is the
head; anything else is refused, with a caret under the statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..graph import Graph
from ..ops import CONST, VAR, Op
from ..syntax import Program
from .model import Arc, Head, HeadInput, Layer, Network, Neuron, Param
from .refusal import Statements, refuse

_SYMBOLS = {"relu": "ReLU", "softplus": "softplus"}


def is_activation(op: Op) -> bool:
    """A one-argument function of the op table, applied element by element (not ``-a``, not softmax)."""
    return op.arity == 1 and not op.tensor and bool(op.spellings)


def activation_symbol(op: Op) -> str:
    return _SYMBOLS.get(op.name, op.symbol)


def pretty(name: str) -> str:
    """How a picture writes a scalar program's name: trailing digits as a subscript (w21 as w₂₁, as the seeds do)."""
    stem = name.rstrip("0123456789")
    return stem + name[len(stem) :].translate(_SUBSCRIPT_DIGITS) if stem else name


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def is_input_name(name: str) -> bool:
    """Whether a variable's name says it is an input: x, x1, x_2, X."""
    return name[:1] in ("x", "X")


@dataclass
class _Neuron:
    out: int  # the activation's node, or the sum's for a linear neuron
    act: int | None
    nodes: list[int]  # every node of the neuron: activation, additions, products
    products: list[tuple[int, int]]  # (factor, factor) leaves or nodes, as written
    bias: int | None
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (source, weight), once decided
    depth: int = 0


def read_scalar_network(program: Program, graph: Graph) -> Network:
    """The network diagram of a scalar program, its nodes those of ``graph``; or a refusal."""
    statements = Statements(program)
    users = graph.consumers()
    live = graph.live
    neurons: dict[int, _Neuron] = {}
    claimed: set[int] = set()
    ops = graph.ops
    for node in range(len(graph) - 1, -1, -1):
        # A term of a larger sum is never a neuron's top: so each sum is walked once (linear time).
        inner = len(users[node]) == 1 and ops[users[node][0]].name == "add"
        if live[node] and node not in claimed and not inner:
            found = _neuron_at(graph, users, node)
            if found is not None:
                neurons[found.out] = found
                claimed.update(found.nodes)
    # Kept only if every source is a variable or a neuron (in id order, so sources come first);
    # a function of a sum whose source is something else is a statement between layers: refused.
    for out in sorted(neurons):
        if not _sources_known(program, graph, statements, neurons, neurons[out]):
            del neurons[out]
    if not neurons:
        raise refuse(
            program, statements.last(), "no neuron act(w1*x1 + … + wK*xK + b) nor layer act(W @ h + b) was found"
        )
    _decide_sources(program, graph, statements, neurons)
    _layer(program, graph, statements, neurons)
    _check_uses(program, graph, statements, users, neurons)
    return _network(program, graph, statements, neurons)


def _sources_known(
    program: Program, graph: Graph, statements: Statements, neurons: dict[int, _Neuron], neuron: _Neuron
) -> bool:
    """Whether every factor of the neuron's products is a variable or a neuron (ids ascending: sources first).

    A linear sum of other things is not a neuron (``-(t1*log(p1) + t2*log(p2))`` is a loss); a
    function of such a sum is a neuron whose input is a statement between layers: refused.
    """
    for a, b in neuron.products:
        for factor, other in ((a, b), (b, a)):
            if graph.ops[factor] is VAR or factor in neurons:
                continue
            if graph.ops[other] is not VAR or neuron.act is None:
                return False
            why = (
                f"{graph.snippet(factor)}, an input of the neuron {graph.snippet(neuron.out)}, "
                "is not a neuron act(w1*x1 + … + b) itself"
            )
            raise refuse(program, statements.span_of(graph, factor), why)
    return True


def _neuron_at(graph: Graph, users: list[list[int]], node: int) -> _Neuron | None:
    """The neuron whose output is ``node``, if it is one."""
    ops, inputs = graph.ops, graph.inputs
    act = None
    top = node
    if is_activation(ops[node]):
        (inner,) = inputs[node]
        if len(users[inner]) != 1 or ops[inner].name not in ("add", "mul"):
            return None
        act, top = node, inner
    elif ops[node].name != "add":
        return None
    nodes = [node] if act is not None else []
    products: list[tuple[int, int]] = []
    bias = None
    work = [top]
    while work:
        item = work.pop()
        op = ops[item]
        if op.name == "add" and (item == top or len(users[item]) == 1):
            nodes.append(item)
            work.extend(reversed(inputs[item]))
        elif op.name == "mul" and (item == top or len(users[item]) == 1):
            a, b = inputs[item]
            if ops[a] is not VAR and ops[b] is not VAR:
                return None
            nodes.append(item)
            products.append((a, b))
        elif (op is VAR or op is CONST) and bias is None:
            bias = item  # a variable, or a number written in the program (b = 1)
        else:
            return None
    if not products:
        return None
    return _Neuron(node, act, nodes, products, bias)


def _decide_sources(program: Program, graph: Graph, statements: Statements, neurons: dict[int, _Neuron]) -> None:
    """Which factor of each product is the source: a neuron, the shared variable, or by the naming rule."""
    shared: dict[int, set[int]] = {}
    for out, neuron in neurons.items():
        for a, b in neuron.products:
            if graph.ops[a] is VAR and graph.ops[b] is VAR:
                shared.setdefault(a, set()).add(out)
                shared.setdefault(b, set()).add(out)
    for out, neuron in neurons.items():
        for a, b in neuron.products:
            if graph.ops[a] is not VAR:
                neuron.pairs.append((a, b))
                continue
            if graph.ops[b] is not VAR:
                neuron.pairs.append((b, a))
                continue
            many_a, many_b = len(shared[a]) > 1, len(shared[b]) > 1
            if many_a and many_b:
                why = (
                    f"{graph.labels[a]} and {graph.labels[b]} are each used by several neurons, "
                    "so one of them is a weight shared by several neurons"
                )
                raise refuse(program, statements.span_of(graph, out), why)
            if many_a != many_b:
                neuron.pairs.append((a, b) if many_a else (b, a))
            elif is_input_name(graph.labels[a] or "") and not is_input_name(graph.labels[b] or ""):
                neuron.pairs.append((a, b))
            else:
                neuron.pairs.append((b, a))


def _layer(program: Program, graph: Graph, statements: Statements, neurons: dict[int, _Neuron]) -> None:
    """Each neuron's depth: 1 + its sources' (inputs are 0); all its sources in one layer."""
    for out in sorted(neurons):
        neuron = neurons[out]
        depths = {neurons[s].depth if s in neurons else 0 for s, _ in neuron.pairs}
        if len(depths) > 1:
            why = f"the neuron {graph.snippet(out)} takes inputs from different layers (a skip connection)"
            raise refuse(program, statements.span_of(graph, out), why)
        neuron.depth = depths.pop() + 1


def _check_uses(
    program: Program, graph: Graph, statements: Statements, users: list[list[int]], neurons: dict[int, _Neuron]
) -> None:
    """Weights and biases are used once; a neuron feeds the next layer only (the last: the head)."""
    last = max(n.depth for n in neurons.values())
    inputs = {s for n in neurons.values() for s, _ in n.pairs if s not in neurons}
    owner = {}
    for out, neuron in neurons.items():
        bias = [neuron.bias] if neuron.bias is not None and graph.ops[neuron.bias] is VAR else []
        for leaf in [w for _, w in neuron.pairs] + bias:
            if leaf in inputs:
                why = f"{graph.labels[leaf]} is both an input and a weight or bias (in {graph.snippet(out)})"
                raise refuse(program, statements.span_of(graph, out), why)
            if leaf in owner or len(users[leaf]) != 1:
                other = owner.get(leaf, out)
                where = other if other != out else next(u for u in users[leaf] if u not in neuron.nodes)
                why = (
                    f"{graph.labels[leaf]} is used by more than one neuron or layer: "
                    "shared weights are not a plain network"
                )
                raise refuse(program, statements.span_of(graph, max(where, out)), why)
            owner[leaf] = out
    in_neuron = {node: n for n in neurons.values() for node in n.nodes}
    for out, neuron in neurons.items():
        for user in users[out]:
            next_neuron = in_neuron.get(user)
            if next_neuron is not None and next_neuron.depth == neuron.depth + 1:
                continue
            if next_neuron is None and neuron.depth == last:
                continue
            name = graph.names[out] or graph.snippet(out)
            why = (
                f"{name} is used again after the next layer (a skip connection), "
                "and a network diagram draws layers only"
            )
            raise refuse(program, statements.span_of(graph, user), why)
    for leaf in sorted(inputs):
        for user in users[leaf]:
            target = in_neuron.get(user)
            if target is not None and target.depth != 1:
                why = f"the input {graph.labels[leaf]} is used by a neuron of a later layer (a skip connection)"
                raise refuse(program, statements.span_of(graph, user), why)


def _network(program: Program, graph: Graph, statements: Statements, neurons: dict[int, _Neuron]) -> Network:
    depth = max(n.depth for n in neurons.values())
    input_leaves = sorted({s for n in neurons.values() for s, _ in n.pairs if s not in neurons})
    inputs = [Neuron(graph.labels[leaf] or "", pretty(graph.labels[leaf] or ""), leaf) for leaf in input_leaves]
    names = [n.id for n in inputs]
    text = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
    layers = [Layer(common_name(names, "x"), "input", inputs, text=text)]
    position = {leaf: i for i, leaf in enumerate(input_leaves)}
    arcs: list[Arc] = []
    for k in range(1, depth + 1):
        members = sorted(out for out, n in neurons.items() if n.depth == k)
        cells = []
        acts = set()
        weights: list[str] = []
        biases: list[str] = []
        for i, out in enumerate(members):
            neuron = neurons[out]
            name = _neuron_name(graph, neuron, k, i)
            cell = Neuron(name, pretty(name), out)
            if neuron.bias is not None:
                b = graph.labels[neuron.bias] or ""
                constant = graph.ops[neuron.bias] is CONST
                cell.bias = Param(b, neuron.bias, picture=b if constant else pretty(b), constant=constant)
                if not constant:
                    biases.append(b)
            act_op = graph.ops[neuron.act] if neuron.act is not None else None
            acts.add(act_op)
            cells.append(cell)
            for source, weight in neuron.pairs:
                w = graph.labels[weight] or ""
                weights.append(w)
                arcs.append(Arc(k, position[source], i, Param(w, weight, picture=pretty(w))))
        position = {out: i for i, out in enumerate(members)}
        (act,) = acts if len(acts) == 1 else (None,)
        text = graph.snippet(members[0]) + (" …" if len(members) > 1 else "")
        layers.append(
            Layer(
                common_name([c.id for c in cells if not c.id.startswith(f"a{k}[")], f"a{k}"),
                "layer",
                cells,
                activation=act.name if act is not None else None,
                symbol=activation_symbol(act) if act is not None else None,
                weights=weights,
                biases=biases,
                text=text,
            )
        )
        for out in members:
            op = graph.ops[neurons[out].act] if neurons[out].act is not None else None
            cell_symbol = activation_symbol(op) if op is not None else None
            if cell_symbol != layers[-1].symbol:
                layers[-1].symbol = None  # neurons of different functions: each circle says its own
    last_outs = {out for out, n in neurons.items() if n.depth == depth}
    head = None
    if graph.output not in last_outs:
        head = _head(graph, statements, neurons)
    return Network(program.source.text, layers, arcs, head)


def _neuron_name(graph: Graph, neuron: _Neuron, k: int, i: int) -> str:
    for node in (neuron.out, *neuron.nodes):
        if graph.names[node]:
            return graph.names[node]  # type: ignore[return-value]
    if neuron.out == graph.output:
        return graph.output_name
    return f"a{k}[{i + 1}]"  # the i-th neuron of an unnamed layer a1


def common_name(names: list[str], fallback: str) -> str:
    """h for h1, h2; the one name of a layer of one; else ``fallback``."""
    if not names:
        return fallback
    if len(names) == 1:
        return names[0]
    stems = {name.rstrip("0123456789") for name in names}
    (stem,) = stems if len(stems) == 1 else ("",)
    return stem if stem else fallback


def _head(graph: Graph, statements: Statements, neurons: dict[int, _Neuron]) -> Head:
    in_neurons = {node for n in neurons.values() for node in n.nodes}
    params = {w for n in neurons.values() for _, w in n.pairs} | {n.bias for n in neurons.values()}
    live = graph.live
    head_nodes = [n for n in range(len(graph)) if live[n] and graph.inputs[n] and n not in in_neurons]
    leaves: list[int] = []
    lines: list[str] = []
    for node in head_nodes:
        for i in graph.inputs[node]:
            if graph.ops[i] is VAR and i not in params and i not in leaves:
                leaves.append(i)
        start, end = statements.span_of(graph, node)
        text = " ".join(graph.source.text[start:end].split())
        if text not in lines:
            lines.append(text)
    inputs = [HeadInput(graph.labels[leaf] or "") for leaf in sorted(leaves)]
    return Head(graph.output_name, lines, graph.output, inputs)
