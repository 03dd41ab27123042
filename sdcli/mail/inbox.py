"""`sdcli inbox`: each message's outcome, and the store writes that register them. No CLI imports.

A message whose text answers the questionnaire (MIN_LABELS labels or more) is an incident,
registered at once whatever it lacks (`missing_answers` names what was not given, and what was
given but is not valid, with its text and why); an SSR form goes through the SSR rules; anything
else creates nothing. All the incidents of a run are ONE store write keyed by Message-ID
(`Store.upsert_many`, decided inside the write), so the same message twice, in one run or in two
at once, never makes a second ticket; the SSRs are a second one.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from sdcli import clock, completing, intake, sites
from sdcli.errors import SdcliError
from sdcli.i18n import Joined, Literal, Message
from sdcli.mail import answers, labels, read, ssrmail, text, written
from sdcli.model import PREFIXES
from sdcli.store.base import takes

#: a Date this far past the delivery time is the sender's clock, not the time it was sent
FUTURE_SLACK = timedelta(minutes=5)


#: the summary's count of each outcome (the catalogue's words)
COUNT_KEYS = {"created": "inbox.n_created", "duplicate": "inbox.n_duplicate",
              "not_questionnaire": "inbox.n_not_questionnaire", "refused": "inbox.n_refused",
              "unreadable": "inbox.n_unreadable", "not_saved": "inbox.n_not_saved"}  # fmt: skip


@dataclass
class Outcome:
    """What became of one message (the keys of `--json`, stable and language-free)."""

    source: str
    outcome: str  # created | duplicate | not_questionnaire | refused | unreadable | not_saved
    kind: str | None = None  # incident | ssr
    id: str | None = None
    message_id: str | None = None
    missing: list[str] = field(default_factory=list)
    lang: str | None = None
    reason: Any = None  # a Message (or a Literal): shown in the session's language, English in JSON
    doc: dict[str, Any] | None = field(default=None, repr=False)
    #: what the agent must be told of a ticket made (an SSR's weekend part short of notice, a
    #: contract's price without a currency): Messages, on stderr after the line, in JSON as English
    warnings: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "doc"}
        out["reason"] = None if self.reason is None else str(self.reason)  # English: JSON is language-free
        out["warnings"] = [str(w) for w in self.warnings]
        return out

    def line(self) -> Message:
        """The summary line, rendered in the session's language."""
        reason = self.reason
        what = {
            "created": Message("inbox.created_missing", id=self.id, fields=Joined(self.missing))
            if self.missing else Message("inbox.created", id=self.id),
            "duplicate": Message("inbox.duplicate", id=self.id),
            "not_questionnaire": Message("inbox.not_questionnaire_because", reason=reason)
            if reason else Message("inbox.not_questionnaire"),
            "refused": Message("inbox.refused", reason=reason),
            "unreadable": Message("inbox.unreadable", reason=reason),
            "not_saved": Message("inbox.not_saved", reason=reason),
        }[self.outcome]  # fmt: skip
        return Message("inbox.line", source=Literal(self.source), what=what)


