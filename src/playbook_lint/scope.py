"""Prose scope: which characters of a document are prose.

:func:`prose_text` returns a copy of the document text of the same length in which
every character that is not prose is replaced by a space (newlines are kept), so an
offset into it is an offset into :attr:`Document.text`, and a line/column computed
from it is the file's own.

Not prose: the front matter block; fenced and indented code blocks; code spans
(CommonMark backtick runs); link destinations, titles and reference labels;
autolinks and bare URLs and e-mail addresses; HTML tags with their attributes, HTML
comments, ``<script>``/``<style>``/``<pre>``/``<code>``-like elements' contents and
character references; reference definitions; Liquid/Hugo template tags
(``{{ ... }}``, ``{% ... %}``, ``{{< ... >}}``) and the bodies of
``{% highlight %}``/``{% comment %}``/``{{< highlight >}}`` blocks; ERB tags
(``<% ... %>``); kramdown attribute lists (``{: .class}``); setext underlines,
ATX heading markers, thematic breaks and container markers (``>``, list bullets and
numbers) and emphasis delimiters (``*``, ``**``, ``_`` outside words, ``~~``), so that a
phrase that continues on the next line of a blockquote or list item, or a bold word,
reads as continuous prose.

Prose: the text of paragraphs, headings, list items, table cells, blockquotes, link
text, image alt text and the text between tags in HTML blocks.

The block structure comes from markdown-it's token maps (``Document.tokens``); the
inline structure comes from a scan of the source written here (markdown-it-py's
inline tokens carry no offsets), following the CommonMark spec
(https://spec.commonmark.org/0.31.2/) for code spans, autolinks, raw HTML and link
destinations.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

    from playbook_lint.document import Document

__all__ = ["prose_text", "blank"]

# -- patterns (CommonMark 0.31.2, sections 6.5 autolinks and 6.6 raw HTML) ---------
_ATTR = r"""(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_HTML_TAG = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*" + _ATTR + r"*\s*/?>"  # open tag
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>"  # closing tag
    r"|<!--(?:-?>|.*?-->)"  # comment (incl. the degenerate <!--> and <!--->)
    r"|<\?.*?\?>"  # processing instruction
    r"|<![A-Za-z][^>]*>"  # declaration
    r"|<!\[CDATA\[.*?\]\]>",  # CDATA
    re.DOTALL,
)
_AUTOLINK = re.compile(
    r"<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*>"
    r"|<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>"
)
# Elements whose content is code or data, not prose.
_RAW_ELEMENT = re.compile(
    r"<(script|style|pre|code|kbd|samp|textarea|svg|math)\b[^>]*>.*?</\1\s*>",
    re.DOTALL | re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Bare URLs, www. hosts and e-mail addresses (what linkify would turn into links).
_URL_PART = r"(?<![\w@/.-])(?:(?:https?|ftp|mailto|file):(?://)?|www\.)[^\s<>\"'`]*" \
    r"[^\s<>\"'`.,;:!?)\]}*_~]"
_EMAIL_PART = r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_BARE_URL = re.compile(_URL_PART + "|" + _EMAIL_PART)
# Template languages, applied to the whole body before Markdown is considered.
_TEMPLATE_BLOCKS = re.compile(
    r"\{%-?\s*(highlight|comment)\b.*?\{%-?\s*end\1\s*-?%\}"
    # Hugo's highlight needs a language; digital.gov's argument-less {{< highlight >}}
    # marks highlighted prose, which stays prose.
    r"|\{\{[<%]\s*(highlight|code)\s+[^\s>%}][^}]*?[>%]\}\}.*?\{\{[<%]\s*/\2\s*[>%]\}\}",
    re.DOTALL,
)
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<%.*?%>", re.DOTALL)
_KRAMDOWN_IAL = re.compile(r"\{:[^}\n]*\}")
# Emphasis and strikethrough delimiters (an underscore inside a word is text).
_STARS, _TILDES, _UNDERSCORES = r"\*+", r"~~+", r"(?<![^\W_])_+|_+(?![^\W_])"
_EMPHASIS = re.compile("|".join((_STARS, _TILDES, _UNDERSCORES)))
# Character references, bare URLs and emphasis delimiters in one pass.
_TEXT_NOISE = re.compile("|".join(f"(?:{p.pattern})" for p in (_ENTITY, _BARE_URL, _EMPHASIS)))
_INLINE_SPECIAL = re.compile(r"[\\`<\]]")
_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BLOCK_LEAVES = {
    "paragraph_open", "heading_open", "fence", "code_block", "html_block", "table_open", "hr",
}


def blank(chars: list[str], start: int, end: int) -> None:
    """Replace ``chars[start:end]`` by spaces, keeping newlines (in place).

    Args:
        chars: the text as a list of one-character strings.
        start, end: offsets; clamped to the list.
    """
    start = max(0, start)
    end = min(len(chars), end)
    if start >= end:
        return
    part = chars[start:end]
    if "\n" in part:
        chars[start:end] = ["\n" if c == "\n" else " " for c in part]
    else:
        chars[start:end] = [" "] * (end - start)


_NOT_NEWLINE = re.compile(r"[^\n]")


def _spaces(part: str) -> str:
    """``part`` with every character but a newline replaced by a space (what
    :func:`blank` writes)."""
    return _NOT_NEWLINE.sub(" ", part) if "\n" in part else " " * len(part)


def _blanked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each of ``spans`` (sorted, disjoint ``(start, end)`` offsets)
    blanked as :func:`blank` blanks it; ``text`` itself when no span is blanked."""
    parts: list[str] = []
    pos = 0
    for a, b in spans:
        if a >= b:
            continue
        parts.append(text[pos:a])
        parts.append(_spaces(text[a:b]))
        pos = b
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def _blank_pattern(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` blanked (matches found in ``text`` as it
    was, as blanking them one by one in a list of its characters would)."""
    return _blanked(text, (m.span() for m in pattern.finditer(text)))


def prose_text(doc: Document) -> str:
    """Return ``doc.text`` with every non-prose character replaced by a space.

    Args:
        doc: the document (its ``text``, ``body_start``, ``line_starts`` and ``tokens``
            are used).

    Returns:
        a string of exactly ``len(doc.text)`` characters with newlines where
        ``doc.text`` has them; prose characters are kept unchanged. Never raises on
        malformed Markdown or HTML: unmatched constructs are left as prose.
    """
    text = doc.text
    body = doc.body_start
    n = len(text)
    if body >= n:
        return _spaces(text)

    # 1. Template tags first: Liquid/Hugo/ERB run before Markdown does (every match
    #    of the three patterns holds a "{" or a "<%"). Blanked as strings, each
    #    pattern over what the one before left.
    seg = text[body:]
    if "{" in text or "<%" in text:
        for pattern in (_TEMPLATE_BLOCKS, _TEMPLATE, _KRAMDOWN_IAL):
            seg = _blank_pattern(seg, pattern)
    chars = list(_spaces(text[:body]) + seg)

    starts = doc.line_starts

    def line_span(first: int, last: int) -> tuple[int, int]:
        """Offsets of 0-based lines ``[first, last)``."""
        s = starts[first] if first < len(starts) else n
        e = starts[last] if last < len(starts) else n
        return s, e

    # 2. Block structure. Every line that no leaf block covers (blank lines, reference
    #    definitions, bare container markers) is blanked.
    covered = [False] * (len(starts) + 1)
    tokens = doc.tokens
    for i, tok in enumerate(tokens):
        if tok.type not in _BLOCK_LEAVES or tok.map is None:
            continue
        first, last = tok.map
        for ln in range(first, min(last, len(covered))):
            covered[ln] = True
        s, e = line_span(first, last)
        if tok.type in ("fence", "code_block", "hr"):
            blank(chars, s, e)
        elif tok.type == "html_block":
            _html_region(chars, s, e)
        elif tok.type in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1] if i + 1 < len(tokens) else None
            if inline is not None and inline.type == "inline":
                _strip_markers(chars, text, starts, tok, inline)
            _inline_region(chars, s, e)
        elif tok.type == "table_open":
            _inline_region(chars, s, e)
    for ln in range(len(starts)):
        if not covered[ln]:
            s, e = line_span(ln, ln + 1)
            if s >= body:
                blank(chars, s, e)
    return "".join(chars)


