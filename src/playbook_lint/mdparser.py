"""The shared markdown-it parsers (a leaf module: it imports nothing of playbook-lint).

:func:`markdown_parser` is the one configured parser (CommonMark, tables,
strikethrough, linkify) every document is parsed with; :func:`block_core_rules`
are its core rules that build the block structure only.

:func:`tracking_parser` is a shallow copy of it whose inline tokenizer records where
each token starts and ends: markdown-it inline tokens carry no positions, so the
link extractor and the rules that need inline offsets tokenise inline content with
:func:`parse_inline`, which stores ``token.meta[SPAN] = (start, end)`` (offsets into
the inline token's ``content``). The offsets are mapped back to the file by
:mod:`playbook_lint.links.offsets`.

Tested with markdown-it-py 3.0 and 4.x.
"""

from __future__ import annotations

import copy
import re
import types
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink as _normalize_link
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers import parseLinkDestination, parseLinkLabel, parseLinkTitle
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import fragments_join
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

__all__ = ["markdown_parser", "block_core_rules", "parse_blocks", "tracking_parser",
           "parse_inline", "SPAN", "TrackingState", "linkify_pretest", "linkify_matches",
           "link_destination", "fast_link_destination"]

_MD: MarkdownIt | None = None
_BLOCK_RULES: list | None = None


def markdown_parser() -> MarkdownIt:
    """Return the shared markdown-it parser (CommonMark + tables + strikethrough + linkify).

    Raw HTML is on, as in the CommonMark preset; linkify finds bare URLs (it needs
    ``linkify-it-py``).
    """
    global _MD
    if _MD is None:
        md = MarkdownIt("commonmark", {"linkify": True})
        md.enable(["table", "strikethrough", "linkify"])
        if md.linkify is not None:
            _fast_schema_test(md.linkify)
        _MD = md
    return _MD


def _fast_schema_test(linkify: Any) -> None:
    """Give linkify-it a ``schema_test`` pattern that finds a match exactly when its
    own does, checking the schema names before the boundary character.

    linkify-it's ``test`` and ``match`` begin with ``re.search(schema_test, text)``,
    only for its truth (https://github.com/tsutsu3/linkify-it-py, ``LinkifyIt.test``).
    The pattern is ``(^|(?!_)(?:[><｜]|ZPCc))(schemas)``: at every position of the
    text it tries a Unicode class of hundreds of ranges, case-insensitively. The
    same condition, written ``(?=(?:schemas))(?:^|(?<=[><｜]|ZPCc))(?<!_)``, tries
    the class only where a schema name starts. ``schema_search`` (whose groups are
    read) keeps the original pattern; a linkify-it whose pattern is shaped
    otherwise is left as it is.
    """
    parts = getattr(linkify, "re", None)
    if not isinstance(parts, dict) or "src_ZPCc" not in parts:
        return
    original = parts.get("schema_test", "")
    prefix = "(^|(?!_)(?:[><\uff5c]|" + parts["src_ZPCc"] + "))("
    if original != parts.get("schema_search") or not original.startswith(prefix) \
            or not original.endswith(")"):
        return
    names = original[len(prefix):-1]
    fast = "(?=(?:" + names + "))(?:^|(?<=[><\uff5c]|" + parts["src_ZPCc"] + "))(?<!_)"
    try:
        re.compile(fast, re.IGNORECASE)
    except re.error:  # a boundary class that is not one character wide
        return
    parts["schema_test"] = fast


def block_core_rules() -> list:
    """The core rules that build the block structure (``normalize``, ``block``)."""
    global _BLOCK_RULES
    if _BLOCK_RULES is None:
        rules = markdown_parser().core.ruler.getRules("")
        _BLOCK_RULES = [r for r in rules if r.__name__ in ("normalize", "block")]
    return _BLOCK_RULES


