"""Front matter rules: ``front-matter-missing`` (PL001) and ``front-matter-invalid`` (PL002).

Both rules read the same **profiles**. A profile says which pages it applies to
and what their front matter must hold::

    name: codeforamerica-resource        # optional label
    layout: resource                     # this `layout` value (or a list of them) ...
    paths: ["playbooks/**"]              # ... and/or these gitignore-style globs
    required: [title, subtitle]          # keys that must be present and non-empty
    keys:                                # per-key checks, applied when the key is present
      status: {type: string, allowed: [alpha, beta, live]}
      feedback-email: {type: email}

Profiles come from rule packs whose ``rule`` is ``front-matter-missing`` (one pack
feeds both rules: :attr:`FrontMatterInvalid.pack_rule` names the rule whose packs it
reads) and from the ``profiles`` option of either rule in config. A profile with
both ``layout`` and ``paths`` applies when both match; ``paths`` are matched
against the page's path relative to the run's root (``ctx.root``) with
``pathspec``'s gitignore rules (https://git-scm.com/docs/gitignore#_pattern_format).

Repository furniture never needs front matter and no profile applies to it:
README, LICENSE/LICENCE, CONTRIBUTING, CHANGELOG, CODE_OF_CONDUCT and SECURITY
files (any extension, any folder) and anything under ``.github/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import pathspec

from playbook_lint.document import Document
from playbook_lint.findings import RawFinding, Severity
from playbook_lint.frontmatter import FrontMatter
from playbook_lint.lazyre import lazy_compile
from playbook_lint.packregex import compile_pack_regex
from playbook_lint.rule import Context, Rule, RuleConfig

if TYPE_CHECKING:
    from playbook_lint.site_model import SiteModel

__all__ = [
    "KEY_TYPES",
    "PROFILE_SCHEMA",
    "FrontMatterInvalid",
    "FrontMatterMissing",
    "Profile",
    "is_furniture",
]

#: The value types a profile may ask for (``keys.<key>.type``).
KEY_TYPES = ("string", "list", "date", "email", "url", "boolean", "number")

_KEY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "type": {
            "oneOf": [
                {"enum": list(KEY_TYPES)},
                {"type": "array", "items": {"enum": list(KEY_TYPES)}, "minItems": 1},
            ]
        },
        "allowed": {
            "type": "array",
            "minItems": 1,
            "items": {"type": ["string", "number", "boolean"]},
        },
        "pattern": {"type": "string", "format": "regex"},
        "description": {"type": "string"},
    },
}

#: JSON Schema of one profile (a pack entry, or an item of the ``profiles`` option).
PROFILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["layout"]}, {"required": ["paths"]}],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "layout": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            ]
        },
        "paths": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "required": {"type": "array", "items": {"type": "string", "minLength": 1},
                     "uniqueItems": True},
        "keys": {"type": "object", "additionalProperties": _KEY_SCHEMA},
    },
}

_OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "profiles": {"type": "array", "items": PROFILE_SCHEMA},
        "infer": {"type": "boolean"},
    },
}

_FURNITURE = frozenset(
    {"README", "LICENSE", "LICENCE", "CONTRIBUTING", "CHANGELOG", "CODE_OF_CONDUCT", "SECURITY"}
)


def is_furniture(rel_path: str) -> bool:
    """Return True if ``rel_path`` (forward slashes) is repository furniture, not a page:
    a README/LICENSE/LICENCE/CONTRIBUTING/CHANGELOG/CODE_OF_CONDUCT/SECURITY file (name
    before the first dot, any case, any folder) or anything under a ``.github`` folder."""
    parts = PurePosixPath(rel_path).parts
    if ".github" in parts[:-1]:
        return True
    return bool(parts) and parts[-1].split(".", 1)[0].upper() in _FURNITURE


def _quote(value: Any) -> str:
    """Show a value as YAML would: strings in double quotes, booleans as true/false."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Profile:
    """A compiled profile (see the module docstring for its shape).

    Attributes:
        name: the label, or None.
        layouts: the ``layout`` values it applies to (empty: any page).
        paths: the globs as written (empty: any path).
        spec: the compiled gitignore-style matcher for ``paths`` (None when empty).
        required: required keys, in order.
        keys: per-key checks: ``{"type": [...], "allowed": [...], "pattern": re.Pattern}``.
    """

    name: str | None
    layouts: tuple[str, ...]
    paths: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec | None
    required: tuple[str, ...]
    keys: Mapping[str, Mapping[str, Any]]

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any], *, where: str = "profiles") -> Profile:
        """Build a profile from a validated entry. Raises ``ValueError`` for a bad regex.

        ``where`` names the entry (``"pack.yml: entries[0]"``) for a pattern that runs
        out of time (patterns run with a time bound: :mod:`playbook_lint.packregex`)."""
        layout = entry.get("layout", ())
        layouts = (layout,) if isinstance(layout, str) else tuple(layout)
        paths = tuple(entry.get("paths", ()))
        keys: dict[str, dict[str, Any]] = {}
        for key, spec in (entry.get("keys") or {}).items():
            types = spec.get("type", ())
            compiled: dict[str, Any] = {
                "type": (types,) if isinstance(types, str) else tuple(types),
                "allowed": tuple(spec.get("allowed", ())),
            }
            if "pattern" in spec:
                try:
                    compiled["pattern"] = compile_pack_regex(
                        spec["pattern"], where=f"{where}.keys.{key}.pattern")
                except re.error as exc:
                    raise ValueError(f"keys.{key}.pattern: bad regular expression: {exc}") from None
            keys[key] = compiled
        return cls(
            name=entry.get("name"),
            layouts=layouts,
            paths=paths,
            spec=pathspec.GitIgnoreSpec.from_lines(paths) if paths else None,
            required=tuple(entry.get("required", ())),
            keys=keys,
        )

    def applies(self, rel_path: str, data: Mapping[str, Any] | None) -> str | None:
        """Return why this profile applies to the page, as the end of a message
        (``for layout "resource"`` or ``for pages matching "content/news/**"``), or None
        when it does not apply. ``data`` is the page's front matter (None: it has none)
        with the generator's defaults under it (so a ``layout`` set in Jekyll's
        ``_config.yml`` ``defaults`` counts)."""
        reason = None
        if self.layouts:
            layout = data.get("layout") if data is not None else None
            if not isinstance(layout, str) or layout not in self.layouts:
                return None
            reason = f'for layout "{layout}"'
        if self.spec is not None:
            result = self.spec.check_file(rel_path)
            if not result.include:
                return None
            if reason is None:
                index = result.index if result.index is not None else 0
                reason = f'for pages matching "{self.paths[index]}"'
        return reason


