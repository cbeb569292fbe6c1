"""Every error immich-dedupe raises on purpose, and the exit code each one means.

The tree::

    DedupeError                      exit 70 unless a subclass says otherwise
    ├── UsageError                   2   bad arguments, unreadable settings or policy
    ├── ServerError                      the Immich server could not do what we asked
    │   ├── ServerUnavailable        3   unreachable, DNS, TLS, timeouts after retries
    │   ├── AuthError                4   API key rejected (401) or a permission missing (403)
    │   ├── IncompatibleServer       5   not an Immich server / unsupported version / trash off
    │   └── ProtocolError            6   an answer outside the API spec (HTML error page, bad JSON)
    ├── PlanError                    7   plan invalid, tampered, stale as a whole, or for another server
    ├── BackupError                  8   a backup could not be written or verified; nothing deleted
    │   └── ChecksumMismatch         8   downloaded bytes do not match Immich's checksum or size
    └── JournalError                 9   journal unreadable beyond a torn tail, or bound to another plan
        └── AlreadyRunning           9   another run holds the backup directory's lock

A stale group or a group left for review is an *outcome*, not an exception: ``execute``
reports it and exits 1. Messages must be safe to print: they never contain the API key,
request headers or full URLs with credentials.
"""

from __future__ import annotations

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "AlreadyRunning",
    "AuthError",
    "BackupError",
    "ChecksumMismatch",
    "DedupeError",
    "IncompatibleServer",
    "JournalError",
    "PlanError",
    "ProtocolError",
    "ServerError",
    "ServerUnavailable",
    "UsageError",
]

EXIT_OK = 0
EXIT_PARTIAL = 1  # execute finished but some groups were skipped or failed
EXIT_INTERNAL = 70  # a bug: the CLI shows a traceback with the key redacted
EXIT_INTERRUPTED = 130  # Ctrl-C / SIGTERM after a clean stop; a rerun resumes


class DedupeError(Exception):
    """Root of every error we raise on purpose. ``str(err)`` is the one line a user sees."""

    exit_code: int = EXIT_INTERNAL


class UsageError(DedupeError):
    """Bad arguments, an unreadable settings or policy file."""

    exit_code = 2


class ServerError(DedupeError):
    """The server could not do what we asked."""

    exit_code = 3


class ServerUnavailable(ServerError):
    """Unreachable host, DNS or TLS failure, or timeouts after every retry."""

    exit_code = 3


class AuthError(ServerError):
    """The API key was rejected, or it lacks a permission (named in the message)."""

    exit_code = 4

    def __init__(self, message: str, *, missing_permissions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing_permissions = missing_permissions


class IncompatibleServer(ServerError):
    """Not an Immich server, an unsupported version, or a setting we refuse to work with."""

    exit_code = 5


class ProtocolError(ServerError):
    """The server answered outside the API spec (HTML page, invalid JSON, wrong shape)."""

    exit_code = 6

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class PlanError(DedupeError):
    """The plan is invalid, tampered with, or was made for another server."""

    exit_code = 7


class BackupError(DedupeError):
    """A backup could not be written or verified. Nothing was deleted for that asset."""

    exit_code = 8


class ChecksumMismatch(BackupError):
    """Downloaded bytes do not match the size or checksum Immich reports."""


class JournalError(DedupeError):
    """The journal cannot be trusted: unreadable beyond a torn tail, or bound to another plan."""

    exit_code = 9


class AlreadyRunning(JournalError):
    """Another run holds the lock on this backup directory."""
