"""Scale bench: every command on a store of N tickets ÷ the same command on a store of 100.

Stores hold 2/3 unfinished tickets (a desk with a backlog). Every figure is a ratio of two
medians measured alternately in this run (the machine is shared and noisy), never a stopwatch
target. Run:

    python -m bench.scale_bench                 # 100 vs 100,000 tickets (a few minutes)
    python -m bench.scale_bench --million       # and 1,000,000 (builds it: several minutes more)

It also prints the import of 100,000 rows against `sqlite-utils insert --no-detect-types`
(wall, CPU and peak memory), and start-up against minimal Typer apps.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import ROOT, SDCLI, env_for, medians, timed

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STATUSES = ["open", "on_hold", "resolved", "closed", "open", "closed"]  # 2/3 unfinished


def ticket(i: int) -> dict:
    opened = NOW - timedelta(minutes=7 * i % 500_000)
    doc = {
        "status": STATUSES[i % 6],
        "customer": f"Cliente {i % 997}",
        "site": f"Sitio {i % 4001}",
        "country": "BR",
        "timezone": "America/Sao_Paulo",
        "problem": ["link_down", "slow", "degraded", "packet_loss", "voice", "other"][i % 6],
        "description": "Enlace caído desde la madrugada; el cliente reporta pérdida total de servicio.",
        "channel": "email" if i % 5 == 0 else "phone",
        "service_type": "mpls",
        "callback_contacts": [
            {"name": f"Ana {i}", "email": f"ana{i}@example.com", "phone": "+5511987654321"}
        ],
        "opening_hours": "24x7",
        "has_contingency": False,
        "opened_at": opened.isoformat(),
        "received_at": opened.isoformat(),
        "external_id": f"SN{i:08d}",
        "severity": 1 + i % 4,
        "sla_target_hours": 4.0,
        "sla_clock": "24x7",
        "recovery_due": (opened + timedelta(hours=4)).isoformat(),
    }
    if doc["channel"] == "email":
        doc["ack_due"] = (opened + timedelta(minutes=15)).isoformat()
    return doc


def build(home: Path, n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from sdcli.store import open_store

    store = open_store(home=home)
    batch = 20_000
    for start in range(0, n, batch):
        store.upsert_many("INC", [ticket(i) for i in range(start, min(n, start + batch))], key=None,
                          on_conflict="skip", actor="bench", event={"imported_from": "bench"})  # fmt: skip


def commands(n: int) -> list[tuple[str, Callable[[int], list[str]], bool]]:
    """(name, argv of round k, on a terminal); round k works on an unfinished ticket of its own."""
    number = lambda k: 1 + (6 * (k + 3)) % n  # noqa: E731 - i % 6 == 0: an open incident
    pick = lambda k: f"INC{number(k)}"  # noqa: E731
    opening = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
               "link_down", "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--service-type", "mpls",
               "--no-contingency", "--json"]  # fmt: skip
    return [
        ("open", lambda k: opening, False),
        ("classify", lambda k: ["classify", pick(k), "--severity", str(1 + k % 4), "--reason", "bench", "--json"], False),
        ("note", lambda k: ["note", pick(k), f"note {k}"], False),
        ("show", lambda k: ["show", pick(k), "--json"], False),
        ("show (external number)", lambda k: ["show", f"SN{number(k) - 1:08d}", "--json"], False),
        ("escalate --json", lambda k: ["escalate", pick(k), "--json"], False),
        ("list --limit 20 --json", lambda k: ["list", "--limit", "20", "--json"], False),
        ("list --unacked (terminal)", lambda k: ["list", "--unacked"], True),
        ("shift --json", lambda k: ["shift", "--json"], False),
        ("shift (terminal)", lambda k: ["shift"], True),
    ]  # fmt: skip


def scale(homes: dict[int, Path], rounds: int, only: set[str] | None = None) -> None:
    sizes = sorted(homes)
    head = "".join(f"{n:>12,}" for n in sizes) + "".join(f"{'÷ 100 at ' + f'{n:,}':>20}" for n in sizes[1:])
    print(f"{'command':28}{head}")
    for row, (name, _argv, tty) in enumerate(commands(sizes[0])):
        if only is not None and name not in only:
            continue
        runs = []
        for n in sizes:
            env = {**env_for(homes[n]), "SDCLI_NOW": NOW.isoformat()}
            argv, rounds_done = commands(n)[row][1], iter(range(1_000_000))
            runs.append(
                lambda env=env, argv=argv, it=rounds_done, tty=tty: timed(
                    [*SDCLI, *argv(next(it))], env, tty=tty
                )
            )
        got = medians(runs, rounds)
        print(f"{name:28}" + "".join(f"{t * 1000:10.0f}ms" for t in got)
              + "".join(f"{t / got[0]:19.2f}x" for t in got[1:]), flush=True)  # fmt: skip


def child_usage(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one child process."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def imports(tmp: Path, rows: int, big: Path | None) -> None:
    from bench.import_bench import generate

    csv_path = tmp / "import.csv"
    generate(csv_path, rows)
    sqlite_utils = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(3):
        home = tmp / "imp"
        shutil.rmtree(home, ignore_errors=True)
        db = tmp / "imp.db"
        db.unlink(missing_ok=True)
        ours = child_usage([*SDCLI, "import", str(csv_path), "--country", "BR"], env_for(home))
        theirs = child_usage([sqlite_utils, "insert", str(db), "rows", str(csv_path), "--csv", "--no-detect-types"],
                             env_for())  # fmt: skip
        for k, v in (("sdcli", ours), ("sqlite-utils", theirs)):
            best[k] = v if k not in best or v[0] < best[k][0] else best[k]
    (sw, sc, sm), (qw, qc, qm) = best["sdcli"], best["sqlite-utils"]
    print(f"import {rows:,} rows: sdcli {sw:.2f}s wall {sc:.2f}s CPU {sm:.0f} MB peak; sqlite-utils {qw:.2f}s wall "
          f"{qc:.2f}s CPU {qm:.0f} MB peak; ratio wall {sw / qw:.2f} CPU {sc / qc:.2f}")  # fmt: skip
    if big is not None:  # into a copy: the kept store (shared between runs) never grows
        copy = tmp / "big-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(big, copy, symlinks=True)
        try:
            wall, cpu, peak = child_usage([*SDCLI, "import", str(csv_path), "--country", "BR"], env_for(copy))
        finally:
            shutil.rmtree(copy, ignore_errors=True)
        print(f"import {rows:,} rows into a copy of the big store: {wall:.2f}s wall {cpu:.2f}s CPU {peak:.0f} MB peak")  # fmt: skip


def disk(store: Path, n: int) -> str:
    """Disk use of a store: shards and index, per 100,000 tickets."""
    files = [p for p in store.rglob("*") if p.is_file()]
    shards = sum(p.stat().st_size for p in files if p.suffix == ".json" and p.parent != store) / 1e6
    index = sum(p.stat().st_size for p in files if p.name.startswith("index.sqlite")) / 1e6
    per = 100_000 / n
    return (f"store of {n:,}: shards {shards:,.1f} MB, index {index:,.1f} MB; per 100,000 tickets "
            f"{(shards + index) * per:,.0f} MB ({shards * per:,.0f} MB shards, {index * per:,.0f} MB index)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--million", action="store_true", help="also a store of 1,000,000 tickets")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="build the stores here and keep them (reused when present)")
    ap.add_argument("--only", help="these commands only, comma-separated names as printed (e.g. open,note)")
    ap.add_argument("--no-import", action="store_true", help="skip the import against sqlite-utils")
    ap.add_argument("--no-startup", action="store_true", help="skip start-up against minimal Typer apps")
    args = ap.parse_args()
    sizes = [100, args.large] + ([1_000_000] if args.million else [])
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        homes = {}
        for n in sizes:
            home = base / f"store-{n}"
            if not (home / "store" / "meta.json").exists():
                t0 = time.perf_counter()
                build(home, n)
                print(f"built {n:,} tickets in {time.perf_counter() - t0:.0f}s", flush=True)
            print(disk(home / "store", n), flush=True)
            homes[n] = home
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"(bench process peak {peak:.0f} MB)")
        scale(homes, args.rounds, None if args.only is None else {c.strip() for c in args.only.split(",")})
        if not args.no_import:
            imports(Path(scratch), 100_000, homes[sizes[-1]] if args.million else None)
        if not args.no_startup:
            from bench.startup_bench import startup

            startup(Path(scratch), homes[100], args.rounds)


if __name__ == "__main__":
    main()