def _profiles(config: RuleConfig) -> tuple[Profile, ...]:
    profiles: list[Profile] = []
    for pack in config.packs:
        profiles.extend(
            Profile.from_entry(e, where=f"{pack.path}: entries[{i}]")
            for i, e in enumerate(pack.entries))
    profiles.extend(Profile.from_entry(e, where=f"rules option profiles[{i}]")
                    for i, e in enumerate(config.options.get("profiles", ())))
    return tuple(profiles)


def _rel_path(doc: Document, ctx: Context) -> str:
    try:
        return doc.path.relative_to(ctx.root).as_posix()
    except ValueError:
        return doc.display_path


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def _schema(rule: Rule, doc: Document, ctx: Context) -> tuple[Any, Mapping[str, Any]]:
    """``(facts, defaults)`` of ``doc`` from the inferred schema on ``ctx`` (see
    :mod:`playbook_lint.fminfer`): facts None when inference is off or did not see the
    page; defaults are the values the generator gives the page ({} when none)."""
    schema = ctx.front_matter_schema
    if schema is None or rule.config.options.get("infer") is False:
        return None, {}
    facts = schema.facts.get(doc.path)
    return facts, (facts.defaults if facts is not None else {})


def _inferred_groups(ctx: Context, facts: Any) -> list[Any]:
    """The inferred groups whose expectations apply to the page (none for drafts and
    pages past their Hugo expiry date: they are not published)."""
    from playbook_lint.fminfer import is_expired

    if facts is None or facts.draft or is_expired(facts.effective(), ctx.today):
        return []
    return list(ctx.front_matter_schema.groups_for(facts.path))


_FENCE_END = 3  # the opening fence is "---" or "+++"


