"""Escalation: levels by severity and age, the calling rules, refusals, table validation."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import pexpect
import pytest
from conftest import err, subprocess_env

from sdcli import escalation, escalation_table
from sdcli.errors import ConfigError
from sdcli.home import load_data

T0 = datetime.fromisoformat("2026-12-01T09:00:00-03:00")  # a Tuesday


def at(minutes: float) -> dict:
    return {"SDCLI_NOW": (T0 + timedelta(minutes=minutes)).isoformat()}


@pytest.fixture
def table():
    return escalation_table.load_table()


@pytest.mark.parametrize(
    ("severity", "minutes", "level"),
    [(1, 0, 1), (1, 29.9, 1), (1, 30, 2), (1, 30.1, 2), (1, 59, 2), (1, 60, 3), (1, 119, 3), (1, 120, 4),
     (1, 239, 4), (1, 240, 5), (1, 10_000, 5),
     (2, 59, 1), (2, 60, 2), (2, 120, 3), (2, 240, 4), (2, 100_000, 4),
     (3, 239, 1), (3, 240, 2), (3, 480, 3), (3, 100_000, 3),
     (4, 1439, 1), (4, 1440, 2), (4, 100_000, 2)],
)  # fmt: skip
def test_level_by_severity_and_age_at_and_around_thresholds(table, severity, minutes, level):
    assert escalation.correct_level(table, severity, timedelta(minutes=minutes)) == level


def test_next_level_at(table):
    assert escalation.next_level_at(table, 1, T0, T0 + timedelta(minutes=10)) == T0 + timedelta(minutes=30)
    assert escalation.next_level_at(table, 1, T0, T0 + timedelta(minutes=30)) == T0 + timedelta(minutes=60)
    assert escalation.next_level_at(table, 1, T0, T0 + timedelta(minutes=300)) is None
    assert escalation.next_level_at(table, 4, T0, T0 + timedelta(minutes=1500)) is None


def calls(*outcomes, level=2):
    return [{"level": level, "channel": "phone", "outcome": o} for o in outcomes]


def test_consecutive_failures_reset_by_a_success():
    assert escalation.consecutive_failures(calls("no-answer", "busy"), 2) == 2
    assert escalation.consecutive_failures(calls("no-answer", "reached", "busy"), 2) == 1
    assert escalation.consecutive_failures(calls("no-answer", "busy", "reached"), 2) == 0
    mixed = (
        calls("no-answer")
        + calls("busy", level=3)
        + [{"level": 2, "channel": "email", "outcome": "sent"}]
        + calls("voicemail")
    )
    assert escalation.consecutive_failures(mixed, 2) == 2
    assert escalation.consecutive_failures(mixed, 3) == 1


def open_incident(sdcli, severity="1", minutes=0):
    doc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
                     "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency", "--json", env=at(minutes))  # fmt: skip
    sdcli.json("classify", doc["id"], "--severity", severity, "--reason", "test", "--json", env=at(minutes))
    return doc["id"]


def test_json_view_has_levels_and_fields(sdcli):
    inc = open_incident(sdcli)
    st = sdcli.json("escalate", inc, "--json", env=at(45))
    assert (st["current_level"], st["active_level"]) == (2, 2)
    assert st["next_level_at"] == "2026-12-01T08:00:00-05:00"  # T0 + 60 min, shown in the site's zone (PE)
    assert [lv["correct"] for lv in st["levels"]] == [False, True, False, False, False]
    assert st["levels"][1]["contacts"][0]["name"] == "Carla Mendes"
    assert st["age_minutes"] == 45 and st["severity"] == 1


def test_a_level_a_severity_never_reaches_by_time_says_so(sdcli):
    """Level 5 has no time for severity 2 (its `after` leaves it out): the table said "L5 Head of
    Service · after —" ("a los —"); it says in words that time never reaches it at this severity."""
    inc = open_incident(sdcli, severity="2")
    shown = sdcli("escalate", inc, env=at(10)).stdout
    assert "L5 Head of Service · not reached by time at this severity" in shown
    assert "L2 Shift Lead · after 60 min" in shown and "—\n" not in shown
    assert sdcli.json("escalate", inc, "--json", env=at(10))["levels"][4]["after_minutes"] is None


