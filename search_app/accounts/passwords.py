"""Password hashes (argon2id, argon2-cffi's recommended parameters) and the length rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 200

_hasher = PasswordHasher()
# Verified against when the address is unknown, so that a wrong address costs
# the same time as a wrong password (no enumeration by timing).
_DUMMY_HASH = _hasher.hash("munnav-dummy-password")


class WeakPassword(ValueError):
    """The password breaks the length rule."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Пароль должен быть не короче {MIN_LENGTH} символов.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Пароль должен быть не длиннее {MAX_LENGTH} символов.")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
