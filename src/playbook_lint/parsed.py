"""Pages parsed by the link stage, handed to the lint stage: one parse per page per run.

An online run reads every page twice: :func:`playbook_lint.api.check_links` extracts
the external URLs (which parses the page and its links), then the lint stage runs the
rules over the same page. :class:`ParsedPages` keeps what the first reading made so
the second does not make it again:

- ``"documents"`` mode keeps each :class:`~playbook_lint.document.Document` whole
  (block tokens, links, front matter): the lint stage parses nothing again. The
  block tokens cost about 12 bytes of memory per byte of text, so this mode is for
  runs linted in this process, and stops keeping whole documents past
  ``budget_bytes`` of text (later pages keep their links only). Once a page is
  linted, what the rules cached on it is dropped (:meth:`ParsedPages.linted`).
- ``"links"`` mode keeps each page's links and front matter only, pickled (about
  1.7 KB a page, 4 % of a document's memory): the lint stage re-reads the file and
  re-builds the block tokens (the cheap half of the parse) but not the links (the
  inline parse, link and bare-URL extraction: the costly half). A process pool uses
  this mode: forked workers share the parent's memory, and peak RSS counts it once
  per process. With a pool the link stage's reading is done in the pool too: each
  worker parses its share of the pages (:func:`read_page`) and hands back the
  URLs and the pickled links (:meth:`ParsedPages.keep_read`).

A kept page is used only when the file's text is unchanged since it was read (same
length and hash: the file is read again, which is cheap, the parse is not); otherwise
the page is parsed afresh. A page linked with a ``#fragment`` before it is linted has
its anchors read from its kept Document too (:meth:`ParsedPages.kept_document`).
:attr:`ParsedPages.parses` counts the pages each stage parsed, for tests.
"""

from __future__ import annotations

import pickle
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from playbook_lint import fmmemo
from playbook_lint.document import Document

if TYPE_CHECKING:
    from playbook_lint.frontmatter import FrontMatter
    from playbook_lint.links.extract import Link

__all__ = ["ParsedPages", "Mode", "ReadPage", "read_page"]

Mode = Literal["documents", "links"]

#: Characters of text whose whole Documents ``"documents"`` mode keeps (about 12x
#: that in memory: 4 MB of text, about 50 MB).
DEFAULT_BUDGET = 4_000_000


#: Document attributes a kept page's anchors are computed from (the rest is dropped
#: once the page is linted).
_ANCHOR_INPUTS = frozenset({
    "path", "text", "display_path", "encoding", "bom", "newline", "line_starts",
    "front_matter", "body_start", "markdown_source", "tokens", "env", "anchors",
    "anchor_ids",
})


@dataclass(frozen=True)
class _Kept:
    """What a page's first reading left: its text's fingerprint, and the whole
    Document or its ``(links, front_matter)`` pickled (a fifth of their memory, and
    one object for the garbage collector and for forked workers' pages to share)."""

    size: int
    digest: int
    document: Document | None = None
    parts: bytes = b""


@dataclass(frozen=True)
class ReadPage:
    """One page as :func:`read_page` read it in a worker process, for the parent.

    Attributes:
        path: the page's absolute path.
        urls: its external URLs as written, repeats kept
            (:func:`~playbook_lint.links.stage.external_urls`).
        size: the length of its text in characters.
        digest: ``hash()`` of its text (forked processes share the hash seed).
        parts: its ``(links, front_matter)`` pickled, as ``"links"`` mode keeps them.
        front_matter_block: its front matter block (:func:`playbook_lint.fmmemo.block`),
            or None when it has none.
        front_matter: that block's parse without its YAML node (the site model's
            readers compose it again if they need it), for the parent's memo.
    """

    path: Path
    urls: list[str]
    size: int
    digest: int
    parts: bytes
    front_matter_block: str | None = None
    front_matter: FrontMatter | None = None


def read_page(path: Path) -> ReadPage | None:
    """Parse ``path`` and extract its links, as the link stage does, returning what the
    parent keeps of it (:meth:`ParsedPages.keep_read`); None when it cannot be read
    (an ``OSError``, not text included: the lint stage reports it). Run in the
    process pool's forked workers, so a large tree's pages are parsed on every core."""
    from playbook_lint.links.stage import external_urls

    try:
        doc = Document.from_path(path)
    except OSError:
        return None
    urls = external_urls(doc)
    fm = doc.front_matter
    parts = pickle.dumps((doc.links, fm), protocol=pickle.HIGHEST_PROTOCOL)
    key = fmmemo.block(doc.text) if fm is not None else None
    return ReadPage(path, urls, len(doc.text), hash(doc.text), parts, key,
                    None if fm is None else replace(fm, node=None))


