"""The LabView debugger: breakpoints, pause / continue / step / stop, edits checked per field, forks and their diff.

Each command is driven twice where it matters: from Python (``await view.resume(...)``) and as the
browser's button sends it (a custom message), since both must behave alike.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import dspy
import pytest
from IPython.core.error import UsageError
from pydantic import BaseModel

from core_helpers import LMCallTracker
from dspyer_lab import END, AgentTranspiler, CheckpointError, Graph, ScriptedLM, StatefulNode
from dspyer_lab.lab.model.debugview import fork_diff
from dspyer_lab.lab.widgets import LabView
from dspyer_lab.lab.runner import run_blocking
from dspyer_lab.lab.model.presenter import KEPT_RUNS, NO_LOOP
from dspyer_lab.lab.model.presenter_errors import ViewCommandError
from dspyer_lab import ViewError
from test_panels import browser_sends


class Topic(BaseModel):
    topic: str


class Draft(BaseModel):
    draft: str


class Title(BaseModel):
    title: str


def writer() -> Graph:
    """write (LLM) -> name (LLM, shouts the draft) -> stamp (Python) -> END."""
    g = Graph()
    g.add_node(StatefulNode("write", Topic, Draft))
    g.add_node(StatefulNode("name", Draft, Title))
    g.add_node("stamp", lambda state: {"stamped": f"[{state['title']}]"})
    g.add_edge("write", "name")
    g.add_edge("name", "stamp")
    g.add_edge("stamp", END)
    g.set_entry_point("write")
    return g


def scripted() -> ScriptedLM:
    return ScriptedLM({"write": lambda i: {"draft": f"About {i['topic']}."},
                       "name": lambda i: {"title": i["draft"].upper()}})


def program(**options: Any) -> Any:
    return AgentTranspiler.compile(writer(), output_model=Title, **options)


def kinds(view: LabView) -> list[str]:
    """The kinds of the view's events, token chunks left out (tests/test_lab_calls.py covers them)."""
    return [e["event"] for e in view.events if e["event"] != "token"]


def debug(view: LabView) -> dict[str, Any]:
    return view.panel["debug"]


async def finished_task(view: LabView) -> Any:
    """The run a button started in the background, awaited."""
    task = view.presenter.task
    assert task is not None, "the click started no run"
    return await task


# -- breakpoints ------------------------------------------------------------------------


def test_breakpoints_are_checked_expanded_synced_and_start_from_the_compiled_ones() -> None:
    view = LabView(program(interrupt_after=["write"]))
    assert view.breakpoints == {"before": [], "after": ["write"]}  # the program's own, shown as set
    view.breakpoints = {"before": "*"}
    assert view.breakpoints == {"before": ["name", "stamp", "write"], "after": []}
    with pytest.raises(ViewCommandError, match=r"unknown node\(s\) \['nope'\]; the nodes are: write, name, stamp"):
        view.breakpoints = {"before": ["nope"]}
    with pytest.raises(ViewCommandError, match="keys 'before' and 'after'"):
        view.breakpoints = {"during": ["write"]}
    assert view.toggle_breakpoint("write", "after") is True
    assert view.toggle_breakpoint("write", "after") is False
    # the browser's click on a pin: the same toggle; unknown nodes or sides are ignored
    browser_sends(view, {"type": "breakpoint", "node": "name", "when": "after"})
    browser_sends(view, {"type": "breakpoint", "node": "<img>", "when": "after"})
    browser_sends(view, {"type": "breakpoint", "node": "name", "when": "sideways"})
    assert view.breakpoints["after"] == ["name"]
    assert "breakpoints" in view.keys  # synced: the drawing shows the pins
    assert debug(view)["can_break"] is True
    assert debug(LabView(writer()))["can_break"] is True  # a graph compiles on the first run


