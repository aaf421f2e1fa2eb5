"""Every authorisation function × every kind of user (pure: no database, no web)."""

from __future__ import annotations

import pytest

from search_app.accounts.model import User, domain_allowed, parse_allowlist
from search_app.accounts.permissions import ACTIONS, may

NOW = "2026-11-27T10:00:00+00:00"


def person(*roles: str, approved: bool = True, **extra: object) -> User:
    return User(id=hash(roles) % 1000 + 10, email="x@y.ru", roles=frozenset(roles), confirmed_at=NOW,
                approved_at=NOW if approved else None, **extra)


PEOPLE = {
    "official": person("official"),
    "pending official": person("official", approved=False),
    "lawyer": person("lawyer"),
    "editor": person("editor"),
    "admin": person("admin"),
}
EXPECTED: dict[str, set[str]] = {
    "account.view": set(PEOPLE),
    "search.save": set(PEOPLE),
    "document.follow": set(PEOPLE),
    "api.write": {"editor"},
    "problem.report": {"official"},
    "problem.moderate": {"editor"},
    "legal.ask": {"official"},
    "legal.answer": {"lawyer"},
    "console.view": {"editor"},
    "source.run": {"editor"},
    "index.manage": {"editor"},
    "document.edit": {"editor"},
    "document.override": {"editor"},
    "document.withdraw": {"editor"},
    "synonyms.edit": {"editor"},
    "account.approve": {"editor", "admin"},
    "admin.view": {"admin"},
    "account.manage": {"admin"},
    "audit.view": {"admin"},
    "settings.edit": {"admin"},
}


def test_every_action_is_in_the_table() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_matrix(action: str) -> None:
    allowed = {name for name, user in PEOPLE.items() if may(user, action)}
    assert allowed == EXPECTED[action]
    assert not may(None, action)


@pytest.mark.parametrize("state", [{"disabled_at": NOW}, {"deleted_at": NOW}, {"confirmed_at": None}])
def test_inactive_accounts_may_nothing(state: dict) -> None:
    everything = person("official", "lawyer", "editor", "admin")
    assert all(may(everything, a) for a in ("console.view", "admin.view", "legal.answer"))
    frozen = User(**{**everything.__dict__, **state})
    assert not any(may(frozen, action) for action in ACTIONS)


def test_nobody_approves_or_manages_themselves() -> None:
    admin = person("admin", "editor")
    assert not may(admin, "account.manage", admin) and not may(admin, "account.approve", admin)
    assert may(admin, "account.manage", PEOPLE["official"])


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        may(PEOPLE["admin"], "everything")


def test_allowlist_parsing_and_matching() -> None:
    domains = parse_allowlist("gov35.ru, @admin.perm.ru\n.mo.ru # comment\n\nGOV35.ru")
    assert domains == ["gov35.ru", "admin.perm.ru", "mo.ru"]
    assert domain_allowed("a@gov35.ru", domains) and domain_allowed("a@city.gov35.ru", domains)
    assert not domain_allowed("a@evilgov35.ru", domains) and not domain_allowed("a@gov35.ru.evil.com", domains)
