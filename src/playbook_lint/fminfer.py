"""Front matter schema inference: what a site's pages expect, learned from their siblings.

Pure functions over :class:`PageFacts` (one per page: its path, its own front matter,
the values its generator gives it by default, its effective layout and group folder);
reading the files is :mod:`playbook_lint.fmsite`'s job. The result, an
:class:`InferredSchema`, is computed once per site and run and put on
:attr:`playbook_lint.rule.Context.front_matter_schema`; the front matter rules only
read it.

How pages are grouped (each page is in at most one group of each kind):

* **layout**: the page's effective layout: front matter ``layout``, else the
  generator's default for it (Jekyll ``_config.yml`` ``defaults``, Eleventy directory
  data, Middleman ``config.rb``; see :mod:`playbook_lint.fmsite`);
* **folder**: the first folder of the page's path below the site's source folder
  (``content/news/`` for Hugo, whose sections are these folders; ``_posts/``,
  ``_methods/`` for Jekyll collections; ``pages/``). Pages at the top of the site
  have no folder group. A folder whose pages use several layouts, none of them on at
  least :data:`CONSENSUS` of its pages, is *mixed*: it gives no expectations (its
  layout groups may). A folder group that expects nothing beyond its pages' layout
  group is left out.

A page is not reported for a key that most of its group's pages in its own folder
(at least :data:`LOCAL_PAGES` of them) leave unset too: its nearest siblings agree
with it (variant pages beside the component page they belong to, for example).
A profile printed by ``schema`` has no such exception: once written, it is strict.

Which pages count: those with front matter, not drafts (``draft: true``,
``published: false``, a ``_drafts/`` folder) and not repository furniture.

What a group expects (only groups of at least :data:`MIN_PAGES` pages):

* a key set (present and not empty) on at least :data:`CONSENSUS` of its pages is
  **expected** there, unless at least :data:`MIN_BLANK` of them keep it blank
  (``host:`` with no value): then the site treats it as optional;
* a key whose values are, on at least :data:`CONSENSUS` of the pages setting it (and
  at least :data:`MIN_PAGES` of them), all dates, lists, ``http(s)`` URLs, e-mail
  addresses or booleans has that **type**;
* a key with short one-word string values, at least :data:`MIN_VALUES` of them, of
  which 2 to :data:`MAX_CHOICES` distinct values are used at least twice (one at
  least :data:`MIN_CHOICE_USES` times), cover at least :data:`CONSENSUS` of the uses,
  and every value used once is a near miss of one of them (``alph``, ``Beta``), has
  that **closed set** of allowed values (``status: alpha|beta|live``).

Nothing here is certain: findings from an inferred schema are warnings, and
:meth:`InferredSchema.to_toml` prints the schema as written profiles a team can
adopt (then at the severity it chooses).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playbook_lint.lazyre import lazy_compile

__all__ = [
    "CONSENSUS", "MIN_PAGES", "MIN_BLANK", "LOCAL_PAGES", "MIN_VALUES", "MAX_CHOICES",
    "MIN_CHOICE_USES",
    "PageFacts", "Group", "Expectation", "InferredSchema", "infer_schema",
    "is_draft", "is_expired", "page_kind", "value_type", "looks_like_date",
]

#: Share of a group's pages that must agree (0.9: 90%).
CONSENSUS = 0.9
#: Fewest pages a group needs before it expects anything.
MIN_PAGES = 8
#: Fewest values a key needs before a closed set of values is inferred.
MIN_VALUES = 10
#: Most distinct values a closed set may have.
MAX_CHOICES = 6
#: Fewest uses of a value before it counts as one of the set's values.
MIN_CHOICE_USES = 3

#: Pages of a group that leave a key present but blank (``host:``) for it to count as
#: optional there: several authors kept the field and had nothing to put in it.
MIN_BLANK = 2
#: Fewest pages of a group in one folder for that folder to overrule the group.
LOCAL_PAGES = 3

#: Keys never expected or typed by inference: they identify or route the page, and a
#: page that lacks them gets the generator's default (``layout`` is the group itself).
_NEVER = frozenset({"layout", "draft", "published", "permalink", "url", "slug",
                    "redirect_from", "aliases", "old_paths", "type"})
#: Keys whose values are free text or identifiers per page: never a closed set.
_NO_CHOICES = frozenset({"title", "subtitle", "description", "summary", "slug", "date",
                         "weight", "order", "permalink", "url", "image", "uid",
                         "name", "id"})
_CHOICE = lazy_compile(globals(), r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,39}")
_ISO_DAY = lazy_compile(globals(), r"\d{4}-\d{2}-\d{2}(?:$|[T ]\d)")
_EMAIL = lazy_compile(globals(), r"[^@\s<>()]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}")


def looks_like_date(value: Any) -> bool:
    """True for a YAML/TOML date or datetime, or a string that starts with an ISO 8601
    calendar date (``2024-02-02``, ``2024-02-02T04:14:54-08:00``,
    ``2017-06-06 10:00:00 -0500`` as Jekyll writes them)."""
    if isinstance(value, date):
        return True
    return isinstance(value, str) and _ISO_DAY.match(value.strip()) is not None


def value_type(value: Any) -> str:
    """The kind of one front matter value: ``date``, ``list``, ``url`` (absolute
    ``http``/``https``), ``email``, ``boolean``, ``number``, ``mapping``, ``string``."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if looks_like_date(value):
        return "date"
    if isinstance(value, str):
        s = value.strip()
        if s.startswith(("http://", "https://")) and " " not in s:
            try:
                if urlsplit(s).hostname:
                    return "url"
            except ValueError:
                pass
        if _EMAIL.fullmatch(s):
            return "email"
    return "string"


