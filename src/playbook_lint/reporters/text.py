"""Plain text: one line per finding, ``path:line:column: severity rule message``.

The format editors and CI log matchers understand (as flake8 and markdownlint print).
"""

from __future__ import annotations

from collections.abc import Sequence

from playbook_lint.findings import Finding
from playbook_lint.reporters.common import Summary


def format_finding(f: Finding) -> str:
    """One finding as one line (newlines in the message are flattened)."""
    message = " ".join(f.message.split())
    return f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {message}"


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """All findings, one per line; empty string when there are none."""
    return "".join(format_finding(f) + "\n" for f in findings)
