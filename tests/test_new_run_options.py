"""`new_run`'s controls: keyword-only and kept apart from the inputs, so a state field named ``update`` or
``fork`` is an input like any other; the ``_`` spellings of every call still work; a rejected edit of a
paused run's state says what the field must be and which node reads it."""

from __future__ import annotations

from typing import Any, Literal

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, CallOptionError, CheckpointError, Graph, OptionValueError, ScriptedLM, StatefulNode

from core_helpers import collect


class Request(BaseModel):
    update: str  # state fields spelt like new_run's controls
    fork: int


class Brief(BaseModel):
    tone: Literal["calm", "loud"]
    words: int
    summary: str


class Reply(BaseModel):
    reply: str


def program(**options: Any) -> Any:
    """draft (Request -> Brief) -> write (Brief -> Reply), both LLM nodes."""
    g = Graph().add_node(StatefulNode("draft", Request, Brief)).add_node(StatefulNode("write", Brief, Reply))
    g.add_edge("draft", "write").add_edge("write", "__end__").set_entry_point("draft")
    return AgentTranspiler.compile(g, output_model=Reply, **options)


def lm() -> ScriptedLM:
    return ScriptedLM({
        "draft": lambda i: {"tone": "calm", "words": 3, "summary": f"S({i['update']},{i['fork']})"},
        "write": lambda i: {"reply": f"{i['tone']}:{i['summary']}"},
    })


INPUTS = {"update": "u", "fork": 2}


async def paused_checkpoint() -> Any:
    run = program(interrupt_before=["write"]).new_run(INPUTS)
    with dspy.context(lm=lm()):
        await collect(run.events())
    assert run.paused is not None
    return run.paused.checkpoint


async def test_a_state_field_named_like_a_control_is_an_input() -> None:
    prog = program()
    with dspy.context(lm=lm()):
        assert await prog.new_run(INPUTS).finish() == Reply(reply="calm:S(u,2)")
        assert await prog.new_run({"update": "u", "fork": 3}, max_steps=5).finish() == Reply(reply="calm:S(u,3)")
        assert await prog.aforward(update="v", fork=1) == Reply(reply="calm:S(v,1)")  # a call's options all start with _
    # a keyword spelt like a control is the control; the error says where the state field goes
    hint = r" \(a state field 'update' goes in the inputs dict: new_run\(\{'update': \.\.\.\}\)\)$"
    with pytest.raises(CheckpointError, match=r"^update= needs resume=<checkpoint>" + hint):
        prog.new_run(update="u")
    with pytest.raises(OptionValueError, match=r"^fork must be True or False, got 3: a state field 'fork' goes in the inputs"):
        prog.new_run({"update": "u"}, fork=3)


async def test_resume_update_and_fork_as_keywords_or_spelt_with_an_underscore() -> None:
    checkpoint = await paused_checkpoint()
    prog = program(interrupt_before=["write"])
    with dspy.context(lm=lm()):
        resumed = prog.new_run(resume=checkpoint, update={"summary": "edited"})
        events, _ = await collect(resumed.events())
        assert resumed.result == Reply(reply="calm:edited") and events[0]["run_id"] == checkpoint.run_id
        forked = prog.new_run(resume=checkpoint.to_dict(), fork=True)
        events, _ = await collect(forked.events())
        assert events[0]["event"] == "run_start" and events[0]["parent_run_id"] == checkpoint.run_id
        assert forked.result == Reply(reply="calm:S(u,2)")
        old = prog.new_run(_resume=checkpoint, _update={"tone": "loud"})
        assert await old.finish() == Reply(reply="loud:S(u,2)")


