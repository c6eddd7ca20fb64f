"""The run pipeline as a library: what the CLI, the language server and tests call.

A run is seven stages, each a small function of this module, in this order::

    discover  -> the files to lint (gitignore-aware; config found from the cwd)
    load      -> config, rules and rule packs (RuleSet)
    check     -> the link engine: every unique external URL once (skipped offline)
    lint      -> rules over documents (a process pool for large trees)
    fix       -> safe (or unsafe) fixes applied atomically, or a diff
    filter    -> baseline: only findings that are not already recorded
    report    -> a reporter renders the findings (text, json, sarif, ...)

Example::

    from pathlib import Path
    from playbook_lint.api import RunOptions, run, render

    result = run([Path("docs")], RunOptions(offline=True))
    print(render(result, "text"), end="")
    raise SystemExit(result.exit_code)

:func:`run` never prints and never exits: run-level messages (the link summary,
fix notes) are passed to ``RunOptions.on_message`` as they happen and are also kept
in :attr:`RunResult.log`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playbook_lint import __version__
from playbook_lint.errors import UsageError
from playbook_lint.findings import Finding, Severity

__all__ = ["RunOptions", "RunResult", "UsageError", "lint_text", "render", "run"]


@dataclass
class RunOptions:
    """Everything a run can be told. Defaults match ``playbook-lint PATH`` with no options.

    Attributes:
        config_path: a config file (``--config``); None searches upward from the cwd.
        select, ignore: rule names or codes to run only / not run.
        offline: do not check external links over the network.
        site_root: the site's root folder (``--site-root``).
        today: the date link ages and review dates are measured from (default: today).
        timeout: per-request timeout for external links, seconds.
        allow_private, check_fragments, exclude_url, no_cache: link engine options.
        jobs: worker processes (None: the cores available).
        fix, unsafe_fixes, diff: apply fixes / include unsafe ones / only compute a diff.
        baseline: report only findings not in this baseline file.
        write_baseline: record the findings in this file instead of reporting them.
        fail_on: lowest severity that fails the run (None: from config, else error).
        progress: show a progress bar for the link check (on a terminal).
        on_message: called as ``on_message(message, kind)`` with each run-level message
            as it happens; ``kind`` is "warning", "summary" or "note".
    """

    config_path: Path | None = None
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    offline: bool = False
    site_root: Path | None = None
    today: date | None = None
    timeout: float | None = None
    allow_private: bool | None = None
    check_fragments: bool | None = None
    exclude_url: Sequence[str] = ()
    no_cache: bool = False
    jobs: int | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    fail_on: str | None = None
    progress: bool = False
    on_message: Callable[[str, str], None] | None = None


@dataclass
class RunResult:
    """What a run produced.

    Attributes:
        findings: sorted findings (after fixes and the baseline).
        files: number of files linted.
        errors: one line per file that could not be read or rule that crashed (exit 2).
        notes: one line per thing worth saying that is not a finding (skipped files).
        messages: run-level warnings that reports carry (network down, engine warnings).
        log: every run-level message in order (warnings, link summary, fix notes).
        link_results: the link engine's results by normalised URL (empty offline).
        rules: every known rule class by name (reporters read rule metadata from it).
        root: the folder finding paths are relative to.
        fail_on: the severity at which findings fail the run.
        changed_files: files ``fix`` rewrote (relative paths).
        fixes_applied: number of fixes applied.
        diff: the unified diff of the fixes (with ``diff=True``), else "".
        baseline_written: findings recorded with ``write_baseline`` (None when not asked).
    """

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    link_results: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    fail_on: Severity = Severity.ERROR
    changed_files: list[str] = field(default_factory=list)
    fixes_applied: int = 0
    diff: str = ""
    baseline_written: int | None = None

    @property
    def exit_code(self) -> int:
        """The CLI's exit status: 2 for file or rule errors, 1 when a file was fixed or a
        finding reaches ``fail_on`` (with ``diff``: when there is a diff), else 0."""
        if self.errors:
            return 2
        if self.baseline_written is not None:
            return 0
        if self.changed_files or self.diff:
            return 1
        return 1 if any(f.severity >= self.fail_on for f in self.findings) else 0


@dataclass
class _Run:
    """State passed between the stages of one run."""

    options: RunOptions
    result: RunResult
    config: Any = None
    rules: Any = None
    files: list[Path] = field(default_factory=list)
    online: bool = False
    today: date = field(default_factory=date.today)
    read_at_ns: int = 0

    def say(self, message: str, kind: str = "note") -> None:
        """Pass a run-level message on; ``kind`` is "warning" (reporters carry it too),
        "summary" (the link check's one-line summary) or "note"."""
        self.result.log.append(message)
        if kind == "warning":
            self.result.messages.append(message)
        if self.options.on_message is not None:
            self.options.on_message(message, kind)


def run(paths: Sequence[Path], options: RunOptions | None = None) -> RunResult:
    """Lint ``paths`` (files or folders; empty means the current folder).

    Args:
        paths: files and folders to lint.
        options: how to run (defaults: :class:`RunOptions`).

    Returns:
        A :class:`RunResult`; its :attr:`~RunResult.exit_code` is the CLI's exit status.

    Raises:
        UsageError: a usage or configuration error (bad config, unknown rule, bad
            regular expression, missing path); the CLI prints it and exits 2.
    """
    state = _Run(options or RunOptions(), RunResult(root=Path.cwd().resolve()))
    load(state)
    discover(state, paths)
    check_links(state)
    lint(state)
    fix(state)
    filter_baseline(state)
    return state.result


def load(state: _Run) -> None:
    """Stage: read the config and build the rules (packs loaded and validated)."""
    from playbook_lint.config import load_config
    from playbook_lint.runner import build_rules

    opts = state.options
    state.config = load_config(opts.config_path)
    state.rules = build_rules(state.config, select=opts.select, ignore=opts.ignore)
    if opts.site_root is not None:
        state.rules.site_options["root"] = opts.site_root.resolve()
    state.result.rules = {n: i.cls for n, i in state.rules.infos.items()}
    state.result.fail_on = (Severity.parse(opts.fail_on) if opts.fail_on
                            else state.config.fail_on)
    state.today = opts.today or date.today()


def discover(state: _Run, paths: Sequence[Path]) -> None:
    """Stage: the files to lint, honouring ``exclude`` and ``.gitignore`` files."""
    from playbook_lint.discover import Ignorer, iter_files

    ignorer = Ignorer(state.config.exclude, state.config.base)
    try:
        state.files = list(iter_files(list(paths) or [Path(".")], ignorer))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    state.read_at_ns = time.time_ns()  # files changed after this are not fixed


def check_links(state: _Run) -> None:
    """Stage: check every unique external URL once (nothing when offline or when no
    active rule reads link results)."""
    opts = state.options
    state.online = not opts.offline and any(
        a.rule.uses_link_results for a in state.rules.active)
    if not state.online:
        return
    from playbook_lint.links.check import engine_config, summary_line, timed_check

    for pattern in opts.exclude_url:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"--exclude-url: bad regular expression {pattern!r}: {exc}") from None
    econf = engine_config(state.config.links, {
        "timeout": opts.timeout, "allow_private": opts.allow_private,
        "check_fragments": opts.check_fragments, "exclude": list(opts.exclude_url) or None,
        "use_cache": False if opts.no_cache else None,
    }, state.config.base)
    report, n_links, elapsed = timed_check(state.files, econf, progress=opts.progress)
    results = report.results
    if report.network_error:  # one run-level message, not one warning per link
        results = {k: r for k, r in results.items() if r.status != "unverified"}
    state.result.link_results = results
    for message in report.warnings:
        state.say(message, "warning")
    if report.network_error:
        state.say(report.network_error, "warning")
    state.say(summary_line(report, n_links, elapsed), "summary")


