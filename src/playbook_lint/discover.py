"""Find the Markdown files to lint under the paths given on the command line.

Folders are walked recursively for ``.md`` and ``.markdown`` files, and for the
other Markdown formats the folder's site generator renders (``.md.erb`` on a
Middleman / GOV.UK Tech Docs Template site: see each adapter's
``lint_extensions`` in :mod:`playbook_lint.generators`). Skipped: the
folders ``.git``, ``node_modules``, ``_site``, ``vendor`` (and other hidden folders
such as ``.venv``, except ``.github``), anything matched by a ``.gitignore`` of the
repository (every ``.gitignore`` from the repository root down, each applying to
its own folder, read with ``pathspec``'s gitignore implementation) and the
config's ``exclude`` patterns. A file named explicitly is always linted, unless
an ``exclude`` pattern of the config matches it (so pre-commit passes respect it).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from playbook_lint.atomic import is_fix_temp

if TYPE_CHECKING:
    import pathspec

MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Markdown formats linted only where the site's generator renders them.
GENERATOR_SUFFIXES = (".md.erb",)
SKIP_DIRS = frozenset({".git", "node_modules", "_site", "vendor", ".hg", ".svn", "__pycache__"})


def _spec(lines: Iterable[str]) -> pathspec.PathSpec:
    import pathspec  # only where there are patterns (a tree without .gitignore has none)

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _load_gitignore(folder: Path) -> pathspec.PathSpec | None:
    f = folder / ".gitignore"
    try:
        text = f.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return _spec(text.splitlines())


class Ignorer:
    """Decides whether a path is ignored by ``.gitignore`` files and exclude patterns.

    Args:
        exclude: gitignore-style patterns, relative to ``base``.
        base: folder the exclude patterns are relative to.
    """

    def __init__(self, exclude: Sequence[str] = (), base: Path | None = None) -> None:
        self.base = (base or Path.cwd()).resolve()
        self.exclude = _spec(exclude) if exclude else None
        self._gitignores: dict[Path, pathspec.PathSpec | None] = {}
        self._roots: dict[Path, Path | None] = {}
        self._specs_of: dict[str, list[tuple[str, pathspec.PathSpec]]] = {}

    def _gitignore(self, folder: Path) -> pathspec.PathSpec | None:
        if folder not in self._gitignores:
            self._gitignores[folder] = _load_gitignore(folder)
        return self._gitignores[folder]

    def excluded(self, path: Path, is_dir: bool = False) -> bool:
        """True if the config's exclude patterns match ``path`` (absolute)."""
        if self.exclude is None:
            return False
        try:
            rel = path.relative_to(self.base).as_posix()
        except ValueError:
            return False
        return self.exclude.match_file(rel + "/" if is_dir else rel)

    def _repo_root_of(self, folder: Path) -> Path | None:
        """The repository root of ``folder``: the nearest folder at or above it holding
        ``.git`` (None: not in a repository), remembered for it and every folder on the
        way up (a tree of 1,400 folders asks each folder once, not once per folder below)."""
        walked: list[Path] = []
        found: Path | None = None
        current = folder
        while True:
            if current in self._roots:
                found = self._roots[current]
                break
            walked.append(current)
            if (current / ".git").exists():
                found = current
                break
            if current.parent == current:
                break
            current = current.parent
        for w in walked:
            self._roots[w] = found
        return found

    def _specs(self, parent: Path) -> list[tuple[str, pathspec.PathSpec]]:
        """The ``.gitignore`` specs that apply to files in ``parent``, outermost first,
        each with its folder as a string (remembered per folder)."""
        key = str(parent)
        hit = self._specs_of.get(key)
        if hit is not None:
            return hit
        root = self._repo_root_of(parent)
        out: list[tuple[str, pathspec.PathSpec]] = []
        if root is not None:
            folders = [parent, *parent.parents]
            folders = folders[: folders.index(root) + 1] if root in folders else [parent]
            for folder in reversed(folders):
                spec = self._gitignore(folder)
                if spec is not None:
                    out.append((str(folder), spec))
        self._specs_of[key] = out
        return out

    def gitignored(self, path: Path, is_dir: bool = False) -> bool:
        """True if a ``.gitignore`` between the repository root and ``path`` ignores it."""
        return self._gitignored_in(path.parent, str(path), is_dir)

    def _gitignored_in(self, folder: Path, text: str, is_dir: bool) -> bool:
        specs = self._specs(folder)
        for top, spec in specs:
            rel = text[len(top):].lstrip(os.sep).replace(os.sep, "/")
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False

    def ignored(self, path: Path, is_dir: bool = False) -> bool:
        """True if excluded by config or ignored by git."""
        return self.excluded(path, is_dir) or self.gitignored(path, is_dir)

    def ignored_in(self, folder: Path, name: str, is_dir: bool = False) -> bool:
        """:meth:`ignored` for the entry ``name`` of ``folder`` (absolute), without
        building its path: the walk asks it of every file."""
        text = os.path.join(str(folder), name)
        if self.exclude is not None and self.excluded(Path(text), is_dir):
            return True
        return self._gitignored_in(folder, text, is_dir)


