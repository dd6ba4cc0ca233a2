"""``gradcli check``: check derivative answers, or gradcli's derivatives against each other."""

from __future__ import annotations

import math
from collections.abc import Iterator

import click

from ..answers import Answer
from ..answers import read_answer as _read_answer
from ..api import check_wrt
from ..builder import build, has_tensors
from ..check import (
    ANSWER_TOLERANCE,
    DOMAIN,
    POINTS,
    SEED,
    SELF_CHECK_TOLERANCE,
    Comparison,
    Report,
    Sampling,
    check_answers,
)
from ..errors import ExitStatus, UsageError
from ..numbers import fmt
from ..parser import parse
from ..selfcheck import self_check
from ..values import NAME, bind, check_names, parse_value
from .app import traceback_option
from .arguments import digits_option, granularity_option, program_options, read_program
from .json_command import JsonCommand, remember_program
from .output import echo_json, report, table

VERDICT_STYLES = {"ok": "bold green", "WRONG": "bold red", "DISAGREE": "bold red"}
"""How a verdict looks on a terminal (rich leaves colours out when NO_COLOR is set)."""


def json_skeleton(expression: str | None) -> dict:
    """The ``check --json`` object of a run that has no verdicts."""
    return {
        "expression": expression,
        "mode": None,
        "ok": False,
        "points": None,
        "tolerance": None,
        "checks": [],
        "diagnostics": [],
    }


@click.command(
    "check",
    cls=JsonCommand,
    short_help="Check derivative answers: numbers at a point, or formulas at many points.",
    skeleton=json_skeleton,
    wants_json=lambda params: bool(params.get("as_json")),
)
@program_options
@click.option(
    "--expect",
    "expect",
    metavar="NAME=ANSWER",
    multiple=True,
    help="The derivative with respect to NAME is ANSWER: a number or a formula in the language "
    "(x=10, x='2*x + y'). Repeat for each derivative. NAME may be an assigned name z: the answer "
    "is then ∂f/∂z, what the backward pass carries into z.",
)
@click.option("--expect-value", metavar="ANSWER", help="The value of the program is ANSWER.")
@click.option(
    "--points",
    type=click.IntRange(1, 10_000),
    help=f"With no values: how many random points to check at.  [default: {POINTS}]",
)
@click.option("--seed", type=int, help=f"With no values: the seed of the random points.  [default: {SEED}]")
@click.option(
    "--domain",
    metavar="LO,HI",
    help=f"With no values: each variable is drawn uniformly from [LO, HI].  [default: {DOMAIN[0]:g},{DOMAIN[1]:g}]",
)
@click.option(
    "--rtol",
    type=click.FloatRange(0),
    help=f"Relative tolerance.  [default: {fmt(ANSWER_TOLERANCE[0])} for answers, {fmt(SELF_CHECK_TOLERANCE[0])} "
    "for the self-check]",
)
@click.option(
    "--atol",
    type=click.FloatRange(0),
    help=f"Absolute tolerance.  [default: {fmt(ANSWER_TOLERANCE[1])} for answers, {fmt(SELF_CHECK_TOLERANCE[1])} "
    "for the self-check]",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as one JSON object.")
@granularity_option
@digits_option
@traceback_option
@click.pass_context
def check_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    expect: tuple[str, ...],
    expect_value: str | None,
    points: int | None,
    seed: int | None,
    domain: str | None,
    rtol: float | None,
    atol: float | None,
    as_json: bool,
    granularity: str | None,
    digits: int,
) -> int:
    """Check answers for the derivatives of EXPR (and for its value).

    \b
      gradcli check "x^2 + x*y" --expect x="2*x + y" --expect y=x
      gradcli check "x^2 + x*y" --x 3 --y 4 --expect x=10 --expect y=3
      gradcli check "sigmoid(w*x)" --x 2 --w 0.5 --expect-value 0.7311
      gradcli check "sigmoid(w*x)" --x 2 --w 0.5

    With a value for every variable, the answers are checked at that point.
    With none, at random points: each variable uniform in --domain (default
    [-3, 3]) and rounded to about three digits, so that a counterexample can
    be retyped; the same --seed gives the same points. Random points where
    the program or its derivatives are not finite, or that sit exactly on a
    kink, are skipped and counted.

    An answer matches when it is within --rtol or --atol of gradcli's own
    value (reverse mode). A number written with decimals and at least three
    significant digits (0.0983) also matches a value that rounds to it; one
    with fewer (0.1) only within the tolerances. Each derivative gets a
    verdict; a wrong one a counterexample: the point, what the answer gives
    there (expected) and what gradcli computes (got).

    With no --expect and no --expect-value, gradcli checks itself: reverse
    mode, forward mode and central finite differences must agree for every
    derivative, and the largest relative error of each is shown.

    Vectors and matrices: an answer may be one (--expect W="outer([1, 1], x)")
    and is compared element by element; a number stands for every element;
    an answer of another shape is wrong. Shapes come from the values: with a
    value for every variable the check is at that point; add --points,
    --seed or --domain to check at random points of the values' shapes. The
    self-check gives a verdict per element (W[2,1]).

    Exit status: 0 every check holds; 1 one does not; 2 a usage, syntax or
    name error, or no random point where the program is defined; 3 at a given
    point, a value or derivative being checked is not finite.
    """
    given = read_program(ctx, expr, program_file, var_items, values_file)
    remember_program(ctx, given.text)
    rtol, atol = _tolerance("--rtol", rtol), _tolerance("--atol", atol)
    program = parse(given.text, given.filename)
    if has_tensors(program, given.values):
        from .check_tensor_command import check_tensor

        random = (points, seed, domain) != (None, None, None)
        where = (POINTS if points is None else points, SEED if seed is None else seed, _domain(domain))
        result = check_tensor(program, given.values, expect, expect_value, random, where, granularity, rtol, atol)
        _finish(result, as_json, digits)
        return ExitStatus.OK if result.ok else ExitStatus.CHECK_FAILED
    graph = build(program, granularity=granularity)
    answers = []
    if expect_value is not None:
        answers.append(_read_answer(program, graph, None, expect_value, "--expect-value"))
    for name, answer, item in expected(expect):
        check_wrt(graph, [name], "--expect")
        answers.append(_read_answer(program, graph, name, answer, f"--expect {item}"))
    sampling = _sampling(graph, given.values, points, seed, domain)
    if answers:
        r, a = ANSWER_TOLERANCE
        result = check_answers(
            graph, answers, sampling, rtol=r if rtol is None else rtol, atol=a if atol is None else atol
        )
    else:
        r, a = SELF_CHECK_TOLERANCE
        result = self_check(graph, sampling, rtol=r if rtol is None else rtol, atol=a if atol is None else atol)
    _finish(result, as_json, digits)
    return ExitStatus.OK if result.ok else ExitStatus.CHECK_FAILED


