"""`lm_call` and `token` events over real HTTP: a real `dspy.LM` (both DSPy engines) against the
loopback `ChatServer`. What the events say is checked against what the server received and sent."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import dspy
import pytest
from core_helpers import by_kind, collect
from http_helpers import ENGINES, Gate, aclose_lm, make_lm
from test_http_program import Draft, Final, Question  # the same contracts as the HTTP program tests

from dspyer_lab import AgentTranspiler, Graph, StatefulNode
from dspyer_lab.testing import ChatServer, chat_adapter_responder


def chain() -> Any:
    g = Graph()
    g.add_node(StatefulNode("draft", Question, Draft))
    g.add_node(StatefulNode("final", Draft, Final))
    g.add_edge("draft", "final").set_entry_point("draft")
    return AgentTranspiler.compile(g, output_model=Final)


def words(text: str) -> int:
    return len(text.split())  # ChatServer's stand-in for tokens


def check_call(call: dict[str, Any], request: dict[str, Any], responder: Any = chat_adapter_responder) -> None:
    """An lm_call says exactly what the server received and answered."""
    assert call["messages"] == [{"role": m["role"], "content": m["content"]} for m in request["messages"]]
    assert call["completion"] == responder(request)  # the server's answer, byte for byte
    prompt, completion = sum(words(m["content"]) for m in request["messages"]), words(call["completion"])
    assert call["usage"] == {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    assert call["model"] == "openai/test-model" and call["cached"] is False
    assert call["cost"] is None or isinstance(call["cost"], float)
    assert isinstance(call["duration"], float) and call["duration"] > 0


@pytest.mark.parametrize("engine", ENGINES)
async def test_200_concurrent_runs_each_call_lands_in_its_own_run_and_node(engine: str) -> None:
    n = 200
    with ChatServer(responder=Gate(50)) as server:  # 50 calls must be in flight at once before any is answered
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                runs = await asyncio.gather(*(collect(chain().astream(question=f"question {i}")) for i in range(n)))
        finally:
            await aclose_lm(lm)
        assert server.max_in_flight >= 50 and server.request_count == 2 * n
        requests = {(r["messages"][-1]["content"]): r for r in server.requests}
    assert len(requests) == 2 * n  # every prompt differs (each run has its own question, then its own draft)
    for i, (events, error) in enumerate(runs):
        assert error is None
        run_id = events[0]["run_id"]
        calls = by_kind(events, "lm_call")
        assert [(c["node"], c["attempt"], c["run_id"]) for c in calls] == [("draft", 1, run_id), ("final", 1, run_id)]
        draft_call, final_call = calls
        assert f"question {i}" in draft_call["messages"][-1]["content"]
        draft = by_kind(events, "node_end")[0]["patch"]["draft"]
        assert f"[[ ## draft ## ]]\n{draft}" in draft_call["completion"]  # the answer this run was given
        assert draft in final_call["messages"][-1]["content"]  # and what its next node sent on
        for call in calls:
            check_call(call, requests[call["messages"][-1]["content"]])


def score_first_too_high(request: dict[str, Any]) -> str:
    text = chat_adapter_responder(request)
    if "validation_feedback" not in str(request["messages"]):
        text = text.replace("[[ ## score ## ]]\n1", "[[ ## score ## ]]\n99")
    return text


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_rejected_attempts_lm_call_precedes_its_validation_error_with_the_models_text(engine: str) -> None:
    with ChatServer(responder=score_first_too_high) as server:
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                events, error = await collect(chain().astream(question="q"))
        finally:
            await aclose_lm(lm)
        first, second, third = server.requests
    assert error is None
    final = [e for e in events if e.get("node") == "final"]
    assert [(e["event"], e.get("attempt")) for e in final] == [
        ("node_start", None), ("lm_call", 1), ("validation_error", 1), ("lm_call", 2), ("node_end", None)
    ]
    rejected, accepted = final[1], final[3]
    assert "[[ ## score ## ]]\n99" in rejected["completion"]
    check_call(rejected, second, score_first_too_high)
    check_call(accepted, third, score_first_too_high)
    assert "validation_feedback" in accepted["messages"][-1]["content"]


@pytest.mark.parametrize("engine", ENGINES)
async def test_tokens_stream_over_http_and_join_to_the_parsed_fields(engine: str) -> None:
    with ChatServer(latency=0.05) as server:
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                events, error = await collect(chain().astream(question="why?", _stream_tokens=True))
        finally:
            await aclose_lm(lm)
        assert [r.get("stream") for r in server.requests] == [True, True]
    assert error is None
    tokens = by_kind(events, "token")
    patches = {e["node"]: e["patch"] for e in by_kind(events, "node_end")}
    for node, field in (("draft", "draft"), ("final", "answer"), ("final", "score")):
        chunks = [t["chunk"] for t in tokens if (t["node"], t["field"]) == (node, field)]
        assert "".join(chunks) == str(patches[node][field])
    assert len([t for t in tokens if t["field"] == "draft"]) == 2  # "draft <tag>": word by word
    calls = by_kind(events, "lm_call")
    assert [c["node"] for c in calls] == ["draft", "final"]
    assert all(c["usage"] is not None and c["usage"]["completion_tokens"] > 0 for c in calls)
    kinds = [(e["event"], e.get("node")) for e in events]
    assert kinds.index(("token", "final")) > kinds.index(("lm_call", "draft"))
    assert max(i for i, k in enumerate(kinds) if k == ("token", "final")) < kinds.index(("lm_call", "final"))


async def test_a_cached_answer_is_marked_cached_and_not_billed_again() -> None:
    question = f"cache me {uuid.uuid4().hex}"  # DSPy's cache is on disk: a fresh question is a miss
    with ChatServer() as server:
        lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key="test", cache=True, num_retries=0)
        try:
            with dspy.context(lm=lm), dspy.track_usage() as usage:
                runs = [await collect(chain().astream(question=question, _stream_tokens=s)) for s in (False, True)]
        finally:
            await aclose_lm(lm)
        assert server.request_count == 2  # the second run's calls came from the cache
    (first, _), (second, _) = runs
    assert [c["cached"] for c in by_kind(first, "lm_call")] == [False, False]
    assert [(c["cached"], c["usage"]) for c in by_kind(second, "lm_call")] == [(True, None), (True, None)]
    assert not by_kind(second, "token")  # nothing was streamed: the answers were in the cache
    assert [c["completion"] for c in by_kind(second, "lm_call")] == [c["completion"] for c in by_kind(first, "lm_call")]
    assert len(usage.usage_data["openai/test-model"]) == 2  # the user's tracker counts the billed calls only


@pytest.mark.parametrize("engine", ENGINES)
async def test_lm_calls_false_over_http_makes_the_same_requests_and_no_lm_call(engine: str) -> None:
    with ChatServer() as server:
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                events, error = await collect(chain().astream(question="q", _lm_calls=False))
        finally:
            await aclose_lm(lm)
        assert server.request_count == 2
    assert error is None and not by_kind(events, "lm_call")
