"""Checkpoints: where a run stands between two steps, rebuilt from its events alone.

A checkpoint is what a run needs to go on: the state, the node that would run next and the
counters (`step`, `seq`). The engine makes one when a run pauses at a breakpoint;
`Checkpoint.from_events` makes one at any step of any run's events (live, or read from a
file), so `program.astream(_resume=checkpoint, _fork=True)` can try a past step again.
Its state is JSON, like the events it comes from: each node validates it again on resume.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .events import BranchDict, CheckpointDict, jsonable
from .eventschema import check_checkpoint, event_label, explain, validate_event
from .exceptions import CheckpointError

__all__ = ["Checkpoint"]

_FIELDS = tuple(CheckpointDict.__annotations__)
_BOUNDARY = ("run_start", "route", "paused", "update")
"""Kinds of event after which a run stands between two steps."""


@dataclass(frozen=True)
class Checkpoint:
    """A run between two steps: resume it (same run), or fork it (a new run from here)."""

    run_id: str
    """The run the checkpoint belongs to."""
    step: int
    """Node executions completed so far (a resumed run counts on from here, also against `max_steps`)."""
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

    def to_dict(self) -> CheckpointDict:
        """This checkpoint as strict JSON (what `paused` events carry and `from_dict` reads)."""
        data: CheckpointDict = {
            "run_id": self.run_id, "step": self.step, "seq": self.seq, "next": self.next, "state": jsonable(self.state)
        }
        if self.frontier:
            data["frontier"] = [b.copy() for b in self.frontier]
        if self.joined:
            data["joined"] = [list(sources) for sources in self.joined]
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
        return cls(fields["run_id"], fields["step"], fields["seq"], fields["next"], state, frontier, joined)

    @classmethod
    def from_events(cls, events: Sequence[Mapping[str, Any]], k: int, *, checked: bool = True) -> Checkpoint:
        """The checkpoint after the first `k` events of a run (live, or read from a file).

        A checkpoint stands between two steps: after `run_start`, a `route`, a `paused` or an
        `update`. When the `k`-th event is inside a step (a `node_start`, `node_end`, ... before
        its `route`), the checkpoint is the last step boundary before it: that step runs again
        on resume, and its patch is not in the state. `events` may be the concatenated streams
        of a paused and resumed run; `next` after `run_start` is the first node the run started.
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
        run_id = first["run_id"]
        state = dict(first["inputs"])
        step = started = int(first.get("parent_step") or 0)
        seq = first["seq"] + 1
        nxt: str | None = None  # after run_start: the entry point, found below
        pending: Mapping[str, Any] = {}  # the patch of a step whose route has not come yet
        for i in range(1, k):
            event = read(events, i)
            if event.get("run_id") != run_id:
                raise CheckpointError(
                    f"event {i} belongs to run {event.get('run_id')!r}, not {run_id!r}: pass one run's events", key="k"
                )
            kind = event.get("event")
            if kind == "node_start":
                if event["step"] != started:
                    started, pending = event["step"], {}
            elif kind == "node_end":
                pending = {**pending, **event["patch"]}
            elif kind == "merge":  # what a superstep of several tasks (or a reducer) applied
                pending = event["patch"]
            elif kind == "route":
                state.update(pending)
                step, nxt, pending = started, event["target"], {}
            elif kind == "update":
                state.update(event["values"])
            elif kind == "paused":
                step, nxt = event["checkpoint"]["step"], event["checkpoint"]["next"]
            if kind in _BOUNDARY:
                seq = event["seq"] + 1
        return cls(run_id, step, seq, nxt if nxt is not None else _entry_point(events), state)


def _entry_point(events: Sequence[Mapping[str, Any]]) -> str:
    """The first node a run started (or was paused before): its entry point, which the events do not name otherwise."""
    for i in range(len(events)):
        event = _checked(events, i)
        if event.get("event") == "node_start":
            return str(event["node"])
        if event.get("event") == "paused":
            return str(event["checkpoint"]["next"])
    raise CheckpointError("the events never start a node, so the run's entry point is unknown", key="k")


_READ = frozenset({"run_start", "node_start", "node_end", "merge", "route", "update", "paused"})
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
