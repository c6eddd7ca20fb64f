"""Document model: decoding, positions with CRLF and BOM, front matter blanking."""

from __future__ import annotations

from pathlib import Path

from playbook_lint.document import Document, decode


def test_decode_bom_crlf():
    d = decode(b"\xef\xbb\xbfa\r\nb\r\n")
    assert (d.text, d.encoding, d.bom, d.newline) == ("a\nb\n", "utf-8", True, "\r\n")


def test_decode_lf_and_lone_cr():
    assert decode(b"a\nb\n").newline == "\n"
    d = decode(b"a\rb\r")
    assert (d.text, d.newline) == ("a\nb\n", "\r")


def test_decode_not_utf8_is_lossless():
    data = "caf\u00e9 \u2019".encode("cp1252")
    d = decode(data)
    assert d.encoding == "cp1252"
    assert d.text.encode(d.encoding) == data


def test_positions_ignore_bom_and_crlf():
    doc = Document.from_bytes(Path("x.md"), b"\xef\xbb\xbfab\r\ncd \xc3\xa9x\r\n")
    assert doc.position(0) == (1, 1)
    assert doc.position(doc.text.index("d")) == (2, 2)
    assert doc.position(doc.text.index("x")) == (2, 5)  # code points, not bytes
    assert doc.offset(2, 5) == doc.text.index("x")
    assert doc.line_text(2) == "cd \u00e9x"
    assert doc.line_count == 2


def test_front_matter_is_blanked_for_markdown_keeping_offsets():
    text = "---\ntitle: A\n---\n# Heading\n"
    doc = Document(Path("x.md"), text)
    assert doc.body_start == len("---\ntitle: A\n---\n")
    assert len(doc.markdown_source) == len(text)
    assert doc.markdown_source.startswith("   \n        \n   \n# Heading")
    heading = [t for t in doc.tokens if t.type == "heading_open"][0]
    assert heading.map == [3, 4]  # 0-based line 3 == file line 4


def test_later_thematic_break_is_not_front_matter():
    doc = Document(Path("x.md"), "# Title\n\n---\ntitle: no\n---\n")
    assert doc.front_matter is None
    assert doc.body_start == 0
