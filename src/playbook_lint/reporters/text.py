"""Plain text: one line per finding, ``path:line:column: severity rule message``.

The format editors and CI log matchers understand (as flake8 and markdownlint print).
One exception keeps a run readable when a whole host is down: external links that
failed without any HTTP answer (connection refused, name not found, timeout) are
shown as one line per host and reason when there are :data:`GROUP_AT` or more, at
the first such link ("host x: connection refused, 13 links on 9 pages"). Machine
formats (json, sarif, github...) keep every finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from playbook_lint.findings import Finding
from playbook_lint.reporters.common import Summary
from playbook_lint.reporters.escape import escape_controls, one_line


def format_finding(f: Finding) -> str:
    """One finding as one line: whitespace runs in the message are flattened and
    control characters in the path, rule and message escaped (``\\x1b``), so neither
    a file name nor a front matter value can forge a line or drive the terminal."""
    return (f"{escape_controls(f.path)}:{f.line}:{f.column}: {f.severity} "
            f"{escape_controls(f.rule)} {one_line(f.message)}")


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


#: Connection failures of one host and reason are grouped from this many links on.
GROUP_AT = 3


def _connection_key(f: Finding) -> tuple[str, str, str] | None:
    """(host, reason, severity) of an external link that got no HTTP answer."""
    if f.rule != "broken-link" or f.data.get("http_status") is not None:
        return None
    url, reason = f.data.get("url"), f.data.get("reason")
    if not isinstance(url, str) or not isinstance(reason, str) or not reason:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return (host, reason, str(f.severity)) if host else None


def group_connection_failures(findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` with each large group of one host's connection failures replaced by
    its first finding, reworded to name the host and count the links and pages."""
    import dataclasses
    from collections import defaultdict

    groups: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        key = _connection_key(f)
        if key is not None:
            groups[key].append(f)
    big = {k: v for k, v in groups.items() if len(v) >= GROUP_AT}
    if not big:
        return list(findings)
    out = []
    for f in findings:
        key = _connection_key(f)
        if key not in big:
            out.append(f)
            continue
        members = big[key]
        if f is members[0]:
            pages = len({m.path for m in members})
            out.append(dataclasses.replace(f, message=(
                f"host {key[0]}: {key[1]}, {len(members)} links on {pages} "
                f"page{'s' if pages != 1 else ''} (this is the first; --format json "
                "lists every one)")))
    return out


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """All findings, one per line; empty string when there are none."""
    line = colored if summary.color else format_finding
    return "".join(line(f) + "\n" for f in group_connection_failures(findings))
