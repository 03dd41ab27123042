"""Dynamic shell completion (issue 16): open ticket ids, states, escalation contacts, countries
and SSR categories, offered while the agent types. Completion never fails the shell: a store
or a desk file that cannot be read completes nothing. cli.py attaches these by parameter name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

#: how many open ids are offered at once (the newest first)
MAX_IDS = 50

Source = Callable[[Path, Any], list[str]]  # (home, the root's --store) → every candidate


def _ticket_ids(home: Path, store_url: Any) -> list[str]:
    from sdcli.store import open_store
    from sdcli.store.query import OpenQuery

    page = open_store(store_url, home=home).query_open(OpenQuery(sort="id", reverse=True, limit=MAX_IDS * 4))
    return [str(r["id"]) for r in page.rows]


def _statuses(home: Path, _store: Any) -> list[str]:
    from sdcli.model import states

    return states(home=home)


def _contacts(home: Path, _store: Any) -> list[str]:
    from sdcli.escalation_table import load_table

    return [c.name for lv in load_table(home).levels for c in lv.contacts]


def _countries(home: Path, _store: Any) -> list[str]:
    from sdcli.home import load_data

    return [k for k, v in load_data("countries", home).get("countries", {}).items() if isinstance(v, dict)]


def _categories(home: Path, _store: Any) -> list[str]:
    from sdcli.ssr import catalogue

    return [str(c["value"]) for c in catalogue(home).get("category", [])]


def completer(source: Source, most: int | None = None) -> Callable[[Any, Any, str], list[str]]:
    """A parameter's completion: the candidates of `source` that start with what is typed, in any
    case, read from the home and store the command line names (the same resolution as a run)."""

    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        from sdcli.home import resolve_home

        root = ctx.find_root().params if ctx is not None else {}
        typed = incomplete.casefold()
        try:
            found = [
                v
                for v in source(resolve_home(root.get("home")), root.get("store"))
                if v.casefold().startswith(typed)
            ]
        except Exception:  # noqa: BLE001 - completion completes nothing rather than break the shell
            return []
        return found[:most]

    return complete


#: parameter name → its completion
BY_NAME: dict[str, Callable[[Any, Any, str], list[str]]] = {
    "ticket_id": completer(_ticket_ids, MAX_IDS),
    "status": completer(_statuses),
    "call": completer(_contacts),
    "country": completer(_countries),
    "category": completer(_categories),
}
