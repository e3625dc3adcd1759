"""The run model: one fold of a run's events that every view reads (statuses, visits, path, state).

Pure Python, no widgets: `RunModel.apply(event)` folds one contract event (see
`dspyer_lab.core.events`). The state before and after every node visit is derived from
``run_start.inputs`` with each ``node_end.patch`` applied in order (never from
``node_start.inputs``), so a run is known exactly from its compact events.

Parallel runs (docs/design/parallel.md): visits are open per ``task`` id (per node in runs saved
before there were task ids), so several instances of one node can run at once, each with its own
calls, streams and failures. Every instance of a superstep reads the state as it was when the
superstep began; its `NodeVisit.state_after` is that state plus its own patch (what it read and
wrote), while the run's state is the engine's: a ``merge`` event (a superstep of several tasks, or
a reducer) sets it to the state before the superstep plus the merged patch. An ``error`` fails the
instance it names and cancels the siblings still running. The model
keeps a checkpoint every `CHECKPOINT_EVERY` events, so `RunModel.at` (the run as it was
after its first k events: the replay slider) costs a lookup and a few folds, not a replay.

Model calls: each ``lm_call`` event becomes an `LMCall` of the visit it belongs to (its
open visit of ``task``), added to per-node and run `CallTotals`; ``token`` events grow a
`Stream` per (attempt, field) of that visit. A token flood stays cheap: a chunk is one
list append, a checkpoint shares the chunks, and the timeline lists one row per streamed
field (`RunModel.rows`), not one per chunk.

The fold reads each event as its kind's TypedDict says (`dspyer_lab.core.events`): the engine makes
them so, and events from anywhere else (a run file, a foreign stream given to a view) are checked
where they enter, by `checked_event` (the run-file reader validates the same way). The fold
itself checks nothing and copies nothing: it keeps each event as it is.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple, cast, get_args

from ...core.events import (
    Answer,
    ErrorEvent,
    Finished,
    Merge,
    NodeEnd,
    NodeStart,
    RunStart,
    Token,
    Update,
    ValidationErrorEvent,
)
from ...core.events import LMCall as LMCallEvent
from ...core.events import Route as RouteEvent
from ...core.eventschema import EventContractError, validate_event
from ..textview import one_line, seconds, steps, to_text

__all__ = [
    "CANCELLED",
    "CHECKPOINT_EVERY",
    "NODE_STATUSES",
    "RUN_STATES",
    "Attempt",
    "CallTotals",
    "LMCall",
    "NodeStatus",
    "NodeVisit",
    "Route",
    "RunModel",
    "RunState",
    "Stream",
    "TakenPath",
    "checked_event",
    "introduced",
    "money",
    "offending_values",
    "clock",
    "summarize",
    "summary_fields",
    "usage_text",
]

NodeStatus = Literal["idle", "running", "retrying", "done", "failed", "cancelled"]
"""The one vocabulary of node statuses, in Python and (as these strings) in the browser.

``retrying``: the model's last answer was rejected and it is asked again; ``failed``: the
node gave up (a rejected answer with no retry left) or the run's ``error`` names it;
``cancelled``: the run was stopped while the node ran.
"""
NODE_STATUSES: tuple[NodeStatus, ...] = get_args(NodeStatus)

RunState = Literal["idle", "running", "paused", "finished", "failed", "cancelled"]
"""Where a run is (`RunModel.status`, `GraphView.run_state`)."""
RUN_STATES: tuple[RunState, ...] = get_args(RunState)

CANCELLED = "cancelled"
"""Kind of the marker event a view appends when its consumer stops a run (the engine emits nothing then)."""

CHECKPOINT_EVERY = 128
"""Events between two checkpoints: `RunModel.at` folds at most this many events."""

_MISSING = object()


@dataclass
class Attempt:
    """One rejected answer of an LLM node (a ``validation_error`` event)."""

    attempt: int
    max_attempts: int | None
    error: str
    failed_fields: list[str]
    raw_output: str
    feedback: str
    will_retry: bool
    event_index: int

    @property
    def offending(self) -> dict[str, Any]:
        """The values the model gave for the failed fields, when its answer can be read."""
        return offending_values(self.raw_output, self.failed_fields)


@dataclass(frozen=True)
class LMCall:
    """One model call of an LLM node (an ``lm_call`` event): what the model was sent and what it said."""

    node: str
    attempt: int | None
    model: str
    messages: list[dict[str, str]]
    """``{"role", "content"}`` as sent (a content that was not text is shown as its JSON)."""
    completion: str
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    """None when the model did not report usage."""
    cost: float | None
    duration: float | None
    cached: bool
    event_index: int


@dataclass
class CallTotals:
    """Model calls added up (for a node over all its visits, or for a whole run)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    no_usage: int = 0
    """Calls (not cached) whose model reported no token counts (their tokens are not in the sums)."""
    cost: float = 0.0
    no_cost: int = 0
    """Calls (not cached) with no known cost (not in `cost`)."""
    model_time: float = 0.0
    """Seconds spent waiting for the model."""
    cached: int = 0
    """Calls answered from DSPy's cache: counted, but their tokens and cost were not spent again."""

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def billed(self) -> int:
        """Calls not answered from the cache."""
        return self.calls - self.cached

    @property
    def has_usage(self) -> bool:
        """Whether some billed call reported its tokens (else there is no token count to show)."""
        return self.no_usage < self.billed

    @property
    def has_cost(self) -> bool:
        """Whether some billed call has a known cost."""
        return self.no_cost < self.billed

    def add(self, call: LMCall) -> None:
        self.calls += 1
        self.model_time += call.duration or 0.0
        if call.cached:  # answered from DSPy's cache: nothing sent, nothing billed (its cost is the first call's)
            self.cached += 1
            return
        if call.prompt_tokens is None and call.completion_tokens is None:
            self.no_usage += 1
        else:
            self.prompt_tokens += call.prompt_tokens or 0
            self.completion_tokens += call.completion_tokens or 0
        if call.cost is None:
            self.no_cost += 1
        else:
            self.cost += call.cost

    @classmethod
    def of(cls, calls: Iterable[LMCall]) -> CallTotals:
        totals = cls()
        for call in calls:
            totals.add(call)
        return totals


