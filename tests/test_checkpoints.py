"""Breakpoints, checkpoints, resume and fork: a run can stop between steps, be edited, go on,
or be tried again from any past step, and its events still tell the whole story."""

from __future__ import annotations

import asyncio
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import dspy
import pytest

from dspyer_lab import (
    END,
    AgentTranspiler,
    Checkpoint,
    CheckpointError,
    DspyerLabError,
    Graph,
    OptionValueError,
    RunPaused,
    ScriptedLM,
    StatefulNode,
)
from dspyer_lab.lab.model.runfile import read_run, write_run

from core_helpers import Answer, Question, Summary, by_kind, collect, settle


def _graph() -> Graph:
    """query -> [answer] (LLM) -> [shout] (Python) -> [summarize] (LLM) -> END."""
    g = Graph()
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node("shout", lambda state: {"answer": state["answer"] + "!"})
    g.add_node(StatefulNode("summarize", Answer, Summary))
    g.add_edge("answer", "shout")
    g.add_edge("shout", "summarize")
    g.add_edge("summarize", END)
    g.set_entry_point("answer")
    return g


class Script:
    """Echo answers that record what each LLM node was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def lm(self) -> ScriptedLM:
        return ScriptedLM({"answer": self._answer, "summarize": self._summarize})

    def _answer(self, inputs: dict[str, Any]) -> dict[str, Any]:
        self.seen.append(("answer", dict(inputs)))
        return {"answer": f"A({inputs['query']})"}

    def _summarize(self, inputs: dict[str, Any]) -> dict[str, Any]:
        self.seen.append(("summarize", dict(inputs)))
        return {"summary": f"S({inputs['answer']})"}

    def nodes(self) -> list[str]:
        return [name for name, _ in self.seen]


def fold(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The README's rule: run_start.inputs, then every update.values and node_end.patch in order."""
    state = dict(events[0]["inputs"])
    for event in events:
        if event["event"] == "update":
            state.update(event["values"])
        elif event["event"] == "node_end":
            state.update(event["patch"])
    return state


def program(**options: Any) -> Any:
    return AgentTranspiler.compile(_graph(), output_model=Summary, **options)


async def test_pause_before_a_node_makes_no_call_of_it_and_resuming_continues_the_same_run() -> None:
    script = Script()
    prog = program(interrupt_before=["summarize"])
    with dspy.context(lm=script.lm()):
        first, error = await collect(prog.astream(query="q"))
        assert error is None
        paused = first[-1]
        assert paused["event"] == "paused" and paused["node"] == "summarize" and paused["when"] == "before"
        assert not by_kind(first, "finished")
        assert script.nodes() == ["answer"]  # no model call of the node paused before
        assert paused["checkpoint"] == {
            "run_id": first[0]["run_id"],
            "step": 2,
            "seq": paused["seq"] + 1,
            "next": "summarize",
            "state": {"query": "q", "answer": "A(q)!"},
        }
        rest, error = await collect(prog.astream(_resume=paused["checkpoint"]))
    assert error is None
    # no run_start, no 2nd pause; the resumed node's model call is in the same run
    assert [e["event"] for e in rest] == ["node_start", "lm_call", "node_end", "route", "finished"]
    assert rest[1]["node"] == "summarize" and rest[1]["completion"].startswith("[[ ## summary ## ]]")
    assert {e["run_id"] for e in rest} == {first[0]["run_id"]}
    assert [e["seq"] for e in first + rest] == list(range(len(first) + len(rest)))
    assert rest[0]["step"] == 3 and rest[-1]["steps"] == 3
    assert rest[-1]["output"] == {"summary": "S(A(q)!)"}


async def test_pause_after_a_node_has_its_patch_and_the_next_node() -> None:
    script = Script()
    with dspy.context(lm=script.lm()):
        events, _ = await collect(program().astream(query="q", _interrupt_after=["answer"]))
    paused = events[-1]
    assert (paused["event"], paused["node"], paused["when"]) == ("paused", "answer", "after")
    assert paused["checkpoint"]["next"] == "shout" and paused["checkpoint"]["step"] == 1
    assert paused["checkpoint"]["state"] == {"query": "q", "answer": "A(q)"}
    assert [e["event"] for e in events][-3:] == ["node_end", "route", "paused"]
    assert Checkpoint.from_events(events, len(events)) == Checkpoint.from_dict(paused["checkpoint"])


