"""What the language tests share: the English sdcli showed before the catalogue (frozen), a checker
of a session's output against it, and the keystrokes of a whole Spanish or Portuguese session."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

FROZEN = Path(__file__).resolve().parent / "data" / "english_messages.txt"
#: words of the frozen English texts that are also Spanish or Portuguese words, or names a
#: Spanish or Portuguese session shows as they are (the source itself says "Service Desk",
#: "Portal BT", "SLA"; doctor names the embedded backend, tinydb, as it names PostgreSQL)
SHARED = frozenset(
    {
        "service", "desk", "portal", "internet", "mpls", "sla", "ssr", "vlan", "dns", "iso", "iana", "json", "csv",
        "utf", "tsv", "total", "error", "use", "min", "data", "tab", "nul", "ipv", "jsonl", "real", "local", "final",
        "normal", "general", "sin", "con", "para", "mar", "dom", "sms", "whatsapp", "backup", "firewall", "rack",
        "circuit", "latam", "hale", "martin", "lead", "manager", "paulo", "sao", "simple", "usd", "brl", "comercial",
        "enter", "ticket", "tickets", "manual", "tinydb", "url",
    }
)  # fmt: skip
#: words of the frozen English that are also words of one language: Portuguese says "sim" (yes), and
#: Brazilian telecom Portuguese says "site" and "link" (the questionnaire's own labels: "Site do cliente",
#: "Link indisponível"), and "execute" is Portuguese's own imperative ("execute: sdcli doctor"); a
#: Spanish session showing them would still be caught; Spanish's "red" is the network
SHARED_IN = {"es": frozenset({"red"}), "pt": frozenset({"sim", "nao", "site", "sites", "link", "execute"})}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
#: what a session shows that is not language: commands and flags, addresses, zones, ids, paths
NOT_WORDS = re.compile(
    r"sdcli(?: [a-z_|-]+)*"  # a command to run (sdcli open --resume, sdcli change accept|schedule)
    r"|--[a-z][a-z-]*"  # a flag
    r"|[\w.+-]+@[\w.-]+"  # an email address
    r"|\b(?:America|Pacific|Atlantic|Europe|Etc)/[A-Za-z_/]+"  # an IANA zone
    r"|\b(?:INC|SSR|CHG)\d+\b"  # an id
    r"|\b(?:tinydb|postgresql)://\S*"  # a store's URL
    r"|(?:/[\w.-]+)+"  # a path
    r"|\b\w+_\w+\b"  # a stored key or value shown as data (unknown_answers in a hint)
)


@cache
def english_words() -> frozenset[str]:
    """Every word of three letters or more of the frozen English texts, less the shared ones."""
    words: set[str] = set()
    for line in FROZEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        for part in line.split("{}"):
            words |= {w.lower() for w in re.findall(r"[A-Za-z]+", part) if len(w) >= 3}
    return frozenset(words - SHARED)


def english_in(text: str, lang: str = "es") -> list[str]:
    """The English words in text (a session in lang), each with the line it is on."""
    plain = NOT_WORDS.sub(" ", ANSI.sub("", text))
    found = []
    english = english_words() - SHARED_IN.get(lang, frozenset())
    for line in plain.splitlines():
        for word in re.findall(r"[^\W\d_]+", line):
            if word.lower() in english and word.isascii():
                found.append(f"{word!r} in {line.strip()[:120]!r}")
    return found


DOWN, UP, ENTER, KILL = "\x1b[B", "\x1b[A", "\r", "\x15"

#: the prompts of each language (what a terminal session waits for before typing)
LABELS = {
    "es": {"customer": "Nombre del cliente", "site": "Sitio del cliente", "country": "País del sitio",
           "zone": "Zona horaria del sitio", "problem": "Descripción del problema", "details": "Detalle del problema",
           "name": "1. Nombre", "email": "1. Correo", "phone": "1. Teléfono", "another": "¿Agregar otro contacto?",
           "hours": "Horarios de apertura", "reference": "Incidente interno", "service": "Tipo de servicio",
           "contingency": "¿Tiene una contingencia", "power": "¿Tiene energía", "outage": "¿Hubo un corte", "rain": "¿Está lloviendo",
           "connected": "¿Están todos los equipos", "rebooted": "¿Se realizó un reinicio", "source": "Número de origen",
           "destination": "Número de destino", "calls": "Fechas y horas", "more_calls": "Otra fecha y hora",
           "what_now": "¿Qué desea hacer?", "severity": "Severidad", "why": "¿Por qué", "call": "¿A quién llama",
           "outcome": "Resultado de la llamada", "note": "Nota", "ssr_customer": "Cliente", "ssr_site": "Sitio",
           "ssr_country": "País del sitio", "ssr_zone": "Zona horaria", "requester": "Solicitante",
           "category": "Categoría", "field1": "Id del circuito", "field2": "Nuevo ancho de banda",
           "start": "Inicio", "end": "Fin", "description": "Descripción", "type": "Tipo de cambio",
           "work": "Descripción del trabajo", "pm": "Gerente de proyecto", "yes": "s", "no": "n",
           "another_call": "¿Otra llamada?"},
    "pt": {"customer": "Nome do cliente", "site": "Site do cliente", "country": "País do site",
           "zone": "Fuso horário do site", "problem": "Descrição do problema", "details": "Detalhes do problema",
           "name": "1. Nome", "email": "1. E-mail", "phone": "1. Telefone", "another": "Adicionar outro contato?",
           "hours": "Horário de funcionamento", "reference": "Incidente interno", "service": "Tipo de serviço",
           "contingency": "Possui uma contingência", "power": "Há energia", "outage": "Houve queda", "rain": "Está chovendo",
           "connected": "Todos os equipamentos", "rebooted": "Foi feito reinício", "source": "Número de origem",
           "destination": "Número de destino", "calls": "Datas e horários", "more_calls": "Outra data e hora",
           "what_now": "O que deseja fazer?", "severity": "Severidade", "why": "Por que", "call": "Para quem liga",
           "outcome": "Resultado da chamada", "note": "Nota", "ssr_customer": "Cliente", "ssr_site": "Site",
           "ssr_country": "País do site", "ssr_zone": "Fuso horário", "requester": "Solicitante",
           "category": "Categoria", "field1": "Id do circuito", "field2": "Nova banda",
           "start": "Início", "end": "Fim", "description": "Descrição", "type": "Tipo de mudança",
           "work": "Descrição do trabalho", "pm": "Gerente de projeto", "yes": "s", "no": "n",
           "another_call": "Outra ligação?"},
}  # fmt: skip
NOW = "2026-12-02T15:00:00-03:00"


def flows(lang: str) -> list[tuple[list[str], list[tuple[str | None, str]], int]]:
    """(arguments, [(prompt to wait for, keys)]) of a whole session: an incident opened through the
    questionnaire (a typo, a time in the future, "don't know", a date shown back in words), classified
    by hand, escalated, an SSR and a change filed through their prompts, then the views and refusals;
    with the exit code each step ends with."""
    L = LABELS[lang]
    y, n = L["yes"], L["no"]
    incident = [
        (L["customer"], "Minera Sur\r"), (L["site"], "Antofagasta\r"), (L["country"], "CL\r"), (L["zone"], ENTER),
        (L["problem"], DOWN * 4 + ENTER), (L["details"], "Sin tono\r"), (L["name"], "Rosa Vera\r"),
        (L["email"], "rosa@@minera\r"), (None, KILL + "rosa@minera.cl\r"), (L["phone"], "+56 2 2345 6789\r"),
        (L["another"], n), ("1.", ENTER), (L["hours"], "Lun-Vie 08:00-18:00\r"), (L["reference"], ENTER),
        (L["service"], DOWN + ENTER), (L["contingency"], ENTER), (None, "?"), (L["power"], y), (L["outage"], n),
        (L["rain"], n), (L["connected"], y), (L["rebooted"], n), (L["source"], "+56 2 2345 6789\r"),
        (L["destination"], "+56 2 2345 6780\r"), (L["calls"], "03/12/2026 09:40\r"),
        (None, KILL + "01/12/2026 09:40\r"), (L["more_calls"], ENTER), (L["what_now"], ENTER),
    ]  # fmt: skip
    ssr = [
        (L["ssr_customer"], "Minera Sur\r"), (L["ssr_site"], "Planta Norte\r"), (L["ssr_country"], "BR\r"),
        (L["ssr_zone"], ENTER), (L["requester"], "Ana Lima <ana@minera.com.br> +55 11 98765-4321\r"),
        (L["category"], ENTER), (L["field1"], "CIR-77\r"), (L["field2"], "200 Mbps\r"),
        (L["start"], "07/12/2026 09:00\r"), (L["end"], "07/12/2026 10:00\r"), (L["description"], "Ampliación\r"),
        (L["what_now"], ENTER),  # the review before filing: save
    ]  # fmt: skip
    change = [
        (L["ssr_customer"], "Minera Sur\r"), (L["ssr_site"], "Antofagasta\r"), (L["ssr_country"], ENTER),
        (L["ssr_zone"], ENTER), (L["pm"], ENTER), (L["type"], ENTER), (L["work"], "Mover la antena al techo\r"),
        (L["start"], "10/12/2026 22:00\r"), (L["end"], "11/12/2026 04:00\r"), (L["what_now"], ENTER),
    ]  # fmt: skip
    steps = [
        (["open"], incident),
        (["classify", "INC1"], [(L["severity"], UP + ENTER), (L["why"], "Cliente crítico\r")]),
        (["escalate", "INC1"], [(L["call"], ENTER), (L["outcome"], DOWN + ENTER), (L["note"], "Sin respuesta\r"),
                                (L["another_call"], n)]),
        (["ssr"], ssr),
        (["customer", "add", "Minera Sur", "--account-manager", "Tomás Vidal <tomas@example.com> +56 2 2345 6000",
          "--country", "CL"], []),  # fmt: skip
        (["change"], change),
        (["show", "INC1"], []), (["show", "SSR1"], []), (["show", "CHG1"], []),
        (["list", "--all"], []), (["ssr", "list"], []), (["change", "list"], []), (["shift"], []),
    ]  # fmt: skip
    refused = [  # each one line in the session's language, exit 1
        ["close", "INC1"], ["show", "INC99"], ["escalate", "INC1", "--channel", "sms"],
        ["ssr", "check", "--start", "03/12/2026 09:00", "--country", "BR", "--tz", "America/Sao_Paulo"],
        ["change", "accept", "CHG1", "--by", "Tomás Vidal"],
    ]  # fmt: skip
    return [(args, keys, 0) for args, keys in steps] + [(args, [], 1) for args in refused]
