"""Compiled programs against a real `dspy.LM` over HTTP (the loopback `ChatServer`), both DSPy engines.

This is the path users run in production: DSPy's adapter formats the prompt, the LM sends it
over HTTP, the answer comes back through the adapter's parser, and our engine validates it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import dspy
import pytest
from http_helpers import ENGINES, Gate, aclose_lm, make_lm
from pydantic import BaseModel, field_validator

from dspyer_lab import AgentTranspiler, Graph, StatefulNode
from dspyer_lab.testing import ChatServer, chat_adapter_responder


class Question(BaseModel):
    question: str


class Draft(BaseModel):
    draft: str


class Final(BaseModel):
    answer: str
    score: int

    @field_validator("score")
    @classmethod
    def at_most_ten(cls, v: int) -> int:
        if v > 10:
            raise ValueError("score must be at most 10")
        return v


def chain() -> Any:
    g = Graph()
    g.add_node(StatefulNode("draft", Question, Draft))
    g.add_node("tidy", lambda state: {"draft": state["draft"].strip()})
    g.add_node(StatefulNode("final", Draft, Final))
    g.add_edge("draft", "tidy").add_edge("tidy", "final").set_entry_point("draft")
    return AgentTranspiler.compile(g, output_model=Final)


def score_first_too_high(request: dict[str, Any]) -> str:
    """Answers every prompt like the default responder, but the first `final` answer breaks the validator."""
    text = chat_adapter_responder(request)
    prompt = str(request["messages"])
    if "[[ ## score ## ]]" in text and "validation_feedback" not in prompt:
        text = text.replace("[[ ## score ## ]]\n1", "[[ ## score ## ]]\n99")
    return text


@pytest.mark.parametrize("engine", ENGINES)
async def test_program_runs_over_http_and_self_corrects(engine: str) -> None:
    with ChatServer(responder=score_first_too_high) as server:
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                events = [e async for e in chain().astream(question="Why is the sky blue?")]
        finally:
            await aclose_lm(lm)
        retry_prompt = str(server.requests[-1]["messages"])
    kinds = [e["event"] for e in events]
    assert kinds.count("node_start") == 3 and kinds[-1] == "finished"
    [failure] = [e for e in events if e["event"] == "validation_error"]
    assert failure["node"] == "final" and failure["failed_fields"] == ["score"]
    assert "99" in failure["raw_output"]
    assert "score must be at most 10" in retry_prompt  # the validator's message went back over the wire
    assert events[-1]["output"]["score"] == 1
    assert len(server.requests) == 3  # draft, final (rejected), final (corrected)


@pytest.mark.parametrize("engine", ENGINES)
def test_sync_call_over_http(engine: str) -> None:
    with ChatServer() as server:
        lm = make_lm(server, engine)
        with dspy.context(lm=lm):
            result = chain()(question="Why is the sky blue?")
    assert isinstance(result, Final) and result.score == 1
    assert result.answer.startswith("answer ")


async def test_concurrent_runs_overlap_their_model_calls() -> None:
    n = 48
    with ChatServer(responder=Gate(n)) as server:
        lm = make_lm(server, "auto")
        program = chain()
        try:
            with dspy.context(lm=lm):
                results = await asyncio.gather(*(program.aforward(question=f"question {i}") for i in range(n)))
        finally:
            await aclose_lm(lm)
        assert server.max_in_flight >= n  # all first calls were waiting on the server together
    assert len({r.answer for r in results}) == n  # and each run kept its own state