# --------------------------------------------------------------------------------------
class FrontMatterMissing(Rule):
    """Front matter, or a key in it, that the page's profile requires is missing.

    **What it does.** Checks each page against the front matter profiles that apply
    to it (by ``layout`` value and/or path globs, from rule packs and the
    ``profiles`` option). Reports a required key that is absent (at line 1, column
    1: the opening fence) or present but empty (at the key), and a page with no
    front matter at all when a profile that applies by path alone requires keys.
    Pages without front matter that no path profile covers, and repository
    furniture (README, LICENSE, CONTRIBUTING, CHANGELOG, ``.github/``), need none.
    A ``layout`` or key given by the generator's defaults (Jekyll ``_config.yml``
    ``defaults``, Eleventy directory data, Hugo ``cascade``) counts as set.

    **Without a profile** the site's own pages are the schema: pages are grouped
    by layout and by folder (Hugo section, Jekyll collection, first folder), and a
    key set on at least 90% of at least 8 pages of a group is expected there. A page
    lacking it gets a **warning** (inferred, not certain) saying how many siblings
    set it: ``front matter key "owner" is missing: it is set on 41 of 43 pages with
    layout "guide"``. Small groups, groups without consensus, folders mixing
    layouts, drafts (``draft: true``, ``published: false``, ``_drafts/``) and pages
    past their Hugo ``expiryDate`` stay quiet. A page any written profile applies to
    gets no inferred findings (written profiles win). ``playbook-lint schema PATH``
    prints the inferred profiles as TOML to paste into config, where they become
    written profiles at the rule's severity; the option ``infer = false`` turns
    inference off.

    **Why it matters.** Jekyll and Hugo templates read these keys to build titles,
    breadcrumbs and navigation; a missing key renders as an empty heading or a
    broken breadcrumb without any build error.

    **Example** (profile: layout ``resource`` requires ``title``)::

        ---
        layout: resource
        subtitle: How to buy technology
        ---

    gives ``1:1 front matter key "title" is required for layout "resource"``.

    **Use instead**::

        ---
        layout: resource
        title: Buying technology
        subtitle: How to buy technology
        ---

    **Fix.** None automatic: only the author knows the value.

    **Source.** Jekyll front matter, https://jekyllrb.com/docs/front-matter/; Hugo
    front matter, https://gohugo.io/content-management/front-matter/; the built-in
    Code for America profile, ``rules/front-matter-codeforamerica.yml``.
    """

    name: ClassVar[str] = "front-matter-missing"
    uses_front_matter_schema: ClassVar[bool] = True
    code: ClassVar[str] = "PL001"
    default_severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str] = "Front matter, or a key its layout or folder requires, is missing"
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = PROFILE_SCHEMA
    options_schema: ClassVar[Mapping[str, Any] | None] = _OPTIONS_SCHEMA

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        self.profiles = _profiles(self.config)

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield a report per missing or empty required key (see the class docstring)."""
        if not self.profiles and ctx.front_matter_schema is None:
            return
        rel = _rel_path(doc, ctx)
        if is_furniture(rel):
            return
        fm = doc.front_matter
        if fm is None:
            yield from self._no_front_matter(rel)
            return
        if fm.data is None:
            return  # unparsable: front-matter-invalid reports why
        facts, defaults = _schema(self, doc, ctx)
        data = {**defaults, **fm.data}
        seen: set[str] = set()
        written = False
        for profile in self.profiles:
            reason = profile.applies(rel, data)
            if reason is None:
                continue
            written = True
            for key in profile.required:
                if key not in seen:
                    seen.add(key)
                    yield from _missing(fm, data, key, f"is required {reason}",
                                        f"is empty but required {reason}", None)
        yield from _documented_pairs(ctx, fm, data, seen)
        if written:
            return  # a written profile wins over inference
        for group in _inferred_groups(ctx, facts):
            for exp in group.expected:
                if exp.key in seen or exp.quiet_in(facts.rel):
                    continue
                seen.add(exp.key)
                why = f"it is set on {exp.count} of {exp.total} {group.describe()}"
                yield from _missing(fm, data, exp.key, f"is missing: {why}",
                                    f"is empty: {why}", Severity.WARNING)

    def _no_front_matter(self, rel: str) -> Iterator[RawFinding]:
        """Pages without front matter that a path profile requires keys of."""
        keys: list[str] = []
        reason = None
        for profile in self.profiles:
            if profile.layouts or not profile.required:
                continue
            why = profile.applies(rel, None)
            if why is None:
                continue
            reason = reason or why
            keys.extend(k for k in profile.required if k not in keys)
        if keys and reason is not None:
            listed = ", ".join(f'"{k}"' for k in keys)
            yield RawFinding(0, 0, f"front matter is missing; {listed} required {reason}"
                         if len(keys) > 1 else
                         f"front matter is missing; {listed} is required {reason}")


def _missing(fm: FrontMatter, data: Mapping[str, Any], key: str, absent: str, empty: str,
             severity: Severity | None) -> Iterator[RawFinding]:
    """A report when ``key`` is absent from ``data`` (at the opening fence) or empty (at
    the key when the page sets it, else at the fence); messages end with ``absent`` or
    ``empty``."""
    if key in data and not _empty(data[key]):
        return
    if key not in data:
        yield RawFinding(0, _FENCE_END, f'front matter key "{key}" {absent}', severity=severity)
        return
    start = fm.last_key_offset(key) if fm.data is not None and key in fm.data else None
    if start is None:
        yield RawFinding(0, _FENCE_END, f'front matter key "{key}" {empty}', severity=severity)
    else:
        yield RawFinding(start, start + len(key), f'front matter key "{key}" {empty}',
                     severity=severity)


# --------------------------------------------------------------------------------------
_EMAIL = lazy_compile(globals(),
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_KEY_LINE = lazy_compile(globals(), r"[A-Za-z0-9_-]+[ \t]*:(?:[ \t]|$)")


def is_email(value: str) -> bool:
    """True if ``value`` is a plain address ``local@domain.tld`` (RFC 5322 dot-atom local
    part, DNS host name domain with an alphabetic top-level label; no display name,
    no ``mailto:``). https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1"""
    return _EMAIL.fullmatch(value) is not None


def is_url(value: str) -> bool:
    """True if ``value`` is an absolute ``http``/``https`` URL with a host and no spaces."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.strip())
        except ValueError:
            # Jekyll also takes "2017-06-06 10:00:00 -0500" (Ruby Time.parse)
            return _JEKYLL_TIME.fullmatch(value.strip()) is not None
        return True
    return False


