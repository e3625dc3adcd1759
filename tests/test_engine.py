"""Execution: LLM and Python nodes, edges, routers (Python and LLM), loops and max_steps,
per-call options, input checks, typed results, and an LM with no async support."""

from __future__ import annotations

import asyncio
import threading
import warnings
from types import SimpleNamespace
from typing import Any, Literal

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import (
    END,
    AgentTranspiler,
    Graph,
    MaxStepsExceeded,
    NodeInputError,
    NodeOutputError,
    NodeValidationError,
    OutputModelError,
    RouteError,
    ScriptedLM,
    StatefulNode,
)

from core_helpers import Answer, Question, Summary, by_kind, chain_graph, collect, echo_script


class Draft(BaseModel):
    draft: str


class Verdict(BaseModel):
    route: Literal["accept", "revise"]


class FreeVerdict(BaseModel):
    """Decide what to do with the draft."""

    next_step: str
    reason: str


class Counted(BaseModel):
    count: int


# -- nodes and static edges ------------------------------------------------------------


async def test_llm_chain_with_static_edges_returns_output_model() -> None:
    program = AgentTranspiler.compile(chain_graph(), output_model=Summary)
    lm = ScriptedLM(echo_script())
    with dspy.context(lm=lm):
        result = await program.aforward(query="why is the sky blue")
    assert isinstance(result, Summary)
    assert result.summary == "S(A(why is the sky blue))"
    assert [c["node"] for c in lm.calls] == ["answer", "summarize"]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_python_nodes_sync_and_async_feed_llm_nodes(kind: str) -> None:
    seen: list[dict[str, Any]] = []

    def prep_sync(state: dict[str, Any]) -> dict[str, Any]:
        seen.append(dict(state))
        return {"query": state["raw"].strip().lower()}

    async def prep_async(state: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        seen.append(dict(state))
        return {"query": state["raw"].strip().lower()}

    def post(state: dict[str, Any]) -> None:  # a node may return None: an empty patch
        seen.append(dict(state))

    g = Graph()
    g.add_node("prep", prep_sync if kind == "sync" else prep_async)
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node("post", post)
    g.add_edge("prep", "answer")
    g.add_edge("answer", "post")
    g.set_entry_point("prep")
    program = AgentTranspiler.compile(g)
    with dspy.context(lm=ScriptedLM(echo_script())):
        result = await program.aforward(raw="  HELLO ")
    assert isinstance(result, dspy.Prediction)
    assert result.toDict() == {"raw": "  HELLO ", "query": "hello", "answer": "A(hello)"}
    assert seen == [{"raw": "  HELLO "}, {"raw": "  HELLO ", "query": "hello", "answer": "A(hello)"}]


async def test_python_node_returning_a_non_dict_is_a_clear_error() -> None:
    g = Graph().add_node("bad", lambda state: ["not", "a", "patch"]).set_entry_point("bad")
    with pytest.raises(NodeOutputError, match=r"'bad'.*list"):
        await AgentTranspiler.compile(g).aforward(x=1)


# -- routers ---------------------------------------------------------------------------


def _loop_graph(router: Any) -> Graph:
    """count += 1 until the router says stop."""
    g = Graph()
    g.add_node("count", lambda state: {"count": state.get("count", 0) + 1})
    g.add_conditional_edges("count", router, {"again": "count", "stop": END})
    g.set_entry_point("count")
    return g


async def test_sync_callable_router_loops_then_ends() -> None:
    def router(state: dict[str, Any]) -> str:
        return "stop" if state["count"] >= 3 else "again"

    events, error = await collect(AgentTranspiler.compile(_loop_graph(router)).astream())
    assert error is None
    routes = [(e["source"], e["decision"], e["target"]) for e in by_kind(events, "route")]
    assert routes == [("count", "again", "count"), ("count", "again", "count"), ("count", "stop", END)]
    assert [e["step"] for e in by_kind(events, "node_start")] == [1, 2, 3]
    assert by_kind(events, "finished")[0]["state"] == {"count": 3}


async def test_async_callable_router() -> None:
    async def router(state: dict[str, Any]) -> str:
        await asyncio.sleep(0)
        return "stop" if state["count"] >= 2 else "again"

    result = await AgentTranspiler.compile(_loop_graph(router), output_model=Counted).aforward()
    assert result == Counted(count=2)


async def test_callable_router_decision_outside_path_map_names_node_decision_and_keys() -> None:
    program = AgentTranspiler.compile(_loop_graph(lambda state: "sideways"))
    events, error = await collect(program.astream())
    assert isinstance(error, RouteError)
    message = str(error)
    assert "'count'" in message and "'sideways'" in message and "'again'" in message and "'stop'" in message
    assert by_kind(events, "error")[0]["node"] == "count"


def _review_graph(router_model: type[BaseModel]) -> Graph:
    g = Graph()
    g.add_node(StatefulNode("write", Question, Draft))
    g.add_conditional_edges("write", StatefulNode("review", Draft, router_model), {"accept": END, "revise": "write"})
    g.set_entry_point("write")
    return g


async def test_llm_router_with_literal_decision_loops_until_accept() -> None:
    program = AgentTranspiler.compile(_review_graph(Verdict))
    verdicts = iter(["revise", "accept"])  # one per visit of the router node
    lm = ScriptedLM({"write": {"draft": "d"}, "review": lambda inputs: {"route": next(verdicts)}})
    with dspy.context(lm=lm):
        events, error = await collect(program.astream(query="q"))
    assert error is None
    assert [e["node"] for e in by_kind(events, "node_start")] == ["write", "review", "write", "review"]
    assert [e["kind"] for e in by_kind(events, "node_start")] == ["llm", "router", "llm", "router"]
    routes = [(e["source"], e["decision"], e["target"]) for e in by_kind(events, "route")]
    assert routes == [
        ("write", None, "review"),
        ("review", "revise", "write"),
        ("write", None, "review"),
        ("review", "accept", END),
    ]


async def test_llm_router_str_decision_outside_path_map_is_self_corrected() -> None:
    program = AgentTranspiler.compile(_review_graph(FreeVerdict))
    lm = ScriptedLM(
        {
            "write": {"draft": "d"},
            "review": [{"next_step": "publish", "reason": "looks fine"}, {"next_step": "accept", "reason": "ok"}],
        }
    )
    with dspy.context(lm=lm):
        events, error = await collect(program.astream(query="q"))
    assert error is None
    [failure] = by_kind(events, "validation_error")
    assert failure["node"] == "review" and failure["attempt"] == 1 and failure["will_retry"] is True
    assert failure["failed_fields"] == ["next_step"]
    assert "'publish'" in failure["error"] and "'accept'" in failure["error"] and "'revise'" in failure["error"]
    assert "publish" in failure["raw_output"]
    review_end = [e for e in by_kind(events, "node_end") if e["node"] == "review"][0]
    assert review_end["attempts"] == 2 and review_end["patch"] == {"next_step": "accept", "reason": "ok"}
    last_route = by_kind(events, "route")[-1]
    assert (last_route["source"], last_route["decision"], last_route["target"]) == ("review", "accept", END)


async def test_llm_router_literal_decision_outside_literal_is_self_corrected() -> None:
    program = AgentTranspiler.compile(_review_graph(Verdict))
    lm = ScriptedLM({"write": {"draft": "d"}, "review": [{"route": "maybe"}, {"route": "accept"}]})
    with dspy.context(lm=lm):
        events, error = await collect(program.astream(query="q"))
    assert error is None
    [failure] = by_kind(events, "validation_error")
    assert failure["node"] == "review" and "maybe" in failure["raw_output"]
    assert by_kind(events, "route")[-1]["decision"] == "accept"


async def test_llm_router_decision_outside_path_map_exhausted() -> None:
    program = AgentTranspiler.compile(_review_graph(FreeVerdict), max_retries=1)
    lm = ScriptedLM({"write": {"draft": "d"}, "review": {"next_step": "publish", "reason": "r"}})
    with dspy.context(lm=lm):
        events, error = await collect(program.astream(query="q"))
    assert isinstance(error, NodeValidationError)
    assert error.node == "review" and error.attempts == 2
    message = str(error)
    assert "'review'" in message and "'publish'" in message and "'accept'" in message and "'revise'" in message
    assert [e["will_retry"] for e in by_kind(events, "validation_error")] == [True, False]
    assert by_kind(events, "error")[0]["node"] == "review"


# -- loops and max_steps ---------------------------------------------------------------


def _retry_loop_graph() -> Graph:
    """An LLM node retried by a Python router that never accepts."""
    g = Graph()
    g.add_node(StatefulNode("write", Question, Draft))
    g.add_node("tally", lambda state: {"tries": state.get("tries", 0) + 1})
    g.add_edge("write", "tally")
    g.add_conditional_edges("tally", lambda state: "again", {"again": "write", "done": END})
    g.set_entry_point("write")
    return g


async def test_max_steps_exceeded_names_next_node_and_carries_state() -> None:
    program = AgentTranspiler.compile(_retry_loop_graph(), max_steps=5)
    with dspy.context(lm=ScriptedLM({"write": {"draft": "d"}})):
        events, error = await collect(program.astream(query="q"))
    assert isinstance(error, MaxStepsExceeded)
    assert error.max_steps == 5 and error.next_node == "tally"  # write, tally, write, tally, write -> tally is next
    assert error.state == {"query": "q", "draft": "d", "tries": 2}
    assert "max_steps=5" in str(error) and "'tally'" in str(error)
    [err] = by_kind(events, "error")
    assert err["error_type"] == "MaxStepsExceeded" and err["state"] == error.state
    assert len(by_kind(events, "node_start")) == 5


async def test_on_max_steps_return_at_compile_time() -> None:
    program = AgentTranspiler.compile(_retry_loop_graph(), max_steps=4, on_max_steps="return")
    with dspy.context(lm=ScriptedLM({"write": {"draft": "d"}})):
        result = await program.aforward(query="q")
    assert result.toDict() == {"query": "q", "draft": "d", "tries": 2}


async def test_per_call_on_max_steps_return_and_max_steps() -> None:
    program = AgentTranspiler.compile(_retry_loop_graph())  # defaults: 25 steps, raise
    with dspy.context(lm=ScriptedLM({"write": {"draft": "d"}})):
        events, error = await collect(program.astream(query="q", _max_steps=3, _on_max_steps="return"))
        assert error is None
        assert by_kind(events, "finished")[0]["steps"] == 3
        assert by_kind(events, "finished")[0]["state"] == {"query": "q", "draft": "d", "tries": 1}
        with pytest.raises(MaxStepsExceeded) as info:
            await program.aforward(query="q", _max_steps=2)
    assert info.value.max_steps == 2
    assert "_max_steps" not in events[0]["inputs"] and "_on_max_steps" not in events[0]["inputs"]


async def test_per_call_max_retries_overrides_program_default() -> None:
    program = AgentTranspiler.compile(chain_graph(), max_retries=3)
    lm = ScriptedLM({"answer": "no fields here", "summarize": {"summary": "s"}})  # unparseable every time
    with dspy.context(lm=lm):
        with pytest.raises(NodeValidationError) as info:
            await program.aforward(query="q", _max_retries=0)
    assert info.value.attempts == 1


async def test_unknown_underscore_option_is_a_type_error() -> None:
    program = AgentTranspiler.compile(chain_graph())
    with pytest.raises(TypeError, match=r"_foo"):
        await program.aforward(query="q", _foo=1)
    with pytest.raises(TypeError, match=r"_foo"):
        program.astream(query="q", _foo=1)
    with pytest.raises(ValueError, match="max_steps"):
        await program.aforward(query="q", _max_steps=0)


# -- inputs ----------------------------------------------------------------------------


async def test_missing_input_names_node_and_field_and_error_event_has_state() -> None:
    g = Graph()
    g.add_node("prep", lambda state: {"note": "prepared"})
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_edge("prep", "answer")
    g.set_entry_point("prep")
    program = AgentTranspiler.compile(g)
    lm = ScriptedLM(echo_script())
    with dspy.context(lm=lm):
        events, error = await collect(program.astream(question="typo'd field name"))
    assert isinstance(error, NodeInputError)
    assert error.node == "answer" and error.fields == ["query"]
    assert "'answer'" in str(error) and "'query'" in str(error)
    [err] = by_kind(events, "error")
    assert err["node"] == "answer" and err["error_type"] == "NodeInputError"
    assert err["state"] == {"question": "typo'd field name", "note": "prepared"}
    assert events[-1] is err
    assert lm.calls == []  # the model was never asked


async def test_invalid_input_type_is_a_node_input_error() -> None:
    class NeedsCount(BaseModel):
        count: int

    g = Graph().add_node(StatefulNode("use", NeedsCount, Answer)).set_entry_point("use")
    with dspy.context(lm=ScriptedLM({"use": {"answer": "a"}})):
        events, error = await collect(AgentTranspiler.compile(g).astream(count="many"))
    assert isinstance(error, NodeInputError)
    assert error.node == "use" and error.fields == ["count"] and "'use'" in str(error)
    assert by_kind(events, "error")[0]["state"] == {"count": "many"}


# -- typed results ---------------------------------------------------------------------


async def test_output_model_missing_field_is_an_output_model_error() -> None:
    class Report(BaseModel):
        summary: str
        sources: list[str]

    program = AgentTranspiler.compile(chain_graph(), output_model=Report)
    with dspy.context(lm=ScriptedLM(echo_script())):
        events, error = await collect(program.astream(query="q"))
    assert isinstance(error, OutputModelError)
    assert "'sources'" in str(error) and "Report" in str(error)
    assert by_kind(events, "error")[0]["state"]["summary"] == "S(A(q))"


async def test_dspy_module_acall_is_the_typed_aforward() -> None:
    program = AgentTranspiler.compile(chain_graph(), output_model=Summary)
    with dspy.context(lm=ScriptedLM(echo_script())):
        result = await program.acall(query="q")
    assert result == Summary(summary="S(A(q))")


async def test_without_output_model_result_is_a_prediction_of_the_final_state() -> None:
    program = AgentTranspiler.compile(chain_graph())
    with dspy.context(lm=ScriptedLM(echo_script())):
        result = await program.aforward(query="q")
    assert isinstance(result, dspy.Prediction)
    assert result.toDict() == {"query": "q", "answer": "A(q)", "summary": "S(A(q))"}


# -- an LM without async support -------------------------------------------------------


class LegacyForwardOnlyLM(dspy.BaseLM):
    """A pre-3.4 style custom LM: implements only the sync `forward`, returning an OpenAI-shaped response."""

    def __init__(self) -> None:
        super().__init__("legacy/forward-only", cache=False)
        self.threads: list[str] = []

    def forward(self, prompt: Any = None, messages: Any = None, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread().name)
        text = "[[ ## answer ## ]]\nforty-two\n\n[[ ## completed ## ]]"
        message = SimpleNamespace(content=text, tool_calls=None)
        return SimpleNamespace(
            choices=[SimpleNamespace(message=message, finish_reason="stop", logprobs=None)],
            usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            model="legacy/forward-only",
        )


async def test_legacy_sync_only_lm_runs_in_a_worker_thread() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    program = AgentTranspiler.compile(g, output_model=Answer)
    lm = LegacyForwardOnlyLM()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # DSPy 3.4 deprecates forward()-only LMs
        with dspy.context(lm=lm):
            result = await program.aforward(query="q")
    assert result == Answer(answer="forty-two")
    assert len(lm.threads) == 1 and lm.threads[0] != threading.current_thread().name


def sync_engine_only_lm() -> ScriptedLM:
    """A `dspy.LM` whose engine streams but has no async twin (DSPy then calls it in a worker thread)."""
    lm = ScriptedLM({"answer": {"answer": "forty-two"}})
    lm._async_engine_spec = None  # what dspy.LM(model, engine=...) without async_engine= holds
    return lm


@pytest.mark.parametrize("make_lm", [LegacyForwardOnlyLM, sync_engine_only_lm])
async def test_an_lm_without_async_support_has_its_lm_call_and_no_tokens_when_streaming(make_lm: Any) -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    program = AgentTranspiler.compile(g, output_model=Answer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with dspy.context(lm=make_lm()):
            events, error = await collect(program.astream(query="q", _stream_tokens=True))
    assert error is None and not by_kind(events, "token")  # DSPy streams a sync call only from its own threads
    (call,) = by_kind(events, "lm_call")
    assert call["completion"] == "[[ ## answer ## ]]\nforty-two\n\n[[ ## completed ## ]]"
    assert call["usage"]["total_tokens"] > 0


# -- cost independent of the state's size; single-use runs --------------------------------


BIG = "x" * 70_000  # a large state value no node touches


def _python_loop(steps: int) -> Any:
    """A loop of Python nodes that carries `doc` along unchanged."""
    g = Graph().add_node("tick", lambda s: {"i": s["i"] + 1})
    g.add_conditional_edges("tick", lambda s: "again" if s["i"] < steps else "stop", {"again": "tick", "stop": END})
    return AgentTranspiler.compile(g.set_entry_point("tick"), max_steps=steps + 1)


async def test_only_run_start_finished_and_error_carry_the_whole_state() -> None:
    import json

    events, error = await collect(_python_loop(3).astream(i=0, doc=BIG))
    assert error is None
    carrying = [e["event"] for e in events if BIG in json.dumps(e)]
    assert carrying == ["run_start", "finished"]
    starts = by_kind(events, "node_start")
    assert [(e["kind"], e["inputs"]) for e in starts] == [("python", None)] * 3
    assert [e["patch"] for e in by_kind(events, "node_end")] == [{"i": 1}, {"i": 2}, {"i": 3}]


async def test_the_error_event_carries_the_state_so_far() -> None:
    def fail(state: dict) -> None:
        raise ValueError("boom")

    g = Graph().add_node("a", lambda s: {"i": 1}).add_node("b", fail).add_edge("a", "b").set_entry_point("a")
    events, error = await collect(AgentTranspiler.compile(g).astream(doc=BIG))
    assert isinstance(error, ValueError)
    assert by_kind(events, "error")[0]["state"] == {"doc": BIG, "i": 1}


async def test_aforward_serializes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody reads the events of aforward, so none are made: no state value is ever serialized."""
    from dspyer_lab.core import engine

    serialized: list[Any] = []
    real = engine.jsonable
    monkeypatch.setattr(engine, "jsonable", lambda value: serialized.append(value) or real(value))
    program = _python_loop(5)
    assert (await program.aforward(i=0, doc=BIG)).i == 5
    assert program(i=0, doc=BIG).i == 5
    assert serialized == []
    await collect(program.astream(i=0, doc=BIG))
    assert serialized  # the stream does make its events


async def test_a_run_executes_once() -> None:
    from dspyer_lab.core.exceptions import RunStateError

    run = _python_loop(2).new_run(i=0)
    with pytest.raises(RunStateError, match="has not finished"):
        run.result  # noqa: B018
    events, _ = await collect(run.events())
    assert run.result.i == 2
    with pytest.raises(RunStateError, match=f"Run {run.run_id} was started already.*new_run"):
        run.events()
    with pytest.raises(RunStateError, match="started already"):
        await run.finish()
    assert len(by_kind(events, "run_start")) == 1


async def test_a_failed_run_has_no_result() -> None:
    from dspyer_lab.core.exceptions import RunStateError

    run = AgentTranspiler.compile(Graph().add_node("a", lambda s: 1 / 0).set_entry_point("a")).new_run()
    with pytest.raises(ZeroDivisionError):
        await run.finish()
    with pytest.raises(RunStateError, match="has not finished"):
        run.result  # noqa: B018


async def test_the_retry_signature_is_built_once_per_node(monkeypatch: pytest.MonkeyPatch) -> None:
    from dspyer_lab.core import program as program_module

    built: list[Any] = []
    real = program_module.retry_signature
    monkeypatch.setattr(program_module, "retry_signature", lambda sig: built.append(sig) or real(sig))
    g = Graph().add_node(StatefulNode("answer", Question, Answer, max_retries=1)).set_entry_point("answer")
    program = AgentTranspiler.compile(g, output_model=Answer)
    lm = ScriptedLM({"answer": ["not parseable", {"answer": "ok"}]})
    with dspy.context(lm=lm):
        for _ in range(3):
            lm._counters.clear()
            assert (await program.aforward(query="q")).answer == "ok"
    assert len(built) == 1
    # an optimizer that rewrites the node's instructions gets a retry signature that carries them
    predictor = program.predictor("answer")
    predictor.signature = predictor.signature.with_instructions("Answer tersely.")
    assert program.retry_signature("answer").instructions == "Answer tersely."
    assert "previous_attempt" in program.retry_signature("answer").input_fields
    assert len(built) == 2


# -- optional inputs ----------------------------------------------------------------------


class MaybeHint(BaseModel):
    query: str
    hint: str | None
    extra: "int | None" = 3


async def test_optional_inputs_absent_from_the_state_are_none() -> None:
    seen: list[dict[str, Any]] = []

    def answer(inputs: dict[str, Any]) -> dict[str, Any]:
        seen.append(inputs)
        return {"answer": "ok"}

    g = Graph().add_node(StatefulNode("answer", MaybeHint, Answer)).set_entry_point("answer")
    program = AgentTranspiler.compile(g, output_model=Answer)
    with dspy.context(lm=ScriptedLM({"answer": answer})):
        events, error = await collect(program.astream(query="q"))
        assert error is None
        assert by_kind(events, "node_start")[0]["inputs"] == {"query": "q", "hint": None, "extra": 3}
        assert seen[0]["hint"] is None
        with pytest.raises(NodeInputError, match="needs state field\\(s\\) 'query'") as caught:
            await program.aforward(hint="h")  # a required field still must be there
    assert caught.value.fields == ["query"] and caught.value.node == "answer"


class WithNote(BaseModel):
    i: int
    note: str | None


async def test_the_output_model_takes_none_for_an_optional_field_the_final_state_lacks() -> None:
    g = Graph().add_node("a", lambda s: {"i": 1}).set_entry_point("a")
    assert await AgentTranspiler.compile(g, output_model=WithNote).aforward() == WithNote(i=1, note=None)
    with pytest.raises(OutputModelError, match="lacks field\\(s\\) 'i'"):
        await AgentTranspiler.compile(Graph().add_node("a", lambda s: None).set_entry_point("a"), output_model=WithNote).aforward()
