"""Coalescing: do something at most once per interval however fast it is asked for.

Both views apply events to plain Python state at once and push it to the browser through
a `Throttle`, so a run emitting thousands of events a second costs a bounded number of
widget messages, and the last state always goes out (on a loop timer, or on `flush`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

__all__ = ["Throttle"]


class Throttle:
    """Calls `fn` at most once per `interval` seconds while poked; the trailing call runs on a loop timer."""

    def __init__(self, fn: Callable[[], None], interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.fn = fn
        """What to do (e.g. push the state to the browser)."""
        self.interval = interval
        """Seconds between two calls, at least."""
        self.clock = clock
        """The time source (tests replace it)."""
        self._last = -math.inf
        self._timer: asyncio.TimerHandle | None = None

    def poke(self) -> None:
        """Ask for a call: now if the interval has passed, else once it has (when a loop runs).

        Without a running loop nothing can fire later: the next poke after the interval,
        or `flush`, makes the call.
        """
        if self._timer is not None:
            return
        wait = self._last + self.interval - self.clock()
        if wait <= 0:
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._timer = loop.call_later(wait, self.flush)

    def flush(self) -> None:
        """Call `fn` now, dropping any pending trailing call."""
        self.cancel()
        self._last = self.clock()
        self.fn()

    def cancel(self) -> None:
        """Drop the pending trailing call, if any."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
