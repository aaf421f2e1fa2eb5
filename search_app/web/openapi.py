"""The OpenAPI 3 description of ``/api/v1`` (a plain dict, pure)."""

from __future__ import annotations

from typing import Any

from ingest.document import KINDS, STATUSES
from search_app.query import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_YEAR, MIN_YEAR, SORTS
from search_app.web.params import MAX_VALUES_PER_PARAM


def _param(name: str, description: str, schema: dict[str, Any], many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema, "maxItems": MAX_VALUES_PER_PARAM}
    out: dict[str, Any] = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if many:
        out.update(style="form", explode=True)
    return out


SEARCH_PARAMS: list[dict[str, Any]] = [
    _param("q", "Текст запроса: слова, «фраза в кавычках», -исключение. Запрос без слов (только знаки или только "
           "служебные слова) — ошибка 400 с пояснением.",
           {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "[0-9A-Za-zА-Яа-яЁё]{2}"}),
    _param("kind", "Вид документа (можно несколько).", {"type": "string", "enum": list(KINDS)}, many=True),
    _param("region", "Регион (можно несколько).", {"type": "string"}, many=True),
    _param("topic", "Тема (можно несколько).", {"type": "string"}, many=True),
    _param("audience", "Для кого (можно несколько).", {"type": "string"}, many=True),
    _param("status", "Статус (можно несколько).", {"type": "string", "enum": list(STATUSES)}, many=True),
    _param("issuer", "Кто выпустил (можно несколько).", {"type": "string"}, many=True),
    _param("year", "Год публикации (можно несколько).", {"type": "string", "pattern": "^[0-9]{4}$"}, many=True),
    _param("cites", "Консультации, ссылающиеся на акт («131-ФЗ») или его статью («131-ФЗ:17»).",
           {"type": "string", "pattern": "^[^:]*(:[0-9]+(\\.[0-9]+)*)?$"}, many=True),
    _param("year_from", "Год публикации с.", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}),
    _param("year_to", "Год публикации по.", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}),
    _param("amount_from", "Сумма поддержки не меньше, руб.", {"type": "number", "minimum": 0}),
    _param("amount_to", "Сумма поддержки не больше, руб.", {"type": "number", "minimum": 0}),
    _param("open", "1 — только открытые сейчас, 0 или без параметра — включая завершённые (они ниже открытых).",
           {"type": "string", "enum": ["1", "0"]}),
    _param("federal", "0 — при фильтре по региону не показывать федеральные документы (по умолчанию они "
           "показываются после документов региона: действуют во всех регионах).", {"type": "string", "enum": ["1", "0"]}),
    _param("sort", "Сортировка.", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
    _param("page", "Страница.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _param("per_page", "Результатов на странице.", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10}),
    _param("verbatim", "1 — искать ровно как введено: без исправления опечаток и раскладки.",
           {"type": "string", "enum": ["1", "0"]}),
]

ERROR = {"$ref": "#/components/schemas/Error"}
OPENSEARCH_SUGGESTIONS = "application/x-suggestions+json"


def _responses(ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    descriptions = {400: "Некорректные параметры", 404: "Не найдено", 503: "Поиск недоступен"}
    out: dict[str, Any] = {"200": {"description": "Успешно", "content": {"application/json": {"schema": ok}}}}
    for code in errors:
        out[str(code)] = {"description": descriptions[code], "content": {"application/json": {"schema": ERROR}}}
    return out


def _with_content(responses: dict[str, Any], code: str, media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    responses[code]["content"][media_type] = {"schema": schema}
    return responses


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Муниципальный навигатор API",
            "version": "1.0.0",
            "description": "Поиск мер поддержки, конкурсов, правовых актов, практик, готовых решений и курсов.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/search": {"get": {
                "summary": "Поиск с фильтрами, фасетами и постраничным выводом",
                "operationId": "search",
                "parameters": SEARCH_PARAMS,
                "responses": _responses({"$ref": "#/components/schemas/SearchResult"}, 400, 503),
            }},
            "/documents/{id}": {"get": {
                "summary": "Документ с актуальным статусом, шагами и похожими документами",
                "operationId": "getDocument",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": _responses({"$ref": "#/components/schemas/DocumentPage"}, 404, 503),
            }},
            "/suggest": {"get": {
                "summary": "Подсказки по началу запроса",
                "operationId": "suggest",
                "parameters": [
                    _param("q", "Начало запроса.", {"type": "string"}),
                    _param("limit", "Сколько подсказок.", {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}),
                    _param("format", "opensearch — ответ в формате OpenSearch Suggestions.",
                           {"type": "string", "enum": ["opensearch"]}),
                ],
                "responses": _with_content(
                    _responses({"$ref": "#/components/schemas/Suggestions"}, 400, 503),
                    "200", OPENSEARCH_SUGGESTIONS, {"$ref": "#/components/schemas/OpenSearchSuggestions"},
                ),
            }},
            "/openapi.json": {"get": {
                "summary": "Это описание",
                "operationId": "openapi",
                "responses": {"200": {"description": "Документ OpenAPI 3"}},
            }},
            "/me": {"get": {
                "summary": "Владелец токена (проверка токена для записи через API)",
                "operationId": "me",
                "security": [{"token": []}],
                "responses": {
                    "200": {"description": "Учётная запись: адрес и роли"},
                    "401": {"description": "Нет токена или он отозван"},
                },
            }},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "Личный токен API из кабинета (/account); хранится только его хеш.",
            }},
        },
    }


