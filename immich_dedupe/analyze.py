"""Orchestrate analyze: duplicate groups from a server or a saved file → planner → ``Plan``.

Nothing on the server changes. The server is asked once for ``GET /duplicates`` (streamed)
and, when permitted and wanted, for album memberships; everything else is pure planning.
Group order and the order of same-time assets inside a group are not stable on a real
server, so groups are put in a canonical order before planning: two runs over the same
library give the same plan, byte for byte, except ``generated_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from immich_dedupe import planner
from immich_dedupe.errors import AuthError, ProtocolError, UsageError
from immich_dedupe.facts import Group, replace_asset
from immich_dedupe.listing import iter_groups
from immich_dedupe.plan import Plan, PlanServer
from immich_dedupe.policy import Policy
from immich_dedupe.progress import NullProgress, Progress

if TYPE_CHECKING:  # analysing a file must not need httpx or the generated client
    from immich_dedupe.connection import ImmichConnection

__all__ = [
    "OPTIONAL_PERMISSIONS",
    "REQUIRED_PERMISSIONS",
    "analyze_file",
    "analyze_groups",
    "analyze_server",
    "canonical_group",
    "utc_now",
]

REQUIRED_PERMISSIONS = ("duplicate.read",)
OPTIONAL_PERMISSIONS = {
    "album.read": "showing and scoring album memberships in the plan",
    # with album.read: read memberships one album at a time instead of one request per asset
    "asset.read": "fast album lookups (one request per album, not per asset)",
}

_READ = "Reading duplicate groups"
_PLAN = "Planning groups"


def utc_now() -> str:
    """``generated_at``: UTC, to the second, ``Z``-suffixed."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_group(group: Group) -> Group:
    """The group with its assets oldest ``local_date_time`` first, then by id.

    That is the server's own order (``ORDER BY localDateTime``) with its unspecified ties
    made stable; the same order ``planfile`` writes.
    """
    assets = tuple(sorted(group.assets, key=lambda a: (a.local_date_time or "", a.id)))
    return group if assets == group.assets else attrs.evolve(group, assets=assets)


def analyze_groups(
    groups: Iterable[Group],
    policy: Policy,
    *,
    source: str,
    server: PlanServer | None,
    progress: Progress | None = None,
    generated_at: str | None = None,
) -> Plan:
    """Plan every group (a bar over groups). ``generated_at`` defaults to now."""
    progress = progress or NullProgress()
    ordered = sorted((canonical_group(g) for g in groups), key=lambda g: g.duplicate_id)
    progress.start(_PLAN, total=len(ordered), unit="groups")

    def counted() -> Iterator[Group]:
        for g in ordered:
            yield g
            progress.advance(_PLAN)

    try:
        return planner.build_plan(
            counted(), policy, source=source, server=server, generated_at=generated_at or utc_now()
        )
    finally:
        progress.finish(_PLAN)


def analyze_server(
    conn: ImmichConnection,
    policy: Policy,
    *,
    albums: bool = True,
    progress: Progress | None = None,
    generated_at: str | None = None,
) -> Plan:
    """Pre-flight, one streamed ``GET /duplicates``, album memberships, then plan.

    Needs ``duplicate.read``. With ``albums`` and ``album.read`` (or a key whose permissions
    the server cannot list), each member's albums are looked up; otherwise they stay
    unknown (``None``) and the planner treats them so. Warnings land in ``conn.warnings``.
    """
    progress = progress or NullProgress()
    info = conn.preflight(required=REQUIRED_PERMISSIONS, optional=OPTIONAL_PERMISSIONS if albums else {})
    groups = _read(conn.iter_duplicate_groups(), progress)
    if albums:
        groups = _with_albums(conn, groups, progress)
    server = PlanServer(url=info.url, version=str(info.version))
    return analyze_groups(
        groups, policy, source="server", server=server, progress=progress, generated_at=generated_at
    )


def analyze_file(
    path: Path | str,
    policy: Policy,
    *,
    progress: Progress | None = None,
    generated_at: str | None = None,
) -> Plan:
    """Plan a saved ``GET /api/duplicates`` response (no server involved; albums unknown).

    Raises ``UsageError`` when the file is missing, unreadable, not JSON, or not a
    duplicates response.
    """
    progress = progress or NullProgress()
    p = Path(path)
    try:
        with p.open("rb") as f:
            groups = _read(iter_groups(f, name=str(p)), progress)
    except FileNotFoundError as err:
        raise UsageError(
            f"{p}: no such file (save one with: curl -H 'x-api-key: …' URL/api/duplicates)"
        ) from err
    except IsADirectoryError as err:
        raise UsageError(f"{p} is a directory, not a saved GET /api/duplicates response") from err
    except OSError as err:
        raise UsageError(f"cannot read {p}: {err.strerror or err}") from err
    except ProtocolError as err:
        # The listing's message already names the file.
        raise UsageError(f"{err} (expected a saved GET /api/duplicates response){_plan_hint(p)}") from err
    return analyze_groups(
        groups, policy, source="file", server=None, progress=progress, generated_at=generated_at
    )


# --------------------------------------------------------------------------- helpers


def _read(groups: Iterable[Group], progress: Progress) -> list[Group]:
    """Collect the streamed groups, counting them (the total is unknown until the end)."""
    progress.start(_READ, total=None, unit="groups")
    try:
        out = []
        for g in groups:
            out.append(g)
            progress.advance(_READ)
        return out
    finally:
        progress.finish(_READ)


def _with_albums(conn: ImmichConnection, groups: list[Group], progress: Progress) -> list[Group]:
    info = conn.info
    permissions = info.permissions if info is not None else ()
    # An empty list means the server could not tell us: try, and accept a refusal.
    if permissions and "all" not in permissions and "album.read" not in permissions:
        return groups
    ids = [a.id for g in groups for a in g.assets]
    if not ids:
        return groups
    try:
        memberships = conn.album_memberships(ids, progress=progress)
    except AuthError as err:
        conn.warnings.append(f"album memberships were not looked up ({err}); they count as unknown")
        return groups
    return [
        attrs.evolve(g, assets=tuple(replace_asset(a, albums=memberships.get(a.id, ())) for a in g.assets))
        for g in groups
    ]


def _plan_hint(path: Path) -> str:
    """A hint when the user passed a plan (or another JSON object) instead of a listing."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
            f.seek(max(0, path.stat().st_size - 4096))
            tail = f.read(4096)  # plans sort their keys: schema_version comes near the end
    except OSError:
        return ""
    if b'"schema_version"' in head + tail:
        return " (this looks like a plan: use `immich-dedupe show` or `execute` with it)"
    return ""
