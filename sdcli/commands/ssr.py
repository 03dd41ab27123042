"""sdcli ssr, and its subcommands check|list|show|schedule|done|cancel|invoice|ack"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import clock
from sdcli.commands._listing import list_kind, show_doc
from sdcli.commands._workflow import flag_time, move, site_time, ticket_time, told
from sdcli.errors import InvalidValue, MissingAnswers, RuleViolation, UsageProblem
from sdcli.i18n import Message
from sdcli.questionnaire import load_form
from sdcli.ui import (
    DAYFIRST_OPTION,
    JSON_OPTION,
    LANG_OPTION,
    NO_INPUT_OPTION,
    app_of,
    emit_json,
    info,
    interactive,
    on_screen,
    session_lang,
    warn,
)
from sdcli.views.output import FORMAT_OPTION, QUIET_OPTION
from sdcli.window_text import Window

app = typer.Typer(
    help="Simple Service Requests: lead-time rules, states and the monthly invoice.\n\n"
    "Example: sdcli ssr check --country PE --received-at now --start '2026-12-09 22:00'"
)
IDARG = typer.Argument(..., metavar="ID", help="SSR id.")


def _details(fields: list[str]) -> dict[str, str]:
    out = {}
    for item in fields:
        k, eq, v = item.partition("=")
        if not eq or not k.strip():
            raise UsageProblem("error.field_pair", text=repr(item))
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
    tz: str | None = typer.Option(
        None, "--tz", help="The site's time zone (needed in a country with several)."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    from_file: str | None = typer.Option(
        None, "--from-file", help="The form as JSON (same keys, details as an object)."
    ),
    lang: str | None = LANG_OPTION,
    resume: bool = typer.Option(False, "--resume", help="Continue the form an interruption left (a draft)."),
    draft_id: str | None = typer.Option(None, "--draft", help="With --resume: which draft."),
    force: bool = typer.Option(False, "--force", help="With --resume: continue another agent's draft."),
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """File a Simple Service Request: every field required, lead time checked, SSR id confirmed.

    Times are read day first (02/12/2026 is 2 December) in the site's zone; a window in the past
    is refused.

    Example: sdcli ssr --requester "Ana <ana@acme.com.br> +55 11 98765-4321" --customer ACME
    --site "SP-01" --country BR --tz America/Sao_Paulo --category static_route --field prefix=10.9.0.0/16
    --field next_hop=10.0.0.1 --start "14/12/2026 09:00" --end "14/12/2026 10:00" --description "new branch"
    """
    if ctx.invoked_subcommand is not None:
        return
    from sdcli import clock, drafts, ssr, validate  # deferred: not needed by ssr list/show

    a = app_of(ctx)
    code = session_lang(a, lang)
    draft = None
    if resume:  # on a terminal or not: a draft of another form, none or several in a script, refused
        from sdcli.commands._forms import resumable  # deferred: only with --resume

        draft = resumable(ctx, "ssr", draft_id, code, no_input=no_input, force=force)
        dayfirst = draft.options.get("dayfirst") if dayfirst is None else dayfirst
        code = session_lang(a, lang or draft.options.get("lang"))  # the customer's, chosen when it began
    from sdcli.commands.open import read_document  # deferred: only with --from-file

    raw: dict[str, Any] = read_document(from_file) if from_file else {}
    ssr.refuse_unknown_keys(raw)
    given = {"requester": requester, "customer": customer, "site": site, "country": country, "category": category,
             "window_start": start, "window_end": end, "description": description, "timezone": tz}  # fmt: skip
    raw.update({k: v for k, v in given.items() if v is not None})
    if not isinstance(raw.get("details") or {}, dict):
        raise InvalidValue("details", raw["details"], "invalid.details")
    raw["details"] = {**(raw.get("details") or {}), **_details(fields)}
    directory = a.store().customers() if a.store().exists() else []
    if interactive(a, no_input=no_input):
        raw, draft = _ask(ctx, raw, code, directory, dayfirst, received_at, draft)
    elif draft is not None:  # a script resuming it: the draft's answers, the flags over them
        raw = _resumed(draft, raw)
    notes: list[Any] = []
    warnings: list[Any] = []  # told on stderr, --json or not
    request = ssr.check_request(raw, a.home, tz_name=raw.get("timezone"), dayfirst=dayfirst, notes=notes,
                                directory=directory, warnings=warnings)  # fmt: skip
    began = clock.from_iso(draft.started_at) if resume and draft is not None and received_at is None else None
    received_raw = (
        received_at
        or raw.get("received_at")
        or (draft.options.get("received_text") if began and draft is not None else None)
    )
    site_tz = clock.get_tz(request.get("timezone"))
    received = (  # a resumed form was received when it began (the call), its words read against then
        validate.received("received-at", received_raw, site_tz, dayfirst=dayfirst, notes=notes, now=began)
        if received_raw
        else began or clock.now()
    )
    doc = ssr.file_request(a.store(), request, received, actor=a.agent, home=a.home, warnings=warnings)
    for warning in warnings:
        warn(warning)
    if draft is not None:
        drafts.remove(a.home, draft)
    if as_json:
        emit_json(doc)
        return
    typer.echo(doc["id"])
    typer.echo(on_screen(ssr.confirmation(doc, code, a.home)))
    info(
        Message(
            "ssr.window",
            window=Window(doc["window_start"], doc["window_end"], doc["timezone"]),
        )
    )
    for note in notes:
        info(note)


def _resumed(draft: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """A draft's answers as the flags give them, the flags given now over them (a field too)."""
    from sdcli.commands._forms import answered  # deferred: only with --resume

    out = _as_given(answered(draft))
    if raw.get("category") not in (None, out.get("category")):  # another category: not its fields
        out["details"] = {}
    return {**out, **raw, "details": {**out["details"], **(raw.get("details") or {})}}


