"""JSON streamed an item at a time (list --json, shift --json) is laid out byte for byte as
json.dumps(indent=2, ensure_ascii=False) lays it out, so scripts see one format whatever the size."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from hypothesis import given, settings
from hypothesis import strategies as st

from sdcli.views import output

_SCALARS = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_VALUES, max_size=4))
def test_a_streamed_array_is_json_dumps_text(items):
    assert _written(output.stream_json, items) == json.dumps(items, indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _VALUES | st.lists(_VALUES, max_size=4), max_size=4))
def test_a_streamed_object_is_json_dumps_text(data):
    expected = json.dumps(data, indent=2, ensure_ascii=False) + "\n" if data else "{}\n"
    assert _written(output.stream_json_object, data) == expected


def _written(write, value) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        write(value)
    return buf.getvalue()
