"""The network diagram as Graphviz DOT: layers in columns, weights on the arcs, the head as one box.

Layout choices, measured in research note 2.2: each weight label is a small
plaintext node inside its arc (``x₁ → [W₂₁ = −0.75] → h₂``), the only placement
whose labels stay readable where arcs cross; the label nodes make a column of
their own between two layers. Each layer is a rank (its caption on top), its
circles kept in order by invisible same-rank edges. Past ``LABELLED_ARCS``
drawn arcs between two layers the label nodes are left out (the arcs keep
their colour, and their weights are in the SVG tooltips and the JSON).

Node ids: ``L{layer}_{neuron}`` (0-based), ``W{layer}_{target}_{source}``,
``more{layer}``, ``head``, ``given{k}``.
"""

from __future__ import annotations

from ..export.dot import FONT, html, quote, quote_tooltip
from .look import (
    ALARM,
    Options,
    caption,
    colour,
    drawn_arcs,
    head_lines,
    layer_items,
    neuron_lines,
    neuron_nonfinite,
    value_text,
    weight_lines,
    weight_tooltip,
)
from .model import LABELLED_ARCS, Arc, Layer, Network, Neuron

_INPUT_FILL = "#dbeafe"
_NEURON_FILL = "#fef3c7"
_HEAD_FILL = "#f1f5f9"
_BORDER = "#334155"


def to_dot(network: Network, options: Options, *, rankdir: str = "LR") -> str:
    """The DOT text of a network diagram."""
    lines = [
        "digraph network {",
        f'  graph [rankdir={rankdir}, newrank=true, nodesep=0.08, ranksep=0.35, fontname="{FONT}", fontsize=12,'
        " labelloc=t];",
        f'  node [fontname="{FONT}", fontsize=12, color="{_BORDER}"];',
        f'  edge [fontname="{FONT}", arrowsize=0.6, color="{_BORDER}"];',
    ]
    drawn = [layer_items(layer, options) for layer in network.layers]
    by_layer = drawn_arcs(network, drawn)
    last = len(network.layers) - 1
    labels = {
        (k, i): _circle_lines(network, options, layer, layer.neurons[i])
        for k, layer in enumerate(network.layers)
        for i in drawn[k][0]
    }
    diameter = max(_diameter(*parts) for parts in labels.values())
    for k, layer in enumerate(network.layers):
        items, hidden = drawn[k]
        fill = _INPUT_FILL if layer.kind == "input" else _NEURON_FILL
        # A caption node heads each column; dot keeps a rank's order along invisible edges
        # (inside clusters it did not, so the columns are plain ranks).
        unlabelled = len(by_layer.get(k, []))
        title = caption(layer, k, k == last, unlabelled if unlabelled > LABELLED_ARCS else 0)
        lines.append(f"  C{k} [label={quote(title)}, shape=plaintext, fontsize=12];")
        ids = [f"C{k}"]
        for position, i in enumerate(items):
            neuron = layer.neurons[i]
            node = f"L{k}_{i}"
            if hidden and position == len(items) - 1:
                ids.append(f"more{k}")  # the hidden ones sit between the first and the last
            ids.append(node)
            title, symbol, small = labels[k, i]
            text = f"<B>{html(title)}</B>" + (f"<BR/>{html(symbol)}" if symbol else "")
            if small:
                text += '<BR/><FONT POINT-SIZE="10">' + "<BR/>".join(html(s) for s in small) + "</FONT>"
            attributes = [
                f"label=<{text}>", "shape=circle", "style=filled", f'fillcolor="{fill}"', "margin=0.02",
                f"width={diameter:.2f}",
            ]  # fmt: skip
            if k == last and network.head is None:
                attributes.append("peripheries=2")
            if neuron_nonfinite(neuron):
                attributes += [f'color="{ALARM}"', f'fontcolor="{ALARM}"', "penwidth=1.6"]
            attributes.append(f"tooltip={quote_tooltip(neuron.id + (': ' + layer.text if layer.text else ''))}")
            lines.append(f"  {node} [{', '.join(attributes)}];")
        if hidden:
            lines.append(
                f"  more{k} [label={quote(f'⋮ {hidden} more')}, shape=plaintext, fontsize=12, "
                f"tooltip={quote_tooltip(f'{hidden} neurons of {layer.name} are not drawn (--max-neurons)')}];"
            )
        if k == last and network.head is not None:
            ids += [f"given{g}" for g in range(len(network.head.inputs))]  # the target t under the outputs
        lines.append(f"  {{rank=same; {'; '.join(ids)}}}")
        lines.append(f"  {' -> '.join(ids)} [style=invis];")
    # The captions in one line across the top (heavy invisible edges between them, one label
    # column apart), which lines the columns up at the top as well.
    captions = " -> ".join(f"C{k}" for k in range(len(network.layers)))
    lines.append(f"  {captions} [style=invis, weight=10, minlen=2];")
    _arcs(network, options, by_layer, lines)
    if network.head is not None:
        _head(network, options, drawn, lines)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _circle_lines(
    network: Network, options: Options, layer: Layer, neuron: Neuron
) -> tuple[str, str | None, list[str]]:
    """A circle's name, its activation's symbol (Σ: linear), and the small lines under them."""
    symbol = None if layer.kind == "input" else layer.symbol or "Σ"
    return neuron.label, symbol, neuron_lines(neuron, layer, options, network.has_values, network.has_grads)


