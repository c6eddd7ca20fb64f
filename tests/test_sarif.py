"""SARIF reporter: a real CLI run validated against the OASIS 2.1.0 schema, plus exact fields."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
from conftest import SHARED

from playbook_lint import cli, runner
from playbook_lint.document import Document
from playbook_lint.findings import Edit, Finding, Fix, RawFinding, Severity
from playbook_lint.registry import RuleInfo
from playbook_lint.reporters import Summary, get_reporter
from playbook_lint.reporters.sarif import FINGERPRINT_KEY, first_paragraph, render
from playbook_lint.rule import Context, Rule

SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"


class Buzzword(Rule):
    """Flags the made-up buzzword ``synergise``.

    **Why it matters.** Readers skim; buzzwords slow them down.
    """

    name: ClassVar[str] = "buzzword"
    code: ClassVar[str] = "T001"
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Buzzwords with plain replacements"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        for m in re.finditer(r"synergise", doc.text):
            yield RawFinding(m.start(), m.end(), '"synergise" is a buzzword',
                         suggestion="work together",
                         fix=Fix('Replace with "work together"',
                                 (Edit(m.start(), m.end(), "work together"),)))


class TodoNote(Rule):
    """Flags TODO notes left in a page."""

    name: ClassVar[str] = "todo-note"
    code: ClassVar[str] = "T002"
    default_severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str] = "TODO notes left in a page"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        for m in re.finditer(r"TODO", doc.text):
            yield RawFinding(m.start(), m.end(), "TODO note left in the page")


class NeedsTitle(Rule):
    """Pages start with a front matter block giving a title."""

    name: ClassVar[str] = "needs-title"
    code: ClassVar[str] = "T003"
    default_severity: ClassVar[Severity] = Severity.INFO
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Pages without front matter"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        if not doc.text.startswith("---\n"):
            yield RawFinding(0, 0, "page has no front matter",
                         fix=Fix("Add front matter", (Edit(0, 0, "---\ntitle: TBC\n---\n"),),
                                 safe=False))


TEST_RULES = {cls.name: RuleInfo(cls, "tests") for cls in (Buzzword, TodoNote, NeedsTitle)}


@pytest.fixture
def site(tmp_path: Path, monkeypatch) -> Path:
    """A temp folder of pages, the working folder, with only the test rules registered."""
    monkeypatch.setattr(runner, "discover", lambda: dict(TEST_RULES))
    monkeypatch.setattr(runner, "builtin_pack_paths", lambda: [])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "teams.md").write_text(
        "---\ntitle: Teams\n---\n# Teams\n\nOur teams synergise. TODO: more\n", encoding="utf-8")
    (tmp_path / "docs" / "café notes.md").write_bytes(
        b"\xef\xbb\xbf# Caf\xc3\xa9\r\n\r\nWe synergise at the caf\xc3\xa9.\r\n")
    (tmp_path / "clean.md").write_text("---\ntitle: Fine\n---\nAll good.\n", encoding="utf-8")
    return tmp_path


def run_cli(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        cli.main(args)
    return int(exit_.value.code or 0)


def sarif_of_run(site: Path) -> dict[str, Any]:
    assert run_cli(["--format", "sarif", "--output", "out.sarif", "."]) == 1
    return json.loads((site / "out.sarif").read_text(encoding="utf-8"))


def test_real_run_validates_against_the_sarif_schema(site: Path):
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} is absent (run beside ../shared to validate SARIF)")
    log = sarif_of_run(site)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    assert len(log["runs"][0]["results"]) == 4
    assert any("fixes" in r for r in log["runs"][0]["results"])


def test_driver_and_rule_descriptors(site: Path):
    log = sarif_of_run(site)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("/sarif-schema-2.1.0.json")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "playbook-lint"
    from playbook_lint import __version__
    assert driver["version"] == __version__
    assert driver["informationUri"] == "https://github.com/playbook-lint/playbook-lint"
    assert [r["id"] for r in driver["rules"]] == ["buzzword", "needs-title", "todo-note"]
    assert driver["rules"][0] == {
        "id": "buzzword",
        "name": "buzzword",
        "shortDescription": {"text": "Buzzwords with plain replacements"},
        "fullDescription": {"text": "Flags the made-up buzzword `synergise`."},
        "helpUri": "https://github.com/playbook-lint/playbook-lint/blob/main/docs/rules/"
                   "buzzword.md",
        "help": {"text": "Flags the made-up buzzword ``synergise``.\n\n"
                         "**Why it matters.** Readers skim; buzzwords slow them down."},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"code": "T001", "fixable": True},
    }
    assert driver["rules"][1]["defaultConfiguration"] == {"level": "note"}
    assert driver["rules"][2]["defaultConfiguration"] == {"level": "error"}
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": site.resolve().as_uri() + "/"}}


CAFE = {"uri": "docs/caf%C3%A9%20notes.md", "uriBaseId": "%SRCROOT%"}
TEAMS = {"uri": "docs/teams.md", "uriBaseId": "%SRCROOT%"}


def test_results_rule_level_message_and_location(site: Path):
    results = sarif_of_run(site)["runs"][0]["results"]
    brief = [
        (r["ruleId"], r["ruleIndex"], r["level"], r["message"]["text"],
         r["locations"][0]["physicalLocation"]["artifactLocation"],
         r["locations"][0]["physicalLocation"]["region"])
        for r in results
    ]
    assert brief == [
        ("needs-title", 1, "note", "page has no front matter",
         CAFE, {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}),
        ("buzzword", 0, "warning", '"synergise" is a buzzword (suggestion: work together)',
         CAFE, {"startLine": 3, "startColumn": 4, "endLine": 3, "endColumn": 13}),
        ("buzzword", 0, "warning", '"synergise" is a buzzword (suggestion: work together)',
         TEAMS, {"startLine": 6, "startColumn": 11, "endLine": 6, "endColumn": 20}),
        ("todo-note", 2, "error", "TODO note left in the page",
         TEAMS, {"startLine": 6, "startColumn": 22, "endLine": 6, "endColumn": 26}),
    ]
    assert results[3]["properties"] == {"code": "T002"}
    assert "fixes" not in results[3]


def test_fixes_give_line_column_regions_and_keep_crlf(site: Path):
    results = sarif_of_run(site)["runs"][0]["results"]
    assert results[0]["fixes"] == [{
        "description": {"text": "Add front matter"},
        "artifactChanges": [{
            "artifactLocation": CAFE,
            "replacements": [{
                "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1,
                                  "endColumn": 1},
                "insertedContent": {"text": "---\r\ntitle: TBC\r\n---\r\n"},
            }],
        }],
        "properties": {"safe": False},
    }]
    assert results[2]["fixes"] == [{
        "description": {"text": 'Replace with "work together"'},
        "artifactChanges": [{
            "artifactLocation": TEAMS,
            "replacements": [{
                "deletedRegion": {"startLine": 6, "startColumn": 11, "endLine": 6,
                                  "endColumn": 20},
                "insertedContent": {"text": "work together"},
            }],
        }],
        "properties": {"safe": True},
    }]


def test_partial_fingerprints_survive_line_shifts_and_count_repeats(site: Path):
    before = sarif_of_run(site)["runs"][0]["results"]
    page = site / "docs" / "teams.md"
    page.write_text(page.read_text(encoding="utf-8").replace("# Teams\n", "# Teams\n\nIntro.\n")
                    + "\nOur teams synergise. TODO: more\n", encoding="utf-8")
    after = sarif_of_run(site)["runs"][0]["results"]
    fps = [r["partialFingerprints"][FINGERPRINT_KEY] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        1, 3, 8, 8, 10, 10]
    assert fps[2] == before[2]["partialFingerprints"][FINGERPRINT_KEY]
    assert fps[2].endswith(":1") and fps[4] == fps[2][:-1] + "2"
    assert re.fullmatch(r"[0-9a-f]{16}:1", fps[3])


def test_get_reporter_and_run_messages():
    f = Finding("a.md", 2, 3, "buzzword", "T001", Severity.WARNING, "m", 2, 5)
    summary = Summary(files=1, version="1.2.3", messages=["network unavailable: offline"],
                      rules={"buzzword": Buzzword}, root=Path("/nonexistent-h6"))
    assert get_reporter("sarif") is render
    log = json.loads(render([f], summary))
    run = log["runs"][0]
    assert run["invocations"] == [{
        "executionSuccessful": True,
        "toolExecutionNotifications": [
            {"level": "warning", "message": {"text": "network unavailable: offline"}}],
    }]
    assert run["tool"]["driver"]["version"] == "1.2.3"
    assert run["results"][0]["message"] == {"text": "m"}


def test_unknown_rule_unreadable_file_and_bad_fix_do_not_raise(tmp_path: Path):
    bad = Fix("Replace", (Edit(5, 999, "x"),))
    findings = [
        Finding("gone.md", 1, 1, "mystery", "", Severity.ERROR, "m", None, None, None, bad),
        Finding("here.md", 1, 1, "mystery", "", Severity.INFO, "n", 1, 2, None, bad),
    ]
    (tmp_path / "here.md").write_text("short\n", encoding="utf-8")
    log = json.loads(render(findings, Summary(root=tmp_path)))
    run = log["runs"][0]
    assert run["tool"]["driver"] == {
        "name": "playbook-lint",
        "informationUri": "https://github.com/playbook-lint/playbook-lint",
        "rules": [{
            "id": "mystery", "name": "mystery",
            "helpUri": "https://github.com/playbook-lint/playbook-lint/blob/main/docs/rules/"
                       "mystery.md",
            "defaultConfiguration": {"level": "warning"},
        }],
    }
    assert [r["locations"][0]["physicalLocation"]["region"] for r in run["results"]] == [
        {"startLine": 1, "startColumn": 1},
        {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2},
    ]
    assert [("fixes" in r) for r in run["results"]] == [False, False]
    assert "properties" not in run["results"][0]


def test_empty_run_is_valid_with_no_rules_and_no_results():
    log = json.loads(render([], Summary(files=3, version="0.1.0")))
    run = log["runs"][0]
    assert run["tool"]["driver"]["rules"] == []
    assert run["results"] == []
    if SCHEMA.is_file():
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema).validate(log)


def test_first_paragraph():
    assert first_paragraph(None) == ""
    assert first_paragraph("One ``two``\n    three.\n\n    Four.") == "One `two` three."


def test_fixes_are_placed_from_the_findings_not_by_reading_the_files(site: Path):
    """The runner gives each edit its position; the JSON report carries it, so a
    SARIF log merged from JSON reports has the same fixes after the pages are gone."""
    direct = sarif_of_run(site)["runs"][0]["results"]
    assert run_cli(["--format", "json", "--output", "out.json", "."]) == 1
    edits = [e for f in json.loads((site / "out.json").read_text(encoding="utf-8"))["findings"]
             if "fix" in f for e in f["fix"]["edits"]]
    assert edits == [
        {"start": 0, "end": 0, "replacement": "---\ntitle: TBC\n---\n", "line": 1,
         "column": 1, "end_line": 1, "end_column": 1, "newline": "\r\n"},
        {"start": 11, "end": 20, "replacement": "work together", "line": 3, "column": 4,
         "end_line": 3, "end_column": 13},
        {"start": 40, "end": 49, "replacement": "work together", "line": 6, "column": 11,
         "end_line": 6, "end_column": 20},
    ]
    shutil.rmtree(site / "docs")
    assert run_cli(["merge", "out.json", "--format", "sarif", "--output", "merged.sarif"]) == 1
    merged = json.loads((site / "merged.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert [r.get("fixes") for r in merged["results"]] == [r.get("fixes") for r in direct]
    assert sum("fixes" in r for r in direct) == 3
