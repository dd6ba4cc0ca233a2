"""Lines of styled text cut to a terminal's width, the way a person would break working on paper.

``trace`` lays out equalities such as ``∂f/∂x = ∂f/∂v1 · x + ∂f/∂v3 · y``;
on a narrow terminal such a line continues at a ``+`` or ``=``, indented so
that the continuation reads as part of the same step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .output import display_width

Segment = tuple[str, str]
"""A piece of a line of text and its rich style (``""`` for none)."""

_BREAKS = ("+", "=", "#")
"""Words that a wrapped line had best begin with: a new term, a new stage, a note."""
_SPACES = re.compile(r"( +)")


def fit(line: Sequence[Segment], width: int) -> list[list[Segment]]:
    """A line of styled text cut at spaces into lines no wider than ``width``.

    The lines after the first begin at a ``+``, ``=`` or ``#`` where one is
    near enough: a ``=`` under the first ``=``, anything else just after it
    (after the ``# `` of a note), or indented by 4 when that leaves less than
    half the width. A word wider than the room left is cut.
    """
    if sum(display_width(text) for text, _ in line) <= width:
        return [list(line)]
    plain = "".join(text for text, _ in line)
    mark = plain.find("# ") if plain.lstrip().startswith("# ") else plain.find(" = ") + 1
    hang = display_width(plain[: mark + 2]) if mark > 0 else 0
    indent = hang if 0 < hang <= width // 2 else min(4, width // 2)
    under = hang - 2 if indent == hang and plain[mark] == "=" else indent  # where a carried "=" goes
    words: list[Segment] = []  # words and the runs of spaces between them, each with its style
    for text, style in line:
        words += [(part, style) for part in _SPACES.split(text) if part]
    lines: list[list[Segment]] = []
    current: list[Segment] = []
    used = 0
    for word, style in words:
        size = display_width(word)
        if word.isspace():
            current.append((word, style))
            used += size
            continue
        if used + size > width and any(not w.isspace() for w, _ in current[1 if lines else 0 :]):
            current, carried = _cut(current, width)
            lines.append(current)
            current = [(" " * (under if carried and carried[0][0] == "=" else indent), ""), *carried]
            used = sum(display_width(w) for w, _ in current)
            if used + size > width and carried:  # the words carried over and this one do not fit together
                lines.append(current)
                current, used = [(" " * indent, "")], indent
        while used + size > width and size > 1:  # a word longer than a whole line: cut it
            room = max(width - used, 1)
            head, word = _split_width(word, room)
            lines.append([*current, (head, style)])
            current, used = [(" " * indent, "")], indent
            size = display_width(word)
        current.append((word, style))
        used += size
    lines.append(current)
    return [_strip(line) for line in lines]


def _cut(current: list[Segment], width: int) -> tuple[list[Segment], list[Segment]]:
    """Where to end a full line: before its last ``+``, ``=`` or ``#`` if that keeps half of it; else here."""
    used = 0
    best = None
    for k, (word, _) in enumerate(current):
        if k > 0 and word in _BREAKS and used >= width // 2:
            best = k
        used += display_width(word)
    if best is None:
        return current, []
    return current[:best], current[best:]


def _split_width(word: str, room: int) -> tuple[str, str]:
    used = 0
    for k, char in enumerate(word):
        used += display_width(char)
        if used > room:
            return word[: max(k, 1)], word[max(k, 1) :]
    return word, ""


def _strip(line: list[Segment]) -> list[Segment]:
    """The line without the spaces at its end."""
    while line and line[-1][0].isspace():
        line = line[:-1]
    if line:
        text, style = line[-1]
        line = [*line[:-1], (text.rstrip(), style)]
    return line
