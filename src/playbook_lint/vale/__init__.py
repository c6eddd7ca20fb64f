"""Vale compatibility: Vale's rule kinds, ``.vale.ini`` and styles, run natively.

Vale (https://vale.sh) is a Go program; teams that write their house style as Vale
styles can run those styles here unchanged. The package is a few small stages:

- :mod:`~playbook_lint.vale.ini` and :mod:`~playbook_lint.vale.config`: read
  ``.vale.ini`` and load the styles folder and vocabularies;
- :mod:`~playbook_lint.vale.kinds` and :mod:`~playbook_lint.vale.metric`: the rule
  kinds (existence, substitution, occurrence, repetition, conditional,
  capitalization, consistency, metric, readability);
- :mod:`~playbook_lint.vale.blocks`: Markdown split into Vale's scopes, every
  character mapped back to its offset in the file;
- :mod:`~playbook_lint.vale.engine`: scoping, comments, levels and limits;
- :mod:`~playbook_lint.vale.bridge`: the playbook-lint rules that run them
  (``vale`` for ``.vale.ini`` styles, and the built-in style packs).
"""

from __future__ import annotations

from pathlib import Path

from playbook_lint.vale.config import (
    ValeConfig,
    ValeConfigError,
    find_vale_config,
    load_vale_config,
)
from playbook_lint.vale.engine import ValeFinding, ValeLinter
from playbook_lint.vale.kinds import RuleError

__all__ = [
    "ValeConfig", "ValeConfigError", "ValeFinding", "ValeLinter", "RuleError",
    "find_vale_config", "load_vale_config", "linter_for", "vale_lines",
]


def linter_for(cfg: ValeConfig) -> ValeLinter:
    """Compile the rules of a loaded config.

    Raises:
        RuleError: a rule that cannot be compiled.
    """
    return ValeLinter(cfg.definitions, accepted=cfg.accepted, min_level=cfg.min_level,
                      settings=cfg.file_settings, global_checks=cfg.global_checks,
                      ignored_scopes=cfg.ignored_scopes)


def vale_lines(config_path: Path, files: list[Path]) -> list[str]:
    """Lint ``files`` with the Vale config at ``config_path`` and return Vale's
    ``--output=line`` lines (``path:line:column:Style.Rule:message``), paths relative
    to the config's folder, sorted by path, line and column.

    Raises:
        ValeConfigError, RuleError: as :func:`load_vale_config` and :func:`linter_for`.
    """
    from playbook_lint.document import Document

    cfg = load_vale_config(config_path)
    linter = linter_for(cfg)
    out: list[tuple[str, int, int, str, str]] = []
    for f in files:
        rel = f.resolve().relative_to(cfg.root).as_posix()
        doc = Document.from_path(f, display_path=rel)
        for v in linter.lint(doc, rel, cfg.file_ignores(rel)):
            line, col = doc.position(v.start)
            out.append((rel, line, col, v.rule, v.message))
    out.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
    return [f"{p}:{ln}:{c}:{r}:{m}" for p, ln, c, r, m in out]