_JEKYLL_TIME = lazy_compile(globals(), r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                          r"(?:\s*(?:[+-]\d{2}:?\d{2}|Z|[A-Z]{3}))?")


_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list),
    "date": _is_date,
    "email": lambda v: isinstance(v, str),
    "url": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}
_TYPE_WORDS = {
    "string": "a string", "list": "a list", "date": "a date (YYYY-MM-DD)",
    "email": "an email address", "url": "a URL", "boolean": "true or false",
    "number": "a number",
}


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class FrontMatterInvalid(Rule):
    """Front matter that cannot be read, repeats a key, or has a value of the wrong kind.

    **What it does.** Reports, at the exact line and column:

    * YAML or TOML syntax errors (at the line the parser stops), a block that is
      not a mapping of keys to values, and a ``---`` first line that looks like
      front matter (``key: value`` on line 2) but is never closed;
    * a key written twice (at the repeat: YAML keeps only the last value silently);
    * for pages a profile applies to, a value of the wrong type (``string``,
      ``list``, ``date``, ``email``, ``url``, ``boolean``, ``number``), a value not
      in ``allowed``, not matching ``pattern``, or an invalid email address or URL;
    * with the site model, a ``permalink`` (or Hugo ``url``) that another page claims
      too (at the value, naming the other page): only one can be published there;
    * without a profile, at **warning**, a value that breaks what the page's group
      agrees on (see ``front-matter-missing``): a type (date, list, URL, e-mail
      address, boolean) held by at least 90% of the values, or a small closed set of
      values (``status: alpha|beta|live``) when the odd value looks like a slip
      (``alph``, ``Beta``); the message gives the evidence.

    Tabs after ``key:`` are valid YAML and give the same values whichever PyYAML
    loader is used (see :mod:`playbook_lint.frontmatter`).

    **Why it matters.** Jekyll stops the page (or the whole build) on a syntax
    error; a repeated key silently drops the first value, so the page shows a
    status or date the author did not mean; a misspelt status or email breaks
    badges and feedback links.

    **Example**::

        ---
        status: beta
        title: Buying technology
        status: alph
        ---

    gives ``4:1 duplicate front matter key "status" (first set on line 2)`` and,
    with a profile allowing alpha/beta/live, ``4:1 front matter key "status" is
    "alph"; allowed values: "alpha", "beta", "live"``.

    **Use instead**::

        ---
        status: alpha
        title: Buying technology
        ---

    **Fix.** None automatic: which of two values is meant is the author's call.

    **Source.** YAML 1.2.2 (mapping keys are unique, tabs are separation space),
    https://yaml.org/spec/1.2.2/; TOML 1.0, https://toml.io/en/v1.0.0; Jekyll
    front matter, https://jekyllrb.com/docs/front-matter/.
    """

    name: ClassVar[str] = "front-matter-invalid"
    uses_front_matter_schema: ClassVar[bool] = True
    code: ClassVar[str] = "PL002"
    default_severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str] = (
        "Front matter has a syntax error, a repeated key or a value of the wrong kind"
    )
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = PROFILE_SCHEMA
    options_schema: ClassVar[Mapping[str, Any] | None] = _OPTIONS_SCHEMA
    #: The rule whose packs this rule reads (one profile pack feeds both rules).
    pack_rule: ClassVar[str] = "front-matter-missing"

    def __init__(self, config: RuleConfig | None = None) -> None:
        super().__init__(config)
        self.profiles = _profiles(self.config)

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield a report per syntax error, repeated key and bad value (see the class docstring)."""
        fm = doc.front_matter
        if fm is None:
            generator = ctx.site.generator if ctx.site is not None else None
            lenient = generator is not None and generator.lenient_front_matter
            if not is_furniture(_rel_path(doc, ctx)) and not lenient:
                # gray-matter (Eleventy) reads an unclosed block to the end of the file
                yield from self._unclosed(doc)
            return
        for err in fm.errors:
            end = err.end if err.end is not None else err.offset
            # too large to parse is a limit of the tool, not a certain fault; a key
            # repeated with the same value loses nothing, except on Hugo, which refuses
            # duplicate keys (the build fails)
            gen = ctx.site.generator if ctx.site is not None else None
            harmless = err.kind == "too-large" or (
                err.kind == "duplicate-same" and (gen is None or gen.name != "hugo"))
            yield RawFinding(err.offset, end, err.message,
                         severity=Severity.WARNING if harmless else None)
        if fm.data is not None and ctx.site is not None:
            yield from _permalink_collisions(doc, fm, ctx.site)
        if fm.data is None or (not self.profiles and ctx.front_matter_schema is None):
            return
        rel = _rel_path(doc, ctx)
        if is_furniture(rel):
            return
        facts, defaults = _schema(self, doc, ctx)
        data = {**defaults, **fm.data}
        seen: set[tuple[int, str]] = set()
        checked: set[str] = set()
        written = False
        for profile in self.profiles:
            if profile.applies(rel, data) is None:
                continue
            written = True
            checked.update(profile.keys)
            yield from _bad_values(fm, profile.keys, seen, None)
        yield from _documented_types(ctx, fm, checked, seen)
        if not written:
            for group in _inferred_groups(ctx, facts):
                specs = {k: _compiled(spec) for k, spec in group.keys.items()
                         if k not in checked}
                checked.update(specs)
                yield from _bad_values(fm, specs, seen, Severity.WARNING,
                                       lambda key, g=group: f"; it is {g.keys[key]['evidence']}"
                                       f" {g.describe().removeprefix('pages ')}")

    def _unclosed(self, doc: Document) -> Iterator[RawFinding]:
        if doc.line_count < 2 or doc.line_text(1).rstrip(" \t") != "---":
            return
        if _KEY_LINE.match(doc.line_text(2)):
            yield RawFinding(0, _FENCE_END,
                         'front matter is not closed: no "---" line after the opening one')


def _permalink_collisions(doc: Document, fm: FrontMatter, site: SiteModel) -> Iterator[RawFinding]:
    """Two pages that claim one URL with ``permalink`` (Jekyll, Eleventy) or ``url``
    (Hugo): only one of them can be published there. Reported on each claimant, at
    the value, naming the other page (from the site model, ``ctx.site``)."""
    assert fm.data is not None
    for key in ("permalink", "url"):
        value = fm.data.get(key)
        if not isinstance(value, str) or not value.strip().startswith("/"):
            continue
        others = [p for p in site.claimants(value.strip()) if p != doc.path]
        if not others:
            continue
        start = _key_offset(fm, key)
        line_end = doc.text.find("\n", start)
        line = doc.text[start:line_end if line_end >= 0 else len(doc.text)]
        at = line.find(value.strip(), len(key))
        vstart = start + at if at >= 0 else start
        try:
            other = others[0].relative_to(site.root).as_posix()
        except ValueError:
            other = others[0].as_posix()
        yield RawFinding(vstart, vstart + len(value.strip()),
                     f'{key} "{value.strip()}" is also claimed by "{other}"')


def _documented(ctx: Context) -> Any:
    """What the page's generator documents about its keys (from its adapter), or None."""
    return getattr(ctx.front_matter_schema, "documented", None)


