"""Writes tests/data/mail/*.eml: the corpus of messages `sdcli inbox` is tested against
(tests/test_mail_corpus.py; what each one must give is in tests/data/mail/expected.toml).

The messages are built with the standard library's `email` package the way mail clients send
them (Gmail, Outlook, Thunderbird, a phone), so their encodings are real: quoted-printable
Latin-1, base64 Windows-1252, HTML only, multipart with attachments. Run it again after an
edit: `python tests/tools/make_mail_corpus.py`; the files are committed, the test reads them.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "mail"
DESK = "BT Service Desk <mo.bud@example.com>"

# The questionnaire exactly as the source writes it (seed/service-desk-latam.txt, "Cuestionario"),
# each label followed by the customer's answer.
SOURCE_FILLED = """\
Buenos días,

Les envío el cuestionario completo para el enlace de Arequipa.

  • Nombre del cliente: Andina Telecom
  • Sitio el cliente: Arequipa - Planta Cerro Colorado
  • Descripción del problema (enlace no disponible, servicio lento, degradado, etc.): enlace no disponible desde las 07:40, sin servicio en toda la planta
  • Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono): Ana Díaz, ana.diaz@andinatel.com.pe, +51 1 411 7000
  • Contactos locales (nombre, correo electrónico y teléfono): Luis Rojas - luis.rojas@andinatel.com.pe - 987 654 321
  • Horarios de apertura del lugar: 24x7
  • Incidente interno: TK-2291
  • Tipo de servicio afectado (Satélite, Internet, MPLS, otros): Satélite
  • ¿Tiene una contingencia de BT?: Sí
  • ¿Funciona la contingencia de BT?: No
  • ¿Tiene energía en el sitio en este momento?: Sí
  • ¿Hubo un corte de energía en el sitio?: No
  • ¿Está lloviendo o ha llovido allí?: * Sí, llovió toda la noche
  • ¿Están todos los equipos conectados?: Sí
  • ¿Se realizó un reinicio en el (los) equipo (s)? Sí, dos veces

Saludos,
Ana Díaz
Jefa de Redes - Andina Telecom
"""


def message(subject: str, sender: str, date: str | None, mid: str | None, **extra: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = DESK
    msg["Subject"] = subject
    if date:
        msg["Date"] = date
    if mid:
        msg["Message-ID"] = mid
    for k, v in extra.items():
        msg[k.replace("_", "-")] = v
    return msg


def source_labels() -> EmailMessage:
    msg = message("Enlace caído - Arequipa", "Ana Díaz <ana.diaz@andinatel.com.pe>",
                  "Mon, 02 Mar 2026 08:02:11 -0500", "<CAB8x1=cuestionario.arequipa@mail.gmail.com>")  # fmt: skip
    msg.set_content(SOURCE_FILLED)
    return msg


def source_labels_again() -> EmailMessage:
    """The same message delivered a second time (a resend; another Received line, same Message-ID)."""
    msg = source_labels()
    msg["Received"] = "from mx2.example.com by mail.example.com; Mon, 02 Mar 2026 08:09:40 -0500"
    return msg


def portuguese_html() -> EmailMessage:
    msg = message("Lentidão no link - Porto Alegre", "Carla Souza <carla.souza@redesul.com.br>",
                  "Mon, 2 Mar 2026 10:15:03 -0300", "<0f9a2c41b7e34d@redesul.com.br>")  # fmt: skip
    rows = [
        ("Nome do cliente:", "Rede Sul Ltda"),
        ("Local do cliente:", "Porto Alegre - Centro de Distribuição"),
        ("País:", "BR"),
        ("Descrição do problema (link indisponível, serviço lento, degradado, etc.):",
         "Serviço lento desde as 9h, as aplicações não abrem"),
        ("Contatos para retorno / testes / encerramento (nome, e-mail e telefone):",
         "Carla Souza, carla.souza@redesul.com.br, +55 51 3222 4400"),
        ("Horário de funcionamento do local:", "24x7"),
        ("Tipo de serviço afetado (Satélite, Internet, MPLS, outros):", "MPLS"),
        ("Possui uma contingência da BT?", "Não"),
        ("Há energia no site neste momento?", "Sim"),
        ("Houve queda de energia no site?", "Não"),
        ("Todos os equipamentos estão conectados?", "Sim"),
        ("Foi realizado um reinício no(s) equipamento(s)?", "Não"),
        ("Endereço IP de origem:", "10.20.30.40"),
        ("IP de destino:", "2001:db8::1"),
    ]  # fmt: skip
    cells = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    msg.set_content(
        "<html><head><style>td{font-family:Arial}</style></head><body>"
        "<p>Bom dia,</p><p>Segue o questionário:</p>"
        f"<table>{cells}</table>"
        "<p>Atenciosamente,<br>Carla Souza<br>Rede Sul</p></body></html>",
        subtype="html",
    )
    return msg


def english_voice() -> EmailMessage:
    msg = message("Voice calls failing at Monterrey", "John Smith <john.smith@northwind.com>",
                  "Mon, 02 Mar 2026 09:58:00 -0600", "<DM6PR11MB4156.namprd11@outlook.com>")  # fmt: skip
    msg.set_content("""\
