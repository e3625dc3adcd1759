"""Running one program over many inputs: `Batch`, behind `program.abatch`, `.batch` and `.abatch_stream`.

One path: `Batch.events()` runs the inputs, at most `concurrency` at a time, and yields
``(index, event)`` pairs; `Batch.run()` (and so `abatch`) only drives it. Each run is the
ordinary engine run of `program.new_run` (its events are the run's contract events, in
order), so a batch behaves exactly like that many `aforward` calls.

Besides the run events, a batch stream carries two kinds of its own, made in the run's
own sequence (same ``run_id``, next ``seq``):

- ``model_retry``: the model client (a `dspy.LM` with ``num_retries``) failed with a transient
  error and retries after a backoff; ``rate_limited`` is true for HTTP 429. This is not a
  node failure: the node's attempt goes on once the client gets an answer.
- ``score``: the batch's `metric(example, prediction)` of a finished run.

Runs are independent: a failure is recorded at its index and the others go on. Stopping the
stream (breaking out, cancelling the consumer, or `run(return_exceptions=False)` after the
first failure) cancels every run in flight and waits for them, so nothing is left running;
what finished stays in `batch.results` / `batch.errors`.

A run that asks a person (`interrupt()`, a `HumanNode`) is ``waiting``: its run's stream ends with its
``paused`` event, the batch keeps its checkpoint and questions (`waiting()`, oldest first) and the other
inputs go on. ``await batch.answer(index, answer)`` resumes it inside the batch: while `events()` is being
iterated its events follow under the same index; after the stream ended, the next `events()` (or `run()`)
resumes it. So the stream ends when every run has ended or waits with no answer given: a script answers
from inside its ``async for``, a view whenever a person answers, and `run()` never waits for a person (a
waiting run's `RunPaused` stands in its place). Stopping the batch cancels the waiting runs too.

Where the runs execute is the batch's `executor` (core/executor.py): this event loop by default,
or another engine (`RayExecutor`) that streams the same pairs back.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import numbers
import threading
import time
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import dspy

from .correction import CURRENT_CALL
from .events import BatchEvent, ErrorEvent, Event, Interrupt, ModelRetry, Score
from .executor import BatchExecutor, LocalExecutor, Outcome
from .exceptions import (
    ArgumentTypeError,
    BatchIndexError,
    BatchInputError,
    BatchStateError,
    InterruptError,
    MetricError,
    OptionValueError,
    RunPaused,
)
from .human import match_answers

if TYPE_CHECKING:
    from .engine import Run
    from .program import TranspiledProgram

__all__ = ["Batch", "BatchStatus", "Metric", "Waiting", "observe_model_retries"]

T = TypeVar("T")

Metric = Callable[[Any, Any], Any]
"""`metric(example, prediction) -> bool | float` (or an awaitable of one), as for `dspy.Evaluate`."""

BatchStatus = Literal["pending", "running", "waiting", "finished", "failed", "cancelled"]
"""Where one input of a batch is: not started, running, waiting for a person's answer, done (ok or failed), or
stopped mid-run."""

_Item = tuple[int, Event | BatchEvent]


@dataclass(frozen=True)
class Waiting:
    """An input of a batch whose run waits for a person (`Batch.waiting`)."""

    index: int
    interrupts: Sequence[Interrupt]
    """The questions (`dspyer_lab.core.events.Interrupt`): ids, values, a `HumanNode`'s prompt, schema and inputs."""
    since: float
    """When it started waiting (Unix seconds)."""
    paused: RunPaused
    """The pause itself: its `checkpoint` resumes the run (`Batch.answer` does that for you)."""


