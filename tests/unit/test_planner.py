"""The planner: which copy is kept, when a group must be reviewed, and what the plan says about it."""

from __future__ import annotations

import datetime as dt
import random

import attrs
import pytest

from immich_dedupe import planfile
from immich_dedupe.facts import AssetFacts, Group
from immich_dedupe.plan import GroupPlan, PlanServer
from immich_dedupe.planner import (
    build_plan,
    capture_conflict,
    file_dated,
    group_fingerprint,
    haversine_km,
    immich_keep,
    parse_capture_time,
    plan_group,
    stack_primary,
)
from immich_dedupe.policy import load_policy
from tests.factories import FACT_FIELDS, MiB, bare, group, photo, video

POLICY = load_policy(None)
KEEP_BOTH = attrs.evolve(POLICY, on_loss="keep_both")
STACK = attrs.evolve(POLICY, on_conflict="stack")
NO_CARRY = attrs.evolve(POLICY, carry_immich_facts=False)


def lost_facts(plan: GroupPlan) -> set[str]:
    return {entry.split(":", 1)[0] for entry in plan.lost_if_resolved}


def text(plan: GroupPlan) -> str:
    return "\n".join(plan.reasons)


# --------------------------------------------------------------------------- the seed's case


def test_seed_case_small_photo_with_gps_beats_larger_copy_without_location() -> None:
    small = photo("IMG_1234.HEIC", file_size=int(1.2 * MiB))
    # A browser export: same picture and camera EXIF, but location and time zone stripped.
    no_location = {"latitude": None, "longitude": None, "city": None, "state": None, "country": None}
    large = photo("IMG_1234.jpg", file_size=int(2.5 * MiB), time_zone=None, **no_location)
    g = group(small, large, suggested=large)  # what a 2.7+ server suggests: the larger file

    plan = plan_group(g, POLICY)

    assert plan.action == "resolve"
    assert plan.keep == (small.id,)
    assert plan.delete == (large.id,)
    assert plan.immich_keep == (large.id,)
    assert plan.differs_from_immich is True
    assert plan.lost_if_resolved == ()
    assert plan.reasons[0] == "Keeps IMG_1234.HEIC: it has GPS, time zone and place that IMG_1234.jpg lacks"
    assert any(r == "Immich suggests keeping IMG_1234.jpg (largest file, 2.5 MiB)" for r in plan.reasons)


def test_seed_case_against_a_copy_stripped_of_everything() -> None:
    small = photo("IMG_1234.HEIC", file_size=int(1.2 * MiB))
    large = bare("IMG_1234.jpg", file_size=int(2.5 * MiB))
    plan = plan_group(group(small, large, suggested=large), POLICY)
    assert (plan.action, plan.keep, plan.differs_from_immich) == ("resolve", (small.id,), True)
    assert plan.reasons[0].startswith("Keeps IMG_1234.HEIC: it has GPS, capture date, time zone")


def test_seed_case_on_a_pre_2_7_server_applies_immichs_rule_itself() -> None:
    small = photo("IMG_1234.HEIC", file_size=int(1.2 * MiB))
    large = bare("IMG_1234.jpg", file_size=int(2.5 * MiB))
    plan = plan_group(group(small, large, suggested=None), POLICY)
    assert plan.immich_keep == (large.id,)
    assert plan.differs_from_immich is True
    assert "Immich's rule would keep IMG_1234.jpg (largest file, 2.5 MiB)" in plan.reasons


# --------------------------------------------------------------------------- Immich's rule


def test_immich_keep_uses_the_servers_suggestion() -> None:
    a, b = bare("a.jpg", file_size=MiB), bare("b.jpg", file_size=2 * MiB)
    assert immich_keep(group(a, b, suggested=a)) == (a.id,)


def test_immich_rule_largest_file_wins_and_null_size_counts_as_zero() -> None:
    a = bare("a.jpg", file_size=None)
    b = bare("b.jpg", file_size=1)
    c = bare("c.jpg", file_size=None)
    assert immich_keep(group(a, b, c)) == (b.id,)


def test_immich_rule_size_tie_goes_to_more_truthy_exif_values() -> None:
    rich = bare("rich.jpg", file_size=MiB, exif_truthy_count=20)
    poor = bare("poor.jpg", file_size=MiB, exif_truthy_count=3)
    assert immich_keep(group(rich, poor)) == (rich.id,)
    assert immich_keep(group(poor, rich)) == (rich.id,)


