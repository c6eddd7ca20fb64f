"""A persistent per-file result cache, so re-running on an unchanged tree is instant.

Modelled on ruff's cache (https://docs.astral.sh/ruff/settings/#cache-dir): each
linted file's findings are stored with

- a **key**: SHA-256 of the file's bytes and of the run's *context* (tool version
  and the stat of its modules and of each rule's module, config file and rule pack
  contents, selected rules, ``--today``, and the site
  fingerprint: every page's path and front matter, and the path, size and mtime of
  every other file of the tree, so a new permalink, a moved asset or a new data file
  re-lints everything);
- its **dependencies**: what its rules asked the workspace while linting it (does
  ``x.png`` exist; the anchors of ``guide.md``, recorded as that file's size and
  mtime) and which link results they read (recorded as a digest of each result).

A file is taken from the cache only when its key matches and every dependency still
answers the same. So editing a page's body re-lints that page and the pages that
link to its anchors, nothing else; adding or removing a file, or editing any page's
front matter (its permalink, title, layout), re-lints every page, since any page's
links or inferred profile may depend on it. The cache is one JSON file per run root
under the user cache folder (``platformdirs``), beside the link cache; ``--no-cache``
skips it, and runs that fix, diff or shard do not use it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from playbook_lint import __version__
from playbook_lint.atomic import write_atomic
from playbook_lint.findings import Finding
from playbook_lint.runner import FileWorkspace

CACHE_VERSION = 2
#: Folders never walked for the site fingerprint.
SKIP_DIRS = {".git", "node_modules", "_site", "site", "public", "vendor", ".venv", "venv",
             "__pycache__", ".cache", "build", "dist"}
#: At most this many files enter the site fingerprint walk (a huge tree is fingerprinted
#: by its Markdown pages and config alone beyond it).
MAX_WALK = 200_000

Dep = list[Any]  # [kind, key, value]


def _stat(path: str) -> list[Any]:
    try:
        st = os.stat(path)
    except OSError:
        return [False, 0, 0]
    return [True, st.st_size, st.st_mtime_ns]


def link_digest(result: Any) -> str:
    """A short digest of what rules read from a link result."""
    parts = [getattr(result, name, None) for name in (
        "status", "http_status", "reason", "final_url", "permanent_redirect", "https_upgrade")]
    fragments = getattr(result, "fragments", None)
    parts.append(sorted(fragments) if fragments is not None else None)
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()[:16]


class RecordingLinks(Mapping[str, Any]):
    """The link results, remembering which URLs a page's rules looked up."""

    def __init__(self, results: Mapping[str, Any], seen: list[Dep]) -> None:
        self._results = results
        self._seen = seen

    def __getitem__(self, key: str) -> Any:
        value = self._results[key]
        self._seen.append(["link", key, link_digest(value)])
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._results.get(key, default)
        self._seen.append(["link", key, None if value is None else link_digest(value)])
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)

    def __bool__(self) -> bool:
        return bool(self._results)


class RecordingWorkspace(FileWorkspace):
    """A :class:`FileWorkspace` that records every question a page's rules ask it.

    :meth:`take` returns (and clears) the dependencies recorded since the last call.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Dep] = []

    def exists(self, path: Path) -> bool:
        """As :meth:`FileWorkspace.exists`, recorded."""
        answer = super().exists(path)
        self.seen.append(["exists", str(path), answer])
        return answer

    def anchors(self, path: Path) -> frozenset[str] | None:
        """As :meth:`FileWorkspace.anchors`, recorded as the target's stat."""
        self.seen.append(["stat", str(path), _stat(str(path))])
        return super().anchors(path)

    def anchor_list(self, path: Path) -> Any:
        """As ``FileWorkspace.anchor_list`` (where the workspace has it), recorded."""
        self.seen.append(["stat", str(path), _stat(str(path))])
        return getattr(super(), "anchor_list")(path)  # noqa: B009 - not on every base

    def links(self, results: Mapping[str, Any]) -> Mapping[str, Any]:
        """``results`` wrapped so lookups are recorded (empty results stay as they are)."""
        return RecordingLinks(results, self.seen) if results else results

    def take(self) -> list[Dep]:
        """The dependencies recorded since the last call, deduplicated."""
        out: dict[str, Dep] = {}
        for dep in self.seen:
            out.setdefault(f"{dep[0]}\0{dep[1]}", dep)
        self.seen = []
        return list(out.values())


def dep_holds(dep: Dep, link_results: Mapping[str, Any]) -> bool:
    """True when a recorded dependency still answers as it did."""
    kind, key, value = dep
    if kind == "exists":
        return os.path.exists(key) == value
    if kind == "stat":
        return _stat(key) == value
    if kind == "link":
        result = link_results.get(key)
        return (None if result is None else link_digest(result)) == value
    return False


