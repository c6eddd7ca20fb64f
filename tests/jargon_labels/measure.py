"""Precision and recall of the jargon rule on the labelled sample (run by hand or by
tests/test_jargon_labels.py).

Usage: python tests/jargon_labels/measure.py CORPUS [OPTIONS_JSON] [--held-out] [-v]

A labelled hit counts as reported when the rule (built-in packs, the given options)
yields a report above info severity starting at its offset (a mention is info).
Precision = true reported / reported; recall = true reported / true labelled.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from playbook_lint.checks.prose import Jargon
from playbook_lint.document import Document
from playbook_lint.findings import Severity
from playbook_lint.packs import builtin_pack_paths, load_packs
from playbook_lint.rule import Context, RuleConfig
from playbook_lint.testing import FIXED_TODAY, MemoryWorkspace

HERE = Path(__file__).parent


@dataclass
class Score:
    """Counts for one word group: tp, fp (reported), fn (true, not reported), tn."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def labels(held_out: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Word group -> labelled hits, from ``tests/jargon_labels/*.yml`` (the tuning set)
    or ``tests/jargon_labels/heldout/*.yml`` (the held-out set)."""
    folder = HERE / "heldout" if held_out else HERE
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["hits"]
            for p in sorted(folder.glob("*.yml"))}


def score(corpus: Path, options: Mapping[str, Any] | None = None,
          held_out: bool = False) -> dict[str, Score]:
    """Score the rule with ``options`` on every labelled hit of one set; returns
    group -> Score."""
    schemas = {"jargon": Jargon.pack_entry_schema or {}}
    packs = load_packs([p for p in builtin_pack_paths() if p.name.startswith("jargon-")],
                       schemas)
    rule = Jargon(RuleConfig(options=dict(options or {}), packs=tuple(packs)))
    ctx = Context(today=FIXED_TODAY, workspace=MemoryWorkspace())
    reported: dict[str, set[tuple[int, int]]] = {}
    out: dict[str, Score] = {}
    for group, hits in labels(held_out).items():
        s = out[group] = Score()
        for h in hits:
            if h["path"] not in reported:
                doc = Document.from_path(corpus / h["path"])
                reported[h["path"]] = {doc.position(r.start) for r in rule.check(doc, ctx)
                                        if r.severity is not Severity.INFO}
            got = (h["line"], h["column"]) in reported[h["path"]]
            if got and h["verdict"]:
                s.tp += 1
            elif got:
                s.fp += 1
                s.wrong.append(f"FP {h['path']}:{h['line']}:{h['column']} {h['reason']}")
            elif h["verdict"]:
                s.fn += 1
                s.wrong.append(f"FN {h['path']}:{h['line']}:{h['column']} {h['reason']}")
            else:
                s.tn += 1
    return out


def table(scores: Mapping[str, Score]) -> str:
    """A plain-text table: group, tp, fp, fn, tn, precision, recall, and the total."""
    rows = [f"{'group':14} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'prec':>6} {'recall':>6}"]
    total = Score()
    for g, s in scores.items():
        rows.append(f"{g:14} {s.tp:4} {s.fp:4} {s.fn:4} {s.tn:4} "
                    f"{s.precision:6.1%} {s.recall:6.1%}")
        total.tp += s.tp
        total.fp += s.fp
        total.fn += s.fn
        total.tn += s.tn
    rows.append(f"{'all':14} {total.tp:4} {total.fp:4} {total.fn:4} {total.tn:4} "
                f"{total.precision:6.1%} {total.recall:6.1%}")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    opts = json.loads(argv[1]) if len(argv) > 1 and argv[1].startswith("{") else {}
    scores = score(Path(argv[0]), opts, held_out="--held-out" in argv)
    print(table(scores))
    if "-v" in argv:
        for g, s in scores.items():
            for w in s.wrong:
                print(g, w)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
