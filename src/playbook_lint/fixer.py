"""Apply the fixes that rules offer: ``--fix`` writes them, ``--diff`` shows them.

Each :class:`~playbook_lint.findings.Fix` holds text edits whose offsets are into
the file's *normalised* text (:func:`playbook_lint.document.decode`: BOM removed,
CRLF and CR turned into LF). The fixer:

1. keeps safe fixes only, unless ``unsafe`` is true;
2. for each file, takes the fixes in finding order and skips (with a note) any fix
   whose edits overlap an edit already taken, whose offsets fall outside the text,
   or whose replacement the file's encoding cannot store; an identical fix offered
   twice (e.g. by two findings) is applied once;
3. maps every edit from the normalised text onto the file's raw text, so each line
   keeps its own ending (a file that mixes CRLF and LF keeps the mix); a line break
   inside a replacement (``\\n``, or ``\\r\\n``/``\\r`` if a rule gives one) is written
   with the file's dominant ending; should an edit bring a lone CR next to an LF,
   that CR is written as CRLF so the two line breaks stay two;
4. applies the edits (all offsets refer to the original text, as if applied
   bottom-up) and re-encodes with the file's encoding, adding the
   UTF-8 BOM back if the file had one;
5. before planning anything, checks that every edit's lines still hold the text
   that was linted (:attr:`~playbook_lint.findings.Edit.linted`); one mismatch and
   the whole file is left alone with a note. Modification times and sizes are not
   trusted for this: ``cp -p``, ``rsync -t`` and ``tar`` restore older ones;
6. when writing, checks the file did not change since it was read (same bytes,
   size and modification time) and writes it atomically: a temporary file in the
   same folder, the original's permission bits (and owner, when allowed),
   ``fsync``, then ``os.replace``. A symbolic link is followed: its target is
   rewritten and the link is kept, but only when the target's real location is
   inside one of the ``confine`` folders (the linted paths; ``--fix-outside-root``
   lifts this), so a hostile symlink cannot make ``--fix`` in CI write outside the
   repository. A read-only file (no write bit at all) is left alone with a note,
   even for root. A hard-linked file becomes a separate file (the price of an
   atomic write).

Nothing here raises for bad input: unreadable files, stale findings and failed
writes become one-line notes in :attr:`FixOutcome.notes`.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playbook_lint.atomic import write_atomic
from playbook_lint.document import Document, decode
from playbook_lint.findings import Edit, EditPosition, Finding, Fix

__all__ = [
    "FixOutcome", "FilePlan", "apply_fixes", "plan_file", "record_linted", "place_fix",
    "unified_diff",
]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass
class FixOutcome:
    """What :func:`apply_fixes` did.

    Attributes:
        notes: one-line messages for the user (skipped fixes, unreadable files,
            failed writes), e.g. ``"docs/a.md:3:5: skipped fix for jargon: overlaps
            another fix"``. No trailing newline.
        diff: a unified diff of every change (``a/``/``b/`` paths, the file's own
            line endings), ``""`` when nothing would change.
        changed_files: the finding paths (relative to the root, as in the findings)
            of files written; always ``[]`` when ``write`` is false.
        applied: the number of findings whose fix was applied (or, when ``write``
            is false, would be applied).
    """

    notes: list[str] = field(default_factory=list)
    diff: str = ""
    changed_files: list[str] = field(default_factory=list)
    applied: int = 0


@dataclass
class FilePlan:
    """The fixes chosen for one file's text, before anything is written.

    Attributes:
        raw: the file's decoded text as stored (BOM removed, line endings kept).
        new_raw: ``raw`` with the chosen fixes applied.
        applied: how many findings the chosen fixes resolve.
        notes: one-line notes about fixes that were skipped.
    """

    raw: str
    new_raw: str
    applied: int
    notes: list[str]


def _overlaps(a: Edit, b: Edit) -> bool:
    """True if two edits touch the same text (two insertions at one point count)."""
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


def _where(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}"


def _split_lines(text: str) -> list[str]:
    """Split on ``\\r\\n``, ``\\r`` and ``\\n`` only, keeping the endings (unlike
    :meth:`str.splitlines`, which also splits on form feeds and U+2028)."""
    return _LINE.findall(text)


def _crlf_positions(raw: str) -> list[int]:
    """Normalised offsets of the ``\\n`` that each ``\\r\\n`` of ``raw`` became."""
    out: list[int] = []
    i = raw.find("\r\n")
    while i != -1:
        out.append(i - len(out))
        i = raw.find("\r\n", i + 2)
    return out


def plan_file(
    raw: str,
    findings: Sequence[Finding],
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
) -> FilePlan:
    """Choose and apply the fixes of ``findings`` to one file's text.

    Args:
        raw: the file's text as stored, decoded, without BOM, line endings as in the
            file. Its normalised form (CRLF and CR as LF) is what edit offsets index.
        findings: findings of this file that carry a fix, in the order they should
            win when fixes overlap (normally sorted by line and column).
        encoding: the file's encoding; a fix whose replacement it cannot encode is
            skipped.
        newline: how to write a ``\\n`` inside a replacement (the file's dominant
            line ending).

    Returns:
        a :class:`FilePlan`. Never raises for bad offsets: such fixes become notes.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    size = len(text)
    taken: list[Edit] = []
    seen: set[tuple[Edit, ...]] = set()
    applied = 0
    notes: list[str] = []
    for f in findings:
        fix = f.fix
        if fix is None:
            continue
        edits = tuple(sorted(fix.edits, key=lambda e: (e.start, e.end)))
        if edits in seen:
            applied += 1  # the same change is already planned for another finding
            continue
        problem = None
        if not edits:
            problem = "it has no edits"
        elif any(not (0 <= e.start <= e.end <= size) for e in edits):
            problem = "its offsets are outside the file (did the file change?)"
        elif any(_overlaps(a, b) for i, a in enumerate(edits) for b in edits[i + 1:]):
            problem = "its own edits overlap"
        elif any(_overlaps(e, t) for e in edits for t in taken):
            problem = "overlaps another fix"
        else:
            for e in edits:
                try:
                    e.replacement.replace("\n", newline).encode(encoding)
                except UnicodeEncodeError:
                    problem = f"the file's encoding ({encoding}) cannot store the replacement"
                    break
        if problem is not None:
            notes.append(f"{_where(f)}: skipped fix for {f.rule}: {problem}")
            continue
        seen.add(edits)
        taken.extend(edits)
        applied += 1
    crlf = _crlf_positions(raw)

    def to_raw(offset: int) -> int:
        return offset + bisect.bisect_left(crlf, offset)

    pieces: list[str] = []
    pos = 0
    for e in sorted(taken, key=lambda e: (e.start, e.end)):
        repl = e.replacement
        if "\r" in repl:  # rules should give normalised text; be lenient if they do not
            repl = repl.replace("\r\n", "\n").replace("\r", "\n")
        if newline != "\n":
            repl = repl.replace("\n", newline)
        pieces += [raw[pos:to_raw(e.start)], repl]
        pos = to_raw(e.end)
    pieces.append(raw[pos:])
    return FilePlan(raw=raw, new_raw=_join(pieces), applied=applied, notes=notes)


