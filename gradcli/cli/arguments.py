"""What every program-taking command shares: the program, variable values, view options.

Variables are options no command declares: ``--x 2``, ``--x=2``, ``--x -2``
(contract, section 2). ``ProgramCommand`` takes them out of the command line
before click parses the rest, so they never clash with click's own parsing,
and ``-v NAME=VALUE`` covers names that clash with a real option.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import click

from ..errors import UsageError
from ..source import shorten
from ..textinput import check_text, read_input
from ..values import NAME, MissingValues, UnusedValue, missing_hint, parse_value, read_values_file

_VALUES_KEY = "gradcli.values"
_FROM_FILE_KEY = "gradcli.from-file"  # name -> the --values file its value came from


class ProgramCommand(click.Command):
    """A command that takes a program and, besides its options, ``--NAME VALUE`` variables."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONS] [--NAME VALUE]...")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for flag in (*param.opts, *param.secondary_opts):
                    takes_value[flag] = not param.is_flag and not param.count
        given: list[tuple[str, str, str]] = []
        rest: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                if len(args) - i > 1:
                    extra = " ".join(args[i + 1 :])
                    raise click.UsageError(
                        f"only the program may follow '--', not {extra!r}: give values before '--', "
                        f'as in gradcli {ctx.info_name} --x 2 -- "-x^2"',
                        ctx,
                    )
                rest.extend(args[i - 1 :])
                break
            if arg in takes_value:
                rest.append(arg)
                if takes_value[arg] and i < len(args):
                    rest.append(args[i])  # the option's value, even if it starts with "-"
                    i += 1
                continue
            if arg.startswith("--") and len(arg) > 2:
                name, has_value, value = arg[2:].partition("=")
                if f"--{name}" not in takes_value and NAME.fullmatch(name):
                    if not has_value:
                        if i >= len(args):
                            near = _near_option(name, takes_value)
                            also = f" (or did you mean the option {near}?)" if near else ""
                            raise click.UsageError(f"--{name} needs a value: --{name} VALUE{also}", ctx)
                        value = args[i]
                        i += 1
                    given.append((name, value, f"--{name} {value}"))
                    continue
            elif arg.startswith("-") and len(arg) > 1 and arg[:2] not in takes_value:
                if NAME.fullmatch(arg[1:]):
                    raise click.UsageError(
                        f"no such option: {arg} (to give the variable {arg[1:]} a value, "
                        f"write {_spell_value(arg[1:], takes_value)})",
                        ctx,
                    )
                raise click.UsageError(
                    f"no such option: {arg} (a program that begins with '-' goes after '--': "
                    f'gradcli {ctx.info_name} [OPTIONS] -- "{arg}")',
                    ctx,
                )
            rest.append(arg)
        ctx.meta[_VALUES_KEY] = given
        try:
            return super().parse_args(ctx, rest)
        except click.UsageError as error:
            raise _explain_extra_argument(error, args, takes_value) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MissingValues as error:
            # The library spells a value --NAME VALUE; here some names are options too.
            options = {flag for param in self.get_params(ctx) for flag in getattr(param, "opts", ())}
            error.hint = missing_hint(error.names, lambda name: _spell_value(name, options))
            raise
        except UnusedValue as error:
            path = ctx.meta.get(_FROM_FILE_KEY, {}).get(error.name)
            if path is not None:
                error.message += f" (the value comes from the values file {path})"
                error.hint = (error.hint or "") + f"; remove {shorten(error.name)} from {path}"
            else:
                options = {flag for param in self.get_params(ctx) for flag in getattr(param, "opts", ())}
                near = _near_option(error.name, options)
                if near is not None:  # --ordre 2 reads as a variable ordre: maybe a misspelt --order
                    error.hint = f"did you mean the option {near}? " + (error.hint or "")
            raise


def _near_option(name: str, options: Iterable[str]) -> str | None:
    """The long option that ``--name`` is a near miss of (``--latexx`` for ``--latex``), if any."""
    from difflib import get_close_matches

    near = get_close_matches(f"--{name}", [o for o in options if o.startswith("--")], n=1, cutoff=0.8)
    return near[0] if near else None


def _spell_value(name: str, options: Container[str]) -> str:
    """How to give ``name`` a value: ``--name VALUE``, or ``-v name=VALUE`` when --name is an option."""
    return f"-v {name}=VALUE" if f"--{name}" in options else f"--{name} VALUE"


def _explain_extra_argument(error: click.UsageError, args: list[str], options: Mapping[str, bool]) -> Exception:
    """``--json 3`` for a variable named json: click sees a flag and an extra argument; say so."""
    command = f"gradcli {error.ctx.info_name}" if error.ctx is not None else "gradcli"
    for flag, word in pairwise(args):
        name = flag[2:]
        if options.get(flag) is False and NAME.fullmatch(name) and f"({word})" in error.format_message():
            return UsageError(
                f"{flag} is an option of {command} that takes no value, so '{word}' after it is an extra argument",
                hint=f"to give a variable named {name} a value, write -v {name}={word}",
            )
    return error


