"""The ``link-text`` rule (PL202): link text that does not say where the link goes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from markdown_it.common.utils import normalizeReference

from playbook_lint.findings import RawFinding, Severity
from playbook_lint.lazyre import lazy_compile
from playbook_lint.rule import Context, Rule, RuleConfig

if TYPE_CHECKING:
    from playbook_lint.document import Document
    from playbook_lint.links.extract import Link

__all__ = ["LinkText", "LinkUse", "link_text_key", "link_uses", "destination_key"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_URL_TEXT = lazy_compile(globals(), r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$", re.IGNORECASE)
#: A reference link usage ``[text][label]`` or ``[text][]`` (the label is looked up in
#: the page's reference definitions; ``[text]`` alone is too often plain brackets).
_REF_USAGE = lazy_compile(globals(),
    r"(?<![\]\\!])\[((?:\\.|[^\\\[\]\n]){1,300})\]\[((?:\\.|[^\\\[\]\n]){0,300})\]"
)
_CLOSE_A = re.compile(r"</a\s*>", re.IGNORECASE)
_TEMPLATE = ("{{", "{%", "<%")


def link_text_key(text: str) -> str:
    """Return ``text`` as compared with the vague-text list: lower-case, punctuation and
    symbols dropped, spaces collapsed (``"Click here!"`` -> ``"click here"``,
    ``"Read more »"`` -> ``"read more"``)."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class LinkUse:
    """A link as a reader meets it: its text and where it goes.

    Attributes:
        text: the link text as the reader gets it ("" when empty).
        url: the destination as written ("" when empty).
        start, end: offsets of the whole construct in ``Document.text``.
        kind: the :class:`~playbook_lint.links.extract.Link` kind, or ``"reference"``
            for a ``[text][label]`` usage.
        has_image: True when the link's content is or holds an image.
        decorative_only: True when every image it holds is an HTML ``<img alt="">``
            (marked decorative, so ``missing-alt-text`` is silent and the link has no
            name at all).
        named: True when an HTML link has an ``aria-label``, ``aria-labelledby`` or
            ``title`` that names it even with no text.
    """

    text: str
    url: str
    start: int
    end: int
    kind: str
    has_image: bool = False
    named: bool = False
    decorative_only: bool = False


def _images_between(links: list[Link], start: int, end: int) -> tuple[bool, bool]:
    """(any image in ``[start, end)``, every such image an HTML ``<img alt="">``).

    ``links`` must be the page's images sorted by ``node_start`` (bisected, so a page
    with thousands of links is not quadratic)."""
    import bisect

    lo = bisect.bisect_left(links, start, key=lambda lk: lk.node_start)
    hi = bisect.bisect_left(links, end, key=lambda lk: lk.node_start)
    images = links[lo:hi]
    decorative = bool(images) and all(lk.kind == "html-img" and lk.alt == "" for lk in images)
    return bool(images), decorative


def link_uses(doc: Document) -> list[LinkUse]:
    """Return the links of ``doc`` that carry link text, in source order.

    Markdown inline links ``[text](url)``, HTML ``<a href>`` and reference usages
    ``[text][label]`` / ``[text][]`` whose label is defined on the page. Autolinks
    and bare URLs are left out: their text is the address by design. Reference usages
    inside code are not read (the usage's ``[`` must be prose, see
    :attr:`Document.prose`). Never raises.
    """
    links = doc.links
    images = sorted((lk for lk in links if lk.is_image), key=lambda lk: lk.node_start)
    out: list[LinkUse] = []
    text = doc.text
    for link in links:
        if link.kind == "inline":
            has, deco = _images_between(images, link.node_start + 1, link.node_end)
            out.append(LinkUse(link.text, link.url, link.node_start, link.node_end, "inline",
                               has, decorative_only=deco))
        elif link.kind == "html-a":
            close = _CLOSE_A.search(text, link.node_end)
            stop = close.start() if close else link.node_end
            named = any((link.attrs.get(k) or "").strip()
                        for k in ("aria-label", "aria-labelledby", "title"))
            has, deco = _images_between(images, link.node_end, stop)
            out.append(LinkUse(link.text, link.url, link.node_start, link.node_end, "html-a",
                               has, named, deco))
    refs = (getattr(doc, "env", None) or {}).get("references") or {}
    if refs and "][" in text:
        prose = doc.prose
        definitions = {lk.reference: lk for lk in links if lk.kind == "definition"}
        for m in _REF_USAGE.finditer(text, doc.body_start):
            if prose[m.start()] != "[":
                continue  # in code, a comment or an HTML attribute
            label = normalizeReference(m.group(2) or m.group(1))
            if label not in refs:
                continue
            d = definitions.get(label)
            url = d.url if d is not None else str(refs[label].get("href", ""))
            has_image = "![" in m.group(1)
            label_text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1))
            out.append(LinkUse(_plain(label_text), url, m.start(), m.end(), "reference",
                               has_image))
    out.sort(key=lambda u: u.start)
    return out


def _plain(markdown: str) -> str:
    """Link text of a reference usage without emphasis and code markers."""
    return " ".join(re.sub(r"[*_`~]+", "", markdown).replace("\\", "").split())


