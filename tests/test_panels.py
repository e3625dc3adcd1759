"""The panels show what a debugging user needs, from recorded runs, as JSON of plain text.

The panels are the view model's JSON (`dspyer_lab.lab.model.viewmodel`), which the browser renders
with ``textContent`` only; these tests read that JSON the way the screen shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from test_runmodel import Recorder, failing_run, loop_run

from dspyer_lab import Graph
from dspyer_lab.lab.model.runmodel import RunModel
from dspyer_lab.lab.model.viewmodel import (
    Page,
    Screen,
    error_json,
    node_json,
    result_json,
    status_text,
    timeline_json,
    validation_json,
)
from dspyer_lab.lab.textview import MASK, Masker
from dspyer_lab.lab.widgets import LabView

HOSTILE = "<img src=x onerror=alert(1)>"


def screen(limit: int | None = 200, fields: dict[str, Any] | None = None) -> Screen:
    masker = Masker()
    for event in loop_run():
        masker.learn(event)
    return Screen(masker, limit, fields or {})


def strings(value: Any) -> list[str]:
    """Every text in a piece of view-model JSON, in order (what the screen can show)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def text(value: Any) -> str:
    return "\n".join(strings(value))


def cell(value: Any) -> str:
    """A table cell or pre as shown before "show all": the (clipped) text."""
    return value["text"] if isinstance(value, dict) else value


def tables(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b["table"] for b in blocks if "table" in b]


def rows(table: dict[str, Any]) -> list[list[str]]:
    return [[cell(c) for c in row] for row in table["rows"]]


def facts(blocks: list[dict[str, Any]]) -> list[str]:
    return next(b["facts"] for b in blocks if "facts" in b)


def pre_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [cell(b["pre"]) for b in blocks if "pre" in b]


def full_text(shown: Screen, blocks: list[dict[str, Any]], title: str) -> str:
    """Open the fold `title`: the full text the kernel sends on request."""
    handle = next(b["full"] for b in blocks if b.get("fold") == title)
    full = shown.full_text(handle)
    assert full is not None
    return full


def synced_text(view: Any) -> str:
    """Everything the browser receives from the view (its synced state), as one string."""
    state = {k: v for k, v in view.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, default=repr, ensure_ascii=False)


def browser_sends(view: Any, content: dict[str, Any]) -> None:
    """What the front end's ``model.send(content)`` delivers to the kernel (a custom comm message)."""
    view._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def every_step_and_visit(view: LabView) -> Iterator[None]:
    """Show each step of the run and, at each step, each visit."""
    for step in range(len(view.events) + 1):
        view.seek(step)
        for visit in range(len(view.run_log.visits)):
            view.select(visit=visit)
            yield


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
    log = RunModel.replay(loop_run())
    shown = node_json(log, log.visits[1], None, screen())  # check: rewrote `words` unchanged, added `ok`
    blocks = shown["blocks"]
    assert facts(blocks)[:4] == ["check (python)", "visit 1", "step 2", "done"] and "0.010 s" in facts(blocks)
    assert {"title": "Patch (fields this node wrote)"} in blocks
    assert {"title": "State before → after (changed: ok)"} in blocks
    state = tables(blocks)[-1]
    assert state["head"] == ["field", "before", "after"]
    assert [rows(state)[i][0] for i in state["changed"]] == ["ok"]
    assert ["api_key", MASK, MASK] in rows(state) and "sk-live-1234" not in text(shown)


def test_inspector_offers_each_visit_of_a_looping_node_and_says_when_a_node_has_not_run() -> None:
    log = RunModel.replay(loop_run())
    shown = node_json(log, log.visits[2], None, screen())
    assert [o["value"] for o in shown["visits"]["options"]] == [0, 2] and shown["visits"]["value"] == 2
    assert shown["visits"]["options"][0]["label"] == "1 of 2 (step 1, done)"
    once = node_json(log, log.visits[1], None, screen())
    assert once["visits"]["options"] and node_json(RunModel.replay(loop_run()[:3]), None, "draft", screen())
    never = node_json(log, None, "never", screen())
    assert never["blocks"] == [{"note": "Node 'never' has not run yet."}] and never["visits"] is None


