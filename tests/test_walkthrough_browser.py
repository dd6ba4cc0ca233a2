"""The walkthrough page in a real browser: headless Chromium driven by Selenium.

Each page is opened from disk and stepped through with its own buttons and
keys; after every step the DOM (the lit nodes and edges, the numbers that are
visible by the computed style, the marked line of the trace) is compared with
the seed's walk derived by hand (``test_walkthrough.SEED_STEPS``) and with the
step model. The browser's console must stay free of errors, and the only
request the page makes is for its own file.

Chromium and its driver are Debian's ``chromium`` and ``chromium-driver``
(``.ci/run`` installs them); Selenium is given both paths, so Selenium
Manager never downloads anything. Without them these tests skip, except in
CI, where a missing browser is a failure. One browser serves the whole module.

``python tests/test_walkthrough_browser.py`` redraws the README's pictures:
``examples/walkthrough.png`` (this browser's screenshot of the seed's page at
the accumulation step) and ``examples/walkthrough.gif``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from test_walkthrough import SEED, SEED_STEPS, seed_numbers, walk_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _find(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name) or _debian(name))), None)


def _debian(name: str) -> str | None:
    path = Path("/usr/bin") / name
    return str(path) if path.exists() else None


CHROMIUM = _find("chromium", "chromium-browser")
CHROMEDRIVER = _find("chromedriver")
try:
    import selenium  # noqa: F401
except ImportError:
    HAVE_SELENIUM = False
else:
    HAVE_SELENIUM = True

_MISSING = [
    what
    for what, there in [
        ("chromium (apt install chromium)", CHROMIUM),
        ("chromedriver (apt install chromium-driver)", CHROMEDRIVER),
        ("selenium (pip install -e '.[test]')", HAVE_SELENIUM),
        ("Graphviz's dot (apt install graphviz)", shutil.which("dot")),
    ]
    if not there
]
if _MISSING and os.environ.get("CI"):
    raise RuntimeError(f"CI must run the browser tests, but these are missing: {', '.join(_MISSING)}")
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=f"no browser to test in: missing {', '.join(_MISSING)}")

STATE = """
const all = (selector) => Array.from(document.querySelectorAll(selector));
return {
  status: document.getElementById("status").textContent,
  hash: location.hash,
  phase: document.body.dataset.phase,
  lit: all("#graph .gc-node.cur").map((e) => e.id),
  edges: all("#graph .gc-edge.cur").map((e) => e.id),
  shown: all("#graph text.gc-value, #graph text.gc-grad")
    .filter((t) => getComputedStyle(t).visibility === "visible")
    .map((t) => [t.closest(".gc-node").id, t.textContent]),
  marked: all("#steps li.cur").map((e) => e.id),
  now: document.querySelector("#now .step").textContent,
  disabled: all(".controls button:disabled").map((e) => e.id),
};
"""


def start_browser() -> Any:
    """Headless Chromium, from the given paths only (Selenium Manager is never asked for a driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    def refuse(*args: object) -> None:
        raise AssertionError("Selenium Manager must not run: it would download a driver")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SeleniumManager, "binary_paths", refuse)
        driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    made = {
        "seed": SEED,
        "tree": (*SEED, "--tree"),
        "neuron": ("sigmoid(w*x)", "--x", "2", "--w", "0.5"),
        "mlp": ("-f", str(EXAMPLES / "mlp.grad"), "--values", str(EXAMPLES / "mlp.json")),
        "nan": ("h = w*x + b; y = log(h); loss = (y - t)^2", "--w", "0.5", "--x", "-2", "--b", "0.5", "--t", "1"),
    }
    for name, args in made.items():
        code, _, stderr = run_cli("trace", *args, "-o", str(folder / f"{name}.html"))
        assert code == (3 if name == "nan" else 0), stderr
    return {name: folder / f"{name}.html" for name in made}


@pytest.fixture(autouse=True)
def no_console_errors(browser) -> Iterator[None]:
    """After each test the browser's console must hold nothing: no error, no CSP report, no warning."""
    browser.get_log("browser")
    yield
    assert browser.get_log("browser") == []


def open_page(browser, page: Path, step: int | None = None) -> dict:
    # A new document each time: a change of the hash alone would not reload the page.
    browser.get("about:blank")
    browser.get(page.as_uri() + (f"#step={step}" if step else ""))
    return browser.execute_script(STATE)


def click(browser, button: str) -> dict:
    browser.find_element("id", button).click()
    return browser.execute_script(STATE)


