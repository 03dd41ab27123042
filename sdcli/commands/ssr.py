"""sdcli ssr, and its subcommands check|list|show|schedule|done|cancel|invoice|ack"""

from __future__ import annotations

from typing import Any

import typer

from sdcli.commands import _mail
from sdcli.ui import JSON_OPTION, NO_INPUT_OPTION, app_of, emit_json, info, interactive

app = typer.Typer(help="Simple Service Requests: lead-time rules, states and the monthly invoice.")
IDARG = typer.Argument(..., metavar="ID", help="SSR id.")


def _details(fields: list[str]) -> dict[str, str]:
    from sdcli.errors import UsageProblem

    out = {}
    for item in fields:
        k, eq, v = item.partition("=")
        if not eq or not k.strip():
            raise UsageProblem(f"--field takes key=value, not {item!r}")
        out[k.strip()] = v
    return out


@app.callback(invoke_without_command=True)
def submit(
    ctx: typer.Context,
    requester: str | None = typer.Option(
        None, "--requester", help="'Name <email> phone' of who sent the form."
    ),
    customer: str | None = typer.Option(None, "--customer"),
    site: str | None = typer.Option(None, "--site"),
    country: str | None = typer.Option(
        None, "--country", help="The site's country (holidays, zone, phone region)."
    ),
    category: str | None = typer.Option(
        None, "--category", help="See sdcli/data/ssr.toml, e.g. static_route."
    ),
    fields: list[str] = typer.Option([], "--field", help="A category field, key=value (repeatable)."),
    start: str | None = typer.Option(None, "--start", help="Requested execution start (site time)."),
    end: str | None = typer.Option(None, "--end", help="Requested execution end."),
    description: str | None = typer.Option(None, "--description"),
    received_at: str | None = typer.Option(
        None, "--received-at", help="When the form arrived (default now)."
    ),
    from_file: str | None = typer.Option(
        None, "--from-file", help="The form as JSON (same keys, details as an object)."
    ),
    lang: str | None = typer.Option(None, "--lang", help="Language of the confirmation: es, en or pt."),
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """File a Simple Service Request: every field required, lead time checked, SSR id confirmed.

    Example: sdcli ssr --requester "Ana <ana@acme.com.br> +55 11 98765-4321" --customer ACME
    --site "SP-01" --country BR --category static_route --field prefix=10.9.0.0/16
    --field next_hop=10.0.0.1 --start "2026-12-14 09:00" --end "2026-12-14 10:00" --description "new branch"
    """
    if ctx.invoked_subcommand is not None:
        return
    from sdcli import clock, intake, ssr, validate
    from sdcli.commands.open import read_document

    a = app_of(ctx)
    raw: dict[str, Any] = read_document(from_file) if from_file else {}
    given = {"requester": requester, "customer": customer, "site": site, "country": country, "category": category,
             "window_start": start, "window_end": end, "description": description}  # fmt: skip
    raw.update({k: v for k, v in given.items() if v is not None})
    if not isinstance(raw.get("details") or {}, dict):
        from sdcli.errors import InvalidValue

        raise InvalidValue("details", raw["details"], "expected an object of the category's fields")
    raw["details"] = {**(raw.get("details") or {}), **_details(fields)}
    if interactive(a, no_input=no_input):
        raw = _ask(raw, a.home)
    request = ssr.check_request(raw, a.home)
    received_raw = received_at or raw.get("received_at")
    site_tz = clock.get_tz(request.get("timezone"))
    received = (
        validate.instant("received-at", received_raw, site_tz, relative_past=True)
        if received_raw
        else clock.now()
    )
    doc = ssr.file_request(a.store(), request, received, actor=a.agent, home=a.home)
    if as_json:
        emit_json(doc)
        return
    typer.echo(doc["id"])
    typer.echo(ssr.confirmation(doc, intake.resolve_lang(lang or a.lang), a.home))


def _ask(raw: dict[str, Any], home: Any) -> dict[str, Any]:
    import questionary

    from sdcli import ssr, validate
    from sdcli.prompts import _validator

    def line(label: str, key: str, check: Any, target: dict[str, Any] = raw) -> None:
        if not str(target.get(key) or "").strip():
            target[key] = questionary.text(label, validate=_validator(check, True)).unsafe_ask().strip()

    line(
        "Requester, 'Name <email> phone'",
        "requester",
        lambda v: validate.contact("requester", v, raw.get("country")),
    )
    line("Customer", "customer", lambda v: validate.text("customer", v, required=True))
    line("Site", "site", lambda v: validate.text("site", v, required=True))
    line("Country of the site (ISO code)", "country", lambda v: v.strip().upper())
    if not raw.get("category"):
        raw["category"] = questionary.select(
            "Category",
            choices=[
                questionary.Choice(c["label"]["en"], c["value"]) for c in ssr.catalogue(home)["category"]
            ],
        ).unsafe_ask()
    for f in ssr.category(home, raw["category"])["fields"]:
        line(f["key"], f["key"], lambda v: validate.text("field", v, required=True), raw["details"])
    line("Execution window start (site time)", "window_start", lambda v: validate.when("start", v))
    line("Execution window end", "window_end", lambda v: validate.when("end", v))
    line("Description", "description", lambda v: validate.text("description", v, required=True))
    return raw


@app.command("check")
def check(
    ctx: typer.Context,
    start: str = typer.Option(..., "--start", help="The requested execution start."),
    country: str = typer.Option(..., "--country", help="The site's country."),
    received_at: str | None = typer.Option(
        None, "--received-at", help="When the form arrived (default now)."
    ),
    tz: str | None = typer.Option(None, "--tz", help="The site's zone (default: the country's)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Would an SSR for this start be accepted? Exit 0 yes, 1 no (with the earliest accepted time).

    Example: sdcli ssr check --start "2026-12-07 09:00" --country MX --received-at "2026-12-04 16:00"
    """
    from sdcli import clock, intake, ssr, validate
    from sdcli.errors import RuleViolation

    a = app_of(ctx)
    known = intake.countries(a.home)["countries"]
    code = validate.country("country", country, known)
    zone = clock.get_tz(tz or known[code]["tz"])
    received = (
        validate.instant("received-at", received_at, zone, relative_past=True) if received_at else clock.now()
    )
    when = validate.instant("start", start, zone)
    v = ssr.check_lead_time(received, when, code, zone, a.home)
    if as_json:
        emit_json(v.as_dict())
        if not v.accepted:
            raise typer.Exit(1)
        return
    if not v.accepted:
        raise RuleViolation(v.refusal())
    info(f"accepted: {v.rule}; notice given {v.notice.total_seconds() / 3600:.1f} h")


def _move(
    ctx: typer.Context, ticket_id: str, action: str, as_json: bool, note: str | None = None, **fields: Any
) -> None:
    from sdcli.commands._transition import move

    move(ctx, ticket_id, action, as_json, prefix="SSR", note=note, **fields)


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    at: str | None = typer.Option(None, "--at", help="When (default: the requested start)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Schedule a received SSR.

    Example: sdcli ssr schedule SSR4
    """
    from sdcli import validate

    _move(ctx, ticket_id, "schedule", as_json, **({"scheduled_at": validate.when("at", at)} if at else {}))


@app.command("done")
def done(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    note: str | None = typer.Option(None, "--note"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Mark a scheduled SSR done; it is billed on the invoice of that month.

    Example: sdcli ssr done SSR4 --note "route added"
    """
    from sdcli import clock

    _move(ctx, ticket_id, "done", as_json, note=note, done_at=clock.iso(clock.now()))


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    reason: str | None = typer.Option(None, "--reason"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Cancel an SSR (never billed).

    Example: sdcli ssr cancel SSR4 --reason "customer withdrew"
    """
    _move(ctx, ticket_id, "cancel", as_json, note=reason)


@app.command("list")
def list_(ctx: typer.Context, status: list[str] = typer.Option([], "--status"), customer: str | None = typer.Option(None, "--customer"),
          include_all: bool = typer.Option(False, "--all", help="Include done and cancelled."), as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """List SSRs.

    Example: sdcli ssr list --status received
    """
    from sdcli.commands._transition import list_kind

    list_kind(ctx, "ssr", status=status, customer=customer, include_all=include_all, as_json=as_json,
              columns=("id", "status", "customer", "site", "category", "window_start"))  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, ticket_id: str = IDARG, as_json: bool = JSON_OPTION) -> None:
    """Show an SSR and its timeline.

    Example: sdcli ssr show SSR4 --json
    """
    from sdcli.commands._transition import show_doc

    show_doc(ctx, ticket_id, as_json)


@app.command("invoice")
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
    import csv
    import sys

    from sdcli import ssr
    from sdcli.importer import neutralise
    from sdcli.ui import console, text

    docs = list(app_of(ctx).store().all_tickets("SSR"))
    inv = ssr.invoice(docs, month, customer)
    if as_json:
        emit_json(inv)
        return
    if as_csv:
        w = csv.writer(sys.stdout, lineterminator="\r\n")
        w.writerow(["customer", "id", "category", "site", "done_at", "amount", "currency"])
        for c in inv["customers"]:
            for ln in c["lines"]:
                w.writerow(
                    [
                        neutralise(str(x))
                        for x in (
                            c["customer"],
                            ln["id"],
                            ln["category"],
                            ln["site"],
                            ln["done_at"],
                            f"{ln['amount']:.2f}",
                            ln["currency"],
                        )
                    ]
                )
        return
    from rich.table import Table

    out = console()
    if not inv["customers"]:
        out.print(f"No billable SSRs in {inv['month']}.")
    for c in inv["customers"]:
        t = Table(title=text(f"{c['customer']} — {inv['month']}"), title_justify="left")
        for col in ("id", "category", "site", "done_at", "amount"):
            t.add_column(col, justify="right" if col == "amount" else "left")
        for ln in c["lines"]:
            t.add_row(
                *(
                    text(x)
                    for x in (
                        ln["id"],
                        ln["category"],
                        ln["site"],
                        ln["done_at"],
                        f"{ln['amount']:.2f} {ln['currency']}",
                    )
                )
            )
        for cur, total in c["totals"].items():
            t.add_row(text("total"), text(""), text(""), text(""), text(f"{total:.2f} {cur}", "bold"))
        out.print(t)


@app.command("ack")
def ack(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    note: str | None = typer.Option(None, "--note", help="e.g. how the confirmation was sent."),
    reply: bool = _mail.REPLY_OPTION,
    output: str | None = _mail.OUTPUT_OPTION,
    send: bool = _mail.SEND_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the customer was sent the confirmation of receipt with the SSR id.

    With --reply, the confirmation is written as a reply to the form's message (stdout or
    -o FILE.eml); --send sends it and records the confirmation only once the server took it.

    Example: sdcli ssr ack SSR3 --reply --send
    """
    from sdcli import ssr
    from sdcli.errors import RefusedTransition, UsageProblem
    from sdcli.tickets import check_text

    a = app_of(ctx)
    store = a.store()
    note = check_text("note", note, required=False) or None
    if (output or send) and not reply:
        raise UsageProblem("-o and --send go with --reply")

    def record(how: str | None) -> dict:
        return ssr.confirm(store, ticket_id, actor=a.agent, note=note or how)

    if reply:
        doc = store.get(ticket_id)
        if doc.get("kind") != "ssr":
            raise RefusedTransition(f"{doc['id']} is not an SSR")
        if send and doc.get("confirmed_at"):
            raise RefusedTransition(f"{doc['id']}'s receipt was already confirmed; nothing was sent")
        _mail.reply(a, doc, lambda lang: ssr.confirmation(doc, lang, a.home), kind="ssr", output=output, send=send,
                    record=record, as_json=as_json)  # fmt: skip
        return
    doc = record(None)
    if as_json:
        emit_json(doc)
    else:
        info(f"{doc['id']}: receipt confirmed at {doc['confirmed_at']}.")
