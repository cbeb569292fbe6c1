"""A real Immich to test against: v3.1.0 in containers (testcontainers), or one given by env vars.

Containers are laid out as Immich's own ``docker/docker-compose.yml`` and ``docker/example.env`` do
(release v3.1.0, the release our trimmed spec comes from): ``immich-server``, Immich's Postgres image with
the vector extensions, and Valkey, on one private network, configured through DB_HOSTNAME, DB_USERNAME,
DB_PASSWORD, DB_DATABASE_NAME and REDIS_HOSTNAME. The machine-learning container is left out and machine
learning is switched off (IMMICH_MACHINE_LEARNING_ENABLED=false): the tests form duplicate groups
themselves, so no CLIP model is downloaded.

Images can be overridden (e.g. to try another release) with IMMICH_TEST_SERVER_IMAGE,
IMMICH_TEST_POSTGRES_IMAGE and IMMICH_TEST_REDIS_IMAGE.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx

IMMICH_VERSION = "v3.1.0"
SERVER_IMAGE = os.environ.get(
    "IMMICH_TEST_SERVER_IMAGE", f"ghcr.io/immich-app/immich-server:{IMMICH_VERSION}"
)
# The database and Redis images of Immich's docker-compose.yml for the 3.x releases.
POSTGRES_IMAGE = os.environ.get(
    "IMMICH_TEST_POSTGRES_IMAGE", "ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0"
)
REDIS_IMAGE = os.environ.get("IMMICH_TEST_REDIS_IMAGE", "docker.io/valkey/valkey:8-bookworm")

# As in Immich's example.env.
DB_USERNAME = "postgres"
DB_PASSWORD = "postgres"
DB_DATABASE_NAME = "immich"
DB_ALIAS = "database"
REDIS_ALIAS = "redis"
SERVER_PORT = 2283

STARTUP_TIMEOUT = float(os.environ.get("IMMICH_TEST_STARTUP_TIMEOUT", "600"))  # first pull + migrations

# Exactly the permissions the README documents for an immich-dedupe API key.
API_KEY_PERMISSIONS = (
    "duplicate.read",
    "duplicate.delete",
    "asset.read",
    "asset.download",
    "asset.delete",
    "asset.update",
    "asset.view",
    "album.read",
    "albumAsset.create",
    "tag.read",
    "tag.asset",
    "stack.create",
    "stack.delete",
    "server.about",
    "user.read",
)

SKIP_REASON = "integration: no Docker engine and no IMMICH_TEST_URL; see README 'Integration tests'"


class ImmichSetupError(RuntimeError):
    """The test server could not be started or prepared; the message says what it answered."""


@attrs.frozen(kw_only=True)
class ImmichTarget:
    """Where the server is and how the tests may act on it as admin.

    ``sql`` runs one statement in the server's database and returns psql's output; it is None for a
    server given by IMMICH_TEST_URL (no database access), where the tests use the API instead.
    """

    base_url: str  # http://host:port, without /api
    admin_email: str
    admin_password: str
    mode: str  # "containers" or "external"
    sql: Callable[[str], str] | None = None


def docker_unavailable_reason() -> str | None:
    """None when a Docker engine answers a ping within a few seconds; else why not."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError:
        return "the docker Python package is not installed"
    try:
        client = docker.from_env(timeout=5)
    except DockerException as exc:
        return f"no Docker engine: {exc.__class__.__name__}"
    try:
        client.ping()
    except (DockerException, OSError) as exc:
        return f"Docker engine did not answer: {exc.__class__.__name__}"
    finally:
        client.close()
    return None