def _as_given(answers: dict[str, Any]) -> dict[str, Any]:
    """The form's answers (a category's fields as details.KEY) as the flags give them."""
    out: dict[str, Any] = {"details": {}}
    for k, v in answers.items():
        if k.startswith("details."):
            out["details"][k.partition(".")[2]] = v
        elif k != "category_fields":
            out[k] = v
    return out


def _ask(
    ctx: Any, raw: dict[str, Any], lang: str, directory: list[Any], dayfirst: bool | None, received_at: str | None,
    draft: Any,
) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """The SSR form (ssr.toml's [[question]]) walked on the terminal: each answer checked on its
    line, the lead time as soon as the start is given; the answers as the flags give them."""
    from sdcli import clock, intake, ssr, validate  # deferred: not needed by ssr list/show
    from sdcli.commands._forms import walk_form  # deferred: questionary, only on a terminal

    a, began = app_of(ctx), None
    if draft is not None and received_at is None:  # received when the form began (the call), as given then
        received_at, began = draft.options.get("received_text"), clock.from_iso(draft.started_at)
    ictx = intake.make_context(a.home, country=raw.get("country"), tz=raw.get("timezone"), dayfirst=dayfirst,
                               directory=directory)  # fmt: skip
    given = {k: v for k, v in raw.items() if k != "details" and v not in (None, "")}
    given.update({f"details.{k}": v for k, v in (raw.get("details") or {}).items()})

    def received(zone: Any) -> Any:
        return (validate.instant("received-at", received_at, zone, dayfirst=ictx.dayfirst, tense=validate.PAST,
                                 now=began) if received_at else began or clock.now())  # fmt: skip

    def lead_time(start: str, answers: dict[str, Any]) -> None:
        zone = ictx.tz(answers)
        verdict = ssr.check_lead_time(received(zone), clock.from_iso(start), answers["country"], zone, a.home)
        if not verdict.accepted:
            raise RuleViolation(verdict.refusal())

    options = {"lang": lang, "country": raw.get("country"), "tz": raw.get("timezone"), "dayfirst": dayfirst,
               "received_text": received_at}  # fmt: skip
    answers, draft = walk_form(ctx, "ssr", load_form("ssr", a.home), given, ictx, lang, resume=draft is not None,
                               draft=draft, draft_id=None, options=options, checks={"window_start": lead_time})  # fmt: skip
    first = {"received_at": clock.iso(received(ictx.tz(answers)))} if began else {}  # a resumed draft's
    return {**first, **_as_given(answers)}, draft


