"""Sessions and permissions for the web layer: Flask-Login, CSRF, cookies, ``requires``.

- The session signing key: ``MUNNAV_SECRET_KEY``, else one generated once and
  kept in the database (every process and host signs with the same key).
- Cookies ``HttpOnly``, ``SameSite=Lax``, ``Secure`` on HTTPS requests (or
  always with ``MUNNAV_SESSION_COOKIE_SECURE=true`` behind a TLS proxy).
- The session identifies ``user id:session version``; the version changes on
  password change, disable and role change, which ends every older session.
- CSRF (Flask-WTF) on every POST, except API requests that carry a token
  (``Authorization: Bearer …``: no cookie, nothing to forge).
- ``requires(action)``: anonymous → ``/login`` (HTML) or 401 (JSON); signed in
  without the permission → 403. The action is one of ``accounts.permissions``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, abort, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from search_app import site_settings
from search_app.accounts.model import User
from search_app.accounts.permissions import may
from search_app.web.errors import error_response
from search_app.web.services import EXTENSION as SERVICES
from search_app.web.services import accounts

F = TypeVar("F", bound=Callable[..., Any])
# Cookie settings, merged into the app's defaults (the environment and the caller may override).
COOKIE_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # True: always Secure (behind a TLS proxy); False: Secure on HTTPS requests
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=7),
}
csrf = CSRFProtect()
login_manager = LoginManager()


@dataclasses.dataclass(frozen=True, eq=False)
class SessionUser(User):
    """A ``User`` as Flask-Login wants it."""

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.can_act

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @classmethod
    def of(cls, user: User) -> SessionUser:
        return cls(**{f.name: getattr(user, f.name) for f in dataclasses.fields(User)})


class Anonymous(AnonymousUserMixin):
    roles: frozenset[str] = frozenset()


class SessionInterface(SecureCookieSessionInterface):
    """``Secure`` when the request came over HTTPS (or when configured always)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return request.is_secure
        except RuntimeError:  # outside a request
            return False


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = site_settings.secret_key(app.extensions[SERVICES].engine)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, with the API token exception
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = None  # the session version does this job

    @login_manager.user_loader
    def load_user(session_id: str) -> SessionUser | None:
        user = accounts().session_user(session_id)
        return SessionUser.of(user) if user else None

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        if wants_json():
            return jsonify({"error": "Требуется вход."}), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def check_csrf() -> None:
        if request.routing_exception is not None:
            return  # no such route or method: the 404/405 says so, not a CSRF error
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "max_content_length", None)
        if limit:  # set before the form is read (here, for the token)
            request.max_content_length = limit
        if getattr(view, "csrf_exempt", False):
            return
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not (
            request.path.startswith("/api/") and bearer_token()
        ):
            csrf.protect()

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple:
        return error_response(400, "Форма устарела или отправлена не с этого сайта. Обновите страницу и повторите.")

    @app.context_processor
    def permissions() -> dict[str, Any]:
        return {"may": lambda action, obj=None: may(signed_in(), action, obj)}


def accepts_large_body(limit: int) -> Callable[[F], F]:
    """The view takes a larger form than the app's ``MAX_CONTENT_LENGTH`` (e.g. a whole dictionary)."""

    def mark(view: F) -> F:
        view.max_content_length = limit  # type: ignore[attr-defined]
        return view

    return mark


def csrf_exempt(view: F) -> F:
    """A POST authenticated by something else than the session (e.g. a signed token in the URL
    that a mail client posts to, RFC 8058): no CSRF token is required."""
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def token_user() -> User | None:
    """The owner of the request's API token (API writes authenticate this way only)."""
    token = bearer_token()
    return accounts().user_for_token(token) if token else None


def signed_in() -> User | None:
    """The signed-in user, or ``None``."""
    return current_user if current_user.is_authenticated else None  # type: ignore[return-value]


def start_session(user: User) -> None:
    """Sign in with a fresh session: nothing of the anonymous session survives (rotation)."""
    session.clear()
    login_user(SessionUser.of(user))
    session.permanent = True


def end_session() -> None:
    logout_user()
    session.clear()


def requires(action: str) -> Callable[[F], F]:
    """The view needs ``action``: sign in first (401/redirect), else 403 without it."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not may(current_user, action):  # type: ignore[arg-type]
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]  # read by the permission matrix test
        return wrapped  # type: ignore[return-value]

    return decorate


def authorize(action: str, obj: object = None) -> None:
    """Inside a view, for an action on a particular object: 403 unless allowed."""
    if not may(signed_in(), action, obj):
        abort(403)


def redirect_back(default: str) -> Response:
    """To ``next`` when it is a path on this site, else to ``default``."""
    target = request.args.get("next") or request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = default
    return redirect(target)
