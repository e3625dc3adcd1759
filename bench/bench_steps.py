"""Per-step engine overhead: a 1,000-step loop of one Python node and a router, at three state sizes.

The node increments ``i``; the router sends the run back to the node until ``i`` reaches 1,000.
The state also carries ``docs``, retrieved records that no step touches (id, source, text,
score; about 71 bytes of JSON each): none (0 KB), 100 (7 KB) or 1,000 (71 KB). An engine whose
cost per step does not depend on the state's size shows the same figure in all three columns.

Contenders, all in one process, interleaved trial by trial:

  dspyer-lab aforward (sync fns, threads)   the default: sync node and router each run in a worker thread
  dspyer-lab aforward (inline=True)         the same functions flagged cheap: run on the event loop
  dspyer-lab aforward (async fns)           async node and router: on the loop
  dspyer-lab astream (sync fns, threads)    the default, with every event made and read
  LangGraph ainvoke (sync fns)              LangGraph runs sync functions in its executor in async mode
  LangGraph ainvoke (async fns)
  pydantic-graph run (async node)           a BaseNode that returns itself or End (its nodes are async)

    pip install langgraph pydantic-graph     # not in the dev extra: only this benchmark needs them
    python bench/bench_steps.py              # 5 trials per contender and size (~2-4 min on 2 cores)
    python bench/bench_steps.py --repeats 3 --steps 500
    python bench/bench_steps.py --against /path/to/other/checkout --steps 5000 --repeats 9   # before/after

`--against` compares two trees' engines, dspyer-lab contenders only: two worker processes (this
tree's and the other's on PYTHONPATH) are asked for trials in turn, the first to go alternating by round.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypedDict

from dspyer_lab import END, AgentTranspiler, Graph

SIZES = {"0 KB": 0, "7 KB": 100, "71 KB": 1000}
"""Column label -> number of records in the state."""

Docs = list[dict[str, Any]]
Runner = Callable[[Docs], Awaitable[int]]


def make_docs(n: int) -> Docs:
    return [{"id": k, "source": f"doc-{k:04d}", "text": "lorem ipsum", "score": 0.5} for k in range(n)]


# --------------------------------------------------------------------------- dspyer-lab


def dspyer_lab_runners(steps: int) -> dict[str, Runner]:
    def tick(state: dict[str, Any]) -> dict[str, Any]:
        return {"i": state["i"] + 1}

    def route(state: dict[str, Any]) -> str:
        return "again" if state["i"] < steps else "stop"

    async def atick(state: dict[str, Any]) -> dict[str, Any]:
        return {"i": state["i"] + 1}

    async def aroute(state: dict[str, Any]) -> str:
        return "again" if state["i"] < steps else "stop"

    def program(node: Callable[..., Any], router: Callable[..., Any], **flags: Any) -> Any:
        g = Graph().add_node("tick", node, **flags)
        g.add_conditional_edges("tick", router, {"again": "tick", "stop": END}, **flags)
        return AgentTranspiler.compile(g.set_entry_point("tick"), max_steps=steps + 1)

    threaded, on_loop = program(tick, route), program(atick, aroute)

    async def run_aforward(prog: Any, docs: Docs) -> int:
        return (await prog.aforward(i=0, docs=docs))["i"]

    async def run_astream(docs: Docs) -> int:
        last: dict[str, Any] = {}
        async for event in threaded.astream(i=0, docs=docs):
            last = event
        return last["state"]["i"]

    runners: dict[str, Runner] = {
        "dspyer-lab aforward (sync fns, threads)": lambda docs: run_aforward(threaded, docs),
    }
    try:
        inline = program(tick, route, inline=True)
        runners["dspyer-lab aforward (inline=True)"] = lambda docs: run_aforward(inline, docs)
    except TypeError:  # an engine from before the inline= flag (for before/after figures)
        pass
    runners["dspyer-lab aforward (async fns)"] = lambda docs: run_aforward(on_loop, docs)
    runners["dspyer-lab astream (sync fns, threads)"] = run_astream
    return runners


# --------------------------------------------------------------------------- LangGraph


class LGState(TypedDict):
    i: int
    limit: int
    docs: Docs


def lg_tick(state: LGState) -> dict[str, Any]:
    return {"i": state["i"] + 1}


def lg_route(state: LGState) -> str:
    return "again" if state["i"] < state["limit"] else "stop"


async def lg_atick(state: LGState) -> dict[str, Any]:
    return {"i": state["i"] + 1}


async def lg_aroute(state: LGState) -> str:
    return "again" if state["i"] < state["limit"] else "stop"


def langgraph_runners(steps: int) -> dict[str, Runner]:
    try:
        from langgraph.graph import END as LG_END
        from langgraph.graph import StateGraph
    except ImportError:
        return {}

    def app(node: Callable[..., Any], router: Callable[..., Any]) -> Any:
        builder = StateGraph(LGState)
        builder.add_node("tick", node)
        builder.set_entry_point("tick")
        builder.add_conditional_edges("tick", router, {"again": "tick", "stop": LG_END})
        return builder.compile()

    sync_app, async_app = app(lg_tick, lg_route), app(lg_atick, lg_aroute)
    config = {"recursion_limit": 2 * steps + 10}

    async def run(compiled: Any, docs: Docs) -> int:
        return (await compiled.ainvoke({"i": 0, "limit": steps, "docs": docs}, config))["i"]

    return {
        "LangGraph ainvoke (sync fns)": lambda docs: run(sync_app, docs),
        "LangGraph ainvoke (async fns)": lambda docs: run(async_app, docs),
    }


# --------------------------------------------------------------------------- pydantic-graph

try:
    from pydantic_graph import BaseNode, End, GraphBuilder, GraphRunContext
except ImportError:
    GraphBuilder = None
else:

    @dataclass
    class PGState:
        limit: int
        i: int = 0
        docs: Docs = field(default_factory=list)

    @dataclass
    class Tick(BaseNode[PGState, None, int]):
        async def run(self, ctx: GraphRunContext[PGState]) -> Tick | End[int]:
            ctx.state.i += 1
            return Tick() if ctx.state.i < ctx.state.limit else End(ctx.state.i)


def pydantic_graph_runners(steps: int) -> dict[str, Runner]:
    if GraphBuilder is None:
        return {}
    builder = GraphBuilder(state_type=PGState, input_type=Tick, output_type=int, auto_instrument=False)
    builder.add(builder.edge_from(builder.start_node).to(Tick), builder.node(Tick))
    graph = builder.build()

    async def run(docs: Docs) -> int:
        return await graph.run(state=PGState(limit=steps, docs=docs), inputs=Tick())

    return {"pydantic-graph run (async node)": run}


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float
    cpu: float


def trial(runner: Runner, docs: Docs, steps: int) -> Sample:
    """One run on a fresh event loop (fresh default thread pool), timed; the result is checked."""
    gc.collect()
    loop = asyncio.new_event_loop()
    try:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = loop.run_until_complete(runner(docs))
        sample = Sample(time.perf_counter() - wall0, time.process_time() - cpu0)
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    if result != steps:
        raise AssertionError(f"the loop ended at i={result}, expected {steps}")
    return sample


class Worker:
    """This benchmark in a child process with `tree` first on PYTHONPATH: one trial per request, over pipes."""

    def __init__(self, tree: Path, steps: int) -> None:
        self.tree = tree
        env = {**os.environ, "PYTHONPATH": str(tree)}
        command = [sys.executable, __file__, "--worker", "--steps", str(steps)]
        self.process = subprocess.Popen(command, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.names: list[str] = json.loads(self._line())

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker on {self.tree} exited")
        return line

    def trial(self, name: str, label: str) -> Sample:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps([name, label]) + "\n")
        self.process.stdin.flush()
        return Sample(*json.loads(self._line()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def serve(steps: int) -> None:
    """The worker's side: name its dspyer-lab contenders, then run the trials asked for on stdin."""
    runners = dspyer_lab_runners(steps)
    docs = {label: make_docs(n) for label, n in SIZES.items()}
    print(json.dumps(list(runners)), flush=True)
    for line in sys.stdin:
        name, label = json.loads(line)
        sample = trial(runners[name], docs[label], steps)
        print(json.dumps([sample.wall, sample.cpu]), flush=True)


