"""The walkthrough as an animated GIF, for slides: one frame per step.

Each frame is the whole graph drawn by Graphviz, with the numbers of later
steps written in their node's fill colour (so every frame has the same labels
and the same layout), the step's nodes and edges outlined, and under it a
caption: the step number, its phase, and its working with the numbers in. Graphviz draws
all the frames and captions in one run (it reads one graph after another and
writes one PNG after another); Pillow, an optional extra, puts them together.
"""

from __future__ import annotations

import io
import struct
from typing import TYPE_CHECKING

from ..export.dot import FONT, html
from ..export.render import TIMEOUT, render
from .model import PHASES, Walk
from .picture import ALARM, BACKWARD, FORWARD, frame_dot, looks_of

if TYPE_CHECKING:
    from PIL import Image

DRAWING = {"dpi": "144", "size": "11,6"}
"""Frames are drawn at 1.5 times Graphviz's 96 dpi, as ``gradcli graph``'s PNG, and a big graph is
scaled down to fit 11 by 6 inches (1584 by 864 pixels), so that a frame fits a slide."""

STEP_MS = 1600
"""How long each frame shows."""

LAST_MS = 6000
"""The pause on the last frame, where every number is in, before the animation starts again."""

MARGIN = 24
"""Pixels of white around the graph and the caption."""

WRAP = 64
"""A step's working longer than this puts each side of its equality on a line of its own."""

SECONDS_A_DRAWING = 2.0
"""Time allowed for each frame and caption beyond the renderer's usual limit (they take well under one)."""

_PNG = b"\x89PNG\r\n\x1a\n"


def pillow_missing() -> bool:
    """Whether Pillow, which assembles the GIF, cannot be imported."""
    try:
        import PIL  # noqa: F401  (the package alone: cheap)
    except ImportError:
        return True
    return False


def walk_gif(walk: Walk, *, rankdir: str = "BT") -> bytes:
    """The animated GIF of a walk, as bytes: one frame per step, looping, with a pause on the last."""
    from PIL import Image

    looks = looks_of(walk)
    count = len(walk)
    graphs = [frame_dot(walk, looks, rankdir, walk.state(k)) for k in range(1, count + 1)]
    graphs += [caption_dot(walk, k) for k in range(1, count + 1)]
    pictures = [Image.open(io.BytesIO(png)).convert("RGB") for png in _render_all(graphs)]
    drawings, captions = pictures[:count], pictures[count:]
    width = max(image.width for image in pictures) + 2 * MARGIN
    top = max(image.height for image in drawings)
    height = MARGIN + top + max(image.height for image in captions) + MARGIN
    frames = []
    for drawing, caption in zip(drawings, captions):
        frame = Image.new("RGB", (width, height), "white")
        frame.paste(drawing, ((width - drawing.width) // 2, MARGIN))
        frame.paste(caption, (MARGIN, MARGIN + top))
        frames.append(frame)
    frames = _indexed(frames)
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[STEP_MS] * (count - 1) + [LAST_MS],
        loop=0,
    )
    return out.getvalue()


def _indexed(frames: list[Image.Image]) -> list[Image.Image]:
    """The frames in GIF's 256 colours: one exact palette when all frames together use no more
    (a drawing of flat fills and anti-aliased text usually does), else each frame's own."""
    from PIL import Image

    colours: set[tuple[int, int, int]] = set()
    for frame in frames:
        found = frame.getcolors(256)
        colours.update(colour for _, colour in found or ())
        if found is None or len(colours) > 256:
            return [f.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE) for f in frames]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in sorted(colours) for channel in colour])
    return [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]


def caption_lines(walk: Walk, number: int) -> list[tuple[str, str, bool]]:
    """The caption of step ``number`` as (text, colour, bold) lines: the step and its phase, the working, the notes."""
    step = walk.steps[number - 1]
    phase = walk.phases[number - 1]
    colour = FORWARD if phase == "forward" else BACKWARD
    title, sentence = PHASES[phase]
    lines = [(f"Step {number} of {len(walk)} · {title}", colour, True), (sentence, colour, False)]
    ink = ALARM if walk.is_bad(number) else "#0f172a"
    stages = step.stages
    if len(step.text) <= WRAP or len(stages) < 3:
        lines.append((step.text, ink, False))
    else:
        lines.append((f"{stages[0]} = {stages[1]}", ink, False))
        lines += [(f"= {stage}", ink, False) for stage in stages[2:-2]]
        lines.append((f"= {stages[-2]} = {stages[-1]}", ink, False))
    lines += [(note, "#64748b", False) for note in step.notes]
    if number == walk.first_bad and walk.message:
        lines.append((f"error: {walk.message}", ALARM, False))
    return lines


def caption_dot(walk: Walk, number: int) -> str:
    """A one-node graph whose label is the caption of step ``number``, left-aligned."""
    rows = []
    for text, colour, bold in caption_lines(walk, number):
        content = f"<B>{html(text)}</B>" if bold else html(text)
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}">{content}</FONT></TD></TR>')
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>'
    return (
        "digraph caption {\n"
        '  graph [margin=0, pad="0,0"];\n'
        f'  caption [shape=plaintext, margin=0, fontname="{FONT}", fontsize=13, label=<{table}>];\n'
        "}\n"
    )


def _render_all(graphs: list[str]) -> list[bytes]:
    """The PNG of each DOT graph, from one Graphviz run; one run per graph if the renderer reads only one."""
    # One run draws them all, so its time limit grows with them: the renderer's own, plus a budget a drawing.
    timeout = TIMEOUT + SECONDS_A_DRAWING * len(graphs)
    drawn = _split_png(render("".join(graphs), "png", attributes=DRAWING, timeout=timeout))
    if len(drawn) == len(graphs):
        return drawn
    return [render(graph, "png", attributes=DRAWING) for graph in graphs]


def _split_png(data: bytes) -> list[bytes]:
    """Consecutive PNG files, split by walking their chunks up to each IEND."""
    files = []
    at = 0
    while data.startswith(_PNG, at):
        end = at + len(_PNG)
        while end + 8 <= len(data):
            length, kind = struct.unpack(">I4s", data[end : end + 8])
            end += 12 + length
            if kind == b"IEND":
                break
        files.append(data[at:end])
        at = end
    return files
