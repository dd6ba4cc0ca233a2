"""The ``gradcli`` command group and the one barrier between errors and the user.

Library code raises typed errors and never prints or exits. Here, and only
here, an error becomes one message on standard error and an exit status
(contract, section 2). Anything else that escapes is a bug: it is reported as
an internal error, and ``--traceback`` shows the Python traceback.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

import click

from .. import __version__
from ..errors import ExitStatus, GradcliError

_HELP = """Gradients and computation graphs of expressions, from the shell.

\b
  gradcli eval "sigmoid(w*x)" --x 2 --w 0.5          value and every partial derivative
  gradcli graph "x^2 + x*y" --x 3 --y 4 -o g.svg     the computation graph (DOT, SVG, PNG, JSON, Mermaid)
  gradcli trace "x*x + x*y" --x 3 --y 4              forward and backward pass, step by step
  gradcli check "x^2 + x*y" --expect x="2*x + y"     check a derivative worked out by hand
  gradcli ops                                        the operations and their gradient rules

Variables are given as --NAME VALUE, --NAME=VALUE or -v NAME=VALUE.
Run `gradcli COMMAND --help` for a command's options.
"""


class GradcliGroup(click.Group):
    """A click group whose ``main`` renders errors and sets the exit status itself.

    Commands may be registered as ``lazy_commands[name] = "module:attribute"``:
    imported on first use, so that start-up pays only for the command that runs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        # In the order they are registered: the order a user meets them.
        return list(dict.fromkeys([*self.lazy_commands, *self.commands]))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy_commands:
            module, attribute = self.lazy_commands[name].split(":")
            self.add_command(getattr(import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        show_traceback = "--traceback" in argv[: argv.index("--")] if "--" in argv else "--traceback" in argv
        try:
            status = super().main(argv, prog_name or "gradcli", complete_var, standalone_mode=False, **extra)
        except GradcliError as error:
            if show_traceback:
                raise
            click.echo(error.render(), err=True)
            status = error.status
        except click.exceptions.Exit as done:  # --help, --version
            status = done.exit_code
        except click.ClickException as error:
            click.echo(_render_click_error(error), err=True)
            status = ExitStatus.USAGE
        except click.exceptions.Abort:
            click.echo("aborted", err=True)
            status = 130
        except BrokenPipeError:
            # The reader went away (as `gradcli ... | head` does): nothing left to say.
            sys.stderr.close()
            status = ExitStatus.OK
        except Exception as error:
            if show_traceback:
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error}\n"
                "This is a bug in gradcli. Run the command again with --traceback to see where it happened.",
                err=True,
            )
            status = ExitStatus.INTERNAL
        if not standalone_mode:
            return status
        sys.exit(int(status or 0))


def _render_click_error(error: click.ClickException) -> str:
    """A click usage error in gradcli's own style: the message, then where to find help."""
    message = error.format_message()
    lines = [f"error: {message[:1].lower()}{message[1:]}"]
    context = getattr(error, "ctx", None)
    if context is not None:
        lines.append(f"hint: see '{context.command_path} --help'")
    return "\n".join(lines)


def traceback_option(f: Any) -> Any:
    """``--traceback``: read by ``GradcliGroup.main``; declared so that help lists it."""
    return click.option(
        "--traceback", is_flag=True, expose_value=False, help="On an internal error, show the Python traceback."
    )(f)


# The commands inherit -h as well as --help from the group's context.
@click.group(cls=GradcliGroup, help=_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gradcli", message="%(prog)s %(version)s")
@traceback_option
def cli() -> None:
    pass
