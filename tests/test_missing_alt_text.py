"""Tests for the ``missing-alt-text`` rule (PL201) beyond its cases in
``tests/cases/missing-alt-text.yml`` (run by ``tests/test_cases.py``): the finding's
span, code and lack of a fix, the alt text check on its own, and a corpus page."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint.checks.images import MissingAltText, alt_problem
from playbook_lint.document import Document
from playbook_lint.testing import check

NO_ALT_MD = (
    'image has no alt text; describe the image, or use HTML <img alt=""> if it is decorative'
)


def test_empty_markdown_alt_spans_the_image_and_has_no_fix() -> None:
    findings = check(MissingAltText, "# Steps\n\nSee the chart: ![](img/chart.png) here.\n")
    assert [(f.line, f.column, f.message) for f in findings] == [(3, 16, NO_ALT_MD)]
    f = findings[0]
    assert (f.rule, f.code, str(f.severity)) == ("missing-alt-text", "PL201", "warning")
    assert (f.end_line, f.end_column) == (3, 16 + len("![](img/chart.png)"))
    assert f.fix is None


@pytest.mark.parametrize(
    "alt",
    ["Image of the team at the 2019 summit", "GOV.UK logo", "Diagram showing three steps",
     "photo booth queue", "version 2.0 release", "Figure 3: response times by month"],
)
def test_alt_that_merely_contains_a_placeholder_word_passes(alt: str) -> None:
    assert alt_problem(alt) is None


def test_corpus_govuk_developer_docs_images(corpus: Path) -> None:
    rel = "alphagov__govuk-developer-docs/source/manual/whitehall-historical-accounts.html.md"
    text = Document.from_path(corpus / rel).text
    findings = check(MissingAltText, text, path="page.md")
    assert [(f.line, f.column, f.message) for f in findings] == [
        (17, 1, NO_ALT_MD), (21, 1, NO_ALT_MD), (25, 1, NO_ALT_MD), (29, 1, NO_ALT_MD),
        (33, 1, NO_ALT_MD),
    ]
