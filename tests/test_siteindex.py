"""The site index persisted between runs (issue 10, target 4): a page whose
modification time and size are unchanged is not read again; a changed, new or
deleted page, or a changed generator config, changes the index and the findings
that depend on it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from playbook_lint import site as site_module
from playbook_lint import siteindex
from playbook_lint.api import RunOptions, run
from playbook_lint.site import build_site


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the page files the site model read, in order."""
    seen: list[str] = []
    real = site_module._read_page

    def spy(path: Path):
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(site_module, "_read_page", spy)
    monkeypatch.setattr(siteindex, "PERSIST_FROM", 1)
    return seen


def _page(root: Path, name: str, permalink: str, mtime_ns: int) -> Path:
    path = root / name
    path.write_text(f"---\ntitle: {name}\npermalink: {permalink}\n---\n\n# {name}\n",
                    encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


@pytest.fixture()
def jekyll(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "_config.yml").write_text("title: Test\n", encoding="utf-8")
    _page(root, "a.md", "/first/", 1_700_000_000_000_000_000)
    _page(root, "b.md", "/second/", 1_700_000_000_000_000_000)
    return root


def test_an_unchanged_site_is_not_read_again(jekyll: Path, reads: list[str]) -> None:
    first = build_site(jekyll)
    assert sorted(reads) == ["a.md", "b.md"]
    reads.clear()
    second = build_site(jekyll)
    assert reads == []
    assert second.page_for_url("/first/") == jekyll / "a.md"
    assert second.pages == first.pages
    files = list((Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "sites").iterdir())
    assert len(files) == 1
    assert files[0].suffix == ".sqlite"
    with sqlite3.connect(files[0]) as db:
        assert dict(db.execute("SELECT k, v FROM meta"))["version"] == \
            str(siteindex.INDEX_VERSION)
        meta = dict(db.execute("SELECT k, v FROM meta"))
        # both pages, in walk order, each at its place among the pages, with its stamp
        names = json.loads(meta["names"])
        assert sorted(names) == [str(jekyll / "a.md"), str(jekyll / "b.md")]
        assert json.loads(meta["stamps"]) == [
            [os.stat(p).st_mtime_ns, os.stat(p).st_size] for p in names]
        assert db.execute("SELECT path, place, fm FROM pages ORDER BY place").fetchall() \
            == [(names[0], 0, 1), (names[1], 1, 1)]


def test_a_changed_mtime_or_size_reads_that_page_again(jekyll: Path, reads: list[str]) -> None:
    build_site(jekyll)
    reads.clear()
    # same size, new modification time: read again, new permalink seen
    _page(jekyll, "a.md", "/firsT/", 1_700_000_000_000_000_001)
    assert build_site(jekyll).page_for_url("/firsT/") == jekyll / "a.md"
    assert reads == ["a.md"]
    reads.clear()
    # same modification time, new size: read again too
    _page(jekyll, "b.md", "/second-page/", 1_700_000_000_000_000_000)
    site = build_site(jekyll)
    assert reads == ["b.md"]
    assert site.page_for_url("/second-page/") == jekyll / "b.md"
    assert site.page_for_url("/second/") is None


def test_a_new_and_a_deleted_page(jekyll: Path, reads: list[str]) -> None:
    build_site(jekyll)
    reads.clear()
    _page(jekyll, "c.md", "/third/", 1_700_000_000_000_000_000)
    (jekyll / "b.md").unlink()
    site = build_site(jekyll)
    assert reads == ["c.md"]
    assert site.page_for_url("/third/") == jekyll / "c.md"
    assert site.page_for_url("/second/") is None
    assert sorted(p.name for p in site.pages) == ["a.md", "c.md"]


def test_a_changed_generator_config_rebuilds_the_index(jekyll: Path, reads: list[str]) -> None:
    build_site(jekyll)
    reads.clear()
    (jekyll / "_config.yml").write_text("title: Test\nbaseurl: /docs\n", encoding="utf-8")
    build_site(jekyll)
    assert sorted(reads) == ["a.md", "b.md"]


def test_the_url_maps_are_kept_while_no_record_changes(jekyll: Path, reads: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    real = site_module.Site._build_index

    def spy(self):  # type: ignore[no-untyped-def]
        built.append(1)
        real(self)

    monkeypatch.setattr(site_module.Site, "_build_index", spy)
    build_site(jekyll)
    assert built == [1]  # made with the index, kept with it
    site = build_site(jekyll)
    assert (site.page_for_url("/second/"), built) == (jekyll / "b.md", [1])
    # a new body, the same URLs: the page is read again, the maps still hold
    (jekyll / "a.md").write_text("---\ntitle: a.md\npermalink: /first/\n---\n\n# A\n\nNew.\n",
                                 encoding="utf-8")
    site = build_site(jekyll)
    assert (site.page_for_url("/first/"), site.claimants("/first/"), built) == \
        (jekyll / "a.md", [jekyll / "a.md"], [1])
    # a new permalink: made again
    _page(jekyll, "b.md", "/moved/", 1_700_000_000_000_000_009)
    site = build_site(jekyll)
    assert (site.page_for_url("/moved/"), site.page_for_url("/second/"), built) == \
        (jekyll / "b.md", None, [1, 1])
    # a page removed: made again, the removed page's URL no longer answers
    (jekyll / "a.md").unlink()
    site = build_site(jekyll)
    assert (site.page_for_url("/first/"), len(built)) == (None, 3)


def test_no_cache_neither_reads_nor_writes_it(jekyll: Path, reads: list[str]) -> None:
    siteindex.set_enabled(False)
    try:
        build_site(jekyll)
        build_site(jekyll)
    finally:
        siteindex.set_enabled(True)
    assert sorted(reads) == ["a.md", "a.md", "b.md", "b.md"]
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "sites").exists()


def _findings(path: Path, **options: object) -> list[tuple[int, str, str]]:
    from playbook_lint.site import forget_sites

    forget_sites()  # a new process each time, as pre-commit runs it
    result = run([path], RunOptions(offline=True, select=["broken-link"],
                                    site_root=path.parent, **options))  # type: ignore[arg-type]
    return [(f.line, f.rule, f.message) for f in result.findings]


@pytest.mark.parametrize("no_cache", [False, True])
def test_a_one_file_run_sees_a_linked_page_change(jekyll: Path, reads: list[str],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  no_cache: bool) -> None:
    monkeypatch.chdir(jekyll)
    page = jekyll / "index.md"
    page.write_text("---\ntitle: Home\n---\n\nSee [the first](/first/) page.\n",
                    encoding="utf-8")
    assert _findings(page, no_cache=no_cache) == []
    reads.clear()
    assert _findings(page, no_cache=no_cache) == []
    # with the caches, an unchanged run reads no page (result cache hit)
    assert sorted(reads) == ([] if not no_cache else ["a.md", "b.md", "index.md"])
    reads.clear()
    _page(jekyll, "a.md", "/moved/", 1_700_000_000_000_000_005)
    assert _findings(page, no_cache=no_cache) == [
        (5, "broken-link", 'link target "/first/" does not exist')]
    # only the changed page is read again from the persisted index
    assert sorted(reads) == (["a.md"] if not no_cache else ["a.md", "b.md", "index.md"])
    (jekyll / "a.md").unlink()
    _page(jekyll, "d.md", "/first/", 1_700_000_000_000_000_000)
    assert _findings(page, no_cache=no_cache) == []


SITES = Path(__file__).parent / "fixtures" / "sites"


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.iterdir() if p.is_dir()))
def test_each_fixture_site_lints_the_same_from_the_persisted_index(
        name: str, reads: list[str], tmp_path: Path) -> None:
    import shutil
    from datetime import date

    from playbook_lint.config import Config
    from playbook_lint.discover import Ignorer, iter_files
    from playbook_lint.runner import build_rules, lint_files
    from playbook_lint.site import forget_sites

    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    ruleset = build_rules(Config(), select=["broken-link", "missing-alt-text"])
    files = list(iter_files([root], Ignorer()))
    runs = []
    for _ in range(2):
        forget_sites()
        reads.clear()
        result = lint_files(files, ruleset, today=date(2026, 11, 29), root=root)
        runs.append([(f.path, f.line, f.column, f.rule, f.message) for f in result.findings])
    assert runs[1] == runs[0]
    assert runs[0]  # every fixture site has findings to compare
    # the second run reads only what is_page reads itself (furniture, partials)
    assert [r for r in reads if not (r.startswith("_") or r.split(".")[0].isupper())] == []


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.iterdir() if p.is_dir()))
def test_kept_url_maps_equal_the_maps_made_afresh(name: str, reads: list[str],
                                                  tmp_path: Path) -> None:
    import shutil

    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    build_site(root)
    kept = build_site(root)  # the maps adopted from the index
    siteindex.set_enabled(False)
    try:
        fresh = build_site(root)
    finally:
        siteindex.set_enabled(True)
    fresh._build_index()
    fresh._build_names()

    def maps(site):  # type: ignore[no-untyped-def]
        out = {}
        for attr in ("_by_key", "_by_lower", "_claims", "_posts", "_by_name"):
            out[attr] = {k: [site._source(i) for i in (v if isinstance(v, list) else [v])]
                         for k, v in getattr(site, attr).items()}
        for attr in ("_patterns", "_vague", "_unknown"):
            out[attr] = [str(p.source) for p in site.__dict__[attr]]
        out["_by_tail"] = {t: [str(p.source) for p in ps]
                           for t, ps in site.__dict__["_by_tail"].items()}
        return out

    assert "_by_key" in kept.__dict__  # adopted, not made on demand
    assert maps(kept) == maps(fresh)
    assert kept.pages == fresh.pages


