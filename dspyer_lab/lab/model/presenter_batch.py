"""BatchPresenter: everything a BatchView does, without a widget: the batch, its table, the opened example.

The batch's ``(index, event)`` stream (`Batch.events`) is folded into a `BatchModel` (core
`BatchStats`) the moment each pair arrives; `render()` derives what the browser shows from it: the
graph's picture as a heatmap (`heat_json`), one page of the example table with the progress line
(`batch_json`), and the opened example's parts. The opened example is a `LabPresenter` of its kept
events (one, made with this presenter); `handle` passes it the messages tagged ``"to": "example"``
and tags its replies the same. The owner hears of changes through one callback, ``on_change(ended)``,
called at most `refresh_rate` times a second while events stream and once when the batch ends.

Every example's run is written to the batch's store as it runs (`labstore`), sampled or not, and the
batch itself once it ended (finished, failed or stopped: `RunStore.save_batch`, under `batch_id`), with
its counts and mean score and, per input index, its run id and score.

An example that asks a person (`interrupt()`, a `HumanNode`) waits in the review queue (`review_json`) until
`answer` (or the queue's form) answers it: the batch resumes it (`Batch.answer`), the others keep running.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...core.batch import Batch, Metric
from ...core.exceptions import DspyerLabError, StoreError
from ...core.executor import BatchExecutor
from ...core.graph import Graph
from ...core.program import AgentTranspiler
from ...core.recording import program_name
from .. import runner
from ..adapter import as_graph
from ..dot import Drawing, build_drawing
from ..masking import mask_exception
from ..textview import DEFAULT_SECRET_PATTERNS, Masker
from .answerform import AnswerError, check_unmasked, sent_answer
from .batchmodel import BatchModel, BatchState, TableQuery, batch_json, heat_json, progress_text
from .labstore import StoreChoice, recording_into, store_for, view_store, where
from .presenter import STOP_HINT, LabPresenter, OnChange, Presenter, Rendered
from .presenter_errors import ViewError, ViewProgramError
from .store import RunStore

__all__ = ["BATCH_STOPPED", "BatchPresenter", "BatchRendered"]

BATCH_STOPPED = "batch stopped from the BatchView (Stop button or view.stop())"
"""The message of the `asyncio.CancelledError` a stopped batch raises."""


@dataclass(frozen=True)
class BatchRendered:
    """What a BatchView shows, as JSON-ready dicts."""

    picture: dict[str, Any]
    """`heat_json`: the heatmap drawn on the graph."""
    panel: dict[str, Any]
    """`batch_json` plus the Stop button: progress, node table, the page of examples."""
    example: Rendered | None
    """The opened example's picture and panel parts (None when none is opened)."""


