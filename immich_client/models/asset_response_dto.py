from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.asset_type_enum import AssetTypeEnum
from ..models.asset_visibility import AssetVisibility
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.asset_stack_response_dto import AssetStackResponseDto
  from ..models.exif_response_dto import ExifResponseDto
  from ..models.person_response_dto import PersonResponseDto
  from ..models.tag_response_dto import TagResponseDto
  from ..models.user_response_dto import UserResponseDto





T = TypeVar("T", bound="AssetResponseDto")



@_attrs_define
class AssetResponseDto:
    """ 
        Attributes:
            checksum (str): Base64 encoded SHA1 hash
            created_at (datetime.datetime): The UTC timestamp when the asset was originally uploaded to Immich.
            duration (int | None): Video/gif duration in milliseconds (null for static images)
            file_created_at (datetime.datetime): The actual UTC timestamp when the file was created/captured, preserving
                timezone information. This is the authoritative timestamp for chronological sorting within timeline groups.
                Combined with timezone data, this can be used to determine the exact moment the photo was taken.
            file_modified_at (datetime.datetime): The UTC timestamp when the file was last modified on the filesystem. This
                reflects the last time the physical file was changed, which may be different from when the photo was originally
                taken.
            has_metadata (bool): Whether asset has metadata
            height (int | None): Asset height
            id (UUID): Asset ID
            is_archived (bool): Is archived
            is_edited (bool): Is edited
            is_favorite (bool): Is favorite
            is_offline (bool): Is offline
            is_trashed (bool): Is trashed
            local_date_time (datetime.datetime): The local date and time when the photo/video was taken, derived from EXIF
                metadata. This represents the photographer's local time regardless of timezone, stored as a timezone-agnostic
                timestamp. Used for timeline grouping by "local" days and months.
            original_file_name (str): Original file name
            original_path (str): Original file path
            owner_id (UUID): Owner user ID
            thumbhash (None | str): Thumbhash for thumbnail generation (base64) also used as the c query param for thumbnail
                cache busting.
            type_ (AssetTypeEnum): Asset type
            updated_at (datetime.datetime): The UTC timestamp when the asset record was last updated in the database. This
                is automatically maintained by the database and reflects when any field in the asset was last modified.
            visibility (AssetVisibility): Asset visibility
            width (int | None): Asset width
            duplicate_id (None | Unset | UUID): Duplicate group ID
            exif_info (ExifResponseDto | Unset): EXIF response
            library_id (None | Unset | UUID): Library ID
            live_photo_video_id (None | str | Unset): Live photo video ID
            original_mime_type (str | Unset): Original MIME type
            owner (UserResponseDto | Unset):
            people (list[PersonResponseDto] | Unset):
            resized (bool | Unset): Is resized
            stack (AssetStackResponseDto | None | Unset):
            tags (list[TagResponseDto] | Unset):
     """

    checksum: str
    created_at: datetime.datetime
    duration: int | None
    file_created_at: datetime.datetime
    file_modified_at: datetime.datetime
    has_metadata: bool
    height: int | None
    id: UUID
    is_archived: bool
    is_edited: bool
    is_favorite: bool
    is_offline: bool
    is_trashed: bool
    local_date_time: datetime.datetime
    original_file_name: str
    original_path: str
    owner_id: UUID
    thumbhash: None | str
    type_: AssetTypeEnum
    updated_at: datetime.datetime
    visibility: AssetVisibility
    width: int | None
    duplicate_id: None | Unset | UUID = UNSET
    exif_info: ExifResponseDto | Unset = UNSET
    library_id: None | Unset | UUID = UNSET
    live_photo_video_id: None | str | Unset = UNSET
    original_mime_type: str | Unset = UNSET
    owner: UserResponseDto | Unset = UNSET
    people: list[PersonResponseDto] | Unset = UNSET
    resized: bool | Unset = UNSET
    stack: AssetStackResponseDto | None | Unset = UNSET
    tags: list[TagResponseDto] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.asset_stack_response_dto import AssetStackResponseDto # noqa: PLC0415
        from ..models.exif_response_dto import ExifResponseDto # noqa: PLC0415
        from ..models.person_response_dto import PersonResponseDto # noqa: PLC0415
        from ..models.tag_response_dto import TagResponseDto # noqa: PLC0415
        from ..models.user_response_dto import UserResponseDto # noqa: PLC0415
        checksum = self.checksum

        created_at = self.created_at.isoformat()

        duration: int | None
        duration = self.duration

        file_created_at = self.file_created_at.isoformat()

        file_modified_at = self.file_modified_at.isoformat()

        has_metadata = self.has_metadata

        height: int | None
        height = self.height

        id = str(self.id)

        is_archived = self.is_archived

        is_edited = self.is_edited

        is_favorite = self.is_favorite

        is_offline = self.is_offline

        is_trashed = self.is_trashed

        local_date_time = self.local_date_time.isoformat()

        original_file_name = self.original_file_name

        original_path = self.original_path

        owner_id = str(self.owner_id)

        thumbhash: None | str
        thumbhash = self.thumbhash

        type_ = self.type_.value

        updated_at = self.updated_at.isoformat()

        visibility = self.visibility.value

        width: int | None
        width = self.width

        duplicate_id: None | str | Unset
        if isinstance(self.duplicate_id, Unset):
            duplicate_id = UNSET
        elif isinstance(self.duplicate_id, UUID):
            duplicate_id = str(self.duplicate_id)
        else:
            duplicate_id = self.duplicate_id

        exif_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.exif_info, Unset):
            exif_info = self.exif_info.to_dict()

        library_id: None | str | Unset
        if isinstance(self.library_id, Unset):
            library_id = UNSET
        elif isinstance(self.library_id, UUID):
            library_id = str(self.library_id)
        else:
            library_id = self.library_id

        live_photo_video_id: None | str | Unset
        if isinstance(self.live_photo_video_id, Unset):
            live_photo_video_id = UNSET
        else:
            live_photo_video_id = self.live_photo_video_id

        original_mime_type = self.original_mime_type

        owner: dict[str, Any] | Unset = UNSET
        if not isinstance(self.owner, Unset):
            owner = self.owner.to_dict()

        people: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.people, Unset):
            people = []
            for people_item_data in self.people:
                people_item = people_item_data.to_dict()
                people.append(people_item)



        resized = self.resized

        stack: dict[str, Any] | None | Unset
        if isinstance(self.stack, Unset):
            stack = UNSET
        elif isinstance(self.stack, AssetStackResponseDto):
            stack = self.stack.to_dict()
        else:
            stack = self.stack

        tags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for tags_item_data in self.tags:
                tags_item = tags_item_data.to_dict()
                tags.append(tags_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "checksum": checksum,
            "createdAt": created_at,
            "duration": duration,
            "fileCreatedAt": file_created_at,
            "fileModifiedAt": file_modified_at,
            "hasMetadata": has_metadata,
            "height": height,
            "id": id,
            "isArchived": is_archived,
            "isEdited": is_edited,
            "isFavorite": is_favorite,
            "isOffline": is_offline,
            "isTrashed": is_trashed,
            "localDateTime": local_date_time,
            "originalFileName": original_file_name,
            "originalPath": original_path,
            "ownerId": owner_id,
            "thumbhash": thumbhash,
            "type": type_,
            "updatedAt": updated_at,
            "visibility": visibility,
            "width": width,
        })
        if duplicate_id is not UNSET:
            field_dict["duplicateId"] = duplicate_id
        if exif_info is not UNSET:
            field_dict["exifInfo"] = exif_info
        if library_id is not UNSET:
            field_dict["libraryId"] = library_id
        if live_photo_video_id is not UNSET:
            field_dict["livePhotoVideoId"] = live_photo_video_id
        if original_mime_type is not UNSET:
            field_dict["originalMimeType"] = original_mime_type
        if owner is not UNSET:
            field_dict["owner"] = owner
        if people is not UNSET:
            field_dict["people"] = people
        if resized is not UNSET:
            field_dict["resized"] = resized
        if stack is not UNSET:
            field_dict["stack"] = stack
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset_stack_response_dto import AssetStackResponseDto # noqa: PLC0415
        from ..models.exif_response_dto import ExifResponseDto # noqa: PLC0415
        from ..models.person_response_dto import PersonResponseDto # noqa: PLC0415
        from ..models.tag_response_dto import TagResponseDto # noqa: PLC0415
        from ..models.user_response_dto import UserResponseDto # noqa: PLC0415
        d = dict(src_dict)
        checksum = d.pop("checksum")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        def _parse_duration(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration = _parse_duration(d.pop("duration"))


        file_created_at = datetime.datetime.fromisoformat(d.pop("fileCreatedAt"))




        file_modified_at = datetime.datetime.fromisoformat(d.pop("fileModifiedAt"))




        has_metadata = d.pop("hasMetadata")

        def _parse_height(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        height = _parse_height(d.pop("height"))


        id = UUID(d.pop("id"))




        is_archived = d.pop("isArchived")

        is_edited = d.pop("isEdited")

        is_favorite = d.pop("isFavorite")

        is_offline = d.pop("isOffline")

        is_trashed = d.pop("isTrashed")

        local_date_time = datetime.datetime.fromisoformat(d.pop("localDateTime"))




        original_file_name = d.pop("originalFileName")

        original_path = d.pop("originalPath")

        owner_id = UUID(d.pop("ownerId"))




        def _parse_thumbhash(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        thumbhash = _parse_thumbhash(d.pop("thumbhash"))


        type_ = AssetTypeEnum(d.pop("type"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        visibility = AssetVisibility(d.pop("visibility"))




        def _parse_width(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        width = _parse_width(d.pop("width"))


        def _parse_duplicate_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                duplicate_id_type_0 = UUID(data)



                return duplicate_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        duplicate_id = _parse_duplicate_id(d.pop("duplicateId", UNSET))


        _exif_info = d.pop("exifInfo", UNSET)
        exif_info: ExifResponseDto | Unset
        if isinstance(_exif_info,  Unset):
            exif_info = UNSET
        else:
            exif_info = ExifResponseDto.from_dict(_exif_info)




        def _parse_library_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                library_id_type_0 = UUID(data)



                return library_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        library_id = _parse_library_id(d.pop("libraryId", UNSET))


        def _parse_live_photo_video_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        live_photo_video_id = _parse_live_photo_video_id(d.pop("livePhotoVideoId", UNSET))


        original_mime_type = d.pop("originalMimeType", UNSET)

        _owner = d.pop("owner", UNSET)
        owner: UserResponseDto | Unset
        if isinstance(_owner,  Unset):
            owner = UNSET
        else:
            owner = UserResponseDto.from_dict(_owner)




        _people = d.pop("people", UNSET)
        people: list[PersonResponseDto] | Unset = UNSET
        if _people is not UNSET:
            people = []
            for people_item_data in _people:
                people_item = PersonResponseDto.from_dict(people_item_data)



                people.append(people_item)


        resized = d.pop("resized", UNSET)

        def _parse_stack(data: object) -> AssetStackResponseDto | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                stack_type_1 = AssetStackResponseDto.from_dict(data)



                return stack_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssetStackResponseDto | None | Unset, data)

        stack = _parse_stack(d.pop("stack", UNSET))


        _tags = d.pop("tags", UNSET)
        tags: list[TagResponseDto] | Unset = UNSET
        if _tags is not UNSET:
            tags = []
            for tags_item_data in _tags:
                tags_item = TagResponseDto.from_dict(tags_item_data)



                tags.append(tags_item)


        asset_response_dto = cls(
            checksum=checksum,
            created_at=created_at,
            duration=duration,
            file_created_at=file_created_at,
            file_modified_at=file_modified_at,
            has_metadata=has_metadata,
            height=height,
            id=id,
            is_archived=is_archived,
            is_edited=is_edited,
            is_favorite=is_favorite,
            is_offline=is_offline,
            is_trashed=is_trashed,
            local_date_time=local_date_time,
            original_file_name=original_file_name,
            original_path=original_path,
            owner_id=owner_id,
            thumbhash=thumbhash,
            type_=type_,
            updated_at=updated_at,
            visibility=visibility,
            width=width,
            duplicate_id=duplicate_id,
            exif_info=exif_info,
            library_id=library_id,
            live_photo_video_id=live_photo_video_id,
            original_mime_type=original_mime_type,
            owner=owner,
            people=people,
            resized=resized,
            stack=stack,
            tags=tags,
        )


        asset_response_dto.additional_properties = d
        return asset_response_dto

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
