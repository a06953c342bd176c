"""Where an archived document goes in the bucket, and the hash S3 is told (issue 15)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.s3_archive import (
    S3Settings,
    creche_slug,
    name_slug,
    object_key,
    sha256_checksum,
)
from crechebooks_desktop.services.sync.document_store import RemoteObject, difference

ARCHIVED = dt.datetime(2027, 1, 3, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Little Acorns Playschool", "little-acorns-playschool"),
        ("  Sunflower Kids' Educare (Pty) Ltd ", "sunflower-kids-educare-pty-ltd"),
        ("Crèche Émilie & Zoë", "creche-emilie-zoe"),
        ("!!!", "creche-7"),
        ("ÜÜ" * 40, ("uu" * 40)[:60]),
    ],
)
def test_creche_slug(name: str, slug: str) -> None:
    assert creche_slug(name, 7) == slug


def test_a_bank_accounts_slug_names_its_reconciliation_statements() -> None:
    assert name_slug("FNB Cheque / 62-0001", "bank-account") == "fnb-cheque-62-0001"
    assert name_slug(" — ", "bank-account") == "bank-account"


@pytest.mark.parametrize(
    ("prefix", "local_path", "key"),
    [
        (
            None,
            "/data/book-files/documents/invoices/2026/INV-2026-000010.pdf",
            "little-acorns/invoice/2026/INV-2026-000010.pdf",
        ),
        (
            "books/2026",
            "/data/book-files/documents/invoices/2026/INV-2026-000010-2.pdf",
            "books/2026/little-acorns/invoice/2026/INV-2026-000010-2.pdf",
        ),
        (  # a book kept on Windows
            "archive",
            r"C:\Users\office\CrecheBooks\book-files\documents\invoices\2025\INV-2025-000001.pdf",
            "archive/little-acorns/invoice/2025/INV-2025-000001.pdf",
        ),
        (  # a copy kept outside a year folder takes the year it was archived in
            None,
            "/elsewhere/letter.pdf",
            "little-acorns/invoice/2027/letter.pdf",
        ),
    ],
)
def test_object_key(prefix: str | None, local_path: str, key: str) -> None:
    s3 = S3Settings("acorns-archive", "af-south-1", prefix)
    assert object_key(s3, "little-acorns", "invoice", local_path, ARCHIVED) == key


def test_an_attachment_keeps_its_invoice_folder_in_the_key() -> None:
    s3 = S3Settings("acorns-archive", "af-south-1", None)
    path = "/data/book-files/documents/attachments/2026/INV-2026-000010/receipt.pdf"
    assert object_key(s3, "little-acorns", "attachment", path, ARCHIVED) == (
        "little-acorns/attachment/2026/INV-2026-000010/receipt.pdf"
    )


def test_checksum_is_base64_of_the_digest() -> None:
    data = b"%PDF-1.4 an invoice"
    digest = hashlib.sha256(data).hexdigest()
    assert sha256_checksum(digest) == base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_the_archive_is_on_with_a_bucket() -> None:
    creche = CrecheSettings(tenant_id=3, name="Little Acorns")
    assert creche.s3 is None
    on = creche.with_value("s3_bucket", "acorns-archive").with_value("s3_prefix", "/books/")
    assert on.s3 == S3Settings("acorns-archive", None, "books")
    assert on.s3.secret_key == "s3:acorns-archive"
    assert on.with_value("s3_bucket", " ").s3 is None


def test_a_remote_copy_differs_in_each_way() -> None:
    sha = "ab" * 32
    assert difference(RemoteObject(sha, sha256_checksum(sha)), sha) is None
    assert difference(RemoteObject(None, None), sha) == (
        f"its SHA-256 metadata is none, not the book's {sha}"
    )
    assert difference(RemoteObject(sha, None), sha) == (
        "the store keeps no SHA-256 checksum of it, so its bytes cannot be confirmed"
    )
    assert difference(RemoteObject(sha, sha256_checksum("cd" * 32)), sha) == (
        "the store's SHA-256 checksum of its bytes is not the book's"
    )
