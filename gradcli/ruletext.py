"""The op table's rules as people write them: ``σ(a)·(1 − σ(a))``, ``b·a^(b−1)``, ``1/√(1 − a²)``.

``gradcli ops``, ``trace`` and the messages about a non-finite number show
each op's forward step and local partials in Unicode (``·``, ``−``, ``²``,
``√``, ``σ``, ``π``, ``|a|``). All of it is printed from the partial expressions of
the op table, so a rule's text cannot drift from the rule.

A rule is printed once per op into a *template*: text with a slot for each
input, for ``out`` and nothing else. In the symbolic form ``out`` is written
out as the op applied to its inputs (``σ(a)``); with numbers in, it is the
output's value. A negative number in a slot is parenthesised where it is an
operand (``(-2) · 3``, ``(-2)^3``) but not inside a call's parentheses
(``σ(-2)``). Products are tight in a partial (``b·a``) and spaced in a forward
step (``w · x``); a sum is tight in an exponent (``a^(b−1)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from .numbers import DEFAULT_DIGITS, fmt, fmt_operand
from .ops import Op
from .rules import walk
from .syntax import Apply, Expr, Name, Num

_INFIX = {"add": (" + ", 1), "sub": (" − ", 1), "mul": ("·", 2), "div": ("/", 2), "pow": ("^", 4)}
_ATOM = 5

Template = tuple[str | tuple[str, bool], ...]
"""Text, and slots ``(name, bare)``: a slot is bare where a negative number needs no parentheses."""


def _render(expr: Expr, *, loose: bool) -> Template:
    """``expr`` as a template; no recursion on its depth."""
    tight: set[int] = set()  # the nodes inside an exponent, whose sums are written without spaces
    work = [(expr, False)]
    while work:
        node, inside = work.pop()
        if inside:
            tight.add(id(node))
        if type(node) is Apply:
            last = len(node.args) - 1
            work.extend((arg, inside or (node.op.name == "pow" and i == last)) for i, arg in enumerate(node.args))
    done: dict[int, tuple[list, int]] = {}  # node -> (parts, level)
    for node in walk(expr):
        if type(node) is Num:
            done[id(node)] = (["π" if node.text == "pi" else node.text], _ATOM)
        elif type(node) is Name:
            done[id(node)] = ([(node.id, True)], _ATOM)
        else:
            done[id(node)] = _apply(node, [done[id(arg)] for arg in node.args], loose, id(node) in tight)
    parts, _ = done[id(expr)]
    return tuple(parts)


def _wrap(item: tuple[list, int], least: int) -> list:
    """An operand's parts: parenthesised if its level is below ``least``; its bare slots become operands."""
    parts, level = item
    if level < least:
        return ["(", *parts, ")"]
    return [(part[0], False) if type(part) is tuple and len(parts) == 1 else part for part in parts]


def _apply(node: Apply, args: list[tuple[list, int]], loose: bool, tight: bool) -> tuple[list, int]:
    name = node.op.name
    if name == "neg":
        return ["−", *_wrap(args[0], 4)], 3
    if name == "pow" and type(node.args[1]) is Num and node.args[1].text == "2":
        return [*_wrap(args[0], _ATOM), "²"], 4
    if name == "matmul":  # at the level of a product, always spaced: G @ transpose(b)
        return [*_wrap(args[0], 2), " @ ", *_wrap(args[1], 3)], 2
    if name in _INFIX:
        symbol, level = _INFIX[name]
        if name == "pow":
            return [*_wrap(args[0], _ATOM), symbol, *_wrap(args[1], 4)], level
        if loose and level == 2:
            symbol = f" {symbol} "
        elif tight and level == 1:
            symbol = symbol.strip()
        left = _wrap(args[0], level)
        # A right operand of the same level needs parentheses (a − (b − c)), and so does a negation (a·(−b)).
        right = _wrap(args[1], 4 if args[1][1] == 3 else level + 1)
        return [*left, symbol, *right], level
    if name == "abs":
        return ["|", *args[0][0], "|"], _ATOM
    if name == "sqrt":
        return ["√", *_wrap(args[0], _ATOM)], _ATOM
    # A tensor op is called by its name (transpose, not its graph label ᵀ).
    called = node.written or (node.op.spellings[0] if node.op.tensor else node.op.symbol)
    parts: list = [f"{called}("]
    for i, (arg_parts, _) in enumerate(args):
        parts += [", "] * (i > 0) + arg_parts
    return [*parts, ")"], _ATOM


def _fill(template: Template, leaves: Mapping[str, str]) -> str:
    return fill_with(template, lambda name, bare: leaves[name])


def _fill_numbers(template: Template, numbers: Mapping[str, float], digits: int) -> str:
    return fill_with(template, lambda name, bare: (fmt if bare else fmt_operand)(numbers[name], digits))


def _applied(op: Op) -> Apply:
    """``op(a, b)`` as a syntax tree."""
    return Apply(op, tuple(Name(p, 0, 0) for p in op.params), 0, 0)


def _expand_out(op: Op, expr: Expr) -> Expr:
    """``expr`` with each ``out`` replaced by ``op(a, b)``: a partial in terms of the inputs only."""
    new: dict[int, Expr] = {}
    for node in walk(expr):
        if type(node) is Name and node.id == "out":
            new[id(node)] = _applied(op)
        elif type(node) is Apply:
            new[id(node)] = Apply(node.op, tuple(new[id(a)] for a in node.args), 0, 0, node.written)
        else:
            new[id(node)] = node
    return new[id(expr)]


@cache
def rule_template(text: str) -> Template:
    """A rule written in the language (``G @ transpose(b)``) as a template with a slot per name."""
    from .rules import parse_rules

    return _render(parse_rules([text])[0], loose=False)


def fill_with(template: Template, render: Callable[[str, bool], str]) -> str:
    """A template with each slot filled by ``render(name, bare)`` (bare: no parentheses needed)."""
    return "".join(part if type(part) is str else render(*part) for part in template)


def vjp_text(op: Op, position: int) -> str:
    """A tensor op's vector-Jacobian rule for one input, as people write it: ``G @ transpose(b)``, ``G·b``."""
    return fill_with(rule_template(op.vjps[position]), lambda name, bare: name)


@cache
def forward_template(op: Op) -> Template:
    return _render(_applied(op), loose=True)


@cache
def partial_template(op: Op, position: int, symbolic: bool) -> Template:
    expr = op.partial_exprs[position]
    return _render(_expand_out(op, expr) if symbolic else expr, loose=False)


def forward_text(op: Op, names: Mapping[str, str]) -> str:
    """The op's forward step with the inputs named: ``w · x``, ``σ(v2)``, ``|x|``."""
    return _fill(forward_template(op), names)


def forward_numbers(op: Op, numbers: Mapping[str, float], digits: int = DEFAULT_DIGITS) -> str:
    """The forward step with the inputs' values in: ``0.5 · 2``, ``σ(-1)``."""
    return _fill_numbers(forward_template(op), numbers, digits)


def partial_text(op: Op, position: int, names: Mapping[str, str] | None = None) -> str:
    """The local partial for one input, in terms of the inputs: ``σ(a)·(1 − σ(a))``; ``names`` renames them."""
    return _fill(partial_template(op, position, True), names or {p: p for p in op.params})


def partial_numbers(op: Op, position: int, numbers: Mapping[str, float], digits: int = DEFAULT_DIGITS) -> str:
    """The local partial with numbers in; ``numbers`` holds the inputs and ``out``: ``0.7311·(1 − 0.7311)``."""
    return _fill_numbers(partial_template(op, position, False), numbers, digits)