#: Inferred types (the profile format's ``keys.<key>.type`` names).
_TYPED = ("date", "list", "url", "email", "boolean")


def page_kind(p: PageFacts) -> str | None:
    """The kind of page: its effective layout, else its ``type`` (Hugo picks templates
    by type, https://gohugo.io/content-management/types/), else None."""
    if p.layout is not None:
        return p.layout
    kind = p.effective().get("type")
    return kind.strip() if isinstance(kind, str) and kind.strip() else None


def is_draft(rel: str, data: Mapping[str, Any] | None) -> bool:
    """True for a page that is not published as content: ``draft: true`` (Hugo),
    ``published: false`` (Jekyll), ``permalink: false`` (Eleventy writes no file,
    https://www.11ty.dev/docs/permalinks/#permalink-false), ``headless: true`` or
    ``build.render: never`` (Hugo, https://gohugo.io/content-management/build-options/),
    a redirect stub (``redirect_to``, jekyll-redirect-from), or a file under a
    ``_drafts/`` folder (Jekyll)."""
    if "_drafts" in rel.split("/")[:-1]:
        return True
    if data is None:
        return False
    build = data.get("_build") or data.get("build")
    return (data.get("draft") is True or data.get("published") is False
            or data.get("permalink") is False or data.get("headless") is True
            or (isinstance(build, dict) and build.get("render") in ("never", False))
            or not _empty(data.get("redirect_to")) or not _empty(data.get("redirectto")))


def is_expired(data: Mapping[str, Any], today: date) -> bool:
    """True when Hugo's ``expiryDate`` (or ``expirydate``/``unpublishdate``) is before
    ``today``: Hugo does not publish the page
    (https://gohugo.io/content-management/front-matter/#expirydate)."""
    for key in ("expiryDate", "expirydate", "unpublishdate"):
        value = data.get(key)
        if isinstance(value, date):
            day = value.date() if hasattr(value, "date") and callable(value.date) else value
            return bool(day < today)
        if isinstance(value, str) and _ISO_DAY.match(value.strip()):
            try:
                return date.fromisoformat(value.strip()[:10]) < today
            except ValueError:
                return False
    return False


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


