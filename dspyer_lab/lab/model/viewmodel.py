"""The view model: what the browser shows of a run, as small JSON, from a `RunModel`.

Pure functions of (run model, selection, timeline page, `Screen`) -> JSON. The browser
renders this JSON with ``textContent`` only; it never sees a value that is not on screen.
Every value is masked here, once (`Screen.masker`), and long values are clipped to
`Screen.limit` characters with a *handle*: the browser asks for the full text by
handle (a custom message) and the kernel answers from `Screen.handles`, which holds a
thunk per clipped value of the last render (so the full text is only built on request).

The JSON of a panel is a list of *blocks*, each one of::

    {"facts": [text, ...]}                    a one-line header of facts
    {"title": text}                           a section title
    {"note": text}                            a muted sentence
    {"pre": cell}                             preformatted text
    {"table": {"head": [text], "rows": [[cell, ...]], "changed": [row index, ...]}}
    {"fold": text, "full": handle}            folded full text, fetched when opened
    {"message": {"role", "size", "text": cell, "open": bool}}   one message sent to a model (folded when long)
    {"stream": {"field", "attempt", "text", "live": bool}}     text a model is streaming (its newest end)
    {"instances": [{"visit", "label", "status", "duration", "failure", "selected": bool}]}  a map's instances

where a *cell* is a string, or ``{"text": clipped, "full": handle}`` when it was clipped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..dot import Drawing
from ..textview import Masker, clip, clipped_text, one_line, seconds, steps, to_text
from .runmodel import (
    Attempt,
    CallTotals,
    LMCall,
    NodeVisit,
    RunModel,
    Stream,
    clock,
    money,
    summarize,
    summary_fields,
    usage_text,
)

__all__ = [
    "TABS",
    "TAB_OF_EVENT",
    "Page",
    "Screen",
    "Selection",
    "attempt_blocks",
    "call_blocks",
    "calls_json",
    "essentials_json",
    "error_json",
    "event_line",
    "drawn_sends",
    "graph_json",
    "graph_totals",
    "instance_label",
    "lab_json",
    "node_json",
    "play_json",
    "result_json",
    "run_totals_text",
    "selected_visit",
    "tabs_json",
    "shown_state",
    "status_text",
    "stream_blocks",
    "taken_edges",
    "timeline_json",
    "totals_facts",
    "validation_json",
]

TABS = ("node", "calls", "validation", "result", "error", "waterfall")
"""The panels of a LabView, in tab order."""
TAB_OF_EVENT = {"validation_error": "validation", "finished": "result", "error": "error", "lm_call": "calls",
                "token": "calls"}
"""The tab that explains an event of the timeline (others: the node tab)."""


@dataclass(frozen=True)
class Selection:
    """What the user picked: a node (follow its latest visit), a visit (index in ``run.visits``), an attempt.

    Nothing picked: follow the newest visit.
    """

    node: str | None = None
    visit: int | None = None
    attempt: tuple[int, int] | None = None
    """(visit index, event index) of the rejected answer picked in the validation tab; None: the newest."""
    call: int | None = None
    """Event index of the model call picked in the calls tab; None: the visit's newest."""


@dataclass(frozen=True)
class Page:
    """The timeline's window: `size` events, skipping the `offset` newest (0 follows the run)."""

    offset: int = 0
    size: int = 200


@dataclass
class Screen:
    """How values are shown, and what the last render clipped (the full texts on request)."""

    masker: Masker
    limit: int | None = 200
    """Characters of a value shown before it is clipped (None: never clipped)."""
    output_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Output model field -> {"type", "description"} (empty: unknown, e.g. a Prediction)."""
    handles: dict[str, Callable[[], str]] = field(default_factory=dict)
    """Handle -> the full masked text of a clipped value (rebuilt by every render)."""
    labels: dict[tuple[str | None, int, int, int], tuple[dict[str, Any], int | None]] = field(default_factory=dict)
    """Timeline rows by (run_id, event index, masker version, chunks streamed so far for a stream's row), each
    with the index of its event's visit: a row is summarized once, whatever step of the run is seen (a seek
    shows a prefix of the same events, each in the same visit), and a stream's row again only when it grew.
    Cleared when a new run begins."""
    _ids: itertools.count = field(default_factory=itertools.count)

    def begin(self) -> None:
        """A new render: the last one's handles go. New ones are never numbered like an old one: the browser
        keeps each full text it fetched by its handle, so a reused handle would show another value's text."""
        self.handles.clear()

    def text(self, value: Any, indent: int | None = None) -> str:
        """`value` masked, as display text."""
        return to_text(self.masker.mask(value), indent=indent)

    def cell(self, value: Any, scale: int = 1, *, name: str | None = None) -> str | dict[str, str]:
        """`value` masked (as field `name`'s value, when given) and clipped (to `scale` times the limit); a clipped
        value carries a handle to its full text.

        Costs the same whatever the value's size: a large text is masked and clipped once (`Masker.mask_text`,
        `clipped_text`), and its full text is made only when asked for.
        """
        masked = self.masker.mask(value) if name is None else self.masker.mask_field(name, value)
        shown, cut = clipped_text(masked, None if self.limit is None else self.limit * scale)
        if not cut:
            return shown
        return {"text": shown, "full": self.handle(lambda: to_text(masked, indent=2))}

    def handle(self, thunk: Callable[[], str]) -> str:
        """A handle the browser can ask the full text of (valid until the next render)."""
        key = f"h{next(self._ids)}"
        self.handles[key] = thunk
        return key

    def full_text(self, key: str) -> str | None:
        """The full text behind a handle of the last render; None for an unknown (stale) handle."""
        thunk = self.handles.get(key)
        return None if thunk is None else thunk()


