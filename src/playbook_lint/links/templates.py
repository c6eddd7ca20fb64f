"""Template links: link destinations written in a site generator's template language.

Real guidance sites write internal links as templates that only the generator can
expand, e.g. (Jekyll/Liquid) ``{{ site.baseurl }}/x/``, ``{{site.baseurl}}/x``,
``{{ "/x/" | relative_url }}``, ``{% link _methods/x.md %}``,
``{% post_url 2020-01-02-title %}``; (Hugo) ``{{< ref "x.md" >}}``,
``{{< relref "x.md#y" >}}``; (Eleventy) ``{% page "/x/" %}``; and ERB ``<%= ... %>``.
markdown-it does not even see ``[a]({{< ref "x.md" >}})`` as a link (a destination
may not hold spaces).

The pre-pass (:func:`template_links`) masks every template expression of the body
with the same number of ``x`` characters, parses the masked text again and keeps the
links whose destination (or HTML ``href``/``src``) overlaps a template. Because the
mask keeps every offset, line and column stay the source's own.
:func:`expand` then turns the written destination into a plain URL through the
:class:`~playbook_lint.site_model.SiteModel`, or says why it cannot. The site's generator
adapter is asked first (:meth:`playbook_lint.generators.base.Generator.expand`: the
Eleventy ``url`` filter leaves a relative path relative, where Jekyll's
``relative_url`` makes it site-root); the Liquid and Hugo knowledge here is shared.

Liquid: https://jekyllrb.com/docs/liquid/tags/#links and
https://jekyllrb.com/docs/liquid/filters/ ; Hugo: https://gohugo.io/functions/urls/ref/ ;
Eleventy: https://www.11ty.dev/docs/shortcodes/ .
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from playbook_lint.generators.base import Expansion
from playbook_lint.links.extract import FOLLOWED_KINDS

if TYPE_CHECKING:
    from playbook_lint.document import Document
    from playbook_lint.links.extract import Link
    from playbook_lint.site_model import SiteModel

__all__ = ["TEMPLATE", "TemplateLink", "Expansion", "mask_templates", "template_links",
           "expand"]

#: One template expression on one line: Hugo shortcodes ``{{< >}}``/``{{% %}}``,
#: Liquid/Nunjucks output ``{{ }}`` and tags ``{% %}``, ERB ``<% %>``.
TEMPLATE = re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{\{.*?\}\}|\{%.*?%\}|<%.*?%>")

#: A reference definition whose destination holds a template.
_DEFINITION = re.compile(
    r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?[^\s<>]*?(?:\{\{|\{%|<%)", re.MULTILINE,
)
#: A template inside a link destination or a reference definition ...
_IN_MARKDOWN_DESTINATION = re.compile(
    r"""(?:\]\(\s*<?|\]:[ \t]*<?)[^\s)"'<>]*?(?:\{\{|\{%|<%)""")
#: ... or an href/src value. The lookahead (the first letter of either name, in any
#: case: IGNORECASE folds it as it folds the names) lets the regex engine skip to
#: those letters instead of trying the alternation at every position.
_IN_ATTRIBUTE = re.compile(
    r"""(?=[hs])\b(?:href|src)\s*=\s*["']?[^\s)"'<>]*?(?:\{\{|\{%|<%)""", re.IGNORECASE,
)


def _in_destination(text: str, pos: int = 0) -> bool:
    r"""True when a template starts inside a link destination, a reference definition
    or an ``href``/``src`` value of ``text`` after ``pos``: a search of the alternation
    ``(?:](\s*<?|]:[ \t]*<?|\b(?:href|src)\s*=\s*["']?)[^\s)"'<>]*?(?:{{|{%|<%)``
    (IGNORECASE) finds a match exactly when one of its two halves does (the first holds
    no letter, so IGNORECASE changes nothing there); each half alone is searched faster.
    """
    return _IN_MARKDOWN_DESTINATION.search(text, pos) is not None or \
        _IN_ATTRIBUTE.search(text, pos) is not None


