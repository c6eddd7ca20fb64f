"""Archived copies of dead links, from the Internet Archive's Wayback Machine.

The availability API (https://archive.org/help/wayback_api.php) answers
``GET https://archive.org/wayback/available?url=URL&timestamp=YYYYMMDD`` with the
snapshot closest to that date::

    {"archived_snapshots": {"closest": {"available": true, "status": "200",
     "url": "http://web.archive.org/web/20150301000000/https://x.gov/a",
     "timestamp": "20150301000000"}}}

or ``{"archived_snapshots": {}}`` when there is none. Only snapshots the archive
captured with status 200 are suggested. Answers are kept in a JSON cache beside the
link cache (``archive.json``) for :data:`MAX_AGE` seconds, so a re-run asks nothing.

This module does I/O (HTTP and its cache); rules never call it. The pipeline's
``suggest`` stage (:func:`playbook_lint.api.suggest_archive`) turns its answers into
suggestions and unsafe fixes on ``broken-link`` findings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from playbook_lint.atomic import write_atomic

WAYBACK_API = "https://archive.org/wayback/available"
#: Seconds an answer stays fresh in the cache (30 days: snapshots do not go away).
MAX_AGE = 30 * 86400.0
CACHE_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """An archived copy: its ``url`` (https) and ``timestamp`` (``YYYYMMDDhhmmss``)."""

    url: str
    timestamp: str


def _key(url: str, when: date | None) -> str:
    return f"{url} {when.strftime('%Y%m%d') if when else ''}".strip()


def parse_answer(data: Any) -> Snapshot | None:
    """The usable snapshot in an availability API answer, or None.

    The snapshot URL is given with ``https`` (the archive serves both and an
    ``http://`` suggestion would itself be an outdated link).
    """
    try:
        closest = data["archived_snapshots"]["closest"]
    except (KeyError, TypeError):
        return None
    if not isinstance(closest, dict) or not closest.get("available") or str(
            closest.get("status", "200")) != "200":
        return None
    url, stamp = closest.get("url"), closest.get("timestamp")
    if not isinstance(url, str) or not isinstance(stamp, str):
        return None
    if url.startswith("http://web.archive.org/"):
        url = "https://" + url[len("http://"):]
    return Snapshot(url, stamp)


class ArchiveLookup:
    """Find snapshots for ``(url, date)`` pairs, through a JSON cache file.

    Args:
        cache_path: the cache file (created on :meth:`lookup`); None keeps no cache.
        api: the availability endpoint (tests pass a fake on 127.0.0.1).
        timeout: seconds for each request.
        now: clock returning epoch seconds (tests pass a fake).
        transport: an httpx transport (tests may pass a mock one).
    """

    def __init__(self, cache_path: Path | None, *, api: str = WAYBACK_API,
                 timeout: float = 20.0, now: Callable[[], float] = time.time,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.cache_path = cache_path
        self.api = api
        self.timeout = timeout
        self._now = now
        self._transport = transport
        self.requests = 0

    def _load(self) -> dict[str, Any]:
        if self.cache_path is None:
            return {}
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def lookup(self, queries: Iterable[tuple[str, date | None]]) -> dict[
            tuple[str, date | None], Snapshot | None]:
        """Snapshots for each ``(url, page date)`` (None where the archive has none or
        could not be asked). Network failures leave the pair unanswered and uncached,
        so a later run asks again; they never raise."""
        entries = self._load()
        now = self._now()
        out: dict[tuple[str, date | None], Snapshot | None] = {}
        todo: list[tuple[str, date | None]] = []
        for q in dict.fromkeys(queries):
            hit = entries.get(_key(*q))
            if isinstance(hit, dict) and 0 <= now - float(hit.get("at", 0)) <= MAX_AGE:
                snap = hit.get("snapshot")
                out[q] = Snapshot(snap["url"], snap["timestamp"]) if isinstance(
                    snap, dict) else None
            else:
                todo.append(q)
        if todo:
            with httpx.Client(timeout=self.timeout, transport=self._transport,
                              follow_redirects=False,
                              headers={"User-Agent": "playbook-lint"}) as client:
                for url, when in todo:
                    params = {"url": url}
                    if when is not None:
                        params["timestamp"] = when.strftime("%Y%m%d")
                    self.requests += 1
                    try:
                        resp = client.get(self.api, params=params)
                        resp.raise_for_status()
                        snap = parse_answer(resp.json())
                    except (httpx.HTTPError, ValueError):
                        out[(url, when)] = None
                        continue
                    out[(url, when)] = snap
                    entries[_key(url, when)] = {
                        "at": now,
                        "snapshot": None if snap is None else {
                            "url": snap.url, "timestamp": snap.timestamp},
                    }
            self._save(entries)
        return out

    def _save(self, entries: dict[str, Any]) -> None:
        if self.cache_path is None:
            return
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"version": CACHE_VERSION, "entries": entries}, indent=1)
            write_atomic(self.cache_path, data.encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs a later request
