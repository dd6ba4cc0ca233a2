"""What the symbolic-derivative tests share: random programs, and any graph node as a SymPy expression.

SymPy is the independent ground truth: a program's graph is rewritten op by op
with the SymPy form of each op from the op table's records (``conftest.SYMPY_OPS``),
and SymPy differentiates that. Nothing here calls gradcli's derivatives.
"""

from __future__ import annotations

import random

import sympy
from conftest import SYMPY_OPS

from gradcli.graph import Graph
from gradcli.ops import CONST, CONSTANTS, VAR

UNARY = ("sin", "cos", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "softplus", "atan", "step", "sign")
BINARY = ("+", "-", "*", "/", "^")
LEAVES = ("2", "3", "0.5", "1", "pi", "0.1")


def random_expression(rng: random.Random, depth: int, names: list[str]) -> str:
    """A random expression of the language over ``names``, at most ``depth`` operations deep."""
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(names) if rng.random() < 0.7 else rng.choice(LEAVES)
    r = rng.random()
    if r < 0.3:
        return f"{rng.choice(UNARY)}({random_expression(rng, depth - 1, names)})"
    if r < 0.37:
        a, b = (random_expression(rng, depth - 1, names) for _ in range(2))
        return f"{rng.choice(['max', 'min'])}({a}, {b})"
    op = rng.choice(BINARY)
    if op == "^":
        return f"({random_expression(rng, depth - 1, names)})^{rng.choice(['2', '3', '0.5', '-1', names[1]])}"
    a, b = (random_expression(rng, depth - 1, names) for _ in range(2))
    return f"({a} {op} {b})"


def random_program(rng: random.Random, *, depth: int = 4, assignments: int = 2) -> str:
    """A random program over x, y, w: up to ``assignments`` assigned names, then the output."""
    names = ["x", "y", "w"]
    lines = []
    for k in range(rng.randint(0, assignments)):
        lines.append(f"a{k} = {random_expression(rng, depth - 1, names)}")
        names.append(f"a{k}")
    lines.append(random_expression(rng, depth, names))
    return "; ".join(lines)


def to_sympy(graph: Graph, node: int | None = None) -> sympy.Expr:
    """The SymPy expression of a node (default: the output), every variable a real symbol."""
    node = graph.output if node is None else node
    exprs: list[sympy.Expr] = []
    for n, (op, inputs) in enumerate(zip(graph.ops, graph.inputs)):
        if n > node:
            break
        if op is VAR:
            exprs.append(sympy.Symbol(graph.labels[n], real=True))
        elif op is CONST:
            label = graph.labels[n]
            if label in CONSTANTS:
                exprs.append(sympy.pi if label == "pi" else sympy.E)
            else:
                exprs.append(sympy.nsimplify(label, rational=True))
        else:
            exprs.append(SYMPY_OPS[op.name](*(exprs[i] for i in inputs)))
    return exprs[node]


def symbols_of(graph: Graph) -> dict[str, sympy.Symbol]:
    return {name: sympy.Symbol(name, real=True) for name in graph.variables}
