"""CSV export for spreadsheets and nightly jobs: fixed columns per kind starting with `id`, a
header with no rows, --excel (BOM, ;, CRLF), --delimiter, the read-out columns, and a real
spreadsheet program (LibreOffice, headless) reading the cells back."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from conftest import err

from sdcli.exporting import EXPORT_COLUMNS
from sdcli.store import open_store

NOW = {"SDCLI_NOW": "2026-12-01T10:00:00-03:00"}
BASE = ["open", "--no-input", "--country", "PE", "--callback", "Ana Díaz <ana@acme.pe> 01 4117000", "--json"]


def open_voice(sdcli, customer='=HYPERLINK("http://x")', site="São Paulo, Ceará e Paraná"):
    return sdcli.json(*BASE, "--customer", customer, "--site", site, "--problem", "voice", "--service-type", "mpls",
                      "--source-number", "01 4117000", "--destination-number", "+51 987 654 321",
                      "--failed-call", "2026-11-30 10:00", "--customer-reference", "-12", env=NOW)["id"]  # fmt: skip


def rows_of(text: str, sep: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sep))


def test_columns_are_fixed_start_with_id_and_a_header_comes_with_no_rows(sdcli):
    for kind, columns in EXPORT_COLUMNS.items():
        r = sdcli("export", "--kind", kind, env=NOW)
        assert r.exit_code == 0, r.output
        assert rows_of(r.stdout) == [list(columns)] and columns[0] == "id"
    inc = open_voice(sdcli)
    sdcli.json(*BASE, "--customer", "Minera", "--site", "Lima", "--problem", "slow", "--service-type", "internet",
               "--source-ip", "10.0.0.1", "--destination-ip", "10.0.0.2", env=NOW)  # fmt: skip
    sdcli.json("classify", inc, "--severity", "2", "--reason", "key customer", "--json", env=NOW)
    r = sdcli("escalate", inc, "--call", "Service Desk Latam", "--outcome", "no-answer", env=NOW)
    assert r.exit_code == 0, r.output
    assert sdcli("note", inc, "called back at 10:05", env=NOW).exit_code == 0
    header, first, second = rows_of(sdcli("export", env=NOW).stdout)
    assert tuple(header) == EXPORT_COLUMNS["incident"] and len(first) == len(second) == len(header)
    row = dict(zip(header, first, strict=True))
    assert row["id"] == inc and row["source_number"] == "tel:+51-1-4117000"
    assert row["destination_number"] == "tel:+51-987-654-321"
    assert row["classification_summary"] == "manual 2 (suggested 3): key customer"
    assert row["escalation_summary"].startswith(
        "level 1; 1 attempts; last 2026-12-01T08:00:00-05:00 Service Desk Latam"  # on the site's clock
    )
    assert row["last_note"] == "called back at 10:05"
    assert dict(zip(header, second, strict=True))["source_ip"] == "10.0.0.1"


def test_excel_and_delimiter(sdcli, home, tmp_path, another_store):
    open_voice(sdcli)
    out = tmp_path / "x.csv"
    assert sdcli("export", "--excel", "-o", str(out), env=NOW).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;status;") and raw.count(b"\r\n") == 2 and raw.count(b"\n") == 2
    assert "São Paulo, Ceará e Paraná" in raw.decode("utf-8")
    piped = sdcli("export", "--delimiter", "|", env=NOW).stdout
    assert piped.startswith("id|status|severity|")
    r = sdcli("export", "--delimiter", "x")
    assert r.exit_code == 1 and "use , ; | or tab" in err(r)
    other = another_store()
    r = sdcli("--store", other, "import", str(out), "--json")  # the Excel file imports again, the same
    assert r.exit_code == 0, r.output
    [before] = open_store(home=home).all_tickets()
    [after] = open_store(other, home=home).all_tickets()
    for key in (
        "customer",
        "site",
        "source_number",
        "destination_number",
        "customer_reference",
        "callback_contacts",
    ):
        assert after[key] == before[key], key


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's soffice; where missing, Debian's package is installed (as root, with apt)."""
    found = shutil.which("soffice")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("LibreOffice is not installed and cannot be (not root, or no apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-calc-nogui"]):  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1500, check=False)
        if done.returncode != 0:
            pytest.skip(f"LibreOffice could not be installed: {' '.join(cmd)}: {done.stderr.strip()[-300:]}")
    return shutil.which("soffice") or pytest.skip("LibreOffice installed without soffice")


