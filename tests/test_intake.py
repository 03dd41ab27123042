"""`sdcli open`: the questionnaire through prompts (pipe input), flags, files and stdin."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from conftest import err
from hypothesis import given, settings
from hypothesis import strategies as st
from intake_keys import CTRL_C, KILL_LINE, SAVE, base_keys, line, rest_keys, run_open, select

import sdcli.ui as ui
from sdcli import validate
from sdcli.store import open_store

COMMON = {
    "customer": "ACME Perú",
    "site": "Lima HQ",
    "country": "PE",
    "description": "Sin servicio desde las 8",
    "callback_contacts": [{"name": "Ana Díaz", "email": "ana@acme.pe", "phone": "+5114117000"}],
    "local_contacts": [{"name": "Luis Soto", "email": "luis@acme.pe", "phone": "+51987654321"}],
    "opening_hours": "Mon-Fri 08:00-18:00",
    "customer_reference": "ACME-4411",
    "power_now": True,
    "power_outage": False,
    "equipment_connected": True,
    "equipment_rebooted": True,
    "status": "open",
    "channel": "phone",
    "timezone": "America/Lima",
    "kind": "incident",
    "opened_by": "tester",
}
QUESTION_KEYS = set(COMMON) | {"problem", "service_type", "has_contingency", "contingency_works", "raining",
                               "source_ip", "destination_ip", "source_number", "destination_number", "failed_calls"}  # fmt: skip


@pytest.fixture(autouse=True)
def tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)


def stored(home) -> list[dict]:
    return list(open_store(home=home).all_tickets())


def only(home) -> dict:
    docs = stored(home)
    assert len(docs) == 1, docs
    return docs[0]


def answers_of(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k in QUESTION_KEYS}


def test_link_down_with_working_contingency(home):
    r = run_open([*base_keys("link_down", "mpls", contingency=True, works=True), *rest_keys("mpls"), SAVE])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc == {
        **doc,
        **COMMON,
        "problem": "link_down",
        "service_type": "mpls",
        "has_contingency": True,
        "contingency_works": True,
    }
    assert doc["raining"] is False and "source_ip" not in doc
    assert r.stdout.splitlines()[-2] == doc["id"] == "INC1"
    assert "INC1" in r.stdout.splitlines()[-1]
    assert not (home / "drafts").exists() or not list((home / "drafts").iterdir())


def test_slowness_asks_for_ips(home):
    keys = [
        *base_keys("slow", "internet"),
        *rest_keys("internet"),
        line("10.0.0.1"),
        line("2001:db8::1"),
        SAVE,
    ]
    r = run_open(keys)
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc == {**doc, **COMMON, "problem": "slow", "service_type": "internet", "has_contingency": False,
                   "source_ip": "10.0.0.1", "destination_ip": "2001:db8::1"}  # fmt: skip
    assert "contingency_works" not in doc


def test_voice_with_failed_call_times_in_site_zone(home):
    keys = [*base_keys("voice", "mpls"), *rest_keys("mpls"), line("01 4117000"), line("+55 11 98765-4321"),
            line("2026-11-30 09:15"), line("30/11/2026 10:40 -03:00"), line(""), SAVE]  # fmt: skip
    r = run_open(keys)
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc["source_number"] == "+5114117000" and doc["destination_number"] == "+5511987654321"
    assert doc["failed_calls"] == ["2026-11-30T09:15:00-05:00", "2026-11-30T10:40:00-03:00"]


@pytest.mark.parametrize("service", ["mpls", "internet", "other"])
def test_rain_is_asked_for_every_service(home, service):
    """The source asks it of every incident (PRODUCT.md: a plain yes/no), not only of satellite."""
    r = run_open([*base_keys("link_down", service), *rest_keys(service, raining=True), SAVE])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc["raining"] is True and doc["service_type"] == service
    assert doc["equipment_connected"] is True and doc["equipment_rebooted"] is True


def test_satellite_asks_about_rain(home):
    r = run_open([*base_keys("degraded", "satellite"), *rest_keys("satellite", raining=True), SAVE])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc["raining"] is True and doc["service_type"] == "satellite" and doc["problem"] == "degraded"


def test_bad_answers_are_re_asked_not_thrown_out(home):
    keys = base_keys("link_down", "mpls")
    i = keys.index(line("ana@acme.pe"))
    keys[i] = line("ana@@acme") + KILL_LINE + line("ana@acme.pe")
    keys[i + 1] = line("12") + KILL_LINE + line("01 4117000")
    r = run_open([*keys, *rest_keys("mpls"), SAVE])
    assert r.exit_code == 0, r.output
    assert only(home)["callback_contacts"] == COMMON["callback_contacts"]


def test_review_changes_an_answer_before_saving(home):
    keys = [*base_keys("link_down", "mpls"), *rest_keys("mpls")]
    change_site = select(1) + select(1) + KILL_LINE + line("Callao DC")
    r = run_open([*keys, change_site, SAVE])
    assert r.exit_code == 0, r.output
    assert only(home)["site"] == "Callao DC"
    assert "Callao DC" in r.stdout  # shown in the second review


def test_review_change_that_opens_a_branch_asks_it(home):
    keys = [*base_keys("link_down", "mpls"), *rest_keys("mpls")]
    to_slow = select(1) + select(4) + select(1)  # change answer → problem (after the zone) → slow
    r = run_open([*keys, to_slow, line("10.1.1.1"), line("10.2.2.2"), SAVE])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert (doc["problem"], doc["source_ip"], doc["destination_ip"]) == ("slow", "10.1.1.1", "10.2.2.2")


def test_ctrl_c_keeps_a_draft_and_resume_finishes(home):
    keys = base_keys("link_down", "mpls")[:6] + [CTRL_C]
    r = run_open(keys)
    assert r.exit_code == 130
    assert "sdcli open --resume" in err(r)
    assert stored(home) == []
    drafts = list((home / "drafts").glob("*.json"))
    assert len(drafts) == 1 and oct(drafts[0].stat().st_mode & 0o777) == "0o600"
    saved = json.loads(drafts[0].read_text())["answers"]
    assert saved["customer"] == "ACME Perú" and saved["problem"] == "link_down"
    rest = base_keys("link_down", "mpls")[5:]  # the contact being typed is asked again
    r = run_open([*rest, *rest_keys("mpls"), SAVE], ["--resume"])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc == {**doc, **COMMON, "problem": "link_down"}
    assert list((home / "drafts").glob("*.json")) == []


def flag_args(problem="link_down") -> list[str]:
    return [
        "--customer", "ACME Perú", "--site", "Lima HQ", "--country", "PE", "--problem", problem,
        "--description", "Sin servicio desde las 8", "--callback", "Ana Díaz <ana@acme.pe> 01 4117000",
        "--local-contact", "Luis Soto <luis@acme.pe> +51 987 654 321", "--opening-hours", "Mon-Fri 08:00-18:00",
        "--customer-reference", "ACME-4411", "--service-type", "MPLS", "--contingency", "--contingency-works",
        "--power", "--no-power-outage", "--not-raining", "--equipment-connected", "--rebooted",
    ]  # fmt: skip


def test_flags_file_and_stdin_equal_the_interactive_walk(home, sdcli, tmp_path, monkeypatch):
    r = run_open([*base_keys("link_down", "mpls", contingency=True), *rest_keys("mpls"), SAVE])
    assert r.exit_code == 0, r.output
    walked = answers_of(only(home))
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    by_flags = sdcli.json("open", *flag_args(), "--json")
    assert answers_of(by_flags) == walked
    doc = {k: v for k, v in walked.items() if k not in ("status", "kind", "opened_by", "timezone", "channel")}
    path = tmp_path / "inc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    by_file = sdcli.json("open", "--from-file", str(path), "--json")
    by_stdin = sdcli.json("open", "--from-file", "-", "--json", input=json.dumps(doc))
    assert answers_of(by_file) == answers_of(by_stdin) == walked
    assert [d["id"] for d in stored(home)] == ["INC1", "INC2", "INC3", "INC4"]


def test_missing_required_named_at_once_nothing_written(home, sdcli, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    r = sdcli("open", "--problem", "link_down", "--callback", "Ana <ana@acme.pe> +51 1 4117000")
    assert r.exit_code == 1
    assert (
        err(r).strip()
        == "Error: missing required --customer, --site, --country, --service-type (no prompt without a terminal)"
    )
    assert not (home / "store").exists()


def test_no_input_never_prompts_even_on_a_tty(home, sdcli):
    r = sdcli("--no-input", "open", "--customer", "X")
    assert r.exit_code == 1 and "--site" in err(r) and "--problem" in err(r)
    r = sdcli("open", "--no-input", "--customer", "X", env={"SDCLI_NO_INPUT": ""})
    assert r.exit_code == 1 and "missing required" in err(r)
    r = sdcli("open", "--customer", "X", env={"SDCLI_NO_INPUT": "1"})
    assert r.exit_code == 1 and "missing required" in err(r)


BAD = [
    ("--callback", "Ana <ana@@acme> +51 1 4117000", "callback_contacts.email", "ana@@acme"),
    ("--callback", "Ana <ana@acme.pe> 123", "callback_contacts.phone", "123"),
    ("--source-ip", "10.0.0.300", "source_ip", "10.0.0.300"),
    ("--failed-call", "not a time", "failed_calls", "not a time"),
]


@pytest.mark.parametrize(("flag", "value", "field", "shown"), BAD)
def test_bad_values_named_by_field_and_value_in_flags(home, sdcli, monkeypatch, flag, value, field, shown):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    problem = "voice" if field == "failed_calls" else "slow"
    args = ["open", "--customer", "A", "--site", "B", "--country", "PE", "--problem", problem, "--service-type", "mpls",
            "--callback", "Ana <ana@acme.pe> 01 4117000", "--source-ip", "10.0.0.1", "--destination-ip", "10.0.0.2",
            "--source-number", "01 4117000", "--destination-number", "01 4117001", "--failed-call", "2026-11-30 10:00"]  # fmt: skip
    if flag == "--callback":
        args[args.index("--callback") + 1] = value
    else:
        args[args.index(flag) + 1] = value
    r = sdcli(*args)
    assert r.exit_code == 1, r.output
    assert f"{field}: {shown!r} is not valid" in err(r) and err(r).count("\n") == 1
    assert not (home / "store").exists()


@pytest.mark.parametrize(("flag", "value", "field", "shown"), BAD)
def test_bad_values_named_in_from_file(home, sdcli, tmp_path, monkeypatch, flag, value, field, shown):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    doc = {"customer": "A", "site": "B", "country": "PE", "problem": "voice" if field == "failed_calls" else "slow",
           "service_type": "mpls", "callback_contacts": [{"name": "Ana", "email": "ana@acme.pe", "phone": "01 4117000"}],
           "source_ip": "10.0.0.1", "destination_ip": "10.0.0.2", "source_number": "014117000",
           "destination_number": "014117001", "failed_calls": ["2026-11-30 10:00"]}  # fmt: skip
    if field.startswith("callback"):
        part = field.split(".")[1]
        doc["callback_contacts"][0][part] = shown
    else:
        doc[field] = [shown] if field == "failed_calls" else shown
    r = sdcli("open", "--from-file", "-", input=json.dumps(doc))
    assert r.exit_code == 1 and f"{field}: {shown!r} is not valid" in err(r)


GOOD = {"callback_contacts.email": "ana@acme.pe", "callback_contacts.phone": "01 4117000",
        "source_ip": "10.0.0.1", "failed_calls": "2026-11-30 10:00"}  # fmt: skip


@pytest.mark.parametrize(("flag", "value", "field", "shown"), BAD)
def test_bad_values_refused_by_the_prompt_validator(monkeypatch, flag, value, field, shown):
    """The validator the Walker itself puts on the question's line (not one rebuilt by the test)
    refuses the bad value with a reason and takes the good one."""
    import questionary

    from sdcli import intake, prompts
    from sdcli.prompts import Walker

    validators: list = []
    contact = ["Ana", GOOD["callback_contacts.email"], GOOD["callback_contacts.phone"]]
    replies = iter(contact if field.startswith("callback") else [GOOD[field]])

    class Asked:
        def unsafe_ask(self) -> str:
            return next(replies, "")

    def text(label, default="", validate=None, **extra):
        validators.append(validate)
        return Asked()

    monkeypatch.setattr(questionary, "text", text)
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: False)
    questions = intake.load_questionnaire()
    ctx = intake.make_context(None, country="PE")
    w = Walker(questions, ctx, "en", None, lambda a: None)
    q = next(x for x in questions if x.key == field.split(".")[0])
    w.ask(q, {"problem": "voice", "country": "PE"})
    check = validators[{"callback_contacts.email": 1, "callback_contacts.phone": 2}.get(field, 0)]
    reason = check(shown)
    assert isinstance(reason, str) and reason.startswith("not "), reason
    assert check(GOOD[field]) is True


def test_unknown_flag_is_usage_error(sdcli):
    r = sdcli("open", "--no-input", "--colour", "red")
    assert r.exit_code == 2 and "no such option --colour" in err(r)


def test_email_report_has_ack_deadline_and_unacked_list(home, sdcli, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    base = ["open", "--customer", "A", "--site", "B", "--country", "BR", "--tz", "America/Sao_Paulo", "--problem", "other",
            "--description", "sin enlace", "--service-type", "internet", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321", "--json"]  # fmt: skip
    first = sdcli.json(*base, "--channel", "email", "--received-at", "2026-12-01T09:00:00-03:00")
    assert (
        first["ack_due"] == "2026-12-01T09:15:00-03:00" and first["opened_at"] == "2026-12-01T09:00:00-03:00"
    )
    second = sdcli.json(*base, "--channel", "email", "--received-at", "2026-12-01T08:50:00-03:00")
    sdcli.json(*base)  # phone: no acknowledgement owed
    assert "ack_due" not in stored(home)[2]
    assert [d["id"] for d in sdcli.json("list", "--unacked", "--json")] == [second["id"], first["id"]]
    acked = sdcli.json("ack", second["id"], "--json")
    assert acked["acked_at"] and acked["history"][-1]["action"] == "ack"
    assert [d["id"] for d in sdcli.json("list", "--unacked", "--json")] == [first["id"]]
    r = sdcli("ack", second["id"])
    assert r.exit_code == 1 and "already acknowledged" in err(r)


def test_open_prints_id_and_ack_text_in_the_customers_language(home, sdcli, monkeypatch):
    """The acknowledgement is the customer's text: a Peruvian site's is Spanish whatever the
    agent's session (test_ack_text.py: the customer's language by the updates' rule)."""
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    for lang in ("es", "en", "pt"):
        r = sdcli("open", *flag_args(), "--lang", lang)
        assert r.exit_code == 0, r.output
        first, ack = r.stdout.splitlines()[:2]
        assert first.startswith("INC") and ack.startswith("Estimado cliente") and first in ack
    r = sdcli("open", *flag_args(), env={"SDCLI_LANG": "pt"})
    assert "Estimado" in r.stdout and "Prezado" not in r.stdout
    r = sdcli("open", *flag_args(), "--lang", "fr")
    assert r.exit_code == 1 and "es, en or pt" in err(r)


