"""The core's promises over real HTTP (a real `dspy.LM` against the loopback `ChatServer`, both
DSPy engines): a model that answers in JSON is understood at once, and a slow sync router of
one request never stalls the others."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from typing import Any

import dspy
import pytest
from http_helpers import ENGINES, aclose_lm, make_lm
from pydantic import BaseModel

from dspyer_lab import END, AgentTranspiler, Graph, StatefulNode
from dspyer_lab.testing import ChatServer, chat_adapter_responder


class Question(BaseModel):
    question: str


class Rated(BaseModel):
    answer: str
    score: int


_BLOCK = re.compile(r"\[\[ ## (\w+) ## \]\]\n(.*?)(?=\n\n\[\[ ## |\Z)", re.S)


def answers_in_json(request: dict[str, Any]) -> str:
    """A model that answers every prompt with a JSON object, whatever format it was asked for."""
    text = chat_adapter_responder(request)
    if text.lstrip().startswith("{"):
        return text
    fields = {name: value.strip() for name, value in _BLOCK.findall(text) if name != "completed"}
    return json.dumps(fields)


def rated_program() -> Any:
    g = Graph().add_node(StatefulNode("rate", Question, Rated)).set_entry_point("rate")
    return AgentTranspiler.compile(g, output_model=Rated)


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_model_answering_in_json_succeeds_with_one_call(engine: str) -> None:
    with ChatServer(responder=answers_in_json) as server:
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                events = [e async for e in rated_program().astream(question="Why is the sky blue?")]
        finally:
            await aclose_lm(lm)
        assert server.request_count == 1
        assert "[[ ## answer ## ]]" in str(server.requests[0]["messages"])  # asked in the chat format
    assert [e["event"] for e in events if e["event"] == "validation_error"] == []
    assert events[-1]["event"] == "finished" and events[-1]["output"]["score"] == 1


@pytest.mark.parametrize("engine", ENGINES)
async def test_four_requests_with_a_blocking_sync_router_overlap(engine: str) -> None:
    """The server case: each run's sync router blocks until all four routers are inside at once."""
    routers_inside = threading.Barrier(4, timeout=30)

    def slow_router(state: dict[str, Any]) -> str:
        routers_inside.wait()  # on the event loop this would block it: the other runs could never arrive
        return "done"

    g = Graph().add_node(StatefulNode("rate", Question, Rated))
    g.add_conditional_edges("rate", slow_router, {"done": END})
    program = AgentTranspiler.compile(g.set_entry_point("rate"), output_model=Rated)
    with ChatServer() as server:
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                results = await asyncio.gather(*(program.aforward(question=f"q{i}") for i in range(4)))
        finally:
            await aclose_lm(lm)
    assert len({r.answer for r in results}) == 4
