"""The waterfall: what ran when in a run, a bar per node visit in lanes of what ran at once, as small JSON.

Bars are placed on one time axis (seconds since the run's first event); each bar holds its model calls
(one per attempt, a rejected answer marked), so retries show inside the visit that made them. Bars are packed
into lanes by time (interval partitioning: a bar goes to the first lane free when it starts), so a lane is
what ran one after another and a sequential run is one lane, whatever its ``task`` ids (one per superstep);
two branches that overlap take two lanes.

A tab of its own rather than a mode of the timeline: a tab is built only while it is shown (the timeline
is sent with every render), and the timeline keeps its event rows, which a bar sums up.

Windowed like the timeline: at most `WINDOW` visits are sent, those around the inspected visit (the
newest while following the run), so a 5,000-step run costs the same to show as a 200-step one (about
2 ms and 37 kB per render). The JSON (the waterfall tab's body)::

    {"scope": text, "span": [t0, t1], "selected": the inspected visit's index,
     "lanes": [{"lane": text, "label": text}],
     "bars": [{"visit", "node", "task", "lane", "status", "start", "end", "live": bool, "hint": text,
               "calls": [{"start", "end", "attempt", "outcome": "answer" | "rejected" | "cached", "hint"}]}]}
"""

from __future__ import annotations

from typing import Any

from ..textview import one_line, seconds
from .runmodel import CallTotals, LMCall, NodeVisit, RunModel, usage_text
from .viewmodel import Screen, instance_label, totals_facts

__all__ = ["WINDOW", "pack_lanes", "waterfall_json"]

WINDOW = 200
"""Visits sent at most (the timeline's page size): the waterfall of a long run is a window of it."""


def waterfall_json(run: RunModel, visit: NodeVisit | None, screen: Screen, window: int = WINDOW) -> dict[str, Any]:
    """The waterfall of `run`'s visits around `visit`, the inspected one (None: the newest), which it marks."""
    visits = run.visits
    if not visits or run.start_ts is None:
        return {"scope": "No node has run yet.", "span": [0.0, 0.0], "selected": None, "lanes": [], "bars": []}
    at = visit.index if visit is not None and visit.index < len(visits) else len(visits) - 1
    first = max(0, min(at - window // 2, len(visits) - window))
    shown = visits[first : first + window]
    now = run.events[-1]["ts"]
    bars = [_bar(run, v, now, screen) for v in shown]
    lanes = pack_lanes([(b["start"], b["end"]) for b in bars])
    for bar, lane in zip(bars, lanes):
        bar["lane"] = lane
    count = max(lanes) + 1
    t0 = min(b["start"] for b in bars)
    t1 = max(b["end"] for b in bars)
    where = f"visits {first + 1:,}–{first + len(shown):,} of {len(visits):,}" if len(shown) < len(visits) else (
        f"{len(visits):,} visit{'s' if len(visits) != 1 else ''}")
    return {
        "scope": f"{where} · {count} lane{'s' if count != 1 else ''} · {seconds(t0)} to {seconds(t1)}",
        "span": [t0, t1],
        "selected": at,
        "lanes": [{"lane": str(i + 1), "label": f"lane {i + 1}"} for i in range(count)],
        "bars": bars,
    }


def pack_lanes(spans: list[tuple[float, float]]) -> list[int]:
    """The lane of each (start, end) span, in start order: the first lane whose last span ended by its start,
    else a new lane. Deterministic; as few lanes as the most spans open at once."""
    ends: list[float] = []
    lanes = []
    for start, end in spans:
        lane = next((i for i, free in enumerate(ends) if free <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        lanes.append(lane)
    return lanes


def _bar(run: RunModel, visit: NodeVisit, now: float, screen: Screen) -> dict[str, Any]:
    """One visit: its span (to now while it runs), its calls inside, and the hover text."""
    start = _since(run, visit.start_ts if visit.start_ts is not None else run.events[visit.start_index]["ts"])
    live = visit.end_index is None and visit.status in ("running", "retrying")
    end = _since(run, run.events[visit.end_index]["ts"] if visit.end_index is not None else now)
    rejected = {a.attempt for a in visit.failures}
    node = one_line(screen.masker.mask(visit.node), 200)
    totals = CallTotals.of(visit.calls)
    instance = f" · {instance_label(visit)}" if visit.instance is not None else ""
    facts = [f"{node} · visit {visit.visit}{instance}", visit.status, f"{seconds(end - start)}{' so far' if live else ''}"]
    if visit.calls:
        facts += totals_facts(totals)
    if visit.failures:
        facts.append(f"{len(visit.failures)} rejected answer{'s' if len(visit.failures) != 1 else ''}")
    return {
        "visit": visit.index,
        "node": node,
        "task": visit.task or "",
        "lane": 0,
        "status": visit.status,
        "start": start,
        "end": max(end, start),
        "live": live,
        "hint": " · ".join(facts),
        "calls": [_call(run, c, c.attempt in rejected, start) for c in visit.calls],
    }


def _call(run: RunModel, call: LMCall, rejected: bool, floor: float) -> dict[str, Any]:
    """One model call, from its answer's time back by its duration (never before its visit began)."""
    end = _since(run, run.events[call.event_index]["ts"])
    start = max(floor, end - (call.duration or 0.0))
    outcome = "cached" if call.cached else ("rejected" if rejected else "answer")
    took = "cached" if call.cached else seconds(call.duration)
    hint = " · ".join([f"attempt {call.attempt if call.attempt is not None else '?'}", call.model or "model",
                       usage_text(call.prompt_tokens, call.completion_tokens), took,
                       *(["answer rejected"] if rejected else [])])
    return {"start": start, "end": end, "attempt": call.attempt, "outcome": outcome, "hint": hint}


def _since(run: RunModel, ts: float) -> float:
    """Seconds since the run's first event, to the millisecond (the JSON stays small)."""
    return round(ts - (run.start_ts or 0.0), 3)
