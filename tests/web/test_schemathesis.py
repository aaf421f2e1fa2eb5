"""Schemathesis against ``/api/v1/openapi.json`` of the app on a loopback port (issue 16, item 10).

A bounded run (``MAX_EXAMPLES`` per operation, no shrinking past the first failure) so
that the API contract stays checked by ``make test`` in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from search_app.analysis.analyzer import get_analyzer
from search_app.analysis.query_parser import parse_query
from search_app.query import QueryError
from tests.browser.conftest import LiveServer
from tests.web.conftest import TODAY, build_data_dir

MAX_EXAMPLES = 60


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUNNAV_TODAY", TODAY)
        mp.delenv("ELASTICSEARCH_URL", raising=False)
        with LiveServer(build_data_dir(tmp_path_factory.mktemp("schemathesis-data"))) as server:
            yield server


def consistent(case: schemathesis.Case) -> bool:
    """Relations between parameters that OpenAPI cannot state; the server answers 400 to the rest."""
    query = case.query or {}
    for low, high in (("year_from", "year_to"), ("amount_from", "amount_to")):
        if low in query and high in query and float(query[low]) > float(query[high]):
            return False
    text = query.get("q")
    if isinstance(text, str) and text.strip():
        try:  # a text with no word to search («¢», «-а»): the server's 400 is right
            parse_query(text, get_analyzer())
        except QueryError:
            return False
    return True


def test_api_keeps_its_openapi_contract(api_server: LiveServer) -> None:
    schema = schemathesis.openapi.from_url(f"{api_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/search", "/documents/{id}", "/suggest"}
    for operation in operations:

        @given(case=operation.as_strategy().filter(consistent))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()
