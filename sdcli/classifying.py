"""Classifying an incident: the agent's choice of a severity (a level with its reason, the ITIL
impact x urgency matrix, or the suggestion), saved in one store write. No CLI imports.

What depends on the ticket is decided inside the write, from the ticket as it is there: the
suggestion (answers completed meanwhile change it), whether a level other than the suggestion
needs a reason, and the deadline (sla.classify). The flags are checked before, without the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdcli import sla, suggesting
from sdcli.errors import InvalidValue, MissingAnswers, UsageProblem
from sdcli.i18n import Message
from sdcli.store import Store


@dataclass(frozen=True)
class Choice:
    """How the agent chose: method "manual" (a level), "matrix" (impact x urgency) or "suggestion"."""

    method: str
    level: int | None = None  # None: the suggestion, as the write finds it
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # the matrix's impact and urgency, recorded
    flag: str = field(default="", compare=False)  # how the level was given (--severity 2, ...), for a refusal
    accept: bool = False  # --accept-suggestion given as well: the write refuses another level


def choose(
    *,
    severity: int | None,
    reason: str | None,
    impact: str | None,
    urgency: str | None,
    accept: bool,
    home: Path | None = None,
) -> Choice | None:
    """The choice the flags make, checked without the ticket; None when they make none. Two
    levels that disagree are refused, naming both (neither is dropped silently): a level and the
    matrix here, the suggestion and another level in the write (apply), which knows the suggestion."""
    if (impact is None) != (urgency is None):
        raise MissingAnswers(["--urgency" if urgency is None else "--impact"])
    if severity is not None and severity not in sla.levels(home):
        raise InvalidValue("severity", severity, "invalid.use_one_of",
                           choices=", ".join(map(str, sorted(sla.levels(home)))))  # fmt: skip
    if impact is not None and urgency is not None:
        level = sla.matrix_level(impact, urgency, home)
        flag = f"--impact {impact} --urgency {urgency}"
        if severity is not None and severity != level:
            raise UsageProblem(
                "error.classify_disagree", one=f"--severity {severity}", other=flag, level=level
            )
        why = reason or str(Message("classify.matrix_reason", impact=impact, urgency=urgency))
        return Choice("matrix", level, why, {"impact": impact, "urgency": urgency}, flag, accept)
    if severity is not None:
        return Choice("manual", severity, reason, flag=f"--severity {severity}", accept=accept)
    if accept:
        return Choice("suggestion", None, reason)
    return None


def apply(
    store: Store,
    ticket_id: str,
    choice: Choice,
    *,
    actor: str,
    home: Path | None = None,
    expect: int | None = None,
    queue: Any = None,
) -> dict[str, Any]:
    """Classify the ticket in one write (refused when it changed since `expect`, the version a
    person looked at); returns the ticket as saved."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        suggestion = suggesting.suggest(doc, home=home)
        level = suggestion.severity if choice.level is None else choice.level
        if choice.accept and level != suggestion.severity:
            raise UsageProblem("error.classify_disagree", level=level, other=choice.flag,
                               one=Message("error.accept_level", level=suggestion.severity))  # fmt: skip
        if choice.method == "manual" and level != suggestion.severity and not (choice.reason or "").strip():
            raise MissingAnswers([Message("error.reason_needed", level=level, suggested=suggestion.severity)])
        return sla.classify(doc, level, method=choice.method, reason=choice.reason, suggested=suggestion, home=home,
                            actor=actor, extra=choice.extra)  # fmt: skip

    return store.update(ticket_id, change, actor=actor, expect=expect, queue=queue)
