"""`interrupt(value)`: a node asks a person, the run pauses with the question, and the answer resumes it.

What a user relies on: the pause carries the question (`RunPaused.value`, the `paused` event's `interrupts`),
the answer comes back as `interrupt()`'s return value when the node runs again from its start (several calls
answered in order, parallel branches per interrupt id), the answer is an event (so a saved run, a replay and a
fork see it), and every misuse is one clear `InterruptError` line instead of a hang or a silent wrong answer.
"""

from __future__ import annotations

import asyncio
import operator
import threading
from typing import Annotated, Any

import pytest
from core_helpers import by_kind, collect
from pydantic import BaseModel

from dspyer_lab import (
    END,
    AgentTranspiler,
    Checkpoint,
    Graph,
    InterruptError,
    RunPaused,
    Send,
    interrupt,
)


def approval_program(calls: list[str] | None = None, *, inline: bool = False) -> Any:
    """draft -> approve (asks twice: the verdict, then a note) -> END; `calls` counts approve's executions."""
    calls = calls if calls is not None else []

    def approve(state: dict[str, Any]) -> dict[str, Any]:
        calls.append(threading.current_thread().name)
        verdict = interrupt({"draft": state["draft"], "question": "send it?"})
        note = interrupt("a note for the log?")
        return {"verdict": verdict, "note": note}

    g = Graph().add_node("draft", lambda s: {"draft": f"Dear {s['name']}"}, inline=True)
    g.add_node("approve", approve, inline=inline).add_edge("draft", "approve").add_edge("approve", END)
    return AgentTranspiler.compile(g.set_entry_point("draft"))


def test_the_sync_call_pauses_with_the_question_and_each_answer_returns_from_its_interrupt_in_order() -> None:
    """Two `interrupt()` calls in one node: the node runs again from its start each time and gets its answers in
    order, the first from the first resume, the second from the second (LangGraph's semantics)."""
    calls: list[str] = []
    program = approval_program(calls)
    with pytest.raises(RunPaused) as first:
        program(name="Ada")
    assert first.value.when == "interrupt" and first.value.node == "approve"
    assert first.value.value == {"draft": "Dear Ada", "question": "send it?"}
    [ask] = first.value.interrupts
    assert ask["kind"] == "interrupt" and ask["id"] == "approve:2.0:0" and ask["schema"] is None
    with pytest.raises(RunPaused) as second:
        program(_resume=first.value.checkpoint, _answer="yes")
    assert second.value.value == "a note for the log?" and second.value.interrupts[0]["id"] == "approve:2.0:1"
    result = program(_resume=second.value.checkpoint, _answer={"by": "Bob"})
    assert (result.verdict, result.note, result.draft) == ("yes", {"by": "Bob"}, "Dear Ada")
    assert len(calls) == 3  # asked, asked again with one answer, finished with two
    assert all(name != threading.main_thread().name for name in calls)  # a sync node still runs in a worker thread


async def test_the_stream_records_each_answer_before_the_node_runs_again_and_its_seq_goes_on() -> None:
    program = approval_program(inline=True)
    paused, error = await collect(program.astream(name="Ada"))
    assert error is None and paused[-1]["event"] == "paused" and paused[-1]["when"] == "interrupt"
    assert paused[-1]["interrupts"] == paused[-1]["checkpoint"]["interrupts"]
    resumed, error = await collect(program.astream(_resume=paused[-1]["checkpoint"], _answer="yes"))
    assert error is None
    answer = resumed[0]
    assert answer["event"] == "answer" and answer["seq"] == paused[-1]["seq"] + 1
    assert (answer["node"], answer["task"], answer["interrupt_id"], answer["value"]) == ("approve", "2.0", "approve:2.0:0", "yes")
    assert answer["answered_at"] >= paused[-1]["ts"]
    assert [e["event"] for e in resumed] == ["answer", "node_start", "paused"]
    assert resumed[-1]["checkpoint"]["answers"] == {"approve:2.0:0": "yes"}  # the checkpoint carries it on
    done, error = await collect(program.astream(_resume=resumed[-1]["checkpoint"], _answer="fine"))
    assert error is None and done[-1]["event"] == "finished"
    assert done[-1]["state"]["verdict"] == "yes" and done[-1]["state"]["note"] == "fine"
    seqs = [e["seq"] for e in paused + resumed + done]
    assert seqs == list(range(len(seqs)))  # one gapless run


