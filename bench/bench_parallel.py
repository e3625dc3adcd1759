"""Parallel branches against a model server: wall time of a fan-out and of a Send map, vs the ideal.

Two graphs, every LLM call made by `dspy` against the loopback `ChatServer` (each answer waits
`--latency`, default 0.2 s), so the ideal wall time is a number of waves times the latency:

  fan-out   start -> 8 LLM nodes at once -> a join into write          ideal: 1 wave   (0.2 s)
  map       fetch -> a Send per document (100) to one LLM node,         ideal: 7 waves  (1.4 s)
            max_concurrency=16, its notes merged by operator.add

Contenders: hand-written (the same `dspy.Predict` calls under `asyncio.gather`, a semaphore for the
map: what dspy itself costs, the floor for a graph engine), dspyer-lab `aforward`, and (if installed:
``pip install langgraph``) the same graphs in LangGraph (`Send`, fan-out, a join with a list of
sources, ``max_concurrency`` in the config), whose nodes call the same `dspy.Predict` signatures, so
all make the same HTTP calls. Every trial gets a fresh server, `dspy.LM` and event loop; trials are
interleaved (hand-written, ours, LangGraph, hand-written, ...). The CPU column is the process's
(client and the server's thread): on a small machine a wall time over the ideal is mostly that.

A third case has no model at all: the engine's own cost per superstep in a loop of 2-branch fan-outs
(`r` -> (`a`, `b`) -> a join back into `r`, every node and `r`'s router a trivial ``async def`` run on
the loop, the router ending the loop after N rounds: 2 supersteps a round, one of them a fan-out), ours (`aforward`,
no events) vs LangGraph's `ainvoke` of the same graph, interleaved in one process, microseconds per superstep.

    python bench/bench_parallel.py                  # 5 trials per graph and contender
    python bench/bench_parallel.py --repeats 3 --latency 0.5
    python bench/bench_parallel.py --only superstep --rounds 2000
"""

from __future__ import annotations

import argparse
import asyncio
import math
import operator
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from importlib import metadata
from typing import Annotated, Any, TypedDict

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download

import dspy
from pydantic import BaseModel, Field, create_model

from dspyer_lab import END, AgentTranspiler, Graph, Send, StatefulNode
from dspyer_lab.testing import ChatServer

BRANCHES, DOCS, MAP_CONCURRENCY = 8, 100, 16

Case = Callable[[], Awaitable[None]]
"""One run of a graph (built before the clock starts), checking its result."""


class Question(BaseModel):
    question: str = Field(description="The user's question")


ANSWERS = [create_model(f"Answer{k}", **{f"a{k}": (str, Field(description=f"Answer {k}"))}) for k in range(BRANCHES)]


class Doc(BaseModel):
    doc: str = Field(description="A retrieved document")


class Notes(BaseModel):
    notes: Annotated[list[str], operator.add] = Field(description="Notes on the document")


# --------------------------------------------------------------------------- hand-written


def signature(inputs: type[BaseModel], outputs: type[BaseModel]) -> type[dspy.Signature]:
    """The dspy signature of an LLM node (what the hand-written and LangGraph contenders call)."""
    fields: dict[str, tuple[Any, Any]] = {n: (str, dspy.InputField(desc=f.description)) for n, f in inputs.model_fields.items()}
    fields.update({n: (f.annotation, dspy.OutputField(desc=f.description)) for n, f in outputs.model_fields.items()})
    return dspy.Signature(fields)




def hand_fanout() -> Case:
    predicts = [dspy.Predict(signature(Question, answer)) for answer in ANSWERS]

    async def run() -> None:
        answers = await asyncio.gather(*(p.acall(question="q") for p in predicts))
        assert len(answers) == BRANCHES

    return run


def hand_map() -> Case:
    predict = dspy.Predict(signature(Doc, Notes))

    async def run() -> None:
        gate = asyncio.Semaphore(MAP_CONCURRENCY)

        async def summarize(doc: str) -> list[str]:
            async with gate:
                return (await predict.acall(doc=doc)).notes

        notes = await asyncio.gather(*(summarize(f"d{i}") for i in range(DOCS)))
        assert len(notes) == DOCS

    return run


# --------------------------------------------------------------------------- dspyer-lab


def ours_fanout() -> Case:
    g = Graph().add_node("start", lambda state: None, inline=True)
    for k, answer in enumerate(ANSWERS):
        g.add_node(StatefulNode(f"b{k}", Question, answer))
        g.add_edge("start", f"b{k}")
    g.add_node("write", lambda state: {"done": True}, inline=True)
    g.add_edge([f"b{k}" for k in range(BRANCHES)], "write")
    program = AgentTranspiler.compile(g.set_entry_point("start"))

    async def run() -> None:
        state = await program.aforward(question="q")
        assert state["done"] and all(f"a{k}" in state for k in range(BRANCHES)), state

    return run


