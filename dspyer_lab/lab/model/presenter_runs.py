"""RunsPresenter: everything a RunsView does, without a widget: stored runs and batches as tables, one opened run.

The tables are read from a `RunStore` one page at a time (`RunStore.query` filters, sorts and counts in
SQL, so 10,000 runs cost what 20 do); a page is read once and kept until the query changes or the store
does (`refresh`, or `poll`: SQLite's ``data_version`` says cheaply whether any connection, this kernel's
writer or another kernel, committed since). The opened run is a `LabPresenter` of the stored run
(`show_saved`, as `LabView.load` shows a saved file), drawn inside the view; `handle` passes it the
messages tagged ``"to": "run"`` and tags its replies the same. With the `program` that made the run (same
nodes) it can fork from any step. Two checked rows (runs, or batches) open a `ComparePresenter` in the
view, whose messages are tagged ``"to": "compare"``.

What the store holds is masked already (secrets never reach it); it is sent as text, clipped.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ...core.exceptions import DspyerLabError, StoreError, UnknownRunError
from ...core.recording import program_name
from ..textview import DEFAULT_SECRET_PATTERNS, Masker, clip, one_line
from .presenter import LabPresenter, OnChange, Presenter, Rendered, check_same_nodes
from .presenter_compare import ComparePresenter
from .presenter_errors import ViewCommandError, ViewError
from .store import SORT_KEYS, STATUSES, RunPage, RunStore, StoredBatch, StoredRun

__all__ = ["BATCH_COLUMNS", "COLUMNS", "KEEP", "RunsPresenter", "RunsQuery", "RunsRendered"]

COLUMNS = ("program", "started", "status", "duration", "total_tokens", "cost", "error")
"""The runs table's columns, in order (each is also a `RunStore.query` sort key)."""
BATCH_COLUMNS = ("program", "started", "status", "examples", "scores")
"""The batches table's columns."""
ERROR_CLIP = 120
"""Characters of a run's error text shown in its row (the whole text is its title)."""
FILTERS = ("program", "status", "node", "text", "since", "until")
"""What the runs table filters by (`RunStore.query`'s filters)."""

KEEP: Any = object()
"""`filter`'s default: leave that filter as it is."""


@dataclass(frozen=True)
class RunsQuery:
    """Which runs the table shows: the filters of `RunStore.query`, a sort and one page."""

    program: str | None = None
    status: str | None = None
    node: str | None = None
    text: str | None = None
    since: float | None = None
    until: float | None = None
    sort: str = "started"
    descending: bool = True
    page: int = 0

    def filters(self) -> dict[str, Any]:
        """The filters as `RunStore.query`'s keyword arguments."""
        return {name: getattr(self, name) for name in FILTERS}


@dataclass(frozen=True)
class RunsRendered:
    """What a RunsView shows, as JSON-ready parts."""

    panel: dict[str, Any]
    """The mode, the table's page and query, the checked rows, the opened batch, the confirm step."""
    run: Rendered | None
    """The opened run's picture and panel parts (None when none is opened)."""
    compare: dict[str, Any] | None
    """The comparison's JSON with its picture and layout (`ComparePresenter.render_embedded`), when two rows are
    compared."""


