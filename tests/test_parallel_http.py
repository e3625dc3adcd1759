"""Parallel branches over real HTTP (issue 21): `dspy.LM` (both DSPy engines) against the loopback `ChatServer`.

Overlap is the server's own count of requests in flight; a `Gate` answers nothing until that many are there,
so a client that serialized the branches would fail, never pass by luck. Nothing waits on a clock.
"""

from __future__ import annotations

import asyncio
import operator
import threading
from typing import Annotated, Any

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, Graph, Send, StatefulNode
from dspyer_lab.testing import ChatServer, chat_adapter_responder, output_fields

from core_helpers import Question, Scored, Summary, by_kind, collect, other_tasks
from http_helpers import ENGINES, Gate, aclose_lm, make_lm


class WebNotes(BaseModel):
    web: str


class DocNotes(BaseModel):
    docs: str


class Found(BaseModel):
    web: str
    docs: str


class Doc(BaseModel):
    doc: str


class Notes(BaseModel):
    notes: Annotated[list[str], operator.add]


def research() -> Any:
    """start -> (web, docs: LLM nodes at once) -> a join into write (an LLM node reading both)."""
    g = Graph().add_node("start", lambda state: None, inline=True)
    g.add_node(StatefulNode("web", Question, WebNotes)).add_node(StatefulNode("docs", Question, DocNotes))
    g.add_node(StatefulNode("write", Found, Summary))
    g.add_edge("start", "web").add_edge("start", "docs").add_edge(["web", "docs"], "write")
    return AgentTranspiler.compile(g.set_entry_point("start"), Summary)


def node_of(request: dict[str, Any]) -> str:
    """Which node a request is for, by the output fields it asks for."""
    fields = output_fields(request)
    return next(name for name in ("web", "docs", "summary", "score", "notes") if name in fields)