def test_long_values_are_clipped_with_the_full_text_on_request() -> None:
    e = Recorder()
    long_text = "word " * 400
    e("run_start", inputs={"doc": long_text})
    e("node_start", node="n", kind="python", step=1, inputs={"doc": long_text})
    log = RunModel.replay(e.events)
    shown = screen(limit=50)
    blocks = node_json(log, log.visits[0], None, shown)["blocks"]
    assert long_text not in text(blocks)
    (doc,) = tables(blocks)[0]["rows"]
    assert doc[1]["text"].endswith("chars)") and len(doc[1]["text"]) < 80
    assert shown.full_text(doc[1]["full"]) == long_text  # "show all": the whole value, once asked
    assert json.loads(full_text(shown, blocks, "Full values (inputs, patch, state) as text"))["inputs"]["doc"] == long_text
    assert shown.full_text("h-unknown") is None


# -- validation ------------------------------------------------------------------------------


def test_validation_panel_shows_messages_fields_offending_values_raw_output_and_feedback() -> None:
    log = RunModel.replay(loop_run())
    shown = validation_json(log, log.visits[0], None, screen())
    assert shown["scope"].startswith("1 rejected answer(s) of node 'draft'")
    blocks = shown["blocks"]
    assert facts(blocks) == ["draft", "attempt 1 of 3", "retried with feedback"]
    messages, raw, feedback = pre_texts(blocks)[1], pre_texts(blocks)[2], pre_texts(blocks)[3]
    assert "too short (got 3)" in messages and pre_texts(blocks)[0] == "words"
    assert rows(tables(blocks)[0]) == [["words", "3"]]  # the offending value
    assert "[[ ## words ## ]]\n3" in raw
    assert feedback.startswith("Your previous answer was rejected")


def test_validation_panel_falls_back_to_the_whole_run_and_to_an_empty_message() -> None:
    log = RunModel.replay(loop_run())
    shown = validation_json(log, log.visits[1], None, screen())  # check never failed
    assert "1 rejected answer(s) in this run" in shown["scope"] and "none for node 'check'" in shown["scope"]
    assert "too short" in text(shown["blocks"])
    empty = validation_json(RunModel.replay(loop_run()[:2]), None, None, screen())
    assert empty == {"scope": "No rejected answers in this run.", "attempts": None, "blocks": []}


def test_last_attempt_without_retry_says_so_and_counts_attempts_right() -> None:
    log = RunModel.replay(failing_run())
    blocks = validation_json(log, log.visits[0], None, screen())["blocks"]
    assert "no retry left: the node failed" in facts(blocks)
    assert "(none: no retry followed)" in pre_texts(blocks)
    rejected = len(log.visits[0].failures)
    assert f"{rejected} attempt(s)" in facts(node_json(log, log.visits[0], None, screen())["blocks"])


# -- result and error ----------------------------------------------------------------------------


def test_result_panel_is_a_typed_field_table() -> None:
    fields = {"text": {"type": "str", "description": "The <final> text"}}
    assert result_json(RunModel.replay(loop_run()[:5]), screen())["blocks"] == [{"note": "The run has not finished yet."}]
    shown = screen(fields=fields)
    blocks = result_json(RunModel.replay(loop_run()), shown)["blocks"]
    assert rows(tables(blocks)[0]) == [["text", "str", "Owls hunt at night, silently.", "The <final> text"]]
    assert facts(blocks) == ["Finished: 4 steps in 7.000 s"]
    final = json.loads(full_text(shown, blocks, "Full output and final state as text"))
    assert final["state"]["api_key"] == MASK


def test_error_panel_is_short_with_the_traceback_folded() -> None:
    assert error_json(RunModel.replay(loop_run()), screen())["blocks"] == [{"note": "No error."}]
    e = Recorder()
    e("run_start", inputs={})
    e("error", node="n", error="line1\nline2\nline3\nline4", error_type="RouteError", traceback="Traceback ...\nboom",
      state={})
    shown = screen()
    blocks = error_json(RunModel.replay(e.events), shown, message_lines=2)["blocks"]
    assert facts(blocks) == ["RouteError", "in node 'n'"]
    (short,) = pre_texts(blocks)
    assert "line2" in short and "line3" not in short and "2 more lines" in short
    traceback = full_text(shown, blocks, "Full error and traceback")
    assert "line4" in traceback and "boom" in traceback


# -- timeline --------------------------------------------------------------------------------


def test_timeline_lists_newest_first_with_masked_summaries() -> None:
    log = RunModel.replay(loop_run())
    shown = timeline_json(log, Page(), screen(), log.visits[0])
    rows_ = shown["rows"]
    assert rows_[0]["kind"] == "finished" and rows_[-1]["kind"] == "run_start" and rows_[-1]["i"] == 0
    assert all("sk-live-1234" not in r["text"] for r in rows_)
    assert [r["i"] for r in rows_ if r["mine"]] == [4, 3, 2, 1]  # draft's first visit, and the route after it
    assert shown["position"] == "events 1–15 of 15" and not shown["older"] and not shown["newer"]


