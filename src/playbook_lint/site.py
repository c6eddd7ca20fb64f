"""The site model: which public URL each page of a static site is published at.

Guidance repositories are Jekyll, Hugo, Middleman and Eleventy sites. Their internal
links are written as site paths (``/playbooks/x/``), not as file paths, so a link
checker has to know where the generator publishes each page. :class:`Site` answers
that from the files and their front matter, without running the generator.

Built once per run at the edge (:func:`build_site` reads every page's front matter
once; :meth:`Site.from_pages` builds one from memory for tests) and put on
:attr:`playbook_lint.rule.Context.site`; rules only query it.

Where pages are published (each page gets every URL below; any of them resolves):

* from its path below the site root, and below ``content/`` (Hugo), ``source/``
  (Middleman), ``src/`` and ``docs/``: ``x.md`` -> ``/x/`` and ``/x.html``;
  ``x/index.md`` and ``x/_index.md`` -> ``/x/``. Every extension of a page source
  (``.md``, ``.markdown``, ``.html.md``, ``.html.md.erb``, ``.html.erb``, ``.mdx``)
  is dropped;
* Jekyll collections: ``_plays/x.md`` -> ``/plays/x/``; posts:
  ``_posts/2017-06-06-title.md`` -> ``/2017/06/06/title/``
  (https://jekyllrb.com/docs/permalinks/);
* permalink patterns of the generator's config (Jekyll ``permalink`` and
  ``collections.<name>.permalink`` in ``_config.yml``; Hugo ``[permalinks]``) and
  front matter ``permalink: /:year/:title/`` are expanded (:func:`expand_permalink`);
* front matter ``permalink`` (Jekyll, Eleventy) and ``url`` (Hugo) replace the path;
  Hugo ``slug`` replaces the last path segment
  (https://gohugo.io/content-management/urls/);
* ``redirect_from`` (jekyll-redirect-from), ``aliases`` (Hugo) and ``old_paths``
  (GOV.UK) also resolve to the page.

URLs are compared without ``index.html``, a trailing ``/`` or ``.html``
(``/x/``, ``/x``, ``/x.html`` and ``/x/index.html`` are the same page), then
without case (Hugo lower-cases paths).

Generator knowledge lives in the adapters (:mod:`playbook_lint.generators`): which
generator a root uses, which files are pages and partials, each page's exact URL (or a
pattern, or why it is unknown), link templates, heading ids, and what is not
modelled. The paths above are the shared model the Jekyll and Hugo adapters feed with
their permalink settings; the site also says why a miss may not be certain
(:meth:`Site.unresolved_reason`).

The site root is ``site.root`` from config, else the nearest folder above the
linted path holding a generator's config or ``.git`` (:data:`SITE_MARKERS`), else the
linted folder (the PATH given) itself: never the working folder (:func:`site_for`).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pathspec
import yaml

from playbook_lint.generators import Generator, detect
from playbook_lint.generators import markers as generator_markers
from playbook_lint.generators.base import (
    PAGE_EXTENSIONS,
    HeadingIds,
    pattern_matches,
    strip_page_ext,
)
from playbook_lint.lazyre import lazy_compile

__all__ = [
    "Site", "Page", "build_site", "url_key", "page_urls",
    "expand_permalink", "generator_permalinks",
    "SITE_MARKERS", "DEFAULT_EXCLUDE", "site_for",
]

#: Files whose folder is a site root: every generator adapter's markers, Hugo's
#: ``config.toml`` and a repository's ``.git``.
SITE_MARKERS = (*generator_markers(), "config.toml", ".git")
#: Folders below the site root whose content may be published at the site root (the
#: union over the adapters; each adapter names its own in ``source_dirs``).
SOURCE_DIRS = ("content", "source", "src", "docs")
#: Repository furniture and vendored or partial content that is not a page of the
#: site: gitignore syntax, relative to the site root. Page rules skip these files
#: unless the config's ``site.include`` names them.
DEFAULT_EXCLUDE = (
    ".github/", "node_modules/", "vendor/", "assets/**/*.md", "assets/**/*.markdown",
    "spec/fixtures/", "test/fixtures/", "__fixtures__/",
)
#: File names (before the first dot, any case, any folder) of repository furniture.
FURNITURE = frozenset({
    "README", "LICENSE", "LICENCE", "CONTRIBUTING", "CODE_OF_CONDUCT", "SECURITY",
    "CHANGELOG", "ISSUE_TEMPLATE", "PULL_REQUEST_TEMPLATE", "PRODUCT_TEAM",
})
#: Folders that only hold partials/templates (never pages) in Jekyll, Hugo, Middleman.
PARTIAL_DIRS = frozenset({"_includes", "_layouts", "includes", "layouts", "partials",
                          "_partials", "_data", "data"})
_POST = lazy_compile(globals(), r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_POST_URL = lazy_compile(globals(), r"/(\d{4})/(\d{2})/(\d{2})/([^/]+)$")


def url_key(path: str) -> str:
    """Return the comparison key of a URL path: decoded, without ``index.html``/
    ``index.htm``, ``.html``/``.htm`` or a trailing ``/``, always starting with ``/``.

    ``"/x/"``, ``"/x"``, ``"/x.html"`` and ``"/x/index.html"`` all give ``"/x"``;
    ``"/"`` and ``"/index.html"`` give ``"/"``. Never raises.
    """
    if path.startswith("/") and "%" not in path and "?" not in path and "#" not in path \
            and "//" not in path and not path.endswith((".html", ".htm", ".php")) \
            and path == path.strip():  # already a plain path (most): only the slash goes
        return path.rstrip("/") or "/"
    p = unquote(path.split("#", 1)[0].split("?", 1)[0]).strip()
    if not p.startswith("/"):
        p = "/" + p
    while "//" in p:
        p = p.replace("//", "/")
    for tail in ("/index.html", "/index.htm", "/index.php"):
        if p.endswith(tail):
            p = p[: -len(tail) + 1]
            break
    for ext in (".html", ".htm"):
        if p.endswith(ext):
            p = p[: -len(ext)]
            break
    p = p.rstrip("/")
    return p or "/"


#: Files a page links to that a site publishes (images, media, documents, styles,
#: scripts, fonts, archives) and the files that build it (templates, generator config,
#: data). A tree with none of them is an export of the Markdown alone, so a missing
#: asset or page there is not certain; a stray notes.txt or a JSON/SARIF report a
#: run wrote into the tree does not make it a full checkout.
ASSET_EXTENSIONS = frozenset({
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "tif", "tiff",
    "mp4", "webm", "mov", "mp3", "wav", "ogg", "vtt",
    "pdf", "doc", "docx", "xls", "xlsx", "csv", "ppt", "pptx", "odt", "ods", "odp",
    "css", "scss", "sass", "js", "mjs", "woff", "woff2", "ttf", "otf", "eot", "zip",
    # what builds the site: templates, layouts, generator config and data
    "html", "htm", "njk", "liquid", "erb", "haml", "slim", "hbs", "rb", "py", "ts",
    "jsx", "tsx", "vue", "astro", "yml", "yaml", "toml",
})


def _strip_page_ext(name: str) -> str | None:
    return strip_page_ext(name)


_PLACEHOLDER = lazy_compile(globals(), r":(\w+)")
#: Jekyll's built-in permalink styles (https://jekyllrb.com/docs/permalinks/#built-in-formats).
_JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


def _slugify_url(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-")


def expand_permalink(pattern: str, rel: str, data: Mapping[str, Any]) -> str | None:
    """Expand a Jekyll or Hugo permalink ``pattern`` for the page at ``rel``.

    Placeholders: ``:year``, ``:month``, ``:day`` (front matter ``date`` or a
    ``YYYY-MM-DD-`` file name), ``:title`` (Jekyll: the file name's slug; Hugo: the
    title made URL-safe), ``:slug``, ``:name``/``:filename``/``:contentbasename``,
    ``:path``, ``:collection``, ``:section``, ``:sections``, ``:categories``,
    ``:output_ext`` (empty). Returns None when the pattern has a placeholder this
    does not know or a value is missing.
    (https://jekyllrb.com/docs/permalinks/, https://gohugo.io/content-management/urls/)
    """
    pattern = _JEKYLL_STYLES.get(pattern, pattern)
    parts = PurePosixPath(rel).parts
    stem = _strip_page_ext(parts[-1]) or parts[-1]
    dated = _POST.match(stem)
    name = dated.group(4) if dated else stem
    if name in ("index", "_index") and len(parts) > 1:
        name = _strip_page_ext(parts[-2]) or parts[-2]
    day: Any = data.get("date")
    y = mo = d = None
    if dated:
        y, mo, d = dated.group(1), dated.group(2), dated.group(3)
    elif hasattr(day, "year"):
        y, mo, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    elif isinstance(day, str) and re.match(r"\d{4}-\d{2}-\d{2}", day.strip()):
        y, mo, d = day.strip()[:4], day.strip()[5:7], day.strip()[8:10]
    top = parts[0]
    inner = parts[1:-1] if top.startswith("_") or top in SOURCE_DIRS else parts[:-1]
    cats = data.get("categories") or data.get("category") or []
    if isinstance(cats, str):
        cats = cats.split()
    slug = data.get("slug")
    title = data.get("title")
    values = {
        "year": y, "month": mo, "day": d, "i_month": str(int(mo)) if mo else None,
        "i_day": str(int(d)) if d else None, "short_year": y[2:] if y else None,
        "name": name, "filename": name, "contentbasename": name,
        "slug": slug if isinstance(slug, str) and slug.strip() else
        (_slugify_url(title) if isinstance(title, str) and title.strip() else name),
        "title": name if top.startswith("_") or dated else
        (_slugify_url(title) if isinstance(title, str) and title.strip() else name),
        "slugorfilename": slug if isinstance(slug, str) and slug.strip() else name,
        "slugorcontentbasename": slug if isinstance(slug, str) and slug.strip() else name,
        "path": "/".join([*inner, name]),
        "collection": top[1:] if top.startswith("_") else None,
        "section": inner[0] if inner else None,
        "sections": "/".join(inner) if inner else None,
        "categories": "/".join(str(c).lower() for c in cats) if isinstance(cats, list)
        else "",
        "output_ext": "",
    }
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(m.group(1))
        if value is None:
            missing = True
            return ""
        return str(value)

    out = _PLACEHOLDER.sub(sub, pattern)
    if missing:
        return None
    return "/" + "/".join(seg for seg in out.split("/") if seg) + ("/" if out.endswith("/")
                                                                   else "")


def page_urls(
    rel: str, data: Mapping[str, Any] | None, permalinks: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """Return ``(urls, claims)`` for a page source at ``rel`` (posix, relative to the
    site root) with front matter ``data``.

    ``urls`` are every URL path the page may be published at (see the module
    docstring); ``claims`` are the URLs its front matter sets explicitly
    (``permalink``, ``url``), used to find two pages claiming one URL.
    ``permalinks`` maps a Jekyll collection (``posts``, ``plays``; ``*`` for every
    page) or a Hugo section (``news``) to the generator's permalink pattern, from
    its config (see :func:`expand_permalink`).
    """
    urls: list[str] = []
    claims: list[str] = []
    parts = list(PurePosixPath(rel).parts)
    if not parts:
        return urls, claims
    stem = _strip_page_ext(parts[-1])
    if stem is None:
        return urls, claims
    variants: list[list[str]] = [parts[:-1]]
    if parts[:-1] and parts[0] in SOURCE_DIRS:
        variants.append(parts[1:-1])
    if parts[:-1] and parts[0].startswith("_") and parts[0] not in PARTIAL_DIRS:
        variants.append([parts[0][1:], *parts[1:-1]])  # Jekyll collection
    data = data if isinstance(data, Mapping) else {}
    slug = data.get("slug")
    for folders in variants:
        name_parts = list(folders)
        if stem not in ("index", "_index", "README", "readme"):
            name_parts.append(stem)
        urls.append("/" + "/".join(name_parts) + ("/" if name_parts else ""))
        if isinstance(slug, str) and slug.strip() and name_parts:
            urls.append("/" + "/".join([*name_parts[:-1], slug.strip().strip("/")]) + "/")
    if parts[0] == "_posts" or "_posts" in parts:
        m = _POST.match(stem)
        if m:
            y, mo, d, title = m.groups()
            urls.append(f"/{y}/{mo}/{d}/{title}/")
            cats = data.get("categories") or data.get("category")
            if isinstance(cats, str):
                cats = cats.split()
            if isinstance(cats, list) and cats:
                prefix = "/".join(str(c).lower() for c in cats)
                urls.append(f"/{prefix}/{y}/{mo}/{d}/{title}/")
    if permalinks:
        top = parts[0]
        group = top[1:] if top.startswith("_") else (
            parts[1] if top == "content" and len(parts) > 2 else None)
        pattern = permalinks.get(group or "") or (
            permalinks.get("*") if group == "posts" or not top.startswith("_") else None)
        if pattern:
            expanded = expand_permalink(pattern, rel, data)
            if expanded:
                urls.insert(0, expanded)
    for key in ("permalink", "url"):
        value = data.get(key)
        if isinstance(value, str) and value.strip().startswith("/") and ":" not in value:
            urls.insert(0, value.strip())
            claims.append(value.strip())
        elif key == "permalink" and isinstance(value, str) and ":" in value:
            expanded = expand_permalink(value.strip(), rel, data)
            if expanded:
                urls.insert(0, expanded)
    for key in ("redirect_from", "aliases", "old_paths"):
        value = data.get(key)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for v in values:
            if isinstance(v, str) and v.strip():
                v = v.strip()
                urls.append(v if v.startswith("/") else "/" + v)
    return urls, claims


@dataclass(frozen=True)
class Page:
    """One page of the site.

    Attributes:
        source: absolute path of the source file.
        urls: every URL path it resolves from, the canonical one first.
        claims: URL paths its front matter sets explicitly (``permalink``/``url``).
        has_front_matter: True when the file starts with a front matter block.
        title: the front matter ``title``, if it is a string (layouts render it as the
            page's first heading, so its slug is an anchor of the page).
        templated: True when the body pulls in content the model cannot see (see
            :func:`pulls_in_content`), so its anchors are not all known.
        home, pattern, url_reason, published, has_permalink: what the site's generator
            adapter says of the page's published URL (see
            :meth:`playbook_lint.generators.base.Generator.page_url`).
    """

    source: Path
    urls: tuple[str, ...]
    claims: tuple[str, ...] = ()
    has_front_matter: bool = True
    title: str | None = None
    templated: bool = False
    #: The URL the generator publishes the page at, when it is known exactly.
    home: str | None = None
    #: When only part of the URL is known: a pattern of the URLs it may be.
    pattern: Any = None
    #: Why the URL is not known exactly ("" when it is).
    url_reason: str = ""
    #: False when the generator does not publish the page (Eleventy ``permalink: false``).
    published: bool = True
    #: True when front matter sets a plain ``permalink`` (a published repository file
    #: such as ``LICENSE.md`` with one is a page, not furniture).
    has_permalink: bool = False


#: :class:`Site` attributes made from its pages on first use (see ``Site._build_index``).
_INDEX_ATTRS = frozenset({"_by_key", "_by_lower", "_claims", "_by_name", "_posts",
                          "_patterns", "_by_tail", "_vague", "_unknown", "_partial_dirs",
                          "_keys"})


@dataclass
class Site:
    """Questions about one static site, answered from an index built once.

    Attributes:
        root: the site root (absolute).
        base_url: the site's own address (``https://playbook.example.gov``, no
            trailing ``/``) from config ``site.base-url``, or None.
        path_prefix: the path every URL of the site is served under (Jekyll's
            ``baseurl`` setting, e.g. ``/guide``), or "".
        pages: the pages, by absolute source path.
        include, exclude: gitignore patterns (relative to ``root``) from config that
            widen or narrow which files page rules see (see :meth:`is_page`).
    """

    root: Path
    base_url: str | None = None
    path_prefix: str = ""
    pages: Mapping[Path, Page] = field(default_factory=dict)
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    image_alts: Mapping[str, str | None] | None = None
    generator: Generator | None = None
    #: False when the tree holds no file but Markdown pages (an export or sparse
    #: checkout): assets and pages built from other sources are then not in it.
    has_assets: bool = True

    def __post_init__(self) -> None:
        if self.generator is None:
            self.generator = detect(self.root)
        # the URL maps (see _build_index) are made on first use: a one-file run whose
        # links name pages by path never asks for them
        self._exclude = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDE, *self.exclude])
        self._include = pathspec.GitIgnoreSpec.from_lines(list(self.include)) \
            if self.include else None

    def __getattr__(self, name: str) -> Any:
        if name == "_by_name":
            self._build_names()
        elif name == "_partial_dirs":
            self._partial_dirs = self._find_partial_dirs()
        elif name == "_keys":
            self._keys = [key for key, _page in self._views()]
        elif name == "_by_lower" and "_by_key" in self.__dict__:
            # _index sets both maps URL by URL, first page first: the first URL key (in
            # the URL map's order) with a given lower case wins that lower case
            by_lower: dict[str, int] = {}
            for k, i in self._by_key.items():
                by_lower.setdefault(k.lower(), i)
            self.__dict__["_by_lower"] = by_lower
        elif name in _INDEX_ATTRS:
            self._build_index()
        else:
            raise AttributeError(name)
        return self.__dict__[name]

    def _views(self) -> Iterator[tuple[str, Any]]:
        """``(source path string, page)`` of every page in :attr:`pages` order; a page
        of the persisted index not made yet is its record's view (see ``_Kept``), so
        indexing 4,000 pages makes no :class:`Page` nor :class:`~pathlib.Path`."""
        if isinstance(self.pages, (_Pages, _DbPages)):
            return self.pages.views()
        return ((str(path), page) for path, page in self.pages.items())

    def _source(self, at: int) -> Path:
        """The source of the page at place ``at`` of :attr:`pages` (the maps' values)."""
        return Path(self._keys[at])

    @staticmethod
    def _indexed(key: str, page: Any) -> bool:
        # a README is no page of the site: "/" is not the README
        return os.path.basename(key).split(".", 1)[0].upper() not in FURNITURE or \
            page.has_permalink

    def _build_names(self) -> None:
        """Make the file name map of :attr:`pages` (once): name -> places of pages."""
        self._by_name: dict[str, list[int]] = {}
        for at, (key, page) in enumerate(self._views()):
            if self._indexed(key, page):
                self._by_name.setdefault(os.path.basename(key), []).append(at)

    def _build_index(self) -> None:
        """Make the URL, claim and pattern maps of :attr:`pages` (once). The URL maps
        hold places of pages in :attr:`pages` (see :meth:`_source`); the pattern lists
        hold pages (or their views)."""
        self._by_key: dict[str, int] = {}
        self._by_lower: dict[str, int] = {}
        self._claims: dict[str, list[int]] = {}
        self._posts: dict[str, int] = {}
        self._patterns: list[Any] = []
        self._by_tail: dict[str, list[Any]] = {}
        self._vague: list[Any] = []
        self._unknown: list[Any] = []
        for at, (key, page) in enumerate(self._views()):
            if self._indexed(key, page):
                self._index(at, key, page)

    def _maps_to_json(self) -> dict[str, Any]:
        """The URL, claim, name and pattern maps as the site index keeps them (pages
        by place), without the lower-case map (it follows from the URL map)."""
        at = {key: i for i, key in enumerate(self._keys)}

        def ix(page: Any) -> int:
            return at[page.key if isinstance(page, _Kept) else str(page.source)]

        return {"by_key": self._by_key, "claims": self._claims, "posts": self._posts,
                "by_name": self._by_name,
                "by_tail": {t: [ix(p) for p in ps] for t, ps in self._by_tail.items()},
                "patterns": [ix(p) for p in self._patterns],
                "vague": [ix(p) for p in self._vague],
                "unknown": [ix(p) for p in self._unknown]}

    def _adopt_maps(self, maps: Mapping[str, Any], entries: Mapping[str, Any]) -> bool:
        """Take the maps a site index kept (see :meth:`_maps_to_json`) for the pages
        ``entries`` (source path string -> page or its record's view, in the order
        they were kept). False, and nothing taken, when they do not fit."""
        keys = list(entries)
        n = len(keys)

        def places(value: Any) -> bool:
            return isinstance(value, list) and all(type(i) is int and 0 <= i < n for i in value)

        try:
            by_key, claims, posts, by_name = (maps["by_key"], maps["claims"], maps["posts"],
                                              maps["by_name"])
            if not (isinstance(by_key, dict) and places(list(by_key.values()))
                    and isinstance(posts, dict) and places(list(posts.values()))
                    and isinstance(claims, dict) and all(map(places, claims.values()))
                    and isinstance(by_name, dict) and all(map(places, by_name.values()))):
                return False
            made = {
                "_keys": keys, "_by_key": by_key, "_claims": claims, "_posts": posts,
                "_by_name": by_name,
                "_by_tail": {t: [entries[keys[i]] for i in ix]
                             for t, ix in maps["by_tail"].items()},
                "_patterns": [entries[keys[i]] for i in maps["patterns"]],
                "_vague": [entries[keys[i]] for i in maps["vague"]],
                "_unknown": [entries[keys[i]] for i in maps["unknown"]],
            }
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return False
        self.__dict__.pop("_by_lower", None)
        self.__dict__.update(made)
        return True

    def _adopt_index(self, answers: _IndexAnswers) -> None:
        """Answer the URL maps from the persisted site index, key by key, as they were
        made from the same records (``answers``: the index and a build without it,
        should it fail to answer mid-run; :attr:`pages` is a ``_DbPages`` of it)."""
        from playbook_lint.siteindex import LIST_KINDS, MAP_KINDS

        made: dict[str, Any] = {attr: _DbMap(answers, attr, kind)
                                for attr, kind in MAP_KINDS.items()}
        made["_keys"] = _DbKeys(answers)
        for attr in LIST_KINDS:
            made[attr] = answers.page_list(attr)
        self.__dict__.update(made)

    def _index(self, at: int, key: str, page: Any) -> None:
        if page.pattern is not None:
            tail = _literal_tail(page.pattern)
            if tail is not None:
                self._by_tail.setdefault(tail.lower(), []).append(page)
            elif _has_literal(page.pattern):
                self._patterns.append(page)
            else:
                self._vague.append(page)
        elif page.home is None and page.published and page.url_reason:
            self._unknown.append(page)
        for u in page.urls:
            k = url_key(u)
            self._by_key.setdefault(k, at)
            self._by_lower.setdefault(k.lower(), at)
        for c in page.claims:
            self._claims.setdefault(url_key(c), []).append(at)
        if "/_posts/" in key:
            m = _POST.match(_strip_page_ext(os.path.basename(key)) or "")
            if m:
                self._posts.setdefault("/".join(m.groups()).lower(), at)

    def _find_partial_dirs(self) -> set[Path]:
        """Folders (below the root, not the root itself) holding Markdown partials."""
        out: set[Path] = set()
        views = self.pages.without_front_matter() if isinstance(self.pages, _DbPages) \
            else self._views()
        for _key, page in views:
            if page.has_front_matter:
                continue
            try:
                rel = page.source.relative_to(self.root).as_posix()
            except ValueError:
                continue
            if self.generator is not None and self.generator.is_partial(rel, False):
                for folder in page.source.parents:
                    if folder == self.root or self.root not in folder.parents:
                        break
                    out.add(folder)
        return out

    # -- building ----------------------------------------------------------------------
    @classmethod
    def from_pages(
        cls,
        root: Path,
        pages: Mapping[str | Path, str | Mapping[str, Any] | None],
        permalinks: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Site:
        """Build a site from memory (for tests and plugins).

        Args:
            root: the site root.
            pages: source path (absolute, or relative to ``root``) -> the file's text,
                or its front matter data directly (None: no front matter).
            permalinks: permalink patterns by collection or section (see
                :func:`page_urls`).
            kwargs: other :class:`Site` attributes (``base_url``, ``path_prefix``...).
        """
        from playbook_lint.frontmatter import parse_front_matter

        generator = kwargs.pop("generator", None) or detect(root)
        out: dict[Path, Page] = {}
        for p, content in pages.items():
            path = Path(p) if Path(p).is_absolute() else root / p
            has_fm = True
            templated = False
            data: Mapping[str, Any] | None
            if isinstance(content, str):
                fm = parse_front_matter(content)
                has_fm = fm is not None
                data = fm.data if fm is not None else None
                templated = pulls_in_content(content[fm.end if fm else 0:])
            else:
                data = content
                has_fm = content is not None
            page = _make_page(root, path, data, has_fm, templated, permalinks, generator)
            if page is not None:
                out[path] = page
        return cls(root=root, pages=out, generator=generator, **kwargs)

    # -- questions ---------------------------------------------------------------------
    def page_for_url(self, path: str) -> Path | None:
        """Return the source of the page published at URL ``path`` (``/x/y/``, with or
        without ``.html``, ``#fragment`` and ``?query`` ignored), or None.

        The :attr:`path_prefix` (Jekyll ``baseurl``), when set and present, is removed
        first.
        """
        p = unquote(path.split("#", 1)[0].split("?", 1)[0])
        prefix = self.path_prefix
        if prefix and (p == prefix or p.startswith(prefix + "/")):
            p = p[len(prefix):] or "/"
        k = url_key(p)
        hit = self._by_key.get(k)
        if hit is None:
            hit = self._by_lower.get(k.lower())
        if hit is None and self._posts:
            # a post's URL always ends /YYYY/MM/DD/title, whatever prefix the site's
            # permalink setting puts before it (/blog/, /whats-new/updates/, categories)
            m = _POST_URL.search(k)
            if m:
                hit = self._posts.get("/".join(m.groups()).lower())
        if hit is None and (self._by_tail or self._patterns):
            tail = k.rstrip("/").rsplit("/", 1)[-1].lower()
            for page in (*self._by_tail.get(tail, ()), *self._patterns):
                if pattern_matches(page.pattern, k):
                    return page.source  # type: ignore[no-any-return]
        return None if hit is None else self._source(hit)

    def unresolved_reason(self, markdown_targets: bool = False) -> str | None:
        """Why a site path that names no page may still exist (for "not checked"
        messages), or None when the site model knows every page's URL.
        ``markdown_targets``: the link names a Markdown source (``{% link x.md %}``),
        which a Markdown-only tree would hold if it existed."""
        made = self.generator.unknown_pages() if self.generator is not None else None
        if made is not None:
            return made
        vague = self._vague + self._unknown
        if vague:
            first = vague[0]
            try:
                rel = first.source.relative_to(self.root).as_posix()
            except ValueError:
                rel = first.source.name
            more = f" and {len(vague) - 1} more" if len(vague) > 1 else ""
            return f"the URL of {rel}{more} is not known ({first.url_reason})"
        if not self.has_assets and not markdown_targets:
            return "this tree holds only Markdown, so pages built from other sources " \
                "are not in it"
        return None

    def link_bases(self, source: Path) -> list[str]:
        """The URL folders a relative link on the page built from ``source`` resolves
        from: the folder of each URL the page is served at (not its aliases), e.g.
        ``/a/one/`` for ``/a/one/`` and ``/a/`` for ``/a/one.html``. Empty when the
        page's URL is not known."""
        page = self.pages.get(source)
        if page is None:
            return []
        homes = [page.home] if page.home else []
        if self.generator is None or not self.generator.knows_urls or \
                self.generator.shared_urls:
            homes += [u for u in page.urls if u not in page.claims or u == page.home]
        out: list[str] = []
        for url in homes:
            base = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
            if base not in out:
                out.append(base)
        return out

    @property
    def heading_ids(self) -> HeadingIds:
        """How this site's generator gives headings ids (see
        :class:`playbook_lint.generators.base.HeadingIds`)."""
        ids = self.__dict__.get("_heading_ids")
        if ids is None:
            assert self.generator is not None
            ids = self.__dict__["_heading_ids"] = self.generator.heading_ids
        return ids

    def url_of(self, source: Path) -> str | None:
        """Return the canonical URL path of the page built from ``source``, or None."""
        page = self.pages.get(source)
        return page.urls[0] if page and page.urls else None

    def anchors_incomplete(self, source: Path) -> bool:
        """True if the page built from ``source`` pulls in content at build time
        (includes, loops, shortcodes, or Markdown partials in its folder that its
        layout includes), so a missing ``#fragment`` may still exist."""
        page = self.pages.get(source)
        if page is None:
            return False
        # partials beside a page (uswds _components/x/guidance/*.md) are pulled in by
        # its layout, with headings and ids of their own
        return page.templated or source.parent in self._partial_dirs

    def layout_anchors(self, source: Path) -> frozenset[str]:
        """Anchors a page's layout adds: the GitHub-style slug of its ``title`` (themes
        render the title as the first heading; Jekyll's kramdown and Hugo give it that
        id). Empty when the page has no title."""
        from playbook_lint.links.slugs import slugify

        page = self.pages.get(source)
        if page is None or not page.title:
            return frozenset()
        return frozenset({slugify(page.title)})

    def claimants(self, url: str) -> list[Path]:
        """Pages whose front matter sets ``permalink``/``url`` to ``url`` (same key)."""
        return [self._source(i) for i in self._claims.get(url_key(url), [])]

    def source_file(self, rel: str) -> Path | None:
        """Return the page source at ``rel`` (relative to the site root, as Jekyll's
        ``{% link %}`` takes it), or None when there is no such page."""
        rel = rel.strip().strip("\"'").lstrip("/")
        path = Path(os.path.normpath(self.root / rel))
        return path if path in self.pages else None

    def hugo_ref(self, ref: str, page: Path) -> Path | None:
        """Resolve a Hugo ``ref``/``relref`` argument the way Hugo looks pages up
        (https://gohugo.io/functions/urls/ref/): a path from ``content/`` when it starts
        with ``/``, else from the linking page's folder, else from ``content/``, else a
        unique file name anywhere; ``x`` may also mean ``x.md``, ``x/index.md`` or
        ``x/_index.md``. Returns the page source, or None.
        """
        ref = ref.split("#", 1)[0].strip()
        if not ref:
            return page
        content = self.root / "content"
        bases = [content] if ref.startswith("/") else [page.parent, content, self.root]
        rel = ref.lstrip("/")
        for base in bases:
            target = Path(os.path.normpath(base / rel))
            for cand in (target, target.with_name(target.name + ".md"),
                         target / "index.md", target / "_index.md"):
                if cand in self.pages:
                    return cand
        if "/" not in rel:
            names = self._by_name.get(rel) or self._by_name.get(rel + ".md") or []
            if len(names) >= 1:
                return self._source(names[0])
        hit = self.page_for_url("/" + rel)
        return hit

    def own_path(self, url: str) -> str | None:
        """If ``url`` is an absolute URL on this site's ``base_url``, return its path
        (``/x/#y``); else None."""
        if not self.base_url:
            return None
        try:
            mine = urlsplit(self.base_url)
            got = urlsplit(url)
        except ValueError:
            return None
        if got.scheme not in ("http", "https") or got.hostname is None:
            return None
        if got.hostname.lower() != (mine.hostname or "").lower():
            return None
        prefix = mine.path.rstrip("/")
        path = got.path or "/"
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix):] or "/"
        return path + (f"?{got.query}" if got.query else "") + (
            f"#{got.fragment}" if got.fragment else "")

    def image_alt(self, uid: str) -> tuple[bool, str | None]:
        """Hugo image data: ``(known, alt)`` for ``data/images/<uid>.yml``. ``known`` is
        False when there is no such data file; ``alt`` is None when it has no ``alt``."""
        alts = self.image_alts or {}
        if uid not in alts:
            return False, None
        return True, alts[uid]

    def is_page(self, path: Path) -> bool:
        """True if page rules should lint ``path``: False for repository furniture
        (README, LICENSE, CONTRIBUTING...), ``.github/``, ``node_modules/``, vendored
        ``assets/**`` Markdown (see :data:`DEFAULT_EXCLUDE` and config ``site.exclude``)
        and partials without front matter, unless config ``site.include`` matches."""
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return True
        if self._include is not None and self._include.match_file(rel):
            return True
        if self._exclude.match_file(rel):
            return False
        page = self.pages.get(path)
        if path.name.split(".", 1)[0].upper() in FURNITURE:
            # a LICENSE.md with front matter and a permalink is a published page
            return page is not None and page.has_permalink and page.published
        if page is not None and self.generator is not None and \
                self.generator.is_partial(rel, page.has_front_matter):
            return False
        return True


