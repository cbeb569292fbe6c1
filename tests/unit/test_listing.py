"""listing: a GET /duplicates body (server chunks or a saved file) → Group facts, streaming."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from immich_dedupe.errors import ProtocolError
from immich_dedupe.listing import _checked_asset, _fast_asset, asset_from_dict, group_from_dict, iter_groups

A1 = "6c1a3e47-0d0b-4f8e-9a43-0c4b5bb2e0a1"
A2 = "0f4e2c7d-b5a1-4c3e-8f1b-2d9e6a7c8b90"
G1 = "a3b9f1e2-3c4d-4e5f-8a6b-7c8d9e0f1a2b"


def asset_v3(asset_id: str = A1, **over: Any) -> dict[str, Any]:
    """An AssetResponseDto as a 3.1 server sends it inside GET /duplicates."""
    d: dict[str, Any] = {
        "id": asset_id,
        "checksum": "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
        "createdAt": "2024-05-02T10:00:00.000Z",
        "duplicateId": G1,
        "duration": None,
        "exifInfo": {
            "city": "Lyon",
            "country": "France",
            "dateTimeOriginal": "2019-07-14T18:30:00+02:00",
            "description": "",
            "exifImageHeight": 3024,
            "exifImageWidth": 4032,
            "exposureTime": "1/120",
            "fNumber": 1.8,
            "fileSizeInByte": 2_345_678,
            "focalLength": 4.2,
            "iso": 100,
            "latitude": 45.76,
            "lensModel": None,
            "longitude": 4.83,
            "make": "Apple",
            "model": "iPhone 11",
            "modifyDate": "2019-07-14T18:30:00+02:00",
            "orientation": "1",
            "projectionType": None,
            "rating": 0,
            "state": "Auvergne-Rhône-Alpes",
            "timeZone": "Europe/Paris",
        },
        "fileCreatedAt": "2019-07-14T16:30:00.000Z",
        "fileModifiedAt": "2019-07-14T16:30:00.000Z",
        "hasMetadata": True,
        "height": 3024,
        "isArchived": False,
        "isEdited": False,
        "isFavorite": True,
        "isOffline": False,
        "isTrashed": False,
        "libraryId": None,
        "livePhotoVideoId": None,
        "localDateTime": "2019-07-14T18:30:00.000Z",
        "originalFileName": "IMG_0001.HEIC",
        "originalMimeType": "image/heic",
        "originalPath": "upload/library/admin/2019/IMG_0001.HEIC",
        "ownerId": "5d0e0a4c-6f4b-4a51-8d6e-3b2a1c0d9e8f",
        "people": [],
        "tags": [
            {"id": "t2", "name": "beach", "value": "Holidays/beach"},
            {"id": "t1", "name": "Family", "value": "Family"},
        ],
        "thumbhash": "1QcSHQRnh493V4dIh4eXh1h4kJUI",
        "type": "IMAGE",
        "updatedAt": "2024-05-02T10:00:00.000Z",
        "visibility": "timeline",
        "width": 4032,
    }
    d.update(over)
    return d


def body(groups: list[dict[str, Any]]) -> bytes:
    return json.dumps(groups).encode()


def test_a_3x_asset_becomes_flat_facts() -> None:
    a = asset_from_dict(asset_v3())
    assert a.id == A1 and a.duplicate_id == G1 and a.type == "IMAGE"
    assert (a.original_file_name, a.original_mime_type) == ("IMG_0001.HEIC", "image/heic")
    assert a.checksum == "2jmj7l5rSw0yVb/vlWAYkK/YBwk=" and a.library_id is None
    assert a.is_favorite and not a.is_trashed and a.visibility == "timeline"
    assert (a.width, a.height, a.duration_ms) == (4032, 3024, None)
    assert a.has_exif and a.file_size == 2_345_678
    assert (a.exif_width, a.exif_height, a.iso, a.f_number) == (4032, 3024, 100, 1.8)
    assert (a.latitude, a.longitude, a.time_zone) == (45.76, 4.83, "Europe/Paris")
    assert (a.make, a.model, a.lens_model) == ("Apple", "iPhone 11", None)
    assert a.date_time_original == "2019-07-14T18:30:00+02:00"
    assert a.local_date_time == "2019-07-14T18:30:00.000Z"
    assert a.tags == ("Family", "Holidays/beach")  # tag values (full paths), sorted
    assert a.people == () and a.stack_id is None and a.albums is None


def test_exif_truthy_count_follows_javascript_truthiness() -> None:
    # Immich breaks ties by counting truthy exifInfo values: 0, "", null and false do not count.
    exif = {"make": "Canon", "model": "", "iso": 0, "fNumber": 2.8, "city": None, "rating": 5, "x": False}
    assert asset_from_dict(asset_v3(exifInfo=exif)).exif_truthy_count == 3
    # the full 3.x example: description "", lensModel/projectionType null, rating 0 are not counted
    assert asset_from_dict(asset_v3()).exif_truthy_count == 18


def test_missing_exif_info_means_no_exif() -> None:
    d = asset_v3()
    del d["exifInfo"]
    a = asset_from_dict(d)
    assert not a.has_exif and a.exif_truthy_count == 0 and a.file_size is None and a.make is None


def test_nulls_everywhere_give_none_not_guesses() -> None:
    d = {k: None for k in asset_v3()}
    d["id"] = A1
    d["exifInfo"] = {k: None for k in asset_v3()["exifInfo"]}
    a = asset_from_dict(d)
    assert a.id == A1 and a.has_exif and a.exif_truthy_count == 0
    assert a.file_size is None and a.latitude is None and a.duration_ms is None and a.width is None
    assert a.tags == () and a.people == () and a.duplicate_id is None
    assert a.checksum == "" and a.type == "IMAGE" and a.visibility == "timeline"


def test_2x_shapes_are_normalised() -> None:
    video = asset_v3(
        type="VIDEO",
        duration="0:01:05.250000",  # 2.x: a string
        width=1920.0,  # 2.x: numbers where 3.x has integers
        height=1080.0,
        deviceAssetId="IMG_0001",  # removed in 3.x
        deviceId="phone",
        visibility=None,
        isArchived=True,  # before visibility existed
        people=[{"id": "p2", "name": "B", "faces": []}, {"id": "p1", "name": "A", "faces": []}],
    )
    video["exifInfo"]["iso"] = 200.0
    video["exifInfo"]["rating"] = 4.0
    a = asset_from_dict(video)
    assert a.duration_ms == 65_250
    assert (a.width, a.height, a.iso, a.rating) == (1920, 1080, 200, 4)
    assert isinstance(a.width, int) and isinstance(a.iso, int)
    assert a.visibility == "archive"
    assert a.people == ("p1", "p2")
    # 2.x says "0:00:00.00000" for a still where 3.x says null
    assert asset_from_dict(asset_v3(duration="0:00:00.00000")).duration_ms is None
    assert asset_from_dict(asset_v3(type="VIDEO", duration="1:00:00")).duration_ms == 3_600_000
    assert asset_from_dict(asset_v3(type="VIDEO", duration=5000)).duration_ms == 5000


def test_group_without_suggested_keep_ids_is_none_not_empty() -> None:
    g = group_from_dict({"duplicateId": G1, "assets": [asset_v3(A1), asset_v3(A2)]})
    assert g.suggested_keep_ids is None
    g = group_from_dict({"duplicateId": G1, "assets": [asset_v3(A1)], "suggestedKeepAssetIds": []})
    assert g.suggested_keep_ids == ()
    g = group_from_dict({"duplicateId": G1, "assets": [asset_v3(A1)], "suggestedKeepAssetIds": [A1]})
    assert g.suggested_keep_ids == (A1,)


def test_group_keeps_server_order_and_fills_membership() -> None:
    g = group_from_dict(
        {"duplicateId": G1, "assets": [asset_v3(A2, duplicateId=None), asset_v3(A1)], "extra": {"x": 1}}
    )
    assert [a.id for a in g.assets] == [A2, A1]
    assert all(a.duplicate_id == G1 for a in g.assets)


def test_stream_from_file_and_from_chunks_agree() -> None:
    groups = [
        {
            "duplicateId": f"g{i}",
            "assets": [asset_v3(f"a{i}"), asset_v3(f"b{i}")],
            "suggestedKeepAssetIds": [f"a{i}"],
        }
        for i in range(5)
    ]
    data = b"\n  " + body(groups) + b"\n"
    from_file = list(iter_groups(io.BytesIO(data)))
    one_byte_chunks = list(iter_groups(data[i : i + 1] for i in range(len(data))))
    assert from_file == one_byte_chunks
    assert [g.duplicate_id for g in from_file] == [f"g{i}" for i in range(5)]
    assert from_file[0] == group_from_dict(groups[0])


def test_empty_array_gives_no_groups() -> None:
    assert list(iter_groups(io.BytesIO(b"[]"))) == []
    assert list(iter_groups([b" [", b"", b" ]\n"])) == []


def test_groups_are_yielded_before_the_body_ends() -> None:
    first = body([{"duplicateId": G1, "assets": [asset_v3()]}])[:-1] + b","
    produced: list[str] = []

    def chunks() -> Iterator[bytes]:
        produced.append("first")
        yield first
        produced.append("rest")
        yield b'{"duplicateId": "g2", "assets": []}]'

    it = iter_groups(chunks())
    assert next(it).duplicate_id == G1
    assert produced == ["first"]  # the second group had not been read yet
    assert [g.duplicate_id for g in it] == ["g2"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b'{"message": "Internal server error"}', "is a JSON object, not an array"),
        (b"<html><body>502 Bad Gateway</body></html>", "HTML"),
        (b"null", "not a JSON array"),
        (b'[{"duplicateId": "g1", "assets": []}', "not valid JSON"),  # truncated
        (b'[{"duplicateId": "g1", "assets": []}] trailing', "not valid JSON"),
        (b"[1, 2]", "group #1: a duplicate group must be a JSON object, not a number"),
        (b'[{"assets": []}]', "group #1: a duplicate group has no duplicateId"),
        (b'[{"duplicateId": "g1", "assets": null}]', "'assets' is null, not a list"),
        (b'[{"duplicateId": "g1", "assets": [{"id": null}]}]', "an asset has no id"),
    ],
)
def test_bad_bodies_raise_protocol_error(data: bytes, expected: str) -> None:
    with pytest.raises(ProtocolError, match="^the duplicates listing") as exc:
        list(iter_groups(io.BytesIO(data)))
    assert expected in str(exc.value)
    assert "\n" not in str(exc.value)  # one line for the user


def test_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dups.json"
    path.write_bytes(b'[{"duplicateId": "g1", "assets": []}, {"dup')
    with path.open("rb") as f, pytest.raises(ProtocolError, match="dups.json") as exc:
        list(iter_groups(f))
    assert "after 1 groups" in str(exc.value)
    with pytest.raises(ProtocolError, match="^GET /duplicates answer is not valid JSON"):
        list(iter_groups([b"[{,"], name="GET /duplicates answer"))


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"isFavorite": "yes"}, "asset .*: isFavorite is a string, expected true or false"),
        ({"width": "4032"}, "asset .*: width is a string, expected an integer"),
        ({"duration": "five seconds"}, "duration 'five seconds' is not H:MM:SS"),
        ({"duration": True}, "duration is a boolean"),
        ({"exifInfo": []}, "exifInfo is a list, not an object"),
        ({"tags": [{"id": "t1"}]}, "a tag has no value"),
        ({"tags": "Family"}, "tags is a string, not a list"),
        ({"people": [{}]}, "a person has no id"),
        ({"stack": {"primaryAssetId": "x"}}, "stack has no id"),
    ],
)
def test_wrong_types_name_the_asset_and_field(over: dict[str, Any], expected: str) -> None:
    with pytest.raises(ProtocolError, match=expected) as exc:
        asset_from_dict(asset_v3(**over))
    assert A1 in str(exc.value)


def test_wrong_exif_type_names_the_field() -> None:
    d = asset_v3()
    d["exifInfo"]["latitude"] = "45.7"
    with pytest.raises(ProtocolError, match=r"exifInfo: latitude is a string, expected a number"):
        asset_from_dict(d)


def test_stack_id_is_read_when_present() -> None:
    a = asset_from_dict(asset_v3(stack={"id": "s1", "primaryAssetId": A1, "assetCount": 2}))
    assert a.stack_id == "s1"


def test_large_listing_is_not_held_in_memory() -> None:
    """~3 MB of groups stream through while Python holds a small fraction of that at once."""
    group = json.dumps({"duplicateId": G1, "assets": [asset_v3(A1), asset_v3(A2)]}).encode()
    n = 1000

    def chunks() -> Iterator[bytes]:
        yield b"["
        for i in range(n):
            yield group if i == 0 else b"," + group
        yield b"]"

    size = n * (len(group) + 1)
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_groups(chunks()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert size > 3_000_000
    assert peak < size / 10


def test_a_huge_integer_from_the_server_is_a_protocol_error_not_a_crash() -> None:
    body = json.dumps(
        [
            {
                "duplicateId": "d",
                "suggestedKeepAssetIds": [],
                "assets": [
                    {"id": "a", "checksum": "x", "type": "IMAGE", "width": 10**400, "exifInfo": {}},
                    {"id": "b", "checksum": "y", "type": "IMAGE", "exifInfo": {"fileSizeInByte": 10**400}},
                ],
            }
        ]
    ).encode()
    with pytest.raises(ProtocolError):
        list(iter_groups(io.BytesIO(body)))


# The fast reading (one pass, gives up on anything unusual) must agree with the checked one on
# every field: the same facts, or the same error. tests/property/test_listing_properties.py
# does the same over generated assets.
EDGE_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    4032,
    2**63 - 1,
    2**63,
    -(2**63),
    -(2**63) - 1,
    4032.0,
    0.5,
    -0.0,
    float("inf"),
    float("-inf"),
    float("nan"),
    "",
    "x",
    "0:00:05.000000",
    "0:00:00.00000",
    [],
    {},
    [{"id": "x"}],
    [{"value": "v"}],
    {"id": "s"},
    ...,  # the key left out
]
ASSET_KEYS = sorted(set(asset_v3()) | {"stack"})
EXIF_KEYS = sorted(asset_v3()["exifInfo"])


def _read(read: Any, d: Any) -> str:
    try:
        return repr(read(d))
    except ProtocolError as err:
        return f"ProtocolError: {err}"


@pytest.mark.parametrize("key", ASSET_KEYS + [f"exifInfo.{k}" for k in EXIF_KEYS])
def test_fast_and_checked_readings_agree_on_every_field(key: str) -> None:
    fast_taken = 0
    for value in EDGE_VALUES:
        d = asset_v3(type="VIDEO")
        target = d["exifInfo"] if key.startswith("exifInfo.") else d
        name = key.removeprefix("exifInfo.")
        if value is ...:
            target.pop(name, None)
        else:
            target[name] = value
        assert _read(asset_from_dict, d) == _read(_checked_asset, d), (key, value)
        fast_taken += _fast_asset(d, None) is not None
    assert fast_taken > 0  # the fast reading is exercised, not only the fallback


# -- streaming: the C decoder reads one group at a time from a growing text window ----------

TRICKY_GROUPS: list[Any] = [
    {"duplicateId": "g1", "assets": [asset_v3(A1), asset_v3(A2)], "suggestedKeepAssetIds": [A1]},
    {
        "duplicateId": 'g2 \u00e9\u4e2d\U0001f600 "quoted" \\ back',  # multi-byte UTF-8, escapes
        "assets": [],
        "x": [True, False, None, -0.5e-3, 12345678901234567890, 1e300, -1, 0, "\u2028", "\\u0041"],
        "deep": [[[[{"a": [{}]}]]]],
    },
    {"duplicateId": "g3", "assets": [asset_v3(A1, originalFileName="IMG_\U0001f600.jpg")]},
]


def _bodies() -> list[bytes]:
    """The tricky groups, written compactly, with spaces, and with every non-ASCII char escaped."""
    return [
        json.dumps(TRICKY_GROUPS, ensure_ascii=False, separators=(",", ":")).encode(),
        b" \r\n" + json.dumps(TRICKY_GROUPS, ensure_ascii=False, indent=3).encode() + b"\n\t ",
        json.dumps(TRICKY_GROUPS, ensure_ascii=True).encode(),
    ]


def _groups_at_every_split(data: bytes) -> list[Any]:
    """What ``iter_groups`` yields for splits of ``data`` into two chunks, and into single bytes
    (every byte boundary is then a chunk boundary)."""
    outcomes = []
    for cut in [*range(0, len(data), 5), len(data)]:
        outcomes.append(list(iter_groups([data[:cut], data[cut:]])))
    outcomes.append(list(iter_groups(data[i : i + 1] for i in range(len(data)))))
    return outcomes


@pytest.mark.parametrize("index", range(3))
def test_any_chunking_gives_the_same_groups(index: int) -> None:
    data = _bodies()[index]
    expected = [group_from_dict(g) for g in json.loads(data)]
    assert expected[1].duplicate_id.startswith("g2 \u00e9\u4e2d\U0001f600")
    for groups in _groups_at_every_split(data):
        assert groups == expected


def test_a_group_larger_than_the_read_size_streams(tmp_path: Path) -> None:
    big = {"duplicateId": "g1", "assets": [asset_v3(f"a{i}") for i in range(400)]}  # ~1 MB
    path = tmp_path / "big.json"
    path.write_bytes(json.dumps([big, {"duplicateId": "g2", "assets": []}]).encode())
    with path.open("rb") as f:
        groups = list(iter_groups(f))
    assert [len(g.assets) for g in groups] == [400, 0]


@pytest.mark.parametrize(
    ("data", "groups_before", "expected"),
    [
        (b'[{"duplicateId": "g1", "assets": []}, {"duplicateId": "g2", "assets": [}]', 1, "Expecting value"),
        (b'[{"duplicateId": "g1", "assets": []} {"duplicateId": "g2"}]', 1, "expecting ',' or ']'"),
        (b'[{"duplicateId": "g1", "assets": []},]', 1, "Expecting value"),
        (b'[{"duplicateId": "g1", "assets": []}]]', 1, "trailing garbage"),
        (b'[{"duplicateId": "g1", "assets": [], "x": NaN}]', 0, "NaN is not a JSON value"),
        (b'[{"duplicateId": "g1", "assets": [], "x": "\xff"}]', 0, "can't decode byte 0xff"),
        (b'[{"duplicateId": "g1", "assets": [], "x": "a\x01"}]', 0, "Invalid control character"),
        (b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", 0, "recursion"),
        (b'[{"duplicateId": "g1", "assets": []}', 1, "the array is not closed"),
        (b'[{"duplicateId": "g1", "assets": []}, {"duplicateId": "g2", "as', 1, "Unterminated string"),
    ],
)
def test_malformed_json_names_the_problem_and_the_groups_read(
    data: bytes, groups_before: int, expected: str
) -> None:
    for chunks in ([data], [data[i : i + 7] for i in range(0, len(data), 7)]):
        seen = []
        with pytest.raises(ProtocolError) as exc:
            for group in iter_groups(chunks):
                seen.append(group)
        message = str(exc.value)
        assert message.startswith(
            f"the duplicates listing is not valid JSON (after {groups_before} groups): "
        )
        assert expected in message and "\n" not in message
        assert len(seen) == groups_before


def test_an_unpaired_surrogate_becomes_a_question_mark() -> None:
    """Valid JSON, but not text (it cannot be written back as UTF-8): replaced, as ijson did."""
    name = b'"x\\ud800y\\ud83d\\ude00.jpg"'  # a lone high surrogate, then a pair
    data = b'[{"duplicateId": "g1", "assets": [{"id": "a1", "originalFileName": ' + name + b"}]}]"
    for chunks in ([data], [data[:60], data[60:]], [data[i : i + 1] for i in range(len(data))]):
        (group,) = iter_groups(chunks)
        assert group.assets[0].original_file_name == "x?y\U0001f600.jpg"
