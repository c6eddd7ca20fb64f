"""CLI behaviour end to end: exit codes, messages, formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from cli_runner import run

from playbook_lint.links.check import summary_line
from playbook_lint.links.result import EngineReport, LinkResult


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


def test_explain_shows_plain_backticks(capsys):
    code, out, _ = run(["explain", "pl101"], capsys)
    assert code == 0
    assert out.startswith("broken-link (PL101), default severity error\n")
    assert not re.search(r"(?<!`)``(?!`)", out) and ":func:" not in out
    assert "```markdown\n" in out  # code fences survive


def test_link_summary_line_names_redirects_and_private_skips():
    report = EngineReport(results={
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
