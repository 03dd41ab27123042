"""Human views of tickets (Rich), in the session's language. Every value from a user or a file
goes through ui.text(); stored values are shown through the catalogue (statuses, channels,
yes/no, field names), times in words in the site's zone naming it, phones grouped for dialling."""

from __future__ import annotations

import re
from typing import Any

from sdcli.i18n import Message, render, t, word
from sdcli.ui import console, text

HEAD_FIELDS = ("id", "kind", "status", "severity", "customer", "site", "opened_at", "opened_by", "channel")
SKIP = {"history", "updated_at", "missing_answers"}  # missing_answers: its own row (show.incomplete)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)$")
#: fields whose values are words of a vocabulary
_WORDS = {"status": "status", "kind": "kind", "channel": "channel", "sla_clock": "clock", "outcome": "outcome",
          "accepted_as": "acceptor", "to": "route", "method": "method", "team": "team"}  # fmt: skip
#: fields whose values are field names
_KEYS = ("unknown_answers", "missing_answers")


def is_time(value: Any) -> bool:
    return isinstance(value, str) and bool(_ISO.match(value))


def when(value: str, zone: str | None = None, *, compact: bool = False) -> str:
    """A stored instant on a screen: in words, in the site's zone, naming it (and the agent's time)."""
    from sdcli.dates import When

    try:
        return render(When(value, zone, compact=compact))
    except (ValueError, TypeError):
        return str(value)


def phone(value: Any) -> str:
    from sdcli.validate import shown_phone

    return shown_phone(value) if isinstance(value, str) else str(value)


def contact_text(c: dict[str, Any]) -> str:
    parts = [
        str(c.get("name") or ""),
        f"<{c['email']}>" if c.get("email") else "",
        phone(c["phone"]) if c.get("phone") else "",
    ]
    return " ".join(p for p in parts if p)


def answer_text(value: Any, q: Any = None, lang: str | None = None, *, zone: str | None = None,
                countries: dict[str, Any] | None = None) -> str:  # fmt: skip
    """An intake answer as the review and `show` give it, in the session's language."""
    from sdcli.validate import UNKNOWN

    kind = getattr(q, "kind", None)
    if value is None:
        return "—"
    if value == UNKNOWN or isinstance(value, bool):
        return t("yesno.unknown") if value == UNKNOWN else word("yesno", value)
    if kind == "choice":
        return str(q.choice_label(value, lang))
    if kind == "hours":
        from sdcli import hours

        return hours.shown(value, lang)
    if kind == "country" and countries and value in countries:
        return f"{value} ({countries[value].get('name', value)})"
    if kind == "phone" and isinstance(value, str):
        return phone(value)
    if kind == "zone":
        from sdcli.dates import city

        return f"{city(value)} ({value})"
    return value_text(value, zone=zone)


def value_text(value: Any, *, zone: str | None = None, key: str | None = None) -> str:
    """Any stored value: contacts with grouped phones, times in words, words of vocabularies."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return word("yesno", value)
    if key in _WORDS and isinstance(value, str):
        return word(_WORDS[key], value)
    if key == "routing" and isinstance(value, dict) and isinstance(value.get("contact"), dict):
        return routing_text(value)
    if key in _KEYS and isinstance(value, list):
        return ", ".join(word("field", v) for v in value)
    if key == "opening_hours" and isinstance(value, str):
        from sdcli import hours

        return hours.shown(value)
    if key in ("phone", "source_number", "destination_number"):
        return phone(value)
    if is_time(value):
        return when(value, zone)
    if isinstance(value, list):
        return "\n".join(value_text(v, zone=zone, key=key) for v in value)
    if isinstance(value, dict):
        if {"name", "email", "phone"} & value.keys():
            return contact_text(value)
        return ", ".join(f"{word('field', k)}={value_text(v, zone=zone, key=k)}" for k, v in value.items())
    return str(value)


def show_ticket(doc: dict[str, Any], extra_rows: list[tuple[str, str]] | None = None) -> None:
    from rich.table import Table

    from sdcli.intake import load_questionnaire

    questions = {q.key: q for q in load_questionnaire()}
    zone = doc.get("timezone")
    unknown = set(doc.get("unknown_answers") or [])
    out = console()
    fields = Table(show_header=False, box=None, pad_edge=False)
    fields.add_column("field", style="bold")
    fields.add_column("value", overflow="fold")
    order = [k for k in HEAD_FIELDS if k in doc] + sorted(
        k for k in doc if k not in HEAD_FIELDS and k not in SKIP
    )
    for key in order:
        value = doc[key]
        if key in unknown and value is None:
            shown = t("yesno.unknown")
        elif key in questions and key not in ("customer", "site"):
            shown = answer_text(value, questions[key], zone=zone)
        elif key == "severity" and value:
            shown = severity_text(value)
        elif key == "classification" and isinstance(value, dict):
            shown = classification_text(value, doc)
        else:
            shown = value_text(value, zone=zone, key=key)
        fields.add_row(text(word("field", key)), text(shown))
    for label, value in extra_rows or []:
        fields.add_row(text(label), text(value))
    out.print(fields)
    out.print()
    out.print(timeline(doc))


def routing_text(r: dict[str, Any]) -> str:
    """Where a change was routed and why, in the session's language."""
    from sdcli.changes import WHY

    why = Message(WHY[r["why_code"]]) if r.get("why_code") in WHY else r.get("why", "")
    return render(
        Message("change.routed_to", to=r.get("to", ""), contact=contact_text(r["contact"]), why=why)
    )


