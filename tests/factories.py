"""Builders for ``AssetFacts`` and ``Group`` records, shared by every test that needs them.

Ids are deterministic version-4-shaped UUIDs (Immich 3.x rejects other versions), and each
asset gets a checksum derived from its id, so two builders never collide by accident.

    photo("IMG_1.HEIC", file_size=1_200_000)          # a camera original with every fact
    bare("IMG_1.jpg", file_size=2_500_000)            # a copy that kept no metadata at all
    group(photo(...), bare(...))                      # a duplicate group in server order
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

import attrs

from immich_dedupe.facts import AssetFacts, Group

__all__ = ["FACT_FIELDS", "MiB", "asset", "bare", "checksum_of", "group", "new_id", "photo", "video"]

MiB = 1024 * 1024

_counter = itertools.count(1)


def new_id(n: int | None = None) -> str:
    """A v4-shaped UUID; ``n`` fixes it (same n, same id), else the next one of the test run."""
    if n is None:
        n = next(_counter)
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def checksum_of(asset_id: str) -> str:
    """A base64 SHA-1 (28 chars) that stands for the asset's bytes."""
    return base64.b64encode(hashlib.sha1(asset_id.encode()).digest()).decode()


def asset(name: str = "IMG_0001.jpg", **fields: Any) -> AssetFacts:
    """An asset with only what is given; ``has_exif`` is True when any EXIF field is given."""
    asset_id = fields.pop("id", None) or new_id()
    base: dict[str, Any] = {
        "id": asset_id,
        "original_file_name": name,
        "original_path": f"/upload/library/{name}",
        "checksum": checksum_of(asset_id),
        "original_mime_type": _mime_of(name),
        "local_date_time": "2023-06-01T10:00:00.000Z",
        "file_created_at": "2023-06-01T08:00:00.000Z",
    }
    base.update(fields)
    exif_fields = {a.name for a in attrs.fields(AssetFacts)} & _EXIF_FIELDS
    if "has_exif" not in fields:
        base["has_exif"] = any(base.get(k) is not None for k in exif_fields)
    if "exif_truthy_count" not in fields:
        base["exif_truthy_count"] = sum(1 for k in exif_fields if base.get(k))
    return AssetFacts(**base)


def photo(name: str = "IMG_0001.HEIC", **fields: Any) -> AssetFacts:
    """A camera original: GPS, place, time zone, capture date, camera, lens, exposure, pixels."""
    full: dict[str, Any] = {
        "file_size": int(1.2 * MiB),
        "width": 4032,
        "height": 3024,
        "exif_width": 4032,
        "exif_height": 3024,
        "date_time_original": "2023-06-01T08:00:00.000Z",
        "time_zone": "Europe/Paris",
        "latitude": 48.8584,
        "longitude": 2.2945,
        "city": "Paris",
        "state": "Île-de-France",
        "country": "France",
        "make": "Apple",
        "model": "iPhone 13",
        "lens_model": "iPhone 13 back dual wide camera 5.1mm f/1.6",
        "f_number": 1.6,
        "exposure_time": "1/120",
        "iso": 50,
        "focal_length": 5.1,
        "orientation": "1",
    }
    full.update(fields)
    return asset(name, **full)


def bare(name: str = "IMG_0001.jpg", **fields: Any) -> AssetFacts:
    """A copy that kept nothing but its pixels and size (messenger or browser re-encode)."""
    plain: dict[str, Any] = {
        "file_size": int(2.5 * MiB),
        "width": 4032,
        "height": 3024,
        "exif_width": 4032,
        "exif_height": 3024,
    }
    plain.update(fields)
    return asset(name, **plain)


def video(name: str = "VID_0001.MOV", **fields: Any) -> AssetFacts:
    """A phone video with GPS, capture date and camera."""
    full: dict[str, Any] = {
        "type": "VIDEO",
        "file_size": 40 * MiB,
        "duration_ms": 12_000,
        "width": 1920,
        "height": 1080,
        "exif_width": 1920,
        "exif_height": 1080,
        "date_time_original": "2023-06-01T08:00:00.000Z",
        "time_zone": "Europe/Paris",
        "latitude": 48.8584,
        "longitude": 2.2945,
        "make": "Apple",
        "model": "iPhone 13",
    }
    full.update(fields)
    return asset(name, **full)


def group(*assets: AssetFacts, duplicate_id: str | None = None, suggested: Any = None) -> Group:
    """A duplicate group of ``assets`` in the given (server) order; members get its id.

    ``suggested`` is the server's ``suggestedKeepAssetIds`` (None = a pre-2.7 server), or an
    ``AssetFacts`` for one id.
    """
    dup = duplicate_id or new_id()
    if isinstance(suggested, AssetFacts):
        suggested = (suggested.id,)
    elif suggested is not None:
        suggested = tuple(suggested)
    members = tuple(attrs.evolve(a, duplicate_id=dup) for a in assets)
    return Group(duplicate_id=dup, assets=members, suggested_keep_ids=suggested)


# For each named fact (``scoring.FACTS``): fields that make it present on an asset.
FACT_FIELDS: dict[str, dict[str, Any]] = {
    "gps": {"latitude": 52.52, "longitude": 13.405},
    "place": {"city": "Berlin", "country": "Germany"},
    "time_zone": {"time_zone": "Europe/Berlin"},
    "capture_date": {"date_time_original": "2023-06-01T08:00:00.000Z"},
    "camera_make": {"make": "Canon"},
    "camera_model": {"model": "EOS 5D Mark IV"},
    "lens": {"lens_model": "EF 50mm f/1.8"},
    "f_number": {"f_number": 1.8},
    "exposure_time": {"exposure_time": "1/200"},
    "iso": {"iso": 100},
    "focal_length": {"focal_length": 50.0},
    "pixels": {"width": 4000, "height": 3000},
    "people": {"people": ("person-1",)},
    "live_photo": {"live_photo_video_id": "motion-1"},
    "description": {"description": "Grandma's 80th"},
    "rating": {"rating": 4},
    "favorite": {"is_favorite": True},
    "visibility": {"visibility": "archive"},
    "albums": {"albums": ("album-1",)},
    "tags": {"tags": ("family",)},
}

_EXIF_FIELDS = {
    "file_size",
    "exif_width",
    "exif_height",
    "date_time_original",
    "time_zone",
    "latitude",
    "longitude",
    "city",
    "state",
    "country",
    "make",
    "model",
    "lens_model",
    "f_number",
    "exposure_time",
    "iso",
    "focal_length",
    "description",
    "rating",
    "orientation",
    "projection_type",
}

_MIMES = {
    "heic": "image/heic",
    "heif": "image/heif",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "dng": "image/dng",
    "cr2": "image/x-canon-cr2",
    "mov": "video/quicktime",
    "mp4": "video/mp4",
}


def _mime_of(name: str) -> str | None:
    return _MIMES.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
