"""The endpoints of the double. Each handler: access checks on the state, then one state call.

Auth, API-key scopes, UUID path parameters and request bodies (against the spec) are checked
before a handler runs (server.py); handlers only check what Immich checks inside its services.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import io
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from tests.fake_immich.http import Request, Response, empty, json_body, json_response, route
from tests.fake_immich.model import ApiError, Asset
from tests.fake_immich.serialize import (
    album_dto,
    api_key_dto,
    asset_dto,
    duplicate_group_json,
    mime_type,
    server_version_dto,
    stack_dto,
    tag_dto,
    user_admin_dto,
)
from tests.fake_immich.spec import is_uuid_v4
from tests.fake_immich.validation import validation_error

_LISTING_CHUNK = 256 * 1024


def _ok(value: Any, status: int = 200) -> Response:
    return json_response(status, value)


def _uuid_query(request: Request, name: str) -> str | None:
    value = request.q(name)
    if value is not None and not is_uuid_v4(value):
        raise validation_error(request.app.settings, [([name], "invalid_format", "Invalid UUID")])
    return value


# ---------------------------------------------------------------------------- server


@route("GET", "/server/ping")
def ping(request: Request) -> Response:
    return _ok({"res": "pong"})


@route("GET", "/server/version")
def version(request: Request) -> Response:
    return _ok(server_version_dto(request.app.settings))


@route("GET", "/server/features")
def features(request: Request) -> Response:
    flags = dict.fromkeys(
        (
            "configFile",
            "email",
            "facialRecognition",
            "importFaces",
            "map",
            "oauth",
            "oauthAutoLaunch",
            "ocr",
            "realtimeTranscoding",
            "reverseGeocoding",
            "sidecar",
        ),
        False,
    )
    flags.update(
        duplicateDetection=True,
        smartSearch=True,
        search=True,
        passwordLogin=True,
        trash=request.app.settings.trash_enabled,
        facialRecognition=True,
        map=True,
        reverseGeocoding=True,
        sidecar=True,
    )
    return _ok(flags)


@route("GET", "/server/config")
def config(request: Request) -> Response:
    return _ok(
        {
            "externalDomain": "",
            "isInitialized": True,
            "isOnboarded": True,
            "loginPageMessage": "",
            "maintenanceMode": False,
            "mapDarkStyleUrl": "https://tiles.immich.cloud/v1/style/dark.json",
            "mapLightStyleUrl": "https://tiles.immich.cloud/v1/style/light.json",
            "minFaces": 3,
            "oauthButtonText": "Login with OAuth",
            "publicUsers": True,
            "trashDays": request.app.settings.trash_days,
            "userDeleteDelay": 7,
        }
    )


@route("GET", "/server/about")
def about(request: Request) -> Response:
    major, minor, patch = request.app.settings.version
    tag = f"v{major}.{minor}.{patch}"
    return _ok(
        {
            "version": tag,
            "versionUrl": f"https://github.com/immich-app/immich/releases/tag/{tag}",
            "licensed": False,
            "nodejs": "v22.18.0",
            "exiftool": "13.30",
            "ffmpeg": "7.1.1-7",
            "libvips": "8.17.1",
            "imagemagick": "7.1.2-0",
            "repository": "immich-app/immich",
            "repositoryUrl": "https://github.com/immich-app/immich",
            "sourceRef": tag,
        }
    )


@route("GET", "/users/me")
def my_user(request: Request) -> Response:
    state = request.app.state
    usage = sum(a.size for a in state.user_assets(request.user_id) if a.library_id is None)
    return _ok(user_admin_dto(state.users[request.user_id], usage))


@route("GET", "/api-keys/me")
def my_api_key(request: Request) -> Response:
    if request.api_key is None:
        raise ApiError(403, "Not authenticated with an API Key")
    return _ok(api_key_dto(request.api_key))


@route("GET", "/api-keys")
def api_keys(request: Request) -> Response:
    keys = [k for k in request.app.state.api_keys.values() if k.user_id == request.user_id]
    return _ok([api_key_dto(k) for k in keys])


@route("GET", "/spec.json")
def spec_json(request: Request) -> Response:
    source = request.app.spec.source
    body = source.read_bytes() if source is not None else json_body(request.app.spec.document)
    return Response(status=200, headers=(("Content-Type", "application/json; charset=utf-8"),), body=body)


# ---------------------------------------------------------------------------- duplicates


@route("GET", "/duplicates")
def get_duplicates(request: Request) -> Response:
    """Streams the array group by group (chunked): 50,000 groups are ~180 MB of JSON."""
    state = request.app.state
    groups = state.list_duplicates(request.user_id)
    viewer = request.user_id

    def chunks() -> Iterator[bytes]:
        buffer = bytearray(b"[")
        for index, (gid, members) in enumerate(groups):
            if index:
                buffer += b","
            buffer += duplicate_group_json(state, gid, members, viewer)
            if len(buffer) >= _LISTING_CHUNK:
                yield bytes(buffer)
                buffer.clear()
        buffer += b"]"
        yield bytes(buffer)

    return Response(
        status=200, headers=(("Content-Type", "application/json; charset=utf-8"),), chunks=chunks()
    )


@route("DELETE", "/duplicates")
def dismiss_duplicates(request: Request) -> Response:
    request.app.state.dismiss_duplicates(request.user_id, request.json["ids"])
    return empty()


@route("DELETE", "/duplicates/{id}")
def dismiss_duplicate(request: Request) -> Response:
    request.app.state.dismiss_duplicates(request.user_id, [request.params["id"]])
    return empty()


@route("POST", "/duplicates/resolve", min_version=(2, 7, 0))
def resolve_duplicates(request: Request) -> Response:
    groups = request.json["groups"]
    if not groups:
        raise validation_error(
            request.app.settings, [(["groups"], "too_small", "Too small: expected at least 1")]
        )
    return _ok(request.app.state.resolve(request.user_id, groups))


# ---------------------------------------------------------------------------- assets


def _asset_info(request: Request, asset: Asset) -> dict[str, Any]:
    return asset_dto(request.app.state, asset, viewer_id=request.user_id, with_stack=True, with_owner=True)


@route("GET", "/assets/{id}")
def get_asset(request: Request) -> Response:
    with request.app.state.lock:
        asset = request.app.state.require_assets(request.user_id, [request.params["id"]], "asset.read")[0]
        return _ok(_asset_info(request, asset))


def _check_rating(request: Request) -> None:
    if request.app.settings.is_v3 and request.json.get("rating") == 0:
        raise validation_error(request.app.settings, [(["rating"], "invalid_value", "Invalid input")])


@route("PUT", "/assets")
def update_assets(request: Request) -> Response:
    _check_rating(request)
    fields = {k: v for k, v in request.json.items() if k != "ids"}
    request.app.state.update_assets(request.user_id, request.json["ids"], fields)
    return empty()


@route("PUT", "/assets/{id}")
def update_asset(request: Request) -> Response:
    _check_rating(request)
    state = request.app.state
    with state.lock:
        asset = state.update_assets(request.user_id, [request.params["id"]], request.json)[0]
        return _ok(_asset_info(request, asset))


@route("DELETE", "/assets")
def delete_assets(request: Request) -> Response:
    request.app.state.delete_assets(
        request.user_id, request.json["ids"], force=bool(request.json.get("force"))
    )
    return empty()


@route("POST", "/trash/restore/assets")
def restore_assets(request: Request) -> Response:
    return _ok({"count": request.app.state.restore_assets(request.user_id, request.json["ids"])})


@route("POST", "/trash/restore")
def restore_trash(request: Request) -> Response:
    return _ok({"count": request.app.state.restore_all(request.user_id)})


@route("POST", "/trash/empty")
def empty_trash(request: Request) -> Response:
    return _ok({"count": request.app.state.empty_trash(request.user_id)})


def _http_date(asset: Asset) -> str:
    return email.utils.format_datetime(asset.file_modified_at.replace(microsecond=0), usegmt=True)


def _etag(asset: Asset) -> str:
    """``send``'s weak ETag: size and mtime in hex, not a content hash."""
    mtime_ms = int(asset.file_modified_at.timestamp() * 1000)
    return f'W/"{asset.size:x}-{mtime_ms:x}"'


