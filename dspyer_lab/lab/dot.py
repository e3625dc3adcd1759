"""Draw a `Graph` as Graphviz DOT, built with the `graphviz` package (never by pasting strings).

Node names can hold anything (quotes, braces, ``<...>``, backslashes, non-ASCII), so
the DOT never uses them as identifiers: every node gets a safe id (``n0``, ``n1``, ...
in `graph.nodes` order; ``start`` and ``end`` for the markers) and its name is set as
an escaped ``label``. The ids, names and edges travel next to the DOT as a
`Drawing`, which is how the browser and `GraphView.to_svg` map SVG groups back to
names. Colours here are the static (light) defaults; the widget's CSS re-colours
everything from the notebook theme.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from xml.dom import minidom

import graphviz

from ..core.exceptions import DspyerLabError
from ..core.graph import END, Graph, HumanNode, PythonNode, StatefulNode

__all__ = [
    "DotNotFoundError",
    "DrawnEdge",
    "Drawing",
    "START_ID",
    "END_ID",
    "build_drawing",
    "describe",
    "render_svg",
]

START_ID = "start"
"""DOT id of the small START point that leads into the entry point."""
END_ID = "end"
"""DOT id of the END terminal (the graph's `END`, drawn once when something leads to it)."""

_FONT = "Helvetica,Arial,sans-serif"

_NODE_STYLE: dict[str, dict[str, str]] = {
    "llm": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e3f2fd", "color": "#1976d2"},
    "python": {"shape": "box", "style": "filled", "fillcolor": "#f5f5f5", "color": "#757575"},
    "router": {"shape": "diamond", "style": "filled", "fillcolor": "#f3e5f5", "color": "#8e24aa"},
    "human": {"shape": "box", "style": "rounded,filled", "fillcolor": "#fff8e1", "color": "#ef6c00", "peripheries": "2"},
}

_EDGE_STYLE: dict[str, dict[str, str]] = {
    "static": {},
    "conditional": {"style": "dashed"},
    # a node without successors ends the run: shown as a dotted edge into END
    "implicit": {"style": "dotted"},
    # a join's source: into the join's junction point, which leads on to the target once all have come
    "join": {"arrowhead": "none"},
}


@dataclass(frozen=True)
class DrawnEdge:
    """One edge of the drawing; its SVG group has the class ``dl-edge <id>``."""

    id: str
    """``e0``, ``e1``, ... in drawing order."""
    source: str
    """Node name (never an id)."""
    target: str
    """Node name, or `END`."""
    key: str | None
    """The path_map key of a conditional edge, None for a static or implicit one."""
    kind: str
    """``static``, ``conditional``, ``implicit`` (a node with no successor ends the run) or ``join`` (a source of
    a join, drawn into the join's junction point)."""
    join: str | None = None
    """The DOT id of the junction point a join's source edge leads into (``j0``, ...); None for other edges."""


@dataclass(frozen=True)
class Drawing:
    """The DOT source of a graph plus the id <-> name map needed to read its SVG."""

    source: str
    """DOT text, ready for `dot` or Graphviz-in-WebAssembly."""
    node_ids: dict[str, str]
    """Node name -> DOT id (also the `<title>` Graphviz writes for the node)."""
    edges: tuple[DrawnEdge, ...]
    joins: dict[str, str] = field(default_factory=dict)
    """DOT id of each join's junction point (``j0``, ``j1``, ...) -> what it means ("w waits for a and b")."""

    @cached_property
    def _edges_by_ends(self) -> dict[tuple[str, str], list[DrawnEdge]]:
        index: dict[tuple[str, str], list[DrawnEdge]] = {}
        for e in self.edges:
            index.setdefault((e.source, e.target), []).append(e)
        return index

    def find_edge(self, source: str, target: str, decision: str | None) -> DrawnEdge | None:
        """The drawn edge a `route` event took: same ends and path key, else same ends."""
        same_ends = self._edges_by_ends.get((source, target), [])
        return next((e for e in same_ends if e.key == decision), same_ends[0] if same_ends else None)

    def joined(self, edge: DrawnEdge) -> list[DrawnEdge]:
        """The edges a taken `edge` stands for: a join's source edge (the one whose node completed it) stands for
        every source edge of its join (the join waited for them all); any other edge for itself."""
        return [e for e in self.edges if e.join == edge.join] if edge.join is not None else [edge]

    def svg_map(self) -> dict[str, Any]:
        """JSON for the browser: ``{"nodes": {id: name}, "edges": [{id, source, target, key, kind, junction?, join?}],
        "joins": {id: text}}`` (a join's source edge: ``junction`` the id of the point it leads into, ``join`` what
        that means, "w waits for a and b")."""
        return {
            "nodes": {node_id: name for name, node_id in self.node_ids.items()},
            "edges": [
                {"id": e.id, "source": e.source, "target": e.target, "key": e.key, "kind": e.kind,
                 **({"junction": e.join, "join": self.joins[e.join]} if e.join is not None else {})}
                for e in self.edges
            ],
            "joins": dict(self.joins),
        }


def _label(*lines: str) -> str:
    """A plain DOT label whose lines are shown literally (no ``\\N``-style escapes, never HTML).

    Graphviz decodes HTML entities even in plain labels (``&amp;`` would be drawn as ``&``), so every
    ``&`` is written as ``&amp;``.
    """
    return graphviz.nohtml(r"\n".join(graphviz.escape(line).replace("&", "&amp;") for line in lines))


def _subtitle(node: StatefulNode | PythonNode | HumanNode) -> str | None:
    if isinstance(node, HumanNode):
        return f"person: {node.input_model.__name__} → {node.output_model.__name__}"
    if isinstance(node, StatefulNode):
        return f"{node.input_model.__name__} → {node.output_model.__name__}"
    fn_name = getattr(node.fn, "__name__", None)
    if not fn_name or fn_name == node.name or not fn_name.isidentifier():  # e.g. "<lambda>" says nothing
        return None
    return f"{fn_name}()"


def _graph_edges(graph: Graph) -> list[DrawnEdge]:
    junction = {(source, join.target): f"j{i}" for i, join in enumerate(graph.joins) for source in join.sources}
    edges = [
        DrawnEdge(
            id=f"e{i}",
            source=e.source,
            target=e.target,
            key=e.label,
            kind="conditional" if e.conditional else "join" if e.join else "static",
            join=junction[(e.source, e.target)] if e.join else None,
        )
        for i, e in enumerate(graph.iter_edges())
    ]
    has_successor = {e.source for e in graph.iter_edges()}
    for name in graph.nodes:
        if name not in has_successor:
            edges.append(DrawnEdge(id=f"e{len(edges)}", source=name, target=END, key=None, kind="implicit"))
    return edges


def _drawn_nodes(graph: Graph, edges: list[DrawnEdge]) -> list[str]:
    """The graph's nodes in order, then the names it mentions without having them yet (drawn as "missing").

    A graph under construction may name such nodes: an edge added before its node, an entry point set early.
    """
    names = dict.fromkeys(graph.nodes)
    for name in [graph.entry_point] + [name for e in edges for name in (e.source, e.target)]:
        if name is not None and name != END:
            names.setdefault(name)
    return list(names)


def build_drawing(graph: Graph) -> Drawing:
    """The DOT of `graph`: LLM nodes as rounded boxes, Python nodes as boxes, LLM routers as diamonds.

    The entry point gets an edge from a START point, `END` is a double circle,
    conditional edges are dashed and labelled with their path key, and the sources of a join
    (`add_edge(["a", "b"], "w")`) meet at a small junction point that leads on to its target.
    """
    dot = graphviz.Digraph(name="dspyer_lab")
    dot.attr(rankdir="TB", bgcolor="transparent", pad="0.2", nodesep="0.35", ranksep="0.45", fontname=_FONT)
    dot.attr("node", fontname=_FONT, fontsize="12", penwidth="1.2", margin="0.16,0.06", height="0.4")
    dot.attr("edge", fontname=_FONT, fontsize="10", arrowsize="0.7", penwidth="1.1", color="#616161", fontcolor="#424242")

    edges = _graph_edges(graph)
    node_ids = {name: f"n{i}" for i, name in enumerate(_drawn_nodes(graph, edges))}

    if graph.entry_point is not None:
        dot.node(START_ID, label="", shape="point", width="0.14", color="#616161", **{"class": "dl-start"})
        dot.edge(START_ID, node_ids[graph.entry_point], **{"class": "dl-edge-start"})
    for name, node_id in node_ids.items():
        node = graph.nodes.get(name)
        if node is None:
            dot.node(node_id, label=_label(name, "(missing)"), shape="box", style="dashed", color="#d32f2f",
                     **{"class": "dl-node dl-missing"})
            continue
        kind = graph.node_kind(name)
        subtitle = _subtitle(node) if kind != "router" else None
        label = _label(name, subtitle) if subtitle else _label(name)
        dot.node(node_id, label=label, **_NODE_STYLE[kind], **{"class": f"dl-node dl-{kind}"})
    joins = {f"j{i}": f"{join.target} waits for {_names(join.sources)}" for i, join in enumerate(graph.joins)}
    for join_id, join in zip(joins, graph.joins):  # a small point where a join's sources meet, then one edge on
        dot.node(join_id, label="", shape="point", width="0.09", color="#616161", **{"class": "dl-join"})
        dot.edge(join_id, node_ids[join.target], **{"class": f"dl-join-out {join_id}"})
    if any(e.target == END for e in edges):
        dot.node(
            END_ID, label="END", shape="doublecircle", width="0.42", fixedsize="true", fontsize="9",
            color="#616161", **{"class": "dl-end"},
        )
    for e in edges:
        target_id = e.join if e.join is not None else END_ID if e.target == END else node_ids[e.target]
        attrs = dict(_EDGE_STYLE[e.kind])
        if e.key is not None:
            attrs["label"] = _label(e.key)
        dot.edge(node_ids[e.source], target_id, **attrs, **{"class": f"dl-edge dl-{e.kind} {e.id}"})
    return Drawing(source=dot.source, node_ids=node_ids, edges=tuple(edges), joins=joins)


def _names(names: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    *rest, last = names
    return f"{', '.join(rest)} and {last}" if rest else last


def describe(graph: Graph) -> str:
    """A plain-text outline of the graph (the fallback where widgets cannot render)."""
    lines = [f"Graph: {len(graph.nodes)} nodes, entry point {graph.entry_point!r}"]
    edges = _graph_edges(graph)
    names = _drawn_nodes(graph, edges)
    outgoing: dict[str, list[str]] = {name: [] for name in names}
    for e in edges:
        target = "END" if e.target == END else repr(e.target)
        how = f"{e.key!r} -> {target}" if e.key is not None else f"-> {target}"
        outgoing[e.source].append(f"{how} (join)" if e.kind == "join" else how)
    for name in names:
        node = graph.nodes.get(name)
        if node is None:
            kind = "missing"
        else:
            subtitle = _subtitle(node)
            kind = graph.node_kind(name) + (f", {subtitle}" if subtitle else "")
        lines.append(f"  {name!r} [{kind}] {', '.join(outgoing[name])}".rstrip())
    return "\n".join(lines)


class DotNotFoundError(DspyerLabError, RuntimeError):
    """Static SVG export needs the Graphviz `dot` program, which is not installed."""

    def message(self) -> str:
        return (
            "Exporting SVG needs Graphviz's `dot` program on PATH (e.g. `apt install graphviz`, "
            "`brew install graphviz` or `conda install graphviz`). The notebook widget does not need it: "
            "it lays the graph out in the browser."
        )


# The static export has no notebook theme: light colours, same meaning as the widget's CSS.
_EXPORT_CSS = """
g.node[data-status="running"] > :is(path, polygon, ellipse) { stroke: #1976d2; fill: #bbdefb; stroke-width: 2.5px; }
g.node[data-status="retrying"] > :is(path, polygon, ellipse) { stroke: #f57c00; fill: #ffe0b2; stroke-width: 2.5px; }
g.node[data-status="done"] > :is(path, polygon, ellipse) { stroke: #388e3c; fill: #c8e6c9; stroke-width: 2px; }
g.node[data-status="failed"] > :is(path, polygon, ellipse) { stroke: #d32f2f; fill: #ffcdd2; stroke-width: 2.5px; }
g.node[data-status="cancelled"] > :is(path, polygon, ellipse) { stroke: #757575; fill: #eeeeee; stroke-width: 2px; stroke-dasharray: 4 3; }
g.edge[data-path="true"] > path { stroke: #1976d2; stroke-width: 1.8px; }
g.edge[data-path="true"] > polygon { stroke: #1976d2; fill: #1976d2; }
g.edge[data-taken="true"] > path { stroke: #1976d2; stroke-width: 2.5px; }
g.edge[data-taken="true"] > polygon { stroke: #1976d2; fill: #1976d2; }
g.edge[data-sends] > path { stroke-width: 2.5px; stroke-dasharray: 6 2; }
"""


def _box(group: minidom.Element, tags: tuple[str, ...]) -> tuple[float, float, float, float] | None:
    """(x1, y1, x2, y2) of the group's shapes of kinds `tags` (from their points), None without one."""
    shapes = [c for c in group.childNodes if isinstance(c, minidom.Element) and c.tagName in tags]
    points = [float(n) for shape in shapes
              for n in re.findall(r"-?\d*\.?\d+", shape.getAttribute("points") or shape.getAttribute("d"))]
    if len(points) < 2:
        return None
    xs, ys = points[0::2], points[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _add_text(document: minidom.Document, group: minidom.Element, cls: str, at: tuple[float, float], anchor: str,
              line: str) -> None:
    """Write `line` (a text node: never markup) in `group` at `at`, in a ``g.<cls>`` as the live drawing does
    (ui/parallel.js)."""
    holder = document.createElement("g")
    holder.setAttribute("class", cls)
    text = document.createElement("text")
    for name, value in (("x", f"{at[0]:.2f}"), ("y", f"{at[1]:.2f}"), ("text-anchor", anchor), ("font-size", "9"),
                        ("font-weight", "600")):
        text.setAttribute(name, value)
    text.appendChild(document.createTextNode(line))
    holder.appendChild(text)
    group.appendChild(holder)


def render_svg(
    drawing: Drawing,
    node_status: Mapping[str, str] | None = None,
    taken_edge: str | None = None,
    taken: Iterable[str] = (),
    progress: Mapping[str, str] | None = None,
    sends: Mapping[str, int] | None = None,
) -> str:
    """Lay out `drawing` with the local `dot` and return standalone SVG text.

    The SVG uses the browser widget's markup: each node group has ``data-node`` (its name, also
    its ``<title>``) and ``data-status``; edges have ``data-edge``/``data-source``/``data-target``,
    every edge of the path taken (ids in `taken`) has ``data-path="true"`` and the last one
    (`taken_edge`) ``data-taken="true"``. A node in `progress` (name -> "3/5": a map's instances done of all)
    has ``data-progress`` and says "3/5 done" under its box, an edge in `sends` (id -> instances its router's
    latest `Send` map started) has ``data-sends`` and says "Send ×N" by its arrowhead, as the live drawing does.
    """
    try:
        raw = graphviz.Source(drawing.source).pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as exc:
        raise DotNotFoundError() from exc
    status = node_status or {}
    names = {node_id: name for name, node_id in drawing.node_ids.items()}
    edges = {e.id: e for e in drawing.edges}
    path = set(taken)
    joined = {e.join for e in drawing.edges if e.id in path and e.join is not None}
    document = minidom.parseString(raw)
    svg = document.documentElement
    assert svg is not None  # `dot` wrote an SVG document
    for group in svg.getElementsByTagName("g"):
        classes = group.getAttribute("class").split()
        titles = [child for child in group.childNodes if getattr(child, "tagName", None) == "title"]
        title = titles[0].firstChild if titles else None
        node_id = title.data if isinstance(title, minidom.Text) else None
        if "node" in classes and isinstance(title, minidom.Text) and node_id in names:
            name = names[node_id]
            title.data = name
            group.setAttribute("data-node", name)
            group.setAttribute("data-status", status.get(name, "idle"))
            if progress and name in progress:
                group.setAttribute("data-progress", progress[name])
                box = _box(group, ("polygon", "path"))
                if box is not None:
                    _add_text(document, group, "dl-progress", ((box[0] + box[2]) / 2 - 5, box[3] + 10), "end",
                              f"{progress[name]} done")
        elif "node" in classes and isinstance(title, minidom.Text) and node_id in drawing.joins:
            title.data = drawing.joins[node_id]
            group.setAttribute("data-join", node_id)
        elif "dl-join-out" in classes:  # a join's one edge on: taken when the join fired
            if any(c in joined for c in classes):
                group.setAttribute("data-path", "true")
        elif "edge" in classes:
            edge = next((edges[c] for c in classes if c in edges), None)
            if edge is None:
                continue
            group.setAttribute("data-edge", edge.id)
            group.setAttribute("data-source", edge.source)
            group.setAttribute("data-target", edge.target)
            if edge.key is not None:
                group.setAttribute("data-decision", edge.key)
            if edge.join is not None and isinstance(title, minidom.Text):
                group.setAttribute("data-join", edge.join)
                title.data = f"{edge.source} → {edge.target}: {drawing.joins[edge.join]}"
            if sends and edge.id in sends:
                group.setAttribute("data-sends", str(sends[edge.id]))
                arrow = _box(group, ("polygon",))
                if arrow is not None:
                    _add_text(document, group, "dl-sends", (arrow[2] + 4, arrow[1]), "start", f"Send ×{sends[edge.id]}")
            if edge.id in path:
                group.setAttribute("data-path", "true")
            if edge.id == taken_edge:
                group.setAttribute("data-taken", "true")
    style = document.createElement("style")
    style.appendChild(document.createTextNode(_EXPORT_CSS))
    svg.insertBefore(style, svg.firstChild)
    return svg.toxml()
