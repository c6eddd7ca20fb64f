"""The ``stale-content`` rule (PL401): dated statements and review dates that have passed.

Pure: "now" is ``ctx.today`` (the CLI's ``--today``, else the run's date), never the
wall clock.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from playbook_lint.checks.outdated import MIN_YEAR, find_url_date, page_date
from playbook_lint.findings import RawFinding, Severity
from playbook_lint.lazyre import lazy_compile
from playbook_lint.rule import Context, Rule, RuleConfig

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["StaleContent", "DatedStatement", "dated_statements", "parse_date",
           "months_between", "parse_period"]

#: Front matter keys holding the date a page was last reviewed or changed: reported
#: when older than ``review-months``.
REVIEWED_KEYS: tuple[str, ...] = (
    "last_reviewed", "last_reviewed_on", "last-reviewed", "review_date", "reviewed",
    "lastmod", "last_modified", "last_updated", "last-updated",
)
#: Front matter keys holding the date a review is due or the content expires:
#: reported once the date has passed.
DUE_KEYS: tuple[str, ...] = (
    "review_by", "review-by", "next_review", "next_review_date", "review_due",
    "expires", "expire_by", "expiry_date", "expiration_date",
)
#: Keys after which the generator stops publishing the page (Hugo ``expiryDate``,
#: https://gohugo.io/content-management/front-matter/#expirydate): a page past it is
#: not published, so nothing on it is reported.
UNPUBLISH_KEYS: tuple[str, ...] = ("expirydate", "expiryDate", "unpublishdate")

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|"
           "november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_YEAR = r"(?<![\w/#$£.,:-])((?:19|20)\d\d)(?![\w/%]|-\d\d-|\.\d|,\d)"
#: "as of 2019", "as at March 2019", "as of the end of 2019": a snapshot.
_AS_OF = lazy_compile(globals(),
    r"\bas\s+(?:of|at)\s+(?:(?:the\s+)?(?:end|start|beginning|middle)\s+of\s+)?"
    r"(?:(?:early|mid|late)[\s-]+)?(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + _MONTHS + r")\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?\s+)?" + _YEAR,
    re.IGNORECASE,
)
#: "in 2015", "in early 2015", "in March 2015".
_IN_YEAR = lazy_compile(globals(),
    r"\bin\s+(?:(?:early|mid|late)[\s-]+)?(?:(?:" + _MONTHS + r")\.?\s+)?" + _YEAR,
    re.IGNORECASE,
)
_ANY_YEAR = lazy_compile(globals(), _YEAR)
#: What every match of ``_YEAR`` holds: prose without it has no dated statement.
_YEAR_DIGITS = lazy_compile(globals(), r"(?:19|20)\d\d")
#: Relative words that date a statement only when a year stands beside them.
_WEAK = lazy_compile(globals(),
    r"\b(currently|recently|new|this\s+year|last\s+year|next\s+year|coming\s+soon|upcoming"
    r"|at\s+the\s+moment|at\s+present)\b",
    re.IGNORECASE,
)
#: Finite verbs that put a sentence in the present or the future.
_PRESENT = lazy_compile(globals(),
    r"\b(?:is|are|am|isn['’]t|aren['’]t|will|won['’]t|shall|['’]ll|we['’]re|they['’]re|it['’]s|there['’]s|"
    r"currently|now|being|plans?\s+to|aims?\s+to|intends?\s+to|expects?\s+to|going\s+to|"
    r"this\s+year|upcoming|coming\s+soon|continues\s+to|remains?)\b",
    re.IGNORECASE,
)
#: Words that put a sentence in the past: history, not a stale claim.
_PAST = lazy_compile(globals(),
    r"\b(?:was|were|had|did|wasn't|weren't|hadn't|didn't|ago|began|begun|became|built|"
    r"made|took|wrote|written|held|found|won|saw|came|went|grew|sent|led|ran|met|gave|"
    r"told|said|spoke|chose|rose|fell|left|brought|bought|thought|taught|kept|lost|paid|"
    r"sold|spent|stood|set\s+up|\w{3,}ed)\b",
    re.IGNORECASE,
)
#: "-ed" words that are adjectives or present-tense participles more often than past verbs.
_ED_ADJECTIVES = frozenset({
    "based", "used", "interested", "required", "needed", "related", "advanced",
    "detailed", "limited", "dedicated",
    "supported", "designed", "focused", "involved", "concerned", "excited",
    "committed", "qualified", "experienced", "skilled", "shared", "connected",
    "integrated", "automated", "centered", "centred", "need", "red", "bed", "shed",
    "speed", "seed", "feed", "indeed", "proceed", "exceed", "succeed", "hundred",
    "embed", "breed", "greed", "creed", "bleed", "weed", "unlimited", "networked",
})
#: Auxiliaries that make a following participle a present or future passive.
_PASSIVE = lazy_compile(globals(), r"\b(?:is|are|am|be|being|will\s+be|gets?|getting)\b",
                        re.IGNORECASE)
_SENTENCE_END = lazy_compile(globals(), r"[.!?;](?=\s|$)|\n\s*\n")
_PROPER_NEW = lazy_compile(globals(), r"New\s+[A-Z]")


@dataclass(frozen=True)
class DatedStatement:
    """A phrase of prose that dates what it says.

    Attributes:
        start, end: offsets of the phrase in ``Document.text`` ("as of 2019").
        year: the year it names.
        phrase: the phrase as written, spaces collapsed.
        kind: ``"as-of"``, ``"in-year"`` or ``"relative"`` (a word such as
            "currently" beside a year).
    """

    start: int
    end: int
    year: int
    phrase: str
    kind: str


def parse_date(value: Any) -> date | None:
    """Return the date of a front matter value: a YAML date or datetime, or a string
    starting ``YYYY-MM-DD`` or ``YYYY-MM`` (the first of the month); None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)", value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            except ValueError:
                return None
    return None


