"""The S3 archive's access key: keyring, the AWS chain, or asked once per session (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.s3_archive import S3Settings
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.integrations.s3 import open_store
from crechebooks_desktop.integrations.s3.credentials import (
    AccessKey,
    access_key,
    check_keyring,
    parse_access_key,
    store_access_key,
)
from tests.delivery_fixtures import (
    MemoryKeyring,
    session_secrets,  # noqa: F401 - fixture
)
from tests.delivery_fixtures import memory_keyring as keyring_in_memory  # noqa: F401 - fixture
from tests.delivery_fixtures import no_keyring as _no_keyring  # noqa: F401 - fixture
from tests.s3_fixtures import S3_KEY_ID, S3_SECRET, S3Endpoint, aws_env, moto_endpoint, set_env

KEY = AccessKey(S3_KEY_ID, S3_SECRET)


@pytest.fixture
def bucket_of(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[S3Endpoint, CrecheSettings]:
    """A bucket on the loopback server, and no AWS credentials anywhere in the chain."""
    endpoint = moto_endpoint()
    set_env(monkeypatch, aws_env(endpoint, tmp_path, chain=False))
    creche = CrecheSettings(tenant_id=1, name="Little Acorns", s3_bucket=endpoint.new_bucket())
    return endpoint, creche


def test_the_key_is_kept_in_the_keyring_and_used(
    bucket_of: tuple[S3Endpoint, CrecheSettings],
    keyring_in_memory: MemoryKeyring,  # noqa: F811 - the fixture imported above
) -> None:
    _endpoint, creche = bucket_of
    assert creche.s3 is not None
    # Nothing in the keyring and nothing in the chain: S3 cannot be asked.
    with pytest.raises(UserFacingError, match=r"^no S3 credentials were found for s3://"):
        open_store(creche, None, print).check()
    store_access_key(creche.s3, KEY)
    assert list(keyring_in_memory.store) == [("crechebooks-desktop", f"s3:{creche.s3_bucket}")]
    secrets._session.clear()  # another session: only the keyring has it
    assert access_key(creche.s3, None, print) == KEY
    open_store(creche, None, print).check()  # signed with the keyring's key
    assert S3_SECRET not in repr(KEY)


@pytest.mark.usefixtures("_no_keyring")
def test_no_keyring_asks_once_per_session(bucket_of: tuple[S3Endpoint, CrecheSettings]) -> None:
    _endpoint, creche = bucket_of
    assert creche.s3 is not None
    with pytest.raises(UserFacingError, match="the S3 access key cannot be stored"):
        check_keyring()
    with pytest.raises(UserFacingError, match="must be typed when asked"):
        open_store(creche, None, print)
    asked: list[S3Settings] = []
    notes: list[str] = []

    def ask(s3: S3Settings) -> AccessKey:
        asked.append(s3)
        return KEY

    open_store(creche, ask, notes.append).check()
    open_store(creche, ask, notes.append).check()
    assert asked == [creche.s3]
    assert notes == [
        (
            "this machine has no keyring (no keyring backend is available): "
            "the S3 access key is asked once per session and kept only in memory"
        )
    ]


@pytest.mark.usefixtures("_no_keyring")
def test_no_keyring_uses_the_aws_chain(
    bucket_of: tuple[S3Endpoint, CrecheSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    _endpoint, creche = bucket_of
    assert creche.s3 is not None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMTHECHAIN0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-the-chain")

    def never(s3: S3Settings) -> AccessKey:
        raise AssertionError("asked although the AWS chain has a key")

    assert access_key(creche.s3, never, print) is None
    open_store(creche, never, print).check()


@pytest.mark.parametrize(
    ("key_id", "secret", "message"),
    [
        ("", "x", "give both the access key id and its secret; nothing was stored"),
        ("AKIA1", " ", "give both the access key id and its secret; nothing was stored"),
        ("AKIA 1", "x", "the access key id has spaces or control characters in it"),
        ("AKIA1", "se\tcret", "the secret access key has spaces or control characters in it"),
    ],
)
def test_a_key_must_have_both_parts(key_id: str, secret: str, message: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_access_key(key_id, secret)
    assert str(refused.value) == message
    assert parse_access_key(f" {S3_KEY_ID} ", S3_SECRET) == KEY
