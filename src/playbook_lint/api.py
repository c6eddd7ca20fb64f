"""The run pipeline as a library: what the CLI, the language server and tests call.

A run is seven stages, each a small function of this module, in this order::

    discover  -> the files to lint (gitignore-aware; config found from the cwd)
    load      -> config, rules and rule packs (RuleSet)
    check     -> the link engine: every unique external URL once (skipped offline);
                 in a child process beside the lint stage when many URLs need the network
    lint      -> rules over documents (a process pool for large trees)
    suggest   -> archived copies for dead external links (only with suggest_archive)
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

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
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
        timeout: per-request timeout for external links, seconds (start to end).
        max_time: time limit for the whole link check, seconds (``--max-time``); links
            not checked by then are ``unverified`` "not checked: ...". None: no limit.
        allow_private, check_fragments, exclude_url, no_cache: link engine options.
        jobs: worker processes (None: the cores available); 1 also keeps the link check
            in this process, before the lint pass (see :func:`check_links`).
        shard: ``(k, n)``, 1 <= k <= n: run shard k of n (see :func:`in_shard`); the
            union of the n shards' findings is the unsharded run's.
        suggest_archive: for broken external links, look up an archived copy (Internet
            Archive) nearest the page's date: a suggestion and an unsafe fix.
        archive_api: the availability API to ask (default: the Wayback Machine's).
        changed_since: a git ref; lint only the files changed against it (committed,
            staged, unstaged or untracked) and the pages that name them (see
            :func:`changed_files`).
        fix, unsafe_fixes, diff: apply fixes / include unsafe ones / only compute a diff.
        fix_outside_root: let ``fix`` write files whose real location (after symbolic
            links) is outside the linted paths (``--fix-outside-root``); by default
            such files are left alone with a note.
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
    max_time: float | None = None
    allow_private: bool | None = None
    check_fragments: bool | None = None
    exclude_url: Sequence[str] = ()
    no_cache: bool = False
    jobs: int | None = None
    changed_since: str | None = None
    shard: tuple[int, int] | None = None
    suggest_archive: bool = False
    archive_api: str | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    fix_outside_root: bool = False
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
    rules: Mapping[str, Any] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    fail_on: Severity = Severity.ERROR
    changed_files: list[str] = field(default_factory=list)
    fixes_applied: int = 0
    diff: str = ""
    baseline_written: int | None = None
    #: content fingerprints of findings made while linting or kept by the result
    #: cache, by ``(path, line, rule, message)``: SARIF need not read their lines
    fingerprints: Mapping[tuple[str, int, str, str], str] = field(default_factory=dict)

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
    all_files: list[Path] = field(default_factory=list)  # with a shard: every shard's files
    online: bool = False
    today: date = field(default_factory=date.today)
    read_at_ns: int = 0
    cache_hits: int = 0
    #: The linted folders (each PATH given, or a given file's folder), absolute: the
    #: config and each file's site come from these, never from the working folder.
    trees: list[Path] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    fix_roots: list[Path] = field(default_factory=list)  # folders --fix may write in
    #: pages the link stage parsed, for the lint stage (a ParsedPages; None offline)
    parsed: Any = None
    #: the result cache (see :func:`_result_cache`), read once per run
    result_cache: Any = None
    #: what the result cache keeps of the rules (see :func:`_facts`)
    rule_facts: dict[str, Any] | None = None
    #: the link check running beside the lint pass: ``(BackgroundCheck, link count,
    #: start time)`` until the lint stage takes its results (see :func:`check_links`)
    pending: Any = None
    #: the engine child forked at the start of a cold online run (a
    #: ``background.Standby``) until the link stage uses or dismisses it
    standby: Any = None

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
    state.paths = expand_globs(list(paths) or [Path(".")])
    # once each: 40 files of one folder are one tree (tree_of walks them per page)
    state.trees = list(dict.fromkeys(
        Path(os.path.abspath(p)) if p.is_dir() else Path(os.path.abspath(p)).parent
        for p in state.paths))
    from playbook_lint.siteindex import site_caches

    with site_caches(not state.options.no_cache):  # the site index follows --no-cache
        try:
            load(state)
            discover(state, paths)
            check_links(state)
        finally:
            _dismiss_standby(state)
        try:
            lint(state)
        finally:
            if state.pending is not None:  # the run failed before it took the results
                state.pending[0].cancel()
        suggest_archive(state)
        fix(state)
        filter_baseline(state)
    return state.result


def load(state: _Run) -> None:
    """Stage: read the config and build the rules (packs loaded and validated)."""
    from playbook_lint.config import load_config
    opts = state.options
    # the config closest to the linted files wins, wherever the command runs
    start = Path(os.path.commonpath(state.trees)) if state.trees else None
    state.config = load_config(opts.config_path, cwd=start)
    deferred = _deferred_rules(state)
    if deferred is not None:  # a warm run: the rules are built if a page needs linting
        from playbook_lint.resultcache import LazyRuleClasses

        state.rules = deferred
        notes = list(deferred.facts["notes"])
        state.result.rules = LazyRuleClasses(_rule_classes)
    else:  # cold: the rules take a while to build; the engine child imports meanwhile
        _fork_standby(state)
        state.rules = _build_rules(state)
        notes = [note for active in state.rules.active for note in active.rule.notes]
        state.result.rules = {n: i.cls for n, i in state.rules.infos.items()}
    for note in notes:  # once per run, e.g. Vale rules of kinds not run
        state.say(note, "warning")
    state.result.fail_on = (Severity.parse(opts.fail_on) if opts.fail_on
                            else state.config.fail_on)
    state.today = opts.today or date.today()
    for pattern in opts.exclude_url:  # a bad pattern is an error offline too
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"--exclude-url: bad regular expression {pattern!r}: {exc}") from None


def _build_rules(state: _Run) -> Any:
    """The run's RuleSet: rules, packs and options (``--site-root`` included)."""
    from playbook_lint.runner import build_rules

    opts = state.options
    rules = build_rules(state.config, select=opts.select, ignore=opts.ignore)
    if opts.site_root is not None:
        rules.site_options["root"] = opts.site_root.resolve()
    return rules


