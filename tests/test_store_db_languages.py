"""`store copy` and `db` in a Spanish or Portuguese session: what they print comes from the
catalogue (it printed "copied 0 tickets and 1 customers…", "…is marked moved…", "name one other
store", "applied: …", "…: schema 9", "store:", "backend:" in English whatever the language).
On the test's backend; the migrations applied on PostgreSQL's own server."""

from __future__ import annotations

import re

import pytest
from conftest import BACKEND, err
from languages import NOT_WORDS, SHARED, SHARED_IN

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--json"]  # fmt: skip
#: the English each command printed before, word for word
OLD = {
    "copy": "copied 0 tickets and 1 customers to (next numbers: ); verified, sha256 "
    "is marked moved to and refuses writes from now on",
    "name_one": "name one other store: --to URL (from this one) or --from URL (into this one)",
    "same": "the source and the target are the same store",
    "merged": "the copied customer is of this directory (names are compared without case, accents or extra "
    "spaces): saved into, its spelling kept, the copied record's details in place of its own",
    "migrate": "applied: schema up to date (up to date)",
    "status": "store: backend: server: login: schema: schema_needed:",
    "not_pg": "is for a PostgreSQL store; is not one",
    "log": "(login )",
}
SAID = {
    "es": {"copy": "se copiaron 1 tickets y 1 clientes a", "moved": "queda marcado como trasladado a",
           "name_one": "indique otro almacén", "same": "son el mismo almacén", "status": "almacén: ",
           "merged": "el cliente copiado 'ACME' es 'acme' de este directorio", "schema": "esquema",
           "applied": "aplicada: tickets-history-customers-counters", "login": "(usuario "},
    "pt": {"copy": "foram copiados 1 tickets e 1 clientes para", "moved": "fica marcado como transferido para",
           "name_one": "indique outro armazenamento", "same": "são o mesmo armazenamento",
           "status": "armazenamento: ", "merged": "o cliente copiado 'ACME' é 'acme' deste diretório",
           "schema": "esquema", "applied": "aplicada: tickets-history-customers-counters", "login": "(usuário "},
}  # fmt: skip
LANGS = pytest.mark.parametrize("lang", ["es", "pt"])


def old_english(text: str, lang: str, *olds: str) -> list[str]:
    """The words of the old English texts (three letters or more, less those shared by the
    languages) that text still shows, commands, flags, addresses, ids and paths aside."""
    words = {w.lower() for old in olds for w in re.findall(r"[A-Za-z]+", old) if len(w) >= 3}
    words -= SHARED | SHARED_IN.get(lang, frozenset()) | {"sha", "postgresql"}
    shown = {w.lower() for w in re.findall(r"[^\W\d_]+", NOT_WORDS.sub(" ", text))}
    return sorted(words & shown)


@LANGS
def test_store_copy_speaks_the_sessions_language(sdcli, store, another_store, lang):
    said = SAID[lang]
    assert sdcli(*OPEN).exit_code == 0
    assert sdcli("customer", "add", "ACME", "--country", "PE").exit_code == 0
    other = another_store()
    assert sdcli("--store", other, "customer", "add", "acme", "--customer-lang", "es").exit_code == 0
    neither = sdcli("--lang", lang, "store", "copy")
    same = sdcli("--lang", lang, "store", "copy", "--to", store.url)
    assert neither.exit_code == 2 and said["name_one"] in err(neither), neither.output
    assert same.exit_code == 2 and said["same"] in err(same), same.output
    copied = sdcli("--lang", lang, "store", "copy", "--to", other, "--merge")
    assert copied.exit_code == 0, copied.output
    assert copied.stdout.startswith(said["copy"]) and said["moved"] in err(copied), copied.output
    assert said["merged"] in err(copied), err(copied)
    shown = (
        "\n".join([err(neither), err(same), copied.stdout, err(copied)])
        .replace(other, " ")
        .replace(store.url, " ")
    )
    assert old_english(shown, lang, *(OLD[k] for k in ("copy", "name_one", "same", "merged"))) == [], shown


@LANGS
def test_db_status_migrate_and_log_speak_the_sessions_language(sdcli, lang):
    said = SAID[lang]
    assert sdcli(*OPEN).exit_code == 0
    status = sdcli("--lang", lang, "db", "status")
    migrate = sdcli("--lang", lang, "db", "migrate")
    log = sdcli("--lang", lang, "db", "log", "INC1")
    assert status.exit_code == 0 and status.stdout.startswith(said["status"]), status.output
    assert migrate.exit_code == 0 and said["schema"] in migrate.stdout, migrate.output
    shown = [status.stdout, migrate.stdout]
    if BACKEND == "postgresql":
        assert log.exit_code == 0 and said["login"] in log.stdout, log.output
        shown.append(log.stdout)
    else:  # db log is for a PostgreSQL store
        assert log.exit_code == 2 and "PostgreSQL" in err(log), log.output
        shown.append(err(log))
    olds = [OLD[k] for k in ("migrate", "status", "not_pg", "log")]
    assert old_english("\n".join(shown), lang, *olds) == [], shown


@pytest.mark.postgres
@LANGS
def test_db_migrate_names_the_migrations_applied_in_the_sessions_language(sdcli, pg_server, lang):
    url = pg_server.fresh_schema(migrate=False)
    r = sdcli("--lang", lang, "--store", url, "db", "migrate")
    assert r.exit_code == 0 and r.stdout.startswith(SAID[lang]["applied"]), r.output
    assert old_english(r.stdout, lang, OLD["migrate"]) == [], r.stdout
    again = sdcli("--lang", lang, "--store", url, "db", "migrate").stdout
    assert old_english(again, lang, OLD["migrate"]) == [] and SAID[lang]["schema"] in again, again
