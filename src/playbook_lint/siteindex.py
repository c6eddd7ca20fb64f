"""The site index kept between runs, so a one-file run does not re-read every page.

:func:`playbook_lint.site.build_site` reads the front matter of every page of a site
to learn where each is published. On a 4,000-page site that is a second of work that
a pre-commit run (one changed page) would repeat every time. This module keeps each
page's :class:`~playbook_lint.site.Page` record in
``<user cache>/playbook-lint/sites/<hash of the root>.json`` (``platformdirs``, beside
the result cache in ``results/``), and reuses it for a file whose **modification
time and size** are unchanged. A changed page is read again; a new page is read; a
deleted page is dropped (the site walk lists the files on every run).

Every record is also tied to the run's *context*: the tool version, the stat (size,
mtime) of playbook-lint's own modules (an edited checkout is not served stale
records), the site root, the generator and its permalink settings, and the stat of
every file below the root that can configure the generator (``.yml``, ``.toml``,
``.json``, ``.js``, ... and dotfiles such as ``.eleventyignore``: Eleventy directory
data and Jekyll's ``_config.yml`` change page URLs). When the context changes, the
whole index is rebuilt.

Sites under :data:`PERSIST_FROM` pages are not persisted (they build in a few
milliseconds). ``--no-cache`` (:func:`site_caches`) neither reads nor writes it. A
missing, corrupt or other-version file is an empty index; a file that cannot be
written is skipped (a cache only saves time).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["PERSIST_FROM", "SiteIndexCache", "SiteWalk", "cache_enabled", "config_file",
           "set_enabled", "site_caches"]

INDEX_VERSION = 2
#: Sites with at least this many page files keep their index between runs.
PERSIST_FROM = 200
#: Files (by extension) whose change may change where pages are published: generator
#: config, data files, JavaScript config modules.
CONFIG_EXTENSIONS = frozenset({"yml", "yaml", "toml", "json", "js", "cjs", "mjs", "rb",
                               "py", "ts"})

_ENABLED = [True]


def set_enabled(enabled: bool) -> None:
    """Turn the persisted site index (and the front matter cache) on or off for this
    process (``--no-cache`` turns it off)."""
    _ENABLED[0] = enabled


@contextmanager
def site_caches(enabled: bool) -> Iterator[None]:
    """Within the block, the persisted site caches are on or off (``--no-cache``); the
    setting before it comes back after it (also when the block raises)."""
    before = _ENABLED[0]
    _ENABLED[0] = enabled
    try:
        yield
    finally:
        _ENABLED[0] = before


def cache_enabled() -> bool:
    """True unless :func:`set_enabled` turned the persisted site caches off."""
    return _ENABLED[0]


def config_file(name: str) -> bool:
    """True when a non-page file named ``name`` can configure the generator (see
    :data:`CONFIG_EXTENSIONS`; dotfiles such as ``.eleventyignore`` too)."""
    return name.startswith(".") or name.rsplit(".", 1)[-1].lower() in CONFIG_EXTENSIONS


#: Folders never walked, and generated-output folders skipped at the site root only
#: (Hugo ``public/``, ``resources/``): as the site model and inference walk.
SKIP_WALK = frozenset({".git", "node_modules", "_site", "vendor", ".hg", ".svn",
                       "__pycache__", ".venv"})
SKIP_AT_ROOT = frozenset({"public", "resources"})


class SiteWalk:
    """One walk of a site root, shared by the readers of one run (the site model,
    front matter inference and the result cache's site fingerprint each walked and
    stat-ed every file). A new run (a new :class:`~playbook_lint.site.LazySite`)
    walks again.

    The listing of a tree of :data:`KEEP_LISTING_FROM` folders or more is kept
    between runs (see :class:`_KeptListing`): a folder whose stat is unchanged is
    not listed again.

    Args:
        root: the site root (absolute).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._listing: list[tuple[str, list[str]]] | None = None
        self._stamps: dict[str, list[int] | None] = {}

    def listing(self) -> list[tuple[str, list[str]]]:
        """``(folder, file names)`` of every folder walked, as ``os.walk(root)`` yields
        them (top down, symbolic links to folders not followed, folders that cannot
        be listed left out) without the folders of :data:`SKIP_WALK`, hidden folders
        but ``.github``, and ``public``/``resources`` at the root; folders as
        absolute path strings, "file names" every entry that is not a folder."""
        if self._listing is None:
            kept = _KeptListing(self.root) if cache_enabled() else None
            self._listing = _walk_tree(str(self.root), kept)
            if kept is not None:
                kept.save(len(self._listing))
        return self._listing

    def stamp(self, path: str) -> list[int] | None:
        """``[mtime_ns, size]`` of the file at ``path`` (None when it cannot be
        stat-ed), taken once per walk: a reader that reads the file afresh took it
        before reading, so an edit made meanwhile is read again next run."""
        try:
            return self._stamps[path]
        except KeyError:
            stamp = self._stamps[path] = _stamp(path)
            return stamp


