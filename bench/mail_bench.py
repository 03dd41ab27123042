"""Mail bench: N questionnaire e-mails in a Maildir through `sdcli inbox`, against the same N
incidents in a CSV through `sdcli import`, in one run (each into a fresh store).

Both paths validate every answer the same way and write the incidents in one store write; the
inbox also parses each message (MIME, charsets, HTML, quotes) and finds the labels in its text.
The messages mix Spanish, Portuguese and English labels, plain text and HTML-only bodies.
Run: python -m bench.mail_bench   (prints both times and the ratio inbox ÷ import of this run)
"""

from __future__ import annotations

import argparse
import csv
import mailbox
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bench.common import SDCLI, env_for

COUNTRIES = {"PE": ("+51 1 4{:03d}{:03d}", "pe", 3), "MX": ("+52 55 {:04d} {:04d}", "mx", 4),
             "BR": ("+55 11 9{:04d}-{:04d}", "br", 4), "CO": ("+57 601 {:03d} {:04d}", "co", 3)}  # fmt: skip
PROBLEMS = {"link_down": ("enlace no disponible", "link indisponível", "link down"),
            "degraded": ("servicio degradado", "serviço degradado", "degraded service"),
            "slow": ("servicio lento", "serviço lento", "slow service")}  # fmt: skip
LABELS = {  # key → (es, pt, en)
    "customer": ("Nombre del cliente", "Nome do cliente", "Customer name"),
    "site": ("Sitio el cliente", "Local do cliente", "Site"),
    "country": ("País", "País", "Country"),
    "zone_city": ("Zona horaria", "Fuso horário", "Time zone"),
    "problem": ("Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)",
                "Descrição do problema (link indisponível, serviço lento, degradado, etc.)", "Problem description"),
    "callback_contacts": ("Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)",
                          "Contatos para retorno / testes / encerramento (nome, e-mail e telefone)", "Callback contacts"),
    "customer_reference": ("Incidente interno", "Incidente interno", "Your ticket number"),
    "service_type": ("Tipo de servicio afectado (Satélite, Internet, MPLS, otros)",
                     "Tipo de serviço afetado (Satélite, Internet, MPLS, outros)", "Service type"),
    "has_contingency": ("¿Tiene una contingencia de BT?", "Possui uma contingência da BT?", "Is there a BT contingency?"),
    "power_now": ("¿Tiene energía en el sitio en este momento?", "Há energia no site neste momento?",
                  "Is there power at the site right now?"),
    "source_ip": ("Dirección IP de origen", "IP de origem", "Source IP"),
    "destination_ip": ("Dirección IP de destino", "IP de destino", "Destination IP"),
}  # fmt: skip
YES = {True: ("Sí", "Sim", "Yes"), False: ("No", "Não", "No")}
SERVICE = {"internet": "Internet", "mpls": "MPLS", "satellite": "Satélite"}
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
#: the zone of a site in a country of several: the city a customer writes, the zone a CSV gives
ZONES = {"MX": ("Ciudad de México", "America/Mexico_City"), "BR": ("São Paulo", "America/Sao_Paulo")}


def incidents(n: int, seed: int = 11):
    rng = random.Random(seed)
    for i in range(n):
        c = rng.randrange(2000)
        country = list(COUNTRIES)[c % len(COUNTRIES)]
        fmt, tld, digits = COUNTRIES[country]
        problem = rng.choice(list(PROBLEMS))
        low = 10 ** (digits - 1)  # a customer's contact keeps one number
        phone = fmt.format(low + c % (9 * low), 1000 + (c * 7) % 8999 if digits == 4 else 100 + (c * 7) % 899)
        doc = {
            "customer": f"Cliente {c}", "site": f"Sitio {rng.randrange(5000)}", "country": country,
            "problem": problem, "callback_contacts": f"Contacto {c}, contacto{c}@cliente{c}.com.{tld}, {phone}",
            "customer_reference": f"TK-{i:06d}", "service_type": rng.choice(list(SERVICE)),
            "has_contingency": rng.random() < 0.5, "power_now": rng.random() < 0.9,
            "received": START + timedelta(seconds=37 * i), "sender": f"contacto{c}@cliente{c}.com.{tld}",
        }  # fmt: skip
        if country in ZONES:
            doc["zone_city"], doc["timezone"] = ZONES[country]
        if problem == "slow":
            doc["source_ip"] = f"10.{rng.randrange(256)}.{rng.randrange(256)}.1"
            doc["destination_ip"] = f"192.0.2.{rng.randrange(256)}"
        yield i, doc