_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def spreadsheet_cells(
    soffice: str, csv_path: Path, sep: str, language: int | None = None
) -> list[dict[str, tuple[str, str | None, str | None]]]:
    """The sheet LibreOffice makes of a CSV: per row, column -> (shown text, value type, formula);
    `language` the locale it reads numbers in (3082 Spanish of Spain, 1046 Portuguese of Brazil)."""
    work = csv_path.parent / "lo"
    work.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(work)}  # its profile in the test's directory
    options = f"CSV:{ord(sep)},34,76,1"  # separator, quote ", UTF-8, from line 1
    options += f",,{language}" if language else ""  # no column formats; the numbers' language
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile", "--infilter=" + options,
                           "--convert-to", "fods", "--outdir", str(work), str(csv_path)],
                          capture_output=True, text=True, env=env, timeout=180, check=False)  # fmt: skip
    sheet = work / (csv_path.stem + ".fods")
    assert sheet.exists(), done.stdout + done.stderr
    t, o = "{" + _NS["table"] + "}", "{" + _NS["office"] + "}"
    grid = []
    for row in ET.parse(sheet).getroot().iter(t + "table-row"):
        cells = []
        for c in row:
            if c.tag in (t + "table-cell", t + "covered-table-cell"):
                shown = "\n".join("".join(p.itertext()) for p in c.findall("text:p", _NS))
                cells += [(shown, c.get(o + "value-type"), c.get(t + "formula"))] * min(
                    int(c.get(t + "number-columns-repeated", "1")), 200
                )
        grid.append(cells)
    header = [c[0] for c in grid[0]]
    return [dict(zip(header, r, strict=False)) for r in grid[1:] if any(x[0] for x in r)]


def test_a_spreadsheet_reads_accents_no_formula_and_phones_as_text(sdcli, tmp_path, soffice):
    inc = open_voice(sdcli)
    r = sdcli("hold", inc, "--reason", '=HYPERLINK("http://y")', env=NOW)  # a pause: in `extra`
    assert r.exit_code == 0, r.output
    out = tmp_path / "excel.csv"
    assert sdcli("export", "--excel", "-o", str(out), env=NOW).exit_code == 0
    [row] = spreadsheet_cells(soffice, out, ";")
    assert row["id"] == ("INC1", "string", None)
    assert row["site"] == ("São Paulo, Ceará e Paraná", "string", None)  # accents intact
    assert row["customer"] == ('\'=HYPERLINK("http://x")', "string", None)  # not evaluated
    assert row["customer_reference"] == ("'-12", "string", None)
    assert row["source_number"] == ("tel:+51-1-4117000", "string", None)  # text, no stray apostrophe
    assert row["destination_number"] == ("tel:+51-987-654-321", "string", None)
    assert row["callback_contacts"][1] == "string" and "Ana Díaz" in row["callback_contacts"][0]
    assert row["extra"][1] == "string"  # JSON, as text: the formula inside it is not at its start
    assert json.loads(row["extra"][0])["sla_pauses"][0]["reason"] == '=HYPERLINK("http://y")'
    assert all(formula is None for _shown, _kind, formula in row.values())
    # the same program does evaluate a formula and read a bare +number as a number: the test can fail
    control = tmp_path / "control.csv"
    control.write_text("a;b\r\n=1+1;+5114117000\r\n", encoding="utf-8")
    [c] = spreadsheet_cells(soffice, control, ";")
    assert c["a"][2] is not None and c["b"][1] == "float"


