"""Writing a walkthrough file: the format by extension, the size limits, the renderer checks.

Everything that can fail is checked before anything is written (an unknown
extension, a program too big for the format, no Graphviz, no Pillow for a
GIF), and the file is written whole or not at all (``export.files``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import RendererMissing, RenderFailed, UsageError
from ..export.dot import check_drawable
from ..export.files import write_file
from ..export.render import find_renderer
from ..trace import Trace
from . import FORMATS

MAX_PAGE_NODES = 2000
"""The largest graph a page is made for; a 1,000-node page is about 1.5 MB and steps instantly."""

MAX_GIF_NODES = 40
"""The largest graph a GIF is made for: one frame per step (about 80 here), each the whole graph drawn by
Graphviz at a size readable on a slide, which takes a good part of a second a frame."""


def walk_format(path: str) -> str:
    """``html`` or ``gif``, from the extension of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        what = f"the extension {suffix}" if suffix else "a file name without an extension"
        raise UsageError(
            f"trace -o writes a walkthrough as .html or .gif, and cannot tell which from {what} ({path})",
            hint="-o walk.html for a page to step through in a browser, -o walk.gif for slides; "
            "without -o, trace prints the steps as text (> steps.txt to keep them)",
        )
    return FORMATS[suffix]


def write_walkthrough(trace: Trace, path: str, *, rankdir: str = "BT") -> None:
    """Write the walkthrough of ``trace`` to ``path``: a page (.html) or an animation (.gif)."""
    kind = walk_format(path)
    nodes = len(trace.graph)
    limit = MAX_PAGE_NODES if kind == "html" else MAX_GIF_NODES
    if nodes > limit:
        hint = (
            "gradcli trace without -o prints every step as text; gradcli graph -o g.svg draws the whole graph"
            if kind == "html"
            else "a page steps through bigger programs: -o walk.html"
        )
        raise UsageError(
            f"the program's graph has {nodes:,} nodes, and a walkthrough {kind.upper()} is made for at most {limit:,}",
            hint=hint,
        )
    if kind == "gif":
        from .gif import pillow_missing

        if pillow_missing():
            raise RendererMissing(
                "a GIF needs Pillow to put the frames together, and it is not installed",
                hint="pip install 'gradcli[gif]' (or pip install pillow) into gradcli's environment; "
                "or write a page to step through instead: -o walk.html",
            )
    try:
        check_drawable(trace.graph)
    except RenderFailed as error:
        raise RenderFailed(error.message, hint="gradcli trace without -o prints every step as text") from None
    if find_renderer() is None:
        raise RendererMissing(
            "the walkthrough needs Graphviz to draw the graph, and neither 'dot' nor 'graphviz-pure' was found",
            hint="install Graphviz (apt install graphviz, brew install graphviz, winget install graphviz; see "
            "graphviz.org/download), or pip install graphviz-pure into gradcli's environment; "
            "without -o, gradcli trace prints the same steps as text",
        )
    from .model import Walk

    walk = Walk(trace)
    if kind == "html":
        from .page import walk_page

        data = walk_page(walk, rankdir=rankdir)
    else:
        from .gif import walk_gif

        data = walk_gif(walk, rankdir=rankdir)
    write_file(path, data)
