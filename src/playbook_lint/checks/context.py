"""Where a word of prose stands: quoted, mentioned, or part of a name.

Three questions the ``jargon`` rule asks about a match, each answered by a principle
that holds on any page (no word or name lists):

- :class:`QuoteSpans`: is it inside someone else's words, a blockquote (``>``, except
  GitHub alert callouts ``> [!NOTE]``, which are the author's own) or a quotation in
  quotation marks (``"..."``, ``“...”``, ``‘...’``, ``'...'``) within one paragraph?
- :func:`mentioned`: is the word mentioned rather than used: the whole of an emphasis
  span (``_utilize_``), the subject of a list item that lists words and gives their
  replacement or gloss (``- utilize (use _use_)``, ``- impact or impactful``), the term
  of a definition list, or the whole of a table cell?
- :func:`lone_name`: is it a capitalised word in the middle of a sentence-case
  sentence (``add the Touchpoints survey``), i.e. a product or proper name?
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from playbook_lint.lazyre import lazy_compile

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["QuoteSpans", "in_title", "mentioned", "lone_name"]

_ALERT = lazy_compile(globals(), r"[ \t]*>[ \t>]*\[![A-Za-z]+\]")
_PARA_BREAK = lazy_compile(globals(), r"\n[ \t>]*\n")


class QuoteSpans:
    """The quoted parts of one document, as sorted ``[start, end)`` offset ranges.

    Args:
        doc: the document; its blockquote tokens and its prose are read once.
    """

    def __init__(self, doc: Document) -> None:
        spans: list[tuple[int, int]] = []
        text = doc.text
        for tok in doc.tokens:
            if tok.type == "blockquote_open" and tok.map:
                first, last = tok.map
                lo = doc.offset(first + 1)
                if _ALERT.match(text, lo):
                    continue
                hi = doc.offset(last + 1) if last < len(doc.line_starts) else len(text)
                spans.append((lo, hi))
        spans.extend(_quotations(doc.prose))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for lo, hi in spans:  # a union of ranges, so one bisect answers
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        self._starts = [lo for lo, _ in merged]
        self._spans = merged

    def covers(self, offset: int) -> bool:
        """True if ``offset`` lies inside a blockquote or a quotation."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._spans[i][1]


_CURLY = lazy_compile(globals(), "\u201c[^\u201c\u201d]{1,1200}\u201d")
_STRAIGHT = lazy_compile(globals(), r'(?<![\w])"(?=\S)[^"]{1,1200}(?<=\S)"(?!\w)')
_SINGLE = lazy_compile(globals(),
    r"(?:(?<=^)|(?<=[\s(\[]))[\u2018'](?=[^\W\d_])[^\u2018\u2019'\n]{1,300}?"
    r"(?<=[\w.,!?)])[\u2019'](?![^\W\d_])"
)


def _quotations(prose: str) -> list[tuple[int, int]]:
    """Spans of text in quotation marks inside one paragraph: curly double quotes
    paired in order, straight double quotes paired in order, and single quotes that
    open after a space or bracket and close before a non-letter (so an apostrophe,
    as in "don't", neither opens nor closes one)."""
    out: list[tuple[int, int]] = []
    base = 0
    bounds = [m.start() for m in _PARA_BREAK.finditer(prose)] + [len(prose)]
    for stop in bounds:
        para = prose[base:stop]
        if '"' in para or "\u201c" in para or "'" in para or "\u2018" in para:
            for pat in (_CURLY, _STRAIGHT, _SINGLE):
                out.extend((base + m.start(), base + m.end()) for m in pat.finditer(para))
        base = stop
    return out


