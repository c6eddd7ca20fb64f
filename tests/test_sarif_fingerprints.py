"""SARIF's partialFingerprints without reading the pages again: the lint pass makes
each finding's content fingerprint from the page in memory, the result cache keeps it
in the finding's row, and the report is byte for byte the one made by reading each
finding's line from the file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from playbook_lint import baseline
from playbook_lint.api import RunOptions, render, run
from playbook_lint.baseline import SourceLines, fingerprint
from playbook_lint.document import Document
from playbook_lint.findings import Finding, Severity
from playbook_lint.resultcache import finding_from_row, finding_row, line_fingerprints

OPTS = RunOptions(today=date(2026, 12, 1), offline=True, jobs=1)


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files SourceLines read (the reporters' way to a finding's line)."""
    seen: list[str] = []
    real = SourceLines.lines

    def spy(self: SourceLines, path: str) -> list[str]:
        if path not in self._lines:
            seen.append(path)
        return real(self, path)

    monkeypatch.setattr(baseline.SourceLines, "lines", spy)
    return seen


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.md").write_bytes(
        b"\xef\xbb\xbf# A\r\n\r\nWe   utilise [b](b.md) and [gone](gone.md).\r\n"
        b"We utilise it again.\r\n")
    (tmp_path / "b.md").write_text("# B\n\nWe utilise  it.\nWe utilise  it.\n",
                                   encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cold_and_warm_sarif_read_no_page_and_equal_the_uncached_report(
        site: Path, reads: list[str]) -> None:
    cold = run([Path(".")], OPTS)
    assert [(f.path, f.line, f.rule) for f in cold.findings] == [
        ("a.md", 3, "jargon"), ("a.md", 3, "broken-link"), ("a.md", 4, "jargon"),
        ("b.md", 3, "jargon"), ("b.md", 4, "jargon")]
    cold_sarif = render(cold, "sarif")
    warm = run([Path(".")], OPTS)
    warm_sarif = render(warm, "sarif")
    assert reads == []  # fingerprints from the lint pass, then from the cache's rows
    fresh = run([Path(".")], RunOptions(today=date(2026, 12, 1), offline=True, jobs=1,
                                        no_cache=True))
    assert fresh.fingerprints == {}
    assert render(fresh, "sarif") == cold_sarif == warm_sarif
    assert sorted(reads) == ["a.md", "b.md"]  # without the cache: read as before
    # b.md's two identical findings on two identical lines: occurrences 1 and 2
    assert warm_sarif.count(f'"{fingerprint("jargon", "We utilise it.", _msg(warm))}:2"') == 1


def _msg(result: Any) -> str:
    return next(f.message for f in result.findings if f.path == "b.md")


def test_an_edited_page_gets_fingerprints_of_its_new_text(site: Path, reads: list[str]) -> None:
    run([Path(".")], OPTS)
    (site / "b.md").write_text("# B\n\nNew line.\n\nWe utilise  this.\n", encoding="utf-8")
    warm = run([Path(".")], OPTS)
    assert render(warm, "sarif") == render(
        run([Path(".")], RunOptions(today=date(2026, 12, 1), offline=True, jobs=1,
                                    no_cache=True)), "sarif")
    assert warm.fingerprints[("b.md", 5, "jargon", _msg(warm))] == fingerprint(
        "jargon", "We utilise  this.", _msg(warm))


def test_line_fingerprints_are_the_ones_made_from_the_file(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfone\r\ntwo  words\rthree\n"
    (tmp_path / "p.md").write_bytes(data)
    doc = Document.from_bytes(tmp_path / "p.md", data, display_path="p.md")
    findings = [Finding("p.md", line, 1, "r", "PL1", Severity.WARNING, f"m{line}")
                for line in (1, 2, 3, 4, 9)] + [
        Finding("other.md", 2, 1, "r", "PL1", Severity.WARNING, "m2")]
    made = line_fingerprints(doc, findings)
    source = SourceLines(tmp_path)
    assert made == {(f.line, f.rule, f.message): fingerprint(
        f.rule, source.line(f.path, f.line), f.message) for f in findings[:5]}
    assert made[(2, "r", "m2")] == fingerprint("r", "two words", "m2")
    assert made[(9, "r", "m9")] == fingerprint("r", "", "m9")


def test_rows_keep_the_fingerprint_and_old_rows_still_read() -> None:
    f = Finding("p.md", 3, 2, "jargon", "PL301", Severity.WARNING, "msg")
    assert finding_from_row("p.md", finding_row(f, "0123456789abcdef")) == f
    assert finding_row(f, "0123456789abcdef")[11] == "0123456789abcdef"
    assert len(finding_row(f)) == 11 and finding_from_row("p.md", finding_row(f)) == f
