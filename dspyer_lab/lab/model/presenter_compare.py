"""ComparePresenter: everything a CompareView does, without a widget: two runs or two batches side by side.

It finds what to compare (`resolve`: a run id or batch id looked up in a `RunStore`, a `StoredRun`,
`SavedRun`, `StoredBatch`, a LabView / LabPresenter (the run it shows), a BatchView / BatchPresenter
(its batch), or a list of events), compares it once (`compare.compare_runs` / `compare_batches`) and
renders the JSON the browser draws (`render`): the graph's picture (for runs, each node same / changed /
only in A / only in B, the two paths and where they part; for batches, a heatmap of the per-node change)
and the ``_compare`` panel. Clicks (`handle`): select a node, page and filter the example table, open an
example's two runs side by side (a nested run comparison) and go back.

Everything shown is masked (stored runs are already; other sources with the `Masker` that learns their
secrets) and each value's text clipped to `compare.TEXT_LIMIT`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...core.batchstats import BatchStats
from ...core.graph import Graph
from ..adapter import as_graph
from ..dot import Drawing, build_drawing
from ..textview import DEFAULT_SECRET_PATTERNS, Masker, one_line
from .batchmodel import HEAT_LEVELS
from .compare import (
    DEFAULT_PASS_THRESHOLD,
    OUTCOMES,
    BatchComparison,
    BatchSide,
    ExampleResult,
    FieldChange,
    RunComparison,
    VisitSide,
    compare_batches,
    compare_runs,
    shown,
    text_diff,
)
from .presenter import LabPresenter, Presenter
from .presenter_batch import BatchPresenter
from .presenter_errors import ViewError, ViewProgramError
from .runfile import SavedRun, describe_graph
from .labstore import current_store
from .store import RunStore, StoredBatch, StoredRun

__all__ = ["CompareRendered", "ComparePresenter", "Compared", "resolve"]

Events = Sequence[Mapping[str, Any]]

DIFF_MEASURES: dict[str, str] = {"retry_rate": "retry rate", "failure_rate": "failure rate", "p50": "p50 duration"}
"""What the batch heatmap colours nodes by: B minus A of that measure (a rise is worse)."""
PAGE_SIZE = 20
"""Example rows sent to the browser at a time."""
MAX_VISITS = 10
"""Visits of the selected node sent side by side at most (those that differ first): a loop may run hundreds."""


@dataclass(frozen=True)
class _Run:
    """One side of a run comparison: its events, its graph (None: not known) and how it is named."""

    events: list[dict[str, Any]]
    graph: Graph | None
    label: str


@dataclass(frozen=True)
class _Batch:
    """One side of a batch comparison: its results, its examples' events (None: not kept), its graph."""

    side: BatchSide
    events_of: Callable[[int], Events | None]
    graph: Graph | None
    label: str
    summaries: dict[int, str]
    """Input index -> a one-line summary of its inputs (masked)."""


Compared = RunComparison | BatchComparison


def _jsonable(value: Any) -> Any:
    """A result as JSON data (a pydantic model as its dump), so outputs from a store and a live batch compare."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    return json.loads(json.dumps(value, default=repr))


def _store_of(store: RunStore | None) -> RunStore:
    found = store or current_store()
    if found is None:
        raise ViewError("No run store (DSPYER_LAB_STORE=off or %dspyer store off): give the runs themselves, "
                        "or store=RunStore(PATH)")
    return found


def _stored_batch(batch: StoredBatch, store: RunStore) -> _Batch:
    """A stored batch: each example's run read back from the store (its inputs, status, output, events)."""
    examples, events, summaries = {}, {}, {}
    graph: Graph | None = None
    stats = BatchStats(len(batch.examples), sample_size=1)  # its own kept events are not used: `events` holds them
    for index, run_id, score in batch.examples:
        if run_id is None:
            examples[index] = ExampleResult(index, None, "cancelled", score, None, None)
            continue
        record = store.run(run_id)
        saved = store.load(run_id)
        graph = graph or saved.graph
        events[index] = saved.events
        for event in saved.events:
            stats.apply(index, event)
        examples[index] = ExampleResult(index, record.inputs, record.status, score, record.output, run_id)
        summaries[index] = one_line(record.inputs, 80)
    side = BatchSide(examples, {n: s.as_dict() for n, s in stats.nodes.items()},
                     scored=any(score is not None for _, _, score in batch.examples))
    return _Batch(side, events.get, graph, f"batch {batch.batch_id}", summaries)