# -- the graph ----------------------------------------------------------------------------


def taken_edges(run: RunModel, drawing: Drawing) -> list[dict[str, Any]]:
    """The routes `run` took, in order, each as ``{source, target, decision, edge}`` (``edge``: the drawn id)."""
    taken = []
    for route in run.path().routes:
        drawn = drawing.find_edge(route.source, route.target, route.decision)
        taken.append({"source": route.source, "target": route.target, "decision": route.decision,
                      "edge": drawn.id if drawn else None})
    return taken


def graph_json(run: RunModel, drawing: Drawing, selected: str | None, masker: Masker | None = None) -> dict[str, Any]:
    """What the drawing shows of `run`: statuses, visit counts, the path taken (edge -> times), the last edge;
    ``progress`` of the nodes with several instances in their latest superstep (node -> {"text": "3/5",
    "hint": one line per instance}) and ``sends`` (a router's edge -> instances its latest map started).

    Costs O(nodes + edges + instances of the latest superstep), not O(events): it is rebuilt on every refresh
    of a live run. An instance's failure is in its hint only when `masker` is given (it may quote a secret).
    """
    names = list(drawing.node_ids)
    path: dict[str, int] = {}
    for (source, target, decision), times in run.path().counts.items():
        drawn = drawing.find_edge(source, target, decision)
        for edge in drawing.joined(drawn) if drawn is not None else ():
            path[edge.id] = path.get(edge.id, 0) + times
    last = run.last_route
    drawn_last = drawing.find_edge(last.source, last.target, last.decision) if last is not None else None
    return {
        "status": run.node_status(names),
        "visits": run.node_visits(names),
        "calls": graph_totals(run),
        "path": path,
        "last": drawn_last.id if drawn_last else None,
        "run_state": shown_state(run),
        "selected": selected or "",
        "progress": {node: {"text": f"{done}/{size}", "hint": _instances_hint(run, node, done, size, masker)}
                     for node, (done, size) in run.progress(names).items()},
        "sends": drawn_sends(run, drawing),
    }


def drawn_sends(run: RunModel, drawing: Drawing) -> dict[str, int]:
    """A router's drawn edge -> how many instances its latest `Send` map started on it (edges it mapped over)."""
    return {e.id: n for e in drawing.edges if e.kind == "conditional" and (n := run.sends(e.source, e.target))}


def instance_label(visit: NodeVisit) -> str:
    """How an instance of a node is named: ``#2`` for a `Send`'s item, else its task id."""
    return f"#{visit.instance}" if visit.instance is not None else f"task {visit.task}"


def _failure_line(masker: Masker, error: str, limit: int) -> str:
    """The first line of a failure, masked: what a list of instances says of one that failed."""
    return one_line((masker.mask_text(error).strip().splitlines() or [""])[0], limit)


def _some(instances: list[NodeVisit], limit: int) -> list[NodeVisit]:
    """At most `limit` of a map's `instances`, in order: the failed ones, then the first others."""
    failed = [v for v in instances if v.status == "failed"][:limit]
    picked = {v.index for v in failed} | {v.index for v in instances[: limit - len(failed)]}
    return [v for v in instances if v.index in picked]


HINT_INSTANCES = 30
"""Instances a mapped node's hover text lists at most (the failed ones first chosen): the picture is sent at every
refresh, so a map over 1,000 items must not make it 1,000 lines long (the node tab lists more)."""


def _instances_hint(run: RunModel, node: str, done: int, size: int, masker: Masker | None) -> str:
    """A mapped node's hover text: how many are done, then each instance's status (and failure's first line)."""
    lines = [f"{node}: {done}/{size} done"]
    mine = run.instances(node)
    picked = _some(mine, HINT_INSTANCES)
    for v in picked:
        failure = ""
        if v.error is not None and masker is not None:
            failure = f": {_failure_line(masker, v.error, 120)}"
        took = f" · {seconds(v.duration)}" if v.duration is not None else ""
        lines.append(f"{instance_label(v)} {v.status}{took}{failure}")
    if size > len(picked):
        lines.append(f"… and {size - len(picked)} more (click the node: its panel lists them)")
    return "\n".join(lines)


# -- the panels ---------------------------------------------------------------------------


