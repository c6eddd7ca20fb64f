"""Link and anchor extraction, shared by every link rule.

:func:`extract_links` finds every link of a document at its exact place in
:attr:`Document.text`: inline links and images, reference definitions, autolinks,
bare URLs (as markdown-it's linkify finds them) and raw HTML ``<a href>``/``<img src>``.
Nothing inside code spans, fenced or indented code, or HTML comments is a link.

How positions are found: markdown-it inline tokens carry no positions, so each
inline block is tokenised by :func:`playbook_lint.mdparser.parse_inline`, which
records each token's span in the block's ``content``; :mod:`playbook_lint.links.offsets`
maps content offsets back to the source lines of the block (``token.map``), which
also covers blockquote and list prefixes. Destinations are re-read with markdown-it's
own ``parseLinkLabel``/``parseLinkDestination`` so ``<...>`` and balanced parentheses
behave as in CommonMark (https://spec.commonmark.org/0.31.2/#link-destination).
HTML tags are read by :mod:`playbook_lint.links.htmltags`.

:func:`extract_anchors` lists the ids a ``#fragment`` can point at: heading slugs
(GitHub style, see :mod:`playbook_lint.links.slugs`), kramdown/Hugo attribute lists
``## Title {#custom-id}``, HTML ``id=`` and ``<a name=>``.

Tested with markdown-it-py 3.0 and 4.x.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from markdown_it.common.utils import isLinkClose, isLinkOpen, normalizeReference
from markdown_it.helpers import parseLinkDestination, parseLinkLabel
from markdown_it.token import Token

from playbook_lint.links.htmltags import HtmlTag, parse_html_tags
from playbook_lint.links.offsets import OffsetMapper, inline_mappers
from playbook_lint.links.slugs import Slugger
from playbook_lint.mdparser import (
    SPAN,
    link_destination,
    linkify_matches,
    linkify_pretest,
    parse_inline,
    tracking_parser,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from playbook_lint.document import Document

__all__ = ["Link", "LinkKind", "Anchor", "FOLLOWED_KINDS", "extract_links", "extract_anchors",
           "extract_block_links"]


#: What construct a :class:`Link` was written as (see :attr:`Link.kind`).
LinkKind = Literal["inline", "image", "definition", "autolink", "bare", "html-a", "html-img",
                   "image-ref"]

#: Link kinds whose target a reader follows to a file or page of the site (the ones
#: ``broken-link`` and the template pre-pass check).
FOLLOWED_KINDS: frozenset[LinkKind] = frozenset(
    {"inline", "image", "definition", "html-a", "html-img"})


@dataclass(frozen=True)
class Link:
    """One link or image of a document.

    Attributes:
        url: the destination as written in the source (entities/escapes resolved,
            not percent-encoded), e.g. ``"../x.md#y"``. For bare and autolinked
            e-mail addresses it starts ``mailto:``; for bare ``www.`` or domain-only
            URLs it starts ``http://`` (as markdown-it links them; see ``fuzzy``).
        kind: one of ``"inline"``, ``"image"``, ``"definition"`` (``[id]: url``),
            ``"autolink"`` (``<https://...>``), ``"bare"`` (linkified URL),
            ``"html-a"``, ``"html-img"`` (raw HTML ``href``/``src``), and
            ``"image-ref"`` (``![alt][id]``: an image whose URL comes from a
            definition; its ``start/end`` is the label, its ``url`` the definition's;
            link-checking rules skip it because the definition is reported instead).
        start, end: offsets of the URL itself in ``Document.text``.
        node_start, node_end: offsets of the whole construct (``![alt](src)``, the tag).
        text: link text, or alt text for images ("" if empty).
        alt: for images: the alt text, or None when an HTML ``<img>`` has no alt attribute.
        attrs: for HTML links/images, the tag's attributes (lower-cased names, first
            occurrence wins; a value-less attribute maps to None).
        reference: for ``definition`` and ``image-ref``: the normalised label.
        fuzzy: for ``bare``: True when the text had no scheme (``www.x.org``,
            ``example.org``, ``a@b.org``) and markdown-it's linkify guessed one.
    """

    url: str
    kind: LinkKind
    start: int
    end: int
    node_start: int
    node_end: int
    text: str = ""
    alt: str | None = None
    attrs: Mapping[str, str | None] = field(default_factory=dict)
    reference: str | None = None
    fuzzy: bool = False

    @property
    def is_image(self) -> bool:
        """True for Markdown and HTML images."""
        return self.kind in ("image", "html-img", "image-ref")


@dataclass(frozen=True)
class Anchor:
    """A place a ``#fragment`` can point at: ``id`` and the offset where it is defined."""

    id: str
    offset: int
    kind: str = "heading"  # or "html-id", "html-name", "attr-list"
    #: For headings: the heading's plain text as written (an attribute list
    #: ``{#id}`` included), so each generator can compute its own id; else None.
    text: str | None = None


