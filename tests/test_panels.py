"""The panels render what a debugging user needs, from recorded runs, and never render data as markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import ipywidgets as w
import pytest
from test_runmodel import Recorder, failing_run, loop_run

from dspyer_lab import Graph
from dspyer_lab.lab.labview import LabView
from dspyer_lab.lab.panels import ErrorPanel, NodeInspector, Presenter, ResultPanel, TimelinePanel, ValidationPanel
from dspyer_lab.lab.model.runmodel import RunModel as RunLog
from dspyer_lab.lab.textview import MASK, Masker

HOSTILE = "<img src=x onerror=alert(1)>"


def presenter(limit: int | None = 200) -> Presenter:
    masker = Masker()
    for event in loop_run():
        masker.learn(event)
    return Presenter(masker, limit)


def widgets_of(root: w.Widget) -> list[w.Widget]:
    found = [root]
    for child in getattr(root, "children", ()):
        found.extend(widgets_of(child))
    return found


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.style_text = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style_text += data


SAFE_TAGS = {"style", "div", "span", "b", "table", "tr", "td", "th", "pre"}


def every_step_and_visit(view: LabView) -> Iterator[None]:
    """Open every folded text, then show each step of the run and, at each step, each visit."""
    for panel in (view.inspector.fold, view.result_panel.fold, view.error_panel.fold):
        panel.selected_index = 0
    for step in range(len(view.events) + 1):
        view.seek(step)
        for visit in range(len(view.run_log.visits)):
            view.select(visit=visit)
            yield


def assert_html_is_inert(root: w.Widget) -> int:
    """Every HTML widget holds only the panels' own static markup; returns how many were checked."""
    checked = 0
    for widget in widgets_of(root):
        if isinstance(widget, (w.HTML, w.HTMLMath)):
            markup = _Markup()
            markup.feed(widget.value)
            assert markup.tags <= SAFE_TAGS, (markup.tags, widget.value)
            assert markup.attrs <= {"style", "class"}, (markup.attrs, widget.value)
            assert "onerror" not in markup.style_text and "<img" not in widget.value
            checked += 1
    return checked


def synced_text(root: w.Widget) -> str:
    """Everything the browser receives from the view's widgets, as one string."""
    return json.dumps([widget.get_state() for widget in widgets_of(root)], default=repr, ensure_ascii=False)


async def _aiter(items: list[dict[str, Any]]):
    for item in items:
        yield item


def loop_graph() -> Graph:
    g = Graph()
    g.add_node("draft", lambda s: None)
    g.add_node("check", lambda s: None)
    g.add_edge("draft", "check")
    g.add_conditional_edges("check", lambda s: "done", {"retry": "draft", "done": "__end__"})
    g.set_entry_point("draft")
    return g


# -- node inspector --------------------------------------------------------------------------


def test_inspector_shows_inputs_patch_and_highlights_changed_state_keys() -> None:
    log = RunLog.replay(loop_run())
    inspector = NodeInspector(presenter(), lambda i: None)
    inspector.render(log, log.visits[1])  # check: rewrote `words` unchanged, added `ok`
    header, body = inspector.header.value, inspector.body.value
    assert "check" in header and "visit 1" in header and "step 2" in header and "0.010 s" in header
    assert "Patch (fields this node wrote)" in body and "changed: ok" in body
    changed_rows = [row for row in body.split("<tr") if row.startswith(" class='dl-changed'")]
    assert len(changed_rows) == 1 and "<b>ok</b>" in changed_rows[0]
    assert MASK in body and "sk-live-1234" not in body  # api_key in the state


def test_inspector_offers_each_visit_of_a_looping_node_and_says_when_a_node_has_not_run() -> None:
    log = RunLog.replay(loop_run())
    picked: list[int] = []
    inspector = NodeInspector(presenter(), picked.append)
    inspector.render(log, log.visits[2])
    assert [value for _, value in inspector.visits.options] == [0, 2]
    assert inspector.visits.layout.display is None
    inspector.visits.value = 0  # the user picks the first visit
    assert picked == [0]
    inspector.render(log, None, "never")
    assert "has not run yet" in inspector.header.value and inspector.body.value == ""


def test_long_values_are_clipped_in_tables_and_complete_in_the_folded_text() -> None:
    e = Recorder()
    long_text = "word " * 400
    e("run_start", inputs={"doc": long_text})
    e("node_start", node="n", kind="python", step=1, inputs={"doc": long_text})
    log = RunLog.replay(e.events)
    inspector = NodeInspector(presenter(limit=50), lambda i: None)
    inspector.render(log, log.visits[0])
    assert long_text not in inspector.body.value and "chars)" in inspector.body.value
    assert inspector.full.value == ""  # folded: not serialized
    inspector.fold.selected_index = 0
    assert json.loads(inspector.full.value)["inputs"]["doc"] == long_text
    assert inspector.full.disabled  # read-only text


