"""GitHub Actions workflow commands, so findings show as annotations on a pull request.

``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message``; warnings
use ``::warning`` and info ``::notice``. Values are escaped as the Actions runner
expects (``%`` ``\\r`` ``\\n`` in data; also ``:`` and ``,`` in properties):
https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
"""

from __future__ import annotations

from collections.abc import Sequence

from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters.common import Summary
from playbook_lint.reporters.escape import escape_controls

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a message (the part after ``::``): ``%``, CR and LF as the runner
    expects, every other control or bidi character visibly (``\\x1b``; see
    :mod:`playbook_lint.reporters.escape`), so ESC and BEL never reach the log raw."""
    value = escape_controls(value, keep="\r\n")
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (``file=``, ``title=``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_finding(f: Finding) -> str:
    """One workflow command line for ``f``."""
    props = [f"file={escape_property(f.path)}", f"line={f.line}", f"col={f.column}"]
    if f.end_line is not None:
        props.append(f"endLine={f.end_line}")
    if f.end_column is not None:
        props.append(f"endColumn={f.end_column}")
    props.append(f"title={escape_property(f.rule)}")
    message = f.message if f.suggestion is None or f.suggestion in f.message else (
        f"{f.message} (suggestion: {f.suggestion})"
    )
    return f"::{LEVEL[f.severity]} {','.join(props)}::{escape_data(message)}"


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """All findings as workflow commands, then run-level messages as ``::warning``."""
    lines = [format_finding(f) for f in findings]
    lines += [f"::warning::{escape_data(m)}" for m in summary.messages]
    return "".join(line + "\n" for line in lines)
