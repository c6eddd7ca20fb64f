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

A warm run reads each file once (its digest keys its entry, its front matter enters
the site fingerprint), checks each entry's dependencies (each file system question
asked once per run) and rebuilds the findings from compact rows. An online run also
takes an unchanged page's external URLs from its entry, so it parses only the pages
that changed to learn what to ask the link engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from playbook_lint import __version__
from playbook_lint.atomic import write_atomic
from playbook_lint.findings import Edit, EditPosition, Finding, Fix, Severity

CACHE_VERSION = 3
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
    """A short digest of what rules read from a link result
    (:func:`playbook_lint.links.result.rules_digest_of`): a
    :class:`~playbook_lint.links.result.LinkResult`'s own, computed once per result
    (``rules_digest``; the engine's child computes it beside each result), another
    object's computed here."""
    known = getattr(result, "rules_digest", None)  # a LinkResult's, kept once computed
    if isinstance(known, str):
        return known
    from playbook_lint.links.result import rules_digest_of

    return rules_digest_of(result)


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


_RECORDING: list[type] = []


def recording_workspace_class() -> type:
    """The :class:`RecordingWorkspace` class (a
    :class:`~playbook_lint.runner.FileWorkspace` that records what a page's rules ask
    it), made on first use: importing the runner (the parser and its plugins) is left
    to runs that lint a page."""
    if _RECORDING:
        return _RECORDING[0]
    from playbook_lint.runner import FileWorkspace

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

    _RECORDING.append(RecordingWorkspace)
    return RecordingWorkspace


def __getattr__(name: str) -> Any:
    if name == "RecordingWorkspace":
        return recording_workspace_class()
    raise AttributeError(name)


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


