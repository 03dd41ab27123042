"""Operations every kind of ticket shares: state transitions, notes, listing with filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import calendars, clock, dates, validate
from sdcli.dates import When
from sdcli.errors import InvalidValue, RefusedTransition, RuleViolation, StoreDamaged
from sdcli.home import load_data
from sdcli.i18n import Either, Localized, Message, template
from sdcli.model import KIND_PREFIX, PREFIXES, summary
from sdcli.store import Store
from sdcli.store.query import SORTS, OpenQuery, Page, Range, page


def workflow(kind: str, home: Path | None = None) -> dict[str, Any]:
    return load_data("workflow", home)[kind]


def check_text(name: str, text: str | None, *, required: bool = True, limit: int = 10_000) -> str:
    """Free text: stripped, no NUL bytes, valid Unicode, bounded in length (validate.text; "" for none)."""
    return validate.text(name, text, required=required, limit=limit) or ""


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
    queue: Any = None,
) -> dict[str, Any]:
    """Move a ticket through its workflow's `action`, refusing what the workflow forbids (and
    queue, in the same write, the customer update `queue` gives: mail/updates.py)."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        flow = workflow(doc["kind"], home)
        rule = flow["actions"].get(action)
        if rule is None:
            raise RefusedTransition("error.cannot_action", kind=doc["kind"], action=action)
        status = doc.get("status")
        if status not in rule["from"]:
            allowed = Either([Message(f"status.{s}") if template(f"status.{s}") else s for s in rule["from"]])
            key = "error.refused_because" if rule.get("rule") else "error.refused"
            raise RefusedTransition(key, action=Localized(rule.get("label", action)), id=doc["id"], status=status,
                                    allowed=allowed, why=Localized(rule.get("rule", "")))  # fmt: skip
        doc["status"] = rule["to"]
        scheduled = doc.get("scheduled_at")
        if apply:
            apply(doc)
        if doc.get("scheduled_at") != scheduled:
            within_window(doc)
            if doc["kind"] == "ssr":
                from sdcli import ssr_work

                ssr_work.check_schedule(doc, home)
        if doc["kind"] == "incident":
            _follow_clock(doc, status, note or action, home)
        event: dict[str, Any] = {"action": action}
        if note:
            event["note"] = note
        if extra:
            event.update(extra)
        return event

    return store.update(ticket_id, change, actor=actor, queue=queue)


def within_window(doc: dict[str, Any]) -> None:
    """A change or an SSR is scheduled inside the window it was requested (and accepted or
    checked for its lead time) for: window_start <= scheduled_at < window_end. RuleViolation else."""
    start, end, at = doc.get("window_start"), doc.get("window_end"), doc.get("scheduled_at")
    if not (start and end and at):
        return
    if not clock.from_iso(start) <= clock.from_iso(at) < clock.from_iso(end):
        zone = doc.get("timezone")
        raise RuleViolation("error.outside_window", id=doc["id"], at=When(at, zone), start=When(start, zone),
                            end=When(end, zone))  # fmt: skip


def not_before_window(doc: dict[str, Any], at: datetime) -> None:
    """Work done (an SSR) or executed (a change) at `at` is not before the window the customer
    asked for (and accepted): marked done at 10:00 for a window from 22:00 it was recorded as done
    without a word (the wrong id, or work the customer did not ask for then). Nor before the
    customer accepted it (a change accepted at 01:00 in its window was recorded as executed at
    23:00, before the acceptance the source requires first). RuleViolation."""
    zone = doc.get("timezone")
    if doc.get("window_start") and at < clock.from_iso(doc["window_start"]):
        raise RuleViolation("error.before_window", id=doc["id"], at=When(at, zone),
                            start=When(doc["window_start"], zone))  # fmt: skip
    if doc.get("accepted_at") and at < clock.from_iso(doc["accepted_at"]):
        raise RuleViolation("error.before_acceptance", id=doc["id"], at=When(at, zone),
                            accepted=When(doc["accepted_at"], zone))  # fmt: skip


def _follow_clock(doc: dict[str, Any], before: Any, reason: str, home: Path | None) -> None:
    """The SLA clock follows the states (workflow.toml): a move into a paused state pauses it, one
    from a paused state into a running one resumes it (hold and resume do it themselves, with
    their reason and instant: then there is nothing left to do)."""
    from sdcli import sla, states

    flow = states.flow("incident", home)
    if doc["status"] in flow.paused and not doc.get("sla_paused_at"):
        sla.pause(doc, reason, clock.now())
    elif doc["status"] in flow.running and before in flow.paused and doc.get("sla_paused_at"):
        sla.unpause(doc, clock.now(), home)


def add_note(store: Store, ticket_id: str, text: str, *, actor: str) -> dict[str, Any]:
    text = check_text("note", text)

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        return {"action": "note", "note": text}

    return store.update(ticket_id, change, actor=actor)


def _bound(name: str, text: str, *, end: bool = False) -> datetime:
    """A --since/--until bound as the agent means it: in the agent's own zone (the `tz` setting,
    the zone every screen's "your time" is in) when it names none; a day without a time is the
    whole day (`--until 01/03/2027` takes in 1 March)."""
    found = validate.reading(name, text, dates.agent_zone(), day=True)
    if end and not found.clock:  # the last instant of that day
        zone = found.at.tzinfo
        assert zone is not None
        return calendars.at_wall(found.at.date(), 24 * 60, zone) - timedelta(microseconds=1)
    return found.at


