"""Checkpoints: where a run stands between two supersteps, rebuilt from its events alone.

A checkpoint is what a run needs to go on: the state, the node instances that would run next
(`next`, and `frontier` for several), what its joins wait for, the counters (`step`, `seq`) and,
cut inside a superstep, the writes of the instances that had ended (`pending`). The engine makes
one when a run pauses at a breakpoint; `Checkpoint.from_events` makes one at any event of any
run's events (live, or read from a file), so `program.astream(_resume=checkpoint, _fork=True)`
can try a past step again. Its state is JSON, like the events it comes from: each node validates
it again on resume.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .events import BranchDict, CheckpointDict, Interrupt, jsonable, shown
from .eventschema import check_checkpoint, event_label, explain, validate_event
from .exceptions import CheckpointError
from .graph import END

__all__ = ["Checkpoint"]

_FIELDS = tuple(CheckpointDict.__annotations__)


@dataclass(frozen=True)
class Checkpoint:
    """A run between two steps: resume it (same run), or fork it (a new run from here)."""

    run_id: str
    """The run the checkpoint belongs to."""
    step: int
    """Supersteps completed so far (node executions in a sequential graph; a resumed run counts on from here, also
    against `max_steps`)."""
    seq: int
    """The `seq` the run's next event carries (when the run streams its events; `aforward` makes none)."""
    next: str
    """The node that would run next, or `END`."""
    state: dict[str, Any]
    """The state at this point, as JSON (`run_start.inputs` plus every update and patch so far)."""
    frontier: tuple[BranchDict, ...] = ()
    """The node instances the next superstep runs, in order, when that is more than `next` alone (a fan-out,
    a `Send` map); empty otherwise."""
    joined: tuple[tuple[str, ...], ...] = ()
    """Per join of the graph (in order): its sources finished since it last fired; empty when none waits."""
    pending: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    """Task id (``"<step + 1>.<position>"``) -> its patch: the instances of the next superstep that had finished
    when the checkpoint was cut in the middle of it (from events); they do not run again, their writes are merged
    in their place. Empty at a superstep boundary."""
    interrupts: tuple[Interrupt, ...] = ()
    """The questions waiting for a person (a run paused at `interrupt()` or a `HumanNode`): resume with ``_answer=``."""
    answers: Mapping[str, Any] = field(default_factory=dict)
    """Interrupt id -> answer: those given so far to the next superstep's nodes (each re-runs with them)."""

    def to_dict(self) -> CheckpointDict:
        """This checkpoint as strict JSON (what `paused` events carry and `from_dict` reads)."""
        data: CheckpointDict = {
            "run_id": self.run_id, "step": self.step, "seq": self.seq, "next": self.next, "state": jsonable(self.state)
        }
        if self.frontier:
            data["frontier"] = [b.copy() for b in self.frontier]
        if self.joined:
            data["joined"] = [list(sources) for sources in self.joined]
        if self.pending:
            data["pending"] = {task: jsonable(patch) for task, patch in self.pending.items()}
        if self.interrupts:
            data["interrupts"] = [dict(ask) for ask in self.interrupts]  # type: ignore[misc]  # an Interrupt's copy
        if self.answers:
            data["answers"] = jsonable(self.answers)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        """Read `to_dict()`'s output (e.g. a `paused` event's `checkpoint`); `CheckpointError` names a bad field.

        Checked like the events it comes from (`CheckpointDict`, by `dspyer_lab.core.eventschema`): counters from 0 to below
        2**63, a run id on one short line, a state of JSON without the keys per-call options start with (``_``).
        """
        if not isinstance(data, Mapping):
            raise CheckpointError(f"a checkpoint is a dict with keys {', '.join(_FIELDS)}; got {type(data).__name__}")
        try:
            fields = check_checkpoint(dict(data))
        except ValidationError as exc:
            loc = exc.errors()[0]["loc"]
            raise CheckpointError(explain(exc, "checkpoint"), key=str(loc[0]) if loc else None) from None
        try:
            state = json.loads(json.dumps(fields["state"], allow_nan=False))
        except (TypeError, ValueError, RecursionError) as exc:
            raise CheckpointError(f"checkpoint: 'state' is not strict JSON ({exc})", key="state") from exc
        frontier = tuple(fields.get("frontier", ()))
        joined = tuple(tuple(sources) for sources in fields.get("joined", ()))
        pending = fields.get("pending", {})
        tasks = [f"{fields['step'] + 1}.{i}" for i in range(max(len(frontier), 1))]
        stray = next((task for task in pending if task not in tasks), None)
        if stray is not None:
            raise CheckpointError(
                f"checkpoint: 'pending' names task {shown(stray)}, not one of its next superstep's ({', '.join(tasks)})",
                key="pending",
            )
        interrupts = tuple(fields.get("interrupts", ()))
        return cls(fields["run_id"], fields["step"], fields["seq"], fields["next"], state, frontier, joined, pending,
                   interrupts, dict(fields.get("answers", {})))

    @classmethod
    def from_events(cls, events: Sequence[Mapping[str, Any]], k: int, *, checked: bool = True) -> Checkpoint:
        """The checkpoint after the first `k` events of a run (live, or read from a file).

        A checkpoint stands at a superstep boundary: after `run_start`, a superstep's last `route`, a
        `paused` or an `update`. When the `k`-th event is inside a superstep (a `node_start`, `node_end`,
        `merge`, or a `route` another `route` follows), the checkpoint is the boundary before it: a superstep
        of one node runs again on resume, its patch not in the state; in a superstep of several tasks the
        instances that had ended (`node_end`) are kept as `pending` writes and only the others run again, so
        the merge is the uninterrupted one. `events` may be the concatenated streams of a paused and resumed
        run; `next` after `run_start` is the first node the run started.
        Each event read is checked against its kind's TypedDict first (`dspyer_lab.core.eventschema`):
        `CheckpointError` names the event and its field at fault. ``checked=False`` skips that check for
        events already checked where they entered (a lab's run model, which asks at every step of its slider).
        """
        read = _checked if checked else _as_is
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(events):
            raise CheckpointError(f"k must be an integer from 1 to {len(events)} (the number of events), got {k!r}", key="k")
        first = read(events, 0)
        if first.get("event") != "run_start":
            raise CheckpointError(f"events must start with run_start, got {first.get('event')!r}", key="k")
        run = _Replay(first)
        for i in range(1, k):
            event = read(events, i)
            if event.get("run_id") != run.run_id:
                raise CheckpointError(
                    f"event {i} belongs to run {event.get('run_id')!r}, not {run.run_id!r}: pass one run's events", key="k"
                )
            run.fold(event)
        after = events[k] if k < len(events) else None
        if run.routing and events[k - 1].get("event") == "route" and not (
            isinstance(after, Mapping) and after.get("event") == "route"
        ):
            run.close()  # the superstep's last route: the run stands at the next boundary
        return run.checkpoint(events)


