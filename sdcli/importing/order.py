"""The order of an import's events: rows of one key are merged in the order of the events
themselves (a mapping's `order` columns: ServiceNow's sys_updated_at, then sys_mod_count),
whatever order the file has them in. No CLI imports.

A column whose every cell is a whole number is compared as numbers; any other column as dates
and times, read like the file's other dates (day order, the site's zone when the text names
none). A column the file does not have is left out of the order; a row without a cell in one of
the others has no order: it is merged in file order. The
order a ticket was last imported at is kept in its `event_order` field ({column: value}), so
that an update from an older event does not overwrite a newer stored state."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sdcli import clock
from sdcli.errors import InvalidValue
from sdcli.importing.cells import RowError
from sdcli.store import records
from sdcli.tables import Rows

ORDER_FIELD = records.ORDER_FIELD  # one name, the store's: its upsert compares it (records.older_event)
#: the zone a date-time is read in before its row's site is known: one naming none is a wall time
_WALL = timezone(timedelta(0), "wall")

Order = tuple[Any, ...]  # of ints and aware datetimes, one per order column


class Orders:
    """The order value of each row of a table (read before the table's cells are let go), and
    the row errors of cells that are no order value."""

    def __init__(self, columns: Iterable[str], table: Rows, *, missing: tuple[str, ...], dayfirst: bool | None,
                 notes: list[Any] | None = None) -> None:  # fmt: skip
        self.columns = tuple(c for c in dict.fromkeys(columns) if c in table.columns)  # the file's own
        self.errors: dict[int, list[RowError]] = {}
        self._cells: list[list[Any]] = []
        for column in self.columns:
            raw = table.column(column) if column in table.columns else [None] * len(table)
            self._cells.append(self._read(column, raw, table, set(missing), dayfirst, notes))

    def _read(self, column: str, raw: list[Any], table: Rows, missing: set[str], dayfirst: bool | None,
              notes: list[Any] | None) -> list[Any]:  # fmt: skip
        """Each row's value of one column (None where it has none), each distinct cell read once."""
        cells = [None if v is None or (isinstance(v, str) and v.strip() in missing) else v for v in raw]
        distinct = {v for v in cells if v is not None and not isinstance(v, dict | list)}
        numbers = all(_whole(v) is not None for v in distinct)
        read: dict[Any, Any] = {}
        for v in distinct:
            if numbers:
                read[v] = _whole(v)
                continue
            try:
                from sdcli.instants import instant  # deferred: dateutil only for a column of dates

                read[v] = instant(column, str(v), _WALL, dayfirst=dayfirst, notes=notes)
            except InvalidValue as e:
                read[v] = e
        out: list[Any] = []
        for i, v in enumerate(cells):
            got = None if v is None else read.get(v, InvalidValue(column, v, "invalid.order_value"))
            if isinstance(got, InvalidValue):
                self.errors.setdefault(i, []).append(RowError(table.lines[i], column, v, got.reason))
                got = None
            out.append(got)
        return out

    def of(self, i: int, fields: dict[str, Any]) -> Order | None:
        """Row i's order (its wall times in the zone of its site), or None if a cell is missing."""
        values = [col[i] for col in self._cells]
        if any(v is None for v in values):
            return None
        zone = fields.get("timezone")
        return tuple(_placed(v, zone) for v in values)

    def stored(self, order: Order) -> dict[str, Any]:
        """The `event_order` field of a ticket: {column: number or ISO 8601 with offset}."""
        return {
            c: clock.iso(v) if isinstance(v, datetime) else v
            for c, v in zip(self.columns, order, strict=True)
        }


def later(new: Order | None, kept: Order | None) -> bool | None:
    """Whether an event of order `new` comes after one of order `kept`: None when they tie, and
    True when either has no order or the two cannot be compared (file order)."""
    if new is None or kept is None or not comparable(new, kept):
        return True
    return None if new == kept else new > kept


def comparable(a: Order, b: Order) -> bool:
    return len(a) == len(b) and all(
        isinstance(x, datetime) == isinstance(y, datetime) for x, y in zip(a, b, strict=True)
    )


def _whole(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit() and len(v.strip()) < 20:
        return int(v.strip())
    return None


def _placed(v: Any, zone: Any) -> Any:
    """A wall time in the site's zone (UTC when the row has none); numbers and instants as they are."""
    if not isinstance(v, datetime) or v.tzinfo is not _WALL:
        return v
    try:
        tz: Any = ZoneInfo(zone) if isinstance(zone, str) and zone else UTC
    except (ValueError, KeyError):
        tz = UTC
    return v.replace(tzinfo=tz)