def _skip_dir(name: str) -> bool:
    return name in SKIP_DIRS or (name.startswith(".") and name not in (".github",))


def _wanted(folder: Path, name: str) -> bool:
    low = name.lower()
    if low.endswith(MARKDOWN_SUFFIXES):
        return True
    if low.endswith(GENERATOR_SUFFIXES):
        from playbook_lint.site import lint_extensions_for

        return low.endswith(tuple(e for e in lint_extensions_for(folder)
                                  if e in GENERATOR_SUFFIXES))
    return False


def iter_files(
    paths: Sequence[Path], ignorer: Ignorer, empty: list[str] | None = None,
) -> Iterator[Path]:
    """Yield absolute paths of the Markdown files to lint, each once, sorted per folder.

    Args:
        paths: files and folders as given.
        ignorer: gitignore and exclude rules.
        empty: when given, each path (as given) under which no file was found is
            appended to it (the CLI says "no Markdown files under PATH").

    Raises:
        FileNotFoundError: a path given does not exist (message names it).
    """
    seen: set[str] = set()  # real paths: a file reached through two names is linted once
    for given in paths:
        found = 0
        for f in _iter_one(given, ignorer, seen):
            found += 1
            yield f
        if not found and empty is not None:
            empty.append(str(given))


def _iter_one(given: Path, ignorer: Ignorer, seen: set[str]) -> Iterator[Path]:
    """The files of one given path (see :func:`iter_files`)."""
    path = Path(os.path.abspath(given))
    if path.is_file():
        if is_fix_temp(path.name):  # a killed --fix left it; never a page
            return
        real = os.path.realpath(path)
        if real not in seen and not ignorer.excluded(path):
            seen.add(real)
            yield path
        return
    if not path.is_dir():
        if path.exists():
            raise FileNotFoundError(f"{given}: not a regular file or folder")
        raise FileNotFoundError(f"{given}: no such file or folder")
    # each walked folder's real path: os.walk does not enter symbolic links to folders,
    # so below the top a folder's real path is its parent's and its name
    reals: dict[str, str] = {}
    for folder, dirs, files in os.walk(path):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not _skip_dir(d) and not ignorer.ignored_in(here, d, True)
        )
        real_here = reals.pop(folder, None) or os.path.realpath(folder)
        for d in dirs:
            reals[os.path.join(folder, d)] = os.path.join(real_here, d)
        for name in sorted(files):
            if not _wanted(here, name) or ignorer.ignored_in(here, name):
                continue
            full = os.path.join(folder, name)
            try:
                mode = os.lstat(full).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                if not os.path.isfile(full):  # dangling, or a link to a folder or device
                    continue
                real = os.path.realpath(full)
            elif stat.S_ISREG(mode):  # not FIFOs, devices
                real = os.path.join(real_here, name)
            else:
                continue
            if real in seen:
                continue
            seen.add(real)
            yield here / name
