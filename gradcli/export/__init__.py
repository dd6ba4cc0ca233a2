"""Exporting a computation graph: DOT, SVG, PNG, PDF, JSON and Mermaid (contract, section 3).

Each node of the graph is exactly one node of the output, and edges run from
an operation's inputs to the operation. ``look`` decides what a node shows;
``dot``, ``mermaid`` and ``graphjson`` write it; ``render`` draws DOT with
Graphviz; ``files`` writes an output file whole or not at all; ``formats``
ties them together in ``export``. A program with vectors or matrices looks
as ``tensorlook`` says and is written as JSON by ``tensorjson``, both loaded
only for such programs. The writers are imported on first use, so that
commands which export nothing do not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .formats import export, format_of

FORMATS = ("dot", "svg", "png", "pdf", "json", "mermaid")

EXTENSIONS = {
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".json": "json",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}
"""The format each file extension of ``-o FILE`` stands for."""

RANKDIRS = ("BT", "TB", "LR", "RL")
"""Graphviz's rank directions; the default BT puts the output on top and the leaves at the bottom."""

__all__ = ["EXTENSIONS", "FORMATS", "RANKDIRS", "export", "format_of"]


def __getattr__(name: str) -> Any:
    if name in ("export", "format_of"):
        from . import formats

        return getattr(formats, name)
    raise AttributeError(f"module 'gradcli.export' has no attribute {name!r}")