def _live_batch(presenter: BatchPresenter) -> _Batch:
    """A BatchView's batch: results and scores of every example; events only of those it kept."""
    batch, model, masker = presenter.batch, presenter.model, presenter.masker
    if batch is None:
        raise ViewError("That BatchView has run no batch yet")
    examples, summaries = {}, {}
    for index, summary in model.stats.examples.items():
        output = batch.results.get(index)
        examples[index] = ExampleResult(
            index, masker.mask(_jsonable(batch.inputs[index])), summary.status, summary.score,
            None if output is None else masker.mask(_jsonable(output)), summary.run_id,
        )
        summaries[index] = masker.mask_text(summary.summary)
    side = BatchSide(examples, {n: s.as_dict() for n, s in model.stats.nodes.items()}, scored=model.metric)
    return _Batch(side, model.events_of, presenter.graph, "batch (BatchView)", summaries)


def resolve(source: Any, store: RunStore | None, program: Any = None) -> _Run | _Batch:
    """What `source` names, as one side of a comparison (see the module docstring for what it may be)."""
    graph = as_graph(program) if program is not None else None
    inner = getattr(source, "presenter", None)  # a LabView or BatchView: its presenter
    if isinstance(inner, LabPresenter | BatchPresenter):
        source = inner
    if isinstance(source, BatchPresenter):
        return _live_batch(source)
    if isinstance(source, LabPresenter):
        return _Run(source.events, source.graph.graph, "the LabView's run")
    if isinstance(source, StoredBatch):
        return _stored_batch(source, _store_of(store))
    if isinstance(source, SavedRun):
        return _Run(source.events, source.graph or graph, "the saved run")
    if isinstance(source, StoredRun | str):
        found = _store_of(store)
        run_id = source.run_id if isinstance(source, StoredRun) else source
        if isinstance(source, str):
            batch = next((b for b in found.batches() if b.batch_id == source), None)
            if batch is not None:
                return _stored_batch(batch, found)
        saved = found.load(run_id)
        return _Run(saved.events, saved.graph, f"run {run_id}")
    if isinstance(source, Sequence) and all(isinstance(e, Mapping) for e in source):
        return _Run([dict(e) for e in source], graph, "the events")
    kind = f"{type(source).__module__}.{type(source).__name__}"
    raise ViewProgramError(
        f"CompareView compares runs (a run id, StoredRun, SavedRun, LabView, list of events) or batches "
        f"(a batch id, StoredBatch, BatchView), got {kind}"
    )


@dataclass(frozen=True)
class CompareRendered:
    """What a CompareView shows: the graph's picture and the comparison panel (both JSON-ready)."""

    picture: dict[str, Any]
    compare: dict[str, Any]


# -- the panel's parts -----------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} s"


def _side_json(side: VisitSide | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"status": side.status, "duration": _seconds(side.duration), "attempts": side.attempts,
            "tokens": side.tokens, "calls": len(side.calls), "models": sorted({c.model for c in side.calls})}


def _field_rows(a: VisitSide | None, b: VisitSide | None, changes: list[FieldChange]) -> list[dict[str, Any]]:
    changed = {c.field: c for c in changes if c.visit == (a or b).visit}  # type: ignore[union-attr]
    fa, fb = (a.fields() if a else {}), (b.fields() if b else {})
    rows = []
    for name in dict.fromkeys([*fa, *fb]):
        if fa.get(name) in (None, "") and fb.get(name) in (None, ""):
            continue
        change = changed.get(name)
        rows.append({
            "field": name,
            "a": change.a if change else shown(fa.get(name, "")),
            "b": change.b if change else shown(fb.get(name, "")),
            "changed": change is not None,
            "diff": [list(op) for op in change.diff] if change is not None else [],
        })
    return rows


