"""Guess the part of speech of one word from its neighbours (for the ``when: pos``
condition of jargon pack entries).

This is a small rule-based guesser, not a tagger: it reads the two words before and
the word after a match inside its sentence and answers ``"noun"``, ``"verb"``,
``"adjective"`` or None (cannot tell). It knows only English *closed-class* words
(determiners, pronouns, modal and auxiliary verbs, prepositions, conjunctions), the
grammar every sentence shares, and nothing about any jargon word, so a pack can put
``pos`` on any entry. It was measured against a statistical tagger on the labelled
sample in ``tests/jargon_labels`` (see that folder's measure scripts and the
``Jargon`` rule docstring): the guesser won on precision and recall for the words
the packs condition (``impact``, ``impacts``, ``key``).

Sources of the closed classes: the Penn Treebank tag set's DT/PDT/PRP/PRP$/MD/IN/CC
classes (https://www.ling.upenn.edu/courses/Fall_2003/ling001/penn_treebank_pos.html).
"""

from __future__ import annotations

import re

__all__ = ["guess_pos", "neighbours"]

_DETERMINERS = frozenset(
    "a an the this these those its their our your his her my each every any some no "
    "another such much more most less least whose either neither both all half "
    "many few several one two three four five six seven eight nine ten".split()
)
# (cardinal numbers are determiners too: "four impact levers", "3 key steps")
# words after which a verb (base or -s form) is expected
_VERB_BEFORE = frozenset(
    "to will would can could may might must shall should does do did don't doesn't "
    "didn't won't wouldn't can't cannot couldn't shouldn't mustn't i we you they he she "
    "who which not never also often always rarely seldom directly indirectly further "
    "won't".split()
)
# auxiliaries and copulas: an adjective (predicative) or participle follows them
_COPULAS = frozenset(
    "is are was were be been being am remain remains remained seem seems seemed "
    "become becomes became isn't aren't wasn't weren't".split()
)
# words that start a verb's object (so the word before them is likely a verb)
_OBJECT_START = frozenset(
    "the a an our your their its his her my them us me him this these those millions "
    "thousands hundreds many every each all both people users".split()
)
# function words that follow a noun rather than an attributive adjective
_AFTER_NOUN = frozenset(
    "of on in for to with from by at as is was are were will would can could may might "
    "should must has have had that which who and or but than so if when while because "
    "it they we you he she be been being into onto upon about over under between "
    "across through".split()
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*|\d[\w.,]*")
_BOUNDARY = re.compile(r"[.!?;:()\[\]|]|\n\s*\n")


def neighbours(prose: str, start: int, end: int) -> tuple[list[str], str | None, str]:
    """The words around ``prose[start:end]`` inside its sentence.

    Returns:
        ``(before, after, punct)``: up to two lower-case words before the span,
        nearest last; the lower-case word after it (None at the end of the sentence);
        the first non-space character after the span ("" at the end of the text).
    """
    lo = max(0, start - 200)
    head = prose[lo:start]
    cut = None
    for b in _BOUNDARY.finditer(head):
        cut = b.end()
    if cut is not None:
        head = head[cut:]
    before = [w.lower().replace("\u2019", "'") for w in _WORD.findall(head)][-2:]
    tail = prose[end:end + 120]
    stripped = tail.lstrip(" \t\n*_\"'\u201c\u201d")
    punct = stripped[:1]
    nxt = _WORD.match(stripped)
    stop = _BOUNDARY.search(tail)
    after = None
    if nxt is not None and not (stop is not None and stop.start() < tail.find(nxt.group())):
        after = nxt.group().lower().replace("\u2019", "'")
    return before, after, punct


def guess_pos(prose: str, start: int, end: int) -> frozenset[str]:
    """Guess the parts of speech the word ``prose[start:end]`` may have in its context.

    Args:
        prose: the document's prose (non-prose blanked, see :mod:`playbook_lint.scope`).
        start, end: character offsets of the word (or phrase) in ``prose``.

    Returns:
        a set of ``"noun"``, ``"verb"``, ``"adjective"``: ``{"verb"}`` after a modal,
        ``to``, a subject pronoun or an adverb in -ly, or before a determiner or object
        pronoun; ``{"noun"}`` after a determiner or possessive and before a function
        word or the end of the sentence (``the impact of``); ``{"adjective"}`` in
        attributive position (``a key part``, ``on key tools``) or after a copula
        (``is key``); a word ending in -ed or -ing after a copula is a ``verb``. When
        the context says nothing, every part of speech the position allows.
    """
    before, after, _ = neighbours(prose, start, end)
    p1 = before[-1] if before else None
    p2 = before[-2] if len(before) > 1 else None
    word = prose[start:end].lower()
    participle = word.endswith(("ed", "ing"))
    content_after = after is not None and after not in _AFTER_NOUN \
        and after not in _DETERMINERS and after not in _COPULAS
    if p1 is not None and (p1 in _DETERMINERS or p1.endswith(("'s", "s'"))
                           or p1[:1].isdigit()):
        # "the impact of", "a key part", "our key tools", "its impact"
        return _ADJ if content_after else _NOUN
    if p1 in _COPULAS:
        # "is key", "were key as"; "be impacted" is a verb
        return _VERB if participle else _ADJ
    if p1 in _VERB_BEFORE or (p1 is not None and p1.endswith("ly") and len(p1) > 4
                              and p2 not in _DETERMINERS):
        return _VERB
    if after in _OBJECT_START:
        return _VERB
    if p1 in _PREPOSITIONS:
        # "on key tools" (attributive), "for greater impact" (noun)
        return _ADJ if content_after else _NOUN
    if after is None or after in _AFTER_NOUN:
        return _NOUN
    return _ANY


_NOUN = frozenset({"noun"})
_VERB = frozenset({"verb"})
_ADJ = frozenset({"adjective"})
_ANY = frozenset({"noun", "verb", "adjective"})
_PREPOSITIONS = frozenset(
    "of on in for with from by at as into onto upon about over under between across "
    "through among around during without within via per and or but".split()
)
