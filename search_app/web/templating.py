"""Jinja2 setup: autoescape everywhere, Russian filters, shared globals."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from ingest.clock import today
from ingest.document import KIND_LABELS, STATUS_LABELS
from ingest.weburl import web_url_or_empty
from search_app.web import formatting
from search_app.web.acts import render_text
from search_app.web.engine_ext import act_index

SITE_NAME = "Муниципальный навигатор"
KIND_PLURALS: dict[str, str] = {
    "measure": "Меры поддержки",
    "competition": "Конкурсы",
    "legal_act": "Правовые акты",
    "practice": "Практики",
    "solution": "Готовые решения",
    "course": "Курсы",
    "consultation": "Консультации",
}


def linked_text(text: str, self_id: str = "") -> Markup:
    """Plain text as paragraphs with act references linked (never to the page itself)."""
    index = act_index()

    def resolve(ref):  # noqa: ANN001, ANN202 - local adapter
        link = index.resolve(ref)
        if link is not None and self_id and link.url.endswith("/" + self_id):
            return None
        return link

    return render_text(text or "", resolve)


def init_app(app: Flask) -> None:
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters["linked"] = linked_text
    app.jinja_env.filters["web_url"] = web_url_or_empty  # a stored address becomes a link only if http(s)
    app.jinja_env.globals.update(
        SITE_NAME=SITE_NAME,
        KIND_LABELS=KIND_LABELS,
        KIND_PLURALS=KIND_PLURALS,
        STATUS_LABELS=STATUS_LABELS,
        amount_range=formatting.amount_range,
        count_label=formatting.count_label,
        is_finished=lambda doc: doc.is_finished(today()),
    )
