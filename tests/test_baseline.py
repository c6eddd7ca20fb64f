"""Baselines: record findings, survive line shifts, count identical findings, fail cleanly."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from playbook_lint.baseline import filter_baseline, fingerprint, write_baseline
from playbook_lint.document import Document
from playbook_lint.errors import ConfigError
from playbook_lint.findings import Edit, Finding, Fix, RawFinding, Severity
from playbook_lint.registry import RuleInfo
from playbook_lint.rule import Context, Rule
from playbook_lint.runner import ActiveRule, RuleSet, lint_files


class Buzzword(Rule):
    """Flags the made-up buzzword "synergise" (a rule for these tests only)."""

    name: ClassVar[str] = "buzzword"
    code: ClassVar[str] = "T001"
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Flags synergise"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        for m in re.finditer(r"synergise", doc.text):
            yield RawFinding(m.start(), m.end(), '"synergise" is a buzzword: use "work together"',
                         suggestion="work together",
                         fix=Fix('Replace with "work together"',
                                 (Edit(m.start(), m.end(), "work together"),)))


def run(root: Path) -> list[Finding]:
    """Lint every .md file below ``root`` with the Buzzword rule only."""
    rules = RuleSet([ActiveRule(Buzzword(), Severity.WARNING)],
                    {"buzzword": RuleInfo(Buzzword, "tests")}, [])
    files = sorted(root.rglob("*.md"))
    return lint_files(files, rules, today=date(2026, 11, 29), root=root).findings


def where(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.path, f.line, f.column) for f in findings]


PAGE = "# Teams\n\nWe synergise a lot.\n\nNothing else here.\n"


def test_lines_added_above_a_baselined_finding_still_filter_it(tmp_path: Path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    assert write_baseline(run(tmp_path), base, tmp_path) == 1

    (tmp_path / "a.md").write_text("# Teams\n\nA new intro.\n\nAnd more.\n" + PAGE[8:],
                                   encoding="utf-8")
    now = run(tmp_path)
    assert where(now) == [("a.md", 7, 4)]
    assert filter_baseline(now, base, tmp_path) == []


def test_new_finding_is_reported_and_old_one_is_not(tmp_path: Path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    write_baseline(run(tmp_path), base, tmp_path)

    (tmp_path / "a.md").write_text(PAGE + "\nThey also synergise daily.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Let us synergise.\n", encoding="utf-8")
    left = filter_baseline(run(tmp_path), base, tmp_path)
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in left] == [
        ("a.md", 7, 11, "buzzword", '"synergise" is a buzzword: use "work together"'),
        ("b.md", 1, 8, "buzzword", '"synergise" is a buzzword: use "work together"'),
    ]


def test_two_identical_findings_on_identical_lines_baseline_as_two(tmp_path: Path):
    twice = "We synergise.\n\nWe synergise.\n"
    (tmp_path / "a.md").write_text(twice, encoding="utf-8")
    base = tmp_path / "baseline.json"
    assert write_baseline(run(tmp_path), base, tmp_path) == 2
    entries = json.loads(base.read_text(encoding="utf-8"))["findings"]
    assert [(e["path"], e["rule"], e["count"]) for e in entries] == [("a.md", "buzzword", 2)]
    assert filter_baseline(run(tmp_path), base, tmp_path) == []

    (tmp_path / "a.md").write_text(twice + "\nWe synergise.\n", encoding="utf-8")
    assert where(filter_baseline(run(tmp_path), base, tmp_path)) == [("a.md", 5, 4)]


def test_fixing_one_of_two_identical_findings_keeps_the_other_filtered(tmp_path: Path):
    (tmp_path / "a.md").write_text("We synergise.\n\nWe synergise.\n", encoding="utf-8")
    base = tmp_path / "baseline.json"
    write_baseline(run(tmp_path), base, tmp_path)
    (tmp_path / "a.md").write_text("We work together.\n\nWe synergise.\n", encoding="utf-8")
    assert filter_baseline(run(tmp_path), base, tmp_path) == []


def test_an_edited_line_makes_the_finding_new(tmp_path: Path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    write_baseline(run(tmp_path), base, tmp_path)
    (tmp_path / "a.md").write_text(PAGE.replace("a lot", "all day"), encoding="utf-8")
    assert where(filter_baseline(run(tmp_path), base, tmp_path)) == [("a.md", 3, 4)]


def test_reindenting_a_line_does_not_make_the_finding_new(tmp_path: Path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    write_baseline(run(tmp_path), base, tmp_path)
    (tmp_path / "a.md").write_text(PAGE.replace("We synergise", "   We   synergise"),
                                   encoding="utf-8")
    assert where(run(tmp_path)) == [("a.md", 3, 9)]
    assert filter_baseline(run(tmp_path), base, tmp_path) == []


def test_same_line_in_another_file_is_not_filtered(tmp_path: Path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    write_baseline(run(tmp_path), base, tmp_path)
    (tmp_path / "b.md").write_text(PAGE, encoding="utf-8")
    assert where(filter_baseline(run(tmp_path), base, tmp_path)) == [("b.md", 3, 4)]


def test_crlf_and_bom_files_fingerprint_like_lf(tmp_path: Path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    write_baseline(run(tmp_path), base, tmp_path)
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbf" + PAGE.replace("\n", "\r\n").encode())
    assert filter_baseline(run(tmp_path), base, tmp_path) == []


def test_file_is_sorted_stable_and_exact(tmp_path: Path):
    (tmp_path / "b.md").write_text("Why synergise?\n", encoding="utf-8")
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    findings = run(tmp_path)
    write_baseline(list(reversed(findings)), base, tmp_path)
    first = base.read_bytes()
    message = '"synergise" is a buzzword: use "work together"'
    assert json.loads(first) == {
        "tool": "playbook-lint",
        "version": 1,
        "findings": [
            {"path": "a.md", "rule": "buzzword",
             "fingerprint": fingerprint("buzzword", "We synergise a lot.", message),
             "count": 1, "message": message},
            {"path": "b.md", "rule": "buzzword",
             "fingerprint": fingerprint("buzzword", "Why synergise?", message),
             "count": 1, "message": message},
        ],
    }
    assert first.endswith(b"}\n")
    write_baseline(findings, base, tmp_path)
    assert base.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md", "baseline.json"]


def test_fingerprint_is_16_hex_digits_and_ignores_whitespace_runs():
    fp = fingerprint("jargon", "  a   b ", "m")
    assert re.fullmatch(r"[0-9a-f]{16}", fp)
    assert fp == fingerprint("jargon", "a b", "m")
    assert fp != fingerprint("jargon", "a b", "n")
    assert fp != fingerprint("other", "a b", "m")


def test_empty_baseline_keeps_everything(tmp_path: Path):
    base = tmp_path / "baseline.json"
    assert write_baseline([], base, tmp_path) == 0
    assert json.loads(base.read_text()) == {"tool": "playbook-lint", "version": 1,
                                            "findings": []}
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    assert where(filter_baseline(run(tmp_path), base, tmp_path)) == [("a.md", 3, 4)]


def test_finding_in_a_deleted_file_still_gets_a_key(tmp_path: Path):
    f = Finding("gone.md", 4, 1, "buzzword", "T001", Severity.WARNING, "m")
    base = tmp_path / "baseline.json"
    assert write_baseline([f], base, tmp_path) == 1
    assert filter_baseline([f], base, tmp_path) == []


def test_existing_file_mode_is_kept(tmp_path: Path):
    base = tmp_path / "baseline.json"
    base.write_text("{}", encoding="utf-8")
    os.chmod(base, 0o640)
    write_baseline([], base, tmp_path)
    assert stat.S_IMODE(base.stat().st_mode) == 0o640


def test_failed_write_leaves_old_file_and_no_temp_file(tmp_path: Path, monkeypatch):
    base = tmp_path / "baseline.json"
    base.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    from playbook_lint import atomic

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(ConfigError) as err:
        write_baseline([], base, tmp_path)
    assert str(err.value) == f"{base}: cannot write baseline: No space left on device"
    assert base.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]


def test_unwritable_folder_is_a_config_error(tmp_path: Path):
    base = tmp_path / "no-such-folder" / "baseline.json"
    with pytest.raises(ConfigError) as err:
        write_baseline([], base, tmp_path)
    assert str(err.value) == f"{base}: cannot write baseline: No such file or directory"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        (b"{not json", "not a baseline: invalid JSON at line 1 column 2"),
        (b"\xff\xfe", "not a baseline: not UTF-8 text"),
        (b"[]", "not a baseline: expected an object with a 'findings' list"),
        (b'{"version": 1}', "not a baseline: expected an object with a 'findings' list"),
        (b'{"version": 7, "findings": []}', "unsupported baseline version 7 (expected 1)"),
        (b'{"version": 1, "findings": [3]}', "findings[0]: expected an object"),
        (b'{"version": 1, "findings": [{"path": "a.md", "rule": "x"}]}',
         "findings[0].fingerprint: expected a string"),
        (b'{"version": 1, "findings": [{"path": "a.md", "rule": "x", "fingerprint": "f",'
         b' "count": 0}]}', "findings[0].count: expected a whole number >= 1"),
        (b'{"version": 1, "findings": [{"path": "a.md", "rule": "x", "fingerprint": "f",'
         b' "count": true}]}', "findings[0].count: expected a whole number >= 1"),
    ],
)
def test_missing_or_corrupt_baseline_is_one_line_config_error(tmp_path: Path, content, message):
    base = tmp_path / "baseline.json"
    if content is not None:
        base.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        filter_baseline([], base, tmp_path)
    assert str(err.value) == f"{base}: {message}"
    assert "\n" not in str(err.value)


def test_cli_write_then_filter(tmp_path: Path, monkeypatch, capsys):
    """Through the real CLI: --write-baseline records, --baseline reports only new findings."""
    from playbook_lint import cli, runner

    monkeypatch.setattr(runner, "discover", lambda: {"buzzword": RuleInfo(Buzzword, "tests")})
    monkeypatch.setattr(runner, "builtin_pack_paths", lambda: [])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")

    with pytest.raises(SystemExit) as exit_:
        cli.main(["--write-baseline", "base.json", "a.md"])
    assert exit_.value.code == 0
    assert capsys.readouterr().err == "playbook-lint: wrote 1 findings to baseline base.json\n"

    (tmp_path / "a.md").write_text("Intro.\n\n" + PAGE + "\nWe synergise.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--baseline", "base.json", "--fail-on", "warning", "a.md"])
    assert exit_.value.code == 1
    assert capsys.readouterr().out == (
        'a.md:9:4: warning buzzword "synergise" is a buzzword: use "work together"\n'
    )

    with pytest.raises(SystemExit) as exit_:
        cli.main(["--baseline", "missing.json", "a.md"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "playbook-lint: error: missing.json: baseline file not found\n"
    )