def status_text(run: RunModel, whole: RunModel, can_run: bool) -> str:
    """The toolbar's one line about `run` (`whole` when it is the run seen at an earlier step)."""
    if run is not whole:  # travelling back in time
        if whole.parallel:
            return (f"replaying superstep {run.superstep or 0} of {whole.superstep} ({len(run.visits)} of "
                    f"{len(whole.visits)} visits) · event {len(run.events)}/{len(whole.events)}")
        return f"replaying step {len(run.visits)} of {len(whole.visits)} · event {len(run.events)}/{len(whole.events)}"
    if run.status == "running":
        text = f"running · {_step_text(run)} · {len(run.events)} events"
    elif run.status == "finished" and run.finished is not None:
        text = f"finished · {steps(run.finished.get('steps'))} in {seconds(_wall_time(run, run.finished))}"
    elif run.status == "paused" and run.paused is not None:
        where = "waiting for an answer at" if run.paused.get("when") == "interrupt" else f"paused {run.paused.get('when')}"
        text = f"{where} node '{run.paused.get('node')}' · {_step_text(run)}"
    elif run.status == "failed" and run.error is not None:
        where = _failed_where(run.error)
        where = f" {where}" if where else ""
        text = f"failed · {run.error.get('error_type')}{where}"
    elif run.status == "cancelled":
        text = f"cancelled · after {steps(len(run.visits))}"
    else:
        text = "ready" if can_run else "no run"
    return text


def _step_text(run: RunModel) -> str:
    """Where a run is: its step (a visit each in a sequential run), or its superstep and visits in a parallel one."""
    if run.parallel:
        return f"superstep {run.superstep} · {len(run.visits)} visits"
    return f"step {len(run.visits)}"


def _wall_time(run: RunModel, finished: Mapping[str, Any]) -> Any:
    """How long a finished run took from its start, pauses included (its `finished.duration` counts only the
    last stretch of a run continued after a pause)."""
    elapsed = run.elapsed(finished)
    return elapsed if elapsed is not None else finished.get("duration")


def shown_state(run: RunModel) -> str:
    """The run's state as the graph's corner and the toolbar say it: an earlier step of a run is a replay."""
    return "replay" if run.replay_of is not None else run.status


def _failed_where(error: Mapping[str, Any]) -> str:
    """Where an ``error`` event says the run failed: a node, the router after one, or "" (the run as a whole)."""
    if error.get("node"):
        return f"in node '{error['node']}'"
    if error.get("router"):
        return f"in the router after node '{error['router']}'"
    return ""


def selected_visit(run: RunModel, sel: Selection) -> NodeVisit | None:
    """The visit to inspect in `run`: the picked one (None if it has not started by then), else the
    picked node's latest, else the newest; in a failed run, the instance that failed rather than a sibling the
    failure cancelled (started after it in a map)."""
    if sel.visit is not None:
        return run.visits[sel.visit] if sel.visit < len(run.visits) else None
    failed = run.failed_visit
    if sel.node:
        if failed is not None and failed.node == sel.node:
            return failed
        same = run.visits_of(sel.node)
        return same[-1] if same else None
    return failed or (run.visits[-1] if run.visits else None)


def tabs_json(run: RunModel) -> list[dict[str, Any]]:
    """The tab titles, each with its count or alert."""
    failures = len(run.failures)
    return [
        {"id": "node", "title": "Node"},
        {"id": "calls", "title": f"Calls ({len(run.calls)})" if run.calls else "Calls"},
        {"id": "validation", "title": f"Validation ({failures})" if failures else "Validation"},
        {"id": "result", "title": "Result"},
        {"id": "error", "title": "Error ⚠" if run.error else "Error", "alert": run.error is not None},
        {"id": "waterfall", "title": "Waterfall"},
    ]


def lab_json(run: RunModel, whole: RunModel, sel: Selection, page: Page, screen: Screen) -> dict[str, Any]:
    """Everything the LabView's panels show of `run` (the run at the step being seen; `whole`: the whole run)."""
    screen.begin()
    visit = selected_visit(run, sel)
    picked_node = sel.node if sel.visit is None else (whole.visits[sel.visit].node if sel.visit < len(whole.visits) else None)
    return {
        "tabs": tabs_json(run),
        "timeline": timeline_json(run, page, screen, visit),
        "node": node_json(run, visit, picked_node, screen),
        "calls": calls_json(run, visit, sel.call, screen),
        "validation": validation_json(run, visit, sel.attempt, screen),
        "result": result_json(run, screen),
        "error": error_json(run, screen),
    }


