"""Human views of tickets (Rich). Every value from a user or a file goes through ui.text()."""

from __future__ import annotations

from typing import Any

from sdcli.ui import console, text

HEAD_FIELDS = (
    "id",
    "kind",
    "status",
    "severity",
    "customer",
    "site",
    "opened_at",
    "opened_by",
    "channel",
)
SKIP = {"history", "updated_at"}


def fmt_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "\n".join(fmt_value(v) for v in value)
    if isinstance(value, dict):
        if {"name", "email", "phone"} & value.keys():
            parts = [
                value.get("name", ""),
                f"<{value['email']}>" if value.get("email") else "",
                value.get("phone", ""),
            ]
            return " ".join(p for p in parts if p)
        return ", ".join(f"{k}={fmt_value(v)}" for k, v in value.items())
    return str(value)


def show_ticket(
    doc: dict[str, Any],
    labels: dict[str, str] | None = None,
    extra_rows: list[tuple[str, str]] | None = None,
) -> None:
    from rich.table import Table

    labels = labels or {}
    out = console()
    fields = Table(show_header=False, box=None, pad_edge=False)
    fields.add_column("field", style="bold")
    fields.add_column("value", overflow="fold")
    order = [k for k in HEAD_FIELDS if k in doc] + sorted(
        k for k in doc if k not in HEAD_FIELDS and k not in SKIP
    )
    for key in order:
        fields.add_row(text(labels.get(key, key)), text(fmt_value(doc[key])))
    for label, value in extra_rows or []:
        fields.add_row(text(label), text(value))
    out.print(fields)
    out.print()
    out.print(timeline(doc))


def timeline(doc: dict[str, Any]) -> Any:
    from rich.table import Table

    t = Table(title="Timeline", title_justify="left", expand=False)
    t.add_column("when")
    t.add_column("who")
    t.add_column("what")
    t.add_column("details", overflow="fold")
    for ev in doc.get("history", []):
        details = []
        if ev.get("note"):
            details.append(str(ev["note"]))
        for field, (old, new) in (ev.get("changes") or {}).items():
            if ev.get("action") == "opened":
                continue
            details.append(f"{field}: {fmt_value(old) or '—'} → {fmt_value(new) or '—'}")
        for k, v in ev.items():
            if k not in ("at", "by", "action", "note", "changes"):
                details.append(f"{k}: {fmt_value(v)}")
        t.add_row(
            text(ev.get("at", "")),
            text(ev.get("by", "")),
            text(ev.get("action", "")),
            text("\n".join(details)),
        )
    return t


def ticket_table(
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    *,
    none: str = "No tickets match.",
    noun: str = "ticket",
) -> None:
    from rich.table import Table

    out = console()
    if not rows:
        out.print(none)
        return
    t = Table()
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(text(fmt_value(r.get(c))) for c in columns))
    out.print(t)
    out.print(f"{len(rows)} {noun}{'s' if len(rows) != 1 else ''}")