def test_third_failed_call_moves_to_the_next_level(sdcli):
    inc = open_incident(sdcli)
    for i, outcome in enumerate(("no-answer", "busy")):
        r = sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", outcome, env=at(40 + i))
        assert r.exit_code == 0, r.output
        assert f"{i + 1} consecutive failed call(s) at level 2" in r.stderr
    r = sdcli("escalate", inc, "--call", "carla mendes", "--outcome", "voicemail", "--json", env=at(43))
    assert r.exit_code == 0, r.output
    assert "leave a voicemail, then call level 3 (Service Desk Manager)" in r.stderr
    st = __import__("json").loads(r.stdout)
    assert (st["current_level"], st["active_level"]) == (2, 3)
    doc = sdcli.json("show", inc, "--json")
    assert doc["history"][-1]["moved_to_level"] == 3 and doc["history"][-1]["by"] == "tester"
    # level 3 is now the one to call, even though by time level 2 is correct
    assert (
        sdcli("escalate", inc, "--call", "Jorge Ramírez", "--outcome", "reached", env=at(44)).exit_code == 0
    )
    doc = sdcli.json("show", inc, "--json")
    assert doc["escalation"]["owner"]["name"] == "Jorge Ramírez"


def test_success_resets_the_count(sdcli):
    inc = open_incident(sdcli)
    for outcome in ("no-answer", "no-answer", "reached", "busy", "busy"):
        sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", outcome, env=at(40))
    st = sdcli.json("escalate", inc, "--json", env=at(41))
    assert st["active_level"] == 2 and st["levels"][1]["consecutive_failures"] == 2


def test_last_level_has_nobody_above(sdcli):
    inc = open_incident(sdcli)
    for _ in range(3):
        r = sdcli("escalate", inc, "--call", "Martin Hale", "--outcome", "no-answer", env=at(300))
    assert r.exit_code == 0
    assert "no level above" in r.stderr
    assert sdcli.json("escalate", inc, "--json", env=at(301))["active_level"] == 5


def test_refusals(sdcli):
    r = sdcli("escalate", "INC404")
    assert r.exit_code == 1 and "register it first: sdcli open" in r.stderr
    inc = open_incident(sdcli)
    r = sdcli("escalate", inc, "--call", "Jorge Ramírez", "--outcome", "busy", env=at(10))
    assert r.exit_code == 1 and "above the correct level 1" in r.stderr and "--force --reason" in r.stderr
    r = sdcli("escalate", inc, "--call", "Jorge Ramírez", "--outcome", "busy", "--force", env=at(10))
    assert r.exit_code == 1
    r = sdcli(
        "escalate",
        inc,
        "--call",
        "Jorge Ramírez",
        "--outcome",
        "busy",
        "--force",
        "--reason",
        "customer CEO asked",
        env=at(10),
    )
    assert r.exit_code == 0
    assert (
        sdcli.json("show", inc, "--json")["escalation_attempts"][-1]["forced_reason"] == "customer CEO asked"
    )
    for ch in ("sms", "whatsapp", "WhatsApp"):
        r = sdcli(
            "escalate", inc, "--call", "Carla Mendes", "--channel", ch, "--outcome", "reached", env=at(40)
        )
        assert r.exit_code == 1 and "SMS and WhatsApp are not used" in r.stderr
    r = sdcli("escalate", inc, "--email", "Carla Mendes", env=at(40))
    assert r.exit_code == 0 and "not monitored 24x7" in r.stderr
    r = sdcli("escalate", inc, "--call", "Nobody", "--outcome", "busy", env=at(40))
    assert r.exit_code == 1 and "not in the escalation table" in r.stderr
    r = sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "maybe", env=at(40))
    assert r.exit_code == 1 and "outcome" in r.stderr
    sdcli.json("resolve", inc, "--note", "fixed", "--json")
    r = sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "busy")
    assert r.exit_code == 1 and "resolved" in r.stderr
    sdcli.json("close", inc, "--json")
    r = sdcli("escalate", inc)
    assert r.exit_code == 1 and "closed" in r.stderr


