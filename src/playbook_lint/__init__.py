"""playbook-lint: a link and content quality linter for guidance written in Markdown.

The public facade is small. Plugin authors need :class:`Rule`, :class:`Context`,
:class:`Document`, :class:`RawFinding`, :class:`Fix`, :class:`Edit` and
:class:`Severity`; callers of the pipeline need :func:`run`, :class:`RunOptions`,
:func:`render` and :class:`Finding`. Everything else is internal. Names are imported
on first use, so ``import playbook_lint`` stays cheap for a pre-commit run.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Finding": "playbook_lint.findings",
    "Severity": "playbook_lint.findings",
    "RawFinding": "playbook_lint.findings",
    "Fix": "playbook_lint.findings",
    "Edit": "playbook_lint.findings",
    "Rule": "playbook_lint.rule",
    "Context": "playbook_lint.rule",
    "Document": "playbook_lint.document",
    "RunOptions": "playbook_lint.api",
    "RunResult": "playbook_lint.api",
    "run": "playbook_lint.api",
    "render": "playbook_lint.api",
    "lint_text": "playbook_lint.api",
}

__all__ = ["__version__", *_EXPORTS]

#: Former names still answered (not exported): ``Report`` is :class:`RawFinding`.
_FORMER = {"Report": "RawFinding"}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562).

    Raises:
        AttributeError: ``name`` is not part of the facade.
    """
    module = _EXPORTS.get(_FORMER.get(name, name))
    if module is None:
        raise AttributeError(f"module 'playbook_lint' has no attribute {name!r}")
    value = getattr(import_module(module), _FORMER.get(name, name))
    globals()[name] = value
    return value
