"""ARCHITECTURE.md stays true: it names every module under src/playbook_lint/."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_module_is_named_in_architecture_md() -> None:
    doc = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = {m for m in re.findall(r"`([\w/]+\.py)`", doc) if not m.startswith("tests/")}
    package = REPO / "src" / "playbook_lint"
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    assert sorted(modules - named) == []  # every module has its line
    assert sorted(named - modules) == []  # and no line names a module that is gone
