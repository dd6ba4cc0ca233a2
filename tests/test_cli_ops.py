"""`gradcli ops`: every operation of the table with its forward rule and local gradient rule."""

from __future__ import annotations

import pytest

from gradcli.ops import CONSTANTS, FUNCTIONS, OPS, Op
from gradcli.ruletext import partial_text


def rows(stdout: str) -> dict[str, str]:
    """The plain-text listing as {op name: its row}."""
    return {line.split()[0]: line for line in stdout.splitlines() if line.strip()}


def test_ops_lists_every_op_with_its_rules(run) -> None:
    code, stdout, stderr = run("ops")
    assert (code, stderr) == (0, "")
    listing = rows(stdout)
    for op in OPS:
        assert op.name in listing, op.name
        row = listing[op.name]
        assert op.rule in row
        for position in range(op.arity):
            assert partial_text(op, position) in row
        if op.convention:
            assert op.convention in row


@pytest.mark.parametrize("op", [pytest.param(op, id=op.name) for op in OPS])
def test_ops_shows_how_each_op_is_written(op: Op, run) -> None:
    row = rows(run("ops").stdout)[op.name]
    for spelling in op.spellings:
        assert f"{spelling}(" in row


def test_ops_names_the_constants(run) -> None:
    stdout = run("ops").stdout
    for name in CONSTANTS:
        assert f"{name} =" in stdout


def test_ops_json(run, loads) -> None:
    code, stdout, _ = run("ops", "--json")
    assert code == 0
    data = loads(stdout)
    assert [entry["name"] for entry in data["operations"]] == [op.name for op in OPS]
    for entry, op in zip(data["operations"], OPS):
        assert entry["arity"] == op.arity
        assert entry["forward"] == op.rule
        assert entry["gradient"] == [partial_text(op, position) for position in range(op.arity)]
        assert entry["partials"] == list(op.partials)
        assert entry["convention"] == op.convention
        assert entry["decomposition"] == op.decomposition
    assert data["constants"] == CONSTANTS


def test_every_function_a_program_can_call_is_listed(run, loads) -> None:
    listed = " ".join(entry["syntax"] for entry in loads(run("ops", "--json").stdout)["operations"])
    for spelling in FUNCTIONS:
        assert f"{spelling}(" in listed


@pytest.mark.parametrize("args", [["ops", "extra"], ["ops", "--nope"], ["ops", "--json", "1"]])
def test_ops_rejects_arguments(args: list[str], run) -> None:
    code, stdout, stderr = run(*args)
    assert (code, stdout) == (2, "")
    assert stderr.startswith("error: ")


def test_ops_help(run) -> None:
    code, stdout, _ = run("ops", "--help")
    assert code == 0
    assert "Usage:" in stdout
