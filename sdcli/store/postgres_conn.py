"""The PostgreSQL backend's connection: the URL, timeouts, TLS, and psycopg's errors turned into
sdcli's one-line ones. Imported only when a postgresql:// store is used (psycopg costs ~100 ms).

The URL is libpq's (``postgresql://user:password@host:port/db?sslmode=verify-full``) plus three
parameters of sdcli's own, removed before libpq sees them:

- ``schema`` — the PostgreSQL schema holding sdcli's tables (default ``sdcli``);
- ``statement_timeout`` — seconds a statement may run before it is cancelled (default 60);
- ``tls_unverified=accept`` — with ``sslmode=require``: encrypted, the server not verified, by
  choice (no warning).

A connection also gets ``connect_timeout`` (5 s) and TCP keepalives unless the URL sets them, and
``lock_timeout`` from ``SDCLI_LOCK_TIMEOUT`` (10 s), as the embedded store's lock.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pgerr

from sdcli.errors import ConfigError, SdcliError, StoreBusy, StoreUnwritable
from sdcli.i18n import Literal, Message
from sdcli.store.base import StoreUnavailable
from sdcli.store.txn import lock_timeout_from_env

# psycopg's own notices ("error ignored terminating <Copy>") would be a second stderr line: the
# error boundary says what happened, once
logging.getLogger("psycopg").addHandler(logging.NullHandler())

OWN = ("schema", "statement_timeout", "tls_unverified")
DEFAULTS = {"connect_timeout": "5", "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
            "keepalives_count": "3", "application_name": "sdcli"}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A parsed store URL: what libpq gets, what sdcli keeps, and how it is shown."""

    conninfo: str
    schema: str
    statement_timeout: float
    shown: str  # the URL without its password
    warnings: tuple[Message, ...]


def parse(url: str) -> Target:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    own = {k: v for k, v in query if k in OWN}
    schema, timeout = _schema(own), _statement_timeout(own)
    libpq = _libpq_params([(k, v) for k, v in query if k not in OWN], schema, timeout)
    conninfo, shown = _urls(parts, query, libpq)
    return Target(conninfo, schema, timeout, shown, tuple(_tls_warnings(parts, dict(query), shown)))


def _schema(own: dict[str, str]) -> str:
    schema = own.get("schema", "sdcli") or "sdcli"
    if not schema.replace("_", "").isalnum() or schema[0].isdigit() or len(schema) > 63:
        raise ConfigError("store.url_schema", schema=repr(schema))
    return schema


def _statement_timeout(own: dict[str, str]) -> float:
    try:
        timeout = float(own.get("statement_timeout", "60"))
    except ValueError:
        timeout = -1
    if not 0 < timeout <= 86400:
        raise ConfigError("store.url_statement_timeout", value=repr(own["statement_timeout"]))
    return timeout


def _libpq_params(libpq: list[tuple[str, str]], schema: str, timeout: float) -> list[tuple[str, str]]:
    """libpq's parameters with sdcli's defaults and session options (added to any `options`)."""
    have = {k for k, _ in libpq}
    libpq = libpq + [(k, v) for k, v in DEFAULTS.items() if k not in have]
    ms = lambda s: int(s * 1000)  # noqa: E731
    options = f"-c search_path={schema} -c TimeZone=UTC -c statement_timeout={ms(timeout)} " \
              f"-c lock_timeout={ms(lock_timeout_from_env()) or 1} -c idle_in_transaction_session_timeout=300000"  # fmt: skip
    libpq = [(k, f"{v} {options}" if k == "options" else v) for k, v in libpq]
    if "options" not in have:
        libpq.append(("options", options))
    return libpq


def _urls(parts: Any, query: list[tuple[str, str]], libpq: list[tuple[str, str]]) -> tuple[str, str]:
    """(what libpq gets, the URL as shown: without its password)."""
    scheme = "postgresql"
    netloc = parts.netloc.rpartition("@")[2]
    user = unquote(parts.username) if parts.username else None
    login = f"{quote(parts.username or '', safe='')}:{quote(parts.password or '', safe='')}@" if user else ""
    conninfo = urlunsplit(
        (scheme, login + netloc, parts.path, urlencode(libpq, quote_via=quote, safe="/"), "")
    )
    shown_query = urlencode([(k, v) for k, v in query if k != "password"], quote_via=quote, safe="/,:")
    shown = urlunsplit(
        (scheme, (f"{quote(user, safe='')}@" if user else "") + netloc, parts.path, shown_query, "")
    )
    return conninfo, shown


def _is_local(host: str) -> bool:
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _tls_warnings(parts: Any, query: dict[str, str], shown: str) -> list[Message]:
    hosts = [h for h in (query.get("host") or parts.hostname or "").split(",") if h] or [""]
    remote = [h for h in hosts if not _is_local(h)]
    mode = query.get("sslmode", "prefer")
    if not remote or mode == "verify-full" or (mode == "require" and query.get("tls_unverified") == "accept"):
        return []
    how = (
        Message("postgres.plain_text")
        if mode in ("disable", "allow", "prefer")
        else Message("postgres.unverified", mode=mode)
    )
    return [Message("postgres.not_private", store=shown, host=remote[0], how=how)]


def reason(e: BaseException) -> str:
    """The first line of what libpq or the server said, without psycopg's own prefix."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text.removeprefix("connection failed: ")


def connect(target: Target) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(target.conninfo, autocommit=True)
    except psycopg.OperationalError as e:
        text = reason(e)
        if "password authentication failed" in text or "no password supplied" in text:
            raise StoreUnavailable(
                "postgres.login_refused", store=target.shown, reason=Literal(text)
            ) from None
        raise StoreUnavailable("postgres.cannot_connect", store=target.shown, reason=Literal(text)) from None
    except psycopg.Error as e:
        raise StoreUnavailable(
            "postgres.cannot_connect", store=target.shown, reason=Literal(reason(e))
        ) from None


@contextmanager
def translated(shown: str, *, writing: bool) -> Iterator[None]:
    """psycopg's errors as sdcli's one-line ones (a write says that nothing was saved)."""
    saved = Message("postgres.nothing_saved")
    outcome = Message("postgres.then", outcome=saved) if writing else Literal("")
    try:
        yield
    except SdcliError:
        raise
    except pgerr.LockNotAvailable:
        raise StoreBusy(
            "postgres.busy", store=shown, seconds=f"{lock_timeout_from_env():g}", outcome=outcome
        ) from None
    except pgerr.QueryCanceled as e:
        raise StoreBusy(
            "postgres.too_slow", store=shown, reason=Literal(reason(e)), outcome=outcome
        ) from None
    except pgerr.UndefinedTable:
        raise StoreUnavailable("postgres.no_schema", store=shown) from None
    except pgerr.InsufficientPrivilege as e:
        raise StoreUnwritable(
            Message("postgres.refused", store=shown, reason=Literal(reason(e))),
            saved if writing else Message("postgres.nothing_read"),
        ) from None
    except psycopg.OperationalError as e:
        raise StoreUnavailable(
            "postgres.lost", store=shown, reason=Literal(reason(e)), outcome=outcome
        ) from None
    except psycopg.Error as e:
        raise StoreUnavailable(
            "postgres.failed", store=shown, reason=Literal(reason(e)), outcome=outcome
        ) from None
