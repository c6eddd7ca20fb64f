"""Tests for the ``outdated-link`` rule (PL102) and the ``outdated-sites`` pack beyond
its cases in ``tests/cases/outdated-link.yml``: dates and hosts on their own, fixes
and data, packs written in the test, and a corpus page. All through real Markdown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from playbook_lint.checks.outdated import (
    OutdatedLink,
    age_in_years,
    find_url_date,
    is_local_host,
)
from playbook_lint.document import Document
from playbook_lint.findings import Edit, Finding
from playbook_lint.packs import PackError, builtin_pack_dir, load_pack
from playbook_lint.testing import FIXED_TODAY, check

PACK = builtin_pack_dir() / "outdated-sites.yml"
SCHEMAS = {"outdated-link": OutdatedLink.pack_entry_schema}


def run(
    text: str,
    *,
    options: dict | None = None,
    packs: tuple = (),
    today: date = FIXED_TODAY,
) -> list[Finding]:
    """Run the rule on ``text`` through real Markdown (no built-in pack unless given)."""
    return check(OutdatedLink, text, options=options, packs=packs, today=today)


def pack():
    return load_pack(PACK, SCHEMAS)


def lcm(findings: list[Finding]) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.message) for f in findings]


# -- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://blog.example.gov/2015/02/post.html", "2015-02"),
        ("https://blog.example.gov/2015/03/29/better/", "2015-03-29"),
        ("https://site.gov/news/2014-11-26-how-to-use/", "2014-11-26"),
        ("https://site.gov/2015/02", "2015-02"),
        ("https://github.com/a/b/pull/1932", None),
        ("https://github.com/a/b/issues/2015", None),
        ("https://site.gov/2015/", None),
        ("https://site.gov/2015/13/post", None),
        ("https://site.gov/2015/02/30/post", None),  # 30 February: not a date
        ("https://site.gov/2015/2/post", None),  # one-digit month: not a permalink
        ("https://site.gov/1900/01/x", None),
        ("https://site.gov/2027/01/x", None),  # after today
        ("https://2015-02-03.example.gov/x", None),  # host is not the path
        ("https://site.gov/x?from=2015-02-03", None),  # neither is the query
        ("https://site.gov/v/12015-02-033", None),
        ("http://[::1", None),  # unparsable URL: no date, no exception
        ("https://s3.amazonaws.com/site/uploads/2013/09/poster.JPG", None),  # media file
        ("https://s3.amazonaws.com/site/uploads/2013/09/report.pdf", "2013-09"),
    ],
)
def test_find_url_date(url: str, expected: str | None) -> None:
    found = find_url_date(url, FIXED_TODAY)
    assert (found.text if found else None) == expected


def test_age_in_years_counts_whole_years() -> None:
    assert age_in_years(date(2015, 2, 1), date(2026, 11, 29)) == 11
    assert age_in_years(date(2015, 11, 30), date(2026, 11, 29)) == 10
    assert age_in_years(date(2015, 11, 29), date(2026, 11, 29)) == 11
    assert age_in_years(date(2027, 1, 1), date(2026, 11, 29)) == 0


def test_dated_link_message_line_and_column() -> None:
    text = "# Title\n\nRead [the post](https://blog.example.gov/2015/02/intro.html) now.\n"
    url = "https://blog.example.gov/2015/02/intro.html"
    findings = run(text)
    assert lcm(findings) == [
        (3, 17, "link is to a page dated 2015-02 (11 years old); check it is still current")
    ]
    f = findings[0]
    assert (f.rule, f.code, str(f.severity)) == ("outdated-link", "PL102", "warning")
    assert (f.end_line, f.end_column) == (3, 17 + len(url))
    assert f.fix is None
    assert f.data == {"outdated": "dated", "date": "2015-02", "age_years": 11}


# -- http -----------------------------------------------------------------------------

def test_insecure_http_link_has_unsafe_https_fix() -> None:
    text = "See <http://www.gov.uk/guidance> for more.\n"
    findings = run(text)
    assert lcm(findings) == [
        (1, 6, "link uses insecure http://; use https:// if the site supports it")
    ]
    f = findings[0]
    assert f.suggestion == "https://www.gov.uk/guidance"
    assert f.fix is not None and f.fix.safe is False
    assert f.fix.edits == (Edit(5, 12, "https://"),)
    assert f.fix.title == "Use https://"


def test_is_local_host() -> None:
    assert is_local_host("LOCALHOST")
    assert is_local_host("10.0.0.1")
    assert not is_local_host("example.gov")
    assert not is_local_host("notexample.com")
    assert not is_local_host("8.8.8.8")


# -- packs -----------------------------------------------------------------------------

def _tmp_pack(tmp_path: Path, entries: str) -> Path:
    p = tmp_path / "p.yml"
    p.write_text(
        "name: test-sites\ndescription: test\nsource: https://example.gov/\n"
        "rule: outdated-link\nentries:\n" + entries,
        encoding="utf-8",
    )
    return p


def test_pack_replacement_with_groups_and_safe_fix(tmp_path: Path) -> None:
    p = load_pack(_tmp_pack(tmp_path, (
        "  - pattern: 'old\\.example\\.gov(/.*)?$'\n"
        "    replacement: 'https://new.example.gov\\1'\n"
        "    reason: old.example.gov moved to new.example.gov\n"
        "    source: https://new.example.gov/news/moved\n"
        "    retired: 2020-06\n"
        "    safe: true\n"
    )), SCHEMAS)
    url = "http://old.example.gov/guide/a#b"
    text = f"Read [the guide]({url}).\n"
    findings = run(text, packs=(p,))
    assert lcm(findings) == [
        (1, 18, "outdated site: old.example.gov moved to new.example.gov; "
                "use https://new.example.gov/guide/a#b")
    ]
    f = findings[0]
    assert f.suggestion == "https://new.example.gov/guide/a#b"
    assert f.fix is not None and f.fix.safe is True
    assert f.fix.title == "Move link to the new site"
    assert f.fix.edits == (Edit(17, 17 + len(url), "https://new.example.gov/guide/a#b"),)
    assert f.data == {"outdated": "site", "evidence": "https://new.example.gov/news/moved",
                      "retired": "2020-06"}


def test_pack_reason_only_has_no_fix_and_unmatched_group_is_empty(tmp_path: Path) -> None:
    p = load_pack(_tmp_pack(tmp_path, (
        "  - pattern: '(?:www\\.)?gone\\.gov\\b'\n"
        "    reason: gone.gov was switched off in 2019\n"
        "    source: https://example.gov/evidence\n"
        "  - pattern: 'moved\\.gov(/.*)?$'\n"
        "    replacement: 'https://here.gov\\1'\n"
        "    source: https://example.gov/evidence2\n"
    )), SCHEMAS)
    text = "a https://WWW.Gone.gov/page b https://moved.gov c\n"
    findings = run(text, packs=(p,))
    assert lcm(findings) == [
        (1, 3, "outdated site: gone.gov was switched off in 2019"),
        (1, 31, "outdated site: this site has moved; use https://here.gov"),
    ]
    assert findings[0].fix is None
    assert findings[1].fix is not None and findings[1].fix.safe is False
    assert findings[1].fix.title == "Replace with the new URL"


@pytest.mark.parametrize(
    ("entry", "key", "problem"),
    [
        ("  - pattern: 'a('\n    reason: r\n    source: https://x.gov/\n",
         "entries[0].pattern", "bad regular expression"),
        ("  - pattern: a\n    reason: r\n    source: https://x.gov/\n    colour: red\n",
         "entries[0].colour", "unknown key"),
        ("  - pattern: a\n    source: https://x.gov/\n", "entries[0]", "is not valid"),
        ("  - pattern: a\n    reason: r\n", "entries[0]", "'source' is a required property"),
        ("  - pattern: a\n    reason: r\n    source: https://x.gov/\n    retired: May 2020\n",
         "entries[0].retired", "does not match"),
        ("  - pattern: a\n    replacement: http://x.gov/\n    source: https://x.gov/\n",
         "entries[0].replacement", "does not match"),
    ],
)
def test_pack_schema_is_strict(tmp_path: Path, entry: str, key: str, problem: str) -> None:
    with pytest.raises(PackError) as info:
        load_pack(_tmp_pack(tmp_path, entry), SCHEMAS)
    assert info.value.key == key
    assert problem in info.value.problem


def test_site_match_suppresses_http_report(tmp_path: Path) -> None:
    p = load_pack(_tmp_pack(tmp_path, (
        "  - pattern: 'old\\.gov(/.*)?$'\n"
        "    replacement: 'https://new.gov\\1'\n"
        "    source: https://new.gov/evidence\n"
    )), SCHEMAS)
    text = "x http://old.gov/2010/04/a y\n"
    assert lcm(run(text, packs=(p,))) == [
        (1, 3, "outdated site: this site has moved; use https://new.gov/2010/04/a"),
        (1, 3, "link is to a page dated 2010-04 (16 years old); check it is still current"),
    ]


# -- the built-in pack ------------------------------------------------------------------

def test_builtin_pack_loads_and_is_sourced() -> None:
    p = pack()
    assert p.rule == "outdated-link"
    assert len(p.entries) >= 15
    for e in p.entries:
        assert e["source"].startswith("https://"), e
        assert "replacement" in e or "reason" in e


@pytest.mark.parametrize(
    ("url", "message", "suggestion"),
    [
        (
            "https://playbook.cio.gov/designstandards/",
            "outdated site: playbook.cio.gov/designstandards points at the retired "
            "standards.usa.gov; the standards are now the U.S. Web Design System; "
            "use https://designsystem.digital.gov/",
            "https://designsystem.digital.gov/",
        ),
        (
            "https://www.digitalgov.gov/2014/05/09/make-gov-apis-better/",
            "outdated site: DigitalGov moved from digitalgov.gov to digital.gov; "
            "use https://digital.gov/2014/05/09/make-gov-apis-better/",
            "https://digital.gov/2014/05/09/make-gov-apis-better/",
        ),
        (
            "http://govuk-elements.herokuapp.com/",
            "outdated site: GOV.UK Elements is retired and replaced by the GOV.UK Design "
            "System; use https://design-system.service.gov.uk/",
            "https://design-system.service.gov.uk/",
        ),
        (
            "http://govuk-elements.herokuapp.com/form-elements/",
            "outdated site: GOV.UK Elements is retired and replaced by the GOV.UK Design "
            "System; see frontend.design-system.service.gov.uk/migrating-from-legacy-products",
            None,
        ),
        (
            "https://pages.18f.gov/content-guide/voice/#x",
            "outdated site: pages.18f.gov was retired; each guide moved to its own 18f.gov "
            "subdomain; use https://content-guide.18f.gov/voice/#x",
            "https://content-guide.18f.gov/voice/#x",
        ),
        (
            "http://www.usability.gov/how-to-and-tools/methods/index.html",
            "outdated site: usability.gov is archived and no longer updated; find current "
            "guidance on digital.gov",
            None,
        ),
        (
            "http://www.usability.gov/",
            "outdated site: usability.gov is archived and now redirects to digital.gov; "
            "use https://digital.gov/topics/usability/",
            "https://digital.gov/topics/usability/",
        ),
        (
            "https://my-prototype.london.cloudapps.digital/start",
            "outdated site: GOV.UK Platform as a Service (PaaS) was decommissioned in "
            "December 2023",
            None,
        ),
        (
            "http://mobilegovwiki.howto.gov/Mobile+First",
            "outdated site: HowTo.gov was retired and redirected to DigitalGov "
            "(now digital.gov)",
            None,
        ),
    ],
)
def test_builtin_pack_examples(url: str, message: str, suggestion: str) -> None:
    text = f"[x]({url})\n"
    found = [f for f in run(text, packs=(pack(),)) if f.data["outdated"] == "site"]
    assert [(f.message, f.suggestion) for f in found] == [(message, suggestion)]


def test_builtin_pack_does_not_match_current_sites() -> None:
    urls = ["https://playbook.usds.gov/", "https://digital.gov/guides/",
            "https://design-system.service.gov.uk/components/",
            "https://www.gov.uk/service-manual", "https://notdigitalgov.gov/",
            "https://howto.gov.example.net/", "https://guides.18f.gov/methods/"]
    text = " ".join(urls) + "\n"
    assert run(text, packs=(pack(),)) == []


# -- end to end through link extraction ----------------------------------------------

CFA = (
    "codeforamerica__codeforamerica.org-archive/playbooks/technology-procurement/"
    "delivering-digital-services/index.md"
)


def test_corpus_delivering_digital_services_dated_links(corpus: Path) -> None:
    path = corpus / CFA
    doc_text = Document.from_path(path).text
    findings = check(OutdatedLink, doc_text, path="index.md")
    dated = sorted({f.line for f in findings if f.data.get("outdated") == "dated"})
    assert dated == [36, 53, 57, 70, 74, 93, 101, 104, 108, 109, 110, 112]


def test_every_builtin_pattern_compiles_and_compiles_on_first_use(tmp_path: Path) -> None:
    """The built-in packs' patterns are compiled on first use (a one-file run whose
    URLs the joined prefilter rejects compiles none), so the tests compile each one;
    a user pack's patterns compile when the rule is made."""
    import re as stdre

    from playbook_lint.packregex import compile_pack_regex
    from playbook_lint.rule import RuleConfig

    builtin = load_pack(PACK, SCHEMAS)
    for i, entry in enumerate(builtin.entries):
        compile_pack_regex(entry["pattern"], stdre.IGNORECASE, where=f"entries[{i}]")
    assert len(builtin.entries) > 20
    rule = OutdatedLink(RuleConfig(packs=(builtin,)))
    assert [s.pattern._compiled for s in rule.sites] == [None] * len(builtin.entries)
    user = tmp_path / "ours.yml"
    user.write_text(PACK.read_text("utf-8"), encoding="utf-8")
    ours = OutdatedLink(RuleConfig(packs=(load_pack(user, SCHEMAS),)))
    assert all(s.pattern._compiled is not None for s in ours.sites)
    # lazily compiled or not, the same findings, exactly
    text = "See [the old site](http://www.digitalgov.gov/x/).\n"
    got = [(f.line, f.column, f.rule, f.message) for f in run(text, packs=(builtin,))]
    assert got == [(f.line, f.column, f.rule, f.message)
                   for f in run(text, packs=(load_pack(user, SCHEMAS),))]
    assert got == [(1, 20, "outdated-link", "outdated site: DigitalGov moved from "
                    "digitalgov.gov to digital.gov; use https://digital.gov/x/")]