def _diameter(title: str, symbol: str | None, small: list[str]) -> float:
    """The inches a circle needs for its label (Helvetica: about 0.1 in a character at 12 pt, 0.075 at 10 pt).

    Every circle gets the largest, so that a column of them looks even; dot
    still grows one whose text the estimate underrates.
    """
    width = max([len(title) * 0.1, len(symbol or "") * 0.09] + [len(line) * 0.075 for line in small])
    height = 0.2 * (2 if symbol else 1) + 0.16 * len(small)
    return max(0.55, (width**2 + height**2) ** 0.5 + 0.08)


def _arcs(network: Network, options: Options, by_layer: dict[int, list[Arc]], lines: list[str]) -> None:
    biggest = max((abs(a.weight.value) for a in network.arcs if _finite(a.weight.value)), default=0.0)
    for k in sorted(by_layer):
        arcs = sorted(by_layer[k], key=lambda a: (a.target, a.source))
        labelled = len(arcs) <= LABELLED_ARCS
        for arc in arcs:
            weight = arc.weight
            tint = colour(weight.value) if network.has_values else "#64748b"
            width = 1.0
            if network.has_values and biggest > 0 and _finite(weight.value):
                width = 0.6 + 2.0 * abs(weight.value) / biggest  # type: ignore[arg-type]
            source, target = f"L{k - 1}_{arc.source}", f"L{k}_{arc.target}"
            tip = quote_tooltip(weight_tooltip(weight, options.digits))
            style = f'color="{tint}", penwidth={width:.2f}, tooltip={tip}'
            if not labelled:
                # minlen=2: as wide a gap as labelled arcs get, where many arcs need the room more
                lines.append(f"  {source} -> {target} [{style}, minlen=2];")
                continue
            node = f"W{k}_{arc.target}_{arc.source}"
            text = weight_lines(weight, options, network.has_values, network.has_grads)
            label = f"<B>{html(text[0])}</B>" + "".join(f'<BR/><FONT POINT-SIZE="9">{html(t)}</FONT>' for t in text[1:])
            lines.append(
                f'  {node} [label=<{label}>, shape=plaintext, fontsize=10, fontcolor="{tint}", height=0.2, '
                f"margin=0.01, tooltip={tip}];"
            )
            lines.append(f"  {source} -> {node} [{style}, arrowhead=none];")
            lines.append(f"  {node} -> {target} [{style}];")


def _head(network: Network, options: Options, drawn: list[tuple[list[int], int]], lines: list[str]) -> None:
    head = network.head
    assert head is not None
    k = len(network.layers) - 1
    text = head_lines(head, options, network.has_values)
    label = "<BR/>".join(html(t) for t in text[:-1] or text)
    if network.has_values and options.values and head.value is not None:
        label = (label + "<BR/>" if len(text) > 1 else "") + f"<B>{html(text[-1])}</B>"
    lines.append(
        f'  head [label=<{label}>, shape=box, style="rounded,filled", fillcolor="{_HEAD_FILL}", peripheries=2, '
        f"tooltip={quote_tooltip(' ; '.join(head.lines))}];"
    )
    for i in drawn[k][0]:
        lines.append(f'  L{k}_{i} -> head [color="#94a3b8"];')
    for g, given in enumerate(head.inputs):
        text = given.name
        if network.has_values and options.values and given.value is not None:
            text += f" = {value_text(given.value, options.digits)}"
        lines.append(
            f"  given{g} [label={quote(text)}, shape=ellipse, fontsize=10, height=0.3, style=filled, "
            f'fillcolor="{_INPUT_FILL}"];'
        )
        lines.append(f'  given{g} -> head [color="#94a3b8", style=dashed];')


def _finite(x: float | None) -> bool:
    return x is not None and x == x and abs(x) != float("inf")
