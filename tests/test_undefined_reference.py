"""The undefined-reference rule (PL110): reference links/images with no definition."""

from __future__ import annotations

import pytest

from playbook_lint.checks.reference_labels import UndefinedReference
from playbook_lint.testing import check


def _found(text: str) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, str(f.severity), f.message)
            for f in check(UndefinedReference, text)]


def test_full_collapsed_and_image_references() -> None:
    text = ("Read the [service manual][manual], [the guide][] and ![logo][logo-img].\n"
            "\n"
            "[other]: https://example.gov/\n")
    assert _found(text) == [
        (1, 27, "warning", 'no definition for reference "manual": "[service manual][manual]" '
                         "shows as typed"),
        (1, 37, "warning", 'no definition for reference "the guide": "[the guide][]" '
                         "shows as typed"),
        (1, 62, "warning", 'no definition for image reference "logo-img": '
                         '"![logo][logo-img]" shows as typed'),
    ]


def test_position_in_front_matter_page_and_list() -> None:
    text = "---\ntitle: T\n---\n\n- item with [a link][nowhere]\n"
    assert _found(text) == [
        (5, 22, "warning", 'no definition for reference "nowhere": "[a link][nowhere]" '
                         "shows as typed"),
    ]


@pytest.mark.parametrize("text", [
    # defined, case and spaces ignored as CommonMark does
    "See [it][Some  Label] and [Some label][].\n\n[some label]: https://example.gov/\n",
    # a definition whose destination is a template (Liquid runs before Markdown)
    "See [phase 3][].\n\n[phase 3]: {{ page.github_baseurl }}/issues/1862\n",
    # footnotes, task boxes, shortcut references, bracketed words
    "Text[^1] and [^note].\n\n- [ ] todo\n- [x] done\n- [x][y] box then word\n\n"
    "[plain words] and [x]\n\n[^1]: A footnote.\n",
    # code spans, fenced code, indented code
    "`[code][nope]`\n\n```\n[fenced][nope]\n```\n\n    [indented][nope]\n",
    # Liquid, Jinja, ERB and Hugo templates
    "{{ site.data[page.x][0] }} and {% assign y = z[a][b] %} and <%= a[b][c] %>\n",
    # indexing, escaped brackets, "[a]" followed by an inline link
    "matrix[i][j] and \\[esc][nope] and [a][b](https://example.gov/)\n",
    # HTML blocks are not Markdown
    "<div>\n[html][nope]\n</div>\n",
])
def test_quiet_cases(text: str) -> None:
    assert _found(text) == []


def test_included_content_may_define_it() -> None:
    text = "See [the manual][manual].\n\n{% include links.md %}\n"
    assert _found(text) == [
        (1, 18, "info", 'no definition for reference "manual" on the page: '
                        '"[the manual][manual]" shows as typed unless included content '
                        "defines it"),
    ]


def test_erb_partial_makes_it_info() -> None:
    text = "See [the manual][manual].\n\n<%= partial 'partials/links' %>\n"
    assert [f[2] for f in _found(text)] == ["info"]