def test_timeline_window_is_bounded_and_pages_over_the_full_list() -> None:
    e = Recorder()
    e("run_start", inputs={})
    for i in range(2500):
        e("node_start", node="tick", kind="python", step=i + 1, inputs={})
        e("node_end", node="tick", patch={"i": i}, duration=0.0, attempts=1)
    log = RunModel.replay(e.events)
    shown = screen()
    newest = timeline_json(log, Page(0, 100), shown)
    assert [r["i"] for r in newest["rows"]] == list(range(5000, 4900, -1))
    assert newest["position"] == "events 4902–5001 of 5001" and newest["older"] and not newest["newer"]
    older = timeline_json(log, Page(100, 100), shown)
    assert older["rows"][0]["i"] == 4900 and len(older["rows"]) == 100 and older["newer"]
    oldest = timeline_json(log, Page(10_000, 100), shown)  # past the start: clamped to the first page
    assert oldest["rows"][-1]["i"] == 0 and not oldest["older"]


def test_durations_read_the_same_in_the_timeline_and_the_panels() -> None:
    log = RunModel.replay(loop_run())
    timeline = {r["i"]: r["text"] for r in timeline_json(log, Page(), screen())["rows"]}
    assert "0.250 s" in facts(node_json(log, log.visits[0], None, screen())["blocks"]) and "0.250 s" in timeline[3]
    assert "7.000 s" in facts(result_json(log, screen())["blocks"])[0] and "7.000 s" in timeline[14]


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


def assert_plain_text(view: LabView) -> None:
    """The browser gets data, never markup: the payload travels as the literal text the user sees
    (escaping it here would show "&lt;img" on screen), and only in the view's JSON traits."""
    state = view.get_state()
    assert set(state) - {"_esm", "_css", "_anywidget_id", "_dom_classes", "layout", "tabbable", "tooltip"} \
        >= {"_kind", "_layout", "_picture", "_head", "_timeline", "_tab"}
    sent = synced_text(view)
    assert "&lt;" not in sent and "&#x27;" not in sent


async def test_markup_from_a_run_travels_as_literal_text_at_every_step() -> None:
    view = LabView(hostile_graph())
    await view.watch(_aiter(hostile_run()))
    for _ in every_step_and_visit(view):
        assert_plain_text(view)
    view.select(visit=0)
    panel = view.panel
    assert facts(panel["node"]["blocks"])[0] == f"{HOSTILE} (llm)"
    assert [HOSTILE, HOSTILE] in rows(tables(panel["node"]["blocks"])[0])
    assert HOSTILE in text(panel["validation"]["blocks"])
    assert view._layout["nodes"]["n0"] == HOSTILE


async def test_secrets_never_reach_the_browser() -> None:
    view = LabView(hostile_graph())
    await view.watch(_aiter(hostile_run()))
    for _ in every_step_and_visit(view):
        assert "sk-live-1234" not in synced_text(view)
    error = view.panel["error"]["blocks"]
    assert MASK in full_text(view.presenter._screen, error, "Full error and traceback")  # masked, not dropped
    assert "key is " + MASK in text(view.panel["validation"]["blocks"])


async def test_secret_patterns_are_configurable() -> None:
    e = Recorder()
    e("run_start", inputs={"ssn": "123-45-6789", "api_key": "visible-key"})
    view = LabView(loop_graph(), secret_patterns=["ssn"])
    await view.watch(e.events)  # a plain list of events works too
    assert [event["event"] for event in view.events] == ["run_start"]  # a stream that just ends was not stopped
    sent = synced_text(view)
    assert "123-45-6789" not in sent and "visible-key" in sent


@pytest.mark.parametrize("limit", [None, 20])
async def test_display_limit_applies_to_every_table(limit: int | None) -> None:
    e = Recorder()
    e("run_start", inputs={"doc": "x" * 500})
    e("node_start", node="draft", kind="python", step=1, inputs={"doc": "x" * 500})
    view = LabView(loop_graph(), display_limit=limit)
    await view.watch(_aiter(e.events))
    assert ("x" * 500 in synced_text(view)) is (limit is None)


