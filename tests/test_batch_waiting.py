"""Batches whose runs ask a person: the waiting inputs, answering them in any order, and stopping.

What a user relies on: an input that reaches a question is ``waiting`` (in `Batch.status`, `batch.waiting()` oldest
first, `BatchStats`), the other inputs keep running, `run()` returns rather than waiting for a person (the
`RunPaused` in the waiting input's place), `batch.answer(index, ...)` resumes exactly that input (inside an open
stream, or in the next one) under the same index and run id, nothing is lost whatever the order of the
answers, and stopping the batch cancels the waiting runs.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

import dspy
import pytest
from pydantic import BaseModel, field_validator

from dspyer_lab import (
    END,
    AgentTranspiler,
    BatchStateError,
    BatchStats,
    Graph,
    HumanNode,
    InterruptError,
    RunPaused,
    ScriptedLM,
    StatefulNode,
)


class Query(BaseModel):
    query: str


class Draft(BaseModel):
    draft: str


class Verdict(BaseModel):
    """Approve the draft (and say how good it is)."""

    approved: bool
    grade: int

    @field_validator("grade")
    @classmethod
    def in_range(cls, value: int) -> int:
        if not 0 <= value <= 10:
            raise ValueError("grade must be from 0 to 10")
        return value


def program() -> Any:
    """write (LLM) -> review (a person) -> END."""
    g = Graph().add_node(StatefulNode("write", Query, Draft)).add_node(HumanNode("review", Draft, Verdict))
    g.add_edge("write", "review").add_edge("review", END).set_entry_point("write")
    return AgentTranspiler.compile(g, output_model=Verdict)


def script() -> ScriptedLM:
    return ScriptedLM({"write": lambda inputs: {"draft": f"draft of {inputs['query']}"}})


async def test_fifty_inputs_wait_are_answered_in_any_order_and_every_one_finishes_with_its_own_answer() -> None:
    n = 50
    batch = program().new_batch([{"query": f"q{i}"} for i in range(n)], concurrency=8)
    stats = BatchStats(n)
    with dspy.context(lm=script()):
        async for index, event in batch.events():
            stats.apply(index, event)
        outcomes = batch.outcomes()
        assert all(isinstance(o, RunPaused) for o in outcomes)
        waiting = batch.waiting()
        assert len(waiting) == n and stats.progress()["waiting"] == n and stats.count("running") == 0
        assert [w.since for w in waiting] == sorted(w.since for w in waiting)  # oldest first
        assert {w.index: w.interrupts[0]["inputs"] for w in waiting} == {i: {"draft": f"draft of q{i}"} for i in range(n)}
        assert {batch.status(i) for i in range(n)} == {"waiting"}
        order = list(range(n))
        random.Random(7).shuffle(order)
        for i in order:
            await batch.answer(i, {"approved": i % 2 == 0, "grade": i % 11})
        assert batch.waiting() == []  # answered: to be resumed by the next stream
        run_ids = {}
        async for index, event in batch.events():
            stats.apply(index, event)
            run_ids.setdefault(index, event["run_id"])
        results = batch.outcomes()
    assert [(r.approved, r.grade) for r in results] == [(i % 2 == 0, i % 11) for i in range(n)]  # type: ignore[union-attr]
    assert stats.progress()["finished"] == n and stats.progress()["waiting"] == 0
    assert all(run_ids[i] == outcomes[i].checkpoint.run_id for i in range(n))  # type: ignore[union-attr]  # same runs, resumed


async def test_answers_given_while_the_stream_runs_resume_in_it_and_a_wrong_one_waits_again() -> None:
    """A script answers from inside its loop: the stream stays open for the resumed run; a wrong answer gets the
    field errors and the input waits again, a right one finishes it; the stream ends when nothing is left."""
    batch = program().new_batch([{"query": "a"}, {"query": "b"}, {"query": "c"}], concurrency=1)
    seen: list[tuple[int, str]] = []
    with dspy.context(lm=script()):
        async for index, event in batch.events():
            seen.append((index, event["event"]))
            if event["event"] != "paused":
                continue
            if index == 0 and not event["interrupts"][0].get("errors"):
                await batch.answer(0, {"approved": True, "grade": 99})
            else:
                assert batch.status(index) == "waiting"
                await batch.answer(index, {"approved": True, "grade": 5})
    assert [batch.results[i].grade for i in range(3)] == [5, 5, 5]
    assert seen.count((0, "paused")) == 2 and seen.count((0, "validation_error")) == 1
    assert seen.count((0, "answer")) == 2
    first_finish = seen.index((0, "finished"))
    assert (1, "run_start") in seen[:first_finish]  # the others kept going while input 0 waited


async def test_run_returns_with_the_waiting_inputs_and_raises_their_pause_only_when_asked_to() -> None:
    with dspy.context(lm=script()):
        batch = program().new_batch([{"query": "a"}, {"query": "b"}])
        outcomes = await batch.run()
        assert [type(o) for o in outcomes] == [RunPaused, RunPaused]
        strict = program().new_batch([{"query": "a"}])
        with pytest.raises(RunPaused) as paused:
            await strict.run(return_exceptions=False)
        assert paused.value.node == "review" and strict.waiting()[0].paused is paused.value
        with pytest.raises(BatchStateError, match="answer one of the 1 waiting with batch.answer first"):
            await strict.run()
        await strict.answer(0, {"approved": False, "grade": 1})
        assert (await strict.run(return_exceptions=False))[0].grade == 1


async def test_answering_what_does_not_wait_is_one_clear_line_and_stopping_cancels_the_waiting_runs() -> None:
    batch = program().new_batch([{"query": "a"}, {"query": "b"}, {"query": "c"}], concurrency=1)
    stats = BatchStats(3)
    with dspy.context(lm=script()):
        async with contextlib.aclosing(batch.events()) as stream:
            async for index, event in stream:
                stats.apply(index, event)
                if event["event"] == "paused" and index == 1:
                    break  # stop the batch: inputs 0 and 1 wait
    stats.stopped()
    assert [batch.status(i) for i in range(2)] == ["cancelled", "cancelled"]
    assert [stats.examples[i].status for i in (0, 1)] == ["cancelled", "cancelled"]
    with pytest.raises(BatchStateError, match="the batch was stopped: input 0's run was cancelled"):
        await batch.answer(0, {"approved": True, "grade": 1})
    fresh = program().new_batch([{"query": "a"}])
    with dspy.context(lm=script()):
        await fresh.run()
    for index, answer, message in [
        (0, {"review:2.0:0": {"approved": True, "grade": 1}, "review:9.9:0": {}}, "'review:9.9:0', which is not waiting"),
        (0, {"approved": object()}, "is not JSON"),
    ]:
        with pytest.raises(InterruptError, match=message):
            await fresh.answer(index, answer)
    await fresh.answer(0, {"approved": True, "grade": 1})
    with pytest.raises(InterruptError, match="batch input 0 does not wait for an answer \\(its answer is being resumed\\)"):
        await fresh.answer(0, {"approved": True, "grade": 2})
