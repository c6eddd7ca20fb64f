"""Front matter: find, parse and locate the metadata block at the top of a page.

(Minimal version; the full parser handles duplicate keys, tab padding with both
PyYAML loaders, TOML and precise error lines.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class FrontMatterError:
    """A problem in the front matter block: ``offset`` into the document text and a message."""

    offset: int
    message: str


@dataclass
class FrontMatter:
    """The front matter block at the very start of a document.

    Attributes:
        kind: ``"yaml"`` (``---`` fences) or ``"toml"`` (``+++`` fences).
        start: offset of the opening fence (always 0).
        end: offset just past the closing fence line (where the body starts).
        content_start: offset of the first line inside the fences.
        content_end: offset of the closing fence.
        data: the parsed mapping, or None when it could not be parsed.
        errors: syntax errors and duplicate keys, each with an offset.
        key_offsets: offset of each top-level key as written (the first occurrence).
    """

    kind: str
    start: int
    end: int
    content_start: int
    content_end: int
    data: dict[str, Any] | None
    errors: list[FrontMatterError] = field(default_factory=list)
    key_offsets: dict[str, int] = field(default_factory=dict)


def parse_front_matter(text: str) -> FrontMatter | None:
    """Return the front matter of ``text`` (normalised, BOM-less), or None if it has none."""
    for fence, kind in (("---", "yaml"), ("+++", "toml")):
        if not (text.startswith(fence + "\n") or text == fence):
            continue
        content_start = len(fence) + 1
        pos = content_start
        while pos <= len(text):
            nl = text.find("\n", pos)
            line = text[pos:] if nl == -1 else text[pos:nl]
            if line.rstrip() in (fence, "...") if kind == "yaml" else line.rstrip() == fence:
                end = len(text) if nl == -1 else nl + 1
                raw = text[content_start:pos]
                try:
                    data = yaml.safe_load(raw) if kind == "yaml" else None
                except yaml.YAMLError as exc:
                    return FrontMatter(kind, 0, end, content_start, pos, None,
                                       [FrontMatterError(content_start, str(exc))])
                if data is None:
                    data = {}
                return FrontMatter(kind, 0, end, content_start, pos,
                                   data if isinstance(data, dict) else None)
            if nl == -1:
                break
            pos = nl + 1
        return None
    return None