def _strip_markers(
    chars: list[str], text: str, starts: list[int], block: Token, inline: Token
) -> None:
    """Blank container markers and heading markers before each line's content."""
    assert block.map is not None
    first, last = block.map
    content_lines = inline.content.split("\n")
    for k, ln in enumerate(range(first, last)):
        s = starts[ln] if ln < len(starts) else len(text)
        e = text.find("\n", s)
        e = len(text) if e == -1 else e
        line = text[s:e]
        if k >= len(content_lines):  # setext underline
            blank(chars, s, e)
            continue
        content = content_lines[k].strip()
        if not content:
            continue
        stripped = line.rstrip()
        if block.type == "heading_open" and block.markup.startswith("#"):
            hashes = line.find("#")
            pos = line.find(content, hashes + 1) if hashes != -1 else -1
            if pos != -1:
                blank(chars, s, s + pos)
                blank(chars, s + pos + len(content), e)
            continue
        if stripped.endswith(content):
            blank(chars, s, s + len(stripped) - len(content))


def _html_region(chars: list[str], start: int, end: int) -> None:
    """Blank tags, comments, raw elements, entities and URLs of an HTML block."""
    seg = "".join(chars[start:end])  # blanking leaves a subset of these characters
    has_tag = "<" in seg
    was = seg
    for pattern, may in ((_RAW_ELEMENT, has_tag), (_HTML_TAG, has_tag), (_ENTITY, "&" in seg),
                         (_BARE_URL, "@" in seg or any(w in seg for w in _NOISE_WORDS))):
        if may:  # (every match of the pattern holds that character or word)
            seg = _blank_pattern(seg, pattern)
    if seg is not was:
        chars[start:end] = seg