def ours_map() -> Case:
    g = Graph().add_node("fetch", lambda state: None, inline=True)
    g.add_node(StatefulNode("summarize", Doc, Notes))
    g.add_conditional_edges("fetch", lambda state: [Send("summarize", {"doc": d}) for d in state["docs"]], ["summarize"])
    program = AgentTranspiler.compile(g.set_entry_point("fetch"), max_concurrency=MAP_CONCURRENCY)

    async def run() -> None:
        state = await program.aforward(docs=[f"d{i}" for i in range(DOCS)])
        assert len(state["notes"]) >= DOCS, len(state["notes"])

    return run


# --------------------------------------------------------------------------- LangGraph


class FanState(TypedDict, total=False):
    question: str
    answers: Annotated[list[str], operator.add]
    done: bool


class MapState(TypedDict, total=False):
    docs: list[str]
    doc: str
    notes: Annotated[list[str], operator.add]


def langgraph_cases() -> dict[str, Case] | None:
    try:
        from langgraph.graph import END, START, StateGraph
        from langgraph.types import Send as LGSend
    except ImportError:
        return None

    def lg_fanout() -> Case:
        builder = StateGraph(FanState)
        builder.add_node("start", lambda state: {})
        for k, answer in enumerate(ANSWERS):
            predict = dspy.Predict(signature(Question, answer))

            async def branch(state: FanState, predict: dspy.Predict = predict, k: int = k) -> dict[str, Any]:
                return {"answers": [getattr(await predict.acall(question=state["question"]), f"a{k}")]}

            builder.add_node(f"b{k}", branch)
            builder.add_edge("start", f"b{k}")
        builder.add_node("write", lambda state: {"done": True})
        builder.add_edge([f"b{k}" for k in range(BRANCHES)], "write")
        builder.add_edge(START, "start")
        builder.add_edge("write", END)
        app = builder.compile()

        async def run() -> None:
            state = await app.ainvoke({"question": "q"})
            assert state["done"] and len(state["answers"]) == BRANCHES, state

        return run

    def lg_map() -> Case:
        predict = dspy.Predict(signature(Doc, Notes))

        async def summarize(state: MapState) -> dict[str, Any]:
            return {"notes": (await predict.acall(doc=state["doc"])).notes}

        builder = StateGraph(MapState)
        builder.add_node("fetch", lambda state: {})
        builder.add_node("summarize", summarize)
        builder.add_edge(START, "fetch")
        builder.add_conditional_edges("fetch", lambda state: [LGSend("summarize", {"doc": d}) for d in state["docs"]])
        builder.add_edge("summarize", END)
        app = builder.compile()

        async def run() -> None:
            state = await app.ainvoke({"docs": [f"d{i}" for i in range(DOCS)]}, {"max_concurrency": MAP_CONCURRENCY})
            assert len(state["notes"]) >= DOCS, len(state["notes"])

        return run

    return {"fan-out": lg_fanout, "map": lg_map}  # type: ignore[dict-item]


# --------------------------------------------------------------------------- engine cost per superstep


Loop = Callable[[], Coroutine[Any, Any, int]]
"""One run of a superstep loop (built before the clock starts), returning the supersteps it ran."""


class LoopState(TypedDict, total=False):
    n: int


async def count(state: Any) -> dict[str, Any]:
    return {"n": state["n"] + 1}


async def nothing(state: Any) -> dict[str, Any]:
    return {}


def decide(rounds: int, end: str, keys: str | list[str]) -> Callable[[Any], Awaitable[Any]]:
    """r's router: `keys` until `rounds` rounds ran (async, as the nodes: nothing goes to a thread)."""

    async def route(state: Any) -> Any:
        return keys if state["n"] < rounds else end

    return route


def ours_superstep(rounds: int) -> Loop:
    """r -> (a, b) -> a join back into r, `rounds` times; returns the supersteps run."""
    g = Graph().add_node("r", count).add_node("a", nothing).add_node("b", nothing)
    g.add_conditional_edges("r", decide(rounds, END, ["a", "b"]), {"a": "a", "b": "b", END: END})
    return _ours_loop(g.add_edge(["a", "b"], "r"), rounds)


def ours_sequential(rounds: int) -> Loop:
    """The same loop with one branch (r -> a -> r): what a superstep of one task costs, for reference."""
    g = Graph().add_node("r", count).add_node("a", nothing)
    g.add_conditional_edges("r", decide(rounds, END, "a"), {"a": "a", END: END})
    return _ours_loop(g.add_edge("a", "r"), rounds)


def _ours_loop(g: Graph, rounds: int) -> Loop:
    """The loop `g` (entered at r) compiled and run once per call, checked to have gone round `rounds` times."""
    program = AgentTranspiler.compile(g.set_entry_point("r"), max_steps=2 * rounds + 2)

    async def run() -> int:
        state = await program.aforward(n=0)
        assert state["n"] == rounds, state
        return 2 * rounds + 1

    return run


def langgraph_superstep(rounds: int) -> Loop | None:
    try:
        from langgraph.graph import END as LG_END
        from langgraph.graph import START, StateGraph
    except ImportError:
        return None
    builder = StateGraph(LoopState)
    builder.add_node("r", count).add_node("a", nothing).add_node("b", nothing)
    builder.add_edge(START, "r")
    builder.add_conditional_edges("r", decide(rounds, LG_END, ["a", "b"]))
    builder.add_edge(["a", "b"], "r")
    app = builder.compile()

    async def run() -> int:
        state = await app.ainvoke({"n": 0}, {"recursion_limit": 2 * rounds + 10})
        assert state["n"] == rounds, state
        return 2 * rounds + 1

    return run


