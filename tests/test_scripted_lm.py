"""ScriptedLM: the offline model of demos and tests answers from its script, through DSPy's
real adapters, sync and async."""

from __future__ import annotations

import dspy
import pytest

from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, ScriptError, StatefulNode

from core_helpers import Answer, LMCallTracker, Question, Scored, by_kind, chain_graph, collect


def test_is_a_dspy_lm_without_cache() -> None:
    lm = ScriptedLM({})
    assert isinstance(lm, dspy.BaseLM)
    assert lm.cache is False


async def test_node_keyed_dict_answer_through_chat_adapter() -> None:
    program = AgentTranspiler.compile(chain_graph())
    lm = ScriptedLM({"answer": {"answer": "a1"}, "summarize": {"summary": "s1"}})
    with dspy.context(lm=lm):
        result = await program.aforward(query="q")
    assert (result.answer, result.summary) == ("a1", "s1")
    assert lm.calls[0]["node"] == "answer" and lm.calls[0]["attempt"] == 1
    assert "[[ ## answer ## ]]" in lm.calls[0]["text"]  # real ChatAdapter format, parsed by DSPy


async def test_json_adapter_answers_in_json() -> None:
    program = AgentTranspiler.compile(chain_graph())
    lm = ScriptedLM({"answer": {"answer": "a1"}, "summarize": {"summary": "s1"}})
    with dspy.context(lm=lm, adapter=dspy.JSONAdapter()):
        result = await program.aforward(query="q")
    assert result.summary == "s1"
    assert lm.calls[0]["text"] == '{"answer": "a1"}'


async def test_list_answers_follow_attempts_and_the_last_repeats() -> None:
    g = Graph().add_node(StatefulNode("rate", Question, Scored)).set_entry_point("rate")
    lm = ScriptedLM({"rate": [{"answer": "x", "score": 11}, {"answer": "x", "score": 12}]})
    with dspy.context(lm=lm):
        with pytest.raises(NodeValidationError):
            await AgentTranspiler.compile(g, max_retries=3).aforward(query="q")
    assert [c["attempt"] for c in lm.calls] == [1, 2, 3, 4]
    assert ["12" in c["text"] for c in lm.calls] == [False, True, True, True]


async def test_callable_answer_gets_the_node_inputs() -> None:
    seen = []

    def answer(inputs: dict) -> dict:
        seen.append(dict(inputs))
        return {"answer": inputs["query"].upper()}

    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    with dspy.context(lm=ScriptedLM({"answer": answer})):
        result = await AgentTranspiler.compile(g, output_model=Answer).aforward(query="shout")
    assert result.answer == "SHOUT" and seen == [{"query": "shout"}]


async def test_str_answer_is_sent_verbatim() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    lm = ScriptedLM({"answer": "just some words"})
    with dspy.context(lm=lm):
        events, error = await collect(AgentTranspiler.compile(g, max_retries=0).astream(query="q"))
    assert isinstance(error, NodeValidationError)
    assert lm.calls[0]["text"] == "just some words"
    assert by_kind(events, "validation_error")[0]["raw_output"] == "just some words"


async def test_field_name_key_answers_any_node_with_that_field() -> None:
    program = AgentTranspiler.compile(chain_graph())
    with dspy.context(lm=ScriptedLM({"answer": {"answer": "a"}, "summary": "from the field key"})):
        result = await program.aforward(query="q")
    assert result.summary == "from the field key"


def test_plain_dspy_predict_outside_a_graph_sync_and_async() -> None:
    lm = ScriptedLM({"answer": "forty-two"})
    predict = dspy.Predict("question -> answer")
    with dspy.context(lm=lm):
        assert predict(question="?").answer == "forty-two"

    async def run() -> str:
        with dspy.context(lm=lm):
            return (await predict.acall(question="?")).answer

    import asyncio

    assert asyncio.run(run()) == "forty-two"
    assert [c["node"] for c in lm.calls] == [None, None]


async def test_missing_answer_is_a_script_error_naming_the_node_and_keys() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    with dspy.context(lm=ScriptedLM({"other": {"x": 1}})):
        events, error = await collect(AgentTranspiler.compile(g).astream(query="q"))
    # DSPy's LM error boundary wraps engine failures (LMUnexpectedError); the ScriptError is its cause
    assert isinstance(error, ScriptError) or isinstance(error.__cause__, ScriptError)
    assert "'answer'" in str(error) and "other" in str(error)
    assert "has no answer for node 'answer'" in by_kind(events, "error")[0]["error"]


async def test_latency_is_awaited_not_slept_so_calls_overlap() -> None:
    import asyncio

    predict = dspy.Predict("question -> answer")
    tracker = LMCallTracker()
    with dspy.context(lm=ScriptedLM({"answer": "ok"}, latency=0.2), callbacks=[tracker]):
        answers = await asyncio.gather(*(predict.acall(question=str(i)) for i in range(5)))
    assert [a.answer for a in answers] == ["ok"] * 5
    assert tracker.max_in_flight == 5


async def test_an_answer_function_with_a_second_parameter_sees_the_prompt_so_instructions_change_it() -> None:
    program = AgentTranspiler.compile(chain_graph())
    seen: list[str] = []

    def answer(inputs: dict[str, object], prompt: object) -> dict[str, str]:
        seen.append(type(prompt).__name__)
        return {"answer": "careful" if "Be careful" in prompt.system else "sloppy"}  # type: ignore[attr-defined]

    lm = ScriptedLM({"answer": answer, "summarize": lambda inputs: {"summary": f"S({inputs['answer']})"}})
    with dspy.context(lm=lm):
        before = await program.aforward(query="q")
        predictor = program.predictor("answer")
        predictor.signature = predictor.signature.with_instructions("Be careful.")
        after = await program.aforward(query="q")
    assert (before.summary, after.summary) == ("S(sloppy)", "S(careful)")
    assert seen == ["Prompt", "Prompt"]


def test_a_scripted_lm_pickles_for_another_process_and_both_copies_answer() -> None:
    """A Ray worker gets the run's model by value (cloudpickle): the copy answers as the original does."""
    import pickle

    program = AgentTranspiler.compile(Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer"))
    lm = ScriptedLM({"answer": {"answer": "4"}})
    copy = pickle.loads(pickle.dumps(lm))
    for model in (lm, copy):
        with dspy.context(lm=model):
            assert program(query="2+2")["answer"] == "4"