def _rule_classes() -> dict[str, Any]:
    from playbook_lint.registry import discover as discover_rules

    return {n: i.cls for n, i in discover_rules().items()}


def _deferred_rules(state: _Run) -> Any:
    """A :class:`~playbook_lint.resultcache.DeferredRules` standing for the rules when
    an earlier run with this config, these options and this code stored their facts
    (and the packs and files they read are unchanged); else None. Only runs that use
    the result cache (:func:`_result_cache`) defer."""
    cache = _open_result_cache(state)
    if cache is None:
        return None
    from playbook_lint.resultcache import DeferredRules, load_key

    opts = state.options
    cache.load_key = load_key(
        config_path=state.config.path, select=opts.select, ignore=opts.ignore,
        site_root=opts.site_root.resolve() if opts.site_root is not None else None)
    facts = cache.rule_facts(cache.load_key)
    if facts is None:
        return None
    return DeferredRules(facts, lambda: _build_rules(state))


def _uses_link_results(state: _Run) -> bool:
    """Whether any active rule reads link results (deferred rules know it unbuilt)."""
    known = getattr(state.rules, "uses_link_results", None)
    if known is not None:
        return bool(known)
    return any(a.rule.uses_link_results for a in state.rules.active)


def discover(state: _Run, paths: Sequence[Path]) -> None:
    """Stage: the files to lint, honouring ``exclude`` and ``.gitignore`` files."""
    from playbook_lint.discover import Ignorer, iter_files

    try:
        ignorer = Ignorer(state.config.exclude, state.config.base)
    except (re.error, ValueError) as exc:  # a broken gitignore-style pattern
        where = state.config.path or "config"
        raise UsageError(f"{where}: exclude: bad pattern: {exc}") from None
    empty: list[str] = []
    given = state.paths or expand_globs(list(paths) or [Path(".")])
    state.fix_roots = fix_roots(given)
    try:
        state.files = list(iter_files(given, ignorer, empty))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    if state.options.changed_since is not None:
        state.files = changed_files(state.files, state.options.changed_since)
    if state.options.shard is not None:
        k, n = state.options.shard
        root = state.result.root
        state.all_files = state.files
        state.files = [f for f in state.files if in_shard(_rel(f, root), k, n)]
    for where in empty:  # a run that lints nothing says so (Tech Docs sites did not)
        state.say(f"no Markdown files under {where}")
    state.read_at_ns = time.time_ns()  # files changed after this are not fixed


def fix_roots(paths: Sequence[Path]) -> list[Path]:
    """The folders ``--fix`` may write in: each folder PATH, or a file PATH's folder,
    as real paths. A PATH that is itself a symbolic link is not trusted (its folder
    is used), so a hostile link named by a glob cannot widen the confinement."""
    roots = []
    for p in paths:
        folder = p if p.is_dir() and not p.is_symlink() else p.parent
        roots.append(Path(os.path.realpath(folder)))
    return roots


_GLOB_CHARS = re.compile(r"[*?\[]")


def expand_globs(paths: Sequence[Path]) -> list[Path]:
    """Expand glob patterns among ``paths`` (``content/**/*.md``; ``**`` matches any
    folders), for shells that pass them unexpanded or quoted. A path that exists is
    kept as it is, even when its name holds ``*`` or ``[``.

    Raises:
        UsageError: a pattern that matches nothing.
    """
    import glob

    out: list[Path] = []
    for p in paths:
        text = str(p)
        if p.exists() or not _GLOB_CHARS.search(text):
            out.append(p)
            continue
        matches = sorted(glob.glob(text, recursive=True))
        if not matches:
            raise UsageError(f"{text}: no file matches this pattern")
        out.extend(Path(m) for m in matches)
    return out


def in_shard(key: str, k: int, n: int) -> bool:
    """True when ``key`` (a file's path relative to the run's root, or a URL's host)
    belongs to shard ``k`` of ``n``: a stable hash (SHA-1, the same on every machine
    and Python), so N CI jobs split a run without talking to each other. Hosts, not
    URLs, are split so each host's politeness limits hold across shards."""
    import hashlib

    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % n == k - 1


def _rel(path: Path, root: Path) -> str:
    from playbook_lint.runner import display_path

    return display_path(path, root)


_INDEX_STEMS = {"index", "_index", "readme"}


def _git(args: list[str], cwd: Path) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--changed-since: cannot run git: {exc}") from None
    if done.returncode != 0:
        raise UsageError(f"--changed-since: git {' '.join(args)}: "
                         f"{done.stderr.strip() or 'failed'}")
    return done.stdout


_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-(.+)$")
_URL_KEYS = re.compile(r"^(?:permalink|slug|url)\s*[:=]\s*[\"']?([^\"'\n]+)", re.M)


def _name_tokens(top: Path, name: str, ref: str) -> set[str]:
    """What a link into the changed file ``name`` must contain: its stem (a dated
    post's slug without the date; the folder for an index page) and the last part of
    the permalink, slug or url in its front matter (read from ``ref`` when the file
    is deleted). Tokens under 3 characters are too common to mean anything."""
    path = top / name
    stem = path.name.split(".", 1)[0]
    dated = _DATED.match(stem)
    stem = dated.group(1) if dated else stem
    out = {(path.parent.name if stem.lower() in _INDEX_STEMS else stem).lower()}
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        try:
            head = _git(["show", f"{ref}:{name}"], top)[:4096]
        except UsageError:
            head = ""
    for value in _URL_KEYS.findall(head):
        last = [part for part in value.strip().split("/") if part and ":" not in part]
        if last:
            out.add(last[-1].lower())
    return {t for t in out if len(t) >= 3}


