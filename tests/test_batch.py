"""Batch runs: `program.abatch` / `.batch` / `.abatch_stream` / `.new_batch`, and `BatchStats`.

Offline tests use `ScriptedLM`; rate limits and the concurrency bound go over real HTTP
(a real `dspy.LM` against the loopback `ChatServer`). Out-of-order completion and
mid-batch stops are forced with asyncio conditions, never with sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import dspy
import pytest
from http_helpers import Gate, aclose_lm, make_lm

from dspyer_lab import (
    AgentTranspiler,
    DspyerLabError,
    Graph,
    MaxStepsExceeded,
    NodeValidationError,
    OutputModelError,
    ScriptedLM,
    StatefulNode,
)
from dspyer_lab.core.batchstats import BatchStats, percentile
from dspyer_lab.testing import ChatServer

from core_helpers import Answer, Question, Summary, echo_chain_program, echo_script, settle


def echo_lm(**extra: Any) -> ScriptedLM:
    """Echo answers; a query containing "garbage" gets an unparseable answer on every attempt."""

    def answer(inputs: dict[str, Any]) -> Any:
        return "no fields here" if "garbage" in inputs["query"] else {"answer": f"A({inputs['query']})"}

    return ScriptedLM({**echo_script(), "answer": answer, **extra})


def held_program(hold: Callable[[dict[str, Any]], Any]) -> Any:
    """query -> [answer] (LLM) -> [hold] (async Python node, controlled by the test) -> END; output Answer."""
    g = Graph()
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node("hold", hold)
    g.add_edge("answer", "hold")
    g.set_entry_point("answer")
    return AgentTranspiler.compile(g, output_model=Answer)


# --------------------------------------------------------------------------- results


async def test_results_come_in_input_order_when_runs_finish_in_reverse() -> None:
    n = 6
    released: list[int] = []
    turn = asyncio.Condition()

    async def hold(state: dict[str, Any]) -> None:
        async with turn:  # run i may only end after runs n-1 .. i+1 have
            await turn.wait_for(lambda: len(released) == n - 1 - state["i"])
            released.append(state["i"])
            turn.notify_all()

    program = held_program(hold)
    with dspy.context(lm=echo_lm()):
        results = await program.abatch([{"query": f"q{i}", "i": i} for i in range(n)], concurrency=n)
    assert released == list(reversed(range(n)))
    assert [type(r) for r in results] == [Answer] * n
    assert [r.answer for r in results] == [f"A(q{i})" for i in range(n)]
    assert await settle() == set()


async def test_one_failure_never_stops_the_others() -> None:
    program = echo_chain_program()
    inputs = [{"query": "garbage" if i in (1, 4) else f"q{i}"} for i in range(6)]
    with dspy.context(lm=echo_lm()):
        results = await program.abatch(inputs, concurrency=2)
    assert [type(r).__name__ for r in results] == [
        "Summary", "NodeValidationError", "Summary", "Summary", "NodeValidationError", "Summary"
    ]
    assert results[0] == Summary(summary="S(A(q0))") and results[5] == Summary(summary="S(A(q5))")
    assert isinstance(results[1], NodeValidationError) and results[1].node == "answer"
    assert results[1] is not results[4]  # each run its own exception


def test_sync_batch_with_per_call_options() -> None:
    program = echo_chain_program()  # two nodes; _max_steps=1 stops every run after the first
    with dspy.context(lm=echo_lm()):
        ok = program.batch([{"query": "a"}, {"query": "b"}])
        stopped = program.batch([{"query": "a"}, {"query": "b"}], _max_steps=1)
        with pytest.raises(OutputModelError, match="lacks field"):  # the state after one node has no summary
            program.batch([{"query": "a"}], _max_steps=1, _on_max_steps="return", return_exceptions=False)
    assert ok == [Summary(summary="S(A(a))"), Summary(summary="S(A(b))")]
    assert len(stopped) == 2 and all(isinstance(r, MaxStepsExceeded) for r in stopped)


@contextlib.contextmanager
def refused(builtin: type[Exception], match: str) -> Iterator[None]:
    """`pytest.raises(builtin)`, and the error is in the package's family too."""
    with pytest.raises(builtin, match=match) as caught:
        yield
    assert isinstance(caught.value, DspyerLabError), repr(caught.value)


