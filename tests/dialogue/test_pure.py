"""Pure logic of the Municipal Dialogue: topics, districts, clustering, aggregates, charts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from search_app.analysis.analyzer import get_analyzer
from search_app.dialogue import charts
from search_app.dialogue.aggregates import (
    ProblemStat,
    QueryStat,
    Supply,
    demand_table,
    gaps_table,
    growth_table,
    heat_table,
    largest_table,
    periods,
)
from search_app.dialogue.clustering import cluster, report_terms
from search_app.dialogue.datatable import Row, Table, csv_text, heat_level
from search_app.dialogue.districts import OTHER, district_of, districts
from search_app.dialogue.topics import load_topics, topic_suggester

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_every_region_of_the_sample_corpus_has_its_district() -> None:
    regions = {r for path in SAMPLE.glob("*.jsonl") for line in path.open(encoding="utf-8")
               for r in json.loads(line).get("regions", [])}
    unknown = {r for r in regions if district_of(r) == OTHER} - {"Российская Федерация"}
    assert unknown == set()
    assert sum(len(v) for v in districts().values()) == 89
    assert district_of("Вологодская область") == "Северо-Западный"
    assert district_of("Марс") == OTHER


def test_topic_list_is_the_vocabulary_of_the_corpus() -> None:
    corpus = {t for path in SAMPLE.glob("*.jsonl") for line in path.open(encoding="utf-8")
              for t in json.loads(line).get("topics", [])}
    assert {t.name for t in load_topics()} == corpus


@pytest.mark.parametrize(("text", "topic"), [
    ("Региональный оператор не вывозит ТКО, контейнерные площадки переполнены", "отходы"),
    ("Ямы на дорогах местного значения, асфальт разбит", "дороги"),
    ("Проблемы ЖКХ: управляющие компании не ремонтируют кровлю многоквартирных домов", "ЖКХ"),  # synonym
    ("Низкая зарплата муниципальных служащих, вакансии не закрываются", "кадры"),
    ("Как зарегистрировать ТОС", "ТОС"),
])
def test_topic_is_suggested_from_lemmas_and_synonyms(text: str, topic: str) -> None:
    assert topic_suggester().suggest(text) == topic


def test_no_topic_for_a_text_about_nothing_known() -> None:
    assert topic_suggester().suggest("ну вот так") is None


def test_clustering_finds_the_known_groups() -> None:
    rows = json.loads((FIXTURES / "report_groups.json").read_text(encoding="utf-8"))
    analyzer = get_analyzer()
    reports = [(i, r["topic"], report_terms(r["text"], analyzer)) for i, r in enumerate(rows)]
    groups = cluster(reports)
    want = {frozenset(i for i, r in enumerate(rows) if r["group"] == g) for g in {r["group"] for r in rows}}
    assert {frozenset(g) for g in groups} == want


def test_clustering_never_joins_topics() -> None:
    terms = frozenset({"мост", "аварийный"})
    assert cluster([(1, "дороги", terms), (2, "ЖКХ", terms)]) == [[1], [2]]


def test_heat_table_groups_regions_into_districts() -> None:
    table = heat_table([("дороги", "Вологодская область", 3), ("дороги", "Республика Карелия", 2),
                        ("дороги", "Пермский край", 1), ("ЖКХ", "Пермский край", 7), ("ЖКХ", "Марс", 1)])
    assert table.columns == ("Северо-Западный", "Приволжский", OTHER, "Всего")
    assert table.rows == (Row("ЖКХ", (0, 7, 1, 8)), Row("дороги", (5, 1, 0, 6)))
    by_region = heat_table([("дороги", "Пермский край", 1)], by_region=True)
    assert by_region.columns == ("Пермский край", "Всего")


def test_growth_by_week_and_month() -> None:
    counts = [("дороги", date(2026, 11, 2), 2), ("дороги", date(2026, 11, 8), 1), ("дороги", date(2026, 11, 9), 4),
              ("ЖКХ", date(2026, 10, 31), 1)]
    weekly = growth_table(counts, date(2026, 10, 26), date(2026, 11, 15), "week")
    assert weekly.columns == ("2026-10-26", "2026-11-02", "2026-11-09")
    assert weekly.rows == (Row("дороги", (0, 3, 4)), Row("ЖКХ", (1, 0, 0)))
    monthly = growth_table(counts, date(2026, 10, 26), date(2026, 11, 15), "month")
    assert monthly.columns == ("2026-10", "2026-11")
    assert monthly.rows[0] == Row("дороги", (0, 7))
    assert len(periods(date(2025, 1, 1), date(2026, 12, 31), "month")) == 24


def test_largest_problems_by_municipalities() -> None:
    problems = [ProblemStat(1, "ямы", "дороги", 3, 2, 9), ProblemStat(2, "мост", "дороги", 37, 12, 40),
                ProblemStat(3, "котельная", "ЖКХ", 3, 3, 3)]
    table = largest_table(problems)
    assert [row.label for row in table.rows] == ["мост", "котельная", "ямы"]


def test_demand_against_supply_ranks_the_gaps() -> None:
    table = demand_table({"дороги": 100, "ЖКХ": 100, "спорт": 0}, {"дороги": 5},
                         {"дороги": Supply(10, 5, 4), "ЖКХ": Supply(0, 0, 0)})
    assert [row.label for row in table.rows] == ["ЖКХ", "дороги"]  # no documents on ЖКХ at all
    assert table.rows[0].values == (100, 0, 0, 0, 0, 100.0)
    assert table.rows[1].values == (100, 5, 10, 5, 4, 7.5)


def test_gaps_are_poor_searches_most_frequent_first() -> None:
    table = gaps_table([QueryStat("грант тос", 50, 0, 40, 12), QueryStat("борщевик", 30, 30, 0, 0),
                        QueryStat("снегоход", 7, 0, 2, 1), QueryStat("дороги", 90, 0, 80, 0)])
    assert [row.label for row in table.rows] == ["дороги", "борщевик", "снегоход"]


def test_csv_of_one_table_and_of_several() -> None:
    a = Table("a", "Таблица А", "Тема", ("x", "y"), (Row("дороги", (1, 2)),))
    b = Table("b", "Таблица Б", "Тема", ("z",), (Row("ЖКХ", (3,)),))
    assert list(csv.reader(io.StringIO(csv_text([a])))) == [["Тема", "x", "y"], ["дороги", "1", "2"]]
    assert list(csv.reader(io.StringIO(csv_text([a, b]))))[1:] == [
        ["Таблица А", "дороги", "x", "1"], ["Таблица А", "дороги", "y", "2"], ["Таблица Б", "ЖКХ", "z", "3"]]
    assert a.as_json()["rows"] == [{"Тема": "дороги", "x": 1, "y": 2}]


def test_heat_levels() -> None:
    assert [heat_level(v, 10) for v in (0, 1, 5, 10)] == [0, 1, 3, 5]
    assert heat_level(3, 0) == 0
    heat = heat_table([("дороги", "Пермский край", 9), ("дороги", "Вологодская область", 3), ("ЖКХ", "Пермский край", 1)])
    assert heat.max_value() == 12 and heat.max_value(skip_last=True) == 9  # the cells shade against cells


def _svg_ok(svg: bytes) -> str:
    text = svg.decode("utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    assert "<script" not in text  # CSP: nothing to run
    assert not re.search(r'(?:href|src)="(?:https?:)?//', text)  # nothing fetched from elsewhere
    return text


def test_charts_of_empty_tables_say_there_is_no_data() -> None:
    empty = Table("x", "Пусто", "Тема", ("Поисков",), ())
    for svg in (charts.bar_chart(empty), charts.line_chart(empty), charts.grouped_bar_chart(empty, (0,))):
        assert "Нет данных" in _svg_ok(svg)


def test_charts_of_huge_tables_stay_legible() -> None:
    weeks = tuple(f"w{i}" for i in range(520))
    huge = Table("growth", "Рост", "Тема", weeks,
                 tuple(Row(f"тема {i} " + "очень длинное название " * 5, tuple(range(520))) for i in range(200)))
    line = _svg_ok(charts.line_chart(huge))
    assert line.count('class="line reactive nofill"') <= charts.MAX_SERIES
    bars = _svg_ok(charts.bar_chart(huge))
    assert bars.count('class="rect reactive tooltip-trigger"') <= charts.MAX_BARS
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", bars)
    assert drawn and max(map(len, drawn)) <= charts.MAX_LABEL  # labels drawn truncated
