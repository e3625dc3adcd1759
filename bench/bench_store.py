"""What recording to the run store costs: the same runs with and without `dspyer_lab.record_to(store)`.

Ours against ours, one process, trials interleaved (with, without, with, ...), each timed in wall
time and in process CPU (SQLite writes in this thread, so CPU counts them). Target: at most 1.1x.

  step-llm     a 200-step run: one LLM node (ScriptedLM, DSPy's adapter formats and parses each call)
               looping through a Python router; `aforward` without the store makes no events at all
  step-python  the same 200 steps as a Python node (microseconds each): the store's worst case, every
               step's events written at its end in a transaction of their own
  batch        `abatch` of 1,000 examples of a two-LLM-node chain (ScriptedLM), concurrency 64: every
               example recorded vs none
  batch-50ms   the same batch with each model answer taking 50 ms (`ScriptedLM(latency=0.05)`): a model's
               latency, as real runs have it

    python bench/bench_store.py                     # 5 trials each
    python bench/bench_store.py --repeats 9 --contenders step-llm
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


def contenders(store: RunStore) -> dict[str, Callable[[bool], Awaitable[Any]]]:
    llm_loop, python_loop, chain = loop_program(True), loop_program(False), echo_chain_program()
    counter = itertools.count(1)
    counting = ScriptedLM({"tick": lambda inputs: {"n": next(counter) % (STEPS + 1)}})  # 1 ... STEPS, then again
    chain_lm, slow_lm = ScriptedLM(echo_script()), ScriptedLM(echo_script(), latency=0.05)
    inputs = [{"query": f"q{k}"} for k in range(1000)]

    async def step_llm(record: bool) -> Any:
        with dspy.context(lm=counting):
            return await llm_loop.aforward(i=0, n=0, _record=record)

    async def step_python(record: bool) -> Any:
        return await python_loop.aforward(i=0, _record=record)

    def batch(lm: ScriptedLM) -> Callable[[bool], Awaitable[Any]]:
        async def run(record: bool) -> Any:
            with dspy.context(lm=lm), dspyer_lab.record_to(store if record else None):
                return await chain.abatch(inputs, concurrency=64)

        return run

    return {"step-llm": step_llm, "step-python": step_python, "batch": batch(chain_lm), "batch-50ms": batch(slow_lm)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--contenders", nargs="*", default=["step-llm", "step-python", "batch", "batch-50ms"])
    args = parser.parse_args()
    print(f"python {platform.python_version()} · {os.cpu_count()} cpus · load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "runs.sqlite")
        os.environ["DSPYER_LAB_STORE"] = str(store.path)  # `_record=True` goes to this store
        runners = contenders(store)
        for name in args.contenders:
            run = runners[name]
            asyncio.run(run(False))  # warm-up: imports, caches, the graph's description
            asyncio.run(run(True))
            samples: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
            for trial in range(args.repeats):
                for record in (trial % 2 == 0, trial % 2 != 0):  # who goes first alternates
                    gc.collect()
                    wall, cpu = time.perf_counter(), time.process_time()
                    asyncio.run(run(record))
                    samples[record].append((time.perf_counter() - wall, time.process_time() - cpu))
            off, on = (statistics.median(s for s, _ in samples[r]) for r in (False, True))
            off_cpu, on_cpu = (statistics.median(c for _, c in samples[r]) for r in (False, True))
            print(
                f"{name:12} without {off * 1000:8.1f} ms (cpu {off_cpu * 1000:8.1f})   "
                f"with store {on * 1000:8.1f} ms (cpu {on_cpu * 1000:8.1f})   "
                f"ratio {on / off:5.2f}x (cpu {on_cpu / off_cpu:5.2f}x)   median of {args.repeats}"
            )
        print(f"stored runs: {len(store.runs())} · database {store.path.stat().st_size / 2**20:.1f} MB "
              f"· load average after: {os.getloadavg()}")
        store.close()


if __name__ == "__main__":
    main()
