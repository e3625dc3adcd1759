"""Where `GraphView` used to live: it is now `dspyer_lab.lab.widgets.graph` (kept so old imports work)."""

from __future__ import annotations

from .model.runmodel import NodeStatus, RunState
from .widgets.graph import SYNC_INTERVAL, GraphState, GraphView

__all__ = ["SYNC_INTERVAL", "GraphState", "GraphView", "NodeStatus", "RunState"]
