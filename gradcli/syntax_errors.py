"""Lark's parse errors, said the way a person would say them.

Lark reports the token or character it could not take and the set of
terminals it expected; this turns that into one sentence that says where
(``at line 3, column 14``), a caret position and, where one exists, a hint
(a missing ``*``, an unclosed ``(``, a statement cut by a newline, a Unicode
symbol that has an ASCII spelling). Calls of unknown functions get their
hint here too: the near misses among the functions, or the list of them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .errors import ParseError, ProgramError
from .source import Source

if TYPE_CHECKING:
    from .syntax import Expr

_OPERAND_START = {"NUMBER", "NAME", "LPAR", "MINUS", "PLUS"}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "POW", "AT"}
_TOKEN_WORDS = {
    "LPAR": "'('",
    "RPAR": "')'",
    "RSQB": "']'",
    "LSQB": "'['",
    "AT": "'@'",
    "COMMA": "','",
    "EQUAL": "'='",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "POW": "'^'",
}
CHARACTER_HINTS = {
    "−": "write '-' (ASCII) for minus",
    "–": "write '-' (ASCII) for minus",
    "×": "write '*' for multiplication",
    "·": "write '*' for multiplication",
    "÷": "write '/' for division",
    "²": "write x^2 for a square",
    "³": "write x^3 for a cube",
    "½": "write 1/2 or 0.5",
    "√": "write sqrt(x) for a square root",
    "π": "write pi for π",
    "!": "factorials are not supported",
    "|": "write abs(x) for |x|",
    "{": "use ( ) for grouping",
    "}": "use ( ) for grouping",
    ":": "'=' assigns a name: z = w*x",
}


def _expected(kinds: set[str]) -> str:
    """Describe what the parser could have taken, in words."""
    parts = []
    if kinds & {"NUMBER", "NAME"}:
        parts.append("a number, a name or '('")
    if kinds & _OPERATORS and not kinds & {"NUMBER", "NAME"}:
        parts.append("an operator")
    for kind in ("RPAR", "RSQB", "COMMA"):
        if kind in kinds:
            parts.append(_TOKEN_WORDS[kind])
    if kinds & {"$END", "_SEP"} and not kinds & {"NUMBER", "NAME"}:
        parts.append("the end of the statement")
    if not parts:
        return ""
    return ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def _unclosed_paren(text: str, end: int) -> int | None:
    """The offset of the innermost '(' or '[' before ``end`` that is never closed, ignoring comments."""
    stack: list[int] = []
    comment = False
    # Only the characters that matter are visited: a 10^7-character name costs one scan in C.
    for match in _BRACKETS.finditer(text, 0, end):
        ch = match.group()
        if comment:
            comment = ch != "\n"
        elif ch == "#":
            comment = True
        elif ch in "([":
            stack.append(match.start())
        elif ch in ")]" and stack:
            stack.pop()
    return stack[-1] if stack else None


_BRACKETS = re.compile(r"[#()\[\]\n]")


def _possible(kinds: set[str], text: str, at: int) -> set[str]:
    """Drop what LALR's merged states offer but cannot be right here: ')' with no
    '(' open, ',' outside a call's parentheses, the end of a statement inside them."""
    open_at = _unclosed_paren(text, at)
    if open_at is None:
        return kinds - {"RPAR", "RSQB", "COMMA"}
    kinds = kinds - {"$END", "_SEP"}  # a statement cannot end inside parentheses
    if text[open_at] == "[":  # inside a literal: its elements are separated by ','
        return kinds - {"RPAR"}
    kinds -= {"RSQB"}
    before = text[:open_at].rstrip()
    if not (before and (before[-1].isalnum() or before[-1] == "_")):
        kinds -= {"COMMA"}
    return kinds


def _describe(token_type: str, value: str) -> str:
    if token_type == "NUMBER":
        return f"number {value}"
    if token_type == "NAME":
        return f"name '{value}'"
    return f"'{value}'" if value else _TOKEN_WORDS.get(token_type, token_type)  # as typed: '**', not '^'"


def locate(error: ParseError, source: Source, tail: str = "") -> ParseError:
    """The error with its source, its message saying where (``at line 3, column 14``), then ``tail``."""
    error.source = source
    if error.span is not None:
        error.message = f"{error.message} at {source.where(error.span[0])}"
    error.message += tail
    error.args = (error.message,)
    return error


