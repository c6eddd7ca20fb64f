"""Refuse to send requests to loopback, private, link-local or unspecified addresses.

A link in a public document must not make the checker talk to the machine it runs
on or to the CI runner's internal network (a request to ``http://169.254.169.254/``
can leak cloud credentials; see OWASP's SSRF prevention cheat sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).

The check is on the *resolved* IP addresses, so a public-looking name that resolves
to ``127.0.0.1`` is refused too. :class:`HostResolver` resolves each host once per run
and caches the answer; the engine asks it before every request (first hop and each
redirect hop), and :func:`guarded_transport` builds an ``httpx`` transport whose
connections are opened only to the addresses that passed the check (the connection
is pinned to the checked IP, which closes the DNS-rebinding gap between check and
connect).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore
import httpcore._utils  # is_socket_readable, for idle connections
import httpx

from playbook_lint.links.http11 import H11Connection, open_stream

__all__ = [
    "ResolveFunc",
    "PrivateAddressError",
    "HostResolver",
    "refusal_reason",
    "guarded_transport",
    "PerOriginTransport",
]

#: An async function ``(host) -> list of IP address strings``; raises ``socket.gaierror``.
ResolveFunc = Callable[[str], Awaitable[Sequence[str]]]


class PrivateAddressError(OSError):
    """Raised at connect time when every address of a host is refused.

    Attributes:
        host: the host name as requested.
        reason: a sentence such as ``"127.0.0.1 is a loopback address"``.
    """

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"refused to connect to {host}: {reason}")
        self.host = host
        self.reason = reason


@functools.lru_cache(maxsize=4096)  # pure; 50-130 us an address, asked per request
def refusal_reason(ip: str) -> str | None:
    """Return why ``ip`` must not be contacted, or None if it is a public address.

    Args:
        ip: an IPv4 or IPv6 address as text (``"10.0.0.1"``, ``"::1"``, ``"fe80::1%eth0"``).

    Returns:
        ``None`` for public addresses, otherwise a sentence such as
        ``"10.0.0.1 is a private address"``. Refused, using Python's ``ipaddress``
        properties plus the IANA special-purpose registries
        (https://www.iana.org/assignments/iana-ipv4-special-registry/,
        https://www.iana.org/assignments/iana-ipv6-special-registry/):
        loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10),
        unspecified (0.0.0.0, ::), multicast, private (RFC 1918, RFC 4193 fc00::/7,
        100.64.0.0/10 shared space and the other ranges ``is_private`` marks:
        documentation, benchmarking, 0.0.0.0/8, ...), site-local fec0::/10, reserved
        (240.0.0.0/4, ::/8 including IPv4-compatible ::a.b.c.d, ...), and any other
        special-purpose range that is not globally reachable (192.0.0.0/24 such as
        192.0.0.8, 192.88.99.0/24, local-use NAT64 64:ff9b:1::/48, ...).
        Addresses that carry an IPv4 address are judged by it too: IPv4-mapped
        (``::ffff:127.0.0.1`` is judged as 127.0.0.1), 6to4 2002::/16
        (``2002:7f00:1::1`` wraps 127.0.0.1), NAT64 64:ff9b::/96 (RFC 6052) and Teredo
        2001::/32 (server and client). Text that is not an IP address is refused
        (``"... is not an IP address"``).
    """
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return f"{ip} is not an IP address"
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:  # judged as the IPv4 address itself
            kind = _refused_kind(addr.ipv4_mapped)
            return None if kind is None else f"{ip} is {kind}"
        for wrapper, inner in _wrapped_ipv4(addr):
            kind = _refused_kind(inner)
            if kind is not None:
                return f"{ip} is {wrapper} wrapping {inner}, {kind}"
        if addr in _NAT64 or addr in _SIXTOFOUR:
            return None  # a public IPv4 address reached through NAT64 or 6to4
    kind = _refused_kind(addr)
    return None if kind is None else f"{ip} is {kind}"


def _wrapped_ipv4(
    addr: ipaddress.IPv6Address,
) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries: (wrapper description, address)."""
    out: list[tuple[str, ipaddress.IPv4Address]] = []
    if addr.sixtofour is not None:
        out.append(("a 6to4 address", addr.sixtofour))
    if addr in _NAT64:
        out.append(("a NAT64 address", ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)))
    if addr.teredo is not None:
        server, client = addr.teredo
        out += [("a Teredo address", server), ("a Teredo address", client)]
    return out


