"""The Document: one Markdown file, read and parsed once, shared by every rule.

Positions: every offset is an index into :attr:`Document.text`, which is the file's
text decoded, without a UTF-8 BOM and with line endings normalised to ``\\n``. Lines
and columns are 1-based and count the file's own lines (front matter included);
columns count code points. Because CRLF and LF both end a line, normalising does
not move any line or column.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from markdown_it.token import Token

from playbook_lint import fmmemo
from playbook_lint.frontmatter import FrontMatter
from playbook_lint.links.extract import Anchor, Link, extract_anchors, extract_links
from playbook_lint.mdparser import markdown_parser, parse_blocks
from playbook_lint.scope import prose_text

BOM = "\ufeff"


@dataclass(frozen=True)
class DecodedText:
    """A file's text and how to write it back.

    Attributes:
        text: decoded text, BOM removed, line endings normalised to ``\\n``.
        encoding: ``"utf-8"``; ``"utf-16-le"`` etc. after such a BOM; or, when the bytes
            are not UTF-8, ``"cp1252"``/``"latin-1"``.
        bom: True if the file started with a byte order mark (see :func:`bom_for`).
        newline: the file's dominant line ending (``"\\n"``, ``"\\r\\n"`` or ``"\\r"``).
        bom_bytes: the byte order mark exactly as the file had it (``b""`` if none).
            It is kept apart from ``encoding``: a file that starts with a UTF-8 BOM but
            is not valid UTF-8 is read as cp1252/latin-1 *after* its BOM, so offsets
            into ``text`` never count the BOM's three bytes as characters.
        raw: the decoded text without BOM, line endings as stored (what a fix edits).
    """

    text: str
    encoding: str
    bom: bool
    newline: str
    bom_bytes: bytes = b""
    raw: str = ""


#: Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


#: Liquid blocks whose content is not rendered as Markdown with its templates
#: expanded: ``{% comment %}`` (dropped) and ``{% raw %}`` (template syntax shown
#: as written). https://shopify.github.io/liquid/tags/template/
_LIQUID_BLOCK = re.compile(
    r"\{%-?\s*(comment|raw)\s*-?%\}.*?\{%-?\s*end\1\s*-?%\}", re.DOTALL)


def _blank(m: re.Match[str]) -> str:
    """Every character of a never-rendered block but white space becomes ``x``: the
    block structure around it (paragraphs, indentation) stays as it was."""
    return re.sub(r"\S", "x", m.group(0))


class NotTextError(OSError):
    """The file is not text (NUL bytes without a UTF-16/32 byte order mark)."""


def bom_for(encoding: str) -> bytes:
    """The byte order mark of ``encoding`` (b"" if it has none). To write a file back,
    use :attr:`DecodedText.bom_bytes` instead: a UTF-8 BOM may head cp1252 text."""
    return next((b for b, enc in BOMS if enc == encoding), b"")


def decode(data: bytes) -> DecodedText:
    """Decode file bytes into a :class:`DecodedText`.

    A UTF-8, UTF-16 or UTF-32 byte order mark picks the encoding; without one, text
    that is not UTF-8 is read as cp1252, else latin-1, so a later write is lossless.

    Raises:
        NotTextError: NUL bytes in the first 8,000 bytes and no UTF-16/32 BOM (git's
            test for binary files): an image or archive named ``.md``.
    """
    bom = False
    bom_bytes = b""
    encodings: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")
    for mark, enc in BOMS:
        if data.startswith(mark):
            bom, bom_bytes, data = True, mark, data[len(mark):]
            # a UTF-8 BOM on bytes that are not UTF-8: an editor added the mark to a
            # cp1252 file; read the rest as the mark-less file would be read
            encodings = encodings if enc == "utf-8" else (enc, "latin-1")
            break
    if encodings[0] in ("utf-8", "cp1252") and b"\x00" in data[:8000]:
        raise NotTextError("binary file (NUL bytes), not Markdown text")
    raw = ""
    encoding = encodings[-1]
    for encoding in encodings:
        try:
            raw = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if encoding == "latin-1" and bom and encodings[0] != "utf-8":
        raise NotTextError(f"not valid {encodings[0].upper()} text despite its byte order mark")
    crlf = raw.count("\r\n")
    lone_cr = raw.count("\r") - crlf
    lf = raw.count("\n") - crlf
    newline = "\r\n" if crlf > max(lf, lone_cr) else ("\r" if lone_cr > lf else "\n")
    text = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    return DecodedText(text=text, encoding=encoding, bom=bom, newline=newline,
                       bom_bytes=bom_bytes, raw=raw)


class Document:
    """A parsed Markdown file.

    Args:
        path: the file's path (used for resolving relative links).
        text: the normalised text (see module docstring); use :meth:`from_path` or
            :meth:`from_bytes` for raw file content.
        display_path: the path as reported (relative, forward slashes).
        encoding, bom, newline: how the file is stored (see :class:`DecodedText`).

    Attributes computed lazily and cached: ``front_matter``, ``tokens``, ``links``,
    ``anchors``, ``prose``.
    """

    def __init__(
        self,
        path: Path,
        text: str,
        *,
        display_path: str | None = None,
        encoding: str = "utf-8",
        bom: bool = False,
        newline: str = "\n",
    ) -> None:
        self.path = path
        self.text = text
        self.display_path = display_path if display_path is not None else path.as_posix()
        self.encoding = encoding
        self.bom = bom
        self.newline = newline
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.line_starts: list[int] = starts

    @classmethod
    def from_bytes(cls, path: Path, data: bytes, *, display_path: str | None = None) -> Document:
        """Build a Document from a file's bytes (BOM, CRLF and non-UTF-8 handled)."""
        d = decode(data)
        return cls(
            path, d.text, display_path=display_path, encoding=d.encoding, bom=d.bom,
            newline=d.newline,
        )

    @classmethod
    def from_path(cls, path: Path, *, display_path: str | None = None) -> Document:
        """Read and build a Document. Raises ``OSError`` if the file cannot be read."""
        return cls.from_bytes(path, path.read_bytes(), display_path=display_path)

    # -- positions -------------------------------------------------------------
    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based ``(line, column)`` of ``offset`` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """Return the offset of 1-based ``(line, column)``; line 0-based index is clamped."""
        line = max(1, min(line, len(self.line_starts)))
        return self.line_starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        """Return the text of 1-based ``line`` without its newline."""
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing newline does not start a new line)."""
        n = len(self.line_starts)
        return n - 1 if self.text.endswith("\n") else n

    # -- structure -------------------------------------------------------------
    @cached_property
    def front_matter(self) -> FrontMatter | None:
        """The front matter block at the very start of the file, or None (parsed once
        per run for every reader: :mod:`playbook_lint.fmmemo`; do not modify it)."""
        return fmmemo.front_matter(self.text)

    @cached_property
    def body_start(self) -> int:
        """Offset where the Markdown body starts (after the front matter block)."""
        fm = self.front_matter
        return fm.end if fm is not None else 0

    @cached_property
    def markdown_source(self) -> str:
        """The text given to markdown-it: the front matter block replaced by spaces and
        Liquid ``{% comment %}``/``{% raw %}`` blocks (never rendered as written) by
        ``x`` characters (white space and newlines kept), so every offset, line and
        column stays the file's own and no link is found in them."""
        start = self.body_start
        text = self.text
        if start:
            text = "\n".join(" " * len(line) for line in text[:start].split("\n")) + \
                text[start:]
        if "{%" in text and _LIQUID_BLOCK.search(text, start):
            text = _LIQUID_BLOCK.sub(_blank, text)
        return text

    @cached_property
    def tokens(self) -> list[Token]:
        """markdown-it block tokens (``token.map`` holds 0-based ``[start, end)`` lines).

        Only the block structure is parsed here, plus the inline children of headings
        (for anchors): inline content is parsed once, with positions, by the link
        extractor, so a full inline pass here would be work done twice.
        ``self.env["references"]`` holds the reference definitions.
        """
        md = markdown_parser()
        env: dict = {}
        tokens = parse_blocks(self.markdown_source, env)
        for i, tok in enumerate(tokens):
            if tok.type == "inline" and i and tokens[i - 1].type == "heading_open":
                children: list[Token] = []
                md.inline.parse(tok.content, md, env, children)
                tok.children = children
        self.env = env
        return tokens

    @cached_property
    def links(self) -> list[Link]:
        """Every link of the body in source order (see :mod:`playbook_lint.links.extract`)."""
        return extract_links(self)

    @cached_property
    def anchors(self) -> list[Anchor]:
        """Headings' slugs and explicit ``id``/``name`` anchors, in source order."""
        return extract_anchors(self)

    @cached_property
    def anchor_ids(self) -> frozenset[str]:
        """The set of fragment ids a ``#fragment`` may point at."""
        return frozenset(a.id for a in self.anchors)

    @cached_property
    def prose(self) -> str:
        """A copy of :attr:`text` of the same length in which everything that is not
        prose (front matter, code, URLs, link destinations, HTML tags and attributes,
        reference definitions, comments) is replaced by spaces; newlines are kept."""
        return prose_text(self)
