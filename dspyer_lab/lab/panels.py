"""The inspection panels of `LabView`: timeline, node inspector, validation, result, error.

Each panel owns a fixed set of ipywidgets and re-renders them from a `RunLog`
(`render(log, visit)`), so "the run at step k" is just a render of
``RunLog.replay(events[:k])``. The panels keep no run data, only what the user did to
them: the timeline's paging offset (reset for any other `RunLog` object) and the
validation panel's picked attempt (reset when a log of another run, by ``run_id``, is
rendered; time travel replays the same run, so a pick survives it).

Every value comes from a model or from user state: it is masked (`Masker`), clipped
for display, and reaches an ``HTML`` widget only through `esc`. Full values are shown
as plain text in read-only ``Textarea`` widgets folded into an ``Accordion``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from .model.runmodel import Attempt, NodeVisit, summarize
from .model.runmodel import RunModel as RunLog
from .textview import Masker, clip, esc, one_line, seconds, to_text

__all__ = [
    "ErrorPanel",
    "NodeInspector",
    "Presenter",
    "ResultPanel",
    "TimelinePanel",
    "ValidationPanel",
    "field_table",
]

_STYLE = (
    "<style>"
    ".dlp{border-collapse:collapse;width:100%;font-size:12px;margin:2px 0 8px 0;"
    "font-family:var(--jp-code-font-family,monospace)}"
    ".dlp td,.dlp th{border:1px solid var(--jp-border-color2,#ddd);padding:2px 6px;vertical-align:top;"
    "white-space:pre-wrap;word-break:break-word;text-align:left}"
    ".dlp tr>:first-child{white-space:nowrap;word-break:normal}"  # field names stay whole
    ".dlp,.dlp-pre{line-height:1.4}"  # ipywidgets' HTML sets a 28px line height meant for one-line labels
    ".dlp th{font-weight:600;background:var(--jp-layout-color2,#f3f3f3)}"
    ".dlp tr.dl-changed td{background:rgba(255,179,0,0.22)}"
    ".dlp-pre{white-space:pre-wrap;word-break:break-word;margin:2px 0 8px 0;font-size:12px;"
    "background:var(--jp-layout-color2,#f5f5f5);padding:4px 6px}"
    "</style>"
)
"""Shared by the panels' HTML (static text only; every value goes through `esc`)."""
_MUTED = "color:var(--jp-ui-font-color2,#777)"


class Presenter:
    """How values are shown: masked with `masker`, clipped to `limit` characters in tables (None: never)."""

    def __init__(self, masker: Masker, limit: int | None = 200) -> None:
        self.masker = masker
        self.limit = limit

    def text(self, value: Any, indent: int | None = 2) -> str:
        """Full, masked plain text (for Textareas and labels)."""
        return to_text(self.masker.mask(value), indent=indent)

    def cell(self, value: Any) -> str:
        """Masked, clipped and escaped: ready to go inside HTML."""
        return esc(clip(to_text(self.masker.mask(value)), self.limit))

    def line(self, value: Any, limit: int = 80) -> str:
        """Masked single line of plain text (for option labels)."""
        return one_line(self.masker.mask(value), limit)

    def summary(self, event: Mapping[str, Any], limit: int = 140) -> str:
        """The one-line summary of an event, masked before anything is clipped (a cut secret would not match)."""
        return one_line(summarize(self.masker.mask(dict(event))), limit)


