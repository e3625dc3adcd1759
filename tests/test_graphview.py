"""GraphView, Python side: events -> the run model -> traits and the picture the browser draws,
coalesced kernel->browser traffic, clicks back, display.

Event streams come from real runs of compiled programs on a ScriptedLM (recorded), so
the view is tested against what the engine actually emits, loops and failures included.
Messages to the browser are counted on the widget's comm, the one wire they travel.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import dspy
import pytest
from pydantic import BaseModel, field_validator

from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.core.events import RunEvents
from dspyer_lab.core.eventschema import EventContractError
from dspyer_lab.lab.dot import describe
from dspyer_lab.lab.widgets import base
from dspyer_lab.lab.widgets.graph import SYNC_INTERVAL, GraphView


class Topic(BaseModel):
    topic: str


class Draft(BaseModel):
    draft: str


class Rated(BaseModel):
    rating: int

    @field_validator("rating")
    @classmethod
    def in_range(cls, value: int) -> int:
        if not 1 <= value <= 5:
            raise ValueError("rating must be between 1 and 5")
        return value


def count_drafts(state: dict[str, Any]) -> dict[str, Any]:
    return {"rounds": state.get("rounds", 0) + 1}


def enough_rounds(state: dict[str, Any]) -> str:
    return "done" if state["rounds"] >= 2 else "again"


def loop_graph() -> Graph:
    """write (LLM) -> count (Python) --again--> write, --done--> rate (LLM) -> END."""
    g = Graph()
    g.add_node(StatefulNode("write", Topic, Draft))
    g.add_node("count", count_drafts)
    g.add_node(StatefulNode("rate", Draft, Rated))
    g.add_edge("write", "count")
    g.add_conditional_edges("count", enough_rounds, {"again": "write", "done": "rate"})
    g.add_edge("rate", END)
    g.set_entry_point("write")
    return g


def record(script: dict[str, Any], **options: Any) -> tuple[list[dict[str, Any]], BaseException | None]:
    """The events of one real run of `loop_graph` on a ScriptedLM, and the error it ended with."""
    program = AgentTranspiler.compile(loop_graph(), **options)
    events: list[dict[str, Any]] = []

    async def run() -> BaseException | None:
        with dspy.context(lm=ScriptedLM(script)):
            try:
                async for event in program.astream(topic="owls"):
                    events.append(event)
            except Exception as exc:
                return exc
        return None

    error = asyncio.run(run())
    return events, error


GOOD_SCRIPT = {"write": {"draft": "Owls hoot."}, "rate": [{"rating": 9}, {"rating": 4}]}
BAD_SCRIPT = {"write": {"draft": "Owls hoot."}, "rate": {"rating": 9}}


@pytest.fixture(scope="module")
def good_run() -> list[dict[str, Any]]:
    events, error = record(GOOD_SCRIPT)
    assert error is None
    return events


@pytest.fixture(scope="module")
def failed_run() -> tuple[list[dict[str, Any]], BaseException | None]:
    events, error = record(BAD_SCRIPT, max_retries=1)
    assert error is not None
    return events, error


class Wire:
    """Counts the pictures (``_picture`` updates) a widget sends to the browser (its comm's `send`)."""

    def __init__(self, view: GraphView) -> None:
        self.messages: list[dict[str, Any]] = []
        original = view.comm.send

        def send(data: Any = None, *args: Any, **kwargs: Any) -> Any:
            if isinstance(data, dict) and data.get("method") == "update" and "_picture" in data["state"]:
                self.messages.append(data["state"]["_picture"])
            return original(data, *args, **kwargs)

        view.comm.send = send

    def __len__(self) -> int:
        return len(self.messages)


async def stream(events: list[dict[str, Any]], error: BaseException | None = None) -> AsyncIterator[dict[str, Any]]:
    for event in events:
        yield event
    if error is not None:
        raise error


# -- construction ---------------------------------------------------------------------


def test_accepts_a_graph_or_a_compiled_program():
    graph = loop_graph()
    program = AgentTranspiler.compile(graph)
    for view, drawn in ((GraphView(graph), graph), (GraphView(program), program.graph)):
        assert view.graph is drawn
        assert view.dot.startswith("digraph")
        assert view.node_status == {"write": "idle", "count": "idle", "rate": "idle"}
        assert view.node_visits == {"write": 0, "count": 0, "rate": 0}
        assert view.last_edge == {} and view.run_state == "idle" and view.selected_node == ""
    with pytest.raises(TypeError, match="Graph or a compiled program"):
        GraphView(object())


def test_widget_code_is_the_committed_bundle_and_small():
    view = GraphView(loop_graph())
    static = base._STATIC
    assert view._esm == (static / "widget.js").read_text(encoding="utf-8")
    assert view._css == (static / "widget.css").read_text(encoding="utf-8")
    assert len(view._esm) < 100_000  # Graphviz is not in it: it reaches the page once (runtime.py)
    assert view._kind == "graph"
    assert view._layout["nodes"] == {"n0": "write", "n1": "count", "n2": "rate"}
    assert view._layout["dot"] == view.dot


# -- status transitions from recorded runs --------------------------------------------


def test_a_loop_run_ends_exact_with_visit_counts(good_run):
    view = GraphView(loop_graph())
    seen: list[tuple[str, str]] = []
    for event in good_run:
        view.update(event)
        view.flush()
        if event["event"] in ("node_start", "validation_error", "node_end"):
            seen.append((event["node"], view.node_status[event["node"]]))
    assert seen[:3] == [("write", "running"), ("write", "done"), ("count", "running")]
    # the loop: write runs again after count said "again"
    assert seen[3:6] == [("count", "done"), ("write", "running"), ("write", "done")]
    # rate's first answer breaks the contract (rating 9), it retries, then succeeds
    assert ("rate", "retrying") in seen and seen[-1] == ("rate", "done")
    assert view.node_status == {"write": "done", "count": "done", "rate": "done"}
    assert view.node_visits == {"write": 2, "count": 2, "rate": 1}
    assert view.last_edge == {"source": "rate", "target": END, "decision": None, "edge": "e1"}
    assert view.run_state == "finished"
    # the whole path is drawn, each edge with how often it was taken
    assert view._picture["path"] == {"e0": 2, "e2": 1, "e3": 1, "e1": 1} and view._picture["last"] == "e1"
    assert [e["edge"] for e in view.path] == ["e0", "e2", "e0", "e3", "e1"]


def test_route_events_name_the_drawn_edge(good_run):
    view = GraphView(loop_graph())
    taken = []
    for event in good_run:
        view.update(event)
        if event["event"] == "route":
            view.flush()
            taken.append((view.last_edge["decision"], view.last_edge["edge"]))
    drawn = {e.id: (e.source, e.target, e.key) for e in view._drawing.edges}
    assert [drawn[edge] for _, edge in taken] == [
        ("write", "count", None),
        ("count", "write", "again"),
        ("write", "count", None),
        ("count", "rate", "done"),
        ("rate", END, None),
    ]
    assert [decision for decision, _ in taken] == [None, "again", None, "done", None]


def test_a_failed_run_marks_the_node_failed(failed_run):
    events, _ = failed_run
    view = GraphView(loop_graph())
    statuses = []
    for event in events:
        view.update(event)
        if event.get("node") == "rate":
            view.flush()
            statuses.append((event["event"], view.node_status["rate"]))
    assert statuses[0] == ("node_start", "running")
    assert ("validation_error", "retrying") in statuses
    assert statuses[-1] == ("error", "failed")
    assert view.run_state == "failed"
    assert view.node_status == {"write": "done", "count": "done", "rate": "failed"}


def test_run_start_and_reset_clear_the_previous_run(good_run, failed_run):
    view = GraphView(loop_graph())
    for event in failed_run[0]:
        view.update(event)
    for event in good_run[:1]:  # run_start of the next run
        view.update(event)
    view.flush()
    assert view.node_status == {"write": "idle", "count": "idle", "rate": "idle"}
    assert view.node_visits == {"write": 0, "count": 0, "rate": 0}
    assert view.last_edge == {} and view.run_state == "running"
    for event in good_run[1:]:
        view.update(event)
    view.reset()
    assert view.node_status == {"write": "idle", "count": "idle", "rate": "idle"}
    assert view.node_visits == {"write": 0, "count": 0, "rate": 0}
    assert view.run_state == "idle" and view.last_edge == {}


def test_unknown_events_are_ignored():
    view = GraphView(loop_graph())
    wire = Wire(view)
    view.update({"event": "something_new", "run_id": "r", "seq": 0, "ts": 1.0, "node": "write"})
    assert len(wire) == 0 and view.node_status["write"] == "idle"


def test_an_event_off_the_contract_is_refused_in_one_line_and_changes_nothing(good_run):
    """`update` takes events from anywhere: one without its envelope (``ts``), or with a field of the wrong
    type, is refused naming the event and the field; what was drawn stays, and the next good event draws."""
    view = GraphView(loop_graph())
    for event in good_run[:2]:
        view.update(event)
    view.flush()
    drawn = (view.node_status, view.node_visits, view.run_state)
    wire = Wire(view)
    with pytest.raises(EventContractError, match=r"^event 2 \(something_new\) has no 'ts'$"):
        view.update({"event": "something_new", "run_id": "r", "seq": 2, "node": "write"})
    with pytest.raises(EventContractError, match=r"^event 2 \(node_end\): 'patch' should be an object \(got 'x'\)$"):
        view.update({**good_run[2], "event": "node_end", "node": "write", "patch": "x", "duration": 0.1, "attempts": 1})
    view.flush()
    assert len(wire) == 0 and (view.node_status, view.node_visits, view.run_state) == drawn
    for event in good_run[2:]:
        view.update(event)
    assert view.run_state == "finished"


# -- follow ---------------------------------------------------------------------------


async def test_follow_a_live_program_run():
    program = AgentTranspiler.compile(loop_graph())
    view = GraphView(program)
    wire = Wire(view)
    with dspy.context(lm=ScriptedLM(GOOD_SCRIPT)):
        last = await view.follow(program.astream(topic="owls"))
    assert last["event"] == "finished"
    assert view.run_state == "finished"
    assert view.node_visits == {"write": 2, "count": 2, "rate": 1}
    assert wire.messages[-1]["run_state"] == "finished"  # the browser got the exact end state
    assert wire.messages[-1]["visits"] == {"write": 2, "count": 2, "rate": 1}


async def test_follow_reraises_after_marking_the_failure(failed_run):
    events, error = failed_run
    view = GraphView(loop_graph())
    wire = Wire(view)
    with pytest.raises(type(error)):
        await view.follow(stream(events, error))
    assert view.run_state == "failed" and view.node_status["rate"] == "failed"
    assert wire.messages[-1]["status"]["rate"] == "failed"


async def test_a_stream_that_dies_without_an_error_event_still_fails_the_run(good_run):
    view = GraphView(loop_graph())
    running = [e for e in good_run if e["event"] == "node_start"][0]
    with pytest.raises(ConnectionError):
        await view.follow(stream([good_run[0], running], ConnectionError("lost")))
    assert view.run_state == "failed" and view.node_status["write"] == "failed"


async def test_cancelling_follow_marks_the_run_cancelled(good_run):
    view = GraphView(loop_graph())
    wire = Wire(view)
    started = asyncio.Event()

    async def hangs() -> AsyncIterator[dict[str, Any]]:
        yield good_run[0]
        yield good_run[1]  # node_start write
        started.set()
        await asyncio.Event().wait()
        yield good_run[2]  # never reached

    task = asyncio.create_task(view.follow(hangs()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert view.run_state == "cancelled"
    assert view.node_status["write"] == "cancelled"  # stopped mid-node: not running, not idle either
    assert view.node_visits["write"] == 1
    assert wire.messages[-1]["run_state"] == "cancelled"


async def test_a_stop_that_lands_after_the_run_finished_keeps_it_finished(good_run):
    view = GraphView(loop_graph())
    tidying = asyncio.Event()

    async def tidies_up_after_finishing() -> AsyncIterator[dict[str, Any]]:
        for event in good_run:
            yield event
        tidying.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(view.follow(tidies_up_after_finishing()))
    await tidying.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # a marker appended after the end changes nothing
    view.update({"event": "cancelled", "run_id": good_run[0]["run_id"], "seq": len(good_run), "ts": 1.0})
    assert view.run_state == "finished" and set(view.node_status.values()) == {"done"}


def test_draws_an_upstream_dspyer_graph_like_the_labview_does():
    import dspyer

    up = dspyer.Graph()
    up.add_node(dspyer.StatefulNode("write", Topic, Draft))
    up.add_node(dspyer.StatefulNode("rate", Draft, Rated))
    up.add_edge("write", "rate")
    up.set_entry_point("write")
    view = GraphView(up)
    assert list(view.graph.nodes) == ["write", "rate"] and view.node_status == {"write": "idle", "rate": "idle"}


# -- coalescing -------------------------------------------------------------------------


def synthetic_run(n_events: int, nodes: list[str]) -> list[dict[str, Any]]:
    """About `n_events` events: run_start, node_start/node_end/route triples cycling through `nodes`, finished."""
    make = RunEvents().make
    events = [make("run_start", inputs={})]
    steps = max(1, (n_events - 2) // 3)
    for i in range(steps):
        node, nxt = nodes[i % len(nodes)], nodes[(i + 1) % len(nodes)]
        events += [
            make("node_start", node=node, kind="llm", step=i + 1, inputs={}),
            make("node_end", node=node, patch={}, duration=0.0, attempts=1),
            make("route", source=node, decision=None, target=nxt),
        ]
    events.append(make("finished", output={}, state={}, steps=steps, duration=1.0))
    return events


def visits_of(events: list[dict[str, Any]], graph: Graph) -> dict[str, int]:
    return {name: sum(1 for e in events if e["event"] == "node_start" and e["node"] == name) for name in graph.nodes}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run_for_one_simulated_second(n_events: int) -> tuple[GraphView, Wire, list[dict[str, Any]]]:
    """Apply a synthetic run of `n_events` spread evenly over 1 s of the view's (fake) clock."""
    view = GraphView(loop_graph())
    clock = FakeClock()
    view._clock = clock
    wire = Wire(view)
    events = synthetic_run(n_events, ["write", "count", "rate"])
    for event in events:
        clock.now += 1.0 / len(events)
        view.update(event)
    return view, wire, events


def test_messages_do_not_grow_with_the_event_count():
    """A run lasting one second sends ~30 updates, whether it has 300, 3,000 or 30,000 events."""
    counts = {}
    for n_events in (300, 3000, 30000):
        view, wire, events = run_for_one_simulated_second(n_events)
        counts[n_events] = len(wire)
        # exact at the end: the messages, applied in order, leave the browser with the final state
        final = wire.messages[-1]
        assert final["visits"] == view.node_visits == visits_of(events, view.graph)
        assert final["status"] == {"write": "done", "count": "done", "rate": "done"}
        assert final["run_state"] == "finished"
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    assert all(1 / SYNC_INTERVAL - 2 <= c <= 1 / SYNC_INTERVAL + 2 for c in counts.values()), counts


async def test_a_fast_3000_event_stream_sends_few_messages():
    """Real clock, real event loop (the flush timer path): 3,000 events -> a handful of updates."""
    view = GraphView(loop_graph())
    wire = Wire(view)
    events = synthetic_run(3000, ["write", "count", "rate"])
    loop = asyncio.get_running_loop()
    started = loop.time()
    await view.follow(stream(events))
    elapsed = loop.time() - started
    assert len(wire) <= elapsed / SYNC_INTERVAL + 3
    assert wire.messages[-1]["run_state"] == "finished"


async def test_the_loop_timer_delivers_the_trailing_state():
    """Between bursts (no terminal event yet), the pending state still reaches the browser."""
    view = GraphView(loop_graph())
    view._clock = FakeClock()  # the view's clock stands still: the second event is always "too soon"
    wire = Wire(view)
    make = RunEvents().make
    view.update(make("run_start", inputs={}))  # flushed at once (nothing sent recently)
    view.update(make("node_start", node="write", kind="llm", step=1, inputs={}))  # within the interval: held
    assert len(wire) == 1 and view.node_status["write"] == "idle"
    # the flush timer (due in SYNC_INTERVAL) is due before this sleep ends, so it has run by then
    await asyncio.sleep(SYNC_INTERVAL * 2)
    assert len(wire) == 2 and view.node_status["write"] == "running"


def test_without_a_loop_the_end_is_still_exact():
    """Sync code, no event loop: held updates go out with the terminal event (or flush())."""
    graph = loop_graph()
    view = GraphView(graph)
    view._clock = FakeClock()  # time stands still: only terminal events and flush() may sync
    wire = Wire(view)
    events = synthetic_run(50, ["write", "count", "rate"])
    for event in events[:-1]:
        view.update(event)
    assert len(wire) == 1  # the first event only
    view.flush()
    assert len(wire) == 2 and view.node_visits == visits_of(events, graph)
    view.update(events[-1])
    assert len(wire) == 3 and view.run_state == "finished"


# -- browser -> kernel ----------------------------------------------------------------------


def browser_sends(view: Any, content: dict[str, Any]) -> None:
    """What the front end's ``model.send(content)`` delivers to the kernel (a custom comm message)."""
    view._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def test_a_click_in_the_browser_sets_selected_node():
    view = GraphView(loop_graph())
    wire = Wire(view)
    seen = []
    view.observe(lambda change: seen.append(change["new"]), "selected_node")
    browser_sends(view, {"type": "select", "node": "count"})
    assert view.selected_node == "count" and seen == ["count"]
    assert wire.messages[-1]["selected"] == "count"  # the drawing highlights it
    assert view.get_state()["selected_node"] == "count"  # and frontends reading the widget's state see it (marimo)
    browser_sends(view, {"type": "select", "node": "no such node"})  # a stale or forged click selects nothing
    browser_sends(view, {"type": "select", "node": ""})  # the selected node clicked again
    assert seen == ["count", ""]


def test_the_runtime_request_is_answered_through_the_same_comm():
    view = GraphView(loop_graph())
    sent: list[tuple[Any, Any]] = []
    original = view.comm.send
    view.comm.send = lambda data=None, *args, buffers=None, **kw: (sent.append((data, buffers)), original(data, *args, buffers=buffers, **kw))
    browser_sends(view, {"type": "need-runtime"})
    ((data, buffers),) = [(d, b) for d, b in sent if d.get("method") == "custom"]
    assert data["content"] == {"type": "runtime"} and len(buffers[0]) > 500_000
    assert view.selected_node == ""


# -- display and export -----------------------------------------------------------------------


def test_mimebundle_has_the_widget_and_a_text_outline():
    graph = loop_graph()
    data, _ = GraphView(graph)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == describe(graph)


def test_register_display_shows_graphs_and_programs_as_graphviews():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from dspyer_lab.lab.display import DISPLAYED_TYPES, register_display

    shell = InteractiveShell.instance()
    formatter = shell.display_formatter.ipython_display_formatter
    assert register_display(shell) is True
    try:
        graph = loop_graph()
        program = AgentTranspiler.compile(graph)
        for obj in (graph, program):
            with capture_output() as captured:
                shell.display_formatter.format(obj)
            widget, still = captured.outputs  # the live view, then its still picture (see snapshot.py)
            assert "application/vnd.jupyter.widget-view+json" in widget.data and "image/svg+xml" not in widget.data
            assert "image/svg+xml" in still.data and still.data["text/plain"] == describe(graph)
    finally:  # the shell is a process-wide singleton: leave it as other tests expect it
        for module, name in DISPLAYED_TYPES:
            formatter.pop(f"{module}.{name}", None)


def test_register_display_without_ipython_is_a_no_op(monkeypatch):
    import IPython

    from dspyer_lab.lab.display import register_display

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert register_display() is False


def test_to_svg_exports_the_current_statuses(good_run):
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` executable not installed")
    view = GraphView(loop_graph())
    first_route = next(i for i, e in enumerate(good_run) if e["event"] == "route")
    for event in good_run[: first_route + 1]:  # run_start, write start, its model call, end, route write->count
        view.update(event)
    svg = view.to_svg()
    assert 'data-node="write" data-status="done"' in svg
    assert 'data-node="count" data-status="idle"' in svg
    assert 'data-edge="e0" data-source="write" data-target="count" data-path="true" data-taken="true"' in svg
    for event in good_run[first_route + 1 :]:
        view.update(event)
    view.flush()
    svg = view.to_svg()
    assert svg.count('data-path="true"') == 4 and svg.count('data-taken="true"') == 1  # the path, then the last edge


def test_the_browser_knows_the_same_statuses_as_the_run_model():
    """One status vocabulary: the drawing (and its legend) styles exactly the run model's statuses."""
    import json
    import re
    from pathlib import Path

    from dspyer_lab.lab.model.runmodel import NODE_STATUSES

    js = Path(__file__).resolve().parent.parent / "js" / "src"
    source = (js / "ui" / "graph.js").read_text()
    listed = re.search(r"export const STATUSES = (\[[^\]]*\]);", source)
    assert listed is not None and tuple(json.loads(listed.group(1))) == NODE_STATUSES
    css = (js / "widget.css").read_text()
    for status in NODE_STATUSES[1:]:  # idle is the default look
        assert f'g.node[data-status="{status}"]' in css and f'.dl-key[data-status="{status}"]' in css


class StillWire:
    """Records every ``_still`` update the widget syncs (and saves with the widget state)."""

    def __init__(self, view: Any) -> None:
        self.stills: list[str] = []
        original = view.comm.send

        def send(data: Any = None, *args: Any, **kwargs: Any) -> Any:
            if isinstance(data, dict) and data.get("method") == "update" and "_still" in data["state"]:
                self.stills.append(data["state"]["_still"])
            return original(data, *args, **kwargs)

        view.comm.send = send


@pytest.mark.parametrize("kind", ["GraphView", "LabView"])
async def test_the_saved_state_keeps_the_final_picture_sent_once_per_run(good_run, monkeypatch, kind):
    """As under nbclient (no browser, local `dot`): `_still` holds the picture of the finished run, synced
    once when it ends, not per event, so a saved view shows it where no kernel sends Graphviz."""
    import shutil

    import IPython.display

    from dspyer_lab import LabView
    from dspyer_lab.lab.widgets import snapshot
    from dspyer_lab.lab.widgets.snapshot import SVG_MIME, drawn_statuses

    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed: no local picture without a browser")
    outputs: list[dict[str, Any]] = []
    monkeypatch.setattr(IPython.display, "update_display", lambda data, **kw: outputs.append(data))
    monkeypatch.setattr(snapshot, "_RENDERED", type(snapshot._RENDERED)())
    program = AgentTranspiler.compile(loop_graph())
    view = GraphView(program) if kind == "GraphView" else LabView(program)
    wire = StillWire(view)
    data, _ = view._repr_mimebundle_()  # displayed: the idle picture is in the output and in the state
    view._snapshot_display_id = "d1"  # as `_ipython_display_` sets it
    idle = {"write": "idle", "count": "idle", "rate": "idle"}
    assert wire.stills == [data[SVG_MIME]] and dict(drawn_statuses(view._still) or ()) == idle

    if kind == "GraphView":
        await view.follow(stream(good_run))
    else:
        await view.watch(good_run)
    assert len(good_run) > 10
    final = {"write": "done", "count": "done", "rate": "done"}
    assert len(wire.stills) == 2, "the picture is synced when the run ends, not on every event"
    assert dict(drawn_statuses(wire.stills[-1]) or ()) == final
    assert view._still == outputs[-1][SVG_MIME]  # the same picture as the output's image/svg+xml


async def test_a_rerun_ending_with_the_same_picture_draws_nothing_again(good_run, monkeypatch):
    """The output's static picture is cached by what it draws: a re-run cell whose run ends the same way reuses
    it, though its model calls took other times (shown in the synced picture's call hints, not in the drawing)."""
    import IPython.display

    from dspyer_lab import LabView
    from dspyer_lab.lab.widgets import snapshot

    monkeypatch.setattr(IPython.display, "update_display", lambda data, **kw: None)
    monkeypatch.setattr(snapshot, "_RENDERED", type(snapshot._RENDERED)())
    program = AgentTranspiler.compile(loop_graph())
    rerun = [{**e, "duration": e["duration"] + 0.5} if e["event"] == "lm_call" else e for e in good_run]
    assert rerun != good_run
    hints, drawn = [], []
    for events in (good_run, rerun):  # one view per run, as a re-run %%dspyer cell makes
        view = LabView(program)
        view._local_snapshot = lambda view=view: drawn.append(view._current_drawn()) or f"<svg>{len(drawn)}</svg>"
        view._repr_mimebundle_()  # displayed
        view._snapshot_display_id = "d1"
        await view.watch(events)
        hints.append(view._picture["calls"])
    assert hints[0] != hints[1]  # the runs differ in what the picture's hints say...
    assert len(drawn) == 2 and drawn[0] != drawn[1]  # ...so only the idle and the final picture were drawn, once each
