"""Named facts and scores: what counts as present, and how points add up."""

from __future__ import annotations

import math

import attrs
import pytest

from immich_dedupe.facts import AssetFacts
from immich_dedupe.policy import WEIGHTED_FACTS, Policy, load_policy
from immich_dedupe.scoring import (
    FACTS,
    LABELS,
    fact_values,
    file_format,
    gps_position,
    pixel_count,
    score_asset,
)
from tests.factories import FACT_FIELDS, MiB, asset, bare, photo, video

POLICY = load_policy(None)


def test_every_fact_has_a_label_and_every_weighted_fact_is_a_fact() -> None:
    assert set(LABELS) == set(FACTS)
    assert set(WEIGHTED_FACTS) | {"pixels"} == set(FACTS)
    assert len(FACTS) == len(set(FACTS))


def test_camera_original_has_its_facts_and_a_stripped_copy_has_none() -> None:
    full = fact_values(photo())
    assert list(full) == list(FACTS)
    for name in ("gps", "place", "time_zone", "capture_date", "camera_make", "camera_model", "lens"):
        assert full[name] is not None, name
    for name in ("f_number", "exposure_time", "iso", "focal_length", "pixels"):
        assert full[name] is not None, name
    assert full["gps"] == "48.85840, 2.29450"
    assert full["place"] == "Paris, Île-de-France, France"
    assert full["pixels"] == "4032x3024"

    stripped = fact_values(bare())
    assert [k for k, v in stripped.items() if v is not None] == ["pixels"]


def test_asset_without_exif_has_no_facts_and_still_scores() -> None:
    a = AssetFacts(id="x")  # nothing at all: no exifInfo, no dimensions, no name
    assert all(v is None for v in fact_values(a).values())
    score, breakdown = score_asset(a, POLICY)
    assert score == 0
    assert breakdown == {}


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(0.0, 0.0), (None, 2.0), (48.0, None), (float("nan"), 2.0), (91.0, 2.0), (48.0, 181.0)],
)
def test_gps_placeholders_and_garbage_count_as_missing(lat: float | None, lon: float | None) -> None:
    a = photo(latitude=lat, longitude=lon)
    assert gps_position(a) is None
    assert fact_values(a)["gps"] is None


def test_gps_on_the_equator_or_meridian_alone_is_real() -> None:
    assert gps_position(photo(latitude=0.0, longitude=9.5)) == (0.0, 9.5)
    assert gps_position(photo(latitude=51.48, longitude=0.0)) == (51.48, 0.0)


@pytest.mark.parametrize(
    ("fields", "fact"),
    [
        ({"make": ""}, "camera_make"),
        ({"model": "   "}, "camera_model"),
        ({"lens_model": ""}, "lens"),
        ({"time_zone": ""}, "time_zone"),
        ({"date_time_original": ""}, "capture_date"),
        ({"iso": 0}, "iso"),
        ({"focal_length": 0.0}, "focal_length"),
        ({"f_number": 0.0}, "f_number"),
        ({"exposure_time": "0"}, "exposure_time"),
        ({"rating": 0}, "rating"),
        ({"rating": -1}, "rating"),  # "rejected": Immich's merge ignores it too
        ({"description": " \n "}, "description"),
        ({"city": "", "state": None, "country": ""}, "place"),
        ({"width": 0, "height": 0, "exif_width": None, "exif_height": None}, "pixels"),
        ({"albums": ()}, "albums"),
        ({"albums": None}, "albums"),  # not looked up
        ({"visibility": "timeline"}, "visibility"),
    ],
)
def test_empty_and_zero_values_count_as_missing(fields: dict[str, object], fact: str) -> None:
    assert fact_values(photo(**fields))[fact] is None


def test_immich_side_facts() -> None:
    a = photo(
        is_favorite=True,
        rating=4,
        description="Grandma's 80th",
        visibility="archive",
        albums=("al-1", "al-2"),
        tags=("family", "party/2023"),
        people=("p-1",),
        live_photo_video_id="motion-1",
    )
    v = fact_values(a)
    assert v["favorite"] == "favourite"
    assert v["rating"] == "4 of 5"
    assert v["description"] == "Grandma's 80th"
    assert v["visibility"] == "archive"
    assert v["albums"] == "2 albums"
    assert v["tags"] == "family, party/2023"
    assert v["people"] == "1 person"
    assert v["live_photo"] == "motion-1"


def test_place_uses_whatever_parts_are_known() -> None:
    assert fact_values(photo(city=None, state="Bavaria", country="Germany"))["place"] == "Bavaria, Germany"


