"""JSON: ``{"version": ..., "files": N, "findings": [...], "summary": {...}}``.

Each finding has ``path``, ``line``, ``column``, ``end_line``, ``end_column``, ``rule``,
``code``, ``severity``, ``message`` and, where known, ``suggestion``, ``fix`` and
rule-specific fields (e.g. a link's ``classification``). See DESIGN.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]
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


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return float.__repr__(o)


def _key(k: Any) -> str:
    if isinstance(k, str):
        return encode_basestring(k)
    if isinstance(k, float):
        return encode_basestring(_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return encode_basestring(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _scalar(o: Any) -> str | None:
    """The JSON text of a scalar (None: ``o`` is a container or not JSON)."""
    t = type(o)
    if t is str:
        return encode_basestring(o)  # type: ignore[no-any-return]
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if t is int:
        return int.__repr__(o)
    if isinstance(o, str):
        return encode_basestring(o)  # type: ignore[no-any-return]
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    return None


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, several
    times faster: the standard library's C encoder does not indent, and its Python
    one makes a generator per container (a report of 12,000 findings spent 0.4 s
    there). Lone surrogates are kept, as there.

    Raises:
        TypeError: a value JSON cannot hold (as ``json.dumps``).
    """
    out: list[str] = []
    add = out.append

    def enc(o: Any, pad: str) -> None:
        text = _scalar(o)
        if text is not None:
            add(text)
        elif isinstance(o, (list, tuple)):
            if not o:
                add("[]")
                return
            inner = pad + "  "
            sep = "[" + inner
            for item in o:
                text = _scalar(item)
                if text is not None:
                    add(sep + text)
                else:
                    add(sep)
                    enc(item, inner)
                sep = "," + inner
            add(pad + "]")
        elif isinstance(o, dict):
            if not o:
                add("{}")
                return
            inner = pad + "  "
            sep = "{" + inner
            for k, v in o.items():
                key = encode_basestring(k) if type(k) is str else _key(k)
                text = _scalar(v)
                if text is not None:
                    add(f"{sep}{key}: {text}")
                else:
                    add(f"{sep}{key}: ")
                    enc(v, inner)
                sep = "," + inner
            add(pad + "}")
        else:
            raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    enc(value, "\n")
    return "".join(out)