async def test_bad_arguments_are_refused_before_anything_runs() -> None:
    program = echo_chain_program()
    lm = echo_lm()
    with dspy.context(lm=lm):
        with refused(ValueError, match=r"Batch input 1 is a dspy.Example without input keys.*'query', 'gold'"):
            await program.abatch([{"query": "a"}, dspy.Example(query="b", gold="x")])
        with refused(TypeError, match="Batch input 2 is a str"):
            await program.abatch([{"query": "a"}, {"query": "b"}, "c"])
        with refused(TypeError, match="wrap a single input in a list"):
            await program.abatch({"query": "a"})
        with refused(ValueError, match=r"Batch input 0 has key\(s\) '_max_steps'"):
            await program.abatch([{"query": "a", "_max_steps": 3}])
        with refused(TypeError, match="Unknown option '_max_step'"):
            await program.abatch([{"query": "a"}], _max_step=3)
        with refused(TypeError, match="Unexpected keyword.*'num_threads'"):
            await program.abatch([{"query": "a"}], num_threads=3)
        with refused(ValueError, match="max_steps must be a positive integer"):
            await program.abatch([{"query": "a"}], _max_steps=0)
        with refused(ValueError, match="concurrency must be a positive integer"):
            await program.abatch([{"query": "a"}], concurrency=0)
    assert lm.calls == []
    assert await program.abatch([]) == []


async def test_dspy_examples_run_on_their_inputs_and_the_metric_sees_the_labels() -> None:
    program = echo_chain_program()
    examples = [
        dspy.Example(query="a", gold="S(A(a))").with_inputs("query"),
        dspy.Example(query="b", gold="wrong").with_inputs("query"),
        dspy.Example(query="garbage", gold="-").with_inputs("query"),
    ]
    seen: list[Any] = []

    def exact(example: dspy.Example, prediction: Summary) -> bool:
        seen.append((example, prediction))
        return prediction.summary == example.gold

    batch = program.new_batch(examples, metric=exact)
    with dspy.context(lm=echo_lm()):
        events = [pair async for pair in batch.events()]
    starts = [e for _, e in events if e["event"] == "run_start"]
    assert sorted(e["inputs"]["query"] for e in starts) == ["a", "b", "garbage"]
    assert all("gold" not in e["inputs"] for e in starts)  # labels stay out of the state
    assert batch.scores == {0: 1.0, 1: 0.0} and set(batch.errors) == {2}
    assert [ex for ex, _ in sorted(seen, key=lambda p: p[0].query)] == examples[:2]
    for index in (0, 1):  # score follows finished, in the run's own sequence
        kinds = [e["event"] for i, e in events if i == index]
        assert kinds[-2:] == ["finished", "score"]
        assert [e["seq"] for i, e in events if i == index] == list(range(len(kinds)))
    assert {i: r.summary for i, r in batch.results.items()} == {0: "S(A(a))", 1: "S(A(b))"}


async def test_a_failing_metric_is_recorded_not_raised() -> None:
    program = echo_chain_program()

    def broken(example: Any, prediction: Any) -> Any:
        return "high" if example["query"] == "a" else 0.5

    batch = program.new_batch([{"query": "a"}, {"query": "b"}], metric=broken)
    with dspy.context(lm=echo_lm()):
        stats = BatchStats(batch.total)
        async for index, event in batch.events():
            stats.apply(index, event)
    assert len(batch.results) == 2 and batch.scores == {1: 0.5}
    assert "returned 'high' for batch input 0" in str(batch.metric_errors[0])
    assert stats.examples[0].score is None and stats.examples[0].error_type == "MetricError"
    assert stats.mean_score == 0.25  # the unscored example counts 0, as in dspy.Evaluate


# --------------------------------------------------------------------------- stopping


