"""LabView: the graph plus the inspection panels, driven by a run's events; `show()` displays one.

ONE anywidget: the browser draws the graph, the toolbar (Stop, status, replay slider), the
timeline and the tabs (node, calls, validation, result, error) from JSON the kernel sends (see
`dspyer_lab.lab.model.viewmodel`), setting every text with ``textContent``. Events are
folded into one `RunModel` the moment they arrive; the graph's picture and the panels are
both derived from it, at most `refresh_rate` times a second and exactly once more at the
end. Clicks come back as custom messages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import dspy
import traitlets
from pydantic import BaseModel

from ...core.exceptions import DspyerLabError
from ...core.graph import Graph
from ...core.program import AgentTranspiler
from .. import runner
from ..adapter import as_graph, contract_events
from ..masking import mask_exception
from ..model.runfile import MAX_FILE_BYTES, describe_output_model, read_run, write_run
from ..model.runmodel import CANCELLED, NodeVisit, RunModel, introduced
from ..model.viewmodel import (
    TAB_OF_EVENT,
    TABS,
    Page,
    Screen,
    Selection,
    event_line,
    lab_json,
    run_totals_text,
    selected_visit,
    shown_state,
    status_text,
)
from ..textview import DEFAULT_SECRET_PATTERNS, Masker
from ..throttle import Throttle
from .base import ViewWidget
from .debugger import DebuggerMixin
from .graph import GraphState

__all__ = ["STOPPED", "LabView", "UnknownVisit", "ViewError", "show"]

_Result = Callable[[RunModel], Any]
"""Reads a run's result once its events are consumed."""

STOPPED = "run stopped from the LabView (Stop button or view.stop())"
"""The message of the `asyncio.CancelledError` a stopped run raises."""
STOP_HINT = "This cell waits for the run: use the kernel's interrupt (■) to stop it"
"""Why the Stop button is disabled while a run blocks its cell (clicks wait for the cell)."""


class ViewError(DspyerLabError, RuntimeError):
    """A LabView cannot do what was asked (run a replay, start a second run, seek while running)."""


class UnknownVisit(DspyerLabError, IndexError):
    """`LabView.select` was given a visit index the run does not have."""


