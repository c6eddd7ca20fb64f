"""The ``playbook-lint`` command line (Click).

``playbook-lint [OPTIONS] PATH...`` lints files and folders; ``playbook-lint rules``
lists the rules, ``playbook-lint explain RULE`` prints one rule's documentation and
``playbook-lint schema PATH`` prints the front matter profiles inferred from a site.

Exit status: 0 when no finding reaches the failing severity (``--fail-on``,
default ``error``), 1 when one does, 2 for usage or configuration errors (one
line on standard error) or when a file could not be read.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from playbook_lint import __version__
from playbook_lint.errors import UsageError
from playbook_lint.reporters import FORMATS

SEVERITIES = ["error", "warning", "info"]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-29") from None


def _parse_reports(ctx: click.Context, param: click.Parameter,
                   value: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for item in value:
        fmt, sep, path = item.partition(":")
        if not sep or not path or fmt not in FORMATS:
            raise click.BadParameter(
                f"{item!r}: expected FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}")
        out.append((fmt, Path(path)))
    return out


def _parse_shard(ctx: click.Context, param: click.Parameter,
                 value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, sep, n = value.partition("/")
    if not (sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"{value!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(k), int(n)


def _write_report(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{path}: cannot write report: {exc.strerror or exc}")


def _fail(message: str) -> NoReturn:
    for line in message.splitlines() or [""]:  # a config may have several problems
        _say(f"error: {line}")
    sys.exit(2)


def _say(message: str) -> None:
    """One ``playbook-lint: ...`` line on standard error, control characters escaped
    (messages name files, and file names come from the linted tree)."""
    from playbook_lint.reporters.escape import escape_controls

    click.echo(f"playbook-lint: {escape_controls(message)}", err=True)


@click.command(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Also: 'playbook-lint rules' lists the rules; 'playbook-lint explain RULE' "
    "documents one; 'playbook-lint schema PATH' prints inferred front matter profiles; "
    "'playbook-lint lsp' runs the language server; 'playbook-lint merge REPORT.json...' "
    "joins --shard reports. Exit status: 0 clean, "
    "1 findings at the failing severity, 2 usage or config error.",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Output format: " + "; ".join(
                  f"{k}: {v[1]}" for k, v in FORMATS.items()) + ".")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:FILE",
              callback=_parse_reports,
              help="Also write a report in FORMAT to FILE, from the same run (repeatable): "
              "--format github --report sarif:results.sarif --report markdown:summary.md.")
@click.option("--offline", is_flag=True, help="Do not check external links over the network.")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: .playbook-lint.toml or [tool.playbook-lint] in "
              "pyproject.toml, searched upward from the linted files' folder).")
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
              help="Date to measure link and content age against (default: today).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line on standard error.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True,
              help="Colour the text output (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--stdin-filename", type=click.Path(path_type=Path), metavar="PATH",
              help="With '-' as the path: the name the page read from standard input has "
              "(for its config, site and relative links; default stdin.md).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Per-request timeout for external links (default 20).")
@click.option("--max-time", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Time limit for the whole external link check; links not checked by "
              "then are reported as not checked (default: no limit).")
@click.option("--allow-private", is_flag=True, default=None,
              help="Also check links to loopback, private and link-local addresses.")
@click.option("--check-fragments", is_flag=True, default=None,
              help="Check #fragments of external links against the page's anchors.")
@click.option("--exclude-url", multiple=True, metavar="REGEX",
              help="Do not check external URLs matching this regular expression.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the link and result caches.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes for large trees (default: the cores available); 1 "
              "also keeps the link check in this process, before the lint pass.")
@click.option("--suggest-archive", is_flag=True,
              help="For broken external links, suggest the Internet Archive's copy nearest "
              "the page's date (an unsafe fix; needs the network).")
@click.option("--shard", metavar="K/N", callback=_parse_shard,
              help="Run shard K of N: its share of the files and of the link hosts "
              "(merge the shards' JSON reports with 'playbook-lint merge').")
@click.option("--changed-since", metavar="REF",
              help="Lint only files changed against this git ref (and the pages that "
              "name them), e.g. origin/main in a pull request.")
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
    reports: list[tuple[str, Path]],
    offline: bool,
    config_path: Path | None,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_on: str | None,
    site_root: Path | None,
    today: date | None,
    quiet: bool,
    timeout: float | None,
    max_time: float | None,
    allow_private: bool | None,
    check_fragments: bool | None,
    exclude_url: Sequence[str],
    no_cache: bool,
    jobs: int | None,
    suggest_archive: bool,
    shard: tuple[int, int] | None,
    changed_since: str | None,
    fix: bool,
    unsafe_fixes: bool,
    fix_outside_root: bool,
    diff: bool,
    baseline_path: Path | None,
    write_baseline: Path | None,
    color: str,
    stdin_filename: Path | None,
) -> None:
    """Lint Markdown guidance: front matter, links, alt text and plain language.

    PATH may be files or folders (default: the current folder). Folders are searched
    for .md and .markdown files, skipping .gitignored files and .git, node_modules,
    _site and vendor.
    """
    from playbook_lint.api import RunOptions, render, run
    from playbook_lint.reporters.common import count_line

    def on_message(message: str, kind: str) -> None:
        if kind == "summary":
            if not quiet:
                click.echo(message, err=True)
        else:
            _say(message)

    options = RunOptions(
        config_path=config_path, select=select, ignore=ignore, offline=offline,
        site_root=site_root, today=today, timeout=timeout, max_time=max_time,
        allow_private=allow_private,
        check_fragments=check_fragments, exclude_url=exclude_url, no_cache=no_cache,
        jobs=jobs, changed_since=changed_since,
        suggest_archive=suggest_archive, shard=shard, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
        fix_outside_root=fix_outside_root,
        baseline=baseline_path,
        write_baseline=write_baseline, fail_on=fail_on,
        progress=sys.stderr.isatty() and not quiet, on_message=on_message,
    )
    try:
        if list(paths) == [Path("-")]:
            result = _run_stdin(stdin_filename or Path("stdin.md"), options)
        elif Path("-") in paths:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        else:
            result = run(list(paths), options)
    except UsageError as exc:
        _fail(str(exc))
    if diff:
        click.echo(result.diff, nl=False)
        sys.exit(result.exit_code)
    if result.baseline_written is not None:
        sys.exit(0)
    use_color = color == "always" or (
        color == "auto" and output is None and not os.environ.get("NO_COLOR")
        and sys.stdout.isatty())
    text = render(result, fmt, color=use_color and fmt == "text")
    for extra_fmt, extra_path in reports:
        _write_report(extra_path, render(result, extra_fmt))
    if output is not None:
        _write_report(output, text)
    elif text:
        click.echo(text, nl=False, color=use_color or None)
    for line in [*result.notes, *result.errors]:
        _say(line)
    if not quiet and fmt == "text" and (result.findings or sys.stderr.isatty()):
        # quiet when clean in pre-commit and CI; a person at a terminal sees it ran
        click.echo(count_line(result.findings, result.files), err=True)
    sys.exit(result.exit_code)


def _run_stdin(name: Path, options: Any) -> Any:
    """Lint standard input as the page ``name``; with ``--fix`` the fixed text is
    written to standard output (as ruff does), nothing on disk changes."""
    from playbook_lint.api import RunResult, lint_text
    from playbook_lint.fixer import plan_file

    if options.diff or options.baseline or options.write_baseline:
        raise UsageError("--diff and baselines need files, not standard input")
    raw = sys.stdin.buffer.read()
    from playbook_lint.document import NotTextError, decode

    try:
        decoded = decode(raw)
    except NotTextError as exc:
        raise UsageError(f"standard input: {exc}") from None
    path = name.resolve()
    findings = lint_text(path, decoded.text, options, root=Path.cwd().resolve())
    result = RunResult(findings=findings, files=1, root=Path.cwd().resolve())
    from playbook_lint.findings import Severity

    result.fail_on = Severity.parse(options.fail_on) if options.fail_on else Severity.ERROR
    if options.fix:
        plan = plan_file(decoded.text, [f for f in findings if f.fix is not None and (
            f.fix.safe or options.unsafe_fixes)])
        sys.stdout.write(plan.new_raw)
        sys.exit(1 if plan.applied else 0)
    return result


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
    from playbook_lint.ruledocs import parse_docstring
    from playbook_lint.terminal import render_markdown

    info = infos[name]
    parsed = parse_docstring(info.cls.__doc__)  # either heading spelling, as docs/rules
    doc = inspect.cleandoc(info.cls.__doc__ or "(no documentation)")
    if parsed.sections:
        doc = "\n\n".join([parsed.summary,
                           *(f"## {h}\n\n{body}" for h, body in parsed.sections)])
    # docstrings are also API docs: show :role:`x` and ``x`` as plain `x`
    doc = re.sub(r":(?:[a-z]+:)?[a-z]+:`~?([^`]+)`", r"`\1`", doc)
    doc = re.sub(r"(?<!`)``(?!`)", "`", doc)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(f"{name} ({info.code}), default severity {info.cls.default_severity}\n")
    click.echo(render_markdown(doc, color=color), color=color or None)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
def lsp_command() -> None:
    """Run the language server on standard input and output (for editors).

    Needs the optional dependency: pip install 'playbook-lint[lsp]'.
    """
    from playbook_lint.lsp import main as serve

    sys.exit(serve())


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("reports", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Output format of the merged report.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the merged report to FILE instead of standard output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True,
              help="Lowest severity that makes the exit status 1.")
def merge_command(reports: Sequence[Path], fmt: str, output: Path | None, fail_on: str) -> None:
    """Merge JSON reports (from --shard K/N jobs) into one report in any format."""
    from playbook_lint.findings import Severity
    from playbook_lint.merge import merge_reports
    from playbook_lint.registry import discover
    from playbook_lint.reporters import Summary, get_reporter

    try:
        findings, files, messages = merge_reports(list(reports))
    except UsageError as exc:
        _fail(str(exc))
    rules = {n: i.cls for n, i in discover().items()}
    text = get_reporter(fmt)(findings, Summary(files=files, version=__version__,
                                               messages=messages, rules=rules,
                                               root=Path.cwd()))
    if output is not None:
        _write_report(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if any(f.severity >= Severity.parse(fail_on) for f in findings) else 0)


SUBCOMMANDS = {"rules": rules_command, "explain": explain_command, "lsp": lsp_command,
               "merge": merge_command}


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script. ``argv`` defaults to ``sys.argv[1:]``.

    Exits the process with the status described in the module docstring.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "schema":
        from playbook_lint.schema_command import schema_command

        schema_command.main(args[1:], prog_name="playbook-lint schema")
    elif args and args[0] in SUBCOMMANDS:
        SUBCOMMANDS[args[0]].main(args[1:], prog_name=f"playbook-lint {args[0]}")
    else:
        lint.main(args, prog_name="playbook-lint")


def console_main() -> None:
    """The console script (not ``python -m playbook_lint``): :func:`main`, then the
    process ends without tearing the interpreter down (:func:`leave`)."""
    try:
        main()
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def leave(code: str | int | None) -> NoReturn:
    """End the process with exit status ``code`` (as :class:`SystemExit` takes it:
    None is 0, an int is itself, anything else is printed to standard error and is 1)
    without freeing every object first: after a one-file run over a 4,000-page site's
    index the interpreter's teardown was 0.1 s of 0.7 s. mypy leaves the same way
    (``mypy.util.hard_exit``). The atexit handlers run and standard output and error
    are flushed first; while another thread runs, or when a flush fails (a closed
    pipe), the usual :func:`sys.exit` is taken instead, so nothing is lost."""
    import atexit
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None:
        sys.exit(status)
    try:
        run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(status)
    os._exit(status)