class _Replay:
    """A run's events folded one at a time: its last superstep boundary, and what of the superstep after it ended."""

    def __init__(self, start: Mapping[str, Any]) -> None:
        self.run_id: str = start["run_id"]
        self.state = dict(start["inputs"])
        self.step = int(start.get("parent_step") or 0)
        self.seq = start["seq"] + 1
        self.frontier: list[BranchDict] | None = list(start["frontier"]) if "frontier" in start else None
        """The next superstep's instances; None: one node, the first one the events start."""
        self.joins = [tuple(sources) for sources in start.get("joins", ())]
        self.joined = [set(sources) for sources in start.get("joined", ())]
        # the superstep after the boundary, as far as the events go
        self.ended: dict[str, Mapping[str, Any]] = dict(start.get("pending", {}))
        """Task id -> its `node_end` patch."""
        self.asked: list[Interrupt] = list(start.get("interrupts", ()))
        """The questions still waiting (from a `paused` at an interrupt, less those answered since)."""
        self.answers: dict[str, Any] = dict(start.get("answers", {}))
        """Interrupt id -> answer, given to the superstep after the boundary."""
        self.merged: Mapping[str, Any] | None = None
        self.routed: list[BranchDict] = []
        self.routing = False
        self.route_seq = 0
        self.last_seq: int = start["seq"]

    def fold(self, event: Mapping[str, Any]) -> None:
        kind, self.last_seq = event.get("event"), event["seq"]
        if self.routing and kind != "route" and not (kind == "error" and event.get("router")):
            self.close()  # its routes are all there (a router that failed leaves the superstep open)
        if kind == "node_start":
            if self.frontier is None:
                self.frontier = [{"node": event["node"]}]
        elif kind == "node_end":
            self.ended[event.get("task", f"{self.step + 1}.{len(self.ended)}")] = event["patch"]
        elif kind == "merge":  # what a superstep of several tasks (or a reducer) applied
            self.merged = event["patch"]
        elif kind == "route":
            self.routing, self.route_seq = True, event["seq"]
            branch: BranchDict = {"node": event["target"]}
            if "send_arg" in event:  # a Send: one instance per route, as the engine makes it
                branch = {"node": event["target"], "arg": event["send_arg"], "index": event.get("send_index", 0)}
                self.routed.append(branch)
            elif branch["node"] != END and branch not in self.routed:  # a node several tasks lead to runs once
                self.routed.append(branch)
        elif kind == "update":
            self.state.update(event["values"])
            self.seq = event["seq"] + 1
        elif kind == "answer":  # kept for the superstep's nodes (they run again with it), its question no longer waits
            self.answers[event["interrupt_id"]] = event["value"]
            self.asked = [ask for ask in self.asked if ask["id"] != event["interrupt_id"]]
            self.seq = event["seq"] + 1
        elif kind == "paused":
            point = event["checkpoint"]
            self.step, self.seq = point["step"], event["seq"] + 1
            self.frontier = list(point.get("frontier", ())) or ([] if point["next"] == END else [{"node": point["next"]}])
            self.joined = [set(sources) for sources in point.get("joined", ())]
            self.ended = dict(point.get("pending", {}))  # an interrupt's pause keeps the tasks that had finished
            if event.get("when") == "interrupt":  # it stands before the superstep that asked (its routes, if any, undone)
                self.state, self.merged, self.routed, self.routing = dict(point["state"]), None, [], False
            self.asked, self.answers = list(point.get("interrupts", ())), dict(point.get("answers", {}))

    def close(self) -> None:
        """The superstep in progress ended with its routes: its patch applied, its joins counted, its routes the frontier."""
        if self.merged is not None:
            self.state.update(self.merged)
        else:
            for patch in self.ended.values():
                self.state.update(patch)
        for branch in self.frontier or ():  # in the order the engine routes them (joins' sources never have a router)
            for i, sources in enumerate(self.joins):
                if branch["node"] in sources:
                    self.joined += [set() for _ in range(i + 1 - len(self.joined))]
                    self.joined[i].add(branch["node"])
                    if self.joined[i].issuperset(sources):
                        self.joined[i].clear()
        self.step, self.seq, self.frontier = self.step + 1, self.route_seq + 1, self.routed
        self.ended, self.merged, self.routed, self.routing = {}, None, [], False
        self.asked, self.answers = [], {}

    def checkpoint(self, events: Sequence[Mapping[str, Any]]) -> Checkpoint:
        frontier: list[BranchDict] = self.frontier if self.frontier is not None else [{"node": _entry_point(events)}]
        # a lone node runs again, as a sequential step did (unless a router asked: its node had finished)
        pending = dict(self.ended) if len(frontier) > 1 or any(">route:" in a["id"] for a in self.asked) else {}
        alone = len(frontier) == 1 and "arg" not in frontier[0]
        waiting = tuple(tuple(sorted(seen)) for seen in self.joined) if any(self.joined) else ()
        if waiting:
            waiting += ((),) * (len(self.joins) - len(waiting))
        return Checkpoint(
            self.run_id,
            self.step,
            self.last_seq + 1 if pending else self.seq,  # resumed, the run goes on after the events it keeps
            frontier[0]["node"] if frontier else END,
            self.state,
            () if alone else tuple(frontier),
            waiting,
            {task: dict(patch) for task, patch in pending.items()},
            tuple(self.asked),
            dict(self.answers),
        )


