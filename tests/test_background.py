"""The link check beside the lint pass (playbook_lint.links.background, api.check_links
-> api._lint_beside_links): the engine in a forked child, the same findings, exit
code and messages as checking first, one request per URL, one parse per page.

Every request goes to a server on 127.0.0.1 started here."""

from __future__ import annotations

import json
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
    (tmp_path / ".playbook-lint.toml").write_text(
        "[links]\ntimeout = 5\nretries = 0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[background.BackgroundCheck | None]:
    """Every BackgroundCheck the runs start, forked then or begun on the standby child
    forked at the run's start (None: could not fork)."""
    seen: list[background.BackgroundCheck | None] = []
    real = background.BackgroundCheck.start_stream
    real_begin = background.Standby.begin

    def start(*args: Any, **kwargs: Any) -> background.BackgroundCheck | None:
        check = real(*args, **kwargs)
        seen.append(check)
        return check

    def begin(self: background.Standby, config: Any) -> background.BackgroundCheck | None:
        check = real_begin(self, config)
        seen.append(check)
        return check

    monkeypatch.setattr(background.BackgroundCheck, "start_stream", start)
    monkeypatch.setattr(background.Standby, "begin", begin)
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


def test_a_tree_read_in_the_pool_feeds_the_check_as_its_pages_come_back(
        site: Path, server: LoopbackServer, started: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import playbook_lint.parallel as parallel

    monkeypatch.setattr(background, "MIN_URLS", 1)
    monkeypatch.setattr(parallel, "THRESHOLD", 2)  # 3 pages: read and linted in pools
    monkeypatch.setattr(parallel, "READ_CHUNK", 1)  # a page a task: fed page by page
    reads: list[list[str]] = []
    real_read = parallel.read_parallel

    def read_parallel(files: Any, read: Any, **kwargs: Any) -> Any:
        reads.append([f.name for f in files])
        return real_read(files, read, **kwargs)

    monkeypatch.setattr(parallel, "read_parallel", read_parallel)
    pooled = _run(no_cache=True, jobs=2)
    assert reads == [[f"page-{page}.md" for page in range(PAGES)]]
    assert len(started) == 1 and started[0] is not None and started[0].outcome == "ok"
    for page in range(PAGES):  # the child asked each URL once
        assert server.count("HEAD", f"/gone/{page}") == 1
        assert server.count("HEAD", f"/moved/{page}") == 1
    first = _run(no_cache=True, jobs=1)
    assert len(reads) == 1  # one job: read here
    assert _shape(pooled) == _shape(first)
    assert pooled.exit_code == first.exit_code == 1
    assert _log(pooled) == _log(first) == [
        "links: 12 (12 unique URLs): 9 ok (3 via permanent redirect), 3 broken, "
        "0 unverified, 0 skipped; 0 from cache"]
    assert sorted(pooled.link_results) == sorted(first.link_results)


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


def _stream(batches: list[list[str]]) -> Any:
    async def gen() -> Any:
        for batch in batches:
            yield batch
    return gen()


@pytest.mark.parametrize("fragments", [False, True])
def test_a_stream_of_batches_gives_the_report_of_the_joined_list(
        server: LoopbackServer, fragments: bool) -> None:
    import asyncio

    from playbook_lint.links.engine import check_url_stream, check_urls_sync

    cfg = EngineConfig(allow_private=True, use_cache=False, retries=0,
                       check_fragments=fragments)
    pages = [[server.url("/ok/0"), server.url("/gone/0")],
             [server.url("/ok/0#part"), server.url("/moved/1"), "mailto:a@example.org"],
             [], [server.url("/gone/0"), server.url("/also/2")]]
    seen: list[tuple[int, int]] = []
    streamed = asyncio.run(check_url_stream(
        _stream(pages), cfg, on_result=lambda r, done, total: seen.append((done, total))))
    joined = check_urls_sync([u for page in pages for u in page], cfg)
    assert list(streamed.results) == list(joined.results) == [
        server.url("/ok/0"), server.url("/gone/0"), server.url("/moved/1"),
        "mailto:a@example.org", server.url("/also/2")]
    assert [(r.status, r.final_url, r.fragments) for r in streamed.results.values()] == [
        (r.status, r.final_url, r.fragments) for r in joined.results.values()]
    assert streamed.stats.urls == joined.stats.urls == 5
    assert streamed.stats.requests == joined.stats.requests
    assert seen[-1] == (5, 5) and len(seen) == 5


def test_the_feed_starts_the_check_before_the_last_page(
        server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, started: list[Any]) -> None:
    """Two URLs needing the network start the child; it asks the first page's URLs
    while the feed is still open, and the report covers every page's URLs in order."""
    import time

    monkeypatch.setattr(background, "MIN_URLS", 2)
    cfg = EngineConfig(allow_private=True, use_cache=False, retries=0)
    feed = background.BesideFeed(cfg, None, progress=False)
    feed.add([server.url("/ok/0")])
    assert started == []  # one URL: not worth a process yet
    feed.add([server.url("/gone/0"), server.url("/ok/0")])
    assert len(started) == 1 and started[0] is not None
    for _ in range(200):  # up to 10 s for the child to ask, with the feed still open
        if server.count("HEAD", "/gone/0") == 1:
            break
        time.sleep(0.05)
    assert server.count("HEAD", "/gone/0") == 1
    feed.add([server.url("/moved/1")])
    urls = [server.url("/ok/0"), server.url("/gone/0"), server.url("/moved/1")]
    check = feed.finish(urls)
    assert check is started[0]
    report = check.wait()
    assert check.outcome == "ok"
    assert list(report.results) == urls
    assert [r.status for r in report.results.values()] == ["ok", "broken", "ok"]
    assert server.count("HEAD", "/ok/0") == 1


def test_the_feed_leaves_few_network_urls_to_this_process(
        server: LoopbackServer, tmp_path: Path, started: list[Any]) -> None:
    """Fewer than MIN_URLS URLs needing the network: no child, the check runs here."""
    cfg = EngineConfig(allow_private=True, cache_path=tmp_path / "c.json", retries=0)
    feed = background.BesideFeed(cfg, None, progress=False)
    feed.add([server.url(f"/x/{i}") for i in range(background.MIN_URLS - 1)])
    assert feed.finish([server.url(f"/x/{i}") for i in range(background.MIN_URLS - 1)]) is None
    assert started == []


def test_the_streamed_check_with_a_progress_bar(server: LoopbackServer,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from playbook_lint.links.stage import run_engine_stream

    cfg = EngineConfig(allow_private=True, use_cache=False, retries=0)
    pages = [[server.url("/ok/0")], [server.url("/gone/0"), server.url("/ok/1")]]
    report = run_engine_stream(lambda: _stream(pages), cfg, progress=True)
    assert [r.status for r in report.results.values()] == ["ok", "broken", "ok"]
    out = capsys.readouterr()
    assert "Checking links" in out.err and out.out == ""  # stdout may hold the report


def test_a_run_that_fails_while_reading_pages_stops_the_child(
        site: Path, started: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from playbook_lint.links import stage

    monkeypatch.setattr(background, "MIN_URLS", 1)
    real = stage.collect_urls

    def fail_after_first(files: Any, on_document: Any = None, on_urls: Any = None) -> Any:
        files = list(files)
        real(files[:1], on_document, on_urls)  # the first page starts the child
        raise KeyboardInterrupt

    monkeypatch.setattr(stage, "collect_urls", fail_after_first)
    with pytest.raises(KeyboardInterrupt):
        _run(no_cache=True)
    assert len(started) == 1 and started[0].outcome == "cancelled"
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0].pid, os.WNOHANG)  # reaped: no child left behind


# -- the standby child, forked at the start of a cold online run ---------------------------

@pytest.fixture
def standbys(monkeypatch: pytest.MonkeyPatch) -> list[background.Standby | None]:
    """Every standby child the runs fork (None: could not fork)."""
    seen: list[background.Standby | None] = []
    real = background.Standby.fork

    def fork(**kwargs: Any) -> background.Standby | None:
        standby = real(**kwargs)
        seen.append(standby)
        return standby

    monkeypatch.setattr(background.Standby, "fork", fork)
    return seen


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_cold_online_run_checks_on_the_standby_child(
        site: Path, server: LoopbackServer, started: list[Any], standbys: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "MIN_URLS", 1)
    beside = _run(no_cache=True)
    assert len(standbys) == 1 and standbys[0] is not None
    # the check ran on it (no second fork), and it is gone
    assert [(c.pid, c.outcome) for c in started] == [(standbys[0].pid, "ok")]
    assert not standbys[0].waiting and _reaped(standbys[0].pid)
    for page in range(PAGES):
        assert server.count("HEAD", f"/gone/{page}") == 1
    first = _run(no_cache=True, jobs=1)
    assert len(standbys) == 1  # one job: no standby
    assert _shape(beside) == _shape(first)
    assert _log(beside) == _log(first)


def test_a_standby_nothing_needs_is_dismissed(
        site: Path, server: LoopbackServer, started: list[Any], standbys: list[Any]) -> None:
    """12 URLs (under MIN_URLS) are checked in this process; the standby is ended."""
    result = _run(no_cache=True)
    assert started == []
    assert len(standbys) == 1 and standbys[0] is not None
    assert not standbys[0].waiting and _reaped(standbys[0].pid)
    assert server.count("HEAD", "/gone/0") == 1
    assert _log(result) == [
        "links: 12 (12 unique URLs): 9 ok (3 via permanent redirect), 3 broken, "
        "0 unverified, 0 skipped; 0 from cache"]


def test_offline_runs_and_re_runs_fork_no_standby(
        site: Path, server: LoopbackServer, standbys: list[Any]) -> None:
    _run(offline=True, no_cache=True)
    _run(jobs=1, no_cache=True)
    assert standbys == []
    _run()  # cold for the result cache: a standby
    assert len(standbys) == 1
    again = _run()  # the result cache knows this config: no standby
    assert len(standbys) == 1
    assert again.exit_code == 1


def test_a_run_over_a_few_named_files_forks_no_standby(
        site: Path, server: LoopbackServer, standbys: list[Any]) -> None:
    from playbook_lint import api

    pages = [Path(f"page-{page}.md") for page in range(PAGES)]
    assert len(pages) < api.STANDBY_MIN_FILES
    result = run(pages, RunOptions(today=TODAY, allow_private=True, no_cache=True))
    assert standbys == []
    assert result.exit_code == 1 and server.count("HEAD", "/gone/2") == 1


def test_a_run_that_fails_before_the_link_stage_ends_its_standby(
        site: Path, standbys: list[Any]) -> None:
    from playbook_lint.errors import UsageError

    with pytest.raises(UsageError):
        _run(no_cache=True, select=["no-such-rule"])
    assert len(standbys) == 1 and standbys[0] is not None
    assert not standbys[0].waiting and _reaped(standbys[0].pid)


def test_the_standby_child_checks_what_it_is_given(server: LoopbackServer) -> None:
    from playbook_lint.links.engine import check_urls_sync

    standby = background.Standby.fork(progress=False)
    assert standby is not None and standby.waiting
    cfg = EngineConfig(allow_private=True, use_cache=False, retries=0)
    check = standby.begin(cfg)
    assert check is not None and check.pid == standby.pid and not standby.waiting
    urls = [server.url("/ok/0"), server.url("/gone/0"), server.url("/moved/1")]
    check.feed(urls[:2])
    check.feed(urls[2:])
    report = check.wait()
    assert check.outcome == "ok"
    assert [(r.status, r.final_url) for r in report.results.values()] == [
        (r.status, r.final_url) for r in check_urls_sync(urls, cfg).results.values()]
    standby.dismiss()  # after begin: nothing to do
    assert _reaped(check.pid)


def test_a_config_that_does_not_pickle_dismisses_the_standby() -> None:
    standby = background.Standby.fork(progress=False)
    assert standby is not None
    assert standby.begin(lambda: None) is None
    assert not standby.waiting and _reaped(standby.pid)


def test_the_report_comes_before_the_link_cache_is_written(
        site: Path, server: LoopbackServer, started: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The child sends its report, then writes the link cache while this process runs
    the link rules: the cache is on disk when run() returns, and a save that fails is
    still a warning, said before the summary, as when checking first."""
    monkeypatch.setattr(background, "MIN_URLS", 1)
    cache = site / "cache" / "links.json"
    (site / "playbook-lint.toml").write_text(
        f"[links]\ntimeout = 5\nretries = 0\ncache = \"{cache}\"\n", encoding="utf-8")
    config = site / "playbook-lint.toml"  # named: it is not the name found upward
    beside = _run(config_path=config)
    assert len(started) == 1 and started[0].outcome == "ok"
    assert len(json.loads(cache.read_text(encoding="utf-8"))["entries"]) == PAGES * PER_PAGE
    assert beside.exit_code == 1 and len(_shape(beside)) > 0

    (site / "blocker").write_text("a file, not a folder", encoding="utf-8")
    bad = site / "blocker" / "links.json"
    (site / "playbook-lint.toml").write_text(
        f"[links]\ntimeout = 5\nretries = 0\ncache = \"{bad}\"\n", encoding="utf-8")
    beside = _run(config_path=config)
    first = _run(config_path=config, jobs=1)
    assert len(started) == 2 and started[1].outcome == "ok"
    for result in (beside, first):
        log = _log(result)
        assert len(log) == 3
        assert log[0].startswith(f"link cache {bad} could not be read (")
        assert log[1].startswith(f"link cache {bad} could not be written (")
        assert log[2] == (
            "links: 12 (12 unique URLs): 9 ok (3 via permanent redirect), 3 broken, "
            "0 unverified, 0 skipped; 0 from cache")
    assert _shape(beside) == _shape(first)
    assert _log(beside) == _log(first)


def test_the_child_digests_each_result_for_the_result_cache(server: LoopbackServer,
                                                           tmp_path: Path) -> None:
    """With the link cache on (the result cache's runs), the child computes each
    result's ``rules_digest`` and it comes back in the pickle; without, it does not."""
    from playbook_lint.links.result import rules_digest_of

    urls = [server.url("/ok/0"), server.url("/gone/0"), server.url("/moved/1")]
    for use_cache in (True, False):
        cfg = EngineConfig(allow_private=True, use_cache=use_cache, retries=0,
                           cache_path=tmp_path / f"links-{use_cache}.json")
        check = background.BackgroundCheck.start(urls, cfg, progress=False)
        assert check is not None
        report = check.wait()
        assert check.outcome == "ok"
        results = list(report.results.values())
        assert [r.http_status for r in results] == [200, 404, 200]
        assert ["rules_digest" in vars(r) for r in results] == [use_cache] * 3
        assert [r.rules_digest for r in results] == [rules_digest_of(r) for r in results]


@pytest.mark.parametrize("use_cache", [True, False])
def test_before_save_gets_the_whole_report_before_the_cache_and_the_connections_close(
        server: LoopbackServer, tmp_path: Path, use_cache: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``before_save`` is called once, with every result in first-seen order, while the
    link cache is not yet written and the kept-alive connections are still open; with
    no cache to write it is called too (the child sends its report then)."""
    import asyncio

    from playbook_lint.links import netguard
    from playbook_lint.links.engine import check_url_stream

    closed: list[int] = []
    real_aclose = netguard.PerOriginTransport.aclose

    async def aclose(self: Any) -> None:
        closed.append(len(self._pools))
        await real_aclose(self)

    monkeypatch.setattr(netguard.PerOriginTransport, "aclose", aclose)
    path = tmp_path / "links.json"
    cfg = EngineConfig(allow_private=True, use_cache=use_cache, retries=0, cache_path=path)
    urls = [server.url("/gone/0"), server.url("/ok/0"), server.url("/moved/1")]
    calls: list[tuple[list[str], list[int | None], bool, list[int]]] = []

    def before_save(report: Any) -> None:
        calls.append((list(report.results), [r.http_status for r in report.results.values()],
                      path.exists(), list(closed)))

    report = asyncio.run(check_url_stream(_stream([urls[:1], urls[1:]]), cfg,
                                          before_save=before_save))
    assert calls == [(urls, [404, 200, 200], False, [])]
    assert closed == [1]  # one origin's pool, closed after before_save
    assert path.exists() is use_cache
    assert [r.status for r in report.results.values()] == ["broken", "ok", "ok"]



class _SeesTheCollector:
    """Unpickled: remembers whether the garbage collector was on meanwhile."""

    seen: list[bool] = []

    def __setstate__(self, state: Any) -> None:
        import gc

        _SeesTheCollector.seen.append(gc.isenabled())


def test_the_report_is_unpickled_with_the_collector_off() -> None:
    import gc
    import pickle

    sees = _SeesTheCollector()
    sees.state = 1  # type: ignore[attr-defined]  # a state: unpickling calls __setstate__
    body = pickle.dumps([sees, {"a": (1, 2)}])
    _SeesTheCollector.seen = []
    was = gc.isenabled()
    try:
        gc.enable()
        back = background._unpickled(body)
        assert _SeesTheCollector.seen == [False] and gc.isenabled()
        assert back[1] == {"a": (1, 2)}
        gc.disable()  # a caller that had it off keeps it off
        background._unpickled(body)
        assert _SeesTheCollector.seen == [False, False] and not gc.isenabled()
        with pytest.raises(pickle.UnpicklingError):
            background._unpickled(b"not a pickle")
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_the_standby_fork_leaves_this_process_s_objects_frozen(server: LoopbackServer) -> None:
    """Forked at the run's start, the standby leaves what exists then (the imports, the
    config) frozen here, out of the lint pass's full collections; a later fork (the
    check started without a standby) unfreezes everything again."""
    import gc

    gc.unfreeze()
    try:
        standby = background.Standby.fork(progress=False)
        assert standby is not None
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # the modules imported by now, at the least
        standby.dismiss()
        assert _reaped(standby.pid) and gc.get_freeze_count() == frozen
        cfg = EngineConfig(allow_private=True, use_cache=False, retries=0)
        check = background.BackgroundCheck.start([server.url("/ok/0")], cfg, progress=False)
        assert check is not None and gc.get_freeze_count() == 0
        report = check.wait()
        assert check.outcome == "ok"
        assert [r.http_status for r in report.results.values()] == [200]
    finally:
        gc.unfreeze()


def test_the_link_pass_s_first_imports_happen_while_the_engine_runs(
        site: Path, started: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(background, "MIN_URLS", 1)
    monkeypatch.delitem(sys.modules, "playbook_lint.links.templates", raising=False)
    loaded_at_wait: list[bool] = []
    real_wait = background.BackgroundCheck.wait

    def wait(self: background.BackgroundCheck, *args: Any, **kwargs: Any) -> Any:
        loaded_at_wait.append("playbook_lint.links.templates" in sys.modules)
        return real_wait(self, *args, **kwargs)

    monkeypatch.setattr(background.BackgroundCheck, "wait", wait)
    result = _run(no_cache=True)
    assert len(started) == 1 and started[0].outcome == "ok"
    assert loaded_at_wait == [True]  # imported before the parent waits for the report
    assert [s[3] for s in _shape(result)].count("broken-link") == PAGES
