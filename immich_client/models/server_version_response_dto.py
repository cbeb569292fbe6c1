from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ServerVersionResponseDto")



@_attrs_define
class ServerVersionResponseDto:
    """ 
        Attributes:
            major (int): Major version number
            minor (int): Minor version number
            patch (int): Patch version number
            prerelease (int | None): Pre-release version number
     """

    major: int
    minor: int
    patch: int
    prerelease: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        major = self.major

        minor = self.minor

        patch = self.patch

        prerelease: int | None
        prerelease = self.prerelease


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "major": major,
            "minor": minor,
            "patch": patch,
            "prerelease": prerelease,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        major = d.pop("major")

        minor = d.pop("minor")

        patch = d.pop("patch")

        def _parse_prerelease(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        prerelease = _parse_prerelease(d.pop("prerelease"))


        server_version_response_dto = cls(
            major=major,
            minor=minor,
            patch=patch,
            prerelease=prerelease,
        )


        server_version_response_dto.additional_properties = d
        return server_version_response_dto

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
