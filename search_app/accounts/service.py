"""The accounts service: every read and write of users, roles and tokens.

Views, commands and other services call it; none of them writes these tables.
Changes made by someone (an admin, an editor, the user) take ``actor`` and
are written to the audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ingest.clock import now_iso
from search_app import site_settings
from search_app.accounts import audit
from search_app.accounts.links import LinkInvalid, LinkSigner, fingerprint
from search_app.accounts.model import (
    ROLES,
    BadEmail,
    User,
    checked_email,
    domain_allowed,
    normalise_email,
    parse_allowlist,
)
from search_app.accounts.passwords import hash_password, needs_rehash, verify_password
from search_app.accounts.tables import api_tokens, user_identities, user_roles, users

ALLOWLIST_KEY = "approved_domains"
TOKEN_PREFIX = "mn_"

# Called inside the deletion's transaction with (connection, user id), after
# ``search_app.account_erasure``: extensions that keep their own rows about a user.
DELETE_HOOKS: list[Callable[[Connection, int], None]] = []


class AccountError(ValueError):
    """A request the service refuses; the message is for the user (Russian)."""


class SignInFailed(AccountError):
    """Wrong address or password, or an account that may not sign in."""


@dataclass(frozen=True)
class SignUp:
    user: User
    created: bool  # False: the address was already registered (nothing changed)


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None


@dataclass(frozen=True)
class UserFilter:
    role: str = ""
    status: str = ""  # "" | pending | disabled | unconfirmed | active
    text: str = ""


class AccountService:
    def __init__(self, engine: Engine, signer: LinkSigner | None = None) -> None:
        self.engine = engine
        self.signer = signer

    # -- reading ---------------------------------------------------------

    def get(self, user_id: int) -> User | None:
        with self.engine.connect() as conn:
            return self._get(conn, user_id)

    def by_email(self, email: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.email == normalise_email(email))).first()
            return self._user(conn, row) if row else None

    def _get(self, conn: Connection, user_id: int) -> User | None:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
        return self._user(conn, row) if row else None

    def _user(self, conn: Connection, row: Any) -> User:
        roles = conn.execute(select(user_roles.c.role).where(user_roles.c.user_id == row.id)).scalars()
        return User(
            id=row.id, email=row.email, name=row.name, municipality=row.municipality, region=row.region,
            roles=frozenset(roles), created_at=row.created_at, confirmed_at=row.confirmed_at,
            approved_at=row.approved_at, disabled_at=row.disabled_at, deleted_at=row.deleted_at,
            last_signin_at=row.last_signin_at, session_version=row.session_version,
            has_password=row.password_hash is not None,
        )

    def list(self, flt: UserFilter | None = None, limit: int = 50, offset: int = 0) -> tuple[list[User], int]:
        flt = flt or UserFilter()
        c = users.c
        where = [c.deleted_at.is_(None)]
        if flt.role:
            where.append(c.id.in_(select(user_roles.c.user_id).where(user_roles.c.role == flt.role)))
        if flt.status == "pending":
            where += [c.confirmed_at.is_not(None), c.approved_at.is_(None), c.disabled_at.is_(None)]
        elif flt.status == "disabled":
            where.append(c.disabled_at.is_not(None))
        elif flt.status == "unconfirmed":
            where.append(c.confirmed_at.is_(None))
        elif flt.status == "active":
            where += [c.confirmed_at.is_not(None), c.approved_at.is_not(None), c.disabled_at.is_(None)]
        if flt.text:
            pattern = f"%{flt.text.strip().lower()}%"
            where.append(c.email.like(pattern) | func.lower(c.name).like(pattern) | func.lower(c.municipality).like(pattern))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(users).where(*where)).scalar() or 0
            rows = conn.execute(select(users).where(*where).order_by(c.id).limit(limit).offset(offset)).all()
            return [self._user(conn, r) for r in rows], int(total)

    def pending_approval(self) -> list[User]:
        """Confirmed officials waiting for an editor or admin, oldest first."""
        return self.list(UserFilter(status="pending"), limit=500)[0]

    # -- signing up ---------------------------------------------------------

    def sign_up(self, email: str, password: str, name: str = "", municipality: str = "", region: str = "") -> SignUp:
        """A new official, unconfirmed; an address already registered changes nothing."""
        email = _checked(email)
        password_hash = hash_password(password)
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(insert(users).values(
                    email=email, password_hash=password_hash, name=name.strip(),
                    municipality=municipality.strip(), region=region.strip(), created_at=now_iso(),
                )).inserted_primary_key[0]
                conn.execute(insert(user_roles).values(user_id=user_id, role="official"))
                audit.record(conn, user_id, "account.signup", f"user:{user_id}")
                user = self._get(conn, user_id)
        except IntegrityError:
            existing = self.by_email(email)
            assert existing is not None
            return SignUp(existing, created=False)
        assert user is not None
        return SignUp(user, created=True)

    def confirm_token(self, user: User) -> str:
        assert self.signer is not None and user.email
        return self.signer.confirm_token(user.id, user.email)

    def confirm(self, token: str) -> User:
        """Confirm the address of a signed link; approve at once on an allowlisted domain."""
        assert self.signer is not None
        user_id, email_print = self.signer.read_confirm(token)
        with self.engine.begin() as conn:
            user = self._get(conn, user_id)
            if user is None or user.email is None or fingerprint(user.email) != email_print or user.deleted_at:
                raise LinkInvalid("Ссылка недействительна.")
            if user.confirmed_at:
                return user
            now = now_iso()
            values: dict[str, Any] = {"confirmed_at": now}
            if domain_allowed(user.email, self._allowlist(conn)):
                values["approved_at"] = now
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
            audit.record(conn, user_id, "account.confirm", f"user:{user_id}",
                         after={"approved": "approved_at" in values})
            confirmed = self._get(conn, user_id)
        assert confirmed is not None
        return confirmed

    # -- signing in ----------------------------------------------------------

    def authenticate(self, email: str, password: str) -> User:
        """The user whose address and password these are, allowed to sign in; else ``SignInFailed``."""
        email = normalise_email(email)
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.email == email)).first()
        stored = row.password_hash if row is not None else None
        if not verify_password(stored, password) or row is None:
            if row is not None:
                with self.engine.begin() as conn:
                    audit.record(conn, None, "signin.failed", f"user:{row.id}")
            raise SignInFailed("Неверный адрес электронной почты или пароль.")
        if needs_rehash(row.password_hash):
            with self.engine.begin() as conn:
                conn.execute(update(users).where(users.c.id == row.id).values(password_hash=hash_password(password)))
        user = self.get(row.id)
        assert user is not None
        self.check_may_sign_in(user)
        return user

    @staticmethod
    def check_may_sign_in(user: User) -> None:
        if user.deleted_at or user.disabled_at:
            raise SignInFailed("Учётная запись отключена. Обратитесь к администратору.")
        if not user.confirmed_at:
            raise SignInFailed("Адрес электронной почты не подтверждён: откройте ссылку из письма.")

    def user_for_identity(self, provider: str, subject: str) -> User | None:
        """The account linked to an external identity (OpenID Connect sign-in methods)."""
        with self.engine.connect() as conn:
            user_id = conn.execute(select(user_identities.c.user_id).where(
                user_identities.c.provider == provider, user_identities.c.subject == subject,
            )).scalar()
            return self._get(conn, user_id) if user_id is not None else None

    def link_identity(self, user_id: int, provider: str, subject: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(user_identities).values(provider=provider, subject=subject, user_id=user_id))

    def create_external(self, identity: ExternalIdentity) -> User:
        """A new official whose address the provider verified (no password)."""
        email = normalise_email(identity.email)
        now = now_iso()
        with self.engine.begin() as conn:
            approved = now if domain_allowed(email, self._allowlist(conn)) else None
            user_id = conn.execute(insert(users).values(
                email=email, name=identity.name.strip(), created_at=now, confirmed_at=now, approved_at=approved,
            )).inserted_primary_key[0]
            conn.execute(insert(user_roles).values(user_id=user_id, role="official"))
            audit.record(conn, user_id, "account.signup", f"user:{user_id}", after={"method": identity.provider})
            user = self._get(conn, user_id)
        assert user is not None
        return user

    def record_sign_in(self, user: User, method: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user.id).values(last_signin_at=now_iso()))
            audit.record(conn, user.id, "signin", f"user:{user.id}", after={"method": method})

    def record_sign_out(self, user: User) -> None:
        with self.engine.begin() as conn:
            audit.record(conn, user.id, "signout", f"user:{user.id}")

    def session_user(self, session_id: str) -> User | None:
        """The user of a session identifier ``id:version`` if it is still valid."""
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = self.get(int(user_id))
        if user is None or user.session_version != int(version) or not user.can_act:
            return None
        return user

    # -- passwords ------------------------------------------------------------

    def reset_token_for(self, email: str) -> tuple[User, str] | None:
        """A reset link's token for an account that may sign in with a password, else ``None``."""
        assert self.signer is not None
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.email == normalise_email(email))).first()
            if row is None or row.deleted_at or row.disabled_at:
                return None
            user = self._user(conn, row)
        return user, self.signer.reset_token(row.id, row.password_hash)

    def check_reset_token(self, token: str) -> User:
        assert self.signer is not None
        user_id, print_ = self.signer.read_reset(token)
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
        if row is None or row.deleted_at or row.disabled_at or fingerprint(row.password_hash) != print_:
            raise LinkInvalid("Ссылка недействительна или уже использована.")
        user = self.get(user_id)
        assert user is not None
        return user

    def reset_password(self, token: str, password: str) -> User:
        """Set a new password through a reset link; the link is spent, old sessions end.

        Following the link proves the address, so an unconfirmed account is confirmed.
        """
        user = self.check_reset_token(token)
        self._set_password(user.id, user.id, password, confirm=True)
        fresh = self.get(user.id)
        assert fresh is not None
        return fresh

    def change_password(self, user: User, current: str, new: str) -> None:
        with self.engine.connect() as conn:
            stored = conn.execute(select(users.c.password_hash).where(users.c.id == user.id)).scalar()
        if not verify_password(stored, current):
            raise AccountError("Текущий пароль введён неверно.")
        self._set_password(user.id, user.id, new)

    def _set_password(self, actor_id: int | None, user_id: int, password: str, confirm: bool = False, via: str = "web") -> None:
        values: dict[str, Any] = {
            "password_hash": hash_password(password),
            "session_version": users.c.session_version + 1,
        }
        with self.engine.begin() as conn:
            if confirm:
                row = conn.execute(select(users.c.confirmed_at).where(users.c.id == user_id)).first()
                if row is not None and row.confirmed_at is None:
                    values["confirmed_at"] = now_iso()
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
            audit.record(conn, actor_id, "account.password", f"user:{user_id}", via=via)

    # -- profile ----------------------------------------------------------------

    def update_profile(self, user: User, name: str, municipality: str, region: str) -> User:
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user.id).values(
                name=name.strip(), municipality=municipality.strip(), region=region.strip(),
            ))
            fresh = self._get(conn, user.id)
        assert fresh is not None
        return fresh

    def delete_account(self, user: User, via: str = "web") -> None:
        """Erase personal data; the row stays so that contributions and the log keep their author id."""
        from search_app import (
            account_erasure,  # the other services' tables (imported late: no cycle)
        )

        with self.engine.begin() as conn:
            account_erasure.erase(conn, user.id)
            for hook in DELETE_HOOKS:
                hook(conn, user.id)
            conn.execute(delete(user_roles).where(user_roles.c.user_id == user.id))
            conn.execute(delete(api_tokens).where(api_tokens.c.user_id == user.id))
            conn.execute(delete(user_identities).where(user_identities.c.user_id == user.id))
            conn.execute(update(users).where(users.c.id == user.id).values(
                email=None, password_hash=None, name="", municipality="", region="",
                deleted_at=now_iso(), session_version=users.c.session_version + 1,
            ))
            audit.record(conn, user.id, "account.delete", f"user:{user.id}", via=via)

    # -- administration --------------------------------------------------------

    def create(self, actor: User | None, email: str, password: str, roles: Iterable[str], via: str = "cli") -> User:
        """An account made by an admin or ``munnav users add``: confirmed and approved at once."""
        roles = _valid_roles(roles)
        email = _checked(email)
        now = now_iso()
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(insert(users).values(
                    email=email, password_hash=hash_password(password), created_at=now,
                    confirmed_at=now, approved_at=now,
                )).inserted_primary_key[0]
                for role in roles:
                    conn.execute(insert(user_roles).values(user_id=user_id, role=role))
                audit.record(conn, actor.id if actor else None, "account.create", f"user:{user_id}",
                             after={"roles": sorted(roles)}, via=via)
                user = self._get(conn, user_id)
        except IntegrityError:
            raise AccountError(f"Пользователь {email} уже есть.") from None
        assert user is not None
        return user

    def set_roles(self, actor: User | None, user: User, roles: Iterable[str], via: str = "web") -> User:
        roles = _valid_roles(roles)
        with self.engine.begin() as conn:
            conn.execute(delete(user_roles).where(user_roles.c.user_id == user.id))
            for role in sorted(roles):
                conn.execute(insert(user_roles).values(user_id=user.id, role=role))
            conn.execute(update(users).where(users.c.id == user.id).values(
                session_version=users.c.session_version + 1,
            ))
            audit.record(conn, actor.id if actor else None, "account.roles", f"user:{user.id}",
                         before={"roles": sorted(user.roles)}, after={"roles": sorted(roles)}, via=via)
            fresh = self._get(conn, user.id)
        assert fresh is not None
        return fresh

    def approve(self, actor: User | None, user: User, via: str = "web") -> User:
        return self._stamp(actor, user, "approved_at", "account.approve", now_iso(), via)

    def disable(self, actor: User | None, user: User, via: str = "web") -> User:
        return self._stamp(actor, user, "disabled_at", "account.disable", now_iso(), via, end_sessions=True)

    def enable(self, actor: User | None, user: User, via: str = "web") -> User:
        return self._stamp(actor, user, "disabled_at", "account.enable", None, via)

    def _stamp(self, actor: User | None, user: User, column: str, action: str, value: str | None,
               via: str, end_sessions: bool = False) -> User:
        values: dict[str, Any] = {column: value}
        if end_sessions:
            values["session_version"] = users.c.session_version + 1
        with self.engine.begin() as conn:
            before = getattr(user, column)
            conn.execute(update(users).where(users.c.id == user.id).values(**values))
            audit.record(conn, actor.id if actor else None, action, f"user:{user.id}",
                         before={column: before}, after={column: value}, via=via)
            fresh = self._get(conn, user.id)
        assert fresh is not None
        return fresh

    # -- the allowlist of approved domains --------------------------------------

    def allowlist(self) -> list[str]:
        with self.engine.connect() as conn:
            return self._allowlist(conn)

    def _allowlist(self, conn: Connection) -> list[str]:
        value = conn.execute(
            select(site_settings.site_settings.c.value).where(site_settings.site_settings.c.key == ALLOWLIST_KEY)
        ).scalar()
        return parse_allowlist(value or "")

    def set_allowlist(self, actor: User | None, text: str, via: str = "web") -> list[str]:
        domains = parse_allowlist(text)
        with self.engine.begin() as conn:
            before = self._allowlist(conn)
            site_settings.set_setting(conn, ALLOWLIST_KEY, "\n".join(domains))
            audit.record(conn, actor.id if actor else None, "settings.allowlist", ALLOWLIST_KEY,
                         before=before, after=domains, via=via)
        return domains

    # -- API tokens --------------------------------------------------------------

    def create_token(self, user: User, name: str) -> str:
        """A new token; the secret is returned once and only its hash is kept."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            token_id = conn.execute(insert(api_tokens).values(
                user_id=user.id, name=name.strip() or "токен", token_hash=_token_hash(secret),
                prefix=secret[:10], created_at=now_iso(),
            )).inserted_primary_key[0]
            audit.record(conn, user.id, "account.token", f"token:{token_id}", after={"name": name.strip()})
        return secret

    def tokens(self, user: User) -> list[ApiToken]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_tokens).where(api_tokens.c.user_id == user.id).order_by(api_tokens.c.id))
            return [ApiToken(r.id, r.name, r.prefix, r.created_at, r.last_used_at) for r in rows]

    def revoke_token(self, user: User, token_id: int) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(delete(api_tokens).where(
                api_tokens.c.id == token_id, api_tokens.c.user_id == user.id,
            )).rowcount
            if done:
                audit.record(conn, user.id, "account.token_revoke", f"token:{token_id}")
        return bool(done)

    def user_for_token(self, secret: str) -> User | None:
        if not secret.startswith(TOKEN_PREFIX):
            return None
        digest = _token_hash(secret)
        with self.engine.begin() as conn:
            row = conn.execute(select(api_tokens.c.id, api_tokens.c.user_id).where(
                api_tokens.c.token_hash == digest,
            )).first()
            if row is None:
                return None
            conn.execute(update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=now_iso()))
            user = self._get(conn, row.user_id)
        return user if user is not None and user.can_act else None


def _token_hash(secret: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(secret.encode()).hexdigest()


def _checked(email: str) -> str:
    try:
        return checked_email(email)
    except BadEmail as exc:
        raise AccountError(str(exc)) from None


def _valid_roles(roles: Iterable[str]) -> set[str]:
    roles = {r.strip() for r in roles if r.strip()}
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise AccountError(f"Неизвестная роль: {', '.join(unknown)}; роли: {', '.join(ROLES)}.")
    return roles


@dataclass(frozen=True)
class ExternalIdentity:
    """Who an external provider (OpenID Connect) says signed in."""

    provider: str
    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""


def sign_in_external(service: AccountService, identity: ExternalIdentity) -> User:
    """The account of an external identity: linked before, or by a verified address, or new.

    A new account is an official confirmed by the provider; approval follows
    the same rules as for sign-up (allowlisted domain or the queue).
    """
    user = service.user_for_identity(identity.provider, identity.subject)
    if user is None:
        if not (identity.email and identity.email_verified):
            raise SignInFailed("Поставщик входа не подтвердил адрес электронной почты.")
        user = service.by_email(identity.email)
        if user is None:
            user = service.create_external(identity)
        service.link_identity(user.id, identity.provider, identity.subject)
    service.check_may_sign_in(user)
    return user
