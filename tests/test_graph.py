"""Graph building and compile-time checks: a malformed graph fails before any model call,
with a message that names the node / field / decision at fault."""

from __future__ import annotations

import warnings
from typing import Literal

import pytest
from pydantic import BaseModel

from dspyer_lab import END, AgentTranspiler, Graph, GraphDefinitionError, GraphWarning, StatefulNode

from core_helpers import Answer, Question, Summary, chain_graph


class Verdict(BaseModel):
    route: Literal["ok", "retry"]


class TwoFields(BaseModel):
    verdict: str
    reason: str


class WithNextStep(BaseModel):
    reason: str
    next_step: str


def test_valid_chain_compiles_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        program = AgentTranspiler.compile(chain_graph(), output_model=Summary)
    assert program.graph.entry_point == "answer"


def test_no_entry_point_is_an_error_listing_the_nodes() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer))
    with pytest.raises(GraphDefinitionError, match=r"no entry point.*set_entry_point.*answer"):
        AgentTranspiler.compile(g)


def test_entry_point_that_is_not_a_node() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("nope")
    with pytest.raises(GraphDefinitionError, match=r"'nope'"):
        AgentTranspiler.compile(g)


def test_empty_graph() -> None:
    with pytest.raises(GraphDefinitionError, match="no nodes"):
        AgentTranspiler.compile(Graph())


def test_edge_to_unknown_node_names_both_ends_and_lists_the_nodes() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).add_node("summarize", lambda s: None)
    g.set_entry_point("answer").add_edge("answer", "summarise")  # typo for the node that exists
    with pytest.raises(GraphDefinitionError) as info:
        AgentTranspiler.compile(g)
    message = str(info.value)
    assert "'answer' to unknown node 'summarise'" in message and "known nodes: answer, summarize" in message
    assert "\n" not in message


def test_edge_from_unknown_node() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    g.add_edge("ghost", "answer")
    with pytest.raises(GraphDefinitionError, match="'ghost'"):
        AgentTranspiler.compile(g)


def test_duplicate_llm_node_names() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer))
    with pytest.raises(GraphDefinitionError, match=r"Duplicate node name 'answer'"):
        g.add_node(StatefulNode("answer", Answer, Summary))


def test_duplicate_python_and_llm_names() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer))
    with pytest.raises(GraphDefinitionError, match=r"Duplicate node name 'answer'"):
        g.add_node("answer", lambda state: {})
    g2 = Graph().add_node("prep", lambda state: {})
    with pytest.raises(GraphDefinitionError, match=r"Duplicate node name 'prep'"):
        g2.add_node("prep", lambda state: {"x": 1})


def test_path_map_target_that_does_not_exist() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    g.add_conditional_edges("answer", lambda s: "done", {"done": END, "again": "answr"})
    with pytest.raises(GraphDefinitionError) as info:
        AgentTranspiler.compile(g)
    message = str(info.value)
    assert "'answer'" in message and "'again'" in message and "'answr'" in message


@pytest.mark.parametrize("reserved", ["signature", "demos", "config", "lm", "previous_attempt", "validation_feedback"])
def test_reserved_input_field_names(reserved: str) -> None:
    Bad = type("Bad", (BaseModel,), {"__annotations__": {reserved: str}})
    with pytest.raises(GraphDefinitionError) as info:
        StatefulNode("reader", Bad, Answer)
    assert "'reader'" in str(info.value) and f"'{reserved}'" in str(info.value)


def test_reserved_output_field_name() -> None:
    Bad = type("Bad", (BaseModel,), {"__annotations__": {"demos": str}})
    with pytest.raises(GraphDefinitionError, match=r"'writer'.*'demos'"):
        StatefulNode("writer", Question, Bad)


def test_unreachable_node_warns_with_its_name() -> None:
    g = chain_graph()
    g.add_node("orphan", lambda state: {"x": 1})
    with pytest.warns(GraphWarning, match=r"'orphan' is unreachable"):
        program = AgentTranspiler.compile(g)
    assert "orphan" in program.graph.nodes  # a warning, not an error: the program still compiles


def test_a_second_static_edge_fans_out_and_the_same_edge_twice_is_an_error() -> None:
    g = chain_graph()
    g.add_edge("answer", END)
    assert g.edges["answer"] == ["summarize", END] and g.successors("answer") == ["summarize", END]
    with pytest.raises(GraphDefinitionError, match="Node 'answer' already has an edge to 'summarize'"):
        g.add_edge("answer", "summarize")


def test_static_edge_after_conditional_edges() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer))
    g.add_conditional_edges("answer", lambda s: "x", {"x": END})
    with pytest.raises(GraphDefinitionError, match="'answer'"):
        g.add_edge("answer", END)


def test_llm_router_with_several_fields_and_no_decision_field() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    judge = StatefulNode("judge", Answer, TwoFields)
    with pytest.raises(GraphDefinitionError) as info:
        g.add_conditional_edges("answer", judge, {"ok": END})
    message = str(info.value)
    assert "'judge'" in message and "route" in message and "next_step" in message
    assert "judge" not in g.nodes  # nothing half-added


def test_llm_router_decision_field_named_next_step() -> None:
    judge = StatefulNode("judge", Answer, WithNextStep)
    assert judge.decision_field == "next_step"
    assert StatefulNode("j2", Answer, Verdict).decision_field == "route"


def test_llm_router_is_its_own_node_after_source() -> None:
    g = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    g.add_conditional_edges("answer", StatefulNode("judge", Answer, Verdict), {"ok": END, "retry": "answer"})
    AgentTranspiler.compile(g)
    assert g.node_kind("judge") == "router" and g.node_kind("answer") == "llm"
    edges = {(e.source, e.target, e.label, e.conditional) for e in g.iter_edges()}
    assert edges == {("answer", "judge", None, False), ("judge", END, "ok", True), ("judge", "answer", "retry", True)}
    assert g.routers["judge"].label == "judge"


def test_end_aliases_and_path_map_list() -> None:
    def pick(state: dict) -> str:
        return "summarize"

    g = Graph().add_node(StatefulNode("answer", Question, Answer)).add_node(StatefulNode("summarize", Answer, Summary))
    g.add_conditional_edges("answer", pick, ["summarize", "END"]).set_entry_point("answer")
    g.add_edge("summarize", "END")
    AgentTranspiler.compile(g)
    assert g.edges["summarize"] == [END]
    assert g.routers["answer"].path_map == {"summarize": "summarize", "END": END}
    assert g.routers["answer"].label == "pick"
    assert g.node_kind("answer") == "llm"


def test_python_node_kind_and_bad_fn() -> None:
    g = Graph().add_node("prep", lambda state: None)
    assert g.node_kind("prep") == "python"
    with pytest.raises(GraphDefinitionError, match="'broken'"):
        g.add_node("broken", None)


def test_node_models_must_be_pydantic() -> None:
    with pytest.raises(GraphDefinitionError, match="'bad'.*input_model"):
        StatefulNode("bad", dict, Answer)  # type: ignore[arg-type]


def test_compile_rejects_non_model_output() -> None:
    with pytest.raises(GraphDefinitionError, match="output_model"):
        AgentTranspiler.compile(chain_graph(), output_model=dict)  # type: ignore[call-overload]
