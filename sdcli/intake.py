"""The incident intake: the questionnaire (data), its conditions, validation, and opening.

No CLI imports: the prompts (sdcli/prompts.py), flags, files and imports all come here.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import Any

from sdcli import clock, sla, validate
from sdcli.errors import ConfigError, InvalidValue, MissingAnswers
from sdcli.home import load_data

LANGS = ("es", "en", "pt")
KINDS = ("text", "choice", "yesno", "contacts", "ip", "phone", "datetimes", "country", "hours")
CHANNELS = ("phone", "email", "portal")
ACK_WINDOW = sla.ACK_WINDOW  # re-exported: the SLA module owns the acknowledgement deadline


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    label: dict[str, str]
    flag: str
    flag_no: str | None = None
    required: bool = False
    when: dict[str, list[Any]] = field(default_factory=dict)
    choices: list[dict[str, Any]] = field(default_factory=list)
    #: other spellings of the label an e-mail may use, per language (mail/labels.py)
    email_labels: dict[str, list[str]] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key

    def choice_label(self, value: Any, lang: str) -> str:
        for c in self.choices:
            if c["value"] == value:
                return c.get(lang) or c.get("en") or c["value"]
        return str(value)

    @cached_property
    def index(self) -> dict[str, str]:
        return validate.choice_index(self.choices)

    @property
    def flags(self) -> str:
        if self.kind == "yesno":
            return f"--{self.flag}/--{self.flag_no}"
        return f"--{self.flag}"


def resolve_lang(explicit: str | None = None) -> str:
    """--lang, else SDCLI_LANG, else the locale, else English."""
    for candidate in (explicit, os.environ.get("SDCLI_LANG")):
        if candidate:
            code = candidate.strip().lower()[:2]
            if code not in LANGS:
                raise InvalidValue("lang", candidate, "use es, en or pt")
            return code
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2].lower() in LANGS:
            return value[:2].lower()
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return loc[:2].lower() if loc[:2].lower() in LANGS else "en"


def load_questionnaire(home: Path | None = None) -> list[Question]:
    data = load_data("questionnaire", home)
    out: list[Question] = []
    seen: set[str] = set()
    for raw in data.get("question", []):
        try:
            q = Question(
                key=raw["key"], kind=raw["kind"], label=dict(raw["label"]), flag=raw.get("flag", raw["key"].replace("_", "-")),
                flag_no=raw.get("flag_no"), required=bool(raw.get("required", False)),
                when={k: list(v) for k, v in raw.get("when", {}).items()}, choices=list(raw.get("choices", [])),
                email_labels={k: list(v) for k, v in raw.get("email_labels", {}).items()},
            )  # fmt: skip
        except KeyError as e:
            raise ConfigError(f"questionnaire: a question lacks {e}") from None
        if q.kind not in KINDS:
            raise ConfigError(f"questionnaire: {q.key} has unknown kind {q.kind!r}")
        if q.kind == "yesno" and not q.flag_no:
            raise ConfigError(f"questionnaire: yes/no question {q.key} needs flag_no")
        if q.kind == "choice" and not q.choices:
            raise ConfigError(f"questionnaire: choice question {q.key} has no choices")
        for dep in q.when:
            if dep not in seen:
                raise ConfigError(f"questionnaire: {q.key} depends on {dep}, which is not asked before it")
        seen.add(q.key)
        out.append(q)
    return out


def countries(home: Path | None = None) -> dict[str, Any]:
    return load_data("countries", home)


@dataclass
class Context:
    """What validation needs beyond the answer: the site's country and zone."""

    countries: dict[str, Any]
    default_country: str
    tz_override: str | None = None
    dayfirst: bool = False

    def region(self, answers: dict[str, Any]) -> str:
        return answers.get("country") or self.default_country

    def tz(self, answers: dict[str, Any]) -> tzinfo | None:
        name = self.tz_override or self.countries.get(self.region(answers), {}).get("tz")
        return clock.get_tz(name)

    def tz_name(self, answers: dict[str, Any]) -> str | None:
        return self.tz_override or self.countries.get(self.region(answers), {}).get("tz")


def make_context(home: Path | None, *, country: str | None = None, tz: str | None = None) -> Context:
    data = countries(home)
    known = data.get("countries", {})
    default = validate.country("country", country, known) if country else data.get("default_country", "BR")
    if tz:
        clock.get_tz(tz)
    return Context(countries=known, default_country=default, tz_override=tz)


_COMPILED: dict[int, Any] = {}  # id(questionnaire) -> (questionnaire, compiled questions, keys)