def press(browser, key: str) -> dict:
    from selenium.webdriver.common.keys import Keys

    browser.find_element("tag name", "body").send_keys(getattr(Keys, key))
    return browser.execute_script(STATE)


def expected(walk, number: int) -> dict:
    """What the page must show at a step, from the step model."""
    state = walk.state(number)
    lines = dict(_lines(walk))
    shown = {(f"n{n}", lines[(n, "value")]) for n in state.values if (n, "value") in lines}
    shown |= {(f"n{n}", lines[(n, "grad")]) for n in state.grads if (n, "grad") in lines}
    return {
        "status": f"Step {number} of {len(walk)}",
        "hash": f"#step={number}",
        "phase": state.phase,
        "lit": sorted(f"n{n}" for n in state.lit),
        "edges": sorted(f"e{a}_{b}" for a, b in state.edges),
        "shown": shown,
        "marked": [f"s{number}"],
    }


def _lines(walk) -> list[tuple[tuple[int, str], str]]:
    from gradcli.walkthrough.picture import looks_of

    lines = []
    for node, look in enumerate(looks_of(walk)):
        lines += [((node, "value"), look.value)] if look.value else []
        lines += [((node, "grad"), look.grad)] if look.grad else []
    return lines


def seen(state: dict) -> dict:
    """The page's state in the form of ``expected``."""
    return {
        "status": state["status"],
        "hash": state["hash"],
        "phase": state["phase"],
        "lit": sorted(state["lit"]),
        "edges": sorted(state["edges"]),
        "shown": {tuple(pair) for pair in state["shown"]},
        "marked": state["marked"],
    }


# ---- stepping through the seed ---------------------------------------------------------------------


def test_every_step_of_the_seed_shows_what_the_model_says(browser, pages) -> None:
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4})
    state = open_page(browser, pages["seed"])
    for number, (phase, lit, edges, _) in enumerate(SEED_STEPS, 1):
        if number > 1:
            state = click(browser, "next")
        page = seen(state)
        assert page == expected(walk, number), number
        # And by hand: the seed's own walk, with the numbers as the picture writes them.
        assert page["phase"] == phase
        assert page["lit"] == sorted(f"n{n}" for n in lit)
        assert page["edges"] == sorted(f"e{a}_{b}" for a, b in edges)
        assert page["shown"] == {(f"n{n}", line) for n, line in seed_numbers(number)}
        assert state["now"].startswith(walk.steps[number - 1].text)
    assert click(browser, "back")["now"].startswith(walk.steps[8].text)  # ... = 3 + 3 + 4 = 10
    last = click(browser, "last")
    assert last["status"] == "Step 10 of 10" and sorted(last["disabled"]) == ["last", "next"]
    first = click(browser, "first")
    assert first["status"] == "Step 1 of 10" and sorted(first["disabled"]) == ["back", "first"]
    assert first["shown"] == [["n0", "value 3"]]  # everything else is hidden, and nothing has moved


def test_keys_links_and_the_address_follow_the_step(browser, pages) -> None:
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4})
    state = open_page(browser, pages["seed"], step=8)
    assert seen(state) == expected(walk, 8)
    assert seen(press(browser, "ARROW_RIGHT")) == expected(walk, 9)
    assert browser.current_url.endswith("#step=9")  # a teacher can copy the address of this step
    assert seen(press(browser, "END")) == expected(walk, 10)
    assert seen(press(browser, "HOME")) == expected(walk, 1)
    assert seen(press(browser, "ARROW_LEFT")) == expected(walk, 1)  # no step before the first
    browser.execute_script("location.hash = '#step=4'")
    assert seen(browser.execute_script(STATE)) == expected(walk, 4)
    browser.find_element("css selector", 'a[href="#step=6"]').click()  # a line of the trace is a link
    assert seen(browser.execute_script(STATE)) == expected(walk, 6)
    assert seen(open_page(browser, pages["seed"], step=99)) == expected(walk, 10)


