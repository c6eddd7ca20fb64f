"""What every reporter shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from playbook_lint.findings import Finding, Severity


@dataclass
class Summary:
    """Run-level facts for reporters: files linted, tool version, run-level messages."""

    files: int = 0
    version: str = ""
    messages: list[str] = field(default_factory=list)


def count_line(findings: Sequence[Finding], files: int) -> str:
    """E.g. ``"3 findings (1 error, 2 warnings) in 12 files"``."""
    by = Counter(f.severity for f in findings)
    parts = []
    for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = by.get(sev, 0)
        if n:
            parts.append(f"{n} {sev}{'s' if n != 1 else ''}")
    n = len(findings)
    noun = "finding" if n == 1 else "findings"
    fnoun = "file" if files == 1 else "files"
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{n} {noun}{detail} in {files} {fnoun}"
