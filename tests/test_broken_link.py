"""broken-link (PL101), offline part: local files and #fragments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playbook_lint.checks.broken_link import BrokenLink, has_template, is_external, site_candidates
from playbook_lint.document import Document
from playbook_lint.findings import Severity
from playbook_lint.rule import Context
from playbook_lint.testing import MemoryWorkspace, check


def found(text: str, **kwargs) -> list[tuple]:
    """(line, column, end_column, message) of each finding."""
    return [(f.line, f.column, f.end_column, f.message) for f in check(BrokenLink, text, **kwargs)]


def test_rule_identity() -> None:
    assert (BrokenLink.name, BrokenLink.code, BrokenLink.default_severity) == (
        "broken-link", "PL101", Severity.ERROR,
    )
    for heading in ("What it does", "Why it matters", "Example", "Use instead", "Fix", "Source"):
        assert f"**{heading}" in (BrokenLink.__doc__ or "")


def test_reference_usage_is_reported_once_at_the_definition() -> None:
    text = "See [text][id] and [again][id].\n\n[id]: ./missing.md\n"
    findings = check(BrokenLink, text)
    assert [(f.rule, f.code, f.severity, f.line, f.column, f.end_column, f.message)
            for f in findings] == [
        ("broken-link", "PL101", Severity.ERROR, 3, 7, 19,
         'link target "./missing.md" does not exist'),
    ]


def test_heading_that_is_a_link_is_a_valid_fragment() -> None:
    text = "## [Heading with a link](https://example.org)\n\n[a](#heading-with-a-link)\n"
    assert found(text) == []


def test_missing_files_of_every_kind() -> None:
    text = (
        "[a](gone.md) ![b](img/none.png)\n"
        "\n"
        '<a href="../up.md">c</a> <img src="pic.jpg" alt="d">\n'
        "\n"
        "<p>\n"
        '<a\n  href="block.md">e</a>\n'
        "</p>\n"
    )
    assert found(text, path="docs/page.md") == [
        (1, 5, 12, 'link target "gone.md" does not exist'),
        (1, 19, 31, 'link target "img/none.png" does not exist'),
        (3, 10, 18, 'link target "../up.md" does not exist'),
        (3, 36, 43, 'link target "pic.jpg" does not exist'),
        (7, 9, 17, 'link target "block.md" does not exist'),
    ]


def test_existing_targets_pass() -> None:
    files = {
        "docs/guide.md": "# Guide\n",
        "docs/my file.md": "x\n",
        "docs/sub/deep.md": "x\n",
        "up.md": "x\n",
    }
    text = (
        "[a](guide.md) [b](./guide.md?ref=nav) [c](my%20file.md) [d](<my file.md>)\n"
        "[e](sub/) [f](sub) [g](../up.md) [h](./sub/../guide.md#guide) [i](/up.md)\n"
    )
    assert found(text, path="docs/page.md", files=files) == []


def test_site_generator_paths_count_as_existing() -> None:
    files = {
        "guide/install.md": "# Install\n\n## Linux\n",
        "guide/old.html.md": "x\n",
        "guide/section/_index.md": "x\n",
        "guide/glossary.md": "x\n",
        "source/manual/dns.html.md": "## Records\n",
    }
    text = (
        "[a](install.html#linux) [b](old.html) [c](section/) [d](../guide/glossary/)\n"
        "[e](/manual/dns.html#records) [f](/manual/dns.html#nope)\n"
    )
    assert found(text, path="guide/page.md", files=files) == [
        (2, 35, 56, 'no heading or anchor "#nope" in "/manual/dns.html"'),
    ]


def test_same_page_and_other_page_fragments() -> None:
    text = (
        "# Setup\n"
        "\n"
        "[a](#setup) [b](#set-up) [c](./other.md#install) [d](./other.md#instal)"
        " [e](other.md#caf%C3%A9) [f](other.md#xyzzy) [g](data.csv#row=4) [h](#top)\n"
    )
    files = {"other.md": "## Install\n\n## Café\n", "data.csv": "a,b\n"}
    assert found(text, files=files) == [
        (3, 17, 24, 'no heading or anchor "#set-up" in this page (did you mean "#setup"?)'),
        (3, 54, 71, 'no heading or anchor "#instal" in "./other.md" (did you mean "#install"?)'),
        (3, 101, 115, 'no heading or anchor "#xyzzy" in "other.md"'),
    ]


def test_fragment_suggestion_and_unsafe_fix() -> None:
    text = "## Setup\n\nSee [b](#set-up).\n"
    (finding,) = check(BrokenLink, text)
    assert finding.suggestion == "#setup"
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.title == 'Point the link at "#setup"'
    (edit,) = finding.fix.edits
    assert text[:edit.start] + edit.replacement + text[edit.end:] == (
        "## Setup\n\nSee [b](#setup).\n"
    )


def test_percent_encoded_and_raw_fragments_match() -> None:
    text = "# Café\n\n[a](#caf%C3%A9) [b](#café)\n"
    assert found(text) == []


def test_attribute_list_and_html_anchors() -> None:
    text = (
        "## Title {#custom-id}\n"
        '<a name="old"></a><span id="new"></span>\n'
        "\n"
        "[a](#custom-id) [b](#old) [c](#new) [d](#title) [e](#title-custom-id)\n"
    )
    assert found(text) == [
        (4, 41, 47, 'no heading or anchor "#title" in this page'),
        (4, 53, 69, 'no heading or anchor "#title-custom-id" in this page'
                    ' (did you mean "#custom-id"?)'),
    ]


def test_external_template_and_empty_links_are_skipped() -> None:
    text = (
        "[a](https://example.org/x.md) [b](mailto:x@example.org) [c](tel:+441234)\n"
        "[d](//cdn.example.org/x.js) [e](javascript:void(0)) [f](data:image/png;base64,AA)\n"
        "[g]({{ site.baseurl }}/x.md) [h]({% link x.md %}) [i](<%= url %>) [j]() [k](#)\n"
        '<a href="{{< ref "x.md" >}}">l</a> <a href="">m</a> <a name="n">n</a>\n'
        "https://example.org/bare.md <https://example.org/auto.md> www.example.org\n"
        "`[code](gone.md)`\n"
    )
    assert found(text) == []


def test_site_root_links_skipped_when_root_unknown() -> None:
    ws = MemoryWorkspace({"/site/page.md": "[a](/gone.md) [b](gone.md)\n"})
    doc = Document(Path("/site/page.md"), "[a](/gone.md) [b](gone.md)\n")
    ctx = Context(today=date(2026, 11, 29), workspace=ws, root=Path("/elsewhere"))
    reports = list(BrokenLink().check(doc, ctx))
    assert [(r.start, r.end, r.message) for r in reports] == [
        (18, 25, 'link target "gone.md" does not exist'),
    ]


def test_crlf_bom_document_positions() -> None:
    data = b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n\r\nSee [x](nope.md).\r\n"
    ws = MemoryWorkspace({"/w/page.md": ""})
    doc = Document.from_bytes(Path("/w/page.md"), data)
    ctx = Context(today=date(2026, 11, 29), workspace=ws, root=Path("/w"))
    (report,) = BrokenLink().check(doc, ctx)
    assert (doc.position(report.start), doc.position(report.end), report.message) == (
        (5, 9), (5, 16), 'link target "nope.md" does not exist',
    )


def test_odd_destinations_do_not_crash() -> None:
    text = "[x](http:// example.org) mailto: someone@example.org [y](%ZZ.md) [z](a\\\\b.md)\n"
    assert found(text) == [
        (1, 58, 64, 'link target "%ZZ.md" does not exist'),
        (1, 70, 77, 'link target "a\\b.md" does not exist'),
    ]


def test_helpers() -> None:
    assert is_external("HTTPS://x") and is_external("mailto:a@b") and is_external("//x")
    assert not is_external("x.md") and not is_external("/x") and not is_external("#a")
    assert has_template("{{ x }}/a") and has_template("{%link a%}") and not has_template("a{b}")
    assert site_candidates(Path("/s/a.html"), "a.html")[:3] == [
        Path("/s/a.html"), Path("/s/a.md"), Path("/s/a.markdown"),
    ]
    assert Path("/s/dir/index.md") in site_candidates(Path("/s/dir"), "dir/")
    assert site_candidates(Path("/s/pic.png"), "pic.png") == [Path("/s/pic.png")]


def test_fragments_option_loose_and_off() -> None:
    text = (
        "## GOV.UK teams\n"
        "\n"
        "[a](#gov-uk-teams) [b](#GOVUK-Teams) [c](#budget) [d](gone.md#x)\n"
    )
    assert found(text) == [
        (3, 5, 18, 'no heading or anchor "#gov-uk-teams" in this page'
                   ' (did you mean "#govuk-teams"?)'),
        (3, 24, 36, 'no heading or anchor "#GOVUK-Teams" in this page'
                    ' (did you mean "#govuk-teams"?)'),
        (3, 42, 49, 'no heading or anchor "#budget" in this page'),
        (3, 55, 64, 'link target "gone.md#x" does not exist'),
    ]
    assert found(text, options={"fragments": "loose"}) == [
        (3, 42, 49, 'no heading or anchor "#budget" in this page'),
        (3, 55, 64, 'link target "gone.md#x" does not exist'),
    ]
    assert found(text, options={"fragments": "off"}) == [
        (3, 55, 64, 'link target "gone.md#x" does not exist'),
    ]


def test_options_schema_rejects_unknown_modes() -> None:
    import jsonschema

    schema = BrokenLink.options_schema
    jsonschema.validate({"fragments": "loose"}, schema)
    for bad in ({"fragments": "fuzzy"}, {"other": 1}):
        try:
            jsonschema.validate(bad, schema)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"{bad} accepted")


def test_host_name_without_scheme_gets_a_hint() -> None:
    text = "[a](pra.digital.gov) [b](www.example.org/page) [c](notes.md)\n"
    findings = check(BrokenLink, text)
    assert [(f.column, f.message, f.suggestion) for f in findings] == [
        (5, 'link target "pra.digital.gov" does not exist (missing "https://"?)',
         "https://pra.digital.gov"),
        (26, 'link target "www.example.org/page" does not exist (missing "https://"?)',
         "https://www.example.org/page"),
        (52, 'link target "notes.md" does not exist', None),
    ]


# --- external links, from the link engine's results ------------------------------------

def _res(url, status, http_status, reason, fragments=None):
    from playbook_lint.links.result import LinkResult

    return LinkResult(url=url, status=status, http_status=http_status, reason=reason,
                      final_url=url, fragments=fragments)


def test_external_results_broken_unverified_fragment_and_ok():
    text = ("- [a](https://a.example.gov/gone)\n"
            "- [b](https://b.example.gov/wall)\n"
            "- [c](https://c.example.gov/page#missing)\n"
            "- [d](https://c.example.gov/page#intro)\n"
            "- [e](mailto:x@example.gov)\n")
    results = {
        "https://a.example.gov/gone": _res("https://a.example.gov/gone", "broken", 404,
                                           "HTTP 404 Not Found"),
        "https://b.example.gov/wall": _res("https://b.example.gov/wall", "unverified", 403,
                                           "HTTP 403 Forbidden (often a bot wall)"),
        "https://c.example.gov/page": _res("https://c.example.gov/page", "ok", 200, "HTTP 200 OK",
                                           frozenset({"intro"})),
    }
    found = check(BrokenLink, text, link_results=results)
    got = [(f.line, f.column, str(f.severity), f.message, f.data["classification"])
           for f in found]
    assert got == [
        (1, 7, "error", "link to https://a.example.gov/gone is broken: HTTP 404 Not Found",
         "broken"),
        (2, 7, "warning", "link to https://b.example.gov/wall could not be verified: "
         "HTTP 403 Forbidden (often a bot wall)",
         "unverified"),
        (3, 7, "error", 'no anchor "#missing" on https://c.example.gov/page', "broken"),
    ]


def test_unverified_severity_is_configurable():
    text = "[b](https://b.example.gov/wall)\n"
    results = {"https://b.example.gov/wall": _res("https://b.example.gov/wall", "unverified",
                                                  None, "timed out after 20 s")}
    (f,) = check(BrokenLink, text, link_results=results, options={"unverified": "error"})
    assert (str(f.severity), f.message) == (
        "error", "link to https://b.example.gov/wall could not be verified: timed out after 20 s")
    assert check(BrokenLink, text, link_results=results, options={"unverified": "off"}) == []
