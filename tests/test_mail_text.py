"""The text `sdcli inbox` reads of a message as its writer wrote it: the charset a mail client
declared but did not use, and a forwarded report whichever client forwarded it (Outlook's line of
underscores and header block, in plain text or HTML; a forwarder's signature above the forward)."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import pytest

NOW = {"SDCLI_NOW": "2026-12-03T16:00:00+00:00"}

#: a questionnaire forwarded by Pedro: María wrote it, her signature gives her phone
FORM = """Nombre del cliente: Cafetal del Sur S.A.
Sitio del cliente: Medellín - Oficina El Poblado
Descripción del problema: enlace no disponible desde las 09:30
Tipo de servicio afectado (Satélite, Internet, MPLS, otros): MPLS
¿Tiene energía en el sitio en este momento?: Sí
¿Están todos los equipos conectados?: Sí"""

OUTLOOK_HEADER = """De: María López <maria.lopez@cafetal.com.co>
Enviado: jueves, 3 de diciembre de 2026 09:40
Para: Pedro Gómez <pedro.gomez@cafetal.com.co>
Asunto: Falla del enlace en Medellín"""


def _message(body: str, *, subject: str, subtype: str = "plain", mid: str = "<fw@cafetal.com.co>") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Pedro Gómez <pedro.gomez@cafetal.com.co>"
    msg["To"] = "BT Service Desk <mo.bud@example.com>"
    msg["Subject"] = subject
    msg["Date"] = "Thu, 03 Dec 2026 10:00:00 -0500"
    msg["Message-ID"] = mid
    msg.set_content(body, subtype=subtype)
    return msg.as_bytes(policy=policy.SMTP)


def _inbox(sdcli, tmp_path, data: bytes) -> dict:
    path = tmp_path / "message.eml"
    path.write_bytes(data)
    out = sdcli.json("inbox", str(path), "--json", env=NOW)["messages"][0]
    assert out["outcome"] == "created", out
    return sdcli.json("show", out["id"], "--json")


def test_a_message_declared_utf8_written_in_windows_1252_is_read_as_written(sdcli, tmp_path):
    """A mail client (or a web form's mailer) that says UTF-8 and sends Windows-1252 bytes: the site
    was stored as "Bodega Ca\ufffdete" with the next two answers run into it, the problem and the
    callback contact's phone lost (the labels with an ó were no labels any more)."""
    head = (
        "From: =?utf-8?q?Jorge_Mu=C3=B1oz?= <jorge.munoz@cafetal.com.co>\nTo: mo.bud@example.com\nSubject: Falla\n"
        "Date: Thu, 03 Dec 2026 09:30:00 -0500\nMessage-ID: <cp@cafetal.com.co>\nMIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
    )
    body = (
        "Nombre del cliente: Cafetal del Sur S.A.\nSitio el cliente: Bodega Cañete, Cundinamarca\n"
        "Descripción del problema: enlace caído desde las 8\n"
        "Contactos para devolución / pruebas / cierre: Jorge Muñoz, jorge.munoz@cafetal.com.co, +57 601 555 0123\n"
        "Tipo de servicio afectado: Internet\n¿Tiene energía en el sitio en este momento?: sí\n"
    )
    doc = _inbox(sdcli, tmp_path, head.encode("ascii") + body.encode("cp1252"))
    assert doc["site"] == "Bodega Cañete, Cundinamarca"
    assert doc["problem"] == "link_down" and doc["power_now"] is True
    assert doc["callback_contacts"] == [
        {"name": "Jorge Muñoz", "email": "jorge.munoz@cafetal.com.co", "phone": "+576015550123"}
    ]
    assert "missing_answers" not in doc, doc.get("missing_answers")
    # the same form in UTF-8, under it one footer line in Windows-1252 (Outlook's signature): the
    # whole mail was read as Windows-1252 for that one byte, every accented label mojibake
    # ("DescripciÃ³n"), and the report dropped as no questionnaire
    footer = "\n--\nJorge Muñoz · Cafetal del Sur\n".encode("cp1252")
    mixed = head.replace("<cp@", "<cp2@").encode("ascii") + body.encode("utf-8") + footer
    doc = _inbox(sdcli, tmp_path, mixed)
    assert doc["site"] == "Bodega Cañete, Cundinamarca" and doc["problem"] == "link_down", doc
    assert doc["callback_contacts"][0]["name"] == "Jorge Muñoz"


@pytest.mark.parametrize(
    "body",
    [
        # Outlook (desktop, web): its line of underscores, then the forwarded message's header block
        f"Les reenvío el reporte de María.\n\nPedro Gómez\nTel. +57 601 555 0000\n\n"
        f"________________________________\n{OUTLOOK_HEADER}\n\n{FORM}\n\nMaría López\nTel. +57 604 444 5566\n",
        # Outlook without the line (some versions, and a plain-text conversion of its HTML)
        f"Les reenvío el reporte de María.\n\n{OUTLOOK_HEADER}\n\n{FORM}\n\n--\nMaría López\nTel. +57 604 444 5566\n",
        # Gmail, with the forwarder's signature above the forwarded message
        "Les reenvío el reporte de María.\n\n-- \nPedro Gómez\nJefe de TI\n\n"
        "---------- Forwarded message ---------\nDe: María López <maria.lopez@cafetal.com.co>\n"
        "Date: jue, 3 dic 2026 a las 09:40\nSubject: Falla del enlace en Medellín\n"
        f"To: Pedro Gómez <pedro.gomez@cafetal.com.co>\n\n{FORM}\n\n--\nMaría López\nTel. +57 604 444 5566\n",
    ],
    ids=["outlook-underscores", "outlook-header-block", "gmail-signature-above"],
)
def test_a_forwarded_report_is_registered_whichever_client_forwarded_it(sdcli, tmp_path, body):
    """ "RV: …" from Outlook (or a Gmail forward under the forwarder's signature) was "not a
    questionnaire": the forwarded form was cut as a signature or as the message a reply quotes,
    and no incident (nor its 15-minute acknowledgement) was made."""
    doc = _inbox(sdcli, tmp_path, _message(body, subject="RV: Falla del enlace en Medellín"))
    assert doc["customer"] == "Cafetal del Sur S.A." and doc["site"] == "Medellín - Oficina El Poblado"
    assert doc["problem"] == "link_down" and doc["service_type"] == "mpls"
    assert doc["email"]["forwarded"] is True
    assert doc["callback_contacts"] == [
        {"name": "María López", "email": "maria.lopez@cafetal.com.co", "phone": "+576044445566"}
    ]


def test_an_outlook_forward_in_html_is_registered(sdcli, tmp_path):
    """Outlook's HTML forward (a rule, then a block of bold De:/Enviado:/Para:/Asunto: lines)."""
    html = (
        "<html><body><div>Les reenv&iacute;o el reporte de Mar&iacute;a.</div>"
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>De:</b> Mar&iacute;a L&oacute;pez '
        "&lt;maria.lopez@cafetal.com.co&gt;<br><b>Enviado:</b> jueves, 3 de diciembre de 2026 09:40<br>"
        "<b>Para:</b> Pedro G&oacute;mez &lt;pedro.gomez@cafetal.com.co&gt;<br>"
        "<b>Asunto:</b> Falla del enlace en Medell&iacute;n</font><div>&nbsp;</div></div>"
        f"<div><p>{FORM.replace(chr(10), '<br>')}</p><p>Mar&iacute;a L&oacute;pez<br>Tel. +57 604 444 5566</p>"
        "</div></body></html>"
    )
    doc = _inbox(sdcli, tmp_path, _message(html, subject="RV: Falla del enlace en Medellín", subtype="html"))
    assert doc["site"] == "Medellín - Oficina El Poblado" and doc["email"]["forwarded"] is True
    assert doc["callback_contacts"][0]["email"] == "maria.lopez@cafetal.com.co"


@pytest.mark.parametrize(
    "body",
    [
        f"Gracias, quedamos atentos.\n\n________________________________\n{OUTLOOK_HEADER}\n\n{FORM}\n",
        f"Gracias, quedamos atentos.\n\n{OUTLOOK_HEADER}\n\n{FORM}\n",
    ],
    ids=["underscores", "header-block"],
)
def test_a_reply_quoting_the_form_below_outlooks_header_is_still_no_new_report(sdcli, tmp_path, body):
    path = tmp_path / "reply.eml"
    path.write_bytes(_message(body, subject="RE: Falla del enlace en Medellín [INC7]", mid="<re@x.co>"))
    out = sdcli.json("inbox", str(path), "--json", env=NOW)["messages"][0]
    assert out["outcome"] == "not_questionnaire", out


def test_the_forwarders_phone_is_not_given_to_the_writer_of_the_forwarded_report(sdcli, tmp_path):
    """Pedro's number above the forward was stored as María's callback phone: the agent would call
    Pedro for the tests and the closing. Her number is looked for in her part; none there is asked."""
    body = (
        "Les reenvío el reporte de María.\nPedro Gómez, Tel. +57 601 555 0000\n\n"
        "---------- Forwarded message ---------\nDe: María López <maria.lopez@cafetal.com.co>\n"
        f"Date: jue, 3 dic 2026 a las 09:40\nSubject: Falla\n\n{FORM}\n\nMaría\n"
    )
    doc = _inbox(sdcli, tmp_path, _message(body, subject="Fwd: Falla del enlace en Medellín"))
    assert "callback_contacts" not in doc
    (entry,) = [m for m in doc["missing_answers"] if isinstance(m, dict) and m["key"] == "callback_contacts"]
    assert "maria.lopez@cafetal.com.co" in entry["text"] and "+57" not in entry["text"]
