"""Start tags of HTML fragments (raw HTML in Markdown), with attribute value spans.

Read with the standard library's :class:`html.parser.HTMLParser` (tags inside
comments are skipped, character references decoded); the span of each attribute
value as written is found by :data:`_ATTR_RE`, so a finding can point at the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

__all__ = ["HtmlTag", "parse_html_tags"]


@dataclass(frozen=True)
class HtmlTag:
    """A start tag read by :func:`parse_html_tags`.

    Attributes:
        name: lower-cased tag name.
        attrs: attributes (lower-cased names, first occurrence wins, value-less -> None).
        start, end: offsets of the tag text in the string parsed.
        value_spans: for each attribute with a value, the ``(start, end)`` of the value
            as written (inside quotes) in the string parsed.
        text: for ``<a>``: the text up to its ``</a>`` in the same string ("" otherwise).
    """

    name: str
    attrs: Mapping[str, str | None]
    start: int
    end: int
    value_spans: Mapping[str, tuple[int, int]]
    text: str = ""


_ATTR_RE = re.compile(
    r"""(?:(?<=[\s/"'])|^)([^\s/>"'=][^\s/>=]*)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""",
)


class _TagReader(HTMLParser):
    def __init__(self, line_starts: list[int]) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = line_starts
        self.tags: list[dict[str, Any]] = []
        self.open_a: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, col = self.getpos()
        start = self.line_starts[line - 1] + col
        raw = self.get_starttag_text() or ""
        d: dict[str, str | None] = {}
        for k, v in attrs:
            d.setdefault(k.lower(), v)
        rec = {"name": tag.lower(), "attrs": d, "start": start, "raw": raw, "text": []}
        self.tags.append(rec)
        if rec["name"] == "a":
            self.open_a.append(rec)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() == "a" and self.open_a:
            self.open_a.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "a" and self.open_a:
            self.open_a.pop()

    def handle_data(self, data: str) -> None:
        for rec in self.open_a:
            rec["text"].append(data)


def _value_spans(raw: str) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    m0 = re.match(r"<[a-zA-Z][^\s/>]*", raw)
    pos = m0.end() if m0 else 0
    for m in _ATTR_RE.finditer(raw, pos):
        name = m.group(1).lower()
        if m.group(2) is None or name in spans:
            continue
        for g in (3, 4, 5):
            if m.group(g) is not None:
                spans[name] = (m.start(g), m.end(g))
                break
    return spans


def parse_html_tags(html: str) -> list[HtmlTag]:
    """Read the start tags of an HTML fragment with :class:`html.parser.HTMLParser`.

    Tags inside comments are not read. Never raises: a fragment the parser cannot
    read yields the tags read so far.

    Args:
        html: the fragment (may span lines).

    Returns:
        Tags in order, with offsets into ``html``.
    """
    line_starts = [0] + [i + 1 for i, c in enumerate(html) if c == "\n"]
    reader = _TagReader(line_starts)
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # noqa: BLE001 - malformed HTML must not stop the run
        pass
    out: list[HtmlTag] = []
    for rec in reader.tags:
        raw = rec["raw"]
        spans = {k: (rec["start"] + a, rec["start"] + b) for k, (a, b) in _value_spans(raw).items()}
        out.append(HtmlTag(
            name=rec["name"], attrs=rec["attrs"], start=rec["start"],
            end=rec["start"] + len(raw), value_spans=spans,
            text=" ".join("".join(rec["text"]).split()),
        ))
    return out
