"""The one door to the Immich server: pre-flight, listing, assets, downloads and every change.

This is the only module that imports the generated ``immich_client`` or httpx. Generated
models never leave it: answers become ``facts`` records here. Everything that can go wrong
on the wire becomes a ``DedupeError`` subclass here, chained with ``from``, with a one-line
message naming the method, the path template, the status and the server's ``message`` —
never a header, never the API key (it is scrubbed from every message as a last defence).

Where the generated models would crash on answers that real servers send (2.x ``duration``
strings, ``prerelease`` absent before 3.0, enum values newer than our spec, ``GET
/duplicates`` at 50,000 groups), the raw JSON is read tolerantly instead; the generated
client builds the request bodies and serves the small, stable calls.

Retries (exponential backoff with jitter, ``Retry-After`` honoured up to a cap) happen in
one place, a transport wrapper, and follow one rule:

* a request that provably never reached the server (connection refused, connect timeout,
  no free connection) is retried whatever its method;
* after it may have reached the server (5xx, 429, read errors and timeouts, a connection
  dropped mid-answer) only GET and HEAD are retried. Writes — above all
  ``POST /duplicates/resolve`` — are never repeated blindly: the caller re-reads the
  state and decides.

DNS and TLS failures are not retried: they do not heal in seconds. A connection may be
shared by threads (``execute`` downloads in workers): httpx's client is thread-safe and the
retry bookkeeping used in messages is per thread.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import random
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

import httpx

from immich_dedupe import __version__, listing
from immich_dedupe.errors import (
    AuthError,
    DedupeError,
    IncompatibleServer,
    ProtocolError,
    ServerError,
    ServerUnavailable,
    UsageError,
)
from immich_dedupe.facts import AssetFacts, BulkResult, Group, ResolveGroup, ServerInfo, Version
from immich_dedupe.progress import NullProgress, Progress
from immich_dedupe.settings import ConnectionSettings

if TYPE_CHECKING:
    # The generated client is imported where a call needs it: its models package alone costs
    # ~0.1 s of CPU, and analyze uses none of it (pre-flight, listing and album look-ups are
    # plain httpx + json).
    from uuid import UUID

    from immich_client import AuthenticatedClient

__all__ = [
    "MAX_CONNECTIONS",
    "PERMISSION_USES",
    "RESOLVE_SINCE",
    "BatchRejected",
    "Download",
    "ImmichConnection",
]

USER_AGENT = f"immich-dedupe/{__version__}"
SUPPORTED_MAJORS = (2, 3)
RESOLVE_SINCE = Version(2, 7, 0)  # POST /duplicates/resolve and suggestedKeepAssetIds
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each time
BACKOFF_CAP = 10.0
RETRY_AFTER_CAP = 60.0  # a server asking for longer gets this much, then the next attempt
ERROR_BODY_LIMIT = 64 * 1024  # bytes of an error answer we read to find its message
SEARCH_PAGE_SIZE = 1000  # MetadataSearchDto.size maximum
ALBUMS_TASK = "Looking up albums"  # progress task of album_memberships
MAX_CONNECTIONS = 16  # the shared client's pool: execute's downloads plus reads and writes
SEARCH_WORKERS = 6  # album searches in flight at once, on the client's pool of 16 connections
# Search shows only one visibility at a time (timeline by default); duplicates are one of these.
SEARCH_VISIBILITIES = ("timeline", "archive")

# What stops working without each permission; named in pre-flight warnings and errors.
PERMISSION_USES: dict[str, str] = {
    "duplicate.read": "listing duplicate groups",
    "duplicate.delete": "resolving or dismissing duplicate groups",
    "asset.read": "re-reading assets before acting",
    "asset.download": "backing up originals before deletion",
    "asset.view": "thumbnails in the report",
    "asset.delete": "moving assets to the trash and restoring them",
    "asset.update": "copying favourite, rating, description, location and visibility to the keeper",
    "album.read": "reading album memberships",
    "albumAsset.create": "adding the keeper to the albums of the copies",
    "tag.read": "reading tags",
    "tag.asset": "copying tags to the keeper",
    "stack.create": "stacking duplicates instead of deleting them",
    "stack.delete": "removing stacks",
    "user.read": "showing which user the API key belongs to",
}

KEY_SETTINGS_HINT = "Immich → Account Settings → API Keys"


class BatchRejected(ServerError):
    """The server refused a whole ``POST /duplicates/resolve`` batch (400): nothing changed.

    Immich checks every duplicateId before it touches any group, so one stale or foreign
    group fails them all. ``server_message`` is what the server said.
    """

    def __init__(self, message: str, *, server_message: str | None = None) -> None:
        super().__init__(message)
        self.server_message = server_message


class _SearchRefused(Exception):  # noqa: N818 - private signal, never leaves this module
    """``POST /search/metadata`` answered 400; ``album_memberships`` then asks per asset."""


class _Stopped(Exception):  # noqa: N818 - private signal, never leaves this module
    """An album search given up because another one failed."""


class Download:
    """An original being downloaded; valid inside ``ImmichConnection.open_original``'s ``with``.

    ``size`` is the Content-Length (None when unknown or the body is content-encoded),
    ``filename`` the name from ``Content-Disposition`` (``filename*=UTF-8''…`` decoded).
    ``iter_bytes`` raises ``ServerUnavailable`` if the body stops short; restart the download.
    """

    def __init__(self, response: httpx.Response, asset_id: str, scrub: Callable[[str], str]) -> None:
        self._response = response
        self._scrub = scrub
        self.asset_id = asset_id
        encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        length = response.headers.get("content-length")
        self.size: int | None = int(length) if length and length.isdigit() and not encoded else None
        self.content_type: str | None = response.headers.get("content-type")
        self.filename: str | None = _disposition_filename(response.headers.get("content-disposition"))

    def __repr__(self) -> str:
        return f"Download(asset_id={self.asset_id!r}, size={self.size!r}, filename={self.filename!r})"

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        received = 0
        label = "GET /assets/{id}/original"
        try:
            for chunk in self._response.iter_bytes(chunk_size):
                received += len(chunk)
                yield chunk
        except httpx.HTTPError as err:
            raise ServerUnavailable(
                self._scrub(
                    f"{label}: the download of asset {self.asset_id} broke off after {received} bytes "
                    f"({_transport_reason(err)}); it can be restarted"
                )
            ) from err
        if self.size is not None and received != self.size:
            raise ServerUnavailable(
                f"{label}: the download of asset {self.asset_id} ended after {received} of "
                f"{self.size} bytes; it can be restarted"
            )


class _Vault:
    """Holds what carries the API key: the httpx client (its headers) and, once a generated
    call needs it, the generated client (whose attrs repr would print the key)."""

    __slots__ = ("api", "http")

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.api: AuthenticatedClient | None = None

    def __repr__(self) -> str:
        return "<hidden>"


class ImmichConnection:
    """A connection to one Immich server with one API key. Use as a context manager.

    ``preflight`` first: it checks that the server is Immich, its version, the key and its
    permissions, and the trash setting, and stores ``info``. ``warnings`` collects
    remarks for the user (never secrets).
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self.url = _display_url(settings.base_url)
        self.info: ServerInfo | None = None
        self.warnings: list[str] = []
        if transport is None:
            transport = httpx.HTTPTransport(
                verify=_tls_context(settings),
                # room for execute's download workers plus the main thread's writes
                limits=httpx.Limits(
                    max_connections=MAX_CONNECTIONS, max_keepalive_connections=8, keepalive_expiry=30
                ),
            )
        self._transport = _RetryTransport(
            transport,
            retries=settings.retries,
            sleep=sleep,
            rng=rng or random.Random(),  # noqa: S311 - jitter, not secrecy
        )
        # Built as the generated client would build it, so that its calls (``_api``) share it.
        http = httpx.Client(
            base_url=settings.base_url,
            headers={"User-Agent": USER_AGENT, "x-api-key": settings.api_key.reveal()},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # a redirect would carry the key elsewhere; we report it instead
            transport=self._transport,
        )
        self._vault = _Vault(http)

    def __repr__(self) -> str:
        return f"ImmichConnection(url={self.url!r})"

    def __enter__(self) -> ImmichConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def _api(self) -> AuthenticatedClient:
        """The generated client, made on first use around our httpx client (same key, transport)."""
        api = self._vault.api
        if api is None:  # two threads may both build one: same settings, same httpx client
            from immich_client import AuthenticatedClient

            api = AuthenticatedClient(
                base_url=self._settings.base_url,
                token=self._settings.api_key.reveal(),
                prefix="",
                auth_header_name="x-api-key",
                raise_on_unexpected_status=True,
            ).set_httpx_client(self._vault.http)
            self._vault.api = api
        return api

    @property
    def _http(self) -> httpx.Client:
        return self._vault.http

    # ------------------------------------------------------------------ pre-flight

    def preflight(
        self,
        *,
        required: Collection[str] = (),
        optional: Collection[str] | Mapping[str, str] = (),
    ) -> ServerInfo:
        """Is this Immich, which version, is the key good and allowed enough, is the trash on?

        ``required`` permissions missing → ``AuthError`` naming each; ``optional`` ones
        missing → a warning naming what will not work (``optional`` may map a permission
        to that description; else ``PERMISSION_USES`` is used).
        """
        self.warnings = []
        self._ping()
        version = self._server_version()
        if version.major not in SUPPORTED_MAJORS:
            self.warnings.append(
                f"Immich {version} is outside the versions immich-dedupe supports (2.x and 3.x); "
                "continuing, but some answers may not be understood"
            )
        if version < RESOLVE_SINCE:
            self.warnings.append(
                f"Immich {version} predates POST /duplicates/resolve and suggested keepers "
                f"(both from {RESOLVE_SINCE}); Immich's own metadata merge is not available"
            )
        permissions, user_id, user_email = self._whoami()
        if permissions is not None:
            self._check_permissions(permissions, required, optional)
        trash = self._trash_enabled()
        self.info = ServerInfo(
            url=self._settings.base_url,
            version=version,
            trash_enabled=trash,
            user_id=user_id,
            user_email=user_email,
            permissions=tuple(permissions or ()),
        )
        return self.info

    def _ping(self) -> None:
        label = "GET /server/ping"
        with self._translate(label):
            response = self._http.get("/server/ping")
        not_immich = f"{self.url} does not look like an Immich server: {label}"
        if response.is_redirect:
            target = _display_url(response.headers.get("location", "elsewhere"))
            raise IncompatibleServer(
                f"{not_immich} was redirected to {target}; use the final address (ending in /api)"
            )
        if response.status_code in (429, 502, 503, 504):  # busy or down, not "not Immich"
            raise self._response_error(label, response)
        if response.status_code != 200:
            hint = ""
            if response.status_code in (401, 403):
                hint = " (a proxy in front of it may require its own login)"
            raise IncompatibleServer(
                f"{not_immich} answered {_status_text(response.status_code)}"
                f"{_body_kind(response.content)}{hint}"
            )
        body = _json_or_none(response.content)
        if not (isinstance(body, dict) and body.get("res") == "pong"):
            what = _body_kind(response.content) or " with JSON that is not Immich's pong"
            raise IncompatibleServer(f"{not_immich} answered{what}")

    def _server_version(self) -> Version:
        label = "GET /server/version"
        body = self._get_json(label, "/server/version")
        try:  # 2.x has no "prerelease"; some send numbers as floats
            return Version(int(body["major"]), int(body["minor"]), int(body["patch"]))
        except (KeyError, TypeError, ValueError) as err:
            raise IncompatibleServer(
                f"{self.url} does not look like an Immich server: {label} answered {_short_json(body)}"
            ) from err

    def _whoami(self) -> tuple[list[str] | None, str | None, str | None]:
        """Permissions of the key (None if this server cannot tell), user id and email."""
        permissions: list[str] | None = None
        response = self._send("GET /api-keys/me", "GET", "/api-keys/me")
        if response.status_code == 200:
            body = self._decode("GET /api-keys/me", response)
            raw = body.get("permissions") if isinstance(body, dict) else None
            if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
                raise ProtocolError(
                    f"GET /api-keys/me: the answer has no list of permissions: {_short_json(body)}"
                )
            permissions = list(raw)
        elif response.status_code == 401:
            raise self._response_error("GET /api-keys/me", response)
        elif response.status_code in (400, 403, 404, 405):
            # Older servers lack this endpoint; check the key another way.
            self.warnings.append(
                "this server cannot list the API key's permissions (no GET /api-keys/me); "
                "a missing permission will show up as an error when it is needed"
            )
            self._validate_key()
        else:
            raise self._response_error("GET /api-keys/me", response)
        user_id = user_email = None
        if permissions is None or "all" in permissions or "user.read" in permissions:
            response = self._send("GET /users/me", "GET", "/users/me")
            if response.status_code == 200:
                body = self._decode("GET /users/me", response)
                if isinstance(body, dict):
                    user_id = body.get("id") if isinstance(body.get("id"), str) else None
                    user_email = body.get("email") if isinstance(body.get("email"), str) else None
            elif response.status_code == 401 or permissions is not None:
                raise self._response_error("GET /users/me", response)
        return permissions, user_id, user_email

    def _validate_key(self) -> None:
        label = "POST /auth/validateToken"
        response = self._send(label, "POST", "/auth/validateToken")
        if response.status_code not in (200, 201):
            raise self._response_error(label, response)

    def _check_permissions(
        self,
        permissions: Sequence[str],
        required: Collection[str],
        optional: Collection[str] | Mapping[str, str],
    ) -> None:
        if "all" in permissions:
            return
        have = set(permissions)
        missing = [p for p in dict.fromkeys(required) if p not in have]
        if missing:
            uses = "; ".join(f"{p} ({PERMISSION_USES[p]})" if p in PERMISSION_USES else p for p in missing)
            plural = "permissions" if len(missing) > 1 else "permission"
            raise AuthError(
                f"the API key lacks the {plural} {uses}: add {'them' if len(missing) > 1 else 'it'} "
                f"to the key in {KEY_SETTINGS_HINT}, or use a key with 'all'",
                missing_permissions=tuple(missing),
            )
        described = optional if isinstance(optional, Mapping) else {}
        for p in dict.fromkeys(optional):
            if p not in have:
                use = described.get(p) or PERMISSION_USES.get(p, "some features")
                self.warnings.append(f"the API key lacks the permission {p}: {use} will not work")

    def _trash_enabled(self) -> bool:
        body = self._get_json("GET /server/features", "/server/features")
        trash = body.get("trash") if isinstance(body, dict) else None
        if isinstance(trash, bool):
            return trash
        # Assume the cautious case: with the trash off, a "trash" is a permanent deletion.
        self.warnings.append(
            "the server did not say whether its trash is enabled (GET /server/features has no 'trash'); "
            "assuming it is disabled"
        )
        return False

    # ------------------------------------------------------------------ listing

    def iter_duplicate_groups(self, *, save_to: BinaryIO | None = None) -> Iterator[Group]:
        """Stream ``GET /duplicates`` into ``Group``s; ``save_to`` also gets the raw bytes.

        The body is never held whole. A connection lost mid-way raises ``ServerUnavailable``
        (groups already yielded stay valid; call again to start over).
        """
        label = "GET /duplicates"
        with self._stream(label, "/duplicates") as response:
            chunks = self._body_chunks(label, response)
            if save_to is not None:
                chunks = _tee(chunks, save_to)
            yield from listing.iter_groups(chunks, name=f"the {label} answer")

    def save_duplicates(self, dest: BinaryIO) -> int:
        """Copy the raw ``GET /duplicates`` body into ``dest``, streaming; returns the byte count.

        Durability (fsync, atomic rename) is the caller's: pass a file it will sync.
        """
        label = "GET /duplicates"
        total = 0
        with self._stream(label, "/duplicates") as response:
            for chunk in self._body_chunks(label, response):
                dest.write(chunk)
                total += len(chunk)
        return total

    # ------------------------------------------------------------------ assets

    def get_asset(self, asset_id: str) -> tuple[AssetFacts, dict[str, Any]] | None:
        """The asset as facts plus its raw JSON (for a backup sidecar); None if not found/no access."""
        label = "GET /assets/{id}"
        response = self._send(label, "GET", f"/assets/{_seg(asset_id)}")
        if response.status_code in (400, 404):
            return None  # Immich says 400 "Not found or no asset.read access"
        if response.status_code != 200:
            raise self._response_error(label, response)
        body = self._decode(label, response)
        if not isinstance(body, dict):
            raise ProtocolError(f"{label}: the answer for asset {asset_id} is not an object")
        try:
            facts = listing.asset_from_dict(body)
        except ProtocolError as err:
            raise ProtocolError(f"{label}: {err}") from err
        return facts, body

    @contextlib.contextmanager
    def open_original(self, asset_id: str) -> Iterator[Download]:
        """Start downloading an original; retries happen before the body starts."""
        label = "GET /assets/{id}/original"
        with self._stream(label, f"/assets/{_seg(asset_id)}/original") as response:
            yield Download(response, asset_id, self._scrub)

    def get_thumbnail(self, asset_id: str, *, size: str = "thumbnail") -> bytes:
        """A small rendition (``size`` "thumbnail" or "preview") for reports."""
        label = "GET /assets/{id}/thumbnail"
        response = self._send(label, "GET", f"/assets/{_seg(asset_id)}/thumbnail", params={"size": size})
        if response.status_code != 200:
            raise self._response_error(label, response)
        return response.content

    # ------------------------------------------------------------------ changes

    def resolve(self, groups: Sequence[ResolveGroup]) -> list[BulkResult]:
        """One ``POST /duplicates/resolve``; never retried once it may have reached the server.

        A 400 for the whole batch raises ``BatchRejected`` (nothing changed). Per-group
        failures come back as ``BulkResult(success=False)``.
        """
        label = "POST /duplicates/resolve"
        if not groups:
            return []
        if self.info is not None and not self.info.has_resolve:
            raise IncompatibleServer(
                f"{label} needs Immich {RESOLVE_SINCE} or newer; this server is {self.info.version}"
            )
        from immich_client.models import DuplicateResolveDto, DuplicateResolveGroupDto

        body = DuplicateResolveDto(
            groups=[
                DuplicateResolveGroupDto(
                    duplicate_id=_uuid(g.duplicate_id),
                    keep_asset_ids=[_uuid(i) for i in g.keep],
                    trash_asset_ids=[_uuid(i) for i in g.trash],
                )
                for g in groups
            ]
        ).to_dict()
        response = self._send(label, "POST", "/duplicates/resolve", json_body=body)
        if response.status_code == 400:
            raise self._batch_rejected(
                label, response, f"{len(groups)} group(s)", hint="; re-read the groups and try again"
            )
        if response.status_code == 404 and self.info is None:
            raise IncompatibleServer(
                f"{label}: this server has no such endpoint (needs Immich {RESOLVE_SINCE}+)"
            )
        if response.status_code not in (200, 201):
            raise self._response_error(label, response)
        return _bulk_results(label, self._decode(label, response))

    def delete_assets(self, ids: Sequence[str], *, force: bool) -> None:
        """``DELETE /assets``; ``force`` is always sent (the server ignores its trash setting).

        Immich checks every id before it changes anything, so one id the caller may not delete
        fails the whole request with 400: that raises ``BatchRejected`` (nothing changed).
        Any other failure may have been half done; the caller re-reads state.
        """
        label = "DELETE /assets"
        if not ids:
            return
        from immich_client.models import AssetBulkDeleteDto

        body = AssetBulkDeleteDto(ids=[_uuid(i) for i in ids], force=force).to_dict()
        response = self._send(label, "DELETE", "/assets", json_body=body)
        self._expect_whole_batch(label, response, f"{len(ids)} asset(s)")

    def restore_assets(self, ids: Sequence[str]) -> int:
        """``POST /trash/restore/assets``; returns how many the server restored."""
        if not ids:
            return 0
        from immich_client.api.trash import restore_assets as op_restore_assets
        from immich_client.models import BulkIdsDto

        body = BulkIdsDto(ids=[_uuid(i) for i in ids])
        parsed = self._call(
            "POST /trash/restore/assets", op_restore_assets.sync_detailed, expect=200, body=body
        )
        return int(parsed.count)

    _UPDATE_FIELDS = frozenset(
        {
            "date_time_original",
            "date_time_relative",
            "description",
            "duplicate_id",
            "is_favorite",
            "latitude",
            "longitude",
            "rating",
            "time_zone",
            "visibility",
        }
    )

    def update_assets(self, ids: Sequence[str], **fields: Any) -> None:
        """``PUT /assets`` with the given fields; ``duplicate_id=None`` sends JSON null.

        Fields: ``date_time_original``, ``date_time_relative``, ``description``,
        ``duplicate_id``, ``is_favorite``, ``latitude``, ``longitude``, ``rating``,
        ``time_zone``, ``visibility``.
        """
        unknown = set(fields) - self._UPDATE_FIELDS
        if unknown:
            raise TypeError(f"update_assets: unknown field(s) {sorted(unknown)}")
        if not fields:
            raise TypeError("update_assets: no field to update")
        if not ids:
            return
        from immich_client.api.assets import update_assets as op_update_assets
        from immich_client.models import AssetBulkUpdateDto, AssetVisibility

        if "visibility" in fields:
            fields["visibility"] = AssetVisibility(fields["visibility"])
        body = AssetBulkUpdateDto(ids=[_uuid(i) for i in ids], **fields)
        self._call("PUT /assets", op_update_assets.sync_detailed, expect=204, body=body)

    def dismiss_groups(self, duplicate_ids: Sequence[str]) -> None:
        """``DELETE /duplicates``: take the groups off the duplicate list; deletes no asset.

        Immich checks every id before it changes anything, so one unknown, foreign or fully
        trashed group fails the whole request: that 400 raises ``BatchRejected`` (nothing
        changed; split the batch and retry). Never retried once it may have been sent.
        """
        label = "DELETE /duplicates"
        if not duplicate_ids:
            return
        from immich_client.models import BulkIdsDto

        body = BulkIdsDto(ids=[_uuid(i) for i in duplicate_ids]).to_dict()
        response = self._send(label, "DELETE", "/duplicates", json_body=body)
        self._expect_whole_batch(label, response, f"{len(duplicate_ids)} group(s)")

    def dismiss_group(self, duplicate_id: str) -> None:
        """``DELETE /duplicates/{id}``: take one group off the duplicate list; deletes no asset."""
        from immich_client.api.duplicates import delete_duplicate as op_delete_duplicate

        self._call(
            "DELETE /duplicates/{id}", op_delete_duplicate.sync_detailed, expect=204, id=_uuid(duplicate_id)
        )

    def create_stack(self, asset_ids: Sequence[str]) -> str:
        """``POST /stacks``; the first id becomes the primary. Returns the stack id.

        Never retried once it may have been sent: after a lost answer, look for the stack
        (``get_asset(primary)`` has ``stack``) before creating another.
        """
        label = "POST /stacks"
        from immich_client.models import StackCreateDto

        body = StackCreateDto(asset_ids=[_uuid(i) for i in asset_ids]).to_dict()
        response = self._send(label, "POST", "/stacks", json_body=body)
        if response.status_code not in (200, 201):
            raise self._response_error(label, response)
        answer = self._decode(label, response)  # raw: its assets may carry 2.x shapes
        stack_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(stack_id, str):
            raise ProtocolError(f"{label}: the answer has no stack id")
        return stack_id

    def delete_stack(self, stack_id: str) -> None:
        """``DELETE /stacks/{id}``: the assets stay, unstacked; 400 (unknown, not ours) → ``ServerError``."""
        from immich_client.api.stacks import delete_stack as op_delete_stack

        self._call("DELETE /stacks/{id}", op_delete_stack.sync_detailed, expect=204, id=_uuid(stack_id))

    def album_memberships(
        self, asset_ids: Iterable[str], *, progress: Progress | None = None
    ) -> dict[str, tuple[str, ...]]:
        """Asset id → sorted ids of the albums holding it, for each of ``asset_ids``.

        Immich 3.x albums no longer list their assets. After one ``GET /albums`` (which ends it
        when there are no albums) this takes the cheaper of two ways, both giving the same map:

        * per album — ``POST /search/metadata {albumIds: [album]}`` paged 1,000 at a time, once
          for ``timeline`` and once for ``archive`` visibility (search shows timeline only by
          default), ``withDeleted`` so a trashed member keeps its albums as
          ``GET /albums?assetId=`` reports them. Hidden (live-photo motion parts) and locked
          assets are not seen this way; Immich never puts them in duplicate groups. Needs
          asset.read besides album.read, so it is used only when pre-flight saw that permission;
        * per asset — ``GET /albums?assetId=`` for each id: cheaper for a handful of ids
          (``execute`` asks per group).
        """
        ids = list(dict.fromkeys(asset_ids))
        albums = self._get_json("GET /albums", "/albums")
        if not isinstance(albums, list):
            raise ProtocolError("GET /albums: the answer is not a list")
        if not albums or not ids:
            return {i: () for i in ids}
        counts = _album_counts(albums)
        page_size = self._search_page_size
        if self._may_search() and _search_cost(counts, page_size) < len(ids):
            # A key narrower than pre-flight saw, or a search refused (an album deleted meanwhile,
            # a server that does not take our body): the per-asset way still answers.
            with contextlib.suppress(AuthError, _SearchRefused):
                return self._memberships_by_album(ids, counts, progress=progress, page_size=page_size)
        return self._memberships_by_asset(ids, progress=progress)

    _search_page_size = SEARCH_PAGE_SIZE  # tests shrink it to page through small albums

    def _may_search(self) -> bool:
        permissions = self.info.permissions if self.info is not None else ()
        return "all" in permissions or "asset.read" in permissions

    def _memberships_by_asset(
        self, ids: Sequence[str], *, progress: Progress | None
    ) -> dict[str, tuple[str, ...]]:
        progress = progress or NullProgress()
        progress.start(ALBUMS_TASK, total=len(ids), unit="assets")
        result: dict[str, tuple[str, ...]] = {}
        for asset_id in ids:
            answer = self._get_json("GET /albums?assetId=", "/albums", params={"assetId": asset_id})
            if not isinstance(answer, list):
                raise ProtocolError("GET /albums?assetId=: the answer is not a list")
            album_ids = {a.get("id") for a in answer if isinstance(a, dict)}
            if not all(isinstance(a, str) for a in album_ids):
                raise ProtocolError("GET /albums?assetId=: an album has no id")
            result[asset_id] = tuple(sorted(album_ids))  # type: ignore[arg-type]
            progress.advance(ALBUMS_TASK)
        progress.finish(ALBUMS_TASK)
        return result

    def _memberships_by_album(
        self,
        ids: Sequence[str],
        counts: Mapping[str, int | None],
        *,
        progress: Progress | None,
        page_size: int = SEARCH_PAGE_SIZE,
    ) -> dict[str, tuple[str, ...]]:
        """The per-album way: (album, visibility) searches run ``SEARCH_WORKERS`` at a time on
        the shared client, the pages of one search in order. The first failure, in album order,
        is raised once the searches in flight have stopped; the rest are not started."""
        from concurrent.futures import ThreadPoolExecutor, as_completed

        wanted = frozenset(ids)
        stop = threading.Event()
        pairs = [(album_id, visibility) for album_id in counts for visibility in SEARCH_VISIBILITIES]

        def search(album_id: str, visibility: str) -> list[str]:
            try:
                pages = self._album_asset_ids(album_id, visibility, page_size, stop=stop)
                return [asset_id for asset_id in pages if asset_id in wanted]
            except BaseException:
                stop.set()  # no new search, no new page: the others end at their next request
                raise

        progress = progress or NullProgress()
        progress.start(ALBUMS_TASK, total=len(counts), unit="albums")
        pending = dict.fromkeys(counts, len(SEARCH_VISIBILITIES))  # searches left per album
        found: dict[str, set[str]] = {i: set() for i in ids}
        futures = []
        pool = ThreadPoolExecutor(max_workers=min(SEARCH_WORKERS, len(pairs)), thread_name_prefix="albums")
        try:
            futures = [pool.submit(search, *pair) for pair in pairs]
            where = dict(zip(futures, pairs, strict=True))
            for future in as_completed(futures):
                if future.exception() is not None:
                    continue  # raised below, in album order, once every search has ended
                album_id = where[future][0]
                for asset_id in future.result():
                    found[asset_id].add(album_id)
                pending[album_id] -= 1
                if not pending[album_id]:
                    progress.advance(ALBUMS_TASK)
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            progress.finish(ALBUMS_TASK)
        for future in futures:
            err = future.exception()
            if err is not None and not isinstance(err, _Stopped):
                raise err
        return {i: tuple(sorted(found[i])) for i in ids}

    def _album_asset_ids(
        self, album_id: str, visibility: str, page_size: int, *, stop: threading.Event | None = None
    ) -> Iterator[str]:
        """Ids of one album's assets of one visibility, page by page (items read for ``id`` only).

        Once ``stop`` is set no further page is asked for: ``_Stopped`` is raised instead.
        """
        label = "POST /search/metadata"
        page = 1
        while True:
            if stop is not None and stop.is_set():
                raise _Stopped
            body = {
                "albumIds": [album_id],
                "visibility": visibility,
                "withDeleted": True,
                "page": page,
                "size": page_size,
            }
            response = self._send(label, "POST", "/search/metadata", json_body=body)
            if response.status_code == 400:
                raise _SearchRefused(label)
            if response.status_code != 200:
                raise self._response_error(label, response)
            answer = self._decode(label, response)
            assets = answer.get("assets") if isinstance(answer, dict) else None
            items = assets.get("items") if isinstance(assets, dict) else None
            if not isinstance(items, list):
                raise ProtocolError(f"{label}: the answer has no assets.items list")
            for item in items:
                asset_id = item.get("id") if isinstance(item, dict) else None
                if not isinstance(asset_id, str):
                    raise ProtocolError(f"{label}: an asset in album {album_id} has no id")
                yield asset_id
            following = _next_page(assets.get("nextPage"))  # type: ignore[union-attr]
            if following is None or not items:
                return
            if following <= page:  # a server repeating a page would keep us here for ever
                raise ProtocolError(
                    f"{label}: page {page} of album {album_id} points back to page {following}"
                )
            page = following

    def add_assets_to_albums(self, album_ids: Sequence[str], asset_ids: Sequence[str]) -> None:
        """``PUT /albums/assets``: every asset into every album; already there is fine."""
        if not album_ids or not asset_ids:
            return
        label = "PUT /albums/assets"
        from immich_client.api.albums import add_assets_to_albums as op_add_assets_to_albums
        from immich_client.models import AlbumsAddAssetsDto

        body = AlbumsAddAssetsDto(
            album_ids=[_uuid(i) for i in album_ids], asset_ids=[_uuid(i) for i in asset_ids]
        )
        parsed = self._call(label, op_add_assets_to_albums.sync_detailed, expect=200, body=body)
        error = getattr(parsed.error, "value", None)
        if not parsed.success and error != "duplicate":  # "duplicate": nothing new to add
            raise ServerError(f"{label}: the server added nothing ({error or 'no reason given'})")

    def tag_ids_by_value(self) -> dict[str, str]:
        """Tag value (full path, e.g. ``Holidays/2019``) → tag id, from ``GET /tags``."""
        from immich_client.api.tags import get_all_tags as op_get_all_tags

        tags = self._call("GET /tags", op_get_all_tags.sync_detailed, expect=200)
        return {t.value: str(t.id) for t in tags}

    def tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> int:
        """``PUT /tags/assets``: every tag on every asset; returns the server's count."""
        if not tag_ids or not asset_ids:
            return 0
        from immich_client.api.tags import bulk_tag_assets as op_bulk_tag_assets
        from immich_client.models import TagBulkAssetsDto

        body = TagBulkAssetsDto(tag_ids=[_uuid(i) for i in tag_ids], asset_ids=[_uuid(i) for i in asset_ids])
        parsed = self._call("PUT /tags/assets", op_bulk_tag_assets.sync_detailed, expect=200, body=body)
        return int(parsed.count)

    # ------------------------------------------------------------------ plumbing

    def _expect_whole_batch(self, label: str, response: httpx.Response, what: str) -> None:
        """204, or ``BatchRejected`` for Immich's all-or-nothing 400 (one bad id, nothing changed)."""
        if response.status_code == 400:
            raise self._batch_rejected(label, response, what)
        if response.status_code != 204:
            raise self._response_error(label, response)

    def _batch_rejected(
        self, label: str, response: httpx.Response, what: str, hint: str = ""
    ) -> BatchRejected:
        """Immich's all-or-nothing 400: one bad id or group, and nothing changed."""
        message = _server_message(response.content)
        return BatchRejected(
            self._scrub(
                f"{label}: the server rejected the whole batch of {what}, "
                f"nothing changed (400: {message or 'no message'}){hint}"
            ),
            server_message=message,
        )

    def _scrub(self, text: str) -> str:
        key = self._settings.api_key.reveal()
        return text.replace(key, "***") if key else text

    @contextlib.contextmanager
    def _translate(self, label: str) -> Iterator[None]:
        """Turn wire-level failures into our errors, chained; scrub the key from messages."""
        try:
            yield
        except DedupeError as err:
            scrubbed = self._scrub(str(err))
            if scrubbed != str(err):
                err.args = (scrubbed,)
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict) as err:
            mapped = self._transport_error(label, err)
            mapped.args = (self._scrub(str(mapped)),)
            raise mapped from err

    def _send(
        self,
        label: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> httpx.Response:
        """One request, whole answer read; status left to the caller."""
        with self._translate(label):
            return self._http.request(method, path, params=params, json=json_body)

    def _get_json(self, label: str, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        response = self._send(label, "GET", path, params=params)
        if response.status_code != 200:
            raise self._response_error(label, response)
        return self._decode(label, response)

    def _decode(self, label: str, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except ValueError as err:
            raise ProtocolError(
                f"{label}: the answer is not JSON{_body_kind(response.content)}",
                status_code=response.status_code,
            ) from err

    def _call(self, label: str, op: Callable[..., Any], *, expect: int, **kwargs: Any) -> Any:
        """A generated ``sync_detailed`` call; its status is checked, its parsed model returned."""
        from immich_client.errors import UnexpectedStatus

        with self._translate(label):
            try:
                response = op(client=self._api, **kwargs)
            except UnexpectedStatus as err:
                raise self._status_error(label, err.status_code, err.content) from err
            except (KeyError, TypeError, ValueError) as err:  # a model that does not fit the answer
                status = self._transport.last_status
                if status is not None and not 200 <= status < 300:
                    raise self._status_error(label, status, b"") from err
                raise ProtocolError(f"{label}: the answer does not match Immich's API ({err!r})") from err
        if int(response.status_code) != expect:
            raise self._status_error(label, int(response.status_code), response.content)
        return response.parsed

    @contextlib.contextmanager
    def _stream(self, label: str, path: str) -> Iterator[httpx.Response]:
        """A streamed GET; non-200 answers are read (bounded) and raised before the body."""
        with self._translate(label), self._http.stream("GET", path) as response:
            if response.status_code != 200:
                head = b""
                for chunk in response.iter_bytes():
                    head += chunk
                    if len(head) >= ERROR_BODY_LIMIT:
                        break
                raise self._status_error(label, response.status_code, head)
            yield response

    def _body_chunks(self, label: str, response: httpx.Response) -> Iterator[bytes]:
        received = 0
        try:
            for chunk in response.iter_bytes():
                received += len(chunk)
                yield chunk
        except httpx.HTTPError as err:
            raise ServerUnavailable(
                self._scrub(
                    f"{label}: the answer broke off after {received} bytes ({_transport_reason(err)})"
                )
            ) from err

    def _response_error(self, label: str, response: httpx.Response) -> ServerError:
        return self._status_error(label, response.status_code, response.content)

    def _status_error(self, label: str, status: int, content: bytes) -> ServerError:
        """The error for a non-success answer: what a user should read, keyed on the status."""
        attempts = self._transport.last_attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        message = _server_message(content)
        said = f": {message}" if message else ""
        kind = _body_kind(content)
        if status == 401:
            err: ServerError = AuthError(
                f"{label}: the server rejected the API key ({_status_text(status)}{said}); "
                f"check IMMICH_API_KEY, or create a key in {KEY_SETTINGS_HINT}"
            )
        elif status == 403:
            perm = _missing_permission(message)
            if perm:
                err = AuthError(
                    f"{label}: the API key lacks the permission {perm} (403); add it to the key in "
                    f"{KEY_SETTINGS_HINT}",
                    missing_permissions=(perm,),
                )
            else:
                err = AuthError(f"{label}: access denied ({_status_text(status)}{said or kind})")
        elif status in (429, 502, 503, 504):
            proxy = " — probably a proxy in front of Immich; is Immich itself running?" if kind else ""
            err = ServerUnavailable(
                f"{label}: the server answered {_status_text(status)}{said or kind}{tries}{proxy}"
            )
        elif kind:  # an HTML page or other non-JSON where Immich always answers JSON
            err = ProtocolError(
                f"{label}: the server answered {_status_text(status)}{kind}, not Immich's JSON{tries} "
                f"(is {self.url} the Immich API?)",
                status_code=status,
            )
        else:
            err = ServerError(f"{label}: the server answered {_status_text(status)}{said}{tries}")
        err.args = (self._scrub(str(err)),)
        return err

    def _transport_error(self, label: str, err: Exception) -> DedupeError:
        attempts = self._transport.last_attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        host = self.url
        if isinstance(err, httpx.ConnectError | httpx.ConnectTimeout | httpx.ProxyError):
            if _is_tls_failure(err):
                return ServerUnavailable(
                    f"TLS verification failed for {host} ({_tls_reason(err)}); if the server uses a "
                    "self-signed certificate, add it to your trust store (SSL_CERT_FILE), or use --insecure "
                    "only if you trust every network between you and the server"
                )
            if _is_dns_failure(err):
                name = urllib.parse.urlsplit(self._settings.base_url).hostname or host
                return ServerUnavailable(f"cannot find the host {name!r} (DNS lookup failed); check the URL")
            if isinstance(err, httpx.ConnectTimeout):
                return ServerUnavailable(
                    f"cannot connect to {host}: no answer within {self._settings.timeout:g} s{tries}; "
                    "check the address and that the server is up"
                )
            if isinstance(err, httpx.ProxyError):
                return ServerUnavailable(f"cannot connect to {host} through the proxy{tries}")
            if _is_refused(err):
                return ServerUnavailable(
                    f"cannot connect to {host}: connection refused{tries}; is Immich running on that port?"
                )
            return ServerUnavailable(f"cannot connect to {host}{tries} ({_transport_reason(err)})")
        if isinstance(err, httpx.TimeoutException):
            return ServerUnavailable(
                f"{label}: the server did not answer within {self._settings.timeout:g} s{tries}; "
                "it may be busy — try again, or raise --timeout"
            )
        if isinstance(err, httpx.NetworkError | httpx.RemoteProtocolError):
            return ServerUnavailable(
                f"{label}: the connection to {host} broke off{tries} ({_transport_reason(err)})"
            )
        if isinstance(err, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return UsageError(f"the server URL {host} cannot be used ({type(err).__name__})")
        if isinstance(err, httpx.HTTPStatusError):
            return self._response_error(label, err.response)
        # LocalProtocolError, DecodingError, TooManyRedirects, CookieConflict: an answer we
        # cannot use, or a request httpx would not send.
        return ProtocolError(f"{label}: {type(err).__name__} talking to {host}")


class _RetryTransport(httpx.BaseTransport):
    """Retries what is safe to retry (see the module docstring); remembers the last outcome."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        retries: int,
        sleep: Callable[[float], None],
        rng: random.Random,
    ) -> None:
        self._inner = inner
        self._retries = max(0, retries)
        self._sleep = sleep
        self._rng = rng
        self._rng_lock = threading.Lock()
        self._local = threading.local()

    @property
    def last_attempts(self) -> int:
        """Attempts made for this thread's latest request."""
        return int(getattr(self._local, "attempts", 0))

    @property
    def last_status(self) -> int | None:
        """Status of this thread's latest answer (None if it failed before one)."""
        return getattr(self._local, "status", None)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        idempotent = request.method in IDEMPOTENT_METHODS
        attempt = 0
        self._local.status = None
        while True:
            attempt += 1
            self._local.attempts = attempt
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as err:
                if attempt > self._retries or not _worth_retrying(err, idempotent):
                    raise
                delay = self._backoff(attempt)
            else:
                self._local.status = response.status_code
                if response.status_code not in RETRY_STATUSES or not idempotent or attempt > self._retries:
                    return response
                delay = _retry_after(response.headers.get("retry-after"))
                if delay is None:
                    delay = self._backoff(attempt)
                response.close()
            self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
        with self._rng_lock:
            jitter = self._rng.random()
        return ceiling / 2 + jitter * ceiling / 2  # jitter spreads simultaneous clients

    def close(self) -> None:
        self._inner.close()


# ---------------------------------------------------------------------- helpers


def _worth_retrying(err: httpx.TransportError, idempotent: bool) -> bool:
    if _is_tls_failure(err) or _is_dns_failure(err):
        return False  # these do not heal in a few seconds
    if isinstance(err, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ProxyError):
        return True  # the request never left: safe for any method
    if isinstance(err, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError):
        return idempotent
    return False


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, min(RETRY_AFTER_CAP, seconds))


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _is_tls_failure(err: BaseException) -> bool:
    for e in _chain(err):
        if isinstance(e, ssl.SSLError | ssl.CertificateError):
            return True
        text = str(e)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL:" in text or "[SSL" in text:
            return True
    return False


def _tls_reason(err: BaseException) -> str:
    for e in _chain(err):
        reason = getattr(e, "verify_message", None)
        if isinstance(reason, str) and reason:
            return reason
    for e in _chain(err):
        if isinstance(e, ssl.SSLError) and getattr(e, "reason", None):
            return str(e.reason).lower().replace("_", " ")
    return "certificate not trusted"


def _is_dns_failure(err: BaseException) -> bool:
    for e in _chain(err):
        if isinstance(e, socket.gaierror):
            return True
        text = str(e)
        if any(
            s in text
            for s in (
                "Name or service not known",
                "nodename nor servname",
                "Temporary failure in name resolution",
                "getaddrinfo failed",
                "No address associated with hostname",
            )
        ):
            return True
    return False


def _is_refused(err: BaseException) -> bool:
    return any(isinstance(e, ConnectionRefusedError) or "Connection refused" in str(e) for e in _chain(err))


def _transport_reason(err: BaseException) -> str:
    """A short cause without URLs or headers: the innermost OS/protocol message, trimmed."""
    for e in _chain(err):
        if isinstance(e, OSError) and e.strerror:
            return e.strerror
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    if not text or "://" in text:
        return type(err).__name__
    return text[:160]


def _tls_context(settings: ConnectionSettings) -> ssl.SSLContext | bool:
    """What verifies the server's certificate: the system's CA store, or nothing (--insecure).

    A plain ``http://`` server never negotiates TLS (every request goes to ``base_url``; redirects
    are not followed), so it skips loading the CA store (~50 ms of CPU) and gets a context that
    trusts no CA at all: should TLS ever happen on it, verification fails closed.
    """
    if settings.insecure:
        return False
    if urllib.parse.urlsplit(settings.base_url).scheme.lower() == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies hostname and chain; trusts none
    return ssl.create_default_context()


def _display_url(url: str) -> str:
    """The URL without credentials, query or fragment."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return url.split("?", 1)[0][:200]
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _seg(value: str) -> str:
    return urllib.parse.quote(str(value), safe="")


def _uuid(value: str) -> UUID:
    from uuid import UUID

    try:
        return UUID(str(value))
    except ValueError as err:
        raise UsageError(f"{value!r} is not an Immich id (a UUID)") from err


def _status_text(status: int) -> str:
    try:
        from http import HTTPStatus

        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _body_kind(content: bytes) -> str:
    """'' for JSON or an empty body; else a phrase like ' with an HTML page'."""
    head = content.lstrip()[:200].lower()
    if not head:
        return ""
    if _json_or_none(content) is not None or head in (b"null",):
        return ""
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
        return " with an HTML page"
    if head.startswith(b"<"):
        return " with an XML/HTML document"
    return " with text that is not JSON"


def _server_message(content: bytes) -> str | None:
    """The ``message`` of an Immich error body (v2 may send a list), on one line, bounded."""
    body = _json_or_none(content)
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message)
    if not isinstance(message, str) or not message.strip():
        return None
    return " ".join(message.split())[:300]


def _missing_permission(message: str | None) -> str | None:
    prefix = "Missing required permission:"
    if message and message.startswith(prefix):
        return message[len(prefix) :].strip() or None
    return None


def _short_json(body: Any) -> str:
    text = json.dumps(body, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _disposition_filename(value: str | None) -> str | None:
    """``inline; filename*=UTF-8''%C3%89t%C3%A9.jpg`` → ``Été.jpg``; plain ``filename=`` too."""
    if not value:
        return None
    plain = None
    for part in value.split(";"):
        key, _, raw = part.strip().partition("=")
        key = key.strip().lower()
        raw = raw.strip()
        if key == "filename*":
            charset, _, rest = raw.partition("'")
            _, _, encoded = rest.partition("'")
            try:
                return urllib.parse.unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
        if key == "filename":
            plain = raw.strip('"')
    return plain or None


def _bulk_results(label: str, body: Any) -> list[BulkResult]:
    if not isinstance(body, list):
        raise ProtocolError(f"{label}: the answer is not a list of results")
    results = []
    for item in body:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ProtocolError(f"{label}: a result has no id: {_short_json(item)}")
        success = item.get("success")
        if not isinstance(success, bool):
            raise ProtocolError(f"{label}: the result for {item['id']} has no success flag")
        error = item.get("error")
        message = item.get("errorMessage")
        results.append(
            BulkResult(
                id=item["id"],
                success=success,
                error=error if isinstance(error, str) else None,
                message=message if isinstance(message, str) else None,
            )
        )
    return results


def _album_counts(albums: list[Any]) -> dict[str, int | None]:
    """Album id → its ``assetCount`` (None when the server did not say), from ``GET /albums``."""
    counts: dict[str, int | None] = {}
    for album in albums:
        album_id = album.get("id") if isinstance(album, dict) else None
        if not isinstance(album_id, str):
            raise ProtocolError("GET /albums: an album has no id")
        count = album.get("assetCount")
        valid = isinstance(count, int) and not isinstance(count, bool) and count >= 0
        counts[album_id] = count if valid else None
    return counts


def _search_cost(counts: Mapping[str, int | None], page_size: int) -> float:
    """Requests the per-album way needs: per visibility at least one page, all pages at worst."""
    total = 0
    for count in counts.values():
        if count is None:
            return float("inf")  # unknown size: do not bet on it
        total += -(-count // page_size) + len(SEARCH_VISIBILITIES) - 1 if count else len(SEARCH_VISIBILITIES)
    return total


def _next_page(value: Any) -> int | None:
    """``nextPage`` (a page number as a string, or null) as an int."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ProtocolError(f"POST /search/metadata: nextPage {_short_json(value)} is not a page number")


def _tee(chunks: Iterator[bytes], dest: BinaryIO) -> Iterator[bytes]:
    for chunk in chunks:
        dest.write(chunk)
        yield chunk
