"""A loopback HTTP server for the link-check benchmark (stdlib only).

Run as ``python linkserver.py --port PORT [--hosts 20] [--latency 0.05] [--lifetime 900]``.
It listens on ``127.0.0.1`` .. ``127.0.0.<hosts>`` (all on PORT), so each address is a
separate "host" for per-host concurrency limits, and answers every request after
``latency`` seconds:

* ``/ok/<id>``      200 with a tiny HTML page;
* ``/missing/<id>`` 404;
* ``/moved/<id>``   301 to ``/ok/moved-<id>`` on the same host (absolute Location);
* ``/busy/<id>``    429 with ``Retry-After: 1`` the first time that host+path is
  requested, 200 afterwards (state lives as long as the process);
* anything else     404.

It prints ``ready <port>`` on standard output once every address is bound, and stops
itself when its standard input closes (the bench process went away), when it reads a
``stop`` line, or after ``lifetime`` seconds, whichever comes first. On stopping it
prints one JSON line of counters: ``{"requests": N, "connections": TCP connections
accepted, "by_method": {...}, "by_status": {...}}``. ``--no-429`` makes ``/busy/``
answer 200 at once (the scenario without any rate limiting). Only loopback addresses are ever bound.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import time

OK_BODY = b"<!doctype html><html><head><title>ok</title></head><body><p>ok</p></body></html>\n"
REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 429: "Too Many Requests",
           400: "Bad Request"}


class LinkServer:
    """Holds the per-path 429 state and the request counters of one server process."""

    def __init__(self, port: int, latency: float) -> None:
        self.port = port
        self.latency = latency
        self.seen_busy: set[tuple[str, str]] = set()
        self.by_method: collections.Counter[str] = collections.Counter()
        self.by_status: collections.Counter[int] = collections.Counter()
        self.connections = 0
        self.no_429 = False
        #: epoch seconds of the first request's head and the last response written
        #: (a timeline of one run: when the client's first request came, when it ended)
        self.first_request: float | None = None
        self.last_response: float | None = None
        self.in_flight = 0
        self.most_in_flight = 0
        #: seconds each keep-alive connection sat idle between a response written and
        #: the next request's head read (the client's turnaround, plus scheduling)
        self.gaps: list[float] = []

    def answer(self, host: str, method: str, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """Return ``(status, extra headers, body)`` for one request."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith("/ok/"):
            return 200, [("Content-Type", "text/html; charset=utf-8")], OK_BODY
        if path.startswith("/moved/"):
            target = f"http://{host}:{self.port}/ok/moved-{path[len('/moved/'):]}"
            return 301, [("Location", target)], b""
        if path.startswith("/busy/"):
            key = (host, path)
            if key not in self.seen_busy and not self.no_429:
                self.seen_busy.add(key)
                return 429, [("Retry-After", "1")], b""
            return 200, [("Content-Type", "text/html; charset=utf-8")], OK_BODY
        return 404, [("Content-Type", "text/plain")], b"not found\n"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve HTTP/1.1 requests on one connection (keep-alive) until it closes."""
        host = writer.get_extra_info("sockname")[0]
        self.connections += 1
        written: float | None = None  # when this connection's last response was written
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                if written is not None:
                    self.gaps.append(time.monotonic() - written)
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    return
                method, target, version = parts
                if self.first_request is None:
                    self.first_request = time.time()
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                if target.startswith("http://"):
                    target = "/" + target.split("/", 3)[-1]
                await asyncio.sleep(self.latency)
                status, extra, body = self.answer(host, method, target)
                self.by_method[method] += 1
                self.by_status[status] += 1
                close = (headers.get("connection", "").lower() == "close"
                         or version == "HTTP/1.0")
                out = [f"HTTP/1.1 {status} {REASONS.get(status, 'X')}",
                       f"Content-Length: {len(body)}",
                       "Connection: close" if close else "Connection: keep-alive"]
                out += [f"{k}: {v}" for k, v in extra]
                data = ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")
                if method != "HEAD":
                    data += body
                writer.write(data)
                self.in_flight -= 1
                self.last_response = time.time()
                written = time.monotonic()
                await writer.drain()
                if close:
                    return
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()

    def stats(self) -> dict[str, object]:
        """Counters as a JSON-ready dict."""
        return {"requests": sum(self.by_method.values()), "connections": self.connections,
                "by_method": dict(self.by_method),
                "first_request": self.first_request, "last_response": self.last_response,
                "most_in_flight": self.most_in_flight,
                "gap_ms": _gap_summary(self.gaps),
                "by_status": {str(k): v for k, v in sorted(self.by_status.items())}}


def _gap_summary(gaps: list[float]) -> dict[str, float] | None:
    """Mean, median and 90th percentile (milliseconds) of the keep-alive idle gaps
    (``LinkServer.gaps``), rounded to 0.01 ms; None when no connection was reused."""
    if not gaps:
        return None
    ordered = sorted(gaps)
    return {"n": len(ordered), "mean": round(sum(ordered) / len(ordered) * 1000, 2),
            "median": round(ordered[len(ordered) // 2] * 1000, 2),
            "p90": round(ordered[int(len(ordered) * 0.9)] * 1000, 2)}


async def _main(port: int, hosts: int, latency: float, lifetime: float,
                no_429: bool = False) -> None:
    server = LinkServer(port, latency)
    server.no_429 = no_429
    servers = []
    for i in range(1, hosts + 1):
        servers.append(await asyncio.start_server(server.handle, f"127.0.0.{i}", port,
                                                  reuse_address=True, backlog=1024))
    print(f"ready {port}", flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def on_stdin() -> None:
        line = sys.stdin.readline()
        if (not line or line.strip() == "stop") and not stop.done():
            stop.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    try:
        await asyncio.wait_for(stop, timeout=lifetime)
    except TimeoutError:
        print("linkserver: lifetime reached, stopping", file=sys.stderr)
    for s in servers:
        s.close()
    print(json.dumps(server.stats()), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve until stopped; returns the exit status (0)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--hosts", type=int, default=20)
    p.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    p.add_argument("--lifetime", type=float, default=900.0, help="seconds before it stops")
    p.add_argument("--no-429", action="store_true", help="/busy/ paths answer 200 at once")
    a = p.parse_args(argv)
    if not 1 <= a.hosts <= 254:
        p.error("--hosts must be 1..254")
    asyncio.run(_main(a.port, a.hosts, a.latency, a.lifetime, a.no_429))
    return 0


if __name__ == "__main__":
    sys.exit(main())
