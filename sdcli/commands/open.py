"""sdcli open"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import clock, drafts, intake, validate
from sdcli.commands._flags import FlagsCommand, parse_flags
from sdcli.errors import InvalidValue
from sdcli.i18n import t
from sdcli.intake import load_questionnaire
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
    say,
    session_lang,
)

#: the questionnaire's flags are read by _flags (a flag's value is the token after it, whatever it is)
SETTINGS = {"context_settings": {"allow_extra_args": True}, "cls": FlagsCommand}


def _epilog() -> str:

    lines = [t("open.epilog")]
    for q in load_questionnaire():
        req = " " + t("open.required") if q.required else ""
        if q.required_when:
            req = " " + t("open.required_if", conditions=_conditions(q.required_when))
        when = "  " + t("open.only_if", conditions=_conditions(q.when)) if q.when else ""
        flags = f"{q.flags}/--{q.flag_unknown}" if q.kind == "yesno" else q.flags
        lines.append(f"  {flags:<46} {q.key}{req}{when}")
    return "\n\n".join(["\b\n" + "\n".join(lines)])


def _conditions(when: dict[str, list[Any]]) -> str:
    """has_contingency=sí, problem=slow/packet_loss: a yes/no answer in the help's words (never
    Python's True), a choice as stored."""
    from sdcli.i18n import word

    def value(v: Any) -> str:
        return word("yesno", v) if isinstance(v, bool) else str(v)

    return ", ".join(f"{k}={'/'.join(map(value, v))}" for k, v in when.items())


def read_document(source: str) -> dict[str, Any]:
    """A JSON object from a file or '-' (stdin): UTF-8, within sdcli's bounds (depth, numbers)."""
    from sdcli.inputs import decode, parse_json, read_source  # deferred: only with --from-file

    text = decode(read_source(source, "from-file"), source, "from-file")
    try:
        data = parse_json(text)
    except ValueError as e:
        raise InvalidValue("from-file", source, "invalid.json", reason=str(e)[:200]) from None
    if not isinstance(data, dict):
        raise InvalidValue("from-file", source, "invalid.json_object")
    return data