def _entry_point(events: Sequence[Mapping[str, Any]]) -> str:
    """The first node a run started (or was paused before): its entry point, which the events do not name otherwise."""
    for i in range(len(events)):
        event = _checked(events, i)
        if event.get("event") == "node_start":
            return str(event["node"])
        if event.get("event") == "paused":
            return str(event["checkpoint"]["next"])
    raise CheckpointError("the events never start a node, so the run's entry point is unknown", key="k")


_READ = frozenset({"run_start", "node_start", "node_end", "merge", "route", "update", "answer", "paused"})
"""The kinds whose fields `from_events` reads; the others (most of a run: tokens, model calls) need only be events."""


def _as_is(events: Sequence[Mapping[str, Any]], i: int) -> Mapping[str, Any]:
    return events[i]


def _checked(events: Sequence[Mapping[str, Any]], i: int) -> Mapping[str, Any]:
    """Event `i` of `events`, once its kind's TypedDict accepts it (`from_events` reads its fields as the contract says)."""
    event = events[i]
    if isinstance(event, Mapping):
        kind = event.get("event")
        if isinstance(kind, str) and kind not in _READ and isinstance(event.get("run_id"), str):
            return event
    problem = validate_event(event, event_label(i, event))
    if problem is not None:
        raise CheckpointError(problem, key="events")
    return event
