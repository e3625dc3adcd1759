"""Checkpoints of parallel runs (issue 21): rebuilt from the events at any position, mid-map included.

A checkpoint cut inside a superstep keeps the instances that ended as pending writes: a fork from it runs
only the others (counted, never timed) and merges as the uninterrupted run did.
"""

from __future__ import annotations

import json
import operator
from typing import Annotated, Any

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, Checkpoint, CheckpointError, Graph, ScriptedLM, Send, StatefulNode

from core_helpers import Question, by_kind, collect


class Report(BaseModel):
    notes: Annotated[list[str], operator.add]


class Doc(BaseModel):
    doc: str


class Note(BaseModel):
    notes: Annotated[list[str], operator.add]


class Calls:
    """Who ran: Python nodes and scripted model calls append their name (with the document for a map)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def node(self, name: str) -> Any:
        def run(state: dict[str, Any]) -> dict[str, Any]:
            self.seen.append(name)
            return {"notes": [name]}

        return run

    def script(self) -> dict[str, Any]:
        def summarize(inputs: dict[str, Any]) -> dict[str, Any]:
            self.seen.append(f"summarize({inputs['doc']})")
            return {"notes": [f"N({inputs['doc']})"]}

        def fast(inputs: dict[str, Any]) -> dict[str, Any]:
            self.seen.append("fast")
            return {"notes": [f"fast({inputs['query']})"]}

        return {"summarize": summarize, "fast": fast}


def fan_out_join(calls: Calls) -> Any:
    """start -> (fast: an LLM node, slow1 -> slow2); write after both fast and slow2 (a join across supersteps)."""
    g = Graph().add_node(StatefulNode("fast", Question, Note))
    for name in ("start", "slow1", "slow2", "write"):
        g.add_node(name, calls.node(name), inline=True)
    g.add_edge("start", "fast").add_edge("start", "slow1").add_edge("slow1", "slow2").add_edge(["fast", "slow2"], "write")
    return AgentTranspiler.compile(g.set_entry_point("start"), Report)


def send_map(calls: Calls, **options: Any) -> Any:
    """fetch -> a Send of summarize (an LLM node) per document -> tally (once after the map) -> END."""
    g = Graph().add_node("fetch", calls.node("fetch"), inline=True).add_node(StatefulNode("summarize", Doc, Note))
    g.add_node("tally", calls.node("tally"), inline=True)
    g.add_conditional_edges("fetch", lambda state: [Send("summarize", {"doc": d}) for d in state["docs"]], ["summarize"])
    g.add_edge("summarize", "tally")
    return AgentTranspiler.compile(g.set_entry_point("fetch"), Report, **options)


DOCS = ["a", "b", "c", "d", "e"]
CASES = {
    "fan-out and join": (fan_out_join, {"query": "q"}),
    "send map": (lambda calls: send_map(calls, max_concurrency=2), {"docs": DOCS}),
}


async def run(program: Any, calls: Calls, **kwargs: Any) -> list[dict[str, Any]]:
    with dspy.context(lm=ScriptedLM(calls.script())):
        events, error = await collect(program.astream(**kwargs))
    assert error is None, error
    return events


@pytest.mark.parametrize("case", list(CASES))
async def test_a_fork_from_every_event_position_ends_in_the_uninterrupted_state(case: str) -> None:
    build, inputs = CASES[case]
    calls = Calls()
    program = build(calls)
    events = await run(program, calls, **inputs)
    final = events[-1]["state"]
    assert by_kind(events, "merge")  # several tasks ran in one superstep
    for k in range(1, len(events) + 1):
        checkpoint = Checkpoint.from_events(events, k)
        fork = await run(program, Calls(), _resume=checkpoint, _fork=True)
        assert fork[-1]["event"] == "finished" and fork[-1]["state"] == final, (k, events[k - 1]["event"], checkpoint)
        to_run = [e for e in by_kind(events, "node_start") if e["step"] > checkpoint.step]
        assert len(by_kind(fork, "node_start")) == len(to_run) - len(checkpoint.pending), k  # what had ended: not again
        again = Checkpoint.from_events(fork, len(fork))  # a fork's own events rebuild where it stands
        assert again.state == final and again.next == "__end__", k


async def test_the_checkpoints_rebuilt_at_each_pause_are_the_pauses_own() -> None:
    """Stepping a run (a pause before every superstep): the checkpoint from the events up to each `paused` event is the
    one it carries, frontier of Send instances and what a join has seen included."""
    for build, inputs in CASES.values():
        calls = Calls()
        program = build(calls)
        segments = [await run(program, calls, **inputs, _interrupt_before="*")]
        while segments[-1][-1]["event"] == "paused" and len(segments) < 12:  # bounded: a bug must not hang
            segments.append(await run(program, calls, _resume=segments[-1][-1]["checkpoint"], _interrupt_before="*"))
        events = [e for segment in segments for e in segment]
        assert events[-1]["event"] == "finished"
        paused = [(k, e) for k, e in enumerate(events, start=1) if e["event"] == "paused"]
        assert any("frontier" in e["checkpoint"] for _, e in paused)
        for k, event in paused:
            assert Checkpoint.from_events(events, k).to_dict() == event["checkpoint"], k
            if k < len(events):  # the first events of the resumed stream: still the same boundary
                assert Checkpoint.from_events(events, k + 1).to_dict() == event["checkpoint"], k


async def test_a_pause_between_a_joins_sources_is_rebuilt_with_what_the_join_has_seen() -> None:
    calls = Calls()
    program = fan_out_join(calls)
    events = await run(program, calls, query="q")
    # after superstep 2 (fast and slow1 ran): fast has reached the join, slow2 runs next
    k = max(i for i, e in enumerate(events, start=1) if e["event"] == "route" and e["source"] in ("fast", "slow1"))
    checkpoint = Checkpoint.from_events(events, k)
    assert (checkpoint.step, checkpoint.next, checkpoint.joined) == (2, "slow2", (("fast",),))
    assert events[0]["joins"] == [["fast", "slow2"]]


async def test_a_checkpoint_cut_mid_map_runs_only_the_unfinished_instances() -> None:
    calls = Calls()
    program = send_map(calls, max_concurrency=2)
    events = await run(program, calls, docs=DOCS)
    # cut after the second instance ended: a saved run cut off there (no event after it)
    ends = [k for k, e in enumerate(events, start=1) if e["event"] == "node_end" and e["node"] == "summarize"]
    cut = events[: ends[1]]
    checkpoint = Checkpoint.from_events(cut, len(cut))
    assert checkpoint.step == 1 and [b["index"] for b in checkpoint.frontier] == [0, 1, 2, 3, 4]
    ended = [e for e in by_kind(cut, "node_end") if e["node"] == "summarize"]
    finished = {e["task"]: e["patch"] for e in ended}
    assert len(finished) == 2 and checkpoint.pending == finished
    saved = Checkpoint.from_dict(json.loads(json.dumps(checkpoint.to_dict())))  # a checkpoint saved as JSON
    assert saved == checkpoint
    again = Calls()
    fork = await run(program, again, _resume=saved, _fork=True)
    unfinished = sorted(f"summarize({d})" for i, d in enumerate(DOCS) if i not in {e["index"] for e in ended})
    assert sorted(again.seen) == unfinished  # the model is not called again for the two that had finished
    assert fork[-1]["state"] == events[-1]["state"]  # the reducer's result: merged in the order the Sends were listed
    (merge,) = [e for e in by_kind(fork, "merge") if e["step"] == 2]
    assert merge["tasks"] == ["2.0", "2.1", "2.2", "2.3", "2.4"]
    assert len([e for e in by_kind(fork, "node_start") if e["node"] == "summarize"]) == 3
    assert {k: fork[0][k] for k in ("frontier", "pending")} == {k: saved.to_dict()[k] for k in ("frontier", "pending")}
    for k in range(1, len(fork) + 1):  # the fork's own events, cut anywhere, still resume to the same end
        assert (await run(program, Calls(), _resume=Checkpoint.from_events(fork, k), _fork=True))[-1]["state"] == (
            events[-1]["state"]
        ), k


async def test_a_map_stopped_by_a_failing_instance_resumes_the_failed_and_cancelled_ones_only() -> None:
    """As after a kernel stopped mid-map: the instances that ended are kept, the failing one and the
    siblings it cancelled run again once the cause is gone."""
    broken = {"c"}
    seen: list[str] = []

    async def summarize(state: dict[str, Any]) -> dict[str, Any]:
        seen.append(state["doc"])
        if state["doc"] in broken:
            raise ValueError(f"cannot read {state['doc']}")
        return {"notes": [state["doc"].upper()]}

    g = Graph().add_node("fetch", lambda state: None, inline=True).add_node("summarize", summarize)
    g.add_conditional_edges("fetch", lambda state: [Send("summarize", {"doc": d}) for d in state["docs"]], ["summarize"])
    program = AgentTranspiler.compile(g.set_entry_point("fetch"), Report, max_concurrency=2)
    events, error = await collect(program.astream(docs=DOCS))
    assert isinstance(error, ValueError) and events[-1]["event"] == "error"
    checkpoint = Checkpoint.from_events(events, len(events))
    assert sorted(checkpoint.pending) == ["2.0", "2.1"]  # a and b ended before c failed
    broken.clear()
    seen.clear()
    fork, error = await collect(program.astream(_resume=checkpoint, _fork=True))
    assert error is None and sorted(seen) == ["c", "d", "e"]
    assert fork[-1]["state"]["notes"] == ["A", "B", "C", "D", "E"]


async def test_interrupt_before_a_mapped_node_names_every_instance_and_an_update_reaches_them_all() -> None:
    seen: list[tuple[str, str]] = []

    def summarize(state: dict[str, Any]) -> dict[str, Any]:
        seen.append((state["style"], state["doc"]))
        return {"notes": [f"{state['style']}:{state['doc']}"]}

    g = Graph().add_node("fetch", lambda state: None, inline=True).add_node("summarize", summarize, inline=True)
    g.add_conditional_edges("fetch", lambda state: [Send("summarize", {"doc": d}) for d in state["docs"]], ["summarize"])
    program = AgentTranspiler.compile(g.set_entry_point("fetch"), Report)
    paused, error = await collect(program.astream(docs=DOCS[:3], style="long", _interrupt_before=["summarize"]))
    assert error is None and seen == []
    checkpoint = paused[-1]["checkpoint"]
    assert (paused[-1]["node"], checkpoint["step"], checkpoint["next"]) == ("summarize", 1, "summarize")
    assert checkpoint["frontier"] == [{"node": "summarize", "arg": {"doc": d}, "index": i} for i, d in enumerate("abc")]
    saved = json.loads(json.dumps(checkpoint))
    resumed, error = await collect(program.astream(_resume=saved, _update={"style": "short"}))
    assert error is None and seen == [("short", "a"), ("short", "b"), ("short", "c")]
    assert resumed[-1]["state"]["notes"] == ["short:a", "short:b", "short:c"] and resumed[-1]["state"]["style"] == "short"
    events = paused + resumed
    assert Checkpoint.from_events(events, len(paused) + 1).state["style"] == "short"  # after the update event


def test_a_checkpoints_pending_writes_must_belong_to_its_next_superstep() -> None:
    frontier = [{"node": "w", "arg": {"i": 0}, "index": 0}, {"node": "w", "arg": {"i": 1}, "index": 1}]
    data = {"run_id": "r", "step": 3, "seq": 9, "next": "w", "state": {}, "frontier": frontier}
    assert Checkpoint.from_dict({**data, "pending": {"4.1": {"x": 1}}}).pending == {"4.1": {"x": 1}}
    with pytest.raises(CheckpointError, match=r"'pending' names task '3.1', not one of its next superstep's \(4.0, 4.1\)"):
        Checkpoint.from_dict({**data, "pending": {"3.1": {"x": 1}}})
    with pytest.raises(CheckpointError, match="pending"):
        Checkpoint.from_dict({**data, "pending": {"4.0": {"_x": 1}}})


async def test_a_router_failing_after_its_siblings_routed_leaves_the_superstep_to_route_again() -> None:
    """The routes made before the router failed are not a frontier: the checkpoint is the superstep's start, with
    both tasks' writes pending, so a fork (the router fixed) routes them all and runs neither again."""
    calls, broken = Calls(), [True]

    def decide(state: dict[str, Any]) -> str:
        if broken:
            raise LookupError("no route yet")
        return "done"

    g = Graph().add_node("start", calls.node("start"), inline=True)
    for name in ("a", "b", "done"):
        g.add_node(name, calls.node(name), inline=True)
    g.add_edge("start", "a").add_edge("start", "b").add_edge("a", "done")
    g.add_conditional_edges("b", decide, {"done": "done"})
    program = AgentTranspiler.compile(g.set_entry_point("start"), Report)
    events, error = await collect(program.astream())
    assert isinstance(error, LookupError) and events[-1]["router"] == "b"
    assert [e["source"] for e in by_kind(events, "route")] == ["start", "start", "a"]
    checkpoint = Checkpoint.from_events(events, len(events))
    assert (checkpoint.step, sorted(checkpoint.pending)) == (1, ["2.0", "2.1"])
    broken.clear()
    calls.seen.clear()
    fork, error = await collect(program.astream(_resume=checkpoint, _fork=True))
    assert error is None and calls.seen == ["done"] and fork[-1]["state"]["notes"] == ["start", "a", "b", "done"]


async def test_a_run_cut_off_mid_map_resumes_as_the_same_run_after_the_events_it_kept() -> None:
    """As when the kernel stopped mid-map: the saved events, then the resumed run's, read as one run."""
    calls = Calls()
    program = send_map(calls, max_concurrency=2)
    events = await run(program, calls, docs=DOCS)
    k = [k for k, e in enumerate(events, start=1) if e["event"] == "node_end" and e["node"] == "summarize"][2]
    saved = json.loads(json.dumps(Checkpoint.from_events(events[:k], k).to_dict()))
    assert len(saved["pending"]) == 3 and saved["seq"] == k  # the run goes on after the events kept
    again = Calls()
    rest = await run(program, again, _resume=saved)
    assert len(again.seen) == 2 and rest[0]["event"] == "node_start" and rest[0]["task"] not in saved["pending"]
    whole = events[:k] + rest
    assert [e["seq"] for e in whole] == list(range(len(whole))) and {e["run_id"] for e in whole} == {events[0]["run_id"]}
    assert rest[-1]["state"] == events[-1]["state"]
    end = Checkpoint.from_events(whole, len(whole))
    assert (end.next, end.state, end.pending) == ("__end__", events[-1]["state"], {})