#: Trees with at least this many folders keep their listing between runs.
KEEP_LISTING_FROM = 100
#: A folder modified less than this long before it was listed is listed again next
#: run: a file system with coarse timestamps (FAT: 2 s) could give an entry added
#: just after the listing the folder's old modification time (git's "racy" entries).
RACY_NS = 2_000_000_000
_LISTING_VERSION = 1


class _KeptListing:
    """The listing of each folder of a tree from an earlier run, in
    ``<user cache>/playbook-lint/sites/<hash of the root>.walk.json``, used for a
    folder whose modification time, change time and inode are those recorded (an
    entry added, removed or renamed changes the folder's modification time). A
    folder holding a symbolic link is always listed again (its target can turn from
    folder to file without touching the folder). A missing, corrupt or other-version
    file is an empty listing; one that cannot be written is skipped."""

    def __init__(self, root: Path) -> None:
        import platformdirs

        digest = hashlib.sha256(os.fsencode(str(root))).hexdigest()[:16]
        self.file = Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
            / "sites" / f"{digest}.walk.json"
        self.root = str(root)
        self.old: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}
        try:
            data = json.loads(self.file.read_text("utf-8"))
            if isinstance(data, dict) and data.get("version") == _LISTING_VERSION and \
                    data.get("root") == self.root and isinstance(data.get("folders"), dict):
                self.old = data["folders"]
        except (OSError, ValueError):
            self.old = {}

    def get(self, folder: str, st: os.stat_result) -> tuple[list[str], list[str]] | None:
        """``(folders to walk into, file names)`` of ``folder`` as kept, when its
        stat ``st`` is the one recorded and the record is not racy; else None."""
        rec = self.old.get(folder)
        if not (isinstance(rec, list) and len(rec) == 6):
            return None
        mtime, ctime, ino, listed_at, dirs, names = rec
        if (mtime, ctime, ino) != (st.st_mtime_ns, st.st_ctime_ns, st.st_ino) or \
                not isinstance(listed_at, int) or listed_at - mtime < RACY_NS or \
                not isinstance(dirs, list) or not isinstance(names, list):
            return None
        self.new[folder] = rec
        return dirs, names

    def put(self, folder: str, st: os.stat_result, listed_at: int, dirs: list[str],
            names: list[str]) -> None:
        """Record ``folder``'s listing, made at ``listed_at`` (ns since the epoch,
        taken after ``st`` and before listing)."""
        self.new[folder] = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino, listed_at, dirs, names]

    def save(self, folders: int) -> None:
        """Write the listing when it changed and the tree has
        :data:`KEEP_LISTING_FROM` folders or more (``folders``: how many were walked)."""
        if folders < KEEP_LISTING_FROM or self.new == self.old:
            return
        from playbook_lint.atomic import save_cache_json

        save_cache_json(self.file, {"version": _LISTING_VERSION, "root": self.root,
                                    "folders": self.new})


def _walk_tree(top: str, kept: _KeptListing | None) -> list[tuple[str, list[str]]]:
    """The listing :meth:`SiteWalk.listing` describes, from ``kept`` for each folder
    it answers for, else from :func:`os.scandir` (as :func:`os.walk` lists: an
    entry is a folder when ``is_dir()`` says so, a folder whose listing fails is
    left out with everything below it)."""
    import time

    out: list[tuple[str, list[str]]] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError:
            continue
        got = kept.get(folder, st) if kept is not None else None
        if got is None:
            listed_at = time.time_ns()
            dirs: list[str] = []
            names: list[str] = []
            linked = False
            try:
                with os.scandir(folder) as it:
                    for entry in it:
                        try:
                            is_dir = entry.is_dir()
                        except OSError:
                            is_dir = False
                        link = entry.is_symlink()
                        linked = linked or link
                        if not is_dir:
                            names.append(entry.name)
                        elif not link and _walked_into(entry.name, folder == top):
                            dirs.append(entry.name)
            except OSError:
                continue
            if kept is not None and not linked:
                kept.put(folder, st, listed_at, dirs, names)
        else:
            dirs, names = got
        out.append((folder, names))
        stack.extend(os.path.join(folder, d) for d in reversed(dirs))
    return out


