"""Model calls in the lab: `lm_call` and `token` events folded into visits and totals, shown as JSON text.

Events are recorded by hand in the shape of `dspyer_lab.core.events` (see `Recorder`), so each
test reads as one small run story; `test_lab_calls_live.py` checks the same against real runs.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import dspy
import pytest
from pydantic import BaseModel, field_validator
from test_panels import browser_sends, screen, strings, text
from test_magics import ONE_NODE_CELL
from test_runmodel import Recorder

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.core.eventschema import EventContractError
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.widgets import LabView

from dspyer_lab.lab.model.runfile import RunFileError
from dspyer_lab.lab.model.runmodel import CHECKPOINT_EVERY, CallTotals, RunModel, introduced, summarize
from dspyer_lab.lab.model.viewmodel import (
    Page,
    Screen,
    Selection,
    calls_json,
    graph_totals,
    lab_json,
    run_totals_text,
    timeline_json,
)
from dspyer_lab.lab.textview import MASK, Masker

SECRET = "sk-live-1234"
SYSTEM = "Your input fields are:\n1. `topic` (str)\nYour output fields are:\n1. `text` (str)\n" + "Follow the format. " * 120


def messages(user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def call(e: Recorder, node: str, attempt: int, completion: str, *, user: str = "[[ ## topic ## ]]\nowls",
         usage: dict[str, int] | None = None, cost: float | None = 0.001, duration: float = 0.4, cached: bool = False,
         **extra: Any) -> None:
    e("lm_call", node=node, attempt=attempt, model="openai/gpt-4o-mini", messages=messages(user),
      completion=completion, usage=usage if usage is not None else {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
      cost=cost, duration=duration, cached=cached, **extra)


def tokens(e: Recorder, node: str, attempt: int, field: str, text_: str, size: int = 3) -> None:
    for i in range(0, len(text_), size):
        e("token", node=node, attempt=attempt, field=field, chunk=text_[i : i + size])


def called_run(*, finish: bool = True) -> list[dict[str, Any]]:
    """draft streams a rejected answer, then a good one (2 calls); check (Python); draft again (1 call)."""
    e = Recorder()
    e("run_start", inputs={"topic": "owls", "api_key": SECRET})
    e("node_start", node="draft", kind="llm", step=1, inputs={"topic": "owls"})
    tokens(e, "draft", 1, "text", "Owls.")
    call(e, "draft", 1, "[[ ## text ## ]]\nOwls.\n\n[[ ## completed ## ]]")
    e("validation_error", node="draft", attempt=1, max_attempts=3, error="too short", failed_fields=["text"],
      raw_output="[[ ## text ## ]]\nOwls.", feedback="longer please", will_retry=True)
    tokens(e, "draft", 2, "text", "Owls hunt at night.")
    call(e, "draft", 2, "[[ ## text ## ]]\nOwls hunt at night.\n\n[[ ## completed ## ]]",
         user=f"[[ ## topic ## ]]\nowls (key {SECRET})\nlonger please", cost=0.002, duration=0.6)
    e("node_end", node="draft", patch={"text": "Owls hunt at night."}, duration=1.1, attempts=2)
    e("route", source="draft", decision=None, target="check")
    e("node_start", node="check", kind="python", step=2, inputs=None)
    e("node_end", node="check", patch={"ok": False}, duration=0.01, attempts=1)
    e("route", source="check", decision="again", target="draft")
    e("node_start", node="draft", kind="llm", step=3, inputs={"topic": "owls"})
    tokens(e, "draft", 1, "text", "Owls hunt at night, silently.")
    if finish:
        call(e, "draft", 1, "[[ ## text ## ]]\nOwls hunt at night, silently.\n\n[[ ## completed ## ]]",
             usage={}, cost=None, duration=0.5)
        e("node_end", node="draft", patch={"text": "Owls hunt at night, silently."}, duration=0.5, attempts=1)
        e("route", source="draft", decision=None, target="__end__")
        e("finished", output={"text": "Owls hunt at night, silently."}, state={}, steps=3, duration=2.0)
    return e.events


def calls_observed(model: RunModel) -> tuple[Any, ...]:
    """What the Calls panel, the totals and the timeline read from a model."""
    return (
        [(v.index, [c.event_index for c in v.calls], {k: (s.text, s.chunks) for k, s in v.streams.items()})
         for v in model.visits],
        [c.event_index for c in model.calls], model.call_totals, model.nodes_with_calls, list(model.rows), model.tokens,
        [(v.index, [s.text for s in ss]) for v, ss in [model.live_stream() or (model.visits[0], [])]] if model.visits else None,
    )


# -- the fold ---------------------------------------------------------------------------------


def test_each_visit_holds_its_attempts_calls_and_streamed_text() -> None:
    model = RunModel.replay(called_run())
    first, check, again = model.visits
    assert [(c.attempt, c.completion.splitlines()[1]) for c in first.calls] == [(1, "Owls."), (2, "Owls hunt at night.")]
    assert first.calls[1].messages[1]["content"].endswith("longer please") and first.calls[1].messages[0]["role"] == "system"
    assert {k: s.text for k, s in first.streams.items()} == {(1, "text"): "Owls.", (2, "text"): "Owls hunt at night."}
    assert check.calls == [] and check.streams == {}
    assert [c.attempt for c in again.calls] == [1] and again.streams[(1, "text")].text == "Owls hunt at night, silently."
    assert first.pending_streams() == [] and again.pending_streams() == []  # every attempt's answer came
    assert model.live_stream() is None


def test_totals_per_node_and_per_run_count_tokens_cost_and_model_time() -> None:
    model = RunModel.replay(called_run())
    draft = model.node_totals("draft")
    assert (draft.calls, draft.prompt_tokens, draft.completion_tokens, draft.tokens) == (3, 200, 40, 240)
    assert draft.no_usage == 1 and draft.no_cost == 1  # the third call reported neither
    assert draft.cost == pytest.approx(0.003) and draft.model_time == pytest.approx(1.5)
    assert model.node_totals("check") == CallTotals() and set(model.nodes_with_calls) == {"draft"}
    assert model.call_totals == draft
    waiting, rest = model.model_time_split()
    assert waiting == pytest.approx(1.5) and rest == pytest.approx(0.5)  # of the 2.0 s the run took


def test_the_running_node_text_grows_chunk_by_chunk_until_its_answer_comes() -> None:
    events = called_run(finish=False)
    model = RunModel()
    seen = []
    for event in events:
        model.apply(event)
        live = model.live_stream()
        seen.append(None if live is None else (live[0].node, live[0].visit, [s.text for s in live[1]]))
    assert seen[-1] == ("draft", 2, ["Owls hunt at night, silently."])
    growing = [s[2][0] for s in seen if s is not None and s[1] == 2]
    assert growing[0] == "Owl" and all(a != b and b.startswith(a) for a, b in zip(growing, growing[1:]))
    first_call = next(i for i, e in enumerate(events) if e["event"] == "lm_call")
    assert seen[first_call - 1] == ("draft", 1, ["Owls."])  # the first attempt, before its answer
    assert seen[first_call] is None  # its answer came: nothing is streaming until the retry streams
    assert seen[first_call + 2] == ("draft", 1, ["Owl"])  # the retry's first chunk


def test_a_token_flood_is_one_row_per_streamed_field_and_seeks_stay_exact() -> None:
    e = Recorder()
    e("run_start", inputs={})
    for visit in range(3):
        e("node_start", node="write", kind="llm", step=visit + 1, inputs={})
        tokens(e, "write", 1, "reasoning", "think " * 150, size=2)
        tokens(e, "write", 1, "answer", f"answer {visit} " * 100, size=2)
        call(e, "write", 1, "whatever")
        e("node_end", node="write", patch={"answer": visit}, duration=1.0, attempts=1)
    e("finished", output={}, state={}, steps=3, duration=3.0)
    events = e.events
    assert len(events) > 10 * CHECKPOINT_EVERY
    model = RunModel.replay(events)
    kinds = [events[i]["event"] for i in model.rows]
    assert kinds.count("token") == 6 and len(kinds) == 3 * 5 + 2  # one row per (visit, field)
    for k in [*range(0, len(events) + 1, 97), CHECKPOINT_EVERY, len(events) - 1]:
        assert calls_observed(model.at(k)) == calls_observed(RunModel.replay(events[:k])), k
    mid = model.at(CHECKPOINT_EVERY * 2 + 5)
    assert mid.live_stream() is not None and model.live_stream() is None  # a seek into a stream is one of its own
    page = timeline_json(model, Page(0, 50), screen())
    assert len(page["rows"]) == 17 and "token" in page["position"]
    stream_rows = [r for r in page["rows"] if r["kind"] == "token"]
    assert stream_rows[0]["text"].startswith("streamed 'answer' (attempt 1): 450 chunks, 900 chars: answer 2 answer")


def test_a_seek_inside_a_stream_then_folding_on_leaves_the_live_run_untouched() -> None:
    events = called_run()
    model = RunModel.replay(events)
    before = calls_observed(model)
    k = next(i for i, e in enumerate(events) if e["event"] == "token" and e["attempt"] == 2) + 2
    past = model.at(k)
    past.apply({**events[k], "chunk": "XYZ"})  # diverges from the live run's chunks
    assert past.visits[0].streams[(2, "text")].text == "Owls hXYZ"
    assert calls_observed(model) == before and model.visits[0].streams[(2, "text")].text == "Owls hunt at night."


@pytest.mark.parametrize("bad", [None, 3, "x", [], {"prompt_tokens": "9"}, [{"role": 1}], True])
def test_lm_call_and_token_fields_of_the_wrong_type_are_refused_where_they_enter(bad: Any) -> None:
    """Events a view is shown come from a caller: a call or token field of the wrong type is refused in one line
    naming the event and the field, and the view keeps what it showed; what the contract allows (a call's
    ``usage``, ``cost`` or ``completion`` None) is shown, as text."""
    e = Recorder()
    e("run_start", inputs={})
    e("node_start", node="n", kind="llm", step=1, inputs={})
    good = list(e.events)
    call(e, "n", 1, "ok")
    e("token", node="n", attempt=1, field="f", chunk="c")
    lab = LabPresenter(Graph().add_node("n", lambda state: None).set_entry_point("n"))
    lab.show_events(good)
    for i, keys in ((2, ("node", "attempt", "model", "messages", "completion", "usage", "cost", "duration", "cached")),
                    (3, ("node", "attempt", "field", "chunk"))):
        kind = e.events[i]["event"]
        for key in keys:
            tampered = [*good, {**e.events[i], key: bad}]
            try:
                lab.show_events(tampered)
            except EventContractError as refused:
                assert str(refused).startswith(f"event 2 ({kind})") and repr(key)[:-1] in str(refused)
                assert "\n" not in str(refused) and lab.events == good  # the view still shows what it showed
                continue
            assert lab.events == tampered and lab.run_log.call_totals.calls == (kind == "lm_call")
            for event in lab.events:
                summarize(event)
            json = lab_json(lab.run_log, lab.run_log, Selection(), Page(), screen())
            assert all(isinstance(s, str) for s in strings(json))
            lab.show_events(good)


def test_a_secret_output_field_is_learned_from_the_call_before_its_node_ends() -> None:
    event = {"event": "lm_call", "completion": "[[ ## api_key ## ]]\nsk-new-98765\n\n[[ ## completed ## ]]"}
    masker = Masker()
    masker.learn(introduced(event))
    assert masker.mask_text("it said sk-new-98765") == f"it said {MASK}"
    assert introduced({"event": "token", "chunk": "x"}) is None  # chunks are part of such a completion


# -- what the browser gets ----------------------------------------------------------------------


def shown(events: list[dict[str, Any]], limit: int | None = 200) -> Screen:
    masker = Masker()
    for event in events:
        masker.learn(introduced(event))
    return Screen(masker, limit, {})


def test_the_calls_tab_shows_the_picked_attempt_messages_by_role_and_the_completion() -> None:
    events = called_run()
    model = RunModel.replay(events)
    first = model.visits[0]
    shown_ = shown(events)
    panel = calls_json(model, first, None, shown_)  # the newest call of the visit by default
    assert panel["scope"].startswith("node 'draft' (visit 1): 2 model calls · 240 tokens (200 in, 40 out) · $0.003")
    assert [o["label"] for o in panel["calls"]["options"]] == [
        "attempt 1 · openai/gpt-4o-mini · 0.400 s", "attempt 2 · openai/gpt-4o-mini · 0.600 s"]
    blocks = panel["blocks"]
    assert blocks[0]["facts"] == ["draft", "attempt 2", "openai/gpt-4o-mini", "100 in + 20 out tokens", "$0.002", "0.600 s"]
    system, user = [b["message"] for b in blocks if "message" in b]
    assert system["role"] == "system" and not system["open"]  # a long prompt is folded
    assert system["size"] == f"{len(SYSTEM):,} chars, {SYSTEM.count(chr(10)) + 1} lines"
    assert system["text"]["text"].startswith("Your input fields are:") and shown_.full_text(system["text"]["full"]) == SYSTEM
    assert user["role"] == "user" and user["open"] and user["text"].endswith("longer please")
    completion = blocks[blocks.index({"title": "Completion (as received)"}) + 1]["pre"]
    assert completion == "[[ ## text ## ]]\nOwls hunt at night.\n\n[[ ## completed ## ]]"

    picked = calls_json(model, first, first.calls[0].event_index, shown_)  # the first attempt, picked
    assert picked["calls"]["value"] == first.calls[0].event_index and "Owls.\n" in text(picked["blocks"])
    assert "longer please" not in text(picked["blocks"])  # only the picked attempt's messages are sent


def test_a_secret_inside_a_prompt_is_masked_in_the_panel_the_timeline_and_the_full_text() -> None:
    events = called_run()
    model = RunModel.replay(events)
    shown_ = shown(events, limit=10)  # everything clipped: the full texts are masked too
    panel = lab_json(model, model, Selection(visit=0), Page(), shown_)
    sent = text(panel)
    assert SECRET not in sent and MASK in sent
    full = [shown_.full_text(h) for h in list(shown_.handles)]
    assert full and all(SECRET not in t for t in full) and any(MASK in t for t in full)


def test_a_node_that_streams_shows_its_text_growing_in_the_node_and_calls_tabs() -> None:
    events = called_run(finish=False)
    model = RunModel.replay(events)
    shown_ = shown(events)
    panel = lab_json(model, model, Selection(), Page(), shown_)  # following the run: the streaming visit
    streams = [b["stream"] for b in panel["node"]["blocks"] if "stream" in b]
    assert streams == [{"field": "text", "attempt": 1, "text": "Owls hunt at night, silently.", "live": True}]
    assert {"title": "Streaming: attempt 1"} in panel["node"]["blocks"]
    assert panel["calls"]["scope"] == "Waiting for the model of node 'draft' (visit 2)"
    assert [b["stream"]["text"] for b in panel["calls"]["blocks"] if "stream" in b] == ["Owls hunt at night, silently."]
    half = model.at(len(events) - 5)
    assert [b["stream"]["text"] for b in calls_json(half, half.visits[-1], None, shown_)["blocks"] if "stream" in b] == [
        "Owls hunt at ni"]  # a seek shows the text as it was
    stopped = RunModel.replay([*events, model.closing_event("cancelled")])
    blocks = calls_json(stopped, stopped.visits[-1], None, shown_)["blocks"]
    assert {"title": "Streamed, then cut off: attempt 1"} in blocks  # what a stopped node had said so far


def test_a_streamed_secret_field_is_masked_and_a_long_stream_sends_its_newest_end() -> None:
    e = Recorder()
    e("run_start", inputs={})
    e("node_start", node="n", kind="llm", step=1, inputs={})
    tokens(e, "n", 1, "api_key", "sk-made-up-by-the-model")
    tokens(e, "n", 1, "essay", "a" * 5000 + "THE END", size=100)
    model = RunModel.replay(e.events)
    key, essay = [b["stream"] for b in stream_blocks_of(model)]
    assert key["text"] == MASK and "sk-made" not in text(timeline_json(model, Page(), shown(e.events)))
    assert essay["text"].endswith("THE END") and len(essay["text"]) == 4001


def stream_blocks_of(model: RunModel) -> list[dict[str, Any]]:
    return [b for b in lab_json(model, model, Selection(), Page(), shown(model.events))["node"]["blocks"] if "stream" in b]


def test_totals_reach_the_graph_the_toolbar_and_the_node_tab() -> None:
    model = RunModel.replay(called_run())
    assert graph_totals(model) == {"draft": {
        "calls": 3, "tokens": 240, "label": "3 calls · 240 tok · $0.003",
        "hint": "draft: 3 model calls · 240 tokens (200 in, 40 out; 1 not reported) · $0.003 (1 call(s) without a cost)"
                " · 1.500 s waiting for the model"}}
    assert run_totals_text(model) == ("3 model calls · 240 tokens (200 in, 40 out; 1 not reported) · "
                                      "$0.003 (1 call(s) without a cost) · model 1.500 s, other 0.500 s")
    assert run_totals_text(RunModel.replay(called_run()[:3])) is None
    panel = lab_json(model, model, Selection(visit=0), Page(), shown(model.events))
    notes = [b["note"] for b in panel["node"]["blocks"] if "note" in b]
    assert notes[0].startswith("This visit: 2 model calls · 240 tokens (200 in, 40 out) · $0.003, 1.000 s. "
                               "Node 'draft' in the run: 3 model calls")
    assert panel["tabs"][1] == {"id": "calls", "title": "Calls (3)"}
    python_node = calls_json(model, model.visits[1], None, shown(model.events))
    assert python_node["scope"] == "No model calls for node 'check' (visit 1)" and python_node["calls"] is None
    assert ["draft", "3", "240", "$0.003", "1.500 s"] in python_node["blocks"][-1]["table"]["rows"]


def test_summaries_of_calls_and_chunks_for_the_timeline_and_the_slider() -> None:
    events = called_run()
    lm_call = next(e for e in events if e["event"] == "lm_call")
    assert summarize(lm_call) == ("openai/gpt-4o-mini · attempt 1 · 100 in + 20 out tokens · $0.001 · 0.400 s · "
                                  "answered [[ ## text ## ]] Owls. [[ ## completed ## ]]")
    assert summarize({"event": "token", "field": "text", "attempt": 2, "chunk": "Owl"}) == "'text' (attempt 2) +Owl"


# -- real runs, saved and loaded ----------------------------------------------------------------


class Question(BaseModel):
    question: str
    api_key: str = ""


class Cited(BaseModel):
    answer: str

    @field_validator("answer")
    @classmethod
    def cites(cls, value: str) -> str:
        if "[1]" not in value:
            raise ValueError("cite the passage as [1]")
        return value


def cited_program() -> Any:
    graph = Graph().add_node(StatefulNode("answer", Question, Cited)).set_entry_point("answer")
    return AgentTranspiler.compile(graph, output_model=Cited)


def cited_lm(latency: float = 0.0) -> ScriptedLM:
    return ScriptedLM({"answer": [{"answer": "Owls hunt at night"}, {"answer": "Owls hunt at night, silently [1]"}]},
                      latency=latency)


async def test_a_labview_run_streams_by_default_and_its_calls_fill_the_calls_tab() -> None:
    view = LabView(cited_program())
    with dspy.context(lm=cited_lm()):
        await view.run(question="What hunts at night?", api_key=SECRET)
    kinds = [e["event"] for e in view.events]
    assert kinds.count("lm_call") == 2 and kinds.count("token") == 10  # two answers, word by word
    first, second = view.run_log.visits[0].calls
    assert second.completion == "[[ ## answer ## ]]\nOwls hunt at night, silently [1]\n\n[[ ## completed ## ]]"
    assert view.run_log.visits[0].streams[(2, "answer")].text == "Owls hunt at night, silently [1]"
    panel = view.panel
    assert panel["tabs"][1]["title"] == "Calls (2)" and SECRET not in json.dumps(panel)
    user = [b["message"] for b in panel["calls"]["blocks"] if "message" in b][-1]
    assert "cite the passage as [1]" in user["text"] and MASK in user["text"]  # the feedback it got, the key masked
    assert panel["toolbar"]["calls"].startswith("2 model calls · ")
    assert view._picture["calls"]["answer"]["label"].startswith("2 calls · ")
    browser_sends(view, {"type": "call", "index": first.event_index})  # the attempt picker
    assert "cite the passage" not in text(view.panel["calls"]["blocks"])
    row = next(r for r in view.panel["timeline"]["rows"] if r["kind"] == "lm_call")
    browser_sends(view, {"type": "select", "event": row["i"]})  # a call's row opens that call
    assert view.panel["focus"]["tab"] == "calls" and view.panel["calls"]["calls"]["value"] == row["i"]

    quiet = LabView(cited_program(), stream_tokens=False)
    with dspy.context(lm=cited_lm()):
        await quiet.run(question="q")
    assert "token" not in [e["event"] for e in quiet.events] and quiet.run_log.call_totals.calls == 2


async def test_a_saved_run_keeps_its_calls_without_the_answered_tokens(tmp_path: Path) -> None:
    view = LabView(cited_program())
    with dspy.context(lm=cited_lm()):
        await view.run(question="What hunts at night?", api_key=SECRET)
    path = view.save(tmp_path / "run.json")
    saved = path.read_text()
    assert SECRET not in saved and '"token"' not in saved  # each answer's completion carries its text
    loaded = LabView.load(path)
    assert [e["event"] for e in loaded.events] == [e["event"] for e in view.events if e["event"] != "token"]
    assert calls_shown(loaded) == calls_shown(view)
    for call in view.run_log.visits[0].calls:
        browser_sends(view, {"type": "call", "index": call.event_index})
        index = next(c.event_index for c in loaded.run_log.visits[0].calls if c.attempt == call.attempt)
        browser_sends(loaded, {"type": "call", "index": index})
        assert calls_shown(loaded) == calls_shown(view)
    assert loaded.panel["toolbar"]["calls"] == view.panel["toolbar"]["calls"]
    assert loaded._picture["calls"] == view._picture["calls"]


def calls_shown(view: LabView) -> Any:
    """The calls tab as shown (clipped texts, no handles, no picker values: event indices differ)."""
    panel = view.panel["calls"]
    return [b for b in panel["blocks"]], panel["scope"], [o["label"] for o in (panel["calls"] or {}).get("options", [])]


async def test_a_stopped_streaming_node_keeps_its_partial_answer_in_the_file(tmp_path: Path) -> None:
    view = LabView(cited_program())
    with dspy.context(lm=cited_lm(latency=6.0)):
        task = view.start(question="q")
        while not view.run_log.tokens:  # the model has begun writing (its latency spreads the words)
            await asyncio.sleep(0.01)
        view.stop()
        with pytest.raises(asyncio.CancelledError):
            await task
    streamed = view.run_log.visits[0].streams[(1, "answer")].text
    assert streamed and "Owls hunt at night".startswith(streamed)
    loaded = LabView.load(view.save(tmp_path / "stopped.json"))
    assert loaded.run_log.visits[0].streams[(1, "answer")].text == streamed
    assert {"title": "Streamed, then cut off: attempt 1"} in loaded.panel["calls"]["blocks"]


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("usage", {"prompt_tokens": "12"}, "'usage.prompt_tokens' should be an integer"),
    ("messages", [{"role": "user"}], "has no 'messages.0.content'"),
    ("cost", -1.0, "'cost' should not be negative"),
    ("cached", "yes", "'cached' should be true or false"),
])
async def test_a_file_with_a_damaged_call_is_refused_saying_what_and_where(
    tmp_path: Path, key: str, value: Any, expected: str
) -> None:
    view = LabView(cited_program())
    with dspy.context(lm=cited_lm()):
        await view.run(question="q")
    data = json.loads(view.save(tmp_path / "run.json").read_text())
    index = next(i for i, e in enumerate(data["events"]) if e["event"] == "lm_call")
    data["events"][index][key] = value
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(RunFileError, match=f"^not a dspyer-lab run file: event {index} \\(lm_call\\).*{re.escape(expected)}"):
        LabView.load(tmp_path / "bad.json")


def test_the_calls_tab_of_another_visit_still_shows_the_text_being_written() -> None:
    events = called_run(finish=False)
    model = RunModel.replay(events)
    panel = calls_json(model, model.visits[0], None, shown(events))  # the first visit, done, is inspected
    assert {"note": "Streaming now: node 'draft' (visit 2)"} in panel["blocks"]
    assert [b["stream"]["text"] for b in panel["blocks"] if "stream" in b] == ["Owls hunt at night, silently."]
    assert "Streaming now" not in text(calls_json(model, model.visits[2], None, shown(events)))  # it is this one


def test_the_cell_magic_streams_the_models_text_unless_told_not_to(shell: Any) -> None:
    cell = ONE_NODE_CELL.replace("latency=60", "latency=0")
    shell.run_cell_magic("dspyer", "-i question=hi --lm scripted", cell)
    assert {"token", "lm_call"} <= {e["event"] for e in shell.user_ns["dspyer_view"].events}
    shell.run_cell_magic("dspyer", "-i question=hi --lm scripted --no-stream", cell)
    kinds = {e["event"] for e in shell.user_ns["dspyer_view"].events}
    assert "token" not in kinds and "lm_call" in kinds and shell.user_ns["result"].answer == "4"


def test_a_cached_call_is_counted_but_spends_no_tokens_or_cost_again() -> None:
    e = Recorder()
    e("run_start", inputs={})
    e("node_start", node="n", kind="llm", step=1, inputs={})
    call(e, "n", 1, "ok", cost=0.002)
    e("node_end", node="n", patch={}, duration=0.4, attempts=1)
    e("node_start", node="n", kind="llm", step=2, inputs={})
    call(e, "n", 1, "ok", usage={}, cost=0.002, duration=0.001, cached=True)  # the same call again, from the cache
    e("node_end", node="n", patch={}, duration=0.01, attempts=1)
    model = RunModel.replay(e.events)
    totals = model.call_totals
    assert (totals.calls, totals.cached, totals.tokens, totals.cost, totals.no_usage, totals.no_cost) == (2, 1, 120, 0.002, 0, 0)
    assert run_totals_text(model).startswith("2 model calls · 120 tokens (100 in, 20 out) · $0.002 · "
                                             "1 answered from the cache (nothing spent)")
    assert "cached" in calls_json(model, model.visits[1], None, shown(e.events))["blocks"][0]["facts"]


async def test_over_http_the_calls_tab_shows_what_the_server_received_and_answered() -> None:
    from http_helpers import aclose_lm, make_lm
    from test_http_calls import chain, words

    from dspyer_lab.testing import ChatServer

    view = LabView(chain(), display_limit=None)  # nothing clipped: compare whole texts
    with ChatServer(latency=0.05) as server:
        lm = make_lm(server, "auto")
        try:
            with dspy.context(lm=lm):
                await view.run(question="Why do owls hunt at night?")
        finally:
            await aclose_lm(lm)
        requests = list(server.requests)
    assert [r.get("stream") for r in requests] == [True, True]  # the lab streams
    for visit, request in zip(view.run_log.visits, requests):
        view.select(visit=visit.index)
        blocks = view.panel["calls"]["blocks"]
        sent = [(b["message"]["role"], b["message"]["text"]) for b in blocks if "message" in b]
        assert sent == [(m["role"], m["content"]) for m in request["messages"]]
        prompt, completion = sum(words(m["content"]) for m in request["messages"]), words(visit.calls[0].completion)
        assert blocks[0]["facts"][3] == f"{prompt:,} in + {completion:,} out tokens"
        assert "".join(s.text for s in visit.streams.values()) != ""  # its answer streamed in