def _literal_tail(pattern: Any) -> str | None:
    """The last path segment of a URL pattern when it is fixed text (an Eleventy
    ``/{{ page.date | toDatePath }}/{{ page.fileSlug }}/`` gives the file's slug), so
    lookups try only the pages whose URL ends that way; else None."""
    body = pattern.pattern.rstrip("/")
    last = body.rsplit("/", 1)[-1]
    plain = re.sub(r"\\(.)", r"\1", last)
    if not last or re.search(r"[.*+?()\[\]{}|^$]", re.sub(r"\\.", "", last)):
        return None
    return plain


def _has_literal(pattern: Any) -> bool:
    """True if a URL pattern has a fixed part besides ``/`` (``/.+?/x/``): one that is
    all template (``{{ tag.url }}``) could be any URL and resolves nothing."""
    return bool(re.sub(r"\.\+\?|\(\?:[^)]*\)\?|[/\\]", "", pattern.pattern))


def _is_partial(rel: str) -> bool:
    """A file without front matter is a partial when it sits in an include/layout
    folder or any ``_folder`` (Jekyll renders no Markdown without front matter there:
    it is pulled into pages by ``{% include %}``), or its name starts with ``_``
    (Middleman, Sass-style partials; Hugo's ``_index`` is a page)."""
    parts = PurePosixPath(rel).parts
    if any(p in PARTIAL_DIRS or p.startswith("_") for p in parts[:-1]):
        return True
    name = parts[-1] if parts else ""
    return name.startswith("_") and not name.startswith("_index.")


