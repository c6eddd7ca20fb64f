"""What every reporter shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playbook_lint.findings import Finding, Severity


@dataclass
class Summary:
    """Run-level facts for reporters.

    Attributes:
        files: number of files linted.
        version: playbook-lint's version.
        messages: run-level messages (e.g. "network unavailable: ...").
        rules: every known rule class by name (for rule metadata: code, summary, docs).
        root: folder finding paths are relative to (reporters that show source lines
            read ``root / finding.path``).
        link_results: the link engine's results by normalised URL (empty offline).
        color: use ANSI colours (text format only; the CLI decides from ``--color``,
            ``NO_COLOR`` and whether the output is a terminal).
        fingerprints: content fingerprints already made (see
            :func:`playbook_lint.baseline.finding_keys`'s ``known``), so SARIF need not
            read those findings' lines.
    """

    files: int = 0
    version: str = ""
    messages: list[str] = field(default_factory=list)
    rules: Mapping[str, Any] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    link_results: Mapping[str, Any] = field(default_factory=dict)
    color: bool = False
    fingerprints: Mapping[tuple[str, int, str, str], str] = field(default_factory=dict)


def count_line(findings: Sequence[Finding], files: int) -> str:
    """E.g. ``"3 findings (1 error, 2 warnings) in 12 files"``."""
    by = Counter(f.severity for f in findings)
    parts = []
    for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = by.get(sev, 0)
        if n:
            plural = "s" if n != 1 and sev is not Severity.INFO else ""  # "2 info"
            parts.append(f"{n} {sev}{plural}")
    n = len(findings)
    noun = "finding" if n == 1 else "findings"
    fnoun = "file" if files == 1 else "files"
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{n} {noun}{detail} in {files} {fnoun}"


def encodable(text: str) -> str:
    """``text`` with lone surrogates (from file names that are not UTF-8, which Python
    decodes with ``surrogateescape``) written as ``\\udcXX`` escapes, so the report can be
    written as UTF-8; in a JSON string the escape decodes back to the same name."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
