"""The persistent result cache: a warm re-run lints nothing, and a change re-lints
exactly the pages whose findings can change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from playbook_lint import runner
from playbook_lint.api import RunOptions, run


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
    monkeypatch.setattr(resultcache, "code_fingerprint", lambda *a, **k: "edited")
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


def test_a_deleted_link_target_relints_the_pages_linking_to_it(
        site: Path, linted: list[str]) -> None:
    assert lint() == [("a.md", 3, 31, "broken-link"), ("b.md", 5, 4, "jargon"),
                      ("c.md", 3, 4, "jargon")]
    linted.clear()
    (site / "b.md").unlink()
    assert lint() == [("a.md", 3, 9, "broken-link"), ("a.md", 3, 31, "broken-link"),
                      ("c.md", 3, 4, "jargon"), ("c.md", 3, 16, "broken-link")]
    assert sorted(linted) == ["a.md", "c.md"]
    linted.clear()
    assert lint()[3] == ("c.md", 3, 16, "broken-link") and linted == []


def test_a_rule_pack_edit_relints_every_page(site: Path, linted: list[str]) -> None:
    pack = site / "ours.yml"
    pack.write_text("name: ours\ndescription: Our words.\nsource: https://example.gov/style\n"
                    "rule: jargon\nentries:\n  - terms: [see]\n    strength: strong\n",
                    encoding="utf-8")
    (site / ".playbook-lint.toml").write_text('packs = ["ours.yml"]\n', encoding="utf-8")
    assert ("a.md", 3, 1, "jargon") in lint()
    linted.clear()
    assert ("a.md", 3, 1, "jargon") in lint() and linted == []
    pack.write_text(pack.read_text(encoding="utf-8").replace("[see]", "[usage]"),
                    encoding="utf-8")
    found = lint()
    assert sorted(linted) == ["a.md", "b.md", "c.md"]
    assert ("a.md", 3, 1, "jargon") not in found and ("b.md", 3, 4, "jargon") in found


def test_no_cache_neither_reads_nor_writes_the_cache(site: Path, linted: list[str]) -> None:
    from playbook_lint.resultcache import default_path

    lint(no_cache=True)
    assert not default_path(site.resolve()).exists()
    lint()
    stored = default_path(site.resolve()).read_bytes()
    linted.clear()
    (site / "b.md").write_text("# B\n\nWe utilise it twice: utilise.\n", encoding="utf-8")
    lint(no_cache=True)
    assert sorted(linted) == ["a.md", "b.md", "c.md"]
    assert default_path(site.resolve()).read_bytes() == stored


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_a_warm_report_is_byte_identical_to_the_cold_one(site: Path, linted: list[str],
                                                         fmt: str) -> None:
    from playbook_lint.api import render

    opts = RunOptions(offline=True, today=date(2026, 12, 1))
    cold = render(run([Path(".")], opts), fmt)
    linted.clear()
    warm = render(run([Path(".")], opts), fmt)
    assert linted == [] and warm == cold


def test_a_finding_row_keeps_every_field() -> None:
    from playbook_lint.findings import Edit, EditPosition, Finding, Fix, Severity
    from playbook_lint.resultcache import finding_from_row, finding_row

    f = Finding("a.md", 3, 9, "link-hygiene", "PL104", Severity.INFO, "m", 3, 20, "s",
                Fix("Use https", (Edit(8, 19, "x\ny", position=EditPosition(3, 9, 3, 20,
                                                                          "\r\n")),),
                    safe=False), {"classification": "broken", "n": [1, 2]})
    back = finding_from_row("a.md", finding_row(f))
    assert back == f and back.to_dict() == f.to_dict() and back.fix == f.fix
    assert back.fix is not None and back.fix.edits[0].position == EditPosition(3, 9, 3, 20,
                                                                               "\r\n")
    with pytest.raises(ValueError):
        finding_from_row("a.md", ["3", 9, "r", "c", 2, "m", None, None, None, None, {}])


def test_display_paths_match_the_runners(tmp_path: Path) -> None:
    from playbook_lint.resultcache import RelPaths
    from playbook_lint.runner import display_path

    files = [tmp_path / "a.md", tmp_path / "d" / "e" / "b.md", tmp_path.parent / "x.md",
             tmp_path.parent / "other" / "y.md", Path("/z.md"), Path("rel/c.md")]
    for root in (tmp_path, tmp_path / "d", tmp_path.parent, Path("/")):
        rel = RelPaths(root)
        assert [rel(f) for f in files] == [display_path(f, root) for f in files]


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per time the run's rules were built (runner.build_rules)."""
    calls: list[int] = []
    real = runner.build_rules

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "build_rules", spy)
    return calls


def test_a_warm_run_builds_no_rule_and_counts_the_same_files(
        site: Path, linted: list[str], builds: list[int]) -> None:
    (site / "README.md").write_text("# Read me\n\nWe utilise it.\n", encoding="utf-8")
    opts = RunOptions(offline=True, today=date(2026, 12, 1))
    cold = run([Path(".")], opts)
    assert (cold.files, len(builds), sorted(linted)) == (3, 1, ["a.md", "b.md", "c.md"])
    linted.clear()
    warm = run([Path(".")], opts)
    assert (warm.files, len(builds), linted) == (3, 1, [])  # README.md is not a page
    assert warm.findings == cold.findings and warm.messages == cold.messages
    assert warm.rules == cold.rules and "broken-link" in warm.rules  # filled when read
    (site / "c.md").write_text("# C\n\nWe use [b](b.md).\n", encoding="utf-8")
    again = run([Path(".")], opts)
    assert (again.files, len(builds), linted) == (3, 2, ["c.md"])  # built for c.md


def test_an_edited_config_or_option_builds_the_rules_again(
        site: Path, linted: list[str], builds: list[int]) -> None:
    lint()
    lint()
    assert len(builds) == 1
    assert [rule for *_, rule in lint(select=["broken-link"])] == ["broken-link"]
    assert len(builds) == 2
    (site / ".playbook-lint.toml").write_text('ignore = ["broken-link"]\n', encoding="utf-8")
    assert [rule for *_, rule in lint()] == ["jargon", "jargon"]
    assert len(builds) == 3
    lint()
    assert len(builds) == 3
