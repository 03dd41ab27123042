"""Completing an incident registered without some answers (`missing_answers`: an e-mail that
lacked them, an import allowed to leave them out). No CLI imports.

The answers go through the intake's validation; an answer that makes another question apply
(problem = slow asks for the IP addresses) makes that one missing too; what is answered leaves
`missing_answers`, and the field goes when nothing is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdcli import intake, validate
from sdcli.errors import InvalidValue


def still_missing(doc: dict[str, Any], questions: list[intake.Question], ctx: intake.Context,
                  given: dict[str, Any] | None = None) -> list[Any]:  # fmt: skip
    """The `missing_answers` the ticket has once `given` is added (its earlier entries kept, so an
    invalid answer's text and reason stay until it is answered)."""
    keys = intake.missing_keys(doc)
    answers = {q.key: doc[q.key] for q in questions if q.key in doc and q.key not in keys}
    merged = {**answers, **(given or {})}
    _good, missing = intake.check_partial(questions, merged, ctx)
    old = {(e.get("key") if isinstance(e, dict) else e): e for e in doc.get("missing_answers") or []}
    return [old.get(e.get("key") if isinstance(e, dict) else e, e) for e in missing]


def questions_to_ask(doc: dict[str, Any], questions: list[intake.Question], ctx: intake.Context,
                     given: dict[str, Any]) -> list[intake.Question]:  # fmt: skip
    keys = intake.missing_keys({"missing_answers": still_missing(doc, questions, ctx, given)})
    return [q for q in questions if q.key in keys and q.key not in given]


def context_of(doc: dict[str, Any], home: Path | None) -> intake.Context:
    ctx = intake.make_context(home, country=doc.get("country"), tz=doc.get("timezone"))
    ctx.dayfirst = True
    return ctx


def complete(store: Any, ticket_id: str, given: dict[str, Any], *, actor: str, home: Path | None,
             expect: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Save `given` answers (each validated; an invalid one refuses them all) and what remains."""
    questions = intake.load_questionnaire(home)
    by_key = {q.key: q for q in questions}
    unknown = [k for k in given if k not in by_key]
    if unknown:
        raise InvalidValue(unknown[0], given[unknown[0]], "is not a question of the intake")

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("kind") != "incident":
            raise InvalidValue("id", doc["id"], "is not an incident")
        ctx = context_of(doc, home)
        context = {**{q.key: doc[q.key] for q in questions if q.key in doc}, **given}
        problems, checked = [], {}
        for key, raw in given.items():
            try:
                value = intake.check_answer(by_key[key], raw, context, ctx)
            except InvalidValue as e:
                problems.append(e)
                continue
            if value is not None:
                checked[key] = value
        validate.raise_all(problems)
        doc.update(checked)
        remaining = still_missing(doc, questions, ctx, checked)
        if remaining:
            doc["missing_answers"] = remaining
        else:
            doc.pop("missing_answers", None)
        return {"action": "complete", "answered": sorted(checked)}

    return store.update(ticket_id, change, actor=actor, expect=expect)
