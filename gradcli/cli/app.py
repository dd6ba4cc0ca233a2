"""The ``gradcli`` command group and the one barrier between errors and the user.

Library code raises typed errors and never prints or exits. Here, and only
here, an error becomes one message on standard error and an exit status
(contract, section 2). Anything else that escapes is a bug: it is reported as
an internal error, and ``--traceback`` shows the Python traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from importlib import import_module
from typing import Any

import click

from .. import __version__
from ..errors import ExitStatus, GradcliError

_HELP = """Gradients and computation graphs of expressions, from the shell.

\b
  gradcli eval "sigmoid(w*x)" --x 2 --w 0.5          value and every partial derivative
  gradcli graph "x^2 + x*y" --x 3 --y 4 -o g.svg     the computation graph (DOT, SVG, PNG, PDF, JSON, Mermaid)
  gradcli trace "x*x + x*y" --x 3 --y 4              forward and backward pass, step by step
  gradcli check "x^2 + x*y" --expect x="2*x + y"     check a derivative worked out by hand
  gradcli diff "x^2 + x*y"                           each derivative as a formula (--steps, --latex)
  gradcli plot "x^3 - 3*x" --x -3:3 --at 1.5         f and ∂f/∂x along x, and the tangent at 1.5
  gradcli network -f mlp.grad --values mlp.json      the program as a network diagram: neurons, weights
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

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno in _OUTPUT_ERRORS:
                # click's main() would take a broken pipe for itself and exit 1.
                raise OutputLost(error) from error
            raise

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
        killed_by = None
        try:
            status = super().main(argv, prog_name or "gradcli", complete_var, standalone_mode=False, **extra)
            # Written now, inside the barrier: a full disk or a closed pipe is
            # reported here, not as Python's complaint at interpreter exit.
            sys.stdout.flush()
        except click.exceptions.NoArgsIsHelpError as bare:  # plain `gradcli`: the help, as `gradcli --help`
            click.echo(bare.ctx.get_help() if bare.ctx is not None else bare.format_message())
            status = ExitStatus.OK
        except GradcliError as error:  # --traceback is for bugs; a user's error is always the message
            _say(error.render())
            status = error.status
        except click.exceptions.Exit as done:  # --help, --version
            status = done.exit_code
        except click.ClickException as error:
            _say(_render_click_error(error))
            status = ExitStatus.USAGE
        except click.exceptions.Abort:
            _say("aborted")
            status = 130
        except Terminated as stop:  # SIGTERM or SIGHUP: cleanup has run on the way here
            killed_by, status = stop.signum, 128 + stop.signum
        except (OSError, OutputLost) as failure:
            error = failure.error if isinstance(failure, OutputLost) else failure
            if error.errno not in _OUTPUT_ERRORS or show_traceback:
                raise
            _silence_stdout()
            if error.errno == errno.EPIPE:
                # The reader went away (`gradcli ops | head -2`): nothing left to say, and
                # not 1, which means a check does not hold.
                status = ExitStatus.BROKEN_PIPE
            else:
                _say(f"error: cannot write to standard output: {error.strerror or error}")
                status = ExitStatus.IO
        except Exception as error:
            if show_traceback:
                raise
            _say(
                f"internal error: {type(error).__name__}: {error}\n"
                "This is a bug in gradcli. Run the command again with --traceback to see where it happened."
            )
            status = ExitStatus.INTERNAL
        if not standalone_mode:
            return status
        if killed_by is not None:
            # Die of the signal, as a process without a handler would, so that the
            # parent sees "killed by SIGTERM" (status 143 in the shell).
            signal.signal(killed_by, signal.SIG_DFL)
            os.kill(os.getpid(), killed_by)
        sys.exit(int(status or 0))


class OutputLost(Exception):
    """Writing the output failed (``error``): carried past click, which would turn a broken pipe into exit 1."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised by ``on_termination`` so that ``finally``
    blocks run (a renderer is killed, a temporary file removed) on the way out.

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` stops it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def on_termination(signum: int, frame: object) -> None:
    """The handler ``main()`` installs for SIGTERM and SIGHUP."""
    raise Terminated(signum)


# Errors of writing the output itself: a closed pipe, a full disk, a failing device.
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that what is still buffered does not fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test's captured stream): nothing to silence
        pass


def _say(message: str) -> None:
    """A message on standard error; if standard error itself cannot be written, there is no one to tell."""
    with contextlib.suppress(OSError):
        click.echo(message, err=True)


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
@click.version_option(__version__, "-V", "--version", prog_name="gradcli", message="%(prog)s %(version)s")
@traceback_option
def cli() -> None:
    pass
