"""``munnav serve``: the web app under waitress, a production WSGI server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask


def register(group: click.Group) -> None:
    group.add_command(serve_cmd)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Адрес, на котором слушать.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Порт.")
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Число потоков обработки запросов.")
def serve_cmd(host: str, port: int, workers: int) -> None:
    """Запустить веб-приложение и API."""
    from waitress import serve

    from search_app.web import create_app

    app = create_app()
    _warm_up(app)
    click.echo(f"Муниципальный навигатор: http://{host}:{port}/ (потоков: {workers})")
    serve(app, host=host, port=port, threads=workers, ident="munnav")


def _warm_up(app: Flask) -> None:
    """Open the engine and build the spelling vocabulary before the first request."""
    from search_app.backends.base import BackendError
    from search_app.web.engine_ext import get_engine

    with app.app_context():
        try:
            get_engine().vocabulary()
        except BackendError as exc:
            click.echo(f"Внимание: поисковый движок недоступен ({exc}); страницы покажут ошибку 503.", err=True)
