"""Finding a ticket by what the caller has: search over the ticket's words, and every ID argument
resolving an external number or a customer reference through the store's index of references."""

from __future__ import annotations

import pytest
from conftest import DATA, err
from helpers import make_incident
from typer.core import TyperArgument

import sdcli.ui as ui
from sdcli import lookup

SNOW = DATA / "servicenow-incident-event-log-sample.csv"


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def _ids(rows: list[dict]) -> list[str]:
    return sorted((r["id"] for r in rows), key=lambda t: int(t[3:]))


def test_show_an_imported_servicenow_number_shows_that_ticket_never_the_numeric_parse(sdcli, store):
    r = sdcli("import", str(SNOW), "--preset", "servicenow", "--country", "BR", "--tz", "America/Sao_Paulo")
    assert r.exit_code == 0, r.output
    r = sdcli("show", "INC0000045", "--json")
    assert r.exit_code == 0, r.output
    import json

    doc = json.loads(r.stdout)
    assert doc["external_id"] == "INC0000045" and doc["id"] == "INC1"
    assert err(r).strip() == "INC0000045 is the external number of INC1."
    inc45 = sdcli.json("show", "INC45", "--json")  # the desk's own id: that ticket, nothing said
    assert inc45["id"] == "INC45" and inc45["external_id"] != "INC0000045"
    assert "INC0000045" in sdcli("show", "inc0000045").stdout  # any case; the human view too


def test_a_customer_reference_resolves_in_every_command_accents_and_case_aside(sdcli, store):
    make_incident(store, customer_reference="Pedido-Ção-77")
    make_incident(store)
    r = sdcli("note", "pedido-cao-77", "called back")
    assert r.exit_code == 0, r.output
    assert err(r).splitlines()[0] == "pedido-cao-77 is the customer's reference of INC1."
    assert [h.get("note") for h in store.get("INC1")["history"]][-1] == "called back"
    assert store.get("INC2")["history"][-1]["action"] == "opened"
    r = sdcli("--lang", "es", "show", "PEDIDO-CAO-77", "--json")
    assert r.exit_code == 0 and err(r).strip() == "PEDIDO-CAO-77 es la referencia del cliente de INC1."


def test_an_ambiguous_reference_is_refused_naming_the_candidates(sdcli, store):
    make_incident(store, customer_reference="CS-1")
    make_incident(store)
    make_incident(store, external_id="cs-1")
    r = sdcli("show", "CS-1")
    assert r.exit_code == 1 and r.stdout == ""
    assert err(r) == "Error: CS-1 names 2 tickets: INC1, INC3; give the ticket's id\n"
    r = sdcli("--lang", "pt", "escalate", "cs-1")
    assert r.exit_code == 1 and err(r).count("\n") == 1 and "INC1, INC3" in err(r) and "informe" in err(r)


def test_precedence_canonical_id_then_reference_then_the_id_read_leniently(sdcli, store):
    make_incident(store, customer_reference="INC2")  # INC1, a reference spelled like an id
    make_incident(store, customer_reference="INC9")  # INC2
    r = sdcli(
        "show", "INC2", "--json"
    )  # INC2 exists: the desk's id wins (as written by the desk: no index read)
    assert r.exit_code == 0 and '"id": "INC2"' in r.stdout and err(r) == ""
    r = sdcli("show", "inc2", "--json")  # written otherwise: INC1's reference is named
    assert r.exit_code == 0 and '"id": "INC2"' in r.stdout
    assert (
        err(r) == "inc2 is taken as INC2; INC1's customer reference matches it too: give INC1 for that one.\n"
    )
    r = sdcli("show", "INC9", "--json")  # no INC9: the reference
    assert r.exit_code == 0 and '"id": "INC2"' in r.stdout and "reference of INC2" in err(r)
    r = sdcli("show", "INC-0001", "--json")  # no reference: read as an id, and said so
    assert r.exit_code == 0 and '"id": "INC1"' in r.stdout and err(r).strip() == "INC-0001 is read as INC1."
    r = sdcli("show", "nothing-like-it")
    assert r.exit_code == 1
    assert err(r) == (
        "Error: nothing-like-it is not a ticket id (INC, SSR or CHG and a number, e.g. INC12) "
        "nor the external number or reference of one\n"
    )
    r = sdcli("show", "INC77")
    assert r.exit_code == 1 and "INC77" in err(r)