@app.command("check")
def check(
    ctx: typer.Context,
    start: str = typer.Option(..., "--start", help="The requested execution start."),
    end: str | None = typer.Option(
        None, "--end", help="The requested end: a window running into the weekend is told."
    ),
    country: str = typer.Option(..., "--country", help="The site's country."),
    received_at: str | None = typer.Option(
        None, "--received-at", help="When the form arrived (default now)."
    ),
    tz: str | None = typer.Option(None, "--tz", help="The site's zone (needed in a country with several)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Would an SSR for this start be accepted? Exit 0 yes, 1 no (with the earliest accepted time).

    Example: sdcli ssr check --start "07/12/2026 09:00" --country MX --tz America/Mexico_City --received-at "04/12/2026 16:00"
    """
    from sdcli import clock, sites, ssr, validate  # deferred: not needed by ssr list/show

    a = app_of(ctx)
    known = sites.countries(a.home)
    code = validate.country("country", country, known)
    notes: list[Any] = []  # the zone stored for an older name of it (US/Eastern)
    name = sites.check_zone("tz", tz, known, code, notes) if tz else sites.only_zone(known, code)
    if not name:
        raise MissingAnswers(["--tz"])
    told(notes)
    zone = clock.get_tz(name)
    received = flag_time("received-at", received_at, zone, dayfirst, validate.PAST) or clock.now()
    when = flag_time("start", start, zone, dayfirst, validate.FUTURE)
    until = flag_time("end", end, zone, dayfirst, validate.FUTURE)
    if until is not None:
        validate.window(clock.iso(when), clock.iso(until), "end")
    v = ssr.check_lead_time(received, when, code, zone, a.home, end=until)
    caveat = v.caveat()
    if as_json:
        emit_json(v.as_dict())
        if caveat is not None:
            warn(caveat)
        if not v.accepted:
            raise typer.Exit(1)
        return
    if not v.accepted:
        raise RuleViolation(v.refusal())
    info(v.acceptance())
    if caveat is not None:
        warn(caveat)


def _move(
    ctx: typer.Context, ticket_id: str, action: str, as_json: bool, note: str | None = None, **fields: Any
) -> dict[str, Any]:
    return move(ctx, ticket_id, action, as_json, prefix="SSR", note=note, **fields)


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    at: str | None = typer.Option(None, "--at", help="When (default: the requested start; site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Schedule a received SSR.

    Example: sdcli ssr schedule SSR4
    """
    if at:
        doc = _move(ctx, ticket_id, "schedule", as_json, scheduled_at=site_time(ctx, ticket_id, at, dayfirst))
    else:
        from sdcli import ssr_work  # deferred: not needed by ssr list/show

        # at its requested start: still ahead, as the write finds the SSR (its window) and its clock
        doc = _move(
            ctx, ticket_id, "schedule", as_json, check=lambda d: ssr_work.check_start_ahead(d, clock.now())
        )
    when = doc.get("scheduled_at") or doc.get("window_start")
    if not as_json and when:  # "SSR4 is now scheduled" said not when
        from sdcli.dates import When

        info(Message("ssr.scheduled_for", when=When(when, doc.get("timezone"))))


@app.command("done")
def done(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    note: str | None = typer.Option(None, "--note"),
    at: str | None = typer.Option(
        None, "--at", help="When the work was done (default now; site time): the month it is billed in."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Mark a scheduled SSR done; it is billed on the invoice of the month it was done.

    Without --at it is done now, refused when now is in another month than its window.

    Example: sdcli ssr done SSR4 --note "route added"
    """
    from sdcli import sla, ssr_work, validate  # deferred: not needed by ssr list/show

    doc, given = ticket_time(ctx, ticket_id, at, dayfirst, validate.PAST, prefix="SSR")
    now = clock.now()
    _move(ctx, ticket_id, "done", as_json, note=note, check=lambda d: ssr_work.check_done(d, given, now),
          done_at=sla.on_site_clock(doc, given or now))  # fmt: skip


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
          include_all: bool = typer.Option(False, "--all", help="Include done and cancelled."), as_json: bool = JSON_OPTION,
          fmt: str | None = FORMAT_OPTION, quiet: bool = QUIET_OPTION) -> None:  # fmt: skip
    """List SSRs (tab-separated rows in a pipe).

    Example: sdcli ssr list --status received
    """
    list_kind(ctx, "ssr", status=status, customer=customer, include_all=include_all, as_json=as_json, fmt=fmt, quiet=quiet,
              columns=("id", "status", "customer", "site", "category", "window_start"))  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, ticket_id: str = IDARG, as_json: bool = JSON_OPTION) -> None:
    """Show an SSR and its timeline.

    Example: sdcli ssr show SSR4 --json
    """
    show_doc(ctx, ticket_id, as_json)


# sdcli ssr ack and ssr invoice: their own modules (commands/ssr_ack.py, ssr_invoice.py)
from sdcli.commands.ssr_ack import ack  # noqa: E402
from sdcli.commands.ssr_invoice import invoice  # noqa: E402

app.command("ack")(ack)
app.command("invoice")(invoice)