@dataclass
class ProgramInput:
    """The program text, where it came from, and the values given for its variables."""

    text: str
    filename: str | None
    values: dict[str, float]


def program_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The program (EXPR, ``-`` or ``-f FILE``) and the ways to give variable values."""
    f = click.option(
        "--values",
        "values_file",
        metavar="FILE",
        help='Read variable values from a JSON object such as {"x": 2, "w": 0.5}; '
        "values on the command line override it.",
    )(f)
    f = click.option(
        "-v",
        "--var",
        "var_items",
        metavar="NAME=VALUE",
        multiple=True,
        help="Give a variable a value; for names that clash with an option. Repeatable.",
    )(f)
    f = click.option("-f", "--file", "program_file", metavar="FILE", help="Read the program from FILE.")(f)
    f = click.argument("expr", required=False, metavar="EXPR")(f)
    return f


def view_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--tree`` and ``--granularity``: which graph of the program to use (contract, section 3)."""
    f = granularity_option(f)
    f = click.option("--tree", is_flag=True, help="The expression tree: every occurrence of a name is its own leaf.")(f)
    return f


def granularity_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--granularity``: the view of a program (contract, section 5); the numbers are the same in every one."""
    return click.option(
        "--granularity",
        type=click.Choice(["tensor", "fused", "scalar"]),
        default=None,
        help="tensor: one node per vector or matrix operation as written (the default for a program with "
        "vectors or matrices); fused: every element's operations, one node per written function (the "
        "default for scalars); scalar: as fused, with composite functions (sigmoid, tanh, softplus, ...) "
        "split into primitive ops.",
    )(f)


def digits_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--digits",
        type=click.IntRange(1, 17),
        default=4,
        show_default=True,
        help="Significant digits of the numbers shown (17: every digit; --json always has all).",
    )(f)


def read_program(
    ctx: click.Context, expr: str | None, program_file: str | None, var_items: tuple[str, ...], values_file: str | None
) -> ProgramInput:
    """The program text and the values given for its variables, from the command line."""
    if expr is not None and program_file is not None:
        raise UsageError("give the program either as EXPR or with -f FILE, not both")
    if program_file == "-" or expr == "-":  # (expr and -f together were refused above)
        text, filename = read_input(None, "standard input"), None
    elif program_file is not None:
        text, filename = read_input(program_file, f"the program file {program_file}"), program_file
    elif expr is not None:
        check_text(expr, "the program")
        text, filename = expr, None
    else:
        raise UsageError(
            "no program given",
            hint=f'gradcli {ctx.info_name} "x^2 + x*y" --x 3 --y 4; or - to read it from standard input, or -f FILE',
        )
    return ProgramInput(text, filename, _values(ctx, var_items, values_file))


def drop_unused_file_values(ctx: click.Context, given: ProgramInput, variables: Iterable[str]) -> None:
    """``--ignore-unused``: forget the names of the --values file that the program does not use.

    One values file may serve several programs; names given on the command line
    are still checked, so a typo there (``--xx 2``) does not pass silently.
    """
    used = set(variables)
    for name in list(ctx.meta.get(_FROM_FILE_KEY, {})):
        if name not in used:
            given.values.pop(name, None)
            del ctx.meta[_FROM_FILE_KEY][name]


def take_given_values(ctx: click.Context, wanted: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    """Take out the ``--NAME VALUE`` items whose VALUE text is ``wanted``, before ``read_program`` parses them.

    Each item is (name, value text, as the user spelled it); plot takes its
    ``--x LO:HI`` range this way, and the rest stay values.
    """
    given: list[tuple[str, str, str]] = ctx.meta.get(_VALUES_KEY, [])
    ctx.meta[_VALUES_KEY] = [item for item in given if not wanted(item[1])]
    return [item for item in given if wanted(item[1])]


def values_file_of(ctx: click.Context, name: str) -> str | None:
    """The --values file the value of ``name`` came from; None when the command line gave it."""
    return ctx.meta.get(_FROM_FILE_KEY, {}).get(name)


def _values(ctx: click.Context, var_items: tuple[str, ...], values_file: str | None) -> dict[str, float]:
    given: list[tuple[str, str, str]] = list(ctx.meta.get(_VALUES_KEY, []))
    for item in var_items:
        name, has_value, value = item.partition("=")
        name = name.strip()
        if not has_value or not NAME.fullmatch(name):
            raise UsageError(f"-v takes NAME=VALUE, got {item!r}", hint="for example: -v x=2")
        given.append((name, value, f"-v {item}"))
    values = read_values_file(values_file) if values_file else {}
    ctx.meta[_FROM_FILE_KEY] = dict.fromkeys(values, values_file)
    seen: dict[str, str] = {}
    for name, text, spelled in given:
        if name in seen:
            raise UsageError(f"{name} is given twice ({seen[name]} and {spelled})")
        seen[name] = spelled
        check_text(text, f"the value of {name}")
        values[name] = parse_value(name, text)
        ctx.meta[_FROM_FILE_KEY].pop(name, None)  # the command line overrides the file
    return values