class ParsedPages:
    """Documents (or their links) parsed by the link stage, keyed by absolute path.

    Args:
        mode: ``"documents"`` or ``"links"`` (see the module docstring).
        only: the paths the lint stage will lint (others are read for their URLs
            only, e.g. another shard's pages, and are not kept); None keeps all.
        budget_bytes: in ``"documents"`` mode, the text size (characters) up to which
            whole documents are kept; past it pages keep their links only.
    """

    def __init__(self, mode: Mode = "links", *, only: Collection[Path] | None = None,
                 budget_bytes: int = DEFAULT_BUDGET) -> None:
        self.mode: Mode = mode
        self.only = set(only) if only is not None else None
        self.budget = budget_bytes
        self._used = 0
        self._kept: dict[Path, _Kept] = {}
        #: pages parsed by the link stage, and pages the lint stage had to parse
        #: afresh (not kept, or changed since)
        self.parses = {"link stage": 0, "lint stage": 0}
        #: Document attributes :meth:`linted` keeps too (a run that lints each page
        #: in two passes keeps what the second pass reads)
        self.keep_after_lint: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self._kept)

    def keep(self, path: Path, doc: Document) -> None:
        """Record ``doc`` (read from ``path`` by the link stage, ``doc.links`` computed)."""
        self.parses["link stage"] += 1
        if self.only is not None and path not in self.only:
            return
        whole = self.mode == "documents" and self._used + len(doc.text) <= self.budget
        if whole:
            self._used += len(doc.text)
        if whole:
            self._kept[path] = _Kept(len(doc.text), hash(doc.text), document=doc)
        else:
            parts = pickle.dumps((doc.links, doc.front_matter), protocol=pickle.HIGHEST_PROTOCOL)
            self._kept[path] = _Kept(len(doc.text), hash(doc.text), parts=parts)

    def keep_read(self, page: ReadPage) -> None:
        """Record a page another process read (:func:`read_page`): its links and front
        matter only, as ``"links"`` mode keeps every page; its front matter's parse
        also goes to this process's memo (:func:`playbook_lint.fmmemo.remember`)."""
        self.parses["link stage"] += 1
        if page.front_matter_block is not None:  # the site model reads it next
            fmmemo.remember(page.front_matter_block, page.front_matter)
        if self.only is not None and page.path not in self.only:
            return
        self._kept[page.path] = _Kept(page.size, page.digest, parts=page.parts)

    def document(self, path: Path, display_path: str) -> Document:
        """The lint stage's Document for ``path``: the kept one (whole, or re-read with
        its kept links and front matter) when the file's text is unchanged, else a
        fresh one.

        Raises:
            OSError: the file cannot be read (:class:`~playbook_lint.document.NotTextError`
                when it is not text), as :meth:`Document.from_path`.
        """
        kept = self._kept.get(path)
        if kept is not None and kept.document is None:
            del self._kept[path]  # links only: used up (a whole one serves anchors later)
        doc = Document.from_path(path, display_path=display_path)
        if kept is None or kept.size != len(doc.text) or kept.digest != hash(doc.text):
            self.parses["lint stage"] += 1
            return doc
        if kept.document is not None:
            kept.document.display_path = display_path
            return kept.document
        links: list[Link]
        front_matter: FrontMatter | None
        links, front_matter = pickle.loads(kept.parts)
        cache: dict[str, Any] = doc.__dict__  # the cached_property slots
        cache["links"] = links
        cache["front_matter"] = front_matter
        return doc

    def linted(self, doc: Document) -> None:
        """Called by the lint stage when it is done with ``doc``: a kept whole Document
        drops what the rules cached on it (prose, Vale blocks: many times the text),
        keeping what its anchors are read from, for pages that link to it later."""
        kept = self._kept.get(doc.path)
        if kept is not None and kept.document is doc:
            keep = _ANCHOR_INPUTS | self.keep_after_lint
            for name in [k for k in doc.__dict__ if k not in keep]:
                del doc.__dict__[name]

    def kept_document(self, path: Path) -> Document | None:
        """The whole Document kept for ``path``, or None: the workspace reads a linked
        page's anchors from it instead of parsing the page again."""
        kept = self._kept.get(path)
        return kept.document if kept is not None else None
