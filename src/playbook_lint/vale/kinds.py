"""Vale's rule kinds (``extends:``), with Vale's semantics (https://vale.sh/docs/checks).

Each kind is a class built once from a rule's YAML mapping; :meth:`Kind.run` takes a
:class:`~playbook_lint.vale.blocks.Block` and the per-file :class:`FileState` and
returns :class:`Alert` objects whose spans are offsets into the block's text.

Supported: ``existence``, ``substitution``, ``occurrence``, ``repetition``,
``conditional``, ``capitalization``, ``consistency``, ``metric`` and ``readability``
(see :mod:`playbook_lint.vale.metric`). Not supported (reported, never run):
``spelling`` (Hunspell dictionaries), ``script`` (Tengo scripts), ``sequence``
(part-of-speech tags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from playbook_lint.vale.blocks import Block, sentences
from playbook_lint.vale.regex import PatternError, compile_pattern

__all__ = ["Alert", "Kind", "FileState", "RuleError", "UNSUPPORTED", "format_message",
           "Existence", "Substitution", "Occurrence", "Repetition", "Conditional",
           "Consistency", "Capitalization"]

UNSUPPORTED = frozenset({"spelling", "script", "sequence"})
WORD_TEMPLATE = r"(?m)\b(?:%s)\b"
NONWORD_TEMPLATE = r"(?m)(?:%s)"


class RuleError(Exception):
    """A rule definition that cannot be compiled: ``str()`` names the rule file and key."""


@dataclass
class Alert:
    """One problem found in a block: ``start``/``end`` offsets into the block text,
    the formatted ``message``, the matched text and the rule's action (if any)."""

    start: int
    end: int
    message: str
    match: str
    action: dict[str, Any] | None = None
    whole_file: bool = False  # no location: reported at line 1, column 1
    replacement: str | None = None  # the one suggested text, when unambiguous


@dataclass
class FileState:
    """What a rule may remember across the blocks of one file."""

    sequences: list[str] = field(default_factory=list)
    metrics: dict[str, int] = field(default_factory=dict)
    summary: str = ""


def format_message(msg: str, *subs: str) -> str:
    """Go's ``Sprintf`` with ``%s`` verbs as Vale uses it: each ``%s`` takes the next
    value, extra values are ignored, ``%%`` is a percent sign; newlines and runs of
    spaces become one space (Vale's ``WhitespaceToSpace``)."""
    values = list(subs)

    def repl(m: re.Match[str]) -> str:
        if m.group() == "%%":
            return "%"
        return values.pop(0) if values else "%!s(MISSING)"

    out = re.sub(r"%%|%s", repl, msg)
    return re.sub(r" +", " ", out.replace("\n", " "))


def _compile(pattern: str, path: str, key: str, ignorecase: bool = False) -> Any:
    try:
        return compile_pattern(pattern, ignorecase)
    except (PatternError, ValueError, OverflowError) as exc:
        raise RuleError(f"{path}: {key}: bad regular expression: {exc}") from None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class Kind:
    """Base of the rule kinds: the keys every rule has (``message``, ``level``,
    ``link``, ``limit``, ``scope``, ``action``, ``description``)."""

    needs_file = False  # runs once per file (summary scope) rather than per block

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        self.name: str = str(d.get("name", ""))
        self.path: str = str(d.get("path", "") or self.name)
        self.extends: str = str(d["extends"])
        self.message: str = str(d.get("message", ""))
        self.description: str = str(d.get("description", "") or "")
        level = d.get("level", "warning")
        if level not in ("suggestion", "warning", "error"):
            raise RuleError(f"{self.path}: level: 'level' must be one of "
                            "[suggestion warning error]")
        self.level: str = level
        self.link: str = str(d.get("link", "") or "")
        self.limit: int = int(d.get("limit", 0) or 0)
        self.scope: list[str] = _as_list(d.get("scope")) or ["text"]
        action = d.get("action")
        self.action: dict[str, Any] | None = dict(action) if isinstance(action, dict) else None
        self.vocab: bool = bool(d.get("vocab", True))
        self.accepted = accepted if self.vocab else []

    def exceptions_pattern(self, exceptions: list[str], use_vocab: bool = True) -> Any | None:
        """Vale's ``updateExceptions``: one word-bounded alternation of the rule's
        exceptions and (when ``vocab`` is on) the accepted vocabulary, longest first."""
        items = list(exceptions) + (list(self.accepted) if use_vocab else [])
        if not items:
            return None
        items.sort(key=len, reverse=True)
        return _compile(WORD_TEMPLATE % "|".join(items), self.path, "exceptions")

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        """Return the alerts for ``blk``."""
        raise NotImplementedError

    def alert(self, blk: Block, start: int, end: int, *subs: str) -> Alert:
        """An alert for ``blk.text[start:end]`` with the message formatted by ``subs``
        (default: the matched text)."""
        match = blk.text[start:end]
        values = subs or (match,)
        return Alert(start, end, format_message(self.message, *values), match,
                     dict(self.action) if self.action else None)


