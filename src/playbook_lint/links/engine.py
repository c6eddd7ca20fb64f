"""The HTTP link engine: check every unique external URL of a run once, politely.

Public API: :func:`check_urls` (async), :func:`check_urls_sync`, :class:`EngineConfig`,
and the records :class:`LinkResult` / :class:`EngineRun` (from ``links.result``).

How a URL is checked:

* URLs are de-duplicated by :func:`~playbook_lint.links.normalize.normalize_url`.
  ``mailto:``/``tel:``/other non-HTTP schemes, ``exclude`` matches and hosts that
  resolve only to loopback/private/link-local/unspecified addresses are ``skipped``.
* Requests go through one keep-alive connection pool per origin
  (:class:`~playbook_lint.links.netguard.PerOriginTransport`), at most ``concurrency``
  requests in flight and at most ``per_host`` per host name, so at most ``per_host``
  connections per host. HTTP/1.1 keep-alive; with the ``http2`` extra (the ``h2``
  package) an ``https`` origin whose server chooses ``h2`` by ALPN gets one HTTP/2
  connection that carries its requests as concurrent streams (``http://`` origins and
  servers that choose ``http/1.1`` stay on HTTP/1.1). Each request has one total
  deadline (``timeout``); the run may have one too (``max_time``).
* ``HEAD`` first; ``GET`` when HEAD answers 400/403/404/405/501/5xx or fails. GET is
  streamed and read to its end when that is within 64 KiB (so the connection is
  reused), else cut there (or at ``max_body_bytes`` when reading an HTML page for
  ``#fragment`` ids).
* Retries (``retries``, default 3) on connect errors, timeouts, 429 and 5xx with
  exponential backoff and jitter; ``Retry-After`` (seconds or HTTP date,
  RFC 9110 section 10.2.3, https://www.rfc-editor.org/rfc/rfc9110#field.retry-after)
  is honoured up to ``max_retry_after``. The first 429 from a host pauses the whole
  host for its Retry-After (once per episode: later 429s within 2x the pause after
  it only delay their own URL); a URL still answered 429 after waiting makes the
  host go one request at a time for that window.
* Redirects are followed by hand (up to ``max_redirects``), the chain recorded,
  relative ``Location`` resolved, loops detected; every hop passes the address check.
* Classification (``broken`` / ``unverified`` / ``skipped``, pure, no I/O) is
  :func:`playbook_lint.links.classify.classify`.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import html.parser
import importlib.util
import random
import socket
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from playbook_lint.links.cache import LinkCache, default_cache_path
from playbook_lint.links.cachefirst import pre_skip
from playbook_lint.links.classify import Attempt, Outcome, classify, fmt_seconds, reason_phrase
from playbook_lint.links.engineconfig import DEFAULT_USER_AGENT, EngineConfig
from playbook_lint.links.netguard import (
    HostResolver,
    PrivateAddressError,
    ResolveFunc,
    guarded_transport,
)
from playbook_lint.links.normalize import host_of, normalize_url, split_fragment
from playbook_lint.links.result import EngineRun, EngineStats, LinkResult

__all__ = [
    "DEFAULT_USER_AGENT",
    "EngineConfig",
    "EngineRun",
    "EngineStats",
    "LinkResult",
    "check_url_stream",
    "check_urls",
    "check_urls_sync",
    "parse_retry_after",
    "network_unavailable_message",
]

#: A 429 episode with a pause of P seconds lasts until P x this factor after the pause
#: ends: one pause of the whole host per episode; a host throttled to one request at
#: a time (a retry answered 429 again) gets its normal concurrency back after it.
THROTTLE_WINDOW_FACTOR = 2.0
#: Body bytes a GET reads when it only needs the status: a body that ends within it
#: is read to its end so the connection is reused; a longer one is cut (and its
#: connection closed).
PROBE_BODY_BYTES = 64 * 1024
#: HEAD answers that make the engine try GET (servers often mishandle HEAD).
HEAD_FALLBACK = frozenset({400, 403, 404, 405, 501})
#: The body of every request the engine sends (HEAD and GET have none).
_NO_BODY = httpx.ByteStream(b"")
_ACCEPT_HEADER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_REDIRECTS = frozenset({300, 301, 302, 303, 307, 308})
_NOT_FOUND_ERRNOS = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
_UNREACHABLE_ERRNOS = {101, 113}  # ENETUNREACH, EHOSTUNREACH (Linux numbering)
#: With only "name not found" answers, at least this many hosts must fail before the
#: run is judged offline (one or two dead domains are more likely really dead).
NETWORK_DOWN_MIN_HOSTS = 3
#: When this many hosts have failed at the network level (DNS, no route) and nothing
#: has been reached yet, the run stops early and reports the network unavailable
#: rather than waiting for thousands of slow failing lookups.
NETWORK_DOWN_EARLY_HOSTS = 8
#: After this many timeouts in a row from one host (and no answer in between), its
#: remaining URLs are not requested: a silent host would otherwise cost
#: (retries + 2) x timeout for every URL on it and hang CI.
HOST_TIMEOUTS_GIVE_UP = 3


@functools.cache
def _h2_installed() -> bool:
    """True when the ``h2`` package is there (the ``http2`` extra): https origins then
    offer HTTP/2 by ALPN. Asked once per process, not once per run."""
    return importlib.util.find_spec("h2") is not None


def network_unavailable_message(count: int) -> str:
    """Return the run-level sentence for ``count`` URLs not checked for lack of network."""
    noun = "link" if count == 1 else "links"
    return f"network unavailable: {count} external {noun} not checked; use --offline to skip"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Return the pause a ``Retry-After`` header asks for, in seconds (>= 0), or None.

    Args:
        value: the header value: delay-seconds (``"120"``) or an HTTP date
            (``"Wed, 21 Oct 2015 07:28:00 GMT"``), per RFC 9110 section 10.2.3.
        now: the current time in epoch seconds (default ``time.time()``).

    Returns:
        The pause in seconds, 0 for a date in the past, ``inf`` for a number of
        seconds too large for a float, None when the value is missing or unreadable.
        The caller applies its cap.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        # float() of a digit string never overflows (a 400-digit value is inf), int() -> float
        # does; the caller caps the pause anyway
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when is None:
            return None
        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# ---------------------------------------------------------------------------------
# internals


@dataclass
class _Host:
    sem: asyncio.Semaphore
    serial: asyncio.Lock = field(default_factory=asyncio.Lock)
    not_before: float = 0.0
    episode_until: float = 0.0  # later first-time 429s before this do not pause the host
    throttled: bool = False  # one request at a time (a retry was rate limited again)
    throttled_until: float = 0.0
    timeouts_in_row: int = 0  # reset by any response


_RETRYABLE_ERRORS = frozenset({"timeout", "refused", "reset", "dns_temp", "unreachable",
                               "connect"})
_HEAD_RETRYABLE_ERRORS = frozenset({"refused", "dns_temp", "unreachable"})
_HEAD_FALLBACK_ERRORS = frozenset({"timeout", "reset", "connect", "error"})
_NETWORK_ERRORS = frozenset({"dns_notfound", "dns_temp", "unreachable"})


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def _error_kind(exc: BaseException) -> tuple[str, str]:
    """Map an exception from a request to (kind, short human text)."""
    for e in _chain(exc):
        if isinstance(e, PrivateAddressError):
            return "private", e.reason
        if isinstance(e, socket.gaierror):
            if e.errno in _NOT_FOUND_ERRNOS:
                return "dns_notfound", "DNS name not found"
            return "dns_temp", f"DNS lookup failed ({e.strerror or e})"
        if isinstance(e, ssl.SSLCertVerificationError):
            return "tls", f"TLS certificate verification failed ({e.verify_message or e})"
        if isinstance(e, ssl.SSLError):
            return "tls", f"TLS handshake failed ({e.reason or e})"
        if isinstance(e, ConnectionRefusedError):
            return "refused", "connection refused"
        if isinstance(e, ConnectionResetError):
            return "reset", "connection reset by the server"
        if isinstance(e, OSError) and e.errno in _UNREACHABLE_ERRNOS:
            return "unreachable", "network unreachable"
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", "timed out"
    if "certificate verify failed" in lowered or "ssl" in lowered and "certificate" in lowered:
        return "tls", f"TLS certificate verification failed ({text})"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "dns_notfound", "DNS name not found"
    if "temporary failure in name resolution" in lowered:
        return "dns_temp", "DNS lookup failed (temporary failure in name resolution)"
    if "connection refused" in lowered or "connect call failed" in lowered:
        return "refused", "connection refused"
    if "network is unreachable" in lowered or "no route to host" in lowered:
        return "unreachable", "network unreachable"
    if isinstance(exc, httpx.ConnectError):
        return "connect", f"could not connect ({text})"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        if "reset" in lowered or "disconnected" in lowered or not text:
            return "reset", "the server closed the connection without answering"
        return "reset", f"the server broke the connection ({text})"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "invalid", f"invalid URL ({text})"
    return "error", f"request failed ({type(exc).__name__}: {text})"


class _FragmentParser(html.parser.HTMLParser):
    """Collect ``id`` attributes of any element and ``name`` of ``<a>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)

    handle_startendtag = handle_starttag


