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
from ..numbers import fmt
from ..syntax import Program
from ..tensor.value import Shape
from ..tensortext import SHOWN_ELEMENTS, written
from .check_command import expected


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
    for name, answer, item in expected(expect):
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
    return written(shape, [fmt(x, digits) for x in numbers])


def point_value(value: list, digits: int = 17) -> str:
    """A vector or matrix of a point, given as nested lists of numbers (``TensorSampling.shown``)."""
    matrix = isinstance(value[0], list)
    shape = (len(value), len(value[0])) if matrix else (len(value),)
    flat = [x for row in value for x in row] if matrix else value
    return written(shape, [fmt(x, digits) for x in flat])


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
