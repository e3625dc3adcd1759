"""Parallel branches (issue 21): fan-out, joins, Send maps, reducers, conflicts, failure and cancellation.

Overlap is shown by counting (model calls in flight, events of several tasks between a start and its end),
never by timing; merge order by making the branches finish in the reverse of the order they started.
"""

from __future__ import annotations

import asyncio
import operator
import random
import threading
from typing import Annotated, Any

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import (
    END,
    AgentTranspiler,
    BatchStats,
    Checkpoint,
    Graph,
    GraphDefinitionError,
    ParallelWriteError,
    RouteError,
    ScriptedLM,
    Send,
    StatefulNode,
)

from core_helpers import LMCallTracker, Question, by_kind, collect, settle
from http_helpers import ENGINES, Gate, aclose_lm, make_lm

from dspyer_lab.testing import ChatServer


class WebNotes(BaseModel):
    web: str


class DocNotes(BaseModel):
    docs: str


class Doc(BaseModel):
    doc: str


class Notes(BaseModel):
    notes: Annotated[list[str], operator.add]


def longest(current: str, new: str) -> str:
    """A custom reducer: keep the longer draft."""
    return new if len(new) > len(current) else current


class Draft(BaseModel):
    draft: Annotated[str, longest]


def research() -> Graph:
    """plan -> (web, docs) concurrently -> END."""
    g = Graph().add_node("plan", lambda state: None, inline=True)
    g.add_node(StatefulNode("web", Question, WebNotes)).add_node(StatefulNode("docs", Question, DocNotes))
    return g.add_edge("plan", "web").add_edge("plan", "docs").set_entry_point("plan")


def tasks_open(events: list[dict[str, Any]]) -> list[int]:
    """After each event: how many node instances have started and not ended."""
    open_, counts = set(), []
    for event in events:
        if event["event"] == "node_start":
            open_.add(event["task"])
        elif event["event"] == "node_end":
            open_.discard(event["task"])
        counts.append(len(open_))
    return counts


async def test_fan_out_runs_two_llm_nodes_at_once_and_merges_their_writes() -> None:
    tracker = LMCallTracker()
    script = {"web": {"web": "from the web"}, "docs": {"docs": "from the docs"}}
    with dspy.context(lm=ScriptedLM(script, latency=0.05), callbacks=[tracker]):
        events, error = await collect(AgentTranspiler.compile(research()).astream(query="q"))
    assert error is None
    assert tracker.max_in_flight == 2  # both model calls were in flight together
    assert max(tasks_open(events)) == 2
    starts = by_kind(events, "node_start")
    assert [(e["node"], e["step"], e["task"]) for e in starts] == [("plan", 1, "1.0"), ("web", 2, "2.0"), ("docs", 2, "2.1")]
    assert [e["seq"] for e in events] == list(range(len(events)))
    (merge,) = by_kind(events, "merge")
    assert merge["patch"] == {"web": "from the web", "docs": "from the docs"} and merge["tasks"] == ["2.0", "2.1"]
    routes = [(e["source"], e["target"], e["task"]) for e in by_kind(events, "route")]
    assert routes == [("plan", "web", "1.0"), ("plan", "docs", "1.0"), ("web", END, "2.0"), ("docs", END, "2.1")]
    assert events[-1]["state"] == {"query": "q", "web": "from the web", "docs": "from the docs"}
    assert events[-1]["steps"] == 2  # max_steps counts supersteps


def joined(barrier: bool) -> Graph:
    """start -> (fast, slow1 -> slow2); write after fast and slow2: a join, or two plain edges."""
    g = Graph()
    for name in ("start", "fast", "slow1", "slow2", "write"):
        g.add_node(name, lambda state, name=name: {"seen": [*state.get("seen", []), name]} if name == "write" else None)
    g.add_edge("start", "fast").add_edge("start", "slow1").add_edge("slow1", "slow2").set_entry_point("start")
    if barrier:
        g.add_edge(["fast", "slow2"], "write")
    else:
        g.add_edge("fast", "write").add_edge("slow2", "write")
    return g


