"""A network diagram in one of ``graph``'s formats, as bytes.

DOT, JSON and Mermaid are written here; PNG, SVG and PDF are the DOT drawn
by Graphviz through ``gradcli.export.render``, as for ``graph``. A diagram
stays small whatever the layer sizes (wide layers are elided), so it is
never too big to draw.
"""

from __future__ import annotations

from typing import Any

from ..jsontext import dumps
from .dot import to_dot
from .look import Options
from .mermaid import to_mermaid
from .model import Network
from .netjson import to_json


def export_network(
    network: Network,
    format: str,
    options: Options,
    *,
    rankdir: str = "LR",
    diagnostics: list[dict[str, Any]] | None = None,
) -> bytes:
    """The diagram as ``dot``, ``json``, ``mermaid``, ``svg``, ``png`` or ``pdf`` bytes."""
    if format == "json":
        return (dumps(to_json(network, options, diagnostics or [])) + "\n").encode("utf-8")
    if format == "mermaid":
        return to_mermaid(network, options, rankdir=rankdir).encode("utf-8")
    text = to_dot(network, options, rankdir=rankdir)
    if format == "dot":
        return text.encode("utf-8")
    from ..export.formats import PNG_SMALL
    from ..export.render import render

    return render(text, format, attributes=PNG_SMALL if format == "png" else None)
