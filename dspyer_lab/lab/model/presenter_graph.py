"""GraphState: the picture of a run on a graph, the presenter under a `GraphView` and inside a `LabPresenter`.

Pure Python (traitlets' observable state, no widget): the picture the browser draws
(`viewmodel.graph_json`) is computed once per render, and the observable traits (statuses, visits,
the last edge, the run's state) are read from that same picture, never computed a second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

import traitlets

from ...core.graph import Graph
from ..adapter import as_graph
from ..dot import Drawing, build_drawing, describe, render_svg
from .runmodel import RunModel, RunState
from .viewmodel import drawn_sends, graph_json, taken_edges

__all__ = ["GraphState"]


class GraphState(traitlets.HasTraits):
    """The picture of a run on a graph, derived from a `RunModel`, as observable traits.

    - ``dot``: the DOT source the browser lays out.
    - ``node_status``: node name -> ``idle`` | ``running`` | ``retrying`` | ``done`` | ``failed`` | ``cancelled``.
    - ``node_visits``: node name -> number of ``node_start`` events this run (2+ in a loop).
    - ``last_edge``: ``{source, target, decision, edge}`` of the last ``route`` event (``{}`` before
      one); ``decision`` is the path key as text (None for a static edge), ``edge`` the drawn edge id.
    - ``run_state``: ``idle`` | ``running`` | ``paused`` | ``finished`` | ``failed`` | ``cancelled``.
    - ``selected_node``: the node the user clicked (``""`` for none); observe it to follow the selection.

    `path` (a property, computed when read) lists every edge taken, in order.
    """

    dot = traitlets.Unicode("", help="DOT source of the drawing (read-only)")
    node_status = traitlets.Dict(help="node name -> idle|running|retrying|done|failed|cancelled")
    node_visits = traitlets.Dict(help="node name -> node_start count in the current run")
    last_edge = traitlets.Dict(help="{source, target, decision, edge} of the last route event")
    # synced by a GraphView (tags are ignored where the state is no widget): frontends that react to a
    # widget's state, e.g. marimo's mo.ui.anywidget(...).value, see where the run is and what was clicked
    run_state = traitlets.Enum(get_args(RunState), default_value="idle", help="where the run is").tag(sync=True)
    selected_node = traitlets.Unicode("", help="name of the node clicked in the browser").tag(sync=True)

    def __init__(self, graph_or_program: Any, **kwargs: Any) -> None:
        """Draw `graph_or_program`: a `Graph`, a compiled program, or an upstream ``dspyer`` one (see `as_graph`)."""
        self._graph = as_graph(graph_or_program)
        self._drawing: Drawing = build_drawing(self._graph)
        self._run = RunModel()
        super().__init__(dot=self._drawing.source, **kwargs)
        self.derive()

    @property
    def graph(self) -> Graph:
        """The graph this view draws."""
        return self._graph

    @property
    def drawing(self) -> Drawing:
        """The DOT and the id <-> name map of the drawing."""
        return self._drawing

    @property
    def run(self) -> RunModel:
        """The run whose picture this is."""
        return self._run

    def derive(self) -> dict[str, Any]:
        """The picture of the run (`graph_json`), and the traits set from it (one notification per changed trait)."""
        picture = graph_json(self._run, self._drawing, self.selected_node)
        self.show(self._run, picture)
        return picture

    def show(self, run: RunModel, picture: Mapping[str, Any]) -> None:
        """Picture `run` from now on, its traits read from `picture` (its `graph_json`, computed by the caller)."""
        self._run = run
        last = run.last_route
        with self.hold_trait_notifications():
            self.node_status = dict(picture["status"])
            self.node_visits = dict(picture["visits"])
            self.last_edge = {} if last is None else {
                "source": last.source, "target": last.target, "decision": last.decision, "edge": picture["last"],
            }
            self.run_state = run.status

    @property
    def path(self) -> list[dict[str, Any]]:
        """Every edge the run took, in order: ``{source, target, decision, edge}`` (like ``last_edge``)."""
        return taken_edges(self._run, self._drawing)

    def to_svg(self) -> str:
        """The drawing with the run's statuses and path (exact, not throttled) as standalone SVG, laid out
        by the local Graphviz.

        Raises `DotNotFoundError` when the `dot` program is not installed (the widget does not need it).
        """
        taken = taken_edges(self._run, self._drawing)
        status = self._run.node_status(self._drawing.node_ids)
        last = taken[-1]["edge"] if taken else None
        progress = {node: f"{done}/{size}" for node, (done, size) in self._run.progress(self._drawing.node_ids).items()}
        by_id = {e.id: e for e in self._drawing.edges}
        path = {e.id for t in taken if t["edge"] for e in self._drawing.joined(by_id[t["edge"]])}  # a join: all its edges
        return render_svg(self._drawing, status, last, taken=sorted(path), progress=progress,
                          sends=drawn_sends(self._run, self._drawing))

    def outline(self) -> str:
        """A text outline of the graph (what frontends without widgets show)."""
        return describe(self._graph)