def compiled(
    questions: list[Question],
) -> tuple[tuple[Question, str, str, tuple[tuple[str, tuple[Any, ...]], ...]], ...]:
    """(question, key, kind, conditions) per question, built once per questionnaire."""
    entry = _COMPILED.get(id(questions))
    if entry is None or entry[0] is not questions:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        compiled = tuple(
            (q, q.key, q.kind, tuple((d, tuple(v)) for d, v in q.when.items())) for q in questions
        )
        keys = frozenset(q.key for q in questions)
        entry = _COMPILED[id(questions)] = (
            questions,
            compiled,
            keys,
        )  # the list is kept: its id is not reused
    return entry[1]


def _keys(questions: list[Question]) -> frozenset[str]:
    compiled(questions)
    return _COMPILED[id(questions)][2]


def applies(q: Question, answers: dict[str, Any]) -> bool:
    return all(answers.get(dep) in allowed for dep, allowed in q.when.items())


_CACHED_KINDS = frozenset({"contacts", "phone", "ip", "datetimes", "choice", "country"})
_cache: dict[tuple[Any, ...], Any] = {}


def check_answer(q: Question, raw: Any, answers: dict[str, Any], ctx: Context) -> Any:
    """The value to store for raw, or None for a skipped optional answer. Raises InvalidValue.

    Costly kinds are memoised on their raw text (imports repeat contacts, phones, times).
    """
    kind = q.kind
    if kind not in _CACHED_KINDS or not isinstance(raw, str):
        if (
            kind == "text"
            and isinstance(raw, str)
            and 0 < len(raw) <= validate.TEXT_LIMIT
            and validate.sound(raw)
        ):
            stripped = raw.strip()
            if stripped:
                return stripped
        return _check_answer(q, raw, answers, ctx)
    key = (q.key, raw, answers.get("country") or ctx.default_country, ctx.tz_override, ctx.dayfirst)
    hit = _cache.get(key)
    if hit is None:
        try:
            hit = (True, _check_answer(q, raw, answers, ctx))
        except InvalidValue as e:
            hit = (False, e)
        if len(_cache) > 200_000:
            _cache.clear()
        _cache[key] = hit
    ok, value = hit
    if not ok:
        raise value
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def _check_answer(q: Question, raw: Any, answers: dict[str, Any], ctx: Context) -> Any:
    k = q.key
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        if q.required:
            raise InvalidValue(k, raw if raw is not None else "", "is required")
        return None
    region = ctx.region(answers)
    match q.kind:
        case "text":
            return validate.text(k, raw, required=q.required)
        case "hours":
            return validate.hours(k, raw)
        case "choice":
            return validate.choice(k, raw, q.choices, q.index)
        case "yesno":
            return validate.yesno(k, raw)
        case "contacts":
            return validate.contacts(k, raw, region)
        case "ip":
            return validate.ip(k, raw)
        case "phone":
            return validate.phone(k, raw, region)
        case "datetimes":
            return validate.whens(k, raw, ctx.tz(answers), dayfirst=ctx.dayfirst)
        case "country":
            return validate.country(k, raw, ctx.countries)
    raise ConfigError(f"questionnaire: {k} has unknown kind {q.kind!r}")


def _walk(
    questions: list[Question], raw: dict[str, Any], ctx: Context, not_required: frozenset[str]
) -> tuple[dict[str, Any], list[InvalidValue], list[Question]]:
    """Every applicable answer validated: (answers, invalid ones, required ones not given)."""
    answers: dict[str, Any] = {}
    problems: list[InvalidValue] = []
    missing: list[Question] = []
    get = raw.get
    for q, key, kind, when in compiled(questions):
        if when and not all(answers.get(dep) in allowed for dep, allowed in when):
            continue
        value = get(key)
        if value is None or value == "" or value == []:
            if q.required and key not in not_required:
                missing.append(q)
            continue
        if (
            kind == "text"
            and type(value) is str
            and len(value) <= validate.TEXT_LIMIT
            and validate.sound(value)
        ):
            stripped = value.strip()  # the common case of check_answer, inlined for imports
            if stripped:
                answers[key] = stripped
                continue
        try:
            checked = check_answer(q, value, answers, ctx)
        except InvalidValue as e:
            problems.append(e)
            continue
        if checked is not None:
            answers[key] = checked
    return answers, problems, missing