def versions() -> str:
    names = ("dspy", "langgraph", "pydantic-graph", "pydantic")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the contenders whose name contains this text")
    parser.add_argument("--against", type=Path, help="another checkout: its engine against this tree's, interleaved")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    steps = args.steps
    if args.worker:
        serve(steps)
        return
    docs = {label: make_docs(n) for label, n in SIZES.items()}
    sizes_kb = {label: len(json.dumps(d)) / 1000 for label, d in docs.items()}
    print(f"Python {platform.python_version()} on {platform.machine()}, {versions()}", file=sys.stderr)
    print(f"state sizes (JSON of docs): {', '.join(f'{k}: {v:.1f} kB' for k, v in sizes_kb.items())}", file=sys.stderr)
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    measure: dict[str, Callable[[str], Sample]] = {}  # contender -> one trial at a state size
    workers: list[Worker] = []
    if args.against is None:
        runners = {**dspyer_lab_runners(steps), **langgraph_runners(steps), **pydantic_graph_runners(steps)}
        for name, runner in runners.items():
            measure[name] = lambda label, runner=runner: trial(runner, docs[label], steps)  # type: ignore[misc]
    else:
        trees = {"this tree": Path(__file__).resolve().parent.parent, str(args.against): args.against.resolve()}
        workers = [Worker(tree, steps) for tree in trees.values()]
        for name in workers[0].names:
            for (where, _), worker in zip(trees.items(), workers):
                if name in worker.names:
                    measure[f"{name} [{where}]"] = lambda label, w=worker, n=name: w.trial(n, label)  # type: ignore[misc]
    measure = {name: m for name, m in measure.items() if args.only in name}

    for one in measure.values():  # warm-up: imports, first-call caches
        for label in SIZES:
            one(label)
    samples: dict[tuple[str, str], list[Sample]] = {(name, label): [] for name in measure for label in SIZES}
    for r in range(args.repeats):
        turns = list(measure.items()) if r % 2 == 0 else list(reversed(measure.items()))
        for label in SIZES:
            for name, one in turns:
                samples[name, label].append(one(label))
        print(f"trial {r + 1}/{args.repeats} done", file=sys.stderr)
    for worker in workers:
        worker.close()
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)

    def per_step(name: str, label: str, what: str) -> float:
        return statistics.median(getattr(s, what) for s in samples[name, label]) / steps * 1e6

    for what, title in (("wall", "wall time"), ("cpu", "process CPU")):
        print(f"\nMicroseconds per step ({title}, median of {args.repeats}), {steps}-step loop:\n")
        print("| contender | " + " | ".join(SIZES) + " | 71 KB / 0 KB |")
        print("|---|" + "---|" * (len(SIZES) + 1))
        for name in measure:
            cells = [per_step(name, label, what) for label in SIZES]
            print(f"| {name} | " + " | ".join(f"{c:,.1f}" for c in cells) + f" | {cells[-1] / cells[0]:.2f}x |")
    threaded_name, inline_name = "dspyer-lab aforward (sync fns, threads)", "dspyer-lab aforward (inline=True)"
    if threaded_name in measure and inline_name in measure:
        hop = per_step(threaded_name, "0 KB", "wall")
        saved = hop - per_step(inline_name, "0 KB", "wall")
        print(f"\nThread hop (sync node + sync router, vs inline=True): {saved:,.0f} us per step, wall time")


if __name__ == "__main__":
    main()
