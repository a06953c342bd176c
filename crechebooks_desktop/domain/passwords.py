"""Password hashing with the standard library's scrypt (no extra dependency).

Stored form: ``scrypt$n$r$p$salt_b64$hash_b64`` so parameters can be raised
later without breaking old hashes: a hash made at a lower cost still verifies,
and ``needs_rehash`` tells sign-in to store a new one at today's cost.

The cost is N = 2**17 (r = 8, p = 1): 128 MiB of memory and about half a
second per hash here, as OWASP's password storage guidance asks for scrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

DEFAULT_COST_N = 2**17
COST_N = DEFAULT_COST_N
"""scrypt's N for new hashes (the test suite lowers it for speed; ``needs_rehash`` follows)."""
_MAX_N = 2**20  # a stored hash asking for more is not one of ours: refused, not computed
_R, _P = 8, 1
_DKLEN = 32


def _maxmem(n: int, r: int) -> int:
    """Memory scrypt needs for (n, r), with room: the standard library's default is 32 MiB."""
    return 128 * n * r + 16 * 1024 * 1024


def hash_password(password: str) -> str:
    """Hash a password with a fresh random salt.

    Args:
        password: the plain password (at least one character).

    Returns:
        The self-describing hash to store.

    Raises:
        ValueError: the password is empty.
    """
    if not password:
        raise ValueError("a password cannot be empty")
    salt = secrets.token_bytes(16)
    n = COST_N
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=_R, p=_P, dklen=_DKLEN, maxmem=_maxmem(n, _R)
    )
    return "$".join(["scrypt", str(n), str(_R), str(_P), _b64(salt), _b64(digest)])


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made at a lower cost than today's (store a new one)."""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        return scheme != "scrypt" or int(n) < COST_N or int(r) < _R or int(p) < _P
    except ValueError:
        return True


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash in constant time.

    Args:
        password: what the user typed.
        stored: the value from ``hash_password``.

    Returns:
        True when they match; False for a wrong password or a malformed hash.
    """
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or not 1 < int(n) <= _MAX_N or not 0 < int(r) <= 32:  # noqa: PLR2004
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=_maxmem(int(n), int(r)),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# One-time set-up codes (issue 13): 12 characters from an alphabet without the
# look-alikes 0/O, 1/I/L and U, shown in groups of four: about 59 bits, typed
# once, hashed like a password, and refused after SETUP_CODE_DAYS.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_CODE_LENGTH = 12
SETUP_CODE_DAYS = 14


def new_setup_code() -> str:
    """A fresh random set-up code, e.g. ``K7QD-M2XP-9RTA``."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalise_setup_code(typed: str) -> str:
    """A code as typed (any case, spaces or dashes) in the form it was hashed in."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
