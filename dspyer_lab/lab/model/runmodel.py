"""The run model behind the panels: events folded into node visits, states and the outcome.

Pure Python, no widgets: `RunModel.apply(event)` folds one contract event (see
`dspyer_lab.core.events`). The state before and after every node visit is kept
(state = ``run_start.inputs`` with each ``node_end.patch`` applied in order), so
"the run as it was at step k" is simply ``RunModel.replay(events[:k])``.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..textview import one_line, seconds, to_text

__all__ = ["CANCELLED", "Attempt", "NodeVisit", "RunModel", "RunState", "introduced", "offending_values", "summarize"]

RunState = Literal["idle", "running", "finished", "failed", "cancelled"]
"""Where a run is; also the words of `GraphView.run_state`."""

CANCELLED = "cancelled"
"""Kind of the marker event a view appends when its consumer stops a run (the engine emits nothing then)."""
VisitStatus = Literal["running", "retrying", "done", "failed", "cancelled"]

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
    state_before: dict[str, Any]
    start_index: int
    """Index of the ``node_start`` event in `RunModel.events`."""
    start_ts: float | None
    failures: list[Attempt] = field(default_factory=list)
    patch: dict[str, Any] | None = None
    state_after: dict[str, Any] | None = None
    duration: float | None = None
    attempts: int | None = None
    end_index: int | None = None
    status: VisitStatus = "running"
    error: str | None = None

    @property
    def changed_keys(self) -> list[str]:
        """State keys whose value this visit added or changed (a rewrite with the same value is not a change)."""
        if self.state_after is None:
            return []
        return [
            k for k, v in self.state_after.items() if self.state_before.get(k, _MISSING) != v
        ]


class RunModel:
    """Everything known about one run, folded from its events as they arrive."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.visits: list[NodeVisit] = []
        self.run_id: str | None = None
        self.inputs: dict[str, Any] = {}
        self.state: dict[str, Any] = {}
        """The state so far."""
        self.status: RunState = "idle"
        self.finished: dict[str, Any] | None = None
        """The ``finished`` event, once there is one."""
        self.error: dict[str, Any] | None = None
        """The ``error`` event, once there is one."""
        self.start_ts: float | None = None
        self._visit_of_event: list[int | None] = []
        self._open: dict[str, NodeVisit] = {}
        self._visit_count: dict[str, int] = {}

    @classmethod
    def replay(cls, events: Iterable[Mapping[str, Any]]) -> RunModel:
        """A run model of `events` (e.g. ``events[:k]`` for the run as it was after k events)."""
        log = cls()
        for event in events:
            log.apply(event)
        return log

    # -- folding ------------------------------------------------------------------

    def apply(self, event: Mapping[str, Any]) -> None:
        """Fold one event in. Unknown kinds are kept (they show in the timeline) but change nothing.

        A `CANCELLED` marker for a run that already ended is dropped: the run stays finished (or failed).
        Fields the panels format (step, attempts, duration, ts) are taken only when they are numbers.
        """
        kind = event.get("event")
        if kind == CANCELLED and self.status not in ("idle", "running"):
            return  # the run ended before the stop landed: it stays finished (or failed)
        event = dict(event)
        index = len(self.events)
        self.events.append(event)
        visit: NodeVisit | None = None
        if kind == "run_start":
            self.run_id = event.get("run_id")
            self.inputs = dict(event.get("inputs") or {})
            self.state = dict(self.inputs)
            self.status = "running"
            self.start_ts = _number(event.get("ts"))
        elif kind == "node_start":
            visit = self._start(event, index)
        elif kind == "validation_error":
            visit = self._open.get(event.get("node", ""))
            if visit is not None:
                visit.failures.append(_attempt(event, index))
                visit.status = "retrying"
        elif kind == "node_end":
            visit = self._open.pop(event.get("node", ""), None)
            patch = dict(event.get("patch") or {})
            self.state = {**self.state, **patch}
            if visit is not None:
                visit.patch = patch
                visit.state_after = self.state
                visit.duration = _number(event.get("duration"))
                visit.attempts = _count(event.get("attempts"))
                visit.end_index = index
                visit.status = "done"
        elif kind == "route":
            visit = self._last_visit_of(event.get("source"))
        elif kind == "finished":
            self.finished = event
            self.state = dict(event.get("state") or self.state)
            self.status = "finished"
        elif kind == "error":
            self.error = event
            if isinstance(event.get("state"), Mapping):
                self.state = dict(event["state"])
            self.status = "failed"
            visit = self._open.pop(event.get("node") or "", None)
            if visit is not None:
                visit.status = "failed"
                visit.error = str(event.get("error") or "")
                visit.end_index = index
            self._close_open("failed")
        elif kind == CANCELLED:
            self.status = "cancelled"
            self._close_open("cancelled")
        if self.start_ts is None:
            self.start_ts = _number(event.get("ts"))
        self._visit_of_event.append(None if visit is None else visit.index)

    def _start(self, event: dict[str, Any], index: int) -> NodeVisit:
        node = str(event.get("node"))
        count = self._visit_count.get(node, 0) + 1
        self._visit_count[node] = count
        if self.status == "idle":
            self.status = "running"
        visit = NodeVisit(
            index=len(self.visits),
            node=node,
            kind=str(event.get("kind") or "llm"),
            step=_count(event.get("step")),
            visit=count,
            inputs=dict(event.get("inputs") or {}),
            state_before=self.state,
            start_index=index,
            start_ts=_number(event.get("ts")),
        )
        self.visits.append(visit)
        self._open[node] = visit
        return visit

    def _close_open(self, status: VisitStatus) -> None:
        for visit in self._open.values():
            visit.status = status
        self._open.clear()

    def closing_event(self, event_kind: str, /, **payload: Any) -> dict[str, Any]:
        """An event that continues this run's envelope (same ``run_id``, next ``seq``), not yet applied.

        Views use it for what the engine cannot say itself: a ``cancelled`` marker, or an
        ``error`` for a stream that raised without reporting one.
        """
        last = self.events[-1] if self.events else {}
        seq = last.get("seq")
        return {
            "event": event_kind,
            "run_id": self.run_id,
            "seq": seq + 1 if isinstance(seq, int) else len(self.events),
            "ts": time.time(),
            **payload,
        }

    def error_event(self, exc: BaseException) -> dict[str, Any]:
        """The ``error`` event for `exc` raised by a stream that did not report it."""
        return self.closing_event(
            "error",
            node=next(iter(self._open), None),
            error=str(exc),
            error_type=type(exc).__name__,
            traceback="".join(traceback.format_exception(exc)),
            state=dict(self.state),
        )

    # -- reading ------------------------------------------------------------------

    def visit_of_event(self, index: int) -> NodeVisit | None:
        """The node visit an event belongs to (its node_start, retries, node_end, or the route after it)."""
        if 0 <= index < len(self._visit_of_event):
            i = self._visit_of_event[index]
            return None if i is None else self.visits[i]
        return None

    def visits_of(self, node: str) -> list[NodeVisit]:
        """Every visit of `node`, in order (one per time it ran: a loop visits a node again)."""
        return [v for v in self.visits if v.node == node]

    def _last_visit_of(self, node: Any) -> NodeVisit | None:
        for visit in reversed(self.visits):
            if visit.node == node:
                return visit
        return None

    @property
    def failures(self) -> list[tuple[NodeVisit, Attempt]]:
        """Every rejected answer of the run, in order."""
        return [(v, a) for v in self.visits for a in v.failures]

    def elapsed(self, event: Mapping[str, Any]) -> float | None:
        """Seconds between the run's first event and `event`."""
        ts = _number(event.get("ts"))
        if ts is None or self.start_ts is None:
            return None
        return ts - self.start_ts


