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
import re
import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput
from lark.lark import PostLex
from lark.lexer import BasicLexer

from .errors import GradcliError, ParseError, ProgramError
from .ops import ARRAY, BY_NAME, CONSTANTS, FUNCTIONS
from .source import Source
from .syntax import Apply, Assign, Expr, Name, Num, Program

_ADD, _SUB, _MUL, _DIV, _NEG, _POW, _MATMUL = (BY_NAME[n] for n in ("add", "sub", "mul", "div", "neg", "pow", "matmul"))


def grammar_path() -> str:
    """The grammar file: inside the installed package, or ``grammar/`` of a source checkout."""
    # os.path, not pathlib: importing pathlib costs every run ~4 ms of start-up.
    here = os.path.dirname(os.path.realpath(__file__))
    for folder in (here, os.path.dirname(here)):
        candidate = os.path.join(folder, "grammar", "gradcli.lark")
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError("gradcli's grammar file (grammar/gradcli.lark) is missing from the installation")


class _TokenFilter(PostLex):
    """Lark post-lexer: makes implicit multiplication explicit, joins lines inside ( ).

    ``IMPLICIT`` goes between a number and a following name or ``(``, and
    between ``)`` and ``(``: exactly the forms of contract section 1.
    """

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
            elif kind == "RPAR" or kind == "RSQB":
                depth -= 1
            elif kind == "LSQB":
                depth += 1
            elif kind == "_SEP" and depth > 0 and token == "\n":
                continue  # inside parentheses or brackets a newline is only white space
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


class _ScanningLexer(BasicLexer):
    """Lark's basic lexer, scanning with one ``finditer`` pass instead of one ``match`` call per token.

    The same terminals in the same order of preference, so the same tokens
    with the same positions; only the loop over the text runs in C. (Lexing
    is half of Lark's parse of a large program; this makes it a fifth.)
    """

    def lex(self, state: Any, parser_state: Any) -> Iterator[Token]:
        scanner = self.scanner
        patterns = getattr(scanner, "_mres", None)
        source = getattr(state, "text", None)
        if (
            not isinstance(patterns, list)
            or len(patterns) != 1
            or self.callback
            or getattr(source, "start", None) != 0
            or not isinstance(getattr(source, "text", None), str)
        ):
            # What this loop does not handle, or a Lark whose internals differ: Lark's own loop.
            yield from super().lex(state, parser_state)
            return
        text, end = source.text, source.end
        ignore, newline_types = self.ignore_types, self.newline_types
        make = str.__new__
        line, line_start, pos = 1, 0, 0
        last = None
        for match in _total(patterns[0]).finditer(text, 0, end):
            kind = match.lastgroup
            if kind == _UNMATCHED:
                break  # a character that no terminal matches
            start = match.start()
            value = match.group()
            pos = match.end()
            first_line, column = line, start - line_start + 1
            if kind in newline_types and "\n" in value:
                line += value.count("\n")
                line_start = start + value.rindex("\n") + 1
            if kind in ignore:
                continue
            token = make(Token, value)  # Token(...) without its Python-level __new__
            token.type, token.value, token.start_pos, token.end_pos = kind, value, start, pos
            token.line, token.column, token.end_line, token.end_column = first_line, column, line, pos - line_start + 1
            last = token
            yield token
        if pos != end:
            raise UnexpectedCharacters(
                text,
                pos,
                line,
                pos - line_start + 1,
                allowed=scanner.allowed_types - ignore,
                token_history=last and [last],
                state=parser_state,
                terminals_by_name=self.terminals_by_name,
            )


_UNMATCHED = "__unmatched"


@cache
def _total(terminals: re.Pattern[str]) -> re.Pattern[str]:
    """The terminals' pattern, and last a catch-all for one character that none of them matches.

    ``finditer`` over the terminals alone would skip ahead to the next token
    after a bad character: over a 50 MB run of such characters, 13 seconds
    of searching before the error. With the catch-all every position matches,
    so the first bad character ends the scan at once; it costs nothing where
    a terminal matches, since alternatives are tried in order.
    """
    return re.compile(f"{terminals.pattern}|(?P<{_UNMATCHED}>[\\s\\S])", terminals.flags)


