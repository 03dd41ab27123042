"""sdcli doctor in the session's language: its report, the problems it finds and the repairs it
makes come from the catalogues (es, pt), the English session's report is what it always was, and
--json stays English and the same in every language. Exit codes do not depend on the language."""

from __future__ import annotations

import json
import os
import re

import pytest
from conftest import err
from languages import english_in

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 987654321", "--json"]  # fmt: skip
WORDS = {  # what each language's report says (the English report says ok / problem: / fixed:)
    "es": {"ok": ": sin problemas", "problem": "problema: ", "fixed": "reparado: ", "error": "Error: "},
    "pt": {"ok": ": sem problemas", "problem": "problema: ", "fixed": "reparado: ", "error": "Erro: "},
}
#: a parser's or SQLite's own reason, shown as it is in every language (like an OS reason), and the
#: name of a damaged file set aside (index.sqlite.damaged-20261203T071541)
REASONS = re.compile(r"\((?:JSONDecodeError|file is not a database)[^;]*\);|\b[\w.]+\.damaged-\w+")


def _runs(sdcli, lang: str, *args: str):
    """The same command by --lang and by SDCLI_LANG (both must say the same); a repair once, by
    SDCLI_LANG (a second one has nothing left to do)."""
    if "--fix" in args:
        return sdcli(*args, env={"SDCLI_LANG": lang})
    by_flag = sdcli("--lang", lang, *args)
    by_env = sdcli(*args, env={"SDCLI_LANG": lang})
    assert (by_flag.exit_code, by_flag.stdout) == (by_env.exit_code, by_env.stdout)
    return by_flag


def _no_english(lang: str, *results) -> None:
    shown = "\n".join(REASONS.sub(" ", r.stdout + err(r)) for r in results)
    assert english_in(shown, lang) == [], "\n".join(english_in(shown, lang)[:20])


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_doctor_on_a_healthy_store_speaks_the_sessions_language(sdcli, home, lang):
    assert sdcli(*OPEN).exit_code == 0
    english = sdcli("doctor")
    assert (
        english.exit_code == 0
        and english.stdout.startswith("store: ")
        and english.stdout.strip().endswith(": ok")
    )
    assert "(backend " in english.stdout.splitlines()[0]
    r = _runs(sdcli, lang, "doctor")
    assert r.exit_code == 0 and r.stdout.strip().endswith(WORDS[lang]["ok"]), r.output
    assert len(r.stdout.splitlines()) == len(english.stdout.splitlines())
    repairs = sdcli.json("doctor", "--fix", "--json")["fixed"]  # the embedded store rebuilds its index
    fixed = _runs(sdcli, lang, "doctor", "--fix")
    assert fixed.exit_code == 0 and fixed.stdout.count(WORDS[lang]["fixed"]) == len(repairs)
    _no_english(lang, r, fixed)
    assert sdcli.json("--lang", lang, "doctor", "--json") == sdcli.json("doctor", "--json")


def _damage_repairable(home) -> None:
    """What --fix repairs: modes, a counter set back, a leftover temp file, a truncated index."""
    root = home / "store"
    (root / "meta.json").chmod(0o644)
    os.chmod(root / "INC", 0o755)
    meta = json.loads((root / "meta.json").read_text())
    meta["next"]["INC"] = 2
    (root / "meta.json").write_text(json.dumps(meta))
    temp = root / "INC" / ".00000.json.1.abcdef01.tmp"
    temp.write_text("{}")
    temp.chmod(0o600)
    index = root / "index.sqlite"
    index.write_bytes(index.read_bytes()[:7])


def _damage_for_good(home, tmp_path) -> None:
    """What --fix refuses or cannot hide: a ticket gone from its shard, an entry with another id,
    a customer directory of the wrong shape, a symbolic link planted in the store."""
    root = home / "store"
    shard = root / "INC" / "00000.json"
    data = json.loads(shard.read_text())
    del data["tickets"]["2"]
    data["tickets"]["3"]["id"] = "INC9"
    shard.write_text(json.dumps(data))
    (root / "customers.json").write_text(json.dumps({"customers": {"1": {"x": 1}}}))
    (tmp_path / "outside.json").write_text("{}")
    (root / "INC" / "link.json").symlink_to(tmp_path / "outside.json")


