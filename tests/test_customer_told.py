"""What the customer and the agent are told is true: a hold waits on the customer only when its
reason says so (the customer's update, `show`'s SLA line), and a customer not in the directory
is written to in the language of their site's country."""

from __future__ import annotations

import pytest
from conftest import err

AT = {"SDCLI_NOW": "2026-03-02T15:10:00+00:00"}
CALLBACK = "Ana Díaz <ana.diaz@example.com> +51 1 4117000"


def _opened(sdcli, *extra: str) -> str:
    args = ("open", "--no-input", "--customer", "Andina", "--site", "Lima HQ", "--country", "PE",
            "--problem", "link_down", "--callback", CALLBACK, "--service-type", "mpls", "--json")  # fmt: skip
    doc = sdcli.json(*args, *extra, env=AT)
    r = sdcli("classify", doc["id"], "--severity", "2", "--reason", "planta sin servicio", env=AT)
    assert r.exit_code == 0, r.output
    return str(doc["id"])


def _last_update(sdcli) -> dict:
    return sdcli.json("outbox", "list", "--json")[-1]


@pytest.mark.parametrize(
    ("reason", "lang", "told", "not_told"),
    [
        ("awaiting-customer", "en", "is waiting for your answer. The recovery clock", ": awaiting-customer"),
        ("esperando respuesta del cliente", "es", "queda en espera de su respuesta.", "en espera: esperando"),
        ("esperando que el cliente confirme el acceso", "es", "de su respuesta: esperando que el cliente confirme",
         "en espera: esperando"),
        ("aguardando o cliente", "pt", "aguarda a sua resposta.", ": aguardando"),
        ("esperando al proveedor satelital", "es", "queda en espera: esperando al proveedor satelital",
         "de su respuesta"),
        ("awaiting-vendor", "en", "is on hold: awaiting-vendor", "waiting for your answer"),
        ("esperando acceso al sitio", "es", "queda en espera: esperando acceso al sitio", "de su respuesta"),
        ("aguardando janela de acesso ao site", "pt", "está em espera: aguardando janela", "a sua resposta"),
    ],
)  # fmt: skip
def test_a_holds_update_says_it_waits_for_the_customer_only_when_the_reason_says_so(
    sdcli, reason, lang, told, not_told
):
    inc = _opened(sdcli, "--lang", lang) if lang == "en" else _opened(sdcli)
    sdcli("customer", "add", "Andina", "--customer-lang", lang)
    r = sdcli("hold", inc, "--reason", reason, env=AT)
    assert r.exit_code == 0, r.output
    update = _last_update(sdcli)
    assert update["action"] == "hold" and update["lang"] == lang, update
    assert told in update["text"] and not_told not in update["text"], update["text"]


@pytest.mark.parametrize(
    ("reason", "lang", "shown", "not_shown"),
    [
        ("awaiting-customer", "en", "(waiting on the customer)", "on hold:"),
        ("esperando al cliente", "es", "(esperando al cliente)", "en espera:"),
        ("awaiting-vendor", "en", "(on hold: awaiting-vendor)", "waiting on the customer"),
        ("esperando al proveedor satelital", "es", "(en espera: esperando al proveedor satelital)",
         "esperando al cliente"),
        ("aguardando peças [bold]x[/bold]", "pt", "(em espera: aguardando peças [bold]x[/bold])", "aguardando o cliente"),
    ],
)  # fmt: skip
def test_shows_paused_line_names_the_customer_only_when_the_reason_does(
    sdcli, reason, lang, shown, not_shown
):
    inc = _opened(sdcli)
    assert sdcli("hold", inc, "--reason", reason, env=AT).exit_code == 0
    r = sdcli("--lang", lang, "show", inc, env=AT)
    assert r.exit_code == 0, r.output
    flat = " ".join(r.stdout.split())
    assert shown in flat and not_shown not in flat, r.stdout


