"""Run the CLI in-process for tests: ``run(args, capsys) -> (exit status, stdout, stderr)``."""

from __future__ import annotations

import pytest

from playbook_lint.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Call ``playbook_lint.cli.main(args)``; return its exit status and captured output."""
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err
