"""Link results kept between runs, so a warm run over unchanged links makes no request.

The cache is one JSON file (default: ``links.json`` in the user cache folder given by
``platformdirs``, e.g. ``~/.cache/playbook-lint/links.json`` on Linux), keyed by
normalised URL. An entry is fresh for ``max_age_ok`` seconds when the link was ``ok``
and ``max_age_fail`` seconds otherwise. Writes are atomic (a temporary file in the same
folder, then ``os.replace``), and concurrent runs merge rather than overwrite each
other's entries. A file that cannot be read or parsed is discarded with a
:class:`CacheWarning` (also returned as a message), never an exception.

File shape::

    {"version": 1, "entries": {"https://example.gov/": {"status": "ok", ...}}}
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from playbook_lint.atomic import write_atomic
from playbook_lint.links.result import LINK_STATUSES, LinkResult

__all__ = ["CacheWarning", "LinkCache", "default_cache_path", "CACHE_VERSION"]

CACHE_VERSION = 1


class CacheWarning(UserWarning):
    """Issued when the cache file is corrupt or cannot be written; the run goes on."""


def default_cache_path() -> Path:
    """Return the default cache file: ``<user cache dir>/playbook-lint/links.json``.

    Uses ``platformdirs.user_cache_path`` (https://platformdirs.readthedocs.io/).
    """
    import platformdirs

    return Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) / "links.json"


def _to_json(result: LinkResult, fingerprint: str) -> dict[str, Any]:
    # by hand, not dataclasses.asdict: that deep-copies every field (about 50 us a
    # result, 0.1 s for a 2,000-URL run); the fields are all plain values
    data = {f.name: getattr(result, f.name) for f in _FIELDS}
    data["redirects"] = [list(hop) for hop in result.redirects]
    data["fragments"] = None if result.fragments is None else sorted(result.fragments)
    data["fingerprint"] = fingerprint
    return data


_FIELDS = tuple(f for f in fields(LinkResult) if f.name != "from_cache")


def _from_json(url: str, data: Mapping[str, Any]) -> LinkResult:
    """The cached result of ``url``; ``KeyError``/``TypeError``/``ValueError`` for an
    entry that is not one (an unknown status included): the caller treats it as a miss."""
    frags = data.get("fragments")
    status = data["status"]
    if status not in LINK_STATUSES:
        raise ValueError(f"unknown link status {status!r}")
    code = data.get("http_status")
    final = data.get("final_url")
    values = {
        "url": url,
        "status": status,
        "http_status": None if code is None else int(code),
        "reason": str(data.get("reason", "")),
        "final_url": None if final is None else str(final),
        "redirects": tuple((int(s), str(loc)) for s, loc in data.get("redirects", [])),
        "permanent_redirect": bool(data.get("permanent_redirect", False)),
        "https_upgrade": bool(data.get("https_upgrade", False)),
        "fragments": None if frags is None else frozenset(str(f) for f in frags),
        "checked_at": float(data["checked_at"]),
        "from_cache": True,
    }
    if not _PLAIN_FIELDS:
        return LinkResult(**values)
    # every field set as the frozen dataclass's __init__ would, without its eleven
    # object.__setattr__ calls (half the cost of a warm run's 2,000 lookups)
    result = object.__new__(LinkResult)
    result.__dict__.update(values)
    return result


#: True while LinkResult keeps its fields in its __dict__ under these names (no
#: slots, no __post_init__), so :func:`_from_json` may fill it directly.
_PLAIN_FIELDS = (
    [f.name for f in fields(LinkResult)] == [
        "url", "status", "http_status", "reason", "final_url", "redirects",
        "permanent_redirect", "https_upgrade", "fragments", "checked_at", "from_cache"]
    and "__slots__" not in vars(LinkResult) and not hasattr(LinkResult, "__post_init__"))


class LinkCache:
    """Results of earlier runs, read once at start and written once at the end.

    Args:
        path: the JSON file (created with its folder on :meth:`save`).
        max_age_ok: seconds an ``ok`` result stays fresh (default one day).
        max_age_fail: seconds any other result stays fresh (default one hour).
        fingerprint: a string naming the settings results depend on (accepted
            status codes...); entries written under another fingerprint are misses.
        now: clock returning epoch seconds (tests pass a fake).
    """

    def __init__(
        self,
        path: Path,
        *,
        max_age_ok: float = 86400.0,
        max_age_fail: float = 3600.0,
        fingerprint: str = "",
        now: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.max_age_ok = max_age_ok
        self.max_age_fail = max_age_fail
        self.fingerprint = fingerprint
        self._now = now
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty: dict[str, dict[str, Any]] = {}

    def _read_file(self) -> tuple[dict[str, dict[str, Any]], str | None]:
        """Return (entries, warning message or None) from the file on disk."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, None
        except (OSError, UnicodeDecodeError) as exc:
            return {}, f"link cache {self.path} could not be read ({exc}); starting empty"
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
                raise ValueError("not a playbook-lint link cache")
        except ValueError as exc:
            return {}, f"link cache {self.path} is corrupt ({exc}); discarded"
        if data.get("version") != CACHE_VERSION:
            return {}, None  # another format version: silently start afresh
        entries = {
            str(k): v for k, v in data["entries"].items() if isinstance(v, dict)
        }
        return entries, None

    def load(self) -> list[str]:
        """Read the cache file. Returns warning messages (also issued as :class:`CacheWarning`).

        A missing file is not a warning; a corrupt one is, and its content is ignored.
        """
        self._entries, message = self._read_file()
        if message:
            warnings.warn(message, CacheWarning, stacklevel=2)
            return [message]
        return []

    def get(self, url: str) -> LinkResult | None:
        """Return the fresh cached result for normalised ``url``, or None (missing, stale,
        written under other settings, or malformed). The result has ``from_cache=True``."""
        data = self._dirty.get(url) or self._entries.get(url)
        if not data or data.get("fingerprint", "") != self.fingerprint:
            return None
        try:
            result = _from_json(url, data)
        except (KeyError, TypeError, ValueError):
            return None
        max_age = self.max_age_ok if result.status == "ok" else self.max_age_fail
        age = self._now() - result.checked_at
        if age < 0 or age > max_age:
            return None
        return result

    def put(self, result: LinkResult) -> None:
        """Remember ``result`` (written on :meth:`save`). ``skipped`` results are not kept."""
        if result.status == "skipped":
            return
        self._dirty[result.url] = _to_json(result, self.fingerprint)

    def save(self) -> list[str]:
        """Write the cache atomically, merging with entries other runs wrote meanwhile.

        Entries older than both max ages are dropped. Returns warning messages (a
        folder that cannot be written is a :class:`CacheWarning`, not an exception).
        """
        if not self._dirty:
            return []
        current, _ = self._read_file()  # corrupt on disk: overwrite it
        merged = {**self._entries, **current}
        for url, data in self._dirty.items():
            old = merged.get(url)
            if old is None or float(old.get("checked_at", 0)) <= float(data["checked_at"]):
                merged[url] = data
        horizon = self._now() - max(self.max_age_ok, self.max_age_fail)
        kept = {}
        for url, data in merged.items():
            try:
                if float(data.get("checked_at", 0)) >= horizon:
                    kept[url] = data
            except (TypeError, ValueError):
                continue
        payload = json.dumps({"version": CACHE_VERSION, "entries": kept}, sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, payload.encode("utf-8"))
        except OSError as exc:
            message = f"link cache {self.path} could not be written ({exc})"
            warnings.warn(message, CacheWarning, stacklevel=2)
            return [message]
        self._entries = kept
        self._dirty = {}
        return []
