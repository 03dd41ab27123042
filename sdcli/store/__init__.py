"""The ticket store: one interface (base.Store), backends chosen by a URL. No CLI imports.

The store is named by ONE setting, a URL: ``--store`` on the root command, else
``SDCLI_STORE``, else the default ``tinydb://<home>/store``. The scheme picks the backend:
the built-in ones are found by name, without scanning installed packages (start-up stays
fast); any other scheme is looked up among the ``sdcli.stores`` entry points of installed
packages, the way a third-party backend registers itself.
"""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdcli.errors import ConfigError

if TYPE_CHECKING:
    from sdcli.model import PREFIXES, SUMMARY_FIELDS, format_id, parse_id, summary
    from sdcli.store.base import CONFLICTS, Change, Event, KeyConflict, Store, UpsertResult, diff, new_doc
    from sdcli.store.files import atomic_write, dumps, loads, read_json, write_temp

#: the names re-exported here, imported when first asked for (PEP 562): a module that needs only
#: the files' helpers (drafts: atomic_write, dumps) does not load the interface and its records
_EXPORTS = {
    "sdcli.model": ("PREFIXES", "SUMMARY_FIELDS", "format_id", "parse_id", "summary"),
    "sdcli.store.base": ("CONFLICTS", "Change", "Event", "KeyConflict", "Store", "UpsertResult", "diff", "new_doc"),
    "sdcli.store.files": ("atomic_write", "dumps", "loads", "read_json", "write_temp"),
}  # fmt: skip
_FROM = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _FROM.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CONFLICTS", "PREFIXES", "SUMMARY_FIELDS", "Change", "Event", "KeyConflict", "Store", "UpsertResult",
    "atomic_write", "backend", "default_url", "diff", "dumps", "format_id", "loads", "new_doc", "open_store",
    "parse_id", "read_json", "resolve_url", "summary", "write_temp",
]  # fmt: skip

STORE_ENV = "SDCLI_STORE"
ENTRY_POINTS = "sdcli.stores"
#: the backends that ship with sdcli: URL scheme → "module:class", imported only when used
BUILTIN = {
    "tinydb": "sdcli.store.tiny:TinyStore",
    "postgresql": "sdcli.store.postgres:PostgresStore",
    "postgres": "sdcli.store.postgres:PostgresStore",  # libpq's other spelling
}


def default_url(home: Path) -> str:
    return f"tinydb://{Path(home) / 'store'}"


def resolve_url(explicit: str | None, home: Path) -> str:
    """--store, else $SDCLI_STORE, else the config files' `store`, else the embedded store under the home."""
    url = (explicit or os.environ.get(STORE_ENV, "")).strip()
    if not url:
        from sdcli.config import settings

        url = settings(home).store or ""
    return url or default_url(home)


def backend(scheme: str) -> type[Store]:
    """The Store class of a URL scheme: built in, else from an installed package's entry point."""
    target = BUILTIN.get(scheme)
    if target is None:
        from importlib.metadata import entry_points

        found = [ep for ep in entry_points(group=ENTRY_POINTS) if ep.name == scheme]
        if not found:
            known = sorted({*BUILTIN, *(ep.name for ep in entry_points(group=ENTRY_POINTS))})
            raise ConfigError(
                "store.no_backend", scheme=scheme, known=", ".join(known), group=repr(ENTRY_POINTS)
            )
        cls = found[0].load()
    else:
        module, _, name = target.partition(":")
        cls = getattr(import_module(module), name)
    from sdcli.store.base import Store

    if not (isinstance(cls, type) and issubclass(cls, Store)):
        raise ConfigError("store.not_a_store", scheme=scheme)
    return cls


def open_store(url: str | None = None, *, home: Path) -> Store:
    """The store a URL names (default: the embedded one under home)."""
    url = resolve_url(url, home)
    scheme, sep, _rest = url.partition("://")
    if not sep or not scheme:
        raise ConfigError("store.no_scheme", url=repr(url))
    return backend(scheme.lower()).from_url(url, Path(home))
