"""playbook-lint rules that run Vale rules.

- :class:`ValeStyles` (``vale``): the styles of a ``.vale.ini`` found upward from the
  working directory (or named by the ``config`` option), run as Vale would; findings
  carry Vale's rule id (``Style.Rule``) and level.
- :class:`StylePackRule` and its subclasses: rule packs whose entries are Vale rule
  definitions (``extends: existence`` ...): ``style`` for a team's own packs, and the
  built-in packs ``acronym-first-use``, ``sentence-length``, ``paragraph-length``,
  ``heading-case`` and ``readability`` (opt-in).

Vale levels map to severities: ``suggestion`` -> info, ``warning`` -> warning,
``error`` -> error. A substitution with one suggestion offers a fix: safe when the
rule says ``action: {name: replace}`` (what ``vale fix`` applies), otherwise unsafe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from playbook_lint.findings import Edit, Fix, RawFinding, Severity
from playbook_lint.rule import Context, Rule, RuleConfig
from playbook_lint.vale.blocks import prose_blocks, sentences
from playbook_lint.vale.config import (
    ValeConfig,
    ValeConfigError,
    find_vale_config,
    load_vale_config,
)
from playbook_lint.vale.engine import ValeFinding, ValeLinter, unsupported_note
from playbook_lint.vale.kinds import Capitalization, RuleError

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["ValeStyles", "StylePackRule", "StylePack", "AcronymFirstUse", "SentenceLength",
           "ParagraphLength", "HeadingCase", "Readability", "VALE_ENTRY_SCHEMA"]

SEVERITY = {"suggestion": Severity.INFO, "warning": Severity.WARNING, "error": Severity.ERROR}

_STR_LIST = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
#: JSON Schema of one entry of a style pack: a Vale rule definition
#: (https://vale.sh/docs/checks), plus ``name`` (the check's name in findings' data).
VALE_ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["extends", "message"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*$"},
        "extends": {"enum": ["existence", "substitution", "occurrence", "repetition",
                             "conditional", "capitalization", "consistency", "metric",
                             "readability"]},
        "message": {"type": "string"},
        "description": {"type": "string"},
        "level": {"enum": ["suggestion", "warning", "error"]},
        "link": {"type": "string"},
        "limit": {"type": "integer", "minimum": 0},
        "scope": _STR_LIST,
        "ignorecase": {"type": "boolean"},
        "nonword": {"type": "boolean"},
        "vocab": {"type": "boolean"},
        "tokens": {"type": "array", "items": {"type": "string", "format": "regex"}},
        "raw": _STR_LIST,
        "append": {"type": "boolean"},
        "exceptions": {"type": "array", "items": {"type": "string"}},
        "swap": {"type": "object", "additionalProperties": {"type": "string"}},
        "capitalize": {"type": "boolean"},
        "token": {"type": "string"},
        "max": {"type": "integer", "minimum": 0},
        "min": {"type": "integer", "minimum": 0},
        "alpha": {"type": "boolean"},
        "first": {"type": "string"},
        "second": {"type": "string"},
        "match": {"type": "string"},
        "style": {"enum": ["AP", "Chicago"]},
        "indicators": {"type": "array", "items": {"type": "string"}},
        "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "prefix": {"type": "string", "format": "regex"},
        "either": {"type": "object", "additionalProperties": {"type": "string"}},
        "formula": {"type": "string"},
        "condition": {"type": "string"},
        "metrics": {"type": "array", "items": {"type": "string"}},
        "grade": {"type": "number"},
        "action": {"type": "object"},
        "note": {"type": "string"},
    },
}


def _report(v: ValeFinding, *, rule: str | None, check: str, with_level: bool) -> RawFinding:
    data: dict[str, Any] = {"check": check, "level": v.level}
    if v.link:
        data["link"] = v.link
    fix = None
    if v.replacement is not None and v.end > v.start:
        safe = bool(v.action) and (v.action or {}).get("name") == "replace"
        fix = Fix(title=f'Replace "{v.match.strip()}" with "{v.replacement}"',
                  edits=(Edit(v.start, v.end, v.replacement),), safe=safe)
    return RawFinding(start=v.start, end=v.end, message=v.message, suggestion=v.replacement,
                  fix=fix, severity=SEVERITY[v.level] if with_level else None, data=data,
                  rule=rule)


# (the capital comes before the lookbehind, which reads the two characters before it:
# the regex engine then skips to each capital instead of trying every position)
_CAPITAL_WORD = re.compile(r"[A-Z](?<=[\w,;)] [A-Z])[\w'’.-]*[a-z][\w'’-]*")


def _page_names(doc: Document) -> frozenset[str]:
    """Words the page capitalises in the middle of a sentence (after a word, a comma
    or a bracket and a space): its proper nouns."""
    cache = doc.__dict__.get("_vale_names")
    if cache is None:
        found: set[str] = set()
        for blk in prose_blocks(doc):
            if blk.kind in ("sentence", "list", "cell", "blockquote"):
                found.update(m.group().rstrip(".") for m in _CAPITAL_WORD.finditer(blk.text))
            elif blk.kind == "sentences":
                found.update(_sentence_names(blk.text))
        cache = doc.__dict__["_vale_names"] = frozenset(found)
    return cache


def _sentence_names(text: str) -> Iterator[str]:
    """``_CAPITAL_WORD``'s matches in each of the :func:`sentences` of ``text``,
    found in ``text`` whole: a match holds no white space, and sentences are parted
    by white space, so each match of the whole text lies in one sentence and is
    that sentence's own, unless it starts the sentence (its lookbehind reads the two
    characters before it, which a sentence of its own does not have). A sentence
    ends in ``.!?…`` and closing quotes or brackets, of which only ``)`` can be the
    lookbehind's ``[\\w,;)]``: the sentences are split only to judge such a match."""
    starts: set[int] | None = None
    for m in _CAPITAL_WORD.finditer(text):
        p = m.start()
        if text[p - 2] == ")":  # (p >= 2: the lookbehind reads two characters)
            if starts is None:
                starts = {a for a, _ in sentences(text)}
            if p in starts:
                continue
        yield m.group().rstrip(".")