def html_fragments(body: str) -> frozenset[str]:
    """Return the ``id`` values and ``<a name>`` values in HTML text ``body``.

    Tolerant of truncated or malformed HTML (never raises for bad markup).
    """
    parser = _FragmentParser()
    try:
        parser.feed(body)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser may choke on odd input; keep what it found
        pass
    return frozenset(parser.ids)


_WANTED_HEADERS = frozenset({b"location", b"retry-after", b"cf-mitigated", b"set-cookie"})


def _headers_of(response: httpx.Response) -> dict[str, str]:
    """The few response headers the engine reads, in one pass (first value of each)."""
    out: dict[str, str] = {}
    for key, value in response.headers.raw:
        name = key.lower()
        if name in _WANTED_HEADERS and name.decode() not in out:
            out[name.decode()] = value.decode("latin-1")
    return out


class _Engine:
    """One run of the link engine: the state :func:`check_urls` keeps while it checks.

    Holds the settings, the transports (one verifying, one not, made on first need),
    the address-checking resolver, per-host state (:class:`_Host`: concurrency,
    Retry-After pauses, throttling, timeouts in a row), the cookie jar, counters and
    the network-down detection. :meth:`run` checks a run's URLs; per URL
    :meth:`_probe` (HEAD, GET fallback, TLS fallback) -> :meth:`_follow` (redirects,
    address check per hop) -> :meth:`_send_retrying` (retries, backoff, 429 pauses)
    -> :meth:`_send` (host limits) -> :meth:`_send_now` (one request, one deadline);
    :func:`~playbook_lint.links.classify.classify` turns the outcome into a result.

    Args:
        config: the settings.
        transport, resolver, sleep, clock, on_result: as for :func:`check_urls`.
    """

    def __init__(
        self,
        config: EngineConfig,
        *,
        transport: httpx.AsyncBaseTransport | None,
        resolver: ResolveFunc | None,
        sleep: Callable[[float], Awaitable[None]] | None,
        clock: Callable[[], float] | None,
        on_result: Callable[[LinkResult, int, int], None] | None,
    ) -> None:
        self.config = config
        self.transport = transport
        self.resolver = HostResolver(
            resolver, allow_private=config.allow_private, timeout=config.timeout,
            max_parallel=config.concurrency,
        )
        self.reached = 0  # HTTP responses received (see also resolver.public_answers)
        self.failed_hosts: set[str] = set()  # hosts that failed at the network level
        self.offline = False
        self.tasks: list[asyncio.Task[None]] = []
        self.sleep = sleep or asyncio.sleep
        self.clock = clock or time.monotonic
        self.on_result = on_result
        #: called with the finished report before the link cache is written and the
        #: connections closed (its only later change: the cache's warnings appended);
        #: see check_url_stream
        self.before_save: Callable[[EngineRun], None] | None = None
        #: compute each result's ``rules_digest`` as it comes in (see check_url_stream)
        self.digests = False
        self.stats = EngineStats()
        self.hosts: dict[str, _Host] = {}
        self.global_sem = asyncio.Semaphore(config.concurrency)
        self.kinds: dict[str, str] = {}  # url -> final error kind (network detection)
        self.client: httpx.AsyncBaseTransport | None = None
        self.insecure: httpx.AsyncBaseTransport | None = None
        self.cookies = httpx.Cookies()  # as a browser would keep them across redirects
        self.out_of_time = False  # the run deadline (max_time) passed
        self._headers = {"User-Agent": config.user_agent, "Accept": _ACCEPT_HEADER,
                         "Accept-Encoding": "gzip, deflate"}
        # no per-read/write/connect timeouts: the one deadline per request (``_send_now``)
        # is the same length and starts first, so they could never fire, and each costs a
        # timer on every socket read and write
        self._timeout = {"connect": None, "read": None, "write": None, "pool": None}
        self._host_headers: dict[str, httpx.Headers] = {}
        self._parsed: dict[str, httpx.URL] = {}  # URL -> httpx's parse (HEAD, GET, hops)
        self._request_headers: dict[str, httpx.Headers] = {}  # URL -> its request's
        self.random = random.Random()
        self._host_names: dict[str, str] = {}

    def _host_name(self, url: str) -> str:
        """:func:`host_of`, remembered per URL (it is asked several times a request)."""
        host = self._host_names.get(url)
        if host is None:
            host = self._host_names[url] = host_of(url)
        return host

    # -- clients -----------------------------------------------------------------
    def _make_client(self, verify: bool) -> httpx.AsyncBaseTransport:
        """The transport requests go through (no ``httpx.AsyncClient``: its redirect
        bookkeeping raises on a malformed ``Location`` and costs CPU per request; the
        engine follows redirects itself)."""
        cfg = self.config
        # one pool per origin, each at most per_host connections kept alive
        limits = httpx.Limits(
            max_connections=cfg.per_host, max_keepalive_connections=cfg.per_host,
            keepalive_expiry=30.0,
        )
        http2 = _h2_installed()
        return self.transport or guarded_transport(
            self.resolver, verify=verify, http2=http2, limits=limits, per_origin=True
        )

    def _host(self, host: str) -> _Host:
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = _Host(asyncio.Semaphore(self.config.per_host))
        return state

    # -- one request -------------------------------------------------------------
    async def _send(self, url: str, method: str, want_body: bool, insecure: bool) -> Attempt:
        host = self._host_name(url)
        state = self._host(host)
        headers = self._host_headers.get(host)
        if headers is None:  # built once per host: the globs are matched once
            headers = self._host_headers[host] = httpx.Headers(
                {**self._headers, **self.config.headers_for(host)})
        async with state.sem:
            if state.timeouts_in_row >= HOST_TIMEOUTS_GIVE_UP:
                return Attempt(error="host_silent", error_text=(
                    f"{host} timed out {state.timeouts_in_row} times in a row; "
                    "no more requests sent to it"))
            wait = state.not_before - self.clock()
            if wait > 0:
                await self.sleep(wait)
            if state.throttled and self.clock() >= state.throttled_until:
                state.throttled = False  # the host has had its rest: full concurrency again
            if state.throttled:
                async with state.serial:
                    attempt = await self._send_now(url, method, want_body, insecure, headers)
            else:
                attempt = await self._send_now(url, method, want_body, insecure, headers)
            if attempt.error == "timeout":
                state.timeouts_in_row += 1
            elif attempt.status is not None:
                state.timeouts_in_row = 0
            return attempt

    async def _send_now(
        self, url: str, method: str, want_body: bool, insecure: bool, headers: httpx.Headers
    ) -> Attempt:
        if insecure:
            if self.insecure is None:
                self.insecure = self._make_client(verify=False)
            client = self.insecure
        else:
            assert self.client is not None
            client = self.client
        host = self._host_name(url)
        async with self.global_sem:
            self.stats.requests += 1
            self.stats.per_host[host] = self.stats.per_host.get(host, 0) + 1
            # one deadline for the whole request: httpx's read timeout restarts with
            # every byte, so a server dripping a byte a second would never time out
            deadline = asyncio.get_running_loop().time() + self.config.timeout
            response: httpx.Response | None = None
            # one timer for the request and its body (each asyncio.timeout costs a
            # timer and two reschedules): which phase it stopped tells what timed out
            try:
                async with asyncio.timeout_at(deadline):
                    try:
                        parsed = self._parsed.get(url)
                        if parsed is None:  # httpx's parse is ~1/3 of building a request
                            parsed = self._parsed[url] = httpx.URL(url)
                        full = self._request_headers.get(url)
                        if full is None:  # with Host first, as httpx's request adds it
                            full = self._request_headers[url] = httpx.Headers(
                                [(b"Host", parsed.netloc), *headers.raw])
                        # no body: httpx's request would encode an empty one and add
                        # Host each time; the same request, made once per URL
                        request = httpx.Request(method, parsed, headers=full, stream=_NO_BODY,
                                                extensions={"timeout": self._timeout})
                        if self.cookies.jar:
                            self.cookies.set_cookie_header(request)
                        response = await client.handle_async_request(request)
                    except TimeoutError:
                        raise
                    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
                        kind, text = _error_kind(exc)
                        return Attempt(error=kind, error_text=text)
                    response.request = request
                    wanted = _headers_of(response)
                    if "set-cookie" in wanted:
                        self.cookies.extract_cookies(response)
                    attempt = Attempt(
                        status=response.status_code,
                        location=wanted.get("location"),
                        retry_after=wanted.get("retry-after"),
                        challenge="cf-mitigated" in wanted,
                    )
                    if method == "GET" and not 300 <= response.status_code < 400:
                        await self._read_body(response, attempt, want_body)
                    else:
                        await self._drain(response)
            except TimeoutError:
                if response is None:
                    return Attempt(error="timeout", error_text="timed out")
                attempt.fragments = None
                if want_body:  # the status stands; the page's ids are unknown
                    attempt.body_note = (
                        f"the body was not read within {fmt_seconds(self.config.timeout)}")
            finally:
                if response is not None:
                    self.stats.bytes_read += response.num_bytes_downloaded
                    await response.aclose()
            return attempt

    @staticmethod
    async def _drain(response: httpx.Response) -> None:
        """Read a HEAD answer's end or a redirect's (small) body so that the connection
        goes back to the pool; closing a response before its end closes the connection."""
        if getattr(response.stream, "at_end", False):  # an answer to HEAD, read already
            return
        try:
            async for _chunk in response.aiter_raw():
                if response.num_bytes_downloaded >= PROBE_BODY_BYTES:
                    break
        except (httpx.HTTPError, OSError):
            pass

    async def _read_body(self, response: httpx.Response, attempt: Attempt, want: bool) -> None:
        cap = self.config.max_body_bytes
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        html_page = ctype in ("text/html", "application/xhtml+xml")
        try:
            if want and html_page and self.config.accepts(response.status_code):
                chunks: list[bytes] = []
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    if response.num_bytes_downloaded >= cap:
                        attempt.body_note = f"only the first {cap} bytes were read"
                        break
                encoding = response.charset_encoding or "utf-8"
                try:
                    text = b"".join(chunks).decode(encoding, errors="replace")
                except LookupError:
                    text = b"".join(chunks).decode("utf-8", errors="replace")
                attempt.fragments = html_fragments(text)
            else:
                limit = min(cap, PROBE_BODY_BYTES)
                async for _chunk in response.aiter_raw():
                    if response.num_bytes_downloaded >= limit:
                        break
        except httpx.DecodingError as exc:
            attempt.body_note = f"the body could not be decoded ({exc})"
        except (httpx.HTTPError, OSError) as exc:
            attempt.body_note = f"reading the body failed ({_error_kind(exc)[1]})"

    # -- retries -----------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        cfg = self.config
        ceiling = min(cfg.backoff_max, cfg.backoff_base * (2**attempt))
        return ceiling * (0.5 + 0.5 * self.random.random())

    async def _send_retrying(
        self, url: str, method: str, want_body: bool, insecure: bool, tally: list[int]
    ) -> Attempt:
        """Send with retries; ``tally[0]`` counts the retries made.

        GET retries 429, 5xx (not 501) and connect errors/timeouts/resets. HEAD retries
        429 and errors GET would meet as well (refused, DNS, unreachable); its other
        failures make :meth:`_probe` try GET instead."""
        cfg = self.config
        attempt_no = 0
        while True:
            result = await self._send(url, method, want_body, insecure)
            status = result.status
            if result.challenge:
                retryable = False  # a challenge page will not go away by asking again
            elif status is not None:
                retryable = status == 429 or (
                    method == "GET" and 500 <= status <= 599 and status != 501
                )
            elif method == "GET":
                retryable = result.error in _RETRYABLE_ERRORS
            else:  # HEAD: only errors that GET would meet too; others fall back to GET
                retryable = result.error in _HEAD_RETRYABLE_ERRORS
            if not retryable or attempt_no >= cfg.retries:
                return result
            pause = parse_retry_after(result.retry_after) if status is not None else None
            if pause is None:
                pause = self._backoff(attempt_no)
            pause = min(pause, cfg.max_retry_after)
            if status == 429:  # slow the whole host, not only this URL
                state = self._host(self._host_name(url))
                now = self.clock()
                window = now + pause + THROTTLE_WINDOW_FACTOR * pause
                if now >= state.episode_until:
                    # the first 429 of an episode pauses the whole host once; later
                    # first-time 429s in the episode make only their own URL wait its
                    # Retry-After, or 20 rate-limited URLs would stack 20 pauses on
                    # every other URL of the host
                    state.not_before = max(state.not_before, now + pause)
                    state.episode_until = window
                if attempt_no > 0:
                    # asked again after the pause the server wanted and still limited:
                    # the host limits us as a client, so one request at a time for a
                    # while after the pause, then back to normal (a permanent crawl
                    # would make one 429 cost the rest of the run)
                    state.not_before = max(state.not_before, now + pause)
                    state.throttled = True
                    state.throttled_until = max(state.throttled_until, window)
            attempt_no += 1
            tally[0] += 1
            self.stats.retries += 1
            await self.sleep(pause)

    # -- one URL through its redirects ---------------------------------------------
    async def _follow(
        self, url: str, method: str, want_body: bool, insecure: bool
    ) -> Outcome:
        """Follow redirects from ``url`` with ``method``; every hop passes the address
        check first. Returns where it ended (a refused hop is ``Outcome.refused``)."""
        cfg = self.config
        chain: list[tuple[int, str]] = []
        visits: dict[str, int] = {normalize_url(url): 1}
        current = url
        tally = [0]
        while True:
            try:
                refusal = await self.resolver.check(self._host_name(current))
            except OSError as exc:
                kind, text = _error_kind(exc)
                self._network_failure(kind, self._host_name(current))
                return Outcome(Attempt(error=kind, error_text=text), current, chain, None,
                               tally[0])
            if refusal:
                where = "redirect target " if chain else ""
                why = f"not checked: {where}{refusal} (use --allow-private to check it)"
                return Outcome(Attempt(), current, chain, why, tally[0], refused=True)
            attempt = await self._send_retrying(current, method, want_body, insecure, tally)
            status = attempt.status
            if status is not None:
                self.reached += 1
            elif attempt.error is not None:
                self._network_failure(attempt.error, self._host_name(current))
            if status is None or status not in _REDIRECTS or (
                status == 300 and not attempt.location
            ):
                return Outcome(attempt, current, chain, None, tally[0])
            if not attempt.location:
                return Outcome(attempt, current, chain, (
                    f"{reason_phrase(status)} without a Location header"
                ), tally[0])
            try:
                target = urljoin(current, attempt.location.strip())
                parts = urlsplit(target)
                scheme = parts.scheme.lower()
                if scheme in ("http", "https"):
                    if not parts.hostname or parts.port == 0:  # .port raises if out of range
                        raise ValueError("no host name")
                    self._parsed[target] = httpx.URL(target)  # what the request is built from
            except (ValueError, httpx.InvalidURL):
                return Outcome(attempt, current, chain, (
                    f"invalid redirect: {reason_phrase(status)} with a Location that is "
                    f"not a valid URL ({attempt.location!r})"
                ), tally[0])
            chain.append((status, target))
            if scheme not in ("http", "https"):
                return Outcome(attempt, current, chain, (
                    f"redirect to a non-HTTP URL ({target}) was not followed"
                ), tally[0])
            key = normalize_url(target)
            visits[key] = visits.get(key, 0) + 1
            if visits[key] > 2:  # one bounce back (e.g. a cookie being set) is allowed
                loop = " → ".join([url] + [loc for _s, loc in chain])
                return Outcome(attempt, current, chain, f"redirect loop: {loop}", tally[0])
            if len(chain) > cfg.max_redirects:
                return Outcome(attempt, current, chain, (
                    f"too many redirects (more than {cfg.max_redirects})"
                ), tally[0])
            current = target

    def _network_failure(self, kind: str | None, host: str) -> None:
        """Note a network-level failure; stop the run early when nothing is reachable."""
        if kind not in _NETWORK_ERRORS or self.offline:
            return
        self.failed_hosts.add(host)
        reached = self.reached + self.resolver.public_answers
        if reached == 0 and len(self.failed_hosts) >= NETWORK_DOWN_EARLY_HOSTS:
            self.offline = True
            current = asyncio.current_task()
            for task in self.tasks:
                if task is not current and not task.done():
                    task.cancel()

    async def _probe(self, url: str, want_body: bool) -> LinkResult:
        """Check one normalised http(s) URL: HEAD, then GET if needed, TLS fallback."""
        insecure = False
        tls_note = ""
        while True:
            outcome = None
            if not want_body:
                outcome = await self._follow(url, "HEAD", False, insecure)
                attempt = outcome.attempt
                fallback = (
                    outcome.problem is None
                    and (
                        (attempt.status is not None
                         and (attempt.status in HEAD_FALLBACK or attempt.status >= 500))
                        or attempt.error in _HEAD_FALLBACK_ERRORS
                    )
                )
                if fallback:
                    outcome = None
            if outcome is None:
                outcome = await self._follow(url, "GET", want_body, insecure)
            attempt = outcome.attempt
            if attempt.error == "tls" and not insecure:
                insecure, tls_note = True, attempt.error_text
                continue
            if outcome.problem is None and attempt.error is not None:
                self.kinds[url] = attempt.error
            return classify(url, outcome, tls_note, accepts=self.config.accepts,
                            timeout=self.config.timeout, checked_at=time.time())

    # -- the run -----------------------------------------------------------------
    def _pre_skip(self, written: str, url: str) -> LinkResult | None:
        # one rule for the engine and the cache-first lookup (links/cachefirst.py)
        return pre_skip(self.config, written, url, time.time())

    async def run(self, urls: Iterable[str]) -> EngineRun:
        async def one_batch() -> AsyncIterator[list[str]]:
            yield list(urls)

        return await self.run_stream(one_batch())

    async def run_stream(self, batches: AsyncIterable[list[str]]) -> EngineRun:
        """Check the URLs of ``batches`` (lists of written URLs, in first-seen order),
        each new normalised URL started as soon as its batch arrives; the report once
        the last batch is in and every check is done. With ``check_fragments`` every
        batch is read first (a URL's later spelling with a ``#fragment`` changes how it
        is checked). The report is the one :meth:`run` gives for the batches joined."""
        started = time.monotonic()
        cfg = self.config
        report = EngineRun(stats=self.stats)
        self.tasks = []
        self.client = None  # made for the first URL that needs the network
        wanted: dict[str, bool] = {}  # normalised -> read body for fragments
        written_of: dict[str, str] = {}
        cache: LinkCache | None = None
        if cfg.use_cache:
            cache = LinkCache(
                cfg.cache_path or default_cache_path(),
                max_age_ok=cfg.cache_max_age_ok,
                max_age_fail=cfg.cache_max_age_fail,
                fingerprint=cfg.fingerprint(),
            )
            report.warnings.extend(cache.load())
        todo: list[str] = []
        done = 0
        total = 0
        not_checked: list[str] = []
        out_of_time_reason = (
            f"not checked: the link check's time limit (--max-time "
            f"{fmt_seconds(cfg.max_time or 0)}) ran out before this link was checked"
        )

        def finish(result: LinkResult) -> None:
            nonlocal done
            if self.digests:
                result.rules_digest  # noqa: B018 - computed now, kept on the result
            report.results[result.url] = result
            done += 1
            if self.on_result is not None:
                self.on_result(result, done, total)

        async def one(key: str) -> None:
            try:
                result = await self._probe(key, wanted[key])
            except asyncio.CancelledError:
                if self.out_of_time:
                    result = LinkResult(key, "unverified", reason=out_of_time_reason,
                                        checked_at=time.time())
                    not_checked.append(key)
                    finish(result)
                    return
                if not self.offline:
                    raise
                self.kinds[key] = "offline"
                result = LinkResult(key, "unverified", reason="not attempted",
                                    checked_at=time.time())
            except Exception as exc:  # noqa: BLE001 - one odd URL must not stop the run
                result = LinkResult(key, "unverified", reason=f"internal error: {exc!r}",
                                    checked_at=time.time())
            finish(result)

        def admit(keys: list[str]) -> None:
            nonlocal total
            total += len(keys)
            self.stats.urls = total
            for key in keys:
                skipped = self._pre_skip(written_of[key], key)
                if skipped is not None:
                    finish(skipped)
                    continue
                cached = cache.get(key) if cache is not None else None
                if cached is not None and not (
                    wanted[key] and cached.status == "ok" and cached.fragments is None
                ):
                    self.stats.cache_hits += 1
                    finish(cached)
                    continue
                todo.append(key)
                if self.offline:  # the network went away: the rest is not attempted
                    self.kinds[key] = "offline"
                    finish(LinkResult(key, "unverified", reason="not attempted",
                                      checked_at=time.time()))
                    continue
                if self.client is None:
                    self.client = self._make_client(verify=True)
                self.tasks.append(asyncio.create_task(one(key)))

        held: list[str] = []  # with check_fragments: admitted once every batch is in
        settled = False  # every task done
        try:
            async for batch in batches:
                new: list[str] = []
                for written in batch:
                    key = normalize_url(written)
                    _, frag = split_fragment(written)
                    if key not in wanted:
                        new.append(key)
                        wanted[key] = False
                        written_of[key] = written
                    wanted[key] = wanted[key] or (cfg.check_fragments and bool(frag))
                if cfg.check_fragments:
                    held.extend(new)
                else:
                    admit(new)
            admit(held)
            if self.tasks:
                left = None if cfg.max_time is None else cfg.max_time - (
                    time.monotonic() - started)
                _done, pending = await asyncio.wait(
                    self.tasks, timeout=None if left is None else max(left, 0.0))
                if pending:
                    self.out_of_time = True
                    for task in pending:
                        task.cancel()
                    await asyncio.wait(pending)
            settled = True
            for task in self.tasks:
                if task.done() and not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            if not settled:  # the stream failed: stop what it started
                if self.tasks:
                    for task in self.tasks:
                        task.cancel()
                    await asyncio.wait(self.tasks)
                await self._close_clients()
        try:
            return self._finish_report(report, todo, wanted, not_checked, total, started,
                                       cache)
        finally:  # after the report went on (before_save): the caller works meanwhile
            await self._close_clients()

    async def _close_clients(self) -> None:
        """Close the transports (and so every kept-alive connection); idempotent."""
        client, self.client = self.client, None
        insecure, self.insecure = self.insecure, None
        if client is not None:
            await client.aclose()
        if insecure is not None:
            await insecure.aclose()

    def _finish_report(self, report: EngineRun, todo: list[str], wanted: dict[str, bool],
                       not_checked: list[str], total: int, started: float,
                       cache: LinkCache | None) -> EngineRun:
        """The end of :meth:`run_stream` once every check is done: the network-down
        verdict, the time-limit warning, first-seen order, ``before_save`` (the report
        is whole then but for the cache's warnings), then the link cache written."""
        cfg = self.config
        checked = [key for key in todo if report.results[key].status != "skipped"]
        offline = self._network_down(checked)
        if offline:
            report.network_error = network_unavailable_message(len(checked))
            for key in checked:
                old = report.results[key]
                report.results[key] = replace(
                    old, status="unverified",
                    reason=f"not checked: network unavailable ({old.reason})",
                )
        if not_checked:
            noun = "link" if len(not_checked) == 1 else "links"
            report.warnings.append(
                f"link check stopped at its time limit (--max-time "
                f"{fmt_seconds(cfg.max_time or 0)}): {len(not_checked)} external {noun} "
                f"of {total} not checked")
        # first-seen order of the input, whatever order the checks finished in
        results = report.results
        report.results = {key: results[key] for key in wanted}
        self.stats.elapsed = time.monotonic() - started
        if self.before_save is not None:  # the report is whole but for save warnings
            self.before_save(report)
        if cache is not None and not offline:
            unchecked = set(not_checked)
            for key in todo:
                if key not in unchecked:  # never cache "ran out of time"
                    cache.put(results[key])
            report.warnings.extend(cache.save())
        return report

    def _network_down(self, checked: list[str]) -> bool:
        if self.offline:
            return True
        if not checked:
            return False
        kinds = [self.kinds.get(key) for key in checked]
        if not all(kind in _NETWORK_ERRORS for kind in kinds):
            return False
        if any(kind != "dns_notfound" for kind in kinds):
            return True
        return len({self._host_name(key) for key in checked}) >= NETWORK_DOWN_MIN_HOSTS


