"""Import bench: sdcli import of a generated incident CSV against sqlite-utils insert of the same file.

sqlite-utils inserts the rows and validates nothing; sdcli validates every row like
`sdcli open` (emails, E.164 phones, IPs, dates) and writes them in one store write.
Run: python -m bench.import_bench   (prints wall, CPU and peak memory of both, and their ratios,
measured in this run; targets <= 1.0 and sdcli <= 200 MB)
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SDCLI, env_for

PROBLEMS = ["link_down", "slow", "degraded", "packet_loss", "voice", "other"]
SERVICES = ["satellite", "internet", "mpls", "other"]
COUNTRIES = {
    "BR": "+55 11 9{:04d}-{:04d}",
    "MX": "+52 55 {:04d} {:04d}",
    "PE": "+51 1 4{:03d}{:03d}",
    "CL": "+56 2 2{:03d} {:04d}",
}
ZONES = {
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City",
    "PE": "America/Lima",
    "CL": "America/Santiago",
}


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["customer_reference", "customer", "site", "country", "timezone", "problem", "description", "service_type", "callback_contacts",
                    "has_contingency", "power_now", "source_ip", "destination_ip", "source_number",
                    "destination_number", "failed_calls", "opened_at", "status", "severity"])  # fmt: skip
        for i in range(rows):
            c = rng.randrange(3000)
            country = list(COUNTRIES)[c % len(COUNTRIES)]  # a customer is in one country
            fmt = COUNTRIES[country]
            problem = rng.choice(PROBLEMS)
            # a customer's contact keeps one number, as in real intake data
            first = c % 9000 + 1000 if country == "BR" else c % 900 + 100
            second = 100 + (c * 7) % 899 if country == "PE" else 1000 + (c * 7) % 8999
            phone = fmt.format(first, second)
            slow = problem in ("slow", "packet_loss")
            voice = problem == "voice"
            day = 1 + i % 28
            w.writerow([
                f"CR-{i:06d}", f"Customer {c}", f"Site {rng.randrange(20000)}", country, ZONES[country], problem,
                "Router reboots every hour" if problem == "other" else "", rng.choice(SERVICES),
                f"Contact {c} <contact{c}@customer{c}.example.com> {phone}", rng.choice(["yes", "no"]),
                rng.choice(["yes", "no"]),
                f"10.{rng.randrange(256)}.{rng.randrange(256)}.1" if slow else "",
                f"192.0.2.{rng.randrange(256)}" if slow else "",
                phone if voice else "", phone if voice else "",
                f"2026-11-{day:02d} 10:{i % 60:02d}" if voice else "",
                f"2026-11-{day:02d}T{i % 24:02d}:{i % 60:02d}:00-03:00", rng.choice(["open", "resolved", "closed"]),
                rng.choice(["1", "2", "3", "4"]),
            ])  # fmt: skip


def usage(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak resident MB) of one child process (started from this small process:
    a child's peak counts the memory of the process it was forked from)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _pid, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return time.perf_counter() - start, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    peer = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "incidents.csv"
        generate(csv_path, args.rows)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB)")
        ours, theirs = [], []
        for r in range(args.rounds):  # interleaved: the machine's noise hits both sides
            db = Path(tmp) / f"peer{r}.db"
            theirs.append(
                usage([peer, "insert", str(db), "incidents", str(csv_path), "--csv", "--no-detect-types"])
            )
            home = Path(tmp) / f"home{r}"
            ours.append(usage([*SDCLI, "import", str(csv_path), "--kind", "incident"], env_for(home)))
            (w, c, m), (qw, qc, qm) = ours[-1], theirs[-1]
            print(f"round {r + 1}: sdcli {w:.2f}s wall {c:.2f}s CPU {m:.0f} MB   sqlite-utils {qw:.2f}s wall "
                  f"{qc:.2f}s CPU {qm:.0f} MB   ratio wall {w / qw:.2f} CPU {c / qc:.2f}")  # fmt: skip
        (w, c, m), (qw, qc, qm) = min(ours), min(theirs)
        cpu, peer_cpu = min(x[1] for x in ours), min(x[1] for x in theirs)
        print(f"best: sdcli import {w:.2f}s wall {cpu:.2f}s CPU {max(x[2] for x in ours):.0f} MB peak   sqlite-utils "
              f"insert {qw:.2f}s wall {peer_cpu:.2f}s CPU {qm:.0f} MB   ratio wall {w / qw:.2f} CPU "
              f"{cpu / peer_cpu:.2f} (targets <= 1.0; sdcli <= 200 MB)")  # fmt: skip
        # for scale, not a target: the nightly case of the same file again (every row skipped)
        again = usage([*SDCLI, "import", str(csv_path), "--kind", "incident"], env_for(home))
        print(f"same file again (all skipped): sdcli {again[0]:.2f}s wall {again[2]:.0f} MB peak   ratio to a first "
              f"import {again[0] / ours[-1][0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
