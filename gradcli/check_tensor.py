"""``gradcli check`` of a program with vectors or matrices: answers compared element by element.

Every number comes from the program's unrolled graph (``gradcli.tensor``),
whose variables are the elements (``W[2,1]``), so the random points, the
evaluation at each point and the self-check (reverse mode, forward mode and
finite differences, per element) are those of ``gradcli.check`` and
``gradcli.selfcheck``. What this module adds is shapes:

- An answer is an expression in the language, and may be a vector or a
  matrix (``--expect W="outer([1, 1], x)"``). It is built with the program,
  at the shapes of the values given, and compared with the derivative
  element by element, each within the tolerances. An answer that is one
  number stands for every element, as a scalar broadcasts in the language
  (``--expect W=0``). An answer of another shape is wrong, and its verdict
  says both shapes.
- Shapes come from values. With a value for every variable the check runs
  at that point. With values and ``--points``, ``--seed`` or ``--domain``,
  at random points of the values' shapes: every element is drawn, and the
  numbers given are used only for their shapes. With no values every
  variable is a scalar.

The self-check evaluates the unrolled graph about 7 times per element
variable per point (a tangent pass and six finite-difference evaluations);
beyond ``SELF_CHECK_LIMIT`` node evaluations it is refused with a hint,
rather than running for minutes. Answers cost one reverse pass and one
forward pass per point, whatever the size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .answers import Answer, answer_program, digits_written
from .api import check_wrt, evaluate
from .autodiff import forward
from .check import Comparison, Report, Sampling, Verdict, kinks_at, matches, points_to_check, rounding_note
from .errors import NonFiniteError, ProgramError, UsageError
from .parser import parse
from .selfcheck import self_check
from .syntax import Assign, Program, names_in
from .tensor.build import TensorGraph, build_tensor
from .tensor.evaluate import check_scalar_output, flatten, tensor_values, with_element
from .tensor.value import Shape, Tensor, element_name, indices, shape_text, size_of
from .values import check_names

SELF_CHECK_LIMIT = 5_000_000
"""The most node evaluations a self-check of a tensor program may take (element variables × nodes × 7 × points)."""


@dataclass
class TensorSampling(Sampling):
    """Where a check of a tensor program ran; points are of element names, shown regrouped into tensors."""

    tensor: TensorGraph | None = None

    def shown(self, point: dict[str, float]) -> dict[str, Any]:
        """The point as the program's variables: a number, or nested lists for a vector or matrix."""
        tensor = self.tensor
        assert tensor is not None
        shown: dict[str, Any] = {}
        for name, (leaf,) in tensor.variables.items():
            shape = tensor.shapes[leaf]
            if shape:
                shown[name] = Tensor(shape, [point[element_name(name, i)] for i in indices(shape)]).nested()
            else:
                shown[name] = point[name]
        return shown

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        if self.given is None:
            tensor = self.tensor
            assert tensor is not None
            data["random"]["shapes"] = {name: list(tensor.shapes[leaf]) for name, (leaf,) in tensor.variables.items()}
        return data


@dataclass(frozen=True)
class TensorAnswer:
    """An answer built with the program: its unrolled graph (``answer.graph``), shape and element nodes."""

    answer: Answer
    shape: Shape
    elements: list[int]


@dataclass
class TensorVerdict(Verdict):
    """A verdict on a vector or matrix: with both shapes, and the numbers at the example point."""

    shape: Shape = ()  # the derivative's (or the value's)
    answer_shape: Shape = ()
    wrong_elements: int = 0  # at the example point
    expected_all: list[float] = field(default_factory=list)  # at the example point, element by element
    got_all: list[float] = field(default_factory=list)

    @property
    def mismatched(self) -> bool:
        """The answer's shape is neither the derivative's nor a scalar's."""
        return bool(self.answer_shape) and self.answer_shape != self.shape

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["shapes"] = {"answer": list(self.answer_shape), "derivative": list(self.shape)}
        return data


def tensor_graph(
    program: Program, values: Mapping[str, object], granularity: str | None, command: str = "check"
) -> TensorGraph:
    """The program's tensor graph, at the shapes of the values given (with none, every variable a scalar)."""
    shapes = {name: value.shape for name, value in tensor_values(values).items() if isinstance(value, Tensor)}
    unrolled = "scalar" if granularity == "scalar" else "fused"
    try:
        return build_tensor(program, shapes, granularity=unrolled, given=set(values))
    except ProgramError as error:
        assigned = {s.name for s in program.statements if type(s) is Assign}
        unvalued = list(dict.fromkeys(n.id for n in names_in(program.statements) if n.id not in values))
        unvalued = [name for name in unvalued if name not in assigned]
        if unvalued and error.message.startswith("shape mismatch"):
            scalars = "is a scalar" if len(unvalued) == 1 else "are scalars"
            how = ("give them to check at that point, and add --points N to check at random points of those shapes"
                   if command == "check" else "give them (--W '[[1, 2], [3, 4]]')")  # fmt: skip
            error.hint = (
                f"{', '.join(unvalued)} without a value {scalars}; {command} takes the shapes of "
                f"vectors and matrices from their values: {how}"
            )
        raise


