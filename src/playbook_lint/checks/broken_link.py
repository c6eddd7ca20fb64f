"""Link rules that need no network: ``broken-link`` (PL101), offline part."""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote

from playbook_lint.findings import Edit, Fix, RawFinding, Severity
from playbook_lint.generators.base import PAGE_EXTENSIONS, heading_anchor_ids
from playbook_lint.generators.plain import Plain
from playbook_lint.lazyre import lazy_compile
from playbook_lint.links.extract import FOLLOWED_KINDS
from playbook_lint.links.slugs import (
    closest_anchor,
    fragment_matches,
    loose_key,
    normalize_fragment,
)
from playbook_lint.rule import Context, Rule, RuleConfig
from playbook_lint.site import pulls_in_content

if TYPE_CHECKING:
    from playbook_lint.document import Document
    from playbook_lint.links.extract import Link
    from playbook_lint.site_model import SiteModel

from playbook_lint.links.normalize import is_http_url, normalize_url, split_fragment

__all__ = ["BrokenLink", "is_external", "has_template", "site_candidates"]

#: Sources whose ``#fragments`` are checked: every page source (the generators own
#: the list, :data:`playbook_lint.generators.base.PAGE_EXTENSIONS`).
_ANCHOR_SOURCES = PAGE_EXTENSIONS
#: A link written like a host name without a scheme ("www.x.org", "pra.digital.gov/a").
_LOOKS_LIKE_HOST = lazy_compile(globals(),
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov|com|org|net|edu|mil|int|io|uk|us|eu)"
    r"(?:[/?#:]|$)",
    re.IGNORECASE,
)
#: Ids that page layouts commonly give their landmarks (skip links, headers): a
#: fragment naming one may be the layout's, which the tool does not see.
LAYOUT_IDS = frozenset({"header", "main", "main-content", "content", "footer", "nav",
                        "navigation", "search", "toc", "skip", "page", "top"})
#: Targets that are no file on any site: a host name without a scheme, an e-mail
#: address without ``mailto:``, a URL after stray punctuation (``(https://x)``).
_MALFORMED = lazy_compile(globals(),
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov|com|org|net|edu|mil|int|io|uk|us|eu)"
    r"(?:[/?#:]|$)|^[^/\s@]+@[^/\s@]+\.[a-z]{2,}$|://", re.IGNORECASE)
_PUNCT = lazy_compile(globals(), r"[-._]")


def _punctuation_key(anchor: str) -> str:
    """``anchor`` without ``-``, ``.`` and ``_`` (case kept)."""
    return _PUNCT.sub("", anchor)


@functools.lru_cache(maxsize=64)
def _by_punctuation_key(ids: frozenset[str]) -> dict[str, str]:
    """Each punctuation key of ``ids`` to its first id in the order the suggestion
    prefers (ids not starting with punctuation first, then alphabetical); built once
    per anchor set, not once per broken fragment."""
    out: dict[str, str] = {}
    for i in sorted(ids, key=lambda a: (a[:1] in "-._", a)):
        out.setdefault(_punctuation_key(i), i)
    return out