@pytest.mark.files_only("damages the embedded store's files")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_doctor_and_fix_on_a_damaged_store_speak_the_sessions_language(sdcli, home, tmp_path, lang):
    for _ in range(3):
        assert sdcli(*OPEN).exit_code == 0
    w = WORDS[lang]
    _damage_repairable(home)
    english = sdcli("doctor")
    problems = sdcli("doctor", "--json")
    listed = json.loads(problems.stdout)["problems"]
    assert english.exit_code == problems.exit_code == 1 and len(listed) == 5
    assert [f"problem: {p}" for p in listed] == english.stdout.splitlines()[1:-1]  # English as it always was
    assert english.stdout.splitlines()[-1].endswith(": 5 problem(s)")
    r = _runs(sdcli, lang, "doctor")
    assert r.exit_code == 1 and r.stdout.count(w["problem"]) == 5 and "index.sqlite" in r.stdout
    assert r.stdout.splitlines()[-1].endswith(": 5 problema(s)")
    assert (
        _runs(sdcli, lang, "doctor", "--json").stdout == problems.stdout
    )  # --json: English, in every language
    fixed = _runs(sdcli, lang, "doctor", "--fix")
    assert (
        fixed.exit_code == 0
        and fixed.stdout.count(w["fixed"]) >= 4
        and "index.sqlite.damaged-" in fixed.stdout
    )
    assert fixed.stdout.strip().endswith(w["ok"])
    _no_english(lang, r, fixed)

    _damage_for_good(home, tmp_path)
    r = _runs(sdcli, lang, "doctor")
    assert (
        r.exit_code == 1
        and r.stdout.count(w["problem"]) >= 5
        and "INC9" in r.stdout
        and "link.json" in r.stdout
    )
    refused = _runs(sdcli, lang, "doctor", "--fix")
    assert refused.exit_code == 1 and err(refused).startswith(w["error"]) and "customers.json" in err(refused)
    _no_english(lang, r, refused)
    english = sdcli("doctor")
    assert english.exit_code == 1 and "INC2 are missing" in english.stdout and "customer" in english.stdout


@pytest.mark.files_only("a truncated shard of the embedded store")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_truncated_shard_is_told_in_the_sessions_language_by_doctor_and_every_command(sdcli, home, lang):
    for _ in range(2):
        assert sdcli(*OPEN).exit_code == 0
    shard = home / "store" / "INC" / "00000.json"
    shard.write_text('{"tickets": {"1": ')
    r = _runs(sdcli, lang, "doctor")
    assert r.exit_code == 1 and str(shard) in r.stdout and "INC1" in r.stdout
    refused = _runs(sdcli, lang, "doctor", "--fix")
    shown = _runs(sdcli, lang, "show", "INC1")
    assert refused.exit_code == shown.exit_code == 1 and str(shard) in err(shown)
    _no_english(lang, r, refused, shown)
    assert "is damaged (JSONDecodeError" in sdcli("doctor").stdout


@pytest.mark.files_only("the embedded store's SQLite index")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_damaged_index_is_told_in_the_sessions_language_by_every_command(sdcli, home, lang):
    """Not only doctor: list and note on an index.sqlite that is not SQLite say so in the session's language."""
    assert sdcli(*OPEN).exit_code == 0
    index = home / "store" / "index.sqlite"
    index.write_bytes(b"this is not a database" * 200)
    listed = _runs(sdcli, lang, "list")
    noted = _runs(sdcli, lang, "note", "INC1", "sigue sin enlace")
    assert listed.exit_code == noted.exit_code == 1
    assert str(index) in err(listed) and str(index) in err(noted)
    _no_english(lang, listed, noted)
    assert "is damaged" in err(sdcli("list"))
