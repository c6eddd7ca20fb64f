"""Patterns rewritten for speed match exactly what the plain forms match: the
lookbehind moved after the first character, and the text-noise pattern without the
alternatives a text cannot hold."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook_lint import scope
from playbook_lint.checks.link_hygiene import _UNPARSED
from playbook_lint.vale.bridge import _CAPITAL_WORD, _LOWER_WORD

PLAIN_UNPARSED = re.compile(
    r"(?<![\\\]])\[([^\[\]\n]{0,300})\]\(([^()\n]{0,500}(?:\([^()\n]{0,500}\)"
    r"[^()\n]{0,500})*)(\)|$)", re.MULTILINE)
PLAIN_CAPITAL = re.compile(r"(?<=[\w,;)] )[A-Z][\w'’.-]*[a-z][\w'’-]*")
PLAIN_LOWER = re.compile(r"\b[a-z][a-z'’-]*\b")

ALPHABET = st.sampled_from(list("[]()\\ \nab.:/Az,;)_*~&@-'’é") + [
    "http://", "www.", "mailto:", "&amp;", "a@b.org", "__", "**", "~~", "](", "Word "])
TEXTS = st.lists(ALPHABET, max_size=40).map("".join)


def spans(pattern: re.Pattern[str] | None, text: str, pos: int = 0) -> list[tuple[int, ...]]:
    if pattern is None:
        return []
    return [sum((m.span(g) for g in range(pattern.groups + 1)), ()) for m in
            pattern.finditer(text, pos)]


@pytest.mark.parametrize(("text", "want"), [
    ("[a](b)", [(0, 6, 1, 2, 4, 5, 5, 6)]),
    ("x\\[a](b)", []),  # escaped bracket
    ("][a](b)", []),
    ("[[a](b)", [(1, 7, 2, 3, 5, 6, 6, 7)]),
    ("see [x](y z", [(4, 11, 5, 6, 8, 11, 11, 11)]),  # never closed: up to the line end
])
def test_unparsed_link_syntax(text: str, want: list[tuple[int, ...]]) -> None:
    assert spans(_UNPARSED, text) == want == spans(PLAIN_UNPARSED, text)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=3))
def test_rewritten_patterns_match_as_the_plain_ones(text: str, pos: int) -> None:
    assert spans(_UNPARSED, text, pos) == spans(PLAIN_UNPARSED, text, pos)
    assert spans(_CAPITAL_WORD, text) == spans(PLAIN_CAPITAL, text)
    assert _LOWER_WORD.findall(text) == PLAIN_LOWER.findall(text)
    assert spans(scope._noise_pattern(text), text) == spans(scope._TEXT_NOISE, text)


def test_names_and_lower_words() -> None:
    text = "Use Tor, Elasticsearch and (see) Router here. Then go.\nNew line Word"
    assert [m.group() for m in _CAPITAL_WORD.finditer(text)] == [
        "Tor", "Elasticsearch", "Router", "Word"]  # not "Use", "Then", "New": no word before
    assert _LOWER_WORD.findall(text) == ["and", "see", "here", "go", "line"]


@pytest.mark.parametrize(("text", "parts"), [
    ("plain words only", None),
    ("a &amp; b", ("&",)),
    ("mail a@b.org or see www.x.org", ("url", "@")),
    ("**bold** and ~~gone~~ and _it_", ("*", "~~", "_")),
])
def test_noise_pattern_keeps_only_the_alternatives_the_text_can_hold(
        text: str, parts: tuple[str, ...] | None) -> None:
    pattern = scope._noise_pattern(text)
    if parts is None:
        assert pattern is None
        return
    assert pattern is not None
    names = {"&": scope._ENTITY.pattern, "url": scope._URL_PART, "@": scope._EMAIL_PART,
             "*": scope._STARS, "~~": scope._TILDES, "_": scope._UNDERSCORES}
    assert pattern.pattern == "|".join(f"(?:{names[p]})" for p in parts)
    assert spans(pattern, text) == spans(scope._TEXT_NOISE, text) != []


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("ab._ \n\t1é-")), max_size=14).map("".join))
def test_last_word_of_a_sentence_as_the_plain_search(text: str) -> None:
    from playbook_lint.vale.blocks import _LAST_WORD

    plain = re.search(r"([\w.]+)$", text)
    fast = _LAST_WORD.search(text)
    assert (plain and plain.group(1)) == (fast and fast.group(1))


def test_sentences_split_as_before() -> None:
    from playbook_lint.vale.blocks import sentences

    text = "See Dr. Who, e.g. here. Then go!  \"Quoted.\" next word. End"
    assert [text[a:b] for a, b in sentences(text)] == [
        "See Dr. Who, e.g. here.", "Then go!", "\"Quoted.\" next word.", "End"]


def test_a_blanked_url_is_skipped_as_one_run() -> None:
    from playbook_lint.document import Document
    from playbook_lint.vale.blocks import _markup_run_end, document_blocks

    text = "Read [the guide](https://example.gov/a/long/path) `x` now.\n"
    doc = Document.from_bytes(__import__("pathlib").Path("p.md"), text.encode())
    prose = doc.prose
    url = text.index("https")
    assert _markup_run_end(text, prose, url, len(text)) == text.index(" `")  # past ")"
    assert _markup_run_end(text, prose, text.index("`"), len(text)) == text.index("`")
    para = [b for b in document_blocks(doc).blocks if b.kind == "paragraph"][0]
    assert para.text == "Read the guide * now."
    assert [text[o] for o in para.offs] == list("Read the guide x now.")


def test_link_hygiene_remembers_hosts_no_rule_can_report() -> None:
    from playbook_lint.checks.link_hygiene import LinkHygiene, _Page
    from playbook_lint.packs import builtin_pack_paths, load_packs
    from playbook_lint.rule import RuleConfig

    paths = [p for p in builtin_pack_paths() if p.name.startswith(("link-hosts", "link-short"))]
    schemas = {"link-hygiene": LinkHygiene.pack_entry_schema or {}}
    packs = [p for p in load_packs(paths, schemas) if p.rule == "link-hygiene"]
    rule = LinkHygiene(RuleConfig(packs=tuple(packs)))
    assert rule._plain("www.gsa.gov") is True
    assert rule._plain("localhost") is False  # a host rule: depends on the page
    assert rule._plain("app.staging.agency.gov") is False  # a label rule
    assert rule._plain("127.0.0.1") is False  # an IP address: checked each time
    assert rule._plain_hosts == {"www.gsa.gov": True, "localhost": False,
                                 "app.staging.agency.gov": False, "127.0.0.1": False}
    rule._page = _Page(frozenset(), False)
    assert rule._unpublished("WWW.GSA.GOV") is None
    assert rule._unpublished("app.staging.agency.gov") is not None
    rule._page = _Page(frozenset(), True)  # a technical page: localhost is on purpose
    assert rule._unpublished("localhost") is None


def test_one_scanner_gives_the_same_text_with_and_without_offsets() -> None:
    from playbook_lint.document import Document
    from playbook_lint.vale.blocks import _extract

    text = ("A `code` span,  <b>bold</b>\\* and\n   [a link](https://x.gov/p) end.  \n"
            "<td>a</td><td>b</td>\n")
    doc = Document.from_bytes(__import__("pathlib").Path("p.md"), text.encode())
    prose = doc.prose
    body, offs = _extract(text, prose, 0, len(text))
    assert body == "A **** span,  bold and\n[a link] end.\nab"
    assert "".join(text[o] for o in offs) == "A code span,  bold and\n[a link] end.\nab"
    assert _extract(text, prose, 0, len(text), offsets=False) == (body, [])
    spaced, offs = _extract(text, prose, 0, len(text), tag_space=True)
    assert spaced == "A **** span,  bold  and\n[a link] end.\na b"
    assert "".join(text[o] for o in offs) == "A code span,  bold< and\n[a link] end.\na<b"
    assert _extract(text, prose, 0, len(text), tag_space=True, offsets=False) == (spaced, [])
    dropped = {text.index("span"), text.index("end")}
    body, offs = _extract(text, prose, 0, len(text), dropped)
    assert body == "A **** pan,  bold and\n[a link] nd.\nab"
    assert offs[:8] == [0, 1, 3, 4, 5, 6, 8, 10]
    assert _extract(text, prose, 0, len(text), dropped, offsets=False) == (body, [])


def test_blanking_as_strings_keeps_newlines_and_length() -> None:
    assert scope._spaces("a\nbc") == " \n  " and scope._spaces("abc") == "   "
    text = "x {{ a\nb }} y {% c %} z"
    want = "x " + " " * 4 + "\n" + " " * 4 + " y " + " " * 7 + " z"
    assert scope._blank_pattern(text, scope._TEMPLATE) == want
    assert scope._blanked("abcdef", [(1, 2), (2, 2), (3, 5)]) == "a c  f"
    same = "no match here"
    assert scope._blank_pattern(same, scope._TEMPLATE) is same  # unchanged: not copied


@pytest.mark.parametrize("text", [
    "utilise this", "Utilise", "re-utilise", "x-utilise", "_utilise", "éutilise", "u\u0301tilise",
    "a.utilise", "’utilise", "'utilise it", "in order to go", "in\norder to", "in  order",
    "utilise-d", "utilises", "facilitate.", "1utilise", "leverage's", "(leverage)",
])
def test_jargon_terms_pattern_with_the_first_character_first(text: str) -> None:
    from playbook_lint.checks import prose

    keys = sorted(["utilise", "utilises", "in order to", "facilitate", "leverage", "lever"])
    plain = re.compile(prose._LEFT + "(?:" + prose._trie_pattern(keys) + ")" + prose._RIGHT,
                       re.IGNORECASE)
    body = prose._trie_pattern(keys, left=prose._LEFT_AFTER_FIRST)
    assert body.startswith("(?:f" + prose._LEFT_AFTER_FIRST)
    fast = re.compile(body + prose._RIGHT, re.IGNORECASE)
    for s in (text, "x " + text, text + " y"):
        assert [m.span() for m in fast.finditer(s)] == [m.span() for m in plain.finditer(s)]
