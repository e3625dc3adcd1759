"""The event contract: shape of every event, gapless seq, JSON, exact patches, routes,
state reconstruction, and astream's error / break / cancel behaviour."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from datetime import date
from typing import Any, Literal

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import END, EVENT_KINDS, AgentTranspiler, Graph, ScriptedLM, StatefulNode

from core_helpers import (
    Answer,
    LMCallTracker,
    Question,
    Scored,
    Summary,
    by_kind,
    chain_graph,
    collect,
    echo_script,
    replay_state,
    settle,
)

EXTRA_KEYS = {  # every event of a node instance names it (`task`; sequential runs have one task per superstep)
    "run_start": {"inputs"},
    "node_start": {"node", "kind", "step", "inputs", "task"},
    "token": {"node", "attempt", "field", "chunk", "task"},
    "lm_call": {"node", "attempt", "model", "messages", "completion", "usage", "cost", "duration", "cached", "task"},
    "validation_error": {
        "node", "attempt", "max_attempts", "error", "failed_fields", "raw_output", "feedback", "will_retry", "task",
    },
    "node_end": {"node", "patch", "duration", "attempts", "task"},
    "route": {"source", "decision", "target", "task"},
    "finished": {"output", "state", "steps", "duration"},
    "error": {"node", "router", "error", "error_type", "traceback", "state"},
}


class Source(BaseModel):
    url: str
    published: date


class Cited(BaseModel):
    answer: str
    source: Source


class Verdict(BaseModel):
    route: Literal["done", "again"]


def _rich_program() -> Any:
    """Python node writing a pydantic model into the state, an LLM node with a nested model output,
    a node that self-corrects once, an LLM router: every event kind except `error`."""

    def fetch(state: dict[str, Any]) -> dict[str, Any]:
        return {"doc": Source(url="https://example.org/a?b=<c>", published=date(2024, 5, 1)), "query": state["topic"]}

    g = Graph()
    g.add_node("fetch", fetch)
    g.add_node(StatefulNode("cite", Question, Cited))
    g.add_node(StatefulNode("rate", Answer, Scored))
    g.add_edge("fetch", "cite")
    g.add_edge("cite", "rate")
    g.add_conditional_edges("rate", StatefulNode("judge", Scored, Verdict), {"done": END, "again": "cite"})
    g.set_entry_point("fetch")
    return AgentTranspiler.compile(g)


def _rich_lm() -> ScriptedLM:
    return ScriptedLM(
        {
            "cite": {"answer": "42", "source": {"url": "https://example.org/x", "published": "2024-01-02"}},
            "rate": [{"answer": "42", "score": 99}, {"answer": "42", "score": 7}],
            "judge": {"route": "done"},
        }
    )


async def _rich_events() -> list[dict[str, Any]]:
    with dspy.context(lm=_rich_lm()):
        events, error = await collect(
            _rich_program().astream(topic="life", started=date(2024, 1, 1), _stream_tokens=True)
        )
    assert error is None
    return events


async def test_every_event_has_envelope_contract_keys_and_gapless_seq() -> None:
    events = await _rich_events()
    kinds = [e["event"] for e in events]
    assert set(kinds) == set(EVENT_KINDS) - {"error", "paused", "update", "merge", "answer"}  # merge: tests/test_parallel.py; answer: tests/test_interrupt.py
    assert kinds[0] == "run_start" and kinds[-1] == "finished"
    run_ids = {e["run_id"] for e in events}
    assert len(run_ids) == 1 and all(isinstance(r, str) and r for r in run_ids)
    assert [e["seq"] for e in events] == list(range(len(events)))
    timestamps = [e["ts"] for e in events]
    assert all(isinstance(t, float) for t in timestamps) and timestamps == sorted(timestamps)
    for event in events:
        assert set(event) == {"event", "run_id", "seq", "ts"} | EXTRA_KEYS[event["event"]], event["event"]


async def test_every_event_is_json_serializable_including_model_values() -> None:
    events = await _rich_events()
    for event in events:
        assert json.loads(json.dumps(event)) == event  # plain JSON types, nothing lost in a round trip
    finished = by_kind(events, "finished")[0]
    assert finished["state"]["doc"] == {"url": "https://example.org/a?b=<c>", "published": "2024-05-01"}
    assert finished["state"]["source"] == {"url": "https://example.org/x", "published": "2024-01-02"}
    assert finished["state"]["started"] == "2024-01-01"


async def test_node_end_patch_is_exactly_the_nodes_fields() -> None:
    events = await _rich_events()
    patches = {e["node"]: e["patch"] for e in by_kind(events, "node_end")}
    assert set(patches["fetch"]) == {"doc", "query"}
    assert patches["cite"] == {"answer": "42", "source": {"url": "https://example.org/x", "published": "2024-01-02"}}
    assert patches["rate"] == {"answer": "42", "score": 7}  # the corrected answer, not the rejected one
    assert patches["judge"] == {"route": "done"}
    assert [e["attempts"] for e in by_kind(events, "node_end")] == [1, 1, 2, 1]


async def test_route_events_for_static_and_conditional_edges() -> None:
    events = await _rich_events()
    routes = [(e["source"], e["decision"], e["target"]) for e in by_kind(events, "route")]
    assert routes == [("fetch", None, "cite"), ("cite", None, "rate"), ("rate", None, "judge"), ("judge", "done", END)]
    # each route follows its node's node_end
    for i, event in enumerate(events):
        if event["event"] == "route":
            assert events[i - 1]["event"] == "node_end" and events[i - 1]["node"] == event["source"]


async def test_node_start_kinds_steps_and_inputs() -> None:
    events = await _rich_events()
    starts = [(e["node"], e["kind"], e["step"]) for e in by_kind(events, "node_start")]
    assert starts == [("fetch", "python", 1), ("cite", "llm", 2), ("rate", "llm", 3), ("judge", "router", 4)]
    cite_start = by_kind(events, "node_start")[1]
    assert cite_start["inputs"] == {"query": "life"}  # an LLM node's inputs: its input_model fields


async def test_finished_has_output_and_state_and_replay_rebuilds_it() -> None:
    events = await _rich_events()
    finished = by_kind(events, "finished")[0]
    assert finished["steps"] == 4
    assert finished["output"] == finished["state"]  # no output_model: the final state
    assert replay_state(events) == finished["state"]
    assert events[0]["inputs"] == {"topic": "life", "started": "2024-01-01"}


async def test_replay_rebuilds_state_with_output_model_and_loop() -> None:
    program = AgentTranspiler.compile(chain_graph(), output_model=Summary)
    with dspy.context(lm=ScriptedLM(echo_script())):
        events, _ = await collect(program.astream(query="q"))
    finished = by_kind(events, "finished")[0]
    assert finished["output"] == {"summary": "S(A(q))"}
    assert replay_state(events) == finished["state"] == {"query": "q", "answer": "A(q)", "summary": "S(A(q))"}


# -- errors ----------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def _failing_program(exc: BaseException) -> Any:
    def explode(state: dict[str, Any]) -> None:
        raise exc

    g = Graph()
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node("explode", explode)
    g.add_edge("answer", "explode")
    g.set_entry_point("answer")
    return AgentTranspiler.compile(g)


async def test_astream_yields_error_then_reraises_the_original_exception() -> None:
    original = Boom("disk full")
    received: list[dict[str, Any]] = []
    with dspy.context(lm=ScriptedLM(echo_script())):
        with pytest.raises(Boom) as info:
            async for event in _failing_program(original).astream(query="q"):
                received.append(event)
    assert info.value is original
    error = received[-1]
    assert error["event"] == "error" and error["node"] == "explode"
    assert error["error"] == "disk full" and error["error_type"] == "Boom"
    assert "disk full" in error["traceback"] and "explode" in error["traceback"]
    assert error["state"] == {"query": "q", "answer": "A(q)"}
    assert [e["seq"] for e in received] == list(range(len(received)))
    json.dumps(error)


async def test_aforward_raises_the_original_exception() -> None:
    original = Boom("disk full")
    with dspy.context(lm=ScriptedLM(echo_script())):
        with pytest.raises(Boom) as info:
            await _failing_program(original).aforward(query="q")
    assert info.value is original


# -- breaking out and cancelling -------------------------------------------------------


@pytest.fixture
async def loop_problems(caplog: pytest.LogCaptureFixture):
    """Everything the loop would report as lost: exception-handler calls and asyncio log records."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    caplog.set_level(logging.ERROR, logger="asyncio")
    yield reported
    gc.collect()  # finalizers of abandoned generators / tasks run now, while the handler listens
    loop.set_exception_handler(previous)
    assert reported == []
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []


