"""The waterfall: what ran when, a bar per node visit on one time axis, its model calls inside.

What a user relies on: every visit is a bar from its start to its end, its calls (and retries) drawn
inside it with their tokens and duration on hover; a failed visit ends where the run failed; a run
without task ids is one lane, and branches that carry a ``task`` id get a lane each; a long run sends a
window around the inspected visit, never the whole run; the tab is built only when it is shown, and a
click on a bar selects that visit.
"""

from __future__ import annotations

import json
from typing import Any

import dspy
from test_debugger import Title, program, scripted
from test_lab_calls import call, called_run
from test_presenter import Owner
from test_runmodel import Recorder

from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.runmodel import RunModel
from dspyer_lab.lab.model.viewmodel import Screen
from dspyer_lab.lab.model.waterfall import WINDOW, waterfall_json
from dspyer_lab.lab.textview import Masker


def waterfall(events: list[dict[str, Any]], visit: int | None = None) -> dict[str, Any]:
    run = RunModel.replay(events)
    return waterfall_json(run, run.visits[visit] if visit is not None else None, Screen(Masker()))


def test_a_bar_per_visit_on_one_time_axis_with_its_calls_and_retries_inside() -> None:
    events = called_run()
    shown = waterfall(events)
    t0 = events[0]["ts"]
    starts = [e["ts"] - t0 for e in events if e["event"] == "node_start"]
    ends = [e["ts"] - t0 for e in events if e["event"] == "node_end"]
    bars = shown["bars"]
    assert [(b["visit"], b["node"], b["status"]) for b in bars] == [(0, "draft", "done"), (1, "check", "done"),
                                                                      (2, "draft", "done")]
    assert [b["start"] for b in bars] == starts and [b["end"] for b in bars] == ends
    assert shown["span"] == [starts[0], ends[-1]] and shown["selected"] == 2  # following the run: the newest

    first = bars[0]
    assert [(c["attempt"], c["outcome"]) for c in first["calls"]] == [(1, "rejected"), (2, "answer")]
    assert all(first["start"] <= c["start"] <= c["end"] <= first["end"] for c in first["calls"])
    second_call = first["calls"][1]
    assert round(second_call["end"] - second_call["start"], 3) == 0.6  # drawn as long as the model took
    assert "100 in + 20 out tokens" in second_call["hint"] and "0.600 s" in second_call["hint"]
    assert "answer rejected" in first["calls"][0]["hint"]
    assert first["hint"].startswith("draft · visit 1 · done") and "240 tokens" in first["hint"]
    assert "1 rejected answer" in first["hint"]
    assert bars[1]["calls"] == [] and "model call" not in bars[1]["hint"]  # a Python node: a bar, no calls


def test_a_run_without_task_ids_is_one_lane() -> None:
    shown = waterfall(called_run())
    assert shown["lanes"] == [{"lane": "1", "label": "lane 1"}]
    assert {b["lane"] for b in shown["bars"]} == {0}
    assert shown["scope"].startswith("3 visits · 1 lane")


def test_a_failed_visit_ends_where_the_run_failed_and_a_running_one_grows_to_now() -> None:
    e = Recorder()
    e("run_start", inputs={"topic": "owls"})
    e("node_start", node="draft", kind="llm", step=1, inputs={"topic": "owls"})
    call(e, "draft", 1, "nonsense", duration=0.3)
    failed = e("error", node="draft", router=None, error_type="ValueError", error="no", traceback="", state={})
    bar = waterfall(e.events)["bars"][0]
    assert bar["status"] == "failed" and not bar["live"]
    assert bar["end"] == failed["ts"] - e.events[0]["ts"]
    assert "failed" in bar["hint"] and [c["outcome"] for c in bar["calls"]] == ["answer"]

    running = waterfall(called_run(finish=False))["bars"][-1]
    assert running["status"] == "running" and running["live"] and "so far" in running["hint"]


def test_branches_that_overlap_in_time_get_a_lane_each_and_what_follows_reuses_a_free_one() -> None:
    e = Recorder()
    e("run_start", inputs={"q": "owls"})
    e("node_start", node="web", kind="llm", step=1, inputs={}, task="1.0", ts=1001.0)
    e("node_start", node="docs", kind="llm", step=1, inputs={}, task="1.1", ts=1001.1)
    e("node_end", node="web", patch={}, duration=1.0, attempts=1, task="1.0", ts=1002.0)
    e("node_end", node="docs", patch={}, duration=1.0, attempts=1, task="1.1", ts=1002.1)
    e("node_start", node="write", kind="llm", step=2, inputs={}, task="2.0", ts=1002.2)
    shown = waterfall(e.events)
    assert [lane["label"] for lane in shown["lanes"]] == ["lane 1", "lane 2"]
    web, docs, write = shown["bars"]
    assert (web["lane"], docs["lane"], write["lane"]) == (0, 1, 0)
    assert [b["task"] for b in shown["bars"]] == ["1.0", "1.1", "2.0"]
    assert docs["start"] < web["end"]  # drawn side by side: both ran at once
    assert shown["scope"].startswith("3 visits · 2 lanes")


def test_a_long_run_sends_a_window_around_the_inspected_visit() -> None:
    e = Recorder()
    e("run_start", inputs={})
    for step in range(1, 5001):
        e("node_start", node="loop", kind="python", step=step, inputs=None)
        e("node_end", node="loop", patch={"n": step}, duration=0.01, attempts=1)
    newest = waterfall(e.events)
    assert len(newest["bars"]) == WINDOW and newest["bars"][-1]["visit"] == 4999
    assert newest["scope"].startswith("visits 4,801–5,000 of 5,000")
    picked = waterfall(e.events, visit=1000)
    visits = [b["visit"] for b in picked["bars"]]
    assert len(visits) == WINDOW and visits[0] <= 1000 <= visits[-1] and picked["selected"] == 1000
    assert len(json.dumps(picked)) < 60_000


async def test_the_tab_is_built_when_shown_and_a_click_on_a_bar_selects_its_visit() -> None:
    presenter: LabPresenter[Title] = LabPresenter(program())
    owner = Owner(presenter)
    with dspy.context(lm=scripted()):
        await presenter.run(topic="ice")
    assert "waterfall" in [t["id"] for t in owner.last.head["tabs"]] and owner.last.tab["id"] == "node"
    presenter.handle({"type": "tab", "tab": "waterfall"})
    bars = owner.last.tab["bars"]
    assert owner.last.tab["id"] == "waterfall" and [b["node"] for b in bars] == ["write", "name", "stamp"]
    presenter.handle({"type": "select", "visit": bars[1]["visit"]})
    assert presenter.selected_node == "name" and owner.last.tab["selected"] == 1
    assert owner.last.tab["id"] == "waterfall"  # the user stays on the waterfall
