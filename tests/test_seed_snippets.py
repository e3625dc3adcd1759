"""The snippets of the "Async & Streaming Pipelines" page, run as written with only the
import changed from `dspyer` to `dspyer_lab`, against the graph they assume."""

from __future__ import annotations

import ast
from typing import Any

import dspy
import pytest
from pydantic import BaseModel, Field, field_validator

from dspyer_lab import Graph, ScriptedLM, StatefulNode

# --- the page's code, verbatim except `from dspyer` -> `from dspyer_lab` ------------------

SNIPPET_AFORWARD = '''
from dspyer_lab import AgentTranspiler

# Compile the graph
program = AgentTranspiler.compile(graph, output_model=TargetSchema)

# Execute asynchronously inside FastAPIs or other async runtimes
async def handle_request(query_str: str):
    result = await program.aforward(query=query_str)
    return {"status": "success", "data": result.model_dump()}
'''

SNIPPET_TYPED = '''
# The IDE automatically knows that 'result' has 'solution' and 'confidence' fields
result = await program.aforward(problem="...")
print(result.solution)      # Verified Autocomplete
print(result.confidence)    # Verified Autocomplete
'''

SNIPPET_ASTREAM = '''
async for event in program.astream(query="Find details on topic X"):
    event_type = event["event"]
    node_name = event.get("node")

    if event_type == "node_start":
        print(f"[*] Starting execution of node: {node_name}")

    elif event_type == "node_end":
        print(f"[+] Completed node {node_name} with state patch: {event['patch']}")

    elif event_type == "validation_error":
        print(f"[!] Validation failed at {node_name}: {event['error']}")
'''


async def run_snippet(source: str, namespace: dict[str, Any]) -> None:
    """Execute page code like a notebook cell (top-level `await` / `async for` allowed)."""
    code = compile(source, "<seed page>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)  # noqa: S307 - our own constant snippets
    if result is not None:
        await result


# --- the graph the page assumes ---------------------------------------------------------


class TargetSchema(BaseModel):
    """Solve the problem; give your confidence between 0 and 1."""

    solution: str = Field(description="The solution")
    confidence: float = Field(description="Confidence between 0 and 1")

    @field_validator("confidence")
    @classmethod
    def probability(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError("confidence must be between 0 and 1")
        return value


class Query(BaseModel):
    query: str


class Problem(BaseModel):
    problem: str


class Notes(BaseModel):
    notes: str


def query_graph() -> Graph:
    """query -> research -> solve (-> solution, confidence)."""
    g = Graph()
    g.add_node(StatefulNode("research", Query, Notes))
    g.add_node(StatefulNode("solve", Notes, TargetSchema))
    g.add_edge("research", "solve")
    g.set_entry_point("research")
    return g


def problem_graph() -> Graph:
    g = Graph()
    g.add_node(StatefulNode("solve", Problem, TargetSchema))
    g.set_entry_point("solve")
    return g


def script() -> dict[str, Any]:
    return {
        "research": lambda inputs: {"notes": f"notes on {inputs['query']}"},
        # the first answer breaks the contract (confidence 1.7), the retry fixes it
        "solve": [{"solution": "use a cache", "confidence": 1.7}, {"solution": "use a cache", "confidence": 0.9}],
    }


# --- the snippets -----------------------------------------------------------------------


async def test_fastapi_style_handle_request() -> None:
    namespace: dict[str, Any] = {"graph": query_graph(), "TargetSchema": TargetSchema}
    await run_snippet(SNIPPET_AFORWARD, namespace)
    with dspy.context(lm=ScriptedLM(script())):
        response = await namespace["handle_request"]("How do I speed up my API?")
    assert response == {"status": "success", "data": {"solution": "use a cache", "confidence": 0.9}}


async def test_typed_result_fields(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"graph": problem_graph(), "TargetSchema": TargetSchema}
    await run_snippet(SNIPPET_AFORWARD, namespace)  # defines `program` the way the page does
    with dspy.context(lm=ScriptedLM(script())):
        await run_snippet(SNIPPET_TYPED, namespace)
    assert isinstance(namespace["result"], TargetSchema)
    assert capsys.readouterr().out.splitlines() == ["use a cache", "0.9"]


async def test_astream_loop(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"graph": query_graph(), "TargetSchema": TargetSchema}
    await run_snippet(SNIPPET_AFORWARD, namespace)
    with dspy.context(lm=ScriptedLM(script())):
        await run_snippet(SNIPPET_ASTREAM, namespace)
    lines = capsys.readouterr().out.splitlines()
    starts = [line for line in lines if line.startswith("[*]")]
    ends = [line for line in lines if line.startswith("[+]")]
    failures = [line for line in lines if line.startswith("[!]")]
    assert starts == ["[*] Starting execution of node: research", "[*] Starting execution of node: solve"]
    assert ends == [
        "[+] Completed node research with state patch: {'notes': 'notes on Find details on topic X'}",
        "[+] Completed node solve with state patch: {'solution': 'use a cache', 'confidence': 0.9}",
    ]
    assert len(failures) == 1 and failures[0].startswith("[!] Validation failed at solve: ")
    assert "confidence must be between 0 and 1" in failures[0]  # the validator's own message
    # the order the page implies: start, (failure), end for each node
    order = [line[:3] for line in lines if line[:3] in ("[*]", "[+]", "[!]")]
    assert order == ["[*]", "[+]", "[*]", "[!]", "[+]"]


async def test_handle_request_is_never_stalled_by_a_slow_sync_node() -> None:
    """The page's promise, "to prevent blocking the async event loop": four requests whose sync lookup
    node blocks until all four are inside it at once. On the loop, the first would block the rest."""
    import asyncio
    import threading

    everyone_in = threading.Barrier(4, timeout=20)
    g = Graph()
    g.add_node("lookup", lambda state: {"notes": f"notes {everyone_in.wait()}"})
    g.add_node(StatefulNode("solve", Notes, TargetSchema))
    g.add_edge("lookup", "solve").set_entry_point("lookup")
    namespace: dict[str, Any] = {"graph": g, "TargetSchema": TargetSchema}
    await run_snippet(SNIPPET_AFORWARD, namespace)
    with dspy.context(lm=ScriptedLM({"solve": {"solution": "use a cache", "confidence": 0.5}})):
        responses = await asyncio.gather(*(namespace["handle_request"](f"q{i}") for i in range(4)))
    assert [r["status"] for r in responses] == ["success"] * 4