def _front_matter_digest(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        head = b""
    return hashlib.sha1(_front_matter_bytes(head)).digest()


def site_fingerprint(pages: Sequence[Path], trees: Iterable[Path],
                     front_matter: Callable[[Path], bytes] | None = None,
                     walks: Callable[[Path], Any] | None = None) -> str:
    """SHA-256 over every page's path and front matter, and every other file's path,
    size and mtime under ``trees``, walked as the site model walks them
    (:class:`playbook_lint.siteindex.SiteWalk`: skipping its ``SKIP_WALK`` folders,
    hidden folders but ``.github``, and ``public/``/``resources/`` at a tree's top).

    Args:
        pages: the linted files (absolute); each enters by its path and front matter,
            not its stamp (a body edit leaves the fingerprint as it was).
        trees: folders to walk (absolute); one inside another is walked once.
        front_matter: ``front_matter(page)`` gives the SHA-1 of a page's front matter
            block (default: read from the file's first 64 KiB).
        walks: ``walks(tree)`` gives the run's ``SiteWalk`` of ``tree`` (the site
            model's, so the tree is listed and each file stat-ed once per run), or
            None for a walk of its own.

    Returns:
        the hex digest. At most :data:`MAX_WALK` files are stat-ed: beyond them a
        huge tree is fingerprinted by the files before.
    """
    from playbook_lint.siteindex import SiteWalk

    h = hashlib.sha256()
    page_set = set()
    digest_of = front_matter or _front_matter_digest
    for p in sorted(pages):
        page_set.add(str(p))
        h.update(os.fsencode(str(p)) + b"\0" + digest_of(p))
    left = MAX_WALK
    tops = sorted(set(trees))
    tops = [t for t in tops if not any(o != t and o in t.parents for o in tops)]  # no nesting
    for tree in tops:
        walk = (walks(tree) if walks is not None else None) or SiteWalk(tree)
        files = sorted(path for path in walk.files() if path not in page_set)
        if len(files) > left:
            files = files[:left]
        left -= len(files)
        # one text per tree, encoded once: the bytes os.fsencode gives path by path
        h.update("".join([
            f"{path}\0-\n" if stamp is None else f"{path}\0{stamp[1]},{stamp[0]}\n"
            for path, stamp in zip(files, walk.stamps(files), strict=True)
        ]).encode(sys.getfilesystemencoding(), "surrogateescape"))
        if left <= 0:
            break
    return h.hexdigest()


def rule_module_files(rule_classes: Iterable[type]) -> list[str]:
    """The source files of ``rule_classes`` (plugins' too), sorted."""
    import inspect

    paths: set[str] = set()
    for cls in rule_classes:
        try:
            paths.add(inspect.getfile(cls))
        except (TypeError, OSError):
            continue
    return sorted(paths)


_OWN_MODULES: list[str] = []


def code_fingerprint(rule_classes: Iterable[type], *, modules: Iterable[str] = ()) -> str:
    """Stat (path, size, mtime) of playbook-lint's own modules and of each rule's
    module (plugins too; or the files ``modules``), so rule code edited within one
    version (a development checkout, an editable install) is not served stale
    results."""
    if not _OWN_MODULES:
        package = Path(__file__).resolve().parent
        for folder, _dirs, files in os.walk(package):
            _OWN_MODULES.extend(os.path.join(folder, f) for f in files if f.endswith(".py"))
    paths = {*_OWN_MODULES, *rule_module_files(rule_classes), *modules}
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(os.fsencode(path) + b"\0" + json.dumps(_stat(path)).encode())
    return h.hexdigest()


def entry_points_fingerprint() -> str:
    """A digest of ``sys.path`` and, in each of its folders, the stamp (size, mtime) of
    every distribution's ``entry_points.txt``: installing, removing or upgrading a
    rule plugin (or editing its entry points) changes it."""
    import sys

    h = hashlib.sha256()
    for folder in sys.path:
        h.update(os.fsencode(folder) + b"\0")
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                stamp = _stat(os.path.join(folder or ".", name, "entry_points.txt"))
                h.update(os.fsencode(name) + json.dumps(stamp).encode())
    return h.hexdigest()


def load_key(*, config_path: Path | None, select: Sequence[str], ignore: Sequence[str],
             site_root: Path | None) -> str:
    """What the run's rule set is built from, hashed: tool and cache version, the stat
    of playbook-lint's modules, the config file's path and bytes, ``--select``,
    ``--ignore``, ``--site-root`` and the installed entry points. The packs and
    other files the rules read are checked by :meth:`ResultCache.rule_facts`."""
    h = hashlib.sha256()
    h.update(f"{CACHE_VERSION}\0{__version__}\0{code_fingerprint(())}\0".encode())
    h.update(json.dumps([list(select), list(ignore), str(site_root)]).encode())
    if config_path is not None:
        try:
            h.update(os.fsencode(str(config_path)) + b"\0" + Path(config_path).read_bytes())
        except OSError:
            h.update(b"missing")
    h.update(entry_points_fingerprint().encode())
    return h.hexdigest()


def files_digest(paths: Iterable[str]) -> str:
    """SHA-256 over each file's path and bytes (a missing file counts as missing)."""
    h = hashlib.sha256()
    for f in paths:
        try:
            with open(f, "rb") as fh:
                h.update(os.fsencode(f) + b"\0" + fh.read())
        except OSError:
            h.update(os.fsencode(f) + b"\0missing")
    return h.hexdigest()


def rule_facts(rules: Any) -> dict[str, Any]:
    """What a warm run needs to know of a built RuleSet without building it: the
    active rules with their severities, the site options, whether any rule reads link
    results, the rules' notes, their modules' code fingerprint, and the packs and
    input files they read (with a digest of their bytes, and the stat of each pack
    folder, so a new built-in pack counts)."""
    active = rules.active
    modules = rule_module_files(type(a.rule) for a in active)
    packs = [str(p.path) for p in rules.packs if getattr(p, "path", None) is not None]
    inputs = [str(p) for a in active for p in a.rule.inputs]
    folders = sorted({os.path.dirname(p) for p in packs})
    return {
        "rules": [f"{a.rule.name}:{a.severity}" for a in active],
        "site_options": json.dumps(rules.site_options, sort_keys=True, default=str),
        "uses_link_results": any(a.rule.uses_link_results for a in active),
        "notes": [note for a in active for note in a.rule.notes],
        "modules": modules,
        "code": code_fingerprint((), modules=modules),
        "packs": packs,
        "inputs": inputs,
        "files": files_digest([*packs, *inputs]),
        "folders": [[f, _stat(f)] for f in folders],
        # the site model's markers (its code is in the fingerprint): a warm run finds
        # the site roots by stat without importing the site model
        "site_markers": list(site_markers()),
    }


def site_markers() -> tuple[str, ...]:
    """:data:`playbook_lint.site.SITE_MARKERS` (imports the site model)."""
    from playbook_lint.site import SITE_MARKERS

    return SITE_MARKERS


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
    return entry_key(context, hashlib.sha256(data).hexdigest())


def entry_key(context: str, digest: str) -> str:
    """The key of one file from the run's context key and the SHA-256 (hex) of its bytes."""
    return hashlib.sha256(f"{context}\0{digest}".encode()).hexdigest()


def default_path(root: Path) -> Path:
    """``<user cache>/playbook-lint/results/<hash of root>.json``."""
    import platformdirs

    digest = hashlib.sha1(os.fsencode(str(root))).hexdigest()[:16]
    return Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) / "results" / (
        f"{digest}.json")