def _walked_into(name: str, at_root: bool) -> bool:
    """Whether the walk enters the folder ``name`` (see :meth:`SiteWalk.listing`)."""
    return name not in SKIP_WALK and not (name.startswith(".") and name != ".github") \
        and not (at_root and name in SKIP_AT_ROOT)


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


_CODE_STAMP: list[Any] = []


def _code_stamp() -> list[Any]:
    """Size and mtime of every module of the package, taken once per process (the
    code running is the code imported at its start)."""
    if not _CODE_STAMP:
        _CODE_STAMP.extend(_take_code_stamp())
    return _CODE_STAMP


def _take_code_stamp() -> list[Any]:
    package = Path(__file__).resolve().parent
    out: list[Any] = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                out.append([path, _stamp(path)])
    return out


def context_digest(root: Path, generator: Any, permalinks: Mapping[str, str],
                   config_files: Iterable[str]) -> str:
    """The digest every record of the index for ``root`` is tied to (see the module
    docstring). ``config_files`` are absolute paths of the root's configuring files."""
    from playbook_lint import __version__

    parts = [INDEX_VERSION, __version__, str(root), getattr(generator, "name", None),
             dict(permalinks), _code_stamp(),
             [[f, _stamp(f)] for f in sorted(config_files)]]
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8", "surrogateescape")
                          ).hexdigest()


def _to_record(page: Any) -> Any:
    if page is None:
        return None
    pattern = page.pattern
    return [list(page.urls), list(page.claims), page.has_front_matter, page.title,
            page.templated, page.home,
            None if pattern is None else [pattern.pattern, pattern.flags],
            page.url_reason, page.published, page.has_permalink]


class LazyPattern:
    """A page's URL pattern read from the index, compiled on its first match (an
    Eleventy site's index holds hundreds of distinct patterns, most never asked:
    compiling them all was 0.6 s of a one-file run). Answers ``pattern``, ``flags``
    and ``fullmatch`` as the :class:`re.Pattern` it stands for."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """As :meth:`re.Pattern.fullmatch`."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled.fullmatch(text)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern | re.Pattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))


def _well_formed(rec: Any) -> bool:
    """True when ``rec`` is None or has the shape :func:`_to_record` writes."""
    if rec is None:
        return True
    if not (isinstance(rec, list) and len(rec) == 10 and isinstance(rec[0], list)
            and isinstance(rec[1], list) and isinstance(rec[7], str)):
        return False
    pattern = rec[6]
    return pattern is None or (isinstance(pattern, list) and len(pattern) == 2
                               and isinstance(pattern[0], str) and isinstance(pattern[1], int))


def page_of(path: Path, rec: Any) -> Any:
    """The :class:`~playbook_lint.site.Page` of ``path`` from its kept record (one
    :meth:`SiteIndexCache.record` found), or None for a file that is no page."""
    return _from_record(path, rec)


def _from_record(path: Path, rec: Any) -> Any:
    from playbook_lint.site import Page

    if rec is None:
        return None
    urls, claims, has_fm, title, templated, home, pattern, reason, published, perm = rec
    return Page(path, tuple(urls), tuple(claims), has_fm, title, templated, home,
                None if pattern is None else LazyPattern(pattern[0], pattern[1]),
                reason, published, perm)