def test_a_hold_after_the_deadline_names_the_customer_only_when_the_reason_does(sdcli):
    inc = _opened(sdcli)
    late = {"SDCLI_NOW": "2026-03-03T15:10:00+00:00"}  # a day in: the 8 h target ran out
    assert sdcli("hold", inc, "--reason", "awaiting-vendor", env=late).exit_code == 0
    r = sdcli("show", inc, env=late)
    flat = " ".join(r.stdout.split())
    assert (
        "breached" in flat and "(on hold: awaiting-vendor)" in flat and "waiting on the customer" not in flat
    )


@pytest.mark.parametrize(
    ("when", "classified", "stops"),
    [
        ("2026-03-02T16:10:00+00:00", True, True),  # an hour in: the 8 h deadline is ahead, and stops
        ("2026-03-03T15:10:00+00:00", True, False),  # a day in: it had run out, nothing stops it
        ("2026-03-02T16:10:00+00:00", False, False),  # not classified: there is no deadline yet
    ],
)
@pytest.mark.parametrize("reason", ["awaiting-vendor", "awaiting-customer"])
def test_a_hold_says_the_deadline_stops_only_when_one_is_ahead(sdcli, when, classified, stops, reason):
    """A hold told "The recovery clock is paused until then" of an incident not classified yet (no
    deadline) and of one whose deadline had already passed: neither is true."""
    if classified:
        inc = _opened(sdcli, "--lang", "en")
    else:
        inc = sdcli.json("open", "--no-input", "--customer", "Andina", "--site", "Lima HQ", "--country", "PE",
                         "--problem", "link_down", "--callback", CALLBACK, "--service-type", "mpls", "--lang", "en",
                         "--json", env=AT)["id"]  # fmt: skip
    sdcli("customer", "add", "Andina", "--customer-lang", "en")
    assert sdcli("hold", inc, "--reason", reason, env={"SDCLI_NOW": when}).exit_code == 0
    update = _last_update(sdcli)
    assert update["action"] == "hold"
    assert ("The recovery clock is paused" in update["text"]) is stops, update["text"]


# ---- the customer's language


@pytest.mark.parametrize(
    ("country", "tz", "lang", "words"),
    [
        ("BR", "America/Manaus", "pt", "foi classificado"),
        ("AR", "America/Argentina/Cordoba", "es", "fue clasificado"),
        ("MX", "America/Mexico_City", "es", "fue clasificado"),
        ("PT", "Europe/Lisbon", "pt", "foi classificado"),
        ("US", "America/New_York", "en", "was classified"),  # the desk's language (en here)
        ("GB", None, "en", "was classified"),
    ],
)
def test_a_phone_ticket_outside_the_directory_is_written_in_its_sites_countrys_language(
    sdcli, country, tz, lang, words
):
    args = ["open", "--no-input", "--customer", "Nova Rede", "--site", "Matriz", "--country", country,
            "--problem", "link_down", "--callback", CALLBACK, "--service-type", "mpls", "--json"]  # fmt: skip
    if tz:
        args += ["--tz", tz]
    inc = sdcli.json(*args, env=AT)["id"]
    assert sdcli("classify", inc, "--severity", "2", "--reason", "sin servicio", env=AT).exit_code == 0
    update = _last_update(sdcli)
    assert update["lang"] == lang and words in update["text"], update


def test_the_desks_language_is_kept_for_a_country_that_speaks_neither(sdcli, home):
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text('lang = "es"\n', encoding="utf-8")
    args = ["open", "--no-input", "--customer", "Nova Rede", "--site", "NY", "--country", "US", "--tz",
            "America/New_York", "--problem", "link_down", "--callback", CALLBACK,
            "--service-type", "mpls", "--json"]  # fmt: skip
    inc = sdcli.json(*args, env=AT)["id"]
    assert sdcli("classify", inc, "--severity", "2", "--reason", "sin servicio", env=AT).exit_code == 0
    assert _last_update(sdcli)["lang"] == "es"


def test_the_directorys_language_wins_over_the_country_and_the_message_over_both(sdcli):
    r = sdcli("customer", "add", "Nova Rede", "--customer-lang", "en")
    assert r.exit_code == 0, r.output
    args = ["open", "--no-input", "--customer", "nova rede", "--site", "Manaus", "--country", "BR", "--tz",
            "America/Manaus", "--problem", "link_down", "--callback", CALLBACK,
            "--service-type", "mpls", "--json"]  # fmt: skip
    inc = sdcli.json(*args, env=AT)["id"]
    assert sdcli("classify", inc, "--severity", "2", "--reason", "sin servicio", env=AT).exit_code == 0
    assert _last_update(sdcli)["lang"] == "en"