def _ago(then: date, today: date) -> str:
    months = months_between(then, today)
    if months >= 1:
        return f"{months} month{'s' if months > 1 else ''} ago"
    days = (today - then).days
    return f"{days} day{'s' if days != 1 else ''} ago"


def months_between(then: date, today: date) -> int:
    """Whole months from ``then`` to ``today`` (0 if ``then`` is later)."""
    months = (today.year - then.year) * 12 + today.month - then.month
    if today.day < then.day:
        months -= 1
    return max(0, months)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)


def parse_period(value: Any) -> int | None:
    """Months in a review period such as GOV.UK Tech Docs Template's ``review_in``
    ("6 months", "1 year", "3 weeks", "90 days", rounded up to whole months), or None."""
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*(\d{1,4})\s*(day|week|month|year)s?\s*", value.lower())
    if m is None:
        return None
    n = int(m.group(1))
    unit = m.group(2)
    if unit == "year":
        return n * 12
    if unit == "month":
        return n
    days = n * (7 if unit == "week" else 1)
    return max(1, -(-days // 30))


def _excluded_spans(doc: Document) -> list[tuple[int, int]]:
    """Spans whose years are not statements: table rows (historical data), link text
    (cited titles), quoted or italic titles."""
    spans: list[tuple[int, int]] = []
    starts = doc.line_starts
    n = len(doc.text)
    for tok in doc.tokens:
        if tok.type == "table_open" and tok.map:
            a, b = tok.map
            spans.append((starts[a] if a < len(starts) else n,
                          starts[b] if b < len(starts) else n))
    for link in doc.links:
        if link.kind in ("inline", "html-a") and link.node_start < link.start:
            spans.append((link.node_start, link.start))
    spans.sort()
    return spans


_TITLE = lazy_compile(globals(),
    r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”|(?<![\w*])\*(?!\s)[^*\n]{1,200}(?<!\s)\*(?![\w*])"
    r"|(?<![\w_])_(?!\s)[^_\n]{1,200}(?<!\s)_(?![\w_])|<(?:em|i|cite|q)>[^<]{1,200}</(?:em|i|cite|q)>",
)


def dated_statements(doc: Document) -> list[DatedStatement]:
    """Return the dated statements of ``doc``'s prose in source order.

    Only prose is read (:attr:`Document.prose`: no code, URLs, front matter or HTML
    attributes). Years in tables, in link text, inside quotes and in italic or
    ``<cite>`` titles are names of things (a cited report, a data row), not claims.
    ``in YEAR`` counts only in a sentence written in the present or future tense with
    no past-tense verb; a weak word ("currently", "recently", "new", "this year",
    "last year", "coming soon", "upcoming", "at the moment") only with a year in the
    same sentence within six words (and "new" only outside the past tense and not in a
    name such as "New York"). Never raises.
    """
    prose = doc.prose
    if _YEAR_DIGITS.search(prose) is None:
        return []  # every statement holds a year of the prose (weak words one near them)
    text = doc.text
    excluded: list[tuple[int, int]] = []
    ex_starts: list[int] = []
    spans_read = False

    def read_spans() -> None:
        # the excluded spans, read at the first candidate (most pages have none)
        nonlocal excluded, ex_starts, spans_read
        spans_read = True
        excluded = _excluded_spans(doc)
        for m in _TITLE.finditer(text, doc.body_start):
            excluded.append((m.start(), m.end()))
        order = sorted(range(len(excluded)), key=lambda i: excluded[i][0])
        excluded = [excluded[i] for i in order]
        ex_starts = [a for a, _ in excluded]

    def is_excluded(pos: int) -> bool:
        if not spans_read:
            read_spans()
        k = bisect.bisect_right(ex_starts, pos) - 1
        while k >= 0 and ex_starts[k] > pos - 2000:
            a, b = excluded[k]
            if a <= pos < b:
                return True
            k -= 1
        return False

    def sentence(pos: int) -> tuple[int, int]:
        ends = list(_SENTENCE_END.finditer(prose, max(0, pos - 600), pos))
        s = ends[-1].end() if ends else max(0, pos - 600)
        e_m = _SENTENCE_END.search(prose, pos)
        e = e_m.start() if e_m else min(len(prose), pos + 600)
        return s, e

    def past(s: int, e: int) -> bool:
        for w in _PAST.finditer(prose, s, e):
            word = w.group(0).lower()
            if word.endswith("ed") and word in _ED_ADJECTIVES:
                continue
            before = prose[_word_back(prose, w.start(), 4, s):w.start()]
            if _PASSIVE.search(before):
                continue  # "is being bought and delivered": a present passive
            return True
        return False

    out: list[DatedStatement] = []
    taken: set[int] = set()
    for m in _AS_OF.finditer(prose):
        if is_excluded(m.start(1)):
            continue
        out.append(DatedStatement(m.start(), m.end(), int(m.group(1)),
                                  " ".join(m.group(0).split()), "as-of"))
        taken.add(m.start(1))
    for m in _IN_YEAR.finditer(prose):
        if m.start(1) in taken or is_excluded(m.start(1)):
            continue
        s, e = sentence(m.start())
        if not _PRESENT.search(prose, s, e) or past(s, e):
            continue
        out.append(DatedStatement(m.start(), m.end(), int(m.group(1)),
                                  " ".join(m.group(0).split()), "in-year"))
        taken.add(m.start(1))
    for m in _WEAK.finditer(prose):
        word = m.group(1).lower()
        if word == "new" and _PROPER_NEW.match(text, m.start()):
            continue
        s, e = sentence(m.start())
        if word == "new" and past(s, e):
            continue
        lo = _word_back(prose, m.start(), 6, s)
        hi = _word_forward(prose, m.end(), 6, e)
        for y in _ANY_YEAR.finditer(prose, lo, hi):
            if y.start(1) in taken or is_excluded(y.start(1)) or is_excluded(m.start()):
                continue
            a, b = min(m.start(), y.start(1)), max(m.end(), y.end(1))
            if prose[b:b + 1] == ")" and "(" in prose[a:b]:
                b += 1  # "last year (2018)"
            out.append(DatedStatement(a, b, int(y.group(1)),
                                      " ".join(prose[a:b].split()), "relative"))
            taken.add(y.start(1))
            break
    out.sort(key=lambda d: d.start)
    return out


def _word_back(s: str, pos: int, words: int, floor: int) -> int:
    i = pos
    for _ in range(words):
        j = s.rfind(" ", floor, max(floor, i - 1))
        if j < 0:
            return floor
        i = j
        while i > floor and s[i - 1] == " ":
            i -= 1
    return max(floor, i)


def _word_forward(s: str, pos: int, words: int, ceil: int) -> int:
    i = pos
    for _ in range(words):
        while i < ceil and s[i] == " ":
            i += 1
        j = s.find(" ", i, ceil)
        if j < 0:
            return ceil
        i = j
    return min(ceil, i)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


class StaleContent(Rule):
    """Dated statements in prose, and review or expiry dates that have passed.

    **What it does.** Reports:

    * dated statements in prose whose year is more than ``max-age-years`` (default 3)
      before today: "as of 2019", "as at March 2019"; "in 2015" in a sentence written
      in the present or future tense ("is being bought and delivered in 2015", not
      "launched in 2015", which is history); and the weak words "currently",
      "recently", "new", "this year", "last year", "coming soon", "upcoming", "at the
      moment" when a year stands beside them in the same sentence ("new for 2016",
      "currently (2017)"); at the phrase;
    * front matter review dates older than ``review-months`` (default 12):
      ``last_reviewed``, ``last_reviewed_on``, ``review_date``, ``lastmod``,
      ``last_updated``... (GOV.UK Tech Docs Template's ``review_in: 6 months`` beside
      ``last_reviewed_on`` sets the period for that page); and review-by or expiry
      dates already past: ``review_by``, ``next_review``, ``expires``,
      ``expiry_date``, ``expiration_date``...; at the key's line.

    Not reported: years in code, URLs, front matter values, table rows (historical
    data), link text and quoted or italic titles (a cited "Digital Strategy 2015");
    statements in the past tense. A dated page (front matter ``date``, or a post file
    named ``YYYY-MM-DD-title.md``) is a record of its time: what its prose says was
    true on its date, so only its review dates are checked. A page whose newest date (front matter
    or prose) is more than ``max-age-years`` old and that links to pages dated more
    than that much later than itself is history, superseded by the pages it links to,
    and is not reported (``outdated-link`` reasons the same way). A page past its
    Hugo ``expiryDate`` is not published, and is not reported.

    **Why it matters.** "Currently" and "as of 2019" are true on the day they are
    written and quietly false a few years later. Readers cannot tell which parts of a
    page still hold. GOV.UK's technical documentation gives each page a review date
    and warns readers once it has passed; plain-language guides ask writers to drop
    "currently".

    **Example.** ``As of 2019, the service is in beta.`` (today 2026),
    ``last_reviewed: 2024-01-10`` in the front matter.

    **Use instead.** ``The service is in beta.`` after checking it still is, or a
    statement with its own date that reads as history ("In 2019 the service was in
    beta"); a fresh ``last_reviewed`` after reviewing the page.

    **Fix.** None: only a person can check a statement is still true.

    **Options.** ``max-age-years`` (default 3), ``review-months`` (default 12),
    ``reviewed-keys`` and ``due-keys`` (lists replacing the default keys above).

    **Source.** GOV.UK Tech Docs Template documentation, "Page expiry and review"
    (``last_reviewed_on``, ``review_in``), https://github.com/alphagov/tdt-documentation
    (``source/configure_project/page_expiry_and_review/``);
    GOV.UK developer docs' periodic review system (pages carry a review date and
    show a warning once it passes), https://github.com/alphagov/govuk-developer-docs/pull/102 ;
    plainlanguage.gov "Use simple words and phrases" ("currently": omit, or "now"),
    https://www.plainlanguage.gov/guidelines/words/use-simple-words-phrases/ ; Hugo
    front matter ``expiryDate``, https://gohugo.io/content-management/front-matter/#expirydate
    """

    name: ClassVar[str] = "stale-content"
    code: ClassVar[str] = "PL401"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = False
    summary: ClassVar[str] = "Dated statements in prose and review dates that have passed"
    options_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "max-age-years": {"type": "integer", "minimum": 0, "maximum": 1000},
            "review-months": {"type": "integer", "minimum": 1, "maximum": 12000},
            "reviewed-keys": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "due-keys": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    }

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        opts = self.config.options
        self.max_age_years = int(opts.get("max-age-years", 3))
        self.review_months = int(opts.get("review-months", 12))
        self.reviewed_keys: Sequence[str] = tuple(opts.get("reviewed-keys", REVIEWED_KEYS))
        self.due_keys: Sequence[str] = tuple(opts.get("due-keys", DUE_KEYS))

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield the reports described in the class docstring, in source order.

        Args:
            doc: the document; its front matter, prose and links are read.
            ctx: ``ctx.today`` is "now".

        Yields:
            :class:`RawFinding` at the dated phrase, or at the front matter key.
        """
        today = ctx.today
        fm = doc.front_matter
        data = fm.data if fm is not None and isinstance(fm.data, dict) else {}
        for key in UNPUBLISH_KEYS:
            d = parse_date(data.get(key))
            if d is not None and d < today:
                return  # the generator no longer publishes the page
        statements = dated_statements(doc)
        if self._is_history(doc, data, statements, today):
            return
        reports: list[RawFinding] = list(self._front_matter(doc, data, today))
        if page_date(doc) is None:  # a dated page is a record of its time
            limit = today.year - self.max_age_years
            for st in statements:
                if st.year >= limit or st.year < MIN_YEAR:
                    continue
                reports.append(RawFinding(
                    st.start, st.end,
                    f'dated statement "{st.phrase}" is {today.year - st.year} years old; '
                    "check it is still true, then update it or remove the date",
                    data={"stale": st.kind, "year": st.year}))
        reports.sort(key=lambda r: r.start)
        yield from reports

    def _front_matter(self, doc: Document, data: Mapping[str, Any],
                      today: date) -> Iterator[RawFinding]:
        fm = doc.front_matter
        if fm is None or not data:
            return
        period = parse_period(data.get("review_in"))
        for key in self.reviewed_keys:
            d = parse_date(data.get(key))
            off = fm.last_key_offset(key)
            if d is None or off is None or d > today:
                continue
            months = period if period is not None and key == "last_reviewed_on" \
                else self.review_months
            due = _add_months(d, months)
            if due > today:
                continue
            ago = _ago(d, today)
            verb = "last changed" if key in ("lastmod", "last_modified", "last_updated",
                                             "last-updated") else "last reviewed"
            yield RawFinding(off, off + len(key),
                         f'page {verb} on {d.isoformat()} ({ago}, review '
                         f'every {months} months); review it and update "{key}"',
                         data={"stale": "review", "date": d.isoformat()})
        for key in self.due_keys:
            d = parse_date(data.get(key))
            off = fm.last_key_offset(key)
            if d is None or off is None or d >= today:
                continue
            ago = _ago(d, today)
            what = "expired" if key.startswith(("expir", "expires")) else "was due for review"
            yield RawFinding(off, off + len(key),
                         f'page {what} on {d.isoformat()} ({ago}); review it '
                         f'and update "{key}"',
                         data={"stale": "due", "date": d.isoformat()})

    def _is_history(self, doc: Document, data: Mapping[str, Any],
                    statements: list[DatedStatement], today: date) -> bool:
        """True when the page's newest date is more than ``max-age-years`` old and it
        links to a page dated more than ``max-age-years`` after that date."""
        dates: list[date] = []
        for key in ("date", *self.reviewed_keys):
            d = parse_date(data.get(key))
            if d is not None and d <= today:
                dates.append(d)
        written = page_date(doc)
        if written is not None:
            dates.append(written)
        dates.extend(date(st.year, 12, 31) for st in statements
                     if MIN_YEAR <= st.year <= today.year)
        for m in _ANY_YEAR.finditer(doc.prose):
            y = int(m.group(1))
            if MIN_YEAR <= y <= today.year:
                dates.append(date(y, 1, 1))
        if not dates:
            return False
        newest = max(dates)
        if newest >= _years_before(today, self.max_age_years):
            return False
        later = date(min(newest.year + self.max_age_years, 9999), newest.month, 1)
        for link in doc.links:
            found = find_url_date(link.url, today)
            if found is not None and found.day > later:
                return True
        return False