class LabView(DebuggerMixin, ViewWidget):
    """Watch, inspect, stop, save and replay runs of a program in a notebook.

    `program` is a compiled program (dspyer-lab's, or an upstream ``dspyer`` one), or a
    `Graph` (compiled on the first `run`); an upstream ``dspyer`` graph is only drawn.
    Values of fields whose names end with one of `secret_patterns` (see `Masker`) are
    masked wherever they are displayed; values are clipped to `display_limit` characters
    (the full text is one click away); the timeline lists `timeline_window` events at a time.
    With `stream_tokens` (the default) a run streams the model's text into the view as it is
    written (``_stream_tokens=True``; a run's own ``_stream_tokens=False`` turns it off).
    Breakpoints, pauses, edits and forks: see `DebuggerMixin`.
    """

    _panel = traitlets.Unicode("{}", help="JSON of viewmodel.lab_json (what the panels show) plus the toolbar").tag(
        sync=True
    )  # a string: ipywidgets walks a dict trait's whole tree for binary buffers on every send

    def __init__(
        self,
        program: Any,
        *,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        display_limit: int | None = 200,
        timeline_window: int = 200,
        refresh_rate: float = 15.0,
        stream_tokens: bool = True,
        **kwargs: Any,
    ) -> None:
        self.stream_tokens = stream_tokens
        """Whether runs started here stream the model's text token by token (``_stream_tokens``)."""
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
        self.graph = GraphState(graph)
        """The picture of the run on the graph (statuses, visits, path; ``selected_node`` drives the inspector)."""
        self.masker = Masker(secret_patterns)
        """Masks secret-looking fields in everything displayed (and in saved runs)."""
        self.run_log = RunModel()
        """The run model of the last run (all its events)."""
        self._shown = self.run_log
        self._sel = Selection()
        self._page = Page(size=timeline_window)
        self._focus = ("node", 0)
        self._replay = False
        self._blocking = False
        self._quiet = False
        self._renderer = Throttle(self._render, 1.0 / refresh_rate)
        self._panel_data: dict[str, Any] = {}
        self._output_description = describe_output_model(_output_model(self.program))
        self._screen = Screen(self.masker, display_limit, dict((self._output_description or {}).get("fields") or {}))
        super().__init__(_kind="lab", _layout=self._layout_of(self.graph.drawing), **kwargs)
        self.graph.observe(self._graph_clicked, names="selected_node")
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

    @property
    def status(self) -> str:
        """The toolbar's line about the run shown (``finished · 2 steps in 0.512 s``, ``event 3/16 · running ...``)."""
        return str(self._panel_data["toolbar"]["status"])

    def open_tab(self, tab: str) -> None:
        """Show panel `tab` (``node``, ``calls``, ``validation``, ``result`` or ``error``) in the browser."""
        if tab not in TABS:
            raise ViewError(f"no tab {tab!r}: the tabs are {', '.join(TABS)}")
        self._focus_tab(tab)
        self._render()

    @property
    def panel(self) -> dict[str, Any]:
        """What the browser shows besides the graph (the view model JSON: toolbar, timeline, tabs)."""
        return self._panel_data

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

    async def watch(self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]]) -> RunModel:
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
        marks the run cancelled. A run that ended meanwhile keeps its outcome. A run paused
        at a breakpoint (nothing runs) is marked cancelled.
        """
        if self._task is None or self._task.done():
            return self._stop_paused()
        self._task.cancel(STOPPED)
        return True

    def select(self, node: str | None = None, *, visit: int | None = None, event: int | None = None) -> NodeVisit | None:
        """Inspect a node (its latest visit, following the run), a visit (index in ``run_log.visits``),
        or the visit an event belongs to (index in `events`); with no argument, follow the newest visit.

        The graph highlights the inspected node (its ``selected_node``).
        """
        if visit is not None and not 0 <= visit < len(self.run_log.visits):
            raise UnknownVisit(f"visit {visit} is not in this run, which has {len(self.run_log.visits)} visit(s)")
        if event is not None:
            found = self._shown.visit_of_event(event)
            visit = found.index if found is not None else None
        self._sel = Selection(node=node if visit is None else None, visit=visit, attempt=self._sel.attempt)
        self._quiet = True
        try:
            self.graph.selected_node = self._picked_node() or ""
        finally:
            self._quiet = False
        self._render()
        return selected_visit(self._shown, self._sel)

    def seek(self, step: int) -> None:
        """Show the run as it was after its first `step` events: graph colours and every panel."""
        if self.running:
            raise ViewError("A run is in progress: time travel once it is over")
        events = self.run_log.events
        step = max(0, min(int(step), len(events)))
        self._shown = self.run_log if step == len(events) else self.run_log.at(step)
        self._render()

    def save(self, path: str | Path, *, mask_secrets: bool = True) -> Path:
        """Write the last run (graph description + events) to a JSON file that `load` replays.

        Secret-looking fields are masked in the file too unless `mask_secrets` is False. Model
        calls are kept; the token chunks of an answer its ``lm_call`` carries whole are not.
        """
        masker = self.masker if mask_secrets else None
        events: list[Mapping[str, Any]] = list(self.run_log.events)
        return write_run(path, self.graph.graph, events, self._output_description, masker)

    @classmethod
    def load(cls, path: str | Path, *, program: Any = None, max_bytes: int = MAX_FILE_BYTES, **kwargs: Any) -> LabView:
        """A view replaying a saved run, without any program or model: drag the step slider to time-travel.

        With the `program` that made it (same node names), the view can also run again from any of its
        steps (`fork`) and run anew. A file of more than `max_bytes` is refused unread (see `read_run`).
        """
        saved = read_run(path, max_bytes=max_bytes)
        if program is not None:
            _check_same_nodes(program, saved.graph)
        view = cls(saved.graph if program is None else program, **kwargs)
        if program is None:
            view._uncompiled = None  # the stand-in graph only draws
            view._cannot_run = "This view replays a saved run: it has no program to run"
            view._replay = True
        view._output_description = saved.output_model
        view._screen.output_fields = dict((saved.output_model or {}).get("fields") or {})
        view.show_events(saved.events)
        return view

    @classmethod
    def of_events(
        cls, program: Any, events: Iterable[Mapping[str, Any]], *, masker: Masker | None = None, **kwargs: Any
    ) -> LabView:
        """A view of a run that already happened, from its events (e.g. one example of a batch run by a
        `BatchView`): the step slider time-travels; it runs nothing (``program`` gives the graph and output model).
        `masker`: one that already knows the run's secrets (a BatchView's), used instead of a new one."""
        view = cls(program, **kwargs)
        if masker is not None:
            view.masker = view._screen.masker = masker
        view.program = view._uncompiled = None
        view._cannot_run = "This view shows a run that already happened: run the program in a LabView of its own"
        view._replay = True
        view.show_events(events)
        return view

    def show_events(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Show the run of `events` instead of what the view shows (a view that runs nothing: `load`, `of_events`)."""
        if self.running:
            raise ViewError("A run is in progress: show other events once it is over")
        self._runs.clear()  # the runs a view keeps (original and forks) are those of the events shown
        self._new_run()
        for event in events:
            self.masker.learn(introduced(event))
            self.run_log.apply(event)
        self._end()

    def close(self) -> None:
        """Stop any run and close the widget (the browser side goes away); a paused run stays paused."""
        if self.running:
            self.stop()
        self._renderer.cancel()
        super().close()

    def __repr__(self) -> str:
        return f"LabView({len(self.graph.graph.nodes)} nodes, {len(self.run_log.events)} events, {self.run_log.status})"

    # -- the run ----------------------------------------------------------------------

    def _refuse_second_run(self) -> None:
        if self.running:
            raise ViewError("This view is already running (or following) a run; stop() it first")

    def _runnable(self) -> Any:
        if self.program is None and self._uncompiled is not None:
            self.program = AgentTranspiler.compile(self._uncompiled)
        if self.program is None:
            raise ViewError(self._cannot_run)
        return self.program

    def _prepare(self, inputs: dict[str, Any]) -> tuple[AsyncIterable[Mapping[str, Any]], _Result]:
        """The run's event stream, not started, and how its result is read from the finished run.

        Everything that can be refused (no program, unknown or invalid ``_options``) is refused here.
        """
        program = self._runnable()
        if hasattr(program, "new_run"):  # ours: the run hands over the typed result itself (None: it paused)
            run = program.new_run(**self._with_breakpoints({"_stream_tokens": self.stream_tokens, **inputs}))
            return run.events(), lambda log: None if run.paused is not None else run.result
        return program.astream(**inputs), lambda log: _upstream_result(program, log)

    def _launch(
        self,
        events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
        result: _Result,
        *,
        background: bool = False,
        continuing: bool = False,
    ) -> asyncio.Task[Any]:
        """Begin following `events` in a task of its own, the one `stop` cancels; return it.

        `_settled` runs when the task is done (before whoever awaits it resumes), however
        it ended, even cancelled before its first step: that is where the outcome is shown.
        `continuing`: the events go on the run shown (a resumed pause) instead of a new run.
        """
        drive = self._drive(events, result)
        task = runner.run_background(drive, name="dspyer-lab LabView run") if background else asyncio.ensure_future(drive)
        self._blocking = not background and runner.blocking()
        self._task = task
        self._begin(continuing)
        task.add_done_callback(self._settled)
        return task

    async def _drive(self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]], result: _Result) -> Any:
        async for event in contract_events(events, self.graph.graph):
            if event.get("event") == "run_start" and self.run_log.events:  # a stream carrying a second run
                self._new_run()
            self._fold(event)
        return result(self.run_log)

    def _settled(self, task: asyncio.Task[Any]) -> None:
        """Show how the run ended; only a run not already finished or failed can be marked cancelled."""
        self._task = None
        self._blocking = False
        error = None if task.cancelled() else task.exception()
        if error is not None:  # masked before anyone sees it: `run`, `await task`, the notebook's traceback
            mask_exception(error, self.masker)
        if self.run_log.status in ("idle", "running"):  # no terminal event came
            if task.cancelled() or (error is not None and not isinstance(error, Exception)):  # stopped, interrupted
                self._fold(self.run_log.closing_event(CANCELLED))
            elif error is not None:  # the stream raised without an `error` event (possibly before its first event)
                self._fold(self.run_log.error_event(error))
        self._end()

    def _fold(self, event: dict[str, Any]) -> None:
        self.masker.learn(introduced(event))
        self.run_log.apply(event)
        if event.get("event") in ("finished", "error", CANCELLED):
            self._renderer.flush()
        else:
            self._renderer.poke()

    def _new_run(self) -> None:
        self._switch_to(RunModel())
        self._keep(self.run_log)

    def _reset_selection(self) -> None:
        self._screen.labels.clear()
        self._sel = Selection()
        self._page = Page(size=self._page.size)
        self._quiet = True
        try:
            self.graph.selected_node = ""
        finally:
            self._quiet = False

    def _begin(self, continuing: bool = False) -> None:
        if not continuing:
            self._new_run()
        self._focus_tab("node")
        self._renderer.flush()  # a render that counts for the throttle: the run's first events wait for the next one

    def _end(self) -> None:
        self._shown = self.run_log
        if self.run_log.status == "failed":
            self._focus_tab("error")
        self._renderer.flush()
        self.refresh_snapshot()

    # -- rendering --------------------------------------------------------------------

    def _focus_tab(self, tab: str) -> None:
        """Ask the browser to show `tab` (it keeps the user's own tab choice otherwise)."""
        self._focus = (tab, self._focus[1] + 1)

    def _picked_node(self) -> str | None:
        """The node the user picked, directly or through one of its visits; None while following the run."""
        if self._sel.visit is not None:
            return self.run_log.visits[self._sel.visit].node
        return self._sel.node

    def _render(self) -> None:
        log = self._shown
        self.graph.show_run(log)
        panel = lab_json(log, self.run_log, self._sel, self._page, self._screen)
        panel["toolbar"] = self._toolbar(log)
        self._debug_panel(panel, log)
        panel["focus"] = {"tab": self._focus[0], "n": self._focus[1]}
        self._panel_data = panel
        with self.hold_sync():
            self._picture_of(log, self.graph.drawing, self.graph.selected_node)
            self._panel = json.dumps(panel, ensure_ascii=False)

    def _toolbar(self, log: RunModel) -> dict[str, Any]:
        n = len(self.run_log.events)
        over = not self.running and n > 0
        last = log.events[-1] if log.events else None
        note = ""
        if over and log is not self.run_log:
            note = f"{len(log.events)}/{n}: {last.get('event')} {event_line(log, len(log.events) - 1, self._screen, 60)}" \
                if last else f"0/{n}: before the run"
        can_run = self.program is not None or self._uncompiled is not None
        return {
            "status": status_text(log, self.run_log, can_run),
            "run_state": shown_state(log),
            "stop": {
                "shown": not self._replay,
                "enabled": self.running and not self._blocking,
                "hint": STOP_HINT if self.running and self._blocking else ("Stop the run" if self.running else "No run in progress"),
            },
            "replay": {"max": n, "value": len(log.events), "note": note} if over else None,
            "calls": run_totals_text(log),
        }

    # -- clicks -----------------------------------------------------------------------

    def _on_message(self, content: Mapping[str, Any]) -> None:
        kind = content.get("type")
        if self._debug_message(content):
            return
        if kind == "select":
            if isinstance(content.get("event"), int):
                self._timeline_clicked(content["event"])
            elif isinstance(content.get("visit"), int) and 0 <= content["visit"] < len(self.run_log.visits):
                self.select(visit=content["visit"])
            else:
                node = content.get("node")
                self.select(node if isinstance(node, str) and node in self.graph.drawing.node_ids else None)
                if node:
                    self._focus_tab("node")
                    self._render()
        elif kind == "attempt":
            key = content.get("key")
            if isinstance(key, list) and len(key) == 2 and all(isinstance(k, int) for k in key):
                self._sel = Selection(self._sel.node, self._sel.visit, (key[0], key[1]))
                self._render()
        elif kind == "call" and isinstance(content.get("index"), int):
            self._sel = replace(self._sel, call=content["index"])
            self._render()
        elif kind == "seek" and isinstance(content.get("step"), int) and not self.running:
            self.seek(content["step"])
        elif kind == "page" and isinstance(content.get("offset"), int):
            self._page = Page(offset=max(0, content["offset"]), size=self._page.size)
            self._render()
        elif kind == "stop":
            self.stop()
        elif kind == "full-text" and isinstance(content.get("handle"), str):
            text = self._screen.full_text(content["handle"])
            self.send({"type": "full-text", "handle": content["handle"],
                       "text": text if text is not None else "(no longer on screen: click again)"})

    def _timeline_clicked(self, index: int) -> None:
        event = self._shown.events[index] if 0 <= index < len(self._shown.events) else {}
        self.select(event=index)
        if event.get("event") == "lm_call":
            self._sel = replace(self._sel, call=index)
        self._focus_tab(TAB_OF_EVENT.get(str(event.get("event")), "node"))
        self._render()

    def _graph_clicked(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        if change["new"]:
            self.select(change["new"])
            self._focus_tab("node")
            self._render()
        else:  # the selected node clicked again: back to following the run
            self.select()

    def _svg(self) -> str:
        return self.graph.to_svg()

    def _outline(self) -> str:
        return f"{self.graph.outline()}\n{status_text(self.run_log, self.run_log, self.program is not None)}"


def _check_same_nodes(program: Any, saved: Graph) -> None:
    """Refuse to attach a program to a saved run of another graph (forks would run other nodes)."""
    ours, theirs = list(as_graph(program).nodes), list(saved.nodes)
    if sorted(ours) != sorted(theirs):
        raise ViewError(f"the program's nodes {ours} are not the saved run's {theirs}: load it with the program that made it")


def _output_model(program: Any) -> type[BaseModel] | None:
    model = getattr(program, "output_model", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _upstream_result(program: Any, log: RunModel) -> Any:
    """The result of an upstream ``dspyer`` run, or the error its stream reported without raising it."""
    if log.finished is None:
        error = log.error or {}
        raise ViewError(f"{error.get('error_type', 'Error')}: {error.get('error', 'the run did not finish')}")
    return _typed_result(program, log.finished)


def _typed_result(program: Any, finished: Mapping[str, Any]) -> Any:
    """What upstream ``dspyer``'s ``aforward`` would return, rebuilt from the ``finished`` event."""
    model = _output_model(program)
    if model is not None:
        return model.model_validate(finished.get("output"))
    return dspy.Prediction(**dict(finished.get("state") or {}))


def show(program_or_graph: Any, **kwargs: Any) -> LabView:
    """Display a `LabView` of a compiled program or a graph in the notebook and return it.

    ``view = dspyer_lab.show(program)`` then ``await view.run(**inputs)`` (or
    ``view.start(**inputs)`` to keep the kernel free while it runs). Keyword arguments go to `LabView`.
    """
    from IPython.display import display

    view = LabView(program_or_graph, **kwargs)
    display(view)
    return view
