"""Front matter schema inference (issue 15): inferred profiles, their findings, the
quiet cases, the ``schema`` subcommand and its round trip through config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run

from playbook_lint import fmsite
from playbook_lint.fminfer import PageFacts, infer_schema, looks_like_date, value_type


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    from playbook_lint import site

    fmsite._CACHE.clear()
    site._CACHE.clear()


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _page(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front}---\n\n{body}"


STATUSES = ["alpha", "beta", "live", "alpha", "beta", "live", "alpha", "beta", "live", "alpha"]


def jekyll_site(root: Path, *, n: int = 10, owners: int = 9) -> Path:
    """A Jekyll site: ``guides/`` pages get ``layout: guide`` from ``_config.yml``
    defaults; ``owner`` is set on ``owners`` of ``n``."""
    _write(root, "_config.yml", "title: Guide\ndefaults:\n  - scope:\n      path: guides\n"
           "    values:\n      layout: guide\n")
    for i in range(n):
        owner = f"owner: team-{i}\n" if i < owners else ""
        _write(root, f"guides/g{i}.md", _page(
            f"title: Guide {i}\n{owner}status: {STATUSES[i % 10]}\n"
            f"updated: 2024-01-{i + 1:02d}\n"))
    return root


def _lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple]]:
    code, out, _err = run(["--offline", "-q", "--format", "json", "--today", "2026-12-01",
                           "--select", "front-matter-missing,front-matter-invalid", *args],
                          capsys)
    found = [(f["path"], f["line"], f["column"], f["rule"], f["severity"], f["message"])
             for f in json.loads(out)["findings"]]
    return code, found


def test_missing_key_inferred_from_layout_defaults(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, found = _lint(capsys, ".")
    assert found == [("guides/g9.md", 1, 1, "front-matter-missing", "warning",
                      'front matter key "owner" is missing: it is set on 9 of 10 pages '
                      'with layout "guide"')]
    assert code == 0  # a warning does not fail the run


def test_closed_value_set_and_type(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path, owners=10)
    _write(tmp_path, "guides/g3.md", _page("title: Guide 3\nowner: x\nstatus: alph\n"
                                           "updated: soon\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    assert found == [
        ("guides/g3.md", 4, 1, "front-matter-invalid", "warning",
         'front matter key "status" is "alph"; allowed values: "alpha", "beta", "live"; '
         'it is one of 3 values on 9 of 10 pages with layout "guide"'),
        ("guides/g3.md", 5, 1, "front-matter-invalid", "warning",
         'front matter key "updated" should be a date (YYYY-MM-DD), not a string; it is '
         'a date on 9 of 10 pages with layout "guide"'),
    ]


def test_empty_value_reported_at_the_key(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path, owners=10)
    _write(tmp_path, "guides/g5.md", _page("title: Guide 5\nowner: ''\nstatus: live\n"
                                           "updated: 2024-01-06\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    assert found == [("guides/g5.md", 3, 1, "front-matter-missing", "warning",
                      'front matter key "owner" is empty: it is set on 9 of 10 pages '
                      'with layout "guide"')]


@pytest.mark.parametrize("case", ["small", "no-consensus", "draft", "published-false",
                                  "drafts-folder", "default-value", "infer-off", "expired",
                                  "kept-blank", "headless", "redirect-stub"])
def test_quiet_without_consensus(tmp_path, capsys, monkeypatch, case):
    if case == "small":
        jekyll_site(tmp_path, n=7, owners=6)  # 7 pages: too few to infer
    elif case == "no-consensus":
        jekyll_site(tmp_path, n=10, owners=8)  # 80%: no consensus
    else:
        jekyll_site(tmp_path)
    if case == "draft":
        _write(tmp_path, "guides/g9.md", _page("title: G\nstatus: live\ndraft: true\n"))
    elif case == "published-false":
        _write(tmp_path, "guides/g9.md", _page("title: G\nstatus: live\npublished: false\n"))
    elif case == "drafts-folder":
        (tmp_path / "guides/g9.md").unlink()
        _write(tmp_path, "_drafts/g9.md", _page("layout: guide\ntitle: G\nstatus: live\n"))
    elif case == "default-value":  # the key comes from _config.yml defaults
        _write(tmp_path, "_config.yml", "defaults:\n  - scope:\n      path: guides\n"
               "    values:\n      layout: guide\n  - scope:\n      path: guides/g9.md\n"
               "    values:\n      owner: team-9\n")
    elif case == "infer-off":
        _write(tmp_path, ".playbook-lint.toml",
               "[rules.front-matter-missing]\ninfer = false\n")
    elif case == "kept-blank":  # two pages keep the field and leave it blank: optional
        for i in (8, 9):
            _write(tmp_path, f"guides/g{i}.md", _page(f"title: G\nowner:\nstatus: live\n"
                                                      f"updated: 2024-01-0{i}\n"))
    elif case == "headless":
        _write(tmp_path, "guides/g9.md", _page("title: G\nstatus: live\nheadless: true\n"))
    elif case == "redirect-stub":
        _write(tmp_path, "guides/g9.md", _page("title: G\nredirect_to: /elsewhere/\n"))
    elif case == "expired":
        _write(tmp_path, "guides/g9.md", _page("title: G\nstatus: live\n"
                                               "expirydate: 2020-01-01\n"))
    monkeypatch.chdir(tmp_path)
    assert _lint(capsys, ".") == (0, [])


def test_mixed_folder_gives_no_expectations(tmp_path, capsys, monkeypatch):
    # ten pages in one folder, five layouts: the folder is mixed, no layout has 8 pages
    for i in range(10):
        extra = "summary: s\n" if i < 9 else ""
        _write(tmp_path, f"docs/topic/p{i}.md", _page(f"layout: l{i % 5}\ntitle: T\n{extra}"))
    monkeypatch.chdir(tmp_path)
    assert _lint(capsys, ".") == (0, [])


def test_hugo_section_and_cascade(tmp_path, capsys, monkeypatch):
    _write(tmp_path, "hugo.toml", 'baseURL = "https://example.gov/"\n')
    _write(tmp_path, "content/news/_index.md",
           _page("title: News\ncascade:\n  topics: [general]\n"))
    for i in range(10):
        summary = "summary: s\n" if i != 4 else ""
        _write(tmp_path, f"content/news/2024/p{i}.md",
               _page(f"title: N{i}\ndate: 2024-02-0{i % 9 + 1}\n{summary}"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    # topics comes from the section's cascade: no page lacks it
    assert found == [("content/news/2024/p4.md", 1, 1, "front-matter-missing", "warning",
                      'front matter key "summary" is missing: it is set on 9 of 10 pages '
                      'in "content/news/"')]


def test_hugo_list_pages_are_a_group_of_their_own(tmp_path, capsys, monkeypatch):
    _write(tmp_path, "hugo.toml", "")
    for i in range(10):
        name = f"first_name: A{i}\n" if i else ""
        _write(tmp_path, f"content/authors/a{i}/_index.md",
               _page(f"display_name: A{i}\n{name}"))
        _write(tmp_path, f"content/authors/a{i}/bio.md", _page(f"title: Bio {i}\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    assert found == [("content/authors/a0/_index.md", 1, 1, "front-matter-missing", "warning",
                      'front matter key "first_name" is missing: it is set on 9 of 10 pages '
                      'in "content/authors/**/_index.md"')]
    code, out, _err = run(["schema", "."], capsys)
    assert 'paths = ["content/authors/", "!content/authors/**/_index.md"]\n' \
           'required = ["title"]\n' in out
    assert 'paths = ["content/authors/**/_index.md"]\nrequired = ["display_name", "first_name"]\n' \
           in out


def test_written_profile_wins(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path)
    _write(tmp_path, ".playbook-lint.toml",
           '[[rules.front-matter-missing.profiles]]\nlayout = "guide"\nrequired = ["title"]\n')
    monkeypatch.chdir(tmp_path)
    assert _lint(capsys, ".") == (0, [])


def test_written_profile_sees_layout_from_defaults(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path)
    _write(tmp_path, ".playbook-lint.toml",
           '[[rules.front-matter-missing.profiles]]\nlayout = "guide"\n'
           'required = ["summary"]\n')
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, "guides/g0.md")
    assert found == [("guides/g0.md", 1, 1, "front-matter-missing", "error",
                      'front matter key "summary" is required for layout "guide"')]


SCHEMA_OUT = '''\
# Front matter profiles inferred by `playbook-lint schema` from 10 pages of {name}.
# Paste into .playbook-lint.toml; keys set on at least 90% of at least 8 pages are required.

[rules.front-matter-missing]
severity = "error"

# 10 pages with layout "guide"
#   owner: set on 9 of 10
#   status: set on 10 of 10
#   title: set on 10 of 10
#   updated: set on 10 of 10
#   status: one of 3 values on 10 of 10 pages
#   updated: a date on 10 of 10 pages
[[rules.front-matter-missing.profiles]]
name = "inferred-layout-guide"
layout = "guide"
required = ["owner", "status", "title", "updated"]
keys.status = {{type = "string", allowed = ["alpha", "beta", "live"]}}
keys.updated = {{type = "date"}}
'''


def test_schema_prints_config_toml(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["schema", "--dot-file", "--severity", "error", "."], capsys)
    assert (code, err) == (0, "")
    assert out == SCHEMA_OUT.format(name=tmp_path.name)


def test_schema_output_round_trips_through_config(tmp_path, capsys, monkeypatch):
    """Paste `schema`'s output into config: the same findings come back, at error."""
    jekyll_site(tmp_path)
    _write(tmp_path, "guides/g3.md", _page("title: Guide 3\nowner: x\nstatus: alph\n"
                                           "updated: 2024-01-04\n"))
    _write(tmp_path, "guides/g4.md", _page("title: Guide 4\nowner: x\nstatus: live\n"
                                           "updated: soon\n"))
    monkeypatch.chdir(tmp_path)
    _code, inferred = _lint(capsys, ".")
    code, toml_text, _err = run(["schema", "--dot-file", "--severity", "error", "."], capsys)
    assert code == 0
    _write(tmp_path, ".playbook-lint.toml", toml_text)
    fmsite._CACHE.clear()
    code, written = _lint(capsys, ".")

    def where(found: list[tuple]) -> list[tuple]:
        return [(p, line, col, rule, msg.split('"')[1]) for p, line, col, rule, _s, msg in found]

    assert len(inferred) == 3
    assert {s for *_x, s, _m in inferred} == {"warning"}
    assert where(written) == where(inferred)
    assert {s for *_x, s, _m in written} == {"error"}
    assert code == 1


