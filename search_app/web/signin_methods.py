"""Sign-in methods: the password form is one; external providers plug in here.

An OpenID Connect provider (ЕСИА, a regional SSO) is added by registering an
object with ``name``, ``label``, ``begin(callback_url)`` and ``finish()``;
with Authlib's Flask client these are ``client.authorize_redirect(callback_url)``
and ``client.authorize_access_token()["userinfo"]`` turned into an
``ExternalIdentity``. The routes ``/login/<name>`` and ``/login/<name>/callback``
serve every registered provider; the accounts service is not touched.
"""

from __future__ import annotations

from typing import Protocol

from flask import Flask, Response, current_app

from search_app.accounts.service import ExternalIdentity

EXTENSION = "munnav.signin_methods"


class ExternalSignIn(Protocol):
    name: str  # in the URL: /login/<name>
    label: str  # on the button: «Войти через …»

    def begin(self, callback_url: str) -> Response:
        """Send the browser to the provider."""
        ...

    def finish(self) -> ExternalIdentity:
        """In the callback request: who signed in (raise ``SignInFailed`` if nobody)."""
        ...


def init_app(app: Flask) -> None:
    app.extensions.setdefault(EXTENSION, {})


def register(app: Flask, method: ExternalSignIn) -> None:
    app.extensions.setdefault(EXTENSION, {})[method.name] = method


def external_methods() -> dict[str, ExternalSignIn]:
    return current_app.extensions.get(EXTENSION, {})