def _front_matter_bytes(data: bytes) -> bytes:
    """The leading front matter block of a page (``---``/``+++`` fenced), or b""."""
    head = data[:3]
    if head not in (b"---", b"+++") and not data.startswith(b"\xef\xbb\xbf---"):
        return b""
    end = data.find(b"\n" + data.lstrip(b"\xef\xbb\xbf")[:3], 3)
    return data[: end if end != -1 else min(len(data), 65536)]


def site_fingerprint(pages: Sequence[Path], trees: Iterable[Path]) -> str:
    """SHA-256 over every page's path and front matter, and every other file's path,
    size and mtime under ``trees`` (skipping :data:`SKIP_DIRS` and hidden folders)."""
    h = hashlib.sha256()
    page_set = set()
    for p in sorted(pages):
        page_set.add(str(p))
        try:
            with open(p, "rb") as fh:
                head = fh.read(65536)
        except OSError:
            head = b""
        h.update(os.fsencode(str(p)) + b"\0" + hashlib.sha1(_front_matter_bytes(head)).digest())
    walked = 0
    tops = sorted(set(trees))
    tops = [t for t in tops if not any(o != t and o in t.parents for o in tops)]  # no nesting
    for tree in tops:
        for folder, dirs, files in os.walk(tree):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(folder, name)
                if path in page_set:
                    continue
                walked += 1
                if walked > MAX_WALK:
                    return h.hexdigest()
                try:
                    st = os.stat(path)
                    stamp = f"{st.st_size},{st.st_mtime_ns}"
                except OSError:
                    stamp = "-"
                h.update(os.fsencode(path) + b"\0" + stamp.encode() + b"\n")
    return h.hexdigest()


def code_fingerprint(rule_classes: Iterable[type]) -> str:
    """Stat (path, size, mtime) of playbook-lint's own modules and of each rule's
    module (plugins too), so rule code edited within one version (a development
    checkout, an editable install) is not served stale results."""
    import inspect

    paths: set[str] = set()
    package = Path(__file__).resolve().parent
    for folder, _dirs, files in os.walk(package):
        paths.update(os.path.join(folder, f) for f in files if f.endswith(".py"))
    for cls in rule_classes:
        try:
            paths.add(inspect.getfile(cls))
        except (TypeError, OSError):
            continue
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(os.fsencode(path) + b"\0" + json.dumps(_stat(path)).encode())
    return h.hexdigest()


def context_key(*, config_path: Path | None, packs: Sequence[Any], rules: Sequence[str],
                today: str, offline: bool, site: str, extra: str = "") -> str:
    """The run-wide part of every key (see the module docstring)."""
    h = hashlib.sha256()
    h.update(f"{CACHE_VERSION}\0{__version__}\0{today}\0{offline}\0{site}\0{extra}".encode())
    h.update("\0".join(sorted(rules)).encode())
    files: list[Any] = [config_path] if config_path is not None else []
    files += [getattr(p, "path", None) for p in packs]
    for f in files:
        if f is None:
            continue
        try:
            h.update(os.fsencode(str(f)) + b"\0" + Path(f).read_bytes())
        except OSError:
            h.update(os.fsencode(str(f)) + b"\0missing")
    return h.hexdigest()


def file_key(path: Path, context: str) -> str | None:
    """The key of one file (None when it cannot be read: it is linted, not cached)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(context.encode() + b"\0" + data).hexdigest()


def default_path(root: Path) -> Path:
    """``<user cache>/playbook-lint/results/<hash of root>.json``."""
    import platformdirs

    digest = hashlib.sha1(os.fsencode(str(root))).hexdigest()[:16]
    return Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) / "results" / (
        f"{digest}.json")


class ResultCache:
    """The cache file: ``{"version", "entries": {path: {key, deps, findings}}}``.

    Args:
        path: the JSON file; a missing, corrupt or other-version file is an empty cache.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION and \
                    isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
        except (OSError, ValueError):
            pass
        self.dirty = False

    def get(self, path: str, key: str, link_results: Mapping[str, Any]) -> list[Finding] | None:
        """The cached findings of ``path`` if its key matches and its dependencies hold."""
        from playbook_lint.merge import finding_from_dict

        entry = self.entries.get(path)
        if not entry or entry.get("key") != key:
            return None
        if not all(dep_holds(d, link_results) for d in entry.get("deps", [])):
            return None
        try:
            return [finding_from_dict(d) for d in entry.get("findings", [])]
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, path: str, key: str, deps: list[Dep], findings: Sequence[Finding]) -> None:
        """Remember ``path``'s findings under ``key`` with its dependencies."""
        self.entries[path] = {"key": key, "deps": deps,
                              "findings": [f.to_dict() for f in findings]}
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically (errors are ignored: a cache only saves time)."""
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"version": CACHE_VERSION, "entries": self.entries},
                              separators=(",", ":"), default=str)
            write_atomic(self.path, data.encode("utf-8"))
        except OSError:
            pass
