"""Rows of one key merged in the order of their events (a mapping's `order` columns, see
importing.order), in the file and against the store. No CLI imports."""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any

from sdcli.i18n import Joined, Message
from sdcli.importing.cells import RowError
from sdcli.importing.order import ORDER_FIELD, Order, Orders, later
from sdcli.store import Store
from sdcli.store.base import key_of
from sdcli.tables import Rows

if TYPE_CHECKING:
    from sdcli.importing.plan import Plan

#: at most this many stored tickets are read one by one; more are found in one scan of the kind
_ONE_BY_ONE = 50
_REFS = ("external_id", "customer_reference")  # the keys the store finds by its index of references


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


def drop_older(store: Store, plan: Plan, prefix: str) -> None:
    """Under on_conflict 'update': the rows whose stored ticket was imported from a later event
    (its `event_order`) are not written (counted skipped, and in `older`). A stored ticket without
    an order, or with one of other columns, is updated as without orders."""
    orders, key = plan.orders, plan.key
    assert orders is not None and key is not None
    wanted: dict[str, int] = {}
    for j, (doc, order) in enumerate(zip(plan.docs, plan.kept_orders, strict=True)):
        k = key_of(doc, key)
        if order is not None and k is not None:
            wanted[k] = j
    if not wanted:
        return
    stored = _stored_orders(store, prefix, key, wanted, orders)
    older = {
        j
        for k, j in wanted.items()
        if stored.get(k) is not None and later(plan.kept_orders[j], stored[k]) is False
    }
    if not older:
        return
    keep = [j for j in range(len(plan.docs)) if j not in older]
    plan.docs = [plan.docs[j] for j in keep]
    plan.at = array("l", (plan.at[j] for j in keep))
    plan.kept_orders = [plan.kept_orders[j] for j in keep]
    plan.skipped += len(older)
    plan.older += len(older)


def _stored_orders(
    store: Store, prefix: str, key: str, wanted: dict[str, int], orders: Orders
) -> dict[str, Order | None]:
    """key -> the order of the stored ticket of `prefix` the store updates for it (its lowest
    number), for the keys some ticket has: by the index of references when the key is one."""
    out: dict[str, Order | None] = {}
    ids: dict[str, str] = {}  # ticket id -> key
    if key in _REFS:
        for k in wanted:
            found = [t for t, f in store.find_refs(k) if f == key and _of(t, prefix)]
            for t in found:
                ids.setdefault(t, k)
        if not ids:
            return out
        if len(ids) <= _ONE_BY_ONE:
            for t in sorted(ids, key=_number):
                doc = store.get(t)
                got = key_of(doc, key)
                if got is not None and got in wanted and got not in out:
                    out[got] = orders.of_ticket(doc)
            return out
    for doc in store.all_tickets(prefix):  # in id order: the first of a key is the one updated
        got = key_of(doc, key)
        if got is not None and got in wanted and got not in out:
            out[got] = orders.of_ticket(doc)
    return out


def _of(ticket_id: str, prefix: str) -> bool:
    return ticket_id.startswith(prefix) and ticket_id[len(prefix) :].isdigit()


def _number(ticket_id: str) -> int:
    return int("".join(c for c in ticket_id if c.isdigit()) or 0)