_LOWER_WORD = re.compile(r"[a-z](?<!\w[a-z])[a-z'’-]*\b")  # r"\b[a-z][a-z'’-]*\b", sped up


def _page_lower_words(doc: Document) -> frozenset[str]:
    """The lower-case words of the page's prose (not its headings). A ``sentences``
    block is read whole: a match holds no white space and reads none around it but
    the character before its first letter and the one after its last, which are
    white space (or none) at a sentence's edge either way."""
    cache = doc.__dict__.get("_vale_lower")
    if cache is None:
        found: set[str] = set()
        for blk in prose_blocks(doc):
            if blk.kind in ("sentence", "list", "cell", "blockquote", "sentences"):
                found.update(_LOWER_WORD.findall(blk.text))
        cache = doc.__dict__["_vale_lower"] = frozenset(found)
    return cache


class ValeStyles(Rule):
    """Run the Vale styles of a ``.vale.ini``, unchanged.

    **What it does.** Reads the Vale configuration found upward from the working
    directory (``.vale.ini``, ``_vale.ini``, ``.vale``, ``_vale``, ``vale.ini``; or the
    file named by the ``config`` option): ``StylesPath``, ``MinAlertLevel``, ``Vocab``,
    ``[*]`` and glob sections with ``BasedOnStyles`` and ``Style.Rule = YES|NO|level``.
    Each ``<StylesPath>/<Style>/<Rule>.yml`` runs with Vale's semantics on the file's
    prose (headings, paragraphs, sentences, list items, tables, block quotes, alt text,
    link text, summary, raw). Vale's comments work: ``<!-- vale off -->``,
    ``<!-- vale on -->``, ``<!-- vale Style.Rule = NO -->``.

    **Why it matters.** A team that keeps its house style as Vale styles can lint with
    playbook-lint without installing Vale (a Go binary) or rewriting the style.

    **Example.** ``styles/Demo/Avoid.yml`` holds ``extends: existence``, ``tokens:
    [simply]``; with ``BasedOnStyles = Demo`` under ``[*.md]``, "It is simply done"
    gives ``Demo.Avoid`` at the word.

    **Use instead.** What the style's message says.

    **Findings.** Each finding's rule is Vale's id (``Style.Rule``) and its severity is
    the Vale level (suggestion -> info). Rules of kinds that are not implemented
    (``spelling``, ``script``, ``sequence``) are listed once per run on standard error
    as ``not run: Style.Rule (kind)``.

    **Fix.** A ``substitution`` with one suggestion is fixable (safe with
    ``action: {name: replace}``).

    **Options.** ``config = "path/to/.vale.ini"`` (relative to the working directory).
    A configuration found on the way up that cannot be used (a style not fetched
    with ``vale sync``, say) is reported once as ``vale: not run: ...`` and skipped;
    one named by ``config`` is a configuration error.

    **Source.** https://vale.sh/docs/vale-ini, https://vale.sh/docs/checks
    """

    name: ClassVar[str] = "vale"
    code: ClassVar[str] = "PL501"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Vale styles from a .vale.ini, run natively"
    options_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object", "additionalProperties": False,
        "properties": {"config": {"type": "string"}},
    }

    def __init__(self, config: RuleConfig | None = None) -> None:
        """Find and load the Vale configuration and compile its rules (once per run).

        Raises:
            ValueError: the configuration or a rule cannot be used (one line naming
                the file), reported by the runner as a config error.
        """
        super().__init__(config)
        path_opt = self.config.options.get("config")
        path = Path(path_opt) if isinstance(path_opt, str) else find_vale_config(Path.cwd())
        self.vale: ValeConfig | None = None
        self.linter: ValeLinter | None = None
        if path is None:
            return
        try:
            self.vale = load_vale_config(path)
            self.linter = ValeLinter(
                self.vale.definitions, accepted=self.vale.accepted,
                min_level=self.vale.min_level, settings=self.vale.file_settings,
                global_checks=self.vale.global_checks,
                ignored_scopes=self.vale.ignored_scopes)
        except (ValeConfigError, RuleError) as exc:
            if isinstance(path_opt, str):  # asked for: a configuration error
                raise ValueError(str(exc)) from None
            # found on the way up (e.g. styles not fetched with `vale sync`): say so
            # once and run without it rather than fail a run that did not ask for Vale
            self.vale = self.linter = None
            self.notes = (f"vale: not run: {exc}",)
            return
        self.notes = tuple(unsupported_note(r, k) for r, k in self.linter.unsupported)
        self.inputs = tuple(self.vale.files)

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per Vale alert in ``doc``."""
        if self.linter is None or self.vale is None:
            return
        try:
            rel = doc.path.resolve().relative_to(self.vale.root).as_posix()
        except ValueError:
            rel = doc.display_path
        for v in self.linter.lint(doc, rel, self.vale.file_ignores(rel)):
            yield _report(v, rule=v.rule, check=v.rule, with_level=True)


class StylePackRule(Rule):
    """Base of the rules whose packs hold Vale rule definitions (see module docstring).

    Each pack entry is a Vale rule (``extends``, ``message``, ``scope``...); every entry
    of every pack runs on every page. The finding's rule is this rule's name, and
    ``check`` in its data is ``<pack>.<entry name>``.
    """

    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = VALE_ENTRY_SCHEMA
    #: True: an entry's ``level`` sets the finding's severity; False: the rule's.
    levels_from_entries: ClassVar[bool] = False

    def __init__(self, config: RuleConfig | None = None) -> None:
        """Compile every entry of this rule's packs.

        Raises:
            ValueError: an entry that cannot be compiled (names the pack and entry).
        """
        super().__init__(config)
        definitions: dict[str, dict[str, Any]] = {}
        for pack in self.config.packs:
            for n, entry in enumerate(pack.entries):
                d = {k: v for k, v in entry.items() if k != "note"}
                label = f"{pack.name}.{d.get('name') or n + 1}"
                d["name"] = label
                d["path"] = f"{pack.path}: entries[{n}]"
                definitions[label] = d
        try:
            self.linter = ValeLinter(definitions)
        except RuleError as exc:
            raise ValueError(str(exc)) from None

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per alert of the packs' entries that :meth:`keep` keeps."""
        seen: set[tuple[str, str]] = set()
        for v in self.linter.lint(doc):
            if self.keep(doc, v, seen):
                yield _report(v, rule=None, check=v.rule,
                              with_level=self.levels_from_entries)

    def keep(self, doc: Document, v: ValeFinding, seen: set[tuple[str, str]]) -> bool:
        """Whether to report ``v`` (``seen`` is empty at the start of each page)."""
        return True


