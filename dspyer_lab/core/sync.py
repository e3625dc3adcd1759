"""Blocking calls on top of the async engine.

Where the run goes depends on the calling thread:

- no event loop running here (a script, a worker thread of `dspy.Evaluate`, a thread pool
  inside a node): a loop of the call's own on this thread, so threads run in parallel;
- a loop running here (a Jupyter cell, async code calling the sync API): one long-lived
  shared loop in a daemon thread, since this thread's loop cannot be blocked and re-entered;
- a loop running here *and* inside a sync run already (a sync call nested in a node): a
  fresh thread, because the loop running here may be the very one the caller blocks.

The caller's context travels with the run (so `dspy.context(...)` applies), an interrupt
of the caller cancels it, and any exception raised in the run (even `SystemExit`) is
re-raised in the caller's thread.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")

_IN_SYNC_RUN: contextvars.ContextVar[bool] = contextvars.ContextVar("dspyer_lab_in_sync_run", default=False)
_shared_lock = threading.Lock()
_shared_loop: asyncio.AbstractEventLoop | None = None


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion from sync code, wherever that code runs (see the module docstring)."""
    coro = _marked(coro)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_on_this_thread(coro)
    if _IN_SYNC_RUN.get():
        return _run_on_new_thread(coro)
    return _run_on_shared_loop(coro)


async def _marked(coro: Coroutine[Any, Any, T]) -> T:
    _IN_SYNC_RUN.set(True)  # the run's task has a context of its own: nothing leaks to the caller
    return await coro


def _run_on_this_thread(coro: Coroutine[Any, Any, T]) -> T:
    # asyncio.run: the loop is closed with the call (a loop kept per thread would outlive
    # short-lived worker threads unclosed); an interrupt cancels the run and lets it unwind.
    return asyncio.run(coro)


def _run_on_new_thread(coro: Coroutine[Any, Any, T]) -> T:
    ctx = contextvars.copy_context()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = ctx.run(asyncio.run, coro)
        except BaseException as exc:  # handed to the caller below, never lost
            box["error"] = exc

    worker = threading.Thread(target=target, name="dspyer-lab-nested-sync", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _run_on_shared_loop(coro: Coroutine[Any, Any, T]) -> T:
    global _shared_loop
    with _shared_lock:
        if _shared_loop is None:
            _shared_loop = asyncio.new_event_loop()
            thread = threading.Thread(target=_shared_loop.run_forever, name="dspyer-lab-sync", daemon=True)
            thread.start()
            atexit.register(_close_shared_loop, _shared_loop, thread)
        loop = _shared_loop
    done: concurrent.futures.Future[tuple[Any, BaseException | None]] = concurrent.futures.Future()
    started: list[asyncio.Task[Any]] = []

    def start() -> None:  # on the shared loop, in the caller's context (the task copies it)
        task = loop.create_task(_captured(coro))
        started.append(task)
        task.add_done_callback(lambda t: done.cancel() if t.cancelled() else done.set_result(t.result()))

    loop.call_soon_threadsafe(start, context=contextvars.copy_context())
    try:
        outcome, error = done.result()
    except BaseException:  # the caller was interrupted: cancel the run
        loop.call_soon_threadsafe(lambda: started and started[0].cancel())
        raise
    if error is not None:
        raise error
    return outcome


def _close_shared_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    """At exit: stop and close the shared loop, rather than leave it to the garbage collector mid-shutdown."""
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    if not loop.is_running():
        loop.close()


async def _captured(coro: Coroutine[Any, Any, T]) -> tuple[Any, BaseException | None]:
    """Run `coro`; its exception comes back as a value, so even `SystemExit` cannot stop the shared loop."""
    try:
        return await coro, None
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        return None, exc
