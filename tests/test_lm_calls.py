"""What the model saw and said, offline (`ScriptedLM`): `lm_call` events for every model call, `token`
events with `_stream_tokens=True`, and neither where they must not be. Over real HTTP:
tests/test_http_calls.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import dspy
import pytest
from core_helpers import by_kind, collect, settle
from pydantic import BaseModel, field_validator

from dspyer_lab import END, AgentTranspiler, Checkpoint, Graph, ScriptedLM, StatefulNode
from dspyer_lab.core.calls import TokenStream


class Question(BaseModel):
    question: str


class Rated(BaseModel):
    answer: str
    score: int

    @field_validator("score")
    @classmethod
    def at_most_ten(cls, v: int) -> int:
        if v > 10:
            raise ValueError("score must be at most 10")
        return v


class Verdict(BaseModel):
    route: str


def rated_program(**options: Any) -> Any:
    g = Graph().add_node(StatefulNode("rate", Question, Rated)).set_entry_point("rate")
    return AgentTranspiler.compile(g, output_model=Rated, **options)


BAD = "[[ ## answer ## ]]\nOwls hunt at night.\n\n[[ ## score ## ]]\n99\n\n[[ ## completed ## ]]"
GOOD = {"answer": "Owls, mostly.", "score": 7}


async def test_every_attempt_has_one_lm_call_before_its_verdict_with_the_models_exact_text() -> None:
    lm = ScriptedLM({"rate": [BAD, GOOD]})
    with dspy.context(lm=lm):
        events, error = await collect(rated_program().astream(question="What hunts at night?"))
    assert error is None
    kinds = [e["event"] for e in events]
    assert kinds[:6] == ["run_start", "node_start", "lm_call", "validation_error", "lm_call", "node_end"]
    first, second = by_kind(events, "lm_call")
    assert (first["node"], first["attempt"], second["attempt"]) == ("rate", 1, 2)
    assert first["completion"] == BAD == lm.calls[0]["text"]  # the bytes the model sent, not a rebuilt answer
    assert second["completion"] == lm.calls[1]["text"]
    assert first["model"] == "scripted/offline" and first["cached"] is False and first["cost"] is None
    system, user = first["messages"]
    assert system["role"] == "system" and "`score` (int)" in system["content"]
    assert user["role"] == "user" and "What hunts at night?" in user["content"]
    # the retry's prompt carries the rejected answer and the feedback
    assert "previous_attempt" in second["messages"][0]["content"] and "score must be at most 10" in second["messages"][1]["content"]
    words = len(system["content"].split()) + len(user["content"].split())  # ScriptedLM counts words
    replied = len(BAD.split())
    assert first["usage"] == {"prompt_tokens": words, "completion_tokens": replied, "total_tokens": words + replied}
    assert all(isinstance(e["duration"], float) and e["duration"] >= 0 for e in (first, second))


async def test_an_llm_routers_decision_is_captured() -> None:
    g = Graph().add_node(StatefulNode("rate", Question, Rated)).set_entry_point("rate")
    g.add_conditional_edges("rate", StatefulNode("judge", Rated, Verdict), {"done": END, "again": "rate"})
    program = AgentTranspiler.compile(g)
    with dspy.context(lm=ScriptedLM({"rate": GOOD, "judge": [{"route": "maybe"}, {"route": "done"}]})):
        events, error = await collect(program.astream(question="q"))
    assert error is None
    judged = [(e["event"], e.get("attempt")) for e in events if e.get("node") == "judge"]
    assert judged == [("node_start", None), ("lm_call", 1), ("validation_error", 1), ("lm_call", 2), ("node_end", None)]
    calls = [e for e in by_kind(events, "lm_call") if e["node"] == "judge"]
    assert "maybe" in calls[0]["completion"] and "done" in calls[1]["completion"]
    assert by_kind(events, "route")[-1]["decision"] == "done"


async def test_lm_calls_false_leaves_them_out_and_options_are_checked() -> None:
    with dspy.context(lm=ScriptedLM({"rate": [BAD, GOOD]})):
        events, error = await collect(rated_program().astream(question="q", _lm_calls=False))
    assert error is None
    assert [e["event"] for e in events] == [
        "run_start", "node_start", "validation_error", "node_end", "route", "finished"
    ]
    assert [e["seq"] for e in events] == list(range(len(events)))
    for option in ("_lm_calls", "_stream_tokens"):
        with pytest.raises(ValueError, match=f"{option} must be True or False, got 'yes'"):
            rated_program().astream(question="q", **{option: "yes"})


async def test_aforward_captures_nothing_and_leaves_dspy_settings_alone() -> None:
    lm = ScriptedLM({"rate": GOOD})
    program = rated_program()
    with dspy.context(lm=lm), dspy.track_usage() as usage:
        assert await program.aforward(question="q") == Rated(answer="Owls, mostly.", score=7)
        events, _ = await collect(program.astream(question="q"))
    assert len(by_kind(events, "lm_call")) == 1
    # a user's usage tracker still sees every call, the streamed run's too
    assert len(usage.usage_data["scripted/offline"]) == 2
    assert dspy.settings.caller_modules is None and dspy.settings.usage_tracker is None


async def test_tokens_stream_each_field_and_join_to_its_parsed_text() -> None:
    lm = ScriptedLM({"rate": [BAD, {"answer": "Owls hunt\nat  night.", "score": 7}]})
    with dspy.context(lm=lm):
        events, error = await collect(rated_program().astream(question="q", _stream_tokens=True))
    assert error is None
    tokens = by_kind(events, "token")
    assert {(t["node"], t["attempt"], t["field"]) for t in tokens} == {
        ("rate", a, f) for a in (1, 2) for f in ("answer", "score")
    }

    def text(attempt: int, field: str) -> str:
        return "".join(t["chunk"] for t in tokens if t["attempt"] == attempt and t["field"] == field)

    assert (text(1, "answer"), text(1, "score")) == ("Owls hunt at night.", "99")
    assert (text(2, "answer"), text(2, "score")) == ("Owls hunt\nat  night.", "7")  # the parsed value, spacing kept
    assert len([t for t in tokens if t["attempt"] == 2 and t["field"] == "answer"]) == 4  # word by word
    kinds = [e["event"] for e in events]
    # every token of an attempt comes before its lm_call, which comes before its verdict
    first_call, second_call = (i for i, k in enumerate(kinds) if k == "lm_call")
    assert all(e["attempt"] == 1 for e in events[:first_call] if e["event"] == "token")
    assert kinds[first_call + 1] == "validation_error" and kinds[second_call + 1] == "node_end"
    assert [e["seq"] for e in events] == list(range(len(events)))


def held_after_first_word(lm: ScriptedLM, release: asyncio.Event) -> ScriptedLM:
    """`lm`, its stream held after the answer field's first word ("[[ ## answer ## ]]\\nOwls,") until `release` is set."""
    engine = lm._async_engine_spec
    original = engine.stream

    async def held(request: Any) -> Any:
        deltas = 0
        async for event in original(request):
            yield event
            deltas += event.type == "delta"
            if deltas == 6:
                await release.wait()

    engine.stream = held
    return lm


