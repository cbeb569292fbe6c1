"""Helpers shared by the execute/restore end-to-end tests: plans from the double, final-state checks."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

from immich_dedupe import cli
from immich_dedupe.connection import ImmichConnection
from immich_dedupe.plan import Plan, PlanServer
from immich_dedupe.planfile import write_plan
from immich_dedupe.planner import build_plan
from immich_dedupe.policy import load_policy
from immich_dedupe.settings import ConnectionSettings
from tests.fake_immich import FakeImmich

GENERATED_AT = "2026-08-01T00:00:00Z"


def make_plan(
    immich: FakeImmich,
    path: Path,
    *,
    resolve_reviews: bool = True,
    server: PlanServer | None | str = "auto",
) -> Plan:
    """Plan every current duplicate group of the double with the real planner and write it.

    ``resolve_reviews`` turns ``review`` groups into ``resolve`` (a user's edit the plan allows),
    so tests control which groups are acted on. ``server=None`` makes a ``--from-file``-like plan.
    """
    settings = ConnectionSettings.from_sources(url=immich.url, api_key=immich.api_key)
    with ImmichConnection(settings) as conn:
        info = conn.preflight()
        groups = list(conn.iter_duplicate_groups())
    if server == "auto":
        server = PlanServer(url=info.url, version=str(info.version))
    plan = build_plan(
        groups,
        load_policy(None),
        source="server" if server is not None else "file",
        server=server,  # type: ignore[arg-type]
        generated_at=GENERATED_AT,
    )
    if resolve_reviews:
        plan = attrs.evolve(
            plan,
            groups=tuple(
                attrs.evolve(g, action="resolve") if g.action == "review" else g for g in plan.groups
            ),
        )
    write_plan(plan, path)
    return plan


def resolve_groups(plan: Plan) -> list[Any]:
    return [g for g in plan.groups if g.action == "resolve"]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def execute_argv(plan_path: Path, backup_dir: Path, *extra: str) -> list[str]:
    return ["execute", str(plan_path), "--backup-dir", str(backup_dir), "--yes", *extra]


def sidecars(backup_dir: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Asset id → (data file, sidecar JSON) for every committed backup under ``backup_dir``."""
    found = {}
    for sidecar in (backup_dir / "originals").rglob("*.json"):
        doc = json.loads(sidecar.read_text(encoding="utf-8"))
        data = sidecar.with_name(sidecar.name[: -len(".json")])
        found[doc["asset_id"]] = (data, doc)
    return found


def sha1_b64_of(path: Path) -> str:
    return base64.b64encode(hashlib.sha1(path.read_bytes()).digest()).decode("ascii")


def assert_backed_up(
    immich: FakeImmich,
    backup_dir: Path,
    asset_ids: Iterable[str],
    backups: dict[str, tuple[Path, dict[str, Any]]] | None = None,
) -> None:
    """Each asset has a backup inside ``backup_dir`` whose bytes hash to the original's SHA-1."""
    backups = sidecars(backup_dir) if backups is None else backups
    root = backup_dir.resolve()
    for aid in asset_ids:
        assert aid in backups, f"no backup of {aid}"
        data, doc = backups[aid]
        assert data.resolve().is_relative_to(root)
        asset = immich.state.purged.get(aid) or immich.state.asset(aid)
        assert sha1_b64_of(data) == asset.content.sha1_b64, f"backup of {aid} has other bytes"
        assert doc["asset"]["id"] == aid  # the sidecar holds Immich's own metadata


def assert_plan_completed(
    immich: FakeImmich, plan: Plan, backup_dir: Path, *, permanent: bool = False
) -> None:
    """Every resolve group: deleted members trashed (or purged) and backed up, keepers untouched
    and out of their group."""
    state = immich.state
    backups = sidecars(backup_dir)
    for g in resolve_groups(plan):
        for aid in g.delete:
            if permanent:
                assert aid in state.purged_ids(), f"{aid} was not deleted permanently"
            else:
                assert state.asset(aid).is_trashed, f"{aid} was not trashed"
        assert_backed_up(immich, backup_dir, g.delete, backups)
        for kid in g.keep:
            keeper = state.asset(kid)
            assert not keeper.is_trashed
            assert keeper.duplicate_id is None


def assert_untouched(immich: FakeImmich, group: Any) -> None:
    for a in group.assets:
        asset = immich.state.asset(a.id)
        assert not asset.is_trashed
        assert asset.duplicate_id == group.duplicate_id


def files_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]