def command(
    ctx: typer.Context,
    from_file: str | None = typer.Option(
        None, "--from-file", help="The incident as a JSON object (keys as stored); - for stdin."
    ),
    channel: str | None = typer.Option(
        None, "--channel", help="How it was reported: phone (default), email or portal."
    ),
    received_at: str | None = typer.Option(
        None, "--received-at", help="When the report arrived (default now)."
    ),
    country: str | None = typer.Option(
        None,
        "--country",
        help="The site's country (phone region, zone, holidays); else the config's country.",
    ),
    tz: str | None = typer.Option(
        None, "--tz", help="The site's time zone (asked in a country with several; e.g. America/Cuiaba)."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    lang: str | None = LANG_OPTION,
    resume: bool = typer.Option(False, "--resume", help="Continue a draft left by an interrupted intake."),
    draft_id: str | None = typer.Option(None, "--draft", help="With --resume: which draft."),
    force: bool = typer.Option(False, "--force", help="With --resume: continue another agent's draft."),
    request_id: str | None = typer.Option(
        None, "--request-id", help="Run again with the same id: finds the incident a first run saved."
    ),
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Open an incident: walk the intake questionnaire, or take it from flags or JSON.

    On a terminal every question is asked (flags given are pre-filled) and each answer is
    saved in a draft; Ctrl-C or Ctrl-D keeps the draft for --resume. Without a terminal, or
    with --no-input, missing required answers are an error naming every missing flag. Dates
    are read day first (02/12/2026 is 2 December) in the site's zone.

    Example: sdcli open --no-input --customer ACME --site "Lima HQ" --country PE --problem link_down
    --callback "Ana Díaz <ana@acme.pe> +51 1 4117000" --service-type mpls --no-contingency
    """
    app = app_of(ctx)
    lang_code = session_lang(app, lang)
    questions = intake.load_questionnaire(app.home)
    raw: dict[str, Any] = read_document(from_file) if from_file else {}
    raw.update(parse_flags(list(ctx.args), questions))
    if tz:
        raw["timezone"] = tz
    chan = channel or raw.pop("channel", None) or "phone"
    received_raw = received_at or raw.pop("received_at", None)

    def directory() -> list[dict[str, Any]]:  # read once a customer is named, not before the first prompt
        return app.store().customers() if app.store().exists() else []

    ictx = intake.make_context(app.home, country=country, dayfirst=dayfirst, directory_of=directory)

    draft = None
    received_given = received_raw is not None  # to this run: on a resumed draft, read against now
    if resume:
        from sdcli.commands._forms import resumable  # deferred: only with --resume

        draft = resumable(ctx, "incident", draft_id, lang_code, no_input=no_input, force=force)
        chan, received_raw, ictx, lang_code, raw = _resumed(
            app, draft, raw, channel=channel, chan=chan, received_raw=received_raw, country=country,
            tz=tz, dayfirst=dayfirst, lang=lang, directory=directory,
        )  # fmt: skip
    if interactive(app, no_input=no_input):
        answers, draft = _walk(
            ctx, questions, raw, ictx, lang_code, draft, chan, received_raw, country, tz, dayfirst
        )
    else:
        answers = intake.check_all(questions, {k: v for k, v in raw.items() if v is not None}, ictx)
    received = (  # read once the site is known: a time without a zone is the site's
        validate.received("received-at", received_raw, ictx.tz(answers), dayfirst=ictx.dayfirst, notes=ictx.notes,
                          now=None if resume and received_given else _began(draft))
        if received_raw else None
    )  # fmt: skip
    fields = intake.incident_fields(answers, ictx, channel=chan, received_at=received)
    rid = request_id or (f"draft:{app.agent}:{draft.id}" if draft is not None else None)  # a retry finds it
    doc = intake.open_incident(app.store(), fields, actor=app.agent, request_id=rid)
    if draft is not None:
        drafts.remove(app.home, draft)
    _report(doc, ictx, app, chan=chan, as_json=as_json)


def _began(draft: Any) -> Any:
    """When the intake began (its draft's start: the call), what the words of --received-at
    ("hace 10 minutos", "ayer 09:40") are read against, not the save after the walk nor a resume
    hours later; None (now) without a draft."""
    began = draft.options.get("received_at") if draft is not None else None
    return clock.from_iso(began) if began else None


def _resumed(
    app: Any,
    draft: Any,
    raw: dict[str, Any],
    *,
    channel: str | None,
    chan: str,
    received_raw: str | None,
    country: str | None,
    tz: str | None,
    dayfirst: bool | None,
    lang: str | None,
    directory: Any,
) -> tuple[str, str | None, Any, str, dict[str, Any]]:
    """A resumed draft's options under the flags given now (a flag wins): the channel, the
    received-at text, the intake context, the language and the answers."""

    opts = draft.options
    chan = channel or opts.get("channel") or chan
    if received_raw is None:
        received_raw = opts.get("received_text") or opts.get("received_at")
    ictx = intake.make_context(app.home, country=country or opts.get("country"), directory_of=directory,
                               dayfirst=dayfirst if dayfirst is not None else opts.get("dayfirst"))  # fmt: skip
    lang_code = session_lang(app, lang or opts.get("lang"))
    raw = {**draft.answers, **raw}
    if tz or opts.get("tz"):
        raw.setdefault("timezone", tz or opts.get("tz"))
    return chan, received_raw, ictx, lang_code, raw


def _report(doc: dict[str, Any], ictx: Any, app: Any, *, chan: str, as_json: bool) -> None:
    """The incident opened: as JSON, or its id, the acknowledgement text (in the customer's
    language), the notes on dates read and, for an email report, when its acknowledgement is due."""

    if as_json:
        emit_json(doc)
        return
    typer.echo(f"{doc['id']}")
    typer.echo(on_screen(intake.ack_text(doc, _customer_lang(doc, app), app.home)))
    for note in ictx.notes:  # a date whose day order decided it, shown back in words
        info(note)
    if chan == "email":
        from sdcli.dates import When  # deferred: the date reader, not before the first prompt

        say("open.email_report", due=When(doc["ack_due"], doc.get("timezone")), id=doc["id"])


def _customer_lang(doc: dict[str, Any], app: Any) -> str:
    """The customer's language, by the one rule their updates and `ack --reply` go out in (the
    acknowledgement is their text, whatever the agent's session is in)."""
    from sdcli.mail import updates  # deferred: read once the incident is saved

    return updates.customer_lang(doc, app.home, app.store().customers())


def _walk(
    ctx, questions, raw, ictx, lang_code, draft, chan, received_raw, country, tz, dayfirst
) -> tuple[dict[str, Any], Any]:
    """The questionnaire walked and reviewed by the forms' shared body (a resumed draft's answers
    shown first), then checked whole."""
    from sdcli.commands._forms import walk_form  # deferred: questionary, only on a terminal

    options = {"lang": lang_code, "channel": chan, "country": country, "tz": tz, "dayfirst": dayfirst,
               "received_at": clock.iso(clock.now()), "received_text": received_raw}  # fmt: skip
    final, draft = walk_form(ctx, "incident", questions, raw, ictx, lang_code, resume=draft is not None,
                             draft_id=None, options=options, checks={}, draft=draft)  # fmt: skip
    return intake.check_all(questions, final, ictx), draft
