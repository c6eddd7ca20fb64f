"""One parse per page per run: the link stage hands its parsed pages to the lint stage
(playbook_lint.parsed, api.check_links -> api.lint)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import playbook_lint.document as document_module
from playbook_lint import fmmemo
from playbook_lint.api import RunOptions, run
from playbook_lint.document import Document
from playbook_lint.parsed import ParsedPages

PAGES = {
    "a.md": "---\ntitle: A\n---\n# A\n\nWe utilise [b](b.md) and [gone](missing.md).\n",
    "b.md": "---\ntitle: B\n---\n# B\n\nSee [a](a.md#a) and <a href=\"c.md\">c</a>.\n",
    "c.md": "---\ntitle: C\n---\n# C\n\n![](pic.png) www.example.invalid is not a link.\n",
}


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in PAGES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> dict[str, Counter[str]]:
    """Counts, per file name, the block parses (``Document.tokens``) and the link
    extractions (``Document.links``) of the run."""
    counts: dict[str, Counter[str]] = {"tokens": Counter(), "links": Counter()}
    real_extract = document_module.extract_links
    real_tokens = Document.tokens.func  # type: ignore[attr-defined]

    def extract(doc: Document) -> Any:
        counts["links"][doc.path.name] += 1
        return real_extract(doc)

    def tokens(doc: Document) -> Any:
        counts["tokens"][doc.path.name] += 1
        return real_tokens(doc)

    monkeypatch.setattr(document_module, "extract_links", extract)
    prop = Document.__dict__["tokens"]
    monkeypatch.setattr(prop, "func", tokens)
    return counts


def _summary(result: Any) -> list[tuple[str, int, int, str]]:
    return [(f.path, f.line, f.column, f.rule) for f in result.findings]


def test_an_online_run_parses_each_page_once(site: Path, parses: Any) -> None:
    # no external URL: the link stage runs (online) but sends no request
    result = run([Path(".")], RunOptions(today=date(2026, 12, 1), no_cache=True, jobs=1))
    assert result.files == 3
    assert parses["tokens"] == {"a.md": 1, "b.md": 1, "c.md": 1}
    assert parses["links"] == {"a.md": 1, "b.md": 1, "c.md": 1}
    assert ("a.md", 6, 33, "broken-link") in _summary(result)


def test_the_handed_over_pages_give_the_findings_of_a_fresh_parse(site: Path) -> None:
    online = run([Path(".")], RunOptions(today=date(2026, 12, 1), no_cache=True, jobs=1))
    offline = run([Path(".")], RunOptions(today=date(2026, 12, 1), no_cache=True, jobs=1,
                                          offline=True))
    assert _summary(online) == _summary(offline)
    assert [f.message for f in online.findings] == [f.message for f in offline.findings]


def test_links_mode_keeps_links_and_front_matter_only(site: Path, parses: Any) -> None:
    pages = ParsedPages("links")
    first = Document.from_path(site / "b.md")
    first.links  # noqa: B018 - the link stage computes them
    pages.keep(site / "b.md", first)
    doc = pages.document(site / "b.md", "b.md")
    assert doc is not first and doc.display_path == "b.md"
    assert doc.links == first.links and doc.front_matter == first.front_matter
    assert [(link.url, link.kind, doc.position(link.start)) for link in doc.links] == [
        ("a.md#a", "inline", (6, 9)), ("c.md", "html-a", (6, 30))]
    assert parses["links"] == {"b.md": 1}  # not extracted again
    assert pages.parses == {"link stage": 1, "lint stage": 0}


def test_a_page_changed_since_the_link_stage_is_parsed_afresh(site: Path) -> None:
    pages = ParsedPages("documents")
    first = Document.from_path(site / "a.md")
    first.links  # noqa: B018
    pages.keep(site / "a.md", first)
    (site / "a.md").write_text("# A\n\n[new](new.md)\n", encoding="utf-8")
    doc = pages.document(site / "a.md", "a.md")
    assert doc is not first
    assert [link.url for link in doc.links] == ["new.md"]
    assert pages.parses == {"link stage": 1, "lint stage": 1}


def test_documents_mode_keeps_whole_documents_within_its_budget(site: Path) -> None:
    pages = ParsedPages("documents", budget_bytes=len(PAGES["a.md"]),
                        only=[site / "a.md", site / "b.md"])
    docs = {}
    for name in PAGES:
        docs[name] = Document.from_path(site / name)
        docs[name].links  # noqa: B018
        pages.keep(site / name, docs[name])
    assert len(pages) == 2  # c.md is not linted here (another shard's page)
    a = pages.document(site / "a.md", "a.md")
    assert a is docs["a.md"]  # whole: within budget
    a.prose  # noqa: B018 - what a rule caches on the page
    pages.linted(a)
    assert "prose" not in a.__dict__ and "tokens" in a.__dict__
    assert pages.kept_document(site / "a.md") is a  # for its anchors
    b = pages.document(site / "b.md", "b.md")
    assert b is not docs["b.md"] and b.links == docs["b.md"].links  # past it: links only
    assert pages.document(site / "c.md", "c.md") is not docs["c.md"]
    assert pages.parses == {"link stage": 3, "lint stage": 1}


# --- a large tree: the link stage reads the pages in the process pool -----------------


def _big_site(root: Path, n: int = 24) -> None:
    for i in range(n):
        nxt = (i + 1) % n
        (root / f"p{i:02d}.md").write_text(
            f"---\ntitle: P{i}\n---\n# P{i}\n\nWe utilise [next](p{nxt:02d}.md#p{nxt}) and "
            f"[gone](gone{i}.md).\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x00\x01not text\x00")


@pytest.fixture()
def extractions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets ``<pid> <page name>`` for each link extraction of the run, in
    whichever process it happens (forked workers inherit the patch)."""
    import os

    log = tmp_path / "extractions.log"
    real_extract = document_module.extract_links

    def extract(doc: Document) -> Any:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {doc.path.name}\n")
        return real_extract(doc)

    monkeypatch.setattr(document_module, "extract_links", extract)
    real_parse = fmmemo.parse_front_matter

    def parse(text: str) -> Any:
        with open(log.with_suffix(".fm"), "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {text.splitlines()[1].split(': ')[-1]}\n")
        return real_parse(text)

    monkeypatch.setattr(fmmemo, "parse_front_matter", parse)
    fmmemo.clear()  # this process's memo may hold the same blocks from another test
    return log


