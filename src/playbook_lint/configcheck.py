"""The config's JSON Schema check, remembered: a config table that passed once is not
checked again (importing ``jsonschema`` was about a quarter of a warm run).

A table that passes leaves an empty marker file named by a digest of what the
check's answer depends on: the table as read (``repr`` of the parsed TOML: it
tells a string from a date or a number, and any edit changes it), the schema, this
tool's version, the Python version (the ``regex`` format is Python's ``re``) and the
stamp of the installed ``jsonschema``. The markers live in
``<user cache dir>/playbook-lint/config-checks/`` (``platformdirs``); only passes
are kept, so every problem of an invalid table is reported exactly as without the
cache. ``--no-cache`` (:func:`playbook_lint.siteindex.cache_enabled`) neither reads
nor writes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from playbook_lint import __version__

__all__ = ["schema_problems", "check_digest", "MARKERS_KEPT"]

#: Bump when what a marker promises changes.
CHECK_VERSION = 1
#: Markers kept in the folder; the oldest beyond these are removed when one is added.
MARKERS_KEPT = 32


def _folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
        / "config-checks"


def _jsonschema_stamp() -> str:
    """Where the installed ``jsonschema`` is and its size and mtime, found without
    importing it (an upgrade changes the stamp)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("jsonschema")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return "none"
        st = os.stat(origin)
    except (ImportError, ValueError, OSError):
        return "none"
    return f"{origin}\0{st.st_size}\0{st.st_mtime_ns}"


def check_digest(table: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    """SHA-256 hex naming one check of ``table`` against ``schema`` (see the module
    docstring for what goes in). ``table`` is a parsed TOML table: dicts, lists,
    strings, numbers, booleans and dates, whose ``repr`` is unambiguous."""
    h = hashlib.sha256()
    h.update(f"{CHECK_VERSION}\0{__version__}\0{sys.version}\0{_jsonschema_stamp()}\0"
             .encode())
    h.update(json.dumps(schema, sort_keys=True).encode())
    h.update(b"\0" + repr(dict(table)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _validate(table: Mapping[str, Any], path: Path, schema: Mapping[str, Any],
              prefix: str) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker(["regex"])
    )
    errors = sorted(validator.iter_errors(dict(table)), key=lambda e: list(map(str, e.path)))
    problems: list[str] = []
    for err in errors:  # every problem in one run, not one per run
        where = [str(p) for p in err.absolute_path]
        if err.validator == "additionalProperties":
            import difflib

            known = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(known)):
                close = difflib.get_close_matches(extra, known, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"{path}: {prefix}{'.'.join([*where, extra])}: "
                                f"unknown key{hint}")
        else:
            problems.append(f"{path}: {prefix}{'.'.join(where)}: {err.message}")
    return problems


def schema_problems(table: Mapping[str, Any], path: Path, schema: Mapping[str, Any],
                    prefix: str = "") -> list[str]:
    """Check ``table`` (read from ``path``) against the JSON Schema ``schema``.

    Args:
        table: the config table (parsed TOML).
        path: the file it was read from (named in each problem).
        schema: the JSON Schema (Draft 2020-12) with ``format: regex`` checked.
        prefix: put before each key path, e.g. ``"tool.playbook-lint."``.

    Returns:
        One line per problem (``"<path>: <prefix><key.path>: <message>"``, an unknown
        key with a close known one suggested), sorted by key path; empty when the
        table passes, also when a pass of the same table is remembered (then
        ``jsonschema`` is not imported).
    """
    from playbook_lint.siteindex import cache_enabled

    marker = None
    if cache_enabled():
        try:
            marker = _folder() / check_digest(table, schema)
        except (TypeError, ValueError, RecursionError):
            marker = None
        if marker is not None and marker.is_file():
            return []
    problems = _validate(table, path, schema, prefix)
    if not problems and marker is not None:
        _remember(marker)
    return problems


def _remember(marker: Path) -> None:
    """Leave ``marker`` (empty) and remove the oldest beyond :data:`MARKERS_KEPT`; a
    folder that cannot be written only means the next run checks again."""
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        names = os.listdir(marker.parent)
        if len(names) > MARKERS_KEPT:
            stamped = []
            for name in names:
                try:
                    stamped.append((os.stat(marker.parent / name).st_mtime_ns, name))
                except OSError:
                    continue
            for _, name in sorted(stamped)[:-MARKERS_KEPT]:
                try:
                    os.remove(marker.parent / name)
                except OSError:
                    continue
    except OSError:
        return
