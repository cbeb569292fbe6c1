"""Real JPEGs with real EXIF for the integration tests, made with Pillow.

Two encodings of the same picture, as a phone original and a messenger/browser re-encode would be:

- ``small``: quality 70, with camera (Make/Model/LensModel), capture date, time zone offset
  (OffsetTimeOriginal) **and GPS**. The copy immich-dedupe should keep.
- ``large``: quality 98 of the same pixels and dimensions, same camera and date, **no GPS**. More bytes,
  so Immich's own rule (largest file wins) would keep it and lose the location.

The pixels come from a seeded generator, so each test run uploads bytes no server has seen before.
"""

from __future__ import annotations

import hashlib
import io
import random
from fractions import Fraction

import attrs
from PIL import Image, ImageFilter

WIDTH, HEIGHT = 480, 360
MAKE, MODEL, LENS = "Testcam", "Dedupe One", "Testcam 4.2mm f/1.8"
DATE_TIME_ORIGINAL = "2023:06:15 14:30:00"
OFFSET = "+02:00"
# Paris, in degrees/minutes/seconds as EXIF stores it.
LATITUDE_DMS = (48, 51, Fraction(2400, 100))
LONGITUDE_DMS = (2, 21, Fraction(300, 100))
LATITUDE = 48 + 51 / 60 + 24 / 3600
LONGITUDE = 2 + 21 / 60 + 3 / 3600

# EXIF tag numbers (EXIF 2.32 / TIFF 6.0).
TAG_MAKE, TAG_MODEL = 0x010F, 0x0110
IFD_EXIF, IFD_GPS = 0x8769, 0x8825
TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL, TAG_LENS_MODEL = 0x9003, 0x9011, 0xA434
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@attrs.frozen(kw_only=True)
class SeedImage:
    filename: str
    data: bytes
    has_gps: bool

    @property
    def sha1_hex(self) -> str:
        return hashlib.sha1(self.data).hexdigest()


def _pixels(seed: int) -> Image.Image:
    rng = random.Random(seed)
    noise = Image.frombytes("RGB", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT * 3))
    # Blurred noise: photo-like texture whose JPEG size clearly depends on the quality setting.
    return noise.filter(ImageFilter.GaussianBlur(1.2))


def _exif(*, with_gps: bool) -> Image.Exif:
    exif = Image.Exif()
    exif[TAG_MAKE] = MAKE
    exif[TAG_MODEL] = MODEL
    sub = exif.get_ifd(IFD_EXIF)
    sub[TAG_DATETIME_ORIGINAL] = DATE_TIME_ORIGINAL
    sub[TAG_OFFSET_TIME_ORIGINAL] = OFFSET
    sub[TAG_LENS_MODEL] = LENS
    if with_gps:
        gps = exif.get_ifd(IFD_GPS)
        gps[GPS_LAT_REF] = "N"
        gps[GPS_LAT] = tuple(float(v) for v in LATITUDE_DMS)
        gps[GPS_LON_REF] = "E"
        gps[GPS_LON] = tuple(float(v) for v in LONGITUDE_DMS)
    return exif


def _jpeg(image: Image.Image, *, quality: int, with_gps: bool) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, exif=_exif(with_gps=with_gps))
    return out.getvalue()


def make_pair(seed: int) -> tuple[SeedImage, SeedImage]:
    """(small with GPS, larger re-encode without GPS) of the same picture."""
    image = _pixels(seed)
    small = SeedImage(
        filename=f"IMG_{seed % 10000:04d}.jpg", data=_jpeg(image, quality=70, with_gps=True), has_gps=True
    )
    large = SeedImage(
        filename=f"IMG_{seed % 10000:04d}-shared.jpg",
        data=_jpeg(image, quality=98, with_gps=False),
        has_gps=False,
    )
    return small, large
