"""RayExecutor: a batch's inputs run in shards on Ray workers, the events streamed back as they happen.

``program.abatch(inputs, executor=RayExecutor())`` splits the inputs into shards (several per
worker, so a dead worker loses little and a slow shard does not hold the rest); each shard runs
the ordinary `Batch` in a Ray actor with its own event loop (`_ShardWorker`), so one input on a
worker behaves exactly like one input locally. Each worker's events come back through a Ray
streaming generator, a chunk at most every `flush` seconds, with the outcome of every run that
ended (`Outcome`): `Batch.run`, `BatchStats` and the lab's BatchView and run store read them as
they read a local batch's. Results come back in input order.

What travels to the workers, by value (cloudpickle: classes defined in a notebook or ``__main__``
travel whole; those of an importable module by reference, so that module must be importable on
the workers, e.g. through ``runtime_env={"working_dir": ...}``): the compiled program with its
predictors' state, ``dspy.settings.lm`` and ``adapter`` as the batch starts, the metric and the
per-call options. The LM's ``api_key`` is taken out of that copy and reaches the workers through
Ray's runtime environment (an environment variable of the worker processes), as do the driver's
environment variables named in `env_vars`; a key never appears in an event or a stored run.

Failures: a run's exception is recorded at its index as locally. A worker that dies (killed, out
of memory) costs one attempt to each input it had not finished; those run again, each alone on a
worker (so an input that kills its worker takes only itself down the next time), and an input that
was lost `max_retries` + 1 times is recorded failed with `WorkerLostError` (the engine's cause).
Closing the batch's stream (Stop, ``task.cancel()``) kills every actor the executor started. A
batch that ends leaves its actors up for the executor's next batch (a worker's first start imports
DSPy: seconds); `shutdown()` kills them, and they die with the driver. Each actor reserves one CPU, so
a batch first shuts down the idle actors of this process's other executors (they would hold the CPUs
its own actors wait for).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import math
import os
import re
import weakref
from collections.abc import AsyncGenerator, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .exceptions import BatchStateError, DspyerLabError, InterruptError, MissingDependencyError, OptionValueError
from .executor import BatchExecutor, Outcome, RemoteRecordings, WorkerLostError

if TYPE_CHECKING:
    from .batch import Batch, _Item

__all__ = ["RayExecutor", "RemoteRunError", "WorkerSetupError"]

_KEY_VARIABLE = "DSPYER_LAB_LM_API_KEY"
"""The worker environment variable that carries ``dspy.settings.lm``'s ``api_key`` (set through runtime_env)."""


def _ray() -> Any:
    """The `ray` module, or the error that says how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError("RayExecutor", '"dspyer-lab[ray]"') from exc
    return ray


class WorkerSetupError(DspyerLabError, RuntimeError):
    """A Ray worker could not load what the batch sends it (a class its module defines is not importable there)."""

    def __init__(self, what: str, cause: str) -> None:
        super().__init__(what, cause)
        self.what = what
        self.cause = cause

    def message(self) -> str:
        return f"RayExecutor could not {self.what}: {self.cause}"


_EXECUTORS: weakref.WeakSet[RayExecutor] = weakref.WeakSet()
"""This process's executors, whose idle actors a starting batch shuts down."""