def _html_links(tags: list[HtmlTag], to_src: Any, texts: list[str] | None = None) -> list[Link]:
    out: list[Link] = []
    for i, tag in enumerate(tags):
        kind: LinkKind
        if tag.name == "a":
            key, kind = "href", "html-a"
        elif tag.name == "img":
            key, kind = "src", "html-img"
        else:
            continue
        value = tag.attrs.get(key)
        if value is None or key not in tag.value_spans:
            continue
        vs, ve = tag.value_spans[key]
        if kind == "html-img":
            alt = tag.attrs.get("alt") if "alt" in tag.attrs else None
            if "alt" in tag.attrs and alt is None:
                alt = ""
            text = alt or ""
        else:
            alt = None
            text = texts[i] if texts is not None else tag.text
        out.append(Link(
            url=value.strip(), kind=kind, start=to_src(vs), end=to_src(ve),
            node_start=to_src(tag.start), node_end=to_src(tag.end), text=text, alt=alt,
            attrs=dict(tag.attrs),
        ))
    return out


def _html_anchors(tags: list[HtmlTag], to_src: Any) -> list[Anchor]:
    out: list[Anchor] = []
    for tag in tags:
        for key, kind in (("id", "html-id"), ("name", "html-name")):
            if key == "name" and tag.name != "a":
                continue
            value = tag.attrs.get(key)
            if value:
                vs = tag.value_spans.get(key, (tag.start, tag.end))[0]
                out.append(Anchor(value, to_src(vs), kind))
    return out


# ---------------------------------------------------------------------------
# Inline links
# ---------------------------------------------------------------------------

_SCHEME_TAIL = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)


def _plain_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for t in tokens:
        if t.type in ("text", "text_special", "code_inline"):
            parts.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif t.type == "image":
            parts.append(_plain_text(t.children or []))
    return "".join(parts)


def _destination(src: str, label_end: int, node_end: int) -> tuple[str, int, int] | None:
    """Return ``(url, start, end)`` of an inline destination after ``]``, or None for a
    reference form. ``start/end`` exclude ``<>``."""
    pos = label_end + 1
    if pos >= node_end or src[pos] != "(":
        return None
    pos += 1
    while pos < node_end and src[pos] in " \t\n":
        pos += 1
    if pos >= node_end or src[pos] == ")":
        return "", pos, pos
    res = link_destination(src, pos, node_end)  # the link rule's own read, if it made one
    if not res.ok:
        return "", pos, pos
    if src[pos] == "<":
        return res.str, pos + 1, res.pos - 1
    return res.str, pos, res.pos


def _reference_label(
    src: str, label_start: int, label_end: int, node_end: int
) -> tuple[str, int, int]:
    """Label text and span of a reference usage ``[text][id]`` / ``[text][]`` / ``[text]``."""
    pos = label_end + 1
    if pos < node_end and src[pos] == "[" and src[node_end - 1] == "]" and node_end - 1 > pos + 1:
        return src[pos + 1:node_end - 1], pos + 1, node_end - 1
    return src[label_start:label_end], label_start, label_end


#: ``token.meta`` key of an inline token's raw HTML: ``[(start, html), ...]`` (offsets
#: into its content), left by :func:`extract_links` for :func:`extract_anchors`.
_HTML_SPANS = "pl_html"


