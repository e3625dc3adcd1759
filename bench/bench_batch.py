"""Batch benchmark: `program.abatch` vs the same `aforward`s under a bare `asyncio.gather` with a semaphore.

1. Overhead (same process, interleaved trials): `--n` examples (default 1,000) of a two-LLM-node
   chain (question -> draft -> answer) at `--concurrency` (64) against the loopback `ChatServer`
   answering after `--latency` (50 ms), through a real `dspy.LM`. Contenders:

     gather     `asyncio.gather` of `program.aforward(...)`, each under an `asyncio.Semaphore(concurrency)`
     abatch     `await program.abatch(inputs, concurrency=concurrency)`
     stream     `program.abatch_stream(...)` folded into a `BatchStats` (what a batch view pays)
     view       `await BatchView(program).run(inputs, concurrency=concurrency)`: the lab's view, its
                widget state updates counted (coalesced: at most ~10 a second, plus the last)

   Each trial gets a fresh server, `dspy.LM` and event loop. Target: abatch <= 1.15x gather.

2. Memory (`--memory N`, default 10,000): each contender in a fresh child process against a
   `ChatServer` in another process (so the server's request log is not counted); the child's
   RSS after warm-up is the baseline; reported: peak RSS and RSS at the end (results and, for
   `stream`, the `BatchStats` still held) minus that baseline. Target: under 300 MB added.

    python bench/bench_batch.py                      # overhead (3 trials) and memory (10,000)
    python bench/bench_batch.py --repeats 5 --memory 0
    python bench/bench_batch.py --contenders abatch view --memory 0   # the view's overhead alone
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download

import dspy

import dspyer_lab
from bench_concurrency import Answer, build_graph
from dspyer_lab import AgentTranspiler, BatchStats
from dspyer_lab.testing import ChatServer

# --------------------------------------------------------------------------- the program


def build_program() -> Any:
    """The concurrency benchmark's two-LLM-node chain (question -> draft -> answer)."""
    return AgentTranspiler.compile(build_graph(dspyer_lab), output_model=Answer)


def make_inputs(n: int) -> list[dict[str, str]]:
    return [{"question": f"question {i}"} for i in range(n)]


Contender = Callable[[Any, list[dict[str, str]], int], Awaitable[list[Any]]]


async def gather(program: Any, inputs: list[dict[str, str]], concurrency: int) -> list[Any]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(values: dict[str, str]) -> Any:
        async with semaphore:
            return await program.aforward(**values)

    return await asyncio.gather(*(one(values) for values in inputs))


async def abatch(program: Any, inputs: list[dict[str, str]], concurrency: int) -> list[Any]:
    return await program.abatch(inputs, concurrency=concurrency)


async def stream(program: Any, inputs: list[dict[str, str]], concurrency: int) -> list[Any]:
    batch = program.new_batch(inputs, concurrency=concurrency)
    stats = BatchStats(len(inputs))
    async for index, event in batch.events():
        stats.apply(index, event)
    stream.stats = stats  # type: ignore[attr-defined]  # held by the memory child, like a view holds it
    return batch.outcomes()


@dataclass
class Sent:
    """What the last `view` trial sent: widget state updates and the events it folded."""

    messages: int = 0
    events: int = 0


VIEW_SENT = Sent()
HELD: list[Any] = []


async def view(program: Any, inputs: list[dict[str, str]], concurrency: int) -> list[Any]:
    from dspyer_lab.lab.model.batchmodel import BatchModel
    from dspyer_lab.lab.widgets import BatchView

    widget = BatchView(program)
    sent = VIEW_SENT
    sent.messages = sent.events = 0
    send = widget.comm.send  # outside a kernel a no-op comm: what would go to the browser
    fold = BatchModel.apply

    def counted_send(data: Any = None, *args: Any, **kwargs: Any) -> Any:
        sent.messages += isinstance(data, dict) and data.get("method") == "update"
        return send(data, *args, **kwargs)

    def counted_fold(self: BatchModel, index: int, event: Any) -> None:
        sent.events += 1
        fold(self, index, event)

    widget.comm.send = counted_send
    BatchModel.apply = counted_fold  # type: ignore[method-assign]
    try:
        return await widget.run(inputs, concurrency=concurrency)
    finally:
        BatchModel.apply = fold  # type: ignore[method-assign]
        while HELD:
            HELD.pop().close()
        HELD.append(widget)  # held until the next trial, as a notebook holds its view (the memory run's end figure)


CONTENDERS: dict[str, Contender] = {"gather": gather, "abatch": abatch, "stream": stream, "view": view}


def check(results: list[Any], n: int) -> None:
    answers = [r.answer for r in results if isinstance(r, Answer)]
    if len(answers) != n or len(set(answers)) != n:
        raise RuntimeError(f"bad batch: {len(answers)} answers ({len(set(answers))} distinct) for {n} inputs")


def make_lm(base_url: str) -> dspy.LM:
    return dspy.LM("openai/test-model", api_base=base_url, api_key="test", cache=False)


# --------------------------------------------------------------------------- overhead


@dataclass
class Trial:
    seconds: float
    cpu: float
    max_in_flight: int
    sent: Sent | None = None


async def _timed(contender: Contender, n: int, concurrency: int, server: ChatServer) -> Trial:
    lm = make_lm(server.base_url)
    program, inputs = build_program(), make_inputs(n)
    try:
        with dspy.context(lm=lm):
            started, cpu_started = time.perf_counter(), time.process_time()
            results = await contender(program, inputs, concurrency)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        await lm.aclose()
    check(results, n)
    sent = Sent(VIEW_SENT.messages, VIEW_SENT.events) if contender is view else None
    return Trial(seconds, cpu, server.max_in_flight, sent)