def changed_files(files: Sequence[Path], ref: str) -> list[Path]:
    """The files among ``files`` that changed against git ``ref``, and those that name a
    changed file (a page can only link to ``guide/apply.md`` or ``/guide/apply/`` by
    writing ``apply``, or the folder name for an index page), so pages whose links point
    into a changed or deleted page are linted too.

    Changed means: different in the working tree from ``ref`` (committed since, staged
    or not), deleted, or untracked and not ignored.

    Raises:
        UsageError: not a git repository, or an unknown ref.
    """
    if not files:
        return []
    top = Path(_git(["rev-parse", "--show-toplevel"], files[0].parent).strip())
    names = _git(["diff", "--name-only", "-z", ref, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    changed = {(top / n).resolve() for n in names if n}
    tokens: set[str] = set()
    for name in [n for n in names if n]:
        tokens |= _name_tokens(top, name, ref)
    out = []
    for f in files:
        if f.resolve() in changed:
            out.append(f)
            continue
        try:
            text = f.read_text(encoding="utf-8", errors="replace").lower()
        except OSError:
            continue
        if any(t in text for t in tokens):
            out.append(f)
    return out


def check_links(state: _Run) -> None:
    """Stage: check every unique external URL once (nothing when offline or when no
    active rule reads link results). With enough URLs for the network the check is
    started in a child process (:func:`_start_beside`) and the lint stage takes its
    results when the rules that read them run (:func:`_lint_beside_links`)."""
    opts = state.options
    state.online = not opts.offline and _uses_link_results(state)
    if not state.online:
        return
    from playbook_lint.links.stage import collect_urls, engine_config, run_engine

    econf = engine_config(state.config.links, {
        "timeout": opts.timeout, "max_time": opts.max_time,
        "allow_private": opts.allow_private,
        "check_fragments": opts.check_fragments, "exclude": list(opts.exclude_url) or None,
        "use_cache": False if opts.no_cache else None,
    }, state.config.base)
    start = time.monotonic()
    if opts.shard is not None:  # this shard checks its hosts' URLs, from any shard's pages
        from playbook_lint.links.normalize import host_of

        state.parsed = _parsed_pages(state)  # no result cache; every shard's pages
        # in the pool when this shard's pages are linted in one too: a page linted
        # here in two passes reads its whole kept Document, which a pool cannot send
        if _pool_for(state, len(state.files)) and _pool_for(state, len(state.all_files)):
            urls, _ = _collect_urls_in_pool(state, state.all_files, {}, state.all_files,
                                            None, None)
        else:
            urls, _ = collect_urls(state.all_files, state.parsed.keep)
        urls = [u for u in urls if in_shard(host_of(u), *opts.shard)]
        report = _cache_first(urls, econf)
        if report is None:
            report = run_engine(urls, econf, progress=opts.progress)
        _take_link_report(state, report, len(urls), time.monotonic() - start)
        return
    feeds: list[Any] = []  # the BesideFeed, made when the first page is parsed

    def make_feed() -> Any:
        if not feeds:
            feeds.append(_beside_feed(state, econf))
        return feeds[0]

    try:
        urls, n_links = _collect_urls(state, state.files, make_feed)
    except BaseException:
        if feeds and feeds[0] is not None:  # a child started on the first pages
            feeds[0].cancel()  # must not outlive us
        raise
    report = None
    if not (feeds and feeds[0] is not None and feeds[0].started):  # every URL cached?
        report = _cache_first(urls, econf, feeds[0].cache if feeds and feeds[0] else None)
    if report is None:
        background = _start_beside(state, urls, make_feed())
        if background is not None:  # the lint stage takes the results when it needs them
            state.pending = (background, n_links, start)
            return
        report = run_engine(urls, econf, progress=opts.progress)
    _take_link_report(state, report, n_links, time.monotonic() - start)


def _cache_first(urls: list[str], econf: Any, cache: Any = None) -> Any:
    """The link check's report from the link cache alone, or None when a URL needs the
    engine (:func:`playbook_lint.links.cachefirst.cached_run`; ``cache``: the link
    cache already read, or None to read it there): a warm run imports neither the
    engine nor httpx/asyncio."""
    from playbook_lint.links.cachefirst import cached_run

    return cached_run(urls, econf, cache=cache)


def _take_link_report(state: _Run, report: Any, n_links: int, elapsed: float) -> None:
    """Keep the link engine's results for the rules and say its warnings and summary."""
    state.result.link_results = _link_results_of(report)
    _say_link_report(state, report, n_links, elapsed)


def _say_link_report(state: _Run, report: Any, n_links: int, elapsed: float) -> None:
    """Say the link engine's warnings, its network error and its summary line."""
    from playbook_lint.links.stage import summary_line

    for message in report.warnings:
        state.say(message, "warning")
    if report.network_error:
        state.say(report.network_error, "warning")
    state.say(summary_line(report, n_links, elapsed), "summary")


def _link_results_of(report: Any) -> dict[str, Any]:
    """The results the rules read from the engine's ``report``: all of them, but for
    the unverified ones when the network was down (one run-level message instead)."""
    results = report.results
    if report.network_error:
        results = {k: r for k, r in results.items() if r.status != "unverified"}
    return results


def _beside_feed(state: _Run, econf: Any) -> Any:
    """A :class:`~playbook_lint.links.background.BesideFeed`: the link check starts in
    its own process beside the lint pass as soon as ``MIN_URLS`` of the pages' URLs
    need the network (the link cache answers the others), while the later pages are
    still parsed; None (check here, first) with ``jobs=1`` or without ``fork``."""
    import multiprocessing

    from playbook_lint.links import background

    if state.options.jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    cache = None
    if econf.use_cache:
        from playbook_lint.links.cache import default_cache_path

        cache = _loaded_link_cache(econf.cache_path or default_cache_path(), econf)
    return background.BesideFeed(econf, cache, progress=state.options.progress,
                                 standby=state.standby)


#: Fewest paths for which an online run forks the engine's standby child when they
#: are all files (a folder always counts as enough).
STANDBY_MIN_FILES = 4


def _fork_standby(state: _Run) -> None:
    """Fork the link engine's child now, before the rules are built, when this run
    will most likely check links beside the lint pass: online, more than one job,
    ``fork`` available, no shard, a folder or ``STANDBY_MIN_FILES`` files or more.
    It imports the engine on the other core meanwhile;
    :class:`~playbook_lint.links.background.BesideFeed` uses it instead of forking
    once ``MIN_URLS`` URLs need the network, and :func:`_dismiss_standby` ends it when
    nothing did. Called only when the result cache holds nothing for this config
    (a re-run, which the link cache mostly answers, forks no standby)."""
    opts = state.options
    if opts.offline or opts.jobs == 1 or opts.shard is not None:
        return
    if len(state.paths) < STANDBY_MIN_FILES and all(p.is_file() for p in state.paths):
        return  # a few named files (an editor, a hook) seldom hold MIN_URLS URLs
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return
    from playbook_lint.links.background import Standby

    state.standby = Standby.fork(progress=opts.progress)


def _dismiss_standby(state: _Run) -> None:
    """End the standby engine child if the link stage did not take it."""
    standby, state.standby = state.standby, None
    if standby is not None:
        standby.dismiss()


def _start_beside(state: _Run, urls: list[str], feed: Any) -> Any:
    """The link check running beside the lint pass (started by ``feed`` from
    :func:`_beside_feed` while the pages were read, or now), or None to check here
    first: with ``jobs=1``, without ``fork``, or when fewer than ``MIN_URLS`` URLs
    need the network (the result cache then serves unchanged pages, which it can only
    do once the link results are known)."""
    return None if feed is None else feed.finish(urls)


def _parsed_pages(state: _Run) -> Any:
    """Where the link stage leaves the pages it parsed for the lint stage: whole
    Documents when this process lints them, their links only when a forked process
    pool will (:mod:`playbook_lint.parsed`)."""
    from playbook_lint.parsed import ParsedPages

    pool = _pool_for(state, len(state.files))  # as lint_parallel decides
    if pool and state.options.shard is not None:  # the other shards' pages too: their
        return ParsedPages("links")  # links are linted here again (_foreign_link_findings)
    return ParsedPages("links" if pool else "documents", only=state.files)


def _pool_for(state: _Run, pages: int) -> bool:
    """Whether ``pages`` pages are worth a process pool in this run, as
    :func:`~playbook_lint.parallel.lint_parallel` decides: ``THRESHOLD`` pages or
    more, more than one job, ``fork`` available."""
    import multiprocessing

    from playbook_lint.parallel import THRESHOLD, default_jobs

    jobs = default_jobs() if state.options.jobs is None else max(1, state.options.jobs)
    return pages >= THRESHOLD and jobs > 1 and \
        "fork" in multiprocessing.get_all_start_methods()


def lint(state: _Run) -> None:
    """Stage: run the rules over every file (a process pool for large trees), taking
    unchanged files from the result cache (:mod:`playbook_lint.resultcache`) unless
    ``no_cache``."""
    if state.pending is not None:
        _lint_beside_links(state)
        return
    root = state.result.root
    cache, keys, cached = _cached_results(state)
    todo = [f for f in state.files if f not in cached]
    if todo:
        _build_shared_site(state, todo)
    kwargs: dict[str, Any] = {}
    if cache is not None and todo:
        from playbook_lint.resultcache import recording_workspace_class

        kwargs["workspace_factory"] = recording_workspace_class()
    if todo or cache is None:
        from playbook_lint.parallel import lint_parallel

        linted: Any = lint_parallel(todo, state.rules, today=state.today, root=root,
                                    offline=not state.online,
                                    link_results=state.result.link_results,
                                    jobs=state.options.jobs, trees=state.trees,
                                    parsed=state.parsed, **kwargs)
    else:  # every page from the result cache: the rules need not even be built
        from types import SimpleNamespace

        linted = SimpleNamespace(findings=[], files=0, errors=[], notes=[], deps={},
                                 fingerprints={})
    parsed, state.parsed = state.parsed, None  # what was kept is used up
    _take_linted(state, linted, cached, cache, keys)
    if state.options.shard is not None and state.result.link_results:
        state.result.findings = sorted(state.result.findings
                                       + _foreign_link_findings(state, parsed))


def _take_linted(state: _Run, linted: Any, cached: Mapping[Path, list[Finding]],
                 cache: Any, keys: Any) -> None:
    """Put the lint pass's ``linted`` (a ``LintResult``-shaped object) and the result
    cache's ``cached`` findings (path -> findings) into ``state.result``, sorted, and
    store the new results in ``cache`` (None: no result cache) under ``keys``."""
    findings = list(linted.findings)
    for hit in cached.values():
        findings.extend(hit)
    state.result.findings = sorted(findings)
    state.result.files = linted.files + _pages(cached)
    state.result.errors = linted.errors
    state.result.notes = linted.notes
    if cache is not None:
        _store_results(state, cache, keys, linted)
        state.result.fingerprints = cache.known_fingerprints(linted.fingerprints)


def _pages(cached: Mapping[Path, list[Finding]]) -> int:
    """How many of the files served by the result cache are pages (the others were
    not linted: the site model says they are not pages)."""
    from playbook_lint.resultcache import NOT_A_PAGE

    return sum(1 for hit in cached.values() if hit is not NOT_A_PAGE)


def _build_shared_site(state: _Run, todo: Sequence[Path]) -> None:
    """Before a process pool lints ``todo``: build the site model (and infer its front
    matter schema) here, so the forked workers share it."""
    from playbook_lint.parallel import THRESHOLD

    if len(todo) < THRESHOLD:
        return
    from playbook_lint.runner import tree_of
    from playbook_lint.site import site_for

    try:
        site = site_for(todo[0], tree_of(todo[0], state.trees, state.result.root),
                        state.rules.site_options)
        site.ensure_built()
        if any(a.rule.uses_front_matter_schema for a in state.rules.active):
            from playbook_lint.fmsite import schema_for

            schema_for(site)  # inferred once here, shared by the forked workers
    except Exception:  # noqa: BLE001 - the lint pass reports it per file
        pass


def _lint_beside_links(state: _Run) -> None:
    """The lint stage while the link check runs in its own process: first the rules
    that do not read link results, over every page; then, once the results are in,
    the result cache's lookup (it checks pages' link dependencies) and the rules that
    report on link results, over the pages the cache did not serve. The findings,
    file count, errors and notes are those of :func:`lint` run after the check."""
    from playbook_lint.parallel import lint_parallel
    from playbook_lint.runner import LintResult, RuleSet

    root = state.result.root
    rules = state.rules
    offline_rules = RuleSet([a for a in rules.active if not a.rule.uses_link_results],
                            rules.infos, rules.packs, rules.site_options)
    link_rules = RuleSet([a for a in rules.active if a.rule.uses_link_results],
                         rules.infos, rules.packs, rules.site_options)
    recording = not (state.options.no_cache or state.options.fix or state.options.diff)
    kwargs: dict[str, Any] = {}
    if recording:
        from playbook_lint.resultcache import recording_workspace_class

        kwargs["workspace_factory"] = recording_workspace_class()
    background, n_links, start = state.pending
    if state.parsed is not None:  # the second pass reads the same pages' links
        state.parsed.keep_after_lint = _LINK_PASS_INPUTS
    _build_shared_site(state, state.files)
    first = lint_parallel(state.files, offline_rules, today=state.today, root=root,
                          offline=False, link_results={}, jobs=state.options.jobs,
                          trees=state.trees, parsed=state.parsed, **kwargs)
    # what the link rules' pass imports first (its template expansion, 10-17 ms with
    # its patterns compiled) is imported now, while the engine still runs, not after
    # the last response
    _preload_link_pass()
    # the report comes before the child writes the link cache; the pass over the link
    # rules runs meanwhile, and the cache's warnings (if any) join before they are said
    report = background.wait(early=True)
    elapsed = time.monotonic() - start
    state.result.link_results = _link_results_of(report)
    cache, keys, cached = _cached_results(state)
    todo = [f for f in state.files if f not in cached]
    second = lint_parallel(todo, link_rules, today=state.today, root=root,
                           offline=False, link_results=state.result.link_results,
                           jobs=state.options.jobs, trees=state.trees,
                           parsed=state.parsed, **kwargs)
    report.warnings.extend(background.late_warnings())
    state.pending = None
    _say_link_report(state, report, n_links, elapsed)  # (its results are kept above)
    state.parsed = None
    shown = {_rel(f, root) for f in todo}
    order = {_rel(f, root): i for i, f in enumerate(state.files)}

    def of_todo(lines: list[str]) -> list[str]:
        return [line for line in lines if line.split(": ", 1)[0] in shown]

    def by_file(lines: list[str]) -> list[str]:  # each file's lines together, in file order
        return sorted(lines, key=lambda line: order.get(line.split(": ", 1)[0], len(order)))

    linted = LintResult(
        findings=[f for f in first.findings if f.path in shown] + second.findings,
        files=second.files,
        errors=by_file(list(dict.fromkeys(of_todo(first.errors) + second.errors))),
        notes=by_file(list(dict.fromkeys(of_todo(first.notes) + second.notes))))
    for rel in shown:
        if rel in first.deps or rel in second.deps:
            linted.deps[rel] = [*first.deps.get(rel, []), *second.deps.get(rel, [])]
            linted.fingerprints[rel] = {**first.fingerprints.get(rel, {}),
                                        **second.fingerprints.get(rel, {})}
    _take_linted(state, linted, cached, cache, keys)


def _preload_link_pass() -> None:
    """Import the modules the link rules' pass (:func:`_lint_beside_links`' second
    pass) would otherwise import for the first time after the link check's last
    response: ``broken-link``'s template expansion. Called while the parent waits for
    the engine child, so the import costs no wall time."""
    import playbook_lint.links.templates  # noqa: F401


#: Document attributes the link rules' pass reads again after the first pass
#: (kept on the link stage's Documents; see ``ParsedPages.keep_after_lint``).
_LINK_PASS_INPUTS = frozenset({"links"})


def _open_result_cache(state: _Run) -> Any:
    """The run's :class:`~playbook_lint.resultcache.ResultCache`, read once; None when
    the run does not use one (``no_cache``, ``fix``/``diff``: fixes need fresh
    positions, or a shard)."""
    opts = state.options
    if opts.no_cache or opts.fix or opts.diff or opts.shard is not None:
        return None
    if state.result_cache is None:
        from playbook_lint.resultcache import ResultCache, default_path

        state.result_cache = ResultCache(default_path(state.result.root),
                                         root=state.result.root)
    return state.result_cache


def _result_cache(state: _Run) -> Any:
    """:func:`_open_result_cache` once the files are known (None without files), its
    code fingerprint set from the rules (or the facts of deferred rules)."""
    if not state.files:
        return None
    cache = _open_result_cache(state)
    if cache is not None and not cache.code:
        facts = _facts(state)
        cache.set_code(facts["code"])
    return cache


def _facts(state: _Run) -> dict[str, Any]:
    """The :func:`~playbook_lint.resultcache.rule_facts` of this run's rules (stored
    with the result cache when they were built, for the next run to defer them)."""
    from playbook_lint.resultcache import DeferredRules, rule_facts

    rules = state.rules
    if isinstance(rules, DeferredRules):
        return dict(rules.facts)
    if state.rule_facts is None:
        state.rule_facts = rule_facts(rules)
        cache = state.result_cache
        if cache is not None and getattr(cache, "load_key", None):
            cache.keep_rule_facts(cache.load_key, state.rule_facts)
    return state.rule_facts


def _collect_urls(state: _Run, files: Sequence[Path],
                  make_feed: Callable[[], Any] | None = None) -> tuple[list[str], int]:
    """:func:`playbook_lint.links.stage.collect_urls` with the result cache: an
    unchanged page's URLs come from its cache entry, and only the other pages are
    parsed; the pages parsed are kept for the lint stage (``state.parsed``, made
    when a page is parsed: a warm run needs none). Each page's URLs go to the feed
    ``make_feed()`` returns (a ``BesideFeed``, or None) as they are known, once one
    page must be parsed: pages served by the result cache gain nothing from the
    streamed start, and a warm run so imports no ``multiprocessing``."""
    from playbook_lint.links.stage import collect_urls

    def keep(path: Path, doc: Any) -> None:
        if state.parsed is None:
            state.parsed = _parsed_pages(state)
        state.parsed.keep(path, doc)

    cache = _result_cache(state)
    if _pool_for(state, len(files)):  # a large tree: read in the pool if enough is new
        from playbook_lint.parallel import THRESHOLD

        stored_of, todo = _urls_stored(cache, files)
        if len(todo) >= THRESHOLD:
            return _collect_urls_in_pool(state, files, stored_of, todo, cache, make_feed)
    if cache is None:
        fed = None if make_feed is None else make_feed()
        return collect_urls(files, keep, None if fed is None else fed.add)
    feed: Any = None  # made at the first page the result cache cannot answer
    seen: dict[str, None] = {}
    total = 0
    for path in files:
        got = cache.read(path)
        rel = cache.rel(path)
        stored = cache.urls(rel, got[0]) if got is not None else None
        if stored is None:
            if feed is None and make_feed is not None:
                feed = make_feed()
                if feed is not None and seen:
                    feed.add(list(seen))  # the cached pages' URLs before this one
            stored = list(collect_urls([path], keep))
            if got is not None:
                cache.keep_urls(rel, got[0], *stored)
        urls, count = stored
        total += count
        for url in urls:
            seen.setdefault(url, None)
        if feed is not None and urls:
            feed.add(urls)
    return list(seen), total


def _urls_stored(cache: Any, files: Sequence[Path]
                 ) -> tuple[dict[Path, list[Any]], list[Path]]:
    """``(the [URLs, link count] the result cache holds for each unchanged page of
    files, the pages it holds none for)``; every page is in the second with no
    ``cache``."""
    if cache is None:
        return {}, list(files)
    stored_of: dict[Path, list[Any]] = {}
    todo: list[Path] = []
    for path in files:
        got = cache.read(path)
        stored = cache.urls(cache.rel(path), got[0]) if got is not None else None
        if stored is None:
            todo.append(path)
        else:
            stored_of[path] = stored
    return stored_of, todo


def _collect_urls_in_pool(state: _Run, files: Sequence[Path],
                          stored_of: dict[Path, list[Any]], todo: Sequence[Path],
                          cache: Any, make_feed: Callable[[], Any] | None
                          ) -> tuple[list[str], int]:
    """:func:`_collect_urls` for a large tree (``files``): the pages the result cache
    (``cache``, or None) holds no URLs for (``todo``; the others' are ``stored_of``, see
    :func:`_urls_stored`) are parsed in forked workers (:func:`playbook_lint.parallel.
    read_parallel` over :func:`playbook_lint.parsed.read_page`), which hand back each
    page's URLs and its pickled links for the lint stage (``"links"`` mode keeps no
    more). Each page is still parsed once in the run, but on every core instead of
    this process's one while the workers wait. Returns the same ``(URLs in first-seen
    order, link count)`` as the serial path, whatever order the pages come back in."""
    from playbook_lint.parallel import read_parallel
    from playbook_lint.parsed import read_page

    stored_of = dict(stored_of)
    feed = None if make_feed is None else make_feed()
    if feed is not None and stored_of:  # the cached pages' URLs first
        feed.add([url for path in files if path in stored_of for url in stored_of[path][0]])
    if state.parsed is None:
        state.parsed = _parsed_pages(state)
    for page in read_parallel(todo, read_page, jobs=state.options.jobs):
        if page is None:  # unreadable: the lint stage reports it
            continue
        state.parsed.keep_read(page)
        urls = list(dict.fromkeys(page.urls))
        stored_of[page.path] = [urls, len(page.urls)]
        got = cache.read(page.path) if cache is not None else None
        if got is not None:
            cache.keep_urls(cache.rel(page.path), got[0], urls, len(page.urls))
        if feed is not None and urls:
            feed.add(urls)
    seen: dict[str, None] = {}
    total = 0
    for path in files:
        stored = stored_of.get(path)
        if stored is not None:
            total += stored[1]
            for url in stored[0]:
                seen.setdefault(url, None)
    return list(seen), total


def _cached_results(state: _Run) -> tuple[Any, dict[Path, tuple[str, str, str]],
                                          dict[Path, list[Finding]]]:
    """``(cache, (display path, key, digest) of each readable file, cached findings of
    each unchanged file)``; no cache when :func:`_result_cache` says so."""
    cache = _result_cache(state)
    if cache is None:
        return None, {}, {}
    import hashlib
    from types import SimpleNamespace

    from playbook_lint.resultcache import context_key, entry_key, site_fingerprint

    read = {f: cache.read(f) for f in state.files}
    empty = hashlib.sha1(b"").digest()

    def front_matter(page: Path) -> bytes:
        got = read[page] if page in read else cache.read(page)
        return got[1] if got is not None else empty

    common = Path(os.path.commonpath([str(f.parent) for f in state.files]))
    walks: dict[Path, Any] = {}  # the site model's walk of each root: one walk per run
    roots = _site_roots(state, common, walks)
    site = site_fingerprint(state.files, [common, *roots], front_matter, walks.get)
    facts = _facts(state)
    read_files = [SimpleNamespace(path=p) for p in [*facts["packs"], *facts["inputs"]]]
    context = context_key(config_path=state.config.path, packs=read_files,
                          rules=facts["rules"],
                          today=state.today.isoformat(), offline=not state.online, site=site,
                          extra=facts["site_options"] + cache.code)
    keys: dict[Path, tuple[str, str, str]] = {}
    cached: dict[Path, list[Finding]] = {}
    for f in state.files:
        got = read[f]
        if got is None:
            continue
        rel = cache.rel(f)
        key = entry_key(context, got[0])
        keys[f] = (rel, key, got[0])
        hit = cache.get(rel, key, state.result.link_results)
        if hit is not None:
            cached[f] = hit
    state.cache_hits = len(cached)
    return cache, keys, cached


def _site_roots(state: _Run, common: Path, walks: dict[Path, Any] | None = None
                ) -> set[Path]:
    """The site roots the linted files can belong to (a one-file run's site can be
    the whole repository above it): the result cache's fingerprint covers them.
    ``walks`` (when given) receives each root's :class:`~playbook_lint.siteindex.SiteWalk`,
    the one the site model and front matter inference use.

    A file's site root is the nearest folder above it with a site marker, else its
    linted folder (:func:`playbook_lint.site.site_for`). A marker between a file and
    ``common`` (the folder holding every file) puts the root inside ``common``, which
    the fingerprint walks anyway; otherwise the root is the one found from
    ``common`` itself, or from a linted folder: so those few are asked, not every
    file's folder.

    The roots are found by stat alone (:func:`playbook_lint.siteindex.find_site_root`,
    the same as the site model's), with the site markers the deferred rules' facts
    keep: a warm run does not import the site model. Each root's walk is the site
    model's when this process already modelled it, else one offered to the site
    model (:func:`playbook_lint.siteindex.offer_walk`), should a page need linting."""
    import sys

    from playbook_lint import siteindex
    from playbook_lint.resultcache import DeferredRules

    def tree_of(path: Path) -> Path:  # runner.tree_of, without importing the runner
        best: Path | None = None
        for tree in state.trees:
            if (tree == path or tree in path.parents) and (best is None or best in tree.parents):
                best = tree
        return best if best is not None else (path.parent if state.trees else state.result.root)

    rules = state.rules
    markers = rules.facts.get("site_markers") if isinstance(rules, DeferredRules) else None
    modelled = sys.modules.get("playbook_lint.site")
    if not isinstance(markers, list):
        from playbook_lint.site import SITE_MARKERS

        markers = list(SITE_MARKERS)
    option = rules.site_options.get("root")
    roots: set[Path] = set()
    for folder in {common, *state.trees}:
        probe = folder / "_"
        try:
            root = siteindex.find_site_root(probe, tree_of(probe), option, markers)
        except (OSError, ValueError, RecursionError):
            continue
        roots.add(root)
        if walks is not None and root not in walks:
            walk = modelled.known_walk(root) if modelled is not None else None
            walks[root] = walk if walk is not None else siteindex.offer_walk(root)
    return roots


def _store_results(state: _Run, cache: Any, keys: Mapping[Path, tuple[str, str, str]],
                   linted: Any) -> None:
    """Put each freshly linted page's findings and dependencies in the cache."""
    by_path: dict[str, list[Finding]] = {}
    for f in linted.findings:
        by_path.setdefault(f.path, []).append(f)
    failed = {line.split(": ", 1)[0] for line in [*linted.errors, *linted.notes]}
    for rel, key, digest in keys.values():
        if rel in failed:
            continue
        if rel in linted.deps:
            cache.put(rel, key, linted.deps[rel], by_path.get(rel, []), digest,
                      fingerprints=linted.fingerprints.get(rel))
        elif (cache.entries.get(rel) or {}).get("key") != key:  # linted: not a page
            cache.put(rel, key, [], [], digest, page=False)
    cache.save()


def _foreign_link_findings(state: _Run, parsed: Any) -> list[Finding]:
    """With a shard: the findings this shard's link results add to other shards' pages
    (a page's findings with this shard's results, less those without any results), so
    every external link is reported by the shard that checked its host. Both passes
    run in a process pool for many pages, on the links the link stage read (``parsed``,
    a ``ParsedPages`` in ``"links"`` mode that kept every shard's pages, or None):
    forked workers use up their own copy of it, so the second pass has it too."""
    from playbook_lint.parallel import lint_parallel
    from playbook_lint.runner import RuleSet

    link_rules = RuleSet([a for a in state.rules.active if a.rule.uses_link_results],
                         state.rules.infos, state.rules.packs, state.rules.site_options)
    own = set(state.files)
    foreign = [f for f in state.all_files if f not in own]
    if not foreign or not link_rules.active:
        return []
    kwargs: dict[str, Any] = dict(today=state.today, root=state.result.root,
                                  trees=state.trees, jobs=state.options.jobs, parsed=parsed)
    with_results = lint_parallel(foreign, link_rules, offline=False,
                                 link_results=state.result.link_results, **kwargs)
    without = lint_parallel(foreign, link_rules, offline=True, link_results={}, **kwargs)
    base = {(f.path, f.line, f.column, f.rule, f.message) for f in without.findings}
    return [f for f in with_results.findings
            if (f.path, f.line, f.column, f.rule, f.message) not in base]


def suggest_archive(state: _Run) -> None:
    """Stage: give each broken external link an archived copy from the Internet
    Archive, the snapshot nearest the linking page's own date (front matter ``date``
    or a dated file name; the newest snapshot for undated pages), as a suggestion and
    an unsafe fix. Needs the network; answers are cached beside the link cache."""
    result = state.result
    if not (state.options.suggest_archive and state.online):
        return  # before the imports: they pull in httpx (60 ms of a one-file run)
    import dataclasses

    from playbook_lint.checks.outdated import page_date
    from playbook_lint.document import Document
    from playbook_lint.findings import Edit, Fix
    from playbook_lint.links.archive import WAYBACK_API, ArchiveLookup
    from playbook_lint.links.cache import default_cache_path
    from playbook_lint.links.normalize import is_http_url
    from playbook_lint.links.stage import engine_config

    wanted: list[tuple[int, Any, int, int, str, date | None]] = []
    docs: dict[str, Any] = {}
    for i, f in enumerate(result.findings):
        if f.rule != "broken-link" or f.data.get("classification") != "broken":
            continue
        doc = docs.get(f.path)
        if doc is None:
            try:
                doc = docs[f.path] = Document.from_path(result.root / f.path)
            except OSError:
                continue
        start = doc.offset(f.line, f.column)
        end = doc.offset(f.end_line or f.line, f.end_column or f.column)
        url = doc.text[start:end]
        if is_http_url(url):
            wanted.append((i, doc, start, end, url, page_date(doc)))
    if not wanted:
        return
    econf = engine_config(state.config.links, {}, state.config.base)
    cache = None if state.options.no_cache else (
        (econf.cache_path or default_cache_path()).parent / "archive.json")
    lookup = ArchiveLookup(cache, api=state.options.archive_api or WAYBACK_API,
                           timeout=state.options.timeout or 20.0)
    found = lookup.lookup((url, when) for _, _, _, _, url, when in wanted)
    suggested = 0
    for i, _doc, start, end, url, when in wanted:
        snap = found.get((url, when))
        if snap is None:
            continue
        f = result.findings[i]
        day = f"{snap.timestamp[:4]}-{snap.timestamp[4:6]}-{snap.timestamp[6:8]}"
        result.findings[i] = dataclasses.replace(
            f, message=f"{f.message}; an archived copy from {day} exists",
            suggestion=snap.url,
            fix=Fix(f"Link to the archived copy from {day}", (Edit(start, end, snap.url),),
                    safe=False))
        suggested += 1
    state.say(f"archive: {suggested} of {len(wanted)} broken links have an archived copy "
              f"({lookup.requests} lookups)", "summary")


def fix(state: _Run) -> None:
    """Stage: apply fixes (``fix``) or compute their diff (``diff``), then re-lint the
    files that changed so the findings describe the files as they are now."""
    opts = state.options
    if not (opts.fix or opts.diff):
        return
    from playbook_lint.atomic import clean_stale_temps
    from playbook_lint.fixer import apply_fixes
    from playbook_lint.runner import lint_files

    result = state.result
    if opts.fix and not opts.diff:  # temporary files a killed --fix left beside these pages
        for stale in clean_stale_temps(p.parent for p in state.files):
            state.say(f"removed a stale temporary file of an earlier --fix: "
                      f"{_rel(stale, result.root)}")
    outcome = apply_fixes(result.findings, result.root, unsafe=opts.unsafe_fixes,
                          write=opts.fix and not opts.diff, read_at_ns=state.read_at_ns,
                          confine=None if opts.fix_outside_root else state.fix_roots)
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
                           link_results=result.link_results, trees=state.trees)
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
        from playbook_lint.baseline import count_entries
        from playbook_lint.baseline import filter_baseline as drop_recorded

        before = len(result.findings)
        result.findings = drop_recorded(result.findings, opts.baseline, result.root)
        entries = count_entries(opts.baseline)
        if entries and before and len(result.findings) == before:
            state.say(f"baseline {opts.baseline}: none of its {entries} entries matched a "
                      "finding; was it written from another folder? (paths in it are "
                      "relative to the folder it was written from)", "warning")


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
                  offline=not results, link_results=results, root=root, site=site,
                  rule_names=rules.names_and_codes())
    if site is not None and any(a.rule.uses_front_matter_schema for a in rules.active):
        from playbook_lint.fmsite import schema_for

        try:
            ctx.front_matter_schema = schema_for(site)
        except (OSError, ValueError, RecursionError):
            ctx.front_matter_schema = None
    findings, _errors = lint_document(doc, rules, ctx)
    return sorted(findings)


