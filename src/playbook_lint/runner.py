"""Run rules over documents: build findings from reports, apply suppressions."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playbook_lint import suppress
from playbook_lint.config import Config, options_of
from playbook_lint.document import Document, NotTextError
from playbook_lint.errors import ConfigError
from playbook_lint.findings import Finding, RawFinding, Severity
from playbook_lint.fixer import place_fix
from playbook_lint.packregex import RegexTimeout
from playbook_lint.packs import Pack, PackError, builtin_pack_paths, load_packs, validate
from playbook_lint.registry import RuleInfo, canonical_name, discover, resolve_names
from playbook_lint.rule import Context, Rule, RuleConfig


def report_to_finding(doc: Document, rule: Rule, report: RawFinding, severity: Severity) -> Finding:
    """Turn a rule's :class:`RawFinding` (offsets) into a :class:`Finding` (lines, columns).

    ``severity`` is the configured one; ``report.severity`` overrides it when set.
    """
    line, col = doc.position(report.start)
    end_line, end_col = doc.position(max(report.end, report.start))
    return Finding(
        path=doc.display_path,
        line=line,
        column=col,
        rule=report.rule or rule.name,
        code=rule.code,
        severity=report.severity or severity,
        message=report.message,
        end_line=end_line,
        end_column=end_col,
        suggestion=report.suggestion,
        fix=place_fix(report.fix, doc) if report.fix is not None else None,
        data=dict(report.data),
    )


# --- building the rule set ---------------------------------------------------------

@dataclass
class ActiveRule:
    """A constructed rule with its configured severity."""

    rule: Rule
    severity: Severity


@dataclass
class RuleSet:
    """The rules of a run, built from the registry, config and packs.

    Attributes:
        active: the enabled rules, constructed once.
        infos: every discovered rule (enabled or not), for name/code lookups.
        packs: every loaded pack.
        site_options: the config's ``site`` table, for building the site model.
    """

    active: list[ActiveRule]
    infos: dict[str, RuleInfo]
    packs: list[Pack]
    site_options: dict = field(default_factory=dict)

    def names_and_codes(self) -> frozenset[str]:
        """Every discovered rule's name and code (for ``Context.rule_names``)."""
        return frozenset([*self.infos, *(i.code for i in self.infos.values() if i.code)])

    def canonical(self, name_or_code: str) -> str | None:
        """Map a rule name or code to the rule's name (None if unknown); see
        :func:`playbook_lint.registry.canonical_name`."""
        return canonical_name(name_or_code, self.infos)


def build_rules(
    config: Config,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    infos: dict[str, RuleInfo] | None = None,
) -> RuleSet:
    """Discover rules, load packs, apply config and ``--select``/``--ignore``.

    Raises:
        UsageError: unknown rule names, bad severities, invalid options or packs
            (ConfigError/PluginError are UsageErrors).
    """
    infos = infos if infos is not None else discover()
    where = str(config.path) if config.path else "config"
    tables: dict[str, dict] = {}
    for name, table in config.rules.items():
        canon = canonical_name(name, infos)
        if canon is None:
            raise ConfigError(f"{where}: rules.{name}: unknown rule")
        tables.setdefault(canon, {}).update(table)
    schemas = {
        info.cls.pack_key(): info.cls.pack_entry_schema
        for info in infos.values()
        if info.cls.pack_entry_schema is not None and info.cls.pack_rule is None
    }
    builtin = builtin_pack_paths()
    pack_paths = [*builtin, *config.packs]
    try:
        packs = load_packs(pack_paths, schemas, trusted=frozenset(builtin))
    except PackError as exc:
        raise ConfigError(str(exc)) from None
    unknown = set(config.disable_packs) - {p.name for p in packs}
    if unknown:
        raise ConfigError(f"{where}: disable-packs: unknown pack {sorted(unknown)[0]!r}")
    packs = [p for p in packs if p.name not in config.disable_packs]

    chosen = set(infos)
    sel = resolve_names([*config.select, *select], infos, where="--select/select")
    if sel:
        chosen = sel
    chosen -= resolve_names([*config.ignore, *ignore], infos, where="--ignore/ignore")

    active: list[ActiveRule] = []
    for name in sorted(chosen):
        info = infos[name]
        table = tables.get(name, {})
        sev_name = table.get("severity")
        enabled = table.get("enabled")
        if enabled is None:  # opt-in rules run when configured or selected by name
            enabled = info.cls.default_enabled or name in sel
        if enabled is False or sev_name == "off":
            continue
        severity = Severity.parse(sev_name) if sev_name else info.cls.default_severity
        options = options_of(table)
        schema = info.cls.options_schema
        if info.cls.pack_rule and schema is not None:
            # a rule that shares another's packs shares the options they describe too
            # (profiles written under front-matter-missing also feed front-matter-invalid)
            shared = tables.get(info.cls.pack_rule, {})
            for key in schema.get("properties", {}):
                if key in shared and key not in options:
                    options[key] = shared[key]
        if schema is not None and options:  # nothing to validate: no jsonschema import
            try:
                validate(options, schema, where)
            except PackError as exc:
                raise ConfigError(
                    f"{where}: rules.{name}.{exc.key}: {exc.problem}"
                ) from None
        elif options:
            raise ConfigError(
                f"{where}: rules.{name}.{sorted(options)[0]}: unknown key (rule has no options)"
            )
        rule_packs = tuple(p for p in packs if p.rule == info.cls.pack_key() and p.enabled)
        try:
            rule = info.cls(RuleConfig(options=options, packs=rule_packs))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{where}: rules.{name}: {exc}") from None
        active.append(ActiveRule(rule, severity))
    return RuleSet(active, infos, packs, dict(getattr(config, "site", {}) or {}))


