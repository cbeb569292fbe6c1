"""Properties of the planner over generated groups: what must hold for *any* duplicate group.

The central one is the safety rule: a ``resolve`` group never deletes an asset holding a
fact the keeper lacks that nothing carries over. The oracle below restates that rule
independently of the planner's own code (it only borrows ``scoring``'s definition of when
a fact is present).
"""

from __future__ import annotations

import math

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe import planfile
from immich_dedupe.facts import AssetFacts, Group
from immich_dedupe.planner import build_plan, capture_conflict, haversine_km, plan_group
from immich_dedupe.policy import CARRIED_FACTS, Policy, load_policy
from immich_dedupe.scoring import FACTS, fact_values, gps_position, pixel_count, score_asset
from tests.factories import FACT_FIELDS, checksum_of, new_id

DEFAULT = load_policy(None)
POLICIES = [
    DEFAULT,
    attrs.evolve(DEFAULT, on_loss="keep_both"),
    attrs.evolve(DEFAULT, carry_immich_facts=False),
    attrs.evolve(DEFAULT, on_loss="keep_both", carry_immich_facts=False, pixel_tolerance=0.0),
    # Camera facts above location: the keeper is often not the GPS holder.
    attrs.evolve(DEFAULT, weights={**DEFAULT.weights, "gps": 1.0, "lens": 500.0, "camera_model": 300.0}),
    attrs.evolve(DEFAULT, on_conflict="stack"),
    attrs.evolve(DEFAULT, on_conflict="stack", carry_immich_facts=False, pixel_tolerance=0.0),
]
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAFETY = settings(PROPS, max_examples=300)  # the safety rule gets the most examples
WHOLE_PLANS = settings(PROPS, max_examples=50)  # many groups per example, and JSON + schema work


def maybe(*values: object) -> st.SearchStrategy[object]:
    return st.sampled_from((None, *values))


@st.composite
def assets(draw: st.DrawFn, asset_id: str, kind: str) -> AssetFacts:
    pos = draw(maybe((48.8584, 2.2945), (48.8590, 2.2950), (52.52, 13.405), (0.0, 0.0)))
    dims = draw(maybe((4032, 3024), (4000, 3000), (8064, 6048), (1920, 1080), (0, 0)))
    exif_dims = draw(maybe((4032, 3024), (8064, 6048)))
    name = draw(st.sampled_from(("IMG_1.HEIC", "IMG_1.jpg", "IMG_1.DNG", "IMG_1.png", "IMG_1 (1).jpg", "")))
    return AssetFacts(
        id=asset_id,
        type=kind,
        original_file_name=name,
        original_mime_type=draw(maybe("image/jpeg", "image/heic")),
        checksum=checksum_of(asset_id),
        is_trashed=draw(st.sampled_from((False,) * 30 + (True,))),
        is_offline=draw(st.sampled_from((False,) * 30 + (True,))),
        is_favorite=draw(st.booleans()),
        visibility=draw(st.sampled_from(("timeline",) * 8 + ("archive",) * 3 + ("hidden",))),
        width=dims[0] if dims else None,
        height=dims[1] if dims else None,
        live_photo_video_id=draw(maybe("motion-1", "motion-2")),
        file_created_at=draw(maybe("2020-01-01T00:00:00Z", "2024-05-05T12:00:00.000Z", "bad")),
        has_exif=draw(st.booleans()),
        exif_truthy_count=draw(st.integers(0, 25)),
        file_size=draw(maybe(0, 1_000_000, 1_258_291, 2_621_440)),
        exif_width=exif_dims[0] if exif_dims else None,
        exif_height=exif_dims[1] if exif_dims else None,
        date_time_original=draw(
            maybe(
                "2023-06-01T08:00:00.000Z",
                "2023-06-01T08:00:01.000Z",
                "2023-06-01T10:00:00.000Z",
                "2023-06-01T10:00:00+02:00",
                "2023-06-01T11:07:00Z",
                "2023-06-03T08:00:00Z",
                "2023:06:01 08:00:00",
                "2023-06-01",
                "garbage",
                "",
            )
        ),
        time_zone=draw(maybe("Europe/Paris", "UTC+2", "")),
        latitude=pos[0] if pos else draw(maybe(12.5)),  # sometimes half a position
        longitude=pos[1] if pos else None,
        city=draw(maybe("Paris", "")),
        state=draw(maybe("Île-de-France")),
        country=draw(maybe("France")),
        make=draw(maybe("Apple", "Canon", "")),
        model=draw(maybe("iPhone 13", "EOS 5D")),
        lens_model=draw(maybe("EF 50mm f/1.8", "  ")),
        f_number=draw(maybe(0.0, 1.8, 2.8)),
        exposure_time=draw(maybe("1/100", "0")),
        iso=draw(maybe(0, 100, 800)),
        focal_length=draw(maybe(0.0, 50.0)),
        description=draw(maybe("Beach", "Beach\nSunset", "Uncle Joe", "")),
        rating=draw(maybe(-1, 0, 3, 5)),
        tags=draw(st.sampled_from(((), ("family",), ("family", "trip")))),
        people=draw(st.sampled_from(((), ("p1",), ("p1", "p2")))),
        albums=draw(st.sampled_from((None, (), ("a1",), ("a1", "a2")))),
    )


