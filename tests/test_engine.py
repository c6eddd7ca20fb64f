"""Unit tests of the link engine with respx: no socket is opened, no DNS is asked."""

from __future__ import annotations

import asyncio
import email.utils
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from playbook_lint import __version__
from playbook_lint.links.engine import (
    DEFAULT_USER_AGENT,
    EngineConfig,
    EngineRun,
    check_urls_sync,
    network_unavailable_message,
    parse_retry_after,
)
from playbook_lint.links.result import LinkResult

PUBLIC_IP = "93.184.215.14"
BOT = " (the site may refuse automated checks; check it in a browser)"


class FakeTime:
    """A sleep that records pauses and advances a fake monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Pauses overlap like real ones: a pause started at t ends at t + seconds."""
        self.sleeps.append(round(seconds, 6))
        wake = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, wake)


async def public(host: str) -> list[str]:
    """Every name resolves to one public address (no real DNS in unit tests)."""
    return {"intranet.example": ["10.0.0.5"], "dual.example": ["127.0.0.1", PUBLIC_IP]}.get(
        host, [PUBLIC_IP]
    )


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def run(urls: list[str], fake: FakeTime | None = None, **options: object) -> EngineRun:
    options.setdefault("use_cache", False)
    config = EngineConfig(**options)  # type: ignore[arg-type]
    fake = fake or FakeTime()
    return check_urls_sync(urls, config, resolver=public, sleep=fake.sleep, clock=fake.clock)


def one(report: EngineRun) -> LinkResult:
    assert len(report.results) == 1
    return next(iter(report.results.values()))


# -- method ------------------------------------------------------------------------

def test_head_ok_makes_one_request(mock: respx.MockRouter) -> None:
    route = mock.head("https://a.example/page").respond(200)
    report = run(["https://a.example/page"])
    result = one(report)
    assert (result.url, result.status, result.http_status, result.reason) == (
        "https://a.example/page", "ok", 200, "HTTP 200 OK")
    assert result.final_url == "https://a.example/page"
    assert result.redirects == ()
    assert result.from_cache is False
    assert route.call_count == 1
    assert report.stats.requests == 1
    assert report.stats.per_host == {"a.example": 1}
    assert report.network_error is None


@pytest.mark.parametrize("head_status", [400, 403, 404, 405, 501, 500])
def test_head_failure_falls_back_to_get(mock: respx.MockRouter, head_status: int) -> None:
    mock.head("https://a.example/").respond(head_status)
    get = mock.get("https://a.example/").respond(200, text="hello")
    result = one(run(["https://a.example/"]))
    assert (result.status, result.reason) == ("ok", "HTTP 200 OK")
    assert get.call_count == 1


