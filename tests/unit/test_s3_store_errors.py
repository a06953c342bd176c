"""How S3's answers are sorted: about one object, or about the whole store (issue 15).

S3's refusals that the loopback server does not give on cue (no access, another
region, failing) are played by a client that raises them as botocore does.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)

from crechebooks_desktop.domain.s3_archive import S3Settings
from crechebooks_desktop.integrations.s3 import S3Store
from crechebooks_desktop.services.sync.document_store import ArchiveUnavailable, UploadRefused

S3 = S3Settings("acorns-archive", "af-south-1", None)
SHA = "ab" * 32


def answer(code: str, status: int, message: str = "words  of\nS3") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "PutObject",
    )


class Raising:
    """A client whose every request fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def request(**_kwargs: Any) -> Any:
            raise self.error

        return request


@pytest.fixture(autouse=True)
def on_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRECHEBOOKS_S3_ENDPOINT_URL", raising=False)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            answer("NoSuchBucket", 404),
            "the bucket acorns-archive does not exist at S3 (af-south-1)",
        ),
        (
            answer("AccessDenied", 403, "Access Denied"),
            (
                "S3 refused access to s3://acorns-archive (AccessDenied: Access Denied); check the "
                "access key and what it may do in the bucket"
            ),
        ),
        (
            answer("InvalidAccessKeyId", 403),
            (
                "S3 refused access to s3://acorns-archive (InvalidAccessKeyId: words of S3); check "
                "the access key and what it may do in the bucket"
            ),
        ),
        (
            answer("PermanentRedirect", 301),
            (
                "s3://acorns-archive is in another region than af-south-1; set it with "
                "`crechebooks settings set s3-region REGION`"
            ),
        ),
        (answer("SlowDown", 503), "S3 (af-south-1) answered SlowDown: words of S3"),
        (
            ReadTimeoutError(endpoint_url="https://s3.af-south-1.amazonaws.com"),
            'cannot reach S3 (af-south-1): Read timeout on endpoint URL: "https://s3.af-south-1.amazonaws.com"',
        ),
        (
            ParamValidationError(report="Invalid bucket name"),
            (
                "the request to s3://acorns-archive failed: Parameter validation failed:\n"
                "Invalid bucket name"
            ),
        ),
        (NoCredentialsError(), "no S3 credentials were found for s3://acorns-archive: store"),
    ],
)
def test_what_stops_the_run(error: Exception, message: str) -> None:
    store = S3Store(S3, Raising(error))
    for request in (store.check, lambda: store.find("k"), lambda: store.put("k", b"", SHA)):
        with pytest.raises(ArchiveUnavailable) as stopped:
            request()
        assert str(stopped.value).startswith(message)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            answer(
                "BadDigest", 400, "The SHA256 you specified did not match the calculated checksum."
            ),
            (
                "S3 refused it: its bytes do not have the SHA-256 the book recorded "
                "(BadDigest: The SHA256 you specified did not match the calculated checksum.)"
            ),
        ),
        (answer("EntityTooLarge", 400), "S3 refused it (EntityTooLarge: words of S3)"),
        (answer("", 400, ""), "S3 refused it (400: no reason given)"),
    ],
)
def test_what_refuses_one_object(error: Exception, message: str) -> None:
    store = S3Store(S3, Raising(error))
    with pytest.raises(UploadRefused) as refused:
        store.put("k", b"", SHA)
    assert str(refused.value) == message
    # Asked about an object instead, the same answer stops the run: nothing to refuse there.
    with pytest.raises(ArchiveUnavailable):
        store.find("k")


def test_an_object_taken_meanwhile_is_no_refusal() -> None:
    assert S3Store(S3, Raising(answer("PreconditionFailed", 412))).put("k", b"", SHA) is False
    assert S3Store(S3, Raising(answer("404", 404))).find("k") is None
