"""Lark's parse errors, said the way a person would say them.

Lark reports the token or character it could not take and the set of
terminals it expected; this turns that into one sentence, a caret position
and, where one exists, a hint (a missing ``*``, an unclosed ``(``, a
statement cut by a newline, a Unicode symbol that has an ASCII spelling).
"""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .errors import ParseError
from .source import Source

_OPERAND_START = {"NUMBER", "NAME", "LPAR", "MINUS", "PLUS"}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "POW"}
_TOKEN_WORDS = {
    "LPAR": "'('",
    "RPAR": "')'",
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
    "[": "use ( ) for grouping",
    "]": "use ( ) for grouping",
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
    for kind in ("RPAR", "COMMA"):
        if kind in kinds:
            parts.append(_TOKEN_WORDS[kind])
    if kinds & {"$END", "_SEP"} and not kinds & {"NUMBER", "NAME"}:
        parts.append("the end of the statement")
    if not parts:
        return ""
    return ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def _unclosed_paren(text: str, end: int) -> int | None:
    """The offset of the last '(' before ``end`` that is never closed, ignoring comments."""
    stack: list[int] = []
    comment = False
    for i, ch in enumerate(text[:end]):
        if comment:
            comment = ch != "\n"
        elif ch == "#":
            comment = True
        elif ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _possible(kinds: set[str], text: str, at: int) -> set[str]:
    """Drop what LALR's merged states offer but cannot be right here: ')' with no
    '(' open, ',' outside a call's parentheses, the end of a statement inside them."""
    open_at = _unclosed_paren(text, at)
    if open_at is None:
        return kinds - {"RPAR", "COMMA"}
    kinds = kinds - {"$END", "_SEP"}  # a statement cannot end inside parentheses
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
            hint = f"the '(' at {source.where(open_at)} is never closed"
        return ParseError(f"unexpected end of input{tail}", source=source, span=(at, at + 1), hint=hint)

    span = (token.start_pos, max(token.end_pos, token.start_pos + 1))
    if kind == "_SEP" and token == "\n":
        open_hint = "to continue an expression on the next line, wrap it in parentheses"
        return ParseError(f"unexpected end of line{tail}", source=source, span=span, hint=open_hint)
    if kind == "_SEP":
        return ParseError(f"unexpected ';'{tail}", source=source, span=span)

    hint = None
    if kind in {"NUMBER", "NAME", "LPAR"} and set(error.expected) & _OPERATORS:
        before = text[: token.start_pos].rstrip()
        hint = (
            f"to multiply, write '*': {before.split()[-1] if before.split() else ''}*{token}"
            if kind != "LPAR"
            else "to multiply, write '*' before '('"
        ) + " (implicit multiplication is only for a number before a name or '(', and for ')(')"
    elif kind == "EQUAL":
        hint = "'=' names a value, as in z = w*x; only a plain name can stand on its left"
    elif kind == "RPAR" and _unclosed_paren(text, token.start_pos) is None:
        hint = "this ')' has no matching '('"
    elif kind == "COMMA":
        hint = "',' separates the arguments of a function call such as max(a, b)"
    return ParseError(f"unexpected {_describe(kind, str(token))}{tail}", source=source, span=span, hint=hint)


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
        return ParseError(f"unexpected character '{shown}'", source=source, span=(at, at + 1), hint=hint)
    at = getattr(error, "pos_in_stream", 0) or 0
    return ParseError("the program is not valid", source=source, span=(at, at + 1))
