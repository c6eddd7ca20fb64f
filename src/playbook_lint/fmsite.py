"""Read what front matter inference needs from a site on disk (the I/O edge of
:mod:`playbook_lint.fminfer`).

For every Markdown page of a :class:`playbook_lint.site.Site` this reads its own
front matter and works out the values the generator gives it by default:

* Jekyll ``_config.yml`` ``defaults`` (scope ``path`` as a prefix or glob, scope
  ``type`` ``pages``/``posts``/``drafts``/a collection; a longer path, then a set
  type, takes precedence), https://jekyllrb.com/docs/configuration/front-matter-defaults/;
* Eleventy directory data files (``<folder>/<folder>.11tydata.json`` or ``.json``, and
  the ``layout`` of a ``.11tydata.js``), applying to the folder and below,
  https://www.11ty.dev/docs/data-template-dir/;
* Hugo ``cascade`` in a section's ``_index.md`` (a mapping without ``_target``),
  applying to the pages below it, https://gohugo.io/content-management/front-matter/#cascade.

:func:`schema_for` builds (once per site and run) the :class:`InferredSchema` that the
runner puts on ``Context.front_matter_schema``.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from playbook_lint.fminfer import (
    Expectation,
    Group,
    InferredSchema,
    PageFacts,
    infer_schema,
    is_draft,
)
from playbook_lint.lazyre import lazy_compile

__all__ = ["schema_for", "clear_cache", "page_facts", "jekyll_defaults", "MARKDOWN_PAGE_SUFFIXES",
           "SOURCE_DIRS", "group_folder"]

#: Page sources inference reads (the Markdown the linter checks).
MARKDOWN_PAGE_SUFFIXES = (".md", ".markdown", ".mdx", ".md.erb")
#: Folders below the site root whose content is published at the site root; a page's
#: group folder is the first folder below them.
SOURCE_DIRS = ("content", "source", "src", "docs")
_MAX_BYTES = 20 * 1024 * 1024
_CACHE: dict[tuple, InferredSchema] = {}


def group_folder(rel: str) -> str | None:
    """The group folder of a page at ``rel`` (below the site root): the first folder
    below a source folder (``content/news/``), else the first folder (``_posts/``),
    or None for a page at the top. Hugo list pages (``_index.md``) below a section
    are grouped apart: ``content/authors/**/_index.md``."""
    parts = [part for part in rel.split("/") if part and part != "."]
    if parts[-1].startswith("_index."):
        # Hugo list pages (sections, taxonomy terms) are their own kind of page:
        # grouped with the other list pages below the same folder, not with its pages
        if len(parts) > 3 and parts[0] in SOURCE_DIRS:
            return f"{parts[0]}/{parts[1]}/**/_index.md"
        return None
    if len(parts) > 2 and parts[0] in SOURCE_DIRS:
        return f"{parts[0]}/{parts[1]}/"
    if len(parts) == 2 and parts[0] in SOURCE_DIRS:
        return None
    return f"{parts[0]}/" if len(parts) > 1 else None


def _read_front_matter(path: Path) -> Mapping[str, Any] | None:
    """The page's front matter mapping, or None (no block, unreadable, not a mapping)."""
    from playbook_lint.document import decode
    from playbook_lint.fmmemo import front_matter_values
    from playbook_lint.frontmatter import parse_front_matter

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.lstrip(b"\xef\xbb\xbf").startswith((b"---", b"+++")):
        return None
    text = decode(raw).text
    quick = front_matter_values(text)  # the run's one parse of it (fmmemo)
    if quick is not None:
        return quick[0]
    try:
        fm = parse_front_matter(text)
    except RecursionError:
        return None
    if fm is None or not isinstance(fm.data, dict):
        return None
    return fm.data


def _load_yaml_file(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, yaml.YAMLError, RecursionError):
        return None


def jekyll_defaults(root: Path) -> tuple[list[dict[str, Any]], set[str]]:
    """``(defaults, collections)`` from Jekyll's ``_config.yml`` at ``root``: the
    ``defaults`` entries that have a ``values`` mapping, and the collection labels.
    Missing or unreadable config gives ``([], set())``."""
    config = None
    for name in ("_config.yml", "_config.yaml"):
        if (root / name).is_file():
            config = _load_yaml_file(root / name)
            break
    if not isinstance(config, dict):
        return [], set()
    cols = config.get("collections")
    labels = set(cols) if isinstance(cols, dict | list) else set()
    out = []
    for entry in config.get("defaults") or []:
        if isinstance(entry, dict) and isinstance(entry.get("values"), dict):
            scope = entry.get("scope")
            scope = scope if isinstance(scope, dict) else {}
            out.append({"path": str(scope.get("path") or ""), "type": scope.get("type"),
                        "values": entry["values"]})
    return out, {str(x) for x in labels}


