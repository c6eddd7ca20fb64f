"""The issue 11 rules through the CLI: ``--today`` dates content, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run

PAGE = """---
title: Plans
last_reviewed: 2025-06-01
---
As of 2022, the service is in beta. Read [the plan](plan.md).
"""


def _findings(out: str) -> list[tuple[int, int, str, str]]:
    return [(f["line"], f["column"], f["rule"], f["severity"])
            for f in json.loads(out)["findings"]]


def test_today_option_dates_statements_and_review_dates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "plan.md").write_text("---\ntitle: Plan\n---\nPlan.\n", encoding="utf-8")
    args = ["--offline", "-q", "--format", "json", "--select", "stale-content", str(page)]
    code, out, _ = run([*args, "--today", "2026-12-01"], capsys)
    assert (code, _findings(out)) == (0, [(3, 1, "stale-content", "warning"),
                                          (5, 1, "stale-content", "warning")])
    code, out, _ = run([*args, "--today", "2025-12-01"], capsys)
    assert (code, _findings(out)) == (0, [])


def test_login_details_fail_the_run_and_warnings_do_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("[a](https://jo:s3cret@files.agency.gov/a) [here](https://bit.ly/x1)\n",
                    encoding="utf-8")
    code, out, _ = run(["--offline", "-q", "--format", "json", "--select",
                        "link-hygiene,link-text", str(page)], capsys)
    assert code == 1
    assert _findings(out) == [(1, 5, "link-hygiene", "error"), (1, 43, "link-text", "warning"),
                              (1, 50, "link-hygiene", "warning")]
    assert "s3cret" not in out
    page.write_text("[here](https://bit.ly/x1)\n", encoding="utf-8")
    code, out, _ = run(["--offline", "-q", "--select", "link-hygiene,link-text", str(page)],
                       capsys)
    assert code == 0


def test_a_misspelt_option_is_a_config_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("Text.\n", encoding="utf-8")
    config = tmp_path / ".playbook-lint.toml"
    config.write_text("[rules.stale-content]\nmax-age-year = 3\n", encoding="utf-8")
    code, _, err = run(["--offline", "--config", str(config), str(page)], capsys)
    assert code == 2
    assert err == f"playbook-lint: error: {config}: rules.stale-content.max-age-year: " \
                  "unknown key\n"
