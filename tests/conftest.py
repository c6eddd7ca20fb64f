"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def corpus() -> Path:
    """The real-guidance corpus beside the checkout; skips the test when absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (run beside the shared folder to test on it)")
    return CORPUS


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own user cache folder (link and result caches), so tests
    never read each other's caches nor write to the real home folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture()
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths of the pages the rules actually ran on, in order."""
    from playbook_lint import runner

    seen: list[str] = []
    real = runner.lint_document

    def spy(doc, rules, ctx):
        seen.append(doc.display_path)
        return real(doc, rules, ctx)

    monkeypatch.setattr(runner, "lint_document", spy)
    return seen
