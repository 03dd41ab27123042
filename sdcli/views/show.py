"""`show`: a ticket's fields in the questionnaire's order, then its timeline one line an event
("15:59 ana called Carla Mendes (L2): no-answer — rang out"). A change to a list is told as
what was added ("escalation attempts +1"), never as the whole list again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdcli.folding import folded_parts, kept
from sdcli.i18n import Message, render, t, word
from sdcli.ui import text

HEAD_FIELDS = ("id", "kind", "status", "severity", "customer", "site", "opened_at", "opened_by", "channel")
SKIP = {"history", "updated_at", "missing_answers"}  # missing_answers: its own row (show.incomplete)
#: fields an escalation event tells in its own words (who was called, the outcome)
_ESCALATION = {"escalation", "escalation_attempts"}


def field_order(doc: dict[str, Any], home: Path | None = None) -> list[str]:
    """The head fields, then the desk's questionnaire's (and a form's) in their order, then the rest."""
    from sdcli.intake import load_questionnaire

    order = [k for k in HEAD_FIELDS if k in doc]
    asked = [q.key for q in load_questionnaire(home)]
    order += [k for k in asked if k in doc and k not in order]
    order += sorted(k for k in doc if k not in order and k not in SKIP)
    return order


def show_ticket(
    doc: dict[str, Any], extra_rows: list[tuple[str, str]] | None = None, home: Path | None = None
) -> None:
    from sdcli.views.output import paged

    paged(lambda out: _print(out, doc, extra_rows or [], home))


def _print(
    out: Any, doc: dict[str, Any], extra_rows: list[tuple[str, str]], home: Path | None = None
) -> None:
    from rich.table import Table

    from sdcli.intake import load_questionnaire
    from sdcli.render import answer_text, classification_text, severity_text, value_text

    questions = {q.key: q for q in load_questionnaire(home)}  # the desk's: its choices' words
    zone = doc.get("timezone")
    unknown = set(doc.get("unknown_answers") or [])
    rows: list[tuple[str, str]] = []
    for key in field_order(doc, home):
        value = doc[key]
        if key in unknown and value is None:
            shown = t("yesno.unknown")
        elif key in questions and key not in ("customer", "site"):
            shown = answer_text(value, questions[key], zone=zone, home=home)
        elif key == "severity" and value:
            shown = severity_text(value, home)
        elif key == "classification" and isinstance(value, dict):
            shown = classification_text(value, doc, home)
        elif key == "escalation_attempts" and isinstance(value, list):
            shown = attempts_text(value, zone)
        elif key == "escalation" and isinstance(value, dict):
            shown = escalation_text(value, zone)
        else:
            shown = value_text(value, zone=zone, key=key, home=home)
        rows.append((word("field", key), shown))
    from rich.cells import cell_len

    fields = Table(show_header=False, box=None, pad_edge=False)
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value", overflow="fold")
    room = out.width - max((cell_len(label) for label, _ in [*rows, *extra_rows]), default=0) - 2
    for label, value in [*rows, *extra_rows]:  # folded between words, never inside a phone number
        fields.add_row(text(label), text(kept(value, room)))
    out.print(fields)
    out.print()
    zone = doc.get("timezone")
    if zone:
        from sdcli.dates import city

        out.print(text(t("show.timeline_in", zone=city(zone)), "bold"))
    else:
        out.print(text(t("show.timeline"), "bold"))
    for head, parts in timeline_parts(doc, home):
        for one in folded_parts("", [f"{head}  {parts[0] if parts else ''}", *parts[1:]], out.width):
            out.print(text(one), no_wrap=False, overflow="fold")


def attempts_text(attempts: list[dict[str, Any]], zone: str | None) -> str:
    """The calls in one line: how many, and the last one."""
    if not attempts:
        return "—"
    last = attempts[-1]
    return render(Message("show.attempts", n=len(attempts), last=call_text(last, zone)))


def escalation_text(esc: dict[str, Any], zone: str | None) -> str:
    from sdcli.render import when

    line = render(Message("show.escalation", level=esc.get("active_level", 1)))
    owner = esc.get("owner")
    if isinstance(owner, dict) and owner.get("name"):
        since = when(owner["since"], zone, compact=True) if owner.get("since") else ""
        line += render(
            Message("show.escalation_owner", name=owner["name"], level=owner.get("level", ""), since=since)
        )
    return line


def call_text(a: dict[str, Any], zone: str | None) -> str:
    """One call or e-mail: "15:59 Carla Mendes (L2): no-answer — rang out"."""
    key = "show.ev_mailed" if a.get("channel") == "email" else "show.ev_called"
    line = render(Message(key, contact=a.get("contact", ""), level=a.get("level", ""),
                          outcome=word("outcome", a.get("outcome", ""))))  # fmt: skip
    if a.get("note"):
        line += f" — {a['note']}"
    return line


def timeline_parts(doc: dict[str, Any], home: Path | None = None) -> list[tuple[str, list[str]]]:
    """An event an entry: its time in the site's clock (named once, in the title) and who, then
    the parts of what it did (event_parts)."""
    from sdcli.dates import city
    from sdcli.render import when

    zone = doc.get("timezone")
    named = f" {city(zone)}" if zone else ""
    entries = []
    for ev in doc.get("history", []):
        at = when(ev.get("at", ""), zone, compact=True)
        at = at[: -len(named)] if named and at.endswith(named) else at
        entries.append((f"{at}  {ev.get('by', '')}", event_parts(ev, doc, home)))
    return entries


def event_text(ev: dict[str, Any], doc: dict[str, Any], home: Path | None = None) -> str:
    """What an event did, on one line."""
    return " · ".join(event_parts(ev, doc, home))


def event_parts(ev: dict[str, Any], doc: dict[str, Any], home: Path | None = None) -> list[str]:
    """What an event did, part by part (a note as it was typed, its lines too; money in the
    decimals of the desk's currencies, under `home`)."""
    from sdcli.render import value_text

    zone = doc.get("timezone")
    action = ev.get("action", "")
    if action == "escalation-attempt":
        parts = [call_text(ev, zone)]
        if ev.get("made_at"):  # recorded later than it was made (escalate --at)
            from sdcli.render import when

            parts.append(
                render(Message("show.ev_made_at", when=when(str(ev["made_at"]), zone, compact=True)))
            )
        if ev.get("moved_to_level"):
            parts.append(render(Message("show.ev_moved", level=ev["moved_to_level"])))
        skip = _ESCALATION
    else:
        parts = [word("event", action)]
        if ev.get("note"):
            parts.append(str(ev["note"]))
        skip = set()
        changes = ev.get("changes")
        changed: dict[str, Any] = changes if action != "opened" and isinstance(changes, dict) else {}
        for k, v in ev.items():  # a field the changes tell too is told once, as a change
            if k not in ("at", "by", "action", "note", "changes") and k not in changed:
                parts.append(
                    f"{word('field', k)}: {value_text(v, zone=zone, key=k, home=home)}".replace("\n", "; ")
                )
    if action != "opened":
        for field, change in (ev.get("changes") or {}).items():
            if field in skip:
                continue
            if isinstance(change, dict) and isinstance(change.get("added"), list):  # a list appended to
                parts.append(f"{word('field', field)} +{len(change['added'])}")
            elif isinstance(change, list) and len(change) == 2:  # [old, new], as every store before wrote it
                parts.append(change_text(field, change[0], change[1], doc, home))
    return [p for p in parts if p]


def change_text(field: str, old: Any, new: Any, doc: dict[str, Any], home: Path | None = None) -> str:
    """One field's change: a list as what it gained or lost, else old → new, on one line."""
    zone = doc.get("timezone")
    name = word("field", field)
    if isinstance(old, list | type(None)) and isinstance(new, list):
        return f"{name} {_list_change(old or [], new)}"
    if field == "classification":  # told whole among the fields; here what it became
        return f"{name} → {new.get('method', '') if isinstance(new, dict) else '—'}"
    if old is None or old == "":
        return f"{name}: {_short(new, zone, field, home)}"
    if isinstance(old, dict) and isinstance(new, dict):
        return f"{name}: {_dict_change(old, new, zone, home)}"
    return f"{name}: {_short(old, zone, field, home)} → {_short(new, zone, field, home)}"


def _list_change(before: list[Any], after: list[Any]) -> str:
    """What a list gained and lost (+2 −1), or = when neither."""
    added = sum(1 for x in after if x not in before)
    removed = sum(1 for x in before if x not in after)
    bits = ([f"+{added}"] if added else []) + ([f"−{removed}"] if removed else [])
    return " ".join(bits) or "="


def _dict_change(old: dict[str, Any], new: dict[str, Any], zone: str | None, home: Path | None = None) -> str:
    """The keys of a structured field that changed, each old → new."""
    keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    return ", ".join(
        f"{word('field', k)} {_short(old.get(k), zone, k, home)} → {_short(new.get(k), zone, k, home)}"
        for k in keys
    )


def _short(value: Any, zone: str | None, key: str, home: Path | None = None) -> str:
    """A value in an event's line: a contact by name, a time compact, on one line."""
    from sdcli.render import is_time, value_text, when

    if isinstance(value, dict) and value.get("name"):
        return str(value["name"])
    if is_time(value):
        return when(value, zone, compact=True)
    return (value_text(value, zone=zone, key=key, home=home) or "—").replace("\n", "; ")
