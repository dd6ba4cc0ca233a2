"""``gradcli network``: the program as a network diagram (contract, section 6)."""

from __future__ import annotations

import click

from ..errors import ExitStatus
from ..export import RANKDIRS
from ..parser import parse
from .app import traceback_option
from .arguments import digits_option, program_options, read_program
from .drawing import output_format, output_options, wants_json
from .json_command import JsonCommand, remember_program
from .output import report


def _skeleton(expression: str | None) -> dict:
    from ..network.netjson import skeleton

    return skeleton(expression)


@click.command(
    "network",
    cls=JsonCommand,
    short_help="The program as a network diagram: neurons, weighted arcs, layers.",
    skeleton=_skeleton,
    wants_json=wants_json,
)
@program_options
@output_options
@click.option(
    "--rankdir",
    type=click.Choice(RANKDIRS, case_sensitive=False),
    metavar="[LR|RL|TB|BT]",
    default="LR",
    show_default=True,
    help="Which way the arcs run, from the inputs to the output: LR puts the inputs on the left.",
)
@click.option(
    "--max-neurons",
    type=click.IntRange(3, 1000),
    default=8,
    show_default=True,
    help="A wider layer shows its first neurons, a '⋮ N more' node and its last (JSON always has all).",
)
@click.option("--no-values", is_flag=True, help="With variable values given, do not show the numbers.")
@click.option("--no-grads", is_flag=True, help="With variable values given, do not show the gradients.")
@digits_option
@traceback_option
@click.pass_context
def network_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    output: str | None,
    format_: str | None,
    rankdir: str,
    max_neurons: int,
    no_values: bool,
    no_grads: bool,
    digits: int,
) -> int:
    """Draw EXPR as a network diagram: DOT on standard output, or the
    format of -o FILE.

    \b
      gradcli network -f examples/mlp2.grad --values examples/mlp2.json -o net.svg
      gradcli network "sigmoid(w @ x + b)" --w '[0.5, -1, 2]' --x '[1, 2, 3]' --b 0.1 -o neuron.png
      gradcli network -f examples/mlp.grad --values examples/mlp.json -o mlp.json

    Not a computation graph (that is `gradcli graph`): inputs and neurons
    are circles in columns, one per layer; each weight is an arc labelled
    with its name and value (W₂₁ = −0.75), blue when positive, orange when
    negative; each neuron shows its activation and its bias (b = 0.1). With
    values, each circle also shows its value and gradient (grad: the
    derivative of the output with respect to it), and each arc its weight's
    gradient. Whatever follows the last layer (a softmax, a loss) is one box
    after the output neurons, with the variables only it uses (a target t)
    as small ovals.

    \b
    It reads programs made of
      layers act(W @ h + b), act(h @ W + b), act(b + W @ h), W @ h + b, with W a matrix
        variable (or w @ x with a vector w: one neuron) and act any one-argument function;
        the first h is the inputs: a vector variable, or a list of variables [x1, x2];
      scalar neurons act(w1*x1 + ... + wK*xK + b), written out by hand (z = ...; y = σ(z)
        is one neuron too; the bias may be a number). A variable that several neurons
        of the first layer use is an input; for a single neuron, the factor whose name
        starts with x, else the second factor (w*x).
    A weight or bias used twice, a layer's output used again later (a skip
    connection), or a statement between layers is refused (exit 2): draw
    such a program with `gradcli graph`.

    A vector or matrix program needs its values (their shapes size the
    layers); a scalar one is drawn without them too. Past 24 arcs between two
    layers the arcs lose their labels (SVG tooltips and the JSON keep every
    weight).

    Exit status: 0 success; 2 a usage, syntax or name error, or a program
    with no network reading; 3 a value or gradient that is not finite (the
    diagram is still written, those circles in red); 4 PNG, SVG or PDF asked
    for but Graphviz is missing or failed (nothing is written).
    """
    from ..export.files import write_file
    from ..network import export_network, read_network
    from ..network.look import Options

    given = read_program(ctx, expr, program_file, var_items, values_file)
    remember_program(ctx, given.text)
    kind = output_format(output, format_, "network")
    reading = read_network(parse(given.text, given.filename), given.values)
    options = Options(values=not no_values, grads=not no_grads, digits=digits, max_neurons=max_neurons)
    diagnostics = [d.to_json(reading.source) for d in reading.diagnostics]
    data = export_network(reading.network, kind, options, rankdir=rankdir.upper(), diagnostics=diagnostics)
    if output is not None:
        write_file(output, data)
    else:
        click.echo(data, nl=False)
    report(reading.diagnostics, reading.source)
    return ExitStatus.NONFINITE if reading.nonfinite else ExitStatus.OK