def _display_path(path: Path, root: Path) -> str:
    # runner.display_path, without importing the runner (the parser) on a warm run
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path, root).replace(os.sep, "/") if path.is_absolute() else str(path)


class RelPaths:
    """Display paths (:func:`playbook_lint.runner.display_path`) of many files, the
    folder part worked out once per folder, from its parent's (``relpath`` of a path
    outside the root costs 10 us, and a warm run asks it for every file)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._top = str(root)
        self._folders: dict[str, str] = {}

    def _folder(self, folder: str) -> str:
        shown = self._folders.get(folder)
        if shown is not None:
            return shown
        parent, _, name = folder.rpartition(os.sep)
        top = self._top
        if not name or folder == top or top.startswith(folder + os.sep):
            shown = _display_path(Path(folder), self.root)  # the root or above it
        else:  # below the root, or beside it: the parent's display path, then the name
            up = self._folder(parent or os.sep)
            shown = name if up == "." else f"{up}/{name}"
        self._folders[folder] = shown
        return shown

    def __call__(self, path: Path) -> str:
        """``path``'s display path."""
        if not path.is_absolute():
            return _display_path(path, self.root)
        folder, _, name = str(path).rpartition(os.sep)
        if not name:
            return _display_path(path, self.root)
        shown = self._folder(folder or os.sep)
        return name if shown == "." else f"{shown}/{name}"


# --- the stored shape of a finding (a row: a list, no keys) ---------------------------

_SEVERITIES = {int(s): s for s in Severity}

#: What :meth:`ResultCache.get` answers for a file that is not a page (not linted,
#: not counted): compare with ``is``.
NOT_A_PAGE: list[Finding] = []


def finding_row(f: Finding, fingerprint: str | None = None) -> list[Any]:
    """``f`` as a JSON row (its path is the entry's): ``[line, column, rule, code,
    severity, message, end_line, end_column, suggestion, fix, data]``, ``fix`` as
    ``[title, safe, [[start, end, replacement, position], ...]]``, ``position`` as
    ``[line, column, end_line, end_column, newline]`` or None; then its content
    ``fingerprint`` (:func:`playbook_lint.baseline.fingerprint`) when known."""
    fix = None
    if f.fix is not None:
        fix = [f.fix.title, f.fix.safe, [
            [e.start, e.end, e.replacement, None if e.position is None else [
                e.position.line, e.position.column, e.position.end_line,
                e.position.end_column, e.position.newline]]
            for e in f.fix.edits]]
    row = [f.line, f.column, f.rule, f.code, int(f.severity), f.message, f.end_line,
           f.end_column, f.suggestion, fix, f.data]
    if fingerprint is not None:
        row.append(fingerprint)
    return row


def line_fingerprints(doc: Any, findings: Iterable[Finding]) -> dict[tuple[int, str, str], str]:
    """The content fingerprint (:func:`playbook_lint.baseline.fingerprint`) of each of
    ``findings`` on ``doc`` (a Document), by ``(line, rule, message)``: made from the
    page's text in memory while it is linted, the same line SARIF would read from
    the file (its decoded text split at newlines; "" beyond the last line), so a
    report of cached findings need not read the file."""
    from playbook_lint.baseline import fingerprint

    out: dict[tuple[int, str, str], str] = {}
    shown = doc.display_path
    count = len(doc.line_starts)
    for f in findings:
        if f.path != shown:
            continue
        key = (f.line, f.rule, f.message)
        if key not in out:
            text = doc.line_text(f.line) if 1 <= f.line <= count else ""
            out[key] = fingerprint(f.rule, text, f.message)
    return out


