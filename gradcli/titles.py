"""A program as a title: on one line, without its comments, shortened to fit.

The walkthrough page's heading and the plot's title both name the program
this way, so a file that begins with comments is not titled by its first
comment.
"""

from __future__ import annotations


def program_line(source: str) -> str:
    """The program on one line, without its comments: ``h = w*x + b; sigmoid(h)``.

    A line break ends a statement, except inside parentheses or brackets; ``#``
    starts a comment (the language has no strings to hold one).
    """
    text, depth = "", 0
    for line in source.splitlines():
        code = line.split("#", 1)[0].strip()
        if code:
            text += ("" if not text else " " if depth else "; ") + code
            depth += sum(code.count(c) for c in "([") - sum(code.count(c) for c in ")]")
    return text


def shortened(text: str, limit: int) -> str:
    """``text``, or its first ``limit - 1`` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
