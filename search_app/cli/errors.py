"""One way for commands to report user errors: a Russian message, no traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from ingest.clock import ClockError
from search_app.backends.base import BackendError
from search_app.query import QueryError

EXIT_USAGE = 2
EXIT_BACKEND = 3
EXIT_DATABASE = 4  # schema older than the code, or the database unreachable


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except (QueryError, ClockError) as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except BackendError as exc:
        click.echo(f"Поисковый движок недоступен: {exc}", err=True)
        raise SystemExit(EXIT_BACKEND) from None