def table_with(mutate):
    import copy

    data = copy.deepcopy(load_data("escalation"))
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["level"][1]["contacts"].append({"name": "Pedro", "role": "Sales Executive", "phone": "+5511999990000"}),
         "level 2 (Shift Lead), contact 'Pedro': the sales / commercial team"),
        (lambda d: d["level"][2]["contacts"].append({"name": "Ana KAM", "role": "Gerente Comercial", "phone": "+5511999990000"}),
         "contact 'Ana KAM': the sales / commercial team"),
        (lambda d: d["level"][1]["contacts"][0].__setitem__("channels", ["phone", "telegram"]),
         "contact 'Carla Mendes': unknown channel 'telegram'"),
        (lambda d: d["level"][1]["contacts"][0].__setitem__("channels", ["sms"]),
         "contact 'Carla Mendes': channel 'sms' is not used"),
        (lambda d: d["level"][3]["contacts"][0].pop("phone"),
         "level 4 (Service Operations Manager): no contact with a phone"),
        (lambda d: d["level"][2]["after"].__setitem__("1", 20),
         "level 3 (Service Desk Manager) is reached after 20 min for severity 1, before level 2 (30 min)"),
    ],
)  # fmt: skip
def test_table_validation_names_the_entry(mutate, message):
    with pytest.raises(ConfigError) as e:
        escalation_table.parse_table(table_with(mutate))
    assert message in str(e.value)


def test_desk_table_override_is_validated_by_the_command(sdcli, home):
    inc = open_incident(sdcli)
    home.mkdir(parents=True, exist_ok=True)  # the embedded store made it; a database store did not
    (home / "escalation.toml").write_text(
        '[[level]]\nlevel = 1\nname = "Sales"\ncontacts = [{name = "X", phone = "+5511999990000"}]\n'
    )
    r = sdcli("escalate", inc)
    assert r.exit_code == 1 and "sales / commercial" in r.stderr


def test_availability_across_time_zones(table):
    jorge = table.contact("Jorge Ramírez")  # Mon-Fri 08:00-20:00 Mexico City (UTC-6)
    assert not jorge.available(datetime.fromisoformat("2026-12-01T13:59:00+00:00"))
    assert jorge.available(datetime.fromisoformat("2026-12-01T14:00:00+00:00"))
    assert jorge.available(datetime.fromisoformat("2026-12-02T01:59:00+00:00"))
    assert not jorge.available(datetime.fromisoformat("2026-12-02T02:00:00+00:00"))
    assert not jorge.available(datetime.fromisoformat("2026-12-05T15:00:00+00:00"))  # Saturday
    # the offset, as README's example: "CST" (Mexico City's abbreviation) is China's and Cuba's too
    assert jorge.local_time(datetime.fromisoformat("2026-12-01T14:00:00+00:00")) == "Tue 08:00 -06"
    martin = table.contact("martin")
    assert martin.available(datetime.fromisoformat("2026-12-01T08:00:00-03:00")) is True  # 11:00 London


def test_shift_lists_incidents_whose_next_level_is_due(sdcli):
    inc = open_incident(sdcli)
    assert sdcli.json("shift", "--json", env=at(20))["escalation_due"] == []
    due = sdcli.json("shift", "--json", env=at(35))["escalation_due"]
    assert [d["id"] for d in due] == [inc] and due[0]["due_level"] == 2
    sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "reached", env=at(36))
    assert sdcli.json("shift", "--json", env=at(40))["escalation_due"] == []
    assert [d["id"] for d in sdcli.json("shift", "--json", env=at(61))["escalation_due"]] == [inc]


def test_shift_lists_the_next_level_owed_after_three_failed_calls(sdcli):
    """The source: after 3 consecutive failed calls at a level, leave a voicemail and contact the
    next level. escalate records that level as the one to call; shift listed the incident only
    once time made a level correct above the highest called, so the owed call went unlisted."""
    inc = open_incident(sdcli)  # severity 1 at 07:00 in Lima: level 2 after 30 min, 3 after 60
    for minute in (35, 36, 38):
        sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "no-answer", env=at(minute))
    st = sdcli.json("escalate", inc, "--json", env=at(40))
    assert (st["current_level"], st["active_level"]) == (2, 3)
    assert due(sdcli, 40) == [(inc, 3, "2026-12-01T07:38:00-05:00")]  # since the third failed call
    r = sdcli("shift", env=at(40))
    assert r.exit_code == 0 and inc in r.stdout
    sdcli("escalate", inc, "--call", "Jorge Ramírez", "--outcome", "reached", env=at(41))
    assert due(sdcli, 45) == []  # the owed level was called
    assert due(sdcli, 61) == []  # and level 3 by time is the one reached
    assert due(sdcli, 121) == [(inc, 4, "2026-12-01T09:00:00-05:00")]


