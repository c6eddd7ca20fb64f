"""The persistent result cache: a warm re-run lints nothing, and a change re-lints
exactly the pages whose findings can change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from playbook_lint import runner
from playbook_lint.api import RunOptions, run


@pytest.fixture()
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths of the pages the rules actually ran on, in order."""
    seen: list[str] = []
    real = runner.lint_document

    def spy(doc, rules, ctx):
        seen.append(doc.display_path)
        return real(doc, rules, ctx)

    monkeypatch.setattr(runner, "lint_document", spy)
    return seen


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pages = {
        "a.md": "# A\n\nSee [b](b.md#usage) and [new](new.md).\n",
        "b.md": "# B\n\n## Usage\n\nWe utilise it.\n",
        "c.md": "# C\n\nWe utilise [b](b.md).\n",
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(**kw) -> list[tuple[str, int, int, str]]:
    result = run([Path(".")], RunOptions(offline=True, today=date(2026, 12, 1), **kw))
    return [(f.path, f.line, f.column, f.rule) for f in result.findings]


def test_warm_run_lints_nothing_and_reports_the_same(site: Path, linted: list[str]) -> None:
    cold = lint()
    assert sorted(linted) == ["a.md", "b.md", "c.md"]
    linted.clear()
    assert lint() == cold and linted == []
    assert lint(no_cache=True) == cold and sorted(linted) == ["a.md", "b.md", "c.md"]


def test_a_body_edit_relints_the_page_and_the_pages_linking_to_its_anchors(
        site: Path, linted: list[str]) -> None:
    lint()
    linted.clear()
    (site / "b.md").write_text("# B\n\n## Use\n\nWe utilise it.\n", encoding="utf-8")
    found = lint()
    assert sorted(linted) == ["a.md", "b.md"]  # c.md links to b.md, not to an anchor
    assert ("a.md", 3, 9, "broken-link") in found  # #usage is gone


def test_a_new_file_relints_every_page(site: Path, linted: list[str]) -> None:
    """A new file can be any page's link target or permalink: every page re-lints."""
    before = lint()
    assert ("a.md", 3, 31, "broken-link") in before
    linted.clear()
    (site / "new.md").write_text("# New\n", encoding="utf-8")
    after = lint()
    assert sorted(linted) == ["a.md", "b.md", "c.md", "new.md"]
    assert ("a.md", 3, 31, "broken-link") not in after


def test_a_front_matter_edit_relints_every_page_a_body_edit_only_its_dependents(
        site: Path, linted: list[str]) -> None:
    lint()
    linted.clear()
    (site / "c.md").write_text("# C\n\nWe use [b](b.md).\n", encoding="utf-8")
    assert lint() and linted == ["c.md"]
    linted.clear()
    (site / "c.md").write_text("---\npermalink: /c/\n---\n# C\n", encoding="utf-8")
    lint()
    assert sorted(linted) == ["a.md", "b.md", "c.md"]


def test_config_and_date_changes_relint_everything(site: Path, linted: list[str]) -> None:
    lint()
    linted.clear()
    (site / ".playbook-lint.toml").write_text('ignore = ["jargon"]\n', encoding="utf-8")
    assert all(rule != "jargon" for *_, rule in lint())
    assert sorted(linted) == ["a.md", "b.md", "c.md"]
    linted.clear()
    run([Path(".")], RunOptions(offline=True, today=date(2027, 1, 1)))
    assert sorted(linted) == ["a.md", "b.md", "c.md"]


def test_editing_a_rule_module_invalidates_the_cache(site: Path, linted: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An editable install whose rule code changed within one version re-lints."""
    from playbook_lint import resultcache

    lint()
    linted.clear()
    monkeypatch.setattr(resultcache, "code_fingerprint", lambda classes: "edited")
    lint()
    assert sorted(linted) == ["a.md", "b.md", "c.md"]


def test_a_page_above_the_linted_folder_in_the_same_site_counts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linted: list[str]) -> None:
    """Linting docs/ of a Jekyll site: the site (and its permalinks) is the whole tree."""
    (tmp_path / "_config.yml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nSee [p](/p/).\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("---\npermalink: /q/\n---\n# Other\n",
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    opts = RunOptions(offline=True, today=date(2026, 12, 1))
    first = run([Path("docs")], opts)
    assert [f.rule for f in first.findings] == ["broken-link"]
    (tmp_path / "other.md").write_text("---\npermalink: /p/\n---\n# Other\n",
                                       encoding="utf-8")
    from playbook_lint.site import forget_sites

    forget_sites()  # a new process would build the site model afresh
    linted.clear()
    again = run([Path("docs")], opts)
    assert linted == ["docs/a.md"] and again.findings == []