def trial(contender: Contender, n: int, concurrency: int, latency: float) -> Trial:
    with ChatServer(latency=latency) as server:
        return asyncio.run(_timed(contender, n, concurrency, server))


def overhead(args: argparse.Namespace) -> None:
    chosen = {name: CONTENDERS[name] for name in args.contenders}
    for contender in chosen.values():  # warm-up: imports and caches, outside every timing
        trial(contender, 4, 2, 0.0)
    results: dict[str, list[Trial]] = {name: [] for name in chosen}
    for rep in range(args.repeats):
        for name, contender in chosen.items():
            t = trial(contender, args.n, args.concurrency, args.latency)
            results[name].append(t)
            print(f"  trial {rep + 1}/{args.repeats} {name:>7}: {t.seconds:.3f} s, cpu {t.cpu:.3f} s, "
                  f"server max in flight {t.max_in_flight}", file=sys.stderr, flush=True)
    ideal = -(-args.n // args.concurrency) * 2 * args.latency
    first = args.contenders[0]  # the baseline: gather by default
    base = statistics.median(t.seconds for t in results[first])
    base_cpu = statistics.median(t.cpu for t in results[first])
    print(f"\n{args.n} examples, concurrency {args.concurrency}, {args.latency * 1000:.0f} ms per model call "
          f"(2 per example); ideal {ideal:.2f} s; median of {args.repeats} (best)\n")
    print(f"| contender | wall | vs {first} | process CPU | vs {first} | server max in flight |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, trials in results.items():
        wall = statistics.median(t.seconds for t in trials)
        cpu = statistics.median(t.cpu for t in trials)
        print(f"| {name} | {wall:.2f} s ({min(t.seconds for t in trials):.2f}) | {wall / base:.2f}x "
              f"| {cpu:.2f} s | {cpu / base_cpu:.2f}x | {max(t.max_in_flight for t in trials)} |")
    for t in results.get("view", []):
        if t.sent is not None:
            events, messages = t.sent.events, t.sent.messages
            print(f"\nview: {events} events folded ({events / t.seconds:.0f}/s), {messages} widget "
                  f"state updates in {t.seconds:.2f} s ({messages / t.seconds:.1f}/s)", end="")
    print()


# --------------------------------------------------------------------------- memory


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def _memory_child(name: str, base_url: str, n: int, concurrency: int) -> dict[str, Any]:
    contender = CONTENDERS[name]
    lm = make_lm(base_url)
    program = build_program()
    with dspy.context(lm=lm):
        check(await contender(program, make_inputs(8), 4), 8)  # warm-up: imports, pools, caches
        baseline = rss_mb()
        started = time.perf_counter()
        results = await contender(program, make_inputs(n), concurrency)
        seconds = time.perf_counter() - started
    check(results, n)
    end = rss_mb()
    await lm.aclose()
    return {"contender": name, "n": n, "seconds": seconds, "baseline_mb": baseline,
            "peak_added_mb": max(0.0, peak_mb() - baseline),
            "end_added_mb": end - baseline}


def memory_child(args: argparse.Namespace) -> None:
    print(json.dumps(asyncio.run(_memory_child(args.memory_child, args.base_url, args.memory, args.concurrency))))


SERVER = (
    "import sys; from dspyer_lab.testing import ChatServer; "
    "s = ChatServer(latency=float(sys.argv[1])).start(); print(s.base_url, flush=True); sys.stdin.read(); s.stop()"
)


def memory(args: argparse.Namespace) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent),
                                                        os.environ.get("PYTHONPATH", "")])}
    rows = []
    for name in args.memory_contenders:
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(args.latency)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=env)
        try:
            base_url = server.stdout.readline().strip()  # type: ignore[union-attr]
            child = subprocess.run(
                [sys.executable, __file__, "--memory-child", name, "--base-url", base_url,
                 "--memory", str(args.memory), "--concurrency", str(args.concurrency)],
                capture_output=True, text=True, env=env, check=True,
            )
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=30)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"  memory {name:>7}: {row}", file=sys.stderr, flush=True)
    print(f"\n{args.memory} examples, concurrency {args.concurrency}, server in another process\n")
    print("| contender | wall | RSS after warm-up | added at peak | added at the end (results held) |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['contender']} | {row['seconds']:.1f} s | {row['baseline_mb']:.0f} MB "
              f"| {row['peak_added_mb']:.0f} MB | {row['end_added_mb']:.0f} MB |")


# --------------------------------------------------------------------------- main


def versions() -> str:
    def v(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return (f"machine: {platform.machine()}, nproc={os.cpu_count()}, python {platform.python_version()}, "
            f"dspy {v('dspy')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="examples per overhead trial (0: skip)")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.05, help="server latency per answer, seconds")
    parser.add_argument("--repeats", type=int, default=3, help="overhead trials per contender")
    parser.add_argument("--contenders", nargs="+", choices=list(CONTENDERS), default=list(CONTENDERS),
                        help="overhead contenders; the first is the baseline of the ratios")
    parser.add_argument("--memory", type=int, default=10_000, help="examples per memory run (0: skip)")
    parser.add_argument("--memory-contenders", nargs="+", choices=list(CONTENDERS), default=["gather", "stream"],
                        help="contenders of the memory runs (stream holds what abatch holds plus the BatchStats)")
    parser.add_argument("--memory-child", choices=list(CONTENDERS), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args)
        return 0
    print(versions())
    if args.n:
        overhead(args)
    if args.memory:
        memory(args)
    print(f"\ncommand: python {' '.join(sys.argv)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
