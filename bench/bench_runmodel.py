"""Run model: seeking a long run, and saving / loading a run that carries a large value.

    python bench/bench_runmodel.py                      # 15,000-event seeks; 5,000 steps x 1 MB save/load
    python bench/bench_runmodel.py --seek-events 30000 --steps 2000 --old-steps 100

Both parts run a real compiled program (Python nodes looping ``tick`` -> router -> ``tick``),
so the events are exactly what the engine emits on this branch.

seek   ``RunModel.at(k)`` (a checkpoint lookup + at most CHECKPOINT_EVERY folds) vs the previous
       way, ``RunModel.replay(events[:k])`` (fold every event again), at the same random positions
       of one --seek-events run. Target: any seek in a 15,000-event run < 30 ms.
files  a --steps run whose state holds a --value-mb text (plus an ``api_key``, so masking has work
       to do), saved as `LabView.save` does (masked) and loaded as `LabView.load` does
       (`read_run` + `RunModel.replay`), in the current format (version 2: each value stored once)
       and in the version-1 format (every event written out whole). The old format is measured at
       --old-steps (it grows linearly with steps: 5,000 steps wrote 4.77 GB and peaked at 13.9 GB)
       and shown scaled to --steps too. Targets at 5,000 steps x 1 MB: file < 20 MB, peak < 500 MB,
       load < 5 s. Peak memory is measured with tracemalloc (Python allocations during the call),
       in a separate pass from the timing.

Timed calls run with the cyclic garbage collector paused, as `timeit` does: a process that imported
dspy holds ~220,000 objects, and a full collection (50 ms on a quiet machine, over 1 s on a loaded
one) lands in whichever call happens to trigger it, mostly in the calls that allocate most (the
full replays). Refcounting still frees everything; the run model creates no cycles.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dspyer_lab import AgentTranspiler, Graph
from dspyer_lab.lab.model.runfile import FORMAT, describe_graph, read_run, write_run
from dspyer_lab.lab.model.runmodel import CHECKPOINT_EVERY, RunModel
from dspyer_lab.lab.textview import Masker

MB = 1024 * 1024


def loop_graph(steps: int, carry: tuple[str, ...] = ()) -> Graph:
    """tick (Python) --again--> tick ... --done--> END: `steps` node visits, 3 events each. Each visit also writes
    the fields `carry` back unchanged (so their values are in every ``node_end`` patch, as a node that reads and
    passes on a document would)."""

    def tick(state: dict[str, Any]) -> dict[str, Any]:
        return {"n": state.get("n", 0) + 1, **{name: state.get(name, "") for name in carry}}

    def again(state: dict[str, Any]) -> str:
        return "done" if state["n"] >= steps else "again"

    g = Graph()
    g.add_node("tick", tick)
    g.add_conditional_edges("tick", again, {"again": "tick", "done": "__end__"})
    g.set_entry_point("tick")
    return g


def run_events(steps: int, **inputs: Any) -> tuple[Graph, list[dict[str, Any]]]:
    graph = loop_graph(steps)
    program = AgentTranspiler.compile(graph, max_steps=steps + 1)

    async def collect() -> list[dict[str, Any]]:
        return [event async for event in program.astream(n=0, **inputs)]

    events = asyncio.run(collect())
    assert events[-1]["event"] == "finished", events[-1]
    return graph, events


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of `fn` with the cyclic garbage collector paused (as `timeit` does; see the module docstring)."""
    gc.disable()
    try:
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result
    finally:
        gc.enable()


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak Python memory allocated while `fn` runs (what it allocates on top of what exists)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- seek -------------------------------------------------------------------------------


