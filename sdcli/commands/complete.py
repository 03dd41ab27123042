"""sdcli complete ID"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import completing, intake
from sdcli.commands._flags import FlagsCommand, parse_flags
from sdcli.commands._notify import queue_of
from sdcli.errors import MissingAnswers
from sdcli.i18n import Joined, Message, render
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
    warn,
)

SETTINGS = {"context_settings": {"allow_extra_args": True}, "cls": FlagsCommand}  # the questionnaire's flags


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    lang: str | None = LANG_OPTION,
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Give the answers an incident was registered without (its missing_answers), and only those.

    On a terminal each missing answer is asked (with the text an invalid one had, and why);
    else the questionnaire's flags of `sdcli open` give them.

    Example: sdcli complete INC12 --site "Lima HQ" --callback "Ana Díaz <ana@acme.pe> +51 1 4117000"
    """
    app = app_of(ctx)
    store = app.store()
    lang_code = session_lang(app, lang)
    questions = intake.load_questionnaire(app.home)
    doc = store.get(ticket_id)
    given: dict[str, Any] = parse_flags(list(ctx.args), questions)
    ictx = completing.context_of(doc, app.home)
    expect = None
    todo = completing.questions_to_ask(doc, questions, ictx, given)
    if todo and interactive(app, no_input=no_input):
        given = _ask(doc, questions, ictx, lang_code, app.home, given)
        expect = version(doc)  # the answers were given for this version of the ticket
        todo = []
    elif not given and todo:
        raise MissingAnswers([q.flags for q in todo], [q.key for q in todo])
    if not given:
        say("complete.nothing_missing", id=doc["id"])
        return
    doc = completing.complete(store, doc["id"], given, actor=app.agent, home=app.home, expect=expect,
                              queue=queue_of(app))  # fmt: skip
    left = completing.missing_keys(doc)
    if as_json:
        emit_json(doc)
    else:
        say("complete.saved", id=doc["id"], n=len(given))
    if left:
        warn(
            Message(
                "complete.still_lacks",
                id=doc["id"],
                flags=Joined([q.flags for q in questions if q.key in left]),
            )
        )


def _ask(doc: dict[str, Any], questions: list[Any], ictx: Any, lang: str, home: Any,
         given: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Ask each missing answer (and any it makes apply), saying what an invalid one was."""
    from sdcli.prompts import Walker  # deferred: questionary, only on a terminal

    invalid = {e["key"]: e for e in doc.get("missing_answers") or [] if isinstance(e, dict)}
    answers = {q.key: doc[q.key] for q in questions if q.key in doc}
    walker = Walker(questions, ictx, lang, home, lambda _a: None)
    walker.answers = answers
    while True:
        todo = completing.questions_to_ask(doc, questions, ictx, given)
        if not todo:
            return given
        q = todo[0]
        if q.key in invalid:
            (line,) = completing.describe_missing({"missing_answers": [invalid.pop(q.key)]})
            console(stderr=True).print(text(render(line)))
        value = walker.ask(q, {**answers, **given})
        if value is None:
            return given
        given[q.key] = value
