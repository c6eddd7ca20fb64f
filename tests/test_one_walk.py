"""One walk of a site tree per run: the result cache's site fingerprint takes the
site model's walk and stamps instead of listing and stat-ing the tree again; and the
walk's listing kept between runs, each folder listed again only when it changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from playbook_lint.api import RunOptions, run
from playbook_lint.resultcache import site_fingerprint
from playbook_lint.siteindex import SiteWalk


def _tree(root: Path) -> None:
    files = {
        "index.md": "---\ntitle: Home\n---\n# Home\n\nSee [guide](guide.md).\n",
        "guide.md": "---\ntitle: Guide\n---\n# Guide\n",
        "img.png": "png",
        "node_modules/x.js": "x",
        ".hidden/y.txt": "y",
        ".github/workflow.yml": "on: push\n",
        "public/z.html": "<p>built</p>",
        "sub/public/q.html": "<p>kept</p>",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _expected(root: Path, page: Path, others: list[str]) -> str:
    h = hashlib.sha256()
    fm = hashlib.sha1(page.read_bytes()[:page.read_bytes().index(b"\n---")]).digest()
    h.update(os.fsencode(str(page)) + b"\0" + fm)
    for rel in others:
        st = os.stat(root / rel)
        h.update(os.fsencode(str(root / rel)) + b"\0" + f"{st.st_size},{st.st_mtime_ns}".encode()
                 + b"\n")
    return h.hexdigest()


def test_the_fingerprint_covers_what_the_site_model_walks(tmp_path: Path) -> None:
    _tree(tmp_path)
    page = tmp_path / "index.md"
    # node_modules, hidden folders and public/ at the top are not walked; .github and
    # a public/ below the top are; the linted page enters by its front matter
    want = _expected(tmp_path, page, [".github/workflow.yml", "guide.md", "img.png",
                                      "sub/public/q.html"])
    assert site_fingerprint([page], [tmp_path]) == want
    # a folder inside another is walked once
    assert site_fingerprint([page], [tmp_path / "sub", tmp_path]) == want


def test_the_fingerprint_takes_the_runs_walk_and_its_stamps(tmp_path: Path) -> None:
    _tree(tmp_path)
    page = tmp_path / "index.md"
    walk = SiteWalk(tmp_path)
    before = site_fingerprint([page], [tmp_path], walks={tmp_path: walk}.get)
    assert walk.stamp(str(tmp_path / "img.png")) == [
        os.stat(tmp_path / "img.png").st_mtime_ns, 3]
    (tmp_path / "img.png").write_text("a bigger png", encoding="utf-8")
    (tmp_path / "new.md").write_text("# New\n", encoding="utf-8")
    # the same walk answers as it did (one listing and one stat per file per run) ...
    assert site_fingerprint([page], [tmp_path], walks={tmp_path: walk}.get) == before
    # ... and a new run's walk sees the edit and the new file
    assert site_fingerprint([page], [tmp_path]) != before


def test_a_one_file_run_lists_its_site_root_once(tmp_path: Path, scans: list[str]) -> None:
    _tree(tmp_path)
    (tmp_path / ".git").mkdir()  # the site root: the repository
    listed = scans
    result = run([tmp_path / "index.md"], RunOptions(offline=True, today=date(2026, 12, 1)))
    assert result.exit_code == 0
    assert listed.count(str(tmp_path)) == 1
    assert listed.count(str(tmp_path / "sub")) == 1


def _folders(root: Path, n: int = 120) -> None:
    """``n`` folders of one page each below ``root``, all last modified a day ago."""
    for k in range(n):
        (root / "content" / f"s{k:03d}").mkdir(parents=True)
        (root / "content" / f"s{k:03d}" / "p.md").write_text("# P\n", encoding="utf-8")
    day_ago = time.time() - 86400
    for folder, _dirs, _names in os.walk(root):
        os.utime(folder, (day_ago, day_ago))


def _old_listing(root: Path) -> list[tuple[str, list[str]]]:
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in {"node_modules", ".git"}
                   and not (d.startswith(".") and d != ".github")
                   and not (folder == str(root) and d in {"public", "resources"})]
        out.append((folder, names))
    return out


@pytest.fixture()
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders listed with os.scandir, in order."""
    seen: list[str] = []
    real = os.scandir

    def spy(path):
        seen.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", spy)
    return seen


def test_a_kept_listing_answers_for_unchanged_folders(tmp_path: Path, scans: list[str]) -> None:
    root = tmp_path / "site"
    root.mkdir()
    _tree(root)
    _folders(root)
    want = _old_listing(root)
    scans.clear()
    assert SiteWalk(root).listing() == want
    assert len(scans) == len(want) == 125
    scans.clear()
    assert SiteWalk(root).listing() == want
    assert scans == []  # every folder's stat was as recorded: none listed again


