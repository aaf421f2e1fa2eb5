"""A fake Elasticsearch node at the HTTP boundary: the real client, scripted responses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node._base import NodeApiResponse
from elasticsearch import Elasticsearch

Reply = tuple[int, Any]
Handler = Callable[[str, str, Any], Reply]


class FakeCluster:
    """Routes ``(method, path regex)`` to handlers; records every request."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[tuple[str, str, Any]] = []
        self.failure: BaseException | None = None

    def on(self, method: str, pattern: str, handler: Handler | Reply) -> None:
        fn = handler if callable(handler) else (lambda m, p, b, r=handler: r)
        self.routes.insert(0, (method, re.compile(pattern), fn))

    def handle(self, method: str, target: str, body: Any) -> Reply:
        self.requests.append((method, target, body))
        if self.failure is not None:
            raise self.failure
        path = target.split("?", 1)[0]
        for m, pattern, fn in self.routes:
            if m == method and pattern.search(path):
                return fn(method, target, body)
        return 200, {"acknowledged": True}

    def paths(self, method: str | None = None) -> list[str]:
        return [t.split("?", 1)[0] for m, t, _ in self.requests if method in (None, m)]

    def client(self) -> Elasticsearch:
        cluster = self

        class Node(BaseNode):
            _CLIENT_META_HTTP_CLIENT = ("fake", "1")

            def perform_request(self, method: str, target: str, body: bytes | None = None,
                                headers: HttpHeaders | None = None, request_timeout: Any = None) -> NodeApiResponse:
                parsed: Any = None
                if body:
                    text = body.decode()
                    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
                    parsed = lines if target.split("?")[0].endswith("_bulk") else lines[0]
                status, reply = cluster.handle(method, target, parsed)
                meta = ApiResponseMeta(
                    status=status, http_version="1.1", duration=0.0, node=self.config,
                    headers=HttpHeaders({"x-elastic-product": "Elasticsearch", "content-type": "application/json"}),
                )
                return NodeApiResponse(meta, json.dumps(reply).encode())

        return Elasticsearch("http://fake:9200", node_class=Node, max_retries=0)


def bulk_reply(body: list[dict[str, Any]], fail_ids: frozenset[str] = frozenset()) -> Reply:
    """A ``_bulk`` answer: every action succeeds except those on ``fail_ids``."""
    items = []
    for line in body:
        op = next(iter(line))
        if len(line) != 1 or op not in ("index", "create", "delete", "update"):
            continue
        doc_id = line[op].get("_id")
        if doc_id in fail_ids:
            items.append({op: {"_id": doc_id, "status": 400,
                               "error": {"type": "document_parsing_exception", "reason": "bad field"}}})
        else:
            items.append({op: {"_id": doc_id, "status": 201}})
    return 200, {"errors": any(i[next(iter(i))]["status"] >= 300 for i in items), "items": items}