@dataclass
class Filters:
    """What `list` and `export` select, as data the store answers (store/query.py)."""

    kind: str | None = None
    status: list[str] = field(default_factory=list)
    severity: list[int] = field(default_factory=list)
    customer: str | None = None
    site: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_finished: bool = False
    ack_pending: bool = False
    recovery_due: Range | None = None  # with the SLA clock running, on an open incident
    text: str | None = None  # words of the ticket (lookup.matches): read from the whole tickets
    sort: str = "opened_at"
    reverse: bool = False
    limit: int | None = None

    def needs_full_scan(self, finished: frozenset[str]) -> bool:
        return bool(self.text) or self.include_finished or any(s in finished for s in self.status)

    def query(self, running: frozenset[str]) -> OpenQuery:
        """The open index's query; `running`: the incident states whose SLA clock runs (states.py)."""
        statuses = tuple(self.status)
        if self.recovery_due is not None:  # only a running clock runs out
            statuses = tuple(s for s in statuses if s in running) if statuses else tuple(sorted(running))
            statuses = statuses or ("none",)
        until = self.until + timedelta(microseconds=1) if self.until else None
        return OpenQuery(
            prefix=KIND_PREFIX.get(self.kind) if self.kind else None, statuses=statuses,
            severities=tuple(self.severity), customer=self.customer, site=self.site,
            opened=Range(self.since, until) if self.since or self.until else None,
            recovery_due=self.recovery_due, unpaused=self.recovery_due is not None, ack_pending=self.ack_pending,
            sort=self.sort, reverse=self.reverse, limit=self.limit,
        )  # fmt: skip


def find_page(
    store: Store, filters: Filters, *, full: bool = False, damaged: list[str] | None = None
) -> Page:
    """Tickets matching filters, sorted and limited, as summaries (or whole with full), and how
    many match in all. The open index answers unless finished tickets are asked for; a full scan
    names unreadable parts in `damaged` (when given) instead of failing."""
    from sdcli.states import flow

    q = filters.query(flow("incident", store.home).running)
    if filters.needs_full_scan(store.vocabulary.any_finished):
        docs = store.all_tickets(q.prefix, damaged=damaged)
        if filters.text:
            found = _searched(store, filters, q, docs)
        else:
            found = page(q, list(docs))
        return found if full else Page([summary(d) for d in found.rows], found.total)
    found = store.query_open(q)
    return Page(_whole(store, found.rows, damaged), found.total) if full else found


def _searched(store: Store, filters: Filters, q: Any, docs: Any) -> Page:
    """The tickets holding a search's text, those holding it whole first (lookup.match_rank),
    each part in the query's order, then the limit."""
    from dataclasses import replace

    from sdcli.lookup import match_rank

    every = filters.include_finished or any(s in store.vocabulary.any_finished for s in filters.status)
    ranked: list[tuple[int, dict[str, Any]]] = []
    for d in docs:
        if every or not store.vocabulary.is_finished(d):
            rank = match_rank(d, filters.text or "")
            if rank is not None:
                ranked.append((rank, d))
    rank_of = {id(d): r for r, d in ranked}
    found = page(replace(q, limit=None), [d for _r, d in ranked])
    rows = sorted(found.rows, key=lambda d: rank_of[id(d)])  # stable: the query's order within a rank
    return Page(rows if q.limit is None else rows[: max(q.limit, 0)], found.total)


def find(
    store: Store, filters: Filters, *, full: bool = False, damaged: list[str] | None = None
) -> list[dict[str, Any]]:
    return find_page(store, filters, full=full, damaged=damaged).rows


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


TICKET_KINDS = tuple(PREFIXES.values())


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
    text: str | None = None,
    home: Path | None = None,
) -> Filters:
    """Filters from the flags' plain values, validated (states and levels: the desk's, in `home`)."""
    from sdcli.model import states
    from sdcli.states import levels_text, severities

    if kind is not None and kind not in TICKET_KINDS:
        raise InvalidValue("kind", kind, "invalid.use_one_of", choices=", ".join(TICKET_KINDS))
    levels = severities(home) if severity else ()
    for s in severity or []:
        if s not in levels:
            raise InvalidValue("severity", s, "invalid.severity", levels=levels_text(levels))
    if status:
        known = states(kind, home)
        for name in status:
            if name not in known:
                raise InvalidValue("status", name, "invalid.use_one_of", choices=", ".join(known))
    if sort not in SORTS:
        raise InvalidValue("sort", sort, "invalid.sort", choices=", ".join(SORTS))
    return Filters(
        kind=kind,
        status=list(status or []),
        severity=list(severity or []),
        customer=customer,
        site=site,
        since=_bound("since", since) if since else None,
        until=_bound("until", until, end=True) if until else None,
        include_finished=include_all,
        text=text.strip() or None if text is not None else None,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )


def unacked_filter(filters: Filters, *, explicit_sort: bool = False) -> None:
    """Email reports whose acknowledgement is still owed; sorted by its deadline unless told."""
    filters.kind = "incident"
    filters.ack_pending = True
    if not explicit_sort:
        filters.sort = "ack_due"


def sla_filter(filters: Filters, *, due: str | None, breached: bool, explicit_sort: bool = False) -> None:
    """Incidents due within a window and/or breached, with the clock running (a paused one is
    neither: its deadline is in the on-hold section): breached is due before now, due within is
    now to now + window, the same instants as shift's sections."""
    now = clock.now()
    filters.kind = "incident"
    window = clock.parse_duration(due, field="due") if due else None
    end = now + window + timedelta(microseconds=1) if window is not None else None
    filters.recovery_due = Range(None if breached else now, end if end is not None else now)
    if not explicit_sort:
        filters.sort = "recovery_due"
