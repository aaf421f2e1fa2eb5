"""The one HTTP module: politeness, retries, limits and decoding live here.

Connectors never talk to ``requests`` directly: they call ``HttpClient.get``
and receive a decoded ``Page`` or a ``FetchError`` whose message (in Russian)
goes into the run report. Everything that decides *whether* and *when* to
request lives here: robots.txt per host, per-host delay, urllib3 ``Retry``
with backoff and ``Retry-After``, conditional GET, body size limit, refusal
of redirects off the source's hosts and the run deadline.
"""

from __future__ import annotations

import codecs
import json
import re
import time
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import Engine, select
from urllib3 import exceptions as urllib3_exceptions
from urllib3.util.retry import Retry

from ingest.clock import now_iso
from ingest.database import upsert_insert
from ingest.tables import http_cache

USER_AGENT = (
    "munnav/0.1 (Municipal Navigator knowledge base crawler; "
    "+https://github.com/munnav/munnav; polite, obeys robots.txt)"
)
ROBOTS_AGENT = "munnav"
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)


class FetchError(Exception):
    """A request failed for good; ``reason`` is a Russian message, ``counter`` a stat name."""

    def __init__(self, url: str, reason: str, counter: str = "http/error") -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason
        self.counter = counter


class RunAborted(Exception):
    """The run must stop now (time limit or shutdown); it is reported as failed."""


class RunTimeout(RunAborted):
    """The run's time limit has passed."""


class ParseError(ValueError):
    """A response could not be parsed (malformed JSON/XML/HTML or unexpected shape)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class HttpSettings:
    """Per-source HTTP behaviour (built from the registry)."""

    delay: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_bytes: int = 20 * 1024 * 1024
    allowed_hosts: tuple[str, ...] = ()
    obey_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Page:
    """A successful response, already decoded."""

    url: str
    status: int
    body: bytes
    content_type: str
    text: str
    encoding: str
    from_cache: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise ParseError(self.url, f"некорректный JSON: {exc}") from None


# -- decoding (pure) ----------------------------------------------------------


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return _known(value)
    return None


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a body: header charset, BOM, <meta>/<?xml?> charset, UTF-8, windows-1251.

    A declared charset that fails to decode strictly is skipped (servers of
    Russian sites often say ``utf-8`` and send windows-1251, or vice versa).
    Returns ``(text, encoding used)``.
    """
    candidates: list[str] = []
    if body.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    declared = charset_from_content_type(content_type)
    if declared:
        candidates.append(declared)
    head = body[:4096]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match:
            name = _known(match.group(1).decode("ascii", "replace"))
            if name:
                candidates.append(name)
    candidates += ["utf-8", "cp1251"]
    for name in dict.fromkeys(candidates):
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace"), "utf-8"  # unreachable: cp1251 decodes all but 0x98


# -- conditional GET cache ------------------------------------------------------


@dataclass(frozen=True)
class CachedResponse:
    etag: str | None
    last_modified: str | None
    content_type: str
    body: bytes


