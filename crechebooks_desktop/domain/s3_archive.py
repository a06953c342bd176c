"""The S3 archive of generated PDFs: its settings, how they are checked, and object keys (issue 15).

A document's object key mirrors its place in the local archive:
``[prefix/]creche-slug/kind/year/name.pdf``, e.g.
``acorns/little-acorns-playschool/invoice/2026/INV-2026-000010.pdf``. The
object carries the SHA-256 the book recorded when the document was archived,
in its metadata (hex) and as S3's own checksum (base64), so S3 refuses bytes
that differ from it and says later which hash it holds.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "S3Settings",
    "creche_slug",
    "name_slug",
    "object_key",
    "parse_s3_bucket",
    "parse_s3_prefix",
    "parse_s3_region",
    "sha256_checksum",
]

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_BUCKET_STARTS = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_ENDS = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PREFIX_PART = re.compile(r"[A-Za-z0-9!_.*'()-]+")
_PREFIX_LIMIT = 200
_REGION_LIMIT = 40
_YEAR = re.compile(r"\d{4}")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SEPARATORS = re.compile(r"[\\/]")


@dataclass(frozen=True, slots=True)
class S3Settings:
    """Where a creche's archive goes.

    Attributes:
        bucket: the bucket's name.
        region: its region (None: the AWS configuration's, else us-east-1).
        prefix: folders before the creche's own (None: none).
    """

    bucket: str
    region: str | None = None
    prefix: str | None = None

    @property
    def secret_key(self) -> str:
        """The name the bucket's access key has in the keyring (one per bucket)."""
        return f"s3:{self.bucket}"


def parse_s3_bucket(text: str) -> str | None:
    """A bucket name as S3 allows it (``littleacorns-archive``); blank clears it.

    S3's rules for general purpose buckets: 3 to 63 lowercase letters, digits,
    dots and hyphens, beginning and ending with a letter or digit, no two dots
    together, not an IP address, and none of the reserved beginnings and endings.

    Raises:
        ValueError: a name S3 would refuse, with the rule it breaks.
    """
    value = text.strip()
    if not value:
        return None
    if not 3 <= len(value) <= 63:  # noqa: PLR2004 - S3's limits
        raise ValueError("a bucket name has 3 to 63 characters")
    if not _BUCKET.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a bucket name: lowercase letters, digits, dots and hyphens, "
            "beginning and ending with a letter or digit"
        )
    if ".." in value or ".-" in value or "-." in value:
        raise ValueError(f"{value!r} is not a bucket name: a dot must stand between letters")
    if _is_ip_address(value):
        raise ValueError(f"{value!r} is not a bucket name: it is written as an IP address")
    if value.startswith(_BUCKET_STARTS) or value.endswith(_BUCKET_ENDS):
        raise ValueError(f"{value!r} is not a bucket name: S3 reserves its beginning or ending")
    return value


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def parse_s3_region(text: str) -> str | None:
    """A region's code (``af-south-1``, or an S3-compatible store's own); blank clears it.

    Raises:
        ValueError: not lowercase letters and digits joined by hyphens.
    """
    value = text.strip()
    if not value:
        return None
    if len(value) > _REGION_LIMIT or not _REGION.fullmatch(value):
        raise ValueError(f"{value!r} is not a region, e.g. af-south-1")
    return value


def parse_s3_prefix(text: str) -> str | None:
    """Folders before the creche's own in the bucket (``backups/books``); blank clears it.

    Slashes at either end are dropped. Each folder is letters, digits and
    ``! _ . * ' ( ) -`` (the characters S3 calls safe in a key), never ``.``
    or ``..`` alone.

    Raises:
        ValueError: too long, an empty folder, or a character outside those.
    """
    value = text.strip().strip("/")
    if not value:
        return None
    if len(value) > _PREFIX_LIMIT:
        raise ValueError(f"at most {_PREFIX_LIMIT} characters")
    for part in value.split("/"):
        if not part:
            raise ValueError(f"{value!r} has an empty folder (two slashes together)")
        if part in {".", ".."} or not _PREFIX_PART.fullmatch(part):
            raise ValueError(
                f"{part!r} cannot be a folder of the prefix: use letters, digits and "
                "! _ . * ' ( ) -"
            )
    return value


def creche_slug(name: str, tenant_id: int) -> str:
    """The creche's folder in the bucket: its name in lowercase letters, digits and hyphens.

    ``Little Acorns Playschool`` -> ``little-acorns-playschool``; a name with no
    letter or digit at all gets ``creche-<id>``.
    """
    return name_slug(name, f"creche-{tenant_id}")


def name_slug(name: str, fallback: str) -> str:
    """A name as lowercase letters, digits and hyphens, for a folder or file name.

    Accents are dropped (``Zoë`` -> ``zoe``), every other run of characters
    becomes one hyphen, and at most 60 characters are kept; a name with no
    letter or digit at all gives ``fallback``.
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", plain.lower()).strip("-")
    return slug[:60].rstrip("-") or fallback


def object_key(
    settings: S3Settings,
    slug: str,
    kind: str,
    local_path: str,
    created_at: dt.datetime,
) -> str:
    """``[prefix/]slug/kind/year/name.pdf`` for an archived document.

    A file attached to an invoice (``attachments/<year>/<number>/<name>``) keeps
    its invoice's folder: ``[prefix/]slug/attachment/year/number/name``.

    The year and name are the local copy's (its folder is its year); a copy
    kept elsewhere takes the year it was archived in.
    """
    parts = [part for part in _SEPARATORS.split(local_path) if part]
    name = parts[-1] if parts else "document.pdf"
    year = parts[-2] if len(parts) >= 2 and _YEAR.fullmatch(parts[-2]) else str(created_at.year)  # noqa: PLR2004
    if len(parts) >= 3 and not _YEAR.fullmatch(parts[-2]) and _YEAR.fullmatch(parts[-3]):  # noqa: PLR2004
        # A file attached to an invoice: .../<year>/<number>/<name> keeps its invoice's folder.
        year, name = parts[-3], f"{parts[-2]}/{name}"
    return "/".join(part for part in (settings.prefix, slug, kind, year, name) if part)


def sha256_checksum(sha256_hex: str) -> str:
    """A hex SHA-256 as S3 spells a checksum (``ChecksumSHA256``: base64 of the 32 bytes)."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")
