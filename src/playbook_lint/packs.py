"""Rule packs: YAML files of data that data-driven rules consume.

A pack names the rule that reads it and the public source it comes from::

    name: govuk-words-to-avoid
    description: GOV.UK A to Z style guide, "Words to avoid".
    source: https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#words-to-avoid
    rule: jargon
    entries:
      - ...            # shape defined by the rule (Rule.pack_entry_schema)

Packs are validated strictly on load with JSON Schema (the ``jsonschema``
package): an unknown key, a wrong type or a regular expression that does not
compile raises :class:`PackError` naming the file and the key. Built-in packs ship
in the top-level ``rules/`` folder, installed as package data ``playbook_lint/_rules``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "description", "source", "rule", "entries"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "description": {"type": "string", "minLength": 1},
        "source": {
            "oneOf": [
                {"type": "string", "pattern": r"^https?://"},
                {"type": "array", "items": {"type": "string", "pattern": r"^https?://"},
                 "minItems": 1},
            ]
        },
        "rule": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "enabled": {"type": "boolean"},
        "license": {"type": "string"},
        "retrieved": {"type": "string"},
        "entries": {"type": "array"},
    },
}


class PackError(Exception):
    """A rule pack could not be loaded. ``str()`` is one line: ``path: key: problem``."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


@dataclass(frozen=True)
class Pack:
    """A validated rule pack.

    Attributes:
        name, description, rule: as in the file.
        sources: the ``source`` URL(s) as a tuple.
        entries: the entries, validated against the consuming rule's schema.
        path: where it was loaded from.
        enabled: whether the pack is on by default.
    """

    name: str
    description: str
    rule: str
    sources: tuple[str, ...]
    entries: tuple[Mapping[str, Any], ...]
    path: Path
    enabled: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)


#: A pack file larger than this is refused unread (the largest built-in is 24 KiB).
MAX_PACK_BYTES = 8 * 1024 * 1024

_KINDS = {dict: "a mapping", list: "a list", str: "a string", int: "a number",
          float: "a number", bool: "true or false", type(None): "empty"}


def _kind(value: Any) -> str:
    """What kind of YAML value ``value`` is (``"a string"``), never the value itself."""
    if isinstance(value, dict):
        missing = [k for k in ("rule", "entries") if k not in value]
        return f"a mapping without {' and '.join(repr(k) for k in missing)}"
    return _KINDS.get(type(value), "another kind of value")


def _key_path(error: Any) -> str:
    parts: list[str] = []
    for p in error.absolute_path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    key = "".join(parts)
    if error.validator == "additionalProperties":
        m = re.search(r"\('([^']+)'", error.message)
        extra = m.group(1) if m else "?"
        return (key + "." if key else "") + extra
    return key or "(top)"


def _describe(error: Any) -> str:
    if error.validator == "additionalProperties":
        return "unknown key"
    if error.validator == "type":  # jsonschema's message starts with the whole value
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"should be of type {wanted}, not {_kind(error.instance)}"
    if error.validator == "format" and error.validator_value == "regex":
        try:
            re.compile(error.instance)
        except re.error as exc:
            return f"bad regular expression {error.instance!r}: {exc}"
    return error.message


def validate(data: Any, schema: Mapping[str, Any], path: Path | str) -> None:
    """Validate ``data`` against ``schema``; raise :class:`PackError` for the first error
    (in document order). Regular expressions are checked with ``format: regex``."""
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, format_checker=jsonschema.FormatChecker(["regex"]))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        best = errors[0]
        raise PackError(path, _key_path(best), _describe(best))