async def test_without_return_exceptions_the_first_failure_is_raised_and_the_rest_cancelled() -> None:
    holding: set[int] = set()
    cancelled: set[int] = set()
    everyone_holds = asyncio.Condition()

    async def hold(state: dict[str, Any]) -> None:
        i = state["i"]
        if i == 0:
            return  # finishes at once
        async with everyone_holds:
            if i == 3:
                await everyone_holds.wait_for(lambda: len(holding) == 3)  # 1, 2, 4 are mid-run
                raise ValueError("input 3 is bad")
            holding.add(i)
            everyone_holds.notify_all()
        try:
            await asyncio.Event().wait()  # forever, unless cancelled
        except asyncio.CancelledError:
            cancelled.add(i)
            raise

    program = held_program(hold)
    batch = program.new_batch([{"query": f"q{i}", "i": i} for i in range(8)], concurrency=4)
    with dspy.context(lm=echo_lm()):
        with pytest.raises(ValueError, match="input 3 is bad") as raised:
            await batch.run(return_exceptions=False)
    assert "batch input 3" in "".join(raised.value.__notes__)
    assert cancelled == holding == {1, 2, 4}
    assert await settle() == set()  # nothing left running
    assert list(batch.results) == [0] and list(batch.errors) == [3]
    assert [batch.status(i) for i in range(8)] == [  # input 3's worker had moved on to input 5
        "finished", "cancelled", "cancelled", "failed", "cancelled", "cancelled", "pending", "pending"
    ]


async def test_abatch_return_exceptions_false_returns_typed_results_when_all_succeed() -> None:
    with dspy.context(lm=echo_lm()):
        results = await echo_chain_program().abatch([{"query": "x"}], return_exceptions=False)
    assert results == [Summary(summary="S(A(x))")]


@pytest.mark.parametrize("how", ["cancel the task", "break out of the stream"])
async def test_stopping_mid_batch_keeps_finished_results_and_leaves_nothing_running(how: str) -> None:
    blocked: set[int] = set()
    cancelled: set[int] = set()
    all_busy = asyncio.Event()

    async def hold(state: dict[str, Any]) -> None:
        i = state["i"]
        if i < 3:
            return
        blocked.add(i)
        if len(blocked) == 4:  # every worker holds a blocked run: 0, 1, 2 have ended
            all_busy.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.add(i)
            raise

    program = held_program(hold)
    batch = program.new_batch([{"query": f"q{i}", "i": i} for i in range(10)], concurrency=4)
    seen: list[tuple[int, str]] = []
    with dspy.context(lm=echo_lm()):
        if how == "cancel the task":
            task = asyncio.create_task(batch.run())
            await all_busy.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        else:
            stream = batch.events()
            async for index, event in stream:
                seen.append((index, event["event"]))
                if all_busy.is_set():
                    break
            await stream.aclose()
    assert await settle() == set()
    assert cancelled == blocked == {3, 4, 5, 6}
    assert {i: r.answer for i, r in batch.results.items()} == {0: "A(q0)", 1: "A(q1)", 2: "A(q2)"}
    assert [batch.status(i) for i in range(10)] == ["finished"] * 3 + ["cancelled"] * 4 + ["pending"] * 3
    with refused(RuntimeError, match="7 of 10 batch input"):
        batch.outcomes()
    with refused(IndexError, match=r"batch input index 10 out of range \(the batch has 10 inputs\)"):
        batch.status(10)
    if seen:
        assert {i for i, kind in seen if kind == "finished"} == {0, 1, 2}
    with refused(RuntimeError, match="runs once"):
        await batch.run()


# --------------------------------------------------------------------------- stats


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None and percentile([2.0], 95) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 95) == 95.0


