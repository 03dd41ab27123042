"""Real pseudo-terminal sessions (pexpect): what an agent sees and types."""

from __future__ import annotations

import json
import sys

import pexpect
import pytest
from conftest import subprocess_env

from sdcli.store import open_store

DOWN = "\x1b[B"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def spawn(home, *args: str, lang: str = "es") -> pexpect.spawn:
    env = subprocess_env(home, TERM="xterm", COLUMNS="120", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(
        sys.executable, ["-m", "sdcli", *args], env=env, encoding="utf-8", timeout=20, dimensions=(40, 120)
    )


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def first_half(child: pexpect.spawn) -> None:
    answer(child, "Nombre del cliente", "Minera Sur\r")
    answer(child, "Sitio del cliente", "Antofagasta\r")
    answer(child, "País del sitio", "CL\r")
    answer(child, "Santiago, Valparaíso", "\r")  # Chile has several zones: the site's, with its cities
    answer(child, "Descripción del problema", DOWN * 3 + "\r")  # packet loss
    answer(child, "Detalle del problema", "Pérdida del 30%\r")


def second_half(child: pexpect.spawn, *, wrong_email: bool) -> None:
    answer(child, "1. Nombre", "Rosa Vera\r")
    child.expect_exact("1. Correo electrónico")
    if wrong_email:
        child.send("rosa@@minera\r")
        child.expect_exact("no es una dirección de correo válida")
        child.send("\x15rosa@minera.cl\r")
    else:
        child.send("rosa@minera.cl\r")
    answer(child, "1. Teléfono", "+56 2 2345 6789\r")
    answer(child, "¿Agregar otro contacto?", "n")
    answer(child, "1. Nombre", "\r")  # no local contacts
    answer(child, "Horarios de apertura", "24x7\r")
    answer(child, "Incidente interno", "\r")
    answer(child, "Tipo de servicio afectado", DOWN + "\r")  # internet
    child.expect_exact("¿Tiene una contingencia de BT?")
    child.expect_exact("(s/n, ? no sabe)")  # yes/no in the agent's language, no default, and "don't know"
    child.send("n")
    child.expect_exact("No")
    answer(child, "¿Tiene energía en el sitio", "s")  # sí
    child.expect_exact("Sí")
    answer(child, "¿Hubo un corte de energía", "n")
    answer(child, "¿Está lloviendo o ha llovido allí?", "n")  # asked for every service
    answer(child, "¿Están todos los equipos conectados?", "y")
    answer(child, "¿Se realizó un reinicio", "y")
    answer(child, "Dirección IP origen", "192.0.2.10\r")
    answer(child, "Dirección IP de destino", "198.51.100.7\r")
    child.expect_exact("Revisión del incidente")
    answer(child, "¿Qué desea hacer?", "\r")


def check_stored(home) -> dict:
    docs = list(open_store(home=home).all_tickets())
    assert len(docs) == 1
    doc = docs[0]
    assert doc["customer"] == "Minera Sur" and doc["site"] == "Antofagasta" and doc["country"] == "CL"
    assert doc["problem"] == "packet_loss" and doc["description"] == "Pérdida del 30%"
    assert doc["callback_contacts"] == [
        {"name": "Rosa Vera", "email": "rosa@minera.cl", "phone": "+56223456789"}
    ]
    assert doc["opening_hours"] == "24x7" and doc["service_type"] == "internet"
    assert doc["has_contingency"] is False and "contingency_works" not in doc
    assert doc["power_now"] is True and doc["power_outage"] is False
    assert (doc["source_ip"], doc["destination_ip"]) == ("192.0.2.10", "198.51.100.7")
    assert doc["timezone"] == "America/Santiago"
    return doc


def test_open_in_a_terminal_end_to_end_with_a_wrong_email(home):
    child = spawn(home, "open", "--lang", "es")
    first_half(child)
    second_half(child, wrong_email=True)
    child.expect_exact("INC1")
    child.expect_exact("Estimado cliente")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # the acknowledgement is folded between words for the terminal (its own wrap cut "Portal B" / "T")
    ack = [x for x in ("Estimado cliente" + child.before).replace("\r", "").splitlines() if x.strip()]
    assert len(ack) > 1 and all(len(x) <= 120 for x in ack), ack
    assert "Portal BT." in " ".join(ack) and "Service Desk citando este número." in " ".join(ack), ack
    check_stored(home)
    assert not list((home / "drafts").glob("*.json"))


def test_ctrl_c_halfway_then_resume(home):
    child = spawn(home, "open", "--lang", "es")
    first_half(child)
    child.expect_exact("1. Nombre")
    child.sendcontrol("c")
    child.expect_exact("sdcli open --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(open_store(home=home).all_tickets()) == []
    (draft,) = list((home / "drafts").glob("*.json"))
    assert json.loads(draft.read_text())["answers"]["problem"] == "packet_loss"

    child = spawn(home, "open", "--resume")
    child.expect_exact("Revisión del incidente")  # the answers captured so far, shown first
    child.expect_exact("Pérdida del 30%")
    second_half(child, wrong_email=False)
    child.expect_exact("INC1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    check_stored(home)
    assert not list((home / "drafts").glob("*.json"))


def test_colour_on_a_terminal_and_off_under_no_color(home):
    from helpers import make_incident

    store = open_store(home=home)
    make_incident(
        store, opened_at="2026-12-01T00:00:00-03:00", severity=1, recovery_due="2026-12-01T04:00:00-03:00"
    )
    coloured = pexpect.run(
        f"{sys.executable} -m sdcli shift", env=subprocess_env(home, TERM="xterm-256color"), encoding="utf-8"
    )
    assert "Breached (1)" in coloured and "\x1b[31m" in coloured  # red on a terminal
    plain = pexpect.run(
        f"{sys.executable} -m sdcli shift",
        env=subprocess_env(home, TERM="xterm-256color", NO_COLOR="1"),
        encoding="utf-8",
    )
    import re

    codes = {c for m in re.findall(r"\x1b\[([0-9;]*)m", plain) for c in m.split(";") if c}
    assert "Breached (1)" in plain and not codes & {
        str(n) for n in [*range(30, 39), *range(40, 49), *range(90, 98)]
    }


def test_a_closed_terminal_leaves_the_draft(home):
    import signal

    child = spawn(home, "open", "--lang", "es")
    first_half(child)
    child.expect_exact("1. Nombre")
    child.kill(signal.SIGHUP)  # the terminal went away
    child.expect(pexpect.EOF)
    child.close()
    (draft,) = list((home / "drafts").glob("*.json"))
    answers = json.loads(draft.read_text())["answers"]
    assert answers["customer"] == "Minera Sur" and answers["description"] == "Pérdida del 30%"
    assert list(open_store(home=home).all_tickets()) == []


@pytest.mark.parametrize("command", ["classify", "escalate"])
def test_a_change_made_while_an_agent_decides_is_not_overwritten(home, command):
    """classify and escalate on a terminal read the ticket, ask a person, then save onto the
    version that person saw: another agent's change meanwhile refuses the save, in one line."""
    from helpers import make_incident

    from sdcli.tickets import add_note

    store = open_store(home=home)
    make_incident(store, service_type="mpls", has_contingency=False)
    child = spawn(home, command, "INC1")
    child.expect_exact("Severity" if command == "classify" else "Call whom")
    add_note(open_store(home=home), "INC1", "customer called back", actor="bea")  # another agent, meanwhile
    child.send("\r")
    if command == "escalate":
        answer(child, "Outcome of the call", "\r")
        answer(child, "Note (optional)", "\r")
    child.expect(pexpect.EOF)
    child.close()
    out = child.before.replace("\r\n", "\n")
    assert child.exitstatus == 1
    print(repr(out[-600:]))
    (line,) = [x for x in out.splitlines() if x.startswith("Error:")] or [out[-2000:]]
    assert "INC1 was changed by bea at " in line and "(note)" in line and "run the command again" in line
    doc = open_store(home=home).get("INC1")
    assert [h["action"] for h in doc["history"]] == ["opened", "note"] and "severity" not in doc


def test_going_back_a_question_in_a_real_terminal(home):
    """`<` at the SSR's requester goes back to the country (Peru's one zone is never asked),
    PE still in the line; Enter keeps it and the requester is asked again."""
    child = spawn(home, "--lang", "en", "ssr")
    answer(child, "Customer", "ACME\r")
    answer(child, "Site", "Lima HQ\r")
    answer(child, "Country of the site", "\x15PE\r")
    child.expect_exact("Requester")
    child.expect_exact("(< goes back)")  # the key, shown in the prompt's hint
    child.send("<\r")
    child.expect_exact("Country of the site")
    child.expect_exact("PE")  # the answer given, in the line
    child.send("\r")
    answer(child, "Requester", "Ana Díaz <ana@acme.pe> 01 4117000\r")
    child.expect_exact("Category")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (draft,) = [json.loads(p.read_text()) for p in (home / "drafts").glob("D*.json")]
    assert draft["answers"]["country"] == "PE" and draft["answers"]["requester"]["name"] == "Ana Díaz"


def _many(home, n: int) -> None:
    docs = [{"status": "open", "customer": f"Cliente {i}", "site": "Lima", "opened_at": f"2026-11-{1 + i % 28:02d}T10:00:00-05:00"}
            for i in range(n)]  # fmt: skip
    open_store(home=home).upsert_many(
        "INC", docs, key=None, on_conflict="skip", actor="t", event={"action": "t"}
    )


def _listed(home, *args: str, rows: int = 20) -> str:
    env = subprocess_env(home, TERM="xterm", COLUMNS="120", LINES=str(rows), SDCLI_LANG="en")
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "list", *args], env=env, encoding="utf-8",
                          timeout=30, dimensions=(rows, 120))  # fmt: skip
    child.expect(pexpect.EOF)
    return child.before


def test_list_on_a_terminal_shows_a_screenful_and_says_how_to_see_the_rest(home):
    _many(home, 60)
    shown = _listed(home, rows=20)
    assert shown.count("Cliente ") == 16  # 20 lines less header, footer and prompt
    assert "16 of 60 shown; to see them all: --all-rows" in shown
    every = _listed(home, "--all-rows", rows=20)
    assert every.count("Cliente ") == 60 and "60 tickets" in every
    limited = _listed(home, "--limit", "10", rows=20)
    assert limited.count("Cliente ") == 10 and "10 tickets" in limited and "shown" not in limited


def test_long_listings_in_a_pipe_stream_whole_json_and_rows(home, sdcli):
    _many(home, 700)
    r = sdcli("list", "--json")
    data = json.loads(r.stdout)
    assert len(data) == 700 and data[0]["id"] and r.stdout.startswith("[\n  {\n    ")
    assert [d["id"] for d in json.loads(sdcli("list", "--json", "id").stdout)] == [d["id"] for d in data]
    lines = sdcli("list").stdout.splitlines()
    assert len(lines) == 701 and lines[0].startswith("id\tstatus")


def _unacked(home, n: int) -> None:
    """n open email reports, none classified nor acknowledged (in the shift's unacked and
    unclassified sections, and in list --unacked)."""
    docs = [{"status": "open", "channel": "email", "customer": f"Cliente {i}", "site": "Lima",
             "opened_at": f"2026-11-{1 + i % 28:02d}T10:00:00-05:00", "ack_due": f"2026-11-{1 + i % 28:02d}T11:00:00-05:00"}
            for i in range(n)]  # fmt: skip
    open_store(home=home).upsert_many(
        "INC", docs, key=None, on_conflict="skip", actor="t", event={"action": "t"}
    )


def _on_terminal(home, *args: str, rows: int = 20) -> str:
    env = subprocess_env(home, TERM="xterm", COLUMNS="120", LINES=str(rows), SDCLI_LANG="en")
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", *args], env=env, encoding="utf-8",
                          timeout=30, dimensions=(rows, 120))  # fmt: skip
    child.expect(pexpect.EOF)
    return child.before


