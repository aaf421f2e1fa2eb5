"""Every setting declared once, with its default and help text."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    "data_dir": Setting("MUNNAV_DATA_DIR", str(PROJECT_ROOT / "instance"), "Каталог данных: хранилище и индекс."),
    "database_url": Setting(
        "MUNNAV_DATABASE_URL", "",
        "Адрес базы данных (postgresql://…); пусто — файл store.sqlite3 в каталоге данных.",
    ),
    "elasticsearch_url": Setting("ELASTICSEARCH_URL", "", "Адрес Elasticsearch; пусто — встроенный движок."),
    "es_index": Setting("MUNNAV_ES_INDEX", "munnav-documents", "Имя псевдонима индекса в Elasticsearch."),
    "search_log_days": Setting("MUNNAV_SEARCH_LOG_DAYS", "365",
                               "Сколько дней хранить журнал поисков (суточные сводки хранятся дольше)."),
    "sample_dir": Setting("MUNNAV_SAMPLE_DIR", str(PROJECT_ROOT / "data" / "sample"), "Образцовый корпус."),
    "public_url": Setting(
        "MUNNAV_PUBLIC_URL", "",
        "Адрес сайта для абсолютных ссылок (OpenSearch, Atom, CSV, OpenAPI), например "
        "https://navigator.example.ru; заголовку Host не доверяем. Пусто — адрес, на котором "
        "слушает «munnav serve».",
    ),
    "proxy_fix": Setting(
        "MUNNAV_PROXY_FIX", "0",
        "Сколько обратных прокси стоит перед приложением; им доверяем X-Forwarded-For, -Proto, "
        "-Prefix (адрес клиента для ограничений, HTTPS для HSTS). 0 — заголовки не читаем.",
    ),
    "hsts_max_age": Setting(
        "MUNNAV_HSTS_MAX_AGE", "31536000",
        "Strict-Transport-Security для ответов по HTTPS, секунд; 0 — не отправлять.",
    ),
    "ratelimit_storage_uri": Setting(
        "MUNNAV_RATELIMIT_STORAGE_URI", "",
        "Где хранить счётчики ограничений (memcached://…, redis://…); пусто — в базе данных "
        "проекта, общей для всех процессов (search_app/rate_limit_storage.py).",
    ),
    "synonyms_check_seconds": Setting(
        "MUNNAV_SYNONYMS_CHECK_SECONDS", "5",
        "Как часто каждый процесс сверяет версию словарей синонимов в базе, секунд: правка из "
        "консоли доходит до всех процессов и серверов не позже этого срока.",
    ),
    "alerts_cron": Setting(
        "MUNNAV_ALERTS_CRON", "0 7 * * *",
        "Когда «munnav schedule» собирает письма по сохранённым поискам (cron, московское время).",
    ),
}


def setting(name: str) -> str:
    s = SETTINGS[name]
    return os.environ.get(s.env, s.default)


def data_dir() -> Path:
    return Path(setting("data_dir"))


def synonyms_check_seconds() -> float:
    """``MUNNAV_SYNONYMS_CHECK_SECONDS`` (a number ≥ 0), else the default."""
    raw = setting("synonyms_check_seconds")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ValueError(f"MUNNAV_SYNONYMS_CHECK_SECONDS: ожидается число секунд, получено {raw!r}")
    return value
