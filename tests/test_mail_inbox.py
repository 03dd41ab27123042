"""`sdcli inbox`: where messages come from (.eml, mbox, Maildir, stdin), the summary and its exit
codes, when a message counts as received, one ticket per Message-ID (also for two runs at once),
and `sdcli complete` giving what a message lacked."""

from __future__ import annotations

import json
import mailbox
import subprocess

import pytest
from conftest import PY, err, subprocess_env
from mail_support import ENGLISH, SPANISH, questionnaire

NOW = {"SDCLI_NOW": "2026-03-02T15:00:00+00:00"}


def _maildir(path, messages):
    box = mailbox.Maildir(path, create=True)
    for data in messages:
        box.add(mailbox.MaildirMessage(data))
    return path


def test_a_maildir_an_mbox_and_stdin_are_read_one_line_per_message(sdcli, tmp_path):
    folder = _maildir(tmp_path / "desk", [questionnaire(mid=f"<md{i}@x.pe>") for i in range(3)])
    box = mailbox.mbox(tmp_path / "desk.mbox")
    for i in range(2):
        box.add(questionnaire(mid=f"<mb{i}@x.pe>"))
    box.flush()
    r = sdcli("inbox", str(folder), str(tmp_path / "desk.mbox"), env=NOW)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) == 5 and all(": created INC" in line for line in lines), lines
    assert lines[0].startswith("desk/new/") and lines[3].endswith("desk.mbox#1: created INC4")
    assert err(r).strip() == "5 created"
    r = sdcli("inbox", "-", input=questionnaire(mid="<stdin@x.pe>").decode(), env=NOW)
    assert r.exit_code == 0, r.output
    assert r.stdout == "stdin: created INC6\n"
    assert sdcli.json("show", "INC6", "--json")["message_id"] == "<stdin@x.pe>"


