"""`HumanNode`: a step whose output comes from a person, held to its output model as an LLM node's answer is.

What a user relies on: the pause says what to ask (prompt, the node's inputs, the answer's JSON schema), a
wrong answer gets the same field-level errors an LLM node's gets (in a `validation_error`, and on `RunPaused`)
and leaves the run waiting under the same interrupt id, a right one (a dict or the model) is the node's patch;
it works between real LLM nodes, over `ScriptedLM` and over the real HTTP path.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal

import dspy
import pytest
from core_helpers import by_kind, collect
from http_helpers import aclose_lm, make_lm
from pydantic import BaseModel, Field, field_validator

from dspyer_lab import (
    END,
    AgentTranspiler,
    Graph,
    GraphDefinitionError,
    HumanNode,
    RunPaused,
    ScriptedLM,
    Send,
    StatefulNode,
)
from dspyer_lab.testing import ChatServer


class Topic(BaseModel):
    topic: str


class Draft(BaseModel):
    draft: str


class Review(BaseModel):
    """Approve the draft, or edit it."""

    decision: Literal["approve", "edit"]
    draft: str = Field(description="The text to send")

    @field_validator("draft")
    @classmethod
    def not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the draft to send cannot be empty")
        return value


class Sent(BaseModel):
    receipt: str


def review_program() -> Any:
    """write (LLM) -> review (a person) -> send (LLM) -> END: approve or edit a draft before it is "sent"."""
    g = Graph()
    g.add_node(StatefulNode("write", Topic, Draft))
    g.add_node(HumanNode("review", Draft, Review))
    g.add_node(StatefulNode("send", Draft, Sent))
    g.add_edge("write", "review").add_edge("review", "send").add_edge("send", END)
    return AgentTranspiler.compile(g.set_entry_point("write"), output_model=Sent)


def script() -> ScriptedLM:
    return ScriptedLM(
        {"write": lambda inputs: {"draft": f"About {inputs['topic']}"}, "send": lambda inputs: {"receipt": f"sent: {inputs['draft']}"}}
    )


async def test_a_wrong_answer_gets_field_errors_and_waits_again_and_a_right_one_enters_the_state() -> None:
    program = review_program()
    with dspy.context(lm=script()):
        asked, _ = await collect(program.astream(topic="tea"))
        ask = asked[-1]["interrupts"][0]
        assert by_kind(asked, "node_start")[-1]["kind"] == "human"
        assert (ask["kind"], ask["prompt"], ask["inputs"]) == ("human", "Approve the draft, or edit it.", {"draft": "About tea"})
        assert ask["schema"] == Review.model_json_schema() and set(ask["schema"]["properties"]) == {"decision", "draft"}
        wrong, _ = await collect(program.astream(_resume=asked[-1]["checkpoint"], _answer={"decision": "maybe", "draft": " "}))
        [rejected] = by_kind(wrong, "validation_error")
        assert rejected["node"] == "review" and rejected["failed_fields"] == ["decision", "draft"]
        assert [e["loc"] for e in rejected["errors"]] == [["decision"], ["draft"]]
        assert "the draft to send cannot be empty" in rejected["errors"][1]["msg"]
        again = wrong[-1]
        assert again["event"] == "paused" and again["interrupts"][0]["id"] == ask["id"]
        assert again["interrupts"][0]["errors"] == rejected["errors"] and "answers" not in again["checkpoint"]
        right, error = await collect(
            program.astream(_resume=again["checkpoint"], _answer={"decision": "edit", "draft": "About green tea"})
        )
    assert error is None
    assert by_kind(right, "node_end")[0]["patch"] == {"decision": "edit", "draft": "About green tea"}
    assert right[-1]["output"] == {"receipt": "sent: About green tea"}  # the person's edit went on to the next node


def test_the_sync_call_raises_with_the_errors_and_takes_the_model_itself_as_the_answer() -> None:
    program = review_program()
    with dspy.context(lm=script()):
        with pytest.raises(RunPaused) as asked:
            program(topic="tea")
        assert asked.value.value == "Approve the draft, or edit it." and asked.value.errors == []
        with pytest.raises(RunPaused) as rejected:
            program(_resume=asked.value.checkpoint, _answer={"decision": "approve"})
        assert rejected.value.errors == [{"loc": ["draft"], "msg": "Field required"}]
        assert "its last answer was rejected: Field required" in str(rejected.value)
        result = program(_resume=rejected.value.checkpoint, _answer=Review(decision="approve", draft="About tea"))
    assert result == Sent(receipt="sent: About tea")


def test_a_human_node_is_checked_when_the_graph_is_built() -> None:
    with pytest.raises(GraphDefinitionError, match="output_model Empty has no fields"):
        HumanNode("review", Draft, type("Empty", (BaseModel,), {}))
    with pytest.raises(GraphDefinitionError, match="prompt must be text"):
        HumanNode("review", Draft, Review, prompt=3)  # type: ignore[arg-type]
    assert Graph().add_node(HumanNode("review", Draft, Review)).node_kind("review") == "human"


async def test_a_human_step_between_llm_nodes_over_http() -> None:
    """The production path: DSPy's adapter and a real `dspy.LM` over HTTP before and after the person's step."""
    with ChatServer() as server:
        lm = make_lm(server, "auto")
        program = review_program()
        try:
            with dspy.context(lm=lm):
                with pytest.raises(RunPaused) as asked:
                    await program.aforward(topic="tea")
                written = asked.value.interrupts[0]["inputs"]["draft"]
                result = await program.aforward(
                    _resume=asked.value.checkpoint, _answer={"decision": "edit", "draft": written + " (edited)"}
                )
        finally:
            await aclose_lm(lm)
        sent_prompt = str(server.requests[-1]["messages"])
    assert len(server.requests) == 2  # write, send: the person's step made no model call
    assert written + " (edited)" in sent_prompt  # the answer reached the next node's prompt
    assert isinstance(result, Sent)


class Reviewed(BaseModel):
    """The drafts approved, as sent."""

    reviewed: Annotated[list[str], operator.add] = Field(min_length=1)


async def test_a_human_node_in_a_send_map_asks_once_per_instance_and_takes_the_answers_by_id() -> None:
    """Three drafts reviewed in parallel branches: three questions at once, each answered under its own id; a wrong
    answer leaves only its branch waiting; the answers merge through the output model's reducer like any writes."""
    g = Graph().add_node("split", lambda s: None, inline=True).add_node(HumanNode("review", Draft, Reviewed))
    g.add_conditional_edges("split", lambda s: [Send("review", {"draft": d}) for d in s["drafts"]], ["review"], inline=True)
    program = AgentTranspiler.compile(g.add_edge("review", END).set_entry_point("split"), output_model=Reviewed)
    with pytest.raises(RunPaused) as paused:
        await program.aforward(drafts=["a", "b", "c"])
    ids = [a["id"] for a in paused.value.interrupts]
    assert ids == ["review:2.0:0", "review:2.1:0", "review:2.2:0"]
    assert [a["inputs"]["draft"] for a in paused.value.interrupts] == ["a", "b", "c"]
    answers = {i: {"reviewed": [d.upper()]} for i, d in zip(ids, "abc")}
    answers[ids[1]] = {"reviewed": []}  # one wrong: it alone waits again
    with pytest.raises(RunPaused) as again:
        await program.aforward(_resume=paused.value.checkpoint, _answer=answers)
    [left] = again.value.interrupts
    assert left["id"] == ids[1] and left["errors"][0]["loc"] == ["reviewed"]
    assert set(again.value.checkpoint.pending) == {"2.0", "2.2"}
    result = await program.aforward(_resume=again.value.checkpoint, _answer={ids[1]: {"reviewed": ["B"]}})
    assert result.reviewed == ["A", "B", "C"]  # merged in task order, whatever the order of the answers
