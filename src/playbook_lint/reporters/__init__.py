"""Reporters turn sorted findings into text, JSON or GitHub workflow commands.

Each reporter is a function ``render(findings, summary) -> str``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from playbook_lint.findings import Finding
from playbook_lint.reporters import github, json, text
from playbook_lint.reporters.common import Summary

Reporter = Callable[[Sequence[Finding], Summary], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json.render,
    "github": github.render,
}


def get_reporter(name: str) -> Reporter:
    """Return the reporter called ``name`` (sarif and html are imported on demand).

    Raises:
        KeyError: no such reporter.
    """
    if name == "sarif":
        from playbook_lint.reporters import sarif

        return sarif.render
    if name == "html":
        from playbook_lint.reporters import html

        return html.render
    return REPORTERS[name]

__all__ = ["REPORTERS", "Reporter", "Summary", "get_reporter"]