_LINK_CACHES: dict[Path, tuple[tuple[int, int], Any]] = {}


def _loaded_link_cache(path: Path, econf: Any) -> Any:
    """The link cache at ``path``, read once and again only when the file changes
    (its size or mtime): the language server asks on every keystroke."""
    import warnings

    from playbook_lint.links.cache import LinkCache

    try:
        st = path.stat()
        stamp = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = (-1, -1)
    hit = _LINK_CACHES.get(path)
    if hit is not None and hit[0] == stamp and hit[1].fingerprint == econf.fingerprint():
        return hit[1]
    cache = LinkCache(path, max_age_ok=econf.cache_max_age_ok,
                      max_age_fail=econf.cache_max_age_fail, fingerprint=econf.fingerprint())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cache.load()
    _LINK_CACHES[path] = (stamp, cache)
    return cache


def cached_link_results(doc: Any, config: Any) -> dict[str, Any]:
    """The link cache's fresh results for the external links of ``doc`` (no request is
    made), keyed by normalised URL as ``Context.link_results`` expects."""
    from playbook_lint.links.cache import default_cache_path
    from playbook_lint.links.normalize import is_http_url, normalize_url
    from playbook_lint.links.stage import engine_config

    try:
        econf = engine_config(config.links, {}, config.base)
    except UsageError:
        return {}
    if not econf.use_cache:
        return {}
    cache = _loaded_link_cache(econf.cache_path or default_cache_path(), econf)
    out: dict[str, Any] = {}
    for link in doc.links:
        if is_http_url(link.url):
            key = normalize_url(link.url)
            hit = cache.get(key)
            if hit is not None:
                out[key] = hit
    return out


def render(result: RunResult, fmt: str = "text", *, color: bool = False) -> str:
    """Stage: the findings of ``result`` as the report format ``fmt`` (see
    :data:`playbook_lint.reporters.FORMATS`); ``color`` adds ANSI colours to ``text``.

    Raises:
        KeyError: unknown format.
    """
    from playbook_lint.reporters import Summary, get_reporter

    summary = Summary(files=result.files, version=__version__,
                      messages=list(result.messages),
                      rules=result.rules, root=result.root, link_results=result.link_results,
                      color=color, fingerprints=result.fingerprints)
    return get_reporter(fmt)(result.findings, summary)

