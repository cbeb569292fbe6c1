from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.bulk_id_error_reason import BulkIdErrorReason
from ..types import UNSET, Unset
from uuid import UUID






T = TypeVar("T", bound="BulkIdResponseDto")



@_attrs_define
class BulkIdResponseDto:
    """ 
        Attributes:
            id (UUID): ID
            success (bool): Whether operation succeeded
            error (BulkIdErrorReason | Unset): Error reason
            error_message (str | Unset):
     """

    id: UUID
    success: bool
    error: BulkIdErrorReason | Unset = UNSET
    error_message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        success = self.success

        error: str | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.value


        error_message = self.error_message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "success": success,
        })
        if error is not UNSET:
            field_dict["error"] = error
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        success = d.pop("success")

        _error = d.pop("error", UNSET)
        error: BulkIdErrorReason | Unset
        if isinstance(_error,  Unset):
            error = UNSET
        else:
            error = BulkIdErrorReason(_error)




        error_message = d.pop("errorMessage", UNSET)

        bulk_id_response_dto = cls(
            id=id,
            success=success,
            error=error,
            error_message=error_message,
        )


        bulk_id_response_dto.additional_properties = d
        return bulk_id_response_dto

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