@dataclass(frozen=True)
class PageFacts:
    """What inference knows about one page.

    Attributes:
        path: absolute path of the source file.
        rel: path relative to the site root, forward slashes.
        data: the page's own front matter mapping (None: the page has none or it does
            not parse).
        defaults: values the generator gives the page without its front matter saying
            so (Jekyll ``defaults``, Eleventy directory data); the page's own win.
        layout: the effective layout (front matter, else the defaults), or None.
        layout_from: where the layout came from (``"front matter"``, ``"_config.yml
            defaults"`` ...), or None.
        folder: the group folder (``"content/news/"``), or None at the top.
        draft: True for drafts (see :func:`is_draft`).
    """

    path: Path
    rel: str
    data: Mapping[str, Any] | None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    layout: str | None = None
    layout_from: str | None = None
    folder: str | None = None
    draft: bool = False

    def effective(self) -> dict[str, Any]:
        """The values the page is built with: its defaults, then its own front matter."""
        return {**self.defaults, **(self.data or {})}


@dataclass(frozen=True)
class Expectation:
    """One key a group expects.

    Attributes:
        key: the front matter key.
        count: pages of the group that set it (present, not empty).
        total: pages in the group.
        unset_folders: folders (of the page file, ``a/b/``) where most of the group's
            pages leave the key unset, with at least :data:`LOCAL_PAGES` of them there:
            the page's nearest siblings agree with it, so it is not reported.
    """

    key: str
    count: int
    total: int
    unset_folders: frozenset[str] = frozenset()

    def quiet_in(self, rel: str) -> bool:
        """True when the page at ``rel`` sits in one of :attr:`unset_folders`."""
        return _parent(rel) in self.unset_folders


@dataclass(frozen=True)
class Group:
    """Pages that share a layout or a folder, and what they agree on.

    Attributes:
        kind: ``"layout"`` or ``"folder"``.
        value: the layout name or the folder (``"content/news/"``).
        total: pages in the group (those that count: see the module docstring).
        expected: keys set on at least :data:`CONSENSUS` of them, by key order.
        keys: per-key value checks in the profile format (``{"type": "date"}``,
            ``{"allowed": ["alpha", "beta", "live"]}``), with ``"evidence"`` (a short
            phrase: ``"a date on 40 of 40 pages"``), which profiles do not carry.
        of_kind: for a folder group, the kind of page it is about (see
            :func:`page_kind`; None: pages with neither layout nor type); pages of
            another kind in the folder are neither counted nor held to it.
    """

    kind: str
    value: str
    total: int
    expected: tuple[Expectation, ...] = ()
    keys: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    of_kind: str | None = None

    def describe(self) -> str:
        """The group as the end of a message: ``pages with layout "guide"`` or
        ``pages in "content/news/"``."""
        if self.kind == "layout":
            return f'pages with layout "{self.value}"'
        return f'pages in "{self.value}"'

    def profile(self) -> dict[str, Any]:
        """This group as a written profile (the ``profiles`` config format)."""
        out: dict[str, Any] = {"name": f"inferred-{self.kind}-{self.value.strip('/')}"}
        if self.kind == "layout":
            out["layout"] = self.value
        elif self.value.endswith("/"):
            # list pages (Hugo _index.md) below the folder are a group of their own
            out["paths"] = [self.value, f"!{self.value}**/_index.md"]
        else:
            out["paths"] = [self.value]
        if self.expected:
            out["required"] = [e.key for e in self.expected]
        keys = {k: {n: v for n, v in spec.items() if n in ("type", "allowed")}
                for k, spec in self.keys.items()}
        if keys:
            out["keys"] = keys
        return out


