"""Start-up latency of ``gradcli eval``, as ratios to bare Python measured in the same run.

    python benchmarks/bench_startup.py            # 25 interleaved runs of each command
    python benchmarks/bench_startup.py --quick    # 5 runs: a smoke test

Every command is a whole process, timed from spawn to exit. The commands and
their baselines run round-robin (one of each per round), so a noisy neighbour
on a shared machine slows them all alike; the table shows medians with the
interquartile range, and ratios of medians to the baselines of the same group:

- interpreter: ``python -c pass``, ``python -c "import click, lark"`` against
  ``python -m gradcli eval ...``;
- console script: the same two baselines as executable scripts with the
  interpreter's shebang, against the installed ``gradcli`` script (which
  also pays for reading its shim).

The parser tables are cached on disk after the first run. "Warm" runs use a
private, primed cache (the normal case); "cold" runs each get an empty one and
are reported separately. The interpreter is this one (``sys.executable``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROGRAM = ["eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5"]
EXPECTED_VALUE = 0.7310585786300049
BASELINES = (("noop", "pass"), ("libs", "import click, lark"))
TARGET = 1.3  # --json latency within 1.3x of `python -c "import click, lark"` (issue #2)


@dataclass
class Case:
    """One command to time; ``group`` names the baselines its ratios use."""

    label: str
    argv: list[str]
    group: str  # "interpreter" or "script"
    terminal: bool = False  # stdout on a pseudo-terminal (rich tables) instead of a pipe
    cold: bool = False  # an empty parser-table cache for every run
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def main() -> int:
    options = _arguments()
    runs = 5 if options.quick else options.runs
    cold_runs = 3 if options.quick else max(5, runs // 3)
    python = sys.executable
    script = shutil.which("gradcli", path=str(Path(python).parent))
    with tempfile.TemporaryDirectory(prefix="gradcli-bench-") as scratch:
        work = Path(scratch)
        env, notes = _environment(work, as_is=options.as_is)
        interpreter = [
            Case("python -c pass", [python, "-c", "pass"], "interpreter"),
            Case('python -c "import click, lark"', [python, "-c", "import click, lark"], "interpreter"),
            Case("python -m gradcli eval ... --json", [python, "-m", "gradcli", *PROGRAM, "--json"], "interpreter"),
            Case("python -m gradcli eval ...  (piped)", [python, "-m", "gradcli", *PROGRAM], "interpreter"),
        ]
        scripts: list[Case] = []
        if script is None:
            notes.append(f"no gradcli console script next to {python}: only `python -m gradcli` is measured")
        else:
            noop, libs = (_shebang_script(work, name, code, python) for name, code in BASELINES)
            scripts = [
                Case("script: pass", [noop], "script"),
                Case("script: import click, lark", [libs], "script"),
                Case("gradcli eval ... --json", [script, *PROGRAM, "--json"], "script"),
                Case("gradcli eval ...  (piped)", [script, *PROGRAM], "script"),
                Case("gradcli eval ...  (on a terminal)", [script, *PROGRAM], "script", terminal=True),
            ]
        warm = interpreter + scripts
        json_case = scripts[2] if scripts else interpreter[2]
        cold = [
            Case(f"{json_case.label}  (cold cache)", json_case.argv, json_case.group, cold=True),
            Case(json_case.label, json_case.argv, json_case.group),
            Case((scripts or interpreter)[1].label, (scripts or interpreter)[1].argv, json_case.group),
        ]
        _check(json_case, env)
        for case in warm:  # compile bytecode, prime the parser-table cache, settle the file cache
            _run(case, env, work)
            _run(case, env, work)
        print(f"gradcli start-up: {runs} interleaved runs of each command; Python {sys.version.split()[0]}, {python}")
        for note in notes:
            print(f"note: {note}")
        _measure(warm, runs, env, work)
        _measure(cold, cold_runs, env, work)
    print()
    _table(interpreter, "interpreter (python -c / python -m)")
    if scripts:
        _table(scripts, "console script (shebang scripts / the installed gradcli)")
    print()
    _cold_table(cold)
    print()
    base = (scripts or interpreter)[1]
    ratio = statistics.median(json_case.wall) / statistics.median(base.wall)
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target: `{json_case.label}` within {TARGET}x of `{base.label}`: {ratio:.2f}x, {verdict}")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs of each command: a smoke test")
    parser.add_argument("--runs", type=int, default=25, help="runs of each warm command (default 25)")
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE if set (then gradcli's own modules may be compiled on every run)",
    )
    return parser.parse_args()


def _environment(work: Path, *, as_is: bool) -> tuple[dict[str, str], list[str]]:
    """The children's environment: a private parser-table cache, and bytecode caching on."""
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(work / "cache")
    notes = []
    if env.get("PYTHONDONTWRITEBYTECODE") and not as_is:
        # Without cached bytecode every run would compile gradcli's modules (an
        # editable install has no .pyc until a run writes one): not what an
        # installed gradcli does. Keep the .pyc files in a private folder instead.
        del env["PYTHONDONTWRITEBYTECODE"]
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        notes.append("PYTHONDONTWRITEBYTECODE is set here: bytecode is cached in a private folder (--as-is: don't)")
    return env, notes