@pytest.mark.parametrize("typed", ["INC-2", "inc2", "INC 2", "Inc - 2"])
def test_the_desks_own_id_however_written_wins_over_another_tickets_external_number(sdcli, store, typed):
    make_incident(store, external_id="INC2")  # INC1: imported, its old system's number is INC2
    make_incident(store)  # INC2, the desk's own
    r = sdcli("show", typed, "--json")
    assert r.exit_code == 0 and '"id": "INC2"' in r.stdout, r.output
    assert err(r) == (
        f"{typed} is taken as INC2; INC1's external number matches it too: give INC1 for that one.\n"
    )
    r = sdcli("--lang", "es", "note", typed, "llamé")
    assert r.exit_code == 0 and "el número externo de INC1 también coincide: indique INC1" in err(r)
    assert store.get("INC2")["history"][-1]["note"] == "llamé" and len(store.get("INC1")["history"]) == 1
    r = sdcli("show", "INC1", "--json")  # the other, by its id: no notice (no ticket's reference is INC1)
    assert r.exit_code == 0 and '"id": "INC1"' in r.stdout and err(r) == ""


def test_an_id_written_with_a_space_or_dash_is_read_as_the_id_when_nothing_else_matches(sdcli, store):
    make_incident(store)
    for typed in ("INC 1", "inc-1"):
        r = sdcli("show", typed, "--json")
        assert r.exit_code == 0 and '"id": "INC1"' in r.stdout and err(r) == f"{typed} is read as INC1.\n"
    r = sdcli("show", "INC 7")
    assert r.exit_code == 1 and "INC7" in err(r), r.output


def test_resolution_reads_the_index_of_references_not_every_ticket(store):
    for n in range(5):
        make_incident(store, external_id=f"EXT-{n}")

    def scan(*a, **k):
        raise AssertionError("find_refs read every ticket")

    store.all_tickets = scan  # the instance only: the index must answer alone
    assert lookup.resolve(store, "ext-3") == lookup.Resolved("INC4", "external_id")
    assert lookup.resolve(store, "INC0000002") == lookup.Resolved("INC2", "id")


def test_every_id_argument_of_every_command_is_hooked_to_the_resolver():
    from sdcli.cli import every_command  # the lazy root, every command loaded

    found = []

    def walk(cmd, path: str) -> None:
        for p in cmd.params:
            if isinstance(p, TyperArgument) and p.metavar == "ID":
                found.append(path)
                assert p.name == "ticket_id" and p.callback is ui.ticket_argument, path
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(every_command(), "sdcli")
    assert {"sdcli show", "sdcli escalate", "sdcli note", "sdcli ssr schedule", "sdcli change accept"} <= set(
        found
    )


def test_kind_sub_commands_take_a_reference_too(sdcli, store):
    store.create("SSR", {"status": "received", "customer": "ACME", "site": "X", "external_id": "REQ-5"},
                 actor="t")  # fmt: skip
    r = sdcli("ssr", "show", "req-5", "--json")
    assert r.exit_code == 0 and '"id": "SSR1"' in r.stdout


# ---- search
def _seed(store) -> None:
    make_incident(store, customer="Telefónica Perú", description="enlace caído en el piso 3")
    make_incident(store, customer="ACME", callback_contacts=[
        {"name": "João Araújo", "email": "joao@acme.com.br", "phone": "+55 11 98765-4321"}])  # fmt: skip
    make_incident(store, customer="Banco Sur", external_id="SN-000777", status="closed")
    make_incident(store, customer="Otra", site="São Paulo Centro", customer_reference="OC-12")