def load_pack(
    path: Path, entry_schemas: Mapping[str, Mapping[str, Any]], *, trusted: bool = False
) -> Pack:
    """Load and validate one pack file.

    Args:
        path: the YAML file.
        entry_schemas: JSON Schema for one entry, by rule name (from ``Rule.pack_entry_schema``).
        trusted: skip the JSON Schema validation (the built-in packs, which the test
            suite validates; it saves a tenth of a second on every one-file run).

    Returns:
        the :class:`Pack`.

    Raises:
        PackError: unreadable file, YAML syntax error (with line), unknown rule,
            unknown key, wrong type or bad regular expression.
    """
    if not path.is_file():
        raise PackError(path, "", "rule pack not found (or not a regular file)")
    memo = _PackMemo.get()
    hit = memo.data(path)
    if hit is not None:
        data, stamp = hit
    else:
        stamp = _stamp(path)
        data = _parse_pack(path)
        memo.put(path, stamp, data)
    if not isinstance(data, dict) or "rule" not in data or "entries" not in data:
        # say what the file is not, never what it holds: a pack path may point at
        # /etc/passwd, and this message goes to CI logs
        raise PackError(path, "", "not a rule pack: a rule pack is a YAML mapping with "
                        "name, description, source, rule and entries (this file's top "
                        f"level is {_kind(data)})")
    rule = data["rule"]
    schema = entry_schemas.get(rule)
    if not trusted and not memo.valid(path, stamp, schema):
        validate(data, TOP_SCHEMA, path)
    if schema is None:
        raise PackError(path, "rule", f"no rule named {rule!r} reads rule packs")
    if not trusted and not memo.valid(path, stamp, schema):
        full = dict(TOP_SCHEMA)
        full["properties"] = {
            **TOP_SCHEMA["properties"], "entries": {"type": "array", "items": schema}
        }
        validate(data, full, path)
        memo.validated(path, stamp, schema)
    src = data["source"]
    return Pack(
        name=data["name"],
        description=data["description"],
        rule=rule,
        sources=(src,) if isinstance(src, str) else tuple(src),
        entries=tuple(data["entries"]),
        path=path,
        enabled=data.get("enabled", True),
    )


