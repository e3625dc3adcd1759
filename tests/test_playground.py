"""The playground: a failing model call sent again with fixed instructions passes the validator that failed;
raw messages and another model; "Use these instructions" changes the program (``dump_state``, ``save``); a fork
with them finishes as a fork of the run; what cannot be sent is refused in one line naming what is at fault.

The model is a `ScriptedLM` whose answer reads the prompt's system message (the node's instructions): with the
original instructions it gives a grade out of 100, which the validator rejects; told "out of 10", it passes.
One test goes over real HTTP (`dspy.LM` against the loopback `ChatServer`).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import dspy
import pytest
from http_helpers import aclose_lm, make_lm
from pydantic import BaseModel, Field, field_validator

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.core.exceptions import DspyerLabError
from dspyer_lab.core.scripted import Prompt
from dspyer_lab.lab.model.playground import ResendError, Resent
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.widgets import LabView
from dspyer_lab.testing import ChatServer

FIX = "Grade the essay out of 10 (an integer from 0 to 10)."


class Essay(BaseModel):
    essay: str = Field(description="The essay to grade")


class Graded(BaseModel):
    """Grade the essay."""

    grade: int
    comment: str

    @field_validator("grade")
    @classmethod
    def out_of_ten(cls, value: int) -> int:
        if not 0 <= value <= 10:
            raise ValueError("grade must be between 0 and 10")
        return value


def program() -> Any:
    """tidy (Python) -> grade (LLM) -> END; no retries, so a rejected grade fails the run."""
    g = Graph()
    g.add_node("tidy", lambda state: {"essay": state["essay"].strip()})
    g.add_node(StatefulNode("grade", Essay, Graded))
    g.add_edge("tidy", "grade").add_edge("grade", "__end__").set_entry_point("tidy")
    return AgentTranspiler.compile(g, output_model=Graded, max_retries=0)


def grader(inputs: dict[str, Any], prompt: Prompt) -> dict[str, Any]:
    """Out of 100 unless the instructions say out of 10 (then it passes the validator)."""
    if "out of 10" in prompt.system:
        return {"grade": 7, "comment": f"fine ({len(inputs['essay'])} chars)"}
    return {"grade": 70, "comment": "fine"}


def scripted() -> ScriptedLM:
    return ScriptedLM({"grade": grader})


async def failed_view(**kwargs: Any) -> LabView[Any]:
    """A LabView whose run failed at node grade (grade 70), its model configured in the cell's context."""
    view: LabView[Any] = LabView(program(), store=False, **kwargs)
    with dspy.context(lm=scripted()):
        with pytest.raises(DspyerLabError):
            await view.run(essay="  Owls hunt at night.  ")
    assert view.run_log.status == "failed"
    return view


def model_call(view: LabView[Any]) -> int:
    [index] = [i for i, e in enumerate(view.events) if e["event"] == "lm_call"]
    return index


async def test_a_resend_with_fixed_instructions_passes_the_validator_that_failed() -> None:
    view = await failed_view()
    call = model_call(view)
    original = await view.resend(call)  # as it was: the same rejection, in the Validation tab's words
    assert not original.passed and original.failed_fields == ["grade"]
    assert "grade: Value error, grade must be between 0 and 10 (got 70)" in original.errors
    [failure] = [e for e in view.events if e["event"] == "validation_error"]
    assert original.errors == failure["error"]
    fixed = await view.resend(call, instructions=FIX)
    assert isinstance(fixed, Resent) and fixed.passed and fixed.errors == ""
    assert fixed.output == {"grade": 7, "comment": "fine (19 chars)"}  # the tidied essay the run gave the node
    assert fixed.value is not None and fixed.value.grade == 7  # type: ignore[attr-defined]
    assert FIX in fixed.messages[0]["content"] and "[[ ## grade ## ]]" in fixed.completion
    assert fixed.model == "scripted/offline" and fixed.prompt_tokens and fixed.duration >= 0
    assert fixed.instructions == FIX
    # nothing changed: the run, the program's instructions
    assert view.run_log.status == "failed" and FIX not in view.program.predictor("grade").signature.instructions


async def test_raw_messages_are_sent_as_they_are_and_the_answer_parsed() -> None:
    view = await failed_view()
    call = model_call(view)
    messages = [dict(m) for m in view.events[call]["messages"]]
    messages[0]["content"] = messages[0]["content"].replace("Grade the essay.", FIX)
    resent = await view.resend(call, messages=messages)
    assert resent.passed and resent.output["grade"] == 7 and resent.messages == messages
    assert resent.instructions is None  # raw messages: no instructions to use
    with pytest.raises(ResendError, match="raw messages, no instructions"):
        view.use_instructions(resent)
    with pytest.raises(ResendError, match="raw messages, no instructions"):
        await view.fork_with(resent)
    assert len(view.runs) == 1 and view.program_version == 1  # refused before anything ran or changed