def _finish(result: Report, as_json: bool, digits: int) -> None:
    graph = result.graph
    if as_json:
        echo_json(result.to_json())
    else:
        _print(result, graph.output_name, digits)
        report(graph.warnings, graph.source)
    report(result.notes, graph.source)


def _tolerance(option: str, value: float | None) -> float | None:
    """A tolerance is a finite number ≥ 0 (click's range lets NaN and infinity through)."""
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise UsageError(f"{option} must be a finite number ≥ 0, got {value}", hint=f"for example: {option} 1e-6")
    return value


def expected(expect: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    """Each ``--expect NAME=ANSWER`` as (name, answer, item), one at a time; a name given twice is refused."""
    seen: set[str] = set()
    for item in expect:
        name, answer = _split(item)
        if name in seen:
            raise UsageError(f"--expect {name}=... is given twice", hint="give one answer per derivative")
        seen.add(name)
        yield name, answer, item


def _split(item: str) -> tuple[str, str]:
    name, has_answer, answer = item.partition("=")
    name = name.strip()
    if not has_answer or not NAME.fullmatch(name) or not answer.strip():
        raise UsageError(f"--expect takes NAME=ANSWER, got {item!r}", hint="for example: --expect x='2*x + y'")
    return name, answer.strip()


def _sampling(graph, values: dict[str, float], points: int | None, seed: int | None, domain: str | None) -> Sampling:
    """The given point, or how to draw random ones."""
    if values or not graph.variables:
        given = [f for f, v in (("--points", points), ("--seed", seed), ("--domain", domain)) if v is not None]
        if given:
            raise UsageError(
                f"{', '.join(given)} choose random points, but values were given for a point",
                hint="give values to check at a point, or none to check at random points",
            )
        check_names(graph, values)
        missing = [name for name in graph.variables if name not in values]
        if missing:
            raise UsageError(
                f"no value for {', '.join(missing)}",
                hint="give every variable a value to check at a point, or none to check at random points",
            )
        return Sampling(bind(graph, values))
    return Sampling(None, POINTS if points is None else points, SEED if seed is None else seed, _domain(domain))


def _domain(domain: str | None) -> tuple[float, float]:
    if domain is None:
        return DOMAIN
    parts = domain.split(",")
    if len(parts) != 2:
        raise UsageError(f"--domain takes LO,HI, got {domain!r}", hint="for example: --domain -3,3")
    lo, hi = (parse_value("--domain", part) for part in parts)
    if not (type(lo) is float and type(hi) is float and lo < hi):
        raise UsageError(f"--domain needs LO < HI, got {domain!r}", hint="for example: --domain 0.1,10")
    return lo, hi


# ---- rendering ---------------------------------------------------------------------------


def _print(result: Report, f: str, digits: int) -> None:
    sampling = result.sampling

    def num(x: float) -> str:
        return fmt(x, digits)

    rows = []
    for v in result.verdicts:
        if result.mode == "answers":
            label = f if v.answer.name is None else f"∂{f}/∂{v.answer.name}"
            verdict = "ok" if v.ok else "WRONG"
            rows.append([label, (verdict, VERDICT_STYLES[verdict]), _answer_detail(v, sampling, digits)])
        else:
            verdict = "ok" if v.ok else "DISAGREE"
            rows.append([f"∂{f}/∂{v.name}", (verdict, VERDICT_STYLES[verdict]), _self_detail(v, sampling, num)])
    table(rows)
    click.echo(_summary(result))


def _point(point: dict[str, float | list]) -> str:
    def text(value: float | list) -> str:
        if isinstance(value, list):  # a vector or matrix of a tensor program's point
            from .check_tensor_command import point_value

            return point_value(value)
        return fmt(value, 17)

    return ", ".join(f"{name} = {text(value)}" for name, value in point.items()) or "(no variables)"


def _answer_detail(v, sampling: Sampling, digits: int) -> str:
    e = v.example
    if getattr(v, "shape", None) or getattr(v, "mismatched", False):  # a vector or matrix: check_tensor_command
        from .check_tensor_command import tensor_detail

        return tensor_detail(v, sampling.given is not None, _point(e.point) if e is not None else "", digits)
    text = "" if v.answer.is_number else f"{v.answer.text}: "
    note = f" ({v.note})" if v.note else ""
    if sampling.given is not None:
        expected, got = _shown(v.answer, e, digits, v.ok)
        return f"{text}expected {expected}, got {got}{note}"
    if v.checked == 0:
        expected = fmt(e.expected, digits)
        return f"{text}not finite at any of the {sampling.used} points; at {_point(e.point)} expected {expected}"
    skipped = f" ({v.skipped} skipped: the answer is not finite there)" if v.skipped else ""
    if v.ok:
        return f"{v.answer.text} matches at {v.checked} of {v.checked} points{skipped}"
    expected, got = _shown(v.answer, e, digits, v.ok)
    where = f"at {_point(e.point)} expected {expected}, got {got}"
    return f"{text}{where} (wrong at {v.wrong} of {v.checked} points){note}{skipped}"


def _shown(answer: Answer, e: Comparison, digits: int, ok: bool) -> tuple[str, str]:
    """The answer and gradcli's number as the verdict shows them.

    A number is shown as the student wrote it (10.0001, not 10). Where the
    answer is wrong, gradcli's number gets as many digits as it takes to
    differ from the answer's (never "expected 10, got 10"), and at least as
    many as the answer was written with.
    """
    expected = answer.text if answer.is_number else fmt(e.expected, digits)
    if ok:
        return expected, fmt(e.got, digits)
    shown = max(digits, answer.significant)
    while shown < 17 and fmt(e.got, shown) == fmt(e.expected, shown):
        shown += 1
    if not answer.is_number:
        expected = fmt(e.expected, shown)
    return expected, fmt(e.got, shown)


def _self_detail(v, sampling: Sampling, num) -> str:
    e = v.example
    error = max(v.forward_error, v.difference_error)
    unused = ", ".join(f"{why}: {n}" for why, n in v.unused.items())
    if sampling.given is not None or not v.ok:
        at = "" if sampling.given is not None else f"at {_point(e.point)}: "
        values = f"{at}reverse {num(e.reverse)}, forward {num(e.forward)}"
        if e.difference is None:
            why = next(iter(v.unused)) if sampling.given is not None else unused
            return f"{values}; finite differences not used: {why}"
        values += f", finite differences {num(e.difference)}"
        return values if not v.ok else f"{values}; largest relative error {fmt(error, 2)}"
    detail = f"agree at {v.checked} points; largest relative error {fmt(error, 2)}"
    if v.unused:
        detail += f"; finite differences not used at {sum(v.unused.values())} of them ({unused})"
    return detail


def _summary(result: Report) -> str:
    sampling = result.sampling
    n = len(result.verdicts)
    bad = sum(not v.ok for v in result.verdicts)
    if result.mode == "answers":
        what = "answer" if n == 1 else "answers"
        if n == 1:
            verdict = "the answer holds" if bad == 0 else "the answer is wrong"
        elif bad == 0:
            verdict = f"all {n} answers hold"
        else:
            verdict = f"{bad} of {n} {what} {'is' if bad == 1 else 'are'} wrong"
    else:
        ways = "reverse mode, forward mode and finite differences"
        count = "the derivative" if n == 1 else f"all {n} derivatives"
        verdict = f"{ways} agree for {count}" if bad == 0 else f"{ways} disagree for {bad} of {n} derivatives"
    tolerance = f"tolerance: rtol {fmt(result.rtol)}, atol {fmt(result.atol)}"
    if sampling.given is not None:
        where = f" at {_point(sampling.shown(sampling.given))}" if sampling.given else ""
        return f"{verdict}{where}\n  {tolerance}"
    lo, hi = sampling.domain
    text = f"{verdict} at {sampling.used} random points"
    if sampling.used < sampling.points:
        text += f" (only {sampling.used} of the {sampling.points} asked for were found)"
    text += f"\n  points: each variable uniform in [{fmt(lo, 17)}, {fmt(hi, 17)}], seed {sampling.seed}"
    if sampling.skipped:
        reasons = ", ".join(f"{why}: {count}" for why, count in sampling.skipped.items())
        text += f"; {sum(sampling.skipped.values())} skipped ({reasons})"
    return f"{text}\n  {tolerance}"
