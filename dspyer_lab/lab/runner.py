"""Running a coroutine from a notebook cell: to completion while widgets keep updating, or in the background.

A Jupyter kernel executes cells from inside its own running asyncio loop, so a cell
cannot `asyncio.run(...)`. `run_blocking` re-enters the kernel's loop (nest-asyncio2) and
drives the coroutine there: the cell blocks, so "Run All" stays in order, while the run's
widget updates go out live and everything else on that loop (background runs started
earlier, the views' refresh timers) keeps going; a worker thread with a loop of its own
would split the widgets' work across two loops. `run_background` schedules the coroutine
as a task on the kernel's loop and returns at once.

The interrupt button raises `KeyboardInterrupt` in the kernel's main thread; `run_blocking`
then cancels the run, lets it unwind (so views can mark it cancelled) and re-raises.

ipykernel >= 7 handles every shell message (cells queued by "Run All", widget clicks) in
one shared `contextvars.Context`, which the blocked cell has entered. The original
nest-asyncio runs those handlers anyway, they fail ("cannot enter context") and the
messages are lost: the queued cells never run. nest-asyncio2 defers them until the
blocking run returns, so they run in order afterwards. The price: a widget click (the
Stop button) waits for the blocking run too; the interrupt button, or a `--background`
run, is how to stop one early. A notebook's `%%dspyer` cell therefore does not block: it
awaits its run (`magics.awaiting_cells`), and ipykernel handles clicks meanwhile; this
module serves synchronous callers (`shell.run_cell_magic`, `view.run_blocking(...)`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

from ..core.exceptions import EventLoopError

__all__ = ["blocking", "clicks_wait", "run_background", "run_blocking"]

T = TypeVar("T")

_BACKGROUND: set[asyncio.Task[Any]] = set()
"""Strong references to background runs: the loop itself only keeps weak ones."""
_BLOCKING = [0]
"""How many `run_blocking` calls are driving a run right now (nested calls count each)."""


def blocking() -> bool:
    """Whether a run blocks its cell right now (`run_blocking`): widget clicks wait until it ends."""
    return _BLOCKING[0] > 0


@contextlib.contextmanager
def clicks_wait() -> Iterator[None]:
    """Runs started inside count as blocking their cell (`blocking()`), so their views say that clicks wait:
    for a cell that awaits its run on a kernel that handles widget messages only between cells."""
    _BLOCKING[0] += 1
    try:
        yield
    finally:
        _BLOCKING[0] -= 1


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def run_blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion and return its result, from sync code, inside a running loop or not.

    Inside a running loop (a Jupyter cell) the loop is made re-entrant and driven until
    the coroutine is done: other tasks on it go on, and outgoing widget updates reach the
    browser live, but incoming messages (a widget click such as the Stop button, queued
    cells) wait until it returns (see the module docstring). The coroutine runs in a copy
    of the caller's context (`dspy.context(...)` applies).
    On `KeyboardInterrupt` the run is cancelled and awaited, then the interrupt is re-raised.
    """
    loop = _running_loop()
    if loop is None:
        loop = asyncio.new_event_loop()
        try:
            return _drive(loop, coro)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
    import nest_asyncio2  # not nest_asyncio: it loses the messages ipykernel >= 7 receives meanwhile

    nest_asyncio2.apply(loop)
    return _drive(loop, coro)


def _drive(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    _BLOCKING[0] += 1
    try:
        return _until_done(loop, loop.create_task(coro))
    finally:
        _BLOCKING[0] -= 1


def _until_done(loop: asyncio.AbstractEventLoop, task: asyncio.Task[T]) -> T:
    try:
        return loop.run_until_complete(task)
    except KeyboardInterrupt:
        task.cancel()
        loop.run_until_complete(asyncio.wait({task}))  # let the run unwind; a second interrupt aborts the wait
        if not task.cancelled():
            task.exception()  # it ended anyway (or took the interrupt itself): mark the outcome as seen
        raise


def run_background(coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
    """Schedule `coro` as a task on the running loop (the kernel's) and return the task at once.

    The task runs in a copy of the caller's context, so a `dspy.context(...)` around this
    call travels with it. Its outcome stays on the task (`await task` re-raises a failure)
    and is never logged as "exception was never retrieved".
    """
    loop = _running_loop()
    if loop is None:
        coro.close()
        raise EventLoopError("a background run needs a running event loop (a Jupyter kernel); run it without --background")
    task = loop.create_task(coro, name=name)
    _BACKGROUND.add(task)
    task.add_done_callback(_settled)
    return task


def _settled(task: asyncio.Task[Any]) -> None:
    _BACKGROUND.discard(task)
    if not task.cancelled():
        task.exception()
