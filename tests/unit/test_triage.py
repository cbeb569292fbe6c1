"""triage: which groups come first, picking a group by id prefix, and what counts as "would lose"."""

from __future__ import annotations

from pathlib import Path

import pytest

from immich_dedupe import triage
from immich_dedupe.errors import UsageError
from immich_dedupe.planfile import load_plan, write_plan
from immich_dedupe.scoring import FACTS
from tests import factories as f
from tests import view_plans as vp


def test_review_comes_first_then_differs_then_plain_then_skip() -> None:
    plain, differs, review = vp.sample_groups()
    skip = vp.group([f.photo(), f.bare()], action="skip", duplicate_id=f.new_id(0x0001))
    ordered = triage.select_groups([skip, plain, differs, review])
    assert [g.duplicate_id for g in ordered] == [
        review.duplicate_id,
        differs.duplicate_id,
        plain.duplicate_id,
        skip.duplicate_id,
    ]


def test_among_reviews_the_one_losing_more_comes_first() -> None:
    one = vp.group([f.photo(), f.bare()], action="review", lost=("rating",), duplicate_id=f.new_id(1))
    two = vp.group(
        [f.photo(), f.bare()], action="review", lost=("rating", "description"), duplicate_id=f.new_id(2)
    )
    assert triage.select_groups([one, two])[0] is two


@pytest.mark.parametrize(
    ("only", "expected"), [("review", {vp.REVIEW_ID}), ("differs", {vp.DIFFERS_ID}), ("all", None)]
)
def test_filters_pick_review_or_differing_groups(only: str, expected: set[str] | None) -> None:
    groups = vp.sample_groups()
    chosen = {g.duplicate_id for g in triage.select_groups(groups, only)}
    assert chosen == (expected if expected is not None else {g.duplicate_id for g in groups})


def test_unknown_filter_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="review, differs, all"):
        triage.select_groups(vp.sample_groups(), "everything")


def test_find_group_by_full_id_or_unique_prefix_in_any_case() -> None:
    groups = vp.sample_groups()
    assert triage.find_group(groups, vp.REVIEW_ID).duplicate_id == vp.REVIEW_ID
    assert triage.find_group(groups, "0000C0").duplicate_id == vp.REVIEW_ID


def test_ambiguous_prefix_names_the_matching_groups() -> None:
    with pytest.raises(UsageError) as err:
        triage.find_group(vp.sample_groups(), "0000")
    message = str(err.value)
    assert "ambiguous" in message
    for gid in (vp.PLAIN_ID, vp.DIFFERS_ID, vp.REVIEW_ID):
        assert gid in message


def test_unknown_prefix_says_nothing_matches() -> None:
    with pytest.raises(UsageError, match="no group id starts with 'ffff'"):
        triage.find_group(vp.sample_groups(), "ffff")


def test_an_exact_id_wins_over_longer_ids_it_prefixes() -> None:
    short = vp.group([f.photo(), f.bare()], duplicate_id="abc")
    longer = vp.group([f.photo(), f.bare()], duplicate_id="abcdef")
    assert triage.find_group([longer, short], "abc") is short


def test_a_value_is_lost_only_if_deleted_and_no_keeper_has_it() -> None:
    g = vp.group(
        [
            f.photo("keep.HEIC", description="same words"),
            f.bare("a.jpg", description="same words", rating=4),
            f.bare("b.jpg", description="other words"),
        ],
        action="review",
        lost=("description: 1 differing caption", "rating"),
    )
    rows = {r.name: r for r in triage.fact_rows(g)}
    assert rows["description"].lost == (False, False, True)  # a.jpg's caption is kept on keep.HEIC
    assert rows["rating"].lost == (False, True, False)
    assert rows["gps"].lost == (False, False, False)  # not named in lost_if_resolved


def test_facts_no_asset_has_are_left_out_and_tie_breakers_come_last() -> None:
    rows = triage.fact_rows(vp.group([f.photo(), f.bare()]))
    names = [r.name for r in rows]
    assert "description" not in names  # neither copy has one
    assert not any(r.is_fact for r in rows[names.index("format") :])
    assert {"format", "file_size"} <= set(names)


def test_lost_labels_read_as_words_and_keep_the_detail() -> None:
    g = vp.group([f.photo(), f.bare()], lost=("capture_date", "albums: 2 albums"))
    assert triage.lost_labels(g) == ["capture date", "albums: 2 albums"]


def test_shorten_keeps_start_and_extension() -> None:
    cut = triage.shorten("IMG_20190714_120311_HDR_edited.jpg", 20)
    assert cut == "IMG_20190714…ted.jpg"
    assert len(cut) == 20
    assert triage.shorten("short.jpg", 20) == "short.jpg"
    assert len(triage.shorten("x" * 50, 3)) == 3


def test_shorten_all_keeps_different_names_different() -> None:
    names = [f"PXL_20190714_120311_{k}_some_long_suffix.jpg" for k in range(4)] + ["IMG_1.jpg"]
    short = triage.shorten_all(names, 16)
    assert len(set(short)) == len(names)
    assert all(len(s) <= 16 for s in short)
    assert short[-1] == "IMG_1.jpg"


def test_printable_escapes_terminal_control_sequences() -> None:
    assert triage.printable("evil\x1b[2J\x07.jpg") == "evil\\x1b[2J\\x07.jpg"
    assert triage.printable("right\u202eto-left.jpg") == "right\\u202eto-left.jpg"
    assert triage.printable("Ærø 東京 photo.jpg") == "Ærø 東京 photo.jpg"


def test_human_bytes_and_points_read_naturally() -> None:
    assert [triage.human_bytes(n) for n in (0, 1023, 1536, 5 * 1024**3)] == [
        "0 B",
        "1023 B",
        "1.5 KiB",
        "5.0 GiB",
    ]
    assert triage.human_bytes(None) == "?"
    assert [triage.format_points(v) for v in (100.0, 0.25, 450.515, 0.004)] == [
        "100",
        "0.25",
        "450.51",
        "0.004",
    ]
    assert triage.format_points(2, sign=True) == "+2"


def test_unique_prefix_len_tells_every_id_apart() -> None:
    ids = ["aaaaaaaa11", "aaaaaaaa12", "bbbbbbbbbb"]
    n = triage.unique_prefix_len(ids)
    assert n == 10
    assert len({i[:n] for i in ids}) == 3
    assert triage.unique_prefix_len(["a1", "b2"]) == 8


def test_rows_follow_the_scorers_order_even_after_a_plan_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(vp.plan([vp.sample_groups()[0]]), path)
    (g,) = load_plan(path).groups
    names = [r.name for r in triage.fact_rows(g) if r.is_fact]
    assert names == [n for n in FACTS if n in names]
    assert names[:4] == ["gps", "place", "time_zone", "capture_date"]


def test_extra_over_immich_names_what_our_keeper_adds() -> None:
    differs = vp.sample_groups()[1]
    extra = triage.extra_over_immich(differs)
    assert extra[:3] == ["GPS", "place", "time zone"]
    assert "albums" in extra and "pixels" not in extra  # both copies have pixels
    assert triage.extra_over_immich(vp.sample_groups()[0]) == []  # same pick: nothing to add
