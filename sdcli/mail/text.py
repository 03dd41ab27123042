"""The text a person wrote in a message: the body part chosen (plain text, else HTML made text),
decoded whatever its charset, with what is not theirs cut — the quoted message of a reply, the
signature — and a forwarded message's own text kept, with its author. No CLI imports."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses
from html.parser import HTMLParser

#: charsets whose bytes are read as Windows-1252 (its superset: what mail clients mean by them)
_LATIN = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1", "windows-1252", "cp1252"}
_SIGNATURE = re.compile(
    r"^(-- ?|__+|enviado desde mi .*|sent from my .*|enviado do meu .*|enviado de meu .*|get outlook for .*|"
    r"obtener outlook para .*)$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"^(on .+ wrote:|el .+ escribi[oó]:|em .+ escreveu:|.+ <[^>]+> (wrote|escribi[oó]|escreveu):)\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|mensaje reenviado|mensagem encaminhada|mensagem reenviada|"
    r"original message|mensaje original|mensagem original)\s*-{2,}|begin forwarded message:|"
    r"inicio del mensaje reenviado:|in[ií]cio da mensagem (encaminhada|reenviada):)\s*$",
    re.IGNORECASE,
)
_OUTLOOK = re.compile(r"^\s*-{3,}\s*(original message|mensaje original|mensagem original)\s*-{3,}\s*$", re.I)
_HEADER = re.compile(
    r"^\s*\*?(from|de|sent|enviado( el)?|date|fecha|data|to|para|cc|subject|asunto|assunto)\s*:\*?\s*(?P<v>.*)$",
    re.IGNORECASE,
)
_FWD_SUBJECT = re.compile(r"^\s*(fwd?|rv|enc|tr)\s*:", re.IGNORECASE)


@dataclass
class Body:
    """What of a message is the sender's own: its text, and what is known around it."""

    text: str
    html_only: bool = False
    forwarded: bool = False
    author: tuple[str, str] | None = None  # (name, address) of a forwarded message's writer
    attachments: list[str] = field(default_factory=list)
    signature: str = ""  # the cut signature (a phone number may be found there)
    forward_start: int = 0  # where in text the forwarded message begins (the forwarder's note before)

    def writer_text(self) -> str:
        """Where the writer's phone number is looked for: their signature, then their text (of a
        forwarded message, its writer's part: the forwarder's number is not theirs)."""
        own = self.text[self.forward_start :] if self.author else self.text
        return f"{self.signature}\n{own}"


def decode(part: Message) -> str:
    """A text part's content as text, never an error: in its declared charset when that is neither
    UTF-8 nor Latin-1 and reads its bytes whole; else as UTF-8, each byte that is not UTF-8 read as
    Windows-1252 (Latin-1's superset). A client that declares UTF-8 and sends Windows-1252
    (`Cañete` as byte 0xF1) is read as written, and so is one Outlook footer line in Windows-1252
    under a UTF-8 form: replacing the bytes turned the labels with an accent into no labels, and
    reading the whole mail as Windows-1252 for one byte made every accented label mojibake."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload() or "").encode("utf-8", "replace")
    charset = (part.get_content_charset() or "").lower()
    if (
        charset
        and charset not in _LATIN
        and charset.replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii")
    ):
        try:
            return payload.decode(charset)
        except (UnicodeDecodeError, LookupError):
            pass
    return payload.decode("utf-8", errors=_AS_CP1252)


def _as_cp1252(e: UnicodeError) -> tuple[str, int]:
    """The bytes UTF-8 cannot read, read as Windows-1252 (U+FFFD for the five it leaves undefined)."""
    assert isinstance(e, UnicodeDecodeError)
    return e.object[e.start : e.end].decode("cp1252", errors="replace"), e.end


_AS_CP1252 = "sdcli.mail.cp1252"
codecs.register_error(_AS_CP1252, _as_cp1252)


class _HtmlText(HTMLParser):
    """HTML as the text a reader sees: blocks and rows on lines, cells apart, list items as bullets,
    quoted blocks marked '> ', scripts and styles dropped."""

    BLOCKS = {
        "p",
        "div",
        "br",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "ul",
        "ol",
        "hr",
        "section",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0

    def _newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag == "blockquote":
            self._newline()
            self.quote += 1
        elif tag in self.BLOCKS:
            self._newline()
            if tag == "li":
                self.lines[-1] = "• "
        elif tag in ("td", "th") and self.lines[-1].strip():
            self.lines[-1] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self._newline()
            self.quote = max(0, self.quote - 1)
        elif tag in self.BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if not text.strip() and not self.lines[-1]:
            return
        if self.quote and not self.lines[-1]:
            self.lines[-1] = "> " * self.quote
        self.lines[-1] += text


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "\n".join(line.strip() for line in parser.lines)


def _parts(msg: EmailMessage) -> tuple[str, bool, list[str], list[EmailMessage]]:
    """(the body's text, whether it came from HTML only, attachment names, attached messages)."""
    body = msg.get_body(preferencelist=("plain", "html"))
    text, html_only = "", False
    if body is not None:
        text = decode(body)
        if body.get_content_type() == "text/html":
            text, html_only = html_to_text(text), True
    names: list[str] = []
    attached: list[EmailMessage] = []
    for part in msg.iter_attachments() if msg.is_multipart() else []:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], EmailMessage):
                attached.append(inner[0])
            continue
        name = part.get_filename()
        if name:
            names.append(str(name))
    return text, html_only, names, attached