def test_pixels_prefer_asset_dimensions_and_fall_back_to_exif() -> None:
    assert pixel_count(photo(width=100, height=50, exif_width=10, exif_height=10)) == 5000
    assert pixel_count(photo(width=None, height=None, exif_width=30, exif_height=20)) == 600
    assert pixel_count(photo(width=None, height=None, exif_width=None, exif_height=None)) is None


def test_breakdown_adds_up_to_the_score_and_names_each_present_fact() -> None:
    score, breakdown = score_asset(photo(is_favorite=True), POLICY)
    assert math.isclose(sum(breakdown.values()), score, abs_tol=1e-6)
    assert breakdown["gps"] == POLICY.weights["gps"]
    assert breakdown["favorite"] == POLICY.weights["favorite"]
    assert "rating" not in breakdown  # missing facts earn nothing and are not listed
    assert {"pixels", "format", "file_size"} <= set(breakdown)


def test_a_zero_weight_fact_earns_nothing() -> None:
    _, breakdown = score_asset(photo(visibility="archive"), POLICY)
    assert POLICY.weights["visibility"] == 0
    assert "visibility" not in breakdown


def test_the_seed_photo_outscores_the_larger_copy_without_location() -> None:
    small = photo("IMG_1234.HEIC", file_size=int(1.2 * MiB))
    large = bare("IMG_1234.jpg", file_size=int(2.5 * MiB))
    assert score_asset(small, POLICY)[0] > score_asset(large, POLICY)[0]


def test_tie_breakers_never_outweigh_the_smallest_real_fact() -> None:
    _, smallest = min((w, f) for f, w in POLICY.weights.items() if w > 0)
    best_file = bare("IMG.DNG", file_size=10**12, width=10**5, height=10**5)
    worst_file = asset("IMG.gif", file_size=1, width=1, height=1, **FACT_FIELDS[smallest])
    assert score_asset(worst_file, POLICY)[0] > score_asset(best_file, POLICY)[0]


def test_fact_fields_make_each_fact_present() -> None:
    assert set(FACT_FIELDS) == set(FACTS)
    for fact, fields in FACT_FIELDS.items():
        assert fact_values(AssetFacts(id="x"))[fact] is None
        assert fact_values(AssetFacts(id="x", **fields))[fact] is not None, fact


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        ("IMG.CR2", "IMG.HEIC"),
        ("IMG.DNG", "IMG.jpg"),
        ("IMG.HEIC", "IMG.JPG"),
        ("IMG.jpeg", "IMG.png"),
        ("IMG.jpg", "IMG.webp"),
        ("VID.MOV", "VID.mp4"),
        ("VID.mp4", "VID.3gp"),
        ("IMG.png", "IMG.unknownext"),
    ],
)
def test_format_prefers_camera_originals_over_re_encodes(better: str, worse: str) -> None:
    assert file_format(asset(better))[1] > file_format(asset(worse))[1]
    same = {"file_size": MiB, "width": 100, "height": 100}
    assert score_asset(asset(better, **same), POLICY)[0] > score_asset(asset(worse, **same), POLICY)[0]


def test_format_falls_back_to_the_mime_type() -> None:
    assert file_format(asset("no-extension", original_mime_type="image/heic"))[0] == "HEIC"
    assert file_format(asset("no-extension", original_mime_type=None)) == ("unknown", 0.0)


def test_more_pixels_and_larger_files_score_higher_all_else_equal() -> None:
    assert score_asset(bare(width=8000, height=6000), POLICY)[0] > score_asset(bare(), POLICY)[0]
    assert score_asset(bare(file_size=9 * MiB), POLICY)[0] > score_asset(bare(file_size=MiB), POLICY)[0]


def test_videos_score_on_the_facts_they_have_and_duration_is_not_one() -> None:
    short, long_ = video(duration_ms=1000), video(duration_ms=60_000)
    assert score_asset(short, POLICY) == score_asset(long_, POLICY)
    assert fact_values(short)["gps"] is not None


def test_weights_come_from_the_policy() -> None:
    heavy_lens = attrs.evolve(POLICY, weights={**POLICY.weights, "lens": 1000.0, "gps": 1.0})
    with_lens = bare(lens_model="EF 50mm f/1.8")
    with_gps = bare(latitude=1.0, longitude=1.0)
    assert score_asset(with_lens, heavy_lens)[0] > score_asset(with_gps, heavy_lens)[0]
    assert score_asset(with_lens, POLICY)[0] < score_asset(with_gps, POLICY)[0]
    assert isinstance(heavy_lens, Policy)
