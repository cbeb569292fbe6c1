"""Fixtures for tests against a real Immich: the server, and a fresh user with an API key.

Order of choice: a server given by IMMICH_TEST_URL (with IMMICH_TEST_ADMIN_EMAIL/PASSWORD), else
Immich v3.1.0 in containers when a Docker engine answers, else every integration test is skipped with
one line. Each test module gets its own new user, so runs never see each other's assets or duplicate
groups, even on a long-lived disposable server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.integration.immich_env import (
    API_KEY_PERMISSIONS,
    SKIP_REASON,
    ImmichTarget,
    TestUser,
    docker_unavailable_reason,
    expect,
    external_target,
    immich_containers,
    login,
)


@pytest.fixture(scope="session")
def immich() -> Iterator[ImmichTarget]:
    target = external_target()
    if target is not None:
        yield target
        return
    if docker_unavailable_reason() is not None:
        pytest.skip(SKIP_REASON)
    with immich_containers() as started:
        yield started


@pytest.fixture(scope="module")
def user(immich: ImmichTarget) -> Iterator[TestUser]:
    """A new user (created by the admin), logged in, with an API key holding API_KEY_PERMISSIONS."""
    admin = login(immich.base_url, immich.admin_email, immich.admin_password)
    email = f"dedupe-{uuid.uuid4().hex[:12]}@immich-dedupe.test"
    password = f"pw-{uuid.uuid4().hex}"
    created = expect(
        admin.post(
            "/admin/users",
            json={"email": email, "password": password, "name": "Dedupe Test", "shouldChangePassword": False},
        ),
        201,
    )
    session = login(immich.base_url, email, password)
    key = expect(
        session.post(
            "/api-keys", json={"name": "immich-dedupe integration", "permissions": list(API_KEY_PERMISSIONS)}
        ),
        201,
    )["secret"]
    try:
        yield TestUser(id=created["id"], email=email, session=session, api_key=key)
    finally:
        session.close()
        # Remove the user and its assets, so a shared disposable server does not fill up.
        admin.request("DELETE", f"/admin/users/{created['id']}", json={"force": True})
        admin.close()