def test_head_error_falls_back_to_get(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").mock(side_effect=httpx.RemoteProtocolError("bad"))
    mock.get("https://a.example/").respond(200)
    assert one(run(["https://a.example/"])).status == "ok"


def test_duplicates_and_spellings_are_checked_once(mock: respx.MockRouter) -> None:
    route = mock.head("https://a.example/x").respond(200)
    report = run(["https://A.example/x#one", "https://a.example:443/x#two", "https://a.example/x"])
    assert list(report.results) == ["https://a.example/x"]
    assert route.call_count == 1
    assert report.stats.urls == 1


def test_default_user_agent_names_tool_and_version(mock: respx.MockRouter) -> None:
    route = mock.head("https://a.example/").respond(200)
    run(["https://a.example/"])
    assert DEFAULT_USER_AGENT.startswith(f"playbook-lint/{__version__} (+https://")
    assert route.calls[0].request.headers["user-agent"] == DEFAULT_USER_AGENT


def test_headers_only_sent_to_matching_hosts(mock: respx.MockRouter) -> None:
    gh = mock.head("https://github.com/org/repo").respond(
        301, headers={"Location": "https://elsewhere.example/repo"})
    api = mock.head("https://api.github.com/repos/x").respond(200)
    other = mock.head("https://elsewhere.example/repo").respond(200)
    headers = {"github.com": {"Authorization": "Bearer t0ken"},
               "API.github.com": {"Authorization": "Bearer t0ken"}}
    run(["https://github.com/org/repo", "https://api.github.com/repos/x"],
        headers_by_host=headers, user_agent="custom-agent/1")
    assert gh.calls[0].request.headers["authorization"] == "Bearer t0ken"
    assert api.calls[0].request.headers["authorization"] == "Bearer t0ken"
    assert "authorization" not in other.calls[0].request.headers
    assert other.calls[0].request.headers["user-agent"] == "custom-agent/1"


def test_header_globs(mock: respx.MockRouter) -> None:
    config = EngineConfig(use_cache=False, headers_by_host={"*.gov.example": {"X-A": "1"},
                                                            "docs.gov.example": {"X-B": "2"}})
    assert config.headers_for("docs.gov.example") == {"X-A": "1", "X-B": "2"}
    assert config.headers_for("www.gov.example") == {"X-A": "1"}
    assert config.headers_for("gov.example") == {}


# -- classification -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        (404, "broken", "HTTP 404 Not Found"),
        (410, "broken", "HTTP 410 Gone"),
        (401, "unverified", "HTTP 401 Unauthorized" + BOT),
        (403, "unverified", "HTTP 403 Forbidden" + BOT),
        (999, "unverified", "HTTP 999" + BOT),
        (451, "unverified", "HTTP 451 Unavailable For Legal Reasons"),
        (501, "broken", "HTTP 501 Not Implemented"),
        (503, "broken", "HTTP 503 Service Unavailable (after 3 retries)"),
        (429, "unverified", "HTTP 429 Too Many Requests (still rate limited after 3 retries)"),
    ],
)
def test_status_classification(mock: respx.MockRouter, code: int, status: str,
                               reason: str) -> None:
    mock.head("https://a.example/").respond(code)
    mock.get("https://a.example/").respond(code)
    result = one(run(["https://a.example/"]))
    assert (result.status, result.http_status, result.reason) == (status, code, reason)


def test_accept_ranges_and_codes(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").respond(403)
    mock.get("https://a.example/").respond(403)
    mock.head("https://b.example/").respond(204)
    report = run(["https://a.example/", "https://b.example/"], accept=["200..203", 403])
    assert report.results["https://a.example/"].status == "ok"
    assert report.results["https://a.example/"].reason == "HTTP 403 Forbidden"
    assert report.results["https://b.example/"].status == "unverified"


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        (["2xx"], "accept: '2xx' is not a status code or range like 200 or \"200..299\""),
        (["299..200"], "accept: range '299..200' is empty (start above end)"),
    ],
)
def test_bad_accept_is_a_clear_error(accept: list[str], message: str) -> None:
    with pytest.raises(ValueError) as info:
        EngineConfig(accept=accept)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_bad_exclude_regex_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"^exclude: '\(' is not a valid regex: "):
        EngineConfig(exclude=["("])


def test_skipped_schemes_and_excludes_make_no_request(mock: respx.MockRouter) -> None:
    report = run(["mailto:team@a.example", "tel:+441234", "ftp://files.example/x",
                  "https://skip.example/private/1"], exclude=[r"^https://skip\.example/"])
    reasons = {url: (r.status, r.reason) for url, r in report.results.items()}
    assert reasons == {
        "mailto:team@a.example": ("skipped", "mailto: link (not checked)"),
        "tel:+441234": ("skipped", "tel: link (not checked)"),
        "ftp://files.example/x": ("skipped", "not an http(s) URL (not checked)"),
        "https://skip.example/private/1": (
            "skipped", "excluded by pattern '^https://skip\\\\.example/'"),
    }
    assert report.stats.requests == 0


def test_url_without_host_is_broken(mock: respx.MockRouter) -> None:
    result = one(run(["https:///path"]))
    assert (result.status, result.reason) == ("broken", "invalid URL (no host name)")