def _refused_kind(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """``"a loopback address"`` etc. for an address that must not be contacted, or None."""
    if addr.is_loopback:
        return "a loopback address"
    if addr.is_link_local:
        return "a link-local address"
    if addr.is_unspecified:
        return "an unspecified address"
    if addr.is_multicast:
        return "a multicast address"
    if addr.is_private or addr in _SHARED_SPACE:
        return "a private address"
    if isinstance(addr, ipaddress.IPv6Address) and addr.is_site_local:
        return "a site-local address"
    if addr.is_reserved:
        return "a reserved address"
    if any(addr in net for net in _SPECIAL) and not any(addr in net for net in _GLOBAL):
        return "a special-purpose address"
    if not addr.is_global:
        return "a special-purpose address"
    return None


_SHARED_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, not is_private in 3.11
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix
_SIXTOFOUR = ipaddress.ip_network("2002::/16")  # RFC 3056
#: IANA special-purpose ranges that are not globally reachable but that some Python
#: versions' ``ipaddress`` does not mark (3.11 knows only 192.0.0.0/29 of 192.0.0.0/24).
_SPECIAL = tuple(ipaddress.ip_network(n) for n in (
    "192.0.0.0/24",     # IETF protocol assignments (RFC 6890), e.g. 192.0.0.8 (RFC 7600)
    "192.88.99.0/24",   # deprecated 6to4 relay anycast (RFC 7526)
    "64:ff9b:1::/48",   # local-use NAT64 (RFC 8215)
    "5f00::/16",        # SRv6 SIDs (RFC 9602)
    "3fff::/20",        # documentation (RFC 9637)
))
#: The globally reachable exceptions inside ``_SPECIAL`` (IANA registry).
_GLOBAL = tuple(ipaddress.ip_network(n) for n in ("192.0.0.9/32", "192.0.0.10/32"))


_NOT_FOUND = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def _deliver(fut: asyncio.Future[list[str]], value: list[str] | None,
             exc: BaseException | None) -> None:
    if fut.done():  # the waiter gave up (timeout, cancelled run)
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(value or [])


async def _system_resolve(host: str) -> list[str]:
    """Resolve ``host`` with ``getaddrinfo`` in a daemon thread.

    A daemon thread rather than the loop's executor: when DNS hangs (5-10 s per name
    on a machine without network), an abandoned lookup must neither block the other
    lookups nor keep the process alive at exit.
    """
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[list[str]] = loop.create_future()

    def work() -> None:
        value: list[str] | None = None
        error: BaseException | None = None
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            value = []
            for info in infos:
                ip = str(info[4][0])
                if ip not in value:
                    value.append(ip)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            error = exc
        try:
            loop.call_soon_threadsafe(_deliver, fut, value, error)
        except RuntimeError:  # the loop has closed meanwhile
            pass

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    return await fut


def _literal_ip(host: str) -> str | None:
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return None
    return bare


class HostResolver:
    """Resolve host names once per run and judge the answers.

    Args:
        resolve: async ``(host) -> [ip, ...]``; defaults to the system resolver
            (``getaddrinfo``). Tests pass a fake so no DNS is used.
        allow_private: when True, nothing is refused and :meth:`check` does not resolve.
        timeout: seconds a lookup may take before it counts as a temporary DNS failure
            (``socket.gaierror`` with ``EAI_AGAIN``); None waits for the resolver.
        max_parallel: lookups in progress at once.

    Errors from ``resolve`` (``socket.gaierror``, ``OSError``) propagate from
    :meth:`resolve`/:meth:`check`; a failed lookup is cached for the run too.
    """

    def __init__(
        self,
        resolve: ResolveFunc | None = None,
        *,
        allow_private: bool = False,
        timeout: float | None = None,
        max_parallel: int = 32,
    ) -> None:
        self._resolve = resolve or _system_resolve
        self._timeout = timeout
        self._parallel = asyncio.Semaphore(max_parallel)
        self.allow_private = allow_private
        self._cache: dict[str, asyncio.Future[list[str]]] = {}
        #: host -> check()'s answer, once its lookup succeeded (answers are kept for
        #: the run, so the verdict cannot change; asked before every request)
        self._verdicts: dict[str, str | None] = {}
        #: number of lookups actually made (not answered from the run cache)
        self.lookups = 0
        #: lookups that returned at least one public address (proof the DNS works;
        #: ``localhost`` from /etc/hosts proves nothing)
        self.public_answers = 0

    async def resolve(self, host: str) -> list[str]:
        """Return the IP addresses of ``host`` (an IP literal is returned as itself)."""
        host = host.lower()
        literal = _literal_ip(host)
        if literal is not None:
            return [literal]
        fut = self._cache.get(host)
        if fut is None:
            fut = asyncio.get_running_loop().create_future()
            self._cache[host] = fut
            self.lookups += 1
            try:
                async with self._parallel:
                    try:
                        ips = list(await asyncio.wait_for(self._resolve(host), self._timeout))
                    except TimeoutError:
                        raise socket.gaierror(
                            socket.EAI_AGAIN, f"timed out after {self._timeout:g} s"
                        ) from None
                if not ips:
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
                if any(refusal_reason(ip) is None for ip in ips):
                    self.public_answers += 1
                fut.set_result(ips)
            except BaseException as exc:
                # A definite "no such name" is kept for the run; a temporary failure is
                # forgotten so a retry asks again.
                if not (isinstance(exc, socket.gaierror) and exc.errno in _NOT_FOUND):
                    del self._cache[host]
                fut.set_exception(exc)
                fut.exception()  # mark retrieved so asyncio does not log it
                raise
        return list(await asyncio.shield(fut))

    async def check(self, host: str) -> str | None:
        """Return a refusal sentence if ``host`` resolves only to refused addresses.

        The sentence is ``"127.0.0.1 is a loopback address"`` for an IP literal and
        ``"intranet.example resolves to 10.0.0.5, a private address"`` for a name.
        Returns None when the host may be contacted (at least one public address, or
        ``allow_private``). A host with both public and private addresses is allowed,
        and :func:`guarded_transport` then connects only to the public ones.
        Raises ``socket.gaierror``/``OSError`` when the lookup fails.
        """
        if self.allow_private:
            return None
        host = host.lower()
        if host in self._verdicts:
            return self._verdicts[host]
        ips = await self.resolve(host)
        reasons = [refusal_reason(ip) for ip in ips]
        verdict: str | None = None
        if all(reasons):
            verdict = str(reasons[0])
            if _literal_ip(host) is None:
                verdict = f"{host} resolves to " + verdict.replace(" is a", ", a", 1)
        self._verdicts[host] = verdict
        return verdict

    async def allowed_ips(self, host: str) -> list[str]:
        """Return the addresses of ``host`` that may be contacted, in resolver order.

        Raises :class:`PrivateAddressError` when none may, ``socket.gaierror`` when
        the lookup fails.
        """
        ips = await self.resolve(host)
        if self.allow_private:
            return ips
        allowed = [ip for ip in ips if refusal_reason(ip) is None]
        if not allowed:
            raise PrivateAddressError(host, str(refusal_reason(ips[0])))
        return allowed


class _AsyncioStream(httpcore.AsyncNetworkStream):
    """An httpcore network stream over plain asyncio streams.

    httpcore's default (anyio) streams wrap every read and write in cancel scopes and
    look up socket attributes through layers of wrappers: about a third of the link
    engine's CPU per request in a profile of 2,300 loopback requests. This does the same
    job with ``asyncio.StreamReader``/``StreamWriter`` and ``asyncio.timeout``; errors
    are mapped to httpcore's exceptions with the cause kept (the engine reads it).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc) or "timed out") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc) or "timed out") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            self._writer.close()
            raise httpcore.ConnectTimeout(str(exc) or "TLS handshake timed out") from exc
        except (OSError, ssl.SSLError) as exc:  # SSLError is an OSError; said for the reader
            self._writer.close()
            raise httpcore.ConnectError(str(exc)) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # data or EOF already taken off the socket by asyncio counts as readable
            # (httpcore asks this of idle connections: readable means "server closed")
            reader = self._reader
            buffered = bool(getattr(reader, "_buffer", None))
            if reader.at_eof() or buffered or self._writer.is_closing():
                return True
            sock = self._writer.get_extra_info("socket")
            return httpcore._utils.is_socket_readable(sock)  # type: ignore[attr-defined]
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._writer.get_extra_info(info)
        return None


async def _open_asyncio_stream(
    ip: str, port: int, timeout: float | None, local_address: str | None,
    socket_options: Iterable[Any] | None,
) -> httpcore.AsyncNetworkStream:
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                ip, port, local_addr=(local_address, 0) if local_address else None)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(str(exc) or "connect timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    sock = writer.get_extra_info("socket")
    for option in socket_options or ():
        if sock is not None:
            sock.setsockopt(*option)
    return _AsyncioStream(reader, writer)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Network backend that connects only to addresses :class:`HostResolver` allows.

    Connections are plain asyncio streams (see :class:`_AsyncioStream`); ``inner`` is
    kept for ``sleep``.
    """

    def __init__(self, inner: httpcore.AsyncNetworkBackend, resolver: HostResolver) -> None:
        self._inner = inner
        self._resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            ips = await self._resolver.allowed_ips(host)
        except OSError as exc:  # gaierror, PrivateAddressError: let httpx map it
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for ip in ips:
            try:
                return await _open_asyncio_stream(ip, port, timeout, local_address,
                                                  socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the link engine")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


try:  # httpx's own glue between httpcore and httpx (stable since 0.23, not public)
    from httpx._transports.default import map_httpcore_exceptions
except ImportError:  # pragma: no cover - a future httpx: fall back to its transport
    map_httpcore_exceptions = None  # type: ignore[assignment]


class _Released(httpx.AsyncByteStream):
    """An httpcore response stream as httpx's (its errors mapped to httpx's, as httpx's
    ``AsyncResponseStream`` does, without that extra generator a response) that hands
    its connection back to the pool when closed. ``release`` is called once, on close,
    and may return an awaitable (awaited then)."""

    def __init__(self, inner: Any, release: Callable[[], Awaitable[None] | None]) -> None:
        self._inner = inner
        self._release = release
        #: True once iterating the body reached its end
        self.ended = False

    @property
    def at_end(self) -> bool:
        """True when the body has been read to its end already (nothing to iterate)."""
        return bool(getattr(self._inner, "at_end", False))

    async def __aiter__(self) -> Any:
        with map_httpcore_exceptions():
            async for part in self._inner:
                yield part
        self.ended = True

    async def aclose(self) -> None:
        try:
            if hasattr(self._inner, "aclose"):
                await self._inner.aclose()
        finally:
            pending = self._release()
            if pending is not None:
                await pending


#: httpcore's own send method, to tell when a mock library has replaced it.
_HTTPCORE_SEND = httpcore.AsyncHTTPConnection.handle_async_request
_Connection = H11Connection | httpcore.AsyncHTTPConnection | httpcore.AsyncHTTP2Connection
#: ALPN protocol ids (https://www.iana.org/assignments/tls-extensiontype-values/,
#: "ALPN Protocol IDs"), in the client's order of preference.
ALPN_HTTP2 = ["h2", "http/1.1"]
#: Times one request may find the origin's HTTP/2 connection gone (GOAWAY, closed)
#: and open another before the error is the request's.
_H2_ATTEMPTS = 3


class _OriginPool(httpx.AsyncBaseTransport):
    """Keep-alive connections to one origin: HTTP/1.1 one request on each at a time,
    or one HTTP/2 connection that carries every request.

    A lean stand-in for ``httpcore.AsyncConnectionPool``, whose bookkeeping (locks,
    cancellation shields, a scan of every connection and queued request on each
    request's start and end) was a fifth of the engine's CPU per request. The engine
    already bounds the requests in flight per host, so this pool only has to reuse an
    idle connection or open a new one. HTTP/1.1 connections are
    :class:`~playbook_lint.links.http11.H11Connection` objects (h11 without httpcore's
    per-request locks and traces); while a mock library (respx) has replaced
    ``httpcore.AsyncHTTPConnection.handle_async_request``, they are httpcore's, so
    mocked tests see every request as before.

    With ``http2`` (the ``h2`` package is installed) an ``https`` origin's first
    connection offers HTTP/2 by ALPN (RFC 7301) and the requests that arrive meanwhile
    wait for its answer: ``h2`` makes it the origin's one connection
    (``httpcore.AsyncHTTP2Connection``, requests multiplexed as streams; how many at
    once is the engine's per-host limit), anything else (``http/1.1``, no ALPN) makes
    the origin an HTTP/1.1 one for the rest of the run. ``http://`` origins never
    negotiate. Every connection, HTTP/2 too, is opened by ``backend`` (the address
    guard).
    """

    def __init__(self, backend: httpcore.AsyncNetworkBackend,
                 ssl_context: Callable[[], ssl.SSLContext],
                 keepalive_expiry: float | None, *, http2: bool = False) -> None:
        self._backend = backend
        self._ssl_context = ssl_context  # called for https origins only
        self._expiry = keepalive_expiry
        self._http2 = http2
        self._idle: list[_Connection] = []
        self._all: set[_Connection] = set()
        #: the origin's HTTP/2 connection while it takes requests
        self._h2: httpcore.AsyncHTTP2Connection | None = None
        #: the protocol the origin's server chose by ALPN ("h2", "http/1.1"), once known
        self._alpn: str | None = None
        #: set while the first connection is being opened and its ALPN answer is unknown
        self._negotiating: asyncio.Future[None] | None = None
        #: HTTP/2 connections that take no new requests and close once idle
        self._retired: set[httpcore.AsyncHTTP2Connection] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        https = url.raw_scheme == b"https"
        origin = httpcore.Origin(url.raw_scheme, url.raw_host, url.port or (
            443 if https else 80))
        ssl_context = self._ssl_context() if https else None
        if (https and self._http2
                and httpcore.AsyncHTTPConnection.handle_async_request is _HTTPCORE_SEND):
            return await self._negotiated(request, origin, ssl_context)
        return await self._h11_request(request, origin, ssl_context, None)

    async def _negotiated(self, request: httpx.Request, origin: httpcore.Origin,
                          ssl_context: ssl.SSLContext | None) -> httpx.Response:
        """Send on the origin's HTTP/2 connection or an idle HTTP/1.1 one; a connection
        opened here speaks what the server chose by ALPN for it. While the origin's
        first connection waits for that answer, other requests wait for it too."""
        attempts = 0
        while True:
            h2conn = self._h2
            if h2conn is not None:
                if h2conn.is_available() and not h2conn.has_expired():
                    attempts += 1
                    response = await self._h2_request(h2conn, request, origin,
                                                      last=attempts >= _H2_ATTEMPTS)
                    if response is not None:
                        return response
                self._forget_h2(h2conn)
                await h2conn.aclose()
                continue
            if self._alpn == "http/1.1":
                idle = await self._take_idle()
                if idle is not None:
                    return await self._h11_request(request, origin, ssl_context, idle)
            elif self._negotiating is not None:  # another request opens the first one
                await asyncio.shield(self._negotiating)
                continue
            waiters = None
            if self._alpn is None:
                waiters = self._negotiating = asyncio.get_running_loop().create_future()
            try:
                with map_httpcore_exceptions():
                    stream = await self._open_tls(origin, ssl_context, request.extensions)
            finally:
                if waiters is not None:
                    self._negotiating = None
                    waiters.set_result(None)
            ssl_object = stream.get_extra_info("ssl_object")
            protocol = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
            if protocol == "h2":
                if self._h2 is not None:  # another new connection got there first
                    await stream.aclose()
                    continue
                self._alpn = "h2"
                self._h2 = httpcore.AsyncHTTP2Connection(
                    origin=origin, stream=stream, keepalive_expiry=self._expiry)
                self._all.add(self._h2)
                continue
            # "http/1.1", or no ALPN answer: HTTP/1.1 (RFC 7301 section 3.2)
            self._alpn = "http/1.1"
            conn = H11Connection(origin, ssl_context, self._backend, self._expiry,
                                 stream=stream)
            self._all.add(conn)
            return await self._h11_request(request, origin, ssl_context, conn)

    async def _take_idle(self) -> _Connection | None:
        """An idle HTTP/1.1 connection that may be reused (expired ones are closed)."""
        while self._idle:
            candidate = self._idle.pop()
            if candidate.is_idle() and not candidate.has_expired():
                return candidate
            self._all.discard(candidate)
            await candidate.aclose()
        return None

    async def _open_tls(self, origin: httpcore.Origin, ssl_context: ssl.SSLContext | None,
                        extensions: Any) -> httpcore.AsyncNetworkStream:
        """TCP through the guarded backend, then TLS with the SNI name (as H11Connection
        connects); httpcore's connect and TLS errors."""
        assert ssl_context is not None, "https needs an SSL context"
        return await open_stream(self._backend, origin, ssl_context, extensions, None)

    def _forget_h2(self, conn: httpcore.AsyncHTTP2Connection) -> None:
        self._all.discard(conn)
        if self._h2 is conn:
            self._h2 = None
            self._alpn = None  # the next request negotiates again

    async def _h2_request(self, conn: httpcore.AsyncHTTP2Connection, request: httpx.Request,
                          origin: httpcore.Origin, *, last: bool) -> httpx.Response | None:
        """One request on the HTTP/2 connection; None when the connection could take no
        more streams (GOAWAY, closed meanwhile) and ``last`` is False."""
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=origin.port,
                             target=url.raw_path),
            headers=request.headers.raw, content=request.stream,
            extensions=request.extensions)
        with map_httpcore_exceptions():
            try:
                resp = await conn.handle_async_request(core)
            except httpcore.ConnectionNotAvailable:
                if not last:
                    return None
                raise httpcore.RemoteProtocolError(
                    "the server's HTTP/2 connection took no more requests") from None

        # an answer to HEAD, a 204 or a 304 has no body (RFC 9110 sections 6.4.1, 9.3.2)
        bodiless = request.method == "HEAD" or resp.status in (204, 304)

        async def release() -> None:
            if conn.is_closed():
                self._forget_h2(conn)
            elif not (bodiless or body.ended) and conn is self._h2:
                # a body given up before its end: its stream is not reset (httpcore
                # has no call for that), so the server may still send up to a stream
                # window of it, unacknowledged, into the shared connection window;
                # new requests get a new connection, this one ends with its streams
                self._forget_h2(conn)
                self._retired.add(conn)
            for old in [c for c in self._retired if c.is_idle() or c.is_closed()]:
                self._retired.discard(old)
                await old.aclose()

        body = _Released(resp.stream, release)
        return httpx.Response(status_code=resp.status, headers=resp.headers,
                              stream=body, extensions=resp.extensions)

    async def _h11_request(self, request: httpx.Request, origin: httpcore.Origin,
                           ssl_context: ssl.SSLContext | None,
                           conn: _Connection | None) -> httpx.Response:
        """One request on an idle HTTP/1.1 connection (``conn``, or one from the idle
        list, or a new one)."""
        url = request.url
        if conn is None:
            conn = await self._take_idle()
        if conn is None:
            if httpcore.AsyncHTTPConnection.handle_async_request is _HTTPCORE_SEND:
                conn = H11Connection(origin, ssl_context, self._backend, self._expiry)
            else:  # a test double (respx) stands in for httpcore's connections: use them
                conn = httpcore.AsyncHTTPConnection(
                    origin=origin, ssl_context=ssl_context,
                    keepalive_expiry=self._expiry, http1=True, http2=False,
                    network_backend=self._backend)
            self._all.add(conn)
        status: int
        headers: Any
        body: Any
        extensions: Any
        try:
            with map_httpcore_exceptions():
                if isinstance(conn, H11Connection):  # no httpcore models in between
                    status, headers, body, extensions = await conn.exchange(
                        request.method, url.raw_path, request.headers.raw, request.stream,
                        request.extensions)
                else:
                    resp = await conn.handle_async_request(httpcore.Request(
                        method=request.method,
                        url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host,
                                         port=url.port, target=url.raw_path),
                        headers=request.headers.raw, content=request.stream,
                        extensions=request.extensions))
                    status, headers, body, extensions = (
                        resp.status, resp.headers, resp.stream, resp.extensions)
        except BaseException:
            self._all.discard(conn)
            await conn.aclose()
            raise

        def release(conn: _Connection = conn) -> None:
            if conn.is_idle():
                self._idle.append(conn)
            else:  # closed, or given up before its end: httpcore has closed it
                self._all.discard(conn)

        return httpx.Response(status_code=status, headers=headers,
                              stream=_Released(body, release), extensions=extensions)

    async def aclose(self) -> None:
        conns, self._all, self._idle, self._h2 = list(self._all), set(), [], None
        conns += [c for c in self._retired if c not in conns]
        self._retired = set()
        for conn in conns:
            await conn.aclose()


