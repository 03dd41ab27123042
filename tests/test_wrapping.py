"""Long lines for an 80-column terminal: an escalation contact's hours and times, and a history
entry, are folded at their ' · ' separators with the lines after the first indented (the terminal's
own wrap started them again at column 0, in the middle of a part: '· la suya 09:52' alone)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sdcli.folding import hanging

T0 = datetime.fromisoformat("2026-12-03T04:52:00-05:00")  # a Thursday, 09:52 UTC
W80 = {"COLUMNS": "80", "LINES": "40", "SDCLI_LANG": "es", "TZ": "UTC"}


def at(minutes: float) -> dict:
    return {**W80, "SDCLI_NOW": (T0 + timedelta(minutes=minutes)).isoformat()}


def _incident(sdcli) -> str:
    doc = sdcli.json("open", "--no-input", "--customer", "Minera Andina", "--site", "Sede Arequipa", "--country",
                     "PE", "--problem", "slow", "--callback", "Ana Díaz <ana@minera.pe> 054 221100",
                     "--service-type", "internet", "--no-contingency", "--source-ip", "10.1.1.1", "--destination-ip",
                     "8.8.8.8", "--json", env=at(0))  # fmt: skip
    sdcli.json("classify", doc["id"], "--severity", "2", "--reason", "lento, sin contingencia, varios sitios",
               "--json", env=at(0))  # fmt: skip
    return doc["id"]


def test_a_line_is_folded_at_its_separators_and_the_rest_indented():
    line = (
        "    FUERA DE HORARIO (Lun-Vie 08:00-20:00) · su hora Jue 03:52 Ciudad de México · la suya 09:52 UTC"
    )
    assert hanging(line, 80) == ["    FUERA DE HORARIO (Lun-Vie 08:00-20:00) · su hora Jue 03:52 Ciudad de México",
                                 "        · la suya 09:52 UTC"]  # fmt: skip
    assert hanging(line, 200) == [line]
    one = "x " * 60  # no separator: between words, the same indent
    folded = hanging(one.strip(), 40)
    assert all(len(x) <= 40 for x in folded) and all(x.startswith("    ") for x in folded[1:])
    assert " ".join(x.strip() for x in folded) == one.strip()  # nothing lost or reordered


def test_the_escalation_table_folds_a_contacts_times_under_it(sdcli):
    r = sdcli("escalate", _incident(sdcli), env=at(0))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    (i,) = [n for n, x in enumerate(lines) if "Ciudad de México" in x]
    assert lines[i].startswith("    FUERA DE HORARIO") and lines[i + 1] == "        · la suya 09:52 UTC"


def test_a_history_entry_goes_on_indented(sdcli):
    tid = _incident(sdcli)
    lines = sdcli("show", tid, env=at(1)).stdout.splitlines()
    start = next(n for n, x in enumerate(lines) if "clasificado ·" in x)
    assert max(map(len, lines)) <= 80
    rest = lines[start + 1 : start + 3]
    assert rest and all(x.startswith("    · ") for x in rest), lines[start:]


def test_a_question_longer_than_the_line_is_folded_between_words(monkeypatch):
    """The terminal wrapped a long question mid-word ("(opcional, E" / "nter para omitir)"); it is
    folded between words, the lines after the first indented, room left for the answer on the last."""
    from sdcli.asking import ANSWER_ROOM, folded

    monkeypatch.setenv("COLUMNS", "80")
    for label in ("Horarios de apertura del lugar (p. ej. 24x7, Lun-Vie 08:00-18:00) (opcional, Enter para omitir)",
                  "Incidente interno (número de ticket del cliente) (opcional, Enter para omitir)"):  # fmt: skip
        lines = folded(label).split("\n")
        assert len(lines) == 2 and lines[1].startswith("  ") and not lines[1].startswith("   ")
        assert all(len(x) + 2 <= 80 for x in lines) and len(lines[-1]) + 2 + ANSWER_ROOM <= 80
        assert " ".join(x.strip() for x in lines) == label  # nothing lost or reordered
    assert folded("Nombre del cliente") == "Nombre del cliente"
    monkeypatch.setenv("COLUMNS", "200")
    assert "\n" not in folded(
        "Incidente interno (número de ticket del cliente) (opcional, Enter para omitir)"
    )


def test_a_refusal_under_a_question_is_folded_between_words(monkeypatch):
    """The line under a question saying why an answer is refused was wrapped by the terminal
    mid-word at 80 columns ("indique la línea di" / "recta"); it is folded between words now,
    nothing lost, and on a wide terminal it is one line."""
    from sdcli import i18n, validate
    from sdcli.asking import _validator

    i18n.use("es")
    try:
        check = _validator(lambda raw: validate.phone("phone", raw, "PE"), required=True)
        monkeypatch.setenv("COLUMNS", "80")
        said = check("054 215 330 anexo 12")
        assert isinstance(said, str) and "\n" in said
        lines = said.split("\n")
        assert all(len(x) <= 79 for x in lines), lines
        assert any(x.endswith("línea") for x in lines)  # the fold falls between words
        monkeypatch.setenv("COLUMNS", "200")
        assert check("054 215 330 anexo 12") == " ".join(lines)
    finally:
        i18n.use("en")


def test_a_note_typed_on_several_lines_is_shown_as_typed(sdcli):
    """`show` joined a note's own lines into one paragraph (textwrap made its newlines spaces) and
    read a ' · ' the agent typed as a separator of sdcli's, starting a line there; a note is shown
    as typed, its lines under it, folded between words only where a line is longer than the terminal."""
    tid = _incident(sdcli)
    note = ("Se revisó el enlace con el cliente y se acordó lo siguiente para la ventana de mañana por la tarde:\n"
            "  1. reinicio\n  2. cambio de puerto · probado")  # fmt: skip
    assert sdcli("note", tid, note, env=at(1)).exit_code == 0
    lines = sdcli("show", tid, env=at(2)).stdout.splitlines()
    assert max(map(len, lines)) <= 80
    start = next(n for n, x in enumerate(lines) if "Se revisó el enlace" in x)
    after = lines[start + 1 : start + 4]
    assert after[0].strip().startswith("ventana de mañana") and after[0].startswith("      ")
    assert after[1].endswith("  1. reinicio") and after[2].endswith("  2. cambio de puerto · probado"), after


def test_a_value_is_folded_between_words_never_inside_a_phone_number_or_a_date():
    """A table's own wrap split "+55 81" from "99876-5432" (two numbers to dial) and "3 dez" from
    "2026 12:32"; kept() folds between the other words, and loses or reorders nothing."""
    from sdcli.folding import kept

    contact = "João Silva <joao.silva@gpa.com.br> +55 81 99876-5432"
    for width in range(20, len(contact)):
        lines = kept(contact, width).split("\n")
        assert "+55 81 99876-5432" in lines, (width, lines)
        assert " ".join(lines) == contact
    pause = "desde=3 dez 2026 12:32 São Paulo -03, a=3 dez 2026 14:05 São Paulo -03, motivo=cliente"
    for width in range(22, len(pause)):
        lines = kept(pause, width).split("\n")
        assert all(x.count("dez") == x.count("2026") for x in lines), (width, lines)
        assert " ".join(lines) == pause
    window = "7 dic 2026 22:00 Lima -05 · 8 dic 03:00 su hora"  # the review parted "8 dic" from "03:00"
    for width in range(20, len(window)):
        lines = kept(window, width).split("\n")
        assert any("8 dic 03:00" in x for x in lines) and " ".join(lines) == window, (width, lines)
    cost = "El costo (150,00 USD) figurará en la factura de fin de mes."  # "150,00" / "USD" parted
    for width in range(12, len(cost)):
        lines = kept(cost, width).split("\n")
        assert any("150,00 USD" in x for x in lines) and " ".join(lines) == cost, (width, lines)
    two = "Ana Díaz <a@b.pe>\n+51 1 4117000"  # its own lines kept
    assert kept(two, 14) == "Ana Díaz\n<a@b.pe>\n+51 1 4117000"
    assert kept(contact, 80) == contact
    tabbed = "se probó\treinicio y cambio de puerto del equipo, sin resultado"  # a tab typed stays one
    assert "\t" in kept(tabbed, 24) and kept(tabbed, 24).replace("\n", " ") == tabbed
    glued = "un\u2007texto\u2007con su propio espacio de cifra, tal cual"  # typed: folded as it is
    assert kept(glued, 20).replace("\n", " ") == glued


def test_show_and_the_review_never_part_a_phone_number(sdcli, monkeypatch):
    """At 80 columns `show` gave "João Silva <joao.silva@gpa.com.br> +55 81" and "99876-5432" on
    the next line; the review before saving could do the same in its narrower column."""
    from sdcli import ui
    from tests.intake_keys import ENTER, KILL_LINE, PROBLEM, SAVE, SERVICE, line, run_open, select, yes

    doc = sdcli.json("open", "--no-input", "--customer", "Supermercados Pão de Açúcar", "--site", "Loja Recife",
                     "--country", "BR", "--tz", "America/Sao_Paulo", "--problem", "link_down", "--callback",
                     "João Silva <joao.silva@gpa.com.br> (81) 99876-5432", "--service-type", "mpls",
                     "--no-contingency", "--power", "--json", env={"SDCLI_LANG": "pt"})  # fmt: skip
    for columns in ("80", "64"):
        shown = sdcli("show", doc["id"], env={"COLUMNS": columns, "SDCLI_LANG": "pt"}).stdout.splitlines()
        assert max(map(len, shown)) <= int(columns)
        assert [x for x in shown if "+55" in x][0].strip().endswith("+55 81 99876-5432"), shown
    keys = [line("ACME Perú"), line("Lima HQ"), KILL_LINE + line("PE"), select(PROBLEM["link_down"]), ENTER,
            line("Ana María Díaz Fernández"), line("ana.maria.diaz@acme-peru.com.pe"), line("01 4117000"),
            yes(False), ENTER, ENTER, ENTER, select(SERVICE["mpls"]), yes(False), yes(True), yes(False), yes(False),
            yes(True), yes(True), SAVE]  # fmt: skip
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    for columns in ("64", "88"):  # at 64 the table cut the address mid-word; at 88 it parted "+51 1"
        monkeypatch.setenv("COLUMNS", columns)
        r = run_open(keys, env={"SDCLI_LANG": "es", "COLUMNS": columns})
        assert r.exit_code == 0, r.output
        review = r.stdout.splitlines()
        assert any("+51 1 4117000" in x for x in review), r.stdout
        assert any("<ana.maria.diaz@acme-peru.com.pe>" in x for x in review), r.stdout
