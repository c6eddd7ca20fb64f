"""CLI behaviour end to end: exit codes, messages, formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from cli_runner import run

from playbook_lint.links.result import EngineRun, LinkResult
from playbook_lint.links.stage import summary_line


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "clean.md").write_text("# Clean\n\nPlain words.\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text(
        "# Bad\n\nWe utilise [this](missing.md).\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_file_is_silent_and_exits_0(site: Path, capsys):
    assert run(["--offline", "clean.md"], capsys) == (0, "", "")


def test_findings_text_exit_1_and_summary(site: Path, capsys):
    code, out, err = run(["--offline", "--today", "2026-11-29", "bad.md"], capsys)
    assert code == 1
    assert out == (
        'bad.md:3:4: warning jargon "utilise" is jargon (GOV.UK words to avoid): use "use"\n'
        'bad.md:3:19: error broken-link link target "missing.md" does not exist\n'
    )
    assert err == "2 findings (1 error, 1 warning) in 1 file\n"


def test_fail_on_and_ignore(site: Path, capsys):
    assert run(["--offline", "--ignore", "PL101", "bad.md"], capsys)[0] == 0
    assert run(["--offline", "--ignore", "broken-link", "--fail-on", "warning", "bad.md"],
               capsys)[0] == 1


def test_json_is_sorted_and_has_the_design_fields(site: Path, capsys):
    code, out, _ = run(["--offline", "--format", "json", "."], capsys)
    data = json.loads(out)
    assert code == 1 and data["files"] == 2
    assert [(f["path"], f["line"], f["column"], f["rule"]) for f in data["findings"]] == [
        ("bad.md", 3, 4, "jargon"), ("bad.md", 3, 19, "broken-link")]
    assert {"end_line", "end_column", "code", "severity", "message"} <= set(data["findings"][0])


def test_usage_errors_exit_2_with_one_line(site: Path, capsys):
    code, out, err = run(["--offline", "--select", "nope", "bad.md"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("playbook-lint: error: --select/select: unknown rule 'nope'")
    assert err.count("\n") == 1
    code, _, err = run(["--offline", "missing-dir/"], capsys)
    assert (code, err) == (2, "playbook-lint: error: missing-dir: no such file or folder\n")
    (site / ".playbook-lint.toml").write_text('fail-on = "fatal"\n')
    code, _, err = run(["--offline", "bad.md"], capsys)
    assert code == 2
    assert err.startswith(f"playbook-lint: error: {site / '.playbook-lint.toml'}: fail-on: ")


def test_config_severity_and_off(site: Path, capsys):
    (site / ".playbook-lint.toml").write_text(
        '[rules.broken-link]\nseverity = "warning"\n[rules.PL301]\nseverity = "off"\n')
    code, out, _ = run(["--offline", "bad.md"], capsys)
    assert code == 0
    assert out == 'bad.md:3:19: warning broken-link link target "missing.md" does not exist\n'


def test_explain_is_rendered_for_a_terminal_not_raw_markdown(capsys):
    code, out, _ = run(["explain", "pl101"], capsys)
    assert code == 0
    assert out.startswith("broken-link (PL101), default severity error\n")
    assert "`" not in out and "**" not in out and ":func:" not in out
    assert "```" not in out  # fences dropped, the code indented instead
    assert "\nWhat it does\n" in out  # a "## What it does" heading


def test_terminal_rendering_of_rule_markdown():
    from playbook_lint.terminal import render_markdown

    assert render_markdown("## Fix safety\ntext") == "Fix safety\ntext"
    md = "**Why.** Use `x`:\n\n* one\n  more\n* two\n\n```md\n[a](b)\n```\nend"
    assert render_markdown(md) == "Why. Use x:\n\n  • one\n    more\n  • two\n\n    [a](b)\nend"
    styled = render_markdown("**B** `c`", color=True)
    assert styled == "\x1b[1mB\x1b[0m \x1b[36mc\x1b[0m"


def test_link_summary_line_names_redirects_and_private_skips():
    report = EngineRun(results={
        "https://a.gov/": LinkResult("https://a.gov/", "ok", 200, "HTTP 200 OK"),
        "https://b.gov/": LinkResult("https://b.gov/", "ok", 200, "HTTP 200 OK",
                                     permanent_redirect=True),
        "https://c.gov/": LinkResult("https://c.gov/", "broken", 404, "HTTP 404 Not Found"),
        "http://127.0.0.1/": LinkResult("http://127.0.0.1/", "skipped",
                                        reason="not checked: private address 127.0.0.1"),
    })
    assert summary_line(report, 7, 1.25) == (
        "links: 7 (4 unique URLs): 2 ok (1 via permanent redirect), 1 broken, 0 unverified, "
        "1 skipped (1 private or loopback: --allow-private checks them); 0 from cache; 1.2s"
    )


def test_profiles_in_config_feed_both_front_matter_rules(tmp_path: Path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.playbook-lint.rules.front-matter-missing.profiles]]\n'
        'name = "news"\npaths = ["content/news/"]\nrequired = ["title", "authors"]\n'
        'keys.date = {type = "date"}\n')
    news = tmp_path / "content" / "news"
    news.mkdir(parents=True)
    (news / "a.md").write_text("---\ntitle: A\ndate: soon\n---\n# A\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("---\ntitle: B\n---\n# B\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["--offline", "."], capsys)
    assert code == 1
    assert out == (
        'content/news/a.md:1:1: error front-matter-missing front matter key "authors" is '
        'required for pages matching "content/news/"\n'
        'content/news/a.md:3:1: error front-matter-invalid front matter key "date" should be '
        'a date (YYYY-MM-DD), not a string\n'
    )


def test_site_root_option_resolves_site_root_links(tmp_path: Path, capsys, monkeypatch):
    site = tmp_path / "site"
    (site / "guides").mkdir(parents=True)
    (site / "guides" / "setup.md").write_text("# Set up\n", encoding="utf-8")
    (site / "style.css").write_text("", encoding="utf-8")  # not a Markdown-only export
    (site / "index.md").write_text(
        "# Home\n\n[Setup](/guides/setup/) and [gone](/guides/gone/)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["--offline", "--select", "broken-link", "--site-root", "site",
                        "site/index.md"], capsys)
    assert code == 1
    assert out == ('site/index.md:3:36: error broken-link link target "/guides/gone/" '
                   'does not exist\n')


def test_cfa_corpus_handed_case(corpus: Path, capsys, monkeypatch):
    """Issue 2's corpus case, through the CLI as a user runs it."""
    repo = corpus / "codeforamerica__codeforamerica.org-archive"
    monkeypatch.chdir(corpus)
    code, out, err = run(["--offline", "--format", "json", "--today", "2026-11-29",
                          repo.name], capsys)
    assert code == 1 and "Traceback" not in err
    findings = json.loads(out)["findings"]
    page = f"{repo.name}/playbooks/technology-procurement/delivering-digital-services/index.md"
    dated = sorted({f["line"] for f in findings if f["path"] == page
                    and f["rule"] == "outdated-link" and f.get("outdated") == "dated"})
    assert dated == [36, 53, 57, 70, 74, 93, 101, 104, 108, 109, 110, 112]
    background = f"{repo.name}/playbooks/technology-procurement/background/index.md"
    dup = [(f["line"], f["message"]) for f in findings
           if f["path"] == background and f["rule"] == "front-matter-invalid"]
    assert dup == [(6, 'duplicate front matter key "status" (first set on line 3)')]