class PerOriginTransport(httpx.AsyncBaseTransport):
    """Route each request to a connection pool of its own origin (scheme, host, port).

    httpcore's pool looks at every connection for every queued request, so one pool
    for a run over many hosts costs time quadratic in the connections open; a pool per
    origin holds at most the per-host limit of connections and keeps each lookup short.
    Connections are kept alive and reused within the origin's pool.

    Args:
        make_pool: called once per new origin; returns the transport for it.
    """

    def __init__(self, make_pool: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._make_pool = make_pool
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncBaseTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through its origin's pool (created on first use)."""
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._make_pool()
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        """Close every origin's pool."""
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


def guarded_transport(
    resolver: HostResolver,
    *,
    verify: ssl.SSLContext | bool = True,
    http2: bool = False,
    limits: httpx.Limits | None = None,
    per_origin: bool = False,
) -> httpx.AsyncBaseTransport:
    """Return an ``httpx`` transport whose TCP connections go through ``resolver``.

    Each connection resolves its host with ``resolver`` (one lookup per host per run)
    and connects to the first allowed address; TLS still verifies the certificate
    against the host name (SNI is the name, not the IP). Environment proxies are not
    used (``trust_env=False``): a proxy would resolve names itself and defeat the check.
    If the installed httpcore has no replaceable backend, the plain transport is
    returned and the engine's per-hop :meth:`HostResolver.check` remains the guard.

    With ``per_origin`` a :class:`PerOriginTransport` is returned whose pool for each
    origin is such a transport with ``limits`` (so ``limits`` is then per host); one SSL
    context is shared by all of them (building one loads the CA bundle, ~10 ms).
    """
    if per_origin:
        if map_httpcore_exceptions is not None:
            backend = _GuardedBackend(httpcore.AnyIOBackend(), resolver)
            expiry = (limits or httpx.Limits()).keepalive_expiry
            given = verify

            # built on the first https origin (loading the CA bundle is ~40 ms of a
            # run that may have no https link), then shared by every origin's pool
            @functools.cache
            def lazy() -> ssl.SSLContext:
                context = given if isinstance(given, ssl.SSLContext) else _ssl_context(given)
                if http2:
                    context.set_alpn_protocols(ALPN_HTTP2)
                return context

            return PerOriginTransport(lambda: _OriginPool(backend, lazy, expiry, http2=http2))
        if verify is True or verify is False:
            verify = _ssl_context(verify)
        shared = verify
        return PerOriginTransport(lambda: guarded_transport(
            resolver, verify=shared, http2=http2, limits=limits))
    transport = httpx.AsyncHTTPTransport(
        verify=verify, http2=http2, limits=limits or httpx.Limits(), trust_env=False
    )
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if isinstance(inner, httpcore.AsyncNetworkBackend):
        pool._network_backend = _GuardedBackend(inner, resolver)  # type: ignore[union-attr]
    return transport


def _ssl_context(verify: bool) -> ssl.SSLContext:
    """An SSL context as httpx builds it: certifi's CA bundle, or no verification."""
    return httpx.create_ssl_context(verify=verify, trust_env=False)