_NULLABLE_STR = {"type": "string", "nullable": True}
_NULLABLE_NUM = {"type": "number", "nullable": True}
_STR_LIST = {"type": "array", "items": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "Сообщение на русском языке"}},
        "additionalProperties": False,
    },
    "Hit": {
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "kind": {"type": "string", "enum": list(KINDS)}, "title": {"type": "string"},
            "doc_number": _NULLABLE_STR, "doc_type": _NULLABLE_STR, "status": _NULLABLE_STR,
            "snippet": {"type": "string", "description": "HTML: экранированный текст с <mark>"},
            "score": {"type": "number"},
            "url": {"type": "string", "description": "Страница документа в навигаторе"},
            "source_url": {**_NULLABLE_STR, "description": "Адрес документа в источнике"},
            "issuer": _NULLABLE_STR,
            "regions": _STR_LIST, "topics": _STR_LIST, "audience": _STR_LIST,
            "published": {"type": "string", "format": "date", "nullable": True},
            "deadline": {"type": "string", "format": "date", "nullable": True},
            "amount_min": _NULLABLE_NUM, "amount_max": _NULLABLE_NUM,
            "finished": {"type": "boolean"}, "days_left": {"type": "integer", "nullable": True},
        },
    },
    "FacetValue": {
        "type": "object",
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"}},
    },
    "SearchResult": {
        "type": "object",
        "properties": {
            "query": {"type": "string"}, "total": {"type": "integer"}, "took_ms": {"type": "number"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
            "searched_query": _NULLABLE_STR, "suggestion": _NULLABLE_STR, "notices": _STR_LIST,
            "relaxed": {"type": "boolean", "description": "Точных совпадений не хватило: найдены документы с частью слов"},
        },
    },
    "DocumentPage": {
        "type": "object",
        "properties": {
            "document": {"type": "object", "description": "Запись в формате FORMAT.md"},
            "kind_label": {"type": "string"}, "finished": {"type": "boolean"},
            "days_left": {"type": "integer", "nullable": True},
            "steps": {"type": "array", "items": {"type": "object"}},
            "related": {"type": "array", "items": {"type": "object"}},
            "cites": {"type": "array", "description": "Консультация: нормы, на которые опирается ответ, как их нашла база",
                      "items": {"type": "object", "properties": {
                          "doc_number": {"type": "string"}, "article": {"type": "string"}, "title": _NULLABLE_STR,
                          "url": _NULLABLE_STR, "found": {"type": "boolean"}, "level": {"type": "string"},
                          "status": {"type": "string"}, "lapsed": {"type": "boolean"}}}},
            "outdated": {"type": "boolean", "description": "Консультация опирается на акт, утративший силу"},
            "explanations": {"type": "array", "items": {"type": "object"},
                             "description": "Акт или статья: консультации, которые на них ссылаются"},
        },
    },
    "OpenSearchSuggestions": {
        "type": "array",
        "description": "format=opensearch: [запрос, [подсказки…]] по OpenSearch Suggestions 1.0",
        "minItems": 2,
        "maxItems": 2,
        "items": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    },
    "Suggestions": {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "suggestions": {"type": "array", "items": {"type": "object", "properties": {
                "text": {"type": "string"}, "kind": {"type": "string"}, "id": {"type": "string"}}}},
        },
    },
}
