"""The source registry: ``ingest/sources.toml`` (or another file via ``--sources``).

Each ``[sources.<name>]`` table declares one source: connector type, base
URL, kind of documents, cron schedule, enabled flag, politeness and limits,
and connector options. ``[defaults]`` supplies values every source inherits.
Adding a source of a known type needs only a new table here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.document import KINDS
from ingest.http import HttpSettings

DEFAULT_REGISTRY = Path(__file__).with_name("sources.toml")
DELAY_ENV = "MUNNAV_CRAWL_DELAY"


class RegistryError(ValueError):
    """The registry file is missing or malformed; the message says where and how to fix it."""


@dataclass(frozen=True)
class Source:
    """One entry of the registry."""

    name: str
    type: str
    base_url: str
    kind: str
    schedule: str = ""
    enabled: bool = True
    delay: float = 2.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3
    backoff: float = 2.0
    max_retry_after: float = 300.0
    max_bytes: int = 20 * 1024 * 1024
    time_limit: float = 3600.0
    withdraw_after: int = 3
    allowed_hosts: tuple[str, ...] = ()
    obey_robots: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def http_settings(self) -> HttpSettings:
        """HTTP behaviour; ``MUNNAV_CRAWL_DELAY`` overrides the delay of every source."""
        return HttpSettings(
            delay=crawl_delay(self.delay),
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries=self.retries,
            backoff=self.backoff,
            max_retry_after=self.max_retry_after,
            max_bytes=self.max_bytes,
            allowed_hosts=self.allowed_hosts,
            obey_robots=self.obey_robots,
        )


def crawl_delay(registry_value: float) -> float:
    raw = os.environ.get(DELAY_ENV, "").strip()
    if not raw:
        return registry_value
    try:
        value = float(raw)
    except ValueError:
        raise RegistryError(f"{DELAY_ENV}: ожидается число секунд, получено {raw!r}") from None
    if value < 0:
        raise RegistryError(f"{DELAY_ENV}: задержка не может быть отрицательной")
    return value


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "type": (str,), "base_url": (str,), "kind": (str,), "schedule": (str,),
    "enabled": (bool,), "delay": (int, float), "connect_timeout": (int, float),
    "read_timeout": (int, float), "retries": (int,), "backoff": (int, float),
    "max_retry_after": (int, float), "max_bytes": (int,), "time_limit": (int, float),
    "withdraw_after": (int,), "allowed_hosts": (list,), "obey_robots": (bool,), "options": (dict,),
}
_SOURCE_FIELDS = frozenset(f.name for f in fields(Source))


def load_registry(path: Path | None = None) -> dict[str, Source]:
    """Read and validate a registry file; raise ``RegistryError`` with a Russian message."""
    path = path or DEFAULT_REGISTRY
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise RegistryError(f"{path}: файл реестра источников не найден") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: ошибка TOML: {exc}") from None
    return parse_registry(data, str(path))


def parse_registry(data: Mapping[str, Any], where: str = "реестр") -> dict[str, Source]:
    defaults = data.get("defaults", {})
    tables = data.get("sources", {})
    if not isinstance(defaults, dict) or not isinstance(tables, dict):
        raise RegistryError(f"{where}: ожидаются таблицы [defaults] и [sources.<имя>]")
    unknown = set(data) - {"defaults", "sources"}
    if unknown:
        raise RegistryError(f"{where}: неизвестные разделы {', '.join(sorted(unknown))}")
    return {name: _source(name, defaults, table, where) for name, table in tables.items()}


def _source(name: str, defaults: Mapping[str, Any], table: Any, where: str) -> Source:
    from ingest.connectors import CONNECTORS  # late import: connectors import this module

    if not isinstance(table, dict):
        raise RegistryError(f"{where}: [sources.{name}] должен быть таблицей")
    values: dict[str, Any] = {**{k: v for k, v in defaults.items() if k != "options"}, **table}
    options = {**defaults.get("options", {}), **table.get("options", {})}
    values["name"] = name
    values["options"] = options
    for key, value in values.items():
        if key not in _SOURCE_FIELDS:
            raise RegistryError(f"{where}: [sources.{name}]: неизвестный ключ {key!r}")
        expected = _FIELD_TYPES[key]
        if isinstance(value, bool) and bool not in expected:
            raise RegistryError(f"{where}: [sources.{name}].{key}: неверный тип значения")
        if not isinstance(value, expected):
            raise RegistryError(f"{where}: [sources.{name}].{key}: неверный тип значения")
    for key in ("type", "base_url", "kind"):
        if not values.get(key):
            raise RegistryError(f"{where}: [sources.{name}]: не задан обязательный ключ {key!r}")
    if values["type"] not in CONNECTORS:
        raise RegistryError(
            f"{where}: [sources.{name}].type: неизвестный тип {values['type']!r};"
            f" допустимо: {', '.join(sorted(CONNECTORS))}"
        )
    if values["kind"] not in KINDS:
        raise RegistryError(f"{where}: [sources.{name}].kind: неизвестный вид {values['kind']!r}")
    parts = urlsplit(values["base_url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegistryError(f"{where}: [sources.{name}].base_url: ожидается адрес http(s)://…")
    values["base_url"] = values["base_url"].rstrip("/")
    values["allowed_hosts"] = tuple(values.get("allowed_hosts", ()))
    for key in ("delay", "time_limit", "read_timeout", "connect_timeout", "backoff"):
        if key in values and values[key] < 0:
            raise RegistryError(f"{where}: [sources.{name}].{key}: не может быть отрицательным")
    if values.get("withdraw_after", 1) < 1:
        raise RegistryError(f"{where}: [sources.{name}].withdraw_after: не меньше 1")
    if values.get("schedule"):
        _check_cron(values["schedule"], f"{where}: [sources.{name}].schedule")
    source = Source(**values)
    CONNECTORS[source.type].check_options(source)
    return source


def _check_cron(expr: str, where: str) -> None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise RegistryError(f"{where}: некорректное cron-выражение {expr!r}: {exc}") from None
