"""sdcli classify ID"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import classifying, sla, suggesting
from sdcli.commands._notify import NOTIFY_OPTION, notify, queue_of
from sdcli.dates import When
from sdcli.errors import InvalidValue, MissingAnswers
from sdcli.i18n import Localized, Message, render, t
from sdcli.store.base import version
from sdcli.ui import (
    JSON_OPTION,
    LANG_OPTION,
    NO_INPUT_OPTION,
    app_of,
    console,
    emit_json,
    interactive,
    say,
    session_lang,
    text,
)


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    severity: int | None = typer.Option(
        None,
        "--severity",
        help="Set this level (severity.toml's: 1-4 as shipped); needs --reason unless it is the suggestion.",
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why this level."),
    impact: str | None = typer.Option(
        None, "--impact", help="high|medium|low or 1-3 (with --urgency: the ITIL matrix)."
    ),
    urgency: str | None = typer.Option(None, "--urgency", help="high|medium|low or 1-3."),
    accept: bool = typer.Option(False, "--accept-suggestion", help="Take the suggested level."),
    lang: str | None = LANG_OPTION,
    no_input: bool = NO_INPUT_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Classify an incident's severity and set its recovery deadline.

    Suggests a level from the intake answers (rules in sdcli/data/classification.toml)
    and shows why; or uses the ITIL impact x urgency matrix. Reclassifying recomputes the
    deadline from the original opening time.

    Example: sdcli classify INC12 --accept-suggestion --json
    """

    app = app_of(ctx)
    store = app.store()
    lang_code = session_lang(app, lang)
    doc = store.get(ticket_id)  # a wrong id is told before the flags
    choice = classifying.choose(severity=severity, reason=reason, impact=impact, urgency=urgency, accept=accept,
                                home=app.home)  # fmt: skip
    expect: int | None = None
    if choice is None and interactive(app, no_input=no_input):
        choice = classifying.Choice(
            *_ask(doc, suggesting.suggest(doc, lang_code, app.home), lang_code, app.home)
        )
        expect = version(doc)  # the person decided on this version: a change since refuses the save
    elif choice is None:
        from sdcli.helptext import notation  # TEXT as the help writes it in the session's language

        raise MissingAnswers(
            [Message("error.classify_how"), notation("--severity N --reason TEXT"), "--impact X --urgency Y"]
        )
    doc = classifying.apply(store, ticket_id, choice, actor=app.agent, home=app.home, expect=expect,
                            queue=queue_of(app))  # fmt: skip
    if notify_now:
        notify(app, doc["id"])
    if as_json:
        emit_json(doc)
        return

    due = When(doc["recovery_due"], doc.get("timezone")) if doc.get("recovery_due") else "—"
    level = doc["severity"]
    say("classify.done", id=doc["id"], level=level, name=sla.level_name(level, lang_code, app.home), due=due,
        clock=doc["sla_clock"], hours=f"{doc['sla_target_hours']:g}")  # fmt: skip


def _ask(doc: dict[str, Any], suggestion: Any, lang: str, home: Any) -> tuple[str, int, str | None]:
    """The levels with their targets, the suggestion marked; (method, level, reason) as chosen."""
    from rich.table import Table  # deferred: only on a terminal (not --json)

    from sdcli.prompts import line, select  # deferred: questionary, only on a terminal

    out = console()
    table = Table(
        title=text(f"{doc['id']}: {doc.get('customer', '')} / {doc.get('site', '')}"), title_justify="left"
    )
    for col in ("level", "name", "qualifies", "target"):
        table.add_column(t(f"classify.{col}"))
    for n, lv in sorted(sla.levels(home).items()):
        hours, kind = sla.target_for(doc, n, home)
        mark = "bold reverse" if n == suggestion.severity else ""
        table.add_row(text(str(n), mark), text(sla.level_name(n, lang, home), mark),
                      text(Localized(lv.get("qualifies", "")).render(lang), mark),
                      text(f"{hours:g} h {t('clock.' + kind)}", mark))  # fmt: skip
    out.print(table)
    reasons = "; ".join(render(m) for m in suggestion.messages)
    out.print(text(t("classify.suggested", level=suggestion.severity, reasons=reasons), "bold"))
    choices = [(f"{n} {sla.level_name(n, lang, home)}", n) for n in sorted(sla.levels(home))]
    level = select(t("classify.severity"), choices, suggestion.severity)
    if level == suggestion.severity:
        return "suggestion", level, None

    def needed(v: str) -> None:

        if not v.strip():
            raise InvalidValue("reason", v, "classify.reason_required")

    reason = line(t("classify.why", level=level, suggested=suggestion.severity), needed, True)
    return "manual", level, reason.strip()
