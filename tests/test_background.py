"""The link check beside the lint pass (playbook_lint.links.background, api.check_links
-> api._lint_beside_links): the engine in a forked child, the same findings, exit
code and messages as checking first, one request per URL, one parse per page.

Every request goes to a server on 127.0.0.1 started here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from http_server import LoopbackServer, status_route
from test_parsed import parses  # noqa: F401 - the fixture

from playbook_lint.api import RunOptions, RunResult, run
from playbook_lint.links import background
from playbook_lint.links.cache import LinkCache
from playbook_lint.links.engine import EngineConfig

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

TODAY = date(2026, 12, 1)
PAGES = 3
PER_PAGE = 4  # URLs a page: ok, gone, moved, ok again under another path


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    routes = {}
    for page in range(PAGES):
        routes[f"/ok/{page}"] = status_route(200, {"Content-Type": "text/plain"}, b"fine")
        routes[f"/also/{page}"] = status_route(200, {"Content-Type": "text/plain"}, b"fine")
        routes[f"/gone/{page}"] = status_route(404)
        routes[f"/moved/{page}"] = status_route(301, {"Location": f"/ok/{page}"})
    with LoopbackServer(routes) as srv:
        yield srv


@pytest.fixture
def site(tmp_path: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    for page in range(PAGES):
        (tmp_path / f"page-{page}.md").write_text(
            f"---\ntitle: Page {page}\n---\n# Page {page}\n\n"
            f"We utilise [fine]({server.url(f'/ok/{page}')}).\n\n"
            f"- [gone]({server.url(f'/gone/{page}')})\n"
            f"- [moved]({server.url(f'/moved/{page}')})\n"
            f"- [also]({server.url(f'/also/{page}')})\n", encoding="utf-8")
    (tmp_path / "playbook-lint.toml").write_text(
        "[links]\ntimeout = 5\nretries = 0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[background.BackgroundCheck | None]:
    """Every BackgroundCheck the runs start (None: could not fork)."""
    seen: list[background.BackgroundCheck | None] = []
    real = background.BackgroundCheck.start

    def start(*args: Any, **kwargs: Any) -> background.BackgroundCheck | None:
        check = real(*args, **kwargs)
        seen.append(check)
        return check

    monkeypatch.setattr(background.BackgroundCheck, "start", start)
    return seen


def _run(**options: Any) -> RunResult:
    return run([Path(".")], RunOptions(today=TODAY, allow_private=True, **options))


def _shape(result: RunResult) -> list[tuple[str, int, int, str, str]]:
    return [(f.path, f.line, f.column, f.rule, f.message) for f in result.findings]


def _log(result: RunResult) -> list[str]:  # the summary line without its seconds
    return [line.rsplit(";", 1)[0] if line.startswith("links:") else line
            for line in result.log]


def test_beside_the_lint_gives_the_findings_of_checking_first(
        site: Path, server: LoopbackServer, started: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "MIN_URLS", 1)
    beside = _run(no_cache=True)
    assert len(started) == 1 and started[0] is not None and started[0].outcome == "ok"
    for page in range(PAGES):  # the child asked each URL once; this process none
        assert server.count("HEAD", f"/gone/{page}") == 1
        assert server.count("HEAD", f"/also/{page}") == 1
    first = _run(no_cache=True, jobs=1)  # one process: check first, then lint
    assert len(started) == 1
    assert _shape(beside) == _shape(first)
    assert beside.exit_code == first.exit_code == 1
    assert beside.files == first.files == PAGES
    assert _log(beside) == _log(first) == [
        "links: 12 (12 unique URLs): 9 ok (3 via permanent redirect), 3 broken, "
        "0 unverified, 0 skipped; 0 from cache"]
    broken = [s for s in _shape(beside) if s[3] == "broken-link"]
    assert broken[0] == ("page-0.md", 8, 10, "broken-link",
                         f"link to {server.url('/gone/0')} is broken: HTTP 404 Not Found")
    assert len(broken) == PAGES
    assert sorted(beside.link_results) == sorted(first.link_results)


def test_each_page_is_parsed_once(site: Path, parses: Any, started: list[Any],  # noqa: F811
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "MIN_URLS", 1)
    result = _run(no_cache=True)
    assert len(started) == 1 and started[0].outcome == "ok"
    names = {f"page-{p}.md": 1 for p in range(PAGES)}
    assert parses["tokens"] == names  # the two passes share the link stage's pages
    assert parses["links"] == names
    assert result.files == PAGES


def test_a_child_that_fails_costs_time_not_results(
        site: Path, server: LoopbackServer, started: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "MIN_URLS", 1)
    real = background._child_report

    def fail(*args: Any) -> bytes:
        raise RuntimeError("the child breaks")

    monkeypatch.setattr(background, "_child_report", fail)
    beside = _run(no_cache=True)
    assert started[0].outcome == "child failed (status 1)"
    assert server.count("HEAD", "/gone/0") == 1  # asked once: here, after the child failed
    monkeypatch.setattr(background, "_child_report", real)
    first = _run(no_cache=True, jobs=1)
    assert _shape(beside) == _shape(first)
    assert beside.exit_code == first.exit_code == 1


def test_few_urls_are_checked_first_in_this_process(site: Path, started: list[Any]) -> None:
    assert background.MIN_URLS == 64
    result = _run(no_cache=True)
    assert started == []
    assert result.exit_code == 1


def test_the_result_cache_serves_unchanged_pages_beside_the_check(
        site: Path, started: list[Any], monkeypatch: pytest.MonkeyPatch,
        server: LoopbackServer) -> None:
    monkeypatch.setattr(background, "MIN_URLS", 0)  # beside with one URL not cached
    cold = _run()
    new_link = f"[new]({server.url('/new/1')})"  # not in the link cache: checked
    (site / "page-1.md").write_text(
        (site / "page-1.md").read_text(encoding="utf-8") + f"\nThis page was utilised: "
        f"{new_link}.\n", encoding="utf-8")
    warm = _run()
    assert [s.outcome for s in started] == ["ok", "ok"]
    fresh = _run(no_cache=True, jobs=1)
    assert _shape(warm) == _shape(fresh)
    new = [f[3] for f in _shape(warm) if f[:2] == ("page-1.md", 12)]
    assert new == ["jargon", "broken-link", "link-hygiene"]
    assert len(_shape(warm)) == len(_shape(cold)) + len(new)
    assert warm.files == fresh.files == PAGES


def test_network_urls_counts_what_the_cache_does_not_answer(tmp_path: Path,
                                                            server: LoopbackServer) -> None:
    cfg = EngineConfig(allow_private=True, exclude=["/also/"], cache_path=tmp_path / "c.json")
    urls = [server.url("/ok/0"), server.url("/ok/0#part"), server.url("/gone/0"),
            server.url("/also/0")]
    assert background.network_urls(urls, cfg, None) == 2  # one spelling, one excluded
    run_once = background.BackgroundCheck.start(urls, cfg, progress=False)
    assert run_once is not None
    report = run_once.wait()
    assert [r.status for r in report.results.values()] == ["ok", "broken", "skipped"]
    cache = LinkCache(tmp_path / "c.json", fingerprint=cfg.fingerprint())
    cache.load()
    assert background.network_urls(urls, cfg, cache) == 0
