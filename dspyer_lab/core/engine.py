"""The one execution engine. `Run.events()` executes a graph and yields its events
(`Run.finish()` executes it without making any); `aforward` and the sync call only drive it.

The engine runs every step in the consumer's own task (no background tasks), so
breaking out of the stream or cancelling it stops the work in flight and leaves
nothing behind. (The one exception, with ``_stream_tokens=True``: an attempt's model call
runs in a child task while its tokens are yielded; closing the stream cancels and awaits it.)
For the same reason a run paused at a breakpoint holds nothing: its stream has ended, and
everything needed to go on is in its `Checkpoint`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import json
import time
import traceback
import types
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar, Union, get_args, get_origin

import dspy
from dspy.utils.exceptions import AdapterParseError
from pydantic import BaseModel, ValidationError

from .checkpoint import Checkpoint
from .recording import RunRecording, recording_for
from .calls import CallLog, TokenStream
from .correction import AttemptFailure, NodeCall, call_predictor, check_answer, decision_check, field_problems
from .events import BranchDict, Event, Interrupt, LMCall, Paused, RunEvents, RunStartFields, TaskFields, Token, jsonable
from .human import ASKING, Asking, _Interrupted
from .exceptions import (
    DspyerLabError,
    MaxStepsExceeded,
    NodeInputError,
    NodeOutputError,
    NodeStopIteration,
    NodeValidationError,
    ParallelWriteError,
    RouteError,
    RunPaused,
    RunStateError,
)
from .graph import END, HumanNode, PythonNode, Router, Send, StatefulNode, decision_key

if TYPE_CHECKING:
    from .program import TranspiledProgram

__all__ = ["Run", "RunOptions", "state_values"]

T = TypeVar("T")


@dataclass(frozen=True)
class RunOptions:
    """Limits of one run (program defaults, overridden per call with `_max_steps=` etc.)."""

    max_steps: int
    """Supersteps allowed before the run stops (node executions, in a graph without parallel branches)."""
    max_retries: int
    """Self-correction retries of an LLM node without its own `max_retries`."""
    on_max_steps: Literal["raise", "return"]
    """At `max_steps`: raise `MaxStepsExceeded`, or finish with the state so far."""
    interrupt_before: frozenset[str] = frozenset()
    """Nodes to pause before (breakpoints; every node for stepping)."""
    interrupt_after: frozenset[str] = frozenset()
    """Nodes to pause after (once they ran and routed)."""
    lm_calls: bool = True
    """Emit an `lm_call` event per model call (the event stream only: `aforward` makes no events)."""
    stream_tokens: bool = False
    """Emit `token` events as the model writes each output field (the event stream only)."""
    max_concurrency: int | None = None
    """Tasks of one superstep running at once (a map over 100 items, 16 at a time); None: all of them."""
    record: bool | None = None
    """Send the run's events to a recording sink (`dspyer_lab.core.recording`): True: the active sink or the
    default store; None: the active sink if any; False: not to a store (sinks added with `add_sink`, such as
    `dspyer_lab.otel.instrument`'s, still get it). A recorded `aforward` makes its events."""


@dataclass
class _NodeDone:
    patch: dict[str, Any]
    attempts: int


@dataclass(slots=True)  # not frozen: made every step, and a frozen dataclass costs more to make
class _Task:
    """One node instance of a superstep: plain, or one `Send` instance (its `arg` over the state, its `index`).

    The routing that puts it in the next frontier makes it (one object per sequential step) and sets
    its `step` and `position` there; equal tasks compare on what runs, not where.
    """

    node: str
    arg: Mapping[str, Any] | None = None
    index: int | None = None
    step: int = field(default=0, compare=False)
    position: int = field(default=0, compare=False)
    """Its place in the superstep's frontier (the merge order)."""

    @property
    def id(self) -> str:
        """"3.1": superstep 3, second task; unique in the run (made only when an event or error needs it)."""
        return f"{self.step}.{self.position}"

    def to_dict(self) -> BranchDict:
        """As a checkpoint's frontier holds it (JSON)."""
        branch: BranchDict = {"node": self.node}
        if self.arg is not None:
            branch["arg"] = jsonable(self.arg)
        if self.index is not None:
            branch["index"] = self.index
        return branch

    def fields(self) -> TaskFields:
        """The keys its events carry."""
        return {"task": self.id} if self.index is None else {"task": self.id, "index": self.index}

    @property
    def label(self) -> str:
        """How errors name it: the node, with the Send instance's index."""
        return self.node if self.index is None else f"{self.node}[{self.index}]"


@dataclass
class _TaskDone:
    task: _Task
    patch: dict[str, Any]


@dataclass
class _TaskFailed:
    task: _Task
    error: Exception


@dataclass
class _TaskAsked:
    """A task of a superstep that asks a person: the superstep's others go on, then the run pauses."""

    task: _Task
    interrupts: list[Interrupt]


@dataclass
class _Answer:
    """The outcome of one attempt's model call, after its `token` and `lm_call` events."""

    outcome: dspy.Prediction | AdapterParseError


class Run(Generic[T]):
    """One execution of a program on one set of inputs; single-use.

    Drive it once, either with `events()` (the event stream) or `finish()` (no events: nothing
    is serialized when nobody reads it); then `result` is the program's typed output.
    """

    def __init__(
        self,
        program: TranspiledProgram[T],
        inputs: dict[str, Any],
        options: RunOptions,
        resume: Checkpoint | None = None,
        update: dict[str, Any] | None = None,
        fork: bool = False,
        answers: Mapping[str, Any] | None = None,
    ) -> None:
        self.program = program
        self.graph = program.graph
        """The program's graph (read every step: a `dspy.Module`'s attributes are slow to get)."""
        self.reducers = program.reducers
        self.inputs = inputs
        """The state the run starts from: the keyword arguments, or a resumed run's checkpoint state."""
        self.options = options
        self.resume = resume
        """The checkpoint this run continues from (its own run, or a fork's parent), or None."""
        self.update = update or {}
        """State values set on top of the checkpoint's before the first step (an `update` event)."""
        self.fork = fork
        self.given = dict(answers or {})
        """Interrupt id -> the answer given with this resume (an `answer` event each, before the first step)."""
        self.answers: dict[str, Any] = {**(resume.answers if resume is not None else {}), **self.given}
        """Interrupt id -> answer, for the nodes of the superstep being run (each reads its own ids)."""
        self.events_of = RunEvents(resume.run_id, resume.seq) if resume is not None and not fork else RunEvents()
        """Makes this run's events (its `run_id`, a gapless `seq`; a resumed pause goes on with its checkpoint's)."""
        self.state: dict[str, Any] = {}
        """The state so far (inputs plus every update and patch written)."""
        self.paused: RunPaused | None = None
        """Where the run stopped at a breakpoint or a question (its `checkpoint` resumes it), or None."""
        self._started = False
        self._finished = False
        self._result: T | None = None
        self._at_fault: _Task | None = None
        """The task running alone, or the one that failed, while a superstep runs (an `error` event names it)."""
        self._alone: Asking | None = None
        """`finish()`'s asking execution, set in its context for the whole run and reused by the calls that run one
        at a time (a sequential step's node, every router): no object and no context variable change per call."""
        self.asking_routers = frozenset(source for source, router in self.graph.routers.items() if not router.is_llm)
        """Nodes whose router is Python code (it may `interrupt()`: the state before its superstep is kept for it)."""

    @property
    def run_id(self) -> str:
        return self.events_of.run_id

    @property
    def result(self) -> T:
        """The program's output (an `output_model` instance, or a `dspy.Prediction`), once the run finished."""
        if not self._finished:
            why = " (it paused: resume it from run.paused.checkpoint)" if self.paused else ""
            raise RunStateError(
                self.run_id, "has no result: it has not finished" + ("" if self._started else " (nor started)") + why
            )
        return self._result  # type: ignore[return-value]  # set together with _finished

    def events(self) -> AsyncIterator[Event]:
        """Execute the graph, yielding each event as it happens; re-raise a failure after its `error` event."""
        recording = self._claim()
        stream = self._execute(emit=True)
        return stream if recording is None else _recorded(stream, recording)

    async def finish(self) -> T:
        """Execute the graph without making events (unless it is recorded); return the result, or raise
        `RunPaused` at a breakpoint."""
        recording = self._claim()
        stream = self._execute(emit=False) if recording is None else _recorded(self._execute(emit=True), recording)
        self._alone = Asking(None, self.answers)
        token = ASKING.set(self._alone)  # here, not in the generator: a generator's context is its consumer's
        try:
            async for _ in stream:
                pass
        finally:
            ASKING.reset(token)
        if self.paused is not None:
            raise self.paused
        return self.result

    def _claim(self) -> RunRecording | None:
        """Mark the run started; its recording, when a sink records it (`dspyer_lab.core.recording`)."""
        if self._started:
            raise RunStateError(
                self.run_id, "was started already: a Run executes once; call program.new_run(...) for another run"
            )
        self._started = True
        return recording_for(self, self.options.record)

    async def _execute(self, emit: bool) -> AsyncGenerator[Event, None]:
        graph, make, options, resume, reducers = self.graph, self.events_of.make, self.options, self.resume, self.reducers
        started = time.perf_counter()
        frontier: list[_Task]
        done: Mapping[str, dict[str, Any]] = {}  # task id -> patch: the instances of a cut superstep that had finished
        start: RunStartFields = {"inputs": {}}
        if emit and graph.joins:  # what each join waits for, so that a checkpoint rebuilt from the events knows it
            start["joins"] = [list(join.sources) for join in graph.joins]
        if resume is None:
            self.state, steps = dict(self.inputs), 0
            frontier = [_Task(graph.entry_point, step=1)]  # type: ignore[arg-type]  # validated at compile
            if emit:
                start["inputs"] = jsonable(self.inputs)
                yield make("run_start", **start)
        else:
            self.state, steps, done = dict(resume.state), resume.step, resume.pending
            frontier = [
                _Task(b["node"], b.get("arg"), b.get("index"), steps + 1, i) for i, b in enumerate(resume.frontier)
            ]
            frontier = frontier or ([] if resume.next == END else [_Task(resume.next, step=steps + 1)])
            if emit and self.fork:
                parent = resume.to_dict()  # a fork's events start where its checkpoint stands: frontier, joins, pending
                start["inputs"], start["parent_run_id"], start["parent_step"] = parent["state"], resume.run_id, resume.step
                if "frontier" in parent or not frontier:  # an empty one: the fork ends at once (its events say so)
                    start["frontier"] = parent.get("frontier", [])
                if "joined" in parent:
                    start["joined"] = parent["joined"]
                if "pending" in parent:
                    start["pending"] = parent["pending"]
                if "interrupts" in parent:
                    start["interrupts"] = parent["interrupts"]
                if "answers" in parent:
                    start["answers"] = parent["answers"]
                yield make("run_start", **start)
        if self.update:
            self.state.update(self.update)
            if emit:
                yield make("update", values=jsonable(self.update))
        if emit and self.given and resume is not None:  # recorded before the nodes run again, so replay and fork see them
            waiting = {ask["id"]: ask for ask in resume.interrupts}
            for key, value in self.given.items():
                ask = waiting[key]
                about: TaskFields = {"task": ask["task"]} if ask["task"] is not None else {}
                yield make("answer", node=ask["node"], interrupt_id=key, value=value, answered_at=time.time(), **about)
        resuming = resume is not None  # a resumed run does not pause again before its first superstep
        # join (its index in graph.joins) -> the sources finished since it last fired
        joined = {i: set(sources) for i, sources in enumerate(resume.joined if resume is not None else ()) if sources}
        where = "between two supersteps"  # for the note added to a user's exception outside a node and a router
        routing: _Task | None = None  # the task whose Python router is deciding now
        self._at_fault = None
        try:
            while frontier:
                if steps >= options.max_steps:
                    if options.on_max_steps == "return":
                        break
                    raise MaxStepsExceeded(options.max_steps, frontier[0].node, dict(self.state))
                stop = _first_in(options.interrupt_before, frontier) if options.interrupt_before and not resuming else None
                if stop is not None:
                    paused = self._pause(stop, "before", steps, frontier, joined)
                    if emit:
                        yield paused
                    return
                resuming = False
                steps += 1
                tasks, frontier = frontier, []
                lone = graph.nodes[tasks[0].node] if len(tasks) == 1 else None  # a sequential step's node
                self._at_fault = tasks[0] if lone is not None else None
                patches: list[dict[str, Any]]  # by position: the order the tasks started, never the order they finished
                asked: list[Interrupt] = []  # questions the superstep's tasks ask: the run pauses once the others end
                if not emit and isinstance(lone, PythonNode) and not done:  # the cheapest step: no generator to go through
                    ended: set[str] = set()
                    try:
                        patches = [await self._python_node(lone, tasks[0], self.state, None, alone=True)]
                    except _Interrupted as signal:
                        patches, asked = [{}], signal.interrupts
                else:
                    ended = set(done)  # ids of the tasks whose patch is in `patches`
                    patches, running = [{}] * len(tasks), tasks
                    if done:  # a checkpoint cut mid-superstep: its finished instances' writes, merged in their place
                        patches = [dict(done.get(t.id, {})) for t in tasks]
                        running, done, lone = [t for t in tasks if t.id not in done], {}, None
                    stream = (
                        self._run_task(tasks[0], emit, None, alone=True) if lone is not None else self._run_tasks(running, emit)
                    )
                    try:
                        async with contextlib.aclosing(stream):  # closed at once when the consumer stops early
                            async for item in stream:
                                if isinstance(item, _TaskDone):
                                    patches[item.task.position] = item.patch
                                    ended.add(item.task.id)
                                elif isinstance(item, _TaskAsked):
                                    asked.extend(item.interrupts)
                                else:
                                    yield item
                    except _Interrupted as signal:  # a lone task asked
                        asked = signal.interrupts
                if asked:
                    order = {t.id: t.position for t in tasks}
                    asked.sort(key=lambda ask: order[str(ask["task"])])  # in task order, whichever asked first
                    finished = {t.id: patches[t.position] for t in tasks if t.id in ended}
                    paused = self._pause(asked[0]["node"], "interrupt", steps - 1, tasks, joined, finished, asked)
                    if emit:
                        yield paused
                    return
                self._at_fault = None
                patch = patches[0] if lone is not None and not reducers else _merge(self.state, tasks, patches, reducers)
                before: dict[str, Any] | None = None  # what the patch overwrites, for a Python router that may ask
                if _any_in(self.asking_routers, tasks):  # (its superstep then runs again): a loop, no comprehension
                    before = {}
                    for key in patch:
                        before[key] = self.state.get(key, _ABSENT)
                self.state.update(patch)
                reduced = bool(reducers) and any(key in reducers for key in patches[0])
                if emit and (lone is None or reduced):  # else the one node_end's patch is what was applied
                    yield make("merge", step=steps, patch=jsonable(patch), tasks=[t.id for t in tasks])
                counted = {i: set(seen) for i, seen in joined.items()} if before is not None and joined else joined
                try:
                    for task in tasks:
                        routing = task
                        for decision, branch in await self._next(task, joined):
                            if emit and branch.index is not None:  # a Send: the instance it starts (from_events needs it)
                                yield make("route", source=task.node, decision=decision, target=branch.node,
                                           send_arg=jsonable(branch.arg), send_index=branch.index, **task.fields())
                            elif emit:
                                yield make("route", source=task.node, decision=decision, target=branch.node, **task.fields())
                            if branch.node != END and (branch.arg is not None or branch not in frontier):
                                branch.step, branch.position = steps + 1, len(frontier)
                                frontier.append(branch)  # a node triggered by several tasks runs once; each Send runs
                except _Interrupted as signal:  # a router asked: the superstep runs again on resume, its tasks' writes kept
                    assert before is not None and routing is not None
                    for key, value in before.items():  # the state as the superstep found it
                        if value is _ABSENT:
                            del self.state[key]
                        else:
                            self.state[key] = value
                    paused = self._pause(routing.node, "interrupt", steps - 1, tasks, counted,
                                         {t.id: patches[t.position] for t in tasks}, signal.interrupts)
                    if emit:
                        yield paused
                    return
                routing = None
                if isinstance(lone, PythonNode) and lone.on_loop:
                    await asyncio.sleep(0)  # let the loop run (views animate, servers answer) between cheap steps
                stop = _first_in(options.interrupt_after, tasks) if options.interrupt_after else None
                if stop is not None:
                    paused = self._pause(stop, "after", steps, frontier, joined)
                    if emit:
                        yield paused
                    return
            where = "while building the output"
            self._result = self.program.build_output(self.state)
            self._finished = True
            if emit:
                yield make(
                    "finished",
                    output=jsonable(self._result),
                    state=jsonable(self.state),
                    steps=steps,
                    duration=time.perf_counter() - started,
                )
        except Exception as exc:
            culprit = self._at_fault
            node_at_fault = culprit.node if culprit is not None else None
            if isinstance(exc, DspyerLabError):
                node_at_fault = getattr(exc, "node", node_at_fault)
            add_note = getattr(exc, "add_note", None)  # Python 3.11+
            if add_note is not None and not isinstance(exc, DspyerLabError):  # our own errors say where already
                with contextlib.suppress(Exception):  # e.g. a __notes__ that is not a list
                    if culprit is not None:
                        where = f"in node {culprit.label!r}"
                    elif routing is not None:
                        where = f"in the router after node {routing.node!r}"
                    add_note(f"(raised {where} of the dspyer-lab graph)")
            if emit:
                yield make(  # every part is built so that it cannot raise: the error event always arrives
                    "error",
                    node=node_at_fault,
                    router=routing.node if routing is not None else None,
                    error=_guarded(str, exc),
                    error_type=type(exc).__name__,
                    traceback=_guarded(lambda e: "".join(traceback.format_exception(e)), exc),
                    state=jsonable(self.state),
                    **_task_fields(culprit or routing),
                )
            raise

    def _pause(
        self,
        node: str,
        when: Literal["before", "after", "interrupt"],
        steps: int,
        frontier: list[_Task],
        joined: dict[int, set[str]],
        finished: Mapping[str, dict[str, Any]] | None = None,
        asked: Sequence[Interrupt] = (),
    ) -> Paused:
        """Stop at a breakpoint or a question: record where (`self.paused`) and return the `paused` event.

        At a question the checkpoint stands before the superstep that asked (`frontier` its tasks): `finished`
        holds the writes of its tasks that ended (not run again), and the answers so far to its tasks go with it.
        The checkpoint's `seq` counts the `paused` event itself, so a resumed stream continues the `seq`.
        """
        alone = len(frontier) == 1 and frontier[0].arg is None
        branches = () if alone else tuple(b.to_dict() for b in frontier)
        waiting = () if not any(joined.values()) else tuple(
            tuple(sorted(joined.get(i, ()))) for i in range(len(self.graph.joins))
        )
        next_node = frontier[0].node if frontier else END
        scopes = tuple(f":{t.id}:" for t in frontier)
        answers = {key: value for key, value in self.answers.items() if any(scope in key for scope in scopes)}
        checkpoint = Checkpoint(
            self.run_id, steps, self.events_of.seq + 1, next_node, jsonable(self.state), branches, waiting,
            {task: jsonable(patch) for task, patch in (finished or {}).items()}, tuple(asked), answers,
        )
        self.paused = RunPaused(node, when, checkpoint, asked)
        if asked:
            return self.events_of.make("paused", node=node, when=when, checkpoint=checkpoint.to_dict(), interrupts=list(asked))
        return self.events_of.make("paused", node=node, when=when, checkpoint=checkpoint.to_dict())

    # -- tasks ----------------------------------------------------------------------

    async def _run_tasks(self, tasks: list[_Task], emit: bool) -> AsyncGenerator[Event | _TaskDone | _TaskAsked, None]:
        """Run a superstep's tasks each in an asyncio task of its own (a lone task runs in the consumer's).

        Their events come through one queue in the order they were made (`seq` stays contiguous). The
        first failure cancels the running siblings and awaits them before it is raised; so does closing
        the stream or cancelling its consumer.
        """
        queue: asyncio.Queue[Event | _TaskDone | _TaskFailed | _TaskAsked] = asyncio.Queue()
        limit = self.options.max_concurrency
        gate = asyncio.Semaphore(limit) if limit is not None and limit < len(tasks) else contextlib.nullcontext()
        threaded = sum(isinstance(n, PythonNode) and not n.on_loop for n in (self.graph.nodes[t.node] for t in tasks))
        pool = ThreadPoolExecutor(min(threaded, limit or threaded), "dspyer-branch") if threaded > 1 else None

        async def pump(task: _Task) -> None:
            try:
                async with gate:
                    async with contextlib.aclosing(self._run_task(task, emit, pool)) as stream:
                        async for item in stream:
                            queue.put_nowait(item)
            except _Interrupted as signal:  # a question: the superstep's other tasks go on
                queue.put_nowait(_TaskAsked(task, signal.interrupts))
            except Exception as exc:  # a CancelledError (a BaseException) is the run's, not a failure
                queue.put_nowait(_TaskFailed(task, exc))

        running = [asyncio.ensure_future(pump(task)) for task in tasks]  # started in frontier order
        try:
            finished = 0
            while finished < len(tasks):
                got = await queue.get()
                if isinstance(got, _TaskFailed):
                    self._at_fault = got.task
                    raise got.error
                finished += isinstance(got, (_TaskDone, _TaskAsked))
                yield got
        finally:
            for future in running:
                future.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            if pool is not None:
                pool.shutdown(wait=False)  # a sync node still running in a thread cannot be stopped; it is not waited for

    async def _run_task(
        self, task: _Task, emit: bool, pool: Executor | None, alone: bool = False
    ) -> AsyncGenerator[Event | _TaskDone, None]:
        """One node instance, from its `node_start` to its `node_end`, reading the state (with its Send's arg);
        `alone`: the superstep's only task, run in the consumer's context."""
        node = self.graph.nodes[task.node]
        view = self.state if task.arg is None else {**self.state, **task.arg}
        started = time.perf_counter()
        if isinstance(node, (StatefulNode, HumanNode)):  # a typed node: its stream ends with how it went
            if isinstance(node, StatefulNode):
                stream = self._llm_node(node, task, view, emit)
            else:
                inputs = self._node_inputs(node, view)
                if emit:
                    yield self.events_of.make("node_start", node=node.name, kind="human", step=task.step,
                                              inputs=jsonable(inputs), **task.fields())
                stream = self._human_node(node, task, inputs, view, emit)
            done: _NodeDone | None = None
            async with contextlib.aclosing(stream):
                async for item in stream:
                    if isinstance(item, _NodeDone):
                        done = item
                    else:
                        yield item
            assert done is not None
            patch, attempts = done.patch, done.attempts
        else:
            if emit:  # a Python node reads the whole state: derivable from run_start plus the patches
                yield self.events_of.make(
                    "node_start", node=node.name, kind="python", step=task.step, inputs=None, **task.fields()
                )
            patch, attempts = await self._python_node(node, task, view, pool, alone), 1
        if emit:
            yield self.events_of.make(
                "node_end",
                node=node.name,
                patch=jsonable(patch),
                duration=time.perf_counter() - started,
                attempts=attempts,
                **task.fields(),
            )
        yield _TaskDone(task, patch)

    # -- nodes ----------------------------------------------------------------------

    def _node_inputs(self, node: StatefulNode | HumanNode, view: Mapping[str, Any]) -> dict[str, Any]:
        values, missing = state_values(node.input_model, view)
        if missing:
            raise NodeInputError(node.name, node.input_model.__name__, missing, list(view))
        try:
            model = node.input_model.model_validate(values)
        except ValidationError as exc:
            bad = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
            raise NodeInputError(node.name, node.input_model.__name__, bad, list(view), detail=str(exc)) from exc
        return {n: getattr(model, n) for n in node.input_model.model_fields}

    async def _llm_node(
        self, node: StatefulNode, task: _Task, view: Mapping[str, Any], emit: bool
    ) -> AsyncGenerator[Event | _NodeDone, None]:
        inputs = self._node_inputs(node, view)
        if emit:
            yield self.events_of.make("node_start", node=node.name, kind=self.graph.node_kind(node.name),
                                      step=task.step, inputs=jsonable(inputs), **task.fields())
        predictor = self.program.predictor(node.name)
        retries = node.max_retries if node.max_retries is not None else self.options.max_retries
        router = self.graph.routers.get(node.name)
        extra_check = decision_check(node, router) if router is not None and router.decide is node else None
        kwargs: dict[str, Any] = dict(inputs)
        context = {"node": node.name, "inputs": inputs, "state": MappingProxyType(view)}
        signature = None
        failure: AttemptFailure | None = None
        watch = emit and (self.options.lm_calls or self.options.stream_tokens)
        for attempt in range(1, retries + 2):
            call = NodeCall(node.name, attempt, kwargs)
            answer: dspy.Prediction | AdapterParseError | None = None
            if watch:
                async for item in self._watched_call(node, task, predictor, call, signature):
                    if isinstance(item, _Answer):
                        answer = item.outcome
                    else:
                        yield item
            else:
                answer = await call_predictor(predictor, call, signature)
            assert answer is not None  # _watched_call ends with the answer
            outcome = check_answer(node, answer, predictor.signature, context, extra_check)
            if isinstance(outcome, BaseModel):
                yield _NodeDone({n: getattr(outcome, n) for n in node.output_model.model_fields}, attempt)
                return
            failure = outcome
            will_retry = attempt <= retries
            feedback = failure.feedback() if will_retry else ""
            if emit:
                yield self.events_of.make(
                    "validation_error",
                    node=node.name,
                    attempt=attempt,
                    max_attempts=retries + 1,
                    error=failure.error,
                    failed_fields=failure.failed_fields,
                    raw_output=failure.raw_output,
                    feedback=feedback,
                    will_retry=will_retry,
                    **task.fields(),
                )
            signature = signature or self.program.retry_signature(node.name)
            kwargs = {**inputs, "previous_attempt": failure.raw_output, "validation_feedback": feedback}
        assert failure is not None
        raise NodeValidationError(
            node.name, retries + 1, failure.error, failure.raw_output, failure.failed_fields
        ) from failure.exception

    async def _watched_call(
        self,
        node: StatefulNode,
        task: _Task,
        predictor: dspy.Predict,
        call: NodeCall,
        signature: type[dspy.Signature] | None,
    ) -> AsyncGenerator[Token | LMCall | _Answer, None]:
        """One attempt's model call with its events: `token`s as the model writes, then one `lm_call` per call.

        A call that fails still reports the model calls it finished, before the error goes on.
        """
        make, options = self.events_of.make, self.options
        log = CallLog(node.name, call.attempt) if options.lm_calls else None
        settings = log.settings() if log is not None else {}
        failure: Exception | None = None
        try:
            if options.stream_tokens:
                tokens = TokenStream(list(node.output_model.model_fields), predictor)
                work = call_predictor(predictor, call, signature, {**settings, **tokens.settings()})
                async with contextlib.aclosing(tokens.run(work)) as pieces:
                    async for field, chunk in pieces:
                        yield make("token", node=node.name, attempt=call.attempt, field=field, chunk=chunk, **task.fields())
                outcome = tokens.result
            else:
                outcome = await call_predictor(predictor, call, signature, settings)
        except Exception as exc:
            failure = exc
        for fields in log.take() if log is not None else ():
            fields.update(task.fields())
            yield make("lm_call", **fields)
        if failure is not None:
            raise failure
        yield _Answer(outcome)

    async def _human_node(
        self, node: HumanNode, task: _Task, inputs: dict[str, Any], view: Mapping[str, Any], emit: bool
    ) -> AsyncGenerator[Event | _NodeDone, None]:
        """A person's step: ask (raise `_Interrupted`) until an answer fits the output model, then that answer's patch.

        A wrong answer is dropped (the question waits for another one) after a `validation_error` with the same
        field-level problems an LLM node's answer gets, plus ``errors`` for a form.
        """
        ask = Asking(task, self.answers).question(
            node.prompt, "human", node.prompt, node.schema(), jsonable(inputs)
        )
        if ask["id"] not in self.answers:
            raise _Interrupted([ask])
        answer = self.answers[ask["id"]]
        context = {"node": node.name, "inputs": inputs, "state": MappingProxyType(view)}
        try:
            output = node.output_model.model_validate(answer, context=context)
        except ValidationError as exc:
            error, failed, errors = field_problems(exc)
            del self.answers[ask["id"]]
            if emit:
                yield self.events_of.make(
                    "validation_error", node=node.name, attempt=1, max_attempts=None, error=error, failed_fields=failed,
                    raw_output=_shown_answer(answer), feedback="", will_retry=False, errors=errors, **task.fields(),
                )
            ask["errors"] = errors
            raise _Interrupted([ask]) from None
        yield _NodeDone({n: getattr(output, n) for n in node.output_model.model_fields}, 1)

    async def _python_node(
        self, node: PythonNode, task: _Task, view: Mapping[str, Any], pool: Executor | None, alone: bool = False
    ) -> dict[str, Any]:
        """The node's patch; its `interrupt()` calls read this superstep's answers (an unanswered one: `_Interrupted`).

        `alone` (the superstep's only task, in the consumer's context): `finish()`'s `Asking` serves, if it set one.
        """
        if alone and self._alone is not None:
            asking = self._alone.reset(task)
            patch = await _call(node.fn, node.on_loop, dict(view), node.name, pool=pool)
        else:
            asking = Asking(task, self.answers)
            token = ASKING.set(asking)
            try:
                patch = await _call(node.fn, node.on_loop, dict(view), node.name, pool=pool)
            finally:
                ASKING.reset(token)
        if asking.asked:  # the node caught the signal and returned: it asked all the same
            raise _Interrupted(asking.asked)
        if patch is None:
            return {}
        if not isinstance(patch, Mapping):
            raise NodeOutputError(node.name, f"returned {type(patch).__name__}; return a dict patch or None")
        bad_keys = [k for k in patch if not isinstance(k, str) or k.startswith("_")]
        if bad_keys:
            raise NodeOutputError(
                node.name, f"wrote invalid state key(s) {bad_keys}: use strings not starting with '_'"
            )
        return dict(patch)

    # -- routing --------------------------------------------------------------------

    async def _next(self, task: _Task, joined: dict[int, set[str]]) -> list[tuple[str | None, _Task]]:
        """Where a finished task of `source` leads: (decision, branch) pairs; END when it has no way out.

        A router may return one key, a list of keys or `Send`s (one instance each). A join's target is
        returned by the task that completes it (`joined` keeps the sources finished so far).
        """
        graph, source = self.graph, task.node
        router = graph.routers.get(source)
        if router is None:
            found: list[tuple[str | None, _Task]] = [(None, _Task(t)) for t in graph.edges.get(source, ())]
            waits = False
            for i, join in enumerate(graph.joins):
                if source in join.sources:
                    waits = True
                    seen = joined.setdefault(i, set())
                    seen.add(source)
                    if seen.issuperset(join.sources):
                        seen.clear()
                        found.append((None, _Task(join.target)))
            return found or ([] if waits else [(None, _Task(END))])
        if isinstance(router.decide, StatefulNode):
            decisions: Any = self.state[router.decide.decision_field]
        else:
            if self._alone is not None:  # routers run one at a time, in the consumer's context
                asking = self._alone.reset(task, router=True)
                decisions = await _call(router.decide, router.on_loop, dict(self.state), source, router=True)
            else:
                asking = Asking(task, self.answers, router=True)
                token = ASKING.set(asking)
                try:
                    decisions = await _call(router.decide, router.on_loop, dict(self.state), source, router=True)
                finally:
                    ASKING.reset(token)
            if asking.asked:
                raise _Interrupted(asking.asked)
        if not isinstance(decisions, (list, tuple)):  # one key: a sequential step, no list to go through
            key = decision_key(decisions)
            return [(key, self._routed(source, router, key))]
        found, sends = [], 0
        for decision in decisions:
            if isinstance(decision, Send):
                if decision.node not in router.path_map.values():
                    raise RouteError(source, decision, list(router.path_map))
                found.append((None, _Task(decision.node, decision.arg, sends)))
                sends += 1
                continue
            key = decision_key(decision)
            found.append((key, self._routed(source, router, key)))
        return found or [(None, _Task(END))]

    @staticmethod
    def _routed(source: str, router: Router, key: str) -> _Task:
        """The task a router's `key` leads to; a key outside its path_map is a `RouteError`."""
        target = router.path_map.get(key)
        if target is None:
            raise RouteError(source, key, list(router.path_map))
        return _Task(target)


def _merge(
    state: Mapping[str, Any],
    tasks: Sequence[_Task],
    patches: Sequence[dict[str, Any]],
    reducers: Mapping[str, Callable[[Any, Any], Any]],
) -> dict[str, Any]:
    """The superstep's patch: its tasks' writes in the order given, a field with a reducer folded into its value.

    A field written by two tasks without a reducer is a `ParallelWriteError` naming both. (A sequential
    step without reducers does not call it: its patch is applied as it is.)
    """
    merged: dict[str, Any] = {}
    writer: dict[str, str] = {}
    for task, patch in zip(tasks, patches):
        for key, value in patch.items():
            reducer = reducers.get(key)
            if reducer is not None:
                current = merged[key] if key in merged else state.get(key, _ABSENT)
                merged[key] = value if current is _ABSENT else reducer(current, value)
            elif key in writer:
                raise ParallelWriteError(key, writer[key], task.label, task.node)
            else:
                merged[key] = value
            writer.setdefault(key, task.label)
    return merged


_ABSENT = object()


async def _recorded(stream: AsyncGenerator[Event, None], recording: RunRecording) -> AsyncGenerator[Event, None]:
    """`stream`, each event handed to `recording` before it is yielded; the recording closed when the stream
    ends, fails or is closed early (the stream is closed first, so its work in flight stops)."""
    try:
        async with contextlib.aclosing(stream):
            async for event in stream:
                recording.event(event)
                yield event
    finally:
        recording.close()


def _any_in(nodes: frozenset[str], tasks: Sequence[_Task]) -> bool:
    """Whether one of `tasks` runs one of `nodes` (a loop, not a generator: called every step)."""
    for task in tasks:
        if task.node in nodes:
            return True
    return False


def _shown_answer(answer: Any) -> str:
    """A person's answer as the `validation_error`'s ``raw_output`` shows it (JSON, as it was given)."""
    return json.dumps(answer, ensure_ascii=False)


def _first_in(breakpoints: frozenset[str], tasks: Sequence[_Task]) -> str | None:
    """The first of `tasks`' nodes with a breakpoint, or None (called only when there are breakpoints)."""
    return next((t.node for t in tasks if t.node in breakpoints), None)


def _task_fields(task: _Task | None) -> TaskFields:
    """The `task` (and `index`) keys of an event about `task`; none outside a task."""
    return task.fields() if task is not None else {}


async def _call(
    fn: Callable[[dict[str, Any]], Any],
    on_loop: bool,
    state: dict[str, Any],
    node: str,
    *,
    router: bool = False,
    pool: Executor | None = None,
) -> Any:
    """Call a node or router function: on the loop, or (sync and not inline) in a worker thread of `pool`
    (None: the loop's default executor), carrying the context variables (`dspy.context`) into the thread.

    A sync function that returns an awaitable has it awaited on the loop. A StopIteration can cross
    neither the engine's generators ("async generator raised StopIteration") nor an asyncio future (the
    run would wait forever), so it becomes `NodeStopIteration` (a RuntimeError) naming `node`, chained to it.
    """
    try:
        if on_loop:
            value = fn(state)
        else:
            work = functools.partial(contextvars.copy_context().run, _in_thread, fn, state)
            value = await asyncio.get_running_loop().run_in_executor(pool, work)
        if isinstance(value, _Stopped):
            raise value.stop
        return await value if inspect.isawaitable(value) else value
    except StopIteration as exc:
        stop: BaseException = exc
    except RuntimeError as exc:  # an async function's StopIteration, already turned into a RuntimeError
        if not isinstance(exc.__cause__, StopIteration):
            raise
        stop = exc.__cause__
    raise NodeStopIteration(node, str(stop), router) from stop


@dataclass(frozen=True)
class _Stopped:
    """A StopIteration raised in the worker thread, handed back as a value (a future cannot hold one)."""

    stop: StopIteration


def _in_thread(fn: Callable[[dict[str, Any]], Any], state: dict[str, Any]) -> Any:
    try:
        return fn(state)
    except StopIteration as exc:
        return _Stopped(exc)


def state_values(model: type[BaseModel], state: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The state's values for `model`'s fields, and the names of required fields the state lacks.

    A required field that accepts None (``Optional[X]`` without a default) is None when absent.
    """
    fields = model.model_fields
    values = {n: state[n] for n in fields if n in state}
    missing = []
    for name, info in fields.items():
        if name not in state and info.is_required():
            if name in _none_when_absent(model):
                values[name] = None
            else:
                missing.append(name)
    return values, missing


@functools.lru_cache(maxsize=512)
def _none_when_absent(model: type[BaseModel]) -> frozenset[str]:
    """The required fields of `model` whose annotation accepts None."""
    return frozenset(n for n, info in model.model_fields.items() if info.is_required() and _accepts_none(info.annotation))


def _accepts_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _accepts_none(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(_accepts_none(a) for a in get_args(annotation))
    return False


def _guarded(describe: Any, exc: BaseException) -> str:
    """`describe(exc)`, or a placeholder naming the exception's type when that raises (a broken __str__)."""
    try:
        return str(describe(exc))
    except Exception:
        return f"<{type(exc).__name__}: its message could not be read>"
