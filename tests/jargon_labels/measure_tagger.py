"""The same measurement as measure.py, with the ``when: pos`` condition decided by a
statistical tagger instead of the built-in context guesser (run by hand).

Usage: python tests/jargon_labels/measure_tagger.py CORPUS [--held-out]

The tagger is TextBlob's PatternTagger (PyPI ``textblob``; its Brill lexicon and rules
ship inside the package, no download at run time). Install it first:
``pip install textblob``. Each match's sentence (split at . ! ? ; : and blank
lines) is tagged and the Penn tag of the matched word mapped: NN* -> noun,
VB* -> verb, JJ* -> adjective.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from measure import score, table  # type: ignore[import-not-found]
from textblob.en.taggers import PatternTagger  # type: ignore[import-not-found]

import playbook_lint.checks.prose as prose_rule

_TAGGER = PatternTagger()
_BOUND = re.compile(r"[.!?;:]\s|\n\s*\n")


def tagger_pos(prose: str, start: int, end: int) -> frozenset[str]:
    """Parts of speech of ``prose[start:end]`` according to PatternTagger."""
    lo = 0
    for m in _BOUND.finditer(prose, max(0, start - 300), start):
        lo = m.end()
    hi_m = _BOUND.search(prose, end, end + 300)
    hi = hi_m.start() if hi_m else min(len(prose), end + 300)
    left = prose[max(lo, start - 300):start]
    n = len(re.findall(rf"(?<!\w){re.escape(prose[start:end])}(?!\w)", left, re.I))
    k = -1
    for word, tag in _TAGGER.tag(left + prose[start:hi]):
        if word.lower() == prose[start:end].lower():
            k += 1
            if k == n:
                if tag.startswith("NN"):
                    return frozenset({"noun"})
                if tag.startswith("VB"):
                    return frozenset({"verb"})
                if tag.startswith("JJ"):
                    return frozenset({"adjective"})
                return frozenset()
    return frozenset()


if __name__ == "__main__":
    prose_rule.guess_pos = tagger_pos  # type: ignore[assignment]
    print(table(score(Path(sys.argv[1]), held_out="--held-out" in sys.argv)))
