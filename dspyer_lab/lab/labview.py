"""LabView: the graph plus the inspection panels, driven by a run's events; `show()` displays one.

Layout: the live `GraphView` and the event timeline on the left, tabs on the right
(node inspector, validation errors, result, error), a toolbar on top (Stop button,
run status, step slider for time travel once a run is over or loaded from a file).

Events are folded into a `RunLog` the moment they arrive; the widgets are re-rendered
from it at most `refresh_rate` times a second and exactly once more at the end, so a
run with thousands of events stays responsive.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import dspy
import ipywidgets as w
from pydantic import BaseModel

from ..core.graph import Graph
from ..core.program import AgentTranspiler
from .adapter import as_graph, contract_events
from .graphview import GraphView
from .panels import (
    ErrorPanel,
    NodeInspector,
    Presenter,
    ResultPanel,
    TimelinePanel,
    ValidationPanel,
)
from .model.runfile import describe_output_model, read_run, write_run
from .model.runmodel import CANCELLED, NodeVisit, introduced
from .model.runmodel import RunModel as RunLog
from .runner import run_background
from .textview import DEFAULT_SECRET_PATTERNS, Masker, seconds
from .throttle import Throttle

__all__ = ["LabView", "show"]

_Result = Callable[[RunLog], Any]
"""Reads a run's result once its events are consumed."""

# tabs, in order
_NODE, _VALIDATION, _RESULT, _ERROR = range(4)
STOPPED = "run stopped from the LabView (Stop button or view.stop())"
"""The message of the `asyncio.CancelledError` a stopped run raises."""
_TAB_OF_EVENT = {"validation_error": _VALIDATION, "finished": _RESULT, "error": _ERROR}


