"""Edge cases a reviewer found in the core: each test pins behaviour a user relies on."""

from __future__ import annotations

import json
import math
import pickle
import warnings
from enum import Enum
from typing import Any

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import (
    END,
    AgentTranspiler,
    CallOptionError,
    Graph,
    GraphDefinitionError,
    GraphWarning,
    MaxStepsExceeded,
    NodeInputError,
    NodeValidationError,
    OutputModelError,
    RouteError,
    RunStateError,
    ScriptedLM,
    ScriptError,
    StatefulNode,
)

from core_helpers import by_kind, collect


class Route(str, Enum):
    SEARCH = "search"
    ANSWER = "answer"


def _routed(decide: Any) -> Graph:
    g = Graph().add_node("start", lambda s: None)
    g.add_node("search", lambda s: {"went": "search"}).add_node("answer", lambda s: {"went": "answer"})
    return g.add_conditional_edges("start", decide, {Route.SEARCH: "search", Route.ANSWER: "answer"}).set_entry_point("start")


def test_enum_keys_in_path_map_match_enum_decisions() -> None:
    assert AgentTranspiler.compile(_routed(lambda s: Route.ANSWER))().went == "answer"
    assert AgentTranspiler.compile(_routed(lambda s: "search"))().went == "search"  # the enum's value works too


def test_an_llm_router_with_an_enum_decision_field() -> None:
    class Q(BaseModel):
        question: str

    class Decision(BaseModel):
        route: Route

    g = Graph().add_node("start", lambda s: None)
    g.add_node("search", lambda s: {"went": "search"}).add_node("answer", lambda s: {"went": "answer"})
    g.add_conditional_edges("start", StatefulNode("pick", Q, Decision), {Route.SEARCH: "search", Route.ANSWER: "answer"})
    with dspy.context(lm=ScriptedLM({"pick": {"route": "answer"}})):
        assert AgentTranspiler.compile(g.set_entry_point("start"))(question="q").went == "answer"


class Opaque:
    def __repr__(self) -> str:
        return "<Opaque handle>"


class Doc(BaseModel):
    text: str
    meta: Any = None
    score: float = 0.0


async def test_values_json_cannot_hold_never_cost_the_run_its_events() -> None:
    g = Graph().add_node("load", lambda s: {"doc": Doc(text="t", meta=Opaque(), score=math.nan), "ratio": math.inf})
    events, error = await collect(AgentTranspiler.compile(g.set_entry_point("load")).astream())
    assert error is None
    for event in events:
        json.dumps(event, allow_nan=False)  # strict JSON, as browsers parse it
    patch = by_kind(events, "node_end")[0]["patch"]
    assert patch == {"doc": {"text": "t", "meta": "<Opaque handle>", "score": "nan"}, "ratio": "inf"}


def test_a_forward_only_dspy_lm_subclass_is_called_not_bypassed() -> None:
    class Echo(BaseModel):
        text: str

    class Said(BaseModel):
        said: str

    class ForwardOnly(dspy.LM):
        """A DSPy 3.4 legacy custom LM: only forward(), answering in the chat adapter's format."""

        def forward(self, prompt=None, messages=None, **kwargs):
            from types import SimpleNamespace

            text = "[[ ## said ## ]]\nhello\n\n[[ ## completed ## ]]"
            message = SimpleNamespace(content=text, tool_calls=None, reasoning_content=None)
            return SimpleNamespace(
                choices=[SimpleNamespace(message=message, finish_reason="stop", logprobs=None)],
                usage={}, model="forward-only", _hidden_params={},
            )

    g = Graph().add_node(StatefulNode("say", Echo, Said)).set_entry_point("say")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # DSPy 3.4 warns about the legacy interface
        with dspy.context(lm=ForwardOnly("openai/never-called", api_key="none", cache=False, num_retries=0)):
            assert AgentTranspiler.compile(g)(text="x").said == "hello"


async def test_an_unparseable_answer_costs_one_model_call_per_attempt() -> None:
    class Q(BaseModel):
        question: str

    class A(BaseModel):
        answer: str
        confidence: float

    lm = ScriptedLM({"a": ["no fields at all", {"answer": "ok", "confidence": 0.5}]})
    g = Graph().add_node(StatefulNode("a", Q, A)).set_entry_point("a")
    with dspy.context(lm=lm):
        events, error = await collect(AgentTranspiler.compile(g).astream(question="q"))
    assert error is None
    assert [(c["node"], c["attempt"]) for c in lm.calls] == [("a", 1), ("a", 2)]  # no hidden JSON re-ask
    assert by_kind(events, "validation_error")[0]["raw_output"] == "no fields at all"


