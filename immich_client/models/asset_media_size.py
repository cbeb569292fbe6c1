from enum import StrEnum

class AssetMediaSize(StrEnum):
    FULLSIZE = "fullsize"
    ORIGINAL = "original"
    PREVIEW = "preview"
    THUMBNAIL = "thumbnail"

    def __str__(self) -> str:
        return str(self.value)
