"""The ``link-hygiene`` rule (PL104): links that are wrong before anyone follows them.

Everything here is offline and pure: the URL as written is all that is read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

from playbook_lint.checks.ipliteral import ip_literal
from playbook_lint.findings import Edit, Fix, RawFinding, Severity
from playbook_lint.rule import Context, Rule, RuleConfig

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["LinkHygiene", "WrittenLink", "written_links", "same_url_key", "scheme_typo"]

#: Link kinds a reader is given as a link: text or an image that goes somewhere.
#: Bare URLs and autolinks show the address itself, as prose does (how a how-to page
#: tells readers to open http://localhost:4000), so host rules leave them alone.
READER_KINDS = frozenset({"inline", "definition", "html-a", "image", "html-img",
                          "front-matter", "unparsed", "unclosed"})
#: Schemes written on purpose (IANA registry, common app schemes): never "misspelt".
KNOWN_SCHEMES = frozenset({
    "http", "https", "ftp", "ftps", "sftp", "tftp", "mailto", "tel", "sms", "fax",
    "data", "file", "ssh", "git", "svn", "irc", "ircs", "news", "nntp", "webcal",
    "urn", "geo", "magnet", "ws", "wss", "xmpp", "sip", "sips", "callto", "skype",
    "slack", "zoommtg", "msteams", "feed", "rtsp", "rtmp", "ldap", "ldaps", "smb",
    "nfs", "s3", "gs", "about", "chrome", "javascript", "blob", "doi", "isbn",
})
#: Defanged schemes (security write-ups break links on purpose): not a working link.
DEFANGED = frozenset({"hxxp", "hxxps", "hxxxp", "fxp", "hXXp", "hXXps"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_NO_COLON = re.compile(r"^(https?)//(?=[A-Za-z0-9])", re.IGNORECASE)
_BAD_SLASHES = re.compile(r"^(https?):(?!//(?!/))/*(?=[A-Za-z0-9\[])", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_UNC = re.compile(r"^\\\\[^\\\s]+\\")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\\\"]+@[^@\s,;<>()\[\]\\\"]+\.[A-Za-z]{2,63}$")
_TEMPLATE = ("{{", "{%", "<%", "%7B%7B", "%7B%25", "{", "}", "<", ">", "$")
#: Reserved documentation names (RFC 2606, RFC 6761): nobody's real login.
_EXAMPLE_HOSTS = ("example.com", "example.org", "example.net")
_PLACEHOLDER_SECRET = re.compile(
    r"^(?:[A-Z_]+|password|passwd|pass|pwd|secret|token|x+|\*+|\.+|your[-_]?\w*)$",
    re.IGNORECASE,
)
#: Markdown link syntax markdown-it did not turn into a link (``[a](file:///x)``,
#: ``[a](https://x.gov/a b)``, unbalanced brackets): the reader sees the raw text.
#: (the "[" comes before the lookbehind, which then reads the character before it, so
#: that the regex engine can skip to each "[" instead of trying every position)
_UNPARSED = re.compile(r"\[(?<![\\\]]\[)([^\[\]\n]{0,300})\]\(([^()\n]{0,500}(?:\([^()\n]{0,500}\)"
                       r"[^()\n]{0,500})*)(\)|$)", re.MULTILINE)
#: Second-level labels under which a country code's registrable names sit (gov.uk).
_SLD = frozenset({"co", "gov", "ac", "org", "com", "net", "nhs", "police", "mod", "ltd",
                  "plc", "sch", "edu", "mil", "nic", "govt"})


@dataclass(frozen=True)
class WrittenLink:
    """A destination as the page writes it.

    Attributes:
        url: the destination, stripped of surrounding spaces.
        start, end: offsets of the destination in ``Document.text``.
        kind: a :class:`~playbook_lint.links.extract.Link` kind, ``"front-matter"``
            for a front matter value, or ``"unparsed"`` for Markdown link syntax that
            is not a link (markdown-it refuses ``file:`` destinations and spaces).
        text: the link text, when there is one.
        fuzzy: True for a bare address written without a scheme (``GOV.UK``), which
            markdown-it links as ``http://`` (see :class:`~playbook_lint.links.extract.Link`).
    """

    url: str
    start: int
    end: int
    kind: str
    text: str = ""
    fuzzy: bool = False


def written_links(doc: Document) -> list[WrittenLink]:
    """Every destination of ``doc`` in source order: its links (image references left
    out: their definition is the destination), its front matter links and Markdown
    link syntax that did not become a link. Never raises."""
    from playbook_lint.links.fmlinks import front_matter_links

    out: list[WrittenLink] = []
    covered: list[tuple[int, int]] = []
    for link in doc.links:
        if link.kind == "image-ref":
            continue
        raw = doc.text[link.start:link.end]
        lead = len(raw) - len(raw.lstrip())
        url = link.url.strip()
        out.append(WrittenLink(url, link.start + lead, link.start + lead + len(raw.strip()),
                               link.kind, link.text, link.fuzzy))
        if link.kind not in ("bare", "autolink"):  # a bare URL may sit in broken syntax
            covered.append((link.node_start, link.node_end))
    try:
        for fl in front_matter_links(doc):
            out.append(WrittenLink(fl.url, fl.start, fl.end, "front-matter", fl.key))
    except Exception:  # noqa: BLE001 - odd YAML must not stop the other checks
        pass
    text = doc.text
    if "](" in text[doc.body_start:]:
        prose = doc.prose
        covered.sort()
        starts = [a for a, _ in covered]
        for m in _UNPARSED.finditer(text, doc.body_start):
            s = m.start()
            if prose[s] != "[" or (m.group(1) and not prose[s + 1:m.end(1)].strip()):
                continue  # in code, a comment or an attribute
            if _overlaps(covered, starts, s, m.end()):
                continue  # a real link (or inside one)
            dest = m.group(2)
            url = dest.strip()
            if not url or not re.search(r"[/.:#\\]", url):
                continue  # "[sic](see below)": brackets in prose, not a link
            ds = m.start(2) + (len(dest) - len(dest.lstrip()))
            kind = "unparsed" if m.group(3) else "unclosed"
            out.append(WrittenLink(url, ds, ds + len(url), kind, m.group(1)))
    out.sort(key=lambda w: w.start)
    return out


def _overlaps(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """True if ``[start, end)`` overlaps one of ``spans`` (sorted; ``starts`` their starts)."""
    k = bisect.bisect_left(starts, end) - 1
    while k >= 0:
        a, b = spans[k]
        if b > start:
            return True
        if k == 0 or starts[k] < start - 2000:
            return False
        k -= 1
    return False


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and
    swaps of neighbours) between two short strings."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def scheme_typo(scheme: str) -> str | None:
    """Return ``"http"`` or ``"https"`` when ``scheme`` is a misspelling of one (at most
    two edits away and not a scheme of its own: ``htps``, ``htttp``, ``hhtps``), else
    None (``ftp``, ``sftp`` and other :data:`KNOWN_SCHEMES` are schemes)."""
    low = scheme.lower()
    if low in KNOWN_SCHEMES or low in DEFANGED or not low.startswith(("h", "t")):
        return None
    best = min(("https", "http"), key=lambda s: (_distance(low, s), s != "https"))
    if _distance(low, best) <= 2 and len(low) >= 3:
        return best
    return None


def _rfc_form(url: str) -> str:
    """``url`` after RFC 3986 section 6.2.2/6.2.3 normalisation (scheme and host case,
    default port, empty path as ``/``): spellings equal here are the same string to
    every browser, so they are not "written differently"."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host += f":{port}"
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    frag = f"#{parts.fragment}" if parts.fragment else ""
    return f"{scheme}://{host}{path}{query}{frag}"


