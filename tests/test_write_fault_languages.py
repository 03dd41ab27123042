"""A write that fails (a full disk, an output that is a folder, a full standard output) and a write
saved in spite of a fault after its commit point are told in the session's language: the reason
too, not only its frame. English stays as it was (the other tests quote it)."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest
from conftest import PY, err, subprocess_env
from languages import english_in

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 1 4117000"]  # fmt: skip
SAID = {
    "es": {"full": "no se puede escribir", "disk": "el disco está lleno; no se cambió nada",
           "folder": "es una carpeta", "stdout": "no se puede escribir la salida estándar: el disco está lleno",
           "saved": "el cambio está guardado; la próxima escritura lo termina", "error": "Error: "},
    "pt": {"full": "não é possível gravar", "disk": "o disco está cheio; nada foi alterado",
           "folder": "é uma pasta", "stdout": "não é possível gravar a saída padrão: o disco está cheio",
           "saved": "a alteração está salva; a próxima gravação a conclui", "error": "Erro: "},
}  # fmt: skip


@pytest.mark.files_only("a full disk (ENOSPC) under the embedded store's file writes")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_full_disk_is_told_in_the_sessions_language_and_nothing_changes(sdcli, home, monkeypatch, lang):
    assert sdcli(*OPEN).exit_code == 0
    shard = home / "store" / "INC" / "00000.json"
    before = shard.read_bytes()

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    r = sdcli("--lang", lang, "note", "INC1", "no entra")
    monkeypatch.undo()
    said = err(r)
    assert r.exit_code == 1 and said.count("\n") == 1, said
    assert said.startswith(SAID[lang]["error"] + SAID[lang]["full"]) and SAID[lang]["disk"] in said, said
    assert english_in(said.replace(str(home), " "), lang) == []
    assert shard.read_bytes() == before


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_an_export_to_a_folder_is_refused_in_the_sessions_language(sdcli, home, tmp_path, lang):
    assert sdcli(*OPEN).exit_code == 0
    r = sdcli("--lang", lang, "export", "-o", str(tmp_path))
    said = err(r).strip()
    assert (
        r.exit_code == 1
        and said == f"{SAID[lang]['error']}{SAID[lang]['full']} {tmp_path}: {SAID[lang]['folder']}"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_full_standard_output_is_told_in_the_sessions_language(sdcli, home, lang):
    assert sdcli(*OPEN).exit_code == 0
    with open("/dev/full", "wb") as full:
        p = subprocess.run([PY, "-m", "sdcli", "--lang", lang, "list", "--json"], stdout=full, stderr=subprocess.PIPE,
                           env=subprocess_env(home), timeout=120)  # fmt: skip
    said = err(p.stderr.decode("utf-8")).strip()
    assert p.returncode == 1 and said == SAID[lang]["error"] + SAID[lang]["stdout"], said


@pytest.mark.files_only("the embedded store's journal (its commit point)")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_fault_after_the_commit_point_is_a_warning_in_the_sessions_language(home, lang):
    fault = """
import os
from sdcli.store import journal
real = os.replace
def replace(src, dst):
    if str(dst).endswith('00000.json'):
        raise OSError(errno.ENOSPC, 'No space left on device')
    return real(src, dst)
import errno
journal.os.replace = replace
"""
    script = f"import sys\n{fault}\nfrom sdcli.cli import main\nsys.argv = ['sdcli', '--lang', {lang!r}, *{OPEN!r}]\nmain()\n"
    r = subprocess.run(
        [PY, "-c", script], env=subprocess_env(home), capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "INC1", r.stderr
    assert SAID[lang]["saved"] in r.stderr and SAID[lang]["full"] in r.stderr, r.stderr
    assert english_in(err(r.stderr).replace(str(home), " "), lang) == [], r.stderr


@pytest.mark.files_only("SDCLI_LOCK_TIMEOUT is the embedded store's lock")
@pytest.mark.parametrize(
    ("lang", "said"), [("es", "no es un número de segundos"), ("pt", "não é um número de segundos")]
)
def test_a_bad_lock_timeout_and_a_calendar_without_business_time_are_told_in_the_sessions_language(
    sdcli, lang, said
):
    """SDCLI_LOCK_TIMEOUT=diez and a business calendar with no business hours were refused in
    English in a Spanish or Portuguese session."""
    assert sdcli(*OPEN).exit_code == 0
    r = sdcli("--lang", lang, "note", "INC1", "hola", env={"SDCLI_LOCK_TIMEOUT": "diez"})
    assert r.exit_code == 1 and said in err(r) and "'diez'" in err(r), r.output
    assert not english_in(err(r)), err(r)
    from datetime import UTC, datetime, timedelta

    from sdcli.calendars import from_spans
    from sdcli.errors import ConfigError

    with pytest.raises(ConfigError) as e:
        from_spans(UTC, [], "PE").add(datetime(2026, 12, 3, tzinfo=UTC), timedelta(hours=4))
    shown = e.value.render(lang)
    assert "calendário útil" in shown or "calendario hábil" in shown, shown
    assert e.value.render("en").startswith("a business calendar with no business hours")
