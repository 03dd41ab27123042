"""Words of time in an e-mail ("ayer 10:30", "hace 2 horas", "mañana 09:00") are its sender's: they
are read against when the message was received, not when `sdcli inbox` happens to run."""

from __future__ import annotations

from mail_support import SPANISH, questionnaire

FRIDAY = "Fri, 27 Nov 2026 15:00:00 -0500"  # received on Friday afternoon in Lima
MONDAY = {"SDCLI_NOW": "2026-11-30T09:00:00-05:00"}  # read by the Monday shift
VOICE = {**SPANISH, "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)": "problemas de voz",
         "Número de origen": "+51 1 411 7000", "Número de destino": "+51 1 411 7001"}  # fmt: skip


def inbox_one(sdcli, tmp_path, answers: dict, mid: str) -> dict:
    (tmp_path / "m.eml").write_bytes(questionnaire(answers, mid=mid, date=FRIDAY))
    (m,) = sdcli.json("inbox", str(tmp_path / "m.eml"), "--json", env=MONDAY)["messages"]
    assert m["outcome"] == "created", m
    return sdcli.json("show", m["id"], "--json")


def test_a_failed_call_in_words_is_the_senders_day_not_the_inbox_runs(sdcli, tmp_path):
    """A report received on Friday at 15:00 saying "ayer 10:30; hace 2 horas", read on Monday at
    09:00, was stored as Sunday 10:30 and Monday 07:00: two calls after the report was sent."""
    doc = inbox_one(
        sdcli, tmp_path, {**VOICE, "Llamadas fallidas": "ayer 10:30; hace 2 horas"}, "<rel1@x.pe>"
    )
    assert doc["received_at"] == "2026-11-27T15:00:00-05:00"
    assert doc["failed_calls"] == ["2026-11-26T10:30:00-05:00", "2026-11-27T13:00:00-05:00"], doc[
        "failed_calls"
    ]


def test_a_failed_call_after_the_message_was_sent_is_left_for_complete(sdcli, tmp_path):
    """'hoy 16:00' in a message sent on Friday at 15:00 is no call that failed before it was
    reported; read on Monday it was stored as Monday 16:00... had the shift read it after 16:00."""
    doc = inbox_one(sdcli, tmp_path, {**VOICE, "Llamadas fallidas": "hoy 16:00"}, "<rel2@x.pe>")
    missing = [k if isinstance(k, str) else k["key"] for k in doc.get("missing_answers") or []]
    assert "failed_calls" in missing and not doc.get("failed_calls"), doc


def test_an_ssr_window_in_words_is_counted_from_the_messages_receipt(sdcli, tmp_path):
    """An SSR form received on Monday 23 Nov at 09:00 asking to start "mañana 10:00" (Tuesday: 25 h
    of notice, too little) was read on the 24th as Wednesday 25 Nov and accepted with 49 h."""
    form = {"Solicitante": "Ana Díaz <ana.diaz@andinatel.com.pe> +51 1 411 7000", "Cliente": "Andina Telecom",
            "Sitio": "Lima", "País": "PE", "Categoría": "Respaldo de configuración", "Device": "rtr-lima-01",
            "Inicio": "mañana 10:00", "Fin": "mañana 11:00", "Descripción": "respaldo"}  # fmt: skip
    sent = "Mon, 23 Nov 2026 09:00:00 -0500"  # "mañana" is Tuesday 24 Nov: 25 h of notice, too little
    (tmp_path / "ssr.eml").write_bytes(questionnaire(form, mid="<ssr-rel@x.pe>", date=sent))
    (m,) = sdcli.json(
        "inbox", str(tmp_path / "ssr.eml"), "--json", env={"SDCLI_NOW": "2026-11-24T08:00:00-05:00"}
    )["messages"]
    assert m["outcome"] == "refused" and "notice" in str(m["reason"]), m


def test_an_ssr_form_from_a_country_of_several_zones_is_read_in_its_sites(sdcli, tmp_path):
    """An SSR form from Brazil (Mexico, Argentina, Chile) stopped the inbox with "unexpected
    KeyError: 'tz'" (the window was read in a country's one zone, which those have not); the window
    is read by the SSR rules now, in the zone of the city the site names, else refused asking it."""
    form = {"Solicitante": "Ana <ana@acme.com.br> +55 92 98765 4321", "Cliente": "Acme BR", "País": "BR",
            "Sitio": "Loja Manaus Centro", "Categoría": "Respaldo de configuración", "Device": "rtr-01",
            "Inicio": "12/03/2026 10:00", "Fin": "12/03/2026 11:00", "Descripción": "respaldo"}  # fmt: skip
    now = {"SDCLI_NOW": "2026-03-02T15:00:00+00:00"}
    (tmp_path / "a.eml").write_bytes(questionnaire(form, mid="<br1@x.pe>"))
    (tmp_path / "b.eml").write_bytes(questionnaire({**form, "Sitio": "Loja Centro"}, mid="<br2@x.pe>"))
    first, second = sdcli.json("inbox", str(tmp_path / "a.eml"), str(tmp_path / "b.eml"), "--json", env=now)[
        "messages"
    ]
    assert first["outcome"] == "created", first
    doc = sdcli.json("show", first["id"], "--json")
    assert doc["timezone"] == "America/Manaus" and doc["window_start"] == "2026-03-12T10:00:00-04:00", doc
    assert second["outcome"] == "refused" and "--tz" in str(second["reason"]), second
