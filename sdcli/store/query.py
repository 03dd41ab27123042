"""What a listing asks of the open index, as data every backend can answer. No CLI imports.

`OpenQuery.matches` and `page()` are the reference semantics: the default `Store.query_open`
applies them to `open_summaries()`, and a backend with real indexes (the TinyDB backend's
SQLite index, PostgreSQL) must answer exactly alike — a property test holds them to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sdcli.model import PREFIXES, fold, parse_id

#: what a listing may sort by; a ticket without the field sorts last, ties in id order
SORTS = ("opened_at", "id", "severity", "status", "customer", "updated_at", "recovery_due", "ack_due",
         "escalation_from")  # fmt: skip
TIME_SORTS = frozenset({"opened_at", "updated_at", "recovery_due", "ack_due", "escalation_from"})
_RANK = {p: i for i, p in enumerate(PREFIXES)}


@dataclass(frozen=True)
class Range:
    """Instants from `low` (inclusive) up to `high` (exclusive); either end open."""

    low: datetime | None = None
    high: datetime | None = None

    def holds(self, ts: float | None) -> bool:
        if ts is None:
            return False
        return (self.low is None or ts >= self.low.timestamp()) and (
            self.high is None or ts < self.high.timestamp()
        )


@dataclass(frozen=True)
class OpenQuery:
    """Tickets that are not finished, filtered, sorted and limited; every filter must hold."""

    prefix: str | None = None
    statuses: tuple[str, ...] = ()
    severities: tuple[int, ...] = ()
    classified: bool | None = None  # a severity set (True) or not (False)
    customer: str | None = None  # contains, case- and accent-insensitive
    site: str | None = None
    opened: Range | None = None
    escalation: Range | None = None  # escalation_from: when the escalation clock started (escalation_start)
    recovery_due: Range | None = None
    unpaused: bool = False  # the SLA clock runs (not on hold)
    ack_pending: bool = False  # an acknowledgement is due and not recorded
    levels_attempted: tuple[int, ...] = ()  # the highest escalation level called is one of these
    active_levels: tuple[
        int, ...
    ] = ()  # the level to call (escalation's active_level: 1, or raised) is one of these
    owed: bool = False  # an active level raised (by failed calls) above every level called: level_owed
    incomplete: bool = False  # opened without every answer the questionnaire requires (missing_answers)
    sort: str = "opened_at"
    reverse: bool = False
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")

    def flags(self) -> list[tuple[str, int]]:
        """(column, value) of the 0/1 columns an index answers the flag filters by, named as the
        embedded index names them (PostgreSQL's query columns put q_ before)."""
        wanted = [("classified", int(self.classified))] if self.classified is not None else []
        if self.unpaused:
            wanted.append(("paused", 0))
        if self.ack_pending:
            wanted.append(("ack_pending", 1))
        if self.incomplete:
            wanted.append(("incomplete", 1))
        if self.owed:
            wanted.append(("owed", 1))
        return wanted

    def matches(self, s: dict[str, Any]) -> bool:
        if self.prefix is not None and str(s.get("id", ""))[:3] != self.prefix:
            return False
        if self.statuses and s.get("status") not in self.statuses:
            return False
        if self.severities and sort_value(s, "severity") not in self.severities:
            return False
        if self.classified is not None and bool(s.get("severity")) != self.classified:
            return False
        if self.customer is not None and fold(self.customer) not in fold(str(s.get("customer") or "")):
            return False
        if self.site is not None and fold(self.site) not in fold(str(s.get("site") or "")):
            return False
        return self._matches_clock(s)

    def _matches_clock(self, s: dict[str, Any]) -> bool:
        """The instants, the SLA clock's pause (sla_paused_at, which every paused state sets), the
        escalation level, the answers missing and the acknowledgement."""
        if self.opened is not None and not self.opened.holds(timestamp(s.get("opened_at"))):
            return False
        if self.escalation is not None and not self.escalation.holds(escalation_start(s)):
            return False
        if self.recovery_due is not None and not self.recovery_due.holds(timestamp(s.get("recovery_due"))):
            return False
        if self.unpaused and s.get("sla_paused_at"):
            return False
        if self.levels_attempted and level_attempted(s) not in self.levels_attempted:
            return False
        if self.active_levels and active_level(s) not in self.active_levels:
            return False
        if self.owed and not level_owed(s):
            return False
        if self.incomplete and not s.get("missing_answers"):
            return False
        return not self.ack_pending or bool(s.get("ack_due") and not s.get("acked_at"))


@dataclass
class Page:
    """The rows a listing shows, and how many match in all."""

    rows: list[dict[str, Any]]
    total: int


def compact(text: str) -> str:
    """A reference as a caller reads it out: folded, its letters and digits only, the marks
    between them dropped ('SN-000777', 'sn 000777' → 'sn000777')."""
    return compact_folded(fold(text))


#: every ASCII character that is not a letter or a digit (str.isalnum), deleted by str.translate
_MARKS = {c: None for c in range(128) if not chr(c).isalnum()}
#: the same of any text: \w is str.isalnum and the underscore
_NOT_ALNUM = re.compile(r"[\W_]+")


def compact_folded(folded: str) -> str:
    """compact of a text already folded (a bulk write folds each reference once)."""
    return folded.translate(_MARKS) if folded.isascii() else _NOT_ALNUM.sub("", folded)


def ref_key(typed: str) -> tuple[str, str]:
    """How a typed reference is compared with the stored ones: ("compact", its compact form) when
    that has a digit (a number read out with or without its marks), else ("fold", its fold)."""
    short = compact(typed)
    if any(c.isdigit() for c in short):
        return "compact", short
    return "fold", fold(typed.strip())


def ref_matches(stored: str, typed: str) -> bool:
    """Whether a stored reference is the one typed (ref_key): every match is listed, so two
    references with one compact form are an ambiguity, never one of them picked."""
    how, key = ref_key(typed)
    return (compact(stored) if how == "compact" else fold(stored.strip())) == key


def timestamp(value: Any) -> float | None:
    """An ISO 8601 instant as epoch seconds; None for a missing or unreadable one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


class Stamps(dict[Any, float | None]):
    """timestamp of each distinct value once (a bulk write's tickets share their updated_at, and
    escalation_from is mostly opened_at again): call it like timestamp. Bounded: it starts
    again past LIMIT values (a million tickets' deadlines are not all held)."""

    LIMIT = 50_000

    def __missing__(self, value: Any) -> float | None:
        if len(self) >= self.LIMIT:
            self.clear()
        self[value] = got = timestamp(value)
        return got

    def __call__(self, value: Any) -> float | None:  # keys_of looks up the memo itself
        try:
            return self[value]
        except TypeError:  # a list or an object where an instant belongs: not one
            return timestamp(value)


def escalation_start(s: dict[str, Any]) -> float | None:
    """When a ticket's escalation clock started, as epoch seconds: its escalation_from (set in
    its summary when completed SLA pauses moved it), else its opened_at."""
    return timestamp(s.get("escalation_from") or s.get("opened_at"))


def level_attempted(s: dict[str, Any]) -> int:
    """The highest escalation level a ticket's calls reached (0: none)."""
    esc = s.get("escalation")
    level = esc.get("last_level_attempted", 0) if isinstance(esc, dict) else 0
    return level if isinstance(level, int) and not isinstance(level, bool) else 0


def active_level(s: dict[str, Any]) -> int:
    """The escalation level to call as the ticket records it (active_level: raised past the
    correct one by failed calls, escalation_calls.py); 1 when it records none (or none above 0)."""
    esc = s.get("escalation")
    level = esc.get("active_level", 1) if isinstance(esc, dict) else 1
    return level if isinstance(level, int) and not isinstance(level, bool) and level > 1 else 1


def level_owed(s: dict[str, Any]) -> bool:
    """Whether the active level is above every level called and above the first: a level owed
    whatever the time (3 failed calls at a level: the next one is to be called)."""
    return active_level(s) > max(level_attempted(s), 1)


def sort_value(s: dict[str, Any], sort: str) -> Any:
    """The value a summary sorts by (None: missing, sorted last)."""
    if sort == "id":
        return parse_id(s["id"])[1] if "id" in s else None
    if sort == "escalation_from":
        return escalation_start(s)
    if sort in TIME_SORTS:
        return timestamp(s.get(sort))
    value = s.get(sort)
    if sort == "severity":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return None if value is None or value == "" else str(value)


def id_order(s: dict[str, Any]) -> tuple[int, int]:
    p, n = parse_id(s["id"])
    return _RANK[p], n


def page(query: OpenQuery, summaries: list[dict[str, Any]]) -> Page:
    """The reference answer to a query over open summaries (with a limit, the top N by heapq,
    not a sort of every match)."""
    rows = [s for s in summaries if query.matches(s)]
    if query.limit is not None and query.limit < len(rows):
        return Page(_top(query, rows, query.limit), len(rows))
    rows.sort(key=id_order)
    present = [s for s in rows if sort_value(s, query.sort) is not None]
    missing = [s for s in rows if sort_value(s, query.sort) is None]
    if query.sort == "id":
        present.sort(key=id_order, reverse=query.reverse)
    else:
        present.sort(key=lambda s: sort_value(s, query.sort), reverse=query.reverse)
    ordered = present + missing
    return Page(ordered if query.limit is None else ordered[: query.limit], len(ordered))


def _top(query: OpenQuery, rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The first n of `page`'s order: present values by the sort (ties in id order, as a stable
    sort gives), then the missing ones in id order."""
    import heapq

    present = [(v, s) for s in rows if (v := sort_value(s, query.sort)) is not None]
    if query.sort == "id":
        key = lambda p: id_order(p[1])  # noqa: E731
        top = heapq.nlargest(n, present, key=key) if query.reverse else heapq.nsmallest(n, present, key=key)
    elif query.reverse:
        top = heapq.nlargest(n, present, key=lambda p: (p[0], tuple(-x for x in id_order(p[1]))))
    else:
        top = heapq.nsmallest(n, present, key=lambda p: (p[0], id_order(p[1])))
    out = [s for _, s in top]
    if len(out) < n:
        missing = [s for s in rows if sort_value(s, query.sort) is None]
        out.extend(heapq.nsmallest(n - len(out), missing, key=id_order))
    return out