class HttpCache:
    """ETag / Last-Modified validators and the body they validate, in the store's database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, url: str) -> CachedResponse | None:
        c = http_cache.c
        with self._engine.connect() as conn:
            row = conn.execute(
                select(c.etag, c.last_modified, c.content_type, c.body).where(c.url == url)
            ).first()
        if row is None:
            return None
        return CachedResponse(row.etag, row.last_modified, row.content_type, zlib.decompress(row.body))

    def put(self, url: str, etag: str | None, last_modified: str | None, content_type: str, body: bytes) -> None:
        values = {"url": url, "etag": etag, "last_modified": last_modified, "content_type": content_type,
                  "body": zlib.compress(body), "stored_at": now_iso()}
        stmt = upsert_insert(self._engine, http_cache)
        stmt = stmt.on_conflict_do_update(
            index_elements=["url"], set_={k: stmt.excluded[k] for k in values if k != "url"}
        )
        with self._engine.begin() as conn:
            conn.execute(stmt, values)


# -- retry policy -----------------------------------------------------------------


class CappedRetry(Retry):
    """urllib3 ``Retry`` that never sleeps longer than ``max_retry_after`` for Retry-After."""

    max_retry_after: float = 120.0

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.max_retry_after)


def make_retry(settings: HttpSettings) -> Retry:
    cls = type("SourceRetry", (CappedRetry,), {"max_retry_after": settings.max_retry_after})
    return cls(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        redirect=False,
        backoff_factor=settings.backoff,
        backoff_max=max(settings.backoff * 8, 0.0),
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


# -- the client --------------------------------------------------------------------


class HttpClient:
    """One polite HTTP client per source run (one ``requests.Session``)."""

    def __init__(
        self,
        settings: HttpSettings,
        base_url: str,
        cache: HttpCache | None = None,
        deadline: float | None = None,
        counters: Counter[str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.deadline = deadline
        self.counters: Counter[str] = counters if counters is not None else Counter()
        self._sleep = sleep
        base_host = urlsplit(base_url).netloc.lower()
        self.allowed_hosts = frozenset({base_host, *(h.lower() for h in settings.allowed_hosts)})
        self._robots: dict[str, RobotFileParser] = {}
        self._last_request: dict[str, float] = {}
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.headers["Accept-Language"] = "ru,en;q=0.5"
        adapter = HTTPAdapter(max_retries=make_retry(settings))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ---------------------------------------------------------------

    def get(self, url: str, params: Mapping[str, Any] | None = None, conditional: bool = True) -> Page:
        """GET ``url`` politely; raise ``FetchError`` / ``RunTimeout``."""
        if params:
            url = requests.Request("GET", url, params=dict(params)).prepare().url or url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_host(url)
            self._check_robots(url)
            response = self._request(url, conditional)
            if response.is_redirect:
                target = urljoin(url, response.headers.get("Location", ""))
                response.close()
                self.counters["http/redirect"] += 1
                url = target
                continue
            return self._page(url, response, conditional)
        raise FetchError(url, "слишком много перенаправлений", "http/redirect_loop")

    # -- steps --------------------------------------------------------------------

    def _check_host(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, f"неподдерживаемая схема адреса {parts.scheme!r}", "http/bad_url")
        if parts.netloc.lower() not in self.allowed_hosts:
            raise FetchError(
                url, f"перенаправление или ссылка на чужой сайт {parts.netloc} отклонены", "http/offsite"
            )

    def _remaining(self) -> float | None:
        if self.deadline is None:
            return None
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise RunTimeout("превышено время выполнения запуска")
        return remaining

    def _timeouts(self) -> tuple[float, float]:
        remaining = self._remaining()
        connect, read = self.settings.connect_timeout, self.settings.read_timeout
        if remaining is not None:
            connect, read = min(connect, remaining), min(read, remaining)
        return connect, read

    def _wait_turn(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None and self.settings.delay > 0:
            pause = last + self.settings.delay - time.monotonic()
            if pause > 0:
                remaining = self._remaining()
                if remaining is not None and pause >= remaining:
                    raise RunTimeout("превышено время выполнения запуска")
                self._sleep(pause)
        self._last_request[host] = time.monotonic()

    def _send(self, url: str, headers: Mapping[str, str]) -> requests.Response:
        host = urlsplit(url).netloc.lower()
        self._wait_turn(host)
        self.counters["http/requests"] += 1
        try:
            response = self.session.get(
                url, headers=dict(headers), timeout=self._timeouts(), stream=True, allow_redirects=False
            )
        except requests.exceptions.RetryError as exc:
            raise FetchError(url, f"попытки исчерпаны: {_short(exc)}", "retry/max_reached") from None
        except requests.exceptions.Timeout:
            self._remaining()  # a timeout cut short by the run deadline aborts the run
            raise FetchError(url, "превышено время ожидания ответа", "http/timeout") from None
        except requests.exceptions.ConnectionError as exc:
            if _is_timeout(exc):
                self._remaining()
                raise FetchError(url, "превышено время ожидания ответа", "http/timeout") from None
            raise FetchError(url, f"не удалось соединиться: {_short(exc)}", "http/connection") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, f"ошибка запроса: {_short(exc)}", "http/error") from None
        retries = getattr(getattr(response, "raw", None), "retries", None)
        if retries is not None and retries.history:
            self.counters["retry/count"] += len(retries.history)
        return response

    def _check_robots(self, url: str) -> None:
        if not self.settings.obey_robots:
            return
        parts = urlsplit(url)
        host = parts.netloc.lower()
        parser = self._robots.get(host)
        if parser is None:
            parser = self._load_robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
            self._robots[host] = parser
        if not parser.can_fetch(ROBOTS_AGENT, url):
            self.counters["robotstxt/forbidden"] += 1
            raise FetchError(url, "запрещено правилами robots.txt", "robotstxt/forbidden")

    def _load_robots(self, robots_url: str) -> RobotFileParser:
        parser = RobotFileParser(robots_url)
        try:
            response = self._send(robots_url, {})
            status = response.status_code
            body = self._read(robots_url, response) if status == 200 else b""
        except FetchError:
            # Unreachable robots.txt: allow, like Scrapy; the page request will tell.
            self.counters["robotstxt/unavailable"] += 1
            parser.allow_all = True
            return parser
        if status in (401, 403):
            parser.disallow_all = True
        elif status != 200:
            parser.allow_all = True
        else:
            parser.parse(decode_body(body, "text/plain")[0].splitlines())
        self.counters["robotstxt/fetched"] += 1
        return parser

    def _request(self, url: str, conditional: bool) -> requests.Response:
        headers: dict[str, str] = {}
        if conditional and self.cache is not None:
            cached = self.cache.get(url)
            if cached is not None:
                if cached.etag:
                    headers["If-None-Match"] = cached.etag
                if cached.last_modified:
                    headers["If-Modified-Since"] = cached.last_modified
        return self._send(url, headers)

    def _read(self, url: str, response: requests.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise FetchError(url, f"ответ больше допустимого ({int(declared)} > {limit} байт)", "http/too_large")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"ответ больше допустимого (>{limit} байт)", "http/too_large")
                chunks.append(chunk)
                self._remaining()
        except requests.exceptions.RequestException as exc:
            if _is_timeout(exc):
                self._remaining()
                raise FetchError(url, "превышено время ожидания ответа", "http/timeout") from None
            raise FetchError(url, f"ответ оборван: {_short(exc)}", "http/truncated") from None
        finally:
            response.close()
        return b"".join(chunks)

    def _page(self, url: str, response: requests.Response, conditional: bool) -> Page:
        status = response.status_code
        if status == 304 and self.cache is not None:
            response.close()
            cached = self.cache.get(url)
            if cached is None:
                raise FetchError(url, "ответ 304 без сохранённой копии", "http/bad_304")
            self.counters["http/not_modified"] += 1
            text, encoding = decode_body(cached.body, cached.content_type)
            return Page(url, 200, cached.body, cached.content_type, text, encoding, from_cache=True)
        if status != 200:
            response.close()
            self.counters[f"http/status/{status}"] += 1
            raise FetchError(url, f"сервер ответил {status} {response.reason or ''}".strip(), f"http/status/{status}")
        body = self._read(url, response)
        content_type = response.headers.get("Content-Type", "")
        if conditional and self.cache is not None:
            etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            if etag or modified:
                self.cache.put(url, etag, modified, content_type, body)
        text, encoding = decode_body(body, content_type)
        self.counters["http/bytes"] += len(body)
        return Page(url, status, body, content_type, text, encoding, headers=dict(response.headers))


def _is_timeout(exc: BaseException) -> bool:
    """True if a requests/urllib3 error chain bottoms out in a timeout (not a refused connection)."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    chain: list[BaseException] = []
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        chain.append(item)
        stack += [getattr(item, "reason", None), item.__cause__, item.__context__, *item.args]
    # urllib3 2 makes NewConnectionError a ConnectTimeoutError subclass: refused is not a timeout.
    if any(isinstance(e, urllib3_exceptions.NewConnectionError) for e in chain):
        return False
    return any(
        isinstance(e, TimeoutError | urllib3_exceptions.TimeoutError | requests.exceptions.Timeout) for e in chain
    )


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