def _is_match(pattern: Any | None, s: str) -> bool:
    return pattern is not None and pattern.search(s) is not None


def _phrases(kind: Kind, exceptions: list[str]) -> Any | None:
    """The exceptions (and accepted vocabulary) of more than one word, as one pattern:
    a match inside an occurrence of one of them is excused (``Very Large`` excuses
    ``Very`` there), as Vale's ``withinPhrase`` does."""
    items = [e for e in list(exceptions) + list(kind.accepted) if " " in e.strip()]
    if not items:
        return None
    items.sort(key=len, reverse=True)
    return _compile(WORD_TEMPLATE % "|".join(items), kind.path, "exceptions")


def _within_phrase(pattern: Any | None, text: str, start: int, end: int) -> bool:
    if pattern is None:
        return False
    return any(m.start() <= start and end <= m.end()
               for m in pattern.finditer(text, max(0, start - 200), min(len(text), end + 200)))


class Existence(Kind):
    """``existence``: report every match of ``tokens`` (word-bounded unless
    ``nonword``; ``raw`` pieces are added before them, or after with ``append``)."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        tokens = [t for t in _as_list(d.get("tokens")) if t.strip()]
        raw = "".join(_as_list(d.get("raw")))
        nonword = bool(d.get("nonword", False))
        ignorecase = bool(d.get("ignorecase", False))
        template = NONWORD_TEMPLATE if nonword or not tokens else WORD_TEMPLATE
        body = template % "|".join(tokens)
        body = body + raw if d.get("append") else raw + body
        self.pattern = _compile(body, self.path, "tokens", ignorecase)
        self.except_re = self.exceptions_pattern(_as_list(d.get("exceptions")),
                                                 use_vocab=not nonword)
        self.phrase_re = None if nonword else _phrases(self, _as_list(d.get("exceptions")))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        out = []
        for m in self.pattern.finditer(blk.text):
            if m.end() == m.start():
                continue
            if _is_match(self.except_re, m.group().strip()) or \
                    _within_phrase(self.phrase_re, blk.text, m.start(), m.end()):
                continue
            groups = [g or "" for g in m.groups()]
            a = self.alert(blk, m.start(), m.end())
            if groups and "%s" in self.message and self.message.count("%s") > 1:
                a.message = format_message(self.message, m.group(), *groups)
            out.append(a)
        return out


def _to_sentence(words: list[str], and_or: str = "or") -> str:
    quoted = [f"'{w}'" for w in words]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} or {quoted[1]}"
    quoted[-1] = f"{and_or} {quoted[-1]}"
    return ", ".join(quoted)


def _convert_message(s: str) -> str:
    for spec in ("'%s'", '"%s"'):
        if s.count(spec) == 2:
            s = s.replace(spec, "%s", 1)
    return s


class Substitution(Kind):
    """``substitution``: each ``swap`` key (a pattern) is replaced by its value; a
    match already equal to the value is not reported. Keys are tried longest first;
    ``$1``.. in a value take the key's own capture groups; ``capitalize`` capitalises
    the suggestion when the match starts with a capital. With ``action: replace`` the
    suggestions (``a|b``) are listed as ``'a' or 'b'``."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        swap = d.get("swap") or {}
        if not isinstance(swap, dict):
            raise RuleError(f"{self.path}: swap: expected a mapping")
        self.ignorecase = bool(d.get("ignorecase", False))
        self.capitalize = bool(d.get("capitalize", False))
        nonword = bool(d.get("nonword", False))
        items = sorted(((str(k), str(v)) for k, v in swap.items()),
                       key=lambda kv: len(kv[0]), reverse=True)
        self.repl: list[tuple[int, int, str]] = []  # (outer group, inner groups, value)
        parts = []
        group = 1
        for key, value in items:
            inner = _compile(key, self.path, f"swap.{key}").groups
            parts.append(f"({key})")
            self.repl.append((group, inner, value))
            group += 1 + inner
        template = NONWORD_TEMPLATE if nonword else WORD_TEMPLATE
        self.pattern = _compile(template % "|".join(parts) if parts else "(?!x)x", self.path,
                                "swap", self.ignorecase) if parts else None
        self.except_re = self.exceptions_pattern(_as_list(d.get("exceptions")))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(blk.text):
            for group, inner, value in self.repl:
                if m.start(group) == -1:
                    continue
                s, e = m.start(group), m.end(group)
                observed = m.group(group).strip()
                expected = value
                if inner:
                    subs = [m.group(group + k) or "" for k in range(1, inner + 1)]
                    expected = _expand(expected, subs)
                if _same(expected, observed) or _is_match(self.except_re, observed):
                    break
                if self.capitalize and observed[:1].isupper():
                    expected = expected[:1].upper() + expected[1:]
                message = self.message
                action = dict(self.action) if self.action else None
                one = expected if "|" not in expected else None
                if action and action.get("name") == "replace" and not action.get("params"):
                    action["params"] = expected.split("|")
                    expected = _to_sentence(action["params"])
                    message = _convert_message(message)
                lead = len(m.group(group)) - len(m.group(group).lstrip())
                a = Alert(s, e, format_message(message, expected, observed), blk.text[s:e],
                          action, replacement=one)
                a.start, a.end = s + lead, s + lead + len(observed)
                out.append(a)
                break
        return out