def _match_destination(s: str, i: int) -> int:
    """If ``s[i] == "("`` starts a link destination and optional title closed by ``)``,
    return the offset just past the ``)``; else -1."""
    n = len(s)
    j = i + 1
    while j < n and s[j] in " \t\n":
        j += 1
    if j < n and s[j] == "<":
        k = j + 1
        while k < n and s[k] not in "<>\n":
            k += 2 if s[k] == "\\" else 1
        if k >= n or s[k] != ">":
            return -1
        j = k + 1
    else:
        depth = 0
        while j < n:
            c = s[j]
            if c == "\\" and j + 1 < n:
                j += 2
                continue
            if c in " \t\n" or ord(c) < 0x20:
                break
            if c == "(":
                depth += 1
                if depth > 32:
                    return -1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
    ws = j
    while j < n and s[j] in " \t\n":
        j += 1
    if j < n and s[j] in "\"'(" and j > ws:
        close = ")" if s[j] == "(" else s[j]
        k = j + 1
        while k < n and s[k] != close:
            k += 2 if s[k] == "\\" else 1
        if k >= n:
            return -1
        j = k + 1
        while j < n and s[j] in " \t\n":
            j += 1
    if j < n and s[j] == ")":
        return j + 1
    return -1


_BACKTICKS = re.compile(r"`+")


