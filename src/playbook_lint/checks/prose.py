"""Prose rules: ``jargon`` (PL301), driven by word-list packs in ``rules/jargon-*.yml``.

How matching works (the rule's user documentation is the :class:`Jargon` docstring):

- Every form of every active term (listed spelling, its -ise/-ize twin, and -s/-ed/-ing
  forms of the word ``inflect`` names) goes into one character trie, compiled once into
  a single case-insensitive regular expression, run once over ``Document.prose``.
- Word boundaries: a match may not touch a Unicode letter, digit or combining mark, nor
  a hyphen, underscore, dot or apostrophe that joins it to one (``roll-off``,
  ``snake_case``, ``file.md``, ``don't``); a possessive ``'s`` may follow.
- Between the words of a phrase: any run of spaces and at most one line break (so a
  blank line, i.e. a new paragraph, ends a phrase).
- Several entries may share a form; the best is used: strong before weak, the listed
  spelling before its twin, an entry with replacements before one without, then pack
  and entry order. An entry whose exception pattern covers the match is skipped.
- Two built-in heuristics skip a match: a word quoted on both sides (``"utilise"``,
  a mention rather than a use) and a capitalised word continuing a capitalised name or
  title mid-sentence (``Technology Transformation Services``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from playbook_lint.checks.context import QuoteSpans as _QuoteSpans
from playbook_lint.checks.context import in_title, mentioned
from playbook_lint.checks.context import lone_name as _lone_name
from playbook_lint.checks.wordclass import guess_pos
from playbook_lint.findings import Edit, Fix, RawFinding, Severity
from playbook_lint.lazyre import lazy_compile
from playbook_lint.packregex import PackPattern, compile_pack_regex
from playbook_lint.rule import Context, Rule, RuleConfig

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["Jargon", "JARGON_ENTRY_SCHEMA", "inflect", "match_case"]

#: JSON Schema of one entry of a ``rule: jargon`` pack.
JARGON_ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["terms", "strength"],
    "properties": {
        "terms": {
            "description": "Words or phrases to flag, as written (matched case-insensitively, "
            "whole words, any run of spaces or one line break between words).",
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": r"^\S(.*\S)?$"},
        },
        "replacements": {
            "description": "Plainer words, best first; empty or absent: omit or rephrase.",
            "type": "array",
            "items": {"type": "string"},
        },
        "strength": {
            "description": "strong: reported by default; weak: only with strength = weak.",
            "enum": ["strong", "weak"],
        },
        "safe": {
            "description": "True when the first replacement can replace the term without "
            "changing meaning or grammar (offered as a safe fix).",
            "type": "boolean",
        },
        "inflect": {
            "description": "Which word of each term also matches as -s/-ed/-ing "
            "(and -ise/-ize spellings): first (default), last or none.",
            "enum": ["first", "last", "none"],
        },
        "exceptions": {
            "description": "Regular expressions (case-insensitive, searched in the prose "
            "around the match); a match of one that covers the whole term excuses it.",
            "type": "array",
            "items": {"type": "string", "format": "regex"},
        },
        "advice": {
            "description": "What to do instead, for entries without replacements "
            "(default: omit it or rephrase); shown in the message.",
            "type": "string",
        },
        "note": {"description": "Background, e.g. when the term is fine (JSON output only).",
                 "type": "string"},
        "when": {
            "description": "Conditions written in the source list, as data: the entry "
            "reports a match only when they hold (see the rule's documentation).",
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                "pos": {
                    "description": "Parts of speech the matched word must have (guessed "
                    "from the words around it): the list's \"as a verb\", \"unless it "
                    "unlocks something\" (adjective).",
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": ["noun", "verb", "adjective"]},
                },
                "unless-near": {
                    "description": "Words that give the listed exception's sense (the "
                    "list's \"unless it's for a meeting\"): a match is excused when one of "
                    "them (or its plural) is in the same paragraph.",
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "pattern": r"^\S(.*\S)?$"},
                },
                "otherwise": {
                    "description": "What a match that fails the condition becomes: skip "
                    "(default: not reported) or weak (reported only with strength = weak).",
                    "enum": ["skip", "weak"],
                },
            },
        },
    },
    "if": {"properties": {"safe": {"const": True}}, "required": ["safe"]},
    "then": {
        "required": ["replacements"],
        "properties": {"replacements": {"minItems": 1}},
    },
}

_OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "strength": {"enum": ["strong", "weak"]},
        "packs": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "quoted": {"type": "boolean"},
    },
}

# -- word boundaries -------------------------------------------------------------
# A "word character" is a Unicode letter or digit or a combining mark; hyphens,
# underscores, apostrophes and dots between word characters join a compound.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0903" \
    "\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_W = r"[^\W_]"
_JOIN = "-\u2010\u2011_.'\u2019"
_LEFT = rf"(?<!{_W})(?<![{_MARKS}])(?<!{_W}[{_JOIN}])"
#: ``_LEFT`` read after the first character of a match (each lookbehind one character
#: longer, ending in that character): put after a match's first character, it lets
#: the regex engine skip to the characters a term can start with (see _trie_pattern).
_LEFT_AFTER_FIRST = rf"(?<!{_W}(?s:.))(?<![{_MARKS}](?s:.))(?<!{_W}[{_JOIN}](?s:.))"
_RIGHT = rf"(?!{_W}|[{_MARKS}]|[-\u2010\u2011_.]{_W}|['\u2019](?!s\b){_W})"
_SEP = r"(?:[^\S\n]*\n[^\S\n]*|[^\S\n]+)"
_PIECES = {" ": _SEP, "-": "[-\u2010\u2011]", "'": "['\u2019]"}
_WS = re.compile(r"\s+")
#: What starts a new item or block on a line (list markers, table row, heading); a
#: hard break (two spaces or a backslash) ends a line as a reader sees it.
_NEW_BLOCK = lazy_compile(globals(), r"[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|\||#{1,6}[ \t])")


def _crosses_block(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` runs from one block or list item into the next, or
    across a hard line break: the words are not one phrase as a reader sees them."""
    pos = text.find("\n", start, end)
    while pos != -1:
        before = text[text.rfind("\n", 0, pos) + 1:pos]
        if before.endswith(("  ", "\\")) or _NEW_BLOCK.match(text, pos + 1):
            return True
        pos = text.find("\n", pos + 1, end)
    return False
