"""The S3 archive's access key: the keyring's, else the usual AWS chain, else asked once (issue 15).

``settings set s3-credentials`` keeps an access key id and its secret in the
operating system's keyring, one per bucket, never in the book, a file or a
log. Without one there, boto3's own chain is used (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, ``~/.aws/credentials``, a profile, an instance
role...). On a machine with no keyring and nothing in that chain, the key is
asked for once per session, where someone can be asked, and kept in memory only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from crechebooks_desktop.domain.s3_archive import S3Settings
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.integrations.s3.client import boto3_module

__all__ = [
    "NO_KEYRING_NOTE",
    "AccessKey",
    "AskAccessKey",
    "access_key",
    "check_keyring",
    "parse_access_key",
    "remember_access_key",
    "store_access_key",
]

NO_KEYRING_NOTE = "the S3 access key is asked once per session and kept only in memory"


@dataclass(frozen=True, slots=True)
class AccessKey:
    """An S3 access key id and its secret (never shown: ``repr`` leaves the secret out)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)


AskAccessKey = Callable[[S3Settings], AccessKey]
"""Asks the person for the bucket's access key (a terminal's prompts, a dialog)."""


def parse_access_key(access_key_id: str, secret_access_key: str) -> AccessKey:
    """An access key as typed, checked for shape only (S3 says whether it is right).

    Raises:
        UserFacingError: either part empty, or with spaces or control characters in it.
    """
    key_id, secret = access_key_id.strip(), secret_access_key.strip()
    if not key_id or not secret:
        raise UserFacingError("give both the access key id and its secret; nothing was stored")
    for what, value in (("access key id", key_id), ("secret access key", secret)):
        if any(c.isspace() or not c.isprintable() for c in value):
            raise UserFacingError(f"the {what} has spaces or control characters in it")
    return AccessKey(key_id, secret)


def store_access_key(s3: S3Settings, key: AccessKey) -> None:
    """Keep the bucket's access key in the keyring (and for this session).

    Raises:
        UserFacingError: no keyring here (then it is asked once per session
            instead, when nothing else provides one); nothing was stored.
    """
    try:
        secrets.set_secret(secrets.SERVICE, s3.secret_key, _stored_form(key))
    except secrets.SecretUnavailable as exc:
        raise _cannot_store(exc) from None


def check_keyring() -> None:
    """Refuse before asking for an access key that could not be stored.

    Raises:
        UserFacingError: no keyring here.
    """
    try:
        secrets.require_keyring()
    except secrets.SecretUnavailable as exc:
        raise _cannot_store(exc) from None


def access_key(
    s3: S3Settings, ask: AskAccessKey | None, tell: Callable[[str], None]
) -> AccessKey | None:
    """The access key to reach the bucket with; None: boto3's own chain provides one.

    Args:
        s3: the archive's settings (the keyring keeps one key per bucket).
        ask: asks the person (None where nobody can be asked, e.g. a scheduled task).
        tell: shows a note (that the machine has no keyring and the key is asked).

    Raises:
        UserFacingError: boto3 is missing, or no key can be had at all.
    """
    try:
        stored = secrets.get_secret(secrets.SERVICE, s3.secret_key)
    except secrets.SecretUnavailable as exc:
        if _chain_has_credentials():
            return None
        if ask is None:
            raise UserFacingError(
                f"{exc}, and no AWS credentials are set, so the S3 access key must be typed "
                "when asked (once per session); nothing was sent"
            ) from None
        tell(f"{exc}: {NO_KEYRING_NOTE}")
        key = ask(s3)
        remember_access_key(s3, key)
        return key
    if stored is not None:
        return _from_stored(stored)
    return None


def remember_access_key(s3: S3Settings, key: AccessKey) -> None:
    """Keep the bucket's access key in this process's memory only (asked once per session).

    For a front end that asks on its own thread before a sync starts on another.
    """
    secrets.remember_for_session(secrets.SERVICE, s3.secret_key, _stored_form(key))


def _chain_has_credentials() -> bool:
    session = boto3_module().session.Session()
    return session.get_credentials() is not None


def _stored_form(key: AccessKey) -> str:
    return json.dumps({"id": key.access_key_id, "secret": key.secret_access_key})


def _from_stored(text: str) -> AccessKey:
    try:
        data = json.loads(text)
        return AccessKey(str(data["id"]), str(data["secret"]))
    except (ValueError, KeyError, TypeError):
        raise UserFacingError(
            "the S3 access key in the keyring is not readable; store it again with "
            "`crechebooks settings set s3-credentials`"
        ) from None


def _cannot_store(exc: secrets.SecretUnavailable) -> UserFacingError:
    return UserFacingError(
        f"{exc}, so the S3 access key cannot be stored; use the usual AWS credentials "
        "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials), or type it "
        "when a sync asks (once per session, kept only in memory)"
    )