async def test_stepping_a_whole_run_pauses_once_per_step_and_folds_to_the_uninterrupted_state() -> None:
    with dspy.context(lm=Script().lm()):
        plain, _ = await collect(program().astream(query="q"))
        prog = program(interrupt_before="*")
        segments = [(await collect(prog.astream(query="q")))[0]]
        while segments[-1][-1]["event"] == "paused" and len(segments) < 10:  # bounded: a bug must not hang
            checkpoint = segments[-1][-1]["checkpoint"]
            segments.append((await collect(prog.astream(_resume=checkpoint)))[0])
    assert [s[-1].get("node") for s in segments[:-1]] == ["answer", "shout", "summarize"]
    assert all(len(by_kind(s, "paused")) == 1 for s in segments[:-1]) and segments[-1][-1]["event"] == "finished"
    events = [e for s in segments for e in s]
    assert [e["seq"] for e in events] == list(range(len(events))) and len(by_kind(events, "run_start")) == 1
    assert fold(events) == plain[-1]["state"] == events[-1]["state"]
    # each pause's checkpoint is the one rebuilt from the events before it
    for k, event in enumerate(events, start=1):
        if event["event"] == "paused":
            assert Checkpoint.from_events(events, k).to_dict() == event["checkpoint"]
            assert Checkpoint.from_events(events, k, checked=False).to_dict() == event["checkpoint"]  # events checked before


async def test_resume_with_an_update_the_model_sees_the_edited_input_and_the_stream_says_so() -> None:
    script = Script()
    prog = program(interrupt_before=["summarize"])
    with dspy.context(lm=script.lm()):
        first, _ = await collect(prog.astream(query="q"))
        rest, error = await collect(prog.astream(_resume=first[-1]["checkpoint"], _update={"answer": "EDITED"}))
    assert error is None
    assert script.seen[-1] == ("summarize", {"answer": "EDITED"})
    assert rest[0]["event"] == "update" and rest[0]["values"] == {"answer": "EDITED"}
    assert rest[-1]["output"] == {"summary": "S(EDITED)"}
    assert fold(first + rest) == rest[-1]["state"]


async def test_fork_from_a_mid_run_checkpoint_of_a_saved_run_file(tmp_path: Path) -> None:
    script = Script()
    prog = program()
    with dspy.context(lm=script.lm()):
        events, _ = await collect(prog.astream(query="q"))
    saved = read_run(write_run(tmp_path / "run.json", prog.graph, events, None, None)).events
    # k inside node 'shout' (its node_start seen, its route not): the checkpoint is the boundary before it
    k = next(i for i, e in enumerate(saved, start=1) if e["event"] == "node_start" and e["node"] == "shout")
    checkpoint = Checkpoint.from_events(saved, k + 1)
    assert (checkpoint.next, checkpoint.step, checkpoint.state) == ("shout", 1, {"query": "q", "answer": "A(q)"})
    script.seen.clear()
    with dspy.context(lm=script.lm()):
        fork, error = await collect(prog.astream(_resume=checkpoint, _fork=True, _update={"answer": "B"}))
    assert error is None
    start = fork[0]
    assert start["event"] == "run_start" and start["run_id"] != events[0]["run_id"]
    assert (start["parent_run_id"], start["parent_step"]) == (events[0]["run_id"], 1)
    assert start["inputs"] == {"query": "q", "answer": "A(q)"} and start["seq"] == 0
    assert fork[1]["event"] == "update" and fork[1]["values"] == {"answer": "B"}
    assert [e["node"] for e in by_kind(fork, "node_start")] == ["shout", "summarize"]
    assert by_kind(fork, "node_start")[0]["step"] == 2 and fork[-1]["steps"] == 3
    assert script.nodes() == ["summarize"] and fork[-1]["output"] == {"summary": "S(B!)"}
    assert fold(fork) == fork[-1]["state"]
    # the fork's own events give checkpoints too, counting steps from its parent's
    assert Checkpoint.from_events(fork, 2) == Checkpoint(fork[0]["run_id"], 1, 2, "shout", {"query": "q", "answer": "B"})


async def test_a_rejected_update_is_an_error_naming_key_and_node_before_anything_runs() -> None:
    script = Script()
    prog = program(interrupt_before=["summarize"])
    with dspy.context(lm=script.lm()):
        first, _ = await collect(prog.astream(query="q"))
    checkpoint = first[-1]["checkpoint"]
    script.seen.clear()
    with pytest.raises(CheckpointError) as err:
        prog.astream(_resume=checkpoint, _update={"answer": ["not", "text"]})
    assert (err.value.key, err.value.node) == ("answer", "summarize")
    assert str(err.value) == "answer must be a string (got ['not', 'text']): node 'summarize' reads it"
    with pytest.raises(CheckpointError, match="'_secret'") as err:
        prog.astream(_resume=checkpoint, _update={"_secret": 1})
    assert err.value.key == "_secret"
    with pytest.raises(CheckpointError, match="must be a dict"):
        prog.astream(_resume=checkpoint, _update=["answer"])
    with pytest.raises(CheckpointError, match="_update"):
        prog.astream(query="q", _update={"answer": "x"})
    with pytest.raises(CheckpointError, match="query"):
        prog.astream(_resume=checkpoint, query="again")
    with pytest.raises(CheckpointError, match="'nope'"):
        prog.astream(_resume={**checkpoint, "next": "nope"})
    assert script.seen == []


