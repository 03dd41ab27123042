"""Human views of tickets (Rich), in the session's language. Every value from a user or a file
goes through ui.text(); stored values are shown through the catalogue (statuses, channels,
yes/no, field names), times in words in the site's zone naming it, phones grouped for dialling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdcli.i18n import Message, render, t, word

#: fields whose values are words of a vocabulary
_WORDS = {"status": "status", "kind": "kind", "channel": "channel", "sla_clock": "clock", "outcome": "outcome",
          "accepted_as": "acceptor", "to": "route", "method": "method", "team": "team"}  # fmt: skip
#: fields whose values are field names
_KEYS = ("unknown_answers", "missing_answers")


def is_time(value: Any) -> bool:
    from sdcli.clock import is_instant

    return is_instant(value)


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
                countries: dict[str, Any] | None = None, home: Path | None = None) -> str:  # fmt: skip
    """An intake answer as the review and `show` give it, in the session's language (`home`: the
    desk's, whose data files word it: its currencies' decimals)."""
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

        return f"{city(value, lang)} ({value})"
    return value_text(value, zone=zone, home=home)


def value_text(
    value: Any, *, zone: str | None = None, key: str | None = None, home: Path | None = None
) -> str:
    """Any stored value: contacts with grouped phones, times in words, words of vocabularies,
    money with the decimals of the desk's currencies (`home`: the one the command uses)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return word("yesno", value)
    if is_time(value):  # whatever its key: a pause's `to` is a time, not a change's route
        return when(value, zone)
    if key in _WORDS and isinstance(value, str):
        return word(_WORDS[key], value)
    if key == "routing" and isinstance(value, dict) and isinstance(value.get("contact"), dict):
        return routing_text(value)
    if key == "sla_pauses" and isinstance(value, dict) and is_time(value.get("from")):
        return pause_text(value, zone)
    if key in _KEYS and isinstance(value, list):
        return ", ".join(word("field", v) for v in value)
    if key == "opening_hours" and isinstance(value, str):
        from sdcli import hours

        return hours.shown(value)
    if key in ("phone", "source_number", "destination_number"):
        return phone(value)
    if isinstance(value, list):
        return "\n".join(value_text(v, zone=zone, key=key, home=home) for v in value)
    if isinstance(value, dict):
        if {"name", "email", "phone"} & value.keys():
            return contact_text(value)
        if key in ("price", "cost") and value.keys() == {"amount", "currency"}:
            return money_text(value, home)
        return ", ".join(
            f"{word('field', k)}={value_text(v, zone=zone, key=k, home=home)}" for k, v in value.items()
        )
    if isinstance(value, float):  # 129.0 hours as 129, 4.5 as the session writes it (4,5 in es and pt)
        from sdcli.amounts import Written

        return Written(f"{value:.6f}".rstrip("0").rstrip(".")).render()
    return str(value)


def money_text(value: dict[str, Any], home: Path | None = None) -> str:
    """An amount and its currency as the session writes them (45,50 BRL in Spanish and Portuguese,
    the currency's decimals in the desk's currencies.toml under `home`, as money.py reads them);
    one an older version stored that is no number, as it is."""
    amount, code = value.get("amount"), value.get("currency")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or not isinstance(code, str):
        return f"{amount} {code}"
    from sdcli import money

    return f"{money.shown(amount, code, home).render()} {code}"


def pause_text(p: dict[str, Any], zone: str | None = None) -> str:
    """A pause of the SLA clock in words: "3 dic 2026 13:18 → 15:02 Lima -05 · reason", or "since …, still
    running" ("from=…, to=, reason=…" before: an open pause's empty end read as a missing value)."""
    end, reason = p.get("to"), p.get("reason")
    if isinstance(end, str) and is_time(end):  # one span, as a window of work is said
        from sdcli.window_text import Window

        out = render(Window(p["from"], end, zone))
    else:
        out = t("show.pause_running", start=when(p["from"], zone))
    if reason == "resolved":  # the pause a resolve makes: the state's word
        reason = word("status", reason)
    return f"{out} · {reason}" if reason else out


def routing_text(r: dict[str, Any]) -> str:
    """Where a change was routed and why, in the session's language."""
    from sdcli.changes import WHY

    why = Message(WHY[r["why_code"]]) if r.get("why_code") in WHY else r.get("why", "")
    return render(
        Message("change.routed_to", to=r.get("to", ""), contact=contact_text(r["contact"]), why=why)
    )


def classification_text(c: dict[str, Any], doc: dict[str, Any], home: Path | None = None) -> str:
    """How a severity was chosen, in the session's language: the method, the suggestion and its
    reasons (told again from the ticket's answers when they still give that suggestion; else as
    stored), and the agent's own reason. The rules and the answers' words are the desk's (home)."""
    from sdcli import suggesting

    reasons: Any = "; ".join(map(str, c.get("reasons") or []))
    try:
        now = suggesting.suggest(doc, home=home)
        if now.severity == c.get("suggested"):
            reasons = "; ".join(render(m) for m in now.messages)
    except Exception:  # a desk's rules that cannot be read: the stored words
        pass
    out = render(Message("classify.shown", method=c.get("method", ""), suggested=c.get("suggested") or "—",
                         reasons=reasons or "—"))  # fmt: skip
    if c.get("reason"):
        out = render(Message("classify.shown_reason", text=out, reason=c["reason"]))
    return out


def severity_text(level: Any, home: Path | None = None) -> str:
    """ "2 (High)": the level and its name in severity.toml (the desk's, in home)."""
    from sdcli import sla

    try:
        return f"{level} ({sla.level_name(int(level), home=home)})"
    except (ValueError, TypeError):
        return str(level)


def show_ticket(
    doc: dict[str, Any], extra_rows: list[tuple[str, str]] | None = None, home: Path | None = None
) -> None:
    from sdcli.views.show import show_ticket as shown

    shown(doc, extra_rows, home)


def ticket_table(rows: list[dict[str, Any]], columns: tuple[str, ...], **kw: Any) -> None:
    from sdcli.views.lists import ticket_table as table

    table(rows, columns, **kw)
