"""Text to syntax tree: the Lark LALR parser with the tree built during parsing.

The grammar lives in ``grammar/gradcli.lark``. A transformer applied while
the LALR parser reduces builds the syntax tree directly, so no parse tree is
built, walked and thrown away, and no step recurses on the depth of the input.
The parser is built once per process; its tables are cached on disk, so later
processes load them instead of analysing the grammar again.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput

from .errors import GradcliError, ParseError, ProgramError
from .ops import BY_NAME, CONSTANTS, FUNCTIONS
from .source import Source
from .syntax import Apply, Assign, Expr, Name, Num, Program

_ADD, _SUB, _MUL, _DIV, _NEG, _POW = (BY_NAME[n] for n in ("add", "sub", "mul", "div", "neg", "pow"))


def grammar_path() -> Path:
    """The grammar file: inside the installed package, or ``grammar/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / "gradcli.lark", here.parent / "grammar" / "gradcli.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("gradcli's grammar file (grammar/gradcli.lark) is missing from the installation")


class _TokenFilter:
    """Lark post-lexer: makes implicit multiplication explicit, joins lines inside ( ).

    ``IMPLICIT`` goes between a number and a following name or ``(``, and
    between ``)`` and ``(``: exactly the forms of contract section 1.
    """

    always_accept = ("_SEP",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth = 0
        previous = ""
        for token in stream:
            kind = token.type
            if kind == "LPAR":
                if previous == "NUMBER" or previous == "RPAR":
                    yield Token.new_borrow_pos("IMPLICIT", "", token)
                depth += 1
            elif kind == "NAME":
                if not token.isidentifier():
                    raise _bad_name_character(token)
                if previous == "NUMBER":
                    yield Token.new_borrow_pos("IMPLICIT", "", token)
            elif kind == "RPAR":
                depth -= 1
            elif kind == "_SEP" and depth > 0 and token == "\n":
                continue  # inside parentheses a newline is only white space
            previous = kind
            yield token


def _bad_name_character(token: Token) -> ParseError:
    """The grammar's NAME takes what regular expressions call word characters, which
    include numeric symbols such as ² and ½; a name is letters, digits and _ only."""
    from .syntax_errors import CHARACTER_HINTS

    at = next(i for i, c in enumerate(token) if not ("a" + c if i else c).isidentifier())
    char = token[at]
    span = (token.start_pos + at, token.start_pos + at + 1)
    return ParseError(f"unexpected character '{char}'", span=span, hint=CHARACTER_HINTS.get(char))


@v_args(inline=True)
class _TreeBuilder(Transformer):
    """Builds syntax-tree nodes as the parser reduces; method names are grammar aliases.

    ``text`` is the program being parsed, for hints that quote it.
    """

    text = ""

    def start(self, *statements: Any) -> list[Any]:
        return list(statements)

    def assign(self, name: Token, expr: Expr) -> Assign:
        return Assign(str(name), expr, name.start_pos, expr.end)

    def number(self, token: Token) -> Num:
        return Num(float(token), str(token), token.start_pos, token.end_pos)

    def name(self, token: Token) -> Expr:
        if token in CONSTANTS:
            return Num(CONSTANTS[token], str(token), token.start_pos, token.end_pos)
        if token in FUNCTIONS:
            op = FUNCTIONS[token]
            raise ProgramError(
                f"'{token}' is a function: call it as {token}({', '.join(op.params)})",
                span=(token.start_pos, token.end_pos),
            )
        return Name(str(token), token.start_pos, token.end_pos)

    def add(self, a: Expr, _: Token, b: Expr) -> Apply:
        return Apply(_ADD, (a, b), a.start, b.end)

    def sub(self, a: Expr, _: Token, b: Expr) -> Apply:
        return Apply(_SUB, (a, b), a.start, b.end)

    def mul(self, a: Expr, _: Token, b: Expr) -> Apply:
        return Apply(_MUL, (a, b), a.start, b.end)

    def div(self, a: Expr, _: Token, b: Expr) -> Apply:
        return Apply(_DIV, (a, b), a.start, b.end)

    def pow(self, a: Expr, token: Token, b: Expr) -> Apply:
        return Apply(_POW, (a, b), a.start, b.end)

    def neg(self, token: Token, a: Expr) -> Apply:
        return Apply(_NEG, (a,), token.start_pos, a.end)

    def pos(self, token: Token, a: Expr) -> Expr:
        return a  # unary plus changes nothing, so it makes no node

    def args(self, *exprs: Expr) -> list[Expr]:
        return list(exprs)

    def call(self, name: Token, args: list[Expr] | None, rpar: Token) -> Apply:
        args = args or []
        span = (name.start_pos, rpar.end_pos)
        op = FUNCTIONS.get(name)
        if op is None:
            raise _unknown_function(str(name), args, span, self.text)
        if len(args) != op.arity:
            want = "1 argument" if op.arity == 1 else f"{op.arity} arguments"
            raise ProgramError(
                f"{name} takes {want}, got {len(args)}",
                span=span,
                hint=f"write {name}({', '.join(op.params)})",
            )
        written = None if name == op.name or name == op.symbol else str(name)
        return Apply(op, tuple(args), name.start_pos, rpar.end_pos, written)


_TREE_BUILDER = _TreeBuilder()


def _unknown_function(name: str, args: list[Expr], span: tuple[int, int], text: str) -> ProgramError:
    from difflib import get_close_matches

    called = " ".join(text[span[0] + len(name) : span[1]].split())  # "(y+1)"
    hints = [f"did you mean {close}{called}?" for close in get_close_matches(name, FUNCTIONS, n=1, cutoff=0.6)]
    if len(args) == 1:
        # A name followed by "(" is always a call (contract, section 1).
        hints.append(f"to multiply, write {name}*{called}")
    hint = " Or, ".join(hints) if hints else "`gradcli ops` lists the functions"
    return ProgramError(f"unknown function '{name}'", span=span, hint=hint)


@cache
def _parser() -> Lark:
    """The LALR parser, built once per process; its tables are cached between processes."""
    grammar = grammar_path().read_text(encoding="utf-8")
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "basic",
        "transformer": _TREE_BUILDER,
        "postlex": _TokenFilter(),
        "maybe_placeholders": True,
    }
    cache_file = _cache_file()
    if cache_file is not None:
        # Lark checks the grammar's hash in the file and rebuilds a stale one.
        options["cache"] = str(cache_file)
    return Lark(grammar, **options)


def _cache_file() -> Path | None:
    """Where the parser tables are cached, or None when no cache folder can be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "gradcli"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / f"parser-py{sys.version_info[0]}{sys.version_info[1]}.lark"


def parse(text: str, filename: str | None = None) -> Program:
    """Parse a program into its syntax tree; raises ``ParseError`` or ``ProgramError``."""
    source = Source(text, filename)
    parser = _parser()
    _TREE_BUILDER.text = text
    # A large tree is millions of small objects; the cyclic collector would
    # rescan them over and over while they are made (they hold no cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        statements = parser.parse(text)
    except UnexpectedInput as error:
        from .syntax_errors import translate

        raise translate(error, source) from None
    except GradcliError as error:
        error.source = source
        raise
    finally:
        if collecting:
            gc.enable()
    if not statements:
        raise ProgramError("the program is empty", hint="give an expression, such as x^2 + x*y")
    return Program(source, statements)