async def test_tokens_arrive_while_the_model_is_still_writing() -> None:
    """The model's stream waits, after its first word, for the consumer to see a token: a buffered stream never would."""
    seen_a_token = asyncio.Event()
    lm = held_after_first_word(ScriptedLM({"rate": GOOD}), seen_a_token)
    kinds = []
    with dspy.context(lm=lm):
        async with asyncio.timeout(30):
            async for event in rated_program().astream(question="q", _stream_tokens=True):
                kinds.append(event["event"])
                if event["event"] == "token" and not seen_a_token.is_set():
                    assert event["chunk"] == "Owls,"
                    seen_a_token.set()
    assert kinds[-1] == "finished" and kinds.index("token") < kinds.index("lm_call")


async def test_leaving_a_token_stream_early_stops_the_model_call_and_leaves_no_task() -> None:
    lm = held_after_first_word(ScriptedLM({"rate": GOOD}), asyncio.Event())  # never released
    with dspy.context(lm=lm):
        stream = rated_program().astream(question="q", _stream_tokens=True)
        async for event in stream:
            if event["event"] == "token":
                break  # the model call is in flight, in the engine's child task
        await stream.aclose()  # type: ignore[attr-defined]
    assert await settle() == set()


async def test_a_failing_model_call_is_an_error_without_an_lm_call() -> None:
    with dspy.context(lm=ScriptedLM({"other": GOOD})):  # no answer for `rate`: the LM raises
        events, error = await collect(rated_program().astream(question="q", _stream_tokens=True))
    assert error is not None and "ScriptedLM has no answer for node 'rate'" in str(error)
    assert [e["event"] for e in events] == ["run_start", "node_start", "error"]


