"""Building the messages sdcli sends: replies to a customer's message (the acknowledgement, the
SSR confirmation) and customer updates, threaded on the message a ticket came from. No CLI imports.

Every message has a plain-text and an HTML part made from the same text, `Content-Language`,
`Auto-Submitted: auto-replied` (RFC 3834: an auto-responder at the customer's end answers none
of it, so no mail loop), and a Message-ID made here (never from the machine's host name).
"""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any

from sdcli import clock
from sdcli.errors import ConfigError, SdcliError

_PREFIX = re.compile(r"^\s*((re|res|rv|fw|fwd|enc|tr|aw|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
DEFAULT_DOMAIN = "sdcli.invalid"


class NoReplyAddress(SdcliError):
    "The ticket did not come by e-mail and has no contact to write to"


def settings(home: Path | None) -> Any:
    """The settings in force (the config file: mail_from, smtp_host ...; README: Configuration)."""
    from sdcli import config

    return config.settings(home) if home is not None else config.current()


def desk_address(home: Path | None, kind: str = "incident") -> str:
    found = settings(home)
    address = (found.mail_ssr_from if kind == "ssr" else None) or found.mail_from
    if not address:
        raise ConfigError("mail.no_desk_address")
    return str(address)


def domain(home: Path | None) -> str:
    """The domain of the Message-IDs sdcli makes: mail_domain, else the desk address's."""
    found = settings(home)
    if found.mail_domain:
        return str(found.mail_domain)
    pairs = getaddresses([str(found.mail_from or "")])
    addr = pairs[0][1] if pairs else ""
    return addr.rpartition("@")[2] or DEFAULT_DOMAIN


def new_message_id(home: Path | None) -> str:
    return make_msgid(idstring="sdcli", domain=domain(home))


def reply_subject(original: str | None, ticket_id: str, fallback: str) -> str:
    """'Re: <the original subject> [INC12]' (one Re:, the id once)."""
    base = _PREFIX.sub("", original or "").strip() or fallback
    tag = f"[{ticket_id}]"
    if tag not in base:
        base = f"{base} {tag}"
    return f"Re: {base}"


def reply_text(key: str, lang: str, home: Path | None = None, **values: Any) -> str:
    """A text the customer reads (the catalogue's reply.<key>, update.<key>) in their language."""
    from sdcli.i18n import Message, render

    return render(Message(key if "." in key else f"reply.{key}", **values), lang)


def to_html(text: str, lang: str) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p.strip()
    )
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body>{paragraphs}</body></html>'


def thread_of(doc: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) that thread a message on the one the ticket came from."""
    mail = doc.get("email") or {}
    mid = doc.get("message_id")
    if not mid or mail.get("synthetic"):
        return None, []
    refs = [r for r in mail.get("references", []) if isinstance(r, str)]
    return mid, [*refs[-10:], mid]


def recipients(doc: dict[str, Any]) -> list[str]:
    """Who hears of a ticket: its callback contacts' addresses, else who sent its message."""
    found = [c["email"] for c in doc.get("callback_contacts") or [] if isinstance(c, dict) and c.get("email")]
    if not found:
        sender = (doc.get("email") or {}).get("reply_to") or (doc.get("requester") or {}).get("email")
        found = [sender] if sender else []
    return list(dict.fromkeys(found))


def build(*, sender: str, to: list[str], subject: str, text: str, lang: str, message_id: str,
          in_reply_to: str | None = None, references: list[str] | None = None) -> EmailMessage:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(text)
    msg.add_alternative(to_html(text, lang), subtype="html")
    msg["Content-Language"] = lang  # after the content: set_content drops every Content-* header
    return msg


def reply(
    doc: dict[str, Any], text: str, lang: str, home: Path | None, *, kind: str = "incident"
) -> EmailMessage:
    """The reply to the message a ticket came from, To its sender (else its contacts)."""
    mail = doc.get("email") or {}
    to = [mail["reply_to"]] if mail.get("reply_to") else recipients(doc)
    if not to:
        raise NoReplyAddress("reply.no_address", id=doc["id"])
    in_reply_to, references = thread_of(doc)
    signature = reply_text("signature", lang, home)
    body = f"{text}\n\n-- \n{signature}" if signature else text
    subject = reply_subject(mail.get("subject"), doc["id"], reply_text("subject", lang, home))
    return build(sender=desk_address(home, kind), to=to, subject=subject, text=body, lang=lang,
                 message_id=new_message_id(home), in_reply_to=in_reply_to, references=references)  # fmt: skip