def destination_key(url: str) -> str:
    """Return ``url`` in a form where two spellings of the same page compare equal.

    The fragment is dropped (GOV.UK asks for one text per *page*), scheme and host are
    lower-cased, ``http`` and ``https`` are the same, a default port, a trailing ``/``
    and a trailing ``index.html`` are dropped. A relative URL keeps its path as written
    (a site-root ``/x/`` and ``https://site/x/`` cannot be told apart without the site's
    address, so they count as different). Never raises.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = (parts.hostname or "").lower()
    path = parts.path
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    path = path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    if not host and not path and not query:
        return "#" if parts.fragment else ""  # a link to the same page
    return f"{scheme}://{host}{path}{query}" if host else f"{path}{query}"


class LinkText(Rule):
    """Link text that does not say where the link goes.

    **What it does.** Reports, at the start of the link:

    * vague link text: "click here", "here", "read more", "more", "this link",
      "link" and the other texts of the rule packs that name this rule (the built-in
      one is ``rules/link-text-govuk.yml``), compared without case and punctuation
      ("Click here!" and "read more »" match);
    * a Markdown link whose text is a bare URL (``[https://x.gov/a](https://x.gov/a)``);
    * a link with no text at all (``[](page.md)``, ``<a href="/x"></a>`` with no
      ``aria-label``, ``aria-labelledby`` or ``title``);
    * the same link text used on one page for different destinations (fragments,
      ``http``/``https``, a trailing ``/`` or ``index.html`` do not make a destination
      different), at each use after the first.

    Markdown inline links, reference links ``[text][label]`` and HTML ``<a href>``
    are read; autolinks and bare URLs are not (their text is the address by design).

    A link whose only content is an image with no alt text (``[![](logo.png)](/)``)
    is one problem, reported once, by ``missing-alt-text``: the image's alt text is
    the link's text, so the fix is to write it. This rule stays silent on such links,
    except when the image is marked decorative (``<img alt="">``), which
    ``missing-alt-text`` accepts but which leaves the link with no name: this rule
    reports that one.

    **Why it matters.** Screen reader users often move from link to link or list
    the links of a page; "click here" or "read more" heard on its own says nothing.
    WCAG 2.1 success criterion 2.4.4 (Link Purpose (In Context), level A) asks that
    a link's purpose can be told from its text (with its sentence); GOV.UK asks for
    descriptive link text, never "click here" or "more", and one text per page.

    **Example.** ``To apply, [click here](apply.md).``,
    ``[https://www.gov.uk/apply](https://www.gov.uk/apply)``, ``[Guidance](a.md)``
    and later ``[Guidance](b.md)`` on one page.

    **Use instead.** ``[Apply for a licence](apply.md).``, text that names each
    destination (``[Guidance for employers](a.md)``, ``[Guidance for employees](b.md)``).

    **Fix.** None: only a person can say where a link goes.

    **Options.** ``texts``: more vague link texts for this site (a list of strings,
    added to the packs'); ``duplicates``: ``false`` turns off the same-text check.

    **Source.** GOV.UK content design guidance, "Links",
    https://www.gov.uk/guidance/content-design/links (source:
    https://github.com/alphagov/govuk-content-publishing-guidance,
    ``writing-guidelines/add-links.md``); WCAG 2.1
    Understanding 2.4.4 Link Purpose (In Context),
    https://www.w3.org/WAI/WCAG21/Understanding/link-purpose-in-context ; W3C QA tip
    "Don't use 'click here' as link text", https://www.w3.org/QA/Tips/noClickHere
    """

    name: ClassVar[str] = "link-text"
    code: ClassVar[str] = "PL202"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = False
    summary: ClassVar[str] = "Link text that does not say where the link goes"
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1},
            "source": {"type": "string", "pattern": r"^https?://"},
        },
    }
    options_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "texts": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "duplicates": {"type": "boolean"},
        },
    }

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        vague: set[str] = set()
        for pack in self.config.packs:
            for entry in pack.entries:
                vague.add(link_text_key(str(entry["text"])))
        for text in self.config.options.get("texts", ()) or ():
            vague.add(link_text_key(str(text)))
        vague.discard("")
        self.vague = frozenset(vague)
        self.duplicates = bool(self.config.options.get("duplicates", True))

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per link with vague, URL-only or missing text, and per later
        use of a link text already used for another destination.

        Args:
            doc: the document; its ``links`` and reference definitions are read.
            ctx: unused.

        Yields:
            :class:`RawFinding` spanning the whole link construct.
        """
        first: dict[str, LinkUse] = {}
        for use in link_uses(doc):
            shown = " ".join(use.text.split())
            key = link_text_key(shown)
            if any(t in use.url for t in _TEMPLATE) or any(t in shown for t in _TEMPLATE):
                continue  # the text or the destination comes from a template
            if not key:
                if use.decorative_only and not use.named:
                    yield RawFinding(use.start, use.end,
                                 'link has no text: its only image is marked decorative '
                                 '(alt=""); give the image alt text that says where the link '
                                 "goes")
                    continue
                if use.has_image or use.named or shown:
                    continue  # image-only: missing-alt-text's; symbols only: not empty
                yield RawFinding(use.start, use.end,
                             "link has no text; write text that says where it goes")
                continue
            if key in self.vague:
                yield RawFinding(use.start, use.end,
                             f'link text "{shown}" does not say where the link goes; '
                             "describe the destination")
                continue
            if use.kind != "html-a" and _URL_TEXT.match(shown):
                yield RawFinding(use.start, use.end,
                             "link text is a bare URL; use words that say where the "
                             "link goes")
                continue
            if not self.duplicates or not use.url.strip():
                continue
            seen = first.get(key)
            if seen is None:
                first[key] = use
            elif destination_key(seen.url) != destination_key(use.url):
                line = doc.position(seen.start)[0]
                yield RawFinding(use.start, use.end,
                             f'link text "{shown}" is also used on line {line} for a '
                             "different destination; give each destination its own text")
