"""`BatchStats`: a batch's ``(index, event)`` stream folded into per-node and per-example aggregates.

Pure Python over the event contract (no widgets, no engine internals), so a view, a script
or a report can build it from `program.abatch_stream(...)` or from saved events alike:

    stats = BatchStats(len(inputs))
    async for index, event in program.abatch_stream(inputs, metric=metric):
        stats.apply(index, event)
    stats.nodes["answer"].p95, stats.mean_score, stats.to_pandas()

Memory stays bounded whatever the number of examples: per example a small `ExampleSummary`,
per node counters and one float per visit; full events only for the runs in flight, every
failed (or cancelled) run, and a sample of the successful ones (see `BatchStats`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .exceptions import MissingDependencyError, OptionValueError

__all__ = ["RATE_LIMIT_ERRORS", "BatchStats", "ExampleStatus", "ExampleSummary", "NodeStats", "percentile"]

ExampleStatus = Literal["running", "waiting", "finished", "failed", "rate_limited", "cancelled"]
"""``waiting``: paused at a question for a person (`interrupt()`, a `HumanNode`) until it is answered."""

RATE_LIMIT_ERRORS = frozenset({"LMRateLimitError"})
"""``error_type`` of a run that ended because the model kept answering HTTP 429 (the client's retries ran out):
such a run is ``rate_limited``, not a failure of its node."""


def percentile(values: list[float], q: float) -> float | None:
    """The `q`-th percentile (0-100) of `values`, linearly interpolated; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class NodeStats:
    """One node over every run of the batch so far."""

    visits: int = 0
    """Times the node started (a loop counts each pass)."""
    retries: int = 0
    """Self-correction retries: answers rejected by the node's contract and asked again."""
    failures: int = 0
    """Runs that failed in this node (rate limits excluded: see `rate_limited`)."""
    model_retries: int = 0
    """Model calls the client retried after a transient error (HTTP 429, timeout, 5xx, connection)."""
    rate_limited: int = 0
    """Of those, retries after an HTTP 429."""
    durations: list[float] = field(default_factory=list, repr=False)
    """Seconds of each completed visit."""

    @property
    def p50(self) -> float | None:
        return percentile(self.durations, 50)

    @property
    def p95(self) -> float | None:
        return percentile(self.durations, 95)

    @property
    def retry_rate(self) -> float:
        """Self-correction retries per visit."""
        return self.retries / self.visits if self.visits else 0.0

    @property
    def failure_rate(self) -> float:
        """Failed runs per visit."""
        return self.failures / self.visits if self.visits else 0.0

    def as_dict(self) -> dict[str, Any]:
        ordered = sorted(self.durations)  # one sort for both percentiles
        return {
            "visits": self.visits,
            "retries": self.retries,
            "failures": self.failures,
            "model_retries": self.model_retries,
            "rate_limited": self.rate_limited,
            "retry_rate": self.retry_rate,
            "failure_rate": self.failure_rate,
            "p50": percentile(ordered, 50),
            "p95": percentile(ordered, 95),
        }


@dataclass
class ExampleSummary:
    """One example's row: enough for a table, without its events."""

    index: int
    run_id: str
    summary: str
    """A short one-line rendering of the inputs."""
    status: ExampleStatus = "running"
    attempts: int = 0
    """Node executions, each self-correction retry counted: a 2-node chain with one retry has 3."""
    model_retries: int = 0
    duration: float | None = None
    """Seconds from run start to its end."""
    node: str | None = None
    """The node at fault, for a failed run."""
    error_type: str | None = None
    error: str | None = None
    """The first line of the error message."""
    score: float | None = None
    kept: bool = False
    """Whether the run's full events are kept (`BatchStats.events_of`)."""
    _start_ts: float | None = field(default=None, repr=False)


class BatchStats:
    """Folds a batch's ``(index, event)`` pairs (`apply`) into per-node, per-edge and per-example aggregates.

    Events kept: those of every run in flight; then every failed, rate-limited or cancelled
    run (always openable), plus a sample of the finished ones: the inputs whose index is a
    multiple of ``ceil(total / sample_size)``, so at most `sample_size` finished runs (and
    known in advance: `will_keep`). Everything else is dropped once its run ends.
    """

    def __init__(self, total: int, *, sample_size: int = 50, summary_chars: int = 80) -> None:
        for name, value in (("total", total), ("sample_size", sample_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise OptionValueError(name, value, "an integer >= 0")
        self.total = total
        self.sample_size = sample_size
        self.summary_chars = summary_chars
        self.nodes: dict[str, NodeStats] = {}
        """Node name -> its aggregates, in the order nodes first ran."""
        self.edges: dict[tuple[str, str, str | None], int] = {}
        """(source, target, decision) -> how often the route was taken (target may be ``__end__``; the
        decision is the router's path key, None for a static edge), as `route` events name it."""
        self.examples: dict[int, ExampleSummary] = {}
        """Input index -> its summary, for every example that started."""
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self._events: dict[int, list[dict[str, Any]]] = {}
        self._stride = max(1, math.ceil(total / sample_size)) if sample_size else 0
        self._score_sum = 0.0
        self._scored = 0  # examples counted in the mean: scored, failed or rate-limited
        self._has_scores = False  # a metric is in use

    # -- folding -------------------------------------------------------------------

    def apply(self, index: int, event: Mapping[str, Any]) -> None:
        """Fold one event of example `index` in (events of one run must come in order)."""
        kind = event.get("event")
        ts = event.get("ts")
        if isinstance(ts, (int, float)):
            self.first_ts = ts if self.first_ts is None else min(self.first_ts, ts)
            self.last_ts = ts if self.last_ts is None else max(self.last_ts, ts)
        if kind == "run_start":
            self.examples[index] = ExampleSummary(
                index, str(event.get("run_id", "")), self._summary(event.get("inputs")), _start_ts=ts
            )
            self._events[index] = []
        example = self.examples.get(index)
        if example is None:  # an event of a run whose start was not seen: nothing to fold it into
            return
        kept = self._events.get(index)
        if kept is not None:
            kept.append(dict(event) if not isinstance(event, dict) else event)
        if kind == "node_start":
            self._node(event.get("node")).visits += 1
            example.attempts += 1
        elif kind == "validation_error":
            if event.get("will_retry"):
                self._node(event.get("node")).retries += 1
                example.attempts += 1
        elif kind == "node_end":
            duration = event.get("duration")
            if isinstance(duration, (int, float)):
                self._node(event.get("node")).durations.append(float(duration))
        elif kind == "route":
            decision = event.get("decision")
            edge = (str(event.get("source")), str(event.get("target")), None if decision is None else str(decision))
            self.edges[edge] = self.edges.get(edge, 0) + 1
        elif kind == "model_retry":
            example.model_retries += 1
            if event.get("node") is not None:
                node = self._node(event.get("node"))
                node.model_retries += 1
                node.rate_limited += bool(event.get("rate_limited"))
        elif kind == "finished":
            example.status = "finished"
            duration = event.get("duration")
            example.duration = float(duration) if isinstance(duration, (int, float)) else None
            example.kept = self.will_keep(index)
            if not example.kept:
                self._events.pop(index, None)
        elif kind == "error":
            self._error(example, event)
        elif kind == "paused" and event.get("when") == "interrupt":
            example.status = "waiting"
        elif kind == "answer":  # resumed: running again until it ends or asks again
            example.status = "running"
        elif kind == "score":
            self._has_scores = True
            score = event.get("score")
            example.score = float(score) if isinstance(score, (int, float)) else None
            if example.score is None:
                example.error_type = str(event.get("error_type") or "MetricError")
                example.error = _first_line(event.get("error"))
            self._count_score(example.score or 0.0)

    def _error(self, example: ExampleSummary, event: Mapping[str, Any]) -> None:
        error_type = str(event.get("error_type") or "")
        example.status = "rate_limited" if error_type in RATE_LIMIT_ERRORS else "failed"
        example.error_type = error_type or None
        example.error = _first_line(event.get("error"))
        node = event.get("node")
        example.node = str(node) if node is not None else None
        ts, start = event.get("ts"), example._start_ts
        if isinstance(ts, (int, float)) and isinstance(start, (int, float)):
            example.duration = ts - start
        if example.status == "failed" and node is not None:
            self._node(node).failures += 1
        example.kept = True
        self._count_score(0.0)  # as in dspy.Evaluate: a failed example scores 0

    def stopped(self) -> None:
        """The batch was stopped: examples still running or waiting become ``cancelled`` (their events so far are kept)."""
        for example in self.examples.values():
            if example.status in ("running", "waiting"):
                example.status = "cancelled"
                example.kept = True

    def _node(self, name: Any) -> NodeStats:
        key = str(name)
        stats = self.nodes.get(key)
        if stats is None:
            stats = self.nodes[key] = NodeStats()
        return stats

    def _count_score(self, score: float) -> None:
        self._score_sum += score
        self._scored += 1

    def _summary(self, inputs: Any) -> str:
        if isinstance(inputs, Mapping):
            parts = [f"{k}={json.dumps(v, ensure_ascii=False, default=repr)}" for k, v in inputs.items()]
            text = ", ".join(parts)
        else:
            text = repr(inputs)
        text = " ".join(text.split())
        return text if len(text) <= self.summary_chars else text[: self.summary_chars - 1] + "…"

    # -- reading -------------------------------------------------------------------

    def will_keep(self, index: int) -> bool:
        """Whether example `index`'s events are kept if it finishes (failed runs are always kept)."""
        return bool(self._stride) and index % self._stride == 0

    def events_of(self, index: int) -> list[dict[str, Any]] | None:
        """The full events of example `index` (running, failed, cancelled or sampled), else None."""
        events = self._events.get(index)
        return list(events) if events is not None else None

    def count(self, *statuses: ExampleStatus) -> int:
        """How many examples are in any of `statuses`."""
        return sum(1 for e in self.examples.values() if e.status in statuses)

    @property
    def done(self) -> int:
        """Examples whose run ended (finished, failed or rate limited)."""
        return self.count("finished", "failed", "rate_limited")

    @property
    def mean_score(self) -> float | None:
        """Mean metric score over ended examples, a failed one scoring 0 (as in dspy.Evaluate); None without scores."""
        return self._score_sum / self._scored if self._has_scores and self._scored else None

    def progress(self) -> dict[str, Any]:
        """Counts for a progress bar: done/total, failures, rate (examples per second) and time left."""
        done = self.done
        elapsed = (self.last_ts - self.first_ts) if self.first_ts is not None and self.last_ts is not None else 0.0
        rate = done / elapsed if elapsed > 0 and done else None
        return {
            "total": self.total,
            "done": done,
            "finished": self.count("finished"),
            "failed": self.count("failed"),
            "rate_limited": self.count("rate_limited"),
            "running": self.count("running"),
            "waiting": self.count("waiting"),
            "cancelled": self.count("cancelled"),
            "model_retries": sum(n.model_retries for n in self.nodes.values()),
            "elapsed": elapsed,
            "rate": rate,
            "eta": (self.total - done) / rate if rate else None,
            "mean_score": self.mean_score,
        }

    def as_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-able data: progress, nodes, edges, examples (by index)."""
        return {
            "progress": self.progress(),
            "nodes": {name: node.as_dict() for name, node in self.nodes.items()},
            "edges": [{"source": s, "target": t, "decision": d, "count": n} for (s, t, d), n in self.edges.items()],
            "examples": [_row(e) for _, e in sorted(self.examples.items())],
        }

    def to_pandas(self, table: Literal["examples", "nodes", "edges"] = "examples") -> Any:
        """A `pandas.DataFrame` of the examples (one row each), the nodes or the edges (needs pandas)."""
        try:
            import pandas as pd  # type: ignore[import-untyped]
        except ImportError as exc:
            raise MissingDependencyError("BatchStats.to_pandas", "pandas") from exc
        if table == "examples":
            return pd.DataFrame([_row(e) for _, e in sorted(self.examples.items())]).set_index("index")
        if table == "nodes":
            return pd.DataFrame.from_dict({n: s.as_dict() for n, s in self.nodes.items()}, orient="index")
        if table == "edges":
            return pd.DataFrame(self.as_dict()["edges"])
        raise OptionValueError("table", table, "'examples', 'nodes' or 'edges'")

    def __repr__(self) -> str:
        p = self.progress()
        return f"BatchStats({p['done']}/{self.total} done, {p['failed']} failed, {len(self.nodes)} nodes)"


def _row(example: ExampleSummary) -> dict[str, Any]:
    row = asdict(example)
    del row["_start_ts"]
    return row


def _first_line(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text.split("\n", 1)[0]
