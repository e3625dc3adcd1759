"""Coalescing: do something at most once per interval however fast it is asked for.

Both views apply events to plain Python state at once and push it to the browser through
a `Throttle`, so a run emitting thousands of events a second costs a bounded number of
widget messages, and the last state always goes out (on a loop timer, or on `flush`).

The interval is counted from the END of the last call, and stretched so that calls take at
most `Throttle.budget` of the time: a slow call (a render on a loaded machine) is not followed
at once by the next, so the lab's share of the CPU stays bounded however slow a render gets
and however long a run lasts. A throttle that is not poked schedules nothing: an idle view
costs no timer work.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

__all__ = ["Throttle"]


class Throttle:
    """Calls `fn` at most once per `interval` seconds after the previous call ENDED, while poked; the trailing call
    runs on a loop timer."""

    def __init__(
        self, fn: Callable[[], None], interval: float, clock: Callable[[], float] = time.monotonic, *, budget: float = 0.05
    ) -> None:
        self.fn = fn
        """What to do (e.g. push the state to the browser)."""
        self.interval = interval
        """Seconds from the end of one call to the start of the next, at least."""
        self.clock = clock
        """The time source (tests replace it)."""
        self.budget = budget
        """The most of the time calls may take: after a call of d seconds the next waits at least d * (1 - budget) / budget."""
        self._last = -math.inf
        """When the last call ended."""
        self._gap = interval
        """Seconds from the end of the last call to the next one: `interval`, or more after a slow call."""
        self._timer: asyncio.TimerHandle | None = None
        self._calling = False
        self._again = False
        self.calls = 0
        """How many times `fn` was called (benchmarks and tests count renders with it)."""

    @property
    def pending(self) -> bool:
        """Whether a trailing call is scheduled."""
        return self._timer is not None

    def poke(self) -> None:
        """Ask for a call: now if the interval has passed since the last one ended, else once it has (when a loop runs).

        At most one trailing call is pending however often this is called. Without a running
        loop nothing can fire later: the next poke after the interval, or `flush`, makes the call.
        """
        if self._timer is not None:
            return
        if self._calling:  # asked from inside `fn`: once the interval after this call has passed
            self._again = True
            return
        wait = self._last + self._gap - self.clock()
        if wait <= 0:
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._timer = loop.call_later(wait, self._fire)

    def flush(self) -> None:
        """Call `fn` now, dropping any pending trailing call; the interval restarts when it returns."""
        self.cancel()
        self.calls += 1
        self._calling, self._again = True, False
        began = self.clock()
        try:
            self.fn()
        finally:
            self._calling = False
            self._last = self.clock()
            self._gap = max(self.interval, (self._last - began) * (1 - self.budget) / self.budget)
        if self._again:
            self.poke()

    def cancel(self) -> None:
        """Drop the pending trailing call, if any."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        self.flush()
