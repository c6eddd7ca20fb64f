"""Front matter: find, parse and locate the metadata block at the top of a page.

Only a block at the very start of the text counts, as in Jekyll
(https://jekyllrb.com/docs/front-matter/) and Hugo
(https://gohugo.io/content-management/front-matter/):

* ``---`` on the first line opens YAML front matter, closed by the next line that
  is ``---`` or ``...`` (trailing spaces allowed). A ``---`` further down the page
  is a Markdown thematic break, never front matter.
* ``+++`` on the first line opens TOML front matter (Hugo), closed by ``+++``;
  it is parsed with :mod:`tomllib`.

Why not python-frontmatter's handlers: its YAML fence is ``^-{3,}\\s*$`` (so
``----`` opens a block and ``...`` does not close one), it returns neither the
block's offsets nor any key position, and it lets PyYAML keep the last of two
equal keys silently. Findings need exact lines for keys, duplicates and syntax
errors, so this module composes YAML nodes itself (each node carries its mark).

Tabs after ``key:`` (``title:<TAB>Foo``) are valid YAML 1.2 separation space
(https://yaml.org/spec/1.2.2/#63-line-prefixes, ``s-separate-in-line``) and
libyaml (``yaml.CSafeLoader``) accepts them, but PyYAML's pure Python scanner
(``yaml.SafeLoader``) rejects every tab outside quotes ("found character '\\t'
that cannot start any token"). :class:`PythonSafeLoader` teaches the Python
scanner libyaml's rule (tabs are separation space inside a line, never
indentation), so both loaders give the same data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import TagToken

__all__ = [
    "FrontMatter",
    "FrontMatterError",
    "PythonSafeLoader",
    "available_loaders",
    "default_loader",
    "parse_front_matter",
]


@dataclass
class FrontMatterError:
    """A problem in the front matter block.

    Attributes:
        offset: where it is, an offset into the document text.
        message: one short sentence, e.g. ``duplicate front matter key "status"
            (first set on line 3)``.
        kind: ``"syntax"`` (YAML/TOML syntax), ``"duplicate-key"``, ``"duplicate-same"``
            (a key repeated with the same value: nothing is lost),
            ``"not-a-mapping"`` (the block parsed to a list or a scalar) or
            ``"too-large"`` (not parsed: see :func:`too_large_message`).
        end: offset just past the problem (e.g. the end of the repeated key), or
            None when only the start is known.
    """

    offset: int
    message: str
    kind: str = "syntax"
    end: int | None = None


@dataclass
class FrontMatter:
    """The front matter block at the very start of a document.

    Attributes:
        kind: ``"yaml"`` (``---`` fences) or ``"toml"`` (``+++`` fences).
        start: offset of the opening fence (always 0).
        end: offset just past the closing fence line (where the body starts).
        content_start: offset of the first line inside the fences.
        content_end: offset of the closing fence.
        data: the parsed mapping (``{}`` for an empty block), or None when it could
            not be parsed or is not a mapping. With a repeated key the last value
            wins, as in PyYAML and Jekyll; the repeat is also in ``errors``.
        errors: syntax errors, duplicate keys and "not a mapping", each with an offset.
        key_offsets: offset of each top-level key as written (the first occurrence).
        keys: every top-level key occurrence in order as ``(key, offset)``, repeats
            included (so the last occurrence, the one whose value is in ``data``,
            can be found). Keys that are not strings are given as ``str(key)``.
        node: the composed YAML root node (``yaml.nodes.Node``, marks relative to
            ``content_start``) when libyaml parsed the block and it has no merge keys
            (construction then leaves the node as composed), else None: for readers
            of where values are written (:mod:`playbook_lint.links.fmlinks`), so they
            need not compose the block again. Read-only; not compared.
    """

    kind: str
    start: int
    end: int
    content_start: int
    content_end: int
    data: dict[str, Any] | None
    errors: list[FrontMatterError] = field(default_factory=list)
    key_offsets: dict[str, int] = field(default_factory=dict)
    keys: list[tuple[str, int]] = field(default_factory=list)
    node: Any = field(default=None, compare=False, repr=False)

    def last_key_offset(self, key: str) -> int | None:
        """Return the offset of the last occurrence of top-level ``key`` (the one whose
        value is in :attr:`data`), or None if the key is not written."""
        found = None
        for k, off in self.keys:
            if k == key:
                found = off
        return found


# -- YAML loaders ---------------------------------------------------------------

_BREAKS = "\r\n\x85\u2028\u2029"


class _TabTolerantScanner(Scanner):
    """PyYAML's Python scanner with libyaml's (and YAML 1.2's) tab rules.

    libyaml's ``yaml_parser_scan_to_next_token`` skips a tab when in flow context
    or when a simple key is not allowed (i.e. inside a line after a key's ``:``,
    after a scalar), never as indentation; its plain-scalar scanner treats tabs
    as blanks like spaces. The pure Python scanner only skips spaces. These three
    overrides (and the block scalar header and tag ones, where a tab may end the
    token) copy the libyaml behaviour so both loaders agree.
    """

    allow_simple_key: bool
    flow_level: int
    # Reader's attributes and methods, which the scanner mixin uses (the composed
    # loader provides them); declared so type checkers see the mixin's contract.
    index: int
    column: int
    peek: Callable[..., str]
    prefix: Callable[..., str]
    forward: Callable[..., None]
    get_mark: Callable[[], Any]

    def scan_to_next_token(self) -> None:
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        found = False
        while not found:
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _BREAKS:
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                found = True

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str] | None:
        chunks: list[str] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        ch = self.peek()
        if ch in _BREAKS:
            line_break = self.scan_line_break()
            self.allow_simple_key = True
            prefix = self.prefix(3)
            if prefix in ("---", "...") and self.peek(3) in "\0 \t" + _BREAKS:
                return None
            breaks: list[str] = []
            # Leading blanks of a continuation line: spaces, and tabs once past the
            # indentation (libyaml: "found a tab character that violates indentation").
            while self.peek() in " " + _BREAKS or (self.peek() == "\t" and self.column >= indent):
                if self.peek() in " \t":
                    self.forward()
                else:
                    breaks.append(self.scan_line_break())
                    prefix = self.prefix(3)
                    if prefix in ("---", "...") and self.peek(3) in "\0 \t" + _BREAKS:
                        return None
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def scan_block_scalar_indicators(self, start_mark: Any) -> tuple[bool | None, int | None]:
        chomping: bool | None = None
        increment: int | None = None
        ch = self.peek()
        if ch in "+-":
            chomping = ch == "+"
            self.forward()
            ch = self.peek()
            if ch in "0123456789":
                increment = self._indentation_indicator(ch, start_mark)
        elif ch in "0123456789":
            increment = self._indentation_indicator(ch, start_mark)
            ch = self.peek()
            if ch in "+-":
                chomping = ch == "+"
                self.forward()
        ch = self.peek()
        if ch not in "\0 \t" + _BREAKS:
            raise ScannerError(
                "while scanning a block scalar", start_mark,
                f"expected chomping or indentation indicators, but found {ch!r}",
                self.get_mark(),
            )
        return chomping, increment

    def _indentation_indicator(self, ch: str, start_mark: Any) -> int:
        if ch == "0":
            raise ScannerError(
                "while scanning a block scalar", start_mark,
                "expected indentation indicator in the range 1-9, but found 0", self.get_mark(),
            )
        self.forward()
        return int(ch)

    def scan_tag(self) -> Any:
        start_mark = self.get_mark()
        ch = self.peek(1)
        if ch == "<":
            handle = None
            self.forward(2)
            suffix = self.scan_tag_uri("tag", start_mark)
            if self.peek() != ">":
                raise ScannerError(
                    "while parsing a tag", start_mark,
                    f"expected '>', but found {self.peek()!r}", self.get_mark(),
                )
            self.forward()
        elif ch in "\0 \t" + _BREAKS:
            handle = None
            suffix = "!"
            self.forward()
        else:
            length = 1
            use_handle = False
            while ch not in "\0 \t" + _BREAKS:
                if ch == "!":
                    use_handle = True
                    break
                length += 1
                ch = self.peek(length)
            if use_handle:
                handle = self.scan_tag_handle("tag", start_mark)
            else:
                handle = "!"
                self.forward()
            suffix = self.scan_tag_uri("tag", start_mark)
        ch = self.peek()
        if ch not in "\0 \t" + _BREAKS:
            raise ScannerError(
                "while scanning a tag", start_mark, f"expected ' ', but found {ch!r}",
                self.get_mark(),
            )
        return TagToken((handle, suffix), start_mark, self.get_mark())

    def scan_block_scalar_ignored_line(self, start_mark: Any) -> None:
        while self.peek() in " \t":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0" + _BREAKS:
                self.forward()
        ch = self.peek()
        if ch not in "\0" + _BREAKS:
            raise ScannerError(
                "while scanning a block scalar", start_mark,
                f"expected a comment or a line break, but found {ch!r}", self.get_mark(),
            )
        self.scan_line_break()


class PythonSafeLoader(Reader, _TabTolerantScanner, Parser, Composer, SafeConstructor, Resolver):
    """``yaml.SafeLoader`` (pure Python) that accepts tabs where libyaml does.

    Same tags, resolvers and constructors as ``yaml.SafeLoader`` (dates become
    :class:`datetime.date`, timestamps :class:`datetime.datetime`).
    """

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def available_loaders() -> dict[str, type]:
    """Return the YAML loaders this module can use, by name: ``"python"``
    (:class:`PythonSafeLoader`, always) and ``"c"`` (``yaml.CSafeLoader``, only when
    PyYAML was built with libyaml, i.e. ``yaml.__with_libyaml__``)."""
    loaders: dict[str, type] = {"python": PythonSafeLoader}
    if getattr(yaml, "__with_libyaml__", False):
        loaders["c"] = yaml.CSafeLoader
    return loaders


def default_loader() -> type:
    """Return the loader used by default: the fast C one when present, else Python."""
    loaders = available_loaders()
    return loaders.get("c", loaders["python"])


# -- fences ---------------------------------------------------------------------

_YAML_OPEN = re.compile(r"---[ \t]*(?:\n|\Z)")
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*(?:\n|\Z)")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)


def _line_starts(raw: str) -> list[int]:
    starts = [0]
    i = raw.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = raw.find("\n", i + 1)
    return starts


class _Locator:
    """Turns 0-based (line, column) inside the block into document offsets."""

    def __init__(self, text: str, content_start: int, content_end: int) -> None:
        self.text = text
        self.base = content_start
        self.limit = content_end
        self.starts = _line_starts(text[content_start:content_end])

    def offset(self, line: int, column: int) -> int:
        if line >= len(self.starts):
            return self.limit
        return min(self.base + self.starts[line] + max(column, 0), self.limit)

    def line_of(self, offset: int) -> int:
        """1-based line of the document for a document offset."""
        return self.text.count("\n", 0, offset) + 1


#: Front matter larger than this is not parsed (the largest in the shared corpus is
#: 112 KiB / 1,615 lines, a Hugo redirect list).
MAX_FRONT_MATTER_CHARS = 1024 * 1024
MAX_FRONT_MATTER_LINES = 20_000


def too_large_message(raw: str) -> str | None:
    """Return why front matter content ``raw`` is too large to parse, or None.

    Limits: :data:`MAX_FRONT_MATTER_CHARS` characters and :data:`MAX_FRONT_MATTER_LINES`
    lines (parsing costs about 75 microseconds and 1.4 KB per line).
    """
    lines = raw.count("\n")
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        size = f"{len(raw):,} characters; the limit is {MAX_FRONT_MATTER_CHARS:,}"
    elif lines > MAX_FRONT_MATTER_LINES:
        size = f"{lines:,} lines; the limit is {MAX_FRONT_MATTER_LINES:,}"
    else:
        return None
    return f"front matter too large to check ({size}): not parsed"


def parse_front_matter(text: str, *, loader: type | None = None) -> FrontMatter | None:
    """Return the front matter of ``text``, or None if it has none.

    Args:
        text: the document text, BOM-less with ``\\n`` line endings.
        loader: a PyYAML loader class (see :func:`available_loaders`); by default
            :func:`default_loader`. Ignored for TOML.

    Returns:
        a :class:`FrontMatter`; problems (syntax errors, repeated keys, a block that
        is not a mapping) are in its ``errors`` with offsets, never raised.
    """
    if _YAML_OPEN.match(text):
        kind, closer = "yaml", _YAML_CLOSE
    elif _TOML_OPEN.match(text):
        kind, closer = "toml", _TOML_CLOSE
    else:
        return None
    nl = text.find("\n")
    if nl == -1:
        return None
    content_start = nl + 1
    close = closer.search(text, content_start)
    if close is None:
        return None
    content_end = close.start()
    end = close.end() + 1 if close.end() < len(text) else close.end()
    fm = FrontMatter(kind, 0, end, content_start, content_end, None)
    loc = _Locator(text, content_start, content_end)
    raw = text[content_start:content_end]
    too_large = too_large_message(raw)
    if too_large is not None:  # hostile or broken: 200,000 keys took 20 s and 287 MB
        fm.errors.append(FrontMatterError(content_start, too_large, "too-large"))
        return fm
    if kind == "yaml":
        _load_yaml(raw, fm, loc, loader or default_loader())
    else:
        _load_toml(raw, fm, loc)
    return fm


# -- YAML -----------------------------------------------------------------------

_TYPE_NAMES = {
    dict: "a mapping", list: "a list", str: "a string", int: "a number",
    float: "a number", bool: "true or false",
}


def _describe_type(value: Any) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return name
    return type(value).__name__


def _load_yaml(raw: str, fm: FrontMatter, loc: _Locator, loader_cls: type) -> None:
    if not raw.strip():
        fm.data = {}
        return
    try:
        loader = loader_cls(raw)  # the Python reader checks characters here
        try:
            node = loader.get_single_node()
            if node is None:
                fm.data = {}
                return
            _find_duplicates(node, fm, loc, loader.construct_object)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        byte_positions = not issubclass(loader_cls, Reader)
        fm.errors.append(_yaml_error(exc, loc, raw, byte_positions))
        return
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # e.g. an impossible date such as 2015-02-30 raises ValueError in PyYAML,
        # without a mark: find the scalar that fails on its own.
        offset = _failing_scalar_offset(node, loader_cls, loc)
        fm.errors.append(FrontMatterError(offset, f"invalid YAML value: {exc}"))
        return
    if isinstance(node, MappingNode):
        for key_node, _value in node.value:
            key = _key_text(key_node)
            if key is None:
                continue
            off = loc.offset(key_node.start_mark.line, key_node.start_mark.column)
            fm.keys.append((key, off))
            fm.key_offsets.setdefault(key, off)
    if data is None:
        fm.data = {}
    elif isinstance(data, dict):
        fm.data = data
        if loader_cls is getattr(yaml, "CSafeLoader", None) and "<<" not in raw and \
                "merge" not in raw:  # (a merge key is flattened into the node)
            fm.node = node
    else:
        fm.errors.append(FrontMatterError(
            loc.offset(node.start_mark.line, node.start_mark.column),
            f"front matter must be a mapping of keys to values, not {_describe_type(data)}",
            kind="not-a-mapping",
        ))


def _failing_scalar_offset(root: Node, loader_cls: type, loc: _Locator) -> int:
    """Return the offset of the first scalar under ``root`` that cannot be constructed
    (the content start when none fails alone)."""
    constructor = loader_cls("")
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            try:
                constructor.construct_object(node)
            except Exception:  # noqa: BLE001 - any failure locates the bad value
                return loc.offset(node.start_mark.line, node.start_mark.column)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                stack.extend((v, k))
    return loc.base


def _yaml_error(
    exc: yaml.YAMLError, loc: _Locator, raw: str = "", byte_positions: bool = False
) -> FrontMatterError:
    if isinstance(exc, yaml.reader.ReaderError):
        # "unacceptable character #x0007", without marks. The Python reader counts
        # characters; libyaml counts bytes of the UTF-8 text it was given.
        position = exc.position
        if byte_positions:
            position = len(raw.encode("utf-8")[:position].decode("utf-8", "ignore"))
        return FrontMatterError(
            min(loc.base + position, loc.limit),
            f"YAML syntax error: unacceptable character #x{exc.character:04x}: "
            f"{exc.reason}",
        )
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    offset = loc.offset(mark.line, mark.column) if mark is not None else loc.base
    if offset >= loc.limit and context_mark is not None:
        # "unexpected end of stream": point where the unclosed thing (quote, bracket) began.
        offset = loc.offset(context_mark.line, context_mark.column)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    return FrontMatterError(offset, message)


def _key_text(node: Node) -> str | None:
    if isinstance(node, ScalarNode):
        if node.tag == "tag:yaml.org,2002:merge":
            return None
        return str(node.value)
    return None


def _same_value(a: Node, b: Node, construct: Callable[[Node], Any]) -> bool:
    """True when two scalar value nodes are the same (a harmless repeat). Lists and
    mappings are never called the same: a repeated ``redirect_from`` list usually
    differs, and their shallow construction cannot tell."""
    return (isinstance(a, ScalarNode) and isinstance(b, ScalarNode) and a.tag == b.tag
            and a.value == b.value)


def _find_duplicates(
    root: Node, fm: FrontMatter, loc: _Locator, construct: Callable[[Node], Any]
) -> None:
    """Record every repeated key of every mapping (top level and nested) in ``fm.errors``.

    Keys are compared by value as YAML constructs them (so ``1`` and ``"1"`` differ,
    ``yes`` and ``true`` are the same boolean). ``<<`` merge keys are not repeats.
    """
    seen_nodes: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            first: dict[Any, Node] = {}
            values: dict[Any, Node] = {}
            for key_node, value_node in node.value:
                stack.append(value_node)
                if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                try:
                    key = (key_node.tag, construct(key_node))
                    hash(key)
                except (yaml.YAMLError, ValueError, TypeError):
                    key = (key_node.tag, key_node.value)
                if key in first:
                    prev = first[key].start_mark
                    start = loc.offset(key_node.start_mark.line, key_node.start_mark.column)
                    end = loc.offset(key_node.end_mark.line, key_node.end_mark.column)
                    prev_line = loc.line_of(loc.offset(prev.line, prev.column))
                    same = _same_value(values[key], value_node, construct)
                    fm.errors.append(FrontMatterError(
                        start,
                        f'duplicate front matter key "{key_node.value}" '
                        f"(first set on line {prev_line}"
                        + (", to the same value)" if same else ")"),
                        kind="duplicate-same" if same else "duplicate-key",
                        end=end,
                    ))
                else:
                    first[key] = key_node
                    values[key] = value_node
    fm.errors.sort(key=lambda e: e.offset)


# -- TOML -----------------------------------------------------------------------

_TOML_LOCATION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_TOML_NAME = (
    r"""(?:(?P<bare>[A-Za-z0-9_-]+)|"(?P<basic>(?:[^"\\\n]|\\.)*)"|'(?P<literal>[^'\n]*)')"""
)
_TOML_KEY = re.compile(r"[ \t]*" + _TOML_NAME + r"[ \t]*[.=]")
_TOML_TABLE = re.compile(r"[ \t]*\[\[?[ \t]*" + _TOML_NAME)