def _parse_http_date(value: str | None) -> dt.datetime | None:
    """An HTTP date as an aware datetime; None when absent or unparseable (then it is ignored)."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _parse_range(header: str, size: int) -> tuple[int, int] | str:
    """One ``(start, end_exclusive)``, or "ignore" (malformed / several ranges), or "unsatisfiable"."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or not spec:
        return "ignore"
    ranges = []
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        if not dash:
            return "ignore"
        try:
            if first == "":
                length = int(last)
                start, end = max(0, size - length), size - 1
            else:
                start = int(first)
                end = int(last) if last else size - 1
        except ValueError:
            return "ignore"
        end = min(end, size - 1)
        if start <= end and start < size:
            ranges.append((start, end + 1))
    if not ranges:
        return "unsatisfiable"
    if len(ranges) != 1:
        return "ignore"
    return ranges[0]


def _flip_middle_bit(chunks: Iterator[bytes], position: int) -> Iterator[bytes]:
    offset = 0
    for piece in chunks:
        if offset <= position < offset + len(piece):
            data = bytearray(piece)
            data[position - offset] ^= 0x10
            piece = bytes(data)
        offset += len(piece)
        yield piece


@route("GET", "/assets/{id}/original")
def download_original(request: Request) -> Response:
    app = request.app
    with app.state.lock:
        asset = app.state.require_assets(request.user_id, [request.params["id"]], "asset.download")[0]
    size, etag, modified = asset.size, _etag(asset), _http_date(asset)
    headers: list[tuple[str, str]] = [
        ("Content-Type", mime_type(asset.original_path, asset.type)),
        (
            "Content-Disposition",
            "inline; filename*=UTF-8''" + quote(asset.original_file_name, safe="!#$&+-.^_`|~"),
        ),
        ("Cache-Control", "private, max-age=86400, no-transform"),
        ("Accept-Ranges", "bytes"),
        ("Last-Modified", modified),
        ("ETag", etag),
    ]
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if if_none_match.strip() == "*" or etag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status=304, headers=tuple(headers))
    else:
        since = _parse_http_date(request.headers.get("If-Modified-Since"))
        if since is not None and since >= asset.file_modified_at.replace(microsecond=0):
            return Response(status=304, headers=tuple(headers))
    start, end, status = 0, size, 200
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and (if_range is None or if_range in (etag, modified)):
        parsed = _parse_range(range_header, size)
        if parsed == "unsatisfiable":
            body = json_body({"message": "Range Not Satisfiable"})
            return Response(
                status=416,
                headers=(
                    ("Content-Range", f"bytes */{size}"),
                    ("Content-Type", "application/json; charset=utf-8"),
                ),
                body=body,
            )
        if isinstance(parsed, tuple):
            start, end = parsed
            status = 206
            headers.append(("Content-Range", f"bytes {start}-{end - 1}/{size}"))
    chunks: Iterator[bytes] = asset.content.iter_range(start, end)
    if app.faults.take("corrupt", "GET", request.path) is not None and size:
        position = size // 2
        if start <= position < end:
            chunks = _flip_middle_bit(chunks, position - start)
    return Response(status=status, headers=tuple(headers), chunks=chunks, length=end - start)


