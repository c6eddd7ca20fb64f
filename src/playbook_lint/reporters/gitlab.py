"""GitLab Code Quality report: a JSON array of issues for ``artifacts:reports:codequality``.

Each finding becomes one issue with the fields GitLab reads (``description``,
``check_name``, ``fingerprint``, ``severity``, ``location.path``,
``location.lines.begin``), as documented at
https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format (a
subset of the Code Climate spec,
https://github.com/codeclimate/platform/blob/master/spec/analyzers/SPEC.md#data-types).

Severities map ``error`` -> ``major``, ``warning`` -> ``minor``, ``info`` -> ``info``,
so errors rank above warnings in the merge request widget. The fingerprint is stable
across runs: a SHA-256 over path, rule, message and the finding's occurrence number
among identical (path, rule, message) findings, not its line, so an edit above a
finding does not make GitLab report it as new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence

from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters.common import Summary

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issue(f: Finding, occurrence: int) -> dict[str, object]:
    """The Code Quality issue for finding ``f``.

    Args:
        f: the finding.
        occurrence: how many identical (path, rule, message) findings came before it
            (0 for the first), so repeated findings get distinct fingerprints.

    Returns:
        A JSON-ready dict with ``type``, ``description``, ``check_name``,
        ``fingerprint``, ``severity``, ``location`` and ``categories``.
    """
    key = json.dumps([f.path, f.rule, f.message, occurrence], ensure_ascii=False)
    location: dict[str, object] = {"path": f.path, "lines": {"begin": f.line}}
    if f.end_line is not None and f.end_line != f.line:
        location["lines"] = {"begin": f.line, "end": f.end_line}
    return {
        "type": "issue",
        "description": f.message,
        "check_name": f.rule,
        "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
        "severity": SEVERITY[f.severity],
        "categories": ["Style"],
        "location": location,
    }


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """All findings as one Code Quality JSON array (``[]`` when clean)."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for f in findings:
        k = (f.path, f.rule, f.message)
        out.append(issue(f, seen[k]))
        seen[k] += 1
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