class _LineMarkers(StateBlock):
    """``StateBlock`` whose line markers are computed line by line with ``str`` methods.

    ``StateBlock.__init__`` scans the source in Python for each line's start, end,
    leading white space (``tShift``) and indent with tabs expanded (``sCount``); it
    is called here on an empty source (which sets every other field, whatever the
    markdown-it-py version) and the markers are then computed the same way: a line
    per ``\\n``, none for a last line of only spaces and tabs without a newline,
    and the fake end entry.
    """

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)
        self.src = src
        length = len(src)
        b: list[int] = []
        e: list[int] = []
        ts: list[int] = []
        sc: list[int] = []
        lines = src.split("\n")
        if src.endswith("\n"):
            lines.pop()  # no line after the last newline
        start = 0
        for line in lines:
            n = len(line)
            indent = n - len(line.lstrip(" \t"))
            end = start + n
            if indent == n and end == length:
                break  # a last line of blanks without a newline
            if "\t" in line[:indent]:
                offset = 0
                for ch in line[:indent]:
                    offset += 4 - offset % 4 if ch == "\t" else 1
            else:
                offset = indent
            b.append(start)
            e.append(end)
            ts.append(indent)
            sc.append(offset)
            start = end + 1
        b.append(length)
        e.append(length)
        ts.append(0)
        sc.append(0)
        self.bMarks, self.eMarks, self.tShift, self.sCount = b, e, ts, sc
        self.bsCount = [0] * len(b)
        self.lineMax = len(b) - 1


def parse_blocks(src: str, env: dict[str, Any]) -> list[Token]:
    """The block tokens of ``src`` (no inline parse), as :func:`markdown_parser`'s
    ``normalize`` and ``block`` core rules make them.

    Args:
        src: Markdown text.
        env: filled in as markdown-it does (``env["references"]``: reference definitions).

    Returns:
        the block tokens (``inline`` tokens have ``content`` and no children).
    """
    md = markdown_parser()
    state = StateCore(src, md, env)
    for rule in block_core_rules():
        if rule.__name__ != "block":
            rule(state)  # normalize
    tokens: list[Token] = []
    if state.src:
        md = _block_parser(state.src)
        block = _LineMarkers(state.src, md, env, tokens)
        md.block.tokenize(block, block.line, block.lineMax)
    return tokens


#: Block rules with what each of their matches holds: when ``src`` holds none of it,
#: the rule fails on every line (as a block start and as a paragraph terminator), so
#: the parser without it makes the same tokens and tries fewer rules per line.
#: (table: its header row has a "|"; fence: a run of 3 backticks or tildes;
#: reference: "]:" right after the label.)
_BLOCK_NEEDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("table", ("|",)), ("fence", ("```", "~~~")), ("blockquote", (">",)),
    ("html_block", ("<",)), ("heading", ("#",)), ("reference", ("]:",)),
)
_BLOCK_VARIANTS: dict[tuple[str, ...], MarkdownIt] = {}


def _block_parser(src: str) -> MarkdownIt:
    """:func:`markdown_parser`, or a copy of it whose block ruler leaves out the rules
    that cannot match in ``src`` (see ``_BLOCK_NEEDS``); copies are kept per set."""
    md = markdown_parser()
    off = tuple(name for name, needs in _BLOCK_NEEDS if not any(n in src for n in needs))
    if not off:
        return md
    variant = _BLOCK_VARIANTS.get(off)
    if variant is None:
        variant = copy.copy(md)
        variant.block = copy.copy(md.block)
        variant.block.ruler = copy.deepcopy(md.block.ruler)
        variant.block.ruler.disable(list(off))
        _BLOCK_VARIANTS[off] = variant
    return variant


_PRETEST: Callable[[str], bool] | None = None


