"""Accept what a model actually said: an answer in the other standard format (JSON for the chat
format, and back) is parsed from the same text, with no extra model call; only an answer that
parses in no format costs a retry, and the feedback then names the expected format."""

from __future__ import annotations

import dspy
import pytest

from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, StatefulNode

from core_helpers import Answer, Question, Scored, by_kind, collect


def _program(output: type = Scored, retries: int = 1) -> AgentTranspiler:
    g = Graph().add_node(StatefulNode("rate", Question, output, max_retries=retries)).set_entry_point("rate")
    return AgentTranspiler.compile(g, output_model=output)


async def test_a_json_answer_to_the_chat_format_is_accepted_without_another_call() -> None:
    lm = ScriptedLM({"rate": '{"answer": "Paris", "score": 9}'})
    with dspy.context(lm=lm):
        events, error = await collect(_program().astream(query="Capital of France?"))
    assert error is None
    assert events[-1]["output"] == {"answer": "Paris", "score": 9}
    assert by_kind(events, "validation_error") == [] and by_kind(events, "node_end")[0]["attempts"] == 1
    assert len(lm.calls) == 1


async def test_a_chat_format_answer_under_the_json_adapter_is_accepted() -> None:
    lm = ScriptedLM({"rate": "[[ ## answer ## ]]\nParis\n\n[[ ## score ## ]]\n9\n\n[[ ## completed ## ]]"})
    with dspy.context(lm=lm, adapter=dspy.JSONAdapter()):
        result = await _program().aforward(query="Capital of France?")
    assert result == Scored(answer="Paris", score=9) and len(lm.calls) == 1


async def test_a_json_answer_still_has_to_keep_the_contract() -> None:
    """Parsed as JSON, the answer is validated like any other: a score of 42 is fed back and corrected."""
    lm = ScriptedLM({"rate": ['{"answer": "Paris", "score": 42}', '{"answer": "Paris", "score": 8}']})
    with dspy.context(lm=lm):
        events, error = await collect(_program().astream(query="Capital of France?"))
    assert error is None and events[-1]["output"]["score"] == 8
    [failure] = by_kind(events, "validation_error")
    assert failure["failed_fields"] == ["score"] and "between 0 and 10" in failure["error"]


@pytest.mark.parametrize(
    ("adapter", "named"),
    [
        (None, "`[[ ## answer ## ]]`"),  # the chat format: its header lines
        (dspy.JSONAdapter(), "one JSON object with the keys 'answer'"),
    ],
)
async def test_an_answer_in_no_format_costs_a_retry_and_the_feedback_names_the_format(adapter, named) -> None:
    lm = ScriptedLM({"rate": "I think it is Paris, maybe."})
    with dspy.context(lm=lm, adapter=adapter):
        events, error = await collect(_program(Answer, retries=1).astream(query="Capital of France?"))
    assert isinstance(error, NodeValidationError) and error.attempts == 2
    first = by_kind(events, "validation_error")[0]
    assert named in first["feedback"] and first["raw_output"] == "I think it is Paris, maybe."
    assert len(lm.calls) == 2  # one call per attempt: no hidden re-ask
