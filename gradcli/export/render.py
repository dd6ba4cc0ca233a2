"""PNG and SVG through a Graphviz program: ``dot`` if installed, else ``graphviz-pure``.

``dot`` is Graphviz itself and is preferred wherever it is installed.
``graphviz-pure`` (a port of Graphviz in a wheel, ``pip install
graphviz-pure``, the ``render`` extra) lets a pip-only install render; it is looked for on the
PATH and beside the running Python, where a virtual environment that is not
activated keeps it. The program is run directly, with a time limit and its
standard error captured, never through pydot (whose ``create()`` prints a
failure to standard output and raises ``AssertionError``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import RendererMissing, RenderFailed

RENDERERS = ("dot", "graphviz-pure")
"""The programs that can render, in order of preference."""

TIMEOUT = 300.0
"""Seconds a render may take before it is given up."""

INSTALL_HINT = (
    "install Graphviz (apt install graphviz, brew install graphviz, winget install graphviz; "
    "see graphviz.org/download), or pip install graphviz-pure into gradcli's environment; "
    "or write DOT with -o FILE.dot and render it where Graphviz is: dot -Tpng FILE.dot -o FILE.png"
)


def search_path() -> str:
    """Where renderers are looked for: the PATH, then the folder of the running Python."""
    return os.pathsep.join([os.environ.get("PATH", os.defpath), str(Path(sys.executable).parent)])


def find_renderer() -> str | None:
    """The path of the first renderer found, or None."""
    where = search_path()
    for name in RENDERERS:
        found = shutil.which(name, path=where)
        if found is not None:
            return found
    return None


def render(
    dot_text: str, kind: str, *, attributes: dict[str, str] | None = None, timeout: float | None = None
) -> bytes:
    """The picture of a DOT text, ``kind`` being ``png`` or ``svg``, as bytes.

    ``attributes`` are graph attributes for this drawing only (``dpi``, ``size``).

    Raises ``RendererMissing`` when no renderer is installed and ``RenderFailed``
    when it fails or runs out of time; both exit with status 4.
    """
    timeout = TIMEOUT if timeout is None else timeout
    program = find_renderer()
    if program is None:
        raise RendererMissing(
            f"{kind.upper()} needs Graphviz to draw the graph, and neither 'dot' nor 'graphviz-pure' was found",
            hint=INSTALL_HINT,
        )
    command = [program, f"-T{kind}"] + [f"-G{name}={value}" for name, value in (attributes or {}).items()]
    name = Path(program).name
    try:
        done = subprocess.run(command, input=dot_text.encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderFailed(
            f"{name} did not finish drawing the graph within {timeout:g} seconds",
            hint="write DOT with -o FILE.dot and run dot on it yourself, or draw a smaller program",
        ) from None
    except OSError as error:
        raise RenderFailed(f"cannot run {program}: {error.strerror or error}", hint=INSTALL_HINT) from None
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = ": " + " / ".join(said[-3:]) if said else ""
        status = f"exit status {done.returncode}" if done.returncode >= 0 else f"signal {-done.returncode}"
        raise RenderFailed(
            f"{name} failed to draw the graph ({status}){detail}",
            hint="write DOT with -o FILE.dot to keep the graph, and render it with another Graphviz",
        )
    return done.stdout