def linkify_pretest(text: str) -> bool:
    """``markdown_parser().linkify.pretest(text)``, about ten times faster; False when
    the parser has no linkify.

    linkify-it's pretest is one case-insensitive search for ``schema_test | host_fuzzy_test
    | @`` (https://github.com/tsutsu3/linkify-it-py, ``LinkifyIt.pretest``). Its first
    branch puts a large Unicode punctuation class before the schemas, which the regex
    engine tries at every position; here the branches are tried one by one, cheapest
    first, and the schema branch only after a plain search for a schema finds one
    (every match of that branch contains one, so the answer is the same).
    """
    global _PRETEST
    if _PRETEST is None:
        linkify = markdown_parser().linkify
        parts = getattr(linkify, "re", {})
        if linkify is None:
            _PRETEST = lambda text: False  # noqa: E731
        elif parts.get("pretest") != (
                f"({parts.get('schema_search')})|({parts.get('host_fuzzy_test')})|@"):
            _PRETEST = linkify.pretest  # another linkify-it: its own pretest
        else:
            schema_test = re.compile(linkify.re["schema_test"], re.IGNORECASE)
            host_test = re.compile(linkify.re["host_fuzzy_test"], re.IGNORECASE)
            # the schemas of schema_test's second group, as a plain alternation
            names = sorted((k for k in linkify._compiled if k), key=len, reverse=True)
            schema = re.compile("|".join(re.escape(k) for k in names), re.IGNORECASE)
            # every schema holds ":" or is "//": text with neither holds no schema
            marks = {":" if ":" in k else k for k in names}
            if not marks <= {":", "//"}:
                marks = {""}
            # host_fuzzy_test is "localhost|www\.|\.\d{1,3}\.|(?:\.(?:TLDS)(?:...))":
            # all but its first branch hold a ".", so text without one needs "localhost"
            host = linkify.re["host_fuzzy_test"]
            no_dot = re.compile("localhost", re.IGNORECASE) if \
                host.startswith("localhost|www\\.|\\.\\d{1,3}\\.|(?:\\.(?:") and \
                host.endswith("|>|$))") and host.count("localhost") == 1 else host_test

            def pretest(text: str) -> bool:
                if "@" in text:
                    return True
                if (host_test if "." in text else no_dot).search(text) is not None:
                    return True
                return any(m in text for m in marks) and schema.search(text) is not None \
                    and schema_test.search(text) is not None

            _PRETEST = pretest
    return _PRETEST(text)


_MATCHES: Callable[[str], list[Any] | None] | None = None


def linkify_matches(text: str) -> list[Any] | None:
    """``linkify.match(text) if linkify.test(text) else None`` for
    :func:`markdown_parser`'s linkify-it (what markdown-it's core linkify reads), with
    one scan of the text's fuzzy links instead of two; None without linkify.

    linkify-it's ``test`` is ``A or (H and F) or E`` (https://github.com/tsutsu3/linkify-it-py,
    ``LinkifyIt.test``): A a schema link (``schema_test`` matches and a schema's
    validator accepts), H a ``host_fuzzy_test`` match, F a fuzzy link (``link_fuzzy``
    or ``link_no_ip_fuzzy``), E a fuzzy e-mail (``email_fuzzy``, which holds ``@``);
    ``match`` lists the candidates of A, F and E (a non-empty list exactly when one
    of them is found), dropping those that overlap one already listed. So: no ``@``,
    no H and no ``schema_test`` match means ``test`` is False; an empty ``match`` means
    it is False; a listed match with a schema (a schema or e-mail one) or H means it
    is True; else (fuzzy links alone, no H) ``test`` itself decides. ``test`` ran the
    same fuzzy-link search ``match`` runs again; most texts that reach it hold one.

    Returns:
        linkify-it's :class:`~linkify_it.main.Match` list, or None.
    """
    global _MATCHES
    if _MATCHES is None:
        linkify = markdown_parser().linkify
        parts = getattr(linkify, "re", None)
        if linkify is None:
            _MATCHES = lambda text: None  # noqa: E731
        elif type(linkify).__module__ != "linkify_it.main" or not isinstance(parts, dict) \
                or "host_fuzzy_test" not in parts or "schema_test" not in parts:
            _MATCHES = lambda text: linkify.match(text) if linkify.test(text) else None  # noqa: E731
        else:
            host = re.compile(parts["host_fuzzy_test"], re.IGNORECASE)
            schema = re.compile(parts["schema_test"], re.IGNORECASE)

            def matches(text: str) -> list[Any] | None:
                if not text:
                    return None
                has_host: bool | None = None
                if "@" not in text:
                    has_host = host.search(text) is not None
                    if not has_host and schema.search(text) is None:
                        return None  # no A (no schema), no H, no E (no "@")
                found = linkify.match(text)
                if not found:
                    return None
                if any(m.schema for m in found):
                    return found  # A or E: test is True
                if has_host is None:
                    has_host = host.search(text) is not None
                if has_host:
                    return found  # F (a fuzzy link listed) and H
                return found if linkify.test(text) else None

            _MATCHES = matches
    return _MATCHES(text)


