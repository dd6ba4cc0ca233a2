"""An answer to ``gradcli check``: what the student wrote, read as a number or a formula.

``--expect x=2*x + y`` is a formula over the program's variables and the
names it assigns; ``--expect x=0.0983`` a number. A number written with
decimals and at least ``ROUNDED_DIGITS`` significant digits stands for the
values that round to it; ``gradcli.check`` compares answers with gradcli's own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .builder import build
from .errors import GradcliError, ParseError, UsageError
from .graph import Graph
from .parser import parse
from .syntax import Apply, Assign, Num, Program, names_in
from .values import PLAIN_NUMBER

ROUNDED_DIGITS = 3
"""The significant digits a number written with decimals needs to match the values that round to it.

0.0983 and 0.09831 are rounded forms of 0.098306; 0.1 and 0.0 are not
answers to that precision, and are compared with the tolerances instead."""

_DECIMAL = re.compile(r"\s*[+-]?(\d*)\.(\d+)(?:[eE]([+-]?\d+))?\s*")


@dataclass(frozen=True)
class Answer:
    """An expected value or derivative: its text, and a graph that computes it."""

    name: str | None  # the variable or assigned name it is the derivative for; None for the value of the program
    text: str
    graph: Graph  # the program's statements, then the answer as the output
    significant: int  # significant digits of a number written with decimals (0.0983: 3); 0 for anything else
    written_rounding: float  # half a unit of its last digit (0.0983: 0.00005); 0 for anything else

    @property
    def rounding(self) -> float:
        """How far the answer may be from the number, as the rounded form of it (ROUNDED_DIGITS or more digits)."""
        return self.written_rounding if self.significant >= ROUNDED_DIGITS else 0.0

    @property
    def is_number(self) -> bool:
        """Whether the answer is written as a plain number (``10``, ``-0.5``), not a formula."""
        return PLAIN_NUMBER.fullmatch(self.text.strip()) is not None


def read_answer(program: Program, graph: Graph, name: str | None, text: str, flag: str) -> Answer:
    """Parse an answer to a check of ``graph`` (the program's); ``flag`` (``--expect x=...``) names it in errors.

    An answer is one expression over the program's variables and the names it
    assigns. A syntax error or an unknown name is shown with a caret under the answer.
    """
    answer = answer_program(graph, text, flag)
    if answer.tensor:
        raise UsageError(
            f"in {flag}: the answer writes vectors or matrices, and the program has none",
            hint="the derivatives of a program of scalars are numbers: write the answer with scalars",
        )
    combined = build(Program(program.source, [*program.statements, answer.statements[0]]))
    significant, rounding = digits_written(text)
    return Answer(name, text, combined, significant, rounding)


def answer_program(graph: Graph, text: str, flag: str) -> Program:
    """An answer parsed and checked: one expression, over the names of ``graph``, with finite numbers.

    Its spans are offsets into the answer's own text (``source``), so an
    error found in it later is shown under the answer.
    """
    try:
        answer = parse(text)
    except GradcliError as error:
        raise type(error)(
            f"in {flag}: {error.message}", source=error.source, span=error.span, hint=error.hint
        ) from None
    statements = answer.statements
    if len(statements) != 1 or type(statements[0]) is Assign:
        where = statements[1] if len(statements) > 1 else statements[0]
        raise ParseError(
            f"in {flag}: an answer is one expression, such as 2*x + y",
            source=answer.source,
            span=(where.start, where.end),
        )
    _check_numbers(answer, flag)
    for use in names_in(statements):
        if use.id not in graph.variables and use.id not in graph.assigned:
            raise UsageError(
                f"in {flag}: {use.id} is not a variable of the program",
                source=answer.source,
                span=(use.start, use.end),
                hint=f"the program's variables are: {', '.join(graph.variables) or '(none)'}",
            )
    return answer


def _check_numbers(answer: Program, flag: str) -> None:
    """A number in an answer too large for a double (1.5e400) is an error, not an infinite answer."""
    work: list = [answer.statements[0]]
    while work:
        item = work.pop()
        if type(item) is Apply:
            work.extend(item.args)
        elif type(item) is Num and not math.isfinite(item.value):
            raise UsageError(
                f"in {flag}: the number {item.text} is too large for a double (the largest is about 1.8e308)",
                source=answer.source,
                span=(item.start, item.end),
            )


def digits_written(text: str) -> tuple[int, float]:
    """The significant digits of a number written with decimals, and half a unit of its last digit."""
    match = _DECIMAL.fullmatch(text)
    if match is None:
        return 0, 0.0
    whole, decimals, exponent = match.group(1), match.group(2), int(match.group(3) or 0)
    significant = len((whole + decimals).lstrip("0"))
    # As text: 10.0 ** -400 is 0.0 and 10.0 ** 400 raises, while float("5e-401") and float("5e399") do neither.
    return significant, float(f"5e{exponent - len(decimals) - 1}")