_DERIVED = frozenset({"node_start", "validation_error", "route", "finished", "error", CANCELLED})


def introduced(event: Mapping[str, Any]) -> Any:
    """The part of `event` that can bring new values into the run: run_start inputs, node_end patches.

    Everything else in a contract event is derived from those (node inputs, final state) or is
    free text; unknown kinds are returned whole. Masking learns secrets from this alone.
    """
    kind = event.get("event")
    if kind == "run_start":
        return event.get("inputs")
    if kind == "node_end":
        return event.get("patch")
    return None if kind in _DERIVED else event


def _attempt(event: Mapping[str, Any], index: int) -> Attempt:
    return Attempt(
        attempt=_count(event.get("attempt")) or 0,
        max_attempts=_count(event.get("max_attempts")),
        error=str(event.get("error") or ""),
        failed_fields=[str(f) for f in event.get("failed_fields") or []],
        raw_output=_as_text(event.get("raw_output")),
        feedback=str(event.get("feedback") or ""),
        will_retry=bool(event.get("will_retry")),
        event_index=index,
    )


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
    answer: dict[str, Any] = {}
    text = raw_output.strip()
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict):
            answer = parsed
    except ValueError:
        parts = _CHAT_FIELD.split(text)
        # parts = [prefix, name1, value1, name2, value2, ...]
        answer = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return {name: answer[name] for name in wanted if name in answer}


def summarize(event: Mapping[str, Any], limit: int = 80) -> str:
    """One line describing an event for the timeline (plain text, not yet masked or escaped)."""
    kind = event.get("event")
    if kind == "run_start":
        return f"inputs {one_line(event.get('inputs'), limit)}"
    if kind == "node_start":
        return f"step {event.get('step')} · {event.get('kind', '')} · inputs {one_line(event.get('inputs'), limit)}"
    if kind == "validation_error":
        fields = ", ".join(map(str, event.get("failed_fields") or [])) or "unparseable answer"
        retry = "retrying" if event.get("will_retry") else "giving up"
        first = (str(event.get("error") or "").strip().splitlines() or [""])[0]
        return f"attempt {event.get('attempt')}/{event.get('max_attempts')} rejected ({fields}), {retry}: {one_line(first, limit)}"
    if kind == "node_end":
        return f"wrote {one_line(event.get('patch'), limit)} in {seconds(event.get('duration'))}, {event.get('attempts')} attempt(s)"
    if kind == "route":
        decision = event.get("decision")
        how = f" [{one_line(decision, 30)}]" if decision is not None else ""
        return f"{event.get('source')} → {event.get('target')}{how}"
    if kind == "finished":
        return f"{event.get('steps')} steps in {seconds(event.get('duration'))} · output {one_line(event.get('output'), limit)}"
    if kind == "error":
        first = (str(event.get("error") or "").strip().splitlines() or [""])[0]
        return f"{event.get('error_type')}: {one_line(first, limit)}"
    if kind == CANCELLED:
        return "stopped by the user"
    rest = {k: v for k, v in event.items() if k not in ("event", "run_id", "seq", "ts")}
    return one_line(rest, limit)