class BatchPresenter(Presenter):
    """Run a compiled program (or a `Graph`, compiled on first use) over many inputs; see `BatchView`.

    `store`: where its runs and batches are written (`labstore.store_for`). `executor`: where the batch's runs
    execute (None: this event loop; a `RayExecutor`: on Ray, the same stream folded and stored here)."""

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
        on_change: OnChange | None = None,
        executor: BatchExecutor | None = None,
    ) -> None:
        if not isinstance(program, Graph) and not hasattr(program, "new_batch"):
            kind = f"{type(program).__module__}.{type(program).__name__}"
            raise ViewProgramError(f"BatchView runs a dspyer_lab Graph or compiled program, got {kind}")
        if store is not None and store is not True:
            store_for(store)  # a wrong kind of value (or a file that cannot be opened) is refused here
        super().__init__(on_change, refresh_rate)
        self._store_choice = store
        self.executor = executor
        """Where batches run (None: this event loop)."""
        self.store: RunStore | None = None
        """The store the last batch was written to (None: none run yet, or not stored)."""
        self.batch_id: str | None = None
        """The last batch's id in `store` (`RunStore.batches`); None before a batch, or when it is not stored."""
        self._started_at = 0.0
        self._store_error: str | None = None
        self._program: Any = program
        self.graph: Graph = as_graph(program)
        """The graph the batch runs."""
        self.drawing: Drawing = build_drawing(self.graph)
        """The DOT and the id <-> name map of its drawing."""
        self._sample_size = sample_size
        self.masker = Masker(secret_patterns)
        """Masks secret-looking input fields in everything shown (shared with the opened example)."""
        self.model = BatchModel(0, sample_size=sample_size, masker=self.masker)
        """The batch model of the last batch (`model.stats` is its `BatchStats`)."""
        self.batch: Batch[Any] | None = None
        """The last batch run (`batch.results`, `batch.errors`, `batch.scores` by input index)."""
        self.example: LabPresenter[Any] = LabPresenter(program, masker=self.masker, store=False, models=models)
        """What shows the opened example (`open`): one presenter, the runs it shows replaced on each open."""
        self.example.show_past([])
        self.example.on_change = self._example_changed
        self._opened: int | None = None
        self._query = TableQuery(size=page_size)
        self._task: asyncio.Task[Any] | None = None
        self._blocking = False
        self._refused: dict[str, Any] | None = None  # the last answer from the queue that was refused
        self._resuming: dict[int, asyncio.Future[None]] = {}  # answered examples, until they settle again
        self._answering: set[asyncio.Task[Any]] = set()  # the queue's answers being given (kept from the GC)

    # -- what it shows ------------------------------------------------------------------

    @property
    def program(self) -> Any:
        """The compiled program (a `Graph` given to the view is compiled here, once)."""
        if isinstance(self._program, Graph):
            self._program = AgentTranspiler.compile(self._program)
        return self._program

    @property
    def running(self) -> bool:
        """Whether a batch is in progress (from `run`/`start` until it is shown how it ended)."""
        return self._task is not None

    async def wait(self) -> None:
        """Return once no batch runs here (every example ended, or waits for a person, or the batch was stopped).
        Answers may start the batch's stream again: this waits for that one too."""
        while self._task is not None:
            await asyncio.wait([self._task])

    @property
    def task(self) -> asyncio.Task[Any] | None:
        """The task following the batch's stream while it runs (None otherwise); an answer may start another."""
        return self._task

    @property
    def status(self) -> str:
        """The progress line (``finished · 40/40 done · 3 failed · 12.5/s · mean score 0.700``)."""
        return progress_text(self.model.stats.progress(), self.model.state)

    @property
    def opened(self) -> int | None:
        """The index of the example shown below the table (`open`), if any."""
        return self._opened

    def render(self) -> BatchRendered:
        """The heatmap, the panel (one page of the table) and the opened example's parts."""
        panel = batch_json(self.model, self.drawing, self._query, self._opened, self._refused)
        hint = "Stop the batch" if self.running else (
            "End the examples waiting for an answer (marked cancelled)" if self.model.waiting else "No batch running")
        panel["stop"] = {
            "enabled": (self.running and not self._blocking) or (not self.running and bool(self.model.waiting)),
            "hint": STOP_HINT if self.running and self._blocking else hint,
        }
        panel["where"] = self.executor.label if self.executor is not None else ""
        panel["store"] = self._store_error or (
            f"batch {self.batch_id} stored in {where(self.store)}" if self.store is not None else None)
        return BatchRendered(
            picture=heat_json(self.model.stats, self.drawing, self.model.state),
            panel=panel,
            example=self._example_rendered(panel["review"]) if self._opened is not None else None,
        )

    def _example_rendered(self, review: Mapping[str, Any]) -> Rendered:
        """The opened example's render; waiting for a person, with the queue's answer form in its paused bar."""
        shown = self.example.render()
        row = next((r for r in review["rows"] if r["index"] == self._opened), None)
        paused = self.model.waiting.get(self._opened) if self._opened is not None else None
        if row is not None and paused is not None:
            shown.head["debug"]["paused"] = {"node": paused.get("node"), "when": "interrupt", "asks": row["asks"],
                                             "enabled": True, "fields": [], "key": f"example:{self._opened}"}
        return shown

    # -- what it runs ---------------------------------------------------------------------

    def launch(
        self, inputs: Iterable[Mapping[str, Any] | Any], metric: Metric | None, concurrency: int,
        options: Mapping[str, Any], *, background: bool = False,
    ) -> asyncio.Task[list[Any]]:
        """Start the batch (refused at once: bad inputs or options, a batch in progress) and return its task."""
        if self.running:
            raise ViewError("This view is already running a batch; stop() it first")
        batch = self.program.new_batch(inputs, concurrency=concurrency, metric=metric, executor=self.executor, **options)
        self.masker.learn(batch.inputs)  # every secret of the batch, before any example's summary or error quotes it
        batch.mask_events = self.masker.mask  # a remote executor's workers mask what they send back
        self.store, note = view_store(self._store_choice)
        self.batch_id = uuid.uuid4().hex[:12] if self.store is not None else None
        self._started_at = time.time()
        self._store_error = note if self.store is None and note else None
        task = self._follow(batch, background)
        self.batch = batch
        self.model = BatchModel(
            batch.total, sample_size=self._sample_size, masker=self.masker, metric=batch.metric is not None
        )
        self.example.use_context(contextvars.copy_context())  # an opened example's clicks use the batch's settings
        self._query = TableQuery(size=self._query.size)
        self._opened = None
        self._changed()
        return task

    def _follow(self, batch: Batch[Any], background: bool) -> asyncio.Task[list[Any]]:
        """Follow `batch`'s events (`_drive`) in the task `stop` cancels, shown how it ended once it is done."""
        drive = self._drive(batch)
        task = (runner.run_background(drive, name="dspyer-lab BatchView batch") if background
                else asyncio.ensure_future(drive))
        self._blocking = not background and runner.blocking()
        self._task = task
        task.add_done_callback(self._settled)
        return task

    def _resume_answered(self) -> None:
        """Follow the batch again for the answers given once its stream had ended (every other example ended or
        waited): its next `events()` resumes them."""
        batch = self.batch
        if batch is None or self.running or not any(batch.status(i) == "running" for i in self.model.waiting):
            return
        self.model.state = "running"
        self._follow(batch, background=False)
        self._changed()

    async def answer(self, index: int, value: Any) -> Any:
        """Answer the question example `index` waits at (see `BatchView.answer`); it goes on in the batch, and this
        returns once it settles: its result, its exception, or None when it waits again (or the batch stopped)."""
        paused = self.model.waiting.get(index)
        if self.batch is None or paused is None:
            raise AnswerError(f"example {index} does not wait for an answer"
                              + (f" (waiting: {', '.join(map(str, sorted(self.model.waiting)))})" if self.model.waiting else ""))
        check_unmasked(value)
        if self._refused is not None and self._refused.get("index") == index:
            self._refused = None
        batch = self.batch
        settled = self._resuming[index] = asyncio.get_running_loop().create_future()
        try:
            await batch.answer(index, value)
            self._resume_answered()  # the batch's stream ended already: a new one resumes it
            await settled
        finally:
            self._resuming.pop(index, None)
        self._throttle.flush()  # what the caller reads next (the panel, the queue) shows it settled
        return {"finished": batch.results.get(index), "failed": batch.errors.get(index)}.get(batch.status(index))

    def stop(self) -> bool:
        """Stop the batch in progress (on the loop's next turn, once the events sent are folded); False when none runs."""
        if self._task is None or self._task.done():
            return self._stop_waiting()
        self._task.get_loop().call_soon(self._task.cancel, BATCH_STOPPED)
        return True

    def _stop_waiting(self) -> bool:
        """End the examples waiting for an answer while nothing runs (marked cancelled); False when none waits."""
        if not self.model.waiting:
            return False
        self.model.end("cancelled")
        self._save_batch("cancelled")
        self._ended = True
        self._throttle.flush()
        return True

    def open(self, index: int) -> LabPresenter[Any]:
        """Show example `index`'s kept run below the table (the failed node instance selected, when it failed); the
        presenter that shows it (`ViewError`: not kept)."""
        events = self.model.events_of(index)
        if events is None:
            summary = self.model.stats.examples.get(index)
            why = "it has not started" if summary is None else (
                f"it {summary.status} and was not sampled "
                f"(sample_size={self._sample_size}; failed runs are always kept)"
            )
            raise ViewError(f"Example {index}'s events were not kept: {why}")
        self._opened = index
        self.example.show_events(events, ours=True)  # tells this presenter's owner (`_example_changed`)
        failed = self.example.run_log.failed_visit
        if failed is not None:  # the instance that failed (one of a map's, say) is what the user opened it for
            self.example.select(visit=failed.index)
        return self.example

    def close_example(self) -> None:
        """Stop showing the opened example."""
        self._opened = None
        self._changed()

    def close(self) -> None:
        """Stop any batch and the pending refresh."""
        self.stop()
        self._throttle.cancel()
        self.example.close()

    # -- clicks -------------------------------------------------------------------------------

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        """Do what a browser message asks; the reply to send back, if any (the example's tagged ``"to": "example"``)."""
        if message.get("to") == "example":
            if self._opened is None:
                return None  # nothing shown: nothing to click
            if message.get("type") == "answer":  # its form is the queue's: the batch resumes it
                self._answer_clicked(self._opened, message)
                return None
            reply = self.example.handle(message)
            return None if reply is None else {**reply, "to": "example"}
        kind = message.get("type")
        if kind == "table":
            self._query = self._query.changed(message)
            self._changed()
        elif kind == "open" and isinstance(message.get("index"), int):
            with contextlib.suppress(ViewError):  # rows not kept are not clickable; a stale click does nothing
                self.open(message["index"])
        elif kind == "answer" and isinstance(message.get("index"), int):
            self._answer_clicked(message["index"], message)
        elif kind == "close-example":
            self.close_example()
        elif kind == "stop":
            self.stop()
        return None

    def _answer_clicked(self, index: int, message: Mapping[str, Any]) -> None:
        """The review queue's Submit ({index, id, values | json}): refused answers show beside their field."""
        iid = str(message.get("id"))
        try:
            value = sent_answer(self.model.waiting.get(index), self.masker, message)
            asyncio.get_running_loop()
        except (DspyerLabError, RuntimeError) as exc:
            self._refuse(index, iid, exc)
            return
        task = asyncio.ensure_future(self.answer(index, value))
        self._answering.add(task)
        task.add_done_callback(lambda t: self._answered(t, index, iid))

    def _answered(self, task: asyncio.Task[Any], index: int, iid: str) -> None:
        self._answering.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            self._refuse(index, iid, error)

    def _refuse(self, index: int, iid: str, error: BaseException) -> None:
        field = error.field if isinstance(error, AnswerError) else None
        self._refused = {"index": index, "id": iid, "field": field, "message": self.masker.mask_text(str(error))}
        self._changed()

    # -- the batch --------------------------------------------------------------------------

    async def _drive(self, batch: Batch[Any]) -> list[Any]:
        with recording_into(self.store, batch.program):  # the example runs start in tasks made inside
            async with contextlib.aclosing(batch.events()) as stream:
                async for index, event in stream:
                    self.model.apply(index, event)
                    if index in self._resuming and event.get("event") in ("finished", "error", "paused"):
                        _settle(self._resuming.pop(index))
                    if event.get("event") in ("error", "score"):
                        self._mask_failures(batch, [index])
                    self._throttle.poke()
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
            "failed" if error is not None else "waiting" if self.model.waiting else "finished")
        if state != "finished" and self.batch is not None:  # failures recorded after the last event folded
            self._mask_failures(self.batch, {*self.batch.errors, *self.batch.metric_errors})
        self.model.end(state)
        self._save_batch(state)
        self._ended = True
        self._throttle.flush()
        if state == "waiting":
            self._resume_answered()  # an answer given as the stream ended
        if self._task is None:  # nothing follows the batch now: answered examples that did not settle never will
            for waiting in self._resuming.values():
                _settle(waiting)
            self._resuming.clear()

    def _save_batch(self, state: BatchState) -> None:
        """Write the batch that ended to its store: counts and mean score, and each started example's run and score."""
        if self.store is None or self.batch is None or self.batch_id is None:
            return
        stats, scores = self.model.stats, self.batch.scores
        progress = stats.progress()
        summary = {key: progress[key] for key in ("total", "done", "finished", "failed", "cancelled", "mean_score")}
        summary["scored"] = len(scores)
        try:
            self.store.save_batch(
                self.batch_id, program=program_name(self.batch.program), started=self._started_at, ended=time.time(),
                status=state, scores=summary,
                examples=[(i, example.run_id or None, scores.get(i)) for i, example in sorted(stats.examples.items())],
            )
        except StoreError as exc:  # the batch is over and shown; the panel says it is not stored
            self._store_error = f"batch not stored: {self.masker.mask_text(str(exc))}"

    # -- telling the owner --------------------------------------------------------------------

    def _example_changed(self, ended: bool) -> None:
        if self._opened is not None:  # the example presenter holds an old run until one is opened
            self._changed()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