def sampling_for(
    tensor: TensorGraph, values: Mapping[str, object], random: bool, points: int, seed: int,
    domain: tuple[float, float],
) -> TensorSampling:  # fmt: skip
    """The given point (a value for every variable), or random points of the values' shapes."""
    if (random or not values) and tensor.variables:
        check_names(tensor, values)  # values given only for their shapes must still name variables
        return TensorSampling(None, points, seed, domain, tensor=tensor)
    missing = [name for name in tensor.variables if name not in values]
    if missing:
        raise UsageError(
            f"no value for {', '.join(missing)}",
            hint="give every variable a value to check at a point, or add --points N to check at random points "
            "of the shapes of the values given",
        )
    return TensorSampling(flatten(tensor, tensor_values(values)), tensor=tensor)


def read_tensor_answer(program: Program, tensor: TensorGraph, name: str | None, text: str, flag: str) -> TensorAnswer:
    """An answer built after the program, at the program's shapes; a shape error in it shown under it."""
    if name is not None:
        check_wrt(tensor, [name], "--expect")
    parsed = answer_program(tensor, text, flag)
    # The program and the answer as one text, so that a shape error in the answer quotes the right
    # snippets (W is (2, 2), [1, 2, 3] is (3,)); it is shown under the answer alone.
    offset = len(program.source.text) + 1
    combined_program = parse(program.source.text + "\n" + parsed.source.text)
    shapes = {name: tensor.shapes[leaf] for name, (leaf,) in tensor.variables.items() if tensor.shapes[leaf]}
    try:
        combined = build_tensor(combined_program, shapes, granularity=tensor.unrolled.granularity)
    except ProgramError as error:
        start, end = error.span or (offset, offset + len(text))
        line = combined_program.source.where(offset)[: -len(", column 1")]
        message = error.message.replace(f"at {line}, column ", "at column ")
        raise ProgramError(
            f"in {flag}: {message}", source=parsed.source, span=(start - offset, end - offset), hint=error.hint
        ) from None
    significant, rounding = digits_written(text)
    answer = Answer(name, text, combined.unrolled, significant, rounding)
    return TensorAnswer(answer, combined.output_shape, list(combined.elements[combined.output]))


def target_shape(tensor: TensorGraph, name: str | None) -> Shape:
    """The shape of what an answer is compared with: the value, a variable's gradient, or an adjoint."""
    if name is None:
        return tensor.output_shape
    if name in tensor.variables:
        return tensor.shapes[tensor.variables[name][0]]
    return tensor.shapes[tensor.bindings[name][0]]


def _got(tensor: TensorGraph, result: Any, name: str | None) -> list[float]:
    """gradcli's numbers at one point, element by element: the value, ∂f/∂name, or an adjoint."""
    if name is None:
        return [result.values[e] for e in tensor.elements[tensor.output]]
    if name in tensor.variables:
        shape = tensor.shapes[tensor.variables[name][0]]
        return [result.gradient[element_name(name, i)] for i in indices(shape)]
    node = tensor.bindings[name][0]
    if not tensor.shapes[node]:
        return [result.gradient[name]]
    return [result.adjoints[e] for e in tensor.elements[node]]


def _wrt(tensor: TensorGraph, names: list[str]) -> list[str]:
    """The unrolled graph's names for the derivatives asked: elements, scalars, scalar assigned names."""
    wrt: list[str] = []
    for name in names:
        if name in tensor.variables:
            wrt += [element_name(name, i) for i in indices(tensor.shapes[tensor.variables[name][0]])]
        elif not tensor.shapes[tensor.bindings[name][0]]:
            wrt.append(name)  # a vector's adjoints are read from the reverse pass's (see _got)
    return wrt


