"""Coming from upstream dspyer: its getting-started example runs with the import renamed, its
per-call keywords are recognised, and a selection of its own compiler and async tests, written
anew for this API (ScriptedLM or a hand-written mock LM instead of patched predictors), keeps
their intent. The seed page's three code blocks run in tests/test_seed_snippets.py."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import dspy
import pytest
from pydantic import BaseModel, Field, field_validator

from dspyer_lab import (
    END,
    AgentTranspiler,
    Graph,
    MaxStepsExceeded,
    MockCompletionResult,
    NodeValidationError,
    ScriptedLM,
    StatefulNode,
)

from core_helpers import by_kind, collect

REPO = Path(__file__).resolve().parent.parent


# -- upstream's README quickstart, with the import renamed ---------------------------------


def upstream_quickstart() -> tuple[str, list[str]]:
    """The code of the installed upstream README's "Quickstart" (its three python blocks), import renamed,
    and the lines left out because they read upstream's `_metadata` (see README "Coming from dspyer")."""
    metadata = importlib.metadata.distribution("dspyer").read_text("METADATA") or ""
    readme = metadata.split("\n\n", 1)[1]
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 3, "upstream's quickstart changed shape"
    code = "\n".join(blocks).replace("from dspyer import", "from dspyer_lab import")
    dropped = [line for line in code.splitlines() if "_metadata" in line]
    kept = "\n".join(line for line in code.splitlines() if "_metadata" not in line)
    return kept, dropped


def test_upstream_quickstart_runs_with_the_import_renamed() -> None:
    code, dropped = upstream_quickstart()
    assert len(dropped) == 1 and 'r["_metadata"]["refinement_steps_taken"]' in dropped[0]
    code += '\nprint("LM calls:", len(dspy.settings.lm.history))\n'  # our stand-in for the dropped line
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line.split("#")[0].rstrip() for line in done.stdout.splitlines()]
    # its answers are JSON under the chat format: parsed from the same text, no extra call
    assert lines == ["Answer:    Apache-2.0 [doc_1].", "Citations: ['doc_1']", "LM calls: 2"]


# -- upstream's per-call keywords --------------------------------------------------------


class Source(BaseModel):
    input_text: str = Field(description="Source text")


class Parsed(BaseModel):
    parsed_value: int = Field(description="An integer parsed value")


class RouterOutput(BaseModel):
    next_step: str = Field(description="The key of the next node to route to")


def single(node: str = "NodeA", **kwargs: Any) -> Any:
    g = Graph().add_node(StatefulNode(node, Source, Parsed, **kwargs)).set_entry_point(node)
    return AgentTranspiler.compile(g)


@pytest.mark.parametrize(("keyword", "value"), [("max_retries", 3), ("max_steps", 5), ("on_loop_limit", "return")])
def test_upstream_keywords_name_the_underscore_form(keyword: str, value: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(f"_{keyword}={value!r}")):
        single()(input_text="hello", **{keyword: value})


def test_a_state_field_spelt_like_an_upstream_keyword_stays_a_state_field() -> None:
    class Budget(BaseModel):
        max_steps: int

    g = Graph().add_node(StatefulNode("plan", Budget, Parsed)).set_entry_point("plan")
    seen: list[int] = []
    lm = ScriptedLM({"plan": lambda inputs: seen.append(inputs["max_steps"]) or {"parsed_value": 1}})
    with dspy.context(lm=lm):
        assert AgentTranspiler.compile(g)(max_steps=7).parsed_value == 1
    assert seen == [7]


def test_on_loop_limit_is_an_alias_of_on_max_steps() -> None:
    g = Graph().add_node(StatefulNode("NodeA", Source, Parsed)).add_edge("NodeA", "NodeA")  # upstream's self-loop
    program = AgentTranspiler.compile(g.set_entry_point("NodeA"))
    with dspy.context(lm=ScriptedLM({"NodeA": {"parsed_value": 1}})):
        with pytest.raises(MaxStepsExceeded, match="max_steps=5") as caught:
            program(input_text="hello", _max_steps=5, _on_loop_limit="raise")
        assert isinstance(caught.value, RuntimeError)  # upstream raised RuntimeError: except clauses still match
        result = program(input_text="hello", _max_steps=5, _on_loop_limit="return")
        assert (result["input_text"], result["parsed_value"]) == ("hello", 1)
        with pytest.raises(TypeError, match="'_on_max_steps' was given twice"):
            program(input_text="hello", _on_loop_limit="return", _on_max_steps="raise")


# -- upstream's compiler tests, anew -------------------------------------------------------


def test_every_llm_node_has_an_optimizable_predictor() -> None:
    names = [name for name, _ in single().named_predictors()]
    assert names == ["node_predictors['NodeA']"]