def failing_twice() -> list[dict[str, Any]]:
    events = failing_run()
    first = {**events[2], "will_retry": True, "max_attempts": 2}
    second = {**events[2], "seq": 3, "attempt": 2, "max_attempts": 2, "error": "- score: too big (got 43)",
              "raw_output": '{"score": 43}'}
    return [*events[:2], first, second]


def test_validation_panel_follows_the_newest_rejection_until_the_user_picks_one() -> None:
    run = failing_twice()
    log = RunModel.replay(run[:3])
    assert "got 42" in text(validation_json(log, log.visits[0], None, screen())["blocks"])
    log = RunModel.replay(run)  # a live run: the next rejection arrives
    shown = validation_json(log, log.visits[0], None, screen())
    assert "got 43" in text(shown["blocks"])  # follows the newest
    first = shown["attempts"]["options"][0]["value"]
    assert "got 42" in text(validation_json(log, log.visits[0], tuple(first), screen())["blocks"])  # the pick


async def test_validation_pick_holds_for_its_run_only() -> None:
    run = failing_twice()
    view = LabView(loop_graph())
    await view.watch(_aiter(run))
    first = view.panel["validation"]["attempts"]["options"][0]["value"]
    browser_sends(view, {"type": "attempt", "key": first})  # the user picks the first rejection
    for k in (len(run), 0, 3, len(run)):  # time travel replays the same run: the pick holds
        view.seek(k)
    assert "got 42" in text(view.panel["validation"]["blocks"])
    await view.watch(_aiter([{**e, "run_id": "run3"} for e in run]))  # the next run
    assert "got 43" in text(view.panel["validation"]["blocks"])  # the newest again, not the old pick


async def test_a_crafted_run_file_shows_as_text(tmp_path) -> None:
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps({
        "format": "dspyer-lab-run", "version": 1, "graph": {
            "nodes": [{"name": HOSTILE, "kind": "llm", "input_model": HOSTILE, "input_fields": [HOSTILE],
                       "output_model": "Out", "output_fields": ["t"]},
                      {"name": "check", "kind": "python", "function": HOSTILE}],
            "edges": [{"source": HOSTILE, "target": "check"}], "routers": [], "entry_point": HOSTILE},
        "output_model": {"name": HOSTILE, "fields": {"t": {"type": HOSTILE, "description": HOSTILE}}},
        "events": hostile_run(),
    }))
    view = LabView.load(path)
    for _ in every_step_and_visit(view):
        assert_plain_text(view)
    assert view.graph.node_status == {HOSTILE: "done", "check": "failed"}


async def test_time_travel_before_the_picked_visit_shows_it_has_not_run_yet() -> None:
    view = LabView(loop_graph())
    await view.watch(_aiter(loop_run()))
    view.select(visit=1)  # the first visit of `check`, picked from the timeline or the visit list
    assert view.graph.selected_node == "check" and facts(view.panel["node"]["blocks"])[0] == "check (python)"
    assert view._picture["selected"] == "check"
    view.seek(2)  # back to when only `draft` had started
    assert view.graph.selected_node == "check"
    assert view.panel["node"]["blocks"] == [{"note": "Node 'check' has not run yet."}]
    view.select(visit=2)  # the second visit of `draft`
    view.seek(6)  # `draft` ran once so far
    assert view.graph.selected_node == "draft"
    assert view.panel["node"]["blocks"] == [
        {"note": "This visit of node 'draft' has not started yet; its earlier visits are listed above."}]
    assert [o["value"] for o in view.panel["node"]["visits"]["options"]] == [0]  # one click away
    view.seek(len(view.events))
    assert facts(view.panel["node"]["blocks"])[:3] == ["draft (llm)", "visit 2", "step 3"]
    with pytest.raises(IndexError, match="visit 9 is not in this run"):
        view.select(visit=9)


async def test_the_error_panel_and_status_name_a_failing_python_router() -> None:
    from dspyer_lab import AgentTranspiler

    def pick(state: dict[str, Any]) -> str:
        raise ZeroDivisionError("no votes to count")

    graph = Graph().add_node("vote", lambda state: {}).add_node("other", lambda state: {})
    graph.add_conditional_edges("vote", pick, {"x": "other"}).set_entry_point("vote")
    model = RunModel()
    with pytest.raises(ZeroDivisionError):
        async for event in AgentTranspiler.compile(graph).astream():
            model.apply(event)
    facts = error_json(model, screen())["blocks"][0]["facts"]
    assert facts == ["ZeroDivisionError", "in the router after node 'vote'"]
    assert status_text(model, model, True) == "failed · ZeroDivisionError in the router after node 'vote'"
