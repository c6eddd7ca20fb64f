"""The link engine against real HTTP servers on 127.0.0.1 (started and stopped here).

Every test is bounded: short timeouts, few URLs, no retries unless the test is about
them. Nothing but 127.0.0.1 is contacted: names are resolved by a fake resolver.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from http_server import (
    LoopbackServer,
    by_method,
    drip_route,
    endless_body_route,
    reset_route,
    respond,
    silent_route,
    status_route,
)

from playbook_lint.links.engine import PROBE_BODY_BYTES, EngineConfig, check_urls_sync


async def loopback(host: str) -> list[str]:
    """Every name is this machine (tests only; never the real DNS)."""
    return ["127.0.0.1"]


def config(**options: object) -> EngineConfig:
    base: dict[str, object] = {"allow_private": True, "use_cache": False, "timeout": 2.0,
                               "retries": 0, "backoff_base": 0.01}
    base.update(options)
    return EngineConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    page = (b"<!doctype html><title>t</title><h2 id='how-to-apply'>How</h2>"
            b"<a name='old-anchor'></a>")
    retry_state = {"n": 0}

    def retry_once(h):  # type: ignore[no-untyped-def]
        retry_state["n"] += 1
        if retry_state["n"] == 1:
            respond(h, 429, {"Retry-After": "1"})
        else:
            respond(h, 200)

    routes = {
        "/ok": status_route(200, {"Content-Type": "text/plain"}, b"fine"),
        "/head-405": by_method(HEAD=status_route(405), GET=status_route(200, body=b"x")),
        "/rate-limited": retry_once,
        "/moved": status_route(301, {"Location": "/ok"}),
        "/loop-a": status_route(302, {"Location": "/loop-b"}),
        "/loop-b": status_route(302, {"Location": "/loop-a"}),
        "/no-location": status_route(308),
        "/bad-gzip": by_method(
            HEAD=status_route(405),
            GET=status_route(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                             b"this is certainly not gzip data" * 10)),
        "/silent": silent_route(3.0),
        "/reset": reset_route,
        "/huge": by_method(HEAD=status_route(405), GET=endless_body_route()),
        "/page": status_route(200, {"Content-Type": "text/html; charset=utf-8"}, page),
        "/gone": status_route(410),
    }
    with LoopbackServer(routes) as srv:
        yield srv


def only(report):  # type: ignore[no-untyped-def]
    assert len(report.results) == 1
    return next(iter(report.results.values()))


def test_head_405_then_get_200_is_ok(server: LoopbackServer) -> None:
    result = only(check_urls_sync([server.url("/head-405")], config()))
    assert (result.status, result.http_status, result.reason) == ("ok", 200, "HTTP 200 OK")
    assert [(m, p) for m, p, _ in server.requests] == [("HEAD", "/head-405"), ("GET", "/head-405")]


def test_429_with_retry_after_then_200_is_ok(server: LoopbackServer) -> None:
    started = time.monotonic()
    report = check_urls_sync([server.url("/rate-limited")], config(retries=2))
    elapsed = time.monotonic() - started
    assert only(report).status == "ok"
    assert server.count("HEAD", "/rate-limited") == 2
    assert 0.9 <= elapsed < 5


def test_301_gives_the_target(server: LoopbackServer) -> None:
    result = only(check_urls_sync([server.url("/moved")], config()))
    assert result.status == "ok"
    assert result.redirects == ((301, server.url("/ok")),)
    assert result.final_url == server.url("/ok")
    assert result.permanent_redirect is True


def test_302_loop_is_broken(server: LoopbackServer) -> None:
    result = only(check_urls_sync([server.url("/loop-a")], config()))
    a, b = server.url("/loop-a"), server.url("/loop-b")
    assert (result.status, result.reason) == (
        "broken", f"redirect loop: {a} → {b} → {a} → {b} → {a}")
    assert server.count() == 4


def test_308_without_location(server: LoopbackServer) -> None:
    result = only(check_urls_sync([server.url("/no-location")], config()))
    assert (result.status, result.reason) == (
        "broken", "HTTP 308 Permanent Redirect without a Location header")


def test_garbage_gzip_body_does_not_crash(server: LoopbackServer) -> None:
    plain = only(check_urls_sync([server.url("/bad-gzip")], config()))
    assert (plain.status, plain.reason) == ("ok", "HTTP 200 OK")
    frag = only(check_urls_sync([server.url("/bad-gzip#x")], config(check_fragments=True)))
    assert frag.status == "ok"
    assert frag.fragments is None
    assert frag.reason.startswith("HTTP 200 OK; the body could not be decoded (")


def test_server_that_never_answers_times_out(server: LoopbackServer) -> None:
    started = time.monotonic()
    result = only(check_urls_sync([server.url("/silent")], config(timeout=0.3)))
    assert (result.status, result.reason) == ("unverified", "timed out after 0.3 s")
    assert time.monotonic() - started < 2.5


def _client_left(route: object) -> bool:
    """Wait (at most 3 s) for the drip route to notice that the client hung up."""
    state = route.drip_state  # type: ignore[attr-defined]
    end = time.monotonic() + 3
    while not state["client_left"] and time.monotonic() < end:
        time.sleep(0.02)
    return bool(state["client_left"])


def test_headers_dripping_a_byte_at_a_time_hit_the_total_deadline() -> None:
    """Issue 14 item 5: each byte came within the read timeout, so the request never
    ended (--timeout 5 still running after 500 s). Now one deadline covers the request."""
    drip = drip_route("headers", interval=0.05, total=20.0)
    with LoopbackServer({"/drip": drip}) as srv:
        started = time.monotonic()
        result = only(check_urls_sync([srv.url("/drip")], config(timeout=0.5)))
        elapsed = time.monotonic() - started
        assert (result.status, result.http_status, result.reason) == (
            "unverified", None, "timed out after 0.5 s")
        assert [m for m, _p, _h in srv.requests] == ["HEAD", "GET"]
        assert _client_left(drip)
    assert elapsed < 10  # a hang guard (the drip would go on for 20 s), not a speed goal


def test_body_dripping_keeps_the_status_but_not_the_fragments() -> None:
    """A page whose body drips: the answer (200) stands; its ids are not known."""
    drip = drip_route("body", interval=0.05, total=20.0)
    with LoopbackServer({"/drip": drip}) as srv:
        result = only(check_urls_sync([srv.url("/drip#part")],
                                      config(timeout=0.5, check_fragments=True)))
        assert (result.status, result.http_status, result.reason, result.fragments) == (
            "ok", 200, "HTTP 200 OK; the body was not read within 0.5 s", None)
        assert _client_left(drip)


def test_max_time_reports_unfinished_links_as_not_checked(tmp_path: Path) -> None:
    """Issue 14 item 5: a run deadline; what is unfinished is not checked, not cached."""
    routes = {"/ok": status_route(200), "/silent": silent_route(5.0)}
    with LoopbackServer(routes) as srv:
        urls = [srv.url("/ok"), srv.url("/silent"), srv.url("/silent?2")]
        cache = tmp_path / "links.json"
        started = time.monotonic()
        report = check_urls_sync(urls, config(timeout=30.0, max_time=0.7, use_cache=True,
                                              cache_path=cache))
        elapsed = time.monotonic() - started
    reason = ("not checked: the link check's time limit (--max-time 0.7 s) ran out before "
              "this link was checked")
    assert {u: (r.status, r.reason) for u, r in report.results.items()} == {
        srv.url("/ok"): ("ok", "HTTP 200 OK"),
        srv.url("/silent"): ("unverified", reason),
        srv.url("/silent?2"): ("unverified", reason),
    }
    assert report.warnings == [
        "link check stopped at its time limit (--max-time 0.7 s): 2 external links of 3 "
        "not checked"]
    assert list(json.loads(cache.read_text())["entries"]) == [srv.url("/ok")]
    assert elapsed < 4.5  # a hang guard: the silent route holds each request for 5 s


def test_connection_reset_is_unverified(server: LoopbackServer) -> None:
    result = only(check_urls_sync([server.url("/reset")], config(retries=1)))
    assert result.status == "unverified"
    assert result.reason in (
        "connection reset by the server (after 1 retry)",
        "the server closed the connection without answering (after 1 retry)",
    )
    assert server.count("GET", "/reset") == 2


def test_huge_body_is_not_downloaded(server: LoopbackServer) -> None:
    started = time.monotonic()
    report = check_urls_sync([server.url("/huge")], config())
    assert only(report).status == "ok"
    # the client stopped after its probe budget (plus at most one network chunk)...
    assert report.stats.bytes_read <= PROBE_BODY_BYTES + 128 * 1024
    # ...so the server, which would send 2 GB, got rid of little more than socket buffers
    assert server.bytes_sent < 64 * 1024**2
    assert time.monotonic() - started < 5


def test_fragment_body_read_is_capped(server: LoopbackServer) -> None:
    report = check_urls_sync([server.url("/huge#x")], config(check_fragments=True,
                                                             max_body_bytes=20_000))
    assert report.stats.bytes_read <= 20_000 + 128 * 1024
    assert server.bytes_sent < 64 * 1024**2


def test_fragments_of_a_real_page(server: LoopbackServer) -> None:
    result = only(check_urls_sync([server.url("/page#how-to-apply")],
                                  config(check_fragments=True)))
    assert result.fragments == frozenset({"how-to-apply", "old-anchor"})
    assert server.count("HEAD") == 0


def test_connection_refused_is_broken() -> None:
    with LoopbackServer() as srv:
        url = srv.url("/x")
    result = only(check_urls_sync([url], config(retries=1)))
    assert (result.status, result.reason) == ("broken", "connection refused (after 1 retry)")


# -- politeness ------------------------------------------------------------------------

def test_per_host_concurrency_is_never_exceeded() -> None:
    with LoopbackServer({f"/p{i}": status_route(200) for i in range(12)}, latency=0.1) as srv:
        urls = [srv.url(f"/p{i}") for i in range(12)]
        report = check_urls_sync(urls, config(per_host=3, concurrency=32))
    assert [r.status for r in report.results.values()] == ["ok"] * 12
    assert srv.max_in_flight == 3
    assert srv.count() == 12


def test_global_concurrency_across_hosts() -> None:
    with LoopbackServer({"/x": status_route(200)}, latency=0.1) as srv:
        urls = [f"http://host{i}.test:{srv.port}/x" for i in range(8)]
        report = check_urls_sync(urls, config(per_host=4, concurrency=2), resolver=loopback)
    assert {r.status for r in report.results.values()} == {"ok"}
    assert srv.max_in_flight == 2
    assert report.stats.per_host == {f"host{i}.test": 1 for i in range(8)}
    # the request went out under the name (Host header), connected to the resolved IP
    assert sorted(h["host"] for _m, _p, h in srv.requests) == sorted(
        f"host{i}.test:{srv.port}" for i in range(8))


# -- safety ------------------------------------------------------------------------------

def test_private_addresses_refused_without_allow_private(server: LoopbackServer) -> None:
    urls = [server.url("/ok"), f"http://public-looking.example:{server.port}/ok"]
    report = check_urls_sync(urls, config(allow_private=False), resolver=loopback)
    assert {u: (r.status, r.reason) for u, r in report.results.items()} == {
        server.url("/ok"): ("skipped", "not checked: 127.0.0.1 is a loopback address "
                                       "(use --allow-private to check it)"),
        f"http://public-looking.example:{server.port}/ok": (
            "skipped", "not checked: public-looking.example resolves to 127.0.0.1, a loopback "
                       "address (use --allow-private to check it)"),
    }
    assert server.count() == 0


def test_connections_are_pinned_to_checked_addresses(server: LoopbackServer) -> None:
    """Even if the per-hop check were bypassed, the transport itself refuses to connect."""
    import asyncio

    import httpx

    from playbook_lint.links.netguard import HostResolver, guarded_transport

    async def go() -> str:
        transport = guarded_transport(HostResolver(loopback))
        async with httpx.AsyncClient(transport=transport) as client:
            try:
                await client.get(server.url("/ok"))
            except httpx.ConnectError as exc:
                return str(exc)
        return "connected"

    assert asyncio.run(go()) == "refused to connect to 127.0.0.1: 127.0.0.1 is a loopback address"
    assert server.count() == 0


# -- cache ---------------------------------------------------------------------------------

def test_warm_run_makes_zero_requests(server: LoopbackServer, tmp_path: Path) -> None:
    urls = [server.url("/ok"), server.url("/gone"), server.url("/moved")]
    cfg = config(use_cache=True, cache_path=tmp_path / "links.json")
    cold = check_urls_sync(urls, cfg)
    after_cold = server.count()
    warm = check_urls_sync(urls, cfg)
    assert after_cold == 4  # HEAD /ok, HEAD /gone, HEAD /moved -> HEAD /ok
    assert server.count() == after_cold
    assert warm.stats.requests == 0
    assert warm.stats.cache_hits == 3
    assert {u: r.status for u, r in warm.results.items()} == {
        u: r.status for u, r in cold.results.items()}
    assert warm.results[server.url("/moved")].final_url == server.url("/ok")


def test_no_cache_bypasses_it(server: LoopbackServer, tmp_path: Path) -> None:
    cached = config(use_cache=True, cache_path=tmp_path / "links.json")
    check_urls_sync([server.url("/ok")], cached)
    check_urls_sync([server.url("/ok")], config(use_cache=False,
                                                cache_path=tmp_path / "links.json"))
    assert server.count() == 2


def test_corrupt_cache_is_discarded_not_fatal(server: LoopbackServer, tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    path.write_text('{"version": 1, "entries": {"http://127.0.0.1', encoding="utf-8")
    with pytest.warns(UserWarning, match="is corrupt"):
        report = check_urls_sync([server.url("/ok")], config(use_cache=True, cache_path=path))
    assert only(report).status == "ok"
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"link cache {path} is corrupt (")
    assert list(json.loads(path.read_text())["entries"]) == [server.url("/ok")]


# -- TLS with a certificate nobody trusts ---------------------------------------------------

@pytest.fixture
def untrusted_tls(tmp_path: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1 (via openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_untrusted_certificate_is_unverified_or_broken(untrusted_tls: ssl.SSLContext) -> None:
    routes = {"/ok": status_route(200), "/gone": status_route(404)}
    with LoopbackServer(routes, tls=untrusted_tls) as srv:
        report = check_urls_sync([srv.url("/ok"), srv.url("/gone")], config())
    ok, gone = report.results[srv.url("/ok")], report.results[srv.url("/gone")]
    tls = "TLS certificate verification failed (self-signed certificate)"
    assert (ok.status, ok.http_status, ok.reason) == (
        "unverified", 200, f"{tls}; without verification the server answered HTTP 200 OK")
    assert (gone.status, gone.http_status, gone.reason) == (
        "broken", 404,
        f"HTTP 404 Not Found (answered without certificate verification; {tls})")


def test_cli_max_time_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """--max-time through the CLI: an unfinished link is a not-checked warning, the run
    ends with one message on standard error and exit status 0 (nothing certain failed)."""
    from cli_runner import run

    with LoopbackServer({"/ok": status_route(200), "/silent": silent_route(5.0)}) as srv:
        page = tmp_path / "page.md"
        page.write_text(f"# Links\n\nSee [fine]({srv.url('/ok')}) and\n"
                        f"[slow]({srv.url('/silent')}).\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        code, out, err = run(["--allow-private", "--no-cache", "--max-time", "0.7",
                              "--select", "broken-link", "--format", "json", "page.md"],
                             capsys)
    findings = [(f["rule"], f["line"], f["column"], f["severity"], f["message"])
                for f in json.loads(out)["findings"]]
    assert findings == [(
        "broken-link", 4, 8, "warning",
        f"link to {srv.url('/silent')} could not be verified: not checked: the link "
        "check's time limit (--max-time "
        "0.7 s) ran out before this link was checked")]
    assert code == 0
    assert err.splitlines()[0] == ("playbook-lint: link check stopped at its time limit "
                                   "(--max-time 0.7 s): 1 external link of 2 not checked")


def test_connections_are_kept_alive_and_reused_per_host(server: LoopbackServer) -> None:
    """Issue 10: 2,000 URLs made 2,008 TCP connects. HEADs, a GET after a 404, a redirect
    and a small GET body all go back to the pool: 2 connections for per-host 2."""
    urls = [server.url(p) for p in ("/ok", "/gone", "/moved", "/head-405", "/page",
                                    "/ok?2", "/missing", "/ok?3")]
    report = check_urls_sync(urls, config(per_host=2))
    assert [r.status for r in report.results.values()] == [
        "ok", "broken", "ok", "ok", "ok", "ok", "broken", "ok"]
    assert report.stats.requests == server.count() == 11
    assert server.connections == 2


def test_nothing_is_imported_or_looked_up_per_request(server: LoopbackServer) -> None:
    """Issue 10: httpcore tried 'import sniffio' on every call (65,000 find_spec calls in
    a 2,000-URL run). After a first run has imported what it needs, a second run looks
    for no module at all."""
    import sys

    check_urls_sync([server.url("/ok"), server.url("/gone")], config())
    looked_for: list[str] = []

    class Recorder:
        @staticmethod
        def find_spec(name: str, path: object = None, target: object = None) -> None:
            looked_for.append(name)
            return None

    sys.meta_path.insert(0, Recorder)  # type: ignore[arg-type]
    try:
        report = check_urls_sync([server.url(f"/ok?{i}") for i in range(20)]
                                 + [server.url("/gone"), server.url("/moved")], config())
    finally:
        sys.meta_path.remove(Recorder)  # type: ignore[arg-type]
    assert [r.status for r in report.results.values()].count("ok") == 21
    assert looked_for == []


def test_a_connection_the_server_closes_is_not_reused() -> None:
    """'Connection: close' answers: each request gets a fresh connection, none fails."""
    routes = {"/close": status_route(200, {"Connection": "close"}, b"bye")}
    with LoopbackServer(routes) as srv:
        report = check_urls_sync([srv.url(f"/close?{i}") for i in range(3)],
                                 config(per_host=1))
        assert [(r.status, r.reason) for r in report.results.values()] == [
            ("ok", "HTTP 200 OK")] * 3
        assert (report.stats.requests, srv.count(), srv.connections) == (3, 3, 3)


def test_a_plain_http_run_loads_no_ca_bundle(server: LoopbackServer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The SSL context (certifi's CA bundle, ~40 ms) is built for the first https
    origin only; a run of http links never builds one."""
    from playbook_lint.links import netguard

    built: list[bool] = []
    real = netguard._ssl_context

    def counting(verify: bool) -> Any:
        built.append(verify)
        return real(verify)

    monkeypatch.setattr(netguard, "_ssl_context", counting)
    report = check_urls_sync([server.url("/ok"), server.url("/gone")], config())
    assert [r.status for r in report.results.values()] == ["ok", "broken"]
    assert built == []


