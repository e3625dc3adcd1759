"""Self-correction: a rejected answer is reported, fed back to the model with the validator's
messages, retried up to max_retries, and when exhausted raised with everything kept."""

from __future__ import annotations

from typing import Any

import dspy
import pytest
from pydantic import ValidationError

from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, StatefulNode

from core_helpers import Question, Scored, by_kind, collect

BAD = {"answer": "Paris", "score": 42}  # breaks Scored's validator (0..10)
GOOD = {"answer": "Paris", "score": 9}


def _program(node_retries: int | None = None, **compile_options: Any) -> Any:
    """One LLM node `rate` (Question -> Scored) with its own max_retries (None: the program's default)."""
    g = Graph().add_node(StatefulNode("rate", Question, Scored, max_retries=node_retries)).set_entry_point("rate")
    return AgentTranspiler.compile(g, output_model=Scored, **compile_options)


def _user_text(history_entry: dict[str, Any]) -> str:
    return "\n".join(str(m["content"]) for m in history_entry["messages"] if m["role"] == "user")


async def test_validator_failure_then_success_reports_and_retries() -> None:
    lm = ScriptedLM({"rate": [BAD, GOOD]})
    with dspy.context(lm=lm):
        events, error = await collect(_program().astream(query="capital of France?"))
    assert error is None
    [failure] = by_kind(events, "validation_error")
    assert failure["node"] == "rate"
    assert failure["attempt"] == 1 and failure["max_attempts"] == 3 and failure["will_retry"] is True
    assert "score must be between 0 and 10" in failure["error"]
    assert failure["failed_fields"] == ["score"]
    assert "42" in failure["raw_output"] and "Paris" in failure["raw_output"]
    assert failure["raw_output"] == lm.calls[0]["text"]  # exactly what the model said
    assert "score must be between 0 and 10" in failure["feedback"]
    [end] = by_kind(events, "node_end")
    assert end["attempts"] == 2 and end["patch"] == GOOD
    assert by_kind(events, "finished")[0]["output"] == GOOD
    assert [(c["node"], c["attempt"]) for c in lm.calls] == [("rate", 1), ("rate", 2)]


async def test_retry_prompt_contains_previous_answer_and_validator_message() -> None:
    lm = ScriptedLM({"rate": [BAD, GOOD]})
    with dspy.context(lm=lm):
        events, _ = await collect(_program().astream(query="capital of France?"))
    assert len(lm.history) == 2
    first, retry = _user_text(lm.history[0]), _user_text(lm.history[1])
    raw = by_kind(events, "validation_error")[0]["raw_output"]
    assert raw not in first and "score must be between 0 and 10" not in first
    assert raw in retry  # the rejected answer, verbatim
    assert "score must be between 0 and 10" in retry  # the validator's own message
    assert "capital of France?" in retry  # and the original inputs


async def test_unparseable_answer_counts_as_a_validation_error() -> None:
    garbage = "Sure! The capital is Paris and I am very confident."
    lm = ScriptedLM({"rate": [garbage, GOOD]})
    with dspy.context(lm=lm):
        events, error = await collect(_program().astream(query="q"))
    assert error is None
    [failure] = by_kind(events, "validation_error")
    assert failure["attempt"] == 1 and failure["will_retry"] is True
    assert garbage in failure["raw_output"]
    assert failure["error"]  # says why, as text
    assert by_kind(events, "node_end")[0]["attempts"] == 2
    retry_prompt = _user_text(lm.history[-1])
    assert garbage in retry_prompt


async def test_wrong_type_is_a_validation_error_on_that_field() -> None:
    lm = ScriptedLM({"rate": [{"answer": "Paris", "score": "very high"}, GOOD]})
    with dspy.context(lm=lm):
        events, error = await collect(_program().astream(query="q"))
    assert error is None
    [failure] = by_kind(events, "validation_error")
    assert failure["failed_fields"] == ["score"]
    assert "very high" in failure["raw_output"]


async def test_exhausted_retries_raise_with_node_attempts_messages_raw_output_and_cause() -> None:
    lm = ScriptedLM({"rate": BAD})
    with dspy.context(lm=lm):
        events, error = await collect(_program(node_retries=2).astream(query="q"))
    assert isinstance(error, NodeValidationError)
    assert error.node == "rate" and error.attempts == 3
    message = str(error)
    assert "'rate'" in message and "3 attempt" in message and "score must be between 0 and 10" in message
    assert "score must be between 0 and 10" in error.messages
    assert error.failed_fields == ["score"]
    assert "42" in error.raw_output and error.raw_output == lm.calls[-1]["text"]
    assert isinstance(error.__cause__, ValidationError)
    failures = by_kind(events, "validation_error")
    assert [f["attempt"] for f in failures] == [1, 2, 3]
    assert [f["will_retry"] for f in failures] == [True, True, False]
    assert failures[-1]["feedback"] == ""  # nothing is sent back when no retry follows
    [err] = by_kind(events, "error")
    assert err["node"] == "rate" and err["error_type"] == "NodeValidationError"
    assert by_kind(events, "node_end") == [] and by_kind(events, "finished") == []
    assert len(lm.calls) == 3


async def test_node_max_retries_beats_program_default() -> None:
    lm = ScriptedLM({"rate": BAD})
    with dspy.context(lm=lm):
        with pytest.raises(NodeValidationError) as info:
            await _program(node_retries=0, max_retries=5).aforward(query="q")
    assert info.value.attempts == 1 and len(lm.calls) == 1

    lm = ScriptedLM({"rate": [BAD, BAD, BAD, GOOD]})
    with dspy.context(lm=lm):
        result = await _program(node_retries=3, max_retries=0).aforward(query="q")
    assert result == Scored(**GOOD) and len(lm.calls) == 4


async def test_program_default_applies_to_nodes_without_their_own() -> None:
    lm = ScriptedLM({"rate": BAD})
    with dspy.context(lm=lm):
        with pytest.raises(NodeValidationError) as info:
            await _program(node_retries=None, max_retries=1).aforward(query="q")
    assert info.value.attempts == 2


async def test_validators_can_check_the_answer_against_the_node_inputs() -> None:
    """A citation must name a document the node was given: the validator reads `info.context`."""
    from pydantic import BaseModel, ValidationInfo, field_validator

    class Sources(BaseModel):
        question: str
        doc_ids: list[str]

    class Cited(BaseModel):
        answer: str
        cites: str

        @field_validator("cites")
        @classmethod
        def cites_a_given_doc(cls, v: str, info: ValidationInfo) -> str:
            given = info.context["inputs"]["doc_ids"]
            if v not in given:
                raise ValueError(f"cites {v!r}, which is not among the retrieved documents {given}")
            return v

    g = Graph().add_node(StatefulNode("cite", Sources, Cited)).set_entry_point("cite")
    lm = ScriptedLM({"cite": [{"answer": "Paris", "cites": "kb-9"}, {"answer": "Paris", "cites": "kb-2"}]})
    with dspy.context(lm=lm):
        events, error = await collect(AgentTranspiler.compile(g).astream(question="q", doc_ids=["kb-1", "kb-2"]))
    assert error is None
    [failure] = by_kind(events, "validation_error")
    assert "'kb-9', which is not among the retrieved documents ['kb-1', 'kb-2']" in failure["error"]
    assert by_kind(events, "node_end")[0]["patch"] == {"answer": "Paris", "cites": "kb-2"}