#: A placeholder in an example path (``/{BRANCH}/``): not a real target.
_PLACEHOLDER = lazy_compile(globals(), r"\{[A-Za-z_][\w-]*\}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_TEMPLATE_MARKS = ("{{", "{%", "<%", "%7B%7B", "%7B%25")


#: Files site generators write themselves (feeds, sitemaps, search indexes): a site
#: path to one of these has no source file.
GENERATED_FILES = frozenset({
    "index.xml", "feed.xml", "atom.xml", "rss.xml", "sitemap.xml", "robots.txt",
    "search.json", "index.json", "feed.json", "404.html",
})


def is_external(url: str) -> bool:
    """True if ``url`` has a scheme (``https:``, ``mailto:``, ``tel:``, ``data:``...) or is
    protocol-relative (``//host/x``): the HTTP link engine's business, not a file."""
    return bool(_SCHEME.match(url)) or url.startswith("//")


def has_template(url: str) -> bool:
    """True if ``url`` contains Liquid/Hugo/ERB template syntax (``{{``, ``{%``, ``<%``),
    which only the site generator can resolve."""
    return any(mark in url for mark in _TEMPLATE_MARKS)


#: Folders below the project root that may be published at the site root when no
#: site model says which (the fallback adapter's: Middleman ``source/``, Hugo
#: ``content/`` and ``static/``, GitHub Pages ``docs/``, ``src/``/``pages/``).
SITE_SOURCE_DIRS = ("", *Plain.source_dirs)

#: Sources a generator may build ``x.html`` or ``x/`` from.
_PAGE_SOURCES = (".md", ".markdown", *(e for e in PAGE_EXTENSIONS
                                       if e not in (".md", ".markdown", ".html", ".htm")))
#: A link key in front matter: a value there is a link only through the layout, so
#: only keys whose name says they are links are checked with certainty.
_LINK_KEY = lazy_compile(globals(),
    r"breadcrumb|link|url|href|parent|redirect|next|prev|image|img|src|thumbnail|icon|"
    r"banner|logo|page|path", re.IGNORECASE)


def site_candidates(target: Path, written: str) -> list[Path]:
    """Files a static site generator (Jekyll, Hugo, Middleman) may build ``target`` from.

    ``target`` itself comes first. ``x.html`` may come from ``x.md``, ``x.markdown`` or
    ``x.html.md``; a folder-style or extension-less ``x/`` or ``x`` from ``x.md``,
    ``x/index.md`` or ``x/_index.md``. No file is read: the caller asks its workspace.

    Args:
        target: the resolved absolute path of the link.
        written: the path part as written (its trailing ``/`` matters).

    Returns:
        Candidate paths, most literal first.
    """
    out = [target]
    name = target.name
    if name.endswith((".html", ".htm")):
        stem = target.with_name(name.rsplit(".", 1)[0])
        out += [stem.with_name(stem.name + ext) for ext in _PAGE_SOURCES]
        if stem.name == "index":
            out += [stem.with_name("_index.md")]
    elif written.endswith("/") or "." not in name:
        out += [target.with_name(name + ext) for ext in _PAGE_SOURCES if name]
        out += [target / "index.md", target / "_index.md", target / "index.html"]
    return out


class BrokenLink(Rule):
    """Links to local files or ``#fragments`` that do not exist.

    **What it does.** Checks every Markdown link, image, reference definition
    (``[id]: url``) and raw HTML ``<a href>``/``<img src>`` whose target is a file of
    the site:

    - a relative path (``./other.md``, ``../img/map.png``, ``docs/``) must name an
      existing file or folder, resolved against the page's folder (``?query`` is
      ignored, ``%20`` and friends are decoded). Because pages are built by a site
      generator, ``x.html`` also counts as existing when ``x.md``, ``x.markdown`` or
      ``x.html.md`` does, and ``x/`` when ``x.md``, ``x/index.md`` or ``x/_index.md``
      does (see :func:`site_candidates`); and as generators publish ``page.md`` as
      ``page/index.html``, a relative link also counts when it resolves from
      ``page/`` (``../glossary/`` from ``how.md`` means the sibling ``glossary.md``);
    - a site-root path (``/guides/x.md``) is resolved against the project root when
      that is known, and against its ``source/``, ``content/``, ``static/``,
      ``docs/``, ``src/`` and ``pages/`` folders (where generators keep what they
      publish at the site root); when the root is unknown it is skipped;
    - a fragment (``#section`` or ``other.md#section``) must match a heading slug
      (GitHub style), an ``{#id}`` attribute list, or an HTML ``id``/``<a name>`` of
      the target page. Fragments of non-Markdown targets are not checked.

    External ``http(s)`` URLs are checked once per run by the link engine (not with
    ``--offline``) and reported from its results: ``broken`` (404, 410, DNS name not
    found, connection refused, 5xx after retries) at the rule's severity;
    ``unverified`` (401/403/999 bot walls, 429 after retries, timeouts, TLS failures)
    at warning severity with the reason, so bot walls do not fail CI (option
    ``unverified``); with ``--check-fragments``, a ``#fragment`` that the fetched
    HTML page has no ``id``/``name`` for. ``mailto:``, ``tel:`` and excluded URLs are
    not checked. A reference usage ``[text][id]`` is reported at its definition, once.

    With a site model, site paths, relative links, template links
    (``{{ site.baseurl }}``, ``{% link %}``, Hugo ``ref``), front matter paths and
    fragments are resolved as the site's generator publishes and renders them (see
    the generator adapters, :mod:`playbook_lint.generators`, for what each one
    models). **An error is a certainty**: where the answer depends on something the
    tool does not model or cannot see (a template it does not understand, a page whose
    URL is a template, a custom heading slugify, a layout), the finding is ``info``
    and says what was not checked.

    Without a site model (a rule run on its own), template links are skipped.

    **Why it matters.** A broken link is a dead end: readers of guidance who follow it
    lose the next step. Fragments break silently when a heading is reworded.

    **Example**::

        Read the [setup guide](./setup.md#instal) first.

    (``setup.md`` has a heading "Install", slug ``install``.)

    **Use instead**::

        Read the [setup guide](./setup.md#install) first.

    **Options.** In ``[tool.playbook-lint.rules.broken-link]``:
    ``fragments = "exact"`` (default) compares fragments with the generator's heading
    ids as browsers do, case included; ``"loose"`` also accepts a fragment that
    differs only in case and punctuation;
    ``"off"`` checks files only. ``unverified = "warning"`` (default) is the severity
    of external links that could not be verified; ``"error"`` fails CI on them,
    ``"off"`` hides them.

    **Fix.** A target written like a host name (``www.example.org``,
    ``agency.gov/page``) is most likely a web address missing its scheme: the finding
    says so and suggests ``https://`` in front. When a fragment is close to an
    existing anchor the finding suggests it and offers an unsafe fix
    (``--unsafe-fixes``) that rewrites the fragment; a missing file has no automatic
    fix.

    **Source.**

    - CommonMark link destinations: https://spec.commonmark.org/0.31.2/#links
    - HTML fragment navigation:
      https://html.spec.whatwg.org/multipage/browsing-the-web.html#scroll-to-the-fragment-identifier
    - GitHub heading anchors: https://github.com/Flet/github-slugger
    """

    name = "broken-link"
    code = "PL101"
    default_severity = Severity.ERROR
    fixable = True
    summary = "Relative links and #fragments must point at files and anchors that exist"
    options_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "fragments": {"enum": ["exact", "loose", "off"]},
            "unverified": {"enum": ["error", "warning", "info", "off"]},
        },
    }
    uses_link_results = True

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        mode = self.config.options.get("fragments", "exact")
        self.fragments = mode if mode in ("exact", "loose", "off") else "exact"
        unverified = self.config.options.get("unverified", "warning")
        self.unverified: Severity | None = (
            None if unverified == "off" else Severity.parse(unverified)
        )

    def _matches(self, fragment: str, anchors: Iterable[str]) -> bool:
        if fragment_matches(fragment, anchors):
            return True
        if self.fragments == "loose":
            want = loose_key(fragment)
            return any(loose_key(a) == want for a in anchors)
        return False

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per broken local link of ``doc`` (see the class docstring)."""
        site = ctx.site
        for link in doc.links:
            if link.kind not in FOLLOWED_KINDS:
                continue
            own = site.own_path(link.url.strip()) if site is not None else None
            if own is not None:
                report = self._check_url(doc, ctx, own, link.start, link.end,
                                         shown=link.url.strip())
            else:
                report = self._check_link(doc, ctx, link)
            if report is not None:
                yield report
        if site is not None:
            yield from self._templates(doc, ctx, site)
            yield from self._front_matter(doc, ctx, site)
        if ctx.link_results:
            yield from self._external(doc, ctx)

    def _templates(self, doc: Document, ctx: Context, site: SiteModel) -> Iterator[RawFinding]:
        """Links written as templates (``{{ site.baseurl }}/x/``, ``{% link x.md %}``,
        ``{{< ref "x.md" >}}``...), expanded through the site model."""
        from playbook_lint.links.templates import expand, template_links

        for tl in template_links(doc):
            link = tl.link
            exp = expand(tl.written.strip(), doc.path, site)
            if exp.status == "missing":
                doubt = site.unresolved_reason(markdown_targets=True)
                gen = site.generator
                if doubt is None and exp.reason.endswith(("for ref", "for relref")) and \
                        gen is not None and gen.name != "hugo":
                    # Hugo stops the build on a ref to a missing page unless its config
                    # lowers refLinksErrorLevel; that config is not in this tree
                    doubt = "the Hugo config is not in this tree, and it decides " \
                        "(refLinksErrorLevel) what a ref to a missing page does"
                if doubt is not None:
                    yield RawFinding(link.start, link.end,
                                 f'link target "{tl.written.strip()}" not checked: {doubt}',
                                 severity=Severity.INFO, data={"url": tl.written.strip()})
                    continue
                yield RawFinding(link.start, link.end,
                             f'link target "{tl.written.strip()}" does not exist '
                             f"({exp.reason})", data={"url": tl.written.strip()})
            elif exp.status == "unknown":
                yield RawFinding(link.start, link.end,
                             f'template link "{tl.written.strip()}" not checked: '
                             f"{exp.reason} is not understood", severity=Severity.INFO,
                             data={"url": tl.written.strip()})
            elif not exp.url or is_external(exp.url):
                own = site.own_path(exp.url) if exp.url else None
                if own is not None:
                    report = self._check_url(doc, ctx, own, link.start, link.end,
                                             shown=tl.written.strip())
                    if report is not None:
                        yield report
            else:
                report = self._check_url(doc, ctx, exp.url, link.start, link.end,
                                         shown=tl.written.strip())
                if report is not None:
                    yield report

    def _front_matter(self, doc: Document, ctx: Context, site: SiteModel) -> Iterator[RawFinding]:
        """Site paths (and own-site URLs) written as front matter values, e.g.
        breadcrumbs, reported at the value."""
        from playbook_lint.links.fmlinks import front_matter_links

        for fl in front_matter_links(doc):
            url = fl.url
            if is_external(url):
                own = site.own_path(url)
                if own is None:
                    continue
                url = own
            report = self._check_url(doc, ctx, url, fl.start, fl.end, shown=fl.url,
                                     where=f' (front matter "{fl.key}")',
                                     doubt=None if _LINK_KEY.search(fl.key) else
                                     f'front matter "{fl.key}" is a link only if a layout '
                                     "makes it one")
            if report is not None:
                yield report

    def _external(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Reports from the link engine's results for the external links of ``doc``."""
        for link in doc.links:
            if not is_http_url(link.url):
                continue
            if ctx.site is not None and ctx.site.own_path(link.url) is not None:
                continue  # checked locally through the site model
            result = ctx.link_results.get(normalize_url(link.url))
            if result is None or result.status in ("ok", "skipped") and not (
                result.status == "ok" and result.fragments is not None
            ):
                continue
            data = {"classification": result.status, "http_status": result.http_status,
                    "reason": result.reason, "url": link.url}
            if result.status == "broken":
                yield RawFinding(link.start, link.end,
                             f"link to {link.url} is broken: {result.reason}", data=data)
            elif result.status == "unverified":
                if self.unverified is not None:
                    yield RawFinding(link.start, link.end,
                                 f"link to {link.url} could not be verified: {result.reason}",
                                 severity=self.unverified, data=data)
            else:  # ok, with the page's anchors known
                _, fragment = split_fragment(link.url)
                if not fragment or self.fragments == "off" or self._matches(
                    fragment, result.fragments
                ):
                    continue
                yield RawFinding(link.start, link.end,
                             f'no anchor "#{fragment}" on {split_fragment(link.url)[0]}',
                             data={**data, "classification": "broken"})

    def _check_link(self, doc: Document, ctx: Context, link: Link) -> RawFinding | None:
        url = link.url.strip()
        # the source around the URL too: <%= x %> in angle brackets loses its "<"
        around = doc.text[max(link.start - 1, 0):link.end + 1]
        if not url or is_external(url) or has_template(url) or has_template(around) or \
                _PLACEHOLDER.search(url):
            return None
        return self._check_url(doc, ctx, url, link.start, link.end, link=link)

    def _check_url(
        self, doc: Document, ctx: Context, url: str, start: int, end: int, *,
        link: Link | None = None, shown: str | None = None, where: str = "",
        doubt: str | None = None,
    ) -> RawFinding | None:
        """Check the local ``url`` written at ``start..end``; ``shown`` is how the finding
        names it (the template as written) when it differs from ``url``. ``doubt``, when
        given, makes a missing target ``info`` for that reason (a front matter value
        that only a layout makes a link)."""
        shown = url if shown is None else shown
        path_part, hash_mark, fragment = url.partition("#")
        if ":~:" in fragment:  # a text fragment (#:~:text=...) is no anchor
            fragment = fragment.split(":~:", 1)[0]
            hash_mark = "#" if fragment else ""
        path_part = path_part.split("?", 1)[0]
        site = ctx.site
        if not path_part:
            if not hash_mark or self.fragments == "off":
                return None
            if site is not None and pulls_in_content(doc.text[doc.body_start:]):
                return None  # an include may hold the heading
            return self._check_fragment(doc, ctx, start, end, link, fragment, doc.anchors,
                                        None, doc.path)
        if site is not None and path_part.startswith("/") and \
                path_part.rstrip("/").rsplit("/", 1)[-1].lower() in GENERATED_FILES:
            return None  # feeds and sitemaps are written by the generator
        target = self._site_page(ctx, path_part)
        if target is None:
            targets = self._resolve(doc, ctx, path_part)
            if not targets and not (site is not None and not path_part.startswith("/")):
                return None
            target = next(
                (c for t in targets for c in site_candidates(t, path_part)
                 if ctx.workspace.exists(c)), None,
            )
        if target is None and site is not None and not path_part.startswith("/"):
            target = self._from_published_url(doc, ctx, site, path_part)
        if target is None:
            if not _MALFORMED.search(url):  # a bare domain, an e-mail address, "(https://"
                doubt = doubt or self._doubt(doc, ctx, path_part)
            if doubt is not None:
                return RawFinding(start, end, f'link target "{shown}"{where} not checked: {doubt}',
                              severity=Severity.INFO, data={"url": shown})
            message = f'link target "{shown}" does not exist{where}'
            suggestion = None
            if _LOOKS_LIKE_HOST.match(url):
                suggestion = "https://" + url
                message += ' (missing "https://"?)'
            return RawFinding(start, end, message, suggestion=suggestion, data={"url": shown})
        if not hash_mark or self.fragments == "off" or \
                not target.name.lower().endswith(_ANCHOR_SOURCES):
            return None  # a fragment of a PDF or CSV file means something else
        anchors = ctx.workspace.anchor_list(target)
        if anchors is None:
            return None
        if site is not None and site.anchors_incomplete(target):
            return None  # an include or shortcode may hold the heading
        return self._check_fragment(doc, ctx, start, end, link, fragment, anchors, path_part,
                                    target)

    def _check_fragment(
        self, doc: Document, ctx: Context, start: int, end: int, link: Link | None,
        fragment: str, anchors: list[Any], page: str | None, target: Path,
    ) -> RawFinding | None:
        """A ``#fragment`` of the page ``target`` (``page`` as written, None for this
        page) against the ids its generator gives its headings."""
        site = ctx.site
        scheme = site.heading_ids if site is not None else None
        if scheme is None:
            ids = frozenset(a.id for a in anchors)
        else:
            ids = heading_anchor_ids(scheme, anchors)
        if site is not None:
            ids = ids | site.layout_anchors(target)
        if self._matches(fragment, ids):
            return None
        gen = site.generator if site is not None else None
        if gen is not None and normalize_fragment(fragment) in LAYOUT_IDS:
            where = "this page" if page is None else f'"{page}"'
            return RawFinding(start, end, f'fragment "#{normalize_fragment(fragment)}" in {where} '
                          "not checked: it may be an id of the site's layout, which this "
                          "tool does not see", severity=Severity.INFO,
                          data={"url": link.url if link is not None else doc.text[start:end]})
        if scheme is not None and scheme.slug is None and any(
                a.text is not None for a in anchors):
            where = "this page" if page is None else f'"{page}"'
            return RawFinding(start, end, f'fragment "#{normalize_fragment(fragment)}" in {where} '
                          f"not checked: {scheme.reason}", severity=Severity.INFO,
                          data={"url": link.url if link is not None else doc.text[start:end]})
        report = self._fragment_report(doc, start, end, link, fragment, ids, page)
        near = _by_punctuation_key(ids).get(_punctuation_key(normalize_fragment(fragment)))
        gen = site.generator if site is not None else None
        if near is not None and gen is not None and not gen.knows_urls:
            # no generator config in the tree: its renderer (maybe the site's own, e.g.
            # "#-dockerignore" for a heading "dockerignore") may slug punctuation
            # differently; case differences stay errors
            return dataclasses.replace(
                report, severity=Severity.WARNING,
                message=f'{report.message.split(" (did you mean")[0]}: the heading id '
                f'"#{near}" differs only in punctuation, which the site\'s renderer may '
                "write differently")
        return report

    @staticmethod
    def _doubt(doc: Document, ctx: Context, path_part: str) -> str | None:
        """Why a target that was not found may still exist on the published site
        (the message's "not checked: ..." reason), or None when its absence is
        certain."""
        site = ctx.site
        if site is None:
            return None
        name = path_part.rstrip("/").rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        page_like = path_part.endswith("/") or not ext or ext in ("html", "htm")
        if not page_like and not ext.startswith(("md", "markdown")):
            # an asset: certain, unless the tree holds no assets at all (an export)
            if not site.has_assets:
                return "this tree holds only Markdown, so its images and files are not in it"
            return None
        if not path_part.startswith("/"):
            page = site.pages.get(doc.path)
            if page is not None and page.home is None and page.published and \
                    site.generator is not None and site.generator.knows_urls:
                return f"this page's published URL is not known ({page.url_reason})"
        return site.unresolved_reason() if page_like else None

    def _from_published_url(self, doc: Document, ctx: Context, site: SiteModel,
                            path_part: str) -> Path | None:
        """The page or file a relative link reaches in a browser: resolved from the
        page's *published* URL (``../two/`` on ``/a/one/`` is ``/a/two/``)."""
        decoded = unquote(path_part)
        for base in site.link_bases(doc.path):
            joined = posixpath.normpath(posixpath.join(base, decoded))
            if decoded.endswith("/") and not joined.endswith("/"):
                joined += "/"
            if not joined.startswith("/"):
                continue
            hit = site.page_for_url(joined)
            if hit is not None:
                return hit
            for cand_base in self._site_bases(ctx):
                t = Path(posixpath.normpath(posixpath.join(cand_base, joined.lstrip("/"))))
                found = next((c for c in site_candidates(t, joined)
                              if ctx.workspace.exists(c)), None)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _site_bases(ctx: Context) -> list[str]:
        """Folders whose files are published at the site root (the generator's own
        source and static folders; the fallback's list without a site model)."""
        site = ctx.site
        site_root = site.root if site is not None else ctx.root
        root = PurePosixPath(site_root.as_posix())
        gen = site.generator if site is not None else None
        dirs: tuple[str, ...] = SITE_SOURCE_DIRS if gen is None else \
            ("", *gen.source_dirs, *gen.static_dirs)
        return [str(root / d) if d else str(root) for d in dirs]

    @staticmethod
    def _site_page(ctx: Context, path_part: str) -> Path | None:
        """The page the site model publishes at site path ``path_part``, if any."""
        site = ctx.site
        if site is None or not path_part.startswith("/") or path_part.startswith("//"):
            return None
        return site.page_for_url(path_part)

    def _resolve(self, doc: Document, ctx: Context, path_part: str) -> list[Path]:
        """Paths the link may mean: one for a relative link; for a site-root link one
        per folder published at the site root (none if the root is unknown)."""
        decoded = unquote(path_part)
        if decoded.startswith("/"):
            site_root = ctx.site.root if ctx.site is not None else ctx.root
            if not ctx.workspace.exists(site_root):
                return []
            bases = [PurePosixPath(b) for b in self._site_bases(ctx)]
            decoded = decoded.lstrip("/")
        else:
            page = PurePosixPath(doc.path.as_posix())
            bases = [page.parent]
            stem = page.name.split(".", 1)[0]
            if stem not in ("index", "_index", "README", "readme") and ".html." not in page.name:
                # a "pretty" page.md is published as page/index.html, and readers'
                # browsers resolve its relative links from page/
                bases.append(page.parent / stem)
        out = []
        for base in bases:
            joined = posixpath.normpath((base / decoded).as_posix()) if decoded else str(base)
            out.append(Path(joined))
        return out

    @staticmethod
    def _fragment_report(
        doc: Document, start: int, end: int, link: Link | None, fragment: str,
        anchors: frozenset[str], page: str | None,
    ) -> RawFinding:
        where = "this page" if page is None else f'"{page}"'
        message = f'no heading or anchor "#{normalize_fragment(fragment)}" in {where}'
        best = closest_anchor(fragment, anchors)
        suggestion = None
        fix = None
        if best is not None:
            suggestion = f"{page or ''}#{best}"
            message += f' (did you mean "#{best}"?)'
            written = doc.text[start:end]
            hash_at = written.find("#")
            if link is not None and written == link.url and hash_at >= 0:
                at = start + hash_at + 1
                fix = Fix(
                    title=f'Point the link at "#{best}"',
                    edits=(Edit(at, at + len(fragment), best),),
                    safe=False,
                )
        return RawFinding(
            start, end, message, suggestion=suggestion, fix=fix,
            data={"url": link.url if link is not None else doc.text[start:end]},
        )