def same_url_key(url: str) -> str | None:
    """Return the form in which two spellings of one absolute ``http(s)`` URL are equal
    (``http``/``https``, host case, a default port, a trailing ``/`` or ``index.html``
    ignored; query and fragment kept), or None for any other URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if port not in (None, 80, 443):
        host += f":{port}"
    path = parts.path
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    path = path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    frag = f"#{parts.fragment}" if parts.fragment else ""
    return f"//{host}{path}{query}{frag}"


@dataclass(frozen=True)
class _HostRule:
    kind: str  # "host" (exact or *.suffix), "label", "allow"
    value: str
    reason: str
    inner: bool = False  # a label: only with another label left of it


#: Labels naming a deployment environment: a page that links to one service under two
#: of them (signon.staging.x and signon.integration.x) documents its environments.
ENVIRONMENT_LABELS = frozenset({
    "staging", "stage", "preview", "dev", "development", "integration", "production",
    "prod", "test", "testing", "qa", "uat", "preprod", "pre-production", "sandbox", "demo",
})


@dataclass
class _Page:
    """What the host checks need to know about the page being checked."""

    hosts: frozenset[str]
    technical: bool  # the page shows code: commands that start local servers


def _host_rules(packs: tuple[Any, ...], options: Mapping[str, Any]) -> tuple[
        list[_HostRule], frozenset[str]]:
    rules: list[_HostRule] = []
    shorteners: set[str] = set()
    for pack in packs:
        for entry in pack.entries:
            if "shortener" in entry:
                shorteners.add(str(entry["shortener"]).lower())
            for kind in ("host", "label", "allow"):
                if kind in entry:
                    rules.append(_HostRule(kind, str(entry[kind]).lower(),
                                           str(entry.get("reason", "")),
                                           entry.get("position") == "inner"))
    for host in options.get("unpublished-hosts", ()) or ():
        rules.append(_HostRule("host", str(host).lower(), ""))
    for host in options.get("allow-hosts", ()) or ():
        rules.append(_HostRule("allow", str(host).lower(), ""))
    for host in options.get("shorteners", ()) or ():
        shorteners.add(str(host).lower())
    return rules, frozenset(shorteners)


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and host != pattern[2:]
    return host == pattern


def _subdomain_labels(host: str) -> list[str]:
    """The labels of ``host`` left of its registrable name (``app.staging`` of
    ``app.staging.service.gov.uk`` has ``app``, ``staging``, ``service``... minus the
    last two, or three under a country's ``gov``/``co``/``ac`` level)."""
    labels = host.split(".")
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SLD:
        keep = 3
    return labels[:-keep] if len(labels) > keep else []


class LinkHygiene(Rule):
    """Links that are wrong as written: login details, local files, malformed URLs,
    hosts readers cannot reach, and shorteners.

    **What it does.** Reports, at the destination as written, for every link of a
    page (Markdown, reference definitions, HTML ``href``/``src``, bare URLs and front
    matter links):

    * login details in a URL (``https://user:secret@host/``): an **error** (a
      placeholder password such as ``PASSWORD`` or an ``example.com`` host is a
      warning, a user name alone is a warning); the message never repeats the
      user name or the secret;
    * ``file:`` links, links to a local drive (``C:\\Users\\...``) or a network share
      (``\\\\server\\share``), and Markdown links with an empty or ``#`` destination
      (``[text]()``, ``[text](#)``);
    * malformed or misspelt URLs: a misspelt scheme (``htps://``, ``htttp://``), a
      defanged one (``hxxp://``), a missing colon or slash (``http//x``, ``https:/x``),
      spaces, unbalanced brackets, a host name that cannot exist (``www..gov.uk``,
      ``-x.gov``, a numeric top-level label), a ``mailto:`` with an invalid address;
      Markdown link syntax that markdown-it does not turn into a link (a ``file:``
      destination, a space) is read too, since the reader then sees raw brackets;
    * hosts a site must not publish, when written as a link for readers
      (``[text](url)``, ``<a href>``, an image, a reference definition, a front matter
      link): ``localhost``, loopback, private and link-local IP addresses, ``*.local``,
      ``*.internal``, ``*.localhost`` and hosts with a ``staging`` or ``preview``
      label left of the registrable name (``app.staging.example.gov``) or an inner
      ``dev`` label (``app.dev.example.gov``; ``dev.twitter.com`` is a developer site
      and ``web.dev`` a public name), from ``rules/link-hosts-unpublished.yml``.
      Written as a bare address in prose or code, an autolink, or a link whose text
      is its own address, it is how a how-to page tells readers to open something on
      their own machine, and is not reported; nor is ``localhost`` or a loopback
      address on a page that shows code (the command that starts the server), nor a
      pre-production host on a page that also links the same service under another
      environment label (``signon.staging.x`` beside ``signon.integration.x``: an
      operations manual documenting its environments);
    * the same URL written differently on one page (``https://x.gov/a`` and later
      ``http://x.gov/a/``): ``info``, at each later spelling;
    * links through a URL shortener (``bit.ly``, ``tinyurl.com``... from
      ``rules/link-shorteners.yml``), which hide where the link goes.

    Destinations with template syntax (``{{ }}``, ``{% %}``, ``<% %>``) or
    placeholders (``<your-app>``) are not judged. ``www.x.org`` without a scheme is
    ``broken-link``'s (a relative path that does not exist).

    **Why it matters.** A password in a published URL is a leaked password. Readers
    cannot open a colleague's ``file:`` share, ``localhost`` or a staging server; a
    misspelt URL fails for every reader; a shortener hides the destination from the
    reader and from link checkers, and dies with its service.

    **Example.** ``[report](https://jo:s3cret@files.example.gov/r.pdf)``,
    ``[notes](file:///C:/Users/jo/notes.docx)``, ``[home](htps://www.gov.uk)``,
    ``[dashboard](https://dashboard.staging.example.gov/)``, ``[form](https://bit.ly/3xYz)``

    **Use instead.** A link without login details to a page readers can open:
    ``[report](https://files.example.gov/r.pdf)``, ``[home](https://www.gov.uk)``, the
    production address, the full address the shortener hid.

    **Fix.** A misspelt ``http``/``https`` scheme or its missing colon or slashes
    (``htps://`` to ``https://``, ``http//`` to ``http://``): safe. Removing login
    details: unsafe (the link may stop working without them; change the password
    anyway, it has been published). Everything else needs a person.

    **Options.** ``unpublished-hosts`` (more hosts, exact or ``*.suffix``),
    ``allow-hosts`` (hosts never reported as unpublished), ``private-addresses``
    (``false``: do not report IP literals), ``shorteners`` (more shortener hosts),
    ``same-url`` (``false``: do not report one URL written two ways).

    **Source.** GOV.UK Link Checker API (the checks GOV.UK runs for its publishers:
    login details in a URL, local files, invalid URLs),
    https://github.com/alphagov/link-checker-api (``lib/link_checker/uri_checker/``:
    ``http_checker.rb``, ``valid_uri_checker.rb``, ``file_checker.rb``);
    RFC 3986 URI syntax, https://www.rfc-editor.org/rfc/rfc3986 ; RFC 1123 host
    names, https://www.rfc-editor.org/rfc/rfc1123#page-13 ; RFC 1918 private
    addresses, https://www.rfc-editor.org/rfc/rfc1918 ; RFC 6762 ``.local``,
    https://www.rfc-editor.org/rfc/rfc6762 ; Government Communication Service, "Link
    shorteners: the long and short of why you shouldn't use them",
    https://gcs.civilservice.gov.uk/blog/link-shorteners-the-long-and-short-of-why-you-shouldnt-use-them/
    """

    name: ClassVar[str] = "link-hygiene"
    code: ClassVar[str] = "PL104"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = True
    summary: ClassVar[str] = ("Login details, file: and local links, malformed URLs, "
                              "unpublished hosts and shorteners")
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "oneOf": [{"required": ["host"]}, {"required": ["label"]},
                  {"required": ["allow"]}, {"required": ["shortener"]}],
        "properties": {
            "host": {"type": "string", "pattern": r"^(?:\*\.)?[a-z0-9.-]+$"},
            "label": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
            "allow": {"type": "string", "pattern": r"^(?:\*\.)?[a-z0-9.-]+$"},
            "shortener": {"type": "string", "pattern": r"^[a-z0-9.-]+$"},
            "position": {"enum": ["inner"]},
            "reason": {"type": "string", "minLength": 1},
            "source": {"type": "string", "pattern": r"^https?://"},
        },
    }
    options_schema: ClassVar[Mapping[str, Any] | None] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "unpublished-hosts": {"type": "array", "items": {"type": "string"}},
            "allow-hosts": {"type": "array", "items": {"type": "string"}},
            "shorteners": {"type": "array", "items": {"type": "string"}},
            "private-addresses": {"type": "boolean"},
            "same-url": {"type": "boolean"},
        },
    }

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        opts = self.config.options
        self.host_rules, self.shorteners = _host_rules(tuple(self.config.packs), opts)
        self.private_addresses = bool(opts.get("private-addresses", True))
        self.same_url = bool(opts.get("same-url", True))
        self._plain_hosts: dict[str, bool] = {}  # see _plain

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield the reports described in the class docstring, in source order.

        Args:
            doc: the document; its links, front matter links and prose are read.
            ctx: unused (nothing here depends on the date or the network).

        Yields:
            :class:`RawFinding` spanning the destination as written.
        """
        seen: dict[str, tuple[str, int]] = {}
        links = written_links(doc)
        hosts: set[str] = set()
        for w in links:
            try:
                h = urlsplit(w.url).hostname
            except ValueError:
                h = None
            if h:
                hosts.add(h.lower())
        technical = any(t.type in ("fence", "code_block") for t in doc.tokens) or \
            "`" in doc.text[doc.body_start:]
        self._page = _Page(frozenset(hosts), technical)
        for w in links:
            found = list(self._check_one(doc, w))
            yield from found
            if self.same_url and not found and w.kind not in ("image", "html-img") and \
                    not w.fuzzy:
                key = same_url_key(w.url)
                if key is None:
                    continue
                prior = seen.get(key)
                if prior is None:
                    seen[key] = (w.url, w.start)
                elif _rfc_form(prior[0]) != _rfc_form(w.url):
                    line = doc.position(prior[1])[0]
                    yield RawFinding(w.start, w.end,
                                 f'same URL as on line {line}, written differently '
                                 f'("{prior[0]}"); write it one way',
                                 severity=Severity.INFO)

    def _check_one(self, doc: Document, w: WrittenLink) -> Iterator[RawFinding]:
        url = w.url
        if w.kind == "unclosed":
            if any(t in url for t in _TEMPLATE) or not re.match(r"[a-z][a-z0-9+.-]*:|/|#|\.",
                                                                url, re.IGNORECASE):
                return
            yield RawFinding(w.start, w.end, 'link has unbalanced brackets: its "(" is never '
                         "closed, so readers see the raw Markdown")
            return
        if w.kind in ("inline", "definition", "unparsed") and url in ("", "#"):
            what = "an empty destination" if not url else 'only "#" as its destination'
            yield RawFinding(w.start, max(w.end, w.start), f"link has {what}; link to a page "
                         "or remove the link")
            return
        if not url or any(t in url for t in _TEMPLATE):
            return
        if _DRIVE.match(url) or _UNC.match(url):
            where = "a network share" if url.startswith("\\\\") else f"a local drive ({url[0]}:)"
            yield RawFinding(w.start, w.end, f"link points to {where}, which readers cannot "
                         "open; link to a published copy")
            return
        m = _SCHEME.match(url)
        if m is None:
            yield from self._no_scheme(w)
            return
        scheme = m.group(1)
        low = scheme.lower()
        if low == "file":
            yield RawFinding(w.start, w.end, "file: link points to a file on one computer, "
                         "which readers cannot open; link to a published copy")
            return
        if low == "mailto":
            yield from self._mailto(w)
            return
        if low in DEFANGED or low in {d.lower() for d in DEFANGED}:
            yield RawFinding(w.start, w.end, f'link uses a defanged scheme "{scheme}:", so it '
                         "does not work; write http(s) or make it plain text")
            return
        typo = scheme_typo(scheme)
        if typo is not None and url[len(scheme) + 1:].startswith("/"):
            rest = url[len(scheme) + 1:].lstrip("/")
            fix = Fix(f"Use {typo}://", (Edit(w.start, w.start + len(url) - len(rest),
                                              f"{typo}://"),), safe=True)
            yield RawFinding(w.start, w.end, f'misspelt scheme "{scheme}:"; use "{typo}:"',
                         suggestion=f"{typo}://{rest}", fix=fix)
            return
        if low not in ("http", "https", "ftp", "ftps"):
            return
        bad = _BAD_SLASHES.match(url)
        if bad is not None:
            rest = url[bad.end():]
            fix = Fix(f"Use {low}://", (Edit(w.start, w.start + bad.end(), f"{low}://"),),
                      safe=True)
            yield RawFinding(w.start, w.end, f'malformed URL: "{low}:" must be followed by '
                         '"//"', suggestion=f"{low}://{rest}", fix=fix)
            return
        yield from self._web_url(doc, w)

    def _no_scheme(self, w: WrittenLink) -> Iterator[RawFinding]:
        m = _NO_COLON.match(w.url)
        if m is not None:
            scheme = m.group(1).lower()
            rest = w.url[m.end():]
            fix = Fix(f"Use {scheme}://", (Edit(w.start, w.start + m.end(), f"{scheme}://"),),
                      safe=True)
            yield RawFinding(w.start, w.end, f'malformed URL: missing ":" after "{scheme}"',
                         suggestion=f"{scheme}://{rest}", fix=fix)

    def _mailto(self, w: WrittenLink) -> Iterator[RawFinding]:
        body = w.url[len("mailto:"):]
        addresses = unquote(body.split("?", 1)[0])
        if not addresses.strip():
            if "?" not in body:
                yield RawFinding(w.start, w.end, "mailto: link has no e-mail address")
            return
        for addr in addresses.split(","):
            addr = addr.strip()
            if not _EMAIL.match(addr):
                yield RawFinding(w.start, w.end,
                             f'mailto: link has an invalid e-mail address "{addr}"')
                return

    def _web_url(self, doc: Document, w: WrittenLink) -> Iterator[RawFinding]:
        url = w.url
        if re.search(r"\s", url):
            if w.kind == "unparsed":
                yield RawFinding(w.start, w.end, "Markdown link is not made: its destination has "
                             'a space (encode it as %20, or fix the title\'s quotes)')
            else:
                yield RawFinding(w.start, w.end,
                             "URL contains a space; encode it as %20 or remove it")
            return
        body = url.split("#", 1)[0]
        if body.count("(") != body.count(")") or body.count("[") != body.count("]"):
            yield RawFinding(w.start, w.end, "URL has unbalanced brackets; check where it ends")
            return
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError for a port that is not a number
        except ValueError:
            yield RawFinding(w.start, w.end, "malformed URL: the host or port cannot be read")
            return
        netloc = parts.netloc
        if "@" in netloc:
            yield from self._credentials(w, parts)
            netloc = netloc.rsplit("@", 1)[1]
        host = (parts.hostname or "").rstrip(".")
        if not host:
            yield RawFinding(w.start, w.end, "malformed URL: it has no host name")
            return
        problem = _host_problem(host)
        if problem is not None:
            yield RawFinding(w.start, w.end, f'invalid host name "{host}": {problem}')
            return
        if w.kind in READER_KINDS and not self._shows_address(w):
            reason = self._unpublished(host)
            if reason is not None:
                yield RawFinding(w.start, w.end, f'link to "{host}", {reason}; most readers cannot '
                             "open it: link to the published address")
                return
        if host.lower() in self.shorteners and w.kind not in ("image", "html-img") and \
                parts.path.strip("/"):
            yield RawFinding(w.start, w.end, f"link goes through the URL shortener {host.lower()}, "
                         "which hides where it goes; link to the full address")

    @staticmethod
    def _shows_address(w: WrittenLink) -> bool:
        """True when the link text is the address itself (``[localhost:4000](http://...)``):
        the reader is shown an address, as in prose."""
        text = w.text.strip().rstrip("/").lower()
        if not text or w.kind in ("front-matter", "definition"):
            return False
        bare = re.sub(r"^[a-z]+://", "", w.url.strip().rstrip("/").lower())
        return text in (w.url.strip().rstrip("/").lower(), bare)

    def _credentials(self, w: WrittenLink, parts: Any) -> Iterator[RawFinding]:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        user, colon, secret = userinfo.partition(":")
        userinfo_start = w.url.find("//") + 2
        fix = Fix("Remove the login details",
                  (Edit(w.start + userinfo_start, w.start + userinfo_start + len(userinfo) + 1,
                        ""),), safe=False)
        host = (parts.hostname or "").lower()
        example = host in _EXAMPLE_HOSTS or host.endswith(
            tuple("." + h for h in _EXAMPLE_HOSTS) + (".example", ".test", ".invalid"))
        if colon and secret:
            placeholder = example or bool(_PLACEHOLDER_SECRET.match(unquote(secret)))
            yield RawFinding(
                w.start, w.end,
                "URL contains login details (a user name and password)"
                + ("; remove them" if placeholder else
                   "; remove them and change the password, it has been published"),
                fix=fix, severity=None if placeholder else Severity.ERROR,
                data={"credentials": "placeholder" if placeholder else "password"})
        elif user:
            yield RawFinding(w.start, w.end, "URL contains login details (a user name); "
                         "remove them", fix=fix, data={"credentials": "user"})

    def _plain(self, host: str) -> bool:
        """True when :meth:`_unpublished` answers None for ``host`` (lower case) on
        every page: an allowed host, or one that is no IP address (when those are
        checked) and matches no host or label rule. Remembered per host (most links
        of a site go to a few hosts)."""
        memo = self._plain_hosts
        hit = memo.get(host)
        if hit is None:
            if any(r.kind == "allow" and _host_matches(r.value, host) for r in self.host_rules):
                hit = True
            elif self.private_addresses and ip_literal(host.strip("[]")) is not None:
                hit = False
            else:
                labels = _subdomain_labels(host)
                hit = not any((r.kind == "host" and _host_matches(r.value, host))
                              or (r.kind == "label" and r.value in labels)
                              for r in self.host_rules)
            if len(memo) >= 10_000:
                memo.clear()
            memo[host] = hit
        return hit

    def _unpublished(self, host: str) -> str | None:
        host = host.lower()
        if self._plain(host):
            return None
        page = getattr(self, "_page", None) or _Page(frozenset(), False)
        for rule in self.host_rules:
            if rule.kind == "allow" and _host_matches(rule.value, host):
                return None
        if self.private_addresses:
            ip = ip_literal(host.strip("[]"))
            if ip is not None:
                if ip.is_loopback:
                    return None if page.technical else "a loopback address"
                if ip.is_link_local:
                    return "a link-local address"
                if ip.is_private:
                    return "a private network address"
                return None
        labels = _subdomain_labels(host)
        for rule in self.host_rules:
            if rule.kind == "host" and _host_matches(rule.value, host):
                if page.technical and (host == "localhost" or host.endswith(".localhost")):
                    return None  # a how-to page: "open http://localhost:4000 after ..."
                return rule.reason or "a host on one computer or network"
            if rule.kind == "label" and rule.value in labels:
                at = labels.index(rule.value)
                if rule.inner and at == 0:
                    continue  # dev.twitter.com: a developer site, not an environment
                if _documents_environments(host, at, page.hosts):
                    continue
                return rule.reason or f'a "{rule.value}" host'
        return None


def _documents_environments(host: str, at: int, hosts: frozenset[str]) -> bool:
    """True when ``hosts`` (the page's) has ``host`` with its label ``at`` replaced by
    another environment label or left out: the page documents the environments of
    one service (an operations manual), so the pre-production link is on purpose."""
    labels = host.split(".")
    for other in hosts:
        if other == host:
            continue
        olabels = other.split(".")
        if olabels == labels[:at] + labels[at + 1:]:
            return True
        if len(olabels) == len(labels) and olabels[:at] == labels[:at] and \
                olabels[at + 1:] == labels[at + 1:] and olabels[at] in ENVIRONMENT_LABELS:
            return True
    return False


@lru_cache(maxsize=4096)
def _host_problem(host: str) -> str | None:
    """Why ``host`` cannot be a host name (RFC 1123), or None if it can (remembers
    the last 4,096 hosts: the answer depends on ``host`` alone)."""
    if host.startswith("["):
        return None
    if ip_literal(host) is not None:
        return None
    if ".." in host or host.startswith("."):
        return "it has an empty label (two dots in a row)"
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return "a label is empty, too long or not allowed"
    labels = ascii_host.split(".")
    if any(not lab for lab in labels):
        return "it has an empty label (two dots in a row)"
    for lab in labels:
        if not _LABEL.match(lab) and "_" not in lab:
            return f'label "{lab}" is not letters, digits and inner hyphens'
    if len(labels) > 1 and not _TLD.match(labels[-1]):
        if labels[-1].isdigit():
            return "it looks like an IP address but is not one"
        return f'top-level label "{labels[-1]}" cannot exist'
    return None
