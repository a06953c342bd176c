"""A real S3 API on loopback (moto's server mode), for the archive's tests (issue 15).

One server per test process, started on first use on 127.0.0.1 (a free port)
and shared by every test: each test makes its own bucket. The server runs in
this process, so its state can be looked at directly, and the commands a test
starts reach it through ``CRECHEBOOKS_S3_ENDPOINT_URL``.

moto records the ``x-amz-checksum-sha256`` it is sent without comparing it to
the bytes (its own TODO says AWS does compare); the server here compares them
as AWS does and refuses a mismatch with AWS's ``BadDigest``, since that
refusal is what the archive relies on.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

S3_KEY_ID = "AKIAS3ARCHIVETEST7Q2Z"
S3_SECRET = "s3-Secret/archive+Tr1cky-9c1e0d57"
"""The access key the tests use; the grep tests look for both everywhere they must not be."""
ENV_KEY_ID = "AKIAENVCHAINTEST0001"
ENV_SECRET = "env-chain-secret-for-tests-only-4b1d"
REGION = "af-south-1"


@dataclass(frozen=True)
class S3Endpoint:
    """The running server."""

    url: str

    def client(self) -> Any:
        """A boto3 client of the server (the tests' own look at the bucket)."""
        return _client(self.url)

    def new_bucket(self, stem: str = "acorns") -> str:
        """A new, empty bucket's name."""
        name = f"{stem}-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def objects(self, bucket: str) -> dict[str, dict[str, Any]]:
        """Each object's key -> its head (metadata and SHA-256 checksum)."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {
            item["Key"]: client.head_object(Bucket=bucket, Key=item["Key"], ChecksumMode="ENABLED")
            for item in listed
        }

    def body(self, bucket: str, key: str) -> bytes:
        """An object's bytes."""
        data: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return data


@functools.cache
def _client(url: str) -> Any:
    """One client per server: making a client costs a quarter of a second."""
    import boto3

    return boto3.session.Session().client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=ENV_KEY_ID,
        aws_secret_access_key=ENV_SECRET,
    )


def _compare_checksums() -> None:
    """Make moto refuse a SHA-256 checksum that is not the body's, as S3 does (BadDigest)."""
    from moto.s3.exceptions import S3ClientError
    from moto.s3.responses import S3Response

    recorded = S3Response._get_checksum
    if getattr(recorded, "compares", False):
        return

    def compared(self: Any, response_headers: dict[str, Any]) -> tuple[str, str | None]:
        algorithm, value = recorded(self, response_headers)
        if algorithm.upper() == "SHA256" and value:
            actual = base64.b64encode(hashlib.sha256(self.body or b"").digest()).decode()
            if actual != value:
                raise S3ClientError(
                    "BadDigest", "The SHA256 you specified did not match the calculated checksum."
                )
        return algorithm, value

    compared.compares = True  # type: ignore[attr-defined]
    S3Response._get_checksum = compared  # type: ignore[method-assign]


@functools.cache
def moto_endpoint() -> S3Endpoint:
    """The process's S3 server, started on first use (its thread ends with the process)."""
    from moto.server import ThreadedMotoServer

    _compare_checksums()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return S3Endpoint(f"http://{host}:{port}")


def aws_env(endpoint: S3Endpoint, folder: Path, *, chain: bool = True) -> dict[str, str | None]:
    """Environment for the archive: the server, and the AWS chain's credentials (or none).

    None removes a variable. The machine's own AWS files and instance metadata
    are out of reach, so a test without ``chain`` has no credentials but those
    it stores.
    """
    return {
        "CRECHEBOOKS_S3_ENDPOINT_URL": endpoint.url,
        "AWS_ACCESS_KEY_ID": ENV_KEY_ID if chain else None,
        "AWS_SECRET_ACCESS_KEY": ENV_SECRET if chain else None,
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        "AWS_CONFIG_FILE": str(folder / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def set_env(monkeypatch: Any, values: dict[str, str | None]) -> None:
    """Set or remove environment variables for the test's length (this process)."""
    for key, value in values.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)


def apply_env(env: dict[str, str], values: dict[str, str | None]) -> dict[str, str]:
    """``env`` (a subprocess's) with these variables set or removed, changed in place."""
    for key, value in values.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
