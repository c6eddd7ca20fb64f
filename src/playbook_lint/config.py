"""Configuration: ``[tool.playbook-lint]`` in ``pyproject.toml`` or a ``.playbook-lint.toml``.

The file is found upward from the linted files' common folder (the caller passes it
as ``cwd``; the working directory only when nothing else is given): in each folder,
``.playbook-lint.toml`` wins over a ``pyproject.toml`` that has a
``[tool.playbook-lint]`` table (a ``pyproject.toml`` without one is passed over).
Example::

    [tool.playbook-lint]
    fail-on = "error"            # lowest severity that makes the exit code 1
    ignore = ["jargon"]          # rule names or codes; select = [...] keeps only these
    packs = ["styles/our-words.yml"]   # extra rule packs, relative to this file
    disable-packs = ["jargon-18f"]     # built-in packs to leave out, by name
    exclude = ["drafts/", "archive/**/*.md"]   # gitignore syntax, relative to this file

    [tool.playbook-lint.site]    # the site model: see playbook_lint.site
    root = "."                   # default: nearest folder with _config.yml, hugo.toml, ...
    base-url = "https://playbook.example.gov"   # own links resolve locally
    exclude = ["drafts/"]        # not pages (README, LICENSE, .github/ ... already)
    include = ["README.md"]      # pages after all

    [tool.playbook-lint.rules.outdated-link]
    severity = "info"            # or "off"
    max-age-years = 3            # rule options: see `playbook-lint explain RULE`

The file is validated strictly with JSON Schema: an unknown key is an error
naming the file and key (exit status 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playbook_lint.errors import ConfigError
from playbook_lint.findings import Severity

SEVERITY_NAMES = ["error", "warning", "info"]

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "fail-on": {"enum": SEVERITY_NAMES},
        "select": {"type": "array", "items": {"type": "string"}},
        "ignore": {"type": "array", "items": {"type": "string"}},
        "packs": {"type": "array", "items": {"type": "string"}},
        "disable-packs": {"type": "array", "items": {"type": "string"}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "root": {"type": "string"},
        "site": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "root": {"type": "string"},
                "base-url": {"type": "string", "pattern": "^https?://[^/\\s]+(/\\S*)?$"},
                "include": {"type": "array", "items": {"type": "string"}},
                "exclude": {"type": "array", "items": {"type": "string"}},
            },
        },
        "links": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "concurrency": {"type": "integer", "minimum": 1},
                "per-host": {"type": "integer", "minimum": 1},
                "timeout": {"type": "number", "exclusiveMinimum": 0},
                "max-time": {"type": "number", "exclusiveMinimum": 0},
                "retries": {"type": "integer", "minimum": 0},
                "max-retry-after": {"type": "number", "minimum": 0},
                "user-agent": {"type": "string"},
                "headers": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object", "additionalProperties": {"type": "string"},
                    },
                },
                "accept": {
                    "type": "array",
                    "items": {"oneOf": [
                        {"type": "integer"},
                        {"type": "string", "pattern": r"^\d{3}(\.\.\d{3})?$"},
                    ]},
                },
                "exclude": {"type": "array", "items": {"type": "string", "format": "regex"}},
                "allow-private": {"type": "boolean"},
                "check-fragments": {"type": "boolean"},
                "max-redirects": {"type": "integer", "minimum": 0},
                "cache": {"type": "string"},
                "cache-max-age-ok": {"type": "number", "minimum": 0},
                "cache-max-age-fail": {"type": "number", "minimum": 0},
            },
        },
        "rules": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "severity": {"enum": [*SEVERITY_NAMES, "off"]},
                    "enabled": {"type": "boolean"},
                },
            },
        },
    },
}


@dataclass
class Config:
    """Settings for one run.

    Attributes:
        path: the config file read, or None for defaults.
        base: folder that relative paths in the config are resolved against.
        fail_on: lowest severity that makes the exit status 1.
        select, ignore: rule names or codes (empty ``select`` = every rule).
        packs: extra rule pack files (absolute paths).
        disable_packs: built-in pack names to skip.
        exclude: gitignore-style patterns, relative to ``base``.
        root: the site root for site-root links (``/x/``), or None.
        rules: per-rule tables: ``{"severity": "off"|..., "enabled": bool, <options>}``.
        links: the link checker's settings (``[tool.playbook-lint.links]``, kebab-case).
        site: the site model's settings (``[tool.playbook-lint.site]``): ``root``
            (absolute path), ``base-url`` (the site's own address), ``include`` and
            ``exclude`` (gitignore patterns relative to the site root: which files page
            rules see besides/instead of the default furniture exclusions); see
            :mod:`playbook_lint.site`.
    """

    path: Path | None = None
    base: Path = field(default_factory=Path.cwd)
    fail_on: Severity = Severity.ERROR
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    packs: list[Path] = field(default_factory=list)
    disable_packs: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    root: Path | None = None
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)


def options_of(table: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's options from its config table: every key but ``severity`` and ``enabled``."""
    return {k: v for k, v in table.items() if k not in ("severity", "enabled")}


def find_config(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """Search ``start`` and its parents for a config file.

    Returns:
        ``(path, table)`` where ``table`` is the ``[tool.playbook-lint]`` table (or the
        whole ``.playbook-lint.toml``), or None when there is none.

    Raises:
        ConfigError: a found file is not valid TOML.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        dedicated = folder / ".playbook-lint.toml"
        if dedicated.is_file():
            return dedicated, _read_toml(dedicated)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            table = data.get("tool", {}).get("playbook-lint")
            if table is not None:
                return pyproject, table
    return None


#: A config file larger than this is refused unread (a 112 MB one was once parsed
#: without limit); real ones are a few KiB, a large ``pyproject.toml`` tens of KiB.
MAX_CONFIG_BYTES = 1024 * 1024


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # (5 ms of import and patterns a run without a config file skips)

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
            if len(data) > MAX_CONFIG_BYTES:
                raise ConfigError(f"{path}: config file too large (over {MAX_CONFIG_BYTES:,} "
                                  "bytes); not read")
            return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (TOML must be UTF-8): {exc.reason} at "
                          f"byte {exc.start}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_config(explicit: Path | None = None, *, cwd: Path | None = None) -> Config:
    """Load the config: ``explicit`` if given (``--config FILE``), else the first found
    upward from ``cwd``; defaults when there is none.

    Raises:
        ConfigError: unreadable or invalid file, unknown key, bad value.
    """
    cwd = cwd or Path.cwd()
    if explicit is not None:
        if explicit.is_dir():
            raise ConfigError(f"{explicit}: is a folder, not a config file")
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        data = _read_toml(explicit)
        table = data
        if explicit.name == "pyproject.toml" or "tool" in data:
            table = data.get("tool", {}).get("playbook-lint", {})
        return from_table(table, explicit.resolve())
    found = find_config(cwd)
    if found is None:
        return Config(base=cwd.resolve())
    return from_table(found[1], found[0])


def _prefix(path: Path) -> str:
    return "tool.playbook-lint." if path.name == "pyproject.toml" else ""


def from_table(table: Mapping[str, Any], path: Path) -> Config:
    """Validate a config table read from ``path`` and build a :class:`Config`.

    Raises:
        ConfigError: naming ``path`` and the key at fault.
    """
    from playbook_lint.configcheck import schema_problems

    if path.name != "pyproject.toml" and isinstance(table.get("tool"), Mapping) and \
            "playbook-lint" in table["tool"]:
        raise ConfigError(
            f"{path}: [tool.playbook-lint] is the table name in pyproject.toml; in "
            f"{path.name} the settings stand at the top level: remove the "
            "[tool.playbook-lint] header (and write [site], [links], [rules.NAME] for "
            "its sub-tables)")
    problems = schema_problems(table, path, SCHEMA, _prefix(path))  # a pass is remembered
    if problems:
        raise ConfigError("\n".join(problems))
    base = path.parent
    return Config(
        path=path,
        base=base,
        fail_on=Severity.parse(table.get("fail-on", "error")),
        select=list(table.get("select", [])),
        ignore=list(table.get("ignore", [])),
        packs=[(base / p).resolve() for p in table.get("packs", [])],
        disable_packs=list(table.get("disable-packs", [])),
        exclude=list(table.get("exclude", [])),
        root=(base / table["root"]).resolve() if "root" in table else None,
        rules={k: dict(v) for k, v in table.get("rules", {}).items()},
        links=dict(table.get("links", {})),
        site=_site_table(table.get("site", {}), base),
    )


def _site_table(table: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """The ``site`` table with ``root`` made absolute (relative to the config file)."""
    out = dict(table)
    if "root" in out:
        out["root"] = (base / out["root"]).resolve()
    return out