def test_unknown_breakpoint_nodes_are_an_error_at_compile_and_call_time() -> None:
    with pytest.raises(OptionValueError, match=r"interrupt_before must be .*: unknown node\(s\) \['nope'\]; the nodes are"):
        program(interrupt_before=["nope"])
    with pytest.raises(OptionValueError, match=r"_interrupt_after must .*unknown node\(s\) \['Answer'\]") as caught:
        program().astream(query="q", _interrupt_after=["Answer"])
    assert (caught.value.option, caught.value.value) == ("_interrupt_after", ["Answer"])
    assert isinstance(caught.value, (DspyerLabError, ValueError))  # one family, and still a ValueError
    with pytest.raises(OptionValueError, match="list of node names or '\\*', got 'answer'"):
        program(interrupt_after="answer")


async def test_a_paused_run_holds_nothing_and_resumes_later() -> None:
    prog = program(interrupt_after=["answer"])
    with dspy.context(lm=Script().lm()):
        stream = prog.astream(query="q")
        task = asyncio.create_task(collect(stream))
        events, _ = await task
        task.cancel()  # too late: the run's stream ended at the pause
        assert task.done() and not task.cancelled()
        with pytest.raises(StopAsyncIteration):
            await anext(stream)
        assert await settle() == set()
        rest, error = await collect(prog.astream(_resume=events[-1]["checkpoint"]))
    assert error is None and rest[-1]["output"] == {"summary": "S(A(q)!)"}


async def test_aforward_raises_run_paused_and_resumes_from_its_checkpoint() -> None:
    prog = program(interrupt_before=["shout"])
    with dspy.context(lm=Script().lm()):
        with pytest.raises(RunPaused) as err:
            await prog.aforward(query="q")
        assert isinstance(err.value, DspyerLabError)
        assert (err.value.node, err.value.when, err.value.checkpoint.next) == ("shout", "before", "shout")
        assert "paused before node 'shout'" in str(err.value)
        result = await prog.aforward(_resume=err.value.checkpoint, _update={"answer": "x"})
    assert result == Summary(summary="S(x!)")


def test_the_sync_call_raises_run_paused_too() -> None:
    prog = program()
    with dspy.context(lm=Script().lm()):
        with pytest.raises(RunPaused) as err:
            prog(query="q", _interrupt_after=["summarize"])
        assert err.value.checkpoint.next == END
        assert prog(_resume=err.value.checkpoint) == Summary(summary="S(A(q)!)")


def test_checkpoint_to_dict_is_strict_json_and_round_trips() -> None:
    checkpoint = Checkpoint("r1", 2, 7, "summarize", {"n": math.nan, "day": date(2024, 1, 2), "m": Answer(answer="a")})
    data = json.loads(json.dumps(checkpoint.to_dict(), allow_nan=False))
    assert data["state"] == {"n": "nan", "day": "2024-01-02", "m": {"answer": "a"}}
    again = Checkpoint.from_dict(data)
    assert again.to_dict() == data and again == Checkpoint("r1", 2, 7, "summarize", data["state"])


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"step": -1}, "step"),
        ({"seq": True}, "seq"),
        ({"run_id": 3}, "run_id"),
        ({"next": ""}, "next"),
        ({"state": {"x": math.inf}}, "state"),
        ({"state": [1]}, "state"),
        ({"extra": 1}, "extra"),
    ],
)
def test_checkpoint_from_dict_names_the_bad_field(change: dict[str, Any], key: str) -> None:
    data = {"run_id": "r1", "step": 0, "seq": 1, "next": "answer", "state": {}, **change}
    with pytest.raises(CheckpointError) as err:
        Checkpoint.from_dict(data)
    assert err.value.key == key and key in str(err.value)


def test_checkpoint_from_events_rejects_a_bad_k_or_foreign_events() -> None:
    start = {"event": "run_start", "run_id": "r", "seq": 0, "ts": 0.0, "inputs": {"query": "q"}}
    node = {"event": "node_start", "run_id": "r", "seq": 1, "ts": 0.0, "node": "answer", "kind": "llm", "step": 1}
    assert Checkpoint.from_events([start, node], 2) == Checkpoint("r", 0, 1, "answer", {"query": "q"})
    for k in (0, 3, True):
        with pytest.raises(CheckpointError, match="k must be an integer from 1 to 2"):
            Checkpoint.from_events([start, node], k)
    with pytest.raises(CheckpointError, match="must start with run_start"):
        Checkpoint.from_events([node], 1)
    with pytest.raises(CheckpointError, match="event 1 belongs to run 'other'"):
        Checkpoint.from_events([start, {**node, "run_id": "other"}], 2)
    with pytest.raises(CheckpointError, match="entry point is unknown"):
        Checkpoint.from_events([start], 1)