# ---------------------------------------------------------------------------
# A position-recording copy of the shared markdown-it parser
# ---------------------------------------------------------------------------

#: ``token.meta`` key of an inline token's ``(start, end)`` in its block's content.
SPAN = "pl_span"


class TrackingState(StateInline):
    """StateInline that records where pending text started, so text tokens get spans.

    markdown-it-py 4 appends literal text through ``append_pending``; version 3
    assigns ``state.pending += ...``, which a property catches instead.
    """

    _pl_start = 0

    if hasattr(StateInline, "append_pending"):

        def append_pending(self, text: str) -> None:
            if not self.pending:
                self._pl_start = self.pos
            super().append_pending(text)  # type: ignore[misc]

    else:  # pragma: no cover - markdown-it-py 3

        @property  # type: ignore[no-redef]
        def pending(self) -> str:
            return self.__dict__.get("_pl_text", "")

        @pending.setter
        def pending(self, value: str) -> None:
            if value and not self.__dict__.get("_pl_text"):
                self._pl_start = self.pos
            self.__dict__["_pl_text"] = value

    def pushPending(self) -> Token:
        start = self._pl_start
        token = super().pushPending()
        token.meta[SPAN] = (start, start + len(token.content))
        return token


def _mark_new(state: StateInline, start: int, n: int) -> None:
    """Give the tokens a rule just pushed (``state.tokens[n:]``) their span.

    Tokens that already have one (pending text pushed on the way, tokens of a nested
    tokenize such as a link's label) keep it. When every new token is text whose
    contents together are exactly the source the rule consumed (emphasis pushes one
    text token per delimiter character), each gets its own span; otherwise the first
    new token spans what the rule consumed.
    """
    new = [t for t in state.tokens[n:] if SPAN not in t.meta]
    if not new:
        return
    if all(t.type == "text" for t in new) and \
            "".join(t.content for t in new) == state.src[start:state.pos]:
        pos = start
        for t in new:
            t.meta[SPAN] = (pos, pos + len(t.content))
            pos += len(t.content)
    else:
        new[0].meta[SPAN] = (start, state.pos)


