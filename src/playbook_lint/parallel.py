"""Use every core for large trees: lint files in a process pool.

Below :data:`THRESHOLD` files (a pre-commit run, one folder) the pool's start-up
costs more than it saves, so files are linted in this process. Above it, worker
processes are forked from this one, so they share the rules already built (packs
loaded, patterns compiled) without pickling them; each worker keeps its own
workspace cache. Findings come back in chunks and are merged and sorted, so the
output is identical to a sequential run. An online run of a large tree also reads its
pages here (:func:`read_parallel`): the link stage's parse and link extraction, which
a single process would otherwise do before the lint pool starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from playbook_lint.runner import FileWorkspace, LintResult, RuleSet, lint_files

#: Fewest files for which a process pool is used.
THRESHOLD = 300
#: Files per task sent to a worker.
CHUNK = 64
#: Pages per task when the link stage reads a large tree in the pool
#: (:func:`read_parallel`): fewer than ``CHUNK``, so the link check starts on the
#: first pages' URLs soon.
READ_CHUNK = 16

_STATE: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    # the pool's modules (multiprocessing, concurrent.futures: ~40 ms) are imported
    # only by a run that uses it, not by a one-file pre-commit run
    if name == "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor

        globals()[name] = ProcessPoolExecutor
        return ProcessPoolExecutor
    raise AttributeError(name)


def default_jobs() -> int:
    """Cores this process may use (``os.sched_getaffinity`` where available)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _work(chunk: list[Path]) -> LintResult:
    ws = _STATE.get("workspace")
    if ws is None:
        ws = _STATE["workspace"] = _STATE["factory"]()
    return lint_files(chunk, _STATE["rules"], workspace=ws, **_STATE["kwargs"])


def _read(chunk: list[Path]) -> list[Any]:
    read = _STATE["read"]
    return [read(path) for path in chunk]


def read_parallel(files: Sequence[Path], read: Callable[[Path], Any], *,
                  jobs: int | None = None) -> Iterator[Any]:
    """``read(path)`` for each of ``files``, in ``jobs`` forked worker processes (the
    cores available by default), yielded in the order of ``files`` as each task of
    :data:`READ_CHUNK` pages comes back. ``read`` is inherited by the fork, not
    pickled; what it returns is pickled back. Call only where ``fork`` is available;
    an exception ``read`` raises is raised here.

    Returns:
        An iterator over ``read``'s results; the workers end when it is exhausted or
        closed.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    import multiprocessing

    pool_class = globals().get("ProcessPoolExecutor") or __getattr__("ProcessPoolExecutor")
    _STATE.clear()
    _STATE["read"] = read
    chunks = [list(files[i:i + READ_CHUNK]) for i in range(0, len(files), READ_CHUNK)]
    try:
        with pool_class(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) \
                as pool:
            for part in pool.map(_read, chunks):
                yield from part
    finally:
        _STATE.clear()


def lint_parallel(
    files: Sequence[Path],
    rules: RuleSet,
    *,
    today: date,
    root: Path,
    offline: bool = True,
    link_results: dict[str, Any] | None = None,
    jobs: int | None = None,
    workspace_factory: Callable[[], FileWorkspace] = FileWorkspace,
    **kwargs: Any,
) -> LintResult:
    """Lint ``files`` like :func:`~playbook_lint.runner.lint_files`, in ``jobs`` processes
    when there are at least :data:`THRESHOLD` files and ``fork`` is available.

    Args:
        jobs: worker processes (default: the cores available); 1 means in this process.
        workspace_factory: makes each process's workspace (the result cache passes a
            recording one).
        kwargs: passed on to ``lint_files``.

    Returns:
        A :class:`LintResult` with findings sorted by path, line, column.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    call = dict(today=today, root=root, offline=offline, link_results=link_results, **kwargs)
    if jobs == 1 or len(files) < THRESHOLD:
        return lint_files(files, rules, workspace=workspace_factory(), **call)
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return lint_files(files, rules, workspace=workspace_factory(), **call)
    pool_class = globals().get("ProcessPoolExecutor") or __getattr__("ProcessPoolExecutor")
    _STATE.clear()
    _STATE.update(rules=rules, kwargs=call, factory=workspace_factory)
    chunks = [list(files[i:i + CHUNK]) for i in range(0, len(files), CHUNK)]
    merged = LintResult()
    ctx = multiprocessing.get_context("fork")
    try:
        with pool_class(max_workers=jobs, mp_context=ctx) as pool:
            for part in pool.map(_work, chunks):
                merged.files += part.files
                merged.findings.extend(part.findings)
                merged.errors.extend(part.errors)
                merged.notes.extend(part.notes)
                merged.deps.update(part.deps)
                merged.fingerprints.update(part.fingerprints)
    finally:
        _STATE.clear()
    merged.findings.sort()
    return merged