def field_table(
    rows: list[tuple[Any, ...]],
    header: tuple[str, ...],
    show: Presenter,
    highlight: Callable[[tuple[Any, ...]], bool] | None = None,
) -> str:
    """An HTML table (class ``dlp``): a field name, then values; rows for which `highlight` is true are
    marked ``dl-changed``. Names and values are escaped; values are masked and clipped by `show`."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        marked = " class='dl-changed'" if highlight is not None and highlight(row) else ""
        cells = "".join(f"<td>{show.cell(v)}</td>" for v in row[1:])
        body.append(f"<tr{marked}><td><b>{esc(row[0])}</b></td>{cells}</tr>")
    return f"<table class='dlp'><tr>{head}</tr>{''.join(body)}</table>"


def _masked_rows(mapping: Mapping[str, Any], show: Presenter) -> list[tuple[str, Any]]:
    masked = show.masker.mask(dict(mapping))
    return list(masked.items())


def _note(text: str) -> str:
    return f"<div style='{_MUTED};font-size:12px;margin:4px 0'>{esc(text)}</div>"


def _title(text: str) -> str:
    return f"<div style='font-weight:600;margin:6px 0 2px 0'>{esc(text)}</div>"


def _pre(text: str) -> str:
    return f"<pre class='dlp-pre'>{esc(text)}</pre>"


def _readonly_text(rows: int = 8) -> w.Textarea:
    return w.Textarea(value="", disabled=True, rows=rows, layout=w.Layout(width="100%"))


def _folded(title: str, child: w.Widget) -> w.Accordion:
    acc = w.Accordion(children=[child], selected_index=None, layout=w.Layout(width="100%"))
    acc.set_title(0, title)
    return acc


class TimelinePanel:
    """Every event of the run, newest first, in a bounded window over the full list (with paging).

    Clicking a row calls `on_select(event_index)`.
    """

    def __init__(self, show: Presenter, on_select: Callable[[int], None], window: int = 200, rows: int = 14) -> None:
        self.show = show
        self.window = window
        self.offset = 0
        """How many of the newest events are skipped (0: follow the newest)."""
        self.on_select = on_select
        self.list = w.Select(options=[], rows=rows, layout=w.Layout(width="100%"))
        self.older = w.Button(description="◀ older", layout=w.Layout(width="auto"))
        self.newer = w.Button(description="newer ▶", layout=w.Layout(width="auto"))
        self.newest = w.Button(description="newest", layout=w.Layout(width="auto"))
        self.position = w.Label(value="")
        self.widget = w.VBox([w.HBox([self.older, self.newer, self.newest, self.position]), self.list])
        self._labels: dict[int, str] = {}
        self._mask_version = -1
        self._total = 0
        self._updating = False
        self._log: RunLog | None = None
        self.list.observe(self._picked, names="value")
        self.older.on_click(lambda _: self._page(+1))
        self.newer.on_click(lambda _: self._page(-1))
        self.newest.on_click(lambda _: self._page(None))

    def label(self, log: RunLog, index: int) -> str:
        """The row of event `index`: time since the run started, node, kind and a masked summary (cached)."""
        if index not in self._labels:
            event = log.events[index]
            elapsed = log.elapsed(event)
            when = f"{elapsed:7.3f}s" if elapsed is not None else "      ?"
            node = event.get("node") or event.get("source") or ""
            self._labels[index] = (
                f"{when}  {self.show.line(node, 24)}  {event.get('event')}  {self.show.summary(event)}"
            )
        return self._labels[index]

    def render(self, log: RunLog) -> None:
        """List the window of `log`'s events the user is paging through (the newest unless paged back)."""
        if self.show.masker.version != self._mask_version or log is not self._log:
            self._labels.clear()
            self._mask_version = self.show.masker.version
        if log is not self._log or len(log.events) < self._total:
            self.offset = 0
        self._log, self._total = log, len(log.events)
        total = self._total
        self.offset = max(0, min(self.offset, max(total - self.window, 0)))
        end = total - self.offset
        start = max(0, end - self.window)
        options = [(self.label(log, i), i) for i in range(end - 1, start - 1, -1)]
        self._updating = True
        try:
            previous = self.list.value
            self.list.options = options
            if previous is not None and start <= previous < end:
                self.list.value = previous
        finally:
            self._updating = False
        self.position.value = f"events {start + 1}–{end} of {total}" if total else "no events yet"
        self.older.disabled = start == 0
        self.newer.disabled = self.newest.disabled = self.offset == 0

    def _page(self, direction: int | None) -> None:
        self.offset = 0 if direction is None else self.offset + direction * self.window
        if self._log is not None:
            self.render(self._log)

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._updating and change["new"] is not None:
            self.on_select(int(change["new"]))


