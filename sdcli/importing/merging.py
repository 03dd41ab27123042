"""Rows of one key merged in the order of their events (a mapping's `order` columns, see
importing.order), in the file. Against the store it is the store's write that decides, under its
lock: a row of an older event than the stored ticket's `event_order` leaves it (store/records.py,
older_event). No CLI imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdcli.i18n import Joined, Message
from sdcli.importing.cells import RowError
from sdcli.importing.order import ORDER_FIELD, Orders, later
from sdcli.store.base import key_of
from sdcli.tables import Rows

if TYPE_CHECKING:
    from sdcli.importing.plan import Plan


def merge_ordered(plan: Plan, valid: list[tuple[int, dict[str, Any]]], table: Rows, key: str, on_conflict: str,
                  orders: Orders) -> None:  # fmt: skip
    """The file's rows of one key in the order of their events: the earliest kept (skip, fail: a
    later event is the one skipped or refused) or the latest (update). Rows without an order, or
    of one order, keep file order; a tie of rows with different facts is noted."""
    plan.orders = orders
    kept = plan.kept_orders
    seen: dict[str, int] = {}  # key -> index in plan.docs
    told: set[str] = set()  # keys whose rows without an order were noted
    columns = Joined(list(orders.columns), ", ")
    for i, fields in valid:
        order = orders.of(i, fields)
        if order is not None:
            fields[ORDER_FIELD] = orders.stored(order)
        k = key_of(fields, key)
        if k is None:
            plan.unkeyed += 1
        elif k in seen:
            j = seen[k]
            after = later(order, kept[j])
            if (order is None) != (kept[j] is None) and k not in told:
                told.add(k)
                line = table.lines[i if order is None else plan.at[j]]
                plan.notes.append(Message("import.order_missing", key=k, line=line, columns=columns))
            newer = after is not False  # a tie: the later in the file is the later event
            if after is None and on_conflict != "fail" and fields != plan.docs[j]:
                first, second = table.lines[plan.at[j]], table.lines[i]
                plan.notes.append(Message("import.order_tie", key=k, first=first, second=second, columns=columns,
                                          kept=second if on_conflict == "update" else first))  # fmt: skip
            if on_conflict == "fail":
                if newer:
                    plan.reject(i, table, [RowError(table.lines[i], key, k, Message("invalid.twice"))])
                else:  # the later event is the one refused
                    at = plan.at[j]
                    plan.reject(at, table, [RowError(table.lines[at], key, k, Message("invalid.twice"))])
                    plan.docs[j], plan.at[j], kept[j] = fields, i, order
                continue
            if on_conflict == "skip":
                plan.skipped += 1
            else:
                plan.merged += 1
            if newer == (on_conflict == "update"):
                plan.docs[j], plan.at[j], kept[j] = fields, i, order
            continue
        if k is not None:
            seen[k] = len(plan.docs)
        plan.docs.append(fields)
        plan.at.append(i)
        kept.append(order)
