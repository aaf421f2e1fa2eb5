"""One error shape for the API (``{"error": "…"}``), friendly pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from search_app.backends.base import BackendError
from search_app.query import QueryError

log = logging.getLogger(__name__)

MESSAGES: dict[int, str] = {
    400: "Некорректный запрос.",
    401: "Требуется вход.",
    403: "Недостаточно прав для этого действия.",
    404: "Страница не найдена.",
    405: "Метод не поддерживается.",
    413: "Запрос слишком большой.",
    429: "Слишком много запросов. Подождите немного и попробуйте снова.",
    500: "Внутренняя ошибка сервера.",
    503: "Поиск временно недоступен. Попробуйте через несколько минут.",
}
TITLES: dict[int, str] = {
    400: "Некорректный запрос",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    429: "Слишком много запросов",
    503: "Сервис временно недоступен",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None) -> tuple[Response | str, int]:
    message = message or MESSAGES.get(status, "Ошибка.")
    if wants_json():
        return jsonify({"error": message}), status
    title = TITLES.get(status, "Ошибка")
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        # Our own aborts carry a Russian description; werkzeug's defaults are English.
        custom = exc.description if exc.description != type(exc).description else None
        response = make_response(error_response(status, custom))
        # Keep what the exception says beyond its body: ``Allow`` on 405, ``Retry-After`` on 429…
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(QueryError)
    def query_error(exc: QueryError) -> tuple[Response | str, int]:
        return error_response(400, str(exc))

    @app.errorhandler(BackendError)
    def backend_error(exc: BackendError) -> tuple[Response | str, int]:
        log.warning("search backend unavailable: %s", exc)
        return error_response(503)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s", request.path)
        return error_response(500)
