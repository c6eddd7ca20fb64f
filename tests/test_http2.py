"""HTTP/2 where the server offers it: the link engine against a real loopback TLS server.

The server (``tls_server.TLSServer``) runs on 127.0.0.1 in the test, with a certificate
from a throwaway CA (``trustme``) that the engine is made to trust; it speaks HTTP/2 or
HTTP/1.1 as ALPN chose for each connection and counts connections and requests. Names
other than 127.0.0.1 are resolved by a fake resolver; nothing else is contacted.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator

import httpx
import pytest

pytest.importorskip("h2", reason="HTTP/2 needs the http2 extra (h2)")
trustme = pytest.importorskip("trustme")

from tls_server import ENDLESS, TLSServer  # noqa: E402

from playbook_lint.links import engine, netguard  # noqa: E402
from playbook_lint.links.engine import EngineConfig, check_urls_sync  # noqa: E402
from playbook_lint.links.netguard import HostResolver, guarded_transport  # noqa: E402

ROUTES = {
    "/ok": (200, {"content-type": "text/plain"}, b"fine"),
    "/moved": (301, {"location": "/ok"}, b""),
    "/head-405": (405, {}, b""),
    "/endless": (200, {}, ENDLESS),
}


def config(**options: object) -> EngineConfig:
    base: dict[str, object] = {"allow_private": True, "use_cache": False, "timeout": 5.0,
                               "retries": 0, "backoff_base": 0.01, "per_host": 4}
    base.update(options)
    return EngineConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
def ca() -> object:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: object) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "h2.test").configure_cert(context)  # type: ignore[attr-defined]
    return context


@pytest.fixture(autouse=True)
def trust_test_ca(ca: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The engine's verifying SSL context trusts the test CA (and only it)."""
    def context(verify: bool) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ca.configure_trust(ctx)  # type: ignore[attr-defined]
        if not verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    monkeypatch.setattr(netguard, "_ssl_context", context)
    yield


def statuses(report: engine.EngineRun) -> dict[str, tuple[str, int | None, str]]:
    return {url: (r.status, r.http_status, r.reason) for url, r in report.results.items()}


def test_urls_on_one_https_host_share_one_http2_connection(server_tls: ssl.SSLContext) -> None:
    with TLSServer(server_tls, alpn=["h2", "http/1.1"], routes=ROUTES, latency=0.05) as srv:
        urls = [srv.url(f"/ok?{i}") for i in range(10)] + [
            srv.url("/gone"), srv.url("/moved"), srv.url("/head-405")]
        report = check_urls_sync(urls, config())
    assert statuses(report) == {
        **{srv.url(f"/ok?{i}"): ("ok", 200, "HTTP 200 OK") for i in range(10)},
        srv.url("/gone"): ("broken", 404, "HTTP 404 Not Found"),
        srv.url("/moved"): ("ok", 200, "HTTP 200 OK"),
        srv.url("/head-405"): ("unverified", 405, "HTTP 405 Method Not Allowed"),
    }
    assert report.results[srv.url("/moved")].final_url == srv.url("/ok")
    assert srv.protocols == ["h2"]  # one connection for the host, HTTP/2 by ALPN
    # HEAD each; GET after the 404 and the 405; HEAD the redirect's target
    assert report.stats.requests == len(srv.requests) == 16
    assert {proto for proto, *_ in srv.requests} == {"h2"}
    assert sorted((m, p) for _proto, m, p, _a in srv.requests if m == "GET") == [
        ("GET", "/gone"), ("GET", "/head-405")]
    # requests were multiplexed on that connection, never more than the per-host limit
    assert 1 < srv.max_in_flight <= 4


def test_a_connection_the_server_ends_is_replaced(server_tls: ssl.SSLContext) -> None:
    """GOAWAY after every second answer: later requests go on a new HTTP/2 connection."""
    with TLSServer(server_tls, alpn=["h2"], routes=ROUTES, goaway_after=2) as srv:
        urls = [srv.url(f"/ok?{i}") for i in range(5)]
        report = check_urls_sync(urls, config(per_host=1, retries=1))
    assert [(r.status, r.reason) for r in report.results.values()] == [
        ("ok", "HTTP 200 OK")] * 5
    assert [p for _proto, _m, p, _a in srv.requests] == [f"/ok?{i}" for i in range(5)]
    assert srv.protocols == ["h2", "h2", "h2"]