@dataclass(frozen=True)
class TemplateLink:
    """A link whose destination holds template syntax.

    Attributes:
        link: the link as parsed from the masked text (its offsets are the source's).
        written: the destination as written in the source, templates included.
    """

    link: Link
    written: str


def mask_templates(text: str, start: int = 0) -> tuple[str, list[tuple[int, int]]]:
    """Replace each template expression after ``start`` by as many ``x`` characters.

    Returns:
        ``(masked, spans)``: the text of the same length, and the ``(start, end)``
        offsets of every masked expression.
    """
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    pos = 0
    for m in TEMPLATE.finditer(text, start):
        spans.append((m.start(), m.end()))
        parts.append(text[pos:m.start()])
        parts.append("x" * (m.end() - m.start()))
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), spans


def template_links(doc: Document) -> list[TemplateLink]:
    """Return the links of ``doc``'s body whose destination holds a template.

    Links inside code spans and code blocks are not links, as for plain links. Front
    matter is not searched (see :mod:`playbook_lint.links.frontmatter_links`).
    """
    from playbook_lint.document import Document

    body = doc.body_start
    text = doc.markdown_source  # Liquid comments and raw blocks are blanked there
    if "{{" not in text and "{%" not in text and "<%" not in text:
        return []
    if not _in_destination(text, body):
        return []  # templates only outside link destinations: no second parse
    masked, spans = mask_templates(text, body)
    if not spans:
        return []
    if _DEFINITION.search(text, body) is not None:
        # [id]: {{ x }}/y was no definition before masking: parse the masked page
        links = Document(doc.path, masked, display_path=doc.display_path).links
    else:  # re-read only the blocks that hold a template in a destination
        from playbook_lint.links.extract import extract_block_links

        links = extract_block_links(  # (bare URLs are not FOLLOWED_KINDS)
            doc, lambda content: mask_templates(content)[0],
            _in_destination, bare=False)
    out: list[TemplateLink] = []
    starts = [s for s, _ in spans]
    import bisect

    for link in links:
        if link.kind not in FOLLOWED_KINDS:
            continue
        i = bisect.bisect_right(starts, link.end) - 1
        if i < 0 or spans[i][1] <= link.start:
            # a template may start before the destination ends but after it starts
            continue
        out.append(TemplateLink(link, text[link.start:link.end]))
    return out


_VARIABLE_PREFIX = re.compile(
    r"^\{\{-?\s*site\.(?:baseurl|url|base_?url|github\.url)\s*-?\}\}$", re.IGNORECASE,
)
_FILTERED = re.compile(
    r"""^\{\{-?\s*(["'])(.*?)\1\s*((?:\|\s*[\w:]+(?:\s*:\s*[\w."']+)?\s*)+)-?\}\}$""",
)
_KNOWN_FILTERS = re.compile(
    r"^(?:relative_url|absolute_url|url|prepend:\s*site\.baseurl|prepend:\s*site\.url)$",
)
_LINK_TAG = re.compile(r"^\{%-?\s*link\s+(.+?)\s*-?%\}$")
_POST_URL = re.compile(r"^\{%-?\s*post_url\s+(.+?)\s*-?%\}$")
_PAGE_TAG = re.compile(r"""^\{%-?\s*page\s+(["'])(.*?)\1\s*-?%\}$""")
_HUGO_REF = re.compile(
    r"""^\{\{[<%]\s*(ref|relref)\s+(?:(?:path=)?(["'])(.*?)\2|(\S+?))\s*[>%]\}\}$""",
)


