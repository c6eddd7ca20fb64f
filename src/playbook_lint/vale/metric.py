"""Vale's document-level kinds: ``metric`` (a formula over counts) and ``readability``.

Both run once per file on the ``summary`` scope (the prose of paragraphs, list items
and block quotes) and report at line 1, column 1, with the score as ``%s``
(two decimals), as Vale does (https://vale.sh/docs/checks/metric).

Counts come from ``textstat`` (https://pypi.org/project/textstat/, syllables by
Pyphen's hyphenation dictionaries): ``words``, ``sentences``, ``syllables``,
``polysyllabic_words`` (3+ syllables), ``complex_words`` (3+ syllables, not a proper
noun, not made so by -es/-ed/-ing), ``long_words`` (7+ letters), ``characters``
(letters and digits), ``paragraphs``, and block counts ``heading_h1``..``heading_h6``,
``list``, ``blockquote``, ``pre`` (a ``heading.h2`` in a formula reads ``heading_h2``).
A formula is arithmetic (``+ - * / % **``, parentheses, ``math.sqrt`` and the other
``math`` functions); it is evaluated by a small AST walker, never by ``eval``.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from functools import lru_cache
from typing import Any

from playbook_lint.vale.blocks import Block, sentences
from playbook_lint.vale.kinds import Alert, FileState, Kind, RuleError, format_message

__all__ = ["Metric", "Readability", "text_counts", "evaluate"]

_BINOPS: dict[type, Any] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.FloorDiv: operator.floordiv,
}
_CMPOPS: dict[type, Any] = {
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_MATH = {k: getattr(math, k) for k in ("sqrt", "log", "log10", "log2", "exp", "floor",
                                       "ceil", "pow", "fabs", "abs")
         if hasattr(math, k)}
_MATH["abs"] = abs


def evaluate(expr: str, names: dict[str, float]) -> Any:
    """Evaluate an arithmetic expression or comparison.

    Args:
        expr: e.g. ``"(0.39 * (words / sentences)) + 11.8"`` or ``"7.5 > 8"``.
        names: variable values.

    Returns:
        a number or a bool.

    Raises:
        RuleError: syntax Vale's formulas do not have, or an unknown variable.
        ZeroDivisionError: division by zero.
    """
    expr = re.sub(r"\bheading\.(h[1-6])\b", r"heading_\1", expr.strip())
    expr = expr.replace("&&", " and ").replace("||", " or ")
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"cannot read the expression {expr!r}: {exc.msg}") from None

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise RuleError(f"unknown variable '{node.id}'")
            return float(names[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and \
                type(node.ops[0]) in _CMPOPS:
            return _CMPOPS[type(node.ops[0])](walk(node.left), walk(node.comparators[0]))
        if isinstance(node, ast.BoolOp):
            vals = [walk(v) for v in node.values]
            return all(vals) if isinstance(node.op, ast.And) else any(vals)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "math" and \
                node.func.attr in _MATH and not node.keywords:
            return float(_MATH[node.func.attr](*[walk(a) for a in node.args]))
        raise RuleError(f"unsupported syntax in {expr!r}")

    return walk(tree)


_WORD_RE = re.compile(r"[A-Za-z0-9\u00C0-\u024F][\w'\u2019-]*")


@lru_cache(maxsize=65536)
def _syllables(word: str) -> int:
    import textstat

    return max(1, int(textstat.syllable_count(word)))


@lru_cache(maxsize=64)
def _counts(text: str) -> tuple[tuple[str, float], ...]:
    return tuple(_text_counts(text).items())


def text_counts(text: str) -> dict[str, float]:
    """Count words, sentences, syllables and the rest (see the module docstring).

    Args:
        text: plain prose (the ``summary`` scope).

    Returns:
        ``{name: count}``; every count is 0 for text without words.
    """
    return dict(_counts(text))


def _text_counts(text: str) -> dict[str, float]:
    words = _WORD_RE.findall(text)
    n_words = len(words)
    sents = sum(len(sentences(p)) for p in text.split("\n\n") if p.strip())
    syll = 0
    poly = 0
    complex_words = 0
    long_words = 0
    for i, w in enumerate(words):
        s = _syllables(w)
        syll += s
        if s >= 3:
            poly += 1
            proper = w[:1].isupper() and i > 0
            suffixed = re.search(r"(?:es|ed|ing)$", w.lower()) is not None and \
                _syllables(re.sub(r"(?:es|ed|ing)$", "", w)) < 3
            if not proper and not suffixed and "-" not in w:
                complex_words += 1
        if len(w) >= 7:
            long_words += 1
    chars = sum(1 for c in text if c.isalnum())
    paragraphs = sum(1 for p in text.split("\n\n") if p.strip())
    return {
        "words": float(n_words), "sentences": float(sents), "syllables": float(syll),
        "polysyllabic_words": float(poly), "complex_words": float(complex_words),
        "long_words": float(long_words), "characters": float(chars),
        "paragraphs": float(paragraphs),
    }


_BLOCK_VARS = ("pre", "list", "blockquote", "heading_h1", "heading_h2", "heading_h3",
               "heading_h4", "heading_h5", "heading_h6")


class Metric(Kind):
    """``metric``: evaluate ``formula`` over the file's counts and report when
    ``<score> <condition>`` holds (e.g. ``condition: "> 8"``)."""

    needs_file = True

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        self.formula = str(d.get("formula", "")).strip()
        self.condition = str(d.get("condition", "")).strip()
        if not self.formula:
            raise RuleError(f"{self.path}: formula: empty expression")
        self.scope = ["summary"]

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        counts = text_counts(blk.text)
        if not counts["words"]:
            return []
        names: dict[str, float] = {k: 0.0 for k in _BLOCK_VARS}
        for k, v in state.metrics.items():
            if not k.startswith("table"):
                names[k.replace(".", "_")] = float(v)
        names.update(counts)
        try:
            res = evaluate(self.formula, names)
            hit = evaluate(f"{res:f} {self.condition}", names)
        except ZeroDivisionError:
            return []
        except RuleError as exc:
            raise RuleError(f"{self.path}: formula: {exc}") from None
        if not hit:
            return []
        return [Alert(0, 0, format_message(self.message, f"{res:.2f}"), "", None,
                      whole_file=True)]


_FORMULAS = {
    "Flesch-Kincaid": "flesch_kincaid_grade", "Gunning Fog": "gunning_fog",
    "Coleman-Liau": "coleman_liau_index", "SMOG": "smog_index",
    "Automated Readability": "automated_readability_index",
}


class Readability(Kind):
    """``readability`` (Vale 2's kind): the mean of the named ``metrics``
    (Flesch-Kincaid, Gunning Fog, Coleman-Liau, SMOG, Automated Readability; computed
    by ``textstat``) must not be above ``grade``."""

    needs_file = True

    def __init__(self, d: dict[str, Any], accepted: list[str]) -> None:
        super().__init__(d, accepted)
        self.metrics = [str(m) for m in (d.get("metrics") or [])]
        unknown = [m for m in self.metrics if m not in _FORMULAS]
        if not self.metrics or unknown:
            raise RuleError(f"{self.path}: metrics: expected some of {sorted(_FORMULAS)}")
        self.grade = float(d.get("grade", 0) or 0)
        self.scope = ["summary"]

    def run(self, blk: Block, state: FileState) -> list[Alert]:
        import textstat

        if not _WORD_RE.search(blk.text):
            return []
        text = blk.text.replace("\n\n", " ")
        grade = sum(float(getattr(textstat, _FORMULAS[m])(text)) for m in self.metrics)
        grade /= len(self.metrics)
        if grade <= self.grade:
            return []
        return [Alert(0, 0, format_message(self.message, f"{grade:.2f}"), "", None,
                      whole_file=True)]