def test_immich_rule_full_tie_goes_to_the_last_in_server_order() -> None:
    a, b, c = (bare(n, file_size=MiB, exif_truthy_count=5) for n in ("a.jpg", "b.jpg", "c.jpg"))
    assert immich_keep(group(a, b, c)) == (c.id,)
    assert immich_keep(group(c, a, b)) == (b.id,)


def test_immich_rule_size_beats_exif_count() -> None:
    big_poor = bare("big.jpg", file_size=2 * MiB, exif_truthy_count=1)
    small_rich = photo("small.heic", file_size=MiB)
    assert immich_keep(group(big_poor, small_rich)) == (big_poor.id,)


def test_stale_or_empty_suggestion_falls_back_to_the_rule() -> None:
    a, b = bare("a.jpg", file_size=MiB), bare("b.jpg", file_size=2 * MiB)
    assert immich_keep(group(a, b, suggested=("not-a-member",))) == (b.id,)
    assert immich_keep(group(a, b, suggested=())) == (b.id,)


# --------------------------------------------------------------------------- keeper choice


def test_identical_copies_keep_immichs_pick_and_do_not_differ() -> None:
    a = photo("IMG_1.HEIC", id="00000000-0000-4000-8000-00000000000a")
    b = attrs.evolve(a, id="00000000-0000-4000-8000-00000000000b", original_file_name="IMG_1 (1).HEIC")
    for suggested in (a, b):
        plan = plan_group(group(a, b, suggested=suggested), POLICY)
        assert plan.keep == (suggested.id,)
        assert plan.differs_from_immich is False
        assert plan.action == "resolve"
        assert plan.reasons[0].endswith("Immich's pick too")


def test_same_facts_prefers_heic_over_a_jpeg_re_encode() -> None:
    heic = photo("IMG_1.HEIC", file_size=MiB)
    jpeg = photo("IMG_1.jpg", file_size=3 * MiB)  # larger: Immich keeps it
    plan = plan_group(group(heic, jpeg), POLICY)
    assert plan.immich_keep == (jpeg.id,)
    assert plan.keep == (heic.id,)
    assert "camera-original format (HEIC over JPEG)" in plan.reasons[0]


def test_same_facts_and_format_prefers_more_pixels() -> None:
    big = photo("a.jpg", width=4000, height=3000, file_size=MiB)
    small = photo("b.jpg", width=2000, height=1500, file_size=MiB)
    plan = plan_group(group(big, small), POLICY)  # full tie for Immich: the last one, b.jpg
    assert plan.immich_keep == (small.id,)
    assert plan.keep == (big.id,)
    assert "same facts as b.jpg, but more pixels (4000x3000 vs 2000x1500)" in plan.reasons[0]
    assert plan.action == "resolve"


def test_same_facts_and_format_prefers_the_larger_file() -> None:
    a = photo("a.jpg", file_size=MiB)
    b = photo("b.jpg", file_size=2 * MiB)
    plan = plan_group(group(b, a), POLICY)
    assert plan.keep == (b.id,)
    assert plan.differs_from_immich is False  # Immich keeps the larger file too


def test_full_tie_without_immichs_pick_in_it_keeps_the_oldest_file() -> None:
    # Immich picks the largest file, which lacks GPS; the two tied best copies differ only in age.
    newer = photo("new.jpg", file_size=MiB, file_created_at="2024-01-01T00:00:00Z")
    older = photo("old.jpg", file_size=MiB, file_created_at="2020-01-01T00:00:00Z")
    largest = photo("big.jpg", file_size=5 * MiB, latitude=None, longitude=None)
    plan = plan_group(group(newer, largest, older), POLICY)
    assert plan.immich_keep == (largest.id,)
    assert plan.keep == (older.id,)


def test_keeper_choice_is_deterministic_down_to_the_id() -> None:
    a = photo("x.jpg", id="00000000-0000-4000-8000-000000000002", file_created_at=None, local_date_time=None)
    b = attrs.evolve(a, id="00000000-0000-4000-8000-000000000001")
    c = largest = bare("big.jpg", file_size=9 * MiB)
    assert largest is c
    assert plan_group(group(a, b, c), POLICY).keep == (b.id,)
    assert plan_group(group(b, c, a), POLICY).keep == (b.id,)


# --------------------------------------------------------------------------- the no-loss rule

NOT_CARRIED = [
    "gps",
    "place",
    "time_zone",
    "capture_date",
    "camera_make",
    "camera_model",
    "lens",
    "f_number",
    "exposure_time",
    "iso",
    "focal_length",
    "people",
    "live_photo",
]
CARRIED = ["description", "rating", "favorite", "visibility", "albums", "tags"]