# -- mentions -------------------------------------------------------------------------
_LIST_ITEM = lazy_compile(globals(), r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_MARKS = "*_`\"'\u201c\u201d\u2018\u2019"
_GLOSS = lazy_compile(globals(), r"\s*(?:\(|:|[-\u2013\u2014]\s|\u2192|=>|=)")
_JOIN = lazy_compile(globals(), r"\s*(?:,|/|\bor\b|\band\b)\s*")


def mentioned(doc: Document, start: int, end: int) -> bool:
    """True if the word at ``doc.text[start:end]`` is mentioned rather than used.

    A mention is: the whole of an emphasis span (``_utilize_``, ``**leverage**``); the
    subject of a list item that names words and then glosses them: the item's text up
    to an opening parenthesis, colon, dash, arrow or equals sign (or the whole item)
    is the matched term alone or with alternatives joined by "or", "and", commas or
    slashes (``- utilize (use _use_)``, ``- commit or pledge (...)``,
    ``- impact or impactful``); the term line of a definition list (the next line
    starts with ``:``); or the whole text of a table cell.
    """
    text = doc.text
    word = text[start:end]
    for mark in ("**", "__", "*", "_"):
        n = len(mark)
        if text[start - n:start] == mark and text[end:end + n] == mark \
                and text[start - n - 1:start - n] not in ("*", "_") \
                and text[end + n:end + n + 1] not in ("*", "_"):
            return True
    line_no, _ = doc.position(start)
    line_start = doc.line_starts[line_no - 1]
    line = doc.line_text(line_no)
    item = _LIST_ITEM.match(line)
    if item is not None:
        body_start = line_start + item.end()
        body = text[body_start:line_start + len(line)]
        lead = body[: len(body) - len(body.lstrip(_MARKS + " \t"))]
        if body_start + len(lead) <= start:
            head = body[len(lead):]
            gloss = _GLOSS.search(head)
            subject = head[: gloss.start()] if gloss else head
            parts = [p.strip(_MARKS + " \t.") for p in _JOIN.split(subject)]
            if _norm(word) in {_norm(p) for p in parts if p} and \
                    start < body_start + len(lead) + len(subject):
                return True
    # definition list: a term line followed by ": definition"
    if line.strip(_MARKS + " \t") == word.strip() and line_no < doc.line_count:
        if doc.line_text(line_no + 1).lstrip().startswith(": "):
            return True
    # a table cell holding only the word
    if "|" in line:
        col = start - line_start
        left = line.rfind("|", 0, col)
        right = line.find("|", col)
        if left != -1 and right != -1 and \
                line[left + 1:right].strip(_MARKS + " \t") == word.strip():
            return True
    return False


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


# -- names ------------------------------------------------------------------------------
_PREV = lazy_compile(globals(), r"([^\W\d_][\w'\u2019.-]*)([,;]?)[\s\[\(*_]*$")


def lone_name(prose: str, start: int, end: int) -> bool:
    """True if ``prose[start:end]`` is a capitalised word in the middle of a sentence in
    sentence case (``add the Touchpoints survey``, ``Specialist, Touchpoints, GSA``): the
    word before it is lower-case or is followed by a comma; no sentence end, line
    start or heading/list marker comes between; and the next word is not capitalised
    (a Title Case word). Such a word is a product or proper name, not jargon; text in
    Title Case (``Our Key Findings``, ``How to Deliver Value``) is not a name."""
    first = prose[start:start + 1]
    if not first.isupper() or prose[start + 1:start + 2].isupper():
        return False
    nxt = _NEXT.match(prose, end)
    if nxt is not None and nxt.group(1)[:1].isupper() and not nxt.group(1).isupper():
        return False
    head = prose[max(0, start - 80):start]
    m = _PREV.search(head)
    if m is None or "\n" in head[m.end(1):] or m.group(1)[-1:] == ".":
        return False
    return m.group(2) == "," or m.group(1)[:1].islower()


_NEXT = lazy_compile(globals(), r"[^\S\n]+([^\W\d_][\w'\u2019-]*)")


# -- titles -----------------------------------------------------------------------------
_SPAN = lazy_compile(
    globals(), r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1|\(([^()\n]+)\)|\u201c([^\u201d\n]+)\u201d")
_LEAD = lazy_compile(globals(), r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?")


def in_title(doc: Document, start: int, end: int) -> bool:
    """True if ``doc.text[start:end]`` is part of a title cited mid-line: an emphasis
    span, parenthesis or quotation of three or more words in which every word of four
    letters or more is capitalised (``(_Streamlining Service Delivery and Improving
    Customer Service_)``), the name of an order, book or article. A span that opens the
    line (a bold pseudo-heading such as ``**Key Findings**``) is the author's own text
    and is not a title."""
    line_no, _ = doc.position(start)
    line_start = doc.line_starts[line_no - 1]
    line = doc.line_text(line_no)
    lead = _LEAD.match(line)
    first = lead.end() if lead else 0
    s, e = start - line_start, end - line_start
    for m in _SPAN.finditer(line):
        if not (m.start() <= s and e <= m.end()) or m.start() <= first:
            continue
        body = m.group(2) or m.group(3) or m.group(4) or ""
        words = re.findall(r"[^\W\d_][\w'\u2019-]*", body)
        long_words = [w for w in words if len(w) >= 4]
        if len(words) >= 3 and long_words and all(w[:1].isupper() for w in long_words):
            return True
    return False
