"""The customer directory's one rule, shared by both backends' `store copy` and `doctor`: a
customer is one record per name as every lookup compares names (model.name_key: case, accents
and runs of spaces dropped, "Telecom Sao Paulo" == "Telecom São Paulo"). No CLI imports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sdcli.i18n import Message, Notice, Shown
from sdcli.model import name_key

#: what a put of a record stamps, not what it says of the customer
_STAMPS = ("name", "created_at", "updated_at", "updated_by")


def details(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in _STAMPS}


def merge_in(
    have: dict[str, dict[str, Any]], incoming: Iterable[dict[str, Any]], *, at: str, actor: str
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], list[Shown]]:
    """A copy's customers written into a directory (`have`: its records by the backend's own key)
    as put_customer writes one: a record whose name_key the directory has already is saved into
    that record, its spelling (and created_at) kept, the copied record's details taking the place
    of its own; any other is added as it is. Returns the records changed (by key), the records
    added, and a warning naming both spellings for each record saved into another."""
    found: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for key, record in have.items():
        found.setdefault(name_key(record.get("name")), (key, record))
    changed: dict[str, dict[str, Any]] = {}
    added: list[dict[str, Any]] = []
    warnings: list[Shown] = []
    for record in incoming:
        wanted = name_key(record["name"])
        if wanted not in found:
            doc = dict(record)
            added.append(doc)
            found[wanted] = (None, doc)
            continue
        found_key, before = found[wanted]
        same = details(before) == details(record)
        if before["name"] != record["name"] or not same:
            warnings.append(Message("customer.merged", name=repr(before["name"]), other=repr(record["name"])))
        if same:
            continue  # nothing to save
        doc = {**before, **record, "name": before["name"], "updated_at": at, "updated_by": actor}
        doc["created_at"] = before.get("created_at") or record.get("created_at") or at
        if found_key is None:  # one added by this copy already
            added[next(i for i, a in enumerate(added) if a is before)] = doc
        else:
            changed[found_key] = doc
        found[wanted] = (found_key, doc)
    return changed, added, warnings


def same_names(records: Iterable[dict[str, Any]], where: str) -> list[Shown]:
    """`doctor`: directory records that every lookup takes for one customer (only the first is
    ever found)."""
    seen: dict[str, str] = {}
    problems: list[Shown] = []
    for record in records:
        name = str(record.get("name"))
        key = name_key(name)
        if key not in seen:
            seen[key] = name
        elif seen[key] == name:
            problems.append(Message("doctor.customer_twice", path=where, name=repr(name)))
        else:
            problems.append(
                Notice("doctor.customer_same", path=where, name=repr(seen[key]), other=repr(name))
            )
    return problems
