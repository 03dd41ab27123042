"""Small builders shared by tests."""

from __future__ import annotations

from typing import Any


def make_incident(store, **fields: Any) -> dict[str, Any]:
    base = {
        "status": "open",
        "customer": "ACME",
        "site": "Lima HQ",
        "problem": "link_down",
        "channel": "phone",
    }
    base.update(fields)
    return store.create("INC", base, actor="tester")
