from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.permission import Permission
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="ApiKeyResponseDto")



@_attrs_define
class ApiKeyResponseDto:
    """ 
        Attributes:
            created_at (datetime.datetime): Creation date Example: 2024-01-01T00:00:00.000Z.
            id (UUID): API key ID
            name (str): API key name
            permissions (list[Permission]): List of permissions
            updated_at (datetime.datetime): Last update date Example: 2024-01-01T00:00:00.000Z.
     """

    created_at: datetime.datetime
    id: UUID
    name: str
    permissions: list[Permission]
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        permissions = []
        for permissions_item_data in self.permissions:
            permissions_item = permissions_item_data.value
            permissions.append(permissions_item)



        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "createdAt": created_at,
            "id": id,
            "name": name,
            "permissions": permissions,
            "updatedAt": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        id = UUID(d.pop("id"))




        name = d.pop("name")

        permissions = []
        _permissions = d.pop("permissions")
        for permissions_item_data in (_permissions):
            permissions_item = Permission(permissions_item_data)



            permissions.append(permissions_item)


        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        api_key_response_dto = cls(
            created_at=created_at,
            id=id,
            name=name,
            permissions=permissions,
            updated_at=updated_at,
        )


        api_key_response_dto.additional_properties = d
        return api_key_response_dto

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
