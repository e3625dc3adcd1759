"""The loopback chat server, driven by a real `dspy.LM` over HTTP (both DSPy engines).

DSPy 3.4's `dspy.LM(engine="auto")` sends an `openai/...` model with `api_base` through
its native lm15 HTTP client; `engine="litellm"` goes through LiteLLM. Both must work
against `ChatServer`, sync and async, and concurrent async calls must really overlap.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
from typing import Any, Literal

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no model-metadata fetch: tests stay offline

import dspy
import pydantic
import pytest
from http_helpers import ENGINES, Gate, aclose_lm, make_lm

from dspyer_lab.testing import ChatServer, chat_adapter_responder, output_fields


@pytest.fixture
def server():
    with ChatServer() as srv:
        yield srv


def post(server: ChatServer, path: str, body: bytes, method: str = "POST") -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def chat_body(text: str, **extra: Any) -> bytes:
    return json.dumps({"model": "m", "messages": [{"role": "user", "content": text}], **extra}).encode()


# --------------------------------------------------------------------------- HTTP surface


def test_chat_completion_is_openai_shaped(server: ChatServer) -> None:
    status, data = post(server, "/v1/chat/completions", chat_body("hello"))
    assert status == 200
    assert data["object"] == "chat.completion" and data["id"].startswith("chatcmpl-")
    assert isinstance(data["created"], int) and data["model"] == "m"
    message = {"role": "assistant", "content": "echo: hello"}
    assert data["choices"] == [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}]
    assert data["usage"]["total_tokens"] == data["usage"]["prompt_tokens"] + data["usage"]["completion_tokens"]
    assert server.request_count == 1 and server.requests[0]["messages"][0]["content"] == "hello"


def test_models_endpoint(server: ChatServer) -> None:
    status, data = post(server, "/v1/models", b"", method="GET")
    assert status == 200 and data["data"][0]["id"] == server.model


@pytest.mark.parametrize(
    ("path", "method", "body", "status"),
    [
        ("/v1/nope", "POST", b"{}", 404),
        ("/v1/chat/completions", "GET", b"", 405),
        ("/v1/chat/completions", "POST", b"{not json", 400),
        ("/v1/chat/completions", "POST", b'{"model": "m"}', 400),
        ("/v1/chat/completions", "POST", chat_body("x", stream=True, n=2), 400),
    ],
)
def test_errors_are_json(server: ChatServer, path: str, method: str, body: bytes, status: int) -> None:
    got, data = post(server, path, body, method=method)
    assert got == status and data["error"]["message"]
    assert server.request_count == 0


def test_responder_failure_is_a_500(server: ChatServer) -> None:
    def broken(request: dict[str, Any]) -> str:
        raise ValueError("boom")

    server.responder = broken
    status, data = post(server, "/v1/chat/completions", chat_body("x"))
    assert status == 500 and "boom" in data["error"]["message"]


def test_rate_limit_next_answers_429_with_retry_after(server: ChatServer) -> None:
    server.rate_limit_next(2, retry_after=1.5)
    replies = []
    for _ in range(3):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("POST", "/v1/chat/completions", body=chat_body("x"))
            resp = conn.getresponse()
            replies.append((resp.status, resp.getheader("Retry-After"), json.loads(resp.read())))
        finally:
            conn.close()
    assert [(status, after) for status, after, _ in replies] == [(429, "1.5"), (429, "1.5"), (200, None)]
    assert replies[0][2]["error"]["code"] == "rate_limit_exceeded"
    assert (server.rate_limited, server.request_count) == (2, 1)  # a rejected request is not served
    server.rate_limit_next(1, retry_after=None)
    status, data = post(server, "/v1/chat/completions", chat_body("x"))
    assert status == 429 and server.rate_limited == 3
    with pytest.raises(ValueError):
        server.rate_limit_next(-1)


def read_events(resp: http.client.HTTPResponse) -> list[Any]:
    """The server-sent events of a streamed answer: each ``data:`` payload, JSON-decoded ("[DONE]" as is)."""
    assert resp.status == 200 and resp.getheader("Content-Type") == "text/event-stream"
    blocks = resp.read().decode().split("\n\n")
    assert blocks[-1] == "" and all(b.startswith("data: ") for b in blocks[:-1])
    return [b[6:] if b == "data: [DONE]" else json.loads(b[6:]) for b in blocks[:-1]]


def test_stream_true_answers_openai_chunks_word_by_word_on_a_kept_alive_connection(server: ChatServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", "/v1/chat/completions", body=chat_body("hello there  world", stream=True))
        plain = read_events(conn.getresponse())
        options = {"include_usage": True}
        conn.request("POST", "/v1/chat/completions", body=chat_body("again", stream=True, stream_options=options))
        with_usage = read_events(conn.getresponse())
    finally:
        conn.close()
    assert server.connections == 1 and server.request_count == 2 and server.in_flight == 0
    assert plain[-1] == "[DONE]" and with_usage[-1] == "[DONE]"
    chunks = plain[:-1]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"} and len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    words = [c["choices"][0]["delta"]["content"] for c in chunks[1:-1]]
    assert words == ["echo:", " hello", " there", "  world"]  # joined: the whole answer, spacing kept
    assert chunks[-1]["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    assert not any("usage" in c for c in chunks)  # usage only when stream_options asks for it
    usage = with_usage[-2]
    assert usage["choices"] == [] and usage["usage"] == {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}


def test_keep_alive_reuses_one_connection(server: ChatServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for text in ("one", "two", "three"):
            conn.request("POST", "/v1/chat/completions", body=chat_body(text))
            assert json.loads(conn.getresponse().read())["choices"][0]["message"]["content"] == f"echo: {text}"
    finally:
        conn.close()
    assert server.request_count == 3 and server.connections == 1


def test_chunked_request_body(server: ChatServer) -> None:
    body = chat_body("chunked")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        head = (
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode() + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
        reply = b"".join(iter(lambda: sock.recv(65536), b""))
    assert reply.startswith(b"HTTP/1.1 200") and b"echo: chunked" in reply


def test_stop_closes_kept_alive_connections_and_releases_the_port() -> None:
    server = ChatServer().start()
    port = server.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/v1/chat/completions", body=chat_body("x"))
    assert conn.getresponse().read()
    server.stop()
    assert conn.sock is not None and conn.sock.recv(1) == b""  # the server closed the idle connection
    conn.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    server.stop()  # idempotent


def test_reset_stats_and_restart() -> None:
    server = ChatServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url
    with server:
        post(server, "/v1/chat/completions", chat_body("x"))
        server.reset_stats()
        assert (server.request_count, server.max_in_flight, server.connections, server.requests) == (0, 0, 0, [])
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
    with server:  # a stopped server starts again
        assert post(server, "/v1/chat/completions", chat_body("y"))[0] == 200


# --------------------------------------------------------------------------- default responder


class Address(pydantic.BaseModel):
    city: str
    zip_code: int
    parent: Address | None = None


class Profile(dspy.Signature):
    """Describe a person."""

    name: str = dspy.InputField()
    summary: str = dspy.OutputField()
    age: int = dspy.OutputField()
    height: float = dspy.OutputField()
    active: bool = dspy.OutputField()
    tier: Literal["gold", "silver"] = dspy.OutputField()
    tags: list[str] = dspy.OutputField()
    address: Address = dspy.OutputField()


def check_profile(pred: dspy.Prediction) -> None:
    assert isinstance(pred.summary, str) and pred.summary.startswith("summary ")
    assert pred.age == 1 and pred.height == 0.5 and pred.active is True and pred.tier == "gold"
    assert isinstance(pred.tags, list) and all(isinstance(t, str) for t in pred.tags)
    assert isinstance(pred.address, Address) and pred.address.zip_code == 1 and pred.address.parent is None


def test_output_fields_read_from_the_chat_adapter_prompt() -> None:
    messages = dspy.ChatAdapter().format(Profile, [], {"name": "Ada"})
    fields = output_fields({"messages": messages})
    assert list(fields) == ["summary", "age", "height", "active", "tier", "tags", "address"]
    assert fields["summary"] == "" and "int" in fields["age"] and "JSON schema" in fields["address"]


def test_responder_answers_json_schema_requests() -> None:
    schema = Address.model_json_schema()
    request = {
        "messages": [{"role": "user", "content": "where?"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "Address", "schema": schema}},
    }
    assert Address.model_validate_json(chat_adapter_responder(request)).zip_code == 1


def test_responder_is_deterministic_per_input() -> None:
    def ask(name: str) -> str:
        return chat_adapter_responder({"messages": dspy.ChatAdapter().format(Profile, [], {"name": name})})

    assert ask("Ada") == ask("Ada") != ask("Bob")


# --------------------------------------------------------------------------- real dspy.LM over HTTP


@pytest.mark.parametrize("engine", ENGINES)
def test_sync_lm_and_predict(server: ChatServer, engine: str) -> None:
    lm = make_lm(server, engine)
    try:
        assert lm("hi") == ["echo: hi"]
        pred = dspy.Predict("question -> answer")
        pred.set_lm(lm)
        first, again = pred(question="why?"), pred(question="why?")
        assert first.answer.startswith("answer ") and first.answer == again.answer
        assert server.request_count == 3  # cache=False: every call reached the server
    finally:
        lm.close()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("adapter", [dspy.ChatAdapter(use_json_adapter_fallback=False), dspy.JSONAdapter()])
def test_typed_predict_round_trip(server: ChatServer, engine: str, adapter: dspy.Adapter) -> None:
    lm = make_lm(server, engine)
    try:
        with dspy.context(lm=lm, adapter=adapter):
            check_profile(dspy.Predict(Profile)(name="Ada"))
    finally:
        lm.close()


@pytest.mark.parametrize("engine", ENGINES)
async def test_async_lm_and_predict(server: ChatServer, engine: str) -> None:
    lm = make_lm(server, engine)
    try:
        assert await lm.acall("hello") == ["echo: hello"]
        with dspy.context(lm=lm):
            check_profile(await dspy.Predict(Profile).acall(name="Ada"))
    finally:
        await aclose_lm(lm)


@pytest.mark.parametrize("engine", ENGINES)
async def test_64_concurrent_acalls_overlap(server: ChatServer, engine: str) -> None:
    n = 64
    server.responder = Gate(n)
    server.latency = 0.2
    lm = make_lm(server, engine)
    predict = dspy.Predict("question -> answer")
    predict.set_lm(lm)
    try:
        results = await asyncio.gather(*(predict.acall(question=f"q{i}") for i in range(n)))
    finally:
        await aclose_lm(lm)
    assert server.max_in_flight == n and server.request_count == n
    assert len({r.answer for r in results}) == n  # each run got the answer to its own question