def _one(expr: str, page: Path, site: SiteModel) -> Expansion:
    generator = site.generator
    if generator is not None:
        own = generator.expand(expr, page, site)
        if own is not None:
            return own
    if _VARIABLE_PREFIX.match(expr):
        return Expansion("url", "")
    m = _FILTERED.match(expr)
    if m:
        filters = [f.strip() for f in m.group(3).split("|") if f.strip()]
        if all(_KNOWN_FILTERS.match(f) for f in filters):
            value = m.group(2)
            return Expansion("url", value if value.startswith(("/", "#")) or "://" in value
                             else "/" + value)
        return Expansion("unknown", reason=f'the filter "{filters[-1].split(":")[0]}"')
    m = _LINK_TAG.match(expr)
    if m:
        rel = m.group(1).strip().strip("\"'")
        if "{{" in rel or "{%" in rel:
            return Expansion("unknown", reason="a variable in {% link %}")
        target = site.source_file(rel)
        if target is None:
            return Expansion("missing", reason=f'no file "{rel}" in the site')
        return Expansion("url", site.url_of(target) or "/")
    m = _POST_URL.match(expr)
    if m:
        name = m.group(1).strip().strip("\"'")
        for ext in (".md", ".markdown", ".html"):
            target = site.source_file(f"_posts/{name}{ext}")
            if target is not None:
                return Expansion("url", site.url_of(target) or "/")
        return Expansion("missing", reason=f'no post "{name}" in _posts/')
    m = _PAGE_TAG.match(expr)
    if m:
        return Expansion("url", m.group(2))
    m = _HUGO_REF.match(expr)
    if m:
        ref = m.group(3) if m.group(3) is not None else m.group(4)
        path_part, hash_mark, fragment = ref.partition("#")
        target = site.hugo_ref(path_part, page) if path_part else page
        if target is None:
            return Expansion("missing", reason=f'no page "{path_part}" for {m.group(1)}')
        url = site.url_of(target) or "/"
        return Expansion("url", url + (f"#{fragment}" if hash_mark else ""))
    return Expansion("unknown", reason=_describe(expr))


_SHORTCODE_NAME = re.compile(r"^\{\{[<%]\s*/?\s*([\w-]+)")
_VARIABLE_NAME = re.compile(r"^\{\{-?\s*([\w.\[\]'\"-]+)")
_TAG_NAME = re.compile(r"^\{%-?\s*(\w+)")


def _describe(expr: str) -> str:
    """Name what was not understood: ``the Hugo shortcode "tmp"``, ``the variable
    "page.next_url"``, ``the tag "include"``, ``ERB``."""
    m = _SHORTCODE_NAME.match(expr)
    if m:
        return f'the Hugo shortcode "{m.group(1)}"'
    m = _VARIABLE_NAME.match(expr)
    if m:
        return f'the variable "{m.group(1)}"'
    m = _TAG_NAME.match(expr)
    if m:
        return f'the tag "{m.group(1)}"'
    return "ERB"


def expand(written: str, page: Path, site: SiteModel) -> Expansion:
    """Expand the template destination ``written`` of a link on ``page``.

    Args:
        written: the destination as written, e.g. ``{{ site.baseurl }}/x/#y``.
        page: the absolute path of the linking page (Hugo ``ref`` looks near it).
        site: the site model.

    Returns:
        An :class:`Expansion`; ``missing`` wins over ``unknown`` so a broken
        ``{% link %}`` is reported even next to an unknown variable. Never raises.
    """
    out: list[str] = []
    pos = 0
    unknown: Expansion | None = None
    for m in TEMPLATE.finditer(written):
        out.append(written[pos:m.start()])
        pos = m.end()
        exp = _one(m.group(0), page, site)
        if exp.status == "missing":
            return exp
        if exp.status == "unknown":
            unknown = unknown or exp
            continue
        url = exp.url
        if out and "".join(out).endswith("/") and url.startswith("/"):
            url = url[1:]
        out.append(url)
    out.append(written[pos:])
    if unknown is not None:
        return unknown
    url = "".join(out)
    if url.startswith("//") and not written.startswith("//"):
        url = "/" + url.lstrip("/")
    return Expansion("url", url)