async def test_another_model_registered_with_the_view() -> None:
    other = ScriptedLM({"grade": {"grade": 3, "comment": "other model"}})
    view = await failed_view(models={"strict": other})
    resent = await view.resend(model_call(view), lm="strict")
    assert resent.passed and resent.output["comment"] == "other model" and len(other.calls) == 1
    view.models["also"] = ScriptedLM({"grade": {"grade": 4, "comment": "added later"}})
    assert (await view.resend(model_call(view), lm="also")).output["grade"] == 4
    assert (await view.resend(model_call(view), lm=other)).passed  # an LM object too


async def test_use_these_instructions_changes_the_saved_program(tmp_path: Path) -> None:
    view = await failed_view()
    fixed = await view.resend(model_call(view), instructions=FIX, demos=[{"essay": "Bats.", "grade": 5, "comment": "ok"}])
    version = view.use_instructions(fixed)
    assert version.number == 2 and version.node == "grade" and version.after == FIX and version.demos == 1
    state = view.program.dump_state()
    assert state["node_predictors['grade']"]["signature"]["instructions"] == FIX
    assert state["node_predictors['grade']"]["demos"][0]["grade"] == 5
    path = tmp_path / "program.json"
    view.program.save(str(path))
    fresh = program()
    fresh.load(str(path))
    with dspy.context(lm=scripted()):
        result = await fresh.acall(essay="Owls.")
    assert result.grade == 7  # the fixed behaviour, from the saved file
    assert "program version 2" in view.panel["debug"]["playground"]["version"]


async def test_a_fork_with_the_instructions_finishes_as_a_fork_of_the_run() -> None:
    view = await failed_view()
    parent = view.run_log.run_id
    fixed = await view.resend(model_call(view), instructions=FIX)
    with dspy.context(lm=scripted()):
        result = await view.fork_with(fixed)
    assert result is not None and result.grade == 7
    assert view.run_log.status == "finished" and view.run_log.events[0]["parent_run_id"] == parent
    assert [v.node for v in view.run_log.visits] == ["grade"]  # tidy's output kept from the parent
    assert len(view.runs) == 2


async def test_what_cannot_be_sent_is_refused_in_one_line() -> None:
    view = await failed_view()
    tidy = next(i for i, e in enumerate(view.events) if e["event"] == "node_start" and e["node"] == "tidy")
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (999, {}, "no event 999: the run shown has"),
        (tidy, {}, "is a node_start of node 'tidy', not a model call"),
        (model_call(view), {"lm": "nope"}, "no model 'nope': the models are none registered"),
        (model_call(view), {"lm": 3}, "lm must be a dspy.LM or the name of a registered model, got int"),
        (model_call(view), {"inputs": {"essey": "x"}}, r"node 'grade' has no input field\(s\) \['essey'\]"),
        (model_call(view), {"demos": "x"}, "demos for node 'grade' must be a list of dicts"),
        (model_call(view), {"messages": [{"content": "x"}]}, "message 0 must be a"),
    ]
    for call, options, message in cases:
        with pytest.raises(ResendError, match=message) as caught:
            await view.resend(call, **options)
        assert "\n" not in str(caught.value)
    with pytest.raises(ResendError, match="no LLM node 'tidy' in the program: its LLM nodes are grade"):
        view.use_instructions("tidy", FIX)


async def test_a_model_call_of_a_python_node_is_refused() -> None:
    """A Python node that calls a model itself: its lm_call cannot be sent again as a node call."""
    view = await failed_view()
    event = dict(view.events[model_call(view)], node="tidy")
    events = [*view.events[:model_call(view)], event]
    view.show_events(events)
    with pytest.raises(ResendError, match="node 'tidy' is a Python node: only an LLM node's model call"):
        await view.resend(len(events) - 1)