class StylePack(StylePackRule):
    """Run a team's own packs of Vale-style rules (``rule: style``).

    **What it does.** Each entry of a ``rule: style`` pack is a Vale rule definition:
    ``extends`` (existence, substitution, occurrence, repetition, conditional,
    capitalization, consistency, metric, readability) and Vale's keys (``message`` with
    ``%s``, ``level``, ``link``, ``ignorecase``, ``nonword``, ``exceptions``,
    ``tokens``, ``swap``, ``scope``, ``limit``, ``action``...), with Vale's semantics.

    **Why it matters.** House style that needs more than a word list (sentence
    length, first-use definitions, heading case) can be written as data.

    **Example.** ``entries: [{name: NoLatin, extends: substitution, message: "Use '%s'
    instead of '%s'", swap: {"e\\.g\\.": for example}}]``

    **Use instead.** What the entry's message says.

    **Fix.** A ``substitution`` with one suggestion is fixable (safe with
    ``action: {name: replace}``).

    **Findings.** Severity is the entry's ``level`` (suggestion -> info; default
    warning); ``check`` in the JSON data names ``<pack>.<entry name>``.

    **Source.** https://vale.sh/docs/checks
    """

    name: ClassVar[str] = "style"
    code: ClassVar[str] = "PL510"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Your own packs of Vale-style rules (rule: style)"
    levels_from_entries: ClassVar[bool] = True


