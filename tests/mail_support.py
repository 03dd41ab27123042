"""What the e-mail tests share: questionnaire messages built with the `email` package, a real SMTP
server on loopback (aiosmtpd) that records what it received, and the desk's mail settings."""

from __future__ import annotations

import json
import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

#: a Spanish questionnaire's answers, complete (labels of the source)
SPANISH = {
    "Nombre del cliente": "Andina Telecom",
    "Sitio el cliente": "Lima - Sede Central",
    "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)": "enlace no disponible",
    "Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)":
        "Ana Díaz, ana.diaz@andinatel.com.pe, +51 1 411 7000",
    "Tipo de servicio afectado (Satélite, Internet, MPLS, otros)": "MPLS",
    "¿Tiene energía en el sitio en este momento?": "Sí",
}  # fmt: skip
ENGLISH = {
    "Customer name": "Northwind Mexico",
    "Site": "Monterrey plant",
    "Country": "MX",
    "Problem description": "link down",
    "Callback contacts": "John Smith <john.smith@northwind.com> +52 81 8888 0101",
    "Service type": "Internet",
}


def questionnaire(
    answers: dict[str, str] | None = None,
    *,
    mid: str | None = "<q1@andinatel.com.pe>",
    date: str | None = "Mon, 02 Mar 2026 09:00:00 -0500",
    sender: str = "Ana Díaz <ana.diaz@andinatel.com.pe>",
    subject: str = "Enlace caído en Lima",
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Service Desk <mo.bud@example.com>"
    msg["Subject"] = subject
    if date:
        msg["Date"] = date
    if mid:
        msg["Message-ID"] = mid
    for k, v in headers.items():
        msg[k.replace("_", "-")] = v
    body = "\n".join(f"• {label}: {value}" for label, value in (answers or SPANISH).items())
    msg.set_content(f"Buenos días,\n\n{body}\n\nSaludos,\nAna\n")
    return msg.as_bytes(policy=policy.SMTP)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An aiosmtpd handler: keeps every message accepted; `refuse`/`defer` answer RCPT with 550/451."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.reply_rcpt: str | None = None
        self.refused: set[str] = set()  # these recipients only answered 550 (the others taken)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reply_rcpt:
            return self.reply_rcpt
        if address in self.refused:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [m for _, _, m in self.received]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 for one test; `logins` lists the (user, password) it was given."""

    def __init__(self, *, auth: tuple[str, str] | None = None) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.handler = Recorder()
        self.port = free_port()
        self.logins: list[tuple[str, str]] = []
        kwargs = {}
        if auth is not None:

            def authenticator(server, session, envelope, mechanism, data):
                user, password = data.login.decode(), data.password.decode()
                self.logins.append((user, password))
                return AuthResult(
                    success=(user, password) == auth, handled=False
                )  # not handled: the server says 535

            kwargs = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


def write_mail_toml(home: Path, port: int, **settings: object) -> Path:
    """The desk's mail settings in its config file (config.toml in the home), for a loopback server."""
    home.mkdir(parents=True, exist_ok=True)
    values = {"mail_from": "BT Service Desk <mo.bud@example.com>", "mail_domain": "desk.example.com",
              "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none", "smtp_timeout": 5,
              **settings}  # fmt: skip
    lines = [f"{k} = {str(v).lower() if isinstance(v, bool) else v if isinstance(v, int) else json.dumps(v)}"
             for k, v in values.items()]  # fmt: skip
    path = home / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def text_of(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()
