"""Heading slugs (GitHub style) and ``#fragment`` comparison.

The slug algorithm follows ``github-slugger`` (the one GitHub uses to give rendered
Markdown headings their ``id``): https://github.com/Flet/github-slugger

1. lower-case the heading's text;
2. drop every character that is not a letter, mark, number, connector punctuation
   (``_``), space or hyphen (so ``"What's new?"`` -> ``"whats new"``); non-ASCII
   letters are kept (``"Café"`` -> ``"café"``);
3. turn each space into ``-`` (runs are not collapsed: ``"a  b"`` -> ``"a--b"``);
4. a slug already used in the page gets ``-1``, ``-2``... (:class:`Slugger`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import unquote

__all__ = [
    "Slugger", "slugify", "normalize_fragment", "fragment_matches", "closest_anchor", "loose_key",
]

_KEEP_CATEGORIES = ("L", "M", "N")


def slugify(text: str) -> str:
    """Return the GitHub-style slug of a heading's plain ``text`` (no duplicate suffix).

    Args:
        text: the heading as rendered text (Markdown already stripped), any length.

    Returns:
        The slug, possibly ``""`` when the text has only punctuation.
    """
    out: list[str] = []
    for ch in text.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch == "-":
            out.append(ch)
        else:
            cat = unicodedata.category(ch)
            if cat[0] in _KEEP_CATEGORIES or cat == "Pc":
                out.append(ch)
    return "".join(out)


class Slugger:
    """Give each heading of one page a unique slug, GitHub style.

    The first ``"Intro"`` is ``intro``, the second ``intro-1``, then ``intro-2``; a
    suffixed slug that is already taken is skipped (as github-slugger does).
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        """Return the unique slug for heading ``text`` and remember it as used."""
        base = slugify(text)
        slug = base
        if slug in self._seen:
            n = self._seen[base]
            while True:
                n += 1
                slug = f"{base}-{n}"
                if slug not in self._seen:
                    break
            self._seen[base] = n
        self._seen.setdefault(slug, 0)
        return slug

    def reserve(self, anchor_id: str) -> None:
        """Mark ``anchor_id`` (e.g. an explicit ``{#id}``) as used, without returning a slug."""
        self._seen.setdefault(anchor_id, 0)


def normalize_fragment(fragment: str) -> str:
    """Return ``fragment`` without a leading ``#`` and with percent-escapes decoded.

    ``"#caf%C3%A9"`` and ``"café"`` both give ``"café"``. Invalid escapes are kept as
    written. Never raises.
    """
    if fragment.startswith("#"):
        fragment = fragment[1:]
    if "%" in fragment:
        try:
            fragment = unquote(fragment, errors="strict")
        except UnicodeDecodeError:
            pass
    return fragment


def fragment_matches(fragment: str, anchor_ids: Iterable[str]) -> bool:
    """Return True if ``fragment`` (``"#x"`` or ``"x"``, raw or percent-encoded) names one
    of ``anchor_ids``. Comparison is exact after decoding (browsers are case-sensitive).

    The empty fragment and ``top`` always match: HTML scrolls to the top for them
    (https://html.spec.whatwg.org/multipage/browsing-the-web.html#scroll-to-the-fragment-identifier).
    """
    want = normalize_fragment(fragment)
    if want in ("", "top"):
        return True
    ids = anchor_ids if isinstance(anchor_ids, (set, frozenset)) else set(anchor_ids)
    if want in ids:
        return True
    if isinstance(ids, frozenset):  # a page's anchors: decode them once, not per link
        return want in _percent_decoded(ids)
    return any(normalize_fragment(a) == want for a in ids if "%" in a)


@lru_cache(maxsize=32)
def _percent_decoded(ids: frozenset[str]) -> frozenset[str]:
    """The percent-encoded ids of ``ids``, decoded (cached: one page's anchors are
    asked about once per fragment link, 2,000 times on a page with 2,000 links)."""
    return frozenset(normalize_fragment(a) for a in ids if "%" in a)


_NOT_ALNUM = re.compile(r"[\W_]+")


def loose_key(fragment: str) -> str:
    """Return ``fragment`` decoded, lower-cased, with everything but letters and digits
    removed, so slugs from different site generators compare equal.

    GitHub turns "GOV.UK teams" into ``govuk-teams``, Redcarpet (Middleman) into
    ``gov-uk-teams``; both give ``govukteams`` here.
    """
    return _NOT_ALNUM.sub("", normalize_fragment(fragment).lower())


def closest_anchor(fragment: str, anchor_ids: Iterable[str]) -> str | None:
    """Return the anchor id most like ``fragment`` (difflib ratio >= 0.6), or None.

    A case-only difference always wins (``#Intro`` -> ``intro``). Large anchor sets
    are searched through an index (see :mod:`playbook_lint.links.suggest`).
    """
    from playbook_lint.links.suggest import closest_anchor as closest  # sub-quadratic

    return closest(normalize_fragment(fragment), anchor_ids)
