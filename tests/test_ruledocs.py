"""Tests of playbook_lint.ruledocs: docstring parsing, page rendering, and that the
committed ``docs/rules`` pages match the rules (regenerate with
``python -m playbook_lint.ruledocs docs/rules``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import pytest

from playbook_lint import ruledocs
from playbook_lint.findings import Severity
from playbook_lint.packs import Pack
from playbook_lint.registry import RuleInfo, discover
from playbook_lint.rule import Rule
from playbook_lint.ruledocs import (
    HEADINGS,
    MARKER,
    main,
    parse_docstring,
    render_index,
    render_rule_doc,
    stale_docs,
    write_docs,
)

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "rules"


def _rules() -> list[RuleInfo]:
    try:
        return sorted(discover().values(), key=lambda i: i.name)
    except Exception as exc:  # shown as one failing test instead of a collection error
        pytest.fail(f"rules could not be discovered: {exc}")


# --- the real rules -------------------------------------------------------------------

@pytest.mark.parametrize("info", _rules(), ids=lambda i: i.name)
def test_every_rule_documents_all_six_headings(info: RuleInfo) -> None:
    doc = parse_docstring(info.cls.__doc__)
    assert doc.missing() == [], f"{info.cls.__module__}.{info.cls.__name__} docstring"
    assert doc.summary, "the docstring needs a one-paragraph summary before the headings"
    for heading, body in doc.sections:
        assert body.strip(), f"section {heading!r} is empty"


@pytest.mark.parametrize("info", [i for i in _rules() if i.dist == "playbook-lint"],
                         ids=lambda i: i.name)
def test_built_in_rules_spell_their_headings_one_way(info: RuleInfo) -> None:
    """``**What it does.** ...``, never ``## What it does`` (plugins may use either)."""
    lines = (info.cls.__doc__ or "").splitlines()
    assert [line for line in lines if line.lstrip().startswith("#")] == []
    assert any(line.lstrip().startswith("**What it does.**") for line in lines)


def test_committed_rule_docs_are_current() -> None:
    stale = stale_docs(DOCS)
    assert stale == [], (
        f"docs/rules is stale ({', '.join(stale)}): run "
        "python -m playbook_lint.ruledocs docs/rules and commit the result"
    )


def test_every_rule_has_a_page_and_an_index_row() -> None:
    names = {i.name for i in _rules() if i.dist == "playbook-lint"}
    assert {p.stem for p in DOCS.glob("*.md")} == names | {"README"}
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"| [{name}]({name}.md) |" in index


# --- parsing docstrings ---------------------------------------------------------------

MARKDOWN_STYLE = '''Report things.

    ## What it does
    Finds ``x``, see :func:`helper`.

    ## Why it matters
    Readers trip.

    ## Examples
    ```markdown
    ## not a heading inside a fence
    ```

    ## Use instead
    Plain words.

    ## Fix
    None.

    ## Sources
    https://example.org/guide
    '''

REST_STYLE = '''Report other things
    over two lines.

    **What it does.** Reports ``y``.
    Second line.

    **Why it matters:** Because.

    **Example** (with a profile)::

        ---
        title: x
        ---

    gives a finding.

    **Use instead**::

        Better text

    **Fix.** Safe.

    **Options.** ``max`` (integer).

    **Source.** https://example.org/a, https://example.org/b
    '''


def test_parse_markdown_style_docstring() -> None:
    doc = parse_docstring(MARKDOWN_STYLE)
    assert doc.summary == "Report things."
    assert doc.sections == (
        ("What it does", "Finds ``x``, see ``helper``."),
        ("Why it matters", "Readers trip."),
        ("Example", "```markdown\n## not a heading inside a fence\n```"),
        ("Use instead", "Plain words."),
        ("Fix", "None."),
        ("Source", "https://example.org/guide"),
    )
    assert doc.missing() == []


def test_parse_rest_style_docstring_with_literal_blocks() -> None:
    doc = parse_docstring(REST_STYLE)
    assert doc.summary == "Report other things\nover two lines."
    assert doc.sections == (
        ("What it does", "Reports ``y``.\nSecond line."),
        ("Why it matters", "Because."),
        ("Example", "(with a profile):\n\n```\n---\ntitle: x\n---\n```\n\ngives a finding."),
        ("Use instead", "```\nBetter text\n```"),
        ("Fix", "Safe."),
        ("Options", "``max`` (integer)."),
        ("Source", "https://example.org/a, https://example.org/b"),
    )


