"""The pipeline API (playbook_lint.api): the same run the CLI does, without printing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from playbook_lint.api import RunOptions, UsageError, render, run
from playbook_lint.findings import Severity


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n# A\n\nWe utilise [b](b.md) and "
                                   "[gone](missing.md).\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: B\n---\n# B\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_returns_findings_and_exit_code(site: Path) -> None:
    result = run([Path(".")], RunOptions(offline=True, today=date(2026, 11, 30)))
    assert result.files == 2
    assert [(f.path, f.line, f.column, f.rule, f.severity) for f in result.findings] == [
        ("a.md", 6, 4, "jargon", Severity.WARNING),
        ("a.md", 6, 33, "broken-link", Severity.ERROR),
    ]
    assert result.exit_code == 1
    assert result.errors == [] and result.link_results == {}
    data = json.loads(render(result, "json"))
    assert data["files"] == 2 and data["summary"]["by_rule"] == {"broken-link": 1, "jargon": 1}


def test_select_fail_on_and_messages(site: Path) -> None:
    seen: list[tuple[str, str]] = []
    result = run([site / "a.md"], RunOptions(offline=True, select=["jargon"], fix=True,
                                             on_message=lambda m, k: seen.append((m, k))))
    assert result.changed_files == ["a.md"] and result.fixes_applied == 1
    assert seen == [("applied 1 fix in 1 file", "note")]
    assert result.log == ["applied 1 fix in 1 file"]
    assert "We use [b](b.md)" in (site / "a.md").read_text(encoding="utf-8")
    assert result.findings == [] and result.exit_code == 1  # a file changed
    clean = run([site / "b.md"], RunOptions(offline=True, fail_on="info"))
    assert clean.exit_code == 0 and render(clean, "text") == ""


def test_usage_errors_are_raised_not_printed(site: Path) -> None:
    with pytest.raises(UsageError, match="unknown rule"):
        run([Path(".")], RunOptions(offline=True, select=["no-such-rule"]))
    with pytest.raises(UsageError, match="nowhere"):
        run([Path("nowhere")], RunOptions(offline=True))


def test_lint_text_lints_the_buffer_and_reads_links_from_the_cache_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import httpx

    from playbook_lint.api import lint_text
    from playbook_lint.config import load_config
    from playbook_lint.links.cache import LinkCache
    from playbook_lint.links.result import LinkResult
    from playbook_lint.links.stage import engine_config

    (tmp_path / ".playbook-lint.toml").write_text('[links]\ncache = "links.json"\n',
                                                  encoding="utf-8")
    config = load_config(None, cwd=tmp_path)
    econf = engine_config(config.links, {}, config.base)
    cache = LinkCache(tmp_path / "links.json", fingerprint=econf.fingerprint())
    cache.put(LinkResult("https://gone.example.gov/", "broken", 404, "HTTP 404 Not Found",
                         checked_at=time.time()))
    cache.save()

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("lint_text made a request")

    monkeypatch.setattr(httpx.AsyncClient, "send", no_network)
    text = ("# Page\n\nSee [old](https://gone.example.gov/) and "
            "[new](https://unchecked.example.gov/).\n")
    found = lint_text(tmp_path / "page.md", text)  # the file does not exist on disk
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in found] == [
        ("page.md", 3, 11, "broken-link",
         "link to https://gone.example.gov/ is broken: HTTP 404 Not Found"),
    ]


def test_the_package_facade_exports_what_plugins_and_callers_need() -> None:
    import playbook_lint

    for name in playbook_lint.__all__:
        assert getattr(playbook_lint, name) is not None, name
    assert playbook_lint.run is run and playbook_lint.RunOptions is RunOptions
    with pytest.raises(AttributeError):
        playbook_lint.no_such_name  # noqa: B018
