"""Split a Markdown document into Vale's scoped blocks.

Vale renders Markdown to HTML and lints each block of text under a *scope*
(https://vale.sh/docs/scopes): ``text.heading.h1``..``h6``, ``text.list`` (a list
item), ``text.blockquote``, ``text.table.header``/``text.table.cell``, ``text.attr.alt``
(image alt text), the inline ``link`` and ``strong`` scopes, and for ordinary
paragraphs three views: ``paragraph``, ``sentence`` (one block per sentence) and
``text``. Two whole-file scopes follow: ``summary`` (the prose of paragraphs, list
items and block quotes) and ``raw`` (the file as it is).

Here the block text is taken from the document's own characters, using
:func:`playbook_lint.scope.prose_text` to know which characters are markup, so every
character of a block maps back to its exact offset in the file (:attr:`Block.offs`).
As in Vale, code spans read as asterisks of the same length, and a list item's or
block quote's *first* paragraph takes the container's scope (later paragraphs read as
plain paragraphs, because Vale's HTML walker resets its tag history at each block end).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["Block", "document_blocks", "cached_blocks", "sentences", "DocumentBlocks"]


@dataclass
class Block:
    """A piece of text under one scope.

    Attributes:
        text: the block's text.
        offs: for each character of ``text``, its offset in ``Document.text``.
        scope: Vale's scope, e.g. ``"text.heading.h2.md"``, ``"sentence.md"``.
        end: offset in the document where the block ends (for comment state).
        kind: ``"heading"``, ``"paragraph"``, ``"list"``, ``"blockquote"``, ``"cell"``,
            ``"alt"``, ``"link"``, ``"strong"``, ``"summary"`` or ``"raw"``.
    """

    text: str
    offs: list[int]
    scope: str
    end: int
    kind: str = ""


@dataclass
class DocumentBlocks:
    """Every block of a document in Vale's order, plus what metrics need.

    Attributes:
        blocks: the blocks in document order (inline blocks before their paragraph).
        metrics: counts by scope: ``heading.h1``.., ``list``, ``blockquote``, ``pre``...
        summary: the ``summary`` block; ``raw`` the ``raw`` block.
    """

    blocks: list[Block] = field(default_factory=list)
    metrics: dict[str, int] = field(default_factory=dict)
    summary: Block | None = None
    raw: Block | None = None


_ABBREV = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e cf al inc ltd co corp no fig approx dept "
    "est jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k a.m p.m".split())
_SENT_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")
_NOT_SPACE = re.compile(r"\S")
#: ``([\w.]+)$`` as re.search finds it (the run of word characters and dots that ends
#: the text or its last line), tried only where such a run starts: the plain pattern
#: runs over the rest of each word from every position inside it.
_LAST_WORD = re.compile(r"(?<![\w.])([\w.]+)(?=\n?\Z)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences, as ``(start, end)`` offsets (whitespace trimmed).

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with closing quotes or brackets)
    followed by white space and a word that does not start with a lower-case letter,
    unless the word before the full stop is a common abbreviation (``e.g.``, ``Dr.``)
    or a single capital letter (an initial).
    """
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        end = m.end()
        # text[end:].lstrip()[:1], without copying the rest of the text each time
        nxt = _NOT_SPACE.search(text, end)
        rest = text[nxt.start()] if nxt is not None else ""
        if rest and (rest[0].islower() or rest[0] in ",;:"):
            continue
        word = _LAST_WORD.search(text[start:m.start()])
        if word is not None and m.group().startswith(".") and rest:
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREV or (len(w) == 1 and w.isalpha()):
                continue
        out.append((start, end))
        start = end
    if start < n:
        out.append((start, n))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _extract(text: str, prose: str, start: int, end: int,
             drop: set[int] | None = None, tag_space: bool = False,
             offsets: bool = True) -> tuple[str, list[int]]:
    """Text of ``text[start:end]`` without markup, and each character's offset.

    Markup is what ``prose`` blanked; code spans become asterisks; white space at the
    start and end of each line is dropped; backslash escapes read as the character;
    with ``tag_space`` an HTML tag reads as one space (``<td>a</td><td>b</td>``).
    Without ``offsets`` the offset list is left empty (the text is the same, and no
    offset is computed: blocks read for their words only, :func:`prose_blocks`).
    """
    chars: list[str] = []
    # one scanner for both: ``offs`` is None when the offsets are not wanted, and
    # every step that adds or drops a character does the same to ``offs`` if any
    offs: list[int] | None = [] if offsets else None
    i = start
    line_start = True
    drops = sorted(k for k in drop if start <= k < end) if drop else []
    while i < end:
        c = text[i]
        if c == "\n":
            while chars and chars[-1] in " \t":
                chars.pop()
                if offs is not None:
                    offs.pop()
            if chars and chars[-1] != "\n":
                chars.append("\n")
                if offs is not None:
                    offs.append(i)
            line_start = True
            i += 1
            continue
        if drop is not None and i in drop:
            i += 1
            continue
        p = prose[i]
        if p != c:  # markup (blanked)
            if tag_space and c == "<" and chars and chars[-1] not in " \n":
                chars.append(" ")
                if offs is not None:
                    offs.append(i)
            if c == "`":
                j = i
                while j < end and text[j] == "`":
                    j += 1
                run = j - i
                k = j
                close = -1
                while k < end:
                    if text[k] == "`":
                        m = k
                        while m < end and text[m] == "`":
                            m += 1
                        if m - k == run:
                            close = k
                            break
                        k = m
                        continue
                    if prose[k] == text[k] and text[k] not in " \n":
                        break
                    k += 1
                if close != -1:
                    for q in range(j, close):
                        if text[q] != "\n":
                            chars.append("*")
                            if offs is not None:
                                offs.append(q)
                    line_start = False
                    i = close + run
                    continue
            i = _markup_run_end(text, prose, i + 1, end)
            continue
        if line_start and c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < end and text[i + 1] in _ESCAPABLE:
            i += 1
            continue
        line_start = False
        # a run of plain prose characters is taken at once: it ends at the line's end,
        # a backslash, a dropped offset, or a blanked (markup) character, which is
        # where ``prose`` has a space and ``text`` does not
        j = text.find("\n", i + 1, end)
        j = end if j == -1 else j
        k = text.find("\\", i + 1, j)
        if k != -1:
            j = k
        if drops:
            at = bisect.bisect_right(drops, i)
            if at < len(drops) and drops[at] < j:
                j = drops[at]
        k = prose.find(" ", i + 1, j)
        while k != -1 and text[k] == " ":
            k = prose.find(" ", k + 1, j)
        if k != -1:
            j = k
        chars.extend(text[i:j])
        if offs is not None:
            offs.extend(range(i, j))
        i = j
    while chars and chars[-1] in " \t\n":
        chars.pop()
        if offs is not None:
            offs.pop()
    return "".join(chars), offs if offs is not None else []


