"""A file that is not UTF-8 (a spreadsheet's plain CSV, saved in Windows-1252 / Latin-1) is
refused saying what to do, in the session's language: it named a byte offset and nothing else."""

from __future__ import annotations

import pytest
from conftest import err

from sdcli.i18n import t_in
from sdcli.store import open_store

ROW = ("customer;site;country;problem;service_type;has_contingency;callback_contacts;opened_at\n"
       "Telefónica Perú;San Isidro;PE;link_down;mpls;no;Ana Díaz <ana@acme.pe> +51 1 4117000;01/12/2026 09:50\n")  # fmt: skip
NOW = {"SDCLI_NOW": "2026-12-01T14:00:00-05:00"}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ("byte 0xF3 at offset", "save it as UTF-8", "'CSV UTF-8'", "iconv -f cp1252 -t utf-8")),
        (
            "es",
            ("byte 0xF3 en la posición", "guárdelo como UTF-8", "'CSV UTF-8'", "iconv -f cp1252 -t utf-8"),
        ),
        ("pt", ("byte 0xF3 na posição", "salve-o como UTF-8", "'CSV UTF-8'", "iconv -f cp1252 -t utf-8")),
    ],
)
def test_a_latin1_csv_is_refused_saying_how_to_save_it(sdcli, home, tmp_path, lang, said):
    path = tmp_path / "desk.csv"
    path.write_bytes(ROW.encode("cp1252"))
    r = sdcli("--lang", lang, "import", str(path), env=NOW)
    assert r.exit_code == 1, r.output
    assert err(r).count("\n") == 1 and all(s in err(r) for s in said), err(r)
    assert not (home / "store").exists() or list(open_store(home=home).all_tickets()) == []


def test_the_same_file_saved_as_utf8_imports(sdcli, home, tmp_path):
    path = tmp_path / "desk.csv"
    path.write_text(ROW, encoding="utf-8-sig")  # Excel's 'CSV UTF-8' writes a BOM
    r = sdcli("import", str(path), "--json", env=NOW)
    assert r.exit_code == 0, err(r)
    (doc,) = open_store(home=home).all_tickets()
    assert doc["customer"] == "Telefónica Perú"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_with_its_mark_imports_as_the_same_rows(sdcli, home, tmp_path, encoding):
    """Excel's "Unicode Text" is UTF-16 with its byte-order mark: it was refused as "probably
    Windows-1252", and the iconv -f cp1252 the message advised made a file of NUL bytes. The mark
    says the encoding (no guess): it is read, each fact as the UTF-8 file gives it."""
    path = tmp_path / "desk.csv"
    text = ROW
    path.write_bytes(("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding))
    r = sdcli("import", str(path), "--json", env=NOW)
    assert r.exit_code == 0, err(r)
    (doc,) = open_store(home=home).all_tickets()
    assert (doc["customer"], doc["callback_contacts"][0]["name"]) == ("Telefónica Perú", "Ana Díaz")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe" + text.encode("utf-16-le")[:-1])  # cut in the middle of a character
    r = sdcli("--lang", "es", "import", str(broken), env=NOW)
    assert r.exit_code == 1 and "UTF-16" in err(r) and "CSV UTF-8" in err(r), err(r)


# ---------------------------------------------------------------- desk files and text piped to stdin

#: what each language's one line says to do (the message `import` gives a CSV, reused)
SAID = {"en": ("byte 0xED at offset", "save it as UTF-8", "iconv -f cp1252 -t utf-8"),
        "es": ("byte 0xED en la posición", "guárdelo como UTF-8", "iconv -f cp1252 -t utf-8"),
        "pt": ("byte 0xED na posição", "salve-o como UTF-8", "iconv -f cp1252 -t utf-8")}  # fmt: skip
OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
        "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency", "--json"]  # fmt: skip
#: a desk file in Windows-1252 (Notepad's "ANSI"): `Ramírez`'s `í` is byte 0xED
DESK = {
    "escalation": (["escalate", "INC1", "--json"], "# contacto: Jorge Ramírez\nmax_failed_attempts = 3\n"),
    "severity": (["classify", "INC1", "--accept-suggestion"], "# revisado por Jorge Ramírez\n"),
    "contracts": (["classify", "INC1", "--accept-suggestion"], "# firmado por Jorge Ramírez\n"),
}


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
@pytest.mark.parametrize("name", sorted(DESK))
def test_a_desk_file_saved_as_windows_1252_is_refused_saying_how_to_save_it(sdcli, home, lang, name):
    assert sdcli(*OPEN, env=NOW).exit_code == 0
    args, text = DESK[name]
    path = home / f"{name}.toml"
    home.mkdir(parents=True, exist_ok=True)  # on PostgreSQL the store is not in it
    path.write_bytes(text.encode("cp1252"))
    r = sdcli("--lang", lang, *args, env=NOW)
    assert r.exit_code == 1 and err(r).count("\n") == 1, err(r)
    assert err(r).startswith(t_in(lang, "error.prefix", text=f"{path}: ")), err(r)  # the file named
    assert all(s in err(r) for s in SAID[lang]), err(r)
    if lang != "en":
        assert "save it" not in err(r) and "is not" not in err(r), err(r)


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_a_note_piped_in_windows_1252_is_refused_saying_how_to_convert_it(sdcli, home, lang):
    import subprocess

    from conftest import PY, subprocess_env

    assert sdcli(*OPEN, env=NOW).exit_code == 0
    p = subprocess.run([PY, "-m", "sdcli", "--lang", lang, "note", "INC1", "-"], input="Jorge Ramírez llamó".encode("cp1252"),
                       capture_output=True, env=subprocess_env(home), timeout=120)  # fmt: skip
    said = err(p.stderr.decode("utf-8"))
    assert p.returncode == 1 and said.count("\n") == 1, said
    assert all(s in said for s in SAID[lang]), said
    doc = sdcli.json("show", "INC1", "--json")
    assert [h["action"] for h in doc["history"]] == ["opened"]


@pytest.mark.parametrize(("how", "lang"), [("flag", "pt"), ("env", "es")])
def test_a_config_file_that_is_not_utf8_is_refused_in_the_language_asked_for(sdcli, home, how, lang):
    """The home's config.toml in Windows-1252 was refused in English even with `--lang pt` or
    SDCLI_LANG=es: the language is read from that very file, which cannot be read; the command
    line's and the environment's still say it."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_bytes('lang = "en"\nagent = "José"\n'.encode("cp1252"))
    (home / "config.toml").chmod(0o600)
    import subprocess

    from conftest import PY, subprocess_env

    args, env = (["--lang", lang, "list"], {}) if how == "flag" else (["list"], {"SDCLI_LANG": lang})
    p = subprocess.run([PY, "-m", "sdcli", *args], capture_output=True, text=True, timeout=120,
                       env=subprocess_env(home, **env))  # fmt: skip  # a process of its own: no settings read before
    said = [x.replace("0xED", "0xE9") for x in SAID[lang]]  # é, not í
    assert p.returncode == 1 and all(s in err(p.stderr) for s in said), p.stderr