_TAG_START = re.compile(r"<[A-Za-z/!?]")


def _may_open_tag(src: str) -> bool:
    """False when no ``<`` of ``src`` can start raw HTML or an autolink: markdown-it's
    ``html_inline`` needs an ASCII letter, ``/``, ``!`` or ``?`` after it, an URL
    autolink a scheme (an ASCII letter first), an e-mail autolink an ``@`` (digital.gov's
    Hugo shortcodes ``{{< x >}}`` hold a ``<`` and nothing else that parses)."""
    return "@" in src or _TAG_START.search(src) is not None


def _inline_links(
    doc: Document, tok: Token, to_src: OffsetMapper, env: dict[str, Any],
    keep_html: bool = False, bare: bool = True,
) -> list[Link]:
    """The links of inline token ``tok``; with ``keep_html``, its raw HTML is left in
    ``tok.meta[_HTML_SPANS]`` when it was tokenised (always when it holds a ``<``).
    Without ``bare``, the bare URLs (core linkify's, kind ``bare``) are not looked for:
    the other links are the same (linkify reads the text tokens the parse left)."""
    src = tok.content
    md = tracking_parser()
    # core linkify only looks at blocks that pass linkify-it's pretest
    pretest = bool(bare and md.linkify is not None and md.options.get("linkify")
                   and linkify_pretest(src))
    if not pretest and ("<" not in src or not _may_open_tag(src)) and ("[" not in src or (
            "](" not in src and not env.get("references"))):
        # no bare URL, autolink or HTML, and no inline link or image (``](``) nor a
        # reference one (no definitions): nothing here can be a link
        if keep_html:
            tok.meta[_HTML_SPANS] = []  # (no raw HTML either)
        return []
    children, probe = parse_inline(src, env)
    if keep_html:
        tok.meta[_HTML_SPANS] = [
            (span[0], child.content) for child in children
            if child.type == "html_inline" and (span := child.meta.get(SPAN)) is not None]
    out: list[Link] = []
    prev_type = ""
    text_run: list[Token] = []

    def flush_text() -> None:
        if text_run:
            _linkify_run(md, text_run, prev_before_run[0], to_src, out)
            text_run.clear()

    prev_before_run = [""]
    n = len(children)
    no_linkify = _inside_links(children) if pretest else set(range(len(children)))
    for i, child in enumerate(children):
        span = child.meta.get(SPAN)
        ctype = child.type
        if ctype == "text" and i not in no_linkify and span is not None:
            if not text_run:
                prev_before_run[0] = prev_type
            text_run.append(child)
            prev_type = ctype
            continue
        flush_text()
        prev_type = ctype
        if ctype == "link_open":
            if span is None:
                continue
            s, e = span
            if child.markup == "autolink":
                written = src[s + 1:e - 1]
                href = child.attrs.get("href", "")
                url = written
                if isinstance(href, str) and href.startswith("mailto:") and not \
                        written.lower().startswith("mailto:"):
                    url = "mailto:" + written
                out.append(Link(url, "autolink", to_src(s + 1), to_src(e - 1),
                                to_src(s), to_src(e), text=written))
            elif child.markup == "linkify":  # (markdown-it-py 4's inline linkify rule)
                if not bare:
                    continue
                m = _SCHEME_TAIL.search(src[max(0, s - 64):s])
                start = s - (len(m.group(1)) if m else 0)
                out.append(Link(src[start:e], "bare", to_src(start), to_src(e),
                                to_src(start), to_src(e), text=src[start:e]))
            else:
                label_end = parseLinkLabel(probe, s, True)
                if label_end < 0:
                    continue
                dest = _destination(src, label_end, e)
                if dest is None:
                    continue  # [text][id]: the definition is the link
                url, ds, de = dest
                depth, j = 1, i + 1
                while j < n and depth:
                    if children[j].type == "link_open":
                        depth += 1
                    elif children[j].type == "link_close":
                        depth -= 1
                    j += 1
                text = _plain_text(children[i + 1:j - 1])
                out.append(Link(url, "inline", to_src(ds), to_src(de), to_src(s), to_src(e),
                                text=text))
        elif ctype == "image" and span is not None:
            s, e = span
            alt = _plain_text(child.children or [])
            label_end = parseLinkLabel(probe, s + 1, False)
            if label_end < 0:
                continue
            dest = _destination(src, label_end, e)
            if dest is not None:
                url, ds, de = dest
                out.append(Link(url, "image", to_src(ds), to_src(de), to_src(s), to_src(e),
                                text=alt, alt=alt))
            else:
                label, ls, le = _reference_label(src, s + 2, label_end, e)
                ref = normalizeReference(label)
                src_attr = child.attrs.get("src", "")
                out.append(Link(str(src_attr), "image-ref", to_src(ls), to_src(le),
                                to_src(s), to_src(e), text=alt, alt=alt, reference=ref))
        elif ctype == "html_inline" and span is not None:
            content = child.content
            s = span[0]
            tags = parse_html_tags(content)
            texts = None
            if tags and tags[0].name == "a":
                # text of an inline <a>: the plain text up to the closing </a>
                j = i + 1
                parts: list[Token] = []
                while j < n and not (children[j].type == "html_inline"
                                     and isLinkClose(children[j].content)):
                    parts.append(children[j])
                    j += 1
                texts = [_plain_text(parts)] + [t.text for t in tags[1:]]
            out.extend(_html_links(tags, lambda q, s=s: to_src(s + q), texts))
    flush_text()
    return out


