"""Heading id algorithms of the site generators' Markdown renderers.

Each function turns a heading's plain text into the ``id`` its renderer writes (no
duplicate suffix; :class:`~playbook_lint.generators.base.HeadingIds` adds those).
The GitHub one lives in :mod:`playbook_lint.links.slugs` (github-slugger); Hugo's
Goldmark default (``autoHeadingIDType = "github"``) and kramdown's GFM parser (Jekyll's
default input) give the same ids.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["kramdown_id", "redcarpet_id", "markdown_it_anchor_id", "python_markdown_id"]


def kramdown_id(text: str) -> str:
    """kramdown's own parser with ``auto_ids`` (``input: kramdown``): drop everything up
    to the first ASCII letter, keep ASCII letters, digits, spaces and ``-``, spaces to
    ``-``, lower case; ``section`` when nothing is left.
    (https://kramdown.gettalong.org/converter/html.html#auto-ids)"""
    s = re.sub(r"^[^a-zA-Z]+", "", text)
    s = re.sub(r"[^a-zA-Z0-9 -]", "", s).replace(" ", "-").lower()
    return s or "section"


_REDCARPET_STRIPPED = set(" -&+$,/:;=?@\"#{}|^~[]`\\*()%.!'")


def redcarpet_id(text: str) -> str:
    """Redcarpet's ``with_toc_data`` header anchor (Middleman, GOV.UK Tech Docs):
    runs of spaces, punctuation and non-ASCII characters become one ``-`` (none at the
    ends), other characters are lower-cased; HTML tags and entities are skipped.
    (https://github.com/vmg/redcarpet/blob/master/ext/redcarpet/html.c,
    ``rndr_header_anchor``)"""
    out: list[str] = []
    stripped = False
    inserted = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            while i < n and text[i] != ">":
                i += 1
        elif ch == "&":
            while i < n and text[i] != ";":
                i += 1
        elif not ch.isascii() or ch in _REDCARPET_STRIPPED:
            if inserted and not stripped:
                out.append("-")
            stripped = True
        else:
            out.append(ch.lower())
            stripped = False
            inserted += 1
        i += 1
    if stripped and inserted and out and out[-1] == "-":
        out.pop()
    return "".join(out)


def markdown_it_anchor_id(text: str) -> str:
    """markdown-it-anchor's default ``slugify``:
    ``encodeURIComponent(String(s).trim().toLowerCase().replace(/\\s+/g, '-'))``,
    given here decoded (fragments are compared decoded).
    (https://github.com/valeriangalliat/markdown-it-anchor#usage)"""
    return re.sub(r"\s+", "-", text.strip().lower())


def python_markdown_id(text: str) -> str:
    """Python-Markdown's ``toc`` extension ``slugify`` (MkDocs): NFKD, ASCII only,
    drop characters that are not word characters, spaces or ``-``, lower case, runs of
    spaces and ``-`` to one ``-``.
    (https://python-markdown.github.io/extensions/toc/#slugify)"""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)
