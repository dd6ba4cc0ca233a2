"""Program text, and the positions in it that errors and reports point at.

Positions are kept as character offsets (cheap to store on every node) and
turned into 1-based line and column numbers only when something is shown.
"""

from __future__ import annotations

import re
from bisect import bisect_right


class Source:
    """The text of a program and where it came from (``None`` for the command line)."""

    __slots__ = ("_line_starts", "filename", "text")

    def __init__(self, text: str, filename: str | None = None) -> None:
        self.text = text
        self.filename = filename
        self._line_starts: list[int] | None = None

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        starts = self._starts()
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        starts = self._starts()
        begin = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[begin:end].rstrip("\r")

    def where(self, offset: int) -> str:
        """``line 3, column 5`` (with the file name when there is one)."""
        line, column = self.line_col(offset)
        place = f"line {line}, column {column}"
        return f"{self.filename}, {place}" if self.filename else place

    def excerpt(self, start: int, end: int | None = None, width: int = 100) -> str:
        """The source line holding ``start``, with carets under ``start..end``.

        A span that runs past its first line is underlined to the end of that
        line; a line longer than ``width`` is cut to a window around the span.
        """
        line, column = self.line_col(start)
        text = self.line_text(line)
        carets = 1 if end is None or end <= start else max(1, min(end - start, len(text) - column + 1))
        first = column - 1  # 0-based index of the first caret in text
        if len(text) > width:
            # Keep some context before the span, and as much of the span as fits.
            begin = max(0, min(first - width // 3, len(text) + 1 - width))  # + 1: a caret just past the end
            shown = text[begin : begin + width]
            carets = min(carets, width - (first - begin))
            text = ("…" if begin else "") + shown + ("…" if begin + width < len(text) else "")
            first = first - begin + (1 if begin else 0)
        # Control characters are shown as escapes, which the carets must count.
        before, under = visible(text[:first]), visible(text[first : first + carets])
        # Keep tabs in the pad so the caret lines up with the text above it.
        pad = "".join(c if c == "\t" else " " for c in before)
        return f"  {before}{visible(text[first:])}\n  {pad}{'^' * max(1, len(under))}"

    def snippet(self, start: int, end: int, limit: int = 40) -> str:
        """The text of a span on one line, shortened to ``limit`` characters."""
        # Read no more than needed: a node of a long sum spans most of the program.
        text = " ".join(self.text[start : min(end, start + 4 * limit)].split())
        if len(text) > limit or end > start + 4 * limit:
            text = text[: limit - 1] + "…"
        return visible(text)


SHORT = 60
"""A name or token quoted in a message is cut to this many characters: a 10^7-character name is not echoed whole."""


def shorten(text: str, limit: int = SHORT) -> str:
    """``text``, or its first ``limit - 1`` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# C0 controls but tab, newline and carriage return (which callers lay out
# themselves), DEL, and the C1 controls: none may reach a terminal, an SVG
# (XML 1.0 forbids most of them) or DOT (Graphviz rejects NUL).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with each control character written as a visible escape (``\\x1b``)."""
    if text.isprintable() or not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
