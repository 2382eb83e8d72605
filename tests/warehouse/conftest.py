"""Fixtures for the warehouse tests: the pipeline's simulated articles (one definition, in tests/pipeline)."""

from tests.pipeline.conftest import articles

__all__ = ["articles"]
