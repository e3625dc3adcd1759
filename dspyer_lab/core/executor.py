"""Where a batch's runs execute: the executor seam behind `program.abatch(..., executor=...)`.

A `Batch` asks its executor for one stream: ``(index, event)`` pairs as the runs progress, each
run's events in order, and, for a run that ended elsewhere, an `Outcome` just before its
``finished`` / ``error`` / ``score`` event (its result, exception or score, which the batch files
by index). The default, `LocalExecutor`, runs every input on this event loop (the batch's own
machinery, which files outcomes itself). Another engine (`dspyer_lab.core.ray_executor.RayExecutor`)
runs shards of the inputs elsewhere and streams the same pairs back, so everything that folds a
batch's stream (`Batch.run`, `BatchStats`, the lab's BatchView and run store) works unchanged.

Closing the stream (the consumer breaks out, is cancelled, or `run(return_exceptions=False)`
stops at a failure) must stop everything the executor started: that is what cancelling a
batch means. Every input must end finished, failed (its exception in an `Outcome`) or, when the
stream is closed early, cancelled.

Runs that execute in another process are recorded here, on the driver, from their streamed
events (`RemoteRecordings`): the core's recording hook (the lab's run store, OpenTelemetry) sees
them as it sees a local run.

To add an engine (Dask, a process pool): subclass `BatchExecutor`, implement `execute` over shards
that each call ``program.new_batch(shard, ...).events()`` in a worker, and send back the pairs with
the `Outcome` of every run that ended.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .events import RunEvents
from .exceptions import DspyerLabError
from . import recording
from .recording import RunRecording, recording_for

if TYPE_CHECKING:
    from .batch import Batch, _Item
    from .engine import RunOptions

__all__ = ["BatchExecutor", "LocalExecutor", "Outcome", "RemoteRecordings", "WorkerLostError"]


@dataclass(frozen=True)
class Outcome:
    """How input `index` ended elsewhere: sent just before the event that says so.

    `kind` ``"result"`` (`value`: the typed output), ``"error"`` (`value`: the run's exception)
    or ``"score"`` (`value`: the metric's float, or its exception in `metric_error`).
    """

    index: int
    kind: str
    value: Any = None
    metric_error: Exception | None = None


class BatchExecutor(ABC):
    """Runs a batch's inputs somewhere and streams back what happens (see the module's docstring)."""

    @property
    def label(self) -> str:
        """Where batches run, as the lab says it (``"on Ray · 2 workers"``); empty for this process."""
        return ""

    @abstractmethod
    def execute(self, batch: Batch[Any]) -> AsyncGenerator[_Item | Outcome, None]:
        """Run every input of `batch`; yield ``(index, event)`` pairs, and an `Outcome` before a remote run's end.

        An async generator: closing it stops (and waits for) everything it started."""


class LocalExecutor(BatchExecutor):
    """Every input on this event loop, at most ``batch.concurrency`` at a time (the default)."""

    def execute(self, batch: Batch[Any]) -> AsyncGenerator[_Item | Outcome, None]:
        return batch._run_here()

    def __repr__(self) -> str:
        return "LocalExecutor()"


class WorkerLostError(DspyerLabError, RuntimeError):
    """The worker process running a batch input died (killed, out of memory, crashed) on every attempt."""

    def __init__(self, index: int, attempts: int, cause: str) -> None:
        super().__init__(index, attempts, cause)
        self.index = index
        """The batch input."""
        self.attempts = attempts
        """How many times it was started on a worker that then died."""
        self.cause = cause
        """What the engine said about the last death (first line)."""

    def message(self) -> str:
        return (f"batch input {self.index} was lost with its worker {self.attempts} time(s) "
                f"(max_retries exhausted): {self.cause}")


@dataclass
class _RemoteRun:
    """What the recording hook reads of a run (`Run`'s attributes) for a run that executes in another process."""

    run_id: str
    program: Any
    inputs: dict[str, Any]
    options: RunOptions
    resume: None = None
    fork: bool = False

    @property
    def graph(self) -> Any:
        return self.program.graph


class RemoteRecordings:
    """The driver-side recordings of a batch's remote runs, fed from the stream (one per run in progress).

    Each run's recording starts at its ``run_start`` (the core's `recording_for`, with the batch's
    ``_record`` option) and closes after its ``finished`` or ``error``, or at `close_run` / `close_all`
    (a run whose worker died, or a batch stopped: the recording then says it did not end).
    `next_events` gives what a lost run's closing ``error`` is made with (its run id, next seq).
    """

    def __init__(self, batch: Batch[Any]) -> None:
        self._program = batch.program
        self._options = batch.program.new_run(**batch.options).options
        self._open: dict[int, tuple[str, int, RunRecording | None]] = {}  # index -> run id, next seq, recording

    @property
    def wanted(self) -> bool:
        """Whether a run may be recorded (``_record``, an active sink, a watching sink): then every event must come."""
        return bool(self._options.record) or recording.active_sink() is not None or recording.watching()

    def event(self, index: int, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        if kind == "run_start":
            self.close_run(index)
            run = _RemoteRun(str(event["run_id"]), self._program, dict(event.get("inputs") or {}), self._options)
            self._open[index] = (run.run_id, 0, recording_for(run, self._options.record))  # type: ignore[arg-type]
        entry = self._open.get(index)
        if entry is None or entry[0] != event.get("run_id"):
            return
        run_id, _, recording = entry
        self._open[index] = (run_id, int(event.get("seq", 0)) + 1, recording)
        if recording is not None and kind not in ("score", "model_retry"):  # the batch's, not the run's stream
            recording.event(event)  # type: ignore[arg-type]
        if kind in ("finished", "error"):
            self.close_run(index)

    def next_events(self, index: int) -> RunEvents | None:
        """The event maker of `index`'s run in progress (its run id, the next seq); None when none is."""
        entry = self._open.get(index)
        return RunEvents(entry[0], entry[1]) if entry is not None else None

    def close_run(self, index: int) -> None:
        entry = self._open.pop(index, None)
        if entry is not None and entry[2] is not None:
            entry[2].close()

    def close_all(self) -> None:
        for index in list(self._open):
            self.close_run(index)
