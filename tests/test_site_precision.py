"""Regression fixtures for the false-positive kinds found in the corpus precision pass
(issue 4). Each text is our own, shaped like what the corpus showed."""

from __future__ import annotations

from playbook_lint.checks.outdated import OutdatedLink, page_date
from playbook_lint.checks.prose import Jargon
from playbook_lint.document import Document
from playbook_lint.packs import builtin_pack_paths, load_packs
from playbook_lint.testing import check

JARGON_PACKS = load_packs([p for p in builtin_pack_paths() if p.name.startswith("jargon-")],
                          {"jargon": Jargon.pack_entry_schema or {}})


def jargon(text: str) -> list[tuple]:
    return [(f.line, f.column, f.message.split(" is ")[0])
            for f in check(Jargon, text, packs=JARGON_PACKS)]


def test_jargon_word_starting_a_name_mid_sentence_is_not_prose() -> None:
    # seen in GOV.UK docs: an acronym spelt out as a name
    text = 'Here RTF is "Key Transfer Format", and we asked the Impact Review Board.\n'
    assert jargon(text) == []


def test_jargon_title_case_text_and_sentence_starts_are_still_reported() -> None:
    text = ("Our Key Findings follow.\nKey Points are here.\nWe saw key gaps.\n"
            "**How to Deliver Value**\n")  # (reports are delivered: a concrete object)
    assert jargon(text) == [(1, 5, '"Key"'), (2, 1, '"Key"'), (3, 8, '"key"'),
                            (4, 10, '"Deliver"')]


def test_jargon_bold_field_label_is_not_prose() -> None:
    # seen in GOV.UK docs: "type x into the __Key__ field"
    text = "Type `env` into the __Key__ box and **Impact** menu, then the *key* step.\n"
    assert jargon(text) == [(1, 64, '"key"')]


def outdated(text: str, path: str = "page.md") -> list[tuple]:
    return [(f.line, f.column, f.message)
            for f in check(OutdatedLink, text, path=path) if f.data["outdated"] == "dated"]


def test_dated_post_linking_pages_of_its_own_time_is_not_outdated() -> None:
    # seen in digital.gov news from 2014: links to other 2014 articles
    link = "[x](https://blog.example.gov/2014/05/06/a-story/)\n"
    assert outdated("---\ndate: 2014-06-01\n---\n" + link) == []
    assert outdated(link, path="_posts/2014-06-01-news.md") == []
    # a dated page still gets old links reported, counted from its own date
    assert outdated("---\ndate: 2021-06-01 10:00:00\n---\n" + link) == [
        (4, 5, "link is to a page dated 2014-05-06 (7 years older than this page); "
               "check it is still current"),
    ]
    # an undated page counts from today (2026-11-29 in tests)
    assert outdated(link) == [
        (1, 5, "link is to a page dated 2014-05-06 (12 years old); check it is still current"),
    ]


def test_page_date_sources() -> None:
    from datetime import date
    from pathlib import Path

    assert page_date(Document(Path("a.md"), "---\ndate: '2019-02-03T10:00'\n---\n")) == \
        date(2019, 2, 3)
    assert page_date(Document(Path("2018-07-08-x.md"), "No front matter\n")) == date(2018, 7, 8)
    assert page_date(Document(Path("a.md"), "---\ndate: soon\n---\n")) is None
    assert page_date(Document(Path("2018-13-08-x.md"), "x\n")) is None