async def timed_loop(run: Loop) -> tuple[float, float]:
    """Wall and CPU microseconds per superstep of one run (the event loop made and closed outside the clock)."""
    started, cpu = time.perf_counter(), time.process_time()
    steps = await run()
    return (time.perf_counter() - started) / steps * 1e6, (time.process_time() - cpu) / steps * 1e6


def superstep_bench(rounds: int, repeats: int) -> None:
    contenders = {"dspyer-lab aforward": ours_superstep(rounds)}
    theirs = langgraph_superstep(rounds)
    if theirs is None:
        print("\nLangGraph is not importable (pip install langgraph): ours alone.")
    else:
        contenders["LangGraph ainvoke"] = theirs
    contenders["dspyer-lab aforward, one branch (r -> a -> r)"] = ours_sequential(rounds)
    for run in contenders.values():  # warm-up
        asyncio.run(run())
    print(f"\nload average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():  # interleaved: a drift of the machine hits every contender
            samples[name].append(asyncio.run(timed_loop(run)))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nEngine cost per superstep: a loop of {rounds} rounds (r, then a and b at once, joined back into r), "
          f"{2 * rounds + 1} supersteps, trivial async nodes; median [min-max] of {repeats}:\n")
    print("| contender | wall us per superstep | CPU us per superstep |")
    print("|---|---|---|")
    for name, runs in samples.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"| {name} | {statistics.median(walls):.1f} [{min(walls):.1f}-{max(walls):.1f}] | "
              f"{statistics.median(cpus):.1f} [{min(cpus):.1f}-{max(cpus):.1f}] |")


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float
    cpu: float
    """The process's CPU seconds (client and the server's thread)."""
    in_flight: int
    """The most calls the server held at once."""


def trial(make: Callable[[], Case], latency: float) -> Sample:
    """One run on a fresh server, `dspy.LM` and event loop."""

    async def timed(base_url: str) -> tuple[float, float]:
        lm = dspy.LM("openai/test-model", api_base=base_url, api_key="test", cache=False)
        try:
            with dspy.context(lm=lm):
                run = make()
                started, cpu = time.perf_counter(), time.process_time()
                await run()
                return time.perf_counter() - started, time.process_time() - cpu
        finally:
            await lm.aclose()

    with ChatServer(latency=latency) as server:
        wall, cpu = asyncio.run(timed(server.base_url))
        return Sample(wall, cpu, server.max_in_flight)


def versions() -> str:
    found = []
    for name in ("dspy", "langgraph", "litellm"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"Python {platform.python_version()}, nproc={os.cpu_count()}, " + ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--only", choices=["http", "superstep"], help="one part of the bench (default: both)")
    parser.add_argument("--rounds", type=int, default=1000, help="rounds of the superstep loop (2 supersteps each)")
    args = parser.parse_args()
    print(versions())
    if args.only != "superstep":
        http_bench(args.repeats, args.latency)
    if args.only != "http":
        superstep_bench(args.rounds, args.repeats)


def http_bench(repeats: int, latency: float) -> None:
    """The fan-out and the map against the loopback server, every contender interleaved."""
    ideal = {"fan-out": latency, "map": math.ceil(DOCS / MAP_CONCURRENCY) * latency}
    targets = {"fan-out": 1.25, "map": 1.15}
    contenders: dict[str, dict[str, Callable[[], Case]]] = {
        "hand-written": {"fan-out": hand_fanout, "map": hand_map},
        "dspyer-lab": {"fan-out": ours_fanout, "map": ours_map},
    }
    theirs = langgraph_cases()
    if theirs is not None:
        contenders["LangGraph"] = theirs  # type: ignore[assignment]
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for cases in contenders.values():  # warm-up: imports, first-call caches
        for make in cases.values():
            trial(make, latency)
    samples: dict[tuple[str, str], list[Sample]] = {(c, g): [] for c in contenders for g in ideal}
    for _ in range(repeats):
        for graph in ideal:
            for name, cases in contenders.items():
                samples[name, graph].append(trial(cases[graph], latency))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nWall time, median [min-max] of {repeats}, latency {latency} s:\n")
    print("| graph | contender | wall (s) | vs ideal | target | CPU (s) | most calls in flight |")
    print("|---|---|---|---|---|---|---|")
    for graph, best in ideal.items():
        for name in contenders:
            runs = samples[name, graph]
            walls = [s.wall for s in runs]
            median = statistics.median(walls)
            print(f"| {graph} (ideal {best:.1f} s) | {name} | {median:.3f} [{min(walls):.3f}-{max(walls):.3f}] | "
                  f"{median / best:.2f}x | {targets[graph]}x | {statistics.median(s.cpu for s in runs):.3f} | "
                  f"{max(s.in_flight for s in runs)} |")


if __name__ == "__main__":
    main()
