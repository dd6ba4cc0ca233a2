"""``gradcli trace -o walk.gif``: one frame per step, the layout never moving, and the failures.

Each frame is Graphviz's drawing of a DOT text; the tests draw those same texts as
SVG (where the geometry and colours can be read) and check them against the
seed's walk derived by hand (``test_walkthrough.SEED_STEPS``), then read the GIF
itself with Pillow: the frame count, one size for all, the timing.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from graph_support import SVG, needs_dot, parse_svg
from PIL import Image
from test_walkthrough import SEED, SEED_STEPS, seed_numbers, walk_of

from gradcli.export.render import render
from gradcli.walkthrough.gif import LAST_MS, STEP_MS, caption_lines
from gradcli.walkthrough.output import MAX_GIF_NODES
from gradcli.walkthrough.picture import frame_dot, looks_of

ROOT = Path(__file__).resolve().parent.parent


def drawn(walk, number: int):
    """The SVG of frame ``number``: what the GIF's frame shows, in a form that can be read."""
    return parse_svg(render(frame_dot(walk, looks_of(walk), "BT", walk.state(number)), "svg"))


def geometry(svg) -> list[str]:
    """Where everything is: every shape's and text's coordinates, colours left out."""
    found = []
    for element in svg.iter():
        tag = element.tag.removeprefix(SVG)
        if tag in ("ellipse", "polygon", "path", "text"):
            found.append(tag + " " + " ".join(element.get(a, "") for a in ("cx", "cy", "points", "d", "x", "y")))
    return found


@needs_dot
def test_each_frame_hides_later_numbers_and_lights_the_step() -> None:
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4})
    layouts = set()
    for number, (_, lit, edges, _) in enumerate(SEED_STEPS, 1):
        svg = drawn(walk, number)
        layouts.add(tuple(geometry(svg)))
        visible, hidden = set(), set()
        for group in svg.iter(f"{SVG}g"):
            title = group.find(f"{SVG}title")
            if "node" not in group.get("class", ""):
                continue
            fill = next(s.get("fill") for s in group.iter() if s.tag in (f"{SVG}ellipse", f"{SVG}path"))
            for text in group.iter(f"{SVG}text"):
                if re.match(r"(value|grad) ", text.text or ""):
                    node = int(title.text.removeprefix("n"))
                    (hidden if text.get("fill") == fill else visible).add((node, text.text))
        assert visible == seed_numbers(number), number
        assert hidden == seed_numbers(len(SEED_STEPS)) - seed_numbers(number), number
        outlined = {
            int(g.find(f"{SVG}title").text.removeprefix("n"))
            for g in svg.iter(f"{SVG}g")
            if "node" in g.get("class", "") and any(s.get("stroke-width") == "3" for s in g.iter())
        }
        assert outlined == lit, number
        thick = [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g") if g.get("class") == "edge"
                 and any(p.get("stroke-width") == "2.5" for p in g.iter(f"{SVG}path"))]  # fmt: skip
        assert sorted(thick) == sorted(f"n{walk.trace.graph.inputs[a][b]}->n{a}" for a, b in edges), number
    assert len(layouts) == 1  # every frame is laid out exactly alike: nothing moves


def test_the_readme_gif_is_the_seeds_walk() -> None:
    gif = Image.open(ROOT / "examples" / "walkthrough.gif")
    assert gif.n_frames == len(SEED_STEPS)
    gif.seek(gif.n_frames - 1)
    assert gif.info["duration"] == LAST_MS, "run `python tests/test_walkthrough_browser.py` to redraw it"


def test_the_caption_is_the_step_with_its_numbers() -> None:
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4})
    lines = [text for text, _, _ in caption_lines(walk, 9)]
    assert lines == [
        "Step 9 of 10 · Accumulation",
        "A node used several times collects one term per use, and sums them.",
        "∂f/∂x = ∂f/∂v1 · x + ∂f/∂v1 · x + ∂f/∂v3 · y",
        "= 1 · 3 + 1 · 3 + 1 · 4",
        "= 3 + 3 + 4 = 10",
        "x is used 3 times: one term per use",
    ]
    assert [text for text, _, _ in caption_lines(walk, 6)][:3] == [
        "Step 6 of 10 · The seed",
        "The root receives gradient 1.",
        "∂f/∂v4 = ∂f/∂f = 1",
    ]


