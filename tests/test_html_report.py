"""HTML report: exact summary counts, escaping, no external assets, and a real headless Chromium.

The Chromium test needs Debian's ``chromium`` (``apt-get install -y chromium``); it is
skipped with a reason when the browser is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from playbook_lint import cli, runner
from playbook_lint.document import Document
from playbook_lint.findings import Edit, Finding, Fix, RawFinding, Severity
from playbook_lint.links.result import LinkResult
from playbook_lint.registry import RuleInfo
from playbook_lint.reporters import Summary, get_reporter
from playbook_lint.reporters.html import SCRIPT, render
from playbook_lint.reporters.sarif import RULE_DOCS_URL
from playbook_lint.rule import Context, Rule
from playbook_lint.runner import ActiveRule, RuleSet, lint_files


class Buzzword(Rule):
    """Flags the made-up buzzword "synergise" (a rule for these tests only)."""

    name: ClassVar[str] = "buzzword"
    code: ClassVar[str] = "T001"
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Buzzwords with plain replacements"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        for m in re.finditer(r"synergise", doc.text):
            yield RawFinding(m.start(), m.end(), '"synergise" is a buzzword: use "work together"',
                         suggestion="work together",
                         fix=Fix('Replace with "work together"',
                                 (Edit(m.start(), m.end(), "work together"),)))


class TodoNote(Rule):
    """Flags TODO notes left in a page (a rule for these tests only)."""

    name: ClassVar[str] = "todo-note"
    code: ClassVar[str] = "T002"
    default_severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str] = "TODO notes left in a page"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        for m in re.finditer(r"TODO", doc.text):
            yield RawFinding(m.start(), m.end(), "TODO note left in <the> page")


RULES = {"buzzword": Buzzword, "todo-note": TodoNote}


class Dom(HTMLParser):
    """Collects what the tests look at: text by element id, rule rows, host rows, findings."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, str] = {}
        self.rule_counts: dict[str, str] = {}
        self.host_counts: dict[str, dict[str, str]] = {}
        self.findings: list[tuple[str, str]] = []
        self.marks: list[str] = []
        self.tags: list[str] = []
        self._open: list[tuple[str, dict[str, str | None]]] = []
        self._text: dict[int, list[str]] = {}
        self._row: tuple[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("meta", "br", "img", "link", "input"):
            return
        self._open.append((tag, a))
        self._text[len(self._open)] = []
        if tag == "tr" and a.get("data-rule"):
            self._row = ("rule", a["data-rule"] or "")
        elif tag == "tr" and a.get("data-host"):
            self._row = ("host", a["data-host"] or "")
            self.host_counts[self._row[1]] = {}
        if tag == "article":
            self.findings.append((a.get("data-rule") or "", a.get("data-severity") or ""))

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return
        depth = len(self._open)
        _, a = self._open.pop()
        text = "".join(self._text.pop(depth))
        if self._open:
            self._text[depth - 1].append(text)
        if a.get("id"):
            self.by_id[a["id"] or ""] = text
        if tag == "mark":
            self.marks.append(text)
        if tag == "td" and self._row:
            kind, key = self._row
            if kind == "rule" and "count" in (a.get("class") or ""):
                self.rule_counts[key] = text
            elif kind == "host" and a.get("data-status"):
                self.host_counts[key][a["data-status"] or ""] = text
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._open:
            self._text[len(self._open)].append(data)


PAGES = {
    "docs/teams.md": "---\ntitle: Teams\n---\n# Teams\n\nOur teams synergise. TODO: more\n",
    "docs/<odd> & name.md": "# Odd\n\nWe synergise <script>alert(1)</script> daily.\n",
    "clean.md": "---\ntitle: Fine\n---\nAll good.\n",
}


def make_site(root: Path) -> list[Path]:
    paths = []
    for rel, text in PAGES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return sorted(paths)


def real_findings(root: Path) -> list[Finding]:
    """Lint the pages of ``make_site`` with the test rules through the real runner."""
    rules = RuleSet([ActiveRule(Buzzword(), Severity.WARNING),
                     ActiveRule(TodoNote(), Severity.ERROR)],
                    {n: RuleInfo(c, "tests") for n, c in RULES.items()}, [])
    return lint_files(make_site(root), rules, today=date(2026, 11, 29), root=root).findings


LINKS = {
    "https://example.org/a": LinkResult("https://example.org/a", "ok", 200),
    "https://example.org/b": LinkResult("https://example.org/b", "broken", 404),
    "https://example.org/c": LinkResult("https://example.org/c", "broken", 410),
    "https://www.gov.uk/x": LinkResult("https://www.gov.uk/x", "unverified", 403),
    "mailto:team@example.org": LinkResult("mailto:team@example.org", "skipped"),
}


def report(root: Path, link_results=None, messages=()) -> str:
    summary = Summary(files=3, version="9.9.9", messages=list(messages), rules=RULES, root=root,
                      link_results=link_results or {})
    return render(real_findings(root), summary)


def test_summary_counts_by_severity_and_rule(tmp_path: Path):
    dom = Dom(report(tmp_path))
    assert dom.by_id["count-total"] == "3"
    assert dom.by_id["count-error"] == "1"
    assert dom.by_id["count-warning"] == "2"
    assert dom.by_id["count-info"] == "0"
    assert dom.by_id["count-files"] == "3"
    assert dom.by_id["count-line"] == "3 findings (1 error, 2 warnings) in 3 files"
    assert dom.rule_counts == {"buzzword": "2", "todo-note": "1"}
    # pages with errors first, errors first within a page
    assert dom.findings == [("todo-note", "error"), ("buzzword", "warning"),
                            ("buzzword", "warning")]


def test_link_health_by_host(tmp_path: Path):
    dom = Dom(report(tmp_path, LINKS))
    assert dom.host_counts == {
        "example.org": {"ok": "1", "broken": "2", "unverified": "0", "skipped": "0"},
        "www.gov.uk": {"ok": "0", "broken": "0", "unverified": "1", "skipped": "0"},
        "(mailto links)": {"ok": "0", "broken": "0", "unverified": "0", "skipped": "1"},
    }
    assert list(dom.host_counts) == ["example.org", "www.gov.uk", "(mailto links)"]


def test_no_link_table_when_no_link_results(tmp_path: Path):
    html = report(tmp_path)
    assert 'id="link-health"' not in html
    assert "Link health" not in html


def test_source_line_is_shown_with_the_span_marked_and_everything_escaped(tmp_path: Path):
    html = report(tmp_path, messages=["network <off>"])
    dom = Dom(html)
    assert dom.marks == ["TODO", "synergise", "synergise"]
    assert ('<pre class="source"><span class="ln">3</span>We <mark>synergise</mark> '
            "&lt;script&gt;alert(1)&lt;/script&gt; daily.</pre>") in html
    assert '<section class="page" id="page-2" data-path="docs/&lt;odd&gt; &amp; name.md">' in html
    assert "<p class=\"message\">TODO note left in &lt;the&gt; page</p>" in html
    assert "<li>network &lt;off&gt;</li>" in html
    assert html.count("<script") == 1 and f"<script>{SCRIPT}</script>" in html  # ours only
    assert ('<p class="suggestion"><strong>Suggestion:</strong> work together</p>') in html
    assert ('<p class="fix">Automatic fix: Replace with &quot;work together&quot; '
            "(<code>--fix</code>)</p>") in html


def test_self_contained_no_external_assets_or_scripts(tmp_path: Path):
    html = report(tmp_path, LINKS)
    dom = Dom(html)
    assert not {"link", "img", "iframe", "object", "embed"} & set(dom.tags)
    assert dom.tags.count("script") == 1 and "<script src" not in html  # one inline script
    # no asset is loaded; the only links leave for the rules' documentation pages
    assert set(re.findall(r'(?:src|href)="(?!#)([^"]*)"', html)) == {
        RULE_DOCS_URL + "buzzword.md", RULE_DOCS_URL + "todo-note.md"}
    assert "url(" not in html and "@import" not in html
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")


def test_clean_run_says_so(tmp_path: Path):
    html = render([], Summary(files=4, root=tmp_path))
    dom = Dom(html)
    assert dom.by_id["count-total"] == "0"
    assert dom.by_id["no-findings"] == "No findings: every page passed the checks that ran."
    assert 'id="by-rule"' not in html


def test_unreadable_file_unknown_rule_and_long_lines_do_not_raise(tmp_path: Path):
    (tmp_path / "long.md").write_text("x" * 1000 + "BAD" + "y" * 1000 + "\n", encoding="utf-8")
    findings = [
        Finding("gone.md", 2, 1, "mystery", "", Severity.INFO, "m"),
        Finding("long.md", 1, 1001, "mystery", "", Severity.INFO, "long", 1, 1004),
        Finding("long.md", 9, 1, "mystery", "", Severity.INFO, "past the end", 9, 2),
        Finding("long.md", 1, 1, "mystery", "", Severity.INFO, "two lines", 3, 1),
    ]
    html = render(findings, Summary(files=2, root=tmp_path))
    dom = Dom(html)
    assert dom.rule_counts == {"mystery": "4"}
    long_pre = re.search(r'<pre class="source"><span class="ln">1</span>(.*?)</pre>',
                         html.split('data-line="1"')[2]).group(1)
    assert long_pre == "…" + "x" * 200 + "<mark>BAD</mark>" + "y" * 197 + "…"
    assert dom.marks == ["x" * 1000 + "BAD" + "y" * 1000, "BAD"]
    assert html.count('<pre class="source">') == 2


def test_cli_writes_the_report_file(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(runner, "discover",
                        lambda: {n: RuleInfo(c, "tests") for n, c in RULES.items()})
    monkeypatch.setattr(runner, "builtin_pack_paths", lambda: [])
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path)
    assert get_reporter("html") is render
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--format", "html", "--output", "report.html", "."])
    assert exit_.value.code == 1
    dom = Dom((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert (dom.by_id["count-total"], dom.by_id["count-error"]) == ("3", "1")
    assert dom.rule_counts == {"buzzword": "2", "todo-note": "1"}


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def chromium(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp / 'chromium-profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_report_in_headless_chromium(tmp_path: Path):
    browser = find_chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    site = tmp_path / "site"
    site.mkdir()
    page = tmp_path / "report.html"
    page.write_text(report(site, LINKS, ["network unavailable: this is a test"]),
                    encoding="utf-8")

    dumped = chromium(browser, tmp_path, "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Dom(dumped.stdout)
    assert dom.by_id["count-total"] == "3"
    assert dom.by_id["count-error"] == "1"
    assert dom.by_id["count-warning"] == "2"
    assert dom.by_id["count-info"] == "0"
    assert dom.rule_counts == {"buzzword": "2", "todo-note": "1"}
    assert dom.host_counts["example.org"]["broken"] == "2"
    assert dom.marks == ["TODO", "synergise", "synergise"]

    shot = tmp_path / "report.png"
    done = chromium(browser, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
                    page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280  # IHDR width
    assert int.from_bytes(data[20:24], "big") == 2000  # IHDR height


def test_page_list_folds_when_long(tmp_path: Path):
    from playbook_lint.reporters.html import OPEN_PAGE_LIST

    def pages(n: int) -> str:
        fs = [Finding(f"p{i:03}.md", 1, 1, "mystery", "", Severity.INFO, "m") for i in range(n)]
        return render(fs, Summary(files=n, root=tmp_path))

    assert '<nav class="pages" aria-labelledby="pages-h"><details open>' in pages(OPEN_PAGE_LIST)
    assert '<nav class="pages" aria-labelledby="pages-h"><details>' in pages(OPEN_PAGE_LIST + 1)


PROBE = """<script>window.addEventListener("load", () => {
  const d = document.documentElement;
  document.body.setAttribute("data-overflow", String(d.scrollWidth - d.clientWidth));
});</script>"""


def test_long_paths_and_lines_do_not_overflow_the_page_in_chromium(tmp_path: Path):
    """The report has no script; a copy with a probe measures horizontal overflow."""
    browser = find_chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    long_name = "Very" + "LongCamelCasePageName" * 9 + ".md"
    (tmp_path / long_name).write_text("x" * 3000 + "\n", encoding="utf-8")
    findings = [Finding(long_name, 1, 10, "mystery", "", Severity.WARNING, "y" * 300, 1, 2000,
                        "z" * 300)]
    html = render(findings, Summary(files=1, root=tmp_path))
    page = tmp_path / "probe.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = chromium(browser, tmp_path, "--window-size=1280,2000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r'data-overflow="(-?\d+)"', done.stdout).group(1) == "0"


def test_worst_pages_filters_and_rule_links(tmp_path: Path):
    html = report(tmp_path)
    rows = re.findall(r'<tr data-path="([^"]*)"><th scope="row"><a href="#page-(\d+)">[^<]*'
                      r'</a></th>((?:<td[^>]*>\d+</td>)+)</tr>', html)
    assert [(p, i, re.findall(r">(\d+)<", cells)) for p, i, cells in rows] == [
        ("docs/teams.md", "1", ["1", "1", "0"]),
        ("docs/&lt;odd&gt; &amp; name.md", "2", ["0", "1", "0"]),
    ]
    for sev in ("error", "warning", "info"):
        assert f'<input type="checkbox" id="f-sev-{sev}" checked>' in html
        assert (f"body:has(#f-sev-{sev}:not(:checked)) article.finding.{sev} "
                "{ display: none; }") in html
    assert '<input type="checkbox" id="f-rule-1" data-rule="buzzword" checked>' in html
    assert ('body:has(#f-rule-2:not(:checked)) article.finding[data-rule="todo-note"] '
            "{ display: none; }") in html
    assert (f'<a href="{RULE_DOCS_URL}todo-note.md"><code>todo-note</code></a>') in html


def test_css_strings_escape_odd_rule_names():
    from playbook_lint.reporters.html import _css_string

    assert _css_string('a"b</style>') == "a\\22 b\\3c \\2f style\\3e "


def test_filters_work_in_headless_chromium(tmp_path: Path):
    """Unticking a severity hides its findings through CSS alone; the inline script then
    hides the pages left empty and counts what is shown (read back from the DOM)."""
    browser = find_chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    site = tmp_path / "site"
    site.mkdir()
    html = report(site).replace('id="f-sev-warning" checked', 'id="f-sev-warning"')
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dumped = chromium(browser, tmp_path, "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert '<span id="shown">1 shown</span>' in dumped.stdout
    # the odd page has only a warning: hidden; the teams page keeps its error
    assert re.search(r'<section class="page" id="page-2" data-path="[^"]*" hidden="">',
                     dumped.stdout)
    assert re.search(r'<section class="page" id="page-1" data-path="docs/teams.md">',
                     dumped.stdout)
