"""Dynamic shell completion (issue 16): open ticket ids, states, escalation contacts, countries
and SSR categories, offered while the agent types. Completion never fails the shell: a store
or a desk file that cannot be read completes nothing. cli.py attaches these by parameter name."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

#: how many open ids are offered at once (the newest first)
MAX_IDS = 50


def _home() -> Any:
    from sdcli.home import resolve_home

    return resolve_home(os.environ.get("SDCLI_HOME") or None)


def _matching(values: list[tuple[str, str]], incomplete: str) -> list[str]:
    """The values that start with what is typed, in any case (the help texts are for a later
    shell protocol; Typer takes plain strings from any version of its Click)."""
    typed = incomplete.casefold()
    return [v for v, _help in values if v.casefold().startswith(typed)]


def ticket_ids(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The open tickets whose id starts with what is typed, with their customer as help."""
    from sdcli.store import open_store
    from sdcli.store.query import OpenQuery

    try:
        page = open_store(home=_home()).query_open(OpenQuery(sort="id", reverse=True, limit=MAX_IDS * 4))
        rows = [(str(r["id"]), str(r.get("customer") or "")) for r in page.rows]
    except Exception:  # noqa: BLE001 - completion completes nothing rather than break the shell
        return []
    return _matching(rows, incomplete)[:MAX_IDS]


def statuses(ctx: Any, param: Any, incomplete: str) -> list[str]:
    from sdcli.model import states

    try:
        return _matching([(s, "") for s in states(home=_home())], incomplete)
    except Exception:  # noqa: BLE001
        return []


def contacts(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The escalation table's contacts by name, with their level as help."""
    from sdcli.escalation import load_table

    try:
        table = load_table(_home())
        names = [(c.name, f"L{lv.level}") for lv in table.levels for c in lv.contacts]
    except Exception:  # noqa: BLE001
        return []
    return _matching(names, incomplete)


def countries(ctx: Any, param: Any, incomplete: str) -> list[str]:
    from sdcli.home import load_data

    try:
        known = load_data("countries", _home()).get("countries", {})
        return _matching(
            [(k, str(v.get("name", ""))) for k, v in known.items() if isinstance(v, dict)], incomplete
        )
    except Exception:  # noqa: BLE001
        return []


def categories(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The SSR catalogue's categories."""
    from sdcli.ssr import catalogue

    try:
        return _matching([(str(c["value"]), "") for c in catalogue(_home()).get("category", [])], incomplete)
    except Exception:  # noqa: BLE001
        return []


#: parameter name → its completion
BY_NAME: dict[str, Callable[[Any, Any, str], list[Any]]] = {
    "ticket_id": ticket_ids,
    "status": statuses,
    "call": contacts,
    "country": countries,
    "category": categories,
}
