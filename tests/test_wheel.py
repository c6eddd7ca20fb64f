"""The built wheel carries the rule packs: build it, install it in a fresh venv, lint a file.

Offline by design: the wheel is installed with ``pip --no-index --no-deps`` and the
fresh venv borrows the test environment's dependencies through a ``.pth`` line.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--no-index", "-w", str(dist), str(REPO)])
    if built.returncode != 0:
        pytest.fail(f"wheel build failed:\n{built.stdout}\n{built.stderr}")
    (wheel,) = dist.glob("playbook_lint-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    inst = run([str(py), "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)])
    if inst.returncode != 0:
        pytest.fail(f"wheel install failed:\n{inst.stdout}\n{inst.stderr}")
    site = run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    deps = sysconfig.get_paths()["purelib"]
    (Path(site.stdout.strip()) / "zz_test_deps.pth").write_text(deps + "\n")
    return env_dir


def test_installed_wheel_loads_packs_and_lints(installed: Path, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("# Plan\n\nWe will utilise the form.\n", encoding="utf-8")
    where = run([str(installed / "bin" / "python"), "-c",
                 "import playbook_lint, playbook_lint.packs as p; "
                 "print(playbook_lint.__file__); print(p.builtin_pack_dir())"], cwd=tmp_path)
    module_file, pack_dir = where.stdout.split()
    assert module_file.startswith(str(installed))
    assert pack_dir.startswith(str(installed)) and pack_dir.endswith("playbook_lint/_rules")
    proc = run([str(installed / "bin" / "playbook-lint"), "--offline", "--select", "jargon",
                "page.md"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("page.md:3:9: warning jargon ")
    assert '"utilise"' in proc.stdout
