"""Hostile inputs: bad graphs, values JSON cannot hold (self-referencing, very deep, with a raising repr),
a node that raises StopIteration, options of the wrong type, markup-like node names.

Whatever the input, a bad graph is refused with an error naming what is wrong, and a run that fails
always yields its `error` event (with the state so far) before the exception reaches the caller.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from pydantic import BaseModel, field_serializer

from dspyer_lab import END, AgentTranspiler, Graph, GraphDefinitionError, NodeStopIteration, StatefulNode
from dspyer_lab.core.events import MAX_DEPTH, REPR_LIMIT, jsonable
from dspyer_lab.lab.dot import build_drawing

from core_helpers import Answer, Question, by_kind, collect

# -- bad graphs: refused when built or compiled, naming the culprit ------------------------------------------


def _node(name: str = "a") -> StatefulNode:
    return StatefulNode(name, Question, Answer)


def _noop(state: dict[str, Any]) -> None:
    return None


def _one() -> Graph:
    """A graph with one Python node, `a`."""
    return Graph().add_node("a", _noop)


class Reserved(BaseModel):
    previous_attempt: str


class NoFields(BaseModel):
    pass


BAD_GRAPHS: dict[str, tuple[Any, str]] = {
    # category: (how the graph is built, a word the error must contain)
    "no nodes": (lambda: Graph(), "no nodes"),
    "no entry point": (lambda: _one(), "entry point"),
    "entry point unknown": (lambda: _one().set_entry_point("b"), "'b'"),
    "edge to an unknown node": (lambda: _one().add_edge("a", "ghost").set_entry_point("a"), "'ghost'"),
    "edge from an unknown node": (lambda: _one().add_edge("ghost", "a").set_entry_point("a"), "'ghost'"),
    "path_map to an unknown node": (
        lambda: _one().add_conditional_edges("a", lambda s: "x", {"x": "ghost"}).set_entry_point("a"),
        "'ghost'",
    ),
    "empty path_map": (lambda: _one().add_conditional_edges("a", lambda s: "x", {}), "empty"),
    "router that is not callable": (lambda: _one().add_conditional_edges("a", 42, {"x": END}), "42"),
    "static and conditional edges from one node": (
        lambda: _one().add_edge("a", END).add_conditional_edges("a", lambda s: "x", {"x": END}),
        "'a'",
    ),
    "duplicate node": (lambda: _one().add_node("a", _noop), "Duplicate"),
    "node named END": (lambda: Graph().add_node("__end__", _noop), "END"),
    "empty node name": (lambda: Graph().add_node("", _noop), "non-empty"),
    "node name not a string": (lambda: Graph().add_node(3, _noop), "3"),  # type: ignore[arg-type]
    "python node without a function": (
        lambda: Graph().add_node("a", "not callable"), "callable"  # type: ignore[arg-type]
    ),
    "edge out of END": (lambda: _one().add_edge(END, "a"), "END"),
    "input model not a pydantic model": (
        lambda: StatefulNode("a", dict, Answer), "BaseModel"  # type: ignore[arg-type]
    ),
    "output model without fields": (lambda: StatefulNode("a", Question, NoFields), "no fields"),
    "negative max_retries on a node": (lambda: StatefulNode("a", Question, Answer, max_retries=-1), "max_retries"),
    "reserved field name": (
        lambda: Graph().add_node(StatefulNode("a", Reserved, Answer)).set_entry_point("a"), "previous_attempt"
    ),
}


@pytest.mark.parametrize("kind", list(BAD_GRAPHS))
def test_a_bad_graph_is_refused_naming_what_is_wrong(kind: str) -> None:
    build, culprit = BAD_GRAPHS[kind]
    with pytest.raises(GraphDefinitionError) as caught:
        graph = build()
        AgentTranspiler.compile(graph)
    assert culprit in str(caught.value)


@pytest.mark.parametrize(
    ("option", "value"),
    [("max_steps", True), ("max_steps", 0), ("max_steps", 2.0), ("max_retries", False), ("max_retries", -1),
     ("on_max_steps", "ignore")],
)
def test_options_of_the_wrong_type_are_refused_not_coerced(option: str, value: Any) -> None:
    graph = Graph().add_node("a", _noop).set_entry_point("a")
    with pytest.raises(ValueError, match=option):
        AgentTranspiler.compile(graph, **{option: value})
    program = AgentTranspiler.compile(graph)
    with pytest.raises(ValueError, match=option):
        program(**{f"_{option}": value})


# -- failures at run time: the error event always arrives, then the exception ---------------------------------


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("str exploded")


def _then(fn: Any) -> Graph:
    """start -> (fn as a node)."""
    return Graph().add_node("start", _noop).add_node("bad", fn).add_edge("start", "bad").set_entry_point("start")


def _routed(router: Any) -> Graph:
    g = Graph().add_node("start", _noop).add_node("next", _noop)
    return g.add_conditional_edges("start", router, {"go": "next"}).set_entry_point("start")


BAD_AT_RUN_TIME: dict[str, tuple[Any, str, str | None, str | None]] = {
    # category: (graph, error type, node at fault, router at fault)
    "node returns a list": (lambda: _then(lambda s: [1]), "NodeOutputError", "bad", None),
    "node writes a private key": (lambda: _then(lambda s: {"_hidden": 1}), "NodeOutputError", "bad", None),
    "node writes a non-string key": (lambda: _then(lambda s: {1: 1}), "NodeOutputError", "bad", None),
    "node takes no argument": (lambda: _then(lambda: {}), "TypeError", "bad", None),
    "async node returns a string": (lambda: _then(_async_returning("text")), "NodeOutputError", "bad", None),
    "router returns an unknown key": (lambda: _routed(lambda s: "elsewhere"), "RouteError", "start", "start"),
    "router returns None": (lambda: _routed(lambda s: None), "RouteError", "start", "start"),
    "router returns an unhashable set": (lambda: _routed(lambda s: {"go"}), "RouteError", "start", "start"),
    "router returns an unprintable object": (lambda: _routed(lambda s: Unprintable()), "RuntimeError", None, "start"),
    "router raises": (lambda: _routed(lambda s: 1 / 0), "ZeroDivisionError", None, "start"),
    "loop that never ends": (
        lambda: Graph().add_node("spin", _noop).add_edge("spin", "spin").set_entry_point("spin"),
        "MaxStepsExceeded", None, None,
    ),
    "LLM node input missing from the state": (
        lambda: Graph().add_node("start", _noop).add_node(_node("ask")).add_edge("start", "ask")
        .set_entry_point("start"),
        "NodeInputError", "ask", None,
    ),
}


def _async_returning(value: Any) -> Any:
    async def node(state: dict[str, Any]) -> Any:
        return value

    return node


@pytest.mark.parametrize("kind", list(BAD_AT_RUN_TIME))
async def test_a_graph_that_fails_at_run_time_yields_an_error_event_naming_the_culprit(kind: str) -> None:
    build, error_type, node, router = BAD_AT_RUN_TIME[kind]
    events, error = await collect(AgentTranspiler.compile(build(), max_steps=5).astream())
    assert type(error).__name__ == error_type
    last = events[-1]
    assert last["event"] == "error" and last["error_type"] == error_type
    assert (last["node"], last["router"]) == (node, router)
    assert last["error"] and last["state"] == {}
    assert [e["event"] for e in events].count("error") == 1



def _fails_after(value: Any, exc: Exception | None = None) -> Any:
    """A program whose first node writes `value` to the state, and whose second node raises `exc` (if any)."""

    def boom(state: dict[str, Any]) -> None:
        if exc is not None:
            raise exc

    g = Graph().add_node("put", lambda state: {"value": value}).add_node("boom", boom)
    return AgentTranspiler.compile(g.add_edge("put", "boom").set_entry_point("put"))


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")


class BadStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("str exploded")


def _self_referencing() -> dict[str, Any]:
    loop: dict[str, Any] = {"name": "loop"}
    loop["self"] = loop
    loop["items"] = [loop, [loop]]
    return loop


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


class Node(BaseModel):
    child: Node | None = None
    label: str = "n"


class Exploding(BaseModel):
    x: int = 1

    @field_serializer("x")
    def boom(self, value: int) -> int:
        raise RuntimeError("serializer exploded")


def _model_loop() -> Node:
    node = Node()
    node.child = node
    return node


HOSTILE_VALUES: dict[str, Any] = {
    "repr raises": lambda: BadRepr(),
    "self-referencing dict and list": _self_referencing,
    "nested deeper than the recursion limit": lambda: _deep(sys.getrecursionlimit() * 2),
    "pydantic model inside itself": _model_loop,
    "pydantic serializer raises": lambda: Exploding(),
    "huge repr": lambda: type("Huge", (), {"__repr__": lambda self: "x" * 10**6})(),
    "mapping with unprintable keys": lambda: {BadRepr(): 1, (1, 2): BadRepr()},
}


@pytest.mark.parametrize("kind", list(HOSTILE_VALUES))
def test_jsonable_never_raises_and_returns_strict_json(kind: str) -> None:
    data = jsonable({"value": HOSTILE_VALUES[kind]()})
    text = json.dumps(data, allow_nan=False)
    assert len(text) < 3 * REPR_LIMIT + 100 * MAX_DEPTH


def test_jsonable_names_what_it_cut() -> None:
    assert jsonable({"value": BadRepr()}) == {"value": "<BadRepr object (repr failed)>"}
    loop = jsonable(_self_referencing())
    assert loop["self"] == "<cycle: dict>" and loop["items"][0] == "<cycle: dict>" and loop["name"] == "loop"
    deep = jsonable(_deep(MAX_DEPTH + 5))
    for _ in range(MAX_DEPTH - 1):
        deep = deep[0]
    assert deep == ["<too deep: list>"]
    huge = jsonable(HOSTILE_VALUES["huge repr"]())
    assert huge.startswith("xxx") and huge.endswith(f"(+{10**6 - REPR_LIMIT} chars)")
    assert jsonable(_model_loop()) == {"child": "<cycle: Node>", "label": "n"}
    assert jsonable(Exploding()) == {"x": 1}, "a model pydantic cannot dump is walked field by field"
    shared = [1, 2]
    assert jsonable({"a": shared, "b": shared}) == {"a": [1, 2], "b": [1, 2]}, "a value seen twice is not a cycle"


@pytest.mark.parametrize("kind", list(HOSTILE_VALUES))
async def test_a_failing_run_yields_its_error_event_whatever_the_state_holds(kind: str) -> None:
    events, error = await collect(_fails_after(HOSTILE_VALUES[kind](), ValueError("node failed")).astream())
    assert isinstance(error, ValueError) and str(error) == "node failed"
    assert [e["event"] for e in events] == ["run_start", "node_start", "node_end", "route", "node_start", "error"]
    assert events[-1]["node"] == "boom" and events[-1]["error"] == "node failed" and "value" in events[-1]["state"]
    for event in events:
        json.dumps(event, allow_nan=False)


class Echoed(BaseModel):
    echo: Any


@pytest.mark.parametrize("output_model", [None, Echoed])
@pytest.mark.parametrize("kind", list(HOSTILE_VALUES))
async def test_a_run_with_a_hostile_input_or_output_finishes_with_its_events(kind: str, output_model: Any) -> None:
    value = HOSTILE_VALUES[kind]()
    g = Graph().add_node("put", lambda state: {"echo": state["value"]}).set_entry_point("put")
    events, error = await collect(AgentTranspiler.compile(g, output_model=output_model).astream(value=value))
    assert error is None
    assert [e["event"] for e in events] == ["run_start", "node_start", "node_end", "route", "finished"]
    assert "echo" in events[-1]["output"]
    for event in events:
        json.dumps(event, allow_nan=False)


async def test_an_exception_whose_message_cannot_be_read_still_gets_its_error_event() -> None:
    events, error = await collect(_fails_after(1, BadStr()).astream())
    assert isinstance(error, BadStr)
    assert events[-1]["event"] == "error" and events[-1]["error_type"] == "BadStr"
    assert "could not be read" in events[-1]["error"] and events[-1]["state"] == {"value": 1}


@pytest.mark.parametrize("is_async", [False, True])
async def test_a_node_raising_stop_iteration_is_reported_with_its_message(is_async: bool) -> None:
    def take(state: dict[str, Any]) -> dict[str, Any]:
        raise StopIteration("the queue is empty")

    async def atake(state: dict[str, Any]) -> dict[str, Any]:
        raise StopIteration("the queue is empty")

    g = Graph().add_node("take", atake if is_async else take).set_entry_point("take")
    events, error = await collect(AgentTranspiler.compile(g).astream())
    assert isinstance(error, RuntimeError) and isinstance(error.__cause__, StopIteration)
    assert isinstance(error, NodeStopIteration) and error.node == "take"
    assert str(error) == "Node 'take' raised StopIteration: the queue is empty"
    assert events[-1]["error"] == str(error) and events[-1]["node"] == "take"


async def test_the_error_of_a_failing_python_router_names_the_router() -> None:
    def pick(state: dict[str, Any]) -> str:
        raise ZeroDivisionError("no votes to count")

    g = Graph().add_node("vote", _noop).add_node("other", _noop)
    g.add_conditional_edges("vote", pick, {"x": "other"}).set_entry_point("vote")
    events, error = await collect(AgentTranspiler.compile(g).astream())
    assert isinstance(error, ZeroDivisionError)
    failed = by_kind(events, "error")[0]
    assert failed["router"] == "vote" and failed["node"] is None
    assert "in the router after node 'vote'" in failed["traceback"]


async def test_an_error_inside_a_node_names_no_router() -> None:
    events, _ = await collect(_fails_after(1, ValueError("x")).astream())
    assert events[-1]["router"] is None and events[-1]["node"] == "boom"


# -- node names drawn literally ---------------------------------------------------------------------------------

ENTITY_NAMES = ["a &amp; b", "&lt;b&gt;", "&#65;&#x42;", "fish & chips", "&"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz dot")
def test_entity_like_node_names_are_drawn_literally() -> None:
    """Graphviz decodes HTML entities in plain labels too: `&amp;` must not be drawn as `&`."""
    import graphviz

    g = Graph()
    for name in ENTITY_NAMES:
        g.add_node(name, _noop)
    drawing = build_drawing(g.set_entry_point(ENTITY_NAMES[0]))
    svg = ET.fromstring(graphviz.Source(drawing.source).pipe(format="svg", encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    drawn = {
        group.find(f"{ns}title").text: [t.text for t in group.iter(f"{ns}text")]
        for group in svg.iter(f"{ns}g")
        if "node" in (group.get("class") or "").split()
    }
    for name in ENTITY_NAMES:
        assert drawn[drawing.node_ids[name]][0] == name
    assert not re.search(r"label=<", drawing.source)
