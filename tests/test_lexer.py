"""The scanning lexer (gradcli/parser.py) yields exactly the tokens of Lark's own basic lexer.

It replaces Lark's per-token loop with one ``finditer`` pass for speed; these
tests hold it to the same tokens, positions and errors on arbitrary text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters
from lark.lexer import BasicLexer, LexerState
from lark.utils import TextSlice

from gradcli.parser import _parser, _ScanningLexer

PARSER = _parser()
SCANNING = PARSER.parser.lexer.lexer  # inside the post-lexer connector
STOCK = BasicLexer(PARSER.lexer_conf)

# The language's characters, and some that are not (so errors are compared too).
ALPHABET = "xyzw_θé019.eE+-*/^(),;=# \t\n\r²$@!½−"


def _tokens(lexer: BasicLexer, text: str) -> tuple[list[tuple], tuple | None]:
    tokens, error = [], None
    try:
        for t in lexer.lex(LexerState(TextSlice.cast_from(text)), None):
            tokens.append((t.type, t.value, t.start_pos, t.end_pos, t.line, t.column, t.end_line, t.end_column))
    except UnexpectedCharacters as e:
        error = (e.pos_in_stream, e.line, e.column, e.char)
    return tokens, error


def test_the_parser_uses_the_scanning_lexer() -> None:
    assert isinstance(SCANNING, _ScanningLexer)


@pytest.mark.parametrize(
    "text",
    ["x^2 + x*y", "z = w1*x1 + b\ny = sigmoid(z)\n", "2x # c\n\n  (θ + 1.5e3)(x)", "a;b;;", "x $ y", "", "\n\n\n"],
)
def test_same_tokens_as_lark(text: str) -> None:
    assert _tokens(SCANNING, text) == _tokens(STOCK, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_same_tokens_as_lark_on_arbitrary_text(text: str) -> None:
    assert _tokens(SCANNING, text) == _tokens(STOCK, text)