class RunsPresenter(Presenter):
    """Browse, open, fork from, compare and delete the runs of a `RunStore`; see `RunsView`.

    `program`: the compiled program whose runs open forkable (same node names), and the program filter
    the table starts with. `secret_patterns`: what forks from an opened run mask (stored runs are masked).
    """

    def __init__(
        self,
        store: RunStore,
        *,
        program: Any = None,
        page_size: int = 20,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        models: Mapping[str, Any] | None = None,
        on_change: OnChange | None = None,
    ) -> None:
        if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
            raise ViewCommandError(f"page_size={page_size!r} must be an integer >= 1")
        super().__init__(on_change, 10.0)
        self.store = store
        """Where the runs are read from (and deleted)."""
        self.program = program
        """The compiled program opened runs fork with (None: opened runs only replay)."""
        self.masker = Masker(secret_patterns)
        """Masks what a fork from an opened run shows (shared by every opened run)."""
        self.page_size = page_size
        self._models = models
        self._context = contextvars.copy_context()  # the DSPy settings an opened run's clicks (fork, Send) use
        self._query = RunsQuery(program=program_name(program) if program is not None else None)
        self._mode = "runs"
        self._batches_page = 0  # the batches table's page
        self._batch_page = 0  # the opened batch's examples' page
        self._opened_batch: str | None = None
        self._checked: list[str] = []
        self._confirm: list[str] | None = None
        self._notice: str | None = None
        self._page: RunPage | None = None
        self._batches: tuple[list[StoredBatch], int] | None = None  # the batches table's page and the count
        self._programs: list[str] | None = None
        self.opened: str | None = None
        """The id of the run shown below the table (`open`), if any."""
        self.run: LabPresenter[Any] | None = None
        """What shows the opened run (a `LabView` without the widget), made anew at each `open`."""
        self.comparison: ComparePresenter | None = None
        """The `ComparePresenter` of the two rows compared (`compare`), if any."""
        self._watch: sqlite3.Connection | None = None
        self._version: int | None = None
        self._version = self._data_version()  # what `poll` compares with: the first page is read after it

    # -- the table ----------------------------------------------------------------------

    @property
    def query(self) -> RunsQuery:
        """The filters, sort and page the runs table shows (a page past the end, after deletes, is the last one)."""
        self._current()
        return self._query

    @property
    def mode(self) -> str:
        """Which table is shown: ``"runs"`` or ``"batches"``."""
        return self._mode

    @property
    def runs(self) -> list[StoredRun]:
        """The runs on the page shown."""
        return list(self._current().runs)

    @property
    def total(self) -> int:
        """How many stored runs match the filters (on every page)."""
        return self._current().total

    @property
    def checked(self) -> list[str]:
        """The ids of the rows checked (runs, or batches in the batches table), in the order they were checked."""
        return list(self._checked)

    def filter(
        self,
        *,
        program: str | None = KEEP,
        status: str | None = KEEP,
        node: str | None = KEEP,
        text: str | None = KEEP,
        since: float | dt.date | None = KEEP,
        until: float | dt.date | None = KEEP,
    ) -> None:
        """Filter the runs table (first page); a filter not named is kept, None clears it. `since`/`until`: epoch
        seconds, a `datetime`, or a `date` (`until` a date: that whole day included)."""
        given = {"program": program, "status": status, "node": node, "text": text,
                 "since": _epoch(since, "since"), "until": _epoch(until, "until")}
        changes = {name: value for name, value in given.items() if value is not KEEP}
        for name in ("program", "status", "node", "text"):
            value = changes.get(name)
            if value is not None and not isinstance(value, str):
                raise ViewCommandError(f"filter {name}={value!r} must be a string or None")
        if changes.get("status") is not None and changes["status"] not in STATUSES:
            raise ViewCommandError(f"status {changes['status']!r} is not a run status (one of {', '.join(STATUSES)})")
        self._set_query(replace(self._query, **changes, page=0))

    def sort(self, key: str, *, descending: bool = True) -> None:
        """Sort the runs table by `key` (one of `COLUMNS`), from the first page."""
        if key not in SORT_KEYS:
            raise ViewCommandError(f"cannot sort by {key!r}: the columns are {', '.join(SORT_KEYS)}")
        self._set_query(replace(self._query, sort=key, descending=bool(descending), page=0))

    def page(self, n: int) -> None:
        """Show page `n` (from 0) of the table shown: runs, or batches (a page past the end is the last one)."""
        _check_page(n)
        if self._mode == "batches":
            self._batches_page, self._batches = n, None
            self._changed()
        else:
            self._set_query(replace(self._query, page=n))

    def batch_page(self, n: int) -> None:
        """Show page `n` (from 0) of the opened batch's examples."""
        _check_page(n)
        self._batch_page = n
        self._changed()

    def show(self, mode: str) -> None:
        """Show the ``"runs"`` or the ``"batches"`` table (the checked rows are unchecked)."""
        if mode not in ("runs", "batches"):
            raise ViewCommandError(f"mode {mode!r} must be 'runs' or 'batches'")
        if mode != self._mode:
            self._mode, self._checked, self._confirm, self._batch_page = mode, [], None, 0
        self._changed()

    def refresh(self) -> None:
        """Read the store again (runs written since by this kernel or another one)."""
        self._page = self._batches = self._programs = None
        self._changed()

    def poll(self) -> bool:
        """Refresh if any connection to the store committed since the presenter was made or last polled; True if so.

        Costs one ``PRAGMA data_version`` on a connection of its own (which sees every other one's commits)."""
        version = self._data_version()
        changed = version != self._version
        self._version = version
        if changed:
            self.refresh()
        return changed

    def _data_version(self) -> int | None:
        try:
            if self._watch is None:
                self._watch = sqlite3.connect(f"file:{self.store.path}?mode=ro", uri=True, check_same_thread=False)
            (version,) = self._watch.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return self._version  # unreadable now: nothing to say
        return int(version)

    def check(self, row_id: str, checked: bool = True) -> None:
        """Check (or uncheck) a row of the table shown, for Delete or Compare."""
        if checked and row_id not in self._checked:
            self._checked.append(row_id)
        elif not checked and row_id in self._checked:
            self._checked.remove(row_id)
        self._confirm = None
        self._changed()

    def delete(self, run_ids: str | Iterable[str]) -> None:
        """Delete runs from the store (`UnknownRunError`: an id it does not hold, and nothing is deleted)."""
        ids = [run_ids] if isinstance(run_ids, str) else list(run_ids)
        self.store.delete(ids)
        if self.opened in ids:
            self.close_run()
        self._checked = [i for i in self._checked if i not in ids]
        self._confirm = None
        self._notice = f"deleted {_count(len(ids), 'run', 'runs')}"
        self.refresh()

    # -- batches --------------------------------------------------------------------------

    @property
    def batches(self) -> list[StoredBatch]:
        """The batches on the batches table's page shown, newest first."""
        return list(self._batch_table()[0])

    @property
    def batch_total(self) -> int:
        """How many batches are stored."""
        return self._batch_table()[1]

    def delete_batches(self, batch_ids: str | Iterable[str], *, runs: bool = False) -> None:
        """Delete stored batches, with their examples' runs if `runs` (`StoreError`: an id the store does not hold,
        and nothing is deleted)."""
        ids = [batch_ids] if isinstance(batch_ids, str) else list(batch_ids)
        deleted = self.store.delete_batches(ids, runs=runs)
        if self._opened_batch in ids:
            self._opened_batch = None
        if self.opened in deleted:
            self.close_run()
        self._checked = [i for i in self._checked if i not in ids]
        self._confirm = None
        self._notice = f"deleted {_count(len(ids), 'batch', 'batches')}" + (
            f" and {_count(len(deleted), 'run', 'runs')}" if runs else "")
        self.refresh()

    def open_batch(self, batch_id: str | None) -> StoredBatch | None:
        """List batch `batch_id`'s examples (rows that open their runs) under the batches table; None: close it."""
        self._mode, self._batch_page = "batches", 0
        if batch_id is None:
            self._opened_batch = None
            self._changed()
            return None
        batch = self._batch(batch_id)
        self._opened_batch = batch_id
        self._changed()
        return batch

    # -- the opened run -------------------------------------------------------------------

    def open(self, run_id: str) -> LabPresenter[Any]:
        """Show stored run `run_id` below the table; the `LabPresenter` that shows it (`UnknownRunError`: no such run).

        It replays (slider, node tabs, Calls tab); with `program` of the same nodes it also forks from any step."""
        if self.run is not None and self.run.running:
            raise ViewError("A fork of the opened run is running: stop it (or let it end) before opening another run")
        saved = self.store.load(run_id)
        runnable = self.program is not None and _same_nodes(self.program, saved.graph)
        presenter: LabPresenter[Any] = LabPresenter(
            self.program if runnable else saved.graph, masker=self.masker, store=self.store,  # forks stored beside it
            models=self._models)
        presenter.use_context(self._context)
        presenter.show_saved(saved, runnable=runnable)
        failed = presenter.run_log.failed_visit
        if failed is not None:  # the failure is what a failed run is opened for
            presenter.select(visit=failed.index)
        old, self.run, self.opened = self.run, presenter, run_id
        if old is not None:
            old.close()
        presenter.on_change = self._run_changed
        self._changed()
        return presenter

    def close_run(self) -> None:
        """Stop showing the opened run (a fork in progress goes on; its run is stored)."""
        self.opened = None
        self._changed()

    # -- comparing --------------------------------------------------------------------------

    def compare(self, a: str, b: str) -> ComparePresenter:
        """Compare two stored runs, or two stored batches, inside the view; the `ComparePresenter` showing them."""
        comparison = ComparePresenter(a, b, store=self.store, program=self.program)
        if self.comparison is not None:
            self.comparison.on_change = None
        self.comparison = comparison
        comparison.on_change = self._compare_changed
        self._changed()
        return comparison

    def close_compare(self) -> None:
        """Stop showing the comparison."""
        self.comparison = None
        self._changed()

    # -- what it shows ----------------------------------------------------------------------

    def render(self) -> RunsRendered:
        """The table shown (one page), the opened run's parts and the comparison."""
        panel: dict[str, Any] = {
            "mode": self._mode,
            "store": str(self.store.path),
            "checked": list(self._checked),
            "confirm": None if self._confirm is None else self._confirm_json(self._confirm),
            "notice": self._notice,
            "can_compare": len(self._checked) == 2,
            "can_delete": bool(self._checked),
            "opened": self.opened,
            "forkable": self.run is not None and self.run.program is not None,
            "compared": self.comparison is not None,
        }
        panel["runs" if self._mode == "runs" else "batches"] = (
            self._runs_json() if self._mode == "runs" else self._batches_json())
        return RunsRendered(
            panel=panel,
            run=self.run.render() if self.run is not None and self.opened is not None else None,
            compare=self.comparison.render_embedded() if self.comparison is not None else None,
        )

    def _confirm_json(self, ids: list[str]) -> dict[str, Any]:
        """The delete confirm step: for batches, also how many of their runs a "with their runs" delete removes."""
        if self._mode == "runs":
            return {"ids": ids, "text": f"Delete {_count(len(ids), 'run', 'runs')} from the store?"}
        runs = sum(1 for batch_id in ids for _, run_id, _ in self._batch(batch_id).examples if run_id is not None)
        return {"ids": ids, "runs": runs,
                "text": f"Delete {_count(len(ids), 'batch', 'batches')} from the store? Their runs stay in the runs "
                        "table unless deleted with them."}

    def _runs_json(self) -> dict[str, Any]:
        page = self._current()
        q = self._query
        first = q.page * self.page_size
        if self._programs is None:
            self._programs = self.store.programs()
        return {
            "columns": list(COLUMNS),
            "rows": [_run_row(run) for run in page.runs],
            "total": page.total,
            "pages": max(1, -(-page.total // self.page_size)),
            "position": _position(first, len(page.runs), page.total, "runs"),
            "query": {
                **{name: getattr(q, name) for name in ("program", "status", "node", "text")},
                "since": _day(q.since), "until": _day(q.until, end=True),
                "sort": q.sort, "descending": q.descending, "page": q.page,
            },
            "programs": list(self._programs),
            "statuses": list(STATUSES),
        }

    def _batches_json(self) -> dict[str, Any]:
        batches, total = self._batch_table()
        first = self._batches_page * self.page_size
        table: dict[str, Any] = {
            "columns": list(BATCH_COLUMNS),
            "rows": [_batch_row(b) for b in batches],
            "total": total,
            "page": self._batches_page,
            "pages": max(1, -(-total // self.page_size)),
            "position": _position(first, len(batches), total, "batches"),
            "opened": None,
        }
        batch = None
        if self._opened_batch is not None:
            try:
                batch = self._batch(self._opened_batch)
            except StoreError:  # deleted meanwhile (by another kernel)
                self._opened_batch = None
        if batch is not None:
            size, total = self.page_size, len(batch.examples)
            page = min(self._batch_page, max(0, -(-total // size) - 1))
            shown = batch.examples[page * size:(page + 1) * size]
            table["opened"] = {
                "batch_id": batch.batch_id,
                "title": f"{batch.program or 'batch'} · {_when(batch.started)}",
                "rows": [{"index": i, "run_id": run_id, "score": _number(score), "status": self._status_of(run_id)}
                         for i, run_id, score in shown],
                "page": page,
                "pages": max(1, -(-total // size)),
                "position": _position(page * size, len(shown), total, "examples"),
            }
        return table

    # -- clicks -------------------------------------------------------------------------------

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        """Do what a browser message asks; the reply to send back, if any (the opened run's tagged ``"to": "run"``).

        A click that fails (a row deleted meanwhile, two batches over different datasets) says why in the notice
        line instead of raising: it has no caller to raise to."""
        to = message.get("to")
        if to == "run":
            if self.run is None or self.opened is None:
                return None
            reply = self.run.handle(message)
            return None if reply is None else {**reply, "to": "run"}
        if to == "compare":
            if self.comparison is None:
                return None
            reply = self.comparison.handle(message)
            return None if reply is None else {**reply, "to": "compare"}
        kind = message.get("type")
        self._notice = None
        try:
            self._clicked(kind, message)
        except DspyerLabError as exc:  # e.g. two batches over different datasets: said where the user looks
            self._notice = str(exc)
            self._changed()
        return None

    def _clicked(self, kind: Any, message: Mapping[str, Any]) -> None:
        if kind == "table":
            self._set_query(_query_changed(self._query, message))
        elif kind == "mode" and message.get("mode") in ("runs", "batches"):
            self.show(str(message["mode"]))
        elif kind == "refresh":
            self._notice = None
            self.refresh()
        elif kind == "check" and isinstance(message.get("id"), str):
            self.check(message["id"], bool(message.get("checked", True)))
        elif kind == "open" and isinstance(message.get("run_id"), str):
            self.open(message["run_id"])
        elif kind == "close-run":
            self.close_run()
        elif kind == "open-batch":
            batch_id = message.get("batch_id")
            self.open_batch(batch_id if isinstance(batch_id, str) else None)
        elif kind == "batch-page" and isinstance(message.get("page"), int):
            self.batch_page(message["page"])
        elif kind == "batches-page" and isinstance(message.get("page"), int):
            self.page(message["page"])
        elif kind == "delete" and self._checked:
            self._confirm = list(self._checked)  # the confirm step: nothing is deleted yet
            self._changed()
        elif kind == "delete-confirm" and self._confirm:
            if self._mode == "batches":
                self.delete_batches(self._confirm, runs=bool(message.get("runs")))
            else:
                self.delete(self._confirm)
        elif kind == "delete-cancel":
            self._confirm = None
            self._changed()
        elif kind == "compare" and len(self._checked) == 2:
            self.compare(*self._checked)
        elif kind == "close-compare":
            self.close_compare()

    def close(self) -> None:
        """Stop the opened run's fork, if one runs, and let go of the store's watch connection."""
        if self.run is not None:
            self.run.close()
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    # -- inside -------------------------------------------------------------------------------

    def _set_query(self, query: RunsQuery) -> None:
        if query != self._query:
            self._query, self._page = query, None
            self._checked, self._confirm = [], None
        self._changed()

    def _current(self) -> RunPage:
        """The page shown, read once per query (a page past the end, after deletes, becomes the last one)."""
        if self._page is None:
            q, size = self._query, self.page_size
            page = self.store.query(**q.filters(), sort=q.sort, descending=q.descending, offset=q.page * size, limit=size)
            last = max(0, -(-page.total // size) - 1)
            if q.page > last:
                self._query = replace(q, page=last)
                page = self.store.query(**q.filters(), sort=q.sort, descending=q.descending, offset=last * size, limit=size)
            self._page = page
        return self._page

    def _batch(self, batch_id: str) -> StoredBatch:
        return self.store.batch(batch_id)

    def _batch_table(self) -> tuple[list[StoredBatch], int]:
        """The batches table's page and the count, read once per page (a page past the end becomes the last one)."""
        if self._batches is None:
            total = self.store.batch_count()
            self._batches_page = min(self._batches_page, max(0, -(-total // self.page_size) - 1))
            rows = self.store.batches(limit=self.page_size, offset=self._batches_page * self.page_size)
            self._batches = (rows, total)
        return self._batches

    def _status_of(self, run_id: str | None) -> str:
        if run_id is None:
            return "not run"
        try:
            return self.store.run(run_id).status
        except UnknownRunError:
            return "deleted"

    def _run_changed(self, ended: bool) -> None:
        if ended:  # a fork ended: it is in the store now
            self._page = self._programs = None
        if self.opened is not None:
            self._changed()

    def _compare_changed(self, ended: bool) -> None:
        self._changed()


def _same_nodes(program: Any, graph: Any) -> bool:
    try:
        check_same_nodes(program, graph)
    except ViewError:
        return False
    return True


def _query_changed(query: RunsQuery, message: Mapping[str, Any]) -> RunsQuery:
    """`query` with what a browser message asks for (ill-typed values ignored; "" clears a filter; dates as
    ``YYYY-MM-DD``, the until date included); a new filter or sort goes back to the first page."""
    changes: dict[str, Any] = {}
    for name in ("program", "status", "node", "text"):
        value = message.get(name)
        if isinstance(value, str) and (name != "status" or value in STATUSES or not value):
            changes[name] = value or None
    for name in ("since", "until"):
        value = message.get(name)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                changes[name] = _epoch(dt.date.fromisoformat(value), name) if value else None
    new = replace(query, **changes)
    if isinstance(message.get("sort"), str) and message["sort"] in SORT_KEYS:
        new = replace(new, sort=str(message["sort"]))
    if isinstance(message.get("descending"), bool):
        new = replace(new, descending=message["descending"])
    if new != query:
        new = replace(new, page=0)
    page = message.get("page")
    if isinstance(page, int) and not isinstance(page, bool) and page >= 0:
        new = replace(new, page=page)
    return new


def _epoch(when: Any, name: str) -> Any:
    """A filter's time as epoch seconds: a `date` is its local midnight (`until`: the next one, the day included)."""
    if when is KEEP or when is None:
        return when
    if isinstance(when, dt.datetime):
        return when.timestamp()
    if isinstance(when, dt.date):
        day = when + dt.timedelta(days=1) if name == "until" else when
        return time.mktime(day.timetuple())
    if isinstance(when, (int, float)) and not isinstance(when, bool):
        return float(when)
    raise ViewCommandError(f"filter {name}={when!r} must be epoch seconds, a datetime, a date or None")


def _day(when: float | None, *, end: bool = False) -> str:
    """A time filter as the ``YYYY-MM-DD`` a date input shows (`end`: the day before an exclusive midnight)."""
    if when is None:
        return ""
    return dt.date.fromtimestamp(when - (1 if end else 0)).isoformat()


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


def _position(first: int, shown: int, total: int, nouns: str) -> str:
    if not total:
        return f"no {nouns}"
    return f"rows {first + 1}-{first + shown} of {total}" if shown else f"no rows here ({total} {nouns})"


def _run_row(run: StoredRun) -> dict[str, Any]:
    """One row of the runs table: every cell as text (the store's values are masked already)."""
    error = run.error or ""
    return {
        "run_id": run.run_id,
        "parent": run.parent_run_id,
        "program": run.program or "",
        "started": _when(run.started),
        "status": run.status,
        "duration": _duration(run.duration),
        "total_tokens": f"{run.total_tokens:,}" if run.total_tokens else "",
        "cost": "" if run.cost is None else f"${run.cost:.4f}",
        "error": one_line(error, ERROR_CLIP),
        "error_full": error,
        "error_node": run.error_node,
    }


def _check_page(n: Any) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ViewCommandError(f"page {n!r} must be an integer >= 0")


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _batch_row(batch: StoredBatch) -> dict[str, Any]:
    return {
        "batch_id": batch.batch_id,
        "program": batch.program or "",
        "started": _when(batch.started),
        "status": batch.status,
        "examples": str(len(batch.examples)),
        "scores": _scores_text(batch.scores),
    }


def _scores_text(scores: Any) -> str:
    """A batch's scores summary in one line (``mean 0.7 · n 40``), whatever shape its writer gave."""
    if scores is None:
        return ""
    if isinstance(scores, Mapping):
        return " · ".join(f"{k} {_number(v) if isinstance(v, float) else v}" for k, v in scores.items())
    return clip(str(scores), ERROR_CLIP)