def _rule_table(inline: ParserInline, rules: list[Any]) -> dict[str, tuple[Any, ...]] | None:
    """For each character, the inline rules (in order) that can succeed at it, when
    every rule of ``rules`` is one of markdown-it-py's own with a known first test.

    Each of those rules returns False, changing nothing, unless the character at
    ``state.pos`` is its own: ``text`` unless it is a terminator (its
    ``terminator_re``, one character class), ``linkify`` ``:``, ``newline``
    ``\\n``, ``escape`` a backslash, ``backticks`` a backtick, ``strikethrough``
    ``~``, ``emphasis`` ``*`` or ``_``, ``link`` ``[``, ``image`` ``!``,
    ``autolink`` and ``html_inline`` ``<``, ``entity`` ``&`` (markdown-it-py 4.x,
    ``rules_inline``). A terminator maps to the rules it can start (maybe none); any
    other character to ``text`` alone. None (try every rule, as markdown-it does)
    when a rule is not one of these, ``text`` is not first, or the terminators are
    not the default set (markdown-it-py 3 has no ``terminator_re``).
    """
    try:
        from markdown_it import rules_inline as ri
        from markdown_it.parser_inline import _DEFAULT_TERMINATORS, _default_terminator_re
    except ImportError:  # pragma: no cover - markdown-it-py 3
        return None
    firsts: dict[Any, str] = {
        ri.linkify: ":", ri.newline: "\n", ri.escape: "\\", ri.backtick: "`",
        ri.strikethrough.tokenize: "~", ri.emphasis.tokenize: "*_", ri.link: "[",
        ri.image: "!", ri.autolink: "<", ri.html_inline: "<", ri.entity: "&",
    }
    terminator_re = getattr(inline, "terminator_re", None)
    if not rules or rules[0] is not ri.text or getattr(inline, "_extra_terminator_chars", None) \
            or terminator_re is None or terminator_re.pattern != _default_terminator_re().pattern \
            or any(rule not in firsts for rule in rules[1:]):
        return None
    table: dict[str, tuple[Any, ...]] = {}
    for ch in _DEFAULT_TERMINATORS:
        table[ch] = tuple(rule for rule in rules[1:] if ch in firsts[rule])
    return table


def _rules_by_char(inline: ParserInline) -> tuple[list[Any], dict[str, tuple[Any, ...]] | None]:
    """``inline``'s rules and their :func:`_rule_table`, kept while the rule list is
    the same object (a ruler change makes a new one)."""
    rules = inline.ruler.getRules("")
    kept = inline.__dict__.get("_pl_rule_table")
    if kept is None or kept[0] is not rules:
        kept = inline.__dict__["_pl_rule_table"] = (rules, _rule_table(inline, rules))
    return kept


def _tracking_tokenize(self: ParserInline, state: StateInline) -> None:
    """``ParserInline.tokenize`` (markdown-it-py 3.0 and 4.x, the same loop) that marks
    the tokens each successful rule pushes with their span (:func:`_mark_new`).

    Marking here, once per rule that succeeded, instead of wrapping every rule
    (which is called at each position until one succeeds), keeps the tokens and
    spans the same for about a tenth of the calls. At each position only the rules
    that can succeed at its character are tried (:func:`_rule_table`): the others
    would return False and change nothing.
    """
    rules, table = _rules_by_char(self)
    text_only = tuple(rules[:1])
    src = state.src
    end = state.posMax
    max_nesting = state.md.options["maxNesting"]
    append = getattr(state, "append_pending", None)
    while state.pos < end:
        pos = state.pos
        ok = False
        if state.level < max_nesting:
            n = len(state.tokens)
            for rule in (rules if table is None else table.get(src[pos], text_only)):
                ok = rule(state, False)
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
            if ok and len(state.tokens) > n:
                _mark_new(state, pos, n)
        if ok:
            if state.pos >= end:
                break
            continue
        if append is not None:
            append(src[state.pos])
        else:  # pragma: no cover - markdown-it-py 3
            state.pending += src[state.pos]
        state.pos += 1
    if state.pending:
        state.pushPending()


