"""Customer updates: which changes of an incident queue one, to whom, in what language, with what
text (the catalogue's update.<action>; a desk's empty text queues none). No CLI imports.

`queue_for` gives the `queue` a store write takes (store/outbox.py): the update enters the outbox
in the same write as the change it tells of, so a change is never saved without its update.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdcli.mail import compose

#: the changes that queue an update (a template per action in messages.toml's [update])
ACTIONS = ("classify", "escalate", "hold", "resume", "resolve", "close", "reopen")
PLACEHOLDERS = ("id", "customer", "site", "status", "severity", "severity_name", "recovery_due", "level",
                "level_name", "reason", "resolution", "note")  # fmt: skip
_ACTION_OF = {"classify": "classify", "reclassify": "classify", "hold": "hold", "resume": "resume",
              "resolve": "resolve", "close": "close", "reopen": "reopen"}  # fmt: skip


def customer_lang(
    doc: dict[str, Any], home: Path | None, directory: list[dict[str, Any]] | None = None
) -> str:
    """The language to write to a ticket's customer in, one rule for every ticket however it came
    (open, inbox, import): the language their message's answers are written in when they say it
    clearly (mail/written.py), else the customer's in the directory (--customer-lang), else the
    language of the labels of the form they answered (the form they chose: a customer in Mexico who
    answered the English form in a few words is written to in English), else the language of the
    site's country (countries.toml's [languages]: a report opened by phone), else the desk's
    default ([desk] lang, else sdcli's)."""
    email = doc.get("email") or {}
    if email.get("written_lang"):
        return str(email["written_lang"])
    from sdcli import i18n, sites

    record = sites.in_directory(directory or [], str(doc.get("customer") or ""))  # as its country and zone
    if record is not None and record.get("lang"):
        return str(record["lang"])
    if email.get("lang"):  # the form they chose to answer (an English form from Mexico: English)
        return str(email["lang"])
    spoken = sites.country_lang(doc.get("country") or (record or {}).get("country"), home)
    if spoken:
        return spoken
    return i18n.resolve(None)  # the desk's language: SDCLI_LANG, the config file's lang, the locale


def action_of(before: dict[str, Any], after: dict[str, Any], event: dict[str, Any]) -> str | None:
    action = _ACTION_OF.get(str(event.get("action")))
    if action:
        return action
    if (
        event.get("action") == "complete"
        and after.get("severity")
        and after.get("recovery_due")
        and _instant(after.get("recovery_due")) != _instant(before.get("recovery_due"))
    ):  # an answer completed moved the deadline the classify update gave: the customer is told it again
        return "classify"  # (the same instant in another zone is no news, and a deadline gone while on
    #                        hold is told when work resumes, with the deadline then: update.resume_due)
    if event.get("action") == "escalation-attempt":
        was = (before.get("escalation") or {}).get("active_level") or 1
        now = (after.get("escalation") or {}).get("active_level") or 1
        return "escalate" if now > was else None
    return None


def _values(doc: dict[str, Any], event: dict[str, Any], lang: str, home: Path | None,
            level_name: Callable[[int], Any] | None) -> dict[str, Any]:  # fmt: skip
    from sdcli import sla

    level: int | None = (doc.get("escalation") or {}).get("active_level")
    severity = doc.get("severity")
    return {
        "id": doc["id"], "customer": doc.get("customer", ""), "site": doc.get("site", ""),
        "status": doc.get("status", ""), "severity": severity or "",
        "severity_name": sla.level_name(int(severity), lang, home) if severity else "",
        "recovery_due": _when(doc.get("recovery_due"), doc.get("timezone"), lang), "level": level or "",
        "level_name": _in(level_name(level), lang) if level and level_name else "",
        "reason": event.get("note", ""), "resolution": doc.get("resolution", ""), "note": event.get("note", ""),
    }  # fmt: skip


def _instant(value: Any) -> Any:
    """A stored deadline as the instant it names (its text, where it is not one)."""
    from sdcli import clock

    try:
        return clock.from_iso(value) if isinstance(value, str) and value else value
    except ValueError:
        return value


def _ahead(due: Any) -> bool:
    """Whether a deadline is still ahead as the customer reads of it (one that ran out before a
    hold or a resolve is no deadline to give them: "Plazo de recuperación: 13:00" told at 16:00)."""
    from datetime import datetime

    from sdcli import clock

    at = _instant(due)
    return isinstance(at, datetime) and at > clock.now()


def _deadline_stops(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a hold stops a deadline still ahead (the one before the hold, which a paused clock
    leaves unset): "the recovery clock is paused" told of an incident with no deadline yet, or
    of one whose deadline had already passed, is not true."""
    from datetime import datetime

    due, since = _instant(before.get("recovery_due")), _instant(after.get("sla_paused_at"))
    return isinstance(due, datetime) and isinstance(since, datetime) and due > since


def _when(value: Any, zone: str | None, lang: str) -> str:
    """An instant as the customer reads it: in the site's zone only, in their language."""
    if not value:
        return ""
    from sdcli.dates import customer_time

    return customer_time(value, zone, lang)


def _in(value: Any, lang: str) -> str:
    """A name of the desk's data ({es, en, pt}, a Message or a text) in the customer's language."""
    from sdcli import i18n

    return i18n.pick(value, lang) if isinstance(value, dict) else str(i18n.show(value, lang))


def _key(action: str, event: dict[str, Any], values: dict[str, Any]) -> str:
    """The catalogue's text of an update: a hold tells the customer it waits for them only when its
    reason says so (pauses.waits_on_customer); another hold (a vendor, an access window) says it
    is on hold and why (update.hold_other); a classification while on hold, with no deadline yet,
    says the clock is paused (update.classify_paused)."""
    from sdcli.pauses import only_waits_on_customer, waits_on_customer

    if action == "hold" and not waits_on_customer(event.get("note")):
        return "update.hold_other"
    if action == "hold" and only_waits_on_customer(event.get("note")):
        return "update.hold_plain"  # "queda en espera de su respuesta", not ": awaiting-customer"
    if action == "classify" and not values["recovery_due"]:
        return "update.classify_paused"
    return f"update.{action}"


def render(action: str, doc: dict[str, Any], event: dict[str, Any], lang: str, home: Path | None,
           level_name: Callable[[int], Any] | None = None, before: dict[str, Any] | None = None,
           ) -> dict[str, Any] | None:  # fmt: skip
    """The outbox message of an update (None: the desk's text for it is empty, or nobody to tell)."""
    to = compose.recipients(doc)
    if not to:
        return None
    values = _values(doc, event, lang, home, level_name)
    key = _key(action, event, values)
    text = compose.reply_text(key, lang, home, **values)
    if not text.strip():
        return None
    # the clock runs again: the deadline the hold, or the time resolved, moved (the customer's last
    # one is no longer it); a hold says the clock stops only for a deadline still ahead
    due = None
    if action in ("resume", "reopen") and _ahead(doc.get("recovery_due")):
        due = f"update.{action}_due"
    elif action == "hold" and _deadline_stops(before or doc, doc):
        due = "update.hold_other_due" if key == "update.hold_other" else "update.hold_due"
    if due is not None:
        text = f"{text} {compose.reply_text(due, lang, home, **values)}".rstrip()
    signature = compose.reply_text("signature", lang, home)
    if signature:
        text = f"{text}\n\n-- \n{signature}"
    in_reply_to, references = compose.thread_of(doc)
    own = compose.reply_text("update.subject", lang, home, **values)
    subject = (
        compose.reply_subject((doc.get("email") or {}).get("subject"), doc["id"], own)
        if in_reply_to
        else f"{own} [{doc['id']}]"
    )
    return {"action": action, "lang": lang, "to": to, "subject": subject, "text": text,
            "message_id": compose.new_message_id(home), "in_reply_to": in_reply_to, "references": references}  # fmt: skip


def queue_for(home: Path | None, directory: list[dict[str, Any]] | None = None,
              level_name: Callable[[int], Any] | None = None) -> Callable[..., list[dict[str, Any]]]:  # fmt: skip
    """The `queue` of a store write: an update for an incident's change that tells the customer."""

    def queue(before: dict[str, Any], after: dict[str, Any], event: dict[str, Any]) -> list[dict[str, Any]]:
        if after.get("kind") != "incident":
            return []
        action = action_of(before, after, event)
        if action is None:
            return []
        message = render(
            action, after, event, customer_lang(after, home, directory), home, level_name, before
        )
        return [message] if message else []

    return queue
