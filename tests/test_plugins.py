"""Third-party rules registered through the ``playbook_lint.rules`` entry-point group."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from playbook_lint.errors import PluginError
from playbook_lint.registry import discover, find_entry_points

PLUGIN = '''
from playbook_lint.findings import RawFinding
from playbook_lint.rule import Rule


class NoTodo(Rule):
    """Flags TODO markers left in a page."""

    name = "no-todo"
    code = "XT001"
    summary = "TODO left in page"

    def check(self, doc, ctx):
        i = doc.text.find("TODO")
        while i != -1:
            yield RawFinding(i, i + 4, "TODO left in page")
            i = doc.text.find("TODO", i + 1)
'''


def make_dist(root: Path, dist: str, module: str, source: str, entry: str) -> None:
    (root / f"{module}.py").write_text(source)
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[playbook_lint.rules]\n{entry}\n")


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return site


def test_third_party_rule_is_discovered(on_path: Path):
    make_dist(on_path, "playbook-lint-todo", "todo_plugin", PLUGIN, "no-todo = todo_plugin:NoTodo")
    eps = [ep for ep in find_entry_points() if ep.name == "no-todo"]
    rules = discover(eps)
    assert rules["no-todo"].dist == "playbook-lint-todo"
    assert rules["no-todo"].code == "XT001"


def test_kept_entry_points_are_used_until_a_distribution_changes(on_path: Path):
    import os

    from playbook_lint.registry import KeptEntryPoint

    make_dist(on_path, "playbook-lint-todo", "todo_plugin", PLUGIN, "no-todo = todo_plugin:NoTodo")
    first = find_entry_points()
    assert not any(isinstance(ep, KeptEntryPoint) for ep in first)
    kept = find_entry_points()  # the same installation: the kept list, same entries
    assert all(isinstance(ep, KeptEntryPoint) for ep in kept)
    assert [(ep.name, ep.value) for ep in kept] == [(ep.name, ep.value) for ep in first]
    rules = discover([ep for ep in kept if ep.name == "no-todo"])
    assert (rules["no-todo"].dist, rules["no-todo"].code) == ("playbook-lint-todo", "XT001")
    # the plugin's entry point renamed in place: found again, the kept list dropped
    eps_file = on_path / "playbook_lint_todo-0.1.dist-info" / "entry_points.txt"
    eps_file.write_text("[playbook_lint.rules]\nno-todo-2 = todo_plugin:NoTodo\n")
    os.utime(eps_file, ns=(1, 1))
    again = find_entry_points()
    assert not any(isinstance(ep, KeptEntryPoint) for ep in again)
    assert "no-todo-2" in [ep.name for ep in again]
    assert "no-todo" not in [ep.name for ep in again]


def test_broken_plugin_error_names_distribution(on_path: Path):
    make_dist(on_path, "playbook-lint-broken", "broken_plugin", "raise ImportError('boom')\n",
              "no-todo = broken_plugin:NoTodo")
    eps = [ep for ep in find_entry_points() if ep.name == "no-todo"]
    with pytest.raises(PluginError) as exc:
        discover(eps)
    assert str(exc.value) == (
        "rule plugin 'no-todo' from playbook-lint-broken failed to load: ImportError: boom"
    )


def test_entry_point_name_must_match_rule_name(on_path: Path):
    make_dist(on_path, "playbook-lint-odd", "odd_plugin", PLUGIN, "todo = odd_plugin:NoTodo")
    eps = [ep for ep in find_entry_points() if ep.name == "todo"]
    with pytest.raises(PluginError, match="the entry point must use the rule's name"):
        discover(eps)


def test_cli_reports_plugin_finding(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    make_dist(site, "playbook-lint-todo", "todo_plugin", PLUGIN, "no-todo = todo_plugin:NoTodo")
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nSome text. TODO: finish\n")
    proc = subprocess.run(
        [sys.executable, "-m", "playbook_lint", "--offline", "--select", "no-todo", "page.md"],
        cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=60,
    )
    assert proc.stdout == "page.md:3:12: warning no-todo TODO left in page\n"
    assert proc.returncode == 0, proc.stderr


def test_a_crashing_rule_is_one_error_line_and_others_still_report(tmp_path: Path):
    from playbook_lint.config import Config
    from playbook_lint.findings import RawFinding
    from playbook_lint.registry import RuleInfo
    from playbook_lint.rule import Rule
    from playbook_lint.runner import build_rules, lint_files
    from playbook_lint.testing import FIXED_TODAY

    class Crash(Rule):
        name, code = "crash", "XC001"

        def check(self, doc, ctx):
            raise ValueError("bad state")
            yield

    class Crash2(Crash):
        name, code = "crash-too", "XC002"

    class Fine(Rule):
        name, code = "fine", "XF001"

        def check(self, doc, ctx):
            yield RawFinding(0, 1, "first character")

    page = tmp_path / "p.md"
    page.write_text("x\n")
    infos = {**discover(), **{c.name: RuleInfo(c, "test") for c in (Crash, Crash2, Fine)}}
    rules = build_rules(Config(base=tmp_path, select=["crash", "crash-too", "fine"]),
                        infos=infos)
    res = lint_files([page], rules, today=FIXED_TODAY, root=tmp_path)
    assert res.errors == ["p.md: internal error in rules crash, crash-too: ValueError: bad state"]
    assert [(f.rule, f.message) for f in res.findings] == [("fine", "first character")]


def test_report_is_still_the_former_name_of_raw_finding() -> None:
    import playbook_lint
    from playbook_lint import findings

    assert findings.Report is findings.RawFinding
    assert playbook_lint.Report is findings.RawFinding
    assert "Report" not in playbook_lint.__all__