def _documented_types(ctx: Context, fm: FrontMatter, checked: set[str],
                      seen: set[tuple[int, str]]) -> Iterator[RawFinding]:
    """Warnings for the page's values of keys its generator documents with a type
    (keys a written profile checks are left to it)."""
    doc = _documented(ctx)
    if doc is None or not doc.keys or fm.data is None:
        return
    for key, value in fm.data.items():
        if not isinstance(key, str) or key in checked or _empty(value):
            continue
        spec = doc.keys.get(key.lower() if doc.case_insensitive else key)
        if spec is None or (isinstance(value, str) and value.strip() in spec.get("also", ())):
            continue
        specs = {key: _compiled(spec)}
        yield from _bad_values(fm, specs, seen, Severity.WARNING,
                               lambda _k, d=doc: f"; {d.name} documents its type at {d.source}")


def _documented_pairs(ctx: Context, fm: FrontMatter, data: Mapping[str, Any],
                      seen: set[str]) -> Iterator[RawFinding]:
    """Warnings for one half of a pair of keys the generator needs together."""
    doc = _documented(ctx)
    if doc is None:
        return
    for first, second in doc.together:
        if second in seen or _empty(data.get(first)) or not _empty(data.get(second)):
            continue
        seen.add(second)
        yield from _missing(fm, data, second,
                            f'is missing: {doc.name} needs it with "{first}" '
                            f"({doc.together_source})",
                            f'is empty: {doc.name} needs it with "{first}" '
                            f"({doc.together_source})", Severity.WARNING)


