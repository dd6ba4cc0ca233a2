"""PNG through CairoSVG, an optional renderer (the ``plot`` extra): the SVG drawn by Cairo.

CairoSVG is pure Python over the Cairo library (which Graphviz itself uses, so
most systems that draw graphs have it). It is imported only when a PNG is
asked for. Without it the command stops with exit status 4 before writing
anything, as ``gradcli graph`` does without Graphviz.
"""

from __future__ import annotations

from ..errors import RendererMissing, RenderFailed

SCALE = 2.0
"""Pixels per SVG unit: a 720-unit-wide plot becomes a 1440-pixel PNG, sharp on slides."""

INSTALL_HINT = (
    "pip install 'gradcli[plot]' (CairoSVG, which uses the Cairo library: apt install libcairo2, brew install cairo); "
    "or write SVG with -o FILE.svg and convert it where a renderer is: rsvg-convert -o FILE.png FILE.svg"
)


def render_png(svg: str) -> bytes:
    """The PNG of an SVG text; ``RendererMissing`` (exit 4) without CairoSVG or Cairo."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:  # OSError: CairoSVG is there but the Cairo library is not
        why = "it is not installed" if isinstance(error, ImportError) else f"the Cairo library is missing ({error})"
        raise RendererMissing(f"PNG needs CairoSVG to draw the plot, and {why}", hint=INSTALL_HINT) from None
    try:
        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=SCALE)
    except Exception as error:  # CairoSVG's own failures have no common base class
        raise RenderFailed(
            f"CairoSVG failed to draw the plot: {error}", hint="write SVG with -o FILE.svg and convert it yourself"
        ) from None
