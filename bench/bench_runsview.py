"""The runs browser on a big store: a `RunsView` over 10,000 stored runs. Target: the first page in under 0.5 s.

The store is filled once through the real recording path (`record_to(store)` around an `abatch` of the
echo chain: 10,000 runs, one in ten failing at its second node, under two program names), then, each
trial timed in wall time:

  open          `RunsView(path)` on a store not yet open in the process (open + schema check + the first
                page + its count + the program list) and its first render synced
  view          `RunsView(store)` on the open store (the first page, its count, the program list)
  filter-sort   a page of the failed runs of one program sorted by duration (the filter message)
  node          runs that visited a node (JSON list in a column: a scan, no index can serve it)
  text          runs whose error contains a text (LIKE '%...%': a scan)
  last-page     the last page sorted by cost (OFFSET 9,980)
  open-run      a click on a row: the run's events loaded and drawn (its LabPresenter's first render)
  all-runs      the alternative a view without paged queries would pay: `store.runs()`, every run read

    python bench/bench_runsview.py                       # fills a temporary store, 7 trials each
    python bench/bench_runsview.py --store /tmp/r.sqlite # keep (or reuse) the filled store
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dspy

import dspyer_lab
from dspyer_lab import ScriptedLM
from dspyer_lab.lab.model.store import RunStore
from dspyer_lab.lab.widgets.runs import RunsView

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from core_helpers import echo_chain_program  # noqa: E402

RUNS = 10_000


def fill(path: Path, runs: int) -> float:
    """Record `runs` runs of two programs into the store at `path` (every tenth fails); seconds taken."""
    def summarize(inputs: dict[str, Any]) -> Any:
        return "no summary" if inputs["answer"].endswith("7)") else {"summary": f"S({inputs['answer']})"}

    script = {"answer": lambda inputs: {"answer": f"A({inputs['query']})"}, "summarize": summarize}
    first, second = echo_chain_program(), echo_chain_program()
    second.name = "Other"
    began = time.perf_counter()
    with RunStore(path, max_runs=None, max_bytes=None) as store, dspy.context(lm=ScriptedLM(script)), \
            dspyer_lab.record_to(store):
        half = runs // 2
        for program, offset in ((first, 0), (second, half)):
            inputs = [{"query": f"q{offset + i}"} for i in range(half)]
            asyncio.run(program.abatch(inputs, concurrency=64, return_exceptions=True))
        store.wait()
    return time.perf_counter() - began


def timed(action: Callable[[], Any], trials: int, reset: Callable[[], Any]) -> list[float]:
    """`action`'s wall time, `trials` times, each after `reset` (not timed)."""
    times = []
    for _ in range(trials):
        reset()
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="the store file (filled when it does not exist)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--trials", type=int, default=7)
    args = parser.parse_args()
    path = args.store or Path(tempfile.mkdtemp()) / "runs.sqlite"
    if not path.exists():
        print(f"filling {path} with {args.runs:,} runs ...", flush=True)
        print(f"  filled in {fill(path, args.runs):.1f} s", flush=True)
    store = RunStore(path, max_runs=None, max_bytes=None)
    total = store.query(limit=0).total
    failed_id = store.query(status="failed", limit=1).runs[0].run_id

    def open_fresh() -> None:
        with RunStore(path, max_runs=None, max_bytes=None) as fresh:
            RunsView(fresh).close()

    def view() -> None:
        RunsView(store).close()

    shown = RunsView(store)

    def message(**content: Any) -> Callable[[], None]:
        return lambda: shown._on_message({"type": "table", **content})

    def unfiltered() -> None:  # the first page of every run, newest first, read (and kept) already
        shown._on_message({"type": "close-run"})
        shown._on_message({"type": "table", "program": "", "status": "", "node": "", "text": "", "sort": "started",
                           "descending": True, "page": 0})

    contenders: dict[str, Callable[[], Any]] = {
        "open": open_fresh,
        "view": view,
        "filter-sort": message(program="Other", status="failed", sort="duration", descending=True),
        "node": message(node="summarize"),
        "text": message(text="could not be PARSED"),
        "last-page": message(sort="cost", page=total // 20 - 1),
        "open-run": lambda: shown._on_message({"type": "open", "run_id": failed_id}),
        "all-runs": lambda: store.runs(),
    }
    print(f"{total:,} stored runs in {path} ({path.stat().st_size / 2**20:.0f} MiB)")
    print(f"python {platform.python_version()}, sqlite {__import__('sqlite3').sqlite_version}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'':<12} {'median ms':>10} {'max ms':>8} {'matching':>9}")
    for name, action in contenders.items():
        times = timed(action, args.trials, unfiltered)
        print(f"{name:<12} {1000 * statistics.median(times):>10.1f} {1000 * max(times):>8.1f} {shown.total:>9,}",
              flush=True)
    shown.close()
    store.close()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