class RayExecutor(BatchExecutor):
    """Run batches on Ray: `address` None starts a local Ray (or reuses the one this process started),
    ``"auto"`` or ``"ray://host:10001"`` joins a cluster.

    `num_workers` actors (default, and at most: the cluster's CPUs), each reserving one CPU and running one
    shard at a time with `concurrency_per_worker` runs in flight; `shards_per_worker` shards per worker; a
    worker that dies has its unfinished inputs run again, at most `max_retries` times each. `env_vars`: names
    of the driver's environment variables the workers get (an API key: a cluster's workers do not share the
    driver's environment; a local Ray's do). `runtime_env`: Ray's, for the actors (``working_dir``, ...).
    `flush`: seconds a worker gathers events before it sends them (one message per shard at most that often).
    """

    def __init__(
        self,
        address: str | None = None,
        num_workers: int | None = None,
        concurrency_per_worker: int = 16,
        max_retries: int = 2,
        *,
        shards_per_worker: int = 4,
        env_vars: Iterable[str] = (),
        runtime_env: Mapping[str, Any] | None = None,
        flush: float = 0.05,
    ) -> None:
        _ray()
        for name, value, low in (("num_workers", num_workers, 1), ("concurrency_per_worker", concurrency_per_worker, 1),
                                 ("max_retries", max_retries, 0), ("shards_per_worker", shards_per_worker, 1)):
            if value is None and name == "num_workers":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise OptionValueError(name, value, "a positive integer" if low else "an integer >= 0")
        if not isinstance(flush, (int, float)) or isinstance(flush, bool) or flush < 0:
            raise OptionValueError("flush", flush, "a number of seconds >= 0")
        self.address = address
        self.num_workers = num_workers
        self.concurrency_per_worker = concurrency_per_worker
        self.max_retries = max_retries
        self.shards_per_worker = shards_per_worker
        self.env_vars: tuple[str, ...] = (env_vars,) if isinstance(env_vars, str) else tuple(env_vars)
        self.runtime_env: dict[str, Any] = dict(runtime_env or {})
        self.flush = float(flush)
        self.workers: list[Any] = []
        """The executor's Ray actors (kept between batches; none after a cancelled batch or `shutdown`)."""
        self._size: int | None = num_workers
        self._worker_env: dict[str, Any] | None = None  # the runtime_env the actors in `workers` were started with
        self._batches = 0
        self._busy = False
        _EXECUTORS.add(self)

    @property
    def label(self) -> str:
        size = self._size
        return "on Ray" if size is None else f"on Ray · {size} worker{'s' if size != 1 else ''}"

    def start(self) -> Any:
        """Connect to Ray (start a local one when `address` is None and none runs); the `ray` module.

        A batch calls it first; call it before timing a batch, or before a notebook's first batch
        (a local Ray takes seconds to start, and this blocks while it does)."""
        ray = _ray()
        if not ray.is_initialized():
            if self.address is None:
                # "local": a new Ray of this process, never a cluster some earlier `ray start` left its address for
                ray.init(address="local", num_cpus=self.num_workers, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=self.address)
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))  # more actors than CPUs would wait for one forever
        self._size = min(self.num_workers or cpus, cpus)
        return ray

    def shutdown(self) -> None:
        """Kill the executor's actors (a later batch starts new ones)."""
        if self.workers:
            ray = _ray()
            for actor in self.workers:
                if actor is not None:
                    ray.kill(actor, no_restart=True)
        self.workers.clear()
        self._worker_env = None

    def __repr__(self) -> str:
        return (f"RayExecutor(address={self.address!r}, num_workers={self.num_workers}, "
                f"concurrency_per_worker={self.concurrency_per_worker}, max_retries={self.max_retries})")

    # -- the driver ------------------------------------------------------------------------

    def execute(self, batch: Batch[Any]) -> AsyncGenerator[_Item | Outcome, None]:
        return self._execute(batch)

    async def _execute(self, batch: Batch[Any]) -> AsyncGenerator[_Item | Outcome, None]:
        if self._busy:
            raise BatchStateError("this RayExecutor is running another batch; make one executor per batch at a time")
        ray = self.start()
        total = batch.total
        if not total:
            return
        payload, key = _payload(batch, self.concurrency_per_worker)
        env = {name: os.environ[name] for name in self.env_vars if name in os.environ}
        if key is not None:
            env[_KEY_VARIABLE] = key
        runtime_env = {**self.runtime_env, "env_vars": {**self.runtime_env.get("env_vars", {}), **env}}
        if runtime_env != self._worker_env:  # actors keep the environment they started with
            self.shutdown()
            self._worker_env = runtime_env
        for other in list(_EXECUTORS):
            if other is not self and not other._busy:
                other.shutdown()
        worker_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_ShardWorker)
        self._batches += 1
        token = self._batches
        payload_ref = ray.put(payload)
        size = min(self._size or 1, total)
        pool = self.workers
        pool.extend(None for _ in range(size - len(pool)))
        step = max(1, math.ceil(total / (size * self.shards_per_worker)))
        shards: asyncio.PriorityQueue[tuple[int, int, list[int]]] = asyncio.PriorityQueue()
        for start in range(0, total, step):
            shards.put_nowait((1, start, list(range(start, min(start + step, total)))))
        attempts = [0] * total
        last = ("error", "score" if batch.metric is not None else "result")  # the outcome that ends an input
        out: asyncio.Queue[list[Any] | _Lost | BaseException] = asyncio.Queue()
        recordings = RemoteRecordings(batch)
        every = not batch._outcomes_only or recordings.wanted  # else only how each run ends: far fewer messages
        examples = batch.examples

        async def serve(slot: int) -> None:
            """Worker `slot`: take the next shard, run it, stream its chunks; a new actor after a death."""
            loaded = False
            try:
                while True:
                    queued = await shards.get()
                    shard, charged = queued[2], False
                    ended: set[int] = set()
                    actor = pool[slot]
                    try:
                        if actor is None:
                            actor = pool[slot] = worker_class.options(runtime_env=runtime_env).remote()
                        if not loaded:
                            try:
                                await actor.load.remote(token, payload_ref)
                            except ray.exceptions.RayTaskError as exc:
                                raise WorkerSetupError("load the batch's program on a worker", _cause(exc)) from None
                            loaded = True
                        for index in shard:
                            attempts[index] += 1
                        charged = True
                        stream = actor.run.options(num_returns="streaming").remote(
                            token, shard, [examples[i] for i in shard], self.flush, every
                        )
                        async for ref in stream:
                            chunk = await ref
                            ended.update(item.index for item in chunk if isinstance(item, Outcome) and item.kind in last)
                            out.put_nowait(chunk)
                        unended = [i for i in shard if i not in ended]
                        if unended:  # the shard's batch ended without their outcome (a run that paused)
                            out.put_nowait(_Lost(unended, [], ""))
                    except ray.exceptions.RayActorError as exc:
                        ray.kill(actor, no_restart=True)
                        pool[slot], loaded = None, False
                        if not charged:  # it died before the shard reached it (idle since the last batch)
                            shards.put_nowait(queued)
                            continue
                        lost = [i for i in shard if i not in ended]
                        again = [i for i in lost if attempts[i] <= self.max_retries]
                        for index in again:  # each alone: an input that kills its worker takes only itself down
                            shards.put_nowait((0, index, [index]))
                        out.put_nowait(_Lost(lost, [i for i in lost if i not in again], _cause(exc)))
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # reaches the consumer, which stops the batch with it
                out.put_nowait(exc)

        self._busy = True
        tasks = [asyncio.get_running_loop().create_task(serve(n), name=f"dspyer-lab-ray-{n}") for n in range(size)]
        left = total
        complete = False
        try:
            while left:
                item = await out.get()
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, _Lost):
                    if not item.cause:  # ended on their worker with no outcome, as they would here
                        left -= len(item.lost)
                        continue
                    for index in item.lost:
                        if index in item.failed:
                            for failed in _lost_events(recordings, batch, index, attempts[index], item.cause):
                                yield failed
                            left -= 1
                        else:
                            recordings.close_run(index)  # that run did not end; it starts again
                    continue
                for entry in item:
                    if isinstance(entry, Outcome):
                        if entry.kind in last:
                            left -= 1
                    else:
                        recordings.event(*entry)
                    yield entry
            complete = True
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks)
            pool[:] = [actor for actor in pool if actor is not None]
            if not complete:  # stopped (or failed): nothing of this batch may go on running
                self.shutdown()
            recordings.close_all()
            self._busy = False