class Stream:
    """The chunks streamed so far for one field of one attempt (``token`` events), in order.

    Append-only and cheap to copy: a copy (a checkpoint, a seek) shares the chunk list and
    keeps its own count, so a token costs one append and a checkpoint costs nothing per chunk.
    """

    __slots__ = ("attempt", "field", "first_index", "last_index", "_chunks", "_n", "_text", "_text_n")

    def __init__(self, attempt: int | None, field: str, first_index: int) -> None:
        self.attempt = attempt
        self.field = field
        self.first_index = first_index
        """Index of the first chunk's event (where the timeline shows the stream's one row)."""
        self.last_index = first_index
        self._chunks: list[str] = []
        self._n = 0
        self._text = ""
        self._text_n = 0

    @property
    def chunks(self) -> int:
        """How many chunks arrived."""
        return self._n

    @property
    def text(self) -> str:
        """The chunks so far, joined (the field's text once its attempt ends)."""
        if self._text_n != self._n:
            self._text += "".join(self._chunks[self._text_n : self._n])
            self._text_n = self._n
        return self._text

    def add(self, chunk: str, index: int) -> None:
        if self._n < len(self._chunks) and self._chunks[self._n] is not chunk:  # a copy that diverges
            self._chunks = self._chunks[: self._n]
        if self._n == len(self._chunks):
            self._chunks.append(chunk)
        self._n += 1
        self.last_index = index

    def copy(self) -> Stream:
        other = Stream(self.attempt, self.field, self.first_index)
        other.last_index, other._chunks, other._n = self.last_index, self._chunks, self._n
        other._text, other._text_n = self._text, self._text_n
        return other


@dataclass
class NodeVisit:
    """One execution of a node: from its ``node_start`` to its ``node_end`` (or the run's end)."""

    index: int
    """Position in `RunModel.visits`."""
    node: str
    kind: str
    step: int | None
    visit: int
    """1 for the first time this node ran in the run, 2 for the second, ..."""
    inputs: dict[str, Any]
    """What the node was given: ``node_start.inputs``, or for a Python node without them the state before."""
    state_before: dict[str, Any]
    start_index: int
    """Index of the ``node_start`` event in `RunModel.events`."""
    start_ts: float | None
    failures: list[Attempt] = field(default_factory=list)
    patch: dict[str, Any] | None = None
    state_after: dict[str, Any] | None = None
    """`state_before` plus its own `patch` (an instance running beside others sees only its own writes)."""
    duration: float | None = None
    attempts: int | None = None
    """Answers asked of the model: from ``node_end``, or counted when the visit failed; None while it runs."""
    end_index: int | None = None
    status: NodeStatus = "running"
    error: str | None = None
    calls: list[LMCall] = field(default_factory=list)
    """The model calls of this visit, in order (one per attempt; a router's decision too)."""
    streams: dict[tuple[int | None, str], Stream] = field(default_factory=dict)
    """(attempt, field) -> the text streamed for it, in the order streaming began."""
    task: str | None = None
    """The ``task`` id of its ``node_start`` (unique in the run: "superstep.position"); None in runs saved before them."""
    instance: int | None = None
    """Its position among the `Send`s of its router (``index``): which item of a map it is; None otherwise."""

    def pending_streams(self) -> list[Stream]:
        """Streams of attempts whose ``lm_call`` has not come (the text still growing, or cut off by the run's end)."""
        done = {c.attempt for c in self.calls}
        return [s for s in self.streams.values() if s.attempt not in done]

    @property
    def changed_keys(self) -> list[str]:
        """State keys whose value this visit added or changed (a rewrite with the same value is not a change)."""
        if self.state_after is None:
            return []
        return [
            k for k, v in self.state_after.items() if self.state_before.get(k, _MISSING) != v
        ]


class Route(NamedTuple):
    """One ``route`` event: the edge taken after `source` (``decision`` is the path key as text, None for a static edge)."""

    source: str
    target: str
    decision: str | None
    event_index: int
    task: str | None = None
    """The ``task`` id of the instance that routed (None in a run without task ids)."""

    @property
    def key(self) -> tuple[str, str, str | None]:
        """The drawn edge this route took: (source, target, decision)."""
        return (self.source, self.target, self.decision)


@dataclass(frozen=True)
class TakenPath:
    """The path a run took: its routes in order, and how often each edge was taken."""

    routes: tuple[Route, ...]
    counts: dict[tuple[str, str, str | None], int]


@dataclass(frozen=True)
class _Checkpoint:
    """The fold after `events` events; what later folds mutate (open visits, counters) is copied."""

    events: int
    visits: int
    open: dict[str, NodeVisit]
    run_id: str | None
    inputs: dict[str, Any]
    state: dict[str, Any]
    status: RunState
    finished: dict[str, Any] | None
    error: dict[str, Any] | None
    paused: dict[str, Any] | None
    start_ts: float | None
    visit_count: dict[str, int]
    last_visit: dict[str, int]
    routes: int
    route_counts: dict[tuple[str, str, str | None], int]
    failed_node: str | None
    rows: int
    calls: int
    tokens: int
    call_totals: CallTotals
    node_totals: dict[str, CallTotals]
    superstep: int | None
    base: dict[str, Any]
    sends: dict[tuple[str, str], tuple[str | None, int]]
    routed: dict[str, tuple[int, bool]]
    expected: dict[str, tuple[int, bool]]
    args_routed: dict[tuple[str, int], dict[str, Any]]
    args: dict[tuple[str, int], dict[str, Any]]
    ended: dict[str, NodeVisit]
    failed_visit: int | None
    parallel: bool
    asked: dict[str, bool]


