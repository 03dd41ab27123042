"""The language an e-mailed report is answered in: the language its answers are written in when
that is clear (a Brazilian customer answering in Portuguese on the Spanish form got Spanish
updates), else the language of the form they chose to answer, else its site's country's."""

from __future__ import annotations

import pytest
from conftest import err
from mail_support import free_port, questionnaire, text_of, write_mail_toml

NOW = {"SDCLI_NOW": "2026-03-02T19:30:00+00:00"}
#: the Spanish form's labels, answered from Campinas (Brazil)
BASE = {
    "Nombre del cliente": "LogMais Transportes",
    "Sitio el cliente": "Campinas - Galpão 3",
    "País": "BR",
    "Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)":
        "Roberto Lima, roberto.lima@logmais.com.br, +55 19 3251 7788",
    "Tipo de servicio afectado (Satélite, Internet, MPLS, otros)": "Internet",
}  # fmt: skip
DESCRIPTION = "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)"
POWER = "¿Tiene energía en el sitio en este momento?"
ACK = {"pt": "foi registrado com o número", "es": "quedó registrado con el número"}


def reply_text(sdcli, home, tmp_path, answers: dict[str, str]) -> str:
    """The acknowledgement `ack --reply` writes for the message (its language: customer_lang's)."""
    (tmp_path / "q.eml").write_bytes(questionnaire({**BASE, **answers}, mid="<q@logmais.com.br>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "q.eml"), "--json", env=NOW)["messages"]
    assert m["outcome"] == "created", m
    write_mail_toml(home, free_port())
    out = tmp_path / "reply.eml"
    r = sdcli("ack", m["id"], "--reply", "-o", str(out), env=NOW)
    assert r.exit_code == 0, err(r)
    from email import policy
    from email.parser import BytesParser

    return text_of(BytesParser(policy=policy.default).parsebytes(out.read_bytes()))


@pytest.mark.parametrize(
    ("answers", "lang"),
    [
        # answered in Portuguese on the Spanish form: Portuguese, as they wrote (and as Brazil speaks)
        ({DESCRIPTION: "O link caiu ontem à noite e não voltou, estamos sem internet", POWER: "Sim"}, "pt"),
        # answered clearly in Spanish by a Brazilian site: Spanish, as they wrote
        ({DESCRIPTION: "El enlace se cayó ayer y no volvió, estamos sin servicio desde el lunes", POWER: "Sí"},
         "es"),
        # nothing says which (a product name, a yes that reads the same): the form they chose to answer
        ({DESCRIPTION: "Internet", POWER: "no"}, "es"),
    ],
    ids=["portuguese-answers", "spanish-answers", "unclear-answers"],
)  # fmt: skip
def test_an_emailed_report_is_answered_in_the_language_of_its_answers_else_its_forms(
    sdcli, home, tmp_path, answers, lang
):
    text = reply_text(sdcli, home, tmp_path, answers)
    other = "es" if lang == "pt" else "pt"
    assert ACK[lang] in text and ACK[other] not in text, text


def test_the_words_that_tell_a_language_apart():
    from sdcli.mail import written

    assert written.lang_of(["O link caiu ontem e não voltou", "Sim"]) == "pt"
    assert written.lang_of(["No sé, creo que el equipo está apagado", "Sí"]) == "es"
    assert written.lang_of(["The link has been down since yesterday", "yes"]) == "en"
    # one word, or as many of one language as of another, is no answer: the form's language decides
    assert written.lang_of(["Internet", "no"]) is None and written.lang_of(["Sim"]) is None
    assert written.lang_of(["ontem", "ayer"]) is None
    # an address or a name is no word of a language ("com" of .com, "da" of Silva da Costa)
    assert written.lang_of(["Maria da Costa, maria@acme.com.br", "Sim"]) is None