def test_url_with_bad_port_is_broken(mock: respx.MockRouter) -> None:
    result = one(run(["https://a.example:abc/"]))
    assert (result.status, result.reason) == ("broken", "invalid URL (Invalid port: 'abc')")


# -- retries ----------------------------------------------------------------------

def test_retry_after_seconds(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    mock.head("https://a.example/").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)])
    result = one(run(["https://a.example/"], fake_time))
    assert result.status == "ok"
    assert fake_time.sleeps == [7.0]


def test_retry_after_http_date_is_capped(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    later = email.utils.formatdate(timeval=None, usegmt=True)  # now...
    later = email.utils.format_datetime(
        email.utils.parsedate_to_datetime(later).replace(year=2099), usegmt=True)
    mock.get("https://a.example/").mock(side_effect=[
        httpx.Response(503, headers={"Retry-After": later}), httpx.Response(200)])
    mock.head("https://a.example/").respond(405)
    result = one(run(["https://a.example/"], fake_time, max_retry_after=5.0))
    assert result.status == "ok"
    assert fake_time.sleeps == [5.0]


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    assert parse_retry_after(None) is None


def test_retry_after_of_400_digits_is_capped_not_an_internal_error(
    mock: respx.MockRouter, fake_time: FakeTime
) -> None:
    """Issue 14 item 6: int -> float overflowed ("internal error: OverflowError")."""
    mock.head("https://a.example/").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "9" * 400}), httpx.Response(200)])
    result = one(run(["https://a.example/"], fake_time, max_retry_after=5.0))
    assert (result.status, result.reason) == ("ok", "HTTP 200 OK")
    assert fake_time.sleeps == [5.0]
    assert parse_retry_after("9" * 400) == float("inf")
    assert parse_retry_after("Fri, 31 Dec 99999 23:59:59 GMT") is None
    assert parse_retry_after("\u0661\u0662") is None  # non-ASCII digits are not delay-seconds


@pytest.mark.parametrize("location", ["http://[::1/x", "http://exa mple.com:99999/"])
def test_malformed_location_is_an_invalid_redirect(
    mock: respx.MockRouter, fake_time: FakeTime, location: str
) -> None:
    """Issue 14 item 6: was "the server broke the connection ... (after 3 retries)"."""
    route = mock.head("https://a.example/x").respond(301, headers={"Location": location})
    result = one(run(["https://a.example/x"], fake_time))
    assert (result.status, result.http_status, result.reason) == (
        "broken", 301, "invalid redirect: HTTP 301 Moved Permanently with a Location that is "
        f"not a valid URL ({location!r})")
    assert route.call_count == 1
    assert fake_time.sleeps == []


def test_backoff_grows_with_jitter(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    mock.head("https://a.example/").respond(405)
    mock.get("https://a.example/").respond(502)
    result = one(run(["https://a.example/"], fake_time, backoff_base=1.0, backoff_max=100.0))
    assert (result.status, result.reason) == ("broken", "HTTP 502 Bad Gateway (after 3 retries)")
    assert len(fake_time.sleeps) == 3
    for attempt, pause in enumerate(fake_time.sleeps):
        assert 2**attempt / 2 <= pause <= 2**attempt


def test_backoff_is_capped(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    mock.head("https://a.example/").respond(405)
    get = mock.get("https://a.example/").respond(500)
    run(["https://a.example/"], fake_time, backoff_base=10.0, backoff_max=0.25, retries=2)
    assert get.call_count == 3
    assert len(fake_time.sleeps) == 2
    assert all(0.125 <= pause <= 0.25 for pause in fake_time.sleeps)


def test_429_slows_the_whole_host(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    asked_at: dict[str, float] = {}

    def record(name: str, response: httpx.Response):  # type: ignore[no-untyped-def]
        def effect(request: httpx.Request) -> httpx.Response:
            asked_at[name] = fake_time.now
            return response
        return effect

    mock.head("https://a.example/1").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200)])
    # /2 is reached through a redirect from another host, so it is asked for after
    # /1 has been told to slow down
    mock.head("https://b.example/start").respond(302, headers={"Location": "https://a.example/2"})
    mock.head("https://a.example/2").mock(side_effect=record("a2", httpx.Response(200)))
    mock.head("https://c.example/").mock(side_effect=record("c", httpx.Response(200)))
    report = run(["https://a.example/1", "https://b.example/start", "https://c.example/"],
                 fake_time)
    assert [r.status for r in report.results.values()] == ["ok", "ok", "ok"]
    assert asked_at == {"a2": 1005.0, "c": 1000.0}  # a.example paused 5 s, c.example not
    assert fake_time.sleeps == [5.0, 5.0]