def test_shift_on_a_terminal_shows_a_screenful_per_section(home, sdcli):
    _unacked(home, 40)
    shown = _on_terminal(home, "shift", rows=20)
    assert "Email reports not acknowledged (40)" in shown and "Not classified yet (40)" in shown
    # three sections of 40 (unclassified for weeks: due on their suggested severity too), each a
    # screenful: 20 lines less 4
    assert shown.count("Cliente ") == 3 * 16
    assert shown.count("16 of 40 shown; to see them all: --all-rows") == 3
    every = _on_terminal(home, "shift", "--all-rows", rows=20)
    assert every.count("Cliente ") == 3 * 40 and "shown" not in every
    rows = sdcli("shift").stdout.splitlines()  # a pipe: every row of every section
    assert len(rows) == 1 + 3 * 40 and sum(r.startswith("unacked\t") for r in rows) == 40


def test_list_unacked_on_a_terminal_shows_a_screenful(home, sdcli):
    _unacked(home, 40)
    shown = _on_terminal(home, "list", "--unacked", rows=20)
    assert shown.count("Cliente ") == 16 and "16 of 40 shown; to see them all: --all-rows" in shown
    assert _on_terminal(home, "list", "--unacked", "--all-rows", rows=20).count("Cliente ") == 40
    assert len(sdcli("list", "--unacked").stdout.splitlines()) == 1 + 40


