"""Cheap requests must not tie up the server (issue 16, item 7)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.web import create_app
from search_app.web.facets import build_chips
from search_app.web.params import MAX_VALUES_PER_PARAM, parse_search
from search_app.web.urlstate import UrlState


@pytest.mark.parametrize("path", ["/search", "/api/v1/search", "/search.csv", "/search.atom"])
def test_too_many_values_of_one_parameter_is_a_400(client: FlaskClient, path: str) -> None:
    query = "&".join(f"year={1000 + n}" for n in range(MAX_VALUES_PER_PARAM + 1))
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    message = f"Параметр year повторён {MAX_VALUES_PER_PARAM + 1} раз; допустимо не больше {MAX_VALUES_PER_PARAM}."
    assert message in response.get_data(as_text=True)


def test_values_up_to_the_cap_are_accepted(client: FlaskClient) -> None:
    query = "&".join(f"year={1000 + n}" for n in range(MAX_VALUES_PER_PARAM))
    assert client.get(f"/search?{query}").status_code == 200


def test_chip_links_are_built_without_revalidating_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chip's link drops one pair from the pairs already validated: no ``from_pairs``
    per chip (that made ~400 chips cost 876 ms)."""
    state = UrlState.from_pairs([("q", "двор"), *(("year", str(1900 + n)) for n in range(80)),
                                 ("amount_from", "10"), ("page", "3")])
    query = parse_search(state)
    calls: list[int] = []
    original = UrlState.from_pairs.__func__

    def counting(cls: type[UrlState], pairs: object) -> UrlState:
        calls.append(1)
        return original(cls, pairs)

    monkeypatch.setattr(UrlState, "from_pairs", classmethod(counting))
    chips = build_chips(query, state, "/search")
    assert len(chips) == 81 and len(calls) <= 2
    assert chips[0].remove_url == "/search?q=%D0%B4%D0%B2%D0%BE%D1%80&" + "&".join(
        f"year={1900 + n}" for n in range(1, 80)) + "&amount_from=10"
    assert chips[-1].remove_url == "/search?q=%D0%B4%D0%B2%D0%BE%D1%80&" + "&".join(
        f"year={1900 + n}" for n in range(80))
    for chip, year in zip(chips, range(1900, 1980), strict=False):  # same links as the general path
        assert chip.remove_url == state.without("year", str(year)).url("/search")


def test_from_pairs_drops_repeats_in_linear_time() -> None:
    pairs = [("year", "2020")] * 5000 + [("region", str(n)) for n in range(5000)]
    state = UrlState.from_pairs(pairs)
    assert state.getlist("year") == ["2020"] and len(state.getlist("region")) == 5000


@pytest.fixture
def limited_app(web_data_dir: Path, web_database: str | None) -> Iterator[Flask]:
    app = create_app({"DATA_DIR": str(web_data_dir), "DATABASE_URL": web_database, "TESTING": True,
                      "ELASTICSEARCH_URL": "",
                      "EXPORT_LIMIT_ANONYMOUS": 5, "EXPORT_RATE_LIMIT": "2 per minute",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    yield app
    app.extensions["munnav"].close()


def test_anonymous_csv_export_is_capped_and_says_so(limited_app: Flask) -> None:
    response = limited_app.test_client().get("/search.csv?open=0")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["X-Export-Row-Limit"] == "5"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + 5


def test_csv_exports_are_rate_limited_in_russian(limited_app: Flask) -> None:
    client = limited_app.test_client()
    assert [client.get("/search.csv").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/search.csv")
    assert refused.status_code == 429
    assert "Слишком много выгрузок" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/search").status_code == 200  # searching is not limited


def test_a_query_the_engine_refuses_is_a_400_not_a_broken_csv_stream(client: FlaskClient) -> None:
    """Found by the fuzz: the engine's own checks ran inside the stream, after the 200."""
    response = client.get("/search.csv?q=-")
    assert response.status_code == 400
    assert "только знаки препинания" in response.get_data(as_text=True)
