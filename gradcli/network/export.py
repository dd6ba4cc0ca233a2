"""A network diagram in one of ``graph``'s formats, as bytes.

DOT, JSON and Mermaid are written here; PNG, SVG and PDF are the DOT drawn
by Graphviz through ``gradcli.export.render``, as for ``graph``. A diagram
stays small whatever the layer sizes (wide layers are elided), so it is
small enough to draw; a large --max-neurons can make it too big, and past
MAX_ARCS arcs it is refused before Graphviz runs, as ``graph`` refuses.
"""

from __future__ import annotations

from typing import Any

from ..jsontext import dumps
from .dot import to_dot
from .look import Options
from .mermaid import to_mermaid
from .model import Network
from .netjson import to_json

MAX_ARCS = 4000
"""The most arcs (DOT edges) a diagram may have for Graphviz: 3,400 took it 11 s here, and it grows faster than
linearly (a 784→16 layer drawn whole, 12,544 arcs, did not finish in 2 minutes)."""


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

    arcs = text.count(" -> ")
    if arcs > MAX_ARCS:
        from ..errors import RenderFailed

        raise RenderFailed(
            f"the diagram is too big for Graphviz to draw ({arcs:,} edges, more than the {MAX_ARCS:,} gradcli draws)",
            hint="show fewer neurons per layer with a smaller --max-neurons (the default 8 draws any network), "
            "or write DOT or JSON, which have no limit",
        )

    return render(text, format, attributes=PNG_SMALL if format == "png" else None)