class AcronymFirstUse(StylePackRule):
    """Spell out an acronym the first time it is used.

    **What it does.** Reports an acronym of 3 to 5 capitals that has not been
    defined earlier on the page as ``Full Name (ABC)`` or ``ABC (Full Name)``,
    except well-known ones (``rules/style-acronyms.yml``: GOV.UK's list such as BBC,
    EU, HTML, and common technical ones such as API, PDF, URL). Reports each acronym
    once per page.

    **Why it matters.** GOV.UK: "spell out in full on first use, then use initials";
    18F: define abbreviations on first use. Readers new to the subject cannot guess them.

    **Example.** ``Send the form to the DVSA.``

    **Use instead.** ``Send the form to the Driver and Vehicle Standards Agency (DVSA).``

    **Fix.** None: only the writer knows the full name.

    **Source.** https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#abbreviations-and-acronyms,
    https://content-guide.18f.gov/our-style/abbreviations/
    """

    name: ClassVar[str] = "acronym-first-use"
    code: ClassVar[str] = "PL511"
    default_severity: ClassVar[Severity] = Severity.INFO
    summary: ClassVar[str] = "Acronyms not spelt out on first use (opt-in)"
    default_enabled: ClassVar[bool] = False

    def keep(self, doc: Document, v: ValeFinding, seen: set[tuple[str, str]]) -> bool:
        """Report each acronym once per page (at its first undefined use)."""
        key = (v.rule, v.match)
        if key in seen:
            return False
        seen.add(key)
        return True


class SentenceLength(StylePackRule):
    """Sentences over 25 words.

    **What it does.** Counts the words of each sentence of a paragraph (not headings,
    list items, tables or code) and reports a sentence of more than 25 words at its
    first word.

    **Why it matters.** GOV.UK: "Try to split up sentences that are over 25 words
    long"; long sentences are harder to read, most of all for people with lower
    literacy.

    **Example.** A sentence that runs past the 25th word because it strings clause
    after clause together with "and", "which" and "because".

    **Use instead.** Split the sentence, or make a list.

    **Fix.** None: rewriting needs a person.

    **Source.** https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#sentence-length
    """

    name: ClassVar[str] = "sentence-length"
    code: ClassVar[str] = "PL512"
    default_severity: ClassVar[Severity] = Severity.INFO
    summary: ClassVar[str] = "Sentences over 25 words (GOV.UK; opt-in)"
    default_enabled: ClassVar[bool] = False  # 24,598 findings on the corpus: too loud


