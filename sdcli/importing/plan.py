"""An import's plan: the valid rows, one per key, and what is wrong with the rest; then ONE
store write of them (create, update or skip decided inside it). No CLI imports."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdcli.errors import InvalidValue, SdcliError
from sdcli.i18n import Message
from sdcli.importing.cells import RowError
from sdcli.importing.mapping import Mapping
from sdcli.importing.merging import merge_ordered
from sdcli.importing.order import Order, Orders
from sdcli.importing.records import IMPORTERS
from sdcli.model import KIND_PREFIX
from sdcli.store import KeyConflict, Store, UpsertResult
from sdcli.store.base import CONFLICTS, key_of, takes
from sdcli.tables import Rows


class ImportRejected(SdcliError):
    "Some rows are invalid and the import writes all or nothing"


@dataclass
class Plan:
    """What a file asks: its valid rows (one per key, in order) and what is wrong with the rest.

    Whether a row creates, updates or skips a ticket is decided by the store inside its write
    (`Store.upsert_many`), so that two imports of one file at once create each ticket once."""

    key: str | None = None
    on_conflict: str = "skip"
    read: int = 0
    docs: list[dict[str, Any]] = field(default_factory=list)
    # the table row of each doc (no copy of its cells; machine integers, not 100,000 int objects)
    at: array[int] = field(default_factory=lambda: array("l"))
    table: Rows | None = None  # the rows as the file gave them, for the reports of refused rows
    skipped: int = 0  # rows whose key an earlier row of the file has (skip)
    merged: int = 0  # rows superseded by a later row with the same key (update)
    unkeyed: int = 0  # valid rows without a key value: another import of them creates them again
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)
    result: UpsertResult | None = None  # what the store did (or would do, in a dry run)
    orders: Orders | None = None  # the mapping's order columns read, if it names them
    kept_orders: list[Order | None] = field(default_factory=list)  # the order of each doc (with orders)
    older: int = 0  # rows not written: an older event than their stored ticket's (update, with orders)
    notes: list[Message] = field(default_factory=list)  # warnings: ties of order, rows without one

    def summary(self) -> dict[str, int]:
        r = self.result or UpsertResult()
        return {"read": self.read, "created": len(r.created), "updated": len(r.updated),
                "skipped": self.skipped + len(r.skipped) + len(r.unchanged) + len(r.older), "merged": self.merged,
                "rejected": len(self.rejected_rows)}  # fmt: skip

    def reject(self, i: int, table: Rows, errs: list[RowError]) -> None:
        self.errors.extend(errs)
        self.rejected_rows.append(
            (table.lines[i], table.row(i), "; ".join(f"{x.field}: {x.reason}" for x in errs))
        )


def plan_import(
    table: Rows,
    *,
    kind: str,
    mapping: Mapping,
    home: Path | None,
    key: str | None,
    on_conflict: str,
    country: str | None = None,
    tz: str | None = None,
    progress: Callable[[float], None] | None = None,
    release: bool = False,
) -> Plan:
    """Validate every row and resolve the file's own repeated keys; touches no store. With
    `release` the table's cells are let go once validated, but those of the rows refused."""
    if kind not in IMPORTERS:
        raise InvalidValue("kind", kind, "invalid.use_one_of", choices=", ".join(IMPORTERS))
    if on_conflict not in CONFLICTS:
        raise InvalidValue("on-conflict", on_conflict, "invalid.on_conflict")
    records = IMPORTERS[kind](home, mapping, country, tz)
    records.release = release
    plan = Plan(on_conflict=on_conflict, table=table)
    orders = _orders(mapping, table, records.ctx) if mapping.order else None
    if orders is not None and not orders.columns:  # the file has none of them: file order
        orders = None
    if orders is not None and orders.errors:
        records.release = False  # a row refused for its order cell is reported with its cells
    valid: list[tuple[int, dict[str, Any]]] = []
    for i, (fields, errs) in enumerate(records.check(table, progress)):
        plan.read += 1
        if orders is not None and i in orders.errors:
            errs = [*errs, *orders.errors[i]]
        if errs:
            plan.reject(i, table, errs)
        else:
            assert fields is not None
            valid.append((i, fields))
    plan.key = key = key or mapping.key or _default_key(mapping, table, valid)
    if orders is None:
        _merge(plan, valid, table, key, on_conflict)
    else:
        merge_ordered(plan, valid, table, key, on_conflict, orders)
    valid.clear()
    mixed = records.ctx.notes.mixed()
    if mixed:  # 12/13/2026 and 12/01/2026 in one column: which day order the file uses is not known
        field_, only, either = mixed
        raise ImportRejected("import.day_order_unknown", field=field_, only=only, either=either)
    return plan


