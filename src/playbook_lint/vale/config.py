"""Vale configuration: the ``.vale.ini`` settings and the styles folder it names.

What is read (https://vale.sh/docs/vale-ini, https://vale.sh/docs/styles):

- core section: ``StylesPath`` (relative to the ini file), ``MinAlertLevel``
  (``suggestion``/``warning``/``error``; the default is ``warning``, as in Vale's
  ``NewConfig``), ``Vocab`` (folders under
  ``<StylesPath>/config/vocabularies/`` or the older ``<StylesPath>/Vocab/`` holding
  ``accept.txt``/``reject.txt``), ``IgnoredScopes``, ``SkippedScopes``;
- ``[*]`` and glob sections (``[*.md]``): ``BasedOnStyles``, ``Style.Rule =
  YES|NO|suggestion|warning|error`` (a level also changes that rule's level
  everywhere, as in Vale), ``TokenIgnores`` and ``BlockIgnores`` (patterns whose
  matches are not linted);
- the styles: ``<StylesPath>/<Style>/<Rule>.yml`` YAML rule definitions, loaded for
  every style named in a ``BasedOnStyles`` and for every rule named on its own, and
  Vale's built-in style ``Vale`` (``Vale.Repetition``, ``Vale.Terms`` from accepted
  vocabulary, ``Vale.Avoid`` from rejected vocabulary, ``Vale.Spelling``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from playbook_lint.vale.ini import IniError, glob_to_regex, parse_ini, split_list

__all__ = [
    "LEVELS", "ValeConfig", "ValeConfigError", "find_vale_config", "load_vale_config",
    "CONFIG_NAMES",
]

#: Vale's alert levels, lowest first.
LEVELS = {"suggestion": 0, "warning": 1, "error": 2}
#: Names Vale looks for in each folder, in its order.
CONFIG_NAMES = (".vale", "_vale", "vale.ini", ".vale.ini", "_vale.ini")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ValeConfigError(Exception):
    """A ``.vale.ini`` or style rule that cannot be used; ``str()`` names the file."""


@dataclass
class Section:
    """One glob section: its pattern, ``BasedOnStyles`` (None if not set) and rule
    switches (``Style.Rule`` -> on/off)."""

    name: str
    pattern: Any
    styles: list[str] | None
    checks: dict[str, bool]


@dataclass
class ValeConfig:
    """A loaded Vale configuration.

    Attributes:
        path: the ini file; ``root`` its folder (section globs match paths relative to it).
        styles_path: the ``StylesPath`` folder (absolute), or None.
        min_level: the lowest level reported (0 suggestion, 1 warning, 2 error).
        global_styles, global_checks: the ``[*]`` section's settings.
        sections: the other sections, in file order.
        rule_levels: ``Style.Rule`` -> level set in the ini.
        accepted, rejected: vocabulary terms.
        definitions: rule name (``Style.Rule``) -> its YAML mapping (``name``/``path`` added).
        ignored_scopes, skipped_scopes: ``IgnoredScopes``/``SkippedScopes`` values.
        ignores: ``(section glob or None, pattern)`` of ``TokenIgnores``/``BlockIgnores``.
        files: every file read (the ini, rule files, vocabularies), for caches.
    """

    path: Path
    root: Path
    styles_path: Path | None = None
    min_level: int = 1
    global_styles: list[str] = field(default_factory=list)
    global_checks: dict[str, bool] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    rule_levels: dict[str, str] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignored_scopes: list[str] = field(default_factory=lambda: ["tt", "code", "kbd"])
    skipped_scopes: list[str] = field(default_factory=list)
    ignores: list[tuple[Any, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def file_ignores(self, rel_path: str) -> list[str]:
        """The ``TokenIgnores``/``BlockIgnores`` patterns of the sections (and ``[*]``)
        that match a file: text they match is not linted (Vale turns it into code)."""
        return [p for pat, p in self.ignores if pat is None or pat.match(rel_path)]

    def file_settings(self, rel_path: str) -> tuple[list[str], dict[str, bool]]:
        """The base styles and rule switches for a file.

        Args:
            rel_path: the file's path relative to :attr:`root`, with forward slashes.

        Returns:
            ``(styles, checks)``: the last matching section's ``BasedOnStyles`` (else
            the ``[*]`` ones) and the matching sections' switches merged in order.
        """
        styles = list(self.global_styles)
        checks: dict[str, bool] = {}
        for sec in self.sections:
            if sec.pattern.match(rel_path):
                if sec.styles is not None:
                    styles = list(sec.styles)
                checks.update(sec.checks)
        return styles, checks

    def referenced(self) -> set[str]:
        """Every style named in a ``BasedOnStyles`` and every rule switched on."""
        out = set(self.global_styles)
        out.update(k for k, v in self.global_checks.items() if v)
        for sec in self.sections:
            out.update(sec.styles or ())
            out.update(k for k, v in sec.checks.items() if v)
        return out


def find_vale_config(start: Path) -> Path | None:
    """Look for a Vale config in ``start`` and its parents (Vale's names and order).

    Returns:
        the first file found, or None.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def _switch(value: str) -> tuple[bool, str | None]:
    """Vale's ``validateLevel``: (enabled, level override)."""
    if value in ("suggestion", "warning", "error"):
        return True, value
    return value == "YES", None


def load_vale_config(path: Path) -> ValeConfig:
    """Read ``path`` (a ``.vale.ini``), its vocabularies and the styles it uses.

    Raises:
        ValeConfigError: unreadable file, bad syntax, a missing ``StylesPath``, a
            style or vocabulary that does not exist, a rule file that is not valid YAML
            or has no ``extends``/``message``.
    """
    try:
        text = path.read_text(encoding="utf-8")
        ini = parse_ini(text, path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValeConfigError(f"{path}: cannot read: {exc}") from None
    except IniError as exc:
        raise ValeConfigError(str(exc)) from None
    cfg = ValeConfig(path=path.resolve(), root=path.resolve().parent)
    cfg.files.append(cfg.path)
    styles_path = ini.last("", "StylesPath")
    if styles_path:
        sp = Path(styles_path)
        sp = sp if sp.is_absolute() else cfg.root / sp
        if not sp.is_dir():
            raise ValeConfigError(f"{path}: StylesPath: the path '{sp}' does not exist")
        cfg.styles_path = sp.resolve()
    level = ini.last("", "MinAlertLevel")
    if level is not None:
        if level not in LEVELS:
            raise ValeConfigError(
                f"{path}: MinAlertLevel must be 'suggestion', 'warning', or 'error'")
        cfg.min_level = LEVELS[level]
    for key, attr in (("IgnoredScopes", "ignored_scopes"), ("SkippedScopes", "skipped_scopes")):
        vals = split_list(ini.values("", key))
        if vals:
            setattr(cfg, attr, vals)
    for vocab in split_list(ini.values("", "Vocab")):
        _load_vocab(cfg, vocab)
    for name in ini.order:
        if name in ("", "formats", "asciidoctor", "DEFAULT"):
            continue
        styles: list[str] | None = None
        checks: dict[str, bool] = {}
        for key, value, _ in ini.sections[name]:
            if key == "BasedOnStyles":
                styles = split_list(ini.values(name, key))
            elif key in ("BlockIgnores", "TokenIgnores", "IgnorePatterns"):
                pat = None if name == "*" else glob_to_regex(name)
                for p in split_list([value]):
                    cfg.ignores.append((pat, p))
            elif key in ("Transform", "Lang"):
                continue
            else:
                on, lvl = _switch(value)
                checks[key] = on
                if lvl:
                    cfg.rule_levels[key] = lvl
        if name == "*":
            cfg.global_styles = styles or []
            cfg.global_checks = checks
        else:
            cfg.sections.append(Section(name, glob_to_regex(name), styles, checks))
    _load_rules(cfg)
    return cfg


def _load_vocab(cfg: ValeConfig, name: str) -> None:
    folder = None
    if cfg.styles_path is not None:
        for cand in (cfg.styles_path / "config" / "vocabularies" / name,
                     cfg.styles_path / "Vocab" / name):
            if cand.is_dir():
                folder = cand
                break
    if folder is None:
        raise ValeConfigError(f"{cfg.path}: Vocab: '{name}' does not exist")
    for fname, target in (("accept.txt", cfg.accepted), ("reject.txt", cfg.rejected)):
        for f in sorted(folder.rglob(fname)):
            cfg.files.append(f)
            for line in f.read_text(encoding="utf-8").splitlines():
                word = line.strip()
                if word and not word.startswith("# ") and word not in target:
                    target.append(word)


def _yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        # Go's YAML reader accepts \' in a double-quoted string (Joblint's styles
        # use it); YAML 1.1 does not, so read it as a plain apostrophe.
        if "\\'" not in text:
            raise
        return yaml.load(text.replace("\\'", "'"), Loader=_LOADER)  # noqa: S506


def _read_rule(path: Path, name: str) -> dict[str, Any]:
    try:
        data = _yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValeConfigError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ValeConfigError(f"{path}: {where}YAML syntax error") from None
    if not isinstance(data, Mapping) or not data.get("extends"):
        raise ValeConfigError(f"{path}: Missing the required 'extends' key.")
    if "message" not in data:
        raise ValeConfigError(f"{path}: Missing the required 'message' key.")
    rule = dict(data)
    rule["name"] = name
    rule["path"] = str(path)
    return rule


def _load_rules(cfg: ValeConfig) -> None:
    wanted = cfg.referenced()
    styles = {w for w in wanted if "." not in w}
    singles = {w for w in wanted if "." in w}
    sp = cfg.styles_path
    for style in sorted(styles):
        if style == "Vale":
            continue
        folder = sp / style if sp is not None else None
        if folder is None or not folder.is_dir():
            raise ValeConfigError(
                f"{cfg.path}: style '{style}' does not exist on StylesPath")
        for f in sorted(folder.rglob("*.yml")):
            name = f"{style}.{f.stem}"
            cfg.files.append(f)
            cfg.definitions.setdefault(name, _read_rule(f, name))
    for single in sorted(singles):
        style, _, rule = single.partition(".")
        if style == "Vale" or single in cfg.definitions or style in styles:
            continue
        single_file = sp / style / f"{rule}.yml" if sp is not None else None
        if single_file is not None and single_file.is_file():
            cfg.files.append(single_file)
            cfg.definitions[single] = _read_rule(single_file, single)
    if "Vale" in {w.split(".")[0] for w in wanted}:
        _builtin_rules(cfg)
    for name, level in cfg.rule_levels.items():
        if name in cfg.definitions:
            cfg.definitions[name]["level"] = level


def _builtin_rules(cfg: ValeConfig) -> None:
    """Vale's own style: Repetition, Spelling, and Terms/Avoid from the vocabulary."""
    cfg.definitions.setdefault("Vale.Repetition", {
        "extends": "repetition", "name": "Vale.Repetition", "level": "error",
        "message": "'%s' is repeated!", "scope": "text", "alpha": True,
        "ignorecase": False, "tokens": [r"[^\s]+"], "action": {"name": "edit",
        "params": ["truncate", " "]}, "path": "",
    })
    cfg.definitions.setdefault("Vale.Spelling", {
        "extends": "spelling", "name": "Vale.Spelling", "level": "error",
        "message": "Did you really mean '%s'?", "scope": "text", "path": "",
    })
    if cfg.accepted:
        cfg.definitions.setdefault("Vale.Terms", {
            "extends": "substitution", "name": "Vale.Terms", "level": "error",
            "message": "Use '%s' instead of '%s'.", "scope": "text", "ignorecase": True,
            "swap": {t.lower(): t for t in cfg.accepted if " " not in t}, "path": "",
            "vocab": False,
        })
    if cfg.rejected:
        cfg.definitions.setdefault("Vale.Avoid", {
            "extends": "existence", "name": "Vale.Avoid", "level": "error",
            "message": "Avoid using '%s'.", "scope": "text", "ignorecase": False,
            "tokens": list(cfg.rejected), "path": "", "vocab": False,
        })
