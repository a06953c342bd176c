"""What the archive's sync and checks need of a remote store, and what it may answer (issue 15).

``integrations.s3`` gives the real one (boto3); this module only says what it
does, so that the book's side of the archive (``services.sync.documents``)
knows nothing of boto3 and runs without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from crechebooks_desktop.db.repositories.documents import DocumentValue
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.s3_archive import (
    S3Settings,
    creche_slug,
    object_key,
    sha256_checksum,
)
from crechebooks_desktop.errors import UserFacingError

__all__ = [
    "ArchiveStore",
    "ArchiveUnavailable",
    "RemoteObject",
    "UploadRefused",
    "difference",
    "key_of",
    "s3_of",
]


class ArchiveUnavailable(UserFacingError):
    """The store cannot be used now (unreachable, no access, no such bucket): the run stops.

    The message names the store and the reason, never a credential.
    """


class UploadRefused(Exception):
    """The store refused one object (its own words, e.g. ``BadDigest``); the others go on."""


@dataclass(frozen=True, slots=True)
class RemoteObject:
    """What the store says of an object.

    Attributes:
        sha256: the SHA-256 (hex) in its metadata, if any.
        checksum: the store's own SHA-256 checksum of its bytes (base64), if it keeps one.
    """

    sha256: str | None
    checksum: str | None


class ArchiveStore(Protocol):
    """A bucket to copy archived documents into."""

    @property
    def where(self) -> str:
        """The bucket, as messages name it (``s3://littleacorns-archive``)."""
        ...

    def check(self) -> None:
        """Make sure the bucket is there and may be used.

        Raises:
            ArchiveUnavailable: it is not, with why.
        """
        ...

    def find(self, key: str) -> RemoteObject | None:
        """The object at ``key`` with its metadata and checksum, or None when there is none.

        Raises:
            ArchiveUnavailable: the store cannot be asked.
        """
        ...

    def put(self, key: str, data: bytes, sha256: str) -> bool:
        """Store ``data`` at ``key``, unless an object is there already (never overwritten).

        The store is told that the bytes' SHA-256 is ``sha256`` (the book's), so
        it refuses bytes with another.

        Returns:
            True when stored; False when an object was already at ``key``.

        Raises:
            UploadRefused: the store refused this object.
            ArchiveUnavailable: the store cannot be used now.
        """
        ...


def s3_of(creche: CrecheSettings) -> S3Settings:
    """The creche's archive settings.

    Raises:
        UserFacingError: no bucket is set.
    """
    s3 = creche.s3
    if s3 is None:
        raise UserFacingError(
            "no S3 bucket is set for the archive; set one with "
            "`crechebooks settings set s3-bucket NAME`"
        )
    return s3


def key_of(creche: CrecheSettings, document: DocumentValue) -> str:
    """The object key of an archived document in the creche's bucket."""
    return object_key(
        s3_of(creche),
        creche_slug(creche.name, creche.tenant_id),
        document.kind,
        document.local_path,
        document.created_at,
    )


def difference(found: RemoteObject, sha256: str) -> str | None:
    """How a remote object differs from the copy the book recorded, or None when it does not."""
    if found.sha256 != sha256:
        held = found.sha256 or "none"
        return f"its SHA-256 metadata is {held}, not the book's {sha256}"
    if found.checksum is None:
        return "the store keeps no SHA-256 checksum of it, so its bytes cannot be confirmed"
    if found.checksum != sha256_checksum(sha256):
        return "the store's SHA-256 checksum of its bytes is not the book's"
    return None