async def test_a_breakpoint_pauses_the_run_before_its_node_with_no_model_call() -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["name"]}
    tracker = LMCallTracker()
    with dspy.context(lm=scripted(), callbacks=[tracker]):
        result = await view.run(topic="the sea")
    assert result is None  # paused, not finished: nothing to return yet
    assert tracker.started_count == 1  # `write` only: `name` made no model call
    assert view.run_log.status == "paused" and not view.running
    paused = view.paused
    assert paused is not None and (paused.node, paused.when) == ("name", "before")
    assert paused.checkpoint.state == {"topic": "the sea", "draft": "About the sea."}
    assert view.status == "paused before node 'name' · step 1"
    assert view._picture["paused"] == {"node": "name", "when": "before"}
    shown = debug(view)["paused"]
    assert shown["next"] == "name" and shown["enabled"] is True
    assert {f["name"]: (f["text"], f["reads"]) for f in shown["fields"]} == {
        "topic": ('"the sea"', False), "draft": ('"About the sea."', True)}
    assert view.panel["toolbar"]["stop"]["enabled"] is True  # Stop ends the paused run


async def test_resume_with_an_update_goes_on_in_the_same_run_and_the_next_node_sees_the_edit() -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["name"]}
    with dspy.context(lm=scripted()):
        await view.run(topic="the sea")
        model = view.run_log
        result = await view.resume(update={"draft": "Waves rise."})
    assert result == Title(title="WAVES RISE.")
    assert view.run_log is model and view.runs == [model]  # one run model, continued
    assert kinds(view) == ["run_start", "node_start", "lm_call", "node_end", "route", "paused", "update",
                           "node_start", "lm_call", "node_end", "route", "node_start", "node_end", "route", "finished"]
    assert [e["seq"] for e in view.events] == list(range(len(view.events))) and len({e["run_id"] for e in view.events}) == 1
    name_start = next(e for e in view.events if e["event"] == "node_start" and e["node"] == "name")
    assert name_start["inputs"] == {"draft": "Waves rise."}
    assert view.run_log.finished["state"]["stamped"] == "[WAVES RISE.]"
    assert view.paused is None and view.status.startswith("finished")


async def test_a_view_run_in_a_loop_keeps_only_its_last_runs() -> None:
    view = LabView(program())
    with dspy.context(lm=scripted()):
        for i in range(KEPT_RUNS + 3):
            await view.run(topic=f"topic {i}")
    assert len(view.runs) == KEPT_RUNS and view.runs[-1] is view.run_log
    assert view.runs[0].events[0]["inputs"]["topic"] == "topic 3"  # the 3 oldest were dropped


async def test_step_runs_one_node_at_a_time_until_the_run_finishes() -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["write"]}
    seen = []
    with dspy.context(lm=scripted()):
        assert await view.run(topic="ice") is None
        seen.append(view.status)
        for _ in range(2):
            assert await view.step() is None
            seen.append(view.status)
        result = await view.step()  # stamp, the last node: the run finishes
    assert seen == ["paused before node 'write' · step 0", "paused before node 'name' · step 1",
                    "paused before node 'stamp' · step 2"]
    assert result == Title(title="ABOUT ICE.") and view.run_log.status == "finished"
    assert view.graph.node_status == {"write": "done", "name": "done", "stamp": "done"}


async def test_the_buttons_continue_and_step_in_the_context_the_run_started_in() -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["write"]}
    with dspy.context(lm=scripted()):  # a click comes with no dspy.context of its own
        await view.run(topic="ice")
    assert dspy.settings.lm is None
    browser_sends(view, {"type": "step", "update": {}})
    assert view.running and debug(view)["paused"]["enabled"] is False  # no second click while it goes on
    assert await finished_task(view) is None
    assert view.paused is not None and view.paused.node == "name"
    browser_sends(view, {"type": "resume", "update": {"draft": '"Snow falls."'}})  # JSON text, as typed
    assert await finished_task(view) == Title(title="SNOW FALLS.")
    assert [e["values"] for e in view.events if e["event"] == "update"] == [{"draft": "Snow falls."}]


def test_a_click_handled_with_no_running_loop_says_so_in_the_view_and_python_goes_on() -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["name"]}
    with dspy.context(lm=scripted()):
        assert run_blocking(view.run(topic="ice")) is None  # paused; its loop is gone with the call
    before = list(view.events)
    browser_sends(view, {"type": "resume", "update": {"draft": '"Snow."'}})  # a frontend that calls back outside a loop
    assert debug(view)["error"] == {"field": None, "message": NO_LOOP}
    assert not view.running and view.events == before and view.run_log.status == "paused"
    assert run_blocking(view.resume({"draft": "Snow."})) == Title(title="SNOW.")  # from a cell, in the run's context
    assert debug(view)["error"] is None