def _runs_json(c: RunComparison, labels: tuple[str, str], selected: str, note: str) -> dict[str, Any]:
    node = c.nodes.get(selected)
    detail = None
    if node is not None:
        count = max(len(node.a), len(node.b))
        differing = sorted({ch.visit - 1 for ch in node.changes if ch.visit} | set(range(min(len(node.a), len(node.b)), count)))
        picked = sorted((differing or list(range(count)))[:MAX_VISITS])
        visits = []
        for i in picked:
            va = node.a[i] if i < len(node.a) else None
            vb = node.b[i] if i < len(node.b) else None
            visits.append({"visit": i + 1, "a": _side_json(va), "b": _side_json(vb),
                           "fields": _field_rows(va, vb, node.changes)})
        more = f"{len(picked)} of {count} visits shown" + (" (those that differ)" if differing else "")
        detail = {"node": node.node, "diff": node.diff, "changed": node.changed_fields, "visits": visits,
                  "more": more if len(picked) < count else ""}
    d = c.divergence
    output_a, output_b, changed = shown(c.a_output), shown(c.b_output), c.a_output != c.b_output
    return {
        "mode": "runs",
        "labels": {"a": labels[0], "b": labels[1]},
        "note": note,
        "summary": {
            "a": {"status": c.a_status, "duration": _seconds(c.a_duration), "tokens": c.a_tokens, "output": output_a},
            "b": {"status": c.b_status, "duration": _seconds(c.b_duration), "tokens": c.b_tokens, "output": output_b},
            "output_changed": changed,
            "output_diff": [list(op) for op in text_diff(output_a, output_b)] if changed else [],
        },
        "path": {"a": c.a_path, "b": c.b_path,
                 "diverge": None if d is None else {"step": d.step, "after": d.after, "a": d.a, "b": d.b}},
        "nodes": [{"node": n.node, "diff": n.diff, "changed": n.changed_fields} for n in c.nodes.values()],
        "selected": selected,
        "detail": detail,
    }


def _runs_picture(c: RunComparison, drawing: Drawing, selected: str) -> dict[str, Any]:
    sides: dict[str, str] = {}
    for side, routes in (("a", c.a_routes), ("b", c.b_routes)):
        for source, target, decision in routes:
            drawn = drawing.find_edge(source, target, decision)
            for edge in drawing.joined(drawn) if drawn is not None else ():
                sides[edge.id] = "both" if sides.get(edge.id, side) != side else side
    d = c.divergence
    diverge = None if d is None else (d.after or d.a or d.b)
    return {
        "status": {}, "visits": {}, "path": {edge: 1 for edge in sides}, "last": None, "run_state": "idle",
        "selected": selected,
        "compare": {"nodes": {n.node: n.diff for n in c.nodes.values()}, "edges": sides, "diverge": diverge},
    }


def _delta_text(value: float | None, key: str) -> str:
    if value is None:
        return ""
    shown_value = round(value, 2) if key == "p50" else round(value * 100)
    return f"{shown_value or 0.0:+.2f} s" if key == "p50" else f"{shown_value or 0:+d} pts"  # never "-0"


def _level(value: float | None, key: str, top: float) -> int:
    """-5..5: the change's sign (a rise is worse: positive) and size (rates a level per 20 points; p50 relative)."""
    if not value:
        return 0
    scale = HEAT_LEVELS * (abs(value) if key != "p50" else abs(value) / top)
    return int(math.copysign(max(1, min(HEAT_LEVELS, math.ceil(scale))), value))


def _batches_picture(c: BatchComparison, drawing: Drawing) -> dict[str, Any]:
    top = max((abs(n.p50) for n in c.nodes.values() if n.p50), default=1.0)
    nodes = {}
    for name, n in c.nodes.items():
        if name not in drawing.node_ids:
            continue
        parts = [f"{DIFF_MEASURES[k]} {_delta_text(getattr(n, k), k) or 'n/a'}" for k in DIFF_MEASURES]
        nodes[name] = {"levels": {k: _level(getattr(n, k), k, top) for k in DIFF_MEASURES},
                       "title": f"{name}: B − A: " + " · ".join(parts)}
    return {"status": {}, "visits": {}, "path": {}, "last": None, "run_state": "idle", "selected": "",
            "compare": {"heat": nodes}}