async def test_a_join_runs_its_target_once_after_all_its_sources_plain_edges_after_each() -> None:
    events, error = await collect(AgentTranspiler.compile(joined(barrier=True)).astream())
    assert error is None
    assert [(e["node"], e["step"]) for e in by_kind(events, "node_start") if e["node"] == "write"] == [("write", 4)]
    events, error = await collect(AgentTranspiler.compile(joined(barrier=False)).astream())
    assert error is None
    assert [(e["node"], e["step"]) for e in by_kind(events, "node_start") if e["node"] == "write"] == [
        ("write", 3),
        ("write", 4),
    ]


def mapped(**compile_options: Any) -> Any:
    """A Send per document: summarize (LLM) each, its notes merged by `operator.add`, then END."""
    g = Graph().add_node("fetch", lambda state: None, inline=True)
    g.add_node(StatefulNode("summarize", Doc, Notes))
    g.add_conditional_edges("fetch", lambda state: [Send("summarize", {"doc": d}) for d in state["docs"]], ["summarize"])
    return AgentTranspiler.compile(g.set_entry_point("fetch"), **compile_options)


async def test_send_maps_a_node_over_a_list_within_max_concurrency() -> None:
    docs = [f"d{i}" for i in range(7)]
    script = {"summarize": lambda inputs: {"notes": [f"N({inputs['doc']})"]}}
    for options, call, cap in (({"max_concurrency": 2}, {}, 2), ({"max_concurrency": 2}, {"_max_concurrency": 3}, 3)):
        tracker = LMCallTracker()
        with dspy.context(lm=ScriptedLM(script, latency=0.02), callbacks=[tracker]):
            events, error = await collect(mapped(**options).astream(docs=docs, **call))
        assert error is None
        assert tracker.started_count == 7 and tracker.max_in_flight == cap
        assert max(tasks_open(events)) == cap
        starts = [e for e in by_kind(events, "node_start") if e["node"] == "summarize"]
        assert [e["index"] for e in starts] == list(range(7)) and [e["inputs"] for e in starts] == [{"doc": d} for d in docs]
        assert events[-1]["state"]["notes"] == [f"N({d})" for d in docs]  # the reducer, in the order of the Sends


async def test_merge_order_is_the_order_branches_started_not_the_order_they_finished() -> None:
    async def slow_first(state: dict[str, Any]) -> dict[str, Any]:
        for _ in range(10 - state["i"]):  # instance 0 yields the loop most, so it finishes last
            await asyncio.sleep(0)
        return {"notes": [state["i"]]}

    class Report(BaseModel):
        notes: Annotated[list[int], operator.add]  # the program's output model declares the reducer

    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("work", slow_first)
    g.add_conditional_edges("fan", lambda state: [Send("work", {"i": i}) for i in range(5)], ["work"])
    events, error = await collect(AgentTranspiler.compile(g.set_entry_point("fan"), Report).astream())
    assert error is None
    ended = [e["index"] for e in by_kind(events, "node_end") if e["node"] == "work"]
    assert ended == [4, 3, 2, 1, 0]
    assert by_kind(events, "merge")[0]["patch"] == {"notes": [0, 1, 2, 3, 4]}


async def test_a_custom_reducer_merges_the_branches_writes_with_the_state() -> None:
    g = Graph().add_node("start", lambda state: None, inline=True)
    g.add_node(StatefulNode("short", Question, Draft)).add_node(StatefulNode("long", Question, Draft))
    g.add_edge("start", "short").add_edge("start", "long").set_entry_point("start")
    script = {"short": {"draft": "brief"}, "long": {"draft": "a much longer draft"}}
    with dspy.context(lm=ScriptedLM(script)):
        result = await AgentTranspiler.compile(g).aforward(query="q", draft="the draft we started with")
    assert result.draft == "the draft we started with"  # longer than either branch's
    with dspy.context(lm=ScriptedLM(script)):
        result = await AgentTranspiler.compile(g).aforward(query="q", draft="")
    assert result.draft == "a much longer draft"


