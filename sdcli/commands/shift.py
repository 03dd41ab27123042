"""sdcli shift"""

from __future__ import annotations

import typer

from sdcli.ui import JSON_OPTION, app_of, console, emit_json, text, warn

SECTIONS = (
    ("breached", "Breached", "recovery_due"),
    ("due_soon", "Due within {within}", "recovery_due"),
    ("unacked", "Email reports not acknowledged", "ack_due"),
    ("escalation_due", "Next escalation level due", "next_level_at"),
    ("unclassified", "Not classified yet", "opened_at"),
    ("on_hold", "On hold (clock paused)", "sla_paused_at"),
    ("incomplete", "Registered without some answers (sdcli complete ID)", "opened_at"),
)


def command(
    ctx: typer.Context,
    within: str = typer.Option("4h", "--within", help="How far ahead 'due soon' looks (e.g. 2h, 90m)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """One screen for the start of a shift: breached, due soon, unacknowledged, escalations due.

    Example: sdcli shift --within 2h
    """
    from sdcli import clock, shift

    app = app_of(ctx)
    now = clock.now()
    data = shift.view(app.store(), now, clock.parse_duration(within, field="within"), app.home)
    for problem in data["problems"]:
        warn(problem)
    if as_json:
        emit_json(data)
        return
    from rich.table import Table

    out = console()
    out.print(text(f"Shift view at {data['now']}", "bold"))
    for key, title, when_field in SECTIONS:
        rows = data[key]
        if not rows:
            out.print(text(f"{title.format(within=within)}: none"))
            continue
        t = Table(title=f"{title.format(within=within)} ({len(rows)})", title_justify="left", expand=False)
        for col in ("id", "sev", "customer", "site", "status", when_field, "in"):
            t.add_column(col)
        for d in rows:
            when = d.get(when_field)
            rel = ""
            if when:
                delta = clock.from_iso(when) - now
                rel = (
                    ("in " if delta.total_seconds() >= 0 else "")
                    + clock.humanize(delta)
                    + ("" if delta.total_seconds() >= 0 else " ago")
                )
            t.add_row(*(text(v) for v in (d["id"], d.get("severity") or "", d.get("customer", ""), d.get("site", ""),
                                          d.get("status", ""), when or "", rel)))  # fmt: skip
        style = "red" if key == "breached" and rows else ""
        out.print(t, style=style)
    failed = data["updates_failed"]
    if not failed:
        out.print(text("Customer updates that failed: none"))
        return
    # the title on its own line: a table's title wraps to the table's width
    out.print(text(f"Customer updates that failed ({len(failed)}): sdcli outbox send N, or discard N", "red"))
    t = Table()
    for col in ("n", "ticket", "action", "to", "error"):
        t.add_column(col, overflow="fold")
    for item in failed:
        t.add_row(*(text(v) for v in (str(item["id"]), item.get("ticket", ""), item.get("action", ""),
                                      ", ".join(item.get("to", [])), str(item.get("last_error", ""))[:300])))  # fmt: skip
    out.print(t, style="red")