def lint(state: _Run) -> None:
    """Stage: run the rules over every file (a process pool for large trees)."""
    from playbook_lint.parallel import THRESHOLD, lint_parallel

    root = state.result.root
    if len(state.files) >= THRESHOLD:  # build the site model here: forked workers share it
        from playbook_lint.site import site_for

        try:
            site_for(state.files[0], root, state.rules.site_options).ensure_built()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the lint pass reports it per file
            pass
    linted = lint_parallel(state.files, state.rules, today=state.today, root=root,
                           offline=not state.online, link_results=state.result.link_results,
                           jobs=state.options.jobs)
    state.result.findings = linted.findings
    state.result.files = linted.files
    state.result.errors = linted.errors
    state.result.notes = linted.notes


def fix(state: _Run) -> None:
    """Stage: apply fixes (``fix``) or compute their diff (``diff``), then re-lint the
    files that changed so the findings describe the files as they are now."""
    opts = state.options
    if not (opts.fix or opts.diff):
        return
    from playbook_lint.fixer import apply_fixes
    from playbook_lint.runner import lint_files

    result = state.result
    outcome = apply_fixes(result.findings, result.root, unsafe=opts.unsafe_fixes,
                          write=opts.fix and not opts.diff, read_at_ns=state.read_at_ns)
    for note in outcome.notes:
        state.say(note)
    if opts.diff:
        result.diff = outcome.diff
        return
    result.changed_files = list(outcome.changed_files)
    result.fixes_applied = outcome.applied
    if result.changed_files:
        changed = set(result.changed_files)
        again = lint_files([result.root / p for p in result.changed_files], state.rules,
                           today=state.today, root=result.root, offline=not state.online,
                           link_results=result.link_results)
        keep = [f for f in result.findings if f.path not in changed]
        result.findings = sorted(keep + again.findings)
        fixes = "fix" if outcome.applied == 1 else "fixes"
        files = "file" if len(changed) == 1 else "files"
        state.say(f"applied {outcome.applied} {fixes} in {len(changed)} {files}")


