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