class SiteIndexCache:
    """The persisted index of one site root.

    Args:
        root: the site root (absolute).
        context: :func:`context_digest` of this run; records of another context are
            not used.

    :meth:`get` answers a page from the file when its stamp matches; :meth:`put`
    records a freshly read page; :meth:`save` writes the records of this run's files
    (so deleted files drop out).
    """

    def __init__(self, root: Path, context: str) -> None:
        import platformdirs

        digest = hashlib.sha256(os.fsencode(str(root))).hexdigest()[:16]
        self.file = Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
            / "sites" / f"{digest}.json"
        self.context = context
        self.old: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}
        self.read_again = 0
        #: the site's URL maps as the last run made them (see :meth:`kept_maps`), and
        #: the maps to write
        self.old_maps: dict[str, Any] | None = None
        self.maps: dict[str, Any] | None = None
        self._changed = False
        #: stamps kept apart from the index (``<hash>.stamps.json``): a run whose pages
        #: changed only in ways that leave their records alone (a body edit) writes
        #: these few stamps, not the whole index
        self.stamps_file = self.file.with_suffix(".stamps.json")
        self._id = ""
        self._main: dict[str, list[Any]] = {}
        try:
            data = json.loads(self.file.read_text("utf-8"))
            if isinstance(data, dict) and data.get("version") == INDEX_VERSION and \
                    data.get("context") == context and isinstance(data.get("pages"), dict):
                self.old = self._main = data["pages"]
                maps = data.get("maps")
                self.old_maps = maps if isinstance(maps, dict) else None
                self._id = str(data.get("id") or "")
                self._overlay()
        except (OSError, ValueError):
            self.old = {}

    def _overlay(self) -> None:
        """Apply the stamps kept apart for this index (when written for it)."""
        try:
            data = json.loads(self.stamps_file.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if not (isinstance(data, dict) and data.get("id") == self._id and self._id
                and isinstance(data.get("stamps"), dict)):
            return
        old = dict(self._main)
        for key, stamp in data["stamps"].items():
            rec = old.get(key)
            if isinstance(rec, list) and len(rec) == 2:
                old[key] = [stamp, rec[1]]
        self.old = old

    def get(self, path: Path) -> tuple[bool, Any]:
        """``(found, page)``: the recorded :class:`~playbook_lint.site.Page` of ``path``
        (None: the file is no page) when its modification time and size are unchanged,
        else ``(False, None)``."""
        key = str(path)
        stamp = _stamp(key)
        hit = self.old.get(key)
        if stamp is not None and isinstance(hit, list) and len(hit) == 2 and \
                hit[0] == stamp:
            try:
                page = _from_record(path, hit[1])
            except (TypeError, ValueError, re.error):
                return False, None
            self.new[key] = hit
            return True, page
        return False, None

    def record(self, key: str, stamp: list[int] | None = None) -> tuple[bool, Any]:
        """``(found, record)``: the kept record of the file at ``key`` (an absolute
        path string; a record is None for a file that is no page) when its
        modification time and size are unchanged and the record is well formed, else
        ``(False, None)``. :func:`page_of` makes the :class:`~playbook_lint.site.Page`.
        ``stamp``: the file's stamp when the caller has it (see :class:`SiteWalk`)."""
        if stamp is None:
            stamp = _stamp(key)
        hit = self.old.get(key)
        if stamp is not None and isinstance(hit, list) and len(hit) == 2 and \
                hit[0] == stamp and _well_formed(hit[1]):
            self.new[key] = hit
            return True, hit[1]
        return False, None

    def put(self, path: Path, page: Any, stamp: list[int] | None) -> None:
        """Record ``page`` (None: not a page) for ``path`` as read at ``stamp`` (taken
        before reading, so an edit made meanwhile is read again next time)."""
        self.read_again += 1
        rec = _to_record(page)
        before = self.old.get(str(path))
        if not (isinstance(before, list) and len(before) == 2 and before[1] == rec):
            self._changed = True  # a new page, or one whose record changed
        if stamp is not None:
            self.new[str(path)] = [stamp, rec]

    def kept_maps(self) -> dict[str, Any] | None:
        """The URL maps the last run kept (see ``Site._maps_to_json``) when they still
        hold: every file of this run has the record it had then (a page whose body
        changed and whose URLs did not keeps its record), in the same walk order, and
        no file was added or removed. Else None. Call after every :meth:`record` and
        :meth:`put` of the run."""
        if self.old_maps is None or self._changed or list(self.new) != list(self.old):
            return None
        return self.old_maps

    @staticmethod
    def stamp(path: Path) -> list[int] | None:
        """``[mtime_ns, size]`` of ``path``, or None when it cannot be read."""
        return _stamp(str(path))

    def save(self) -> None:
        """Write the index when it changed (atomically; errors are ignored)."""
        if self.new == self.old and self.maps == self.old_maps:
            return
        from playbook_lint.atomic import save_cache_json

        main = self._main
        if self._id and self.maps == self.old_maps and list(self.new) == list(main) and \
                all(rec[1] == main[key][1] for key, rec in self.new.items()):
            # only stamps changed: keep them apart, the index as it is
            stamps = {key: rec[0] for key, rec in self.new.items() if rec[0] != main[key][0]}
            save_cache_json(self.stamps_file, {"id": self._id, "stamps": stamps})
            return
        self._id = os.urandom(8).hex()
        save_cache_json(self.file, {"version": INDEX_VERSION, "context": self.context,
                                    "id": self._id, "pages": self.new, "maps": self.maps})
