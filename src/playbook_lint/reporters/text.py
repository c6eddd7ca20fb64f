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


_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def colored(f: Finding) -> str:
    """:func:`format_finding` with ANSI colours: the location bold, the severity in its
    colour (error red, warning yellow, info cyan), the rule dimmed."""
    import click

    line = format_finding(f)
    severity = str(f.severity)
    head, sep, rest = line.partition(f": {severity} ")
    if not sep:
        return line
    rule, space, message = rest.partition(" ")
    return (click.style(head, bold=True) + ": "
            + click.style(severity, fg=_SEVERITY_COLOR[severity], bold=severity == "error")
            + " "
            + click.style(rule, dim=True) + space + message)


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """All findings, one per line; empty string when there are none."""
    line = colored if summary.color else format_finding
    return "".join(line(f) + "\n" for f in findings)
