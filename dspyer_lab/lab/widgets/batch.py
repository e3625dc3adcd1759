"""BatchView: a program run over a dataset, watched as a progress bar, a heatmap on the graph and a table of examples.

ONE anywidget (``_kind`` "batch" of the same ESM, js/src/ui/batch.js). The batch's ``(index,
event)`` stream (`Batch.events`) is folded into a `BatchModel` (core `BatchStats`) the moment
each pair arrives; what the browser shows is derived from it at most `refresh_rate` times a
second and once more at the end: the graph's picture as a heatmap (`heat_json`) and one page of
the example table with the progress line (`batch_json`). Sorting, filtering and paging are
custom messages; the kernel sends only the page asked for.

A click on a row opens that example's run (its kept events, see `BatchStats`) in the view's
`LabView` for examples (`LabView.of_events`, made with the BatchView: marimo cannot make a
widget while handling a click). That LabView is drawn *inside* the BatchView, below the table:
the BatchView mirrors its synced picture and panel (``_open_picture``, ``_open_panel``) and
passes the browser's clicks on it back to it. So it works wherever the BatchView itself renders
(JupyterLab, Notebook 7, marimo), with no child widget views; `open` returns that LabView to
script or display on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, overload

import traitlets

from ...core.batch import Batch, Metric
from ...core.graph import Graph
from ...core.program import AgentTranspiler
from .. import runner
from ..adapter import as_graph
from ..dot import build_drawing, describe, render_svg
from ..masking import mask_exception
from ..model.batchmodel import BatchModel, BatchState, TableQuery, batch_json, heat_json, progress_text
from ..textview import DEFAULT_SECRET_PATTERNS, Masker
from ..throttle import Throttle
from .base import ViewWidget
from .labview import STOP_HINT, LabView, ViewError

__all__ = ["BATCH_STOPPED", "BatchView"]

BATCH_STOPPED = "batch stopped from the BatchView (Stop button or view.stop())"
"""The message of the `asyncio.CancelledError` a stopped batch raises."""


class BatchView(ViewWidget):
    """Run a compiled program (or a `Graph`, compiled on first use) over many inputs and see where it fails.

    `sample_size` finished runs are kept whole besides every failed one (see `BatchStats`);
    `page_size` rows of the example table go to the browser at a time; values of secret-looking
    input fields (`secret_patterns`, see `Masker`) are masked wherever they are shown, wherever else
    they appear as text in the stats (error messages) and in the exceptions of failed runs (`errors`, the
    outcomes `run` returns), which are rewritten in place as a `LabView` does for the one it re-raises.
    Results are the runs' own (unmasked) outputs, as `LabView.run` returns them.
    """

    _panel = traitlets.Unicode(
        "{}", help="JSON of batchmodel.batch_json: progress, node table, the page of examples"
    ).tag(sync=True)
    _open_picture = traitlets.Dict(help="the opened example's LabView `_picture`").tag(sync=True)
    _open_panel = traitlets.Unicode("", help="the opened example's LabView `_panel` ('' if none)").tag(sync=True)

    def __init__(
        self,
        program: Any,
        *,
        sample_size: int = 50,
        page_size: int = 20,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        refresh_rate: float = 10.0,
        **kwargs: Any,
    ) -> None:
        self._task: asyncio.Task[Any] | None = None  # first: `close` (also from __del__) may run after a refusal below
        self._example: LabView | None = None
        self._opened_index: int | None = None
        self._renderer = Throttle(self._render, 1.0 / refresh_rate)
        if not isinstance(program, Graph) and not hasattr(program, "new_batch"):
            kind = f"{type(program).__module__}.{type(program).__name__}"
            raise TypeError(f"BatchView runs a dspyer_lab Graph or compiled program, got {kind}")
        self._program: Any = program
        self._graph = as_graph(program)
        self._drawing = build_drawing(self._graph)
        self._sample_size = sample_size
        self.masker = Masker(secret_patterns)
        """Masks secret-looking input fields in everything shown (shared with every opened example)."""
        self.model = BatchModel(0, sample_size=sample_size, masker=self.masker)
        """The batch model of the last batch (`model.stats` is its `BatchStats`)."""
        self.batch: Batch[Any] | None = None
        """The last batch run (`batch.results`, `batch.errors`, `batch.scores` by input index)."""
        self._query = TableQuery(size=page_size)
        self._blocking = False
        super().__init__(_kind="batch", _layout=self._layout_of(self._drawing), **kwargs)
        # made now, while a cell runs: marimo cannot make a widget in a click's handler
        self._example = LabView.of_events(program, [], masker=self.masker)
        self._example.send = self._example_sender  # its replies reach the page through this view
        self._example.observe(self._mirror, names=["_picture", "_panel"])
        self._render()

    # -- public API -----------------------------------------------------------------

    @property
    def program(self) -> Any:
        """The compiled program (a `Graph` given to the view is compiled here, once)."""
        if isinstance(self._program, Graph):
            self._program = AgentTranspiler.compile(self._program)
        return self._program

    @property
    def running(self) -> bool:
        """Whether a batch is in progress (from `run`/`start` until the view shows how it ended)."""
        return self._task is not None

    @property
    def results(self) -> dict[int, Any]:
        """Input index -> typed result of every run that finished (kept when the batch is stopped)."""
        return dict(self.batch.results) if self.batch is not None else {}

    @property
    def errors(self) -> dict[int, Exception]:
        """Input index -> exception of every run that failed (its secrets masked, as in the outcomes of `run`)."""
        return dict(self.batch.errors) if self.batch is not None else {}

    @property
    def stats(self) -> dict[str, Any]:
        """The batch so far as plain data: progress, per node (visits, retries, failures, p50, p95, ...),
        edges taken and one row per example (`BatchStats.as_dict`)."""
        return self.model.stats.as_dict()

    @property
    def status(self) -> str:
        """The progress line (``finished · 40/40 done · 3 failed · 12.5/s · mean score 0.700``)."""
        return progress_text(self.model.stats.progress(), self.model.state)

    @property
    def panel(self) -> dict[str, Any]:
        """What the browser shows besides the graph (`batch_json`): progress, node table, the page of examples."""
        return json.loads(self._panel)

    @property
    def picture(self) -> dict[str, Any]:
        """The heatmap drawn on the graph (`heat_json`)."""
        return dict(self._picture)

    @property
    def opened(self) -> int | None:
        """The index of the example shown below the table (`open`), if any."""
        return self._opened_index

    def to_pandas(self, table: str = "examples") -> Any:
        """A `pandas.DataFrame` of the examples, ``"nodes"`` or ``"edges"`` (needs pandas)."""
        return self.model.stats.to_pandas(table)  # type: ignore[arg-type]  # BatchStats checks the name

    async def run(
        self,
        inputs: Iterable[Mapping[str, Any] | Any],
        metric: Metric | None = None,
        concurrency: int = 16,
        **options: Any,
    ) -> list[Any]:
        """Run the program over `inputs` (dicts or `dspy.Example`s) while the view follows; return the
        outcomes in input order, a failed run's exception in its place (`program.abatch`).

        `metric(example, prediction)` scores each finished run (bool or float, as `dspy.Evaluate`);
        `_options` such as ``_max_steps`` apply to every run. Stopping (`stop`, or cancelling the
        awaiting task) cancels the runs in flight and raises ``asyncio.CancelledError``; what
        finished stays in `results`. Bad inputs are refused at once, before anything runs.
        """
        return await self._launch(self._prepare(inputs, metric, concurrency, options))

    def start(
        self,
        inputs: Iterable[Mapping[str, Any] | Any],
        metric: Metric | None = None,
        concurrency: int = 16,
        **options: Any,
    ) -> asyncio.Task[list[Any]]:
        """Start `run` in the background (the cell returns; the Stop button works) and return its task."""
        return self._launch(self._prepare(inputs, metric, concurrency, options), background=True)

    def run_blocking(
        self,
        inputs: Iterable[Mapping[str, Any] | Any],
        metric: Metric | None = None,
        concurrency: int = 16,
        **options: Any,
    ) -> list[Any]:
        """`run` from synchronous code: the cell blocks while the view updates (see `lab.runner`); the
        kernel's interrupt button stops the batch, keeping what finished."""
        return runner.run_blocking(self.run(inputs, metric, concurrency, **options))

    def stop(self) -> bool:
        """Stop the batch in progress: runs in flight are cancelled and shown cancelled; False when none runs.

        The cancellation lands on the loop's next turn, once the events the runs already sent are folded:
        a run that ended before the stop shows as it ended (as in `results`), not as cancelled.
        """
        if self._task is None or self._task.done():
            return False
        self._task.get_loop().call_soon(self._task.cancel, BATCH_STOPPED)
        return True

    @overload
    def open(self) -> None: ...

    @overload
    def open(self, index: int) -> LabView: ...

    def open(self, index: int | None = None) -> LabView | None:
        """Show example `index`'s run in a `LabView` below the table, and return that view.

        Its events must be kept: every failed, rate-limited or cancelled example, the sampled
        finished ones, and the runs in flight (shown as far as they got). Raises `ViewError` otherwise.
        The view has one such LabView: opening another example shows that one in it (for a view of
        its own: ``LabView.of_events(program, view.model.events_of(index))``).
        (Without an index this is ipywidgets' `Widget.open`, which opens the widget's comm.)
        """
        if index is None:
            super().open()
            return None
        events = self.model.events_of(index)
        if events is None:
            summary = self.model.stats.examples.get(index)
            why = "it has not started" if summary is None else (
                f"it {summary.status} and was not sampled "
                f"(sample_size={self._sample_size}; failed runs are always kept)"
            )
            raise ViewError(f"Example {index}'s events were not kept: {why}")
        assert self._example is not None  # made in __init__
        self._opened_index = index
        self._example.show_events(events)  # mirrored into this view (`_mirror`)
        self._render()
        return self._example

    def close_example(self) -> None:
        """Stop showing the opened example."""
        self._close_opened()
        self._render()

    def close(self) -> None:
        """Stop any batch and close the widget."""
        self.stop()
        self._renderer.cancel()
        if self._example is not None:
            self._example.close()
        super().close()

    def __repr__(self) -> str:
        return f"BatchView({len(self._graph.nodes)} nodes, {self.status})"

    # -- the batch --------------------------------------------------------------------

    def _prepare(self, inputs: Any, metric: Metric | None, concurrency: int, options: dict[str, Any]) -> Batch[Any]:
        if self.running:
            raise ViewError("This view is already running a batch; stop() it first")
        return self.program.new_batch(inputs, concurrency=concurrency, metric=metric, **options)

    def _launch(self, batch: Batch[Any], *, background: bool = False) -> asyncio.Task[Any]:
        drive = self._drive(batch)
        task = (runner.run_background(drive, name="dspyer-lab BatchView batch") if background
                else asyncio.ensure_future(drive))
        self._blocking = not background and runner.blocking()
        self._task = task
        self.batch = batch
        self.model = BatchModel(
            batch.total, sample_size=self._sample_size, masker=self.masker, metric=batch.metric is not None
        )
        self.masker.learn(batch.inputs)  # every secret of the batch, before any example's summary or error quotes it
        self._query = TableQuery(size=self._query.size)
        self._close_opened()
        self._render()
        task.add_done_callback(self._settled)
        return task

    async def _drive(self, batch: Batch[Any]) -> list[Any]:
        async with contextlib.aclosing(batch.events()) as stream:
            async for index, event in stream:
                self.model.apply(index, event)
                if event.get("event") in ("error", "score"):
                    self._mask_failures(batch, [index])
                self._renderer.poke()
        return batch.outcomes()

    def _mask_failures(self, batch: Batch[Any], indices: Iterable[int]) -> None:
        """Mask, in place, the exceptions of the runs (and metrics) at `indices` that failed: `errors`, the
        outcomes `run` returns and ``batch.metric_errors`` then hold no secret the view knows."""
        for index in indices:
            for error in (batch.errors.get(index), batch.metric_errors.get(index)):
                if error is not None:
                    mask_exception(error, self.masker)

    def _settled(self, task: asyncio.Task[Any]) -> None:
        self._task = None
        self._blocking = False
        error = None if task.cancelled() else task.exception()
        state: BatchState = "cancelled" if task.cancelled() or isinstance(error, KeyboardInterrupt) else (
            "failed" if error is not None else "finished")
        if state != "finished" and self.batch is not None:  # failures recorded after the last event folded
            self._mask_failures(self.batch, {*self.batch.errors, *self.batch.metric_errors})
        self.model.end(state)
        self._renderer.flush()
        self.refresh_snapshot()

    # -- the opened example -------------------------------------------------------------

    def _example_sender(self, content: Any, buffers: Any = None) -> None:
        self.send({**content, "to": "example"}, buffers)

    def _mirror(self, change: Any = None) -> None:
        if self._example is not None and self._opened_index is not None:
            with self.hold_sync():
                self._open_picture = dict(self._example._picture)
                self._open_panel = self._example._panel

    def _close_opened(self) -> None:
        if self._opened_index is None:
            return
        self._opened_index = None
        with self.hold_sync():
            self._open_picture = {}
            self._open_panel = ""

    # -- rendering and clicks ------------------------------------------------------------

    def _render(self) -> None:
        panel = batch_json(self.model, self._drawing, self._query, self._opened_index)
        hint = "Stop the batch" if self.running else "No batch running"
        panel["stop"] = {
            "enabled": self.running and not self._blocking,
            "hint": STOP_HINT if self.running and self._blocking else hint,
        }
        with self.hold_sync():
            self._picture = heat_json(self.model.stats, self._drawing, self.model.state)
            self._panel = json.dumps(panel, ensure_ascii=False)

    def _on_message(self, content: Mapping[str, Any]) -> None:
        if content.get("to") == "example":
            if self._example is not None and self._opened_index is not None and content.get("type") not in (
                "snapshot", "need-runtime"):
                self._example._on_message(content)
            return
        kind = content.get("type")
        if kind == "table":
            self._query = self._query.changed(content)
            self._render()
        elif kind == "open" and isinstance(content.get("index"), int):
            with contextlib.suppress(ViewError):  # rows not kept are not clickable; a stale click does nothing
                self.open(content["index"])
        elif kind == "close-example":
            self.close_example()
        elif kind == "stop":
            self.stop()

    def _svg(self) -> str:
        return render_svg(self._drawing, {}, None)

    def _outline(self) -> str:
        return f"{describe(self._graph)}\n{self.status}"

    # -- the static output ----------------------------------------------------------------

    _outline_shown: str | None = None
    """The text outline (ending with the status line) of the output last published (display, update)."""

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            self._outline_shown = bundle[0].get("text/plain")
        return bundle

    def refresh_snapshot(self) -> None:
        """The batch ended: publish the output again if the status line its text ends with is stale.

        `SnapshotMixin.refresh_snapshot` republishes only when a node's drawn status changed (and, for a
        view a browser draws, leaves it to the browser's picture), and a batch changes none: its nodes stay
        idle, the heatmap is drawn in the page only, and no browser sends text. So the output kept the
        outline of its display, "... ready", in a saved notebook (nbclient's or JupyterLab's) and its
        exports. (JupyterLab makes the widget view again for the update, as for a LabView's run end.)
        """
        if self._snapshot_display_id is None:
            return
        if self._outline() == self._outline_shown:
            return
        from IPython.display import update_display

        bundle = self._repr_mimebundle_()
        if bundle is not None:
            data, metadata = bundle
            update_display(data, metadata=metadata, raw=True, display_id=self._snapshot_display_id)
