"""``playbook-lint schema PATH``: print the front matter schema inferred from a site as
the TOML profiles a team pastes into its config to make them explicit.

Once pasted, the profiles are written profiles: they win over inference, and their
findings take the rule's configured severity (``error`` by default; ``--severity``
adds the line that sets it). Folder profiles' ``paths`` are written relative to the
folder the command runs in, which is where profile paths are matched from when
``playbook-lint`` runs there too (see :mod:`playbook_lint.checks.front_matter`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

__all__ = ["schema_command", "render_schema"]


def render_schema(path: Path, *, cwd: Path, site_options: dict, dot_file: bool,
                  severity: str | None) -> str:
    """The TOML for the site holding ``path`` (a folder or file), paths relative to
    ``cwd``; a comment line when no group reaches a consensus.

    Args:
        path: a folder or file of the site (absolute).
        cwd: the folder the linter will be run from (absolute).
        site_options: the config's ``site`` table (``root`` absolute, ...).
        dot_file: True for ``.playbook-lint.toml`` tables, False for ``pyproject.toml``.
        severity: ``"error"``/``"warning"``/``"info"`` to set the rule's severity, or None.
    """
    import dataclasses

    from playbook_lint.fminfer import Group
    from playbook_lint.fmsite import schema_for
    from playbook_lint.site import site_for

    probe = path / "index.md" if path.is_dir() else path
    site = site_for(probe, path if path.is_dir() else path.parent, site_options)
    schema = schema_for(site)
    root = Path(site.root)
    try:
        prefix = root.relative_to(cwd).as_posix()
    except ValueError:
        prefix = os.path.relpath(root, cwd).replace(os.sep, "/")
    prefix = "" if prefix in ("", ".") else prefix.rstrip("/") + "/"
    groups: list[Group] = [
        dataclasses.replace(g, value=prefix + g.value) if g.kind == "folder" else g
        for g in schema.groups
    ]
    counted = sum(1 for f in schema.facts.values() if f.data is not None and not f.draft)
    head = (f"# Front matter profiles inferred by `playbook-lint schema` from {counted} "
            f"pages of {root.name or root}.\n# Paste into "
            f"{'.playbook-lint.toml' if dot_file else 'pyproject.toml'}; keys set on at "
            "least 90% of at least 8 pages are required.\n")
    if not groups:
        return head + "# No group of pages agrees on any key: nothing to require.\n"
    table = ("rules.front-matter-missing" if dot_file
             else "tool.playbook-lint.rules.front-matter-missing")
    body = type(schema)(schema.root, groups, {}).to_toml(table=table, severity=severity)
    return head + "\n" + body


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=Path("."))
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (for its [site] settings).")
@click.option("--dot-file", is_flag=True,
              help="Print tables for .playbook-lint.toml instead of pyproject.toml.")
@click.option("--severity", type=click.Choice(["error", "warning", "info"]),
              help="Also set the severity of front-matter-missing.")
def schema_command(path: Path, config_path: Path | None, dot_file: bool,
                   severity: str | None) -> None:
    """Print the front matter profiles inferred from the site at PATH as TOML.

    Pages are grouped by layout and by folder; a key set on at least 90% of at least
    8 pages of a group is required there, and value types and small sets of values
    are inferred too. Paste the output into your config to make the profiles
    explicit (findings then take the rule's severity, error by default).
    """
    from playbook_lint.config import load_config
    from playbook_lint.errors import UsageError

    try:
        config = load_config(config_path)
    except UsageError as exc:
        click.echo(f"playbook-lint: error: {exc}", err=True)
        sys.exit(2)
    options = dict(getattr(config, "site", {}) or {})
    cwd = Path.cwd().resolve()
    click.echo(render_schema(path.resolve(), cwd=cwd, site_options=options,
                             dot_file=dot_file, severity=severity), nl=False)
