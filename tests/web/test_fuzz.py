"""10,000 generated requests, none answered with a 5xx or invalid JSON (issue 16, "done when").

The requests mix every page and API endpoint with parameter values that broke or could
break them: control characters and NUL, huge and non-finite numbers, long and repeated
values, query syntax, URL-encoded junk. A fixed seed keeps the run reproducible; the app
has a data directory of its own, so the query log it fills touches no other test.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask

from search_app.web import create_app
from search_app.web.urlstate import KNOWN_PARAMS
from tests.web.conftest import build_data_dir

REQUESTS = 10_000
SEED = 20261206
PATHS = (
    "/", "/search", "/search", "/search", "/search.atom", "/search.csv", "/now", "/solutions",
    "/opensearch.xml", "/healthz", "/api/v1/search", "/api/v1/search", "/api/v1/suggest",
    "/api/v1/openapi.json",
)
PARAMS = (*KNOWN_PARAMS, "limit", "format", "region", "audience", "x", "", "q[]", "page ")
ATOMS = (
    "", " ", "0", "-1", "1", "10001", "9999", "99999999999999999999", "1e400", "-1e400", "NaN", "nan", "Infinity",
    "-Infinity", "0x10", "1_000", "1,5", "1 000", "\u202f", "2024", "0553", "measure", "competition", "open",
    "closed", "relevance", "newest", "deadline", "opensearch", "true", "on", "Вологодская область", "ТОС",
    "конкурс", "субсидия", "131-ФЗ", "\"фраза", "\"", "(", ")", "-", "*", "?", "~", "^", ":", "AND", "OR", "NOT",
    "title:x", "\x00", "\x01", "\x1b[31m", "\r\n", "\t", "\u200b", "\ufeff", "\ud7ff", "<script>alert(1)</script>",
    "javascript:alert(1)", "' OR 1=1 --", "%00", "%ff", "../../etc/passwd", "😀", "ё", "Ё" * 3, "a" * 600,
    "я" * 2000, "%", "&", "=", "+", "#",
)
DOC_IDS = ("a-131", "c-open", "s-tos", "nope", "", "%00", "../x", "a" * 300, "ид с пробелом", "x/y/z")


def random_value(rng: random.Random) -> str:
    parts = [rng.choice(ATOMS) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    return rng.choice(("", " ", "-")).join(parts)


def random_url(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        prefix = rng.choice(("/documents/", "/api/v1/documents/"))
        return prefix + quote(rng.choice(DOC_IDS) if rng.random() < 0.5 else random_value(rng), safe="/")
    path = rng.choice(PATHS)
    count = rng.choice((0, 1, 2, 3, 5, 8, 30, 120)) if roll < 0.98 else 400
    pairs = []
    for _ in range(count):
        name = rng.choice(PARAMS)
        pairs.append(f"{quote(name)}={quote(random_value(rng), safe='')}")
    if roll > 0.99:  # raw bytes that are not UTF-8
        pairs.append("q=%C3%28%FF")
    return f"{path}?{'&'.join(pairs)}" if pairs else path


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"invalid JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUNNAV_TODAY", "2026-11-27")
        mp.delenv("ELASTICSEARCH_URL", raising=False)
        data_dir = build_data_dir(tmp_path_factory.mktemp("fuzz-data"))
        app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "ELASTICSEARCH_URL": "",
                          "EXPORT_RATE_LIMIT": "1000000 per minute", "RATELIMIT_STORAGE_URI": "memory://"})
        app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash must show as the 500 a user would get
        yield app
        app.extensions["munnav"].close()


@pytest.mark.slow
def test_ten_thousand_generated_requests_get_no_server_error(fuzz_app: Flask) -> None:
    rng = random.Random(SEED)
    client = fuzz_app.test_client()
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for _ in range(REQUESTS):
        url = random_url(rng)
        response = client.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        body = response.get_data(as_text=True)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url[:300]}")
        elif response.is_json:
            try:
                strict_json(body)
            except ValueError as exc:
                failures.append(f"invalid JSON ({exc}) {url[:300]}")
        if len(failures) >= 5:
            break
    assert failures == [], failures
    assert sum(statuses.values()) == REQUESTS
    assert statuses.get(200, 0) > REQUESTS // 4 and statuses.get(400, 0) > REQUESTS // 20  # both kinds exercised
