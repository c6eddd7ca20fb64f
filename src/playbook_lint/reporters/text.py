"""Plain text: one line per finding, ``path:line:column: severity rule message``.

The format editors and CI log matchers understand (as flake8 and markdownlint print).
"""

from __future__ import annotations

from collections.abc import Sequence

from playbook_lint.findings import Finding
from playbook_lint.reporters.common import Summary
from playbook_lint.reporters.escape import escape_controls, one_line


def format_finding(f: Finding) -> str:
    """One finding as one line: whitespace runs in the message are flattened and
    control characters in the path, rule and message escaped (``\x1b``), so neither
    a file name nor a front matter value can forge a line or drive the terminal."""
    return (f"{escape_controls(f.path)}:{f.line}:{f.column}: {f.severity} "
            f"{escape_controls(f.rule)} {one_line(f.message)}")


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """All findings, one per line; empty string when there are none."""
    return "".join(format_finding(f) + "\n" for f in findings)
