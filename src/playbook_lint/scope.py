"""Prose scope: which characters of a document are prose (placeholder interface)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playbook_lint.document import Document


def prose_text(doc: Document) -> str:
    """Return ``doc.text`` with every non-prose character replaced by a space
    (newlines kept), so offsets into it are offsets into ``doc.text``."""
    return "".join("\n" if c == "\n" else " " for c in doc.text)
