"""The language server, driven by a real JSON-RPC client over stdio (a subprocess)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (pip install '.[lsp]')")

from playbook_lint.document import Document  # noqa: E402
from playbook_lint.lsp import to_position  # noqa: E402

TIMEOUT = 30.0


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over a subprocess's pipes."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "XDG_CACHE_HOME": str(cwd / ".cache")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "playbook_lint", "lsp"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                ch = out.read(1)
                if not ch:
                    return
                header += ch
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            self.inbox.put(json.loads(out.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            msg = self.inbox.get(timeout=TIMEOUT)
            if msg.get("id") == self.next_id and "method" not in msg:
                assert "error" not in msg, msg
                return msg.get("result")

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        while True:
            msg = self.inbox.get(timeout=TIMEOUT)
            if msg.get("method") == "textDocument/publishDiagnostics" and \
                    msg["params"]["uri"] == uri:
                return list(msg["params"]["diagnostics"])

    def close(self) -> int:
        self.request("shutdown", {})
        self.notify("exit", {})
        return self.proc.wait(timeout=TIMEOUT)


@pytest.fixture()
def client(tmp_path: Path):
    c = Client(tmp_path)
    result = c.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(),
                                      "capabilities": {}})
    caps = result["capabilities"]
    assert caps["hoverProvider"] is True and caps["codeActionProvider"]
    c.notify("initialized", {})
    yield c
    if c.proc.poll() is None:
        c.proc.kill()


def test_diagnostics_fixes_hover_and_config_reload(tmp_path: Path, client: Client) -> None:
    page = tmp_path / "page.md"
    saved = "---\ntitle: A\n---\n# A\n\nSee [b](b.md).\n"
    page.write_text(saved, encoding="utf-8")
    uri = page.as_uri()
    buffer = "---\ntitle: A\n---\n# A\n\nWe utilise [b](b.md).\n"  # unsaved edit
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": buffer}})
    diags = client.diagnostics(uri)
    assert [(d["code"], d["severity"], d["range"]) for d in diags] == [
        ("jargon", 2, {"start": {"line": 5, "character": 3}, "end": {"line": 5, "character": 10}}),
        ("broken-link", 1, {"start": {"line": 5, "character": 15},
                            "end": {"line": 5, "character": 19}}),
    ]
    assert diags[1]["message"] == 'link target "b.md" does not exist'

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diags[0]["range"],
        "context": {"diagnostics": [diags[0]]}})
    assert [a["title"] for a in actions] == ['Replace "utilise" with "use"']
    assert actions[0]["isPreferred"] is True
    assert actions[0]["edit"]["changes"][uri] == [
        {"range": diags[0]["range"], "newText": "use"}]

    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 5, "character": 5}})
    assert hover["contents"]["kind"] == "markdown"
    assert hover["contents"]["value"].startswith(
        '"utilise" is jargon (GOV.UK words to avoid): use "use"\n\n---\n\n**jargon**')

    # the buffer changes: diagnostics follow the unsaved text
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": "---\ntitle: A\n---\n# A\n\nWe utilise [b](b.md).\n"}]})
    assert [d["code"] for d in client.diagnostics(uri)] == ["jargon"]

    # a new config turns jargon off: the server reloads it
    config = tmp_path / ".playbook-lint.toml"
    config.write_text('ignore = ["jargon"]\n', encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": config.as_uri(), "type": 1}]})
    assert client.diagnostics(uri) == []
    assert client.close() == 0


def test_a_bad_config_is_a_diagnostic_not_a_dead_server(tmp_path: Path,
                                                        client: Client) -> None:
    (tmp_path / ".playbook-lint.toml").write_text('select = ["no-such-rule"]\n',
                                                  encoding="utf-8")
    uri = (tmp_path / "p.md").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": "# P\n"}})
    (diag,) = client.diagnostics(uri)
    assert diag["code"] == "config" and diag["severity"] == 1
    assert diag["message"].startswith("playbook-lint configuration: ")
    assert "no-such-rule" in diag["message"]
    assert client.close() == 0


def test_positions_are_utf16_code_units() -> None:
    doc = Document(Path("/x.md"), "a😀b utilise\n")
    # "utilise" starts at code point 5, but the emoji is two UTF-16 units
    assert to_position(doc, 5) == (0, 6)
