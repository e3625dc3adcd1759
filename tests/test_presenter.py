"""LabPresenter without a kernel, a comm or a browser: runs, clicks as messages, the debugger, a batch's example.

Everything a LabView does is done here through the presenter alone: `render()` is what the browser
would get, `handle(message)` is a click, `on_change` is how the owner hears that something changed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import dspy
import pytest

from core_helpers import echo_chain_program
from dspyer_lab import Graph, ViewCommandError, ViewError
from dspyer_lab.lab.model.presenter import LabPresenter, Rendered
from dspyer_lab.lab.model.presenter_batch import BatchPresenter
from dspyer_lab.lab.model.viewmodel import TABS
from dspyer_lab.lab.widgets import BatchView
from test_batchview import garbage_lm, inputs, run_view
from test_debugger import Title, program, scripted


class Owner:
    """What a widget does with a presenter: render when told, remember whether a run ended."""

    def __init__(self, presenter: LabPresenter[Any]) -> None:
        self.presenter = presenter
        self.shown: list[Rendered] = []
        self.ended = 0
        presenter.on_change = self.changed

    def changed(self, ended: bool) -> None:
        self.shown.append(self.presenter.render())
        self.ended += ended

    @property
    def last(self) -> Rendered:
        return self.shown[-1]


async def test_a_run_is_rendered_and_clicked_without_a_widget() -> None:
    presenter: LabPresenter[Title] = LabPresenter(program())
    owner = Owner(presenter)
    with dspy.context(lm=scripted()):
        result = await presenter.run(topic="ice")
    assert result == Title(title="ABOUT ICE.") and not presenter.running
    assert owner.ended == 1  # told once that the run ended (a still picture is due)
    shown = owner.last
    assert shown.picture["status"] == {"write": "done", "name": "done", "stamp": "done"}
    assert presenter.graph.node_status == shown.picture["status"]  # the graph's traits read the same picture
    assert shown.head["toolbar"]["status"].startswith("finished · 3 steps")
    assert [t["id"] for t in shown.head["tabs"]] == list(TABS)
    assert shown.tab["id"] == "node" and shown.timeline["rows"][0]["kind"] == "finished"

    # a click on a node selects it and shows its tab; the picture highlights it
    assert presenter.handle({"type": "select", "node": "name"}) is None
    assert presenter.selected_node == "name" and owner.last.picture["selected"] == "name"
    assert owner.last.tab["id"] == "node" and "name (llm)" in str(owner.last.tab["blocks"][0])

    # the user picks a tab: only that tab is built from now on
    n = owner.last.head["focus"]["n"]
    presenter.handle({"type": "tab", "tab": "calls"})
    assert owner.last.head["focus"] == {"tab": "calls", "n": n}  # no new request; a view made later opens on it
    assert presenter.tab_shown == "calls" and owner.last.tab["scope"].startswith("node 'name' (visit 1): 1 model call")
    presenter.handle({"type": "tab", "tab": "nope"})  # a stale or unknown tab does nothing
    assert presenter.tab_shown == "calls"

    # the slider: the run as it was after 2 events, then the whole run again
    presenter.handle({"type": "seek", "step": 2})
    assert owner.last.head["toolbar"]["status"].startswith("replaying step 1 of 3")
    assert owner.last.picture["status"]["write"] == "running"
    presenter.handle({"type": "seek", "step": len(presenter.events)})
    assert owner.last.picture["status"]["stamp"] == "done"

    # a clipped value's full text is the reply to a full-text message
    presenter.open_tab("result")
    assert owner.last.tab["id"] == "result" and owner.last.head["focus"]["tab"] == "result"
    assert presenter.handle({"type": "full-text", "handle": "stale"}) == {
        "type": "full-text", "handle": "stale", "text": "(no longer on screen: click again)"}

    # every tab, built on request
    assert set(presenter.panel) >= {"toolbar", "tabs", "focus", "debug", "timeline", *TABS}


async def test_a_pause_continues_and_forks_from_messages() -> None:
    presenter: LabPresenter[Title] = LabPresenter(program())
    owner = Owner(presenter)
    presenter.handle({"type": "breakpoint", "node": "name", "when": "before"})  # the pin on the drawing
    assert presenter.breakpoints == {"before": ["name"], "after": []}
    assert owner.last.head["debug"]["breakpoints"] == [{"node": "name", "when": "before"}]  # the list to clear
    with dspy.context(lm=scripted()):
        assert await presenter.run(topic="ice") is None  # paused before `name`
        paused = presenter.paused
        assert paused is not None and (paused.node, paused.when) == ("name", "before")
        assert owner.last.picture["paused"] == {"node": "name", "when": "before"}
        assert owner.last.head["debug"]["paused"]["next"] == "name"
        assert owner.last.head["toolbar"]["stop"]["enabled"] is True  # Stop ends a pause

        # Continue from the button, with an edit of the state
        presenter.handle({"type": "resume", "update": {"draft": '"Snow."'}})
        task = presenter.task
        assert task is not None
        assert await task == Title(title="SNOW.")
    assert presenter.run_log.status == "finished" and len(presenter.runs) == 1  # the same run went on
    assert owner.last.head["debug"]["fork"] is None  # at the end of a run: nothing to run from there

    # move the slider back and run from there: a fork, compared with its parent
    after_write = next(i for i, e in enumerate(presenter.events, 1) if e["event"] == "route")
    presenter.handle({"type": "seek", "step": after_write})
    fork_bar = owner.last.head["debug"]["fork"]
    assert fork_bar["available"] is True and fork_bar["note"] == "from after step 1: node 'name' runs next"
    with dspy.context(lm=scripted()):
        assert await presenter.fork(update={"draft": "Melt."}) == Title(title="MELT.")  # from `name` on
    assert len(presenter.runs) == 2 and presenter.diff == {"name": "changed", "stamp": "changed"}
    assert owner.last.picture["diff"] == presenter.diff and owner.last.picture["inherited"] == ["write"]
    assert owner.last.head["debug"]["diff"]["text"] == "fork of run 1: output differs at name, stamp"

    # clear the breakpoint from the list; a rejected edit is shown, not raised, from a click
    presenter.handle({"type": "breakpoint", "node": "name", "when": "before"})
    assert owner.last.head["debug"]["breakpoints"] == []
    presenter.handle({"type": "show-run", "index": 0})
    assert presenter.run_log is presenter.runs[0]
    with pytest.raises(ViewCommandError, match="Nothing to continue: the run shown is finished"):
        await presenter.resume()
    assert owner.last.head["debug"]["error"]["message"].startswith("Nothing to continue")


async def test_stop_from_a_message_cancels_the_run() -> None:
    started = asyncio.Event()

    async def wait_forever(state: dict[str, Any]) -> None:
        started.set()
        await asyncio.Event().wait()

    presenter: LabPresenter[Any] = LabPresenter(Graph().add_node("stuck", wait_forever).set_entry_point("stuck"))
    owner = Owner(presenter)
    task = presenter.start()
    await started.wait()
    assert owner.last.head["toolbar"]["stop"]["enabled"] is True
    presenter.handle({"type": "stop"})
    with pytest.raises(asyncio.CancelledError):
        await task
    assert presenter.run_log.status == "cancelled" and owner.last.picture["run_state"] == "cancelled"
    with pytest.raises(ViewError, match="no tab 'nope'"):
        presenter.open_tab("nope")


async def test_a_batch_example_is_a_presenter_its_clicks_tagged_for_the_example() -> None:
    view = BatchView(echo_chain_program(), sample_size=2)
    await run_view(view, inputs(10))
    failed = min(view.errors)
    example = view.open(failed)
    assert isinstance(example, LabPresenter) and example.run_log.status == "failed"
    with pytest.raises(ViewError, match="shows a run that already happened"):
        await example.run(query="again")
    assert example.tab_shown == "error"  # a failed run focuses its error
    sent: list[dict[str, Any]] = []
    view.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    handle = next(b["full"] for b in example.render().tab["blocks"] if "full" in b)
    view._handle_msg({"content": {"data": {"method": "custom", "content": {
        "type": "full-text", "handle": handle, "to": "example"}}}, "buffers": []})
    assert sent[-1]["to"] == "example" and "Traceback" in sent[-1]["text"]
    view.close()


async def test_a_batch_presenter_runs_pages_and_opens_examples_from_messages() -> None:
    batch = BatchPresenter(echo_chain_program(), sample_size=2, page_size=3)
    changes: list[bool] = []
    batch.on_change = changes.append
    with dspy.context(lm=garbage_lm()):
        await batch.launch(inputs(10), None, 4, {})
    assert changes[-1] is True and not batch.running  # told once that the batch ended
    shown = batch.render()
    assert shown.panel["state"] == "finished" and len(shown.panel["examples"]["rows"]) == 3 and shown.example is None
    batch.handle({"type": "table", "page": 1})
    assert batch.render().panel["examples"]["query"]["page"] == 1
    failed = min(batch.batch.errors) if batch.batch is not None else -1
    batch.handle({"type": "open", "index": failed})
    example = batch.render().example
    assert batch.opened == failed and example is not None and example.picture["status"]["answer"] == "failed"
    assert batch.handle({"type": "select", "node": "answer", "to": "example"}) is None
    assert batch.example.selected_node == "answer"
    assert batch.handle({"type": "full-text", "handle": "stale", "to": "example"})["to"] == "example"
    batch.handle({"type": "close-example"})
    assert batch.opened is None and batch.render().example is None