def check_tensor_answers(
    tensor: TensorGraph, answers: list[TensorAnswer], sampling: TensorSampling, *, rtol: float, atol: float
) -> Report:
    """Compare each answer with gradcli's numbers element by element, at the given point or random points."""
    names = [a.answer.name for a in answers if a.answer.name is not None]
    if names:
        check_scalar_output(tensor)
    found = _points(tensor, sampling, _wrt(tensor, names), bool(names))
    f = tensor.output_name
    verdicts = []
    for item in answers:
        answer = item.answer
        shape = target_shape(tensor, answer.name)
        verdict = TensorVerdict(answer, False, 0, 0, 0, None, shape=shape, answer_shape=item.shape)
        if verdict.mismatched:
            what = f"∂{f}/∂{answer.name}" if answer.name is not None else f"the value of {f}"
            verdict.note = f"the answer is {shape_text(item.shape)}, and {what} is {shape_text(shape)}"
            verdicts.append(verdict)
            continue
        _compare(verdict, item, tensor, found, sampling, rtol, atol)
        verdicts.append(verdict)
    notes = [with_element(tensor, d, tensor_view=False) for d in kinks_at(sampling, found)]
    return Report("answers", tensor, sampling, verdicts, rtol, atol, notes)


def _compare(
    verdict: TensorVerdict, item: TensorAnswer, tensor: TensorGraph, found: list, sampling: TensorSampling,
    rtol: float, atol: float,
) -> None:  # fmt: skip
    """Fill a verdict: at each point, every element of the answer against gradcli's."""
    answer = item.answer
    size = size_of(verdict.shape)
    labels = [element_name(answer.name or tensor.output_name, i) if verdict.shape else None
              for i in indices(verdict.shape)]  # fmt: skip
    first = failure = unusable = None
    for point, result in found:
        values = forward(answer.graph, point)
        expected = [values[e] for e in item.elements]
        if len(expected) < size:
            expected *= size  # one number stands for every element
        got = _got(tensor, result, answer.name)
        if sampling.given is None and not all(map(math.isfinite, expected)):
            verdict.skipped += 1
            k = next(k for k, x in enumerate(expected) if not math.isfinite(x))
            unusable = unusable or (Comparison(sampling.shown(point), expected[k], got[k], labels[k]), expected, got, 0)
            continue
        verdict.checked += 1
        bad = [k for k in range(size) if not matches(expected[k], got[k], rtol, atol, answer.rounding)]
        k = bad[0] if bad else 0
        example = (Comparison(sampling.shown(point), expected[k], got[k], labels[k]), expected, got, len(bad))
        first = first or example
        if bad:
            verdict.wrong += 1
            failure = failure or example
    verdict.ok = verdict.checked > 0 and verdict.wrong == 0
    chosen = failure or first or unusable
    if chosen is not None:
        verdict.example, verdict.expected_all, verdict.got_all, verdict.wrong_elements = chosen
        verdict.note = rounding_note(answer, verdict.example, rtol, atol)


def _points(tensor: TensorGraph, sampling: TensorSampling, wrt: list[str], smooth: bool) -> list:
    """``check.points_to_check`` on the unrolled graph, its errors' hints worded for vectors and matrices."""
    try:
        return points_to_check(tensor.unrolled, sampling, wrt, smooth)
    except NonFiniteError as error:
        assert sampling.given is not None
        problem = evaluate(tensor.unrolled, sampling.given, wrt=wrt).error
        if problem is not None:  # the same diagnostic, saying which element
            error.message = with_element(tensor, problem, tensor_view=False).message
        error.hint = "check at another point, or add --points N to check at random points of these shapes"
        raise
    except UsageError as error:
        error.hint = "check at a point (a value for every variable), or in another domain (--domain 0.1,10)"
        raise


def tensor_self_check(tensor: TensorGraph, sampling: TensorSampling, *, rtol: float, atol: float) -> Report:
    """``gradcli.selfcheck`` on the unrolled graph: a verdict per element, points shown as tensors."""
    check_scalar_output(tensor)
    unrolled = tensor.unrolled
    count = len(unrolled.variables)
    points = 1 if sampling.given is not None else sampling.points
    work = count * len(unrolled.ops) * 7 * points
    if work > SELF_CHECK_LIMIT:
        raise UsageError(
            f"the self-check of this program would evaluate about {work:,} nodes ({count:,} derivatives × "
            f"{len(unrolled.ops):,} nodes × 7 passes × {points} point{'s' if points > 1 else ''}); "
            f"the limit is {SELF_CHECK_LIMIT:,}",
            hint="check answers with --expect (one reverse pass per point), at fewer --points, "
            "or with smaller vectors and matrices",
        )
    _points(tensor, sampling, list(unrolled.variables), True)  # errors worded for tensors; self_check draws again
    sampling.drawn, sampling.skipped = 0, type(sampling.skipped)()
    report = self_check(unrolled, sampling, rtol=rtol, atol=atol)
    report.notes = [with_element(tensor, d, tensor_view=False) for d in report.notes]
    for verdict in report.verdicts:
        verdict.example = replace(verdict.example, point=sampling.shown(verdict.example.point))
    return report