async def test_stop_while_paused_ends_the_run_as_cancelled() -> None:
    view = LabView(program())
    view.breakpoints = {"after": ["write"]}
    with dspy.context(lm=scripted()):
        await view.run(topic="ice")
    assert view.paused is not None and view.paused.when == "after"
    browser_sends(view, {"type": "stop"})
    assert view.run_log.status == "cancelled" and kinds(view)[-2:] == ["paused", "cancelled"]
    assert view.graph.node_status == {"write": "done", "name": "idle", "stamp": "idle"}
    assert view.stop() is False  # nothing left to stop
    with pytest.raises(ViewCommandError, match="Nothing to continue: the run shown is cancelled, not paused"):
        await view.resume()


# -- rejected edits -----------------------------------------------------------------------


async def test_a_rejected_edit_names_its_field_and_runs_nothing() -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["name"]}
    with dspy.context(lm=scripted()):
        await view.run(topic="ice")
    before = list(view.events)
    with pytest.raises(CheckpointError, match=r"draft.* node 'name'") as caught:  # in the user's terms
        await view.resume(update={"draft": 7})
    assert (caught.value.key, caught.value.node) == ("draft", "name")
    assert debug(view)["error"]["field"] == "draft"  # also shown next to the field
    # the same from the Continue button: JSON the model rejects, text that is not JSON, a key not allowed
    for texts, field, message in [
        ({"draft": "7"}, "draft", "node 'name'"),
        ({"draft": "Snow"}, "draft", "field 'draft' is not valid JSON"),
        ({"_secret": '"x"'}, "_secret", "is not a state key"),
        ({"draft": '"api ••••••"'}, "draft", "still holds the mask"),
    ]:
        browser_sends(view, {"type": "resume", "update": texts})
        error = debug(view)["error"]
        assert error["field"] == field and message in error["message"], error
        assert not view.running and view.events == before and view.run_log.status == "paused"
    browser_sends(view, {"type": "resume", "update": {"draft": '"Snow."'}})
    assert await finished_task(view) == Title(title="SNOW.")
    assert debug(view)["error"] is None


# -- forks --------------------------------------------------------------------------------


async def test_fork_from_a_loaded_runs_mid_step_with_an_edit_shows_what_differs_from_the_parent(tmp_path) -> None:
    prog = program()
    view = LabView(prog)
    with dspy.context(lm=scripted()):
        await view.run(topic="ice")
    path = view.save(tmp_path / "run.json")

    loaded = LabView.load(path, program=prog)
    assert loaded.runs == [loaded.run_log] and loaded.run_log.status == "finished"
    after_write = next(i for i, e in enumerate(loaded.events, 1) if e["event"] == "route" and e["source"] == "write")
    loaded.seek(after_write + 1)  # inside `name`'s step: the fork starts at the boundary before it
    assert debug(loaded)["fork"]["note"] == "from after step 1: node 'name' runs next"  # where, in the user's words
    browser_sends(loaded, {"type": "fork-editor", "open": True})
    fields = {f["name"]: f["text"] for f in debug(loaded)["fork"]["fields"]}
    assert fields == {"topic": '"ice"', "draft": '"About ice."'}
    with dspy.context(lm=scripted()):
        result = await loaded.fork(update={"draft": "Thaw."})  # from the step the slider shows
    assert result == Title(title="THAW.")
    parent, fork = loaded.runs
    assert loaded.run_log is fork and fork.run_id != parent.run_id
    start = fork.events[0]
    assert (start["parent_run_id"], start["parent_step"]) == (parent.run_id, 1)
    assert [v.node for v in fork.visits] == ["name", "stamp"]  # only what comes after the branch runs
    assert loaded.diff == {"name": "changed", "stamp": "changed"}
    assert loaded._picture["diff"] == loaded.diff  # marked on the graph
    assert loaded._picture["inherited"] == ["write"]  # ran in the parent before the branch
    assert debug(loaded)["diff"]["text"] == "fork of run 1: output differs at name, stamp"
    assert [o["label"] for o in debug(loaded)["runs"]["options"]] == [
        "run 1 · finished", "run 2 · fork of run 1 after step 1 · finished"]
    loaded.select("name")
    node_blocks = loaded.panel["node"]["blocks"]
    assert {"title": "Compared with run 1 (the parent)"} in node_blocks
    table = next(b["table"] for b in node_blocks if b.get("table", {}).get("head", [None])[-1] == "this fork wrote")
    assert table["rows"] == [["title", "ABOUT ICE.", "THAW."]] and table["changed"] == [0]

    # the same fork without an edit writes what the parent wrote; the selector goes back to the parent
    with dspy.context(lm=scripted()):
        await loaded.fork(step=1)  # keep `write`'s output, run the rest
    assert loaded.diff == {"name": "same", "stamp": "same"}
    assert debug(loaded)["diff"]["text"] == "fork of run 2: same outputs"  # the fork is over: not "so far"
    loaded.seek(1)
    assert debug(loaded)["diff"]["text"] == "fork of run 2: same outputs so far"  # the fork as it was, going on
    browser_sends(loaded, {"type": "show-run", "index": 0})
    assert loaded.run_log is parent and loaded.diff == {} and loaded._picture["diff"] == {}
    assert loaded.show_run(-1).run_id == loaded.runs[2].run_id
    with pytest.raises(ViewCommandError, match="no run 5: this view has 3 run"):
        loaded.show_run(5)