def classification_text(c: dict[str, Any], doc: dict[str, Any]) -> str:
    """How a severity was chosen, in the session's language: the method, the suggestion and its
    reasons (told again from the ticket's answers when they still give that suggestion; else as
    stored), and the agent's own reason."""
    from sdcli import sla

    reasons: Any = "; ".join(map(str, c.get("reasons") or []))
    try:
        now = sla.suggest(doc)
        if now.severity == c.get("suggested"):
            reasons = "; ".join(render(m) for m in now.messages)
    except Exception:  # a desk's rules that cannot be read: the stored words
        pass
    out = render(Message("classify.shown", method=c.get("method", ""), suggested=c.get("suggested") or "—",
                         reasons=reasons or "—"))  # fmt: skip
    if c.get("reason"):
        out = render(Message("classify.shown_reason", text=out, reason=c["reason"]))
    return out


def severity_text(level: Any) -> str:
    from sdcli import sla

    try:
        return f"{level} ({sla.level_name(int(level))})"
    except (ValueError, TypeError):
        return str(level)


def timeline(doc: dict[str, Any]) -> Any:
    from rich.table import Table

    zone = doc.get("timezone")
    table = Table(title=t("show.timeline"), title_justify="left", expand=False)
    for col in ("when", "who", "what", "details"):
        table.add_column(t(f"show.{col}"), overflow="fold")  # what None gave: Rich folds a Text by default
    for ev in doc.get("history", []):
        details = []
        if ev.get("note"):
            details.append(str(ev["note"]))
        for field, change in (ev.get("changes") or {}).items():
            if ev.get("action") == "opened" or not isinstance(change, list) or len(change) != 2:
                continue
            old, new = change
            if field == "classification":
                old, new = (classification_text(v, doc) if isinstance(v, dict) else v for v in (old, new))
            shown_old = value_text(old, zone=zone, key=field) or "—"
            details.append(
                f"{word('field', field)}: {shown_old} → {value_text(new, zone=zone, key=field) or '—'}"
            )
        for k, v in ev.items():
            if k not in ("at", "by", "action", "note", "changes"):
                details.append(f"{word('field', k)}: {value_text(v, zone=zone, key=k)}")
        table.add_row(text(when(ev.get("at", ""), zone, compact=True)), text(ev.get("by", "")),
                      text(word("event", ev.get("action", ""))), text("\n".join(details)))  # fmt: skip
    return table


def ticket_table(
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    *,
    none: str = "list.none",
    count: str = "list.count",
) -> None:
    """Rows as a table; `none` and `count` (with `<count>_one`) are the catalogue's words for them."""
    from rich.table import Table

    out = console()
    if not rows:
        out.print(t(none))
        return
    table = Table()
    for c in columns:
        table.add_column(word("field", c), overflow="fold")
    for r in rows:
        table.add_row(*(text(cell_text(r, c)) for c in columns))
    out.print(table)
    out.print(render(Message(f"{count}_one" if len(rows) == 1 else count, n=len(rows))))


def cell_text(row: dict[str, Any], column: str) -> str:
    """A table cell: a stored value in words, times compact in the row's zone."""
    value = row.get(column)
    if value is None or value == "":
        return ""
    if column in ("problem", "service_type"):
        from sdcli.intake import load_questionnaire

        q = next((x for x in load_questionnaire() if x.key == column), None)
        return q.choice_label(value) if q else str(value)
    if is_time(value):
        return when(value, row.get("timezone"), compact=True)
    return value_text(value, zone=row.get("timezone"), key=column)
