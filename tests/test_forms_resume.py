"""`ssr --resume` and `change --resume` without a terminal (--no-input, or stdin not a tty) use the
draft's answers, the flags given over them, as `open --resume --no-input` does: they were
ignored (a script resuming a draft was refused as incomplete, or saved without the draft's
answers). The draft is removed only once the form is saved."""

from __future__ import annotations

import pytest
from conftest import err
from intake_keys import KILL_LINE, line
from test_forms import DOWN, run_form

import sdcli.ui as ui
from sdcli import drafts
from sdcli.store import open_store

#: the next morning (the forms were walked at test_forms.NOW, 2 December 15:00 -03)
LATER = {"SDCLI_NOW": "2026-12-03T11:00:00-03:00", "SDCLI_LANG": "en"}

SSR_KEYS = [line("ACME"), line("Lima HQ"), KILL_LINE + line("PE"), line("Ana Díaz <ana@acme.pe> 01 4117000"),
            DOWN * 5 + "\r", line("rtr-lima-01"),  # configuration backup: its device
            line("15/12/2026 22:00"), line("15/12/2026 23:30")]  # fmt: skip  # then the input ends
CHANGE_KEYS = [line("Minera Sur"), line("Antofagasta"), KILL_LINE + line("CL"), "\r",  # Chile's first zone
               line("Rosa Vera <rosa@minera.cl> +56 2 2345 6789"), DOWN + "\r",  # rack relocation
               line("Move the rack"), line("15/12/2026 08:00")]  # fmt: skip  # no window end


def interrupted(monkeypatch, home, form: str, keys: list[str], args: list[str] | None = None) -> drafts.Draft:
    """The form walked on a terminal until its input ends: the draft it keeps (exit 130)."""
    with monkeypatch.context() as m:
        m.setattr(ui, "stdin_is_tty", lambda: True)
        r = run_form(form, keys, args)
    assert r.exit_code == 130, r.output
    (draft,) = drafts.all_drafts(home, form=form)
    return draft


@pytest.mark.parametrize("no_input", [["--no-input"], []])  # stdin is not a tty under CliRunner either way
def test_ssr_resume_without_a_terminal_files_the_draft_s_answers(sdcli, home, monkeypatch, no_input):
    draft = interrupted(monkeypatch, home, "ssr", SSR_KEYS)
    assert draft.answers["details.device"] == "rtr-lima-01" and "description" not in draft.answers
    doc = sdcli.json("ssr", "--resume", *no_input, "--description", "monthly backup", "--json", env=LATER)
    assert (doc["customer"], doc["site"], doc["category"]) == ("ACME", "Lima HQ", "configuration_backup")
    assert doc["details"] == {"device": "rtr-lima-01"} and doc["description"] == "monthly backup"
    assert doc["requester"]["phone"] == "+5114117000" and doc["window_start"] == "2026-12-15T22:00:00-05:00"
    assert (
        doc["received_at"] == "2026-12-02T13:00:00-05:00"
    )  # when the form began (the call: 15:00 -03), not now
    assert drafts.all_drafts(home) == []  # saved: the draft is gone


def test_ssr_resume_flags_win_over_the_draft(sdcli, home, monkeypatch):
    interrupted(monkeypatch, home, "ssr", SSR_KEYS)
    doc = sdcli.json("ssr", "--resume", "--no-input", "--description", "x", "--site", "Lima Centro",
                     "--field", "device=rtr-lima-02", "--end", "15/12/2026 23:00", "--json", env=LATER)  # fmt: skip
    assert doc["site"] == "Lima Centro" and doc["details"] == {"device": "rtr-lima-02"}
    assert doc["window_end"] == "2026-12-15T23:00:00-05:00" and doc["customer"] == "ACME"


def test_ssr_resume_of_an_incomplete_draft_names_what_is_missing_and_keeps_it(sdcli, home, monkeypatch):
    draft = interrupted(monkeypatch, home, "ssr", SSR_KEYS)
    r = sdcli("ssr", "--resume", "--no-input", env=LATER)
    assert r.exit_code != 0 and "--description" in err(r), err(r)
    assert "--customer" not in err(r) and "--start" not in err(r), err(r)  # the draft has them
    assert [d.id for d in drafts.all_drafts(home)] == [draft.id]  # not saved: kept
    assert not (home / "store").exists() or list(open_store(home=home).all_tickets()) == []


