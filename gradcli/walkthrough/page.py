"""The walkthrough page: one self-contained HTML file (contract, section 7).

The page holds the Graphviz SVG inline, the trace as ordered lists (so it
reads whole without JavaScript and when printed), the walk's data as JSON and
a small plain script (``walk.js``) that steps through it. A
Content-Security-Policy forbids every fetch and allows only this page's own
script and style sheet, by their hashes. Nothing in the file depends on the
time or the machine: the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import escape
from pathlib import Path

from ..export.render import render
from ..numbers import fmt
from ..titles import program_line, shortened
from ..trace import Step
from .model import PHASES, Walk, phase_line
from .picture import edge_id, looks_of, page_dot, page_svg

ZOOM = 1.5
"""The picture is drawn 1.5 times Graphviz's size (as ``gradcli graph``'s PNG): a page is read from further away."""

FIT = 1400
"""A picture wider than this many pixels (after ZOOM) scrolls in its pane instead of shrinking to fit it."""

TITLE = 80
"""The heading quotes at most this many characters of the program; the trace pane shows all of it."""

POINT = 6
"""The heading names at most this many variables' values; the trace shows every one."""

_HERE = Path(__file__).parent
_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def walk_page(walk: Walk, *, rankdir: str = "BT") -> bytes:
    """The page of a walk, as UTF-8 bytes; draws the graph with Graphviz (``render``)."""
    svg, scroll, size = _zoomed(page_svg(render(page_dot(walk, looks_of(walk), rankdir), "svg")))
    style = (_HERE / "walk.css").read_text(encoding="utf-8")
    if size:
        # A big picture shrinks to fit its pane, but not below Graphviz's own size, where its smallest
        # words are still readable (the neuron's scalar view: 7 rows, or 8 columns with --rankdir LR);
        # beyond that the pane scrolls.
        least = f"min-width: {size[0]:.2f}pt; min-height: {size[1]:.2f}pt;"
        style += f"@media screen and (min-width: 801px) {{ #graph:not(.scroll) svg {{ {least} }} }}\n"
    script = (_HERE / "walk.js").read_text(encoding="utf-8")
    sources = f"script-src {_hash(script)}; style-src {_hash(style)}"
    policy = f"default-src 'none'; {sources}; base-uri 'none'; form-action 'none'"
    source = walk.trace.graph.source.text.strip()
    title = shortened(program_line(source), TITLE)
    figure = ' class="scroll"' if scroll else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en" class="nojs">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} · gradcli walkthrough</title>",
        f"<style>{style}</style>",
        "</head>",
        '<body data-phase="forward">',
        "<header>",
        f"<h1>Walkthrough of <code>{escape(title)}</code></h1>",
        f'<p class="point">{escape(_point(walk))}</p>',
        "</header>",
        '<nav class="controls" aria-label="Steps">',
        '<button type="button" id="first">First</button>',
        '<button type="button" id="back">Back</button>',
        '<button type="button" id="next">Next</button>',
        '<button type="button" id="last">Last</button>',
        '<span id="status" aria-live="polite"></span>',
        '<span class="keys">keys: ← → Home End; links: #step=N</span>',
        "</nav>",
        '<section id="now" aria-label="Current step"><p class="phase"></p><div class="step"></div></section>',
        "<main>",
        f'<figure id="graph"{figure} aria-label="The computation graph">\n{svg}</figure>',
        '<section id="steps" aria-label="The trace, step by step">',
        *_trace(walk, whole_program=source != title),
        "</section>",
        "</main>",
        "<noscript><p>Without JavaScript the picture shows every number and the trace lists every step.</p></noscript>",
        f'<script type="application/json" id="walk-data">{_data(walk)}</script>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(parts) + "\n").encode("utf-8")


