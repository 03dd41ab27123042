"""`sdcli store copy` and a store that was moved, in the session's language: an agent still pointed
at the old store is told where it went, a copy into a store that holds tickets is refused, and a
store URL without a folder is named; English as before."""

from __future__ import annotations

import pytest
from conftest import err
from languages import english_in

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--json"]  # fmt: skip
SAID = {
    "en": ("was moved to", "already holds 1 ticket(s) or customer(s)", "names no directory"),
    "es": ("se trasladó a", "ya tiene 1 ticket(s) o cliente(s)", "no indica una carpeta"),
    "pt": ("foi transferido para", "já tem 1 ticket(s) ou cliente(s)", "não indica uma pasta"),
}


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_a_moved_store_and_a_refused_copy_are_told_in_the_sessions_language(
    sdcli, home, tmp_path, monkeypatch, lang
):
    monkeypatch.delenv("SDCLI_STORE", raising=False)
    old, new, full = (f"tinydb://{tmp_path / name}" for name in ("old", "new", "full"))
    assert sdcli("--store", old, *OPEN).exit_code == 0
    assert sdcli("--store", full, *OPEN).exit_code == 0
    refused = sdcli("--lang", lang, "--store", full, "store", "copy", "--from", old)
    assert refused.exit_code == 1 and SAID[lang][1] in err(refused), refused.output
    assert sdcli("--store", new, "store", "copy", "--from", old).exit_code == 0
    late = sdcli("--lang", lang, "--store", old, "note", "INC1", "tarde")  # an agent still on the old store
    said = err(late)
    assert late.exit_code == 1 and said.count("\n") == 1 and SAID[lang][0] in said and new in said, said
    nowhere = sdcli("--lang", lang, "--store", "tinydb://", "list")
    assert nowhere.exit_code == 1 and SAID[lang][2] in err(nowhere), nowhere.output
    if lang != "en":
        shown = " ".join(err(r) for r in (refused, late, nowhere)).replace(str(tmp_path), " ")
        assert english_in(shown, lang) == [], english_in(shown, lang)
