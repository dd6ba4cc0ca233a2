"""``gradcli trace``: the forward and backward passes, step by step, as on paper.

The steps come from ``gradcli.trace``; this module only lays them out: the
same layout as plain text when piped and, on a terminal, with rich colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import click

from ..builder import build, has_tensors
from ..errors import ExitStatus, UsageError
from ..export import RANKDIRS
from ..parser import parse
from ..trace import Step, Trace, trace
from .app import traceback_option
from .arguments import digits_option, program_options, read_program, view_options
from .json_command import JsonCommand, remember_program
from .output import console, display_width, echo_json, is_terminal, report, terminal_width, value_table
from .wrap import Segment, fit

WRAP = 72
"""A step wider than this (or than the terminal) puts each side of its equality on a line of its own."""
NOTE_COLUMN = 56
"""Notes line up at this column at most; a longer line puts its note two spaces after it."""

Line = list[Segment]
T = TypeVar("T")


def json_skeleton(expression: str | None) -> dict:
    """The ``trace --json`` object of a run that has no steps."""
    return {
        "expression": expression,
        "view": None,
        "output": None,
        "value": None,
        "forward": [],
        "backward": [],
        "gradient": {},
        "diagnostics": [],
    }


@click.command(
    "trace",
    cls=JsonCommand,
    short_help="The forward and backward passes, step by step.",
    skeleton=json_skeleton,
    wants_json=lambda params: bool(params.get("as_json")),
)
@program_options
@click.option("--json", "as_json", is_flag=True, help="Print the steps as one JSON object, with full precision.")
@click.option(
    "--max-steps",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Show at most this many steps of each pass, and rows of the gradient: the first and the last "
    "ones, with a count of those left out. 0 shows every step. --json always has every step.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the walkthrough to FILE instead of printing the steps: FILE.html is a page that steps "
    "through the passes on the graph picture, FILE.gif an animation for slides (one frame per step).",
)
@view_options
@click.option(
    "--rankdir",
    type=click.Choice(RANKDIRS, case_sensitive=False),
    metavar="[BT|TB|LR|RL]",
    help="With -o, which way the picture's edges run, as for gradcli graph (default BT: the output on top).",
)
@digits_option
@traceback_option
@click.pass_context
def trace_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    as_json: bool,
    max_steps: int,
    output: str | None,
    tree: bool,
    granularity: str,
    rankdir: str | None,
    digits: int,
) -> int:
    """Walk the forward pass leaf to root and the backward pass root to leaf,
    applying each operation's local rule with the numbers in.

    \b
      gradcli trace "x*x + x*y" --x 3 --y 4
      gradcli trace "x*x + x*y" --x 3 --y 4 --tree
      gradcli trace "sigmoid(w*x)" --x 2 --w 0.5 --granularity scalar
      gradcli trace "sigmoid(w*x)" --x 2 --w 0.5 --json
      gradcli trace "x*x + x*y" --x 3 --y 4 -o walk.html
      gradcli trace "sigmoid(w*x)" --x 2 --w 0.5 -o neuron.gif
      gradcli trace "sum(sigmoid(W @ x + b))" --W '[[1, 2], [3, 4]]' --x '[1, -1]' --b '[0, 0.5]'

    Nodes are called v0, v1, ... with the ids of `gradcli graph` (variables
    and assigned names by their names). The backward pass starts from the
    seed ∂f/∂f = 1; a node used several times gets one term per use, summed
    (∂f/∂x = 3 + 3 + 4 = 10). With --tree every occurrence of a variable is
    its own leaf (x₁, x₂, x₃), and the sum is over occurrences.

    With -o walk.html, the steps go into one self-contained page: the graph
    drawn by Graphviz, the values appearing leaves to root, then each
    backward step lighting its node, its edges and its rule with the numbers;
    buttons, the arrow keys, Home/End and #step=N links step through it, with
    no network access. -o walk.gif draws the same steps as an animation (it
    needs Pillow: pip install 'gradcli[gif]'). Both need Graphviz, as for
    gradcli graph -o g.svg.

    With vectors or matrices (--W '[[1, 2], [3, 4]]'), each step is one
    operation as written, with its shape and value (a long vector in part,
    with a count), and each backward step the operation's vector-Jacobian
    rule with its numbers: ∂f/∂W = outer(∂f/∂v2, x) = ... The output must be
    one number, as for eval (sum(...) makes one). --granularity fused or
    scalar traces every element's scalar steps instead, each tagged with its
    element (element [2,1] of W @ x); a walkthrough (-o) draws those views.

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value or
    derivative that is not finite (the steps still show where it arose; a
    walkthrough file is still written); 4 -o asked for but Graphviz (or, for a
    GIF, Pillow) is missing or failed (nothing is written).
    """
    if output is not None:
        from ..walkthrough.output import walk_format

        walk_format(output)  # a name trace cannot write is refused before any work
        if as_json:
            raise UsageError("--json prints the steps, -o writes a walkthrough file: give one of them")
    elif rankdir is not None:
        raise UsageError("--rankdir lays out the walkthrough's picture, so it needs -o walk.html or -o walk.gif")
    given = read_program(ctx, expr, program_file, var_items, values_file)
    remember_program(ctx, given.text)
    program = parse(given.text, given.filename)
    if has_tensors(program, given.values):
        if output is not None and granularity in (None, "tensor"):
            raise UsageError(
                "a walkthrough draws every element's operations of a program with vectors or matrices",
                hint="add --granularity fused (or scalar); without -o, trace prints the tensor steps",
            )
        from ..tensortrace import UnrolledTrace, trace_tensor

        steps = trace_tensor(program, given.values, granularity=granularity, tree=tree, digits=digits)
        graph = steps.graph
        walked = steps.flat() if isinstance(steps, UnrolledTrace) else steps
    else:
        graph = build(program, tree=tree, granularity=granularity)
        steps = walked = trace(graph, given.values, digits=digits)
    result = steps.result
    if output is not None:
        from ..walkthrough.output import write_walkthrough

        write_walkthrough(walked, output, rankdir=(rankdir or "BT").upper())
        report(result.diagnostics, graph.source)
    elif as_json:
        echo_json(steps.to_json())
        report(result.diagnostics, graph.source, others=False)
    else:
        _print(steps, max_steps)
        report(result.diagnostics, graph.source)
    return ExitStatus.NONFINITE if result.error else ExitStatus.OK


def _print(steps: Trace, max_steps: int) -> None:
    graph = steps.graph
    width = terminal_width()
    view = " (tree view: each occurrence of a variable is its own leaf)" if graph.tree else ""
    lines: list[Line] = [[(f"Forward pass, leaves to root{view}:", "bold")]]
    lines += _pass(steps.forward, max_steps, width)
    lines.append([])
    if steps.backward:
        lines.append([("Backward pass, root to leaves:", "bold")])
        lines += _pass(steps.backward, max_steps, width)
    else:
        lines.append([("Backward pass: the output depends on no variable, so there is nothing to pass back.", "bold")])
    lines.append([])
    lines.append([("Gradient:", "bold")])
    _echo(lines, width)
    f = steps.output_name
    named = [(f, steps.result.value), *((f"∂{f}/∂{name}", v) for name, v in steps.result.gradient.items())]
    if steps.shaped and is_terminal():  # each gradient in its variable's shape, a grid that elides itself
        from .tensor_output import value_rows

        value_rows(named, steps.digits)
        return
    rows: list[tuple[str, float | None]] = []
    for name, value in named:  # piped, a tensor is one `∂f/∂W[2,1] value` line per element
        if steps.shaped and not isinstance(value, float | int):
            from ..tensor.value import index_text

            rows += [(name + index_text(index), x) for index, x in zip(value.indices(), value.data)]
        else:
            rows.append((name, value))
    shown, hidden = _shown(rows, max_steps)  # as the passes are: the first and the last rows
    value_table([row or (f"… {hidden:,} more", None) for row in shown], steps.digits)


def _shown(items: Sequence[T], max_steps: int) -> tuple[list[T | None], int]:
    """The items to show, None where ``max_steps`` leaves some out in the middle, and how many it leaves out."""
    if not max_steps or len(items) <= max_steps:
        return list(items), 0
    head = (max_steps + 1) // 2
    hidden = len(items) - max_steps
    return [*items[:head], None, *items[head + hidden :]], hidden


def _pass(steps: Sequence[Step], max_steps: int, width: int | None = None) -> list[Line]:
    """The lines of one pass, with the steps beyond ``max_steps`` left out in the middle.

    The ``=`` after the nodes line up, and so do the notes, up to NOTE_COLUMN;
    on a terminal too narrow for a note beside its step, the note goes below it.
    """
    shown, hidden = _shown(steps, max_steps)
    target = max((display_width(s.stages[0]) for s in shown if s is not None), default=0)
    wrap = min(WRAP, width or WRAP)
    laid = [(step, _working(step, target, wrap) if step is not None else []) for step in shown]
    column = min(max((_line_width(working[0]) for _, working in laid if working), default=0), NOTE_COLUMN)
    lines: list[Line] = []
    for step, working in laid:
        if step is None:
            lines.append([(f"  … {hidden:,} steps not shown (--max-steps 0 shows every step)", "dim")])
            continue
        first, *rest = working
        if step.notes:
            note = f"# {'; '.join(step.notes)}"
            pad = " " * max(column - _line_width(first), 0)
            if width is not None and _line_width(first) + len(pad) + 2 + display_width(note) > width:
                pad = ""  # not in line with the others, but beside its step, if that fits
            if width is None or _line_width(first) + len(pad) + 2 + display_width(note) <= width:
                first = [*first, (f"{pad}  {note}", "dim")]
            else:
                rest.append([(f"    {note}", "dim")])
        lines += [first, *rest]
    return lines


def _working(step: Step, target: int, wrap: int = WRAP) -> list[Line]:
    """``v2 = w · x = 0.5 · 2 = 1``: the node, the working, the result; one side of = a line if long."""
    stages = step.stages
    left = stages[0] + " " * (target - display_width(stages[0]))
    if len(stages) == 1:
        return [[("  ", ""), (left, "bold cyan")]]
    first: Line = [("  ", ""), (left, "bold cyan"), (" = ", "")]
    wraps = len(stages) > 3 and target + 2 + display_width(" = ".join(stages[1:])) > wrap
    if not wraps:
        for stage in stages[1:-1]:
            first += [(stage, ""), (" = ", "")]
        return [[*first, (stages[-1], "bold")]]
    pad = " " * (2 + target)
    rest = [[(f"{pad} = ", ""), (stage, "")] for stage in stages[2:-2]]
    rest.append([(f"{pad} = ", ""), (stages[-2], ""), (" = ", ""), (stages[-1], "bold")])
    return [[*first, (stages[1], "")], *rest]


def _line_width(line: Line) -> int:
    return sum(display_width(text) for text, _ in line)


def _echo(lines: list[Line], width: int | None = None) -> None:
    """The lines, each cut to ``width`` (the terminal's) at spaces; plain text when piped."""
    if width is not None:
        lines = [piece for line in lines for piece in fit(line, width)]
    if not is_terminal():
        for line in lines:
            click.echo("".join(text for text, _ in line))
        return
    from rich.text import Text

    terminal = console()
    for line in lines:
        terminal.print(Text.assemble(*line), soft_wrap=True)