class NodeInspector:
    """One node visit: its inputs, the validated patch, the state before and after (changed keys highlighted)."""

    def __init__(self, show: Presenter, on_pick_visit: Callable[[int], None]) -> None:
        self.show = show
        self.on_pick_visit = on_pick_visit
        self.header = w.HTML()
        self.visits = w.Dropdown(options=[], description="visit", layout=w.Layout(width="auto"))
        self.body = w.HTML()
        self.full = _readonly_text(12)
        self.fold = _folded("Full values (inputs, patch, state) as text", self.full)
        self.widget = w.VBox([self.header, self.visits, self.body, self.fold])
        self._visit: NodeVisit | None = None
        self._updating = False
        self.visits.observe(self._picked, names="value")
        self.fold.observe(lambda _: self._fill_full(), names="selected_index")

    def render(self, log: RunLog, visit: NodeVisit | None, node: str | None = None) -> None:
        """Show `visit`; with none, say that `node` has not run (yet) at this point of the run."""
        self._visit = visit
        name = visit.node if visit is not None else node
        same_node = log.visits_of(name) if name is not None else []
        self._updating = True
        try:
            self.visits.options = [
                (f"{v.visit} of {len(same_node)} (step {v.step}, {v.status})", v.index) for v in same_node
            ]
            self.visits.value = visit.index if visit is not None else None
        finally:
            self._updating = False
        self.visits.layout.display = None if len(same_node) > 1 or (visit is None and same_node) else "none"
        if visit is None:
            if name is None:
                note = "Click a node in the graph or an event in the timeline."
            elif same_node:  # e.g. time travel to before the picked visit of a looping node
                note = f"This visit of node '{name}' has not started yet; its earlier visits are listed above."
            else:
                note = f"Node '{name}' has not run yet."
            self.header.value = _note(note)
            self.body.value = ""
            self._fill_full()
            return
        show = self.show
        facts = [
            f"<b>{esc(visit.node)}</b> <span style='{_MUTED}'>({esc(visit.kind)})</span>",
            f"visit {esc(visit.visit)}",
            f"step {esc(visit.step)}",
            esc(visit.status),
            esc(seconds(visit.duration)),
            f"{esc(visit.attempts if visit.attempts is not None else len(visit.failures) + 1)} attempt(s)",
        ]
        self.header.value = "<div style='margin:4px 0'>" + " · ".join(facts) + "</div>"
        parts = [_title("Inputs"), field_table(_masked_rows(visit.inputs, show), ("field", "value"), show)]
        if visit.patch is not None:
            parts += [_title("Patch (fields this node wrote)")]
            parts += [field_table(_masked_rows(visit.patch, show), ("field", "value"), show)] if visit.patch else [
                _note("The node wrote nothing.")
            ]
        elif visit.error is not None:
            parts += [_title("Failed"), _pre(show.masker.mask_text(visit.error))]
        else:
            parts += [_note(f"No patch yet ({visit.status}).")]
        after = visit.state_after
        changed = set(visit.changed_keys)
        keys = list(dict.fromkeys([*visit.state_before, *(after or {})]))
        before_m = show.masker.mask(visit.state_before)
        after_m = show.masker.mask(after) if after is not None else {}
        rows = [(k, before_m.get(k, "—"), after_m.get(k, "—") if after is not None else "…") for k in keys]
        parts += [
            _title("State before → after" + (f" (changed: {', '.join(sorted(changed))})" if changed else "")),
            field_table(rows, ("field", "before", "after"), show, highlight=lambda row: row[0] in changed),
        ]
        self.body.value = _STYLE + "".join(parts)
        self._fill_full()

    def _fill_full(self) -> None:
        if self.fold.selected_index is None:
            return  # filled when opened: big states are not serialized on every render
        v = self._visit
        if v is None:
            self.full.value = ""
            return
        self.full.value = self.show.text(
            {"inputs": v.inputs, "patch": v.patch, "state_before": v.state_before, "state_after": v.state_after}
        )

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._updating and change["new"] is not None:
            self.on_pick_visit(int(change["new"]))


