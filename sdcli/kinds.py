"""One registry: a kind of value → its validator, for the questionnaire's questions, an incident's
other stored fields (sdcli/data/incident.toml), an SSR's category details and the forms. No CLI imports.

A validator is `fn(key, raw, field, answers, ctx)`: `field` is what declares the value (a
Question, or a `Field` of incident.toml: its `required`, `choices` and `index`), `answers` the
earlier answers that place it (the site's country and zone), `ctx` the intake's context
(sdcli.intake.Context: known countries, --tz, day order, the notes a reading leaves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdcli import amounts, clock, sites, stored, validate
from sdcli.errors import ConfigError, InvalidValue
from sdcli.home import load_data
from sdcli.questionnaire import QUESTION_KINDS

Validator = Callable[[str, Any, Any, dict[str, Any], Any], Any]


def _when(tense: str | None) -> Validator:
    def check(k: str, raw: Any, f: Any, answers: dict[str, Any], ctx: Any) -> Any:
        return validate.when(k, raw, ctx.tz(answers), dayfirst=ctx.dayfirst, tense=tense, notes=ctx.notes,
                             now=getattr(ctx, "now", None))  # fmt: skip

    return check


def _severity(k: str, raw: Any, f: Any, answers: dict[str, Any], ctx: Any) -> int:
    """A level of severity.toml (the desk's, from the context's home): "2" or "2 - High"."""
    from sdcli.states import levels_text, severities

    levels = severities(getattr(ctx, "home", None))
    try:
        level = int(str(raw).strip().split(" ")[0])
    except ValueError:
        level = None
    if level not in levels:
        raise InvalidValue(k, raw, "invalid.severity_number", levels=levels_text(levels))
    return level


def _target_hours(k: str, raw: Any, f: Any, answers: dict[str, Any], ctx: Any) -> float:
    """A number of hours as people type it (4, 4.5, 4,5; 1.000 read both ways is refused)."""
    hours = amounts.read(k, raw, "invalid.hours_number")
    if not 0 < hours < 100_000:
        raise InvalidValue(k, raw, "invalid.hours_number")
    return float(hours)


def _one_of(message: str) -> Validator:
    def check(k: str, raw: Any, f: Any, answers: dict[str, Any], ctx: Any) -> Any:
        if not isinstance(raw, str) or raw not in f.choices:
            raise InvalidValue(k, raw, message, choices=", ".join(sorted(f.choices)))
        return raw

    return check


VALIDATORS: dict[str, Validator] = {
    # the questionnaire's kinds (and the forms')
    "text": lambda k, raw, f, a, ctx: validate.text(k, raw, required=f.required),
    "hours": lambda k, raw, f, a, ctx: validate.hours(k, raw),
    "choice": lambda k, raw, f, a, ctx: validate.choice(k, raw, f.choices, f.index),
    "yesno": lambda k, raw, f, a, ctx: validate.yesno(k, raw, unknown=True),
    "contacts": lambda k, raw, f, a, ctx: validate.contacts(k, raw, ctx.region(a)),
    "ip": lambda k, raw, f, a, ctx: validate.ip(k, raw),
    "phone": lambda k, raw, f, a, ctx: validate.phone(k, raw, ctx.region(a)),
    "datetimes": lambda k, raw, f, a, ctx: validate.whens(  # failed calls: site time, never in the future
        k,
        raw,
        ctx.tz(a),
        dayfirst=ctx.dayfirst,
        tense=validate.PAST,
        notes=ctx.notes,
        now=getattr(ctx, "now", None),
    ),
    "country": lambda k, raw, f, a, ctx: validate.country(k, raw, ctx.countries),
    "contact": lambda k, raw, f, a, ctx: validate.contact(k, raw, ctx.region(a)),
    "datetime": _when(validate.FUTURE),  # a requested window: site time, in the future
    "zone": lambda k, raw, f, a, ctx: sites.check_zone(
        k, raw, ctx.countries, ctx.region(a), getattr(ctx, "notes", None)
    ),
    # an incident's other stored fields (incident.toml)
    "state": _one_of("invalid.use_one_of"),
    "channel": _one_of("invalid.channel"),
    "severity": _severity,
    "instant": _when(None),  # a deadline (recovery_due, ack_due): it may be ahead
    "happened": _when(validate.PAST),  # a time of the ticket's life (opened, acked, resolved): never ahead
    "received": lambda k, raw, f, a, ctx: clock.iso(
        validate.received(
            k, raw, ctx.tz(a), dayfirst=ctx.dayfirst, notes=ctx.notes, now=getattr(ctx, "now", None)
        )
    ),
    "short_text": lambda k, raw, f, a, ctx: validate.text(k, raw, limit=2000),
    "target_hours": _target_hours,
    "flag": lambda k, raw, f, a, ctx: validate.yesno(k, raw),
    "structured": lambda k, raw, f, a, ctx: stored.check_field(k, raw),
    "store": lambda k, raw, f, a, ctx: raw,  # set by the store: read, never kept
    "answer_keys": lambda k, raw, f, a, ctx: raw,  # unknown_answers, missing_answers: checked by the walk
}
__all__ = ["QUESTION_KINDS", "VALIDATORS", "check", "check_answer"]  # QUESTION_KINDS: sdcli.questionnaire's
#: kinds validated in the site's country or zone
PLACED = frozenset({"contacts", "phone", "datetimes", "contact", "datetime", "instant", "happened",
                    "received"})  # fmt: skip


def check(kind: str, key: str, raw: Any, spec: Any, answers: dict[str, Any], ctx: Any) -> Any:
    """The value to store of raw as `kind`; raises InvalidValue (ConfigError for an unknown kind)."""
    fn = VALIDATORS.get(kind)
    if fn is None:
        raise ConfigError("error.questionnaire_kind", key=key, kind=kind)
    return fn(key, raw, spec, answers, ctx)


@dataclass(frozen=True)
class Field:
    """A stored field of incident.toml (what a question is for its answer)."""

    key: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    index: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentSchema:
    """An incident's stored fields besides the questionnaire's answers, by kind."""

    fields: dict[str, Field]

    def of_kind(self, *kinds: str) -> tuple[str, ...]:
        return tuple(k for k, f in self.fields.items() if f.kind in kinds)


def incident_schema(home: Path | None = None, states: tuple[str, ...] = ()) -> IncidentSchema:
    """incident.toml (the desk's copy, else the packaged one), each field's kind known."""
    from sdcli.intake import REPORT_CHANNELS

    raw = load_data("incident", home)["field"]
    choices = {"state": states, "channel": REPORT_CHANNELS}
    return IncidentSchema(
        {k: Field(k, kind, choices=tuple(choices.get(kind, ()))) for k, kind in raw.items()}
    )


def plain_text(value: Any) -> str | None:
    """The text answer of value taken as it is (the common case, for imports of many rows), or
    None when validate.text must say what is wrong with it."""
    if type(value) is str and len(value) <= validate.TEXT_LIMIT and validate.sound(value):
        return value.strip() or None
    return None


_CACHED_KINDS = frozenset({"contacts", "phone", "ip", "choice", "country"})
_cache: dict[tuple[Any, ...], Any] = {}


def check_answer(q: Any, raw: Any, answers: dict[str, Any], ctx: Any) -> Any:
    """The value to store of an answer to q, or None for a skipped optional one. Raises InvalidValue.

    Costly kinds are memoised on their raw text (imports repeat contacts, phones, choices)."""
    kind = q.kind
    if kind not in _CACHED_KINDS or not isinstance(raw, str):
        if kind == "text" and (text := plain_text(raw)) is not None:
            return text
        return _check_answer(q, raw, answers, ctx)
    key = (q.key, raw, ctx.region(answers), ctx.tz_override, ctx.dayfirst)
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


def _check_answer(q: Any, raw: Any, answers: dict[str, Any], ctx: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        if q.required:
            raise InvalidValue(q.key, raw if raw is not None else "", "invalid.required")
        return None
    return check(q.kind, q.key, raw, q, answers, ctx)
