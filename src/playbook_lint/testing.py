"""Helpers for testing rules without files or a CLI (used by our tests; fine for plugins too).

Example::

    from playbook_lint.testing import check
    findings = check(MyRule, "Some *Markdown*\\n", options={"x": 1})
    assert [(f.line, f.column, f.message) for f in findings] == [...]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from playbook_lint.document import Document
from playbook_lint.findings import Finding
from playbook_lint.packs import Pack, load_pack
from playbook_lint.rule import Context, Rule, RuleConfig

FIXED_TODAY = date(2026, 11, 29)


class MemoryWorkspace:
    """A :class:`~playbook_lint.rule.Workspace` over an in-memory mapping of path -> text.

    Args:
        files: absolute or relative paths (relative ones are taken against ``root``)
            mapped to Markdown text; folders exist if some file is below them.
        root: folder relative paths are resolved against.
    """

    def __init__(self, files: Mapping[str | Path, str] | None = None, root: Path = Path("/w")):
        self.root = root
        self.files = {self._abs(p): t for p, t in (files or {}).items()}

    def _abs(self, p: str | Path) -> Path:
        p = Path(p)
        return p if p.is_absolute() else self.root / p

    def exists(self, path: Path) -> bool:
        """True if ``path`` is a file given, or a folder above one."""
        if path in self.files:
            return True
        return any(path in f.parents for f in self.files)

    def anchors(self, path: Path) -> frozenset[str] | None:
        """Anchors of a Markdown file given, parsed like a real one; None otherwise."""
        text = self.files.get(path)
        if text is None:
            return None
        return Document(path, text).anchor_ids

    def anchor_list(self, path: Path) -> list[Any] | None:
        """Anchor records of a Markdown file given (see :meth:`anchors`)."""
        text = self.files.get(path)
        if text is None:
            return None
        return Document(path, text).anchors


def check(
    rule_cls: type[Rule],
    text: str,
    *,
    path: str = "page.md",
    options: Mapping[str, Any] | None = None,
    packs: Sequence[Pack | Path] = (),
    files: Mapping[str | Path, str] | None = None,
    today: date = FIXED_TODAY,
    root: Path = Path("/w"),
    link_results: Mapping[str, Any] | None = None,
    rule_names: Sequence[str] | None = None,
) -> list[Finding]:
    """Run one rule on ``text`` (as the file ``root/path``) and return sorted findings.

    ``packs`` may be loaded :class:`Pack` objects or paths of pack files (validated
    against ``rule_cls.pack_entry_schema``). ``files`` are the other files of the
    workspace (see :class:`MemoryWorkspace`); ``text`` itself is added to them.
    ``rule_names`` are the rule names and codes the run knows (default: every
    installed rule's, from the entry points).
    """
    from playbook_lint.runner import report_to_finding

    loaded: list[Pack] = []
    for p in packs:
        if isinstance(p, Pack):
            loaded.append(p)
        else:
            schema = rule_cls.pack_entry_schema or {}
            loaded.append(load_pack(Path(p), {rule_cls.pack_key(): schema}))
    rule = rule_cls(RuleConfig(options=dict(options or {}), packs=tuple(loaded)))
    all_files = dict(files or {})
    all_files[path] = text
    ws = MemoryWorkspace(all_files, root=root)
    doc = Document(root / path, text, display_path=path)
    if rule_names is None:
        from playbook_lint.registry import discover

        infos = discover()
        rule_names = [*infos, *(i.code for i in infos.values() if i.code)]
    ctx = Context(today=today, workspace=ws, offline=link_results is None,
                  link_results=link_results or {}, root=root,
                  rule_names=frozenset(rule_names))
    out = [report_to_finding(doc, rule, r, rule.default_severity) for r in rule.check(doc, ctx)]
    return sorted(out)
