"""`ack --reply --send` (and `ssr ack --reply --send`) by agents at once: the reply is claimed in
the ticket's write before it is sent, so the customer gets one e-mail and one ack is recorded;
the others are refused before anything goes out. Real processes and a real SMTP server on
loopback (aiosmtpd) that holds the first message until the test lets it go: the window is
widened by the server, not by a clock. And --notify's claim, which takes what a change queued
only as `outbox send` would. Runs on the test backend (SDCLI_TEST_BACKEND)."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from datetime import datetime

import pytest
from conftest import PY, err, subprocess_env
from mail_support import Recorder, SmtpServer, questionnaire, write_mail_toml

NOW = "2026-03-02T14:05:00+00:00"
LATER = "2026-03-02T14:21:00+00:00"  # the claim at NOW went stale (replies.LEASE: 15 minutes)


class Holding(Recorder):
    """Holds the first DATA until `go` is set; `arrived` says it is held; `data` counts them all."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived, self.go = threading.Event(), threading.Event()
        self.data = 0

    async def handle_DATA(self, server, session, envelope):
        self.data += 1
        if self.data == 1:
            self.arrived.set()
            await asyncio.to_thread(self.go.wait, 120)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def held(home):
    srv = SmtpServer()
    srv.handler = Holding()
    from aiosmtpd.controller import Controller

    srv.controller = Controller(srv.handler, hostname="127.0.0.1", port=srv.port)
    with srv:
        write_mail_toml(home, srv.port)
        yield srv
        srv.handler.go.set()