def test_the_summary_names_what_each_message_became_and_json_says_the_same(sdcli, tmp_path):
    files = {
        "a.eml": questionnaire(mid="<a@x.pe>"),
        "b.eml": questionnaire(
            {k: v for k, v in SPANISH.items() if not k.startswith("Sitio")}, mid="<b@x.pe>"
        ),
        "c.eml": questionnaire(mid="<a@x.pe>"),
        "d.eml": b"From: x@y.pe\nSubject: hola\nMessage-ID: <d@y.pe>\n\nNos vemos el lunes.\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / n) for n in files]
    r = sdcli("inbox", *paths, env=NOW)
    assert r.exit_code == 0, r.output
    assert [line.rpartition("/")[2] for line in r.stdout.splitlines()] == [
        "a.eml: created INC1", "b.eml: created INC2 missing site", "c.eml: duplicate of INC1",
        "d.eml: not a questionnaire",
    ]  # fmt: skip
    assert err(r).strip() == "2 created, 1 duplicate, 1 not questionnaire"
    report = sdcli.json("inbox", *paths, "--json", env=NOW)
    assert [m["outcome"] for m in report["messages"]] == [
        "duplicate",
        "duplicate",
        "duplicate",
        "not_questionnaire",
    ]
    assert report["messages"][1] == {"source": paths[1], "outcome": "duplicate", "kind": "incident", "id": "INC2",
                                     "message_id": "<b@x.pe>", "missing": [], "lang": "es", "reason": None,
                                     "warnings": []}  # fmt: skip
    assert report["counts"] == {"duplicate": 3, "not_questionnaire": 1}


def test_a_message_that_cannot_be_read_is_named_exit_1_and_the_others_are_registered(sdcli, tmp_path):
    (tmp_path / "good.eml").write_bytes(questionnaire())
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02 not mail")
    (tmp_path / "plain").mkdir()
    r = sdcli("inbox", str(tmp_path / "good.eml"), str(tmp_path / "missing.eml"), str(tmp_path / "junk.bin"),
              str(tmp_path / "plain"), env=NOW)  # fmt: skip
    assert r.exit_code == 1, r.output
    out = r.stdout.splitlines()
    assert out[0].endswith("good.eml: created INC1")
    assert "missing.eml: could not be read: cannot read it: No such file or directory" in out[1]
    assert out[2].endswith("junk.bin: could not be read: not an e-mail message (no header)")
    assert out[3].endswith("plain: could not be read: a folder that is not a Maildir (no new/ or cur/)")
    last = err(r).strip().splitlines()[-1]
    assert last.startswith("Error: 3 message(s) could not be handled: ") and "missing.eml" in last
    assert sdcli.json("show", "INC1", "--json")["customer"] == "Andina Telecom"
    r = sdcli("inbox", str(tmp_path / "good.eml"), "--kind", "fax")
    assert r.exit_code == 1 and err(r).startswith("Error: ") and len(err(r).splitlines()) == 1, r.output


def test_received_is_the_date_unless_it_is_missing_or_in_the_future(sdcli, tmp_path):
    (tmp_path / "dated.eml").write_bytes(questionnaire(mid="<1@x.pe>"))
    future = questionnaire(mid="<2@x.pe>", date="Tue, 10 Mar 2026 09:00:00 -0500",
                           Received="from mx by desk; Mon, 02 Mar 2026 09:20:00 -0500")  # fmt: skip
    (tmp_path / "future.eml").write_bytes(future)
    (tmp_path / "undated.eml").write_bytes(questionnaire(mid="<3@x.pe>", date=None))
    r = sdcli("inbox", str(tmp_path / "dated.eml"), str(tmp_path / "future.eml"), env=NOW)
    assert r.exit_code == 0, r.output
    dated, fut = (sdcli.json("show", t, "--json") for t in ("INC1", "INC2"))
    assert (
        dated["received_at"] == "2026-03-02T09:00:00-05:00"
        and dated["ack_due"] == "2026-03-02T09:15:00-05:00"
    )
    assert (
        fut["received_at"] == "2026-03-02T09:20:00-05:00"
    )  # the server's Received time, not the sender's clock
    r = sdcli("inbox", "-", input=questionnaire(mid="<3@x.pe>", date=None).decode(), env=NOW)
    assert r.exit_code == 0, r.output
    undated = sdcli.json("show", "INC3", "--json")
    assert undated["received_at"] == "2026-03-02T10:00:00-05:00"  # piped in now: delivered now (site time)
    assert undated["ack_due"] == "2026-03-02T10:15:00-05:00"


def test_a_message_without_message_id_is_still_one_ticket(sdcli, tmp_path):
    data = questionnaire(mid=None)
    (tmp_path / "a.eml").write_bytes(data)
    (tmp_path / "b.eml").write_bytes(data)
    report = sdcli.json("inbox", str(tmp_path / "a.eml"), str(tmp_path / "b.eml"), "--json", env=NOW)
    assert [m["outcome"] for m in report["messages"]] == ["created", "duplicate"]
    doc = sdcli.json("show", "INC1", "--json")
    assert doc["message_id"].startswith("<sha256-") and doc["email"]["synthetic"] is True


def test_the_same_maildir_read_by_two_runs_at_once_makes_one_ticket_per_message(home, sdcli, tmp_path):
    sdcli("list")  # the home exists before the runs race to make it
    folder = _maildir(tmp_path / "desk", [questionnaire(mid=f"<race{i}@x.pe>") for i in range(25)])
    env = subprocess_env(home, **NOW)
    runs = [subprocess.Popen([PY, "-m", "sdcli", "inbox", str(folder), "--json"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    reports = []
    for p in runs:
        out, errors = p.communicate(timeout=240)
        assert p.returncode == 0, errors
        reports.append(json.loads(out))
    created = [m["id"] for r in reports for m in r["messages"] if m["outcome"] == "created"]
    assert len(created) == 25 and len(set(created)) == 25
    for r in reports:  # each message: created by one run, a duplicate of that same ticket in the other
        assert all(m["outcome"] in ("created", "duplicate") for m in r["messages"])
    by_mid = {}
    for r in reports:
        for m in r["messages"]:
            by_mid.setdefault(m["message_id"], set()).add(m["id"])
    assert len(by_mid) == 25 and all(len(ids) == 1 for ids in by_mid.values())
    assert len(sdcli.json("list", "--json", "--all")) == 25


def _plain(entries):
    """missing_answers without the reasons kept for other languages (`why`)."""
    return [{k: e[k] for k in ("key", "text", "reason")} if isinstance(e, dict) else e for e in entries]


def test_complete_asks_only_what_the_message_lacked_and_show_and_shift_say_so(sdcli, tmp_path):
    answers = {k: v for k, v in ENGLISH.items() if k not in ("Site", "Callback contacts")}
    answers["Callback contacts"] = "John Smith, john.smith@@northwind, +52 81 8888 0101"
    answers["Time zone"] = "hora de Monterrey"  # a city of one of Mexico's zones
    (tmp_path / "a.eml").write_bytes(questionnaire(answers, sender="John <john.smith@northwind.com>"))
    sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)
    doc = sdcli.json("show", "INC1", "--json")
    assert _plain(doc["missing_answers"]) == [
        {"key": "callback_contacts", "text": "John Smith, john.smith@@northwind, +52 81 8888 0101",
         "reason": "email: not a valid email address"}, "site"]  # fmt: skip
    assert doc["timezone"] == "America/Mexico_City"
    shown = sdcli("show", "INC1", env={**NOW, "COLUMNS": "200"}).stdout
    assert "INCOMPLETE" in shown and "complete it with: sdcli complete INC1" in shown
    assert "email: not a valid email address" in shown
    spanish = sdcli("show", "INC1", env={**NOW, "COLUMNS": "200", "SDCLI_LANG": "es"}).stdout
    assert "INCOMPLETO" in spanish and "complételo con: sdcli complete INC1" in spanish
    assert "not a valid" not in spanish and "not given" not in spanish
    shift = sdcli("shift", "--format", "table", env={**NOW, "COLUMNS": "120"}).stdout
    assert "Registered without some answers (sdcli complete ID) (1)" in shift
    r = sdcli("complete", "INC1", "--no-input")
    assert r.exit_code == 1 and "--site" in err(r) and "--callback" in err(r), r.output
    assert "--customer" not in err(r)
    r = sdcli("complete", "INC1", "--site", "Monterrey plant", "--no-input")
    assert r.exit_code == 0, r.output
    assert "still lacks: --callback" in err(r)
    assert _plain(sdcli.json("show", "INC1", "--json")["missing_answers"]) == [
        {"key": "callback_contacts", "text": "John Smith, john.smith@@northwind, +52 81 8888 0101",
         "reason": "email: not a valid email address"}]  # fmt: skip
    done = sdcli.json("complete", "INC1", "--callback", "John Smith <john.smith@northwind.com> +52 81 8888 0101",
                      "--no-input", "--json")  # fmt: skip
    assert "missing_answers" not in done and done["site"] == "Monterrey plant"
    assert done["callback_contacts"][0]["email"] == "john.smith@northwind.com"
    assert done["customer"] == "Northwind Mexico" and done["channel"] == "email"
    assert (
        "Registered without some answers (sdcli complete ID) (1)"
        not in sdcli("shift", "--format", "table", env=NOW).stdout
    )
    r = sdcli("complete", "INC1", "--no-input")
    assert r.exit_code == 0 and "nothing is missing" in err(r), r.output


def test_an_ssr_form_with_too_little_notice_creates_nothing_and_says_why(sdcli, tmp_path):
    form = {"Solicitante": "Ana Díaz <ana.diaz@andinatel.com.pe> +51 1 411 7000", "Cliente": "Andina Telecom",
            "Sitio": "Lima", "País": "PE", "Categoría": "Respaldo de configuración", "Device": "rtr-lima-01",
            "Inicio": "03/03/2026 10:00", "Fin": "03/03/2026 11:00", "Descripción": "respaldo"}  # fmt: skip
    (tmp_path / "ssr.eml").write_bytes(questionnaire(form, mid="<ssr@x.pe>"))
    report = sdcli.json("inbox", str(tmp_path / "ssr.eml"), "--json", env=NOW)
    (m,) = report["messages"]
    assert m["outcome"] == "refused" and m["kind"] == "ssr" and m["id"] is None, m
    assert "notice" in m["reason"], m
    line = sdcli("inbox", str(tmp_path / "ssr.eml"), env=NOW)
    assert line.exit_code == 0 and line.stdout.count("refused") == 1, line.stdout  # said once
    assert ": refused: work on a weekday needs 48 hours" in line.stdout, line.stdout
    assert sdcli.json("list", "--json", "--all") == []
    late = {**form, "Inicio": "12/03/2026 10:00", "Fin": "12/03/2026 11:00"}
    (tmp_path / "ok.eml").write_bytes(questionnaire(late, mid="<ssr2@x.pe>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "ok.eml"), "--json", env=NOW)["messages"]
    assert m["outcome"] == "created" and m["id"] == "SSR1", m
    doc = sdcli.json("show", "SSR1", "--json")
    assert (
        doc["received_at"] == "2026-03-02T09:00:00-05:00"
        and doc["window_start"] == "2026-03-12T10:00:00-05:00"
    )
    # read again as an incident: one ticket per message, whichever kind it is read as
    (m,) = sdcli.json("inbox", str(tmp_path / "ok.eml"), "--kind", "incident", "--json", env=NOW)["messages"]
    assert m["outcome"] == "duplicate" and m["id"] == "SSR1" and m["kind"] == "ssr", m
    r = sdcli("inbox", str(tmp_path / "ok.eml"), "--kind", "incident", env=NOW)
    assert r.exit_code == 0 and r.stdout.endswith("ok.eml: duplicate of SSR1\n"), r.output
    (tmp_path / "inc.eml").write_bytes(questionnaire(mid="<inc@x.pe>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "inc.eml"), "--kind", "ssr", "--json", env=NOW)["messages"]
    assert m["outcome"] == "refused" and m["id"] is None and "--category" in m["reason"], m  # no SSR form
    assert [d["id"] for d in sdcli.json("list", "--json", "--all")] == ["SSR1"]


def test_headers_that_cannot_be_decoded_or_dated_still_give_an_incident(sdcli):
    data = questionnaire(mid="<odd@x.pe>", date=None)
    odd = data.replace(
        b"From: ", b"Date: someday soon\r\nFrom: =?x-unknown?q?Ana?= <ana@x.pe>\r\nX-Old-From: ", 1
    )
    r = sdcli("inbox", "-", input=odd.decode(), env=NOW)
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", "INC1", "--json")
    assert doc["received_at"] == "2026-03-02T10:00:00-05:00" and doc["email"]["date"] is None
    assert doc["email"]["reply_to"] == "ana@x.pe" and "Ana" in doc["email"]["from"]


def test_complete_on_a_terminal_asks_only_the_missing_answer(home, sdcli, tmp_path):
    import sys

    import pexpect

    answers = {k: v for k, v in SPANISH.items() if not k.startswith("Sitio")}
    (tmp_path / "a.eml").write_bytes(questionnaire(answers))
    sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)
    env = subprocess_env(home, TERM="xterm", COLUMNS="120", LINES="40", PROMPT_TOOLKIT_NO_CPR="1", **NOW)
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "complete", "INC1", "--lang", "es"], env=env,
                          encoding="utf-8", timeout=30, dimensions=(40, 120))  # fmt: skip
    child.expect_exact("Sitio del cliente")
    before = child.before
    child.send("Lima - Sede Central\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Nombre del cliente" not in before and "Tipo de servicio" not in before  # nothing else asked
    doc = sdcli.json("show", "INC1", "--json")
    assert doc["site"] == "Lima - Sede Central" and "missing_answers" not in doc
    assert doc["history"][-1]["by"] == "tester"


def test_the_summary_is_in_the_session_language_and_the_json_is_not(sdcli, tmp_path):
    (tmp_path / "a.eml").write_bytes(questionnaire(mid="<a@x.pe>"))
    (tmp_path / "b.eml").write_bytes(questionnaire(mid="<a@x.pe>"))
    (tmp_path / "c.eml").write_bytes(
        b"From: x@y.pe\nSubject: Re: hola [INC1]\nMessage-ID: <c@y.pe>\n\nGracias.\n"
    )
    paths = [str(tmp_path / n) for n in ("a.eml", "b.eml", "c.eml")]
    r = sdcli("inbox", *paths, str(tmp_path / "nada.eml"), env={**NOW, "SDCLI_LANG": "es"})
    assert r.exit_code == 1, r.output
    lines = [line.rpartition("/")[2] for line in r.stdout.splitlines()]
    assert lines[:3] == ["a.eml: creado INC1", "b.eml: duplicado de INC1",
                         "c.eml: no es un cuestionario (una respuesta sobre INC1)"]  # fmt: skip
    assert lines[3].startswith("nada.eml: no se pudo leer: no se puede leer: ")
    assert "1 creados, 1 duplicados, 1 no son cuestionario, 1 ilegibles" in err(r)
    assert err(r).splitlines()[-1].startswith("Error: 1 mensaje(s) no se pudieron procesar: ")
    for english in ("created", "duplicate of", "not a questionnaire", "could not be read", "message(s)"):
        assert english not in r.output
    r = sdcli("inbox", *paths, "--json", env={**NOW, "SDCLI_LANG": "pt"})
    report = json.loads(r.stdout)
    assert [m["outcome"] for m in report["messages"]] == ["duplicate", "duplicate", "not_questionnaire"]
    assert report["messages"][2]["reason"] == "a reply on INC1"  # JSON: stable and language-free


@pytest.mark.parametrize(
    ("written", "stored"),
    [("No sé", None), ("No sabe", None), ("No lo sé, creo que no", None), ("Não sei", None), ("ni idea", None),
     ("No se reinició", False), ("No, se reinició ayer", False), ("Sí, ya se reinició", True),
     ("No estoy seguro", None), ("No recuerdo", None), ("No me acuerdo", None), ("No sabría decir", None),
     ("No tengo idea", None), ("No puedo confirmarlo", None), ("Não tenho certeza", None), ("Não lembro", None),
     ("Não consigo confirmar", None), ("I’m not sure", None), ("No, estoy seguro de que no", False),
     ("No, confirmo que no", False), ("No tengo idea de por qué, pero no", None)],
)  # fmt: skip
def test_dont_know_written_in_a_message_is_not_stored_as_no(sdcli, tmp_path, written, stored):
    """A "don't know" written as people write it is unknown (null, named in unknown_answers),
    never the "No" its first word is; a sentence that starts with "No se" still means no."""
    answers = {**SPANISH, "¿Se realizó un reinicio en el (los) equipo (s)?": written}
    (tmp_path / "m.eml").write_bytes(questionnaire(answers, mid="<dk@x.pe>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    assert m["outcome"] == "created", m
    doc = sdcli.json("show", m["id"], "--json")
    assert doc["equipment_rebooted"] is stored, doc
    assert ("equipment_rebooted" in (doc.get("unknown_answers") or [])) is (stored is None), doc


@pytest.mark.parametrize(
    ("written", "stored"),
    [("No se, creo que sí", None), ("No se si se reinició", None), ("No se. Voy a preguntar", None),
     ("no se - lo confirmo luego", None), ("No se reinició", False), ("No se sabe", None)],
)  # fmt: skip
def test_no_se_without_its_accent_is_dont_know_not_no(sdcli, tmp_path, written, stored):
    """ "No se, creo que sí" and "No se si se reinició" ("no sé" typed without its accent, as most
    e-mail is) were stored as No, their first word; "No se reinició" (it was not restarted) is No."""
    answers = {**SPANISH, "¿Se realizó un reinicio en el (los) equipo (s)?": written}
    (tmp_path / "m.eml").write_bytes(questionnaire(answers, mid="<nose@x.pe>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert doc["equipment_rebooted"] is stored, doc
    assert ("equipment_rebooted" in (doc.get("unknown_answers") or [])) is (stored is None), doc


@pytest.mark.parametrize(
    ("written", "stored"),
    [("Internet satelital", None), ("MPLS con backup satelital", None), ("Enlace satelital", "satellite"),
     ("VSAT", "satellite"), ("Internet dedicado", "internet")],
)  # fmt: skip
def test_a_satellite_service_written_as_an_adjective_is_not_stored_as_internet(
    sdcli, tmp_path, written, stored
):
    """ "Internet satelital" was stored as internet (satelital was no spelling of satellite): the
    rain question, weather-aware suggestions and a per-service contract then missed a satellite
    link. It names two choices now, so the answer is left for `sdcli complete`."""
    answers = {**SPANISH, "Tipo de servicio afectado (Satélite, Internet, MPLS, otros)": written}
    (tmp_path / "m.eml").write_bytes(questionnaire(answers, mid="<sat@x.pe>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert doc.get("service_type") == stored, doc
    missing = [k if isinstance(k, str) else k["key"] for k in doc.get("missing_answers") or []]
    assert ("service_type" in missing) is (stored is None), doc


@pytest.mark.parametrize(
    ("site", "phone", "zone"),
    [("Loja Campo Grande RJ", "(21) 3333-4444", None), ("Loja Campo Grande", "(67) 3333-4444", "America/Cuiaba"),
     ("Filial Manaus", "(92) 3333-4444", "America/Manaus"), ("Filial Manaus", "", "America/Manaus"),
     ("Filial Manaus", "(11) 3333-4444", None)],
)  # fmt: skip
def test_a_city_in_the_sites_name_gives_its_zone_only_when_the_numbers_agree(
    sdcli, tmp_path, site, phone, zone
):
    """ "Loja Campo Grande RJ" (a neighbourhood of Rio de Janeiro) was given Campo Grande's zone,
    an hour behind Rio: received at 08:00 -04:00 instead of 09:00 -03:00, deadlines an hour off.
    A contact's number at another offset now leaves the zone to be asked."""
    contacts = "Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)"
    answers = {**SPANISH, "Sitio el cliente": site}
    if phone:
        answers[contacts] = f"Joao Silva, joao@varejo.com.br, {phone}"
    else:
        answers[contacts] = (
            "Joao Silva, joao@varejo.com.br, +55 92 99999 8888"  # a mobile of the same area code
        )
    raw = questionnaire(answers, mid="<z@x.br>", sender="Joao <joao@varejo.com.br>",
                        date="Mon, 02 Mar 2026 09:00:00 -0300")  # fmt: skip
    (tmp_path / "m.eml").write_bytes(raw)
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert doc["country"] == "BR" and doc.get("timezone") == zone, doc
    missing = [k if isinstance(k, str) else k["key"] for k in doc.get("missing_answers") or []]
    assert ("timezone" in missing) is (zone is None), doc


@pytest.mark.parametrize(
    ("sender", "contact_phone", "country"),
    [("noc@logistica.com.pe", "+51 1 411 7000", "PE"), ("noc@logistica.com.pe", "01 411 7000", "PE"),
     ("noc@logistica.co", "+52 442 123 4567", None), ("noc@logistica.com.co", "+52 442 123 4567", None),
     ("noc@logistica.com.co", "+57 601 234 5678", "CO")],
)  # fmt: skip
def test_the_senders_domain_gives_the_country_only_when_nothing_in_the_message_says_otherwise(
    sdcli, tmp_path, sender, contact_phone, country
):
    """acme.co is a company anywhere (acme.com.co is Colombian), and a contact's +52 number says
    the site may be in Mexico: then the country is a missing answer, never assumed."""
    contacts = "Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)"
    answers = {**SPANISH, contacts: f"Pedro Ruiz, pedro@x.com, {contact_phone}"}
    (tmp_path / "m.eml").write_bytes(questionnaire(answers, mid="<c@x>", sender=f"NOC <{sender}>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert doc.get("country") == country, doc
    assert ("country" in [k if isinstance(k, str) else k["key"] for k in doc.get("missing_answers", [])]) is (
        country is None
    )


def test_a_number_the_message_gives_as_an_answer_is_not_taken_for_the_senders(sdcli, tmp_path):
    answers = {k: v for k, v in SPANISH.items() if not k.startswith("Contactos")}
    answers |= {"Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)": "voz",
                "Número de origen": "+51 1 411 7000", "Número de destino": "+51 1 611 2000"}  # fmt: skip
    msg = questionnaire(answers, mid="<v@x>").replace(b"Ana\r\n", b"Ana\r\nTel. +51 987 654 321\r\n")
    assert b"Tel. +51 987 654 321" in msg
    (tmp_path / "m.eml").write_bytes(msg)
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert doc["source_number"] == "+5114117000", doc
    assert [c["phone"] for c in doc["callback_contacts"]] == ["+51987654321"], doc


@pytest.mark.parametrize(
    ("written", "stored"),
    [("enlace caído desde las 8", "link_down"), ("No funciona, enlace caído", "link_down"),
     ("El enlace no está caído, pero está muy lento", None), ("el enlace no está caído", None),
     ("Llamadas se cortan, el enlace está caído", None), ("servicio lento", "slow")],
)  # fmt: skip
def test_a_problem_written_in_a_sentence_is_the_one_it_names_never_a_guess(sdcli, tmp_path, written, stored):
    """The problem drives the severity: a sentence naming two problems, or denying the one it
    names, leaves the answer missing (`sdcli complete` asks it), never the first word that matched."""
    key = "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)"
    (tmp_path / "m.eml").write_bytes(questionnaire({**SPANISH, key: written}, mid="<p@x.pe>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert doc.get("problem") == stored, doc
    missing = [e if isinstance(e, str) else e["key"] for e in doc.get("missing_answers", [])]
    assert ("problem" in missing) is (stored is None), doc


@pytest.mark.parametrize(
    "signed", ["Tel. (01) 411-7000 ramal 20", "Tel. 01 411-7000 interno 45", "Tel. (01) 411-7000, ramal 20",
               "Tel. (01) 411-7000 - int. 45", "Tel. (01) 411-7000 anx. 123", "Fone (01) 411-7000 r. 20"],
)  # fmt: skip
def test_a_signature_phone_with_an_extension_is_not_stored_as_the_switchboard_alone(sdcli, tmp_path, signed):
    """The intake refuses 'ramal 20' (E.164 has no room for it); a signature's number with one
    was stored as the switchboard alone, losing who to ask for: now the sender has no phone."""
    answers = {k: v for k, v in SPANISH.items() if not k.startswith("Contactos")}
    msg = questionnaire(answers, mid="<x@x>").replace(b"Ana\r\n", f"Ana\r\n{signed}\r\n".encode())
    (tmp_path / "m.eml").write_bytes(msg)
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=NOW)["messages"]
    doc = sdcli.json("show", m["id"], "--json")
    assert "+5114117000" not in [c.get("phone") for c in doc.get("callback_contacts") or []], doc


def test_an_emailed_ssr_whose_window_runs_into_the_weekend_is_said_with_its_line(sdcli, tmp_path):
    """Monday's form for Friday 23:00 to Saturday 02:00 in Lima: weekday work by its start (110 h of
    notice), its Saturday part with 111 h where weekend work needs 5 days: filed, and said."""
    form = {"Solicitante": "Ana Díaz <ana.diaz@andinatel.com.pe> +51 1 411 7000", "Cliente": "Andina Telecom",
            "Sitio": "Lima", "País": "PE", "Categoría": "Respaldo de configuración", "Device": "rtr-lima-01",
            "Inicio": "06/03/2026 23:00", "Fin": "07/03/2026 02:00", "Descripción": "respaldo"}  # fmt: skip
    (tmp_path / "ssr.eml").write_bytes(questionnaire(form, mid="<wk@x.pe>"))
    r = sdcli("inbox", str(tmp_path / "ssr.eml"), "--json", env=NOW)
    assert r.exit_code == 0, r.output
    (m,) = json.loads(r.stdout)["messages"]
    assert m["outcome"] == "created" and m["id"] == "SSR1"
    assert len(m["warnings"]) == 1 and "that part had 111.0 h of notice" in m["warnings"][0]
    assert "Warning: SSR1: the window runs into the weekend on 7 Mar 2026 00:00 Lima -05" in err(r)
    doc = sdcli.json("show", "SSR1", "--json")
    assert doc["weekend_from"] == "2026-03-07T00:00:00-05:00" and doc["weekend_notice_hours"] == 111.0
    r = sdcli("inbox", str(tmp_path / "ssr.eml"), env=NOW)  # read again: a duplicate, nothing to say
    assert r.exit_code == 0 and "duplicate of SSR1" in r.stdout and "Warning" not in err(r)


def test_completing_what_decides_the_target_moves_the_recovery_deadline(sdcli, home, tmp_path):
    """A contract for the customer's satellite service gives 2 h, not the default 4 h: an incident
    classified before its service type was known kept 4 h and a deadline two hours late once the
    answer was completed; a site's zone completed later kept the deadline in another offset."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[contract]]\ncustomer = "Andina Telecom"\nservice_type = "satellite"\ntargets = { "1" = 2 }\n'
        'clock = { "1" = "business" }\n'
    )
    answers = {k: v for k, v in SPANISH.items() if not k.startswith("Tipo de servicio")}
    (tmp_path / "a.eml").write_bytes(questionnaire(answers))
    sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)
    doc = sdcli.json("classify", "INC1", "--severity", "1", "--reason", "sin enlace", "--json", env=NOW)
    assert (doc["sla_target_hours"], doc["recovery_due"]) == (4.0, "2026-03-02T13:00:00-05:00")
    done = sdcli.json("complete", "INC1", "--service-type", "satellite", "--no-input", "--json", env=NOW)
    # received Mon 2 Mar 09:00 Lima; 2 business hours (Mon-Fri 08:00-18:00) of the contract
    assert (done["sla_target_hours"], done["sla_clock"]) == (2.0, "business")
    assert done["recovery_due"] == "2026-03-02T11:00:00-05:00"
    changes = done["history"][-1]["changes"]
    assert changes["recovery_due"] == ["2026-03-02T13:00:00-05:00", "2026-03-02T11:00:00-05:00"]
    assert sdcli.json("show", "INC1", "--json")["recovery_due"] == "2026-03-02T11:00:00-05:00"
    told = [i for i in sdcli.json("outbox", "list", "--json") if i["ticket"] == "INC1"]
    assert [i["action"] for i in told] == ["classify", "classify"]  # the new deadline is told too
    assert "11:00" in json.dumps(told[-1], ensure_ascii=False) and "13:00" in json.dumps(
        told[0], ensure_ascii=False
    )
    no_country = {k: v for k, v in ENGLISH.items() if k != "Country"}
    (tmp_path / "b.eml").write_bytes(questionnaire(no_country, mid="<b@nw.example>", sender="j@nw.example"))
    sdcli.json("inbox", str(tmp_path / "b.eml"), "--json", env=NOW)
    doc = sdcli.json("classify", "INC2", "--severity", "2", "--reason", "x", "--json", env=NOW)
    assert doc["timezone"] is None and doc["recovery_due"] == "2026-03-02T22:00:00+00:00"  # no zone yet
    done = sdcli.json("complete", "INC2", "--country", "PE", "--no-input", "--json", env=NOW)
    assert done["timezone"] == "America/Lima" and done["recovery_due"] == "2026-03-02T17:00:00-05:00"
    assert done["ack_due"] == "2026-03-02T09:15:00-05:00"


def test_complete_tells_the_customer_a_new_deadline_only_when_there_is_one(sdcli, home, tmp_path):
    """`complete` queued a second "classified" e-mail when the deadline only changed its zone
    (22:00 UTC is 17:00 Lima: the same instant, re-zoned), and one saying "Recovery due by ." when
    the completed answer gave a target that had not run out by the hold (no deadline while on hold).
    The customer is told again only of a deadline that moved; a classification on hold says the
    clock is paused."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[contract]]\ncustomer = "Andina Telecom"\nservice_type = "satellite"\ntargets = { "1" = 12 }\n'
    )
    answers = {k: v for k, v in SPANISH.items() if not k.startswith("Tipo de servicio")}
    (tmp_path / "a.eml").write_bytes(questionnaire(answers))
    sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)
    doc = sdcli.json("classify", "INC1", "--severity", "1", "--reason", "sin enlace", "--json", env=NOW)
    assert doc["recovery_due"] == "2026-03-02T13:00:00-05:00"  # 4 h: the default target
    later = {"SDCLI_NOW": "2026-03-02T19:00:00+00:00"}  # 14:00 Lima: the 4 h ran out at 13:00
    assert sdcli("hold", "INC1", "--reason", "esperando al cliente", env=later).exit_code == 0
    done = sdcli.json("complete", "INC1", "--service-type", "satellite", "--no-input", "--json", env=later)
    assert done["sla_target_hours"] == 12.0 and "recovery_due" not in done  # 12 h had not run out: paused
    told = [i for i in sdcli.json("outbox", "list", "--json") if i["ticket"] == "INC1"]
    assert [i["action"] for i in told] == ["classify", "hold"], told
    assert all("due by ." not in json.dumps(i) and "recuperación: ." not in json.dumps(i) for i in told)
    no_country = {k: v for k, v in ENGLISH.items() if k != "Country"}
    (tmp_path / "b.eml").write_bytes(questionnaire(no_country, mid="<b@nw.example>", sender="j@nw.example"))
    sdcli.json("inbox", str(tmp_path / "b.eml"), "--json", env=NOW)
    sdcli.json("classify", "INC2", "--severity", "2", "--reason", "x", "--json", env=NOW)
    done = sdcli.json("complete", "INC2", "--country", "PE", "--no-input", "--json", env=NOW)
    assert done["recovery_due"] == "2026-03-02T17:00:00-05:00"  # 22:00 UTC, the same instant in Lima
    told = [i for i in sdcli.json("outbox", "list", "--json") if i["ticket"] == "INC2"]
    assert [i["action"] for i in told] == ["classify"], told


def test_a_classification_while_on_hold_says_the_clock_is_paused(sdcli, home, tmp_path):
    """An incident classified while on hold before its target ran out has no deadline yet: the
    customer was told "Recovery due by ."; they are told the clock is paused, the deadline to come
    (in English: the form they answered, though the site is in Mexico)."""
    (tmp_path / "a.eml").write_bytes(questionnaire(ENGLISH))
    sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)
    assert sdcli("hold", "INC1", "--reason", "awaiting-customer", env=NOW).exit_code == 0
    doc = sdcli.json("classify", "INC1", "--severity", "2", "--reason", "x", "--json", env=NOW)
    assert "recovery_due" not in doc
    (told,) = [i for i in sdcli.json("outbox", "list", "--json") if i["action"] == "classify"]
    text = json.dumps(told, ensure_ascii=False)
    assert "clock is paused" in text and "due by ." not in text, text


def test_an_mbox_from_lines_time_is_on_this_machines_clock(home, tmp_path):
    """The mbox "From " line's time (ctime, as the delivery agent beside the mailbox writes it, on
    its clock) was read as UTC: on a desk in Lima a report delivered at 09:40 was received at 04:40,
    its 15-minute acknowledgement already five hours late. A From line naming its zone keeps it."""
    body = questionnaire(mid="<fl@x.pe>", date=None)
    box = (b"From ana.diaz@andinatel.com.pe Mon Mar  2 09:40:00 2026\n" + body + b"\n"
           b"From ana.diaz@andinatel.com.pe Mon Mar  2 09:50:00 2026 -0300\n"
           + questionnaire(mid="<fl2@x.pe>", date=None) + b"\n")  # fmt: skip
    (tmp_path / "desk.mbox").write_bytes(box)
    env = subprocess_env(home, TZ="America/Lima", SDCLI_NOW="2026-03-02T10:00:00-05:00")
    r = subprocess.run([PY, "-m", "sdcli", "inbox", str(tmp_path / "desk.mbox")], env=env, capture_output=True,
                       text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    shown = [json.loads(subprocess.run([PY, "-m", "sdcli", "show", t, "--json"], env=env, capture_output=True,
                                       text=True, timeout=60).stdout) for t in ("INC1", "INC2")]  # fmt: skip
    assert shown[0]["received_at"] == "2026-03-02T09:40:00-05:00", shown[0]
    assert shown[0]["ack_due"] == "2026-03-02T09:55:00-05:00"
    assert shown[1]["received_at"] == "2026-03-02T07:50:00-05:00"  # 09:50 at -03:00, as the line says
