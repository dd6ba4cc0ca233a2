"""``gradcli trace``: the forward and backward passes, step by step, as on paper.

The steps come from ``gradcli.trace``; this module only lays them out: the
same layout as plain text when piped and, on a terminal, with rich colours.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from ..builder import build
from ..errors import ExitStatus
from ..numbers import fmt
from ..parser import parse
from ..trace import Step, Trace, trace
from .app import traceback_option
from .arguments import ProgramCommand, digits_option, program_options, read_program, view_options
from .output import display_width, echo_json, is_terminal, report, table

WRAP = 72
"""A step wider than this puts each side of its equality on a line of its own."""
NOTE_COLUMN = 56
"""Notes line up at this column at most; a longer line puts its note two spaces after it."""

Segment = tuple[str, str]  # (text, rich style)
Line = list[Segment]


@click.command(
    "trace",
    cls=ProgramCommand,
    short_help="The forward and backward passes, step by step.",
)
@program_options
@click.option("--json", "as_json", is_flag=True, help="Print the steps as one JSON object, with full precision.")
@click.option(
    "--max-steps",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Show at most this many steps of each pass: the first and the last ones, with a count of "
    "those left out. 0 shows every step. --json always has every step.",
)
@view_options
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
    tree: bool,
    granularity: str,
    digits: int,
) -> int:
    """Walk the forward pass leaf to root and the backward pass root to leaf,
    applying each operation's local rule with the numbers in.

    \b
      gradcli trace "x*x + x*y" --x 3 --y 4
      gradcli trace "x*x + x*y" --x 3 --y 4 --tree
      gradcli trace "sigmoid(w*x)" --x 2 --w 0.5 --granularity scalar
      gradcli trace "sigmoid(w*x)" --x 2 --w 0.5 --json

    Nodes are called v0, v1, ... with the ids of `gradcli graph` (variables
    and assigned names by their names). The backward pass starts from the
    seed ∂f/∂f = 1; a node used several times gets one term per use, summed
    (∂f/∂x = 3 + 3 + 4 = 10). With --tree every occurrence of a variable is
    its own leaf (x₁, x₂, x₃), and the sum is over occurrences.

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value or
    derivative that is not finite (the steps still show where it arose).
    """
    given = read_program(ctx, expr, program_file, var_items, values_file)
    graph = build(parse(given.text, given.filename), tree=tree, granularity=granularity)
    steps = trace(graph, given.values, digits=digits)
    result = steps.result
    if as_json:
        echo_json(steps.to_json())
        report(result.diagnostics, graph.source, others=False)
    else:
        _print(steps, max_steps)
        report(result.diagnostics, graph.source)
    return ExitStatus.NONFINITE if result.error else ExitStatus.OK


def _print(steps: Trace, max_steps: int) -> None:
    graph = steps.graph
    view = " (tree view: each occurrence of a variable is its own leaf)" if graph.tree else ""
    lines: list[Line] = [[(f"Forward pass, leaves to root{view}:", "bold")]]
    lines += _pass(steps.forward, max_steps)
    lines.append([])
    if steps.backward:
        lines.append([("Backward pass, root to leaves:", "bold")])
        lines += _pass(steps.backward, max_steps)
    else:
        lines.append([("Backward pass: the output depends on no variable, so there is nothing to pass back.", "bold")])
    lines.append([])
    lines.append([("Gradient:", "bold")])
    _echo(lines)
    f = steps.output_name
    rows = [[f, fmt(steps.result.value, steps.digits)]]
    rows += [[f"∂{f}/∂{name}", fmt(v, steps.digits)] for name, v in steps.result.gradient.items()]
    table(rows, right=(1,))


def _pass(steps: Sequence[Step], max_steps: int) -> list[Line]:
    """The lines of one pass, with the steps beyond ``max_steps`` left out in the middle.

    The ``=`` after the nodes line up, and so do the notes, up to NOTE_COLUMN.
    """
    hidden = 0
    shown: list[Step | None] = list(steps)
    if max_steps and len(steps) > max_steps:
        head = (max_steps + 1) // 2
        hidden = len(steps) - max_steps
        shown = [*steps[:head], None, *steps[head + hidden :]]
    target = max((display_width(s.stages[0]) for s in shown if s is not None), default=0)
    laid = [(step, _working(step, target) if step is not None else []) for step in shown]
    column = min(max((_line_width(working[0]) for _, working in laid if working), default=0), NOTE_COLUMN)
    lines: list[Line] = []
    for step, working in laid:
        if step is None:
            lines.append([(f"  … {hidden:,} steps not shown (--max-steps 0 shows every step)", "dim")])
            continue
        first, *rest = working
        if step.notes:
            pad = " " * max(column - _line_width(first), 0)
            first = [*first, (f"{pad}  # {'; '.join(step.notes)}", "dim")]
        lines += [first, *rest]
    return lines


def _working(step: Step, target: int) -> list[Line]:
    """``v2 = w · x = 0.5 · 2 = 1``: the node, the working, the result; one side of = a line if long."""
    stages = step.stages
    left = stages[0] + " " * (target - display_width(stages[0]))
    if len(stages) == 1:
        return [[("  ", ""), (left, "bold cyan")]]
    first: Line = [("  ", ""), (left, "bold cyan"), (" = ", "")]
    wraps = len(stages) > 3 and target + 2 + display_width(" = ".join(stages[1:])) > WRAP
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


def _echo(lines: list[Line]) -> None:
    if not is_terminal():
        for line in lines:
            click.echo("".join(text for text, _ in line))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*line))