def test_every_option_in_help_is_in_the_readme_table():
    """The README's option table names every option of ``playbook-lint --help``, and
    no option that does not exist."""
    from playbook_lint.cli import lint

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("| option | meaning |")
    table = readme[start:readme.index("\n\n", start)]
    documented = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", "\n".join(
        row.split("|")[1] for row in table.splitlines()[2:])))
    options = {opt for p in lint.params if isinstance(p, click.Option)
               for opt in [*p.opts, *p.secondary_opts]}
    assert documented == options | {"-h", "--help"}


def _stdin(monkeypatch, data: bytes) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_standard_input_is_linted_as_the_named_page(tmp_path, monkeypatch, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "there.md").write_text("# There\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, b"We utilise [a](there.md) and [b](gone.md).\n")
    code, out, _ = run(["--offline", "--stdin-filename", "docs/p.md", "-"], capsys)
    assert code == 1
    assert out == ('docs/p.md:1:4: warning jargon "utilise" is jargon (GOV.UK words to '
                   'avoid): use "use"\n'
                   'docs/p.md:1:34: error broken-link link target "gone.md" does not exist\n')


def test_fix_on_standard_input_prints_the_fixed_text(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, b"We utilise it.\r\nTwo.\r\n")
    code, out, _ = run(["--offline", "--fix", "-"], capsys)
    assert (code, out) == (1, "We use it.\nTwo.\n")
    _stdin(monkeypatch, b"x\n")
    code, _, err = run(["--offline", "-", "a.md"], capsys)
    assert code == 2 and "cannot be mixed" in err


def test_globs_are_expanded_and_a_pattern_matching_nothing_is_an_error(tmp_path, monkeypatch,
                                                                       capsys):
    (tmp_path / "content" / "a").mkdir(parents=True)
    (tmp_path / "content" / "a" / "x.md").write_text("We utilise it.\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("We utilise it.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["--offline", "content/**/*.md"], capsys)
    assert code == 0 and out.splitlines() == [
        'content/a/x.md:1:4: warning jargon "utilise" is jargon (GOV.UK words to avoid): '
        'use "use"']
    code, _, err = run(["--offline", "nothing/**/*.md"], capsys)
    assert code == 2
    assert err == "playbook-lint: error: nothing/**/*.md: no file matches this pattern\n"


def test_color_always_never_and_no_color(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.md").write_text("We utilise it.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["--offline", "--color", "always", "a.md"], capsys)
    assert out.startswith("\x1b[1ma.md:1:4\x1b[0m: \x1b[33m")
    _, out, _ = run(["--offline", "--color", "never", "a.md"], capsys)
    assert "\x1b" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(["--offline", "a.md"], capsys)  # auto: not a terminal anyway
    assert "\x1b" not in out


def test_a_baseline_that_matches_nothing_says_so(tmp_path, monkeypatch, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("We utilise it.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sub")
    run(["--offline", "--write-baseline", "../base.json", "."], capsys)
    monkeypatch.chdir(tmp_path)  # run from another folder: paths no longer match
    code, out, err = run(["--offline", "--baseline", "base.json", "."], capsys)
    assert out.startswith("sub/a.md:1:4: warning jargon")
    assert ("playbook-lint: baseline base.json: none of its 1 entries matched a finding; "
            "was it written from another folder?") in err


def test_changed_since_lints_changed_pages_and_the_pages_that_link_to_them(
        tmp_path, monkeypatch, capsys):
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    pages = {"apply.md": "# Apply\n\nWe utilise forms.\n",
             "links-here.md": "# L\n\nSee [apply](apply.md). We utilise it.\n",
             "unrelated.md": "# U\n\nWe utilise it.\n",
             "old.md": "# Old\n"}
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.gov", "commit", "-qm", "x")
    (tmp_path / "apply.md").write_text("# Apply\n\nWe utilise the form.\n", encoding="utf-8")
    (tmp_path / "old.md").unlink()  # deleted: a page naming it must be linted
    (tmp_path / "new.md").write_text("# New\n\nSee [old](old.md).\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["--offline", "--changed-since", "HEAD", "."], capsys)
    assert [line.split(": ")[0] for line in out.splitlines()] == [
        "apply.md:3:4", "links-here.md:3:27", "new.md:3:11"]
    assert code == 1  # new.md links to the deleted old.md
    code, _, err = run(["--offline", "--changed-since", "no-such-ref", "."], capsys)
    assert code == 2 and err.startswith("playbook-lint: error: --changed-since: git diff")


def test_changed_since_follows_permalinks_and_dated_posts_of_deleted_pages(
        tmp_path, monkeypatch, capsys):
    """Found by a new-user trial: a deleted Jekyll post's date URL, and a new e.md that
    made every page with an "e" count as changed."""
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-02-foo.md").write_text("---\ntitle: Foo\n---\n# Foo\n",
                                                           encoding="utf-8")
    (tmp_path / "page.md").write_text("---\npermalink: /guide/\n---\n# Guide\n",
                                      encoding="utf-8")
    (tmp_path / "about.md").write_text("# About\n\nSee [foo]({{ site.baseurl }}/2020/01/02/"
                                       "foo/) and [g](/guide/).\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("# Other\n\nNothing here.\n", encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.gov", "commit", "-qm", "x")
    git("rm", "-q", "_posts/2020-01-02-foo.md")
    (tmp_path / "e.md").write_text("# E\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["--offline", "--changed-since", "HEAD", "."], capsys)
    assert code == 1
    assert [line.split(": ")[0] for line in out.splitlines()] == ["about.md:3:11"]
