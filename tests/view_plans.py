"""Plans built directly from records, for the show/report tests (no planner, no plan file).

The shapes follow ``plan.py``: facts map a name to a display value or None, the breakdown's
points add up to the score, and ``lost_if_resolved`` names facts the keeper lacks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from immich_dedupe.facts import AssetFacts
from immich_dedupe.plan import GroupPlan, Plan, PlannedAsset, PlanServer, Summary

FACT_NAMES = (
    "date_time_original",
    "time_zone",
    "gps",
    "city",
    "camera",
    "lens",
    "resolution",
    "file_size",
    "description",
    "rating",
    "favorite",
    "albums",
    "tags",
)


def asset(
    name: str,
    facts: Mapping[str, str | None],
    *,
    asset_id: str | None = None,
    points: Mapping[str, float] | None = None,
    file_size: int = 1_000_000,
) -> PlannedAsset:
    full = {f: facts.get(f) for f in FACT_NAMES}
    breakdown = dict(points) if points is not None else {f: 1.0 for f, v in full.items() if v is not None}
    return PlannedAsset(
        asset=AssetFacts(
            id=asset_id or str(uuid.uuid4()),
            original_file_name=name,
            file_size=file_size,
        ),
        score=sum(breakdown.values()),
        breakdown=breakdown,
        facts=full,
    )


def group(
    assets: Sequence[PlannedAsset],
    *,
    keep: int = 0,
    immich_keep: int | None = None,
    action: str = "resolve",
    lost: Sequence[str] = (),
    reasons: Sequence[str] = ("keeps the asset with the most metadata",),
    duplicate_id: str | None = None,
) -> GroupPlan:
    immich = keep if immich_keep is None else immich_keep
    return GroupPlan(
        duplicate_id=duplicate_id or str(uuid.uuid4()),
        action=action,
        keep=(assets[keep].id,),
        delete=tuple(a.id for i, a in enumerate(assets) if i != keep),
        immich_keep=(assets[immich].id,),
        differs_from_immich=immich != keep,
        reasons=tuple(reasons),
        lost_if_resolved=tuple(lost),
        assets=tuple(assets),
        fingerprint="0" * 64,
    )


def plan(groups: Sequence[GroupPlan]) -> Plan:
    ordered = tuple(sorted(groups, key=lambda g: g.duplicate_id))
    return Plan(
        schema_version=1,
        generated_at="2024-05-01T12:00:00Z",
        tool_version="0.1.0",
        source="server",
        server=PlanServer(url="http://127.0.0.1:2283/api", version="2.7.5"),
        policy={"name": "default"},
        summary=Summary(
            groups=len(groups),
            assets=sum(len(g.assets) for g in groups),
            resolve=sum(g.action == "resolve" for g in groups),
            review=sum(g.action == "review" for g in groups),
            skip=sum(g.action == "skip" for g in groups),
            differs_from_immich=sum(g.differs_from_immich for g in groups),
            bytes_freed=sum(
                g.asset(i).asset.file_size or 0 for g in groups if g.action == "resolve" for i in g.delete
            ),
        ),
        groups=ordered,
    )


RICH = {
    "date_time_original": "2019-07-14 12:03:11",
    "time_zone": "Europe/Berlin",
    "gps": "52.5200, 13.4050",
    "city": "Berlin",
    "camera": "Apple iPhone 8",
    "lens": "iPhone 8 back camera 3.99mm f/1.8",
    "resolution": "4032×3024",
    "file_size": "2.1 MiB",
    "albums": "2 albums",
    "tags": "Family/Holiday",
}
POOR = {"resolution": "4032×3024", "file_size": "1.9 MiB"}


def sample_groups() -> list[GroupPlan]:
    """Three kinds of group a person meets: plain resolve, differs from Immich, needs review."""
    plain = group(
        [asset("IMG_0001.jpg", RICH), asset("IMG_0001 (1).jpg", POOR)],
        duplicate_id="aaaa1111-0000-4000-8000-000000000001",
        reasons=("keeps IMG_0001.jpg: it has the most metadata; Immich would keep the same",),
    )
    differs = group(
        [asset("IMG_0002.jpg", POOR, file_size=3_000_000), asset("IMG_0002-edited.jpg", RICH)],
        keep=1,
        immich_keep=0,
        duplicate_id="bbbb2222-0000-4000-8000-000000000002",
        reasons=("Immich keeps the larger file IMG_0002.jpg, which has no GPS, date or camera",),
    )
    review = group(
        [
            asset("IMG_0003.jpg", RICH),
            asset("IMG_0003.HEIC", {**POOR, "description": "Grandma's 90th birthday", "rating": "5"}),
        ],
        action="review",
        lost=("description", "rating"),
        duplicate_id="cccc3333-0000-4000-8000-000000000003",
        reasons=("IMG_0003.HEIC has a description and a rating the keeper lacks",),
    )
    return [plain, differs, review]


def big_plan(n: int) -> Plan:
    """``n`` groups of 2–4 assets, mixing resolve, differs and review."""
    groups = []
    for i in range(n):
        size = 2 + i % 3
        members = [
            asset(f"IMG_{i:05d}_{k}.jpg", RICH if k == 0 else POOR, asset_id=str(uuid.UUID(int=i * 8 + k)))
            for k in range(size)
        ]
        kind = i % 5
        groups.append(
            group(
                members,
                keep=0,
                immich_keep=1 if kind == 1 else 0,
                action="review" if kind == 2 else "resolve",
                lost=("description",) if kind == 2 else (),
                duplicate_id=str(uuid.UUID(int=(i + 1) << 64)),
            )
        )
    return plan(groups)
