"""The lab's cost per event (issue 20, item 11): recording, `%%dspyer` and seeking, each against bare `astream`.

    python bench/bench_lab_cost.py                 # all three parts, 3 trials each (~2-4 min on 2 cores)
    python bench/bench_lab_cost.py --only seek     # one part: record, magic or seek

Everything runs in this one process, side by side, interleaved trial by trial; figures are this
process's CPU time (`time.process_time`), steadier than wall time on a shared machine; the load
average is printed before and after. Widgets get a comm that serializes what it would send
(`json.dumps` of every message, as ipykernel would), so the figures include the trait syncs a
kernel would pay for; no kernel and no browser are involved.

record  a LabView recording a --steps-step run (Python node ``tick`` looping through a router) whose
        state holds a --value-mb text that every step writes back (and an ``api_key``, so masking has a
        secret to look for),
        vs the same run with a 10-character value, vs bare ``program.astream`` of each.
        Targets: big-value LabView <= 1.5x bare astream CPU, and <= 1.15x the small-value LabView.
magic   the ``%%dspyer`` cell magic driven in-process as tests/test_magics.py does (IPython's shell,
        no kernel) on a 200-step run (write (LLM, ScriptedLM) -> count (Python), 100 rounds), with
        tokens streamed (the default) and with --no-stream, at 0 and --latency ms of model latency,
        vs bare ``program.aforward`` at the same latency (target: <= 1.3x bare CPU), and vs the bare
        event stream the view consumes (``Run.events()`` with the same streaming): that ratio is
        the lab's own cost (making events and streaming tokens is the engine's and DSPy's).
seek    ``view.seek(k)`` at --seeks random positions of a --seek-steps-step run recorded by a LabView
        (each seek renders the view), and the run model's own ``RunModel.at(k)`` at the same
        positions. Target: view.seek p95 < 20 ms.

Timed calls run with the cyclic garbage collector paused (as `timeit` does), collected between them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import comm  # noqa: E402
from comm.base_comm import BaseComm  # noqa: E402

SENT = {"messages": 0, "bytes": 0}


class SerializingComm(BaseComm):  # type: ignore[misc]
    """A comm that pays what a kernel's would: every message it sends is serialized to JSON (and counted)."""

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None, **keys: Any) -> None:
        SENT["messages"] += 1
        SENT["bytes"] += len(json.dumps(data, default=str))


comm.create_comm = SerializingComm

import dspy  # noqa: E402

from bench_graphview import loop_program  # noqa: E402
from bench_runmodel import loop_graph  # noqa: E402
from dspyer_lab import AgentTranspiler, LabView, ScriptedLM  # noqa: E402
from dspyer_lab.lab.runner import run_blocking  # noqa: E402

