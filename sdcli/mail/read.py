"""Messages from where a desk's mail lands: `.eml` files, mbox files, Maildir folders (new/ and
cur/, left as they are), or one message on stdin (a delivery agent's pipe). No CLI imports.

Each message is parsed by the standard library's `email` package (policy `default`). Its
delivery time is what the mailbox knows — the newest Received header, the Maildir file's name,
the mbox "From " line (its ctime on this machine's clock, as the delivery agent beside the mailbox
wrote it) — else the file's time, else now (a message piped in is being delivered).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO

from sdcli.i18n import Literal, Message

MAX_BYTES = 25 * 1024 * 1024  # a message larger than a mail server takes is not one


@dataclass
class Raw:
    """One message as found: where (for the report), its bytes, when the mailbox got it."""

    source: str
    data: bytes | None
    delivered: datetime | None = None
    error: Any = None  # why it could not be read (a Message)


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _maildir(folder: Path) -> Iterator[Raw]:
    for sub in ("new", "cur"):
        d = folder / sub
        if not d.is_dir():
            continue
        for name in sorted(os.listdir(d)):
            if name.startswith("."):
                continue
            path = d / name
            head = name.split(".", 1)[0]
            when = _stamp(int(head)) if head.isdigit() and len(head) <= 12 else None
            yield _file(path, f"{folder.name}/{sub}/{name}", when)


def _file(path: Path, source: str, delivered: datetime | None = None) -> Raw:
    try:
        st = path.stat()
        if st.st_size > MAX_BYTES:
            return Raw(source, None, error=Message("inbox.too_large", mib=MAX_BYTES // 2**20))
        data = path.read_bytes()
    except OSError as e:
        return Raw(source, None, error=Message("inbox.cannot_read", reason=Literal(str(e.strerror or e))))
    return Raw(source, data, delivered or _stamp(st.st_mtime))


_FROM_LINE = re.compile(rb"^From \S+\s+(?P<date>.+?)\s*$")


def _mbox(path: Path, data: bytes) -> Iterator[Raw]:
    """Messages of an mbox file, split at its "From " lines (>From unquoted, mboxrd)."""
    from dateutil import parser as dateparser

    lines = data.split(b"\n")
    start: int | None = None
    when: datetime | None = None
    count = 0

    def one(chunk: list[bytes], when: datetime | None) -> Raw:
        body = b"\n".join(re.sub(rb"^>(>*From )", rb"\1", ln) for ln in chunk)
        return Raw(f"{path}#{count}", body.rstrip(b"\n") + b"\n", when)

    for i, line in enumerate(lines):
        if line.startswith(b"From ") and (i == 0 or not lines[i - 1].strip()):
            if start is not None:
                count += 1
                yield one(lines[start:i], when)
            start, when = i + 1, None
            m = _FROM_LINE.match(line)
            if m:
                try:  # ctime, on the delivering machine's clock: this one's, unless it names a zone
                    said = dateparser.parse(m.group("date").decode("ascii", "replace"))
                    when = said if said.tzinfo is not None else said.astimezone()
                except (ValueError, OverflowError):
                    when = None
    if start is not None:
        count += 1
        yield one(lines[start:], when)


def sources(paths: list[str], stdin: BinaryIO | None = None, now: datetime | None = None) -> Iterator[Raw]:
    """Every message the paths name ('-': one message on stdin), in order."""
    for name in paths:
        if name == "-":
            data = stdin.read(MAX_BYTES + 1) if stdin is not None else b""
            too_large = Message("inbox.too_large", mib=MAX_BYTES // 2**20)
            yield Raw("stdin", data, now) if len(data) <= MAX_BYTES else Raw("stdin", None, error=too_large)
            continue
        path = Path(name)
        if path.is_dir():
            if not any((path / sub).is_dir() for sub in ("new", "cur")):
                yield Raw(name, None, error=Message("inbox.not_maildir"))
                continue
            yield from _maildir(path)
            continue
        raw = _file(path, name)
        if raw.data is not None and raw.data.startswith(b"From "):
            yield from _mbox(path, raw.data)
        else:
            yield raw


class _Headers(HeaderRegistry):
    """policy.default's header registry, remembering the headers it parsed: the policy parses a
    header again at every access (a message's Content-Type a dozen times while its body is
    found), and most headers recur across a mailbox. The headers are only read, never changed."""

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one registry per process, kept on purpose
    def __call__(self, name: str, value: str):  # type: ignore[no-untyped-def]
        return super().__call__(name, value)


#: the `email` package's policy `default`, with the remembering registry
POLICY = policy.default.clone(header_factory=_Headers())


def parse(data: bytes) -> EmailMessage | None:
    """The message; None for bytes that are no e-mail message (no header at all)."""
    msg = BytesParser(policy=POLICY).parsebytes(data)
    if not msg.keys():
        return None
    return msg  # type: ignore[return-value]


def header(msg: EmailMessage, name: str) -> str:
    """The first `name` header's text, unfolded, its encoded words decoded; '' when absent. Read
    from the raw value: the policy's parse of a whole address or date structure costs about a
    millisecond a header, the most of reading a plain message."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() != wanted:
            continue
        raw = re.sub(r"\r?\n[ \t]*", " ", str(value)).strip()
        if "=?" not in raw:
            return raw
        try:
            return str(make_header(decode_header(raw)))
        except (HeaderParseError, LookupError, UnicodeError, ValueError):
            return str(msg.get(name) or "")  # the policy's reading, which never fails
    return ""


def _date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else None


def received_time(msg: EmailMessage) -> datetime | None:
    """When the desk's server got the message: the date of its newest (first) Received header."""
    date = header(msg, "Received").rpartition(";")[2].strip()
    return _date(date) if date else None


def sent_time(msg: EmailMessage) -> datetime | None:
    """The message's Date, or None when it has none that can be read (or no zone)."""
    date = header(msg, "Date")
    return _date(date) if date else None