async def test_a_checkpoint_taken_from_a_watched_stream_resumes_it() -> None:
    g = Graph().add_node(StatefulNode("rate", Question, Rated)).add_node(StatefulNode("judge", Rated, Verdict))
    program = AgentTranspiler.compile(g.add_edge("rate", "judge").set_entry_point("rate"))
    with dspy.context(lm=ScriptedLM({"rate": [BAD, GOOD], "judge": {"route": "fine"}})):
        events, error = await collect(program.astream(question="q", _stream_tokens=True))
        assert error is None
        after_rate = [e["event"] for e in events].index("route") + 1  # tokens and lm_calls included
        checkpoint = Checkpoint.from_events(events, after_rate)
        assert (checkpoint.next, checkpoint.state["score"]) == ("judge", 7)
        rest, error = await collect(program.astream(_resume=checkpoint, _stream_tokens=True))
    assert error is None
    assert [e["seq"] for e in events[:after_rate] + rest] == list(range(after_rate + len(rest)))
    assert [e["event"] for e in rest if e["event"] != "token"] == [
        "node_start", "lm_call", "node_end", "route", "finished"
    ]


STREAMS = {  # one answer in each adapter's format: (adapter, text the model streams)
    "chat": (dspy.ChatAdapter(), "[[ ## answer ## ]]\nOwls hunt\nat  night.\n\n[[ ## score ## ]]\n7\n\n[[ ## completed ## ]]"),
    "json": (dspy.JSONAdapter(), '{"answer": "Owls hunt\\nat  night.", "score": 7}'),
    "xml": (dspy.XMLAdapter(), "<answer>\nOwls hunt\nat  night.\n</answer>\n<score>\n7\n</score>"),
}


@pytest.mark.parametrize("size", [1, 3, 7])
@pytest.mark.parametrize("name", list(STREAMS))
async def test_token_streams_cut_each_field_as_dspys_own_listener_does(name: str, size: int) -> None:
    # The engine's listeners skip work DSPy's StreamListener does per chunk; what they hand out must not change.
    adapter, text = STREAMS[name]
    predictor = dspy.Predict(dspy.Signature("question -> answer, score: int"))
    chunks = [SimpleNamespace(choices=[SimpleNamespace(delta=SimpleNamespace(content=text[i:i + size]))])
              for i in range(0, len(text), size)]
    with dspy.context(adapter=adapter):
        expected: list[tuple[str, str]] = []
        for field in ("answer", "score"):
            listener = dspy.streaming.StreamListener(field, predict=predictor, predict_name="node")
            for chunk in chunks:
                if not listener.stream_end and (piece := listener.receive(chunk)) is not None and piece.chunk:
                    expected.append((field, piece.chunk))
            if (piece := listener.finalize()) is not None and piece.chunk:
                expected.append((field, piece.chunk))
        tokens = TokenStream(["answer", "score"], predictor)

        async def model() -> str:
            for chunk in chunks:
                await tokens.send(chunk)
            return "done"

        got = [piece async for piece in tokens.run(model())]
    assert tokens.result == "done"
    assert sorted(got) == sorted(expected) and any(field == "answer" for field, _ in got)
    assert [p for p in got if p[0] == "answer"] == [p for p in expected if p[0] == "answer"]  # in order
