"""Vale's own test suite (``../shared/vale-testdata``, MIT): every scenario of
``features/checks.feature`` run on its fixture's ``.md`` documents with the fixture's
``.vale.ini``, compared line for line with Vale's expected ``--output=line`` lines
(``path:line:column:Style.Rule:message``) for ``.md`` inputs.

Skipped when ``../shared/vale-testdata`` is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from playbook_lint.vale import load_vale_config, vale_lines

VALE = Path(__file__).resolve().parents[1].parent / "shared" / "vale-testdata"
FEATURE = VALE / "features" / "checks.feature"

#: Scenarios left out, and why: their rule kinds are not implemented (the run lists
#: them as "not run: <rule> (<kind>)" instead).
LEFT_OUT = {
    "Script": "script kind (Tengo scripts) is not implemented",
    "Spelling": "spelling kind (Hunspell dictionaries) is not implemented; the "
                "dictionaries over 512 KB are empty files in ../shared",
    "Sequence": "sequence kind (part-of-speech tags) is not implemented",
}

_SCENARIO = re.compile(
    r'Scenario: (\S+)\n\s+When I test "([^"]+)"\n\s+Then the output should contain '
    r'exactly:\n\s+"""\n(.*?)\n?\s*"""', re.S)


def _scenarios() -> list[tuple[str, str, list[str]]]:
    if not FEATURE.is_file():
        return []
    out = []
    for name, fixture, body in _SCENARIO.findall(FEATURE.read_text(encoding="utf-8")):
        lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
        out.append((name, fixture, [ln for ln in lines if ln.split(":")[0].endswith(".md")]))
    return out


SCENARIOS = _scenarios()


def _config(folder: Path) -> Path:
    for name in (".vale.ini", "_vale"):
        if (folder / name).is_file():
            return folder / name
    raise AssertionError(f"no Vale config in {folder}")


@pytest.mark.skipif(not SCENARIOS, reason="../shared/vale-testdata is absent")
@pytest.mark.parametrize(("name", "fixture", "expected"), SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_vale_scenario(name: str, fixture: str, expected: list[str]) -> None:
    if name in LEFT_OUT:
        pytest.skip(LEFT_OUT[name])
    folder = VALE / "fixtures" / fixture
    got = vale_lines(_config(folder), sorted(folder.glob("*.md")))
    assert got == expected


@pytest.mark.skipif(not SCENARIOS, reason="../shared/vale-testdata is absent")
def test_suite_is_what_we_think() -> None:
    """The feature file holds the scenarios counted in the README (11; 8 run)."""
    names = [s[0] for s in SCENARIOS]
    assert len(names) == 11
    assert set(LEFT_OUT) <= set(names)
    assert sum(len(s[2]) for s in SCENARIOS if s[0] not in LEFT_OUT) == 31


@pytest.mark.skipif(not SCENARIOS, reason="../shared/vale-testdata is absent")
def test_unsupported_kinds_are_listed() -> None:
    from playbook_lint.vale import linter_for

    cfg = load_vale_config(_config(VALE / "fixtures" / "checks" / "Script"))
    assert linter_for(cfg).unsupported == [
        ("Checks.ScriptRE", "script"), ("Scripts.CustomMsg", "script")]
