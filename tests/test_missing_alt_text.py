"""Tests for the ``missing-alt-text`` rule (PL201)."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint.checks.images import MissingAltText, alt_problem
from playbook_lint.document import Document
from playbook_lint.findings import Finding
from playbook_lint.links.extract import Link
from playbook_lint.rule import Context, RuleConfig
from playbook_lint.runner import report_to_finding
from playbook_lint.testing import FIXED_TODAY, MemoryWorkspace, check

NO_ALT_MD = (
    'image has no alt text; describe the image, or use HTML <img alt=""> if it is decorative'
)
NO_ALT_HTML = 'image has no alt attribute; describe the image, or use alt="" if it is decorative'
SPACES_HTML = 'image alt text is only spaces; describe the image, or use alt="" if it is decorative'


def md_image(text: str, construct: str, alt: str, url: str) -> Link:
    """A Markdown image Link for ``construct`` (e.g. ``![a](b.png)``) found in ``text``."""
    start = text.index(construct)
    u = text.index(url, start)
    return Link(url=url, kind="image", start=u, end=u + len(url), node_start=start,
                node_end=start + len(construct), text=alt, alt=alt)


def html_image(text: str, tag: str, attrs: dict[str, str | None]) -> Link:
    start = text.index(tag)
    src = attrs.get("src") or ""
    u = text.index(src, start) if src else start
    return Link(url=src, kind="html-img", start=u, end=u + len(src), node_start=start,
                node_end=start + len(tag), text=attrs.get("alt") or "",
                alt=attrs.get("alt"), attrs=attrs)


def run(text: str, links: list[Link]) -> list[Finding]:
    doc = Document(Path("/w/page.md"), text, display_path="page.md")
    doc.links = links  # type: ignore[misc]  # overrides the cached property
    rule = MissingAltText(RuleConfig())
    ctx = Context(today=FIXED_TODAY, workspace=MemoryWorkspace(), root=Path("/w"))
    return sorted(report_to_finding(doc, rule, r, rule.default_severity)
                  for r in rule.check(doc, ctx))


def lcm(findings: list[Finding]) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.message) for f in findings]


def test_empty_markdown_alt_is_reported_at_image_start() -> None:
    text = "# Steps\n\nSee the chart: ![](img/chart.png) here.\n"
    findings = run(text, [md_image(text, "![](img/chart.png)", "", "img/chart.png")])
    assert lcm(findings) == [(3, 16, NO_ALT_MD)]
    f = findings[0]
    assert (f.rule, f.code, str(f.severity)) == ("missing-alt-text", "PL201", "warning")
    assert (f.end_line, f.end_column) == (3, 16 + len("![](img/chart.png)"))
    assert f.fix is None


def test_whitespace_markdown_alt_is_reported() -> None:
    text = "![   ](a.png)\n"
    assert lcm(run(text, [md_image(text, "![   ](a.png)", "   ", "a.png")])) == [(1, 1, NO_ALT_MD)]


def test_descriptive_markdown_alt_passes() -> None:
    text = "![Flow chart: apply, then pay](flow.png)\n"
    link = md_image(text, text.strip(), "Flow chart: apply, then pay", "flow.png")
    assert run(text, [link]) == []


@pytest.mark.parametrize(
    ("alt", "message"),
    [
        ("diagram.png", 'image alt text "diagram.png" is a file name; describe the image instead'),
        ("IMG_2041.JPG",
         'image alt text "IMG_2041.JPG" is a file name; describe the image instead'),
        ("assets/team-photo.webp",
         'image alt text "assets/team-photo.webp" is a file name; describe the image instead'),
        ("image", 'image alt text "image" does not describe the image'),
        ("Screenshot", 'image alt text "Screenshot" does not describe the image'),
        ("a photo.", 'image alt text "a photo." does not describe the image'),
        ("Image 1", 'image alt text "Image 1" does not describe the image'),
        ("logo", 'image alt text "logo" does not describe the image'),
        ("screen  shot", 'image alt text "screen shot" does not describe the image'),
    ],
)
def test_useless_markdown_alt(alt: str, message: str) -> None:
    construct = f"![{alt}](x.png)"
    text = f"Intro\n{construct}\n"
    assert lcm(run(text, [md_image(text, construct, alt, "x.png")])) == [(2, 1, message)]


@pytest.mark.parametrize(
    "alt",
    ["Image of the team at the 2019 summit", "GOV.UK logo", "Diagram showing three steps",
     "photo booth queue", "version 2.0 release", "Figure 3: response times by month"],
)
def test_alt_that_merely_contains_a_placeholder_word_passes(alt: str) -> None:
    assert alt_problem(alt) is None


def test_html_img_without_alt_attribute() -> None:
    tag = '<img src="team.jpg" width="200">'
    text = f"Our team:\n\n  {tag}\n"
    link = html_image(text, tag, {"src": "team.jpg", "width": "200"})
    assert lcm(run(text, [link])) == [(3, 3, NO_ALT_HTML)]


@pytest.mark.parametrize(
    "attrs",
    [
        {"src": "rule.png", "alt": ""},
        {"src": "rule.png", "aria-hidden": "true"},
        {"src": "rule.png", "aria-hidden": "TRUE", "alt": "rule.png"},
        {"src": "rule.png", "role": "presentation"},
        {"src": "rule.png", "role": "none"},
        {"src": "rule.png", "alt": "Map of the three regions"},
    ],
)
def test_decorative_or_described_html_images_pass(attrs: dict[str, str | None]) -> None:
    tag = "<img " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + ">"
    text = tag + "\n"
    assert run(text, [html_image(text, tag, attrs)]) == []


def test_html_alt_of_spaces_and_useless_html_alt() -> None:
    tag1 = '<img src="a.png" alt="  ">'
    tag2 = '<img src="b.png" alt="picture">'
    text = f"{tag1}\n{tag2}\n"
    links = [html_image(text, tag1, {"src": "a.png", "alt": "  "}),
             html_image(text, tag2, {"src": "b.png", "alt": "picture"})]
    assert lcm(run(text, links)) == [
        (1, 1, SPACES_HTML),
        (2, 1, 'image alt text "picture" does not describe the image'),
    ]


def test_html_alt_attribute_without_value_counts_as_empty() -> None:
    # <img src="x.png" alt> has an alt attribute with no value: decorative, like alt="".
    tag = '<img src="x.png" alt>'
    text = tag + "\n"
    link = Link(url="x.png", kind="html-img", start=10, end=15, node_start=0,
                node_end=len(tag), alt=None, attrs={"src": "x.png", "alt": None})
    assert run(text, [link]) == []


def test_links_are_not_images() -> None:
    text = "[](https://www.gov.uk/)\n"
    link = Link(url="https://www.gov.uk/", kind="inline", start=3, end=22, node_start=0,
                node_end=23, text="")
    assert run(text, [link]) == []


def test_end_to_end_with_check() -> None:
    text = (
        "---\ntitle: Pictures\n---\n"
        "![](one.png) and ![Bar chart of visits by month](two.png)\n"
        '\n<img src="three.png">\n'
    )
    findings = check(MissingAltText, text)
    assert lcm(findings) == [(4, 1, NO_ALT_MD), (6, 1, NO_ALT_HTML)]


def test_end_to_end_linked_image_reference_image_and_code() -> None:
    text = (
        "[![](badge.svg)](https://example.gov/)\n"
        "\n"
        "![photo][pic]\n"
        "\n"
        "`![](in-code.png)`\n"
        "\n"
        "```html\n"
        '<img src="in-fence.png">\n'
        "```\n"
        "\n"
        "[pic]: team.jpg\n"
    )
    assert lcm(check(MissingAltText, text)) == [
        (1, 2, NO_ALT_MD),
        (3, 1, 'image alt text "photo" does not describe the image'),
    ]


def test_corpus_govuk_developer_docs_images(corpus: Path) -> None:
    rel = "alphagov__govuk-developer-docs/source/manual/whitehall-historical-accounts.html.md"
    text = Document.from_path(corpus / rel).text
    findings = check(MissingAltText, text, path="page.md")
    assert [(f.line, f.column, f.message) for f in findings] == [
        (17, 1, NO_ALT_MD), (21, 1, NO_ALT_MD), (25, 1, NO_ALT_MD), (29, 1, NO_ALT_MD),
        (33, 1, NO_ALT_MD),
    ]