def test_search_finds_by_every_field_a_caller_quotes_accents_and_case_aside(sdcli, store):
    _seed(store)

    def found(*words: str) -> list[str]:
        return _ids(sdcli.json("search", *words, "--json"))

    assert found("TELEFONICA") == ["INC1"]
    assert found("enlace caido") == ["INC1"]
    assert (
        found("joao araujo") == ["INC2"] == found("JOAO@ACME") == found("11987654321") == found("98765-4321")
    )
    assert found("sn-000777") == ["INC3"]  # finished tickets too
    assert found("sao paulo") == ["INC4"] == found("oc-12")
    assert found("nadie") == []
    assert _ids(sdcli.json("search", "sn-000777", "--open", "--json")) == []
    r = sdcli("search", "  ")
    assert r.exit_code == 2 and "give the words to search for" in err(r)


def test_a_search_of_several_words_finds_each_of_them_particles_aside(sdcli, store):
    """A caller says "Banco Nación" for "Banco de la Nación", names the site with the customer, or
    gives the contact with the number: "No tickets match" sent the agent to open a second incident."""
    make_incident(store, customer="Banco de la Nación", site="Agencia Peñalolén", callback_contacts=[
        {"name": "José Núñez", "email": "jose@bn.cl", "phone": "+56223456789"}])  # fmt: skip
    make_incident(store, customer="Banco del Sur", site="Loja do Açaí")
    make_incident(store, customer="Nación Seguros", site="Lima")

    def found(text: str) -> list[str]:
        return _ids(sdcli.json("search", text, "--json"))

    assert found("Banco Nación") == ["INC1"] == found("nacion banco de la") == found("peñalolen banco")
    assert found("banco de la nacion") == ["INC1"] == found("Núñez 2345-6789")
    assert found("loja açaí") == ["INC2"] == found("Banco Sur Açaí")
    assert found("banco nacion seguros") == [] and found("banco xyz") == []
    assert sorted(found("nacion")) == ["INC1", "INC3"]  # one word: as before


def test_a_search_lists_the_text_found_whole_first_and_each_word_at_a_words_start(sdcli, store):
    """ "Ana Díaz" listed "Díaz Hermanos" at "Santa Ana" and "Mariana Foods" at "Díaz Vélez" (newer)
    before the ticket whose contact IS Ana Díaz: the text found whole comes first now, and a word
    of a search is found at the start of a word ("Ana" is not in "Mariana")."""
    make_incident(store, customer="ACME", site="Lima", callback_contacts=[
        {"name": "Ana Díaz", "email": "ana@acme.pe", "phone": "+5114117000"}])  # fmt: skip
    make_incident(store, customer="Díaz Hermanos", site="Santa Ana")
    make_incident(store, customer="Mariana Foods", site="Díaz Vélez")
    assert _ids(sdcli.json("search", "Ana Díaz", "--json")) == ["INC1", "INC2"]
    assert _ids(sdcli.json("search", "Ana Díaz", "--limit", "1", "--json")) == ["INC1"]
    one_word = sorted(_ids(sdcli.json("search", "ana", "--json")))  # one word: found anywhere
    assert one_word == ["INC1", "INC2", "INC3"]


def test_a_number_in_its_national_form_finds_the_phone_stored_in_full(sdcli, store):
    """The caller reads the number as the intake took it ('(01) 411-7000' in Peru, trunk prefix
    and all); it is stored as +5114117000, and searching either form finds it, in the ticket's country."""
    make_incident(
        store,
        country="PE",
        callback_contacts=[{"name": "Ana", "email": "ana@acme.pe", "phone": "+5114117000"}],
    )
    make_incident(
        store, country="CL", callback_contacts=[{"name": "Rosa", "email": "r@m.cl", "phone": "+56224117000"}]
    )

    def found(text: str) -> list[str]:
        return _ids(sdcli.json("search", text, "--json"))

    assert found("(01) 411-7000") == ["INC1"] == found("01 4117000") == found("+51 1 411 7000")
    assert found("(044) 411-7000") == []  # another Peruvian area: not this number