async def test_a_fork_from_the_run_button_uses_the_edits_and_the_slider_position() -> None:
    view = LabView(program())
    with dspy.context(lm=scripted()):
        await view.run(topic="ice")
    assert debug(view)["fork"] is None  # at the end: nothing to run from there, no bar
    view.seek(next(i for i, e in enumerate(view.events, 1) if e["event"] == "route"))  # after write's route
    assert debug(view)["fork"]["available"] is True and debug(view)["fork"]["editing"] is False
    browser_sends(view, {"type": "fork-editor", "open": True})
    browser_sends(view, {"type": "fork", "update": {"draft": '"Melt."'}})
    assert await finished_task(view) == Title(title="MELT.")
    assert len(view.runs) == 2 and view.diff == {"name": "changed", "stamp": "changed"}
    assert debug(view)["fork"] is None  # the fork ran to its end
    view.seek(1)
    assert debug(view)["fork"]["editing"] is False  # the editor closed when the fork began


async def test_a_run_saved_at_a_pause_goes_on_after_loading_it_with_its_program(tmp_path) -> None:
    view = LabView(program())
    view.breakpoints = {"before": ["name"]}
    with dspy.context(lm=scripted()):
        await view.run(topic="ice")
    path = view.save(tmp_path / "paused.json")
    loaded = LabView.load(path, program=program())
    assert loaded.paused is not None and debug(loaded)["paused"]["next"] == "name"
    with dspy.context(lm=scripted()):
        assert await loaded.resume(update={"draft": "Later."}) == Title(title="LATER.")
    assert len(loaded.runs) == 1 and {e["run_id"] for e in loaded.events} == {view.run_log.run_id}
    assert debug(LabView.load(path))["paused"] is None  # without a program there is nothing to go on with


def test_load_with_a_program_of_another_graph_is_refused(tmp_path) -> None:
    view = LabView(program())
    view.run_log.apply({"event": "run_start", "run_id": "r", "seq": 0, "ts": 0.0, "inputs": {"topic": "x"}})
    path = view.save(tmp_path / "run.json")
    other = AgentTranspiler.compile(Graph().add_node(StatefulNode("write", Topic, Draft)).set_entry_point("write"))
    with pytest.raises(ViewError, match=r"the program's nodes \['write'\] are not the saved run's"):
        LabView.load(path, program=other)
    replay = LabView.load(path)
    assert debug(replay)["can_break"] is False and debug(replay)["fork"] is None  # nothing to run it with


