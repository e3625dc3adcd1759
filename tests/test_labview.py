"""LabView end to end: real compiled programs on ScriptedLM, upstream dspyer streams, stop, save and replay."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import dspy
import pytest
from dspy.utils import DummyLM
from pydantic import BaseModel, Field, field_validator

from core_helpers import LMCallTracker, settle
from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, StatefulNode
from dspyer_lab.lab.graphview import GraphView
from dspyer_lab.lab.labview import LabView, show
from dspyer_lab.lab.textview import MASK
from test_panels import HOSTILE, assert_html_is_inert, synced_text

SECRET = "sk-test-0123456789"


class Query(BaseModel):
    query: str
    api_key: str = ""


class Scored(BaseModel):
    """Answer the question and rate your confidence from 0 to 10."""

    answer: str = Field(description="The answer")
    score: int = Field(description="Confidence, 0 to 10")

    @field_validator("score")
    @classmethod
    def score_in_range(cls, value: int) -> int:
        if not 0 <= value <= 10:
            raise ValueError("score must be between 0 and 10")
        return value


def stuck_view() -> tuple[LabView, asyncio.Event]:
    """A view of a one-node graph whose node blocks until cancelled; the event is set once it runs."""
    started = asyncio.Event()

    async def wait_forever(state: dict[str, Any]) -> None:
        started.set()
        await asyncio.Event().wait()

    return LabView(Graph().add_node("stuck", wait_forever).set_entry_point("stuck")), started


def rating_graph() -> Graph:
    """rate (LLM, self-correcting) -> shout (Python) -> END."""
    g = Graph()
    g.add_node(StatefulNode("rate", Query, Scored))
    g.add_node("shout", lambda state: {"loud": state["answer"].upper()})
    g.add_edge("rate", "shout")
    g.set_entry_point("rate")
    return g


def looping_graph() -> Graph:
    """rate -> count -> (again: rate | done: END): rate runs twice, retrying on its first visit."""
    g = Graph()
    g.add_node(StatefulNode("rate", Query, Scored))
    g.add_node("count", lambda state: {"rounds": state.get("rounds", 0) + 1})
    g.add_edge("rate", "count")
    g.add_conditional_edges("count", lambda state: "again" if state["rounds"] < 2 else "done",
                            {"again": "rate", "done": "__end__"})
    g.set_entry_point("rate")
    return g


def lm_context(lm: dspy.BaseLM, *callbacks: Any) -> Any:
    return dspy.context(lm=lm, callbacks=list(callbacks))


BAD = {"answer": HOSTILE, "score": 42}
GOOD = {"answer": "owls", "score": 7}


async def test_run_with_a_self_correcting_node_fills_every_panel() -> None:
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        result = await view.run(query="what hunts at night?", api_key=SECRET)
    assert result == Scored(answer="owls", score=7)  # typed, like aforward
    assert [e["event"] for e in view.events] == [
        "run_start", "node_start", "validation_error", "node_end", "route", "node_start", "node_end", "route", "finished",
    ]
    assert view.graph.node_status == {"rate": "done", "shout": "done"} and view.graph.run_state == "finished"
    assert view.status.value.startswith("finished · 2 steps")
    assert view.tabs.titles == ("Node", "Validation (1)", "Result", "Error")

    # validation panel: the validator's message, the failed field, the offending value, raw output, feedback
    detail = view.validation.detail.value
    assert "score must be between 0 and 10" in detail and "<td>42</td>" in detail
    assert HOSTILE in view.validation.raw_output.value  # as text, in a Textarea
    assert "score must be between 0 and 10" in view.validation.feedback.value

    # node inspector of `rate`: its validated patch, 2 attempts
    view.graph.selected_node = "rate"  # what a click in the browser does
    assert view.tabs.selected_index == 0
    assert "2 attempt(s)" in view.inspector.header.value
    body = view.inspector.body.value
    assert "<b>score</b></td><td>7</td>" in body and "<b>answer</b></td><td>owls</td>" in body

    # result panel: the typed output as a field table
    result_html = view.result_panel.body.value
    assert "<td>int</td>" in result_html and "<td>7</td>" in result_html and "Confidence, 0 to 10" in result_html

    assert assert_html_is_inert(view) == 5
    assert SECRET not in synced_text(view)


async def test_a_failing_run_is_shown_then_raised() -> None:
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored, max_retries=1)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD]})), pytest.raises(NodeValidationError):
        await view.run(query="q")
    assert view.graph.run_state == "failed" and view.graph.node_status["rate"] == "failed"
    assert view.run_log.status == "failed"
    assert view.tabs.selected_index == 3 and view.tabs.titles[3] == "Error ⚠"
    assert "NodeValidationError" in view.error_panel.body.value and "rate" in view.error_panel.body.value
    assert "Traceback" in view.error_panel.traceback.value and view.error_panel.fold.selected_index is None
    assert "2 rejected answer(s)" in view.validation.scope.value
    assert "no retry left" in view.validation.detail.value
    assert "The run failed" in view.result_panel.body.value


async def test_stop_cancels_a_run_blocked_in_a_python_node() -> None:
    started, cleaned_up = asyncio.Event(), []

    async def wait_forever(state: dict[str, Any]) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cleaned_up.append(True)

    g = Graph()
    g.add_node("first", lambda s: {"x": 1})
    g.add_node("stuck", wait_forever)
    g.add_edge("first", "stuck")
    g.set_entry_point("first")
    view = LabView(g)  # compiled on first run
    task = view.start()
    await started.wait()
    assert view.running and not view.stop_button.disabled
    with pytest.raises(RuntimeError, match="already running"):
        view.start()
    with pytest.raises(RuntimeError, match="in progress"):
        view.seek(0)
    view.stop_button.click()
    with pytest.raises(asyncio.CancelledError, match="Stop button"):
        await task
    assert cleaned_up == [True]  # the engine was closed, not abandoned
    assert view.graph.run_state == "cancelled" and view.run_log.status == "cancelled"
    assert view.events[-1]["event"] == "cancelled" and view.events[-1]["seq"] == view.events[-2]["seq"] + 1
    assert view.status.value.startswith("cancelled") and view.stop_button.disabled
    assert view.run_log.visits[-1].status == "cancelled"
    assert await settle() == set()
    assert view.stop() is False


async def test_stop_during_a_model_call_leaves_nothing_running() -> None:
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored)
    view = LabView(program)
    tracker = LMCallTracker()
    with lm_context(ScriptedLM({"rate": [GOOD]}, latency=60.0), tracker):
        task = asyncio.ensure_future(view.run(query="q"))
        await tracker.started.wait()
        assert view.stop() is True
        with pytest.raises(asyncio.CancelledError):
            await task
    assert view.graph.run_state == "cancelled"
    assert view.graph.node_status["rate"] != "done"
    assert await settle() == set()


async def test_cancelling_the_awaiting_task_cancels_the_run_too() -> None:
    view, started = stuck_view()
    outer = asyncio.ensure_future(view.run())
    await started.wait()
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert view.run_log.status == "cancelled" and not view.running
    assert await settle() == set()


@pytest.mark.parametrize("how", ["stop", "close"])
async def test_a_started_run_is_running_at_once_and_stops_before_it_begins(how: str) -> None:
    lm = ScriptedLM({"rate": [GOOD]})
    view = LabView(AgentTranspiler.compile(rating_graph(), output_model=Scored))
    with lm_context(lm):
        task = view.start(query="q")
        assert view.running and not view.stop_button.disabled  # before the task has had a turn
        with pytest.raises(RuntimeError, match="already running"):
            view.start(query="again")
        if how == "stop":
            assert view.stop() is True
        else:
            view.close()
        with pytest.raises(asyncio.CancelledError, match="Stop button"):
            await task
    assert lm.calls == []  # nothing ran after the stop
    assert not view.running and view.stop() is False
    assert view.run_log.status == "cancelled" and view.graph.run_state == "cancelled"
    assert view.status.value.startswith("cancelled")
    assert await settle() == set()


async def test_start_refuses_at_once_what_the_run_would_refuse(tmp_path) -> None:
    view = LabView(AgentTranspiler.compile(rating_graph(), output_model=Scored))
    with pytest.raises(TypeError, match="Unknown option '_bogus'"):
        view.start(query="q", _bogus=1)
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        view.start(query="q", _max_steps=0)
    assert not view.running and view.status.value == "ready"  # nothing was started, nothing changed
    with lm_context(ScriptedLM({"rate": [GOOD]})):
        await view.run(query="q")
    replay = LabView.load(view.save(tmp_path / "run.json"))
    with pytest.raises(RuntimeError, match="replays a saved run"):
        replay.start(query="q")
    assert not replay.running and replay.run_log.status == "finished"  # the replay is still shown
    assert await settle() == set()


async def test_cancelling_the_awaiting_task_after_the_run_finished_keeps_it_finished() -> None:
    """The cancel lands after the `finished` event (here: while the stream tidies up): the run did finish."""
    tidying, release = asyncio.Event(), asyncio.Event()
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored)

    async def stream_with_slow_cleanup():
        async for event in program.astream(query="q"):
            yield event
        tidying.set()
        await release.wait()

    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [GOOD]})):
        outer = asyncio.ensure_future(view.watch(stream_with_slow_cleanup()))
        await tidying.wait()
        outer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await outer
    assert view.run_log.status == "finished" and view.events[-1]["event"] == "finished"
    assert view.graph.run_state == "finished" and view.graph.node_status == {"rate": "done", "shout": "done"}
    assert view.status.value.startswith("finished") and "owls" in view.result_panel.body.value


async def test_a_stream_that_raises_before_its_first_event_is_shown_as_failed() -> None:
    async def refuses():
        raise ValueError("bad inputs: 'query' is required")
        yield {}  # pragma: no cover  (an async generator that fails on its first step)

    view = LabView(rating_graph())
    with pytest.raises(ValueError, match="bad inputs"):
        await view.watch(refuses())
    assert view.run_log.status == "failed" and view.graph.run_state == "failed"
    assert view.status.value == "failed · ValueError"
    assert view.tabs.selected_index == 3 and "bad inputs" in view.error_panel.body.value
    assert "Traceback" in view.error_panel.traceback.value


async def test_a_view_of_an_upstream_graph_says_to_compile_it_first() -> None:
    import dspyer

    up_graph = dspyer.Graph()
    up_graph.add_node(dspyer.StatefulNode("rate", Query, Scored))
    up_graph.set_entry_point("rate")
    view = LabView(up_graph)
    assert list(view.graph.graph.nodes) == ["rate"]  # drawn
    with pytest.raises(RuntimeError, match=r"compile it first \(e.g. dspyer.AgentTranspiler.compile\(graph\)\)"):
        await view.run(query="q")
    assert not view.running and view.run_log.status == "idle"


def panel_snapshot(view: LabView) -> dict[str, Any]:
    """What the user sees in the panels and the graph (not the timing-free parts only: everything)."""
    return {
        "graph": (view.graph.node_status, view.graph.node_visits, view.graph.last_edge, view.graph.run_state),
        "status": view.status.value,
        "timeline": [label for label, _ in view.timeline.list.options],
        "inspector": (view.inspector.header.value, view.inspector.body.value, view.inspector.visits.options),
        "validation": (view.validation.scope.value, view.validation.detail.value, view.validation.raw_output.value,
                       view.validation.feedback.value, view.validation.picker.options),
        "result": view.result_panel.body.value,
        "error": (view.error_panel.body.value, view.error_panel.traceback.value),
        "tabs": view.tabs.titles,
        "slider": (view.slider.value, view.slider.max, view.slider_note.value),
    }


async def test_save_then_load_reproduces_statuses_and_panels_at_every_step(tmp_path) -> None:
    program = AgentTranspiler.compile(looping_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        await view.run(query="q", api_key=SECRET)
    path = view.save(tmp_path / "run.json")
    assert SECRET not in path.read_text() and MASK in path.read_text()  # masked on save by default

    with dspy.context(lm=None):  # no model anywhere: the replay needs none
        loaded = LabView.load(path)
    assert loaded.program is None and loaded.stop_button.layout.display == "none"
    assert loaded.graph.dot == view.graph.dot
    reference = GraphView(looping_graph())
    n = len(view.events)
    assert loaded.slider.max == n and loaded.slider.value == n
    assert panel_snapshot(loaded)["graph"] == panel_snapshot(view)["graph"]
    retrying_seen = False
    for step in range(n + 1):
        view.seek(step)
        loaded.slider.value = step  # what dragging the slider does
        assert panel_snapshot(loaded) == panel_snapshot(view), step
        reference.reset()
        for event in view.events[:step]:
            reference.update(event)
        reference.flush()
        assert (loaded.graph.node_status, loaded.graph.node_visits) == (reference.node_status, reference.node_visits)
        retrying_seen |= loaded.graph.node_status.get("rate") == "retrying"
    assert retrying_seen
    loaded.seek(3)  # right after the validation error
    assert loaded.graph.node_status["rate"] == "retrying" and "score must be between 0 and 10" in loaded.validation.detail.value
    assert loaded.status.value == "event 3/16 · running · step 1 · 3 events"
    loaded.seek(n)
    assert loaded.graph.node_visits == {"rate": 2, "count": 2} and loaded.graph.run_state == "finished"
    assert "<td>int</td>" in loaded.result_panel.body.value  # output model description travelled too
    with pytest.raises(RuntimeError, match="replays a saved run"):
        await loaded.run(query="q")


async def test_saving_without_masking_keeps_values(tmp_path) -> None:
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [GOOD]})):
        await view.run(query="q", api_key=SECRET)
    saved = json.loads(view.save(tmp_path / "plain.json", mask_secrets=False).read_text())
    assert saved["masked"] is False and saved["events"][0]["inputs"]["api_key"] == SECRET
    loaded = LabView.load(tmp_path / "plain.json")
    assert SECRET not in synced_text(loaded)  # still masked on display
    loaded_unmasked = LabView.load(tmp_path / "plain.json", secret_patterns=None)
    loaded_unmasked.select("rate")
    assert SECRET in loaded_unmasked.inspector.body.value


async def test_a_cancelled_run_replays_as_cancelled(tmp_path) -> None:
    view, started = stuck_view()
    task = view.start()
    await started.wait()
    view.stop()
    with pytest.raises(asyncio.CancelledError):
        await task
    loaded = LabView.load(view.save(tmp_path / "cancelled.json"))
    assert loaded.graph.run_state == "cancelled" and loaded.status.value.startswith("cancelled")
    loaded.seek(1)
    assert loaded.graph.run_state == "running"


async def test_timeline_clicks_select_the_visit_and_the_matching_tab() -> None:
    program = AgentTranspiler.compile(looping_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        await view.run(query="q")
    kinds = [e["event"] for e in view.events]
    view.timeline.list.value = kinds.index("validation_error")
    assert view.tabs.selected_index == 1 and "visit 1" in view.inspector.header.value
    second_rate = [i for i, e in enumerate(view.events) if e["event"] == "node_start" and e["node"] == "rate"][1]
    view.timeline.list.value = second_rate
    assert view.tabs.selected_index == 0
    assert "rate" in view.inspector.header.value and "visit 2" in view.inspector.header.value
    assert view.graph.selected_node == "rate"  # the graph highlights what is inspected
    view.timeline.list.value = kinds.index("finished")
    assert view.tabs.selected_index == 2
    view.graph.selected_node = ""  # the user clicks the highlighted node again: follow the run
    assert view.inspector.header.value.count("count") == 1 and "visit 2" in view.inspector.header.value


async def test_a_second_run_starts_from_a_clean_view() -> None:
    program = AgentTranspiler.compile(looping_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        await view.run(query="first")
        first_run = view.events[0]["run_id"]
        view.graph.selected_node = "count"
        await view.run(query="second")
    assert {e["run_id"] for e in view.events} == {view.events[0]["run_id"]} != {first_run}
    assert view.events[0]["inputs"]["query"] == "second"
    assert view.graph.node_visits == {"rate": 2, "count": 2}


async def test_a_stream_that_raises_without_an_error_event_is_shown_as_failed() -> None:
    async def broken():
        yield {"event": "run_start", "run_id": "r", "seq": 0, "ts": 1.0, "inputs": {}}
        yield {"event": "node_start", "run_id": "r", "seq": 1, "ts": 1.1, "node": "count", "kind": "python",
               "step": 1, "inputs": {}}
        raise ConnectionError("the event source went away")

    view = LabView(looping_graph())
    with pytest.raises(ConnectionError):
        await view.watch(broken())
    last = view.events[-1]
    assert last["event"] == "error" and last["node"] == "count" and last["seq"] == 2
    assert view.run_log.status == "failed" and view.graph.run_state == "failed"
    assert "went away" in view.error_panel.body.value


async def test_large_runs_render_in_batches_with_a_bounded_timeline(monkeypatch) -> None:
    g = Graph()
    g.add_node("tick", lambda state: {"i": state.get("i", 0) + 1})
    g.add_conditional_edges("tick", lambda state: "more" if state["i"] < 1500 else "stop",
                            {"more": "tick", "stop": "__end__"})
    g.set_entry_point("tick")
    program = AgentTranspiler.compile(g, max_steps=2000)
    view = LabView(program, timeline_window=150)
    renders: list[int] = []
    original = view.timeline.render
    monkeypatch.setattr(view.timeline, "render", lambda log: (renders.append(len(log.events)), original(log)))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await view.run()
    elapsed = loop.time() - started
    n = len(view.events)
    assert n == 1 + 3 * 1500 + 1
    assert len(renders) <= 3 + elapsed * 15  # at most ~15 renders a second, plus start and end
    assert renders[-1] == n  # exact at the end
    assert len(view.timeline.list.options) == 150
    assert view.graph.node_visits == {"tick": 1500}


async def test_watch_follows_upstream_dspyer_astream() -> None:
    import dspyer

    class Q(BaseModel):
        query: str = Field(description="The question")

    up_graph = dspyer.Graph()
    up_graph.add_node(dspyer.StatefulNode("rate", Q, Scored))
    up_graph.set_entry_point("rate")
    up_program = dspyer.AgentTranspiler.compile(up_graph, output_model=Scored)

    # the view of an upstream program runs it directly...
    view = LabView(up_program)
    with dspy.context(lm=DummyLM([{"answer": "a", "score": "42"}, {"answer": "b", "score": "7"}])):
        result = await view.run(query="hi")
    assert result == Scored(answer="b", score=7)
    assert view.graph.node_status == {"rate": "done"} and view.graph.run_state == "finished"
    assert "score must be between 0 and 10" in view.validation.detail.value
    assert "<b>score</b></td><td>7</td>" in view.inspector.body.value
    assert "<td>7</td>" in view.result_panel.body.value

    # ...and any view can watch an upstream stream
    mirror = LabView(rating_graph())
    with dspy.context(lm=DummyLM([{"answer": "c", "score": "3"}])):
        await mirror.watch(up_program.astream(query="hi"))
    assert mirror.run_log.status == "finished"
    assert mirror.run_log.visits[0].patch == {"answer": "c", "score": 3}
    assert await settle() == set()


async def test_show_displays_a_labview_and_returns_it(monkeypatch) -> None:
    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored)
    view = show(program, display_limit=40)
    assert isinstance(view, LabView) and shown == [view]
    assert view.program is program and view.status.value == "ready"
    assert isinstance(show(rating_graph()), LabView)