def _expand(template: str, subs: list[str]) -> str:
    """Replace ``$1``.. in a swap value by the key's capture groups."""

    def one(g: re.Match[str]) -> str:
        k = int(g.group(1))
        return subs[k - 1] if 0 < k <= len(subs) else g.group()

    return re.sub(r"\$(\d)", one, template)


def _same(expected: str, observed: str) -> bool:
    """Vale's ``matchToken``: the match already reads as the suggestion (exactly, or
    matching it as a pattern when the suggestion is a phrase)."""
    if expected == observed:
        return True
    if " " not in expected:
        return False
    try:
        return compile_pattern(f"^(?:{expected})$").search(observed) is not None
    except (PatternError, ValueError):
        return False


def _is_code(s: str) -> bool:
    return bool(s) and all(c in "*`" for c in s)


class Occurrence(Kind):
    """``occurrence``: count matches of ``token`` in each scope and report when the
    count is above ``max`` or below ``min`` (at the first match that is not code, or
    at line 1 when there is none)."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        self.max = int(d.get("max", 0) or 0)
        self.min = int(d.get("min", 0) or 0)
        self.pattern = _compile(f"(?:{d.get('token', '')})", self.path, "token",
                                bool(d.get("ignorecase", False)))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        locs = [m.span() for m in self.pattern.finditer(blk.text)]
        n = len(locs)
        if not ((self.max > 0 and n > self.max) or (self.min > 0 and n < self.min)):
            return []
        if n == 0:
            return [Alert(0, 0, format_message(self.message), "", None, whole_file=True)]
        span = next((sp for sp in locs if not _is_code(blk.text[sp[0]:sp[1]])), locs[0])
        a = self.alert(blk, span[0], span[1])
        a.message = format_message(self.message)
        return [a]


class Repetition(Kind):
    """``repetition``: report a token repeated more than ``max`` times in a row
    (``alpha``: letters only), when the repeat stays within one sentence."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        self.max = int(d.get("max", 0) or 0)
        self.ignorecase = bool(d.get("ignorecase", False))
        self.alpha = bool(d.get("alpha", False))
        tokens = "|".join(_as_list(d.get("tokens")))
        self.pattern = _compile(f"({tokens})", self.path, "tokens", self.ignorecase)
        self.except_re = self.exceptions_pattern(_as_list(d.get("exceptions")))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        out = []
        prev = ""
        ploc: tuple[int, int] | None = None
        count = 0
        text = blk.text
        for m in self.pattern.finditer(text):
            curr = m.group().strip()
            if self.ignorecase:
                hit = curr != "" and curr.lower() == prev.lower()
            else:
                hit = curr != "" and curr == prev
            hit = hit and (not self.alpha or curr.isalpha())
            if hit:
                count += 1
            if hit and count > self.max and ploc is not None:
                span_text = text[ploc[0]:m.end()]
                if len(sentences(span_text)) == 1 and not _is_match(self.except_re, span_text):
                    a = self.alert(blk, ploc[0], m.end(), curr)
                    out.append(a)
                    count = 0
            ploc = m.span()
            prev = curr
        return out