def test_a_body_given_up_before_its_end_retires_the_connection(
        server_tls: ssl.SSLContext) -> None:
    """A GET that stops reading an endless page: its stream is not reset, so that
    connection takes no more requests (the next one opens another)."""
    async def loopback(host: str) -> list[str]:
        return ["127.0.0.1"]

    async def go(srv: TLSServer) -> list[int]:
        transport = guarded_transport(HostResolver(loopback, allow_private=True),
                                      http2=True, per_origin=True)
        statuses = []
        try:
            response = await transport.handle_async_request(
                httpx.Request("GET", srv.url("/endless")))
            got = 0
            async for chunk in response.stream:
                got += len(chunk)
                if got >= 64 * 1024:
                    break
            await response.aclose()
            statuses.append(response.status_code)
            for i in range(2):
                response = await transport.handle_async_request(
                    httpx.Request("HEAD", srv.url(f"/ok?{i}")))
                await response.aclose()
                statuses.append(response.status_code)
        finally:
            await transport.aclose()
        return statuses

    with TLSServer(server_tls, alpn=["h2"], routes=ROUTES) as srv:
        assert asyncio.run(go(srv)) == [200, 200, 200]
    assert srv.protocols == ["h2", "h2"]
    with TLSServer(server_tls, alpn=["h2"], routes=ROUTES) as srv:  # through the engine
        report = check_urls_sync([srv.url("/endless"), srv.url("/ok")], config(per_host=1))
    assert [(r.status, r.http_status, r.reason) for r in report.results.values()] == [
        ("ok", 200, "HTTP 200 OK"), ("ok", 200, "HTTP 200 OK")]
    assert sorted((m, p) for _proto, m, p, _a in srv.requests) == [
        ("GET", "/endless"), ("HEAD", "/endless"), ("HEAD", "/ok")]


def test_a_server_that_answers_alpn_with_http11_gets_http11(
        server_tls: ssl.SSLContext) -> None:
    with TLSServer(server_tls, alpn=["http/1.1"], routes=ROUTES) as srv:
        urls = [srv.url(f"/ok?{i}") for i in range(6)] + [srv.url("/gone")]
        report = check_urls_sync(urls, config(per_host=2))
    assert statuses(report) == {
        **{srv.url(f"/ok?{i}"): ("ok", 200, "HTTP 200 OK") for i in range(6)},
        srv.url("/gone"): ("broken", 404, "HTTP 404 Not Found"),
    }
    assert srv.protocols == ["http/1.1", "http/1.1"]  # kept alive, per_host of them
    assert report.stats.requests == len(srv.requests) == 8
    assert {proto for proto, *_ in srv.requests} == {"http/1.1"}


def test_a_server_without_alpn_gets_http11(server_tls: ssl.SSLContext) -> None:
    with TLSServer(server_tls, alpn=None, routes=ROUTES) as srv:
        report = check_urls_sync([srv.url("/ok"), srv.url("/gone")], config(per_host=1))
    assert [(r.status, r.http_status) for r in report.results.values()] == [
        ("ok", 200), ("broken", 404)]
    assert srv.protocols == ["http/1.1"]
    assert len(srv.requests) == report.stats.requests == 3