_VOWELS = "aeiou"

# Irregular replacement verbs: base -> (past, past participle). Used only to inflect a
# suggestion (e.g. "commenced" -> "began"); when the two differ the -ed form is ambiguous
# and no inflected suggestion is made.
_IRREGULAR: dict[str, tuple[str, str]] = {
    "begin": ("began", "begun"), "build": ("built", "built"), "buy": ("bought", "bought"),
    "choose": ("chose", "chosen"), "cut": ("cut", "cut"), "do": ("did", "done"),
    "find": ("found", "found"), "get": ("got", "got"), "give": ("gave", "given"),
    "go": ("went", "gone"), "have": ("had", "had"), "keep": ("kept", "kept"),
    "leave": ("left", "left"), "let": ("let", "let"), "lose": ("lost", "lost"),
    "make": ("made", "made"), "meet": ("met", "met"), "pay": ("paid", "paid"),
    "put": ("put", "put"), "run": ("ran", "run"), "say": ("said", "said"),
    "see": ("saw", "seen"), "send": ("sent", "sent"), "set": ("set", "set"),
    "show": ("showed", "shown"), "spend": ("spent", "spent"), "take": ("took", "taken"),
    "tell": ("told", "told"), "write": ("wrote", "written"), "think": ("thought", "thought"),
    "bind": ("bound", "bound"), "hold": ("held", "held"), "mean": ("meant", "meant"),
}


# Two-syllable verbs stressed on the last syllable, which double their final consonant.
_DOUBLE = frozenset({
    "admit", "begin", "commit", "compel", "control", "equip", "forget", "occur", "omit",
    "permit", "prefer", "refer", "regret", "submit", "transfer", "transmit", "upset",
})


def _cvc(word: str) -> bool:
    """True if ``word`` ends consonant-vowel-consonant (not w, x, y)."""
    return (
        len(word) >= 3
        and word[-1] not in _VOWELS + "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
        and word[-1].isalpha()
    )