def _jekyll_type(rel: str, collections: set[str]) -> str:
    top = rel.split("/", 1)[0]
    if top == "_posts" or "/_posts/" in f"/{rel}":
        return "posts"
    if top == "_drafts":
        return "drafts"
    if top.startswith("_") and top[1:] in collections:
        return top[1:]
    return "pages"


def _scope_matches(scope_path: str, rel: str) -> bool:
    path = scope_path.strip("/")
    if not path:
        return True
    if "*" in path:
        return fnmatch.fnmatchcase(rel, path) or fnmatch.fnmatchcase(rel, path + "/*")
    return rel == path or rel.startswith(path + "/")


def _jekyll_values(rel: str, defaults: list[dict[str, Any]],
                   collections: set[str]) -> dict[str, Any]:
    kind = _jekyll_type(rel, collections)
    matching = [d for d in defaults if _scope_matches(d["path"], rel)
                and (d["type"] in (None, "") or d["type"] == kind)]
    matching.sort(key=lambda d: (len(d["path"].strip("/")), d["type"] not in (None, "")))
    out: dict[str, Any] = {}
    for d in matching:
        out.update(d["values"])
    return out


_JS_LAYOUT = lazy_compile(globals(), r"""^\s*layout\s*:\s*['"]([^'"]+)['"]""", re.MULTILINE)


