"""The incident intake: the questionnaire (data), its conditions, validation, and opening.

No CLI imports: the prompts (sdcli/prompts.py), flags, files and imports all come here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sdcli import clock, validate
from sdcli.errors import InvalidValue, MissingAnswers, also_missing
from sdcli.home import load_data
from sdcli.i18n import LANGS, Message
from sdcli.questionnaire import (
    MISSING,
    QUESTION_KINDS,
    Question,
    _keys,
    applies,
    blank,
    compiled,
    load_questionnaire,
)
from sdcli.validate import UNKNOWN

#: re-exported: the languages live in sdcli.i18n, the questions in sdcli.questionnaire
__all__ = [
    "QUESTION_KINDS",
    "LANGS",
    "UNKNOWN",
    "Question",
    "applies",
    "check_answer",
    "compiled",
    "load_questionnaire",
]
#: the stored field naming the yes/no questions answered "don't know" (their value is null)
UNKNOWN_ANSWERS = "unknown_answers"
REPORT_CHANNELS = ("phone", "email", "portal")


def resolve_lang(explicit: str | None = None) -> str:
    """--lang, else SDCLI_LANG, else the config file, else the locale, else English (sdcli.i18n)."""
    from sdcli import i18n

    return i18n.resolve(explicit)


def countries(home: Path | None = None) -> dict[str, Any]:
    return load_data("countries", home)


@dataclass
class Context:
    """What validation needs beyond the answer: the site's country and zone, how dates are read,
    and the notes a reading leaves for the agent (a date whose day order decided it)."""

    countries: dict[str, Any]
    default_country: str | None = None  # --country, else the config's country; None: asked, never assumed
    tz_override: str | None = None  # --tz: the site's zone
    dayfirst: bool = True
    directory: list[dict[str, Any]] = field(default_factory=list)  # the customer directory (known sites)
    notes: list[Any] = field(default_factory=list)
    home: Path | None = None  # the desk's data files (its severity levels, its incidents' initial state)
    #: reads the directory when a site is first looked up (open's first prompt needs no store)
    directory_of: Callable[[], list[dict[str, Any]]] | None = None
    #: what "ayer", "hoy 09:15" and "hace 2 horas" are read against: an e-mail's receipt (the
    #: sender's now, not the inbox run's), else the clock
    now: datetime | None = None

    def region(self, answers: dict[str, Any]) -> str | None:
        return answers.get("country") or self.known_site(answers).get("country") or self.default_country

    def known_site(self, answers: dict[str, Any]) -> dict[str, Any]:
        if self.directory_of is not None and answers.get("customer"):  # no customer yet: nothing to look up
            self.directory, self.directory_of = list(self.directory_of()), None
        if not self.directory:
            return {}
        from sdcli import sites  # deferred: the country data's readers, once an answer names a site

        return sites.directory_site(self.directory, answers.get("customer"), answers.get("site"))

    def tz_name(self, answers: dict[str, Any]) -> str | None:
        """The site's zone: chosen (an answer, --tz), else the directory's, else its country's only one."""
        region = self.region(answers)
        known = self.known_site(answers)
        if answers.get("timezone"):
            return answers["timezone"]
        if self.tz_override:
            return self.tz_override
        if known.get("timezone") and known.get("country", region) == region:
            return known["timezone"]
        from sdcli import sites  # deferred: the country data's readers, once an answer names a site

        return sites.only_zone(self.countries, region)

    def tz(self, answers: dict[str, Any]) -> tzinfo | None:
        return clock.get_tz(self.tz_name(answers))


def check_answer(q: Any, raw: Any, answers: dict[str, Any], ctx: Any) -> Any:
    """The stored answer of raw to q (sdcli.kinds.check_answer). Raises InvalidValue."""
    from sdcli import kinds  # deferred: the validators, loaded by the first answer checked, not before

    return kinds.check_answer(q, raw, answers, ctx)


def make_context(
    home: Path | None, *, country: str | None = None, tz: str | None = None, dayfirst: bool | None = None,
    directory: list[dict[str, Any]] | None = None, directory_of: Callable[[], list[dict[str, Any]]] | None = None,
) -> Context:  # fmt: skip
    """The context of an intake: the country given (--country), else the configured one, else none;
    the customer directory given, or read by `directory_of` when first needed."""
    from sdcli import config

    known = countries(home).get("countries", {})
    settings = config.current()
    given = country or settings.country
    default = validate.country("country", given, known) if given else None
    if tz:
        clock.get_tz(tz)
    first = settings.dayfirst if dayfirst is None else dayfirst
    return Context(countries=known, default_country=default, tz_override=tz, dayfirst=bool(first),
                   directory=list(directory or []), home=home, directory_of=directory_of)  # fmt: skip


