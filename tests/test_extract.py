"""Link and anchor extraction: every kind, exact positions, and odd input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from playbook_lint.document import Document, markdown_parser
from playbook_lint.links.extract import extract_anchors, extract_links
from playbook_lint.links.htmltags import parse_html_tags

THING = "https://example.org/wiki/Thing_(disambiguation)"


def doc_of(text: str | bytes) -> Document:
    if isinstance(text, bytes):
        return Document.from_bytes(Path("/w/page.md"), text)
    return Document(Path("/w/page.md"), text)


def rows(text: str | bytes) -> list[tuple]:
    """(kind, url, url start, url end, node start, node end) with 1-based (line, column)."""
    d = doc_of(text)
    return [
        (link.kind, link.url, d.position(link.start), d.position(link.end),
         d.position(link.node_start), d.position(link.node_end))
        for link in d.links
    ]


def test_url_with_parentheses_as_bare_inline_and_autolink() -> None:
    text = (
        f"See {THING} now.\n"
        "\n"
        f"A [link]({THING}) here.\n"
        "\n"
        f"An <{THING}> autolink.\n"
    )
    assert rows(text) == [
        ("bare", THING, (1, 5), (1, 52), (1, 5), (1, 52)),
        ("inline", THING, (3, 10), (3, 57), (3, 3), (3, 58)),
        ("autolink", THING, (5, 5), (5, 52), (5, 4), (5, 53)),
    ]


def test_nothing_in_fenced_indented_code_or_code_spans() -> None:
    text = (
        "Intro\n"
        "\n"
        "```sh\n"
        "curl https://example.org/${VAR}/x\n"
        "```\n"
        "\n"
        "    https://example.org/indented\n"
        "\n"
        "Use `https://example.org/code` and `[a](b.md)` here.\n"
    )
    assert extract_links(doc_of(text)) == []


def test_space_in_destination_and_spaced_mailto_do_not_crash() -> None:
    # Neither is a link as written; markdown-it's linkify still links the bare
    # domain and the e-mail address, and we report exactly what it links.
    text = "[x](http:// example.org)\n\nmailto: someone@example.org\n"
    assert rows(text) == [
        ("bare", "http://example.org", (1, 13), (1, 24), (1, 13), (1, 24)),
        ("bare", "mailto:someone@example.org", (3, 9), (3, 28), (3, 9), (3, 28)),
    ]
    assert [link.fuzzy for link in doc_of(text).links] == [True, True]


def test_tab_indented_continuation_keeps_columns() -> None:
    assert rows("* [a](b.md)\n\t[c](d.md)\n") == [
        ("inline", "b.md", (1, 7), (1, 11), (1, 3), (1, 12)),
        ("inline", "d.md", (2, 6), (2, 10), (2, 2), (2, 11)),
    ]


def test_crlf_and_bom_keep_positions() -> None:
    data = (
        b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n\r\n"
        b"See [x](a.md) and <img\r\n  src=\"b.png\" alt=\"\">\r\n"
    )
    assert rows(data) == [
        ("inline", "a.md", (5, 9), (5, 13), (5, 5), (5, 14)),
        ("html-img", "b.png", (6, 8), (6, 13), (5, 19), (6, 22)),
    ]
    img = doc_of(data).links[1]
    assert img.alt == ""


def test_html_block_and_inline_links_and_images() -> None:
    text = (
        "<div>\n"
        '<a href="one.md" id="top-link">One</a>\n'
        "<img\n"
        '  src="pic.png"\n'
        '  alt="A pic">\n'
        "</div>\n"
        "\n"
        'Some <a href="two.md">two *x*</a> and <img src="p.png" aria-hidden="true">.\n'
    )
    assert rows(text) == [
        ("html-a", "one.md", (2, 10), (2, 16), (2, 1), (2, 32)),
        ("html-img", "pic.png", (4, 8), (4, 15), (3, 1), (5, 15)),
        ("html-a", "two.md", (8, 15), (8, 21), (8, 6), (8, 23)),
        ("html-img", "p.png", (8, 49), (8, 54), (8, 39), (8, 75)),
    ]
    links = doc_of(text).links
    assert [(link.text, link.alt) for link in links] == [
        ("One", None), ("A pic", "A pic"), ("two x", None), ("", None),
    ]
    assert dict(links[3].attrs) == {"src": "p.png", "aria-hidden": "true"}


def test_containers_tables_titles_angle_brackets_and_nesting() -> None:
    text = (
        "---\n"
        'title: "[no](link.md)"\n'
        "---\n"
        '> - see [quoted](q.md "T") and [<angle>](<a b.md>)\n'
        "> - ![alt **bold**](img.png)\n"
        "\n"
        "| [a](t.md) | [a](t.md) |\n"
        "|---|---|\n"
        "| x | [`c`](u.md) |\n"
        "\n"
        "[![logo](logo.png)](home.md) [esc](a\\_b.md?x=1&amp;y=2)"
        ' <!-- [no](c.md) <a href="d.md"> -->\n'
    )
    assert rows(text) == [
        ("inline", "q.md", (4, 18), (4, 22), (4, 9), (4, 27)),
        ("inline", "a b.md", (4, 43), (4, 49), (4, 32), (4, 51)),
        ("image", "img.png", (5, 21), (5, 28), (5, 5), (5, 29)),
        ("inline", "t.md", (7, 7), (7, 11), (7, 3), (7, 12)),
        ("inline", "t.md", (7, 19), (7, 23), (7, 15), (7, 24)),
        ("inline", "u.md", (9, 13), (9, 17), (9, 7), (9, 18)),
        ("inline", "home.md", (11, 21), (11, 28), (11, 1), (11, 29)),
        ("image", "logo.png", (11, 10), (11, 18), (11, 2), (11, 19)),
        ("inline", "a_b.md?x=1&y=2", (11, 36), (11, 55), (11, 30), (11, 56)),
    ]
    links = doc_of(text).links
    assert (links[2].text, links[2].alt) == ("alt bold", "alt bold")
    assert links[5].text == "c"


def test_table_cells_with_escaped_pipes() -> None:
    text = (
        "| a \\| b | [t](t.md) |\n"
        "|--|--|\n"
        "| [x\\|y](p.md) | [z](z.md) |\n"
        "| `a\\|b` [c\\|d](<e\\|f.md>) | [z](z.md) |\n"
    )
    assert rows(text) == [
        ("inline", "t.md", (1, 16), (1, 20), (1, 12), (1, 21)),
        ("inline", "p.md", (3, 10), (3, 14), (3, 3), (3, 15)),
        ("inline", "z.md", (3, 22), (3, 26), (3, 18), (3, 27)),
        ("inline", "e|f.md", (4, 18), (4, 25), (4, 10), (4, 27)),
        ("inline", "z.md", (4, 34), (4, 38), (4, 30), (4, 39)),
    ]


def test_setext_lazy_continuation_multiline_destination_and_list() -> None:
    text = (
        "Setext [one](a.md)\n"
        "line [two](b.md)\n"
        "---\n"
        "\n"
        "> quote [q](q.md)\n"
        "lazy [l](l.md)\n"
        "\n"
        "[multi](\n"
        "  m.md\n"
        '  "title")\n'
        "\n"
        "<p><a href='s.md'>s</a><a href=u.md>u</a></p>\n"
        "\n"
        "1. item\n"
        "\n"
        "   [in](list.md)\n"
    )
    assert rows(text) == [
        ("inline", "a.md", (1, 14), (1, 18), (1, 8), (1, 19)),
        ("inline", "b.md", (2, 12), (2, 16), (2, 6), (2, 17)),
        ("inline", "q.md", (5, 13), (5, 17), (5, 9), (5, 18)),
        ("inline", "l.md", (6, 10), (6, 14), (6, 6), (6, 15)),
        ("inline", "m.md", (9, 3), (9, 7), (8, 1), (10, 11)),
        ("html-a", "s.md", (12, 13), (12, 17), (12, 4), (12, 19)),
        ("html-a", "u.md", (12, 32), (12, 36), (12, 24), (12, 37)),
        ("inline", "list.md", (16, 9), (16, 16), (16, 4), (16, 17)),
    ]
    assert doc_of(text).anchor_ids == frozenset({"setext-one-line-two"})


def test_reference_definitions_and_reference_images() -> None:
    text = (
        "![shot][pic] [used][ref]\n"
        "\n"
        '[pic]: <./img/shot one.png> "Title"\n'
        "[ref]:\n"
        "  ./ref.md\n"
        "\n"
        "```\n"
        "[ref]: ./fenced.md\n"
        "```\n"
        "\n"
        "    [ref]: ./indented.md\n"
    )
    assert rows(text) == [
        ("image-ref", "./img/shot one.png", (1, 9), (1, 12), (1, 1), (1, 13)),
        ("definition", "./img/shot one.png", (3, 9), (3, 27), (3, 1), (3, 36)),
        ("definition", "./ref.md", (5, 3), (5, 11), (4, 1), (5, 11)),
    ]
    links = doc_of(text).links
    assert [(link.reference, link.alt) for link in links] == [
        ("PIC", "shot"), ("PIC", None), ("REF", None),
    ]


def test_only_the_first_definition_of_a_label_is_the_link() -> None:
    text = "[a][x]\n\n[x]: first.md\n[X]: second.md\n"
    assert [link.url for link in extract_links(doc_of(text))] == ["first.md"]


def test_bare_links_follow_markdown_it_linkify() -> None:
    text = (
        "Mail a@b.org or www.example.org, not `www.code.org`.\n"
        "\n"
        "[https://in.link/](https://target.org/) <a href=\"https://h.org/\">https://in.html/</a>\n"
        "\n"
        "Escaped \\www.escaped.org stays text.\n"
    )
    assert rows(text) == [
        ("bare", "mailto:a@b.org", (1, 6), (1, 13), (1, 6), (1, 13)),
        ("bare", "http://www.example.org", (1, 17), (1, 32), (1, 17), (1, 32)),
        ("inline", "https://target.org/", (3, 20), (3, 39), (3, 1), (3, 40)),
        ("html-a", "https://h.org/", (3, 50), (3, 64), (3, 41), (3, 66)),
    ]


def test_email_autolinks_get_mailto_and_keep_their_span() -> None:
    text = "Write to <someone@example.org> or <mailto:x@example.org> or <HTTP://X.ORG/a>.\n"
    assert rows(text) == [
        ("autolink", "mailto:someone@example.org", (1, 11), (1, 30), (1, 10), (1, 31)),
        ("autolink", "mailto:x@example.org", (1, 36), (1, 56), (1, 35), (1, 57)),
        ("autolink", "HTTP://X.ORG/a", (1, 62), (1, 76), (1, 61), (1, 77)),
    ]
    assert doc_of(text).links[0].text == "someone@example.org"


def test_bare_links_after_emphasis_keep_columns() -> None:
    # used emphasis delimiters leave empty text tokens that markdown-it merges
    text = "**_Note_**: Digital.gov does **x** GOV.UK and*more.org*\n"
    assert rows(text) == [
        ("bare", "http://Digital.gov", (1, 13), (1, 24), (1, 13), (1, 24)),
        ("bare", "http://GOV.UK", (1, 36), (1, 42), (1, 36), (1, 42)),
        ("bare", "http://more.org", (1, 47), (1, 55), (1, 47), (1, 55)),
    ]


def test_urls_match_markdown_it_hrefs() -> None:
    text = "[a](caf%C3%A9.md) [b](café.md) [c](<x y.md>) ![d](i.png) <https://e.org/>\n"
    md = markdown_parser()
    hrefs = [md.normalizeLink(link.url) for link in doc_of(text).links]
    tokens = md.parse(text, {})[1].children or []  # a full parse, as markdown-it renders
    expected = [t.attrs.get("href") or t.attrs.get("src") for t in tokens
                if t.type in ("link_open", "image")]
    assert hrefs == expected


def test_empty_destination_and_unclosed_constructs() -> None:
    text = "[empty]() [open](x.md <a href=\"y.md\n\n[x]:\n"
    # ".md" is a top-level domain, so markdown-it's linkify links the bare names
    assert rows(text) == [
        ("inline", "", (1, 9), (1, 9), (1, 1), (1, 10)),
        ("bare", "http://x.md", (1, 18), (1, 22), (1, 18), (1, 22)),
        ("bare", "http://y.md", (1, 32), (1, 36), (1, 32), (1, 36)),
    ]


def test_html_tags_parser_keeps_first_attribute_and_value_less_ones() -> None:
    tags = parse_html_tags('<img alt src="a.png" SRC="b.png">')
    assert [(t.name, dict(t.attrs), dict(t.value_spans)) for t in tags] == [
        ("img", {"alt": None, "src": "a.png"}, {"src": (14, 19)}),
    ]
    assert parse_html_tags("<a href='x") == []


def test_anchors_slugs_attr_lists_and_html_ids() -> None:
    text = (
        "# Intro\n"
        "\n"
        "## Intro\n"
        "\n"
        "## Intro {#own}\n"
        "\n"
        "## What's new? Café_ok -- x\n"
        "\n"
        "Setext\n"
        "======\n"
        "\n"
        "## `code` & *em* [link](x)\n"
        "\n"
        '<a name="legacy"></a> text <span id="inline-id">x</span>\n'
        "\n"
        "### Intro\n"
    )
    d = doc_of(text)
    assert [(a.id, a.kind, d.position(a.offset)) for a in extract_anchors(d)] == [
        ("intro", "heading", (1, 3)),
        ("intro-1", "heading", (3, 4)),
        ("own", "attr-list", (5, 4)),
        ("whats-new-café_ok----x", "heading", (7, 4)),
        ("setext", "heading", (9, 1)),
        ("code--em-link", "heading", (12, 4)),
        ("legacy", "html-name", (14, 10)),
        ("inline-id", "html-id", (14, 38)),
        ("intro-2", "heading", (16, 5)),
    ]


def test_kramdown_block_attribute_list_adds_its_id() -> None:
    d = doc_of("## Heading\n{: #custom .wide}\n\nText\n")
    assert [(a.id, a.kind, d.position(a.offset)) for a in d.anchors] == [
        ("heading", "heading", (1, 4)),
        ("custom", "attr-list", (2, 5)),
    ]


def test_heading_that_is_a_link_slugs_from_its_text() -> None:
    d = doc_of("## [Heading with a link](https://example.org)\n")
    assert d.anchor_ids == frozenset({"heading-with-a-link"})


@pytest.mark.parametrize(
    "text",
    [
        "", "\n", "[", "![", "<", "<a", "<a href=", "[x]: <", "](", "[]()", "<img src=>",
        "\x00[a](\x00)", "* [a](b.md)\n\t[c](d.md)", "> [a]\n>\n> [a]: <b c>", "#\n# {#}",
        "|a|\n|-|\n|[x](y)|", "- <img\n  src=a.png>", "[a](b.md 'unclosed",
        "> \t[t](tab.md)\n>\t\t[u](u.md)",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    d = doc_of(text)
    for link in extract_links(d):
        assert 0 <= link.start <= link.end <= len(d.text)
        assert link.node_start <= link.start
        if link.kind == "inline" and "\x00" not in text:  # NUL is read as U+FFFD
            assert d.text[link.start:link.end] == link.url
    extract_anchors(d)


def test_corpus_never_raises_and_positions_hold(corpus: Path) -> None:
    """Every corpus file extracts; plain destinations sit exactly at their offsets."""
    files = [p for p in corpus.rglob("*") if p.suffix.lower() in (".md", ".markdown")]
    assert len(files) > 1000
    started = time.perf_counter()
    total = 0
    for path in files:
        d = Document.from_path(path)
        links = extract_links(d)
        extract_anchors(d)
        total += len(links)
        for link in links:
            written = d.text[link.start:link.end]
            where = (path, d.position(link.start))
            if link.kind in ("inline", "image", "definition") and not set("\\&") & set(written):
                assert written == link.url, where
            elif link.kind == "bare":
                assert written == link.text, where
            elif link.kind in ("html-a", "html-img") and "&" not in written:
                assert written.strip() == link.url, where
    assert total > 20000
    assert time.perf_counter() - started < 600


@pytest.mark.parametrize("links_first", [True, False])
def test_inline_html_anchors_are_the_same_whether_links_were_read_first(links_first: bool) -> None:
    text = ("# T\n\n> a <span id=\"one\">x</span> `<b id=\"no\">` [l](u.md)\n\n"
            "b <a name=\"two\"></a>\n")
    doc = Document(Path("p.md"), text)
    if links_first:
        assert [(lk.kind, lk.url) for lk in doc.links] == [("inline", "u.md")]
    anchors = [(a.id, a.kind, doc.position(a.offset)) for a in doc.anchors]
    assert anchors == [("t", "heading", (1, 3)), ("one", "html-id", (3, 15)),
                       ("two", "html-name", (5, 12))]


def test_block_links_without_bare_urls_are_the_same_other_links() -> None:
    from playbook_lint.links.extract import extract_block_links
    from playbook_lint.links.templates import mask_templates

    text = ('Read [a]({{< ref "x.md" >}}) at https://b.example/c or '
            '<a href="{{ site.baseurl }}/y">y</a>.\n\nNo template: https://d.example\n')
    doc = Document.from_bytes(Path("p.md"), text.encode())

    def links(bare: bool) -> list[tuple[str, str, int, int]]:
        found = extract_block_links(doc, lambda c: mask_templates(c)[0],
                                    lambda c: "{{" in c, bare=bare)
        return [(lk.kind, text[lk.start:lk.end], lk.start, lk.end) for lk in found]

    a, y = text.index('{{<'), text.index('{{ site')
    assert links(True) == [
        ("inline", '{{< ref "x.md" >}}', a, a + 18),
        ("bare", "https://b.example/c", text.index("https://b"), text.index(" or")),
        ("html-a", "{{ site.baseurl }}/y", y, y + 20)]
    assert links(False) == [links(True)[0], links(True)[2]]


def test_a_block_whose_lt_signs_open_no_tag_is_not_parsed(monkeypatch) -> None:
    from playbook_lint.links import extract

    parsed: list[str] = []
    real = extract.parse_inline

    def counting(src, env):
        parsed.append(src)
        return real(src, env)

    monkeypatch.setattr(extract, "parse_inline", counting)
    text = ('{{< note >}} a < b {{< /note >}}\n\nSee <b id="x">this</b>.\n\n'
            "Mail <me@x.example> or 1 <2 or <https://y.example>.\n")
    doc = Document.from_bytes(Path("p.md"), text.encode())
    links = extract.extract_links(doc)
    assert [(lk.kind, lk.url) for lk in links] == [
        ("autolink", "mailto:me@x.example"), ("autolink", "https://y.example")]
    assert parsed == ['See <b id="x">this</b>.',
                      "Mail <me@x.example> or 1 <2 or <https://y.example>."]
    assert [(a.id, a.kind) for a in extract.extract_anchors(doc)] == [("x", "html-id")]
    assert len(parsed) == 2  # the anchors read the spans the link pass left
    assert extract._may_open_tag("{{< x >}} 1 <2") is False
    assert extract._may_open_tag("<me@x.example>") is True
    assert [extract._may_open_tag(f"<{c}") for c in "a/!?Z"] == [True] * 5
