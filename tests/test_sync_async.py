"""Concurrency and the sync entry point: concurrent runs never mix, model waits overlap
(native async, not a thread pool), and `program(**inputs)` works in a script, inside a
running loop, from worker threads and under dspy.Evaluate."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dspy
import pytest

from dspyer_lab import AgentTranspiler, NodeValidationError, ScriptedLM

from core_helpers import LMCallTracker, Summary, by_kind, chain_graph, collect, echo_chain_program, echo_script

REPO = Path(__file__).resolve().parent.parent


# -- concurrency -----------------------------------------------------------------------


async def test_fifty_concurrent_aforward_runs_never_mix_state() -> None:
    program = echo_chain_program()
    queries = [f"question-{i}" for i in range(50)]
    with dspy.context(lm=ScriptedLM(echo_script(), latency=0.01)):
        results = await asyncio.gather(*(program.aforward(query=q) for q in queries))
    assert [r.summary for r in results] == [f"S(A({q}))" for q in queries]


async def test_concurrent_astreams_have_distinct_run_ids_and_own_events() -> None:
    program = echo_chain_program()
    queries = [f"q{i}" for i in range(12)]
    with dspy.context(lm=ScriptedLM(echo_script(), latency=0.01)):
        outcomes = await asyncio.gather(*(collect(program.astream(query=q)) for q in queries))
    run_ids = set()
    for query, (events, error) in zip(queries, outcomes):
        assert error is None
        ids = {e["run_id"] for e in events}
        assert len(ids) == 1
        run_ids |= ids
        assert [e["seq"] for e in events] == list(range(len(events)))
        assert events[0]["inputs"] == {"query": query}
        assert by_kind(events, "finished")[0]["state"] == {"query": query, "answer": f"A({query})",
                                                           "summary": f"S(A({query}))"}
    assert len(run_ids) == len(queries)


async def test_twenty_concurrent_runs_overlap_their_model_calls() -> None:
    # Counted, not timed: a thread-pool fallback would cap overlap at the pool size
    # (min(32, cpus + 4) threads), a serial engine at 1.
    program = echo_chain_program()
    tracker = LMCallTracker()
    with dspy.context(lm=ScriptedLM(echo_script(), latency=0.2), callbacks=[tracker]):
        results = await asyncio.gather(*(program.aforward(query=f"q{i}") for i in range(20)))
    assert len(results) == 20
    assert tracker.started_count == 40  # two LLM nodes per run
    assert tracker.max_in_flight == 20


# -- the sync call ---------------------------------------------------------------------


def test_sync_call_in_a_plain_script() -> None:
    script = textwrap.dedent(
        """
        import dspy
        from pydantic import BaseModel
        from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode

        class Question(BaseModel):
            query: str

        class Answer(BaseModel):
            answer: str

        g = Graph()
        g.add_node(StatefulNode("answer", Question, Answer))
        g.set_entry_point("answer")
        program = AgentTranspiler.compile(g, output_model=Answer)
        dspy.configure(lm=ScriptedLM({"answer": lambda inputs: {"answer": inputs["query"][::-1]}}))
        result = program(query="olleh")
        print(type(result).__name__, result.answer)
        import sys
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("ipywidgets", "anywidget") or m.startswith("dspyer_lab.lab")))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    *_, answer, widget_modules = done.stdout.strip().splitlines()
    assert answer == "Answer hello"
    assert widget_modules == "[]"  # the core runs without the notebook layer (no widget imports)


async def test_sync_call_inside_a_running_loop_uses_the_callers_dspy_context() -> None:
    asyncio.get_running_loop()  # we are inside a running event loop, like a Jupyter cell
    assert dspy.settings.lm is None  # nothing global: only the caller's context can provide the LM
    program = echo_chain_program()
    with dspy.context(lm=ScriptedLM(echo_script())):
        result = program(query="in-loop")
        again = program.forward(query="forward")
    assert isinstance(result, Summary) and result.summary == "S(A(in-loop))"
    assert again.summary == "S(A(forward))"


async def test_sync_call_inside_a_running_loop_raises_the_original_exception() -> None:
    program = echo_chain_program()
    failing = ScriptedLM({"answer": {"answer": "a"}, "summarize": "unparseable"})
    with dspy.context(lm=failing):
        with pytest.raises(NodeValidationError) as info:
            program(query="q", _max_retries=0)
    assert info.value.node == "summarize"