def _inside_links(tokens: list[Token]) -> set[int]:
    """Indexes of tokens that core linkify leaves alone: inside Markdown links and before
    an HTML ``</a>`` back to its ``<a>`` (scanned from the end, as markdown-it does)."""
    skip: set[int] = set()
    html_level = 0
    i = len(tokens)
    while i >= 1:
        i -= 1
        tok = tokens[i]
        if tok.type == "link_close":
            i -= 1
            while i > 0 and tokens[i].level != tok.level and tokens[i].type != "link_open":
                skip.add(i)
                i -= 1
            continue
        if tok.type == "html_inline":
            if isLinkOpen(tok.content) and html_level > 0:
                html_level -= 1
            if isLinkClose(tok.content):
                html_level += 1
        if html_level > 0:
            skip.add(i)
    return skip


def _linkify_run(
    md: MarkdownIt, run: list[Token], prev_type: str, to_src: OffsetMapper, out: list[Link]
) -> None:
    """Find bare URLs in adjacent text tokens, as markdown-it's core linkify does."""
    linkify = md.linkify
    if linkify is None:
        return
    text = "".join(t.content for t in run)
    if not linkify_pretest(text):
        return
    matches = linkify_matches(text)  # (linkify.match(text) if linkify.test(text))
    if not matches:
        return
    # adjacent text tokens are merged as fragments_join does; each keeps its own
    # source start (emphasis leaves empty tokens for used delimiters in between)
    seg_content: list[int] = []
    seg_source: list[int] = []
    pos = 0
    for t in run:
        if t.content:
            seg_content.append(pos)
            seg_source.append(t.meta[SPAN][0])
            pos += len(t.content)

    def source(q: int) -> int:
        k = max(bisect.bisect_right(seg_content, q) - 1, 0)
        return seg_source[k] + q - seg_content[k]

    if matches and matches[0].index == 0 and prev_type == "text_special":
        matches = matches[1:]
    for m in matches:
        url = m.url
        if not md.validateLink(md.normalizeLink(url)):
            continue
        written = text[m.index:m.last_index]
        fuzzy = not written.lower().startswith(m.schema.lower()) if m.schema else True
        if m.schema and m.schema != "mailto:":
            fuzzy = False
        s, e = to_src(source(m.index)), to_src(source(m.last_index - 1)) + 1
        out.append(Link(url, "bare", s, e, s, e, text=written, fuzzy=fuzzy))


# ---------------------------------------------------------------------------
# Reference definitions
# ---------------------------------------------------------------------------

_LEAF_BLOCKS = frozenset(
    {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "hr", "table_open"}
)
_CONTAINER_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?")
_DEF_LABEL = re.compile(r"\[((?:\\.|[^\\\[\]]){1,999})\]:")