def timeline_json(run: RunModel, page: Page, screen: Screen, visit: NodeVisit | None = None) -> dict[str, Any]:
    """A window of `run`'s rows (`RunModel.rows`), newest first: ``rows`` of {i, t, node, kind, text, mine}
    (``i``: the event's index) and paging facts.

    ``mine`` marks the rows of the inspected visit. Token chunks are not rows: a stream is one row, at
    its first chunk, saying how much has streamed so far.
    """
    listed = run.rows
    total = len(listed)
    if len(screen.labels) > 50 * page.size:  # bounded: rows seen long ago are summarized again if needed
        screen.labels.clear()
    offset = max(0, min(page.offset, max(total - page.size, 0)))
    end = total - offset
    start = max(0, end - page.size)
    rows = []
    mine = visit.index if visit is not None else -1  # `visit` is one of `run.visits`: its index names it
    for position in range(end - 1, start - 1, -1):
        i = listed[position]
        stream = run.stream_of_event(i) if run.events[i].get("event") == "token" else None
        key = (run.run_id, i, screen.masker.version, stream.chunks if stream is not None else 0)
        cached = screen.labels.get(key)
        if cached is None:
            event = run.events[i]
            elapsed = run.elapsed(event)
            owner = run.visit_of_event(i)
            name = (owner.node if owner is not None else "") if stream is not None else (
                event.get("node") or event.get("source") or "")
            cached = screen.labels[key] = ({
                "i": i,
                "t": f"{elapsed:.3f}s" if elapsed is not None else "?",
                "node": one_line(screen.masker.mask(name), 200),
                "kind": str(event.get("event")),
                "text": event_line(run, i, screen),
                "mine": False,
            }, owner.index if owner is not None else None)
        row, owner_index = cached
        rows.append({**row, "mine": True} if owner_index == mine else row)  # shared: rows are never changed
    hidden = len(run.events) - total
    folded = f" (+{hidden:,} token chunks, summed up in their stream's row)" if hidden else ""
    return {
        "rows": rows,
        "offset": offset,
        "position": f"events {start + 1}–{end} of {total}{folded}" if total else "no events yet",
        "older": start > 0,
        "newer": offset > 0,
    }


def event_line(run: RunModel, i: int, screen: Screen, limit: int = 140) -> str:
    """One masked line about event `i` of `run` (its timeline row, the slider's note). A ``token`` tells its
    stream so far, masked as one text: the chunk alone could show part of a secret."""
    stream = run.stream_of_event(i)
    if stream is None:
        return one_line(summarize(screen.masker.mask(summary_fields(run.events[i]))), limit)
    return one_line(f"streamed '{stream.field}' (attempt {stream.attempt}): {stream.chunks:,} chunks, "
                    f"{len(stream.text):,} chars: {_stream_text(stream, screen)}", limit)


def _table(mapping: Mapping[str, Any], screen: Screen, head: tuple[str, ...] = ("field", "value")) -> dict[str, Any]:
    rows = [[str(k), screen.cell(v, name=k)] for k, v in mapping.items()]
    return {"table": {"head": list(head), "rows": rows, "changed": []}}


def node_json(run: RunModel, visit: NodeVisit | None, node: str | None, screen: Screen) -> dict[str, Any]:
    """The node inspector: the visit's facts, inputs, patch, state before/after (changed rows marked)."""
    name = visit.node if visit is not None else node
    same_node = run.visits_of(name) if name is not None else []
    listed = _around(same_node, next((i for i, v in enumerate(same_node) if v is visit), len(same_node) - 1))
    visits = [
        {"value": v.index, "label": f"{v.visit} of {len(same_node)} (step {v.step}"
                                    f"{f', {instance_label(v)}' if v.instance is not None else ''}, {v.status})"}
        for v in listed
    ]
    picker = {"options": visits, "value": visit.index if visit is not None else None} if (
        len(same_node) > 1 or (visit is None and same_node)) else None
    if visit is None:
        if name is None:
            note = "Click a node in the graph or an event in the timeline."
        elif same_node:  # e.g. time travel to before the picked visit of a looping node
            note = f"This visit of node '{name}' has not started yet; its earlier visits are listed above."
        else:
            note = f"Node '{name}' has not run yet."
        return {"node": name, "visits": picker, "blocks": [{"note": note}]}
    facts = [
        f"{visit.node} ({visit.kind})",
        f"visit {visit.visit}",
        *([f"instance {instance_label(visit)}"] if visit.instance is not None else []),
        f"step {visit.step if visit.step is not None else '?'}",
        visit.status,
        *([seconds(visit.duration)] if visit.duration is not None else []),
        f"{visit.attempts if visit.attempts is not None else len(visit.failures) + 1} attempt(s)",
    ]
    blocks: list[dict[str, Any]] = [{"facts": facts}, *_instances_blocks(run, visit, screen), *_calls_note(run, visit),
                                    {"title": "Inputs"}, _table(visit.inputs, screen)]
    blocks += _answer_blocks(run, visit, screen)
    if visit.patch is None:
        blocks += stream_blocks(visit, screen)
    if visit.patch is not None:
        blocks.append({"title": "Patch (fields this node wrote)"})
        blocks.append(_table(visit.patch, screen) if visit.patch else {"note": "The node wrote nothing."})
    elif visit.error is not None:
        blocks += [{"title": "Failed"}, {"pre": screen.cell(screen.masker.mask_text(visit.error))}]
    else:
        blocks.append({"note": f"No patch yet ({visit.status})."})
    after = visit.state_after
    changed = set(visit.changed_keys)
    keys = list(dict.fromkeys([*visit.state_before, *(after or {})]))
    before = visit.state_before
    rows = [
        [k, screen.cell(before[k], name=k) if k in before else "—",
         (screen.cell(after[k], name=k) if k in after else "—") if after is not None else "…"]
        for k in keys
    ]
    blocks.append({"title": "State before → after" + (f" (changed: {', '.join(sorted(changed))})" if changed else "")})
    blocks.append({"table": {"head": ["field", "before", "after"], "rows": rows,
                             "changed": [i for i, k in enumerate(keys) if k in changed]}})
    snapshot = {"inputs": visit.inputs, "patch": visit.patch, "state_before": visit.state_before,
                "state_after": visit.state_after}
    blocks.append({"fold": "Full values (inputs, patch, state) as text",
                   "full": screen.handle(lambda: screen.text(snapshot, indent=2))})
    return {"node": name, "visits": picker, "blocks": blocks}


