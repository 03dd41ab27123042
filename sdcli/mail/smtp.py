"""Sending through the desk's SMTP server (the smtp_* settings), and the outbox's sends: each item
claimed in the store before it is sent, its outcome recorded after the server answered; a
temporary failure retried later with backoff, a permanent one left `failed` for a person to
see (`sdcli shift`, `sdcli outbox list`). No CLI imports.

The password is never read from a file: from the variable `smtp_password_env` names, or from the
OS keyring (`smtp_keyring = true`: service "sdcli-smtp", user "USER@HOST", set with `keyring set`).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sdcli import clock
from sdcli.errors import ConfigError, SdcliError
from sdcli.i18n import Literal, Message, as_data
from sdcli.mail import compose
from sdcli.store import outbox

MAX_ATTEMPTS = 8
LEASE = outbox.LEASE  # a `sending` claim older than this is a sender that stopped midway
KEYRING_SERVICE = "sdcli-smtp"


class MailError(SdcliError):
    "The mail server refused a message, or could not be reached"

    def __init__(self, key: str, *, temporary: bool, connection: bool = False, **params: Any) -> None:
        super().__init__(key, **params)
        self.temporary = temporary
        self.connection = connection  # nothing more can be sent in this run


@dataclass
class Server:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    timeout: float
    ca_file: str | None

    @property
    def shown(self) -> str:
        return f"{self.host}:{self.port}"


def server(home: Path | None) -> Server:
    """The desk's SMTP server from the settings (smtp_host ...), its password from where
    smtp_password_env or smtp_keyring says."""
    cfg = compose.settings(home)
    if not cfg.smtp_host:
        raise ConfigError("mail.no_server")
    security = cfg.smtp_security or "starttls"
    port = cfg.smtp_port or {"tls": 465, "starttls": 587}.get(security, 25)
    user = cfg.smtp_user
    password = None
    if cfg.smtp_password_env:
        password = os.environ.get(cfg.smtp_password_env)
        if password is None:
            raise ConfigError("mail.password_env_unset", var=cfg.smtp_password_env)
    elif cfg.smtp_keyring:
        try:
            import keyring  # type: ignore[import-not-found]
        except ImportError:
            raise ConfigError("mail.keyring_missing") from None
        password = keyring.get_password(KEYRING_SERVICE, f"{user}@{cfg.smtp_host}")
        if password is None:
            raise ConfigError("mail.keyring_empty", user=f"{user}@{cfg.smtp_host}", service=KEYRING_SERVICE)
    return Server(str(cfg.smtp_host), int(port), security, user, password, float(cfg.smtp_timeout or 30),
                  cfg.smtp_ca_file)  # fmt: skip


def _code_error(srv: Server, code: int, text: Any, what: str) -> MailError:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    key = "mail.refused" if code >= 500 else "mail.deferred"
    return MailError(key, server=srv.shown, what=Message(what), code=code,
                     said=Literal(" ".join(said.split())[:200]), temporary=code < 500)  # fmt: skip


def _said(code: Any, text: Any) -> str:
    """A server's answer in one line: 550 5.1.1 mailbox unavailable."""
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(f"{code} {said}".split())[:200]


def delivered(to: Iterable[str], refused: dict[str, str]) -> list[str]:
    """The addresses a message went to: those the server did not refuse."""
    return [a for a in to if a not in refused]


class Connection:
    """One SMTP session for a run's messages, opened at the first send."""

    def __init__(self, srv: Server) -> None:
        self.srv = srv
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        srv = self.srv
        context = ssl.create_default_context(cafile=srv.ca_file) if srv.security != "none" else None
        try:
            if srv.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    srv.host, srv.port, timeout=srv.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(srv.host, srv.port, timeout=srv.timeout)
                if srv.security == "starttls":
                    smtp.starttls(context=context)
            if srv.user and srv.password is not None:
                smtp.login(srv.user, srv.password)
        except smtplib.SMTPAuthenticationError as e:
            raise MailError("mail.login_refused", server=srv.shown, user=srv.user, code=e.smtp_code,
                            temporary=False, connection=True) from None  # fmt: skip
        except (OSError, smtplib.SMTPException, ssl.SSLError) as e:
            raise MailError("mail.unreachable", server=srv.shown, reason=Literal(_reason(e)), temporary=True,
                            connection=True) from None  # fmt: skip
        return smtp

    def send(self, msg: EmailMessage) -> dict[str, str]:
        """Send `msg`; the recipients the server refused while it took the message for the others
        (address → its answer: they do not get it, and nobody bounces it), else {}."""
        if self.smtp is None:
            self.smtp = self._open()
        srv = self.srv
        try:
            refused = self.smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [c for c, _ in e.recipients.values()]
            first = next(iter(e.recipients.values()))
            raise _code_error(
                srv, min(codes) if any(c < 500 for c in codes) else first[0], first[1], "mail.what_recipients"
            ) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            raise _code_error(srv, e.smtp_code, e.smtp_error, "mail.what_message") from None
        except smtplib.SMTPResponseException as e:
            raise _code_error(srv, e.smtp_code, e.smtp_error, "mail.what_message") from None
        except (OSError, smtplib.SMTPException) as e:
            self.smtp = None
            raise MailError(
                "mail.lost", server=srv.shown, reason=Literal(_reason(e)), temporary=True, connection=True
            ) from None
        return {str(a): _said(code, text) for a, (code, text) in (refused or {}).items()}

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _reason(e: BaseException) -> str:
    text = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return " ".join(str(text).split())[:200]