def keeper_without(fact: str, **extra: object) -> AssetFacts:
    """A rich photo lacking ``fact`` (and enough other facts to stay the keeper)."""
    fields: dict[str, object] = {k: None for k in FACT_FIELDS[fact]}
    if fact == "place":
        fields["state"] = None
    if fact == "people":
        fields["people"] = ()
    if fact in ("albums",):
        fields["albums"] = ()
    if fact == "tags":
        fields["tags"] = ()
    if fact == "visibility":
        fields["visibility"] = "timeline"
    if fact == "favorite":
        fields["is_favorite"] = False
    fields.update(extra)
    return photo("keeper.HEIC", **fields)


@pytest.mark.parametrize("fact", NOT_CARRIED)
def test_a_fact_only_a_deleted_copy_has_sends_the_group_to_review(fact: str) -> None:
    keeper = keeper_without(fact)
    other = bare("copy.jpg", file_size=5 * MiB, **FACT_FIELDS[fact])
    plan = plan_group(group(keeper, other), POLICY)
    assert plan.keep == (keeper.id,)
    assert plan.action == "review"
    assert fact in lost_facts(plan)
    assert any(r.startswith("Review: deleting copy.jpg would lose") for r in plan.reasons), plan.reasons


def test_review_sentence_names_the_fact_and_its_value() -> None:
    keeper = keeper_without("lens")
    other = bare("IMG_9.jpg", lens_model="EF 50mm f/1.8")
    plan = plan_group(group(keeper, other), POLICY)
    assert "Review: deleting IMG_9.jpg would lose lens (EF 50mm f/1.8)" in plan.reasons
    assert plan.lost_if_resolved == ("lens: EF 50mm f/1.8 (only on IMG_9.jpg)",)


@pytest.mark.parametrize("fact", CARRIED)
def test_carried_facts_on_a_deleted_copy_do_not_block_resolve(fact: str) -> None:
    keeper = keeper_without(fact)
    other = bare("IMG_9.jpg", **FACT_FIELDS[fact])
    plan = plan_group(group(keeper, other), POLICY)
    assert plan.action == "resolve"
    assert plan.lost_if_resolved == ()
    assert any("carried over from IMG_9.jpg" in r for r in plan.reasons), plan.reasons


def test_carried_sentence_reads_naturally() -> None:
    keeper = keeper_without("favorite")
    other = bare("IMG_9.jpg", is_favorite=True, albums=("a1", "a2"))
    plan = plan_group(group(keeper, other), POLICY)
    assert "Favourite and albums carried over from IMG_9.jpg" in plan.reasons


def test_carried_facts_in_a_review_group_are_only_proposed() -> None:
    keeper = keeper_without("lens")
    other = bare("IMG_9.jpg", lens_model="EF 50mm f/1.8", is_favorite=True)
    plan = plan_group(group(keeper, other), POLICY)
    assert plan.action == "review"
    assert "Favourite would be carried over from IMG_9.jpg" in plan.reasons


@pytest.mark.parametrize("fact", CARRIED)
def test_without_carrying_immich_facts_count_as_lost(fact: str) -> None:
    keeper = keeper_without(fact)
    other = bare("IMG_9.jpg", **FACT_FIELDS[fact])
    plan = plan_group(group(keeper, other), NO_CARRY)
    assert plan.action == "review"
    assert fact in lost_facts(plan)


def test_set_valued_facts_are_lost_only_when_the_keeper_lacks_a_member() -> None:
    keeper = photo("k.HEIC", people=("p1", "p2"), albums=("a1",), tags=("t1",))
    covered = bare("c.jpg", people=("p2",), albums=("a1",), tags=("t1",))
    assert plan_group(group(keeper, covered), NO_CARRY).action == "resolve"
    extra_person = bare("c.jpg", people=("p3",))
    plan = plan_group(group(keeper, extra_person), NO_CARRY)
    assert plan.action == "review"
    assert "people: 1 person (only on c.jpg)" in plan.lost_if_resolved


def test_description_and_rating_without_carry_compare_content() -> None:
    keeper = photo("k.HEIC", description="Beach\nSunset", rating=4)
    same_lines = bare("c.jpg", description="Sunset", rating=3)
    assert plan_group(group(keeper, same_lines), NO_CARRY).action == "resolve"
    new_line = bare("c.jpg", description="Uncle Joe")
    assert "description" in lost_facts(plan_group(group(keeper, new_line), NO_CARRY))
    higher = bare("c.jpg", rating=5)
    assert "rating" in lost_facts(plan_group(group(keeper, higher), NO_CARRY))


