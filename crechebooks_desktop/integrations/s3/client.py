"""boto3, imported only when the archive is used, and an S3 client with timeouts (issue 15).

The app runs without boto3 (the ``s3`` extra); asking for the archive without
it says how to install it. ``CRECHEBOOKS_S3_ENDPOINT_URL`` points the client at
an S3-compatible store (MinIO, Ceph, a test server) instead of AWS.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import TYPE_CHECKING, Any

from crechebooks_desktop.domain.s3_archive import S3Settings
from crechebooks_desktop.errors import UserFacingError

if TYPE_CHECKING:
    from crechebooks_desktop.integrations.s3.credentials import AccessKey

__all__ = ["ENDPOINT_ENV", "MISSING_BOTO3", "boto3_module", "endpoint_url", "make_client"]

ENDPOINT_ENV = "CRECHEBOOKS_S3_ENDPOINT_URL"
MISSING_BOTO3 = (
    "the S3 archive needs the boto3 package, which is not installed; install it with "
    "`pip install crechebooks-desktop[s3]`"
)
CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a connection to the store."""
READ_TIMEOUT = 30.0
"""Seconds to wait for the store's answer (an upload of a PDF takes far less)."""
ATTEMPTS = 2
"""Tries of each request (one retry on a dropped connection or a 5xx), then the run stops."""


def boto3_module() -> ModuleType:
    """boto3, imported now.

    Raises:
        UserFacingError: it is not installed (naming the extra to install).
    """
    try:
        import boto3  # noqa: PLC0415 - optional: imported only when the archive is used
    except ImportError:
        raise UserFacingError(MISSING_BOTO3) from None
    module: ModuleType = boto3
    return module


def endpoint_url() -> str | None:
    """The S3-compatible store to use instead of AWS (``$CRECHEBOOKS_S3_ENDPOINT_URL``)."""
    return os.environ.get(ENDPOINT_ENV, "").strip() or None


def make_client(s3: S3Settings, key: AccessKey | None) -> Any:
    """An S3 client for the archive's bucket.

    Args:
        s3: the archive's settings (the region).
        key: the access key to sign with; None: boto3's own credential chain.

    Raises:
        UserFacingError: boto3 is missing.
    """
    boto3 = boto3_module()
    from botocore.config import Config  # noqa: PLC0415 - comes with boto3

    endpoint = endpoint_url()
    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"max_attempts": ATTEMPTS, "mode": "standard"},
        # Stores other than AWS rarely resolve bucket.host names; AWS takes both.
        s3={"addressing_style": "path"} if endpoint else {},
        user_agent_extra="crechebooks-desktop",
    )
    credentials = {}
    if key is not None:
        credentials = {
            "aws_access_key_id": key.access_key_id,
            "aws_secret_access_key": key.secret_access_key,
        }
    return boto3.session.Session().client(
        "s3", region_name=s3.region, endpoint_url=endpoint, config=config, **credentials
    )
