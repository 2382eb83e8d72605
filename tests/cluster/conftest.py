"""The cluster tests start a real Prefect server and worker processes (minutes): only under `-m cluster`
(`make test-cluster`), skipped in `make test`."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "cluster" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="a real Prefect cluster: run with `make test-cluster`")
    for item in items:
        if "cluster" in item.keywords:
            item.add_marker(skip)