def test_missing_headings_are_listed_in_order() -> None:
    doc = parse_docstring("Summary.\n\n**Fix.** None.\n\n**What it does.** X.")
    assert doc.missing() == ["Why it matters", "Example", "Use instead", "Source"]
    assert parse_docstring(None).missing() == list(HEADINGS)
    assert parse_docstring(None).summary == ""


# --- rendering ------------------------------------------------------------------------

class FakeRule(Rule):
    """Flags the word "foo".

    **What it does.** Reports "foo".

    **Why it matters.** Nobody knows what foo means.

    **Example.** ``We foo it.``

    **Use instead.** ``We do it.``

    **Fix.** Safe: replaces the word.

    **Options.** ``level`` (integer).

    **Source.** https://example.org/style#foo
    """

    name: ClassVar[str] = "fake-rule"
    code: ClassVar[str] = "XX999"
    default_severity: ClassVar[Severity] = Severity.INFO
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "The word foo | bar"


FAKE_PACK = Pack(
    name="fake-words", description="Words\nwe avoid.", rule="fake-rule",
    sources=("https://example.org/a", "https://example.org/b"),
    entries=({"terms": ["foo"]}, {"terms": ["bar"]}), path=Path("/x/fake-words.yml"),
    enabled=False,
)
OTHER_PACK = Pack(name="other", description="d", rule="jargon", sources=("https://e.org/",),
                  entries=(), path=Path("/x/other.yml"))


def test_render_rule_doc_exact_page() -> None:
    page = render_rule_doc(RuleInfo(FakeRule, "fake-dist"), [OTHER_PACK, FAKE_PACK])
    assert page == f"""{MARKER}

# fake-rule (XX999)

Flags the word "foo".

| | |
|---|---|
| Name | `fake-rule` |
| Code | `XX999` |
| Default severity | info |
| Fixable | yes |
| From | fake-dist |

## What it does

Reports "foo".

## Why it matters

Nobody knows what foo means.

## Example

``We foo it.``

## Use instead

``We do it.``

## Fix

Safe: replaces the word.

## Options

``level`` (integer).

## Rule packs

Built-in packs this rule reads (files in `rules/`); turn one off with
`disable-packs = ["name"]` in the config.

### fake-words (off by default)

Words we avoid.

- File: `fake-words.yml`
- Entries: 2
- Source: <https://example.org/a>
- Source: <https://example.org/b>

## Source

https://example.org/style#foo
"""


def test_render_index_rows() -> None:
    text = render_index([RuleInfo(FakeRule, "fake-dist")], [FAKE_PACK])
    assert text.startswith(MARKER + "\n\n# Rules\n")
    assert "| [fake-rule](fake-rule.md) | XX999 | info | yes | The word foo &#124; bar |\n" in text
    assert text.endswith(
        "| fake-words | [fake-rule](fake-rule.md) | 2 | <https://example.org/a> |\n"
    )


# --- writing --------------------------------------------------------------------------

def test_write_docs_writes_removes_old_generated_pages_and_keeps_hand_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "gone-rule.md").write_text(MARKER + "\n\nold\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Hand written.\n", encoding="utf-8")
    paths = write_docs(tmp_path)
    expected = sorted(ruledocs.builtin_rule_docs())
    assert [p.name for p in paths] == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*expected, "notes.md"])
    assert stale_docs(tmp_path) == []
    # a second run rewrites nothing
    stamp = {p.name: os.stat(p).st_mtime_ns for p in paths}
    os.utime(paths[0], ns=(1, 1))
    stamp[paths[0].name] = 1
    write_docs(tmp_path)
    assert {p.name: os.stat(p).st_mtime_ns for p in paths} == stamp


def test_main_check_reports_stale_then_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "rules"
    assert main(["--check", str(folder)]) == 1
    assert f"{folder / 'README.md'}: stale" in capsys.readouterr().err
    assert not folder.exists()
    assert main([str(folder)]) == 0
    assert capsys.readouterr().out == f"{len(ruledocs.builtin_rule_docs())} pages in {folder}\n"
    assert main(["--check", str(folder)]) == 0
    (folder / "jargon.md").write_text("edited\n", encoding="utf-8")
    assert main(["--check", str(folder)]) == 1
    assert capsys.readouterr().err.count(": stale") == 1