def _stats_text(stats: Mapping[str, Any] | None) -> dict[str, str]:
    if stats is None:
        return {"retry_rate": "not run", "failure_rate": "", "p50": ""}
    return {"retry_rate": f"{stats['retry_rate']:.0%}", "failure_rate": f"{stats['failure_rate']:.0%}",
            "p50": _seconds(stats["p50"])}


def _score_text(e: ExampleResult) -> str:
    return "" if e.score is None else f"{e.score:.2f}"


# -- the presenter -----------------------------------------------------------------------------------


class ComparePresenter(Presenter):
    """Compare two runs or two batches (see the module docstring); `render` / `handle` as every presenter.

    Args:
        a, b: what to compare (both runs, or both batches).
        store: where run and batch ids are looked up (default: the lab's store, ``%dspyer store``, else
            `default_store()`).
        program: the program or graph the runs are of, to draw them when neither side carries its graph
            (lists of events); else the graph of A's run is drawn (B's nodes compared by name).
        pass_threshold: an example's score that counts as passing (`compare.DEFAULT_PASS_THRESHOLD`).
        secret_patterns: secret-looking fields masked in what is shown of sources not masked already.
    """

    def __init__(
        self, a: Any, b: Any, *, store: RunStore | None = None, program: Any = None,
        pass_threshold: float = DEFAULT_PASS_THRESHOLD,
        secret_patterns: Sequence[str] | None = DEFAULT_SECRET_PATTERNS,
    ) -> None:
        super().__init__(None, 10.0)
        self.masker = Masker(secret_patterns)
        side_a, side_b = resolve(a, store, program), resolve(b, store, program)
        graph_a, graph_b = side_a.graph, side_b.graph
        graph = graph_a or graph_b
        if graph is None:
            raise ViewProgramError("Neither side says which graph it ran: give program= to draw them")
        self.graph: Graph = graph
        """The graph drawn (A's, when the two differ)."""
        self.drawing: Drawing = build_drawing(graph)
        self.note = ""
        """Said above the comparison: the two sides are of different graphs (then compared by node name)."""
        if graph_a is not None and graph_b is not None and describe_graph(graph_a) != describe_graph(graph_b):
            self.note = "A and B are runs of different graphs: nodes compared by name, A's graph drawn"
        self._a, self._b = side_a, side_b
        self.labels = (side_a.label + " (A)", side_b.label + " (B)")
        self.top: Compared
        """The comparison of A and B themselves."""
        if isinstance(side_a, _Run) and isinstance(side_b, _Run):
            self.top = compare_runs(side_a.events, side_b.events, masker=self.masker)
        elif isinstance(side_a, _Batch) and isinstance(side_b, _Batch):
            self.top = compare_batches(side_a.side, side_b.side, pass_threshold=pass_threshold)
        else:
            raise ViewProgramError("CompareView compares two runs or two batches, not a run with a batch")
        self.opened: int | None = None
        """The example whose two runs are shown side by side (`open_example`), if any."""
        self._example: RunComparison | None = None
        self._selected = ""
        self._filter = "all"
        self._page = 0

    @property
    def comparison(self) -> Compared:
        """What is shown: the two runs of the opened example, else the comparison of A and B."""
        return self._example if self._example is not None else self.top

    def select(self, node: str) -> None:
        """Show `node`'s visits in both runs side by side ("" for none); `ViewError` for a node neither ran."""
        if node and node not in self.drawing.node_ids:
            raise ViewError(f"Node {node!r} is not in the graph drawn")
        self._selected = node
        self._changed()

    def open_example(self, index: int) -> RunComparison:
        """Show example `index`'s two runs side by side (`ViewError`: not a batch comparison, no such example,
        or a side whose events were not kept)."""
        if not isinstance(self.top, BatchComparison):
            raise ViewError("open_example is for two batches; these are two runs")
        if not any(e.index == index for e in self.top.examples):
            raise ViewError(f"Example {index} is in neither batch")
        assert isinstance(self._a, _Batch) and isinstance(self._b, _Batch)
        events_a, events_b = self._a.events_of(index), self._b.events_of(index)
        missing = [s for s, ev in (("A", events_a), ("B", events_b)) if ev is None]
        if missing:
            raise ViewError(f"Example {index}'s events were not kept in batch {' and '.join(missing)} "
                            "(not sampled): its outputs and scores are compared, not its runs")
        self._example = compare_runs(events_a or [], events_b or [], masker=self.masker)
        self.opened = index
        self._selected = next((n for n, c in self._example.nodes.items() if c.diff != "same"), "")
        self._changed()
        return self._example

    def back(self) -> None:
        """Back from an opened example to the two batches."""
        self._example, self.opened, self._selected = None, None, ""
        self._changed()

    def render(self) -> CompareRendered:
        """The picture and the panel of what is shown."""
        shown = self.comparison
        if isinstance(shown, RunComparison):
            labels = self.labels if self.opened is None else (f"example {self.opened} in A", f"example {self.opened} in B")
            panel = _runs_json(shown, labels, self._selected, self.note)
            panel["back"] = None if self.opened is None else {"index": self.opened}
            return CompareRendered(_runs_picture(shown, self.drawing, self._selected), panel)
        return CompareRendered(_batches_picture(shown, self.drawing), self._batches_json(shown))

    def render_embedded(self) -> dict[str, Any]:
        """The panel with the picture and the graph's layout in it: what ``CompareBody`` draws inside another
        view (a RunsView), which has no traits of the comparison's own."""
        shown = self.render()
        return {**shown.compare, "picture": shown.picture, "layout": {"dot": self.drawing.source,
                                                                      **self.drawing.svg_map()}}

    def _batches_json(self, c: BatchComparison) -> dict[str, Any]:
        assert isinstance(self._a, _Batch) and isinstance(self._b, _Batch)
        rows = [e for e in c.examples if self._filter == "all" or e.outcome == self._filter]
        pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
        page = min(self._page, pages - 1)
        shown = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        s = c.score
        return {
            "mode": "batches",
            "labels": {"a": self.labels[0], "b": self.labels[1]},
            "note": self.note,
            "counts": dict(c.counts),
            "score": {"text": s.text, "measure": s.measure, "mean_a": f"{s.mean_a:.3f}", "mean_b": f"{s.mean_b:.3f}",
                      "n": s.n},
            "pass_threshold": c.pass_threshold,
            "measures": [{"id": k, "label": v} for k, v in DIFF_MEASURES.items()],
            "nodes": [
                {"node": n.node, "a": _stats_text(n.a), "b": _stats_text(n.b),
                 "delta": {k: _delta_text(getattr(n, k), k) for k in DIFF_MEASURES}}
                for name, n in c.nodes.items() if name in self.drawing.node_ids
            ],
            "examples": {
                "rows": [
                    {"index": e.index, "outcome": e.outcome,
                     "summary": self._a.summaries.get(e.index) or self._b.summaries.get(e.index, ""),
                     "a": {"status": e.a.status, "score": _score_text(e.a)},
                     "b": {"status": e.b.status, "score": _score_text(e.b)},
                     "openable": self._a.events_of(e.index) is not None and self._b.events_of(e.index) is not None}
                    for e in shown
                ],
                "filter": self._filter,
                "filters": ["all", *OUTCOMES],
                "page": page,
                "pages": pages,
                "position": f"{page * PAGE_SIZE + 1}–{page * PAGE_SIZE + len(shown)} of {len(rows)}" if shown
                else f"0 of {len(rows)}",
            },
        }

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        """Do what a browser message asks: ``select`` a node, ``table`` (filter, page), ``open`` an example, ``back``."""
        kind = message.get("type")
        if kind == "select" and isinstance(message.get("node"), str):
            node = message["node"]
            self._selected = node if node in self.drawing.node_ids else ""
            self._changed()
        elif kind == "table":
            filter_ = message.get("filter")
            if isinstance(filter_, str) and filter_ in ("all", *OUTCOMES):
                self._filter, self._page = filter_, 0
            page = message.get("page")
            if isinstance(page, int) and not isinstance(page, bool) and page >= 0:
                self._page = page
            self._changed()
        elif kind == "open" and isinstance(message.get("index"), int) and self.opened is None:
            try:
                self.open_example(message["index"])
            except ViewError:
                pass  # rows whose runs were not kept are not clickable; a stale click does nothing
        elif kind == "back":
            self.back()
        return None
