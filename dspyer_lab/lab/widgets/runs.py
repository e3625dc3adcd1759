"""RunsView: the runs browser, every stored run and batch as a paged, sortable, filterable table.

ONE anywidget (``_kind`` "runs" of the same ESM, js/src/ui/runs.js) over a `RunsPresenter`
(dspyer_lab.lab.model.presenter_runs), which reads one page at a time from a `RunStore`. Sorting,
filtering, paging, checking rows, deleting (with a confirm step) and the Runs | Batches toggle are custom
messages; the kernel sends only the page shown (``_panel``).

A click on a row opens that run below the table as a LabView draws it (replay slider, node tabs, Calls
tab; fork from any step when the view has the `program` that made it): its parts are synced into
``_open_picture``/``_open_panel`` and its clicks arrive tagged ``"to": "run"`` (see `OpenedRunView`).
Two checked rows open a comparison (``_compare``, clicks tagged ``"to": "compare"``).

The table follows the store while the view lives: every `POLL_SECONDS` (on the kernel's running event
loop, when it has one) one ``PRAGMA data_version`` says whether anything was written since (this kernel's
runs, another kernel's), and only then is the page read again. The Refresh button does it at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

import traitlets

from ...core.exceptions import StoreError
from ..model.presenter import LabPresenter
from ..model.presenter_compare import ComparePresenter
from ..model.presenter_runs import KEEP, RunsPresenter
from ..model.labstore import store_for
from ..model.store import RunStore, StoredBatch, StoredRun
from .opened import OpenedRunView
from .runtime import offer_runtime

__all__ = ["POLL_SECONDS", "RunsView"]

POLL_SECONDS = 2.0
"""How often a displayed RunsView asks the store whether it changed (one cheap PRAGMA)."""


class RunsView(OpenedRunView):
    """Browse the runs of a `RunStore`: `store` is a store, a path to one, or None for the lab's store
    (``%dspyer store``, else `default_store()`).

    `program`: the compiled program whose runs open forkable (same node names; forks are new runs, stored
    with their parent's id when the lab records runs), and the program filter the table starts with.
    `page_size`: rows per page. `models`: what an opened run's Calls tab may send a call again to (as a
    `LabView`'s ``models=``), with the DSPy settings in force where the view was made.
    A `StoreError` when the store is off (``DSPYER_LAB_STORE=off``) and none is given.
    """

    _panel = traitlets.Unicode("{}", help="JSON of RunsPresenter.render().panel: the table shown, checks, confirm").tag(
        sync=True)
    _open_layout = traitlets.Dict(help="the opened run's graph drawing (as a LabView's `_layout`)").tag(sync=True)
    _compare = traitlets.Unicode("", help="JSON of the comparison shown ('' if none)").tag(sync=True)

    _opened_tag = "run"
    presenter: RunsPresenter

    def __init__(
        self,
        store: RunStore | str | os.PathLike[str] | None = None,
        *,
        program: Any = None,
        page_size: int = 20,
        models: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        presenter = RunsPresenter(_store_of(store), program=program, page_size=page_size, models=models)
        super().__init__(_kind="runs", **kwargs)
        self.presenter = presenter
        """What the view shows and does, without the widget (render, handle, the opened run)."""
        self._layout_of_run: object = None
        self._poll: asyncio.TimerHandle | None = None
        presenter.on_change = self._presented
        self._presented(False)
        self._schedule_poll()

    # -- public API -----------------------------------------------------------------

    @property
    def store(self) -> RunStore:
        """The store the view reads."""
        return self.presenter.store

    @property
    def runs(self) -> list[StoredRun]:
        """The runs on the page shown."""
        return self.presenter.runs

    @property
    def total(self) -> int:
        """How many stored runs match the filters."""
        return self.presenter.total

    @property
    def batches(self) -> list[StoredBatch]:
        """The batches on the batches table's page shown, newest first (every one: `RunStore.batches()`)."""
        return self.presenter.batches

    @property
    def panel(self) -> dict[str, Any]:
        """What the browser shows: the table's page and query, the checked rows, the confirm step."""
        return json.loads(self._panel)

    @property
    def opened(self) -> str | None:
        """The id of the run shown below the table, if any."""
        return self.presenter.opened

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
        """Filter the runs table: ``program``, ``status``, ``node`` (runs that visited it), ``text`` (in the
        error, any case), ``since``/``until`` (epoch seconds, a datetime, or a date: an until date is included).
        A filter not named is kept; None clears it."""
        self.presenter.filter(program=program, status=status, node=node, text=text, since=since, until=until)

    def sort(self, key: str, *, descending: bool = True) -> None:
        """Sort the runs table by ``program``, ``started``, ``status``, ``duration``, ``total_tokens``, ``cost`` or ``error``."""
        self.presenter.sort(key, descending=descending)

    def page(self, n: int) -> None:
        """Show page `n` (from 0) of the table shown (runs or batches)."""
        self.presenter.page(n)

    def batch_page(self, n: int) -> None:
        """Show page `n` (from 0) of the opened batch's examples."""
        self.presenter.batch_page(n)

    def show(self, mode: str) -> None:
        """Show the ``"runs"`` or the ``"batches"`` table."""
        self.presenter.show(mode)

    def open_batch(self, batch_id: str | None) -> StoredBatch | None:
        """List a stored batch's examples (each row opens its run); None closes the list."""
        return self.presenter.open_batch(batch_id)

    def refresh(self) -> None:
        """Read the store again now (the view also does when it sees the store change)."""
        self.presenter.refresh()

    def open(self, run_id: str | None = None) -> LabPresenter[Any] | None:
        """Show stored run `run_id` below the table; the `LabPresenter` that shows it (``status``, ``events``,
        ``select``, ``seek``, ``fork`` with the view's `program`). (Without an id: ipywidgets' `Widget.open`.)"""
        if run_id is None:
            super().open()
            return None
        return self.presenter.open(run_id)

    def close_run(self) -> None:
        """Stop showing the opened run."""
        self.presenter.close_run()

    def delete(self, run_ids: str | Iterable[str]) -> None:
        """Delete stored runs (an unknown id: `UnknownRunError`, nothing deleted); the table updates."""
        self.presenter.delete(run_ids)

    def delete_batches(self, batch_ids: str | Iterable[str], *, runs: bool = False) -> None:
        """Delete stored batches, and their examples' runs too with `runs` (an unknown id: `StoreError`, nothing
        deleted); the table updates."""
        self.presenter.delete_batches(batch_ids, runs=runs)

    def compare(self, a: str, b: str) -> ComparePresenter:
        """Compare two stored runs, or two stored batches, inside the view; the presenter of the comparison."""
        return self.presenter.compare(a, b)

    def close(self) -> None:
        """Stop polling the store, stop a fork of the opened run, and close the widget."""
        if getattr(self, "_poll", None) is not None:
            self._poll.cancel()  # type: ignore[union-attr]
            self._poll = None
        presenter = getattr(self, "presenter", None)
        if presenter is not None:
            presenter.close()
        super().close()

    def __repr__(self) -> str:
        return f"RunsView({str(self.store.path)!r}, {self.presenter.total} runs)"

    # -- rendering and clicks ------------------------------------------------------------

    def _presented(self, ended: bool) -> None:
        shown = self.presenter.render()
        run = self.presenter.run if shown.run is not None else None
        with self.hold_sync():
            self._panel = json.dumps(shown.panel, ensure_ascii=False)
            if run is not None and run is not self._layout_of_run:  # once per opened run
                self._layout_of_run = run
                self._open_layout = self._layout_of(run.graph.drawing)
            self._show_opened(shown.run)
            self._compare = "" if shown.compare is None else json.dumps(shown.compare, ensure_ascii=False)

    def _schedule_poll(self) -> None:
        """Poll the store on the running loop (a kernel's); without one (a script, a test) the view does not poll."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._poll = loop.call_later(POLL_SECONDS, self._polled)

    def _polled(self) -> None:
        self._poll = None
        if self.comm is None:  # closed
            return
        self.presenter.poll()
        self._schedule_poll()

    # -- what shows where the widget cannot render ---------------------------------------

    def _outline(self) -> str:
        p = self.presenter
        return f"RunsView of {str(p.store.path)!r}: {p.total} runs" + (
            f" matching {', '.join(f'{k}={v!r}' for k, v in p.query.filters().items() if v is not None)}"
            if any(v is not None for v in p.query.filters().values()) else "")

    def _local_snapshot(self) -> str | None:
        return None  # a table has no graph picture

    def _ipython_display_(self) -> None:
        """The widget alone (its text outline where it cannot render): a table has no still picture to add."""
        from IPython.display import display

        bundle = self._repr_mimebundle_()
        if bundle is None:
            return
        display(bundle[0], metadata=bundle[1], raw=True)
        offer_runtime(self)


def _store_of(store: RunStore | str | os.PathLike[str] | None) -> RunStore:
    """The store a RunsView reads: the one given (a path: `shared_store`), else the lab's (`current_store`)."""
    if store is False or store is True:
        raise StoreError(f"RunsView(store={store!r}) takes a RunStore, a path to one, or None (the lab's store)")
    found = store_for(store)
    if found is None:
        raise StoreError("the run store is off (DSPYER_LAB_STORE=off or %dspyer store off): give RunsView a store or a path")
    return found
