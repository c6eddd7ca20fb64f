"""The console script ends the process without tearing the interpreter down
(``cli.leave``): same exit status and output as a usual exit, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=60)


def test_python_m_exits_with_the_status_and_the_whole_report(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# Page\n\nSee [guide](missing.md).\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "playbook_lint", "--offline", "--today", "2026-12-01",
         "--format", "json", "--quiet", "--select", "broken-link", "page.md"],
        cwd=tmp_path, env=env, text=True, capture_output=True, timeout=60)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    found = [(f["rule"], f["line"], f["column"], f["severity"], f["message"])
             for f in report["findings"]]
    assert found == [("broken-link", 3, 13, "error", 'link target "missing.md" does not exist')]
    assert done.stderr == ""


def test_python_m_through_runpy_returns_to_its_caller(tmp_path: Path) -> None:
    # profilers (pyinstrument, cProfile -m) run the module with runpy and report after
    # it: python -m must end with SystemExit, not the console script's hard exit
    (tmp_path / "page.md").write_text("# Page\n\nSee [guide](missing.md).\n", encoding="utf-8")
    done = _python("import runpy, sys\n"
                   "sys.argv = ['playbook_lint', '--offline', '--quiet', '--format', 'json',"
                   " '--select', 'broken-link', 'page.md']\n"
                   "try:\n"
                   "    runpy.run_module('playbook_lint', run_name='__main__')\n"
                   "except SystemExit as exc:\n"
                   "    print('caller got', exc.code)\n", tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "caller got 1"
    report = json.loads("\n".join(done.stdout.splitlines()[:-1]))
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [
        ("broken-link", 3, 13)]


def test_atexit_handlers_run_and_buffered_output_is_flushed(tmp_path: Path) -> None:
    done = _python("import atexit\n"
                   "from playbook_lint.cli import leave\n"
                   "atexit.register(lambda: print('handler', end=''))\n"
                   "print('x' * 100000, end='')\n"
                   "leave(None)\n", tmp_path)
    assert (done.returncode, done.stdout) == (0, "x" * 100000 + "handler")


def test_a_message_exits_1_on_stderr_and_an_int_is_the_status(tmp_path: Path) -> None:
    done = _python("from playbook_lint.cli import leave\nleave('no such file')\n", tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "no such file\n")
    done = _python("from playbook_lint.cli import leave\nleave(2)\n", tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "")


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    done = _python("import threading, time\n"
                   "from playbook_lint.cli import leave\n"
                   "def work():\n"
                   "    time.sleep(0.2)\n"
                   "    print('thread done')\n"
                   "threading.Thread(target=work).start()\n"
                   "leave(3)\n", tmp_path)
    assert (done.returncode, done.stdout) == (3, "thread done\n")
