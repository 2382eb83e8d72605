"""Shared fixtures: one default world served on loopback per test session (per xdist worker)."""

from __future__ import annotations

import httpx
import pytest

from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebSyncTransport
from khabar.simweb.world import World


@pytest.fixture(scope="session")
def config() -> SimWebConfig:
    return SimWebConfig()


@pytest.fixture(scope="session")
def world(config: SimWebConfig) -> World:
    return World(config)


@pytest.fixture(scope="session")
def server(config: SimWebConfig):
    with SimWebServer(config) as srv:
        yield srv


@pytest.fixture(scope="session")
def client(server: SimWebServer):
    with httpx.Client(transport=SimWebSyncTransport(server.port, server.hosts), timeout=30) as c:
        yield c