def inflect(word: str, kind: str, *, double: bool | None = None) -> str | None:
    """Return the regular English ``kind`` form of ``word`` (lower case).

    Args:
        word: a base form, e.g. ``"use"``.
        kind: ``""`` (base), ``"s"``, ``"ed"`` or ``"ing"``.
        double: double a final consonant (``stop`` -> ``stopped``); None decides by
            syllables (one vowel group and consonant-vowel-consonant ending).

    Returns:
        the form, e.g. ``inflect("use", "ing") == "using"``, or None for an irregular
        verb whose past and past participle differ (``"begin", "ed"``).

    Raises:
        ValueError: for an unknown ``kind``.
    """
    w = word
    if kind == "":
        return w
    lw = w.lower()
    if double is None:
        double = lw in _DOUBLE or (_cvc(lw) and len(re.findall(f"[{_VOWELS}]+", lw)) == 1)
    if kind == "s":
        if lw.endswith("y") and len(lw) > 1 and lw[-2] not in _VOWELS:
            return w[:-1] + "ies"
        if lw.endswith(("s", "x", "z", "ch", "sh")) or lw in ("go", "do"):
            return w + "es"
        return w + "s"
    if kind == "ed":
        if lw in _IRREGULAR:
            past, part = _IRREGULAR[lw]
            return past if past == part else None
        if lw.endswith("e"):
            return w + "d"
        if lw.endswith("y") and len(lw) > 1 and lw[-2] not in _VOWELS:
            return w[:-1] + "ied"
        return w + w[-1] + "ed" if double else w + "ed"
    if kind == "ing":
        if lw.endswith("ie"):
            return w[:-2] + "ying"
        if lw.endswith("e") and not lw.endswith(("ee", "ye", "oe")) and len(lw) > 2:
            return w[:-1] + "ing"
        return w + w[-1] + "ing" if double else w + "ing"
    raise ValueError(f"unknown inflection {kind!r}")


def _spellings(word: str) -> list[str]:
    """``word`` plus its -ise/-ize (-isation/-ization, -yse/-yze) other spelling."""
    out = [word]
    for a, b in (("isation", "ization"), ("ization", "isation"), ("ise", "ize"),
                 ("ize", "ise"), ("yse", "yze"), ("yze", "yse")):
        if word.endswith(a) and len(word) > len(a) + 2:
            out.append(word[: -len(a)] + b)
            break
    return out


def _forms(term: str, where: str) -> list[tuple[str, str, bool]]:
    """All ``(form, kind, respelt)`` a term matches: kind is "", "s", "ed" or "ing";
    respelt is True for the -ise/-ize twin of the listed spelling."""
    words = term.split(" ")
    idx = {"first": 0, "last": len(words) - 1}.get(where)
    out: list[tuple[str, str, bool]] = []
    seen: set[str] = set()

    def add(form: str, kind: str, respelt: bool) -> None:
        key = form.lower()
        if key not in seen:
            seen.add(key)
            out.append((form, kind, respelt))

    variants = [words]
    if idx is not None:
        variants = [words[:idx] + [s] + words[idx + 1:] for s in _spellings(words[idx])]
    for n, ws in enumerate(variants):
        add(" ".join(ws), "", n > 0)
        if idx is None:
            continue
        base = ws[idx]
        if not base[-1:].isalpha():
            continue
        for kind in ("s", "ed", "ing"):
            for dbl in (False, True) if _cvc(base.lower()) else (False,):
                form = inflect(base, kind, double=dbl)
                if form:
                    add(" ".join(ws[:idx] + [form] + ws[idx + 1:]), kind, n > 0)
    return out


def _norm(text: str) -> str:
    """The lookup key of a matched or listed form: lower case, single spaces, ASCII
    hyphens and apostrophes."""
    text = _WS.sub(" ", text.strip()).lower()
    return text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2019", "'")


def _ascii_or_uncased(text: str) -> bool:
    """True if every character of ``text`` is ASCII or has no case (``c.lower() == c ==
    c.upper()``): then ``text.lower()`` changes ``A-Z`` alone and keeps its length."""
    if text.isascii():
        return True
    return all(c.isascii() or c.lower() == c == c.upper() for c in set(text))


