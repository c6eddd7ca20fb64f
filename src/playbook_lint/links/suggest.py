""""Did you mean" for broken ``#fragment`` links, in sub-quadratic time.

:func:`closest_anchor` picks the anchor id most like a fragment by
:func:`difflib.get_close_matches` (ratio >= 0.6), as before. Scoring every anchor
for every broken fragment was quadratic: a page with 2,000 headings and 2,000
broken fragments took 17 s, 4,000 of each 60 s. Now each set of anchors is indexed
once (cached for the run) and each fragment is scored against a few candidates
only:

- a case-only difference is a dictionary lookup;
- on sets of up to :data:`SMALL` anchors every anchor is a candidate (so results
  on ordinary pages are exactly difflib's);
- on larger sets the candidates are the :data:`CANDIDATES` anchors sharing the most
  character trigrams with the fragment, counting only trigrams that are not common
  (held by at most ``max(SMALL, 4 * sqrt(n))`` anchors), among anchors whose length
  allows a ratio of 0.6 at all (between 3/7 and 7/3 of the fragment's).

The candidate cut can miss a best match that shares no uncommon trigram with the
fragment; then the suggestion is the best of the candidates or none. A suggestion
is advice (and its fix unsafe), so this trades a rare missed hint for bounded time.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["AnchorIndex", "closest_anchor", "CANDIDATES", "SMALL"]

#: Anchor sets up to this size are scanned in full (exactly difflib's answer).
SMALL = 64
#: How many candidates a fragment is scored against in a larger set.
CANDIDATES = 8
#: difflib's cutoff: the least ratio that counts as "like".
CUTOFF = 0.6


def _grams(text: str) -> set[str]:
    padded = f"\x00{text.lower()}\x00"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class AnchorIndex:
    """The anchor ids of one page, indexed for :meth:`closest`.

    Args:
        ids: the page's anchor ids (any iterable of strings; duplicates ignored).
    """

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids: list[str] = sorted(set(ids))
        self._by_lower: dict[str, str] = {}
        for a in self.ids:  # sorted: the first of several case variants wins, as before
            self._by_lower.setdefault(a.lower(), a)
        self._postings: dict[str, list[int]] = {}
        self._cap = 0
        if len(self.ids) > SMALL:
            for i, a in enumerate(self.ids):
                for g in _grams(a):
                    self._postings.setdefault(g, []).append(i)
            self._cap = max(SMALL, int(4 * math.sqrt(len(self.ids))))

    def closest(self, want: str) -> str | None:
        """Return the anchor id most like ``want`` (an already decoded fragment), or
        None when none reaches difflib ratio 0.6. A case-only difference always wins."""
        hit = self._by_lower.get(want.lower())
        if hit is not None:
            return hit
        if len(self.ids) <= SMALL:
            candidates = self.ids
        else:
            candidates = self._candidates(want)
        best = difflib.get_close_matches(want, candidates, n=1, cutoff=CUTOFF)
        return best[0] if best else None

    def _candidates(self, want: str) -> list[str]:
        lo = math.ceil(len(want) * CUTOFF / (2 - CUTOFF))
        hi = math.floor(len(want) * (2 - CUTOFF) / CUTOFF)
        counts: Counter[int] = Counter()
        for g in _grams(want):
            posting = self._postings.get(g)
            if posting is not None and len(posting) <= self._cap:
                counts.update(posting)
        out: list[str] = []
        for i, _ in counts.most_common():
            a = self.ids[i]
            if lo <= len(a) <= hi:
                out.append(a)
                if len(out) == CANDIDATES:
                    break
        return out


@lru_cache(maxsize=32)
def _index_for(ids: frozenset[str]) -> AnchorIndex:
    return AnchorIndex(ids)


def closest_anchor(want: str, anchor_ids: Iterable[str]) -> str | None:
    """Return the anchor id most like the decoded fragment ``want``, or None.

    ``anchor_ids`` given as a ``frozenset`` (as pages' anchors are) is indexed once
    and the index reused for every later fragment of that set.
    """
    if isinstance(anchor_ids, frozenset):
        return _index_for(anchor_ids).closest(want)
    return AnchorIndex(anchor_ids).closest(want)
