"""fmmemo: one parse of each front matter block per run, the same result as
parse_front_matter, shared by Document, the site model and the schema inference."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint import fmmemo
from playbook_lint.document import Document
from playbook_lint.frontmatter import MAX_FRONT_MATTER_LINES, parse_front_matter

CASES = [
    "",
    "no front matter\n",
    "---\n",
    "---",
    "---\ntitle: a\n",  # never closed
    "---\n---\n",
    "---\n---",
    "---\n...\nbody\n",
    "---  \ntitle: a\n---  \nbody\n",
    "---\ntitle: a\n---",  # closed at the end, no newline
    "---\ntitle: a\n---\n",
    "---\ntitle: a\n--- # not a fence\n---\nbody ---\n",
    "---\ntitle: a\ntitle: b\n---\nbody\n",  # repeated key
    "---\n- a\n- b\n---\n",  # not a mapping
    "---\ntitle: [a\n---\n",  # syntax error
    "---\ndate: 2015-02-30\n---\n",  # impossible date
    "---\ntitle:\tTabbed\n---\n",
    "+++\ntitle = \"a\"\n+++\nbody\n",
    "+++\ntitle = \n+++\n",  # TOML error
    "+++\ntitle = \"a\"\n---\n",  # TOML never closed
    "----\ntitle: a\n----\n",  # not a fence
    " ---\ntitle: a\n---\n",
]


@pytest.mark.parametrize("text", CASES)
def test_same_result_as_parse_front_matter(text: str) -> None:
    fmmemo.clear()
    first = fmmemo.front_matter(text)
    assert first == parse_front_matter(text)
    assert fmmemo.front_matter(text) is first  # the second reader gets the same parse


def test_keyed_by_block_not_by_body() -> None:
    fmmemo.clear()
    a = fmmemo.front_matter("---\ntitle: a\n---\nfirst body\n")
    b = fmmemo.front_matter("---\ntitle: a\n---\nanother body, longer\n")
    assert a is b and a is not None and a.end == 17 and a.data == {"title": "a"}
    c = fmmemo.front_matter("---\ntitle: a\n---")  # the block ends the text: no newline
    assert c is not a and c is not None and c.end == 16


def test_values_for_the_site_model() -> None:
    fmmemo.clear()
    assert fmmemo.front_matter_values("body\n") is None
    assert fmmemo.front_matter_values("---\ntitle: a\n---\nbody\n") == ({"title": "a"}, 17)
    assert fmmemo.front_matter_values("---\n---\nbody\n") == ({}, 8)
    assert fmmemo.front_matter_values("---\n- a\n---\n") == (None, 12)
    assert fmmemo.front_matter_values("---\ntitle: [a\n---\n") == (None, 18)
    deep = "---\nk: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    assert fmmemo.front_matter_values(deep) in (None, (None, len(deep)))


def test_too_large_block_still_gives_the_site_its_values() -> None:
    fmmemo.clear()
    keys = "".join(f"k{i}: {i}\n" for i in range(MAX_FRONT_MATTER_LINES + 1))
    text = f"---\n{keys}---\nbody\n"
    fm = fmmemo.front_matter(text)
    assert fm is not None and fm.data is None and fm.errors[0].kind == "too-large"
    values = fmmemo.front_matter_values(text)
    assert values is not None and values[1] == len(text) - 5
    assert values[0]["k0"] == 0 and len(values[0]) == MAX_FRONT_MATTER_LINES + 1


def test_document_and_site_share_one_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playbook_lint import frontmatter
    from playbook_lint.fmsite import _read_front_matter
    from playbook_lint.site import _read_page

    fmmemo.clear()
    calls: list[str] = []
    real = frontmatter.parse_front_matter

    def counting(text: str, **kw: object) -> object:
        calls.append(text)
        return real(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(fmmemo, "parse_front_matter", counting)
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: Hello\ntags: [a]\n---\n# Hello\n", encoding="utf-8")
    assert _read_page(page) == (True, {"title": "Hello", "tags": ["a"]}, False)
    assert _read_front_matter(page) == {"title": "Hello", "tags": ["a"]}
    doc = Document.from_path(page)
    assert doc.front_matter is not None
    assert doc.front_matter.data == {"title": "Hello", "tags": ["a"]}
    assert doc.front_matter.key_offsets == {"title": 4, "tags": 17}
    assert len(calls) == 1


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    fmmemo.clear()
    monkeypatch.setattr(fmmemo, "MAX_ENTRIES", 3)
    for i in range(4):
        fmmemo.front_matter(f"---\nn: {i}\n---\n")
    assert len(fmmemo._MEMO) == 1


def test_front_matter_keeps_its_node_for_the_front_matter_links(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from playbook_lint.links import fmlinks

    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("the node is kept for libyaml parses only")
    fmmemo.clear()
    text = "---\ntitle: A\nparent: /apps/\nlinks:\n  - https://x.example/a\n---\nbody\n"
    doc = Document.from_bytes(Path("p.md"), text.encode())
    assert doc.front_matter is not None and doc.front_matter.node is not None

    def no_compose(*a: object, **k: object) -> None:
        raise AssertionError("composed again")

    monkeypatch.setattr(fmlinks.yaml, "compose", no_compose)
    assert [(fl.url, fl.start, fl.key) for fl in fmlinks.front_matter_links(doc)] == [
        ("/apps/", text.index("/apps/"), "parent"),
        ("https://x.example/a", text.index("https://"), "links[0]")]
    assert text.index("/apps/") == 21


def test_a_merge_key_keeps_no_node_and_links_are_read_as_written() -> None:
    from playbook_lint.links import fmlinks

    fmmemo.clear()
    text = "---\nbase: &b\n  home: /a/\nnav:\n  <<: *b\n  next: /b/\n---\n"
    doc = Document.from_bytes(Path("p.md"), text.encode())
    fm = doc.front_matter
    assert fm is not None and fm.node is None and fm.data is not None
    assert fm.data["nav"] == {"home": "/a/", "next": "/b/"}
    assert [(fl.url, fl.key) for fl in fmlinks.front_matter_links(doc)] == [
        ("/a/", "base.home"), ("/a/", "nav.<<.home"), ("/b/", "nav.next")]


def test_a_site_read_drops_the_node_and_the_links_compose_it_again() -> None:
    """The site model reads every page before the pool forks: the memo then keeps
    no YAML node (memory), and the page's front matter links are the same."""
    from playbook_lint.links import fmlinks

    fmmemo.clear()
    text = "---\ntitle: A\nparent: /apps/\nlinks:\n  - https://x.example/a\n---\nbody\n"
    values = fmmemo.front_matter_values(text)
    assert values == ({"title": "A", "parent": "/apps/",
                       "links": ["https://x.example/a"]}, text.index("body"))
    doc = Document.from_bytes(Path("p.md"), text.encode())
    assert doc.front_matter is not None and doc.front_matter.node is None
    assert [(fl.url, fl.start, fl.key) for fl in fmlinks.front_matter_links(doc)] == [
        ("/apps/", 21, "parent"), ("https://x.example/a", 39, "links[0]")]


