"""The README's transcripts are real: every ``$ gradcli ...`` line in a console block is run
and its output compared, so the documentation cannot drift from the tool.

Commands run in an empty folder with an empty PATH, so nothing is written into the
repository and no Graphviz is found (the README shows the no-renderer message).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _transcripts() -> list[tuple[int, list[tuple[str, list[str]]]]]:
    """Each console block as (line number, [(command, expected output lines)])."""
    blocks = []
    lines = README.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            start, steps = i + 1, []
            i += 1
            while lines[i].strip() != "```":
                if lines[i].startswith("$ "):
                    steps.append((lines[i][2:], []))
                elif steps:
                    steps[-1][1].append(lines[i])
                i += 1
            blocks.append((start, steps))
        i += 1
    return blocks


def _label(value: object) -> str:
    return f"README line {value}" if isinstance(value, int) else ""


@pytest.mark.parametrize(("line", "steps"), _transcripts(), ids=_label)
def test_readme_transcript(line: int, steps: list[tuple[str, list[str]]], tmp_path: Path) -> None:
    status = None
    (tmp_path / "bin").mkdir()
    for command, expected in steps:
        if command == "echo $?":
            assert [str(status)] == expected, f"README line {line}: exit status"
            continue
        argv = shlex.split(command)
        assert argv[0] == "gradcli", command
        done = subprocess.run(
            [sys.executable, "-m", "gradcli", *argv[1:]],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path), "PYTHONIOENCODING": "utf-8"},
            timeout=120,
        )
        status = done.returncode
        got = [text.rstrip() for text in (done.stdout + done.stderr).splitlines()]
        assert got == [text.rstrip() for text in expected], f"README line {line}: {command}"
        assert not list(tmp_path.glob("g.*")), "a failed render must write nothing"