def test_forward_success_needs_one_call_and_returns_the_final_state() -> None:
    lm = ScriptedLM({"NodeA": lambda inputs: {"parsed_value": 100 if inputs["input_text"] == "hello" else -1}})
    with dspy.context(lm=lm):
        result = single()(input_text="hello")
    assert (result["input_text"], result["parsed_value"]) == ("hello", 100)
    assert [c["attempt"] for c in lm.calls] == [1]


def test_forward_refines_an_invalid_answer() -> None:
    lm = ScriptedLM({"NodeA": [{"parsed_value": "not-an-int"}, {"parsed_value": 42}]})
    with dspy.context(lm=lm):
        result = single()(input_text="hello", _max_retries=2)
    assert result["parsed_value"] == 42
    assert [c["attempt"] for c in lm.calls] == [1, 2]


def test_forward_gives_up_after_the_retries_naming_the_node() -> None:
    lm = ScriptedLM({"NodeA": {"parsed_value": "invalid"}})
    with dspy.context(lm=lm), pytest.raises(NodeValidationError) as caught:
        single()(input_text="hello", _max_retries=2)
    assert (caught.value.node, caught.value.attempts, caught.value.failed_fields) == ("NodeA", 3, ["parsed_value"])
    assert "Node 'NodeA' produced no valid output after 3 attempt(s)" in str(caught.value)


def _two_nodes() -> Graph:
    g = Graph()
    g.add_node(StatefulNode("NodeA", Source, Parsed)).add_node(StatefulNode("NodeB", Source, Parsed))
    return g.set_entry_point("NodeA")


def test_forward_with_a_python_router() -> None:
    g = _two_nodes()
    g.add_conditional_edges("NodeA", lambda s: "route_b" if s["parsed_value"] == 10 else "end",
                            {"route_b": "NodeB", "end": END})
    with dspy.context(lm=ScriptedLM({"NodeA": {"parsed_value": 10}, "NodeB": {"parsed_value": 99}})):
        assert AgentTranspiler.compile(g)(input_text="hello")["parsed_value"] == 99


def test_forward_with_an_llm_router_node() -> None:
    g = _two_nodes()
    g.add_conditional_edges("NodeA", StatefulNode("LLMRouter", Source, RouterOutput), {"route_b": "NodeB"})
    script = {"NodeA": {"parsed_value": 10}, "LLMRouter": {"next_step": "route_b"}, "NodeB": {"parsed_value": 500}}
    with dspy.context(lm=ScriptedLM(script)):
        result = AgentTranspiler.compile(g)(input_text="hello")
    assert (result["parsed_value"], result["next_step"]) == (500, "route_b")


# -- upstream's async test, anew: a legacy mock LM (forward only) that fails once --------------


class Query(BaseModel):
    query: str


class Scored(BaseModel):
    response: str
    score: int

    @field_validator("score")
    @classmethod
    def score_must_be_positive(cls, v: int) -> int:
        if v < 0:
            raise ValueError("Score must be positive.")
        return v


class FeedbackMockLM(dspy.LM):
    """Answers in the chat format; a negative score until the prompt carries feedback."""

    def __init__(self) -> None:
        super().__init__(model="async-mock-lm", cache=False)
        self.count = 0

    def forward(self, prompt: Any = None, messages: Any = None, **kwargs: Any) -> MockCompletionResult:
        self.count += 1
        score = 95 if "validation_feedback" in str(prompt or messages) else -1
        text = f"[[ ## response ## ]]\n{'success' if score > 0 else 'no score'}\n\n[[ ## score ## ]]\n{score}"
        return MockCompletionResult(text + "\n\n[[ ## completed ## ]]", self.model)


@pytest.mark.filterwarnings("ignore:Implementing custom LMs through BaseLM.forward:DeprecationWarning")
async def test_async_forward_and_stream_with_self_correction() -> None:
    g = Graph().add_node(
        StatefulNode("Evaluator", Query, Scored, instructions="Generate evaluator response and score.", max_retries=2)
    )
    program = AgentTranspiler.compile(g.set_entry_point("Evaluator"), output_model=Scored)
    lm = FeedbackMockLM()
    with dspy.context(lm=lm):
        result = await program.aforward(query="Hello")
        assert result == Scored(response="success", score=95) and lm.count == 2
        events, error = await collect(program.astream(query="World"))
    assert error is None
    assert [e["event"] for e in events][:2] == ["run_start", "node_start"]  # upstream starts at node_start
    assert events[1]["node"] == "Evaluator"
    [failure] = by_kind(events, "validation_error")
    assert failure["failed_fields"] == ["score"] and "Score must be positive." in failure["error"]
    assert events[-1]["event"] == "finished"  # upstream's `prediction` object is the JSON `output` here
    assert events[-1]["output"] == {"response": "success", "score": 95}
