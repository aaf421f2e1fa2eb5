"""Signed, expiring links (itsdangerous): e-mail confirmation and password reset.

A reset link carries a fingerprint of the password hash it was issued for, so
it works once: after the password changes the fingerprint no longer matches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_SALT = "munnav.confirm-email"
RESET_SALT = "munnav.reset-password"
CONFIRM_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600


class LinkInvalid(ValueError):
    """Forged, damaged, expired or already used."""


@dataclass(frozen=True)
class LinkSigner:
    secret_key: str

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=salt)

    def confirm_token(self, user_id: int, email: str) -> str:
        # The address itself is not in the link (the payload is readable): its fingerprint is.
        return self._serializer(CONFIRM_SALT).dumps({"u": user_id, "e": fingerprint(email)})

    def read_confirm(self, token: str, max_age: int | None = None) -> tuple[int, str]:
        """The user id and the fingerprint of the address the link was sent to."""
        data = self._load(CONFIRM_SALT, token, CONFIRM_MAX_AGE if max_age is None else max_age)
        return int(data["u"]), str(data["e"])

    def reset_token(self, user_id: int, password_hash: str | None) -> str:
        return self._serializer(RESET_SALT).dumps({"u": user_id, "p": fingerprint(password_hash)})

    def read_reset(self, token: str, max_age: int | None = None) -> tuple[int, str]:
        data = self._load(RESET_SALT, token, RESET_MAX_AGE if max_age is None else max_age)
        return int(data["u"]), str(data["p"])

    def _load(self, salt: str, token: str, max_age: int) -> dict:
        try:
            data = self._serializer(salt).loads(token, max_age=max_age)
        except SignatureExpired as exc:
            raise LinkInvalid("Срок действия ссылки истёк.") from exc
        except BadSignature as exc:
            raise LinkInvalid("Ссылка недействительна.") from exc
        if not isinstance(data, dict) or "u" not in data:
            raise LinkInvalid("Ссылка недействительна.")
        return data


def fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]
