from enum import StrEnum

class BulkIdErrorReason(StrEnum):
    DUPLICATE = "duplicate"
    NOT_FOUND = "not_found"
    NO_PERMISSION = "no_permission"
    UNKNOWN = "unknown"
    VALIDATION = "validation"

    def __str__(self) -> str:
        return str(self.value)
