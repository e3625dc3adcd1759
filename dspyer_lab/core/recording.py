"""The core's recording hook: where the events of a plain `program(...)` / `aforward` / `astream` call go.

The core never imports the lab. A sink (the lab's `RunStore`, or any callable) is handed each
recorded run as it starts and returns a `RunRecording` that receives the run's events in order,
then `close()` once the stream ended, however it ended (a run stopped early has no last event).

A run is recorded when it asks to (``_record=True``) or while a sink is active (`record_to`); with
``_record=True`` and no active sink it goes to the default sink, which the package registers
lazily (`set_default_sink`: the lab's default store), so importing the core never loads the lab.
Besides that one sink (a store), any number of others can watch every run (`add_sink`: OpenTelemetry's
live traces), so a run can go to a store and to a tracer at once; ``_record=False`` keeps a run out of the
store only (the user who added a sink asked for every run).
A run that is not recorded pays a few attribute tests when it starts, nothing per step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .engine import Run
    from .events import Event

__all__ = [
    "RunRecording",
    "RunSink",
    "active_sink",
    "add_sink",
    "program_name",
    "record_to",
    "recording_for",
    "remove_sink",
    "set_default_sink",
]


class RunRecording(Protocol):
    """What a sink returns for one run: its events as they come, then `close` once."""

    def event(self, event: Event) -> None: ...

    def close(self) -> None: ...


RunSink = Callable[["Run[Any]"], "RunRecording | None"]
"""Called when a recorded run starts; None: this sink does not record that run."""

_lock = threading.Lock()
_active: RunSink | None = None
_default: Callable[[], RunSink | None] | None = None
_watchers: tuple[RunSink, ...] = ()  # replaced whole, never changed in place: a starting run reads it once


def active_sink() -> RunSink | None:
    """The sink every run records to now (`record_to`), or None."""
    return _active


def watching() -> bool:
    """Whether any watcher (an OpenTelemetry instrumentation, ...) records every run now."""
    return bool(_watchers)


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


def add_sink(sink: RunSink) -> None:
    """Hand every run from now on to `sink` too (until `remove_sink`), whatever `record_to` or ``_record`` say:
    the sinks that watch every run (tracing), beside the one that stores it. Adding one twice does nothing."""
    global _watchers
    if not callable(sink):
        from .exceptions import OptionValueError

        raise OptionValueError("add_sink", sink, "a callable taking a run")
    with _lock:
        if sink not in _watchers:
            _watchers = (*_watchers, sink)


def remove_sink(sink: RunSink) -> None:
    """Stop handing runs to `sink` (added with `add_sink`; runs already started go on to it); absent: nothing."""
    global _watchers
    with _lock:
        _watchers = tuple(s for s in _watchers if s is not sink)


def recording_for(run: Run[Any], record: bool | None) -> RunRecording | None:
    """The recording of `run` as it starts: the stored one (``record`` False: none; None: the active sink's;
    True: that or the default's) and those of the sinks added with `add_sink` (several: one that feeds them all)."""
    sink, watchers = _active, _watchers
    if record is False:
        sink = None
    elif sink is None and record:
        sink = _default() if _default is not None else None
    if not watchers:
        return sink(run) if sink is not None else None
    recordings = [r for r in (s(run) for s in ((sink, *watchers) if sink is not None else watchers)) if r is not None]
    if len(recordings) < 2:
        return recordings[0] if recordings else None
    return _Together(recordings)


class _Together:
    """Several sinks' recordings of one run, fed the same events in order; one that fails does not keep the
    others from their events or their close (its error is raised after them)."""

    def __init__(self, recordings: list[RunRecording]) -> None:
        self.recordings = recordings

    def event(self, event: Event) -> None:
        self._each(lambda recording: recording.event(event))

    def close(self) -> None:
        self._each(lambda recording: recording.close())

    def _each(self, call: Callable[[RunRecording], None]) -> None:
        failure: BaseException | None = None
        for recording in self.recordings:
            try:
                call(recording)
            except BaseException as exc:
                failure = failure or exc
        if failure is not None:
            raise failure


def program_name(program: Any) -> str:
    """How a recorded run's program is named (stored runs are listed by it, a trace's run span says it): its
    ``name`` if it has one, else its output model's, else its entry node."""
    name = getattr(program, "name", None)
    if isinstance(name, str) and name:
        return name
    model = getattr(program, "output_model", None)
    return getattr(model, "__name__", None) or str(program.graph.entry_point)
