"""What ``graph`` and ``network`` share: where the picture goes, and in which format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import UsageError
from ..export import FORMATS
from .output import is_terminal


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-o FILE`` and ``--format``."""
    f = click.option(
        "--format",
        "format_",
        type=click.Choice(FORMATS),
        help="The format to write, whatever the extension of FILE (default: DOT, or by the extension of FILE).",
    )(f)
    f = click.option(
        "-o",
        "--output",
        metavar="FILE",
        help="Write to FILE instead of standard output; its extension picks the format: "
        ".dot (or .gv), .svg, .png, .pdf, .json, .mmd (Mermaid).",
    )(f)
    return f


def wants_json(params: dict[str, Any]) -> bool:
    """JSON on standard output: a failure prints its JSON object there too (with -o, nothing is written)."""
    return params.get("format_") == "json" and params.get("output") is None


def output_format(output: str | None, format_: str | None, stem: str) -> str:
    """The format to write; a binary one is refused for a terminal (``stem`` names the file to suggest)."""
    from ..export.formats import format_of

    kind = format_ or (format_of(output) if output is not None else "dot")
    if kind in ("png", "pdf") and output is None and is_terminal():
        raise UsageError(
            f"a {kind.upper()} is binary and would garble the terminal", hint=f"write it to a file: -o {stem}.{kind}"
        )
    return kind
