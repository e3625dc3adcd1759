"""GraphView: the graph drawn in the notebook, animated live from a run's events.

The browser lays the DOT out once (Graphviz in WebAssembly, delivered once per page by
`runtime`) and then only flips attributes as the run goes. Events are folded into a
`RunModel` at once; what the drawing shows (statuses, visits, the path taken) is derived
from it and sent at most ~30 times a second, and exactly on a terminal event, at the end
of `follow` and on `flush`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Mapping
from typing import Any, get_args

import traitlets

from ...core.graph import Graph
from ..adapter import as_graph
from ..dot import Drawing, build_drawing, describe, render_svg
from ..model.runmodel import CANCELLED, RunModel, RunState
from ..model.viewmodel import taken_edges
from ..throttle import Throttle
from .base import ViewWidget

__all__ = ["SYNC_INTERVAL", "GraphState", "GraphView"]

SYNC_INTERVAL = 1 / 30
"""Minimum seconds between two state messages to the browser while a run streams."""

_TERMINAL = frozenset({"finished", "error", CANCELLED})


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

    def show_run(self, run: RunModel) -> None:
        """Picture `run` from now on (e.g. a new run, or a run seen at an earlier step)."""
        self._run = run
        self.derive()

    def derive(self) -> None:
        """Set the traits from the run model (one notification per changed trait)."""
        names = list(self._drawing.node_ids)
        last = self._run.last_route
        drawn = self._drawing.find_edge(last.source, last.target, last.decision) if last is not None else None
        with self.hold_trait_notifications():
            self.node_status = self._run.node_status(names)
            self.node_visits = self._run.node_visits(names)
            self.last_edge = {} if last is None else {
                "source": last.source, "target": last.target, "decision": last.decision,
                "edge": drawn.id if drawn else None,
            }
            self.run_state = self._run.status

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
        return render_svg(self._drawing, status, last, taken=[e["edge"] for e in taken if e["edge"]])

    def outline(self) -> str:
        """A text outline of the graph (what frontends without widgets show)."""
        return describe(self._graph)


class GraphView(GraphState, ViewWidget):
    """The graph of a program, with each node's live status, visit count and the path taken.

    Traits: see `GraphState`. While events stream, they trail them by at most `SYNC_INTERVAL`;
    they are exact after a ``finished``/``error`` event, when `follow` returns, and after `flush`.
    """

    _clock = staticmethod(time.monotonic)  # the throttle's clock (tests replace it)

    def __init__(self, graph_or_program: Any, **kwargs: Any) -> None:
        self._dirty = False
        self._throttle = Throttle(self._push, SYNC_INTERVAL, clock=lambda: self._clock())
        super().__init__(graph_or_program, **kwargs)
        self._layout = self._layout_of(self._drawing)
        self.observe(lambda _: self._send_picture(), names="selected_node")
        self._send_picture()

    # -- applying events ------------------------------------------------------------

    def update(self, event: Mapping[str, Any]) -> None:
        """Apply one core event (see `dspyer_lab.core.events`); a ``run_start`` begins a new run."""
        kind = event.get("event")
        if kind == "run_start" and self._run.events:
            self._run = RunModel()
        self._run.apply(event)
        self._dirty = True
        if kind in _TERMINAL:
            self.flush()
        else:
            self._throttle.poke()

    async def follow(self, events: AsyncIterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
        """Apply every event of `events` (e.g. ``program.astream(...)``) as it comes; return the last one.

        An exception from the stream marks the run failed and is re-raised; a cancelled
        await (or a keyboard interrupt) marks it cancelled; a run that already finished or
        failed keeps that outcome. The browser is exact on return.
        """
        last = None
        try:
            async for event in events:
                self.update(event)
                last = event
        except (asyncio.CancelledError, KeyboardInterrupt):
            self.update(self._run.closing_event(CANCELLED))
            raise
        except BaseException as exc:
            if self._run.status in ("idle", "running"):  # no `error` (or `finished`) event came before it
                self.update(self._run.error_event(exc))
            raise
        finally:
            self.flush()
        return last

    def reset(self) -> None:
        """Back to the idle picture: every node idle, no visits, no taken edge."""
        self._run = RunModel()
        self._dirty = True
        self.flush()

    def flush(self) -> None:
        """Send the current state to the browser now (one message, only if something changed)."""
        self._throttle.flush()

    def _push(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.derive()
        self._send_picture()
        if self.run_state not in ("idle", "running"):
            self.refresh_snapshot()

    def _send_picture(self) -> None:
        self._picture_of(self._run, self._drawing, self.selected_node)

    def _on_message(self, content: Mapping[str, Any]) -> None:
        if content.get("type") == "select":
            node = content.get("node")
            self.selected_node = node if isinstance(node, str) and node in self._drawing.node_ids else ""

    def _outline(self) -> str:
        return self.outline()

    def _svg(self) -> str:
        return self.to_svg()

    def __repr__(self) -> str:
        return f"GraphView({len(self._graph.nodes)} nodes, run_state={self.run_state!r})"
