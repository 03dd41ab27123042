"""The PostgreSQL store's refusals an agent meets (the server is down, the schema is missing or
older, the login lacks the privileges, the store URL is wrong, the store is reached in plain text)
are told in the session's language; the server's and the driver's own words are shown as they
are. English stays as it was (test_postgres quotes it)."""

from __future__ import annotations

import pytest
from conftest import err
from languages import english_in

from sdcli.i18n import render
from sdcli.store import open_store
from sdcli.store.postgres_conn import parse

SAID = {
    "es": {"error": "Error: ", "connect": "no se puede conectar con el almacén {store}: ",
           "no_schema": "el almacén {store} no tiene el esquema de sdcli: créelo con: sdcli db migrate",
           "older": "el almacén {store} tiene el esquema 1; este sdcli necesita el 9: ejecute: sdcli db migrate",
           "may_not": "el usuario {login} no puede usar el esquema {schema}: ejecute, como dueño del esquema: "
                      "sdcli db grant {login}",
           "refused": "el almacén {store} se negó: ", "ask": " (pida al administrador de la base de datos de la "
                      "mesa: sdcli db grant); no se leyó nada",
           "backend": "no hay un motor de almacén para nosuch:// (conocidos: ",
           "plain": "el almacén postgresql://sdcli@db.example.com/desk está en otra máquina (db.example.com) y se "
                    "llega a él en texto plano: "},
    "pt": {"error": "Erro: ", "connect": "não é possível conectar ao armazenamento {store}: ",
           "no_schema": "o armazenamento {store} não tem o esquema do sdcli: crie-o com: sdcli db migrate",
           "older": "o armazenamento {store} tem o esquema 1; este sdcli precisa do 9: execute: sdcli db migrate",
           "may_not": "o usuário {login} não pode usar o esquema {schema}: execute, como dono do esquema: "
                      "sdcli db grant {login}",
           "refused": "o armazenamento {store} recusou: ", "ask": " (peça ao administrador do banco de dados da "
                      "mesa: sdcli db grant); nada foi lido",
           "backend": "não há mecanismo de armazenamento para nosuch:// (conhecidos: ",
           "plain": "o armazenamento postgresql://sdcli@db.example.com/desk está em outra máquina (db.example.com) "
                    "e é acessado em texto puro: "},
}  # fmt: skip
LANGS = pytest.mark.parametrize("lang", ["es", "pt"])


def refusal(r) -> str:
    """The one line of a refused command (its exit code 1, nothing on stdout)."""
    said = err(r)
    assert r.exit_code == 1 and said.count("\n") == 1 and not r.stdout, r.output
    return said.rstrip("\n")


@LANGS
def test_a_server_that_is_not_running_is_told_in_the_sessions_language(sdcli, lang):
    url = "postgresql://sdcli@127.0.0.1:1/desk"  # a closed loopback port: nothing listens
    said = refusal(sdcli("--lang", lang, "--store", url, "list"))
    head = SAID[lang]["error"] + SAID[lang]["connect"].format(store=url)
    assert said.startswith(head) and len(said) > len(head), said
    assert english_in(head, lang) == []  # the rest is libpq's own words, shown as they are


@pytest.mark.postgres
@LANGS
def test_a_missing_or_older_schema_is_told_in_the_sessions_language(sdcli, home, pg_server, lang):
    url = pg_server.fresh_schema(migrate=False)
    said = refusal(sdcli("--lang", lang, "--store", url, "list"))
    assert said == SAID[lang]["error"] + SAID[lang]["no_schema"].format(store=parse(url).shown)
    assert english_in(said, lang) == []

    old = pg_server.fresh_schema(migrate=False)
    open_store(old, home=home).migrate(upto=1)
    said = refusal(sdcli("--lang", lang, "--store", old, "note", "INC1", "x"))
    assert said == SAID[lang]["error"] + SAID[lang]["older"].format(store=parse(old).shown)
    assert english_in(said, lang) == []


@pytest.mark.postgres
@LANGS
def test_a_login_without_privileges_is_told_in_the_sessions_language(sdcli, pg_server, pg_url, lang):
    schema = pg_url.rpartition("schema=")[2]
    login = f"agent_{schema}"
    url = pg_url.replace("postgresql://postgres@", f"postgresql://{login}@")
    with pg_server.admin() as c:
        c.execute(f"CREATE ROLE {login} LOGIN")
    said = refusal(sdcli("--lang", lang, "--store", url, "list"))
    assert said == SAID[lang]["error"] + SAID[lang]["may_not"].format(login=login, schema=schema)
    assert english_in(said, lang) == []

    with pg_server.admin() as c:  # the schema, but none of its tables: the server's refusal, framed
        c.execute(f"GRANT USAGE ON SCHEMA {schema} TO {login}")
    said = refusal(sdcli("--lang", lang, "--store", url, "list"))
    head = SAID[lang]["error"] + SAID[lang]["refused"].format(store=parse(url).shown)
    assert said.startswith(head) and said.endswith(SAID[lang]["ask"]), said
    # the server's words in the session's language too (sdcli/foreign.py), the table's name as it is
    assert {"es": "permiso denegado para la tabla", "pt": "permissão negada para a tabela"}[lang] in said, (
        said
    )
    assert "permission denied" not in said and english_in(said.replace("migrations", ""), lang) == []


@LANGS
def test_a_store_url_without_a_backend_is_refused_in_the_sessions_language(sdcli, lang):
    said = refusal(sdcli("--lang", lang, "--store", "nosuch://x", "list"))
    assert said.startswith(SAID[lang]["error"] + SAID[lang]["backend"]) and "postgresql" in said, said
    assert english_in(said, lang) == []


@LANGS
def test_a_store_reached_in_plain_text_is_warned_of_in_the_sessions_language(home, lang):
    (warning,) = open_store("postgresql://sdcli@db.example.com/desk", home=home).warnings  # nothing connected
    shown = render(warning, lang)
    assert shown.startswith(SAID[lang]["plain"]) and shown.endswith("sslmode=require&tls_unverified=accept")
    assert english_in(shown.rpartition(";")[0], lang) == []  # before the URL's own parameters