async def check_urls(
    urls: Iterable[str],
    config: EngineConfig | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: ResolveFunc | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    clock: Callable[[], float] | None = None,
    on_result: Callable[[LinkResult, int, int], None] | None = None,
) -> EngineRun:
    """Check every unique URL of ``urls`` once and return an :class:`EngineRun`.

    Args:
        urls: absolute URLs as written in documents (fragments allowed; duplicates and
            spelling variants are checked once, keyed by ``normalize_url``).
        config: settings (default :class:`EngineConfig()`).
        transport: an ``httpx`` transport to use instead of the network (tests pass
            ``respx``/``httpx.MockTransport``). The address check still runs per hop
            through ``resolver``; pinning connections to checked IPs needs the default.
        resolver: async ``host -> [ip, ...]`` used for the address check and for
            connecting (default: system ``getaddrinfo``); tests pass a fake.
        sleep: async pause function in seconds (default ``asyncio.sleep``).
        clock: monotonic clock in seconds used for host pacing (default
            ``time.monotonic``); pass one advanced by ``sleep`` in tests.
        on_result: called as ``on_result(result, done, total)`` after each URL, for a
            progress display.

    Returns:
        The report; every unique normalised URL has a result. Never raises for a bad
        URL or network failure (those become results); the cache may add warnings.
    """
    engine = _Engine(
        config or EngineConfig(),
        transport=transport, resolver=resolver, sleep=sleep, clock=clock, on_result=on_result,
    )
    return await engine.run(urls)


