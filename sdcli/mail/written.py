"""The language a message's answers are written in, when they say it clearly. No CLI imports.

A form's labels say which form the customer filled in, not the language they write: a Brazilian
site answers the Spanish form in Portuguese. The answers' words tell: yes/no and "don't know" (the
catalogues' [yesno] and sdcli.yesno's), month and weekday names, and the small words of a
sentence. A word counts for a language only when no other of the three has it ("no", "abril",
"desde" say nothing); addresses and numbers are dropped first (".com" is no Portuguese "com").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

#: words of one language each: yes/no/doubt, months, weekdays, the commonest words of a report
_WORDS = {
    "es": "sí si sé estoy estamos tengo tenemos hay ayer hoy mañana el los las del al una pero también ningún "
          "ninguna ninguno cuando equipo equipos enlace caído caída cayó sin servicio señal volvió seguro "
          "recuerdo sabemos ahora todavía aún nada está apagado encendido reinició reiniciamos luz corte "
          "enero febrero marzo mayo junio julio septiembre setiembre octubre noviembre diciembre "
          "lunes martes miércoles miercoles jueves viernes sábado sabado y o es son",
    "pt": "sim não nao sei estou tenho temos há ontem hoje amanhã o os do dos das uma mas também nenhum "
          "nenhuma quando equipamento equipamentos caiu sem serviço sinal voltou certeza lembro sabemos agora "
          "ainda nada está desligado ligado reiniciou reiniciamos energia queda e é são à "
          "janeiro fevereiro março maio junho julho setembro outubro novembro dezembro "
          "segunda terça terca quarta quinta sexta feira sábado",
    "en": "yes know sure remember the is was not and since yesterday today tomorrow down with without when "
          "has have been equipment service still nothing off on restarted rebooted power outage "
          "january february march april may june july august september october november december "
          "monday tuesday wednesday thursday friday saturday sunday",
}  # fmt: skip
#: an address: the whole word holding an @, tried only where a word starts (an unbroken 100 KB
#: answer, a pasted log line, is read once, not again from each of its characters)
_ADDRESS = re.compile(r"(?<!\S)\S*@\S*")
_SKIP = re.compile(r"https?://\S+|\bwww\.\S+|[+\d][\d\s().\-/:]{4,}")
_WORD = re.compile(r"[^\W\d_]+")
#: at least this many words of the language, and twice as many as of any other, to be clear
CLEAR = 2


@lru_cache(maxsize=1)
def _words() -> dict[str, str]:
    """word → its one language (a word two languages share belongs to neither)."""
    from sdcli.i18n import LANGS, t_in

    seen: dict[str, set[str]] = {}
    for lang in LANGS:
        said = [t_in(lang, f"yesno.{k}") for k in ("yes", "no", "unknown")]
        for word in {*_WORDS.get(lang, "").split(), *(w.casefold() for s in said for w in _WORD.findall(s))}:
            seen.setdefault(word, set()).add(lang)
    return {word: next(iter(langs)) for word, langs in seen.items() if len(langs) == 1}


def lang_of(answers: Iterable[str]) -> str | None:
    """The language the answers are written in (es, en or pt) when they say it clearly: CLEAR
    words of it at least and twice as many as of any other language; None else."""
    words = _words()
    counts: Counter[str] = Counter()
    for text in answers:
        for word in _WORD.findall(_SKIP.sub(" ", _ADDRESS.sub(" ", str(text))).casefold()):
            if word in words:
                counts[words[word]] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < CLEAR:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


#: answers that name people, places and references: no words of the writer's language
_NAMES = frozenset({"customer", "site", "callback_contacts", "local_contacts", "customer_reference", "requester",
                    "country", "timezone"})  # fmt: skip


def of_answers(answers: dict[str, str]) -> dict[str, str]:
    """{"written_lang": code} for a message's answers (key → text) when they say it clearly, {} else."""
    lang = lang_of(v for k, v in answers.items() if k not in _NAMES and not k.startswith("details."))
    return {"written_lang": lang} if lang else {}
