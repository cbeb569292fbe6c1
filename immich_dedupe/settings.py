"""Connection settings from flags and environment, with the API key kept out of every repr."""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from immich_dedupe.errors import UsageError

__all__ = ["ConnectionSettings", "Secret", "normalize_base_url"]

# Immich's own CLI uses IMMICH_INSTANCE_URL; we accept it so existing setups just work.
URL_ENV_VARS = ("IMMICH_URL", "IMMICH_INSTANCE_URL")
KEY_ENV_VAR = "IMMICH_API_KEY"


@attrs.frozen(repr=False, eq=False)
class Secret:
    """A credential that never prints: repr/str show ``***``; ``reveal()`` is the only way out."""

    _value: str

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def normalize_base_url(url: str) -> str:
    """``https://host``, ``https://host/``, ``https://host/api/`` all become ``https://host/api``."""
    url = url.strip()
    if not url:
        raise UsageError("the server URL is empty: pass --url or set IMMICH_URL")
    if "://" not in url:
        raise UsageError(f"the server URL {url!r} has no scheme: use http://... or https://...")
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise UsageError(f"the server URL must start with http:// or https://, not {scheme}://")
    url = url.rstrip("/")
    if not url.endswith("/api"):
        url += "/api"
    return url


@attrs.frozen(kw_only=True)
class ConnectionSettings:
    """Where the server is and how to reach it. ``base_url`` always ends in ``/api``."""

    base_url: str
    api_key: Secret = attrs.field(repr=False)
    insecure: bool = False  # skip TLS verification; the CLI warns when set
    timeout: float = 30.0  # seconds per read/connect; downloads use it per chunk
    retries: int = 4  # attempts after the first one, for idempotent requests

    @classmethod
    def from_sources(
        cls,
        *,
        url: str | None,
        api_key: str | None,
        insecure: bool = False,
        timeout: float | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ConnectionSettings:
        """Flags win over the environment; a missing URL or key is a UsageError naming both ways."""
        env = os.environ if environ is None else environ
        if not url:
            url = next((env[v] for v in URL_ENV_VARS if env.get(v)), None)
        if not url:
            raise UsageError("no server URL: pass --url or set IMMICH_URL (or IMMICH_INSTANCE_URL)")
        key = api_key or env.get(KEY_ENV_VAR)
        if not key:
            raise UsageError("no API key: set IMMICH_API_KEY (recommended) or pass --api-key")
        return cls(
            base_url=normalize_base_url(url),
            api_key=Secret(key.strip()),
            insecure=insecure,
            timeout=timeout if timeout is not None else 30.0,
        )