def test_without_h2_installed_https_stays_http11(server_tls: ssl.SSLContext,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``h2`` package: no HTTP/2 offered by ALPN, so the server speaks HTTP/1.1."""
    monkeypatch.setattr(engine, "_h2_installed", lambda: False)
    with TLSServer(server_tls, alpn=["h2", "http/1.1"], routes=ROUTES) as srv:
        report = check_urls_sync([srv.url("/ok"), srv.url("/moved")], config(per_host=1))
    assert [(r.status, r.http_status) for r in report.results.values()] == [
        ("ok", 200), ("ok", 200)]
    assert srv.protocols == ["http/1.1"]


def test_http2_connections_go_to_the_resolvers_address(server_tls: ssl.SSLContext) -> None:
    """A name is connected through the engine's resolver (a fake here: ``h2.test`` is no
    real name), and TLS checks the certificate against the name."""
    asked: list[str] = []

    async def fake(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    with TLSServer(server_tls, alpn=["h2", "http/1.1"], routes=ROUTES) as srv:
        urls = [srv.url("/ok", host="h2.test"), srv.url("/gone", host="h2.test")]
        report = check_urls_sync(urls, config(), resolver=fake)
    assert [(r.status, r.http_status) for r in report.results.values()] == [
        ("ok", 200), ("broken", 404)]
    assert asked == ["h2.test"]
    assert srv.protocols == ["h2"]
    assert {authority for *_rest, authority in srv.requests} == {f"h2.test:{srv.port}"}


def test_the_http2_transport_refuses_private_addresses(server_tls: ssl.SSLContext) -> None:
    """The address guard holds on the HTTP/2 path itself (the engine's per-hop check
    bypassed): a name that resolves to a private address is never connected."""
    async def private(host: str) -> list[str]:
        return ["10.0.0.5"]

    async def go(url: str) -> str:
        transport = guarded_transport(HostResolver(private), http2=True, per_origin=True)
        try:
            await transport.handle_async_request(httpx.Request("HEAD", url))
        except httpx.ConnectError as exc:
            return str(exc)
        finally:
            await transport.aclose()
        return "connected"

    with TLSServer(server_tls, alpn=["h2", "http/1.1"], routes=ROUTES) as srv:
        text = asyncio.run(go(srv.url("/ok", host="h2.test")))
        report = check_urls_sync([srv.url("/ok", host="h2.test")],
                                 config(allow_private=False), resolver=private)
    assert text == "refused to connect to h2.test: 10.0.0.5 is a private address"
    assert [(r.status, r.reason) for r in report.results.values()] == [
        ("skipped", "not checked: h2.test resolves to 10.0.0.5, a private address "
                    "(use --allow-private to check it)")]
    assert srv.protocols == []  # no connection at all


def test_http_origins_never_negotiate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain http:// keeps the h11 connections even with HTTP/2 on (no TLS, no ALPN)."""
    from http_server import LoopbackServer, status_route

    from playbook_lint.links import http11

    made: list[object] = []
    real = http11.H11Connection.__init__

    def counting(self: object, *args: object, **kwargs: object) -> None:
        made.append(self)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(netguard.H11Connection, "__init__", counting)
    with LoopbackServer({"/ok": status_route(200)}) as srv:
        report = check_urls_sync([srv.url(f"/ok?{i}") for i in range(4)], config(per_host=2))
        assert [r.status for r in report.results.values()] == ["ok"] * 4
        assert (srv.connections, len(made)) == (2, 2)


def test_an_untrusted_certificate_is_retried_without_verification_over_http2(
        server_tls: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """The verifying context trusts nothing here: the handshake fails (no connection
    speaks HTTP), the retry without verification gets HTTP/2 and the real status."""
    def trusting_nothing(verify: bool) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if not verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    monkeypatch.setattr(netguard, "_ssl_context", trusting_nothing)
    with TLSServer(server_tls, alpn=["h2", "http/1.1"], routes=ROUTES) as srv:
        report = check_urls_sync([srv.url("/ok"), srv.url("/gone")], config(per_host=1))
    tls = ("TLS certificate verification failed (unable to get local issuer "
           "certificate)")
    assert statuses(report) == {
        srv.url("/ok"): ("unverified", 200,
                         f"{tls}; without verification the server answered HTTP 200 OK"),
        srv.url("/gone"): ("broken", 404, "HTTP 404 Not Found (answered without "
                                          f"certificate verification; {tls})"),
    }
    assert {proto for proto, *_ in srv.requests} == {"h2"}
    assert srv.protocols == ["h2"]  # the failed handshakes never reached HTTP
