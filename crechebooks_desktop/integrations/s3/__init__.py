"""The optional S3 archive of generated PDFs (issue 15; the ``s3`` extra, boto3).

``open_store`` gives the creche's bucket as the store that
``services.sync.documents.sync_archive`` copies documents into and
``services.sync.document_checks.verify_documents`` checks. boto3 is imported
only here, only when the archive is used; the access key comes from the
keyring, the usual AWS chain, or is asked once per session
(``integrations.s3.credentials``).
"""

from __future__ import annotations

from collections.abc import Callable

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.integrations.s3.client import boto3_module, make_client
from crechebooks_desktop.integrations.s3.credentials import AskAccessKey, access_key
from crechebooks_desktop.integrations.s3.store import S3Store
from crechebooks_desktop.services.sync.document_store import s3_of

__all__ = ["S3Store", "open_store"]


def open_store(
    creche: CrecheSettings, ask: AskAccessKey | None, tell: Callable[[str], None]
) -> S3Store:
    """The creche's bucket, with the access key to reach it (nothing is asked of S3 yet).

    Args:
        creche: the creche's settings (its bucket, region and prefix).
        ask: asks the person for the access key where the machine has no keyring
            and no AWS credentials (None: nobody can be asked).
        tell: shows a note (why the key is asked for).

    Raises:
        UserFacingError: no bucket set, boto3 missing, or no access key to be had.
    """
    s3 = s3_of(creche)
    boto3_module()  # missing: say so before asking anyone for a key
    return S3Store(s3, make_client(s3, access_key(s3, ask, tell)))
