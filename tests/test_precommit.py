"""Integration test: the ``.pre-commit-hooks.yaml`` hooks run under real pre-commit.

How it stays offline. The hooks use ``language: python``, so pre-commit builds a
fresh virtualenv for them and runs ``pip install .`` in a clone of this project,
which normally downloads hatchling (the build backend) and every dependency from
PyPI. Tests never touch the network, and ``pip download``/``pip wheel`` from an
index are not allowed either, so the test first *repacks the distributions
already installed in the running environment* (the project's runtime
dependencies and hatchling, found from their metadata) into wheels in a temporary
wheelhouse, then runs pre-commit with ``PIP_NO_INDEX=1`` and ``PIP_FIND_LINKS``
pointing at that folder. Proxy variables point at a closed local port, so any
attempt to reach the network fails loudly instead of passing by luck.

This was chosen over ``language: system`` (or ``unsupported``) in a test-only
config because it tests the hook file users get, unchanged, including its
``language: python`` install. ``pre-commit try-repo`` is run first (the way hook
authors try a hook), then ``pre-commit run --all-files`` from a
``.pre-commit-config.yaml`` whose ``repo`` is a temporary git repository holding a
snapshot of this working tree (so uncommitted work is what gets tested) and whose
``rev`` is that snapshot's commit sha.

Slow but bounded: one virtualenv build (about half a minute, shared by every
pre-commit call through one ``PRE_COMMIT_HOME``), every subprocess has a timeout.
Skipped with a reason when pre-commit, git or hatchling is not installed.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT = 600  # seconds: the first call builds the hook's virtualenv
RUN_TIMEOUT = 120
PROJECT_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
PROJECT_DIRS = ("src", "rules")

# An unclosed quote in the front matter: front-matter-invalid, an error by default.
BAD = '---\ntitle: "Apply for a permit\n---\n\n# Apply for a permit\n\nFill in the form.\n'
FINDING = "bad.md:2:8: error front-matter-invalid"
CLEAN = "---\ntitle: Apply for a permit\n---\n\n# Apply for a permit\n\nFill in the form.\n"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed (pre-commit needs it)"
)


# --- an offline wheelhouse from the running environment ------------------------------

def _canon(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _closure(roots: list[str]) -> dict[str, md.Distribution]:
    """Installed distributions needed by ``roots`` (runtime requirements, no extras)."""
    from packaging.requirements import Requirement

    found: dict[str, md.Distribution] = {}
    todo = list(roots)
    while todo:
        name = _canon(todo.pop())
        if name in found:
            continue
        dist = md.distribution(name)  # PackageNotFoundError when not installed
        found[name] = dist
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def repack_wheel(dist: md.Distribution, folder: Path) -> Path:
    """Write an installed distribution back out as a wheel in ``folder``.

    The files listed in its ``RECORD`` that live in site-packages are zipped with its
    ``.dist-info`` (a fresh ``RECORD``); scripts outside site-packages are left out,
    pip regenerates console scripts from ``entry_points.txt``. The tag comes from
    the ``WHEEL`` file, so compiled packages keep their platform tag.
    """
    files = [f for f in dist.files or [] if not str(f).startswith("..")]
    info_dir = next((str(f).split("/")[0] for f in files
                     if str(f).endswith(".dist-info/METADATA")), None)
    if info_dir is None:
        pytest.skip(f"cannot repack {dist.metadata['Name']}: its install has no RECORD")
    wheel_meta = (Path(str(dist.locate_file(info_dir))) / "WHEEL").read_text()
    tags = [line.split(":", 1)[1].strip() for line in wheel_meta.splitlines()
            if line.startswith("Tag:")]
    parts = [sorted({t.split("-")[i] for t in tags}) for i in range(3)]
    tag = "-".join(".".join(p) for p in parts)
    out = folder / f"{info_dir[: -len('.dist-info')]}-{tag}.whl"
    record: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            arc = str(f).replace(os.sep, "/")
            if "__pycache__" in arc or arc.endswith((".pyc", "/RECORD", "/INSTALLER",
                                                     "/REQUESTED", "/direct_url.json")):
                continue
            path = Path(str(dist.locate_file(f)))
            if not path.is_file():
                continue
            data = path.read_bytes()
            zf.writestr(arc, data)
            record.append(_record_line(arc, data))
        record.append(f"{info_dir}/RECORD,,")
        zf.writestr(f"{info_dir}/RECORD", "\n".join(record) + "\n")
    return out


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of playbook-lint's dependencies and hatchling, from this environment."""
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it belongs in the project's test extras)")
    try:
        needed = _closure(["hatchling", *_runtime_requirements()])
    except md.PackageNotFoundError as exc:
        pytest.skip(f"cannot build the offline wheelhouse: {exc.name} is not installed")
    folder = tmp_path_factory.mktemp("wheelhouse")
    for dist in needed.values():
        repack_wheel(dist, folder)
    return folder


def _runtime_requirements() -> list[str]:
    """Names of playbook-lint's runtime dependencies, read from its pyproject.toml."""
    import tomllib

    from packaging.requirements import Requirement

    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r).name for r in data["project"]["dependencies"]]


# --- repositories ---------------------------------------------------------------------

def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, check=True)
    return done.stdout.strip()