def _trie_pattern(keys: Sequence[str], left: str = "") -> str:
    """One regular expression matching any of ``keys`` (longest first), as a
    character trie so that matching costs about the same for 10 or 2,000 terms.

    ``left`` (a zero-width assertion) is put after the first character of each
    match: ``_LEFT_AFTER_FIRST`` there is ``_LEFT`` before the match, and a pattern
    that starts with its first characters' alternatives lets the regex engine skip
    the positions no term starts at (spaces, most of a page's blanked markup)
    instead of trying the lookbehinds at each."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [
            _PIECES.get(ch, re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch != ""
        ]
        if not alts:
            return ""
        optional = "" in node
        if len(alts) == 1 and not optional:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if optional else "")

    if not left:
        return build(trie)
    return "(?:" + "|".join(
        _PIECES.get(ch, re.escape(ch)) + left + build(child)
        for ch, child in sorted(trie.items()) if ch != "") + ")"


#: The pattern's flexible pieces of a term, between its words (a space matches any
#: run of blanks, a hyphen or apostrophe its Unicode twins: see _PIECES).
_PIECE = re.compile(r"[ '-]")
#: Pages of one rule whose lower-cased scan compiles a pattern of their own terms
#: (see Jargon._matches); later ones share the pattern of every term.
SUBSET_SCANS = 3


def _terms_source(keys: Sequence[str]) -> str:
    """The source of the pattern matching ``keys`` (sorted lookup keys) as whole
    words (see _trie_pattern)."""
    if "" in keys:  # (an empty term has no first character)
        return _LEFT + "(?:" + _trie_pattern(keys) + ")" + _RIGHT
    return _trie_pattern(keys, left=_LEFT_AFTER_FIRST) + _RIGHT  # the same, faster


def match_case(replacement: str, matched: str) -> str:
    """Return ``replacement`` in the case of ``matched``: ALL CAPS when the match is all
    capitals (two or more letters), a capital first letter when the match has one,
    else as written in the pack. ``match_case("use", "Utilise") == "Use"``."""
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters and matched.lstrip()[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@dataclass(frozen=True)
class _Entry:
    pack: str
    label: str
    order: int
    strength: str
    replacements: tuple[str, ...]
    safe: bool
    inflect: str
    exceptions: tuple[PackPattern, ...]
    advice: str | None
    note: str | None
    pos: frozenset[str] = frozenset()
    near: re.Pattern[str] | None = None
    otherwise: str = "skip"


def _pack_label(description: str, name: str) -> str:
    """A pack's short label: its description up to the first colon or full stop."""
    head = re.split(r"[:.](?:\s|$)", description.strip(), maxsplit=1)[0].strip()
    return head if 0 < len(head) <= 60 else name


