"""Reading a tensor program as layers: ``act(W @ h + b)``, ``act(h @ W + b)``, ``W @ h + b``.

The layers are found on the tensor view (research note 4.5): a product of a
matrix variable W and a vector h, then optionally ``+ b`` (b a variable of
the product's shape, or a scalar), then optionally one elementwise function.
The first layer's h is the input; each next layer's h must be the previous
layer's output, which nothing else may use; each W and b belongs to one
layer. Whatever the last layer's output flows into is the head. Anything
else is refused with a caret under the statement that breaks the pattern.

A layer of one neuron is ``act(w @ x + b)`` with two vectors (or
``dot(w, x)``): when both are variables, the input is the one whose name
starts with x, else the second operand (``w @ x``, as the seed writes it).
Such a product is a layer only where it reads the inputs or the previous
layer's output alone; elsewhere (``dot(t, z)`` in a loss) it is the head's.
The inputs may also be written as a list of variables, ``W @ [x1, x2]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ops import ARRAY, CONST, VAR
from ..syntax import Program
from ..tensor import TensorGraph
from ..tensor.value import element_name, indices, subscript
from .model import Arc, Head, HeadInput, Layer, Network, Neuron, Param
from .refusal import Statements, refuse
from .scalar_neurons import activation_symbol, common_name, is_activation, is_input_name, pretty


@dataclass
class _Found:
    """A layer as found on the tensor view: its nodes there."""

    product: int  # the @ (or dot) node
    weight: int  # W's leaf
    source: int  # h: the node it multiplies
    left: bool  # W @ h (weight W[i,j] on the arc j → i), else h @ W (W[j,i])
    bias: int | None  # b's leaf
    add: int | None  # the + b node
    act: int | None  # the activation's node
    out: int  # the layer's output: act, else add, else product

    @property
    def nodes(self) -> tuple[int, ...]:
        return tuple(n for n in (self.product, self.add, self.act) if n is not None)


def read_tensor_network(program: Program, tg: TensorGraph) -> Network:
    """The network diagram of a tensor program, its nodes those of ``tg.unrolled``; or a refusal."""
    statements = Statements(program)
    users = tg.consumers()
    live = tg.live
    candidates = [f for node in range(len(tg)) if live[node] and (f := _layer_at(tg, users, node)) is not None]
    found = _plausible(candidates, tg, users)
    if not found and candidates:
        _check_chain(program, tg, statements, candidates[:1])  # why the one product there is not a neuron
    if not found:
        raise refuse(
            program,
            statements.last(),
            "no layer act(W @ h + b) with a matrix variable W (or a weight vector w @ x) was found",
        )
    _check_chain(program, tg, statements, found)
    _check_uses(program, tg, statements, users, found)
    layer_nodes = {n for f in found for n in f.nodes}
    if _is_variable_list(tg, found[0].source):
        layer_nodes.add(found[0].source)  # the inputs written as a list [x1, x2]
    head_nodes = [n for n in range(len(tg)) if live[n] and tg.inputs[n] and n not in layer_nodes]
    layers, arcs = _layers(tg, found)
    head = _head(tg, statements, found, head_nodes) if head_nodes else None
    return Network(program.source.text, layers, arcs, head)


def _plausible(found: list[_Found], tg: TensorGraph, users: list[list[int]]) -> list[_Found]:
    """The layers, without the vector products that belong to a loss (``dot(t, z)`` after the last layer).

    A product of two vectors is a layer of one neuron when it reads the
    inputs (the seed's ``w @ x``) or a previous layer's output that nothing
    else uses; otherwise it is part of what follows the layers. A matrix
    product is always a layer, and refused if it does not fit.
    """
    kept: list[_Found] = []
    for f in found:
        one_neuron = len(tg.shapes[f.weight]) == 1
        source_is_leaf = not tg.inputs[f.source] or _is_variable_list(tg, f.source)
        follows = bool(kept) and f.source == kept[-1].out and users[f.source] == [f.product]
        if one_neuron and not (source_is_leaf and not kept) and not follows:
            continue
        kept.append(f)
    return kept


def _layer_at(tg: TensorGraph, users: list[list[int]], node: int) -> _Found | None:
    """The layer whose product is ``node``, if it is one."""
    op = tg.ops[node]
    if op.name not in ("matmul", "dot"):
        return None
    a, b = tg.inputs[node]
    sa, sb = tg.shapes[a], tg.shapes[b]
    is_var = tg.ops[a] is VAR, tg.ops[b] is VAR
    if len(sa) == 2 and len(sb) == 1 and is_var[0]:
        weight, source, left = a, b, True
    elif len(sa) == 1 and len(sb) == 2 and is_var[1]:
        weight, source, left = b, a, False
    elif len(sa) == 1 and len(sb) == 1 and any(is_var):
        if all(is_var) and is_input_name(tg.labels[a] or "") and not is_input_name(tg.labels[b] or ""):
            weight, source = b, a
        elif is_var[0]:
            weight, source = a, b
        else:
            weight, source = b, a
        left = True
    else:
        return None
    out = node
    bias = add = act = None
    following = users[out]
    if len(following) == 1 and tg.ops[following[0]].name == "add":
        other = [i for i in tg.inputs[following[0]] if i != out]
        if len(other) == 1 and tg.ops[other[0]] is VAR and tg.shapes[other[0]] in (tg.shapes[out], ()):
            bias, add = other[0], following[0]
            out = add
    following = users[out]
    if len(following) == 1 and is_activation(tg.ops[following[0]]):
        act = out = following[0]
    return _Found(node, weight, source, left, bias, add, act, out)


def _is_variable_list(tg: TensorGraph, node: int) -> bool:
    """Whether ``node`` is a vector written as a list of scalar variables, ``[x1, x2, x3]``."""
    inputs = tg.inputs[node]
    return tg.ops[node] is ARRAY and all(tg.ops[i] is VAR and not tg.shapes[i] for i in inputs)


def _check_chain(program: Program, tg: TensorGraph, statements: Statements, found: list[_Found]) -> None:
    """The first layer reads a variable (or a literal); each next one reads the previous layer's output."""
    for k, layer in enumerate(found):
        source = layer.source
        leaf = tg.ops[source] in (VAR, CONST)
        if k == 0 and (leaf or _is_variable_list(tg, source)):
            continue
        if k > 0 and source == found[k - 1].out:
            continue
        product = tg.snippet(layer.product)
        if leaf:
            raise refuse(
                program,
                statements.span_of(tg, layer.product),
                f"{product} starts a second network from {tg.snippet(source)}; a diagram draws one chain of layers",
            )
        name = tg.names[source]
        what = f"{name} = {tg.snippet(source)}" if name else tg.snippet(source)
        between = "stands between two layers" if k > 0 else "computes the input of the first layer"
        raise refuse(
            program,
            statements.span_of(tg, source),
            f"{what} {between} ({product}) and is not itself a layer act(W @ h + b)",
        )


def _check_uses(
    program: Program, tg: TensorGraph, statements: Statements, users: list[list[int]], found: list[_Found]
) -> None:
    """Each W and b belongs to one layer, and each hidden layer's output feeds the next layer only."""
    products = {f.product: f for f in found}
    for layer in found:
        for leaf, own, what in ((layer.weight, layer.product, "weight"), (layer.bias, layer.add, "bias")):
            if leaf is None:
                continue
            for user in users[leaf]:
                if user == own:
                    continue
                name = tg.labels[leaf]
                if user in products:
                    where = (tg.source.where(tg.starts[own]), tg.source.where(tg.starts[user]))
                    why = (
                        f"{name} is used by two layers (at {where[0]} and at {where[1]}): "
                        "shared weights are not a plain network"
                    )
                else:
                    why = (
                        f"{name}, the {what} of {tg.snippet(layer.out)}, is used outside its layer too, "
                        f"by {tg.snippet(user)}"
                    )
                raise refuse(program, statements.span_of(tg, user), why)
    for k, layer in enumerate(found[:-1]):
        following = found[k + 1]
        for user in users[layer.out]:
            if user != following.product:
                name = tg.names[layer.out] or tg.snippet(layer.out)
                why = (
                    f"{name} is used again after the layer {tg.snippet(following.product)} (a skip connection), "
                    "and a network diagram draws only layers act(W @ h + b)"
                )
                raise refuse(program, statements.span_of(tg, user), why)


def _layers(tg: TensorGraph, found: list[_Found]) -> tuple[list[Layer], list[Arc]]:
    elements = tg.elements
    first = found[0].source
    input_name = tg.labels[first] if tg.ops[first] is VAR else "input"
    shape = tg.shapes[first]
    if _is_variable_list(tg, first):  # [x1, x2, x3]: each circle is one of the variables
        names = [tg.labels[i] or "" for i in tg.inputs[first]]
        inputs = [Neuron(name, pretty(name), e) for name, e in zip(names, elements[first])]
        input_name = common_name(names, "x")
    else:
        inputs = [
            Neuron(element_name(input_name, i), input_name + subscript(i), e)
            for i, e in zip(indices(shape), elements[first])
        ]
    layers = [Layer(input_name, "input", inputs, text=tg.snippet(first), span=tg.span(first), tensor_node=first)]
    arcs: list[Arc] = []
    for k, f in enumerate(found, start=1):
        name = _layer_name(tg, f, k, last=k == len(found))
        out_shape = tg.shapes[f.out]
        weight = tg.labels[f.weight] or "W"
        bias = tg.labels[f.bias] if f.bias is not None else None
        act = tg.ops[f.act] if f.act is not None else None
        neurons = []
        for i, (index, node) in enumerate(zip(indices(out_shape), elements[f.out])):
            neuron = Neuron(element_name(name, index), name + subscript(index), node)
            if f.bias is not None and bias is not None:
                b_index = index if tg.shapes[f.bias] else ()
                b_leaf = elements[f.bias][i if tg.shapes[f.bias] else 0]
                neuron.bias = Param(bias, b_leaf, b_index)
            neurons.append(neuron)
        layers.append(
            Layer(
                name,
                "layer",
                neurons,
                activation=act.name if act is not None else None,
                symbol=activation_symbol(act) if act is not None else None,
                weights=[weight],
                biases=[bias] if bias is not None else [],
                text=tg.snippet(f.out),
                span=tg.span(f.out),
                tensor_node=f.out,
            )
        )
        arcs += _arcs(tg, f, k, weight, len(layers[k - 1].neurons), len(neurons))
    return layers, arcs


def _layer_name(tg: TensorGraph, f: _Found, k: int, last: bool) -> str:
    name = tg.names[f.out]
    if name:
        return name
    return tg.output_name if last and f.out == tg.output else f"a{k}"


def _arcs(tg: TensorGraph, f: _Found, k: int, weight: str, sources: int, targets: int) -> list[Arc]:
    """One arc per weight element: W[i,j] on j → i for W @ h, W[j,i] for h @ W, w[j] for a vector."""
    shape = tg.shapes[f.weight]
    leaves = tg.elements[f.weight]
    arcs = []
    for i in range(targets):
        for j in range(sources):
            if len(shape) == 1:
                index, flat = (j + 1,), j
            elif f.left:
                index, flat = (i + 1, j + 1), i * shape[1] + j
            else:
                index, flat = (j + 1, i + 1), j * shape[1] + i
            arcs.append(Arc(k, j, i, Param(weight, leaves[flat], index)))
    return arcs


def _head(tg: TensorGraph, statements: Statements, found: list[_Found], head_nodes: list[int]) -> Head:
    """What follows the last layer: its statements' text, and the variables only it uses."""
    params = {n for f in found for n in (f.weight, f.bias) if n is not None}
    leaves: list[int] = []
    for node in head_nodes:
        for i in tg.inputs[node]:
            if tg.ops[i] is VAR and i not in params and i not in leaves:
                leaves.append(i)
    lines: list[str] = []
    for node in head_nodes:
        start, end = statements.span_of(tg, node)
        text = " ".join(tg.source.text[start:end].split())
        if text not in lines:
            lines.append(text)
    name = tg.output_name
    inputs = [HeadInput(tg.labels[leaf] or "") for leaf in sorted(leaves)]
    return Head(name, lines, tg.unrolled.output, inputs)