def _tracking_skip_token(self: ParserInline, state: StateInline) -> None:
    """``ParserInline.skipToken`` of markdown-it-py 4.x (used by ``parseLinkLabel``)
    trying only the rules that can succeed at the character (:func:`_rule_table`);
    installed only where that table exists."""
    rules, table = _rules_by_char(self)
    assert table is not None
    ok = False
    pos = state.pos
    max_nesting = state.md.options["maxNesting"]
    cache = state.cache
    if pos in cache:
        state.pos = cache[pos]
        return
    if state.level < max_nesting:
        for rule in table.get(state.src[pos], rules[:1]):
            # raised and lowered around each rule to bound recursion, as markdown-it does
            state.level += 1
            ok = rule(state, True)
            state.level -= 1
            if ok:
                if state.pos <= pos:
                    raise RuntimeError("inline rule didn't increment state.pos")
                break
    else:
        # too much nesting: skip to the end of the paragraph, as markdown-it does
        state.pos = state.posMax
    if not ok:
        state.pos += 1
    cache[pos] = state.pos


#: Words one of which the destination must hold for markdown-it's ``validateLink`` to
#: refuse it, before or after ``normalizeLink`` (its bad schemes ``vbscript:``,
#: ``javascript:``, ``file:``, ``data:``).
_UNSAFE_HINT = re.compile("script|data|file", re.IGNORECASE)


def _tracking_normalize_link(url: str) -> str:
    """``normalizeLink`` for the tracking parser: ``url`` as it is, unless it holds
    one of validateLink's bad scheme names (then markdown-it's own normalisation).

    The tracking parser's tokens are read for their spans, not their ``href``, and
    ``validateLink(normalizeLink(url))`` (which decides whether a link parses) is
    True for such a ``url`` either way: normalisation (mdurl parse, format,
    percent-encoding with upper-case hex, punycode of http/https/mailto host names)
    adds no letter that could spell ``script``, ``data`` or ``file``. It was a
    quarter of the tracked inline parse (23,481 calls, mdurl and punycode, on
    digitalgov).
    """
    if _UNSAFE_HINT.search(url):
        return _normalize_link(url)
    return url


#: The link and image rules' ``parseLinkDestination`` results in the inline content
#: tokenised last: ``{pos: (result, maximum)}`` for the content ``_DEST_SRC[0]``.
_DEST_SEEN: dict[int, tuple[Any, int]] = {}
_DEST_SRC: list[str | None] = [None]


#: The characters at which markdown-it's bare destination read stops or changes
#: course: space, ASCII control characters, backslash, parentheses.
_DEST_STOP = re.compile(r"[\x00-\x20\x7f\\()]")
_DEST_RESULT: Any = None  # markdown-it's _Result class, found at first use


def fast_link_destination(string: str, pos: int, maximum: int) -> Any:
    """``parseLinkDestination(string, pos, maximum)`` (markdown-it-py 3.0 and 4.x), with
    the common bare destination read by one search instead of a loop per character.

    markdown-it's bare read walks from ``pos`` and stops at a space, an ASCII control
    character or a ``)`` at nesting level 0 (or the end of the string or of
    ``maximum``), and fails on an empty destination. Up to the first backslash or
    parenthesis the level is 0 and nothing is escaped, so when the first character of
    :data:`_DEST_STOP` (or the end) is no ``(`` or backslash, the read ends there, and
    the result is markdown-it's own (``unescapeAll`` of the same slice). Any other
    case (``<...>``, parentheses, escapes) is markdown-it's own read.

    Returns:
        markdown-it's ``_Result`` (``ok``, ``pos``, ``str``).
    """
    global _DEST_RESULT
    if pos < maximum and string[pos:pos + 1] != "<":
        limit = min(maximum, len(string))
        m = _DEST_STOP.search(string, pos, limit)
        end = limit if m is None else m.start()
        if m is None or string[end] not in "\\(":
            if _DEST_RESULT is None:
                _DEST_RESULT = type(parseLinkDestination("", 0, 0))
            res = _DEST_RESULT()
            if end > pos:
                res.str = unescapeAll(string[pos:end])
                res.pos = end
                res.ok = True
            return res
    return parseLinkDestination(string, pos, maximum)