def _eleventy_dir_data(folder: Path) -> dict[str, Any]:
    name = folder.name
    for candidate in (f"{name}.11tydata.json", f"{name}.json"):
        p = folder / candidate
        if p.is_file():
            try:
                data = json.loads(p.read_text(encoding="utf-8", errors="replace"))
            except (OSError, ValueError):
                return {}
            return data if isinstance(data, dict) else {}
    p = folder / f"{name}.11tydata.js"
    if p.is_file():
        try:
            m = _JS_LAYOUT.search(p.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return {}
        return {"layout": m.group(1)} if m else {}
    return {}


def _is_eleventy(root: Path) -> bool:
    return any((root / n).is_file() for n in (
        ".eleventy.js", "eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs"))


#: Sites with at least this many Markdown pages keep their front matter in a cache file.
CACHE_FROM = 300


def _walk(root: Path, walk: Any = None) -> tuple[list[str], list[str]]:
    """``(pages, data files)`` below ``root``, walked as the site model walks (with
    the run's :class:`~playbook_lint.siteindex.SiteWalk` ``walk`` when given): the
    Markdown page sources (absolute path strings, sorted as paths sort, part by part)
    and the Eleventy directory data files (``<folder>/<folder>.11tydata.json``,
    ``.json``, ``.11tydata.js``) of the folders walked."""
    from playbook_lint.siteindex import SiteWalk

    out: list[str] = []
    data_files: list[str] = []
    for folder, names in (walk or SiteWalk(root)).listing():
        base = os.path.basename(folder)
        data_names = (f"{base}.11tydata.json", f"{base}.json", f"{base}.11tydata.js")
        for n in names:
            if n.lower().endswith(MARKDOWN_PAGE_SUFFIXES):
                out.append(os.path.join(folder, n))
            elif n in data_names:
                data_files.append(os.path.join(folder, n))
    # sorted as paths sort (part by part), without making 4,000 Path objects to compare:
    # with the separator made NUL, which sorts below every character a name can hold,
    # comparing the strings compares the parts (a list per path was 12 ms on 4,061)
    out.sort(key=lambda p: p.replace(os.sep, "\0"))
    return out, sorted(data_files)


def _page_files(root: Path) -> list[Path]:
    """Markdown page sources below ``root``, sorted, walked as the site model walks."""
    return [Path(p) for p in _walk(root)[0]]


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$date" in value:
            return date.fromisoformat(value["$date"])
        if len(value) == 1 and "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _dump(value: Any) -> str:
    """``value`` as the compact JSON text the cache keeps (see :func:`_to_json`)."""
    return json.dumps(_to_json(value), separators=(",", ":"), ensure_ascii=False)


def _load(text: str | None) -> Any:
    return None if text is None else _from_json(json.loads(text))


_NOT_READ = object()


def _digest(text: str) -> str:
    """The digest a page's front matter JSON text is known by in the cache index."""
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


class _Cache:
    """Front matter of a large site's pages, kept between runs and reused for files
    whose size and modification time are unchanged.

    ``<user cache dir>/playbook-lint/front-matter-<hash of the root>.json`` (the
    index) holds each file's stamp, whether it is a page and a digest of its front
    matter, with the :class:`InferredSchema` last inferred and the key it was
    inferred under (see :func:`_schema_key`); ``...data.json`` holds each page's
    front matter as JSON text. A run whose schema is kept reads the index alone (the
    linted page's front matter is read from the page); the texts are read, and
    written, only when inference runs or a page's front matter changed. An
    unreadable or corrupt file is ignored (a text is used only when its digest
    matches); a cache that cannot be written is skipped."""

    VERSION = 5

    def __init__(self, root: Path, options: str) -> None:
        import hashlib

        import platformdirs

        digest = hashlib.sha256(f"{root}\0{options}".encode("utf-8", "surrogateescape")
                                ).hexdigest()[:16]
        folder = Path(platformdirs.user_cache_path("playbook-lint", appauthor=False))
        self.file = folder / f"front-matter-{digest}.json"
        self.data_file = folder / f"front-matter-{digest}.data.json"
        self.old: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}
        self.fresh: dict[str, str] = {}  # front matter texts read in this run
        self.schema: dict[str, Any] | None = None
        self._old_schema: dict[str, Any] | None = None
        self._texts: dict[str, Any] | None = None
        #: what lets a run take the kept schema without working out its key file by
        #: file (see :func:`_kept_schema`): the walk's listing digest, the data files
        #: walked, the schema context (:func:`_schema_context`) and key, kept when the
        #: files' entries are every page file of the walk, in walk order
        self.fast: dict[str, Any] | None = None
        self._old_fast: dict[str, Any] | None = None
        try:
            data = json.loads(self.file.read_text("utf-8"))
            if isinstance(data, dict) and data.get("version") == self.VERSION:
                old = data.get("files")
                self.old = old if isinstance(old, dict) else {}
                schema = data.get("schema")
                self.schema = self._old_schema = schema if isinstance(schema, dict) else None
                fast = data.get("fast")
                self.fast = self._old_fast = fast if isinstance(fast, dict) else None
        except (OSError, ValueError):
            self.old = {}

    def read(self, path: str, rel: str, is_page: Any,
             stamp: list[int] | None) -> tuple[bool, str | None, Any]:
        """``(is a page, digest of its front matter text, front matter read now)`` of
        the file at ``path`` (``stamp``: its ``[mtime_ns, size]``, None when it cannot
        be stat-ed): from the index when the file is unchanged (the third item is then
        ``_NOT_READ``; :meth:`text` gives the text), else from ``is_page(Path)`` and
        the file."""
        if stamp is None:
            return False, None, _NOT_READ
        hit = self.old.get(rel)
        if isinstance(hit, list) and len(hit) == 4 and hit[:2] == stamp and \
                (hit[3] is None or isinstance(hit[3], str)):
            self.new[rel] = hit
            return bool(hit[2]), hit[3], _NOT_READ
        page = bool(is_page(Path(path)))
        data = _read_front_matter(Path(path)) if page else None
        digest = None
        if page:
            text = self.fresh[rel] = _dump(data)
            digest = _digest(text)
        self.new[rel] = [*stamp, page, digest]
        return page, digest, data

    def _kept_texts(self) -> dict[str, Any]:
        if self._texts is None:
            try:
                data = json.loads(self.data_file.read_text("utf-8"))
                texts = data.get("texts") if isinstance(data, dict) and \
                    data.get("version") == self.VERSION else None
                self._texts = texts if isinstance(texts, dict) else {}
            except (OSError, ValueError):
                self._texts = {}
        return self._texts

    def text(self, rel: str, path: str, digest: str | None, *, one: bool = False) -> str:
        """The front matter JSON text of the page at ``path`` whose index digest is
        ``digest``: read in this run, else (``one``: a single page is asked for) read
        from the page itself when it still has that digest, else the kept text with
        that digest, else read from the page."""
        text = self.fresh.get(rel)
        if text is not None:
            return text
        if one:
            text = _dump(_read_front_matter(Path(path)))
            if _digest(text) == digest:
                return text
        kept = self._kept_texts().get(rel)
        if isinstance(kept, str) and _digest(kept) == digest:
            return kept
        return text if text is not None else _dump(_read_front_matter(Path(path)))

    def save(self) -> None:
        """Write what changed (atomically; errors are ignored): the texts when a page's
        front matter changed or a page came or went, the index when a stamp, a page or
        the schema changed."""
        from playbook_lint.atomic import save_cache_json

        changed = [rel for rel, text in self.fresh.items()
                   if not (isinstance(self.old.get(rel), list) and len(self.old[rel]) == 4
                           and self.old[rel][3] == self.new[rel][3])]
        gone = any(rel not in self.new for rel in self.old)
        if changed or (gone and self.data_file.exists()):
            kept = self._kept_texts()
            texts = {rel: self.fresh.get(rel, kept.get(rel)) for rel, rec in self.new.items()
                     if rec[2]}
            save_cache_json(self.data_file, {"version": self.VERSION, "texts": texts})
        if self.new == self.old and self.schema is self._old_schema and \
                self.fast == self._old_fast:
            return
        save_cache_json(self.file, {"version": self.VERSION, "files": self.new,
                                    "schema": self.schema, "fast": self.fast})


