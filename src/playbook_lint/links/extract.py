"""Link and anchor extraction (placeholder interface; see the full implementation)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playbook_lint.document import Document


@dataclass(frozen=True)
class Link:
    """One link or image of a document.

    Attributes:
        url: the destination as written in the source (entities/escapes resolved,
            not percent-encoded), e.g. ``"../x.md#y"``.
        kind: one of ``"inline"``, ``"image"``, ``"definition"`` (``[id]: url``),
            ``"autolink"`` (``<https://...>``), ``"bare"`` (linkified URL),
            ``"html-a"``, ``"html-img"`` (raw HTML ``href``/``src``).
        start, end: offsets of the URL itself in ``Document.text``.
        node_start, node_end: offsets of the whole construct (``![alt](src)``, the tag).
        text: link text, or alt text for images ("" if empty).
        alt: for images: the alt text, or None when an HTML ``<img>`` has no alt attribute.
        attrs: for HTML links/images, the tag's attributes (lower-cased names).
    """

    url: str
    kind: str
    start: int
    end: int
    node_start: int
    node_end: int
    text: str = ""
    alt: str | None = None
    attrs: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def is_image(self) -> bool:
        """True for Markdown and HTML images."""
        return self.kind in ("image", "html-img")


@dataclass(frozen=True)
class Anchor:
    """A place a ``#fragment`` can point at: ``id`` and the offset where it is defined."""

    id: str
    offset: int
    kind: str = "heading"  # or "html-id", "html-name", "attr-list"


def extract_links(doc: Document) -> list[Link]:
    """Return every link of ``doc`` in source order."""
    return []


def extract_anchors(doc: Document) -> list[Anchor]:
    """Return every anchor of ``doc`` in source order."""
    return []
