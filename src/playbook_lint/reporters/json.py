"""JSON: ``{"version": ..., "files": N, "findings": [...], "summary": {...}}``.

Each finding has ``path``, ``line``, ``column``, ``end_line``, ``end_column``, ``rule``,
``code``, ``severity``, ``message`` and, where known, ``suggestion``, ``fix`` and
rule-specific fields (e.g. a link's ``classification``). See DESIGN.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from playbook_lint.findings import Finding
from playbook_lint.reporters.common import Summary, encodable


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """The whole run as one JSON document (UTF-8 text, two-space indent)."""
    doc = {
        "version": summary.version,
        "files": summary.files,
        "findings": [f.to_dict() for f in findings],
        "summary": {
            "total": len(findings),
            "by_severity": dict(sorted(Counter(str(f.severity) for f in findings).items())),
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        },
        "messages": list(summary.messages),
    }
    return encodable(dumps_indented(doc)) + "\n"


#: Values the standard library's C encoder writes the same with or without an indent.
_FLAT = frozenset({str, int, float, bool, type(None)})
_ENCODERS: dict[str, Callable[[Any], str]] = {}


def _flat_encoder(inner: str) -> Callable[[Any], str]:
    """``json``'s C encoder with the separators of an indented container whose items
    start at ``inner`` (the text between the brackets of ``json.dumps(indent=2)``'s
    output, when every item is a flat value)."""
    enc = _ENCODERS.get(inner)
    if enc is None:
        enc = _ENCODERS[inner] = json.JSONEncoder(
            ensure_ascii=False, separators=(",\n" + inner, ": ")).encode
    return enc


def dumps_indented(value: Any, indent: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, with the
    containers laid out here and their items encoded by the standard library's C
    encoder (``json.dumps`` with an indent runs its pure-Python encoder, 3-4x slower).

    Args:
        value: any value ``json.dumps`` accepts.
        indent: the indentation of the line ``value`` starts on (for nested values).

    Returns:
        The JSON text, lines after the first prefixed with ``indent``.

    Raises:
        TypeError, ValueError: as ``json.dumps`` does for values it cannot encode.
    """
    kind = type(value)
    if kind is dict and value:
        inner = indent + "  "
        if all(type(k) is str for k in value):
            if all(type(v) in _FLAT for v in value.values()):
                body = _flat_encoder(inner)(value)[1:-1]
            else:
                key = _flat_encoder(inner)
                body = (",\n" + inner).join(
                    f"{key(k)}: {dumps_indented(v, inner)}" for k, v in value.items())
            return f"{{\n{inner}{body}\n{indent}}}"
    elif (kind is list or kind is tuple) and value:
        inner = indent + "  "
        if all(type(v) in _FLAT for v in value):
            body = _flat_encoder(inner)(value)[1:-1]
        else:
            body = (",\n" + inner).join(dumps_indented(v, inner) for v in value)
        return f"[\n{inner}{body}\n{indent}]"
    elif kind in _FLAT or not value and (kind is dict or kind is list or kind is tuple):
        return _flat_encoder(indent)(value)
    # anything else (keys that are not strings, subclasses, values json cannot encode):
    # the standard library's own text; its lines are never broken inside a string
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)
