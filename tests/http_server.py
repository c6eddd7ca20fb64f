"""A loopback HTTP server for integration tests: 127.0.0.1, ephemeral port, counters.

Usage::

    with LoopbackServer({"/ok": ok_route}) as server:
        url = server.url("/ok")
        ...
        assert server.count("GET", "/ok") == 1

A route is a function ``route(handler)`` that answers through ``handler`` (a
``BaseHTTPRequestHandler``); :func:`respond` does the usual case. The server counts
requests, TCP connections accepted (``connections``), the largest number handled
at once (``max_in_flight``) and body bytes written (``bytes_sent``). It never talks
to anything but 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[["_Handler"], None]


def respond(
    h: BaseHTTPRequestHandler,
    status: int,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> None:
    """Send ``status``, ``headers`` and ``body`` (omitted for HEAD) with a Content-Length."""
    h.send_response(status)
    headers = dict(headers or {})
    headers.setdefault("Content-Length", str(len(body)))
    for key, value in headers.items():
        h.send_header(key, value)
    h.end_headers()
    if h.command != "HEAD" and body:
        h.wfile.write(body)
        h.server.owner._add_bytes(len(body))  # type: ignore[attr-defined]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep quiet
        pass

    def setup(self) -> None:
        super().setup()
        owner = self.server.owner
        with owner._lock:
            owner.connections += 1

    def _dispatch(self) -> None:
        self.server.owner._dispatch(self)

    do_GET = _dispatch
    do_HEAD = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer


class LoopbackServer:
    """Threaded HTTP/1.1 server on 127.0.0.1 with request counters.

    Args:
        routes: path (without query) -> route function; unknown paths answer 404.
        latency: seconds each request waits before its route runs.
        tls: a server-side SSL context to serve HTTPS instead of HTTP.
    """

    def __init__(
        self,
        routes: Mapping[str, Route] | None = None,
        latency: float = 0.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes = dict(routes or {})
        self.latency = latency
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.bytes_sent = 0
        self.connections = 0  # TCP connections accepted
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.scheme = "http"
        if tls is not None:  # HTTPS: the handshake happens as each connection is accepted
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/") -> str:
        """Return ``http(s)://127.0.0.1:<port><path>``."""
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Number of requests seen, optionally only of ``method`` and/or ``path``."""
        with self._lock:
            return sum(
                1 for m, p, _h in self.requests
                if (method is None or m == method) and (path is None or p == path)
            )

    def _add_bytes(self, n: int) -> None:
        with self._lock:
            self.bytes_sent += n

    def _dispatch(self, h: _Handler) -> None:
        path = h.path.split("?", 1)[0]
        with self._lock:
            self.requests.append((h.command, path, {k.lower(): v for k, v in h.headers.items()}))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            route = self.routes.get(path)
            if route is None:
                respond(h, 404, {"Content-Type": "text/plain"}, b"not found")
            else:
                route(h)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True
        finally:
            with self._lock:
                self.in_flight -= 1

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


# -- ready-made routes -------------------------------------------------------------

def status_route(status: int, headers: Mapping[str, str] | None = None,
                 body: bytes = b"") -> Route:
    """A route that always answers ``status`` with ``headers`` and ``body``."""
    return lambda h: respond(h, status, headers, body)


def by_method(**routes: Route) -> Route:
    """A route choosing by method: ``by_method(HEAD=..., GET=...)``."""
    return lambda h: routes[h.command](h)


def endless_body_route(claimed: int = 2 * 1024**3, chunk: int = 64 * 1024,
                       hard_limit: int = 256 * 1024**2) -> Route:
    """Claim a ``claimed``-byte body and stream zeros until the client goes away
    (or ``hard_limit`` bytes, so a broken client cannot hang the test run)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(claimed))
        h.end_headers()
        if h.command == "HEAD":
            return
        owner = h.server.owner  # type: ignore[attr-defined]
        block = b"\0" * chunk
        sent = 0
        h.close_connection = True
        try:
            while sent < hard_limit and not owner.stopping.is_set():
                h.wfile.write(block)
                sent += chunk
                owner._add_bytes(chunk)
        except OSError:
            return

    return route


def silent_route(seconds: float = 3.0) -> Route:
    """Accept the request and answer nothing for ``seconds`` (then drop the connection)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.server.owner.stopping.wait(seconds)  # type: ignore[attr-defined]
        h.close_connection = True

    return route


def reset_route(h: BaseHTTPRequestHandler) -> None:
    """Close the connection with a TCP reset (SO_LINGER 0) before answering."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


def drip_route(part: str, interval: float = 0.1, total: float = 20.0) -> Route:
    """Answer one byte every ``interval`` seconds for up to ``total`` seconds.

    ``part="headers"`` drips a header that never ends; ``part="body"`` sends the status
    and headers at once, then drips a body that claims 1 MB. Each byte arrives well
    within any read timeout, so only a total deadline ends the request. The route
    records in ``drip_state`` how many bytes it sent and whether the client hung up
    before ``total`` ran out (``"client_left"``), and then stops: nothing outlives the
    test by more than ``total``.
    """
    state: dict[str, object] = {"bytes": 0, "client_left": False}

    def route(h: BaseHTTPRequestHandler) -> None:
        owner = h.server.owner  # type: ignore[attr-defined]
        h.close_connection = True
        try:
            if part == "headers":
                h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            else:
                h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              b"Content-Length: 1000000\r\n\r\n")
                if h.command == "HEAD":
                    return
            h.wfile.flush()
            end = time.monotonic() + total
            while time.monotonic() < end and not owner.stopping.is_set():
                h.wfile.write(b"a")
                h.wfile.flush()
                state["bytes"] = int(state["bytes"]) + 1  # type: ignore[call-overload]
                owner.stopping.wait(interval)
        except OSError:
            state["client_left"] = True

    route.drip_state = state  # type: ignore[attr-defined]
    return route
