from enum import StrEnum

class AssetVisibility(StrEnum):
    ARCHIVE = "archive"
    HIDDEN = "hidden"
    LOCKED = "locked"
    TIMELINE = "timeline"

    def __str__(self) -> str:
        return str(self.value)
