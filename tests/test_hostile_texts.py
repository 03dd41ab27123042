"""Hostile texts on the paths added for the language of an e-mail's answers: an answer of a
megabyte without a space (a pasted log line, a base64 blob) is read once, its language still told
(issue: each of its characters started the address pattern's scan again, minutes per message)."""

from __future__ import annotations

import pytest

#: an e-mail may be 25 MB (mail.read.MAX_BYTES): one answer of 1 MB with no space in it
BLOB = 1_000_000


@pytest.mark.parametrize("blob", ["a" * BLOB, "(" * BLOB, '"' * BLOB, "a." * (BLOB // 2)])
def test_an_answer_of_a_megabyte_without_a_space_is_read_with_its_language(blob):
    from sdcli.mail import written

    assert written.lang_of(["O link caiu ontem e não voltou", blob, "Sim"]) == "pt"
    assert written.lang_of([blob]) is None
    # the word holding an @ is still no word of a language, however long
    assert written.lang_of([f"{blob}@acme.com.br sim não", "Sim"]) == "pt"
    assert written.lang_of([f"o e do {blob}@x.com"]) == "pt"