#: Template constructs that insert content (and so headings and ids) when the site is
#: built: Liquid/Nunjucks ``include``/``render``/loops, Hugo shortcodes and partials, ERB.
_PULLS_IN = lazy_compile(globals(),
    r"\{%-?\s*(?:include|include_relative|render|for|partial)\b|"
    r"\{\{[<%]\s*(?!(?:rel)?ref\b)[\w-]|<%=|"
    r"\{\{-?\s*(?:partial|include|content)\b",
)


@lru_cache(maxsize=8)
def pulls_in_content(text: str) -> bool:
    """True if ``text`` has a template construct that inserts content at build time
    (``{% include %}``, ``{% for %}``, Hugo ``{{< shortcode >}}``, ERB ``<%= %>``):
    the page's anchors are then not all visible in its source.

    Cached: the broken-link rule asks it about the same page body once per link
    (hashing the text is far cheaper than searching it)."""
    return _PULLS_IN.search(text) is not None


def _make_page(
    root: Path, path: Path, data: Any, has_fm: bool, templated: bool = False,
    permalinks: Mapping[str, str] | None = None, generator: Generator | None = None,
) -> Page | None:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return None
    mapping = data if isinstance(data, Mapping) else {}
    urls, claims = page_urls(rel, mapping or None, permalinks)
    if not urls:
        return None
    title = mapping.get("title")
    permalink = mapping.get("permalink")
    home: str | None = urls[0]
    pattern = None
    reason = ""
    published = True
    if generator is not None and generator.knows_urls:
        where = generator.page_url(rel, mapping)
        if generator.shared_urls:
            where = type(where)(urls[0])  # the shared model knows their permalinks
        home, pattern, reason, published = where.url, where.pattern, where.reason, \
            where.published
        if home is not None and home not in urls:
            urls.insert(0, home)
    return Page(path, tuple(urls), tuple(claims), has_fm,
                title if isinstance(title, str) else None, templated, home, pattern,
                reason, published,
                isinstance(permalink, str) and permalink.strip().startswith("/"))