_PROSE_CHAR = re.compile(r"[^ ]")
_MARKUP_STOP = re.compile(r"[ `<]")


def _markup_run_end(text: str, prose: str, i: int, end: int) -> int:
    """Where the run of markup characters at ``i`` ends (``i`` itself when ``text[i]``
    is no such character): characters that ``prose`` blanked (a space there, none in
    ``text``) other than a backtick or ``<``, which :func:`_extract` skips one by one
    (a blanked URL, say), whether dropped or not. Newlines are never blanked."""
    if i >= end or prose[i] != " " or text[i] in " `<":
        return i
    k = _PROSE_CHAR.search(prose, i, end)
    k_end = end if k is None else k.start()
    m = _MARKUP_STOP.search(text, i, k_end)
    return k_end if m is None else m.start()


_LINKISH = re.compile(r"(!?)\[")


def _inline_parts(text: str, prose: str, start: int, end: int, spans_too: bool = True
                  ) -> tuple[set[int], list[tuple[str, int, int]]]:
    """Find link and image brackets in ``text[start:end]``.

    Without ``spans_too`` only the ``drop`` set is computed (``spans`` is empty).

    Returns:
        ``(drop, spans)``: offsets to leave out of the block text (brackets, whole
        images) and ``(kind, start, end)`` spans of link text (``"link"``), image alt
        text (``"alt"``) and strong text (``"strong"``).
    """
    drop: set[int] = set()
    spans: list[tuple[str, int, int]] = []
    i = start
    while True:
        m = _LINKISH.search(text, i, end)
        if m is None:
            break
        open_at = m.end() - 1
        if prose[open_at] != "[":
            i = m.end()
            continue
        depth = 0
        j = open_at
        close = -1
        while j < end:
            ch = text[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    close = j
                    break
            j += 1
        if close == -1:
            break
        nxt = close + 1
        is_link = nxt < end and text[nxt] in "([" and prose[nxt] != text[nxt]
        if not is_link:
            i = open_at + 1
            continue
        if m.group(1):  # image: the alt text is not part of the paragraph
            spans.append(("alt", open_at + 1, close))
            drop.update(range(m.start(), close + 1))
        else:
            spans.append(("link", open_at + 1, close))
            drop.add(open_at)
            drop.add(close)
        i = close + 1
    if not spans_too:
        return drop, []
    for sm in re.finditer(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", text[start:end], re.DOTALL):
        spans.append(("strong", start + sm.start(2), start + sm.end(2)))
    spans.extend(("code", a, b) for a, b in _code_spans(text, prose, start, end))
    return drop, spans


_TICKS = re.compile(r"`+")


def _code_spans(text: str, prose: str, start: int, end: int) -> list[tuple[int, int]]:
    """Content spans of the code spans in ``text[start:end]`` (backtick runs that
    ``prose`` blanked, closed by a run of the same length)."""
    out: list[tuple[int, int]] = []
    runs = [m for m in _TICKS.finditer(text, start, end) if prose[m.start()] != "`"]
    i = 0
    while i < len(runs):
        opener = runs[i]
        n = opener.end() - opener.start()
        j = next((k for k in range(i + 1, len(runs))
                  if runs[k].end() - runs[k].start() == n), None)
        if j is None:
            i += 1
            continue
        a, b = opener.end(), runs[j].start()
        if b > a and text[a] == " " and text[b - 1] == " " and text[a:b].strip():
            a, b = a + 1, b - 1
        out.append((a, b))
        i = j + 1
    return out


def _line_span(doc: Document, first: int, last: int) -> tuple[int, int]:
    starts = doc.line_starts
    n = len(doc.text)
    s = starts[first] if first < len(starts) else n
    e = starts[last] if last < len(starts) else n
    return s, e


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def document_blocks(doc: Document, ext: str = ".md", *,
                    headings_only: bool = False, words_only: bool = False) -> DocumentBlocks:
    """Build every scoped block of ``doc`` (see the module docstring).

    Args:
        doc: the document.
        ext: the extension appended to scopes (Vale's ``text.heading.h1.md``).
        headings_only: build only the heading blocks (and the inline blocks inside
            headings), with no ``summary`` or ``raw`` block and only the heading
            metrics: what rules scoped to headings alone need (most pages' other
            blocks cost far more to build than their headings).
        words_only: for readers of the words of the page's prose outside headings
            (:func:`prose_blocks`): with empty offset lists, the ``list``,
            ``blockquote`` and ``cell`` blocks as built, and one block of kind
            ``sentences`` for each paragraph or HTML block, its text not split into
            sentences (its ``sentence`` blocks are the :func:`sentences` of it); no
            heading, ``paragraph``, ``text``, inline, ``summary`` or ``raw`` block.

    Returns:
        a :class:`DocumentBlocks`.
    """
    text = doc.text
    prose = doc.prose
    out = DocumentBlocks()
    summary_parts: list[tuple[str, list[int]]] = []
    history: list[str] = []
    tokens = doc.tokens
    metrics = out.metrics

    def bump(key: str) -> None:
        metrics[key] = metrics.get(key, 0) + 1

    def emit_inline(s: int, e: int, para_end: int) -> tuple[set[int], list[Block]]:
        drop, spans = _inline_parts(text, prose, s, e, spans_too=not words_only)
        if words_only:
            return drop, []
        extra: list[Block] = []
        for kind, a, b in spans:
            if kind == "code":
                t, o = text[a:b], list(range(a, b))
            else:
                t, o = _extract(text, prose, a, b)
            if not t.strip():
                continue
            scope = {"alt": "text.attr.alt", "link": "link", "strong": "strong",
                     "code": "code"}[kind]
            extra.append(Block(t, o, scope, para_end, kind))
        return drop, extra

    for i, tok in enumerate(tokens):
        ttype = tok.type
        if headings_only and ttype != "heading_open":
            continue  # (headings are never inside tables, the only history they read)
        if ttype.endswith("_open") and ttype not in ("paragraph_open", "heading_open"):
            tag = {"bullet_list_open": "ul", "ordered_list_open": "ol", "list_item_open": "li",
                   "blockquote_open": "blockquote", "table_open": "table"}.get(ttype)
            if tag:
                history.append(tag)
            if ttype == "table_open" and tok.map is not None:
                _table(doc, tok, out, prose, offsets=not words_only)
            continue
        if ttype.endswith("_close") and ttype not in ("paragraph_close", "heading_close"):
            history = []
            continue
        if ttype in ("fence", "code_block"):
            bump("pre")
            history = []
            continue
        if ttype == "html_block":
            # the text between tags is prose (Vale lints HTML blocks as HTML)
            history = []
            if tok.map is not None:
                s, e = _line_span(doc, tok.map[0], tok.map[1])
                body, offs = _extract(text, prose, s, e, tag_space=True,
                                      offsets=not words_only)
                if body.strip() and words_only:
                    out.blocks.append(Block(body, offs, f"sentences{ext}", e, "sentences"))
                elif body.strip():
                    out.blocks.append(Block(body, offs, f"paragraph{ext}", e, "paragraph"))
                    for a, b in sentences(body):
                        out.blocks.append(Block(body[a:b], offs[a:b], f"sentence{ext}", e,
                                                "sentence"))
                    out.blocks.append(Block(body, offs, f"text{ext}", e, "paragraph"))
                    summary_parts.append((body, offs))
            continue
        if ttype not in ("paragraph_open", "heading_open") or tok.map is None:
            continue
        inline = tokens[i + 1] if i + 1 < len(tokens) else None
        if inline is None or inline.type != "inline":
            continue
        if any(t == "table" for t in history):
            continue
        if words_only and ttype == "heading_open":
            history = []  # (a heading's words are not read)
            continue
        s, e = _line_span(doc, tok.map[0], tok.map[1])
        drop, extra = emit_inline(s, e, e)
        body, offs = _extract(text, prose, s, e, drop, offsets=not words_only)
        out.blocks.extend(extra)
        if ttype == "heading_open":
            level = tok.tag  # "h1".."h6"
            history = []
            if body.strip():
                bump(f"heading.{level}")
                out.blocks.append(Block(body, offs, f"text.heading.{level}{ext}", e, "heading"))
            continue
        history.append("p")
        first = next((h for h in history if h in ("li", "blockquote")), None)
        history = []
        if not body.strip():
            continue
        if first == "li":
            bump("list")
            out.blocks.append(Block(body, offs, f"text.list{ext}", e, "list"))
        elif first == "blockquote":
            bump("blockquote")
            out.blocks.append(Block(body, offs, f"text.blockquote{ext}", e, "blockquote"))
        elif words_only:
            out.blocks.append(Block(body, offs, f"sentences{ext}", e, "sentences"))
        else:
            out.blocks.append(Block(body, offs, f"paragraph{ext}", e, "paragraph"))
            for a, b in sentences(body):
                out.blocks.append(Block(body[a:b], offs[a:b], f"sentence{ext}", e, "sentence"))
            out.blocks.append(Block(body, offs, f"text{ext}", e, "paragraph"))
        summary_parts.append((body, offs))
    if headings_only or words_only:
        return out
    # summary: the prose joined by blank lines; raw: the whole file
    s_text: list[str] = []
    s_offs: list[int] = []
    for body, offs in summary_parts:
        s_text.append(body + "\n\n")
        s_offs.extend(offs)
        last = offs[-1] if offs else 0
        s_offs.extend([last, last])
    out.summary = Block("".join(s_text), s_offs, f"summary{ext}", len(text), "summary")
    out.raw = Block(text, list(range(len(text))), f"raw{ext}", len(text), "raw")
    return out


def cached_blocks(doc: Document, *, headings_only: bool = False) -> DocumentBlocks:
    """:func:`document_blocks` of ``doc``, computed once per document (kept on it).

    With ``headings_only``, the heading blocks alone (see :func:`document_blocks`),
    or every block when those were already built."""
    hit = doc.__dict__.get("_vale_blocks")
    if hit is None and headings_only:
        hit = doc.__dict__.get("_vale_heading_blocks")
        if hit is None:
            hit = doc.__dict__["_vale_heading_blocks"] = document_blocks(
                doc, headings_only=True)
        return hit
    if hit is None:
        hit = doc.__dict__["_vale_blocks"] = document_blocks(doc)
    return hit


def prose_blocks(doc: Document) -> list[Block]:
    """The blocks of ``doc`` whose words are the page's prose outside headings:
    :func:`cached_blocks`' blocks when they were built, else :func:`document_blocks`
    with ``words_only`` (computed once per document). Readers take the ``sentence``,
    ``list``, ``cell`` and ``blockquote`` blocks' texts, and the text of each
    ``sentences`` block (words-only) as its :func:`sentences` (a reader whose
    matches hold no white space and never start a sentence can read it whole)."""
    hit = doc.__dict__.get("_vale_blocks")
    if hit is not None:
        return hit.blocks
    words = doc.__dict__.get("_vale_word_blocks")
    if words is None:
        words = doc.__dict__["_vale_word_blocks"] = document_blocks(doc, words_only=True).blocks
    return words


def _table(doc: Document, tok: object, out: DocumentBlocks, prose: str,
           offsets: bool = True) -> None:
    """Add a block per table cell (header row: ``text.table.header``)."""
    text = doc.text
    first, last = tok.map  # type: ignore[attr-defined]
    for ln in range(first, last):
        if ln == first + 1:
            continue  # the delimiter row
        s, e = _line_span(doc, ln, ln + 1)
        line = text[s:e].rstrip("\n")
        if not line.strip():
            continue
        scope = "text.table.header.md" if ln == first else "text.table.cell.md"
        cuts = [s + m.start() for m in _CELL_SPLIT.finditer(line)
                if not _in_code(line, m.start())]
        bounds = [s, *cuts, s + len(line)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            a2 = a + 1 if text[a:a + 1] == "|" else a
            body, offs = _extract(text, prose, a2, b, offsets=offsets)
            if body.strip():
                out.blocks.append(Block(body, offs, scope, e, "cell"))


def _in_code(line: str, pos: int) -> bool:
    return line[:pos].count("`") % 2 == 1