def _answer_blocks(run: RunModel, visit: NodeVisit, screen: Screen) -> list[dict[str, Any]]:
    """What a person answered this visit (who: a person; when: "answered at 12:03:04"), or that it waits for one."""
    given = run.answers_of(visit)
    blocks: list[dict[str, Any]] = []
    if given:
        blocks.append({"title": "Answered by a person"})
        blocks.append({"table": {"head": ["question", "answer", "when"], "changed": [], "rows": [
            [screen.cell(e.get("interrupt_id")), screen.cell(e.get("value")), f"answered at {clock(e.get('answered_at'))}"]
            for e in given]}})
    paused = run.paused if run.status == "paused" else None
    if paused and paused.get("when") == "interrupt" and visit.patch is None and visit.error is None and any(
            isinstance(i, Mapping) and (i.get("node"), i.get("task")) == (visit.node, visit.task)
            for i in paused.get("interrupts") or ()):
        blocks.append({"note": "Waiting for a person's answer (its form, or `await view.answer(...)` from Python)."})
    return blocks


def _instances_blocks(run: RunModel, visit: NodeVisit, screen: Screen, max_listed: int = 200) -> list[dict[str, Any]]:
    """The instances of the visit's node in its superstep (a map), when there are several: a click selects one."""
    siblings = run.siblings(visit)
    if len(siblings) < 2:
        return []
    done, size = sum(v.status == "done" for v in siblings), run.map_size(siblings)
    shown = _some(siblings, max_listed)
    if all(v is not visit for v in shown):  # the inspected one is always listed
        shown = sorted([*shown[:-1], visit], key=lambda v: v.index)
    more = f" ({len(shown)} listed: the failed ones first)" if len(shown) < len(siblings) else ""
    rows = [{"visit": v.index, "label": instance_label(v), "status": v.status,
             "duration": seconds(v.duration) if v.duration is not None else "",
             "failure": _failure_line(screen.masker, v.error, 160) if v.error is not None else "",
             "selected": v is visit} for v in shown]
    return [{"title": f"Instances in step {visit.step}: {done}/{size} done{more}"}, {"instances": rows}]


def validation_json(
    run: RunModel, visit: NodeVisit | None, pinned: tuple[int, int] | None, screen: Screen, max_listed: int = 200
) -> dict[str, Any]:
    """Rejected answers of the inspected visit (else of the run); the pinned one, else the newest, in detail."""
    if visit is not None and visit.failures:
        attempts = [(visit, a) for a in visit.failures]
        scope = f"{len(attempts)} rejected answer(s) of node '{visit.node}' (visit {visit.visit})"
    else:
        attempts = run.failures
        scope = f"{len(attempts)} rejected answer(s) in this run" if attempts else "No rejected answers in this run."
        if visit is not None and attempts:
            scope += f" (none for node '{visit.node}', visit {visit.visit})"
    shown = attempts[-max_listed:]
    if len(shown) < len(attempts):
        scope += f"; showing the last {len(shown)}"
    if not shown:
        return {"scope": scope, "attempts": None, "blocks": []}
    keys = [[v.index, a.event_index] for v, a in shown]
    choice = list(pinned) if pinned is not None and list(pinned) in keys else keys[-1]
    options = [
        {"value": key, "label": f"{v.node} · visit {v.visit} · attempt {a.attempt}/{a.max_attempts or '?'}"
                                f" · {', '.join(a.failed_fields) or 'unparseable'}"}
        for key, (v, a) in zip(keys, shown)
    ]
    chosen_visit, chosen = shown[keys.index(choice)]
    return {"scope": scope, "attempts": {"options": options, "value": choice},
            "blocks": attempt_blocks(chosen_visit, chosen, screen)}


def _around(items: list[NodeVisit], i: int, reach: int = 40) -> list[NodeVisit]:
    """The first and last of `items` and those within `reach` of position `i` (a picker stays small in a long loop)."""
    if len(items) <= 2 * reach + 3:
        return items
    lo, hi = max(1, i - reach), min(len(items) - 1, i + reach + 1)
    return [items[0], *items[lo:hi], items[-1]]


