"""Replay the labelled corpus sample of the issue 11 rules (``tests/precision/new-rules/``).

Each label names a finding (repo, path, line, column, rule) judged true or false by
reading the page. The test checks that every labelled finding is still reported where
it was (so the labels keep describing the tool), and that at least 90% of each rule's
sample is true. Skipped when ``../shared/corpus`` is absent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from test_cases import _rule

from playbook_lint.document import Document
from playbook_lint.rule import Context
from playbook_lint.testing import MemoryWorkspace

LABELS = Path(__file__).parent / "precision" / "new-rules" / "labels.yml"
RULES = ("link-hygiene", "link-text", "stale-content")


def _labels() -> dict[str, Any]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


def test_each_rule_has_a_20_finding_sample_at_least_90_percent_true() -> None:
    data = _labels()
    by_rule: dict[str, list[bool]] = defaultdict(list)
    for lab in data["labels"]:
        assert set(lab) == {"repo", "path", "line", "column", "rule", "severity", "verdict",
                            "reason"}, lab
        assert isinstance(lab["verdict"], bool) and lab["reason"].strip()
        by_rule[lab["rule"]].append(lab["verdict"])
    assert sorted(by_rule) == sorted(RULES)
    for rule, verdicts in by_rule.items():
        assert len(verdicts) == 20, rule
        assert sum(verdicts) / len(verdicts) >= 0.9, rule


def test_labelled_findings_are_still_reported(corpus: Path) -> None:
    data = _labels()
    today = date.fromisoformat(data["today"])
    missing = []
    cache: dict[tuple[str, str], set[tuple[int, int, str]]] = {}
    for lab in data["labels"]:
        key = (lab["repo"], lab["path"])
        if key not in cache:
            root = corpus / lab["repo"]
            path = root / lab["path"]
            doc = Document.from_path(path, display_path=lab["path"])
            ctx = Context(today=today, workspace=MemoryWorkspace(root=root), root=root)
            found: set[tuple[int, int, str]] = set()
            for name in RULES:
                rule = _rule(name, {}, True)
                for report in rule.check(doc, ctx):
                    line, col = doc.position(report.start)
                    found.add((line, col, name))
            cache[key] = found
        if (lab["line"], lab["column"], lab["rule"]) not in cache[key]:
            missing.append(f"{lab['repo']}/{lab['path']}:{lab['line']}:{lab['column']} "
                           f"{lab['rule']}")
    assert missing == [], "labelled findings no longer reported (re-judge the sample)"