def _token_error(error: UnexpectedToken, source: Source) -> ParseError:
    token = error.token
    kind = token.type
    expected = _expected(_possible(set(error.expected), source.text, token.start_pos))
    tail = f"; expected {expected}" if expected else ""
    text = source.text

    if kind == "$END":
        at = len(text.rstrip())
        hint = None
        open_at = _unclosed_paren(text, len(text))
        if open_at is not None:
            hint = _never_closed(source, open_at)
        return locate(ParseError("unexpected end of input", span=(at, at + 1), hint=hint), source, tail)

    span = (token.start_pos, max(token.end_pos, token.start_pos + 1))
    if kind == "_SEP" and token == "\n":
        open_hint = "to continue an expression on the next line, wrap it in parentheses"
        return locate(ParseError("unexpected end of line", span=span, hint=open_hint), source, tail)
    open_at = _unclosed_paren(text, token.start_pos)
    in_literal = open_at is not None and text[open_at] == "["
    if kind == "_SEP":
        hint = "write a matrix as a list of rows: [[1, 2], [3, 4]]" if in_literal else None
        return locate(ParseError("unexpected ';'", span=span, hint=hint), source, tail)

    hint = None
    if in_literal and kind in {"NUMBER", "NAME", "LPAR", "LSQB", "MINUS"} and set(error.expected) & {"COMMA"}:
        hint = "separate the elements with commas: [1, 2, 3], or [[1, 2], [3, 4]] for a matrix"
    elif open_at is not None and "\n" in text[open_at : token.start_pos]:
        # Inside parentheses a newline is only white space, so a '(' left open on an
        # earlier line runs into the next statement: that '(' is the mistake, not this token.
        hint = _never_closed(source, open_at)
    elif kind in {"NUMBER", "NAME", "LPAR"} and set(error.expected) & _OPERATORS:
        before = text[: token.start_pos].rstrip()
        hint = (
            f"to multiply, write '*': {before.split()[-1] if before.split() else ''}*{token}"
            if kind != "LPAR"
            else "to multiply, write '*' before '('"
        ) + " (implicit multiplication is only for a number before a name or '(', and for ')(')"
    elif kind == "EQUAL":
        hint = "'=' names a value, as in z = w*x; only a plain name can stand on its left"
    elif kind == "RPAR" and open_at is None:
        hint = "this ')' has no matching '('"
    elif kind in {"RSQB", "RPAR"} and open_at is not None and text[: token.start_pos].rstrip().endswith(","):
        hint = "a ',' needs another element after it: [1, 2], max(a, b)"
    elif kind == "RSQB" and open_at is None:
        hint = "this ']' has no matching '['"
    elif kind == "RSQB" or (kind == "RPAR" and in_literal):
        if open_at is not None:
            closer = ")" if text[open_at] == "(" else "]"
            hint = f"close the '{text[open_at]}' at {source.where(open_at)} with '{closer}'"
    elif kind == "COMMA":
        hint = "',' separates the arguments of a function call such as max(a, b)"
    return locate(ParseError(f"unexpected {_describe(kind, str(token))}", span=span, hint=hint), source, tail)


def _never_closed(source: Source, open_at: int) -> str:
    return f"the '{source.text[open_at]}' at {source.where(open_at)} is never closed"


def translate(error: UnexpectedInput, source: Source) -> ParseError:
    """A ``ParseError`` for one of Lark's ``UnexpectedInput`` errors."""
    if isinstance(error, UnexpectedToken):
        return _token_error(error, source)
    if isinstance(error, UnexpectedCharacters):
        at = error.pos_in_stream
        char = source.text[at] if at < len(source.text) else ""
        hint = CHARACTER_HINTS.get(char)
        if hint is None and not char.isprintable():
            hint = f"the character U+{ord(char):04X} is not part of the language"
        shown = char if char.isprintable() else f"U+{ord(char):04X}"
        return locate(ParseError(f"unexpected character '{shown}'", span=(at, at + 1), hint=hint), source)
    at = getattr(error, "pos_in_stream", 0) or 0
    return locate(ParseError("the program is not valid", span=(at, at + 1)), source)


# ---- unknown functions -------------------------------------------------------------


def unknown_function(name: str, args: list[Expr], span: tuple[int, int], text: str) -> ProgramError:
    """``foo(x)`` where gradcli has no function foo: the near misses, or the list of functions.

    A near miss is within a small edit distance (one edit in a short name, two
    in a long one: ``sni`` for sin, ``arctan`` for atan), never a shared tail
    (``softmax`` is not ``max``). ``x(y+1)`` may be a product with a missing
    ``*``: that is suggested only for a name that reads as a variable, one
    the program uses elsewhere or a single letter (``x``, ``w1``), since
    ``sum(x)`` is a call of a function gradcli does not have, not ``sum*(x)``.
    """
    from .ops import FUNCTIONS

    called = " ".join(text[span[0] + len(name) : span[1]].split())  # "(y+1)"
    limit = 1 if len(name) <= 5 else 2
    distance = {f: _edit_distance(name, f, limit) for f in FUNCTIONS}
    best = min(distance.values())
    near = [f"{f}{called}" for f, d in distance.items() if d == best <= limit][:3]  # in the order of `gradcli ops`
    listed = f"{', '.join(near[:-1])} or {near[-1]}" if len(near) > 1 else "".join(near)
    hints = [f"did you mean {listed}?"] if near else []
    if len(args) == 1 and _reads_as_variable(name, text, span):
        hints.append(f"to multiply, write {name}*{called}")  # a name followed by "(" is a call (contract, 1)
    if not hints:
        functions = ", ".join(sorted(FUNCTIONS))
        hints.append(f"the functions are: {functions} (`gradcli ops` describes them)")
    return ProgramError(f"unknown function '{name}'", span=span, hint=" Or, ".join(hints))


def _reads_as_variable(name: str, text: str, span: tuple[int, int]) -> bool:
    """A single letter (with digits after it: w1), or a name the program uses elsewhere not as a call."""
    if re.fullmatch(r"[^\W\d_]\d*", name):
        return True
    # str.find, not a regex built from the name: a pattern of a 10^7-character name takes minutes.
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        if (
            at != span[0]
            and (at == 0 or (not _word_char(text[at - 1]) and text[at - 1] != "."))
            and (end == len(text) or not _word_char(text[end]))
            and _CALL_AFTER.match(text, end) is None
        ):
            return True
        at = text.find(name, at + 1)
    return False


_CALL_AFTER = re.compile(r"\s*\(")


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _edit_distance(a: str, b: str, limit: int) -> int:
    """The optimal-string-alignment distance of a and b (a swap of neighbours is one edit); limit + 1 if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        above, row = row, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        before = above
    return min(row[-1], limit + 1)