class Jargon(Rule):
    """Flag jargon and bureaucratic words, and suggest plain ones.

    **What it does.** Finds the words and phrases of the enabled word-list packs
    (``rules/jargon-*.yml``: GOV.UK "words to avoid", plainlanguage.gov "use simple
    words and phrases", the 18F Content Guide's words to avoid) in the prose of a page:
    never in front matter, code, URLs, link destinations or HTML attributes (see
    :mod:`playbook_lint.scope`). Matching is case-insensitive, whole words only
    (Unicode-aware; a hyphenated compound is one word), finds inflections
    (``utilise``, ``utilises``, ``utilised``, ``utilising``, ``utilize``) and
    finds phrases across line breaks and runs of spaces. A term is excused when one of
    its entry's exception patterns covers it (``deliver`` services, an API ``key``),
    or when the entry's ``when`` condition (the list's own "as a verb", "unless it
    unlocks something") does not hold: ``when: {pos: [verb]}`` reports ``impact`` in
    "this will impact users" but not in "the impact of the change"; the part of
    speech is guessed from the neighbouring words (determiners, modals, pronouns,
    copulas, prepositions; :mod:`playbook_lint.checks.wordclass`).

    Not reported: words inside a blockquote (GitHub alert callouts ``> [!NOTE]`` are
    the author's own and are checked) or in quotation marks, which are someone
    else's words; a capitalised word mid-sentence in sentence-case text, which is a
    name (``add the Touchpoints survey``); a capitalised word continuing or starting
    a capitalised name (``President's Management Agenda``); a word of a title cited
    mid-line in emphasis, parentheses or quotation marks, every long word capitalised
    (``(_Streamlining Service Delivery_)``).

    A word that is *mentioned* rather than used (a style guide's own list: the whole
    of an emphasis span, the subject of a list item that glosses it as in
    ``- utilize (use _use_)`` or ``- impact or impactful``, a definition-list term,
    a table cell holding only the word) is reported as ``info``, without a fix.

    **Why it matters.** Jargon and figurative words slow readers down and exclude
    people with lower literacy or who read English as a second language; GOV.UK notes
    that 1 in 6 adults in England have very poor literacy skills.

    **Example.** ``We will utilise the form to leverage our key assets.``

    **Use instead.** ``We will use the form to ...`` and say what actually happens.

    **Fix.** Each finding suggests the first replacement in the matched case
    (``Utilise`` -> ``Use``, ``UTILISE`` -> ``USE``; ``utilised`` -> ``used``). When the
    pack marks the swap safe (one replacement that keeps the meaning, e.g. ``utilise``
    -> ``use``, ``in order to`` -> ``to``) a safe fix with one edit is attached.

    **Options.** ``strength = "weak"`` also reports weak terms (common words that are
    jargon only in some sentences) and the senses an entry keeps for it
    (``when: {otherwise: weak}``); ``packs = {name = false}`` turns a pack off (or
    on); ``quoted = true`` also reports words in blockquotes and quotations.

    **Pack entries.** ``terms``, ``replacements``, ``strength``, ``safe``,
    ``inflect``, ``exceptions`` (regular expressions that excuse a match they cover),
    ``advice``, ``note`` and ``when``: ``pos`` (a list of ``noun``, ``verb``,
    ``adjective``: the match must have one of them) and ``otherwise`` (``skip``, the
    default, or ``weak``).

    **Measured.** On labelled samples of raw matches of the conditional words
    (``tests/jargon_labels``): a held-out set of 135, labelled after the packs were
    tuned, 93.8% precision and 88.4% recall (65.3% and 89.9% before conditions were
    data); the tuning set of 270, 96.8% and 93.8% (60.9% and 90.7% before). Deciding
    ``pos`` with TextBlob's PatternTagger instead of the context guesser: 85.7% and
    78.3% on the held-out set, 93.3% and 86.0% on the tuning set.

    **Source.** https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#words-to-avoid,
    https://www.plainlanguage.gov/guidelines/words/use-simple-words-phrases/,
    https://content-guide.18f.gov/our-approach/plain-language/
    """

    name: ClassVar[str] = "jargon"
    code: ClassVar[str] = "PL301"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Jargon and bureaucratic words, with plain replacements"
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = JARGON_ENTRY_SCHEMA
    options_schema: ClassVar[Mapping[str, Any] | None] = _OPTIONS_SCHEMA

    def __init__(self, config: RuleConfig | None = None) -> None:
        """Compile every active term of every enabled pack into one pattern.

        Args:
            config: options ``strength`` (``"strong"``/``"weak"``) and ``packs``
                (pack name -> bool); packs whose ``rule`` is ``jargon``. Unknown or
                ill-typed options fall back to the defaults (config loading validates
                them against :attr:`options_schema` and reports the error).
        """
        super().__init__(config)
        opts = self.config.options
        include_weak = opts.get("strength") == "weak"
        self._include_weak = include_weak
        self._quoted = opts.get("quoted") is True
        toggles = opts.get("packs")
        toggles = toggles if isinstance(toggles, Mapping) else {}
        # form -> candidates (rank, entry, inflection kind), best first: strong before weak,
        # the listed spelling before its -ise/-ize twin, entries with replacements before
        # those without, then pack and entry order.
        self._lookup: dict[str, list[tuple[tuple[bool, bool, bool, int], _Entry, str]]] = {}
        order = 0
        from playbook_lint.packs import builtin_pack_dir

        shipped = builtin_pack_dir().resolve()
        for pack in self.config.packs:
            if pack.rule != self.pack_key() or not toggles.get(pack.name, pack.enabled):
                continue
            # the built-in packs' patterns are compiled by the tests: compile them on
            # first use, so a one-file run pays only for what it meets
            builtin = Path(pack.path).resolve().parent == shipped
            label = _pack_label(pack.description, pack.name)
            for index, raw in enumerate(pack.entries):
                strength = raw.get("strength", "strong")
                if strength == "weak" and not include_weak:
                    continue
                order += 1
                entry = _Entry(
                    pack=pack.name,
                    label=label,
                    order=order,
                    strength=strength,
                    replacements=tuple(raw.get("replacements", ())),
                    safe=bool(raw.get("safe", False)),
                    inflect=raw.get("inflect", "first"),
                    exceptions=tuple(  # a user pack's patterns run with a time bound
                        compile_pack_regex(
                            x, re.IGNORECASE, lazy=builtin,
                            where=f"{pack.path}: entries[{index}].exceptions[{j}]")
                        for j, x in enumerate(raw.get("exceptions", ()))
                    ),
                    advice=raw.get("advice"),
                    note=raw.get("note"),
                    pos=frozenset((raw.get("when") or {}).get("pos", ())),
                    near=_near_pattern((raw.get("when") or {}).get("unless-near", ())),
                    otherwise=(raw.get("when") or {}).get("otherwise", "skip"),
                )
                for term in raw["terms"]:
                    term = _WS.sub(" ", term.strip())
                    for form, kind, respelt in _forms(term, entry.inflect):
                        rank = (strength != "strong", respelt, not entry.replacements, order)
                        self._lookup.setdefault(_norm(form), []).append((rank, entry, kind))
        for cands in self._lookup.values():
            cands.sort(key=lambda c: c[0])
        # each term's words (its runs between spaces, hyphens and apostrophes, the
        # pattern's flexible pieces), longest first: a term matches each of them
        # literally, so a page whose lower-cased prose lacks one cannot match it, and a
        # one-file run compiles a pattern of the few terms the page can match (see
        # _matches) instead of all ~250 (25 ms)
        self._words: dict[str, tuple[str, ...]] = {
            key: tuple(sorted((w for w in _PIECE.split(key) if w), key=len, reverse=True))
            for key in sorted(self._lookup)}
        self._full_source: str | None = None  # the terms' pattern, made on first use
        self._ignorecase: re.Pattern[str] | None = None
        # the same pattern without IGNORECASE, for prose lower-cased first (about twice
        # as fast: see _matches); None when a term has a cased letter outside ASCII,
        # whose case-insensitive matches str.lower cannot stand for (``ı`` matches ``I``)
        self._lower_ok = all(_ascii_or_uncased(k) for k in self._lookup)
        self._lower_pattern: re.Pattern[str] | None = None  # compiled at first use
        self._subset_scans = 0  # pages scanned with a pattern of their own terms

    @property
    def _source(self) -> str | None:
        """The source of the pattern of every term (None without terms), made on first
        use."""
        if self._full_source is None and self._lookup:
            self._full_source = _terms_source(sorted(self._lookup))
        return self._full_source

    @property
    def _pattern(self) -> re.Pattern[str] | None:
        """The terms' pattern (IGNORECASE), compiled on first use; None without terms."""
        if self._ignorecase is None and self._source is not None:
            self._ignorecase = re.compile(self._source, re.IGNORECASE)
        return self._ignorecase

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per jargon match in ``doc.prose`` (offsets into ``doc.text``)."""
        if not self._lookup:
            return
        prose = doc.prose
        quotes: _QuoteSpans | None = None  # built at the first match (most pages have few)
        for start, end in self._matches(prose):
            wraps = "\n" in doc.text[start:end]
            if wraps and _crosses_block(doc.text, start, end):
                continue  # "in order" ending one list item, "to" starting the next
            cands = self._lookup.get(_norm(prose[start:end]))
            if not cands or _mention(prose, start, end) or _in_name(prose, start) \
                    or _starts_name(prose, start, end) or _lone_name(prose, start, end) \
                    or _label(doc.text, start, end) or in_title(doc, start, end):
                continue
            if not self._quoted:
                if quotes is None:
                    quotes = _QuoteSpans(doc)
                if quotes.covers(start):
                    continue
            chosen = None
            weak_sense = False
            for cand in cands:
                _, entry, _ = cand
                if _excused(entry, prose, start, end):
                    continue
                if (entry.pos and not (entry.pos & guess_pos(prose, start, end))) or \
                        (entry.near is not None and _near(entry.near, prose, start, end)):
                    if entry.otherwise != "weak" or not self._include_weak:
                        continue
                    weak_sense = True
                chosen = cand
                break
            if chosen is not None:
                _, entry, kind = chosen
                report = self._report(doc.text[start:end], start, end, entry, kind)
                if weak_sense:
                    report.data["strength"] = "weak"
                if mentioned(doc, start, end):
                    report = RawFinding(
                        start=start, end=end,
                        message=report.message + " (mentioned, not used: no fix)",
                        suggestion=None, fix=None, severity=Severity.INFO,
                        data={**report.data, "mention": True},
                    )
                yield report

    def _matches(self, prose: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each match of the terms' pattern in ``prose``, as
        ``self._pattern.finditer(prose)`` gives them. When every letter of ``prose``
        outside ASCII is uncased (curly quotes and dashes are; ``é`` is not), the
        case-sensitive pattern runs over ``prose.lower()`` instead: lowering then
        changes ASCII capitals alone, which is all IGNORECASE would fold for such
        text and terms, so the matches are the same.

        On the first :data:`SUBSET_SCANS` such pages the pattern holds only the terms
        each of whose words (split at :data:`_PIECE`) occurs in the lower-cased prose:
        a term matches its words literally, so every term that can match is in it, and
        a trie of fewer terms tries the same terms in the same order at each
        position: the same matches. Later pages share the pattern of every term
        (compiled once: cheaper than a pattern per page over a whole tree)."""
        if self._lower_ok and _ascii_or_uncased(prose):
            prose = prose.lower()
            pattern = self._lower_pattern
            if pattern is None and self._subset_scans < SUBSET_SCANS and "" not in self._lookup:
                self._subset_scans += 1
                keys = [k for k, words in self._words.items()
                        if all(w in prose for w in words)]
                if not keys:
                    return
                pattern = re.compile(_terms_source(keys))
            elif pattern is None:
                assert self._source is not None
                pattern = self._lower_pattern = re.compile(self._source)
        else:
            pattern = self._pattern
        assert pattern is not None
        for m in pattern.finditer(prose):
            yield m.start(), m.end()

    def _report(self, matched: str, start: int, end: int, entry: _Entry, kind: str) -> RawFinding:
        shown = _WS.sub(" ", matched)
        replacements: list[str] = []
        exact = True
        for i, r in enumerate(entry.replacements):
            words = r.split(" ")
            idx = {"first": 0, "last": len(words) - 1}.get(entry.inflect)
            if kind and idx is not None and words[idx]:
                form = inflect(words[idx], kind)
                if form is None:  # irregular past: "began" or "begun"
                    exact = exact and i > 0
                    past, part = _IRREGULAR[words[idx].lower()]
                    form = f"{past}/{part}"
                words[idx] = form
            replacements.append(match_case(" ".join(words), shown))
        if replacements:
            quoted = [f'"{r}"' for r in replacements]
            advice = "use " + (
                quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
            )
        else:
            advice = (entry.advice or "omit it or rephrase").strip().rstrip(".")
            if advice[:2].istitle():
                advice = advice[0].lower() + advice[1:]
        message = f'"{shown}" is jargon ({entry.label}): {advice}'
        suggestion = replacements[0] if replacements and exact else None
        fix = None
        if entry.safe and suggestion is not None:
            fix = Fix(
                title=f'Replace "{shown}" with "{suggestion}"',
                edits=(Edit(start, end, suggestion),),
                safe=True,
            )
        data: dict[str, Any] = {"pack": entry.pack, "strength": entry.strength}
        if entry.note:
            data["note"] = entry.note
        return RawFinding(start=start, end=end, message=message, suggestion=suggestion, fix=fix,
                      data=data)


