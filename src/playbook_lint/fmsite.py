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
import re
import stat
from collections.abc import Mapping
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
    parts = PurePosixPath(rel).parts
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


def page_facts(site: Any) -> list[PageFacts]:
    """Read the :class:`PageFacts` of every Markdown page of ``site`` (a
    :class:`playbook_lint.site.Site` or a lazy one: its ``root``, ``pages`` and
    ``is_page`` are used). Never raises on unreadable files (they have no data)."""
    root: Path = site.root
    defaults, collections = jekyll_defaults(root)
    eleventy = _is_eleventy(root)
    dir_data: dict[Path, dict[str, Any]] = {}
    own: dict[Path, tuple[str, Mapping[str, Any] | None]] = {}
    for path in sorted(site.pages):
        if not path.name.lower().endswith(MARKDOWN_PAGE_SUFFIXES) or not site.is_page(path):
            continue
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            continue
        own[path] = (rel, _read_front_matter(path))
    cascades: dict[str, dict[str, Any]] = {}
    for path, (rel, data) in own.items():
        if path.stem.split(".")[0] == "_index" and data and isinstance(data.get("cascade"), dict):
            if "_target" not in data["cascade"]:
                cascades[str(PurePosixPath(rel).parent)] = dict(data["cascade"])
    out = []
    for path, (rel, data) in own.items():
        values: dict[str, Any] = {}
        source = None
        if defaults:
            values.update(_jekyll_values(rel, defaults, collections))
            if "layout" in values:
                source = "_config.yml defaults"
        if eleventy:
            chain = [f for f in reversed(path.parents) if f == root or root in f.parents]
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
    key = (site.root, tuple(getattr(site, "include", ()) or ()),
           tuple(getattr(site, "exclude", ()) or ()))
    hit = _CACHE.get(key)
    if hit is None:
        from playbook_lint.fmdocumented import detect_generator

        hit = infer_schema(site.root, page_facts(site))
        hit.generator = detect_generator(site.root)
        _CACHE[key] = hit
    return hit


def clear_cache() -> None:
    """Forget every schema read so far (for runs over files that changed meanwhile)."""
    _CACHE.clear()