def test_fork_diff_matches_visits_in_order_and_says_what_ran_only_on_one_side() -> None:
    from dspyer_lab.lab.model.runmodel import RunModel

    def run(run_id: str, visits: list[tuple[str, int, dict[str, Any]]], parent: tuple[str, int] | None = None,
            end: bool = True) -> RunModel:
        start: dict[str, Any] = {"event": "run_start", "run_id": run_id, "seq": 0, "ts": 0.0, "inputs": {}}
        if parent:
            start.update(parent_run_id=parent[0], parent_step=parent[1])
        events = [start]
        for node, step, patch in visits:
            events += [{"event": "node_start", "node": node, "kind": "python", "step": step, "inputs": None},
                       {"event": "node_end", "node": node, "patch": patch, "duration": 0.0, "attempts": 1}]
        if end:
            events.append({"event": "finished", "output": None, "state": {}, "steps": len(visits), "duration": 0.0})
        return RunModel.replay([{"run_id": run_id, "seq": i, "ts": 0.0, **e} for i, e in enumerate(events)])

    parent = run("p", [("a", 1, {"x": 1}), ("b", 2, {"y": 1}), ("b", 3, {"y": 2}), ("c", 4, {})])
    fork = run("f", [("b", 2, {"y": 1}), ("b", 3, {"y": 9}), ("d", 4, {})], parent=("p", 1))
    assert fork_diff(parent, fork) == {"b": "changed", "d": "added", "c": "removed"}  # `a` ran before the branch
    going = run("g", [("b", 2, {"y": 1})], parent=("p", 1), end=False)
    assert fork_diff(parent, going) == {"b": "same"}  # so far like the parent; nothing removed yet


# -- the notebook magic -------------------------------------------------------------------

CELL = """
from pydantic import BaseModel
from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StatefulNode

class Topic(BaseModel):
    topic: str

class Draft(BaseModel):
    draft: str

class Title(BaseModel):
    title: str

lm = ScriptedLM({"write": {"draft": "Tides pull."}, "name": lambda inputs: {"title": inputs["draft"].upper()}})
g = Graph().add_node(StatefulNode("write", Topic, Draft)).add_node(StatefulNode("name", Draft, Title))
g.add_edge("write", "name").add_edge("name", END).set_entry_point("write")
program = AgentTranspiler.compile(g, output_model=Title)
"""


def test_magic_break_pauses_the_blocking_cell_and_the_view_goes_on_from_python(shell: Any, capsys) -> None:
    shell.run_cell_magic("dspyer", "-i topic=sea --lm scripted --break name --break-after name", CELL)
    view = shell.user_ns["dspyer_view"]
    assert view.breakpoints == {"before": ["name"], "after": ["name"]}
    assert view.paused is not None and view.paused.node == "name"
    assert "result" not in shell.user_ns  # nothing to bind at a pause
    assert "Paused before node 'name' (step 1): edit the state in the view" in capsys.readouterr().out
    # the magic's --lm scripted is not active any more: going on uses the model the run started with
    assert asyncio.run(view.resume(update={"draft": "Rain."})) is None  # paused again, after `name`
    assert view.paused.when == "after"
    assert asyncio.run(view.resume()).title == "RAIN."


@pytest.mark.parametrize("flag", ["--break", "--break-after"])
def test_magic_break_names_an_unknown_node_and_fails_the_cell(shell: Any, flag: str) -> None:
    with pytest.raises(UsageError, match=f"{flag} nope: the program has no node 'nope'; its nodes are: write, name"):
        shell.run_cell_magic("dspyer", f"-i topic=sea --lm scripted {flag} nope", CELL)


def test_the_debugger_panel_is_json() -> None:
    view = LabView(program())
    json.dumps(view.panel)


async def test_junk_debugger_messages_change_nothing_and_raise_nothing() -> None:
    view = LabView(program())
    with dspy.context(lm=scripted()):
        await view.run(topic="ice")
    events = list(view.events)
    for content in [
        {"type": "fork-editor"}, {"type": "breakpoint"}, {"type": "breakpoint", "node": ["write"], "when": "before"},
        {"type": "resume"}, {"type": "step", "update": "x"}, {"type": "resume", "update": ["draft"]},
        {"type": "fork", "update": {"draft": 3}}, {"type": "fork", "update": {"draft": "<script>"}},
        {"type": "show-run", "index": 99}, {"type": "show-run", "index": "0"},
    ]:
        browser_sends(view, content)
        assert not view.running and view.events == events, content
    assert view.breakpoints == {"before": [], "after": []} and len(view.runs) == 1
    assert "is not valid JSON" in debug(view)["error"]["message"]  # the last refusal is shown, as text
