"""Random programs, evaluated by gradcli and by SymPy, and across gradcli's own views and modes.

A seeded generator builds random expression trees from the op table. It
knows the value of every subtree at the chosen point (computed by SymPy at
high precision), so it only applies an op where the op is defined, smooth and
well conditioned, as its record's ``domain`` says (conftest's ``well_conditioned``:
log of a positive number, asin inside (-1, 1), no division by a number near
zero, no kink or tie of relu, abs, max and min). It writes each tree in the
language with random spellings (``^`` or ``**``, ``ln`` or ``log``, implicit
multiplication where the language allows it, the fewest parentheses), and
sometimes names a subtree in an assignment that the rest of the program uses.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

import pytest
import sympy
from conftest import well_conditioned

import gradcli
from gradcli.ops import OPS, Op

PROGRAMS = 150
VARIABLES = ("x", "y", "w", "θ", "x_1")
SYMBOLS = {name: sympy.Symbol(name, real=True) for name in (*VARIABLES, "u")}
LITERALS = ["2", "3", "0.5", ".5", "1.5", "10", "1e-1", "2.5E+0", "pi", "e"]
DIGITS = 50
LIMIT = 1e4  # the largest magnitude a subtree may have, so rounding stays far below the tolerance
BINARY = [op for op in OPS if op.arity == 2]
UNARY = [op for op in OPS if op.arity == 1]
INFIX_LEVEL = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
INFIX_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


@dataclass
class Tree:
    """A subtree: its text, the kind of its first and last token, its precedence level, SymPy form and value."""

    text: str
    first: str  # "name", "num", "lpar" or "op"
    last: str  # "name", "num" or "rpar"
    level: int  # 1 + -, 2 * /, 3 unary, 4 ^, 5 atoms and calls
    sym: sympy.Expr
    exact: sympy.Float  # the value at the point, from SymPy at high precision

    @property
    def value(self) -> float:
        return float(self.exact)


class Generator:
    """Random programs over the op table, at one random point."""

    def __init__(self, seed: int, sympy_ops: dict) -> None:
        self.rng = random.Random(seed)
        self.sympy_ops = sympy_ops
        count = self.rng.randint(1, 3)
        self.variables = self.rng.sample(VARIABLES, count)
        self.point = {name: round(self.rng.uniform(-2, 2), self.rng.choice([1, 2, 6])) for name in self.variables}
        self.leaves: list[Tree] = [self.variable(name) for name in self.variables]

    def variable(self, name: str) -> Tree:
        return Tree(name, "name", "name", 5, SYMBOLS[name], sympy.Float(self.point[name], DIGITS))

    def literal(self) -> Tree:
        text = self.rng.choice(LITERALS)
        value = {"pi": math.pi, "e": math.e}.get(text) or float(text)
        kind = "name" if text in ("pi", "e") else "num"
        return Tree(text, kind, kind, 5, sympy.Float(value, DIGITS), sympy.Float(value, DIGITS))

    def tree(self, depth: int, root: bool = False) -> Tree:
        if depth == 0 or (not root and self.rng.random() < 0.2):
            return self.rng.choice(self.leaves) if self.rng.random() < 0.75 else self.literal()
        for _ in range(20):
            op = self.rng.choice(BINARY if self.rng.random() < 0.5 else UNARY)
            args = [self.tree(depth - 1) for _ in range(op.arity)]
            if well_conditioned(op, tuple(a.value for a in args)):
                exact = sympy.N(self.sympy_ops[op.name](*(a.exact for a in args)), DIGITS)
                if exact.is_real and exact.is_finite and abs(exact) < LIMIT:
                    sym = self.sympy_ops[op.name](*(a.sym for a in args))
                    return self.write(op, args, sym, exact)
        return self.rng.choice(self.leaves)

    # ---- writing a tree in the language, with the fewest parentheses ----

    def wrap(self, tree: Tree, needs: bool) -> tuple[str, str, str]:
        if needs:
            return f"({tree.text})", "lpar", "rpar"
        return tree.text, tree.first, tree.last

    def space(self) -> str:
        return self.rng.choice(["", " ", " "])

    def write(self, op: Op, args: list[Tree], sym: sympy.Expr, value: sympy.Float) -> Tree:
        name = op.name
        infix = name in INFIX_LEVEL and not (name == "pow" and self.rng.random() < 0.3)
        if not infix:
            spelling = self.rng.choice(op.spellings)
            text = f"{spelling}({', '.join(a.text for a in args)})"
            return Tree(text, "name", "rpar", 5, sym, value)
        level = INFIX_LEVEL[name]
        if name == "neg":
            text, _, last = self.wrap(args[0], args[0].level < 3)
            return Tree(f"-{text}", "op", last, 3, sym, value)
        left, right = args
        if name == "pow":
            ltext, first, _ = self.wrap(left, left.level <= 4)  # (-a)^b, (a^b)^c
            rtext, _, last = self.wrap(right, right.level < 3)  # a^-b and a^b^c need none
            return Tree(f"{ltext}{self.rng.choice(['^', '**'])}{rtext}", first, last, 4, sym, value)
        ltext, first, ltail = self.wrap(left, left.level < level)
        rtext, rhead, last = self.wrap(right, right.level <= level)
        if name == "mul" and self.rng.random() < 0.7:
            # Implicit multiplication, only where the language has it: a number before a name or "(",
            # and ")" before "(" (a right operand may take parentheses it does not need, to get there).
            if ltail == "rpar" and rhead != "lpar" and right.level == 5:
                rtext, rhead, last = f"({rtext})", "lpar", "rpar"
            if (ltail == "num" and rhead in ("name", "lpar")) or (ltail == "rpar" and rhead == "lpar"):
                return Tree(f"{ltext}{rtext}", first, last, 2, sym, value)
        s = self.space()
        return Tree(f"{ltext}{s}{INFIX_SYMBOL[name]}{s}{rtext}", first, last, level, sym, value)

    def program(self) -> tuple[str, sympy.Expr]:
        """A program and the SymPy form of its output, sometimes with an assignment ``u = ...`` it uses."""
        if self.rng.random() < 0.3:
            named = self.tree(3)
            u = Tree("u", "name", "name", 5, named.sym, named.exact)
            self.leaves.append(u)
            body = self.tree(4, root=True)  # it may or may not use u: an unused u is a warning, not an error
            separator = self.rng.choice(["; ", "\n", "  # named\n", "\n\n"])
            text = f"u = {named.text}{separator}{body.text}"
            return text, body.sym
        body = self.tree(5, root=True)
        return body.text, body.sym


def reference(sym: sympy.Expr, point: dict[str, float], names: list[str]) -> tuple[float, dict[str, float]]:
    """The value and the partials of a SymPy expression at a point, at high precision."""
    # Substituting 50-digit numbers makes SymPy evaluate every function as it rebuilds the tree.
    subs = {SYMBOLS[n]: sympy.Float(v, DIGITS) for n, v in point.items()}
    value = float(sympy.N(sym.xreplace(subs), 30))
    gradient = {n: float(sympy.N(sympy.diff(sym, SYMBOLS[n]).xreplace(subs), 30)) for n in names}
    return value, gradient


def assert_close(got: float, want: float, what: str, rel: float = 1e-10) -> None:
    # Relative to the magnitude of the number, or to 1 for numbers that come out of cancellation near 0.
    assert abs(got - want) <= rel * max(abs(want), 1.0), f"{what}: got {got!r}, want {want!r}"


@pytest.fixture(scope="module")
def programs(sympy_ops) -> list:
    cases = []
    for seed in range(PROGRAMS):
        generator = Generator(seed, sympy_ops)
        text, sym = generator.program()
        cases.append((text, sym, generator.point))
    return cases


@pytest.mark.parametrize("seed", range(PROGRAMS))
def test_random_program_against_sympy(seed: int, programs) -> None:
    text, sym, point = programs[seed]
    result = gradcli.evaluate(text, {n: v for n, v in point.items() if n in gradcli.build(text).variables})
    assert result.error is None, (text, result.error)
    names = list(result.gradient)
    value, gradient = reference(sym, point, names)
    assert_close(result.value, value, f"value of {text!r} at {point}")
    for name in names:
        assert_close(result.gradient[name], gradient[name], f"∂/∂{name} of {text!r} at {point}")


VIEWS = [
    pytest.param({"mode": "forward"}, id="forward-mode"),
    pytest.param({"tree": True}, id="tree"),
    pytest.param({"granularity": "scalar"}, id="scalar"),
    pytest.param({"tree": True, "granularity": "scalar", "mode": "forward"}, id="tree-scalar-forward"),
]


@pytest.mark.parametrize("view", VIEWS)
def test_random_programs_agree_across_views_and_modes(view: dict, programs) -> None:
    # Contract section 3: values and gradients are identical in every view (to rounding).
    for text, _, point in programs:
        values = {n: v for n, v in point.items() if n in gradcli.build(text).variables}
        default = gradcli.evaluate(text, values)
        other = gradcli.evaluate(text, values, **view)
        assert_close(other.value, default.value, f"value of {text!r}", rel=1e-12)
        assert other.gradient.keys() == default.gradient.keys()
        for name, partial in default.gradient.items():
            assert_close(other.gradient[name], partial, f"∂/∂{name} of {text!r}", rel=1e-12)


def test_the_generator_writes_varied_programs(programs) -> None:
    # Guards the generator itself: the programs must exercise the language, not one corner of it.
    texts = [text for text, _, _ in programs]
    joined = "\n".join(texts)
    for needle in ("^", "**", "(", "-", "/", "u = ", "ln(", "pow(", "max(", "sigmoid("):
        assert needle in joined, needle
    assert re.search(r"(?<![\w.])[\d.]+[a-zθ(]", joined), "a number before a name or '('"
    assert ")(" in joined
    ops = {op.name for text in texts for op in gradcli.build(text).ops if not op.is_leaf}
    assert ops == {op.name for op in OPS}, {op.name for op in OPS} - ops
