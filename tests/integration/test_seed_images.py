"""The integration scenario's premise, checked without a server: the seed JPEGs carry the EXIF we rely on.

If Pillow stopped writing GPS or the offset tag, the end-to-end test would fail on the server for a reason
unrelated to immich-dedupe; this catches it anywhere, in milliseconds.
"""

from __future__ import annotations

import io

from PIL import Image

from tests.integration.images import (
    DATE_TIME_ORIGINAL,
    IFD_EXIF,
    IFD_GPS,
    LATITUDE,
    LONGITUDE,
    MAKE,
    MODEL,
    OFFSET,
    TAG_DATETIME_ORIGINAL,
    TAG_MAKE,
    TAG_MODEL,
    TAG_OFFSET_TIME_ORIGINAL,
    make_pair,
)


def _exif(data: bytes) -> tuple[tuple[int, int], Image.Exif]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image.size, image.getexif()


def _degrees(dms: tuple[float, float, float]) -> float:
    return float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600


def test_small_copy_has_camera_date_offset_and_gps() -> None:
    small, _ = make_pair(seed=7)
    _, exif = _exif(small.data)
    assert (exif[TAG_MAKE], exif[TAG_MODEL]) == (MAKE, MODEL)
    sub = exif.get_ifd(IFD_EXIF)
    assert sub[TAG_DATETIME_ORIGINAL] == DATE_TIME_ORIGINAL
    assert sub[TAG_OFFSET_TIME_ORIGINAL] == OFFSET
    gps = exif.get_ifd(IFD_GPS)
    assert gps[1] == "N" and gps[3] == "E"
    assert abs(_degrees(gps[2]) - LATITUDE) < 1e-6
    assert abs(_degrees(gps[4]) - LONGITUDE) < 1e-6


def test_large_copy_is_a_bigger_reencode_of_the_same_picture_without_gps() -> None:
    small, large = make_pair(seed=7)
    small_size, _ = _exif(small.data)
    large_size, exif = _exif(large.data)
    assert large_size == small_size  # same pixels: deleting it loses no resolution
    assert len(large.data) > 1.5 * len(small.data)  # Immich's rule (largest file) would keep it
    assert not exif.get_ifd(IFD_GPS)
    assert exif[TAG_MAKE] == MAKE
    assert exif.get_ifd(IFD_EXIF)[TAG_OFFSET_TIME_ORIGINAL] == OFFSET


def test_each_run_uploads_bytes_no_server_has_seen() -> None:
    first, second = make_pair(seed=1), make_pair(seed=2)
    assert {img.sha1_hex for img in first}.isdisjoint({img.sha1_hex for img in second})
    assert make_pair(seed=1)[0].data == first[0].data  # same seed, same bytes
