"""Replies and customer updates sent to a real SMTP server on loopback (aiosmtpd, started here),
checking what the server received: headers, text, language, threading; the ack recorded only
once the server took the reply; the outbox sending each update once, also with two senders."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import PY, err, subprocess_env
from mail_support import SmtpServer, free_port, questionnaire, text_of, write_mail_toml

NOW = {"SDCLI_NOW": "2026-03-02T14:05:00+00:00"}
ORIGINAL = "<q1@andinatel.com.pe>"


@pytest.fixture
def server(home):
    with SmtpServer() as srv:
        write_mail_toml(home, srv.port)
        yield srv


@pytest.fixture
def spanish(sdcli, tmp_path):
    """INC1, from a Spanish customer's questionnaire e-mail."""
    (tmp_path / "q.eml").write_bytes(questionnaire())
    (m,) = sdcli.json("inbox", str(tmp_path / "q.eml"), "--json", env=NOW)["messages"]
    assert m["id"] == "INC1" and m["lang"] == "es", m
    return "INC1"


def test_ack_reply_send_arrives_threaded_in_spanish_and_is_recorded_only_then(sdcli, server, spanish):
    assert "acked_at" not in sdcli.json("show", spanish, "--json")
    r = sdcli("ack", spanish, "--reply", "--send", env=NOW)
    assert r.exit_code == 0, r.output
    assert "INC1: reply sent to ana.diaz@andinatel.com.pe; recorded." in err(r)
    ((mail_from, rcpt, msg),) = server.handler.received
    assert mail_from == "mo.bud@example.com" and rcpt == ["ana.diaz@andinatel.com.pe"]
    assert msg["To"] == "ana.diaz@andinatel.com.pe" and msg["From"] == "BT Service Desk <mo.bud@example.com>"
    assert msg["Subject"] == "Re: Enlace caído en Lima [INC1]"
    assert msg["In-Reply-To"] == ORIGINAL and msg["References"] == ORIGINAL
    assert msg["Content-Language"] == "es" and msg["Auto-Submitted"] == "auto-replied"
    assert msg["Message-ID"].endswith("@desk.example.com>")
    body = text_of(msg)
    assert "quedó registrado con el número INC1" in body and "Dear customer" not in body
    html = msg.get_body(("html",)).get_content()
    assert 'lang="es"' in html and "INC1" in html
    doc = sdcli.json("show", spanish, "--json")
    assert doc["acked_at"] == "2026-03-02T09:05:00-05:00"  # 14:05 UTC, on the Lima site's clock
    assert doc["history"][-1]["note"] == f"reply sent to ana.diaz@andinatel.com.pe ({msg['Message-ID']})"
    r = sdcli("ack", spanish, "--reply", "--send", env=NOW)  # acknowledged already: nothing sent again
    assert r.exit_code == 1 and "already acknowledged" in err(r) and len(server.messages) == 1, r.output


def test_a_refused_or_unreachable_server_is_one_line_exit_1_and_no_ack(sdcli, server, spanish, home):
    server.handler.reply_rcpt = "550 5.1.1 <ana.diaz@andinatel.com.pe>: mailbox unavailable"
    r = sdcli("ack", spanish, "--reply", "--send", env=NOW)
    assert r.exit_code == 1, r.output
    assert err(r) == (f"Error: the mail server 127.0.0.1:{server.port} refused every recipient: "
                      "550 5.1.1 <ana.diaz@andinatel.com.pe>: mailbox unavailable\n")  # fmt: skip
    assert "acked_at" not in sdcli.json("show", spanish, "--json") and server.messages == []
    write_mail_toml(home, free_port())  # nothing listens there
    r = sdcli("ack", spanish, "--reply", "--send", env=NOW)
    assert r.exit_code == 1, r.output
    assert err(r).startswith("Error: cannot reach the mail server 127.0.0.1:") and err(r).count("\n") == 1
    doc = sdcli.json("show", spanish, "--json")
    assert "acked_at" not in doc  # each attempt claimed the reply, and released it saying why it did not go
    assert [h["action"] for h in doc["history"]] == ["opened", *["reply_sending", "reply_failed"] * 2]
    assert "cannot reach the mail server" in doc["history"][-1]["note"]


