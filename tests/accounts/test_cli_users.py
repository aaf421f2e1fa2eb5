"""``munnav users``: passwords from stdin or the terminal only, accounts confirmed at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.database import database_url, make_engine
from search_app.accounts import audit
from search_app.accounts.service import AccountService
from search_app.cli import main
from tests.accounts.conftest import PASSWORD


@pytest.fixture
def runner(data_dir: Path) -> CliRunner:
    return CliRunner()


def service(data_dir: Path) -> AccountService:
    return AccountService(make_engine(database_url(data_dir)))


def test_add_reads_the_password_from_stdin_and_the_account_is_ready(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(main, ["users", "add", "Ed@Example.ru", "--role", "editor", "--role", "admin",
                                  "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "создан пользователь ed@example.ru: admin, editor"
    user = service(data_dir).authenticate("ed@example.ru", PASSWORD)
    assert user.is_confirmed and user.is_approved and user.roles == {"admin", "editor"}
    entries, _ = audit.entries(service(data_dir).engine, audit.AuditFilter(action="account.create"))
    assert entries[0].actor == "командная строка" and entries[0].via == "cli"


def test_add_never_takes_a_password_without_stdin_flag_or_terminal(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(main, ["users", "add", "ed@example.ru", "--role", "editor"], input=PASSWORD + "\n")
    assert result.exit_code == 2 and "--password-stdin" in result.output
    assert "--password" not in [p.opts[0] for p in main.commands["users"].commands["add"].params if p.opts]


def test_weak_password_bad_role_and_duplicate_are_usage_errors(runner: CliRunner, data_dir: Path) -> None:
    weak = runner.invoke(main, ["users", "add", "a@b.ru", "--role", "editor", "--password-stdin"], input="short\n")
    assert weak.exit_code == 2 and "не короче 10" in weak.output
    role = runner.invoke(main, ["users", "add", "a@b.ru", "--role", "root", "--password-stdin"], input=PASSWORD)
    assert role.exit_code == 2 and "root" in role.output
    runner.invoke(main, ["users", "add", "a@b.ru", "--role", "editor", "--password-stdin"], input=PASSWORD)
    again = runner.invoke(main, ["users", "add", "A@b.ru", "--role", "admin", "--password-stdin"], input=PASSWORD)
    assert again.exit_code == 2 and "уже есть" in again.output


def test_role_disable_enable_and_list(runner: CliRunner, data_dir: Path) -> None:
    runner.invoke(main, ["users", "add", "ed@example.ru", "--role", "editor", "--password-stdin"], input=PASSWORD)
    assert runner.invoke(main, ["users", "role", "ed@example.ru", "lawyer", "editor"]).output.strip() == \
        "ed@example.ru: editor, lawyer"
    assert runner.invoke(main, ["users", "disable", "ed@example.ru"]).output.strip() == "ed@example.ru: отключён"
    listing = runner.invoke(main, ["users", "list"]).output.splitlines()
    assert listing == ["1\ted@example.ru\teditor,lawyer\tотключён", "всего: 1"]
    assert runner.invoke(main, ["users", "enable", "ed@example.ru"]).output.strip() == "ed@example.ru: активен"
    assert runner.invoke(main, ["users", "list", "--role", "admin"]).output.splitlines() == ["всего: 0"]
    missing = runner.invoke(main, ["users", "disable", "nobody@example.ru"])
    assert missing.exit_code == 2 and "нет" in missing.output
