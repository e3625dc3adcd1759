"""GraphView overhead: a run with the live view attached vs the bare event stream.

    python bench/bench_graphview.py                       # ~3,000 events, 5 trials each
    python bench/bench_graphview.py --events 30000 --repeats 3

Two streams, each consumed bare (`async for _ in stream`) and through `view.follow(stream)`:

  program     a real compiled program looping write (LLM, ScriptedLM latency 0) -> count
              (Python) until it has emitted about --events events: the engine's real cost
              per event, which is what a user's run pays. Target: attached <= 1.3x bare.
  synthetic   a generator yielding prebuilt event dicts (no engine at all): isolates the
              view's own cost per event; its ratio is meaningless (bare does nothing).

"state messages" counts the updates the widget sent to the browser (its comm's `send`),
which the view coalesces to at most ~30 per second whatever the event count; the bound
shown is 2 + 30 x the run's wall time. Trials are interleaved (alternating which goes
first, each with a fresh ScriptedLM); medians of wall and of process CPU time are reported
(CPU time is the steadier one on a shared machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download

import dspy
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.core.events import RunEvents
from dspyer_lab.lab.graphview import SYNC_INTERVAL, GraphView

EVENTS_PER_ROUND = 6  # node_start, node_end, route for each of the two nodes


class Topic(BaseModel):
    topic: str


class Draft(BaseModel):
    draft: str


def loop_program(rounds: int) -> Any:
    """write (LLM) -> count (Python) --again--> write ... --done--> END, `rounds` times."""

    def count(state: dict[str, Any]) -> dict[str, Any]:
        return {"rounds": state.get("rounds", 0) + 1}

    def again(state: dict[str, Any]) -> str:
        return "done" if state["rounds"] >= rounds else "again"

    g = Graph()
    g.add_node(StatefulNode("write", Topic, Draft))
    g.add_node("count", count)
    g.add_edge("write", "count")
    g.add_conditional_edges("count", again, {"again": "write", "done": "__end__"})
    g.set_entry_point("write")
    return AgentTranspiler.compile(g, max_steps=2 * rounds + 2)


def fresh_lm() -> ScriptedLM:
    return ScriptedLM({"write": {"draft": "Owls hoot."}}, latency=0.0)


def synthetic_events(n: int) -> list[dict[str, Any]]:
    make = RunEvents().make
    events = [make("run_start", inputs={"topic": "owls"})]
    nodes = ["write", "count"]
    for i in range(max(1, (n - 2) // 3)):
        node, nxt = nodes[i % 2], nodes[(i + 1) % 2]
        events += [
            make("node_start", node=node, kind="llm", step=i + 1, inputs={}),
            make("node_end", node=node, patch={"x": i}, duration=0.0, attempts=1),
            make("route", source=node, decision="again" if node == "count" else None, target=nxt),
        ]
    events.append(make("finished", output={}, state={}, steps=len(events) // 3, duration=0.0))
    return events


async def replay(events: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for event in events:
        yield event


def count_messages(view: GraphView) -> list[int]:
    sent = [0]
    original = view.comm.send

    def send(data: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and data.get("method") == "update":
            sent[0] += 1
        return original(data, *args, **kwargs)

    view.comm.send = send
    return sent


Timing = tuple[float, float]
"""(wall seconds, this process's CPU seconds): CPU time is steadier on a busy machine."""


def clock() -> Timing:
    return time.perf_counter(), time.process_time()


def since(start: Timing) -> Timing:
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


async def bare(make_stream: Callable[[], AsyncIterator[dict[str, Any]]]) -> tuple[Timing, int]:
    started = clock()
    n = 0
    async for _ in make_stream():
        n += 1
    return since(started), n


async def attached(view: GraphView, make_stream: Callable[[], AsyncIterator[dict[str, Any]]]) -> tuple[Timing, int]:
    sent = count_messages(view)
    started = clock()
    await view.follow(make_stream())
    return since(started), sent[0]


async def measure(name: str, make_stream, graph_source, repeats: int) -> dict[str, Any]:
    """Interleaved trials, alternating which goes first, each with a fresh ScriptedLM (its call log grows)."""
    bare_times, view_times, messages = [], [], []
    n_events = 0

    async def one_bare() -> None:
        nonlocal n_events
        with dspy.context(lm=fresh_lm()):
            elapsed, n_events = await bare(make_stream)
        bare_times.append(elapsed)

    async def one_attached() -> None:
        view = GraphView(graph_source)
        with dspy.context(lm=fresh_lm()):
            elapsed, sent = await attached(view, make_stream)
        view_times.append(elapsed)
        messages.append(sent)
        view.close()

    with dspy.context(lm=fresh_lm()):
        await bare(make_stream)  # warm-up (imports, DSPy caches)
    for trial in range(repeats):
        for run in (one_bare, one_attached) if trial % 2 == 0 else (one_attached, one_bare):
            await run()
    b = statistics.median(t[0] for t in bare_times)
    v = statistics.median(t[0] for t in view_times)
    b_cpu = statistics.median(t[1] for t in bare_times)
    v_cpu = statistics.median(t[1] for t in view_times)
    return {
        "stream": name,
        "events": n_events,
        "bare_s": b,
        "view_s": v,
        "ratio": v / b,
        "cpu_ratio": v_cpu / b_cpu if b_cpu > 0 else float("nan"),
        "overhead_us": (v_cpu - b_cpu) / n_events * 1e6,
        "messages": max(messages),
        # leading update + one per SYNC_INTERVAL + the exact final one
        "allowed": 2 + int(max(t[0] for t in view_times) / SYNC_INTERVAL),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="about how many events per run")
    parser.add_argument("--repeats", type=int, default=5, help="trials per configuration")
    args = parser.parse_args()

    rounds = max(1, (args.events - 2) // EVENTS_PER_ROUND)
    program = loop_program(rounds)
    events = synthetic_events(args.events)
    rows = []
    rows.append(await measure("program", lambda: program.astream(topic="owls"), program, args.repeats))
    rows.append(await measure("synthetic", lambda: replay(events), program.graph, args.repeats))

    print(f"GraphView overhead ({platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, median of {args.repeats})\n")
    print("| stream | events | bare wall (s) | with view wall (s) | wall ratio | CPU ratio | view CPU / event "
          "| state messages (30/s bound) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['stream']} | {r['events']} | {r['bare_s']:.3f} | {r['view_s']:.3f} | {r['ratio']:.2f}x "
              f"| {r['cpu_ratio']:.2f}x | {r['overhead_us']:.1f} µs | {r['messages']} (≤ {r['allowed']}) |")


if __name__ == "__main__":
    asyncio.run(main())
