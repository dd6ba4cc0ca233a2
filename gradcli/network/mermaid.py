"""The network diagram as a Mermaid flowchart, for Markdown.

The same circles, arcs and box as the DOT: one subgraph per layer, weights as
arc labels (Mermaid places them itself), arcs coloured by sign with
``linkStyle``. Node ids are the DOT's.
"""

from __future__ import annotations

from ..export.mermaid import escape
from .look import Options, caption, colour, drawn_arcs, head_lines, layer_items, neuron_lines, value_text, weight_lines
from .model import LABELLED_ARCS, Network


def to_mermaid(network: Network, options: Options, *, rankdir: str = "LR") -> str:
    """Mermaid flowchart text of a network diagram."""
    lines = [f"flowchart {rankdir}"]
    drawn = [layer_items(layer, options) for layer in network.layers]
    last = len(network.layers) - 1
    for k, layer in enumerate(network.layers):
        items, hidden = drawn[k]
        title = escape(caption(layer, k, k == last).replace("\n", ": "))
        lines.append(f'  subgraph C{k}["{title}"]')
        for position, i in enumerate(items):
            if hidden and position == len(items) - 1:
                lines.append(f'    more{k}["⋮ {hidden:,} more"]')
            neuron = layer.neurons[i]
            parts = [f"<b>{escape(neuron.label)}</b>"]
            if layer.kind != "input":
                parts.append(escape(layer.symbol or "Σ"))
            parts += [escape(s) for s in neuron_lines(neuron, layer, options, network.has_values, network.has_grads)]
            lines.append(f'    L{k}_{i}(("{"<br/>".join(parts)}"))')
        lines.append("  end")
    styles = []
    by_layer = drawn_arcs(network, drawn)
    # The recognisers list the arcs layer by layer, so this is their order in ``network.arcs``.
    for arc in (arc for k in sorted(by_layer) for arc in by_layer[k]):
        source, target = f"L{arc.layer - 1}_{arc.source}", f"L{arc.layer}_{arc.target}"
        if len(by_layer[arc.layer]) <= LABELLED_ARCS:
            parts = weight_lines(arc.weight, options, network.has_values, network.has_grads)
            text = "<br/>".join(escape(t) for t in parts)
            lines.append(f'  {source} -->|"{text}"| {target}')
        else:
            lines.append(f"  {source} --> {target}")
        styles.append(colour(arc.weight.value) if network.has_values else "#64748b")
    head = network.head
    if head is not None:
        text = "<br/>".join(escape(t) for t in head_lines(head, options, network.has_values))
        lines.append(f'  head["{text}"]')
        for i in drawn[last][0]:
            lines.append(f"  L{last}_{i} --> head")
            styles.append("#94a3b8")
        for g, given in enumerate(head.inputs):
            text = given.name
            if network.has_values and options.values and given.value is not None:
                text += f" = {value_text(given.value, options.digits)}"
            lines.append(f'  given{g}(["{escape(text)}"]) -.-> head')
            styles.append("#94a3b8")
    for n, tint in enumerate(styles):
        lines.append(f"  linkStyle {n} stroke:{tint}")
    return "\n".join(lines) + "\n"