async def run_against(server: ChatServer, engine: str, stream: Any) -> tuple[list[dict[str, Any]], BaseException | None]:
    lm = make_lm(server, engine)
    try:
        with dspy.context(lm=lm):
            return await collect(stream())
    finally:
        await aclose_lm(lm)


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_fan_out_of_llm_nodes_joined_into_one(engine: str) -> None:
    with ChatServer(responder=Gate(2)) as server:  # no answer until both branches' calls are in flight together
        events, error = await run_against(server, engine, lambda: research().astream(query="parallel agents"))
        assert server.max_in_flight == 2 and server.request_count == 3
        requests = server.requests
    assert error is None
    ends = {e["node"]: e for e in by_kind(events, "node_end")}
    calls = {c["node"]: c for c in by_kind(events, "lm_call")}
    assert {n: (c["task"], ends[n]["task"]) for n, c in calls.items()} == {
        "web": ("2.0", "2.0"), "docs": ("2.1", "2.1"), "write": ("3.0", "3.0")  # each call in its own branch's events
    }
    for name, call in calls.items():  # and it is that branch's request, with that branch's answer
        (request,) = [r for r in requests if node_of(r) == {"write": "summary"}.get(name, name)]
        assert call["completion"] == chat_adapter_responder(request)
    write_prompt = calls["write"]["messages"][-1]["content"]
    assert ends["web"]["patch"]["web"] in write_prompt and ends["docs"]["patch"]["docs"] in write_prompt  # after both
    assert events[-1]["output"] == ends["write"]["patch"]
    assert events[-1]["state"]["web"] == ends["web"]["patch"]["web"] and events[-1]["steps"] == 3


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_branch_whose_answer_breaks_its_contract_retries_alone(engine: str) -> None:
    def first_score_too_high(request: dict[str, Any]) -> str:
        text = chat_adapter_responder(request)
        if node_of(request) == "score" and "validation_feedback" not in str(request["messages"]):
            text = text.replace("[[ ## score ## ]]\n1", "[[ ## score ## ]]\n99")
        return text

    gate = Gate(2)

    async def responder(request: dict[str, Any]) -> str:
        await gate(request)  # the first two (one per branch) must be in flight together
        return first_score_too_high(request)

    g = Graph().add_node("start", lambda state: None, inline=True)
    g.add_node(StatefulNode("rate", Question, Scored)).add_node(StatefulNode("docs", Question, DocNotes))
    g.add_edge("start", "rate").add_edge("start", "docs")
    program = AgentTranspiler.compile(g.set_entry_point("start"))
    with ChatServer(responder=responder) as server:
        events, error = await run_against(server, engine, lambda: program.astream(query="q"))
        assert server.max_in_flight == 2
        asked = [node_of(r) for r in server.requests]
    assert error is None
    assert sorted(asked) == ["docs", "score", "score"]  # the sibling was asked once
    (rejected,) = by_kind(events, "validation_error")
    assert (rejected["node"], rejected["task"], rejected["will_retry"]) == ("rate", "2.0", True)
    assert [(c["node"], c["attempt"], c["task"]) for c in by_kind(events, "lm_call") if c["node"] == "rate"] == [
        ("rate", 1, "2.0"), ("rate", 2, "2.0")
    ]
    assert {e["node"]: e["attempts"] for e in by_kind(events, "node_end")} == {"start": 1, "rate": 2, "docs": 1}
    assert events[-1]["state"]["score"] == 1


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_send_map_keeps_within_max_concurrency_over_http(engine: str) -> None:
    docs = [f"document number {i}" for i in range(7)]
    g = Graph().add_node("fetch", lambda state: None, inline=True).add_node(StatefulNode("summarize", Doc, Notes))
    g.add_conditional_edges("fetch", lambda state: [Send("summarize", {"doc": d}) for d in state["docs"]], ["summarize"])
    program = AgentTranspiler.compile(g.set_entry_point("fetch"), Notes, max_concurrency=3)
    with ChatServer(responder=Gate(3)) as server:  # 3 in flight before any answer: the cap is reached, never passed
        events, error = await run_against(server, engine, lambda: program.astream(docs=docs))
        assert server.max_in_flight == 3 and server.request_count == 7
    assert error is None
    calls = by_kind(events, "lm_call")
    assert sorted(c["index"] for c in calls) == list(range(7))
    starts = {e["task"]: e for e in by_kind(events, "node_start") if e["node"] == "summarize"}
    for call in calls:  # each call is its own instance's: it sent that instance's document
        assert starts[call["task"]]["index"] == call["index"]
        assert docs[call["index"]] in call["messages"][-1]["content"]
    ends = sorted((e for e in by_kind(events, "node_end") if e["node"] == "summarize"), key=lambda e: e["index"])
    assert events[-1]["state"]["notes"] == [note for e in ends for note in e["patch"]["notes"]]  # in the Sends' order


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_failing_branch_cancels_its_siblings_with_no_request_after_the_cancel(engine: str) -> None:
    arrived, release = threading.Event(), threading.Event()

    async def hold(request: dict[str, Any]) -> str:
        arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 60)  # the server's loop stays free
        return chat_adapter_responder(request).replace("[[ ## score ## ]]\n1", "[[ ## score ## ]]\n99")  # rejected

    async def boom(state: dict[str, Any]) -> None:
        await asyncio.to_thread(arrived.wait, 60)  # once the sibling's request is at the server
        raise ValueError("the search index is down")

    g = Graph().add_node("start", lambda state: None, inline=True)
    g.add_node(StatefulNode("rate", Question, Scored)).add_node("boom", boom)
    g.add_edge("start", "rate").add_edge("start", "boom")
    program = AgentTranspiler.compile(g.set_entry_point("start"))
    with ChatServer(responder=hold) as server:
        try:
            events, error = await run_against(server, engine, lambda: program.astream(query="q"))
            assert other_tasks() == set()  # the sibling's task was cancelled and awaited: nothing left to send a request
        finally:
            release.set()  # the held answer (one that would have made the sibling retry) goes to a closed client
        assert server.request_count == 1
    assert isinstance(error, ValueError)
    assert (events[-1]["event"], events[-1]["node"], events[-1]["task"]) == ("error", "boom", "2.1")
    assert not [e for e in events if e["event"] in ("lm_call", "validation_error", "node_end") and e["node"] == "rate"]
