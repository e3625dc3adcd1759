"""The view model: pure functions from a run model to the small JSON the browser draws.

What a user relies on: the drawing shows the run's statuses, visits and whole path; the browser
gets only what is on screen (a large value is clipped, its full text one request away); secrets
are masked on every path out (screen, full text); long loops keep the pickers small.
"""

from __future__ import annotations

import json
from typing import Any

from test_panels import loop_graph, text
from test_runmodel import Recorder, long_run, loop_run

from dspyer_lab.lab.dot import build_drawing
from dspyer_lab.lab.model.runmodel import RunModel
from dspyer_lab.lab.model.viewmodel import Page, Screen, Selection, graph_json, lab_json, node_json, status_text
from dspyer_lab.lab.textview import MASK, Masker


def screen(limit: int | None = 200) -> Screen:
    return Screen(Masker(), limit)


def learned(events: list[dict[str, Any]], limit: int | None = 200) -> Screen:
    shown = screen(limit)
    for event in events:
        shown.masker.learn(event.get("inputs") if event["event"] == "run_start" else event.get("patch"))
    return shown


def test_the_picture_has_statuses_visits_the_whole_path_and_the_selection() -> None:
    drawing = build_drawing(loop_graph())
    run = RunModel.replay(loop_run())
    picture = graph_json(run, drawing, "check")
    assert picture["status"] == {"draft": "done", "check": "done"}
    assert picture["visits"] == {"draft": 2, "check": 2}
    ids = {(e.source, e.target, e.key): e.id for e in drawing.edges}
    assert picture["path"] == {
        ids[("draft", "check", None)]: 2, ids[("check", "draft", "retry")]: 1, ids[("check", "__end__", "done")]: 1,
    }
    assert picture["last"] == ids[("check", "__end__", "done")]
    assert picture["run_state"] == "finished" and picture["selected"] == "check"
    before = graph_json(run.at(2), drawing, None)  # run_start, node_start draft
    assert before["status"] == {"draft": "running", "check": "idle"} and before["path"] == {} and before["last"] is None


def test_only_what_is_on_screen_is_sent_and_the_full_text_comes_on_request() -> None:
    big = "x" * 1_000_000
    e = Recorder()
    e("run_start", inputs={"doc": big, "q": "owls"})
    for step in range(1, 21):
        e("node_start", node="draft", kind="python", step=step, inputs={"doc": big})
        e("node_end", node="draft", patch={"n": step}, duration=0.01, attempts=1)
        e("route", source="draft", decision="retry", target="draft")
    run = RunModel.replay(e.events)
    shown = screen(limit=200)
    panel = lab_json(run, run, Selection(visit=3), Page(), shown)
    assert len(json.dumps(panel)) < 40_000  # a 1 MB value in every state, 20 visits: the screen stays small
    inputs = panel["node"]["blocks"][2]["table"]["rows"]
    assert inputs[0][0] == "doc" and len(inputs[0][1]["text"]) < 300
    assert shown.full_text(inputs[0][1]["full"]) == big
    handles = list(shown.handles)
    lab_json(run, run, Selection(visit=4), Page(), shown)  # the next render: the old handles are gone
    assert all(shown.full_text(h) is None for h in handles)
    assert shown.handles and not set(shown.handles) & set(handles)  # never reused: the browser keeps texts by handle


def test_secrets_are_masked_on_every_path_out() -> None:
    e = Recorder()
    e("run_start", inputs={"api_key": "sk-live-1234", "q": "x"})
    e("node_start", node="draft", kind="llm", step=1, inputs={"q": "x"})
    e("validation_error", node="draft", attempt=1, max_attempts=2, error="bad sk-live-1234", failed_fields=["t"],
      raw_output='{"t": "key sk-live-1234"}', feedback="fix", will_retry=True)
    e("node_end", node="draft", patch={"t": "ok"}, duration=0.1, attempts=2)
    e("error", node=None, error="boom sk-live-1234", error_type="RouteError", traceback="sk-live-1234",
      state={"api_key": "sk-live-1234", "t": "ok"})
    run = RunModel.replay(e.events)
    shown = learned(e.events, limit=8)  # tiny: everything is clipped, so every full text is behind a handle
    panel = lab_json(run, run, Selection(visit=0), Page(), shown)
    every_full_text = [shown.full_text(h) or "" for h in list(shown.handles)]
    assert "sk-live-1234" not in json.dumps(panel) + "".join(every_full_text)
    assert MASK in text(panel["timeline"]) and any(MASK in t for t in every_full_text)


def test_a_long_loop_keeps_the_visit_picker_small_around_the_inspected_visit() -> None:
    run = RunModel.replay(long_run(600))
    draft = run.visits_of("draft")
    picked = draft[300]
    picker = node_json(run, picked, None, screen())["visits"]
    values = [o["value"] for o in picker["options"]]
    assert len(values) < 100 and picker["value"] == picked.index
    assert values[0] == draft[0].index and values[-1] == draft[-1].index and picked.index in values
    assert picker["options"][values.index(picked.index)]["label"].startswith(f"301 of {len(draft)} ")


def test_the_status_line_says_where_the_run_is_and_when_it_is_seen_at_an_earlier_step() -> None:
    run = RunModel.replay(loop_run())
    assert status_text(run, run, True) == "finished · 4 steps in 7.000 s"
    one_step = [*loop_run()[:-1], {**loop_run()[-1], "steps": 1}]
    one = RunModel.replay(one_step)
    assert status_text(one, one, True) == "finished · 1 step in 7.000 s"  # not "1 steps"
    assert status_text(run.at(3), run, True) == "replaying step 1 of 4 · event 3/15"  # not "running"
    assert graph_json(run.at(3), build_drawing(loop_graph()), None)["run_state"] == "replay"
    assert status_text(run.at(0), run, True) == "replaying step 0 of 4 · event 0/15"
    continued = [*loop_run()[:-1], {**loop_run()[-1], "duration": 0.002}]  # resumed after a pause: its last stretch
    resumed = RunModel.replay(continued)
    assert status_text(resumed, resumed, True) == "finished · 4 steps in 7.000 s"  # the wall time since run_start
    empty = RunModel()
    assert status_text(empty, empty, True) == "ready" and status_text(empty, empty, False) == "no run"
