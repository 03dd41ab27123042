"""A mail server may refuse one recipient (550: no such mailbox) and take the message for the
others. The refused one does not get it and nobody bounces it to the desk; sdcli recorded
"update sent to ana, rosa" / "reply sent to ana, rosa" and told the agent so: the desk believed
Rosa was told. Now what went where is said and recorded: sent to the others, not to her, why."""

from __future__ import annotations

import json

import pytest
from conftest import err
from mail_support import SmtpServer, write_mail_toml

NOW = {"SDCLI_NOW": "2026-03-02T14:05:00+00:00"}
OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--no-contingency", "--channel", "email",
        "--callback", "Ana Díaz <ana@acme.pe> +51 1 4117000", "--callback", "Rosa Quispe <rosa@acme.pe> +51 1 4117001"]  # fmt: skip


@pytest.fixture
def server(home):
    with SmtpServer() as srv:
        write_mail_toml(home, srv.port)
        srv.handler.refused = {"rosa@acme.pe"}
        yield srv


def test_an_update_refused_for_one_recipient_is_recorded_as_sent_to_the_others_only(sdcli, server):
    assert sdcli(*OPEN, env=NOW).exit_code == 0
    assert sdcli("classify", "INC1", "--severity", "2", "--reason", "caída", env=NOW).exit_code == 0
    r = sdcli("outbox", "send", env=NOW)
    assert r.exit_code == 0, r.output
    ((_, rcpt, _msg),) = server.handler.received
    assert rcpt == ["ana@acme.pe"]
    said = err(r)
    assert "sent to ana@acme.pe" in said and "sent to ana@acme.pe, rosa@acme.pe" not in said, said
    assert "not delivered to rosa@acme.pe: the mail server refused that recipient (550 5.1.1" in said, said
    (item,) = sdcli.json("outbox", "list", "--all", "--json")
    assert item["state"] == "sent" and item["delivered_to"] == ["ana@acme.pe"]
    assert list(item["refused"]) == ["rosa@acme.pe"]
    last = sdcli.json("show", "INC1", "--json")["history"][-1]
    assert (
        last["action"] == "update_sent"
        and last["to"] == ["ana@acme.pe"]
        and "rosa@acme.pe" in last["refused"]
    )
    shown = sdcli("show", "INC1").stdout
    assert "· not delivered to: rosa@acme.pe=550 5.1.1" in shown and "· to: ana@acme.pe\n" in shown, shown


def test_notify_says_who_did_not_get_the_update(sdcli, server):
    assert sdcli(*OPEN, env=NOW).exit_code == 0
    r = sdcli("classify", "INC1", "--severity", "2", "--reason", "caída", "--notify", env=NOW)
    assert r.exit_code == 0, r.output
    said = err(r)
    assert "update sent to ana@acme.pe" in said and "rosa@acme.pe, " not in said, said
    assert "INC1: not delivered to rosa@acme.pe" in said, said


def test_a_reply_refused_for_one_recipient_is_not_recorded_as_sent_to_it(sdcli, server):
    assert sdcli(*OPEN, env=NOW).exit_code == 0
    r = sdcli("ack", "INC1", "--reply", "--send", env=NOW)
    assert r.exit_code == 0, r.output
    said = err(r)
    assert "INC1: reply sent to ana@acme.pe; recorded." in said, said
    assert "INC1: not delivered to rosa@acme.pe: the mail server refused that recipient" in said, said
    note = sdcli.json("show", "INC1", "--json")["history"][-1]["note"]
    assert note.startswith("reply sent to ana@acme.pe (") and "not delivered to rosa@acme.pe (550" in note, (
        note
    )
    assert json.loads(sdcli("show", "INC1", "--json").stdout)["acked_at"]