class _TreeBuilder(Transformer):
    """Builds syntax-tree nodes as the parser reduces; method names are grammar aliases.

    Each method takes the list of its rule's children. (``v_args(inline=True)``
    would read better, but it wraps every call in three more Python calls: a
    fifth of the parse of a large program.) ``text`` is the program being
    parsed, for hints that quote it.
    """

    text = ""
    tensor = False  # whether the program has a literal [...], @ or a tensor function

    def start(self, statements: list[Any]) -> list[Any]:
        return statements

    def assign(self, children: list[Any]) -> Assign:
        name, expr = children
        return Assign(str(name), expr, name.start_pos, expr.end)

    def number(self, children: list[Token]) -> Num:
        (token,) = children
        return Num(float(token), str(token), token.start_pos, token.end_pos)

    def name(self, children: list[Token]) -> Expr:
        (token,) = children
        if token in CONSTANTS:
            return Num(CONSTANTS[token], str(token), token.start_pos, token.end_pos)
        if token in FUNCTIONS:
            op = FUNCTIONS[token]
            raise ProgramError(
                f"'{token}' is a function: call it as {token}({', '.join(op.params)})",
                span=(token.start_pos, token.end_pos),
            )
        return Name(str(token), token.start_pos, token.end_pos)

    def add(self, children: list[Any]) -> Apply:
        a, _, b = children
        return Apply(_ADD, (a, b), a.start, b.end)

    def sub(self, children: list[Any]) -> Apply:
        a, _, b = children
        return Apply(_SUB, (a, b), a.start, b.end)

    def mul(self, children: list[Any]) -> Apply:
        a, _, b = children
        return Apply(_MUL, (a, b), a.start, b.end)

    def div(self, children: list[Any]) -> Apply:
        a, _, b = children
        return Apply(_DIV, (a, b), a.start, b.end)

    def matmul(self, children: list[Any]) -> Apply:
        a, _, b = children
        self.tensor = True
        return Apply(_MATMUL, (a, b), a.start, b.end)

    def array(self, children: list[Any]) -> Apply:
        lsqb, args, rsqb = children
        if not args:
            raise ProgramError(
                "[] is empty: a vector needs at least one element",
                span=(lsqb.start_pos, rsqb.end_pos),
                hint="write its elements with commas: [1, 2, 3]",
            )
        self.tensor = True
        return Apply(ARRAY, tuple(args), lsqb.start_pos, rsqb.end_pos)

    def pow(self, children: list[Any]) -> Apply:
        a, _, b = children
        return Apply(_POW, (a, b), a.start, b.end)

    def neg(self, children: list[Any]) -> Apply:
        token, a = children
        return Apply(_NEG, (a,), token.start_pos, a.end)

    def pos(self, children: list[Any]) -> Expr:
        return children[1]  # unary plus changes nothing, so it makes no node

    def group(self, children: list[Any]) -> Expr:
        # (a): no node of its own, but the span takes in the parentheses, so that the
        # snippet and caret of an operation on it are "(x+1)/(x-1)", not "x+1)/(x-1".
        lpar, expr, rpar = children
        expr.start, expr.end = lpar.start_pos, rpar.end_pos
        return expr

    def args(self, exprs: list[Expr]) -> list[Expr]:
        return exprs

    def call(self, children: list[Any]) -> Apply:
        name, args, rpar = children
        args = args or []
        span = (name.start_pos, rpar.end_pos)
        op = FUNCTIONS.get(name)
        if op is None:
            from .syntax_errors import unknown_function

            raise unknown_function(str(name), args, span, self.text)
        if len(args) != op.arity:
            want = "1 argument" if op.arity == 1 else f"{op.arity} arguments"
            raise ProgramError(
                f"{name} takes {want}, got {len(args)}",
                span=span,
                hint=f"write {name}({', '.join(op.params)})",
            )
        written = None if name == op.name or name == op.symbol else str(name)
        if op.tensor:
            self.tensor = True
        return Apply(op, tuple(args), name.start_pos, rpar.end_pos, written)


_TREE_BUILDER = _TreeBuilder()


@cache
def _parser() -> Lark:
    """The LALR parser, built once per process; its tables are cached between processes."""
    with open(grammar_path(), encoding="utf-8") as file:
        grammar = file.read()
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "basic",
        "transformer": _TREE_BUILDER,
        "postlex": _TokenFilter(),
        "maybe_placeholders": True,
        "_plugins": {"BasicLexer": _ScanningLexer},
    }
    cache_file = _cache_file(grammar)
    if cache_file is not None:
        # Lark checks the grammar's hash in the file and rebuilds a stale one.
        options["cache"] = cache_file
    return Lark(grammar, **options)


def _cache_file(grammar: str) -> str | None:
    """Where the parser tables are cached, or None when no cache folder can be made.

    The name carries a hash of the grammar and Lark's version, so installs of
    different gradcli versions keep their own tables instead of overwriting
    each other's (Lark also checks the hash inside the file).
    """
    import hashlib  # already imported by Lark: no cost

    import lark

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "gradcli")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    key = hashlib.sha256(f"{lark.__version__}\0{grammar}".encode()).hexdigest()[:12]
    return os.path.join(folder, f"parser-py{sys.version_info[0]}{sys.version_info[1]}-{key}.lark")


def parse(text: str, filename: str | None = None) -> Program:
    """Parse a program into its syntax tree; raises ``ParseError`` or ``ProgramError``
    (and ``UsageError`` for text holding undecodable bytes: see ``textinput``)."""
    if not text.isascii():
        from .textinput import check_text

        check_text(text, f"the program file {filename}" if filename else "the program")
    source = Source(text, filename)
    parser = _parser()
    _TREE_BUILDER.text = text
    _TREE_BUILDER.tensor = False
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
        if isinstance(error, ParseError):
            from .syntax_errors import locate

            locate(error, source)  # a syntax error says where: at line L, column C
        raise
    finally:
        if collecting:
            gc.enable()
    if not statements:
        raise ProgramError("the program is empty", hint="give an expression, such as x^2 + x*y")
    return Program(source, statements, _TREE_BUILDER.tensor)
