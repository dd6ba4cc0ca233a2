"""Vectors and matrices (contract, section 5): values, the tensor view, unrolling, evaluation.

Loaded only for a program that has vectors or matrices, so a scalar program
never pays for it at start-up.
"""

from __future__ import annotations

from .build import TensorGraph, UnrolledGraph, build_tensor
from .evaluate import (
    GRANULARITIES,
    TensorResult,
    build_view,
    check_scalar_output,
    evaluate_tensor,
    is_tensor_program,
    tensor_values,
)
from .value import Tensor, shape_text

__all__ = [
    "GRANULARITIES",
    "Tensor",
    "TensorGraph",
    "TensorResult",
    "UnrolledGraph",
    "build_tensor",
    "build_view",
    "check_scalar_output",
    "evaluate_tensor",
    "is_tensor_program",
    "shape_text",
    "tensor_values",
]
