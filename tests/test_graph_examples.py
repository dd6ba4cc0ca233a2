"""The pictures in examples/ (shown in the README) are gradcli's own, and carry the seeds' numbers.

They are made by the command lines in ``PICTURES``; to make them again after
a change to how graphs look, run ``python tests/test_graph_examples.py``.
The test compares what each picture shows, node by node, with a fresh
drawing: not the bytes, which change with the version of Graphviz.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from graph_support import needs_dot, parse_svg, svg_nodes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

PICTURES = {
    "seed-graph.svg": ["-f", "examples/seed.grad", "--x", "3", "--y", "4"],
    "seed-tree.svg": ["-f", "examples/seed.grad", "--x", "3", "--y", "4", "--tree"],
    "sigmoid-scalar.svg": ["-f", "examples/sigmoid.grad", "--x", "2", "--w", "0.5", "--granularity", "scalar"],
}
"""Each picture and the ``gradcli graph`` arguments that draw it, run from the repository's root."""


def texts(path: Path) -> dict[str, list[str]]:
    return svg_nodes(parse_svg(path.read_bytes()))


def test_the_seed_pictures_show_the_seeds_numbers() -> None:
    graph = texts(EXAMPLES / "seed-graph.svg")
    assert sorted(graph.values()) == sorted(
        [["x", "value 3", "grad 10"], ["y", "value 4", "grad 3"], ["×", "value 9", "grad 1"],
         ["×", "value 12", "grad 1"], ["+", "value 21", "grad 1"]]
    )  # fmt: skip
    tree = texts(EXAMPLES / "seed-tree.svg")
    assert sorted(tree.values()) == sorted(
        [["x", "value 3", "grad 3"], ["x", "value 3", "grad 3"], ["x", "value 3", "grad 4"],
         ["y", "value 4", "grad 3"], ["×", "value 9", "grad 1"], ["×", "value 12", "grad 1"],
         ["+", "value 21", "grad 1"]]
    )  # fmt: skip
    sigmoid = texts(EXAMPLES / "sigmoid-scalar.svg")
    assert sorted(t[0] for t in sigmoid.values()) == sorted(["w", "x", "×", "−", "exp", "1", "+", "1", "/"])
    assert ["/", "value 0.7311", "grad 1"] in sigmoid.values()


@needs_dot
@pytest.mark.parametrize("name", PICTURES)
def test_the_pictures_are_up_to_date(name: str, run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / name
    code, _, stderr = run("graph", *PICTURES[name], "-o", str(fresh))
    assert code == 0, stderr
    assert texts(fresh) == texts(EXAMPLES / name), f"run `python tests/test_graph_examples.py` to redraw {name}"


def redraw() -> None:
    """Draw every picture again, into examples/."""
    import os

    from click.testing import CliRunner

    from gradcli.cli import cli

    os.chdir(ROOT)
    for name, args in PICTURES.items():
        result = CliRunner().invoke(cli, ["graph", *args, "-o", str(EXAMPLES / name)])
        print(f"examples/{name}: exit status {result.exit_code} {result.stderr}".rstrip(), file=sys.stderr)


if __name__ == "__main__":
    redraw()
