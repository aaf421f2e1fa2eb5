"""Accounts over a fresh database per test; the web app over the shared fixture index."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from ingest import migrate
from ingest.database import make_engine
from search_app.accounts.links import LinkSigner
from search_app.accounts.service import AccountService
from search_app.web import create_app
from tests.web.conftest import build_data_dir

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-not-for-production"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with test-sized costs (the defaults take ~0.3 s a hash on a busy 2-core box)."""
    from argon2 import PasswordHasher

    from search_app.accounts import passwords

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", fast)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", fast.hash("dummy"))


@pytest.fixture
def db_url(store_url: str) -> str:
    """The service tests run on both dialects (SQLite file, then a real PostgreSQL)."""
    return store_url


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate.prepare(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def service(db_engine: Engine) -> AccountService:
    return AccountService(db_engine, LinkSigner(SECRET))


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("accounts-index"))


@pytest.fixture
def app_data_dir(index_dir: Path, tmp_path: Path) -> Path:
    """A copy of the fixture data dir (store and index) for one test to change."""
    return Path(shutil.copytree(index_dir, tmp_path / "data"))


PROJECT_SYNONYMS = Path(__file__).resolve().parents[2] / "synonyms"


def make_app(data_dir: Path) -> Flask:
    """The app over ``data_dir``; the console edits a copy of the synonym dictionaries, never the project's."""
    synonyms = data_dir / "synonyms"
    if not synonyms.exists():
        shutil.copytree(PROJECT_SYNONYMS, synonyms)
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, "ELASTICSEARCH_URL": "", "SYNONYMS_DIR": str(synonyms)})


@pytest.fixture
def app(app_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.delenv("MUNNAV_SMTP_URL", raising=False)
    monkeypatch.delenv("MUNNAV_DATABASE_URL", raising=False)
    app = make_app(app_data_dir)
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def web_service(app: Flask) -> AccountService:
    with app.app_context():
        from search_app.web.services import accounts

        return accounts()


ROLE_EMAILS = {
    "official": "official@mo.example.ru",
    "lawyer": "lawyer@example.ru",
    "editor": "editor@example.ru",
    "admin": "admin@example.ru",
}


@pytest.fixture
def people(web_service: AccountService) -> dict[str, int]:
    """One active account per role, and an official waiting for approval."""
    ids = {role: web_service.create(None, email, PASSWORD, [role]).id for role, email in ROLE_EMAILS.items()}
    pending = web_service.sign_up("pending@mo.example.ru", PASSWORD, "Ожидающий", "МО", "Регион").user
    web_service.confirm(web_service.confirm_token(pending))
    ids["pending"] = pending.id
    return ids


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    found = CSRF_RE.search(html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})