def test_a_failed_call_at_a_level_below_the_active_one_owes_nothing_more(sdcli):
    """Calls at level 1 while level 2 is correct move nothing; the owed level stays 2, by time."""
    inc = open_incident(sdcli)
    for minute in (35, 36, 37):
        sdcli("escalate", inc, "--call", "Service Desk Latam", "--outcome", "busy", env=at(minute))
    assert sdcli.json("escalate", inc, "--json", env=at(40))["active_level"] == 2
    assert due(sdcli, 40) == [(inc, 2, "2026-12-01T07:30:00-05:00")]


def due(sdcli, minutes: float) -> list[tuple[str, int, str]]:
    """shift's escalations due at T0 + minutes: (id, due level, when it came due)."""
    rows = sdcli.json("shift", "--json", env=at(minutes))["escalation_due"]
    return [(d["id"], d["due_level"], d["next_level_at"]) for d in rows]


def test_time_on_hold_does_not_age_the_escalation(sdcli):
    """Six hours on hold: escalate and shift count the running time, not the time since opening."""
    inc = open_incident(sdcli)  # severity 1 at 07:00 in Lima: level 2 after 30 min, 3 after 60
    sdcli.json("hold", inc, "--reason", "awaiting-customer", "--json", env=at(10))
    held = sdcli.json("escalate", inc, "--json", env=at(200))
    assert (held["age_minutes"], held["current_level"], held["next_level_at"]) == (10, 1, None)  # it waits
    assert held["escalation_from"] == "2026-12-01T07:00:00-05:00" and due(sdcli, 200) == []
    sdcli.json("resume", inc, "--json", env=at(370))  # on hold 360 minutes
    st = sdcli.json("escalate", inc, "--json", env=at(389))  # 29 minutes of running time
    assert (st["age_minutes"], st["current_level"]) == (29, 1)
    assert st["escalation_from"] == "2026-12-01T13:00:00-05:00"  # opened_at + 6 h
    assert st["next_level_at"] == "2026-12-01T13:30:00-05:00" and due(sdcli, 389) == []
    st = sdcli.json("escalate", inc, "--json", env=at(405))  # 45 minutes: level 2, not 5
    assert (st["age_minutes"], st["current_level"], st["next_level_at"]) == (
        45, 2, "2026-12-01T14:00:00-05:00"
    )  # fmt: skip
    assert due(sdcli, 405) == [(inc, 2, "2026-12-01T13:30:00-05:00")]
    r = sdcli("escalate", inc, "--call", "Jorge Ramírez", "--outcome", "busy", env=at(405))
    assert r.exit_code == 1 and "above the correct level 2" in r.stderr  # level 3 is not due yet
    assert (
        sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "reached", env=at(406)).exit_code == 0
    )
    assert due(sdcli, 419) == []  # level 2 attempted; level 3 comes at 60 minutes of running time
    assert sdcli.json("escalate", inc, "--json", env=at(419))["current_level"] == 2
    assert sdcli.json("escalate", inc, "--json", env=at(420))["current_level"] == 3
    assert due(sdcli, 420) == [(inc, 3, "2026-12-01T14:00:00-05:00")]


