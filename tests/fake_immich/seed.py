"""``seed_library``: a realistic, deterministic library of duplicate groups for e2e tests and benchmarks.

Group sizes 2–5 (mean ≈ 2.26, so 2,000 groups ≈ 4,500 assets). Each group has one camera original
and variants of it, the way duplicates arise in real libraries: exact re-uploads, larger stripped
re-encodes (no EXIF but more bytes, so Immich's size rule prefers them), smaller exports and
messenger copies, with nulls and missing EXIF fields, videos, live photos, favourites, ratings,
descriptions, archived assets, albums, tags, people, a trashed member now and then, and
external-library assets. The same seed always gives the same library (ids included, given the
same state seed and the same earlier calls).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

import attrs

from tests.fake_immich.model import Album, Asset, Tag, User
from tests.fake_immich.state import State

__all__ = ["Library", "seed_library"]

_CAMERAS: tuple[tuple[str, str, str | None], ...] = (
    ("Apple", "iPhone 13 Pro", "iPhone 13 Pro back triple camera 5.7mm f/1.5"),
    ("Apple", "iPhone 8", "iPhone 8 back camera 3.99mm f/1.8"),
    ("samsung", "SM-G991B", None),
    ("Google", "Pixel 7", None),
    ("Canon", "Canon EOS 80D", "EF-S18-135mm f/3.5-5.6 IS USM"),
    ("SONY", "ILCE-7M3", "FE 24-105mm F4 G OSS"),
    ("FUJIFILM", "X-T30", "XF35mmF2 R WR"),
    ("NIKON CORPORATION", "NIKON D750", "24.0-120.0 mm f/4.0"),
)
_PLACES: tuple[tuple[float, float, str, str, str, str], ...] = (
    (48.8584, 2.2945, "Paris", "Île-de-France", "France", "Europe/Paris"),
    (52.52, 13.405, "Berlin", "Berlin", "Germany", "Europe/Berlin"),
    (40.7128, -74.006, "New York", "New York", "United States of America", "America/New_York"),
    (35.6762, 139.6503, "Tokyo", "Tokyo", "Japan", "Asia/Tokyo"),
    (-33.8688, 151.2093, "Sydney", "New South Wales", "Australia", "Australia/Sydney"),
    (41.9028, 12.4964, "Rome", "Lazio", "Italy", "Europe/Rome"),
    (59.3293, 18.0686, "Stockholm", "Stockholm", "Sweden", "Europe/Stockholm"),
)
_TAGS = ("Family", "Holiday", "Places/Paris", "Places/Tokyo", "Pets", "Best", "Events/Wedding", "Screenshots")
_SIZES = ((2, 0.82), (3, 0.12), (4, 0.04), (5, 0.02))


@attrs.frozen(kw_only=True)
class Library:
    """What ``seed_library`` made: groups in creation order (each as created, oldest first)."""

    groups: tuple[tuple[Asset, ...], ...]
    albums: tuple[Album, ...]
    tags: tuple[Tag, ...]

    @property
    def asset_count(self) -> int:
        return sum(len(g) for g in self.groups)


def _group_size(rng: random.Random) -> int:
    roll = rng.random()
    for size, p in _SIZES:
        if roll < p:
            return size
        roll -= p
    return 2


def seed_library(
    state: State,
    n_groups: int,
    *,
    owner: User | str,
    seed: int = 0,
    original_size: int = 16 * 1024,
) -> Library:
    """Add ``n_groups`` duplicate groups owned by ``owner``. ``original_size`` is the typical size in
    bytes of a camera original (variants are 0.3×–1.6× of it; videos 2×)."""
    rng = random.Random(seed)
    with state.lock:
        albums = tuple(state.add_album(owner, f"Album {i + 1}") for i in range(max(3, n_groups // 50)))
        tags = tuple(state.add_tag(owner, value) for value in _TAGS)
        groups: list[tuple[Asset, ...]] = []
        start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
        for index in range(n_groups):
            taken = start + dt.timedelta(seconds=rng.randrange(10 * 365 * 86400))
            specs = _group_specs(rng, index, taken, original_size, albums, tags)
            members = state.make_group(owner, specs)
            groups.append(tuple(members))
        return Library(groups=tuple(groups), albums=albums, tags=tags)


def _group_specs(
    rng: random.Random,
    index: int,
    taken: dt.datetime,
    original_size: int,
    albums: Sequence[Album],
    tags: Sequence[Tag],
) -> list[dict[str, Any]]:
    kind = rng.choices(("photo", "video", "live"), weights=(85, 9, 6))[0]
    make, model, lens = rng.choice(_CAMERAS)
    place = rng.choice(_PLACES) if rng.random() < 0.6 else None
    has_tz = place is not None or rng.random() < 0.5
    base_size = max(64, int(original_size * rng.uniform(0.6, 1.4)))
    if kind == "video":
        base_size *= 2
    stem = f"{'VID' if kind == 'video' else 'IMG'}_{index:05d}"
    ext = rng.choice((".mp4", ".MOV")) if kind == "video" else rng.choice((".jpg", ".HEIC", ".jpg", ".JPG"))
    tz = place[5] if place else rng.choice(("Europe/London", "America/Chicago", "UTC+2"))
    offset = dt.timedelta(hours=rng.choice((-5, 0, 1, 2, 9, 10)))
    local = taken + offset
    full_exif: dict[str, Any] = {
        "make": make,
        "model": model,
        "lensModel": lens,
        "dateTimeOriginal": taken,
        "modifyDate": taken,
        "timeZone": tz if has_tz else None,
        "exifImageWidth": 4032 if kind != "video" else 1920,
        "exifImageHeight": 3024 if kind != "video" else 1080,
        "orientation": rng.choice(("1", "6", None)),
        "fNumber": rng.choice((1.5, 1.8, 2.8, 4.0)),
        "focalLength": rng.choice((4.2, 5.7, 24.0, 35.0, 50.0)),
        "iso": rng.choice((50, 100, 200, 400, 1600)),
        "exposureTime": rng.choice(("1/60", "1/125", "1/500", "1/2000")),
        "projectionType": None,
    }
    if place:
        lat, lon, city, region, country, _ = place
        full_exif.update(
            latitude=round(lat + rng.uniform(-0.01, 0.01), 6),
            longitude=round(lon + rng.uniform(-0.01, 0.01), 6),
            city=city,
            state=region,
            country=country,
        )
    if rng.random() < 0.15:  # missing fields on the camera original too
        for field in rng.sample(sorted(full_exif), k=3):
            full_exif[field] = None
    n = _group_size(rng)
    variants = ["original"] + rng.choices(
        ("copy", "reencode", "export", "messenger"), weights=(30, 30, 25, 15), k=n - 1
    )
    rng.shuffle(variants)  # the camera original is not always the oldest upload
    specs = []
    for i, variant in enumerate(variants):
        spec: dict[str, Any] = {
            "type": "VIDEO" if kind == "video" else "IMAGE",
            "taken_at": taken + dt.timedelta(seconds=i),
            "local_date_time": local + dt.timedelta(seconds=i),
        }
        exif = dict(full_exif)
        size = base_size
        name = stem + ext
        if variant == "copy":
            name = f"{stem} ({i}){ext}"
        elif variant == "reencode":  # stripped and larger: Immich's size rule picks it
            size = int(base_size * rng.uniform(1.1, 1.6))
            exif = {
                "exifImageWidth": full_exif["exifImageWidth"],
                "exifImageHeight": full_exif["exifImageHeight"],
            }
            name = f"{stem}-edited{'.mp4' if kind == 'video' else '.jpg'}"
            later = taken + dt.timedelta(days=rng.randrange(1, 400))
            spec["taken_at"], spec["local_date_time"] = later, later
        elif variant == "export":
            size = int(base_size * rng.uniform(0.4, 0.9))
            exif = {
                k: v
                for k, v in full_exif.items()
                if k not in ("latitude", "longitude", "city", "state", "country")
            }
            exif["exifImageWidth"], exif["exifImageHeight"] = 2048, 1536
            name = f"{stem}_export.jpg" if kind != "video" else f"{stem}_export.mp4"
        elif variant == "messenger":
            size = int(base_size * rng.uniform(0.3, 0.5))
            exif = {"exifImageWidth": 1600, "exifImageHeight": 1200}
            name = f"IMG-{taken:%Y%m%d}-WA{index % 10000:04d}.jpg"
            later = taken + dt.timedelta(hours=rng.randrange(1, 48))
            spec["taken_at"], spec["local_date_time"] = later, later
        if rng.random() < 0.03:
            exif["fileSizeInByte"] = None  # a null that Immich's rule counts as 0
        spec["size"] = max(16, size)
        spec["file_name"] = name
        spec["exif"] = exif
        if kind == "live" and variant in ("original", "copy"):
            spec["live_photo"] = {"size": max(16, base_size // 2)}
        if rng.random() < 0.10:
            spec["is_favorite"] = True
        if rng.random() < 0.05:
            spec["visibility"] = "archive"
        if rng.random() < 0.10:
            spec["rating"] = rng.choice((1, 2, 3, 4, 5))
        if rng.random() < 0.08:
            spec["description"] = rng.choice(("Birthday", "At the beach\nWith grandma", "Sunset", "Best one"))
        if rng.random() < 0.20 and albums:
            spec["albums"] = rng.sample(list(albums), k=min(len(albums), rng.choice((1, 1, 2))))
        if rng.random() < 0.15 and tags:
            spec["tags"] = rng.sample(list(tags), k=rng.choice((1, 2)))
        if rng.random() < 0.05:
            spec["people"] = [_person(rng)]
        specs.append(spec)
    if index % 97 == 5:  # an external-library copy: its checksum is a hash of the path
        specs[-1]["library_id"] = "b9d3e0c7-4f2a-4c1e-9f7b-3a6d5e8c2b10"
        specs[-1]["original_path"] = f"/mnt/external/photos/{taken:%Y}/{specs[-1]['file_name']}"
    if n > 2 and rng.random() < 0.1:  # a member already in the trash: not listed, keeps its duplicateId
        specs[-1]["trashed"] = True
    if n > 2 and rng.random() < 0.02:  # an asset without an EXIF row: left out of its group
        specs[-1]["exif"] = None
    return specs


def _person(rng: random.Random) -> dict[str, Any]:
    names = ("Alice", "Bob", "Grandma", "Max")
    name = rng.choice(names)
    person_id = f"{names.index(name) + 1:08d}-0000-4000-8000-000000000000"
    return {
        "id": person_id,
        "name": name,
        "birthDate": None,
        "isHidden": False,
        "thumbnailPath": f"/data/thumbs/{person_id}.jpeg",
    }
