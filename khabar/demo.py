"""The `make demo` job. Placeholder until the pipeline lands."""

from __future__ import annotations


def run_demo(db_path: str, days: int) -> int:
    return 1
