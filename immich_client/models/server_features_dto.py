from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ServerFeaturesDto")



@_attrs_define
class ServerFeaturesDto:
    """ 
        Attributes:
            config_file (bool): Whether config file is available
            duplicate_detection (bool): Whether duplicate detection is enabled
            email (bool): Whether email notifications are enabled
            facial_recognition (bool): Whether facial recognition is enabled
            import_faces (bool): Whether face import is enabled
            map_ (bool): Whether map feature is enabled
            oauth (bool): Whether OAuth is enabled
            oauth_auto_launch (bool): Whether OAuth auto-launch is enabled
            ocr (bool): Whether OCR is enabled
            password_login (bool): Whether password login is enabled
            realtime_transcoding (bool): Whether real-time transcoding is enabled
            reverse_geocoding (bool): Whether reverse geocoding is enabled
            search (bool): Whether search is enabled
            sidecar (bool): Whether sidecar files are supported
            smart_search (bool): Whether smart search is enabled
            trash (bool): Whether trash feature is enabled
     """

    config_file: bool
    duplicate_detection: bool
    email: bool
    facial_recognition: bool
    import_faces: bool
    map_: bool
    oauth: bool
    oauth_auto_launch: bool
    ocr: bool
    password_login: bool
    realtime_transcoding: bool
    reverse_geocoding: bool
    search: bool
    sidecar: bool
    smart_search: bool
    trash: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        config_file = self.config_file

        duplicate_detection = self.duplicate_detection

        email = self.email

        facial_recognition = self.facial_recognition

        import_faces = self.import_faces

        map_ = self.map_

        oauth = self.oauth

        oauth_auto_launch = self.oauth_auto_launch

        ocr = self.ocr

        password_login = self.password_login

        realtime_transcoding = self.realtime_transcoding

        reverse_geocoding = self.reverse_geocoding

        search = self.search

        sidecar = self.sidecar

        smart_search = self.smart_search

        trash = self.trash


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "configFile": config_file,
            "duplicateDetection": duplicate_detection,
            "email": email,
            "facialRecognition": facial_recognition,
            "importFaces": import_faces,
            "map": map_,
            "oauth": oauth,
            "oauthAutoLaunch": oauth_auto_launch,
            "ocr": ocr,
            "passwordLogin": password_login,
            "realtimeTranscoding": realtime_transcoding,
            "reverseGeocoding": reverse_geocoding,
            "search": search,
            "sidecar": sidecar,
            "smartSearch": smart_search,
            "trash": trash,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        config_file = d.pop("configFile")

        duplicate_detection = d.pop("duplicateDetection")

        email = d.pop("email")

        facial_recognition = d.pop("facialRecognition")

        import_faces = d.pop("importFaces")

        map_ = d.pop("map")

        oauth = d.pop("oauth")

        oauth_auto_launch = d.pop("oauthAutoLaunch")

        ocr = d.pop("ocr")

        password_login = d.pop("passwordLogin")

        realtime_transcoding = d.pop("realtimeTranscoding")

        reverse_geocoding = d.pop("reverseGeocoding")

        search = d.pop("search")

        sidecar = d.pop("sidecar")

        smart_search = d.pop("smartSearch")

        trash = d.pop("trash")

        server_features_dto = cls(
            config_file=config_file,
            duplicate_detection=duplicate_detection,
            email=email,
            facial_recognition=facial_recognition,
            import_faces=import_faces,
            map_=map_,
            oauth=oauth,
            oauth_auto_launch=oauth_auto_launch,
            ocr=ocr,
            password_login=password_login,
            realtime_transcoding=realtime_transcoding,
            reverse_geocoding=reverse_geocoding,
            search=search,
            sidecar=sidecar,
            smart_search=smart_search,
            trash=trash,
        )


        server_features_dto.additional_properties = d
        return server_features_dto

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
