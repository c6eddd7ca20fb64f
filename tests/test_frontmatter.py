"""Front matter parsing: fences, offsets, both PyYAML loaders, duplicates, errors, TOML."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from playbook_lint.document import Document
from playbook_lint.frontmatter import (
    FrontMatter,
    PythonSafeLoader,
    available_loaders,
    parse_front_matter,
)

LOADERS = [
    pytest.param("python", id="python"),
    pytest.param(
        "c",
        id="c",
        marks=pytest.mark.skipif(
            not yaml.__with_libyaml__, reason="PyYAML was built without libyaml (no CSafeLoader)"
        ),
    ),
]


def _parse(text: str, loader: str | None = None) -> FrontMatter:
    fm = parse_front_matter(text, loader=available_loaders()[loader] if loader else None)
    assert fm is not None
    return fm


def _pos(text: str, offset: int) -> tuple[int, int]:
    return Document(Path("/w/page.md"), text).position(offset)


# -- fences ----------------------------------------------------------------------------


def test_block_offsets_and_keys() -> None:
    text = "---\ntitle: Buying things\nlayout: guide\n---\n# Heading\n"
    fm = _parse(text)
    assert (fm.kind, fm.start, fm.content_start, fm.content_end, fm.end) == ("yaml", 0, 4, 39, 43)
    assert text[fm.end:] == "# Heading\n"
    assert fm.data == {"title": "Buying things", "layout": "guide"}
    assert fm.key_offsets == {"title": 4, "layout": 25}
    assert fm.keys == [("title", 4), ("layout", 25)]
    assert fm.errors == []


def test_dots_close_the_block_and_fences_may_have_trailing_spaces() -> None:
    fm = _parse("---  \ntitle: A\n...\t\nBody\n")
    assert fm.data == {"title": "A"}
    assert fm.end == 20


def test_a_later_thematic_break_is_not_front_matter() -> None:
    text = "# Title\n\n---\nlayout: x\n---\n"
    assert parse_front_matter(text) is None
    assert Document(Path("/w/p.md"), text).body_start == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---",
        "---\n",
        "---\ntitle: never closed\n\nBody\n",
        "----\ntitle: four dashes\n----\n",
        " ---\ntitle: indented\n---\n",
        "--- title: same line\n---\n",
    ],
)
def test_not_front_matter(text: str) -> None:
    assert parse_front_matter(text) is None


def test_empty_block_is_an_empty_mapping() -> None:
    fm = _parse("---\n---\nBody\n")
    assert (fm.data, fm.errors, fm.content_start, fm.content_end, fm.end) == ({}, [], 4, 4, 8)
    assert _parse("---\n# only a comment\n---\n").data == {}


def test_file_that_ends_at_the_closing_fence() -> None:
    fm = _parse("---\na: 1\n---")
    assert (fm.data, fm.end) == ({"a": 1}, 12)


def test_dates_are_dates_as_yaml_makes_them() -> None:
    fm = _parse("---\ndate: 2015-06-01\nupdated: 2015-06-01 10:30:00\nquoted: '2015-06-01'\n---\n")
    assert fm.data == {
        "date": datetime.date(2015, 6, 1),
        "updated": datetime.datetime(2015, 6, 1, 10, 30),
        "quoted": "2015-06-01",
    }


def test_crlf_and_bom_file_keeps_file_lines() -> None:
    raw = "\ufeff---\r\nlayout: guide\r\ntitle: Paying\r\ntitle: Paying twice\r\n---\r\nBody\r\n"
    doc = Document.from_bytes(Path("/w/p.md"), raw.encode("utf-8"))
    fm = doc.front_matter
    assert fm is not None
    assert fm.data == {"layout": "guide", "title": "Paying twice"}
    assert [(doc.position(off), k) for k, off in fm.keys] == [
        ((2, 1), "layout"), ((3, 1), "title"), ((4, 1), "title"),
    ]
    assert [(doc.position(e.offset), e.message) for e in fm.errors] == [
        ((4, 1), 'duplicate front matter key "title" (first set on line 3)')
    ]


# -- tabs: both loaders ------------------------------------------------------------------

TAB_PAGE = (
    "---\n"
    "layout:\t\tresource\n"
    "title: \t\t\t\"Paying for things\"\n"
    "status: \t\tbeta\n"
    "feedback-email:\tteam@example.org\n"
    "published:\t2016-03-04\n"
    "tags:\t[one,\ttwo]\n"
    "note:\tsome\twords \t\n"
    "nav:\n"
    "  - \"Home\":\t\"/\"\n"
    "---\n"
)
TAB_DATA = {
    "layout": "resource",
    "title": "Paying for things",
    "status": "beta",
    "feedback-email": "team@example.org",
    "published": datetime.date(2016, 3, 4),
    "tags": ["one", "two"],
    "note": "some\twords",
    "nav": [{"Home": "/"}],
}


@pytest.mark.parametrize("loader", LOADERS)
def test_tab_padding_gives_the_same_data_with_each_loader(loader: str) -> None:
    fm = _parse(TAB_PAGE, loader)
    assert fm.errors == []
    assert fm.data == TAB_DATA
    assert [_pos(TAB_PAGE, off) for _, off in fm.keys] == [(n, 1) for n in range(2, 10)]


def test_stock_python_safeloader_rejects_tab_padding() -> None:
    """Why PythonSafeLoader exists: PyYAML's own pure Python scanner fails here."""
    with pytest.raises(yaml.scanner.ScannerError, match="found character '\\\\t'"):
        yaml.load("title:\tFoo\n", Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    assert yaml.load("title:\tFoo\n", Loader=PythonSafeLoader) == {"title": "Foo"}  # noqa: S506


# Inputs where tabs are valid (same data) and where they are not (same error position).
TAB_CASES = [
    "a:\tb\n", "a: b\t\n", "a: b\t# note\n", "a\t: b\n", "a:\t[1,\t2]\n", "a:\t{x:\t1}\n",
    "a:\t\n  - x\n", "a:\t&x 1\nb: *x\n", "a:\t|\n  hi\n", "a: |\t# note\n  hi\n",
    "a: !!str\t1\n", "a: Foo\tBar\n", "a: foo\n  \tbar\n", "a: 'x\ty'\n", "- a\t\n- b\n",
    "a:\n  b:\tc\n", "a: b\n \t\nc: d\n",
    # errors: tabs as indentation or right after a block indicator
    "a:\t- x\n", "- \tfoo\n", "\ta: 1\n", "a:\n\t- x\n", "a: foo\n\tbar\n", "a: b\n\t\nc: d\n",
    "a:\n  b: 1\n\tc: 2\n", "a:\n  - x\n  -\ty\n",
]


def _outcome(text: str, loader: type) -> tuple[str, object]:
    try:
        return "data", yaml.load(text, Loader=loader)  # noqa: S506 - safe loaders only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return "error", (mark.line, mark.column) if mark else None


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("text", TAB_CASES)
def test_python_loader_matches_libyaml_on_tabs(text: str) -> None:
    assert _outcome(text, PythonSafeLoader) == _outcome(text, yaml.CSafeLoader)


def test_tab_cases_include_both_outcomes() -> None:
    outcomes = {_outcome(t, PythonSafeLoader)[0] for t in TAB_CASES}
    assert outcomes == {"data", "error"}


# -- duplicates and errors -------------------------------------------------------------


@pytest.mark.parametrize("loader", LOADERS)
def test_duplicate_key_reported_at_the_repeat(loader: str) -> None:
    text = "---\nlayout: guide\nstatus: beta\ntitle: Buying\nstatus:\t\talpha\n---\n"
    fm = _parse(text, loader)
    assert fm.data == {"layout": "guide", "status": "alpha", "title": "Buying"}
    assert len(fm.errors) == 1
    err = fm.errors[0]
    assert (err.kind, _pos(text, err.offset), _pos(text, err.end or 0)) == (
        "duplicate-key", (5, 1), (5, 7)
    )
    assert err.message == 'duplicate front matter key "status" (first set on line 3)'
    assert fm.key_offsets["status"] == 18  # the first occurrence
    assert fm.last_key_offset("status") == 45
    assert fm.last_key_offset("missing") is None


def test_nested_duplicate_and_merge_keys() -> None:
    text = (
        "---\n"
        "base: &b {colour: red}\n"
        "menu:\n"
        "  <<: *b\n"
        "  colour: blue\n"
        "  label: One\n"
        "  label: Two\n"
        "---\n"
    )
    fm = _parse(text)
    assert fm.data == {"base": {"colour": "red"}, "menu": {"colour": "blue", "label": "Two"}}
    assert [(_pos(text, e.offset), e.message) for e in fm.errors] == [
        ((7, 3), 'duplicate front matter key "label" (first set on line 6)')
    ]


def test_keys_that_differ_as_yaml_values_are_not_duplicates() -> None:
    fm = _parse("---\n1: number\n'1': string\n---\n")
    assert fm.errors == []
    assert fm.data == {1: "number", "1": "string"}


@pytest.mark.parametrize(
    ("loader", "message"),
    [
        pytest.param("python", "YAML syntax error: mapping values are not allowed here",
                     id="python"),
        pytest.param("c", "YAML syntax error: mapping values are not allowed in this context",
                     id="c", marks=LOADERS[1].marks),
    ],
)
def test_syntax_error_at_its_line(loader: str, message: str) -> None:
    text = "---\ntitle: ok\nkey: value: other\n---\nBody\n"
    fm = _parse(text, loader)
    assert fm.data is None
    assert [(e.kind, _pos(text, e.offset), e.message) for e in fm.errors] == [
        ("syntax", (3, 11), message)
    ]


@pytest.mark.parametrize("loader", LOADERS)
def test_unclosed_quote_points_where_it_opens(loader: str) -> None:
    text = "---\nlayout: x\ntitle: \"unclosed\nother: y\n---\n"
    fm = _parse(text, loader)
    assert [(_pos(text, e.offset), e.message) for e in fm.errors] == [
        ((3, 8), "YAML syntax error: found unexpected end of stream "
                 "(while scanning a quoted scalar)")
    ]


def test_impossible_date_points_at_the_value() -> None:
    text = "---\ntitle: x\ndates: [2015-01-01, 2015-02-30]\n---\n"
    fm = _parse(text)
    assert fm.data is None
    assert [(_pos(text, e.offset), e.message) for e in fm.errors] == [
        ((3, 21), "invalid YAML value: day is out of range for month")
    ]


@pytest.mark.parametrize(
    ("body", "kind"), [("- a\n- b\n", "a list"), ("just words\n", "a string")]
)
def test_block_that_is_not_a_mapping(body: str, kind: str) -> None:
    text = f"---\n{body}---\n"
    fm = _parse(text)
    assert fm.data is None
    assert [(e.kind, e.offset, e.message) for e in fm.errors] == [
        ("not-a-mapping", 4, f"front matter must be a mapping of keys to values, not {kind}")
    ]


@pytest.mark.parametrize("loader", LOADERS)
def test_control_character_is_an_error_not_a_traceback(loader: str) -> None:
    text = "---\ntitle: caf\u00e9 \U0001f600 a\x07b\n---\n"
    fm = _parse(text, loader)
    assert fm.data is None
    assert [(e.kind, _pos(text, e.offset)) for e in fm.errors] == [("syntax", (2, 16))]
    assert fm.errors[0].message.startswith("YAML syntax error: unacceptable character #x0007: ")


# -- TOML ------------------------------------------------------------------------------

TOML_PAGE = (
    "+++\n"
    'title = "Paying"\n'
    "date = 2016-03-04\n"
    "  tags = [\n"
    "  [1, 2],\n"
    "]\n"
    '"odd key".x = 1\n'
    "[params]\n"
    'author = "Sam"\n'
    "+++\n"
    "---\n"
)


def test_toml_front_matter() -> None:
    fm = _parse(TOML_PAGE)
    assert fm.kind == "toml"
    assert fm.data == {
        "title": "Paying",
        "date": datetime.date(2016, 3, 4),
        "tags": [[1, 2]],
        "odd key": {"x": 1},
        "params": {"author": "Sam"},
    }
    assert {k: _pos(TOML_PAGE, off) for k, off in fm.key_offsets.items()} == {
        "title": (2, 1), "date": (3, 1), "tags": (4, 3), "odd key": (7, 1), "params": (8, 2),
    }
    assert TOML_PAGE[fm.end:] == "---\n"


def test_toml_syntax_error_line() -> None:
    text = '+++\ntitle = "ok"\ndate = \n+++\n'
    fm = _parse(text)
    assert fm.data is None
    assert [(_pos(text, e.offset), e.message) for e in fm.errors] == [
        ((3, 8), "TOML syntax error: Invalid value")
    ]


def test_toml_duplicate_key() -> None:
    text = '+++\ntitle = "ok"\n  title = "again"\n+++\n'
    fm = _parse(text)
    assert [(e.kind, _pos(text, e.offset), e.message) for e in fm.errors] == [
        ("duplicate-key", (3, 3), 'duplicate front matter key "title"')
    ]


# -- the real corpus -------------------------------------------------------------------


def _corpus_pages(corpus: Path) -> list[Path]:
    return sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and (p.name.endswith((".md", ".markdown", ".md.erb")))
    )


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_both_loaders_agree_on_the_whole_corpus(corpus: Path) -> None:
    loaders = available_loaders()
    differ = []
    pages = _corpus_pages(corpus)
    for path in pages:
        text = Document.from_path(path).text
        a = parse_front_matter(text, loader=loaders["c"])
        b = parse_front_matter(text, loader=loaders["python"])
        key_a = a and (a.data, [(e.offset, e.kind) for e in a.errors], a.keys)
        key_b = b and (b.data, [(e.offset, e.kind) for e in b.errors], b.keys)
        if key_a != key_b:
            differ.append(path)
    assert len(pages) > 1000
    assert differ == []