class LabView(w.VBox):
    """Watch, inspect, stop, save and replay runs of a program in a notebook.

    `program` is a compiled program (dspyer-lab's, or an upstream ``dspyer`` one), or a
    `Graph` (compiled on the first `run`); an upstream ``dspyer`` graph is only drawn.
    Values of fields whose names end with one of `secret_patterns` (see `Masker`) are
    masked wherever they are displayed; table cells are clipped to `display_limit`
    characters (the full text is one click away); the timeline lists at most
    `timeline_window` events at a time.
    """

    def __init__(
        self,
        program: Any,
        *,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        display_limit: int | None = 200,
        timeline_window: int = 200,
        refresh_rate: float = 15.0,
        **kwargs: Any,
    ) -> None:
        self._task: asyncio.Task[Any] | None = None
        graph = as_graph(program)
        self.program: Any = program if hasattr(program, "astream") else None
        """What `run` executes (None for a graph not compiled yet, or a replay)."""
        self._uncompiled: Graph | None = program if isinstance(program, Graph) else None
        self._cannot_run = (
            f"LabView can draw this {type(program).__module__}.{type(program).__name__} but not run it: "
            "compile it first (e.g. dspyer.AgentTranspiler.compile(graph)) and give LabView the program"
        )
        """Why `run` refuses when there is no program (set by `load` for a replay)."""
        self.graph = GraphView(graph)
        """The live drawing (`GraphView`); its ``selected_node`` drives the node inspector."""
        self.masker = Masker(secret_patterns)
        """Masks secret-looking fields in everything displayed (and in saved runs)."""
        self.run_log = RunLog()
        """The run model of the last run (all its events)."""
        self._shown = self.run_log
        self._sel_visit: int | None = None
        self._sel_node: str | None = None
        self._quiet = False  # set while widgets are changed from Python, so their observers stay silent
        self._renderer = Throttle(self._render, 1.0 / refresh_rate)
        self._output_description = describe_output_model(_output_model(self.program))

        show = self._show = Presenter(self.masker, display_limit)
        self.timeline = TimelinePanel(show, self._timeline_clicked, window=timeline_window)
        self.inspector = NodeInspector(show, lambda i: self.select(visit=i))
        self.validation = ValidationPanel(show)
        self.result_panel = ResultPanel(show, (self._output_description or {}).get("fields"))
        self.error_panel = ErrorPanel(show)
        self.tabs = w.Tab(
            children=[p.widget for p in (self.inspector, self.validation, self.result_panel, self.error_panel)],
            layout=w.Layout(flex="1 1 440px", min_width="320px"),
        )
        self.stop_button = w.Button(description="Stop", icon="stop", button_style="danger", disabled=True,
                                    layout=w.Layout(width="auto", flex="0 0 auto"))
        self.status = w.Label(value="")
        self.slider = w.IntSlider(min=0, max=0, value=0, description="replay", continuous_update=True,
                                  layout=w.Layout(display="none", width="360px"))
        self.slider_note = w.Label(value="")
        self.stop_button.on_click(lambda _: self.stop())
        self.slider.observe(self._slid, names="value")
        self.graph.observe(self._graph_clicked, names="selected_node")
        self.graph.layout.flex = "1 1 360px"
        left = w.VBox([self.graph, self.timeline.widget], layout=w.Layout(flex="1 1 360px", min_width="300px"))
        toolbar = w.HBox([self.stop_button, self.status, self.slider, self.slider_note],
                         layout=w.Layout(align_items="center"))
        body = w.HBox([left, self.tabs], layout=w.Layout(flex_flow="row wrap", width="100%"))
        super().__init__(children=[toolbar, body], **kwargs)
        self.add_class("dspyer-labview")  # a stable hook for styles and browser tests
        self._render()

    # -- public API -----------------------------------------------------------------

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events of the last run (or of the loaded run), in order."""
        return list(self.run_log.events)

    @property
    def running(self) -> bool:
        """Whether a run is in progress: from `start`, `run` or `watch` until the view shows how it ended.

        True at once after `start`, before the run's task has had a chance to begin.
        """
        return self._task is not None

    async def run(self, **inputs: Any) -> Any:
        """Run the program on `inputs` while the view follows it; return its typed result.

        The result is what ``program.aforward`` returns: an ``output_model`` instance, or a
        ``dspy.Prediction`` of the final state. A failing run is shown, then its exception
        is re-raised; a run stopped with `stop` (or by cancelling the awaiting task) raises
        ``asyncio.CancelledError``. Raises at once, showing nothing, when the view cannot run
        (a replay, a bad ``_option``) or already follows a run.
        """
        self._refuse_second_run()
        events, result = self._prepare(inputs)
        return await self._launch(events, result)

    def start(self, **inputs: Any) -> asyncio.Task[Any]:
        """Start `run(**inputs)` in the background and return its task at once.

        In a notebook the cell ends while the run goes on (other cells can run meanwhile);
        ``await task`` gives the result or raises the run's exception. The view is running
        from this call on (`stop` and `close` stop the run even before it has begun). What
        `run` would refuse is refused here, at once: a replay, bad options, a second run.
        """
        self._refuse_second_run()
        events, result = self._prepare(inputs)
        return self._launch(events, result, background=True)

    async def watch(self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]]) -> RunLog:
        """Drive the whole view from an event stream (``program.astream(...)``, upstream ``dspyer``'s
        ``astream``, or any (async) iterable of contract events); return the run model.

        The stream's exception is re-raised after the view shows it; `stop` (or cancelling
        the awaiting task) closes the stream, marks the run cancelled and raises
        ``asyncio.CancelledError``.
        """
        self._refuse_second_run()
        return await self._launch(events, lambda log: log)

    def stop(self) -> bool:
        """Stop the run in progress, begun or still about to begin; False when there is none.

        The run's task is cancelled (its ``await`` raises ``asyncio.CancelledError`` naming
        the Stop button): the engine closes at once, so nothing keeps running, and the view
        marks the run cancelled. A run that ended meanwhile keeps its outcome.
        """
        if self._task is None or self._task.done():
            return False
        self._task.cancel(STOPPED)
        return True

    def select(self, node: str | None = None, *, visit: int | None = None, event: int | None = None) -> NodeVisit | None:
        """Inspect a node (its latest visit, following the run), a visit (index in ``run_log.visits``),
        or the visit an event belongs to (index in `events`); with no argument, follow the newest visit.

        The graph highlights the inspected node (its ``selected_node``).
        """
        if visit is not None and not 0 <= visit < len(self.run_log.visits):
            raise IndexError(f"visit {visit} is not in this run, which has {len(self.run_log.visits)} visit(s)")
        self._sel_visit, self._sel_node = None, node
        if visit is not None:
            self._sel_visit = visit
        elif event is not None:
            found = self._shown.visit_of_event(event)
            self._sel_visit = found.index if found is not None else None
        chosen = self._selected(self._shown)
        self._quiet = True
        try:
            self.graph.selected_node = self._picked_node() or ""
        finally:
            self._quiet = False
        self._render()
        return chosen

    def seek(self, step: int) -> None:
        """Show the run as it was after its first `step` events: graph colours and every panel."""
        if self.running:
            raise RuntimeError("A run is in progress: time travel once it is over")
        events = self.run_log.events
        step = max(0, min(int(step), len(events)))
        self._shown = self.run_log if step == len(events) else RunLog.replay(events[:step])
        self._replay_graph(step)
        if self.slider.value != step:
            self._quiet = True
            try:
                self.slider.value = step
            finally:
                self._quiet = False
        last = events[step - 1] if step else None
        self.slider_note.value = (
            f"{step}/{len(events)}: {last.get('event')} {self._show.summary(last, 60)}"
            if last else f"0/{len(events)}: before the run"
        )
        self._render()

    def save(self, path: str | Path, *, mask_secrets: bool = True) -> Path:
        """Write the last run (graph description + events) to a JSON file that `load` replays.

        Secret-looking fields are masked in the file too unless `mask_secrets` is False.
        """
        masker = self.masker if mask_secrets else None
        return write_run(path, self.graph.graph, self.run_log.events, self._output_description, masker)

    @classmethod
    def load(cls, path: str | Path, **kwargs: Any) -> LabView:
        """A view replaying a saved run, without any program or model: drag the step slider to time-travel."""
        saved = read_run(path)
        view = cls(saved.graph, **kwargs)
        view._uncompiled = None  # the stand-in graph only draws
        view._cannot_run = "This view replays a saved run: it has no program to run"
        view._output_description = saved.output_model
        view.result_panel.fields = dict((saved.output_model or {}).get("fields") or {})
        view.stop_button.layout.display = "none"
        view.run_log = RunLog()
        for event in saved.events:
            view.masker.learn(introduced(event))
            view.run_log.apply(event)
        view._end()
        view._replay_graph(len(saved.events))
        return view

    def close(self) -> None:
        """Stop any run and close every widget of the view (the browser side goes away)."""
        self.stop()
        self._renderer.cancel()
        for widget in _descendants(self):
            widget.close()
        super().close()

    def __repr__(self) -> str:
        return f"LabView({len(self.graph.graph.nodes)} nodes, {len(self.run_log.events)} events, {self.run_log.status})"

    # -- the run ----------------------------------------------------------------------

    def _refuse_second_run(self) -> None:
        if self.running:
            raise RuntimeError("This view is already running (or following) a run; stop() it first")

    def _runnable(self) -> Any:
        if self.program is None and self._uncompiled is not None:
            self.program = AgentTranspiler.compile(self._uncompiled)
        if self.program is None:
            raise RuntimeError(self._cannot_run)
        return self.program

    def _prepare(self, inputs: dict[str, Any]) -> tuple[AsyncIterable[Mapping[str, Any]], _Result]:
        """The run's event stream, not started, and how its result is read from the finished run.

        Everything that can be refused (no program, unknown or invalid ``_options``) is refused here.
        """
        program = self._runnable()
        if hasattr(program, "new_run"):  # ours: the run hands over the typed result itself
            run = program.new_run(**inputs)
            return run.events(), lambda log: run.result
        return program.astream(**inputs), lambda log: _upstream_result(program, log)

    def _launch(
        self,
        events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
        result: _Result,
        *,
        background: bool = False,
    ) -> asyncio.Task[Any]:
        """Begin following `events` in a task of its own, the one `stop` cancels; return it.

        `_settled` runs when the task is done (before whoever awaits it resumes), however
        it ended, even cancelled before its first step: that is where the outcome is shown.
        """
        drive = self._drive(events, result)
        task = run_background(drive, name="dspyer-lab LabView run") if background else asyncio.ensure_future(drive)
        self._begin()
        self._task = task
        task.add_done_callback(self._settled)
        return task

    async def _drive(self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]], result: _Result) -> Any:
        await self.graph.follow(self._tap(contract_events(events, self.graph.graph)))
        return result(self.run_log)

    def _settled(self, task: asyncio.Task[Any]) -> None:
        """Show how the run ended; only a run not already finished or failed can be marked cancelled."""
        self._task = None
        error = None if task.cancelled() else task.exception()
        if self.run_log.status in ("idle", "running"):  # no terminal event came
            if task.cancelled() or (error is not None and not isinstance(error, Exception)):  # stopped, interrupted
                self._apply(self.run_log.closing_event(CANCELLED))
            elif error is not None:  # the stream raised without an `error` event (possibly before its first event)
                self._apply(self.run_log.error_event(error))
        self._end()

    async def _tap(self, events: AsyncIterable[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        async for event in events:
            if event.get("event") == "run_start" and self.run_log.events:  # a stream carrying a second run
                self.run_log = self._shown = RunLog()
                self.select()
            self._fold(event)
            yield event

    def _fold(self, event: dict[str, Any]) -> None:
        self.masker.learn(introduced(event))
        self.run_log.apply(event)
        self._renderer.poke()

    def _apply(self, event: dict[str, Any]) -> None:
        self._fold(event)
        self.graph.update(event)

    def _replay_graph(self, step: int) -> None:
        with self.graph.hold_sync():  # one message to the browser, not one per event
            self.graph.reset()
            for event in self.run_log.events[:step]:
                self.graph.update(event)
            self.graph.flush()

    def _begin(self) -> None:
        self.run_log = self._shown = RunLog()
        self.graph.reset()
        self.slider.layout.display = "none"
        self.slider_note.value = ""
        self.stop_button.disabled = False
        self.select()  # follow the new run from its first node

    def _end(self) -> None:
        self.stop_button.disabled = True
        n = len(self.run_log.events)
        self._quiet = True
        try:
            self.slider.max = n
            self.slider.value = n
        finally:
            self._quiet = False
        self.slider.layout.display = None if n else "none"
        self._shown = self.run_log
        self.slider_note.value = ""
        self._renderer.flush()
        if self.run_log.status == "failed":
            self.tabs.selected_index = _ERROR

    # -- rendering --------------------------------------------------------------------

    def _selected(self, log: RunLog) -> NodeVisit | None:
        """The visit to inspect in `log`: the picked one (None if it has not started by then), else the
        picked node's latest, else the newest."""
        if self._sel_visit is not None:
            return log.visits[self._sel_visit] if self._sel_visit < len(log.visits) else None
        if self._sel_node:
            same = log.visits_of(self._sel_node)
            return same[-1] if same else None
        return log.visits[-1] if log.visits else None

    def _render(self) -> None:
        log = self._shown
        visit = self._selected(log)
        self.timeline.render(log)
        self.inspector.render(log, visit, self._picked_node())
        self.validation.render(log, visit)
        self.result_panel.render(log)
        self.error_panel.render(log)
        failures = len(log.failures)
        titles = ["Node", f"Validation ({failures})" if failures else "Validation", "Result",
                  "Error ⚠" if log.error else "Error"]
        if list(self.tabs.titles) != titles:
            self.tabs.titles = titles
        self.status.value = self._status_text(log)

    def _picked_node(self) -> str | None:
        """The node the user picked, directly or through one of its visits; None while following the run."""
        if self._sel_visit is not None:
            return self.run_log.visits[self._sel_visit].node
        return self._sel_node

    def _status_text(self, log: RunLog) -> str:
        if log.status == "running":
            text = f"running · step {len(log.visits)} · {len(log.events)} events"
        elif log.status == "finished" and log.finished is not None:
            text = f"finished · {log.finished.get('steps')} steps in {seconds(log.finished.get('duration'))}"
        elif log.status == "failed" and log.error is not None:
            where = f" in node '{log.error['node']}'" if log.error.get("node") else ""
            text = f"failed · {log.error.get('error_type')}{where}"
        elif log.status == "cancelled":
            text = f"cancelled · after {len(log.visits)} step(s)"
        elif log is not self.run_log:
            text = "before the run"
        else:
            text = "ready" if self.program is not None or self._uncompiled is not None else "no run"
        if log is not self.run_log:  # travelling back in time
            text = f"event {len(log.events)}/{len(self.run_log.events)} · {text}"
        return text

    # -- clicks -----------------------------------------------------------------------

    def _timeline_clicked(self, index: int) -> None:
        event = self._shown.events[index] if index < len(self._shown.events) else {}
        self.select(event=index)
        self.tabs.selected_index = _TAB_OF_EVENT.get(str(event.get("event")), _NODE)

    def _graph_clicked(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        if change["new"]:
            self.select(change["new"])
            self.tabs.selected_index = _NODE
        else:  # the user clicked the selected node again: back to following the run
            self.select()

    def _slid(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self.seek(change["new"])


def _output_model(program: Any) -> type[BaseModel] | None:
    model = getattr(program, "output_model", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _upstream_result(program: Any, log: RunLog) -> Any:
    """The result of an upstream ``dspyer`` run, or the error its stream reported without raising it."""
    if log.finished is None:
        error = log.error or {}
        raise RuntimeError(f"{error.get('error_type', 'Error')}: {error.get('error', 'the run did not finish')}")
    return _typed_result(program, log.finished)


def _typed_result(program: Any, finished: Mapping[str, Any]) -> Any:
    """What upstream ``dspyer``'s ``aforward`` would return, rebuilt from the ``finished`` event."""
    model = _output_model(program)
    if model is not None:
        return model.model_validate(finished.get("output"))
    return dspy.Prediction(**dict(finished.get("state") or {}))


def _descendants(widget: w.Widget) -> list[w.Widget]:
    found = []
    for child in getattr(widget, "children", ()):
        found.append(child)
        found.extend(_descendants(child))
    return found


def show(program_or_graph: Any, **kwargs: Any) -> LabView:
    """Display a `LabView` of a compiled program or a graph in the notebook and return it.

    ``view = dspyer_lab.show(program)`` then ``await view.run(**inputs)`` (or
    ``view.start(**inputs)`` to keep the kernel free while it runs). Keyword arguments go to `LabView`.
    """
    from IPython.display import display

    view = LabView(program_or_graph, **kwargs)
    display(view)
    return view
