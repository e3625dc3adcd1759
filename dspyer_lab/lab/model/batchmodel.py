"""The batch model: a batch's ``(index, event)`` stream folded once, and the JSON a `BatchView` shows of it.

Pure Python, no widgets. The fold is core's `BatchStats` (per-node visits, retries, failures,
durations; edges taken; one compact row per example; the kept events): this module adds only
what a screen needs on top of it:

- `BatchModel`: the stats plus where the batch is (idle, running, finished, cancelled, failed),
  secret inputs masked before they are summarized, and a kept example as a `RunModel`;
- `TableQuery` and `example_rows`: the examples filtered, sorted (failures first by default) and
  cut to one page, so only that page's rows reach the browser;
- `heat_json`: the graph's picture as a heatmap (per node, each measure's value and a level 0-5;
  per drawn edge, how often it was taken), in the shape `graph_json` gives the drawing;
- `batch_json`: progress, the per-node table, the page of examples and the review queue (the examples waiting
  for a person's answer, oldest first, each with its question and answer form: `answerform.asks_json`).

Every text from a model or a user's inputs is masked here (`Masker`) and sent as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ...core.batchstats import BatchStats, ExampleSummary
from ..dot import Drawing
from ..textview import Masker, one_line
from .answerform import asks_json, pending
from .runmodel import CANCELLED, RunModel, clock

__all__ = [
    "COLUMNS",
    "FILTERS",
    "HEAT_LEVELS",
    "MEASURES",
    "BatchModel",
    "BatchState",
    "TableQuery",
    "batch_json",
    "example_rows",
    "heat_json",
    "progress_text",
    "review_json",
]

BatchState = Literal["idle", "running", "waiting", "finished", "cancelled", "failed"]
"""Where a batch view's batch is: not started, running, nothing running but some inputs wait for a person's answer,
every input ended, stopped, or the batch itself raised."""

MEASURES: dict[str, str] = {
    "failure_rate": "failure rate",
    "retry_rate": "retry rate",
    "visits": "visits",
    "p50": "p50 duration",
    "p95": "p95 duration",
}
"""What the heatmap can colour nodes by (key of `NodeStats.as_dict`) -> its label. Rates are on an absolute
scale (a level per 20%); visits and durations relative to the busiest/slowest node."""
HEAT_LEVELS = 5
"""Heat levels 1..HEAT_LEVELS; 0 is no heat (no value, or zero)."""
_RATES = frozenset({"failure_rate", "retry_rate"})

COLUMNS = ("index", "summary", "status", "score", "attempts", "duration", "error_type")
"""The example table's columns (also its sort keys)."""
FILTERS: dict[str, frozenset[str] | None] = {
    "all": None,
    "failures": frozenset({"failed", "rate_limited"}),
    "failed": frozenset({"failed"}),
    "rate_limited": frozenset({"rate_limited"}),
    "cancelled": frozenset({"cancelled"}),
    "running": frozenset({"running"}),
    "waiting": frozenset({"waiting"}),
    "finished": frozenset({"finished"}),
}
"""The example table's filters -> the statuses they keep (None: all)."""
_STATUS_ORDER = {"failed": 0, "rate_limited": 1, "waiting": 2, "cancelled": 3, "running": 4, "finished": 5}
"""Sorting by status puts failures first."""