def test_two_reducers_for_one_field_are_a_graph_error() -> None:
    class OtherDraft(BaseModel):
        draft: Annotated[str, operator.add]

    g = Graph().add_node(StatefulNode("a", Question, Draft)).add_node(StatefulNode("b", Question, OtherDraft))
    g.add_edge("a", "b").set_entry_point("a")
    with pytest.raises(GraphDefinitionError, match="'b': field 'draft' has reducer .*'a'"):
        AgentTranspiler.compile(g)


async def test_two_branches_writing_a_field_without_a_reducer_raise_naming_both() -> None:
    g = Graph().add_node("start", lambda state: None, inline=True)
    g.add_node("left", lambda state: {"x": 1, "l": 1}, inline=True).add_node("right", lambda state: {"x": 2}, inline=True)
    g.add_edge("start", "left").add_edge("start", "right").set_entry_point("start")
    events, error = await collect(AgentTranspiler.compile(g).astream(x=0))
    assert isinstance(error, ParallelWriteError)
    assert (error.field, error.first, error.second) == ("x", "left", "right")
    assert "'left' and 'right' both wrote field 'x'" in str(error)
    assert events[-1]["event"] == "error" and events[-1]["node"] == "right"
    assert events[-1]["state"] == {"x": 0}  # the state before the superstep: nothing of it was applied


async def test_a_failing_branch_cancels_its_siblings_before_the_run_raises() -> None:
    calls: list[str] = []

    def boom(state: dict[str, Any]) -> None:
        raise ValueError("branch failed")

    g = Graph().add_node("start", lambda state: None, inline=True)
    g.add_node("boom", boom, inline=True).add_node(StatefulNode("web", Question, WebNotes))
    g.add_edge("start", "web").add_edge("start", "boom").set_entry_point("start")
    tracker = LMCallTracker()
    script = {"web": lambda inputs: calls.append("web") or {"web": "late"}}
    with dspy.context(lm=ScriptedLM(script, latency=5), callbacks=[tracker]):
        events, error = await collect(AgentTranspiler.compile(g).astream(query="q"))
        assert other_running() == set()  # the sibling was cancelled and awaited before the error came out
    assert isinstance(error, ValueError)
    assert tracker.started_count == 1 and calls == []  # its model call started, and was never answered
    assert events[-1]["event"] == "error" and (events[-1]["node"], events[-1]["task"]) == ("boom", "2.1")


