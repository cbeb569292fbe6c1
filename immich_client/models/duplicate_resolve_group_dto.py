from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID






T = TypeVar("T", bound="DuplicateResolveGroupDto")



@_attrs_define
class DuplicateResolveGroupDto:
    """ 
        Attributes:
            duplicate_id (UUID):
            keep_asset_ids (list[UUID]): Asset IDs to keep
            trash_asset_ids (list[UUID]): Asset IDs to trash or delete
     """

    duplicate_id: UUID
    keep_asset_ids: list[UUID]
    trash_asset_ids: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        duplicate_id = str(self.duplicate_id)

        keep_asset_ids = []
        for keep_asset_ids_item_data in self.keep_asset_ids:
            keep_asset_ids_item = str(keep_asset_ids_item_data)
            keep_asset_ids.append(keep_asset_ids_item)



        trash_asset_ids = []
        for trash_asset_ids_item_data in self.trash_asset_ids:
            trash_asset_ids_item = str(trash_asset_ids_item_data)
            trash_asset_ids.append(trash_asset_ids_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "duplicateId": duplicate_id,
            "keepAssetIds": keep_asset_ids,
            "trashAssetIds": trash_asset_ids,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duplicate_id = UUID(d.pop("duplicateId"))




        keep_asset_ids = []
        _keep_asset_ids = d.pop("keepAssetIds")
        for keep_asset_ids_item_data in (_keep_asset_ids):
            keep_asset_ids_item = UUID(keep_asset_ids_item_data)



            keep_asset_ids.append(keep_asset_ids_item)


        trash_asset_ids = []
        _trash_asset_ids = d.pop("trashAssetIds")
        for trash_asset_ids_item_data in (_trash_asset_ids):
            trash_asset_ids_item = UUID(trash_asset_ids_item_data)



            trash_asset_ids.append(trash_asset_ids_item)


        duplicate_resolve_group_dto = cls(
            duplicate_id=duplicate_id,
            keep_asset_ids=keep_asset_ids,
            trash_asset_ids=trash_asset_ids,
        )


        duplicate_resolve_group_dto.additional_properties = d
        return duplicate_resolve_group_dto

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