@dataclass(frozen=True)
class TableQuery:
    """Which examples the table shows: a filter, a sort column and direction, a page of `size` rows.

    The default (status, ascending) lists failures first, then by input index.
    """

    filter: str = "all"
    sort: str = "status"
    descending: bool = False
    page: int = 0
    size: int = 20

    def __post_init__(self) -> None:
        if self.filter not in FILTERS:
            raise ValueError(f"filter must be one of {', '.join(FILTERS)}, got {self.filter!r}")
        if self.sort not in COLUMNS:
            raise ValueError(f"sort must be one of {', '.join(COLUMNS)}, got {self.sort!r}")
        if self.size < 1 or self.page < 0:
            raise ValueError(f"page must be >= 0 and size >= 1, got page={self.page}, size={self.size}")

    def changed(self, content: Mapping[str, Any]) -> TableQuery:
        """This query with what a browser message asks for (unknown or ill-typed keys ignored);
        a new filter or sort goes back to the first page."""
        new = self
        if isinstance(content.get("filter"), str) and content["filter"] in FILTERS:
            new = replace(new, filter=content["filter"], page=0)
        if isinstance(content.get("sort"), str) and content["sort"] in COLUMNS:
            new = replace(new, sort=content["sort"], page=0)
        if isinstance(content.get("descending"), bool):
            new = replace(new, descending=content["descending"], page=0)
        page = content.get("page")
        if isinstance(page, int) and not isinstance(page, bool) and page >= 0:
            new = replace(new, page=page)
        return new


class BatchModel:
    """Everything known about one batch, folded once (`apply`) from its ``(index, event)`` stream.

    `stats` is the core `BatchStats` (see it for the kept-events policy); inputs of secret-looking
    fields, and the secrets `masker` knows in error messages, are masked before the stats summarize
    them (so `stats`, its ``as_dict`` and ``to_pandas`` hold no secret); the runs themselves are untouched.
    """

    def __init__(
        self, total: int, *, sample_size: int = 50, masker: Masker | None = None, metric: bool = False
    ) -> None:
        self.stats = BatchStats(total, sample_size=sample_size)
        self.masker = masker or Masker()
        self.metric = metric
        """Whether the batch has a metric (the table and the progress show scores)."""
        self.state: BatchState = "idle"
        self.waiting: dict[int, Mapping[str, Any]] = {}
        """Example index -> the ``paused`` event it waits at for a person's answer (until its next event)."""

    def apply(self, index: int, event: Mapping[str, Any]) -> None:
        """Fold one event of example `index` in."""
        kind = event.get("event")
        if pending(event if kind == "paused" else None):
            self.waiting[index] = event
        else:
            self.waiting.pop(index, None)  # answered (or stopped): it runs again
        if kind == "run_start":
            self.state = "running"
            inputs = event.get("inputs")
            self.masker.learn(inputs)
            event = {**event, "inputs": self.masker.mask(inputs)}  # summaries never hold a secret (not even cut)
        elif kind == "node_end":
            self.masker.learn(event.get("patch"))
        elif kind in ("error", "score") and isinstance(event.get("error"), str):  # a score's: the metric raised
            event = {**event, "error": self.masker.mask_text(event["error"])}
        self.stats.apply(index, event)

    def end(self, state: BatchState) -> None:
        """The batch is over (`finished`, `cancelled` or `failed`), or only waits for answers (`waiting`): runs still
        marked running (or waiting, when it is stopped) become cancelled."""
        if state not in ("finished", "waiting"):
            self.stats.stopped()
            self.waiting.clear()
        self.state = state

    def events_of(self, index: int) -> list[dict[str, Any]] | None:
        """Example `index`'s kept events (None when not kept), ending with a ``cancelled`` marker when the
        batch stopped it mid-run (as a LabView marks a stopped run)."""
        events = self.stats.events_of(index)
        example = self.stats.examples.get(index)
        if events is not None and example is not None and example.status == "cancelled":
            events.append(RunModel.replay(events).closing_event(CANCELLED))
        return events

    def run_of(self, index: int) -> RunModel | None:
        """Example `index`'s run, folded from its kept events (None when they were not kept)."""
        events = self.events_of(index)
        return None if events is None else RunModel.replay(events)


# -- the table ------------------------------------------------------------------------------


def _sort_value(example: ExampleSummary, column: str) -> Any:
    if column == "status":
        return _STATUS_ORDER.get(example.status, len(_STATUS_ORDER))
    return getattr(example, column)


