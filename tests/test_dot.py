"""The DOT drawing of a graph: styles by node kind, markers, labels, and names that need escaping.

Validity is proven by laying the DOT out with the real Graphviz `dot` and reading the
text it draws, so an escaping mistake shows up as a wrong label or a syntax error.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from pydantic import BaseModel

from dspyer_lab.core.graph import END, Graph, StatefulNode
from dspyer_lab.lab.dot import END_ID, START_ID, DotNotFoundError, build_drawing, describe, render_svg

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` executable not installed")

SVG = "{http://www.w3.org/2000/svg}"

TRICKY_NAMES = [
    'say "hi"',
    "{braces} [and] ;semi",
    "<b>not html</b>",
    "<lone",
    "back\\slash \\n \\N \\l",
    "ends with backslash\\",
    'quote at end\\"',
    "naïve 東京 🚀",
    "node",  # a DOT keyword
    "-1.5",  # a DOT numeral
]


class Question(BaseModel):
    question: str


class Draft(BaseModel):
    draft: str


class Verdict(BaseModel):
    route: str


def route_length(state: dict) -> str:
    return "ok"


def sample_graph() -> Graph:
    """draft (LLM) -> check (Python, Python router) -> judge (LLM router) -> finalize / END."""
    g = Graph()
    g.add_node(StatefulNode("draft", Question, Draft))
    g.add_node("check", lambda state: None)
    g.add_node(StatefulNode("finalize", Draft, Draft))
    g.add_edge("draft", "check")
    g.add_conditional_edges("check", route_length, {"too long": "draft", "ok": "judge"})
    g.add_conditional_edges("judge", StatefulNode("judge", Draft, Verdict), {"accept": "finalize", "reject": END})
    g.set_entry_point("draft")
    return g


def tricky_graph() -> Graph:
    """A chain through every tricky name, with tricky path keys on a Python router."""
    g = Graph()
    for name in TRICKY_NAMES:
        g.add_node(name, lambda state: None)
    for source, target in zip(TRICKY_NAMES[:-2], TRICKY_NAMES[1:-1]):
        g.add_edge(source, target)
    g.add_conditional_edges(TRICKY_NAMES[-2], route_length, {'"quoted" key': TRICKY_NAMES[-1], "<end>\\": END})
    g.set_entry_point(TRICKY_NAMES[0])
    return g


def layout(dot_source: str) -> ET.Element:
    """Lay out with the real `dot` (raises on a syntax error) and parse the SVG."""
    result = subprocess.run(["dot", "-Tsvg"], input=dot_source, capture_output=True, text=True, check=True)
    assert "syntax error" not in result.stderr.lower(), result.stderr
    return ET.fromstring(result.stdout)


def groups(svg: ET.Element, kind: str) -> dict[str, ET.Element]:
    """`g.node` / `g.edge` groups by their Graphviz `<title>`."""
    return {
        g.find(f"{SVG}title").text: g
        for g in svg.iter(f"{SVG}g")
        if kind in (g.get("class") or "").split()
    }


def texts(group: ET.Element) -> list[str]:
    return [t.text or "" for t in group.findall(f"{SVG}text")]


def test_nodes_get_safe_ids_in_order():
    drawing = build_drawing(tricky_graph())
    assert drawing.node_ids == {name: f"n{i}" for i, name in enumerate(TRICKY_NAMES)}
    assert drawing.svg_map()["nodes"] == {f"n{i}": name for i, name in enumerate(TRICKY_NAMES)}


@needs_dot
def test_tricky_names_are_drawn_literally():
    drawing = build_drawing(tricky_graph())
    nodes = groups(layout(drawing.source), "node")
    for name, node_id in drawing.node_ids.items():
        # first line is the name exactly; the second is the function name of the Python node
        assert texts(nodes[node_id])[0] == name, node_id
    edges = groups(layout(drawing.source), "edge")
    last = drawing.node_ids[TRICKY_NAMES[-2]]
    assert texts(edges[f"{last}->{drawing.node_ids[TRICKY_NAMES[-1]]}"]) == ['"quoted" key']
    assert texts(edges[f"{last}->{END_ID}"]) == ["<end>\\"]


@needs_dot
def test_names_never_become_html_labels_or_ids():
    source = build_drawing(tricky_graph()).source
    assert "label=<" not in source  # an unescaped <...> would be an HTML-like label
    ids = set(groups(layout(source), "node"))
    assert ids == {f"n{i}" for i in range(len(TRICKY_NAMES))} | {START_ID, END_ID}


@needs_dot
def test_styles_by_kind_markers_and_edges():
    g = sample_graph()
    drawing = build_drawing(g)
    svg = layout(drawing.source)
    nodes = groups(svg, "node")
    ids = drawing.node_ids

    def classes(node_id: str) -> set[str]:
        return set(nodes[node_id].get("class").split())

    assert "dl-llm" in classes(ids["draft"]) and "dl-llm" in classes(ids["finalize"])
    assert "dl-python" in classes(ids["check"])
    assert "dl-router" in classes(ids["judge"])
    # shapes: LLM = rounded box (a path), Python = box (4-corner polygon), router = diamond
    assert nodes[ids["draft"]].find(f"{SVG}path") is not None
    box = nodes[ids["check"]].find(f"{SVG}polygon").get("points").split()
    diamond = nodes[ids["judge"]].find(f"{SVG}polygon").get("points").split()
    xs = {float(p.split(",")[0]) for p in box[:4]}
    assert len(xs) == 2  # axis-aligned rectangle
    assert len({float(p.split(",")[0]) for p in diamond[:4]}) == 3  # left tip, centre (top/bottom), right tip
    # LLM nodes show their contract, Python nodes their function
    assert texts(nodes[ids["draft"]]) == ["draft", "Question → Draft"]
    assert texts(nodes[ids["check"]]) == ["check"]  # a lambda has no name worth showing
    assert texts(nodes[ids["judge"]]) == ["judge"]
    # START point into the entry point, END terminal
    assert "dl-start" in nodes[START_ID].get("class").split()
    assert nodes[END_ID].find(f"{SVG}text").text == "END"
    edges = groups(svg, "edge")
    assert f"{START_ID}->{ids['draft']}" in edges
    # conditional edges are labelled with their path keys, from the router's source
    assert texts(edges[f"{ids['check']}->{ids['draft']}"]) == ["too long"]
    assert texts(edges[f"{ids['check']}->{ids['judge']}"]) == ["ok"]
    assert texts(edges[f"{ids['judge']}->{ids['finalize']}"]) == ["accept"]
    assert texts(edges[f"{ids['judge']}->{END_ID}"]) == ["reject"]
    # finalize has no successor: a dotted implicit edge into END
    implicit = edges[f"{ids['finalize']}->{END_ID}"]
    assert "dl-implicit" in implicit.get("class").split()


def test_drawn_edges_and_route_lookup():
    drawing = build_drawing(sample_graph())
    by_ends = {(e.source, e.target, e.key): (e.id, e.kind) for e in drawing.edges}
    assert by_ends == {
        ("draft", "check", None): ("e0", "static"),
        ("check", "draft", "too long"): ("e1", "conditional"),
        ("check", "judge", "ok"): ("e2", "conditional"),
        ("judge", "finalize", "accept"): ("e3", "conditional"),
        ("judge", END, "reject"): ("e4", "conditional"),
        ("finalize", END, None): ("e5", "implicit"),
    }
    assert drawing.find_edge("check", "judge", "ok").id == "e2"
    assert drawing.find_edge("finalize", END, None).id == "e5"
    assert drawing.find_edge("check", "draft", "unknown key").id == "e1"  # same ends still match
    assert drawing.find_edge("draft", "finalize", None) is None


def test_graph_under_construction_draws_missing_nodes():
    g = Graph()
    g.add_node("a", lambda state: None)
    g.add_edge("a", "not yet")
    g.set_entry_point("a")
    drawing = build_drawing(g)
    assert drawing.node_ids == {"a": "n0", "not yet": "n1"}
    assert "dl-missing" in drawing.source


@needs_dot
def test_render_svg_uses_names_and_statuses():
    g = sample_graph()
    drawing = build_drawing(g)
    svg = ET.fromstring(render_svg(drawing, {"draft": "done", "check": "failed"}, taken_edge="e1"))
    nodes = {g.get("data-node"): g for g in svg.iter(f"{SVG}g") if g.get("data-node")}
    assert set(nodes) == set(g.nodes)
    assert nodes["draft"].get("data-status") == "done"
    assert nodes["check"].get("data-status") == "failed"
    assert nodes["judge"].get("data-status") == "idle"
    assert nodes["judge"].find(f"{SVG}title").text == "judge"
    taken = [e for e in svg.iter(f"{SVG}g") if e.get("data-taken") == "true"]
    assert [(e.get("data-source"), e.get("data-target"), e.get("data-decision")) for e in taken] == [
        ("check", "draft", "too long")
    ]


def test_render_svg_without_dot_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(DotNotFoundError, match="Graphviz's `dot`"):
        render_svg(build_drawing(sample_graph()))


def test_describe_is_a_text_outline():
    text = describe(sample_graph())
    assert text.splitlines() == [
        "Graph: 4 nodes, entry point 'draft'",
        "  'draft' [llm, Question → Draft] -> 'check'",
        "  'check' [python] 'too long' -> 'draft', 'ok' -> 'judge'",
        "  'finalize' [llm, Draft → Draft] -> END",
        "  'judge' [router, Draft → Verdict] 'accept' -> 'finalize', 'reject' -> END",
    ]


def test_describe_outlines_a_graph_under_construction_like_the_drawing():
    g = Graph()
    g.add_node("a", lambda state: None)
    g.add_edge("later", "a")  # an edge from a node not added yet
    g.add_edge("a", "not yet")
    g.set_entry_point("first")
    assert describe(g).splitlines() == [
        "Graph: 1 nodes, entry point 'first'",
        "  'a' [python] -> 'not yet'",
        "  'first' [missing]",
        "  'later' [missing] -> 'a'",
        "  'not yet' [missing]",
    ]
    assert list(build_drawing(g).node_ids) == ["a", "first", "later", "not yet"]  # same nodes, same order


def test_python_nodes_show_their_function_name_but_not_a_lambda():
    def tidy_up(state):
        return None

    g = Graph().add_node("clean", tidy_up).add_node("noop", lambda s: None).add_edge("clean", "noop")
    assert describe(g.set_entry_point("clean")).splitlines()[1:3] == ["  'clean' [python, tidy_up()] -> 'noop'", "  'noop' [python] -> END"]