def _join(pieces: Sequence[str]) -> str:
    """Concatenate ``pieces`` so that no two line breaks fuse: a lone CR that would
    meet a following LF (and become one CRLF line break) is written as CRLF, which
    adds a character after it and so can never fuse with what comes before."""
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and out[-1][-1] == "\r" and piece[0] == "\n":
            out[-1] += "\n"
        out.append(piece)
    return "".join(out)


def unified_diff(old: str, new: str, path: str) -> str:
    """Return a unified diff (3 lines of context) from ``old`` to ``new`` text.

    Paths are written ``a/<path>`` and ``b/<path>``; lines keep their own endings,
    and a last line without one gets git's ``\\ No newline at end of file`` marker.
    Returns ``""`` when the texts are equal.
    """
    if old == new:
        return ""
    import difflib

    out: list[str] = []
    for i, line in enumerate(difflib.unified_diff(
        _split_lines(old), _split_lines(new), f"a/{path}", f"b/{path}", lineterm=""
    )):
        if i < 2 or line.startswith("@@"):  # headers: ---, +++ and hunk ranges
            out.append(line + "\n")
        elif line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


#: Characters of context kept on each side of an edit, within its line (a bound, so
#: a long one-line file with many fixes does not keep a copy of the line per fix).
LINTED_CONTEXT = 80


