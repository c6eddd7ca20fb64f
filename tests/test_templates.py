"""Template links (issue 4): masking, extraction at true positions, expansion through
the site model, and links written in front matter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from playbook_lint.checks.broken_link import BrokenLink
from playbook_lint.document import Document
from playbook_lint.findings import Severity
from playbook_lint.links.fmlinks import front_matter_links
from playbook_lint.links.templates import expand, mask_templates, template_links
from playbook_lint.rule import Context, RuleConfig
from playbook_lint.runner import report_to_finding
from playbook_lint.site import Site
from playbook_lint.testing import MemoryWorkspace

ROOT = Path("/site")
SITE = Site.from_pages(ROOT, {
    "_methods/interviews.md": "---\ntitle: Interviews\npermalink: /discover/interviews/\n---\n"
                              "## Plan them\n",
    "pages/example.md": "---\ntitle: Example\n---\nText\n",
    "_posts/2020-01-02-hello.md": "---\ntitle: Hello\n---\n",
    "content/news/first.md": "---\ntitle: First\n---\n## The details\n",
    "index.md": "---\ntitle: Home\n---\n",
})
PAGE = ROOT / "content" / "news" / "page.md"


def test_mask_keeps_every_offset() -> None:
    text = 'a [x]({{< ref "b.md" >}}) {% link c.md %} <%= d %> {{e}}\n'
    masked, spans = mask_templates(text)
    assert len(masked) == len(text)
    assert masked == "a [x](" + "x" * 18 + ") " + "x" * 15 + " " + "x" * 8 + " xxxxx\n"
    assert spans == [(6, 24), (26, 41), (42, 50), (51, 56)]
    assert mask_templates("no templates\n") == ("no templates\n", [])


@pytest.mark.parametrize(
    ("written", "status", "url", "reason"),
    [
        ("{{ site.baseurl }}/discover/x/", "url", "/discover/x/", ""),
        ("{{site.baseurl}}/discover/x", "url", "/discover/x", ""),
        ("{{ site.url }}{{ site.baseurl }}/a/", "url", "/a/", ""),
        ('{{ "/our-style/" | relative_url }}#tone', "url", "/our-style/#tone", ""),
        ("{{ 'our-style/' | absolute_url }}", "url", "/our-style/", ""),
        ('{{ "/x/" | where: "a" }}', "unknown", "", 'the filter "where"'),
        ("{% link _methods/interviews.md %}", "url", "/discover/interviews/", ""),
        ("{{ site.baseurl }}{% link pages/example.md %}#top", "url", "/pages/example/#top", ""),
        ("{% link _methods/gone.md %}", "missing", "", 'no file "_methods/gone.md" in the site'),
        ("{% link {{ page.x }} %}", "unknown", "", "a variable in {% link %}"),
        ("{% post_url 2020-01-02-hello %}", "url", "/_posts/2020-01-02-hello/", ""),
        ("{% post_url 2020-01-03-gone %}", "missing", "", 'no post "2020-01-03-gone" in _posts/'),
        ('{% page "/about/" %}', "url", "/about/", ""),
        ('{{< ref "first.md" >}}', "url", "/content/news/first/", ""),
        ('{{< relref "/news/first.md#the-details" >}}', "url",
         "/content/news/first/#the-details", ""),
        ('{{% ref "gone.md" %}}', "missing", "", 'no page "gone.md" for ref'),
        ("{{ page.next }}/x", "unknown", "", 'the variable "page.next"'),
        ("<%= url_for 'x' %>", "unknown", "", "ERB"),
        ('{{< tmp "events/x.md" >}}', "unknown", "", 'the Hugo shortcode "tmp"'),
        ("{% capture x %}", "unknown", "", 'the tag "capture"'),
    ],
)
def test_expand(written: str, status: str, url: str, reason: str) -> None:
    exp = expand(written, PAGE, SITE)
    assert (exp.status, exp.url, exp.reason) == (status, url, reason)


def test_missing_wins_over_unknown() -> None:
    exp = expand("{{ page.base }}{% link gone.md %}", PAGE, SITE)
    assert (exp.status, exp.reason) == ("missing", 'no file "gone.md" in the site')


def test_template_links_found_where_markdown_it_sees_none() -> None:
    text = (
        "---\ntitle: T\n---\n"
        'See [first]({{< ref "first.md" >}}) and\n'
        '<a href="{{ site.baseurl }}/x/">x</a>, [plain](/plain/),\n'
        "`[code]({% link gone.md %})` and\n"
        "```\n[fenced]({% link gone.md %})\n```\n"
        "[ref]: {{ site.baseurl }}/defined/\n"
    )
    doc = Document(PAGE, text)
    # markdown-it sees no Markdown link with a spaced template destination
    assert [link.url for link in doc.links if link.kind == "inline"] == ["/plain/"]
    got = [(tl.link.kind, doc.position(tl.link.start), tl.written)
           for tl in template_links(doc)]
    assert got == [
        ("inline", (4, 13), '{{< ref "first.md" >}}'),
        ("html-a", (5, 10), "{{ site.baseurl }}/x/"),
        ("definition", (10, 8), "{{ site.baseurl }}/defined/"),
    ]


def check_with_site(text: str, path: Path = PAGE, site: Site = SITE) -> list[tuple]:
    rule = BrokenLink(RuleConfig())
    doc = Document(path, text, display_path="page.md")
    ws = MemoryWorkspace({p: "" for p in site.pages} | {path: text}, root=ROOT)
    ctx = Context(today=date(2026, 11, 29), workspace=ws, root=ROOT, site=site)
    out = [report_to_finding(doc, rule, r, rule.default_severity) for r in rule.check(doc, ctx)]
    return [(f.line, f.column, f.end_column, f.severity, f.message) for f in sorted(out)]


def test_broken_link_reports_template_links_at_their_source() -> None:
    text = (
        'A [ref]({{< ref "first.md" >}}) and [gone]({{< ref "gone.md" >}}).\n'
        "B [m]({{ site.baseurl }}/discover/interviews/) [n]({{site.baseurl}}/discover/nope/)\n"
        "C [unknown]({{ page.next_url }})\n"
    )
    # this in-memory site has no Hugo config, which decides what a missing ref does
    assert check_with_site(text) == [
        (1, 44, 65, Severity.INFO,
         'link target "{{< ref "gone.md" >}}" not checked: the Hugo config is not in this '
         "tree, and it decides (refLinksErrorLevel) what a ref to a missing page does"),
        (2, 52, 83, Severity.ERROR,
         'link target "{{site.baseurl}}/discover/nope/" does not exist'),
        (3, 13, 32, Severity.INFO,
         'template link "{{ page.next_url }}" not checked: the variable "page.next_url" is '
         "not understood"),
    ]


def test_without_a_site_model_templates_are_skipped() -> None:
    rule = BrokenLink(RuleConfig())
    doc = Document(PAGE, '[a]({{< ref "gone.md" >}})\n')
    ctx = Context(today=date(2026, 11, 29), workspace=MemoryWorkspace({}), root=ROOT)
    assert list(rule.check(doc, ctx)) == []


def test_front_matter_links_at_their_values() -> None:
    text = (
        "---\n"
        "title: Page\n"
        "permalink: /own/\n"
        "redirect_from: [/old/]\n"
        "nav-breadcrumbs:\n"
        '  - "Home": "/"\n'
        "  - Guides:\t/guides/x/\n"
        "image: https://cdn.example.org/a.png\n"
        "summary: see /not a path/\n"
        "---\n"
        "Body /ignored/\n"
    )
    doc = Document(PAGE, text)
    assert [(fl.key, fl.url, doc.position(fl.start), doc.position(fl.end))
            for fl in front_matter_links(doc)] == [
        ("nav-breadcrumbs[0].Home", "/", (6, 14), (6, 15)),
        ("nav-breadcrumbs[1].Guides", "/guides/x/", (7, 13), (7, 23)),
        ("image", "https://cdn.example.org/a.png", (8, 8), (8, 37)),
    ]
    assert front_matter_links(Document(PAGE, "---\nbad: [\n---\n")) == []
    assert front_matter_links(Document(PAGE, "+++\nx = '/a/'\n+++\n")) == []


def test_front_matter_breadcrumb_reported_at_the_value_line() -> None:
    text = "---\ntitle: P\nnav-breadcrumbs:\n  - Interviews: /discover/interview/\n" \
           "  - Home: /\n---\n"
    assert check_with_site(text) == [
        (4, 17, 37, Severity.ERROR,
         'link target "/discover/interview/" does not exist '
         '(front matter "nav-breadcrumbs[0].Interviews")'),
    ]


def test_fragment_of_title_rendered_by_layout_and_feeds() -> None:
    text = ("[a](/discover/interviews/#interviews) [b](/discover/interviews/#plan-them)\n"
            "[c](/discover/interviews/#nope) [feed](/news/index.xml)\n")
    rule_site = Site.from_pages(ROOT, {
        "_methods/interviews.md": "---\ntitle: Interviews\npermalink: /discover/interviews/"
                                  "\n---\n## Plan them\n"})
    rule = BrokenLink(RuleConfig())
    doc = Document(PAGE, text, display_path="page.md")
    target = ROOT / "_methods/interviews.md"
    ws = MemoryWorkspace({target: "## Plan them\n"}, root=ROOT)
    ctx = Context(today=date(2026, 11, 29), workspace=ws, root=ROOT, site=rule_site)
    got = [report_to_finding(doc, rule, r, rule.default_severity) for r in rule.check(doc, ctx)]
    assert [(f.line, f.column, f.message) for f in got] == [
        (2, 5, 'no heading or anchor "#nope" in "/discover/interviews/"'),
    ]


def test_pre_check_skips_pages_whose_templates_are_not_in_links() -> None:
    assert template_links(Document(PAGE, '{{< img src="x" >}} and [a](/plain/)\n')) == []
    doc = Document(PAGE, "[a](/x/{{ page.y }}/z) <img SRC='{{ site.baseurl }}/i.png'>\n")
    assert [(tl.link.kind, tl.written) for tl in template_links(doc)] == [
        ("inline", "/x/{{ page.y }}/z"), ("html-img", "{{ site.baseurl }}/i.png"),
    ]


def test_definition_with_a_template_after_a_scheme() -> None:
    doc = Document(PAGE, "Write to [us].\n\n[us]: mailto:{{ site.team_email }}\n")
    assert [(tl.link.kind, doc.position(tl.link.start), tl.written)
            for tl in template_links(doc)] == [
        ("definition", (3, 7), "mailto:{{ site.team_email }}"),
    ]


@pytest.mark.parametrize(("text", "pos", "found"), [
    ("[a](/x/{{ y }})", 0, True), ("[a]: {% link x.md %}", 0, True),
    ("<a HREF='{{ site.url }}/x'>", 0, True), ("<img Src={{ x }}>", 0, True),
    ("<img \u017frc={{ x }}>", 0, True),  # IGNORECASE folds the long s to "s"
    ("xhref={{ x }}", 0, False), ("{{< img src=\"x\" >}}", 0, False),
    ("[a](/x/ {{ y }})", 0, False), ("[a](/x/{{ y }})", 3, False), ("", 0, False),
])
def test_in_destination_as_the_single_alternation(text: str, pos: int, found: bool) -> None:
    import re

    from playbook_lint.links.templates import _in_destination

    single = re.compile(
        r"""(?:\]\(\s*<?|\]:[ \t]*<?|\b(?:href|src)\s*=\s*["']?)[^\s)"'<>]*?(?:\{\{|\{%|<%)""",
        re.IGNORECASE)
    assert _in_destination(text, pos) is found
    assert (single.search(text, pos) is not None) is found