async def test_a_checkpoint_rebuilt_from_the_events_after_an_answer_keeps_it_and_a_fork_can_answer_otherwise() -> None:
    """Replay and fork see the answers: the checkpoint at the answer event resumes without asking again, and a
    fork from the pause (before the answer) answers the same question differently without touching the original."""
    program = approval_program(inline=True)
    paused, _ = await collect(program.astream(name="Ada"))
    resumed, _ = await collect(program.astream(_resume=paused[-1]["checkpoint"], _answer="yes"))
    done, _ = await collect(program.astream(_resume=resumed[-1]["checkpoint"], _answer="fine"))
    events = paused + resumed + done
    after_answer = Checkpoint.from_events(events, len(paused) + 1)
    assert after_answer.answers == {"approve:2.0:0": "yes"} and after_answer.interrupts == ()
    again, _ = await collect(program.astream(_resume=after_answer, _fork=True))
    assert again[-1]["event"] == "paused" and again[-1]["interrupts"][0]["id"] == "approve:2.0:1"  # the first is answered
    at_pause = Checkpoint.from_events(events, len(paused))
    assert [a["id"] for a in at_pause.interrupts] == ["approve:2.0:0"] and not at_pause.answers
    fork, _ = await collect(program.astream(_resume=at_pause, _fork=True, _answer="no"))
    assert fork[0]["event"] == "run_start" and fork[0]["interrupts"] == paused[-1]["interrupts"]
    assert fork[1]["event"] == "answer" and fork[1]["value"] == "no" and fork[1]["run_id"] != paused[0]["run_id"]
    end, _ = await collect(program.astream(_resume=fork[-1]["checkpoint"], _answer="-"))
    assert end[-1]["state"]["verdict"] == "no" and done[-1]["state"]["verdict"] == "yes"


class Kept(BaseModel):
    kept: Annotated[list[str], operator.add] = []


def fan_out_program(ran: list[str]) -> Any:
    """split -> Send(check) per item -> END; an item starting with "?" asks a person, the others do not."""

    def check(state: dict[str, Any]) -> dict[str, Any]:
        ran.append(state["item"])
        ok = interrupt(f"keep {state['item']}?") if state["item"].startswith("?") else True
        return {"kept": [state["item"]] if ok else []}

    g = Graph().add_node("split", lambda s: None, inline=True)
    g.add_node("check", check, inline=True).add_edge("check", END)
    g.add_conditional_edges("split", lambda s: [Send("check", {"item": i}) for i in s["items"]], ["check"], inline=True)
    return AgentTranspiler.compile(g.set_entry_point("split"), output_model=Kept)


async def test_interrupts_in_parallel_branches_are_answered_per_id_and_the_finished_branches_do_not_run_again() -> None:
    ran: list[str] = []
    program = fan_out_program(ran)
    with pytest.raises(RunPaused) as paused:
        await program.aforward(items=["a", "?b", "?c"])
    asked = paused.value.interrupts
    assert [(a["id"], a["task"], a["value"]) for a in asked] == [("check:2.1:0", "2.1", "keep ?b?"), ("check:2.2:0", "2.2", "keep ?c?")]
    assert paused.value.checkpoint.pending == {"2.0": {"kept": ["a"]}}  # "a" ended: its write is kept
    with pytest.raises(InterruptError, match="2 questions wait"):
        program.new_run(_resume=paused.value.checkpoint, _answer=True)
    with pytest.raises(RunPaused) as still:  # one answered: the other still waits, with the same id
        await program.aforward(_resume=paused.value.checkpoint, _answer={"check:2.2:0": False})
    assert [a["id"] for a in still.value.interrupts] == ["check:2.1:0"]
    ran.clear()
    result = await program.aforward(_resume=still.value.checkpoint, _answer={"check:2.1:0": True})
    assert sorted(result.kept) == ["?b", "a"]
    assert ran == ["?b"]  # only the branch still asking ran again: "a" and "?c" (answered before) had ended


async def test_a_router_can_ask_and_the_node_before_it_does_not_run_again() -> None:
    ran: list[str] = []

    def write(state: dict[str, Any]) -> dict[str, Any]:
        ran.append("write")
        return {"text": "draft"}

    g = Graph().add_node("write", write, inline=True)
    g.add_node("send", lambda s: {"sent": True}, inline=True).add_node("drop", lambda s: {"sent": False}, inline=True)
    g.add_conditional_edges("write", lambda s: interrupt(f"send {s['text']}?"), ["send", "drop"], inline=True)
    program = AgentTranspiler.compile(g.add_edge("send", END).add_edge("drop", END).set_entry_point("write"))
    events, _ = await collect(program.astream())
    ask = events[-1]["interrupts"][0]
    assert ask["node"] == "write" and ask["id"] == "write>route:1.0:0" and ask["value"] == "send draft?"
    assert events[-1]["checkpoint"]["state"] == {}  # the checkpoint stands before write's superstep ...
    resumed, error = await collect(program.astream(_resume=events[-1]["checkpoint"], _answer="drop"))
    assert error is None and resumed[-1]["state"] == {"text": "draft", "sent": False}
    assert ran == ["write"]  # ... whose write is kept: the node is not run again
    rebuilt = Checkpoint.from_events(events, len(events))
    assert rebuilt.pending == {"1.0": {"text": "draft"}} and rebuilt.interrupts[0]["id"] == ask["id"]


