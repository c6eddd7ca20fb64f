"""One parametrized driver over the YAML rule cases in ``tests/cases/<rule>.yml``.

Adding a rule case is adding data (the sqlfluff ``std_rule_cases`` pattern). A file::

    rule: link-hygiene            # the rule under test (name as registered)
    cases:
      - name: credentials-are-an-error
        text: |                   # the page, as the file ``page.md`` (or ``path:``)
          [report](https://jo:s3cret@files.example.gov/r.pdf)
        findings:                 # exactly these, sorted: "LINE:COL: SEVERITY RULE MESSAGE"
          - "1:10: error link-hygiene URL contains login details ..."
        # optional:
        options: {max-age-years: 3}    # the rule's options table
        today: 2026-12-01              # default: playbook_lint.testing.FIXED_TODAY
        also: [missing-alt-text]       # more rules run on the same page (their findings
                                       # are listed too): for cases about two rules
        packs: false                   # leave the built-in packs out
        fixed: |                       # the page after every safe fix
          ...
        fixed_unsafe: |                # the page after every fix, unsafe ones too
          ...
        not_in_messages: [s3cret]      # strings no message may contain

``findings: []`` is a pass case (the false positives to avoid). Built-in packs that
name the rule are loaded, as a run loads them.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from playbook_lint.document import Document
from playbook_lint.findings import Finding
from playbook_lint.fixer import plan_file
from playbook_lint.packs import builtin_pack_paths, load_pack
from playbook_lint.registry import discover
from playbook_lint.rule import Context, RuleConfig
from playbook_lint.runner import report_to_finding
from playbook_lint.testing import FIXED_TODAY, MemoryWorkspace

CASES = Path(__file__).parent / "cases"
_KEYS = {"name", "text", "findings", "options", "today", "also", "packs", "fixed",
         "not_in_messages", "path", "reason", "fixed_unsafe"}


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = data["rule"]
        for case in data["cases"]:
            unknown = set(case) - _KEYS
            assert not unknown, f"{path.name}: {case.get('name')}: unknown keys {unknown}"
            params.append(pytest.param(rule, case, id=f"{rule}:{case['name']}"))
    return params


@functools.cache
def _rules() -> dict[str, Any]:
    return discover()


@functools.cache
def _packs(name: str) -> tuple[Any, ...]:
    cls = _rules()[name].cls
    if cls.pack_entry_schema is None:
        return ()
    schemas = {cls.pack_key(): cls.pack_entry_schema}
    return tuple(
        load_pack(p, schemas) for p in builtin_pack_paths()
        if yaml.safe_load(p.read_text(encoding="utf-8")).get("rule") == cls.pack_key()
    )


def _rule(name: str, options: dict[str, Any], with_packs: bool) -> Any:
    cls = _rules()[name].cls
    return cls(RuleConfig(options=options, packs=_packs(name) if with_packs else ()))


def run_case(rule_name: str, case: dict[str, Any]) -> tuple[list[Finding], Document]:
    """Run a case's rule (and its ``also`` rules) on its text; return sorted findings."""
    text = case["text"]
    path = case.get("path", "page.md")
    today = case.get("today", FIXED_TODAY)
    if isinstance(today, str):
        today = date.fromisoformat(today)
    root = Path("/w")
    doc = Document(root / path, text, display_path=path)
    ctx = Context(today=today, workspace=MemoryWorkspace({path: text}, root=root), root=root)
    findings: list[Finding] = []
    names = [rule_name, *case.get("also", [])]
    for i, name in enumerate(names):
        options = case.get("options", {}) if i == 0 else {}
        rule = _rule(name, options, case.get("packs", True))
        findings += [report_to_finding(doc, rule, r, rule.default_severity)
                     for r in rule.check(doc, ctx)]
    return sorted(findings), doc


def _shown(f: Finding) -> str:
    return f"{f.line}:{f.column}: {f.severity} {f.rule} {f.message}"


@pytest.mark.parametrize(("rule_name", "case"), _load())
def test_case(rule_name: str, case: dict[str, Any]) -> None:
    findings, doc = run_case(rule_name, case)
    assert [_shown(f) for f in findings] == list(case["findings"] or [])
    for secret in case.get("not_in_messages", []):
        for f in findings:
            assert secret not in f.message and secret not in (f.suggestion or "")
            assert secret not in str(f.data)
    if "fixed" in case:
        safe = [f for f in findings if f.fix is not None and f.fix.safe]
        assert plan_file(doc.text, safe).new_raw == case["fixed"]
    if "fixed_unsafe" in case:
        every = [f for f in findings if f.fix is not None]
        assert plan_file(doc.text, every).new_raw == case["fixed_unsafe"]


def test_every_case_file_names_a_registered_rule() -> None:
    rules = _rules()
    files = sorted(CASES.glob("*.yml"))
    assert files, "tests/cases holds no case files"
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] in rules, path.name
        assert path.stem == data["rule"], f"{path.name} should be named {data['rule']}.yml"
