"""Pure: turn an ``AssetFacts`` into named facts, and score it under a ``Policy``.

A *fact* is something a deletion could lose: GPS, capture date, camera, lens, exposure,
pixels, people, the live-photo motion part, and the Immich-side facts (favourite, rating,
description, archive, albums, tags). Each is either present, with a short display value,
or missing (None). Empty strings, zeros where zero means "unknown" (ISO, focal length,
f-number, rating) and the 0,0 position some apps write instead of "no GPS" count as
missing.

A score is the sum of the policy weights of the present facts plus three tie-breakers
(pixels, format, file size), each a fraction of its small weight, so they only ever decide
between copies whose facts score the same. The breakdown lists every item that earned
points and adds up to the score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs

from immich_dedupe.facts import AssetFacts
from immich_dedupe.policy import WEIGHTED_FACTS, Policy

__all__ = [
    "FACTS",
    "LABELS",
    "fact_values",
    "file_format",
    "gps_position",
    "pixel_count",
    "score_asset",
    "score_facts",
]

# Every named fact, in display order (``pixels`` scores only through its tie-breaker).
FACTS: tuple[str, ...] = (*WEIGHTED_FACTS[:11], "pixels", *WEIGHTED_FACTS[11:])

# How a fact is named in a sentence.
LABELS: Mapping[str, str] = {
    "gps": "GPS",
    "place": "place",
    "time_zone": "time zone",
    "capture_date": "capture date",
    "camera_make": "camera make",
    "camera_model": "camera model",
    "lens": "lens",
    "f_number": "f-number",
    "exposure_time": "exposure time",
    "iso": "ISO",
    "focal_length": "focal length",
    "pixels": "pixels",
    "people": "people",
    "live_photo": "live-photo motion part",
    "description": "description",
    "rating": "rating",
    "favorite": "favourite",
    "visibility": "archive",
    "albums": "albums",
    "tags": "tags",
}

# Tie-breaker scales: the size at which an asset earns half of the tie-breaker's points.
_HALF_PIXELS = 12_000_000
_HALF_BYTES = 4 * 1024 * 1024

# File formats, best first: the camera's own output beats a re-encode. (label, fraction)
_RAW = ("dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "orf", "rw2", "raf", "srw", "pef")
_RAW += ("x3f", "3fr", "erf", "kdc", "mrw", "iiq", "rwl", "dcr", "raw")
_FORMATS: dict[str, tuple[str, float]] = {ext: (f"RAW ({ext.upper()})", 1.0) for ext in _RAW}
_FORMATS |= {
    "heic": ("HEIC", 0.8),
    "heif": ("HEIF", 0.8),
    "hif": ("HEIF", 0.8),
    "avif": ("AVIF", 0.8),
    "jxl": ("JPEG XL", 0.7),
    "jpg": ("JPEG", 0.6),
    "jpeg": ("JPEG", 0.6),
    "jpe": ("JPEG", 0.6),
    "tif": ("TIFF", 0.6),
    "tiff": ("TIFF", 0.6),
    "mov": ("MOV", 0.6),
    "mp4": ("MP4", 0.5),
    "m4v": ("MP4", 0.5),
    "mts": ("MTS", 0.6),
    "m2ts": ("MTS", 0.6),
    "insv": ("INSV", 0.6),
    "3gp": ("3GP", 0.3),
    "mkv": ("MKV", 0.3),
    "webm": ("WebM", 0.3),
    "avi": ("AVI", 0.3),
    "png": ("PNG", 0.2),
    "webp": ("WebP", 0.2),
    "gif": ("GIF", 0.2),
    "bmp": ("BMP", 0.2),
}
_MIME_EXT = {
    "image/jpeg": "jpg",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/tiff": "tiff",
    "image/dng": "dng",
    "image/x-adobe-dng": "dng",
    "video/quicktime": "mov",
    "video/mp4": "mp4",
}


def gps_position(asset: AssetFacts) -> tuple[float, float] | None:
    """(latitude, longitude), or None when missing, out of range, or the 0,0 placeholder."""
    lat, lon = asset.latitude, asset.longitude
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lat, lon


def pixel_count(asset: AssetFacts) -> int | None:
    """Width x height (asset-level, else EXIF), or None when unknown. Rotation does not matter."""
    for w, h in ((asset.width, asset.height), (asset.exif_width, asset.exif_height)):
        if w and h and w > 0 and h > 0:
            return w * h
    return None


def file_format(asset: AssetFacts) -> tuple[str, float]:
    """(label, fraction 0..1) of the file format; unknown formats get ("unknown", 0)."""
    name = asset.original_file_name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _FORMATS and asset.original_mime_type:
        ext = _MIME_EXT.get(asset.original_mime_type.lower(), ext)
    return _FORMATS.get(ext, ("unknown", 0.0))


_INF = math.inf
_NO_EXPOSURE = ("0", "0/1")


def fact_values(asset: AssetFacts) -> dict[str, str | None]:
    """Every fact in ``FACTS`` order: a short display value, or None when missing."""
    # Hot (every asset of every group): helpers inlined. ``t and t.strip() or None`` is
    # _text(t); ``0 < v < _INF`` is _num's test (also False for NaN).
    a = asset
    lat, lon = a.latitude, a.longitude
    gps = None
    if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180 and (lat or lon):
        gps = f"{lat:.5f}, {lon:.5f}"  # gps_position: in range and not the 0,0 placeholder
    city, state, country = a.city, a.state, a.country
    place = ", ".join(
        filter(None, (city and city.strip(), state and state.strip(), country and country.strip()))
    )
    exposure = a.exposure_time
    exposure = exposure and exposure.strip()
    f_number, iso, focal = a.f_number, a.iso, a.focal_length
    w, h = a.width, a.height
    if not (w and h and w > 0 and h > 0):
        w, h = a.exif_width, a.exif_height
    n_people = len(a.people)
    zone, date, make, model, lens = a.time_zone, a.date_time_original, a.make, a.model, a.lens_model
    live, description, rating, albums, tags = a.live_photo_video_id, a.description, a.rating, a.albums, a.tags
    return {
        "gps": gps,
        "place": place or None,
        "time_zone": zone and zone.strip() or None,
        "capture_date": date and date.strip() or None,
        "camera_make": make and make.strip() or None,
        "camera_model": model and model.strip() or None,
        "lens": lens and lens.strip() or None,
        "f_number": f"f/{f_number:g}" if f_number is not None and 0 < f_number < _INF else None,
        "exposure_time": f"{exposure} s" if exposure and exposure not in _NO_EXPOSURE else None,
        "iso": f"ISO {iso:g}" if iso is not None and 0 < iso < _INF else None,
        "focal_length": f"{focal:g} mm" if focal is not None and 0 < focal < _INF else None,
        "pixels": f"{w}x{h}" if w and h and w > 0 and h > 0 else None,  # asset-level, else EXIF
        "people": (f"{n_people} person" if n_people == 1 else f"{n_people} people") if n_people else None,
        "live_photo": live and live.strip() or None,
        "description": description and description.strip() or None,
        # -1 means "rejected" and 0 "no rating"; Immich's merge ignores both.
        "rating": f"{rating} of 5" if rating and rating > 0 else None,
        "favorite": "favourite" if a.is_favorite else None,
        "visibility": "archive" if a.visibility == "archive" else None,
        "albums": (f"{len(albums)} album" + ("s" if len(albums) > 1 else "")) if albums else None,
        "tags": ", ".join(tags) if tags else None,
    }


@attrs.frozen
class _PolicyParts:
    """What scoring needs of a policy, looked up once: the non-zero weights in WEIGHTED_FACTS
    order, the tie-breakers, and tie-breaker points already computed (``round`` is not cheap):
    per format fraction, and per pixel count seen (sizes repeat: 4032x3024 is common)."""

    weighted: tuple[tuple[str, float], ...]
    tie_pixels: float
    tie_size: float
    format_points: dict[float, float]
    pixel_points: dict[int, float]


_MAX_PIXEL_POINTS = 4096  # distinct pixel counts remembered per policy
# For the last policy seen: a plan scores thousands of assets under one policy (frozen).
_parts_of: tuple[Policy | None, _PolicyParts | None] = (None, None)


def _policy_parts(policy: Policy) -> _PolicyParts:
    global _parts_of
    cached, parts = _parts_of
    if cached is not policy or parts is None:
        weights = policy.weights
        ties = policy.tie_breakers
        fractions = {fraction for _, fraction in _FORMATS.values()} | {0.0}
        parts = _PolicyParts(
            weighted=tuple((name, weights[name]) for name in WEIGHTED_FACTS if weights[name]),
            tie_pixels=ties["pixels"],
            tie_size=ties["file_size"],
            format_points={f: round(ties["format"] * f, 6) for f in fractions},
            pixel_points={},
        )
        _parts_of = (policy, parts)
    return parts


def score_facts(
    asset: AssetFacts, facts: Mapping[str, str | None], policy: Policy
) -> tuple[float, dict[str, float]]:
    """Score ``asset`` whose ``fact_values`` are ``facts`` (lets a caller compute them once)."""
    # Hot: pixel_count and file_format are inlined (same rules, same results).
    cached, parts = _parts_of
    if cached is not policy or parts is None:
        parts = _policy_parts(policy)
    breakdown = {name: weight for name, weight in parts.weighted if facts[name] is not None}
    # "pixels", "format", "file_size": each a fraction of its small weight
    w, h = asset.width, asset.height
    if not (w and h and w > 0 and h > 0):
        w, h = asset.exif_width, asset.exif_height
    pixels = w * h if w and h and w > 0 and h > 0 else 0
    memo = parts.pixel_points
    points = memo.get(pixels)
    if points is None:
        points = round(parts.tie_pixels * (pixels / (pixels + _HALF_PIXELS)), 6)
        if len(memo) < _MAX_PIXEL_POINTS:
            memo[pixels] = points
    if points:
        breakdown["pixels"] = points
    name = asset.original_file_name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    fmt = _FORMATS.get(ext)
    if fmt is None and asset.original_mime_type:
        fmt = _FORMATS.get(_MIME_EXT.get(asset.original_mime_type.lower(), ext))
    points = parts.format_points[fmt[1] if fmt is not None else 0.0]
    if points:
        breakdown["format"] = points
    size = asset.file_size
    if size and size > 0:
        points = round(parts.tie_size * (size / (size + _HALF_BYTES)), 6)
        if points:
            breakdown["file_size"] = points
    return round(math.fsum(breakdown.values()), 6), breakdown


def score_asset(asset: AssetFacts, policy: Policy) -> tuple[float, dict[str, float]]:
    """(score, breakdown): points per present fact and per tie-breaker, adding up to the score."""
    return score_facts(asset, fact_values(asset), policy)