def _definitions(doc: Document, tokens: list[Token], env: dict[str, Any]) -> list[Link]:
    refs = env.get("references") or {}
    if not refs:
        return []
    covered: set[int] = set()
    for t in tokens:
        if t.type in _LEAF_BLOCKS and t.map:
            covered.update(range(t.map[0], t.map[1]))
    src = doc.markdown_source
    starts = doc.line_starts
    nlines = len(starts)
    out: list[Link] = []
    seen: set[str] = set()
    ln = 0
    while ln < nlines:
        if ln in covered:
            ln += 1
            continue
        run_end_line = ln
        while run_end_line + 1 < nlines and run_end_line + 1 not in covered:
            run_end_line += 1
        region_end = starts[run_end_line + 1] if run_end_line + 1 < nlines else len(src)
        line = ln
        while line <= run_end_line:
            ls = starts[line]
            pre = _CONTAINER_PREFIX.match(src, ls)
            pos = pre.end() if pre else ls
            m = _DEF_LABEL.match(src, pos)
            if m is None:
                line += 1
                continue
            label = normalizeReference(m.group(1))
            p = m.end()
            while p < region_end and src[p] in " \t":
                p += 1
            if p < region_end and src[p] == "\n":
                p += 1
                pre2 = _CONTAINER_PREFIX.match(src, p)
                p = pre2.end() if pre2 and "\n" not in pre2.group(0) else p
                while p < region_end and src[p] in " \t":
                    p += 1
            res = parseLinkDestination(src, p, region_end) if p < region_end else None
            if res is not None and res.ok and label in refs and label not in seen:
                seen.add(label)
                s, e = (p + 1, res.pos - 1) if src[p] == "<" else (p, res.pos)
                le = src.find("\n", res.pos)
                node_end = region_end if le == -1 else min(le, region_end)
                out.append(Link(res.str, "definition", s, e, m.start(), node_end,
                                text=m.group(1), reference=label))
            line = bisect.bisect_right(starts, max(p, ls)) if res is not None else line + 1
            if line <= ln:
                line = ln + 1
        ln = run_end_line + 1
    return out


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def _html_block_tags(doc: Document, tok: Token) -> tuple[list[HtmlTag], OffsetMapper]:
    content = tok.content[:-1] if tok.content.endswith("\n") else tok.content
    mapper = OffsetMapper(doc, content, tok.map[0] if tok.map else 0, "suffix")
    return parse_html_tags(content), mapper


def extract_links(doc: Document) -> list[Link]:
    """Return every link of ``doc`` in source order (sorted by ``start``).

    Args:
        doc: the document; its ``tokens`` are parsed if not already.

    Returns:
        :class:`Link` records with offsets into ``doc.text``. Reference usages
        ``[text][id]`` are not links (the definition is); reference images are
        ``image-ref``. Never raises on odd input (``[x](http:// example.org)``).
    """
    tokens = doc.tokens
    env: dict[str, Any] = getattr(doc, "env", None) or {}
    out: list[Link] = []
    blocks = inline_mappers(doc)
    for tok in tokens:
        if tok.type == "inline" and id(tok) in blocks:
            out.extend(_inline_links(doc, tok, blocks[id(tok)], env, keep_html=True))
        elif tok.type == "html_block":
            tags, mapper = _html_block_tags(doc, tok)
            out.extend(_html_links(tags, mapper))
    definitions = _definitions(doc, tokens, env)
    if definitions:
        by_label = {d.reference: d.url for d in definitions}
        out = [
            dataclasses.replace(link, url=by_label[link.reference])
            if link.kind == "image-ref" and link.reference in by_label else link
            for link in out
        ]
    out.extend(definitions)
    out.sort(key=lambda link: (link.node_start, link.start))
    return out