async def test_async_nodes_ask_too_and_a_node_that_swallows_the_signal_still_pauses() -> None:
    async def careless(state: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        try:
            answer = interrupt("ok?")
        except Exception:  # a broad except in user code: the question is not lost
            answer = "swallowed"
        return {"answer": answer}

    g = Graph().add_node("careless", careless).add_edge("careless", END).set_entry_point("careless")
    program = AgentTranspiler.compile(g)
    run = program.new_run()
    with pytest.raises(RunPaused) as paused:
        await run.finish()
    assert run.paused is paused.value and paused.value.value == "ok?"
    assert (await program.aforward(_resume=paused.value.checkpoint, _answer="yes")).answer == "yes"


def test_misuse_is_one_clear_line() -> None:
    program = approval_program(inline=True)
    with pytest.raises(RunPaused) as paused:
        program(name="Ada")
    checkpoint = paused.value.checkpoint
    cases: list[tuple[Any, str]] = [
        (lambda: program(name="Ada", _answer="yes"), "_answer= needs _resume="),
        (lambda: program(_resume=checkpoint, _answer={"approve:9.9:0": "yes"}), "not waiting; the waiting ones: 'approve:2.0:0'"),
        (lambda: program(_resume=checkpoint, _answer={1, 2}), "is not JSON"),
        (lambda: interrupt("who asks?"), "outside a running node"),
    ]
    for call, message in cases:
        with pytest.raises(InterruptError, match=message) as caught:
            call()
        assert "\n" not in str(caught.value)
    breakpoint_program = AgentTranspiler.compile(approval_program().graph, interrupt_before=["approve"])
    with pytest.raises(RunPaused) as at_breakpoint:
        breakpoint_program(name="Ada")
    with pytest.raises(InterruptError, match="no question waiting"):
        breakpoint_program(_resume=at_breakpoint.value.checkpoint, _answer="yes")


async def test_a_value_that_is_not_json_fails_the_node_that_asked() -> None:
    g = Graph().add_node("ask", lambda s: {"x": interrupt(object())}, inline=True).add_edge("ask", END)
    events, error = await collect(AgentTranspiler.compile(g.set_entry_point("ask")).astream())
    assert isinstance(error, InterruptError) and error.node == "ask"
    assert "interrupt() in node 'ask'" in str(error) and "is not JSON" in str(error)
    assert by_kind(events, "error")[0]["node"] == "ask"


def test_breakpoints_stay_the_debuggers_and_are_not_questions() -> None:
    """`interrupt_before` pauses with when="before" and no interrupts, as it always did."""
    program = AgentTranspiler.compile(approval_program().graph, interrupt_before=["approve"])
    with pytest.raises(RunPaused) as paused:
        program(name="Ada")
    assert paused.value.when == "before" and paused.value.interrupts == [] and paused.value.value is None
    assert paused.value.checkpoint.to_dict().keys() == {"run_id", "step", "seq", "next", "state"}


async def test_a_node_that_runs_another_program_asks_for_itself_after_the_inner_run_ends() -> None:
    """`aforward` keeps one asking context for its whole run: a program run inside a node has its own, and the outer
    node's `interrupt()` after it still names the outer node (and a second sequential node asks under its own id)."""
    inner = AgentTranspiler.compile(Graph().add_node("inner", lambda s: {"y": 1}, inline=True).set_entry_point("inner"))

    async def outer(state: dict[str, Any]) -> dict[str, Any]:
        await inner.aforward()
        return {"first": interrupt("outer?")}

    g = Graph().add_node("outer", outer).add_node("then", lambda s: {"second": interrupt("then?")}, inline=True)
    program = AgentTranspiler.compile(g.add_edge("outer", "then").add_edge("then", END).set_entry_point("outer"))
    with pytest.raises(RunPaused) as first:
        await program.aforward()
    assert first.value.interrupts[0]["id"] == "outer:1.0:0"
    with pytest.raises(RunPaused) as second:
        await program.aforward(_resume=first.value.checkpoint, _answer=1)
    assert second.value.interrupts[0]["id"] == "then:2.0:0" and second.value.value == "then?"
    result = await program.aforward(_resume=second.value.checkpoint, _answer=2)
    assert (result.first, result.second) == (1, 2)