def test_a_body_edit_writes_only_the_stamps(jekyll: Path, reads: list[str]) -> None:
    build_site(jekyll)
    (index,) = (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "sites").glob(
        "*.sqlite")
    inode = index.stat().st_ino
    page = jekyll / "a.md"
    page.write_text(page.read_text("utf-8") + "\nMore.\n", encoding="utf-8")
    reads.clear()
    assert build_site(jekyll).page_for_url("/first/") == page
    assert reads == ["a.md"]
    # the index updated in place (not written anew): the new stamp only
    assert index.stat().st_ino == inode
    st = page.stat()
    with sqlite3.connect(index) as db:
        meta = dict(db.execute("SELECT k, v FROM meta"))
    stamps = dict(zip(json.loads(meta["names"]), json.loads(meta["stamps"]), strict=True))
    assert stamps[str(page)] == [st.st_mtime_ns, st.st_size]
    reads.clear()
    assert build_site(jekyll).page_for_url("/first/") == page
    assert reads == []  # the kept stamp answers: not read again
    _page(jekyll, "b.md", "/moved/", 1_700_000_000_000_000_007)
    reads.clear()
    site = build_site(jekyll)
    assert (site.page_for_url("/moved/"), reads) == (jekyll / "b.md", ["b.md"])
    assert index.stat().st_ino != inode  # a record changed: the index written anew
    reads.clear()
    build_site(jekyll)
    assert reads == []  # a.md's stamp is in the new index