def _logged(log: Path) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    return [(int(pid), name) for pid, name in
            (line.split() for line in log.read_text(encoding="utf-8").splitlines())]


@pytest.fixture()
def big_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """24 linked pages and a binary one, the working folder; the pool threshold at 8."""
    import playbook_lint.parallel as parallel

    site = tmp_path / "site"
    site.mkdir()
    _big_site(site)
    monkeypatch.chdir(site)
    monkeypatch.setattr(parallel, "THRESHOLD", 8)
    return site


def test_a_large_tree_is_read_in_the_pool_and_each_page_once(
        big_site: Path, extractions: Path) -> None:
    import os

    opts = dict(today=date(2026, 12, 1), no_cache=True)
    pooled = run([Path(".")], RunOptions(jobs=2, **opts))  # type: ignore[arg-type]
    logged = _logged(extractions)
    assert sorted(name for _, name in logged) == sorted(f"p{i:02d}.md" for i in range(24))
    assert os.getpid() not in {pid for pid, _ in logged}  # none parsed in this process
    # each page's front matter is parsed once, by the worker that read it: the site
    # model here and the lint workers forked later take it from the memo
    fm_parses = _logged(extractions.with_suffix(".fm"))
    assert sorted(title for _, title in fm_parses) == sorted(f"P{i}" for i in range(24))
    assert os.getpid() not in {pid for pid, _ in fm_parses}
    extractions.with_suffix(".fm").unlink()
    extractions.unlink()
    alone = run([Path(".")], RunOptions(jobs=1, **opts))  # type: ignore[arg-type]
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in pooled.findings] == [
        (f.path, f.line, f.column, f.rule, f.message) for f in alone.findings]
    assert ("p00.md", 6, 41, "broken-link") in _summary(pooled)  # the destination
    assert pooled.files == alone.files == 25
    assert pooled.errors == alone.errors  # binary.md: passed over by both


def test_the_pool_read_keeps_each_page_s_urls_for_the_next_run(
        big_site: Path, extractions: Path) -> None:
    cold = run([Path(".")], RunOptions(today=date(2026, 12, 1), jobs=2))
    assert len(_logged(extractions)) == 24
    extractions.unlink()
    # unchanged: every page's URL list (which the link stage needs before it can ask
    # the result cache for findings) and findings come from the cache the pooled
    # read filled, so nothing is parsed
    warm = run([Path(".")], RunOptions(today=date(2026, 12, 1), jobs=2))
    assert _logged(extractions) == []
    assert warm.findings == cold.findings and len(cold.findings) == 48
    # one page's prose changed (same front matter and heading): it is parsed, and so
    # is p02.md, whose link to p03.md#p3 depends on it; no other page
    (big_site / "p03.md").write_text("---\ntitle: P3\n---\n# P3\n\nSee [next](p04.md#p4).\n",
                                 encoding="utf-8")
    again = run([Path(".")], RunOptions(today=date(2026, 12, 1), jobs=2))
    assert sorted(name for _, name in _logged(extractions)) == ["p02.md", "p03.md"]
    assert [f for f in again.findings if f.path == "p03.md"] == []
    assert [f for f in again.findings if f.path != "p03.md"] == [
        f for f in cold.findings if f.path != "p03.md"]


def test_read_parallel_yields_in_file_order_and_raises_what_read_raises(
        tmp_path: Path) -> None:
    from playbook_lint.parallel import read_parallel

    paths = [tmp_path / f"{i:03d}.md" for i in range(50)]
    assert list(read_parallel(paths, lambda p: p.name.upper(), jobs=2)) == [
        f"{i:03d}.MD" for i in range(50)]

    def read(path: Path) -> str:
        if path.name == "031.md":
            raise ValueError(f"cannot read {path.name}")
        return path.name

    with pytest.raises(ValueError, match="cannot read 031.md"):
        list(read_parallel(paths, read, jobs=2))