# --- the workspace --------------------------------------------------------------------

#: Files whose anchors the workspace reads (Markdown, also with ERB).
MARKDOWN_SOURCES = (".md", ".markdown", ".md.erb", ".mdx")


class FileWorkspace:
    """The real :class:`~playbook_lint.rule.Workspace`: answers from the file system,
    caching parsed anchors so each target file is read at most once per run."""

    def __init__(self) -> None:
        self._anchors: dict[Path, frozenset[str] | None] = {}
        self._lists: dict[Path, list[Any] | None] = {}
        self._exists: dict[Path, bool] = {}
        #: the link stage's parsed pages (a ParsedPages), set by lint_files
        self.parsed: Any = None

    def exists(self, path: Path) -> bool:
        """True if ``path`` exists (file or folder)."""
        hit = self._exists.get(path)
        if hit is None:
            hit = self._exists[path] = os.path.exists(path)
        return hit

    def anchors(self, path: Path) -> frozenset[str] | None:
        """Fragment ids of a Markdown file (GitHub heading ids); None when absent or
        not Markdown."""
        if path in self._anchors:
            return self._anchors[path]
        found = self.anchor_list(path)
        result = frozenset(a.id for a in found) if found is not None else None
        self._anchors[path] = result
        return result

    def anchor_list(self, path: Path) -> list[Any] | None:
        """The :class:`~playbook_lint.links.extract.Anchor` list of a Markdown file
        (headings with their text, so a generator can make its own ids); None when
        absent or not Markdown."""
        if path in self._lists:
            return self._lists[path]
        result: list[Any] | None = None
        if path.name.lower().endswith(MARKDOWN_SOURCES) and path.is_file():
            kept = self.parsed.kept_document(path) if self.parsed is not None else None
            try:
                result = (kept or Document.from_path(path)).anchors
            except OSError:
                result = None
        self._lists[path] = result
        return result

    def remember(self, doc: Document) -> None:
        """Record the anchors of a document already parsed in this run."""
        self._lists.setdefault(doc.path, doc.anchors)
        self._anchors.setdefault(doc.path, doc.anchor_ids)


# --- running ----------------------------------------------------------------------------

