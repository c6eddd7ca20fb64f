"""The process pool gives exactly the sequential result."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint import parallel
from playbook_lint.config import Config
from playbook_lint.runner import build_rules, lint_files
from playbook_lint.testing import FIXED_TODAY


def test_pool_matches_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for i in range(40):
        (tmp_path / f"p{i:02}.md").write_text(
            f"# Page {i}\n\nWe utilise [a](missing{i}.md) and ![](x.png).\n", encoding="utf-8")
    files = sorted(tmp_path.glob("*.md"))
    rules = build_rules(Config(base=tmp_path))
    seq = lint_files(files, rules, today=FIXED_TODAY, root=tmp_path)
    monkeypatch.setattr(parallel, "THRESHOLD", 10)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    par = parallel.lint_parallel(files, rules, today=FIXED_TODAY, root=tmp_path, jobs=2)
    assert par.files == seq.files == 40
    assert par.findings == seq.findings
    assert [f.message for f in par.findings] == [f.message for f in seq.findings]
    assert len(par.findings) == 160  # jargon, 2 broken-link, missing-alt-text per page
    assert {f.rule for f in par.findings} == {"jargon", "broken-link", "missing-alt-text"}


def test_small_runs_stay_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    rules = build_rules(Config(base=tmp_path))

    def boom(*a, **k):
        raise AssertionError("no pool for one file")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", boom)
    res = parallel.lint_parallel([tmp_path / "a.md"], rules, today=FIXED_TODAY, root=tmp_path)
    assert (res.files, res.findings, res.errors) == (1, [], [])