async def test_interrupts_none_keeps_the_programs_and_an_empty_list_clears_them() -> None:
    prog = program(interrupt_before=["write"])
    with dspy.context(lm=lm()):
        kept = prog.new_run(INPUTS, interrupt_before=None)
        await collect(kept.events())
        assert kept.paused is not None and kept.paused.node == "write"
        assert await prog.new_run(INPUTS, interrupt_before=[]).finish() == Reply(reply="calm:S(u,2)")
        assert await prog.new_run(INPUTS, _interrupt_before=[]).finish() == Reply(reply="calm:S(u,2)")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_steps": 3, "_max_steps": 4}, "Option '_max_steps' was given twice (under its own name and an alias); give it once"),
        ({"stream_tokens": True, "_stream_tokens": False}, "Option '_stream_tokens' was given twice"),
        ({"_updte": {}}, "Unknown option '_updte'; per-call options are: _max_steps, "),
        ({"extra": 2}, "input 'extra' was given twice (in the dict and as a keyword); give it once"),
    ],
)
def test_an_option_given_twice_or_unknown_is_a_one_line_call_option_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(CallOptionError) as caught:
        program().new_run({**INPUTS, "extra": 1}, **options)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    assert isinstance(caught.value, TypeError)


async def test_resume_given_twice_and_inputs_that_are_not_a_dict_of_state_fields() -> None:
    checkpoint = await paused_checkpoint()
    prog = program()
    with pytest.raises(CallOptionError, match=r"^Option '_resume' was given twice"):
        prog.new_run(resume=checkpoint, _resume=checkpoint)
    with pytest.raises(CallOptionError, match=r"^the inputs must be a dict of state fields, got list$"):
        prog.new_run(["update"])
    with pytest.raises(CallOptionError, match=r"^input '_max_steps' is not a state field .*: give per-call options as keywords$"):
        prog.new_run({"_max_steps": 3})
    with pytest.raises(CheckpointError, match=r"pass them as update=\{\.\.\.\}$"):
        prog.new_run(INPUTS, resume=checkpoint)
    with pytest.raises(CheckpointError, match=r"pass them as _update=\{\.\.\.\}$"):
        prog.new_run(INPUTS, _resume=checkpoint)


async def test_a_bad_option_value_is_named_as_it_was_spelt() -> None:
    checkpoint = await paused_checkpoint()
    prog = program()
    for options, message in [
        ({"max_steps": 0}, "max_steps must be a positive integer, got 0"),
        ({"_max_steps": 0}, "_max_steps must be a positive integer, got 0"),
        ({"on_max_steps": "stop"}, "on_max_steps must be 'raise' or 'return', got 'stop'"),
        ({"lm_calls": "yes"}, "lm_calls must be True or False, got 'yes'"),
        ({"resume": checkpoint, "fork": "yes"}, "fork must be True or False, got 'yes': a state field 'fork' goes in the"
                                                 " inputs dict: new_run({'fork': ...})"),
        ({"_resume": checkpoint, "_fork": 1}, "_fork must be True or False, got 1"),
    ]:
        with pytest.raises(OptionValueError) as caught:
            prog.new_run(**options)
        assert str(caught.value) == message
    with pytest.raises(OptionValueError, match=r"^interrupt_after must be a list of node names or '\*', got \['drat'\]: unknown"):
        prog.new_run(INPUTS, interrupt_after=["drat"])


# -- a rejected edit, in the user's words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("update", "lines"),
    [
        ({"summary": 42}, ["summary must be a string (got 42): node 'write' reads it"]),
        ({"words": 2.5}, ["words must be a whole number (got 2.5): node 'write' reads it"]),
        (
            {"tone": "angry", "words": "many", "summary": None},
            [
                "tone must be one of 'calm', 'loud' (got 'angry'): node 'write' reads it",
                "words must be an integer (got 'many'): node 'write' reads it",
                "summary must be a string (got None): node 'write' reads it",
            ],
        ),
    ],
)
async def test_a_rejected_edit_says_what_the_field_must_be_and_which_node_reads_it(
    update: dict[str, Any], lines: list[str]
) -> None:
    checkpoint = await paused_checkpoint()
    with pytest.raises(CheckpointError) as caught:
        program().new_run(resume=checkpoint, update=update)
    assert str(caught.value).split("; ") == lines  # one clause per field at fault, on one line
    assert (caught.value.key, caught.value.node) == (next(iter(update)), "write")  # the lab shows it under .key


async def test_a_labview_runs_a_state_field_named_like_a_control_as_an_input() -> None:
    from dspyer_lab import LabView

    view = LabView(program())
    with dspy.context(lm=lm()):
        assert await view.run(update="w", fork=4, _max_steps=5) == Reply(reply="calm:S(w,4)")
    view.close()
