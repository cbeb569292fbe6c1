"""Regenerate ``example-duplicates.json``: a small, realistic saved ``GET /api/duplicates`` answer.

Run ``python immich_dedupe/data/make_example.py`` after changing a case below; the test
``tests/e2e/test_analyze_example.py`` fails when the committed file differs from what this
writes, and checks the file against the Immich 3.1.0 spec (``DuplicateResponseDto``).

Every value is derived from a label, so the output is the same on every run. The shapes are
what Immich 3.1 sends: the full ``exifInfo`` object (nulls included), ``tags``, an empty
``people`` list, no ``stack``/``owner``, integer ``duration`` in ms (null for photos), and
``suggestedKeepAssetIds`` by Immich's rule (largest file, then most EXIF values).

The cases (what ``analyze`` makes of them with the built-in policy):

1. seed: a 1.2 MiB HEIC with GPS, time zone and camera vs a 2.5 MiB JPEG copy without them;
   Immich keeps the larger copy, we keep the small original and lose nothing (resolve).
2. lens: the better-scored copy lacks the lens model only the other copy has (review).
3. gps-conflict: two copies geotagged 340 km apart (review).
4. zone-shift: the same instant, one copy with its time zone and one without: a 2 h shift
   of the written time, not a conflict (resolve).
5. video: a phone video and a messenger re-encode of it (resolve, as Immich would).
6. no-exif: a copy with no ``exifInfo`` at all, as 2.x servers could list it (resolve).
7. three: a camera original, a cloud export without camera data and a small web export.
8. carried: the stripped copy is the favourite, rated and tagged; those are carried over to
   the keeper, so nothing is lost (resolve; Immich keeps the larger stripped copy).
9. live: a live-photo still (with its motion part) vs a larger exported JPEG (resolve).

Albums are not part of ``GET /duplicates``; they show up only when analysing a server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("example-duplicates.json")
MiB = 1024 * 1024

OWNER = "5b0d5c8e-6f4a-4c57-9a1e-2f3b8d7c6e01"

_EXIF_KEYS = (
    "city",
    "country",
    "dateTimeOriginal",
    "description",
    "exifImageHeight",
    "exifImageWidth",
    "exposureTime",
    "fNumber",
    "fileSizeInByte",
    "focalLength",
    "iso",
    "latitude",
    "lensModel",
    "longitude",
    "make",
    "model",
    "modifyDate",
    "orientation",
    "projectionType",
    "rating",
    "state",
    "timeZone",
)

_MIME = {
    "heic": "image/heic",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}


def uid(label: str) -> str:
    """A version-4 UUID derived from ``label`` (Immich 3.x rejects other versions)."""
    return str(uuid.UUID(bytes=hashlib.sha256(label.encode()).digest()[:16], version=4))


def sha1_b64(label: str) -> str:
    return base64.b64encode(hashlib.sha1(label.encode()).digest()).decode()  # noqa: S324 - Immich's checksum


def thumbhash(label: str) -> str:
    return base64.b64encode(hashlib.sha256(label.encode()).digest()[:24]).decode()


def asset(
    label: str,
    name: str,
    *,
    group: str,
    taken: str,
    size: int,
    exif: dict[str, Any] | None,
    width: int = 4032,
    height: int = 3024,
    kind: str = "IMAGE",
    duration_ms: int | None = None,
    favorite: bool = False,
    tags: tuple[str, ...] = (),
    live_photo: bool = False,
) -> dict[str, Any]:
    """One AssetResponseDto as it appears in GET /duplicates. ``taken`` is the local wall time."""
    asset_id = uid(label)
    ext = name.rsplit(".", 1)[-1].lower()
    day = taken[:10]
    uploaded = f"{day}T21:14:03.512Z"
    out: dict[str, Any] = {
        "id": asset_id,
        "ownerId": OWNER,
        "type": kind,
        "originalFileName": name,
        "originalPath": f"/data/library/admin/{day[:4]}/{day}/{name}",
        "originalMimeType": _MIME[ext],
        "checksum": sha1_b64(label),
        "thumbhash": thumbhash(label),
        "fileCreatedAt": (exif or {}).get("dateTimeOriginal") or f"{taken}.000Z",
        "fileModifiedAt": f"{taken}.000Z",
        "localDateTime": f"{taken}.000Z",
        "createdAt": uploaded,
        "updatedAt": uploaded,
        "isFavorite": favorite,
        "isArchived": False,
        "isTrashed": False,
        "isOffline": False,
        "isEdited": False,
        "hasMetadata": True,
        "visibility": "timeline",
        "width": width,
        "height": height,
        "duration": duration_ms,
        "duplicateId": uid(group),
        "libraryId": None,
        "livePhotoVideoId": uid(label + "/motion") if live_photo else None,
        "tags": [_tag(t) for t in tags],
        "people": [],
    }
    if exif is not None:
        full = {key: None for key in _EXIF_KEYS}
        full.update(fileSizeInByte=size, exifImageWidth=width, exifImageHeight=height)
        full.update(exif)
        out["exifInfo"] = full
    return out


def _tag(value: str) -> dict[str, Any]:
    tag = {
        "id": uid("tag/" + value),
        "name": value.rsplit("/", 1)[-1],
        "value": value,
        "createdAt": "2024-01-02T10:00:00.000Z",
        "updatedAt": "2024-01-02T10:00:00.000Z",
    }
    if "/" in value:  # a top-level tag has no parentId at all (not null: the spec says string)
        tag["parentId"] = uid("tag/" + value.rsplit("/", 1)[0])
    return tag


def iphone(
    taken_utc: str, zone: str, lat: float, lon: float, city: str, state: str, country: str
) -> dict[str, Any]:
    return {
        "make": "Apple",
        "model": "iPhone 13 Pro",
        "lensModel": "iPhone 13 Pro back triple camera 5.7mm f/1.5",
        "fNumber": 1.5,
        "exposureTime": "1/121",
        "iso": 50,
        "focalLength": 5.7,
        "dateTimeOriginal": taken_utc,
        "modifyDate": taken_utc,
        "timeZone": zone,
        "latitude": lat,
        "longitude": lon,
        "city": city,
        "state": state,
        "country": country,
        "orientation": "6",
    }


def immich_pick(assets: list[dict[str, Any]]) -> list[str]:
    """Immich's rule: largest fileSizeInByte, then most truthy exifInfo values; last wins."""

    def key(item: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
        i, a = item
        exif = a.get("exifInfo") or {}
        return (
            exif.get("fileSizeInByte") or 0,
            sum(1 for v in exif.values() if v not in (None, "", 0, False)),
            i,
        )

    return [max(enumerate(assets), key=key)[1]["id"]]


def group(label: str, *assets: dict[str, Any]) -> dict[str, Any]:
    ordered = sorted(assets, key=lambda a: a["localDateTime"])  # the server's order
    return {"duplicateId": uid(label), "assets": ordered, "suggestedKeepAssetIds": immich_pick(ordered)}


def cases() -> list[dict[str, Any]]:
    lisbon = iphone(
        "2023-06-14T17:42:10.000Z", "Europe/Lisbon", 38.7139, -9.1394, "Lisbon", "Lisbon", "Portugal"
    )
    seed = group(
        "g/seed",
        asset(
            "seed/heic",
            "IMG_4211.HEIC",
            group="g/seed",
            taken="2023-06-14T18:42:10",
            size=1_258_291,
            exif=lisbon,
        ),
        asset(
            "seed/jpg",
            "IMG_4211.jpg",
            group="g/seed",
            taken="2023-06-14T18:42:10",
            size=int(2.5 * MiB),
            exif={"orientation": "1"},
        ),
    )
    lumix = {
        "make": "Panasonic",
        "model": "DMC-GX80",
        "fNumber": 4.0,
        "exposureTime": "1/250",
        "iso": 200,
        "focalLength": 14.0,
        "dateTimeOriginal": "2022-09-03T09:15:42.000Z",
        "modifyDate": "2022-09-03T09:15:42.000Z",
        "orientation": "1",
    }
    lens = group(
        "g/lens",
        asset(
            "lens/geotagged",
            "P1030456.JPG",
            group="g/lens",
            taken="2022-09-03T11:15:42",
            size=6_120_448,
            width=4592,
            height=3448,
            exif={
                **lumix,
                "timeZone": "Europe/Vienna",
                "latitude": 47.2692,
                "longitude": 11.4041,
                "city": "Innsbruck",
                "state": "Tyrol",
                "country": "Austria",
            },
        ),
        asset(
            "lens/camera",
            "P1030456 (camera card).JPG",
            group="g/lens",
            taken="2022-09-03T11:15:42",
            size=6_118_912,
            width=4592,
            height=3448,
            exif={**lumix, "lensModel": "LUMIX G VARIO 12-32/F3.5-5.6"},
        ),
    )
    paris = iphone(
        "2021-04-22T08:03:55.000Z", "Europe/Paris", 48.8606, 2.3376, "Paris", "Île-de-France", "France"
    )
    gps = group(
        "g/gps",
        asset(
            "gps/phone",
            "IMG_1907.HEIC",
            group="g/gps",
            taken="2021-04-22T10:03:55",
            size=2_301_552,
            exif=paris,
        ),
        asset(
            "gps/retagged",
            "IMG_1907.jpg",
            group="g/gps",
            taken="2021-04-22T10:03:55",
            size=2_298_880,
            exif={**paris, "latitude": 51.5007, "longitude": -0.1246, "city": "London", "state": "England"},
        ),
    )
    berlin = iphone(
        "2023-08-12T12:05:09.000Z", "Europe/Berlin", 52.5163, 13.3777, "Berlin", "Berlin", "Germany"
    )
    shifted = {k: berlin[k] for k in ("make", "model", "orientation")}
    zone = group(
        "g/zone",
        asset(
            "zone/phone",
            "IMG_2630.HEIC",
            group="g/zone",
            taken="2023-08-12T14:05:09",
            size=1_804_002,
            exif=berlin,
        ),
        asset(
            "zone/edited",
            "IMG_2630-edited.jpg",
            group="g/zone",
            taken="2023-08-12T14:05:09",
            size=1_702_400,
            # The editor wrote the local wall time without an offset: Immich reads it as UTC.
            exif={
                **shifted,
                "dateTimeOriginal": "2023-08-12T14:05:09.000Z",
                "modifyDate": "2023-08-12T14:05:09.000Z",
            },
        ),
    )
    clip = {
        "make": "samsung",
        "model": "SM-G991B",
        "dateTimeOriginal": "2022-07-04T16:15:33.000Z",
        "modifyDate": "2022-07-04T16:15:33.000Z",
        "timeZone": "Europe/Madrid",
        "latitude": 41.4036,
        "longitude": 2.1744,
        "city": "Barcelona",
        "state": "Catalonia",
        "country": "Spain",
    }
    video = group(
        "g/video",
        asset(
            "video/phone",
            "VID_20220704_181533.mp4",
            group="g/video",
            taken="2022-07-04T18:15:33",
            size=48_623_104,
            width=1920,
            height=1080,
            kind="VIDEO",
            duration_ms=15_040,
            exif=clip,
        ),
        asset(
            "video/messenger",
            "VID-20220704-WA0007.mp4",
            group="g/video",
            taken="2022-07-04T18:15:33",
            size=6_012_928,
            width=848,
            height=480,
            kind="VIDEO",
            duration_ms=15_040,
            exif={},
        ),
    )
    garden = iphone(
        "2020-05-30T15:20:01.000Z", "Europe/London", 51.4787, -0.2956, "Richmond", "England", "United Kingdom"
    )
    no_exif = group(
        "g/noexif",
        asset(
            "noexif/phone",
            "IMG_0412.HEIC",
            group="g/noexif",
            taken="2020-05-30T16:20:01",
            size=1_950_311,
            exif=garden,
        ),
        asset(
            "noexif/copy",
            "IMG_0412.jpeg",
            group="g/noexif",
            taken="2020-05-30T16:20:01",
            size=2_140_222,
            exif=None,
        ),
    )
    canon = {
        "make": "Canon",
        "model": "Canon EOS 80D",
        "lensModel": "EF-S18-135mm f/3.5-5.6 IS USM",
        "fNumber": 8.0,
        "exposureTime": "1/400",
        "iso": 100,
        "focalLength": 35.0,
        "dateTimeOriginal": "2019-08-18T10:31:07.000Z",
        "modifyDate": "2019-08-18T10:31:07.000Z",
        "timeZone": "Europe/Rome",
        "latitude": 46.6186,
        "longitude": 11.8955,
        "city": "Cortina d'Ampezzo",
        "state": "Veneto",
        "country": "Italy",
        "orientation": "1",
    }
    three = group(
        "g/three",
        asset(
            "three/camera",
            "IMG_0788.JPG",
            group="g/three",
            taken="2019-08-18T12:31:07",
            size=7_340_032,
            width=6000,
            height=4000,
            exif=canon,
        ),
        asset(
            "three/cloud",
            "IMG_0788(1).JPG",
            group="g/three",
            taken="2019-08-18T12:31:07",
            size=7_516_160,
            width=6000,
            height=4000,
            exif={
                k: canon[k]
                for k in ("dateTimeOriginal", "timeZone", "latitude", "longitude", "city", "state", "country")
            },
        ),
        asset(
            "three/web",
            "IMG_0788-web.jpg",
            group="g/three",
            taken="2019-08-18T12:31:07",
            size=402_113,
            width=1600,
            height=1067,
            exif={"orientation": "1"},
        ),
    )
    picnic = iphone(
        "2024-04-07T11:48:30.000Z",
        "Europe/Amsterdam",
        52.3580,
        4.8686,
        "Amsterdam",
        "North Holland",
        "Netherlands",
    )
    carried = group(
        "g/carried",
        asset(
            "carried/phone",
            "IMG_7310.HEIC",
            group="g/carried",
            taken="2024-04-07T13:48:30",
            size=2_011_540,
            exif=picnic,
        ),
        asset(
            "carried/shared",
            "IMG_7310.JPG",
            group="g/carried",
            taken="2024-04-07T13:48:30",
            size=3_145_728,
            favorite=True,
            tags=("Family", "Family/Picnic"),
            exif={"rating": 5, "description": "Picnic with grandma", "orientation": "1"},
        ),
    )
    kyoto = iphone("2023-11-19T02:12:44.000Z", "Asia/Tokyo", 34.9671, 135.7727, "Kyoto", "Kyoto", "Japan")
    live = group(
        "g/live",
        asset(
            "live/still",
            "IMG_5501.HEIC",
            group="g/live",
            taken="2023-11-19T11:12:44",
            size=1_697_382,
            exif=kyoto,
            live_photo=True,
        ),
        asset(
            "live/export",
            "IMG_5501.jpg",
            group="g/live",
            taken="2023-11-19T11:12:44",
            size=3_932_160,
            exif={k: kyoto[k] for k in ("make", "model", "dateTimeOriginal", "timeZone", "orientation")},
        ),
    )
    # Group order is whatever the server's database returns: deliberately not sorted.
    return [three, seed, video, lens, live, zone, carried, gps, no_exif]


def render() -> bytes:
    return (json.dumps(cases(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


if __name__ == "__main__":
    OUT.write_bytes(render())
    print(f"wrote {OUT}")
