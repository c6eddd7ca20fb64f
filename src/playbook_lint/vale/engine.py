"""Run Vale rules over a document: scoping, Vale's comments, levels, limits.

For each block (see :mod:`playbook_lint.vale.blocks`) every rule whose scope matches
runs, unless switched off for the file (``.vale.ini`` sections), by a comment, or
below the minimum level. Alerts are placed at the exact offsets of the matched text,
de-duplicated by (line, column, rule) and capped by the rule's ``limit`` per file.

Vale's comments (https://vale.sh/docs/formats/markdown#comments):
``<!-- vale off -->`` / ``<!-- vale on -->`` for every rule,
``<!-- vale Style.Rule = NO -->`` / ``= YES`` for one rule (``<!-- vale Style = NO -->``
for a whole style), ``<!-- vale Style.Rule["match1","match2"] = NO -->`` for some
matches only. As in Vale, a comment applies to the blocks that end after it; the
``summary`` and ``raw`` scopes see only ``vale off``/``on`` as left at the end of the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from playbook_lint.vale.blocks import Block, cached_blocks
from playbook_lint.vale.config import LEVELS
from playbook_lint.vale.kinds import (
    UNSUPPORTED,
    Capitalization,
    Conditional,
    Consistency,
    Existence,
    FileState,
    Kind,
    Occurrence,
    Repetition,
    RuleError,
    Substitution,
)
from playbook_lint.vale.metric import Metric, Readability

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["ValeFinding", "ValeLinter", "scope_matches", "KINDS", "build_kind"]


#: The rule kind class of each ``extends`` value this tool runs.
KINDS: dict[str, type[Kind]] = {
    "existence": Existence, "substitution": Substitution, "occurrence": Occurrence,
    "repetition": Repetition, "conditional": Conditional, "consistency": Consistency,
    "capitalization": Capitalization, "metric": Metric, "readability": Readability,
}


def build_kind(d: dict[str, Any], accepted: list[str]) -> Kind:
    """Build the rule kind named by ``d["extends"]``.

    Raises:
        RuleError: an unknown or unsupported kind, a bad pattern or a bad value.
    """
    extends = str(d.get("extends", ""))
    cls = KINDS.get(extends)
    path = d.get("path") or d.get("name", "")
    if cls is None:
        raise RuleError(f"{path}: extends: '{extends}' is not a supported kind")
    try:
        return cls(d, accepted)
    except (TypeError, ValueError) as exc:
        raise RuleError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class ValeFinding:
    """One alert, placed in the document.

    Attributes:
        start, end: offsets into ``Document.text`` (equal for whole-file alerts at 0).
        rule: Vale's rule id (``Style.Rule``); level: ``suggestion``/``warning``/``error``.
        message, match, link: as Vale reports them; action: the rule's ``action``.
    """

    start: int
    end: int
    rule: str
    level: str
    message: str
    match: str
    link: str = ""
    action: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)
    replacement: str | None = None


def _selector(part: str) -> tuple[bool, list[str]]:
    part = part.strip()
    neg = part.startswith("~")
    return neg, [s for s in part.lstrip("~").split(".") if s]


def scope_matches(scopes: list[str], block_scope: str, parent: str | None = None) -> bool:
    """Vale's ``Scope.Matches``: does one of a rule's ``scopes`` select a block?

    Args:
        scopes: the rule's scopes, e.g. ``["heading & ~heading.h1"]``.
        block_scope: the block's scope, e.g. ``"text.heading.h2.md"``.
        parent: the enclosing scope for inline blocks (default: ``block_scope``).
    """
    return _scope_matches(tuple(scopes), block_scope, parent or block_scope)


@lru_cache(maxsize=8192)
def _scope_matches(scopes: tuple[str, ...], block_scope: str, parent: str) -> bool:
    cand = set(block_scope.split("."))
    par = set(parent.split("."))
    for scope in scopes:
        ok = True
        for part in scope.split("&"):
            neg, secs = _selector(part)
            if not secs:
                continue
            if neg and not set(secs) <= par:
                if "raw" in cand or "summary" in cand:
                    ok = False
                    break
            elif (not neg and not set(secs) <= cand) or (neg and set(secs) <= par):
                ok = False
                break
        if ok:
            return True
    return False


_COMMENT = re.compile(r"<!--\s*(.*?)\s*-->", re.DOTALL)
_CONTROL = re.compile(r"^vale (\S+) = (YES|NO)$")
_CONTROL_MATCHES = re.compile(r"^vale (\S+?)(\[.+\]) = (YES|NO)$")


def _comments(doc: Document) -> list[tuple[int, str]]:
    if "vale" not in doc.text:
        return []
    code: set[int] = set()
    for tok in doc.tokens:
        if tok.type in ("fence", "code_block") and tok.map:
            code.update(range(tok.map[0] + 1, tok.map[1] + 1))
    out = []
    for m in _COMMENT.finditer(doc.text, doc.body_start):
        body = m.group(1).strip()
        if not body.startswith("vale"):
            continue
        line, col = doc.position(m.start())
        if line in code or doc.line_text(line)[: col - 1].count("`") % 2 == 1:
            continue
        out.append((m.start(), body))
    return out


def _update(state: dict[str, bool], comment: str) -> None:
    """Vale's ``File.UpdateComments``."""
    if comment == "vale off":
        state["off"] = True
    elif comment == "vale on":
        state["off"] = False
    elif (m := _CONTROL_MATCHES.match(comment)) is not None:
        try:
            parts = json.loads(m.group(2))
        except ValueError:
            return
        for p in parts if isinstance(parts, list) else []:
            state[f"{m.group(1)}[{p}]"] = m.group(3) == "NO"
    elif (m := _CONTROL.match(comment)) is not None:
        state[m.group(1)] = m.group(2) == "NO"