def test_a_fact_both_have_is_not_lost_even_if_values_differ() -> None:
    keeper = photo("k.HEIC", lens_model="A")
    other = photo("c.jpg", lens_model="B", file_size=1)
    assert plan_group(group(keeper, other), POLICY).action == "resolve"


@pytest.mark.parametrize(("percent", "action"), [(4, "resolve"), (6, "review")])
def test_a_deleted_copy_with_materially_more_pixels_is_a_loss(percent: int, action: str) -> None:
    keeper = photo("k.HEIC", width=1000, height=1000)
    bigger = bare("big.jpg", width=1000, height=1000 * (100 + percent) // 100)
    plan = plan_group(group(keeper, bigger), POLICY)
    assert plan.keep == (keeper.id,)
    assert plan.action == action
    if action == "review":
        assert plan.lost_if_resolved == ("pixels: 1000x1060 vs 1000x1000 (only on big.jpg)",)


def test_pixels_unknown_on_the_keeper_cannot_be_compared_so_it_is_review() -> None:
    keeper = photo("k.HEIC", width=None, height=None, exif_width=None, exif_height=None)
    other = bare("c.jpg")
    plan = plan_group(group(keeper, other), POLICY)
    assert plan.action == "review"
    assert "pixels" in lost_facts(plan)


def test_pixel_tolerance_comes_from_the_policy() -> None:
    keeper = photo("k.HEIC", width=1000, height=1000)
    bigger = bare("big.jpg", width=1000, height=1100)
    assert plan_group(group(keeper, bigger), POLICY).action == "review"
    lenient = attrs.evolve(POLICY, pixel_tolerance=0.25)
    assert plan_group(group(keeper, bigger), lenient).action == "resolve"


def test_only_the_copy_that_loses_something_is_named() -> None:
    keeper = keeper_without("lens")
    harmless = bare("a.jpg")
    holder = bare("b.jpg", lens_model="EF 50mm f/1.8")
    plan = plan_group(group(harmless, keeper, holder), POLICY)
    assert plan.action == "review"
    assert plan.delete == (harmless.id, holder.id)
    assert not any("a.jpg would lose" in r for r in plan.reasons)


# --------------------------------------------------------------------------- live photos


def test_deleting_a_live_photo_still_when_the_keeper_has_no_motion_part_is_review() -> None:
    keeper = photo("IMG_1.jpg", live_photo_video_id=None, file_size=3 * MiB)
    still = photo("IMG_1.HEIC", live_photo_video_id="motion-1", lens_model=None, file_size=MiB)
    plan = plan_group(group(keeper, still), POLICY)
    assert plan.keep == (still.id,)  # the motion part outweighs the lens
    assert plan.action == "review"
    assert "lens" in lost_facts(plan)

    keeper2 = photo("IMG_1.jpg", lens_model="x", people=("p",))
    still2 = bare("IMG_1.HEIC", live_photo_video_id="motion-1")
    plan2 = plan_group(group(keeper2, still2), POLICY)
    assert plan2.keep == (keeper2.id,)
    assert plan2.action == "review"
    assert "live_photo" in lost_facts(plan2)


def test_deleting_one_of_two_live_photos_mentions_its_motion_part() -> None:
    keeper = photo("IMG_1.HEIC", live_photo_video_id="motion-1", file_size=2 * MiB)
    copy = photo("IMG_1 copy.HEIC", live_photo_video_id="motion-2", file_size=MiB)
    plan = plan_group(group(keeper, copy), POLICY)
    assert plan.action == "resolve"
    assert plan.keep == (keeper.id,)
    assert "IMG_1 copy.HEIC is a live photo: its motion part goes with it" in plan.reasons


# --------------------------------------------------------------------------- conflicts


def test_gps_positions_far_apart_are_a_conflict_even_when_nothing_is_missing() -> None:
    paris = photo("paris.jpg")
    berlin = photo("berlin.jpg", latitude=52.52, longitude=13.405, file_size=1)
    plan = plan_group(group(paris, berlin), POLICY)
    assert plan.action == "review"
    assert any(e.startswith("gps: berlin.jpg is 8") and "(conflict)" in e for e in plan.lost_if_resolved)
    assert any("GPS positions conflict" in r for r in plan.reasons)


def test_gps_positions_close_together_are_not_a_conflict() -> None:
    a = photo("a.jpg", latitude=48.8584, longitude=2.2945)
    b = photo("b.jpg", latitude=48.8600, longitude=2.2950, file_size=1)  # ~180 m away
    assert plan_group(group(a, b), POLICY).action == "resolve"
    wide = attrs.evolve(POLICY, gps_conflict_km=0.05)
    assert plan_group(group(a, b), wide).action == "review"


def test_haversine() -> None:
    assert haversine_km((48.8584, 2.2945), (48.8584, 2.2945)) == 0
    assert 875 < haversine_km((48.8566, 2.3522), (52.52, 13.405)) < 885  # Paris-Berlin
    assert 20_000 < haversine_km((0, 0.0001), (0, 180)) < 20_040  # half the equator


@pytest.mark.parametrize(
    ("a", "b", "zones", "conflict"),
    [
        ("2023-06-01T08:00:00.000Z", "2023-06-01T08:00:01.000Z", ("Europe/Paris", None), False),
        ("2023-06-01T08:00:00.000Z", "2023-06-01T10:00:00.000Z", ("Europe/Paris", None), False),
        ("2023-06-01T08:00:00.000Z", "2023-06-01T13:45:00.000Z", ("Asia/Kathmandu", None), False),
        ("2023-06-01T08:00:00.000Z", "2023-06-01T10:00:00.000Z", ("Europe/Paris", "Europe/Paris"), True),
        ("2023-06-01T08:00:00.000Z", "2023-06-01T11:07:00.000Z", ("Europe/Paris", None), True),
        ("2023-06-01T08:00:00.000Z", "2023-06-01T23:00:00.000Z", (None, None), True),  # 15 h
        ("2023-06-01T08:00:00.000Z", "2023-06-04T08:00:00.000Z", (None, None), True),
        ("2023-06-01T10:00:00+02:00", "2023-06-01T08:00:00Z", ("Europe/Paris", "Europe/Paris"), False),
        ("2023-06-01T10:00:00", "2023-06-01T10:00:00.000Z", (None, None), False),
        ("2023:06:01 10:00:00", "2023-06-01T10:00:00Z", (None, None), False),
        ("2023-06-01", "2023-06-01T23:59:00Z", (None, None), False),
        ("2023-06-01", "2023-06-02T00:30:00Z", (None, None), True),
        ("not a date", "2023-06-01T10:00:00Z", (None, None), False),
    ],
)
def test_capture_time_conflicts(a: str, b: str, zones: tuple[str | None, str | None], conflict: bool) -> None:
    x = photo(date_time_original=a, time_zone=zones[0])
    y = photo(date_time_original=b, time_zone=zones[1])
    assert (capture_conflict(x, y, 2) is not None) is conflict
    assert (capture_conflict(y, x, 2) is not None) is conflict


def test_capture_time_conflict_sends_group_to_review_with_a_sentence() -> None:
    a = photo("a.HEIC")
    b = photo("b.jpg", date_time_original="2023-06-01T11:07:00.000Z", file_size=1, time_zone=None)
    plan = plan_group(group(a, b), POLICY)
    assert plan.action == "review"
    assert "capture_date" in lost_facts(plan)
    assert "Review: capture times differ by 3 h 7 min between a.HEIC and b.jpg" in text(plan)


def test_a_messenger_copy_dated_by_its_file_is_not_a_conflict() -> None:
    # WhatsApp strips all EXIF; Immich then dates the copy by its file (the day it was received).
    original = photo("IMG_1234.HEIC")
    received = bare(
        "IMG-20230604-WA0001.jpg", date_time_original="2023-06-04T18:22:31.482Z", file_size=300_000
    )
    plan = plan_group(group(original, received), POLICY)
    assert plan.action == "resolve"
    assert plan.keep == (original.id,)
    assert (
        "Capture times not compared: IMG-20230604-WA0001.jpg has no camera data, so its date is its file's"
        in plan.reasons
    )


def test_a_copy_with_any_camera_data_is_still_compared() -> None:
    original = photo("IMG_1234.HEIC")
    export = bare("IMG_1234.jpg", date_time_original="2023-06-04T18:22:31Z", model="iPhone 13")
    plan = plan_group(group(original, export), POLICY)
    assert plan.action == "review"
    assert "capture_date" in lost_facts(plan)


def test_file_dated() -> None:
    assert file_dated(bare())
    assert file_dated(AssetFacts(id="x"))
    for fields in ({"make": "Apple"}, {"iso": 100}, {"time_zone": "UTC"}, {"lens_model": "L"}):
        assert not file_dated(bare(**fields)), fields


def test_parse_capture_time_forms() -> None:
    utc = dt.UTC
    assert parse_capture_time("2023-06-01T08:00:00.000Z") == (dt.datetime(2023, 6, 1, 8, tzinfo=utc), False)
    parsed = parse_capture_time("2023-06-01T10:00:00+02:00")
    assert parsed is not None and parsed[0] == dt.datetime(2023, 6, 1, 8, tzinfo=utc)
    assert parse_capture_time("2023:06:01 10:00:00") == (dt.datetime(2023, 6, 1, 10, tzinfo=utc), False)
    assert parse_capture_time("2023-06-01") == (dt.datetime(2023, 6, 1, tzinfo=utc), True)
    assert parse_capture_time("") is None
    assert parse_capture_time(None) is None
    assert parse_capture_time("yesterday-ish") is None


# --------------------------------------------------------------------------- keep_both


def test_keep_both_keeps_the_copy_with_the_missing_fact_and_deletes_the_rest() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8")
    plain = bare("plain.jpg")
    plan = plan_group(group(plain, keeper, holder), KEEP_BOTH)
    assert plan.action == "resolve"
    assert plan.keep == (keeper.id, holder.id)
    assert plan.delete == (plain.id,)
    assert plan.differs_from_immich is True
    assert "Also keeps lens.jpg: it has lens that keeper.HEIC lacks" in plan.reasons
    assert "lens" in lost_facts(plan)  # what a plain resolve would have lost, for the record


def test_keep_both_still_reviews_conflicts() -> None:
    keeper = photo("a.jpg")
    far = photo("b.jpg", latitude=-33.86, longitude=151.2, lens_model=None, file_size=1)
    plan = plan_group(group(keeper, far), KEEP_BOTH)
    assert plan.action == "review"


def test_keep_both_when_every_copy_holds_something_keeps_all() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8")
    plan = plan_group(group(keeper, holder), KEEP_BOTH)
    assert plan.action == "resolve"
    assert set(plan.keep) == {keeper.id, holder.id}
    assert plan.delete == ()


# --------------------------------------------------------------------------- on_conflict = "stack"


def test_stack_keeps_every_copy_when_no_copy_carries_every_fact() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8")
    plain = bare("plain.jpg")
    plan = plan_group(group(plain, keeper, holder), STACK)
    assert plan.action == "stack"
    assert set(plan.keep) == {keeper.id, holder.id, plain.id} and plan.keep[0] == keeper.id
    assert plan.delete == ()
    assert stack_primary(plan) == keeper.id
    assert "lens" in lost_facts(plan)  # what a resolve would have lost, for the record
    assert plan.reasons[0].startswith("Stacks every copy with keeper.HEIC on top")
    assert any(r.startswith("Stack: deleting lens.jpg would lose lens (EF 50mm f/1.8)") for r in plan.reasons)
    assert not any("plain.jpg" in r and r.startswith("Stack:") for r in plan.reasons)  # it loses nothing
    assert not any("carried over" in r for r in plan.reasons)  # nothing is deleted, nothing carried


def test_stack_leaves_value_conflicts_for_review() -> None:
    keeper = photo("a.jpg")
    far = photo("b.jpg", latitude=-33.86, longitude=151.2, lens_model=None, file_size=1)
    plan = plan_group(group(keeper, far), STACK)
    assert plan.action == "review"
    assert any("conflict" in r for r in plan.reasons)


def test_stack_does_not_touch_groups_that_lose_nothing() -> None:
    small = photo("IMG_1.HEIC", file_size=MiB)
    copy = photo("IMG_1.jpg", file_size=2 * MiB, latitude=None, longitude=None, time_zone=None)
    assert plan_group(group(small, copy), STACK).action == "resolve"


def test_keep_both_settles_losses_before_on_conflict_is_asked() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8")
    policy = attrs.evolve(STACK, on_loss="keep_both")
    assert plan_group(group(keeper, holder), policy).action == "resolve"


def test_stack_differs_from_immich_only_when_the_top_copy_is_not_immichs_pick() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8", file_size=1)
    assert plan_group(group(keeper, holder, suggested=keeper), STACK).differs_from_immich is False
    assert plan_group(group(keeper, holder, suggested=holder), STACK).differs_from_immich is True


def test_the_summary_counts_stack_groups_and_frees_nothing_for_them() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8")
    plan = build_plan(
        [group(keeper, holder)], STACK, source="file", server=None, generated_at="2026-01-01T00:00:00Z"
    )
    assert (plan.summary.stack, plan.summary.review, plan.summary.dismiss) == (1, 0, 0)
    assert plan.summary.bytes_freed == 0
    assert plan.schema_version == 2
    planfile.validate_plan(plan)


def test_stack_primary_is_the_best_scored_id_a_person_left_in_keep() -> None:
    keeper = keeper_without("lens")
    holder = bare("lens.jpg", lens_model="EF 50mm f/1.8")
    plan = plan_group(group(keeper, holder), STACK)
    assert stack_primary(plan) == keeper.id
    assert stack_primary(attrs.evolve(plan, keep=(holder.id,))) == holder.id
    with pytest.raises(ValueError, match="at least one id in keep"):
        stack_primary(attrs.evolve(plan, keep=()))


def test_stack_primary_ties_go_to_immichs_pick_then_the_oldest_then_the_smallest_id() -> None:
    old = bare("b.jpg", file_created_at="2020-01-01T00:00:00.000Z")
    new, twin = bare("a.jpg"), bare("c.jpg")  # same score and age as each other
    plan = plan_group(group(new, old, twin, suggested=twin), STACK)
    tied = attrs.evolve(plan, keep=(new.id, old.id, twin.id))
    assert len({a.score for a in tied.assets}) == 1
    assert stack_primary(tied) == twin.id  # Immich's pick
    no_pick = attrs.evolve(tied, immich_keep=())
    assert stack_primary(no_pick) == old.id  # the oldest file
    assert stack_primary(attrs.evolve(no_pick, keep=(new.id, twin.id))) == min(new.id, twin.id)


# --------------------------------------------------------------------------- skip


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        (lambda: [photo("a.jpg")], "Skipped: the group has only 1 asset"),
        (lambda: [photo("a.jpg"), video("b.mov")], "Skipped: the group mixes photos and videos"),
        (lambda: [photo("a.jpg"), bare("b.jpg", is_trashed=True)], "Skipped: b.jpg is already in the trash"),
        (lambda: [photo("a.jpg", is_offline=True), bare("b.jpg")], "Skipped: a.jpg is offline"),
        (lambda: [photo("a.jpg"), bare("b.jpg", visibility="hidden")], "Skipped: b.jpg is hidden"),
    ],
)
def test_groups_that_cannot_be_judged_are_skipped(members: object, reason: str) -> None:
    assets = members()  # type: ignore[operator]
    plan = plan_group(group(*assets), POLICY)
    assert plan.action == "skip"
    assert plan.delete == ()
    assert plan.keep == tuple(a.id for a in assets)
    assert plan.differs_from_immich is False
    assert plan.reasons[0].startswith(reason)
    assert len(plan.assets) == len(assets)


