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
    encoder (``json.dumps`` with an indent runs its pure-Python encoder, 3-4x slower):
    each run of flat items (str, int, float, bool, None) of a container in one call.

    Args:
        value: any value ``json.dumps`` accepts.
        indent: the indentation of the line ``value`` starts on (for nested values).

    Returns:
        The JSON text, lines after the first prefixed with ``indent``.

    Raises:
        TypeError, ValueError: as ``json.dumps`` does for values it cannot encode
            (a container that holds itself: RecursionError).
    """
    kind = type(value)
    if kind is dict and value:
        inner = indent + "  "
        enc = _flat_encoder(inner)
        if _FLAT.issuperset(map(type, value.values())):
            # keys as json writes them, whatever their type (str, int, float, ...)
            return f"{{\n{inner}{enc(value)[1:-1]}\n{indent}}}"
        parts: list[str] = []
        flat: dict[Any, Any] = {}
        for k, v in value.items():
            if type(v) in _FLAT:
                flat[k] = v
                continue
            if type(k) is not str:
                break  # json's own text for keys of other types (below)
            if flat:
                parts.append(enc(flat)[1:-1])
                flat = {}
            parts.append(f"{enc(k)}: {dumps_indented(v, inner)}")
        else:
            if flat:
                parts.append(enc(flat)[1:-1])
            body = (",\n" + inner).join(parts)
            return f"{{\n{inner}{body}\n{indent}}}"
    elif (kind is list or kind is tuple) and value:
        inner = indent + "  "
        enc = _flat_encoder(inner)
        if _FLAT.issuperset(map(type, value)):
            return f"[\n{inner}{enc(value)[1:-1]}\n{indent}]"
        parts = []
        items: list[Any] = []
        for v in value:
            if type(v) in _FLAT:
                items.append(v)
                continue
            if items:
                parts.append(enc(items)[1:-1])
                items = []
            parts.append(dumps_indented(v, inner))
        if items:
            parts.append(enc(items)[1:-1])
        body = (",\n" + inner).join(parts)
        return f"[\n{inner}{body}\n{indent}]"
    elif kind in _FLAT or not value and (kind is dict or kind is list or kind is tuple):
        return _flat_encoder(indent)(value)
    # anything else (keys that are not strings, subclasses, values json cannot encode):
    # the standard library's own text; its lines are never broken inside a string
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)
