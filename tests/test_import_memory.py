"""An import's memory does not grow with the store (issue 18): it sees the existing tickets only as
key -> number (the index's references) and reads only the tickets an update compares. Measured as
the peak resident memory of the import's own process, never by a stopwatch."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PY, subprocess_env

from sdcli.store import open_store

ROW = "ACME {i},Lima {i},PE,link_down,mpls,Ana <ana@acme.pe> 01 4117000,no,yes,no,yes,yes,{ref}\n"
HEADER = ("customer,site,country,problem,service_type,callback_contacts,has_contingency,power_now,"
          "power_outage,equipment_connected,equipment_rebooted,customer_reference\n")  # fmt: skip


def build(home: Path, n: int) -> None:
    store = open_store(home=home)
    for start in range(0, n, 5000):
        docs = [{"status": "open", "customer": f"ACME {i}", "site": f"Lima {i}", "country": "PE",
                 "customer_reference": f"REF-{i}", "description": "x" * 200}
                for i in range(start, min(n, start + 5000))]  # fmt: skip
        store.upsert_many("INC", docs, key=None, on_conflict="skip", actor="t", event={})


#: a small process that runs the import and reports its peak: Linux counts into a child's peak the
#: memory of the process it was forked from, so the import is not started from the test's own
LAUNCH = """import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = p.stdout.read()
_pid, status, usage = os.wait4(p.pid, 0)
print(status, usage.ru_maxrss)
sys.stdout.write(out.decode())
"""


def peak_of_import(home: Path, rows: Path) -> float:
    """Peak resident memory (MB) of one `sdcli import` process."""
    argv = [PY, "-c", LAUNCH, PY, "-m", "sdcli", "import", str(rows), "--on-conflict", "update", "--json"]
    done = subprocess.run(argv, env=subprocess_env(home), capture_output=True, text=True, check=True)
    head, _, out = done.stdout.partition("\n")
    status, peak = head.split()
    assert status == "0", out[:500]
    assert '"created": 2500' in out and '"updated": 500' in out, out[:300]
    return int(peak) / 1024


@pytest.mark.slow
@pytest.mark.files_only("the embedded store's own process memory; PostgreSQL holds the tickets in its server")
def test_an_import_peaks_alike_into_a_store_of_1000_and_of_20000_tickets(tmp_path):
    rows = tmp_path / "rows.csv"
    refs = [f"REF-{i}" for i in range(500)] + [f"NEW-{i}" for i in range(2500)]  # 500 in both stores
    rows.write_text(HEADER + "".join(ROW.format(i=i, ref=r) for i, r in enumerate(refs)), encoding="utf-8")
    peaks = {}
    for n in (1000, 20_000):
        home = tmp_path / f"home{n}"
        build(home, n)
        store_mb = sum(p.stat().st_size for p in (home / "store").rglob("*") if p.is_file()) / 1e6
        shutil.copytree(home, tmp_path / f"again{n}")  # each run: the same 500 updated, 2,500 created
        peaks[n] = min(peak_of_import(home, rows), peak_of_import(tmp_path / f"again{n}", rows))
        if n == 20_000:
            assert store_mb > 8  # the big store is bigger than the margin below: holding it would show
    assert peaks[20_000] <= peaks[1000] + 6, peaks
