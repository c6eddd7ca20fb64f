"""File discovery: Markdown only, skipped folders, .gitignore (via pathspec), excludes."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint.discover import Ignorer, iter_files


def touch(root: Path, *names: str) -> None:
    for n in names:
        p = root / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x\n")


def rel(root: Path, files) -> list[str]:
    return sorted(f.relative_to(root).as_posix() for f in files)


def test_walk_respects_gitignore_skips_and_excludes(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    touch(tmp_path, "a.md", "b.markdown", "c.txt", "node_modules/m.md", "_site/s.md",
          "vendor/v.md", ".venv/x.md", ".github/PULL_REQUEST_TEMPLATE.md",
          "docs/keep.md", "docs/drafts/d.md", "docs/gen/g.md", "docs/sub/ignored.md",
          "docs/sub/kept.md", "archive/old.md")
    (tmp_path / ".gitignore").write_text("docs/gen/\n*.tmp\n")
    (tmp_path / "docs" / "sub" / ".gitignore").write_text("ignored.md\n")
    ignorer = Ignorer(["archive/", "drafts/"], tmp_path)
    got = rel(tmp_path, iter_files([tmp_path], ignorer))
    assert got == [".github/PULL_REQUEST_TEMPLATE.md", "a.md", "b.markdown", "docs/keep.md",
                   "docs/sub/kept.md"]


def test_gitignore_of_parent_applies_when_linting_subfolder(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    touch(tmp_path, "docs/a.md", "docs/b.md")
    (tmp_path / ".gitignore").write_text("docs/b.md\n")
    got = rel(tmp_path, iter_files([tmp_path / "docs"], Ignorer([], tmp_path)))
    assert got == ["docs/a.md"]


def test_explicit_file_is_linted_once_unless_excluded(tmp_path: Path):
    touch(tmp_path, "a.md", "b.md")
    ignorer = Ignorer(["b.md"], tmp_path)
    files = list(iter_files([tmp_path / "a.md", tmp_path / "a.md", tmp_path / "b.md"], ignorer))
    assert rel(tmp_path, files) == ["a.md"]


def test_missing_path_raises_with_its_name(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nope.md: no such file or folder"):
        list(iter_files([tmp_path / "nope.md"], Ignorer([], tmp_path)))
