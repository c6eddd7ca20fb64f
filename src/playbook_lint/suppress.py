"""Suppression comments, in markdownlint's style.

- ``<!-- playbook-lint-disable RULE... -->`` turns rules off from that line on;
- ``<!-- playbook-lint-enable RULE... -->`` turns them back on from that line;
- ``<!-- playbook-lint-disable-next-line RULE... -->`` silences the next line; one
  blank line in between is tolerated (formatters such as Prettier insert one);
- ``<!-- playbook-lint-disable-line RULE... -->`` silences its own line.

No RULE means every rule. RULE is a name or a code, several separated by spaces
or commas. Comments inside code blocks and code spans are ignored (they are
examples, not directives).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from playbook_lint.document import Document
from playbook_lint.findings import Finding

COMMENT_RE = re.compile(
    r"<!--\s*playbook-lint-(disable-next-line|disable-line|disable|enable)\b([^>]*?)\s*-->"
)
ALL = "*"


@dataclass(frozen=True)
class Directive:
    """One suppression comment: ``action``, the rule names it covers (``{"*"}`` = all),
    and its 1-based ``line``."""

    action: str
    rules: frozenset[str]
    line: int


def _code_lines(doc: Document) -> set[int]:
    lines: set[int] = set()
    for tok in doc.tokens:
        if tok.type in ("fence", "code_block") and tok.map:
            lines.update(range(tok.map[0] + 1, tok.map[1] + 1))
    return lines


def _comments(doc: Document) -> list[tuple[re.Match[str], int]]:
    """Each suppression comment of ``doc`` outside code, with its line."""
    if "playbook-lint-" not in doc.text:
        return []
    code = _code_lines(doc)
    out = []
    for m in COMMENT_RE.finditer(doc.text):
        line, _ = doc.position(m.start())
        if line not in code and not _in_code_span(doc, m.start()):
            out.append((m, line))
    return out


def directives(doc: Document, canonical: Callable[[str], str | None]) -> list[Directive]:
    """Find the suppression comments of ``doc``.

    Args:
        canonical: maps a name or code to the rule name (None if unknown: kept as written).
    """
    out = []
    for m, line in _comments(doc):
        names = [n for n in re.split(r"[\s,]+", m.group(2).strip()) if n]
        rules = frozenset(canonical(n) or n for n in names) if names else frozenset({ALL})
        out.append(Directive(m.group(1), rules, line))
    return out


def rule_references(doc: Document) -> list[tuple[str, int]]:
    """Every rule name or code written in a suppression comment of ``doc`` (comments in
    code are skipped, as by :func:`directives`), as ``(name, offset into doc.text)``."""
    out = []
    for m, _line in _comments(doc):
        for n in re.finditer(r"[^\s,]+", m.group(2)):
            out.append((n.group(), m.start(2) + n.start()))
    return out


def _in_code_span(doc: Document, offset: int) -> bool:
    line, col = doc.position(offset)
    before = doc.line_text(line)[: col - 1]
    return before.count("`") % 2 == 1


class Suppressions:
    """Answers "is rule R suppressed on line L?" for one document."""

    def __init__(self, doc: Document, found: Iterable[Directive]) -> None:
        self.doc = doc
        # (line, action, rules) in order; disable/enable are range directives
        self.ranges = [d for d in found if d.action in ("disable", "enable")]
        self.single: dict[int, set[str]] = {}
        for d in found:
            if d.action == "disable-line":
                self.single.setdefault(d.line, set()).update(d.rules)
            elif d.action == "disable-next-line":
                target = d.line + 1
                if target <= doc.line_count and not doc.line_text(target).strip():
                    target += 1
                self.single.setdefault(target, set()).update(d.rules)

    def suppressed(self, rule: str, line: int) -> bool:
        """True if ``rule`` is silenced at 1-based ``line``."""
        hit = self.single.get(line)
        if hit and (ALL in hit or rule in hit):
            return True
        off = False
        for d in self.ranges:
            if d.line > line:
                break
            if ALL in d.rules or rule in d.rules:
                off = d.action == "disable"
        return off


def apply(
    doc: Document, findings: list[Finding], canonical: Callable[[str], str | None]
) -> list[Finding]:
    """Drop the findings of ``doc`` that suppression comments silence."""
    found = directives(doc, canonical)
    if not found:
        return findings
    s = Suppressions(doc, found)
    return [f for f in findings if not s.suppressed(f.rule, f.line)]
