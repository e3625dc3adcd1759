"""OptimizeView benchmark: a DSPy optimizer run in the view vs the same optimizer's `compile` run bare.

A two-LLM-node chain (question -> draft -> answer, bench_concurrency's) against the loopback `ChatServer`
answering after `--latency` (20 ms) through a real `dspy.LM`; `--train` and `--val` examples. Optimizers:

  BootstrapFewShot       max_bootstrapped_demos = the trainset's size (it stops once it has its demos: here,
                         after the whole trainset), max_labeled_demos=0
  MIPROv2 auto="light"   num_threads=4, seed 0: bootstraps demo sets, proposes instructions, runs its trials

Contenders, interleaved (bare, view, bare, view, ...; each trial a fresh server, `dspy.LM`, optimizer and loop):

  bare   `optimizer.compile(program, trainset=..., [valset=...])` in a worker thread (as the view runs it)
  view   `await OptimizeView(program, optimizer, trainset, valset, metric).run()`: the same compile observed
         through DSPy's callbacks, folded and rendered (widget state synced) while it runs; timed to the end of
         `compile` (`model.compiled`). Its before/after (two batches over the valset) is reported apart: it is
         work the bare run does not do.

Reported: medians of `--repeats` trials and the view/bare ratio (target: at most 1.1x), and the load average
before and after. The model calls are the same in both (the server counts them).

    python bench/bench_optimize.py                   # both optimizers, 9 trials each
    python bench/bench_optimize.py --optimizers BootstrapFewShot --repeats 9
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download

import dspy

import dspyer_lab
from bench_concurrency import Answer, build_graph
from dspyer_lab import AgentTranspiler
from dspyer_lab.lab.widgets import OptimizeView
from dspyer_lab.testing import ChatServer


def build_program() -> Any:
    return AgentTranspiler.compile(build_graph(dspyer_lab), output_model=Answer)


def examples(n: int, offset: int) -> list[dspy.Example]:
    return [dspy.Example(question=f"question {offset + i}", answer="").with_inputs("question") for i in range(n)]


def metric(example: Any, prediction: Any, trace: object = None) -> bool:
    """Every answer the server writes counts: the demos and trials are what is timed, not their quality."""
    return bool(prediction.answer)


OPTIMIZERS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "BootstrapFewShot": lambda args: dspy.BootstrapFewShot(
        metric=metric, max_bootstrapped_demos=args.train, max_labeled_demos=0),
    "MIPROv2": lambda args: dspy.MIPROv2(metric=metric, auto="light", num_threads=4, seed=0, verbose=False),
}


@dataclass
class Trial:
    seconds: float
    """Until `compile` returned."""
    calls: int
    """Model calls the server answered (the view's before/after included)."""
    after: float = 0.0
    """The view's before/after, seconds (0 for bare)."""


async def bare(optimizer: Any, program: Any, train: list[Any], val: list[Any]) -> tuple[float, float]:
    options = {"valset": val} if "valset" in inspect.signature(optimizer.compile).parameters else {}
    started = time.perf_counter()
    await asyncio.to_thread(optimizer.compile, program.deepcopy(), trainset=train, **options)
    return time.perf_counter() - started, 0.0


async def view(optimizer: Any, program: Any, train: list[Any], val: list[Any]) -> tuple[float, float]:
    shown = OptimizeView(program, optimizer, train, val, metric, store=False)
    started, wall = time.time(), time.perf_counter()
    await shown.run()
    ended = time.perf_counter() - wall
    compiled = (shown.model.compiled or 0.0) - started
    shown.close()
    return compiled, ended - compiled


CONTENDERS = {"bare": bare, "view": view}


def trial(contender: str, optimizer: str, args: argparse.Namespace) -> Trial:
    with ChatServer(latency=args.latency) as server:
        lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key="test", cache=False)

        async def go() -> tuple[float, float]:
            try:
                with dspy.context(lm=lm):
                    made = OPTIMIZERS[optimizer](args)  # MIPROv2 reads the configured model when made
                    return await CONTENDERS[contender](made, build_program(), examples(args.train, 0),
                                                       examples(args.val, 1000))
            finally:
                await lm.aclose()

        with contextlib.redirect_stdout(io.StringIO()):  # the optimizers' progress bars and prints, in both
            seconds, after = asyncio.run(go())
        return Trial(seconds, server.request_count, after)


def versions() -> str:
    def v(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return (f"machine: {platform.machine()}, nproc={os.cpu_count()}, python {platform.python_version()}, "
            f"dspy {v('dspy')}, optuna {v('optuna')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optimizers", nargs="+", choices=list(OPTIMIZERS), default=list(OPTIMIZERS))
    parser.add_argument("--latency", type=float, default=0.02, help="server latency per answer, seconds")
    parser.add_argument("--train", type=int, default=16, help="trainset examples")
    parser.add_argument("--val", type=int, default=8, help="valset examples")
    parser.add_argument("--repeats", type=int, default=9, help="trials per contender")
    args = parser.parse_args()
    import logging

    logging.getLogger("dspy").setLevel(logging.WARNING)  # no per-trial log lines in the timings
    print(versions())
    load_before = os.getloadavg()
    rows = []
    for name in args.optimizers:
        for contender in CONTENDERS:  # warm-up: imports, pools, caches, outside every timing
            trial(contender, name, argparse.Namespace(**{**vars(args), "latency": 0.0}))
        results: dict[str, list[Trial]] = {c: [] for c in CONTENDERS}
        for rep in range(args.repeats):
            for contender in CONTENDERS:
                t = trial(contender, name, args)
                results[contender].append(t)
                print(f"  {name} trial {rep + 1}/{args.repeats} {contender:>4}: {t.seconds:.3f} s, {t.calls} calls"
                      + (f" (+ before/after {t.after:.3f} s)" if contender == "view" else ""), file=sys.stderr, flush=True)
        base = statistics.median(t.seconds for t in results["bare"])
        mine = statistics.median(t.seconds for t in results["view"])
        after = statistics.median(t.after for t in results["view"])
        rows.append((name, base, mine, after))
    load_after = os.getloadavg()
    print(f"\n{args.latency * 1000:.0f} ms per model call, trainset {args.train}, valset {args.val}; "
          f"median of {args.repeats} interleaved trials\n")
    print("| optimizer | bare compile | in the view | view / bare | the view's before/after (extra) |")
    print("|---|---:|---:|---:|---:|")
    for name, base, mine, after in rows:
        print(f"| {name} | {base:.2f} s | {mine:.2f} s | {mine / base:.2f}x | {after:.2f} s |")
    print(f"\nload average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"\ncommand: python {' '.join(sys.argv)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