@functools.cache
def _thumbnail(fmt: str) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (16, 12), (90, 140, 200))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@route("GET", "/assets/{id}/thumbnail")
def thumbnail(request: Request) -> Response:
    with request.app.state.lock:
        request.app.state.require_assets(request.user_id, [request.params["id"]], "asset.view")
    size = request.q("size") or "thumbnail"
    if size not in ("thumbnail", "preview", "fullsize", "original"):
        raise validation_error(request.app.settings, [(["size"], "invalid_value", "Invalid option")])
    fmt, mime = ("WEBP", "image/webp") if size == "thumbnail" else ("JPEG", "image/jpeg")
    return Response(
        status=200,
        headers=(("Content-Type", mime), ("Cache-Control", "private, max-age=86400, no-transform")),
        body=_thumbnail(fmt),
    )


@route("POST", "/search/metadata")
def search_metadata(request: Request) -> Response:
    """A subset of Immich's metadata search: id, checksum, originalFileName, albumIds, tagIds,
    withDeleted, visibility, order, page/size.

    As upstream: ``visibility`` defaults to ``timeline`` (archived assets need
    ``visibility: archive``), trashed assets only with ``withDeleted``; ``albumIds`` keeps the
    assets in *all* the given albums, any owner's, after an album.read access check on each
    (400 otherwise); without it the search covers the caller's own assets. ``nextPage`` is the
    next page number as a string, or null.
    """
    body = request.json if isinstance(request.json, dict) else {}
    state = request.app.state
    with state.lock:
        album_ids = body.get("albumIds") or []
        if album_ids:
            for album_id in album_ids:
                state.album_for(request.user_id, album_id, "album.read")
            counts: dict[str, int] = {}
            for album_id in dict.fromkeys(album_ids):
                for asset_id in state.albums[album_id].asset_ids:
                    counts[asset_id] = counts.get(asset_id, 0) + 1
            wanted = len(set(album_ids))
            found = [state.assets[a] for a, n in counts.items() if n == wanted and a in state.assets]
        else:
            found = [a for a in state.assets.values() if a.owner_id == request.user_id]
        if not body.get("withDeleted"):
            found = [a for a in found if not a.is_trashed]
        visibility = body.get("visibility") or "timeline"
        found = [a for a in found if a.visibility == visibility]
        for key, attr in (("id", "id"), ("originalFileName", "original_file_name")):
            if key in body:
                found = [a for a in found if getattr(a, attr) == body[key]]
        if "checksum" in body:
            found = [a for a in found if a.checksum == body["checksum"]]
        if body.get("tagIds"):
            found = [a for a in found if set(body["tagIds"]) <= set(a.tag_ids)]
        found.sort(key=lambda a: (a.file_created_at, a.id), reverse=body.get("order", "desc") == "desc")
        size = int(body.get("size") or 250)
        page = int(body.get("page") or 1)
        items = found[(page - 1) * size : page * size]
        next_page = str(page + 1) if page * size < len(found) else None
        dtos = [asset_dto(state, a, viewer_id=request.user_id) for a in items]
    return _ok(
        {
            "albums": {"count": 0, "items": [], "facets": [], "total": 0},
            "assets": {
                "count": len(dtos),
                "items": dtos,
                "facets": [],
                "nextPage": next_page,
                "total": len(dtos),  # Immich reports the page's count here, not a grand total
            },
        }
    )


