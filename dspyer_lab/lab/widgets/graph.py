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
from typing import Any

from ...core.eventschema import event_label
from ..model.presenter_graph import GraphState
from ..model.runmodel import CANCELLED, RunModel, checked_event
from ..throttle import Throttle
from .base import ViewWidget

__all__ = ["SYNC_INTERVAL", "GraphState", "GraphView"]

SYNC_INTERVAL = 1 / 30
"""Minimum seconds between two state messages to the browser while a run streams."""

_TERMINAL = frozenset({"finished", "error", CANCELLED})


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
        """Apply one core event (see `dspyer_lab.core.events`); a ``run_start`` begins a new run.

        The event may come from anywhere, so it is checked first (`checked_event`): one its kind's TypedDict
        refuses raises `EventContractError` (naming its index in the run and the field) and changes nothing.
        """
        self._apply(checked_event(event, event_label(len(self._run.events), event)))

    def _apply(self, event: dict[str, Any]) -> None:
        """Fold a contract event (checked, or one this view makes: a ``cancelled`` marker, an ``error``)."""
        kind = event["event"]
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

        An exception from the stream (or an event `update` refuses) marks the run failed and is re-raised;
        a cancelled await (or a keyboard interrupt) marks it cancelled; a run that already finished or
        failed keeps that outcome. The browser is exact on return.
        """
        last = None
        try:
            async for event in events:
                self.update(event)
                last = event
        except (asyncio.CancelledError, KeyboardInterrupt):
            self._apply(self._run.closing_event(CANCELLED))
            raise
        except BaseException as exc:
            if self._run.status in ("idle", "running"):  # no `error` (or `finished`) event came before it
                self._apply(self._run.error_event(exc))
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
        self._send_picture()
        if self.run_state not in ("idle", "running"):
            self.refresh_snapshot()

    def _send_picture(self) -> None:
        self._picture = self.derive()  # the traits and the picture from one `graph_json`

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