def test_a_reopened_incident_escalates_on_its_running_time_not_its_days_resolved(sdcli):
    inc = open_incident(sdcli)
    sdcli.json("resolve", inc, "--note", "looked fixed", "--json", env=at(20))
    three_days = 3 * 24 * 60
    sdcli.json("reopen", inc, "--note", "down again", "--json", env=at(three_days + 20))
    st = sdcli.json("escalate", inc, "--json", env=at(three_days + 35))  # 35 minutes of running time
    assert (st["age_minutes"], st["current_level"], st["active_level"]) == (35, 2, 2)
    assert st["escalation_from"] == "2026-12-04T07:00:00-05:00"
    assert st["next_level_at"] == "2026-12-04T08:00:00-05:00"
    assert due(sdcli, three_days + 35) == [(inc, 2, "2026-12-04T07:30:00-05:00")]
    (row,) = sdcli.json("shift", "--json", env=at(three_days + 35))["escalation_due"]
    assert row["escalation_from"] == st["escalation_from"]  # the same instant, written alike
    r = sdcli("escalate", inc, "--call", "Martin Hale", "--outcome", "busy", env=at(three_days + 35))
    assert r.exit_code == 1 and "above the correct level 2" in r.stderr  # not the director


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_escalate_in_a_terminal_highlights_the_level_and_records_the_call(sdcli, home):
    inc = open_incident(sdcli)
    env = subprocess_env(home, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", **at(70))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "sdcli", "escalate", inc],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 200),
    )
    child.expect_exact("Call whom at level 3")
    screen = child.before
    lines = screen.splitlines()
    (here,) = [i for i, ln in enumerate(lines) if "▶ now" in ln]
    row = lines[here]
    assert "L3 Service Desk Manager" in row and "Jorge Ramírez" in lines[here + 1]
    assert "+52 55 5100 3003" in lines[here + 2]  # grouped for dialling, on a line of its own
    assert "\x1b[1;7m" in row or "\x1b[7;1m" in row or "\x1b[1m\x1b[7m" in row  # bold reverse
    for name in ("Service Desk Latam", "Carla Mendes", "Lucía Ferreyra", "Martin Hale"):
        assert name in screen
    child.send("\r")  # Jorge
    child.expect_exact("Outcome of the call")
    child.send("\x1b[B\r")  # no-answer
    child.expect_exact("Note")
    child.send("left word with the operator\r")
    child.expect_exact("Another call?")  # the loop: no, and the session ends
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    (attempt,) = sdcli.json("show", inc, "--json")["escalation_attempts"]
    assert attempt == {**attempt, "contact": "Jorge Ramírez", "level": 3, "outcome": "no-answer", "channel": "phone",
                       "note": "left word with the operator"}  # fmt: skip


# --------------------------------------------------------------------------- issue 14


@pytest.mark.parametrize(
    "role",
    ["Gerente de Cuentas", "Account Managers", "Vendedor", "Vendedora", "Account Executive", "Ejecutivo de Cuenta",
     "Executivo de Contas", "Preventa", "KAM", "Ejecutivas de Cuentas", "Gestor de Contas", "Pré-vendas", "Presales",
     "Key Account Manager", "Equipo Comercial", "Vendas",
     # the source's "Gerente de Relacionamiento" (a relationship manager is commercial too)
     "Gerente de Relacionamiento", "gerente de relacionamiento", "Gerente de Relacionamento", "Gestora de Relacionamento",
     "Ejecutivo de Relacionamiento", "Gerente de Relaciones", "Gerente de Relación con Clientes",
     "Gerente de Relacion con el Cliente", "Gerente de Relações", "Gerente de Relacoes com Clientes",
     "Relationship Manager", "Client Relationship Managers", "Customer Relations Manager", "RELATIONSHIP MANAGER"],
)  # fmt: skip
def test_sales_roles_in_es_pt_en_are_refused(role):
    def add(d):
        d["level"][1]["contacts"].append(
            {"name": "Pedro", "team": "service_desk", "role": role, "phone": "+5511999990000"}
        )

    with pytest.raises(
        ConfigError, match="contact 'Pedro': the sales / commercial team is not part of incident resolution"
    ):
        escalation_table.parse_table(table_with(add))


@pytest.mark.parametrize(
    "role",
    [
        "Service Desk",
        "Shift Lead",
        "Service Operations Manager",
        "Head of Service",
        "Gerente de Proyecto",
        "Ingeniero de Red",
        "Network Relay Engineer",
    ],
)
def test_resolution_roles_are_kept(role):
    def add(d):
        d["level"][1]["contacts"].append(
            {"name": "Kam Li", "team": "operations", "role": role, "phone": "+5511999990000"}
        )

    assert escalation_table.parse_table(table_with(add)).contact("Kam Li").team == "operations"


@pytest.mark.parametrize(
    ("team", "message"),
    [(None, "contact 'Carla Mendes': no team (use one of service_desk, operations, engineering, management)"),
     ("sales", "contact 'Carla Mendes': the sales / commercial team is not part of incident resolution"),
     ("Commercial", "contact 'Carla Mendes': the sales / commercial team is not part of incident resolution"),
     ("noc", "contact 'Carla Mendes': team 'noc' is not known")],
)  # fmt: skip
def test_every_contact_names_a_team_that_is_not_sales(team, message):
    def set_team(d):
        contact = d["level"][1]["contacts"][0]
        contact.pop("team", None)
        if team is not None:
            contact["team"] = team

    with pytest.raises(ConfigError) as e:
        escalation_table.parse_table(table_with(set_team))
    assert message in str(e.value)


