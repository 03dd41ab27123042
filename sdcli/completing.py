"""Completing an incident registered without some answers (`missing_answers`: an e-mail that
lacked them, an import allowed to leave them out). No CLI imports.

The answers go through the intake's validation; an answer that makes another question apply
(problem = slow asks for the IP addresses) makes that one missing too; what is answered leaves
`missing_answers`, and the field goes when nothing is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdcli import clock, intake, validate
from sdcli.errors import InvalidValue, RefusedTransition
from sdcli.i18n import Literal, Message, as_data, from_data


def check_partial(questions: list[intake.Question], raw: dict[str, Any], ctx: intake.Context,
                  texts: dict[str, str] | None = None) -> tuple[dict[str, Any], list[Any]]:  # fmt: skip
    """The answers that are valid, and the `missing_answers` of the rest (an incident registered
    incomplete, e.g. from an e-mail): the key of a required answer not given, or {key, text,
    reason, why} for an answer given but invalid (`texts`: the text each answer was read from;
    reason in English for scripts, why the same reason as catalogue key and values)."""
    if not raw.get("country") and ctx.region(raw):
        raw = {**raw, "country": ctx.region(raw)}
    answers, problems, missing = intake.walk(questions, raw, ctx)
    entries: list[Any] = []
    for p in problems:
        key, _dot, part = p.field.partition(".")
        text = (texts or {}).get(key)
        shown = text if text is not None else raw.get(key)
        why = Message("incomplete.part", part=part, reason=p.reason) if part else p.reason
        entries.append(invalid_entry(key, shown if isinstance(shown, str) else str(shown), why))
    entries.extend(q.key for q in missing)
    return answers, entries


def invalid_entry(key: str, text: str, why: Message | Literal) -> dict[str, Any]:
    """A `missing_answers` entry for an answer given but not valid."""
    return {"key": key, "text": text, "reason": str(why), "why": as_data(why)}


def missing_keys(doc: dict[str, Any]) -> list[str]:
    """The questions a ticket's `missing_answers` names (a key, or an invalid answer's {key, ...})."""
    out = []
    for entry in doc.get("missing_answers") or []:
        key = entry.get("key") if isinstance(entry, dict) else entry
        if isinstance(key, str) and key not in out:
            out.append(key)
    return out


def describe_missing(doc: dict[str, Any]) -> list[Message]:
    """One line per missing answer: the question, and for an invalid one the text given and why."""
    lines = []
    for entry in doc.get("missing_answers") or []:
        if not isinstance(entry, dict):
            lines.append(Message("incomplete.not_given", field=str(entry)))
            continue
        why = from_data(entry["why"]) if "why" in entry else Literal(str(entry.get("reason", "")))
        text = str(entry.get("text", ""))
        lines.append(Message("incomplete.invalid", field=str(entry.get("key")),
                             text=repr(text[:57] + "..." if len(text) > 60 else text), reason=why))  # fmt: skip
    return lines


def still_missing(doc: dict[str, Any], questions: list[intake.Question], ctx: intake.Context,
                  given: dict[str, Any] | None = None) -> list[Any]:  # fmt: skip
    """The `missing_answers` the ticket has once `given` is added (its earlier entries kept, so an
    invalid answer's text and reason stay until it is answered)."""
    keys = missing_keys(doc)
    answers = {q.key: doc[q.key] for q in questions if q.key in doc and q.key not in keys}
    merged = {**answers, **(given or {})}
    _good, missing = check_partial(questions, merged, ctx)
    old = {(e.get("key") if isinstance(e, dict) else e): e for e in doc.get("missing_answers") or []}
    return [old.get(e.get("key") if isinstance(e, dict) else e, e) for e in missing]


def questions_to_ask(doc: dict[str, Any], questions: list[intake.Question], ctx: intake.Context,
                     given: dict[str, Any]) -> list[intake.Question]:  # fmt: skip
    keys = missing_keys({"missing_answers": still_missing(doc, questions, ctx, given)})
    return [q for q in questions if q.key in keys and q.key not in given]


def context_of(doc: dict[str, Any], home: Path | None) -> intake.Context:
    return intake.make_context(home, country=doc.get("country"), tz=doc.get("timezone"))


#: the answers an incident's recovery target and its clock are made of (the contract of its customer and
#: service, the site's opening hours, zone and country's holidays: sla.target_for, sla.clock_for)
DEADLINE_KEYS = frozenset({"customer", "service_type", "opening_hours", "timezone", "country"})


def _refresh_deadlines(doc: dict[str, Any], answered: dict[str, Any], home: Path | None) -> None:
    """Deadlines made before an answer they depend on was known, made again from the answers now:
    a classified incident's target, clock and recovery_due (as classify sets them), and both
    deadlines written in the site's zone once it is known."""
    from sdcli import sla, states  # deferred: only when an answer is saved

    if not DEADLINE_KEYS.intersection(answered):
        return
    if doc.get("ack_due"):  # the same instant, in the site's zone
        doc["ack_due"] = sla.site_iso(doc, clock.from_iso(str(doc["ack_due"])))
    if doc.get("severity") and doc.get("status") in states.flow("incident", home).active:
        sla.retarget(doc, home)


def complete(store: Any, ticket_id: str, given: dict[str, Any], *, actor: str, home: Path | None,
             expect: int | None = None, queue: Any = None) -> dict[str, Any]:  # fmt: skip
    """Save `given` answers (each validated; an invalid one refuses them all) and what remains;
    `queue`: the customer update of the write (a deadline the answers moved is told again)."""
    questions = intake.load_questionnaire(home)
    by_key = {q.key: q for q in questions}
    unknown = [k for k in given if k not in by_key]
    if unknown:
        raise InvalidValue(unknown[0], given[unknown[0]], "invalid.not_a_question")

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("kind") != "incident":
            raise RefusedTransition("error.not_incident", id=doc["id"])
        ctx = context_of(doc, home)
        context = {**{q.key: doc[q.key] for q in questions if q.key in doc}, **given}
        problems, checked = [], {}
        for key, raw in given.items():
            try:
                value = intake.check_answer(by_key[key], raw, context, ctx)
            except InvalidValue as e:
                problems.append(e)
                continue
            if value is not None:
                checked[key] = value
        validate.raise_all(problems)
        doc.update(checked)
        zone = None if doc.get("timezone") else ctx.tz_name(doc)  # a country of one zone, now known
        if zone:
            doc["timezone"] = checked["timezone"] = zone
        _refresh_deadlines(doc, checked, home)
        remaining = still_missing(doc, questions, ctx, checked)
        if remaining:
            doc["missing_answers"] = remaining
        else:
            doc.pop("missing_answers", None)
        return {"action": "complete", "answered": sorted(checked)}

    return store.update(ticket_id, change, actor=actor, expect=expect, queue=queue)