def _site_options(site: Any) -> str:
    """The site options that decide which files are pages (include/exclude), read
    without building a lazy site."""
    args = site.__dict__.get("_args")
    if isinstance(args, dict):
        return repr((args.get("include"), args.get("exclude")))
    return repr((tuple(site.__dict__.get("include", ())), tuple(site.__dict__.get("exclude", ()))))


def _site_walk(site: Any) -> Any:
    """The run's :class:`~playbook_lint.siteindex.SiteWalk` of a lazy site, or None."""
    return site.__dict__.get("walk")


def _adapter(site: Any) -> Any:
    adapter = site.__dict__.get("generator")  # a lazy site has it without being built
    if adapter is None:
        from playbook_lint.generators import detect

        adapter = detect(site.root)
    return adapter


def _own_pages(site: Any, cache: _Cache | None, files: list[str]
               ) -> list[tuple[str, str, str | None, Any]]:
    """``(path, rel, digest of the front matter text or None, front matter read now
    or _NOT_READ)`` of each of ``files`` that is a page of ``site``. Without a cache
    the digest is None and the front matter is always read."""
    from playbook_lint.siteindex import SiteWalk

    root: Path = site.root
    walk = _site_walk(site) or SiteWalk(root)
    prefix = str(root).rstrip("/") + "/"
    out: list[tuple[str, str, str | None, Any]] = []
    for text in files:
        rel = text[len(prefix):] if text.startswith(prefix) else \
            Path(text).relative_to(root).as_posix()
        if cache is not None:
            page, digest, data = cache.read(text, rel, site.is_page, walk.stamp(text))
            if page:
                out.append((text, rel, digest, data))
        elif site.is_page(Path(text)):
            out.append((text, rel, None, _read_front_matter(Path(text))))
    return out


def _facts(root: Path, own: list[tuple[str, str, Mapping[str, Any] | None]]) -> list[PageFacts]:
    """The :class:`PageFacts` of the pages ``own`` (``(path, rel, front matter)``):
    the generator's defaults worked out for each."""
    defaults, collections = jekyll_defaults(root)
    eleventy = _is_eleventy(root)
    dir_data: dict[Path, dict[str, Any]] = {}
    cascades: dict[str, dict[str, Any]] = {}
    for _path, rel, data in own:
        if rel.rsplit("/", 1)[-1].split(".")[0] == "_index" and data and \
                isinstance(data.get("cascade"), dict):
            if "_target" not in data["cascade"]:
                cascades[str(PurePosixPath(rel).parent)] = dict(data["cascade"])
    out = []
    chains: dict[str, list[Path]] = {}
    for path_text, rel, data in own:
        path = Path(path_text)
        values: dict[str, Any] = {}
        source = None
        if defaults:
            values.update(_jekyll_values(rel, defaults, collections))
            if "layout" in values:
                source = "_config.yml defaults"
        if eleventy:
            parent_rel = rel.rpartition("/")[0]
            chain = chains.get(parent_rel)
            if chain is None:  # the root and each folder below it down to the page's
                chain = [root]
                for part in rel.split("/")[:-1]:
                    chain.append(chain[-1] / part)
                chains[parent_rel] = chain
            for folder in chain:
                if folder not in dir_data:
                    dir_data[folder] = _eleventy_dir_data(folder)
                if dir_data[folder]:
                    values.update(dir_data[folder])
                    if "layout" in dir_data[folder]:
                        source = "directory data"
        if cascades:
            parent = PurePosixPath(rel).parent
            for anc in reversed([parent, *parent.parents]):
                key = str(anc)
                if key in cascades and not (path.stem.startswith("_index")
                                            and key == str(parent)):
                    values.update(cascades[key])
                    if "layout" in cascades[key]:
                        source = "cascade"
        layout = data.get("layout") if data else None
        if isinstance(layout, str) and layout.strip():
            source = "front matter"
        else:
            layout = values.get("layout")
        layout = layout.strip() if isinstance(layout, str) and layout.strip() else None
        out.append(PageFacts(
            path=path, rel=rel, data=data, defaults=values, layout=layout,
            layout_from=source if layout else None, folder=group_folder(rel),
            draft=is_draft(rel, {**values, **(data or {})}),
        ))
    return out