def _compiled(spec: Mapping[str, Any]) -> dict[str, Any]:
    """An inferred key spec in the compiled form :func:`_value_problems` reads."""
    types = spec.get("type", ())
    return {"type": (types,) if isinstance(types, str) else tuple(types),
            "allowed": tuple(spec.get("allowed", ()))}


def _bad_values(fm: FrontMatter, specs: Mapping[str, Mapping[str, Any]],
                seen: set[tuple[int, str]], severity: Severity | None,
                evidence: Any = None) -> Iterator[RawFinding]:
    """Reports for the page's own values that fail ``specs`` (once per place and message);
    ``evidence(key)`` is appended to inferred messages."""
    assert fm.data is not None
    for key, spec in specs.items():
        if key not in fm.data or _empty(fm.data[key]):
            continue  # an empty value is front-matter-missing's to report
        for message in _value_problems(key, fm.data[key], spec):
            start = _key_offset(fm, key)
            if (start, message) in seen:
                continue
            seen.add((start, message))
            if evidence is not None:
                message += evidence(key)
            yield RawFinding(start, start + len(key), message, severity=severity)


def _key_offset(fm: FrontMatter, key: str) -> int:
    off = fm.last_key_offset(key)
    return off if off is not None else 0


def _value_problems(key: str, value: Any, spec: Mapping[str, Any]) -> list[str]:
    """Return the messages for one key's value against its checks (empty: fine)."""
    types: Sequence[str] = spec.get("type", ())
    if types and not any(_TYPE_CHECKS[t](value) for t in types):
        wanted = " or ".join(_TYPE_WORDS[t] for t in types)
        return [f'front matter key "{key}" should be {wanted}, not {_value_kind(value)}']
    problems: list[str] = []
    items = value if isinstance(value, list) else [value]
    if isinstance(value, str) and types:
        if "email" in types and not is_email(value.strip()) and not (
            "url" in types and is_url(value.strip())
        ):
            problems.append(f'front matter key "{key}" is not a valid email address: "{value}"')
        elif "url" in types and "email" not in types and not is_url(value.strip()):
            problems.append(f'front matter key "{key}" is not a valid URL: "{value}"')
    allowed = spec.get("allowed", ())
    if allowed:
        for item in items:
            if item not in allowed:
                choices = ", ".join(_quote(a) for a in allowed)
                problems.append(
                    f'front matter key "{key}" is {_quote(item)}; allowed values: {choices}'
                )
    pattern = spec.get("pattern")
    if pattern is not None:
        for item in items:
            if isinstance(item, str) and pattern.search(item) is None:
                problems.append(
                    f'front matter key "{key}" is "{item}", which does not match '
                    f'"{pattern.pattern}"'
                )
    return problems