class ParagraphLength(StylePackRule):
    """Paragraphs of more than 5 sentences.

    **What it does.** Reports a paragraph with more than 5 sentences at its first
    sentence.

    **Why it matters.** GOV.UK's clear-language guidance: paragraphs of no more than 5
    sentences; short paragraphs are easier to scan.

    **Example.** A paragraph of six sentences or more.

    **Use instead.** Split it where the subject changes, or make a list.

    **Fix.** None: rewriting needs a person.

    **Source.** https://www.gov.uk/guidance/content-design/writing-for-gov-uk
    """

    name: ClassVar[str] = "paragraph-length"
    code: ClassVar[str] = "PL513"
    default_severity: ClassVar[Severity] = Severity.INFO
    summary: ClassVar[str] = "Paragraphs of more than 5 sentences (GOV.UK; opt-in)"
    default_enabled: ClassVar[bool] = False


class HeadingCase(StylePackRule):
    """Headings in sentence case, without a full stop at the end.

    **What it does.** Reports a heading that is not in sentence case (a fifth or more
    of its words capitalised after the first), and a heading that ends with a full
    stop. Not counted as capitalised: acronyms (``API``, ``APIs``), the word after a
    colon or a list number, the exceptions in ``rules/style-headings.yml``, and names:
    words with an inner capital or digit (``GitHub``, ``18F``), words the page
    capitalises in the middle of a sentence, and capitalised words the page never
    writes in lower case (the name of an app, say).

    **Why it matters.** GOV.UK and 18F write headings in sentence case; title case is
    harder to read, and a heading is not a sentence to end with a full stop.

    **Example.** ``## How To Apply For A Licence.``

    **Use instead.** ``## How to apply for a licence``

    **Fix.** None: which words are proper nouns needs a person.

    **Source.** https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#headings,
    https://content-guide.18f.gov/our-style/capitalization/
    """

    name: ClassVar[str] = "heading-case"
    code: ClassVar[str] = "PL514"
    default_severity: ClassVar[Severity] = Severity.INFO
    summary: ClassVar[str] = "Headings not in sentence case, or ending with a full stop"

    def keep(self, doc: Document, v: ValeFinding, seen: set[tuple[str, str]]) -> bool:
        """Drop a sentence-case finding when the heading complies once names are
        allowed: plural acronyms (``APIs``), words with an inner capital or a digit
        (``CodeQL``, ``iPhone``, ``18F``), words the same page capitalises in the middle
        of a sentence (``Tor``, ``Elasticsearch``), and capitalised words the page
        never writes in lower case (``Router``, the name of an app): only a word the
        page also uses as a common noun is evidence of title case."""
        kind = self.linter.kind(v.rule)
        if not isinstance(kind, Capitalization):
            return True
        names = _page_names(doc)
        lower = _page_lower_words(doc)
        words = re.split(r"(\s+)", v.match)
        changed = False
        for i, w in enumerate(words):
            core = w.strip("\"'()[]:;,.!?")
            if not core or core == core.upper():
                continue
            if re.fullmatch(r"[A-Z]{2,}s", core) or re.search(r"\w[A-Z]|\d", core) \
                    or core in names or (core[:1].isupper() and core.lower() not in lower):
                words[i] = w.upper()
                changed = True
        return not changed or not kind.check("".join(words))


class Readability(StylePackRule):
    """A page's readability score (opt-in).

    **What it does.** Computes the Flesch-Kincaid grade level of a page's prose
    (paragraphs, list items and block quotes; with ``textstat``) and reports it at
    line 1 when it is above the pack's limit (grade 9, about a reading age of 14).
    Off by default: turn it on with ``[tool.playbook-lint.rules.readability]
    enabled = true``.

    **Why it matters.** WCAG 2.1 success criterion 3.1.5 (AAA) asks for text that
    needs no more than lower secondary education; plainlanguage.gov and GOV.UK ask
    for plain language. A score is a prompt to read again, not a verdict.

    **Example.** Long sentences of long, abstract words ("Notwithstanding the
    aforementioned considerations, organizational implementation necessitates...").

    **Use instead.** Shorter sentences and everyday words.

    **Fix.** None: rewriting needs a person.

    **Source.** https://www.w3.org/WAI/WCAG21/Understanding/reading-level.html
    """

    name: ClassVar[str] = "readability"
    code: ClassVar[str] = "PL515"
    default_severity: ClassVar[Severity] = Severity.INFO
    summary: ClassVar[str] = "Readability grade of a page (opt-in)"
    default_enabled: ClassVar[bool] = False