@dataclass
class Reader:
    """What reading a message needs, loaded once per run."""

    home: Path | None
    directory: list[dict[str, Any]]
    kind: str | None = None  # incident, ssr, or None: recognised
    questions: list[Any] = field(default_factory=list)
    ctx: Any = None

    def __post_init__(self) -> None:
        self.questions = intake.load_questionnaire(self.home)
        self.labels = labels.question_labels(self.questions)
        self.ctx = intake.make_context(self.home, directory=self.directory)  # day first unless configured
        self.ssr = ssrmail.SsrForms(self.home)

    def read(self, raw: read.Raw, now: datetime) -> tuple[Outcome, str | None, dict[str, Any] | None]:
        if raw.data is None:
            return Outcome(raw.source, "unreadable", reason=raw.error), None, None
        msg = read.parse(raw.data)
        if msg is None:
            return Outcome(raw.source, "unreadable", reason=Message("inbox.no_header")), None, None
        body = text.body_of(msg)
        meta = envelope(msg, raw, now)
        found = self.labels.scan(body.text)
        form = self.ssr.scan(body.text) if self.kind != "incident" else None
        if form is not None and (self.kind == "ssr" or self.ssr.recognised(form, found)):
            return self.ssr.read(raw.source, form, body, meta)
        out = Outcome(raw.source, "not_questionnaire", kind="incident", message_id=meta["message_id"])
        if self.kind == "ssr" or len(found.answers) < labels.MIN_LABELS:
            out.kind = None
            out.reason = _thread_hint(msg)
            return out, None, None
        doc = self.incident(found, body, meta)
        out.outcome, out.lang, out.missing = "created", found.lang, completing.missing_keys(doc)
        return out, "INC", doc

    def incident(self, found: labels.Found, body: text.Body, meta: dict[str, Any]) -> dict[str, Any]:
        raw, texts = answers.raw_answers(self.questions, found.answers)
        name, address = body.author or meta["sender"]
        contacts = " ".join(str(raw.get(k) or "") for k in ("callback_contacts", "local_contacts"))
        country = raw.get("country") or self.country(raw.get("customer"), address, contacts)
        if country:
            raw["country"] = country
        region = sites.country_code(country, self.ctx.countries)
        sender_contact = (
            self._sender(raw, body, name, address, region) if "callback_contacts" not in raw else None
        )
        if sender_contact:  # the sender's number (its signature's) says where the site's people are too
            contacts = f"{contacts} {sender_contact['phone']}"
        self._zone(raw, region, contacts)
        self.ctx.now = meta["received"]  # "ayer 10:30" in a message is the day before it was sent
        try:
            good, missing = completing.check_partial(self.questions, raw, self.ctx, texts)
        finally:
            self.ctx.now = None
        if sender_contact and not sender_contact["phone"]:
            taken = completing.invalid_entry("callback_contacts", f"{sender_contact['name']} <{address}>",
                                             Message("inbox.sender_no_phone"))  # fmt: skip
            missing = [taken if m == "callback_contacts" else m for m in missing]
        received = meta["received"].astimezone(self.ctx.tz(good) or meta["received"].tzinfo)
        fields = intake.incident_fields(good, self.ctx, channel="email", received_at=received)
        fields["opened_at"] = fields["received_at"]
        fields["message_id"] = meta["message_id"]
        fields["email"] = {**meta["email"], "lang": found.lang, **written.of_answers(found.answers),
                           "attachments": body.attachments, "forwarded": body.forwarded,
                           "html_only": body.html_only}  # fmt: skip
        if missing:
            fields["missing_answers"] = missing
        return fields

    def _zone(self, raw: dict[str, Any], region: str, contacts: str = "") -> None:
        """The site's zone a message names ("Manaus", "hora de São Paulo"), or the one of the city
        its site names when the country lists it and the contacts' numbers do not say otherwise."""
        if isinstance(raw.get("timezone"), str):
            raw["timezone"] = answers.zone(raw["timezone"], self.ctx.countries, region)
        elif "timezone" not in raw:
            zone = answers.zone_of_site(raw.get("site"), self.ctx.countries, region, contacts)
            if zone:
                raw["timezone"] = zone

    def _sender(
        self, raw: dict[str, Any], body: text.Body, name: str, address: str, region: str
    ) -> dict[str, str] | None:
        """The sender as the callback contact when the message gives none, with the phone number of
        its signature, else of its text, never one the message gives as an answer (a voice
        problem's calling number); without a number it is named as a missing answer."""
        if not address:
            return None
        answered = [str(raw[q.key]) for q in self.questions if q.kind == "phone" and raw.get(q.key)]
        phone = answers.phone_in(body.writer_text(), region if len(region) == 2 else None,
                                 besides=answered)  # fmt: skip
        sender = {"name": name or address.partition("@")[0], "email": address, "phone": phone or ""}
        if phone:
            raw["callback_contacts"] = [sender]
        return sender

    def country(self, customer: Any, address: str, contacts: str = "") -> str | None:
        """The site's country when the message names none: the customer's in the directory, else
        the sender's domain's, else the configured one (else none: it is a missing answer)."""
        record = sites.in_directory(self.directory, customer) if isinstance(customer, str) else None
        if record and record.get("country"):
            return str(record["country"])
        return answers.country_of(address, self.ctx.countries, contacts) or self.ctx.default_country