def test_a_changed_folder_is_listed_again(tmp_path: Path, scans: list[str]) -> None:
    root = tmp_path / "site"
    root.mkdir()
    _folders(root)
    SiteWalk(root).listing()
    (root / "content" / "s007" / "new.md").write_text("# New\n", encoding="utf-8")
    shutil.rmtree(root / "content" / "s008")
    scans.clear()
    listing = SiteWalk(root).listing()
    # the two folders whose entries changed, nothing else
    assert sorted(scans) == [str(root / "content"), str(root / "content" / "s007")]
    assert listing == _old_listing(root)
    assert sorted(dict(listing)[str(root / "content" / "s007")]) == ["new.md", "p.md"]
    assert str(root / "content" / "s008") not in dict(listing)


def test_a_folder_modified_just_before_its_listing_is_listed_again(
        tmp_path: Path, scans: list[str]) -> None:
    root = tmp_path / "site"
    root.mkdir()
    _folders(root)
    os.utime(root / "content" / "s003")  # modified now: its listing is racy
    SiteWalk(root).listing()
    scans.clear()
    SiteWalk(root).listing()
    assert scans == [str(root / "content" / "s003")]


def test_a_folder_holding_a_symbolic_link_is_listed_every_run(
        tmp_path: Path, scans: list[str]) -> None:
    root = tmp_path / "site"
    root.mkdir()
    _folders(root)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (root / "content" / "s005" / "linked").symlink_to(target)
    day_ago = time.time() - 86400
    os.utime(root / "content" / "s005", (day_ago, day_ago))
    first = SiteWalk(root).listing()
    assert (str(root / "content" / "s005"), ["p.md"]) in first  # a folder link: not walked
    target.rmdir()  # the link now points at nothing: an entry that is no folder
    scans.clear()
    second = SiteWalk(root).listing()
    assert scans == [str(root / "content" / "s005")]
    assert second == _old_listing(root)
    assert sorted(dict(second)[str(root / "content" / "s005")]) == ["linked", "p.md"]


def test_small_trees_and_no_cache_keep_no_listing(tmp_path: Path, scans: list[str]) -> None:
    from playbook_lint.siteindex import _KeptListing, site_caches

    root = tmp_path / "site"
    root.mkdir()
    _tree(root)
    SiteWalk(root).listing()
    assert not _KeptListing(root).file.exists()  # 7 folders
    _folders(root)
    with site_caches(False):
        SiteWalk(root).listing()
    assert not _KeptListing(root).file.exists()
    SiteWalk(root).listing()
    assert _KeptListing(root).file.exists()
    scans.clear()
    with site_caches(False):
        listing = SiteWalk(root).listing()
    assert len(scans) == 125  # every folder listed
    assert listing == _old_listing(root)


def test_inference_lists_pages_in_path_order(tmp_path: Path) -> None:
    from playbook_lint.fmsite import _walk

    names = ["a-c.md", "a/b.md", "a.md", "a0/x.md", "Z.md", "a/b/c.md", "a b.md", "a/-.md"]
    for rel in names:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# P\n", encoding="utf-8")
    pages, _data = _walk(tmp_path)
    # as Path objects sort: part by part ("a/..." before "a b.md" and "a-c.md")
    assert pages == [str(p) for p in sorted(tmp_path / n for n in names)]
    assert [p[len(str(tmp_path)) + 1:] for p in pages] == [
        "Z.md", "a/-.md", "a/b/c.md", "a/b.md", "a b.md", "a-c.md", "a.md", "a0/x.md"]


def test_a_warm_run_with_a_changed_page_lists_its_site_root_once(
        tmp_path: Path, scans: list[str]) -> None:
    """The result cache's fingerprint finds the site root by stat and offers its walk;
    the site model, built for the changed page, takes it instead of walking again."""
    from playbook_lint.site import forget_sites

    _tree(tmp_path)
    (tmp_path / ".git").mkdir()
    opts = RunOptions(offline=True, today=date(2026, 12, 1))
    run([tmp_path / "index.md", tmp_path / "guide.md"], opts)
    forget_sites()  # a new process: no site model yet
    (tmp_path / "guide.md").write_text("---\ntitle: Guide\n---\n# Guide\n\nMore.\n",
                                       encoding="utf-8")
    scans.clear()
    result = run([tmp_path / "index.md", tmp_path / "guide.md"], opts)
    assert (result.exit_code, result.files) == (0, 2)
    assert scans.count(str(tmp_path)) == 1
    assert scans.count(str(tmp_path / "sub")) == 1