async def test_the_calls_tab_sends_from_the_browser_and_keeps_the_variants() -> None:
    view = await failed_view()
    call = model_call(view)
    view.presenter.handle({"type": "call", "index": call})
    view.presenter.handle({"type": "resend-editor", "call": call, "open": True})
    pg = view.panel["debug"]["playground"]
    assert pg["editing"] and pg["original"]["passed"] is False
    editor = pg["editor"]
    assert editor["instructions"] == "Grade the essay." and json.loads(editor["inputs"]["essay"]) == "Owls hunt at night."
    with dspy.context(lm=scripted()):  # a click runs on the kernel's loop, in the context of the run's cell
        view.presenter.handle({"type": "resend", "call": call, "mode": "structured", "instructions": FIX,
                               "demos": editor["demos"], "inputs": editor["inputs"], "model": ""})
    [variant] = view.presenter.playground.variants(view.run_log, call)
    assert variant.pending and view.panel["debug"]["playground"]["variants"][0]["pending"]
    assert variant.task is not None
    await variant.task
    shown = view.panel["debug"]["playground"]["variants"][0]
    assert shown["passed"] and shown["can_use"] and not shown["pending"]
    assert {f["name"]: f["value"] for f in shown["fields"]} == {"grade": "7", "comment": "fine (19 chars)"}
    # a bad edit is shown in the editor, nothing sent
    view.presenter.handle({"type": "resend", "call": call, "mode": "structured", "instructions": FIX,
                           "demos": "[", "inputs": {}, "model": ""})
    assert "demos is not valid JSON" in view.panel["debug"]["playground"]["error"]
    assert len(view.presenter.playground.variants(view.run_log, call)) == 1
    # "Use these instructions", then a new view of the same presenter shows the variant and the version
    view.presenter.handle({"type": "use-instructions", "variant": variant.id})
    assert view.program.predictor("grade").signature.instructions == FIX
    again = view.presenter.panel["debug"]["playground"]
    assert again["variants"][0]["passed"] and "program version 2" in again["version"]


async def test_fork_from_here_with_them_from_the_browser() -> None:
    view = await failed_view()
    call = model_call(view)
    view.presenter.handle({"type": "call", "index": call})
    with dspy.context(lm=scripted()):
        view.presenter.handle({"type": "resend", "call": call, "mode": "structured", "instructions": FIX, "model": ""})
        [variant] = view.presenter.playground.variants(view.run_log, call)
        assert variant.task is not None
        await variant.task
        view.presenter.handle({"type": "fork-with", "variant": variant.id})
    task = view.presenter.task
    assert task is not None
    await asyncio.wait({task})
    assert view.run_log.status == "finished" and view.run_log.events[0]["parent_run_id"] == view.runs[0].run_id


async def test_a_click_with_no_running_loop_says_so() -> None:
    view = await failed_view()
    call = model_call(view)
    view.presenter.handle({"type": "call", "index": call})
    view.presenter.handle({"type": "resend-editor", "call": call, "open": True})

    def click() -> None:
        view.presenter.handle({"type": "resend", "call": call, "mode": "structured", "instructions": FIX})

    await asyncio.to_thread(click)  # a thread: no running loop there
    assert "no running event loop" in view.panel["debug"]["playground"]["error"]


async def test_secrets_are_masked_in_the_editor_and_the_variants() -> None:
    view = await failed_view()
    call = model_call(view)
    view.masker.learn({"api_key": "sk-live-98765"})
    view.presenter.handle({"type": "call", "index": call})
    view.presenter.handle({"type": "resend-editor", "call": call, "open": True})
    pg = view.presenter.playground
    pg.models["leaky"] = ScriptedLM({"grade": {"grade": 3, "comment": "key sk-live-98765"}})
    with dspy.context(lm=scripted()):
        view.presenter.handle({"type": "resend", "call": call, "mode": "structured", "instructions": FIX, "model": "leaky"})
    [variant] = pg.variants(view.run_log, call)
    assert variant.task is not None
    await variant.task
    assert "sk-live-98765" not in json.dumps(view.panel["debug"]["playground"])


async def test_what_the_browser_did_not_change_is_sent_as_recorded_not_as_shown() -> None:
    """The editor shows masked text: an untouched message goes as it was sent, an edited one as typed."""
    secret = "sk-live-24680"
    view = await failed_view()
    view.masker.learn({"api_key": secret})
    with dspy.context(lm=scripted()), pytest.raises(DspyerLabError):
        await view.run(essay=f"Owls (key {secret}).")
    call = model_call(view)
    view.presenter.handle({"type": "call", "index": call})
    view.presenter.handle({"type": "resend-editor", "call": call, "open": True})
    editor = view.panel["debug"]["playground"]["editor"]
    assert secret not in json.dumps(editor) and "••" in editor["messages"][1]["content"]
    system = editor["messages"][0]["content"].replace("Grade the essay.", FIX)
    view.presenter.handle({"type": "resend", "call": call, "mode": "messages",
                           "messages": [{"role": "system", "content": system}, None]})
    [variant] = view.presenter.playground.variants(view.run_log, call)
    assert variant.task is not None
    resent = await variant.task
    assert resent.passed and secret in resent.messages[1]["content"] and resent.messages[0]["content"] == system