def extract_block_links(
    doc: Document, mask: Callable[[str], str], wanted: Callable[[str], bool],
    *, bare: bool = True,
) -> list[Link]:
    """Return the links of the blocks of ``doc`` whose content passes ``wanted``,
    read after ``mask`` rewrote that content (the template pre-pass masks template
    expressions so that ``[a]({{< ref "x.md" >}})`` parses as a link).

    ``mask`` must keep the length of the text, so offsets stay the source's. Only
    inline blocks (paragraphs, headings, table cells) and HTML blocks are read; a
    reference definition whose destination is masked is not (it was no definition
    before masking). Links are in source order. Without ``bare``, no ``bare`` link
    (a linkified URL) is looked for: the other links are the same.
    """
    env: dict[str, Any] = getattr(doc, "env", None) or {}
    out: list[Link] = []
    blocks = inline_mappers(doc)
    for tok in doc.tokens:
        if tok.type == "inline" and id(tok) in blocks and wanted(tok.content):
            masked = copy.copy(tok)
            masked.content = mask(tok.content)
            out.extend(_inline_links(doc, masked, blocks[id(tok)], env, bare=bare))
        elif tok.type == "html_block" and wanted(tok.content):
            content = tok.content[:-1] if tok.content.endswith("\n") else tok.content
            mapper = OffsetMapper(doc, content, tok.map[0] if tok.map else 0, "suffix")
            out.extend(_html_links(parse_html_tags(mask(content)), mapper))
    out.sort(key=lambda link: (link.node_start, link.start))
    return out


_ATTR_LIST = re.compile(r"\s*\{:?\s*([^{}]*)\}\s*$")
_BLOCK_IAL = re.compile(r"\{:\s*([^{}]*)\}\s*$")
_ATTR_ID = re.compile(r"(?:^|\s)#([^\s#.{}]+)")


def extract_anchors(doc: Document) -> list[Anchor]:
    """Return every anchor of ``doc`` in source order.

    Heading slugs follow GitHub (:mod:`playbook_lint.links.slugs`), counted in
    document order for duplicates; a heading ending in an attribute list
    ``{#custom-id}`` (kramdown, Hugo) has that id instead, and the list is not part
    of any slug. A kramdown block attribute list on its own line (``{: #id}``)
    adds its id too. HTML ``id=`` (any tag) and ``<a name=>`` are anchors too.
    """
    tokens = doc.tokens
    out: list[Anchor] = []
    slugger = Slugger()
    blocks = inline_mappers(doc)
    for idx, tok in enumerate(tokens):
        if tok.type == "heading_open" and idx + 1 < len(tokens):
            inline = tokens[idx + 1]
            mapper = blocks.get(id(inline))
            if mapper is None:
                continue
            offset = mapper(0)
            text = raw = _plain_text(inline.children or [])
            m = _ATTR_LIST.search(text)
            idm = _ATTR_ID.search(m.group(1)) if m else None
            if m and (idm or m.group(1).lstrip().startswith((".", ":"))):
                text = text[:m.start()]
            if idm:
                slugger.reserve(idm.group(1))
                out.append(Anchor(idm.group(1), offset, "attr-list", raw))
            else:
                out.append(Anchor(slugger.slug(text), offset, "heading", raw))
        elif tok.type == "inline" and id(tok) in blocks:
            mapper = blocks[id(tok)]
            ial = _BLOCK_IAL.match(tok.content)
            idm = _ATTR_ID.search(ial.group(1)) if ial else None
            if ial and idm:  # kramdown block attribute list on its own line: {: #id}
                out.append(Anchor(idm.group(1), mapper(ial.start(1) + idm.start(1)), "attr-list"))
            # html_inline ids need spans: those extract_links left, else a reparse
            # (only when the content has a tag)
            if "<" in tok.content and ("id" in tok.content or "name" in tok.content):
                html = tok.meta.get(_HTML_SPANS)
                if html is None:
                    children, _ = parse_inline(tok.content, getattr(doc, "env", {}) or {})
                    html = [(span[0], child.content) for child in children
                            if child.type == "html_inline"
                            and (span := child.meta.get(SPAN)) is not None]
                for s, content in html:
                    out.extend(_html_anchors(parse_html_tags(content),
                                             lambda q, s=s, mp=mapper: mp(s + q)))
        elif tok.type == "html_block":
            tags, mapper = _html_block_tags(doc, tok)
            out.extend(_html_anchors(tags, mapper))
    out.sort(key=lambda a: a.offset)
    return out
