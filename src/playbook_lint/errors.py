"""The exceptions playbook-lint raises for problems a user must fix (exit code 2)."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with how playbook-lint was called or configured.

    ``str()`` is one line naming the file and key at fault, e.g.
    ``pyproject.toml: tool.playbook-lint.fail-on: unknown severity 'fatal'``.
    The CLI prints it and exits with status 2.
    """


class ConfigError(UsageError):
    """A configuration file or rule pack is invalid."""


class PluginError(UsageError):
    """A rule plugin could not be loaded; the message names the distribution."""
