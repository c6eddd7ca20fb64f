"""Site generator adapters (issue 9 items 1-7; issue 14 items 2 and 10; issue 15's
published repository files): each case users saw, through the real CLI, with exact
rule, line, column and message. Sites are written in tmp_path, in our own words."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_runner import run

from playbook_lint.generators import adapters, detect
from playbook_lint.generators.base import HeadingIds, url_pattern
from playbook_lint.generators.slugs import (
    kramdown_id,
    markdown_it_anchor_id,
    python_markdown_id,
    redcarpet_id,
)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path -> text or bytes) below ``root``; return ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def lint(args: list[str], capsys: pytest.CaptureFixture[str],
         rules: str = "broken-link") -> tuple[int, list[tuple], str]:
    """Run the CLI offline with JSON output; (exit status, findings, stderr)."""
    code, out, err = run(["--offline", "--format", "json", "--select", rules, *args], capsys)
    findings = json.loads(out)["findings"] if out.strip() else []
    return code, [(f["path"], f["line"], f["column"], f["rule"], f["severity"], f["message"])
                  for f in findings], err


ELEVENTY = {
    ".eleventy.js": "module.exports = function () { return {}; };\n",
    "assets/site.css": "",
    "posts/posts.11tydata.json":
        '{"permalink": "/{{ page.date | toDatePath }}/{{ page.fileSlug }}/"}\n',
    "posts/2020-01-02-hello.md": "---\ntitle: Hello\n---\nHi.\n",
    "a/one.md": "---\npermalink: /a/one/\n---\n"
                "[md](../two/) and <a href=\"../two/\">html</a> and "
                "[filter]({{ '../two/' | url }}) and [gone](../three/)\n",
    "a/second.md": "---\npermalink: /a/two/\n---\nTwo.\n",
    "index.md": "---\ntitle: Home\n---\n"
                '[post]({{ "/2020/01/02/hello/" | url }}) and '
                '[lost]({{ "/2020/01/02/gone/" | url }}) and [page]({{ "/a/two/" | url }})\n',
}


# -- issue 9 item 1: Eleventy's url filter; item 2: links from the published URL ------------

def test_eleventy_url_filter_and_relative_links_from_the_published_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    write(tmp_path / "site", ELEVENTY)
    monkeypatch.chdir(tmp_path)
    code, found, _ = lint(["site"], capsys)
    assert found == [
        ("site/a/one.md", 4, 93, "broken-link", "error",
         'link target "../three/" does not exist'),
        ("site/index.md", 4, 53, "broken-link", "error",
         'link target "{{ "/2020/01/02/gone/" | url }}" does not exist'),
    ]
    assert code == 1


def test_eleventy_page_whose_url_is_all_template_makes_misses_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "site", {
        **ELEVENTY,
        "tags.liquid": "---\npagination:\n  data: collections.tags\n  alias: tag\n"
                       "permalink: \"{{ tag.url }}\"\n---\n",
    })
    monkeypatch.chdir(site)
    code, found, _ = lint(["."], capsys)
    reason = ('not checked: the URL of tags.liquid is not known (its permalink '
              '"{{ tag.url }}" uses a template this tool does not model)')
    assert found == [
        ("a/one.md", 4, 93, "broken-link", "info", f'link target "../three/" {reason}'),
        ("index.md", 4, 53, "broken-link", "info",
         f'link target "{{{{ "/2020/01/02/gone/" | url }}}}" {reason}'),
    ]
    assert code == 0


def test_jekyll_relative_links_resolve_from_the_published_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "site", {
        "_config.yml": "title: Guide\n",
        "a/one.md": "---\npermalink: /a/one/\n---\n"
                    "[md](../two/) <a href=\"../two/#top\">html</a> "
                    "[liquid]({{ 'a/two/' | relative_url }}) [gone](../nine/)\n",
        "a/second.md": "---\npermalink: /a/two/\n---\nTwo.\n",
    })
    monkeypatch.chdir(site)
    code, found, _ = lint(["."], capsys)
    assert found == [
        ("a/one.md", 4, 93, "broken-link", "error", 'link target "../nine/" does not exist'),
    ]
    assert code == 1


# -- item 3: results do not depend on the working folder ------------------------------------

def test_site_root_and_config_come_from_the_linted_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "parent" / "site", {
        ".playbook-lint.toml": 'ignore = ["jargon"]\n',
        "favicon.ico": "",
        "playbooks/x.md": "---\ntitle: X\n---\nWe utilize [y](/playbooks/y/) and "
                          "[gone](/playbooks/gone/).\n",
        "playbooks/y.md": "---\ntitle: Y\n---\nY.\n",
    })
    rules = "broken-link,jargon"
    monkeypatch.chdir(site)
    inside = lint(["."], capsys, rules)
    monkeypatch.chdir(site.parent)
    outside = lint(["site"], capsys, rules)
    expected = [("playbooks/x.md", 4, 42, "broken-link", "error",
                 'link target "/playbooks/gone/" does not exist')]
    assert inside[:2] == (1, expected)
    assert outside[:2] == (1, [("site/" + f[0], *f[1:]) for f in expected])


# -- item 4: GOV.UK Tech Docs Template pages (.html.md.erb) ----------------------------------

def test_tech_docs_erb_pages_are_linted_and_partials_are_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "docs", {
        "config.rb": "require 'govuk_tech_docs'\nGovukTechDocs.configure(self)\n",
        "source/images/map.png": "",
        "source/index.html.md.erb":
            "---\ntitle: Technical guidance\n---\n# <%= current_page.data.title %>\n\n"
            "<%= partial('partials/toc') %>\n\n[Set up](/setup/) and [gone](/gone/) and "
            "![Map](/images/map.png) and [tools](<%= data.site.tools %>).\n",
        "source/setup/index.html.md.erb": "---\ntitle: Set up\n---\n## GOV.UK Notify\n\n"
                                          "[Notify](#gov-uk-notify)\n",
        "source/partials/_toc.html.md.erb": "<% current_page.children.each do |p| %>\n"
                                            "[broken](nowhere.md)\n<% end %>\n",
    })
    monkeypatch.chdir(site)
    code, found, err = lint(["."], capsys)
    assert found == [
        ("source/index.html.md.erb", 8, 30, "broken-link", "error",
         'link target "/gone/" does not exist'),
        ("source/index.html.md.erb", 8, 78, "broken-link", "info",
         'template link "<%= data.site.tools %>" not checked: ERB is not understood'),
    ]
    assert code == 1


def test_a_run_that_finds_no_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    empty = write(tmp_path / "notes", {"a.txt": "x\n"})
    code, found, err = lint([str(empty)], capsys)
    assert (code, found) == (0, [])
    assert f"playbook-lint: no Markdown files under {empty}\n" in err


# -- item 5: heading ids per generator; text fragments ---------------------------------------

def test_heading_id_algorithms() -> None:
    assert kramdown_id("1. Getting started!") == "getting-started"
    assert kramdown_id("42") == "section"
    assert redcarpet_id("GOV.UK teams on call") == "gov-uk-teams-on-call"
    assert redcarpet_id("What's <em>new</em>?") == "what-s-new"
    assert markdown_it_anchor_id("  What's New? ") == "what's-new?"
    assert python_markdown_id("Café & Bar -- Menu") == "cafe-bar-menu"
    mkdocs = HeadingIds("toc", python_markdown_id, duplicate="{id}_{n}")
    assert mkdocs.ids([("Intro", None), ("Intro", None), ("X", "own")]) == frozenset(
        {"intro", "intro_1", "own"})
    github = HeadingIds("GitHub", lambda t: t.lower())
    assert github.ids([("A", None), ("A", None), ("A", None)]) == frozenset({"a", "a-1", "a-2"})


def test_fragments_follow_the_generator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = "---\ntitle: P\n---\n## 1. Getting started\n\n## Setup {#own}\n\n" \
           "[a](#getting-started) [b](#1-getting-started) [c](#own) [d](#setup-own)\n"
    kramdown = write(tmp_path / "k", {"_config.yml": "kramdown:\n  input: kramdown\n",
                                      "p.md": page})
    plain = write(tmp_path / "g", {"x.css": "", "p.md": page})
    eleventy = write(tmp_path / "e", {".eleventy.js": "module.exports = {};\n", "p.md": page})
    results = {}
    for root in (kramdown, plain, eleventy):
        monkeypatch.chdir(root)
        results[root.name] = lint(["."], capsys)[1]
    assert results["k"] == [
        ("p.md", 8, 27, "broken-link", "error",
         'no heading or anchor "#1-getting-started" in this page '
         '(did you mean "#getting-started"?)'),
        ("p.md", 8, 61, "broken-link", "error", 'no heading or anchor "#setup-own" in this page'),
    ]
    # no generator: an id any known renderer would give counts (kramdown's
    # #getting-started, GitHub's #1-getting-started and #setup-own, the explicit #own)
    assert results["g"] == []
    # Eleventy without markdown-it-anchor gives headings no ids: not an error
    why = "not checked: Eleventy adds no heading ids unless markdown-it-anchor is set up"
    assert results["e"] == [
        ("p.md", 8, 5, "broken-link", "info", f'fragment "#getting-started" in this page {why}'),
        ("p.md", 8, 27, "broken-link", "info",
         f'fragment "#1-getting-started" in this page {why}'),
        ("p.md", 8, 61, "broken-link", "info", f'fragment "#setup-own" in this page {why}'),
    ]


def test_text_fragments_are_not_anchors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "s", {
        "x.css": "",
        "p.md": "## Intro\n\n[a](#:~:text=Intro) [b](#intro:~:text=x) "
                "[c](#nope:~:text=y) [d](q.md#:~:text=z)\n",
        "q.md": "Q\n",
    })
    monkeypatch.chdir(site)
    assert lint(["."], capsys)[1] == [
        ("p.md", 3, 46, "broken-link", "error",
         'no heading or anchor "#nope" in this page'),
    ]


# -- item 6: content that is never rendered ---------------------------------------------------

def test_liquid_comments_raw_blocks_and_html_comments_are_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "s", {
        "_config.yml": "title: T\n",
        "p.md": "---\ntitle: P\n---\n{% comment %}\n[a](gone-a.md)\n{% endcomment %}\n\n"
                "{% raw %}[b]({{ gone.b }}){% endraw %} and <!-- [c](gone-c.md) -->\n\n"
                "<!--\n[d](gone-d.md)\n-->\n\n[e](gone-e.md)\n",
    })
    monkeypatch.chdir(site)
    assert lint(["."], capsys)[1] == [
        ("p.md", 14, 5, "broken-link", "error", 'link target "gone-e.md" does not exist'),
    ]


# -- item 7: front matter a generator's own parser accepts -----------------------------------

def test_unclosed_front_matter_is_valid_on_eleventy_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "---\ntitle: Notes\nlayout: page\n\nSome text.\n"
    eleventy = write(tmp_path / "e", {".eleventy.js": "module.exports = {};\n", "p.md": text})
    jekyll = write(tmp_path / "j", {"_config.yml": "title: J\n", "p.md": text})
    monkeypatch.chdir(eleventy)
    assert lint(["."], capsys, "front-matter-invalid")[:2] == (0, [])
    monkeypatch.chdir(jekyll)
    assert lint(["."], capsys, "front-matter-invalid")[:2] == (1, [
        ("p.md", 1, 1, "front-matter-invalid", "error",
         'front matter is not closed: no "---" line after the opening one'),
    ])


# -- issue 14 items 2 and 10 ----------------------------------------------------------------

def test_a_binary_md_in_the_site_does_not_break_other_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "s", {
        "_config.yml": "title: T\n",
        "blob.md": b"---\ntitle: x\n---\n\x00\x00\x01binary",
        "p.md": "---\ntitle: P\n---\n[a](/gone/) [b](/blob/)\n",
    })
    monkeypatch.chdir(site)
    code, found, err = lint(["."], capsys)
    assert found == [("p.md", 4, 5, "broken-link", "error", 'link target "/gone/" does not exist')]
    assert code == 1
    assert "internal error" not in err
    assert "blob.md: skipped: binary file (NUL bytes), not Markdown text" in err


def test_the_site_model_never_reads_above_the_linted_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # cd /tmp && playbook-lint /tmp/site: /tmp's other files are not the site's pages
    write(tmp_path, {"decoy/index.md": "---\ntitle: Decoy\n---\n", "other.css": ""})
    site = write(tmp_path / "site", {"style.css": "",
                                     "a.md": "---\ntitle: A\n---\n[d](/decoy/)\n"})
    monkeypatch.chdir(tmp_path)
    code, found, _ = lint([str(site)], capsys)
    assert found == [(os.path.relpath(site / "a.md", tmp_path), 4, 5, "broken-link", "error",
                      'link target "/decoy/" does not exist')]
    from playbook_lint.site import site_for

    assert site_for(site / "a.md", site, {}).root == site


# -- issue 15: repository files that are published pages -------------------------------------

def test_license_with_front_matter_and_permalink_is_a_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "s", {
        "_config.yml": "title: T\n",
        "LICENSE.md": "---\ntitle: Licence\npermalink: /licence/\n---\n[x](gone.md)\n",
        "CONTRIBUTING.md": "# Contributing\n\n[y](gone.md)\n",
        "index.md": "---\ntitle: Home\n---\n[Licence](/licence/)\n",
    })
    monkeypatch.chdir(site)
    assert lint(["."], capsys)[1] == [
        ("LICENSE.md", 5, 5, "broken-link", "error", 'link target "gone.md" does not exist'),
    ]


# -- the adapters themselves -----------------------------------------------------------------

def test_every_adapter_states_its_model(tmp_path: Path) -> None:
    names = [a.name for a in adapters()]
    assert names == ["mkdocs", "middleman", "eleventy", "hugo", "jekyll", "plain"]
    for cls in adapters():
        assert cls.label and cls.docs.startswith("https://") and cls.__doc__
        assert cls.not_modelled, cls.name
    write(tmp_path / "m", {"mkdocs.yml": "site_name: X\nmarkdown_extensions:\n  - attr_list\n"})
    assert detect(tmp_path / "m").name == "mkdocs"
    assert detect(tmp_path).name == "plain"


def test_permalink_templates_become_patterns() -> None:
    assert url_pattern("/a/{{ page.fileSlug }}/", {"page.fileSlug": "b"}) == ("/a/b/", None)
    url, pattern = url_pattern("/{{ page.date | toDatePath }}/{{ page.fileSlug }}/",
                               {"page.fileSlug": "hello"})
    assert url is None and pattern is not None
    assert pattern.fullmatch("/2020/01/02/hello/") and not pattern.fullmatch("/2020/x/")


# -- classes of false errors found by the precision set (/work/coord/false-errors.md) -------

def test_what_the_tree_cannot_show_is_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a Markdown-only tree (an export): its images and non-Markdown pages are not in it
    export = write(tmp_path / "export", {
        "a.md": "---\ntitle: A\nformerly: /old/\nparent: /manual.html\n---\n"
                "![Map](img/map.png) [gone](gone.md) [b](/b/) [x](/{BRANCH}/x/)\n",
    })
    monkeypatch.chdir(export)
    why = "not checked: this tree holds only Markdown, so"
    assert lint(["."], capsys)[1] == [
        ("a.md", 3, 11, "broken-link", "info",
         'link target "/old/" (front matter "formerly") not checked: front matter '
         '"formerly" is a link only if a layout makes it one'),
        ("a.md", 4, 9, "broken-link", "info",
         f'link target "/manual.html" (front matter "parent") {why} pages built from other '
         "sources are not in it"),
        ("a.md", 6, 8, "broken-link", "info",
         f'link target "img/map.png" {why} its images and files are not in it'),
        ("a.md", 6, 28, "broken-link", "error", 'link target "gone.md" does not exist'),
        ("a.md", 6, 41, "broken-link", "info",
         f'link target "/b/" {why} pages built from other sources are not in it'),
    ]


def test_layout_ids_and_proxy_pages_on_a_tech_docs_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "docs", {
        "config.rb": "require 'govuk_tech_docs'\nGovukTechDocs.configure(self)\n"
                     "proxy '/repos/app.html', '/templates/repo.html'\n",
        "source/style.css": "",
        "source/index.html.md": "---\ntitle: Home\n---\n## Start\n\n"
                                "[a](#header) [b](#start) [c](#stop) [d](/repos/app.html)\n",
    })
    monkeypatch.chdir(site)
    assert lint(["."], capsys)[1] == [
        ("source/index.html.md", 6, 5, "broken-link", "info",
         'fragment "#header" in this page not checked: it may be an id of the site\'s '
         "layout, which this tool does not see"),
        ("source/index.html.md", 6, 30, "broken-link", "error",
         'no heading or anchor "#stop" in this page'),
        ("source/index.html.md", 6, 41, "broken-link", "info",
         'link target "/repos/app.html" not checked: config.rb makes proxy pages this tool '
         "does not model"),
    ]


def test_malformed_targets_stay_errors_and_punctuation_slugs_warn_without_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = write(tmp_path / "export", {
        "a.md": "## .dockerignore\n\n[v](vote.gov) [m](dap@gsa.gov) [p]((https://x.gov/r)) "
                "[d](#-dockerignore) [c](#Dockerignore)\n",
    })
    monkeypatch.chdir(export)
    assert lint(["."], capsys)[1] == [
        ("a.md", 3, 5, "broken-link", "error",
         'link target "vote.gov" does not exist (missing "https://"?)'),
        ("a.md", 3, 19, "broken-link", "error", 'link target "dap@gsa.gov" does not exist'),
        ("a.md", 3, 36, "broken-link", "error",
         'link target "(https://x.gov/r)" does not exist'),
        ("a.md", 3, 59, "broken-link", "warning",
         'no heading or anchor "#-dockerignore" in this page: the heading id "#dockerignore" '
         "differs only in punctuation, which the site's renderer may write differently"),
        ("a.md", 3, 79, "broken-link", "error",
         'no heading or anchor "#Dockerignore" in this page (did you mean "#dockerignore"?)'),
    ]


def test_middleman_relative_links_resolve_from_the_html_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write(tmp_path / "docs", {
        "config.rb": "require 'govuk_tech_docs'\n",
        "source/style.css": "",
        "source/manual/a.html.md": "---\ntitle: A\n---\n[b](b.html) [up](../index.html) "
                                   "[no](c.html)\n",
        "source/manual/b.html.md": "---\ntitle: B\n---\nB\n",
        "source/index.html.md": "---\ntitle: Home\n---\nHome\n",
    })
    monkeypatch.chdir(site)
    assert lint(["."], capsys)[1] == [
        ("source/manual/a.html.md", 4, 38, "broken-link", "error",
         'link target "c.html" does not exist'),
    ]


def test_eleventy_modules_are_followed_when_the_site_is_reached_through_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The config's required module sets up markdown-it-anchor; linting the site through
    a symbolic link to it must read that module as linting it directly does."""
    real = write(tmp_path / "real", {
        ".eleventy.js": 'const md = require("./config/markdown");\n'
                        "module.exports = function () { return {}; };\n",
        "config/markdown.js": 'const anchor = require("markdown-it-anchor");\n'
                              "module.exports = md => md.use(anchor);\n",
        "p.md": "# Title\n\n## Getting started\n\n[a](#getting-started) [b](#nope)\n",
    })
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for where in ("real", "link"):
        assert lint([where], capsys)[1] == [
            (f"{where}/p.md", 5, 27, "broken-link", "error",
             'no heading or anchor "#nope" in this page'),
        ]