_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}
_PREV_WORDS = lazy_compile(globals(),
    r"([^\W\d_](?:[\w'\u2019.&-]*\w)?)[^\S\n]+(?:(?:of|and|for|the|on|to|&)[^\S\n]+)?$"
)


def _mention(prose: str, start: int, end: int) -> bool:
    """True if the match is quoted as a word (``"utilise"``), i.e. mentioned, not used."""
    before = prose[start - 1:start] if start else ""
    return before in _QUOTES and prose[end:end + 1] == _QUOTES[before]


def _in_name(prose: str, start: int) -> bool:
    """True if a capitalised match continues a capitalised name or title mid-sentence
    (``Technology Transformation Services``, ``President's Management Agenda``): the
    word before it (or before a joining "of", "and", "for", "the", "on", "to") is
    capitalised and not the first word of a sentence or line."""
    if not prose[start:start + 1].isupper() or prose[start + 1:start + 2].isupper():
        return False
    m = _PREV_WORDS.search(prose, max(0, start - 80), start)
    if m is None or not m.group(1)[:1].isupper():
        return False
    head = prose[max(0, m.start(1) - 3):m.start(1)].rstrip(" \t")
    return bool(head) and head[-1] not in ".!?:\n"


_NEXT_WORD = lazy_compile(globals(), r"[^\S\n]+(?:(?:of|and|for|the|on|to|&)[^\S\n]+)?([^\W\d_])")