# -- validation ------------------------------------------------------------------------------


def test_validation_panel_shows_messages_fields_offending_values_raw_output_and_feedback() -> None:
    log = RunLog.replay(loop_run())
    panel = ValidationPanel(presenter())
    panel.render(log, log.visits[0])
    assert "1 rejected answer(s) of node 'draft'" in panel.scope.value
    detail = panel.detail.value
    assert "too short (got 3)" in detail and "words" in detail and "retried with feedback" in detail
    assert "Offending values" in detail and "<td>3</td>" in detail
    assert "[[ ## words ## ]]\n3" in panel.raw_output.value
    assert panel.feedback.value.startswith("Your previous answer was rejected")


def test_validation_panel_falls_back_to_the_whole_run_and_to_an_empty_message() -> None:
    log = RunLog.replay(loop_run())
    panel = ValidationPanel(presenter())
    panel.render(log, log.visits[1])  # check never failed
    assert "1 rejected answer(s) in this run" in panel.scope.value and "none for node 'check'" in panel.scope.value
    assert "too short" in panel.detail.value
    panel.render(RunLog.replay(loop_run()[:2]), None)
    assert "No rejected answers" in panel.scope.value and panel.detail.value == ""
    assert panel.texts.layout.display == "none"


def test_last_attempt_without_retry_says_so() -> None:
    log = RunLog.replay(failing_run())
    panel = ValidationPanel(presenter())
    panel.render(log, log.visits[0])
    assert "no retry left" in panel.detail.value
    assert "no retry followed" in panel.feedback.value


# -- result and error ----------------------------------------------------------------------------


def test_result_panel_is_a_typed_field_table() -> None:
    panel = ResultPanel(presenter(), {"text": {"type": "str", "description": "The <final> text"}})
    panel.render(RunLog.replay(loop_run()[:5]))
    assert "not finished yet" in panel.body.value
    panel.render(RunLog.replay(loop_run()))
    body = panel.body.value
    assert "<b>text</b>" in body and "<td>str</td>" in body and "Owls hunt at night, silently." in body
    assert "The &lt;final&gt; text" in body and "4 steps" in body


def test_error_panel_is_short_with_the_traceback_folded() -> None:
    panel = ErrorPanel(presenter(), message_lines=2)
    panel.render(RunLog.replay(loop_run()))
    assert "No error" in panel.body.value and panel.fold.layout.display == "none"
    e = Recorder()
    e("run_start", inputs={})
    e("error", node="n", error="line1\nline2\nline3\nline4", error_type="RouteError", traceback="Traceback ...\nboom",
      state={})
    panel.render(RunLog.replay(e.events))
    assert "RouteError" in panel.body.value and "in node &#x27;n&#x27;" in panel.body.value
    assert "line2" in panel.body.value and "line3" not in panel.body.value and "2 more lines" in panel.body.value
    assert panel.fold.selected_index is None and panel.fold.layout.display is None
    assert "line4" in panel.traceback.value and "boom" in panel.traceback.value


# -- timeline --------------------------------------------------------------------------------


def test_timeline_lists_newest_first_and_reports_clicks() -> None:
    clicked: list[int] = []
    timeline = TimelinePanel(presenter(), clicked.append)
    log = RunLog.replay(loop_run())
    timeline.render(log)
    labels = [label for label, _ in timeline.list.options]
    assert labels[0].split()[1] == "finished" and "run_start" in labels[-1]
    assert all("sk-live-1234" not in label for label in labels)
    timeline.list.value = 2
    assert clicked == [2]
    timeline.render(log)  # a re-render keeps the selection and does not report a click
    assert timeline.list.value == 2 and clicked == [2]


def test_timeline_window_is_bounded_and_pages_over_the_full_list() -> None:
    e = Recorder()
    e("run_start", inputs={})
    for i in range(2500):
        e("node_start", node="tick", kind="python", step=i + 1, inputs={})
        e("node_end", node="tick", patch={"i": i}, duration=0.0, attempts=1)
    log = RunLog.replay(e.events)
    timeline = TimelinePanel(presenter(), lambda i: None, window=100)
    timeline.render(log)
    values = [v for _, v in timeline.list.options]
    assert values == list(range(5000, 4900, -1))
    assert timeline.position.value == "events 4902–5001 of 5001"
    assert timeline.newer.disabled and not timeline.older.disabled
    timeline.older.click()
    assert [v for _, v in timeline.list.options][0] == 4900 and len(timeline.list.options) == 100
    timeline.render(log)  # new events do not yank a user who paged back
    assert [v for _, v in timeline.list.options][0] == 4900
    timeline.newest.click()
    assert [v for _, v in timeline.list.options][0] == 5000
    for _ in range(60):
        timeline.older.click()
    assert [v for _, v in timeline.list.options][-1] == 0 and timeline.older.disabled