def test_list_search_and_customer_filters_ignore_accents(sdcli, store):
    _seed(store)
    assert _ids(sdcli.json("list", "--customer", "telefonica", "--json")) == ["INC1"]
    assert _ids(sdcli.json("list", "--customer", "TELEFÓNICA", "--all", "--json")) == ["INC1"]
    assert _ids(sdcli.json("list", "--search", "araujo", "--json")) == ["INC2"]
    assert _ids(sdcli.json("list", "--search", "banco", "--json")) == []  # list: open ones unless --all
    assert _ids(sdcli.json("list", "--search", "banco", "--all", "--json")) == ["INC3"]
    r = sdcli("list", "--search", "telefonica")
    assert r.exit_code == 0 and "INC1" in r.stdout and "INC2" not in r.stdout


def test_search_text_is_never_read_as_markup(sdcli, store):
    make_incident(store, customer="[bold]ACME[/bold] \x1b[31m")
    r = sdcli("search", "[bold]")
    assert r.exit_code == 0 and "[bold]" in r.stdout and "\x1b[31m" not in r.stdout


@pytest.mark.postgres
def test_postgresql_migration_fills_the_folds_of_references_already_stored(pg_server, home):
    from sdcli.store import open_store
    from sdcli.store.postgres_query import COLUMNS as QUERY_COLUMNS

    url = pg_server.fresh_schema()
    store = open_store(url, home=home)
    make_incident(store, external_id="Ext-Ção-1")
    make_incident(store, customer_reference="REF-2")
    schema = url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # as a schema-2 store had them: no fold columns, no outbox
        c.execute(
            f"ALTER TABLE {schema}.tickets DROP COLUMN external_id_fold, DROP COLUMN customer_reference_fold,"
            " DROP COLUMN message_id, DROP COLUMN external_id_compact, DROP COLUMN customer_reference_compact"
        )
        c.execute(
            f"ALTER TABLE {schema}.tickets " + ", ".join(f"DROP COLUMN {col}" for col, _ in QUERY_COLUMNS)
        )
        c.execute(f"DROP TABLE {schema}.outbox")
        c.execute(f"DELETE FROM {schema}.counters WHERE prefix = 'OUT'")
        c.execute(f"DELETE FROM {schema}.migrations WHERE version >= 3")
    store.close()
    assert open_store(url, home=home).migrate() == [
        "reference-folds-indexed", "message-ids-outbox", "open-query-columns", "open-incomplete-column",
        "open-escalation-from-column", "open-active-level-columns", "reference-compacts-indexed",
    ]  # fmt: skip
    again = open_store(url, home=home)
    assert again.find_refs("ext-cao-1") == [("INC1", "external_id")]
    assert again.find_refs(" ref-2") == [("INC2", "customer_reference")]


def test_a_reference_quoted_without_its_dashes_or_with_spaces_is_found(sdcli, store):
    """A caller reads their ticket "CS-8812/2026" as "CS 8812" or "cs8812": search said no ticket
    matched (the agent then opened the incident again); letters and digits are compared without
    the marks between them now. Plain words and numbers keep their rules."""
    make_incident(store, customer="Minera Sur", customer_reference="CS-8812/2026")
    make_incident(store, customer="Banco Sur", external_id="SN-000777", status="closed")
    make_incident(store, customer="Otra", site="Av. Brasil 1500")

    def found(text: str) -> list[str]:
        return _ids(sdcli.json("search", text, "--json"))

    assert found("CS 8812") == ["INC1"] == found("cs8812") == found("CS-8812-2026") == found("cs.8812/2026")
    assert found("sn 000777") == ["INC2"] == found("SN000777")
    assert found("av brasil 1500") == ["INC3"]
    assert found("cs 8813") == [] and found("sn 0007778") == []
    assert _ids(sdcli.json("list", "--search", "cs8812", "--json")) == ["INC1"]