def _recording_destination(string: str, pos: int, maximum: int) -> Any:
    """``parseLinkDestination`` for the tracking parser's link and image rules
    (:func:`fast_link_destination`), keeping each result for :func:`link_destination`."""
    res = fast_link_destination(string, pos, maximum)
    if _DEST_SRC[0] is not string:
        _DEST_SEEN.clear()
        _DEST_SRC[0] = string
    _DEST_SEEN[pos] = (res, maximum)
    return res


def link_destination(src: str, pos: int, maximum: int) -> Any:
    """``parseLinkDestination(src, pos, maximum)``, taken from what the link or image
    rule found at ``pos`` when :func:`parse_inline` last tokenised ``src`` (the same
    string object), else computed.

    The rule read with a bound ``m`` of its own (the content's end, or an enclosing
    link label's). A result it found ``ok`` that ends at or before ``maximum``, with
    ``m >= maximum``, is the one a read bounded by ``maximum`` finds: the read
    looks at no character at or past where it ends but the one that stops a bare
    destination there, and a backslash escapes the next character the same way in
    both (``pos + 1 < bound`` holds for every backslash before the end). Other
    results (failed, or longer than ``maximum``) are read again.

    Returns:
        markdown-it's ``_Result`` (``ok``, ``pos``, ``str``); never mutate it.
    """
    if _DEST_SRC[0] is src:
        seen = _DEST_SEEN.get(pos)
        if seen is not None:
            res, bound = seen
            if res.ok and res.pos <= maximum <= bound:
                return res
    return fast_link_destination(src, pos, maximum)


_TRACKING_MD: MarkdownIt | None = None


def tracking_parser() -> MarkdownIt:
    """A shallow copy of :func:`markdown_parser` whose inline tokenizer records spans
    (the same rules; :func:`_tracking_tokenize`)."""
    global _TRACKING_MD
    if _TRACKING_MD is None:
        base = markdown_parser()
        md = copy.copy(base)
        inline = copy.copy(base.inline)
        inline.ruler = copy.deepcopy(base.inline.ruler)  # not shared with the base parser
        # an instance attribute: a link rule's nested ``state.md.inline.tokenize`` is it too
        inline.tokenize = types.MethodType(_tracking_tokenize, inline)  # type: ignore[method-assign]
        if _rules_by_char(inline)[1] is not None:  # markdown-it-py 4.x's own skipToken loop
            inline.skipToken = types.MethodType(  # type: ignore[method-assign]
                _tracking_skip_token, inline)
        md.inline = inline
        md.normalizeLink = _tracking_normalize_link  # type: ignore[method-assign]
        # the rules' destinations are kept for the link extractor (link_destination)
        md.helpers = types.SimpleNamespace(  # type: ignore[assignment]
            parseLinkLabel=parseLinkLabel, parseLinkTitle=parseLinkTitle,
            parseLinkDestination=_recording_destination)
        _TRACKING_MD = md
    return _TRACKING_MD


def parse_inline(src: str, env: dict[str, Any]) -> tuple[list[Token], StateInline]:
    """Tokenise inline content ``src`` with the tracking parser.

    Args:
        src: an inline token's ``content``.
        env: the block parse's env (``references`` resolve reference links).

    Returns:
        ``(children, probe)``: the inline tokens, each that starts at a known place
        with ``meta[SPAN] = (start, end)`` (offsets into ``src``; adjacent text tokens
        are not merged; link ``href``/image ``src`` attributes are as written, not
        normalised: see :func:`_tracking_normalize_link`), and a fresh
        ``StateInline`` over ``src`` for re-reading labels with ``parseLinkLabel``.
    """
    md = tracking_parser()
    tokens: list[Token] = []
    state = TrackingState(src, md, env, tokens)
    md.inline.tokenize(state)
    for rule2 in md.inline.ruler2.getRules(""):
        if rule2 is not fragments_join:  # it would move spans; merged below instead
            rule2(state)
    # a throwaway state for re-reading labels with parseLinkLabel
    probe = StateInline(src, md, env, [])
    return tokens, probe
