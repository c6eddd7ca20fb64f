"""Links in front matter: site paths and URLs written as front matter values.

Pages link from their front matter too: breadcrumbs (``nav-breadcrumbs``), parent
pages (``parent: /apps.html``), redirect targets, social images (``image:``).
:func:`front_matter_links` finds every string value, at any depth, that is a site
path (``/x/``, no spaces) or an ``http(s)`` URL, at its exact place in the text.

Values that are the page's *own* address or a file path are not links and are left
out: ``permalink``, ``url``, ``slug``, ``aliases``, ``redirect_from``, ``old_paths``
(aliases of the page itself), ``path``/``file``/``source`` and ``layout``.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["FrontMatterLink", "front_matter_links", "SELF_KEYS"]

#: Keys whose values are not links to follow (the page's own URLs, file paths).
SELF_KEYS = frozenset({
    "permalink", "url", "slug", "aliases", "redirect_from", "old_paths", "path", "file",
    "source", "layout", "github_baseurl", "preview_baseurl", "baseurl",
})
_SITE_PATH = re.compile(r"^/(?!/)[^\s<>\"'{}|\\^`]*$")
_HTTP = re.compile(r"^https?://[^\s<>\"'{}|\\^`]+$", re.IGNORECASE)


@dataclass(frozen=True)
class FrontMatterLink:
    """A site path or URL written as a front matter value.

    Attributes:
        url: the value (stripped).
        start, end: offsets of the value in ``Document.text`` (inside any quotes).
        key: the dotted key path, e.g. ``nav-breadcrumbs[0].Home``.
    """

    url: str
    start: int
    end: int
    key: str


def front_matter_links(doc: Document) -> list[FrontMatterLink]:
    """Return the links written in ``doc``'s YAML front matter, in source order.

    TOML front matter and blocks that do not parse give ``[]``. Never raises.
    The answer is remembered per document (``broken-link``, ``link-hygiene`` and the
    link check all ask, and composing the YAML again is most of the cost); each call
    gets its own list.
    """
    known = _MEMO.get(doc)
    if known is None:
        known = _MEMO[doc] = tuple(_find(doc))
    return list(known)


#: Answers of :func:`front_matter_links`, for as long as their document lives.
_MEMO: weakref.WeakKeyDictionary[Document, tuple[FrontMatterLink, ...]] = \
    weakref.WeakKeyDictionary()


def _find(doc: Document) -> list[FrontMatterLink]:
    fm = doc.front_matter
    if fm is None or fm.kind != "yaml" or fm.data is None:
        return []
    raw = doc.text[fm.content_start:fm.content_end]
    if "/" not in raw or ("<<" not in raw and not _may_hold_link(fm.data)):
        return []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    node = fm.node  # the front matter parse's own (libyaml, as here), when it kept it
    if node is None:
        try:
            node = yaml.compose(raw, Loader=loader)  # noqa: S506 - a safe loader
        except (yaml.YAMLError, ValueError, RecursionError):
            return []
    out: list[FrontMatterLink] = []
    _walk(node, "", doc, fm.content_start, out)
    out.sort(key=lambda link: link.start)
    return out


def _may_hold_link(data: Any) -> bool:
    """True if a string anywhere in the front matter's ``data`` (a value, an item, a
    key: more than :func:`_walk` reads) is a site path or URL once stripped. Every
    link :func:`_walk` finds is a ``str`` scalar node, whose value the parse put in
    ``data`` as it is, unless a merge key (``<<``) hid it behind an explicit key
    (the caller composes then): when this is False there is no link, and the YAML
    need not be composed again (half of digitalgov's pages with a "/" in it)."""
    stack = [data]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            value = item.strip()
            if _SITE_PATH.match(value) or _HTTP.match(value):
                return True
        elif isinstance(item, (dict, list, tuple, set, frozenset)):
            if id(item) in seen:  # (an alias may make the data recursive)
                continue
            seen.add(id(item))
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                stack.extend(item)
    return False


def _walk(node: Any, key: str, doc: Document, base: int, out: list[FrontMatterLink]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
            if name.lower() in SELF_KEYS:
                continue
            _walk(v, f"{key}.{name}" if key else name, doc, base, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _walk(v, f"{key}[{i}]", doc, base, out)
    elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
        value = str(node.value).strip()
        if not (_SITE_PATH.match(value) or _HTTP.match(value)):
            return
        first_line = doc.position(base)[0]
        line = first_line + node.start_mark.line
        if line > len(doc.line_starts):
            return
        text = doc.line_text(line)
        col = text.find(value, min(node.start_mark.column, len(text)))
        if col < 0:
            col = text.find(value)
        if col < 0:
            return
        start = doc.line_starts[line - 1] + col
        out.append(FrontMatterLink(value, start, start + len(value), key))