def attempt_blocks(visit: NodeVisit, a: Attempt, screen: Screen) -> list[dict[str, Any]]:
    """One rejected answer: failed fields, validator messages, offending values, raw output, feedback."""
    mask = screen.masker.mask_text
    outcome = "retried with feedback" if a.will_retry else "no retry left: the node failed"
    blocks: list[dict[str, Any]] = [
        {"facts": [visit.node, f"attempt {a.attempt} of {a.max_attempts or '?'}", outcome]},
        {"title": "Failed fields"},
        {"pre": ", ".join(a.failed_fields) or "(the answer could not be parsed)"},
        {"title": "Validator messages"},
        {"pre": screen.cell(mask(a.error))},
    ]
    if a.offending:
        blocks += [{"title": "Offending values"}, _table(a.offending, screen, ("field", "model's value"))]
    blocks += [
        {"title": "Raw model output"},
        {"pre": screen.cell(mask(a.raw_output) or "(not reported)")},
        {"title": "Feedback sent back to the model"},
        {"pre": screen.cell(mask(a.feedback) or "(none: no retry followed)")},
    ]
    return blocks


def result_json(run: RunModel, screen: Screen) -> dict[str, Any]:
    """The run's output as a field table (typed when the output model is known), else why there is none."""
    finished = run.finished
    if finished is None:
        waiting = {
            "failed": "The run failed: see the Error tab.",
            "cancelled": "The run was cancelled before it finished.",
            "idle": "No run yet.",
        }.get(run.status, "The run has not finished yet.")
        return {"blocks": [{"note": waiting}]}
    output = finished.get("output")
    fields = screen.output_fields
    blocks: list[dict[str, Any]] = [
        {"facts": [f"Finished: {steps(finished.get('steps'))} in {seconds(_wall_time(run, finished))}"]}
    ]
    if isinstance(output, Mapping):
        names = list(dict.fromkeys([*fields, *output]))
        rows = [
            [n, str(fields.get(n, {}).get("type", "")), screen.cell(output[n], name=n) if n in output else "—",
             str(fields.get(n, {}).get("description", ""))]
            for n in names
        ]
        blocks.append({"table": {"head": ["field", "type", "value", "description"], "rows": rows, "changed": []}})
    else:
        blocks.append({"pre": screen.cell(screen.masker.mask(output))})
    final = {"output": output, "state": finished.get("state")}
    blocks.append({"fold": "Full output and final state as text", "full": screen.handle(lambda: screen.text(final, indent=2))})
    return {"blocks": blocks}


def error_json(run: RunModel, screen: Screen, message_lines: int = 12) -> dict[str, Any]:
    """The run's failure: type, node and the first lines of the message; the traceback folded."""
    error = run.error
    if error is None:
        return {"blocks": [{"note": "The run was cancelled." if run.status == "cancelled" else "No error."}]}
    mask = screen.masker.mask_text
    message = mask(str(error.get("error") or ""))
    lines = message.splitlines()
    short = "\n".join(lines[:message_lines]) + (
        f"\n… ({len(lines) - message_lines} more lines below)" if len(lines) > message_lines else ""
    )
    where = _failed_where(error) or "in no node"
    full = mask(f"{message}\n\n{error.get('traceback') or ''}".strip())
    return {"blocks": [
        {"facts": [str(error.get("error_type") or "Error"), where]},
        {"pre": clip(short, 4000)},
        {"fold": "Full error and traceback", "full": screen.handle(lambda: full)},
    ]}


# -- model calls --------------------------------------------------------------------------

FOLD_CHARS = 800
"""A message longer than this is folded (its role and size shown) until opened; so is the system message
(the node's instructions: the same in every call)."""
MESSAGE_SCALE = 10
"""A message is clipped at this many times `Screen.limit` (prompts are long; "show all" fetches the rest)."""
STREAM_TAIL = 4000
"""Characters of a streaming text sent to the browser: its newest end, where it grows."""


