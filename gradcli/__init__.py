"""gradcli: a gradient calculator and computation-graph exporter.

The Python API (``gradcli.evaluate``, ``gradcli.parse``, ``gradcli.build``,
``gradcli.diff``, ``gradcli.backward_graph``) is loaded on first use, so that ``import gradcli`` stays cheap for the
command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["GradcliError", "Graph", "Result", "__version__", "backward_graph", "build", "diff", "evaluate", "parse"]

if TYPE_CHECKING:
    from .api import Result, backward_graph, build, diff, evaluate, parse
    from .errors import GradcliError
    from .graph import Graph


def __getattr__(name: str) -> Any:
    if name in ("Result", "build", "evaluate", "parse", "diff", "backward_graph"):
        from . import api

        return getattr(api, name)
    if name == "GradcliError":
        from .errors import GradcliError

        return GradcliError
    if name == "Graph":
        from .graph import Graph

        return Graph
    raise AttributeError(f"module 'gradcli' has no attribute {name!r}")
