"""Stream-parse a ``GET /duplicates`` body into ``Group`` records, one group at a time.

Pure: no network I/O. The same body arrives from the server (as byte chunks) or from a
saved file, and can hold 50,000 groups (~180 MB), so it is never held whole: the standard
library's C decoder reads one group at a time from a text window, and it is converted to
frozen facts at once.

Tolerated, because real servers send them: 2.x shapes (``duration`` as ``"H:MM:SS.ffffff"``,
integers sent as floats, no ``visibility``), nulls anywhere, missing ``exifInfo``,
missing ``suggestedKeepAssetIds`` (before 2.7) and unknown fields. Anything else outside
the API (bad JSON, not an array of group objects, a value of the wrong type) raises
``ProtocolError`` naming the source, the group or asset, and the field.
"""

from __future__ import annotations

import codecs
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, BinaryIO

import attrs

from immich_dedupe.errors import ProtocolError
from immich_dedupe.facts import AssetFacts, Group, asset_facts_draft, freeze_asset_facts

__all__ = ["DEFAULT_SOURCE_NAME", "asset_from_dict", "group_from_dict", "iter_groups"]

DEFAULT_SOURCE_NAME = "the duplicates listing"
_CHUNK = 64 * 1024

_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"
# 2.x sends durations as "H:MM:SS.ffffff" (e.g. "0:00:05.000000"; "0:00:00.00000" for stills).
_DURATION = re.compile(r"(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d+))?")


def iter_groups(source: BinaryIO | Iterable[bytes], *, name: str | None = None) -> Iterator[Group]:
    """Yield each duplicate group of a ``GET /duplicates`` body, in the body's order.

    ``source`` is a binary file or an iterable of byte chunks (e.g. ``httpx``'s
    ``iter_bytes()``). ``name`` labels the source in error messages; for a file it
    defaults to the file's name. Raises ``ProtocolError`` on malformed JSON or a body that
    is not an array of duplicate group objects; groups before the fault have been yielded.
    """
    if name is None:
        file_name = getattr(source, "name", None)
        name = str(file_name) if isinstance(file_name, str) else DEFAULT_SOURCE_NAME
    chunks = _chunks_of(source)
    index = 0
    for chunk in chunks:
        chunk = chunk.lstrip(_WHITESPACE)
        if chunk.startswith(_BOM):
            chunk = chunk[len(_BOM) :].lstrip(_WHITESPACE)
        if chunk:
            _check_array_start(chunk, name)
            break
    else:
        raise ProtocolError(f"{name} is empty, not a JSON array of duplicate groups")
    try:
        for item in _array_items(chunk, chunks):
            yield _group_at(item, index, name)
            index += 1
    except _BadJSON as err:
        raise ProtocolError(f"{name} is not valid JSON (after {index} groups): {err}") from err.__cause__


def group_from_dict(d: Mapping[str, Any]) -> Group:
    """One ``DuplicateResponseDto`` → ``Group``. Raises ``ProtocolError`` on a wrong shape."""
    if not isinstance(d, Mapping):
        raise ProtocolError(f"a duplicate group must be a JSON object, not {_json_type(d)}")
    dup_id = d.get("duplicateId")
    if not isinstance(dup_id, str) or not dup_id:
        raise ProtocolError("a duplicate group has no duplicateId")
    raw_assets = d.get("assets")
    if not isinstance(raw_assets, list):
        raise ProtocolError(f"duplicate group {dup_id}: 'assets' is {_json_type(raw_assets)}, not a list")
    assets = []
    for raw in raw_assets:
        # The fast reading gives up (None) on anything unusual; the checked one then gives the
        # same facts, or the error naming the field.
        asset = _fast_asset(raw, dup_id) if raw.__class__ is dict else None
        if asset is None:
            asset = _checked_asset(raw)
            if asset.duplicate_id is None:  # it is a member: the group says so
                asset = attrs.evolve(asset, duplicate_id=dup_id)
        assets.append(asset)
    suggested = d.get("suggestedKeepAssetIds")
    keep: tuple[str, ...] | None = None
    if suggested is not None:  # absent before server 2.7: the planner applies Immich's rule
        if not isinstance(suggested, list) or not all(isinstance(s, str) for s in suggested):
            raise ProtocolError(f"duplicate group {dup_id}: suggestedKeepAssetIds is not a list of ids")
        keep = tuple(suggested)
    return Group(duplicate_id=dup_id, assets=tuple(assets), suggested_keep_ids=keep)