def test_cfa_tab_padded_page_parses(corpus: Path) -> None:
    page = (corpus / "codeforamerica__codeforamerica.org-archive/playbooks/"
            "technology-procurement/delivering-digital-services/index.md")
    for loader in available_loaders().values():
        fm = parse_front_matter(Document.from_path(page).text, loader=loader)
        assert fm is not None and fm.errors == []
        assert fm.data is not None
        assert (fm.data["layout"], fm.data["status"]) == ("resource", "alpha")


def test_agrees_with_python_frontmatter_on_the_corpus(corpus: Path) -> None:
    """python-frontmatter (a project dependency) as an independent oracle for the data,
    on pages whose first line is exactly ``---`` and which both read without error."""
    import frontmatter

    compared = 0
    differ = []
    for path in _corpus_pages(corpus):
        doc = Document.from_path(path)
        fm = doc.front_matter
        if fm is None or fm.kind != "yaml" or fm.errors or not fm.data:
            continue
        if doc.text[fm.content_end:fm.content_end + 3] != "---":
            continue  # python-frontmatter does not close on "..."
        try:
            theirs = frontmatter.loads(doc.text).metadata
        except Exception:  # noqa: BLE001 - only compare what both can read
            continue
        compared += 1
        if theirs != fm.data:
            differ.append(path)
    assert compared > 1000
    assert differ == []


def test_a_key_repeated_with_the_same_value_is_a_warning_not_an_error() -> None:
    """Found on uswds-site: `layout: component` twice loses nothing."""
    from playbook_lint.checks.front_matter import FrontMatterInvalid
    from playbook_lint.testing import check

    text = "---\nlayout: page\ntitle: A\nlayout: page\nstatus: a\nstatus: b\n---\n# A\n"
    found = check(FrontMatterInvalid, text)
    assert [(f.line, f.column, str(f.severity), f.message) for f in found] == [
        (4, 1, "warning", 'duplicate front matter key "layout" (first set on line 2, to the '
                          "same value)"),
        (6, 1, "error", 'duplicate front matter key "status" (first set on line 5)'),
    ]
