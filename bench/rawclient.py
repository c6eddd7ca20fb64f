"""A bare HTTP/1.1 client that measures the link scenario's floor in practice.

``python rawclient.py --per-host N URLFILE`` reads one ``http://host:port/path`` URL
per line and GETs each once, with at most N keep-alive connections per host and
no other limit: no redirects followed, no retries, no cache. It prints one JSON
line ``{"requests": n, "status": {code: count}, "broken": [URLs answering 404 or
410]}``. Its whole-process wall time shows what the loopback server and this
machine allow, so a gap between a link checker and the computed floor
(URLs per host / N x latency) is the checker's, not the server's. Stdlib only;
exit status 0, or 2 when a request fails at the socket level (message on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
from urllib.parse import urlsplit


async def _worker(host: str, port: int, queue: collections.deque[tuple[str, str]],
                  status: collections.Counter[int], broken: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while queue:
            url, path = queue.popleft()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode("latin-1"))
            await writer.drain()
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            code = int(head[0].split(" ")[1])
            length = 0
            for line in head[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length:
                await reader.readexactly(length)
            status[code] += 1
            if code in (404, 410):
                broken.append(url)
    finally:
        writer.close()


async def _run(urls: list[str], per_host: int) -> dict[str, object]:
    by_host: dict[tuple[str, int], collections.deque[tuple[str, str]]] = {}
    for url in urls:
        parts = urlsplit(url)
        key = (parts.hostname or "", parts.port or 80)
        by_host.setdefault(key, collections.deque()).append((url, parts.path or "/"))
    status: collections.Counter[int] = collections.Counter()
    broken: list[str] = []
    await asyncio.gather(*[
        _worker(host, port, q, status, broken)
        for (host, port), q in by_host.items() for _ in range(min(per_host, len(q)))])
    return {"requests": sum(status.values()),
            "status": {str(k): v for k, v in sorted(status.items())}, "broken": sorted(broken)}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, fetch every URL once, print the JSON line; return the exit status."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-host", type=int, default=4)
    p.add_argument("urlfile")
    a = p.parse_args(argv)
    with open(a.urlfile, encoding="utf-8") as fh:
        urls = [line.strip() for line in fh if line.strip()]
    try:
        out = asyncio.run(asyncio.wait_for(_run(urls, a.per_host), timeout=600))
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError) as exc:
        print(f"rawclient: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