_FM_OPEN = (b"---", b"+++")
#: Largest file (bytes) the site model reads for its front matter.
MAX_PAGE_BYTES = 20 * 1024 * 1024


def _read_page(path: Path) -> tuple[bool, Any, bool]:
    """``(has_front_matter, data, templated)`` of a page file (see :class:`Page`)."""
    from playbook_lint.document import decode
    from playbook_lint.fmmemo import front_matter_values
    from playbook_lint.frontmatter import parse_front_matter

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_PAGE_BYTES:
            return False, None, False  # FIFOs, devices (/dev/zero), huge files: not pages
        data_bytes = path.read_bytes()
        templated = (b"{{" in data_bytes or b"{%" in data_bytes or b"<%" in data_bytes)
        if not data_bytes.lstrip(b"\xef\xbb\xbf").startswith(_FM_OPEN):
            if templated:
                templated = pulls_in_content(decode(data_bytes).text)
            return False, None, templated
        text = decode(data_bytes).text
    except OSError:  # NotTextError too: a binary file named .md is no page of the site
        return False, None, False
    quick = front_matter_values(text)  # the run's one parse of it (fmmemo)
    if quick is not None:  # the common case: a block that parses
        data, end = quick
        if templated:
            templated = pulls_in_content(text[end:])
        return True, data, templated
    try:
        fm = parse_front_matter(text)
    except RecursionError:  # linting the page itself reports it, at its line
        return True, None, False
    if templated:
        templated = pulls_in_content(text[fm.end if fm is not None else 0:])
    if fm is None:
        return False, None, templated
    return True, fm.data, templated


