"""An Immich server double for tests: a real HTTP server on loopback that behaves like Immich 3.1.

See README.md in this directory for the Python API (seeding, faults, request log, fixtures).
"""

from __future__ import annotations

from tests.fake_immich.content import Content, sha1_b64
from tests.fake_immich.faults import Fault, Faults, RequestLog, RequestRecord
from tests.fake_immich.model import Album, ApiError, ApiKey, Asset, ServerSettings, Stack, Tag, User
from tests.fake_immich.server import BODY_LIMIT, FakeImmich
from tests.fake_immich.state import State

__all__ = [
    "BODY_LIMIT",
    "Album",
    "ApiError",
    "ApiKey",
    "Asset",
    "Content",
    "FakeImmich",
    "Fault",
    "Faults",
    "RequestLog",
    "RequestRecord",
    "ServerSettings",
    "Stack",
    "State",
    "Tag",
    "User",
    "sha1_b64",
]