# ---------------------------------------------------------------------------- albums


@route("GET", "/albums")
def get_albums(request: Request) -> Response:
    asset_id = _uuid_query(request, "assetId")
    state = request.app.state
    with state.lock:
        albums = state.visible_albums(request.user_id, asset_id)
        return _ok([album_dto(state, a, viewer_id=request.user_id) for a in albums])


@route("GET", "/albums/{id}")
def get_album(request: Request) -> Response:
    state = request.app.state
    with state.lock:
        album = state.album_for(request.user_id, request.params["id"], "album.read")
        with_assets = not request.app.settings.is_v3 and request.q("withoutAssets") != "true"
        return _ok(album_dto(state, album, viewer_id=request.user_id, with_assets=with_assets))


@route("PUT", "/albums/assets")
def add_assets_to_albums(request: Request) -> Response:
    body = request.json
    return _ok(request.app.state.add_to_albums(request.user_id, body["albumIds"], body["assetIds"]))


@route("PUT", "/albums/{id}/assets")
def add_assets_to_album(request: Request) -> Response:
    return _ok(request.app.state.add_to_album(request.user_id, request.params["id"], _ids(request)))


@route("DELETE", "/albums/{id}/assets")
def remove_assets_from_album(request: Request) -> Response:
    return _ok(request.app.state.remove_from_album(request.user_id, request.params["id"], _ids(request)))


def _ids(request: Request) -> Sequence[str]:
    """``BulkIdsDto.ids`` for endpoints the trimmed spec does not describe (validated here)."""
    body = request.json
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list):
        raise validation_error(
            request.app.settings, [(["ids"], "invalid_type", "Invalid input: expected array")]
        )
    bad = [([("ids"), i], "invalid_format", "Invalid UUID") for i, v in enumerate(ids) if not is_uuid_v4(v)]
    if bad:
        raise validation_error(request.app.settings, bad)  # type: ignore[arg-type]
    return ids


# ---------------------------------------------------------------------------- tags


@route("GET", "/tags")
def get_tags(request: Request) -> Response:
    return _ok([tag_dto(t) for t in request.app.state.user_tags(request.user_id)])


@route("PUT", "/tags/assets")
def bulk_tag_assets(request: Request) -> Response:
    body = request.json
    return _ok({"count": request.app.state.tag_assets(request.user_id, body["tagIds"], body["assetIds"])})


@route("PUT", "/tags/{id}/assets")
def tag_assets(request: Request) -> Response:
    return _ok(request.app.state.tag_asset_ids(request.user_id, request.params["id"], _ids(request)))


# ---------------------------------------------------------------------------- stacks


@route("POST", "/stacks")
def create_stack(request: Request) -> Response:
    state = request.app.state
    with state.lock:
        stack = state.create_stack(request.user_id, request.json["assetIds"])
        return _ok(stack_dto(state, stack, request.user_id), status=201)


@route("GET", "/stacks")
def search_stacks(request: Request) -> Response:
    primary = _uuid_query(request, "primaryAssetId")
    state = request.app.state
    with state.lock:
        stacks = state.user_stacks(request.user_id, primary)
        return _ok([stack_dto(state, s, request.user_id) for s in stacks])


@route("GET", "/stacks/{id}")
def get_stack(request: Request) -> Response:
    state = request.app.state
    with state.lock:
        stack = state.stack_for(request.user_id, request.params["id"], "stack.read")
        return _ok(stack_dto(state, stack, request.user_id))


@route("DELETE", "/stacks/{id}")
def delete_stack(request: Request) -> Response:
    request.app.state.delete_stacks(request.user_id, [request.params["id"]])
    return empty()


@route("DELETE", "/stacks")
def delete_stacks(request: Request) -> Response:
    request.app.state.delete_stacks(request.user_id, request.json["ids"])
    return empty()
