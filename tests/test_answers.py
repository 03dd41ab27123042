"""Answers (issue 15): yes/no with no silent default and a "don't know" that every path stores the
same way; the classification treats it as unknown; opening hours in three languages; phones shown
grouped; Ctrl-D at a prompt keeps the draft."""

from __future__ import annotations

import json

import pytest
from conftest import err
from intake_keys import SAVE, base_keys, line, rest_keys, run_open

import sdcli.ui as ui

ENTER = "\r"
FLAGS = ["open", "--no-input", "--customer", "ACME Perú", "--site", "Lima HQ", "--country", "PE", "--problem", "link_down",
         "--description", "Sin servicio desde las 8", "--callback", "Ana Díaz <ana@acme.pe> 01 4117000",
         "--local-contact", "Luis Soto <luis@acme.pe> +51 987 654 321", "--opening-hours", "Mon-Fri 08:00-18:00",
         "--customer-reference", "ACME-4411", "--service-type", "MPLS"]  # fmt: skip
FACTS = ("has_contingency", "contingency_works", "power_now", "power_outage", "equipment_connected",
         "equipment_rebooted", "unknown_answers")  # fmt: skip


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def facts(doc: dict) -> dict:
    return {k: doc[k] for k in FACTS if k in doc}


def test_dont_know_is_the_same_fact_by_prompt_flag_file_and_import(sdcli, store, tmp_path, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    keys = base_keys("link_down", "mpls")
    keys[-1] = ENTER + "?"  # Enter asks again (no silent default); ? is "don't know"
    rest = rest_keys("mpls")
    rest[1] = "?"  # a power outage: not known
    r = run_open([*keys, *rest, SAVE])
    assert r.exit_code == 0, r.output
    (walked,) = store.all_tickets("INC")
    assert facts(walked) == {"has_contingency": None, "power_now": True, "power_outage": None,
                             "equipment_connected": True, "equipment_rebooted": True,
                             "unknown_answers": ["has_contingency", "power_outage"]}  # fmt: skip
    assert "unknown" in r.stdout  # the review says so
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    flags = sdcli.json(*FLAGS, "--contingency-unknown", "--power", "--power-outage-unknown", "--equipment-connected",
                       "--rebooted", "--json")  # fmt: skip
    assert facts(flags) == facts(walked)
    doc = {k: v for k, v in flags.items() if k in ("customer", "site", "country", "problem", "callback_contacts",
                                                  "service_type", *FACTS)}  # fmt: skip
    assert facts(sdcli.json("open", "--from-file", "-", "--json", input=json.dumps(doc))) == facts(walked)
    rows = tmp_path / "rows.csv"
    rows.write_text("customer,site,country,problem,service_type,callback_contacts,has_contingency,power_now,"
                    "power_outage,equipment_connected,equipment_rebooted\nACME,Lima,PE,link_down,mpls,"
                    "Ana <ana@acme.pe> 01 4117000,no sabe,sí,não sabe,yes,y\n", encoding="utf-8")  # fmt: skip
    assert sdcli.json("import", str(rows), "--json")["created"] == 1
    imported = max(store.all_tickets("INC"), key=lambda d: int(d["id"][3:]))
    assert facts(imported) == facts(walked)
    out = tmp_path / "out.csv"
    assert sdcli("export", "-o", str(out)).exit_code == 0
    again = sdcli.json("--home", str(tmp_path / "other"), "import", str(out), "--json")
    assert (
        again["created"] + again["skipped"] == 4 and again["rejected"] == 0
    )  # two share a customer_reference
    from sdcli.store import open_store

    back = list(open_store(home=tmp_path / "other").all_tickets("INC"))
    assert back and all(facts(d) == facts(walked) for d in back)  # the export's unknown_answers read back


def test_a_flag_left_out_is_not_asked(sdcli):
    doc = sdcli.json(*FLAGS, "--json")
    assert facts(doc) == {}  # not asked: absent, not "no"


def test_the_suggestion_treats_an_unknown_fact_as_unknown_and_says_so(sdcli):
    doc = sdcli.json(*FLAGS, "--contingency-unknown", "--json")
    out = sdcli.json("classify", doc["id"], "--accept-suggestion", "--json")
    assert out["severity"] == 1
    assert out["classification"]["reasons"] == [
        "link down; whether there is a contingency is not known (treated as none until confirmed) "
        "(problem = Link down, has_contingency = unknown)"
    ]
    r = sdcli("--lang", "es", "show", doc["id"], env={"COLUMNS": "300"})
    assert "no se sabe si hay una contingencia" in r.stdout and "tiene contingencia = no sabe" in r.stdout
    works = sdcli.json(*FLAGS, "--contingency", "--contingency-works-unknown", "--json")
    from sdcli import suggesting

    s = suggesting.suggest(works)
    assert s.severity == 1 and s.unknown == ["contingency_works"]
    assert "not known: contingency_works (the rules that need it were not applied)" in [
        str(m) for m in s.messages
    ]


@pytest.mark.parametrize(
    ("typed", "stored", "es"),
    [("Lun-Vie 08:00-18:00", "Mon-Fri 08:00-18:00", "Lun-Vie 08:00-18:00"),
     ("Seg-Sex 8h-18h; Sáb 9h-13h", "Mon-Fri 08:00-18:00, Sat 09:00-13:00", "Lun-Vie 08:00-18:00, Sáb 09:00-13:00"),
     ("lunes a viernes de 8 a 18", "Mon-Fri 08:00-18:00", "Lun-Vie 08:00-18:00"),
     ("Mon-Fri 08:00-12:00 14:00-18:00", "Mon-Fri 08:00-12:00 14:00-18:00", "Lun-Vie 08:00-12:00 14:00-18:00"),
     ("24x7", "24x7", "24x7"), ("todos os dias 07:00-22:00", "Mon-Sun 07:00-22:00", "Lun-Dom 07:00-22:00"),
     # as people say them: "8 to 6" is the afternoon, "2 to 6" after a morning too; a leading zero or 22 is a night
     ("Lun-Vie de 8 a 6", "Mon-Fri 08:00-18:00", "Lun-Vie 08:00-18:00"),
     ("Lun-Vie de 8 a 12 y de 2 a 6", "Mon-Fri 08:00-12:00 14:00-18:00", "Lun-Vie 08:00-12:00 14:00-18:00"),
     ("Seg-Sex 9:00-5:00", "Mon-Fri 09:00-17:00", "Lun-Vie 09:00-17:00"),
     ("Lun-Vie 22 a 6", "Mon 22:00-24:00, Tue-Fri 00:00-06:00 22:00-24:00, Sat 00:00-06:00",
      "Lun 22:00-24:00, Mar-Vie 00:00-06:00 22:00-24:00, Sáb 00:00-06:00")],
)  # fmt: skip
def test_opening_hours_in_three_languages(sdcli, typed, stored, es):
    args = [a if a != "Mon-Fri 08:00-18:00" else typed for a in FLAGS]
    doc = sdcli.json(*args, "--json")
    assert doc["opening_hours"] == stored
    assert es in sdcli("--lang", "es", "show", doc["id"], env={"COLUMNS": "200"}).stdout


def test_hours_that_cannot_be_read_are_refused_with_an_example(sdcli, home):
    args = [a if a != "Mon-Fri 08:00-18:00" else "abierto cuando hay gente" for a in FLAGS]
    r = sdcli("--lang", "pt", *args)
    assert (
        r.exit_code == 1
        and "não é um horário que o sdcli consiga ler (ex. 24x7, Seg-Sex 08:00-18:00" in err(r)
    )


def test_phones_are_grouped_on_screens_and_e164_in_json_and_exports(sdcli, tmp_path):
    doc = sdcli.json(*FLAGS, "--json")
    assert doc["local_contacts"][0]["phone"] == "+51987654321"
    shown = sdcli("show", doc["id"], env={"COLUMNS": "200"}).stdout
    assert "+51 987 654 321" in shown and "+51 1 4117000" in shown and "+51987654321" not in shown
    out = tmp_path / "out.csv"
    assert sdcli("export", "-o", str(out)).exit_code == 0
    assert "+51987654321" in out.read_text(encoding="utf-8")


def test_ctrl_d_at_a_prompt_keeps_the_draft_like_ctrl_c(home, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    r = run_open([line("ACME"), line("Lima"), "\x04"])  # Ctrl-D on an empty line
    assert r.exit_code == 130 and "sdcli open --resume" in err(r) and "EOFError" not in r.output
    (draft,) = (home / "drafts").glob("*.json")
    assert json.loads(draft.read_text())["answers"] == {"customer": "ACME", "site": "Lima"}
    keys = base_keys("link_down", "mpls")
    r = run_open([*keys[:11], "\x04"])  # at a yes/no question
    assert r.exit_code == 130 and "EOFError" not in r.output


def test_an_overflow_anywhere_is_one_line(sdcli):
    for args in (["list", "--since", "99999999999d"], ["shift", "--within", "99999999999d"],
                 ["ssr", "invoice", "--month", "99999999999999999999-01"], ["list", "--due", "9e99h"]):  # fmt: skip
        r = sdcli(*args)
        assert r.exit_code == 1 and err(r).count("\n") == 1 and "bug" not in err(r), (args, err(r))


def test_the_numbers_of_a_voice_problem_are_grouped_too(sdcli):
    args = [*FLAGS[:FLAGS.index("--problem")], "--problem", "voice", *FLAGS[FLAGS.index("--problem") + 2:],
            "--source-number", "01 4117000", "--destination-number", "+51 987654321", "--failed-call",
            "2026-11-30 10:00", "--json"]  # fmt: skip
    doc = sdcli.json(*args)
    assert (doc["source_number"], doc["destination_number"]) == ("+5114117000", "+51987654321")
    shown = sdcli("show", doc["id"], env={"COLUMNS": "200"}).stdout
    assert "+51 1 4117000" in shown and "+51 987 654 321" in shown and "+5114117000" not in shown


@pytest.mark.parametrize(
    "phone", ["(01) 411-7000 anexo 123", "01 4117000 ext. 45", "01 4117000 ramal 20", "+51 1 4117000 x45"]
)
def test_a_phone_with_an_extension_is_refused_not_stored_as_the_switchboard(sdcli, home, phone):
    """E.164 cannot hold an extension: storing the switchboard alone would lose who to ask for."""
    flags = [
        a if a != "Ana Díaz <ana@acme.pe> 01 4117000" else f"Ana Díaz <ana@acme.pe> {phone}" for a in FLAGS
    ]
    r = sdcli(
        *flags, "--no-contingency", "--power", "--no-power-outage", "--equipment-connected", "--rebooted"
    )
    assert r.exit_code == 1 and len(err(r).strip().splitlines()) == 1, r.output
    assert "extension" in err(r) and phone in err(r)
    assert not (home / "store").exists() or sdcli.json("list", "--json", "--all") == []
    ok = [
        a if a != "Ana Díaz <ana@acme.pe> 01 4117000" else "Ana Díaz anexo 123 <ana@acme.pe> 01 4117000"
        for a in FLAGS
    ]
    r = sdcli(
        *ok,
        "--no-contingency",
        "--power",
        "--no-power-outage",
        "--equipment-connected",
        "--rebooted",
        "--json",
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["callback_contacts"][0]["name"] == "Ana Díaz anexo 123"


@pytest.mark.parametrize(
    ("typed", "read"),
    [("no estoy seguro", "unknown"), ("No recuerdo", "unknown"), ("não tenho certeza", "unknown"),
     ("I'm not sure", "unknown"), ("no sé", "unknown"), ("no", False), ("não", False), ("sí", True)],
)  # fmt: skip
def test_a_doubt_typed_whole_is_dont_know_at_a_prompt_in_a_flag_and_a_file(typed, read):
    """The same sentences the inbox reads as "don't know" (test_mail_inbox) are it wherever an
    answer is typed; a sentence that is neither (\"no tengo\") is asked again, never guessed."""
    from sdcli import validate

    assert validate.yesno("power_outage", typed, unknown=True) == read
    with pytest.raises(validate.InvalidValue):
        validate.yesno("power_outage", "no tengo", unknown=True)


DOUBTS = ["No sé si hubo", "No sé, creo que sí", "No sé. Voy a preguntar", "Não sei se houve", "Não sei, acho que sim",
          "No lo sé, creo que no", "No sabe si funciona", "No se si hubo", "No estoy seguro", "I don't know if it did",
          "no sé.", "Não sei."]  # fmt: skip


@pytest.mark.parametrize(
    "written", [*DOUBTS, "No se reinició", "No, estoy seguro de que no", "Sí, ya se reinició"]
)
def test_a_doubt_is_read_by_one_rule_in_e_mail_and_every_other_path(written):
    """At the prompt's line, in files and imports 'No sé si hubo' (with its accent) was refused
    while e-mail read it as "don't know": one rule (validate.unknown_phrase) for both now."""
    from sdcli import validate
    from sdcli.errors import InvalidValue
    from sdcli.mail.answers import yes_no

    mailed = validate.yesno("power_outage", yes_no(written), unknown=True)
    try:
        typed = validate.yesno("power_outage", written, unknown=True)
    except InvalidValue:
        typed = None
    assert (mailed == validate.UNKNOWN) is (typed == validate.UNKNOWN) is (written in DOUBTS), (mailed, typed)


def test_a_sentence_of_doubt_in_a_file_or_an_import_is_dont_know(sdcli, store, tmp_path):
    doc = {"customer": "ACME", "site": "Lima HQ", "country": "PE", "problem": "link_down", "service_type": "mpls",
           "callback_contacts": "Ana <ana@acme.pe> 01 4117000", "power_outage": "No sé si hubo",
           "equipment_rebooted": "Não sei, acho que sim"}  # fmt: skip
    opened = sdcli.json("open", "--from-file", "-", "--json", input=json.dumps(doc))
    assert opened["power_outage"] is None and opened["equipment_rebooted"] is None
    assert set(opened["unknown_answers"]) == {"power_outage", "equipment_rebooted"}
    rows = tmp_path / "rows.csv"
    rows.write_text("customer,site,country,problem,service_type,callback_contacts,power_outage\n"
                    "ACME,Lima,PE,link_down,mpls,Ana <ana@acme.pe> 01 4117000,\"No sé, creo que no\"\n",
                    encoding="utf-8")  # fmt: skip
    assert sdcli.json("import", str(rows), "--json")["created"] == 1
    imported = max(store.all_tickets("INC"), key=lambda d: int(d["id"][3:]))
    assert imported["power_outage"] is None and imported["unknown_answers"] == ["power_outage"]
