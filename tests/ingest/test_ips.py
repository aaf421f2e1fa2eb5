"""IPS consolidated texts: the real codes, served windows-1251 like the live site."""

from __future__ import annotations

import pytest

from ingest.pipeline import Pipeline
from tests.ingest.conftest import REAL, make_source
from tests.ingest.server import FixtureServer, Reply

IPS = REAL / "ips"
pytestmark = pytest.mark.skipif(not IPS.exists(), reason="нет ../shared/real")
ARTICLES = {
    "102027595": 142,  # Конституция
    "102054721": 433,  # Бюджетный кодекс (4 МБ)
    "102073184": 192,  # Земельный
    "102090643": 141,  # Градостроительный
    "102090645": 243,  # Жилищный
    "102107048": 78,  # Водный
    "102110364": 192,  # Лесной
}


def cp1251_page(nd: str, declare_meta: bool = True) -> bytes:
    text = (IPS / f"{nd}.html").read_text(encoding="utf-8")
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' if declare_meta else ""
    text = text.replace('<meta charset="utf-8">', meta).replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', meta
    )
    return text.encode("cp1251", errors="xmlcharrefreplace")


def serve(server: FixtureServer, nd: str, content_type: str = "text/html; charset=windows-1251",
          declare_meta: bool = True) -> None:
    server.add(f"/proxy/ips/?docbody=&nd={nd}", Reply(cp1251_page(nd, declare_meta), content_type=content_type))


def source(server: FixtureServer, documents: list):
    return make_source("ips", "ips", server.base, "legal_act", {"documents": documents})


def test_all_real_codes_split_into_articles(server, pipeline: Pipeline, store) -> None:
    for nd in ARTICLES:
        serve(server, nd)
    report = pipeline.run(source(server, list(ARTICLES)))
    assert report.status == "ok", report.errors
    assert report.counts["seen"] == sum(ARTICLES.values()) + len(ARTICLES)
    for nd, count in ARTICLES.items():
        act = store.get(f"ips:{nd}")
        assert act.extra["articles"] == count
        assert len([i for i in store.ids_for_source("ips") if i.startswith(f"ips:{nd}:st-")]) == count


def test_article_title_text_and_link_to_act(server, pipeline: Pipeline, store) -> None:
    serve(server, "102054721")
    serve(server, "102027595", content_type="text/html")  # charset only in <meta>
    docs = [{"nd": "102054721", "number": "145-ФЗ", "date": "31.07.1998"}, "102027595"]
    report = pipeline.run(source(server, docs))
    assert report.status == "ok", report.errors
    act = store.get("ips:102054721")
    assert act.title == "Бюджетный кодекс Российской Федерации от 31.07.1998 № 145-ФЗ"
    assert act.doc_type == "Кодекс" and act.doc_number == "145-ФЗ"
    article = store.get("ips:102054721:st-14")
    assert article.title == (
        "Статья 14. Бюджет субъекта Российской Федерации и бюджет территориального"
        " государственного внебюджетного фонда — Бюджетный кодекс Российской Федерации"
    )
    assert article.extra["act_id"] == "ips:102054721" and article.extra["article"] == "14"
    assert article.body.startswith("Каждый субъект Российской Федерации имеет собственный бюджет")
    assert article.extra["division"].startswith("Глава 3. БЮДЖЕТНАЯ СИСТЕМА")
    superscript = store.get("ips:102054721:st-23.1")
    assert superscript.title.startswith("Статья 23.1. Классификация операций сектора государственного управления")
    constitution = store.get("ips:102027595:st-12")
    assert constitution.title == "Статья 12 — Конституция Российской Федерации"
    assert "местное самоуправление" in constitution.body


def test_utf8_page_without_declared_charset(server, pipeline: Pipeline, store) -> None:
    server.add("/proxy/ips/?docbody=&nd=102107048",
               Reply((IPS / "102107048.html").read_bytes().replace(b'<meta charset="utf-8">', b""),
                     content_type="text/html"))
    report = pipeline.run(source(server, ["102107048"]))
    assert report.status == "ok"
    assert store.get("ips:102107048:st-1").title.startswith("Статья 1. Основные понятия")