def bench_seek(n_events: int, seeks: int) -> dict[str, Any]:
    _, events = run_events(max(1, (n_events - 2) // 3))
    fold_time, model = timed(lambda: RunModel.replay(events))
    rng = random.Random(7)
    positions = [rng.randrange(len(events) + 1) for _ in range(seeks)]
    # and the worst case for checkpoints: just before the next one
    positions += [k - 1 for k in range(CHECKPOINT_EVERY, len(events), CHECKPOINT_EVERY)][-5:]
    at_times, replay_times = [], []
    for i, k in enumerate(positions):  # interleaved, alternating which goes first
        first, second = (model.at, lambda k: RunModel.replay(events[:k])) if i % 2 else (
            lambda k: RunModel.replay(events[:k]), model.at
        )
        t1, _ = timed(lambda: first(k))
        t2, _ = timed(lambda: second(k))
        at_time, replay_time = (t1, t2) if i % 2 else (t2, t1)
        at_times.append(at_time)
        replay_times.append(replay_time)
    return {
        "events": len(events),
        "fold": fold_time,
        "seeks": len(positions),
        "at": at_times,
        "replay": replay_times,
    }


# -- files ------------------------------------------------------------------------------


def write_version_1(path: Path, graph: Graph, events: Sequence[Mapping[str, Any]], masker: Masker) -> Path:
    """The version-1 writer this branch replaced: every event masked and written out whole (the baseline)."""
    for event in events:
        masker.learn(event)
    data = {
        "format": FORMAT,
        "version": 1,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "masked": True,
        "graph": describe_graph(graph),
        "output_model": None,
        "events": [masker.mask(dict(e)) for e in events],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=repr), encoding="utf-8")
    return path


def load(path: Path) -> RunModel:
    """What `LabView.load` does with a file, minus the widgets."""
    return RunModel.replay(read_run(path).events)


def bench_file(fmt: str, steps: int, value_mb: float, folder: Path) -> dict[str, Any]:
    size = int(value_mb * MB)
    document = ("the owl hunts at night; " * (size // 24 + 1))[:size]
    graph, events = run_events(steps, document=document, api_key="sk-bench-1234")
    path = folder / f"{fmt}.json"

    def save() -> Path:
        if fmt == "version 2 (now)":
            return write_run(path, graph, events, None, Masker())
        return write_version_1(path, graph, events, Masker())

    save_time, _ = timed(save)
    size = path.stat().st_size
    load_time, model = timed(lambda: load(path))
    assert model.status == "finished" and len(model.events) == len(events)
    assert "sk-bench-1234" not in path.read_text(encoding="utf-8")[:200_000]
    del model
    save_peak = peak_bytes(save)
    load_peak = peak_bytes(lambda: load(path))
    path.unlink()
    return {
        "format": fmt,
        "steps": steps,
        "events": len(events),
        "size": size,
        "save": save_time,
        "save_peak": save_peak,
        "load": load_time,
        "load_peak": load_peak,
    }


# -- report -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def size_text(n: float) -> str:
    return f"{n / MB:.1f} MB" if n < 1024 * MB else f"{n / 1024 / MB:.2f} GB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seek-events", type=int, default=15_000)
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument("--steps", type=int, default=5_000)
    parser.add_argument("--value-mb", type=float, default=1.0)
    parser.add_argument("--old-steps", type=int, default=250, help="steps for the version-1 format (it needs ~2.8 MB/step)")
    args = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d %H:%M')}\n")
    seek = bench_seek(args.seek_events, args.seeks)
    print(f"## seek: {seek['events']} events, {seek['seeks']} positions (folding the whole run once: {ms(seek['fold'])})\n")
    print("| seek | median | p95 | max |")
    print("|---|---:|---:|---:|")
    for label, key in [("`RunModel.at(k)` (checkpoints)", "at"), ("`RunModel.replay(events[:k])` (before)", "replay")]:
        times = seek[key]
        print(f"| {label} | {ms(statistics.median(times))} | {ms(quantile(times, 0.95))} | {ms(max(times))} |")

    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            bench_file("version 2 (now)", args.steps, args.value_mb, Path(tmp)),
            bench_file("version 1 (before)", args.old_steps, args.value_mb, Path(tmp)),
        ]
    old = rows[1]
    scale = args.steps / old["steps"]
    print(f"\n## files: {args.value_mb:g} MB value in the state, masked save, load = read_run + RunModel.replay\n")
    print("| format | steps | events | file | save | save peak | load | load peak |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['format']} | {row['steps']} | {row['events']} | {size_text(row['size'])} | {row['save']:.2f} s"
            f" | {size_text(row['save_peak'])} | {row['load']:.2f} s | {size_text(row['load_peak'])} |"
        )
    if scale != 1:
        print(
            f"| version 1, scaled x{scale:g} | {args.steps} | ~{int(old['events'] * scale)} | ~{size_text(old['size'] * scale)}"
            f" | ~{old['save'] * scale:.1f} s | ~{size_text(old['save_peak'] * scale)} | ~{old['load'] * scale:.1f} s"
            f" | ~{size_text(old['load_peak'] * scale)} |"
        )


if __name__ == "__main__":
    main()