Hello team,

Customer name: Northwind Mexico
Site: Monterrey plant
Country: MX
Problem description: voice calls fail, callers hear a busy tone
Callback contacts: John Smith <john.smith@northwind.com> +52 81 8888 0101
Site opening hours: Mon-Fri 08:00-18:00
Your ticket number: NW-5512
Service type: MPLS
Is there power at the site right now? Yes
Was there a power outage at the site? No
Is all the equipment connected? Yes
Was the equipment restarted? No
Source number: +52 81 8888 0101
Destination number: +52 55 5555 0202
Failed call dates and times:
02/03/2026 09:40
02/03/2026 09:55

Thanks,
John
""")
    return msg


def latin1_quoted_printable() -> EmailMessage:
    msg = message("Servicio degradado en Cañete", "Jorge Muñoz <jorge.munoz@cafetal.com.co>",
                  "Mon, 2 Mar 2026 09:30:00 -0500", "<5E7A1B2C.4030109@cafetal.com.co>",
                  X_Mailer="Mozilla Thunderbird")  # fmt: skip
    msg.set_content(
        """\
Nombre del cliente
Cafetal del Sur S.A.

Sitio el cliente
Bodega Cañete, Cundinamarca

Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)
Servicio degradado: el enlace cae y vuelve cada pocos minutos

Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)
Jorge Muñoz
jorge.munoz@cafetal.com.co
+57 601 555 0123

Tipo de servicio afectado (Satélite, Internet, MPLS, otros)
Internet

¿Tiene una contingencia de BT?
no
¿Tiene energía en el sitio en este momento?
sí
¿Están todos los equipos conectados?
SI
""",
        charset="iso-8859-1",
        cte="quoted-printable",
    )
    return msg


def forwarded() -> EmailMessage:
    msg = message("Fwd: Falla del enlace en Medellín", "Pedro Gómez <pedro.gomez@cafetal.com.co>",
                  "Mon, 2 Mar 2026 11:02:00 -0500", "<CAFwd77.medellin@mail.gmail.com>")  # fmt: skip
    msg.set_content("""\
Les reenvío el reporte de María, por favor atenderlo.

Pedro

---------- Forwarded message ---------
De: María López <maria.lopez@cafetal.com.co>
Date: lun, 2 mar 2026 a las 10:48
Subject: Falla del enlace en Medellín
To: Pedro Gómez <pedro.gomez@cafetal.com.co>

Nombre del cliente: Cafetal del Sur S.A.
Sitio del cliente: Medellín - Oficina El Poblado
Descripción del problema: sin servicio desde las 10:30
Tipo de servicio afectado (Satélite, Internet, MPLS, otros): MPLS
¿Tiene energía en el sitio en este momento?: Sí
¿Están todos los equipos conectados?: Sí

--
María López
Coordinadora de sistemas
Tel. +57 604 444 5566
""")
    return msg


def reply_quoting() -> EmailMessage:
    msg = message("Re: Enlace caído - Arequipa [INC1]", "Ana Díaz <ana.diaz@andinatel.com.pe>",
                  "Mon, 02 Mar 2026 09:12:00 -0500", "<CAB8x2=reply.arequipa@mail.gmail.com>",
                  In_Reply_To="<sdcli.ack.1@example.com>",
                  References="<CAB8x1=cuestionario.arequipa@mail.gmail.com> <sdcli.ack.1@example.com>")  # fmt: skip
    quoted = "\n".join(f"> {line}" if line else ">" for line in SOURCE_FILLED.splitlines())
    msg.set_content(f"""\
Buenos días, ¿tienen alguna novedad? La planta sigue sin enlace.

Ana

El lun, 2 mar 2026 a las 8:02, Ana Díaz <ana.diaz@andinatel.com.pe> escribió:
{quoted}
""")
    return msg


def with_attachment() -> EmailMessage:
    msg = message("Link fora do ar - Campinas", "Roberto Lima <roberto.lima@logmais.com.br>",
                  "Mon, 02 Mar 2026 11:20:45 -0300", "<20260302142045.GA3131@logmais.com.br>")  # fmt: skip
    msg.set_content(
        """\
Prezados,

Nome do cliente: LogMais Transportes
Local do cliente: Campinas - Galpão 3
País: BR
Descrição do problema: link indisponível desde as 11h
Contatos para retorno / testes / encerramento (nome, e-mail e telefone): Roberto Lima; roberto.lima@logmais.com.br; (19) 3251-7788
Tipo de serviço afetado (Satélite, Internet, MPLS, outros): Internet
Possui uma contingência da BT? Sim
A contingência da BT funciona? Sim
Há energia no site neste momento? Sim
Houve queda de energia no site? Sim, às 10h50
Todos os equipamentos estão conectados? Sim
Os equipamentos foram reiniciados? Sim

