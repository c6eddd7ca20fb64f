"""The ``outdated-link`` rule (PL102): offline signs that a link has gone stale.

Three checks, all offline and pure (no network, no clock: "now" is ``ctx.today``):

1. dated URLs: a blog-style date in the path older than ``max-age-years``;
2. insecure ``http://`` links (not for loopback, private addresses or reserved
   test names);
3. links to moved or retired sites listed in rule packs whose ``rule`` is
   ``outdated-link`` (the built-in one is ``rules/outdated-sites.yml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from playbook_lint.checks.ipliteral import ip_literal
from playbook_lint.findings import Edit, Fix, RawFinding, Severity
from playbook_lint.packregex import PackPattern, RegexTimeout, compile_pack_regex
from playbook_lint.rule import Context, Rule, RuleConfig

if TYPE_CHECKING:
    from playbook_lint.document import Document
    from playbook_lint.links.extract import Link

__all__ = ["OutdatedLink", "UrlDate", "find_url_date", "is_local_host", "age_in_years"]

#: The earliest year taken as a page date (the web went public in 1991).
MIN_YEAR = 1991

# /YYYY/MM/ or /YYYY/MM/DD/ as whole path segments (WordPress, Blogger, Jekyll
# permalinks). The month and day must be two digits, as those generators write them.
_PATH_DATE = re.compile(r"/(\d{4})/(\d{2})(?:/(\d{2}))?(?=/|$)")
# A YYYY-MM-DD date inside one path segment, e.g. ``/news/2015-02-18-title``.
_SLUG_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")

# Pictures, audio and video: a date in their path is an upload folder, and a still
# picture or recording does not go out of date the way a page does.
_MEDIA = re.compile(
    r"\.(?:png|jpe?g|gif|svg|webp|avif|bmp|ico|tiff?|mp3|m4a|wav|ogg|mp4|m4v|webm|mov|avi)$",
    re.IGNORECASE,
)

# Reserved names that never resolve on the public internet (RFC 2606 and RFC 6761,
# https://www.rfc-editor.org/rfc/rfc6761) plus mDNS ``.local`` (RFC 6762).
_RESERVED_SUFFIXES = (".localhost", ".test", ".example", ".invalid", ".local")
_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True)
class UrlDate:
    """A date found in a URL path.

    Attributes:
        day: the date; when the URL gives only year and month, the first of that month.
        text: the date as written at its precision: ``"2015-02"`` or ``"2015-02-18"``.
    """

    day: date
    text: str


def _valid(year: str, month: str, day: str | None) -> date | None:
    try:
        return date(int(year), int(month), int(day) if day else 1)
    except ValueError:
        return None


def find_url_date(url: str, today: date) -> UrlDate | None:
    """Return the first date written in the path of ``url``, or None.

    Only the path counts (not the host, query or fragment). Recognised forms are
    ``/YYYY/MM/``, ``/YYYY/MM/DD/`` (two-digit month and day, whole segments) and a
    ``YYYY-MM-DD`` run inside a segment. Numbers that are not dates are ignored:
    ``/pull/1932``, ``/issues/2015``, a lone ``/2015/``, a month above 12, a day
    that does not exist, a year before 1991 or a date after ``today``. Links to
    picture, audio and video files (``.png``, ``.jpg``, ``.mp3``, ``.mp4``...) have
    no page date: their dated folder is an upload folder.

    Args:
        url: an absolute or relative URL as written.
        today: the reference date (dates after it are not page dates).

    Returns:
        a :class:`UrlDate`, or None when the path has no date. Never raises.
    """
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if _MEDIA.search(path):
        return None
    candidates: list[tuple[int, UrlDate]] = []
    for m in _PATH_DATE.finditer(path):
        d = _valid(m.group(1), m.group(2), m.group(3))
        if d is not None and MIN_YEAR <= d.year and d <= today:
            text = f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")
            candidates.append((m.start(), UrlDate(d, text)))
            break
    for m in _SLUG_DATE.finditer(path):
        d = _valid(m.group(1), m.group(2), m.group(3))
        if d is not None and MIN_YEAR <= d.year and d <= today:
            candidates.append((m.start(), UrlDate(d, m.group(0))))
            break
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def age_in_years(then: date, today: date) -> int:
    """Return the number of whole years from ``then`` to ``today`` (0 if ``then`` is later)."""
    years = today.year - then.year - ((today.month, today.day) < (then.month, then.day))
    return max(0, years)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")


def page_date(doc: Document) -> date | None:
    """The date a page was written, when it says so: front matter ``date`` (a date,
    a datetime or a string starting ``YYYY-MM-DD``), else a Jekyll/Hugo post file
    name ``YYYY-MM-DD-title.md``; None otherwise. Dated pages (news, blog posts) are
    records of their time: a link's age is measured from the page's date."""
    from datetime import datetime

    fm = doc.front_matter
    value = fm.data.get("date") if fm is not None and fm.data else None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
        if m:
            return _valid(*m.groups())
    m = _DATED_NAME.match(doc.path.name)
    return _valid(*m.groups()) if m else None


def is_local_host(host: str) -> bool:
    """Return True if ``host`` is not a public internet name, so plain ``http://`` is fine.

    That is: ``localhost`` and ``*.localhost``; loopback, private, link-local and
    unspecified IP addresses (``127.0.0.1``, ``10.x``, ``192.168.x``, ``::1``,
    ``0.0.0.0``); the reserved test names of RFC 2606/6761 (``example.com``,
    ``example.net``, ``example.org`` and their subdomains, ``*.example``, ``*.test``,
    ``*.invalid``) and mDNS ``*.local``. ``host`` is compared case-insensitively,
    without brackets or trailing dot.
    """
    h = host.lower().strip("[]").rstrip(".")
    if not h:
        return True
    if h == "localhost" or h.endswith(_RESERVED_SUFFIXES):
        return True
    if any(h == d or h.endswith("." + d) for d in _EXAMPLE_DOMAINS):
        return True
    ip = ip_literal(h)
    if ip is None:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


@dataclass(frozen=True)
class _SiteEntry:
    pattern: PackPattern
    replacement: str | None
    reason: str | None
    source: str
    retired: str | None
    safe: bool
    joinable: bool = False


def _compile_entries(packs: tuple[Any, ...]) -> list[_SiteEntry]:
    from pathlib import Path

    from playbook_lint.packs import builtin_pack_dir

    shipped = builtin_pack_dir().resolve()
    out: list[_SiteEntry] = []
    for pack in packs:
        if not getattr(pack, "enabled", True):
            continue
        # the built-in packs' patterns are compiled by the tests: compile them on first
        # use (a URL the joined prefilter does not match runs none of them), so a
        # one-file run pays only for what it meets; a user pack's compile now
        builtin = Path(pack.path).resolve().parent == shipped
        for i, e in enumerate(pack.entries):
            try:
                rx = compile_pack_regex(  # bounded: a pack's pattern may backtrack
                    e["pattern"], re.IGNORECASE, where=f"{pack.path}: entries[{i}].pattern",
                    lazy=builtin)
            except (re.error, KeyError, TypeError):
                continue  # packs are validated on load; a hand-built bad one is skipped
            retired = e.get("retired")
            out.append(
                _SiteEntry(
                    pattern=rx,
                    replacement=e.get("replacement"),
                    reason=e.get("reason"),
                    source=str(e.get("source", "")),
                    retired=str(retired) if retired is not None else None,
                    safe=bool(e.get("safe", False)),
                    joinable=joinable(e["pattern"]),
                )
            )
    return out


#: ``(?`` constructs that keep their meaning inside ``(?:a)|(?:b)``: non-capturing,
#: lookaround, atomic, comment, named groups and scoped flags (``(?i:``, ``(?-i:``).
_LOCAL_GROUP = re.compile(r"\(\?(?::|=|!|<=|<!|>|#|P<|<(?![=!])|[ims]*-?[ims]*:)")
#: Syntax that numbers, calls or references groups, or sets flags for the whole
#: pattern (``\1``, ``\g<1>``, ``\k<n>``, ``(?P=n)``, ``(?(1)..)``, ``(?R)``, ``(?1)``,
#: ``(?|..)``, ``(?i)``, ``(?V1)``): joined to others, it would change meaning.
_NOT_LOCAL = re.compile(r"\\[0-9gk]")

#: How many distinct URLs (scheme removed) one rule instance remembers.
MEMO_SIZE = 20_000


def joinable(pattern: str) -> bool:
    """True if ``pattern`` matches exactly as before when it is one branch of an
    alternation of several patterns, ``(?:p1)|(?:p2)|...``: it has no group
    references or calls (their numbers would shift), no conditionals, no branch
    reset and no inline flags for the whole pattern. The test is on the text and
    errs towards False (``\\1``, a literal backslash and 1, is refused too)."""
    if _NOT_LOCAL.search(pattern):
        return False
    at = pattern.find("(?")
    while at >= 0:
        if not _LOCAL_GROUP.match(pattern, at):
            return False
        at = pattern.find("(?", at + 2)
    return True


def _prefilter(entries: list[_SiteEntry]) -> PackPattern | None:
    """One bounded pattern that matches (at the start) whenever one of the joinable
    entries' patterns does: ``(?:p1)|(?:p2)|...`` under the same flags, or None when
    fewer than two entries are joinable. A URL it does not match cannot match any
    of them, so only the other entries need to run on it."""
    parts = [e.pattern.pattern for e in entries if e.joinable]
    if len(parts) < 2:
        return None
    joined = "|".join(f"(?:{p})" for p in parts)
    try:
        return compile_pack_regex(joined, re.IGNORECASE, lazy=True,
                                  where="outdated-link: the packs' patterns joined")
    except re.error:
        return None


_SCHEME_WRITTEN = re.compile(r"(?i)(?:https?:)?//")


def _strip_scheme(url: str) -> str | None:
    m = _SCHEME_WRITTEN.match(url)
    return url[m.end():] if m else None


class OutdatedLink(Rule):
    """Links that are probably out of date: old dated pages, plain ``http://``, and
    sites that have moved or been retired.

    **What it does.** Offline, for every absolute ``http(s)://`` (or ``//host``) link
    of the body whose scheme is written in the source (a bare ``GOV.UK`` that
    linkify turns into ``http://GOV.UK`` is not checked), it reports:

    * a *dated* page: the path carries a date — ``/YYYY/MM/``, ``/YYYY/MM/DD/``
      or a ``YYYY-MM-DD`` slug — older than ``max-age-years`` (default 5) counted
      from the run's "today" (``ctx.today``, never the clock) or, on a dated page
      (front matter ``date`` or a ``YYYY-MM-DD-title.md`` post name: a news item or
      blog post is a record of its time), from the page's own date. Numbers that are not
      dates (``/pull/1932``, ``/issues/2015``, a lone ``/2015/``, month 13) are
      ignored, and so are images and links to picture, audio or video files (an
      upload folder date says nothing about whether a picture is current) and
      relative links (your own site's pages are checked
      by ``broken-link``);
    * an *insecure* ``http://`` link, except to hosts that are not on the public
      internet: ``localhost``, ``*.localhost``, loopback/private IP addresses and
      the reserved test names of RFC 6761 (``example.com``, ``*.test``, ...);
    * a link to a *moved or retired site* listed in a rule pack (built-in:
      ``rules/outdated-sites.yml``), giving the pack's reason and replacement.
      When a link matches a pack entry, no separate ``http://`` report is made for it.

    **Why it matters.** Guidance outlives the pages it cites. Old blog posts are
    often superseded, plain HTTP links are open to tampering and many now redirect,
    and government sites are merged or switched off (DigitalGov, usability.gov,
    Directgov), leaving readers on redirects or dead ends.

    **Example.** ``See [the plays](https://playbook.cio.gov/#play1) and
    [this post](http://blog.example.org/2015/02/post.html).``

    **Use instead.** ``See [the plays](https://playbook.usds.gov/#play1) ...``

    **Fix.** Pack entries with a URL replacement offer a fix that rewrites the link;
    it is marked safe only when the entry says the owner documented a pure host move
    (``safe: true``), otherwise it is unsafe (the new page may differ). The
    ``http://`` report suggests the ``https://`` URL as an unsafe fix: offline we
    cannot know the site serves HTTPS (the ``redirected-link`` check can prove it).
    Dated pages have no fix: a person must check them.

    **Options.** ``max-age-years`` (integer >= 0, default 5; 0 turns the date check
    off), ``check-http`` (boolean, default true).

    **Pack entries** (JSON Schema :attr:`pack_entry_schema`): ``pattern`` — a
    regular expression matched case-insensitively at the start of the URL with its
    scheme (``http://``, ``https://`` or ``//``) removed, e.g.
    ``(?:www\\.)?playbook\\.cio\\.gov(/.*)?$``; ``replacement`` — the new URL, which
    may use the pattern's groups (``\\1``, ``\\g<name>``; an unmatched group is
    empty); ``reason`` — a short clause for the message; ``source`` — the URL of
    the evidence (required); ``retired`` — ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``;
    ``safe`` — true only for host moves the owner documented. An entry needs a
    ``replacement`` or a ``reason``.

    **Source.** Insecure links: https://https.cio.gov/ (US federal HTTPS-only
    standard, M-15-13) and https://www.ncsc.gov.uk/collection/cyber-security-design-principles;
    reserved names: https://www.rfc-editor.org/rfc/rfc6761.
    """

    name: ClassVar[str] = "outdated-link"
    code: ClassVar[str] = "PL102"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = "Links to old dated pages, plain http:// or moved/retired sites"
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["pattern", "source"],
        "anyOf": [{"required": ["replacement"]}, {"required": ["reason"]}],
        "properties": {
            "pattern": {"type": "string", "format": "regex", "minLength": 1},
            "replacement": {"type": "string", "pattern": r"^https://"},
            "reason": {"type": "string", "minLength": 1},
            "source": {"type": "string", "pattern": r"^https?://"},
            "retired": {"type": "string", "pattern": _DATE_PATTERN},
            "safe": {"type": "boolean"},
        },
    }
    options_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "max-age-years": {"type": "integer", "minimum": 0, "maximum": 1000},
            "check-http": {"type": "boolean"},
        },
    }

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        opts = self.config.options
        age = opts.get("max-age-years", 5)
        valid = isinstance(age, int) and not isinstance(age, bool) and age >= 0
        self.max_age_years = age if valid else 5  # config validation reports bad values
        self.check_http = bool(opts.get("check-http", True))
        self.sites = _compile_entries(tuple(self.config.packs))
        self._prefilter = _prefilter(self.sites)
        self._unjoined = [s for s in self.sites if not s.joinable]
        self._memo: dict[str, tuple[_SiteEntry, Any] | None] | None = {}

    def __getstate__(self) -> dict[str, Any]:
        """For pickling and copying: the remembered lookups (``regex`` match objects do
        not pickle) are left behind; the copy starts with an empty memo."""
        state = self.__dict__.copy()
        if state.get("_memo") is not None:
            state["_memo"] = {}
        return state

    def _site_match(self, rest: str) -> tuple[_SiteEntry, Any] | None:
        """The first pack entry (in pack order) whose pattern matches ``rest`` (the URL
        without its scheme), with its match object; None if none does.

        The same as trying every entry in turn, only cheaper: a URL the joined
        prefilter does not match runs only the entries that could not be joined, and
        each distinct URL is looked up once per rule instance. Every pattern that runs
        keeps its time limit; once one has timed out (:class:`RegexTimeout`, which is
        raised as before), the plain entry-by-entry loop is used for the rest of the run,
        so a failed pattern fails every later call at once, as it always has.
        """
        memo = self._memo
        if memo is not None and rest in memo:
            return memo[rest]
        try:
            hit = self._lookup(rest)
        except RegexTimeout:
            self._memo = None
            self._prefilter = None
            raise
        if memo is not None and self._memo is not None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[rest] = hit
        return hit

    def _lookup(self, rest: str) -> tuple[_SiteEntry, Any] | None:
        sites = self.sites
        pre = self._prefilter
        if pre is not None:
            try:
                if pre.match(rest) is None:
                    sites = self._unjoined
            except RegexTimeout:
                self._prefilter = None  # the plain loop below: each pattern on its own limit
                self._memo = None
        for site in sites:
            m = site.pattern.match(rest)
            if m is not None:
                return site, m
        return None

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per problem per link (see the class docstring).

        Args:
            doc: the document; its ``links`` are read.
            ctx: ``ctx.today`` is the reference date for ages.

        Yields:
            :class:`RawFinding` spanning the URL as written (``link.start``..``link.end``).
        """
        for link in doc.links:
            if link.kind == "image-ref" or getattr(link, "fuzzy", False):
                continue  # the definition carries the URL; fuzzy: no scheme written
            if _strip_scheme(doc.text[link.start:link.end].lstrip()) is None:
                # relative, mailto:, ftp:, templated, or a bare domain such as
                # "GOV.UK" that linkify turned into http://GOV.UK: no scheme was written.
                continue
            rest = _strip_scheme(link.url.strip())
            if rest is None:
                continue
            yield from self._check_link(doc, ctx, link, rest)

    def _check_link(
        self, doc: Document, ctx: Context, link: Link, rest: str
    ) -> Iterator[RawFinding]:
        url = link.url.strip()
        written = doc.text[link.start:link.end]
        matched_site = False
        hit = self._site_match(rest)
        if hit is not None:
            matched_site = True
            yield self._site_report(link, written, hit[0], hit[1])
        if self.max_age_years and not link.is_image:
            found = find_url_date(url, ctx.today)
            written_on = page_date(doc) if found is not None else None
            ref = written_on if written_on is not None and written_on < ctx.today \
                else ctx.today
            if found is not None and found.day < _years_before(ref, self.max_age_years):
                age = age_in_years(found.day, ref)
                unit = "year" if age == 1 else "years"
                when = "old" if ref == ctx.today else "older than this page"
                yield RawFinding(
                    link.start,
                    link.end,
                    f"link is to a page dated {found.text} ({age} {unit} {when}); "
                    "check it is still current",
                    data={"outdated": "dated", "date": found.text, "age_years": age},
                )
        if self.check_http and not matched_site and url[:7].lower() == "http://":
            try:
                host = urlsplit(url).hostname or ""
            except ValueError:
                host = ""
            if host and not is_local_host(host):
                secure = "https://" + url[7:]
                fix = None
                if written[:7].lower() == "http://":
                    fix = Fix(
                        "Use https://",
                        (Edit(link.start, link.start + len("http://"), "https://"),),
                        safe=False,
                    )
                yield RawFinding(
                    link.start,
                    link.end,
                    "link uses insecure http://; use https:// if the site supports it",
                    suggestion=secure,
                    fix=fix,
                    data={"outdated": "insecure"},
                )

    def _site_report(
        self, link: Link, written: str, site: _SiteEntry, m: re.Match[str]
    ) -> RawFinding:
        new: str | None = None
        if site.replacement:
            try:
                new = m.expand(site.replacement)
            except (re.error, IndexError):
                new = None
        parts: list[str] = []
        if site.reason:
            parts.append(site.reason)
        else:
            parts.append("this site has moved")
        if new:
            parts.append(f"use {new}")
        message = "outdated site: " + "; ".join(parts)
        fix = None
        if new and written == link.url and new != link.url:
            title = "Move link to the new site" if site.safe else "Replace with the new URL"
            fix = Fix(title, (Edit(link.start, link.end, new),), safe=site.safe)
        data: dict[str, Any] = {"outdated": "site", "evidence": site.source}
        if site.retired:
            data["retired"] = site.retired
        return RawFinding(link.start, link.end, message, suggestion=new, fix=fix, data=data)
