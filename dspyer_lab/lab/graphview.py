"""GraphView: the graph drawn in the notebook, animated live from a run's events.

The browser lays the DOT out once (Graphviz in WebAssembly, bundled in
``dspyer_lab/static/widget.js``) and then only flips attributes as the run goes.
Events are applied to plain Python dicts at once; the synced traits (what the
browser sees) are refreshed at most ~30 times a second, and exactly on a
terminal event (`finished`/`error`), at the end of `follow` and on `flush`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Mapping
from pathlib import Path
from typing import Any, Literal, get_args

import anywidget
import traitlets

from ..core.events import EVENT_KINDS
from ..core.graph import Graph
from .adapter import as_graph
from .dot import Drawing, build_drawing, describe, render_svg
from .model.runmodel import (
    CANCELLED,  # not an engine event: the marker views append when a run is stopped
    RunState,
)
from .throttle import Throttle

__all__ = ["GraphView", "NodeStatus", "RunState", "SYNC_INTERVAL"]

NodeStatus = Literal["idle", "running", "retrying", "done", "failed"]

SYNC_INTERVAL = 1 / 30
"""Minimum seconds between two state messages to the browser while a run streams."""

_STATIC = Path(__file__).resolve().parent.parent / "static"
_TERMINAL = frozenset({"finished", "error", CANCELLED})


class GraphView(anywidget.AnyWidget):
    """The graph of a program, with each node's live status, visit count and the last edge taken.

    Synced traits (read them; the view writes them from events):

    - ``dot``: the DOT source the browser lays out.
    - ``node_status``: node name -> ``idle`` | ``running`` | ``retrying`` | ``done`` | ``failed``.
    - ``node_visits``: node name -> number of ``node_start`` events this run (2+ in a loop).
    - ``last_edge``: ``{source, target, decision, edge}`` of the last ``route`` event (``{}`` before
      one); ``decision`` is the path key as text (None for a static edge), ``edge`` the drawn edge id.
    - ``run_state``: ``idle`` | ``running`` | ``finished`` | ``failed`` | ``cancelled``.
    - ``selected_node``: the node the user clicked in the browser (``""`` for none); observe it
      to make other panels follow the selection.

    While events stream, the traits trail them by at most `SYNC_INTERVAL`; they are exact after
    a ``finished``/``error`` event, when `follow` returns, and after `flush`.
    """

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    dot = traitlets.Unicode("", help="DOT source of the drawing (read-only)").tag(sync=True)
    node_status = traitlets.Dict(help="node name -> idle|running|retrying|done|failed").tag(sync=True)
    node_visits = traitlets.Dict(help="node name -> node_start count in the current run").tag(sync=True)
    last_edge = traitlets.Dict(help="{source, target, decision, edge} of the last route event").tag(sync=True)
    run_state = traitlets.Enum(get_args(RunState), default_value="idle", help="where the run is").tag(sync=True)
    selected_node = traitlets.Unicode("", help="name of the node clicked in the browser").tag(sync=True)
    _svg_map = traitlets.Dict(help="DOT ids -> names, and the drawn edges (for the browser)").tag(sync=True)

    _clock = staticmethod(time.monotonic)  # the throttle's clock (tests replace it)

    def __init__(self, graph_or_program: Any, **kwargs: Any) -> None:
        """Draw `graph_or_program`: a `Graph`, a compiled program, or an upstream ``dspyer`` one (see `as_graph`)."""
        graph = as_graph(graph_or_program)
        self._graph = graph
        self._drawing: Drawing = build_drawing(graph)
        self._status: dict[str, NodeStatus] = {}
        self._visits: dict[str, int] = {}
        self._edge: dict[str, Any] = {}
        self._run: RunState = "idle"
        self._clear_run()
        self._dirty = False
        self._throttle = Throttle(self._push, SYNC_INTERVAL, clock=lambda: self._clock())
        super().__init__(
            dot=self._drawing.source,
            _svg_map=self._drawing.svg_map(),
            node_status=dict(self._status),
            node_visits=dict(self._visits),
            **kwargs,
        )

    @property
    def graph(self) -> Graph:
        """The graph this view draws."""
        return self._graph

    # -- applying events ------------------------------------------------------------

    def update(self, event: Mapping[str, Any]) -> None:
        """Apply one core event (see `dspyer_lab.core.events`); unknown kinds are ignored."""
        kind = event.get("event")
        handler = _HANDLERS.get(kind)
        if handler is None:
            return
        handler(self, event)
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
            self._on_cancelled({"event": CANCELLED})
            self._dirty = True
            raise
        except BaseException:
            if self._run in ("idle", "running"):  # no `error` (or `finished`) event came before the exception
                self._run = "failed"
                for name, status in self._status.items():
                    if status in ("running", "retrying"):
                        self._status[name] = "failed"
            self._dirty = True
            raise
        finally:
            self.flush()
        return last

    def reset(self) -> None:
        """Back to the idle picture: every node idle, no visits, no taken edge."""
        self._clear_run()
        self._run = "idle"
        self._dirty = True
        self.flush()

    def flush(self) -> None:
        """Send the current state to the browser now (one message, only if something changed)."""
        self._throttle.flush()

    def _push(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        with self.hold_sync():
            self.node_status = dict(self._status)
            self.node_visits = dict(self._visits)
            self.last_edge = dict(self._edge)
            self.run_state = self._run

    def to_svg(self) -> str:
        """The drawing with the current statuses as standalone SVG, laid out by the local Graphviz.

        Raises `DotNotFoundError` when the `dot` program is not installed (the widget does not need it).
        """
        return render_svg(self._drawing, self._status, self._edge.get("edge"))

    # -- internals ------------------------------------------------------------------

    def _clear_run(self) -> None:
        self._status = {name: "idle" for name in self._graph.nodes}
        self._visits = {name: 0 for name in self._graph.nodes}
        self._edge = {}

    def _on_run_start(self, event: Mapping[str, Any]) -> None:
        self._clear_run()
        self._run = "running"

    def _on_node_start(self, event: Mapping[str, Any]) -> None:
        node = event["node"]
        self._status[node] = "running"
        self._visits[node] = self._visits.get(node, 0) + 1
        self._run = "running"

    def _on_validation_error(self, event: Mapping[str, Any]) -> None:
        self._status[event["node"]] = "retrying" if event.get("will_retry", True) else "failed"

    def _on_node_end(self, event: Mapping[str, Any]) -> None:
        self._status[event["node"]] = "done"

    def _on_route(self, event: Mapping[str, Any]) -> None:
        decision = event.get("decision")
        key = None if decision is None else str(decision)
        drawn = self._drawing.find_edge(event["source"], event["target"], key)
        self._edge = {
            "source": event["source"],
            "target": event["target"],
            "decision": key,
            "edge": drawn.id if drawn else None,
        }

    def _on_finished(self, event: Mapping[str, Any]) -> None:
        self._run = "finished"

    def _on_error(self, event: Mapping[str, Any]) -> None:
        node = event.get("node")
        if node is not None:
            self._status[node] = "failed"
        self._run = "failed"

    def _on_cancelled(self, event: Mapping[str, Any]) -> None:
        if self._run not in ("idle", "running"):
            return  # the run ended before the stop landed: it keeps its outcome
        for name, status in self._status.items():
            if status in ("running", "retrying"):  # stopped mid-node: it did not finish, nor fail
                self._status[name] = "idle"
        self._run = "cancelled"

    # -- display ----------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"GraphView({len(self._graph.nodes)} nodes, run_state={self.run_state!r})"

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        """The widget, with a text outline of the graph where widgets cannot render."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data["text/plain"] = describe(self._graph)
        return data, metadata


# event kind -> GraphView method; kinds the view does not draw (none today) are ignored
_HANDLERS = {kind: handler for kind in (*EVENT_KINDS, CANCELLED) if (handler := getattr(GraphView, f"_on_{kind}", None))}

