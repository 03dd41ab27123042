"""A person chosen by name (an escalation contact, the customer's acceptor, a sales person the table
must not hold) is compared without case or accents, as people type names ('Lucia' is Lucía), and
a name that picks two people is refused rather than recorded against one of them by chance."""

from __future__ import annotations

import pytest
from test_change import AM, to_awaiting
from test_escalation import at, open_incident, table_with

import sdcli.ui as ui
from sdcli import escalation_table
from sdcli.errors import InvalidValue


def add_contacts(*people: tuple[int, str, str]):
    def mutate(d):
        for level, name, phone in people:
            d["level"][level - 1]["contacts"].append(
                {"name": name, "team": "operations", "role": "Ops", "phone": phone, "hours": "24x7"}
            )

    return escalation_table.parse_table(table_with(mutate))


def test_an_escalation_contact_is_found_without_its_accents(sdcli):
    """`escalate --call "Lucia"` was refused as unknown while the table says Lucía Ferreyra, and
    `--call "Jorge Ramirez"` as well: an agent on a US keyboard could not record the call."""
    table = escalation_table.load_table()
    assert table.contact("lucia").name == "Lucía Ferreyra" and table.contact("LUCIA FERREYRA").level == 4
    inc = open_incident(sdcli)
    doc = sdcli.json("escalate", inc, "--call", "jorge ramirez", "--outcome", "busy", "--json", env=at(70))
    assert doc["attempts"][-1]["contact"] == "Jorge Ramírez", doc["attempts"]


def test_a_name_that_picks_two_escalation_contacts_is_refused(sdcli, monkeypatch):
    """'María' matched only 'Ana María Souza' (level 2) when 'Maria Paz' (level 3) was typed
    without its accent in the table, and two contacts of one name kept only the last: the call
    was recorded against another person, or another level, without a word."""
    table = add_contacts((2, "Ana María Souza", "+5511999990001"), (3, "Maria Paz", "+5511999990002"),
                         (2, "Carlos Silva", "+5511999990003"), (4, "Carlos Silva", "+5511999990004"))  # fmt: skip
    for typed in ("María", "maria", "Carlos Silva"):
        with pytest.raises(InvalidValue) as e:
            table.contact(typed)
        assert "names more than one contact of the escalation table" in str(e.value), typed
    assert "Ana María Souza (2), Maria Paz (3)" in str(
        pytest.raises(InvalidValue, table.contact, "maria").value
    )
    assert table.contact("maria paz").level == 3 and table.contact("Ana Maria").name == "Ana María Souza"
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    inc = open_incident(sdcli)
    r = sdcli("--lang", "es", "escalate", inc, "--call", "ar", "--outcome", "busy", env=at(40))
    assert r.exit_code == 1 and "nombra a más de un contacto" in r.stderr, r.output
    assert "Carla Mendes (2), Martin Hale (5)" in r.stderr


def test_an_account_manager_written_without_accents_is_still_refused_as_a_contact(sdcli):
    """The directory's account manager 'Jorge Ramirez' passed the table's sales check against its
    'Jorge Ramírez' (names compared by case only): a sales person stayed an escalation contact."""
    inc = open_incident(sdcli)
    sdcli.json(
        "customer", "add", "ACME", "--account-manager", "Jorge Ramirez <jr@acme.pe> +51 1 4117009", "--json"
    )
    r = sdcli("escalate", inc)
    assert r.exit_code == 1 and "contact 'Jorge Ramírez': is the account manager of ACME" in r.stderr, (
        r.output
    )


def test_the_account_manager_named_without_accents_cannot_accept_a_change(sdcli, monkeypatch):
    """With the account manager 'José Pérez' and a callback 'Jose Perez' at his own mailbox, `accept
    --by "Jose Perez"` was recorded as the customer's acceptance (the BT side was compared by case
    only); it is refused as BT's side now."""
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("SDCLI_NOW", "2026-12-01T10:00:00-05:00")
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", "José Pérez <jose@example.com> +51 1 4117000",
               "--country", "PE", "--json")  # fmt: skip
    cid = to_awaiting(sdcli, "--callback", "Jose Perez <jperez@gmail.com> +51 987 654 321")
    r = sdcli("change", "accept", cid, "--by", "Jose Perez")
    assert (
        r.exit_code == 1 and "is the account manager the request is routed to, not the customer" in r.stderr
    )


def test_a_name_that_picks_two_of_the_customers_contacts_is_refused(sdcli, monkeypatch):
    """Two contacts of the customer by one name: the acceptance was recorded from the first."""
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("SDCLI_NOW", "2026-12-01T10:00:00-05:00")
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", AM, "--country", "PE",
               "--contact", "Rosa Díaz <rosa.diaz@andino.pe> +51 1 4117004", "--json")  # fmt: skip
    cid = to_awaiting(sdcli, "--callback", "Rosa Diaz <rdiaz@andino.pe> +51 1 4117005")
    r = sdcli("--lang", "pt", "change", "accept", cid, "--by", "rosa diaz")
    assert r.exit_code == 1 and "nomeia mais de um contato do cliente" in r.stderr, r.output
    assert "rosa.diaz@andino.pe" in r.stderr and "rdiaz@andino.pe" in r.stderr
    doc = sdcli.json("change", "accept", cid, "--by", "rosa.diaz@andino.pe", "--json")
    assert doc["accepted_by"]["name"] == "Rosa Díaz" and doc["accepted_as"] == "customer_directory"
