"""What every site generator adapter answers: the :class:`Generator` base class.

An adapter is a small class that knows one static site generator's rules, read from
the generator's own documentation, and answers the same few questions for the site
model (:mod:`playbook_lint.site`) and the link rules:

* :meth:`Generator.detect` -- does this tree use me (marker files at the site root);
* :attr:`Generator.page_extensions`, :attr:`Generator.lint_extensions`,
  :attr:`Generator.source_dirs`, :meth:`Generator.is_partial` -- which files are pages,
  which of them are linted, which folders are published at the site root;
* :meth:`Generator.page_url` -- the URL a page is published at (exact, a pattern
  with unknown parts, or unknown), from which relative links resolve;
* :meth:`Generator.expand` -- the link templates and filters it understands;
* :attr:`Generator.heading_ids` -- how it gives headings their ``id``
  (:class:`HeadingIds`), or that it gives none / the tool cannot tell;
* :attr:`Generator.not_modelled` -- what it does, that the tool does not model, so
  rules degrade to ``info`` ("not checked: ...") instead of guessing.

The defaults here are the cautious ones: an adapter overrides what its generator
documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from playbook_lint.fmdocumented import Documented

if TYPE_CHECKING:
    from playbook_lint.site_model import SiteModel

__all__ = ["Generator", "HeadingIds", "PageUrl", "Expansion", "ExpansionStatus",
           "PAGE_EXTENSIONS", "strip_page_ext", "url_pattern", "pattern_matches",
           "heading_anchor_ids"]

#: Every page source extension any adapter knows, longest first (``x.html.md.erb`` is
#: page ``x``). The site model indexes files with these; each adapter says which of
#: them its generator renders (:attr:`Generator.page_extensions`).
PAGE_EXTENSIONS = (
    ".html.md.erb", ".html.markdown", ".html.md", ".html.erb", ".md.erb",
    ".markdown", ".md", ".mdx", ".html", ".htm", ".njk", ".liquid",
)


def strip_page_ext(name: str, extensions: tuple[str, ...] = PAGE_EXTENSIONS) -> str | None:
    """``name`` without its page extension (``deploy.html.md.erb`` -> ``deploy``), or
    None when ``name`` has none of ``extensions`` (compared without case)."""
    low = name.lower()
    for ext in extensions:
        if low.endswith(ext) and len(name) > len(ext):
            return name[: -len(ext)]
    return None


ExpansionStatus = Literal["url", "missing", "unknown"]


@dataclass(frozen=True)
class Expansion:
    """What a template link destination means.

    Attributes:
        status: ``"url"`` (``url`` holds the plain URL), ``"missing"`` (a tag that
            names a file or page, such as ``{% link %}``, names none; ``reason`` says
            which) or ``"unknown"`` (a template this tool does not understand).
        url: the expanded URL (``"/x/#y"``, ``"../x.md"``, ``"https://..."``) or "".
        reason: for ``missing``/``unknown``: a short phrase for the message.
    """

    status: ExpansionStatus
    url: str = ""
    reason: str = ""


@dataclass(frozen=True)
class PageUrl:
    """Where a generator publishes one page.

    Attributes:
        url: the URL path (``/a/one/``) when known exactly, else None.
        pattern: when only part of the URL is known (a permalink template with a
            filter the tool does not model), a compiled regex matching the URL paths
            it may be (compared on :func:`playbook_lint.site.url_key` keys); None
            when ``url`` is exact or nothing is known.
        reason: when ``url`` is None: why (for "not checked: ..." messages).
        published: False when the generator does not publish the page at all
            (Eleventy ``permalink: false``).
    """

    url: str | None
    pattern: re.Pattern[str] | None = None
    reason: str = ""
    published: bool = True


@dataclass(frozen=True)
class HeadingIds:
    """How a generator gives headings their ``id`` attribute.

    Attributes:
        name: the algorithm's name, shown in messages (``"kramdown"``, ``"GitHub"``).
        slug: heading text -> id (no duplicate suffix); None when the generator adds
            no ids to headings or the tool cannot tell how it does (``reason``).
        duplicate: how a repeated id is made unique, a format with ``{id}`` and ``{n}``
            (``"{id}-{n}"``), or "" when the generator repeats the id.
        first_duplicate: the ``n`` of the first repeat (1 for GitHub, kramdown).
        explicit: True when explicit ids (``## Title {#id}``, ``{: #id}``) are honoured.
        reason: when ``slug`` is None: why fragments cannot be checked.
        literal_too: True when it is not known whether explicit ids are honoured (no
            generator): both the explicit id and the slug of the heading as written
            (``{#id}`` included, as GitHub shows it) count.
    """

    name: str
    slug: Callable[[str], str] | None
    duplicate: str = "{id}-{n}"
    first_duplicate: int = 1
    explicit: bool = True
    reason: str = ""
    literal_too: bool = False
    #: Other algorithms whose ids also count (no generator: any known one may apply).
    alternatives: tuple[Callable[[str], str], ...] = ()

    def ids(self, headings: list[tuple[str, str | None]]) -> frozenset[str]:
        """The ids of a page's headings, given as ``(text, explicit id or None)`` in
        document order. Empty when :attr:`slug` is None (only explicit ids count)."""
        out: set[str] = set()
        seen: dict[str, int] = {}
        for text, explicit in headings:
            if explicit is not None and self.explicit:
                out.add(explicit)
                seen.setdefault(explicit, 0)
                continue
            if self.slug is None:
                continue
            base = self.slug(text)
            slug = base
            if base in seen and self.duplicate:
                n = seen[base]
                while True:
                    n += 1
                    slug = self.duplicate.format(id=base, n=n - 1 + self.first_duplicate)
                    if slug not in seen:
                        break
                seen[base] = n
            seen.setdefault(slug, 0)
            out.add(slug)
        return frozenset(out)


_TEMPLATE_PART = re.compile(
    r"\{%-?\s*if\b.*?%\}(?P<opt>.*?)\{%-?\s*endif\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def url_pattern(
    template: str, values: Mapping[str, str],
) -> tuple[str | None, re.Pattern[str] | None]:
    """Turn a permalink template (Liquid/Nunjucks) into an exact URL or a pattern.

    ``{{ name }}`` with ``name`` in ``values`` becomes its value; an ``{% if %}...
    {% endif %}`` block is optional; any other expression (a filter or variable the
    tool does not model) matches one or more characters. Returns ``(url, None)`` when
    everything was known, else ``(None, pattern)``; test a URL with
    :func:`pattern_matches`.
    """
    parts: list[str] = []
    exact = True
    pos = 0
    for m in _TEMPLATE_PART.finditer(template):
        parts.append(re.escape(template[pos:m.start()]))
        pos = m.end()
        expr = m.group(0)
        if m.group("opt") is not None:
            exact = False
            inner, _ = url_pattern(m.group("opt"), values)
            parts.append("(?:.*)?" if inner is None else f"(?:{re.escape(inner)}|.*)?")
            continue
        name = expr.strip("{}%- \t")
        if expr.startswith("{{") and name in values:
            parts.append(re.escape(values[name]))
        else:
            exact = False
            parts.append(".+?")
    parts.append(re.escape(template[pos:]))
    if exact:
        plain = "".join(re.sub(r"\\(.)", r"\1", p) for p in parts)
        return plain, None
    body = re.sub(r"/{2,}", "/", "".join(parts))
    if not body.startswith("/"):
        body = "/" + body
    return None, re.compile(body, re.IGNORECASE)


def pattern_matches(pattern: re.Pattern[str], key: str) -> bool:
    """True if the URL key ``key`` (``/a/b``, see :func:`playbook_lint.site.url_key`)
    is one of the URLs ``pattern`` (from :func:`url_pattern`) stands for."""
    return any(pattern.fullmatch(k) for k in (key, key.rstrip("/") + "/", key + "/index.html"))


class Generator:
    """Base class of the site generator adapters (see the module docstring).

    An adapter is constructed once per site root with :meth:`for_root` and may read
    the generator's config files there; it never raises on unreadable config.

    Class attributes:
        name: short lower-case id (``"jekyll"``), used in config and messages.
        label: the generator's name for people (``"Jekyll"``).
        markers: file names whose presence at a folder makes it this generator's root.
        priority: detection order (lower first), for trees with several markers.
        page_extensions: source extensions the generator renders as pages.
        lint_extensions: extensions linted by default when a folder is walked.
        source_dirs: folders below the root published at the site root.
        static_dirs: folders whose files are copied to the site root as they are.
        partial_dirs: folders holding partials/layouts (never pages).
        lenient_front_matter: True when the generator's front matter parser reads an
            unclosed block to the end of the file (gray-matter) instead of failing.
        not_modelled: what the generator does that this adapter does not model.
        docs: the URL of the documentation these rules come from.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    markers: ClassVar[tuple[str, ...]] = ()
    priority: ClassVar[int] = 100
    page_extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown")
    lint_extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown")
    source_dirs: ClassVar[tuple[str, ...]] = ()
    static_dirs: ClassVar[tuple[str, ...]] = ()
    partial_dirs: ClassVar[frozenset[str]] = frozenset()
    lenient_front_matter: ClassVar[bool] = False
    not_modelled: ClassVar[tuple[str, ...]] = ()
    docs: ClassVar[str] = ""
    #: True when the adapter knows each page's URL (relative and site-root links that
    #: resolve to nothing are then certain); False for the fallback.
    knows_urls: ClassVar[bool] = True
    #: True when the page URLs of the shared path model (:func:`playbook_lint.site.
    #: page_urls`, fed with :meth:`permalinks`) are this generator's: every one of them
    #: may serve the page (Jekyll's ``x.html`` and ``x/``); False when
    #: :meth:`page_url` alone says where a page is (Eleventy).
    shared_urls: ClassVar[bool] = False

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_root(cls, root: Path) -> Generator:
        """The adapter for the site at ``root`` (reads its config)."""
        return cls(root)

    @classmethod
    def detect(cls, root: Path) -> bool:
        """True if the folder ``root`` holds one of :attr:`markers`."""
        return any((root / m).is_file() for m in cls.markers)

    # -- front matter --------------------------------------------------------------------
    def documented_front_matter(self) -> Documented | None:
        """What this generator's own documentation says about its front matter keys
        (types, keys needed together, with the pages they come from; see
        :mod:`playbook_lint.fmdocumented`), or None when it documents none."""
        from playbook_lint.fmdocumented import DOCUMENTED

        return DOCUMENTED.get(self.name)

    # -- pages -------------------------------------------------------------------------
    def is_partial(self, rel: str, has_front_matter: bool) -> bool:
        """True if the file at ``rel`` (posix, from the root) is a partial, not a page.

        Default: no front matter and in a partials folder or any ``_folder``, or a
        name starting with ``_`` (Hugo's ``_index`` is a page)."""
        if has_front_matter:
            return False
        parts = PurePosixPath(rel).parts
        if any(p in self.partial_dirs or p.startswith("_") for p in parts[:-1]):
            return True
        name = parts[-1] if parts else ""
        return name.startswith("_") and not name.startswith("_index.")

    def page_url(self, rel: str, data: Mapping[str, Any]) -> PageUrl:
        """Where the page at ``rel`` (posix, from the root) with front matter ``data``
        is published. Default: front matter ``permalink`` when plain, else the path
        with the page extension dropped, ``index`` as the folder (``/x/``)."""
        permalink = data.get("permalink")
        if isinstance(permalink, str) and permalink.strip().startswith("/") and \
                "{" not in permalink and ":" not in permalink:
            return PageUrl(permalink.strip())
        return PageUrl(self.path_url(rel))

    def path_url(self, rel: str, drop: tuple[str, ...] = ()) -> str | None:
        """``rel`` as a "pretty" URL: ``a/b.md`` -> ``/a/b/``, ``a/index.md`` -> ``/a/``;
        a first folder in ``drop`` (a source folder) is removed."""
        parts = list(PurePosixPath(rel).parts)
        if not parts:
            return None
        stem = strip_page_ext(parts[-1])
        if stem is None:
            return None
        folders = parts[:-1]
        if folders and folders[0] in drop:
            folders = folders[1:]
        if stem not in ("index", "_index"):
            folders.append(stem)
        return "/" + "/".join(folders) + ("/" if folders else "")

    # -- links -------------------------------------------------------------------------
    def expand(self, expr: str, page: Path, site: SiteModel) -> Expansion | None:
        """What one template expression in a link destination means on this
        generator, or None when this adapter does not know it (the shared Liquid/Hugo
        knowledge of :mod:`playbook_lint.links.templates` is asked next)."""
        return None

    # -- anchors -----------------------------------------------------------------------
    @property
    def heading_ids(self) -> HeadingIds:
        """How this generator gives headings ids (default: GitHub's algorithm)."""
        from playbook_lint.links.slugs import slugify

        return HeadingIds("GitHub", slugify)

    # -- site settings -----------------------------------------------------------------
    def base_url(self) -> str | None:
        """The site's own address from the generator's config (``https://x.gov/sub``),
        or None."""
        return None

    def path_prefix(self) -> str:
        """A path prefix every URL is served under (Jekyll ``baseurl``), or ""."""
        return ""

    def permalinks(self) -> dict[str, str]:
        """Permalink patterns by collection or section from the generator's config
        (see :func:`playbook_lint.site.page_urls`)."""
        return {}

    def unknown_pages(self) -> str | None:
        """Why the site may have pages no source file shows (pages the generator's
        config makes), or None."""
        return None


#: Recent answers of :func:`heading_anchor_ids`, by the identity of its arguments (a
#: page with 2,000 ``#fragment`` links asked for the same page's ids 2,000 times).
_IDS_MEMO: dict[tuple[int, int], tuple[Any, Any, frozenset[str]]] = {}


def heading_anchor_ids(scheme: HeadingIds, anchors: Any) -> frozenset[str]:
    """Every fragment id of a page whose anchors were extracted by
    :func:`playbook_lint.links.extract.extract_anchors`, with heading ids made by
    ``scheme`` (explicit ``{#id}`` honoured only when the scheme says so) and HTML
    ``id``/``name`` and block attribute list ids as written. Memoised for the same
    scheme and anchor list objects (the documents cache their anchor lists)."""
    key = (id(scheme), id(anchors))
    hit = _IDS_MEMO.get(key)
    if hit is not None and hit[0] is scheme and hit[1] is anchors:
        return hit[2]
    out = _heading_anchor_ids(scheme, anchors)
    if len(_IDS_MEMO) > 256:
        _IDS_MEMO.clear()
    _IDS_MEMO[key] = (scheme, anchors, out)
    return out


def _heading_anchor_ids(scheme: HeadingIds, anchors: Any) -> frozenset[str]:
    from playbook_lint.links.extract import _ATTR_ID, _ATTR_LIST

    other: set[str] = set()
    headings: list[tuple[str, str | None]] = []
    for a in anchors:
        if a.text is None:
            other.add(a.id)
            continue
        text, explicit = a.text, None
        if scheme.explicit:
            m = _ATTR_LIST.search(text)
            idm = _ATTR_ID.search(m.group(1)) if m else None
            if m and (idm or m.group(1).lstrip().startswith((".", ":"))):
                text = text[:m.start()]
            explicit = idm.group(1) if idm else None
        headings.append((text, explicit))
    out = frozenset(other) | scheme.ids(headings)
    if scheme.literal_too:
        out |= scheme.ids([(a.text, None) for a in anchors if a.text is not None])
    for alt in scheme.alternatives:
        out |= HeadingIds(scheme.name, alt).ids(headings)
    return out