def test_sync_call_from_eight_worker_threads() -> None:
    program = echo_chain_program()
    lm = ScriptedLM(echo_script(), latency=0.01)

    def work(i: int) -> str:
        with dspy.context(lm=lm):
            return program(query=f"t{i}").summary

    with ThreadPoolExecutor(max_workers=8) as pool:
        summaries = list(pool.map(work, range(32)))
    assert summaries == [f"S(A(t{i}))" for i in range(32)]
    assert len(lm.calls) == 64


def test_dspy_evaluate_runs_the_program_in_threads() -> None:
    program = echo_chain_program()
    devset = [dspy.Example(query=f"d{i}", summary=f"S(A(d{i}))").with_inputs("query") for i in range(6)]

    def metric(example: dspy.Example, prediction: Summary, trace: object = None) -> bool:
        return prediction.summary == example.summary

    with dspy.context(lm=ScriptedLM(echo_script())):
        evaluation = dspy.Evaluate(devset=devset, metric=metric, num_threads=4, display_progress=False)(program)
    assert evaluation.score == 100.0
    assert [prediction.summary for _, prediction, _ in evaluation.results] == [e.summary for e in devset]


def test_sync_program_without_output_model_returns_prediction() -> None:
    program = AgentTranspiler.compile(chain_graph())
    with dspy.context(lm=ScriptedLM(echo_script())):
        result = program(query="p")
    assert isinstance(result, dspy.Prediction) and result.summary == "S(A(p))"


# -- sync calls nested in nodes, in thread pools, and failing hard ------------------------------


def _doubler() -> AgentTranspiler:
    from dspyer_lab import Graph

    return AgentTranspiler.compile(Graph().add_node("double", lambda s: {"y": 2 * s["x"]}).set_entry_point("double"))


def _calling(inner, node_fn_name: str = "call") -> AgentTranspiler:
    """A program whose sync Python node calls `inner` synchronously."""
    from dspyer_lab import Graph

    return AgentTranspiler.compile(Graph().add_node(node_fn_name, lambda s: {"y": inner(x=s["x"]).y + 1}).set_entry_point(node_fn_name))


def test_sync_calls_nested_three_deep_in_python_nodes() -> None:
    outer = _calling(_calling(_doubler()))
    with ThreadPoolExecutor(1) as pool:  # a watchdog: a deadlock fails the test instead of hanging it
        assert pool.submit(outer, x=5).result(timeout=30).y == 12


async def test_sync_calls_nested_in_a_node_from_inside_a_running_loop() -> None:
    outer = _calling(_calling(_doubler()))
    assert await asyncio.wait_for(asyncio.to_thread(lambda: outer(x=1).y), 30) == 4
    assert outer(x=2).y == 6  # straight from the loop's thread (the Jupyter case)


def test_a_node_fanning_out_sync_calls_over_a_thread_pool() -> None:
    from dspyer_lab import Graph

    inner = _doubler()

    def fan_out(state):
        with ThreadPoolExecutor(4) as pool:
            return {"ys": list(pool.map(lambda x: inner(x=x).y, state["xs"]))}

    outer = AgentTranspiler.compile(Graph().add_node("fan", fan_out).set_entry_point("fan"))
    with ThreadPoolExecutor(1) as watchdog:
        assert watchdog.submit(outer, xs=[1, 2, 3]).result(timeout=30).ys == [2, 4, 6]


def test_sync_calls_from_threads_run_in_parallel() -> None:
    """Eight threads, each blocked in a node until all eight are inside one: serialized runs would break the barrier."""
    import threading

    from dspyer_lab import Graph

    barrier = threading.Barrier(8, timeout=20)
    program = AgentTranspiler.compile(
        Graph().add_node("meet", lambda s: {"seat": barrier.wait()}).set_entry_point("meet")
    )
    with ThreadPoolExecutor(8) as pool:
        seats = sorted(r.seat for r in pool.map(lambda _: program(), range(8)))
    assert seats == list(range(8))


async def test_system_exit_in_a_node_reaches_the_caller_and_the_next_call_works() -> None:
    from dspyer_lab import Graph

    def bail(state):
        raise SystemExit(3)

    quitter = AgentTranspiler.compile(Graph().add_node("bail", bail).set_entry_point("bail"))
    with pytest.raises(SystemExit):
        quitter()  # from inside a running loop: goes through the shared loop
    assert _doubler()(x=4).y == 8  # which is still alive
