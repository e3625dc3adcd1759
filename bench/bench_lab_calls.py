"""Model calls in the lab: the size of a saved 50-call run, and a token flood through the run model and a LabView.

    python bench/bench_lab_calls.py                     # 50 calls saved; 20,000 streamed tokens
    python bench/bench_lab_calls.py --calls 100 --tokens 50000

file   a real compiled program (an LLM node ``draft`` looping through a router; every visit's first
       answer is rejected, so each visit makes two calls) on a `ScriptedLM` that streams, followed by
       a LabView (so ``_stream_tokens=True``), until it made --calls model calls; saved as
       `LabView.save` does (masked). Reported: the file, the same events as plain JSON (every event
       written out whole, tokens included), and how many token events the file leaves out (those
       whose attempt's ``lm_call`` carries the text). The messages repeat from call to call (the
       same instructions, the growing history of the state), which the value table stores once.
flood  one LLM node streaming --tokens chunks (one ``token`` event each) then its ``lm_call``:
       folding cost per token (`RunModel.apply`), seeks (`RunModel.at`) at 200 random positions,
       a render of the panels mid-stream (`lab_json`: the timeline shows one row for the stream), and
       the whole stream through a `LabView.watch` (fold + throttled renders, 15 a second).
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
from pathlib import Path
from typing import Any

import dspy
from pydantic import BaseModel, field_validator

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.lab.model.runmodel import RunModel
from dspyer_lab.lab.model.viewmodel import Page, Screen, Selection, lab_json
from dspyer_lab.lab.textview import Masker
from dspyer_lab.lab.widgets import LabView

KB = 1024


class Topic(BaseModel):
    topic: str
    notes: str = ""
    api_key: str = ""


class Draft(BaseModel):
    """Write one more paragraph about the topic, building on the notes so far; end it with [done]."""

    paragraph: str

    @field_validator("paragraph")
    @classmethod
    def ends(cls, value: str) -> str:
        if not value.endswith("[done]"):
            raise ValueError("end the paragraph with [done]")
        return value


def drafting_program(visits: int, grow: bool) -> Any:
    """draft -> collect -> draft ... (`visits` times); with `grow` the notes (in every prompt) gather each paragraph."""

    def collect(state: dict[str, Any]) -> dict[str, Any]:
        notes = (state.get("notes", "") + "\n" + state["paragraph"]).strip() if grow else state.get("notes", "")
        return {"notes": notes, "n": state.get("n", 0) + 1}

    graph = Graph()
    graph.add_node(StatefulNode("draft", Topic, Draft))
    graph.add_node("collect", collect)
    graph.add_edge("draft", "collect")
    graph.add_conditional_edges("collect", lambda s: "done" if s["n"] >= visits else "again",
                                {"again": "draft", "done": "__end__"})
    graph.set_entry_point("draft")
    return AgentTranspiler.compile(graph, max_steps=2 * visits + 2)


PARAGRAPH = ("Owls hunt at night: soft fringed feathers muffle each wingbeat, and their asymmetric ears "
             "place a mouse under the snow by sound alone, so the strike comes without warning. ")


def paragraph_lm() -> ScriptedLM:
    counter = {"n": 0}

    def answer(inputs: dict[str, Any]) -> dict[str, Any]:
        counter["n"] += 1
        text = f"{counter['n']}. {PARAGRAPH}"
        return {"paragraph": text + ("[done]" if inputs.get("validation_feedback") else "(unfinished)")}

    return ScriptedLM({"draft": answer})


async def saved_run(calls: int, folder: Path, grow: bool) -> dict[str, Any]:
    view = LabView(drafting_program(calls // 2, grow))
    with dspy.context(lm=paragraph_lm()):
        await view.run(topic="owls", api_key="sk-bench-0123456789")
    events = view.events
    path = view.save(folder / "run.json")
    plain = len(json.dumps(events, ensure_ascii=False, separators=(",", ":")).encode())
    loaded = LabView.load(path)
    kinds = [e["event"] for e in events]
    return {
        "calls": view.run_log.call_totals.calls,
        "events": len(events),
        "tokens": kinds.count("token"),
        "saved_events": len(loaded.events),
        "file": path.stat().st_size,
        "plain": plain,
        "messages": sum(len(json.dumps(e["messages"]).encode()) for e in events if e["event"] == "lm_call"),
        "same_calls": loaded.run_log.call_totals == view.run_log.call_totals,
    }


def flood_events(tokens: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    def add(event_kind: str, /, **payload: Any) -> None:
        events.append({"event": event_kind, "run_id": "flood", "seq": len(events), "ts": 1000.0 + len(events) * 0.001,
                       **payload})

    add("run_start", inputs={"topic": "owls", "api_key": "sk-bench-0123456789"})
    add("node_start", node="write", kind="llm", step=1, inputs={"topic": "owls"})
    for i in range(tokens):
        add("token", node="write", attempt=1, field="essay", chunk=f" word{i}")
    text = "".join(f" word{i}" for i in range(tokens))
    add("lm_call", node="write", attempt=1, model="scripted", messages=[{"role": "user", "content": "write"}],
        completion=f"[[ ## essay ## ]]\n{text}\n\n[[ ## completed ## ]]",
        usage={"prompt_tokens": 10, "completion_tokens": tokens, "total_tokens": tokens + 10},
        cost=None, duration=tokens * 0.001, cached=False)
    add("node_end", node="write", patch={"essay": text}, duration=tokens * 0.001, attempts=1)
    add("finished", output={"essay": text}, state={}, steps=1, duration=tokens * 0.001)
    return events


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


async def flood(tokens: int) -> dict[str, Any]:
    events = flood_events(tokens)
    gc.disable()
    try:
        model = RunModel()
        fold = timed(lambda: [model.apply(e) for e in events])
        rng = random.Random(7)
        seeks = [timed(lambda k=k: model.at(k)) for k in [rng.randrange(len(events)) for _ in range(200)]]
        mid = model.at(len(events) // 2)
        masker = Masker()
        masker.learn(events[0]["inputs"])  # a secret to mask, as in a real run
        screen = Screen(masker, 200, {})
        render = statistics.median(timed(lambda: lab_json(mid, model, Selection(), Page(), screen)) for _ in range(20))
        panel = lab_json(mid, model, Selection(), Page(), screen)
        view = LabView(Graph().add_node("write", lambda s: None).set_entry_point("write"))
        throttle = view.presenter._throttle  # its calls are the renders
        before = throttle.calls
        watch = time.perf_counter()
        await view.watch(events)
        watch = time.perf_counter() - watch
        renders = throttle.calls - before
    finally:
        gc.enable()
    return {
        "events": len(events), "fold_us": fold / len(events) * 1e6, "seek_median_ms": statistics.median(seeks) * 1e3,
        "seek_max_ms": max(seeks) * 1e3, "render_ms": render * 1e3, "rows": len(panel["timeline"]["rows"]),
        "watch_s": watch, "renders": renders, "panel_kb": len(json.dumps(panel, ensure_ascii=False)) / KB,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--tokens", type=int, default=20_000)
    args = parser.parse_args()
    print(f"# {platform.machine()}, Python {platform.python_version()}, dspy {dspy.__version__}")
    for grow in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            f = await saved_run(args.calls, Path(folder), grow)
        print(f"saved run, {'notes growing in every prompt' if grow else 'the same inputs every visit'}: "
              f"{f['calls']} model calls, {f['events']} events ({f['tokens']} token events), {f['saved_events']} saved; "
              f"replay has the same calls: {f['same_calls']}")
        print(f"  file {f['file'] / KB:.1f} KB; the same events as plain JSON {f['plain'] / KB:.1f} KB "
              f"(of which lm_call messages {f['messages'] / KB:.1f} KB)")
    fl = await flood(args.tokens)
    print(f"token flood: {fl['events']} events; fold {fl['fold_us']:.1f} us/event; seek median "
          f"{fl['seek_median_ms']:.2f} ms, max {fl['seek_max_ms']:.2f} ms; panels mid-stream {fl['render_ms']:.2f} ms "
          f"({fl['rows']} timeline rows, {fl['panel_kb']:.1f} KB JSON); LabView.watch {fl['watch_s']:.2f} s "
          f"with {fl['renders']} renders")


if __name__ == "__main__":
    asyncio.run(main())
