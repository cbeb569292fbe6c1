"""Properties of listing's two readings of an asset: the fast one and the checked one.

``asset_from_dict`` and ``iter_groups`` read a well-typed asset in one pass and fall back
to the field-by-field checks on anything unusual. Whatever the server sends, the outcome
must be the checked reading's: the same facts, or the same ``ProtocolError`` message.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe import listing
from immich_dedupe.errors import ProtocolError
from immich_dedupe.facts import AssetFacts

# Each example draws ~45 values: few examples, many fields each.
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEXT_KEYS = (
    "duplicateId",
    "type",
    "originalFileName",
    "originalPath",
    "originalMimeType",
    "checksum",
    "libraryId",
    "visibility",
    "livePhotoVideoId",
    "fileCreatedAt",
    "localDateTime",
)
EXIF_TEXT_KEYS = (
    "dateTimeOriginal",
    "timeZone",
    "city",
    "state",
    "country",
    "make",
    "model",
    "lensModel",
    "exposureTime",
    "description",
    "orientation",
    "projectionType",
)
INT_KEYS = ("width", "height")
EXIF_INT_KEYS = ("fileSizeInByte", "exifImageWidth", "exifImageHeight", "iso", "rating")
EXIF_NUMBER_KEYS = ("latitude", "longitude", "fNumber", "focalLength")
FLAG_KEYS = ("isTrashed", "isOffline", "isFavorite", "isArchived")

# Values of the right type, with the edges the checks care about. ``raw_assets`` then
# spoils a few fields at most, so that most examples take the fast reading.
texts = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["", "IMAGE", "VIDEO", "archive"]))
edge_ints = st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**30, -(10**30)])
wholes = st.one_of(st.none(), st.integers(-5, 10_000), st.integers(-(2**64), 2**64), edge_ints)
edge_floats = st.sampled_from([math.inf, -math.inf, math.nan, -0.0, 1e308, 4032.0, 0.5, 2.5])
numbers = st.one_of(st.none(), st.integers(-200, 200), st.floats(-200, 200), edge_floats, edge_ints)
flags = st.one_of(st.none(), st.booleans())
durations = st.one_of(
    st.none(),
    wholes,
    edge_floats,
    st.sampled_from(["0:00:05.000000", "0:00:00.00000", " 1:02:03 ", "1:2:3.", "five", "12:34:56.7"]),
)
tag_lists = st.lists(
    st.one_of(
        st.fixed_dictionaries({"value": texts}),
        st.fixed_dictionaries({"name": texts}),
        st.fixed_dictionaries({"value": st.just(""), "name": texts}),
        st.none(),
        st.text(max_size=2),
    ),
    max_size=3,
)
people_lists = st.lists(st.one_of(st.fixed_dictionaries({"id": texts}), st.just({}), st.none()), max_size=3)
stacks = st.one_of(st.none(), st.fixed_dictionaries({"id": texts}), st.just({}), st.just([]))
# A value of any JSON type, for spoiling a field; ``odd`` may also be ``...``: leave the key out.
any_json = st.one_of(
    st.booleans(),
    st.integers(-3, 3),
    edge_floats,
    st.text(max_size=3),
    st.just([]),
    st.just({}),
    st.just([{"id": "x"}]),
    st.none(),
)
odd = st.one_of(any_json, st.just(...))

ASSET_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(TEXT_KEYS, texts),
    **dict.fromkeys(INT_KEYS, wholes),
    **dict.fromkeys(FLAG_KEYS, flags),
    "duration": durations,
    "tags": st.one_of(st.none(), tag_lists),
    "people": st.one_of(st.none(), people_lists),
    "stack": stacks,
}
EXIF_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(EXIF_TEXT_KEYS, texts),
    **dict.fromkeys(EXIF_INT_KEYS, wholes),
    **dict.fromkeys(EXIF_NUMBER_KEYS, numbers),
    "modifyDate": any_json,  # a field we do not read still counts as truthy or not
}
ASSET = st.fixed_dictionaries({"id": st.text(min_size=1, max_size=6)}, optional=ASSET_FIELDS)
EXIF = st.fixed_dictionaries({}, optional=EXIF_FIELDS)
SPOILABLE = sorted({"id", "exifInfo", *ASSET_FIELDS}) + [f"exifInfo.{k}" for k in sorted(EXIF_FIELDS)]


@st.composite
def raw_assets(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 40)) == 0:
        return draw(any_json)  # not even an object
    d = draw(ASSET)
    exif_kind = draw(st.integers(0, 9))
    if exif_kind == 0:
        d["exifInfo"] = None
    elif exif_kind > 1:  # (1: no exifInfo at all)
        d["exifInfo"] = draw(EXIF)
    for key in draw(st.lists(st.sampled_from(SPOILABLE), max_size=2)):
        value = draw(odd)
        target, _, key = key.rpartition(".")
        where = d.get(target) if target else d
        if isinstance(where, dict):
            if value is ...:
                where.pop(key, None)
            else:
                where[key] = value
    return d


def _outcome(read: Any, d: Any) -> tuple[str, Any]:
    try:
        return "facts", read(d)
    except ProtocolError as err:
        return "error", str(err)


def _same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    """Equal outcomes; NaN-free facts compare with ==, and the repr catches float -0.0 vs 0.0."""
    return a[0] == b[0] and (repr(a[1]) == repr(b[1]))


@PROPS
@given(raw_assets())
def test_asset_from_dict_reads_like_the_checked_path(d: Any) -> None:
    checked = _outcome(listing._checked_asset, d)
    assert _same(_outcome(listing.asset_from_dict, d), checked)
    if checked[0] == "facts":
        assert type(checked[1]) is AssetFacts


@PROPS
@given(
    st.lists(raw_assets(), max_size=3), st.one_of(st.none(), st.lists(st.text(max_size=3), max_size=2), odd)
)
def test_a_group_reads_like_the_checked_path(assets: list[Any], suggested: Any) -> None:
    raw: dict[str, Any] = {"duplicateId": "g1", "assets": assets}
    if suggested is not None:
        raw["suggestedKeepAssetIds"] = suggested

    def checked(d: dict[str, Any]) -> Any:
        members = []
        for a in d["assets"]:
            facts = listing._checked_asset(a)
            members.append(
                facts if facts.duplicate_id is not None else attrs.evolve(facts, duplicate_id="g1")
            )
        keep = d.get("suggestedKeepAssetIds")
        if keep is not None and (not isinstance(keep, list) or not all(isinstance(s, str) for s in keep)):
            raise ProtocolError("duplicate group g1: suggestedKeepAssetIds is not a list of ids")
        return (tuple(members), None if keep is None else tuple(keep))

    expected = _outcome(checked, raw)
    got = _outcome(listing.group_from_dict, raw)
    if got[0] == "facts":
        got = ("facts", (got[1].assets, got[1].suggested_keep_ids))
    assert _same(got, expected)


@settings(PROPS, max_examples=40)
@given(st.lists(raw_assets(), min_size=1, max_size=3))
def test_a_streamed_body_reads_like_the_checked_path(assets: list[Any]) -> None:
    """Through the streaming parser (JSON round trip: no NaN or infinity, which JSON cannot carry)."""
    try:
        data = json.dumps([{"duplicateId": "g1", "assets": assets}], allow_nan=False).encode()
    except ValueError:
        return
    parsed = json.loads(data)[0]["assets"]
    expected = []
    for a in parsed:
        outcome = _outcome(listing._checked_asset, a)
        if outcome[0] == "error":
            expected = [("error", f"the duplicates listing, group #1: {outcome[1]}")]
            break
        facts = outcome[1]
        expected.append(
            ("facts", facts if facts.duplicate_id is not None else attrs.evolve(facts, duplicate_id="g1"))
        )
    try:
        got = [("facts", a) for g in listing.iter_groups(io.BytesIO(data)) for a in g.assets]
    except ProtocolError as err:  # a huge integer too is the field's error, not the parser's
        got = [("error", str(err))]
    assert [(kind, repr(value)) for kind, value in got] == [(kind, repr(value)) for kind, value in expected]


def test_the_fast_reading_takes_the_common_shapes() -> None:
    """A 3.x asset, a bare one and one without exifInfo are read fast (not by the fallback)."""
    full = {
        "id": "a1",
        "type": "VIDEO",
        "duplicateId": None,
        "duration": 5000,
        "width": 1920,
        "height": 1080,
        "isFavorite": True,
        "tags": [{"value": "b"}, {"name": "a"}],
        "people": [{"id": "p"}],
        "stack": {"id": "s"},
        "exifInfo": {"latitude": 48, "longitude": 2.5, "fileSizeInByte": 10, "make": "X", "iso": 0},
    }
    for d in (full, {"id": "a2"}, {"id": "a3", "exifInfo": None}):
        fast = listing._fast_asset(d, "g1")
        assert fast is not None
        assert fast == attrs.evolve(listing._checked_asset(d), duplicate_id="g1")
    fast = listing._fast_asset(full, None)
    assert fast is not None and fast.latitude == 48.0 and isinstance(fast.latitude, float)
    assert fast.exif_truthy_count == 4 and fast.tags == ("a", "b") and fast.stack_id == "s"
    # 2.x integers sent as floats go to the checked path, which rounds them
    assert listing._fast_asset({"id": "a4", "width": 4032.0}, None) is None
    assert listing.asset_from_dict({"id": "a4", "width": 4032.0}).width == 4032


# -- streaming: any chunking of a body gives json.loads' items; any cut-off body is an error --

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, list[Any]]:
    items = draw(st.lists(json_values, max_size=5))
    indent = draw(st.sampled_from([None, 0, 2]))
    text = json.dumps(items, ensure_ascii=draw(st.booleans()), indent=indent)
    return text.encode(), items


def _chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(PROPS, max_examples=200)
@given(bodies(), st.lists(st.integers(0, 10_000), max_size=8))
def test_any_chunking_streams_the_items_json_loads_reads(
    body: tuple[bytes, list[Any]], cuts: list[int]
) -> None:
    data, items = body
    first, chunks = _start(_chunked(data, cuts))
    assert list(listing._array_items(first, chunks)) == json.loads(data) == items


@settings(PROPS, max_examples=200)
@given(bodies(), st.lists(st.integers(0, 10_000), max_size=4), st.integers(1, 10_000))
def test_a_cut_off_body_is_an_error(body: tuple[bytes, list[Any]], cuts: list[int], cut: int) -> None:
    data = body[0].rstrip()
    data = data[: 1 + cut % (len(data) - 1)]  # at least "[", never the closing "]"
    first, chunks = _start(_chunked(data, cuts))
    with pytest.raises(listing._BadJSON):
        list(listing._array_items(first, chunks))


def _start(chunks: list[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """The first non-blank chunk, stripped, and the rest: what iter_groups hands on."""
    rest = iter(chunks)
    first = next(rest)
    while not first.strip():
        first += next(rest)
    return first.lstrip(), rest
