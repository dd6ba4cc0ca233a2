"""`gradcli ops`: every operation of the table with its forward rule and local gradient rule."""

from __future__ import annotations

import pytest

from gradcli.ops import ARRAY, CONSTANTS, FUNCTIONS, OPS, TENSOR_OPS, Op
from gradcli.ruletext import partial_text, vjp_text


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
    data = loads(run("ops", "--json").stdout)
    listed = " ".join(entry["syntax"] for entry in data["operations"] + data["tensor_operations"])
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


def test_ops_lists_every_tensor_op_with_shapes_and_rules(run) -> None:
    code, stdout, stderr = run("ops")
    assert (code, stderr) == (0, "")
    scalar, tensor = stdout.split("\n\n")
    assert "element by element" in tensor.splitlines()[0]
    listing = rows(tensor)
    for op in (*TENSOR_OPS, ARRAY):
        row = listing[op.name]
        assert op.shapes in row and op.rule in row, op.name
        for position in range(op.arity):
            assert vjp_text(op, position) in row
    # The rules as people read them: the matrix product's are G @ transpose(b) and transpose(a) @ G.
    assert "G @ transpose(b)" in listing["matmul"] and "transpose(a) @ G" in listing["matmul"]
    assert "G·softmax(a)" in listing["logsumexp"]
    assert "G is ∂f/∂out" in tensor
    # The scalar listing is as before: its table, then the constants.
    assert scalar.splitlines()[-1].startswith("constants: pi = 3.14159…")
    assert [line.split()[0] for line in scalar.splitlines()[1:-1]] == [op.name for op in OPS]


def test_ops_json_lists_tensor_ops(run, loads) -> None:
    data = loads(run("ops", "--json").stdout)
    entries = data["tensor_operations"]
    assert [entry["name"] for entry in entries] == [op.name for op in (*TENSOR_OPS, ARRAY)]
    matmul = entries[0]
    assert matmul["shapes"].startswith("(m, k) @ (k, n) → (m, n)")
    assert matmul["gradient"] == ["G @ transpose(b)", "transpose(a) @ G"]
    assert matmul["vjps"] == ["G @ transpose(b)", "transpose(a) @ G"]
    for entry, op in zip(entries, (*TENSOR_OPS, ARRAY)):
        assert entry["shapes"] == op.shapes and entry["forward"] == op.rule
        assert entry["vjps"] == list(op.vjps)
    assert "element by element" in data["elementwise"]
