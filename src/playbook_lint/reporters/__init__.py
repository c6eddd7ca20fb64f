"""Reporters turn sorted findings into text for people, CI systems and editors.

Each reporter is a module with a function ``render(findings, summary) -> str``.
:data:`FORMATS` is the one table of them: the CLI's ``--format`` choices are built
from it, and a reporter module is imported only when its format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from playbook_lint.findings import Finding
from playbook_lint.reporters.common import Summary

Reporter = Callable[[Sequence[Finding], Summary], str]

#: format name -> (module under ``playbook_lint.reporters``, one-line description)
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("text", "path:line:column: severity rule message, one line each, for people"),
    "json": ("json", "one JSON document with every finding (fields in the README)"),
    "github": ("github", "GitHub Actions workflow commands (pull request annotations)"),
    "sarif": ("sarif", "SARIF 2.1.0 for code scanning"),
    "html": ("html", "a self-contained HTML report"),
    "gitlab": ("gitlab", "GitLab Code Quality JSON (artifacts:reports:codequality)"),
    "junit": ("junit", "JUnit XML (artifacts:reports:junit, Jenkins, Azure)"),
    "markdown": ("markdown", "a Markdown summary table (GitHub job summary)"),
}


def get_reporter(name: str) -> Reporter:
    """Return the ``render`` function of the reporter called ``name``.

    Raises:
        KeyError: no such reporter.
    """
    module, _ = FORMATS[name]
    render: Reporter = importlib.import_module(f"playbook_lint.reporters.{module}").render
    return render


__all__ = ["FORMATS", "Reporter", "Summary", "get_reporter"]