def test_ssr_resume_reads_the_draft_s_received_at_against_when_the_form_began(sdcli, home, monkeypatch):
    interrupted(monkeypatch, home, "ssr", SSR_KEYS, ["--received-at", "hace 2 horas"])
    doc = sdcli.json("ssr", "--resume", "--no-input", "--description", "x", "--json", env=LATER)
    assert doc["received_at"] == "2026-12-02T11:00:00-05:00"  # 2 hours before the form began, not before now


def test_change_resume_without_a_terminal_files_the_draft_s_answers(sdcli, home, monkeypatch):
    draft = interrupted(monkeypatch, home, "change", CHANGE_KEYS)
    assert draft.answers["window_start"] == "2026-12-15T08:00:00-03:00"
    r = sdcli("change", "--resume", "--no-input", env=LATER)
    assert r.exit_code != 0 and "--window-end" in err(r) and "--customer" not in err(r), err(r)
    assert [d.id for d in drafts.all_drafts(home)] == [draft.id]
    doc = sdcli.json("change", "--resume", "--window-end", "15/12/2026 10:00", "--description", "Move rack 2",
                     "--json", env=LATER)  # fmt: skip
    assert (doc["customer"], doc["site"], doc["type"]) == ("Minera Sur", "Antofagasta", "rack_relocation")
    assert doc["project_manager"]["name"] == "Rosa Vera" and doc["description"] == "Move rack 2"
    assert (
        doc["window_start"] == "2026-12-15T08:00:00-03:00"
        and doc["window_end"] == "2026-12-15T10:00:00-03:00"
    )
    assert drafts.all_drafts(home) == []


@pytest.mark.parametrize("form", ["ssr", "change"])
def test_several_drafts_in_a_script_are_refused_naming_them_and_draft_picks_one(sdcli, home, form):
    made = []
    for customer in ("ACME", "Minera Sur"):
        d = drafts.new(home, "tester", {"form": form})
        d.answers = {"customer": customer}
        drafts.save(home, d)
        made.append(d.id)
    r = sdcli(form, "--resume", "--no-input", env=LATER)
    assert r.exit_code == 1 and "several drafts: choose one with --draft" in err(r), err(r)
    assert all(i in err(r) for i in made)
    r = sdcli(form, "--resume", "--no-input", "--draft", made[1], env=LATER)
    assert r.exit_code != 0 and "--customer" not in err(r) and "--site" in err(r), err(r)  # its answer used
    assert sorted(d.id for d in drafts.all_drafts(home)) == sorted(made)


@pytest.mark.parametrize("form", ["ssr", "change"])
def test_resume_without_a_draft_is_refused(sdcli, home, form):
    r = sdcli(form, "--resume", "--no-input", env=LATER)
    assert r.exit_code == 1 and "no draft to resume" in err(r), err(r)


def test_a_resumed_ssr_confirms_in_the_language_the_form_was_filled_for(sdcli, home, monkeypatch):
    """A form begun with `--lang es` (the customer's language, chosen when the call began) and
    resumed by a script of an English session: the confirmation for the customer came in English.
    It is in the draft's language now; a --lang given to the resume still wins."""
    draft = interrupted(monkeypatch, home, "ssr", SSR_KEYS, ["--lang", "es"])
    assert draft.options["lang"] == "es"
    r = sdcli("ssr", "--resume", "--no-input", "--description", "backup", env=LATER)  # SDCLI_LANG=en
    assert r.exit_code == 0, r.output
    assert "Confirmamos la recepción de su Solicitud" in r.stdout and "We confirm" not in r.stdout, r.stdout
    interrupted(monkeypatch, home, "ssr", SSR_KEYS, ["--lang", "es"])
    r = sdcli("ssr", "--resume", "--no-input", "--lang", "pt", "--description", "backup", env=LATER)
    assert r.exit_code == 0 and "Confirmamos o recebimento" in r.stdout, r.stdout


def test_a_resumed_change_goes_on_in_the_language_its_form_was_filled_in(sdcli, home, monkeypatch):
    """A change form walked in Spanish and resumed from an English session answered in English:
    it goes on in the draft's language, as `open --resume` does."""
    with monkeypatch.context() as m:
        m.setattr(ui, "stdin_is_tty", lambda: True)
        r = run_form("--lang", CHANGE_KEYS, ["es", "change"])
    assert r.exit_code == 130, r.output
    (draft,) = drafts.all_drafts(home, form="change")
    assert draft.options["lang"] == "es"
    r = sdcli("change", "--resume", "--window-end", "15/12/2026 10:00", "--description", "d", env=LATER)
    assert r.exit_code == 0, r.output
    assert "Encaminado al" in r.output and "Routed to" not in r.output, r.output
