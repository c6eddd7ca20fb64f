"""The ``undefined-reference`` rule (PL110): reference links and images whose label
has no definition, so the page shows the brackets as typed.

Same check as markdownlint's MD052 ``reference-links-images``
(https://github.com/DavidAnson/markdownlint/blob/main/doc/md052.md): full
``[text][label]`` and collapsed ``[text][]`` references, links and images; shortcut
``[label]`` references are not checked (MD052's default too), so footnotes
``[^1]``, task-list boxes ``[ ]``/``[x]`` and bracketed words stay quiet.

Why a rule of its own and not part of ``broken-link``: ``broken-link`` judges where a
link points (a file, a page, an anchor, a URL); an undefined label never becomes a link
at all (CommonMark renders it as text, https://spec.commonmark.org/0.31.2/#full-reference-link),
so there is no target to judge, the fix is different (add a definition or fix the
label), and teams coming from markdownlint expect to select or ignore it on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from markdown_it.common.utils import normalizeReference

from playbook_lint.findings import RawFinding, Severity
from playbook_lint.lazyre import lazy_compile
from playbook_lint.links.offsets import inline_blocks
from playbook_lint.mdparser import SPAN, parse_inline
from playbook_lint.rule import Context, Rule

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["UndefinedReference", "undefined_references"]

#: ``[text][label]`` / ``![alt][label]`` / ``[text][]`` with no brackets nested inside.
_REF = lazy_compile(globals(), r"(?<!\\)(!?)\[((?:[^\[\]\\]|\\.)*)\]\[((?:[^\[\]\\]|\\.)*)\]")
#: Liquid/Jinja/Nunjucks, Hugo shortcodes and ERB: their brackets are template code.
_TEMPLATE = lazy_compile(globals(), r"\{\{.*?\}\}|\{%.*?%\}|<%.*?%>|\{#.*?#\}", re.DOTALL)
#: Constructs that insert content at build time: a definition may come from there.
_PULLS_IN = lazy_compile(globals(),
    r"\{%-?\s*(?:include|include_relative|render|partial)\b|"
    r"\{\{[<%]\s*[\w-]|<%=|\{\{-?\s*(?:partial|include|content)\b|"
    r"^--8<--", re.MULTILINE)
_TASK = frozenset({" ", "x", "X"})
#: A definition line as the generator sees it after its templates ran:
#: ``[label]: {{ site.baseurl }}/x`` is no CommonMark definition in the source (the
#: destination has spaces) but is one once Liquid has run, so any ``[label]:`` at the
#: start of a line (after indentation or ``>``) counts as defining ``label``.
_DEF_LINE = lazy_compile(globals(), r"^[ \t>]*\[((?:[^\[\]\\]|\\.)+)\]:", re.MULTILINE)


def undefined_references(doc: Document) -> list[tuple[int, int, str, str, bool]]:
    """Every full or collapsed reference of ``doc`` whose label has no definition.

    Returns:
        ``(label start, label end, label, written text, is image)`` per usage, with
        offsets into ``doc.text`` (for ``[text][]`` the span is the text's).
        References inside code, HTML blocks, template tags (``{{ }}``, ``{% %}``,
        ``<% %>``), escaped brackets and ``word[i][j]`` indexing are not looked at.
    """
    if "][" not in doc.markdown_source:
        return []
    tokens = doc.tokens
    env: dict[str, Any] = getattr(doc, "env", None) or {}
    defined = set((env.get("references") or {}).keys())
    defined.update(normalizeReference(m.group(1))
                   for m in _DEF_LINE.finditer(doc.text, doc.body_start))
    out: list[tuple[int, int, str, str, bool]] = []
    blocks = dict((id(t), m) for t, m in inline_blocks(doc))
    for tok in tokens:
        if tok.type != "inline" or id(tok) not in blocks or "][" not in tok.content:
            continue
        src = tok.content
        to_src = blocks[id(tok)]
        masked = [(m.start(), m.end()) for m in _TEMPLATE.finditer(src)]
        children, _probe = parse_inline(src, env)
        for child in children:
            span = child.meta.get(SPAN)
            if child.type != "text" or span is None or "][" not in child.content:
                continue
            s, e = span
            if src[s:e] != child.content:
                continue  # escapes or entities: the text is not the source
            for m in _REF.finditer(src, s, e):
                start, end = m.start(), m.end()
                if any(a < end and start < b for a, b in masked):
                    continue
                before = src[start - 1] if start else ""
                after = src[end] if end < len(src) else ""
                if before.isalnum() or before == "_" or after in ("(", "["):
                    continue  # a[i][j] indexing; [a][b](url) is "[a]" then a link
                text, label = m.group(2), m.group(3)
                if not m.group(1) and text in _TASK and start == 0:
                    continue  # "[x][...]" at the start of an item: a task box
                written = label if label else text
                if not written.strip() or written.startswith("^"):
                    continue  # [][] is no reference; [^1] is a footnote
                if normalizeReference(written) in defined:
                    continue
                ls = m.start(3) if label else m.start(2)
                le = m.end(3) if label else m.end(2)
                out.append((to_src(ls), to_src(le), written, m.group(0), bool(m.group(1))))
    return out


class UndefinedReference(Rule):
    """A reference link or image whose label has no definition on the page.

    **What it does.** Finds full ``[text][label]`` and collapsed ``[text][]``
    references, and the image forms ``![alt][label]`` and ``![alt][]``, whose label
    matches no reference definition (``[label]: https://...``) of the page, labels
    compared as CommonMark does (case and runs of spaces ignored). Reports at the
    label. Shortcut references ``[label]`` are not checked, so footnotes ``[^1]``,
    task-list boxes and bracketed words are never flagged; neither is anything in
    code, HTML blocks or template tags (``{{ }}``, ``{% %}``, ``<% %>``).

    **Why it matters.** Markdown renders an undefined reference as the literal
    text ``[text][label]``: readers see brackets and no link, and no build fails.

    **Certainty.** A ``warning``: the brackets certainly render as text, but whether
    that is a mistake is not (a page may show ``[Topic][Link]`` on purpose, as a
    template to copy). ``info`` when the page pulls in content at build time
    (``{% include %}``, Hugo shortcodes, ERB ``<%= partial %>``, MkDocs snippets), since
    an included file may hold the definition.

    **Example**::

        Read the [service manual][manual].

    gives ``1:29 no definition for reference "manual": "[service manual][manual]" shows
    as typed``.

    **Use instead**::

        Read the [service manual][manual].

        [manual]: https://www.gov.uk/service-manual

    **Fix.** None automatic: only the author knows the address.

    **Source.** CommonMark 0.31.2, reference links,
    https://spec.commonmark.org/0.31.2/#reference-link; markdownlint MD052,
    https://github.com/DavidAnson/markdownlint/blob/main/doc/md052.md.
    """

    name: ClassVar[str] = "undefined-reference"
    code: ClassVar[str] = "PL110"
    default_severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str] = "A reference link or image names a label that is never defined"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield a report per undefined label (see the class docstring)."""
        found = undefined_references(doc)
        if not found:
            return
        uncertain = _PULLS_IN.search(doc.text, doc.body_start) is not None
        for start, end, label, written, image in found:
            what = "image reference" if image else "reference"
            if uncertain:
                yield RawFinding(start, end,
                             f'no definition for {what} "{label}" on the page: "{written}" '
                             "shows as typed unless included content defines it",
                             severity=Severity.INFO)
            else:
                yield RawFinding(start, end,
                             f'no definition for {what} "{label}": "{written}" shows as typed')
