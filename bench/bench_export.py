"""The one-file replay (`LabView.to_html`, issue 24): export time, file size, and the page's opening time.

    python bench/bench_export.py                       # the quickstart, 1,000 and 5,000 events
    python bench/bench_export.py --events 1000 --opens 5

Runs: the quickstart (retrieve -> answer, one rejected answer on `ScriptedLM`) and a real compiled loop of Python
nodes (``tick`` -> router -> ``tick``, 3 events a visit, as bench_runmodel.py) of about --events events.

export   ``view.to_html()`` wall time (the frames are computed through a `LabPresenter`: seek + render + panel per
         event), median of --repeats (one run for the 5,000-event one).
size     the file, and its data side by side with the alternatives: every frame written out whole (JSON), the
         frames hash-consed (export.py `_Table`) without gzip, and as shipped (hash-consed, gzip, base64).
         Target (issue 24): the quickstart under 300 KB plus the run's own data (its saved .json).
open     Chromium (/usr/bin/chromium, headless) opens the file from file:// with every other request aborted:
         ms from navigation start to the first frame's graph on screen (``html[data-first-frame]``), median of
         --opens fresh tabs. Target: a 1,000-event run under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import dspy

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM
from dspyer_lab.lab.model.export import _decoded, frames_of, read_export
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.runfile import read_run
from dspyer_lab.lab.widgets import LabView

KB = 1024


def quickstart() -> LabView[Any]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from test_compare import GOOD, QUESTION, WRONG, quickstart_program  # the quickstart's program and answers

    view = LabView(quickstart_program(), store=False)
    with dspy.context(lm=ScriptedLM({"answer": [WRONG, GOOD]})):
        asyncio.run(view.run(question=QUESTION))
    return view


def loop(events: int) -> LabView[Any]:
    visits = max(1, events // 3)
    graph = Graph()
    graph.add_node("tick", lambda state: {"n": state["n"] + 1})
    graph.add_conditional_edges("tick", lambda state: "done" if state["n"] >= visits else "again",
                                {"again": "tick", "done": "__end__"})
    graph.set_entry_point("tick")
    view = LabView(AgentTranspiler.compile(graph, max_steps=visits + 1), store=False)
    asyncio.run(view.run(n=0))
    return view


def sizes(view: LabView[Any], document: str, folder: Path) -> dict[str, int]:
    saved = read_run(view.save(folder / "run.json"))
    presenter: LabPresenter[Any] = LabPresenter(saved.graph, store=False)
    presenter.show_saved(saved, runnable=False)
    data = frames_of(presenter)
    whole = sum(len(json.dumps(_decoded(data, r), ensure_ascii=False, separators=(",", ":"))) for r in data["frames"])
    consed = len(json.dumps({k: data[k] for k in ("scalars", "nodes", "frames", "texts")}, ensure_ascii=False,
                            separators=(",", ":")))
    exported = read_export(document)
    assert len(exported["runs"][0]["frames"]) == len(saved.events) + 1
    return {"file": len(document.encode("utf-8")), "run_json": (folder / "run.json").stat().st_size,
            "frames_whole": whole, "frames_consed": consed, "events": len(saved.events)}


def open_times(path: Path, opens: int) -> list[float]:
    from playwright.sync_api import expect, sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("DSPYER_CHROMIUM", "/usr/bin/chromium"))
        for _ in range(opens):
            page = browser.new_page()
            blocked: list[str] = []

            def route(r: Any, blocked: list[str] = blocked) -> None:
                if r.request.url == path.as_uri():
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(path.as_uri())
            expect(page.locator("html[data-first-frame]")).to_have_count(1, timeout=60_000)
            times.append(float(page.locator("html").get_attribute("data-first-frame") or "nan"))
            assert not blocked, blocked
            page.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--opens", type=int, default=3)
    args = parser.parse_args()
    print(f"# bench_export  {time.strftime('%Y-%m-%d %H:%M:%S')}  python {platform.python_version()}  "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    cases = [("quickstart", quickstart)] + [(f"{n:,} events", lambda n=n: loop(n)) for n in args.events]
    print(f"{'run':<14} {'events':>7} {'export s':>9} {'file KB':>8} {'run .json KB':>12} {'whole frames KB':>15} "
          f"{'hash-consed KB':>14} {'open ms (median, each)':>24}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in cases:
            view = make()
            repeats = args.repeats if len(view.events) <= 2000 else 1
            took = []
            document = ""
            for _ in range(repeats):
                start = time.perf_counter()
                document = view.to_html()
                took.append(time.perf_counter() - start)
            path = folder / f"{name.replace(' ', '_').replace(',', '')}.html"
            path.write_text(document, encoding="utf-8")
            s = sizes(view, document, folder)
            opened = open_times(path, args.opens)
            print(f"{name:<14} {s['events']:>7,} {statistics.median(took):>9.2f} {s['file'] / KB:>8,.0f} "
                  f"{s['run_json'] / KB:>12,.0f} {s['frames_whole'] / KB:>15,.0f} {s['frames_consed'] / KB:>14,.0f} "
                  f"{statistics.median(opened):>8.0f} ({', '.join(f'{t:.0f}' for t in opened)})")
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
