"""Plans for the show/report tests, built from real facts and scores (no planner, no plan file).

Assets come from ``tests.factories`` and are scored by ``scoring`` under the built-in policy,
so fact names, display values and breakdowns are the ones users see. Keeper, Immich's pick,
action and reasons are chosen by each test, as the planner would.
"""

from __future__ import annotations

from collections.abc import Sequence

from immich_dedupe.facts import AssetFacts
from immich_dedupe.plan import GroupPlan, Plan, PlannedAsset, PlanServer, Summary
from immich_dedupe.planfile import group_fingerprint
from immich_dedupe.policy import load_policy
from immich_dedupe.scoring import fact_values, score_asset
from tests import factories as f

_POLICY = load_policy(None)


def planned(asset: AssetFacts) -> PlannedAsset:
    score, breakdown = score_asset(asset, _POLICY)
    return PlannedAsset(asset=asset, score=score, breakdown=breakdown, facts=fact_values(asset))


def group(
    assets: Sequence[AssetFacts],
    *,
    keep: int = 0,
    immich_keep: int | None = None,
    action: str = "resolve",
    lost: Sequence[str] = (),
    reasons: Sequence[str] = ("keeps the copy with the most metadata",),
    duplicate_id: str | None = None,
) -> GroupPlan:
    members = f.group(*assets, duplicate_id=duplicate_id).assets
    scored = tuple(planned(a) for a in members)
    immich = keep if immich_keep is None else immich_keep
    return GroupPlan(
        duplicate_id=members[0].duplicate_id or "",
        action=action,
        keep=(scored[keep].id,),
        delete=tuple(a.id for i, a in enumerate(scored) if i != keep),
        immich_keep=(scored[immich].id,),
        differs_from_immich=immich != keep,
        reasons=tuple(reasons),
        lost_if_resolved=tuple(lost),
        assets=scored,
        fingerprint=group_fingerprint(scored),
    )


def plan(groups: Sequence[GroupPlan]) -> Plan:
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
        groups=tuple(sorted(groups, key=lambda g: g.duplicate_id)),
    )


PLAIN_ID = f.new_id(0xA001)
DIFFERS_ID = f.new_id(0xB002)
REVIEW_ID = f.new_id(0xC003)


def sample_groups() -> list[GroupPlan]:
    """Three kinds of group a person meets: plain resolve, differs from Immich, needs review."""
    plain = group(
        [f.photo("IMG_0001.HEIC"), f.bare("IMG_0001.jpg", file_size=900_000)],
        duplicate_id=PLAIN_ID,
        reasons=("keeps IMG_0001.HEIC: most metadata; Immich would keep it too",),
    )
    differs = group(
        [f.bare("IMG_0002.jpg", file_size=3 * f.MiB), f.photo("IMG_0002.HEIC", albums=("a1", "a2"))],
        keep=1,
        immich_keep=0,
        duplicate_id=DIFFERS_ID,
        reasons=("Immich keeps the larger IMG_0002.jpg, which has no GPS, capture date or camera",),
    )
    review = group(
        [
            f.photo("IMG_0003.HEIC"),
            f.bare("IMG_0003.jpg", description="Grandma's 90th birthday", rating=5),
        ],
        action="review",
        lost=("description", "rating"),
        duplicate_id=REVIEW_ID,
        reasons=("IMG_0003.jpg has a description and a rating the keeper lacks",),
    )
    return [plain, differs, review]


def big_plan(n: int) -> Plan:
    """``n`` groups of 2–4 assets: every 5th differs from Immich, every 5th (offset 2) is review."""
    groups = []
    for i in range(n):
        kind = i % 5
        members = [f.photo(f"IMG_{i:05d}.HEIC")]
        for k in range(1, 2 + i % 3):
            extra = {"description": "a caption"} if kind == 2 and k == 1 else {}
            members.append(f.bare(f"IMG_{i:05d}_{k}.jpg", **extra))
        groups.append(
            group(
                members,
                immich_keep=1 if kind == 1 else 0,
                action="review" if kind == 2 else "resolve",
                lost=("description",) if kind == 2 else (),
                duplicate_id=f.new_id(0x100000 + i),
            )
        )
    return plan(groups)
