"""Who a user is, as the services and the authorisation functions see them (no IO)."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES: dict[str, str] = {
    "official": "Муниципальный служащий",
    "lawyer": "Юрист",
    "editor": "Редактор",
    "admin": "Администратор",
}


@dataclass(frozen=True)
class User:
    id: int
    email: str | None
    name: str = ""
    municipality: str = ""
    region: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    created_at: str = ""
    confirmed_at: str | None = None
    approved_at: str | None = None
    disabled_at: str | None = None
    deleted_at: str | None = None
    last_signin_at: str | None = None
    session_version: int = 1
    has_password: bool = False

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def can_act(self) -> bool:
        """Not disabled, not deleted, e-mail confirmed: may sign in and use the account."""
        return self.disabled_at is None and self.deleted_at is None and self.confirmed_at is not None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        if self.deleted_at:
            return "Удалённый пользователь"
        return self.name or (self.email or "")

    @property
    def status_label(self) -> str:
        if self.deleted_at:
            return "удалён"
        if self.disabled_at:
            return "отключён"
        if not self.confirmed_at:
            return "адрес не подтверждён"
        if not self.approved_at:
            return "ждёт одобрения"
        return "активен"


def normalise_email(email: str) -> str:
    """Addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


class BadEmail(ValueError):
    """Not an e-mail address."""


def checked_email(email: str) -> str:
    """The normalised address, or ``BadEmail`` (syntax only: no DNS lookups)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise BadEmail(f"Некорректный адрес электронной почты {email.strip()!r}.") from exc
    return normalise_email(email)


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


def domain_allowed(email: str, allowlist: list[str]) -> bool:
    """The address's domain is on the list, or is a subdomain of a listed one."""
    domain = email_domain(email)
    for entry in allowlist:
        entry = entry.strip().lower().lstrip(".")
        if entry and (domain == entry or domain.endswith("." + entry)):
            return True
    return False


def parse_allowlist(text: str) -> list[str]:
    """One domain a line (or separated by commas/spaces); ``#`` starts a comment."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        for part in line.replace(",", " ").split():
            part = part.strip().lower().lstrip("@.")
            if part and part not in out:
                out.append(part)
    return out