def test_an_account_manager_of_the_directory_is_refused_as_a_contact(sdcli, home):
    inc = open_incident(sdcli)
    sdcli.json(
        "customer",
        "add",
        "ACME",
        "--account-manager",
        "Carla Mendes <carla.m@example.com> +51 1 4117000",
        "--json",
    )
    r = sdcli("escalate", inc)
    assert r.exit_code == 1
    assert "contact 'Carla Mendes': is the account manager of ACME in the customer directory" in r.stderr
    sdcli.json(
        "customer",
        "add",
        "ACME",
        "--account-manager",
        "Rita Paz <carla.mendes@example.com> +51 1 4117000",
        "--json",
    )
    r = sdcli("escalate", inc)  # the same person under another name: her email
    assert r.exit_code == 1 and "account manager of ACME" in r.stderr
    sdcli.json(
        "customer", "add", "ACME", "--account-manager", "Rita Paz <rita@example.com> +51 1 4117000", "--json"
    )
    assert sdcli("escalate", inc, "--json").exit_code == 0


def test_escalations_due_are_ordered_by_instant_not_by_text(sdcli):
    def open_at(when: str, country: str) -> str:
        zone = {"BR": ["--tz", "America/Sao_Paulo"], "PE": []}[country]
        doc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "S", "--country", country, *zone, "--problem", "link_down",
                         "--callback", "Ana <ana@acme.com> +55 11 98765-4321", "--service-type", "mpls", "--no-contingency",
                         "--json", env={"SDCLI_NOW": when})  # fmt: skip
        sdcli.json("classify", doc["id"], "--accept-suggestion", "--json", env={"SDCLI_NOW": when})
        return doc["id"]

    first = open_at("2026-12-01T09:00:00-03:00", "BR")  # level 2 due at 12:30 UTC: "09:30:00-03:00"
    second = open_at("2026-12-01T07:20:00-05:00", "PE")  # level 2 due at 12:50 UTC: "07:50:00-05:00"
    due = sdcli.json("shift", "--json", env={"SDCLI_NOW": "2026-12-01T12:55:00+00:00"})["escalation_due"]
    assert [d["id"] for d in due] == [first, second]
    assert [d["next_level_at"] for d in due] == ["2026-12-01T09:30:00-03:00", "2026-12-01T07:50:00-05:00"]


def test_calls_below_the_level_due_name_that_level_and_record_no_move(sdcli):
    """Severity 1 at 2h10: level 4 is correct. Three failed calls to the shift lead (level 2)
    used to say "then call level 3" and record "moved up to level 3" while level 4 was the
    one to call; now every such call names the level to call, and no move is recorded."""
    inc = open_incident(sdcli)
    for i, outcome in enumerate(("no-answer", "busy", "voicemail")):
        r = sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", outcome, env=at(130 + i))
        assert r.exit_code == 0, r.output
        assert "Level 4 (Service Operations Manager) is the level to call now" in r.stderr, r.stderr
        assert "Lucía Ferreyra" in r.stderr
        assert "level 3" not in r.stderr and "more before moving up" not in r.stderr
    doc = sdcli.json("show", inc, "--json")
    assert not any("moved_to_level" in e for e in doc["history"])
    st = sdcli.json("escalate", inc, "--json", env=at(140))
    assert (st["current_level"], st["active_level"]) == (4, 4)
    r = sdcli("escalate", inc, "--call", "Lucía", "--outcome", "no-answer", env=at(141))
    assert r.exit_code == 0, r.output
    assert "1 consecutive failed call(s) at level 4" in r.stderr  # a call at the level: as before