def wait_for_ping(base_url: str, *, timeout: float, logs: Callable[[], str] | None = None) -> None:
    """Poll ``GET /api/server/ping`` until it answers ``{"res": "pong"}``."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{base_url}/api/server/ping", timeout=5.0)
            if response.status_code == 200 and response.json() == {"res": "pong"}:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
        except (httpx.HTTPError, ValueError) as exc:
            last = f"{exc.__class__.__name__}: {exc}"
        time.sleep(2)
    tail = f"\nserver log tail:\n{logs()}" if logs else ""
    raise ImmichSetupError(
        f"Immich at {base_url} did not answer /api/server/ping in {timeout:.0f} s ({last}){tail}"
    )


def _wait_for_postgres(container: Any, *, timeout: float) -> None:
    # TCP, not the socket: during first init the image runs a temporary server on the socket only.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = container.exec(["pg_isready", "-h", "127.0.0.1", "-U", DB_USERNAME, "-d", DB_DATABASE_NAME])
        if result.exit_code == 0:
            return
        time.sleep(1)
    raise ImmichSetupError(f"Postgres ({POSTGRES_IMAGE}) was not ready in {timeout:.0f} s")


def _log_tail(container: Any, lines: int = 40) -> str:
    stdout, stderr = container.get_logs()
    text = (stdout + stderr).decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def immich_containers() -> Iterator[ImmichTarget]:
    """Start Postgres, Valkey and immich-server on a private network; stop and remove them afterwards."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.network import Network

    with contextlib.ExitStack() as stack:
        network = stack.enter_context(Network())
        database = (
            DockerContainer(POSTGRES_IMAGE)
            .with_network(network)
            .with_network_aliases(DB_ALIAS)
            .with_env("POSTGRES_PASSWORD", DB_PASSWORD)
            .with_env("POSTGRES_USER", DB_USERNAME)
            .with_env("POSTGRES_DB", DB_DATABASE_NAME)
            .with_env("POSTGRES_INITDB_ARGS", "--data-checksums")
            .with_kwargs(shm_size="128m")
        )
        stack.enter_context(database)
        redis = DockerContainer(REDIS_IMAGE).with_network(network).with_network_aliases(REDIS_ALIAS)
        stack.enter_context(redis)
        _wait_for_postgres(database, timeout=120)

        server = (
            DockerContainer(SERVER_IMAGE)
            .with_network(network)
            .with_env("DB_HOSTNAME", DB_ALIAS)
            .with_env("DB_USERNAME", DB_USERNAME)
            .with_env("DB_PASSWORD", DB_PASSWORD)
            .with_env("DB_DATABASE_NAME", DB_DATABASE_NAME)
            .with_env("REDIS_HOSTNAME", REDIS_ALIAS)
            .with_env("IMMICH_MACHINE_LEARNING_ENABLED", "false")
            .with_exposed_ports(SERVER_PORT)
        )
        stack.enter_context(server)
        base_url = f"http://{server.get_container_host_ip()}:{server.get_exposed_port(SERVER_PORT)}"
        wait_for_ping(base_url, timeout=STARTUP_TIMEOUT, logs=lambda: _log_tail(server))

        def sql(statement: str) -> str:
            result = database.exec(
                ["psql", "-v", "ON_ERROR_STOP=1", "-U", DB_USERNAME, "-d", DB_DATABASE_NAME, "-c", statement]
            )
            output = result.output.decode("utf-8", "replace")
            if result.exit_code != 0:
                raise ImmichSetupError(f"psql failed ({result.exit_code}): {output}")
            return output

        target = ImmichTarget(
            base_url=base_url,
            admin_email="admin@immich-dedupe.test",
            admin_password=f"admin-{uuid.uuid4().hex}",
            mode="containers",
            sql=sql,
        )
        sign_up_admin(target)
        yield target


def external_target() -> ImmichTarget | None:
    """The server named by IMMICH_TEST_URL (+ admin credentials), or None when the variable is unset."""
    url = os.environ.get("IMMICH_TEST_URL", "").strip()
    if not url:
        return None
    email = os.environ.get("IMMICH_TEST_ADMIN_EMAIL", "")
    password = os.environ.get("IMMICH_TEST_ADMIN_PASSWORD", "")
    if not email or not password:
        raise ImmichSetupError(
            "IMMICH_TEST_URL is set: set IMMICH_TEST_ADMIN_EMAIL and IMMICH_TEST_ADMIN_PASSWORD too"
        )
    base_url = url.rstrip("/").removesuffix("/api")
    wait_for_ping(base_url, timeout=60)
    target = ImmichTarget(base_url=base_url, admin_email=email, admin_password=password, mode="external")
    sign_up_admin(target)
    return target


# --------------------------------------------------------------------------- API helpers


def expect(response: httpx.Response, *statuses: int) -> Any:
    """The JSON body (or None) if the status is one of ``statuses``; else a readable setup error."""
    if response.status_code not in statuses:
        raise ImmichSetupError(
            f"{response.request.method} {response.request.url.path} -> HTTP {response.status_code} "
            f"(expected {', '.join(map(str, statuses))}): {response.text[:500]}"
        )
    if not response.content:
        return None
    return response.json()


def sign_up_admin(target: ImmichTarget) -> None:
    """Create the first admin (``POST /api/auth/admin-sign-up``); a server that has one answers 400."""
    response = httpx.post(
        f"{target.base_url}/api/auth/admin-sign-up",
        json={"email": target.admin_email, "password": target.admin_password, "name": "Admin"},
        timeout=30.0,
    )
    if response.status_code == 400 and target.mode == "external":
        return  # already set up; the login below checks the credentials
    expect(response, 201)


def login(base_url: str, email: str, password: str) -> httpx.Client:
    """An httpx client carrying a session token for that user (not scope-limited, unlike API keys)."""
    response = httpx.post(
        f"{base_url}/api/auth/login", json={"email": email, "password": password}, timeout=30.0
    )
    token = expect(response, 201)["accessToken"]
    return httpx.Client(
        base_url=f"{base_url}/api", headers={"Authorization": f"Bearer {token}"}, timeout=60.0
    )


@attrs.frozen(kw_only=True)
class TestUser:
    __test__ = False  # not a test class, despite the name

    id: str
    email: str
    session: httpx.Client  # session token: full access, used to seed data and to check results
    api_key: str  # the key immich-dedupe runs with (API_KEY_PERMISSIONS only)

    def new_api_key(self, permissions: tuple[str, ...], name: str = "immich-dedupe test") -> str:
        body = {"name": name, "permissions": list(permissions)}
        return expect(self.session.post("/api-keys", json=body), 201)["secret"]