@st.composite
def groups(draw: st.DrawFn, min_size: int = 1, max_size: int = 6) -> Group:
    base = draw(st.integers(1, 10**9))
    n = draw(st.integers(min_size, max_size))
    kind = draw(st.sampled_from(("IMAGE",) * 6 + ("VIDEO", "mixed")))
    members = []
    for i in range(n):
        k = kind if kind != "mixed" else draw(st.sampled_from(("IMAGE", "VIDEO")))
        members.append(draw(assets(new_id(base * 10 + i), k)))
    dup = new_id(base)
    members = [attrs.evolve(m, duplicate_id=dup) for m in members]
    suggested = draw(
        st.one_of(
            st.none(),
            st.just(()),
            st.sampled_from([(m.id,) for m in members]),
            st.just(("00000000-dead-4000-8000-000000000000",)),
        )
    )
    return Group(duplicate_id=dup, assets=tuple(members), suggested_keep_ids=suggested)


def lost_by_deleting(fact: str, keeper: AssetFacts, gone: AssetFacts, policy: Policy) -> bool:
    """The oracle: would deleting ``gone`` lose ``fact``, given that ``keeper`` stays?"""
    if fact in CARRIED_FACTS and policy.carry_immich_facts:
        return False
    k, g = fact_values(keeper), fact_values(gone)
    if g[fact] is None:
        return False
    if fact == "pixels":
        kp, gp = pixel_count(keeper), pixel_count(gone)
        assert gp is not None
        return kp is None or gp > kp * (1 + policy.pixel_tolerance)
    if fact == "people":
        return not set(gone.people) <= set(keeper.people)
    if fact == "albums":
        return not set(gone.albums or ()) <= set(keeper.albums or ())
    if fact == "tags":
        return not set(gone.tags) <= set(keeper.tags)
    if fact == "description":
        lines = {x.strip() for x in (gone.description or "").splitlines() if x.strip()}
        return not lines <= {x.strip() for x in (keeper.description or "").splitlines()}
    if fact == "rating":
        return (gone.rating or 0) > (keeper.rating or 0)
    return k[fact] is None


def has_camera_data(a: AssetFacts) -> bool:
    """Without any, Immich dated the file by its file system times: its date is not compared."""
    exposure = (a.f_number, a.exposure_time, a.iso, a.focal_length)
    return any((a.make, a.model, a.lens_model, a.time_zone, *exposure))


def conflicting(keeper: AssetFacts, gone: AssetFacts, policy: Policy) -> bool:
    a, b = gps_position(keeper), gps_position(gone)
    if a and b and haversine_km(a, b) > policy.gps_conflict_km:
        return True
    if not (has_camera_data(keeper) and has_camera_data(gone)):
        return False
    return capture_conflict(keeper, gone, policy.time_tolerance_seconds) is not None


@SAFETY
@given(groups(), st.sampled_from(POLICIES))
def test_no_resolve_deletes_an_asset_holding_a_fact_the_keeper_lacks(group: Group, policy: Policy) -> None:
    plan = plan_group(group, policy)
    if plan.action != "resolve":
        return
    by_id = {a.id: a for a in group.assets}
    keeper = by_id[plan.keep[0]]
    for gone_id in plan.delete:
        gone = by_id[gone_id]
        lost = [f for f in FACTS if lost_by_deleting(f, keeper, gone, policy)]
        assert not lost, f"resolve deletes {gone.original_file_name!r}, losing {lost}"
        assert not conflicting(keeper, gone, policy)


@PROPS
@given(groups(), st.sampled_from(POLICIES))
def test_keep_and_delete_partition_the_members(group: Group, policy: Policy) -> None:
    plan = plan_group(group, policy)
    members = {a.id for a in group.assets}
    assert set(plan.keep) | set(plan.delete) == members
    assert not set(plan.keep) & set(plan.delete)
    assert len(plan.keep) == len(set(plan.keep))
    assert len(plan.delete) == len(set(plan.delete))
    if plan.action in ("resolve", "review", "stack"):
        assert plan.keep, "a resolve, review or stack always names a keeper"
        assert plan.keep[0] in members
    if plan.action in ("skip", "stack"):
        assert plan.delete == ()
    assert plan.action in ("resolve", "review", "skip", "stack")  # dismiss is a person's call
    assert plan.reasons
    assert [a.id for a in plan.assets] == list(dict.fromkeys(a.id for a in group.assets))
    if plan.action == "stack":
        assert plan.differs_from_immich == (plan.keep[0] not in plan.immich_keep)
    else:
        assert plan.differs_from_immich == (plan.action != "skip" and set(plan.keep) != set(plan.immich_keep))