def test_schema_with_no_consensus(tmp_path, capsys):
    jekyll_site(tmp_path, n=5)
    code, out, _err = run(["schema", str(tmp_path)], capsys)
    assert code == 0
    assert out.endswith("# No group of pages agrees on any key: nothing to require.\n")


def test_schema_folder_paths_relative_to_working_folder(tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    _write(site, "hugo.toml", "")
    for i in range(8):
        _write(site, f"content/events/e{i}.md", _page(f"title: E{i}\nhost: h\n"))
    monkeypatch.chdir(tmp_path)
    code, out, _err = run(["schema", "site"], capsys)
    assert code == 0
    assert 'paths = ["site/content/events/", "!site/content/events/**/_index.md"]\n' \
           'required = ["host", "title"]\n' in out
    assert "[[tool.playbook-lint.rules.front-matter-missing.profiles]]" in out


def test_value_types() -> None:
    assert [value_type(v) for v in (
        "2024-01-02", "2017-06-06 10:00:00 -0500", ["a"], "https://x.gov/a", "a@b.gov",
        True, 3, {"a": 1}, "words")] == [
        "date", "date", "list", "url", "email", "boolean", "number", "mapping", "string"]
    assert looks_like_date("2024-13-45x") is False


def test_closed_set_needs_slips_not_an_open_vocabulary() -> None:
    def facts(values: list[str]) -> list[PageFacts]:
        return [PageFacts(Path(f"/s/p{i}.md"), f"p{i}.md", {"photo": v}, layout="a")
                for i, v in enumerate(values)]

    common = ["dark"] * 6 + ["github"] * 4
    with_slip = infer_schema(Path("/s"), facts(common + ["Dark"]))
    assert with_slip.groups[0].keys["photo"]["allowed"] == ["dark", "github"]
    open_vocab = infer_schema(Path("/s"), facts(common + ["someone-else"]))
    assert open_vocab.groups[0].keys.get("photo") is None


def test_generator_documented_types_on_a_small_site(tmp_path, capsys, monkeypatch):
    _write(tmp_path, "hugo.toml", "")
    _write(tmp_path, "content/a.md", _page("title: A\nWeight: first\ndraft: 'no'\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    src = "https://gohugo.io/content-management/front-matter/"
    assert found == [
        ("content/a.md", 3, 1, "front-matter-invalid", "warning",
         'front matter key "Weight" should be a number, not a string; Hugo documents its '
         f"type at {src}"),
        ("content/a.md", 4, 1, "front-matter-invalid", "warning",
         'front matter key "draft" should be true or false, not a string; Hugo documents '
         f"its type at {src}"),
    ]


def test_eleventy_date_keywords_are_dates(tmp_path, capsys, monkeypatch):
    _write(tmp_path, ".eleventy.js", "module.exports = {}\n")
    _write(tmp_path, "a.md", _page("title: A\ndate: git Last Modified\n"))
    _write(tmp_path, "b.md", _page("title: B\ndate: yesterday\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    assert [(p, line, m.split(";")[0]) for p, line, _c, _r, _s, m in found] == [
        ("b.md", 3, 'front matter key "date" should be a date (YYYY-MM-DD), not a string')]


def test_tech_docs_review_pair(tmp_path, capsys, monkeypatch):
    _write(tmp_path, "config.rb", "require 'govuk_tech_docs'\nGovukTechDocs.configure(self)\n")
    _write(tmp_path, "config/tech-docs.yml", "host: https://docs.example.gov\n")
    _write(tmp_path, "source/a.html.md", _page("title: A\nlast_reviewed_on: 2024-01-01\n"))
    _write(tmp_path, "source/b.html.md", _page("title: B\nlast_reviewed_on: 2024-01-01\n"
                                              "review_in: 6 months\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    assert found == [
        ("source/a.html.md", 1, 1, "front-matter-missing", "warning",
         'front matter key "review_in" is missing: the Tech Docs Template needs it with '
         '"last_reviewed_on" (https://github.com/alphagov/tdt-documentation/blob/'
         "d619cdae55298e5cb2c21561b7ab14adb45df66e/source/configure_project/"
         "page_expiry_and_review/index.html.md.erb)")]


def test_nearest_siblings_overrule_the_group(tmp_path, capsys, monkeypatch):
    """Variant pages beside their component page all lack `category`: quiet; a page
    lacking it among siblings that set it is still reported."""
    for i in range(36):
        _write(tmp_path, f"pages/p{i:02d}.md", _page("layout: styleguide\ntitle: T\n"
                                                     "category: About\n"))
    _write(tmp_path, "pages/lonely.md", _page("layout: styleguide\ntitle: T\n"))
    for i in range(3):
        _write(tmp_path, f"components/table/0{i}-variant.md",
               _page("layout: styleguide\ntitle: V\nparent: Table\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    assert found == [("pages/lonely.md", 1, 1, "front-matter-missing", "warning",
                      'front matter key "category" is missing: it is set on 36 of 40 pages '
                      'with layout "styleguide"')]


def test_front_matter_cache_reuses_unchanged_pages_only(tmp_path, monkeypatch):
    import os

    import platformdirs

    from playbook_lint.site import build_site

    monkeypatch.setattr(fmsite, "CACHE_FROM", 1)
    monkeypatch.setattr(platformdirs, "user_cache_path", lambda *a, **k: tmp_path / "cache")
    site_root = jekyll_site(tmp_path / "s")
    first = fmsite.schema_for(build_site(site_root))
    assert [e.key for e in first.groups[0].expected] == ["owner", "status", "title", "updated"]
    (cached,) = (tmp_path / "cache").glob("front-matter-*.data.json")
    assert r'{\"$date\":\"2024-01-01\"}' in cached.read_text("utf-8")  # dates stay dates
    page = site_root / "guides/g0.md"
    page.write_text(_page("title: Guide 0\nstatus: live\n"), "utf-8")
    os.utime(page, ns=(1, 1))  # a different stamp even on a coarse clock
    fmsite.clear_cache()
    second = fmsite.schema_for(build_site(site_root))
    status = next(e for e in second.groups[0].expected if e.key == "status")
    assert status.count == 10
    # owner is now on 8 of 10 pages: no longer expected; the cached pages still count
    assert [e.key for e in second.groups[0].expected] == ["status", "title", "updated"]
    assert second.groups[0].keys["updated"]["type"] == "date"


def test_eleventy_directory_data_gives_the_layout(tmp_path, capsys, monkeypatch):
    _write(tmp_path, ".eleventy.js", "module.exports = {}\n")
    _write(tmp_path, "content/posts/posts.11tydata.js",
           "module.exports = {\n  layout: 'post.html',\n}\n")
    for i in range(10):
        tags = "tags: [news]\n" if i else ""
        _write(tmp_path, f"content/posts/p{i}.md", _page(f"title: P{i}\n{tags}"))
    _write(tmp_path, "content/posts/own.md", _page("layout: wide\ntitle: Own\n"))
    monkeypatch.chdir(tmp_path)
    _code, found = _lint(capsys, ".")
    # 9 of the 10 pages laid out by the folder's data file set tags; the page with its
    # own layout is not one of them
    assert found == [("content/posts/p0.md", 1, 1, "front-matter-missing", "warning",
                      'front matter key "tags" is missing: it is set on 9 of 10 pages with '
                      'layout "post.html"')]


def test_schema_output_in_pyproject_round_trips(tmp_path, capsys, monkeypatch):
    jekyll_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    _code, inferred = _lint(capsys, ".")
    code, toml_text, _err = run(["schema", "."], capsys)
    _write(tmp_path, "pyproject.toml", "[project]\nname = 'guide'\n\n" + toml_text)
    fmsite.clear_cache()
    _code, written = _lint(capsys, ".")
    assert [(p, line, r) for p, line, _c, r, _s, _m in written] == \
           [(p, line, r) for p, line, _c, r, _s, _m in inferred] == \
           [("guides/g9.md", 1, "front-matter-missing")]
    assert written[0][4:] == ("error", 'front matter key "owner" is required for layout '
                                       '"guide"')
