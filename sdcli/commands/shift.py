"""sdcli shift"""

from __future__ import annotations

import typer

from sdcli import clock, shift
from sdcli.i18n import t, word
from sdcli.ui import JSON_OPTION, app_reading, text, warn
from sdcli.views.output import FORMAT_OPTION, QUIET_OPTION, emit_rows, row_format, stream_json_object

#: the columns of `--format tsv|csv` (and of a pipe): a row per ticket per section
ROW_COLUMNS = ("section", "id", "severity", "status", "customer", "site", "at")

#: (section, the time each row is shown by); titles are the catalogue's shift.<section>
SECTIONS = (
    ("breached", "recovery_due"),
    ("due_soon", "recovery_due"),
    ("unacked", "ack_due"),
    ("escalation_due", "next_level_at"),
    ("unclassified", "opened_at"),
    ("on_hold", "sla_paused_at"),
    ("incomplete", "opened_at"),
)


def command(
    ctx: typer.Context,
    within: str = typer.Option("4h", "--within", help="How far ahead 'due soon' looks (e.g. 2h, 90m)."),
    as_json: bool = JSON_OPTION,
    fmt: str | None = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
    all_rows: bool = typer.Option(
        False,
        "--all-rows",
        help="On a terminal, every row of each section (else a screenful and how many more).",
    ),
) -> None:
    """One screen for the start of a shift: breached, due soon, unacknowledged, escalations due.

    On a terminal each section shows at most a screenful (the count of the rest, and --all-rows
    to see them all); in a pipe (or --format tsv|csv) one row per ticket and section, with a header.

    Example: sdcli shift --within 2h
    """
    app = app_reading(ctx)
    now = clock.now()
    shape = row_format(fmt, as_json)
    limit = None
    if shape == "table" and not quiet and not all_rows:  # read only what a screenful shows
        from sdcli.views.lists import screenful  # deferred: Rich, only on a terminal

        limit = screenful()
    data = shift.view(app.store(), now, clock.parse_duration(within, field="within"), app.home, limit=limit)
    counts = data.pop("counts")
    for problem in data["problems"]:
        warn(problem)
    data["problems"] = [str(p) for p in data["problems"]]
    if shape == "json" and not quiet:
        stream_json_object(data)
        return
    if shape != "table" or quiet:
        rows = [{**d, "section": key, "at": d.get(field)} for key, field in SECTIONS for d in data[key]]
        if quiet:  # each id once, though a ticket may be in several sections
            rows = list({r["id"]: r for r in rows}.values())
        emit_rows(rows, ROW_COLUMNS, fmt=shape, as_json=False, quiet=quiet, table=lambda: None)
        return
    from sdcli.views.shift import show  # deferred: Rich, not on shift --json

    out = show(data, now, within, SECTIONS, counts=counts, all_rows=all_rows)
    _failed_updates(out, data["updates_failed"])


def _failed_updates(out, failed: list) -> None:
    """The customer updates the mail server refused for good: for a person to send again or drop."""
    from rich.table import Table  # deferred: Rich, not on shift --json

    title = t("shift.updates_failed")
    if not failed:
        out.print(text(t("shift.none", title=title)))
        return
    # the title on its own line: a table's title wraps to the table's width
    out.print(text(t("shift.updates_failed_count", title=title, n=len(failed)), "red"))
    from sdcli.commands.outbox import _error  # deferred: only when updates failed

    grid = Table()
    for col in ("n", "ticket", "action", "to", "error"):
        grid.add_column(word("field", col), overflow="fold")
    for item in failed:
        grid.add_row(*(text(v) for v in (str(item["id"]), item.get("ticket", ""), word("event", item.get("action", "")),
                                         ", ".join(item.get("to", [])), _error(item)[:300])))  # fmt: skip
    out.print(grid, style="red")