@dataclass(frozen=True)
class _Lost:
    """Inputs a dead worker had not finished (`lost`); of those, the ones out of attempts (`failed`). With no
    `cause`: inputs whose shard ended without their outcome (a run that paused), which are done."""

    lost: list[int]
    failed: list[int]
    cause: str


def _lost_events(
    recordings: RemoteRecordings, batch: Batch[Any], index: int, attempts: int, cause: str
) -> list[_Item | Outcome]:
    """The outcome and the closing ``error`` of an input lost too often (a ``run_start`` first if none arrived)."""
    error = WorkerLostError(index, attempts, cause)
    made: list[_Item | Outcome] = [Outcome(index, "error", error)]
    events = recordings.next_events(index)
    if events is None:
        from .events import RunEvents

        events = RunEvents()
        start = events.make("run_start", inputs=batch.inputs[index])
        recordings.event(index, start)
        made.insert(0, (index, start))
    event = events.make("error", node=None, error=str(error), error_type=type(error).__name__, traceback="",
                        state=batch.inputs[index])
    recordings.event(index, event)
    made.append((index, event))
    return made


def _cause(exc: BaseException) -> str:
    """The line of a Ray error that says why (the worker's own exception when it raised one)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b", line)]
    return (raised[-1] if raised else lines[0] if lines else type(exc).__name__)[:500]


def _payload(batch: Batch[Any], concurrency: int) -> tuple[bytes, str | None]:
    """What every worker of `batch` gets, pickled once, and the LM's API key that travels apart from it."""
    import dspy
    from ray import cloudpickle

    lm, key = dspy.settings.lm, None
    if lm is not None and isinstance(getattr(lm, "kwargs", None), dict) and lm.kwargs.get("api_key"):
        key = str(lm.kwargs["api_key"])
        lm = copy.copy(lm)
        lm.kwargs = {k: v for k, v in lm.kwargs.items() if k != "api_key"}
    if lm is not None and isinstance(getattr(lm, "history", None), list):
        lm = copy.copy(lm)
        lm.history = []  # the driver's past prompts stay on the driver
    parts = {"program": batch.program, "dspy.settings.lm": lm, "dspy.settings.adapter": dspy.settings.adapter,
             "metric": batch.metric, "options": batch.options, "the batch's mask_events": batch.mask_events}
    for what, value in parts.items():
        try:
            cloudpickle.dumps(value)
        except Exception as exc:
            raise WorkerSetupError(f"send {what} ({type(value).__name__}) to the workers",
                                   f"{type(exc).__name__}: {exc}") from None
    return cloudpickle.dumps((*parts.values(), concurrency)), key