def _run(home, *args: str, agent: str, now: str = NOW) -> subprocess.Popen:
    env = subprocess_env(home, SDCLI_NOW=now, SDCLI_AGENT=agent, SDCLI_LOCK_TIMEOUT="60")
    return subprocess.Popen([PY, "-m", "sdcli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def _done(p: subprocess.Popen) -> tuple[int, str]:
    _, errors = p.communicate(timeout=120)
    return p.returncode, err(errors)


def _while_held(held, home, first: list[str], then: list[list[str]]) -> tuple[tuple[int, str], list]:
    """`first` runs until its message is held by the server; each of `then` runs to its end
    meanwhile; then the first is let go. Their (exit code, stderr)."""
    a = _run(home, *first, agent="ana")
    assert held.handler.arrived.wait(120), _done(a)
    others = [_done(_run(home, *args, agent=f"agent{i}")) for i, args in enumerate(then)]
    held.handler.go.set()
    return _done(a), others


@pytest.fixture
def incident(sdcli, tmp_path):
    (tmp_path / "q.eml").write_bytes(questionnaire())
    (m,) = sdcli.json("inbox", str(tmp_path / "q.eml"), "--json", env={"SDCLI_NOW": NOW})["messages"]
    return m["id"]


def test_two_agents_acking_by_reply_at_once_send_one_email_and_record_one_ack(sdcli, held, home, incident):
    send = ["ack", incident, "--reply", "--send"]
    (code, said), others = _while_held(held, home, send, [send, send, ["ack", incident]])
    assert code == 0 and "reply sent to ana.diaz@andinatel.com.pe; recorded." in said, said
    for other, _ in others[:2]:
        assert other == 1
    assert others[0][1].startswith("Error: ana has been sending INC1's reply since 2 Mar 2026 09:05 Lima -05")
    assert others[0][1].endswith("; nothing was sent\n") and others[0][1].count("\n") == 1, others[0]
    assert others[2][1].startswith("Error: ana has been sending INC1's reply by e-mail since ") and (
        "nothing was recorded" in others[2][1]
    ), others[2]
    assert held.handler.data == 1 and len(held.messages) == 1  # the others never reached the server
    doc = sdcli.json("show", incident, "--json")
    assert [(h["action"], h["by"]) for h in doc["history"]] == [("opened", "tester"), ("reply_sending", "ana"),
                                                               ("ack", "ana")]  # fmt: skip
    assert datetime.fromisoformat(doc["acked_at"]) == datetime.fromisoformat(NOW)  # the same instant


def test_two_agents_confirming_an_ssr_by_reply_at_once_send_one_email(sdcli, held, home, tmp_path):
    form = {"Solicitante": "Ana Díaz <ana.diaz@andinatel.com.pe> +51 1 411 7000", "Cliente": "Andina Telecom",
            "Sitio": "Lima", "País": "PE", "Categoría": "Respaldo de configuración", "Device": "rtr-lima-01",
            "Inicio": "12/03/2026 10:00", "Fin": "12/03/2026 11:00", "Descripción": "respaldo"}  # fmt: skip
    (tmp_path / "ssr.eml").write_bytes(
        questionnaire(form, mid="<ssr@andinatel.com.pe>", subject="SSR respaldo")
    )
    (m,) = sdcli.json("inbox", str(tmp_path / "ssr.eml"), "--json", env={"SDCLI_NOW": NOW})["messages"]
    assert m["id"] == "SSR1", m
    send = ["ssr", "ack", "SSR1", "--reply", "--send"]
    (code, said), ((other, refused),) = _while_held(held, home, send, [send])
    assert code == 0 and other == 1 and "has been sending SSR1's reply since" in refused, (said, refused)
    assert held.handler.data == 1 and len(held.messages) == 1
    doc = sdcli.json("show", "SSR1", "--json")
    assert [h["action"] for h in doc["history"]][-2:] == ["reply_sending", "confirm"] and doc["confirmed_at"]


def test_a_refused_send_records_no_ack_releases_the_claim_and_says_why(sdcli, home, incident):
    with SmtpServer() as srv:
        write_mail_toml(home, srv.port)
        srv.handler.reply_rcpt = "550 5.1.1 mailbox unavailable"
        r = sdcli("ack", incident, "--reply", "--send", env={"SDCLI_NOW": NOW})
        assert r.exit_code == 1 and "refused every recipient" in err(r), r.output
        doc = sdcli.json("show", incident, "--json")
        assert "acked_at" not in doc
        assert [h["action"] for h in doc["history"]] == ["opened", "reply_sending", "reply_failed"]
        assert "550 5.1.1 mailbox unavailable" in doc["history"][-1]["note"]
        srv.handler.reply_rcpt = None  # the claim was released: the next send goes
        r = sdcli("ack", incident, "--reply", "--send", env={"SDCLI_NOW": NOW})
        assert r.exit_code == 0 and len(srv.messages) == 1, r.output
        acked = sdcli.json("show", incident, "--json")["acked_at"]
        assert acked == "2026-03-02T09:05:00-05:00"  # NOW, on the Lima site's clock


def test_a_sender_killed_midway_holds_the_claim_until_it_goes_stale(sdcli, held, home, incident):
    a = _run(home, "ack", incident, "--reply", "--send", agent="ana")
    assert held.handler.arrived.wait(120), _done(a)
    a.kill()
    a.communicate(timeout=120)
    code, said = _done(_run(home, "ack", incident, "--reply", "--send", agent="bea"))
    assert code == 1 and "ana has been sending INC1's reply since" in said, said
    code, said = _done(_run(home, "ack", incident, "--reply", "--send", agent="bea", now=LATER))
    assert code == 0, said  # 16 minutes later: whether ana's went out is unknown; bea's goes
    doc = sdcli.json("show", incident, "--json")
    assert [(h["action"], h["by"]) for h in doc["history"]][1:] == [("reply_sending", "ana"),
                                                                   ("reply_sending", "bea"), ("ack", "bea")]  # fmt: skip


def test_notify_leaves_an_update_a_send_deferred_to_its_retry_and_one_it_gave_up_on(sdcli, home, incident):
    """--notify names what the ticket has queued, but the claim takes them as `outbox send` does,
    in its write: not one a send just deferred (its retry is not due) nor one it gave up on."""
    now = {"SDCLI_NOW": NOW}
    with SmtpServer() as srv:
        write_mail_toml(home, srv.port)
        assert sdcli("resolve", incident, "--note", "módem cambiado", env=now).exit_code == 0
        srv.handler.reply_rcpt = "451 4.3.0 try again later"
        assert sdcli("outbox", "send", env=now).exit_code == 0
        srv.handler.reply_rcpt = None
        r = sdcli("reopen", incident, "--note", "volvió a caer", "--notify", env=now)
        assert r.exit_code == 0 and "update sent to ana.diaz@andinatel.com.pe" in err(r), r.output
        (msg,) = srv.messages  # the reopen's only
        assert "volvió a caer" in msg.get_body(("plain",)).get_content()
        items = sdcli.json("outbox", "list", "--all", "--json")
        assert [(i["action"], i["state"], i["attempts"]) for i in items] == [("resolve", "queued", 1),
                                                                          ("reopen", "sent", 1)]  # fmt: skip
        srv.handler.reply_rcpt = "550 5.7.1 relaying denied"
        assert sdcli("outbox", "send", env={"SDCLI_NOW": LATER}).exit_code == 0  # the resolve's: given up on
        srv.handler.reply_rcpt = None
        r = sdcli("resolve", incident, "--note", "otra vez", "--notify", env={"SDCLI_NOW": LATER})
        assert r.exit_code == 0 and len(srv.messages) == 2, r.output
        items = sdcli.json("outbox", "list", "--all", "--json")
        assert [(i["action"], i["state"]) for i in items] == [("resolve", "failed"), ("reopen", "sent"),
                                                             ("resolve", "sent")]  # fmt: skip
