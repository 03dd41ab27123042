"""The text `sdcli inbox` reads of a message as its writer wrote it: the charset a mail client
declared but did not use."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

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