# -- the whole view: nothing from a run becomes markup, secrets never reach the browser ------------


def hostile_graph() -> Graph:
    g = Graph()
    g.add_node(HOSTILE, lambda s: None)
    g.add_node("check", lambda s: None)
    g.add_edge(HOSTILE, "check")
    g.set_entry_point(HOSTILE)
    return g


def hostile_run() -> list[dict[str, Any]]:
    """A node, fields, values, messages and a decision that are all markup; a secret echoed in free text."""
    e = Recorder()
    e("run_start", inputs={HOSTILE: HOSTILE, "api_key": "sk-live-1234"})
    e("node_start", node=HOSTILE, kind="llm", step=1, inputs={HOSTILE: HOSTILE})
    e("validation_error", node=HOSTILE, attempt=1, max_attempts=2, error=f"- {HOSTILE}: bad (got {HOSTILE})",
      failed_fields=[HOSTILE], raw_output=json.dumps({HOSTILE: HOSTILE, "echo": "key is sk-live-1234"}),
      feedback=f"fix {HOSTILE}", will_retry=True)
    e("node_end", node=HOSTILE, patch={"text": HOSTILE, HOSTILE: 1}, duration=0.1, attempts=2)
    e("route", source=HOSTILE, decision=HOSTILE, target="check")
    e("node_start", node="check", kind="python", step=2, inputs={"text": HOSTILE})
    e("error", node="check", error=f"{HOSTILE} exploded; key sk-live-1234", error_type="ValueError",
      traceback=f"Traceback\n{HOSTILE}", state={"text": HOSTILE, "api_key": "sk-live-1234"})
    return e.events


async def test_model_text_never_reaches_an_html_widget_unescaped_at_any_step() -> None:
    view = LabView(hostile_graph())
    await view.watch(_aiter(hostile_run()))
    for _ in every_step_and_visit(view):
        assert assert_html_is_inert(view) == 5  # node header + body, validation, result, error
    # the payload is shown, as text
    view.select(visit=0)
    assert "&lt;img src=x onerror=alert(1)&gt;" in view.inspector.body.value
    assert HOSTILE in view.validation.raw_output.value


async def test_secrets_never_reach_the_browser() -> None:
    view = LabView(hostile_graph())
    await view.watch(_aiter(hostile_run()))
    for _ in every_step_and_visit(view):
        assert "sk-live-1234" not in synced_text(view)
    assert MASK in view.error_panel.traceback.value  # masked, not dropped
    assert "key is " + MASK in view.validation.raw_output.value


async def test_secret_patterns_are_configurable() -> None:
    e = Recorder()
    e("run_start", inputs={"ssn": "123-45-6789", "api_key": "visible-key"})
    view = LabView(loop_graph(), secret_patterns=["ssn"])
    await view.watch(e.events)  # a plain list of events works too
    assert [event["event"] for event in view.events] == ["run_start"]  # a stream that just ends was not stopped
    view.timeline.render(view.run_log)
    text = synced_text(view)
    assert "123-45-6789" not in text and "visible-key" in text


@pytest.mark.parametrize("limit", [None, 20])
async def test_display_limit_applies_to_every_table(limit: int | None) -> None:
    e = Recorder()
    e("run_start", inputs={"doc": "x" * 500})
    e("node_start", node="draft", kind="python", step=1, inputs={"doc": "x" * 500})
    view = LabView(loop_graph(), display_limit=limit)
    await view.watch(_aiter(e.events))
    assert ("x" * 500 in view.inspector.body.value) is (limit is None)


def test_validation_panel_follows_the_newest_rejection_until_the_user_picks_one() -> None:
    events = failing_run()
    second = {**events[2], "seq": 3, "attempt": 2, "error": "- score: too big (got 43)", "raw_output": '{"score": 43}'}
    first = {**events[2], "will_retry": True, "max_attempts": 2}
    second["max_attempts"] = 2
    panel = ValidationPanel(presenter())
    log = RunLog.replay([*events[:2], first])
    panel.render(log, log.visits[0])
    assert "got 42" in panel.detail.value
    log = RunLog.replay([*events[:2], first, second])  # a live run: the next rejection arrives
    panel.render(log, log.visits[0])
    assert "got 43" in panel.detail.value  # follows the newest
    panel.picker.value = 0  # the user picks the first attempt
    assert "got 42" in panel.detail.value
    panel.render(log, log.visits[0])  # the next redraw keeps the user's choice
    assert "got 42" in panel.detail.value