def test_a_contact_is_not_in_hours_on_a_public_holiday_of_their_country(sdcli, table):
    """Hours that are not 24x7 are not kept on a public holiday of the contact's country (the
    country of their zone), as the SLA's business hours are not: on Tuesday 8 Dec 2026 at 11:00
    (Inmaculada Concepción in Argentina, a working day in Mexico) Lucía Ferreyra in Buenos Aires
    was shown "in hours"; on Christmas every Mon-Fri contact was."""
    lucia, jorge = table.contact("Lucía Ferreyra"), table.contact("Jorge Ramírez")
    tuesday = datetime.fromisoformat("2026-12-08T11:00:00-03:00")  # 08:00 in Mexico City
    assert not lucia.available(tuesday) and jorge.available(tuesday)
    assert lucia.available(datetime.fromisoformat("2026-12-09T11:00:00-03:00"))  # the day after
    christmas = datetime.fromisoformat("2026-12-25T11:00:00-06:00")  # a Friday, everywhere a holiday
    assert [c.name for lv in table.levels for c in lv.contacts if c.available(christmas)] == [
        "Service Desk Latam", "Carla Mendes"]  # fmt: skip
    inc = open_incident(sdcli)
    env = {"SDCLI_NOW": christmas.isoformat()}
    st = sdcli.json("escalate", inc, "--json", env=env)
    shown = {c["name"]: c["available_now"] for lv in st["levels"] for c in lv["contacts"]}
    assert shown == {"Service Desk Latam": True, "Carla Mendes": True, "Jorge Ramírez": False,
                     "Lucía Ferreyra": False, "Martin Hale": False}  # fmt: skip
    r = sdcli("--lang", "es", "escalate", inc, env=env)
    assert r.exit_code == 0, r.output
    assert "hoy es feriado allí" in " ".join(r.stdout.split())


def test_a_contact_with_hours_but_no_zone_is_refused_not_read_in_utc(sdcli, home):
    """A desk's contact "Mon-Fri 08:00-18:00" without `tz` was read in UTC: a manager in Lima was
    "in hours" from 03:00 their time and out of hours from 13:00; the table is refused now, naming
    the contact. A 24x7 contact needs no zone to be in hours."""

    def add(d):
        d["level"][2]["contacts"].append(
            {
                "name": "Rosa Vera",
                "team": "operations",
                "phone": "+5114117000",
                "hours": "Lun-Vie 08:00-18:00",
            }
        )

    with pytest.raises(ConfigError, match="contact 'Rosa Vera': hours 'Lun-Vie 08:00-18:00' without a tz"):
        escalation_table.parse_table(table_with(add))
    inc = open_incident(sdcli)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "escalation.toml").write_text(
        '[[level]]\nname = "Desk"\ncontacts = [{name = "Rosa Vera", phone = "+5114117000", team = "service_desk",'
        ' hours = "Mon-Fri 08:00-18:00"}]\n'
    )
    (home / "escalation.toml").chmod(0o600)
    r = sdcli("--lang", "es", "escalate", inc, "--json")
    assert r.exit_code == 1 and "Rosa Vera" in err(r) and "sin tz" in err(r), r.output
    (home / "escalation.toml").write_text(
        '[[level]]\nname = "Desk"\ncontacts = [{name = "Rosa Vera", phone = "+5114117000", team = "service_desk"}]\n'
    )
    assert sdcli.json("escalate", inc, "--json")["levels"][0]["contacts"][0]["available_now"] is True


def test_a_person_the_table_lists_at_two_levels_is_called_at_the_level_due(sdcli, home):
    """Carla Mendes listed as shift lead (level 2) and as the manager (level 3): `--call "Carla Mendes"`
    was refused as naming two contacts, though her whole name was given, and no call of the level
    due could be recorded (nor so the three failed calls that move it on). The entry at the level
    being called is taken; at level 3 it is the manager's."""
    from pathlib import Path

    import sdcli as package

    packaged = (Path(package.__file__).parent / "data" / "escalation.toml").read_text(encoding="utf-8")
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "escalation.toml").write_text(packaged.replace("Jorge Ramírez", "Carla Mendes"), encoding="utf-8")
    (home / "escalation.toml").chmod(0o600)
    inc = open_incident(sdcli)
    r = sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "no-answer", "--no-input", env=at(40))
    assert r.exit_code == 0, r.output
    r = sdcli("escalate", inc, "--call", "carla mendes", "--outcome", "busy", "--no-input", env=at(70))
    assert r.exit_code == 0, r.output
    calls = sdcli.json("show", inc, "--json")["escalation_attempts"]
    assert [(c["contact"], c["level"]) for c in calls] == [("Carla Mendes", 2), ("Carla Mendes", 3)]