def _has_capture_group(pattern: str) -> bool:
    return pattern.count("(") > pattern.count("(?") + pattern.count(r"\(")


class Conditional(Kind):
    """``conditional``: every match of ``first`` needs ``second``: with capture groups
    in ``second``, the captured values seen so far in the file (e.g. acronyms defined
    as ``Full Name (ABC)``) excuse a ``first`` match equal to one; without groups, any
    ``second`` match in the same block excuses them all."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        ic = bool(d.get("ignorecase", False))
        self.second = _compile(str(d.get("second", "")), self.path, "second", ic)
        self.first = _compile(str(d.get("first", "")), self.path, "first", ic)
        self.has_group = _has_capture_group(str(d.get("second", "")))
        self.except_re = self.exceptions_pattern(_as_list(d.get("exceptions")))
        self.phrase_re = _phrases(self, _as_list(d.get("exceptions")))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        text = blk.text
        if not self.has_group:
            if self.second.search(text):
                return []
            return [self.alert(blk, m.start(), m.end()) for m in self.first.finditer(text)
                    if m.end() > m.start() and not _is_match(self.except_re, m.group())
                    and not _within_phrase(self.phrase_re, text, m.start(), m.end())]
        for m in self.second.finditer(text):
            state.sequences.extend(g for g in m.groups() if g)
        out = []
        for m in self.first.finditer(text):
            s = m.group()
            if m.end() == m.start() or s in state.sequences or _is_match(self.except_re, s) \
                    or _within_phrase(self.phrase_re, text, m.start(), m.end()):
                continue
            out.append(self.alert(blk, m.start(), m.end()))
        return out


class Consistency(Kind):
    """``consistency``: for each ``either`` pair, report when both spellings are used
    in one file (at the later block that completes the pair)."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        ic = bool(d.get("ignorecase", False))
        template = NONWORD_TEMPLATE if d.get("nonword") else WORD_TEMPLATE
        either = d.get("either") or {}
        self.steps = []
        base = self.name.split(".")[-1] or "c"
        for n, (a, b) in enumerate(either.items()):
            keys = (f"{base}{2 * n + 2}", f"{base}{2 * n + 3}")
            pat = _compile(template % f"(?P<{keys[0]}>{a})|(?P<{keys[1]}>{b})", self.path,
                           "either", ic)
            self.steps.append((pat, keys))

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        out = []
        for pat, keys in self.steps:
            matches = list(pat.finditer(blk.text))
            last: re.Match[str] | None = None
            for m in matches:
                for k in keys:
                    if m.group(k) is not None:
                        state.sequences.append(k)
                        last = m
            if matches and all(k in state.sequences for k in keys) and last is not None:
                out.append(self.alert(blk, last.start(), last.end()))
        return out


# -- capitalization ------------------------------------------------------------------

_SMALL = frozenset(
    "a an and as at but by en for if in nor of on or per the to v v. via vs vs. from into "
    "with over up down off out onto upon".split())
_WORD = r"[\p{N}\p{L}*]+[^\s]*"


