"""Rule discovery through the ``playbook_lint.rules`` entry-point group.

Built-in rules are registered in this package's own ``pyproject.toml`` under the
same group that third-party plugins use, so there is one way in. Discovery is a
few small stages, after flake8's ``plugins/finder.py``: find entry points, load
each, validate the class, then select by name or code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from playbook_lint.errors import PluginError, UsageError
from playbook_lint.rule import Rule

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


def _dist_name(ep: EntryPoint) -> str:
    """The distribution's name, read once per distribution (each read parses its
    METADATA file: 19 built-in rules made that 40 ms of every run)."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown distribution"
    key = getattr(dist, "_path", None) or id(dist)
    name = _DIST_NAMES.get(key)
    if name is None:
        name = _DIST_NAMES[key] = dist.name
    return name


def find_entry_points() -> list[EntryPoint]:
    """Return the entry points of the group, de-duplicated by (name, value)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for ep in entry_points(group=GROUP):
        key = (ep.name, ep.value)
        if key not in seen:
            seen.add(key)
            out.append(ep)
    return sorted(out, key=lambda e: e.name)


def load_rule(ep: EntryPoint) -> RuleInfo:
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


def discover(eps: Iterable[EntryPoint] | None = None) -> dict[str, RuleInfo]:
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