def _index_file() -> Path:
    (index,) = (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "sites").glob(
        "*.sqlite")
    return index


@pytest.mark.parametrize("damage", ["garbage", "half", "empty"])
def test_a_corrupt_or_half_written_index_is_rebuilt(jekyll: Path, reads: list[str],
                                                    damage: str) -> None:
    build_site(jekyll)
    index = _index_file()
    data = index.read_bytes()
    index.write_bytes({"garbage": b"not a database" * 100, "half": data[:len(data) // 2],
                       "empty": b""}[damage])
    reads.clear()
    site = build_site(jekyll)
    assert sorted(reads) == ["a.md", "b.md"]  # read again: nothing kept was usable
    assert (site.page_for_url("/first/"), site.page_for_url("/second/")) == \
        (jekyll / "a.md", jekyll / "b.md")
    reads.clear()
    site = build_site(jekyll)  # written anew, whole: the next run reads nothing
    assert reads == []
    assert site.page_for_url("/second/") == jekyll / "b.md"
    assert [p.name for p in index.parent.iterdir()] == [index.name]


def test_an_index_failing_mid_run_answers_from_the_pages(jekyll: Path, reads: list[str]
                                                         ) -> None:
    build_site(jekyll)
    reads.clear()
    site = build_site(jekyll)  # answers from the index, key by key
    answers = site.pages._answers
    assert (answers.fresh, reads) == (None, [])

    def fail(*_args: object) -> list[object]:
        raise siteindex.IndexUnreadable("disk I/O error")

    answers.index.query = fail
    reads.clear()
    assert site.page_for_url("/second/") == jekyll / "b.md"
    assert site.claimants("/first/") == [jekyll / "a.md"]
    assert sorted(p.name for p in site.pages) == ["a.md", "b.md"]
    assert sorted(reads) == ["a.md", "b.md"]  # built once without the index
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "sites"
    assert list(folder.glob("*.sqlite")) == []  # removed: written anew next run


def test_a_malformed_record_is_read_from_the_page(jekyll: Path, reads: list[str]) -> None:
    build_site(jekyll)
    with sqlite3.connect(_index_file()) as db:
        db.execute("UPDATE pages SET rec = '[1, 2]' WHERE path = ?", (str(jekyll / "a.md"),))
    reads.clear()
    site = build_site(jekyll)
    assert reads == []
    assert site.url_of(jekyll / "a.md") == "/first/"
    assert sorted(reads) == ["a.md", "b.md"]


def test_an_index_that_cannot_be_written_is_skipped(jekyll: Path, reads: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    real = os.replace
    monkeypatch.setattr(siteindex.os, "replace", refuse)
    site = build_site(jekyll)
    assert site.page_for_url("/first/") == jekyll / "a.md"
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "sites"
    assert list(folder.iterdir()) == []  # no index, no temporary file left
    monkeypatch.setattr(siteindex.os, "replace", real)
    reads.clear()
    build_site(jekyll)
    assert sorted(reads) == ["a.md", "b.md"]  # nothing was kept
    reads.clear()
    build_site(jekyll)
    assert reads == []


def test_a_lazy_site_detects_its_generator_once(jekyll: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    real = site_module.detect

    def spy(root: Path):  # type: ignore[no-untyped-def]
        calls.append(root)
        return real(root)

    monkeypatch.setattr(site_module, "detect", spy)
    lazy = site_module.LazySite(jekyll, base_url=None, include=(), exclude=())
    assert lazy.page_for_url("/first/") == jekyll / "a.md"
    assert calls == [jekyll]  # the adapter (its config read once) serves the build too
    assert lazy.ensure_built().generator is lazy.generator