def test_a_reply_written_to_a_file_records_nothing_until_the_agent_says_so(sdcli, spanish, tmp_path, home):
    write_mail_toml(home, free_port())
    out = tmp_path / "reply.eml"
    r = sdcli("ack", spanish, "--reply", "-o", str(out), env=NOW)
    assert r.exit_code == 0, r.output
    assert f"once it is sent, record it with: sdcli ack {spanish}" in err(r)
    from email import policy
    from email.parser import BytesParser

    msg = BytesParser(policy=policy.default).parsebytes(out.read_bytes())
    assert msg["In-Reply-To"] == ORIGINAL and "quedó registrado con el número" in text_of(msg)
    assert "acked_at" not in sdcli.json("show", spanish, "--json")
    r = sdcli("ack", spanish, "--reply", env=NOW)  # to stdout
    assert r.exit_code == 0 and "Subject: Re: " in r.stdout and "In-Reply-To: " + ORIGINAL in r.stdout, (
        r.output
    )
    r = sdcli("ack", spanish, "-o", str(out))
    assert r.exit_code == 2 and err(r) == "Error: -o and --send go with --reply\n", r.output


def test_resolve_queues_one_spanish_update_sent_once_threaded_on_the_original(home, sdcli, server, spanish):
    r = sdcli("resolve", spanish, "--note", "Se reemplazó el módem", env=NOW)
    assert r.exit_code == 0, r.output
    (item,) = sdcli.json("outbox", "list", "--json")
    assert (item["ticket"], item["action"], item["state"], item["lang"]) == (
        spanish,
        "resolve",
        "queued",
        "es",
    )
    assert server.messages == []  # queued, not sent
    r = sdcli("outbox", "send", env=NOW)
    assert r.exit_code == 0, r.output
    (msg,) = server.messages
    assert msg["To"] == "ana.diaz@andinatel.com.pe" and msg["Subject"] == "Re: Enlace caído en Lima [INC1]"
    assert (
        msg["In-Reply-To"] == ORIGINAL and ORIGINAL in msg["References"] and msg["Content-Language"] == "es"
    )
    assert "Su incidente INC1 (Lima - Sede Central) fue resuelto: Se reemplazó el módem." in text_of(msg)
    doc = sdcli.json("show", spanish, "--json")
    sent = [h for h in doc["history"] if h["action"] == "update_sent"]
    assert len(sent) == 1 and sent[0]["message_id"] == msg["Message-ID"] and sent[0]["update"] == "resolve"
    r = sdcli("outbox", "send", env=NOW)
    assert r.exit_code == 0 and "nothing to send" in err(r) and len(server.messages) == 1, r.output
    env = subprocess_env(home, **NOW)
    runs = [subprocess.Popen([PY, "-m", "sdcli", "outbox", "send", "--json"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    for p in runs:
        out, errors = p.communicate(timeout=120)
        assert p.returncode == 0, errors
        assert json.loads(out)["items"] == []
    assert len(server.messages) == 1
    assert [i["state"] for i in sdcli.json("outbox", "list", "--all", "--json")] == ["sent"]


def test_two_senders_at_once_send_each_queued_update_exactly_once(home, sdcli, server, tmp_path):
    for i in range(6):
        (tmp_path / f"{i}.eml").write_bytes(questionnaire(mid=f"<race{i}@andinatel.com.pe>"))
    sdcli.json("inbox", *(str(tmp_path / f"{i}.eml") for i in range(6)), "--json", env=NOW)
    for i in range(1, 7):
        assert sdcli("resolve", f"INC{i}", "--note", "enlace restablecido", env=NOW).exit_code == 0
    env = subprocess_env(home, **NOW)
    runs = [subprocess.Popen([PY, "-m", "sdcli", "outbox", "send", "--json"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    sent_by = []
    for p in runs:
        out, errors = p.communicate(timeout=120)
        assert p.returncode == 0, errors
        sent_by.append([i["id"] for i in json.loads(out)["items"] if i["state"] == "sent"])
    assert sorted(sent_by[0] + sent_by[1]) == [1, 2, 3, 4, 5, 6]  # each by one sender only
    ids = [m["Message-ID"] for m in server.messages]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert sorted(m["In-Reply-To"] for m in server.messages) == sorted(
        f"<race{i}@andinatel.com.pe>" for i in range(6)
    )


def test_a_temporary_failure_is_retried_later_and_a_permanent_one_shows_in_shift(sdcli, server, spanish):
    assert sdcli("resolve", spanish, "--note", "módem cambiado", env=NOW).exit_code == 0
    server.handler.reply_rcpt = "451 4.3.0 try again later"
    r = sdcli("outbox", "send", env=NOW)
    assert r.exit_code == 0 and "451 4.3.0 try again later" in err(r), r.output
    (item,) = sdcli.json("outbox", "list", "--json")
    assert (
        item["state"] == "queued" and item["attempts"] == 1 and item["next_at"] == "2026-03-02T14:06:00+00:00"
    )
    server.handler.reply_rcpt = None
    r = sdcli("outbox", "send", env=NOW)  # not due yet: the backoff holds it
    assert r.exit_code == 0 and "nothing to send" in err(r) and server.messages == [], r.output
    r = sdcli("outbox", "send", env={"SDCLI_NOW": "2026-03-02T14:06:30+00:00"})
    assert r.exit_code == 0 and len(server.messages) == 1, r.output
    assert sdcli("reopen", spanish, "--note", "volvió a caer", env=NOW).exit_code == 0
    server.handler.reply_rcpt = "550 5.7.1 relaying denied"
    r = sdcli("outbox", "send", env=NOW)
    assert r.exit_code == 0, r.output
    failed = sdcli.json("outbox", "list", "--state", "failed", "--json")
    assert [(i["action"], i["attempts"]) for i in failed] == [("reopen", 1)]
    assert "550 5.7.1 relaying denied" in failed[0]["last_error"]
    shift = sdcli("shift", "--format", "table", env={**NOW, "COLUMNS": "160"}).stdout
    assert "Customer updates that failed (1)" in shift and "relaying denied" in shift, shift[-3000:]
    server.handler.reply_rcpt = None
    r = sdcli("outbox", "send", str(failed[0]["id"]), env=NOW)  # named: a failed one is tried again
    assert r.exit_code == 0 and len(server.messages) == 2, r.output
    assert "volvió a caer" in text_of(server.messages[1])


def test_an_unreachable_server_stops_the_run_one_line_exit_1_and_keeps_the_updates(sdcli, spanish, home):
    write_mail_toml(home, free_port())
    assert sdcli("resolve", spanish, "--note", "ok", env=NOW).exit_code == 0
    r = sdcli("outbox", "send", env=NOW)
    assert r.exit_code == 1, r.output
    assert err(r).splitlines()[-1].startswith("Error: cannot reach the mail server 127.0.0.1:")
    (item,) = sdcli.json("outbox", "list", "--json")
    assert item["state"] == "queued" and item["attempts"] == 1
    r = sdcli(
        "reopen", spanish, "--note", "sigue caído", "--notify", env=NOW
    )  # the change is saved all the same
    assert r.exit_code == 0 and "Warning: cannot reach the mail server" in err(r), r.output
    assert "stays in the outbox" in err(r) and sdcli.json("show", spanish, "--json")["status"] == "open"
    assert [i["action"] for i in sdcli.json("outbox", "list", "--json")] == ["resolve", "reopen"]


def test_notify_sends_at_once_and_the_directory_language_is_used_without_a_message(sdcli, server):
    r = sdcli("customer", "add", "Rede Sul", "--country", "BR", "--customer-lang", "pt")
    assert r.exit_code == 0, r.output
    r = sdcli("open", "--no-input", "--customer", "Rede Sul", "--site", "Porto Alegre", "--country", "BR", "--tz", "America/Sao_Paulo",
              "--problem", "link_down", "--callback", "Carla <carla@redesul.com.br> +55 51 3222 4400",
              "--service-type", "mpls", "--no-contingency", "--lang", "en", env=NOW)  # fmt: skip
    assert r.exit_code == 0, r.output
    r = sdcli("resolve", "INC1", "--note", "link restabelecido", "--notify", env=NOW)
    assert r.exit_code == 0, r.output
    (msg,) = server.messages
    assert msg["To"] == "carla@redesul.com.br" and msg["Content-Language"] == "pt"
    assert msg["In-Reply-To"] is None and msg["Subject"] == "Atualização do incidente INC1 [INC1]"
    assert "O seu incidente INC1 (Porto Alegre) foi resolvido: link restabelecido." in text_of(msg)
    assert [i["state"] for i in sdcli.json("outbox", "list", "--all", "--json")] == ["sent"]


def test_the_directory_language_is_the_customers_however_the_ticket_writes_its_name(sdcli, home, tmp_path):
    """The directory gave the ticket its country and zone for "Telecom Sao Paulo" (the directory
    compares names without accents or extra spaces), but its language was matched by case alone:
    the Brazilian customer's updates and acknowledgement went out in English."""
    r = sdcli(
        "customer", "add", "Telecom São Paulo", "--customer-lang", "pt", "--site", "Matriz=America/Sao_Paulo"
    )
    assert r.exit_code == 0, r.output
    doc = sdcli.json("open", "--no-input", "--customer", "telecom  sao paulo", "--site", "Matriz", "--problem",
                     "link_down", "--callback", "Ana <ana@tsp.com.br> +55 11 4004 0001", "--service-type", "mpls",
                     "--no-contingency", "--lang", "en", "--json", env=NOW)  # fmt: skip
    assert (doc["country"], doc["timezone"]) == ("BR", "America/Sao_Paulo")
    sdcli.json("classify", "INC1", "--severity", "3", "--reason", "lento", "--json", env=NOW)
    (item,) = sdcli.json("outbox", "list", "--json")
    assert item["lang"] == "pt" and "O seu incidente INC1 (Matriz)" in item["text"], item
    write_mail_toml(home, free_port())
    r = sdcli("ack", "INC1", "--reply", "-o", str(tmp_path / "ack.eml"), env=NOW)
    assert r.exit_code == 0, r.output
    assert "Content-Language: pt" in (tmp_path / "ack.eml").read_text()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback, a test password
def test_the_password_comes_from_the_environment_and_is_never_stored_in_a_file(
    sdcli, home, spanish, monkeypatch
):
    with SmtpServer(auth=("desk", "s3cret")) as srv:
        write_mail_toml(home, srv.port, smtp_user="desk", smtp_password_env="SDCLI_TEST_SMTP_PASSWORD")
        r = sdcli("ack", spanish, "--reply", "--send", env=NOW)
        assert r.exit_code == 1 and "SDCLI_TEST_SMTP_PASSWORD" in err(r) and "not set" in err(r), r.output
        monkeypatch.setenv("SDCLI_TEST_SMTP_PASSWORD", "wrong")
        r = sdcli("ack", spanish, "--reply", "--send", env=NOW)
        assert r.exit_code == 1 and "refused the login of desk" in err(r) and "wrong" not in err(r), r.output
        assert "acked_at" not in sdcli.json("show", spanish, "--json")
        monkeypatch.setenv("SDCLI_TEST_SMTP_PASSWORD", "s3cret")
        r = sdcli("ack", spanish, "--reply", "--send", env=NOW)
        assert r.exit_code == 0, r.output
        assert srv.logins[-1] == ("desk", "s3cret") and len(srv.messages) == 1
        write_mail_toml(home, srv.port, smtp_user="desk", smtp_password="s3cret")
        r = sdcli("outbox", "send", env=NOW)
        assert r.exit_code == 1 and "smtp_password: sdcli never reads a password from a file" in err(r), (
            r.output
        )
        assert "s3cret" not in r.output
        assert err(r).count("\n") == 1


def test_the_ssr_confirmation_is_sent_as_a_reply_and_recorded_then(sdcli, server, tmp_path):
    form = {"Solicitante": "Ana Díaz <ana.diaz@andinatel.com.pe> +51 1 411 7000", "Cliente": "Andina Telecom",
            "Sitio": "Lima", "País": "PE", "Categoría": "Respaldo de configuración", "Device": "rtr-lima-01",
            "Inicio": "12/03/2026 10:00", "Fin": "12/03/2026 11:00", "Descripción": "respaldo"}  # fmt: skip
    (tmp_path / "ssr.eml").write_bytes(
        questionnaire(form, mid="<ssr@andinatel.com.pe>", subject="SSR respaldo")
    )
    (m,) = sdcli.json("inbox", str(tmp_path / "ssr.eml"), "--json", env=NOW)["messages"]
    assert m["id"] == "SSR1", m
    r = sdcli("ssr", "ack", "SSR1", "--reply", "--send", env=NOW)
    assert r.exit_code == 0, r.output
    (msg,) = server.messages
    assert msg["Subject"] == "Re: SSR respaldo [SSR1]" and msg["In-Reply-To"] == "<ssr@andinatel.com.pe>"
    assert "Confirmamos la recepción de su Solicitud de Servicio Simple. Su identificador es SSR1" in text_of(
        msg
    )
    doc = sdcli.json("show", "SSR1", "--json")
    assert doc["confirmed_at"] == "2026-03-02T09:05:00-05:00", doc  # 14:05 UTC, on the site's clock
    assert doc["history"][-1]["note"] == f"reply sent to ana.diaz@andinatel.com.pe ({msg['Message-ID']})"


def test_each_change_the_customer_hears_of_queues_one_update_in_their_language(sdcli, spanish):
    steps = [
        ("classify", spanish, "--severity", "2", "--reason", "planta sin servicio"),
        *[("escalate", spanish, "--call", "Carla Mendes", "--outcome", "no-answer", "--no-input")] * 3,
        ("note", spanish, "llamé al sitio"),  # a note tells the customer nothing
        ("hold", spanish, "--reason", "esperando acceso al sitio"),
        ("resume", spanish),
        ("resolve", spanish, "--note", "módem cambiado"),
        ("close", spanish),
    ]
    for args in steps:
        r = sdcli(*args, env={"SDCLI_NOW": "2026-03-02T15:10:00+00:00"})  # 70 min in: level 2 is due
        assert r.exit_code == 0, (args, r.output)
    items = sdcli.json("outbox", "list", "--json")
    assert [i["action"] for i in items] == [
        "classify",
        "escalate",
        "escalate",
        "hold",
        "resume",
        "resolve",
        "close",
    ]
    assert all(i["lang"] == "es" and i["in_reply_to"] == ORIGINAL for i in items)
    texts = [i["text"] for i in items]
    assert "fue clasificado con severidad 2 (Alta)" in texts[0]
    assert "Plazo de recuperación: 2 mar 2026 17:00 Lima -05." in texts[0]  # the site's clock, in words
    assert "fue escalado al nivel 3 (Gerente del Service Desk)" in texts[2]
    # the site's access window: on hold, not waiting for the customer's answer
    assert "queda en espera: esperando acceso al sitio" in texts[3] and "de su respuesta" not in texts[3]
    assert (
        "Retomamos el trabajo" in texts[4] and "Plazo de recuperación: 2 mar 2026 17:00 Lima -05." in texts[4]
    )
    assert "fue cerrado" in texts[6]


def test_the_mail_settings_are_settings_of_the_config_file_and_no_password_is_one(sdcli, home):
    r = sdcli("config", "set", "smtp_password", "s3cret", "--desk")
    assert r.exit_code == 1 and "sdcli never stores a password" in err(r) and "s3cret" not in r.output, (
        r.output
    )
    r = sdcli("config", "set", "smtp_port", "99999", "--desk")
    assert r.exit_code == 1 and "smtp_port" in err(r) and "1 to 65535" in err(r), r.output
    r = sdcli("config", "set", "mail_from", "not an address", "--desk")
    assert r.exit_code == 1 and "mail_from" in err(r), r.output
    for key, value in (
        ("smtp_port", "2525"),
        ("smtp_security", "TLS"),
        ("mail_from", "Desk <desk@example.com>"),
    ):
        r = sdcli("config", "set", key, value, "--desk")
        assert r.exit_code == 0, r.output
    found = {row["key"]: row for row in sdcli.json("config", "list", "--json")}
    assert found["smtp_port"]["value"] == 2525 and found["smtp_security"]["value"] == "tls"
    assert found["mail_from"]["source"] == str(home / "config.toml")
    r = sdcli("config", "get", "smtp_host", env={"SDCLI_SMTP_HOST": "relay.example.com"})
    assert r.exit_code == 0 and r.stdout == "relay.example.com\n", r.output