def test_connection_refused_is_broken_after_retries(mock: respx.MockRouter,
                                                    fake_time: FakeTime) -> None:
    # respx replaces __cause__, so the error carries the text httpx gives it.
    route = mock.head("https://a.example/").mock(
        side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    result = one(run(["https://a.example/"], fake_time))
    assert (result.status, result.http_status, result.reason, result.final_url) == (
        "broken", None, "connection refused (after 3 retries)", None)
    assert route.call_count == 4


def test_timeout_is_unverified(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    mock.head("https://a.example/").mock(side_effect=httpx.ReadTimeout("slow"))
    get = mock.get("https://a.example/").mock(side_effect=httpx.ConnectTimeout("slow"))
    result = one(run(["https://a.example/"], fake_time, timeout=2.5, retries=1))
    assert (result.status, result.reason) == (
        "unverified", "timed out after 2.5 s (after 1 retry)")
    assert get.call_count == 2


_TLS_TEXT = ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
             "certificate in certificate chain (_ssl.c:1006)")
_tls_error = httpx.ConnectError(_TLS_TEXT)
TLS = f"TLS certificate verification failed ({_TLS_TEXT})"


def test_tls_failure_then_404_is_still_broken(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").mock(side_effect=[_tls_error, httpx.Response(404)])
    mock.get("https://a.example/").respond(404)
    result = one(run(["https://a.example/"]))
    assert (result.status, result.http_status) == ("broken", 404)
    assert result.reason == f"HTTP 404 Not Found (answered without certificate verification; {TLS})"


def test_tls_failure_then_200_is_unverified(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").mock(side_effect=[_tls_error, httpx.Response(200)])
    result = one(run(["https://a.example/"]))
    assert (result.status, result.http_status) == ("unverified", 200)
    assert result.reason == f"{TLS}; without verification the server answered HTTP 200 OK"


# -- redirects ------------------------------------------------------------------------

def test_permanent_redirect_chain(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/old").respond(301, headers={"Location": "/middle"})
    mock.head("https://a.example/middle").respond(308, headers={"Location": "../new?x=1"})
    mock.head("https://a.example/new?x=1").respond(200)
    result = one(run(["https://a.example/old"]))
    assert result.status == "ok"
    assert result.redirects == ((301, "https://a.example/middle"),
                                (308, "https://a.example/new?x=1"))
    assert result.final_url == "https://a.example/new?x=1"
    assert result.permanent_redirect is True
    assert result.https_upgrade is False


def test_temporary_hop_is_not_permanent(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/old").respond(301, headers={"Location": "https://a.example/b"})
    mock.head("https://a.example/b").respond(302, headers={"Location": "https://a.example/c"})
    mock.head("https://a.example/c").respond(200)
    result = one(run(["https://a.example/old"]))
    assert result.permanent_redirect is False
    assert result.final_url == "https://a.example/c"


def test_http_to_https_upgrade(mock: respx.MockRouter) -> None:
    mock.head("http://a.example/guide?x=1").respond(
        301, headers={"Location": "https://a.example/guide?x=1"})
    mock.head("https://a.example/guide?x=1").respond(200)
    mock.head("http://b.example/guide").respond(
        301, headers={"Location": "https://b.example/other"})
    mock.head("https://b.example/other").respond(200)
    report = run(["http://a.example/guide?x=1", "http://b.example/guide"])
    assert report.results["http://a.example/guide?x=1"].https_upgrade is True
    assert report.results["http://b.example/guide"].https_upgrade is False


def test_redirect_loop_is_broken(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/a").respond(302, headers={"Location": "/b"})
    mock.head("https://a.example/b").respond(302, headers={"Location": "/a"})
    result = one(run(["https://a.example/a"]))
    assert result.status == "broken"
    assert result.reason == ("redirect loop: https://a.example/a → https://a.example/b → "
                             "https://a.example/a → https://a.example/b → https://a.example/a")
    assert len(result.redirects) == 4


def test_too_many_redirects(mock: respx.MockRouter) -> None:
    for i in range(5):
        mock.head(f"https://a.example/{i}").respond(302, headers={"Location": f"/{i + 1}"})
    result = one(run(["https://a.example/0"], max_redirects=3))
    assert (result.status, result.reason) == ("broken", "too many redirects (more than 3)")
    assert len(result.redirects) == 4


def test_redirect_without_location(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").respond(308)
    result = one(run(["https://a.example/"]))
    assert (result.status, result.http_status, result.reason) == (
        "broken", 308, "HTTP 308 Permanent Redirect without a Location header")


def test_redirect_to_non_http_is_not_followed(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").respond(302, headers={"Location": "ftp://a.example/f"})
    result = one(run(["https://a.example/"]))
    assert (result.status, result.reason) == (
        "broken", "redirect to a non-HTTP URL (ftp://a.example/f) was not followed")


# -- fragments ------------------------------------------------------------------------

PAGE = (b"<html><body><h2 id='intro'>Intro</h2><a name='legacy'></a>"
        b"<p id=\"last\">x</p><input name='not-an-anchor'></body></html>")


def test_fragments_read_from_html_with_get_only(mock: respx.MockRouter) -> None:
    head = mock.head("https://a.example/doc").respond(200)
    mock.get("https://a.example/doc").respond(
        200, content=PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    result = one(run(["https://a.example/doc#intro"], check_fragments=True))
    assert result.fragments == frozenset({"intro", "legacy", "last"})
    assert head.call_count == 0


def test_fragments_off_or_no_fragment_uses_head(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/doc").respond(200)
    assert one(run(["https://a.example/doc#intro"])).fragments is None
    assert one(run(["https://a.example/doc"], check_fragments=True)).fragments is None


def test_fragments_not_read_from_non_html(mock: respx.MockRouter) -> None:
    mock.get("https://a.example/data").respond(200, json={"id": "x"})
    result = one(run(["https://a.example/data#x"], check_fragments=True))
    assert (result.status, result.fragments) == ("ok", None)


# -- safety ----------------------------------------------------------------------------

def test_private_hosts_are_skipped_without_a_request(mock: respx.MockRouter) -> None:
    report = run(["http://intranet.example/", "http://127.0.0.1:8080/x", "http://[::1]/",
                  "http://169.254.169.254/latest/meta-data/"])
    assert {u: (r.status, r.reason) for u, r in report.results.items()} == {
        "http://intranet.example/": ("skipped", "not checked: intranet.example resolves to "
                                     "10.0.0.5, a private address (use --allow-private to "
                                     "check it)"),
        "http://127.0.0.1:8080/x": ("skipped", "not checked: 127.0.0.1 is a loopback address "
                                    "(use --allow-private to check it)"),
        "http://[::1]/": ("skipped", "not checked: ::1 is a loopback address "
                          "(use --allow-private to check it)"),
        "http://169.254.169.254/latest/meta-data/": (
            "skipped", "not checked: 169.254.169.254 is a link-local address "
            "(use --allow-private to check it)"),
    }
    assert report.stats.requests == 0


def test_redirect_to_private_address_is_refused(mock: respx.MockRouter) -> None:
    mock.head("https://public.example/").respond(302, headers={"Location": "http://10.1.2.3/admin"})
    result = one(run(["https://public.example/"]))
    assert result.status == "skipped"
    assert result.reason == ("not checked: redirect target 10.1.2.3 is a private address "
                             "(use --allow-private to check it)")
    assert result.redirects == ((302, "http://10.1.2.3/admin"),)


@pytest.mark.parametrize(("target", "reason"), [
    ("http://[2002:7f00:1::1]/admin", "2002:7f00:1::1 is a 6to4 address wrapping 127.0.0.1, "
                                      "a loopback address"),
    ("http://[64:ff9b::a9fe:a9fe]/latest/", "64:ff9b::a9fe:a9fe is a NAT64 address wrapping "
                                            "169.254.169.254, a link-local address"),
    ("http://192.0.0.8/", "192.0.0.8 is a special-purpose address"),
    ("http://wrapped.example/", "wrapped.example resolves to 2002:a00:1::1, a 6to4 address "
                                "wrapping 10.0.0.1, a private address"),
])
def test_redirect_to_a_wrapped_or_special_address_is_refused(
    mock: respx.MockRouter, target: str, reason: str
) -> None:
    """Issue 14 item 8: no request goes to the target (respx would fail on an unmocked
    URL; the fake resolver answers for wrapped.example)."""
    mock.head("https://public.example/").respond(302, headers={"Location": target})

    async def resolver(host: str) -> list[str]:
        return ["2002:a00:1::1"] if host == "wrapped.example" else [PUBLIC_IP]

    config = EngineConfig(use_cache=False)
    fake = FakeTime()
    report = check_urls_sync(["https://public.example/"], config, resolver=resolver,
                             sleep=fake.sleep, clock=fake.clock)
    result = one(report)
    assert (result.status, result.reason) == (
        "skipped", f"not checked: redirect target {reason} (use --allow-private to check it)")
    assert report.stats.requests == 1


def test_allow_private(mock: respx.MockRouter) -> None:
    mock.head("http://intranet.example/").respond(200)
    result = one(run(["http://intranet.example/"], allow_private=True))
    assert result.status == "ok"


def test_host_with_a_public_address_is_allowed(mock: respx.MockRouter) -> None:
    mock.head("https://dual.example/").respond(200)
    assert one(run(["https://dual.example/"])).status == "ok"


# -- DNS and the network being away -------------------------------------------------------

def _failing_resolver(errno: int):  # type: ignore[no-untyped-def]
    async def resolve(host: str) -> list[str]:
        raise socket.gaierror(errno, "lookup failed")
    return resolve


def test_unknown_name_is_broken(mock: respx.MockRouter) -> None:
    report = check_urls_sync(["https://no-such-name.example/x"], EngineConfig(use_cache=False),
                             resolver=_failing_resolver(socket.EAI_NONAME))
    result = one(report)
    assert (result.status, result.reason) == ("broken", "DNS name not found")
    assert report.network_error is None


def test_every_lookup_failing_is_one_network_error(mock: respx.MockRouter) -> None:
    urls = ["https://a.example/", "https://b.example/", "https://c.example/x",
            "https://c.example/y", "mailto:x@a.example"]
    report = check_urls_sync(urls, EngineConfig(use_cache=False),
                             resolver=_failing_resolver(socket.EAI_NONAME))
    assert report.network_error == (
        "network unavailable: 4 external links not checked; use --offline to skip")
    statuses = {u: (r.status, r.reason) for u, r in report.results.items()}
    assert statuses["https://a.example/"] == (
        "unverified", "not checked: network unavailable (DNS name not found)")
    assert statuses["mailto:x@a.example"][0] == "skipped"
    assert not any(r.status == "broken" for r in report.results.values())


def test_temporary_dns_failure_is_a_network_error_even_for_one_host(
        mock: respx.MockRouter) -> None:
    report = check_urls_sync(["https://a.example/"], EngineConfig(use_cache=False),
                             resolver=_failing_resolver(socket.EAI_AGAIN))
    assert report.network_error == network_unavailable_message(1)
    assert report.network_error == (
        "network unavailable: 1 external link not checked; use --offline to skip")
    assert one(report).status == "unverified"


def test_one_good_host_means_the_network_is_up(mock: respx.MockRouter) -> None:
    mock.head("https://up.example/").respond(200)

    async def resolve(host: str) -> list[str]:
        if host == "up.example":
            return [PUBLIC_IP]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    urls = ["https://up.example/", "https://a.example/", "https://b.example/",
            "https://c.example/"]
    report = check_urls_sync(urls, EngineConfig(use_cache=False), resolver=resolve)
    assert report.network_error is None
    assert [r.status for r in report.results.values()] == ["ok", "broken", "broken", "broken"]


# -- cache and progress ------------------------------------------------------------------

def test_warm_run_makes_no_request(mock: respx.MockRouter, tmp_path: Path) -> None:
    route = mock.head("https://a.example/").respond(200)
    mock.head("https://b.example/").respond(404)
    mock.get("https://b.example/").respond(404)
    urls = ["https://a.example/", "https://b.example/"]
    cold = run(urls, use_cache=True, cache_path=tmp_path / "c.json")
    warm = run(urls, use_cache=True, cache_path=tmp_path / "c.json")
    assert cold.stats.requests == 3
    assert (warm.stats.requests, warm.stats.cache_hits) == (0, 2)
    assert route.call_count == 1
    assert warm.results["https://b.example/"].status == "broken"
    assert warm.results["https://b.example/"].from_cache is True
    assert cold.results["https://b.example/"].from_cache is False


def test_network_unavailable_results_are_not_cached(mock: respx.MockRouter,
                                                    tmp_path: Path) -> None:
    config = EngineConfig(cache_path=tmp_path / "c.json")
    check_urls_sync(["https://a.example/"], config, resolver=_failing_resolver(socket.EAI_AGAIN))
    assert not (tmp_path / "c.json").exists()


def test_progress_callback(mock: respx.MockRouter) -> None:
    mock.head("https://a.example/").respond(200)
    seen: list[tuple[str, int, int]] = []
    check_urls_sync(["mailto:a@b.example", "https://a.example/"], EngineConfig(use_cache=False),
                    resolver=public, on_result=lambda r, done, total: seen.append(
                        (r.url, done, total)))
    assert seen == [("mailto:a@b.example", 1, 2), ("https://a.example/", 2, 2)]


# -- error mapping (exceptions as raised by httpx/httpcore, with their causes) ----------

def _wrapped(cause: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError(str(inner)) from inner
    except httpx.ConnectError as outer:
        return outer


def _cert_error() -> ssl.SSLCertVerificationError:
    err = ssl.SSLCertVerificationError(1, "certificate verify failed")
    err.verify_message = "unable to get local issuer certificate"
    return err


@pytest.mark.parametrize(
    ("exc", "kind", "text"),
    [
        (_wrapped(socket.gaierror(socket.EAI_NONAME, "Name or service not known")),
         "dns_notfound", "DNS name not found"),
        (_wrapped(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")),
         "dns_temp", "DNS lookup failed (Temporary failure in name resolution)"),
        (_wrapped(ConnectionRefusedError(111, "Connection refused")), "refused",
         "connection refused"),
        (_wrapped(OSError(101, "Network is unreachable")), "unreachable", "network unreachable"),
        (_wrapped(_cert_error()), "tls",
         "TLS certificate verification failed (unable to get local issuer certificate)"),
        (httpx.ReadTimeout("timed out"), "timeout", "timed out"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."),
         "reset", "the server closed the connection without answering"),
        (httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'gopher://'."),
         "invalid", "invalid URL (Request URL has an unsupported protocol 'gopher://'.)"),
    ],
)
def test_error_kinds(exc: BaseException, kind: str, text: str) -> None:
    from playbook_lint.links.engine import _error_kind

    assert _error_kind(exc) == (kind, text)


def test_silent_host_is_given_up_after_three_timeouts(mock: respx.MockRouter,
                                                      fake_time: FakeTime) -> None:
    head = mock.head(url__startswith="https://slow.example/").mock(
        side_effect=httpx.ConnectTimeout("timed out"))
    get = mock.get(url__startswith="https://slow.example/").mock(
        side_effect=httpx.ConnectTimeout("timed out"))
    mock.head("https://fine.example/").respond(200)
    urls = [f"https://slow.example/{i}" for i in range(5)] + ["https://fine.example/"]
    report = run(urls, fake_time, per_host=1, timeout=1.0)
    assert head.call_count + get.call_count == 3
    reasons = [(r.status, r.reason) for r in report.results.values()]
    silent = ("unverified", "slow.example timed out 3 times in a row; no more requests sent to it")
    assert reasons == [silent] * 5 + [("ok", "HTTP 200 OK")]


def test_bot_challenge_page_is_unverified_not_broken(mock: respx.MockRouter,
                                                     fake_time: FakeTime) -> None:
    challenge = httpx.Response(503, headers={"cf-mitigated": "challenge", "server": "cloudflare"})
    mock.head("https://a.example/").mock(return_value=challenge)
    get = mock.get("https://a.example/").mock(return_value=challenge)
    result = one(run(["https://a.example/"], fake_time))
    assert (result.status, result.reason) == (
        "unverified",
        "HTTP 503 Service Unavailable (a bot challenge page answered; check it in a browser)")
    assert get.call_count == 1
    assert fake_time.sleeps == []


def test_one_429_pauses_the_host_once_without_serialising_it(
    mock: respx.MockRouter, fake_time: FakeTime
) -> None:
    """A 429 that a retry after its Retry-After clears pauses the host once (an
    episode of 5 + 2 x 5 s) but leaves it at its normal per-host concurrency."""
    from playbook_lint.links import engine as engine_mod

    mock.head("https://a.example/1").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200)])
    eng = engine_mod._Engine(EngineConfig(use_cache=False), transport=None, resolver=public,
                             sleep=fake_time.sleep, clock=fake_time.clock, on_result=None)
    asyncio.run(eng.run(["https://a.example/1"]))
    state = eng.hosts["a.example"]
    assert (state.throttled, state.not_before, state.episode_until) == (False, 1005.0, 1015.0)


def test_later_429s_of_an_episode_delay_only_their_own_url(
    mock: respx.MockRouter, fake_time: FakeTime
) -> None:
    """20 URLs of a host each answering 429 once must neither stack 20 host pauses nor
    put the host at one request at a time (the bench's rate-limited host)."""
    from playbook_lint.links import engine as engine_mod

    for i in range(3):
        mock.head(f"https://a.example/{i}").mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200)])
    eng = engine_mod._Engine(EngineConfig(use_cache=False), transport=None, resolver=public,
                             sleep=fake_time.sleep, clock=fake_time.clock, on_result=None)
    report = asyncio.run(eng.run([f"https://a.example/{i}" for i in range(3)]))
    assert [r.status for r in report.results.values()] == ["ok", "ok", "ok"]
    assert fake_time.sleeps == [1.0, 1.0, 1.0]  # each URL's own Retry-After, at once
    state = eng.hosts["a.example"]
    assert (state.throttled, state.not_before, state.episode_until) == (False, 1001.0, 1003.0)


def test_429_throttle_ends_after_its_window(mock: respx.MockRouter, fake_time: FakeTime) -> None:
    """A URL still answered 429 after its Retry-After: the host goes one request at a
    time until 2 x 5 s after that pause ends, then back to normal concurrency."""
    from playbook_lint.links import engine as engine_mod

    mock.head("https://a.example/1").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "5"}),
        httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200)])
    mock.head("https://a.example/2").respond(200)
    eng = engine_mod._Engine(EngineConfig(use_cache=False), transport=None, resolver=public,
                             sleep=fake_time.sleep, clock=fake_time.clock, on_result=None)
    asyncio.run(eng.run(["https://a.example/1"]))
    state = eng.hosts["a.example"]
    assert (state.throttled, state.not_before, state.throttled_until) == (True, 1010.0, 1020.0)
    fake_time.now = 1021.0
    report = asyncio.run(eng.run(["https://a.example/2"]))
    assert [r.status for r in report.results.values()] == ["ok"]
    assert state.throttled is False
