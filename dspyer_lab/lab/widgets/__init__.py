"""The notebook widgets: `GraphView` (the graph alone) and `LabView` (graph, toolbar, timeline, panels).

Both are anywidgets drawn by one ESM (``dspyer_lab/static/widget.js``) from JSON the
kernel derives from a `RunModel` (see `dspyer_lab.lab.model.viewmodel`); the Graphviz
runtime reaches the page once (`runtime`).
"""

from __future__ import annotations

from .graph import SYNC_INTERVAL, GraphState, GraphView
from .labview import LabView, show

__all__ = ["SYNC_INTERVAL", "GraphState", "GraphView", "LabView", "show"]
