"""The notebook widgets: `GraphView` (the graph alone), `LabView` (graph, toolbar, timeline, panels) and
`BatchView` (a program over a dataset: progress, heatmap, examples), `RunsView` (the stored runs and
batches), `CompareView` (two runs or two batches side by side) and `OptimizeView` (a DSPy optimizer's trials
on the graph, then before and after).

All are thin anywidgets drawn by one ESM (``dspyer_lab/static/widget.js``) over a widget-free
presenter (`dspyer_lab.lab.model`: `LabPresenter`, `BatchPresenter`, `GraphState`) that renders
JSON from a `RunModel` or `BatchModel` and handles the clicks; the Graphviz runtime reaches the
page once (`runtime`).
"""

from __future__ import annotations

from .batch import BatchView
from .compare import CompareView
from .graph import SYNC_INTERVAL, GraphState, GraphView
from .labview import LabView, show
from .optimize import OptimizeView
from .runs import RunsView

__all__ = ["SYNC_INTERVAL", "BatchView", "CompareView", "GraphState", "GraphView", "LabView", "OptimizeView", "RunsView", "show"]