def test_an_imported_ticket_of_a_brazilian_site_is_written_to_in_portuguese(sdcli, tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text(
        '[{"customer": "Nova Rede", "site": "Manaus", "country": "BR", "timezone": "America/Manaus",'
        ' "problem": "link_down", "service_type": "mpls", "status": "open", "channel": "phone", "opened_at": "2026-03-02T14:00:00+00:00",'
        ' "callback_contacts": [{"name": "Ana", "email": "ana@example.com", "phone": "+55 92 3333 4444"}]}]',
        encoding="utf-8",
    )
    r = sdcli("import", str(rows), env=AT)
    assert r.exit_code == 0, r.output + err(r)
    assert sdcli("classify", "INC1", "--severity", "2", "--reason", "sin servicio", env=AT).exit_code == 0
    update = _last_update(sdcli)
    assert update["lang"] == "pt" and "foi classificado" in update["text"], update


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("es", "fue reabierto: volvió a caer. Plazo de recuperación: 2 mar 2026 22:10 Lima -05."),
        ("en", "was reopened: volvió a caer. Recovery due by 2 Mar 2026 22:10 Lima -05."),
        ("pt", "foi reaberto: volvió a caer. Prazo de recuperação: 2 mar 2026 22:10 Lima -05."),
    ],
)
def test_a_reopens_update_says_the_recovery_deadline_the_time_resolved_moved(sdcli, lang, told):
    """Classified with recovery by 18:10, resolved at 12:10 and reopened at 16:10: the deadline moved
    four hours (the time resolved does not count), but the reopen's update said only "reopened", so
    the customer kept 18:10 and took the incident for breached at 18:11."""
    sdcli("customer", "add", "Andina", "--customer-lang", lang)
    tid = _opened(sdcli)
    r = sdcli("resolve", tid, "--note", "cambio de ONT", env={"SDCLI_NOW": "2026-03-02T17:10:00+00:00"})
    assert r.exit_code == 0, r.output
    r = sdcli("reopen", tid, "--note", "volvió a caer", env={"SDCLI_NOW": "2026-03-02T21:10:00+00:00"})
    assert r.exit_code == 0, r.output
    assert sdcli.json("show", tid, "--json")["recovery_due"] == "2026-03-02T22:10:00-05:00"
    update = _last_update(sdcli)
    assert update["action"] == "reopen" and told in update["text"], update["text"]


def test_a_reopen_or_resume_after_the_deadline_ran_out_gives_no_deadline(sdcli):
    """Classified with recovery by 18:10 Lima, resolved after it at 20:00 and reopened at 21:00: the
    update told "Recovery due by 19:10" (the hour resolved added) at 21:00, after that time."""
    sdcli("customer", "add", "Andina", "--customer-lang", "en")
    tid = _opened(sdcli)
    assert (
        sdcli("resolve", tid, "--note", "ONT", env={"SDCLI_NOW": "2026-03-03T01:00:00+00:00"}).exit_code == 0
    )
    assert (
        sdcli("reopen", tid, "--note", "again", env={"SDCLI_NOW": "2026-03-03T02:00:00+00:00"}).exit_code == 0
    )
    update = _last_update(sdcli)
    assert update["action"] == "reopen" and "was reopened: again." in update["text"], update["text"]
    assert "Recovery due" not in update["text"], update["text"]
    assert (
        sdcli(
            "hold", tid, "--reason", "awaiting-vendor", env={"SDCLI_NOW": "2026-03-03T02:10:00+00:00"}
        ).exit_code
        == 0
    )
    assert sdcli("resume", tid, env={"SDCLI_NOW": "2026-03-03T02:20:00+00:00"}).exit_code == 0
    update = _last_update(sdcli)
    assert update["action"] == "resume" and "Recovery due" not in update["text"], update["text"]