class ValidationPanel:
    """Rejected answers: per attempt the failed fields, validator messages, offending values, raw output, feedback."""

    def __init__(self, show: Presenter, max_listed: int = 200) -> None:
        self.show = show
        self.max_listed = max_listed
        self.scope = w.Label()
        self.picker = w.Dropdown(options=[], description="attempt", layout=w.Layout(width="auto"))
        self.detail = w.HTML()
        self.raw_output = _readonly_text(6)
        self.feedback = _readonly_text(5)
        self.texts = w.VBox(
            [w.Label("Raw model output"), self.raw_output, w.Label("Feedback sent back to the model"), self.feedback]
        )
        self.widget = w.VBox([self.scope, self.picker, self.detail, self.texts])
        self._attempts: list[tuple[NodeVisit, Attempt]] = []
        self._pinned: tuple[int, int] | None = None
        """The attempt the user picked; None: follow the newest one."""
        self._run_id: str | None = None
        """The run the pick belongs to."""
        self._updating = False
        self.picker.observe(self._picked, names="value")

    def _picked(self, _: Any) -> None:
        if self._updating:
            return
        self._pinned = self._key()
        self._show_picked()

    def render(self, log: RunLog, visit: NodeVisit | None) -> None:
        """List the rejected answers of `visit` (else of the whole run) and show the picked one.

        The newest is shown until the user picks one; the pick holds for this run only.
        """
        if log.run_id is not None and log.run_id != self._run_id:  # another run: its attempts are not the pick's
            self._run_id, self._pinned = log.run_id, None
        if visit is not None and visit.failures:
            attempts = [(visit, a) for a in visit.failures]
            scope = f"{len(attempts)} rejected answer(s) of node '{visit.node}' (visit {visit.visit})"
        else:
            attempts = log.failures
            scope = f"{len(attempts)} rejected answer(s) in this run" if attempts else "No rejected answers in this run."
            if visit is not None and attempts:
                scope += f" (none for node '{visit.node}', visit {visit.visit})"
        shown = attempts[-self.max_listed :]
        if len(shown) < len(attempts):
            scope += f"; showing the last {len(shown)}"
        self.scope.value = scope
        key = self._pinned
        self._attempts = shown
        self._updating = True
        try:
            self.picker.options = [
                (
                    f"{v.node} · visit {v.visit} · attempt {a.attempt}/{a.max_attempts or '?'}"
                    f" · {', '.join(a.failed_fields) or 'unparseable'}",
                    i,
                )
                for i, (v, a) in enumerate(shown)
            ]
            keys = [(v.index, a.event_index) for v, a in shown]
            self.picker.value = keys.index(key) if key in keys else (len(shown) - 1 if shown else None)
        finally:
            self._updating = False
        visible = None if shown else "none"
        self.picker.layout.display = self.texts.layout.display = visible
        self._show_picked()

    def _key(self) -> tuple[int, int] | None:
        i = self.picker.value
        if i is None or i >= len(self._attempts):
            return None
        v, a = self._attempts[i]
        return v.index, a.event_index

    def _show_picked(self) -> None:
        i = self.picker.value
        if i is None or i >= len(self._attempts):
            self.detail.value = ""
            self.raw_output.value = self.feedback.value = ""
            return
        visit, a = self._attempts[i]
        show = self.show
        outcome = "retried with feedback" if a.will_retry else "no retry left: the node failed"
        parts = [
            f"<div style='margin:4px 0'><b>{esc(visit.node)}</b> · attempt {esc(a.attempt)} of {esc(a.max_attempts or '?')}"
            f" · {esc(outcome)}</div>",
            _title("Failed fields"),
            _pre(", ".join(a.failed_fields) or "(the answer could not be parsed)"),
            _title("Validator messages"),
            _pre(show.masker.mask_text(a.error)),
        ]
        offending = a.offending
        if offending:
            parts += [_title("Offending values"), field_table(_masked_rows(offending, show), ("field", "model's value"), show)]
        self.detail.value = _STYLE + "".join(parts)
        self.raw_output.value = show.masker.mask_text(a.raw_output) or "(not reported)"
        self.feedback.value = show.masker.mask_text(a.feedback) or "(none: no retry followed)"