def _author(block: list[str]) -> tuple[str, str] | None:
    for line in block:
        m = _HEADER.match(line)
        if m and m.group(1).lower() in ("from", "de"):
            found = getaddresses([m.group("v").replace("[mailto:", "<").replace("]", ">")])
            if found and "@" in found[0][1]:
                return found[0]
    return None


def own_text(text: str, subject: str = "") -> tuple[str, bool, tuple[str, str] | None, str, int]:
    """(the sender's own text, forwarded?, the forwarded message's author, the signature cut, where
    in that text the forwarded message starts: 0 when nothing is forwarded).

    A forward starts at a client's forward line ("---------- Forwarded message ---------"), and
    under a forward's subject ("RV:", "Fwd:", "ENC:") also at Outlook's: a line of underscores
    (or nothing) then a header block from "De:"/"From:"; elsewhere such a block starts the message a
    reply quotes. A signature above a forward is the forwarder's: the forwarded text is read on."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forward_subject = bool(_FWD_SUBJECT.match(subject or ""))
    out: list[str] = []
    forwarded, author, signature, start = False, None, "", 0
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        at = _forward_at(lines, i, forward_subject, forwarded)
        if at is not None:
            if not forwarded:  # what came before was the forwarder's, their signature too
                start, signature = len("\n".join(out)), ""
            forwarded = True
            i, block = _forward_header(lines, at)
            author = author or _author(block)
            continue
        if _reply_starts(lines, i, forwarded):
            break  # a reply: what follows is the earlier message
        if stripped.startswith(">"):
            i += 1
            continue
        if _SIGNATURE.match(stripped):
            j = _next_forward(lines, i + 1, forward_subject, forwarded)
            signature = "\n".join(lines[i + 1 : i + 12 if j is None and not forwarded else j])
            if j is None:
                break
            i = j  # a forwarder's signature: the forwarded message follows
            continue
        out.append(line.rstrip())
        i += 1
    own = "\n".join(out)
    kept = own.strip("\n")
    return kept, forwarded, author, signature, max(0, start - (len(own) - len(own.lstrip("\n"))))


#: Outlook's rule above the header block of the message it forwards or quotes
_RULE = re.compile(r"^_{8,}$")
_FROM = re.compile(r"^\s*\*?(from|de)\s*:", re.IGNORECASE)


def _header_block(lines: list[str], j: int) -> bool:
    """Line j starts a block of mail headers: a From/De header followed by another header."""
    return (
        j + 1 < len(lines)
        and bool(_FROM.match(lines[j]))
        and bool(_HEADER.match(lines[j]))
        and bool(_HEADER.match(lines[j + 1]))
    )


def _forward_at(lines: list[str], i: int, forward_subject: bool, forwarded: bool) -> int | None:
    """Where the header lines of a forwarded message start, when one starts at line i (else None)."""
    line = lines[i]
    if _FORWARD.match(line) and (not _OUTLOOK.match(line) or forward_subject):
        return i + 1
    if not forward_subject or forwarded:
        return None
    j = i
    if _RULE.match(line.strip()):
        j += 1
        while j < len(lines) and not lines[j].strip():
            j += 1
    return j if _header_block(lines, j) else None


def _forward_header(lines: list[str], j: int) -> tuple[int, list[str]]:
    """The header lines of a forwarded message starting at line j (at most 12, up to the blank
    line after them), and the line its text starts at."""
    block: list[str] = []
    while j < len(lines) and (_HEADER.match(lines[j]) or not lines[j].strip()) and len(block) < 12:
        if lines[j].strip():
            block.append(lines[j])
        elif block:
            return j + 1, block
        j += 1
    return j, block


def _reply_starts(lines: list[str], i: int, forwarded: bool) -> bool:
    """Line i starts the earlier message a reply quotes: an Outlook separator, an attribution
    ("On ... wrote:"), or (outside a forward) a From: header followed by another header."""
    line = lines[i]
    if _OUTLOOK.match(line) or _ATTRIBUTION.match(line.strip()):
        return True
    return not forwarded and _header_block(lines, i)


def _next_forward(lines: list[str], j: int, forward_subject: bool, forwarded: bool) -> int | None:
    """The first line from j that starts a forwarded message (None: none does)."""
    for k in range(j, len(lines)):
        if _forward_at(lines, k, forward_subject, forwarded) is not None:
            return k
    return None


def body_of(msg: EmailMessage) -> Body:
    from sdcli.mail.read import header

    subject = header(msg, "Subject")
    text, html_only, names, attached = _parts(msg)
    own, forwarded, author, signature, start = own_text(text, subject)
    for inner in attached:  # a message forwarded as an attachment: its text is the form
        inner_body = body_of(inner)
        if not forwarded:
            start = len(own) + 2 if own.strip() else 0
        own = f"{own}\n\n{inner_body.text}".strip()
        forwarded = True
        found = getaddresses([header(inner, "From")])
        author = author or (found[0] if found and "@" in found[0][1] else None)
    return Body(own, html_only, forwarded, author, names, signature, start)
