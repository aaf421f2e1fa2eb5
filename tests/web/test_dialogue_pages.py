"""/dialogue: the public problem field, its sections in three renderings, charts, print, problem pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.dialogue.problems import ProblemService, Reporter
from search_app.web import create_app
from tests.web.conftest import build_data_dir

SECTIONS = ("heat", "growth", "largest", "unanswered", "demand", "gaps")


@pytest.fixture(scope="module")
def dialogue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("dialogue-data"))


@pytest.fixture
def app(dialogue_dir: Path) -> Iterator[Flask]:
    # These tests download many tables within a minute: the download limit has its own test below.
    app = create_app({"DATA_DIR": str(dialogue_dir), "TESTING": True, "ELASTICSEARCH_URL": "",
                      "DIALOGUE_DOWNLOAD_RATE_LIMIT": "10000 per minute"})
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def problems(app: Flask) -> ProblemService:
    return ProblemService(app.extensions["munnav"].engine.store.engine)


def test_empty_field_shows_every_section_without_data(client: FlaskClient) -> None:
    page = client.get("/dialogue?region=Пермский край&topic=спорт")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("Нет данных за выбранный период") >= 4
    for key in SECTIONS:
        assert f'id="{key}"' in html
    assert "<script>" not in html.replace('<script src=', '')


def test_published_reports_count_and_names_stay_private(client: FlaskClient, problems: ProblemService) -> None:
    reporter = Reporter(77, "Сокольский муниципальный округ", "Вологодская область")
    report = problems.submit(reporter, "Аварийный мост через реку закрыт, школьный автобус ездит в объезд", "дороги")
    before = client.get("/dialogue/largest?format=json").get_json()
    assert all(r["Проблема"] != problems.problem(report.problem_id).title for r in before["tables"][0]["rows"])
    problems.publish(report.problem_id)
    data = client.get("/dialogue?format=json").get_json()
    tables = {t["key"]: t for t in data["tables"]}
    assert list(tables) == list(SECTIONS)
    heat = {row["Тема"]: row for row in tables["heat"]["rows"]}
    assert heat["дороги"]["Северо-Западный"] >= 1
    largest = tables["largest"]["rows"]
    assert any(r["Проблема"].startswith("Аварийный мост") and r["Муниципалитетов"] == 1 for r in largest)
    page = client.get(f"/dialogue/problems/{report.problem_id}")
    assert page.status_code == 200
    assert "Эту проблему отметили 1\u00a0муниципалитет из 1\u00a0региона" in page.get_data(as_text=True)
    data = client.get(f"/dialogue/problems/{report.problem_id}?format=json").get_json()
    assert data["by_region"] == [{"region": "Вологодская область", "municipalities": 1}]
    assert "reporter" not in str(data) and "77" not in str(data.get("by_region"))


def test_every_section_in_csv_and_json_at_the_same_address(client: FlaskClient) -> None:
    for key in SECTIONS:
        html = client.get(f"/dialogue/{key}?from=2026-01-01&to=2026-11-27")
        assert html.status_code == 200
        rows = list(csv.reader(io.StringIO(client.get(f"/dialogue/{key}?from=2026-01-01&to=2026-11-27&format=csv")
                                           .get_data(as_text=True))))
        table = client.get(f"/dialogue/{key}?from=2026-01-01&to=2026-11-27&format=json").get_json()["tables"][0]
        assert rows[0] == table["columns"]
        assert len(rows) - 1 == len(table["rows"])
    whole = list(csv.reader(io.StringIO(client.get("/dialogue?format=csv").get_data(as_text=True))))
    assert whole[0] == ["таблица", "строка", "столбец", "значение"]


def test_charts_are_svg_that_run_nothing(client: FlaskClient) -> None:
    for key in ("growth", "largest", "unanswered", "demand", "gaps"):
        response = client.get(f"/dialogue/{key}.svg?by=week")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert b"<script" not in response.data
    page = client.get("/dialogue")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]  # the page's policy is intact


def test_print_version_and_filters_in_the_url(client: FlaskClient) -> None:
    page = client.get("/dialogue/print?region=Вологодская область&from=2026-01-01&to=2026-11-27")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Проблемное поле: Вологодская область" in html
    assert "/dialogue/growth.svg?from=2026-01-01" in html


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-05-01&to=2026-01-01", "from=2010-01-01&to=2026-01-01",
                                   "topic=нет такой", "region=Марс", "by=day", "format=xml"])
def test_bad_filters_are_a_400_with_a_message(client: FlaskClient, query: str) -> None:
    response = client.get(f"/dialogue?{query}")
    assert response.status_code == 400
    assert "Ошибка" in response.get_data(as_text=True) or "Некорректный" in response.get_data(as_text=True)


def test_unpublished_problems_are_not_shown(client: FlaskClient, problems: ProblemService) -> None:
    report = problems.submit(Reporter(5, "Кунгур", "Пермский край"), "Нет учителей математики в сельских школах", "образование")
    assert client.get(f"/dialogue/problems/{report.problem_id}").status_code == 404
    assert client.get("/dialogue/problems/999999").status_code == 404


def test_each_table_is_recomputed_when_its_own_data_changes(
        client: FlaskClient, app: Flask, problems: ProblemService, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.document import Document
    from search_app.web import dialogue_views

    built: list[str] = []
    for key, builder in list(dialogue_views.BUILDERS.items()):
        monkeypatch.setitem(dialogue_views.BUILDERS, key,
                            lambda a, f, key=key, builder=builder: built.append(key) or builder(a, f))
    client.get("/dialogue?format=json")
    built.clear()
    client.get("/dialogue?format=json")
    assert built == []  # every table from the cache
    reporter = Reporter(78, "Тотемский муниципальный округ", "Вологодская область")
    report = problems.submit(reporter, "Не хватает учителей математики в сельской школе", "образование")
    problems.publish(report.problem_id)
    client.get("/dialogue?format=json")
    assert sorted(built) == ["demand", "growth", "heat", "largest", "unanswered"]  # not the searches' gaps
    built.clear()

    def supply_of(data: dict) -> dict[str, int]:
        demand = next(t for t in data["tables"] if t["key"] == "demand")
        return {row["Тема"]: row["Решений"] for row in demand["rows"]}

    before = supply_of(client.get("/dialogue?format=json").get_json())
    assert built == []
    engine = app.extensions["munnav"].engine
    engine.import_documents([Document.from_dict({
        "id": "dialogue-supply-test", "kind": "solution", "title": "Как привлечь учителей в сельскую школу",
        "body": "Пошаговое решение для муниципалитета: учителя, школа, образование.", "topics": ["образование"],
    })])
    after = supply_of(client.get("/dialogue?format=json").get_json())
    assert built == ["demand"]  # the index changed: only the table that reads it
    assert after["образование"] == before["образование"] + 1


def test_heat_cells_shade_against_the_largest_cell_not_the_totals(client: FlaskClient, problems: ProblemService) -> None:
    import re

    for reporter in (Reporter(91, "Кунгурский муниципальный округ", "Пермский край"),
                     Reporter(92, "Чайковский городской округ", "Пермский край"),
                     Reporter(93, "Тотемский муниципальный округ", "Вологодская область")):
        report = problems.submit(reporter, "Протекает крыша многоквартирного дома, управляющая компания бездействует",
                                 "ЖКХ")
        problems.publish(report.problem_id)
    html = client.get("/dialogue/heat?topic=ЖКХ").get_data(as_text=True)  # Приволжский 2, Северо-Западный 1
    levels = [int(n) for n in re.findall(r'class="heat-(\d)"', html)]
    assert max(levels) == 5  # the largest cell is the darkest, though the totals column is larger


def test_downloads_are_rate_limited_per_address_and_pages_are_not(dialogue_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(dialogue_dir), "TESTING": True, "ELASTICSEARCH_URL": "",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    try:
        rate = int(app.config["DIALOGUE_DOWNLOAD_RATE_LIMIT"].split()[0])
        assert rate == 30  # the default: 14 links on the page, a scraper walks thousands of filter sets
        client = app.test_client()
        # Every download of the field shares one counter: csv and json, whole page, print and sections.
        urls = [f"/dialogue/{key}?format={fmt}" for key in SECTIONS for fmt in ("csv", "json")]
        urls += ["/dialogue?format=csv", "/dialogue/print?format=json"]
        codes = [client.get(urls[n % len(urls)]).status_code for n in range(rate)]
        assert set(codes) == {200}
        refused = client.get("/dialogue/heat?format=csv")
        assert refused.status_code == 429
        assert "Слишком много выгрузок" in refused.get_data(as_text=True)
        assert int(refused.headers["Retry-After"]) > 0
        assert client.get("/dialogue?format=json").status_code == 429
        for page in ("/dialogue", "/dialogue/print", "/dialogue/heat", "/dialogue/growth.svg"):
            assert client.get(page).status_code == 200, page
        other = client.get("/dialogue/heat?format=csv", environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert other.status_code == 200  # another address has its own count
    finally:
        app.extensions["munnav"].close()
