"""Merge JSON reports of several runs (``--shard K/N`` jobs) into one report.

``playbook-lint merge shard-1.json shard-2.json ... --format sarif -o all.sarif``
reads reports written with ``--format json`` and renders their findings, deduplicated
and sorted, in any format; the file count is the sum of the runs' counts (shards lint
disjoint files). A finding's JSON shape is :meth:`Finding.to_dict`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from playbook_lint.errors import UsageError
from playbook_lint.findings import Edit, EditPosition, Finding, Fix, Severity

_FIELDS = {"path", "line", "column", "end_line", "end_column", "rule", "code", "severity",
           "message", "suggestion", "fix"}


def _edit(e: Mapping[str, Any]) -> Edit:
    """The :class:`Edit` of one JSON edit, with its position when it has one."""
    position = None
    if "line" in e:
        position = EditPosition(int(e["line"]), int(e["column"]), int(e["end_line"]),
                                int(e["end_column"]), str(e.get("newline", "\n")))
    return Edit(int(e["start"]), int(e["end"]), str(e["replacement"]), position=position)


def finding_from_dict(d: Mapping[str, Any]) -> Finding:
    """The :class:`Finding` whose :meth:`~Finding.to_dict` is ``d``.

    Raises:
        KeyError, TypeError, ValueError: ``d`` is not a finding's JSON shape.
    """
    fix = None
    if d.get("fix"):
        fx = d["fix"]
        fix = Fix(str(fx["title"]), tuple(_edit(e) for e in fx["edits"]),
                  safe=bool(fx.get("safe", True)))
    return Finding(
        path=str(d["path"]), line=int(d["line"]), column=int(d["column"]), rule=str(d["rule"]),
        code=str(d.get("code") or ""), severity=Severity.parse(str(d["severity"])),
        message=str(d["message"]),
        end_line=None if d.get("end_line") is None else int(d["end_line"]),
        end_column=None if d.get("end_column") is None else int(d["end_column"]),
        suggestion=d.get("suggestion"), fix=fix,
        data={k: v for k, v in d.items() if k not in _FIELDS},
    )


def merge_reports(paths: Sequence[Path]) -> tuple[list[Finding], int, list[str]]:
    """Read JSON reports and return ``(findings, files, messages)``: findings
    deduplicated and sorted, file counts added up, run messages once each.

    Raises:
        UsageError: a file that cannot be read or is not a playbook-lint JSON report
            (the message names it).
    """
    findings: dict[tuple[Any, ...], Finding] = {}
    files = 0
    messages: dict[str, None] = {}
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            items: Iterable[Mapping[str, Any]] = doc["findings"]
            for item in items:
                f = finding_from_dict(item)
                findings.setdefault((f.path, f.line, f.column, f.rule, f.message), f)
            files += int(doc.get("files", 0))
            messages.update(dict.fromkeys(str(m) for m in doc.get("messages", [])))
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: not a playbook-lint JSON report ({exc})") from None
    return sorted(findings.values()), files, list(messages)
