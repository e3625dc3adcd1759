"""The notebook run helpers: block on a run inside a running loop, run in the background, cancel on interrupt.

The nested-loop cases run in a child process: nest-asyncio patches asyncio process-wide,
which must not leak into the rest of the suite. The real-kernel behaviour (widgets,
interrupt button, Stop button) is covered by tests/test_magics.py.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import subprocess
import sys
import textwrap

import pytest

from dspyer_lab.lab.runner import blocking, clicks_wait, run_background, run_blocking

WHO = contextvars.ContextVar("who", default="nobody")


def test_run_blocking_without_a_loop_returns_the_result_in_the_callers_context() -> None:
    async def work() -> str:
        await asyncio.sleep(0)
        return f"ran for {WHO.get()}"

    token = WHO.set("alice")
    try:
        assert run_blocking(work()) == "ran for alice"
    finally:
        WHO.reset(token)


def test_run_blocking_without_a_loop_raises_the_runs_error() -> None:
    async def fail() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        run_blocking(fail())


async def test_run_background_returns_at_once_and_carries_the_context() -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def work() -> str:
        started.set()
        await release.wait()
        return WHO.get()

    token = WHO.set("bob")
    task = run_background(work(), name="bg")
    WHO.reset(token)
    assert not task.done()
    await started.wait()
    release.set()
    assert await task == "bob"
    assert task.get_name() == "bg"


async def test_a_failed_background_run_keeps_its_error_and_is_not_logged() -> None:
    loop = asyncio.get_running_loop()
    logged: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: logged.append(context))

    async def fail() -> None:
        raise RuntimeError("node exploded")

    task = run_background(fail())
    await asyncio.wait({task})
    assert isinstance(task.exception(), RuntimeError)
    del task
    gc.collect()
    assert logged == []


def test_run_background_needs_a_running_loop() -> None:
    async def work() -> None:
        pass

    coro = work()
    with pytest.raises(RuntimeError, match="--background"):
        run_background(coro)
    assert coro.cr_frame is None  # closed: no "coroutine was never awaited" warning


NESTED = textwrap.dedent(
    """
    import asyncio, contextvars, signal
    from dspyer_lab.lab.runner import run_blocking

    who = contextvars.ContextVar("who", default="nobody")
    log = []

    async def kernel_cell():
        # like a Jupyter cell: sync code running inside the loop's own task
        side = asyncio.Event()

        async def other_task():  # e.g. the kernel handling a widget message meanwhile
            side.set()

        asyncio.get_running_loop().create_task(other_task())

        async def run():
            await side.wait()  # only reachable if the loop keeps running other tasks
            return who.get()

        who.set("carol")
        log.append(("result", run_blocking(run())))

        async def slow_run():
            # the interrupt button, once the run is under way (ipykernel raises KeyboardInterrupt on SIGINT)
            asyncio.get_running_loop().call_soon(signal.raise_signal, signal.SIGINT)
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                log.append(("cancelled", True))
                raise

        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            run_blocking(slow_run())
        except KeyboardInterrupt:
            log.append(("interrupt", "re-raised"))

        async def after():
            return "still usable"

        log.append(("after", run_blocking(after())))

    asyncio.run(kernel_cell())
    print(log)
    """
)


def test_run_blocking_inside_a_running_loop_keeps_the_loop_alive_and_cancels_on_interrupt() -> None:
    done = subprocess.run([sys.executable, "-c", NESTED], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(
        [("result", "carol"), ("cancelled", True), ("interrupt", "re-raised"), ("after", "still usable")]
    )


def test_clicks_wait_marks_the_runs_started_inside_as_blocking_their_cell() -> None:
    """For a cell that awaits on a kernel that handles clicks only between cells: views then disable Stop with a hint."""
    assert not blocking()
    with clicks_wait():
        assert blocking()
    assert not blocking()
