"""Reading what users and their files give sdcli: bytes, UTF-8 text and JSON, with bounds.
No CLI imports.

Every path that reads a user's JSON (`open --from-file`, `import` of JSON and JSON lines, a
`--mapping` file, a draft) parses it here, so that a hostile or broken file is one clear
refusal, never a crash: not UTF-8, nested deeper than any sdcli document, numbers no ticket
holds (beyond 64 bits, NaN, infinities), text that is not valid Unicode (a lone surrogate).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sdcli.errors import InvalidValue
from sdcli.i18n import Message
from sdcli.shapes import valid_unicode

#: JSON deeper than this is refused (a ticket's deepest field, a history change of a contact
#: list, is 6 levels deep)
MAX_DEPTH = 64


def read_source(source: str, what: str = "file") -> bytes:
    """The bytes of a file, or of stdin for '-'."""
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        return Path(source).read_bytes()
    except OSError as e:
        raise InvalidValue(what, source, "invalid.read_it", reason=str(e.strerror or e)) from None
    except ValueError as e:  # a path with a NUL byte
        raise InvalidValue(what, source, "invalid.read_it", reason=str(e)) from None


def decode(data: bytes, source: str, what: str = "file") -> str:
    """UTF-8 text (with or without a BOM), or UTF-16 with its BOM (Excel's "Unicode Text": the
    mark says which, no guess); anything else is refused, naming the byte and its offset and how
    to save the file as UTF-8 (a spreadsheet's plain CSV is Windows-1252)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InvalidValue(what, source, "invalid.not_utf16_file", offset=e.start) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidValue(what, source, not_utf8(e)) from None


def not_utf8(e: UnicodeDecodeError) -> Message:
    """Why text is not UTF-8 and what to do: the byte and its offset, save it as UTF-8 or convert
    it with iconv. The one reason of every reader: a CSV or JSON file, a desk file in the home
    (config.py), text piped to stdin (ui.GuardedInput)."""
    data = e.object
    byte = f"{data[e.start]:02X}" if e.start < len(data) else "??"
    return Message("invalid.not_utf8_file", byte=byte, offset=e.start)


def parse_json(text: str | bytes) -> Any:
    """A JSON value within sdcli's bounds. Raises ValueError with the reason (str(): English, the
    parser's or a Message of foreign.bounds; said in the session's language where it is shown)."""
    from sdcli.store import loads

    data = loads(text)  # orjson, else the stdlib; "nested too deeply" as a ValueError
    problem = _problem(data)
    if problem:
        raise ValueError(str(problem))
    return data


def _problem(data: Any) -> Message | None:
    """What in a parsed JSON value is beyond sdcli's bounds, or None (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not valid_unicode(value):
                return Message("foreign.bounds.surrogate")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if value.bit_length() > 64:
                return Message("foreign.bounds.too_large")
        elif isinstance(value, float):
            if not math.isfinite(value):
                return Message("foreign.bounds.not_finite")
        elif isinstance(value, list | dict):
            if depth > MAX_DEPTH:
                return Message("foreign.bounds.deep", depth=MAX_DEPTH)
            if isinstance(value, dict):
                for k in value:
                    if not valid_unicode(k):
                        return Message("foreign.bounds.key_surrogate")
                items: Iterable[Any] = value.values()
            else:
                items = value
            stack.extend((v, depth + 1) for v in items)
    return None
