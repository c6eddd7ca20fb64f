"""Baselines: record today's findings so only new ones are reported.

A team adopting playbook-lint on a legacy site runs ``--write-baseline FILE`` once,
commits the file, and from then on runs with ``--baseline FILE``: findings already
recorded are dropped, new ones are reported.

A finding is recorded by its rule, its path and a *content fingerprint*: a hash of
the rule, the finding's source line (whitespace collapsed) and its message. Line
numbers are not part of it, so adding or removing lines above a finding does not
make it "new". Identical findings on identical lines of one file are counted: a
baseline that recorded two lets two through and reports a third.

The file is JSON, sorted and stable so it diffs well in review::

    {
      "tool": "playbook-lint",
      "version": 1,
      "findings": [
        {"path": "docs/a.md", "rule": "jargon", "fingerprint": "1f0c...",
         "count": 1, "message": "\\"utilise\\" is jargon: use \\"use\\""}
      ]
    }

``message`` is for people reading the file; matching uses ``path``, ``rule`` and
``fingerprint`` only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from playbook_lint.atomic import write_atomic
from playbook_lint.document import decode
from playbook_lint.errors import ConfigError
from playbook_lint.findings import Finding

__all__ = [
    "BASELINE_VERSION",
    "SourceLines",
    "finding_keys",
    "fingerprint",
    "write_baseline",
    "filter_baseline",
]

#: Format version written to and required in baseline files.
BASELINE_VERSION = 1

Key = tuple[str, str, str]  # (path, rule, fingerprint)


class SourceLines:
    """Reads the lines of the files findings point at, each file at most once.

    Args:
        root: the folder finding paths are relative to.

    Files that cannot be read give no lines (:meth:`line` returns ``""``), so a
    deleted file never raises here.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        """Return the lines of ``root / path`` (decoded, newlines removed); ``[]`` if unreadable."""
        hit = self._lines.get(path)
        if hit is None:
            try:
                data = (self.root / path).read_bytes()
            except (OSError, ValueError):
                hit = []
            else:
                hit = decode(data).text.split("\n")
            self._lines[path] = hit
        return hit

    def line(self, path: str, line: int) -> str:
        """Return 1-based ``line`` of ``path`` without its newline, or ``""`` if out of range."""
        lines = self.lines(path)
        return lines[line - 1] if 1 <= line <= len(lines) else ""


def fingerprint(rule: str, line_text: str, message: str) -> str:
    """Return the content fingerprint of a finding: 16 hex digits of SHA-256 over the
    rule name, the source line with runs of whitespace collapsed, and the message.

    Args:
        rule: the rule's name.
        line_text: the text of the finding's first line in the file.
        message: the finding's message.
    """
    normal = " ".join(line_text.split())
    digest = hashlib.sha256("\0".join((rule, normal, message)).encode("utf-8"))
    return digest.hexdigest()[:16]


def finding_keys(findings: Iterable[Finding], source: SourceLines,
                 known: Mapping[tuple[str, int, str, str], str] | None = None,
                 ) -> list[tuple[Key, int]]:
    """Return ``((path, rule, fingerprint), occurrence)`` for each finding, in order.

    ``occurrence`` counts from 1 among earlier findings with the same key, so two
    identical findings on two identical lines get occurrences 1 and 2. ``known``
    gives fingerprints already made, by ``(path, line, rule, message)`` (the result
    cache keeps them with each page's findings): those findings' lines are not read.
    """
    seen: Counter[Key] = Counter()
    out: list[tuple[Key, int]] = []
    known = known or {}
    for f in findings:
        fp = known.get((f.path, f.line, f.rule, f.message))
        if fp is None:
            fp = fingerprint(f.rule, source.line(f.path, f.line), f.message)
        key = (f.path, f.rule, fp)
        seen[key] += 1
        out.append((key, seen[key]))
    return out


def write_baseline(findings: Sequence[Finding], path: Path, root: Path) -> int:
    """Record ``findings`` in the baseline file ``path`` and return how many were recorded.

    Source lines are read from ``root / finding.path``. The file is written
    atomically (a temporary file in the same folder, then ``os.replace``), keeps the
    mode of a file it replaces, and ends with a newline.

    Raises:
        ConfigError: the file cannot be written (one line naming it).
    """
    ordered = sorted(findings)
    counts: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    for f, (key, _) in zip(ordered, finding_keys(ordered, SourceLines(root)), strict=True):
        counts[key] += 1
        messages.setdefault(key, f.message)
    entries = [
        {"path": p, "rule": r, "fingerprint": fp, "count": counts[(p, r, fp)],
         "message": messages[(p, r, fp)]}
        for (p, r, fp) in sorted(counts)
    ]
    doc = {"tool": "playbook-lint", "version": BASELINE_VERSION, "findings": entries}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    return len(ordered)


def _load(path: Path) -> Counter[Key]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a baseline: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}: not a baseline: invalid JSON at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise ConfigError(f"{path}: not a baseline: expected an object with a 'findings' list")
    if doc.get("version") != BASELINE_VERSION:
        raise ConfigError(
            f"{path}: unsupported baseline version {doc.get('version')!r} "
            f"(expected {BASELINE_VERSION})"
        )
    counts: Counter[Key] = Counter()
    for i, entry in enumerate(doc["findings"]):
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: findings[{i}]: expected an object")
        for name in ("path", "rule", "fingerprint"):
            if not isinstance(entry.get(name), str):
                raise ConfigError(f"{path}: findings[{i}].{name}: expected a string")
        count = entry.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ConfigError(f"{path}: findings[{i}].count: expected a whole number >= 1")
        counts[(entry["path"], entry["rule"], entry["fingerprint"])] += count
    return counts


def count_entries(path: Path) -> int:
    """How many findings the baseline file ``path`` records (counts added up).

    Raises:
        ConfigError: the baseline file is missing, unreadable or not a baseline.
    """
    return sum(_load(path).values())


def filter_baseline(findings: Sequence[Finding], path: Path, root: Path) -> list[Finding]:
    """Return the findings that are not in the baseline file ``path``, in their order.

    Each baseline entry lets through (drops) up to ``count`` findings with the same
    path, rule and fingerprint; any more are reported. Source lines are read from
    ``root / finding.path``.

    Raises:
        ConfigError: the baseline file is missing, unreadable or not a baseline (one
            line naming the file).
    """
    budget = _load(path)
    kept: list[Finding] = []
    for f, (key, _) in zip(findings, finding_keys(findings, SourceLines(root)), strict=True):
        if budget[key] > 0:
            budget[key] -= 1
        else:
            kept.append(f)
    return kept