async def test_stats_fold_nodes_edges_examples_scores_and_keep_failed_runs() -> None:
    g = Graph()
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node("check", lambda state: None)
    g.add_conditional_edges("check", lambda state: "again" if state["query"] == "loop" and state.get("n") is None else "done",
                            {"again": "mark", "done": "__end__"})
    g.add_node("mark", lambda state: {"n": 1})
    g.add_edge("answer", "check")
    g.add_edge("mark", "check")
    g.set_entry_point("answer")
    program = AgentTranspiler.compile(g, output_model=Answer)

    def answer(inputs: dict[str, Any]) -> Any:
        return "no fields here" if "garbage" in inputs["query"] else {"answer": inputs["query"].upper()}

    retry_once = {"count": 0}

    def flaky(inputs: dict[str, Any]) -> Any:  # "flaky": unparseable once, then fine
        retry_once["count"] += 1
        return "??" if retry_once["count"] == 1 else {"answer": "FLAKY"}

    lm = ScriptedLM({"answer": lambda inputs: flaky(inputs) if inputs["query"] == "flaky" else answer(inputs)})
    queries = ["a", "loop", "garbage", "flaky"] + [f"q{i}" for i in range(16)]
    examples = [dspy.Example(query=q, gold=q.upper()).with_inputs("query") for q in queries]
    stats = BatchStats(len(examples), sample_size=5)
    with dspy.context(lm=lm):
        async for index, event in program.abatch_stream(
            examples, concurrency=3, metric=lambda ex, pred: pred.answer == ex.gold
        ):
            stats.apply(index, event)

    nodes = stats.as_dict()["nodes"]
    assert list(nodes) == ["answer", "check", "mark"]
    assert nodes["answer"]["visits"] == 20 and nodes["answer"]["failures"] == 1
    assert nodes["answer"]["retries"] == 1 + 2  # flaky once, garbage twice (its third attempt is the last)
    assert nodes["check"]["visits"] == 19 + 1 and nodes["mark"]["visits"] == 1
    assert nodes["answer"]["p50"] is not None and nodes["answer"]["p50"] <= nodes["answer"]["p95"]
    assert stats.edges == {
        ("answer", "check", None): 19,
        ("check", "mark", "again"): 1,
        ("check", "__end__", "done"): 19,
        ("mark", "check", None): 1,
    }

    garbage, flaky_row, loop = stats.examples[2], stats.examples[3], stats.examples[1]
    assert (garbage.status, garbage.node, garbage.error_type, garbage.attempts) == (
        "failed", "answer", "NodeValidationError", 3
    )
    assert garbage.summary == 'query="garbage"' and garbage.duration is not None
    assert (flaky_row.status, flaky_row.attempts, flaky_row.score) == ("finished", 3, 1.0)  # answer twice, check
    assert loop.attempts == 4 and loop.score == 1.0  # answer, check, mark, check

    progress = stats.progress()
    assert (progress["total"], progress["done"], progress["finished"], progress["failed"]) == (20, 20, 19, 1)
    assert stats.mean_score == 19 / 20  # the failed example scores 0

    # Events kept: the failed run always, finished runs at indices 0, 4, 8, 12, 16 (sample of 5).
    assert stats.events_of(2)[-1]["event"] == "error"
    kept = {i for i in range(20) if stats.events_of(i) is not None}
    assert kept == {0, 2, 4, 8, 12, 16}
    assert all(stats.examples[i].kept == (i in kept) for i in range(20))
    assert [e["event"] for e in stats.events_of(0)][-2:] == ["finished", "score"]


def test_stats_to_pandas_and_plain_data() -> None:
    pd = pytest.importorskip("pandas")
    program = echo_chain_program()
    stats = BatchStats(3)
    with dspy.context(lm=echo_lm()):

        async def fold() -> None:
            async for index, event in program.abatch_stream([{"query": "a"}, {"query": "garbage"}, {"query": "b"}]):
                stats.apply(index, event)

        asyncio.run(fold())
    frame = stats.to_pandas()
    assert isinstance(frame, pd.DataFrame) and list(frame.index) == [0, 1, 2]
    assert list(frame["status"]) == ["finished", "failed", "finished"]
    assert frame.loc[1, "error_type"] == "NodeValidationError"
    assert set(stats.to_pandas("nodes").index) == {"answer", "summarize"}
    assert stats.to_pandas("edges")["count"].sum() == 4  # answer->summarize twice, summarize->END twice
    with refused(ValueError, match="table must be 'examples', 'nodes' or 'edges', got 'rows'"):
        stats.to_pandas("rows")  # type: ignore[arg-type]
    with refused(ValueError, match="sample_size must be an integer >= 0, got -1"):
        BatchStats(3, sample_size=-1)
    import json

    json.dumps(stats.as_dict())  # plain data all the way down


def test_stats_mark_a_stopped_batch_cancelled() -> None:
    stats = BatchStats(2)
    stats.apply(0, {"event": "run_start", "run_id": "r0", "seq": 0, "ts": 1.0, "inputs": {"q": "x" * 200}})
    stats.apply(0, {"event": "node_start", "run_id": "r0", "seq": 1, "ts": 1.5, "node": "n", "kind": "python"})
    stats.stopped()
    row = stats.examples[0]
    assert row.status == "cancelled" and row.kept and len(stats.events_of(0)) == 2
    assert len(row.summary) == 80 and row.summary.endswith("…")
    assert stats.progress()["cancelled"] == 1 and stats.mean_score is None


# --------------------------------------------------------------------------- over HTTP


def single_node_program() -> Any:
    g = Graph()
    g.add_node(StatefulNode("answer", Question, Answer))
    g.set_entry_point("answer")
    return AgentTranspiler.compile(g, output_model=Answer)