def envelope(msg: EmailMessage, raw: read.Raw, now: datetime) -> dict[str, Any]:
    """Who sent it, to reply to whom, its ids and when it was received: the Date, unless it is
    missing or later than the delivery (then the delivery time)."""
    delivered = read.received_time(msg) or raw.delivered or now
    sent = read.sent_time(msg)
    received = (
        sent
        if sent is not None and sent <= delivered + FUTURE_SLACK and sent <= now + FUTURE_SLACK
        else delivered
    )
    head = functools.partial(read.header, msg)
    who = getaddresses([head("From")])
    reply_to = getaddresses([head("Reply-To")]) or who
    sender = who[0] if who and "@" in who[0][1] else ("", "")
    reply = reply_to[0][1] if reply_to and "@" in reply_to[0][1] else sender[1]
    mid = head("Message-ID")
    synthetic = not mid
    if synthetic:  # no Message-ID: one made from the bytes, so the same message is still one ticket
        mid = f"<sha256-{hashlib.sha256(raw.data or b'').hexdigest()[:40]}@sdcli.invalid>"
    refs = head("References").split() + head("In-Reply-To").split()
    return {
        "sender": sender, "received": received, "message_id": mid,
        "email": {"from": head("From"), "reply_to": reply, "subject": head("Subject"),
                  "date": clock.iso(sent) if sent else None, "references": list(dict.fromkeys(refs))[-20:],
                  **({"synthetic": True} if synthetic else {})},
    }  # fmt: skip


def _thread_hint(msg: EmailMessage) -> Message | None:
    import re

    tags = re.findall(r"\[((?:INC|SSR)\d+)\]", read.header(msg, "Subject"))
    return Message("inbox.reply_on", id=tags[0]) if tags else None


def process(store: Any, raws: Iterable[read.Raw], *, reader: Reader, actor: str, now: datetime,
            progress: Callable[[int], None] | None = None) -> list[Outcome]:  # fmt: skip
    """Every message read, then the run's writes; the outcome of each, in order."""
    outcomes: list[Outcome] = []
    pending: dict[str, list[tuple[Outcome, dict[str, Any]]]] = {"INC": [], "SSR": []}
    for i, raw in enumerate(raws):
        out, prefix, doc = reader.read(raw, now)
        outcomes.append(out)
        if prefix is not None and doc is not None:
            pending[prefix].append((out, doc))
        if progress:
            progress(i + 1)
    for prefix, items in pending.items():
        if items:
            _write(store, prefix, items, actor)
    return outcomes


def _write(store: Any, prefix: str, items: list[tuple[Outcome, dict[str, Any]]], actor: str) -> None:
    try:
        # one ticket per message, whichever kind it is read as (a rerun with --kind included)
        across = {"across": True} if takes(store.upsert_many, "across") else {}
        result = store.upsert_many(prefix, [d for _, d in items], key="message_id", on_conflict="skip",
                                   actor=actor, event={"channel": "email"}, **across)  # fmt: skip
    except SdcliError as e:
        for out, _ in items:
            out.outcome, out.reason, out.missing, out.warnings = "not_saved", e.message, [], []
        return
    created = set(result.created)
    for (out, doc), tid in zip(items, result.by_doc, strict=True):
        out.id = tid
        if tid in created:
            created.discard(tid)
            out.doc = doc
        else:  # of the ticket the message made, of whichever kind
            out.outcome, out.missing, out.warnings = "duplicate", [], []
            out.kind = PREFIXES.get((tid or "")[:3], out.kind)