def check_all(
    questions: list[Question],
    raw: dict[str, Any],
    ctx: Context,
    *,
    defaults: bool = True,
    not_required: frozenset[str] = frozenset(),
    extra_keys: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Validate every answer at once: all invalid values and all missing ones are named together."""
    if defaults and not raw.get("country"):
        raw = {**raw, "country": ctx.default_country}
    answers, problems, missing = _walk(questions, raw, ctx, not_required)
    if problems and missing:
        problems.append(
            InvalidValue("missing", ", ".join(q.flags for q in missing), "required answers not given")
        )
    validate.raise_all(problems)
    if missing:
        raise MissingAnswers([q.flags for q in missing], [q.key for q in missing])
    known = _keys(questions)
    allowed = EXTRA_KEYS if extra_keys is None else extra_keys
    unknown = sorted(k for k in raw if k not in known and k not in allowed)
    if unknown:
        raise InvalidValue(unknown[0], raw[unknown[0]], "is not a question of the intake (unknown key)")
    for k in allowed:  # not stored from here, but a wrong-typed one is a mistake worth naming
        if raw.get(k) is not None:
            validate.text(k, raw[k], limit=200)
    if raw.get("status") not in (None, "open"):
        raise InvalidValue("status", raw["status"], "an incident is opened open")
    return answers


def check_partial(
    questions: list[Question], raw: dict[str, Any], ctx: Context, texts: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[Any]]:
    """The answers that are valid, and the `missing_answers` of the rest (an incident registered
    incomplete, e.g. from an e-mail): the key of a required answer not given, or {key, text,
    reason} for an answer given but invalid (`texts`: the text each answer was read from)."""
    if not raw.get("country"):
        raw = {**raw, "country": ctx.default_country}
    answers, problems, missing = _walk(questions, raw, ctx, frozenset())
    entries: list[Any] = []
    for p in problems:
        key = p.field.split(".")[0]
        text = (texts or {}).get(key)
        shown = text if text is not None else raw.get(key)
        entries.append({"key": key, "text": shown if isinstance(shown, str) else str(shown), "reason": p.reason if p.field == key else f"{p.field.partition('.')[2]}: {p.reason}"})  # fmt: skip
    entries.extend(q.key for q in missing)
    return answers, entries


def missing_keys(doc: dict[str, Any]) -> list[str]:
    """The questions a ticket's `missing_answers` names (a key, or an invalid answer's {key, ...})."""
    out = []
    for entry in doc.get("missing_answers") or []:
        key = entry.get("key") if isinstance(entry, dict) else entry
        if isinstance(key, str) and key not in out:
            out.append(key)
    return out


def describe_missing(doc: dict[str, Any]) -> list[str]:
    """One line per missing answer: its key, and for an invalid one the text given and why."""
    lines = []
    for entry in doc.get("missing_answers") or []:
        if isinstance(entry, dict):
            lines.append(
                f"{entry.get('key')}: {str(entry.get('text', ''))[:60]!r} ({entry.get('reason', '')})"
            )
        else:
            lines.append(str(entry))
    return lines


#: keys a --from-file document may carry besides the questions (text each; status only "open")
EXTRA_KEYS = ("channel", "received_at", "timezone", "opened_by", "status")


def incident_fields(
    answers: dict[str, Any],
    ctx: Context,
    *,
    channel: str = "phone",
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """The stored document (before the store adds id and history) of a validated intake."""
    if channel not in CHANNELS:
        raise InvalidValue("channel", channel, "use phone, email or portal")
    received = received_at or clock.now()
    fields: dict[str, Any] = {"status": "open", "channel": channel, **answers}
    fields["timezone"] = ctx.tz_name(answers)
    fields["received_at"] = clock.iso(received)
    if channel == "email":
        fields["ack_due"] = sla.ack_due(received, ctx.tz(answers))
    return fields


def ack_text(doc: dict[str, Any], lang: str, home: Path | None = None) -> str:
    messages = load_data("messages", home)["ack"]
    opened = clock.from_iso(doc["opened_at"])
    tz = clock.get_tz(doc.get("timezone"))
    if tz:
        opened = opened.astimezone(tz)
    return messages.get(lang, messages["en"]).format(
        id=doc["id"], opened=opened.strftime("%Y-%m-%d %H:%M %Z").strip()
    )


def message(key: str, lang: str, home: Path | None = None) -> str:
    ui = load_data("messages", home)["ui"]
    entry = ui.get(key, {})
    return entry.get(lang) or entry.get("en") or key


def open_incident(
    store: Any, fields: dict[str, Any], *, actor: str, request_id: str | None = None
) -> dict[str, Any]:
    received = fields.get("received_at")
    at = clock.from_iso(received) if received else None
    return store.create("INC", fields, actor=actor, at=at, request_id=request_id)


def acknowledge(store: Any, ticket_id: str, *, actor: str, note: str | None = None) -> dict[str, Any]:
    from sdcli.errors import RefusedTransition

    stamp = clock.iso(clock.now())

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("kind") != "incident":
            raise RefusedTransition(f"{doc['id']} is not an incident")
        if doc.get("acked_at"):
            raise RefusedTransition(f"{doc['id']} was already acknowledged at {doc['acked_at']}")
        doc["acked_at"] = stamp
        event: dict[str, Any] = {"action": "ack"}
        if note:
            event["note"] = note
        return event

    return store.update(ticket_id, change, actor=actor)
