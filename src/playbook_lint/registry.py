"""Rule discovery through the ``playbook_lint.rules`` entry-point group.

Built-in rules are registered in this package's own ``pyproject.toml`` under the
same group that third-party plugins use, so there is one way in. Discovery is a
few small stages, after flake8's ``plugins/finder.py``: find entry points, load
each, validate the class, then select by name or code.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playbook_lint.errors import PluginError, UsageError
from playbook_lint.rule import Rule

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "playbook_lint.rules"


@dataclass(frozen=True)
class RuleInfo:
    """A discovered rule class and where it came from (``dist`` = distribution name)."""

    cls: type[Rule]
    dist: str

    @property
    def name(self) -> str:
        """The rule's kebab-case name."""
        return self.cls.name

    @property
    def code(self) -> str:
        """The rule's short code."""
        return self.cls.code


_DIST_NAMES: dict[object, str] = {}


def _dist_name(ep: EntryPoint | KeptEntryPoint) -> str:
    """The distribution's name, read once per distribution (each read parses its
    METADATA file: 19 built-in rules made that 40 ms of every run)."""
    if isinstance(ep, KeptEntryPoint):
        return ep.dist_name
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown distribution"
    key = getattr(dist, "_path", None) or id(dist)
    name = _DIST_NAMES.get(key)
    if name is None:
        name = _DIST_NAMES[key] = dist.name
    return name


#: ``module:attr.attr [extras]``, as :class:`importlib.metadata.EntryPoint` reads a value.
_EP_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
_EP_CACHE_VERSION = 1


class KeptEntryPoint:
    """An entry point of the group as an earlier run found it (see
    :func:`find_entry_points`): ``name``, ``value``, ``group`` and :meth:`load` as
    :class:`importlib.metadata.EntryPoint` has them, and the distribution's name."""

    __slots__ = ("dist_name", "group", "name", "value")

    def __init__(self, name: str, value: str, dist_name: str) -> None:
        self.name, self.value, self.group, self.dist_name = name, value, GROUP, dist_name

    def load(self) -> Any:
        """Import the module and return the object the value names (as
        :meth:`importlib.metadata.EntryPoint.load`)."""
        import importlib

        m = _EP_VALUE.match(self.value)
        if m is None:
            raise ValueError(f"malformed entry point value {self.value!r}")
        obj: Any = importlib.import_module(m.group("module"))
        for attr in (m.group("attr") or "").split("."):
            if attr:
                obj = getattr(obj, attr)
        return obj