@pytest.mark.parametrize("columns", [80, 160])
def test_a_long_question_is_folded_between_words_with_its_back_hint(home, columns):
    """At 80 columns a question longer than the line was wrapped by the terminal mid-word
    ("(opcional, E" / "nter para omitir)"), and the hint `(< vuelve atrás)` mid-word too; the
    question is folded between words now, its last line keeping the hint and room for the answer.
    On a wide terminal it is one line."""
    import re

    env = subprocess_env(home, TERM="xterm", COLUMNS=str(columns), LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "--lang", "es", "open"], env=env, encoding="utf-8",
                          timeout=20, dimensions=(40, columns))  # fmt: skip
    child.expect_exact("Nombre del cliente")
    child.expect_exact("(< vuelve atrás)")  # a short question: the hint is there
    child.send("Minera Sur\r")
    answer(child, "Sitio del cliente", "Arequipa\r")
    answer(child, "País del sitio", "Perú\r")
    answer(child, "Descripción del problema", DOWN + "\r")
    child.expect_exact("Detalle del problema (texto libre)")
    child.send("lento\r")
    child.expect_exact("1. Nombre")  # the next question: what the detail's prompt drew is in before
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", child.before)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    if columns == 80:
        assert "(opcional, Enter para\n  omitir)  (< vuelve atrás) lento" in drawn, drawn
    else:
        assert "(opcional, Enter para omitir)  (< vuelve atrás) lento" in drawn, drawn
    assert "vuelve at\n" not in drawn and "E\nnter" not in drawn


