"""``playbook-lint lsp``: a language server (Language Server Protocol over stdio, on pygls).

What it does, per the LSP 3.17 specification
(https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/):

- diagnostics on open, change and save (``textDocument/publishDiagnostics``): the
  offline rules run on the unsaved buffer through :func:`playbook_lint.api.lint_text`;
  external links show results from the link cache only, never a request per keystroke;
- code actions (``textDocument/codeAction``): each finding's fix as a quick fix, safe
  fixes marked preferred;
- hover (``textDocument/hover``): the documentation of the rule behind a diagnostic
  under the cursor;
- config reload: a saved or changed ``.playbook-lint.toml`` or ``pyproject.toml``
  (``workspace/didChangeWatchedFiles`` or ``textDocument/didSave``) drops the rules
  built from it and re-lints the open documents.

Positions: findings count lines from 1 and columns in code points from 1; LSP counts
both from 0 and columns in UTF-16 code units (the protocol's default position
encoding), so :func:`to_position` converts.

pygls is an optional dependency (``pip install 'playbook-lint[lsp]'``).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from playbook_lint import __version__
from playbook_lint.document import Document
from playbook_lint.findings import Finding, Fix, Severity

CONFIG_NAMES = (".playbook-lint.toml", "pyproject.toml")
SOURCE = "playbook-lint"


def uri_to_path(uri: str) -> Path:
    """The file path of a ``file://`` URI.

    Raises:
        ValueError: not a ``file:`` URI (an untitled buffer, a remote file).
    """
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise ValueError(f"not a file URI: {uri}")
    return Path(unquote(parsed.path))


def to_position(doc: Document, offset: int) -> tuple[int, int]:
    """``(line, character)`` in LSP terms (0-based, UTF-16 code units) of a text offset."""
    line, col = doc.position(offset)
    prefix = doc.line_text(line)[: col - 1]
    return line - 1, len(prefix.encode("utf-16-le")) // 2


def finding_range(doc: Document, f: Finding) -> tuple[tuple[int, int], tuple[int, int]]:
    """The LSP range of finding ``f`` in ``doc`` (start, end), each ``(line, character)``."""
    start = doc.offset(f.line, f.column)
    end_line = f.end_line if f.end_line is not None else f.line
    end_col = f.end_column if f.end_column is not None else f.column
    return to_position(doc, start), to_position(doc, doc.offset(end_line, end_col))


def rule_doc(rule_cls: Any) -> str:
    """A rule's documentation as Markdown for a hover (its docstring, dedented)."""
    doc = inspect.cleandoc(getattr(rule_cls, "__doc__", None) or "(no documentation)")
    return f"**{rule_cls.name}** ({rule_cls.code})\n\n{doc}"


class PlaybookServer:
    """The server's state and behaviour, kept apart from pygls so tests can call it.

    Attributes:
        findings: the last findings of each open document, by URI.
        documents: the Document each finding list was computed from, by URI.
    """

    def __init__(self) -> None:
        self.findings: dict[str, list[Finding]] = {}
        self.documents: dict[str, Document] = {}
        self._rules: dict[Path, Any] = {}  # config base folder -> RuleSet

    def reload(self) -> None:
        """Forget the rules built from config files and the site models: the next lint
        reads them again."""
        from playbook_lint.site import forget_sites

        self._rules.clear()
        forget_sites()

    def lint(self, uri: str, text: str) -> list[Finding]:
        """Lint the buffer ``text`` of ``uri``; remember and return its findings.

        A config error becomes one finding at line 1 naming the problem, so the user
        sees it in the editor instead of a silent server.
        """
        from playbook_lint.api import lint_text
        from playbook_lint.config import load_config
        from playbook_lint.errors import UsageError
        from playbook_lint.runner import build_rules

        path = uri_to_path(uri)
        doc = Document.from_bytes(path, text.encode("utf-8"))
        try:
            config = load_config(None, cwd=path.parent)
            rules = self._rules.get(config.base)
            if rules is None:
                rules = self._rules[config.base] = build_rules(config)
            found = lint_text(path, text, root=config.base, rules=rules)
        except UsageError as exc:
            found = [Finding(path.name, 1, 1, "config", "", Severity.ERROR,
                             f"playbook-lint configuration: {exc}")]
        self.findings[uri] = found
        self.documents[uri] = doc
        return found

    def close(self, uri: str) -> None:
        """Forget a closed document."""
        self.findings.pop(uri, None)
        self.documents.pop(uri, None)

    def fixes_in(self, uri: str, start: tuple[int, int], end: tuple[int, int]) -> list[
            tuple[Finding, Fix]]:
        """The findings with a fix whose range touches ``start..end`` (LSP positions)."""
        doc = self.documents.get(uri)
        if doc is None:
            return []
        out = []
        for f in self.findings.get(uri, []):
            if f.fix is None:
                continue
            (s, e) = finding_range(doc, f)
            if s <= end and start <= e:
                out.append((f, f.fix))
        return out

    def hover(self, uri: str, pos: tuple[int, int]) -> str | None:
        """Markdown documenting the rules of the findings under ``pos``, or None."""
        from playbook_lint.registry import discover

        doc = self.documents.get(uri)
        if doc is None:
            return None
        infos = discover()
        parts = []
        for f in self.findings.get(uri, []):
            s, e = finding_range(doc, f)
            if s <= pos <= e and f.rule in infos:
                parts.append(f"{f.message}\n\n---\n\n{rule_doc(infos[f.rule].cls)}")
        return "\n\n".join(parts) or None