def _merge(
    plan: Plan, valid: list[tuple[int, dict[str, Any]]], table: Rows, key: str, on_conflict: str
) -> None:
    """The file's rows of one key in file order: the first kept (skip, fail) or the last (update)."""
    seen: dict[str, int] = {}  # key -> index in plan.docs
    for i, fields in valid:
        k = key_of(fields, key)
        if k is None:
            plan.unkeyed += 1
        if k is not None and k in seen:
            if on_conflict == "fail":
                plan.reject(i, table, [RowError(table.lines[i], key, k, Message("invalid.twice"))])
            elif on_conflict == "skip":
                plan.skipped += 1
            else:  # the last row of a key wins
                j = seen[k]
                plan.docs[j], plan.at[j] = fields, i
                plan.merged += 1
            continue
        if k is not None:
            seen[k] = len(plan.docs)
        plan.docs.append(fields)
        plan.at.append(i)


def _orders(mapping: Mapping, table: Rows, ctx: Any) -> Orders:
    return Orders(mapping.order, table, missing=mapping.missing, dayfirst=ctx.dayfirst, notes=ctx.notes)


def _default_key(mapping: Mapping, table: Rows, valid: list[tuple[int, dict[str, Any]]]) -> str:
    """The reference the rows are known by: the ticket's external number, else the customer's
    reference, whichever the rows give (an export has both columns, often the first empty)."""
    for candidate in ("external_id", "customer_reference"):
        if any(key_of(fields, candidate) is not None for _, fields in valid):
            return candidate
    given = "external_id" in mapping.fields or "external_id" in table.columns
    return "external_id" if given else "customer_reference"


def write_plan(
    store: Store,
    plan: Plan,
    *,
    kind: str,
    actor: str,
    source: str,
    partial: bool = False,
    dry_run: bool = False,
) -> UpsertResult:
    """ONE store write of the plan's rows, create-or-update decided inside it. Keys that exist
    under on_conflict='fail' become row errors: with `partial` those rows are rejected and the
    others written, else nothing is written."""
    prefix = KIND_PREFIX[kind]
    # the documents are the store's to keep (no second copy), where the backend takes them so: a
    # backend from a plugin written before `owned` still imports
    owned = {"owned": True} if takes(store.upsert_many, "owned") else {}
    try:  # under 'update', a row of an older event than its stored ticket's is left: the store decides
        plan.result = store.upsert_many(prefix, plan.docs, key=plan.key, on_conflict=plan.on_conflict, actor=actor,
                                        event={"imported_from": source}, all_or_nothing=not partial,
                                        dry_run=dry_run, **owned)  # fmt: skip
    except KeyConflict as e:
        plan.result = UpsertResult()
        _conflicts(plan, e.values)
        return plan.result
    plan.older = len(plan.result.older)
    _conflicts(plan, plan.result.conflicts)
    return plan.result


def _conflicts(plan: Plan, values: list[str]) -> None:
    if not values:
        return
    taken = set(values)
    assert plan.table is not None
    for doc, i in zip(plan.docs, plan.at, strict=True):
        k = key_of(doc, plan.key)
        if k in taken:
            line = plan.table.lines[i]
            err = RowError(line, plan.key or "key", k, Message("invalid.exists"))
            plan.errors.append(err)
            plan.rejected_rows.append((line, plan.table.row(i), f"{err.field}: {err.reason}"))