def test_editing_the_graph_after_compiling_leaves_the_program_as_compiled() -> None:
    g = Graph().add_node("a", lambda s: {"x": 1}).set_entry_point("a")
    program = AgentTranspiler.compile(g)
    g.add_node("late", lambda s: {"y": 2}).add_edge("a", "nowhere")  # e.g. a notebook cell re-run
    assert program().x == 1 and list(program.graph.nodes) == ["a"]
    with pytest.raises(GraphDefinitionError, match="unknown node 'nowhere'"):
        AgentTranspiler.compile(g)


@pytest.mark.parametrize("name", ["instructions", "fields", "input_fields"])
def test_field_names_dspy_signatures_reserve_are_refused_clearly(name: str) -> None:
    model = type("Clash", (BaseModel,), {"__annotations__": {name: str}})
    with pytest.raises(GraphDefinitionError, match=f"field '{name}' collides with a reserved name"):
        StatefulNode("n1", model, model)


async def test_max_steps_blames_no_node_and_names_the_next_one() -> None:
    g = Graph().add_node("spin", lambda s: {"n": s.get("n", 0) + 1}).add_edge("spin", "spin").set_entry_point("spin")
    events, error = await collect(AgentTranspiler.compile(g, max_steps=3).astream())
    assert isinstance(error, MaxStepsExceeded) and error.next_node == "spin"
    assert by_kind(events, "error")[0]["node"] is None  # no node failed: the run went on too long


async def test_a_failing_python_router_is_not_blamed_on_the_node_before_it() -> None:
    def broken_router(state: dict[str, Any]) -> str:
        raise ZeroDivisionError("router bug")

    g = Graph().add_node("a", lambda s: {"x": 1}).add_conditional_edges("a", broken_router, {"x": END})
    events, error = await collect(AgentTranspiler.compile(g.set_entry_point("a")).astream())
    assert isinstance(error, ZeroDivisionError)
    assert by_kind(events, "node_end")[0]["node"] == "a"  # a finished fine
    assert by_kind(events, "error")[0]["node"] is None
    assert "in the router after node 'a'" in "".join(getattr(error, "__notes__", []))


def test_errors_survive_pickling_for_process_pools() -> None:
    errors = [
        NodeValidationError("n", 3, "- x: bad", "raw", ["x"]),
        RouteError("n", "maybe", ["yes", "no"]),
        MaxStepsExceeded(5, "n", {"a": 1}),
        NodeInputError("n", "Question", ["q"], ["a"]),
        OutputModelError("Answer", [], ["a"], "bad value"),
        RunStateError("abc123", "was started already"),
        CallOptionError("max_steps", ["_max_steps"], 5, upstream=True),
        ScriptError("n", ["other"], ["answer"]),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error) and copy.__dict__ == error.__dict__


def test_every_error_raised_on_purpose_is_one_family() -> None:
    import dspyer_lab
    from dspyer_lab.lab.dot import DotNotFoundError
    from dspyer_lab.lab.magics import DspyerCellError, RunCancelled
    from dspyer_lab.testing import ChatServerStateError

    exported = [getattr(dspyer_lab, name) for name in dspyer_lab.__all__]
    errors = [c for c in exported if isinstance(c, type) and issubclass(c, Exception) and not issubclass(c, Warning)]
    errors += [DotNotFoundError, DspyerCellError, RunCancelled, ChatServerStateError]
    assert len(errors) >= 14
    assert [c.__name__ for c in errors if not issubclass(c, dspyer_lab.DspyerLabError)] == []


def test_an_error_message_follows_its_fields() -> None:
    error = RouteError("n", "maybe", ["yes", "no"])
    error.decision = "perhaps"
    assert "returned decision 'perhaps'" in str(error)


def test_unreachable_node_warning_points_at_the_compile_call() -> None:
    g = Graph().add_node("a", lambda s: None).add_node("island", lambda s: None).set_entry_point("a")
    with pytest.warns(GraphWarning, match="'island' is unreachable") as record:
        AgentTranspiler.compile(g)
    assert record[0].filename == __file__


def test_typed_router_decisions_still_refuse_unknown_keys() -> None:
    g = _routed(lambda s: "elsewhere")
    with pytest.raises(RouteError, match="allowed: 'search', 'answer'"):
        AgentTranspiler.compile(g)()

