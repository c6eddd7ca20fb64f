"""JSON: ``{"version": ..., "files": N, "findings": [...], "summary": {...}}``.

Each finding has ``path``, ``line``, ``column``, ``end_line``, ``end_column``, ``rule``,
``code``, ``severity``, ``message`` and, where known, ``suggestion``, ``fix`` and
rule-specific fields (e.g. a link's ``classification``). See DESIGN.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from playbook_lint.findings import Finding
from playbook_lint.reporters.common import Summary, encodable


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """The whole run as one JSON document (UTF-8 text, two-space indent)."""
    doc = {
        "version": summary.version,
        "files": summary.files,
        "findings": [f.to_dict() for f in findings],
        "summary": {
            "total": len(findings),
            "by_severity": dict(sorted(Counter(str(f.severity) for f in findings).items())),
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        },
        "messages": list(summary.messages),
    }
    return encodable(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
