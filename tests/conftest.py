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
