"""JUnit XML, for CI systems that show test reports (GitLab ``artifacts:reports:junit``,
Jenkins, Azure Pipelines, CircleCI).

One ``<testsuite>`` per linted file that has findings plus one passing suite for the
clean files, so a clean run still shows a green test; one ``<testcase>`` per finding,
named ``RULE at LINE:COLUMN``, with a ``<failure>`` for errors and warnings and
``<skipped>`` for info findings (they never fail a run). Shape from the Jenkins
xUnit plugin's JUnit schema (``junit-10.xsd``,
https://github.com/jenkinsci/xunit-plugin/blob/master/src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd),
which the tests validate against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby
from xml.sax.saxutils import quoteattr

from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters.common import Summary

# XML 1.0 cannot carry most C0 controls, even escaped: drop them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub("", str(value)))


def _text(value: str) -> str:
    value = _NOT_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _case(f: Finding) -> list[str]:
    name = f"{f.rule} at {f.line}:{f.column}"
    head = f"    <testcase name={_attr(name)} classname={_attr(f.path)}"
    body = f"{f.path}:{f.line}:{f.column}: {f.severity}: {f.message} [{f.rule}]"
    if f.severity is Severity.INFO:
        return [f"{head}>", f"      <skipped message={_attr(f.message)}/>", "    </testcase>"]
    return [
        f"{head}>",
        f"      <failure type={_attr(f.rule)} message={_attr(f.message)}>{_text(body)}</failure>",
        "    </testcase>",
    ]


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """The run as one ``<testsuites>`` document (UTF-8)."""
    suites: list[str] = []
    failing = 0
    total = 0
    files_with_findings = 0
    for path, group in groupby(findings, key=lambda f: f.path):
        items = list(group)
        files_with_findings += 1
        fails = sum(1 for f in items if f.severity is not Severity.INFO)
        skipped = len(items) - fails
        failing += fails
        total += len(items)
        suites.append(
            f"  <testsuite name={_attr(path)} tests=\"{len(items)}\" failures=\"{fails}\" "
            f"errors=\"0\" skipped=\"{skipped}\">"
        )
        for f in items:
            suites.extend(_case(f))
        suites.append("  </testsuite>")
    clean = max(summary.files - files_with_findings, 0)
    if clean or not findings:
        total += 1
        suites.append('  <testsuite name="clean files" tests="1" failures="0" errors="0">')
        suites.append(f"    <testcase name={_attr(f'{clean} files without findings')} "
                      'classname="playbook-lint"/>')
        suites.append("  </testsuite>")
    head = (f'<testsuites name="playbook-lint" tests="{total}" failures="{failing}" '
            'errors="0">')
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head, *suites,
                      "</testsuites>"]) + "\n"