# --------------------------------------------------------------------------- the worker


class _ShardWorker:
    """A Ray actor (one worker process): runs shards of the batch with the program and the settings it was sent."""

    def __init__(self) -> None:
        self.token = 0
        self.loaded: tuple[Any, ...] = ()

    def pid(self) -> int:
        """The worker's process id."""
        return os.getpid()

    def load(self, token: int, payload: bytes) -> None:
        """Take batch `token`'s program, settings, metric, options and concurrency (`_payload`)."""
        from ray import cloudpickle

        if token != self.token:
            program, lm, adapter, metric, options, mask, concurrency = cloudpickle.loads(payload)
            key = os.environ.get(_KEY_VARIABLE)
            if key is not None and lm is not None:
                lm.kwargs["api_key"] = key
            self.token, self.loaded = token, (program, lm, adapter, metric, options, mask, concurrency)

    async def run(
        self, token: int, indices: list[int], examples: list[Any], flush: float, every: bool
    ) -> AsyncGenerator[list[Any], None]:
        """Run one shard of batch `token` (`examples`, the batch's inputs at `indices`); yield chunks of
        ``(index, event)`` pairs and `Outcome`s, one chunk at most every `flush` seconds (`every` event, or only
        those that start and end runs and the batch's own)."""
        import dspy

        program, lm, adapter, metric, options, mask, concurrency = self.loaded
        batch = program.new_batch(examples, concurrency=concurrency, metric=metric, **options)
        queue: asyncio.Queue[list[Any] | None] = asyncio.Queue()

        async def pump() -> None:
            try:
                async with contextlib.aclosing(batch.events()) as stream:
                    async for local, event in stream:
                        if event["event"] == "paused" and event["when"] == "interrupt":
                            event = _asked(event)
                            batch.errors[local] = _asks_a_person(event["node"])
                        if every or event["event"] in _ENDS:
                            sent = mask(event) if mask is not None else event
                            queue.put_nowait(_entries(batch, indices[local], local, sent))
            finally:
                queue.put_nowait(None)

        with dspy.context(lm=lm, adapter=adapter):  # the runs' tasks copy this context
            task = asyncio.get_running_loop().create_task(pump())
        try:
            done = False
            while not done:
                parts = [await queue.get()]
                if parts[0] is not None and flush:
                    await asyncio.sleep(flush)  # gather what comes meanwhile: one message per flush
                while not queue.empty():
                    parts.append(queue.get_nowait())
                done = parts[-1] is None
                chunk = [entry for part in parts if part is not None for entry in part]
                if chunk:
                    yield chunk
            await task  # raises what stopped the shard's batch (a run's KeyboardInterrupt, ...)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


