"""Concurrency and the sync entry point: concurrent runs never mix, model waits overlap
(native async, not a thread pool), and `program(**inputs)` works in a script, inside a
running loop, from worker threads and under dspy.Evaluate."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
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


# -- sync callables never block the event loop ------------------------------------------


def _sleeping_router_program(barrier: threading.Barrier) -> AgentTranspiler:
    """start -> (a sync router that waits for the other runs' routers) -> END."""
    from dspyer_lab import END, Graph

    def slow_router(state: dict) -> str:
        barrier.wait()  # returns only once every concurrent run is inside its router at the same time
        return "done"

    g = Graph().add_node("start", lambda s: {"n": s["n"] + 1})
    g.add_conditional_edges("start", slow_router, {"done": END})
    return AgentTranspiler.compile(g.set_entry_point("start"))


async def test_four_runs_with_a_blocking_sync_router_overlap() -> None:
    """The sleeping-router case: on the loop, the first router would block it and the barrier would break."""
    barrier = threading.Barrier(4, timeout=20)
    program = _sleeping_router_program(barrier)
    results = await asyncio.gather(*(program.aforward(n=i) for i in range(4)))
    assert sorted(r.n for r in results) == [1, 2, 3, 4]


async def test_blocking_sync_nodes_of_concurrent_runs_overlap_and_the_loop_stays_free() -> None:
    from dspyer_lab import Graph

    barrier = threading.Barrier(3, timeout=20)
    program = AgentTranspiler.compile(Graph().add_node("meet", lambda s: {"seat": barrier.wait()}).set_entry_point("meet"))
    loop_ticks = 0

    async def heartbeat() -> None:
        nonlocal loop_ticks
        while True:
            loop_ticks += 1
            await asyncio.sleep(0)

    beat = asyncio.ensure_future(heartbeat())
    try:
        results = await asyncio.gather(*(program.aforward() for _ in range(3)))
    finally:
        beat.cancel()
    assert sorted(r.seat for r in results) == [0, 1, 2]
    assert loop_ticks > 0


async def test_sync_nodes_run_in_threads_with_the_callers_context_async_and_inline_ones_on_the_loop() -> None:
    import contextvars

    from dspyer_lab import Graph

    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="unset")
    seen: dict[str, tuple[int, str, object]] = {}

    def record(name: str):
        def fn(state: dict) -> None:
            seen[name] = (threading.get_ident(), request_id.get(), dspy.settings.lm)

        return fn

    async def in_async(state: dict) -> None:
        record("async")(state)

    g = (
        Graph()
        .add_node("threaded", record("threaded"))
        .add_node("async", in_async)
        .add_node("inline", record("inline"), inline=True)
        .add_edge("threaded", "async")
        .add_edge("async", "inline")
        .set_entry_point("threaded")
    )
    lm = ScriptedLM({})
    request_id.set("req-7")
    with dspy.context(lm=lm):
        await AgentTranspiler.compile(g).aforward()
    loop_thread = threading.get_ident()
    assert seen["async"][0] == loop_thread and seen["inline"][0] == loop_thread
    assert seen["threaded"][0] != loop_thread
    assert {v[1] for v in seen.values()} == {"req-7"}  # context variables travel into the thread
    assert all(v[2] is lm for v in seen.values())  # and so does dspy.context


async def test_inline_router_runs_on_the_loop_and_a_sync_one_in_a_thread() -> None:
    from dspyer_lab import END, Graph

    threads: dict[str, int] = {}

    def router_named(name: str, decision: str):
        def decide(state: dict) -> str:
            threads[name] = threading.get_ident()
            return decision

        return decide

    g = Graph().add_node("a", lambda s: None, inline=True).add_node("b", lambda s: None, inline=True)
    g.add_conditional_edges("a", router_named("inline", "on"), {"on": "b"}, inline=True)
    g.add_conditional_edges("b", router_named("threaded", "stop"), {"stop": END})
    await AgentTranspiler.compile(g.set_entry_point("a")).aforward()
    assert threads["inline"] == threading.get_ident() != threads["threaded"]


async def test_a_loop_of_inline_sync_nodes_lets_the_event_loop_run_between_steps() -> None:
    """A view attached to a run of cheap sync nodes animates: other tasks run while the loop goes round."""
    from dspyer_lab import END, Graph

    g = Graph().add_node("count", lambda s: {"i": s["i"] + 1}, inline=True)
    g.add_conditional_edges("count", lambda s: "again" if s["i"] < 50 else "stop", {"again": "count", "stop": END},
                            inline=True)
    program = AgentTranspiler.compile(g.set_entry_point("count"), max_steps=100)
    progress: list[int] = []
    run = program.new_run(i=0)

    async def watch() -> None:
        while True:
            progress.append(run.state.get("i", 0))
            await asyncio.sleep(0)

    watcher = asyncio.ensure_future(watch())
    try:
        assert (await run.finish()).i == 50
    finally:
        watcher.cancel()
    assert any(0 < i < 50 for i in progress)  # the watcher saw the run mid-way


def test_inline_is_for_python_callables_only() -> None:
    from dspyer_lab import END, Graph, GraphDefinitionError, StatefulNode

    from core_helpers import Answer, Question

    with pytest.raises(GraphDefinitionError, match="inline= applies to Python nodes"):
        Graph().add_node(StatefulNode("answer", Question, Answer), inline=True)
    with pytest.raises(GraphDefinitionError, match="inline= applies to callables"):
        Graph().add_node("a", lambda s: None).add_conditional_edges(
            "a", StatefulNode("judge", Answer, Question), {"x": END}, inline=True
        )


async def test_a_stop_iteration_in_a_threaded_node_fails_the_run_instead_of_hanging_it() -> None:
    from dspyer_lab import Graph

    def exhausted(state: dict) -> dict:
        return {"x": next(iter([]))}  # StopIteration: an asyncio future cannot carry it

    program = AgentTranspiler.compile(Graph().add_node("pick", exhausted).set_entry_point("pick"))
    events, error = await asyncio.wait_for(collect(program.astream()), 30)
    assert isinstance(error, RuntimeError) and isinstance(error.__cause__, StopIteration)
    assert by_kind(events, "error")[0]["node"] == "pick"
