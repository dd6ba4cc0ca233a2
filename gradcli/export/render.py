"""PNG, SVG and PDF through a Graphviz program: ``dot`` if installed, else ``graphviz-pure``.

``dot`` is Graphviz itself and is preferred wherever it is installed.
``graphviz-pure`` (a port of Graphviz in a wheel, ``pip install
graphviz-pure``, the ``render`` extra) lets a pip-only install render; it is looked for on the
PATH and beside the running Python, where a virtual environment that is not
activated keeps it. The program is run directly, with a time limit and its
standard error captured, never through pydot (whose ``create()`` prints a
failure to standard output and raises ``AssertionError``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import RendererMissing, RenderFailed
from ..source import shorten, visible

RENDERERS = ("dot", "graphviz-pure")
"""The programs that can render, in order of preference."""

TIMEOUT = 120.0
"""Seconds a render may take before it is given up: a backstop, since ``dot.check_drawable``
refuses beforehand the graphs that would take Graphviz longer than about 20 seconds here."""

MEMORY = 4 * 1024**3
"""Bytes of address space the renderer may use (``RLIMIT_AS``): a backstop against a layout that
would take all the machine's memory (a 2,000-term sum of one variable went past 8 GiB)."""

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
    dot_text: str,
    kind: str,
    *,
    attributes: dict[str, str] | None = None,
    timeout: float | None = None,
    memory: int | None = None,
) -> bytes:
    """The picture of a DOT text, ``kind`` being ``png``, ``svg`` or ``pdf``, as bytes.

    ``attributes`` are graph attributes for this drawing only (``dpi``, ``size``).
    The renderer gets ``timeout`` seconds (default ``TIMEOUT``) and ``memory``
    bytes of address space (default ``MEMORY``), and dies with gradcli: it is
    killed when gradcli is interrupted or terminated, and on Linux also when
    gradcli itself is killed.

    Raises ``RendererMissing`` when no renderer is installed and ``RenderFailed``
    when it fails or runs out of time; both exit with status 4.
    """
    timeout = TIMEOUT if timeout is None else timeout
    memory = MEMORY if memory is None else memory
    program = find_renderer()
    if program is None:
        raise RendererMissing(
            f"{kind.upper()} needs Graphviz to draw the graph, and neither 'dot' nor 'graphviz-pure' was found",
            hint=INSTALL_HINT,
        )
    command = [program, f"-T{kind}"] + [f"-G{name}={value}" for name, value in (attributes or {}).items()]
    name = Path(program).name
    try:
        # subprocess.run kills the renderer on any exception on the way, ^C and
        # SIGTERM included (gradcli's main turns SIGTERM into an exception).
        done = subprocess.run(
            command,
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            preexec_fn=_child_setup(memory) if os.name == "posix" else None,
        )
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
        if done.returncode < 0 or "alloc" in detail or "memory" in detail:
            status += f"; it may have run out of the {memory / 1024**3:g} GiB of memory it is allowed"
        raise RenderFailed(
            f"{name} failed to draw the graph ({status}){visible(shorten(detail, 400))}",
            hint="write DOT with -o FILE.dot to keep the graph, and render it with another Graphviz",
        )
    return done.stdout


def _child_setup(memory: int) -> Callable[[], None]:
    """What the renderer's process does before it starts: cap its memory, and on Linux ask
    the kernel to kill it when gradcli dies, even by SIGKILL, which no handler can catch."""
    import resource

    prctl = _linux_prctl()
    parent = os.getpid()

    def setup() -> None:  # runs in the child, between fork and exec: no allocation-heavy work
        with contextlib.suppress(ValueError, OSError):  # a platform that does not allow it
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, _SIGKILL)
            if os.getppid() != parent:  # gradcli died before the request was made
                os._exit(1)

    return setup


_PR_SET_PDEATHSIG = 1
_SIGKILL = 9  # SIGKILL on Linux, the only system that uses it here


def _linux_prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux (loaded before the fork, never in the child), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
