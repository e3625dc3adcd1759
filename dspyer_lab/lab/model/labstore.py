"""Where the lab's views write their runs: the lab's store for this process, and a view's own choice.

A view (`LabView`, a ``%%dspyer`` cell's, `BatchView`) takes ``store=``: None, the lab's store (`set_store`,
``%dspyer store PATH``; else `default_store`, which honours ``DSPYER_LAB_STORE`` and its ``off``); False, none;
a path (one `RunStore` per file in the process, shared by every view naming it) or a `RunStore`.

The runs a view starts go to its store through the core's recording hook, as every recorded run does: one
sink added once (`add_sink`) records a run when the context it starts in names a store (`recording_into`),
so a view's run reaches its store and every other sink (a `record_to` store, OpenTelemetry) alike, and runs
started anywhere else are left alone.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Union

from ...core.exceptions import StoreError
from ...core.recording import RunRecording, active_sink, add_sink
from .store import RunStore, default_store, shared_store

if TYPE_CHECKING:
    from ...core.engine import Run

__all__ = [
    "StoreChoice", "current_store", "recording_into", "set_store", "store_for", "view_store", "where",
]

StoreChoice = Union[RunStore, str, "os.PathLike[str]", bool, None]
"""A view's ``store=``: None the lab's store, False none, True the lab's store, a path or a `RunStore`."""

_chosen: tuple[RunStore | None] | None = None  # what `set_store` chose (a store, or (None,): off); None: the default
_lock = threading.Lock()




def set_store(store: StoreChoice) -> RunStore | None:
    """Make `store` the lab's store for this process (what ``%dspyer store`` sets); return it.

    A path or a `RunStore`: views made with ``store=None`` write there; False (or ``"off"``): they write
    nowhere; None (or True): back to `default_store` (``DSPYER_LAB_STORE``, else ``.dspyer/runs.sqlite``)."""
    global _chosen
    if store is None or store is True:
        _chosen = None
        return current_store()
    off = store is False or (isinstance(store, str) and store.strip().lower() == "off")
    _chosen = (None if off else _opened_from(store),)
    return _chosen[0]


def current_store() -> RunStore | None:
    """The lab's store now: the one `set_store` chose, else `default_store()` (None: runs are not stored)."""
    return default_store() if _chosen is None else _chosen[0]


def store_for(choice: StoreChoice) -> RunStore | None:
    """The store a view's ``store=`` choice writes to now (None: nowhere); a wrong kind of value is a `StoreError`."""
    if choice is None or choice is True:
        return current_store()
    if choice is False:
        return None
    return _opened_from(choice)


def view_store(choice: StoreChoice) -> tuple[RunStore | None, str]:
    """The store a view's next run writes to, and the view's note: where runs go, or why they are not stored.

    When the lab's store cannot be opened (a read-only folder), the view runs without it and its note says why;
    a store the view was given that cannot be opened is a `StoreError`."""
    try:
        store = store_for(choice)
    except StoreError as exc:
        if choice is not None and choice is not True:
            raise
        return None, f"runs not stored: {exc}"
    return store, f"runs stored in {where(store)}" if store is not None else ""


def _opened_from(choice: Any) -> RunStore:
    if isinstance(choice, RunStore):
        return choice
    if isinstance(choice, (str, os.PathLike)) and not isinstance(choice, bool):
        return shared_store(choice)
    raise StoreError(f"store={choice!r} must be a RunStore, a path, True, False or None")


def where(store: RunStore) -> str:
    """How the view names `store`'s file: relative to the working directory when it is under it."""
    path = os.path.realpath(store.path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith(os.pardir) else relative


_INTO: contextvars.ContextVar[tuple[RunStore, Any] | None] = contextvars.ContextVar("dspyer_lab_view_store", default=None)
_sink_added = False


@contextlib.contextmanager
def recording_into(store: RunStore | None, program: Any) -> Iterator[None]:
    """Runs of `program` that start in this context (and in tasks it starts) are recorded into `store` (None:
    nothing changes). A view wraps the start of its runs (``run.events()``) or of its batch in it."""
    global _sink_added
    if store is None:
        yield
        return
    if not _sink_added:
        with _lock:
            if not _sink_added:
                add_sink(_record)
                _sink_added = True
    token = _INTO.set((store, program))
    try:
        yield
    finally:
        _INTO.reset(token)


def _record(run: Run[Any]) -> RunRecording | None:
    """The added sink: `run`'s recording into the store its context names, when the core does not record it
    there already (the store is the `record_to` one, or the lab's, where a ``_record=True`` run goes)."""
    into = _INTO.get()
    if into is None or run.program is not into[1]:
        return None
    store, active = into[0], active_sink()
    if active is store or (active is None and run.options.record and store is current_store()):
        return None
    return store(run)
