"""Issue 7, input and output: hostile bytes, sizes, pipes, signals, big renders, the API's values.

Each test names the item it covers. Items about processes (broken pipes, a
full disk, FIFOs, signals) run gradcli as a real process; the rest go through
click's CliRunner (the ``run`` fixture, which also fails on any traceback or
internal error).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

import numpy
import pytest
from graph_support import needs_dot, parse_svg, svg_tooltips

import gradcli
from gradcli import textinput
from gradcli.export.dot import MAX_LAYOUT, layout_size, to_dot
from gradcli.export.look import describe

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX pipes, signals and devices")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")


def gradcli_process(*args: str | bytes, **kwargs: object) -> subprocess.CompletedProcess:
    """``python -m gradcli ARGS`` as a real process (bytes, not text: some tests send invalid UTF-8)."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 120)
    return subprocess.run([sys.executable, "-m", "gradcli", *args], **kwargs)  # type: ignore[call-overload]


def no_traceback(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in text and "internal error" not in text, text
    return text


# ---- item 3: a --values file nested 100,000 deep -----------------------------------------------------


def test_3_a_deeply_nested_values_file_is_a_usage_error(tmp_path, run) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"x": ' + "[" * 100_000 + "1" + "]" * 100_000 + "}", encoding="utf-8")
    code, stdout, stderr = run("eval", "x", "--values", str(path))
    assert (code, stdout) == (2, "")
    assert f"the values file {path} nests lists or objects too deeply" in stderr


def test_3_a_nested_value_is_named_without_being_printed(tmp_path, run) -> None:
    path = tmp_path / "list.json"
    path.write_text('{"x": ' + "[" * 500 + "]" * 500 + "}", encoding="utf-8")
    code, _, stderr = run("eval", "x", "--values", str(path))
    assert code == 2
    assert "x nests lists three deep; gradcli handles vectors and matrices" in stderr and len(stderr) < 500


# ---- item 4: invalid UTF-8, from the command line, standard input and files ------------------------

BAD_COMMENT = b"x # \xff"  # the bad byte at offset 4: line 1, column 5


@posix_only
@pytest.mark.parametrize("command", ["eval", "graph", "trace"])
def test_4_invalid_utf8_in_argv_is_refused_with_its_offset(command: str) -> None:
    done = gradcli_process(command, BAD_COMMENT, "--x", "1")
    assert done.returncode == 2
    assert done.stdout == b""
    message = no_traceback(done.stderr)
    assert "the program is not UTF-8 text: byte 0xFF at byte offset 4 (line 1, column 5)" in message


@posix_only
def test_4_eval_json_never_prints_raw_bytes() -> None:
    done = gradcli_process("eval", BAD_COMMENT, "--x", "1", "--json")
    assert done.returncode == 2
    data = json.loads(done.stdout.decode("utf-8"))  # strict UTF-8: raw bytes would fail here
    assert "byte offset 4" in data["diagnostics"][0]["message"]


def test_4_invalid_utf8_on_standard_input(run) -> None:
    code, stdout, stderr = run("eval", "-", "--x", "1", input=b"x +\n1 # \xc3(")
    assert (code, stdout) == (2, "")
    assert "standard input is not UTF-8 text: byte 0xC3 at byte offset 8 (line 2, column 5)" in stderr


def test_4_invalid_utf8_in_a_program_file(tmp_path, run) -> None:
    path = tmp_path / "p.grad"
    path.write_bytes(b"# \xce\xb8 is fine\nx # \xff")
    code, _, stderr = run("eval", "-f", str(path), "--x", "1")
    assert code == 2
    assert f"the program file {path} is not UTF-8 text: byte 0xFF at byte offset 17 (line 2, column 5)" in stderr


def test_4_invalid_utf8_in_a_values_file(tmp_path, run) -> None:
    path = tmp_path / "v.json"
    path.write_bytes(b'{"x": 1, "\xff": 2}')
    code, _, stderr = run("eval", "x", "--values", str(path))
    assert code == 2
    assert f"the values file {path} is not UTF-8 text: byte 0xFF at byte offset 10" in stderr


def test_4_invalid_utf8_in_a_value(run) -> None:
    code, _, stderr = run("eval", "x", "--x", "1\udcff")  # what Python makes of argv b"1\xff"
    assert code == 2
    assert "the value of x is not UTF-8 text: byte 0xFF at byte offset 1 (line 1, column 2)" in stderr


def test_4_the_api_refuses_what_the_command_line_refuses() -> None:
    from gradcli.export import export

    with pytest.raises(gradcli.GradcliError, match="byte 0xFF at byte offset 4"):
        gradcli.parse("x # \udcff")
    with pytest.raises(gradcli.GradcliError, match=r"a lone surrogate U\+D800"):
        gradcli.build("x + \ud800")
    # Before, the graph built and its JSON export raised UnicodeEncodeError.
    with pytest.raises(gradcli.GradcliError):
        export(gradcli.build("x # \udcff"), None, "json")


# ---- item 5: write errors and broken pipes on standard output -------------------------------------


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args", [("eval", "x*y", "--x", "1", "--y", "2"), ("trace", "x*y", "--x", "1", "--y", "2"), ("ops",)]
)
def test_5_a_full_disk_on_standard_output_is_an_io_error(args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        done = gradcli_process(*args, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert done.returncode == 74
    assert no_traceback(done.stderr).strip() == "error: cannot write to standard output: No space left on device"


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_5_a_full_disk_on_an_output_file_is_an_io_error(tmp_path) -> None:
    done = gradcli_process("graph", "x*y", "-o", "/dev/full", "--format", "dot")
    assert done.returncode == 74
    assert "cannot write /dev/full: No space left on device" in no_traceback(done.stderr)


@posix_only
@pytest.mark.parametrize("args", [("ops",), ("trace", "x*x + x*y", "--x", "3", "--y", "4"), ("eval", "x", "--x", "1")])
def test_5_a_broken_pipe_exits_quietly_with_141(args: tuple[str, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as `| head -c 10` does once it has its bytes
    try:
        done = gradcli_process(*args, stdout=write_end, stderr=subprocess.PIPE, capture_output=False)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, b"")


# ---- item 6: one input size limit; refusing fast; never echoing a huge token --------------------------


def test_6_the_limit_is_large_enough_for_a_million_term_program() -> None:
    program = " + ".join(f"w{i}*x{i}" for i in range(1_000_000))
    assert len(program.encode()) < textinput.MAX_INPUT_BYTES


@posix_only
def test_6_dev_zero_is_refused() -> None:
    done = gradcli_process("eval", "-f", "/dev/zero")
    assert done.returncode == 2
    assert "the program file /dev/zero is larger than 64 MiB, the most gradcli reads" in no_traceback(done.stderr)


@posix_only
@pytest.mark.parametrize("option", ["-f", "--values"])
def test_6_an_endless_fifo_is_refused(option: str, tmp_path) -> None:
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)

    def write_forever() -> None:
        chunk = b"x + " * 16384
        try:
            with open(fifo, "wb") as stream:
                while True:
                    stream.write(chunk)
        except OSError:
            pass  # gradcli stopped reading (a broken pipe): what this test wants

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    done = gradcli_process("eval", *(["x"] if option == "--values" else []), option, str(fifo))
    writer.join(timeout=60)
    assert done.returncode == 2
    assert f"{fifo} is larger than 64 MiB, the most gradcli reads" in no_traceback(done.stderr)
    assert not writer.is_alive()


def test_6_standard_input_and_values_files_have_the_same_limit(tmp_path, run, monkeypatch) -> None:
    monkeypatch.setattr(textinput, "MAX_INPUT_BYTES", 1000)
    code, _, stderr = run("eval", "-", input="x + " * 300)
    assert code == 2 and "standard input is larger than" in stderr
    path = tmp_path / "v.json"
    path.write_text(json.dumps({f"x{i}": i for i in range(200)}), encoding="utf-8")
    code, _, stderr = run("eval", "x0", "--values", str(path))
    assert code == 2 and f"the values file {path} is larger than" in stderr


def test_6_a_bad_character_stops_the_lexer_at_once() -> None:
    # The scanning lexer let finditer search past a character that no terminal
    # matches, for the next token: 13 s over 50 MB before the error. Now every
    # position matches something, the catch-all last (benchmarks/bench_refusal.py
    # measures the time).
    from gradcli.parser import _parser, _total

    terminals = _parser().parser.lexer.lexer.scanner._mres[0]
    assert _total(terminals).match("$" * 1000 + "x", 0).lastgroup == "__unmatched"
    assert _total(terminals).match("x$", 0).lastgroup == "NAME"


def test_6_a_long_run_of_bad_characters_is_refused_at_the_first(run) -> None:
    code, _, stderr = run("eval", "-", input="$" * 5_000_000)
    assert code == 2
    assert stderr.startswith("error: unexpected character '$' at line 1, column 1")
    assert len(stderr) < 600


@pytest.mark.parametrize(
    "program",
    ["x" * 10_000_000, "1" * 10_000_000 + " $", "a" * 10_000_000 + " = 1\n" + "a" * 10_000_000 + " = 2"],
    ids=["name without a value", "number", "assigned twice"],
)
def test_6_a_ten_million_character_token_is_not_echoed_whole(program: str, run) -> None:
    code, _, stderr = run("eval", "-", input=program)
    assert code == 2
    assert len(stderr) < 2000, stderr[:300]
    assert "…" in stderr


# ---- item 7: --traceback does not change a user's error ------------------------------------------------


@pytest.mark.parametrize(
    "args", [("eval", "x +", "--x", "1"), ("eval", "x", "--y", "1"), ("graph", "x", "-o", "g.docx")]
)
def test_7_traceback_does_not_turn_a_user_error_into_a_traceback(args: tuple[str, ...], run) -> None:
    plain = run(*args)
    traced = run(*args, "--traceback")
    assert traced == plain
    assert plain.code == 2 and plain.stderr.startswith("error: ")


@posix_only
def test_7_traceback_as_a_process() -> None:
    done = gradcli_process("eval", "x +", "--x", "1", "--traceback")
    assert done.returncode == 2
    assert no_traceback(done.stderr).splitlines()[1:] == ["  x +", "     ^"]


# ---- item 8: signals kill the renderer and remove the temporary file ----------------------------------


# A stand-in ``dot`` that records its process id (written whole, then renamed) and then hangs.
HANGING_DOT = """#!/bin/sh
echo $$ > "$GRADCLI_TEST_PIDFILE.tmp"
mv "$GRADCLI_TEST_PIDFILE.tmp" "$GRADCLI_TEST_PIDFILE"
exec sleep 120
"""


def fake_dot(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dot"
    path.write_text(HANGING_DOT, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def default_sigint() -> None:
    """In the child before exec: ^C as a terminal gives it, even where the test runner ignores SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(path: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path.read_text().strip()


def is_running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            return stat_file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def gone(pid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@linux_only
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_8_the_renderer_dies_with_gradcli(how: str, tmp_path) -> None:
    fake_dot(tmp_path / "bin")
    pidfile = tmp_path / "dot.pid"
    out = tmp_path / "out"
    out.mkdir()
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "GRADCLI_TEST_PIDFILE": str(pidfile),
    }
    command = [sys.executable, "-m", "gradcli", "graph", "x*y", "--x", "1", "--y", "2", "-o", str(out / "g.svg")]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    renderer = int(wait_for(pidfile))
    try:
        process.send_signal(getattr(signal, how))
        _, stderr = process.communicate(timeout=60)
        assert gone(renderer), f"the renderer ({renderer}) outlived gradcli after {how}"
    finally:
        if is_running(renderer):
            os.kill(renderer, signal.SIGKILL)
        process.kill()
    expected = {"SIGTERM": -signal.SIGTERM, "SIGINT": 130, "SIGKILL": -signal.SIGKILL}[how]
    assert process.returncode == expected
    no_traceback(stderr)
    assert list(out.iterdir()) == []


# Holds the atomic write just before its rename, with the temporary file written, until a signal comes.
_PAUSED_WRITE = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # ^C, even where the test runner ignores it
real_replace = os.replace
def paused_replace(source, target):
    open(os.environ["GRADCLI_TEST_MARK"], "w").close()
    time.sleep(120)
    real_replace(source, target)
os.replace = paused_replace
sys.argv = ["gradcli", *sys.argv[1:]]
from gradcli.cli import main
main()
"""


@posix_only
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_8_an_interrupted_write_leaves_no_part_file(how: str, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mark = tmp_path / "writing"
    env = {**os.environ, "GRADCLI_TEST_MARK": str(mark)}
    command = [sys.executable, "-c", _PAUSED_WRITE, "graph", "x*y", "-o", str(out / "g.dot")]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        wait_for(mark)
        assert [p.suffix for p in out.iterdir()] == [".part"]  # the write is under way
        process.send_signal(getattr(signal, how))
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    no_traceback(stderr)
    assert list(out.iterdir()) == []
    assert process.returncode == (130 if how == "SIGINT" else -getattr(signal, how))


# ---- item 9: graphs too big for Graphviz are refused before it runs ------------------------------------


def shared_sum(n: int) -> str:
    return "+".join(["x"] * n)


def test_9_layout_size_counts_the_ranks_long_edges_cross() -> None:
    # x+x+...+x (N terms): N nodes; x feeds the adds at ranks 1..N-1, crossing 0..N-2 ranks.
    n = 300
    assert layout_size(gradcli.build(shared_sum(n))) == n + (n - 2) * (n - 1) // 2
    # A sum of distinct variables: every leaf sits just below its add, no long edges.
    assert layout_size(gradcli.build("+".join(f"x{i}" for i in range(n)))) == 2 * n - 1


def test_9_a_long_sum_of_one_variable_is_refused_before_graphviz_runs(tmp_path, run, monkeypatch) -> None:
    from gradcli.export import render

    monkeypatch.setattr(render, "find_renderer", lambda: pytest.fail("Graphviz must not be run"))
    target = tmp_path / "s.svg"
    code, stdout, stderr = run("graph", shared_sum(2000), "--x", "1", "-o", str(target))
    assert (code, stdout) == (4, "")
    assert stderr.startswith("error: the graph is too big for Graphviz to draw")
    assert "hint: write it as DOT (-o FILE.dot) or JSON (-o FILE.json)" in stderr
    assert not target.exists()
    code, _, _ = run("graph", shared_sum(2000), "--x", "1", "-o", str(tmp_path / "s.json"))
    assert code == 0  # DOT and JSON have no limit


def test_9_the_limit_sits_between_the_measured_sizes() -> None:
    # Measured here (README, "Big graphs"): a 250-term sum of one variable draws in
    # about 2 s, a 500-term one takes 10-15 s and 400 MB, 1,000 terms minutes and GBs.
    assert layout_size(gradcli.build(shared_sum(250))) <= MAX_LAYOUT < layout_size(gradcli.build(shared_sum(500)))


def test_9_small_graphs_with_long_edges_get_the_bounded_layout() -> None:
    # 100 nodes only, but unbounded, dot's layout of it took minutes.
    graph = gradcli.build(shared_sum(100))
    assert "nslimit" in to_dot(graph, describe(graph)).splitlines()[1]
    seed = gradcli.build("x*x + x*y")
    assert "nslimit" not in to_dot(seed, describe(seed)).splitlines()[1]


@posix_only
def test_9_the_renderer_runs_under_a_memory_limit(tmp_path, monkeypatch) -> None:
    from gradcli.export import render

    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "dot"
    script.write_text("#!/bin/sh\necho limit $(ulimit -v) >&2\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(render, "search_path", lambda: str(folder))
    with pytest.raises(gradcli.GradcliError) as failed:
        render.render("digraph { a }", "svg", memory=256 * 1024**2)
    assert f"limit {256 * 1024}" in failed.value.message  # ulimit -v counts KiB


# ---- item 10: control characters never reach DOT, SVG or Mermaid raw ---------------------------------

CONTROLS = "(x # \x1b[31m red \x00 nul \x7f del \x9b csi\n + y)"


def test_10_dot_and_mermaid_hold_no_control_characters(run) -> None:
    for fmt in ("dot", "mermaid", "json"):
        code, stdout, _ = run("graph", "-", "--x", "1", "--y", "2", "--format", fmt, input=CONTROLS)
        assert code == 0
        assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in stdout), (fmt, stdout)
        if fmt == "json":
            assert json.loads(stdout)["expression"] == CONTROLS  # JSON escapes them: the text is kept exactly
        elif fmt == "dot":  # as visible escapes in the tooltip (their backslash doubled there)
            assert "x1b[31m red" in stdout and "x00 nul" in stdout and "x9b csi" in stdout


@needs_dot
def test_10_the_svg_is_well_formed_xml_with_visible_escapes(tmp_path, run) -> None:
    target = tmp_path / "g.svg"
    code, _, stderr = run("graph", "-", "--x", "1", "--y", "2", "-o", str(target), input=CONTROLS)
    assert (code, stderr) == (0, "")
    root = parse_svg(target.read_bytes())  # raises on XML that is not well-formed
    assert any("\\x1b[31m red \\x00 nul" in tip for tip in svg_tooltips(root))
    ElementTree.fromstring(target.read_bytes())


def test_10_error_messages_show_control_characters_as_escapes(run) -> None:
    code, _, stderr = run("eval", "-", input="x + \x1b[2J")
    assert code == 2
    assert "\x1b" not in stderr and "\\x1b" in stderr


# ---- item 11: the API's values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (10**400, "the value of w is too large for a double"),
        ("2", "the value of w must be a real number, got str '2'"),
        (None, "the value of w must be a real number, got NoneType None"),
        ([[1.0], [2.0, 3.0]], "row 2 of w has 2 numbers, row 1 has 1"),
        (["a"], "element 1 of w must be a number, got a string"),
        (True, "the value of w must be a real number, got bool True"),
        (complex(1, 2), "the value of w must be a real number, got complex"),
        (float("nan"), "the value of w must be a finite number"),
        (numpy.array([1.0, 2.0]), "the output is (2,), 2 numbers; a gradient needs one number"),
    ],
)
def test_11_bad_values_raise_a_gradcli_error_naming_the_variable(value: object, message: str) -> None:
    with pytest.raises(gradcli.GradcliError) as raised:
        gradcli.evaluate("w*x", {"w": value, "x": 2.0})
    assert message in raised.value.message
    assert raised.value.status == 2


@pytest.mark.parametrize("value", [3, 3.0, Fraction(3), numpy.float64(3), numpy.int64(3), numpy.float32(3)])
def test_11_every_real_number_is_accepted(value: object) -> None:
    result = gradcli.evaluate("w*x", {"w": value, "x": 2.0})
    assert (result.value, result.gradient) == (6.0, {"w": 2.0, "x": 3.0})


def test_11_keyword_values_are_checked_too() -> None:
    with pytest.raises(gradcli.GradcliError, match="the value of x must be a real number"):
        gradcli.evaluate("x^2", x="3")


# ---- item 21: hints never recommend an option as a variable ----------------------------------------------


def test_21_a_variable_named_like_an_option_is_given_with_v(run) -> None:
    code, _, stderr = run("eval", "json*2")
    assert code == 2
    assert "hint: give every variable a value, for example: -v json=VALUE" in stderr
    code, _, stderr = run("eval", "digits + x", "--digits", "3")
    assert "for example: -v digits=VALUE --x VALUE" in stderr


def test_21_the_extra_argument_error_says_how_to_give_the_value(run) -> None:
    code, stdout, stderr = run("eval", "json*2", "--json", "3")
    assert code == 2
    assert stderr.splitlines() == [
        "error: --json is an option of gradcli eval that takes no value, so '3' after it is an extra argument",
        "hint: to give a variable named json a value, write -v json=3",
    ]
    code, stdout, _ = run("eval", "json*2", "-v", "json=3")
    assert (code, stdout.split()) == (0, ["f", "6", "∂f/∂json", "2"])


def test_21_a_single_dash_name_that_is_an_option(run) -> None:
    code, _, stderr = run("eval", "json*2", "-json", "3")
    assert code == 2
    assert "(to give the variable json a value, write -v json=VALUE)" in stderr


# ---- item 23: a byte-order mark --------------------------------------------------------------------------


def test_23_a_utf8_byte_order_mark_is_accepted(tmp_path, run) -> None:
    program = tmp_path / "p.grad"
    program.write_bytes(b"\xef\xbb\xbfz = w*x\nz^2")
    values = tmp_path / "v.json"
    values.write_bytes(b'\xef\xbb\xbf{"w": 3}')
    code, stdout, stderr = run("eval", "-f", str(program), "--values", str(values), "--x", "2", "--json")
    assert (code, stderr) == (0, "")
    assert json.loads(stdout)["gradient"] == {"w": 24.0, "x": 36.0}
    code, stdout, _ = run("eval", "-", "--x", "3", input=b"\xef\xbb\xbfx^2")
    assert (code, stdout.split()) == (0, ["f", "9", "∂f/∂x", "6"])


# ---- item 24: bare gradcli ------------------------------------------------------------------------------


def test_24_bare_gradcli_prints_the_help_and_exits_0(run) -> None:
    code, stdout, stderr = run()
    assert (code, stderr) == (0, "")
    assert stdout.startswith("Usage: ") and "Commands:" in stdout
    assert "error:" not in stdout


# ---- item 28: PDF -----------------------------------------------------------------------------------------


@needs_dot
def test_28_pdf_through_graphviz(tmp_path, run) -> None:
    target = tmp_path / "g.pdf"
    code, stdout, stderr = run("graph", "x*x + x*y", "--x", "3", "--y", "4", "-o", str(target))
    assert (code, stdout, stderr) == (0, "", "")
    assert target.read_bytes().startswith(b"%PDF-")


# ---- item 29: an unused key of a values file names the file ------------------------------------------------


def test_29_an_unused_value_from_a_values_file_names_the_file(tmp_path, run) -> None:
    path = tmp_path / "point.json"
    path.write_text('{"x": 1, "xx": 2}', encoding="utf-8")
    code, _, stderr = run("eval", "x", "--values", str(path))
    assert code == 2
    assert stderr.splitlines() == [
        f"error: xx is given a value but the program does not use it (the value comes from the values file {path})",
        f"hint: did you mean x? the program's variables are: x; remove xx from {path}",
    ]
    code, _, stderr = run("eval", "x", "--x", "1", "--xx", "2")
    assert "values file" not in stderr  # a typo on the command line is not blamed on a file


def test_29_ignore_unused_skips_the_values_files_extra_names_but_not_the_command_lines(tmp_path, run) -> None:
    path = tmp_path / "shared.json"
    path.write_text('{"x": 2, "w": 0.5, "b": 1}', encoding="utf-8")  # one file for several programs
    assert run("eval", "w*x", "--values", str(path), "--ignore-unused", "--json")[:2] == (
        0,
        '{"expression": "w*x", "value": 1.0, "gradient": {"w": 2.0, "x": 0.5}, "diagnostics": []}\n',
    )
    code, _, stderr = run("eval", "w*x", "--values", str(path), "--ignore-unused", "--q", "3")
    assert code == 2
    assert stderr.startswith("error: q is given a value but the program does not use it\n")


# ---- item 30: -V and shell completion -------------------------------------------------------------------


def test_30_dash_capital_v_prints_the_version(run) -> None:
    assert run("-V") == run("--version") == (0, f"gradcli {gradcli.__version__}\n", "")


@posix_only
@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F _gradcli_completion gradcli"), ("zsh", "#compdef gradcli"), ("fish", "complete")],
)
def test_30_completion_scripts(shell: str, marker: str) -> None:
    done = gradcli_process(env={**os.environ, "_GRADCLI_COMPLETE": f"{shell}_source"})
    assert done.returncode == 0
    assert marker in done.stdout.decode()
    assert "_GRADCLI_COMPLETE" in done.stdout.decode()


# ---- a misspelt option reads as a variable: the near option is named -----------------------------------


def test_a_misspelt_option_is_named_as_a_near_miss(run) -> None:
    code, _, stderr = run("diff", "x^2", "--latexx")
    assert code == 2
    assert stderr.startswith("error: --latexx needs a value: --latexx VALUE (or did you mean the option --latex?)\n")
    code, _, stderr = run("diff", "x^2", "--ordre", "2")
    assert code == 2
    assert "hint: did you mean the option --order? the program's variables are: x" in stderr
    code, _, stderr = run("eval", "x", "--xx", "2", "--x", "1")
    assert "option" not in stderr  # a near miss of a variable is not blamed on an option


def test_dash_f_dash_reads_the_program_from_standard_input(run) -> None:
    code, stdout, _ = run("eval", "-f", "-", "--x", "2", "--y", "3", "--json", input="x*y\n")
    assert code == 0
    assert json.loads(stdout)["gradient"] == {"x": 3.0, "y": 2.0}