def example_rows(stats: BatchStats, query: TableQuery) -> tuple[list[ExampleSummary], int, int]:
    """The examples of `query`'s page (in its order), how many examples match its filter, and the page shown
    (the last one when `query.page` is past it: a live filter's matches can shrink).

    Ties keep input order; missing values (no score, no duration, no error) sort last either way.
    """
    keep = FILTERS[query.filter]
    matching = [e for e in stats.examples.values() if keep is None or e.status in keep]
    matching.sort(key=lambda e: e.index)
    present = [e for e in matching if _sort_value(e, query.sort) is not None]
    missing = [e for e in matching if _sort_value(e, query.sort) is None]
    present.sort(key=lambda e: _sort_value(e, query.sort), reverse=query.descending)  # stable both ways
    ordered = present + missing
    page = min(query.page, max(0, math.ceil(len(ordered) / query.size) - 1))
    start = page * query.size
    return ordered[start : start + query.size], len(ordered), page


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} s"


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _row(example: ExampleSummary, masker: Masker, opened: int | None) -> dict[str, Any]:
    error = masker.mask_text(example.error) if example.error else ""
    return {
        "index": example.index,
        "summary": masker.mask_text(example.summary),
        "status": example.status,
        "score": _score(example.score),
        "attempts": example.attempts,
        "duration": _seconds(example.duration),
        "error_type": example.error_type or "",
        "error": one_line(error, 300),
        "node": example.node or "",
        "kept": example.kept or example.status == "running",
        "open": example.index == opened,
    }


# -- the heatmap ----------------------------------------------------------------------------


def _levels(values: dict[str, float | None], absolute: bool) -> dict[str, int]:
    top = max((v for v in values.values() if v), default=0.0)
    levels = {}
    for name, value in values.items():
        if not value:
            levels[name] = 0
        elif absolute:
            levels[name] = max(1, min(HEAT_LEVELS, math.ceil(value * HEAT_LEVELS)))
        else:
            levels[name] = max(1, math.ceil(value / top * HEAT_LEVELS))
    return levels


def _node_title(name: str, n: Mapping[str, Any]) -> str:
    parts = [f"{n['visits']} visit(s)", f"retry rate {n['retry_rate']:.0%} ({n['retries']})",
             f"failure rate {n['failure_rate']:.0%} ({n['failures']})"]
    if n["model_retries"]:
        parts.append(f"model retries {n['model_retries']} ({n['rate_limited']} rate-limited)")
    if n["p50"] is not None:
        parts.append(f"p50 {n['p50']:.2f} s · p95 {n['p95']:.2f} s")
    return f"{name}: " + " · ".join(parts)


def heat_json(stats: BatchStats, drawing: Drawing, state: BatchState) -> dict[str, Any]:
    """The drawing's picture of the batch: every node idle, plus ``heat``.

    ``heat``: ``{"nodes": {name: {"stats": NodeStats.as_dict(), "levels": {measure: 0..5}, "title": text}},
    "edges": {edge id: {"count": n, "weight": 1..5}}}``; nodes that never ran have no entry.
    """
    nodes = {name: stats.nodes[name].as_dict() for name in drawing.node_ids if name in stats.nodes}
    levels = {m: _levels({name: n[m] for name, n in nodes.items()}, m in _RATES) for m in MEASURES}
    counts: dict[str, int] = {}
    for (source, target, decision), times in stats.edges.items():
        drawn = drawing.find_edge(source, target, decision)
        if drawn is not None:
            counts[drawn.id] = counts.get(drawn.id, 0) + times
    weights = _levels({edge: float(n) for edge, n in counts.items()}, absolute=False)
    return {
        "status": {},
        "visits": {},
        "path": {},
        "last": None,
        "run_state": state,
        "selected": "",
        "heat": {
            "nodes": {
                name: {"stats": n, "levels": {m: levels[m][name] for m in MEASURES}, "title": _node_title(name, n)}
                for name, n in nodes.items()
            },
            "edges": {edge: {"count": n, "weight": weights[edge]} for edge, n in counts.items()},
        },
    }


