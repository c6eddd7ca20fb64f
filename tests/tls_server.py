"""A loopback HTTPS server that speaks HTTP/2 or HTTP/1.1 as ALPN decides, with counters.

Usage::

    with TLSServer(cert_context, alpn=["h2", "http/1.1"]) as server:
        url = server.url("/ok")
        ...
        assert server.protocols == ["h2"]  # one connection, HTTP/2

It listens on 127.0.0.1 (ephemeral port) in a thread of its own running an asyncio
loop. Each accepted TLS connection speaks the protocol the TLS handshake chose by ALPN
(RFC 7301): ``h2`` with the ``h2`` library (server side), anything else (``http/1.1``,
or no ALPN) with ``h11``. Paths (the query is ignored) answer from ``routes``:
``path -> (status, headers, body)``; unknown paths answer 404. ``latency`` delays each
answer (HTTP/2 streams wait concurrently, so several are in flight on one connection).

Counters: ``protocols`` (one entry per connection, in accept order),
``requests`` (``(protocol, method, path, authority)`` per request) and
``max_in_flight`` (most requests being answered at once, over all connections).
It never talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h11

Answer = tuple[int, Mapping[str, str], bytes]
#: A route body that never ends: HEAD is answered 405, a GET over HTTP/2 gets a 200
#: and data until the stream's flow-control window is used up, and no end.
ENDLESS = b"\0endless"


class TLSServer:
    """HTTPS on 127.0.0.1 with HTTP/2 (``h2``) and HTTP/1.1 (``h11``) by ALPN.

    Args:
        tls: a server-side SSL context with its certificate loaded; its ALPN list is
            set from ``alpn``.
        alpn: the protocols offered, in the server's order of preference; None offers
            no ALPN at all (the client then speaks HTTP/1.1).
        routes: path -> ``(status, headers, body)``.
        latency: seconds each answer waits.
        goaway_after: end each HTTP/2 connection (GOAWAY, then close) once it has
            answered this many requests; None keeps it open.
    """

    def __init__(self, tls: ssl.SSLContext, *, alpn: Sequence[str] | None,
                 routes: Mapping[str, Answer], latency: float = 0.0,
                 goaway_after: int | None = None) -> None:
        if alpn is not None:
            tls.set_alpn_protocols(list(alpn))
        self._tls = tls
        self._routes = dict(routes)
        self._latency = latency
        self._goaway_after = goaway_after
        self.port = 0
        self.protocols: list[str] = []
        self.requests: list[tuple[str, str, str, str]] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """``https://host:port`` + ``path``."""
        return f"https://{host}:{self.port}{path}"

    # -- life cycle ----------------------------------------------------------------------
    def __enter__(self) -> TLSServer:
        self._thread = threading.Thread(target=self._run, name="tls server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the test TLS server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        self._server = loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=self._tls))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            for writer in list(self._writers):  # their handlers then read EOF and end
                writer.close()
            pending = asyncio.all_tasks(loop)
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=5))
            loop.close()

    # -- answering -----------------------------------------------------------------------
    def _answer(self, path: str) -> Answer:
        return self._routes.get(path.split("?", 1)[0], (404, {}, b"not found"))

    async def _begin(self) -> None:
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        if self._latency:
            await asyncio.sleep(self._latency)

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        ssl_object = writer.get_extra_info("ssl_object")
        protocol = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
        protocol = protocol or "http/1.1"
        self.protocols.append(protocol)
        self._writers.add(writer)
        try:
            if protocol == "h2":
                await self._serve_h2(reader, writer)
            else:
                await self._serve_h11(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _serve_h11(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        request: Any = None
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.EndOfMessage):
                method, path = request.method.decode(), request.target.decode()
                host = dict(request.headers).get(b"host", b"").decode()
                self.requests.append(("http/1.1", method, path, host))
                await self._begin()
                status, headers, body = self._answer(path)
                head = [("content-length", str(len(body))), *headers.items()]
                data = conn.send(h11.Response(status_code=status, headers=head)) or b""
                if method != "HEAD" and body:
                    data += conn.send(h11.Data(data=body)) or b""
                data += conn.send(h11.EndOfMessage()) or b""
                self._in_flight -= 1
                writer.write(data)
                await writer.drain()
                conn.start_next_cycle()
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return

    async def _serve_h2(self, reader: asyncio.StreamReader,
                        writer: asyncio.StreamWriter) -> None:
        conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        conn.initiate_connection()
        writer.write(conn.data_to_send())
        tasks: set[asyncio.Task[None]] = set()
        answered = 0
        endless: set[int] = set()  # streams of ENDLESS bodies, sent as windows allow

        def fill(stream_id: int) -> None:
            while (window := conn.local_flow_control_window(stream_id)) > 0:
                conn.send_data(stream_id, b"x" * min(window, 16384))

        async def respond(stream_id: int, method: str, path: str) -> None:
            nonlocal answered
            await self._begin()
            status, headers, body = self._answer(path)
            head = [(":status", str(status)), ("content-length", str(len(body))),
                    *((k.lower(), v) for k, v in headers.items())]
            if body is ENDLESS:
                if method == "HEAD":
                    conn.send_headers(stream_id, [(":status", "405")], end_stream=True)
                else:
                    conn.send_headers(stream_id, [(":status", "200"),
                                                  ("content-type", "text/html")])
                    endless.add(stream_id)
                    fill(stream_id)
            elif method == "HEAD" or not body:
                conn.send_headers(stream_id, head, end_stream=True)
            else:
                conn.send_headers(stream_id, head)
                conn.send_data(stream_id, body, end_stream=True)
            self._in_flight -= 1
            answered += 1
            if answered == self._goaway_after:
                conn.close_connection(last_stream_id=stream_id)
            writer.write(conn.data_to_send())
            await writer.drain()
            if answered == self._goaway_after:
                writer.close()

        while True:
            data = await reader.read(65536)
            if not data or writer.is_closing():
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    fields = dict(event.headers or [])
                    method, path = str(fields[":method"]), str(fields[":path"])
                    self.requests.append(("h2", method, path, str(fields[":authority"])))
                    task = asyncio.ensure_future(respond(event.stream_id, method, path))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                elif isinstance(event, h2.events.WindowUpdated):
                    for stream_id in list(endless):
                        try:
                            fill(stream_id)
                        except h2.exceptions.StreamClosedError:
                            endless.discard(stream_id)
                elif isinstance(event, h2.events.StreamReset):
                    endless.discard(event.stream_id)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    return
            writer.write(conn.data_to_send())
            await writer.drain()