def build_server() -> Any:
    """Make the pygls ``LanguageServer`` with every feature registered.

    Raises:
        ImportError: pygls is not installed.
    """
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    state = PlaybookServer()
    server = LanguageServer(SOURCE, __version__,
                            text_document_sync_kind=types.TextDocumentSyncKind.Full)
    severity = {Severity.ERROR: types.DiagnosticSeverity.Error,
                Severity.WARNING: types.DiagnosticSeverity.Warning,
                Severity.INFO: types.DiagnosticSeverity.Information}

    def pos(p: tuple[int, int]) -> Any:
        return types.Position(line=p[0], character=p[1])

    def publish(uri: str) -> None:
        try:
            text = server.workspace.get_text_document(uri).source
            found = state.lint(uri, text)
        except ValueError:  # not a file: URI
            return
        doc = state.documents[uri]
        diagnostics = []
        for f in found:
            s, e = finding_range(doc, f)
            diagnostics.append(types.Diagnostic(
                range=types.Range(start=pos(s), end=pos(e)), message=f.message,
                severity=severity[f.severity], code=f.rule, source=SOURCE))
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.rsplit("/", 1)[-1] in CONFIG_NAMES:
            state.reload()
            for uri in list(state.documents):
                publish(uri)
            return
        from playbook_lint.site import forget_sites

        forget_sites()  # a saved page may change other pages' links (permalinks, ids)
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Any, params: types.DidCloseTextDocumentParams) -> None:
        state.close(params.text_document.uri)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: Any, params: types.DidChangeWatchedFilesParams) -> None:
        if any(c.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for c in params.changes):
            state.reload()
            for uri in list(state.documents):
                publish(uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: Any, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        doc = state.documents.get(uri)
        if doc is None:
            return []
        r = params.range
        actions = []
        for _finding, fix in state.fixes_in(uri, (r.start.line, r.start.character),
                                     (r.end.line, r.end.character)):
            edits = [types.TextEdit(
                range=types.Range(start=pos(to_position(doc, e.start)),
                                  end=pos(to_position(doc, e.end))),
                new_text=e.replacement) for e in fix.edits]
            actions.append(types.CodeAction(
                title=fix.title if fix.safe else f"{fix.title} (unsafe: check the result)",
                kind=types.CodeActionKind.QuickFix, is_preferred=fix.safe,
                edit=types.WorkspaceEdit(changes={uri: edits})))
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: Any, params: types.HoverParams) -> types.Hover | None:
        text = state.hover(params.text_document.uri,
                           (params.position.line, params.position.character))
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=text))

    return server


def main(argv: Sequence[str] | None = None) -> int:
    """``playbook-lint lsp``: serve on standard input and output until the client exits.

    Returns the exit status: 0 after a normal shutdown, 2 when pygls is missing.
    """
    import sys

    try:
        server = build_server()
    except ImportError:
        print("playbook-lint: error: the language server needs pygls: "
              "pip install 'playbook-lint[lsp]'", file=sys.stderr)
        return 2
    server.start_io()
    return 0
