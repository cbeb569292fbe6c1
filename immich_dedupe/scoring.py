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


def _dimensions(asset: AssetFacts) -> str | None:
    for w, h in ((asset.width, asset.height), (asset.exif_width, asset.exif_height)):
        if w and h and w > 0 and h > 0:
            return f"{w}x{h}"
    return None


def file_format(asset: AssetFacts) -> tuple[str, float]:
    """(label, fraction 0..1) of the file format; unknown formats get ("unknown", 0)."""
    name = asset.original_file_name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _FORMATS and asset.original_mime_type:
        ext = _MIME_EXT.get(asset.original_mime_type.lower(), ext)
    return _FORMATS.get(ext, ("unknown", 0.0))


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _num(value: float | None, fmt: str) -> str | None:
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return fmt.format(value)


def fact_values(asset: AssetFacts) -> dict[str, str | None]:
    """Every fact in ``FACTS`` order: a short display value, or None when missing."""
    pos = gps_position(asset)
    place = ", ".join(p for p in (_text(asset.city), _text(asset.state), _text(asset.country)) if p)
    exposure = _text(asset.exposure_time)
    n_people = len(asset.people)
    return {
        "gps": f"{pos[0]:.5f}, {pos[1]:.5f}" if pos else None,
        "place": place or None,
        "time_zone": _text(asset.time_zone),
        "capture_date": _text(asset.date_time_original),
        "camera_make": _text(asset.make),
        "camera_model": _text(asset.model),
        "lens": _text(asset.lens_model),
        "f_number": _num(asset.f_number, "f/{:g}"),
        "exposure_time": f"{exposure} s" if exposure and exposure not in ("0", "0/1") else None,
        "iso": _num(asset.iso, "ISO {:g}"),
        "focal_length": _num(asset.focal_length, "{:g} mm"),
        "pixels": _dimensions(asset),
        "people": (f"{n_people} person" if n_people == 1 else f"{n_people} people") if n_people else None,
        "live_photo": _text(asset.live_photo_video_id),
        "description": _text(asset.description),
        # -1 means "rejected" and 0 "no rating"; Immich's merge ignores both.
        "rating": f"{asset.rating} of 5" if asset.rating and asset.rating > 0 else None,
        "favorite": "favourite" if asset.is_favorite else None,
        "visibility": "archive" if asset.visibility == "archive" else None,
        "albums": (f"{len(asset.albums)} album" + ("s" if len(asset.albums) > 1 else ""))
        if asset.albums
        else None,
        "tags": ", ".join(asset.tags) if asset.tags else None,
    }


def score_facts(
    asset: AssetFacts, facts: Mapping[str, str | None], policy: Policy
) -> tuple[float, dict[str, float]]:
    """Score ``asset`` whose ``fact_values`` are ``facts`` (lets a caller compute them once)."""
    breakdown: dict[str, float] = {}
    for name in WEIGHTED_FACTS:
        weight = policy.weights[name]
        if weight and facts[name] is not None:
            breakdown[name] = weight
    ties = policy.tie_breakers
    pixels = pixel_count(asset) or 0
    size = asset.file_size if asset.file_size and asset.file_size > 0 else 0
    fractions = {
        "pixels": pixels / (pixels + _HALF_PIXELS),
        "format": file_format(asset)[1],
        "file_size": size / (size + _HALF_BYTES),
    }
    for name, fraction in fractions.items():
        points = round(ties[name] * fraction, 6)
        if points:
            breakdown[name] = points  # "pixels", "format", "file_size"
    return round(math.fsum(breakdown.values()), 6), breakdown


def score_asset(asset: AssetFacts, policy: Policy) -> tuple[float, dict[str, float]]:
    """(score, breakdown): points per present fact and per tie-breaker, adding up to the score."""
    return score_facts(asset, fact_values(asset), policy)