def record_linted(fix: Fix, text: str) -> Fix:
    """Return ``fix`` with each edit's :attr:`~playbook_lint.findings.Edit.linted` set
    to the text of ``text`` (the normalised text that was linted) it replaces plus
    up to :data:`LINTED_CONTEXT` characters either side, without crossing a line
    break, so shifted offsets and changed surroundings are both seen.

    Edits whose offsets fall outside ``text`` are kept unchanged (the fixer skips
    them with a note).
    """
    edits = []
    for e in fix.edits:
        if e.linted is not None or not (0 <= e.start <= e.end <= len(text)):
            edits.append(e)
            continue
        line_start = text.rfind("\n", 0, e.start) + 1
        line_end = text.find("\n", e.end)
        line_end = len(text) if line_end == -1 else line_end
        first = max(line_start, e.start - LINTED_CONTEXT)
        last = min(line_end, e.end + LINTED_CONTEXT)
        edits.append(dataclasses.replace(e, linted=(first, text[first:last])))
    return Fix(fix.title, tuple(edits), fix.safe)


def place_fix(fix: Fix, doc: Document) -> Fix:
    """Return ``fix`` as the runner hands it on from the linted ``doc``: each edit's
    linted text recorded (:func:`record_linted`) and its
    :class:`~playbook_lint.findings.EditPosition` in the file set, so reporters that
    place fixes by line and column (SARIF) never read the file again. Edits whose
    offsets fall outside ``doc.text`` get no position."""
    fix = record_linted(fix, doc.text)
    edits = []
    for e in fix.edits:
        if e.position is None and 0 <= e.start <= e.end <= len(doc.text):
            (line, column), (end_line, end_column) = doc.position(e.start), doc.position(e.end)
            e = dataclasses.replace(e, position=EditPosition(line, column, end_line, end_column,
                                                             doc.newline))
        edits.append(e)
    return Fix(fix.title, tuple(edits), fix.safe)


def _still_linted(text: str, findings: Iterable[Finding]) -> bool:
    """True if every edit of ``findings`` that records its linted text finds it
    unchanged, at the same offset, in ``text`` (the normalised text read for fixing)."""
    for f in findings:
        for e in f.fix.edits if f.fix is not None else ():
            if e.linted is None:
                continue
            at, seen = e.linted
            if text[at:at + len(seen)] != seen:
                return False
    return True


def _inside(target: Path, roots: Sequence[Path]) -> bool:
    """True if ``target`` (a real path) is one of ``roots`` or below one of them."""
    return any(target == r or target.is_relative_to(r) for r in roots)


def _positions_exist(text: str, findings: Iterable[Finding]) -> bool:
    """True if every finding's start and end position exists in ``text`` (a cheap
    sign that the file is the one the findings were made from)."""
    lines = text.split("\n")
    for f in findings:
        for line, col in ((f.line, f.column), (f.end_line, f.end_column)):
            if line is None or col is None:
                continue
            if not (1 <= line <= len(lines)) or not (1 <= col <= len(lines[line - 1]) + 1):
                return False
    return True