def test_an_asset_listed_twice_is_skipped_and_listed_once() -> None:
    a, b = photo("a.jpg"), bare("b.jpg")
    plan = plan_group(group(a, b, a), POLICY)
    assert plan.action == "skip"
    assert plan.reasons == ("Skipped: the group lists a.jpg twice",)
    assert [x.id for x in plan.assets] == [a.id, b.id]
    assert plan.keep == (a.id, b.id)


def test_an_empty_group_is_skipped_and_left_out_of_the_plan() -> None:
    plan = plan_group(Group(duplicate_id="d", assets=()), POLICY)
    assert plan.action == "skip"
    assert plan.keep == plan.delete == plan.immich_keep == ()
    whole = build_plan(
        [Group(duplicate_id="d", assets=())], POLICY, source="file", server=None, generated_at="t"
    )
    assert whole.groups == ()


# --------------------------------------------------------------------------- odd inputs


def test_assets_without_exif_and_nulls_everywhere() -> None:
    a = AssetFacts(id="00000000-0000-4000-8000-0000000000a1")
    b = AssetFacts(id="00000000-0000-4000-8000-0000000000b2", original_file_name="b")
    plan = plan_group(group(a, b), POLICY)
    assert plan.action == "resolve"
    assert plan.keep == immich_keep(group(a, b)) == (b.id,)  # full tie: the last one
    assert len(plan.keep) + len(plan.delete) == 2