def asset_from_dict(d: Mapping[str, Any]) -> AssetFacts:
    """One ``AssetResponseDto`` (from a listing, ``GET /assets/{id}`` or a saved file) → facts.

    Raises ``ProtocolError`` naming the asset and field when a value has the wrong type.
    """
    if d.__class__ is dict:
        fast = _fast_asset(d, None)
        if fast is not None:
            return fast
    return _checked_asset(d)


def _checked_asset(d: Mapping[str, Any]) -> AssetFacts:
    """``asset_from_dict`` with every value checked; errors name the asset and the field."""
    if not isinstance(d, Mapping):
        raise ProtocolError(f"an asset must be a JSON object, not {_json_type(d)}")
    asset_id = d.get("id")
    if not isinstance(asset_id, str) or not asset_id:
        raise ProtocolError("an asset has no id")
    f = _Fields(d, f"asset {asset_id}")
    exif_raw = d.get("exifInfo")
    if exif_raw is not None and not isinstance(exif_raw, Mapping):
        raise ProtocolError(f"asset {asset_id}: exifInfo is {_json_type(exif_raw)}, not an object")
    exif = _Fields(exif_raw or {}, f"asset {asset_id} exifInfo")
    asset_type = f.text("type") or "IMAGE"
    visibility = f.text("visibility")
    if visibility is None:  # before visibility existed, archiving was a flag
        visibility = "archive" if f.flag("isArchived") else "timeline"
    return AssetFacts(
        id=asset_id,
        duplicate_id=f.text("duplicateId"),
        type=asset_type,
        original_file_name=f.text("originalFileName") or "",
        original_path=f.text("originalPath") or "",
        original_mime_type=f.text("originalMimeType"),
        checksum=f.text("checksum") or "",
        library_id=f.text("libraryId"),
        is_trashed=bool(f.flag("isTrashed")),
        is_offline=bool(f.flag("isOffline")),
        is_favorite=bool(f.flag("isFavorite")),
        visibility=visibility,
        width=f.integer("width"),
        height=f.integer("height"),
        duration_ms=_duration_ms(d.get("duration"), asset_id, asset_type),
        live_photo_video_id=f.text("livePhotoVideoId"),
        file_created_at=f.text("fileCreatedAt"),
        local_date_time=f.text("localDateTime"),
        has_exif=exif_raw is not None,
        exif_truthy_count=sum(1 for v in (exif_raw or {}).values() if _js_truthy(v)),
        file_size=exif.integer("fileSizeInByte"),
        exif_width=exif.integer("exifImageWidth"),
        exif_height=exif.integer("exifImageHeight"),
        date_time_original=exif.text("dateTimeOriginal"),
        time_zone=exif.text("timeZone"),
        latitude=exif.number("latitude"),
        longitude=exif.number("longitude"),
        city=exif.text("city"),
        state=exif.text("state"),
        country=exif.text("country"),
        make=exif.text("make"),
        model=exif.text("model"),
        lens_model=exif.text("lensModel"),
        f_number=exif.number("fNumber"),
        exposure_time=exif.text("exposureTime"),
        iso=exif.integer("iso"),
        focal_length=exif.number("focalLength"),
        description=exif.text("description"),
        rating=exif.integer("rating"),
        orientation=exif.text("orientation"),
        projection_type=exif.text("projectionType"),
        tags=_tag_values(d.get("tags"), asset_id),
        people=_person_ids(d.get("people"), asset_id),
        stack_id=_stack_id(d.get("stack"), asset_id),
    )


# -- streaming the array ----------------------------------------------------------------
#
# The body is one JSON array of groups. The standard library's C decoder reads one group at a
# time from a text window (``raw_decode``): ~3x faster than ijson's event parser, which
# builds a prefix string for every event. A group cut off at the window's end fails to
# decode; the window then grows (at least doubling what is pending, so a huge group costs
# linear time) and the group is decoded again. At the end of the body a failure is real.


