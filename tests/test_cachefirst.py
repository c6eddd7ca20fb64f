"""The link cache asked first (playbook_lint.links.cachefirst): when it answers every
URL the report is the engine's own and no engine, httpx or asyncio is imported; when
one URL needs a request, the engine runs.

Every request goes to a server on 127.0.0.1 started here."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runner import run_showing_modules
from http_server import LoopbackServer, status_route
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook_lint.links.cache import LinkCache
from playbook_lint.links.cachefirst import cached_run, is_normalized
from playbook_lint.links.engine import check_urls_sync
from playbook_lint.links.engineconfig import EngineConfig
from playbook_lint.links.normalize import normalize_url
from playbook_lint.links.result import LinkResult

PAGE = b'<html><body><h2 id="usage">Usage</h2></body></html>'


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer({
        "/ok": status_route(200, {"Content-Type": "text/html"}, PAGE),
        "/gone": status_route(404),
        "/moved": status_route(301, {"Location": "/ok"}),
    }) as srv:
        yield srv


def _urls(server: LoopbackServer) -> list[str]:
    return [server.url("/ok#usage"), server.url("/gone"), server.url("/moved"),
            server.url("/ok"), "mailto:someone@example.gov", "tel:+15555550100",
            "ftp://files.example.gov/a", server.url("/skip/1"), "http:///no-host",
            server.url("/gone").upper().replace("HTTP://", "http://")]


def _config(tmp_path: Path, **kw: object) -> EngineConfig:
    settings: dict[str, object] = {"check_fragments": True, **kw}
    return EngineConfig(allow_private=True, exclude=["/skip/"], retries=0, timeout=5,
                        cache_path=tmp_path / "links.json", **settings)  # type: ignore[arg-type]


def _no_clock(result: LinkResult) -> LinkResult:
    return dataclasses.replace(result, checked_at=0.0)


def test_a_cache_that_answers_every_url_gives_the_engines_report(
        tmp_path: Path, server: LoopbackServer) -> None:
    cfg = _config(tmp_path)
    urls = _urls(server)
    check_urls_sync(urls, cfg)  # fills the cache
    requests = server.count()
    engine = check_urls_sync(urls, cfg)
    assert server.count() == requests  # the engine too answered from the cache
    seen: list[tuple[str, int, int]] = []
    first = cached_run(urls, cfg, on_result=lambda r, done, total: seen.append(
        (r.url, done, total)))
    assert first is not None
    assert list(first.results) == list(engine.results)
    statuses = [(r.status, r.from_cache) for r in first.results.values()]
    assert statuses == [("ok", True), ("broken", True), ("ok", True), ("skipped", False),
                        ("skipped", False), ("skipped", False), ("skipped", False),
                        ("broken", False), ("broken", True)]
    assert first.results[server.url("/ok")].fragments == frozenset({"usage"})
    # cached results are the engine's to the field; the others differ in their clock only
    assert {k: r for k, r in first.results.items() if r.from_cache} == \
        {k: r for k, r in engine.results.items() if r.from_cache}
    assert [_no_clock(r) for r in first.results.values()] == \
        [_no_clock(r) for r in engine.results.values()]
    assert (first.stats.urls, first.stats.cache_hits, first.stats.requests) == \
        (engine.stats.urls, engine.stats.cache_hits, engine.stats.requests) == (9, 4, 0)
    assert (first.warnings, first.network_error) == (engine.warnings, engine.network_error) \
        == ([], None)
    assert seen == [(url, n, 9) for n, url in enumerate(first.results, 1)]
    assert server.count() == requests


def test_one_url_the_cache_cannot_answer_means_the_engine(
        tmp_path: Path, server: LoopbackServer) -> None:
    cfg = _config(tmp_path)
    urls = _urls(server)
    check_urls_sync(urls, cfg)
    assert cached_run([*urls, server.url("/new")], cfg) is None
    # an ok result without fragment ids does not answer a link with a #fragment
    plain = _config(tmp_path / "plain", check_fragments=False)
    check_urls_sync([server.url("/ok")], plain)
    assert cached_run([server.url("/ok")], plain) is not None
    assert cached_run([server.url("/ok#usage")], dataclasses.replace(
        plain, check_fragments=True)) is None
    # other accepted status codes: the entries are another fingerprint's
    assert cached_run(urls, _config(tmp_path, accept=["200..399"])) is None
    # no cache: nothing to answer with but what is never requested
    assert cached_run(urls, _config(tmp_path, use_cache=False)) is None
    skipped = cached_run(["mailto:a@example.gov"], _config(tmp_path, use_cache=False))
    assert skipped is not None
    assert [r.reason for r in skipped.results.values()] == ["mailto: link (not checked)"]


def test_freshness_follows_the_caches_max_ages(tmp_path: Path) -> None:
    cfg = _config(tmp_path, cache_max_age_ok=600, cache_max_age_fail=60)
    now = time.time()
    cache = LinkCache(tmp_path / "links.json", fingerprint=cfg.fingerprint())
    cache.put(LinkResult("https://a.example.gov/", "ok", 200, "HTTP 200 OK",
                         "https://a.example.gov/", checked_at=now - 300))
    cache.put(LinkResult("https://b.example.gov/", "broken", 404, "HTTP 404 Not Found",
                         "https://b.example.gov/", checked_at=now - 300))
    assert cache.save() == []
    ok = cached_run(["https://a.example.gov"], cfg)
    assert ok is not None
    assert ok.results["https://a.example.gov/"].reason == "HTTP 200 OK"
    assert cached_run(["https://b.example.gov/"], cfg) is None  # older than an hour's fail age


def test_a_corrupt_cache_is_left_to_the_engine_to_report(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    (tmp_path / "links.json").write_text("{not json", encoding="utf-8")
    assert cached_run(["https://a.example.gov/"], cfg) is None


MODULES = ("httpx", "asyncio", "playbook_lint.links.engine", "jsonschema")


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return run_showing_modules(args, MODULES, cwd=cwd, env=env)


def test_a_warm_run_imports_no_engine_and_reports_the_cold_findings(
        tmp_path: Path, server: LoopbackServer) -> None:
    (tmp_path / ".playbook-lint.toml").write_text(
        f'[links]\ntimeout = 5\nretries = 0\ncache = "{tmp_path / "links.json"}"\n',
        encoding="utf-8")
    (tmp_path / "a.md").write_text(
        f"# A\n\nSee [ok]({server.url('/ok')}) and [gone]({server.url('/gone')}).\n",
        encoding="utf-8")
    (tmp_path / "b.md").write_text(f"# B\n\nMoved: [page]({server.url('/moved')}).\n",
                                   encoding="utf-8")
    args = ("--allow-private", "--format", "json", "--quiet", ".")
    cold = _cli(tmp_path, *args)
    assert cold.returncode == 1, cold.stderr
    assert "MODULES ['asyncio', 'httpx', 'jsonschema', 'playbook_lint.links.engine']" \
        in cold.stderr
    requests = server.count()
    warm = _cli(tmp_path, *args)
    assert server.count() == requests
    assert "MODULES []" in warm.stderr
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    found = [(f["path"], f["line"], f["column"], f["rule"])
             for f in json.loads(warm.stdout)["findings"]]
    assert found == [("a.md", 3, 10, "link-hygiene"), ("a.md", 3, 48, "broken-link"),
                     ("a.md", 3, 48, "link-hygiene"), ("b.md", 3, 15, "link-hygiene"),
                     ("b.md", 3, 15, "redirected-link")]
    # --no-cache: neither cache is read, the links are checked again
    again = _cli(tmp_path, "--no-cache", *args)
    assert server.count() > requests and "'playbook_lint.links.engine'" in again.stderr
    assert (again.returncode, again.stdout) == (cold.returncode, cold.stdout)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.example.gov/a/b?x=1&y=2", True),
    ("http://127.0.0.1:8080/x", True),
    ("https://example.gov/", True),
    ("https://example.gov", False),  # normalize_url adds the "/"
    ("https://Example.gov/", False),
    ("HTTPS://example.gov/", False),
    ("http://example.gov:80/", False),
    ("https://example.gov:443/", False),
    ("http://example.gov:443/", True),
    ("https://example.gov/#top", False),
    ("https://example.gov/a?", False),  # normalize_url drops an empty query
    ("https://user@example.gov/", False),
    ("https://example.gov/a b", False),
    ("https://example.gov/caf\u00e9", False),
])
def test_is_normalized_examples(url: str, expected: bool) -> None:
    assert is_normalized(url) is expected
    if expected:
        assert normalize_url(url) == url


ALPHABET = "abcHTTPS:/?#@.-_%~[]\\ \t0123456789\u00e9\x00\x7f"


@given(st.text(alphabet=ALPHABET, max_size=30), st.sampled_from(
    ["http://", "https://", "HTTP://", "http:/", ""]))
@settings(max_examples=1000, deadline=None)
def test_is_normalized_only_says_so_of_its_own_normal_form(tail: str, head: str) -> None:
    url = head + tail
    if is_normalized(url):
        assert normalize_url(url) == url


def test_a_cache_read_already_is_used_as_it_is(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    cache = LinkCache(tmp_path / "other.json", fingerprint=cfg.fingerprint())
    cache.put(LinkResult("https://a.example.gov/", "ok", 200, "HTTP 200 OK",
                         "https://a.example.gov/", checked_at=time.time()))
    got = cached_run(["https://a.example.gov/"], cfg, cache=cache)
    assert got is not None and got.stats.cache_hits == 1
    assert cached_run(["https://a.example.gov/"], cfg) is None  # links.json: empty


_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u00e9\t"


@given(st.sampled_from(["http", "https", "HTTP", "Https"]),
       st.text(alphabet="abcXYZ019.-_@:[]", min_size=0, max_size=12),
       st.one_of(st.none(), st.sampled_from(["80", "443", "8080", "080", "0", "65536", ""])),
       st.text(alphabet=_PRINTABLE, max_size=20),
       st.one_of(st.none(), st.text(alphabet=_PRINTABLE, max_size=8)))
@settings(max_examples=1000, deadline=None)
def test_is_normalized_on_urls_near_their_normal_form(
        scheme: str, host: str, port: str | None, path: str, query: str | None) -> None:
    url = f"{scheme}://{host}{'' if port is None else ':' + port}/{path}" + (
        "" if query is None else "?" + query)
    if is_normalized(url):
        assert normalize_url(url) == url