@pytest.mark.slow
@needs_dot
def test_the_gif_has_a_frame_per_step_one_size_and_a_pause_at_the_end(run, tmp_path) -> None:
    target = tmp_path / "walk.gif"
    code, stdout, stderr = run("trace", *SEED, "-o", str(target))
    assert (code, stdout, stderr) == (0, "", "")
    gif = Image.open(io.BytesIO(target.read_bytes()))
    assert gif.format == "GIF" and gif.n_frames == len(SEED_STEPS) and gif.info["loop"] == 0
    durations, sizes, frames = [], set(), []
    for k in range(gif.n_frames):
        gif.seek(k)
        durations.append(gif.info["duration"])
        frame = gif.convert("RGB")
        sizes.add(frame.size)
        frames.append(frame.tobytes())
    assert durations == [STEP_MS] * (len(SEED_STEPS) - 1) + [LAST_MS]
    assert len(sizes) == 1
    width, height = sizes.pop()
    assert width >= 800 and height >= 500  # big enough to read on a slide
    assert len(set(frames)) == len(frames)  # every step changes the picture
    again = tmp_path / "again.gif"
    run("trace", *SEED, "-o", str(again))
    assert again.read_bytes() == target.read_bytes()


@needs_dot
def test_a_nan_gif_is_still_written_with_exit_3(run, tmp_path) -> None:
    target = tmp_path / "nan.gif"
    code, _, stderr = run("trace", "log(x - 3) * y", "--x", "1", "--y", "2", "-o", str(target))
    assert code == 3 and "log of -2 is undefined (NaN)" in stderr
    assert Image.open(target).n_frames == 10  # x, y, x - 3, log, ×; the seed, log, x - 3, x, y


def test_without_pillow_exit_4_and_nothing_written(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)  # what an install without Pillow sees
    target = tmp_path / "walk.gif"
    code, stdout, stderr = run("trace", *SEED, "-o", str(target))
    assert code == 4 and stdout == "" and not target.exists()
    assert stderr.startswith("error: a GIF needs Pillow to put the frames together, and it is not installed")
    assert "hint: pip install 'gradcli[gif]'" in stderr


def test_a_program_too_big_for_a_gif_gets_a_clear_message(run, tmp_path) -> None:
    terms = MAX_GIF_NODES // 4 + 1
    program = " + ".join(f"w{k}*x{k}" for k in range(terms))  # 4 nodes a term, less one +
    values = [f"--{name}{k}=1" for k in range(terms) for name in "wx"]
    target = tmp_path / "big.gif"
    code, _, stderr = run("trace", program, *values, "-o", str(target))
    assert code == 2 and not target.exists()
    assert f"graph has {4 * terms - 1} nodes, and a walkthrough GIF is made for at most {MAX_GIF_NODES}" in stderr
    assert "hint: a page steps through bigger programs: -o walk.html" in stderr


@pytest.mark.parametrize(
    "view", [("--tree",), pytest.param(("--granularity", "scalar"), marks=pytest.mark.slow), ("--rankdir", "LR")]
)
@needs_dot
def test_every_view_option_applies(run, tmp_path, view) -> None:
    target = tmp_path / "walk.gif"
    code, _, stderr = run("trace", "sigmoid(w*x)", "--x", "2", "--w", "0.5", *view, "-o", str(target))
    assert code == 0, stderr
    options = {"--tree": {"tree": True}, "--granularity": {"granularity": "scalar"}, "--rankdir": {}}[view[0]]
    gif = Image.open(target)
    assert gif.n_frames == len(walk_of("sigmoid(w*x)", {"x": 2, "w": 0.5}, **options))
    if view[0] == "--rankdir":
        assert gif.width > gif.height