def _cache_for(site: Any, files: list[str]) -> _Cache | None:
    from playbook_lint.siteindex import cache_enabled

    if len(files) < CACHE_FROM or not cache_enabled():
        return None
    return _Cache(site.root, f"{_site_options(site)}\0{getattr(_adapter(site), 'name', None)}")


def page_facts(site: Any) -> list[PageFacts]:
    """Read the :class:`PageFacts` of every Markdown page of ``site`` (a
    :class:`playbook_lint.site.Site` or a lazy one: its ``root`` and ``is_page`` are
    used, so a lazy site is not built). Never raises on unreadable files (they have
    no data). Sites of :data:`CACHE_FROM` pages or more reuse the front matter of
    unchanged files from the previous run (see :class:`_Cache`)."""
    files, _data_files = _walk(site.root, _site_walk(site))
    cache = _cache_for(site, files)
    own = _own_pages(site, cache, files)
    if cache is None:
        return _facts(site.root, [(p, rel, d) for p, rel, _t, d in own])
    facts = _facts(site.root, _decoded(cache, own))
    cache.save()
    return facts


def _decoded(cache: _Cache, own: list[tuple[str, str, str | None, Any]]
             ) -> list[tuple[str, str, Any]]:
    """``(path, rel, front matter)`` of every page of ``own`` (see :func:`_own_pages`)."""
    return [(p, rel, _load(cache.text(rel, p, digest)) if d is _NOT_READ else d)
            for p, rel, digest, d in own]


SCHEMA_VERSION = 1


