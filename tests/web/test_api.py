"""JSON API: whole-dict comparisons and the one error shape."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.backends.base import BackendError


def hit_ids(body: dict) -> list[str]:
    return [h["id"] for h in body["hits"]]


def test_search_result_model(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?kind=competition&region=Пермский+край&federal=0&per_page=5")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body.pop("took_ms"), float)
    hit = body["hits"][0]
    assert isinstance(hit.pop("score"), float)
    assert hit == {
        "id": "c-perm", "kind": "competition", "title": "Конкурс проектов ТОС Пермского края",
        "doc_number": None, "doc_type": None, "status": "open",
        "snippet": "Гранты ТОС на благоустройство территорий.",
        "url": "http://localhost/documents/c-perm", "source_url": None,  # the page here, the source apart
        "issuer": "Правительство Пермского края", "regions": ["Пермский край"], "topics": ["ТОС", "благоустройство"],
        "audience": ["ТОС"], "published": "2026-09-15", "deadline": "2027-01-20",
        "amount_min": None, "amount_max": None, "finished": False, "days_left": 54,
    }
    assert body == {
        "query": "", "total": 1, "page": 1, "per_page": 5, "pages": 1, "hits": [hit], "relaxed": False,
        "facets": {
            # kind counted without its own filter; no setting changed by the kind (closed ones count)
            "kind": [{"value": "competition", "count": 1, "selected": True}],
            "regions": [
                {"value": "Вологодская область", "count": 2, "selected": False},
                {"value": "Пермский край", "count": 1, "selected": True},
                {"value": "Российская Федерация", "count": 1, "selected": False},
            ],
            "topics": [{"value": "ТОС", "count": 1, "selected": False},
                       {"value": "благоустройство", "count": 1, "selected": False}],
            "audience": [{"value": "ТОС", "count": 1, "selected": False}],
            "status": [{"value": "open", "count": 1, "selected": False}],
            "issuer": [{"value": "Правительство Пермского края", "count": 1, "selected": False}],
            "year": [{"value": "2026", "count": 1, "selected": False}],
        },
        "searched_query": None, "suggestion": None, "notices": [],
    }


def test_api_json_is_utf8_not_escaped(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?kind=competition&region=Пермский+край&federal=0")
    assert "Конкурс проектов ТОС Пермского края".encode() in response.data
    assert b"\\u04" not in response.data and response.mimetype == "application/json"


def test_search_same_parameters_as_the_page(client: FlaskClient) -> None:
    body = client.get("/api/v1/search?kind=measure&kind=competition&sort=deadline&open=0&per_page=3&page=2").get_json()
    assert (body["total"], body["page"], body["pages"]) == (7, 2, 3)
    assert hit_ids(body) == ["c-nko", "m-yards", "m-expired"]  # open by deadline, permanent, then finished
    body = client.get("/api/v1/search?q=благоустройство&topic=ТОС&amount_to=200000&open=0").get_json()
    assert sorted(hit_ids(body)) == ["c-open"]


def test_unknown_parameters_are_ignored(client: FlaskClient) -> None:
    plain = client.get("/api/v1/search?q=тос").get_json()
    noisy = client.get("/api/v1/search?q=тос&utm_source=x&callback=alert").get_json()
    plain.pop("took_ms"), noisy.pop("took_ms")
    assert noisy == plain


ERROR_CASES = [
    ("/api/v1/search?page=-1", 400, "Номер страницы: ожидается целое число от 1 до 10000, получено -1."),
    ("/api/v1/search?page=abc", 400, "Номер страницы: ожидается целое число от 1 до 10000, получено 'abc'."),
    ("/api/v1/search?sort=xyz", 400, "Неизвестная сортировка 'xyz'; допустимо: relevance, newest, deadline."),
    ("/api/v1/search?kind=unicorn", 400, "Неизвестный вид документа 'unicorn'."),
    ("/api/v1/search?per_page=0", 400, "Размер страницы: ожидается целое число от 1 до 100, получено 0."),
    ("/api/v1/search?q=" + "ы" * 10_000, 400, "Запрос слишком длинный (10000 символов); сократите его до 500."),
    ("/api/v1/suggest?q=тос&limit=x", 400, "limit: ожидается целое число от 1 до 20."),
    ("/api/v1/documents/nope", 404, "Документ 'nope' не найден."),
    ("/api/v1/nothing-here", 404, "Страница не найдена."),
]


@pytest.mark.parametrize(("url", "status", "message"), ERROR_CASES)
def test_error_shape(client: FlaskClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": message}


def test_wrong_method_is_json_too(client: FlaskClient) -> None:
    response = client.post("/api/v1/search")
    assert (response.status_code, response.get_json()) == (405, {"error": "Метод не поддерживается."})


def test_engine_down_is_a_json_503(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["munnav"].engine

    def down(*args, **kwargs):
        raise BackendError("cluster red")

    engine.search = down
    try:
        response = client.get("/api/v1/search?q=тос")
        assert (response.status_code, response.get_json()) == (
            503, {"error": "Поиск временно недоступен. Попробуйте через несколько минут."})
    finally:
        del engine.search


@pytest.mark.parametrize("q", ['"', "-", "((( ***", "<script>alert(1)</script>", "AND OR NOT", "\x00"])
def test_hostile_queries_never_500(client: FlaskClient, q: str) -> None:
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    assert ("error" in response.get_json()) is (response.status_code == 400)


def test_document(client: FlaskClient) -> None:
    body = client.get("/api/v1/documents/c-open").get_json()
    related = body.pop("related")
    assert body == {
        "document": {
            "id": "c-open", "kind": "competition", "title": "Конкурс проектов ТОС Вологодской области 2027",
            "summary": "Гранты территориальному общественному самоуправлению на благоустройство.",
            "issuer": "Правительство Вологодской области", "regions": ["Вологодская область"],
            "topics": ["ТОС", "благоустройство"], "audience": ["ТОС"], "published": "2026-10-01",
            "deadline": "2026-12-09", "status": "open", "amount_min": 100000, "amount_max": 500000,
        },
        "kind_label": "Конкурс", "finished": False, "days_left": 12, "steps": [],
    }
    assert related and all(set(r) == {"id", "kind", "title", "status"} for r in related)
    assert "c-open" not in [r["id"] for r in related]


def test_solution_document_with_live_step_status(client: FlaskClient) -> None:
    body = client.get("/api/v1/documents/s-yards").get_json()
    assert [[(r["id"], r["level"], r["flagged"]) for r in step["refs"]] for step in body["steps"]] == [
        [("act-1710", "ok", False), ("m-yards", "ok", False)],
        [("c-open", "ok", False), ("c-closed", "danger", True)],
        [("act-131", "danger", True), ("act-draft", "warn", True)],
        [("p-yard", "info", False), ("gone-doc", "danger", True)],
    ]
    assert body["steps"][3]["refs"][1] == {
        "id": "gone-doc", "found": False, "title": None, "kind": None, "level": "danger",
        "status": "Документ отсутствует в базе", "flagged": True,
    }


def test_suggest(client: FlaskClient) -> None:
    body = client.get("/api/v1/suggest?q=конкурс&limit=2").get_json()
    assert body["query"] == "конкурс"
    assert len(body["suggestions"]) == 2
    for item in body["suggestions"]:
        assert set(item) == {"text", "kind", "id", "kind_label"}
        assert item["kind"] == "competition" and item["kind_label"] == "Конкурс"
    assert client.get("/api/v1/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/v1/suggest").get_json() == {"query": "", "suggestions": []}


def test_suggest_opensearch_format(client: FlaskClient) -> None:
    body = client.get("/api/v1/suggest?q=конкурс&format=opensearch&limit=1").get_json()
    assert body[0] == "конкурс" and len(body[1]) == 1 and body[1][0].startswith("Конкурс")


def test_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert sorted(spec["paths"]) == ["/documents/{id}", "/me", "/openapi.json", "/search", "/suggest"]
    params = [p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]]
    assert params == ["q", "kind", "region", "topic", "audience", "status", "issuer", "year", "cites", "year_from",
                      "year_to", "amount_from", "amount_to", "open", "federal", "sort", "page", "per_page", "verbatim"]
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]
    assert spec["servers"] == [{"url": "http://localhost/api/v1"}]
    # every documented search parameter is one the parser knows
    from search_app.web.urlstate import KNOWN_PARAMS, VIEW_PARAMS

    assert set(params) == set(KNOWN_PARAMS) - set(VIEW_PARAMS)  # «expand» only shapes the HTML page


def test_searches_people_run_become_suggestions(client: FlaskClient) -> None:
    for n in range(3):  # several people (issue 16.6: one client alone plants nothing)
        response = client.get("/search?q=конкурс проектов", environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
        assert response.status_code == 200
    client.application.extensions["munnav"].engine.flush_logs()  # as the flusher thread would within seconds
    body = client.get("/api/v1/suggest?q=конкурс пр").get_json()
    first = body["suggestions"][0]
    assert first == {"text": "конкурс проектов", "kind": "query", "id": "", "kind_label": "Запрос"}
    # API calls (scripts, the benchmark) are not counted as people's queries.
    client.get("/api/v1/search?q=конкурс программ")
    client.application.extensions["munnav"].engine.flush_logs()
    texts = [s["text"] for s in client.get("/api/v1/suggest?q=конкурс прог").get_json()["suggestions"]]
    assert "конкурс программ" not in texts