def zone_answer(q: Question, raw: dict[str, Any], answers: dict[str, Any], ctx: Context) -> Any:
    """The site's zone a run gives without asking (--tz, the directory, the country's only zone);
    None when it must be asked (a country with several zones) or cannot be (no country yet)."""
    given = raw.get(q.key)
    if given not in (None, "", []):
        return given
    return ctx.tz_name(answers) if ctx.region(answers) else None


def check_all(
    questions: list[Question],
    raw: dict[str, Any],
    ctx: Context,
    *,
    not_required: frozenset[str] = frozenset(),
    extra_keys: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Validate every answer at once: all invalid values and all missing ones are named together.

    A yes/no question answered "don't know" keeps UNKNOWN (stored as null, named in
    unknown_answers); the keys a document's unknown_answers lists are read as that answer."""
    problems: list[InvalidValue] = []
    raw = _with_unknowns(questions, raw, problems)
    answers, invalid, missing = walk(questions, raw, ctx, not_required)
    problems += invalid
    if problems and missing:
        problems.append(also_missing([q.flags for q in missing]))
    validate.raise_all(problems)
    if missing:
        raise MissingAnswers([q.flags for q in missing], [q.key for q in missing])
    _check_extra(raw, _keys(questions), EXTRA_KEYS if extra_keys is None else extra_keys, ctx.home)
    return answers


def walk(
    questions: list[Question], raw: dict[str, Any], ctx: Context, not_required: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], list[InvalidValue], list[Question]]:
    """Every answer given validated: (answers, invalid ones, required ones not given).

    The one walk of the questionnaire: its steps, each required only where its conditions hold,
    and each answer given kept, whether its question applies or not: a condition decides what is
    asked, never what is dropped (the import walks the same steps column by column); check_all
    raises what it finds, completing.check_partial keeps it."""
    answers: dict[str, Any] = {}
    problems: list[InvalidValue] = []
    missing: list[Question] = []
    for step in compiled(questions):
        value = raw.get(step.key)
        if step.conditional and not step.applies(answers) and blank(value):
            continue  # not asked, and no answer given
        try:
            checked = step.answer(value, answers, ctx, step.requires(answers))
        except InvalidValue as e:
            problems.append(e)
            continue
        if checked is MISSING:
            if step.key not in not_required:
                missing.append(step.question)
        elif checked is not None:
            answers[step.key] = checked
    return answers, problems, missing


def _check_extra(
    raw: dict[str, Any], known: frozenset[str], allowed: tuple[str, ...] | frozenset[str], home: Path | None
) -> None:
    """A key that is no question refused by name; the extra keys a document may carry checked."""
    unknown = sorted(k for k in raw if k not in known and k not in allowed and k != UNKNOWN_ANSWERS)
    if unknown:
        raise InvalidValue(unknown[0], raw[unknown[0]], "invalid.not_a_question")
    for k in allowed:  # not stored from here, but a wrong-typed one is a mistake worth naming
        if raw.get(k) is not None:
            validate.text(k, raw[k], limit=200)
    from sdcli import states  # deferred: the workflow, read when a ticket is filed (not by the walk)

    initial = states.flow("incident", home).initial
    if raw.get("status") not in (None, initial):
        raise InvalidValue("status", raw["status"], "invalid.opened_open", status=initial)


def _with_unknowns(
    questions: list[Question], raw: dict[str, Any], problems: list[InvalidValue]
) -> dict[str, Any]:
    """raw with the yes/no questions its unknown_answers names answered UNKNOWN."""
    keys, wrong = listed_unknowns(raw.get(UNKNOWN_ANSWERS), yesno_keys(questions), raw.get)
    problems += wrong
    return {**raw, **dict.fromkeys(keys, UNKNOWN)} if keys else raw


def yesno_keys(questions: list[Question]) -> frozenset[str]:
    return frozenset(q.key for q in questions if q.kind == "yesno")


