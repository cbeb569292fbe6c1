"""Fixtures shared by every test: the Immich double and a hermetic environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import settings

from tests.fake_immich import FakeImmich

# CI explores the same examples on every run, so a landing never hinges on a lucky draw; on a
# developer's machine hypothesis keeps searching randomly (and remembers what it found).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

_PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
)


@pytest.fixture(autouse=True)
def _hermetic_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback only: no proxy or CA settings from the developer's shell leak into tests."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def immich() -> Iterator[FakeImmich]:
    """A fresh Immich 3.1 double on 127.0.0.1 with a default admin user and a full-access key.

    Fails the test if the double itself hit an internal error (a bug in the double, not a fault).
    """
    with FakeImmich() as server:
        yield server
        errors = list(server.state.internal_errors)
    if errors:
        pytest.fail("the Immich double hit internal errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def immich_env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    """``immich`` plus IMMICH_URL / IMMICH_API_KEY pointing at it."""
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


@pytest.fixture
def immich_http(immich: FakeImmich) -> Iterator[httpx.Client]:
    """A plain httpx client for the double's ``/api`` with the full-access key (for tests that
    talk HTTP directly rather than through ``immich_dedupe.connection``)."""
    with httpx.Client(base_url=immich.api_url, headers={"x-api-key": immich.api_key}, timeout=30) as client:
        yield client


@pytest.fixture
def immich_factory() -> Iterator[Callable[..., FakeImmich]]:
    """Start extra doubles with options, e.g. ``immich_factory(version=(2, 6, 3), trash_enabled=False)``;
    each is stopped (and checked for internal errors) at teardown."""
    started: list[FakeImmich] = []

    def start(**options: Any) -> FakeImmich:
        server = FakeImmich(**options).start()
        started.append(server)
        return server

    yield start
    errors = []
    for server in started:
        server.stop()
        errors += server.state.internal_errors
    if errors:
        pytest.fail("the Immich double hit internal errors:\n" + "\n".join(errors), pytrace=False)
