"""Every tensor operation's rules (``gradcli.ops.TENSOR_OPS``) against NumPy and finite differences.

Each record's vector-Jacobian products (``Op.vjps``, e.g. ``G @ transpose(b)``)
are read as formulas and evaluated by NumPy (tests only), with ``G`` a
random weight ``C``: for ``f = sum(C * op(a, b))``, ∂f/∂out is ``C``, so
gradcli's gradient of ``f`` must equal the rule. The forward value is checked
against NumPy, and the gradient against central finite differences of
gradcli's own values. Shapes and values are random (seeded).

With a vector, ``@`` promotes as NumPy does: a vector on the left is a row,
one on the right a column, and ``G`` has the promoted shape of the output;
the record's description says so ("with a vector the rules read outer(G, b)…").
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from gradcli.ops import TENSOR_OPS, Op
from gradcli.parser import parse
from gradcli.tensor import Tensor, evaluate_tensor

Shapes = tuple[tuple[int, ...], ...]


def _dim(rng: np.random.Generator) -> int:
    return int(rng.integers(1, 5))


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - a.max())
    return e / e.sum()


def _logsumexp(a: np.ndarray) -> float:
    return float(a.max() + np.log(np.exp(a - a.max()).sum()))


# name -> (the expression as a program writes it, random input shapes, NumPy's forward value)
CASES: dict[str, tuple[str, Callable[[np.random.Generator], Shapes], Callable[..., np.ndarray]]] = {
    "matmul": ("a @ b", lambda r: _matmul_shapes(r), lambda a, b: a @ b),
    "dot": ("dot(a, b)", lambda r: ((n := _dim(r),), (n,)), np.dot),
    "outer": ("outer(a, b)", lambda r: ((_dim(r),), (_dim(r),)), np.outer),
    "sum": ("sum(a)", lambda r: (_any_shape(r),), np.sum),
    "mean": ("mean(a)", lambda r: (_any_shape(r),), np.mean),
    "transpose": ("transpose(a)", lambda r: ((_dim(r), _dim(r)),), np.transpose),
    "softmax": ("softmax(a)", lambda r: ((_dim(r),),), _softmax),
    "logsumexp": ("logsumexp(a)", lambda r: ((_dim(r),),), _logsumexp),
}


def _matmul_shapes(rng: np.random.Generator) -> Shapes:
    m, k, n = _dim(rng), _dim(rng), _dim(rng)
    return [((m, k), (k, n)), ((m, k), (k,)), ((k,), (k, n)), ((k,), (k,))][int(rng.integers(0, 4))]


def _any_shape(rng: np.random.Generator) -> tuple[int, ...]:
    return (_dim(rng),) if rng.integers(0, 2) else (_dim(rng), _dim(rng))


def test_every_tensor_op_has_a_case() -> None:
    """A new record in TENSOR_OPS must come with a case here, or this fails."""
    assert {op.name for op in TENSOR_OPS} == set(CASES)
    for op in TENSOR_OPS:
        assert len(op.vjps) == op.arity, op.name  # one rule per input


def _rule(op: Op, position: int, a: np.ndarray, b: np.ndarray | None, g: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The record's rule for input ``position``, evaluated by NumPy."""
    a2, b2, g2 = a, b, g
    if op.name == "matmul":  # NumPy's promotion of vectors: left operand a row, right one a column
        assert b is not None
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g2 = np.asarray(g).reshape((a2 @ b2).shape)
    names = {
        "G": g2, "a": a2, "b": b2, "out": out, "n": a.size,
        "transpose": np.transpose, "dot": np.dot, "outer": np.outer, "softmax": _softmax,
    }  # fmt: skip
    text = op.vjps[position]
    assert "^" not in text, "the rules are read as NumPy: ^ would be xor"
    result = np.asarray(eval(text, {"__builtins__": {}}, names))
    shape = (a if position == 0 else b).shape  # type: ignore[union-attr]
    assert result.size == np.prod(shape, dtype=int), (op.name, text, result.shape, shape)
    return result.reshape(shape)  # a promoted vector back to a vector


def _case(name: str, seed: int) -> tuple[str, dict[str, object], list[np.ndarray], np.ndarray]:
    expression, shapes_of, _ = CASES[name]
    rng = np.random.default_rng([seed, *name.encode()])
    shapes = shapes_of(rng)
    inputs = [rng.uniform(-2, 2, shape).round(3) for shape in shapes]
    out_shape = np.shape(CASES[name][2](*inputs))
    weight = rng.uniform(-2, 2, out_shape).round(3) if out_shape else np.float64(round(rng.uniform(-2, 2), 3))
    program = f"sum(C * ({expression}))" if out_shape else f"C * ({expression})"
    values: dict[str, object] = {"C": weight.tolist()}
    values.update(zip("ab", (x.tolist() for x in inputs)))
    return program, values, inputs, np.asarray(weight)


def _array(value: object) -> np.ndarray:
    return np.array(value.nested() if isinstance(value, Tensor) else value)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
def test_the_rule_matches_numpy(op: Op, seed: int) -> None:
    program, values, inputs, weight = _case(op.name, seed)
    result = evaluate_tensor(parse(program), values)
    forward = CASES[op.name][2]
    out = np.asarray(forward(*inputs))
    assert result.value == pytest.approx(float(np.sum(weight * out)), rel=1e-12, abs=1e-12)
    a = inputs[0]
    b = inputs[1] if len(inputs) > 1 else None
    for position, name in enumerate("ab"[: op.arity]):
        want = _rule(op, position, a, b, weight, out)
        got = _array(result.gradient[name])
        assert got.shape == want.shape, (program, name)
        rule = f"{program}: ∂f/∂{name} = {op.vjps[position]}"
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13, err_msg=rule)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
def test_the_gradient_matches_finite_differences(op: Op, seed: int) -> None:
    program, values, inputs, _ = _case(op.name, seed)
    parsed = parse(program)
    result = evaluate_tensor(parsed, values)

    def f(name: str, flat_index: int, step: float) -> float:
        moved = inputs["ab".index(name)].copy()
        moved.flat[flat_index] += step
        return evaluate_tensor(parsed, {**values, name: moved.tolist()}, gradient=False).value  # type: ignore[return-value]

    h = 1e-6
    for name in "ab"[: op.arity]:
        got = _array(result.gradient[name]).ravel()
        for i in range(got.size):
            central = (f(name, i, h) - f(name, i, -h)) / (2 * h)
            assert central == pytest.approx(got[i], rel=1e-6, abs=1e-7), (program, name, i)