def _short(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 10_000 or (n >= 1000 and n % 1000) else f"{n:,}"


def totals_facts(totals: CallTotals) -> list[str]:
    """Calls, tokens, cost and model time of `totals`, as display facts (what was not reported is said)."""
    facts = [f"{totals.calls} model call{'s' if totals.calls != 1 else ''}"]
    if totals.has_usage:
        unreported = f"; {totals.no_usage} not reported" if totals.no_usage else ""
        facts.append(f"{totals.tokens:,} tokens ({totals.prompt_tokens:,} in, {totals.completion_tokens:,} out{unreported})")
    elif totals.billed:
        facts.append("tokens not reported")
    if totals.has_cost:
        facts.append(money(totals.cost) + (f" ({totals.no_cost} call(s) without a cost)" if totals.no_cost else ""))
    if totals.cached:
        facts.append(f"{totals.cached} answered from the cache (nothing spent)")
    return facts


def graph_totals(run: RunModel) -> dict[str, dict[str, Any]]:
    """Per node that called a model: a short label for the drawing and a longer hover text."""
    shown = {}
    for node, totals in run.nodes_with_calls.items():
        label = f"{totals.calls} call{'s' if totals.calls != 1 else ''}"
        if totals.has_usage:
            label += f" · {_short(totals.tokens)} tok"
        if totals.has_cost:
            label += f" · {money(totals.cost)}"
        hint = " · ".join([*totals_facts(totals), f"{seconds(totals.model_time)} waiting for the model"])
        shown[node] = {"calls": totals.calls, "tokens": totals.tokens, "label": label, "hint": f"{node}: {hint}"}
    return shown


def run_totals_text(run: RunModel) -> str | None:
    """The toolbar's line about the run's model calls (None when it made none)."""
    if not run.calls:
        return None
    waiting, rest = run.model_time_split()
    split = f"model {seconds(waiting)}" + (f", other {seconds(rest)}" if rest is not None else " so far")
    return " · ".join([*totals_facts(run.call_totals), split])


def _calls_note(run: RunModel, visit: NodeVisit) -> list[dict[str, Any]]:
    """The node tab's line about the visit's model calls and its node's over the run."""
    if not visit.calls and not run.node_totals(visit.node).calls:
        return []
    mine = CallTotals.of(visit.calls)
    node = run.node_totals(visit.node)
    text = f"This visit: {' · '.join(totals_facts(mine))}, {seconds(mine.model_time)}"
    if node.calls != mine.calls:
        text += f". Node '{visit.node}' in the run: {' · '.join(totals_facts(node))}, {seconds(node.model_time)}"
    return [{"note": text + " (see the Calls tab)."}]


def _stream_text(stream: Stream, screen: Screen) -> str:
    """A stream's text masked as one text (see `Masker.mask_stream`), its newest `STREAM_TAIL` characters."""
    return screen.masker.mask_stream(stream.field, stream.text, STREAM_TAIL)


def stream_blocks(visit: NodeVisit, screen: Screen) -> list[dict[str, Any]]:
    """The text the visit's model is streaming (attempts whose answer has not come), field by field."""
    blocks: list[dict[str, Any]] = []
    attempt: int | None | str = "none"
    live = visit.status in ("running", "retrying")
    for stream in visit.pending_streams():
        if stream.attempt != attempt:
            attempt = stream.attempt
            blocks.append({"title": f"{'Streaming' if live else 'Streamed, then cut off'}: attempt {attempt}"})
        blocks.append({"stream": {"field": stream.field, "attempt": stream.attempt,
                                  "text": _stream_text(stream, screen), "live": live}})
    return blocks


def call_blocks(call: LMCall, screen: Screen) -> list[dict[str, Any]]:
    """One model call: facts, the messages by role (long ones folded), the completion as received."""
    facts = [call.node, f"attempt {call.attempt if call.attempt is not None else '?'}", call.model or "model",
             usage_text(call.prompt_tokens, call.completion_tokens),
             *([money(call.cost)] if call.cost is not None else []),
             "cached" if call.cached else seconds(call.duration)]
    blocks: list[dict[str, Any]] = [{"facts": facts}, {"title": f"Messages sent ({len(call.messages)})"}]
    for message in call.messages:
        content = screen.masker.mask_text(message["content"])  # sized as shown: a secret's length is no hint
        lines = content.count("\n") + 1
        blocks.append({"message": {"role": one_line(message["role"], 40), "size": f"{len(content):,} chars, {lines} lines",
                                   "text": screen.cell(content, MESSAGE_SCALE),
                                   "open": message["role"] != "system" and len(content) <= FOLD_CHARS}})
    blocks += [{"title": "Completion (as received)"}, {"pre": screen.cell(call.completion or "(empty)", MESSAGE_SCALE)}]
    return blocks


def shown_call(visit: NodeVisit | None, pinned: int | None) -> LMCall | None:
    """The model call the calls tab shows in full: the pinned one (its ``lm_call`` event index) when it is the
    visit's, else the visit's newest; None when the visit made none."""
    if visit is None or not visit.calls:
        return None
    return next((c for c in visit.calls if c.event_index == pinned), visit.calls[-1])


def calls_json(run: RunModel, visit: NodeVisit | None, pinned: int | None, screen: Screen) -> dict[str, Any]:
    """The calls tab: the inspected visit's model calls (the pinned one, else the newest, in full), what its
    model is streaming now, and the run's calls per node."""
    overview = _per_node_table(run, screen)
    live = run.live_stream()
    if live is not None and live[0] is not visit:  # the text being written now, whichever visit is inspected
        overview = [{"note": f"Streaming now: node '{live[0].node}' (visit {live[0].visit})"},
                    *stream_blocks(live[0], screen), *overview]
    if visit is None:
        return {"scope": "No node visit is inspected." if run.calls else "No model calls in this run.",
                "calls": None, "blocks": overview}
    streaming = stream_blocks(visit, screen)
    where = f"node '{visit.node}' (visit {visit.visit})"
    if not visit.calls:
        scope = f"Waiting for the model of {where}" if streaming else (
            f"No model calls for {where}" + (" yet" if visit.status in ("running", "retrying") else ""))
        return {"scope": scope, "calls": None, "blocks": [*streaming, *overview]}
    totals = CallTotals.of(visit.calls)
    scope = f"{where}: {' · '.join(totals_facts(totals))} · {seconds(totals.model_time)} waiting for the model"
    chosen = shown_call(visit, pinned)
    assert chosen is not None  # the visit made calls
    options = [{"value": c.event_index, "label": f"attempt {c.attempt} · {c.model or 'model'} · "
                                                 f"{'cached' if c.cached else seconds(c.duration)}"} for c in visit.calls]
    picker = {"options": options, "value": chosen.event_index} if len(options) > 1 else None
    return {"scope": scope, "calls": picker, "blocks": [*call_blocks(chosen, screen), *streaming, *overview]}


def _per_node_table(run: RunModel, screen: Screen) -> list[dict[str, Any]]:
    per_node = run.nodes_with_calls
    if not per_node:
        return []
    rows = [[screen.text(node), str(t.calls), f"{t.tokens:,}" if t.has_usage else "–",
             money(t.cost) if t.has_cost else "–", seconds(t.model_time)] for node, t in per_node.items()]
    return [{"title": "Model calls per node (whole run)"},
            {"table": {"head": ["node", "calls", "tokens", "cost", "model time"], "rows": rows, "changed": []}}]


# -- play and presenter mode ------------------------------------------------------------------

STEP_EVENTS = ("node_start", "route")
"""The events a graph step of play ends at (a node starts running; a node routes on)."""
ESSENTIAL_CHARS = 280
"""Characters of a value presenter mode shows (large type: a glance, not a read)."""


def play_json(run: RunModel) -> dict[str, Any]:
    """What the browser's player needs to replay `run` with its own clock, never the events themselves.

    ``t[i]``: when event ``i`` came, in ms after the first (0 for events without a ``ts``); a frame shows the
    first ``p`` events, so position ``p`` is due at ``t[p - 1]``. ``steps``: the positions a graph step
    ends at (just after each ``node_start`` or ``route``, and the run's end), where "one step per N s" and
    step back / forward stop. ``key``: the run (the player stops when another one is shown).
    """
    events = run.events
    first = next((e["ts"] for e in events if isinstance(e.get("ts"), (int, float))), None)
    times: list[int] = []
    last = 0
    for event in events:
        ts = event.get("ts")
        if first is not None and isinstance(ts, (int, float)):
            last = max(last, round((ts - first) * 1000))  # a clock that went back never plays backwards
        times.append(last)
    steps = [i + 1 for i, e in enumerate(events) if e.get("event") in STEP_EVENTS]
    if events and (not steps or steps[-1] != len(events)):
        steps.append(len(events))
    return {"key": f"{run.run_id or ''}:{len(events)}", "t": times, "steps": steps}


_FIELD_MARK = re.compile(r"\[\[ ## (\w+) ## \]\]\s*")
"""DSPy's chat format marks each output field ``[[ ## answer ## ]]``; presenter mode shows ``answer: ...``."""


def _said(completion: str) -> str:
    """A completion as a room reads it: DSPy's field marks as ``field: ``, its closing ``completed`` mark gone."""
    return _FIELD_MARK.sub(lambda m: "" if m.group(1) == "completed" else f"{m.group(1)}: ", completion).strip()


def _short_text(screen: Screen, value: Any, name: str | None = None) -> str:
    masked = screen.masker.mask(value) if name is None else screen.masker.mask_field(name, value)
    return clipped_text(masked, ESSENTIAL_CHARS)[0]


def essentials_json(run: RunModel, visit: NodeVisit | None, screen: Screen) -> dict[str, Any]:
    """Presenter mode's panel: the node shown (the one running at the frame seen, unless one is picked), what it
    read, what the model said (the text streaming, the last completion, else what the node wrote) and why its
    answers were rejected. Texts only, masked and clipped to `ESSENTIAL_CHARS`."""
    if visit is None:
        return {"node": None, "status": shown_state(run), "read": [], "said": None, "rejected": [],
                "note": "Nothing has run yet: press ▶ to play the run."}
    attempts = visit.attempts if visit.attempts is not None else len(visit.failures) + 1
    said: dict[str, str] | None = None
    pending = visit.pending_streams()
    if pending and visit.status in ("running", "retrying"):
        stream = pending[-1]
        said = {"title": f"The model is writing (attempt {stream.attempt})", "text": _stream_text(stream, screen)}
    elif visit.calls:
        call = visit.calls[-1]
        said = {"title": f"The model said (attempt {call.attempt if call.attempt is not None else attempts})",
                "text": _short_text(screen, _said(screen.masker.mask_text(call.completion)) or "(empty)")}
    elif visit.patch:
        said = {"title": "It wrote", "text": _short_text(screen, visit.patch)}
    rejected = [{"attempt": f"attempt {a.attempt} of {a.max_attempts or '?'}",
                 "fields": ", ".join(a.failed_fields) or "unparseable",
                 "text": _short_text(screen, screen.masker.mask_text(a.error)),
                 "retry": "retried with feedback" if a.will_retry else "no retry left"}
                for a in visit.failures[-3:]]
    return {
        "node": visit.node, "status": visit.status,
        "facts": f"step {visit.step if visit.step is not None else '?'} · {visit.status} · attempt {attempts}",
        "read": [[str(k), _short_text(screen, v, str(k))] for k, v in visit.inputs.items()],
        "said": said, "rejected": rejected, "note": "",
    }
