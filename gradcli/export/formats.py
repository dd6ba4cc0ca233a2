"""The output formats of ``gradcli graph`` and the one function that produces each.

DOT, JSON and Mermaid are text written here; PNG, SVG and PDF are the DOT
drawn by Graphviz, for graphs within ``dot.check_drawable``'s limits. Every
format shows each node of the graph exactly once (contract, section 3).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..jsontext import dumps
from ..numbers import DEFAULT_DIGITS
from . import EXTENSIONS, FORMATS, RANKDIRS
from .dot import BIG, BIG_LAYOUT, check_drawable, layout_size, to_dot
from .graphjson import to_json
from .look import describe
from .mermaid import to_mermaid
from .render import render

if TYPE_CHECKING:
    from ..api import Result
    from ..graph import Graph

PNG_SMALL = {"dpi": "144"}
"""A PNG of a small graph is drawn at 1.5 times Graphviz's 96 dpi, sharp enough for a slide."""

PNG_BIG = {"size": "150,150"}
"""A PNG of a big graph (in nodes, or in layout size: see ``dot.layout_size``) is scaled down to
at most 150 inches (14,400 pixels) a side before it is drawn: Graphviz would otherwise draw a
bitmap too large for it and then scale, many times slower."""


TENSOR_TOO_BIG = (
    "draw the program one node per operation (--granularity tensor) or as a network (gradcli network); "
    "DOT (-o FILE.dot) and JSON (-o FILE.json) of this view have no limit"
)
"""The hint when an unrolled view of a tensor program is too big to draw."""


def is_tensor_graph(graph: Graph) -> bool:
    """Whether a graph is a tensor program's (tensor view or unrolled); a scalar program never loads that package."""
    build = sys.modules.get("gradcli.tensor.build")
    return build is not None and isinstance(graph, (build.TensorGraph, build.UnrolledGraph))


def format_of(path: str) -> str:
    """The format a file name asks for, by its extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        known = " ".join(EXTENSIONS)
        what = f"the extension {suffix}" if suffix else "a file name without an extension"
        raise UsageError(
            f"cannot tell which format to write from {what} ({path})",
            hint=f"use one of {known}, or give --format {'|'.join(FORMATS)}",
        )
    return EXTENSIONS[suffix]


def export(
    graph: Graph,
    result: Result | None = None,
    format: str = "dot",
    *,
    rankdir: str = "BT",
    values: bool = True,
    grads: bool = True,
    digits: int = DEFAULT_DIGITS,
) -> bytes:
    """The graph in one of ``FORMATS``, as bytes (text formats in UTF-8).

    With a ``result`` (from ``gradcli.evaluate`` on this graph), nodes show
    their value and gradient; ``values`` and ``grads`` hide them in pictures
    (JSON always has both). PNG, SVG and PDF need Graphviz (see ``render``).
    """
    if format not in FORMATS:
        raise UsageError(f"unknown format '{format}'", hint=f"use one of {', '.join(FORMATS)}")
    if rankdir not in RANKDIRS:
        raise UsageError(f"unknown rankdir '{rankdir}'", hint=f"use one of {', '.join(RANKDIRS)}")
    tensor = is_tensor_graph(graph)
    if format == "json":
        if tensor:
            from .tensorjson import to_json as tensor_json

            return (dumps(tensor_json(graph, result)) + "\n").encode("utf-8")  # type: ignore[arg-type]
        return (dumps(to_json(graph, result)) + "\n").encode("utf-8")
    if format in ("png", "svg", "pdf"):
        # Before anything is described: a graph too big to draw is refused at once.
        check_drawable(graph, hint=TENSOR_TOO_BIG if tensor and graph.granularity != "tensor" else None)
    rows = None
    if tensor:
        from .tensorlook import describe_tensor, describe_unrolled, element_rows

        view = describe_tensor if graph.granularity == "tensor" else describe_unrolled
        looks = view(graph, result, values=values, grads=grads, digits=digits)  # type: ignore[arg-type]
        rows = element_rows(graph) if graph.granularity != "tensor" and len(graph) <= BIG else None  # type: ignore[arg-type]
    else:
        looks = describe(graph, result, values=values, grads=grads, digits=digits)
    if format == "mermaid":
        return to_mermaid(graph, looks, rankdir=rankdir).encode("utf-8")
    text = to_dot(graph, looks, rankdir=rankdir, same_rank=rows)
    if format == "dot":
        return text.encode("utf-8")
    if format == "png":
        small = len(graph) <= BIG and layout_size(graph) <= BIG_LAYOUT
        return render(text, format, attributes=PNG_SMALL if small else PNG_BIG)
    return render(text, format)
