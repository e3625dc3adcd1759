"""Nothing kept (issue 20 item 9): a closed view is freed with its comms, and a view run in a loop stays bounded.

The kernel side (a re-run `%%dspyer` cell keeps one view and two comms) is in tests/test_magics.py.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import dspy
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.lab.widgets import BatchView, GraphView, LabView
from dspyer_lab.lab.model.presenter import KEPT_RUNS


class Q(BaseModel):
    question: str


class A(BaseModel):
    answer: str


def program() -> object:
    graph = Graph().add_node(StatefulNode("answer", Q, A)).set_entry_point("answer")
    return AgentTranspiler.compile(graph, output_model=A)


def test_a_closed_view_is_freed_and_closes_its_layout_widget() -> None:
    """anywidget connected every instance to its class's shared `_esm` file watcher (a lambda holding the
    widget), so no view was ever freed; and ipywidgets' per-widget Layout kept a comm open after close()."""
    for make in (lambda: LabView(program()), lambda: GraphView(program()), lambda: BatchView(program())):
        view = make()
        layout = view.layout
        ref = weakref.ref(view)
        view.close()
        assert view.comm is None and layout.comm is None
        del view, layout
        gc.collect()
        assert ref() is None


def test_a_view_follows_its_file_watchers_hot_reload_without_being_held() -> None:
    view = GraphView(program())
    watcher = _watched("_esm")
    if watcher is not None:  # the file watcher (ANYWIDGET_HMR=1 reloads through it) reaches live views
        watcher.changed.emit("export default {}")
        assert view._esm == "export default {}"
    view.close()


def _watched(key: str) -> object | None:
    from dspyer_lab.lab.widgets.base import ViewWidget

    value = ViewWidget.__dict__.get(key)
    return value if hasattr(value, "changed") else None


async def test_a_view_run_in_a_loop_keeps_bounded_memory() -> None:
    """A LabView keeps its last KEPT_RUNS runs: what the lab holds stops growing with the number of runs."""
    view = LabView(program())
    lm = ScriptedLM({"answer": {"answer": "four " * 50}})
    lab_files = [tracemalloc.Filter(True, "*dspyer_lab/lab/*")]  # the view's own; the LM keeps its history
    tracemalloc.start()
    try:
        with dspy.context(lm=lm):
            for i in range(KEPT_RUNS + 5):  # past the runs kept: from here on each run replaces one
                await view.run(question=f"question {i} " * 20)
            gc.collect()
            first = tracemalloc.take_snapshot().filter_traces(lab_files)
            for i in range(40):
                await view.run(question=f"question {i} " * 20)
            gc.collect()
            second = tracemalloc.take_snapshot().filter_traces(lab_files)
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in second.compare_to(first, "filename"))
    print(f"the lab's memory grew by {grown} bytes over 40 runs")
    assert len(view.runs) == KEPT_RUNS
    assert grown < 100_000, f"the view grew by {grown} bytes over 40 runs"  # one kept run is ~15 KB
    view.close()
