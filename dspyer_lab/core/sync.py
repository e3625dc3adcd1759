"""Blocking calls on top of the async engine.

Sync calls run on one long-lived event loop in a daemon thread, shared by every caller:
a script, a Jupyter cell (whose thread already runs a loop), or the worker threads of
`dspy.Evaluate`. One loop means async model clients (and their background tasks) live
as long as the process instead of dying with a fresh loop per call.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None


def _runner_loop() -> asyncio.AbstractEventLoop:
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive():
            _loop = asyncio.new_event_loop()
            _thread = threading.Thread(target=_loop.run_forever, name="dspyer-lab-sync", daemon=True)
            _thread.start()
        return _loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion from sync code, with the caller's context (so `dspy.context(...)` applies).

    Interrupting the caller (Ctrl-C, a kernel interrupt) cancels the run.
    """
    if threading.current_thread() is _thread:
        # A sync call made from inside a run on the runner loop: blocking that loop would
        # deadlock, so this nested call gets a loop of its own in a helper thread.
        return _run_in_fresh_thread(coro)
    loop = _runner_loop()
    ctx = contextvars.copy_context()
    future = asyncio.run_coroutine_threadsafe(_in_context(coro, ctx), loop)
    try:
        return future.result()
    except BaseException:
        future.cancel()
        raise


async def _in_context(coro: Coroutine[Any, Any, T], ctx: contextvars.Context) -> T:
    task = ctx.run(asyncio.ensure_future, coro)  # the task runs in (a copy of) the caller's context
    return await task


def _run_in_fresh_thread(coro: Coroutine[Any, Any, T]) -> T:
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
