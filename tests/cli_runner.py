"""Run the CLI in-process for tests: ``run(args, capsys) -> (exit status, stdout, stderr)``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from playbook_lint.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Call ``playbook_lint.cli.main(args)``; return its exit status and captured output."""
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


#: A ``python -c`` script: the CLI on its arguments, then (at exit, on stderr) one line
#: ``MODULES [...]`` naming which of ``{mods!r}`` the process imported.
SHOW_MODULES = ("import atexit, sys\n"
                "atexit.register(lambda: print('MODULES', sorted(m for m in {mods!r} "
                "if m in sys.modules), file=sys.stderr))\n"
                "from playbook_lint.cli import main\n"
                "sys.argv = ['playbook-lint', *sys.argv[1:]]\n"
                "main()\n")


def run_showing_modules(args: tuple[str, ...] | list[str], modules: tuple[str, ...], *,
                        cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a new interpreter (``cwd``, ``env``, 120 s timeout); its stderr's
    last line is ``MODULES [...]``, the sorted names of ``modules`` it imported."""
    return subprocess.run([sys.executable, "-c", SHOW_MODULES.format(mods=modules), *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