def commit_all(folder: Path) -> str:
    """``git init`` ``folder`` if needed, commit everything in it, return the sha."""
    if not (folder / ".git").exists():
        git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "snapshot", "--allow-empty")
    return git(folder, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding a snapshot of this working tree; returns (path, sha)."""
    dest = tmp_path_factory.mktemp("hook-repo")
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(REPO / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest, commit_all(dest)


def user_repo(base: Path, files: dict[str, str]) -> Path:
    base.mkdir()
    for name, text in files.items():
        (base / name).write_text(text, encoding="utf-8")
    commit_all(base)
    return base


@pytest.fixture(scope="module")
def pc_env(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit: private cache, pip offline from the wheelhouse."""
    dead = "http://127.0.0.1:9"  # discard port: nothing listens, so network use fails
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env.update({
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_CACHE_DIR": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead,
        "NO_COLOR": "1",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    })
    return env


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=INSTALL_TIMEOUT)


@pytest.fixture(scope="module")
def installed(hook_repo: tuple[Path, str], pc_env: dict[str, str],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Build the hook's environment once (``pre-commit install-hooks``), so the tests
    that follow only run it. A failure here shows pip's output."""
    path, sha = hook_repo
    repo = user_repo(tmp_path_factory.mktemp("warm") / "r", {"x.md": CLEAN})
    (repo / ".pre-commit-config.yaml").write_text(config(path, sha), encoding="utf-8")
    commit_all(repo)
    done = pre_commit(repo, pc_env, "install-hooks")
    assert done.returncode == 0, done.stdout + done.stderr
    yield


def config(path: Path, sha: str, hook: str = "playbook-lint", args: str = "") -> str:
    extra = f"        args: {args}\n" if args else ""
    return (f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n      - id: {hook}\n"
            + extra)


# --- the tests ------------------------------------------------------------------------

def test_try_repo_fails_on_a_finding_and_passes_clean(
    installed: None, hook_repo: tuple[Path, str], pc_env: dict[str, str], tmp_path: Path
) -> None:
    path, sha = hook_repo
    bad = user_repo(tmp_path / "bad", {"clean.md": CLEAN, "bad.md": BAD, "notes.txt": BAD})
    done = pre_commit(bad, pc_env, "try-repo", str(path), "playbook-lint", "--ref", sha,
                      "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert FINDING in done.stdout
    assert "clean.md" not in done.stdout.split("Failed", 1)[1]
    assert "notes.txt" not in done.stdout  # types: [markdown]

    clean = user_repo(tmp_path / "clean", {"clean.md": CLEAN, "notes.txt": BAD})
    done = pre_commit(clean, pc_env, "try-repo", str(path), "playbook-lint", "--ref", sha,
                      "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_run_all_files_from_config(
    installed: None, hook_repo: tuple[Path, str], pc_env: dict[str, str], tmp_path: Path
) -> None:
    path, sha = hook_repo
    for name, files, status in (("bad", {"bad.md": BAD, "clean.md": CLEAN}, 1),
                                ("clean", {"clean.md": CLEAN}, 0)):
        repo = user_repo(tmp_path / name, files)
        (repo / ".pre-commit-config.yaml").write_text(config(path, sha), encoding="utf-8")
        commit_all(repo)
        done = pre_commit(repo, pc_env, "run", "--all-files")
        assert done.returncode == status, done.stdout + done.stderr
        first = done.stdout.splitlines()[0]
        if status:
            assert first.startswith("playbook-lint") and first.endswith("Failed")
            assert "- exit code: 1" in done.stdout
            assert FINDING in done.stdout
        else:
            assert first.startswith("playbook-lint") and first.endswith("Passed")


def test_hook_manifest_is_valid_and_as_documented() -> None:
    """The hooks file loads with pre-commit's own validator and keeps its contract."""
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert sorted(hooks) == ["playbook-lint", "playbook-lint-links"]
    assert hooks["playbook-lint"]["entry"] == "playbook-lint --offline"
    assert hooks["playbook-lint-links"]["entry"] == "playbook-lint"
    for hook in hooks.values():
        assert (hook["language"], hook["types"], hook["require_serial"]) == (
            "python", ["text"], True)
        files = re.compile(hook["files"])
        for name in ("a.md", "docs/b.markdown", "source/x.html.md.erb"):
            assert files.search(name), name
        for name in ("a.mdx", "layout.html.erb", "notes.md.bak"):
            assert not files.search(name), name


def test_fix_args_make_the_hook_a_fixer(
    installed: None, hook_repo: tuple[Path, str], pc_env: dict[str, str], tmp_path: Path
) -> None:
    """With ``args: [--fix]`` (as the hooks file suggests) the hook fixes the page and
    fails once, as pre-commit fixers do; the next run passes and changes nothing."""
    path, sha = hook_repo
    page = "---\ntitle: Permits\n---\n\n# Permits\n\nWe utilise the form.\n"
    repo = user_repo(tmp_path / "fix", {"page.md": page})
    (repo / ".pre-commit-config.yaml").write_text(config(path, sha, args="[--fix]"),
                                                   encoding="utf-8")
    commit_all(repo)
    done = pre_commit(repo, pc_env, "run", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "- files were modified by this hook" in done.stdout
    fixed = "---\ntitle: Permits\n---\n\n# Permits\n\nWe use the form.\n"
    assert (repo / "page.md").read_text(encoding="utf-8") == fixed
    done = pre_commit(repo, pc_env, "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / "page.md").read_text(encoding="utf-8") == fixed