@pytest.mark.parametrize("stop_at", ["run_start", "node_start", "node_end", "route"])
async def test_breaking_out_of_astream_leaves_no_tasks(stop_at: str, loop_problems: list[Any]) -> None:
    lm = ScriptedLM(echo_script())
    program = AgentTranspiler.compile(chain_graph())
    with dspy.context(lm=lm):
        async with contextlib.aclosing(program.astream(query="q")) as stream:
            async for event in stream:
                if event["event"] == stop_at:
                    break
        assert await settle() == set()
        # a plain `break` without aclosing: Python closes the generator through the loop
        async for event in program.astream(query="q"):
            if event["event"] == stop_at:
                break
        assert await settle() == set()
    # the work stops where the consumer stopped: no model call after the break
    calls_per_run = {"run_start": 0, "node_start": 0, "node_end": 1, "route": 1}[stop_at]
    assert len(lm.calls) == 2 * calls_per_run


async def test_cancelling_astream_consumer_stops_the_model_call(loop_problems: list[Any]) -> None:
    lm = ScriptedLM(echo_script(), latency=30.0)  # far longer than the test: only a cancel ends it
    tracker = LMCallTracker()
    received: list[dict[str, Any]] = []

    async def consume() -> None:
        async for event in AgentTranspiler.compile(chain_graph()).astream(query="q"):
            received.append(event)

    with dspy.context(lm=lm, callbacks=[tracker]):
        task = asyncio.create_task(consume())
        await asyncio.wait_for(tracker.started.wait(), timeout=10)
    assert tracker.in_flight == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lm.calls == []  # no answer was produced ...
    assert tracker.in_flight == 0 and isinstance(tracker.ended[-1], asyncio.CancelledError)  # ... the call ended
    assert await settle() == set()
    assert [e["event"] for e in received] == ["run_start", "node_start"]  # nothing more after the cancel
