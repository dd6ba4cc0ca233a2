"""Reading gradcli's graph output back, for the graph tests: DOT through pydot, SVG as XML.

pydot is the independent reader here: a DOT text that it parses into the
right nodes and edges, with labels that read back as written, is well formed.
"""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import pydot
import pytest

NODE_ID = re.compile(r"n\d+")
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed here (CI installs it with apt-get)"
)


def unquote(value: str) -> str:
    """A DOT attribute value as Graphviz shows it: quotes removed, ``\\"`` and ``\\\\`` undone."""
    if not (value.startswith('"') and value.endswith('"')):
        return value
    text, out, i = value[1:-1], [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            following = text[i + 1]
            if following in '"\\':
                out.append(following)
                i += 2
                continue
            if following == "n":
                out.append("\n")
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def label_lines(value: str) -> list[str]:
    """The lines of text of an HTML-like label ``<<B>x</B><BR/>value 3>``."""
    assert value.startswith("<") and value.endswith(">"), value
    inner = value[1:-1]
    return [html.unescape(re.sub(r"<[^>]*>", "", part)) for part in re.split(r"<BR/>", inner)]


@dataclass
class DotNode:
    id: str
    attributes: dict[str, str]

    @property
    def lines(self) -> list[str]:
        return label_lines(self.attributes["label"])

    @property
    def title(self) -> str:
        return self.lines[0]

    def line(self, prefix: str) -> str | None:
        """The number on the line that starts with ``prefix`` ("value", "grad"), or None."""
        found = [line[len(prefix) + 1 :] for line in self.lines if line.startswith(prefix + " ")]
        return found[0] if found else None

    @property
    def is_leaf(self) -> bool:
        return self.attributes["shape"] == "ellipse"


@dataclass
class DotGraph:
    attributes: dict[str, str]
    nodes: dict[str, DotNode]
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def leaves(self) -> list[DotNode]:
        return [n for n in self.nodes.values() if n.is_leaf]

    def operations(self) -> list[DotNode]:
        return [n for n in self.nodes.values() if not n.is_leaf]

    def inputs(self, node: str) -> list[str]:
        return [source for source, target, _ in self.edges if target == node]


def parse_dot(text: str) -> DotGraph:
    """Parse DOT with pydot; exactly one digraph, nodes named n0, n1, …"""
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1
    graph = graphs[0]
    assert graph.get_type() == "digraph"
    defaults = {}
    for statement in graph.get_node_list():
        if statement.get_name() == "graph":
            defaults = statement.get_attributes()
    attributes = dict(graph.get_attributes())
    attributes.update(defaults)
    nodes = {}
    for node in graph.get_node_list():
        name = node.get_name()
        if name in ("node", "edge", "graph"):
            continue
        assert NODE_ID.fullmatch(name), name
        assert name not in nodes, f"{name} is declared twice"
        nodes[name] = DotNode(name, dict(node.get_attributes()))
    edges = [(e.get_source(), e.get_destination(), dict(e.get_attributes())) for e in graph.get_edge_list()]
    for source, target, _ in edges:
        assert source in nodes and target in nodes, (source, target)
    return DotGraph(attributes, nodes, edges)


def parse_svg(data: bytes | str) -> ElementTree.Element:
    """An SVG document as XML; it must be an <svg> root."""
    root = ElementTree.fromstring(data)
    assert root.tag == f"{SVG}svg", root.tag
    return root


def svg_nodes(root: ElementTree.Element) -> dict[str, list[str]]:
    """Each node group of a Graphviz SVG: its DOT id (the <title>) -> its texts."""
    found = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.find(f"{SVG}title")
            assert title is not None
            found[title.text] = [t.text or "" for t in group.iter(f"{SVG}text")]
    return found


def svg_tooltips(root: ElementTree.Element) -> list[str]:
    """The tooltip of every node: the xlink:title of the link around it."""
    tips = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            for link in group.iter(f"{SVG}a"):
                tips.append(link.get(f"{XLINK}title"))
    return tips