def _query(state: Mapping[str, bool], key: str) -> bool:
    """Vale's ``File.QueryComments``: True if ``key`` is switched off."""
    if not state.get("off", False) and key in state:
        return state[key]
    return state.get("off", False)


@dataclass
class _Rule:
    name: str
    kind: Kind
    style: str


class ValeLinter:
    """Compiled Vale rules, ready to lint documents.

    Args:
        definitions: rule id (``Style.Rule``) -> YAML mapping (``extends``, ``message``...).
        accepted: accepted vocabulary (exceptions for rules with ``vocab`` on).
        min_level: lowest level reported (0 suggestion, 1 warning, 2 error).
        settings: ``rel_path -> (base styles, {rule: on/off})`` for one file; None runs
            every rule on every file.
        global_checks: the ``[*]`` switches.
        ignored_scopes: ``IgnoredScopes`` (HTML tag names): ``strong``/``b`` and ``a``
            make bold text and link text read as asterisks and drop their scopes.

    Attributes:
        unsupported: ``(rule, kind)`` of rules that are not run (spelling, script,
            sequence), sorted.

    Raises:
        RuleError: a rule that cannot be compiled (names the file and key).
    """

    def __init__(
        self,
        definitions: Mapping[str, Mapping[str, Any]],
        *,
        accepted: list[str] | None = None,
        min_level: int = 0,
        settings: Callable[[str], tuple[list[str], dict[str, bool]]] | None = None,
        global_checks: Mapping[str, bool] | None = None,
        ignored_scopes: list[str] | None = None,
    ) -> None:
        self.rules: list[_Rule] = []
        self.unsupported: list[tuple[str, str]] = []
        self.min_level = min_level
        self.settings = settings
        self.global_checks = dict(global_checks or {})
        # IgnoredScopes: inline elements whose text is not linted (default tt, code,
        # kbd: code spans, which always read as asterisks here)
        ignored = set(ignored_scopes or ())
        self.ignored_kinds = {k for k, tags in (("strong", {"strong", "b"}),
                                                ("link", {"a"})) if ignored & tags}
        for name, d in sorted(definitions.items()):
            extends = str(d.get("extends", ""))
            if extends in UNSUPPORTED:
                self.unsupported.append((name, extends))
                continue
            kind = build_kind(dict(d), list(accepted or []))
            self.rules.append(_Rule(name, kind, name.split(".")[0]))

    def kind(self, name: str) -> Kind | None:
        """The compiled rule named ``name`` (None if not loaded)."""
        return next((r.kind for r in self.rules if r.name == name), None)

    def _enabled(self, rule: _Rule, styles: list[str], checks: Mapping[str, bool]) -> bool:
        """Vale's ``shouldRun`` minus scope and comments."""
        if self.settings is None:
            return True
        if LEVELS.get(rule.kind.level, 1) < self.min_level:
            return False
        if rule.name in checks:
            return checks[rule.name]
        if rule.name in self.global_checks:
            return self.global_checks[rule.name]
        return rule.style in styles

    def active_for(self, rel_path: str) -> list[_Rule]:
        """The rules that may run on a file (before scope and comments)."""
        styles, checks = self.settings(rel_path) if self.settings else ([], {})
        return [r for r in self.rules if self._enabled(r, styles, checks)]

    def lint(self, doc: Document, rel_path: str = "",
             ignores: list[str] | None = None) -> list[ValeFinding]:
        """Lint one document.

        Args:
            doc: the document.
            rel_path: its path relative to the config's folder (for section globs).
            ignores: ``TokenIgnores``/``BlockIgnores`` patterns: the text they match
                reads as asterisks (like code) in every scope but ``raw``.

        Returns:
            the findings sorted by offset then rule id.

        Raises:
            RuleError: a formula that cannot be evaluated.
        """
        rules = self.active_for(rel_path)
        if not rules:
            return []
        db = cached_blocks(doc, headings_only=_headings_only(tuple(r.kind for r in rules)))
        blocks = db.blocks
        summary = db.summary
        masked = _ignored(doc, ignores or [])
        for b in db.blocks:
            if b.kind in self.ignored_kinds:
                masked.update(b.offs)
        if masked:
            blocks = [b for b in blocks if b.kind not in self.ignored_kinds]
            blocks = [_mask(b, masked) for b in blocks]
            summary = _mask(summary, masked) if summary is not None else None
        comments = _comments(doc)
        state = FileState(metrics=dict(db.metrics))
        found: list[ValeFinding] = []
        seen: set[tuple[int, str]] = set()
        limits: dict[str, int] = {}

        def comment_state(upto: int) -> dict[str, bool]:
            st: dict[str, bool] = {}
            for off, body in comments:
                if off < upto:
                    _update(st, body)
            return st

        def run(blk: Block, cstate: Mapping[str, bool]) -> None:
            for r in rules:
                if _query(cstate, r.name) or _query(cstate, r.style):
                    continue
                if not scope_matches(r.kind.scope, blk.scope):
                    continue
                for a in r.kind.run(blk, state):
                    if _query(cstate, f"{r.name}[{a.match}]"):
                        continue
                    if a.whole_file or not blk.offs:
                        start = end = 0
                    else:
                        start = blk.offs[min(a.start, len(blk.offs) - 1)]
                        end = blk.offs[min(max(a.end - 1, a.start), len(blk.offs) - 1)] + 1
                    key = (start, r.name)
                    if key in seen:
                        continue
                    if r.kind.limit and limits.get(r.name, 0) >= r.kind.limit:
                        continue
                    seen.add(key)
                    limits[r.name] = limits.get(r.name, 0) + 1
                    contiguous = a.whole_file or (
                        end - start == a.end - a.start
                        and doc.text[start:end] == blk.text[a.start:a.end])
                    found.append(ValeFinding(start, end, r.name, r.kind.level, a.message,
                                             a.match, r.kind.link, a.action,
                                             a.replacement if contiguous else None))

        cache: dict[int, dict[str, bool]] = {}
        for blk in blocks:
            if blk.end not in cache:
                cache[blk.end] = comment_state(blk.end)
            run(blk, cache[blk.end])
        final = comment_state(len(doc.text) + 1)
        final = {k: (v if k == "off" else False) for k, v in final.items()}
        for sized in (summary, db.raw):
            if sized is not None:
                run(sized, final)
        found.sort(key=lambda f: (f.start, f.rule))
        return found


