"""The shared parsers (playbook_lint.mdparser): the fast linkify pretest answers as
linkify-it's own, and the tracking parser's spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook_lint.mdparser import (
    SPAN,
    linkify_matches,
    linkify_pretest,
    markdown_parser,
    parse_inline,
)

CASES = [
    "", "plain words. More words", "see http://example.org", "HTTPS://X.ORG", "a//b",
    "mail me: a@b", "www. is a prefix", "go to example.com now", "example.co.uk.",
    "ip 10.0.0.1 here", "localhost:8080", "LOCALHOST", "x_http://y", "(ftp://z)",
    "mailto:x", "httpſ://long-s.example", "e.g. this", "1.5 million", "and/or",
    "Note: nothing", "\u212aelvin.com", "<http://a.b>", "｜http://fullwidth-bar",
    "no dot at localhoſt", "LocalHost with no dot", "no dot, no colon", "a // b", "x:y",
]


@pytest.mark.parametrize("text", CASES)
def test_the_fast_pretest_answers_as_linkify_its_own(text: str) -> None:
    linkify = markdown_parser().linkify
    assert linkify is not None
    assert linkify_pretest(text) is bool(linkify.pretest(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("htpsfmailo:/@.wc-_ x<>|ſ\u212a1")) |
               st.characters(), max_size=40))
def test_the_fast_pretest_agrees_on_generated_text(text: str) -> None:
    linkify = markdown_parser().linkify
    assert linkify is not None
    assert linkify_pretest(text) is bool(linkify.pretest(text))


def test_inline_tokens_carry_their_spans() -> None:
    src = "a *b* [c](d.md) <i>e</i> www.f.org"
    children, _ = parse_inline(src, {})
    spans = [(t.type, src[slice(*t.meta[SPAN])]) for t in children if SPAN in t.meta]
    assert ("link_open", "[c](d.md)") in spans
    assert ("html_inline", "<i>") in spans
    assert ("text", "a ") in spans and ("text", " www.f.org") in spans


# Destinations validateLink refuses (bad schemes, also disguised) and ones it keeps:
# the tracking parser, which skips normalizeLink for most, must parse the same tokens.
DESTINATIONS = [
    "javascript:alert(1)", "JavaScript:x", "vbscript:x", "file:///etc/passwd",
    "data:text/html;base64,x", "data:image/png;base64,iVBOR", "&#x20;javascript:x",
    "java&#x09;script:x", "<javascript:x>", "<java script:x>", "http://exämple.org/a b",
    "https://example.org/%zz", "mailto:a@exämple.org", "//host/path", "../x.md#y",
    "DATA:image/gif;x", "scripts/run.md", "http://[::1]:80/", "",
]


@pytest.mark.parametrize("dest", DESTINATIONS)
def test_tracked_inline_tokens_match_markdown_its_own(dest: str) -> None:
    md = markdown_parser()
    for src in (f"[a]({dest}) b", f"![a]({dest} \"t\") b", f"<{dest}> b",
                f"see {dest} and http://x.org/{dest}"):
        env: dict = {}
        expected: list = []
        md.inline.parse(src, md, env, expected)  # the inline rules, as parse_inline
        children, _ = parse_inline(src, env)
        # the tracking parser does not merge adjacent text tokens (fragments_join)
        merged: list[tuple[str, str]] = []
        for t in children:
            if t.type == "text" and merged and merged[-1][0] == "text":
                merged[-1] = ("text", merged[-1][1] + t.content)
            elif t.type != "text" or t.content:
                merged.append((t.type, t.content))
        assert merged == [(t.type, t.content) for t in expected
                          if t.type != "text" or t.content], src


def test_tracked_hrefs_are_as_written_unless_a_bad_scheme_is_named() -> None:
    children, _ = parse_inline("[a](http://exämple.org/a%zz) [b](javascript:x)", {})
    hrefs = [t.attrs.get("href") for t in children if t.type == "link_open"]
    assert hrefs == ["http://exämple.org/a%zz"]  # the javascript: one is no link


MARKER_SOURCES = [
    "", "\n", "a", "a\n", "  ", "  \n", "\t", "a\n  ", "a\n  \n", "a\n\t\tb\n",
    " \t x\n\t  y", "\n\n\n", "x\n \t\n", "> a\n>\tb\n  - c\n", "a\r\nb",
]


@pytest.mark.parametrize("src", MARKER_SOURCES)
def test_line_markers_are_markdown_its_own(src: str) -> None:
    from markdown_it.rules_block import StateBlock

    from playbook_lint.mdparser import _LineMarkers

    md = markdown_parser()
    ours, theirs = _LineMarkers(src, md, {}, []), StateBlock(src, md, {}, [])
    for name in ("bMarks", "eMarks", "tShift", "sCount", "bsCount", "lineMax", "line",
                 "blkIndent", "parentType", "level", "src"):
        assert getattr(ours, name) == getattr(theirs, name), name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\na>-")), max_size=30))
def test_line_markers_agree_on_generated_text(src: str) -> None:
    from markdown_it.rules_block import StateBlock

    from playbook_lint.mdparser import _LineMarkers

    md = markdown_parser()
    ours, theirs = _LineMarkers(src, md, {}, []), StateBlock(src, md, {}, [])
    assert (ours.bMarks, ours.eMarks, ours.tShift, ours.sCount, ours.bsCount, ours.lineMax) == \
        (theirs.bMarks, theirs.eMarks, theirs.tShift, theirs.sCount, theirs.bsCount,
         theirs.lineMax)


def test_block_tokens_are_markdown_its_own() -> None:
    from playbook_lint.mdparser import parse_blocks

    src = "# T\n\n> q\n>\ta\n\n- x\n\n  y\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[r]: /u\n   "
    md = markdown_parser()
    env: dict = {}
    expected = [(t.type, t.map, t.content) for t in md.parse(src, env)]
    env2: dict = {}
    assert [(t.type, t.map, t.content) for t in parse_blocks(src, env2)] == expected
    assert env2 == env


SCHEMA_CASES = CASES + [
    "_http://x.org", "(http://x.org)", "ahttp://x.org", "｜https://x", "«mailto:a@b»",
    "x //y", "_//y", "\u00a0ftp://f", "HTTP://X", "\u200bhttp://zwsp", "see:http://x.y",
]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("htpsfmailo:/@._ (｜«\u00a0\u200bx")) |
               st.characters(), max_size=30))
def test_the_fast_schema_test_finds_what_linkify_its_own_finds(text: str) -> None:
    import re

    linkify = markdown_parser().linkify
    assert linkify is not None
    original = linkify.re["schema_search"]  # the pattern schema_test was
    assert linkify.re["schema_test"] != original
    for t in [text, *SCHEMA_CASES]:
        assert bool(re.search(linkify.re["schema_test"], t, re.IGNORECASE)) is \
            bool(re.search(original, t, re.IGNORECASE)), t


@pytest.mark.parametrize("text", SCHEMA_CASES)
def test_linkify_answers_as_an_unpatched_linkify_it(text: str) -> None:
    from linkify_it import LinkifyIt

    linkify = markdown_parser().linkify
    assert linkify is not None
    plain = LinkifyIt()
    assert linkify.test(text) is plain.test(text)
    ours, theirs = linkify.match(text), plain.match(text)
    assert [(m.index, m.last_index, m.url) for m in ours or []] == \
        [(m.index, m.last_index, m.url) for m in theirs or []]



def _matched(found: list | None) -> list[tuple[str, int, int, str]] | None:
    return None if found is None else [(m.schema, m.index, m.last_index, m.url) for m in found]


MATCH_CASES = SCHEMA_CASES + [
    "", "a@b", "write to a@b.org today", "x mailto:a@b.org y", "//x.org", "www.x.org",
    "see example.com and http://b.org", "a.b.c", "user@localhost", "localhost:80/x",
    "http:// nope", "xn--d1acufc.xn--p1ai", "1.2.3.4", "e.g. this", "x.gov.", ".com",
]


@pytest.mark.parametrize("text", MATCH_CASES)
def test_linkify_matches_is_match_after_test(text: str) -> None:
    linkify = markdown_parser().linkify
    assert linkify is not None
    expected = linkify.match(text) if linkify.test(text) else None
    assert _matched(linkify_matches(text)) == _matched(expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("htpsfmailo:/@._ (｜«wcgvx1-") + [".com", "www.", "://"]),
                max_size=15).map("".join))
def test_linkify_matches_is_match_after_test_on_any_text(text: str) -> None:
    linkify = markdown_parser().linkify
    assert linkify is not None
    expected = linkify.match(text) if linkify.test(text) else None
    assert _matched(linkify_matches(text)) == _matched(expected)


def test_linkify_matches_exact_values() -> None:
    assert linkify_matches("plain words") is None
    assert linkify_matches("") is None
    assert _matched(linkify_matches("see example.com and a@b.org")) == [
        ("", 4, 15, "http://example.com"), ("mailto:", 20, 27, "mailto:a@b.org")]
    assert _matched(linkify_matches("go to https://x.org/a now")) == [
        ("https:", 6, 21, "https://x.org/a")]


BLOCK_CASES = [
    "plain paragraph\nover two lines\n\n- a list\n- of two\n",
    "# Heading\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "```py\ncode\n```\n\n<div>\nhtml\n</div>\n\n[ref]: https://x.example\n",
    "text\n~~~\nfenced\n~~~\nand a setext\n===\n",
    "no table | here but a pipe\n\n***\n",
]


@pytest.mark.parametrize("src", BLOCK_CASES)
def test_block_parse_without_impossible_rules_makes_the_same_tokens(src: str) -> None:
    from playbook_lint import mdparser

    def dump(tokens: list) -> list:
        return [(t.type, t.tag, t.map, t.content, t.markup, t.info, t.level, t.hidden)
                for t in tokens]

    env: dict = {}
    got = dump(mdparser.parse_blocks(src, env))
    full_env: dict = {}
    want = dump(markdown_parser().parse(src, full_env))
    assert got == want
    assert env == full_env


def test_block_parser_leaves_out_the_rules_a_source_cannot_match() -> None:
    from playbook_lint.mdparser import _block_parser

    md = _block_parser("plain text, no markers\n")
    assert md is not markdown_parser()
    names = [r.__name__ for r in md.block.ruler.getRules("")]
    assert names == ["code", "hr", "list_block", "lheading", "paragraph"]
    assert _block_parser("# h\n> q\n| a |\n```\n<b>\n[a]: b\n") is markdown_parser()
    full = [r.__name__ for r in markdown_parser().block.ruler.getRules("")]
    assert "table" in full and "heading" in full  # the shared parser is untouched


def test_the_link_extractor_reuses_the_link_rules_destinations() -> None:
    from markdown_it.helpers import parseLinkDestination

    from playbook_lint.mdparser import link_destination

    src = "[a](/x.md y) and [b](<c d>) ![i](e\\)f) [n ![m](g)](h)"
    parse_inline(src, {})
    for dest, bound, want in (("/x.md", len(src), "/x.md"), ("<c d>", len(src), "c d"),
                              ("e\\)f", len(src), "e)f"), ("g)", src.index("](h)"), "g")):
        pos = src.index(dest)
        got = link_destination(src, pos, bound)
        fresh = parseLinkDestination(src, pos, bound)
        assert (got.ok, got.pos, got.str) == (fresh.ok, fresh.pos, fresh.str)
        assert got.str == want
    kept = link_destination(src, 4, len(src))
    assert kept is link_destination(src, 4, src.index(" y)"))  # the rule's own result
    shorter = link_destination(src, 4, 6)  # ends past the bound: read again
    assert (shorter.ok, shorter.pos, shorter.str) == (True, 6, "/x")
    other = "".join(list(src))  # an equal string, not the one tokenised
    assert link_destination(other, 4, len(src)) is not kept


def test_only_the_rules_a_character_can_start_are_tried() -> None:
    from playbook_lint.mdparser import _rules_by_char, tracking_parser

    rules, table = _rules_by_char(tracking_parser().inline)
    assert table is not None
    names = {ch: [r.__module__.rsplit(".", 1)[-1] for r in got] for ch, got in table.items()}
    assert names["<"] == ["autolink", "html_inline"]
    assert names["*"] == names["_"] == ["emphasis"]
    assert names["~"] == ["strikethrough"]
    assert (names["["], names["!"], names["&"], names[":"]) == (
        ["link"], ["image"], ["entity"], ["linkify"])
    assert names["\n"] == ["newline"] and names["\\"] == ["escape"]
    assert names["`"] == ["backticks"]
    assert names["-"] == names["#"] == names["]"] == names["@"] == []
    assert "a" not in table and rules[0].__name__ == "text"  # text alone


@pytest.mark.parametrize("src", [
    "a *b* _c_ ~~d~~ `e` \\* &amp; &#x41; <i>f</i> <http://g.h> [i](j) ![k](l) [m][]",
    "x: http://y.org/a-b#c @d $e %f +g =h >i ^j {k} ~l~ --- [n [o](p)](q) ![r ![s](t)](u)",
    "end with a backslash\\", "[unclosed ![image *and* `code` <b", "line\nbreak  \nhard",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[deep]]]]]]]]]]]]]]]]]]]]]]]]]]]]]](x)",
])
def test_tracked_tokens_with_the_rule_table_are_markdown_its_own(src: str) -> None:
    md = markdown_parser()
    env: dict = {"references": {"M": {"href": "/m", "title": ""}}}
    expected: list = []
    md.inline.parse(src, md, env, expected)
    children, _ = parse_inline(src, env)
    merged: list[tuple[str, str, int]] = []
    for t in children:
        if t.type == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + t.content, 0)
        elif t.type != "text" or t.content:
            merged.append((t.type, t.content, t.nesting))
    assert merged == [(t.type, t.content, t.nesting) for t in expected
                      if t.type != "text" or t.content]


def test_fast_link_destination_is_markdown_its_read() -> None:
    """The one-search bare destination read gives parseLinkDestination's result on
    every string, position and bound (escapes, parentheses, <...>, controls, ends)."""
    import itertools

    from markdown_it.helpers import parseLinkDestination

    from playbook_lint.mdparser import fast_link_destination

    alphabet = ["a", "/", "&amp;", "\\", "(", ")", " ", "<", ">", "\x01", "\x7f", "\n", "é"]
    cases = ["".join(p) for n in range(4) for p in itertools.product(alphabet, repeat=n)]
    cases += ["x.md#y)", "a(b)c) d", "<a b>", "http://x/y?z=1&amp;w", "a\\)b) c", "(" * 33 + "x"]
    for s in cases:
        for pos in range(len(s) + 2):
            for maximum in range(len(s) + 3):
                want = parseLinkDestination(s, pos, maximum)
                got = fast_link_destination(s, pos, maximum)
                assert (got.ok, got.pos, got.str) == (want.ok, want.pos, want.str), \
                    (s, pos, maximum)
    res = fast_link_destination("[a](x.md) b", 4, 11)
    assert (res.ok, res.pos, res.str) == (True, 8, "x.md")
