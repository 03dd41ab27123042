"""sdcli import FILE|-"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import typer

from sdcli import exporting, importing, tables
from sdcli.errors import UsageProblem
from sdcli.i18n import Message, render, t
from sdcli.importing import ImportRejected
from sdcli.inputs import decode, read_source
from sdcli.ui import JSON_OPTION, app_of, clean, emit_json, say, warn


def command(
    ctx: typer.Context,
    source: str = typer.Argument(
        ..., metavar="FILE|-", help="CSV, TSV, JSON array or JSON lines; - for stdin."
    ),
    kind: str | None = typer.Option(None, "--kind", help="What the rows are: incident (default)."),
    fmt: str | None = typer.Option(
        None, "--format", help="csv, tsv, json or jsonl (default: from the extension)."
    ),
    maps: list[str] = typer.Option([], "--map", help="field=column (repeatable)."),
    mapping: str | None = typer.Option(
        None,
        "--mapping",
        help="A TOML/JSON file: [fields], [values.FIELD], defaults, dayfirst, order (columns ordering a key's events).",
    ),
    preset: str | None = typer.Option(None, "--preset", help="A known export layout: servicenow."),
    dayfirst: bool | None = typer.Option(
        None, "--dayfirst/--monthfirst", help="Read 02-03-2016 as 2 March (the default) or as February 3."
    ),
    key: str | None = typer.Option(
        None,
        "--key",
        help="Field that identifies a ticket across runs (default external_id or customer_reference).",
    ),
    on_conflict: str | None = typer.Option(
        None, "--on-conflict", help="When the key exists: skip (default), update or fail."
    ),
    partial: bool = typer.Option(False, "--partial", help="Write the good rows; bad ones go to --rejects."),
    rejects: str | None = typer.Option(
        None, "--rejects", help="With --partial: file for the bad rows, plus a reason column."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report; write nothing."),
    country: str | None = typer.Option(
        None,
        "--country",
        help="Country of rows that give none (else the mapping's default, else the config's).",
    ),
    tz: str | None = typer.Option(
        None, "--tz", help="Zone of sites that give none (needed in a country with several)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import tickets in one all-or-nothing write, validated like `sdcli open`; idempotent by key.

    Example: sdcli import export.csv --preset servicenow --json
    """
    app = app_of(ctx)
    m = importing.load_mapping(preset, mapping, maps, app.home)
    if dayfirst is not None:
        m.dayfirst = dayfirst
    kind = kind or m.kind or "incident"
    conflict = on_conflict or m.on_conflict or "skip"
    if partial and not rejects:
        raise UsageProblem("error.partial_needs_rejects")
    fmt, table = _read(source, fmt)
    plan = importing.import_table(
        table, app.store, kind=kind, mapping=m, actor=app.agent, source="stdin" if source == "-" else Path(source).name,
        home=app.home, key=key, on_conflict=conflict, partial=partial, dry_run=dry_run, country=country, tz=tz,
        progress=_progress(len(table)),
    )  # fmt: skip
    if plan.errors and not partial:
        _refuse(plan, dry_run, as_json)
    if partial and plan.rejected_rows and not dry_run:
        exporting.write_rejects(Path(rejects or ""), fmt, table.columns, plan.rejected_rows)
    _report(plan, dry_run, as_json)


def _read(source: str, fmt: str | None):
    """The format and the rows of the file (a column named twice warned of)."""
    text = decode(read_source(source), source)
    fmt = tables.detect_format(source, fmt, text[:4096])
    table = tables.read_rows(text, fmt, source)
    counts = Counter(table.columns)  # linear: a header of 10^6 cells is counted once
    for column in sorted(c for c, n in counts.items() if n > 1):
        warn(Message("import.column_twice", column=repr(column)))
    return fmt, table


def _report(plan, dry_run: bool, as_json: bool) -> None:
    if plan.unkeyed:  # on stderr, JSON or not: the next import of the same rows makes them again
        warn(
            Message(
                "import.unkeyed_one" if plan.unkeyed == 1 else "import.unkeyed", n=plan.unkeyed, key=plan.key
            )
        )
    for note in plan.notes:  # rows of one key merged by their order columns: ties, rows without one
        warn(note)
    if plan.older:
        columns = ", ".join(plan.orders.columns)
        warn(
            Message("import.older_one" if plan.older == 1 else "import.older", n=plan.older, columns=columns)
        )
    summary = {**plan.summary(), "dry_run": dry_run}
    if as_json:
        emit_json({**summary, "errors": [e.as_dict() for e in plan.errors]})
    else:
        say(
            "import.dry_run" if dry_run else "import.done",
            **{k: v for k, v in summary.items() if k != "dry_run"},
        )


def _refuse(plan, dry_run: bool, as_json: bool) -> None:
    """Nothing was written: every bad row named (on stdout too with --json, every count but
    read and rejected at 0), exit 1."""
    if as_json:
        emit_json({**dict.fromkeys(plan.summary(), 0), "read": plan.read, "rejected": len(plan.rejected_rows),
                   "dry_run": dry_run, "errors": [e.as_dict() for e in plan.errors]})  # fmt: skip

    for err in plan.errors[:50]:
        typer.echo(f"  {clean(render(err.message()))}", err=True)
    if len(plan.errors) > 50:
        typer.echo(f"  {t('import.more', n=len(plan.errors) - 50)}", err=True)
    raise ImportRejected("import.rejected", bad=len(plan.rejected_rows), read=plan.read)


def _progress(rows: int):
    """A Rich progress bar of the validation on a terminal; None in a pipe or for small inputs."""
    if rows < 2000 or not sys.stderr.isatty():
        return None
    from rich.progress import Progress  # deferred: only on a terminal

    bar = Progress(transient=True)

    task = bar.add_task(t("import.validating", n=f"{rows:,}"), total=1.0)
    bar.start()

    def tick(done: float) -> None:
        bar.update(task, completed=done)
        if done >= 1.0:
            bar.stop()

    return tick