def test_front_matter_without_a_link_is_not_composed_again(monkeypatch) -> None:
    import yaml

    from playbook_lint.links import fmlinks

    assert fmlinks._may_hold_link({"a": ["x", {"b": " /y/ "}]}) is True
    assert fmlinks._may_hold_link({"date": "2020/01/02", "n": 3, "t": ("a", "b")}) is False
    loop: list = []
    loop.append(loop)  # an alias can make the data recursive
    assert fmlinks._may_hold_link({"k": loop}) is False
    composed: list[str] = []
    real = yaml.compose

    def counting(raw, Loader):  # noqa: N803 - yaml's own keyword
        composed.append(raw)
        return real(raw, Loader=Loader)

    monkeypatch.setattr(yaml, "compose", counting)
    page = "---\ntitle: a/b\ndate: 2020/01/02\n---\nx\n"
    fmmemo.front_matter_values(page)  # the site model's read keeps no YAML node
    plain = Document.from_bytes(Path("a.md"), page.encode())
    assert plain.front_matter is not None and plain.front_matter.node is None
    assert fmlinks.front_matter_links(plain) == [] and composed == []
    linked = "---\ntitle: a/b\nparent: /apps/\n---\nx\n"
    fmmemo.front_matter_values(linked)
    found = fmlinks.front_matter_links(Document.from_bytes(Path("c.md"), linked.encode()))
    at = linked.index("/apps/")
    assert [(f.url, f.key, f.start) for f in found] == [("/apps/", "parent", at)]
    assert composed == [linked[4:linked.index("---", 4)]]
    # a merge key can hide a link the data no longer holds: composed, and found
    text = "---\n<<: &b {parent: /x/}\nparent: y\n---\nx\n"
    merged = Document.from_bytes(Path("b.md"), text.encode())
    found = fmlinks.front_matter_links(merged)
    assert [(f.url, f.key, f.start) for f in found] == [("/x/", "<<.parent", text.index("/x/"))]


def test_a_remembered_parse_is_the_one_readers_get(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "---\ntitle: handed back\n---\nbody\n"
    assert fmmemo.block(text) == "---\ntitle: handed back\n---\n"
    assert fmmemo.block("no front matter\n") is None
    fmmemo.clear()
    fm = parse_front_matter("---\ntitle: handed back\n---\n")
    fmmemo.remember("---\ntitle: handed back\n---\n", fm)
    fmmemo.remember("---\ntitle: handed back\n---\n", None)  # the first one stays

    def refuse(text: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(fmmemo, "parse_front_matter", refuse)
    assert fmmemo.front_matter(text) is fm
    assert fmmemo.front_matter_values(text) == ({"title": "handed back"}, 27)
    fmmemo.clear()
