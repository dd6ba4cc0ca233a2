"""Checking answers against gradcli's derivatives: the logic of ``gradcli check``.

Each answer (``--expect x=2*x+y``), a number or a formula in the language, is
compared with the derivative that reverse mode computes (``--expect-value``:
with the value of the program). With no answers, ``gradcli.selfcheck``
compares gradcli with itself, at points chosen here.

A check runs at one given point, or at random points: each variable uniform in
``DOMAIN``, rounded to about three significant digits of the domain's width
(so that a counterexample can be retyped), drawn from a generator seeded
with ``seed``. Random points where the program is not finite, or sits exactly
on a kink (where a derivative is a convention), are skipped and counted. At a
given point a value or derivative that is not finite raises ``NonFiniteError``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .answers import ROUNDED_DIGITS, Answer
from .api import Result, evaluate, json_number
from .autodiff import forward
from .diagnostics import Diagnostic
from .errors import NonFiniteError, UsageError
from .graph import Graph
from .numbers import fmt

POINTS = 20
SEED = 0
DOMAIN = (-3.0, 3.0)
TRIES = 20
"""Random points drawn at most per point asked for, to find points where the program is defined."""
ANSWER_TOLERANCE = (1e-7, 1e-9)
"""rtol, atol for answers: a formula that is right agrees to rounding error."""
SELF_CHECK_TOLERANCE = (1e-5, 1e-8)
"""rtol, atol for the self-check: finite differences are accurate to about 1e-10, not to the last digit."""
# ---- where to check -----------------------------------------------------------


@dataclass
class Sampling:
    """Where a check ran: the given point, or random points and what was skipped."""

    given: dict[str, float] | None
    points: int = POINTS
    seed: int = SEED
    domain: tuple[float, float] = DOMAIN
    drawn: int = 0
    used: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def shown(self, point: dict[str, float]) -> dict[str, Any]:
        """A point as it is shown and written in JSON (a tensor program's regroups its elements)."""
        return point

    def to_json(self) -> dict[str, Any]:
        if self.given is not None:
            return {"given": self.shown(self.given)}
        return {
            "random": {"points": self.points, "seed": self.seed, "domain": list(self.domain)},
            "drawn": self.drawn,
            "used": self.used,
            "skipped": dict(self.skipped),
        }


def _draws(graph: Graph, sampling: Sampling) -> Iterator[dict[str, float]]:
    """Random points, each variable uniform in the domain and rounded to about 3 digits of its width."""
    lo, hi = sampling.domain
    rng = random.Random(sampling.seed)
    uniform = rng.uniform
    if math.isfinite(hi - lo):
        decimals = 2 - math.floor(math.log10(hi - lo))
    else:  # the width of [-1e308, 1e308] is beyond the largest double: take it in halves
        decimals = 2 - math.floor(math.log10(hi / 2 - lo / 2) + math.log10(2))

        def uniform(a: float, b: float) -> float:
            r = rng.random()
            return a * (1 - r) + b * r  # never beyond a or b, where uniform's a + (b - a)·r overflows

    for _ in range(sampling.points * TRIES):
        sampling.drawn += 1
        yield {name: min(max(round(uniform(lo, hi), decimals), lo), hi) + 0.0 for name in graph.variables}


def points_to_check(
    graph: Graph, sampling: Sampling, wrt: list[str], smooth: bool
) -> list[tuple[dict[str, float], Result]]:
    """The points to check at, each with the program evaluated there.

    At a given point, a value or a derivative in ``wrt`` that is not finite
    raises. At random points such a point is skipped, and so is a kink when
    ``smooth`` (derivatives are checked, and a kink's derivative is a convention).
    """
    if sampling.given is not None:
        result = evaluate(graph, sampling.given, wrt=wrt)
        if result.error is not None:
            error = NonFiniteError(
                result.error.message,
                source=graph.source,
                span=result.error.span,
                hint="check at another point, or give no values to check at random points",
            )
            error.kind = result.error.kind  # nonfinite-value or nonfinite-gradient, for --json
            raise error
        sampling.used = 1
        return [(sampling.given, result)]
    found = []
    for point in _draws(graph, sampling):
        result = evaluate(graph, point, wrt=wrt)
        if result.error is not None:
            value = result.error.kind == "nonfinite-value"
            sampling.skipped[f"{graph.output_name} is not finite" if value else "a derivative is not finite"] += 1
        elif smooth and any(d.kind == "kink" for d in result.diagnostics):
            sampling.skipped["on a kink"] += 1
        else:
            found.append((point, result))
            if len(found) == sampling.points:
                break
    sampling.used = len(found)
    if not found:
        lo, hi = sampling.domain
        example = " ".join(f"--{name} 1" for name in graph.variables)
        raise UsageError(
            f"no point with every variable in [{fmt(lo, 17)}, {fmt(hi, 17)}] where the program is finite"
            f"{' and differentiable' if smooth else ''} was found in {sampling.drawn} tries",
            hint=f"check at a point ({example}) or in another domain (--domain 0.1,10)",
        )
    return found


# ---- answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """An answer and gradcli's number at one point."""

    point: dict[str, Any]  # as Sampling.shown gives it
    expected: float  # the answer's value
    got: float  # gradcli's: the value, or ∂f/∂name by reverse mode
    element: str | None = None  # of a vector or matrix: which element (W[2,1])


@dataclass
class Verdict:
    """Whether one answer holds, where it was checked, and a point where it fails."""

    answer: Answer
    ok: bool
    checked: int  # points where the answer was finite and compared
    wrong: int  # of those, points where it does not match
    skipped: int  # points where the answer was not finite (random points only)
    example: Comparison | None  # the first point where it fails; else the first point checked
    note: str | None = None  # what the rule for rounded answers decided at the example, where it decided

    def to_json(self) -> dict[str, Any]:
        example = self.example
        return {
            "of": self.answer.name,
            "answer": self.answer.text,
            "ok": self.ok,
            "checked": self.checked,
            "wrong": self.wrong,
            "skipped": self.skipped,
            "counterexample": None if self.ok or example is None else _comparison_json(example),
            "note": self.note,
        }


def _comparison_json(c: Comparison) -> dict[str, Any]:
    data = {"point": c.point, "expected": json_number(c.expected), "got": json_number(c.got)}
    if c.element is not None:
        data["element"] = c.element
    return data


@dataclass
class Report:
    """The verdicts of one ``gradcli check``, and where it checked."""

    mode: str  # "answers" or "self-check"
    graph: Graph
    sampling: Sampling
    verdicts: Sequence[Any]  # a Verdict per answer, or a selfcheck.SelfVerdict per variable
    rtol: float
    atol: float
    notes: list[Diagnostic] = field(default_factory=list)  # kinks at a given point

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        return {
            "expression": self.graph.source.text,
            "mode": self.mode,
            "ok": self.ok,
            "points": self.sampling.to_json(),
            "tolerance": {"rtol": self.rtol, "atol": self.atol},
            "checks": [v.to_json() for v in self.verdicts],
            "diagnostics": [d.to_json(self.graph.source) for d in self.notes],
        }


def matches(expected: float, got: float, rtol: float, atol: float, rounding: float = 0.0) -> bool:
    """Whether an answer equals gradcli's number: within rtol, atol, or the rounding of the digits written.

    A number that is not finite matches nothing: an answer of ``inf`` is wrong
    where the derivative is finite, and gradcli does not check at points where it is not.
    """
    if not (math.isfinite(expected) and math.isfinite(got)):
        return False
    return abs(expected - got) <= max(rtol * max(abs(expected), abs(got)), atol, rounding)


def check_answers(graph: Graph, answers: list[Answer], sampling: Sampling, *, rtol: float, atol: float) -> Report:
    """Compare each answer with gradcli's value or derivative, at the given point or at random points.

    An answer that is not finite where the program is fails at a given point
    and is skipped at a random one; one that is finite at none of them fails.
    """
    wrt = [a.name for a in answers if a.name is not None]
    found = points_to_check(graph, sampling, wrt, smooth=bool(wrt))
    verdicts = []
    for answer in answers:
        checked = wrong = skipped = 0
        first = failure = unusable = None
        for point, result in found:
            expected = forward(answer.graph, point)[answer.graph.output]
            got = result.value if answer.name is None else result.gradient[answer.name]
            comparison = Comparison(point, expected, got)
            if not math.isfinite(expected) and sampling.given is None:
                skipped += 1
                unusable = unusable or comparison
                continue
            checked += 1
            first = first or comparison
            if not matches(expected, got, rtol, atol, answer.rounding):
                wrong += 1
                failure = failure or comparison
        ok = checked > 0 and wrong == 0
        example = failure or first or unusable
        note = rounding_note(answer, example, rtol, atol) if example is not None else None
        verdicts.append(Verdict(answer, ok, checked, wrong, skipped, example, note))
    notes = kinks_at(sampling, found)
    return Report("answers", graph, sampling, verdicts, rtol, atol, notes)


def rounding_note(answer: Answer, c: Comparison, rtol: float, atol: float) -> str | None:
    """What the rule for rounded answers decided at one point, in words; None where the tolerances did.

    A number written with decimals matches the values that round to it only
    when it has ROUNDED_DIGITS significant digits or more (0.0983 for 0.098306);
    0.1 for 0.0983 or 0.0 for 0.04 are compared with the tolerances, and the
    note says why they do not match though their digits would round.
    """
    if not answer.written_rounding or matches(c.expected, c.got, rtol, atol):
        return None
    if not matches(c.expected, c.got, 0.0, 0.0, answer.written_rounding):
        return None  # wrong by more than the rounding of its last digit: the rule plays no part
    n = answer.significant
    if answer.rounding:
        return f"equal to the {n} significant digits written"
    digits = "no significant digits" if n == 0 else f"only {n} significant digit{'s' if n > 1 else ''}"
    return f"{answer.text} has {digits}: a rounded answer needs at least {ROUNDED_DIGITS}"


def kinks_at(sampling: Sampling, found: list[tuple[dict[str, float], Result]]) -> list[Diagnostic]:
    """The kinks a given point sits on (random points on a kink are skipped)."""
    if sampling.given is None:
        return []
    return [d for d in found[0][1].diagnostics if d.kind == "kink"]