def test_the_tree_page_sums_three_occurrences(browser, pages) -> None:
    walk = walk_of("x*x + x*y", {"x": 3, "y": 4}, tree=True)
    state = open_page(browser, pages["tree"], step=14)
    assert seen(state) == expected(walk, 14)
    assert state["now"].startswith("∂f/∂x = ∂f/∂x₁ + ∂f/∂x₂ + ∂f/∂x₃ = 3 + 3 + 4 = 10")
    assert sorted(state["lit"]) == ["n0", "n1", "n3"]  # the three leaves x₁ x₂ x₃
    grads = sorted(line for node, line in state["shown"] if node in ("n0", "n1", "n3") and line.startswith("grad"))
    assert grads == ["grad 3", "grad 3", "grad 4"]
    state = press(browser, "HOME")
    for number in range(1, len(walk) + 1):
        assert seen(state) == expected(walk, number)
        state = press(browser, "ARROW_RIGHT")


def test_the_neuron_page_steps_through_the_seeds_numbers(browser, pages) -> None:
    walk = walk_of("sigmoid(w*x)", {"x": 2, "w": 0.5})
    state = open_page(browser, pages["neuron"])
    texts = []
    for number in range(1, len(walk) + 1):
        assert seen(state) == expected(walk, number)
        texts.append(state["now"])
        state = press(browser, "ARROW_RIGHT")
    joined = " ".join(texts)
    for number in ("0.7311", "0.1966", "0.3932", "0.09831"):  # the seed's σ(1), σ'(1), ∂f/∂w, ∂f/∂x
        assert number in joined


def test_the_trace_pane_starts_at_the_heading_of_the_steps_pass(browser, tmp_path) -> None:
    """Opened at step 9 on a laptop-sized window, the trace pane shows its pass from the heading, no line cut."""
    page = tmp_path / "seed.html"
    code, _, err = run_cli("trace", "-f", str(EXAMPLES / "seed.grad"), "--x", "3", "--y", "4", "-o", str(page))
    assert code == 0, err
    where = """const pane = document.getElementById("steps").getBoundingClientRect();
        const box = (e) => e.getBoundingClientRect();
        const headings = Array.from(document.querySelectorAll("#steps h2"));
        const heading = headings.find((h) => h.textContent.startsWith(arguments[0]));
        const step = box(document.querySelector("#steps li.cur"));
        const before = heading.previousElementSibling;
        return [box(heading).top - pane.top, before ? box(before).bottom - pane.top : null,
                step.top >= pane.top && step.bottom <= pane.bottom, document.getElementById("steps").scrollTop];"""
    browser.set_window_size(1200, 820)
    try:
        open_page(browser, page, step=9)
        heading, before, shown, scrolled = browser.execute_script(where, "Backward pass")
        # The heading just below the pane's top edge (its margin above it), the forward pass scrolled out whole.
        assert 0 < heading < 20 and before <= 0 and shown and scrolled > 0
        press(browser, "HOME")  # the forward pass: the pane starts at the program again
        heading, before, shown, scrolled = browser.execute_script(where, "Program")
        assert (before, shown, scrolled) == (None, True, 0)
    finally:
        browser.set_window_size(1280, 800)


@pytest.mark.parametrize(("rankdir", "side"), [("BT", "height"), ("LR", "width")])
def test_a_big_picture_keeps_its_numbers_readable(browser, pages, rankdir: str, side: str) -> None:
    """The neuron in scalar granularity is 7 rows (8 columns with LR): fitted to its pane, 10 pt numbers were 10 px."""
    page = pages["neuron"].with_name(f"scalar-{rankdir}.html")
    args = ("sigmoid(w*x)", "--x", "2", "--w", "0.5", "--granularity", "scalar", "--rankdir", rankdir, "-o", str(page))
    assert run_cli("trace", *args).code == 0
    open_page(browser, page, step=3)  # v2 = w · x, far from the output
    number, picture, pane, lit = browser.execute_script(
        """const side = arguments[0], start = side === "height" ? "top" : "left";
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        const pane = document.getElementById("graph");
        const client = side === "height" ? pane.clientHeight : pane.clientWidth;
        return [box("#graph text.gc-value").height, box("#graph svg")[side], client,
                box("#graph .gc-node.cur")[start] - box("#graph")[start]];""",
        side,
    )
    assert picture > pane  # bigger than its pane: it scrolls rather than shrink below Graphviz's own size
    assert number >= 10 * 4 / 3  # a 10 pt line at least 10 pt (13.3 px) high
    assert 0 <= lit < pane  # the step's node is scrolled into view


def test_a_network_page_steps_from_first_to_last(browser, pages) -> None:
    walk = walk_of((EXAMPLES / "mlp.grad").read_text(), json.loads((EXAMPLES / "mlp.json").read_text()))
    assert seen(open_page(browser, pages["mlp"])) == expected(walk, 1)
    assert seen(click(browser, "last")) == expected(walk, len(walk))
    assert seen(press(browser, "ARROW_LEFT")) == expected(walk, len(walk) - 1)


