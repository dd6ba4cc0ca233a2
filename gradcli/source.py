"""Program text, and the positions in it that errors and reports point at.

Positions are kept as character offsets (cheap to store on every node) and
turned into 1-based line and column numbers only when something is shown.
"""

from __future__ import annotations

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

    def excerpt(self, start: int, end: int | None = None) -> str:
        """The source line holding ``start``, with carets under ``start..end``.

        A span that runs past its first line is underlined to the end of that line.
        """
        line, column = self.line_col(start)
        text = self.line_text(line)
        width = 1 if end is None or end <= start else max(1, min(end - start, len(text) - column + 1))
        # Keep tabs in the pad so the caret lines up with the text above it.
        pad = "".join(c if c == "\t" else " " for c in text[: column - 1])
        return f"  {text}\n  {pad}{'^' * width}"

    def snippet(self, start: int, end: int, limit: int = 40) -> str:
        """The text of a span on one line, shortened to ``limit`` characters."""
        text = " ".join(self.text[start:end].split())
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return text