@PROPS
@given(groups(min_size=2), st.sampled_from(POLICIES))
def test_groups_that_lose_nothing_are_resolved_and_the_rest_explained(group: Group, policy: Policy) -> None:
    plan = plan_group(group, policy)
    if plan.action == "skip":
        return
    known = set(FACTS)
    for entry in plan.lost_if_resolved:
        assert entry.split(":", 1)[0] in known, entry  # show/report split entries on the first ':'
    if plan.action == "review":
        assert plan.lost_if_resolved, "a review must say what would be lost or what conflicts"
        assert any(r.startswith("Review:") for r in plan.reasons)
        if policy.on_conflict == "stack":  # only a real conflict is left for a person
            assert any(e.endswith("(conflict)") for e in plan.lost_if_resolved)
    if plan.action == "stack":
        assert policy.on_conflict == "stack" and policy.on_loss == "review"
        assert plan.lost_if_resolved and not any(e.endswith("(conflict)") for e in plan.lost_if_resolved)
        assert any(r.startswith("Stack:") for r in plan.reasons)
        assert set(plan.keep) == {a.id for a in plan.assets}
    if not plan.lost_if_resolved:
        assert plan.action == "resolve"
        assert len(plan.keep) == 1


@PROPS
@given(groups(min_size=2), st.sampled_from(POLICIES))
def test_keeper_is_the_best_scored_member(group: Group, policy: Policy) -> None:
    plan = plan_group(group, policy)
    if plan.action == "skip":
        return
    scores = {a.id: a.score for a in plan.assets}
    assert scores[plan.keep[0]] == max(scores.values())
    # Immich's pick wins every tie, so we only differ from Immich with a reason.
    tied = {i for i, s in scores.items() if s == max(scores.values())}
    if set(plan.immich_keep) & tied:
        assert plan.keep[0] in plan.immich_keep


@PROPS
@given(
    st.lists(groups(), min_size=1, max_size=6), st.randoms(use_true_random=False), st.sampled_from(POLICIES)
)
def test_plan_does_not_depend_on_group_order(gs: list[Group], rnd: object, policy: Policy) -> None:
    gs = list({g.duplicate_id: g for g in gs}.values())  # the server never repeats a group
    shuffled = gs[:]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    one = build_plan(gs, policy, source="file", server=None, generated_at="t")
    two = build_plan(shuffled, policy, source="file", server=None, generated_at="t")
    assert one == two
    assert planfile.dumps_plan(one) == planfile.dumps_plan(two)


@pytest.mark.slow
@WHOLE_PLANS
@given(st.lists(groups(), min_size=0, max_size=5), st.sampled_from(POLICIES))
def test_every_plan_is_valid_and_round_trips(gs: list[Group], policy: Policy) -> None:
    gs = list({g.duplicate_id: g for g in gs}.values())
    plan = build_plan(gs, policy, source="file", server=None, generated_at="t")
    planfile.validate_plan(plan)
    data = planfile.dumps_plan(plan)
    assert planfile.dumps_plan(planfile.loads_plan(data)) == data
    s = plan.summary
    assert s.resolve + s.review + s.skip + s.stack + s.dismiss == s.groups == len(plan.groups)
    freed = 0
    for g in plan.groups:
        if g.action == "resolve":
            freed += sum(a.asset.file_size or 0 for a in g.assets if a.id in g.delete)
    assert s.bytes_freed == freed


@PROPS
@given(
    st.integers(1, 10**6).flatmap(lambda n: assets(new_id(n), "IMAGE")),
    st.sampled_from([f for f in FACTS]),
    st.sampled_from(POLICIES),
)
def test_adding_a_fact_never_lowers_a_score(asset: AssetFacts, fact: str, policy: Policy) -> None:
    if fact_values(asset)[fact] is not None:
        return
    fields = dict(FACT_FIELDS[fact])
    if fact == "place":
        fields.update(state=None)
    richer = attrs.evolve(asset, **fields)
    assert fact_values(richer)[fact] is not None
    before, after = score_asset(asset, policy)[0], score_asset(richer, policy)[0]
    assert after >= before
    if policy.weights.get(fact, 0) > 0:
        assert after > before


@PROPS
@given(st.integers(1, 10**6).flatmap(lambda n: assets(new_id(n), "IMAGE")), st.sampled_from(POLICIES))
def test_breakdown_adds_up_to_the_score(asset: AssetFacts, policy: Policy) -> None:
    score, breakdown = score_asset(asset, policy)
    assert math.isclose(score, sum(breakdown.values()), abs_tol=1e-5)
    assert all(v > 0 for v in breakdown.values())


@PROPS
@given(groups(min_size=2))
def test_on_conflict_stack_turns_exactly_the_loss_only_reviews_into_stacks(group: Group) -> None:
    asked = plan_group(group, DEFAULT)
    stacked = plan_group(group, attrs.evolve(DEFAULT, on_conflict="stack"))
    loss_only = asked.action == "review" and not any(e.endswith("(conflict)") for e in asked.lost_if_resolved)
    assert (stacked.action == "stack") == loss_only
    if not loss_only:
        assert (
            stacked.action == asked.action and stacked.keep == asked.keep and stacked.delete == asked.delete
        )
    else:
        assert stacked.keep[0] == asked.keep[0]  # the same keeper goes on top
        assert stacked.lost_if_resolved == asked.lost_if_resolved
