"""The link cache asked first: a run whose every URL the cache answers makes no request
and imports no HTTP library.

:func:`cached_run` does what the start of the engine's run does (one key per
normalised URL, the same pre-checks, the same freshness rules of
:class:`~playbook_lint.links.cache.LinkCache`) without :mod:`playbook_lint.links.engine`,
``httpx`` or ``asyncio``: on a warm re-run their imports and the event loop were
most of the link stage's time. When one URL needs the network it gives up at once
(before looking up the rest) and the caller runs the engine, which reads the cache
again: so its answer, when it gives one, is the engine's own.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from playbook_lint.links.cache import LinkCache, default_cache_path
from playbook_lint.links.normalize import host_of, normalize_url, split_fragment
from playbook_lint.links.result import EngineRun, EngineStats, LinkResult

__all__ = ["cached_run", "is_normalized", "pre_skip"]


def pre_skip(config: Any, written: str, url: str, now: float) -> LinkResult | None:
    """The result of a URL the engine does not request, or None.

    Args:
        config: the run's :class:`~playbook_lint.links.engineconfig.EngineConfig`.
        written: the URL as written in the document.
        url: its normalised form (:func:`~playbook_lint.links.normalize.normalize_url`).
        now: epoch seconds, the result's ``checked_at``.

    Returns:
        ``skipped`` for ``mailto:``/``tel:`` links, ``exclude`` matches (as written or
        normalised) and other schemes than http(s); ``broken`` for a URL without a
        host name; None for a URL the engine checks (or the cache answers).
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("mailto", "tel"):
        return LinkResult(url, "skipped", reason=f"{scheme}: link (not checked)", checked_at=now)
    pattern = config.excluded_by(written) or config.excluded_by(url)
    if pattern is not None:
        return LinkResult(url, "skipped", reason=f"excluded by pattern {pattern!r}",
                          checked_at=now)
    if scheme not in ("http", "https"):
        return LinkResult(url, "skipped", reason="not an http(s) URL (not checked)",
                          checked_at=now)
    if not host_of(url):
        return LinkResult(url, "broken", reason="invalid URL (no host name)", checked_at=now)
    return None


def _skipped(config: Any, written: str, url: str) -> LinkResult | None:
    """:func:`pre_skip` but for its host check (a URL without a host is ``broken``,
    not ``skipped``)."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("http", "https") and not config.exclude:
        return None
    result = pre_skip(config, written, url, time.time())
    return None if result is not None and result.status == "broken" else result


#: http(s) URLs that :func:`~playbook_lint.links.normalize.normalize_url` returns as
#: they are: lower-case scheme and host (letters, digits, dots, hyphens), a port
#: without leading zeros, a path, maybe a query, printable ASCII without spaces and
#: no fragment. (A default port is dropped by normalize_url: checked apart.)
_NORMALIZED = re.compile(
    r"(https?)://[a-z0-9.-]+(?::([1-9][0-9]{0,4}))?/[!\"$->@-~]*(?:\?[!\"$-~]+)?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def is_normalized(url: str) -> bool:
    """True when ``url`` is certainly its own :func:`normalize_url` (see
    :data:`_NORMALIZED`); False says nothing. About a tenth of normalize_url's cost,
    asked of each URL of a run."""
    m = _NORMALIZED.fullmatch(url)
    return m is not None and m.group(2) != _DEFAULT_PORTS[m.group(1)]


def _load(config: Any) -> LinkCache | None:
    """The run's link cache, read; None when caching is off or the file gave a warning
    (corrupt, unreadable): the engine then reads it and reports that."""
    cache = LinkCache(config.cache_path or default_cache_path(),
                      max_age_ok=config.cache_max_age_ok,
                      max_age_fail=config.cache_max_age_fail,
                      fingerprint=config.fingerprint())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if cache.load():
            return None
    return cache


def cached_run(
    urls: Iterable[str], config: Any,
    on_result: Callable[[LinkResult, int, int], None] | None = None,
    cache: LinkCache | None = None,
) -> EngineRun | None:
    """The engine's report on ``urls`` when no URL needs a request, else None.

    Args:
        urls: absolute URLs as written in documents (as for
            :func:`~playbook_lint.links.engine.check_urls`).
        config: an :class:`~playbook_lint.links.engineconfig.EngineConfig`.
        on_result: called as ``on_result(result, done, total)`` for each URL (progress).
        cache: the run's link cache already read (under ``config``'s path, max ages
            and fingerprint), or None to read it here when a URL needs it.

    Returns:
        An :class:`~playbook_lint.links.result.EngineRun` equal to what
        :func:`~playbook_lint.links.engine.check_urls` returns when every unique
        normalised URL is either not requested (:func:`pre_skip`) or answered by a
        fresh cache entry (``ok`` entries without fragment ids do not answer a URL
        whose fragments are to be checked): results in first-seen order, cached ones
        with ``from_cache=True``, ``stats.cache_hits`` counted, no warning. None when
        one URL must be requested, or when the cache is off with URLs to check, or
        its file is corrupt (the engine says so). Never raises for a bad URL.
    """
    started = time.monotonic()
    wanted: dict[str, bool] = {}  # normalised -> read body for fragments
    written_of: dict[str, str] = {}
    for written in urls:
        key = written if is_normalized(written) else normalize_url(written)
        _, frag = split_fragment(written)
        wanted[key] = wanted.get(key, False) or (config.check_fragments and bool(frag))
        written_of.setdefault(key, written)
    stats = EngineStats(urls=len(wanted))
    results: dict[str, LinkResult] = {}
    loaded = cache is not None or not config.use_cache
    for key, want_body in wanted.items():
        written = written_of[key]
        # pre_skip's cheap half; its host check only for a URL the cache does not
        # answer: the engine caches only URLs that passed it, and a key's host is a
        # function of the key, so a cached key has one
        result = _skipped(config, written, key)
        if result is None:
            if not loaded:
                cache, loaded = _load(config), True
            result = cache.get(key) if cache is not None else None
            if result is None:
                result = pre_skip(config, written, key, time.time())
                if result is None:
                    return None
            elif want_body and result.status == "ok" and result.fragments is None:
                return None
            else:
                stats.cache_hits += 1
        results[key] = result
    if on_result is not None:
        for done, result in enumerate(results.values(), 1):
            on_result(result, done, len(results))
    stats.elapsed = time.monotonic() - started
    return EngineRun(results=results, stats=stats)