def test_a_long_refusal_under_a_question_is_drawn_whole_at_80_columns(home):
    """The line under a question that says why an answer is refused was one line, cut at the
    terminal's edge: 'Rio Net has no project manager nor account manager: give --project-mana'.
    It wraps now, down to what to do ('sdcli customer add ... --account-manager ...')."""
    import re

    env = subprocess_env(home, TERM="xterm", COLUMNS="80", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "--lang", "en", "change"], env=env, encoding="utf-8",
                          timeout=20, dimensions=(40, 80))  # fmt: skip
    answer(child, "Customer", "Rio Net\r")
    answer(child, "Site", "Loja Centro\r")
    answer(child, "Country of the site", "\x15PE\r")
    child.expect_exact("project manager")
    child.send("\r")  # none known: the routing rule refuses, saying what to do
    child.expect_exact("account manager")
    seen = ""
    try:
        for _ in range(2):  # the refusal names a 'Name <email> phone' twice: its last words, drawn
            child.expect("phone'", timeout=5)
            seen += child.before + str(child.after)
    finally:
        drawn = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", seen).split())  # folded between words
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        child.close()
    assert "sdcli customer add 'Rio Net' --account-manager" in drawn, drawn[-600:]
    # asked on a terminal, the answer is typed on this line: the refusal says so, not a flag to give
    assert "type one here ('Name <email> phone')" in drawn and "--project-manager" not in drawn, drawn[-600:]


