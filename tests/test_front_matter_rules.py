"""The front-matter-missing (PL001) and front-matter-invalid (PL002) rules."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from playbook_lint.checks.front_matter import (
    PROFILE_SCHEMA,
    FrontMatterInvalid,
    FrontMatterMissing,
    is_email,
    is_furniture,
    is_url,
)
from playbook_lint.document import Document
from playbook_lint.findings import Finding, Severity
from playbook_lint.packs import Pack, PackError, builtin_pack_dir, load_pack
from playbook_lint.rule import Context, Rule, RuleConfig
from playbook_lint.runner import report_to_finding
from playbook_lint.testing import FIXED_TODAY, MemoryWorkspace, check

CFA_PACK_PATH = builtin_pack_dir() / "front-matter-codeforamerica.yml"


def _load(path: Path) -> Pack:
    return load_pack(path, {"front-matter-missing": PROFILE_SCHEMA})


CFA_PACK = _load(CFA_PACK_PATH)


def _found(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.rule, f.line, f.column, f.message) for f in findings]


def _run(rule_cls: type[Rule], doc: Document, root: Path, *, packs: tuple[Pack, ...] = (),
         options: Mapping[str, Any] | None = None) -> list[Finding]:
    rule = rule_cls(RuleConfig(options=dict(options or {}), packs=packs))
    ctx = Context(today=FIXED_TODAY, workspace=MemoryWorkspace(), root=root)
    return sorted(report_to_finding(doc, rule, r, rule.default_severity)
                  for r in rule.check(doc, ctx))


def test_rule_metadata() -> None:
    assert (FrontMatterMissing.name, FrontMatterMissing.code) == ("front-matter-missing", "PL001")
    assert (FrontMatterInvalid.name, FrontMatterInvalid.code) == ("front-matter-invalid", "PL002")
    assert FrontMatterMissing.default_severity is Severity.ERROR
    assert FrontMatterInvalid.default_severity is Severity.ERROR
    assert FrontMatterInvalid.pack_rule == "front-matter-missing"
    assert FrontMatterInvalid.pack_entry_schema is FrontMatterMissing.pack_entry_schema
    for cls in (FrontMatterMissing, FrontMatterInvalid):
        doc = cls.__doc__ or ""
        for heading in ("What it does", "Why it matters", "Example", "Use instead", "Fix",
                        "Source"):
            assert f"**{heading}" in doc, (cls.name, heading)


# -- the built-in Code for America pack ------------------------------------------------


def test_cfa_pack_loads_with_its_source() -> None:
    assert CFA_PACK.name == "front-matter-codeforamerica"
    assert CFA_PACK.rule == "front-matter-missing"
    assert CFA_PACK.sources[0] == "https://github.com/codeforamerica/codeforamerica.org-archive"
    assert [e["layout"] for e in CFA_PACK.entries] == ["resource"]


RESOURCE_OK = (
    "---\n"
    "layout: resource\n"
    "title: Paying for software\n"
    "subtitle: What to ask vendors\n"
    "status: beta\n"
    "feedback-email: team@example.org\n"
    "nav-breadcrumbs:\n"
    '  - "Buying": "/buying/"\n'
    "---\n"
    "Text.\n"
)


def test_complete_resource_page_is_clean() -> None:
    for cls in (FrontMatterMissing, FrontMatterInvalid):
        assert check(cls, RESOURCE_OK, packs=[CFA_PACK]) == []


def test_missing_title_on_crlf_bom_resource_page() -> None:
    raw = ("\ufeff---\r\nlayout: resource\r\nsubtitle: What to ask vendors\r\n"
           'nav-breadcrumbs:\r\n  - "Buying": "/buying/"\r\n---\r\nText.\r\n')
    doc = Document.from_bytes(Path("/w/guide/page.md"), raw.encode("utf-8"),
                              display_path="guide/page.md")
    findings = _run(FrontMatterMissing, doc, Path("/w"), packs=(CFA_PACK,))
    assert _found(findings) == [
        ("front-matter-missing", 1, 1,
         'front matter key "title" is required for layout "resource"'),
    ]
    assert (findings[0].end_line, findings[0].end_column, findings[0].code) == (1, 4, "PL001")
    assert _run(FrontMatterInvalid, doc, Path("/w"), packs=(CFA_PACK,)) == []


def test_each_missing_key_once_and_empty_key_at_its_line() -> None:
    text = "---\nlayout: resource\nsubtitle:\n---\n"
    assert _found(check(FrontMatterMissing, text, packs=[CFA_PACK])) == [
        ("front-matter-missing", 1, 1, 'front matter key "title" is required for layout '
         '"resource"'),
        ("front-matter-missing", 1, 1, 'front matter key "nav-breadcrumbs" is required for '
         'layout "resource"'),
        ("front-matter-missing", 3, 1, 'front matter key "subtitle" is empty but required for '
         'layout "resource"'),
    ]


def test_other_layouts_and_pages_without_layout_are_not_checked() -> None:
    assert check(FrontMatterMissing, "---\nlayout: post\n---\n", packs=[CFA_PACK]) == []
    assert check(FrontMatterMissing, "---\ntitle: x\n---\n", packs=[CFA_PACK]) == []
    assert check(FrontMatterMissing, "No front matter.\n", packs=[CFA_PACK]) == []


def test_invalid_values_reported_at_their_keys() -> None:
    text = (
        "---\n"
        "layout: resource\n"
        "title: [not, a, string]\n"
        "subtitle: What to ask\n"
        "status:\t\tgamma\n"
        "feedback-email:\tteam@\n"
        "community-url: htp:/example.org\n"
        'nav-breadcrumbs: "Buying"\n'
        "---\n"
    )
    assert _found(check(FrontMatterInvalid, text, packs=[CFA_PACK])) == [
        ("front-matter-invalid", 3, 1, 'front matter key "title" should be a string, not a list'),
        ("front-matter-invalid", 5, 1, 'front matter key "status" is "gamma"; allowed values: '
         '"alpha", "beta", "live"'),
        ("front-matter-invalid", 6, 1, 'front matter key "feedback-email" is not a valid email '
         'address: "team@"'),
        ("front-matter-invalid", 7, 1, 'front matter key "community-url" is not a valid URL: '
         '"htp:/example.org"'),
        ("front-matter-invalid", 8, 1, 'front matter key "nav-breadcrumbs" should be a list, '
         "not a string"),
    ]


def test_duplicate_status_at_the_repeat_and_last_value_checked() -> None:
    text = "---\nlayout: resource\nstatus: gamma\ntitle: T\nstatus: delta\n---\n"
    assert _found(check(FrontMatterInvalid, text, packs=[CFA_PACK])) == [
        ("front-matter-invalid", 5, 1, 'duplicate front matter key "status" (first set on '
         "line 3)"),
        ("front-matter-invalid", 5, 1, 'front matter key "status" is "delta"; allowed values: '
         '"alpha", "beta", "live"'),
    ]


# -- syntax and structure (no profile needed) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "messages"),
    [
        ("---\ntitle: ok\nkey: value: other\n---\n", 3, 11,
         # libyaml's wording, then the pure Python scanner's (default: libyaml when built in)
         {"YAML syntax error: mapping values are not allowed in this context",
          "YAML syntax error: mapping values are not allowed here"}),
        ('+++\ntitle = "ok"\ndate = \n+++\n', 3, 8, {"TOML syntax error: Invalid value"}),
        ("---\n- a\n---\n", 2, 1,
         {"front matter must be a mapping of keys to values, not a list"}),
        ("---\ntitle: Never closed\n\nBody\n", 1, 1,
         {'front matter is not closed: no "---" line after the opening one'}),
    ],
)
def test_syntax_problems(text: str, line: int, column: int, messages: set[str]) -> None:
    findings = check(FrontMatterInvalid, text)
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("front-matter-invalid", line, column)
    ]
    assert findings[0].message in messages


def test_thematic_breaks_are_not_unclosed_front_matter() -> None:
    assert check(FrontMatterInvalid, "---\n\nText after a rule.\n") == []
    assert check(FrontMatterInvalid, "---\nJust text: with a colon later\n") == []
    assert check(FrontMatterInvalid, "Intro\n\n---\ntitle: x\n") == []
    # the "unclosed" guess is not made for repository furniture
    assert check(FrontMatterInvalid, "---\nNote: read this\n", path="README.md") == []
    assert len(check(FrontMatterInvalid, "---\nNote: read this\n", path="guide.md")) == 1


def test_unparsable_front_matter_is_not_also_reported_missing() -> None:
    text = "---\nlayout: resource\nkey: value: other\n---\n"
    assert check(FrontMatterMissing, text, packs=[CFA_PACK]) == []


# -- path profiles, options, furniture -------------------------------------------------

NEWS = {
    "profiles": [
        {"paths": ["content/news/**", "!content/news/_index.md"],
         "required": ["title", "date"],
         "keys": {"date": {"type": "date"}, "draft": {"type": "boolean"},
                  "weight": {"type": ["number"]}, "tags": {"type": ["string", "list"],
                                                           "allowed": ["a", "b"]},
                  "slug": {"pattern": "^[a-z0-9-]+$"}}},
    ]
}


def test_page_without_front_matter_in_a_path_profile() -> None:
    assert _found(check(FrontMatterMissing, "Words.\n", path="content/news/one.md",
                        options=NEWS)) == [
        ("front-matter-missing", 1, 1,
         'front matter is missing; "title", "date" required for pages matching '
         '"content/news/**"'),
    ]


@pytest.mark.parametrize(
    "path", ["content/news/_index.md", "content/authors/sam.md", "content/news/README.md",
             ".github/ISSUE_TEMPLATE/bug.md", "LICENSE.md"],
)
def test_path_profile_does_not_apply(path: str) -> None:
    assert check(FrontMatterMissing, "Words.\n", path=path, options=NEWS) == []


def test_path_profile_missing_key_and_types() -> None:
    text = ("---\ntitle: News\ndate: next week\ndraft: 'no'\nweight: '3'\ntags: [a, c]\n"
            "slug: Has Spaces\n---\n")
    assert _found(check(FrontMatterMissing, text, path="content/news/a.md", options=NEWS)) == []
    assert _found(check(FrontMatterInvalid, text, path="content/news/a.md", options=NEWS)) == [
        ("front-matter-invalid", 3, 1,
         'front matter key "date" should be a date (YYYY-MM-DD), not a string'),
        ("front-matter-invalid", 4, 1,
         'front matter key "draft" should be true or false, not a string'),
        ("front-matter-invalid", 5, 1,
         'front matter key "weight" should be a number, not a string'),
        ("front-matter-invalid", 6, 1,
         'front matter key "tags" is "c"; allowed values: "a", "b"'),
        ("front-matter-invalid", 7, 1,
         'front matter key "slug" is "Has Spaces", which does not match "^[a-z0-9-]+$"'),
    ]
    text2 = "---\ndate: '2016-03-04'\ndraft: false\nweight: 2.5\ntags: a\n---\n"
    assert _found(check(FrontMatterMissing, text2, path="content/news/a.md", options=NEWS)) == [
        ("front-matter-missing", 1, 1,
         'front matter key "title" is required for pages matching "content/news/**"'),
    ]
    assert check(FrontMatterInvalid, text2, path="content/news/a.md", options=NEWS) == []


def test_layout_and_path_profile_needs_both() -> None:
    options = {"profiles": [{"layout": ["guide", "manual"], "paths": ["docs/"],
                             "required": ["owner"]}]}
    text = "---\nlayout: manual\n---\n"
    assert _found(check(FrontMatterMissing, text, path="docs/x.md", options=options)) == [
        ("front-matter-missing", 1, 1, 'front matter key "owner" is required for layout "manual"')
    ]
    assert check(FrontMatterMissing, text, path="blog/x.md", options=options) == []
    assert check(FrontMatterMissing, "No front matter\n", path="docs/x.md", options=options) == []


def test_same_problem_from_two_profiles_is_reported_once() -> None:
    options = {"profiles": [{"layout": "guide", "required": ["title"],
                             "keys": {"title": {"type": "string"}}},
                            {"paths": ["**"], "required": ["title"],
                             "keys": {"title": {"type": "string"}}}]}
    text = "---\nlayout: guide\n---\n"
    assert len(check(FrontMatterMissing, text, options=options)) == 1
    assert len(check(FrontMatterInvalid, "---\nlayout: guide\ntitle: 3\n---\n",
                     options=options)) == 1


def test_furniture_needs_no_profile_keys() -> None:
    text = "---\nlayout: resource\n---\n"
    assert check(FrontMatterMissing, text, path="docs/README.md", packs=[CFA_PACK]) == []
    assert check(FrontMatterMissing, text, path="docs/readme-first.md",
                 packs=[CFA_PACK]) != []


@pytest.mark.parametrize(
    ("path", "expected"),
    [("README.md", True), ("docs/CONTRIBUTING.md", True), ("CHANGELOG.markdown", True),
     ("LICENCE", True), (".github/pull_request_template.md", True), ("license.md", True),
     ("guide/readme-first.md", False), ("docs/github/x.md", False), ("index.md", False)],
)
def test_is_furniture(path: str, expected: bool) -> None:
    assert is_furniture(path) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("team@example.org", True), ("first.last+tag@sub.example.gov", True),
     ("team@", False), ("@example.org", False), ("team@example", False),
     ("Team <team@example.org>", False), ("mailto:team@example.org", False),
     ("two@@example.org", False)],
)
def test_is_email(value: str, expected: bool) -> None:
    assert is_email(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("https://example.org/a?b#c", True), ("http://localhost:8000/", True),
     ("htp:/example.org", False), ("/relative/path", False), ("https://", False),
     ("https://exa mple.org", False), ("https://[::1", False)],
)
def test_is_url(value: str, expected: bool) -> None:
    assert is_url(value) is expected


def test_bad_profile_is_rejected_on_load(tmp_path: Path) -> None:
    pack = tmp_path / "p.yml"
    pack.write_text(
        "name: p\ndescription: d\nsource: https://example.org\nrule: front-matter-missing\n"
        "entries:\n  - layout: x\n    keys:\n      title: {type: text}\n", encoding="utf-8")
    with pytest.raises(PackError) as info:
        _load(pack)
    assert info.value.key == "entries[0].keys.title.type"
    pack.write_text(
        "name: p\ndescription: d\nsource: https://example.org\nrule: front-matter-missing\n"
        "entries:\n  - required: [title]\n", encoding="utf-8")
    with pytest.raises(PackError):
        _load(pack)


# -- the real corpus -------------------------------------------------------------------

CFA = "codeforamerica__codeforamerica.org-archive"


def test_corpus_background_page_repeats_status(corpus: Path) -> None:
    repo = corpus / CFA
    page = repo / "playbooks/technology-procurement/background/index.md"
    doc = Document.from_path(page, display_path="playbooks/technology-procurement/"
                                                 "background/index.md")
    assert _found(_run(FrontMatterInvalid, doc, repo, packs=(CFA_PACK,))) == [
        ("front-matter-invalid", 6, 1,
         'duplicate front matter key "status" (first set on line 3)'),
    ]


def test_corpus_cfa_repository_findings(corpus: Path) -> None:
    repo = corpus / CFA
    found = []
    for page in sorted(repo.rglob("*.md")):
        rel = page.relative_to(repo).as_posix()
        doc = Document.from_path(page, display_path=rel)
        for cls in (FrontMatterMissing, FrontMatterInvalid):
            found += [(f.path, f.rule, f.line, f.column, f.message)
                      for f in _run(cls, doc, repo, packs=(CFA_PACK,))]
    assert found == [
        ("our-work/initiatives/digitalfrontdoor/playbook/index.md", "front-matter-missing", 5, 1,
         'front matter key "subtitle" is empty but required for layout "resource"'),
        ("playbooks/technology-procurement/background/index.md", "front-matter-invalid", 6, 1,
         'duplicate front matter key "status" (first set on line 3)'),
    ]
