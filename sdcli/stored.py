"""The shapes of the structured fields a ticket stores (history, SLA pauses, escalation...),
the way sdcli itself writes them. No CLI imports.

An import (or any other path that takes such a field from outside) checks it here, so that
a wrong-typed value is refused with its key path instead of crashing `show`, `shift`,
`escalate` or `classify` later, for every agent.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sdcli.errors import InvalidValue
from sdcli.shapes import (
    Anything,
    Int,
    IsoTime,
    ListOf,
    OneOf,
    R,
    Shape,
    ShapeError,
    Table,
    Text,
    W,
    check,
    map_of,
    nullable,
)

_WHO = Text(limit=200)
_NOTE = Text(empty=True, limit=10_000)
_LEVEL = Int(1, 99)


@cache
def shapes() -> dict[str, Shape]:
    """Structured field → its shape (as escalation_calls.record_attempt, sla.pause, sla.classify and the
    store's history stamping write it)."""
    from sdcli.escalation_table import CALL_CHANNELS, OUTCOMES

    event = Table(
        {"at": IsoTime(), "by": _WHO, "action": Text(limit=100), "note": _NOTE,
         "changes": map_of(OneOf((ListOf(Anything(), min=2, max=2), Table({"added": ListOf(Anything())},
                                                                         required=["added"])),
                                 what=W("change")))},
        required=["at", "by", "action"], rest=Anything(),
    )  # fmt: skip
    pause = Table({"from": IsoTime(), "to": nullable(IsoTime()), "reason": Text(limit=500)},
                  required=["from", "to", "reason"])  # fmt: skip
    owner = Table({"name": _WHO, "level": _LEVEL, "since": IsoTime()}, required=["name", "level", "since"])
    attempt = Table(
        {"at": IsoTime(), "by": _WHO, "level": _LEVEL, "contact": _WHO, "channel": Text(choices=CALL_CHANNELS),
         "outcome": Text(choices=(*OUTCOMES, "sent")), "note": _NOTE, "forced_reason": _NOTE},
        required=["at", "by", "level", "contact", "channel", "outcome"],
    )  # fmt: skip
    classification = Table(
        {"method": Text(choices=("suggestion", "manual", "matrix")), "suggested": nullable(Int(1, 9)),
         "reasons": ListOf(Text(empty=True, limit=2000)), "reason": _NOTE, "impact": Text(limit=100),
         "urgency": Text(limit=100)},
        required=["method"],
    )  # fmt: skip
    return {
        "history": ListOf(event),
        "sla_pauses": ListOf(pause),
        "sla_paused_at": IsoTime(),
        "escalation": Table(
            {"active_level": _LEVEL, "last_level_attempted": Int(0, 99), "owner": nullable(owner)}
        ),
        "escalation_attempts": ListOf(attempt),
        "classification": classification,
        "sla_clock": Text(choices=("24x7", "business")),
        # an import's order columns (importing.order): {column: a whole number or an instant}
        "event_order": map_of(
            OneOf((Int(), IsoTime()), what=W("count_or_time")),
            keys=Text(limit=1000),
            min=1,
        ),
        "email": Table(
            {
                "from": Text(empty=True, limit=2000),
                "reply_to": Text(empty=True, limit=320),
                "subject": Text(empty=True, limit=2000),
                "date": nullable(IsoTime()),
                "lang": nullable(Text(limit=5)),
                "references": ListOf(Text(limit=2000)),
                "attachments": ListOf(Text(empty=True, limit=2000)),
            },
            rest=Anything(),
        ),
    }


def names() -> frozenset[str]:
    return frozenset(shapes())


def check_field(name: str, value: Any) -> Any:
    """value if it has the shape of stored field `name`; else InvalidValue naming the key path."""
    try:
        return check(shapes()[name], value, name)
    except ShapeError as e:
        inner = e.path[len(name) :].lstrip(".")
        raise InvalidValue(name, value, R("at", path=inner, reason=e.reason) if inner else e.reason) from None
