"""Reporters: exact text, JSON and GitHub workflow command output."""

from __future__ import annotations

import json

from playbook_lint.findings import Edit, Finding, Fix, Severity
from playbook_lint.reporters import Summary, get_reporter
from playbook_lint.reporters.common import count_line
from playbook_lint.reporters.github import escape_property, format_finding

F1 = Finding("docs/a.md", 3, 7, "jargon", "PL301", Severity.WARNING,
             '"utilise" is jargon: use "use"', 3, 14, "use",
             Fix("Replace with \"use\"", (Edit(20, 27, "use"),)))
F2 = Finding("docs/b,c.md", 1, 1, "front-matter-missing", "PL001", Severity.ERROR,
             "line one\nline two: 100%", 1, 4)


def test_text_format_is_path_line_column_severity_rule_message():
    out = get_reporter("text")([F1, F2], Summary(files=2))
    assert out == (
        'docs/a.md:3:7: warning jargon "utilise" is jargon: use "use"\n'
        "docs/b,c.md:1:1: error front-matter-missing line one line two: 100%\n"
    )


def test_text_is_empty_when_clean():
    assert get_reporter("text")([], Summary(files=3)) == ""


def test_json_shape():
    data = json.loads(get_reporter("json")([F1, F2], Summary(files=2, version="9.9")))
    assert data["version"] == "9.9"
    assert data["files"] == 2
    assert data["summary"] == {
        "total": 2,
        "by_severity": {"error": 1, "warning": 1},
        "by_rule": {"front-matter-missing": 1, "jargon": 1},
    }
    first = data["findings"][0]
    assert first == {
        "path": "docs/a.md", "line": 3, "column": 7, "end_line": 3, "end_column": 14,
        "rule": "jargon", "code": "PL301", "severity": "warning",
        "message": '"utilise" is jargon: use "use"', "suggestion": "use",
        "fix": {"title": 'Replace with "use"', "safe": True,
                "edits": [{"start": 20, "end": 27, "replacement": "use"}]},
    }


def test_github_escapes_properties_and_data():
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert format_finding(F2) == (
        "::error file=docs/b%2Cc.md,line=1,col=1,endLine=1,endColumn=4,"
        "title=front-matter-missing::line one%0Aline two: 100%25"
    )
    assert format_finding(F1).startswith(
        "::warning file=docs/a.md,line=3,col=7,endLine=3,endColumn=14,title=jargon::"
    )


def test_count_line():
    assert count_line([F1, F2], 2) == "2 findings (1 error, 1 warning) in 2 files"
    assert count_line([F1], 1) == "1 finding (1 warning) in 1 file"