def filter_baseline(state: _Run) -> None:
    """Stage: write the baseline (``write_baseline``) or drop the findings it records
    (``baseline``)."""
    opts = state.options
    result = state.result
    if opts.write_baseline is not None:
        from playbook_lint.baseline import write_baseline

        result.baseline_written = write_baseline(result.findings, opts.write_baseline,
                                                 result.root)
        state.say(f"wrote {result.baseline_written} findings to baseline "
                  f"{opts.write_baseline}")
        return
    if opts.baseline is not None:
        from playbook_lint.baseline import filter_baseline as drop_recorded

        result.findings = drop_recorded(result.findings, opts.baseline, result.root)


def lint_text(path: Path, text: str, options: RunOptions | None = None, *,
              root: Path | None = None, rules: Any = None) -> list[Finding]:
    """Lint one page's unsaved text (an editor buffer) as if it were the file at ``path``.

    Offline rules run on ``text``; external links take their results from the link
    cache only (never a request), so a link checked by an earlier online run still
    shows as broken, and an unchecked one shows nothing.

    Args:
        path: where the page lives (absolute); its folder finds the config and site.
        text: the page's text, as the editor holds it.
        options: ``config_path``, ``select``, ``ignore``, ``site_root``, ``today`` apply.
        root: folder finding paths are relative to (default: the config's folder).
        rules: a :class:`~playbook_lint.runner.RuleSet` built earlier (the language
            server keeps one per config), else built here.

    Returns:
        The page's findings, sorted, suppression comments applied.

    Raises:
        UsageError: a bad config or rule name.
    """
    from playbook_lint.config import load_config
    from playbook_lint.document import Document
    from playbook_lint.rule import Context
    from playbook_lint.runner import FileWorkspace, build_rules, display_path, lint_document

    opts = options or RunOptions()
    config = load_config(opts.config_path, cwd=path.parent)
    if rules is None:
        rules = build_rules(config, select=opts.select, ignore=opts.ignore)
        if opts.site_root is not None:
            rules.site_options["root"] = opts.site_root.resolve()
    root = root or config.base
    doc = Document.from_bytes(path, text.encode("utf-8"),
                              display_path=display_path(path, root))
    site = None
    try:
        from playbook_lint.site import site_for

        site = site_for(path, root, rules.site_options)
    except (OSError, ValueError, RecursionError):
        site = None
    results = cached_link_results(doc, config) if any(
        a.rule.uses_link_results for a in rules.active) else {}
    ctx = Context(today=opts.today or date.today(), workspace=FileWorkspace(),
                  offline=not results, link_results=results, root=root, site=site)
    findings, _errors = lint_document(doc, rules, ctx)
    return sorted(findings)


def cached_link_results(doc: Any, config: Any) -> dict[str, Any]:
    """The link cache's fresh results for the external links of ``doc`` (no request is
    made), keyed by normalised URL as ``Context.link_results`` expects."""
    from playbook_lint.links.cache import LinkCache, default_cache_path
    from playbook_lint.links.check import engine_config
    from playbook_lint.links.normalize import is_http_url, normalize_url

    try:
        econf = engine_config(config.links, {}, config.base)
    except UsageError:
        return {}
    if not econf.use_cache:
        return {}
    cache = LinkCache(econf.cache_path or default_cache_path(),
                      max_age_ok=econf.cache_max_age_ok, max_age_fail=econf.cache_max_age_fail,
                      fingerprint=econf.fingerprint())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cache.load()
    out: dict[str, Any] = {}
    for link in doc.links:
        if is_http_url(link.url):
            key = normalize_url(link.url)
            hit = cache.get(key)
            if hit is not None:
                out[key] = hit
    return out


def render(result: RunResult, fmt: str = "text") -> str:
    """Stage: the findings of ``result`` as the report format ``fmt`` (see
    :data:`playbook_lint.reporters.FORMATS`).

    Raises:
        KeyError: unknown format.
    """
    from playbook_lint.reporters import Summary, get_reporter

    summary = Summary(files=result.files, version=__version__,
                      messages=list(result.messages),
                      rules=result.rules, root=result.root, link_results=result.link_results)
    return get_reporter(fmt)(result.findings, summary)