def other_running() -> set[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


def test_a_send_to_a_node_outside_the_path_map_is_a_route_error_and_a_bad_send_a_graph_error() -> None:
    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("work", lambda state: None, inline=True)
    g.add_node("other", lambda state: None, inline=True)
    g.add_conditional_edges("fan", lambda state: [Send("other", {})], ["work"]).add_edge("work", "other")
    with pytest.raises(RouteError, match="'fan'"):
        AgentTranspiler.compile(g.set_entry_point("fan"))(x=1)
    with pytest.raises(GraphDefinitionError, match="Send to 'work': arg key"):
        Send("work", {"_private": 1})
    with pytest.raises(GraphDefinitionError, match="join into 'w' needs"):
        Graph().add_edge(["a"], "w")


class Bodies:
    """Node bodies in progress: a cancellation that was only requested, not awaited, leaves some still open."""

    def __init__(self) -> None:
        self.open = 0
        self.cancelled = 0

    def node(self, name: str) -> Any:
        async def work(state: dict[str, Any]) -> dict[str, Any]:
            self.open += 1
            try:
                for _ in range((state.get("i", 0) + len(name)) % 4):
                    await asyncio.sleep(0)
                return {"notes": [f"{name}{state.get('i', '')}"]}
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
            finally:
                self.open -= 1

        return work


def looping_fan_out(bodies: Bodies) -> Any:
    """fan -> (a, b: async Python, c: an LLM node) -> a join back into fan: a 3-branch fan-out every other superstep."""
    g = Graph().add_node("fan", lambda state: None, inline=True)
    g.add_node("a", bodies.node("a")).add_node("b", bodies.node("b")).add_node(StatefulNode("c", Question, Notes))
    g.add_edge("fan", "a").add_edge("fan", "b").add_edge("fan", "c").add_edge(["a", "b", "c"], "fan")
    return AgentTranspiler.compile(g.set_entry_point("fan"), Notes, max_steps=8, on_max_steps="return")


def looping_map(bodies: Bodies) -> Any:
    """fan -> a Send of work per item (6, max_concurrency=4) -> back to fan."""
    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("work", bodies.node("work"))
    g.add_conditional_edges("fan", lambda state: [Send("work", {"i": i}) for i in range(6)], ["work"])
    g.add_edge("work", "fan")
    return AgentTranspiler.compile(g.set_entry_point("fan"), Notes, max_steps=6, on_max_steps="return", max_concurrency=4)


@pytest.mark.parametrize("graph", [looping_fan_out, looping_map], ids=["fan-out", "map"])
async def test_no_task_leaks_over_a_hundred_random_cancellations(graph: Any) -> None:
    bodies = Bodies()
    program = graph(bodies)
    rng = random.Random(21)
    with dspy.context(lm=ScriptedLM({"c": {"notes": ["c"]}})):
        for round_ in range(100):
            mode, stop_after = round_ % 3, rng.randrange(1, 40)
            if mode == 0:  # break out of the stream: it is closed
                stream = program.astream(query="q", notes=[])
                seen = 0
                async for _ in stream:
                    seen += 1
                    if seen == stop_after:
                        break
                await stream.aclose()
            else:  # cancel the task that iterates the stream, or the one awaiting aforward
                work = collect(program.astream(query="q", notes=[])) if mode == 1 else program.aforward(query="q", notes=[])
                consumer = asyncio.ensure_future(work)
                for _ in range(stop_after):
                    await asyncio.sleep(0)
                consumer.cancel()
                await asyncio.gather(consumer, return_exceptions=True)
            assert bodies.open == 0, round_  # every sibling's cancellation was awaited before the run gave up
            assert await settle() == set(), round_
    assert bodies.cancelled > 10  # the cancellations did land inside running branches


def test_sync_python_branches_are_not_capped_by_the_default_thread_pool() -> None:
    """Ten sync nodes that each wait for all ten: with the loop's default pool (min(32, cpus + 4) threads) on a
    small machine they would never meet (the barrier's timeout is only a guard against hanging the suite)."""
    barrier = threading.Barrier(10, timeout=30)

    def meet(state: dict[str, Any]) -> dict[str, Any]:
        barrier.wait()
        return {"met": [state["i"]]}

    class Report(BaseModel):
        met: Annotated[list[int], operator.add]

    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("meet", meet)
    g.add_conditional_edges("fan", lambda state: [Send("meet", {"i": i}) for i in range(10)], ["meet"])
    assert AgentTranspiler.compile(g.set_entry_point("fan"), Report)().met == list(range(10))


async def test_a_pause_before_a_map_resumes_every_instance_and_a_fork_with_an_update_too() -> None:
    docs = ["a", "b", "c"]
    script = {"summarize": lambda inputs: {"notes": [f"N({inputs['doc']})"]}}
    program = mapped()
    with dspy.context(lm=ScriptedLM(script)):
        paused, error = await collect(program.astream(docs=docs, _interrupt_before=["summarize"]))
        assert error is None and paused[-1]["event"] == "paused"
        checkpoint = paused[-1]["checkpoint"]
        assert checkpoint["frontier"] == [{"node": "summarize", "arg": {"doc": d}, "index": i} for i, d in enumerate(docs)]
        assert Checkpoint.from_dict(checkpoint).to_dict() == checkpoint  # read back exactly
        resumed, error = await collect(program.astream(_resume=checkpoint))
        assert error is None and resumed[-1]["state"]["notes"] == ["N(a)", "N(b)", "N(c)"]
        assert [e["index"] for e in by_kind(resumed, "node_start")] == [0, 1, 2]
        assert [e["seq"] for e in paused + resumed] == list(range(len(paused) + len(resumed)))
        forked, error = await collect(program.astream(_resume=checkpoint, _fork=True, _update={"notes": ["first"]}))
    assert error is None and forked[-1]["state"]["notes"] == ["first", "N(a)", "N(b)", "N(c)"]


async def test_a_pause_between_a_joins_sources_keeps_what_the_join_has_seen() -> None:
    program = AgentTranspiler.compile(joined(barrier=True))
    paused, error = await collect(program.astream(_interrupt_after=["fast"]))
    checkpoint = paused[-1]["checkpoint"]
    assert error is None and checkpoint["next"] == "slow2" and "frontier" not in checkpoint  # one node: as before
    assert checkpoint["joined"] == [["fast"]]
    resumed, error = await collect(program.astream(_resume=checkpoint))
    assert error is None
    assert [(e["node"], e["step"]) for e in by_kind(resumed, "node_start")] == [("slow2", 3), ("write", 4)]
    assert resumed[-1]["state"]["seen"] == ["write"]


async def test_a_batch_counts_each_instance_of_a_mapped_node() -> None:
    script = {"summarize": lambda inputs: {"notes": [inputs["doc"]]}}
    examples = [dspy.Example(docs=[f"{q}{i}" for i in range(n)]).with_inputs("docs") for q, n in (("a", 3), ("b", 4))]
    stats = BatchStats(len(examples))
    with dspy.context(lm=ScriptedLM(script)):
        async for index, event in mapped(max_concurrency=2).abatch_stream(examples, concurrency=2):
            stats.apply(index, event)
    nodes = stats.as_dict()["nodes"]
    assert nodes["summarize"]["visits"] == 3 + 4 and nodes["fetch"]["visits"] == 2
    assert stats.count("finished") == 2


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_map_over_http_has_all_its_calls_in_flight_at_once(engine: str) -> None:
    with ChatServer(responder=Gate(8)) as server:  # no answer until 8 calls are in flight together
        lm = make_lm(server, engine)
        try:
            with dspy.context(lm=lm):
                events, error = await collect(mapped().astream(docs=[f"d{i}" for i in range(8)]))
        finally:
            await aclose_lm(lm)
        assert server.max_in_flight == 8 and server.request_count == 8
    assert error is None
    assert len(events[-1]["state"]["notes"]) >= 8  # each instance's notes, merged by operator.add
    assert sorted(e["index"] for e in by_kind(events, "lm_call")) == list(range(8))


async def test_a_reducer_applies_in_a_superstep_of_one_node_too_and_says_so_in_a_merge() -> None:
    g = Graph().add_node(StatefulNode("note", Question, Notes)).set_entry_point("note")
    with dspy.context(lm=ScriptedLM({"note": {"notes": ["new"]}})):
        events, error = await collect(AgentTranspiler.compile(g).astream(query="q", notes=["old"]))
    assert error is None and by_kind(events, "node_end")[0]["patch"] == {"notes": ["new"]}
    assert by_kind(events, "merge")[0]["patch"] == {"notes": ["old", "new"]} == {"notes": events[-1]["state"]["notes"]}


async def test_the_error_of_a_failing_send_instance_names_its_node_and_index() -> None:
    async def work(state: dict[str, Any]) -> dict[str, Any]:
        if state["i"] == 2:
            raise ValueError(f"item {state['i']} is bad")
        await asyncio.Event().wait()  # the others would wait forever: only the cancel ends them
        return {}

    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("work", work)
    g.add_conditional_edges("fan", lambda state: [Send("work", {"i": i}) for i in range(4)], ["work"])
    events, error = await collect(AgentTranspiler.compile(g.set_entry_point("fan")).astream())
    assert isinstance(error, ValueError) and other_running() == set()
    assert (events[-1]["node"], events[-1]["task"], events[-1]["index"]) == ("work", "2.2", 2)
    assert not by_kind(events, "node_end")[1:]  # only fan ended: no instance wrote anything