def _hash(text: str) -> str:
    """The CSP source that allows exactly this inline script or style sheet."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _zoomed(svg: str) -> tuple[str, bool, tuple[float, float] | None]:
    """The SVG drawn ZOOM times larger, whether it is too wide to fit a pane, and Graphviz's own size (pt)."""
    found = _SIZE.search(svg)
    if found is None:
        return svg, False, None
    width, height = (float(found[k]) * ZOOM for k in (1, 2))
    sized = f'<svg width="{width:.2f}pt" height="{height:.2f}pt"'
    return svg[: found.start()] + sized + svg[found.end() :], width * 4 / 3 > FIT, (width / ZOOM, height / ZOOM)


def _data(walk: Walk) -> str:
    """What the script needs: each step's phase, nodes and edge ids; the step that shows each number."""
    data = {
        "steps": [
            {"phase": phase, "lit": list(step.lights), "edges": [edge_id(*edge) for edge in step.edges]}
            for step, phase in zip(walk.steps, walk.phases)
        ],
        "value": walk.value_from,
        "grad": walk.grad_from,
        "phases": {phase: phase_line(phase) for phase in PHASES},
    }
    # "</" would end the script element early; "<\/" reads the same to JSON.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _point(walk: Walk) -> str:
    """``at x = 3, y = 4 · autograd view · f = 21``."""
    trace = walk.trace
    graph = trace.graph
    values = trace.result.values
    named = [f"{name} = {fmt(values[leaves[0]], trace.digits)}" for name, leaves in graph.variables.items()]
    if len(named) > POINT:
        named = [*named[: POINT - 1], f"… ({len(named):,} variables)"]
    point = ", ".join(named)
    view = "tree view" if graph.tree else "autograd view"
    if graph.granularity != "fused":
        view += f", {graph.granularity} granularity"
    output = f"{trace.output_name} = {fmt(trace.result.value, trace.digits)}"
    return " · ".join([f"at {point}" if point else "no variables", view, output])


def _trace(walk: Walk, *, whole_program: bool) -> list[str]:
    """The trace as the page's text: the program if it has several lines, both passes, the gradient."""
    trace = walk.trace
    lines = []
    if whole_program:
        lines.append(f"<h2>Program</h2>\n<pre><code>{escape(trace.graph.source.text.strip())}</code></pre>")
    view = " (tree view: each occurrence of a variable is its own leaf)" if trace.graph.tree else ""
    lines.append(f"<h2>Forward pass, leaves to root{view}</h2>")
    lines += _pass(walk, 1, trace.forward)
    if trace.backward:
        lines.append("<h2>Backward pass, root to leaves</h2>")
        lines += _pass(walk, len(trace.forward) + 1, trace.backward)
    else:
        lines.append("<h2>Backward pass</h2>")
        lines.append("<p>The output depends on no variable, so there is nothing to pass back.</p>")
    f = trace.output_name
    rows = [(f, trace.result.value), *((f"∂{f}/∂{name}", v) for name, v in trace.result.gradient.items())]
    lines += ["<h2>Gradient</h2>", '<table class="gradient">']
    for name, value in rows:
        lines.append(f'<tr><td class="math">{escape(name)}</td><td class="math">{fmt(value, trace.digits)}</td></tr>')
    lines.append("</table>")
    return lines


def _pass(walk: Walk, first: int, steps: list[Step]) -> list[str]:
    """One pass as an ordered list: each step a link to itself (``#step=N``), its notes beside it."""
    lines = [f'<ol start="{first}">']
    for number, step in enumerate(steps, first):
        notes = [escape(note) for note in step.notes]
        classes = [walk.phases[number - 1]]
        if walk.is_bad(number):
            notes.append("not finite")
            classes.append("bad")
        marks = "".join(f'<span class="note">{note}</span>' for note in notes)
        if number == walk.first_bad and walk.message:
            marks += f'<p class="message">error: {escape(walk.message)}</p>'
        text = f'<a href="#step={number}"><span class="math">{escape(step.text)}</span></a>'
        lines.append(f'<li id="s{number}" class="{" ".join(classes)}">{text}{marks}</li>')
    lines.append("</ol>")
    return lines
