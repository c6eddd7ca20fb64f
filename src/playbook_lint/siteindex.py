"""The site index kept between runs, so a one-file run does not re-read every page.

:func:`playbook_lint.site.build_site` reads the front matter of every page of a site
to learn where each is published. On a 4,000-page site that is a second of work that
a pre-commit run (one changed page) would repeat every time. This module keeps each
page's :class:`~playbook_lint.site.Page` record, with the site's URL maps, in an
SQLite file ``<user cache>/playbook-lint/sites/<hash of the root>.sqlite``
(``platformdirs``, beside the result cache in ``results/``; see
:class:`SiteIndexCache`), and reuses it for a file whose **modification time and
size** are unchanged. A changed page is read again; a new page is read; a deleted
page is dropped (the site walk lists the files on every run). A run whose files all
have the stamps kept (or, read again, the records kept: a body edit) answers its
lookups from the file key by key, without loading the index.

Every record is also tied to the run's *context*: the tool version, the stat (size,
mtime) of playbook-lint's own modules (an edited checkout is not served stale
records), the site root, the generator and its permalink settings, and the stat of
every file below the root that can configure the generator (``.yml``, ``.toml``,
``.json``, ``.js``, ... and dotfiles such as ``.eleventyignore``: Eleventy directory
data and Jekyll's ``_config.yml`` change page URLs). When the context changes, the
whole index is rebuilt.

Sites under :data:`PERSIST_FROM` pages are not persisted (they build in a few
milliseconds). ``--no-cache`` (:func:`site_caches`) neither reads nor writes it. A
missing, corrupt or other-version file is an empty index, and one that fails
mid-run is answered without (the site is then built from its pages); a file that
cannot be written is skipped (a cache only saves time).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["PERSIST_FROM", "SiteIndexCache", "SiteWalk", "cache_enabled", "config_file",
           "set_enabled", "site_caches"]

INDEX_VERSION = 3
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
    """Within the block (one run), the persisted site caches are on or off
    (``--no-cache``); the setting before it comes back after it (also when the block
    raises). Walks offered in the block (:func:`offer_walk`) are dropped at both ends."""
    before = _ENABLED[0]
    _ENABLED[0] = enabled
    _OFFERED.clear()
    try:
        yield
    finally:
        _ENABLED[0] = before
        _OFFERED.clear()


def cache_enabled() -> bool:
    """True unless :func:`set_enabled` turned the persisted site caches off."""
    return _ENABLED[0]


def config_file(name: str) -> bool:
    """True when a non-page file named ``name`` can configure the generator (see
    :data:`CONFIG_EXTENSIONS`; dotfiles such as ``.eleventyignore`` too)."""
    return name.startswith(".") or name.rsplit(".", 1)[-1].lower() in CONFIG_EXTENSIONS


_ROOTS: dict[Path, Path | None] = {}
_README_ROOTS: dict[Path, Path | None] = {}


def memo_up(memo: dict[Path, Path | None], folder: Path, test: Callable[[Path], bool]
            ) -> Path | None:
    """The nearest folder at or above ``folder`` passing ``test``, remembering the answer
    for every folder on the way up: a run over 900 folders of one tree looks at each
    folder once instead of once per file below it."""
    walked: list[Path] = []
    found: Path | None = None
    for current in (folder, *folder.parents):
        if current in memo:
            found = memo[current]
            break
        walked.append(current)
        if test(current):
            found = current
            break
    for w in walked:
        memo[w] = found
    return found


def _has_readme(folder: Path) -> bool:
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(n.split(".", 1)[0].upper() == "README" for n in names)


def marker_root(folder: Path, markers: Sequence[str]) -> Path | None:
    """The nearest folder at or above ``folder`` holding one of ``markers`` (file or
    folder names: :data:`playbook_lint.site.SITE_MARKERS`), or None; remembered per
    folder until :func:`forget_roots`."""
    return memo_up(_ROOTS, folder, lambda f: any((f / m).exists() for m in markers))


def find_site_root(path: Path, fallback_root: Path, root: Any, markers: Sequence[str]
                   ) -> Path:
    """The site root of the linted file ``path`` (absolute), by stat alone: ``root``
    (the config's or ``--site-root``) when not None, else the nearest folder at or
    above ``path`` holding one of ``markers``, else ``fallback_root`` (the linted
    folder) when ``path`` is below it, else the nearest folder above ``path`` with a
    README (an exported tree), else ``path``'s folder. This is the root
    :func:`playbook_lint.site.site_for` models; the result cache asks it without
    importing the site model."""
    if root is None:
        root = marker_root(path.parent, markers)
        if root is None:
            root = fallback_root
            if fallback_root not in path.parents:
                # outside the run's root and no generator config or .git: a folder
                # holding a README is taken as the repository root (exported trees)
                root = memo_up(_README_ROOTS, path.parent, _has_readme) or path.parent
    return Path(root)


def forget_roots() -> None:
    """Drop the site roots found so far (:func:`playbook_lint.site.forget_sites`)."""
    _ROOTS.clear()
    _README_ROOTS.clear()
    _OFFERED.clear()


_OFFERED: dict[Path, SiteWalk] = {}


def offer_walk(root: Path) -> SiteWalk:
    """A :class:`SiteWalk` of ``root`` for the result cache's fingerprint, which the
    site model of the same run takes (:func:`take_walk`) if it models ``root``, so
    the tree is listed once per run. Offers last until the run's :func:`site_caches`
    block ends."""
    walk = _OFFERED.get(root)
    if walk is None:
        walk = _OFFERED[root] = SiteWalk(root)
    return walk


def take_walk(root: Path) -> SiteWalk:
    """The walk offered for ``root`` in this run (:func:`offer_walk`), else a new one."""
    walk = _OFFERED.pop(root, None)
    return walk if walk is not None else SiteWalk(root)


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
        self._digest: str | None = None
        self._files: list[str] | None = None

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

    def files(self) -> list[str]:
        """Every file of :meth:`listing` as an absolute path string, in listing order
        (made once per walk)."""
        if self._files is None:
            sep = os.sep
            self._files = [f"{folder}{n}" if folder.endswith(sep) else f"{folder}{sep}{n}"
                           for folder, names in self.listing() for n in names]
        return self._files

    def stamps(self, paths: Iterable[str]) -> list[list[int] | None]:
        """:meth:`stamp` of each of ``paths``, in order."""
        memo = self._stamps
        out = []
        for path in paths:
            try:
                out.append(memo[path])
            except KeyError:
                stamp = memo[path] = _stamp(path)
                out.append(stamp)
        return out

    def listing_digest(self) -> str:
        """A digest of :meth:`listing` (equal listings, equal digests): readers keep
        what they took from a listing under it (the site index keeps its page files)."""
        if self._digest is None:
            import marshal

            # marshal format 2 writes no back-references: equal lists, equal bytes (and
            # 5x faster than a JSON text of the same listing)
            self._digest = hashlib.sha256(marshal.dumps(self.listing(), 2)).hexdigest()
        return self._digest

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
                   config_files: Iterable[str], stamp: Any = None) -> str:
    """The digest every record of the index for ``root`` is tied to (see the module
    docstring). ``config_files`` are absolute paths of the root's configuring files;
    ``stamp(path)`` gives a file's stamp (default: :func:`os.stat` it; the run's
    :meth:`SiteWalk.stamp` shares the walk's)."""
    from playbook_lint import __version__

    stamp = stamp or _stamp
    parts = [INDEX_VERSION, __version__, str(root), getattr(generator, "name", None),
             dict(permalinks), _code_stamp(),
             [[f, stamp(f)] for f in sorted(config_files)]]
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


#: The tables of an index file (see :class:`SiteIndexCache`).
_TABLES = (
    # version, context, the walk's listing digest and what was taken from it, the
    # page files in walk order ("names") and their stamps ("stamps", in the same order)
    "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID",
    # each page file's record (NULL: no page); place: its place among the pages, in
    # walk order (the URL maps' values); fm: whether it has front matter
    "CREATE TABLE pages (path TEXT PRIMARY KEY, place INTEGER, fm INTEGER, rec TEXT)",
    "CREATE INDEX pages_place ON pages (place)",
    # the site's URL maps: kind (see MAP_KINDS), key, value (JSON: a place or places)
    "CREATE TABLE maps (kind TEXT, k TEXT, v TEXT, PRIMARY KEY (kind, k)) WITHOUT ROWID",
)
#: :class:`~playbook_lint.site.Site`'s URL maps kept in table ``maps``: attribute ->
#: kind. Their values are places of pages (an int, or a list of them).
MAP_KINDS = {"_by_key": "key", "_by_lower": "lower", "_claims": "claim", "_posts": "post",
             "_by_name": "name", "_by_tail": "tail"}
#: :class:`~playbook_lint.site.Site`'s page lists kept in table ``meta`` (places).
LIST_KINDS = ("_patterns", "_vague", "_unknown")


class IndexUnreadable(Exception):
    """The index file failed a query after it was opened (corrupt, removed...):
    whoever asked answers without it."""


class SiteIndexCache:
    """The persisted index of one site root: an SQLite file
    ``<user cache>/playbook-lint/sites/<hash of the root>.sqlite`` (``sqlite3`` from
    the standard library: one file, indexed lookups, so a one-file run reads the
    stamps and the few records and URL keys its links ask about, not the whole index
    of a 4,000-page site).

    It holds each page file's stamp (modification time and size) and record (see
    :func:`_to_record`), in walk order, with the site's URL maps as they were made
    from those records (first page wins), and is tied to the run's context
    (:func:`context_digest`). :meth:`kept` tells whether the index still describes the
    site: the same page files in the same order, the same context; the files whose
    stamp changed are then read again, and when each gives the record it had (a body
    edit) only the stamps are written (:meth:`keep_stamps`). Anything else rebuilds the
    index from the records of the unchanged files (:meth:`records`) and writes it anew
    (:meth:`write`: a new file moved over the old one, so a reader never sees half of
    one). A missing, corrupt or other-version file is an empty index; a file that
    cannot be written is skipped (a cache only saves time).

    Args:
        root: the site root (absolute).
    """

    def __init__(self, root: Path) -> None:
        import platformdirs

        digest = hashlib.sha256(os.fsencode(str(root))).hexdigest()[:16]
        self.file = Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
            / "sites" / f"{digest}.sqlite"
        self.meta: dict[str, str] = {}
        self._db: Any = None
        self._pid = os.getpid()
        self._kept_names: list[str] | None = None
        if not self.file.is_file():
            return
        import sqlite3

        try:
            db = self._connect()
            meta = dict(db.execute("SELECT k, v FROM meta").fetchall())
        except (sqlite3.Error, ValueError, TypeError):
            return
        if meta.get("version") == str(INDEX_VERSION):
            self.meta, self._db = meta, db
        else:
            db.close()

    def _connect(self) -> Any:
        import sqlite3

        return sqlite3.connect(str(self.file), timeout=0.5, check_same_thread=False)

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of one query of the open index.

        Raises:
            IndexUnreadable: no index is open, or the query failed.
        """
        import sqlite3

        if self._db is None:
            raise IndexUnreadable(str(self.file))
        try:
            if self._pid != os.getpid():  # a forked worker opens its own connection
                self._db, self._pid = self._connect(), os.getpid()
            return self._db.execute(sql, args).fetchall()  # type: ignore[no-any-return]
        except sqlite3.Error as exc:
            raise IndexUnreadable(str(exc)) from exc

    def _json(self, key: str) -> Any:
        """The meta value ``key`` decoded (None when missing or not JSON)."""
        try:
            return json.loads(self.meta[key])
        except (KeyError, TypeError, ValueError):
            return None

    def _names(self) -> list[str] | None:
        if self._kept_names is None:
            names = self._json("names")
            self._kept_names = names if isinstance(names, list) else []
        return self._kept_names

    def scan(self, listing: str) -> tuple[list[str], list[str], int] | None:
        """What the site model took from the walk when the walk's listing had the
        digest ``listing`` (:meth:`SiteWalk.listing_digest`): ``(page files, configuring
        files, asset count)``, or None when the index was written from another listing."""
        if self.meta.get("listing") != listing:
            return None
        scan = self._json("scan")
        names = self._names()
        if isinstance(scan, list) and len(scan) == 3 and isinstance(scan[0], int) and \
                isinstance(scan[1], list) and isinstance(scan[2], int) and names is not None \
                and 0 <= scan[0] <= len(names):
            return names[:scan[0]], scan[1], scan[2]
        return None

    def kept(self, context: str, names: list[str],
             stamp: Any) -> list[str] | None:
        """The page files (of ``names``, in walk order) whose stamp changed since the
        index was written, when the index was written in ``context`` for exactly these
        files in this order; else None. ``stamp(path)`` gives a file's
        ``[mtime_ns, size]`` (or None)."""
        if self._db is None or self.meta.get("context") != context or \
                self._names() != names:
            return None
        stamps = self._json("stamps")
        if not isinstance(stamps, list) or len(stamps) != len(names):
            return None
        now = [stamp(path) for path in names]
        if now == stamps:
            return []
        return [path for path, a, b in zip(names, now, stamps, strict=True) if a != b]

    def record(self, path: str) -> tuple[bool, Any]:
        """``(found, record)``: the kept record of the page file ``path`` (None: no
        page), ``(False, None)`` when the index holds no such file.

        Raises:
            IndexUnreadable: the index cannot be read, or the record is malformed.
        """
        rows = self.query("SELECT rec FROM pages WHERE path = ?", (path,))
        if not rows:
            return False, None
        try:
            rec = None if rows[0][0] is None else json.loads(rows[0][0])
        except (ValueError, TypeError) as exc:
            raise IndexUnreadable(path) from exc
        if not _well_formed(rec):
            raise IndexUnreadable(path)
        return True, rec

    def records(self, context: str) -> dict[str, tuple[list[int], Any]]:
        """Every kept ``path -> ([mtime_ns, size], record)`` when the index was written
        in ``context`` (for a rebuild: records of files whose stamp still holds are
        used again); empty in another context or when unreadable."""
        names, stamps = self._names(), self._json("stamps")
        if self.meta.get("context") != context or not names or \
                not isinstance(stamps, list) or len(stamps) != len(names):
            return {}
        try:
            recs = dict(self.query("SELECT path, rec FROM pages"))
        except IndexUnreadable:
            return {}
        out: dict[str, tuple[list[int], Any]] = {}
        for path, stamp in zip(names, stamps, strict=True):
            if path not in recs:
                continue
            try:
                rec = None if recs[path] is None else json.loads(recs[path])
            except (ValueError, TypeError):
                continue
            if _well_formed(rec):
                out[path] = (stamp, rec)
        return out

    def keep_stamps(self, names: list[str], stamps: Mapping[str, list[int]], listing: str,
                    scan: tuple[list[str], list[str], int]) -> None:
        """Record new stamps of pages (of ``names``, the index's) whose records did not
        change, and the walk's listing digest and scan (see :meth:`scan`) when they
        changed; in one transaction (errors are ignored)."""
        import sqlite3

        rows = []
        if self.meta.get("listing") != listing:
            rows += [("listing", listing),
                     ("scan", json.dumps([len(scan[0]), scan[1], scan[2]]))]
        if stamps:
            old = self._json("stamps")
            if isinstance(old, list):
                rows.append(("stamps", json.dumps(
                    [stamps.get(p, s) for p, s in zip(names, old, strict=True)])))
        if not rows:
            return
        try:
            if self._pid != os.getpid():
                self._db, self._pid = self._connect(), os.getpid()
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)
        except (sqlite3.Error, AttributeError, ValueError):
            return

    def write(self, context: str, listing: str, scan: tuple[list[str], list[str], int],
              rows: list[tuple[str, list[int] | None, Any]], site: Any) -> None:
        """Write the index anew: ``rows`` (each page file's path, stamp and record, in
        walk order; a file without a stamp is left out, so it is read again next run)
        and the URL maps of ``site`` (made from those records). Written to a new file
        moved over the old one (errors are ignored, the new file removed)."""
        import sqlite3

        folder = self.file.parent
        tmp = folder / f".{self.file.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(tmp))
            try:
                self._fill(db, context, listing, scan, rows, site)
                db.commit()
            finally:
                db.close()
            os.replace(tmp, self.file)
            for old in (".json", ".stamps.json"):  # the index as version 2 kept it
                self.file.with_suffix(old).unlink(missing_ok=True)
        except (OSError, sqlite3.Error, TypeError, ValueError):
            try:
                tmp.unlink()
            except OSError:
                pass

    @staticmethod
    def _fill(db: Any, context: str, listing: str, scan: tuple[list[str], list[str], int],
              rows: list[tuple[str, list[int] | None, Any]], site: Any) -> None:
        db.execute("PRAGMA journal_mode = OFF")  # a new file, moved into place when whole
        for sql in _TABLES:
            db.execute(sql)
        places = {key: at for at, key in enumerate(site._keys)}
        kept = [(path, stamp, rec) for path, stamp, rec in rows if stamp is not None]
        db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?)", [
            (path, places.get(path), None if rec is None else int(bool(rec[2])),
             None if rec is None else json.dumps(rec)) for path, _stamp, rec in kept])

        def ix(page: Any) -> int:
            return places[getattr(page, "key", None) or str(page.source)]

        for attr, kind in MAP_KINDS.items():
            value = getattr(site, attr)
            if attr == "_by_tail":
                value = {t: [ix(p) for p in ps] for t, ps in value.items()}
            db.executemany("INSERT INTO maps VALUES (?, ?, ?)",
                           [(kind, k, json.dumps(v)) for k, v in value.items()])
        found = set(scan[0])
        meta = {"version": str(INDEX_VERSION), "context": context, "listing": listing,
                # the walk's page files come first in names (then other linted files)
                "scan": json.dumps([sum(1 for p, _s, _r in kept if p in found),
                                    scan[1], scan[2]]),
                "names": json.dumps([path for path, _stamp, _rec in kept]),
                "stamps": json.dumps([stamp for _path, stamp, _rec in kept])}
        for attr in LIST_KINDS:
            meta[attr] = json.dumps([ix(p) for p in getattr(site, attr)])
        db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))

    def close(self) -> None:
        """Close the open index (the Site answering from it then asks no more)."""
        if self._db is not None:
            self._db.close()
            self._db = None
