"""The GitHub Action (action.yml + .github/action/lint.sh), run as the runner runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / ".github" / "action" / "lint.sh"


def test_action_metadata_is_a_composite_that_runs_the_script() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    names = [s.get("name") or s.get("uses") for s in steps]
    assert names == ["actions/setup-python@v5", "Install playbook-lint", "Lint",
                     "Upload SARIF", "Fail on findings"]
    assert steps[2]["run"] == 'bash "$GITHUB_ACTION_PATH/.github/action/lint.sh"'
    assert steps[3]["uses"] == "github/codeql-action/upload-sarif@v3"
    assert set(action["inputs"]) == {"paths", "args", "python-version", "upload-sarif",
                                     "summary"}
    for step in steps:  # composite run steps must name their shell
        assert "uses" in step or step["shell"] == "bash"


def _run_step(tmp_path: Path, page: str, args: str = "--offline") -> tuple[
        subprocess.CompletedProcess[str], dict[str, str], str]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(page, encoding="utf-8")
    out, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(out),
           "GITHUB_STEP_SUMMARY": str(summary), "PLAYBOOK_LINT_PATHS": "docs",
           "PLAYBOOK_LINT_ARGS": args, "PLAYBOOK_LINT_SUMMARY": "true"}
    proc = subprocess.run(["bash", str(SCRIPT)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    return proc, outputs, summary.read_text(encoding="utf-8")


def test_the_lint_step_annotates_summarises_and_passes_the_exit_code_on(tmp_path: Path) -> None:
    proc, outputs, summary = _run_step(
        tmp_path, "---\ntitle: A\n---\n# A\n\nSee [gone](missing.md).\n")
    assert proc.returncode == 0  # the step itself passes; "Fail on findings" fails the job
    assert proc.stdout.splitlines() == [
        "::error file=docs/a.md,line=6,col=12,endLine=6,endColumn=22,title=broken-link::"
        'link target "missing.md" does not exist']
    assert outputs["exit-code"] == "1"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["ruleId"] == "broken-link"
    assert summary.startswith("earlier step\n## playbook-lint\n")  # appended, not replaced
    assert "| `broken-link` | 1 | 0 | 0 |" in summary


def test_a_clean_tree_gives_exit_code_0(tmp_path: Path) -> None:
    proc, outputs, summary = _run_step(tmp_path, "---\ntitle: A\n---\n# A\n\nAll good.\n")
    assert proc.returncode == 0 and proc.stdout == ""
    assert outputs["exit-code"] == "0"
    assert "0 findings in 1 file" in summary


def test_a_usage_error_is_exit_code_2(tmp_path: Path) -> None:
    proc, outputs, _ = _run_step(tmp_path, "# A\n", args="--offline --select no-such-rule")
    assert outputs["exit-code"] == "2"
    assert "unknown rule" in proc.stderr