def message(i: int, doc: dict) -> bytes:
    lang = i % 3  # es, pt, en
    lines = []
    for key, labels in LABELS.items():
        if key not in doc:
            continue
        value = doc[key]
        if isinstance(value, bool):
            value = YES[value][lang]
        elif key == "problem":
            value = PROBLEMS[value][lang]
        elif key == "service_type":
            value = SERVICE[value]
        lines.append(f"{labels[lang]}: {value}")
    msg = EmailMessage()
    msg["From"] = f"Contacto <{doc['sender']}>"
    msg["To"] = "Service Desk <mo.bud@example.com>"
    msg["Subject"] = f"Incidente {doc['site']}"
    msg["Date"] = format_datetime(doc["received"])
    msg["Message-ID"] = f"<bench.{i}@{doc['sender'].partition('@')[2]}>"
    greeting = ("Buenos días,", "Bom dia,", "Hello,")[lang]
    if i % 4 == 3:  # an HTML-only message now and then
        rows = "".join(
            f"<tr><td>{line.partition(': ')[0]}:</td><td>{line.partition(': ')[2]}</td></tr>"
            for line in lines
        )
        msg.set_content(f"<html><body><p>{greeting}</p><table>{rows}</table></body></html>", subtype="html")
    else:
        msg.set_content(greeting + "\n\n" + "\n".join(lines) + "\n\n--\nContacto\n")
    return msg.as_bytes(policy=policy.SMTP)


def row(doc: dict) -> list[str]:
    yes = {True: "yes", False: "no"}
    return [doc["customer"], doc["site"], doc["country"], doc["problem"], doc["callback_contacts"].replace(", ", " <", 1)
            .replace(", ", "> ", 1), doc["customer_reference"], doc["service_type"], yes[doc["has_contingency"]],
            yes[doc["power_now"]], doc.get("source_ip", ""), doc.get("destination_ip", ""), "email",
            doc["received"].isoformat(), doc.get("timezone", "")]  # fmt: skip


HEADER = ["customer", "site", "country", "problem", "callback_contacts", "customer_reference", "service_type",
          "has_contingency", "power_now", "source_ip", "destination_ip", "channel", "opened_at", "timezone"]  # fmt: skip


def timed(argv: list[str], home: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env_for(home), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def count(home: Path) -> int:
    """How many incidents the store holds, all of them complete (else the two runs did not do the same)."""
    import json

    out = subprocess.run(
        [*SDCLI, "list", "--all", "--json"], env=env_for(home), check=True, capture_output=True
    )
    docs = json.loads(out.stdout)
    incomplete = [d["id"] for d in docs if d.get("missing_answers")]
    if incomplete:
        raise SystemExit(f"{len(incomplete)} incidents lack answers in {home.name}, e.g. {incomplete[:3]}")
    return len(docs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        box = mailbox.Maildir(root / "desk", create=True)
        with (root / "incidents.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            for i, doc in incidents(args.messages):
                box.add(message(i, doc))
                w.writerow(row(doc))
        size = sum(p.stat().st_size for p in (root / "desk" / "new").iterdir())
        print(f"generated {args.messages:,} messages ({size / 1e6:.1f} MB) and a CSV of the same incidents")
        inbox = timed([*SDCLI, "inbox", str(root / "desk")], root / "home-inbox")
        imported = timed([*SDCLI, "import", str(root / "incidents.csv")], root / "home-import")
        made = (count(root / "home-inbox"), count(root / "home-import"))
        if made != (args.messages, args.messages):
            raise SystemExit(
                f"expected {args.messages} incidents each, got inbox {made[0]}, import {made[1]}"
            )
        print(f"sdcli inbox  (Maildir): {inbox:.2f} s  ({args.messages / inbox:,.0f} messages/s)")
        print(f"sdcli import (CSV):     {imported:.2f} s  ({args.messages / imported:,.0f} rows/s)")
        print(f"ratio inbox ÷ import: {inbox / imported:.2f}")


if __name__ == "__main__":
    main()
