"""One walk of a site tree per run: the result cache's site fingerprint takes the
site model's walk and stamps instead of listing and stat-ing the tree again."""

from __future__ import annotations

import hashlib
import os
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


def test_a_one_file_run_lists_its_site_root_once(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    (tmp_path / ".git").mkdir()  # the site root: the repository
    walked: list[str] = []
    real = os.walk

    def spy(top, *args, **kwargs):
        walked.append(str(top))
        return real(top, *args, **kwargs)

    monkeypatch.setattr(os, "walk", spy)
    result = run([tmp_path / "index.md"], RunOptions(offline=True, today=date(2026, 12, 1)))
    assert result.exit_code == 0
    assert walked.count(str(tmp_path)) == 1
