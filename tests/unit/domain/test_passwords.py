"""Tests for crechebooks_desktop.domain.passwords."""

from __future__ import annotations

import pytest

from crechebooks_desktop.domain import passwords
from crechebooks_desktop.domain.passwords import (
    DEFAULT_COST_N,
    hash_password,
    needs_rehash,
    verify_password,
)


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse")


def test_right_password(stored: str) -> None:
    assert verify_password("correct horse", stored) is True


@pytest.mark.parametrize("attempt", ["Correct horse", "correct horse ", "", "correct"])
def test_wrong_password(stored: str, attempt: str) -> None:
    assert verify_password(attempt, stored) is False


def test_stored_form(stored: str) -> None:
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(passwords.COST_N), "8", "1")
    assert len(salt) == 24  # 16 bytes, base64
    assert len(digest) == 44  # 32 bytes, base64
    assert "correct horse" not in stored


def test_salts_differ() -> None:
    first, second = hash_password("same"), hash_password("same")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_password("same", first)
    assert verify_password("same", second)


def test_unicode_password() -> None:
    stored = hash_password("Ngiyabonga-ñ-€")
    assert verify_password("Ngiyabonga-ñ-€", stored)
    assert not verify_password("Ngiyabonga-n-€", stored)


def test_empty_password_cannot_be_hashed() -> None:
    with pytest.raises(ValueError, match="cannot be empty"):
        hash_password("")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "plain text",
        "bcrypt$16384$8$1$c2FsdA==$ZGlnZXN0",
        "scrypt$16384$8$1$c2FsdA==",
        "scrypt$lots$8$1$c2FsdA==$ZGlnZXN0",
        "scrypt$16384$8$1$!!notbase64!!$ZGlnZXN0",
        "scrypt$16384$8$1$c2FsdA==$ZGlnZXN0$extra",
        "scrypt$3$8$1$c2FsdA==$ZGlnZXN0",  # n must be a power of two
    ],
)
def test_malformed_hash_is_false(bad: str) -> None:
    assert verify_password("anything", bad) is False


def test_tampered_digest_is_false(stored: str) -> None:
    parts = stored.split("$")
    parts[5] = parts[5][::-1]
    assert verify_password("correct horse", "$".join(parts)) is False


def test_new_hashes_cost_scrypt_n_2_17(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real cost, which the rest of the suite lowers for speed (tests/conftest.py)."""
    assert DEFAULT_COST_N >= 2**17
    monkeypatch.setattr(passwords, "COST_N", DEFAULT_COST_N)
    stored = hash_password("correct horse")
    assert stored.split("$")[1:4] == ["131072", "8", "1"]
    assert verify_password("correct horse", stored)
    assert not needs_rehash(stored)


def test_an_old_cheaper_hash_still_verifies_and_asks_to_be_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passwords, "COST_N", 2**10)
    old = hash_password("pw")
    monkeypatch.setattr(passwords, "COST_N", 2**12)
    assert verify_password("pw", old)
    assert needs_rehash(old)
    assert not needs_rehash(hash_password("pw"))
    assert needs_rehash("md5$whatever")


def test_a_hash_asking_for_absurd_memory_is_refused_not_computed() -> None:
    assert not verify_password("pw", "scrypt$1073741824$8$1$c2FsdA==$ZGlnZXN0")