def send_one(msg: EmailMessage, home: Path | None) -> dict[str, str]:
    """One message, now (sdcli ack --reply --send); the recipients refused while the others took
    it (Connection.send). Raises MailError, ConfigError."""
    conn = Connection(server(home))
    try:
        return conn.send(msg)
    finally:
        conn.close()


def message_of(item: dict[str, Any], home: Path | None) -> EmailMessage:
    ticket_kind = "ssr" if str(item.get("ticket", "")).startswith("SSR") else "incident"
    return compose.build(sender=compose.desk_address(home, ticket_kind), to=list(item["to"]), subject=item["subject"],
                         text=item["text"], lang=item.get("lang", "en"), message_id=item["message_id"],
                         in_reply_to=item.get("in_reply_to"), references=item.get("references") or [])  # fmt: skip


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def send_outbox(store: Any, home: Path | None, *, actor: str, now: datetime, ids: Iterable[int] | None = None,
                due: bool = False) -> tuple[list[dict[str, Any]], MailError | None]:  # fmt: skip
    """Send what is due (or the items named; with `due`, those of them that are due: --notify):
    claimed first, each outcome recorded after the server's answer. Returns each item as it
    ended, and why the run stopped early when the server could not be reached (the items not
    attempted are queued again, as they were)."""
    from sdcli.store.base import takes  # deferred: the outbox's sends only

    srv = server(home)  # a desk without a server claims nothing
    compose.desk_address(home)
    if due and not takes(store.outbox_claim, "due"):
        return [], None  # a backend from before `due` claims nothing so: `sdcli outbox send` will
    chosen = {"due": True} if due else {}
    items = store.outbox_claim(
        actor=actor,
        now=now,
        ids=ids,
        stale_before=now - LEASE if ids is not None and not due else None,
        **chosen,
    )
    conn = Connection(srv)
    done: list[dict[str, Any]] = []
    stopped: MailError | None = None
    try:
        for item in items:
            if stopped is not None:  # not attempted: back in the queue as it was
                done.append(
                    store.outbox_finish(item["id"], item["claim"], actor=actor, state="queued", fields={})
                )
                continue
            attempts = int(item.get("attempts", 0)) + 1
            try:
                refused = conn.send(message_of(item, home))
            except MailError as e:
                late = clock.iso(now + backoff(attempts))
                give_up = not e.temporary or attempts >= MAX_ATTEMPTS
                fields = {
                    "attempts": attempts,
                    "last_error": str(e),
                    "why": as_data(e.message),
                    "next_at": late,
                }
                done.append(store.outbox_finish(item["id"], item["claim"], actor=actor,
                                                state="failed" if give_up else "queued", fields=fields))  # fmt: skip
                if e.connection:
                    stopped = e
                continue
            to = delivered(item["to"], refused)
            event = {"action": "update_sent", "update": item.get("action"), "outbox": item["id"],
                     "to": to, "message_id": item["message_id"]}  # fmt: skip
            sent: dict[str, Any] = {"attempts": attempts, "last_error": None, "why": None}
            if refused:  # sent to the others only: said, in the item and the ticket's history
                event["refused"] = sent["refused"] = refused
                sent["delivered_to"] = to
            done.append(store.outbox_finish(item["id"], item["claim"], actor=actor, state="sent", fields=sent,
                                            event=event))  # fmt: skip
    finally:
        conn.close()
    return done, stopped
