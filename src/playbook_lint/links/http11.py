"""One keep-alive HTTP/1.1 client connection: h11 over an httpcore network stream.

The link engine's per-origin pools (:class:`~playbook_lint.links.netguard.PerOriginTransport`)
open these instead of ``httpcore.AsyncHTTPConnection``. The wire protocol is the same
(h11, httpx's own HTTP/1.1 state machine); what is left out is what the engine does
not need and pays for on every request: httpcore's per-request ``AsyncLock``s (anyio
locks with cancellation shields: six acquisitions a request), ``Trace`` contexts,
HTTP/2 negotiation (the pool's job: it hands over a connected stream when the server
answered ALPN with http/1.1) and connect retries. A profile of 2,300 loopback requests had
httpcore's connection classes at about 40 % of the engine's CPU.

Interface: the subset of httpcore's connection interface the pools use
(``handle_async_request``, ``is_idle``, ``has_expired``, ``aclose``); errors are
httpcore's exceptions with the same messages (the pool maps them to httpx's, and the
engine reads their text), e.g. ``RemoteProtocolError("Server disconnected without
sending a response.")``.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import h11
import httpcore

__all__ = ["H11Connection"]

#: Bytes asked of the socket per read (httpcore's value).
READ_NUM_BYTES = 64 * 1024
#: Longest response head h11 buffers before giving up (httpcore's value).
MAX_INCOMPLETE_EVENT_SIZE = 100 * 1024

_NEW, _ACTIVE, _IDLE, _CLOSED = range(4)

#: Request header lists h11 has validated, as h11 ``Headers``: the engine sends the
#: same few lists (one per host) thousands of times, and h11's check of every name
#: and value was about a tenth of a request's CPU.
_CHECKED_HEADERS: dict[tuple[tuple[bytes, bytes], ...], Any] = {}
_CHECKED_HEADERS_MAX = 256


async def open_stream(backend: httpcore.AsyncNetworkBackend, origin: httpcore.Origin,
                      ssl_context: ssl.SSLContext | None, extensions: Mapping[str, Any],
                      timeout: float | None) -> httpcore.AsyncNetworkStream:
    """A connected stream to ``origin``: TCP through ``backend``, then for ``https``
    TLS with ``ssl_context`` and the SNI name (the request's ``sni_hostname``
    extension, else the host). ``timeout`` (seconds, None: none) bounds each step.

    Raises:
        httpcore.ConnectError, httpcore.ConnectTimeout: and the backend's own errors
            (the address guard's refusals).
    """
    host = origin.host.decode("ascii")
    stream = await backend.connect_tcp(host, origin.port, timeout=timeout)
    if origin.scheme == b"https":
        assert ssl_context is not None, "https needs an SSL context"
        sni = extensions.get("sni_hostname") or host
        stream = await stream.start_tls(ssl_context, server_hostname=sni, timeout=timeout)
    return stream


class H11Connection:
    """A client connection to one origin, one request at a time, kept alive between them.

    Args:
        origin: the scheme, host and port every request on it goes to.
        ssl_context: used for ``https`` (its ALPN protocols are the caller's business).
        backend: opens the TCP stream (the engine's address-checking backend).
        keepalive_expiry: seconds an idle connection may be reused, or None for no limit.
        stream: a stream connected already (TLS done), e.g. the connection whose ALPN
            answer (``http/1.1``) the pool had to see before it chose this protocol;
            None connects on the first request.
    """

    def __init__(self, origin: httpcore.Origin, ssl_context: ssl.SSLContext | None,
                 backend: httpcore.AsyncNetworkBackend,
                 keepalive_expiry: float | None,
                 stream: httpcore.AsyncNetworkStream | None = None) -> None:
        self._origin = origin
        self._ssl_context = ssl_context
        self._backend = backend
        self._expiry = keepalive_expiry
        self._expire_at: float | None = None
        self._stream: httpcore.AsyncNetworkStream | None = stream
        self._h11 = h11.Connection(
            our_role=h11.CLIENT, max_incomplete_event_size=MAX_INCOMPLETE_EVENT_SIZE)
        self._state = _NEW

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send ``request`` and return the response once its head has arrived.

        The body is read through the response's stream; closing that stream makes the
        connection idle again (when the exchange ended cleanly) or closes it.
        Raises ``httpcore.ConnectionNotAvailable`` when a request is already running,
        and httpcore's connect, read, write and protocol errors.
        """
        status, headers, body, extensions = await self.exchange(
            request.method, request.url.target, request.headers, request.stream,
            request.extensions)
        return httpcore.Response(status=status, headers=headers, content=body,
                                 extensions=extensions)

    async def exchange(self, method: bytes | str, target: bytes,
                       headers: list[tuple[bytes, bytes]], stream: Any,
                       extensions: Mapping[str, Any]) -> tuple[int, list[tuple[bytes, bytes]],
                                                            _Body, dict[str, Any]]:
        """:meth:`handle_async_request` without httpcore's request and response models
        (their header checks cost a tenth of a request; h11 checks the request's
        headers itself): ``method`` (ASCII), the request ``target``, the header list,
        the body stream (bytes, a list of chunks or an async iterable) and httpcore's
        request extensions; returns ``(status, header list, body stream, response
        extensions)``. The same errors as :meth:`handle_async_request`."""
        if self._state not in (_NEW, _IDLE):
            raise httpcore.ConnectionNotAvailable()
        self._state = _ACTIVE
        self._expire_at = None
        timeouts = extensions.get("timeout", {})
        read_timeout = timeouts.get("read")
        try:
            if self._stream is None:
                self._stream = await self._connect(extensions, timeouts.get("connect"))
            await self._send_request(method, target, headers, stream, timeouts.get("write"))
            while True:
                event = await self._next_event(read_timeout)
                if isinstance(event, h11.Response):
                    break
        except BaseException:
            await self.aclose()
            raise
        body = _Body(self, read_timeout)
        if method in ("HEAD", b"HEAD"):
            # an answer to HEAD has no body (RFC 9110 section 9.3.2): h11 gives its end
            # at once, without reading; taken now, the body needs no reading at all
            end = self._h11.next_event()
            assert isinstance(end, h11.EndOfMessage), end
            body.at_end = True
        return (event.status_code, event.headers.raw_items(), body,
                {"http_version": b"HTTP/" + event.http_version, "reason_phrase": event.reason})

    async def _connect(self, extensions: Mapping[str, Any],
                       timeout: float | None) -> httpcore.AsyncNetworkStream:
        return await open_stream(self._backend, self._origin, self._ssl_context,
                                 extensions, timeout)

    async def _send_request(self, method: bytes | str, target: bytes,
                            headers: list[tuple[bytes, bytes]], stream: Any,
                            timeout: float | None) -> None:
        assert self._stream is not None
        try:
            key = tuple(headers)
            checked = _CHECKED_HEADERS.get(key)
            if checked is None:  # validated once per distinct header list, not per request
                event = h11.Request(method=method, target=target, headers=headers)
                if len(_CHECKED_HEADERS) >= _CHECKED_HEADERS_MAX:
                    _CHECKED_HEADERS.clear()
                _CHECKED_HEADERS[key] = event.headers
            else:  # h11 takes its own Headers as they are (checked already)
                event = h11.Request(method=method, target=target, headers=checked)
        except h11.LocalProtocolError as exc:
            raise httpcore.LocalProtocolError(str(exc)) from exc
        data = self._h11.send(event) or b""
        try:
            if isinstance(stream, (bytes, list)):
                chunks: Any = stream
            else:
                chunks = [chunk async for chunk in stream]
            for chunk in chunks:
                if chunk:
                    data += self._h11.send(h11.Data(data=chunk)) or b""
            data += self._h11.send(h11.EndOfMessage()) or b""
            await self._stream.write(data, timeout=timeout)
        except httpcore.WriteError:
            # as httpcore does: a server may close early and still answer (e.g. 413)
            pass

    async def _next_event(self, timeout: float | None) -> Any:
        assert self._stream is not None
        while True:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpcore.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            data = await self._stream.read(READ_NUM_BYTES, timeout=timeout)
            if data == b"" and self._h11.their_state == h11.SEND_RESPONSE:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response.")
            self._h11.receive_data(data)

    async def _response_closed(self) -> None:
        h = self._h11
        if self._state == _ACTIVE and h.our_state is h11.DONE and h.their_state is h11.DONE:
            h.start_next_cycle()
            self._state = _IDLE
            if self._expiry is not None:
                self._expire_at = time.monotonic() + self._expiry
        else:
            await self.aclose()

    def is_idle(self) -> bool:
        """True between requests (the connection may take the next one)."""
        return self._state == _IDLE

    def has_expired(self) -> bool:
        """True when the idle connection should not be reused: kept too long, or the
        server closed it (an idle socket that is readable can only be at its end)."""
        if self._expire_at is not None and time.monotonic() > self._expire_at:
            return True
        return (self._state == _IDLE and self._stream is not None
                and bool(self._stream.get_extra_info("is_readable")))

    async def aclose(self) -> None:
        """Close the connection (idempotent)."""
        self._state = _CLOSED
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.aclose()


class _Body:
    """The response body of one exchange, as httpcore's byte streams give it."""

    def __init__(self, connection: H11Connection, timeout: float | None) -> None:
        self._connection = connection
        self._timeout = timeout
        self._closed = False
        #: True when the body's end has been read already (an answer to HEAD): there
        #: is nothing to iterate, closing makes the connection idle
        self.at_end = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.at_end:
            return
        try:
            while True:
                event = await self._connection._next_event(self._timeout)
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage) or event is h11.PAUSED:
                    break
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self._connection._response_closed()
