"""``gradcli trace -o walk.html``: the step model, the page as a file, and every way it can fail.

The walk's ground truth is seed 004's worked example, derived by hand: f = x*x + x*y
at x = 3, y = 4. Forward, the values appear leaves to root (3, 4, 9, 12, 21); the
root receives gradient 1; backward, each node lights with the edges its gradient
flows along; x, used three times, collects 3 + 3 + 4 = 10. These tests need no
browser (``test_walkthrough_browser.py`` steps through the pages in Chromium).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from graph_support import needs_dot, parse_svg

import gradcli
from gradcli.export import render
from gradcli.trace import trace
from gradcli.walkthrough.model import Walk
from gradcli.walkthrough.output import MAX_PAGE_NODES

SEED = ("x*x + x*y", "--x", "3", "--y", "4")

# The seed's walk, by hand. Nodes: 0 x, 1 x*x, 2 y, 3 x*y, 4 the sum. Edges are (operation, input).
SEED_STEPS = [
    # (phase, lit nodes, edges, the number that appears)
    ("forward", {0}, set(), (0, "value 3")),
    ("forward", {2}, set(), (2, "value 4")),
    ("forward", {1}, {(1, 0), (1, 1)}, (1, "value 9")),
    ("forward", {3}, {(3, 0), (3, 1)}, (3, "value 12")),
    ("forward", {4}, {(4, 0), (4, 1)}, (4, "value 21")),
    ("seed", {4}, set(), (4, "grad 1")),
    ("backward", {3}, {(4, 1)}, (3, "grad 1")),
    ("backward", {1}, {(4, 0)}, (1, "grad 1")),
    ("sum", {0}, {(1, 0), (1, 1), (3, 0)}, (0, "grad 10")),  # x's three uses: 3 + 3 + 4
    ("backward", {2}, {(3, 1)}, (2, "grad 3")),
]


def seed_numbers(number: int) -> set[tuple[int, str]]:
    """The numbers the picture shows at step ``number`` of the seed: those of steps 1 to ``number``."""
    return {shown for _, _, _, shown in SEED_STEPS[:number]}


def walk_of(program: str, values: dict[str, float], **view: object) -> Walk:
    return Walk(trace(gradcli.build(program, **view), values))


# ---- the step model ------------------------------------------------------------------------------


def test_the_seed_walk_follows_the_seed() -> None:
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4})
    assert len(walk) == len(SEED_STEPS)
    for number, (phase, lit, edges, _) in enumerate(SEED_STEPS, 1):
        state = walk.state(number)
        assert (state.phase, set(state.lit), set(state.edges)) == (phase, lit, edges), number
        shown = {(n, "value") for n in state.values} | {(n, "grad") for n in state.grads}
        assert shown == {(n, line.split()[0]) for n, line in seed_numbers(number)}, number
    assert walk.steps[8].text.endswith("= 3 + 3 + 4 = 10")
    assert walk.steps[5].text == "∂f/∂v4 = ∂f/∂f = 1"


def test_the_tree_walk_sums_over_the_occurrences() -> None:
    # Tree nodes: 0 x₁, 1 x₂, 2 x₁*x₂, 3 x₃, 4 y, 5 x₃*y, 6 the sum.
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4}, tree=True)
    assert len(walk) == 15
    last = walk.state(14)
    assert walk.steps[13].text == "∂f/∂x = ∂f/∂x₁ + ∂f/∂x₂ + ∂f/∂x₃ = 3 + 3 + 4 = 10"
    assert (last.phase, set(last.lit), set(last.edges)) == ("sum", {0, 1, 3}, set())
    # Each occurrence got its own term at its own step, and they all show when the sum is taken.
    assert [walk.grad_from[leaf] for leaf in (0, 1, 3)] == [11, 12, 13]
    assert {0, 1, 3} <= last.grads


def test_a_constant_shows_from_the_start_and_a_dead_statement_never() -> None:
    # Nodes: 0 x, 1 2, 2 x*2 (a, never used), 3 2, 4 pi, 5 2*pi, 6 2*pi*x.
    walk = walk_of("a = x*2; 2*pi*x", {"x": 1})
    graph = walk.trace.graph
    pi = graph.labels.index("pi")
    assert walk.value_from[pi] == 0
    assert walk.state(1).values >= {pi}
    dead = [node for node in range(len(graph)) if not graph.live[node] and graph.inputs[node]]
    assert dead == [2] and all(walk.value_from[n] is None and walk.grad_from[n] is None for n in dead)


def test_the_json_carries_what_each_step_lights_and_shows(run, loads) -> None:
    code, out, err = run("trace", *SEED, "--json")
    assert code == 0, err
    data = loads(out)
    steps = data["forward"] + data["backward"]
    assert [(set(s["lights"]), {tuple(e) for e in s["edges"]}) for s in steps] == [
        (lit, edges) for _, lit, edges, _ in SEED_STEPS
    ]
    assert [s["shows"] for s in steps] == ["value"] * 5 + ["grad"] * 5
    tree = loads(run("trace", *SEED, "--tree", "--json").stdout)
    occurrences = tree["backward"][-2]
    assert (occurrences["kind"], occurrences["lights"], occurrences["edges"], occurrences["shows"]) == (
        "occurrences",
        [0, 1, 3],
        [],
        None,
    )


# ---- the page as a file --------------------------------------------------------------------------


class Page(HTMLParser):
    """Every element with its attributes, and the text of each script and style element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.styles: list[str] = []
        self._open: str | None = None
        self._attrs: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag in ("script", "style"):
            self._open, self._attrs = tag, attributes

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts.append((self._attrs, data))
        elif self._open == "style":
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def ids(self) -> dict[str, tuple[str, dict[str, str]]]:
        return {attrs["id"]: (tag, attrs) for tag, attrs in self.elements if "id" in attrs}

    def data(self) -> dict:
        (text,) = [text for attrs, text in self.scripts if attrs.get("type") == "application/json"]
        return json.loads(text)


