from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.asset_response_dto import AssetResponseDto





T = TypeVar("T", bound="DuplicateResponseDto")



@_attrs_define
class DuplicateResponseDto:
    """ 
        Attributes:
            assets (list[AssetResponseDto]): Duplicate assets
            duplicate_id (UUID): Duplicate group ID
            suggested_keep_asset_ids (list[UUID]): Suggested asset IDs to keep based on file size and EXIF data
     """

    assets: list[AssetResponseDto]
    duplicate_id: UUID
    suggested_keep_asset_ids: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.asset_response_dto import AssetResponseDto # noqa: PLC0415
        assets = []
        for assets_item_data in self.assets:
            assets_item = assets_item_data.to_dict()
            assets.append(assets_item)



        duplicate_id = str(self.duplicate_id)

        suggested_keep_asset_ids = []
        for suggested_keep_asset_ids_item_data in self.suggested_keep_asset_ids:
            suggested_keep_asset_ids_item = str(suggested_keep_asset_ids_item_data)
            suggested_keep_asset_ids.append(suggested_keep_asset_ids_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "assets": assets,
            "duplicateId": duplicate_id,
            "suggestedKeepAssetIds": suggested_keep_asset_ids,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset_response_dto import AssetResponseDto # noqa: PLC0415
        d = dict(src_dict)
        assets = []
        _assets = d.pop("assets")
        for assets_item_data in (_assets):
            assets_item = AssetResponseDto.from_dict(assets_item_data)



            assets.append(assets_item)


        duplicate_id = UUID(d.pop("duplicateId"))




        suggested_keep_asset_ids = []
        _suggested_keep_asset_ids = d.pop("suggestedKeepAssetIds")
        for suggested_keep_asset_ids_item_data in (_suggested_keep_asset_ids):
            suggested_keep_asset_ids_item = UUID(suggested_keep_asset_ids_item_data)



            suggested_keep_asset_ids.append(suggested_keep_asset_ids_item)


        duplicate_response_dto = cls(
            assets=assets,
            duplicate_id=duplicate_id,
            suggested_keep_asset_ids=suggested_keep_asset_ids,
        )


        duplicate_response_dto.additional_properties = d
        return duplicate_response_dto

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