def _load_toml(raw: str, fm: FrontMatter, loc: _Locator) -> None:
    import tomllib  # (imported by the first TOML block: YAML pages never need it)

    try:
        data = tomllib.loads(raw)
    except RecursionError:
        fm.errors.append(FrontMatterError(loc.base, "TOML front matter nested too deeply"))
        return
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_LOCATION.search(msg)
        if m is None:
            offset = loc.base
        elif m.group(1) is None:
            offset = loc.limit
        else:
            offset = loc.offset(int(m.group(1)) - 1, int(m.group(2)) - 1)
        problem = msg[: m.start()] if m else msg
        if problem.startswith("Cannot overwrite a value") and m and m.group(1):
            # tomllib points past the repeated value; point at the repeated key.
            line_start = loc.offset(int(m.group(1)) - 1, 0)
            line = loc.text[line_start:loc.text.find("\n", line_start)]
            key = _TOML_KEY.match(line)
            if key is not None:
                group = next(g for g in ("bare", "basic", "literal") if key.group(g) is not None)
                col = key.start(group) - (0 if group == "bare" else 1)
                name = key.group(group)
                fm.errors.append(FrontMatterError(
                    line_start + col, f'duplicate front matter key "{name}"',
                    kind="duplicate-key", end=line_start + col + len(name),
                ))
                return
        fm.errors.append(FrontMatterError(offset, f"TOML syntax error: {problem}"))
        return
    fm.data = data
    _toml_keys(raw, fm, loc)


def _toml_keys(raw: str, fm: FrontMatter, loc: _Locator) -> None:
    """Find where each top-level key is written: ``key = ...``/``key.sub = ...`` lines
    before the first table header, and the first name of each ``[table]`` header.
    Lines inside multi-line strings are skipped (a rough scan: ``\"\"\"``/``'''`` toggles)."""
    in_table = False
    in_multiline: str | None = None
    for i, line in enumerate(raw.split("\n")):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        table = _TOML_TABLE.match(line)
        if table and fm.data is not None and table.group(
            next(g for g in ("bare", "basic", "literal") if table.group(g) is not None)
        ) not in fm.data:
            table = None  # e.g. "[1, 2]," inside a multi-line array
        key_match = None if table else _TOML_KEY.match(line)
        m = table or (None if in_table else key_match)
        if table:
            in_table = True
        if m is not None:
            group = next(g for g in ("bare", "basic", "literal") if m.group(g) is not None)
            name = m.group(group)
            col = m.start(group) - (0 if group == "bare" else 1)
            off = loc.offset(i, col)
            if name not in fm.key_offsets:
                fm.key_offsets[name] = off
                fm.keys.append((name, off))
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