def test_validation_panel_pick_holds_for_its_run_only() -> None:
    events = failing_run()
    first = {**events[2], "will_retry": True, "max_attempts": 2}
    second = {**events[2], "seq": 3, "attempt": 2, "max_attempts": 2, "error": "- score: too big (got 43)"}
    run = [*events[:2], first, second]
    panel = ValidationPanel(presenter())
    log = RunLog.replay(run)
    panel.render(log, log.visits[0])
    panel.picker.value = 0  # the user picks the first rejection
    for k in (len(run), 0, 3, len(run)):  # time travel replays the same run: the pick holds
        step = RunLog.replay(run[:k])
        panel.render(step, step.visits[0] if step.visits else None)
    assert "got 42" in panel.detail.value
    next_run = [{**e, "run_id": "run3", "error": e.get("error", "").replace("42", "52")} for e in run]
    panel.render(RunLog(), None)  # what a view shows when the next run begins
    log = RunLog.replay(next_run)
    panel.render(log, log.visits[0])
    assert "got 43" in panel.detail.value and panel.picker.value == 1  # the newest again, not the old pick


def hostile_numbers_run() -> list[dict[str, Any]]:
    """Markup where the contract has numbers: what a hand-made (or tampered) saved run can hold."""
    e = Recorder()
    e("run_start", inputs={"q": "x"})
    e("node_start", node="draft", kind="llm", step=HOSTILE, inputs={"q": "x"})
    e("validation_error", node="draft", attempt=HOSTILE, max_attempts=HOSTILE, error="bad", failed_fields=["t"],
      raw_output="", feedback="", will_retry=True)
    e("node_end", node="draft", patch={"t": 1}, duration=HOSTILE, attempts=HOSTILE)
    e("route", source="draft", decision=None, target="check")
    e("node_start", node="check", kind=HOSTILE, step=2, inputs={})
    e("finished", output={"t": 1}, state={"t": 1}, steps=HOSTILE, duration=HOSTILE)
    return e.events


async def test_a_crafted_run_file_cannot_inject_markup(tmp_path) -> None:
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps({
        "format": "dspyer-lab-run", "version": 1, "graph": {
            "nodes": [{"name": "draft", "kind": "llm", "input_model": HOSTILE, "input_fields": [HOSTILE],
                       "output_model": "Out", "output_fields": ["t"]},
                      {"name": "check", "kind": "python", "function": HOSTILE}],
            "edges": [{"source": "draft", "target": "check"}], "routers": [], "entry_point": "draft"},
        "output_model": {"name": HOSTILE, "fields": {"t": {"type": HOSTILE, "description": HOSTILE}}},
        "events": hostile_numbers_run(),
    }))
    view = LabView.load(path)
    for _ in every_step_and_visit(view):
        assert assert_html_is_inert(view) == 5
    view.select(visit=0)
    assert "2 attempt(s)" in view.inspector.header.value  # the crafted count is dropped: 1 rejection + 1


def test_durations_read_the_same_in_the_timeline_and_the_panels() -> None:
    log = RunLog.replay(loop_run())
    timeline = TimelinePanel(presenter(), lambda i: None)
    timeline.render(log)
    inspector = NodeInspector(presenter(), lambda i: None)
    inspector.render(log, log.visits[0])
    result = ResultPanel(presenter())
    result.render(log)
    assert "0.250 s" in inspector.header.value and "0.250 s" in {v: k for k, v in timeline.list.options}[3]
    assert "7.000 s" in result.body.value and "7.000 s" in timeline.list.options[0][0]


async def test_time_travel_before_the_picked_visit_shows_it_has_not_run_yet() -> None:
    view = LabView(loop_graph())
    await view.watch(_aiter(loop_run()))
    view.select(visit=1)  # the first visit of `check`, picked from the timeline or the visit list
    assert view.graph.selected_node == "check" and "<b>check</b>" in view.inspector.header.value
    view.seek(2)  # back to when only `draft` had started
    assert view.graph.selected_node == "check"
    assert "Node &#x27;check&#x27; has not run yet" in view.inspector.header.value
    assert "draft" not in view.inspector.header.value and view.inspector.body.value == ""
    view.select(visit=2)  # the second visit of `draft`
    view.seek(6)  # `draft` ran once so far
    assert view.graph.selected_node == "draft"
    assert "This visit of node &#x27;draft&#x27; has not started yet" in view.inspector.header.value
    assert [value for _, value in view.inspector.visits.options] == [0]
    assert view.inspector.visits.layout.display is None  # the earlier visit is one click away
    view.seek(len(view.events))
    assert "<b>draft</b>" in view.inspector.header.value and "visit 2" in view.inspector.header.value
    with pytest.raises(IndexError, match="visit 9 is not in this run"):
        view.select(visit=9)
