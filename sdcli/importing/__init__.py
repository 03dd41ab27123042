"""Batch import of tickets. No CLI imports.

An import reads every row (sdcli.tables), maps columns to stored fields (mapping), validates
each row with the intake's own steps (records), plans creates and updates against the file's
own repeated keys (plan), and writes them in ONE locked store write (or nothing at all).
`import_table` does all of it; `sdcli import` is a thin command over it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from sdcli.importing.cells import ABSENT, RowError
from sdcli.importing.mapping import Mapping, load_mapping
from sdcli.importing.plan import ImportRejected, Plan, plan_import, write_plan
from sdcli.importing.records import IMPORTERS, MISSING_ANSWERS, IncidentRecords
from sdcli.store import Store
from sdcli.tables import Rows

__all__ = ["ABSENT", "IMPORTERS", "MISSING_ANSWERS", "ImportRejected", "IncidentRecords", "Mapping", "Plan", "RowError",
           "import_table", "load_mapping", "plan_import", "write_plan"]  # fmt: skip


def import_table(
    table: Rows,
    store: Callable[[], Store],
    *,
    kind: str,
    mapping: Mapping,
    actor: str,
    source: str,
    home: Path | None = None,
    key: str | None = None,
    on_conflict: str = "skip",
    partial: bool = False,
    dry_run: bool = False,
    country: str | None = None,
    tz: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> Plan:
    """Validate every row of table, then, if all are valid (or with `partial`, the valid ones),
    write them in ONE store write (`store()` is opened only then). The plan says what was read,
    created, updated, skipped and rejected; with errors and without `partial` nothing is written.
    The table's cells are let go once validated (Rows.release; but those of refused rows, until
    they are reported), except with on_conflict 'fail', whose keys the store refuses are
    reported with their rows."""
    gc.disable()  # validation and the write allocate millions of small objects (no cycles), freed at the end
    try:
        keep = on_conflict == "fail"  # only a key refused by the store needs its row again (the rejects)
        plan = plan_import(table, kind=kind, mapping=mapping, home=home, key=key, on_conflict=on_conflict,
                           country=country, tz=tz, progress=progress, release=not keep)  # fmt: skip
        if not keep:
            table.release()
        if not plan.errors or partial:
            write_plan(store(), plan, kind=kind, actor=actor, source=source, partial=partial, dry_run=dry_run)
    finally:
        gc.enable()
    return plan