MB = 1024 * 1024


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds of `fn()` in this process, garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def interleaved(paths: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median CPU seconds of each path, after one warm-up each, trials interleaved (alternating order)."""
    for fn in paths.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in paths}
    for i in range(repeats):
        for name in list(paths) if i % 2 == 0 else list(reversed(paths)):
            times[name].append(cpu(paths[name]))
    return {name: statistics.median(t) for name, t in times.items()}


def record(steps: int, value_mb: float, repeats: int) -> dict[str, float]:
    program = AgentTranspiler.compile(loop_graph(steps, carry=("blob",)), max_steps=steps + 1)
    big = "x" * int(value_mb * MB)
    small = "x" * 10

    async def bare(value: str) -> None:
        async for _ in program.astream(n=0, blob=value, api_key="sk-bench-secret-1234"):
            pass

    async def lab(value: str) -> None:
        view = LabView(program)
        await view.run(n=0, blob=value, api_key="sk-bench-secret-1234")
        view.close()

    return interleaved({
        "bare_big": lambda: asyncio.run(bare(big)),
        "lab_big": lambda: asyncio.run(lab(big)),
        "bare_small": lambda: asyncio.run(bare(small)),
        "lab_small": lambda: asyncio.run(lab(small)),
    }, repeats)


def magic(rounds: int, latency_ms: float, repeats: int) -> dict[str, float]:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "dspyer_lab")
    program = loop_program(rounds)
    figures: dict[str, float] = {}
    for latency in (0.0, latency_ms / 1000):
        def fresh(latency: float = latency) -> ScriptedLM:
            return ScriptedLM({"write": {"draft": "Owls hoot over the quiet barn at night."}}, latency=latency)

        shell.user_ns.update(program=program, fresh=fresh)

        def bare(fresh: Callable[[], ScriptedLM] = fresh) -> None:
            with dspy.context(lm=fresh()):
                run_blocking(program.aforward(topic="owls"))

        async def consume(stream: bool) -> None:
            async for _ in program.new_run(topic="owls", _stream_tokens=stream).events():
                pass

        def events(stream: bool, fresh: Callable[[], ScriptedLM] = fresh) -> None:
            with dspy.context(lm=fresh()):
                run_blocking(consume(stream))

        def cell(flags: str = "") -> None:
            with capture_output():
                shell.run_cell_magic("dspyer", "-i topic=owls --lm scripted --program program " + flags, "lm = fresh()")
            shell.user_ns["dspyer_view"].close()

        got = interleaved({"bare": bare, "events": lambda: events(False), "events_stream": lambda: events(True),
                           "stream": cell, "no_stream": lambda: cell("--no-stream")}, repeats)
        figures.update({f"{name}@{latency * 1000:g}": value for name, value in got.items()})
    shell.run_line_magic("unload_ext", "dspyer_lab")
    return figures


def seek(steps: int, seeks: int) -> dict[str, list[float]]:
    program = AgentTranspiler.compile(loop_graph(steps, carry=("blob",)), max_steps=steps + 1)
    view = LabView(program)
    asyncio.run(view.run(n=0, note="a small value"))
    n = len(view.events)
    rng = random.Random(20)
    positions = [rng.randrange(n) for _ in range(seeks)]
    view.seek(n // 2)  # warm up
    at, shown = [], []
    gc.collect()
    gc.disable()
    try:
        for k in positions:
            start = time.perf_counter()
            view.run_log.at(k)
            at.append(time.perf_counter() - start)
            start = time.perf_counter()
            view.seek(k)
            shown.append(time.perf_counter() - start)
    finally:
        gc.enable()
    view.close()
    return {"at": at, "seek": shown}


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{statistics.median(ordered) * 1e3:.1f} / {p95 * 1e3:.1f} / {ordered[-1] * 1e3:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("record", "magic", "seek"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--value-mb", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=100, help="magic: write+count rounds (2 steps each)")
    parser.add_argument("--latency", type=float, default=20.0, help="magic: the model latency measured besides 0, in ms")
    parser.add_argument("--seek-steps", type=int, default=5000)
    parser.add_argument("--seeks", type=int, default=200)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
          f"load average (1/5/15 min) before: {load()}")
    print("| figure | measured (median CPU) | ratio | target |")
    print("|---|---:|---:|---:|")
    if args.only in (None, "record"):
        r = record(args.steps, args.value_mb, args.repeats)
        label = f"{args.steps:,}-step run"
        print(f"| {label}, {args.value_mb:g} MiB value: bare astream / LabView | {r['bare_big']:.2f} s / {r['lab_big']:.2f} s "
              f"| {r['lab_big'] / r['bare_big']:.2f}x | <= 1.5x |")
        print(f"| {label}, small value: bare astream / LabView | {r['bare_small']:.2f} s / {r['lab_small']:.2f} s "
              f"| {r['lab_small'] / r['bare_small']:.2f}x | |")
        print(f"| {label}: LabView, {args.value_mb:g} MiB value / small value | {r['lab_big']:.2f} s / {r['lab_small']:.2f} s "
              f"| {r['lab_big'] / r['lab_small']:.2f}x | <= 1.15x |")
        sys.stdout.flush()
    if args.only in (None, "magic"):
        m = magic(args.rounds, args.latency, args.repeats)
        for latency in (0.0, args.latency):
            bare = m[f"bare@{latency:g}"]
            for key, label, events_key in (("stream", "%%dspyer (tokens streamed)", "events_stream"),
                                           ("no_stream", "%%dspyer --no-stream", "events")):
                got, engine = m[f"{key}@{latency:g}"], m[f"{events_key}@{latency:g}"]
                run = f"{2 * args.rounds}-step run, {latency:g} ms model latency"
                print(f"| {run}: bare aforward / {label} | {bare:.3f} s / {got:.3f} s | {got / bare:.2f}x | <= 1.3x |")
                print(f"| {run}: bare `Run.events()` alike ({'streamed' if 'stream' in events_key else 'no stream'}) "
                      f"/ {label} | {engine:.3f} s / {got:.3f} s | {got / engine:.2f}x | (the lab alone) |")
        sys.stdout.flush()
    if args.only in (None, "seek"):
        s = seek(args.seek_steps, args.seeks)
        print(f"| {args.seek_steps:,}-step run: view.seek, median / p95 / worst ({args.seeks} seeks) "
              f"| {percentiles(s['seek'])} | | p95 < 20 ms |")
        print(f"| {args.seek_steps:,}-step run: RunModel.at alone, median / p95 / worst | {percentiles(s['at'])} | | |")
    print(f"load average after: {load()}; widget messages serialized: {SENT['messages']:,} "
          f"({SENT['bytes'] / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