def apply_fixes(
    findings: Iterable[Finding],
    root: Path,
    *,
    unsafe: bool = False,
    write: bool = True,
    read_at_ns: int | None = None,
    confine: Sequence[Path] | None = None,
) -> FixOutcome:
    """Apply the fixes of ``findings`` to their files.

    Args:
        findings: findings of a run; those without a fix are ignored. Paths are
            relative to ``root`` (or absolute).
        root: the folder finding paths are relative to (the CLI's working folder).
        unsafe: also apply fixes marked unsafe (``--unsafe-fixes``).
        write: write the files; when false nothing is written and the outcome only
            carries the diff (``--diff``).
        read_at_ns: when the findings' files were read (``time.time_ns()`` taken just
            before linting). A file modified after it is skipped with a note: its
            findings may no longer match its text. None: only the weaker checks
            (positions must exist; the file must not change while fixing). Either
            way, a file whose edits' lines no longer hold the linted text is skipped.
        confine: folders that writes must stay inside, compared by real path (after
            symbolic links); a file whose real location is outside all of them is
            left alone with a note. None: no such limit (``--fix-outside-root``).

    Returns:
        a :class:`FixOutcome`. Never raises for unreadable or changed files: each
        becomes a note and the file is left untouched.
    """
    outcome = FixOutcome()
    by_path: dict[str, list[Finding]] = {}
    hidden = 0
    for f in sorted(findings):
        if f.fix is None:
            continue
        if not f.fix.safe and not unsafe:
            hidden += 1
            continue
        by_path.setdefault(f.path, []).append(f)
    diffs: list[str] = []
    for rel, group in by_path.items():
        path = root / rel
        try:
            data = path.read_bytes()
            before = os.stat(path)
            d = decode(data)  # NotTextError (an OSError) if it has become binary
        except OSError as exc:
            outcome.notes.append(f"{rel}: cannot fix: cannot read: {exc.strerror or exc}")
            continue
        if read_at_ns is not None and before.st_mtime_ns > read_at_ns:
            outcome.notes.append(
                f"{rel}: skipped {_count(len(group), 'fix', 'fixes')}: "
                "the file changed since it was checked"
            )
            continue
        raw = d.raw
        if not _positions_exist(d.text, group) or not _still_linted(d.text, group):
            outcome.notes.append(
                f"{rel}: skipped {_count(len(group), 'fix', 'fixes')}: "
                "the file changed since it was checked"
            )
            continue
        plan = plan_file(raw, group, encoding=d.encoding, newline=d.newline)
        outcome.notes.extend(plan.notes)
        if plan.new_raw == raw:
            continue
        diffs.append(unified_diff(raw, plan.new_raw, rel))
        if not write:
            outcome.applied += plan.applied
            continue
        new_data = d.bom_bytes + plan.new_raw.encode(d.encoding)
        try:
            target = Path(os.path.realpath(path))
            if confine is not None and not _inside(
                    target, [Path(os.path.realpath(r)) for r in confine]):
                outcome.notes.append(
                    f"{rel}: not fixed: its real location {target} is outside the linted "
                    "folders (a symbolic link; --fix-outside-root allows writing there)"
                )
                continue
            now = os.stat(target)
            if (
                (now.st_mtime_ns, now.st_size) != (before.st_mtime_ns, before.st_size)
                or target.read_bytes() != data
            ):
                outcome.notes.append(f"{rel}: not fixed: the file changed while fixing")
                continue
            if not now.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                outcome.notes.append(f"{rel}: not fixed: the file is read-only")
                continue
            write_atomic(target, new_data, like=now)
        except OSError as exc:
            outcome.notes.append(f"{rel}: not fixed: cannot write: {exc.strerror or exc}")
            continue
        outcome.applied += plan.applied
        outcome.changed_files.append(rel)
    if hidden:
        outcome.notes.append(
            f"{_count(hidden, 'unsafe fix', 'unsafe fixes')} not applied "
            "(use --unsafe-fixes to apply them)"
        )
    outcome.diff = "".join(diffs)
    return outcome


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