class Batch(Generic[T]):
    """A program run over a list of inputs. Not started until `events()` (or `run()`) is iterated.

    Make one with `program.new_batch(inputs, concurrency=16, metric=None, **options)`. Results
    fill in as runs end, keyed by input index, so they survive a cancelled batch:
    `results` (typed outputs), `errors` (the exception of each failed run), `scores`.
    """

    def __init__(
        self,
        program: TranspiledProgram[T],
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        metric: Metric | None = None,
        options: Mapping[str, Any] | None = None,
        executor: BatchExecutor | None = None,
    ) -> None:
        if isinstance(inputs, (Mapping, str, bytes)):
            raise ArgumentTypeError(
                "inputs",
                f"inputs must be a list of dicts or dspy.Examples, got one {type(inputs).__name__}; "
                "wrap a single input in a list",
            )
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise OptionValueError("concurrency", concurrency, "a positive integer")
        if executor is not None and not isinstance(executor, BatchExecutor):
            raise ArgumentTypeError(
                "executor", f"executor must be a BatchExecutor (such as RayExecutor(...)) or None, got {executor!r}"
            )
        if metric is not None and not callable(metric):
            raise ArgumentTypeError("metric", f"metric must be a callable metric(example, prediction), got {metric!r}")
        options = dict(options or {})
        unknown = [k for k in options if not k.startswith("_")]
        if unknown:
            raise ArgumentTypeError(
                str(unknown[0]),
                f"Unexpected keyword(s) {', '.join(map(repr, unknown))}: per-call options start with '_' "
                "(such as _max_steps) and apply to every run; inputs go in the list",
            )
        program.new_run(**options)  # checks the options once (unknown names, bad values) before anything runs
        self.program = program
        self.examples: list[Mapping[str, Any] | dspy.Example] = list(inputs)
        """The inputs as given (a metric gets these, labels included)."""
        self.inputs: list[dict[str, Any]] = [_state_inputs(i, item) for i, item in enumerate(self.examples)]
        """Each run's input state (a `dspy.Example`'s `.inputs()`)."""
        self.concurrency = concurrency
        self.metric = metric
        self.options = options
        """Per-call options given to every run (`_max_steps`, ...)."""
        self.results: dict[int, T] = {}
        """Input index -> the typed output of each run that finished."""
        self.errors: dict[int, Exception] = {}
        """Input index -> the exception of each run that failed."""
        self.scores: dict[int, float] = {}
        """Input index -> the metric's score of each finished run (bools count as 1.0 / 0.0)."""
        self.metric_errors: dict[int, Exception] = {}
        """Input index -> the exception the metric raised for a finished run."""
        self.model_retries = 0
        """Model calls the client retried after a transient error (HTTP 429, timeout, 5xx, connection)."""
        self.rate_limited = 0
        """Of those, the retries after an HTTP 429 (rate limit)."""
        self.executor: BatchExecutor = executor if executor is not None else LocalExecutor()
        self.mask_events: Callable[[Any], Any] | None = None
        """What a remote executor applies to each event in its worker, before the event travels back (the lab sets
        its masker's `mask`, which learnt the inputs' secrets: a secret input never crosses the wire); a local
        batch's events are masked where they enter the lab instead."""
        """Where the runs execute (`LocalExecutor`: this event loop)."""
        self._begun: set[int] = set()  # inputs started elsewhere (a remote executor starts them out of order)
        self._outcomes_only = False  # `run` reads only how runs end: a remote executor may send just that
        self._started = 0  # inputs handed to a run so far: indices 0 .. _started-1
        self._stopped = False
        self._used = False
        self._indices = iter(range(self.total))  # shared by the workers: each takes the next input
        self._waiting: dict[int, Waiting] = {}
        self._answered: dict[int, dict[str, Any]] = {}
        """Input index -> its answers by interrupt id: given, not resumed yet (no stream was open)."""
        self._open: _Open | None = None
        """The `events()` stream being iterated: where an answer resumes its run."""

    @property
    def total(self) -> int:
        return len(self.inputs)

    @property
    def done(self) -> int:
        """Runs that ended, finished or failed."""
        return len(self.results) + len(self.errors)

    def status(self, index: int) -> BatchStatus:
        """Where input `index` is; ``cancelled`` for a run the batch stopped before it ended."""
        if index in self.results:
            return "finished"
        if index in self.errors:
            return "failed"
        if not 0 <= index < self.total:
            raise BatchIndexError(index, self.total)
        if index >= self._started and index not in self._begun:
            return "pending"
        if self._stopped:
            return "cancelled"
        return "waiting" if index in self._waiting and index not in self._answered else "running"

    def waiting(self) -> list[Waiting]:
        """The inputs whose run waits for a person's answer, oldest first (answered ones not resumed yet excluded)."""
        waiting = [w for i, w in self._waiting.items() if i not in self._answered]
        return sorted(waiting, key=lambda w: (w.since, w.index))

    async def answer(self, index: int, answer: Any) -> None:
        """Answer input `index`'s question (``{interrupt_id: answer}`` when it asks several) and resume its run.

        While `events()` is being iterated the run goes on in it at once (its events under `index`); otherwise the
        next `events()` or `run()` resumes it. A wrong `HumanNode` answer leaves it waiting again, with ``errors``.
        An input that does not wait, an unknown id or an answer that is not JSON: an `InterruptError`, nothing resumed.
        """
        if self._stopped:
            raise BatchStateError(f"the batch was stopped: input {index}'s run was cancelled and cannot be answered")
        if not 0 <= index < self.total:
            raise BatchIndexError(index, self.total)
        waiting = self._waiting.get(index)
        if waiting is None or index in self._answered:
            why = "its answer is being resumed" if index in self._answered else f"it is {self.status(index)}"
            raise InterruptError(f"batch input {index} does not wait for an answer ({why})")
        self._answered[index] = match_answers(answer, waiting.interrupts)
        if self._open is not None:
            self._open.resume(index)

    def outcomes(self) -> list[T | BaseException]:
        """Every input's result or exception, in input order (all runs must have ended, or wait for a person:
        their `RunPaused` stands in their place)."""
        missing = self.total - self.done - len(self._waiting)
        if missing:
            raise BatchStateError(
                f"{missing} of {self.total} batch input(s) have no outcome (the batch was stopped or has not run); "
                "batch.results and batch.errors hold those that ended, by index"
            )
        return [
            self.results[i] if i in self.results else self.errors[i] if i in self.errors else self._waiting[i].paused
            for i in range(self.total)
        ]

    # -- running -------------------------------------------------------------------

    async def events(self) -> AsyncGenerator[_Item, None]:
        """Run every input and yield ``(index, event)`` as events happen (each run's in order).

        A run's ``finished`` (``error``) event comes after its result (exception) is in
        `results` (`errors`); a ``score`` follows ``finished`` when there is a metric.
        Closing the stream early cancels the runs in flight and the waiting ones, and waits for them.
        Runs do not wait for the consumer: events queue up while it is busy (a few per node visit).
        The stream ends when no run is left running: each has ended, or waits for an answer not given yet
        (a ``paused`` event, ``when`` "interrupt"); answering (`answer`) while it is iterated resumes a run in it,
        afterwards a new `events()` resumes the answered ones (the only way a Batch streams twice).
        """
        if self._open is not None:
            raise BatchStateError("this batch's events() is being iterated already; answers resume runs in it")
        if self._used and not self._answered:
            more = f" (answer one of the {len(self._waiting)} waiting with batch.answer first)" if self._waiting else ""
            raise BatchStateError("a Batch runs once; make another with program.new_batch(...)" + more)
        self._used = True
        if isinstance(self.executor, LocalExecutor):  # files its outcomes itself: only pairs come
            async with contextlib.aclosing(self.executor.execute(self)) as here:
                async for item in here:
                    yield item  # type: ignore[misc]  # never an Outcome
            return
        try:
            async with contextlib.aclosing(self.executor.execute(self)) as remote:
                async for sent in remote:
                    if isinstance(sent, Outcome):
                        self._file(sent)
                        continue
                    index, event = sent
                    if event["event"] == "run_start":
                        self._begun.add(index)
                    elif event["event"] == "model_retry":
                        self.model_retries += 1
                        self.rate_limited += bool(event["rate_limited"])
                    yield sent
        finally:
            self._stopped = True

    def _file(self, outcome: Outcome) -> None:
        """File how a run that executed elsewhere ended, by its index."""
        index = outcome.index
        if outcome.kind == "result":
            self.results[index] = outcome.value
        elif outcome.kind == "error":
            self.errors[index] = outcome.value
        elif outcome.metric_error is not None:
            self.metric_errors[index] = outcome.metric_error
        else:
            self.scores[index] = outcome.value

    async def _run_here(self) -> AsyncGenerator[_Item, None]:
        """`LocalExecutor`: every input on this event loop, at most `concurrency` at a time."""
        observe_model_retries()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[_Item | _WorkerDone] = asyncio.Queue()
        put = queue.put_nowait
        indices = self._indices
        open_ = _Open(self, put, loop)

        async def worker() -> None:
            try:
                for index in indices:  # shared: each worker takes the next input
                    self._started = index + 1
                    await self._run_one(index, put, loop)
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # KeyboardInterrupt/SystemExit in a run: re-raised by the consumer
                put(_WorkerDone(exc))
                return
            put(_WorkerDone(None))

        left = self.total - self._started
        for n in range(min(self.concurrency, left)):
            open_.start(worker(), f"dspyer-lab-batch-{n}")
        self._open = open_
        for index in list(self._answered):  # answered while no stream was open
            open_.resume(index)
        ended = False
        try:
            while open_.working:
                item = await queue.get()
                if isinstance(item, _WorkerDone):
                    open_.working -= 1
                    if item.error is not None:
                        raise item.error
                else:
                    yield item
            ended = True
        finally:
            self._open = None
            if not ended:
                self._stopped = True  # the waiting runs are cancelled with the others
            for task in open_.tasks:
                task.cancel()
            if open_.tasks:
                await asyncio.wait(open_.tasks)

    @overload
    async def run(self, return_exceptions: Literal[True] = ...) -> list[T | BaseException]: ...

    @overload
    async def run(self, return_exceptions: Literal[False]) -> list[T]: ...

    @overload
    async def run(self, return_exceptions: bool) -> list[T | BaseException]: ...

    async def run(self, return_exceptions: bool = True) -> list[T] | list[T | BaseException]:
        """Run the batch; the results in input order.

        With ``return_exceptions=True`` a failed run's exception stands in its place, and a run
        waiting for a person its `RunPaused` (`waiting()` lists them; answer, then `run()` again).
        With False the first failure (in time) is raised once the runs still in flight are
        cancelled; what finished before stays in `results`; a waiting run's `RunPaused` is raised
        once every other run has ended.
        """
        first_failure: int | None = None
        self._outcomes_only = True
        async with contextlib.aclosing(self.events()) as stream:
            async for index, event in stream:
                if not return_exceptions and event["event"] == "error":
                    first_failure = index
                    break
        if first_failure is not None:
            error = self.errors[first_failure]
            if hasattr(error, "add_note"):  # Python >= 3.11
                error.add_note(f"(batch input {first_failure}; the runs still in flight were cancelled)")
            raise error
        if not return_exceptions and self._waiting:
            raise self.waiting()[0].paused
        return self.outcomes()

    async def _run_one(
        self, index: int, put: Callable[[_Item], None], loop: asyncio.AbstractEventLoop, resume: Waiting | None = None
    ) -> None:
        """Input `index`'s run (or its resume with its answers), its events put under `index`, its outcome recorded."""
        if resume is None:
            run = self.program.new_run(self.inputs[index], **self.options)
        else:
            answers = self._answered.pop(index)
            del self._waiting[index]
            run = self.program.new_run(_resume=resume.paused.checkpoint, _answer=answers, **self.options)
        token = _RUN_SLOT.set(_RunSlot(self, index, run, put, loop, threading.get_ident()))
        error_event: ErrorEvent | None = None
        try:
            # consumed to the end (or cancelled inside it), so the stream never needs closing early
            async for event in run.events():
                if event["event"] == "error":  # sent once the exception is in self.errors (the engine raises next)
                    error_event = event
                    continue
                if event["event"] == "finished":
                    self.results[index] = run.result
                put((index, event))
        except Exception as exc:  # the run's failure: recorded at its index, the batch goes on
            self.errors[index] = exc
            if error_event is not None:
                put((index, error_event))
            return
        finally:
            _RUN_SLOT.reset(token)
        if run.paused is not None and run.paused.when == "interrupt":
            self._waiting[index] = Waiting(index, run.paused.interrupts, time.time(), run.paused)
            return
        if self.metric is not None:
            put((index, await self._score(index, run, self.metric)))

    async def _score(self, index: int, run: Run, metric: Metric) -> Score:
        try:
            value = metric(self.examples[index], self.results[index])
            if inspect.isawaitable(value):
                value = await value
            if not isinstance(value, numbers.Real):
                raise MetricError(index, value)
            score = float(value)
        except Exception as exc:  # a metric's bug must not cost the batch its other results
            self.metric_errors[index] = exc
            return run.events_of.make("score", score=None, error=str(exc), error_type=type(exc).__name__)
        self.scores[index] = score
        return run.events_of.make("score", score=score)

    def _model_retry(self, index: int, event: ModelRetry, put: Callable[[_Item], None]) -> None:
        self.model_retries += 1
        self.rate_limited += bool(event["rate_limited"])
        put((index, event))

    def __repr__(self) -> str:
        return f"Batch({self.done}/{self.total} done, {len(self.errors)} failed, concurrency={self.concurrency})"


