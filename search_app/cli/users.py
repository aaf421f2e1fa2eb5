"""``munnav users add/role/disable/enable/list``: accounts from the command line.

Passwords never go on the command line: ``--password-stdin`` reads one line
from standard input (as ``docker login`` does), otherwise it is asked on the
terminal twice, hidden.
"""

from __future__ import annotations

import sys

import click

from search_app.accounts.model import ROLES, User
from search_app.accounts.passwords import WeakPassword, check_strength
from search_app.accounts.service import AccountError, AccountService
from search_app.cli.errors import EXIT_USAGE


def register(group: click.Group) -> None:
    group.add_command(users_group)


def _service() -> AccountService:
    from ingest import migrate
    from ingest.database import database_url, make_engine
    from search_app.settings import data_dir

    engine = make_engine(database_url(data_dir()))
    migrate.prepare(engine)
    return AccountService(engine)


def _fail(message: str) -> None:
    click.echo(f"Ошибка: {message}", err=True)
    raise SystemExit(EXIT_USAGE)


def _existing(service: AccountService, email: str) -> User:
    user = service.by_email(email)
    if user is None or user.deleted_at:
        _fail(f"пользователя {email} нет.")
    assert user is not None
    return user


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("пароль запрашивается на терминале; без терминала передайте его через --password-stdin.")
    while True:
        password = click.prompt("Пароль", hide_input=True, confirmation_prompt="Пароль ещё раз")
        try:
            check_strength(password)
        except WeakPassword as exc:
            click.echo(str(exc), err=True)
            continue
        return password


roles_choice = click.Choice(list(ROLES))


@click.group("users")
def users_group() -> None:
    """Учётные записи: создать, назначить роли, отключить, показать."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=roles_choice, required=True,
              help="Роль (можно несколько): " + ", ".join(ROLES) + ".")
@click.option("--password-stdin", is_flag=True, help="Прочитать пароль из стандартного ввода (одна строка).")
def add_cmd(email: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Создать учётную запись (сразу подтверждённую и одобренную)."""
    password = _read_password(password_stdin)
    try:
        user = _service().create(None, email, password, roles, via="cli")
    except (AccountError, WeakPassword) as exc:
        _fail(str(exc))
        return
    click.echo(f"создан пользователь {user.email}: {', '.join(sorted(user.roles))}")


@users_group.command("role")
@click.argument("email")
@click.argument("roles", nargs=-1, type=roles_choice)
def role_cmd(email: str, roles: tuple[str, ...]) -> None:
    """Назначить роли (ровно перечисленные; без ролей — снять все)."""
    service = _service()
    user = service.set_roles(None, _existing(service, email), roles, via="cli")
    click.echo(f"{user.email}: {', '.join(sorted(user.roles)) or 'без ролей'}")


@users_group.command("disable")
@click.argument("email")
def disable_cmd(email: str) -> None:
    """Отключить учётную запись (вход и все сеансы прекращаются)."""
    service = _service()
    user = service.disable(None, _existing(service, email), via="cli")
    click.echo(f"{user.email}: отключён")


@users_group.command("enable")
@click.argument("email")
def enable_cmd(email: str) -> None:
    """Снова включить отключённую учётную запись."""
    service = _service()
    user = service.enable(None, _existing(service, email), via="cli")
    click.echo(f"{user.email}: {user.status_label}")


@users_group.command("list")
@click.option("--role", type=roles_choice, default=None, help="Только с этой ролью.")
def list_cmd(role: str | None) -> None:
    """Показать учётные записи: адрес, роли, состояние."""
    from search_app.accounts.service import UserFilter

    found, total = _service().list(UserFilter(role=role or ""), limit=100_000)
    for user in found:
        click.echo(f"{user.id}\t{user.email}\t{','.join(sorted(user.roles)) or '-'}\t{user.status_label}")
    click.echo(f"всего: {total}")
