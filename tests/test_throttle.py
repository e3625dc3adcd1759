"""`Throttle`: renders spaced from the end of the last one, at most one pending, nothing scheduled while idle."""

from __future__ import annotations

import asyncio

from dspyer_lab.lab.throttle import Throttle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_interval_counts_from_the_end_of_a_slow_call() -> None:
    """A render slower than the interval is not followed at once by the next (no back-to-back renders under load)."""
    clock = FakeClock()
    calls: list[float] = []

    def slow_render() -> None:
        calls.append(clock.now)
        clock.now += 1.0  # the render itself takes 1 s

    throttle = Throttle(slow_render, 0.1, clock=clock, budget=1.0)  # no stretching: the interval alone
    throttle.poke()  # the first poke renders at once
    assert calls == [100.0]
    clock.now = 101.05  # 1.05 s after it began, 0.05 s after it ended
    throttle.poke()
    assert calls == [100.0]
    clock.now = 101.1
    throttle.poke()
    assert calls == [100.0, 101.1]


def test_a_poke_inside_the_call_waits_for_the_interval_after_it() -> None:
    clock = FakeClock()
    calls = []

    def render() -> None:
        calls.append(clock.now)
        if len(calls) == 1:
            throttle.poke()  # e.g. a render that makes the view change again

    throttle = Throttle(render, 0.1, clock=clock)
    throttle.flush()
    assert calls == [100.0]  # not called again from inside itself
    clock.now += 0.1
    throttle.poke()
    assert calls == [100.0, 100.1]


async def test_an_idle_throttle_schedules_nothing() -> None:
    """No timer while nothing changes: a poke after the interval calls at once, a render leaves nothing armed."""
    clock = FakeClock()
    throttle = Throttle(lambda: None, 0.1, clock=clock)
    assert not throttle.pending
    throttle.poke()
    assert throttle.calls == 1 and not throttle.pending
    clock.now += 5.0  # a long idle stretch: still nothing scheduled, and the next change is shown at once
    assert not throttle.pending
    throttle.poke()
    assert throttle.calls == 2 and not throttle.pending


async def test_pokes_within_the_interval_make_one_trailing_call_after_the_last_ended() -> None:
    clock = FakeClock()
    done = asyncio.Event()
    calls: list[float] = []

    def render() -> None:
        calls.append(clock.now)
        if len(calls) == 2:
            done.set()

    throttle = Throttle(render, 0.001, clock=clock)  # the fake clock stands still: the trailing call waits 1 ms
    throttle.flush()
    for _ in range(100):
        throttle.poke()
    assert throttle.pending and calls == [100.0]
    await done.wait()
    assert calls == [100.0, 100.0] and not throttle.pending and throttle.calls == 2


def test_slow_calls_take_at_most_the_budget_of_the_time() -> None:
    """However slow a render gets (a loaded machine, a big panel), the lab renders at most `budget` of the time."""
    clock = FakeClock()
    took = [0.01]
    calls: list[float] = []

    def render() -> None:
        calls.append(clock.now)
        clock.now += took[0]

    throttle = Throttle(render, 0.1, clock=clock, budget=0.1)
    throttle.poke()
    clock.now = calls[-1] + 0.01 + 0.1  # a fast render: the plain interval after it
    throttle.poke()
    assert len(calls) == 2
    took[0] = 1.0  # now renders take 1 s: the next waits 9 s after this one ended
    clock.now += 0.1
    throttle.poke()
    assert len(calls) == 3
    clock.now = calls[-1] + 1.0 + 8.9
    throttle.poke()
    assert len(calls) == 3
    clock.now = calls[-1] + 1.0 + 9.0
    throttle.poke()
    assert len(calls) == 4
