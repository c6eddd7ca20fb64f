"""The link engine's result records (shared by the engine, the cache and the rules)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = ["LinkResult", "LinkStatus", "LINK_STATUSES", "EngineStats", "EngineRun",
           "rules_digest_of"]

#: ``ok``: reachable; ``broken``: gone (404/410, DNS name not found, connection
#: refused, 5xx after retries, bad redirects); ``unverified``: could not tell
#: (401/403/999 bot walls, 429 after retries, timeouts, TLS failures, other codes);
#: ``skipped``: not checked (mailto/tel, excluded, private address).
LinkStatus = Literal["ok", "broken", "unverified", "skipped"]
#: The values of :data:`LinkStatus`, for checking data read back (the cache).
LINK_STATUSES: frozenset[str] = frozenset(get_args(LinkStatus))


@dataclass(frozen=True)
class LinkResult:
    """What the engine found out about one normalised URL.

    Attributes:
        url: the normalised URL (see :func:`~playbook_lint.links.normalize.normalize_url`).
        status: ``"ok"``, ``"broken"``, ``"unverified"`` or ``"skipped"``.
        http_status: the last HTTP status code received, or None (no response).
        reason: a human sentence, e.g. ``"HTTP 404 Not Found"`` or
            ``"DNS name not found"``; for ``ok`` results ``"HTTP 200 OK"``.
        final_url: the URL after following redirects (equals ``url`` without
            redirects), or None when no response came.
        redirects: the chain as ``((status, absolute Location), ...)`` in order.
        permanent_redirect: True when there was at least one redirect and every hop
            was 301 or 308.
        https_upgrade: True when the first redirect goes from ``http://`` to
            ``https://`` of the same URL (same host, port, path and query).
        fragments: ids and ``<a name>`` values of the final HTML page when fragment
            checking was on and the body was read; None otherwise.
        checked_at: when the check finished, epoch seconds.
        from_cache: True when the result came from the cache of an earlier run.
    """

    url: str
    status: LinkStatus
    http_status: int | None = None
    reason: str = ""
    final_url: str | None = None
    redirects: tuple[tuple[int, str], ...] = ()
    permanent_redirect: bool = False
    https_upgrade: bool = False
    fragments: frozenset[str] | None = None
    checked_at: float = 0.0
    from_cache: bool = False

    @functools.cached_property
    def rules_digest(self) -> str:
        """:func:`rules_digest_of` this result, computed on first use and kept (not a
        field: equality, ``repr`` and :func:`dataclasses.replace` ignore it; a pickle
        carries it, so a result digested in the engine's child is not digested again)."""
        return rules_digest_of(self)


def rules_digest_of(result: Any) -> str:
    """A digest of what the rules read from a link result: 16 hex digits of the SHA-1
    of the JSON list ``[status, http_status, reason, final_url, permanent_redirect,
    https_upgrade, sorted fragments or None]`` (a missing attribute is None, values
    JSON cannot take are ``str()``'d). ``result`` is a :class:`LinkResult` or any
    object with those attributes. The result cache keeps it per page and link
    (``resultcache.link_digest``), so its bytes must not change."""
    import hashlib
    import json

    parts = [getattr(result, name, None) for name in (
        "status", "http_status", "reason", "final_url", "permanent_redirect", "https_upgrade")]
    fragments = getattr(result, "fragments", None)
    parts.append(sorted(fragments) if fragments is not None else None)
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()[:16]


@dataclass
class EngineStats:
    """Counters of one engine run.

    Attributes:
        urls: unique normalised URLs asked about.
        requests: HTTP requests sent (each retry and redirect hop counts).
        cache_hits: URLs answered from the cache.
        retries: requests that were retries.
        bytes_read: response body bytes read from the network (compressed size).
        per_host: requests sent per host name.
        elapsed: wall time of the run in seconds.
    """

    urls: int = 0
    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    bytes_read: int = 0
    per_host: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0


@dataclass
class EngineRun:
    """Everything one run of :func:`~playbook_lint.links.engine.check_urls` produced.

    Attributes:
        results: one :class:`LinkResult` per normalised URL, in first-seen order.
        network_error: one run-level sentence when the network looked unavailable
            (every lookup failed the same way), e.g. ``"network unavailable: 12
            external links not checked; use --offline to skip"``; else None. The
            results concerned are ``unverified``, never ``broken``.
        warnings: messages about the cache (corrupt file discarded, write failed).
        stats: counters (see :class:`EngineStats`).
    """

    results: dict[str, LinkResult] = field(default_factory=dict)
    network_error: str | None = None
    warnings: list[str] = field(default_factory=list)
    stats: EngineStats = field(default_factory=EngineStats)