def test_videos_are_planned_like_photos() -> None:
    original = video("VID_1.MOV", file_size=40 * MiB)
    reencode = video("VID_1.mp4", file_size=60 * MiB, latitude=None, longitude=None, duration_ms=12_040)
    plan = plan_group(group(original, reencode), POLICY)
    assert plan.action == "resolve"
    assert plan.keep == (original.id,)
    assert plan.differs_from_immich is True


def test_a_group_of_many() -> None:
    best = photo("best.HEIC")
    copies = [bare(f"copy{i}.jpg", file_size=(i + 2) * MiB) for i in range(8)]
    plan = plan_group(group(*copies[:4], best, *copies[4:]), POLICY)
    assert plan.keep == (best.id,)
    assert plan.delete == tuple(c.id for c in copies)
    assert plan.action == "resolve"
    assert [a.id for a in plan.assets] == [c.id for c in copies[:4]] + [best.id] + [c.id for c in copies[4:]]


def test_duplicate_file_names_are_told_apart_in_reasons() -> None:
    a = photo("IMG_1.jpg", id="aaaaaaaa-0000-4000-8000-000000000000")
    b = bare("IMG_1.jpg", id="bbbbbbbb-0000-4000-8000-000000000000", file_size=9 * MiB)
    plan = plan_group(group(a, b), POLICY)
    assert "IMG_1.jpg (aaaaaaaa)" in plan.reasons[0]
    assert "IMG_1.jpg (bbbbbbbb)" in plan.reasons[0]


