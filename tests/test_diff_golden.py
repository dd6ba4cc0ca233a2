"""The golden file of textbook derivatives (tests/fixtures/derivatives.txt), one case per line.

Each line is checked three ways: ``gradcli diff`` prints exactly the answer
written there (the file is the test of "readable", reviewed by reading);
SymPy's derivative of the program equals the answer (so the file itself is
right); and the answer, parsed by gradcli, equals reverse mode.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sympy
from conftest import close, sympy_float
from diff_support import symbols_of, to_sympy

import gradcli
from gradcli.autodiff import forward
from gradcli.syntax import Program

FIXTURE = Path(__file__).parent / "fixtures" / "derivatives.txt"


def _cases() -> list[tuple[int, str, str, str]]:
    cases = []
    for number, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            program, name, answer = (part.strip() for part in line.split(" | "))
            cases.append((number, program, name, answer))
    return cases


CASES = _cases()


def test_the_file_has_about_forty_cases() -> None:
    assert 40 <= len(CASES) <= 60


@pytest.mark.parametrize(("line", "program", "name", "answer"), CASES, ids=[f"line{c[0]}" for c in CASES])
def test_diff_prints_the_answer(line: int, program: str, name: str, answer: str) -> None:
    derivatives = gradcli.diff(program, wrt=[name])
    assert derivatives.formula_text(derivatives.formulas[0]) == answer


def _answer_graph(program: str, answer: str) -> gradcli.Graph:
    """The program's statements, then the answer as the output (the answer may use the program's names)."""
    parsed = gradcli.parse(program)
    statements = [*parsed.statements, *gradcli.parse(answer).statements]
    return gradcli.build(Program(parsed.source, statements))


def _points(graph: gradcli.Graph, rng: random.Random, count: int = 4) -> list[dict[str, float]]:
    """Points where the program is finite and smooth (no kink, no tie), from [-2, 2] with two decimals."""
    points = []
    for _ in range(400):
        point = {v: round(rng.uniform(-2.0, 2.0), 2) for v in graph.variables}
        result = gradcli.evaluate(graph, point)
        if result.error is None and not any(d.kind == "kink" for d in result.diagnostics):
            points.append(point)
            if len(points) == count:
                break
    assert points, "no point where the program is finite and smooth"
    return points


@pytest.mark.parametrize(("line", "program", "name", "answer"), CASES, ids=[f"line{c[0]}" for c in CASES])
def test_sympy_agrees_with_the_answer(line: int, program: str, name: str, answer: str) -> None:
    graph = gradcli.build(program)
    combined = _answer_graph(program, answer)
    symbols = symbols_of(graph)
    want = sympy.diff(to_sympy(graph), symbols[name])
    got = to_sympy(combined)
    for point in _points(graph, random.Random(f"golden {line}")):
        at = {symbols[v]: sympy.Rational(str(value)) for v, value in point.items()}
        expected = sympy_float(want.subs(at))
        assert close(sympy_float(got.subs(at)), expected, 1e-12), (point, expected)


@pytest.mark.parametrize(("line", "program", "name", "answer"), CASES, ids=[f"line{c[0]}" for c in CASES])
def test_the_answer_equals_reverse_mode(line: int, program: str, name: str, answer: str) -> None:
    graph = gradcli.build(program)
    combined = _answer_graph(program, answer)
    for point in _points(graph, random.Random(f"reverse {line}")):
        got = forward(combined, point)[combined.output]
        assert close(got, gradcli.evaluate(graph, point).gradient[name], 1e-12, scale=1e-3), point