def listed_unknowns(
    listed: Any, yesno: frozenset[str], given: Callable[[str], Any]
) -> tuple[list[str], list[InvalidValue]]:
    """The yes/no questions a document's unknown_answers names (a list, or text `a; b`), to be
    answered UNKNOWN, and what is wrong with it: a key that is no yes/no question, or one the
    document also answers (`given(key)`: its answer, None when it gives none). The one reading
    of the list: `sdcli open --from-file` per document, `sdcli import` per row."""
    if listed in (None, "", []):
        return [], []
    items = listed if isinstance(listed, list) else str(listed).split(";")
    keys: list[str] = []
    problems: list[InvalidValue] = []
    for key in (str(x).strip() for x in items if str(x).strip()):
        if key not in yesno:
            problems.append(InvalidValue(UNKNOWN_ANSWERS, listed, "invalid.unknown_answer", key=key))
        elif given(key) in (None, "", UNKNOWN):
            keys.append(key)
        else:
            problems.append(InvalidValue(key, given(key), "invalid.unknown_and_answered"))
    return keys, problems


#: keys a --from-file document may carry besides the questions (text each; status only the initial one)
EXTRA_KEYS = ("channel", "received_at", "opened_by", "status")


def stored_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers as a ticket stores them: "don't know" as null, those keys in unknown_answers."""
    unknown = [k for k, v in answers.items() if v == UNKNOWN]
    out = {k: (None if v == UNKNOWN else v) for k, v in answers.items()}
    if unknown:
        out[UNKNOWN_ANSWERS] = unknown
    return out


def incident_fields(
    answers: dict[str, Any],
    ctx: Context,
    *,
    channel: str = "phone",
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """The stored document (before the store adds id and history) of a validated intake."""
    if channel not in REPORT_CHANNELS:
        raise InvalidValue("channel", channel, "invalid.channel")
    from sdcli import sla, states  # deferred: read when a ticket is filed, not before open's first prompt

    received = received_at or clock.now()
    fields: dict[str, Any] = {
        "status": states.flow("incident", ctx.home).initial,
        "channel": channel,
        **stored_answers(answers),
    }
    fields["timezone"] = ctx.tz_name(answers)
    fields["received_at"] = sla.on_site_clock(fields, received)
    if channel == "email":
        fields["ack_due"] = sla.ack_due(received, ctx.tz(answers))
    return fields


def ack_text(doc: dict[str, Any], lang: str | None = None, home: Path | None = None) -> str:
    """The acknowledgement sent to the customer: the incident number, and the time of their report
    (when it arrived: the incident is opened as of then, the SLA counts from it; registered later,
    the text never says it was registered then). `opened` is that time in the site's zone (the
    name a desk's own text of it already uses)."""
    from sdcli.dates import customer_time
    from sdcli.i18n import render

    reported = customer_time(
        clock.from_iso(doc.get("received_at") or doc["opened_at"]), doc.get("timezone"), lang
    )
    return render(Message("open.ack", id=doc["id"], opened=reported), lang)


def open_incident(
    store: Any, fields: dict[str, Any], *, actor: str, request_id: str | None = None
) -> dict[str, Any]:
    received = fields.get("received_at")
    at = clock.from_iso(received) if received else None
    return store.create("INC", fields, actor=actor, at=at, request_id=request_id)


def acknowledge(store: Any, ticket_id: str, *, actor: str, note: str | None = None, at: datetime | None = None,
                claim: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Record the acknowledgement of an e-mail report, sent at `at` (default now; not before the
    report arrived nor before the incident, whose number it gives, was opened: happened.py).
    `claim`: the reply this acknowledgement sent (replies.claim); without it, one that another
    agent is sending right now refuses it (replies.py), in the write."""
    from sdcli import replies, sla
    from sdcli.errors import RefusedTransition

    acked = at or clock.now()
    now = store.now()

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("kind") != "incident":
            raise RefusedTransition("error.not_incident", id=doc["id"])
        if doc.get("acked_at"):
            from sdcli.dates import When

            raise RefusedTransition(
                "error.already_acked", id=doc["id"], at=When(doc["acked_at"], doc.get("timezone"))
            )
        if claim is None:
            replies.check(doc, now, "error.reply_being_sent")
        if at is not None:
            from sdcli import happened

            happened.not_before(doc, "ack", at)
        doc["acked_at"] = sla.on_site_clock(doc, acked)
        event: dict[str, Any] = {"action": "ack"}
        if note:
            event["note"] = note
        return event

    return store.update(ticket_id, change, actor=actor)
