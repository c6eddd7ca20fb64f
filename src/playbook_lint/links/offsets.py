"""Offsets into a block token's ``content`` mapped back to the file.

markdown-it block tokens know their source lines (``token.map``) but not where
their content sits on each line: blockquote and list prefixes, heading markers,
table pipes and escaped ``\\|`` lie in between. :class:`OffsetMapper` finds each
content line on its source line once, so an offset into the content (for example a
span recorded by :func:`playbook_lint.mdparser.parse_inline`) becomes an offset
into :attr:`Document.text`.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

    from playbook_lint.document import Document

__all__ = ["OffsetMapper", "inline_blocks", "inline_mappers"]


class OffsetMapper:
    """Map offsets into a block token's ``content`` to offsets into ``Document.text``.

    ``mode`` is ``"suffix"`` (each content line ends its source line: paragraphs,
    HTML blocks, setext headings) or ``"find"`` (the content is somewhere after
    ``cursor`` on its line: ATX headings, table cells).
    """

    # slots, and the lists made when the mapper is first used: a page has one mapper
    # per inline block and most are never asked (55,660 on digitalgov)
    __slots__ = ("_src", "_starts", "_content", "_first_line", "_mode", "_built",
                 "cstarts", "offsets", "charmaps")

    def __init__(
        self, doc: Document, content: str, first_line: int, mode: str,
        cursors: dict[int, int] | None = None,
    ) -> None:
        # the source and its line starts, not the Document (no reference cycle)
        self._src = doc.markdown_source
        self._starts = doc.line_starts
        self._content = content
        self._first_line = first_line
        self._mode = mode
        self._built = False
        if cursors is not None:
            # table cells are found left to right on their line: in order, now
            self._build(cursors)
        # other blocks are located when first asked (most blocks hold no link)

    def _build(self, cursors: dict[int, int] | None = None) -> None:
        src, starts, content = self._src, self._starts, self._content
        first_line, mode = self._first_line, self._mode
        self._built = True
        self.cstarts: list[int] = []
        self.offsets: list[int] = []
        #: per content line, a full offset map when the source differs from the
        #: content character by character (table cells with escaped pipes ``\|``)
        self.charmaps: list[list[int] | None] = []
        pos = 0
        for i, cline in enumerate(content.split("\n")):
            self.cstarts.append(pos)
            pos += len(cline) + 1
            ln = min(first_line + i, len(starts) - 1)
            ls = starts[ln]
            le = src.find("\n", ls)
            sline = src[ls:] if le == -1 else src[ls:le]
            cur = cursors.get(ln, 0) if cursors is not None else 0
            charmap = None
            if mode == "find" and "|" in cline and sline.find(cline, cur) < 0:
                charmap = self._escaped_pipes(sline, cline, cur)
            if charmap is not None:
                p = charmap[0]
                end = charmap[-1]
                charmap = [ls + k for k in charmap]
            else:
                p = self._locate(sline, cline, mode, cur)
                end = p + len(cline)
            if cursors is not None:
                cursors[ln] = end
            self.offsets.append(ls + p)
            self.charmaps.append(charmap)

    @staticmethod
    def _escaped_pipes(sline: str, cline: str, cursor: int) -> list[int] | None:
        """Source index of each character of ``cline`` (plus its end) when the source
        writes some of its ``|`` as ``\\|``; None if it does not appear so."""
        pattern = r"\\?\|".join(re.escape(part) for part in cline.split("|"))
        m = re.compile(pattern).search(sline, cursor)
        if m is None:
            return None
        out: list[int] = []
        k = m.start()
        for ch in cline:
            if ch == "|" and sline[k] == "\\":
                k += 1
            out.append(k)
            k += 1
        out.append(k)
        return out

    @staticmethod
    def _locate(sline: str, cline: str, mode: str, cursor: int) -> int:
        # ``core`` without the blanks markdown-it may have added (tabs expanded to
        # spaces) or removed; ``lead`` keeps offsets inside ``cline`` right.
        core = cline.strip(" \t")
        lead = len(cline) - len(cline.lstrip(" \t"))
        if mode == "suffix":
            if sline.endswith(cline):
                return len(sline) - len(cline)
            stripped = sline.rstrip(" \t")
            if core and stripped.endswith(core):
                return len(stripped) - len(core) - lead
        if cline:
            j = sline.find(cline, cursor)
            if j >= 0:
                return j
            if core:
                j = sline.find(core, cursor)
                if j < 0:
                    j = sline.find(core)
                if j >= 0:
                    return j - lead
        return max(0, len(sline) - len(cline))

    def __call__(self, q: int) -> int:
        if not self._built:
            self._build()
        i = max(bisect.bisect_right(self.cstarts, q) - 1, 0)
        charmap = self.charmaps[i]
        if charmap is not None:
            return charmap[max(0, min(q - self.cstarts[i], len(charmap) - 1))]
        return self.offsets[i] + q - self.cstarts[i]


#: ``doc.__dict__`` key of the memo of :func:`inline_blocks` and :func:`inline_mappers`.
_MEMO = "_pl_inline_blocks"


def inline_blocks(doc: Document) -> list[tuple[Token, OffsetMapper]]:
    """Each inline token of ``doc`` (that has a ``map``) with the mapper from its
    content to ``doc.text`` offsets: table cells and ATX headings are found on their
    line (``"find"``), other blocks end their lines (``"suffix"``).

    Computed once per ``doc.tokens`` (links, anchors and the reference and template
    rules all ask for it) and kept on ``doc``; the list is shared, not to be changed.
    """
    return _memo(doc)[0]


def inline_mappers(doc: Document) -> dict[int, OffsetMapper]:
    """:func:`inline_blocks` as a dict: ``id(token)`` -> its mapper (shared, not to be
    changed)."""
    return _memo(doc)[1]


def _memo(doc: Document) -> tuple[list[tuple[Token, OffsetMapper]], dict[int, OffsetMapper]]:
    tokens = doc.tokens
    cache = getattr(doc, "__dict__", None)
    memo = cache.get(_MEMO) if cache is not None else None
    if memo is not None and memo[0] is tokens:
        return memo[1], memo[2]
    out: list[tuple[Token, OffsetMapper]] = []
    cursors: dict[int, int] = {}
    for idx, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.map:
            continue
        prev = tokens[idx - 1].type if idx else ""
        if prev in ("th_open", "td_open"):
            mapper = OffsetMapper(doc, tok.content, tok.map[0], "find", cursors)
        elif prev == "heading_open" and tokens[idx - 1].markup.startswith("#"):
            mapper = OffsetMapper(doc, tok.content, tok.map[0], "find")
        else:
            mapper = OffsetMapper(doc, tok.content, tok.map[0], "suffix")
        out.append((tok, mapper))
    by_id = {id(t): m for t, m in out}
    if cache is not None:
        cache[_MEMO] = (tokens, out, by_id)
    return out, by_id