def test_the_acknowledgement_says_when_in_the_sites_words_not_an_abbreviation(home, sdcli, monkeypatch):
    """The customer's acknowledgement said "(2026-12-03 06:22 CST)" for a site in Mexico City (CST is
    also China's and Cuba's), where every other customer text says "3 dic 2026 06:22 Ciudad de
    México -06"; one form for both, and never the agent's clock ("· 12:22 su hora") to a customer."""
    from sdcli.intake import ack_text

    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    args = [a if a != "PE" else "MX" for a in flag_args()]
    args = [*args[:args.index("--callback")], "--tz", "America/Mexico_City", "--callback", "Ana Díaz <ana@acme.mx> 55 1234 5678",
            "--local-contact", "Luis Soto <luis@acme.mx> 55 8765 4321", *args[args.index("--opening-hours"):]]  # fmt: skip
    r = sdcli(
        "open", *args, "--lang", "es", env={"SDCLI_NOW": "2026-12-03T06:22:00-06:00", "SDCLI_TZ": "UTC"}
    )
    assert r.exit_code == 0, r.output
    ack = r.stdout.splitlines()[1]
    assert "del 3 dic 2026 06:22 Ciudad de México -06 quedó" in ack and "CST" not in ack, ack
    no_zone = {
        "id": "INC9",
        "opened_at": "2026-12-03T07:22:00-05:00",
    }  # a ticket of an old version, no site zone
    assert "of 3 Dec 2026 07:22 -05 is" in ack_text(no_zone, "en") and "your time" not in ack_text(
        no_zone, "en"
    )