class ResultPanel:
    """The run's output as a field table (typed by the output model when known)."""

    def __init__(self, show: Presenter, fields: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.show = show
        self.fields = dict(fields or {})
        """Output model field -> {"type": ..., "description": ...}; empty when unknown (a Prediction)."""
        self.body = w.HTML()
        self.full = _readonly_text(10)
        self.fold = _folded("Full output and final state as text", self.full)
        self.widget = w.VBox([self.body, self.fold])
        self._log: RunLog | None = None
        self.fold.observe(lambda _: self._fill_full(), names="selected_index")

    def render(self, log: RunLog) -> None:
        """The output of `log`'s run once it finished, else why there is none."""
        self._log = log
        finished = log.finished
        if finished is None:
            waiting = {
                "failed": "The run failed: see the Error tab.",
                "cancelled": "The run was cancelled before it finished.",
                "idle": "No run yet.",
            }.get(log.status, "The run has not finished yet.")
            self.body.value = _note(waiting)
            self._fill_full()
            return
        output = finished.get("output")
        show = self.show
        head = f"Finished: {esc(finished.get('steps'))} steps in {esc(seconds(finished.get('duration')))}"
        if isinstance(output, Mapping):
            names = list(dict.fromkeys([*self.fields, *output]))
            masked = show.masker.mask(dict(output))
            rows = [
                (n, self.fields.get(n, {}).get("type", ""), masked.get(n, "—"), self.fields.get(n, {}).get("description", ""))
                for n in names
            ]
            table = field_table(rows, ("field", "type", "value", "description"), show)
        else:
            table = _pre(show.text(output))
        self.body.value = f"{_STYLE}<div style='margin:4px 0'>{head}</div>{table}"
        self._fill_full()

    def _fill_full(self) -> None:
        if self.fold.selected_index is None:
            return
        finished = self._log.finished if self._log is not None else None
        self.full.value = "" if finished is None else self.show.text(
            {"output": finished.get("output"), "state": finished.get("state")}
        )


class ErrorPanel:
    """The run's failure: a short readable message; the full traceback folded away."""

    def __init__(self, show: Presenter, message_lines: int = 12) -> None:
        self.show = show
        self.message_lines = message_lines
        self.body = w.HTML()
        self.traceback = _readonly_text(14)
        self.fold = _folded("Full error and traceback", self.traceback)
        self.widget = w.VBox([self.body, self.fold])

    def render(self, log: RunLog) -> None:
        """`log`'s error, if it has one: type, node and the first lines; the whole traceback folded."""
        error = log.error
        if error is None:
            self.body.value = _note("The run was cancelled." if log.status == "cancelled" else "No error.")
            self.traceback.value = ""
            self.fold.layout.display = "none"
            return
        mask = self.show.masker.mask_text
        message = mask(str(error.get("error") or ""))
        lines = message.splitlines()
        short = "\n".join(lines[: self.message_lines]) + (
            f"\n… ({len(lines) - self.message_lines} more lines below)" if len(lines) > self.message_lines else ""
        )
        where = f" in node '{error['node']}'" if error.get("node") else ""
        self.body.value = (
            f"<div style='margin:4px 0;color:var(--jp-error-color1,#d32f2f)'><b>{esc(error.get('error_type') or 'Error')}</b>"
            f"{esc(where)}</div>{_STYLE}{_pre(short)}"
        )
        self.traceback.value = mask(f"{message}\n\n{error.get('traceback') or ''}".strip())
        self.fold.layout.display = None
