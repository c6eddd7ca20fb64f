"""The link engine's settings (:class:`EngineConfig`), apart from the engine itself.

The pipeline builds and validates the settings before it knows whether this process
will run the engine (the check may run in a child process beside the lint pass:
:mod:`playbook_lint.links.background`); this module imports no HTTP library, so
that process does not pay for httpx's import.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playbook_lint import __version__

__all__ = ["DEFAULT_USER_AGENT", "EngineConfig"]

#: Sent unless configured otherwise; names the tool so site owners can identify it.
DEFAULT_USER_AGENT = f"playbook-lint/{__version__} (+https://pypi.org/project/playbook-lint/)"


def _parse_accept(spec: Sequence[str | int]) -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    for item in spec:
        text = str(item).strip()
        m = re.fullmatch(r"(\d{3})(?:\s*\.\.\s*(\d{3}))?", text)
        if isinstance(item, bool) or not m:
            raise ValueError(
                f"accept: {item!r} is not a status code or range like 200 or \"200..299\""
            )
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if lo > hi:
            raise ValueError(f"accept: range {text!r} is empty (start above end)")
        ranges.append((lo, hi))
    return tuple(ranges)


@dataclass
class EngineConfig:
    """Settings of the link engine. Invalid values raise ``ValueError`` on construction.

    Attributes:
        concurrency: requests in flight at once, all hosts together (default 32).
        per_host: requests in flight at once to one host name (default 4).
        timeout: seconds one request may take from start to end (20); also the limit
            of each of connect, read and write. A response that drips bytes slowly
            ends there (``unverified``, "timed out after ...") however long it would go on.
        retries: extra attempts after a retryable failure (connect error, timeout,
            429, 5xx); 3 means up to 4 attempts.
        max_retry_after: longest pause in seconds taken for a ``Retry-After`` (60).
        backoff_base: first backoff pause in seconds, doubled each retry (0.5).
        backoff_max: longest backoff pause in seconds (30); jitter picks a pause
            between half the computed value and the value.
        user_agent: the ``User-Agent`` header (default names the tool and version).
        headers_by_host: extra headers per host glob (``fnmatch``, case-insensitive),
            e.g. ``{"github.com": {"Authorization": "Bearer ..."}}``; sent only on
            requests (including redirect hops) to matching hosts.
        accept: status codes counted as ``ok``: ints or ``"lo..hi"`` ranges
            (default ``["200..299"]``).
        exclude: regular expressions (``re.search``); a URL matching one, as written
            or normalised, is ``skipped``.
        allow_private: check loopback/private/link-local hosts too (default False).
        check_fragments: read HTML pages of URLs linked with a ``#fragment`` and
            report their ids in ``LinkResult.fragments``.
        max_redirects: redirects followed before giving up (10).
        max_body_bytes: most body bytes read from one response, compressed size (1 MiB).
        cache_path: the cache file; None means the user cache folder.
        cache_max_age_ok: seconds an ``ok`` result is reused (86400).
        cache_max_age_fail: seconds any other result is reused (3600).
        use_cache: read and write the cache (False for ``--no-cache``).
        max_time: seconds the whole run may take (``--max-time``), or None for no limit;
            URLs not finished by then are ``unverified`` with a reason starting
            ``"not checked: "`` and a run-level warning says how many.
    """

    concurrency: int = 32
    per_host: int = 4
    timeout: float = 20.0
    retries: int = 3
    max_retry_after: float = 60.0
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT
    headers_by_host: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    accept: list[str | int] = field(default_factory=lambda: ["200..299"])
    exclude: list[str] = field(default_factory=list)
    allow_private: bool = False
    check_fragments: bool = False
    max_redirects: int = 10
    max_body_bytes: int = 1024 * 1024
    cache_path: Path | None = None
    cache_max_age_ok: float = 86400.0
    cache_max_age_fail: float = 3600.0
    use_cache: bool = True
    max_time: float | None = None

    def __post_init__(self) -> None:
        for name in ("concurrency", "per_host", "max_body_bytes"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)!r}")
        for name in ("timeout", "max_retry_after", "backoff_base", "backoff_max",
                     "cache_max_age_ok", "cache_max_age_fail"):
            if float(getattr(self, name)) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)!r}")
        if self.max_time is not None and not float(self.max_time) > 0:
            raise ValueError(f"max_time must be above 0 seconds, not {self.max_time!r}")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects must not be negative")
        self._accept = _parse_accept(self.accept)
        patterns = []
        for pattern in self.exclude:
            try:
                patterns.append(re.compile(pattern))
            except re.error as exc:
                raise ValueError(f"exclude: {pattern!r} is not a valid regex: {exc}") from None
        self._exclude = tuple(patterns)

    def accepts(self, code: int) -> bool:
        """True if HTTP status ``code`` counts as ``ok`` under :attr:`accept`."""
        return any(lo <= code <= hi for lo, hi in self._accept)

    def excluded_by(self, url: str) -> str | None:
        """Return the first ``exclude`` pattern matching ``url`` (as written), else None."""
        for pattern in self._exclude:
            if pattern.search(url):
                return pattern.pattern
        return None

    def headers_for(self, host: str) -> dict[str, str]:
        """Return the extra headers for ``host`` (merged over every matching glob)."""
        out: dict[str, str] = {}
        host = host.lower()
        for glob, headers in self.headers_by_host.items():
            if fnmatch.fnmatchcase(host, glob.lower()):
                out.update(headers)
        return out

    def fingerprint(self) -> str:
        """A string naming the settings cached results depend on (the accept ranges)."""
        return json.dumps(self._accept)