def generator_permalinks(root: Path) -> dict[str, str]:
    """Permalink patterns from the generator's config at ``root`` (see
    :meth:`playbook_lint.generators.base.Generator.permalinks`)."""
    return detect(root).permalinks()


def _generator_base_url(root: Path) -> str | None:
    return detect(root).base_url()


def _image_alts(root: Path) -> dict[str, str | None]:
    """Alt text of each Hugo image data file ``data/images/<uid>.yml`` (None: no alt)."""
    folder = root / "data" / "images"
    out: dict[str, str | None] = {}
    if not folder.is_dir():
        return out
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for entry in os.scandir(folder):
        name = entry.name
        uid, dot, ext = name.rpartition(".")
        if not dot or ext.lower() not in ("yml", "yaml"):
            continue
        alt: str | None = None
        try:
            with open(entry.path, encoding="utf-8", errors="replace") as fh:
                data = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
            value = data.get("alt") if isinstance(data, dict) else None
            alt = str(value) if value is not None else None
        except (OSError, yaml.YAMLError):
            alt = None
        out[uid] = alt
    return out


def build_site(
    root: Path,
    *,
    base_url: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    extra: Iterable[Path] = (),
    walk: Any = None,
    generator: Generator | None = None,
) -> Site:
    """Walk ``root`` once and build its :class:`Site` (reads each page's front matter).

    Args:
        root: the site root (absolute).
        base_url: the site's own address, e.g. ``https://playbook.example.gov``; by
            default Hugo's ``baseURL`` or Jekyll's ``url`` + ``baseurl`` when set.
        include, exclude: gitignore patterns from config ``site.include``/``site.exclude``.
        extra: more page files (e.g. linted files outside the root); ignored if outside.
        walk: the run's :class:`~playbook_lint.siteindex.SiteWalk` of ``root`` (shared
            with front matter inference), or None to walk here.
        generator: the site's generator adapter when the caller has it (a
            :class:`LazySite`'s: its config is read once per run), else detected here.

    Never raises on unreadable files (they are left out).
    """
    from playbook_lint import siteindex

    if walk is None:
        walk = siteindex.SiteWalk(root)
    cache = siteindex.SiteIndexCache(root) if siteindex.cache_enabled() else None
    listing = walk.listing_digest() if cache is not None else ""
    scan = cache.scan(listing) if cache is not None else None
    if scan is None:
        scan = _scan(walk)
    found, configs, other_files = scan
    walked = set(found)
    extra = [p for p in extra if str(p) not in walked]
    names_found = [*found, *(str(p) for p in extra)]
    if generator is None:
        generator = detect(root)
    permalinks = generator.permalinks()
    if len(names_found) < siteindex.PERSIST_FROM:
        cache = None
    if not base_url:
        base_url = generator.base_url()

    def make(pages: Mapping[Path, Page]) -> Site:
        return Site(
            root=root, base_url=(base_url or "").rstrip("/") or None,
            path_prefix=generator.path_prefix(), pages=pages, include=include,
            exclude=exclude, image_alts=_LazyImageAlts(root), generator=generator,
            has_assets=other_files > 0,
        )

    if cache is None:
        made: dict[Path, Page] = {}
        for key in names_found:
            path = Path(key)
            has_fm, data, templated = _read_page(path)
            page = _make_page(root, path, data, has_fm, templated, permalinks, generator)
            if page is not None:
                made[path] = page
        return make(made)
    context = siteindex.context_digest(root, generator, permalinks, configs, walk.stamp)
    changed = cache.kept(context, names_found, walk.stamp)
    read: dict[str, Any] = {}  # pages read again below: not read twice
    if changed is not None:
        # the index describes these files: read again only those whose stamp changed;
        # when each gives the record it had, the kept maps hold and only stamps change
        stamps: dict[str, list[int]] = {}
        for key in changed:
            stamp = walk.stamp(key)
            path = Path(key)
            has_fm, data, templated = _read_page(path)
            page = read[key] = _make_page(root, path, data, has_fm, templated, permalinks,
                                          generator)
            try:
                same = cache.record(key) == (True, siteindex._to_record(page))
            except siteindex.IndexUnreadable:
                same = False
            if not same or stamp is None:
                break
            stamps[key] = stamp
        else:
            cache.keep_stamps(names_found, stamps, listing, scan)
            answers = _IndexAnswers(cache, lambda: _fresh_site(
                root, walk, base_url, include, exclude, extra, generator))
            site = make(_DbPages(answers))
            site._adopt_index(answers)
            return site
    old = cache.records(context)
    entries: dict[str, Any] = {}
    rows: list[tuple[str, list[int] | None, Any]] = []
    for key in names_found:
        stamp = walk.stamp(key)
        hit = old.get(key)
        if stamp is not None and hit is not None and hit[0] == stamp:
            rec = hit[1]
            if rec is not None:
                entries[key] = _Kept(key, rec)
        else:
            if key in read:
                page = read[key]
            else:
                path = Path(key)
                has_fm, data, templated = _read_page(path)
                page = _make_page(root, path, data, has_fm, templated, permalinks, generator)
            rec = siteindex._to_record(page)
            if page is not None:
                entries[key] = page
        rows.append((key, stamp, rec))
    cache.close()
    site = make(_Pages(entries))
    site._build_index()
    site._build_names()
    cache.write(context, listing, scan, rows, site)
    return site