async def test_the_presenter_resends_without_a_widget() -> None:
    presenter: LabPresenter[Any] = LabPresenter(program(), store=False)
    with dspy.context(lm=scripted()):
        with pytest.raises(DspyerLabError):
            await presenter.run(essay="Owls.")
    call = next(i for i, e in enumerate(presenter.events) if e["event"] == "lm_call")
    resent = await presenter.resend(presenter.events[call], instructions=FIX)  # the event itself, not its index
    assert resent.passed and resent.call == call


async def test_a_resend_goes_over_http_and_its_answer_is_parsed() -> None:
    def responder(request: dict[str, Any]) -> str:
        system = str(request["messages"][0]["content"])
        grade = 7 if "out of 10" in system else 70
        return f"[[ ## grade ## ]]\n{grade}\n\n[[ ## comment ## ]]\nover http\n\n[[ ## completed ## ]]"

    with ChatServer(responder=responder) as server:
        lm = make_lm(server, "auto")
        try:
            view: LabView[Any] = LabView(program(), store=False)
            with dspy.context(lm=lm):
                with pytest.raises(DspyerLabError):
                    await view.run(essay="Owls.")
                resent = await view.resend(model_call(view), instructions=FIX)
        finally:
            await aclose_lm(lm)
        sent = server.requests[-1]["messages"]
    assert resent.passed and resent.output == {"grade": 7, "comment": "over http"}
    assert resent.model == "openai/test-model" and FIX in str(sent[0]["content"])
    assert len(server.requests) == 2  # the run's call, then the resend


async def test_a_batch_views_opened_example_sends_its_calls_again() -> None:
    from dspyer_lab.lab.widgets import BatchView

    view = BatchView(program(), store=False)
    with dspy.context(lm=scripted()):
        await view.run([{"essay": "Owls."}, {"essay": "Bats."}])
        example = view.open(1)
        call = next(i for i, e in enumerate(example.events) if e["event"] == "lm_call")
        resent = await example.resend(call, instructions=FIX)
        assert resent.passed and resent.output["comment"] == "fine (5 chars)"
        example.handle({"type": "call", "index": call})
        view.presenter.handle({"type": "resend", "to": "example", "call": call, "mode": "structured",
                               "instructions": FIX})
        [variant] = example.playground.variants(example.run_log, call)
        assert variant.task is not None
        await variant.task
    assert example.panel["debug"]["playground"]["variants"][0]["passed"]


async def test_a_send_click_in_a_batchs_opened_example_uses_the_batchs_model_after_its_cell() -> None:
    from dspyer_lab.lab.widgets import BatchView

    view = BatchView(program(), store=False)
    with dspy.context(lm=scripted()):
        await view.run([{"essay": "Owls."}])
    example = view.open(0)  # the click comes later, with no model configured: the batch's settings are used
    call = next(i for i, e in enumerate(example.events) if e["event"] == "lm_call")
    view.presenter.handle({"type": "resend", "to": "example", "call": call, "mode": "structured", "instructions": FIX})
    [variant] = example.playground.variants(example.run_log, call)
    assert variant.task is not None
    await variant.task
    assert example.panel["debug"]["playground"]["variants"][0]["passed"]


async def test_a_runs_views_opened_run_offers_the_views_models(tmp_path: Any) -> None:
    from dspyer_lab import RunStore
    from dspyer_lab.lab.widgets import RunsView

    store = RunStore(tmp_path / "runs.sqlite")
    view: LabView[Any] = LabView(program(), store=store)
    with dspy.context(lm=scripted()), pytest.raises(DspyerLabError):
        await view.run(essay="Owls.")
    strict = scripted()
    browser = RunsView(store, program=program(), models={"strict": strict})
    opened = browser.open(store.runs(limit=1)[0].run_id)
    assert opened is not None
    assert "strict" in opened.playground.models
    call = next(i for i, e in enumerate(opened.events) if e["event"] == "lm_call")
    resent = await opened.resend(call, instructions=FIX, lm="strict")
    assert resent.passed and strict.calls  # sent to the model the view was given
    browser.close()