def test_planned_assets_carry_score_breakdown_and_facts() -> None:
    plan = plan_group(group(photo("a.HEIC"), bare("b.jpg")), POLICY)
    first = plan.assets[0]
    assert first.facts["gps"] == "48.85840, 2.29450"
    assert first.breakdown["gps"] == POLICY.weights["gps"]
    assert abs(sum(first.breakdown.values()) - first.score) < 1e-6


# --------------------------------------------------------------------------- build_plan


def make_groups(n: int) -> list[Group]:
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            members = (photo(f"g{i}.HEIC", file_size=MiB), bare(f"g{i}.jpg", file_size=2 * MiB))
        elif kind == 1:
            members = (keeper_without("lens"), bare(f"g{i}.jpg", lens_model="L", file_size=3 * MiB))
        elif kind == 2:
            members = (photo(f"g{i}.jpg"), video(f"g{i}.mov"))
        else:
            same = photo(f"g{i}.jpg", file_size=MiB)
            members = (same, attrs.evolve(same, id=f"{same.id[:-4]}ffff"))
        out.append(group(*members))
    return out


def test_build_plan_sorts_groups_and_fills_the_summary() -> None:
    groups = make_groups(8)
    plan = build_plan(
        groups,
        POLICY,
        source="server",
        server=PlanServer(url="http://immich.local/api", version="3.1.0"),
        generated_at="2026-01-01T00:00:00Z",
    )
    ids = [g.duplicate_id for g in plan.groups]
    assert ids == sorted(ids)
    s = plan.summary
    assert (s.groups, s.assets) == (8, 16)
    assert (s.resolve, s.review, s.skip) == (4, 2, 2)
    assert s.differs_from_immich == sum(g.differs_from_immich for g in plan.groups) == 4
    # Only resolve groups free space: the deleted jpgs of kind 0 (2 MiB each) and kind 3 (1 MiB each).
    assert s.bytes_freed == 2 * (2 * MiB) + 2 * MiB
    assert plan.policy == POLICY.to_json()
    assert plan.source == "server"
    assert plan.generated_at == "2026-01-01T00:00:00Z"


