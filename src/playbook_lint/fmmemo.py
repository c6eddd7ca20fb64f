"""One parse of each page's front matter per run, shared by its readers.

Three readers want a page's front matter in one run: the page's
:class:`~playbook_lint.document.Document` (for the rules: data, key offsets,
repeated keys, errors), the site model's walk (:func:`playbook_lint.site.build_site`:
the values) and the front matter schema inference (:mod:`playbook_lint.fmsite`: the
values). Each used to parse the block itself, so every page's YAML was read three
times. This module keeps the :class:`~playbook_lint.frontmatter.FrontMatter` of each
block read so far, keyed by the block's own text (everything from the opening fence
to the end of the closing fence line, which is all the result depends on), so the
first reader parses and the others look it up. The site model is built before the
process pool forks (:func:`playbook_lint.api.lint`), so the workers inherit what it
read; a worker parses only pages the site walk did not read.

The shared :class:`FrontMatter` and its ``data`` are read-only for every caller.
"""

from __future__ import annotations

import re
from typing import Any

from playbook_lint.frontmatter import FrontMatter, parse_front_matter

__all__ = ["MAX_ENTRIES", "block", "clear", "front_matter", "front_matter_values",
           "remember"]

#: Blocks kept at most; past it the memo starts afresh (a long-lived language server
#: sees a new block at every edit of a page's front matter).
MAX_ENTRIES = 50_000

# The fences as :func:`playbook_lint.frontmatter.parse_front_matter` finds them: an
# opening ``---``/``+++`` line and the first closing line after it (``---`` or ``...``
# for YAML, ``+++`` for TOML), trailing blanks allowed. Group 1 spans the block.
_BLOCK = re.compile(
    r"(---[ \t]*\n(?:.*?\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)"
    r"|\+\+\+[ \t]*\n(?:.*?\n)??\+\+\+[ \t]*(?:\n|\Z))",
    re.DOTALL,
)

_MEMO: dict[str, FrontMatter | None] = {}


def front_matter(text: str) -> FrontMatter | None:
    """The front matter of ``text`` exactly as
    :func:`~playbook_lint.frontmatter.parse_front_matter` (default loader) gives it,
    parsed once per distinct block in this process.

    Args:
        text: a document's text, BOM-less with ``\\n`` line endings.

    Returns:
        the shared :class:`FrontMatter` (do not modify it or its data), or None
        when ``text`` has no front matter block.

    Raises:
        RecursionError: as ``parse_front_matter`` does on absurdly nested YAML.
    """
    key = block(text)
    if key is None:  # no complete block: parse_front_matter finds none either
        return None
    try:
        return _MEMO[key]
    except KeyError:
        pass
    # The same result as for ``text``: the block ends with its newline, or is ``text``.
    fm = parse_front_matter(key)
    remember(key, fm)
    return fm


def block(text: str) -> str | None:
    """The front matter block of ``text`` (BOM-less, ``\\n`` line endings) that the memo
    is keyed by, from the opening fence to the end of the closing fence line; None
    when ``text`` has no complete block."""
    m = _BLOCK.match(text)
    return None if m is None else m.group(1)


def remember(key: str, fm: FrontMatter | None) -> None:
    """Keep ``fm`` as the parse of the block ``key`` (see :func:`block`) unless one is
    kept already: e.g. a parse a forked worker made and handed back
    (:meth:`playbook_lint.parsed.ParsedPages.keep_read`), so that this process's other
    readers (the site model) and the workers it forks later do not parse it again."""
    if key in _MEMO:
        return
    if len(_MEMO) >= MAX_ENTRIES:
        _MEMO.clear()
    _MEMO[key] = fm


def front_matter_values(text: str) -> tuple[Any, int] | None:
    """``(mapping, body offset)`` of the front matter of ``text`` for the site model,
    from the shared parse (see :func:`front_matter`), or None when ``text`` has no
    block or its YAML is too deeply nested to parse. The mapping is None when the
    block does not parse or is not a mapping, and ``{}`` for an empty block. A block
    too large for the rules to parse is still read for its values by libyaml, as the
    site model always has. The shared parse's YAML node is dropped (see the comment
    below): its readers compose it again when it is None."""
    try:
        fm = front_matter(text)
    except RecursionError:
        return None
    if fm is None:
        return None
    # The site model reads every page before the process pool forks: the composed
    # YAML node (kept for the page's own front matter links, links/fmlinks.py) would
    # then stay in memory for the whole site, in every worker (digitalgov's peak RSS
    # 194 -> 296 MiB). A page's links compose their node again when it is not kept.
    fm.node = None
    if fm.data is None and fm.kind == "yaml" and any(e.kind == "too-large" for e in fm.errors):
        return _libyaml_values(text[fm.content_start:fm.content_end]), fm.end
    return fm.data, fm.end


def _libyaml_values(raw: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        data = yaml.load(raw, Loader=loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None


def clear() -> None:
    """Forget every block read so far."""
    _MEMO.clear()
