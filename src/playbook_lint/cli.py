"""The ``playbook-lint`` command line (Click).

``playbook-lint [OPTIONS] PATH...`` lints files and folders; ``playbook-lint rules``
lists the rules and ``playbook-lint explain RULE`` prints one rule's documentation.

Exit status: 0 when no finding reaches the failing severity (``--fail-on``,
default ``error``), 1 when one does, 2 for usage or configuration errors (one
line on standard error) or when a file could not be read.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click

from playbook_lint import __version__
from playbook_lint.errors import UsageError

FORMATS = ["text", "json", "github", "sarif", "html"]
SEVERITIES = ["error", "warning", "info"]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-29") from None


def _check_regex(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise UsageError(f"--exclude-url: bad regular expression {pattern!r}: {exc}") from None


def _fail(message: str) -> None:
    _say(f"error: {message}")
    sys.exit(2)


def _say(message: str) -> None:
    """One ``playbook-lint: ...`` line on standard error, control characters escaped
    (messages name files, and file names come from the linted tree)."""
    from playbook_lint.reporters.escape import escape_controls

    click.echo(f"playbook-lint: {escape_controls(message)}", err=True)


def _fix_roots(paths: Sequence[Path]) -> list[Path]:
    """The folders ``--fix`` may write in: each folder PATH, or a file PATH's folder
    (real paths, so a symlinked file named on the command line is not trusted)."""
    roots = []
    for p in paths or [Path(".")]:
        folder = p if p.is_dir() and not p.is_symlink() else p.parent
        roots.append(Path(os.path.realpath(folder)))
    return roots


@click.command(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Also: 'playbook-lint rules' lists the rules; 'playbook-lint explain RULE' "
    "documents one. Exit status: 0 clean, 1 findings at the failing severity, 2 usage "
    "or config error.",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--offline", is_flag=True, help="Do not check external links over the network.")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: .playbook-lint.toml or [tool.playbook-lint] in "
              "pyproject.toml, searched upward from the working directory).")
@click.option("--select", multiple=True, metavar="RULE",
              help="Only run these rules (names or codes; repeat or comma-separate).")
@click.option("--ignore", multiple=True, metavar="RULE",
              help="Do not run these rules (names or codes; repeat or comma-separate).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Lowest severity that makes the exit status 1 (default from config, "
              "else error).")
@click.option("--site-root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The site's root folder, for site-root links like /guides/x/ (default: "
              "the nearest folder above each file with _config.yml, hugo.toml, config.toml, "
              ".eleventy.js, config.rb or .git).")
@click.option("--today", callback=_parse_date, metavar="YYYY-MM-DD",
              help="Date to measure link age against (default: today).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line on standard error.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Per-request timeout for external links (default 20).")
@click.option("--allow-private", is_flag=True, default=None,
              help="Also check links to loopback, private and link-local addresses.")
@click.option("--check-fragments", is_flag=True, default=None,
              help="Check #fragments of external links against the page's anchors.")
@click.option("--exclude-url", multiple=True, metavar="REGEX",
              help="Do not check external URLs matching this regular expression.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the link cache.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes for large trees (default: the cores available).")
@click.option("--fix", is_flag=True,
              help="Apply safe fixes in place (exit status 1 when a file changed).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too.")
@click.option("--fix-outside-root", is_flag=True,
              help="With --fix: also write files whose real location (after symbolic links) "
              "is outside the linted paths (refused by default).")
@click.option("--diff", is_flag=True, help="Print fixes as a unified diff; write nothing.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings in FILE (for adopting on a legacy repo).")
@click.version_option(__version__, "-V", "--version", prog_name="playbook-lint")
def lint(
    paths: Sequence[Path],
    fmt: str,
    output: Path | None,
    offline: bool,
    config_path: Path | None,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_on: str | None,
    site_root: Path | None,
    today: date | None,
    quiet: bool,
    timeout: float | None,
    allow_private: bool | None,
    check_fragments: bool | None,
    exclude_url: Sequence[str],
    no_cache: bool,
    jobs: int | None,
    fix: bool,
    unsafe_fixes: bool,
    fix_outside_root: bool,
    diff: bool,
    baseline_path: Path | None,
    write_baseline: Path | None,
) -> None:
    """Lint Markdown guidance: front matter, links, alt text and plain language.

    PATH may be files or folders (default: the current folder). Folders are searched
    for .md and .markdown files, skipping .gitignored files and .git, node_modules,
    _site and vendor.
    """
    from playbook_lint.config import load_config
    from playbook_lint.discover import Ignorer, iter_files
    from playbook_lint.findings import Severity
    from playbook_lint.parallel import THRESHOLD as PARALLEL_THRESHOLD
    from playbook_lint.parallel import lint_parallel
    from playbook_lint.reporters import Summary, get_reporter
    from playbook_lint.reporters.common import count_line
    from playbook_lint.runner import build_rules, display_path, lint_files

    try:
        config = load_config(config_path)
        rules = build_rules(config, select=select, ignore=ignore)
        if site_root is not None:
            rules.site_options["root"] = site_root.resolve()
        ignorer = Ignorer(config.exclude, config.base)
        files = list(iter_files(list(paths) or [Path(".")], ignorer))
    except UsageError as exc:
        _fail(str(exc))
        return
    except FileNotFoundError as exc:
        _fail(str(exc))
        return

    cwd = Path.cwd().resolve()
    run_date = today or date.today()
    read_at_ns = time.time_ns()  # files changed after this are not fixed (stale positions)
    link_results: dict = {}
    messages: list[str] = []
    online = not offline and any(a.rule.uses_link_results for a in rules.active)
    if online:
        from playbook_lint.links.check import engine_config, summary_line, timed_check

        try:
            for pattern in exclude_url:
                _check_regex(pattern)
            econf = engine_config(config.links, {
                "timeout": timeout, "allow_private": allow_private,
                "check_fragments": check_fragments, "exclude": list(exclude_url) or None,
                "use_cache": False if no_cache else None,
            }, config.base)
        except UsageError as exc:
            _fail(str(exc))
        report, n_links, elapsed = timed_check(
            files, econf, progress=sys.stderr.isatty() and not quiet)
        link_results = report.results
        if report.network_error:  # one run-level message, not one warning per link
            link_results = {k: r for k, r in link_results.items() if r.status != "unverified"}
        messages += report.warnings
        if report.network_error:
            messages.append(report.network_error)
        for m in messages:
            _say(m)
        if not quiet:
            click.echo(summary_line(report, n_links, elapsed), err=True)
    if len(files) >= PARALLEL_THRESHOLD:  # build the site model here: forked workers share it
        from playbook_lint.site import site_for

        try:
            site_for(files[0], cwd, rules.site_options).ensure_built()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the lint pass reports it per file
            pass
    result = lint_parallel(files, rules, today=run_date, root=cwd, offline=not online,
                           link_results=link_results, jobs=jobs)
    changed: list[str] = []
    if fix or diff:
        from playbook_lint.atomic import clean_stale_temps
        from playbook_lint.fixer import apply_fixes

        if fix and not diff:  # temporary files a killed --fix left beside these pages
            for stale in clean_stale_temps(p.parent for p in files):
                _say(f"removed a stale temporary file of an earlier --fix: "
                     f"{display_path(stale, cwd)}")
        outcome = apply_fixes(result.findings, cwd, unsafe=unsafe_fixes, write=fix and not diff,
                              read_at_ns=read_at_ns,
                              confine=None if fix_outside_root else _fix_roots(paths))
        for note in outcome.notes:
            _say(note)
        if diff:
            click.echo(outcome.diff, nl=False)
            sys.exit(1 if outcome.diff else 0)
        changed = outcome.changed_files
        if changed:
            again = lint_files([cwd / p for p in changed], rules, today=run_date, root=cwd,
                               offline=not online, link_results=link_results)
            keep = [f for f in result.findings if f.path not in set(changed)]
            result.findings = sorted(keep + again.findings)
            fixes = "fix" if outcome.applied == 1 else "fixes"
            files_word = "file" if len(changed) == 1 else "files"
            click.echo(f"playbook-lint: applied {outcome.applied} {fixes} in {len(changed)} "
                       f"{files_word}", err=True)
    if write_baseline is not None:
        from playbook_lint.baseline import write_baseline as write_base

        try:
            n = write_base(result.findings, write_baseline, cwd)
        except UsageError as exc:
            _fail(str(exc))
        click.echo(f"playbook-lint: wrote {n} findings to baseline {write_baseline}", err=True)
        sys.exit(0)
    if baseline_path is not None:
        from playbook_lint.baseline import filter_baseline

        try:
            result.findings = filter_baseline(result.findings, baseline_path, cwd)
        except UsageError as exc:
            _fail(str(exc))
    summary = Summary(files=result.files, version=__version__, messages=messages,
                      rules={n: i.cls for n, i in rules.infos.items()}, root=cwd,
                      link_results=link_results)
    text = get_reporter(fmt)(result.findings, summary)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"{output}: cannot write report: {exc.strerror or exc}")
    elif text:
        click.echo(text, nl=False)
    for line in [*result.notes, *result.errors]:
        _say(line)
    if not quiet and fmt == "text" and (result.findings or sys.stderr.isatty()):
        # quiet when clean in pre-commit and CI; a person at a terminal sees it ran
        click.echo(count_line(result.findings, result.files), err=True)

    threshold = Severity.parse(fail_on) if fail_on else config.fail_on
    if result.errors:
        sys.exit(2)
    if changed:
        sys.exit(1)
    sys.exit(1 if any(f.severity >= threshold for f in result.findings) else 0)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule: name, code, default severity, fixable, and where it comes from."""
    import json

    from playbook_lint.config import Config
    from playbook_lint.runner import build_rules

    try:
        rs = build_rules(Config())
    except UsageError as exc:
        _fail(str(exc))
        return
    rows = []
    for name, info in sorted(rs.infos.items()):
        packs = sorted(p.name for p in rs.packs if p.rule == info.cls.pack_key())
        rows.append({
            "name": name, "code": info.code, "severity": str(info.cls.default_severity),
            "fixable": info.cls.fixable, "source": info.dist, "packs": packs,
            "summary": info.cls.summary,
        })
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        pack_names: list[str] = r["packs"]  # type: ignore[assignment]
        listed = f" [packs: {', '.join(pack_names)}]" if pack_names else ""
        fix = "fixable" if r["fixable"] else "-"
        click.echo(f"{r['name']:<22} {r['code']:<6} {r['severity']:<8} {fix:<8} "
                   f"{r['source']}{listed}")
        if r["summary"]:
            click.echo(f"    {r['summary']}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("rule")
def explain_command(rule: str) -> None:
    """Print the documentation of RULE (a name or code)."""
    from playbook_lint.registry import discover, resolve_names

    try:
        infos = discover()
        (name,) = resolve_names([rule], infos, where="explain")
    except UsageError as exc:
        _fail(str(exc))
        return
    info = infos[name]
    doc = inspect.cleandoc(info.cls.__doc__ or "(no documentation)")
    # docstrings are also API docs: show :role:`x` and ``x`` as plain `x`
    doc = re.sub(r":(?:[a-z]+:)?[a-z]+:`~?([^`]+)`", r"`\1`", doc)
    doc = re.sub(r"(?<!`)``(?!`)", "`", doc)
    click.echo(f"{name} ({info.code}), default severity {info.cls.default_severity}\n")
    click.echo(doc)


SUBCOMMANDS = {"rules": rules_command, "explain": explain_command}


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script. ``argv`` defaults to ``sys.argv[1:]``.

    Exits the process with the status described in the module docstring.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        SUBCOMMANDS[args[0]].main(args[1:], prog_name=f"playbook-lint {args[0]}")
    else:
        lint.main(args, prog_name="playbook-lint")
