"""Page number and page links for the console's lists (filters stay in the URL)."""

from __future__ import annotations

from flask import abort, request, url_for

from search_app.web.pagination import Pagination, paginate


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, "Номер страницы должен быть числом.")


def page_links(page: int, total: int, per_page: int) -> Pagination | None:
    pages = max(1, -(-total // per_page))
    args = request.args.to_dict()
    return paginate(page, pages, lambda n: url_for(str(request.endpoint), **(request.view_args or {}), **(args | {"page": str(n)})))