def test_an_id_argument_takes_a_reference_read_without_its_marks(sdcli, store):
    """A caller reading "SN 000777" or "SN000777" for SN-000777 (or "cs8812/2026" for
    CS-8812/2026) was refused by show, note, escalate...: every ID argument compares the
    references without the marks between their letters and digits too, by the index."""
    make_incident(store, customer="Minera Sur", customer_reference="CS-8812/2026")
    make_incident(store, customer="Banco Sur", external_id="SN-000777", status="closed")
    for typed in ("SN000777", "SN 000777", "sn.000777", " sn-000777 "):
        r = sdcli("show", typed, "--json")
        assert r.exit_code == 0 and '"id": "INC2"' in r.stdout, (typed, r.output)
        assert err(r).strip() == f"{typed.strip()} is the external number of INC2."
    r = sdcli("note", "cs8812/2026", "called back")
    assert r.exit_code == 0 and err(r).splitlines()[0] == "cs8812/2026 is the customer's reference of INC1."
    assert sdcli("show", "CS 8812 2026", "--json").exit_code == 0
    r = sdcli("show", "CS-8812")  # a part of the reference is not the reference
    assert r.exit_code == 1 and "nor the external number or reference of one" in err(r)


def test_references_alike_without_their_marks_are_an_ambiguity_never_one_of_them(sdcli, store):
    make_incident(store, customer_reference="CS-1")
    make_incident(store, external_id="CS 1")
    make_incident(store, customer_reference="cs1")
    make_incident(store, customer_reference="CS-2")
    for typed in ("CS1", "CS-1", "cs 1"):
        r = sdcli("show", typed)
        assert r.exit_code == 1 and r.stdout == ""
        assert err(r) == f"Error: {typed} names 3 tickets: INC1, INC2, INC3; give the ticket's id\n"
    assert sdcli.json("show", "cs2", "--json")["id"] == "INC4"


def test_a_reference_without_its_marks_is_read_from_the_index_not_every_ticket(store):
    for n in range(5):
        make_incident(store, external_id=f"EXT-{n}")

    def scan(*a, **k):
        raise AssertionError("find_refs read every ticket")

    store.all_tickets = scan
    assert lookup.resolve(store, "ext 3") == lookup.Resolved("INC4", "external_id")
    assert lookup.resolve(store, "EXT3") == lookup.Resolved("INC4", "external_id")


@pytest.mark.files_only("the embedded index's own file format")
def test_an_index_of_version_3_finds_a_reference_without_its_marks_until_rebuilt(store):
    import sqlite3

    make_incident(store, external_id="SN-000777")
    make_incident(store, customer_reference="CS-8812/2026")
    db = sqlite3.connect(store.index.path)  # as version 3 left it: no compact column
    db.execute("DROP INDEX refs_compact")
    db.execute("ALTER TABLE refs DROP COLUMN compact")
    db.execute("UPDATE info SET v = '3' WHERE k = 'version'")
    db.commit()
    db.close()
    assert store.index.stale()
    assert lookup.resolve(store, "sn 000777") == lookup.Resolved("INC1", "external_id")
    assert lookup.resolve(store, "cs-8812/2026") == lookup.Resolved("INC2", "customer_reference")
    make_incident(store, customer_reference="SN000777")  # the next write rebuilds it
    assert not store.index.stale()
    with pytest.raises(lookup.AmbiguousReference):
        lookup.resolve(store, "SN 000777")


@pytest.mark.postgres
def test_postgresql_migration_fills_the_compact_references_already_stored(pg_server, home):
    from sdcli.store import open_store

    url = pg_server.fresh_schema()
    store = open_store(url, home=home)
    make_incident(store, external_id="SN-000777")
    make_incident(store, customer_reference="CS-8812/2026")
    schema = url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # as a schema-8 store had them: no compact columns
        c.execute(f"ALTER TABLE {schema}.tickets DROP COLUMN external_id_compact, "
                  "DROP COLUMN customer_reference_compact")  # fmt: skip
        c.execute(f"DELETE FROM {schema}.migrations WHERE version >= 9")
    store.close()
    assert open_store(url, home=home).migrate() == ["reference-compacts-indexed"]
    again = open_store(url, home=home)
    assert again.find_refs("sn000777") == [("INC1", "external_id")]
    assert again.find_refs("CS 8812 2026") == [("INC2", "customer_reference")]
    make_incident(again, customer_reference="sn 000777")
    assert again.find_refs("SN-000777") == [("INC1", "external_id"), ("INC3", "customer_reference")]
