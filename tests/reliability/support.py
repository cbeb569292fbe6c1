"""Shared by the reliability suite: running the CLI, reading what the double saw, checking the
safety rules on the final state and at the moment of every deleting request.

The checks here do not trust immich-dedupe's own bookkeeping: a backup counts only if its bytes,
re-hashed here, are the double's bytes for that asset.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from immich_dedupe.plan import GroupPlan, Plan
from tests.fake_immich import FakeImmich

REPO = Path(__file__).resolve().parents[2]
SENTINEL = "sentinel-4b1d7c0e-do-not-print-this-key"  # an API key that is easy to search for
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def resolve_groups(plan: Plan) -> list[GroupPlan]:
    return [g for g in plan.groups if g.action == "resolve"]


def planned_deletions(plan: Plan) -> set[str]:
    return {aid for g in resolve_groups(plan) for aid in g.delete}


def motion_parts(plan: Plan) -> dict[str, str]:
    """Still id → its live-photo motion part id, for every asset the plan deletes."""
    out = {}
    for g in resolve_groups(plan):
        for aid in g.delete:
            motion = g.asset(aid).asset.live_photo_video_id
            if motion:
                out[aid] = motion
    return out


def must_back_up(plan: Plan) -> set[str]:
    """Every asset whose verified backup must exist before the plan may be completed."""
    return planned_deletions(plan) | set(motion_parts(plan).values())


# --------------------------------------------------------------------------- running the CLI


def cli_env(immich: FakeImmich, key: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith(("_PROXY", "CA_BUNDLE"))}
    env.pop("SSL_CERT_FILE", None)
    env.update(IMMICH_URL=immich.url, IMMICH_API_KEY=key or immich.api_key, PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def spawn(
    argv: list[str], env: Mapping[str, str], *, module: str = "immich_dedupe"
) -> subprocess.Popen[bytes]:
    """``python -m MODULE ARGV`` from the repository root, stdin closed, output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *argv],
        cwd=REPO,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def execute_argv(plan_path: Path, backup: Path, *extra: str) -> list[str]:
    return ["execute", str(plan_path), "--backup-dir", str(backup), "--yes", *extra]


# --------------------------------------------------------------------------- backups on disk


def sha1_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


