"""Immutable records that rules produce and reporters consume.

A rule yields :class:`RawFinding` objects (offsets into :attr:`Document.text`); the
runner turns each into a :class:`Finding` with path, line and column, the rule's
name and code and the configured severity.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How serious a finding is. Ordered: ``INFO < WARNING < ERROR``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Return the severity named by ``value`` (``"error"``, ``"warning"``, ``"info"``).

        Raises:
            ValueError: for any other name.
        """
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r} (expected error, warning or info)"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class EditPosition:
    """Where an :class:`Edit` falls in the file, for reports that place fixes by line
    and column (SARIF), so reporters never read source files.

    Attributes:
        line, column: where the replaced text starts; 1-based, counted as a
            :class:`Finding`'s are (the file's own lines, code points, BOM excluded).
        end_line, end_column: where it ends (``end_column`` exclusive).
        newline: the file's line ending (``"\\n"``, ``"\\r\\n"`` or ``"\\r"``): a
            ``"\\n"`` in the replacement is written as it.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    newline: str = "\n"


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (offsets into the normalised document text) by
    ``replacement``.

    ``position`` is filled in by the runner (rules leave it None): the edit's
    :class:`EditPosition` in the file. It takes no part in comparisons.

    ``linted`` is filled in by the runner (rules leave it None): ``(offset, text)``,
    the text the edit replaces plus a little context on each side (within its
    line), as it was when the file was linted. The fixer writes nothing to a file
    unless every edit still finds that text at that offset,
    so a file replaced between lint and fix (even by one with an older modification
    time) is never edited at stale offsets. It takes no part in comparisons.
    """

    start: int
    end: int
    replacement: str
    linted: tuple[int, str] | None = field(default=None, compare=False)
    position: EditPosition | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Fix:
    """A fix: an imperative title, one or more non-overlapping edits, and whether it is safe.

    A safe fix never changes meaning (``--fix`` applies it); an unsafe one needs
    ``--unsafe-fixes``.
    """

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True)
class RawFinding:
    """What a rule yields: a span of the document and a message. The runner makes
    it a :class:`Finding` (path, line and column, rule name and code, severity).

    Attributes:
        start: offset (characters) into ``Document.text`` where the problem starts.
        end: offset just past the problem (``end >= start``).
        message: a short sentence, no trailing full stop needed.
        suggestion: the replacement text a user could use, if any.
        fix: an automatic fix, if one is possible.
        severity: overrides the rule's configured severity for this report only
            (e.g. a link that could not be verified is a warning, not an error).
        data: extra machine-readable fields for JSON output (e.g. link classification).
        rule: overrides the rule's name for this report only (the ``vale`` rule reports
            under each Vale rule's own id, ``Style.Rule``).
    """

    start: int
    end: int
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
    severity: Severity | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    rule: str | None = None


#: The former name of :class:`RawFinding`, kept so rule plugins written against
#: 0.1.0 (``from playbook_lint.findings import Report``) keep working.
Report = RawFinding


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place, ready for reporting. Sorted by path, line, column, rule.

    ``line``/``column`` and ``end_line``/``end_column`` are 1-based and count the
    file's own lines (front matter included) and characters (code points, BOM
    excluded). ``end_column`` is exclusive.
    """

    path: str
    line: int
    column: int
    rule: str
    code: str = field(compare=False)
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)
    suggestion: str | None = field(default=None, compare=False)
    fix: Fix | None = field(default=None, compare=False)
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of this finding (see DESIGN.md, "JSON output")."""
        out: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion
        if self.fix is not None:
            out["fix"] = {
                "title": self.fix.title,
                "safe": self.fix.safe,
                "edits": [_edit_dict(e) for e in self.fix.edits],
            }
        out.update(self.data)
        return out


def _edit_dict(e: Edit) -> dict[str, Any]:
    """The JSON shape of one edit: offsets and replacement, then its position in the
    file when the runner gave it one (``newline`` only when the replacement spans
    lines and the file's line ending is not ``"\\n"``)."""
    out: dict[str, Any] = {"start": e.start, "end": e.end, "replacement": e.replacement}
    pos = e.position
    if pos is not None:
        out.update(line=pos.line, column=pos.column, end_line=pos.end_line,
                   end_column=pos.end_column)
        if pos.newline != "\n" and "\n" in e.replacement:
            out["newline"] = pos.newline
    return out
