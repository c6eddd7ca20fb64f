"""The JSON reporter's own indenting encoder writes exactly what ``json.dumps(value,
indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook_lint.reporters.json import dumps_indented

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [
    float("nan"), float("inf"), -float("inf"), -0.0, 10**30, "\ud800 lone", "\u2028\x00\"\\",
    {1: [], 2.5: {}, False: [[]], None: [{}]}, [], {}, {"a": {"b": [1, {"c": None}]}},
])
def test_edge_values(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_what_json_cannot_hold_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): 1})
