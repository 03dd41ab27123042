"""What a form's question and a zone are called, in each language: an optional question says how
to skip it once (the walker's hint, never a second one of the label's own), and a city with a
name of its own in Spanish or Portuguese (an exonym: London is Londres) is called by it."""

from __future__ import annotations

from datetime import datetime

import pytest

import sdcli.prompts as prompts
from sdcli import i18n, intake
from sdcli.questionnaire import load_form, load_questionnaire

LANGS = ("es", "en", "pt")
HINTS = {"es": "Enter", "en": "Enter", "pt": "Enter"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form", ["incident", "ssr", "change"])
def test_every_optional_question_says_once_how_to_skip_it(form, lang):
    questions = load_questionnaire(None) if form == "incident" else load_form(form, None)
    i18n.use(lang)
    try:
        walker = prompts.Walker(questions, None, lang, None, lambda a: None, form=form)
        labels = {q.key: walker._label(q) for q in questions}
    finally:
        i18n.use("en")
    optional = [q.key for q in questions if not q.required and q.kind != "yesno"]
    assert optional or form == "ssr", form  # the SSR form has every field required (the source)
    for key in optional:
        assert labels[key].count(HINTS[lang]) == 1 and ")(" not in labels[key], (key, labels[key])
        assert labels[key].endswith(f"({i18n.t_in(lang, 'prompt.optional')})"), labels[key]


def test_the_change_forms_project_manager_label_carries_no_hint_of_its_own():
    for lang in LANGS:
        text = i18n.t_in(lang, "change.ask_pm")
        assert "Enter" not in text and "(" not in text, (lang, text)


def test_a_zone_choice_names_its_cities_in_the_agents_language(monkeypatch):
    asked: list[list[tuple[str, str]]] = []
    monkeypatch.setattr(
        prompts, "select", lambda label, choices, *a, **k: asked.append(choices) or choices[0][1]
    )
    monkeypatch.setattr(prompts, "columns", lambda: 200)
    questions = load_questionnaire(None)
    zone = next(q for q in questions if q.kind == "zone")
    for lang, want, not_there in (("es", "Nueva York, Miami", "New York"), ("pt", "Nova York, Miami", "New York"),
                                  ("en", "New York, Miami", "Nueva York")):  # fmt: skip
        ctx = intake.make_context(None, country="US")
        walker = prompts.Walker(questions, ctx, lang, None, lambda a: None)
        assert walker._zone(zone, {"country": "US"}) == "America/New_York"
        first = asked[-1][0][0]
        assert first.startswith(want) and not_there not in first, (lang, first)
    ctx = intake.make_context(None, country="MX")
    prompts.Walker(questions, ctx, "pt", None, lambda a: None)._zone(zone, {"country": "MX"})
    assert asked[-1][0][0].startswith("Cidade do México, Guadalajara"), asked[-1][0][0]


@pytest.mark.parametrize(
    ("zone", "lang", "name"),
    [("Europe/London", "es", "Londres"), ("Europe/London", "pt", "Londres"), ("Europe/London", "en", "London"),
     ("America/New_York", "es", "Nueva York"), ("America/Mexico_City", "en", "Ciudad de México"),
     ("Pacific/Easter", "pt", "Ilha de Páscoa"), ("America/Manaus", "es", "Manaos"),
     ("America/Manaus", "pt", "Manaus"), ("America/Lima", "es", "Lima")],
)  # fmt: skip
def test_a_zone_is_named_by_its_citys_name_in_the_language(zone, lang, name):
    from sdcli.dates import When, city
    from sdcli.render import answer_text

    assert city(zone, lang) == name
    question = next(q for q in load_questionnaire(None) if q.kind == "zone")
    assert answer_text(zone, question, lang) == f"{name} ({zone})"
    shown = When(datetime.fromisoformat("2026-03-02T14:05:00+00:00"), zone).render(lang)
    assert f" {name} " in shown, shown


def test_a_british_tickets_times_say_londres_in_a_spanish_session(sdcli):
    doc = sdcli.json("open", "--no-input", "--customer", "Banco Andino", "--site", "City office", "--country", "GB",
                     "--problem", "link_down", "--callback", "Ana <ana@example.com> +44 20 7946 0005",
                     "--service-type", "mpls", "--json", env={"SDCLI_NOW": "2026-03-02T14:05:00+00:00"})  # fmt: skip
    r = sdcli("--lang", "es", "show", doc["id"])
    assert (
        r.exit_code == 0 and "Londres" in r.stdout and "London" not in r.stdout.replace("Europe/London", "")
    ), r.stdout


def test_a_message_naming_a_city_by_its_exonym_finds_its_zone():
    from sdcli import sites
    from sdcli.mail import answers

    known = sites.countries()
    assert answers.zone("hora de Nueva York", known, "US") == "America/New_York"
    assert answers.zone("Manaos", known, "BR") == "America/Manaus"
    assert answers.zone("Manaus", known, "BR") == "America/Manaus"
