"""URL normalisation for the link engine: one key per resource, whatever the spelling.

Two links that differ only in scheme/host case, an explicit default port, an empty
path or a ``#fragment`` point at the same HTTP resource, so the engine checks them
once. Everything else (path case, percent-encoding, query order, trailing slash) is
kept as written: servers may treat those differently (RFC 3986 section 6.2.2, 6.2.3,
https://www.rfc-editor.org/rfc/rfc3986#section-6.2.3).
"""

from __future__ import annotations

import functools
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = ["normalize_url", "split_fragment", "is_http_url", "host_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url.strip())
    except ValueError:  # e.g. "http://[::1" (unbalanced IPv6 bracket)
        return None


@functools.lru_cache(maxsize=1 << 16)
def normalize_url(url: str) -> str:
    """Return the canonical form of ``url`` used as the engine's key.

    Args:
        url: an absolute URL as written in a document, e.g. ``"HTTP://Example.COM:80#top"``.

    Returns:
        The URL with scheme and host lower-cased, the scheme's default port (80 for
        http, 443 for https) dropped, the fragment removed and an empty path replaced
        by ``/`` (for URLs with a host), e.g. ``"http://example.com/"``. User info, path,
        query and percent-encoding are left as they are. Input that cannot be parsed
        (or a URL without scheme) comes back stripped of its fragment, never raising.

    Answers are remembered (65,536 of them): the engine and the rules ask for the same
    URL's key several times (dedup, each redirect hop, the rule's lookup).
    """
    parts = _split(url)
    if parts is None or not parts.scheme:
        return url.strip().split("#", 1)[0]
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    path = parts.path
    if netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        host, port = hostport, ""
        if hostport.startswith("["):  # IPv6 literal: "[::1]:8080"
            end = hostport.find("]")
            if end != -1:
                host, rest = hostport[: end + 1], hostport[end + 1 :]
                port = rest[1:] if rest.startswith(":") else ""
        elif ":" in hostport:
            host, _, port = hostport.rpartition(":")
        host = host.lower()
        if port and port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme, -1):
            port = ""
        netloc = (userinfo + "@" if userinfo else "") + host + (":" + port if port else "")
        if not path:
            path = "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def split_fragment(url: str) -> tuple[str, str | None]:
    """Split ``url`` into (URL without fragment, fragment or None).

    ``"https://a.gov/x#top"`` gives ``("https://a.gov/x", "top")``; an empty fragment
    (``"...#"``) gives ``""``. The fragment is returned as written (not decoded).
    """
    base, sep, frag = url.partition("#")
    return base, (frag if sep else None)


@functools.lru_cache(maxsize=1 << 16)
def is_http_url(url: str) -> bool:
    """True if ``url`` is an absolute ``http://`` or ``https://`` URL with a host
    (answers remembered: the link stage and two rules ask it of every link)."""
    parts = _split(url)
    return parts is not None and parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


@functools.lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    """Return the lower-case host name of ``url`` (no port, no IPv6 brackets), or ``""``
    (answers remembered)."""
    parts = _split(url)
    if parts is None:
        return ""
    try:
        return (parts.hostname or "").lower()
    except ValueError:
        return ""
