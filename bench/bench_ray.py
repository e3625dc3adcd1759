"""Ray benchmark (issue 25): a batch on a local Ray (`RayExecutor`) against the same batch in one process (`abatch`).

Workloads, `--n` examples each (default 2,000), against the loopback `ChatServer` in a child process
(so neither contender shares its GIL with the server) answering after `--latency` (0.1 s):

  cpu     a Python node doing ~20 ms of pure-Python work (calibrated here), then one LLM node
  calls   the LLM node alone: pure model calls, where one process is enough (the cost of the hop)

Contenders, in one run, side by side:

  local      `await program.abatch(inputs, concurrency=W*C)` in this process
  ray        `await program.abatch(inputs, executor=RayExecutor(num_workers=W, concurrency_per_worker=C))`
  ray view   `await BatchView(program, executor=..., store=False).run(inputs)`: what the lab adds over Ray

W defaults to the machine's cores, C to 16. Ray is started, and the executor's actors are up (a warm-up
batch; their cold start is reported apart), before anything is timed. The cores and the load average
before and after are printed: on a shared machine other processes take CPU from every contender.
Targets (issue 25): cpu, ray >= 1.4x faster than local on 2 cores (0.8x the cores on larger machines);
calls, ray within 1.2x of local.

`--memory N` then runs N pure-call examples on Ray under a BatchView (no store) and reports the driver's peak
RSS over what it was before (the driver holds each example's summary and result, the kept runs' events, not every
run's); run it on its own (``--workloads``) so that nothing before it sets the peak.

    python bench/bench_ray.py                 # both workloads, 2,000 examples
    python bench/bench_ray.py --n 500 --workloads cpu
    python bench/bench_ray.py --workloads --memory 20000 --latency 0
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download
os.environ["PYTHONPATH"] = os.pathsep.join(  # the workers import this module (and the local Ray started here inherits it)
    p for p in (str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")) if p
)

import dspy
from pydantic import BaseModel

from bench_concurrency import ChildProcessServer
from dspyer_lab import AgentTranspiler, Graph, RayExecutor, StatefulNode


class Question(BaseModel):
    question: str


class Reply(BaseModel):
    answer: str


def spin(state: dict[str, Any]) -> None:
    """Pure-Python work: `state["spin"]` rounds of arithmetic (~20 ms, calibrated by `rounds_for`)."""
    total = 0
    for i in range(state["spin"]):
        total += i * i % 7
    return None


def rounds_for(seconds: float) -> int:
    """How many rounds of `spin` take `seconds` here (the median of a few measurements)."""
    rounds, times = 200_000, []
    for _ in range(5):
        start = time.perf_counter()
        spin({"spin": rounds})
        times.append(time.perf_counter() - start)
    return max(1, int(rounds * seconds / sorted(times)[2]))


def build_program(cpu: bool) -> Any:
    """[spin] (Python, cpu only) -> [answer] (one LLM call) -> END; output `Reply`."""
    g = Graph().add_node(StatefulNode("answer", Question, Reply))
    if cpu:
        g.add_node("spin", spin).add_edge("spin", "answer").set_entry_point("spin")
    else:
        g.set_entry_point("answer")
    return AgentTranspiler.compile(g, output_model=Reply)


async def timed(label: str, make: Any) -> float:
    start = time.perf_counter()
    outcomes = await make()
    elapsed = time.perf_counter() - start
    failed = sum(isinstance(o, BaseException) for o in outcomes)
    if failed:
        raise SystemExit(f"{label}: {failed} of {len(outcomes)} examples failed: {next(o for o in outcomes if isinstance(o, BaseException))}")
    return elapsed


def rss_mb() -> float:
    """This process's peak resident set so far (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def memory(n: int, executor: RayExecutor) -> None:
    from dspyer_lab.lab.widgets import BatchView

    program = build_program(False)
    inputs = [{"question": f"question {i}", "spin": 0} for i in range(n)]
    view = BatchView(program, executor=executor, store=False)
    before = rss_mb()
    seconds = await timed("memory", lambda: view.run(inputs))
    kept = sum(1 for i in range(n) if view.model.events_of(i) is not None)
    print(f"\nmemory: {n} examples on Ray under a BatchView in {seconds:.1f} s: driver peak RSS {rss_mb():.0f} MB, "
          f"+{rss_mb() - before:.0f} MB over before the batch; {kept} runs' events kept")
    view.close()


async def main(args: argparse.Namespace) -> None:
    from dspyer_lab.lab.widgets import BatchView

    cores = os.cpu_count() or 1
    workers = args.workers or cores
    print(f"bench_ray: {platform.python_version()}, dspy {dspy.__version__}, ray {__import__('ray').__version__}, "
          f"{cores} cores, load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    rounds = rounds_for(0.020)
    print(f"cpu node: {rounds} rounds ~ 20 ms here; {args.n} examples; model latency {args.latency} s; "
          f"{workers} workers x {args.concurrency} runs, local concurrency {workers * args.concurrency}")
    executor = RayExecutor(num_workers=workers, concurrency_per_worker=args.concurrency)
    start = time.perf_counter()
    executor.start()
    print(f"ray.init: {time.perf_counter() - start:.1f} s (not timed below)")
    with ChildProcessServer(args.latency) as server:
        lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key="test", cache=False)
        with dspy.context(lm=lm):
            start = time.perf_counter()
            await build_program(False).abatch([{"question": "warm"}] * (workers * 2), executor=executor)
            print(f"actors' cold start + a warm-up batch: {time.perf_counter() - start:.1f} s (not timed below)")
            for workload in args.workloads:
                program = build_program(workload == "cpu")
                inputs = [{"question": f"question {i}", "spin": rounds if workload == "cpu" else 0} for i in range(args.n)]
                figures: dict[str, float] = {}
                figures["local"] = await timed("local", lambda: program.abatch(inputs, concurrency=workers * args.concurrency))
                figures["ray"] = await timed("ray", lambda: program.abatch(inputs, executor=executor))
                view = BatchView(program, executor=executor, store=False)
                figures["ray view"] = await timed("ray view", lambda: view.run(inputs))
                view.close()
                base = figures["local"]
                print(f"\n{workload}: {args.n} examples, load average {os.getloadavg()[0]:.2f}")
                for name, seconds in figures.items():
                    print(f"  {name:9s} {seconds:7.2f} s  {args.n / seconds:7.1f}/s  "
                          f"{base / seconds:5.2f}x local's speed")
                print(f"  view over ray: {figures['ray view'] / figures['ray']:.2f}x plain ray")
            if args.memory:
                await memory(args.memory, executor)
        await lm.aclose()
    executor.shutdown()
    print(f"\nload average at the end {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=None, help="Ray workers (default: the cores)")
    parser.add_argument("--concurrency", type=int, default=16, help="runs at once per worker")
    parser.add_argument("--workloads", nargs="*", choices=["cpu", "calls"], default=["cpu", "calls"])
    parser.add_argument("--memory", type=int, default=0, help="then N pure-call examples on Ray: the driver's RSS")
    sys.exit(asyncio.run(main(parser.parse_args())))