@dataclass
class LintResult:
    """What a run produced: sorted findings, file count, per-file errors (one line each,
    exit status 2) and notes (one line each, shown but not failing the run)."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: per linted page (display path): what its rules asked the workspace, when the
    #: workspace records it (see :mod:`playbook_lint.resultcache`)
    deps: dict[str, list[Any]] = field(default_factory=dict)
    #: per linted page, with ``deps``: its findings' content fingerprints by ``(line,
    #: rule, message)`` (``resultcache.line_fingerprints``), kept with them in the cache
    fingerprints: dict[str, dict[tuple[int, str, str], str]] = field(default_factory=dict)


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes when below it, else as given."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path, root).replace(os.sep, "/") if path.is_absolute() else str(path)


def lint_document(doc: Document, rules: RuleSet, ctx: Context) -> tuple[list[Finding], list[str]]:
    """Run every active rule on one document and apply its suppression comments.

    Returns ``(findings, errors)``; a rule that raises becomes an error line, not a crash.
    """
    findings: list[Finding] = []
    failed: dict[str, list[str]] = {}  # one line per distinct error, naming its rules
    errors: list[str] = []
    for active in rules.active:
        try:
            for report in active.rule.check(doc, ctx):
                findings.append(report_to_finding(doc, active.rule, report, active.severity))
        except RegexTimeout as exc:  # a user's pattern, not a bug: name the pack entry
            errors.append(f"{doc.display_path}: rule {active.rule.name} stopped on this file: "
                          f"{exc}")
        except Exception as exc:  # a bug in one rule must not lose the other findings
            failed.setdefault(f"{type(exc).__name__}: {exc}", []).append(active.rule.name)
    errors += [
        f"{doc.display_path}: internal error in rule{'s' if len(names) > 1 else ''} "
        f"{', '.join(names)}: {message}"
        for message, names in failed.items()
    ]
    try:
        findings = suppress.apply(doc, findings, rules.canonical)
    except Exception as exc:
        errors.append(f"{doc.display_path}: internal error reading suppression comments: {exc}")
    return findings, errors


def _schema(site: Any, path: Path, root: Path, result: LintResult) -> Any:
    """The inferred front matter schema of ``site`` (once per site and run), or None."""
    if site is None:
        return None
    from playbook_lint.fmsite import schema_for

    if id(site) in _NO_SCHEMA:
        return None
    try:
        return schema_for(site)
    except (OSError, ValueError, RecursionError) as exc:  # said once per site, not per page
        _NO_SCHEMA.add(id(site))
        result.notes.append(f"{display_path(path, root)}: front matter not inferred for its "
                            f"site: {exc}")
        return None


_NO_SCHEMA: set[int] = set()


def tree_of(path: Path, trees: Sequence[Path], default: Path) -> Path:
    """The deepest of ``trees`` that holds ``path`` (``default`` when none is given)."""
    best: Path | None = None
    for tree in trees:
        if (tree == path or tree in path.parents) and (best is None or best in tree.parents):
            best = tree
    return best if best is not None else (path.parent if trees else default)


def lint_files(
    files: Iterable[Path],
    rules: RuleSet,
    *,
    today: date,
    root: Path,
    offline: bool = True,
    link_results: dict[str, object] | None = None,
    workspace: FileWorkspace | None = None,
    site: Any = None,
    trees: Sequence[Path] = (),
    parsed: Any = None,
) -> LintResult:
    """Lint ``files`` (absolute paths) and return a :class:`LintResult` with sorted findings.

    ``site`` is the :class:`~playbook_lint.site.Site` model put on ``Context.site``;
    when None, each file's site is built once per run and site root (cached) by
    :func:`playbook_lint.site.site_for` from ``rules.site_options``. Files the site
    says are not pages (README, LICENSE, ``.github/``, vendored ``assets/**``,
    partials without front matter; see :meth:`Site.is_page`) are not linted.
    ``trees`` are the linted folders (the PATHs given, absolute): a file's site root
    falls back to the deepest one holding it, never to ``root`` (the working folder),
    unless none is given. ``parsed`` (a :class:`~playbook_lint.parsed.ParsedPages`)
    hands over the pages the link stage parsed already.
    """
    from playbook_lint.site import site_for

    ws = workspace or FileWorkspace()
    if parsed is not None:
        ws.parsed = parsed
    take = getattr(ws, "take", None)  # a recording workspace (the result cache's)
    if take is not None:
        from playbook_lint.resultcache import line_fingerprints
    results: Any = link_results or {}
    if take is not None:
        results = getattr(ws, "links")(results)  # noqa: B009 - a recording workspace's
    ctx = Context(today=today, workspace=ws, offline=offline,
                  link_results=results, root=root, site=site,
                  rule_names=rules.names_and_codes())
    result = LintResult()
    wants_schema = any(a.rule.uses_front_matter_schema for a in rules.active)
    for path in files:
        if site is None:
            try:
                ctx.site = site_for(path, tree_of(path, trees, root), rules.site_options)
            except (OSError, ValueError, RecursionError) as exc:
                result.errors.append(f"{display_path(path, root)}: cannot build the site "
                                     f"model: {exc}")
                ctx.site = None
        if ctx.site is not None and not ctx.site.is_page(path):
            continue
        if wants_schema:
            ctx.front_matter_schema = _schema(ctx.site, path, root, result)
        result.files += 1
        try:
            shown = display_path(path, root)
            doc = (parsed.document(path, shown) if parsed is not None
                   else Document.from_path(path, display_path=shown))
        except NotTextError as exc:  # an image named .md: say so, but it is not an error
            result.notes.append(f"{display_path(path, root)}: skipped: {exc}")
            continue
        except OSError as exc:
            result.errors.append(f"{display_path(path, root)}: cannot read: {exc.strerror or exc}")
            continue
        found, errors = lint_document(doc, rules, ctx)
        if parsed is not None:
            parsed.linted(doc)
        if take is not None:
            result.deps[doc.display_path] = take()
            result.fingerprints[doc.display_path] = line_fingerprints(doc, found)
        if "anchors" in doc.__dict__:  # parsed anyway: later pages linking here reuse it
            ws.remember(doc)
        result.findings.extend(found)
        result.errors.extend(errors)
    result.findings.sort()
    return result