@dataclass
class InferredSchema:
    """The groups of one site and the facts of its pages.

    Attributes:
        root: the site root.
        groups: every group with at least one expectation, layout groups first.
        facts: every page's facts, by absolute path (a kept schema's facts are made
            when first asked for: see :mod:`playbook_lint.fmsite`).
        documented: what the site's generator documents about its keys (a
            :class:`playbook_lint.fmdocumented.Documented`, from the generator
            adapter), or None.
    """

    root: Path
    groups: list[Group]
    facts: Mapping[Path, PageFacts]
    documented: Any = None

    def __post_init__(self) -> None:
        self._layouts = {g.value: g for g in self.groups if g.kind == "layout"}
        self._folders = {g.value: g for g in self.groups if g.kind == "folder"}

    def groups_for(self, path: Path) -> list[Group]:
        """The groups whose expectations apply to the page at ``path`` (layout group
        first; none for drafts and pages inference did not see)."""
        facts = self.facts.get(path)
        if facts is None or facts.draft:
            return []
        out = []
        if facts.layout is not None and facts.layout in self._layouts:
            out.append(self._layouts[facts.layout])
        folder = self._folders.get(facts.folder) if facts.folder is not None else None
        if folder is not None and folder.of_kind == page_kind(facts):
            out.append(folder)  # a page of another kind is not held to its folder's
        return out

    def to_toml(self, *, table: str = "tool.playbook-lint.rules.front-matter-missing",
                severity: str | None = None) -> str:
        """The groups as TOML profiles to paste into config (``pyproject.toml`` by
        default; ``table="rules.front-matter-missing"`` for ``.playbook-lint.toml``).

        Each profile is commented with its evidence. ``severity`` adds a
        ``severity = "..."`` line to the rule's table. Returns "" with no groups.
        """
        return _toml(self.groups, table, severity)


def _group_expectations(kind: str, value: str, pages: Sequence[PageFacts]) -> Group | None:
    total = len(pages)
    if total < MIN_PAGES:
        return None
    datas = [p.effective() for p in pages]
    set_on: Counter[str] = Counter()
    blank: Counter[str] = Counter()
    for d in datas:
        for k, v in d.items():
            if isinstance(k, str):
                if _empty(v):
                    blank[k] += 1
                else:
                    set_on[k] += 1
    in_folder = Counter(_parent(p.rel) for p in pages)
    expected = tuple(
        Expectation(k, n, total, _unset_folders(k, pages, datas, in_folder))
        for k, n in sorted(set_on.items())
        if n >= CONSENSUS * total and k not in _NEVER and blank[k] < MIN_BLANK
    )
    keys: dict[str, dict[str, Any]] = {}
    for k, n in sorted(set_on.items()):
        if k in _NEVER or n < MIN_PAGES:
            continue
        values = [p.data[k] for p in pages
                  if p.data is not None and k in p.data and not _empty(p.data[k])]
        if len(values) < MIN_PAGES:
            continue
        kinds = Counter(value_type(v) for v in values)
        kind_top, kind_n = kinds.most_common(1)[0]
        spec: dict[str, Any] = {}
        if kind_top in _TYPED and kind_n >= CONSENSUS * len(values):
            spec["type"] = kind_top
            spec["evidence"] = f"{_TYPE_PHRASE[kind_top]} on {kind_n} of {len(values)} pages"
        choices = _choices(k, values)
        if choices is not None:
            allowed, covered = choices
            spec.setdefault("type", "string")
            spec["allowed"] = allowed
            spec["evidence"] = (f"one of {len(allowed)} values on {covered} of "
                                f"{len(values)} pages")
        if spec:
            keys[k] = spec
    if not expected and not keys:
        return None
    return Group(kind, value, total, expected, keys)


def _parent(rel: str) -> str:
    head, _sep, _name = rel.rpartition("/")
    return head + "/" if head else ""


def _unset_folders(key: str, pages: Sequence[PageFacts], datas: Sequence[Mapping[str, Any]],
                   in_folder: Counter[str]) -> frozenset[str]:
    """Folders holding at least :data:`LOCAL_PAGES` of the group's pages, most of
    which leave ``key`` unset (component variants beside their parent page, say)."""
    unset: Counter[str] = Counter()
    for p, d in zip(pages, datas, strict=True):
        if _empty(d.get(key)):
            unset[_parent(p.rel)] += 1
    return frozenset(f for f, n in unset.items()
                     if in_folder[f] >= LOCAL_PAGES and n * 2 > in_folder[f])


_TYPE_PHRASE = {"date": "a date", "list": "a list", "url": "a URL",
                "email": "an e-mail address", "boolean": "true or false"}


def _near(value: str, choices: Sequence[str]) -> bool:
    """True if ``value`` looks like a slip for one of ``choices``: the same ignoring case
    and punctuation, or at most two letters away (Levenshtein distance)."""
    def squash(s: str) -> str:
        return re.sub(r"[^a-z0-9]", "", s.lower())

    v = squash(value)
    for c in choices:
        c2 = squash(c)
        if v == c2 or (min(len(v), len(c2)) >= 3 and _distance(v, c2) <= 2):
            return True
    return False


