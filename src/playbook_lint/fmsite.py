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
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from playbook_lint.fminfer import InferredSchema, PageFacts, infer_schema, is_draft

__all__ = ["schema_for", "clear_cache", "page_facts", "jekyll_defaults", "MARKDOWN_PAGE_SUFFIXES",
           "SOURCE_DIRS", "group_folder"]

#: Page sources inference reads (the Markdown the linter checks).
MARKDOWN_PAGE_SUFFIXES = (".md", ".markdown", ".mdx", ".md.erb")
#: Folders below the site root whose content is published at the site root; a page's
#: group folder is the first folder below them.
SOURCE_DIRS = ("content", "source", "src", "docs")
_MAX_BYTES = 20 * 1024 * 1024
_FM = re.compile(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
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
    loader = getattr(yaml, "CSafeLoader", None)
    m = _FM.match(text)
    if loader is not None and m is not None:
        try:
            data = yaml.load(m.group(1) or "", Loader=loader)  # noqa: S506 - a safe loader
        except (yaml.YAMLError, RecursionError, ValueError, TypeError):
            data = None
        else:
            return data if isinstance(data, dict) else ({} if data is None else None)
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


_JS_LAYOUT = re.compile(r"""^\s*layout\s*:\s*['"]([^'"]+)['"]""", re.MULTILINE)


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


#: Folders never walked (as the site model walks), and generated-output folders at the root.
_SKIP_WALK = frozenset({".git", "node_modules", "_site", "vendor", ".hg", ".svn",
                        "__pycache__", ".venv"})
_SKIP_AT_ROOT = frozenset({"public", "resources"})
#: Sites with at least this many Markdown pages keep their front matter in a cache file.
CACHE_FROM = 300


def _page_files(root: Path) -> list[Path]:
    """Markdown page sources below ``root``, sorted, walked as the site model walks."""
    out: list[str] = []
    for folder, dirs, names in os.walk(root):
        at_root = folder == str(root)
        dirs[:] = [d for d in dirs if d not in _SKIP_WALK
                   and not (d.startswith(".") and d != ".github")
                   and not (at_root and d in _SKIP_AT_ROOT)]
        out.extend(os.path.join(folder, n) for n in names
                   if n.lower().endswith(MARKDOWN_PAGE_SUFFIXES))
    # sorted as paths sort (part by part), without making 4,000 Path objects to compare
    return [Path(p) for p in sorted(out, key=lambda p: p.split(os.sep))]


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


class _Cache:
    """Front matter of a large site's pages, kept between runs in
    ``<user cache dir>/playbook-lint/front-matter-<hash of the root>.json`` and reused
    for files whose size and modification time are unchanged. An unreadable or
    corrupt cache file is ignored; a cache that cannot be written is skipped."""

    VERSION = 2

    def __init__(self, root: Path, options: str) -> None:
        import hashlib

        import platformdirs

        digest = hashlib.sha256(f"{root}\0{options}".encode("utf-8", "surrogateescape")
                                ).hexdigest()[:16]
        self.file = Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
            / f"front-matter-{digest}.json"
        self.old: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}
        try:
            data = json.loads(self.file.read_text("utf-8"))
            if isinstance(data, dict) and data.get("version") == self.VERSION:
                self.old = data.get("files") or {}
        except (OSError, ValueError):
            self.old = {}

    def read(self, path: Path, rel: str,
             is_page: Any) -> tuple[bool, Mapping[str, Any] | None]:
        """``(is a page, front matter)`` of ``path``: from the cache when the file is
        unchanged, else from ``is_page(path)`` and the file."""
        try:
            st = path.stat()
        except OSError:
            return False, None
        stamp = [st.st_mtime_ns, st.st_size]
        hit = self.old.get(rel)
        if isinstance(hit, list) and len(hit) == 4 and hit[:2] == stamp:
            self.new[rel] = hit
            return bool(hit[2]), _from_json(hit[3])
        page = bool(is_page(path))
        data = _read_front_matter(path) if page else None
        self.new[rel] = [*stamp, page, _to_json(data)]
        return page, data

    def save(self) -> None:
        """Write the cache if anything changed (atomically; errors are ignored)."""
        if self.new == self.old:
            return
        from playbook_lint.atomic import save_cache_json

        save_cache_json(self.file, {"version": self.VERSION, "files": self.new})


def _site_options(site: Any) -> str:
    """The site options that decide which files are pages (include/exclude), read
    without building a lazy site."""
    args = site.__dict__.get("_args")
    if isinstance(args, dict):
        return repr((args.get("include"), args.get("exclude")))
    return repr((tuple(site.__dict__.get("include", ())), tuple(site.__dict__.get("exclude", ()))))


def page_facts(site: Any) -> list[PageFacts]:
    """Read the :class:`PageFacts` of every Markdown page of ``site`` (a
    :class:`playbook_lint.site.Site` or a lazy one: its ``root`` and ``is_page`` are
    used, so a lazy site is not built). Never raises on unreadable files (they have
    no data). Sites of :data:`CACHE_FROM` pages or more reuse the front matter of
    unchanged files from the previous run (see :class:`_Cache`)."""
    root: Path = site.root
    defaults, collections = jekyll_defaults(root)
    eleventy = _is_eleventy(root)
    dir_data: dict[Path, dict[str, Any]] = {}
    own: dict[Path, tuple[str, Mapping[str, Any] | None]] = {}
    files = _page_files(root)
    from playbook_lint.siteindex import cache_enabled

    cache = _Cache(root, _site_options(site)) if len(files) >= CACHE_FROM and \
        cache_enabled() else None
    prefix = str(root).rstrip("/") + "/"
    for path in files:
        text = str(path)
        rel = text[len(prefix):] if text.startswith(prefix) else path.relative_to(root).as_posix()
        if cache is not None:
            page, data = cache.read(path, rel, site.is_page)
            if page:
                own[path] = (rel, data)
        elif site.is_page(path):
            own[path] = (rel, _read_front_matter(path))
    if cache is not None:
        cache.save()
    cascades: dict[str, dict[str, Any]] = {}
    for path, (rel, data) in own.items():
        if path.stem.split(".")[0] == "_index" and data and isinstance(data.get("cascade"), dict):
            if "_target" not in data["cascade"]:
                cascades[str(PurePosixPath(rel).parent)] = dict(data["cascade"])
    out = []
    chains: dict[Path, list[Path]] = {}
    for path, (rel, data) in own.items():
        values: dict[str, Any] = {}
        source = None
        if defaults:
            values.update(_jekyll_values(rel, defaults, collections))
            if "layout" in values:
                source = "_config.yml defaults"
        if eleventy:
            chain = chains.get(path.parent)
            if chain is None:  # the root and each folder below it down to the page's
                chain = [root]
                for part in rel.split("/")[:-1]:
                    chain.append(chain[-1] / part)
                chains[path.parent] = chain
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


def schema_for(site: Any) -> InferredSchema:
    """The (cached) :class:`InferredSchema` of ``site``: read once per site per run."""
    key = (site.root, id(site))  # sites are cached per root and options for the run
    hit = _CACHE.get(key)
    if hit is None:
        hit = infer_schema(site.root, page_facts(site))
        adapter = site.__dict__.get("generator")  # a lazy site has it without being built
        if adapter is None:
            from playbook_lint.generators import detect

            adapter = detect(site.root)
        hit.documented = adapter.documented_front_matter()
        _CACHE[key] = hit
    return hit


def clear_cache() -> None:
    """Forget every schema read so far (for runs over files that changed meanwhile)."""
    _CACHE.clear()