@dataclass(frozen=True)
class _WorkerDone:
    error: BaseException | None


class _Open:
    """An `events()` stream being iterated: its tasks (workers, resumed runs) and how many have not ended."""

    def __init__(self, batch: Batch[Any], put: Callable[[_Item | _WorkerDone], None], loop: asyncio.AbstractEventLoop) -> None:
        self.batch, self.put, self.loop = batch, put, loop
        self.tasks: list[asyncio.Task[None]] = []
        self.working = 0

    def start(self, work: Any, name: str) -> None:
        self.tasks.append(self.loop.create_task(work, name=name))
        self.working += 1

    def resume(self, index: int) -> None:
        """Resume answered input `index` in this stream (outside the concurrency limit: a person answers far slower
        than a batch runs, and an answer should not queue behind the inputs not started yet)."""
        self.start(self._resumed(index), f"dspyer-lab-batch-answer-{index}")

    async def _resumed(self, index: int) -> None:
        batch = self.batch
        try:
            await batch._run_one(index, self.put, self.loop, batch._waiting[index])
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self.put(_WorkerDone(exc))
            return
        self.put(_WorkerDone(None))


def _state_inputs(index: int, item: Any) -> dict[str, Any]:
    """One batch input as a run's input state, or an error naming its index."""
    if isinstance(item, dspy.Example):
        try:
            values = dict(item.inputs().items())
        except ValueError as exc:  # DSPy: "Inputs have not been set for this example"
            raise BatchInputError(
                index,
                "is a dspy.Example without input keys: mark them with "
                f".with_inputs(...) (its fields: {', '.join(map(repr, item.keys())) or 'none'})",
            ) from exc
    elif isinstance(item, Mapping):
        values = dict(item)
    else:
        raise ArgumentTypeError(
            f"inputs[{index}]", f"Batch input {index} is a {type(item).__name__}; pass a dict of input fields or a dspy.Example"
        )
    bad = [k for k in values if not isinstance(k, str) or k.startswith("_")]
    if bad:
        raise BatchInputError(
            index,
            f"has key(s) {', '.join(map(repr, bad))}: state fields are strings not starting "
            "with '_'; per-call options such as _max_steps are keywords of the batch call",
        )
    return values


