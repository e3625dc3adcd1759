"""What recording to the run store costs: the same runs with and without `dspyer_lab.record_to(store)`.

Ours against ours, one process, trials interleaved (the four ways of each trial in a rotating order), each timed
in wall time and in process CPU (the store's writer thread counts: it is this process's). A recorded run is timed
until `store.wait()` returns, i.e. until its last event and its finished row are committed (the store writes in a
thread of its own, every 500 ms or when `wait` asks: this includes the last of those writes). Target: at most
1.1x. Two baselines, side by side:

  (a) no events: `aforward` without the store, which makes no events at all; against it, the same with the
      store, which then makes the run's events (so the ratio counts making them too). For a batch, `abatch`
      (which drains the batch's event stream itself: (a) and (b) run the same engine path there);
  (b) streamed: `astream` (the batch's `events()`) consuming the run's events without the store, which is what a
      LabView, a %%dspyer cell or a BatchView pays anyway; against it, the same with the store: the ratio counts
      only the store's own work.

  step-llm     a 200-step run: one LLM node (ScriptedLM, DSPy's adapter formats and parses each call)
               looping through a Python router
  step-python  the same 200 steps as a Python node (microseconds each): the store's worst case, three events
               a step and nothing else to do
  batch        1,000 examples of a two-LLM-node chain (ScriptedLM), concurrency 64: `abatch` (a) or the batch's
               event stream (b); every example recorded vs none
  batch-50ms   the same batch with each model answer taking 50 ms (`ScriptedLM(latency=0.05)`): a model's
               latency, as real runs have it

    python bench/bench_store.py                     # 5 trials each
    python bench/bench_store.py --repeats 9 --contenders step-llm
    python bench/bench_store.py --decompose --latency 0.05   # where a batch's cost goes (below)

--decompose: the 1,000-example batch (`abatch`, model latency --latency) without the store, then recorded with the
writer thread doing less than it does: ``drop`` (it takes the runs' events and writes nothing: what recording costs
the runs themselves), ``encode`` (it masks and encodes them, writes nothing), ``full`` (the store as it is);
interleaved trials, the ratio over the same trial's run without the store.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download

import dspy
from pydantic import BaseModel

import dspyer_lab
from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.lab.model.store import RunStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from core_helpers import echo_chain_program, echo_script  # noqa: E402

STEPS = 200


class Count(BaseModel):
    i: int


class Counted(BaseModel):
    n: int


def loop_program(llm: bool) -> Any:
    def tick(state: dict[str, Any]) -> dict[str, Any]:
        return {"i": state["i"] + 1}

    def route(state: dict[str, Any]) -> str:
        return "again" if state["n" if llm else "i"] < STEPS else "stop"

    g = Graph().add_node(StatefulNode("tick", Count, Counted)) if llm else Graph().add_node("tick", tick)
    g.add_conditional_edges("tick", route, {"again": "tick", "stop": END})
    return AgentTranspiler.compile(g.set_entry_point("tick"), max_steps=STEPS + 1)


Contender = Callable[[bool, bool], Awaitable[Any]]
"""One way to run a scenario: (stream its events, record to the store)."""

WAYS = [(False, False), (False, True), (True, False), (True, True)]  # (stream, record)


def contenders(store: RunStore) -> dict[str, Contender]:
    llm_loop, python_loop, chain = loop_program(True), loop_program(False), echo_chain_program()
    counter = itertools.count(1)
    counting = ScriptedLM({"tick": lambda inputs: {"n": next(counter) % (STEPS + 1)}})  # 1 ... STEPS, then again
    chain_lm, slow_lm = ScriptedLM(echo_script()), ScriptedLM(echo_script(), latency=0.05)
    inputs = [{"query": f"q{k}"} for k in range(1000)]

    async def step_llm(stream: bool, record: bool) -> Any:
        with dspy.context(lm=counting):
            if not stream:
                return await llm_loop.aforward(i=0, n=0, _record=record)
            async for _ in llm_loop.astream(i=0, n=0, _record=record):
                pass

    async def step_python(stream: bool, record: bool) -> Any:
        if not stream:
            return await python_loop.aforward(i=0, _record=record)
        async for _ in python_loop.astream(i=0, _record=record):
            pass

    def batch(lm: ScriptedLM) -> Contender:
        async def run(stream: bool, record: bool) -> Any:
            with dspy.context(lm=lm), dspyer_lab.record_to(store if record else None):
                if not stream:
                    return await chain.abatch(inputs, concurrency=64)
                async for _ in chain.new_batch(inputs, concurrency=64).events():
                    pass

        return run

    return {"step-llm": step_llm, "step-python": step_python, "batch": batch(chain_lm), "batch-50ms": batch(slow_lm)}


def decompose(store: RunStore, repeats: int, latency: float) -> None:
    """--decompose: the batch with the writer thread doing nothing, encoding only, and everything."""
    chain, lm = echo_chain_program(), ScriptedLM(echo_script(), latency=latency)
    inputs = [{"query": f"q{k}"} for k in range(1000)]
    write = RunStore._write_items

    def drop(self: RunStore, items: list[Any]) -> None:
        for recording, events, _ in items:
            if recording is None:
                events.set()

    def encode(self: RunStore, items: list[Any]) -> None:
        for recording, events, closed in items:
            if recording is None:
                events.set()
            else:
                recording.encode(events, closed)

    ways: dict[str, Any] = {"none": None, "drop": drop, "encode": encode, "full": write}

    async def batch(record: bool) -> None:
        with dspy.context(lm=lm), dspyer_lab.record_to(store if record else None):
            await chain.abatch(inputs, concurrency=64)

    def once(way: str) -> tuple[float, float]:
        RunStore._write_items = ways[way] or write  # type: ignore[method-assign]
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        asyncio.run(batch(ways[way] is not None))
        store.wait()
        return time.perf_counter() - wall, time.process_time() - cpu

    try:
        for way in ways:
            once(way)  # warm-up
        load = os.getloadavg()[0]
        names = list(ways)
        samples: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
        for trial in range(repeats):
            for way in names[trial % 4:] + names[:trial % 4]:
                samples[way].append(once(way))
    finally:
        RunStore._write_items = write  # type: ignore[method-assign]
    base = samples["none"]
    print(f"batch, 1,000 examples, model latency {latency} s: wall ms (cpu ms), ratio over the same trial's run "
          f"without the store, medians of {repeats}; load {load:.2f}-{os.getloadavg()[0]:.2f}")
    for way, runs in samples.items():
        ratio = statistics.median(b[0] / a[0] for a, b in zip(base, runs))
        ratio_cpu = statistics.median(b[1] / a[1] for a, b in zip(base, runs))
        print(f"  {way:7} {statistics.median(w for w, _ in runs) * 1000:7.0f} "
              f"({statistics.median(c for _, c in runs) * 1000:7.0f})  {ratio:4.2f}x ({ratio_cpu:4.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--contenders", nargs="*", default=["step-llm", "step-python", "batch", "batch-50ms"])
    parser.add_argument("--decompose", action="store_true", help="where the batch's cost goes (see above)")
    parser.add_argument("--latency", type=float, default=0.0, help="--decompose: each model answer's latency, s")
    args = parser.parse_args()
    if args.decompose:
        with tempfile.TemporaryDirectory() as folder:
            store = RunStore(Path(folder) / "runs.sqlite")
            decompose(store, args.repeats, args.latency)
            store.close()
        return
    print(f"python {platform.python_version()} · {os.cpu_count()} cpus · medians of {args.repeats} · "
          "wall ms (cpu ms); ratio: median over trials of with the store / without in the same trial, wall (cpu)")
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "runs.sqlite")
        os.environ["DSPYER_LAB_STORE"] = str(store.path)  # `_record=True` goes to this store
        runners = contenders(store)
        for name in args.contenders:
            run = runners[name]
            for stream, record in WAYS:  # warm-up: imports, caches, the graph's description
                asyncio.run(run(stream, record))
            store.wait()
            load = os.getloadavg()[0]
            samples: dict[tuple[bool, bool], list[tuple[float, float]]] = {way: [] for way in WAYS}
            for trial in range(args.repeats):
                for stream, record in WAYS[trial % 4:] + WAYS[:trial % 4]:  # who goes first rotates
                    gc.collect()
                    wall, cpu = time.perf_counter(), time.process_time()
                    asyncio.run(run(stream, record))
                    store.wait()  # recorded: written and committed
                    samples[stream, record].append((time.perf_counter() - wall, time.process_time() - cpu))
            med = {way: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
                   for way, s in samples.items()}

            def pair(stream: bool) -> str:
                (off, off_cpu), (on, on_cpu) = med[stream, False], med[stream, True]
                trials = list(zip(samples[stream, False], samples[stream, True]))  # the same trial's two runs
                ratio = statistics.median(b[0] / a[0] for a, b in trials)
                ratio_cpu = statistics.median(b[1] / a[1] for a, b in trials)
                return (f"{off * 1000:7.1f} ({off_cpu * 1000:7.1f}) -> {on * 1000:7.1f} ({on_cpu * 1000:7.1f})  "
                        f"{ratio:4.2f}x ({ratio_cpu:4.2f}x)")

            print(f"{name:11}  (a) no events {pair(False)}   (b) streamed {pair(True)}   "
                  f"load {load:.2f}-{os.getloadavg()[0]:.2f}")
        print(f"stored runs: {len(store.runs())} · database {store.path.stat().st_size / 2**20:.1f} MB")
        store.close()


if __name__ == "__main__":
    main()
