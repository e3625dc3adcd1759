"""The core's recording hook: where the events of a plain `program(...)` / `aforward` / `astream` call go.

The core never imports the lab. A sink (the lab's `RunStore`, or any callable) is handed each
recorded run as it starts and returns a `RunRecording` that receives the run's events in order,
then `close()` once the stream ended, however it ended (a run stopped early has no last event).

A run is recorded when it asks to (``_record=True``) or while a sink is active (`record_to`); with
``_record=True`` and no active sink it goes to the default sink, which the package registers
lazily (`set_default_sink`: the lab's default store), so importing the core never loads the lab.
A run that is not recorded pays one attribute test when it starts, nothing per step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .engine import Run
    from .events import Event

__all__ = ["RunRecording", "RunSink", "active_sink", "record_to", "recording_for", "set_default_sink"]


class RunRecording(Protocol):
    """What a sink returns for one run: its events as they come, then `close` once."""

    def event(self, event: Event) -> None: ...

    def close(self) -> None: ...


RunSink = Callable[["Run[Any]"], "RunRecording | None"]
"""Called when a recorded run starts; None: this sink does not record that run."""

_lock = threading.Lock()
_active: RunSink | None = None
_default: Callable[[], RunSink | None] | None = None


def active_sink() -> RunSink | None:
    """The sink every run records to now (`record_to`), or None."""
    return _active


def set_default_sink(factory: Callable[[], RunSink | None] | None) -> None:
    """Where ``_record=True`` goes when no sink is active: `factory()` is asked at each such run (None: nowhere)."""
    global _default
    _default = factory


class record_to:
    """Record every run to `sink` from now on (`record_to(None)`: stop); as a ``with`` block, only inside it.

    Process-wide (runs in worker threads and other event loops are recorded too); leaving the block
    restores the sink that was active before it.
    """

    def __init__(self, sink: RunSink | None) -> None:
        global _active
        if sink is not None and not callable(sink):
            from .exceptions import OptionValueError

            raise OptionValueError("record_to", sink, "a run store (or a callable taking a run) or None")
        with _lock:
            self._previous, _active = _active, sink

    def __enter__(self) -> record_to:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        global _active
        with _lock:
            _active = self._previous


def recording_for(run: Run[Any], record: bool | None) -> RunRecording | None:
    """The recording of `run` as it starts: ``record`` False: none; None: the active sink's; True: that or the default's."""
    if record is False:
        return None
    sink = _active
    if sink is None and record:
        sink = _default() if _default is not None else None
    return sink(run) if sink is not None else None