def _installed_key() -> str:
    """A digest of what decides the installed entry points: ``sys.path`` and, in each
    of its folders, every ``*.dist-info``/``*.egg-info`` with the size and mtime of
    its ``entry_points.txt`` (installing, removing or upgrading a distribution
    changes it)."""
    import hashlib
    import json

    from playbook_lint import __version__

    parts: list[Any] = [_EP_CACHE_VERSION, __version__, sys.path]
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                names = sorted(e.name for e in it
                               if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            parts.append(None)
            continue
        for name in names:
            try:
                st = os.stat(os.path.join(entry or ".", name, "entry_points.txt"))
                parts.append([name, st.st_mtime_ns, st.st_size])
            except OSError:
                parts.append([name])
    return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _kept_file() -> Any:
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
        / "entry-points.json"


def find_entry_points() -> list[Any]:
    """Return the entry points of the group (:class:`importlib.metadata.EntryPoint`,
    or :class:`KeptEntryPoint`), de-duplicated by (name, value), sorted by name.

    The list is kept in ``<user cache>/playbook-lint/entry-points.json`` under a
    digest of the installed distributions (see :func:`_installed_key`): a run whose
    installation is unchanged does not import :mod:`importlib.metadata` (40 ms) nor
    scan every distribution. ``--no-cache`` neither reads nor writes it."""
    import json

    from playbook_lint.siteindex import cache_enabled

    key = _installed_key() if cache_enabled() else None
    if key is not None:
        try:
            data = json.loads(_kept_file().read_text("utf-8"))
            if isinstance(data, dict) and data.get("key") == key:
                return [KeptEntryPoint(str(n), str(v), str(d)) for n, v, d in data["eps"]]
        except (OSError, ValueError, TypeError, KeyError):
            pass
    from importlib.metadata import entry_points

    seen: set[tuple[str, str]] = set()
    out = []
    for ep in entry_points(group=GROUP):
        k = (ep.name, ep.value)
        if k not in seen:
            seen.add(k)
            out.append(ep)
    out.sort(key=lambda e: e.name)
    if key is not None:
        from playbook_lint.atomic import save_cache_json

        save_cache_json(_kept_file(), {"key": key, "eps": [
            [ep.name, ep.value, _dist_name(ep)] for ep in out]})
    return out


def load_rule(ep: EntryPoint | KeptEntryPoint) -> RuleInfo:
    """Import one entry point and check it is a :class:`Rule` subclass named as registered.

    Raises:
        PluginError: naming the distribution, when import fails or the object is not a rule.
    """
    dist = _dist_name(ep)
    try:
        obj = ep.load()
    except Exception as exc:  # a broken plugin must not crash the run with a traceback
        raise PluginError(
            f"rule plugin {ep.name!r} from {dist} failed to load: {type(exc).__name__}: {exc}"
        ) from None
    if not (isinstance(obj, type) and issubclass(obj, Rule)):
        raise PluginError(
            f"rule plugin {ep.name!r} from {dist}: {ep.value} is not a playbook_lint Rule class"
        )
    if not obj.name or obj.name != ep.name:
        raise PluginError(
            f"rule plugin {ep.name!r} from {dist}: class {obj.__name__} has name "
            f"{obj.name!r}; the entry point must use the rule's name"
        )
    return RuleInfo(obj, dist)


def discover(eps: Iterable[EntryPoint | KeptEntryPoint] | None = None) -> dict[str, RuleInfo]:
    """Find and load every registered rule. Returns ``{name: RuleInfo}``.

    Raises:
        PluginError: for a plugin that fails to load, or two rules with one name or code.
    """
    rules: dict[str, RuleInfo] = {}
    codes: dict[str, str] = {}
    for ep in eps if eps is not None else find_entry_points():
        info = load_rule(ep)
        if info.name in rules:
            raise PluginError(
                f"rule {info.name!r} is registered by both {rules[info.name].dist} and {info.dist}"
            )
        if info.code and info.code in codes:
            raise PluginError(
                f"rule code {info.code} of {info.name!r} ({info.dist}) is already used by "
                f"{codes[info.code]!r}"
            )
        rules[info.name] = info
        if info.code:
            codes[info.code] = info.name
    return rules


def canonical_name(name_or_code: str, rules: Mapping[str, RuleInfo]) -> str | None:
    """The name of the rule called ``name_or_code`` (a rule name, or a code in any
    case, e.g. ``pl101``), or None when no rule in ``rules`` has it. The one place
    rule names and codes are looked up (config tables, ``--select``, suppressions)."""
    if name_or_code in rules:
        return name_or_code
    upper = name_or_code.upper()
    for name, info in rules.items():
        if info.code and info.code.upper() == upper:
            return name
    return None


def resolve_names(
    names: Sequence[str], rules: dict[str, RuleInfo], *, where: str = "--select"
) -> set[str]:
    """Map comma-separated rule names or codes (see :func:`canonical_name`) to rule
    names.

    Raises:
        UsageError: for a name or code no rule has.
    """
    out: set[str] = set()
    for raw in names:
        for item in raw.split(","):
            item = item.strip()
            if not item:
                continue
            name = canonical_name(item, rules)
            if name is not None:
                out.add(name)
            else:
                import difflib

                close = difflib.get_close_matches(item.lower(), sorted(rules), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                known = ", ".join(sorted(rules))
                raise UsageError(f"{where}: unknown rule {item!r}{hint} (known rules: {known})")
    return out
