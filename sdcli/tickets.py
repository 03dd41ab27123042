"""Operations every kind of ticket shares: state transitions, notes, listing with filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sdcli import clock, validate
from sdcli.errors import InvalidValue, RefusedTransition, StoreDamaged
from sdcli.home import load_data
from sdcli.model import KIND_PREFIX, PREFIXES, parse_id, summary
from sdcli.store import Store


def workflow(kind: str, home: Path | None = None) -> dict[str, Any]:
    return load_data("workflow", home)[kind]


def check_text(name: str, text: str | None, *, required: bool = True, limit: int = 10_000) -> str:
    """Free text: stripped, no NUL bytes, bounded in length."""
    value = (text or "").strip()
    if required and not value:
        raise InvalidValue(name, text or "", "must not be empty")
    if "\x00" in value:
        raise InvalidValue(name, value, "contains a NUL byte")
    if not validate.sound(value):  # typed at a prompt as invalid UTF-8
        raise InvalidValue(name, value, "is not valid text (invalid UTF-8 or a lone surrogate)")
    if len(value) > limit:
        raise InvalidValue(name, value, f"longer than {limit} characters")
    return value


def transition(
    store: Store,
    ticket_id: str,
    action: str,
    *,
    actor: str,
    home: Path | None = None,
    note: str | None = None,
    apply: Callable[[dict[str, Any]], None] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Move a ticket through its workflow's `action`, refusing what the workflow forbids."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        flow = workflow(doc["kind"], home)
        rule = flow["actions"].get(action)
        if rule is None:
            raise RefusedTransition(f"a {doc['kind']} cannot {action}")
        status = doc.get("status")
        if status not in rule["from"]:
            allowed = " or ".join(rule["from"])
            why = f" ({rule['rule']})" if rule.get("rule") else ""
            raise RefusedTransition(
                f"cannot {rule.get('label', action)} {doc['id']}: it is {status}, "
                f"and only a ticket that is {allowed} can be{why}"
            )
        doc["status"] = rule["to"]
        if apply:
            apply(doc)
        event: dict[str, Any] = {"action": action}
        if note:
            event["note"] = note
        if extra:
            event.update(extra)
        return event

    return store.update(ticket_id, change, actor=actor)


def add_note(store: Store, ticket_id: str, text: str, *, actor: str) -> dict[str, Any]:
    text = check_text("note", text)

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        return {"action": "note", "note": text}

    return store.update(ticket_id, change, actor=actor)


@dataclass
class Filters:
    """What `list` and `export` select."""

    kind: str | None = None
    status: list[str] = field(default_factory=list)
    severity: list[int] = field(default_factory=list)
    customer: str | None = None
    site: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_finished: bool = False
    predicates: list[Callable[[dict[str, Any]], bool]] = field(default_factory=list)
    sort: str = "opened_at"
    reverse: bool = False
    limit: int | None = None

    def needs_full_scan(self, finished: frozenset[str]) -> bool:
        return self.include_finished or any(s in finished for s in self.status)

    def match(self, doc: dict[str, Any]) -> bool:
        if self.kind and doc.get("kind") != self.kind:
            return False
        if self.status and doc.get("status") not in self.status:
            return False
        if self.severity and doc.get("severity") not in self.severity:
            return False
        if self.customer and self.customer.casefold() not in str(doc.get("customer", "")).casefold():
            return False
        if self.site and self.site.casefold() not in str(doc.get("site", "")).casefold():
            return False
        if self.since or self.until:
            opened = clock.from_iso(doc["opened_at"])
            if self.since and opened < self.since:
                return False
            if self.until and opened > self.until:
                return False
        return all(p(doc) for p in self.predicates)


SORT_KEYS = (
    "opened_at",
    "id",
    "severity",
    "status",
    "customer",
    "updated_at",
    "recovery_due",
    "ack_due",
)


def _sort_key(name: str) -> Callable[[dict[str, Any]], Any]:
    if name not in SORT_KEYS:
        raise InvalidValue("sort", name, "sort by one of " + ", ".join(SORT_KEYS))
    if name == "id":
        return lambda d: (d["id"][:3], parse_id(d["id"])[1])
    if name in ("opened_at", "updated_at", "recovery_due", "ack_due"):
        far = "9999"
        return lambda d: clock.from_iso(d[name]).timestamp() if d.get(name) else float(far)
    if name == "severity":
        return lambda d: d.get("severity") or 99
    return lambda d: str(d.get(name) or "")


def find(
    store: Store, filters: Filters, *, full: bool = False, damaged: list[str] | None = None
) -> list[dict[str, Any]]:
    """Tickets matching filters, sorted and limited, as summaries (or whole with full).

    Reads the small open index unless finished tickets are asked for. With `damaged`, a store
    file that cannot be read is named there and its tickets left out, instead of failing all.
    """
    prefix = KIND_PREFIX.get(filters.kind) if filters.kind else None
    source: Iterable[dict[str, Any]]
    scanned = filters.needs_full_scan(store.vocabulary.any_finished)
    source = store.all_tickets(prefix, damaged=damaged) if scanned else store.open_summaries(prefix)
    rows = [d for d in source if filters.match(d)]
    rows.sort(key=_sort_key(filters.sort), reverse=filters.reverse)
    if filters.limit is not None:
        rows = rows[: filters.limit]
    if full and not scanned:
        return _whole(store, rows, damaged)
    if not full and scanned:
        return [summary(d) for d in rows]
    return rows


def _whole(store: Store, rows: list[dict[str, Any]], damaged: list[str] | None) -> list[dict[str, Any]]:
    if damaged is None:
        return [store.get(d["id"]) for d in rows]
    out = []
    for d in rows:
        try:
            out.append(store.get(d["id"]))
        except StoreDamaged as e:
            if str(e) not in damaged:
                damaged.append(str(e))
    return out


KINDS = tuple(PREFIXES.values())


def build_filters(
    *,
    kind: str | None = None,
    status: list[str] | None = None,
    severity: list[int] | None = None,
    customer: str | None = None,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    include_all: bool = False,
    sort: str = "opened_at",
    reverse: bool = False,
    limit: int | None = None,
) -> Filters:
    """Filters from the flags' plain values, validated."""
    if kind is not None and kind not in KINDS:
        raise InvalidValue("kind", kind, "use one of " + ", ".join(KINDS))
    for s in severity or []:
        if s not in (1, 2, 3, 4):
            raise InvalidValue("severity", s, "use 1, 2, 3 or 4")
    _sort_key(sort)
    return Filters(
        kind=kind,
        status=list(status or []),
        severity=list(severity or []),
        customer=customer,
        site=site,
        since=clock.parse_when(since, field="since", relative_past=True) if since else None,
        until=clock.parse_when(until, field="until", relative_past=True) if until else None,
        include_finished=include_all,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )


def unacked_filter(filters: Filters, *, explicit_sort: bool = False) -> None:
    """Email reports whose acknowledgement is still owed; sorted by its deadline unless told."""
    filters.kind = "incident"
    filters.predicates.append(lambda d: bool(d.get("ack_due")) and not d.get("acked_at"))
    if not explicit_sort:
        filters.sort = "ack_due"


def sla_filter(filters: Filters, *, due: str | None, breached: bool, explicit_sort: bool = False) -> None:
    """Incidents due within a window and/or breached (paused ones are neither)."""
    from sdcli import sla

    now = clock.now()
    filters.kind = "incident"
    window = clock.parse_duration(due, field="due") if due else None
    filters.predicates.append(
        lambda d: (
            (breached and sla.is_breached(d, now))
            or (window is not None and sla.is_due_within(d, now, window))
        )
    )
    if not explicit_sort:
        filters.sort = "recovery_due"