def _starts_name(prose: str, start: int, end: int) -> bool:
    """True if a capitalised match starts a capitalised name mid-sentence
    (``is "Key Derived Format"``, ``the Impact Review Board``): the next word (after
    an optional "of", "and"...) is capitalised, and the word before is lower-case
    (so neither a sentence start nor Title Case text such as "Our Key Findings")."""
    if not prose[start:start + 1].isupper() or prose[start + 1:start + 2].isupper():
        return False
    nxt = _NEXT_WORD.match(prose, end)
    if nxt is None or not nxt.group(1).isupper():
        return False
    head = prose[max(0, start - 40):start].rstrip(" \t\"'\u201c\u2018(")
    if not head or head[-1] in ".!?:\n#*-":
        return False
    # the nearest word before that is not a small joining word ("How to Deliver
    # Reports" looks back to "How"): lower-case means a name begins here ("is Key
    # Derived Format"); capitalised means Title Case text ("Our Key Findings"), prose
    for word in reversed(re.findall(r"[^\W\d_][\w'\u2019-]*", head)):
        if word.lower() in _SMALL_WORDS:
            continue
        return word[:1].islower()
    return False


_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "for", "on", "to", "in", "with",
                          "at", "by", "or"})


def _label(text: str, start: int, end: int) -> bool:
    """True if a capitalised match is the whole of a bold or italic span
    (``into the __Key__ field``): the name of a field, button or term, not prose."""
    if not text[start:start + 1].isupper():
        return False
    for mark in ("**", "__", "*", "_"):
        n = len(mark)
        if text[start - n:start] == mark and text[end:end + n] == mark and \
                text[start - n - 1:start - n] not in ("*", "_"):
            return True
    return False


