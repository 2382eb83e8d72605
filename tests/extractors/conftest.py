"""Fixtures for extractor tests: one simulated world, the shared seed and corpus folders (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.simweb.config import SimWebConfig
from khabar.simweb.world import World

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def world() -> World:
    return World(SimWebConfig())


@pytest.fixture(scope="session")
def seed_text() -> str:
    files = sorted((SHARED / "seed").glob("*.txt")) if (SHARED / "seed").is_dir() else []
    if not files:
        pytest.skip("../shared/seed is absent")
    return files[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    import json

    files = sorted((SHARED / "corpus").glob("*.json")) if (SHARED / "corpus").is_dir() else []
    if not files:
        pytest.skip("../shared/corpus is absent")
    items: list[dict] = []
    for f in files:
        items.extend(json.loads(f.read_text(encoding="utf-8")))
    return items
