from enum import StrEnum

class AssetTypeEnum(StrEnum):
    AUDIO = "AUDIO"
    IMAGE = "IMAGE"
    OTHER = "OTHER"
    VIDEO = "VIDEO"

    def __str__(self) -> str:
        return str(self.value)
