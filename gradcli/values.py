"""Values for a program's variables: reading them, and checking them against the program.

A value is a number in the language (``2``, ``-0.5``, ``1e-3``) or a
constant expression (``pi/4``, ``sqrt(2)``). Every variable needs a finite
value; a value for a name the program does not use, an assigned name or a
constant is an error (contract, section 1), so a typo never passes silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from .builder import TENSOR_COMMANDS
from .errors import GradcliError, UsageError
from .graph import Graph
from .ops import CONSTANTS
from .source import shorten

PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?")
"""A number as the language writes it, with an optional sign."""
NAME = re.compile(r"[^\W\d]\w*")


def parse_value(name: str, text: str) -> float:
    """The number a command-line value stands for: a number or a constant expression.

    A value in brackets is a vector or matrix (``[1, 2]``, ``[[1, 2], [3, 4]]``),
    returned as a ``gradcli.tensor.Tensor``.
    """
    text = text.strip()
    if text.startswith("["):
        from .tensor.literal import parse_tensor_value

        return parse_tensor_value(name, text)  # type: ignore[return-value]
    if "," in text and not PLAIN_NUMBER.fullmatch(text):
        items = [item.strip() for item in text.split(",")]
        if all(PLAIN_NUMBER.fullmatch(item) for item in items):
            raise UsageError(
                f"the value of {shorten(name)} must be a number, got {shorten(text)!r}",
                hint=f"a vector is written in brackets, quoted for the shell: --{shorten(name)} '[{', '.join(items)}]'",
            )
    value = float(text) if PLAIN_NUMBER.fullmatch(text) else _constant_expression(name, text)
    if not math.isfinite(value):
        raise UsageError(f"the value of {shorten(name)} must be a finite number, got {shorten(text)}")
    return value


def _constant_expression(name: str, text: str) -> float:
    from .autodiff import forward
    from .builder import build
    from .parser import parse

    try:
        graph = build(parse(text))
    except GradcliError:
        raise UsageError(
            f"the value of {shorten(name)} must be a number, got {shorten(text)!r}",
            hint="give a number such as 2, -0.5 or 1e-3, or an expression of numbers such as pi/4",
        ) from None
    if graph.variables:
        raise UsageError(
            f"the value of {shorten(name)} must be a number, got {shorten(text)!r}",
            hint="give a number such as 2, -0.5 or 1e-3, or an expression of numbers such as pi/4",
        )
    return forward(graph, {})[graph.output]


def read_values_file(path: str) -> dict[str, float]:
    """Values from a JSON object such as ``{"x": 2, "w": 0.5}``, within gradcli's input size limit."""
    import json  # here, not at the top: most runs read no values file

    from .textinput import read_input

    what = f"the values file {path}"
    text = read_input(path, what)
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(f"{what} is not valid JSON: {error}") from None
    except RecursionError:
        # json nests one C call per [ or {; a values file is one flat object.
        raise UsageError(
            f"{what} nests lists or objects too deeply to read",
            hint='a values file is one JSON object of numbers, such as {"x": 2, "w": 0.5}',
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f'{what} must hold a JSON object such as {{"x": 2}}')
    values = {}
    for name, value in data.items():
        if isinstance(value, list):
            values[name] = _tensor_from_file(name, value, path)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise UsageError(f"the value of {shorten(name)} in {path} must be a number, got {_json_kind(value)}")
        try:
            values[name] = parse_value(name, value) if isinstance(value, str) else float(value)
        except OverflowError:  # a JSON integer beyond the range of a double
            values[name] = math.inf
        if isinstance(value, str) and value.lstrip().startswith("["):
            continue  # a vector or matrix in the language's own syntax: its numbers are checked
        if not math.isfinite(values[name]):
            raise UsageError(f"the value of {shorten(name)} in {path} must be a finite number")
    return values


def _tensor_from_file(name: str, value: list, path: str) -> float:
    """A vector or matrix in a values file: nested lists of numbers (``{"W": [[1, 2], [3, 4]]}``)."""
    from .tensor.value import from_nested

    try:
        tensor = from_nested(value, shorten(name))
    except ValueError as error:
        raise UsageError(
            f"in {path}: {error}", hint="a vector is [1, 2, 3] and a matrix a list of rows: [[1, 2], [3, 4]]"
        ) from None
    # from_nested reads an integer beyond a double as infinite: refused here with the other non-finite numbers
    if not all(map(math.isfinite, tensor.data)):
        raise UsageError(f"the value of {shorten(name)} in {path} must hold finite numbers")
    return tensor  # type: ignore[return-value]