def _edit(start: int, end: int, text: str, pos: Sequence[Any] | None) -> Edit:
    return Edit(start, end, text, position=None if pos is None else EditPosition(*pos))


def finding_from_row(path: str, row: Sequence[Any]) -> Finding:
    """The :class:`Finding` of ``path`` that :func:`finding_row` stored as ``row``.

    Raises:
        KeyError, TypeError, ValueError: ``row`` is not one.
    """
    line, column, rule, code, severity, message, end_line, end_column, suggestion, fix, \
        data = row[:11] if len(row) == 12 else row
    if type(line) is not int or type(column) is not int or type(rule) is not str or \
            type(message) is not str or type(data) is not dict:
        raise ValueError("not a finding row")
    made = None
    if fix is not None:
        title, safe, edits = fix
        made = Fix(title, tuple([_edit(*e) for e in edits]), safe)
    return Finding(path, line, column, rule, code, _SEVERITIES[severity], message,
                   end_line, end_column, suggestion, made, data)


class KnownFingerprints(Mapping[tuple[str, int, str, str], str]):
    """Content fingerprints by ``(path, line, rule, message)``, gathered on first use
    (see :meth:`ResultCache.known_fingerprints`)."""

    def __init__(self, served: Sequence[tuple[str, list[Finding], list[Any]]],
                 fresh: Mapping[str, Mapping[tuple[int, str, str], str]]) -> None:
        self._served = served
        self._fresh = fresh
        self._table: dict[tuple[str, int, str, str], str] | None = None

    def _known(self) -> dict[tuple[str, int, str, str], str]:
        if self._table is None:
            table: dict[tuple[str, int, str, str], str] = {}
            for path, found, rows in self._served:
                for f, row in zip(found, rows, strict=True):
                    if len(row) == 12 and type(row[11]) is str:
                        table[(path, f.line, f.rule, f.message)] = row[11]
            for path, fps in self._fresh.items():
                for (line, rule, message), fp in fps.items():
                    table[(path, line, rule, message)] = fp
            self._table = table
        return self._table

    def __getitem__(self, key: tuple[str, int, str, str]) -> str:
        return self._known()[key]

    def __iter__(self) -> Iterator[tuple[str, int, str, str]]:
        return iter(self._known())

    def __len__(self) -> int:
        return len(self._known())