def page(run, tmp_path: Path, *args: str, name: str = "walk.html") -> tuple[Path, str]:
    target = tmp_path / name
    code, stdout, stderr = run("trace", *args, "-o", str(target))
    assert (code, stdout) == (0, ""), stderr
    return target, target.read_text(encoding="utf-8")


@needs_dot
def test_every_id_a_step_names_is_in_the_picture(run, tmp_path) -> None:
    program = "z = x*y; sigmoid(z*z + x)"
    views = [([], {}), (["--tree"], {"tree": True}), (["--granularity", "scalar"], {"granularity": "scalar"})]
    for options, view in views:
        _, text = page(run, tmp_path, program, "--x", "0.5", "--y", "2", *options)
        parsed = Page(text)
        ids = parsed.ids()
        data = parsed.data()
        graph = gradcli.build(program, **view)
        # Every node and every edge of the graph has its id in the SVG, exactly once.
        edges = [f"e{node}_{k}" for node, inputs in enumerate(graph.inputs) for k in range(len(inputs))]
        nodes = [f"n{node}" for node in range(len(graph))]
        everything = [attrs["id"] for _, attrs in parsed.elements if "id" in attrs]
        assert all(everything.count(i) == 1 for i in nodes + edges)
        assert all(ids[n][0] == "g" and "gc-node" in ids[n][1]["class"] for n in nodes)
        assert all(ids[e][0] == "g" and "gc-edge" in ids[e][1]["class"] for e in edges)
        for k, step in enumerate(data["steps"], 1):
            assert f"s{k}" in ids
            assert all(f"n{n}" in ids for n in step["lit"]) and all(e in ids for e in step["edges"])
        assert len(data["value"]) == len(data["grad"]) == len(graph)


