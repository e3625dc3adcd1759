"""BatchView: a program run over a dataset, watched as a progress bar, a heatmap on the graph and a table of examples.

ONE anywidget (``_kind`` "batch" of the same ESM, js/src/ui/batch.js) over a `BatchPresenter`
(dspyer_lab.lab.model.presenter_batch), which runs the batch, folds its events into a `BatchModel`
and renders the heatmap (`heat_json`) and one page of the example table with the progress line
(`batch_json`), at most `refresh_rate` times a second and once more at the end. Sorting, filtering
and paging are custom messages; the kernel sends only the page asked for.

A click on a row opens that example's run (its kept events, see `BatchStats`) in the presenter's
`LabPresenter` for examples (what a `LabView` shows, without a widget), drawn *inside* the
BatchView, below the table: the BatchView syncs its parts (``_open_picture``, ``_open_panel``,
see `OpenedRunView`), and the browser's clicks on it arrive tagged ``"to": "example"`` (its replies go
back tagged the same). So it works wherever the BatchView itself renders (JupyterLab, Notebook 7, marimo), with no
child widget; `open` returns that presenter to script (``LabView.of_events(program,
view.model.events_of(i))`` is a view of its own).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, overload

import traitlets

from ...core.batch import Batch, Metric
from ...core.executor import BatchExecutor
from .. import runner
from ..dot import describe, render_svg
from ..model.answerform import pending
from ..model.batchmodel import BatchModel
from ..model.labstore import StoreChoice
from ..model.presenter import LabPresenter
from ..model.presenter_batch import BATCH_STOPPED, BatchPresenter
from ..model.presenter_errors import ViewError
from ..model.store import RunStore
from ..textview import DEFAULT_SECRET_PATTERNS, Masker
from .opened import OpenedRunView
from .outline_still import OutlineStill

__all__ = ["BATCH_STOPPED", "EXPORTED_EXAMPLES", "BatchView"]

EXPORTED_EXAMPLES = 20
"""Examples' runs a batch's HTML export carries at most (each is a whole replay: ~10-500 KB)."""


class BatchView(OpenedRunView, OutlineStill):
    """Run a compiled program (or a `Graph`, compiled on first use) over many inputs and see where it fails.

    `sample_size` finished runs are kept whole besides every failed one (see `BatchStats`);
    `page_size` rows of the example table go to the browser at a time; values of secret-looking
    input fields (`secret_patterns`, see `Masker`) are masked wherever they are shown, wherever else
    they appear as text in the stats (error messages) and in the exceptions of failed runs (`errors`, the
    outcomes `run` returns), which are rewritten in place as a `LabView` does for the one it re-raises.
    Results are the runs' own (unmasked) outputs, as `LabView.run` returns them.
    Every example's run, and the batch with its scores (`batch_id`), go to `store` (as a `LabView`'s ``store=``:
    None the lab's store, False none, a path or a `RunStore`). An opened example's Calls tab sends a call again to
    the batch's model or one of `models` (as a `LabView`'s ``models=``), with the batch's DSPy settings.
    `executor` runs the batches elsewhere (`RayExecutor(...)`): the view shows where, and follows, stores and opens
    their examples as a local batch's.
    """

    _panel = traitlets.Unicode(
        "{}", help="JSON of batchmodel.batch_json: progress, node table, the page of examples"
    ).tag(sync=True)

    presenter: BatchPresenter

    def __init__(
        self,
        program: Any,
        *,
        sample_size: int = 50,
        page_size: int = 20,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        refresh_rate: float = 10.0,
        store: StoreChoice = None,
        models: Mapping[str, Any] | None = None,
        executor: BatchExecutor | None = None,
        **kwargs: Any,
    ) -> None:
        presenter = BatchPresenter(program, sample_size=sample_size, page_size=page_size,
                                   secret_patterns=secret_patterns, refresh_rate=refresh_rate, store=store,
                                   models=models, executor=executor)
        super().__init__(_kind="batch", _layout=self._layout_of(presenter.drawing), **kwargs)
        self.presenter = presenter
        """What the view shows and does, without the widget (render, handle, the batch and the opened example)."""
        presenter.on_change = self._presented
        self._presented(False)

    # -- public API -----------------------------------------------------------------

    @property
    def program(self) -> Any:
        """The compiled program (a `Graph` given to the view is compiled here, once)."""
        return self.presenter.program

    @property
    def masker(self) -> Masker:
        """Masks secret-looking input fields in everything shown (shared with every opened example)."""
        return self.presenter.masker

    @property
    def model(self) -> BatchModel:
        """The batch model of the last batch (`model.stats` is its `BatchStats`)."""
        return self.presenter.model

    @property
    def batch(self) -> Batch[Any] | None:
        """The last batch run (`batch.results`, `batch.errors`, `batch.scores` by input index)."""
        return self.presenter.batch

    @property
    def running(self) -> bool:
        """Whether a batch is in progress (from `run`/`start` until the view shows how it ended)."""
        return self.presenter.running

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
    def batch_id(self) -> str | None:
        """The id the batch is stored under (`RunStore.batches`, `CompareView`); None before a batch or without a store."""
        return self.presenter.batch_id

    @property
    def store(self) -> RunStore | None:
        """The run store this view's batches go to (None: not stored; see ``store=``)."""
        return self.presenter.store

    @property
    def status(self) -> str:
        """The progress line (``finished · 40/40 done · 3 failed · 12.5/s · mean score 0.700``)."""
        return self.presenter.status

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
        return self.presenter.opened

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
        return await self.presenter.launch(inputs, metric, concurrency, options)

    def start(
        self,
        inputs: Iterable[Mapping[str, Any] | Any],
        metric: Metric | None = None,
        concurrency: int = 16,
        **options: Any,
    ) -> asyncio.Task[list[Any]]:
        """Start `run` in the background (the cell returns; the Stop button works) and return its task."""
        return self.presenter.launch(inputs, metric, concurrency, options, background=True)

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
        return self.presenter.stop()

    async def wait(self) -> None:
        """Return once the batch no longer runs (every example ended, or waits for a person, or it was stopped),
        answered examples included; then `status`, `results` and `errors` say how each ended."""
        await self.presenter.wait()

    @property
    def waiting(self) -> dict[int, list[dict[str, Any]]]:
        """Example index -> the questions it waits on for a person (as in its ``paused`` event: ``id``, ``node``,
        ``kind``, ``value``, ``prompt``, ``schema``, ``inputs``), oldest first: the review queue."""
        queue = sorted(self.model.waiting.items(), key=lambda item: (item[1].get("ts") or 0, item[0]))
        return {index: pending(paused) for index, paused in queue}

    async def answer(self, index: int, value: Any) -> Any:
        """Answer the question example `index` waits at (the review queue's Submit): it goes on in the batch while
        the others keep running, and this returns once it settles: its typed result, its exception (as `abatch`
        puts it in its place), or None when it waits again. `value` as for `LabView.answer` (``{interrupt_id:
        value}`` when several wait). Raises `AnswerError` when it waits for nothing, or the answer holds the mask of
        a secret it was shown."""
        return await self.presenter.answer(index, value)

    @overload
    def open(self) -> None: ...

    @overload
    def open(self, index: int) -> LabPresenter[Any]: ...

    def open(self, index: int | None = None) -> LabPresenter[Any] | None:
        """Show example `index`'s run below the table, and return what shows it: a `LabPresenter` (a
        `LabView` without the widget: ``status``, ``run_log``, ``events``, ``panel``, ``select``, ``seek``, ...).

        Its events must be kept: every failed, rate-limited or cancelled example, the sampled
        finished ones, and the runs in flight (shown as far as they got). Raises `ViewError` otherwise.
        The view has one such presenter: opening another example shows that one in it (for a view of
        its own: ``LabView.of_events(program, view.model.events_of(index))``).
        (Without an index this is ipywidgets' `Widget.open`, which opens the widget's comm.)
        """
        if index is None:
            super().open()
            return None
        return self.presenter.open(index)

    def to_html(self, path: str | Path | None = None, *, title: str | None = None,
                max_examples: int = EXPORTED_EXAMPLES) -> str:
        """ONE self-contained HTML file of the batch (no kernel, no network): its summary as a still part (the
        progress line, the graph, the node table) and up to `max_examples` kept examples' runs, each replayable
        by picking it (the failed, rate-limited or cancelled ones first, then the sampled finished ones, by
        index), masked as saved runs are. Returns the document; with `path`, also writes it there at once.
        """
        from ..model.export import export_batch_html, write_html

        if self.running:
            raise ViewError("A batch is in progress: export it once it is over")
        examples = sorted(self.model.stats.examples.values(), key=lambda e: (e.status == "finished", e.index))
        runs: list[tuple[str, LabPresenter[Any]]] = []
        for example in examples:
            if len(runs) >= max_examples:
                break
            events = self.model.events_of(example.index)
            if events is None:  # not kept: no run to replay
                continue
            shown: LabPresenter[Any] = LabPresenter(self.presenter.graph, masker=self.masker, store=False)
            shown.show_past(events)
            where = f" at {example.node}" if example.node and example.status != "finished" else ""
            runs.append((f"#{example.index} {example.status}{where}", shown))
        picture = self.snapshot or self._rendered_locally() or ""  # the browser's heatmap when one drew it
        document = export_batch_html(picture, self.panel, runs, title=title)
        if path is not None:
            write_html(document, path)
        return document

    def close_example(self) -> None:
        """Stop showing the opened example."""
        self.presenter.close_example()

    def close(self) -> None:
        """Stop any batch and close the widget."""
        presenter = getattr(self, "presenter", None)  # none while a refused `__init__` unwinds
        if presenter is not None:
            presenter.close()
        super().close()

    def __repr__(self) -> str:
        return f"BatchView({len(self.presenter.graph.nodes)} nodes, {self.status})"

    # -- rendering and clicks ------------------------------------------------------------

    def _presented(self, ended: bool) -> None:
        """The presenter says something changed: sync what it renders (and the output once the batch ended)."""
        shown = self.presenter.render()
        with self.hold_sync():  # a trait set to what it holds is not sent again
            self._picture = shown.picture
            self._panel = json.dumps(shown.panel, ensure_ascii=False)
            self._show_opened(shown.example)
        if ended:
            self.refresh_snapshot()

    def _svg(self) -> str:
        return render_svg(self.presenter.drawing, {}, None)

    def _outline(self) -> str:
        return f"{describe(self.presenter.graph)}\n{self.status}"
