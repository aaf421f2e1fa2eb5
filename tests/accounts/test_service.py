"""The accounts service over a real database: sign-up, confirmation, approval, passwords, tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from search_app.accounts import audit
from search_app.accounts.links import LinkInvalid, LinkSigner
from search_app.accounts.service import (
    DELETE_HOOKS,
    AccountError,
    AccountService,
    ExternalIdentity,
    SignInFailed,
    sign_in_external,
)
from search_app.accounts.tables import api_tokens, users
from tests.accounts.conftest import PASSWORD


def test_sign_up_then_confirm_then_sign_in(service: AccountService) -> None:
    result = service.sign_up("Ivan@MO.example.ru ", PASSWORD, "Иван", "МО Город", "Область")
    assert result.created and result.user.email == "ivan@mo.example.ru"
    assert result.user.roles == {"official"} and not result.user.is_confirmed
    with pytest.raises(SignInFailed, match="не подтвержд"):
        service.authenticate("ivan@mo.example.ru", PASSWORD)
    confirmed = service.confirm(service.confirm_token(result.user))
    assert confirmed.is_confirmed and not confirmed.is_approved
    assert service.authenticate("IVAN@mo.example.ru", PASSWORD).id == result.user.id
    assert [u.id for u in service.pending_approval()] == [result.user.id]


def test_password_hash_is_argon2_and_never_the_password(service: AccountService, db_engine) -> None:
    user = service.sign_up("a@b.ru", PASSWORD).user
    with db_engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == user.id)).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_and_unknown_address_fail_alike(service: AccountService) -> None:
    service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    with pytest.raises(SignInFailed) as wrong:
        service.authenticate("ed@example.ru", "wrong password!!")
    with pytest.raises(SignInFailed) as unknown:
        service.authenticate("nobody@example.ru", PASSWORD)
    assert str(wrong.value) == str(unknown.value)


def test_signing_up_twice_changes_nothing(service: AccountService) -> None:
    first = service.sign_up("a@b.ru", PASSWORD, "Первый")
    second = service.sign_up("A@B.ru", "another password 123", "Второй")
    assert not second.created and second.user.id == first.user.id
    service.confirm(service.confirm_token(first.user))
    assert service.authenticate("a@b.ru", PASSWORD).name == "Первый"


def test_allowlisted_domain_is_approved_on_confirmation(service: AccountService) -> None:
    service.set_allowlist(None, "gov35.ru\n# comment\nadmin.perm.ru, ")
    assert service.allowlist() == ["gov35.ru", "admin.perm.ru"]
    sub = service.sign_up("x@cherepovets.gov35.ru", PASSWORD).user
    other = service.sign_up("y@mail.ru", PASSWORD).user
    lookalike = service.sign_up("z@notgov35.ru", PASSWORD).user
    assert service.confirm(service.confirm_token(sub)).is_approved
    assert not service.confirm(service.confirm_token(other)).is_approved
    assert not service.confirm(service.confirm_token(lookalike)).is_approved


def test_forged_expired_and_foreign_links_are_refused(service: AccountService, db_engine) -> None:
    user = service.sign_up("a@b.ru", PASSWORD).user
    token = service.confirm_token(user)
    with pytest.raises(LinkInvalid):
        service.confirm(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other_key = AccountService(db_engine, LinkSigner("another key"))
    with pytest.raises(LinkInvalid):
        other_key.confirm(token)
    with pytest.raises(LinkInvalid, match="истёк"):
        service.signer.read_confirm(token, max_age=-1)
    reset = service.reset_token_for("a@b.ru")
    assert reset is not None
    with pytest.raises(LinkInvalid):
        service.confirm(reset[1])  # a reset link is no confirmation link (salt)


def test_reset_link_works_once_and_ends_old_sessions(service: AccountService) -> None:
    user = service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    found = service.reset_token_for("ed@example.ru")
    assert found is not None
    token = found[1]
    old_session = f"{user.id}:{user.session_version}"
    assert service.session_user(old_session) is not None
    service.reset_password(token, "a brand new password")
    assert service.authenticate("ed@example.ru", "a brand new password").id == user.id
    assert service.session_user(old_session) is None
    with pytest.raises(LinkInvalid, match="использована"):
        service.reset_password(token, "yet another password")
    assert service.reset_token_for("nobody@example.ru") is None


def test_disabled_account_cannot_sign_in_or_keep_its_session(service: AccountService) -> None:
    user = service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    session_id = f"{user.id}:{user.session_version}"
    service.disable(None, user)
    with pytest.raises(SignInFailed, match="отключена"):
        service.authenticate("ed@example.ru", PASSWORD)
    assert service.session_user(session_id) is None
    assert service.reset_token_for("ed@example.ru") is None
    enabled = service.enable(None, service.get(user.id))
    assert service.authenticate("ed@example.ru", PASSWORD).id == enabled.id


def test_role_change_ends_sessions_and_is_audited(service: AccountService, db_engine) -> None:
    admin = service.create(None, "admin@example.ru", PASSWORD, ["admin"])
    user = service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    session_id = f"{user.id}:{user.session_version}"
    service.set_roles(admin, user, ["lawyer", "editor"])
    assert service.session_user(session_id) is None
    entries, _ = audit.entries(db_engine, audit.AuditFilter(action="account.roles"))
    assert [(e.actor_id, e.target, e.before, e.after) for e in entries] == [
        (admin.id, f"user:{user.id}", {"roles": ["editor"]}, {"roles": ["editor", "lawyer"]}),
    ]
    with pytest.raises(AccountError, match="Неизвестная роль"):
        service.set_roles(admin, user, ["superuser"])


def test_api_tokens_are_hashed_at_rest_and_revocable(service: AccountService, db_engine) -> None:
    user = service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    secret = service.create_token(user, "скрипт")
    with db_engine.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash, api_tokens.c.prefix)).one()
    assert secret not in stored.token_hash and secret.startswith(stored.prefix)
    assert service.user_for_token(secret).id == user.id
    assert service.user_for_token(secret + "x") is None
    [token] = service.tokens(user)
    assert token.last_used_at is not None
    other = service.create(None, "other@example.ru", PASSWORD, ["editor"])
    assert not service.revoke_token(other, token.id)  # not theirs
    assert service.revoke_token(user, token.id)
    assert service.user_for_token(secret) is None


def test_deleting_an_account_erases_personal_data_and_keeps_the_row(service: AccountService, db_engine) -> None:
    seen: list[int] = []
    DELETE_HOOKS.append(lambda conn, user_id: seen.append(user_id))
    try:
        user = service.sign_up("a@b.ru", PASSWORD, "Иван Петров", "МО", "Область").user
        service.create_token(service.confirm(service.confirm_token(user)), "t")
        service.delete_account(service.get(user.id))
    finally:
        DELETE_HOOKS.pop()
    assert seen == [user.id]
    gone = service.get(user.id)
    assert gone is not None and gone.deleted_at
    assert (gone.email, gone.name, gone.municipality, gone.region, gone.roles, gone.has_password) == (
        None, "", "", "", frozenset(), False,
    )
    assert service.tokens(gone) == []
    assert service.by_email("a@b.ru") is None
    # The address is free again, and the audit trail names the deleted user without data.
    assert service.sign_up("a@b.ru", PASSWORD).created
    entries, _ = audit.entries(db_engine, audit.AuditFilter(action="account.delete"))
    assert entries[0].actor == f"удалённый пользователь #{user.id}"


def test_bad_addresses_are_refused(service: AccountService) -> None:
    with pytest.raises(AccountError, match="Некорректный адрес"):
        service.create(None, "not-an-address", PASSWORD, ["editor"])
    with pytest.raises(AccountError, match="уже есть"):
        service.create(None, "ed@example.ru", PASSWORD, ["editor"])
        service.create(None, "ED@example.ru", PASSWORD, ["admin"])


def test_external_identity_links_by_verified_address_or_creates_an_official(service: AccountService) -> None:
    editor = service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    linked = sign_in_external(service, ExternalIdentity("esia", "sub-1", "ED@example.ru", True))
    assert linked.id == editor.id
    again = sign_in_external(service, ExternalIdentity("esia", "sub-1", "changed@example.ru", True))
    assert again.id == editor.id
    new = sign_in_external(service, ExternalIdentity("esia", "sub-2", "new@mo.ru", True, "Новый"))
    assert new.roles == {"official"} and new.is_confirmed and not new.is_approved and not new.has_password
    with pytest.raises(SignInFailed, match="не подтвердил"):
        sign_in_external(service, ExternalIdentity("esia", "sub-3", "x@mo.ru", False))


def test_sign_in_is_audited(service: AccountService, db_engine) -> None:
    user = service.create(None, "ed@example.ru", PASSWORD, ["editor"])
    with pytest.raises(SignInFailed):
        service.authenticate("ed@example.ru", "wrong password!!")
    service.record_sign_in(service.authenticate("ed@example.ru", PASSWORD), "password")
    entries, total = audit.entries(db_engine, audit.AuditFilter())
    assert [e.action for e in entries[:2]] == ["signin", "signin.failed"]
    assert entries[0].actor_id == user.id and entries[0].after == {"method": "password"}
    assert service.get(user.id).last_signin_at is not None
    lines = list(audit.csv_lines(db_engine, audit.AuditFilter(action="signin")))
    assert lines[0].startswith("id,at,actor_id") and len(lines) == 2 and "ed@example.ru" in lines[1]


def test_secret_key_is_generated_once_and_shared(db_engine) -> None:
    from search_app import site_settings

    first = site_settings.secret_key(db_engine)
    assert len(first) >= 40 and site_settings.secret_key(db_engine) == first


def test_deleting_an_account_erases_its_alerts_and_unlinks_its_reports(service: AccountService, db_engine) -> None:
    from sqlalchemy import insert

    from search_app.alerts.tables import follows, saved_searches
    from search_app.dialogue.tables import reports

    user = service.create(None, "official@mo.ru", PASSWORD, ["official"])
    other = service.create(None, "other@mo.ru", PASSWORD, ["official"])
    with db_engine.begin() as conn:
        for owner in (user, other):
            conn.execute(insert(saved_searches).values(user_id=owner.id, name="ТОС", query="q=тос", created_at="t"))
            conn.execute(insert(follows).values(user_id=owner.id, doc_id="act-131", created_at="t"))
            conn.execute(insert(reports).values(reporter_id=owner.id, municipality="МО", region="Р", topic="дороги",
                                                text="Нет денег на дороги", created_at="t", day="2026-11-27"))
    service.delete_account(user)
    with db_engine.connect() as conn:
        assert conn.execute(select(saved_searches.c.user_id)).scalars().all() == [other.id]
        assert conn.execute(select(follows.c.user_id)).scalars().all() == [other.id]
        kept = conn.execute(select(reports.c.reporter_id, reports.c.text).order_by(reports.c.id)).all()
    assert [tuple(r) for r in kept] == [(None, "Нет денег на дороги"), (other.id, "Нет денег на дороги")]