def _json_kind(value: object) -> str:
    """A JSON value that is not a number, said without printing it (it may be nested 10^5 deep)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "a list" if isinstance(value, list) else "an object"


class UnusedValue(UsageError):
    """A value for a name that the program does not use; ``name`` is that name.

    The command line adds where the value came from (a values file, say).
    """

    def __init__(self, name: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.name = name


class MissingValues(UsageError):
    """Variables without a value; ``names`` are they, in order of first use.

    The command line respells the hint for a name that is also one of its
    options (``-v json=VALUE``, not ``--json VALUE``).
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"no value for {_listing(names)}", hint=missing_hint(names))


def missing_hint(names: list[str], spell: Callable[[str], str] | None = None) -> str:
    """``give every variable a value, for example: --x VALUE --y VALUE`` (``spell`` writes one)."""
    spell = spell or (lambda name: f"--{name} VALUE")
    shown = " ".join(spell(shorten(name)) for name in names[:_LISTED])
    more = f" (and {len(names) - _LISTED} more)" if len(names) > _LISTED else ""
    hint = f"give every variable a value, for example: {shown}{more}"
    if "π" in names:
        hint += "; π is a variable here, the constant is written pi"
    return hint


def check_names(graph: Graph, names: Mapping[str, object] | list[str]) -> None:
    """Every name given a value must be a variable of the program (not assigned, not a constant)."""
    variables = list(graph.variables)
    for name in names:
        if name in graph.variables:
            continue
        shown = shorten(name)
        if name in CONSTANTS:
            raise UsageError(f"{name} is a constant and cannot be given a value")
        if name in graph.assigned:
            where = graph.source.where(graph.assigned[name][0])
            raise UsageError(
                f"{shown} is assigned in the program (at {where}), so it cannot also be given a value",
                hint=f"the program's variables are: {_listing(variables)}",
            )
        from difflib import get_close_matches

        close = get_close_matches(name, variables, n=1)
        hint = f"did you mean {shorten(close[0])}? " if close else ""
        raise UnusedValue(
            name,
            f"{shown} is given a value but the program does not use it",
            hint=f"{hint}the program's variables are: {_listing(variables)}",
        )


def check_variables(graph: Graph, names: list[str], option: str) -> None:
    """Every name an option names (``--wrt``, ``--expect``) must be a variable of the program."""
    for name in names:
        if name in graph.variables:
            continue
        if name in CONSTANTS:
            why = "a constant, not a variable"
        elif name in graph.assigned:
            why = f"assigned in the program (at {graph.source.where(graph.assigned[name][0])}), not a variable"
        else:
            why = "not used by the program"
        raise UsageError(
            f"{option} names {shorten(name)}, which is {why}",
            hint=f"the program's variables are: {_listing(list(graph.variables))}",
        )


def bind(graph: Graph, values: Mapping[str, float]) -> dict[str, float]:
    """Check the values against the program's variables: none missing, none unknown, each a finite real number.

    A value may be anything that is a real number to Python (``int``,
    ``float``, ``fractions.Fraction``, NumPy scalars: ``numbers.Real``) and
    fits a double; ``bool``, strings, ``None`` and containers are refused.
    """
    if values.keys() == graph.variables.keys() and set(map(type, values.values())) <= _PLAIN:
        # The usual case, checked in C-level passes: 2 passes fewer over 10^5 variables.
        try:
            if all(map(math.isfinite, values.values())):
                return {name: float(values[name]) for name in graph.variables}
        except OverflowError:  # an int beyond a double: said below
            pass
    check_names(graph, values)
    missing = [name for name in graph.variables if name not in values]
    if missing:
        raise MissingValues(missing)
    return {name: real_value(name, values[name]) for name in graph.variables}


_PLAIN = {float, int}


def real_value(name: str, value: object) -> float:
    """A value given through the API as a float; anything but a finite real number is a ``UsageError``."""
    import numbers

    shown = shorten(name)
    if type(value).__name__ == "Tensor":
        raise UsageError(
            f"the value of {shown} is a vector or matrix, and this command takes numbers",
            hint=TENSOR_COMMANDS,
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        import reprlib

        raise UsageError(
            f"the value of {shown} must be a real number, got {type(value).__name__} {shorten(reprlib.repr(value))}",
            hint="give an int or a float" + ("; for a truth value, give 1 or 0" if isinstance(value, bool) else ""),
        )
    try:
        number = float(value)
    except OverflowError:
        raise UsageError(
            f"the value of {shown} is too large for a double (at most about 1.8e308): {shorten(str(value))}"
        ) from None
    if not math.isfinite(number):
        raise UsageError(f"the value of {shown} must be a finite number, got {number}")
    return number


_LISTED = 10
"""A message lists at most this many names, then says how many more there are."""


def _listing(names: list[str]) -> str:
    if not names:
        return "(none: the program has no variables)"
    shown = ", ".join(shorten(name) for name in names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")
