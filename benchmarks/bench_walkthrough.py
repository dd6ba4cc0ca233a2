"""The walkthrough's cost: ``gradcli trace -o walk.html`` and ``-o walk.gif`` against ``gradcli graph``.

    python benchmarks/bench_walkthrough.py            # 3 interleaved runs of each command (~3 min)
    python benchmarks/bench_walkthrough.py --quick    # 1 run, and no 2,000-node page

The baseline of a page is ``gradcli graph -o g.svg`` of the same program (the same
parse, evaluation and Graphviz layout, without the steps); the baseline of a GIF
is ``gradcli graph -o g.png`` (one picture: a GIF draws one per step). Each
command is a whole process, run round-robin with its baseline; the table shows
the medians of wall time and of CPU time including Graphviz's (the children's),
the ratio of CPU times, and the size of the file written. With Selenium and
Debian's Chromium installed, it also times opening each page in headless
Chromium until the script has shown step 1, and stepping to the last step.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def neuron(n: int) -> tuple[str, dict[str, float]]:
    """``sigmoid(w0*x0 + ... )``: 4n nodes, 2n variables; the sum in balanced parentheses, so that Graphviz
    lays it out as a tree (a left-to-right sum of 500 terms has edges across hundreds of levels)."""
    terms = [f"w{k}*x{k}" for k in range(n)]
    while len(terms) > 1:
        terms = [f"({' + '.join(terms[k : k + 2])})" for k in range(0, len(terms), 2)]
    program = f"sigmoid{terms[0]}"
    values = {f"{p}{k}": round(0.1 * ((k % 7) - 3), 1) for k in range(n) for p in "wx"}
    return program, values


def run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (this child and the Graphviz it starts) of one gradcli process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gradcli", *argv], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"gradcli {' '.join(argv[:3])} ... failed: {done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each, and no 2,000-node page")
    options = parser.parse_args()
    runs = 1 if options.quick else 3
    folder = Path(tempfile.mkdtemp(prefix="bench-walkthrough-"))
    programs = {
        "seed x*x + x*y": (["x*x + x*y"], {"x": 3, "y": 4}),
        "examples/mlp.grad (30 nodes)": (
            ["-f", str(ROOT / "examples/mlp.grad")],
            json.loads((ROOT / "examples/mlp.json").read_text()),
        ),
        "neuron 250 (1,000 nodes)": None,
        "neuron 500 (2,000 nodes)": None,
    }
    if options.quick:
        del programs["neuron 500 (2,000 nodes)"]
    cases = []
    for k, (label, given) in enumerate(programs.items()):
        if given is None:
            text, values = neuron(int(label.split()[1]))
            source = folder / f"p{k}.grad"
            source.write_text(text)
            given = (["-f", str(source)], values)
        head, values = given
        (folder / f"v{k}.json").write_text(json.dumps(values))
        args = [*head, "--values", str(folder / f"v{k}.json")]
        for kind, picture, small in (("html", "svg", True), ("gif", "png", k < 2)):
            if small:  # a GIF is made for small programs only
                walk = ["trace", *args, "-o", str(folder / f"w{k}.{kind}")]
                cases.append((label, kind, walk, ["graph", *args, "-o", str(folder / f"g{k}.{picture}")]))
    times: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for _ in range(runs):
        for index, (_, _, measured, baseline) in enumerate(cases):
            times.setdefault((index, "baseline"), []).append(run(baseline))
            times.setdefault((index, "measured"), []).append(run(measured))
    print(f"{'program':30} {'file':5} {'wall':>8} {'cpu':>8} {'baseline cpu':>13} {'× baseline':>11} {'size':>10}")
    for index, (label, kind, measured, _) in enumerate(cases):
        wall = statistics.median(t[0] for t in times[(index, "measured")])
        cpu = statistics.median(t[1] for t in times[(index, "measured")])
        base = statistics.median(t[1] for t in times[(index, "baseline")])
        size = Path(measured[-1]).stat().st_size
        print(f"{label:30} {kind:5} {wall:7.2f}s {cpu:7.2f}s {base:12.2f}s {cpu / base:10.1f}x {size / 1024:8.0f} KB")
    browse([Path(c[2][-1]) for c in cases if c[1] == "html"])
    shutil.rmtree(folder)
    return 0


def browse(pages: list[Path]) -> None:
    """Open each page in headless Chromium: seconds until step 1 shows, and to go to the last step."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        chromium = None
    if not (chromium and driver_path):
        print("\n(no Selenium, chromium or chromedriver: the pages were not opened in a browser)")
        return
    options = Options()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    print(f"\n{'page':40} {'open':>8} {'to the last step':>17}")
    try:
        for page in pages:
            driver.get("about:blank")
            start = time.perf_counter()
            driver.get(page.as_uri())
            opened = time.perf_counter() - start
            start = time.perf_counter()
            driver.find_element("id", "last").click()
            driver.execute_script("return document.getElementById('status').textContent")
            last = time.perf_counter() - start
            print(f"{page.name + f' ({page.stat().st_size / 1024:.0f} KB)':40} {opened:7.2f}s {last:16.2f}s")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
