"""SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

One run with ``tool.driver`` (name, version, information URI and one ``rules``
entry per rule that produced a finding), and one result per finding with its
level, message, location (a path relative to ``%SRCROOT%`` and a line/column
region) and, where the finding has a fix, a SARIF ``fix`` whose replacements give
the deleted region by line and column.

Columns are Unicode code points (``run.columnKind = "unicodeCodePoints"``), as in
every playbook-lint report; ``endColumn`` is exclusive, as SARIF defines it.

The output is plain dicts turned into JSON: the ``sarif-om`` package (last release
2019) only models the classes, needs ``attrs`` and ``pbr`` at run time and a second
package to serialise, and our tests validate the output against the OASIS schema.

Specification: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from playbook_lint.baseline import SourceLines, finding_keys
from playbook_lint.findings import Finding, Fix, Severity
from playbook_lint.reporters.common import Summary

__all__ = ["REPOSITORY_URL", "RULE_DOCS_URL", "SCHEMA_URI", "LEVEL", "render", "to_sarif"]

#: Where playbook-lint lives (``tool.driver.informationUri``).
REPOSITORY_URL = "https://github.com/playbook-lint/playbook-lint"
#: Base of each rule's documentation page: ``RULE_DOCS_URL + name + ".md"``.
RULE_DOCS_URL = f"{REPOSITORY_URL}/blob/main/docs/rules/"
#: The OASIS schema URI written as ``$schema``.
SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: SARIF ``level`` of each severity.
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: Key of our fingerprint in ``partialFingerprints`` (versioned, as SARIF asks).
FINGERPRINT_KEY = "playbookLintContent/v1"
SRCROOT = "%SRCROOT%"


def first_paragraph(doc: str | None) -> str:
    """Return the first paragraph of a docstring as one line (``""`` when none).

    RST double backquotes become Markdown single ones; whitespace runs collapse.
    """
    if not doc:
        return ""
    text = inspect.cleandoc(doc)
    para = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    return " ".join(para.replace("``", "`").split())


def _rule_descriptor(name: str, cls: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": name, "name": name}
    summary = getattr(cls, "summary", "") if cls is not None else ""
    full = first_paragraph(getattr(cls, "__doc__", None)) if cls is not None else ""
    if summary:
        entry["shortDescription"] = {"text": summary}
    if full:
        entry["fullDescription"] = {"text": full}
    entry["helpUri"] = RULE_DOCS_URL + quote(name) + ".md"
    if cls is not None and getattr(cls, "__doc__", None):
        entry["help"] = {"text": inspect.cleandoc(cls.__doc__)}
    severity = getattr(cls, "default_severity", Severity.WARNING)
    try:
        level = LEVEL[Severity.parse(severity)]
    except ValueError:
        level = "warning"
    entry["defaultConfiguration"] = {"level": level}
    props: dict[str, Any] = {}
    code = getattr(cls, "code", "")
    if code:
        props["code"] = code
    if cls is not None:
        props["fixable"] = bool(getattr(cls, "fixable", False))
    if props:
        entry["properties"] = props
    return entry


def _uri(path: str) -> str:
    # surrogateescape: a file name that is not UTF-8 keeps its own bytes (%FF)
    return quote(path, safe="/", errors="surrogateescape")


def _region(line: int, column: int, end_line: int | None, end_column: int | None
            ) -> dict[str, int]:
    region = {"startLine": max(1, line), "startColumn": max(1, column)}
    if end_line is not None and end_column is not None:
        if (end_line, end_column) >= (region["startLine"], region["startColumn"]):
            region["endLine"] = end_line
            region["endColumn"] = max(1, end_column)
    return region


def _fix(finding: Finding, fix: Fix) -> dict[str, Any] | None:
    """The SARIF ``fix`` of ``fix``, placed by its edits' positions (set by the runner;
    a fix with an edit that has none, e.g. from an older JSON report, is left out)."""
    if not fix.edits or any(e.position is None for e in fix.edits):
        return None
    replacements = []
    for edit in sorted(fix.edits, key=lambda e: (e.start, e.end)):
        pos = edit.position
        assert pos is not None
        replacements.append({
            "deletedRegion": {"startLine": pos.line, "startColumn": pos.column,
                              "endLine": pos.end_line, "endColumn": pos.end_column},
            "insertedContent": {"text": edit.replacement.replace("\n", pos.newline)
                                if pos.newline != "\n" else edit.replacement},
        })
    return {
        "description": {"text": fix.title},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": SRCROOT},
            "replacements": replacements,
        }],
        "properties": {"safe": fix.safe},
    }


def _message(f: Finding) -> str:
    if f.suggestion is None or f.suggestion in f.message:
        return f.message
    return f"{f.message} (suggestion: {f.suggestion})"


def to_sarif(findings: Sequence[Finding], summary: Summary) -> dict[str, Any]:
    """Return the SARIF log of a run as a JSON-ready dict (see the module docstring).

    Args:
        findings: the run's findings (any order; results follow it).
        summary: run facts; ``summary.rules`` maps rule names to rule classes (for
            code, summary, docstring, default severity, fixable), ``summary.root``
            is the folder paths are relative to (files are read from it for
            fingerprints not in ``summary.fingerprints``; unreadable files just get
            none). Fixes are placed by their
            edits' positions, which the runner set.

    Never raises for unreadable files or rules missing from ``summary.rules``.
    """
    used = sorted({f.rule for f in findings})
    index = {name: i for i, name in enumerate(used)}
    descriptors = [_rule_descriptor(name, summary.rules.get(name)) for name in used]
    keys = finding_keys(findings, SourceLines(summary.root), summary.fingerprints)
    results = []
    for f, ((_, _, fp), occurrence) in zip(findings, keys, strict=True):
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": LEVEL.get(f.severity, "warning"),
            "message": {"text": _message(f)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.path), "uriBaseId": SRCROOT},
                    "region": _region(f.line, f.column, f.end_line, f.end_column),
                },
            }],
            "partialFingerprints": {FINGERPRINT_KEY: f"{fp}:{occurrence}"},
        }
        if f.fix is not None:
            fix = _fix(f, f.fix)
            if fix is not None:
                result["fixes"] = [fix]
        props: dict[str, Any] = {}
        if f.code:
            props["code"] = f.code
        if f.suggestion is not None:
            props["suggestion"] = f.suggestion
        if props:
            result["properties"] = props
        results.append(result)

    root_uri = summary.root.resolve().as_uri()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "playbook-lint",
                **({"version": summary.version} if summary.version else {}),
                "informationUri": REPOSITORY_URL,
                "rules": descriptors,
            },
        },
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri.rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {"level": "warning", "message": {"text": m}} for m in summary.messages
            ],
        }],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """The run as a SARIF 2.1.0 JSON document (two-space indent, trailing newline)."""
    return json.dumps(to_sarif(findings, summary), indent=2, ensure_ascii=False) + "\n"
