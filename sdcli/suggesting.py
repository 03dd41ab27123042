"""The severity a classification suggests: the first rule of classification.toml (data) whose
conditions the intake's facts meet, and why, in words. No CLI imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdcli.errors import ConfigError
from sdcli.home import load_data
from sdcli.i18n import Joined, Localized, Message


@dataclass
class Suggestion:
    severity: int
    reasons: list[str]  # as stored (English: JSON stays language-free)
    messages: list[Any] = field(default_factory=list)  # the same, shown in the session's language
    unknown: list[str] = field(default_factory=list)  # facts not known that kept a rule from applying


MISSING, NOT_KNOWN = "missing", "unknown"


def facts(doc: dict[str, Any], home: Path | None = None) -> dict[str, Any]:
    """Every intake fact as the classification rules see it: its value; "unknown" when the caller
    did not know (unknown_answers), or when it was not asked because what it depends on is not
    known; "missing" when it was not asked or not answered."""
    unknown = set(doc.get("unknown_answers") or [])
    out: dict[str, Any] = {}
    for q in _questions(home):
        key = q["key"]
        if key in unknown:
            out[key] = NOT_KNOWN
        elif doc.get(key) is not None:
            out[key] = doc[key]
        elif any(out.get(dep) == NOT_KNOWN for dep in q.get("when", {})):
            out[key] = NOT_KNOWN
        else:
            out[key] = MISSING
    return out


def _questions(home: Path | None) -> list[dict[str, Any]]:
    """The questionnaire's questions as the rules read them (key, when, choices): its checked data,
    not its compiled steps (questionnaire.py and its validators: escalate --json needs neither)."""
    return list(load_data("questionnaire", home).get("question", []))


def suggest(doc: dict[str, Any], lang: str | None = None, home: Path | None = None) -> Suggestion:
    """The first classification rule (data) whose conditions hold for the intake answers. A rule
    that needs a fact the caller did not know does not apply (unless it names "unknown"), and the
    suggestion says which facts those were."""
    known = facts(doc, home)
    blocked: list[str] = []
    for rule in load_data("classification", home).get("rule", []):
        conds = rule.get("when", {})
        values = {k: known.get(k, doc.get(k, MISSING)) for k in conds}
        if all(values[k] in allowed for k, allowed in conds.items()):
            shown = [Message("classify.fact", field=k, value=_fact(k, v, home)) for k, v in values.items()]
            english = str(Localized(rule.get("reason", ""))) + (
                f" ({', '.join(str(f) for f in shown)})" if shown else ""
            )
            why = Message("classify.reason", text=Localized(rule.get("reason", "")), facts=Joined(shown, ", ")) if shown \
                else Localized(rule.get("reason", ""))  # fmt: skip
            messages = [why] + ([Message("classify.not_known", fields=Joined(
                [Message(f"field.{k}") for k in blocked], ", "))] if blocked else [])  # fmt: skip
            return Suggestion(int(rule["severity"]), [english], messages, list(blocked))
        unknown = [k for k, allowed in conds.items() if values[k] not in allowed]
        if unknown and all(values[k] == NOT_KNOWN for k in unknown):  # only what is not known kept it out
            blocked += [k for k in unknown if k not in blocked]
    raise ConfigError("error.no_rule")


def _fact(key: str, value: Any, home: Path | None) -> Any:
    """A fact's value as the suggestion names it: a choice by its label, yes/no in words."""
    if value == NOT_KNOWN:
        return Message("yesno.unknown")
    if value == MISSING:
        return Message("classify.not_answered")
    if isinstance(value, bool):
        return Message(f"yesno.{'yes' if value else 'no'}")
    q = next((x for x in _questions(home) if x["key"] == key), None)
    if q is not None and q.get("choices"):
        choice = next((c for c in q["choices"] if c["value"] == value), None)
        if choice:
            return Localized({k: v for k, v in choice.items() if k != "value"})
    return value
