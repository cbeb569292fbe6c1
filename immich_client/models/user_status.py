from enum import StrEnum

class UserStatus(StrEnum):
    ACTIVE = "active"
    DELETED = "deleted"
    REMOVING = "removing"

    def __str__(self) -> str:
        return str(self.value)