def _distance(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 2:
        return 3
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _choices(key: str, values: Sequence[Any]) -> tuple[list[str], int] | None:
    """``(allowed values, uses covered)`` when ``values`` look like a closed set: short
    one-word strings, 2 to :data:`MAX_CHOICES` values used at least twice (one of
    them at least :data:`MIN_CHOICE_USES` times) covering :data:`CONSENSUS` of the
    uses, and every value used once a near miss of one of them (a value used once
    that is not a slip shows the vocabulary is open)."""
    if key in _NO_CHOICES or len(values) < MIN_VALUES:
        return None
    if not all(isinstance(v, str) and _CHOICE.fullmatch(v.strip()) for v in values):
        return None
    uses = Counter(v.strip() for v in values)
    allowed = sorted(v for v, n in uses.items() if n >= 2)
    covered = sum(uses[v] for v in allowed)
    if not 2 <= len(allowed) <= MAX_CHOICES or covered < CONSENSUS * len(values):
        return None
    if max(uses.values()) < MIN_CHOICE_USES:
        return None
    if any(n == 1 and not _near(v, allowed) for v, n in uses.items()):
        return None
    return allowed, covered


def infer_schema(root: Path, pages: Iterable[PageFacts]) -> InferredSchema:
    """Group ``pages`` and infer what each group expects (see the module docstring).

    Args:
        root: the site root (absolute), kept on the result.
        pages: one :class:`PageFacts` per page of the site.

    Returns:
        The :class:`InferredSchema`; groups without any expectation are left out.
    """
    facts = {p.path: p for p in pages}
    counted = [p for p in facts.values() if p.data is not None and not p.draft]
    by_layout: dict[str, list[PageFacts]] = {}
    by_folder: dict[str, list[PageFacts]] = {}
    for p in counted:
        if p.layout is not None:
            by_layout.setdefault(p.layout, []).append(p)
        if p.folder is not None:
            by_folder.setdefault(p.folder, []).append(p)
    groups: list[Group] = []
    for name, members in sorted(by_layout.items()):
        g = _group_expectations("layout", name, members)
        if g is not None:
            groups.append(g)
    for folder, members in sorted(by_folder.items()):
        kinds = Counter(page_kind(p) for p in members)
        kind, n_kind = kinds.most_common(1)[0]
        if n_kind < CONSENSUS * len(members):
            continue  # mixed: several kinds of page share the folder
        same_kind = [p for p in members if page_kind(p) == kind]
        g = _group_expectations("folder", folder, same_kind)
        if g is None:
            continue
        g = dataclasses.replace(g, of_kind=kind)
        layout = kind
        same = next((x for x in groups if x.kind == "layout" and x.value == layout), None)
        if same is not None and {e.key for e in g.expected} <= {e.key for e in same.expected} \
                and set(g.keys) <= set(same.keys):
            continue  # says nothing its pages' layout group does not
        groups.append(g)
    return InferredSchema(root, groups, facts)


# --- TOML ----------------------------------------------------------------------------

def _toml_str(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", out)
    return f'"{out}"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    return _toml_str(str(value))


def _toml(groups: Sequence[Group], table: str, severity: str | None) -> str:
    if not groups:
        return ""
    lines: list[str] = []
    if severity is not None:
        lines += [f"[{table}]", f"severity = {_toml_str(severity)}", ""]
    for g in groups:
        prof = g.profile()
        lines.append(f"# {g.total} {g.describe()}")
        for e in g.expected:
            lines.append(f"#   {e.key}: set on {e.count} of {e.total}")
        for k, spec in g.keys.items():
            lines.append(f"#   {k}: {spec['evidence']}")
        lines.append(f"[[{table}.profiles]]")
        for name in ("name", "layout", "paths", "required"):
            if name in prof:
                lines.append(f"{name} = {_toml_value(prof[name])}")
        for k, spec in prof.get("keys", {}).items():
            lines.append(f"keys.{_toml_key(k)} = {_toml_value(spec)}")
        lines.append("")
    return "\n".join(lines)