def test_received_at_relative_and_ack_due(home, sdcli, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    doc = sdcli.json("open", *flag_args(), "--channel", "email", "--received-at", "10m", "--json")
    opened = datetime.fromisoformat(doc["opened_at"])
    assert datetime.fromisoformat(doc["ack_due"]) - opened == timedelta(minutes=15)


def test_received_at_without_a_zone_is_site_time(home, sdcli, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    doc = sdcli.json(
        "open", *flag_args(), "--channel", "email", "--received-at", "2026-12-01 09:00", "--json"
    )
    assert doc["received_at"] == "2026-12-01T09:00:00-05:00" and doc["ack_due"] == "2026-12-01T09:15:00-05:00"


LABEL = st.from_regex(r"[A-Za-z0-9-]{1,64}", fullmatch=True)
ADDRESS = st.one_of(
    st.builds(
        lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
        st.from_regex(r"[A-Za-z0-9_%+.-]{1,70}", fullmatch=True),
        st.lists(st.one_of(LABEL, st.sampled_from(["xn--bcher-kva", "ab--cd", "localhost", "test", "Example"])),
                 min_size=1, max_size=4),
        st.one_of(st.from_regex(r"[A-Za-z0-9]{1,64}", fullmatch=True), st.sampled_from(["com", "TEST", "onion"])),
    ),
    st.text(alphabet="aZ09._%+-@x", max_size=30),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(value=ADDRESS)
def test_the_fast_email_path_agrees_with_email_validator(value):
    from email_validator import EmailNotValidError, validate_email

    fast = validate.plain_email(value)
    if fast is None:
        return
    try:
        slow = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise AssertionError(f"{value!r}: the fast path accepts what email-validator refuses: {e}") from None
    assert fast == slow


def test_the_fast_email_paths_special_use_domains_are_email_validators():
    from email_validator import SPECIAL_USE_DOMAIN_NAMES
    from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

    assert sorted(validate.SPECIAL_USE_DOMAINS) == sorted(SPECIAL_USE_DOMAIN_NAMES)
    assert validate.CASE_INSENSITIVE_MAILBOXES == set(CASE_INSENSITIVE_MAILBOX_NAMES)
    assert (
        validate.plain_email("NOC@Acme.PE") == "noc@acme.pe"
        and validate.plain_email("Ana@acme.pe") == "Ana@acme.pe"
    )
    for d in validate.SPECIAL_USE_DOMAINS:
        assert validate.plain_email(f"ana@sede.{d}") is None and validate.plain_email(f"ana@{d}") is None


def test_a_plain_address_is_checked_without_importing_email_validator():
    import subprocess
    import sys

    code = ("import sys; from sdcli import validate; assert validate.email('e', 'Ana@Cliente.PE') == 'Ana@cliente.pe';"
            "print('email_validator' in sys.modules)")  # fmt: skip
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        == "False\n"
    )


def test_the_fast_email_path_takes_plain_addresses_and_leaves_the_rest():
    assert validate.plain_email("Ana.B+x@Example.COM") == "Ana.B+x@example.com"
    for other in ("a@xn--bcher-kva.de", "a@b.c1", "x@host.test", "a..b@c.com", "ana@cliente", "a@-b.com"):
        assert validate.plain_email(other) is None, other


def test_yes_no_answers_in_the_agents_language(home):
    keys = [*base_keys("link_down", "mpls"), *rest_keys("mpls"), SAVE]
    sim = ["s" if k == "y" else k for k in keys]  # Portuguese: sim / não
    r = run_open(sim, ["--lang", "pt"])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc["power_now"] is True and doc["power_outage"] is False and doc["equipment_rebooted"] is True


def test_s_is_not_yes_in_english(home):
    keys = [*base_keys("link_down", "mpls"), *rest_keys("mpls"), SAVE]
    power_now = len(base_keys("link_down", "mpls"))
    assert keys[power_now] == "y"
    keys[power_now] = "s" + "y"  # the s types nothing; y answers
    r = run_open(keys, ["--lang", "en"])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc["power_now"] is True and doc["power_outage"] is False


def test_a_contact_given_before_ctrl_c_is_kept_for_resume(home):
    keys = base_keys("link_down", "mpls")
    assert keys[5:8] == [line("Ana Díaz"), line("ana@acme.pe"), line("01 4117000")]  # the first contact
    r = run_open([*keys[:8], CTRL_C])  # interrupted at "Add another contact?"
    assert r.exit_code == 130
    [draft] = (home / "drafts").glob("*.json")
    pending = json.loads(draft.read_text())["pending"]
    assert pending == {
        "callback_contacts": [{"name": "Ana Díaz", "email": "ana@acme.pe", "phone": "+5114117000"}]
    }
    r = run_open([*keys[8:], *rest_keys("mpls"), SAVE], ["--resume"])  # first "Add another contact?": no
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert doc["callback_contacts"] == pending["callback_contacts"]
    assert doc == {**doc, **COMMON, "problem": "link_down"}
    assert list((home / "drafts").glob("*.json")) == []


def test_a_received_at_in_words_is_read_against_when_the_intake_began(home, sdcli, monkeypatch):
    """`--received-at "hace 10 minutos"` at 10:00 is 09:50: read again when the incident was saved
    (the call's end) or resumed two hours later it became 11:50, with its acknowledgement due at
    12:05 though it was due at 10:05; `ayer 09:40` resumed the next day moved a day."""
    monkeypatch.setenv("SDCLI_NOW", "2026-12-02T10:00:00-05:00")
    keys = base_keys("link_down", "mpls")
    r = run_open([*keys[:5], CTRL_C], ["--received-at", "hace 10 minutos", "--channel", "email"])
    assert r.exit_code == 130, r.output
    monkeypatch.setenv("SDCLI_NOW", "2026-12-02T12:00:00-05:00")
    r = run_open([*keys[5:], *rest_keys("mpls"), SAVE], ["--resume"])
    assert r.exit_code == 0, r.output
    doc = only(home)
    assert (doc["received_at"], doc["ack_due"]) == ("2026-12-02T09:50:00-05:00", "2026-12-02T10:05:00-05:00")
    assert doc["opened_at"] == "2026-12-02T09:50:00-05:00"
    monkeypatch.setenv("SDCLI_NOW", "2026-12-02T10:00:00-05:00")
    r = run_open([*keys[:5], CTRL_C], ["--received-at", "ayer 09:40", "--channel", "email"])
    assert r.exit_code == 130, r.output
    monkeypatch.setenv("SDCLI_NOW", "2026-12-03T08:00:00-05:00")
    flags = ["--callback", "Ana Díaz <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency",
             "--power", "--no-power-outage", "--equipment-connected", "--rebooted"]  # fmt: skip
    late = sdcli.json("open", "--resume", "--no-input", *flags, "--json")
    assert late["received_at"] == "2026-12-01T09:40:00-05:00", late
    monkeypatch.setenv("SDCLI_NOW", "2026-12-03T08:00:00-05:00")  # a received-at given now: read now
    r = run_open([*keys[:5], CTRL_C], ["--channel", "email"])
    assert r.exit_code == 130, r.output
    now = sdcli.json("open", "--resume", "--no-input", *flags, "--received-at", "hace 5 minutos", "--json")
    assert now["received_at"] == "2026-12-03T07:55:00-05:00", now


def test_a_desks_condition_changes_open_from_file_and_import_alike(home, sdcli, tmp_path, monkeypatch):
    """One walk of the questionnaire: a desk's questionnaire.toml asks the source IP on link_down
    instead of on slow; open (flags), open --from-file and import accept and refuse alike."""
    from importlib import resources

    packaged = resources.files("sdcli.data").joinpath("questionnaire.toml").read_text(encoding="utf-8")
    assert packaged.count('when = { problem = ["slow", "packet_loss"] }') == 2
    home.mkdir(mode=0o700, exist_ok=True)
    desk = home / "questionnaire.toml"
    desk.write_text(packaged.replace('when = { problem = ["slow", "packet_loss"] }', 'when = { problem = ["link_down"] }'),
                    encoding="utf-8")  # fmt: skip
    desk.chmod(0o600)
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    base = {"customer": "ACME", "site": "Lima", "country": "PE", "callback_contacts": "Ana <ana@acme.pe> +51 1 4117000",
            "service_type": "mpls"}  # fmt: skip
    outcomes = {}
    for problem in ("link_down", "slow"):
        doc = {**base, "problem": problem}
        flags = [
            a
            for k, v in doc.items()
            for a in (f"--{'callback' if k == 'callback_contacts' else k.replace('_', '-')}", v)
        ]
        by_flags = sdcli("open", "--no-input", *flags)
        path = tmp_path / f"{problem}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        by_file = sdcli("open", "--from-file", str(path))
        table = tmp_path / f"{problem}.csv"
        table.write_text(
            ",".join(doc) + "\n" + ",".join(f'"{v}"' for v in doc.values()) + "\n", encoding="utf-8"
        )
        by_import = sdcli("import", str(table), "--json")
        outcomes[problem] = (by_flags.exit_code, by_file.exit_code, by_import.exit_code)
        if problem == "link_down":
            assert "--source-ip" in err(by_flags) and "--source-ip" in err(by_file), err(by_flags)
            assert "source_ip" in by_import.stdout
    assert outcomes == {"link_down": (1, 1, 1), "slow": (0, 0, 0)}
    assert [d["problem"] for d in stored(home)] == ["slow", "slow", "slow"]
