"""The rule interface that built-in rules and plugins implement.

A rule is a class registered under the entry-point group ``playbook_lint.rules``.
It is constructed once per run with its :class:`RuleConfig` (options from config
and the rule packs meant for it), so expensive work such as compiling patterns
happens once. :meth:`Rule.check` is pure: it reads the :class:`Document` and the
shared :class:`Context` and yields :class:`~playbook_lint.findings.RawFinding` objects.
It must never open files or sockets itself; cross-file questions go through
``ctx.workspace`` and network results through ``ctx.link_results``.

The class docstring is the rule's documentation (What it does / Why it matters /
Example / Use instead / Fix / Source).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from playbook_lint.findings import RawFinding, Severity

if TYPE_CHECKING:
    from playbook_lint.document import Document
    from playbook_lint.packs import Pack
    from playbook_lint.site_model import SiteModel


class Workspace(Protocol):
    """Read-only questions about other files of the run, answered by the runner.

    Paths are absolute :class:`pathlib.Path` objects.
    """

    def exists(self, path: Path) -> bool:
        """Return True if ``path`` is an existing file or folder."""
        ...

    def anchors(self, path: Path) -> frozenset[str] | None:
        """Return the fragment ids (heading slugs, explicit ``id``/``name``) of a Markdown
        or HTML file, or None if the file does not exist or has no notion of anchors."""
        ...

    def anchor_list(self, path: Path) -> list[Any] | None:
        """Return the anchors of a Markdown file as
        :class:`~playbook_lint.links.extract.Anchor` records (headings keep their text,
        so the site's generator can make its own ids), or None as :meth:`anchors`."""
        ...


@dataclass(frozen=True)
class RuleConfig:
    """What a rule is constructed with.

    Attributes:
        options: the rule's table from config (``[tool.playbook-lint.rules.<name>]``),
            keys as written (kebab-case), minus ``severity``/``enabled``.
        packs: the loaded rule packs whose ``rule`` is this rule's name.
    """

    options: Mapping[str, Any] = field(default_factory=dict)
    packs: tuple[Pack, ...] = ()


@dataclass
class Context:
    """Run-wide facts shared by every rule.

    Attributes:
        today: the date "now" for age checks (a parameter so tests are repeatable).
        workspace: cross-file lookups (see :class:`Workspace`).
        offline: True when no network check was made.
        link_results: results of the link engine keyed by normalised URL (empty offline).
        root: the folder paths are reported relative to.
        site: the site model (page URLs, permalinks, aliases, site root, base URL, the
            generator adapter) when one was built, else None; rules ask it only what
            :class:`~playbook_lint.site_model.SiteModel` declares.
        front_matter_schema: what the current page's site expects of front matter,
            inferred from its pages once per run (an
            :class:`playbook_lint.fminfer.InferredSchema`), or None.
        rule_names: every rule name and code the run knows (enabled or not), for rules
            that check references to rules (suppression comments); empty when unknown.
    """

    today: date
    workspace: Workspace
    offline: bool = True
    link_results: Mapping[str, Any] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    site: SiteModel | None = None
    front_matter_schema: Any = None
    rule_names: frozenset[str] = frozenset()


class Rule:
    """Base class for rules. Subclasses set the class attributes and implement :meth:`check`.

    Class attributes:
        name: stable kebab-case name, e.g. ``"missing-alt-text"``.
        code: short code, e.g. ``"PL201"``.
        default_severity: used unless config overrides it.
        fixable: True if the rule can offer fixes.
        summary: one line for ``playbook-lint rules``.
        pack_entry_schema: JSON Schema of one pack entry, for rules that read packs.
        options_schema: JSON Schema of the rule's options (validated on load).
    """

    name: ClassVar[str] = ""
    code: ClassVar[str] = ""
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = False
    summary: ClassVar[str] = ""
    #: JSON Schema of one entry of a rule pack this rule reads (None: reads no packs).
    pack_entry_schema: ClassVar[Mapping[str, Any] | None] = None
    #: Name under which this rule's packs are filed (``rule:`` in the pack), when it
    #: shares another rule's packs; None means the rule's own name.
    pack_rule: ClassVar[str | None] = None
    #: True if the rule reads ``ctx.link_results`` (the link engine runs only if one does).
    uses_link_results: ClassVar[bool] = False
    #: True if the rule reads ``ctx.front_matter_schema`` (inferred only if one does).
    uses_front_matter_schema: ClassVar[bool] = False
    #: JSON Schema of the rule's options table in config (None: no options).
    options_schema: ClassVar[Mapping[str, Any] | None] = None
    #: False for opt-in rules: they run only with ``enabled = true`` in their config
    #: table or when named in ``--select``/``select``.
    default_enabled: ClassVar[bool] = True

    #: One-line notes for the whole run (e.g. Vale rules that are not run), printed
    #: once on standard error by the command line.
    notes: tuple[str, ...] = ()
    #: Files read when the rule was built whose contents change its findings (the
    #: ``vale`` rule's .vale.ini and styles); the result cache keys on them.
    inputs: tuple[Path, ...] = ()

    def __init__(self, config: RuleConfig | None = None) -> None:
        self.config = config or RuleConfig()

    @classmethod
    def pack_key(cls) -> str:
        """The ``rule:`` value of the packs this rule reads (``pack_rule`` or ``name``)."""
        return cls.pack_rule or cls.name

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield reports for ``doc``. Must not do I/O."""
        raise NotImplementedError
