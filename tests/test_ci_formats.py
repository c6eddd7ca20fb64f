"""CI report formats: GitLab Code Quality, JUnit XML and the Markdown job summary.

Each format is produced by a real CLI run and validated against the published format
kept under ``tests/schemas/`` (see its README for where each came from).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from cli_runner import run

from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters import FORMATS, Summary, get_reporter

SCHEMAS = Path(__file__).parent / "schemas"
PAGE = "---\ntitle: Test\n---\n# Hi\n\nWe utilise things.\n\n![](pic.png)\n"


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "pic.png").write_bytes(b"")
    (tmp_path / "clean.md").write_text("---\ntitle: Clean\n---\n# Clean\n\nAll good.\n",
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitlab_report_is_valid_and_exact(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--offline", "--format", "gitlab", "."], capsys)
    assert status == 0  # warnings only
    data = json.loads(out)
    schema = json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert [(d["check_name"], d["severity"], d["location"]) for d in data] == [
        ("jargon", "minor", {"path": "a.md", "lines": {"begin": 6}}),
        ("missing-alt-text", "minor", {"path": "a.md", "lines": {"begin": 8}}),
    ]
    assert data[0]["description"] == '"utilise" is jargon (GOV.UK words to avoid): use "use"'


def test_gitlab_fingerprints_survive_a_line_shift_and_differ_for_repeats() -> None:
    render = get_reporter("gitlab")
    one = Finding("a.md", 3, 1, "jargon", "PL1", Severity.ERROR, "m")
    moved = Finding("a.md", 9, 4, "jargon", "PL1", Severity.ERROR, "m")
    first = json.loads(render([one], Summary(files=1)))[0]
    assert first["severity"] == "major"
    assert json.loads(render([moved], Summary(files=1)))[0]["fingerprint"] == first["fingerprint"]
    both = json.loads(render([one, moved], Summary(files=1)))
    assert both[0]["fingerprint"] != both[1]["fingerprint"]
    assert json.loads(render([], Summary(files=3))) == []


def test_junit_report_is_valid_against_the_xsd(site: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--offline", "--format", "junit", "."], capsys)
    assert status == 0
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    schema.validate(out)
    doc = schema.to_dict(out)
    assert doc["@tests"] == "3" and doc["@failures"] == "2"
    suites = {s["@name"]: s for s in doc["testsuite"]}
    assert set(suites) == {"a.md", "clean files"}
    cases = suites["a.md"]["testcase"]
    assert [c["@name"] for c in cases] == ["jargon at 6:4", "missing-alt-text at 8:1"]
    assert cases[0]["failure"][0]["@type"] == "jargon"
    assert suites["clean files"]["testcase"][0]["@name"] == "1 files without findings"


def test_junit_info_is_skipped_and_control_characters_are_dropped() -> None:
    f = Finding("b\x1b.md", 2, 3, "broken-link", "PL4", Severity.INFO, "not checked: \x07x <y>")
    out = get_reporter("junit")([f], Summary(files=1))
    xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd")).validate(out)
    assert '<skipped message="not checked: x &lt;y&gt;"/>' in out
    assert 'failures="0"' in out and "\x1b" not in out


def test_markdown_summary_table(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--offline", "--format", "markdown", "."], capsys)
    assert status == 0
    assert out.splitlines()[:8] == [
        "## playbook-lint",
        "",
        "2 findings (2 warnings) in 2 files",
        "",
        "| rule | errors | warnings | info |",
        "|---|---:|---:|---:|",
        "| `jargon` | 0 | 1 | 0 |",
        "| `missing-alt-text` | 0 | 1 | 0 |",
    ]
    assert "| a.md | 2 |" in out


def test_markdown_cells_are_escaped() -> None:
    f = Finding("x|y.md", 1, 1, "jargon", "PL1", Severity.ERROR, "m")
    out = get_reporter("markdown")([f], Summary(files=1))
    assert "| x\\|y.md | 1 |" in out


def test_every_format_is_a_cli_choice_and_renders(capsys: pytest.CaptureFixture[str],
                                                  site: Path) -> None:
    for name in FORMATS:
        status, out, err = run(["--offline", "--format", name, "-q", "clean.md"], capsys)
        assert status == 0, (name, err)