def test_a_long_line_on_stderr_is_folded_between_words_on_a_terminal(home, sdcli):
    """`classify` said "… recuperación para 4 dic 2026 07:22 Lima -05 [24x7, 24" and the terminal put
    " h]" on the next line; on a terminal the line is folded between words (a number kept with its
    unit) and the rest indented, and a pipe still gets it whole on one line."""
    import re

    doc = sdcli.json("open", "--no-input", "--customer", "Minera Andina SAC", "--site", "Sede Arequipa - Planta Cerro Verde",
                     "--country", "PE", "--problem", "slow", "--callback", "Jorge Quispe <jq@minera.pe> 987 654 321",
                     "--service-type", "internet", "--no-contingency", "--source-ip", "10.1.1.1",
                     "--destination-ip", "8.8.8.8", "--json", env={"SDCLI_NOW": "2026-12-03T07:22:00-05:00"})  # fmt: skip
    env = subprocess_env(
        home,
        TERM="xterm",
        COLUMNS="80",
        LINES="40",
        SDCLI_LANG="es",
        SDCLI_TZ="America/Lima",
        SDCLI_NOW="2026-12-03T07:22:00-05:00",
    )
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "classify", doc["id"], "--severity", "3", "--reason", "lento"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 80))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", child.before)
    assert child.exitstatus == 0, drawn
    lines = [x for x in drawn.splitlines() if x.strip()]
    lines = lines[
        next(n for n, x in enumerate(lines) if x.startswith("INC1:")) :
    ]  # (PostgreSQL: "store: URL" first)
    assert all(len(x) <= 80 for x in lines), lines
    assert "07:22 Lima -05 [24x7,\n  24 h]" in drawn, drawn
    piped = sdcli("classify", doc["id"], "--severity", "2", "--reason", "alto", env={"SDCLI_LANG": "es"})
    assert re.search(r"recuperación para .*\[24x7, 8 h\]$", piped.stderr.splitlines()[-1]), piped.stderr


def test_a_choice_longer_than_the_line_fits_it_without_the_address(home, sdcli):
    """At 80 columns the e-mail choice of the escalation ran past the edge and was cut there
    ("Correo a Service Desk Latam <servicedesk.latam@example.com> (solo respaldo: n"): the address
    (in the table above) is left out, so the choice is whole on its line."""
    import re

    doc = sdcli.json("open", "--no-input", "--customer", "Minera Andina SAC", "--site", "Arequipa", "--country", "PE",
                     "--problem", "slow", "--callback", "Jorge Quispe <jq@minera.pe> 987 654 321",
                     "--service-type", "internet", "--no-contingency", "--source-ip", "10.1.1.1",
                     "--destination-ip", "8.8.8.8", "--json")  # fmt: skip
    assert sdcli("classify", doc["id"], "--severity", "3", "--reason", "lento").exit_code == 0
    env = subprocess_env(
        home, TERM="xterm", COLUMNS="80", LINES="60", SDCLI_LANG="es", PROMPT_TOOLKIT_NO_CPR="1"
    )
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "escalate", doc["id"]], env=env, encoding="utf-8",
                          timeout=20, dimensions=(60, 80))  # fmt: skip
    child.expect_exact("Correo a Service Desk Latam")  # the e-mail choice, then its end drawn
    child.expect_exact("24x7)")
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", "Correo a Service Desk Latam" + child.before + "24x7)")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    line = next(x for x in drawn.splitlines() if "Correo a Service Desk Latam" in x)
    assert line.strip() == "Correo a Service Desk Latam (solo respaldo: no se vigila 24x7)", line


def test_an_out_of_hours_contact_is_marked_within_the_line(home, sdcli):
    """At 80 columns Lucía Ferreyra's choice ran past the edge and its "— fuera de horario" was cut
    off: the role (named in the table above) is left out, so the mark is seen."""
    import re

    opened = {"SDCLI_NOW": "2026-12-05T09:00:00-03:00"}  # a Saturday: the manager in Buenos Aires is off
    doc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Centro", "--country", "AR",
                     "--tz", "America/Argentina/Buenos_Aires", "--problem", "slow", "--callback",
                     "Ana <ana@acme.com.ar> +54 11 4321 5678", "--service-type", "internet", "--no-contingency",
                     "--source-ip", "10.1.1.1", "--destination-ip", "8.8.8.8", "--json", env=opened)  # fmt: skip
    assert sdcli("classify", doc["id"], "--severity", "2", "--reason", "alto", env=opened).exit_code == 0
    env = subprocess_env(home, TERM="xterm", COLUMNS="80", LINES="60", SDCLI_LANG="es", PROMPT_TOOLKIT_NO_CPR="1",
                         SDCLI_NOW="2026-12-05T14:00:00-03:00")  # fmt: skip
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "escalate", doc["id"]], env=env, encoding="utf-8",
                          timeout=20, dimensions=(60, 80))  # fmt: skip
    child.expect_exact("nivel 4")  # the question: level 4 is due after 4 h at severity 2
    child.expect_exact("fuera de horario")
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", child.before + "fuera de horario")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    line = next(x for x in drawn.splitlines() if "Lucía Ferreyra" in x)
    assert line.strip().endswith("Lucía Ferreyra +54 11 5200-4004 — fuera de horario"), line
