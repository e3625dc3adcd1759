"""The program is a real dspy.Module: every LLM node is a named predictor, save/load keeps
demos, and a DSPy optimizer compiles it offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import dspy
from pydantic import BaseModel

from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StatefulNode

from core_helpers import Answer, Question, Summary, echo_chain_program, echo_script


class Verdict(BaseModel):
    route: Literal["done", "again"]


def test_named_predictors_lists_every_llm_node_and_no_python_node() -> None:
    g = Graph()
    g.add_node("prep", lambda state: {"query": state["raw"]})
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node(StatefulNode("summarize", Answer, Summary))
    g.add_edge("prep", "answer")
    g.add_edge("answer", "summarize")
    g.add_conditional_edges("summarize", StatefulNode("judge", Summary, Verdict), {"done": END, "again": "answer"})
    g.set_entry_point("prep")
    program = AgentTranspiler.compile(g)
    assert isinstance(program, dspy.Module)
    predictors = dict(program.named_predictors())
    assert len(predictors) == 3
    assert sorted(name.split("'")[1] for name in predictors) == ["answer", "judge", "summarize"]
    assert all(isinstance(p, dspy.Predict) for p in predictors.values())
    assert len(program.predictors()) == 3  # the dspy.Module method optimizers call is not shadowed
    sig = program.predictor("summarize").signature
    assert list(sig.input_fields) == ["answer"] and list(sig.output_fields) == ["summary"]


def _demos(program: Any) -> dict[str, list[dict[str, Any]]]:
    return {name: [dict(d) for d in p.demos] for name, p in program.named_predictors()}


async def test_save_load_round_trip_keeps_demos_and_uses_them(tmp_path: Path) -> None:
    program = echo_chain_program()
    program.predictor("answer").demos = [dspy.Example(query="2+2", answer="4")]
    program.predictor("summarize").demos = [dspy.Example(answer="4", summary="four")]
    path = tmp_path / "program.json"
    program.save(str(path))

    fresh = echo_chain_program()
    assert all(not p.demos for _, p in fresh.named_predictors())
    fresh.load(str(path))
    assert _demos(fresh) == _demos(program)

    lm = ScriptedLM(echo_script())
    with dspy.context(lm=lm):
        result = await fresh.aforward(query="q")
    assert result.summary == "S(A(q))"
    prompt = "\n".join(str(m["content"]) for m in lm.history[0]["messages"])
    assert "2+2" in prompt  # the loaded demo is in the model's prompt


def test_bootstrap_fewshot_compiles_the_program_offline() -> None:
    program = echo_chain_program()
    trainset = [dspy.Example(query=q, summary=f"S(A({q}))").with_inputs("query") for q in ["a", "b", "c", "d"]]

    def metric(example: dspy.Example, prediction: Summary, trace: object = None) -> bool:
        return prediction.summary == example.summary

    with dspy.context(lm=ScriptedLM(echo_script())):
        optimizer = dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=2, max_labeled_demos=0)
        compiled = optimizer.compile(program, trainset=trainset)
        result = compiled(query="z")
    assert isinstance(result, Summary) and result.summary == "S(A(z))"
    demos = _demos(compiled)
    assert set(demos) == {name for name, _ in program.named_predictors()}
    answer_demos = next(d for name, d in demos.items() if "'answer'" in name)
    summary_demos = next(d for name, d in demos.items() if "'summarize'" in name)
    assert [(d["query"], d["answer"]) for d in answer_demos] == [("a", "A(a)"), ("b", "A(b)")]
    assert [(d["answer"], d["summary"]) for d in summary_demos] == [("A(a)", "S(A(a))"), ("A(b)", "S(A(b))")]
    assert all(not p.demos for _, p in program.named_predictors())  # the student was copied, not mutated
    assert compiled.graph.entry_point == program.graph.entry_point

