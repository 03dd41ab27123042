"""sdcli export"""

from __future__ import annotations

import typer

from sdcli import config, exporting
from sdcli.errors import StoreDamaged
from sdcli.outputs import write_text
from sdcli.tickets import build_filters, find
from sdcli.ui import app_reading, say, warn


def command(
    ctx: typer.Context,
    kind: str = typer.Option("incident", "--kind", help="incident, ssr or change."),
    fmt: str = typer.Option("csv", "--format", help="csv, json or jsonl."),
    output: str | None = typer.Option(
        None, "-o", "--output", help="Write to this file (a FIFO or device as a stream; - or none: stdout)."
    ),
    status: list[str] = typer.Option([], "--status", help="Only this status (repeatable)."),
    severity: list[int] = typer.Option([], "--severity", help="Only this severity (repeatable)."),
    customer: str | None = typer.Option(None, "--customer", help="Customer name contains this."),
    site: str | None = typer.Option(None, "--site", help="Site contains this."),
    since: str | None = typer.Option(None, "--since", help="Opened since: ISO date or relative (2h, 3d)."),
    until: str | None = typer.Option(None, "--until", help="Opened until."),
    open_only: bool = typer.Option(False, "--open", help="Only tickets not finished (default: all)."),
    excel: bool = typer.Option(
        False, "--excel", help="CSV for Excel in es/pt: a UTF-8 BOM, ; between cells, CRLF line ends."
    ),
    sep: str | None = typer.Option(
        None, "--delimiter", metavar="CHAR", help="The CSV cell separator: , ; | or tab (else csv_delimiter)."
    ),
) -> None:
    """Export whole tickets for reports and other systems; CSV cells are spreadsheet-safe.

    CSV and TSV have a fixed set of columns per kind, `id` first, the same on every export, with
    a header even when no ticket matches (README: Export columns). Phone numbers are written as
    tel: URIs (tel:+51-1-4117000), which a spreadsheet shows as text.

    A damaged store file does not stop the export: the healthy tickets are written, the file
    is named on stderr, and the exit code is 1.

    Example: sdcli export --kind incident --since 30d --format csv -o incidents.csv
    """
    app = app_reading(ctx)
    filters = build_filters(kind=kind, status=status, severity=severity, customer=customer, site=site,
                            since=since, until=until, include_all=not open_only, sort="id", home=app.home)  # fmt: skip
    damaged: list[str] = []
    docs = find(app.store(), filters, full=True, damaged=damaged)
    chosen = config.setting_value("csv_delimiter", sep) if sep is not None else None
    write_text(output or "-", exporting.export_text(docs, fmt, kind=kind, delimiter_=chosen, excel=excel))
    if output and output != "-":
        say("export.written", n=len(docs), path=output)
    if damaged:
        for line in damaged:
            warn(line)
        raise StoreDamaged("export.damaged", n=len(docs), files=len(damaged))
