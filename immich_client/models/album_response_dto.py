from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.asset_order import AssetOrder
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.album_user_response_dto import AlbumUserResponseDto
  from ..models.contributor_count_response_dto import ContributorCountResponseDto





T = TypeVar("T", bound="AlbumResponseDto")



@_attrs_define
class AlbumResponseDto:
    """ 
        Attributes:
            album_name (str): Album name
            album_thumbnail_asset_id (None | UUID): Thumbnail asset ID
            album_users (list[AlbumUserResponseDto]): First entry is always the album owner. Second entry is the auth user,
                if it differs from the owner. The rest are ordered alphabetically.
            asset_count (int): Number of assets
            created_at (datetime.datetime): Creation date
            description (str): Album description
            has_shared_link (bool): Has shared link
            id (UUID): Album ID
            is_activity_enabled (bool): Activity feed enabled
            shared (bool): Is shared album
            updated_at (datetime.datetime): Last update date
            contributor_counts (list[ContributorCountResponseDto] | Unset):
            end_date (datetime.datetime | Unset): End date (latest asset)
            last_modified_asset_timestamp (datetime.datetime | Unset): Last modified asset timestamp
            order (AssetOrder | Unset): Asset sort order
            start_date (datetime.datetime | Unset): Start date (earliest asset)
     """

    album_name: str
    album_thumbnail_asset_id: None | UUID
    album_users: list[AlbumUserResponseDto]
    asset_count: int
    created_at: datetime.datetime
    description: str
    has_shared_link: bool
    id: UUID
    is_activity_enabled: bool
    shared: bool
    updated_at: datetime.datetime
    contributor_counts: list[ContributorCountResponseDto] | Unset = UNSET
    end_date: datetime.datetime | Unset = UNSET
    last_modified_asset_timestamp: datetime.datetime | Unset = UNSET
    order: AssetOrder | Unset = UNSET
    start_date: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.album_user_response_dto import AlbumUserResponseDto # noqa: PLC0415
        from ..models.contributor_count_response_dto import ContributorCountResponseDto # noqa: PLC0415
        album_name = self.album_name

        album_thumbnail_asset_id: None | str
        if isinstance(self.album_thumbnail_asset_id, UUID):
            album_thumbnail_asset_id = str(self.album_thumbnail_asset_id)
        else:
            album_thumbnail_asset_id = self.album_thumbnail_asset_id

        album_users = []
        for album_users_item_data in self.album_users:
            album_users_item = album_users_item_data.to_dict()
            album_users.append(album_users_item)



        asset_count = self.asset_count

        created_at = self.created_at.isoformat()

        description = self.description

        has_shared_link = self.has_shared_link

        id = str(self.id)

        is_activity_enabled = self.is_activity_enabled

        shared = self.shared

        updated_at = self.updated_at.isoformat()

        contributor_counts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.contributor_counts, Unset):
            contributor_counts = []
            for contributor_counts_item_data in self.contributor_counts:
                contributor_counts_item = contributor_counts_item_data.to_dict()
                contributor_counts.append(contributor_counts_item)



        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        last_modified_asset_timestamp: str | Unset = UNSET
        if not isinstance(self.last_modified_asset_timestamp, Unset):
            last_modified_asset_timestamp = self.last_modified_asset_timestamp.isoformat()

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.value


        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "albumName": album_name,
            "albumThumbnailAssetId": album_thumbnail_asset_id,
            "albumUsers": album_users,
            "assetCount": asset_count,
            "createdAt": created_at,
            "description": description,
            "hasSharedLink": has_shared_link,
            "id": id,
            "isActivityEnabled": is_activity_enabled,
            "shared": shared,
            "updatedAt": updated_at,
        })
        if contributor_counts is not UNSET:
            field_dict["contributorCounts"] = contributor_counts
        if end_date is not UNSET:
            field_dict["endDate"] = end_date
        if last_modified_asset_timestamp is not UNSET:
            field_dict["lastModifiedAssetTimestamp"] = last_modified_asset_timestamp
        if order is not UNSET:
            field_dict["order"] = order
        if start_date is not UNSET:
            field_dict["startDate"] = start_date

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.album_user_response_dto import AlbumUserResponseDto # noqa: PLC0415
        from ..models.contributor_count_response_dto import ContributorCountResponseDto # noqa: PLC0415
        d = dict(src_dict)
        album_name = d.pop("albumName")

        def _parse_album_thumbnail_asset_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                album_thumbnail_asset_id_type_0 = UUID(data)



                return album_thumbnail_asset_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        album_thumbnail_asset_id = _parse_album_thumbnail_asset_id(d.pop("albumThumbnailAssetId"))


        album_users = []
        _album_users = d.pop("albumUsers")
        for album_users_item_data in (_album_users):
            album_users_item = AlbumUserResponseDto.from_dict(album_users_item_data)



            album_users.append(album_users_item)


        asset_count = d.pop("assetCount")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        description = d.pop("description")

        has_shared_link = d.pop("hasSharedLink")

        id = UUID(d.pop("id"))




        is_activity_enabled = d.pop("isActivityEnabled")

        shared = d.pop("shared")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        _contributor_counts = d.pop("contributorCounts", UNSET)
        contributor_counts: list[ContributorCountResponseDto] | Unset = UNSET
        if _contributor_counts is not UNSET:
            contributor_counts = []
            for contributor_counts_item_data in _contributor_counts:
                contributor_counts_item = ContributorCountResponseDto.from_dict(contributor_counts_item_data)



                contributor_counts.append(contributor_counts_item)


        _end_date = d.pop("endDate", UNSET)
        end_date: datetime.datetime | Unset
        if isinstance(_end_date,  Unset):
            end_date = UNSET
        else:
            end_date = datetime.datetime.fromisoformat(_end_date)




        _last_modified_asset_timestamp = d.pop("lastModifiedAssetTimestamp", UNSET)
        last_modified_asset_timestamp: datetime.datetime | Unset
        if isinstance(_last_modified_asset_timestamp,  Unset):
            last_modified_asset_timestamp = UNSET
        else:
            last_modified_asset_timestamp = datetime.datetime.fromisoformat(_last_modified_asset_timestamp)




        _order = d.pop("order", UNSET)
        order: AssetOrder | Unset
        if isinstance(_order,  Unset):
            order = UNSET
        else:
            order = AssetOrder(_order)




        _start_date = d.pop("startDate", UNSET)
        start_date: datetime.datetime | Unset
        if isinstance(_start_date,  Unset):
            start_date = UNSET
        else:
            start_date = datetime.datetime.fromisoformat(_start_date)




        album_response_dto = cls(
            album_name=album_name,
            album_thumbnail_asset_id=album_thumbnail_asset_id,
            album_users=album_users,
            asset_count=asset_count,
            created_at=created_at,
            description=description,
            has_shared_link=has_shared_link,
            id=id,
            is_activity_enabled=is_activity_enabled,
            shared=shared,
            updated_at=updated_at,
            contributor_counts=contributor_counts,
            end_date=end_date,
            last_modified_asset_timestamp=last_modified_asset_timestamp,
            order=order,
            start_date=start_date,
        )


        album_response_dto.additional_properties = d
        return album_response_dto

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
