"""The acknowledgement tells the customer what is true: the time it gives is their report's (the
incident is opened as of then; it may be registered later), and it is in the customer's language,
by the one rule their updates go out in (mail.updates.customer_lang), whatever the agent's is."""

from __future__ import annotations

import pytest

from sdcli.mail import updates
from sdcli.store import open_store

LATER = {"SDCLI_NOW": "2026-12-03T10:30:00-05:00"}
BASE = ["open", "--no-input", "--customer", "Andina", "--site", "Arequipa", "--country", "PE", "--problem",
        "link_down", "--callback", "Carla Ruiz <carla@andina.pe> +51 54 221100", "--service-type", "mpls"]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said", "wrong"),
    [("es", "su reporte del 3 dic 2026 10:05 Lima -05 quedó registrado con el número INC1", "registramos"),
     ("en", "your report of 3 Dec 2026 10:05 Lima -05 is registered under number INC1", "we have registered"),
     ("pt", "o seu relato de 3 dez 2026 10:05 Lima -05 foi registrado com o número INC1", "registramos")],
)  # fmt: skip
def test_an_email_report_registered_later_is_told_as_the_reports_time(sdcli, lang, said, wrong):
    assert sdcli("customer", "add", "Andina", "--customer-lang", lang).exit_code == 0  # a Peruvian site
    r = sdcli(*BASE, "--channel", "email", "--received-at", "03/12/2026 10:05", env=LATER)
    assert r.exit_code == 0, r.output
    ack = r.stdout.splitlines()[1]
    assert said in ack and wrong not in ack and "10:30" not in ack, ack
    assert sdcli.json("show", "INC1", "--json")["opened_at"] == "2026-12-03T10:05:00-05:00"


def test_the_acknowledgement_is_in_the_customers_language_not_the_agents(sdcli, home):
    br = ["open", "--no-input", "--customer", "GPA", "--site", "Recife", "--country", "BR", "--tz", "America/Recife",
          "--problem", "link_down", "--callback", "João Silva <joao@gpa.com.br> (81) 99876-5432",
          "--service-type", "mpls"]  # fmt: skip
    r = sdcli("--lang", "es", *br, env=LATER)
    assert r.exit_code == 0, r.output
    (doc,) = open_store(home=home).all_tickets()
    assert updates.customer_lang(doc, home) == "pt"
    assert r.stdout.splitlines()[1].startswith(
        "Prezado cliente: o seu relato de 3 dez 2026 12:30 Recife -03"
    ), r.stdout
    assert sdcli("customer", "add", "Andina", "--customer-lang", "en").exit_code == 0
    r = sdcli("--lang", "es", *BASE, env=LATER)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].startswith("Dear customer: your report of 3 Dec 2026 10:30 Lima -05"), (
        r.stdout
    )


def test_a_desks_own_acknowledgement_naming_the_time_opened_still_renders(sdcli, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "messages-es.toml").write_text('[open]\nack = "Recibido {opened}: {id}"\n', encoding="utf-8")
    r = sdcli(*BASE, "--channel", "email", "--received-at", "03/12/2026 10:05", env=LATER)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1] == "Recibido 3 dic 2026 10:05 Lima -05: INC1", r.stdout