async def test_rate_limits_are_retried_by_the_client_and_reported_as_model_retries() -> None:
    program = echo_chain_program()
    with ChatServer() as server:
        lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key="test", cache=False, num_retries=3)
        server.rate_limit_next(3, retry_after=0)
        batch = program.new_batch([{"query": f"q{i}"} for i in range(4)], concurrency=2)
        stats = BatchStats(batch.total)
        events: list[tuple[int, dict[str, Any]]] = []
        try:
            with dspy.context(lm=lm):
                async for index, event in batch.events():
                    events.append((index, event))
                    stats.apply(index, event)
        finally:
            await aclose_lm(lm)
        assert server.rate_limited == 3 and server.request_count == 8  # 4 runs x 2 nodes answered
    assert len(batch.results) == 4 and not batch.errors
    assert (batch.model_retries, batch.rate_limited) == (3, 3)
    retries = [e for _, e in events if e["event"] == "model_retry"]
    assert len(retries) == 3 and all(e["rate_limited"] and e["error_type"] == "LMRateLimitError" for e in retries)
    assert {e["node"] for e in retries} <= {"answer", "summarize"} and all(e["retry_in"] == 0 for e in retries)
    assert all(e["attempt"] == 1 and "Rate limit" in e["error"] for e in retries)
    for index in range(4):  # model_retry events sit in their run's own sequence
        run = [e for i, e in events if i == index]
        assert [e["seq"] for e in run] == list(range(len(run)))
    assert stats.progress()["failed"] == 0
    assert sum(n.rate_limited for n in stats.nodes.values()) == 3
    assert all(n.failures == 0 and n.retries == 0 for n in stats.nodes.values())


async def test_a_run_whose_retries_run_out_is_rate_limited_not_a_node_failure() -> None:
    program = single_node_program()
    with ChatServer() as server:
        lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key="test", cache=False, num_retries=1)
        server.rate_limit_next(2, retry_after=0)  # the first run's two attempts
        stats = BatchStats(2)
        try:
            with dspy.context(lm=lm):
                batch = program.new_batch([{"query": "a"}, {"query": "b"}], concurrency=1)
                async for index, event in batch.events():
                    stats.apply(index, event)
        finally:
            await aclose_lm(lm)
    assert isinstance(batch.errors[0], dspy.LMRateLimitError) and batch.results[1].answer.startswith("answer ")
    assert stats.examples[0].status == "rate_limited" and stats.examples[1].status == "finished"
    assert stats.nodes["answer"].failures == 0 and stats.nodes["answer"].rate_limited == 1


async def test_concurrency_bound_is_respected_and_reached_over_http() -> None:
    concurrency = 5
    with ChatServer(responder=Gate(concurrency)) as server:  # holds requests until 5 wait at once
        lm = make_lm(server, "auto")
        try:
            with dspy.context(lm=lm):
                results = await single_node_program().abatch(
                    [{"query": f"q{i}"} for i in range(3 * concurrency)], concurrency=concurrency
                )
        finally:
            await aclose_lm(lm)
        assert server.request_count == 3 * concurrency
        assert server.max_in_flight == concurrency
    assert len({r.answer for r in results}) == 3 * concurrency


async def test_retries_of_an_lm_without_async_support_are_reported_from_its_worker_thread() -> None:
    """A sync-only LM runs in a worker thread; DSPy's retry there still reaches the batch's stream."""
    scripted = ScriptedLM(echo_script())
    answered = {"calls": 0}

    class RateLimitedTwice:  # DSPy's engine protocol, sync only: the first two requests get a 429
        def complete(self, request: Any) -> Any:
            answered["calls"] += 1
            if answered["calls"] <= 2:
                raise dspy.lm15.RateLimitError("slow down", retry_after=0)
            return scripted._respond(request)

    lm = dspy.LM("scripted/sync-only", cache=False, num_retries=3, engine=RateLimitedTwice())
    with dspy.context(lm=lm):
        batch = echo_chain_program().new_batch([{"query": "a"}])
        events = [event async for _, event in batch.events()]
    assert batch.results[0] == Summary(summary="S(A(a))")
    retries = [e for e in events if e["event"] == "model_retry"]
    assert [(e["node"], e["retry"], e["rate_limited"]) for e in retries] == [("answer", 1, True), ("answer", 2, True)]
    assert batch.rate_limited == 2
    assert [e["seq"] for e in events] == list(range(len(events)))