# -- the panel ------------------------------------------------------------------------------


def progress_text(progress: Mapping[str, Any], state: BatchState) -> str:
    """The progress line: done/total, failures so far, rate, time left, mean score."""
    parts = [f"{progress['done']}/{progress['total']} done"]
    if progress.get("waiting"):
        parts.append(f"{progress['waiting']} waiting for an answer")
    if progress["failed"]:
        parts.append(f"{progress['failed']} failed")
    if progress["rate_limited"]:
        parts.append(f"{progress['rate_limited']} rate-limited")
    if progress["cancelled"]:
        parts.append(f"{progress['cancelled']} cancelled")
    if progress["rate"]:
        parts.append(f"{progress['rate']:.1f}/s")
    if state == "running" and progress["eta"] is not None:
        parts.append(f"~{progress['eta']:.0f} s left")
    if progress["mean_score"] is not None:
        parts.append(f"mean score {progress['mean_score']:.3f}")
    return f"{state} · " + " · ".join(parts) if state != "idle" else "ready"


def _node_rows(stats: BatchStats, drawing: Drawing) -> list[dict[str, Any]]:
    rows = []
    for name in drawing.node_ids:
        if name in stats.nodes:
            n = stats.nodes[name].as_dict()
            rows.append({
                "node": name,
                "visits": str(n["visits"]),
                "retry_rate": f"{n['retry_rate']:.0%} ({n['retries']})",
                "failure_rate": f"{n['failure_rate']:.0%} ({n['failures']})",
                "model_retries": str(n["model_retries"]),
                "p50": _seconds(n["p50"]),
                "p95": _seconds(n["p95"]),
            })
    return rows


def batch_json(model: BatchModel, drawing: Drawing, query: TableQuery, opened: int | None = None,
               refused: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a `BatchView` shows besides the drawing: progress, the node table, one page of examples.

    ``examples.rows`` holds only the page's rows (masked text); ``opened`` is the example shown below.
    """
    stats = model.stats
    progress = stats.progress()
    rows, matching, page = example_rows(stats, query)
    pages = max(1, math.ceil(matching / query.size))
    first = page * query.size
    return {
        "state": model.state,
        "progress": {
            **{k: progress[k] for k in ("total", "done", "failed", "rate_limited", "cancelled", "running", "waiting")},
            "pending": stats.total - len(stats.examples),
            "text": progress_text(progress, model.state),
        },
        "measures": [{"id": m, "label": label} for m, label in MEASURES.items()],
        "nodes": _node_rows(stats, drawing),
        "examples": {
            "columns": [c for c in COLUMNS if c != "score" or model.metric],
            "rows": [_row(e, model.masker, opened) for e in rows],
            "query": {"filter": query.filter, "sort": query.sort, "descending": query.descending, "page": page},
            "filters": list(FILTERS),
            "position": f"{first + 1}–{first + len(rows)} of {matching}" if rows else f"0 of {matching}",
            "pages": pages,
        },
        "opened": opened,
        "review": review_json(model, refused),
    }


def review_json(model: BatchModel, refused: Mapping[str, Any] | None = None, limit: int = 50) -> dict[str, Any]:
    """The review queue: the examples waiting for a person, oldest first (the first `limit`), each with its
    input summary, since when it waits and its asks (question, inputs, form); `refused`: the kernel's refusal of
    the last answer sent ({index, id, field, message}), shown beside its field."""
    waiting = sorted(model.waiting.items(), key=lambda item: (item[1].get("ts") or 0, item[0]))
    rows = []
    for index, paused in waiting[:limit]:
        example = model.stats.examples.get(index)
        mine = refused if refused is not None and refused.get("index") == index else None
        rows.append({"index": index, "since": f"waiting since {clock(paused.get('ts'))}",
                     "summary": model.masker.mask_text(example.summary) if example is not None else "",
                     "asks": asks_json(paused, model.masker, mine)})
    return {"count": len(waiting), "rows": rows}
