"""A yes/no answer, and "don't know" in the three languages: the words, and the sentences of doubt
an answer may be written as ('No estoy seguro', 'Não lembro', 'No se si hubo'), read by one rule
at the prompt, in flags, files, imports and e-mail. Split from validate.py, which re-exports it.
No CLI imports."""

from __future__ import annotations

import re
from typing import Any

from sdcli.errors import InvalidValue

_TRUE = {"y", "yes", "true", "1", "s", "si", "sí", "sim", "on"}
_FALSE = {"n", "no", "false", "0", "nao", "não", "off"}
#: the third answer to a yes/no question: the caller does not know (stored as null and named in
#: the ticket's unknown_answers)
UNKNOWN = "unknown"
_UNKNOWN = {"unknown", "?", "dk", "don't know", "dont know", "i don't know", "i dont know", "not sure", "no idea",
            "no sabe", "nosabe", "ns", "no sé", "no se", "no lo sé", "no lo se", "no sabemos", "ni idea", "no se sabe",
            "desconocido", "não sabe", "nao sabe", "não sei", "nao sei", "não sabemos", "nao sabemos", "sei lá",
            "sei la", "não se sabe", "ns/nr", "desconhecido"}  # fmt: skip
#: "don't know" phrases that also begin an answer that knows ("no se reinició": it was not restarted)
_UNKNOWN_ONLY_WHOLE = {"no se", "nao se"}


#: "not sure / don't remember / can't confirm" as a sentence begins in es, pt and en: a negation, the
#: words that may come between (me, lo, estoy, tengo, ...), then a word of knowing. "No tengo
#: contingencia" and "No, confirmo que no" are answers (no word of knowing right after), not doubts.
_DOUBT = re.compile(
    r"^(?:no|não|nao|not|i'?m not|i am not|we'?re not|(?:i |we )?(?:don'?t|do not|can'?t|cannot|could not|couldn'?t))"
    r"(?:\s+(?:me|nos|lo|la|le|se|lhe|estoy|estamos|está|esta|estou|tengo|tenemos|tenho|temos|really|for|"
    r"puedo|podemos|posso|consigo|conseguimos|sabría|sabria|saberia|saberíamos|sabríamos))*"
    r"\s+(?:segur[oa]s?|cert[oa]s?|certez[ae]|clar[oa]|recuerd[oa]n?|recordamos|acuerd[oa]|acordamos|"
    r"lembr[oa]|lembramos|sabe|sabemos|saben|sé|sei|idea|ideia|sure|certain|know|remember|recall|"
    r"confirm\w*|asegur\w*|verific\w*|decir|dizer|say|tell)\b"
)
#: "no se" as a clause of its own (then a mark) or before "si" (whether) is "no sé" without its accent;
#: before a verb it is an answer ("No se reinició": it was not restarted)
_NO_SE_ALONE = re.compile(r"^no\s+se\s*(?:[,.;:!?\u2026\-\u2013\u2014()]|\s+si\b)")
#: what unknown_phrase gives for such a sentence: a "don't know" yesno(unknown=True) reads as UNKNOWN
_DOUBTED = "not sure"


def unknown_phrase(text: str) -> str | None:
    """The "don't know" an answer written in a sentence starts with ('No sé, creo que no' → 'no sé';
    'No estoy seguro', 'Não lembro', 'No puedo confirmar' → 'not sure'), else None; what
    yesno(unknown=True) reads as UNKNOWN."""
    folded = text.casefold()
    words = re.findall(r"[\w'/?]+", folded)
    for n in (4, 3, 2, 1):
        phrase = " ".join(words[:n])
        if len(words) >= n and phrase in _UNKNOWN and (n == len(words) or phrase not in _UNKNOWN_ONLY_WHOLE):
            return phrase
    if _DOUBT.match(" ".join(folded.replace("\u2019", "'").split())):  # a comma ends it: "No, estoy seguro"
        return _DOUBTED
    if _NO_SE_ALONE.match(folded):  # "No se, creo que sí", "No se si hubo": "no sé" without its accent
        return _DOUBTED
    return None


def yesno(field: str, value: Any, *, unknown: bool = False) -> bool | str:
    """True, False, or (with unknown) UNKNOWN for "don't know" in any of the three languages."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        if unknown and word and unknown_phrase(word) is not None:  # as e-mail reads it: "No sé si hubo"
            return UNKNOWN
    raise InvalidValue(field, value, "invalid.yesno_unknown" if unknown else "invalid.yesno")