def _near_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for ``words`` as whole words (plural -s/-es
    allowed, any run of spaces inside a phrase); None for no words."""
    if not words:
        return None
    alts = "|".join(r"\s+".join(re.escape(w) for w in word.split()) for word in words)
    return re.compile(rf"(?<![^\W_])(?:{alts})(?:e?s)?(?![^\W_])", re.IGNORECASE)


_PARAGRAPH = lazy_compile(globals(), r"\n[ \t]*\n")


def _near(pattern: re.Pattern[str], prose: str, start: int, end: int) -> bool:
    """True if ``pattern`` matches in the paragraph of ``prose[start:end]`` (bounded by
    blank lines, at most 3,000 characters either side), outside the match itself."""
    lo = max(0, start - 3000)
    for brk in _PARAGRAPH.finditer(prose, lo, start):
        lo = brk.end()
    nxt = _PARAGRAPH.search(prose, end, end + 3000)
    hi = nxt.start() if nxt else min(len(prose), end + 3000)
    return any(not (start <= n.start() < end) for n in pattern.finditer(prose, lo, hi))


def _excused(entry: _Entry, prose: str, start: int, end: int) -> bool:
    """True if an exception pattern of ``entry`` matches a span of the surrounding
    prose (at least 120 characters either side, extended to whole lines) that covers
    ``[start, end)``."""
    if not entry.exceptions:
        return False
    # The window is whole lines (up to 2,000 characters) so that ^ and $ in a (?m)
    # pattern mean the start and end of a line, never the edge of the window.
    lo = prose.rfind("\n", max(0, start - 2000), max(0, start - 120)) + 1
    lo = lo if lo > 0 else (max(0, start - 2000) if start > 2000 else 0)
    hi = prose.find("\n", end + 120, end + 2000)
    hi = hi if hi != -1 else end + 2000
    window = prose[lo:hi]
    s, e = start - lo, end - lo
    for pattern in entry.exceptions:
        for m in pattern.finditer(window):
            if m.start() <= s and m.end() >= e:
                return True
            if m.start() > s:
                break
    return False
