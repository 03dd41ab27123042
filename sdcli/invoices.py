"""The monthly SSR invoice: the SSRs done in a month (in the site's zone), per customer, with
totals per currency (amounts in two currencies are never added). No CLI imports."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sdcli import clock, money
from sdcli.errors import InvalidValue
from sdcli.model import name_key


def invoice(
    docs: list[dict[str, Any]], month: str, customer: str | None = None, home: Path | None = None
) -> dict[str, Any]:
    """Billable SSRs (done in the month, never cancelled) per customer, with totals per currency.
    A customer written with other case or accents is the same customer (named as most of its
    SSRs write it). The month and each line's done_at are the site's: done on 31 Dec 23:30 in
    Lima is December's, and its line says so (not 2027-01-01T04:30:00+00:00). Amounts keep their
    currency's decimals (ISO 4217: 2 for USD, none for CLP), never rounded away."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = date(year, mon, 1)
    except (ValueError, OverflowError):
        raise InvalidValue("month", month, "invalid.month") from None
    out: dict[str, Any] = {"month": f"{first:%Y-%m}", "customers": []}
    by_customer: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        if d.get("kind") != "ssr" or d.get("status") != "done" or not d.get("done_at"):
            continue
        done = clock.from_iso(d["done_at"])
        tz = clock.get_tz(d.get("timezone"))
        local = done.astimezone(tz) if tz else done
        if (local.year, local.month) != (first.year, first.month):
            continue
        if customer and name_key(d["customer"]) != name_key(customer):
            continue
        by_customer.setdefault(name_key(d["customer"]), []).append({**d, "done_at": clock.iso(local)})
    for key in sorted(by_customer):
        spellings = Counter(d["customer"] for d in by_customer[key])
        name = min(spellings, key=lambda s: (-spellings[s], s))  # the spelling most of them use
        lines = []
        totals: dict[str, Decimal] = {}
        for d in sorted(by_customer[key], key=lambda x: clock.from_iso(x["done_at"])):
            cur = d["price"]["currency"]
            exact = d["price"]["amount"]
            amount = Decimal(str(exact)).quantize(Decimal(1).scaleb(-money.decimals(exact, cur, home)))
            totals[cur] = totals.get(cur, Decimal("0")) + amount
            lines.append({"id": d["id"], "category": d["category"], "site": d["site"], "done_at": d["done_at"],
                          "amount": float(amount), "currency": cur})  # fmt: skip
        out["customers"].append(
            {"customer": name, "lines": lines, "totals": {c: float(v) for c, v in sorted(totals.items())}}
        )
    return out