class ResultCache:
    """The cache file of one run root: ``{"version", "code", "entries": {path: entry}}``,
    an entry ``{"key", "digest", "deps", "rows", "urls"}`` (``digest``: SHA-256 of the
    file's bytes; ``urls``: ``[external URLs in first-seen order, link count]`` of the
    page when an online run collected them, so the next online run of an unchanged
    page does not parse it to learn them; ``rows``: :func:`finding_row` of each
    finding).

    The file's bytes are read once per run (:meth:`read`): their digest keys the
    entry and their front matter enters the site fingerprint.

    Args:
        path: the JSON file; a missing, corrupt or other-version file is an empty cache.
        code: the code fingerprint (:func:`code_fingerprint`) of this run: the pages'
            URL lists were extracted by that code, so another fingerprint drops them.
        root: the folder entries' display paths are relative to (:attr:`rel`).
    """

    def __init__(self, path: Path, code: str | None = None, root: Path | None = None) -> None:
        self.path = path
        self.code = ""
        #: display paths of files (relative to ``root``)
        self.rel = RelPaths(root or Path.cwd())
        self.entries: dict[str, dict[str, Any]] = {}
        #: rule facts (:func:`rule_facts`) by :func:`load_key`, most recent last
        self.runs: dict[str, dict[str, Any]] = {}
        self._stored_code: Any = None
        #: this run's :func:`load_key` (set by the pipeline when it may defer the rules)
        self.load_key = ""
        try:
            data = json.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION and \
                    isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
                self._stored_code = data.get("code")
                if isinstance(data.get("runs"), dict):
                    self.runs = data["runs"]
        except (OSError, ValueError):
            pass
        self.dirty = False
        #: per file: (SHA-256 hex of its bytes, SHA-1 of its front matter), None: unreadable
        self._read: dict[Path, tuple[str, bytes] | None] = {}
        #: answers of the file system to dependencies, asked once per run
        self._deps: dict[tuple[str, str], Any] = {}
        #: URL lists collected this run: display path -> (digest, [urls, count])
        self._urls: dict[str, tuple[str, list[Any]]] = {}
        #: what :meth:`get` served: (path, findings, their rows), for
        #: :meth:`known_fingerprints`
        self._served: list[tuple[str, list[Finding], list[Any]]] = []
        if code is not None:
            self.set_code(code)

    def set_code(self, code: str) -> None:
        """This run's code fingerprint (:func:`code_fingerprint`): the pages' URL lists
        were extracted by the code of the run that stored them, so another one drops
        them (results are keyed by it anyway)."""
        self.code = code
        if self._stored_code != code:
            for entry in self.entries.values():
                if isinstance(entry, dict):
                    entry.pop("urls", None)
            self._stored_code = code

    def rule_facts(self, key: str) -> dict[str, Any] | None:
        """The :func:`rule_facts` an earlier run stored under ``key`` (a
        :func:`load_key`), if its rule modules, packs, pack folders and input files
        are as they were then; else None (the rules must be built)."""
        facts = self.runs.get(key)
        try:
            if not isinstance(facts, dict) or \
                    code_fingerprint((), modules=facts["modules"]) != facts["code"] or \
                    any(_stat(f) != stamp for f, stamp in facts["folders"]) or \
                    files_digest([*facts["packs"], *facts["inputs"]]) != facts["files"]:
                return None
        except (KeyError, TypeError, ValueError):
            return None
        return facts

    def keep_rule_facts(self, key: str, facts: dict[str, Any]) -> None:
        """Store ``facts`` under ``key`` (the eight most recent keys are kept)."""
        if self.runs.get(key) == facts:
            return
        self.runs.pop(key, None)
        self.runs[key] = facts
        for old in list(self.runs)[:-8]:
            del self.runs[old]
        self.dirty = True

    def read(self, path: Path) -> tuple[str, bytes] | None:
        """``(SHA-256 hex of the file's bytes, SHA-1 of its front matter block)``, read
        once per run; None when the file cannot be read."""
        if path in self._read:
            return self._read[path]
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            self._read[path] = None
            return None
        got = (hashlib.sha256(data).hexdigest(),
               hashlib.sha1(_front_matter_bytes(data[:65536])).digest())
        self._read[path] = got
        return got

    def urls(self, rel: str, digest: str) -> list[Any] | None:
        """``[external URLs, link count]`` stored for ``rel`` when its bytes (``digest``)
        are unchanged, else None."""
        entry = self.entries.get(rel)
        if not isinstance(entry, dict) or entry.get("digest") != digest:
            return None
        urls = entry.get("urls")
        if not (isinstance(urls, list) and len(urls) == 2 and isinstance(urls[0], list)
                and isinstance(urls[1], int)):
            return None
        return urls

    def keep_urls(self, rel: str, digest: str, urls: list[str], count: int) -> None:
        """Remember the URL list of a page parsed this run (stored on :meth:`put`)."""
        self._urls[rel] = (digest, [urls, count])

    def _holds(self, dep: Dep, link_results: Mapping[str, Any]) -> bool:
        kind, key, value = dep
        if kind == "link":
            result = link_results.get(key)
            return (None if result is None else link_digest(result)) == value
        memo = (kind, key)
        if memo not in self._deps:
            self._deps[memo] = (os.path.exists(key) if kind == "exists"
                                else _stat(key) if kind == "stat" else None)
        return self._deps[memo] == value

    def get(self, path: str, key: str, link_results: Mapping[str, Any]) -> list[Finding] | None:
        """The cached findings of ``path`` if its key matches and its dependencies hold."""
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        if entry.get("page") is False:
            return NOT_A_PAGE
        try:
            if not all(self._holds(d, link_results) for d in entry.get("deps", [])):
                return None
            rows = entry.get("rows", [])
            found = [finding_from_row(path, row) for row in rows]
        except (KeyError, TypeError, ValueError):
            return None
        if rows:
            self._served.append((path, found, rows))
        return found

    def known_fingerprints(
            self, fresh: Mapping[str, Mapping[tuple[int, str, str], str]] | None = None,
    ) -> KnownFingerprints:
        """The content fingerprints of the findings :meth:`get` served (kept in their
        rows) and of ``fresh`` ones (``LintResult.fingerprints``: display path ->
        ``(line, rule, message)`` -> fingerprint), by ``(path, line, rule, message)``;
        gathered only when a report asks (SARIF), not on every run."""
        return KnownFingerprints(self._served, fresh or {})

    def put(self, path: str, key: str, deps: list[Dep], findings: Sequence[Finding],
            digest: str | None = None, *, page: bool = True,
            fingerprints: Mapping[tuple[int, str, str], str] | None = None) -> None:
        """Remember ``path``'s findings under ``key`` with its dependencies; ``digest``
        (its bytes' SHA-256) keeps the page's URL list with them. ``page=False``: the
        site model said the file is not a page (a README, a partial), so it was not
        linted: :meth:`get` answers :data:`NOT_A_PAGE` while the key holds (the key
        covers the file's bytes and the site fingerprint). ``fingerprints``: of the
        findings, by ``(line, rule, message)`` (:func:`line_fingerprints`), kept in
        their rows."""
        fps = fingerprints or {}
        entry: dict[str, Any] = {"key": key, "digest": digest, "deps": deps, "rows": [
            finding_row(f, fps.get((f.line, f.rule, f.message))) for f in findings]}
        if not page:
            entry["page"] = False
        urls = self._urls.get(path)
        old = self.entries.get(path)
        if urls is not None and urls[0] == digest:
            entry["urls"] = urls[1]
        elif isinstance(old, dict) and digest is not None and old.get("digest") == digest \
                and "urls" in old:
            entry["urls"] = old["urls"]
        self.entries[path] = entry
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically (errors are ignored: a cache only saves time).
        URL lists collected for pages that were not linted again are stored too."""
        for rel, (digest, urls) in self._urls.items():
            entry = self.entries.get(rel)
            if isinstance(entry, dict) and entry.get("digest") == digest and \
                    entry.get("urls") != urls:
                entry["urls"] = urls
                self.dirty = True
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"version": CACHE_VERSION, "code": self.code,
                               "runs": self.runs, "entries": self.entries},
                              separators=(",", ":"), default=str)
            write_atomic(self.path, data.encode("utf-8"))
        except OSError:
            pass


class DeferredRules:
    """Stands for the run's :class:`~playbook_lint.runner.RuleSet` on a warm run: the
    facts an earlier run stored (:func:`rule_facts`) answer what the result cache
    and the pipeline ask before linting, and the rules (their modules, packs and
    regular expressions: about half a warm run's time) are built only when a page
    must be linted, or something else of the RuleSet is asked for.

    Args:
        facts: from :meth:`ResultCache.rule_facts`.
        build: makes the real RuleSet (raises as ``build_rules`` does).
    """

    def __init__(self, facts: Mapping[str, Any], build: Callable[[], Any]) -> None:
        self.facts = facts
        self._build = build
        self._real: Any = None

    @property
    def built(self) -> bool:
        """True once the real RuleSet has been built."""
        return self._real is not None

    def real(self) -> Any:
        """The real RuleSet, built on the first call."""
        if self._real is None:
            self._real = self._build()
        return self._real

    @property
    def site_options(self) -> dict[str, Any]:
        """The config's ``site`` table (as the stored facts give it until built)."""
        if self._real is not None:
            return self._real.site_options  # type: ignore[no-any-return]
        options: dict[str, Any] = json.loads(self.facts["site_options"])
        return options

    @property
    def uses_link_results(self) -> bool:
        """Whether any active rule reads link results."""
        return bool(self.facts["uses_link_results"])

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("facts", "_build", "_real"):
            raise AttributeError(name)
        return getattr(self.real(), name)


class LazyRuleClasses(Mapping[str, Any]):
    """``RunResult.rules`` (every known rule class by name) on a warm run: filled from
    the rule registry on first use (SARIF and HTML reports read rule metadata; the
    other formats never ask, and a warm run then imports no rule module). A read-only
    mapping: ``Mapping`` derives ``get``, ``in``, ``items`` and equality from the
    three methods below."""

    def __init__(self, load: Callable[[], Mapping[str, Any]]) -> None:
        self._load = load
        self._rules: dict[str, Any] | None = None

    def _filled(self) -> dict[str, Any]:
        if self._rules is None:
            self._rules = dict(self._load())
        return self._rules

    def __getitem__(self, key: str) -> Any:
        return self._filled()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._filled())

    def __len__(self) -> int:
        return len(self._filled())
