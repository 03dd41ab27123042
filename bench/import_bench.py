"""Import bench: sdcli import of a generated incident CSV against sqlite-utils insert of the same file.

sqlite-utils inserts the rows and validates nothing; sdcli validates every row like
`sdcli open` (emails, E.164 phones, IPs, dates) and writes them in one store write.
Run: python -m bench.import_bench   (prints the ratio measured in this run; target <= 1.0)
"""

from __future__ import annotations

import argparse
import csv
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
        w.writerow(["customer_reference", "customer", "site", "country", "timezone", "problem", "service_type", "callback_contacts",
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
                f"CR-{i:06d}", f"Customer {c}", f"Site {rng.randrange(20000)}", country, ZONES[country], problem, rng.choice(SERVICES),
                f"Contact {c} <contact{c}@customer{c}.example.com> {phone}", rng.choice(["yes", "no"]),
                rng.choice(["yes", "no"]),
                f"10.{rng.randrange(256)}.{rng.randrange(256)}.1" if slow else "",
                f"192.0.2.{rng.randrange(256)}" if slow else "",
                phone if voice else "", phone if voice else "",
                f"2026-11-{day:02d} 10:{i % 60:02d}" if voice else "",
                f"2026-11-{day:02d}T{i % 24:02d}:{i % 60:02d}:00-03:00", rng.choice(["open", "resolved", "closed"]),
                rng.choice(["1", "2", "3", "4"]),
            ])  # fmt: skip


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


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
        for r in range(args.rounds):
            db = Path(tmp) / f"peer{r}.db"
            theirs.append(
                timed([peer, "insert", str(db), "incidents", str(csv_path), "--csv", "--no-detect-types"])
            )
            home = Path(tmp) / f"home{r}"
            ours.append(timed([*SDCLI, "import", str(csv_path), "--kind", "incident"], env_for(home)))
            print(
                f"round {r + 1}: sdcli {ours[-1]:.2f}s   sqlite-utils {theirs[-1]:.2f}s   ratio {ours[-1] / theirs[-1]:.2f}"
            )
        best_ours, best_theirs = min(ours), min(theirs)
        print(
            f"best: sdcli import {best_ours:.2f}s   sqlite-utils insert {best_theirs:.2f}s   ratio {best_ours / best_theirs:.2f} (target <= 1.0)"
        )
        # for scale, not a target: the nightly case of the same file again (every row skipped)
        again = timed([*SDCLI, "import", str(csv_path), "--kind", "incident"], env_for(home))
        print(
            f"same file again (all skipped): sdcli {again:.2f}s   ratio to a first import {again / ours[-1]:.2f}"
        )


if __name__ == "__main__":
    main()