def _scan(walk: Any) -> tuple[list[str], list[str], int]:
    """``(page files, configuring files, asset count)`` of a site walk's listing:
    files with a page extension, files that can configure the generator (see
    :func:`playbook_lint.siteindex.config_file`), and files of
    :data:`ASSET_EXTENSIONS`."""
    from playbook_lint.siteindex import config_file

    names_found: list[str] = []
    configs: list[str] = []
    other_files = 0
    for folder, names in walk.listing():
        for name in names:
            if name.lower().endswith(PAGE_EXTENSIONS) and _strip_page_ext(name) is not None:
                names_found.append(os.path.join(folder, name))
                continue
            if name.rsplit(".", 1)[-1].lower() in ASSET_EXTENSIONS:
                other_files += 1
            if config_file(name):
                configs.append(os.path.join(folder, name))
    return names_found, configs, other_files


def _fresh_site(root: Path, walk: Any, base_url: str | None, include: Sequence[str],
                exclude: Sequence[str], extra: Iterable[Path], generator: Generator) -> Site:
    """The site built without the persisted index (when it fails mid-run)."""
    from playbook_lint.siteindex import site_caches

    with site_caches(False):
        return build_site(root, base_url=base_url, include=include, exclude=exclude,
                          extra=extra, walk=walk, generator=generator)


class _Kept:
    """A page's record from the persisted site index, not yet made a :class:`Page`:
    it answers the :class:`Page` attributes the site's maps are made from (see
    :func:`playbook_lint.siteindex._to_record` for the record's fields)."""

    __slots__ = ("_pattern", "key", "rec")

    def __init__(self, key: str, rec: Any) -> None:
        self.key = key
        self.rec = rec
        self._pattern: Any = None

    @property
    def source(self) -> Path:
        """As :attr:`Page.source`."""
        return Path(self.key)

    @property
    def urls(self) -> list[str]:
        """As :attr:`Page.urls`."""
        return self.rec[0]  # type: ignore[no-any-return]

    @property
    def claims(self) -> list[str]:
        """As :attr:`Page.claims`."""
        return self.rec[1]  # type: ignore[no-any-return]

    @property
    def has_front_matter(self) -> bool:
        """As :attr:`Page.has_front_matter`."""
        return bool(self.rec[2])

    @property
    def home(self) -> str | None:
        """As :attr:`Page.home`."""
        return self.rec[5]  # type: ignore[no-any-return]

    @property
    def pattern(self) -> Any:
        """As :attr:`Page.pattern` (compiled on its first match)."""
        if self._pattern is None and self.rec[6] is not None:
            from playbook_lint.siteindex import LazyPattern

            self._pattern = LazyPattern(self.rec[6][0], self.rec[6][1])
        return self._pattern

    @property
    def url_reason(self) -> str:
        """As :attr:`Page.url_reason`."""
        return self.rec[7]  # type: ignore[no-any-return]

    @property
    def published(self) -> bool:
        """As :attr:`Page.published`."""
        return bool(self.rec[8])

    @property
    def has_permalink(self) -> bool:
        """As :attr:`Page.has_permalink`."""
        return bool(self.rec[9])


