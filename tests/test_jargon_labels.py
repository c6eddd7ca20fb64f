"""The jargon rule on the labelled sample of conditional words (tests/jargon_labels).

The sample is 270 raw matches of impact, key, agenda, deliver and other words whose
source lists give a condition, drawn with a seed by tests/jargon_labels/sample.py and
judged by reading the source. The counts below are the measured result: a change that
reports a hit labelled false, or loses one labelled true, changes them and must say
why (update the counts and the figures in the rule's docstring together).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "jargon_labels"))

from measure import labels, score  # noqa: E402


def test_labels_are_well_formed() -> None:
    groups = labels()
    hits = [h for g in groups.values() for h in g]
    assert len(hits) == 270
    assert sum(h["verdict"] for h in hits) == 129
    for h in hits:
        assert set(h) == {"path", "line", "column", "word", "verdict", "reason"}
        assert isinstance(h["verdict"], bool) and h["reason"]


def test_precision_and_recall_on_the_labelled_sample(corpus: Path) -> None:
    scores = score(corpus)
    got = {g: (s.tp, s.fp, s.fn, s.tn) for g, s in scores.items()}
    assert got == {
        "agenda": (1, 0, 1, 28),
        "deliver": (13, 2, 4, 31),
        "foster": (9, 0, 0, 1),
        "going-forward": (9, 0, 0, 1),
        "impact": (12, 2, 0, 46),
        "key": (33, 0, 3, 24),
        "leverage": (10, 0, 0, 0),
        "robust": (9, 0, 0, 1),
        "tackle": (10, 0, 0, 0),
        "touchpoint": (5, 0, 0, 5),
        "utilize": (10, 0, 0, 0),
    }
    tp = sum(s.tp for s in scores.values())
    fp = sum(s.fp for s in scores.values())
    assert tp / (tp + fp) >= 0.9


def test_held_out_labels_are_well_formed() -> None:
    hits = [h for g in labels(held_out=True).values() for h in g]
    assert (len(hits), sum(h["verdict"] for h in hits)) == (135, 69)


def test_precision_and_recall_on_the_held_out_sample(corpus: Path) -> None:
    # labelled after the packs were tuned on the first set; first measured at
    # P 88.4% R 88.4% (main before this work: P 65.3% R 89.9%)
    scores = score(corpus, held_out=True)
    tp, fp, fn = (sum(getattr(s, k) for s in scores.values()) for k in ("tp", "fp", "fn"))
    assert (tp, fp, fn) == (61, 4, 8)
    assert tp / (tp + fp) >= 0.9
