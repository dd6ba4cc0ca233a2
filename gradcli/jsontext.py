"""JSON text as gradcli writes it: RFC 8259, full precision, no raw control characters.

``json.dumps`` with ``ensure_ascii=False`` escapes the C0 controls but lets
DEL and the C1 controls (U+007F-U+009F, among them the terminal's CSI)
through raw; they are legal JSON, but not text to print on a terminal. Here
they are written as ``\\u007f`` escapes too, which any JSON reader reads back
as the same characters. Outside strings JSON holds only ASCII, so every one
of these characters is inside a string.
"""

from __future__ import annotations

import json
import re
from typing import Any

_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
_ANY_C1 = re.compile("[\x7f-\x9f]")  # a search is far faster than translate on megabytes of text without any


def dumps(data: Any) -> str:
    """One JSON value on one line; NaN and infinities are refused (``ValueError``), as RFC 8259 has none."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text if text.isascii() or not _ANY_C1.search(text) else text.translate(_C1)