def test_request_headers_are_checked_once_per_list_and_sent_every_time(
        server: LoopbackServer) -> None:
    from playbook_lint.links import http11

    http11._CHECKED_HEADERS.clear()
    report = check_urls_sync([server.url(f"/ok?{i}") for i in range(3)],
                             config(headers_by_host={"127.0.0.1": {"X-Token": "abc"}}))
    assert [r.status for r in report.results.values()] == ["ok"] * 3
    assert [h.get("x-token") for _m, _p, h in server.requests] == ["abc"] * 3
    assert len(http11._CHECKED_HEADERS) == 1  # one host, one header list


def test_a_header_value_with_a_line_break_is_never_sent(server: LoopbackServer) -> None:
    from playbook_lint.links import http11

    http11._CHECKED_HEADERS.clear()
    report = check_urls_sync([server.url("/ok?1"), server.url("/ok?2")],
                             config(headers_by_host={"127.0.0.1": {"X-Token": "a\r\nX: b"}}))
    assert [(r.status, r.reason) for r in report.results.values()] == [(
        "unverified", "request failed (LocalProtocolError: Illegal header value b'a\\r\\nX: b')",
    )] * 2
    assert server.count() == 0
    assert http11._CHECKED_HEADERS == {}


def test_the_request_head_on_the_wire() -> None:
    """The engine builds its requests itself (Host first, no body, one per URL): the
    bytes a server reads are httpx's usual request, header for header."""
    import socket
    import threading

    from playbook_lint.links.engine import EngineConfig as Config
    from playbook_lint.links.engine import check_urls_sync as check

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]
    heads: list[bytes] = []

    def serve() -> None:
        conn, _ = srv.accept()
        with conn, conn.makefile("rb") as f:
            for _ in range(3):
                head = b""
                while (line := f.readline()) not in (b"", b"\r\n"):
                    head += line
                if not head:
                    return
                heads.append(head)
                status = b"404 Not Found" if b" /gone " in head else b"200 OK"
                body = b"" if head.startswith(b"HEAD") else b"ok"
                conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\n" + body
                             if status == b"200 OK" else
                             b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        report = check([f"http://127.0.0.1:{port}/ok", f"http://127.0.0.1:{port}/gone"],
                       Config(allow_private=True, use_cache=False, concurrency=1, per_host=1,
                              retries=0, timeout=5))
    finally:
        thread.join(10)
        srv.close()
    rest = (f"Host: 127.0.0.1:{port}\r\nUser-Agent: {Config().user_agent}\r\n"
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            "Accept-Encoding: gzip, deflate\r\n").encode()
    assert heads == [b"HEAD /ok HTTP/1.1\r\n" + rest, b"HEAD /gone HTTP/1.1\r\n" + rest,
                     b"GET /gone HTTP/1.1\r\n" + rest]
    assert [r.status for r in report.results.values()] == ["ok", "broken"]
