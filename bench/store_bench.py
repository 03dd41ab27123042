"""Store bench: `show` and `note` on 100 vs 100,000 tickets, and start-up vs bare Python.

Run: python -m bench.store_bench   (prints ratios measured in this run)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SDCLI, compare, env_for


def ticket(i: int) -> dict:
    return {
        "status": "open",
        "customer": f"Customer {i % 997}",
        "site": f"Site {i % 4001}",
        "problem": ["link_down", "slow", "degraded", "packet_loss", "voice", "other"][i % 6],
        "description": "Enlace caído desde la madrugada; el cliente reporta pérdida total de servicio.",
        "channel": "phone",
        "service_type": "mpls",
        "callback_contacts": [
            {"name": f"Ana {i}", "email": f"ana{i}@example.com", "phone": "+5511987654321"}
        ],
        "local_contacts": [{"name": f"Luis {i}", "email": f"luis{i}@example.com", "phone": "+5511912345678"}],
        "opening_hours": "Mon-Fri 08:00-18:00",
        "has_contingency": False,
        "power_now": True,
        "power_outage": False,
        "equipment_connected": True,
        "equipment_rebooted": True,
        "severity": 1 + i % 4,
    }


def build(home: Path, n: int) -> None:
    from sdcli.store import open_store

    store = open_store(home=home)
    batch = 20_000
    for start in range(0, n, batch):
        store.upsert_many(
            "INC",
            [ticket(i) for i in range(start, min(n, start + batch))],
            key=None,
            on_conflict="skip",
            actor="bench",
            event={"action": "opened"},
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small", Path(tmp) / "large"
        t0 = time.perf_counter()
        build(small, 100)
        build(large, args.large)
        size = sum(p.stat().st_size for p in (large / "store").rglob("*") if p.is_file())
        print(
            f"built stores of 100 and {args.large:,} tickets ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s"
        )
        es, el = env_for(small), env_for(large)
        mid_small, mid_large = "INC50", f"INC{args.large // 2}"
        s, big = compare(([*SDCLI, "show", mid_small], es), ([*SDCLI, "show", mid_large], el), args.rounds)
        print(f"show    100: {s * 1000:6.1f} ms   {args.large:,}: {big * 1000:6.1f} ms   ratio {big / s:.2f}")
        s, big = compare(
            ([*SDCLI, "note", mid_small, "bench note"], es),
            ([*SDCLI, "note", mid_large, "bench note"], el),
            args.rounds,
        )
        print(f"note    100: {s * 1000:6.1f} ms   {args.large:,}: {big * 1000:6.1f} ms   ratio {big / s:.2f}")
        v, p = compare(([*SDCLI, "--version"], es), ([sys.executable, "-c", "pass"], es), args.rounds)
        print(
            f"startup sdcli --version: {v * 1000:6.1f} ms   python -c pass: {p * 1000:6.1f} ms   ratio {v / p:.2f}"
        )


if __name__ == "__main__":
    main()
