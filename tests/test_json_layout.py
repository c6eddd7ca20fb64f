"""The JSON reporter's layout: the same text as ``json.dumps(indent=2)``, byte for byte."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from enum import IntEnum, StrEnum

from hypothesis import given, settings
from hypothesis import strategies as st

from playbook_lint.findings import Edit, Finding, Fix, Severity
from playbook_lint.reporters import Summary, get_reporter
from playbook_lint.reporters.json import dumps_indented


def expected(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


# strings with escapes, controls, quotes, backslashes, non-ASCII, astral and lone
# surrogates (file names that are not UTF-8 decode with surrogateescape)
TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12) | \
    st.sampled_from(['"', "\\", "\n\r\t\b\f", "\x00\x1f\x7f", "é ü ☃ 𝄞", "\udcff", "</script>"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**64) |
           st.floats(allow_nan=True, allow_infinity=True) | TEXT)
KEYS = TEXT | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) |
    st.dictionaries(TEXT, inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_same_text_as_json_dumps_indent_2(value: object) -> None:
    assert dumps_indented(value) == expected(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(TEXT, SCALARS, max_size=12), max_size=6))
def test_flat_findings_list(value: object) -> None:
    doc = {"version": "1", "files": 3, "findings": value, "summary": {}, "messages": []}
    assert dumps_indented(doc) == expected(doc)


class Colour(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


def test_edge_values() -> None:
    cases: list[object] = [
        {}, [], (), "", 0, -0.0, 1e16, 1e-7, math.inf, -math.inf, 10**40, True, None,
        {"a": {}}, {"a": []}, [[]], [{}], [[], [[]], {"x": ()}],
        {"nan": math.nan}, {7: "int key", 2.5: "float key", False: "f", None: "n"},
        {"s": Colour.RED, "i": Level.HIGH}, [Colour.RED, Level.HIGH],
        OrderedDict([("b", 1), ("a", [1, {"c": OrderedDict()}])]),
        {"deep": {"er": {"est": [1, [2, [3, {"x": "y\n\"z\""}]]]}}},
    ]
    for value in cases:
        assert dumps_indented(value) == expected(value), value


def test_cannot_encode_raises_as_json_does() -> None:
    for bad in ({"a": object()}, [1, {2, 3}], {("t",): 1}):
        try:
            json.dumps(bad, indent=2)
        except TypeError as exc:
            want = str(exc)
        try:
            dumps_indented(bad)
        except TypeError as exc:
            assert str(exc) == want
        else:
            raise AssertionError(f"no TypeError for {bad!r}")


def test_report_bytes_same_as_standard_encoder() -> None:
    fix = Fix('Replace with "use"', (Edit(20, 27, "use"), Edit(30, 31, "a\nb")))
    findings = [
        Finding("docs/a.md", 3, 7, "jargon", "PL301", Severity.WARNING,
                '"utilise" is jargon: use "use"', 3, 14, "use", fix),
        Finding("docs/b,c.md", 1, 1, "front-matter-missing", "PL001", Severity.ERROR,
                "line one\nline two: 100% \\ é \u2028 𝄞", 1, 4),
        Finding("docs/\udcff.md", 2, 1, "broken-link", "PL101", Severity.ERROR, "gone",
                2, 9, data={"classification": "broken", "status": 404, "urls": ["a", "b"],
                            "nested": {"k": [1, 2.5, None]}}),
    ]
    summary = Summary(files=3, version="9.9", messages=["network down: é"])
    out = get_reporter("json")(findings, summary)
    doc = json.loads(out)
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    assert out == text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n"
    assert doc["findings"][2]["path"] == "docs/\udcff.md"
    assert doc["findings"][0]["fix"]["edits"][1] == {"start": 30, "end": 31,
                                                     "replacement": "a\nb"}