def test_build_plan_does_not_depend_on_group_order() -> None:
    groups = make_groups(12)
    shuffled = groups[:]
    random.Random(7).shuffle(shuffled)
    kwargs = {"source": "file", "server": None, "generated_at": "t"}
    assert build_plan(groups, POLICY, **kwargs) == build_plan(shuffled, POLICY, **kwargs)  # type: ignore[arg-type]


def test_build_plan_accepts_an_iterator_and_an_empty_listing() -> None:
    plan = build_plan(iter(()), POLICY, source="file", server=None, generated_at="t")
    assert plan.groups == ()
    assert plan.summary.groups == plan.summary.bytes_freed == 0


def test_fingerprint_matches_planfiles() -> None:
    g = group(photo("a.jpg"), bare("b.jpg", file_size=None))
    plan = plan_group(g, POLICY)
    assert plan.fingerprint == group_fingerprint(g.assets) == planfile.group_fingerprint(g.assets)
    assert plan.fingerprint == planfile.group_fingerprint(reversed(g.assets))


def test_a_plan_is_valid_for_planfile_and_round_trips() -> None:
    groups = make_groups(8)
    a = photo("dup.jpg")
    groups.append(group(a, a, bare("other.jpg")))  # an asset listed twice: skipped, and still a valid plan
    plan = build_plan(groups, POLICY, source="file", server=None, generated_at="t")
    planfile.validate_plan(plan)
    data = planfile.dumps_plan(plan)
    assert planfile.dumps_plan(planfile.loads_plan(data)) == data
