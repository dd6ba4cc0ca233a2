"""PNG and SVG through Graphviz, and what happens when Graphviz is missing or fails.

Real renders need Graphviz's ``dot`` (CI installs it); the missing and
failing renderers are simulated by controlling where renderers are looked
for, with small stand-in programs. In every failure the exit status is 4 and
nothing is left half-written.
"""

from __future__ import annotations

import os
import random
import shutil
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from graph_support import needs_dot, parse_svg, svg_nodes
from test_graph_views import random_program

import gradcli
from gradcli.cli import cli
from gradcli.export import render

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SEED = ("x*x + x*y", "--x", "3", "--y", "4")


def fake_renderer(folder: Path, name: str, script: str) -> Path:
    """A stand-in renderer: a shell script called ``name`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def renderers(tmp_path, monkeypatch) -> Path:
    """An empty folder that is the only place renderers are looked for."""
    folder = tmp_path / "renderers"
    folder.mkdir()
    monkeypatch.setattr(render, "search_path", lambda: str(folder))
    return folder


posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in renderers are shell scripts")


# ---- real renders ---------------------------------------------------------------------------------


@needs_dot
def test_png_is_a_png(run, tmp_path) -> None:
    target = tmp_path / "g.png"
    code, stdout, stderr = run("graph", *SEED, "-o", str(target))
    assert (code, stdout, stderr) == (0, "", "")
    assert target.read_bytes().startswith(PNG_MAGIC)
    assert [p.name for p in tmp_path.iterdir()] == ["g.png"]  # no temporary file left behind


@needs_dot
def test_svg_is_xml_with_every_node_and_its_numbers(run, tmp_path) -> None:
    target = tmp_path / "g.svg"
    code, _, stderr = run("graph", *SEED, "--tree", "-o", str(target))
    assert code == 0, stderr
    nodes = svg_nodes(parse_svg(target.read_bytes()))
    assert sorted(nodes) == [f"n{i}" for i in range(7)]
    texts = sorted(nodes.values())
    assert texts.count(["x", "value 3", "grad 3"]) == 2 and ["x", "value 3", "grad 4"] in texts
    assert ["+", "value 21", "grad 1"] in texts


@needs_dot
@pytest.mark.parametrize("kind", ["png", "svg"])
def test_format_without_a_file_writes_standard_output(kind: str) -> None:
    result = CliRunner().invoke(cli, ["graph", *SEED, "--format", kind])
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(PNG_MAGIC) if kind == "png" else parse_svg(data) is not None


@needs_dot
def test_every_view_renders(run, tmp_path) -> None:
    for options in ([], ["--tree"], ["--granularity", "scalar"], ["--rankdir", "LR"]):
        target = tmp_path / "s.svg"
        code, _, stderr = run("graph", "sigmoid(w*x) - w/x", "--x", "2", "--w", "0.5", *options, "-o", str(target))
        assert code == 0, (options, stderr)
        parse_svg(target.read_bytes())


@needs_dot
def test_four_thousand_nodes_render(run, tmp_path) -> None:
    """A big graph still renders, up to the limit of 4,000 nodes: bounded layout effort, and a
    PNG scaled before it is drawn."""
    program = tmp_path / "big.grad"
    program.write_text(" + ".join(f"w{i}*x{i}" for i in range(1000)) + "\n", encoding="utf-8")
    svg, png = tmp_path / "big.svg", tmp_path / "big.png"
    code, _, stderr = run("graph", "-f", str(program), "-o", str(svg))
    assert code == 0, stderr
    assert len(svg_nodes(parse_svg(svg.read_bytes()))) == 3999
    code, _, stderr = run("graph", "-f", str(program), "-o", str(png))
    assert code == 0, stderr
    assert png.read_bytes().startswith(PNG_MAGIC)


@needs_dot
def test_random_programs_render(run, tmp_path) -> None:
    """dot accepts the DOT of many shapes of graph (ordering=in, shared nodes, labelled edges)."""
    rng = random.Random(7)
    target = tmp_path / "r.svg"
    for _ in range(25):
        text = random_program(rng)
        graph = gradcli.build(text)
        code, _, stderr = run("graph", text, "-o", str(target))
        assert code == 0, (text, stderr)
        assert len(svg_nodes(parse_svg(target.read_bytes()))) == len(graph)


graphviz_pure = shutil.which("graphviz-pure", path=render.search_path())


@pytest.mark.skipif(graphviz_pure is None, reason="graphviz-pure is not installed (pip install graphviz-pure)")
def test_graphviz_pure_renders(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(render, "search_path", lambda: str(Path(graphviz_pure).parent))
    monkeypatch.setattr(render, "RENDERERS", ("graphviz-pure",))
    for kind in ("png", "svg"):
        target = tmp_path / f"g.{kind}"
        code, _, stderr = run("graph", *SEED, "-o", str(target))
        assert code == 0, stderr
    assert (tmp_path / "g.png").read_bytes().startswith(PNG_MAGIC)
    assert len(svg_nodes(parse_svg((tmp_path / "g.svg").read_bytes()))) == 5


# ---- which renderer -------------------------------------------------------------------------------


@posix_only
def test_dot_is_preferred_to_graphviz_pure(renderers) -> None:
    fake_renderer(renderers, "graphviz-pure", "exit 0")
    assert Path(render.find_renderer()).name == "graphviz-pure"
    fake_renderer(renderers, "dot", "exit 0")
    assert Path(render.find_renderer()).name == "dot"


@posix_only
def test_graphviz_pure_beside_python_is_found(tmp_path, monkeypatch) -> None:
    """A pip-only install in a virtual environment that is not activated: not on the PATH."""
    venv = tmp_path / "venv" / "bin"
    fake_renderer(venv, "graphviz-pure", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    monkeypatch.setattr(sys, "executable", str(venv / "python"))
    assert render.find_renderer() == str(venv / "graphviz-pure")


@posix_only
def test_the_renderer_gets_the_dot_on_standard_input(renderers, run, tmp_path) -> None:
    seen = tmp_path / "seen"
    fake_renderer(renderers, "dot", f'echo "$@" > "{seen}.args"; cat > "{seen}.dot"; printf "<svg/>"')
    code, stdout, stderr = run("graph", *SEED, "--format", "svg")
    assert (code, stdout) == (0, "<svg/>"), stderr
    assert Path(f"{seen}.args").read_text().split() == ["-Tsvg"]
    assert Path(f"{seen}.dot").read_text(encoding="utf-8") == run("graph", *SEED).stdout
    run("graph", *SEED, "--format", "png", "-o", str(tmp_path / "g.png"))
    assert Path(f"{seen}.args").read_text().split() == ["-Tpng", "-Gdpi=144"]


# ---- no renderer, or one that fails: status 4, nothing half-written ---------------------------------


def test_no_renderer_is_one_clear_message_and_status_4(renderers, run, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for kind in ("png", "svg"):
        code, stdout, stderr = run("graph", *SEED, "-o", str(out / f"g.{kind}"))
        assert code == 4 and stdout == ""
        assert stderr.startswith(f"error: {kind.upper()} needs Graphviz")
        for fix in ("'dot'", "'graphviz-pure'", "install Graphviz", "pip install graphviz-pure", "-o FILE.dot"):
            assert fix in stderr, fix
        assert len(stderr.strip().splitlines()) == 2  # the message and its hint
    assert list(out.iterdir()) == []
    code, _, _ = run("graph", *SEED, "-o", str(out / "g.dot"))  # DOT needs no renderer
    assert code == 0 and (out / "g.dot").read_text(encoding="utf-8").startswith("digraph")


def test_no_renderer_leaves_an_existing_file_alone(renderers, run, tmp_path) -> None:
    target = tmp_path / "g.png"
    target.write_bytes(b"the old picture")
    code, _, _ = run("graph", *SEED, "-o", str(target))
    assert code == 4
    assert target.read_bytes() == b"the old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["g.png", "renderers"]


@posix_only
@pytest.mark.parametrize(
    ("script", "said"),
    [
        ('echo "Error: <stdin>: syntax error in line 1" >&2; exit 1', "syntax error in line 1"),
        ("printf 'half a pic'; exit 3", "exit status 3"),
        ("cat > /dev/null; exit 0", "exit status 0"),  # success, but no picture
        ("kill -9 $$", "signal 9"),
    ],
    ids=["error", "half-written", "empty", "killed"],
)
def test_a_failing_renderer_is_status_4_and_writes_nothing(script, said, renderers, run, tmp_path) -> None:
    fake_renderer(renderers, "dot", script)
    target = tmp_path / "g.svg"
    target.write_text("old", encoding="utf-8")
    code, stdout, stderr = run("graph", *SEED, "-o", str(target))
    assert code == 4 and stdout == ""
    assert stderr.startswith("error: dot failed to draw the graph") and said in stderr
    assert "-o FILE.dot" in stderr
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg", "renderers"]


@posix_only
def test_a_renderer_that_hangs_is_stopped(renderers, run, tmp_path, monkeypatch) -> None:
    fake_renderer(renderers, "dot", "exec sleep 30")
    monkeypatch.setattr(render, "TIMEOUT", 0.5)
    code, _, stderr = run("graph", *SEED, "-o", str(tmp_path / "g.png"))
    assert code == 4
    assert "dot did not finish drawing the graph within 0.5 seconds" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["renderers"]