async def check_url_stream(
    batches: AsyncIterable[list[str]],
    config: EngineConfig | None = None,
    **kwargs: Any,
) -> EngineRun:
    """:func:`check_urls` for URLs that arrive in batches (e.g. page by page while the
    pages are still being read): each new URL is started as soon as its batch is in,
    and the report is the one :func:`check_urls` gives for the batches joined in order.

    Args:
        batches: lists of URLs as written; the run ends after the last one.
        config, kwargs: as for :func:`check_urls`; ``on_result``'s ``total`` grows as
            batches arrive. ``before_save``: called with the report once every result
            is in, before the link cache is written and the connections are closed
            (with no cache to write too; the report's only later change is the
            cache's warnings appended to ``warnings``): a caller in another process
            can send it on while the rest is done. ``digests``: when True, each
            result's :attr:`LinkResult.rules_digest` is computed as the result comes in
            (the engine's child does it for the parent's result cache, which asks it of
            every result once the report is in: it is then pickled with the result).
    """
    engine = _Engine(config or EngineConfig(), transport=kwargs.get("transport"),
                     resolver=kwargs.get("resolver"), sleep=kwargs.get("sleep"),
                     clock=kwargs.get("clock"), on_result=kwargs.get("on_result"))
    engine.before_save = kwargs.get("before_save")
    engine.digests = bool(kwargs.get("digests", False))
    return await engine.run_stream(batches)


def check_urls_sync(
    urls: Iterable[str], config: EngineConfig | None = None, **kwargs: Any
) -> EngineRun:
    """Run :func:`check_urls` to completion with ``asyncio.run`` and return its report.

    Takes the same arguments. Must not be called from a running event loop (raises
    ``RuntimeError`` there, as ``asyncio.run`` does).
    """
    return asyncio.run(check_urls(urls, config, **kwargs))
