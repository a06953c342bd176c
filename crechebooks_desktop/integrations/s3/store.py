"""The creche's bucket through boto3: the store ``services.sync`` copies documents into (issue 15).

Each object is written with the book's SHA-256 in its metadata (``sha256``,
hex) and as the checksum S3 must find in the bytes it receives
(``ChecksumSHA256``, base64): bytes that differ are refused (``BadDigest``).
An object is never written over another (``If-None-Match: *``), and is asked
for with its checksum (``ChecksumMode``) to confirm it.

What S3 answers is sorted in two: about one object (refused: the run goes on
with the next one), or about the whole store (unreachable, no such bucket, no
access, S3 failing after a retry: the run stops). Messages name the bucket and
S3's own code and words, never a credential.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any, TypeVar

from crechebooks_desktop.domain.s3_archive import S3Settings, sha256_checksum
from crechebooks_desktop.integrations.s3.client import endpoint_url
from crechebooks_desktop.services.sync.document_store import (
    ArchiveUnavailable,
    RemoteObject,
    UploadRefused,
)

__all__ = ["S3Store"]

T = TypeVar("T")

_ACCESS = {
    "AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch",
    "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AccountProblem",
}  # fmt: skip
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_NO_BUCKET = {"NoSuchBucket"}
_ALREADY_THERE = {"PreconditionFailed", "ConditionalRequestConflict"}
_WRONG_REGION = {
    "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
}  # fmt: skip
_SERVER_ERROR = 500
_NOT_THERE = 404
_FORBIDDEN = {401, 403}
_MOVED = {301, 307}


class S3Store:
    """An S3 bucket, as an ``ArchiveStore``."""

    def __init__(self, s3: S3Settings, client: Any) -> None:
        self._s3 = s3
        self._client = client
        from botocore import exceptions  # noqa: PLC0415 - comes with boto3, imported lazily

        self._errors = exceptions

    @property
    def where(self) -> str:
        """``s3://bucket``."""
        return f"s3://{self._s3.bucket}"

    def check(self) -> None:
        """Make sure the bucket is there and this key may use it."""
        self._call(lambda: self._client.head_bucket(Bucket=self._s3.bucket))

    def find(self, key: str) -> RemoteObject | None:
        """The object at ``key`` with its SHA-256 metadata and S3's own checksum; None if none."""
        try:
            head = self._call(
                lambda: self._client.head_object(
                    Bucket=self._s3.bucket, Key=key, ChecksumMode="ENABLED"
                ),
                absent_ok=True,
            )
        except _Absent:
            return None
        metadata = head.get("Metadata") or {}
        return RemoteObject(sha256=metadata.get("sha256"), checksum=head.get("ChecksumSHA256"))

    def put(self, key: str, data: bytes, sha256: str) -> bool:
        """Upload ``data`` unless an object is at ``key``; False when one was."""
        try:
            self._call(
                lambda: self._client.put_object(
                    Bucket=self._s3.bucket,
                    Key=key,
                    Body=data,
                    ContentType=_content_type(key),
                    Metadata={"sha256": sha256},
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=sha256_checksum(sha256),
                    IfNoneMatch="*",
                ),
                refusals=True,
            )
        except _Taken:
            return False
        return True

    def _call(
        self, request: Callable[[], T], *, absent_ok: bool = False, refusals: bool = False
    ) -> T:
        """Make one request; S3's and the network's errors as this module's."""
        try:
            return request()
        except self._errors.ClientError as exc:
            raise self._client_error(exc, absent_ok=absent_ok, refusals=refusals) from None
        except self._errors.NoCredentialsError:
            raise ArchiveUnavailable(
                f"no S3 credentials were found for {self.where}: store an access key with "
                "`crechebooks settings set s3-credentials`, or set the usual AWS ones "
                "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)"
            ) from None
        except (self._errors.ConnectionError, self._errors.HTTPClientError) as exc:
            # refused, dropped or timed out (after botocore's retry)
            raise ArchiveUnavailable(f"cannot reach {self._endpoint()}: {exc}") from None
        except self._errors.BotoCoreError as exc:
            raise ArchiveUnavailable(f"the request to {self.where} failed: {exc}") from None

    def _client_error(self, exc: Any, *, absent_ok: bool, refusals: bool) -> Exception:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        words = " ".join(str(error.get("Message", "")).split()) or "no reason given"
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if absent_ok and code in _NOT_FOUND:
            return _Absent()
        if code in _ALREADY_THERE:
            return _Taken()
        whole_store = self._store_problem(code, words, status)
        if whole_store is not None:
            return whole_store
        if not refusals:  # a question about an object (find) that S3 would not answer
            return ArchiveUnavailable(f"{self._endpoint()} answered {code or status}: {words}")
        if code == "BadDigest":
            return UploadRefused(
                f"S3 refused it: its bytes do not have the SHA-256 the book recorded "
                f"({code}: {words})"
            )
        return UploadRefused(f"S3 refused it ({code or status}: {words})")

    def _store_problem(self, code: str, words: str, status: int) -> Exception | None:
        """What stops the run (the bucket, the key, the region, S3 failing), if it is that."""
        if code in _NO_BUCKET or status == _NOT_THERE:
            return ArchiveUnavailable(
                f"the bucket {self._s3.bucket} does not exist at {self._endpoint()}"
            )
        if code in _ACCESS or status in _FORBIDDEN:
            return ArchiveUnavailable(
                f"S3 refused access to {self.where} ({code or status}: {words}); check the "
                "access key and what it may do in the bucket"
            )
        if status in _MOVED or code in _WRONG_REGION:
            return ArchiveUnavailable(
                f"{self.where} is in another region than {self._s3.region or 'the default'}; "
                "set it with `crechebooks settings set s3-region REGION`"
            )
        if status >= _SERVER_ERROR:  # still failing after botocore's retry
            return ArchiveUnavailable(f"{self._endpoint()} answered {code or status}: {words}")
        return None

    def _endpoint(self) -> str:
        return endpoint_url() or f"S3 ({self._s3.region or 'default region'})"


class _Absent(Exception):
    """No object at the key."""


class _Taken(Exception):
    """An object was at the key already; nothing was written."""


def _content_type(key: str) -> str:
    """The object's type by its name: PDFs, and the files attached to invoices (issue 16)."""
    return mimetypes.guess_type(key)[0] or "application/octet-stream"