def _schema_key(site: Any, files: list[str], data_files: list[str],
                own: list[tuple[str, str, str | None, Any]], context: str | None = None) -> str:
    """The digest an inferred schema of ``site`` is kept under: everything inference
    reads. The tool version and its modules' stamps, the root, the site options and
    generator, Jekyll's ``_config.yml``, the Eleventy markers and directory data files
    (by stamp), and every page file: its path, whether it is a page, and its front
    matter (the values, not the file's stamp: editing a page's body leaves the
    schema as it was)."""
    import hashlib

    h = hashlib.sha256((context or _schema_context(site, data_files)).encode())
    pages = {p: digest for p, _rel, digest, _d in own}
    for path in files:
        if path in pages:
            h.update(f"{path}\0p\0{pages[path]}\n".encode("utf-8", "surrogateescape"))
        else:
            h.update(f"{path}\0-\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _schema_context(site: Any, data_files: list[str]) -> str:
    """The part of :func:`_schema_key` that is not the pages: the tool version and its
    modules' stamps, the root, the site options and generator, Jekyll's
    ``_config.yml`` and the Eleventy markers and directory data files (by stamp)."""
    import hashlib

    from playbook_lint import __version__
    from playbook_lint.siteindex import _code_stamp, _stamp

    root: Path = site.root
    eleventy = _is_eleventy(root)
    context = [SCHEMA_VERSION, __version__, _code_stamp(), str(root), _site_options(site),
               getattr(_adapter(site), "name", None), eleventy,
               [_stamp(str(root / n)) for n in ("_config.yml", "_config.yaml")],
               [[f, _stamp(f)] for f in data_files] if eleventy else []]
    return hashlib.sha256(json.dumps(context, default=str).encode(
        "utf-8", "surrogateescape")).hexdigest()


def _group_to_json(g: Group) -> list[Any]:
    return [g.kind, g.value, g.total,
            [[e.key, e.count, e.total, sorted(e.unset_folders)] for e in g.expected],
            {k: dict(v) for k, v in g.keys.items()}, g.of_kind]


def _group_from_json(rec: list[Any]) -> Group:
    kind, value, total, expected, keys, of_kind = rec
    return Group(kind, value, total,
                 tuple(Expectation(k, n, t, frozenset(u)) for k, n, t, u in expected),
                 {k: dict(v) for k, v in keys.items()}, of_kind)


class _StoredFacts(Mapping[Path, PageFacts]):
    """The :class:`PageFacts` of a site's pages as a kept schema holds them, each
    made from its JSON text when first asked for (a one-file run asks for one)."""

    def __init__(self, rows: Mapping[str, tuple[str, str | None, list[Any]]],
                 cache: _Cache) -> None:
        self._rows = rows  # path -> (rel, front matter digest, stored facts)
        self._cache = cache
        self._made: dict[str, PageFacts] = {}

    def __getitem__(self, path: Path) -> PageFacts:
        key = str(path)
        hit = self._made.get(key)
        if hit is None:
            rel, digest, (defaults, layout, layout_from, folder, draft) = self._rows[key]
            data = _load(self._cache.text(rel, key, digest, one=True))
            hit = self._made[key] = PageFacts(
                path=Path(key), rel=rel, data=data, defaults=_load(defaults),
                layout=layout, layout_from=layout_from, folder=folder, draft=draft)
        return hit

    def __iter__(self) -> Any:
        return (Path(p) for p in self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class _FactRows(Mapping[str, tuple[str, "str | None", list[Any]]]):
    """``path -> (rel, front matter digest, stored facts)`` of every page of a kept
    schema, made when asked for (a one-file run asks for one page's)."""

    def __init__(self, prefix: str, facts: dict[str, list[Any]], cache: _Cache) -> None:
        self._prefix, self._facts, self._cache = prefix, facts, cache

    def __getitem__(self, path: str) -> tuple[str, str | None, list[Any]]:
        if not path.startswith(self._prefix):
            raise KeyError(path)
        rel = path[len(self._prefix):]
        rec = self._facts[rel]
        hit = self._cache.new.get(rel) or self._cache.old.get(rel)
        return rel, hit[3] if isinstance(hit, list) and len(hit) == 4 else None, rec

    def __iter__(self) -> Iterator[str]:
        return (self._prefix + rel for rel in self._facts)

    def __len__(self) -> int:
        return len(self._facts)


def _stored_schema(root: Path, stored: dict[str, Any], cache: _Cache,
                   own: list[tuple[str, str, str | None, Any]] | None,
                   prefix: str = "") -> InferredSchema | None:
    """The kept schema ``stored`` with the facts of the pages ``own`` (or, None, of
    every page it was inferred from: the pages below ``prefix`` it holds facts of), or
    None when it is malformed or lacks a page's facts."""
    facts = stored.get("facts")
    groups = stored.get("groups")
    if not isinstance(facts, dict) or not isinstance(groups, list):
        return None
    rows: Mapping[str, tuple[str, str | None, list[Any]]]
    if own is None:
        if not all(isinstance(rec, list) and len(rec) == 5 for rec in facts.values()):
            return None
        rows = _FactRows(prefix, facts, cache)
    else:
        made: dict[str, tuple[str, str | None, list[Any]]] = {}
        for path, rel, digest, _data in own:
            rec = facts.get(rel)
            if not isinstance(rec, list) or len(rec) != 5:
                return None
            made[path] = (rel, digest, rec)
        rows = made
    try:
        return InferredSchema(root, [_group_from_json(g) for g in groups],
                              _StoredFacts(rows, cache))
    except (TypeError, ValueError):
        return None


def _keep(facts: list[PageFacts], own: list[tuple[str, str, str | None, Any]],
          schema: InferredSchema, key: str, cache: _Cache) -> dict[str, Any] | None:
    """The JSON form of ``schema`` to keep under ``key``, or None when the facts it
    was inferred from do not survive the JSON round trip exactly (a later run would
    infer from other values)."""
    out: dict[str, list[Any]] = {}
    for f, (_p, rel, _digest, data) in zip(facts, own, strict=True):
        defaults = _dump(f.defaults)
        if _load(defaults) != f.defaults or \
                (data is not _NOT_READ and _load(cache.fresh[rel]) != data):
            return None
        out[f.rel] = [defaults, f.layout, f.layout_from, f.folder, f.draft]
    return {"key": key, "groups": [_group_to_json(g) for g in schema.groups], "facts": out}


def _infer(site: Any) -> InferredSchema:
    """Infer the schema of ``site``, or take the one kept from an earlier run when
    nothing it was inferred from has changed (see :func:`_schema_key`)."""
    root: Path = site.root
    walk = _site_walk(site)
    kept = _kept_schema(site, walk) if walk is not None else None
    if kept is not None:
        return kept
    files, data_files = _walk(root, walk)
    cache = _cache_for(site, files)
    own = _own_pages(site, cache, files)
    if cache is None:
        return infer_schema(root, _facts(root, [(p, rel, d) for p, rel, _t, d in own]))
    context = _schema_context(site, data_files)
    key = _schema_key(site, files, data_files, own, context)
    stored = cache.schema
    schema = _stored_schema(root, stored, cache, own) if stored is not None and \
        stored.get("key") == key else None
    if schema is None:
        facts = _facts(root, _decoded(cache, own))
        schema = infer_schema(root, facts)
        cache.schema = _keep(facts, own, schema, key, cache)
    prefix = str(root).rstrip("/") + "/"
    # the files' entries, in walk order, are then every page file's stamp: kept with
    # the walk's listing digest, they let the next run take the schema from the stamps
    cache.fast = {"listing": walk.listing_digest(), "data_files": data_files,
                  "context": context, "key": key} if walk is not None and \
        len(cache.new) == len(files) and all(p.startswith(prefix) for p in files) and \
        list(cache.new) == [p[len(prefix):] for p in files] else None
    cache.save()
    return schema


def _kept_schema(site: Any, walk: Any) -> InferredSchema | None:
    """The schema kept from an earlier run, when the run's walk (``walk``) lists what
    that run's did, the schema context (:func:`_schema_context`) is the same, and
    every page file has the stamp it had, or, read again, is still a page (or still
    not) with the same front matter (a body edit): then every input of
    :func:`_schema_key` is what it was, without reading every file's entry. Else None
    (:func:`_infer` works the key out file by file)."""
    from playbook_lint.siteindex import cache_enabled

    if not cache_enabled():
        return None
    root: Path = site.root
    cache = _Cache(root, f"{_site_options(site)}\0{getattr(_adapter(site), 'name', None)}")
    fast, stored = cache.fast, cache.schema
    if fast is None or stored is None or fast.get("key") != stored.get("key") or \
            fast.get("listing") != walk.listing_digest():
        return None
    data_files, entries = fast.get("data_files"), cache.old
    if not (isinstance(data_files, list) and len(entries) >= CACHE_FROM and
            all(isinstance(e, list) and len(e) == 4 for e in entries.values())) or \
            fast.get("context") != _schema_context(site, data_files):
        return None
    prefix = str(root).rstrip("/") + "/"
    files = [prefix + rel for rel in entries]  # every page file, in walk order
    stamps = [e[:2] for e in entries.values()]
    now = walk.stamps(files)
    changed = now != stamps
    if changed:
        for path, stamp, was in zip(files, now, stamps, strict=True):
            if stamp == was:
                continue
            rel = path[len(prefix):]
            hit = entries[rel]
            if stamp is None:
                return None
            page, digest, _data = cache.read(path, rel, site.is_page, stamp)
            if page != bool(hit[2]) or digest != hit[3]:
                return None
    schema = _stored_schema(root, stored, cache, None, prefix)
    if schema is not None and changed:
        cache.new = {**cache.old, **cache.new}  # the unchanged files' entries as they were
        cache.save()
    return schema


def schema_for(site: Any) -> InferredSchema:
    """The (cached) :class:`InferredSchema` of ``site``: read once per site per run,
    and on a site of :data:`CACHE_FROM` pages or more kept between runs while the
    front matter, options and generator config it was inferred from are unchanged."""
    key = (site.root, id(site))  # sites are cached per root and options for the run
    hit = _CACHE.get(key)
    if hit is None:
        hit = _infer(site)
        hit.documented = _adapter(site).documented_front_matter()
        _CACHE[key] = hit
    return hit


def clear_cache() -> None:
    """Forget every schema read so far (for runs over files that changed meanwhile)."""
    _CACHE.clear()