# --------------------------------------------------------------------------- model-client retries


@dataclass(frozen=True)
class _RunSlot:
    """The batch run executing in this context, for the retry observer."""

    batch: Batch[Any]
    index: int
    run: Run
    put: Callable[[_Item], None]
    loop: asyncio.AbstractEventLoop
    thread: int

    def model_retry(self, error: BaseException, attempt: int, delay: float) -> None:
        call = CURRENT_CALL.get()
        event = self.run.events_of.make(
            "model_retry",
            node=call.node if call is not None else None,
            attempt=call.attempt if call is not None else None,
            retry=attempt + 1,
            retry_in=float(delay),
            rate_limited=isinstance(error, dspy.LMRateLimitError),
            error_type=type(error).__name__,
            error=str(error).strip().split("\n", 1)[0],
        )
        if threading.get_ident() == self.thread:
            self.batch._model_retry(self.index, event, self.put)
        else:  # an LM without async support runs in a worker thread
            self.loop.call_soon_threadsafe(self.batch._model_retry, self.index, event, self.put)


_RUN_SLOT: ContextVar[_RunSlot | None] = ContextVar("dspyer_lab_batch_run", default=None)
_observer_lock = threading.Lock()
_observing: bool | None = None


def observe_model_retries() -> bool:
    """Let batches see the model client's retries; True when this DSPy version allows it.

    DSPy 3.4 retries a model call that failed with a transient error (`dspy.LMRateLimitError`
    for HTTP 429, timeouts, 5xx, connection errors) inside `dspy.LM`, up to ``num_retries``
    times, waiting the ``Retry-After`` the provider sent or ``min(2**retry, 60)`` seconds. It
    reports nothing while doing so; the one function it calls per retry is
    `dspy.clients.execution._delay(error, attempt)` (sync and async paths alike). This wraps
    it, once per process: the wrapper returns the same delay and, inside a batch run only,
    emits a ``model_retry`` event. If a DSPy version lacks that function, batches run the
    same without ``model_retry`` events.
    """
    global _observing
    with _observer_lock:
        if _observing is None:
            _observing = _wrap_dspy_delay()
        return _observing


def _wrap_dspy_delay() -> bool:
    try:
        from dspy.clients import execution
    except ImportError:
        return False
    original = getattr(execution, "_delay", None)
    if not callable(original):
        return False
    if getattr(original, "_dspyer_lab_observer", False):
        return True

    def delay(error: BaseException, attempt: int) -> float:
        seconds = original(error, attempt)
        slot = _RUN_SLOT.get()
        if slot is not None:
            slot.model_retry(error, attempt, seconds)
        return seconds

    delay._dspyer_lab_observer = True  # type: ignore[attr-defined]
    delay.__wrapped__ = original  # type: ignore[attr-defined]
    execution._delay = delay
    return True
