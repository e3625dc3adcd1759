"""Play and presenter mode (issue 24), kernel side: the player's `play` part, Python driving the page's player,
and presenter mode's essentials of the node running at the frame seen."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dspyer_lab import AgentTranspiler, ScriptedLM
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.presenter_errors import ViewCommandError, ViewError
from dspyer_lab.lab.widgets import LabView
from test_labview import lm_context, rating_graph
from test_panels import HOSTILE, browser_sends

SECRET = "sk-test-0123456789"


async def finished_view() -> LabView:
    """rate (rejected once: score 11, then 7) -> shout; the query carries a secret key."""
    lm = ScriptedLM({"rate": [{"answer": HOSTILE, "score": 11}, {"answer": "yes", "score": 7}]})
    view = LabView(AgentTranspiler.compile(rating_graph()))
    with lm_context(lm):
        await view.run(query="is it?", api_key=SECRET)
    return view


def sent(view: LabView, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the view sends the browser from now on (custom messages)."""
    out: list[dict[str, Any]] = []
    monkeypatch.setattr(view, "send", lambda content, *a, **k: out.append(content))
    return out


def head(view: LabView) -> dict[str, Any]:
    return json.loads(view._head)


def play_part(view: LabView) -> dict[str, Any] | None:
    """The player's part as the browser gets it: a trait of its own, synced once per run."""
    return json.loads(view._play) if view._play else None


async def test_play_part_has_relative_times_and_graph_steps_never_the_events() -> None:
    view = await finished_view()
    events = view.events
    play = play_part(view)
    assert play is not None and "play" not in head(view)  # not with every frame's head
    assert view.presenter.render().play == play
    assert set(play) == {"key", "t", "steps"}  # the browser's clock gets times and boundaries only
    assert len(play["t"]) == len(events) and play["t"][0] == 0
    assert play["t"] == sorted(play["t"])
    last = round((events[-1]["ts"] - events[0]["ts"]) * 1000)
    assert abs(play["t"][-1] - last) <= 1
    # a step ends just after each node_start and route, and at the run's end
    bounds = [i + 1 for i, e in enumerate(events) if e["event"] in ("node_start", "route")]
    assert play["steps"][: len(bounds)] == bounds and play["steps"][-1] == len(events)
    assert SECRET not in json.dumps(play) and "script" not in json.dumps(play)


async def test_every_frame_of_play_is_the_run_at_that_event_and_play_changes_nothing() -> None:
    view = await finished_view()
    events = list(view.events)
    play = play_part(view)
    sent_texts = set()
    statuses = []
    for p in [0, *play["steps"]]:
        browser_sends(view, {"type": "seek", "step": p})  # what the player sends per frame
        toolbar = head(view)["toolbar"]
        assert toolbar["replay"]["value"] == p
        sent_texts.add(view._play)  # the same part whatever the frame: the player keeps its clock
        statuses.append(dict(view._picture["status"]))
    assert len(sent_texts) == 1
    assert statuses[1]["rate"] == "running" and statuses[-1] == {"rate": "done", "shout": "done"}
    rejected = next(i for i, e in enumerate(events) if e["event"] == "validation_error")
    browser_sends(view, {"type": "seek", "step": rejected + 1})  # a frame between two steps: the retry
    assert view._picture["status"]["rate"] == "retrying"
    assert view.events == events and view.run_log.status == "finished"


async def test_python_drives_the_pages_player(monkeypatch: pytest.MonkeyPatch) -> None:
    view = await finished_view()
    out = sent(view, monkeypatch)
    view.play()
    view.play(speed=5)
    view.play(every=1.5)
    view.pause()
    view.play_step(-1)
    assert out == [
        {"type": "player", "do": "play", "speed": 1.0},
        {"type": "player", "do": "play", "speed": 5.0},
        {"type": "player", "do": "play", "every": 1.5},
        {"type": "player", "do": "pause"},
        {"type": "player", "do": "step", "by": -1},
    ]
    for bad in (0, -1, float("inf"), "fast"):
        with pytest.raises(ViewCommandError, match="speed="):
            view.play(speed=bad)  # type: ignore[arg-type]
    with pytest.raises(ViewCommandError, match="every="):
        view.play(every=0)
    with pytest.raises(ViewCommandError, match="by="):
        view.play_step(0)
    assert len(out) == 5


def test_nothing_to_play_before_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    view = LabView(AgentTranspiler.compile(rating_graph()))
    out = sent(view, monkeypatch)
    with pytest.raises(ViewError, match="Nothing to play"):
        view.play()
    assert head(view)["toolbar"]["replay"] is None and play_part(view) is None and out == []


async def test_a_new_run_takes_the_play_part_away_and_brings_its_own() -> None:
    view = await finished_view()
    first = play_part(view)["key"]  # type: ignore[index]
    lm = ScriptedLM({"rate": [{"answer": "no", "score": 3}]})
    with lm_context(lm):
        task = view.start(query="again?")
        assert head(view)["toolbar"]["replay"] is None and play_part(view) is None  # the page's player stops
        await task
    assert play_part(view)["key"] != first  # type: ignore[index]


async def test_presenter_mode_shows_the_running_nodes_essentials_as_play_goes() -> None:
    view = await finished_view()
    assert head(view)["presenter"] is None
    browser_sends(view, {"type": "presenter-mode", "on": True})
    assert view.presenter_mode
    events = view.events
    rejected = next(i for i, e in enumerate(events) if e["event"] == "validation_error")
    view.seek(rejected + 1)  # the frame where the first answer was just rejected
    info = head(view)["presenter"]
    assert info["node"] == "rate" and info["status"] == "retrying"
    assert dict(info["read"])["query"] == "is it?"
    assert SECRET not in json.dumps(info)  # masked like every panel
    assert "score" in info["rejected"][0]["fields"] and "between 0 and 10" in info["rejected"][0]["text"]
    assert info["said"]["title"].startswith("The model said") and "11" in info["said"]["text"]
    assert HOSTILE in info["said"]["text"]  # the model's words as text (the page sets them as text nodes)
    assert "[[ ##" not in info["said"]["text"] and info["said"]["text"].startswith("answer: ")  # fields, no format marks
    view.seek(len(events))
    assert head(view)["presenter"]["node"] == "shout"  # it follows the run to the last node
    view.presenter_mode = False
    assert head(view)["presenter"] is None


async def test_an_opened_run_gets_the_play_part_in_its_head() -> None:
    """A presenter whose owner sends its render as one JSON (a BatchView's opened example) keeps it in the head."""
    view = await finished_view()
    opened = LabPresenter(AgentTranspiler.compile(rating_graph()))
    opened.show_past(view.events)
    assert opened.render().head["play"] == play_part(view)