def _inline_region(chars: list[str], start: int, end: int) -> None:
    """Blank the non-prose inline constructs of a paragraph, heading or table."""
    s = "".join(chars[start:end])
    n = len(s)
    i = 0
    spans: list[tuple[int, int]] = []
    runs_by_len: dict[int, list[int]] | None = None
    find_special = _INLINE_SPECIAL.search
    while i < n:
        special = find_special(s, i)
        if special is None:
            break
        i = special.start()
        c = s[i]
        if c == "\\":
            i += 2 if i + 1 < n and s[i + 1] in _ESCAPABLE else 1
            continue
        if c == "`":
            j = i
            while j < n and s[j] == "`":
                j += 1
            run = j - i
            if runs_by_len is None:  # every maximal backtick run, by length, once
                runs_by_len = {}
                for m_run in _BACKTICKS.finditer(s):
                    runs_by_len.setdefault(m_run.end() - m_run.start(), []).append(
                        m_run.start())
            # the closing run is the next maximal run of the same length (CommonMark);
            # a bisect keeps pathological inputs (runs of 1, 2, 3... backticks) linear-ish
            same = runs_by_len.get(run, [])
            at = bisect.bisect_left(same, j)
            close = same[at] + run if at < len(same) else -1
            if close == -1:
                i = j
                continue
            spans.append((i, close))
            i = close
            continue
        if c == "<":
            tag = _AUTOLINK.match(s, i) or _RAW_ELEMENT.match(s, i) or _HTML_TAG.match(s, i)
            if tag:
                spans.append((i, tag.end()))
                i = tag.end()
                continue
        if c == "]" and i + 1 < n:
            if s[i + 1] == "(":
                k = _match_destination(s, i + 1)
                if k != -1:
                    spans.append((i + 1, k))
                    i = k
                    continue
            elif s[i + 1] == "[":
                k = s.find("]", i + 2)
                if k != -1 and k - i < 1000 and "[" not in s[i + 2:k]:
                    spans.append((i + 1, k + 1))
                    i = k + 1
                    continue
        i += 1
    was = s
    if spans:
        s = _blanked(s, spans)
    noise = _noise_pattern(s)
    if noise is not None:
        s = _blank_pattern(s, noise)
    if s is not was:
        chars[start:end] = s


#: What every match of ``_TEXT_NOISE`` contains: a character reference ``&``; a bare
#: URL's scheme (``http``, ``ftp:``, ``mailto:``, ``file:``) or ``www.``; an e-mail
#: address's ``@``; an emphasis delimiter ``*``, ``~`` or ``_`` (the patterns are
#: case-sensitive).
_NOISE_CHARS = frozenset("&@*~_")
_NOISE_WORDS = ("http", "www.", "ftp:", "mailto:", "file:")


def _may_hold_noise(s: str) -> bool:
    """False when ``_TEXT_NOISE`` cannot match ``s`` (it has none of the characters or
    words every match contains): most paragraphs, whose scan by the combined pattern
    (tried at every position) is the costliest part of :func:`_inline_region`."""
    return not _NOISE_CHARS.isdisjoint(s) or any(w in s for w in _NOISE_WORDS)


#: ``_TEXT_NOISE``'s alternatives in its order, each with a test of ``s`` that is
#: False when the alternative cannot match anywhere in ``s`` (what every match holds).
_NOISE_PARTS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    (_ENTITY.pattern, lambda s: "&" in s),
    (_URL_PART, lambda s: any(w in s for w in _NOISE_WORDS)),
    (_EMAIL_PART, lambda s: "@" in s),
    (_STARS, lambda s: "*" in s),
    (_TILDES, lambda s: "~~" in s),
    (_UNDERSCORES, lambda s: "_" in s),
)
_NOISE_VARIANTS: dict[tuple[bool, ...], re.Pattern[str] | None] = {}


def _noise_pattern(s: str) -> re.Pattern[str] | None:
    """``_TEXT_NOISE`` without the alternatives that cannot match in ``s`` (the same
    matches: an alternative that fails at every position never wins one), or None
    when none can. Each alternative costs a try at every position of ``s``, and most
    paragraphs hold the characters of one or two of them at most."""
    if not _may_hold_noise(s):
        return None
    key = tuple(test(s) for _, test in _NOISE_PARTS)
    try:
        return _NOISE_VARIANTS[key]
    except KeyError:
        pass
    alts = [f"(?:{p})" for (p, _), on in zip(_NOISE_PARTS, key, strict=True) if on]
    pattern = re.compile("|".join(alts)) if alts else None
    _NOISE_VARIANTS[key] = pattern
    return pattern