class _BadJSON(Exception):
    """The body is not valid JSON; the message says where and why (one line)."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")  # json accepts NaN and Infinity; JSON does not


_raw_decode = json.JSONDecoder(parse_constant=_no_constant).raw_decode
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
# A decode error this far before the window's end is in the text itself: more text cannot fix
# it. Cut-off text fails at the end, or a literal's, number's or escape's start (< 10 before),
# or says "Unterminated string" (at the string's start, any distance back).
_NEAR_END = 16


def _array_items(first: bytes, rest: Iterator[bytes]) -> Iterator[Any]:
    """The items of the JSON array that ``first`` (starting with "[") and ``rest`` spell."""
    decode = codecs.getincrementaldecoder("utf-8")().decode  # strict: bad UTF-8 is bad JSON
    offset = 0  # characters dropped from the front of ``text``, for messages
    try:
        text = decode(first)
    except UnicodeDecodeError as err:
        raise _BadJSON(str(err)) from err
    pos = 1  # after "["
    done = False  # ``rest`` is exhausted and decoded into ``text``
    surrogates = _has_surrogate_escape(text)  # (sticky: rare, and then cleaning is cheap enough)

    def more(need: int) -> None:
        """Drop the consumed text and read until ``need`` characters are pending (or the end)."""
        nonlocal text, pos, offset, done, surrogates
        parts = [text[pos:]]
        have = len(parts[0])
        offset += pos
        pos = 0
        try:
            while have < need:
                chunk = next(rest, None)
                if chunk is None:
                    parts.append(decode(b"", True))
                    done = True
                    break
                parts.append(decode(chunk))
                have += len(parts[-1])
        except UnicodeDecodeError as err:
            raise _BadJSON(str(err)) from err
        text = "".join(parts)
        surrogates = surrogates or _has_surrogate_escape(text)

    first_item = True
    while True:
        pos = _SPACE.match(text, pos).end()
        while pos >= len(text) and not done:
            more(1)
            pos = _SPACE.match(text, pos).end()
        c = text[pos : pos + 1]
        if c == "]":
            pos += 1
            break
        if not c:
            raise _BadJSON(_where("the array is not closed", offset + pos))
        if not first_item:
            if c != ",":
                raise _BadJSON(_where("expecting ',' or ']' after an item", offset + pos))
            pos += 1
            pos = _SPACE.match(text, pos).end()
            while pos >= len(text) and not done:
                more(1)
                pos = _SPACE.match(text, pos).end()
        first_item = False
        while True:
            try:
                item, end = _raw_decode(text, pos)
            except json.JSONDecodeError as err:
                cut_off = err.pos >= len(text) - _NEAR_END or err.msg.startswith("Unterminated string")
                if done or not cut_off:
                    raise _BadJSON(_where(err.msg, offset + err.pos)) from err
                more(2 * (len(text) - pos) + 1)
                continue
            except (ValueError, RecursionError) as err:  # NaN, a 5,000-digit number, deep nesting
                raise _BadJSON(_where(str(err), offset + pos)) from err
            if not done and end > len(text) - _NEAR_END and not isinstance(item, dict | list | str):
                # A bare number near the window's end may go on ("1.5" of "1.5e3"): read on.
                more(len(text) - pos + _NEAR_END)
                continue
            break
        yield _without_surrogates(item) if surrogates else item
        pos = end
    while True:  # only whitespace may follow the array
        pos = _SPACE.match(text, pos).end()
        if pos < len(text):
            raise _BadJSON(_where("trailing garbage after the array", offset + pos))
        if done:
            return
        more(1)


def _has_surrogate_escape(text: str) -> bool:
    return "\\ud" in text or "\\uD" in text


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    """``value`` with each unpaired surrogate (``"\\ud800"``, valid JSON but not text: it
    cannot be written as UTF-8) replaced by "?", as the yajl parser used before did."""
    if isinstance(value, str):
        return _SURROGATE.sub("?", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _where(what: str, char: int) -> str:
    return f"{what} (at character {char:,})"


# -- the fast reading ------------------------------------------------------------------
#
# Nearly every asset of a real listing is well-typed, and checking field by field through
# ``_Fields`` costs more than parsing the JSON. ``_fast_asset`` reads such an asset in one
# pass and gives up (None) at the first value of an unexpected type; ``asset_from_dict`` then
# reads it again with the checks, so the facts, and every error message, are those of the
# checked path. Keep the two in step: tests/unit/test_listing.py compares them field by field.

_NoneType = type(None)
_TEXT = frozenset({str, _NoneType})
_FLAG = frozenset({bool, _NoneType})
_WHOLE = frozenset({int, _NoneType})
_NUMBER = frozenset({float, int, _NoneType})
_MIN_INT, _END_INT = -(2**63), 2**63  # what _finite_number accepts
_NO_EXIF: dict[str, Any] = {}
# JavaScript-falsy JSON values, counted with list.count (``==``: 0 also counts 0.0 and false).
_FALSY = (None, 0, "")


def _tag_value(tag: dict[str, Any]) -> Any:
    return tag.get("value") or tag.get("name")


def _person_id(person: dict[str, Any]) -> Any:
    return person.get("id")


def _fast_strings(items: Any, pick: Callable[[dict[str, Any]], Any]) -> tuple[str, ...] | None:
    """``tags``/``people`` on the fast path: the sorted strings ``pick`` finds in a list of
    objects (null → ``()``); None when anything is unusual, for the checked path to report."""
    if items is None:
        return ()
    if items.__class__ is not list:
        return None
    found = []
    for item in items:
        value = pick(item) if item.__class__ is dict else None
        if value.__class__ is not str:
            return None
        found.append(value)
    return tuple(sorted(found))


def _fast_asset(d: dict[str, Any], group_id: str | None) -> AssetFacts | None:
    """``asset_from_dict(d)`` (its ``duplicate_id`` defaulting to ``group_id``) for a
    well-typed asset; None when any value needs the checked path."""
    get = d.get
    asset_id = get("id")
    if asset_id.__class__ is not str or not asset_id:
        return None
    exif = get("exifInfo")
    if exif is None:
        has_exif = False
        truthy = 0
        exif = _NO_EXIF
    elif exif.__class__ is dict:
        has_exif = True
        values = [*exif.values()]
        truthy = len(values) - sum(map(values.count, _FALSY))
    else:
        return None
    eget = exif.get
    texts = (
        get("duplicateId"),
        get("type"),
        get("originalFileName"),
        get("originalPath"),
        get("originalMimeType"),
        get("checksum"),
        get("libraryId"),
        get("visibility"),
        get("livePhotoVideoId"),
        get("fileCreatedAt"),
        get("localDateTime"),
        eget("dateTimeOriginal"),
        eget("timeZone"),
        eget("city"),
        eget("state"),
        eget("country"),
        eget("make"),
        eget("model"),
        eget("lensModel"),
        eget("exposureTime"),
        eget("description"),
        eget("orientation"),
        eget("projectionType"),
    )
    flags = (get("isTrashed"), get("isOffline"), get("isFavorite"))
    wholes = (
        get("width"),
        get("height"),
        eget("fileSizeInByte"),
        eget("exifImageWidth"),
        eget("exifImageHeight"),
        eget("iso"),
        eget("rating"),
    )
    numbers = (eget("latitude"), eget("longitude"), eget("fNumber"), eget("focalLength"))
    if not (
        {*map(type, texts)} <= _TEXT
        and {*map(type, flags)} <= _FLAG
        and {*map(type, wholes)} <= _WHOLE
        and {*map(type, numbers)} <= _NUMBER
    ):
        return None  # e.g. 2.x integers sent as floats: the checked path rounds them
    for v in wholes:
        if v is not None and not _MIN_INT <= v < _END_INT:
            return None
    for v in numbers:
        if v.__class__ is float:
            if v - v != 0.0:  # inf or nan (inf - inf is nan)
                return None
        elif v is not None and not _MIN_INT <= v < _END_INT:
            return None
    (
        duplicate_id,
        asset_type,
        original_file_name,
        original_path,
        original_mime_type,
        checksum,
        library_id,
        visibility,
        live_photo_video_id,
        file_created_at,
        local_date_time,
        date_time_original,
        time_zone,
        city,
        state,
        country,
        make,
        model,
        lens_model,
        exposure_time,
        description,
        orientation,
        projection_type,
    ) = texts
    width, height, file_size, exif_width, exif_height, iso, rating = wholes
    latitude, longitude, f_number, focal_length = numbers
    asset_type = asset_type or "IMAGE"
    if visibility is None:  # before visibility existed, archiving was a flag
        archived = get("isArchived")
        if archived is not None and archived.__class__ is not bool:
            return None
        visibility = "archive" if archived else "timeline"
    duration = get("duration")
    if duration is not None:
        if duration.__class__ is int and _MIN_INT <= duration < _END_INT:
            pass
        elif duration.__class__ is str:
            duration = _duration_text_ms(duration, asset_type)
            if duration is _BAD:
                return None
        else:
            return None
    tags = _fast_strings(get("tags"), _tag_value)
    if tags is None:
        return None
    people = _fast_strings(get("people"), _person_id)
    if people is None:
        return None
    stack = get("stack")
    if stack is not None:
        stack = stack.get("id") if stack.__class__ is dict else None
        if stack.__class__ is not str:
            return None
    a = asset_facts_draft()  # every field is set below, unconditionally
    a.id = asset_id
    a.duplicate_id = group_id if duplicate_id is None else duplicate_id
    a.type = asset_type
    a.original_file_name = original_file_name or ""
    a.original_path = original_path or ""
    a.original_mime_type = original_mime_type
    a.checksum = checksum or ""
    a.library_id = library_id
    a.is_trashed = flags[0] is True
    a.is_offline = flags[1] is True
    a.is_favorite = flags[2] is True
    a.visibility = visibility
    a.width = width
    a.height = height
    a.duration_ms = duration
    a.live_photo_video_id = live_photo_video_id
    a.file_created_at = file_created_at
    a.local_date_time = local_date_time
    a.has_exif = has_exif
    a.exif_truthy_count = truthy
    a.file_size = file_size
    a.exif_width = exif_width
    a.exif_height = exif_height
    a.date_time_original = date_time_original
    a.time_zone = time_zone
    a.latitude = None if latitude is None else float(latitude)
    a.longitude = None if longitude is None else float(longitude)
    a.city = city
    a.state = state
    a.country = country
    a.make = make
    a.model = model
    a.lens_model = lens_model
    a.f_number = None if f_number is None else float(f_number)
    a.exposure_time = exposure_time
    a.iso = iso
    a.focal_length = None if focal_length is None else float(focal_length)
    a.description = description
    a.rating = rating
    a.orientation = orientation
    a.projection_type = projection_type
    a.tags = tags
    a.people = people
    a.albums = None  # not in a listing: looked up separately
    a.stack_id = stack
    return freeze_asset_facts(a)


# -- helpers ---------------------------------------------------------------------------


def _chunks_of(source: BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(source, "read", None)
    if read is not None:
        while chunk := read(_CHUNK):
            yield bytes(chunk)
    else:
        for chunk in source:  # type: ignore[union-attr]
            if chunk:
                yield bytes(chunk)


def _check_array_start(chunk: bytes, name: str) -> None:
    first = chunk[:1]
    if first == b"[":
        return
    if first == b"{":
        raise ProtocolError(f"{name} is a JSON object, not an array of duplicate groups")
    if first == b"<":
        raise ProtocolError(f"{name} is an HTML or XML page, not JSON")
    raise ProtocolError(f"{name} is not a JSON array of duplicate groups (it starts with {chunk[:20]!r})")


def _group_at(item: Any, index: int, name: str) -> Group:
    try:
        return group_from_dict(item)
    except ProtocolError as err:
        raise ProtocolError(f"{name}, group #{index + 1}: {err}") from err


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, Mapping):
        return "an object"
    return type(v).__name__


def _js_truthy(v: Any) -> bool:
    """JavaScript truthiness, as Immich counts ``exifInfo`` values (``{}``/``[]`` are truthy).

    ``v == 0`` covers 0, 0.0 and False; JSON has no NaN, the one other falsy number.
    """
    return not (v is None or v == 0 or v == "")


@attrs.define
class _Fields:
    """Typed reads of one JSON object; null/absent → None, a wrong type → ProtocolError."""

    d: Mapping[str, Any]
    where: str

    def _bad(self, key: str, want: str) -> ProtocolError:
        return ProtocolError(f"{self.where}: {key} is {_json_type(self.d[key])}, expected {want}")

    def text(self, key: str) -> str | None:
        v = self.d.get(key)
        if v is None or isinstance(v, str):
            return v
        raise self._bad(key, "a string")

    def flag(self, key: str) -> bool | None:
        v = self.d.get(key)
        if v is None or isinstance(v, bool):
            return v
        raise self._bad(key, "true or false")

    def integer(self, key: str) -> int | None:
        v = self.d.get(key)
        if v is None:
            return None
        if not _finite_number(v):
            raise self._bad(key, "an integer")
        return round(v)  # 2.x sends some integers as JSON numbers like 4032.0

    def number(self, key: str) -> float | None:
        v = self.d.get(key)
        if v is None:
            return None
        if not _finite_number(v):
            raise self._bad(key, "a number")
        return float(v)


def _finite_number(v: Any) -> bool:
    """A JSON number Immich could have sent: finite, and an integer within 64 bits.

    ``math.isfinite`` overflows on a huge int, and ``float()`` of one fails: both would turn a
    broken answer into a crash instead of a ProtocolError.
    """
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return -(2**63) <= v < 2**63
    return isinstance(v, float) and math.isfinite(v)


def _duration_ms(v: Any, asset_id: str, asset_type: str) -> int | None:
    if v is None:
        return None
    if _finite_number(v):
        return round(v)
    if isinstance(v, str):
        ms = _duration_text_ms(v, asset_type)
        if ms is _BAD:
            raise ProtocolError(f"asset {asset_id}: duration {v!r} is not H:MM:SS.ffffff")
        return ms
    raise ProtocolError(f"asset {asset_id}: duration is {_json_type(v)}, expected milliseconds")


_BAD: Any = object()  # _duration_text_ms: not a duration


@functools.lru_cache(maxsize=1024)  # 2.x sends the same few strings over and over
def _duration_text_ms(text: str, asset_type: str) -> int | None:
    """2.x's "H:MM:SS.ffffff" in milliseconds; None for a zero on a non-video; ``_BAD``."""
    m = _DURATION.fullmatch(text.strip())
    if m is None:
        return _BAD
    hours, minutes, seconds, frac = m.groups()
    ms = (int(hours) * 3600 + int(minutes) * 60 + int(seconds)) * 1000
    if frac:
        ms += round(int(frac) * 1000 / 10 ** len(frac))
    # 2.x says "0:00:00.00000" for stills where 3.x says null; keep one meaning.
    if ms == 0 and asset_type != "VIDEO":
        return None
    return ms


def _tag_values(v: Any, asset_id: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list):
        raise ProtocolError(f"asset {asset_id}: tags is {_json_type(v)}, not a list")
    values = []
    for tag in v:
        value = tag.get("value") or tag.get("name") if isinstance(tag, Mapping) else None
        if not isinstance(value, str):
            raise ProtocolError(f"asset {asset_id}: a tag has no value")
        values.append(value)
    return tuple(sorted(values))


def _person_ids(v: Any, asset_id: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list):
        raise ProtocolError(f"asset {asset_id}: people is {_json_type(v)}, not a list")
    ids = []
    for person in v:
        pid = person.get("id") if isinstance(person, Mapping) else None
        if not isinstance(pid, str):
            raise ProtocolError(f"asset {asset_id}: a person has no id")
        ids.append(pid)
    return tuple(sorted(ids))


def _stack_id(v: Any, asset_id: str) -> str | None:
    if v is None:
        return None
    sid = v.get("id") if isinstance(v, Mapping) else None
    if not isinstance(sid, str):
        raise ProtocolError(f"asset {asset_id}: stack has no id")
    return sid