def title_case(s: str, style: str = "AP") -> str:
    """Title-case ``s``: capitalise every word but small words (articles,
    coordinating conjunctions and short prepositions; AP also lower-cases prepositions
    of three letters or fewer, Chicago all prepositions listed here) unless first or
    last; words with inner capitals (``iPhone``) are kept."""
    words = re.split(r"(\s+)", s)
    idx = [i for i, w in enumerate(words) if w.strip()]
    for pos, i in enumerate(idx):
        w = words[i]
        core = w.lower().strip("\"'()[]:;,.!?")
        if pos not in (0, len(idx) - 1) and core in _SMALL:
            words[i] = w.lower() if not any(c.isupper() for c in w[1:]) else w
            continue
        if any(c.isupper() for c in w[1:]):
            continue
        words[i] = re.sub(r"^([^\w]*)(\w)", lambda m: m.group(1) + m.group(2).upper(), w)
    return "".join(words)


class Capitalization(Kind):
    """``capitalization``: the whole scope must match ``$title`` (AP or Chicago
    ``style``), ``$sentence`` (first word capitalised, the rest lower case, ``indicators``
    such as ``:`` start a new sentence), ``$lower``, ``$upper`` or a pattern; for title
    and sentence case more than ``threshold`` (default 0.8) of the words must comply.
    ``exceptions`` and accepted vocabulary always comply; ``prefix`` is stripped first."""

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        self.match = str(d.get("match", "$sentence"))
        self.style = str(d.get("style", "AP"))
        self.indicators = _as_list(d.get("indicators"))
        self.threshold = float(d.get("threshold", 0) or 0) or 0.8
        prefix = d.get("prefix")
        self.prefix = _compile(str(prefix), self.path, "prefix") if prefix else None
        self.except_re = self.exceptions_pattern(_as_list(d.get("exceptions")))
        self.tokens = _compile(
            (self.except_re.pattern[4:] + "|" if self.except_re is not None else "") + _WORD,
            self.path, "exceptions")
        self.custom = None
        if self.match not in ("$title", "$sentence", "$lower", "$upper"):
            self.custom = _compile(self.match, self.path, "match")

    def _full_exception(self, w: str) -> bool:
        if self.except_re is None:
            return False
        return any(m.group() == w for m in self.except_re.finditer(w))

    def check(self, s: str) -> bool:
        """True if ``s`` is capitalised as the rule asks."""
        if self.prefix is not None:
            s = self.prefix.sub("", s, count=1)
        if self.match == "$lower":
            return s == s.lower() or _is_match(self.except_re, s)
        if self.match == "$upper":
            return s == s.upper() or _is_match(self.except_re, s)
        if self.custom is not None:
            return self.custom.search(s) is not None or _is_match(self.except_re, s)
        if self.match == "$title":
            return self._title(s)
        return self._sentence(s)

    def _title(self, s: str) -> bool:
        words = [m.group() for m in self.tokens.finditer(s)]
        if not words:
            return True
        expected = [m.group() for m in self.tokens.finditer(title_case(s, self.style))]
        count = 0
        for i, w in enumerate(words):
            if i >= len(expected) or w == expected[i] or self._full_exception(w) \
                    or _is_match(self.except_re, w) or w == w.upper():
                count += 1
        return count / len(words) > self.threshold

    def _sentence(self, s: str) -> bool:
        words = [m.group() for m in self.tokens.finditer(s.rstrip("?!.:"))]
        if not words:
            return True
        count = 0
        for i, w in enumerate(words):
            prev = words[i - 1] if i else ""
            full = w
            for sep in ("-", "'", "\u2019"):
                if sep in w:
                    w = w.split(sep)[0]
                    break
            if i and w == w.lower():
                # complies whatever the tests below say (each of them counts it too):
                # most words of a heading, whose exception patterns need not run
                count += 1
                continue
            numbered = bool(re.fullmatch(r"\d+[.)]?", prev))
            if w == w.upper() or any(prev.endswith(x) for x in self.indicators) or \
                    numbered or self._full_exception(full) or _is_match(self.except_re, w):
                count += 1
            elif i == 0 and w != w[:1].upper() + w[1:].lower():
                return False
            elif i == 0 or w == w.lower():
                count += 1
        return count / len(words) > self.threshold

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        if self.check(blk.text):
            return []
        msg = format_message(self.message, blk.text, title_case(blk.text, self.style))
        return [Alert(0, len(blk.text), msg, blk.text,
                      dict(self.action) if self.action else None)]