def _shebang_script(work: Path, name: str, code: str, python: str) -> str:
    path = work / name
    path.write_text(f"#!{python}\nimport sys\n{code}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def _check(case: Case, env: dict[str, str]) -> None:
    """Run the measured command once and check its answer, so the timings are of a working command."""
    done = subprocess.run(case.argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or json.loads(done.stdout)["value"] != EXPECTED_VALUE:
        sys.exit(f"bench_startup: {' '.join(case.argv)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def _measure(cases: list[Case], runs: int, env: dict[str, str], work: Path) -> None:
    for _ in range(runs):
        for case in cases:
            wall, cpu = _run(case, env, work)
            case.wall.append(wall)
            case.cpu.append(cpu)


def _run(case: Case, env: dict[str, str], work: Path) -> tuple[float, float]:
    """Run one command to its end; returns (wall seconds, CPU seconds of the child)."""
    if case.cold:
        env = {**env, "XDG_CACHE_HOME": tempfile.mkdtemp(dir=work)}
    terminal = os.openpty() if case.terminal else None
    stdout = terminal[1] if terminal else subprocess.DEVNULL
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(case.argv, env=env, stdout=stdout, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if terminal:
        os.close(terminal[1])
        _drain(terminal[0])
    if done.returncode != 0:
        sys.exit(f"bench_startup: {' '.join(case.argv)} exited {done.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except OSError:  # EIO: the terminal's other end is closed
        pass
    os.close(fd)


def _ms(values: list[float]) -> str:
    q1, q2, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else (values[0],) * 3
    return f"{1e3 * q2:7.1f} [{1e3 * q1:5.1f}–{1e3 * q3:5.1f}]"


def _table(cases: list[Case], title: str) -> None:
    noop, imports = (statistics.median(c.wall) for c in cases[:2])
    imports_cpu = statistics.median(cases[1].cpu)
    width = max(len(c.label) for c in cases)
    print(title)
    header = f"  {'command':<{width}}  {'wall ms [IQR]':>21}  {'cpu ms':>6}  {'× pass':>6}  {'× click,lark':>12}"
    print(header + f"  {'(cpu)':>6}")
    for c in cases:
        wall, cpu = statistics.median(c.wall), statistics.median(c.cpu)
        print(
            f"  {c.label:<{width}}  {_ms(c.wall):>21}  {1e3 * cpu:6.1f}  {wall / noop:6.2f}  {wall / imports:12.2f}"
            f"  {cpu / imports_cpu:6.2f}"
        )


def _cold_table(cases: list[Case]) -> None:
    cold, warm, base = cases
    width = max(len(c.label) for c in cases)
    print(f"first run (no parser-table cache), {len(cold.wall)} runs each, interleaved")
    for c in cases:
        ratio = statistics.median(c.wall) / statistics.median(base.wall)
        print(f"  {c.label:<{width}}  {_ms(c.wall):>21}  {ratio:6.2f}x")
    extra = statistics.median(cold.wall) - statistics.median(warm.wall)
    print(f"  building the parser tables costs the first run {1e3 * extra:.0f} ms more")


if __name__ == "__main__":
    sys.exit(main())
