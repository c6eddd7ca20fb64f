"""A Markdown summary of the run, for a CI job summary page (GitHub Actions'
``$GITHUB_STEP_SUMMARY``, GitLab merge request notes).

A count line, a table of findings by rule and severity, and the ten files with the
most findings. GitHub renders job summaries as GitHub Flavored Markdown:
https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters.common import Summary, count_line

_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _cell(value: str) -> str:
    """Escape a table cell: pipes, backticks and line breaks would break the table."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace(
        "\r", " ").replace("\n", " ")


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """The summary as Markdown text ending in a newline."""
    lines = ["## playbook-lint", "", count_line(findings, summary.files), ""]
    if findings:
        by_rule: dict[str, Counter[Severity]] = {}
        for f in findings:
            by_rule.setdefault(f.rule, Counter())[f.severity] += 1
        lines += ["| rule | errors | warnings | info |", "|---|---:|---:|---:|"]
        ranked = sorted(by_rule.items(), key=lambda kv: (
            [-kv[1][s] for s in _ORDER], kv[0]))
        for rule, counts in ranked:
            lines.append(f"| `{_cell(rule)}` | " + " | ".join(
                str(counts[s]) for s in _ORDER) + " |")
        per_file = Counter(f.path for f in findings)
        lines += ["", "### Files with the most findings", "", "| file | findings |",
                  "|---|---:|"]
        for path, n in sorted(per_file.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
            lines.append(f"| {_cell(path)} | {n} |")
    for m in summary.messages:
        lines += ["", f"> {_cell(m)}"]
    return "\n".join(lines) + "\n"