class _Pages(Mapping[Path, Page]):
    """:attr:`Site.pages` built from the persisted site index: each page's
    :class:`Page` (and its :class:`~pathlib.Path`) is made from its record when first
    asked for, so a one-file run makes the few its links ask about, not 4,000.
    Iterates in the order of the site walk, as the plain dict it stands for."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self._entries = entries  # absolute path string -> Page or _Kept

    def __getitem__(self, path: Path) -> Page:
        key = str(path)
        hit = self._entries[key]
        if isinstance(hit, _Kept):
            from playbook_lint.siteindex import page_of

            hit = self._entries[key] = page_of(Path(key), hit.rec)
        return hit  # type: ignore[no-any-return]

    def views(self) -> Iterator[tuple[str, Any]]:
        """``(source path string, Page or its record's view)`` in walk order."""
        return iter(list(self._entries.items()))

    def __contains__(self, path: object) -> bool:
        return isinstance(path, Path) and str(path) in self._entries

    def __iter__(self) -> Iterator[Path]:
        return (Path(k) for k in list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)


class _IndexAnswers:
    """What a site answering from the persisted index asks it (see
    ``Site._adopt_index``): records, places and URL map values, key by key. When the
    index fails to answer (a corrupt file, an error mid-run), the site is built
    without it once (``fallback``) and everything is answered from that build, so
    a broken cache costs time, never a wrong answer or a traceback."""

    def __init__(self, index: Any, fallback: Callable[[], Site]) -> None:
        self.index = index
        self._fallback = fallback
        self.fresh: Site | None = None
        self._pages: dict[str, Any] = {}  # path -> Page or None (no page)

    def broken(self) -> Site:
        """The site built without the index (once); the index file is removed, so the
        next run writes it anew."""
        if self.fresh is None:
            self.index.close()
            try:
                self.index.file.unlink()
            except OSError:
                pass
            self.fresh = self._fallback()
        return self.fresh

    def page(self, key: str) -> Any:
        """The :class:`Page` of the page file ``key`` (None: no page of the site)."""
        from playbook_lint.siteindex import IndexUnreadable, page_of

        if self.fresh is not None:
            return self.fresh.pages.get(Path(key))
        try:
            return self._pages[key]
        except KeyError:
            pass
        try:
            _found, rec = self.index.record(key)
            page = None if rec is None else page_of(Path(key), rec)
        except (IndexUnreadable, TypeError, ValueError, re.error):
            return self.broken().pages.get(Path(key))
        self._pages[key] = page
        return page

    def rows(self, without_front_matter: bool = False) -> list[tuple[str, Any]]:
        """``(path, record)`` of the pages (only those without front matter when
        ``without_front_matter``), in walk order."""
        from playbook_lint.siteindex import IndexUnreadable, _well_formed

        if self.fresh is None:
            where = "AND fm = 0 " if without_front_matter else ""
            try:
                rows = self.index.query("SELECT path, rec FROM pages WHERE rec IS NOT NULL "
                                        f"{where}ORDER BY place")
                out = [(path, json.loads(text)) for path, text in rows]
                if all(_well_formed(rec) for _path, rec in out):
                    return out
            except (IndexUnreadable, TypeError, ValueError):
                pass
            self.broken()
        assert self.fresh is not None
        return [(str(path), page) for path, page in self.fresh.pages.items()
                if not (without_front_matter and page.has_front_matter)]

    def count(self) -> int:
        """How many pages the site has."""
        from playbook_lint.siteindex import IndexUnreadable

        if self.fresh is None:
            try:
                return int(self.index.query(
                    "SELECT count(*) FROM pages WHERE rec IS NOT NULL")[0][0])
            except (IndexUnreadable, TypeError, ValueError, IndexError):
                self.broken()
        assert self.fresh is not None
        return len(self.fresh.pages)

    def path_at(self, at: int) -> str:
        """The source path string of the page at place ``at``."""
        from playbook_lint.siteindex import IndexUnreadable

        if self.fresh is None:
            try:
                rows = self.index.query("SELECT path FROM pages WHERE place = ?", (at,))
                if rows:
                    return str(rows[0][0])
            except IndexUnreadable:
                pass
            self.broken()
        assert self.fresh is not None
        return str(self.fresh._keys[at])

    def _view(self, at: int) -> Any:
        """The record's view of the page at place ``at``.

        Raises:
            IndexUnreadable: no such place, or a malformed record.
        """
        from playbook_lint.siteindex import IndexUnreadable, _well_formed

        rows = self.index.query("SELECT path, rec FROM pages WHERE place = ?", (at,))
        rec = json.loads(rows[0][1]) if rows and rows[0][1] is not None else None
        if rec is None or not _well_formed(rec):
            raise IndexUnreadable(f"place {at}")
        return _Kept(str(rows[0][0]), rec)

    def map_value(self, attr: str, kind: str, key: str) -> Any:
        """The value of URL map ``attr`` (kept as ``kind``) at ``key``.

        Raises:
            KeyError: the map has no such key.
        """
        from playbook_lint.siteindex import IndexUnreadable

        if self.fresh is None:
            try:
                rows = self.index.query("SELECT v FROM maps WHERE kind = ? AND k = ?",
                                        (kind, key))
                if not rows:
                    raise KeyError(key)
                value = json.loads(rows[0][0])
                if _places(value):
                    return [self._view(i) for i in value] if attr == "_by_tail" else value
            except (IndexUnreadable, TypeError, ValueError, AttributeError):
                pass
            self.broken()
        assert self.fresh is not None
        return getattr(self.fresh, attr)[key]

    def map_keys(self, kind: str) -> list[str]:
        """Every key of the URL map kept as ``kind``."""
        from playbook_lint.siteindex import MAP_KINDS, IndexUnreadable

        if self.fresh is None:
            try:
                return [k for (k,) in self.index.query(
                    "SELECT k FROM maps WHERE kind = ?", (kind,))]
            except IndexUnreadable:
                self.broken()
        assert self.fresh is not None
        attr = next(a for a, k in MAP_KINDS.items() if k == kind)
        return list(getattr(self.fresh, attr))

    def page_list(self, attr: str) -> list[Any]:
        """The page list ``attr`` (``_patterns``, ``_vague``, ``_unknown``) as views."""
        from playbook_lint.siteindex import IndexUnreadable

        if self.fresh is None:
            try:
                places = json.loads(self.index.meta[attr])
                if _places(places):
                    return [self._view(i) for i in places]
            except (KeyError, TypeError, ValueError, IndexUnreadable):
                pass
            self.broken()
        assert self.fresh is not None
        return list(getattr(self.fresh, attr))


def _places(value: Any) -> bool:
    """True for a place (a non-negative int) or a list of places."""
    if type(value) is int:
        return value >= 0
    return isinstance(value, list) and all(type(i) is int and i >= 0 for i in value)


class _DbMap(Mapping[str, Any]):
    """One of :class:`Site`'s URL maps, answered key by key from the persisted index."""

    def __init__(self, answers: _IndexAnswers, attr: str, kind: str) -> None:
        self._answers, self._attr, self._kind = answers, attr, kind
        self._got: dict[str, Any] = {}
        self._len: int | None = None

    def __getitem__(self, key: str) -> Any:
        try:
            return self._got[key]
        except KeyError:
            pass
        value = self._got[key] = self._answers.map_value(self._attr, self._kind, key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._answers.map_keys(self._kind))

    def __len__(self) -> int:
        if self._len is None:
            self._len = len(self._answers.map_keys(self._kind))
        return self._len

    def __bool__(self) -> bool:
        return len(self) > 0


class _DbKeys:
    """The source path strings of the pages by place (``Site._keys``), from the index."""

    def __init__(self, answers: _IndexAnswers) -> None:
        self._answers = answers

    def __getitem__(self, at: int) -> str:
        return self._answers.path_at(at)

    def __len__(self) -> int:
        return self._answers.count()


class _DbPages(Mapping[Path, Page]):
    """:attr:`Site.pages` answered from the persisted index, page by page (a one-file
    run makes the few :class:`Page` objects its links ask about). Iterates in the
    order of the site walk."""

    def __init__(self, answers: _IndexAnswers) -> None:
        self._answers = answers

    def __getitem__(self, path: Path) -> Page:
        page = self._answers.page(str(path)) if isinstance(path, Path) else None
        if page is None:
            raise KeyError(path)
        return page  # type: ignore[no-any-return]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, Path) and self._answers.page(str(path)) is not None

    def views(self) -> Iterator[tuple[str, Any]]:
        """``(source path string, its record's view)`` of every page, in walk order."""
        return iter([(path, _Kept(path, rec)) for path, rec in self._answers.rows()])

    def without_front_matter(self) -> Iterator[tuple[str, Any]]:
        """As :meth:`views`, the pages without front matter only."""
        return iter([(path, _Kept(path, rec))
                     for path, rec in self._answers.rows(without_front_matter=True)])

    def __iter__(self) -> Iterator[Path]:
        return (Path(path) for path, _rec in self._answers.rows())

    def __len__(self) -> int:
        return self._answers.count()


class _LazyImageAlts(Mapping[str, "str | None"]):
    """:func:`_image_alts` of a root, read on first use (only Hugo image shortcodes ask,
    and a site's ``data/images/`` may hold thousands of files)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._alts: dict[str, str | None] | None = None

    def _get(self) -> dict[str, str | None]:
        if self._alts is None:
            self._alts = _image_alts(self.root)
        return self._alts

    def __getitem__(self, key: str) -> str | None:
        return self._get()[key]

    def __iter__(self) -> Any:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class LazySite:
    """A :class:`Site` that reads the site's pages only when a rule first needs them.

    A one-file pre-commit run on a 4,000-page site needs no page index unless the
    file links to a site path or another page's anchor; building it up front cost
    over a second. ``root``, ``base_url``, :meth:`own_path` and :meth:`is_page` are
    answered without the index (``is_page`` reads only the file asked about); any
    other attribute builds the full :class:`Site` once and delegates to it.
    """

    def __init__(self, root: Path, *, base_url: str | None, include: Sequence[str],
                 exclude: Sequence[str]) -> None:
        self.root = root
        self._args: dict[str, Any] = {"base_url": base_url, "include": include,
                                      "exclude": exclude}
        self._site: Site | None = None
        from playbook_lint.siteindex import take_walk

        #: the run's one walk of the root, shared by build_site, inference and the
        #: result cache's fingerprint (which may have made it: ``offer_walk``)
        self.walk = take_walk(root)
        generator = detect(root)
        self._shell = Site(
            root=root,
            base_url=(base_url or generator.base_url() or "").rstrip("/") or None,
            path_prefix="", pages={}, include=include, exclude=exclude, image_alts=None,
            generator=generator,
        )
        self.generator = generator
        self.base_url = self._shell.base_url

    def ensure_built(self) -> Site:
        """Build (once) and return the full :class:`Site`."""
        if self._site is None:
            self._site = build_site(self.root, walk=self.walk, generator=self.generator,
                                    **self._args)
        return self._site

    def own_path(self, url: str) -> str | None:
        """See :meth:`Site.own_path` (needs only ``base_url``)."""
        return self._shell.own_path(url)

    def image_alt(self, uid: str) -> tuple[bool, str | None]:
        """See :meth:`Site.image_alt` (reads only ``data/images/``)."""
        if self._site is not None:
            return self._site.image_alt(uid)
        if self._shell.image_alts is None:
            object.__setattr__(self._shell, "image_alts", _image_alts(self.root))
        return self._shell.image_alt(uid)

    def is_page(self, path: Path) -> bool:
        """See :meth:`Site.is_page`; reads only ``path`` itself until the site is built."""
        if self._site is not None:
            return self._site.is_page(path)
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return True
        furniture = path.name.split(".", 1)[0].upper() in FURNITURE
        if not furniture and not self._shell.is_page(path):
            return False
        if furniture and self._shell._exclude.match_file(rel) and not (
                self._shell._include is not None and self._shell._include.match_file(rel)):
            return False
        shell = self._shell
        if shell._include is not None and shell._include.match_file(rel):
            return True
        assert shell.generator is not None
        if path.name.split(".", 1)[0].upper() in FURNITURE:
            has_fm, data, _ = _read_page(path)
            page = _make_page(self.root, path, data, has_fm, generator=shell.generator)
            return page is not None and page.has_permalink and page.published
        if not shell.generator.is_partial(rel, False):
            return True
        return _read_page(path)[0]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.ensure_built(), name)


_CACHE: dict[tuple, LazySite] = {}


def known_walk(root: Path) -> Any:
    """The :class:`~playbook_lint.siteindex.SiteWalk` of a :class:`LazySite` of
    ``root`` this process made (:func:`site_for`), or None."""
    for site in _CACHE.values():
        if site.root == root:
            return site.walk
    return None


_GENERATORS: dict[Path | None, Generator] = {}


def lint_extensions_for(folder: Path) -> tuple[str, ...]:
    """The Markdown extensions linted by default in ``folder``: those of the generator
    of the site the folder belongs to (``.md.erb`` on a Middleman site)."""
    from playbook_lint.siteindex import marker_root

    root = marker_root(folder, SITE_MARKERS)
    gen = _GENERATORS.get(root)
    if gen is None:
        gen = _GENERATORS[root] = detect(root) if root is not None else detect(folder)
    return gen.lint_extensions


def forget_sites() -> None:
    """Drop the site models and site roots built so far in this process (a long-running
    process, such as the language server, calls it when files may have changed)."""
    from playbook_lint.siteindex import forget_roots

    _CACHE.clear()
    forget_roots()


def site_for(
    path: Path,
    fallback_root: Path,
    options: Mapping[str, Any] | None = None,
) -> LazySite:
    """Return the (cached) :class:`LazySite` that ``path`` belongs to.

    The site root is ``options["root"]``, else the nearest folder at or above
    ``path`` holding one of :data:`SITE_MARKERS` (a generator's config or ``.git``),
    else ``fallback_root`` when ``path`` is below it, else the nearest folder above
    ``path`` with a README, else ``path``'s folder. The working
    folder plays no part: the site model never reads outside the linted files' own
    site, repository or linted folder (``cd /tmp && playbook-lint /tmp/site`` reads
    ``/tmp/site`` only).

    Args:
        path: a linted file (absolute).
        fallback_root: the linted folder (the PATH given) that holds ``path``, used
            when no site root is configured or found.
        options: the config's ``site`` table (``root`` absolute, ``base-url``,
            ``include``, ``exclude``).
    """
    from playbook_lint.siteindex import find_site_root

    options = options or {}
    root = find_site_root(path, fallback_root, options.get("root"), SITE_MARKERS)
    key = (root, options.get("base-url"), tuple(options.get("include", ())),
           tuple(options.get("exclude", ())))
    site = _CACHE.get(key)
    if site is None:
        site = _CACHE[key] = LazySite(
            root, base_url=options.get("base-url"),
            include=tuple(options.get("include", ())),
            exclude=tuple(options.get("exclude", ())),
        )
    return site