_ENDS = frozenset({"run_start", "paused", "finished", "error", "score", "model_retry"})
"""The events a batch needs when only its outcomes are read (`Batch.run`)."""


def _asks_a_person(node: str) -> InterruptError:
    return InterruptError(f"node '{node}' asks a person (interrupt() or a HumanNode): a batch on Ray cannot wait "
                          "for answers yet; run this batch without an executor to answer it", node)


def _asked(paused: Any) -> dict[str, Any]:
    """A run that asks a person on a worker ends failed (a remote batch cannot take answers yet): its ``error`` event,
    in the envelope of the ``paused`` one, with the state at the question."""
    return {"event": "error", "run_id": paused["run_id"], "seq": paused["seq"], "ts": paused["ts"],
            "node": paused["node"], "error": _asks_a_person(paused["node"]).message(), "error_type": "InterruptError",
            "traceback": "", "state": dict(paused["checkpoint"].get("state") or {})}


def _entries(batch: Batch[Any], index: int, local: int, event: Any) -> list[Any]:
    """One event of the shard's batch as the driver gets it: at the batch's `index`, after the outcome it reports."""
    kind = event["event"]
    pair = (index, event)
    if kind == "finished":
        return [Outcome(index, "result", batch.results[local]), pair]
    if kind == "error":
        return [Outcome(index, "error", _portable(batch.errors[local])), pair]
    if kind == "score":
        failure = batch.metric_errors.get(local)
        return [Outcome(index, "score", batch.scores.get(local),
                        _portable(failure) if failure is not None else None), pair]
    return [pair]


def _portable(error: Exception) -> Exception:
    """`error`, or a stand-in that says what it was when it cannot be pickled to the driver."""
    from ray import cloudpickle

    try:
        cloudpickle.dumps(error)
    except Exception:
        return RemoteRunError(type(error).__name__, str(error))
    return error


class RemoteRunError(DspyerLabError, RuntimeError):
    """A run's exception that could not be sent back from a worker (it does not pickle): its type name and text."""

    def __init__(self, error_type: str, text: str) -> None:
        super().__init__(error_type, text)
        self.error_type = error_type
        self.text = text

    def message(self) -> str:
        return f"{self.error_type}: {self.text}"
