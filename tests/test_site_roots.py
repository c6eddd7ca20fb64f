"""Site roots found by stat alone (``siteindex.find_site_root``): the site model's
roots, and a warm run that so imports neither the site model nor YAML nor pathspec."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from cli_runner import run_showing_modules

from playbook_lint.api import RunOptions, run
from playbook_lint.site import SITE_MARKERS, forget_sites, site_for
from playbook_lint.siteindex import find_site_root


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("files", "page", "fallback", "option", "want"), [
    ({"hugo.toml": "", "content/a/b.md": ""}, "content/a/b.md", "content", None, "."),
    ({"_config.yml": "", "docs/x/_config.yml": "", "docs/x/p.md": ""}, "docs/x/p.md",
     ".", None, "docs/x"),
    ({"config.toml": "", "d/p.md": ""}, "d/p.md", "d", None, "."),
    ({"d/p.md": ""}, "d/p.md", "d", None, "d"),
    ({"README.md": "", "d/e/p.md": ""}, "d/e/p.md", "other", None, "."),
    ({"d/e/p.md": ""}, "d/e/p.md", "other", None, "d/e"),
    ({"hugo.toml": "", "d/p.md": ""}, "d/p.md", "d", "d", "d"),
])
def test_the_site_models_root(tmp_path: Path, files: dict[str, str], page: str,
                              fallback: str, option: str | None, want: str) -> None:
    top = tmp_path / "top"
    _write(top, files)
    (top / "other").mkdir(exist_ok=True)
    forget_sites()
    path, base = top / page, top / fallback
    root = None if option is None else str(top / option)
    got = find_site_root(path, base, root, SITE_MARKERS)
    assert got == (top / want).resolve()
    forget_sites()
    options = {} if root is None else {"root": top / option}
    assert site_for(path, base, options).root == got
    forget_sites()


def test_a_site_marker_added_above_the_linted_folder_relints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linted: list[str]) -> None:
    """With ``_config.yml`` above it, the linted folder's site is the whole tree: the
    site fingerprint (and the findings: /p/ is published by other.md) change."""
    _write(tmp_path, {"docs/a.md": "# A\n\nSee [p](/p/).\n",
                      "other.md": "---\npermalink: /p/\n---\n# Other\n"})
    monkeypatch.chdir(tmp_path)
    opts = RunOptions(offline=True, today=date(2026, 12, 1))
    forget_sites()
    first = run([Path("docs")], opts)
    assert [(f.path, f.line, f.column, f.rule) for f in first.findings] == [
        ("docs/a.md", 3, 9, "broken-link")]
    forget_sites()  # each run below as a new process would
    linted.clear()
    assert run([Path("docs")], opts).findings == first.findings and linted == []
    (tmp_path / "_config.yml").write_text("title: x\n", encoding="utf-8")
    forget_sites()
    again = run([Path("docs")], opts)
    assert linted == ["docs/a.md"] and again.findings == []
    forget_sites()


MODULES = ("playbook_lint.site", "yaml", "pathspec", "playbook_lint.runner")


def test_a_warm_run_imports_no_site_model(tmp_path: Path) -> None:
    _write(tmp_path, {"site/hugo.toml": 'baseURL = "https://x.example.gov/"\n',
                      "site/content/a.md": "---\ntitle: A\n---\n# A\n\nSee [b](/b/) "
                                           "and [c](/c/).\n",
                      "site/content/b.md": "---\ntitle: B\n---\n# B\n\nWe utilise it.\n"})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    args = ("--offline", "--today", "2026-12-01", "--format", "json", "--quiet", "site")

    def once() -> tuple[str, str]:
        done = run_showing_modules(args, MODULES, cwd=tmp_path, env=env)
        assert done.returncode == 1, done.stderr
        return done.stdout, done.stderr.splitlines()[-1]

    cold, cold_modules = once()
    assert cold_modules == ("MODULES ['pathspec', 'playbook_lint.runner', "
                            "'playbook_lint.site', 'yaml']")
    warm, warm_modules = once()
    assert warm == cold and warm_modules == "MODULES []"
    assert [(f["path"], f["line"], f["column"], f["rule"])
            for f in json.loads(warm)["findings"]] == [
        ("site/content/a.md", 6, 22, "broken-link"), ("site/content/b.md", 6, 4, "jargon")]