def committed(backup: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Asset id → (data file, sidecar) for every sidecar under ``backup/originals``."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    originals = backup / "originals"
    if not originals.is_dir():
        return found
    for sidecar in originals.rglob("*.json"):
        try:
            doc = json.loads(sidecar.read_bytes())
        except (OSError, ValueError):
            continue  # being replaced right now, or not a sidecar
        if isinstance(doc, dict) and isinstance(doc.get("asset_id"), str):
            found[doc["asset_id"]] = (sidecar.with_name(sidecar.name[: -len(".json")]), doc)
    return found


def true_sha1(immich: FakeImmich, asset_id: str) -> str:
    """The SHA-1 of the asset's real bytes (for external-library assets too, unlike ``checksum``)."""
    asset = immich.state.purged.get(asset_id) or immich.state.asset(asset_id)
    return asset.content.sha1_b64


def verified_on_disk(immich: FakeImmich, backup: Path, found: Mapping[str, tuple[Path, Any]]) -> set[str]:
    """The asset ids among ``found`` whose data file holds exactly the asset's bytes, inside ``backup``."""
    root = backup.resolve()
    good = set()
    for aid, (data, _) in found.items():
        try:
            if not data.resolve().is_relative_to(root) or data.is_symlink():
                continue
            if sha1_b64(data.read_bytes()) == true_sha1(immich, aid):
                good.add(aid)
        except (OSError, KeyError):
            continue
    return good


def deleted_ids(record: Any) -> list[str]:
    """Asset ids a logged request asked the server to trash or delete."""
    body = record.json if isinstance(record.json, dict) else {}
    if record.method == "POST" and record.path == "/api/duplicates/resolve":
        return [i for g in body.get("groups") or () for i in g.get("trashAssetIds") or ()]
    if record.method == "DELETE" and record.path == "/api/assets":
        return list(body.get("ids") or ())
    return []


# --------------------------------------------------------------------------- the watch


@attrs.define
class Violation:
    what: str
    detail: str


class Watch:
    """An ``on_request`` hook that checks the safety rules at the instant the server sees a request.

    * Before every deleting request: which assets have a verified backup on disk right now
      (paired later with the request's body, which the hook cannot see).
    * Before every download of an original: whether a verified backup of it is already on disk
      (then the download is redundant).
    ``then`` is called after the checks (kill tests kill the run from there).
    """

    def __init__(self, immich: FakeImmich, backup: Path) -> None:
        self.immich = immich
        self.backup = backup
        self.lock = threading.Lock()
        self.write_snapshots: list[set[str]] = []  # verified backups on disk at each write
        self.gone_snapshots: list[set[str]] = []  # trashed or purged assets at each write
        self.redundant_downloads: list[str] = []
        self.downloads: Counter[str] = Counter()
        self.then: Any = None

    def __call__(self, method: str, path: str) -> None:
        with self.lock:
            if method in WRITE_METHODS:
                found = committed(self.backup)
                self.write_snapshots.append(verified_on_disk(self.immich, self.backup, found))
                self.gone_snapshots.append(self.immich.state.trashed_ids() | self.immich.state.purged_ids())
            elif method == "GET" and path.endswith("/original"):
                aid = path.split("/")[-2]
                self.downloads[aid] += 1
                found = committed(self.backup)
                if aid in found and aid in verified_on_disk(self.immich, self.backup, {aid: found[aid]}):
                    self.redundant_downloads.append(aid)
            hook = self.then
        if hook is not None:
            hook(method, path)

    def deletions_without_backup(self, plan: Plan) -> list[Violation]:
        """Deleting requests that named an asset (or a still whose motion part) lacked a verified backup."""
        motion = motion_parts(plan)
        writes = self.immich.requests.writes
        assert len(writes) == len(self.write_snapshots), "every write passed the hook"
        problems = []
        for record, verified in zip(writes, self.write_snapshots, strict=True):
            for aid in deleted_ids(record):
                needed = {aid, motion[aid]} if aid in motion else {aid}
                if not needed <= verified:
                    problems.append(
                        Violation(
                            "deleted before its backup",
                            f"{record.method} {record.path}: {sorted(needed - verified)}",
                        )
                    )
        return problems

    def deleted_again(self) -> list[Violation]:
        """Deleting requests that named an asset already in the trash or gone when they arrived."""
        writes = self.immich.requests.writes
        problems = []
        for record, gone in zip(writes, self.gone_snapshots, strict=True):
            again = sorted(set(deleted_ids(record)) & gone)
            if again:
                problems.append(Violation("deleted twice", f"{record.method} {record.path}: {again}"))
        return problems


def deletion_counts(immich: FakeImmich) -> Counter[str]:
    """How many successful deleting requests named each asset."""
    counts: Counter[str] = Counter()
    for record in immich.requests.writes:
        if record.status < 300:
            counts.update(deleted_ids(record))
    return counts


# --------------------------------------------------------------------------- server state


@attrs.frozen
class Member:
    """What a group member carried before the run (to check the keepers received it)."""

    favourite: bool
    rating: int | None
    description: str | None
    visibility: str
    albums: frozenset[str]
    tags: frozenset[str]


def snapshot_members(immich: FakeImmich, plan: Plan) -> dict[str, Member]:
    out = {}
    for g in resolve_groups(plan):
        for pa in g.assets:
            a = immich.state.asset(pa.asset.id)
            exif = a.exif or {}
            out[a.id] = Member(
                favourite=a.is_favorite,
                rating=exif.get("rating"),
                description=exif.get("description"),
                visibility=a.visibility,
                albums=frozenset(al.id for al in immich.state.albums_of_asset(a.id)),
                tags=frozenset(immich.state.tag_values(a.id)),
            )
    return out


def alive(immich: FakeImmich, asset_id: str) -> Any:
    try:
        return immich.state.asset(asset_id)
    except KeyError:
        return None


def check_plan_completed(
    immich: FakeImmich,
    plan: Plan,
    backup: Path,
    before: Mapping[str, Member],
    *,
    trashed_before: Iterable[str] = (),
    permanent: bool = False,
) -> list[str]:
    """Everything that differs from "the server now looks as the plan says"; empty when it does."""
    problems: list[str] = []
    state = immich.state
    deletions = planned_deletions(plan)
    for aid in sorted(deletions):
        if permanent:
            if aid not in state.purged_ids():
                problems.append(f"{aid} was not deleted permanently")
        else:
            a = alive(immich, aid)
            if a is None or not a.is_trashed:
                problems.append(f"{aid} is not in the trash")
    gone_now = state.trashed_ids() | state.purged_ids()
    extra = gone_now - deletions - set(trashed_before) - set(motion_parts(plan).values())
    if extra:
        problems.append(f"deleted although the plan keeps them: {sorted(extra)}")
    for g in resolve_groups(plan):
        members = [before[pa.asset.id] for pa in g.assets]
        for kid in g.keep:
            k = alive(immich, kid)
            if k is None or k.is_trashed:
                problems.append(f"keeper {kid} of {g.duplicate_id} is gone")
                continue
            if k.duplicate_id is not None:
                problems.append(f"keeper {kid} is still in group {g.duplicate_id}")
            problems += _merge_problems(immich, k, members)
    found = committed(backup)
    verified = verified_on_disk(immich, backup, found)
    for aid in sorted(must_back_up(plan) - verified):
        problems.append(f"no verified backup of {aid}")
    return problems


def _merge_problems(immich: FakeImmich, keeper: Any, members: list[Member]) -> list[str]:
    problems = []
    kid = keeper.id
    exif = keeper.exif or {}
    if any(m.favourite for m in members) and not keeper.is_favorite:
        problems.append(f"keeper {kid} lost the favourite flag of a deleted copy")
    ratings = [m.rating for m in members if m.rating and m.rating > 0]
    if ratings and (exif.get("rating") or 0) < max(ratings):
        problems.append(f"keeper {kid} has rating {exif.get('rating')}, a copy had {max(ratings)}")
    lines = {ln.strip() for m in members for ln in (m.description or "").splitlines() if ln.strip()}
    have = {ln.strip() for ln in (exif.get("description") or "").splitlines()}
    if lines - have:
        problems.append(f"keeper {kid} lacks description lines {sorted(lines - have)}")
    albums = frozenset().union(*(m.albums for m in members))
    now = {al.id for al in immich.state.albums_of_asset(kid)}
    if albums - now:
        problems.append(f"keeper {kid} is missing from albums {sorted(albums - now)}")
    tags = frozenset().union(*(m.tags for m in members))
    if tags - set(immich.state.tag_values(kid)):
        problems.append(f"keeper {kid} lacks tags {sorted(tags - set(immich.state.tag_values(kid)))}")
    if any(m.visibility == "archive" for m in members) and keeper.visibility != "archive":
        problems.append(f"keeper {kid} is not archived although a copy was")
    return problems


# --------------------------------------------------------------------------- journal


def journal_events(backup: Path) -> list[dict[str, Any]]:
    path = backup / "journal.jsonl"
    if not path.exists():
        return []
    events = []
    for line in path.read_bytes().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            break  # a torn tail
    return events


def journal_order_problems(backup: Path, plan: Plan) -> list[str]:
    """Every asset named in an ``intent`` (and its motion part) has a ``backup`` event before it."""
    motion = motion_parts(plan)
    backed: set[str] = set()
    problems = []
    for event in journal_events(backup):
        if event.get("type") == "backup":
            backed.add(event["asset_id"])
        elif event.get("type") == "intent":
            for entry in event.get("groups") or ():
                for aid in entry.get("trash") or ():
                    needed = {aid, motion[aid]} if aid in motion else {aid}
                    if not needed <= backed:
                        problems.append(
                            f"intent {event['batch']} names {sorted(needed - backed)} before their backup"
                        )
            for aid in event.get("ids") or ():
                if aid not in backed and event.get("op") == "delete":
                    problems.append(f"intent {event['batch']} deletes {aid} before its backup")
    return problems


def no_internal_error(text: str) -> bool:
    """No internal error of ours in the output. (Tracebacks the in-process double prints about
    connections a client dropped are not ours: they name no immich_dedupe frame.)"""
    return "internal error (a bug)" not in text and "/immich_dedupe/" not in text


# --------------------------------------------------------------------------- files


def files_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


def leaked_in(paths: Iterable[Path], texts: Iterable[str], secret: str) -> list[str]:
    """Where ``secret`` (or its JSON-escaped or URL-encoded form) shows up."""
    forms = {secret, json.dumps(secret)[1:-1]}
    hits = []
    for path in paths:
        data = path.read_bytes()
        hits += [str(path) for form in forms if form.encode() in data]
    for i, text in enumerate(texts):
        hits += [f"output #{i}" for form in forms if form in text]
    return hits