@pytest.mark.parametrize("language", [3082, 1046], ids=["es-ES", "pt-BR"])
def test_excel_decimals_are_numbers_where_a_comma_is_the_decimal_mark(
    sdcli, home, tmp_path, soffice, language, another_store
):
    """`--excel` is for Excel in Spanish or Portuguese, where the decimal mark is a comma: a
    recovery target of 4.5 hours written `4.5` was a text there (LibreOffice in es-ES and pt-BR;
    Excel may take it for a date), no number a report could add. It is written `4,5`,
    a number in both, and the importer reads it back as 4.5 hours."""
    source = tmp_path / "in.csv"
    source.write_text("customer_reference;customer;site;country;problem;service_type;has_contingency;"
                      "callback_contacts;opened_at;severity;sla_target_hours\r\n"
                      "CR-1;ACME;Lima HQ;PE;link_down;mpls;no;Ana Díaz <ana@acme.pe> +51 1 4117000;"
                      "01/12/2026 08:00;2;4,5\r\n", encoding="utf-8")  # fmt: skip
    r = sdcli("import", str(source), env=NOW)
    assert r.exit_code == 0, r.output
    out = tmp_path / "excel.csv"
    assert sdcli("export", "--excel", "-o", str(out), env=NOW).exit_code == 0
    [row] = spreadsheet_cells(soffice, out, ";", language)
    assert row["sla_target_hours"][1] == "float", row["sla_target_hours"]
    assert row["severity"][1] == "float"
    assert row["opened_at"] == (
        "2026-12-01T08:00:00-05:00",
        "string",
        None,
    )  # ISO with its offset: as written
    plain = rows_of(sdcli("export", env=NOW).stdout)  # without --excel: the point, for scripts
    assert dict(zip(plain[0], plain[1], strict=True))["sla_target_hours"] == "4.5"
    other = another_store()
    r = sdcli("--store", other, "import", str(out), env=NOW)
    assert r.exit_code == 0, r.output
    [after] = open_store(other, home=home).all_tickets()
    assert after["sla_target_hours"] == 4.5


def test_every_time_of_a_row_is_on_the_sites_clock(sdcli, tmp_path, another_store):
    """A Lima incident reported at 08:00 and acknowledged from a desk in Mexico City was exported
    as ack_due 2026-12-03T08:15:00-05:00 and acked_at 2026-12-03T09:39:00-06:00: read in a
    spreadsheet, 1 h 24 late instead of 2 h 24. Every time of a row is on its site's clock (the
    same instants: an import of the file reads them back unchanged)."""
    doc = sdcli.json("open", "--no-input", "--customer", "Banco Lima", "--site", "Sede Central", "--country", "PE",
                     "--problem", "voice", "--service-type", "internet", "--callback", "Ana Díaz <ana@acme.pe> 01 4117000",
                     "--source-number", "01 4117000", "--destination-number", "01 4117001", "--failed-call",
                     "2026-12-03T07:10:00-06:00", "--channel", "email", "--received-at", "2026-12-03T08:00:00-05:00",
                     "--json", env={"SDCLI_NOW": "2026-12-03T08:30:00-06:00"})  # fmt: skip
    assert sdcli("ack", doc["id"], env={"SDCLI_NOW": "2026-12-03T09:39:00-06:00"}).exit_code == 0
    assert (
        sdcli(
            "hold", doc["id"], "--reason", "proveedor", env={"SDCLI_NOW": "2026-12-03T09:45:00-06:00"}
        ).exit_code
        == 0
    )
    assert sdcli("resume", doc["id"], env={"SDCLI_NOW": "2026-12-03T09:50:00-06:00"}).exit_code == 0
    stored = sdcli.json("show", doc["id"], "--json")
    assert (
        stored["acked_at"] == "2026-12-03T10:39:00-05:00"
    )  # 09:39 on the desk's clock, stored on the site's
    r = sdcli("export", env={"SDCLI_NOW": "2026-12-03T10:00:00-06:00"})
    assert r.exit_code == 0, r.output
    header, row = rows_of(r.stdout)
    got = dict(zip(header, row, strict=True))
    assert got["received_at"] == "2026-12-03T08:00:00-05:00" and got["ack_due"] == "2026-12-03T08:15:00-05:00"
    assert got["acked_at"] == "2026-12-03T10:39:00-05:00"  # 09:39 in Mexico City
    assert got["failed_calls"] == "2026-12-03T08:10:00-05:00"
    assert got["opened_at"] == "2026-12-03T08:00:00-05:00"
    offsets = {v[-6:] for k, v in got.items() if k.endswith(("_at", "_due")) and v}
    assert offsets == {"-05:00"}, got
    (pause,) = json.loads(got["extra"])["sla_pauses"]  # the extra column's instants too
    assert (pause["from"], pause["to"]) == ("2026-12-03T10:45:00-05:00", "2026-12-03T10:50:00-05:00"), pause
    path = tmp_path / "out.csv"
    path.write_text(r.stdout, encoding="utf-8")
    copy = another_store()
    r = sdcli("--store", copy, "import", str(path), "--json")
    assert r.exit_code == 0, r.output
    (again,) = sdcli.json("--store", copy, "export", "--format", "json")
    for k in ("acked_at", "ack_due", "opened_at", "received_at"):  # the same instants
        assert datetime.fromisoformat(again[k]) == datetime.fromisoformat(stored[k]), k