def _parse_pack(path: Path) -> Any:
    """The YAML data of the pack file ``path`` (no validation).

    Raises:
        PackError: too large, unreadable, not UTF-8, or a YAML syntax error.
    """
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_PACK_BYTES + 1)
        if len(raw) > MAX_PACK_BYTES:
            raise PackError(path, "", f"rule pack too large (over {MAX_PACK_BYTES:,} bytes); "
                            "not read")
        text = raw.decode("utf-8")
    except OSError as exc:
        raise PackError(path, "", f"cannot read rule pack: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise PackError(path, "", f"cannot read rule pack: not UTF-8 text ({exc.reason} at "
                        f"byte {exc.start})") from None
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except RecursionError:
        raise PackError(path, "", "YAML nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PackError(path, line, f"YAML syntax error: {problem}") from None
    return data


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


class _PackMemo:
    """Parsed packs kept between runs in ``<user cache>/playbook-lint/packs.json``,
    keyed by each file's path, modification time and size and the tool version: YAML
    parsing of the 13 built-in packs was 40 ms of every run. A user pack's successful
    validation is remembered too, with a digest of the entry schema it passed, so an
    unchanged pack is not validated (nor ``jsonschema`` imported) again. Only data
    that JSON keeps exactly is stored; a missing, corrupt or unwritable file is an
    empty memo. Not used while the site caches are off (``--no-cache``)."""

    VERSION = 1
    _loaded: _PackMemo | None = None

    def __init__(self) -> None:
        from playbook_lint.siteindex import cache_enabled

        self.on = cache_enabled()
        self.file: Path | None = None
        self.entries: dict[str, Any] = {}
        self.dirty = False
        self._given: set[str] = set()  # data handed out once: copies after that
        if not self.on:
            return
        import json

        import platformdirs

        from playbook_lint import __version__

        self.version = __version__
        self.file = Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
            / "packs.json"
        try:
            data = json.loads(self.file.read_text("utf-8"))
            if isinstance(data, dict) and data.get("version") == [self.VERSION, __version__]:
                self.entries = data.get("packs") or {}
        except (OSError, ValueError):
            self.entries = {}

    @classmethod
    def get(cls) -> _PackMemo:
        """The memo of this process (read once; a new one after the caches were
        switched on or off)."""
        from playbook_lint.siteindex import cache_enabled

        if cls._loaded is None or cls._loaded.on != cache_enabled():
            cls._loaded = cls()
        return cls._loaded

    def data(self, path: Path) -> tuple[Any, list[int] | None] | None:
        """``(data, stamp)`` of ``path`` when recorded for its current stamp."""
        if not self.on:
            return None
        entry = self.entries.get(str(path))
        stamp = _stamp(path)
        if isinstance(entry, dict) and stamp is not None and entry.get("stamp") == stamp:
            data = entry.get("data")
            if str(path) in self._given:  # rules get their own objects, as from YAML
                import copy

                data = copy.deepcopy(data)
            self._given.add(str(path))
            return data, stamp
        return None

    def put(self, path: Path, stamp: list[int] | None, data: Any) -> None:
        """Record the parsed ``data`` of ``path`` (when JSON keeps it exactly)."""
        if not self.on or stamp is None:
            return
        import json

        try:
            kept = json.loads(json.dumps(data))
        except (TypeError, ValueError):
            return
        if kept != data or type(kept) is not type(data):
            return
        self.entries[str(path)] = {"stamp": stamp, "data": kept, "valid": []}
        self.dirty = True

    @staticmethod
    def _digest(schema: Any) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps([TOP_SCHEMA, schema], sort_keys=True,
                                         default=str).encode()).hexdigest()[:16]

    def valid(self, path: Path, stamp: list[int] | None, schema: Any) -> bool:
        """True when ``path`` at ``stamp`` passed validation against ``schema`` before."""
        entry = self.entries.get(str(path)) if self.on and schema is not None else None
        return isinstance(entry, dict) and entry.get("stamp") == stamp and \
            self._digest(schema) in (entry.get("valid") or [])

    def validated(self, path: Path, stamp: list[int] | None, schema: Any) -> None:
        """Remember that ``path`` at ``stamp`` passed validation against ``schema``."""
        entry = self.entries.get(str(path)) if self.on else None
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            entry.setdefault("valid", []).append(self._digest(schema))
            self.dirty = True

    def save(self) -> None:
        """Write the memo when it changed (atomically; errors are ignored)."""
        if self.file is None or not self.dirty:
            return
        self.dirty = False
        from playbook_lint.atomic import save_cache_json

        save_cache_json(self.file, {"version": [self.VERSION, self.version],
                                    "packs": self.entries})


@functools.cache
def builtin_pack_dir() -> Path:
    """Return the folder of built-in packs: ``playbook_lint/_rules`` in an installed
    wheel, else the checkout's top-level ``rules/`` folder (looked up once per
    process: the package's own folder, as ``importlib.resources.files`` gives it for
    a package on disk, without importing ``importlib.resources``)."""
    installed = Path(__file__).parent / "_rules"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "rules"


def builtin_pack_paths() -> list[Path]:
    """Return the built-in pack files, sorted by name."""
    folder = builtin_pack_dir()
    return sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))


def load_packs(
    paths: Iterable[Path],
    entry_schemas: Mapping[str, Mapping[str, Any]],
    *,
    trusted: Collection[Path] = (),
) -> list[Pack]:
    """Load every pack in ``paths`` (see :func:`load_pack`; those in ``trusted`` are not
    schema-validated); names must be unique.

    Raises:
        PackError: as :func:`load_pack`, or for two packs with the same name.
    """
    packs: list[Pack] = []
    seen: dict[str, Path] = {}
    try:
        for p in paths:
            pack = load_pack(p, entry_schemas, trusted=p in trusted)
            if pack.name in seen:
                raise PackError(p, "name",
                                f"pack name {pack.name!r} is also used by {seen[pack.name]}")
            seen[pack.name] = p
            packs.append(pack)
    finally:
        _PackMemo.get().save()
    return packs