def test_a_nan_shows_at_its_step_in_red(browser, pages) -> None:
    # Forward steps: w, x, b, t, w·x, h = -0.5, then y = log(h) = nan at step 7.
    before = open_page(browser, pages["nan"], step=6)
    assert not [line for _, line in before["shown"] if "nan" in line]
    at = open_page(browser, pages["nan"], step=7)
    assert ["n5", "value nan"] in at["shown"]
    assert "error: log(h) at line 1, column 18: log of -0.5 is undefined (NaN)" in at["now"]
    red = browser.execute_script(
        "return [getComputedStyle(document.querySelector('#n5 text.gc-value')).fill,"
        " getComputedStyle(document.querySelector('#s7 .math')).color]"
    )
    assert red == ["rgb(185, 28, 28)", "rgb(185, 28, 28)"]  # #b91c1c


def test_readable_without_javascript_and_when_printed(browser, pages) -> None:
    every_number = {(f"n{n}", line) for n, line in seed_numbers(len(SEED_STEPS))}
    visible_numbers = """return Array.from(document.querySelectorAll('#graph text.gc-value, #graph text.gc-grad'))
        .filter((t) => getComputedStyle(t).visibility === 'visible')
        .map((t) => [t.closest('.gc-node').id, t.textContent]);"""
    shown = "return Array.from(document.querySelectorAll(arguments[0])).filter((e) => e.offsetParent !== null).length"
    # Printed, at step 3: the finished picture and every step, no buttons.
    open_page(browser, pages["seed"], step=3)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert {tuple(pair) for pair in browser.execute_script(visible_numbers)} == every_number
        assert browser.execute_script(shown, ".controls button") == 0
        assert browser.execute_script(shown, "#steps li") == len(SEED_STEPS)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    # Without JavaScript (the script cannot run, so it cannot ask for it either): the same.
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get("about:blank")
        browser.get(pages["seed"].as_uri())
        root = browser.execute_cdp_cmd("Runtime.evaluate", {"expression": "document.documentElement.className"})
        assert root["result"]["value"] == "nojs"
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    # Scripts run again, but the page was laid out without them: read it as it stands.
    assert {tuple(pair) for pair in browser.execute_script(visible_numbers)} == every_number
    assert browser.execute_script(shown, ".controls button") == 0
    assert browser.execute_script(shown, "#steps li") == len(SEED_STEPS)


# ---- offline: nothing is fetched, and the policy forbids it -------------------------------------------


def test_the_page_requests_nothing_but_itself(browser, pages) -> None:
    browser.get_log("performance")
    open_page(browser, pages["seed"])
    press(browser, "END")
    events = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    requested = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert requested == [pages["seed"].as_uri()]


def test_the_policy_blocks_a_fetch(browser, pages) -> None:
    open_page(browser, pages["seed"])
    # A fetch to this machine's loopback: the page's policy must refuse it before anything is sent.
    outcome = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        let violated = null;
        document.addEventListener("securitypolicyviolation", (e) => { violated = e.effectiveDirective; });
        fetch("http://127.0.0.1:9/").then(() => done("fetched"), () => setTimeout(() => done(violated), 50));
        """
    )
    assert outcome == "connect-src"
    logged = browser.get_log("browser")  # the refusal is reported on the console, as it should be
    assert logged and all("Content Security Policy" in entry["message"] for entry in logged)


# ---- the README's pictures --------------------------------------------------------------------------


def redraw() -> None:
    """Draw examples/walkthrough.png (a screenshot at the seed's accumulation step) and examples/walkthrough.gif."""
    folder = EXAMPLES
    page = folder / "walkthrough.html"
    for target, extension in ((page, ".html"), (folder / "walkthrough.gif", ".gif")):
        code, _, stderr = run_cli("trace", "-f", str(EXAMPLES / "seed.grad"), "--x", "3", "--y", "4", "-o", str(target))
        print(f"{target.relative_to(ROOT)} ({extension}): exit status {code} {stderr}".rstrip(), file=sys.stderr)
    driver = start_browser()
    try:
        driver.set_window_size(1200, 820)
        driver.get(page.as_uri() + "#step=9")
        driver.save_screenshot(str(folder / "walkthrough.png"))
    finally:
        driver.quit()
        page.unlink()


if __name__ == "__main__":
    redraw()
