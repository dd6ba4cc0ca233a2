"""Reading text input: one size limit, UTF-8 only, and where a bad byte is.

Programs and values files come from the command line, standard input or a
file, and the same rules hold for all three: at most ``MAX_INPUT_BYTES``
bytes (so ``/dev/zero`` or an endless pipe stops instead of filling memory),
UTF-8 with an optional byte-order mark, and invalid UTF-8 refused with exit 2
naming the byte offset, line and column of the first bad byte. Python hands
command-line arguments over as text whose undecodable bytes are lone
surrogates (``surrogateescape``); ``check_text`` finds those.
"""

from __future__ import annotations

import re
import sys

from .errors import UsageError

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest program or values file gradcli reads: 64 MiB, four times a 10^6-term program."""

_CHUNK = 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = "\ufeff"


def read_input(path: str | None, what: str) -> str:
    """The text of a file (``path``) or of standard input (``None``), within the size limit.

    ``what`` names the input in messages (``"the program file p.grad"``).
    Raises ``UsageError`` for a missing or unreadable file, input beyond the
    limit, or bytes that are not UTF-8.
    """
    try:
        if path is None:
            data = _read_limited(sys.stdin.buffer, what)
        else:
            with open(path, "rb") as stream:
                data = _read_limited(stream, what)
    except FileNotFoundError:
        raise UsageError(f"cannot read {what}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {what}: it is a folder") from None
    except OSError as error:
        raise UsageError(f"cannot read {what}: {error.strerror or error}") from None
    return decode(data, what)


def _read_limited(stream: object, what: str) -> bytes:
    """Up to the limit, in chunks: a FIFO or device that never ends stops one byte past it."""
    read = stream.read  # type: ignore[attr-defined]
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_INPUT_BYTES:
        chunk = read(min(_CHUNK, MAX_INPUT_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise UsageError(
        f"{what} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB, the most gradcli reads",
        hint="a program of a million terms is about 16 MiB; split the input or check that it is the right file",
    )


def decode(data: bytes, what: str) -> str:
    """UTF-8 text from bytes, without a leading byte-order mark; invalid UTF-8 is a ``UsageError``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8")
        raise _not_utf8(what, f"byte 0x{data[error.start]:02X}", error.start, before) from None
    return text[1:] if text.startswith(_BOM) else text


def check_text(text: str, what: str) -> None:
    """Refuse text that holds a lone surrogate: an undecodable byte of a command-line argument.

    Called on every program text (``gradcli.parse``), so that the API refuses
    what the command line refuses and nothing downstream meets text that
    cannot be written as UTF-8.
    """
    if text.isascii():
        return
    found = _SURROGATE.search(text)
    if found is None:
        return
    at = found.start()
    code = ord(text[at])
    # surrogateescape maps byte b (0x80-0xFF) to U+DC00 + b
    byte = f"byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"a lone surrogate U+{code:04X}"
    raise _not_utf8(what, byte, len(text[:at].encode("utf-8")), text[:at])


def is_text(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (it holds no lone surrogate)."""
    return text.isascii() or _SURROGATE.search(text) is None


def _not_utf8(what: str, byte: str, offset: int, before: str) -> UsageError:
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return UsageError(
        f"{what} is not UTF-8 text: {byte} at byte offset {offset} (line {line}, column {column})",
        hint="gradcli reads UTF-8 text; convert it, for example: iconv -f latin1 -t utf-8",
    )