@needs_dot
def test_the_page_holds_the_model_and_the_trace(run, tmp_path) -> None:
    _, text = page(run, tmp_path, *SEED)
    parsed = Page(text)
    data = parsed.data()
    assert [(s["phase"], set(s["lit"]), set(s["edges"])) for s in data["steps"]] == [
        (phase, lit, {f"e{a}_{b}" for a, b in edges}) for phase, lit, edges, _ in SEED_STEPS
    ]
    # The step at which each number appears: x 1, y 2, x*x 3, x*y 4, sum 5; grads sum 6, x*y 7, x*x 8, x 9, y 10.
    assert data["value"] == [1, 3, 2, 4, 5]
    assert data["grad"] == [9, 8, 10, 7, 6]
    # The trace reads as text, in order, without the script.
    lines = re.findall(r'<li id="s(\d+)"[^>]*><a href="#step=\1"><span class="math">(.*?)</span>', text)
    assert [int(n) for n, _ in lines] == list(range(1, 11))
    assert lines[8][1] == "∂f/∂x = ∂f/∂v1 · x + ∂f/∂v1 · x + ∂f/∂v3 · y = 1 · 3 + 1 · 3 + 1 · 4 = 3 + 3 + 4 = 10"
    # Without the script, the picture shows every number: none is hidden in the file itself.
    svg = svg_of(text)
    shown = sorted(t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("class"))
    assert shown == sorted(line for _, _, _, (_, line) in SEED_STEPS)
    assert 'class="nojs"' in text and "off" not in re.findall(r'class="([^"]*)"', text)


