"""LabView end to end: real compiled programs on ScriptedLM, upstream dspyer streams, stop, save and replay."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import dspy
import pytest
from dspy.utils import DummyLM
from pydantic import BaseModel, Field, field_validator

from core_helpers import LMCallTracker, settle
from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, StatefulNode
from dspyer_lab.core.eventschema import EventContractError
from dspyer_lab.lab.model import presenter
from dspyer_lab.lab.model.presenter import Rendered
from dspyer_lab.lab.textview import MASK
from dspyer_lab.lab.widgets import GraphView, LabView, show
from dspyer_lab.lab.widgets.labview import STOP_HINT
from test_panels import HOSTILE, assert_plain_text, browser_sends, facts, pre_texts, rows, synced_text, tables, text
from test_runmodel import EXPECTED_STATUS, disagreement_runs, nameless_start_run

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


def toolbar(view: LabView) -> dict[str, Any]:
    return view.panel["toolbar"]


def status(view: LabView) -> str:
    return toolbar(view)["status"]


def stop_enabled(view: LabView) -> bool:
    return toolbar(view)["stop"]["enabled"]


def titles(view: LabView) -> tuple[str, ...]:
    return tuple(t["title"] for t in view.panel["tabs"])


def focused(view: LabView) -> str:
    """The tab the kernel asks the browser to show (after a failure, a click in the timeline...)."""
    return view.panel["focus"]["tab"]


def blocks(view: LabView, tab: str) -> list[dict[str, Any]]:
    return view.panel[tab]["blocks"]


def full_text_of(view: LabView, tab: str, fold: str) -> str:
    """Open the fold `fold` of `tab` in the browser: the text the kernel answers with."""
    handle = next(b["full"] for b in blocks(view, tab) if b.get("fold") == fold)
    answers: list[dict[str, Any]] = []
    original = view.send
    view.send = lambda content, buffers=None: answers.append(content)  # type: ignore[method-assign]
    try:
        browser_sends(view, {"type": "full-text", "handle": handle})
    finally:
        view.send = original  # type: ignore[method-assign]
    (answer,) = answers
    assert answer["type"] == "full-text" and answer["handle"] == handle
    return answer["text"]


BAD = {"answer": HOSTILE, "score": 42}
GOOD = {"answer": "owls", "score": 7}


async def test_run_with_a_self_correcting_node_fills_every_panel() -> None:
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        result = await view.run(query="what hunts at night?", api_key=SECRET)
    assert result == Scored(answer="owls", score=7)  # typed, like aforward
    assert [e["event"] for e in view.events if e["event"] != "token"] == [  # a LabView streams tokens too
        "run_start", "node_start", "lm_call", "validation_error", "lm_call", "node_end", "route",
        "node_start", "node_end", "route", "finished",
    ]
    assert view.graph.node_status == {"rate": "done", "shout": "done"} and view.graph.run_state == "finished"
    assert status(view).startswith("finished · 2 steps")
    assert titles(view) == ("Node", "Calls (2)", "Validation (1)", "Result", "Error", "Waterfall")

    # validation panel: the validator's message, the failed field, the offending value, raw output, feedback
    validation = blocks(view, "validation")
    assert "score must be between 0 and 10" in pre_texts(validation)[1] and ["score", "42"] in rows(tables(validation)[0])
    assert HOSTILE in pre_texts(validation)[2]  # the raw output, as text
    assert "score must be between 0 and 10" in pre_texts(validation)[3]  # the feedback

    # node inspector of `rate`: its validated patch, 2 attempts
    browser_sends(view, {"type": "select", "node": "rate"})  # a click on the node in the drawing
    assert view.graph.selected_node == "rate" and focused(view) == "node"
    node = blocks(view, "node")
    assert "2 attempt(s)" in facts(node)
    assert rows(tables(node)[1]) == [["answer", "owls"], ["score", "7"]]  # the patch

    # result panel: the typed output as a field table
    assert ["score", "int", "7", "Confidence, 0 to 10"] in rows(tables(blocks(view, "result"))[0])

    assert_plain_text(view)
    assert SECRET not in synced_text(view)


async def test_a_failing_run_is_shown_then_raised() -> None:
    program = AgentTranspiler.compile(rating_graph(), output_model=Scored, max_retries=1)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD]})), pytest.raises(NodeValidationError):
        await view.run(query="q")
    assert view.graph.run_state == "failed" and view.graph.node_status["rate"] == "failed"
    assert view.run_log.status == "failed"
    assert focused(view) == "error" and "Error ⚠" in titles(view)
    assert facts(blocks(view, "error")) == ["NodeValidationError", "in node 'rate'"]
    assert "Traceback" in full_text_of(view, "error", "Full error and traceback")
    assert view.panel["validation"]["scope"].startswith("2 rejected answer(s)")
    assert "no retry left: the node failed" in facts(blocks(view, "validation"))
    assert "2 attempt(s)" in facts(blocks(view, "node"))  # failed after its 2nd rejected answer: 2, not 3
    assert blocks(view, "result") == [{"note": "The run failed: see the Error tab."}]


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
    assert view.running and stop_enabled(view) and toolbar(view)["replay"] is None
    with pytest.raises(RuntimeError, match="already running"):
        view.start()
    with pytest.raises(RuntimeError, match="in progress"):
        view.seek(0)
    browser_sends(view, {"type": "seek", "step": 0})  # a stale slider while running: ignored
    browser_sends(view, {"type": "stop"})  # the Stop button
    with pytest.raises(asyncio.CancelledError, match="Stop button"):
        await task
    assert cleaned_up == [True]  # the engine was closed, not abandoned
    assert view.graph.run_state == "cancelled" and view.run_log.status == "cancelled"
    assert view.events[-1]["event"] == "cancelled" and view.events[-1]["seq"] == view.events[-2]["seq"] + 1
    assert status(view).startswith("cancelled") and not stop_enabled(view)
    assert view.run_log.visits[-1].status == "cancelled" and view.graph.node_status["stuck"] == "cancelled"
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
        assert view.running and stop_enabled(view)  # before the task has had a turn
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
    assert status(view).startswith("cancelled")
    assert await settle() == set()


async def test_start_refuses_at_once_what_the_run_would_refuse(tmp_path) -> None:
    view = LabView(AgentTranspiler.compile(rating_graph(), output_model=Scored))
    with pytest.raises(TypeError, match="Unknown option '_bogus'"):
        view.start(query="q", _bogus=1)
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        view.start(query="q", _max_steps=0)
    assert not view.running and status(view) == "ready"  # nothing was started, nothing changed
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
    assert status(view).startswith("finished") and "owls" in text(blocks(view, "result"))


async def test_a_stream_that_raises_before_its_first_event_is_shown_as_failed() -> None:
    async def refuses():
        raise ValueError("bad inputs: 'query' is required")
        yield {}  # pragma: no cover  (an async generator that fails on its first step)

    view = LabView(rating_graph())
    with pytest.raises(ValueError, match="bad inputs"):
        await view.watch(refuses())
    assert view.run_log.status == "failed" and view.graph.run_state == "failed"
    assert status(view) == "failed · ValueError"
    assert focused(view) == "error" and "bad inputs" in text(blocks(view, "error"))
    assert "Traceback" in full_text_of(view, "error", "Full error and traceback")


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
    """What the user sees in the panels and the graph (everything the browser is sent)."""
    # which tab the kernel last asked for; the debugger's controls (a replay without its program cannot run)
    panel = {k: v for k, v in view.panel.items() if k not in ("focus", "debug")}
    panel["toolbar"] = {k: v for k, v in panel["toolbar"].items() if k != "stop"}  # a replay has no Stop button
    return {"graph": (view.graph.node_status, view.graph.node_visits, view.graph.last_edge, view.graph.run_state,
                      view._picture), "panel": _without_handles(panel)}


def _without_handles(value: Any) -> Any:
    """View-model JSON with the full-text handles left out (they number every render)."""
    if isinstance(value, dict):
        return {k: _without_handles(v) for k, v in value.items() if k != "full"}
    if isinstance(value, list):
        return [_without_handles(v) for v in value]
    return value


async def test_save_then_load_reproduces_statuses_and_panels_at_every_step(tmp_path) -> None:
    program = AgentTranspiler.compile(looping_graph(), output_model=Scored)
    view = LabView(program, stream_tokens=False)  # a file keeps every event but answered tokens (test_lab_calls.py)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        await view.run(query="q", api_key=SECRET)
    path = view.save(tmp_path / "run.json")
    assert SECRET not in path.read_text() and MASK in path.read_text()  # masked on save by default

    with dspy.context(lm=None):  # no model anywhere: the replay needs none
        loaded = LabView.load(path)
    assert loaded.program is None and toolbar(loaded)["stop"]["shown"] is False
    assert loaded.graph.dot == view.graph.dot
    reference = GraphView(looping_graph())
    n = len(view.events)
    assert toolbar(loaded)["replay"] == {"max": n, "value": n, "note": ""}
    assert panel_snapshot(loaded)["graph"] == panel_snapshot(view)["graph"]
    retrying_seen = False
    for step in range(n + 1):
        view.seek(step)
        browser_sends(loaded, {"type": "seek", "step": step})  # what dragging the slider does
        assert panel_snapshot(loaded) == panel_snapshot(view), step
        assert toolbar(loaded)["replay"]["value"] == step
        reference.reset()
        for event in view.events[:step]:
            reference.update(event)
        reference.flush()
        assert (loaded.graph.node_status, loaded.graph.node_visits) == (reference.node_status, reference.node_visits)
        assert loaded._picture["status"] == reference._picture["status"]  # the two views draw the same
        retrying_seen |= loaded.graph.node_status.get("rate") == "retrying"
    assert retrying_seen
    loaded.seek(3)  # after the first attempt's model call, before its answer is judged
    assert loaded.graph.node_status["rate"] == "running"
    assert toolbar(loaded)["replay"]["note"].startswith(f"3/{n}: lm_call")
    loaded.seek(4)  # right after the validation error (run_start, node_start, lm_call, validation_error)
    assert loaded.graph.node_status["rate"] == "retrying"
    assert "score must be between 0 and 10" in text(blocks(loaded, "validation"))
    assert status(loaded) == f"replaying step 1 of {len(loaded.run_log.visits)} · event 4/{n}"
    assert toolbar(loaded)["replay"]["note"].startswith(f"4/{n}: validation_error attempt 1/3 rejected (score)")
    loaded.seek(n)
    assert loaded.graph.node_visits == {"rate": 2, "count": 2} and loaded.graph.run_state == "finished"
    assert ["score", "int", "7", "Confidence, 0 to 10"] in rows(tables(blocks(loaded, "result"))[0])  # output model too
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
    assert ["api_key", SECRET] in rows(tables(blocks(loaded_unmasked, "node"))[0])


async def test_a_cancelled_run_replays_as_cancelled(tmp_path) -> None:
    view, started = stuck_view()
    task = view.start()
    await started.wait()
    view.stop()
    with pytest.raises(asyncio.CancelledError):
        await task
    loaded = LabView.load(view.save(tmp_path / "cancelled.json"))
    assert loaded.graph.run_state == "cancelled" and status(loaded).startswith("cancelled")
    assert loaded.graph.node_status["stuck"] == "cancelled"
    loaded.seek(1)
    assert loaded.graph.run_state == "running"


async def test_timeline_clicks_select_the_visit_and_the_matching_tab() -> None:
    program = AgentTranspiler.compile(looping_graph(), output_model=Scored)
    view = LabView(program)
    with lm_context(ScriptedLM({"rate": [BAD, GOOD]})):
        await view.run(query="q")
    kinds = [e["event"] for e in view.events]
    browser_sends(view, {"type": "select", "event": kinds.index("validation_error")})  # a click on its row
    assert focused(view) == "validation" and "visit 1" in facts(blocks(view, "node"))
    second_rate = [i for i, e in enumerate(view.events) if e["event"] == "node_start" and e["node"] == "rate"][1]
    browser_sends(view, {"type": "select", "event": second_rate})
    assert focused(view) == "node"
    assert facts(blocks(view, "node"))[0] == "rate (llm)" and "visit 2" in facts(blocks(view, "node"))
    assert view.graph.selected_node == "rate" and view._picture["selected"] == "rate"  # highlighted in the graph
    assert {r["i"] for r in view.panel["timeline"]["rows"] if r["mine"]} >= {second_rate}
    browser_sends(view, {"type": "select", "event": kinds.index("finished")})
    assert focused(view) == "result"
    browser_sends(view, {"type": "select", "node": ""})  # the user clicks the highlighted node again: follow the run
    assert facts(blocks(view, "node"))[0] == "count (python)" and "visit 2" in facts(blocks(view, "node"))
    browser_sends(view, {"type": "select", "visit": 0})  # the visit picker
    assert facts(blocks(view, "node"))[:3] == ["rate (llm)", "visit 1", "step 1"]


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
    assert "went away" in text(blocks(view, "error"))


async def test_large_runs_render_in_batches_with_a_bounded_timeline(monkeypatch) -> None:
    g = Graph()
    g.add_node("tick", lambda state: {"i": state.get("i", 0) + 1})
    g.add_conditional_edges("tick", lambda state: "more" if state["i"] < 1500 else "stop",
                            {"more": "tick", "stop": "__end__"})
    g.set_entry_point("tick")
    program = AgentTranspiler.compile(g, max_steps=2000)
    view = LabView(program, timeline_window=150)
    renders: list[int] = []
    render = view.presenter.render

    def counted() -> Rendered:
        renders.append(len(view.run_log.events))
        return render()

    monkeypatch.setattr(view.presenter, "render", counted)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await view.run()
    elapsed = loop.time() - started
    n = len(view.events)
    assert n == 1 + 3 * 1500 + 1
    # at most 15 renders a second, plus two at the start (empty view, run_start) and two at the end
    # (the terminal event, then the settled run's toolbar)
    assert len(renders) <= 4 + elapsed * 15
    assert renders[-1] == n  # exact at the end
    assert len(view.panel["timeline"]["rows"]) == 150
    assert len(json.dumps(view.panel)) < 100_000  # the browser gets a window, not the run
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
    assert "score must be between 0 and 10" in text(blocks(view, "validation"))
    assert ["score", "7"] in rows(tables(blocks(view, "node"))[1])
    assert ["score", "int", "7", "Confidence, 0 to 10"] in rows(tables(blocks(view, "result"))[0])

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
    assert view.program is program and status(view) == "ready"
    assert isinstance(show(rating_graph()), LabView)


def graph_of(names: list[str]) -> Graph:
    """A chain of Python nodes with these names (the views only draw it)."""
    g = Graph()
    for name in names:
        g.add_node(name, lambda state: None)
    for source, target in zip(names, names[1:]):
        g.add_edge(source, target)
    g.set_entry_point(names[0])
    return g


@pytest.mark.parametrize("case", sorted(EXPECTED_STATUS))
async def test_graphview_alone_and_labview_show_the_same_run(case: str) -> None:
    """One run model feeds both views: the cases where the old views disagreed now agree, at every step."""
    events = disagreement_runs()[case]
    graph = graph_of(list(EXPECTED_STATUS[case]))
    alone, lab = GraphView(graph), LabView(graph)
    await lab.watch(events)
    assert lab.graph.node_status == EXPECTED_STATUS[case]
    for step in range(len(events) + 1):
        alone.reset()
        for event in events[:step]:
            alone.update(event)
        alone.flush()
        lab.seek(step)
        for trait in ("node_status", "node_visits", "last_edge", "path", "run_state"):
            assert getattr(alone, trait) == getattr(lab.graph, trait), (case, step, trait)
        debugger = {"paused", "diff", "inherited"}  # the lab's own marks (a pause, a fork's diff): none here
        assert lab._picture["paused"] is None and lab._picture["diff"] == {} and lab._picture["inherited"] == []
        replaying = step < len(events)  # the lab seen at an earlier step says so; the GraphView follows live
        assert lab._picture["run_state"] == ("replay" if replaying else alone._picture["run_state"])
        shown = {k: v for k, v in lab._picture.items() if k not in debugger}
        assert {**alone._picture, "run_state": shown["run_state"]} == shown, (case, step)
    assert alone.node_status == EXPECTED_STATUS[case]


async def test_an_off_contract_event_in_a_watched_stream_fails_the_run_in_both_views_keeping_what_came_before() -> None:
    """A foreign stream's ``node_start`` without ``node`` is refused where it enters (`watch`, GraphView.follow):
    the same one-line error in both views, the run failed with it, the events before it still shown."""
    events = nameless_start_run()
    graph = graph_of(["draft", "check"])
    alone, lab = GraphView(graph), LabView(graph)
    said = "event 1 (node_start) has no 'node'"
    with pytest.raises(EventContractError, match=re.escape(said)):
        await lab.watch(events)

    async def stream() -> AsyncIterator[dict[str, Any]]:
        for event in events:
            yield event

    with pytest.raises(EventContractError, match=re.escape(said)):
        await alone.follow(stream())
    for view in (lab.run_log, alone._run):
        assert [e["event"] for e in view.events] == ["run_start", "error"] and view.inputs == {"q": "x"}
        assert view.status == "failed" and view.error is not None and view.error["error"] == said
    assert alone.run_state == lab.graph.run_state == "failed"
    assert alone.node_status == lab.graph.node_status == {"draft": "idle", "check": "idle"}
    assert said in text(blocks(lab, "error"))
    lab.seek(1)  # later renders of the kept run do not raise
    assert lab.graph.run_state == "running"
    lab.seek(2)
    assert lab.graph.run_state == "failed"


async def test_events_a_view_is_shown_are_checked_once_and_a_bad_one_leaves_the_view_as_it_was(
    tmp_path, monkeypatch
) -> None:
    graph = graph_of(["draft", "check"])
    good = disagreement_runs()["cancelled"]
    bad = [*good[:3], {**good[3], "attempts": "two"}]
    said = "event 3 (node_end): 'attempts' should be an integer (got 'two')"
    with pytest.raises(EventContractError, match=re.escape(said)):
        LabView.of_events(graph, bad)
    view = LabView.of_events(graph, good)
    with pytest.raises(EventContractError, match=re.escape(said)):
        view.show_events(bad)
    assert view.events == good and view.graph.node_status == EXPECTED_STATUS["cancelled"]  # still shown
    path = view.save(tmp_path / "run.json", mask_secrets=False)
    monkeypatch.setattr(presenter, "checked_event", None)  # `read_run` checked the file: not checked again
    assert LabView.load(path).events == good


def test_the_stop_button_is_disabled_with_a_hint_while_a_run_blocks_its_cell() -> None:
    from dspyer_lab.lab import runner

    seen: list[dict[str, Any]] = []

    def peek(state: dict[str, Any]) -> dict[str, Any]:
        seen.append(dict(toolbar(view)["stop"]))
        return {}

    view = LabView(graph_of(["peek"]).add_node("late", peek).add_edge("peek", "late"))
    runner.run_blocking(view.run())  # what %%dspyer does: the cell waits, so a click would wait too
    assert seen[-1] == {"shown": True, "enabled": False, "hint": STOP_HINT} and "interrupt" in STOP_HINT
    assert toolbar(view)["stop"] == {"shown": True, "enabled": False, "hint": "No run in progress"}


async def test_a_background_run_can_be_stopped_from_the_browser() -> None:
    view, started = stuck_view()
    task = view.start()
    await started.wait()
    assert toolbar(view)["stop"] == {"shown": True, "enabled": True, "hint": "Stop the run"}
    browser_sends(view, {"type": "stop"})
    with pytest.raises(asyncio.CancelledError):
        await task
