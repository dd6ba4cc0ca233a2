"""``gradcli check`` of a program with vectors or matrices (``gradcli.check_tensor``): options to a report."""

from __future__ import annotations

from ..check import ANSWER_TOLERANCE, SELF_CHECK_TOLERANCE, Report
from ..check_tensor import (
    TensorVerdict,
    check_tensor_answers,
    read_tensor_answer,
    sampling_for,
    tensor_graph,
    tensor_self_check,
)
from ..errors import UsageError
from ..numbers import fmt
from ..syntax import Program
from ..tensor.value import Shape, Tensor
from .check_command import _split as split_expect

SHOWN_ELEMENTS = 12
"""A vector or matrix with at most this many elements is shown whole in a verdict; a larger one by its count."""


def check_tensor(
    program: Program,
    values: dict,
    expect: tuple[str, ...],
    expect_value: str | None,
    random: bool,
    where: tuple[int, int, tuple[float, float]],
    granularity: str | None,
    rtol: float | None,
    atol: float | None,
) -> Report:
    """The answers' verdicts, or the self-check, of a tensor program."""
    tensor = tensor_graph(program, values, granularity)
    answers = []
    if expect_value is not None:
        answers.append(read_tensor_answer(program, tensor, None, expect_value, "--expect-value"))
    seen: set[str] = set()
    for item in expect:
        name, answer = split_expect(item)
        if name in seen:
            raise UsageError(f"--expect {name}=... is given twice", hint="give one answer per derivative")
        seen.add(name)
        answers.append(read_tensor_answer(program, tensor, name, answer, f"--expect {item}"))
    sampling = sampling_for(tensor, values, random, *where)
    r, a = ANSWER_TOLERANCE if answers else SELF_CHECK_TOLERANCE
    r, a = r if rtol is None else rtol, a if atol is None else atol
    if answers:
        return check_tensor_answers(tensor, answers, sampling, rtol=r, atol=a)
    return tensor_self_check(tensor, sampling, rtol=r, atol=a)


def literal(shape: Shape, numbers: list[float], digits: int) -> str:
    """A vector or matrix as the language writes it (``[[1, -1], [1, -1]]``), or its size when large."""
    if len(numbers) > SHOWN_ELEMENTS:
        return f"{len(numbers)} numbers"
    return _nested_text(Tensor(shape, numbers).nested(lambda x: fmt(x, digits)))


def _nested_text(nested: list) -> str:
    rows = [f"[{', '.join(row)}]" if isinstance(row, list) else row for row in nested]
    return f"[{', '.join(rows)}]"


def point_value(value: float | list, digits: int = 17) -> str:
    """A value of a point: a number, or nested lists of numbers."""
    if isinstance(value, list):
        return _nested_text([[fmt(x, digits) for x in row] if isinstance(row, list) else fmt(row, digits)
                             for row in value])  # fmt: skip
    return fmt(value, digits)


def tensor_detail(v: TensorVerdict, given: bool, point: str, digits: int) -> str:
    """The detail of a verdict on a vector or matrix (check_command._answer_detail does scalars)."""
    text = "" if v.answer.is_number else f"{v.answer.text}: "
    note = f" ({v.note})" if v.note else ""
    if v.mismatched:
        return f"{text}{v.note}"
    e = v.example
    size = len(v.got_all)
    if given and v.ok:
        shown = literal(v.shape, v.expected_all, digits)
        return f"{text}expected {shown}, got {literal(v.shape, v.got_all, digits)}"
    if not given and v.checked == 0:
        return f"{text}not finite at any of the points; at {point}, {e.element} is {fmt(e.expected, digits)}"
    skipped = f" ({v.skipped} skipped: the answer is not finite there)" if v.skipped else ""
    if v.ok:
        return f"{v.answer.text} matches at {v.checked} of {v.checked} points, {size} elements each{skipped}"
    shown = digits
    while shown < 17 and fmt(e.got, shown) == fmt(e.expected, shown):
        shown += 1
    numbers = f"{e.element} expected {fmt(e.expected, shown)}, got {fmt(e.got, shown)}"
    elements = f"wrong at {v.wrong_elements} of {size} elements"
    if given:
        return f"{text}{numbers} ({elements}){note}"
    return f"{text}at {point}: {numbers} ({elements}; wrong at {v.wrong} of {v.checked} points){note}{skipped}"