@needs_dot
def test_the_page_is_self_contained_and_fetches_nothing(run, tmp_path) -> None:
    _, text = page(run, tmp_path, "-f", "examples/mlp.grad", "--values", "examples/mlp.json")
    parsed = Page(text)
    # Only the SVG and XLink namespace names look like addresses; nothing points outside the file.
    addresses = set(re.findall(r"https?://[^\s\"'<>]*", text))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    for tag, attrs in parsed.elements:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), tag
        assert "src" not in attrs, (tag, attrs)
        for name in ("href", "xlink:href", "action"):
            assert attrs.get(name, "#").startswith("#"), (tag, attrs)
    assert "url(" not in text and "@import" not in text
    # The policy forbids every fetch, and allows exactly the page's own script and style sheet.
    (policy,) = [a["content"] for t, a in parsed.elements if a.get("http-equiv") == "Content-Security-Policy"]
    rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
    (script,) = [body for attrs, body in parsed.scripts if "type" not in attrs]
    (style,) = parsed.styles

    def sha(body: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"

    assert rules == {
        "default-src": "'none'",
        "script-src": sha(script),
        "style-src": sha(style),
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    assert [tag for tag, _ in parsed.elements].count("svg") == 1


@needs_dot
def test_user_text_is_never_markup(run, tmp_path) -> None:
    program = "x*(x +  # </script><script>alert(1)</script> & <b>\nθ)\n# the end"
    _, text = page(run, tmp_path, program, "--x", "1", "--θ", "2")
    parsed = Page(text)
    assert [tag for tag, _ in parsed.elements].count("script") == 2  # the data and the page's own script
    assert "<b>" not in text and "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in text
    assert "<h1>Walkthrough of <code>x*(x + θ)</code></h1>" in text  # the statements, not the comments


@needs_dot
def test_the_same_input_gives_the_same_bytes(run, tmp_path) -> None:
    first, _ = page(run, tmp_path, *SEED, "--tree", name="a.html")
    second, _ = page(run, tmp_path, *SEED, "--tree", name="b.html")
    assert first.read_bytes() == second.read_bytes()


def svg_of(text: str):
    return parse_svg(text[text.index("<svg") : text.index("</svg>") + len("</svg>")])


@needs_dot
def test_digits_and_rankdir_apply(run, tmp_path) -> None:
    _, text = page(run, tmp_path, "2*pi*x", "--x", "1", "--digits", "6")
    assert "value 6.28319" in text and "2 · 3.14159 = 6.28319" in text
    chain = ("sin(cos(tan(x)))", "--x", "1")
    tall = svg_of(page(run, tmp_path, *chain, name="bt.html")[1])
    wide = svg_of(page(run, tmp_path, *chain, "--rankdir", "lr", name="lr.html")[1])

    def size(svg) -> tuple[float, float]:
        return float(svg.get("width").removesuffix("pt")), float(svg.get("height").removesuffix("pt"))

    assert size(tall)[1] > 2 * size(tall)[0]
    assert size(wide)[0] > 2 * size(wide)[1]


# ---- failures: the exit statuses of the contract, and nothing half-written -------------------------


@needs_dot
def test_a_nan_is_marked_at_its_step_and_the_page_still_written(run, tmp_path) -> None:
    target = tmp_path / "nan.html"
    program = "h = w*x + b; y = log(h); loss = (y - t)^2"
    code, stdout, stderr = run("trace", program, "--w", "0.5", "--x", "-2", "--b", "0.5", "--t", "1", "-o", str(target))
    assert code == 3
    assert stdout == "" and "log of -0.5 is undefined (NaN)" in stderr
    parsed = Page(target.read_text(encoding="utf-8"))
    items = {attrs["id"]: attrs["class"].split() for tag, attrs in parsed.elements if tag == "li"}
    # Forward: w, x, b, t are fine, then v3 = w·x, h = v3 + b (-0.5); y = log(h) is the first NaN, step 7.
    assert next(k for k in range(1, len(items) + 1) if "bad" in items[f"s{k}"]) == 7
    text = target.read_text(encoding="utf-8")
    assert text.count('<p class="message">') == 1
    assert re.search(r'<li id="s7"[^>]*>.*log\(h\).*<p class="message">error: log\(h\) at line 1, column 18', text)


def test_an_unknown_extension_is_refused_before_any_work(run, tmp_path) -> None:
    target = tmp_path / "walk.pdf"
    code, _, stderr = run("trace", *SEED, "-o", str(target))
    assert code == 2 and not target.exists()
    assert "cannot tell which from the extension .pdf" in stderr and "hint: -o walk.html" in stderr


def test_options_that_do_not_go_together(run, tmp_path) -> None:
    code, _, stderr = run("trace", *SEED, "--json", "-o", str(tmp_path / "w.html"))
    assert code == 2 and "give one of them" in stderr
    code, _, stderr = run("trace", *SEED, "--rankdir", "LR")
    assert code == 2 and "needs -o walk.html" in stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["walk.html", "walk.gif"])
def test_without_graphviz_exit_4_and_nothing_written(run, tmp_path, monkeypatch, name) -> None:
    monkeypatch.setattr(render, "search_path", lambda: str(tmp_path / "nowhere"))
    target = tmp_path / name
    target.write_bytes(b"what was there before")
    code, stdout, stderr = run("trace", *SEED, "-o", str(target))
    assert code == 4 and stdout == ""
    assert stderr.startswith("error: the walkthrough needs Graphviz to draw the graph")
    assert "hint: install Graphviz" in stderr
    assert target.read_bytes() == b"what was there before"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_program_too_big_for_a_page_gets_a_clear_message(run, tmp_path) -> None:
    terms = MAX_PAGE_NODES // 4 + 1
    program = " + ".join(f"w{k}*x{k}" for k in range(terms))
    values = {f"{p}{k}": 1 for k in range(terms) for p in "wx"}
    (tmp_path / "v.json").write_text(json.dumps(values))
    target = tmp_path / "big.html"
    code, _, stderr = run("trace", program, "--values", str(tmp_path / "v.json"), "-o", str(target))
    assert code == 2 and not target.exists()
    nodes = 4 * terms - 1
    assert f"error: the program's graph has {nodes:,} nodes, and a walkthrough HTML is made for at most" in stderr
    assert "hint: gradcli trace without -o prints every step as text" in stderr
