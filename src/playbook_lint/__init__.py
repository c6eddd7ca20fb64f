"""playbook-lint: a link and content quality linter for guidance written in Markdown.

The public facade is small: :class:`Finding`, :class:`Severity`, :class:`Rule` and
:class:`Document` are what plugin authors need; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
