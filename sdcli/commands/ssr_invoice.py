"""sdcli ssr invoice --month YYYY-MM [--customer NAME] [--csv | --json]"""

from __future__ import annotations

import csv
import sys
from typing import Any

import typer

from sdcli.config import current
from sdcli.i18n import Localized, word
from sdcli.i18n import t as tr
from sdcli.ui import JSON_OPTION, app_of, console, emit_json, text


def invoice(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
    customer: str | None = typer.Option(None, "--customer"),
    as_csv: bool = typer.Option(False, "--csv", help="Line items as CSV (spreadsheet-safe)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The month's billable SSRs per customer: line items and totals per currency.

    Example: sdcli ssr invoice --month 2026-11 --customer ACME --csv
    """
    from sdcli import invoices, money, ssr  # deferred: not needed by ssr list/show
    from sdcli.tables import decimal_mark, neutralise  # deferred: invoice only

    home = app_of(ctx).home
    docs = list(app_of(ctx).store().all_tickets("SSR"))
    inv = invoices.invoice(docs, month, customer, home)
    if as_json:
        emit_json(inv)
        return
    if as_csv:  # an amount as the table's numbers are written: 60,00 between cells separated by ;
        sep = current().csv_delimiter
        w = csv.writer(sys.stdout, delimiter=sep, lineterminator="\r\n")
        w.writerow(["customer", "id", "category", "site", "done_at", "amount", "currency"])
        for c in inv["customers"]:
            for ln in c["lines"]:
                figure = str(money.shown(ln["amount"], ln["currency"], home)).replace(".", decimal_mark(sep))
                cells: tuple[Any, ...] = (c["customer"], ln["id"], ln["category"], ln["site"], ln["done_at"], figure,
                                          ln["currency"])  # fmt: skip
                w.writerow([neutralise(str(x)) for x in cells])
        return
    from rich.table import Table  # deferred: Rich, invoice on a terminal only

    from sdcli.render import when  # deferred: Rich, invoice on a terminal only

    labels = {c["value"]: Localized(c["label"]).render() for c in ssr.catalogue(app_of(ctx).home)["category"]}
    zones = {d["id"]: d.get("timezone") for d in docs}
    out = console()
    if not inv["customers"]:
        out.print(tr("ssr.no_billable", month=inv["month"]))
    for c in inv["customers"]:
        grid = Table(title=text(f"{c['customer']} — {inv['month']}"), title_justify="left")
        for col in ("id", "category", "site", "done_at", "amount"):
            grid.add_column(word("field", col), justify="right" if col == "amount" else "left")
        for ln in c["lines"]:
            cells = (ln["id"], labels.get(ln["category"], ln["category"]), ln["site"],
                     when(ln["done_at"], zones.get(ln["id"]), compact=True),
                     f"{money.shown(ln['amount'], ln['currency'], home).render()} {ln['currency']}")  # fmt: skip
            grid.add_row(*(text(x) for x in cells))
        for cur, total in c["totals"].items():
            grid.add_row(
                text(tr("ssr.total")),
                text(""),
                text(""),
                text(""),
                text(f"{money.shown(total, cur, home).render()} {cur}", "bold"),
            )
        out.print(grid)