Segue foto do rack em anexo.

Obrigado,
Roberto
Enviado do meu iPhone
""",
        charset="windows-1252",
        cte="base64",
    )
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(40)
    msg.add_attachment(png, maintype="image", subtype="png", filename="foto-rack.png")
    msg.add_attachment(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", maintype="application", subtype="pdf",
                       filename="diagrama da rede.pdf")  # fmt: skip
    return msg


def missing_answers() -> EmailMessage:
    msg = message("urgente: sin internet", "Carlos Pérez <cperez@minera-norte.cl>", "Mon, 02 Mar 2026 10:40:00 -0300",
                  "<AM0PR02MB5555.eurprd02@outlook.com>")  # fmt: skip
    msg.set_content("""\
Nombre del cliente: Minera Norte
Descripción del problema: enlace no disponible
¿Tiene energía en el sitio en este momento?: Sí
¿Hubo un corte de energía en el sitio?: No

Carlos
""")
    return msg


def bad_address() -> EmailMessage:
    msg = message("Packet loss at Bogota office", "Mary Jones <mary.jones@globex.com.co>",
                  "Mon, 02 Mar 2026 10:05:00 -0500", "<globex.2026-03-02.1005@globex.com.co>")  # fmt: skip
    msg.set_content("""\
Customer name: Globex Colombia
Site: Bogota office, 7th floor
Problem description: packet loss
Callback contacts: Mary Jones, mary.jones@@globex, +57 601 555 0199
Local contacts: Front desk, reception@globex.com.co, +57 601 555 0100
Service type: Internet
Source IP: 192.168.10.5
Destination IP: 8.8.8.8
Is there power at the site right now? Yes
""")
    return msg


def not_questionnaire() -> EmailMessage:
    msg = message("Fuera de la oficina: Reunión de seguimiento", "Lucía Vargas <lvargas@andinatel.com.pe>",
                  "Mon, 02 Mar 2026 08:30:00 -0500", "<oof.lvargas.20260302@andinatel.com.pe>",
                  Auto_Submitted="auto-replied")  # fmt: skip
    msg.set_content("""\
Gracias por su mensaje. Estaré fuera de la oficina hasta el lunes 9 de marzo, con acceso
limitado al correo. Para temas urgentes, comuníquese con el Service Desk.

Lucía Vargas
""")
    return msg


def ssr_form() -> EmailMessage:
    msg = message("Solicitud de Servicio Simple - ruta estática", "Ana Díaz <ana.diaz@andinatel.com.pe>",
                  "Mon, 02 Mar 2026 09:00:00 -0500", "<CAB8x9=ssr.ruta@mail.gmail.com>")  # fmt: skip
    msg.set_content("""\
Estimados, solicitamos el siguiente cambio:

Solicitante: Ana Díaz <ana.diaz@andinatel.com.pe> +51 1 411 7000
Cliente: Andina Telecom
Sitio: Lima - Sede Central
País: PE
Categoría: Ruta estática
Prefijo: 10.50.0.0/16
Siguiente salto: 10.0.0.1
Inicio: 12/03/2026 22:00
Fin: 12/03/2026 23:30
Descripción: ruta hacia la nueva red de la planta

Saludos,
Ana
""")
    return msg


def markup_inside() -> EmailMessage:
    """Text that a terminal or Rich would interpret: it must be shown as written, never run."""
    msg = message("[bold red]URGENT[/] link down", "Eve Ops <eve@initech.com.mx>", "Mon, 02 Mar 2026 09:00:00 -0600",
                  "<markup.1@initech.com.mx>")  # fmt: skip
    msg.set_content(
        "Customer name: Initech [bold red]MX[/bold red]\n"
        "Site: Guadalajara \x1b[2J\x1b[31mHQ\x1b[0m\n"
        "Country: MX\n"
        "Problem description: link down [link=https://evil.example]click[/link]\n"
        "Callback contacts: Eve Ops, eve@initech.com.mx, +52 33 3333 0000\n"
        "Service type: Internet\n"
    )
    return msg


MESSAGES = {
    "01-es-cuestionario-fuente.eml": source_labels,
    "02-es-cuestionario-repetido.eml": source_labels_again,
    "03-pt-html.eml": portuguese_html,
    "04-en-voz.eml": english_voice,
    "05-es-latin1-qp.eml": latin1_quoted_printable,
    "06-es-reenviado.eml": forwarded,
    "07-es-respuesta-citando.eml": reply_quoting,
    "08-pt-anexo.eml": with_attachment,
    "09-es-faltan-respuestas.eml": missing_answers,
    "10-en-correo-invalido.eml": bad_address,
    "11-es-fuera-de-oficina.eml": not_questionnaire,
    "12-es-ssr.eml": ssr_form,
    "13-en-markup.eml": markup_inside,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in MESSAGES.items():
        (OUT / name).write_bytes(build().as_bytes(policy=SMTP))
    print(f"{len(MESSAGES)} messages in {OUT}")


if __name__ == "__main__":
    main()
