"""Property test (issue 7): whatever the input, every command answers as the contract says.

Random bytes and mutated programs go through every command that takes a
program, as the program argument, on standard input, or as a values file.
Whatever comes in, the exit status is one the contract defines (never 70, an
internal error), and no output holds a Python traceback: the ``run`` fixture
asserts both on every run.

The examples are derandomized, so CI sees the same cases on every run and
stays under a minute; set ``GRADCLI_FUZZ_EXAMPLES`` (and
``GRADCLI_FUZZ_RANDOM=1`` for fresh cases) to search harder on a workstation.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli

EXAMPLES = int(os.environ.get("GRADCLI_FUZZ_EXAMPLES", "80"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("GRADCLI_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

STATUSES = {0, 1, 2, 3, 4}
"""The contract's statuses: success, a check that fails, usage, not finite, no renderer."""

SEEDS = [
    *(path.read_text(encoding="utf-8") for path in sorted((Path(__file__).parent.parent / "examples").glob("*.grad"))),
    "x^2 + x*y",
    "sigmoid(w*x)",
    "z = w*x + b; y = sigmoid(z); loss = (y - t)^2",
    "max(a, b) + min(a, 2) - relu(c) * abs(d)",
    "log(x) / sqrt(x) ^ 2^-1 - tan(pi/2) + 1e-3x",
    "(x + 1)(x - 1) + 2sin(x) + 3(x)",
    "θ = 2; θ*e + pi",
]

# Pieces that break programs in interesting ways: structure, numbers at the edges of a
# double, names that clash, Unicode look-alikes, control characters, a byte-order mark.
FRAGMENTS = [
    "(", ")", ",", ";", "\n", "#", "=", "^", "**", "*", "/", "-", "+", " ", "\t", ".", "e", "E",
    "x", "y", "f", "json", "pi", "sigmoid(", "log(", "max(", "pow(", "step(",
    "0", "1e308", "1e-320", "99999999999999999999999", "1e", ".5.",
    "−", "×", "²", "π", "θ", "\u200b", "\ufeff", "\x00", "\x1b[31m", "\x7f", "\x85", "\\", '"', "'",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A seed program with a few pieces inserted, deleted or replaced."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        piece = draw(st.sampled_from(FRAGMENTS))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif kind == "replace":
            text = text[:at] + piece + text[at + 1 :]
        else:
            text = text[:at] + piece * draw(st.integers(2, 300)) + text[at:]
    return text


VALUES = ["0", "1", "-1", "0.5", "2", "1e308", "-1e-308", "pi/2", "1e400", "nan", "x"]


def values_for(text: str, draw: st.DrawFn) -> list[str]:
    """``-v NAME=VALUE`` for each variable of the program when it builds (most values good, some not)."""
    try:
        names = list(gradcli.build(text).variables)
    except gradcli.GradcliError:
        return ["--x", draw(st.sampled_from(VALUES))] if draw(st.booleans()) else []
    args = []
    for name in names[:20]:
        args += [
            "-v",
            f"{name}={draw(st.sampled_from(VALUES[:7]) if draw(st.integers(0, 9)) else st.sampled_from(VALUES))}",
        ]
    return args


COMMAND_OPTIONS: dict[str, list[list[str]]] = {
    "eval": [[], ["--json"], ["--tree"], ["--granularity", "scalar"], ["--mode", "forward", "--json"]],
    "graph": [["--format", "json"], ["--format", "mermaid"], ["--tree"], ["--granularity", "scalar", "--json"]],
    "trace": [[], ["--json"], ["--tree", "--max-steps", "3"]],
    "check": [[], ["--json"], ["--expect", "x=2*x"], ["--expect", "x=1", "--json"]],
    "diff": [[], ["--json"], ["--order", "2"], ["--inline", "--latex"]],
    "plot": [["--format", "txt", "--x", "-2:2"], ["--format", "txt", "--y", "0:1"]],
    "network": [[], ["--format", "json"], ["--format", "mermaid"], ["--no-values", "--max-neurons", "3"]],
}


def commands() -> list[str]:
    from click import Context

    from gradcli.cli import cli

    names = cli.list_commands(Context(cli))
    return [name for name in names if name in COMMAND_OPTIONS]


def test_every_command_with_a_program_is_fuzzed() -> None:
    from click import Context

    from gradcli.cli import cli

    untested = set(cli.list_commands(Context(cli))) - set(COMMAND_OPTIONS) - {"ops"}
    assert not untested, f"add the new commands to COMMAND_OPTIONS: {untested}"


def argv_text(text: str) -> str:
    """Text as it can reach argv (no NUL), after '--' if it begins with '-'."""
    return text.replace("\x00", "")


@pytest.mark.parametrize("command", commands())
@FUZZ
@given(data=st.data())
def test_mutated_programs_as_arguments(command: str, data: st.DataObject, run) -> None:
    text = data.draw(mutated())
    options = data.draw(st.sampled_from(COMMAND_OPTIONS[command]))
    args = [command, *options, *values_for(text, data.draw), "--", argv_text(text)]
    assert run(*args).code in STATUSES


@pytest.mark.parametrize("command", commands())
@FUZZ
@given(data=st.data())
def test_mutated_programs_on_standard_input(command: str, data: st.DataObject, run) -> None:
    text = data.draw(mutated())
    options = data.draw(st.sampled_from(COMMAND_OPTIONS[command]))
    assert run(command, "-", *options, *values_for(text, data.draw), input=text.encode()).code in STATUSES


@FUZZ
@given(command=st.sampled_from(list(COMMAND_OPTIONS)), payload=st.binary(max_size=300), where=st.integers(0, 2))
def test_random_bytes(command: str, payload: bytes, where: int, run) -> None:
    if command not in commands():
        return
    options = COMMAND_OPTIONS[command][0]
    if where == 0:  # as the program argument: what Python makes of undecodable argv bytes
        outcome = run(command, *options, "--", argv_text(os.fsdecode(payload)))
    elif where == 1:  # on standard input
        outcome = run(command, "-", *options, input=payload)
    else:  # as a values file
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "values.json"
            path.write_bytes(payload)
            outcome = run(command, "x*y", *options, "--values", str(path))
    assert outcome.code in STATUSES


@FUZZ
@given(
    command=st.sampled_from(["eval", "trace", "check"]),
    words=st.lists(
        st.one_of(
            st.sampled_from(["--x", "-v", "--json", "--", "-", "-f", "--values", "--wrt", "x=1", "1", "-1", "x"]),
            st.text(max_size=12),
        ),
        max_size=8,
    ),
)
def test_random_command_lines(command: str, words: list[str], run) -> None:
    # No -o or --output: nothing is written where the tests run.
    args = [argv_text(word) for word in words if not word.startswith(("-o", "--o"))]
    assert run(command, *args, input=b"").code in STATUSES