class RunModel:
    """Everything known about one run, folded once from its events as they arrive."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.visits: list[NodeVisit] = []
        self.run_id: str | None = None
        self.inputs: dict[str, Any] = {}
        self.state: dict[str, Any] = {}
        """The state so far."""
        self.status: RunState = "idle"
        self.finished: dict[str, Any] | None = None
        self.replay_of: RunModel | None = None
        """The whole run, when this model is an earlier step of it (`at`): the views say "replaying", not "running"."""
        """The ``finished`` event, once there is one."""
        self.error: dict[str, Any] | None = None
        """The ``error`` event, once there is one."""
        self.paused: dict[str, Any] | None = None
        """The latest ``paused`` event (the run stopped at a breakpoint), if any."""
        self.start_ts: float | None = None
        self._visit_of_event: list[int | None] = []
        self._open: dict[str, NodeVisit] = {}
        self._visit_count: dict[str, int] = {}
        self._last_visit: dict[str, int] = {}
        self._routes: list[Route] = []
        self._route_counts: dict[tuple[str, str, str | None], int] = {}
        self._failed_node: str | None = None
        self._failed_visit: int | None = None
        self._rows: list[int] = []
        self.calls: list[LMCall] = []
        """Every model call of the run, in order."""
        self.call_totals = CallTotals()
        """The run's model calls added up."""
        self._node_totals: dict[str, CallTotals] = {}
        self.tokens = 0
        """How many ``token`` events arrived."""
        self._superstep: int | None = None
        self._base: dict[str, Any] = {}
        """The state when the current superstep began: what each of its instances read (its `state_before`)."""
        self._sends: dict[tuple[str, str], tuple[str | None, int]] = {}
        """(source, target) -> (the routing task, how many `Send`s it routed on that edge): a router's latest map."""
        self._routed: dict[str, tuple[int, bool]] = {}
        """Node -> (Sends to it, whether a plain route leads to it) since the last superstep began: the next one's."""
        self._expected: dict[str, tuple[int, bool]] = {}
        """`_routed` as it was when the current superstep began: how many instances of each node it runs."""
        self._args_routed: dict[tuple[str, int], dict[str, Any]] = {}
        """(node, Send index) -> the Send's arg, for the next superstep (a route's ``send_arg``)."""
        self._args: dict[tuple[str, int], dict[str, Any]] = {}
        """`_args_routed` of the current superstep: what a Python instance of a map reads over the state."""
        self._ended: dict[str, NodeVisit] = {}
        """Task -> its visit, for the instances of the current superstep that ended (the routes after it name them)."""
        self.parallel = False
        """Whether a superstep ran several node instances (then a step is a superstep, not a visit)."""
        self._asked: dict[str, bool] = {}
        """Open visits (by `_key`) that asked a person at the pause: their next ``node_start`` runs them again."""
        self._flight: tuple[int, float] = (0, 0.0)
        """(calls, seconds some call was in flight): `_in_flight` for that many calls, made again when more came."""
        self._checkpoints: list[_Checkpoint] = [self._checkpoint()]

    @classmethod
    def replay(cls, events: Iterable[Mapping[str, Any]]) -> RunModel:
        """A run model of `events` (e.g. ``events[:k]`` for the run as it was after k events)."""
        model = cls()
        for event in events:
            model.apply(event)
        return model

    # -- folding ------------------------------------------------------------------

    def apply(self, event: Mapping[str, Any]) -> None:
        """Fold one contract event in. Unknown kinds are kept (they show in the timeline) but change nothing.

        `event` is read as its kind's TypedDict says (`dspyer_lab.core.events`): the engine's events are, and
        events from anywhere else (a file, a foreign stream) are checked where they enter (`checked_event`).
        The event is kept as it is, not copied: nothing changes an event once it is made.
        A `CANCELLED` marker for a run that already ended is dropped: the run stays finished (or failed);
        one for a paused run ends it (stopped at the pause).
        """
        kind = event["event"]
        if kind == CANCELLED and self.status not in ("idle", "running", "paused"):
            return  # the run ended before the stop landed: it stays finished (or failed)
        index = len(self.events)
        self.events.append(event)  # type: ignore[arg-type]  # kept, never changed (see above)
        visit: NodeVisit | None = None
        if kind == "token":  # first: a flood of them must stay cheap
            self.tokens += 1
            token = cast(Token, event)
            visit = self._open.get(_key(token))
            if visit is None or self._token(visit, token, index):
                self._rows.append(index)
            self._visit_of_event.append(None if visit is None else visit.index)
            if len(self.events) % CHECKPOINT_EVERY == 0:
                self._checkpoints.append(self._checkpoint())
            return
        self._rows.append(index)
        if kind == "lm_call":
            call = cast(LMCallEvent, event)
            self._call(call, index, self._open.get(_key(call)))
        elif kind == "run_start":
            start = cast(RunStart, event)
            self.run_id = start["run_id"]
            self.inputs = start["inputs"]
            self.state = dict(self.inputs)
            self.status = "running"
            self.start_ts = start["ts"]
        elif kind == "node_start":
            if self.status == "paused":  # a resumed run goes on in the same events
                self.status = "running"
            visit = self._start(cast(NodeStart, event), index)
        elif kind == "answer":  # a person's answer: it belongs to the visit that asked (its node runs again next)
            visit = self._open.get(_key(cast(Answer, event)))
        elif kind == "update":  # the user's edit at a pause or fork: part of the state from here on
            self.state = {**self.state, **cast(Update, event)["values"]}
        elif kind == "paused":
            self.paused = cast(dict[str, Any], event)
            self.status = "paused"
            for asked in self.paused.get("interrupts") or ():
                self._asked[asked["task"] if asked.get("task") is not None else asked["node"]] = True
        elif kind == "validation_error":
            rejected = cast(ValidationErrorEvent, event)
            visit = self._open.get(_key(rejected))
            if visit is not None:
                attempt = _attempt(rejected, index)
                visit.failures.append(attempt)
                visit.status = "retrying" if attempt.will_retry else "failed"
        elif kind == "node_end":
            end = cast(NodeEnd, event)
            visit = self._open.pop(_key(end), None)
            patch = end["patch"]
            if visit is None:
                self.state = {**self.state, **patch}
            else:
                after = {**visit.state_before, **patch}  # its own view: what it read and what it wrote
                self.state = after if visit.state_before is self.state else {**self.state, **patch}
                visit.patch = patch
                visit.state_after = after
                if visit.task is not None:
                    self._ended[visit.task] = visit
                visit.duration = end["duration"]
                visit.attempts = end["attempts"]
                visit.end_index = index
                visit.status = "done"
        elif kind == "merge":  # the superstep's writes as merged (reducers) and applied: the run's state from here
            self.state = {**self._base, **cast(Merge, event)["patch"]}
        elif kind == "route":
            visit = self._route(cast(RouteEvent, event), index)
        elif kind == "finished":
            finished = cast(Finished, event)
            self.finished = cast(dict[str, Any], finished)
            self.state = finished["state"]
            self.status = "finished"
        elif kind == "error":
            error = cast(ErrorEvent, event)
            self.error = cast(dict[str, Any], error)
            self.state = error["state"]
            self.status = "failed"
            self._failed_node = error["node"]
            visit = self._open.pop(_key(error) if error["node"] is not None else "", None)
            if visit is not None:
                visit.error = error["error"]
                visit.end_index = index
                _close(visit, "failed")
                self._failed_visit = visit.index
            for other in self._open.values():  # siblings the failure cancelled (in a sequential run: none)
                _close(other, "cancelled")
            self._open.clear()
        elif kind == CANCELLED:
            self.status = "cancelled"
            for other in self._open.values():
                _close(other, "cancelled")
            self._open.clear()
        if self.start_ts is None:
            self.start_ts = event["ts"]
        self._visit_of_event.append(None if visit is None else visit.index)
        if len(self.events) % CHECKPOINT_EVERY == 0:
            self._checkpoints.append(self._checkpoint())

    def _start(self, event: NodeStart, index: int) -> NodeVisit:
        node = event["node"]
        count = self._visit_count.get(node, 0) + 1
        self._visit_count[node] = count
        if self.status == "idle":
            self.status = "running"
        kind = event["kind"]
        step = event["step"]
        again = self._asked.pop(_key(event), False)  # the task that asked a person, run again with the answer
        if step != self._superstep:  # a new superstep: its instances all read the state as it is now
            self._superstep, self._base = step, self.state
            self._expected, self._routed = self._routed, {}
            self._args, self._args_routed = self._args_routed, {}
            self._ended = {}
        elif not again:
            self.parallel = True
        inputs = event.get("inputs")
        instance = _count(event.get("index"))
        if inputs is None and kind == "python":  # a Python node is given the whole state (a map's with its Send's arg)
            arg = self._args.get((node, instance)) if instance is not None else None
            inputs = self._base if arg is None else {**self._base, **arg}
        elif inputs is None:
            inputs = {}
        visit = NodeVisit(
            index=len(self.visits),
            node=node,
            kind=kind,
            step=step,
            visit=count,
            inputs=inputs,
            state_before=self._base,
            start_index=index,
            start_ts=event["ts"],
            task=_task_of(event),
            instance=instance,
        )
        self.visits.append(visit)
        self._last_visit[node] = visit.index
        key = visit.task if visit.task is not None else node
        stale = self._open.pop(key, None)
        if stale is not None:  # a node_start with no node_end before it (a cut stream)
            _close(stale, "cancelled")
        self._open[key] = visit
        return visit

    def _token(self, visit: NodeVisit, event: Token, index: int) -> bool:
        """Add a chunk to its stream; True when it begins one (the stream's row in the timeline)."""
        key = (event["attempt"], event["field"])
        stream = visit.streams.get(key)
        new = stream is None
        if stream is None:
            stream = visit.streams[key] = Stream(key[0], key[1], index)
        stream.add(event["chunk"], index)
        return new

    def _call(self, event: LMCallEvent, index: int, visit: NodeVisit | None) -> None:
        usage = event["usage"] or {}
        call = LMCall(
            node=event["node"],
            attempt=event["attempt"],
            model=event["model"],
            messages=[{"role": m["role"], "content": _as_text(m["content"])} for m in event["messages"]],
            completion=event["completion"] or "",
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            total_tokens=usage.get("total_tokens"),
            cost=event["cost"],
            duration=event["duration"],
            cached=event["cached"],
            event_index=index,
        )
        self.calls.append(call)
        self.call_totals.add(call)
        self._node_totals.setdefault(call.node, CallTotals()).add(call)
        if visit is not None:
            visit.calls.append(call)

    def node_totals(self, node: str) -> CallTotals:
        """The model calls of every visit of `node` added up (zero for a node that made none)."""
        return self._node_totals.get(node) or CallTotals()

    @property
    def nodes_with_calls(self) -> dict[str, CallTotals]:
        """Node -> its calls added up, for the nodes that called a model."""
        return dict(self._node_totals)

    @property
    def rows(self) -> list[int]:
        """Indices of the events the timeline lists: every event but the token chunks after the
        first of their stream (one row per streamed field). Read only."""
        return self._rows

    def stream_of_event(self, index: int) -> Stream | None:
        """The stream a ``token`` event belongs to."""
        visit = self.visit_of_event(index)
        if visit is None or self.events[index].get("event") != "token":
            return None
        event = self.events[index]
        return visit.streams.get((event["attempt"], event["field"]))

    def live_stream(self) -> tuple[NodeVisit, list[Stream]] | None:
        """The running visit that streams (its latest attempt's fields), if any: the text growing now."""
        best: tuple[NodeVisit, list[Stream]] | None = None
        latest = -1
        for visit in self._open.values():
            pending = visit.pending_streams()
            if pending and pending[-1].last_index > latest:
                latest = pending[-1].last_index
                attempt = pending[-1].attempt
                best = (visit, [s for s in pending if s.attempt == attempt])
        return best

    def model_time_split(self) -> tuple[float, float | None]:
        """(seconds waiting for the model, seconds of everything else); the latter None until the run ended
        (while it runs, the call in flight would count as "everything else"). In a parallel run the wait is the
        time some call was in flight (calls at once overlap: their sum can exceed the run's wall time)."""
        model = self._in_flight() if self.parallel else self.call_totals.model_time
        if self.status in ("idle", "running", "paused"):
            return model, None
        wall = self.finished["duration"] if self.finished is not None else None
        if wall is None and self.events and self.start_ts is not None:
            wall = self.events[-1]["ts"] - self.start_ts
        return model, None if wall is None else max(wall - model, 0.0)

    def _in_flight(self) -> float:
        """Seconds during which at least one model call was in flight (the union of the calls' spans)."""
        if self._flight[0] != len(self.calls):
            spans = sorted((self.events[c.event_index]["ts"] - (c.duration or 0.0), self.events[c.event_index]["ts"])
                           for c in self.calls)
            total, reach = 0.0, float("-inf")
            for start, end in spans:
                total += max(0.0, end - max(start, reach))
                reach = max(reach, end)
            self._flight = (len(self.calls), total)
        return self._flight[1]

    def _route(self, event: RouteEvent, index: int) -> NodeVisit | None:
        source = event["source"]
        task = _task_of(event)
        route = Route(source, event["target"], event["decision"], index, task)
        self._routes.append(route)
        self._route_counts[route.key] = self._route_counts.get(route.key, 0) + 1
        sends, plain = self._routed.get(route.target, (0, False))
        if "send_index" in event:  # one instance of the target each (a node routed to plainly runs once)
            ends = (source, route.target)
            by, times = self._sends.get(ends, (None, 0))
            self._sends[ends] = (task, times + 1 if by == task else 1)
            self._routed[route.target] = (sends + 1, plain)
            send_index, arg = event.get("send_index"), event.get("send_arg")
            if isinstance(send_index, int) and isinstance(arg, dict):
                self._args_routed[(route.target, send_index)] = arg
        elif not plain:
            self._routed[route.target] = (sends, True)
        last = self._last_visit.get(source)
        if last is None:
            return None
        return self._ended.get(task, self.visits[last]) if task is not None else self.visits[last]

    def _checkpoint(self) -> _Checkpoint:
        return _Checkpoint(
            events=len(self.events),
            visits=len(self.visits),
            open={name: _copy(v) for name, v in self._open.items()},
            run_id=self.run_id,
            inputs=self.inputs,
            state=self.state,
            status=self.status,
            finished=self.finished,
            error=self.error,
            paused=self.paused,
            start_ts=self.start_ts,
            visit_count=dict(self._visit_count),
            last_visit=dict(self._last_visit),
            routes=len(self._routes),
            route_counts=dict(self._route_counts),
            failed_node=self._failed_node,
            rows=len(self._rows),
            calls=len(self.calls),
            tokens=self.tokens,
            call_totals=replace(self.call_totals),
            node_totals={n: replace(t) for n, t in self._node_totals.items()},
            superstep=self._superstep,
            base=self._base,
            sends=dict(self._sends),
            routed=dict(self._routed),
            expected=self._expected,
            args_routed=dict(self._args_routed),
            args=self._args,
            ended=dict(self._ended),
            failed_visit=self._failed_visit,
            parallel=self.parallel,
            asked=dict(self._asked),
        )

    def at(self, k: int) -> RunModel:
        """The run as it was after its first `k` events (clamped to 0..len(events)): a seek.

        Costs a checkpoint lookup and at most `CHECKPOINT_EVERY` folds, whatever the run's
        length. For ``k >= len(events)`` this model itself is returned.
        """
        k = max(0, min(k, len(self.events)))
        if k == len(self.events):
            return self
        cp = self._checkpoints[k // CHECKPOINT_EVERY]
        model = type(self)()
        model.replay_of = self
        model.events = self.events[: cp.events]
        model._visit_of_event = self._visit_of_event[: cp.events]
        model.visits = self.visits[: cp.visits]  # closed visits never change again: shared
        model._open = {name: _copy(v) for name, v in cp.open.items()}
        for visit in model._open.values():
            model.visits[visit.index] = visit
        model.run_id, model.inputs, model.state, model.status = cp.run_id, cp.inputs, cp.state, cp.status
        model.finished, model.error, model.paused, model.start_ts = cp.finished, cp.error, cp.paused, cp.start_ts
        model._visit_count, model._last_visit = dict(cp.visit_count), dict(cp.last_visit)
        model._routes = self._routes[: cp.routes]
        model._route_counts = dict(cp.route_counts)
        model._failed_node = cp.failed_node
        model._rows = self._rows[: cp.rows]
        model.calls = self.calls[: cp.calls]
        model.tokens = cp.tokens
        model.call_totals = replace(cp.call_totals)
        model._node_totals = {n: replace(t) for n, t in cp.node_totals.items()}
        model._superstep, model._base, model._sends = cp.superstep, cp.base, dict(cp.sends)
        model._routed, model._expected, model.parallel = dict(cp.routed), cp.expected, cp.parallel
        model._args_routed, model._args, model._ended = dict(cp.args_routed), cp.args, dict(cp.ended)
        model._failed_visit = cp.failed_visit
        model._asked = dict(cp.asked)
        model._checkpoints = self._checkpoints[: k // CHECKPOINT_EVERY + 1]
        for event in self.events[cp.events : k]:
            model.apply(event)
        return model

    def closing_event(self, event_kind: str, /, **payload: Any) -> dict[str, Any]:
        """An event that continues this run's envelope (same ``run_id``, next ``seq``), not yet applied.

        Views use it for what the engine cannot say itself: a ``cancelled`` marker, or an
        ``error`` for a stream that raised without reporting one.
        """
        return {
            "event": event_kind,
            "run_id": self.run_id,
            "seq": self.events[-1]["seq"] + 1 if self.events else 0,
            "ts": time.time(),
            **payload,
        }

    def error_event(self, exc: BaseException) -> dict[str, Any]:
        """The ``error`` event for `exc` raised by a stream that did not report it."""
        running = next(iter(self._open.values()), None)
        return self.closing_event(
            "error",
            node=None if running is None else running.node,
            **({} if running is None or running.task is None else {"task": running.task}),
            error=str(exc),
            error_type=type(exc).__name__,
            traceback="".join(traceback.format_exception(exc)),
            state=dict(self.state),
        )

    # -- reading ------------------------------------------------------------------

    def node_status(self, nodes: Iterable[str] = ()) -> dict[str, NodeStatus]:
        """Each node's status: its latest visit's, ``failed`` for the node an ``error`` names, else ``idle``.

        `nodes` (e.g. every node of the graph) are listed first, ``idle`` when they never ran.
        """
        status: dict[str, NodeStatus] = dict.fromkeys(nodes, "idle")
        for node, i in self._last_visit.items():
            status[node] = self.visits[i].status
            if self.visits[i].task is not None:  # several instances at once: running while one runs, failed if one did
                mine = self.instances(node)
                shown = {v.status for v in mine}
                status[node] = next((s for s in _AGGREGATE if s in shown), status[node])
                if status[node] == "done" and self.status == "running" and self.map_size(mine) > len(mine):
                    status[node] = "running"  # instances of its map wait for a free slot (max_concurrency)
        if self._failed_node is not None and self.status == "failed":
            status[self._failed_node] = "failed"  # e.g. its router failed after the node itself ended
        return status

    @property
    def superstep(self) -> int | None:
        """The step of the latest node to start (a superstep: all the instances that ran at once), None before one."""
        return self._superstep

    def instances(self, node: str) -> list[NodeVisit]:
        """The visits of `node` in the latest superstep it ran in (several for a map), in the order they started;
        empty when it never ran.

        A superstep's visits are contiguous in `visits` (the next one starts after its merge): a walk over
        one superstep, not over the run.
        """
        last = self._last_visit.get(node)
        return [] if last is None else self.siblings(self.visits[last])

    def siblings(self, visit: NodeVisit) -> list[NodeVisit]:
        """The visits of `visit`'s node in its superstep (itself among them), in the order they started."""
        visits, i, j = self.visits, visit.index, visit.index + 1
        while i > 0 and visits[i - 1].step == visit.step:
            i -= 1
        while j < len(visits) and visits[j].step == visit.step:
            j += 1
        mine = [v for v in visits[i:j] if v.node == visit.node]
        latest = {v.task: v for v in mine if v.task is not None}  # a task run again after a person's answer: its last run
        return [v for v in mine if v.task is None or latest[v.task] is v or v is visit]

    def progress(self, nodes: Iterable[str] = ()) -> dict[str, tuple[int, int]]:
        """Node -> (instances ended with their ``node_end``, instances in the superstep) in its latest superstep, for
        the nodes of `nodes` that ran more than once in one superstep (a map: "3/5 done"). The instances of the
        current superstep are those routed to it (a map's `Send`s), started or not."""
        shown = {}
        for node in nodes:
            last = self._last_visit.get(node)
            if last is None or self.visits[last].task is None:
                continue
            mine = self.instances(node)
            size = self.map_size(mine)
            if size > 1:
                shown[node] = (sum(v.status == "done" for v in mine), size)
        return shown

    def map_size(self, instances: list[NodeVisit]) -> int:
        """How many instances of a node its superstep runs: those started, or in the current superstep those
        routed to it if more (a map's instances that wait for a free slot, `max_concurrency`, count)."""
        if not instances or instances[-1].step != self._superstep:
            return len(instances)
        sends, plain = self._expected.get(instances[-1].node, (0, False))
        return max(len(instances), sends + plain)

    def sends(self, source: str, target: str) -> int:
        """How many instances of `target` the latest routing of `source` started on that edge (a router's
        `Send`s: its map over a list); 0 when none."""
        return self._sends.get((source, target), (None, 0))[1]

    @property
    def failed_visit(self) -> NodeVisit | None:
        """The node instance the run's ``error`` failed (None when the run did not fail in a running node)."""
        return None if self._failed_visit is None else self.visits[self._failed_visit]

    def node_visits(self, nodes: Iterable[str] = ()) -> dict[str, int]:
        """How many times each node started in this run (2+ in a loop); `nodes` listed first, 0 when never."""
        return {**dict.fromkeys(nodes, 0), **self._visit_count}

    def path(self) -> TakenPath:
        """The routes taken, in order, with how often each (source, target, decision) edge was taken."""
        return TakenPath(tuple(self._routes), dict(self._route_counts))

    @property
    def last_route(self) -> Route | None:
        """The latest ``route`` event (the edge the run took last), None before the first."""
        return self._routes[-1] if self._routes else None

    def visit_of_event(self, index: int) -> NodeVisit | None:
        """The node visit an event belongs to (its node_start, retries, node_end, or the route after it)."""
        if 0 <= index < len(self._visit_of_event):
            i = self._visit_of_event[index]
            return None if i is None else self.visits[i]
        return None

    def answers_of(self, visit: NodeVisit) -> list[dict[str, Any]]:
        """The ``answer`` events a person gave `visit`'s node (recorded just before it ran again, after its previous
        visit began): what its `interrupt()` calls returned, or a HumanNode's answer."""
        same = (visit.node, visit.task)
        earlier = [v.start_index for v in self.visits_of(visit.node) if v.task == visit.task and v.index < visit.index]
        return [e for e in self.events[max(earlier, default=-1) + 1 : visit.start_index]
                if e.get("event") == "answer" and (e.get("node"), e.get("task")) == same]

    def visits_of(self, node: str) -> list[NodeVisit]:
        """Every visit of `node`, in order (one per time it ran: a loop visits a node again)."""
        return [v for v in self.visits if v.node == node]

    @property
    def failures(self) -> list[tuple[NodeVisit, Attempt]]:
        """Every rejected answer of the run, in order."""
        return [(v, a) for v in self.visits for a in v.failures]

    def elapsed(self, event: Mapping[str, Any]) -> float | None:
        """Seconds between the run's first event and `event`, one of its events (the wall time across pauses: a
        continued run is one model)."""
        return None if self.start_ts is None else event["ts"] - self.start_ts


_AGGREGATE: tuple[NodeStatus, ...] = ("running", "retrying", "failed")
"""A node with several instances at once shows the first of these any of them has (else its latest's status)."""


def money(cost: float) -> str:
    """A cost for display: ``$0.00042``, ``$1.25``."""
    if cost >= 1:
        return f"${cost:,.2f}"
    return "$" + (f"{cost:.6f}".rstrip("0").rstrip(".") or "0")


def usage_text(prompt: int | None, completion: int | None) -> str:
    """Token counts for display: ``1,200 in + 85 out tokens``; ``tokens not reported`` when unknown."""
    if prompt is None and completion is None:
        return "tokens not reported"
    return f"{prompt or 0:,} in + {completion or 0:,} out tokens"


def _key(event: Mapping[str, Any]) -> str:
    """The open visit an event of a node instance belongs to: its ``task`` id, else (a run without them) its node."""
    task: str | None = event.get("task")
    return task if task is not None else event["node"]


def _task_of(event: Mapping[str, Any]) -> str | None:
    """The event's ``task`` id (None in runs saved before there were task ids)."""
    return event.get("task")


def _close(visit: NodeVisit, status: NodeStatus) -> None:
    """End a visit that got no ``node_end``; a failed one counts the answers it was asked for."""
    visit.status = status
    if status == "failed" and visit.attempts is None:
        gave_up = bool(visit.failures) and not visit.failures[-1].will_retry
        visit.attempts = len(visit.failures) if gave_up else len(visit.failures) + 1


def _copy(visit: NodeVisit) -> NodeVisit:
    """A visit that can go on folding without touching `visit` (its lists and streams are the mutable parts)."""
    return replace(visit, failures=list(visit.failures), calls=list(visit.calls),
                   streams={k: s.copy() for k, s in visit.streams.items()})


_DERIVED = frozenset({"node_start", "validation_error", "route", "paused", "finished", "error", "token", CANCELLED})


def checked_event(event: Any, where: str = "event") -> dict[str, Any]:
    """`event` as the fold may read it, once its kind's TypedDict accepts it (`eventschema.validate_event`): a
    copy, so that the stream that gave it cannot change what the run model keeps.

    For events from outside the engine (a foreign stream a view watches, events a view is shown): the
    fold reads fields without checking them. A kind this version does not know needs only the envelope
    (it is kept, shown in the timeline, and changes nothing). Raises `EventContractError` naming `where`
    and the field at fault.
    """
    problem = validate_event(event, where)
    if problem is not None:
        raise EventContractError(problem)
    return dict(event)


def introduced(event: Mapping[str, Any]) -> Any:
    """The part of `event` that can bring new values into the run: run_start inputs, updates, node_end patches.

    Everything else in a contract event is derived from those (node inputs, final state) or is
    free text; unknown kinds are returned whole. An ``lm_call`` gives the fields its completion
    answers (a secret-named output field is known as one before its node's ``node_end``); a
    ``token`` chunk is part of such a completion. Masking learns secrets from this alone.
    """
    kind = event.get("event")
    if kind == "lm_call":
        completion = event.get("completion")
        return _answer_fields(completion) if isinstance(completion, str) else None
    if kind == "run_start":
        return event.get("inputs")
    if kind in ("node_end", "merge"):  # a reducer may make a value no node wrote (a concatenation)
        return event.get("patch")
    if kind == "update":
        return event.get("values")
    return None if kind in _DERIVED else event


def _attempt(event: ValidationErrorEvent, index: int) -> Attempt:
    return Attempt(
        attempt=event["attempt"],
        max_attempts=event["max_attempts"],
        error=event["error"],
        failed_fields=event["failed_fields"],
        raw_output=event["raw_output"],
        feedback=event["feedback"],
        will_retry=event["will_retry"],
        event_index=index,
    )


def _texts(value: Any) -> list[str]:
    """A list-of-names field (failed_fields); anything else is no names."""
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _count(value: Any) -> int | None:
    """An int field of an event (step, attempts), or None when it is missing or not an integer.

    Events may come from a file anyone could have written: a value that is not what the
    contract says is dropped here, so it never reaches a panel (as markup or otherwise).
    """
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    """A numeric field of an event (duration, ts), or None when it is missing or not a number."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else to_text(value)


_CHAT_FIELD = re.compile(r"\[\[ ## (\w+) ## \]\]")


def offending_values(raw_output: str, failed_fields: Iterable[str]) -> dict[str, Any]:
    """The model's values of `failed_fields`, read from its raw answer (JSON, or DSPy's ``[[ ## field ## ]]`` format).

    Empty when the answer cannot be read; nested locations (``items.0.price``) are
    reported under their top-level field.
    """
    wanted = list(dict.fromkeys(str(f).split(".")[0] for f in failed_fields))
    if not wanted or not raw_output:
        return {}
    answer = _answer_fields(raw_output)
    return {name: answer[name] for name in wanted if name in answer}


def _answer_fields(text: str) -> dict[str, Any]:
    """The fields of a model's answer (JSON, or DSPy's ``[[ ## field ## ]]`` format); empty when unreadable."""
    text = text.strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parts = _CHAT_FIELD.split(text)
        # parts = [prefix, name1, value1, name2, value2, ...]
        return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return parsed if isinstance(parsed, dict) else {}


_UNSUMMARIZED = {"lm_call": ("messages",), "finished": ("state",), "error": ("state", "traceback")}
"""Fields `summarize` never reads, by event kind: the long ones (prompts, whole states, tracebacks)."""


def clock(ts: Any) -> str:
    """A time of day (``12:03:04``, the kernel's local time) for a Unix time; ``?`` for anything else."""
    if not isinstance(ts, (int, float)) or isinstance(ts, bool):
        return "?"
    return time.strftime("%H:%M:%S", time.localtime(ts))


def summary_fields(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `event` with only what `summarize` reads: what a view masks before summarizing it (masking
    walks every value it is given, and a timeline row is made for every event)."""
    unread = _UNSUMMARIZED.get(str(event.get("event")), ())
    return {k: v for k, v in event.items() if k not in unread}


def summarize(event: Mapping[str, Any], limit: int = 80) -> str:
    """One line describing an event for the timeline (plain text, not yet masked or escaped)."""
    kind = event.get("event")
    if kind == "run_start":
        return f"inputs {one_line(event.get('inputs'), limit)}"
    if kind == "node_start":
        return f"step {event.get('step')} · {event.get('kind', '')} · inputs {one_line(event.get('inputs'), limit)}"
    if kind == "answer":
        return f"{event.get('node')}: answered {one_line(event.get('value'), limit)} at {clock(event.get('answered_at'))}"
    if kind == "paused" and event.get("when") == "interrupt":
        asks = event.get("interrupts")
        n = len(asks) if isinstance(asks, list) else 0
        return f"waiting for an answer at {event.get('node')}" + (f" ({n} questions)" if n > 1 else "")
    if kind == "validation_error":
        fields = ", ".join(_texts(event.get("failed_fields"))) or "unparseable answer"
        retry = "retrying" if event.get("will_retry") else "giving up"
        first = (str(event.get("error") or "").strip().splitlines() or [""])[0]
        return f"attempt {event.get('attempt')}/{event.get('max_attempts')} rejected ({fields}), {retry}: {one_line(first, limit)}"
    if kind == "node_end":
        return f"wrote {one_line(event.get('patch'), limit)} in {seconds(event.get('duration'))}, {event.get('attempts')} attempt(s)"
    if kind == "merge":
        tasks = _texts(event.get("tasks"))
        return f"superstep {event.get('step')}: {len(tasks)} task(s) merged, applied {one_line(event.get('patch'), limit)}"
    if kind == "route":
        decision = event.get("decision")
        how = f" [{one_line(decision, 30)}]" if decision is not None else ""
        return f"{event.get('source')} → {event.get('target')}{how}"
    if kind == "finished":
        return f"{steps(event.get('steps'))} in {seconds(event.get('duration'))} · output {one_line(event.get('output'), limit)}"
    if kind == "error":
        first = (str(event.get("error") or "").strip().splitlines() or [""])[0]
        return f"{event.get('error_type')}: {one_line(first, limit)}"
    if kind == CANCELLED:
        return "stopped by the user"
    if kind == "lm_call":
        usage = event.get("usage")
        usage = usage if isinstance(usage, Mapping) else {}
        tokens = usage_text(_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")))
        facts = [one_line(event.get("model") or "model", 40), f"attempt {event.get('attempt')}", tokens,
                 *([money(event["cost"])] if _number(event.get("cost")) is not None else []),
                 "cached" if event.get("cached") is True else seconds(event.get("duration"))]
        return f"{' · '.join(facts)} · answered {one_line(event.get('completion'), limit)}"
    if kind == "token":
        return f"'{one_line(event.get('field'), 40)}' (attempt {event.get('attempt')}) +{one_line(event.get('chunk'), limit)}"
    rest = {k: v for k, v in event.items() if k not in ("event", "run_id", "seq", "ts")}
    return one_line(rest, limit)

