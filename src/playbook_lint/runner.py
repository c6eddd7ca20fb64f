"""Run rules over documents: build findings from reports, apply suppressions."""

from __future__ import annotations

from playbook_lint.document import Document
from playbook_lint.findings import Finding, Report, Severity
from playbook_lint.rule import Rule


def report_to_finding(doc: Document, rule: Rule, report: Report, severity: Severity) -> Finding:
    """Turn a rule's :class:`Report` (offsets) into a :class:`Finding` (lines, columns).

    ``severity`` is the configured one; ``report.severity`` overrides it when set.
    """
    line, col = doc.position(report.start)
    end_line, end_col = doc.position(max(report.end, report.start))
    return Finding(
        path=doc.display_path,
        line=line,
        column=col,
        rule=rule.name,
        code=rule.code,
        severity=report.severity or severity,
        message=report.message,
        end_line=end_line,
        end_column=end_col,
        suggestion=report.suggestion,
        fix=report.fix,
        data=dict(report.data),
    )