#: One block scope of each kind :func:`playbook_lint.vale.blocks.document_blocks` makes.
_SAMPLE_SCOPES = (
    *(f"text.heading.h{n}.md" for n in range(1, 7)), "paragraph.md", "sentence.md",
    "text.md", "text.list.md", "text.blockquote.md", "text.table.header.md",
    "text.table.cell.md", "text.attr.alt", "link", "strong", "code", "summary.md", "raw.md",
)


@lru_cache(maxsize=64)
def _headings_only(kinds: tuple[Kind, ...]) -> bool:
    """True when every one of ``kinds`` is scoped to headings alone and reads no page
    metrics, so a page's other blocks need not be built."""
    for kind in kinds:
        if kind.needs_file or isinstance(kind, (Metric, Readability)):
            return False
        for scope in _SAMPLE_SCOPES:
            if not scope.startswith("text.heading.") and scope_matches(kind.scope, scope):
                return False
    return True


def _ignored(doc: Document, patterns: list[str]) -> set[int]:
    """Offsets of ``doc.text`` matched by any of ``patterns`` (in the body)."""
    from playbook_lint.vale.regex import PatternError, compile_pattern

    out: set[int] = set()
    for p in patterns:
        try:
            pat = compile_pattern(p)
        except (PatternError, ValueError) as exc:
            raise RuleError(f"TokenIgnores/BlockIgnores: bad regular expression {p!r}: "
                            f"{exc}") from None
        for m in pat.finditer(doc.text, doc.body_start):
            out.update(range(m.start(), m.end()))
    return out


def _mask(blk: Block, masked: set[int]) -> Block:
    if not any(o in masked for o in blk.offs):
        return blk
    text = "".join("*" if o in masked and c not in "\n" else c
                   for c, o in zip(blk.text, blk.offs, strict=True))
    return Block(text, blk.offs, blk.scope, blk.end, blk.kind)


def unsupported_note(rule: str, kind: str) -> str:
    """The one-line note for a rule that is not run."""
    return f"not run: {rule} ({kind})"


__all__ += ["unsupported_note", "RuleError"]
