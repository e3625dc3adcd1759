"""An optimizer watched through DSPy's own callback hooks, turned into typed events (optimize_events.py).

`OptimizeObserver` is a `dspy.utils.callback.BaseCallback` put in the optimizer's `dspy.context` for the
length of its `compile`. It reads only what DSPy hands every callback: a compile's start and end (a nested
few-shot compile is "bootstrapping demos"), an evaluation's start (the candidate program, its devset, the
optimizer's ``callback_metadata``) and end (`EvaluationResult.score`, or the exception), the program's calls
(an example done, or failed), and modules and models that are the optimizer's own (a proposer's predictor,
a reflection model): "proposing instructions". No optimizer's code is copied or patched.

Stopping: DSPy catches every `Exception` a callback raises, so `stop()` makes the next module or model call
raise a `BaseException` (`_Stopped`) that DSPy's loops do not swallow; `compile` unwinds at its
next call. The callbacks run in the optimizer's threads: `sink` must be thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import dspy
from dspy.utils.callback import BaseCallback

from ..textview import one_line
from .optimize_events import (
    ExampleDone,
    OptimizeEvent,
    Phase,
    PhaseChanged,
    TrialEnded,
    TrialStarted,
    candidate_of,
)

__all__ = ["OptimizeObserver"]


class _Stopped(BaseException):
    """Raised in the optimizer's calls once the view is stopped; a `BaseException`, as DSPy's callback wrapper
    and its parallel executor catch `Exception` only (so it is no `DspyerLabError`). Never leaves the view: its
    run returns the best so far (`OptimizeObserver.stopped_by`)."""


def _error_text(error: BaseException) -> str:
    return one_line(f"{type(error).__name__}: {error}", 300)


class OptimizeObserver(BaseCallback):
    """Turn an optimizer's DSPy callbacks into `OptimizeEvent`s for `sink` (see the module docstring).

    `program`: the program being optimized (its class marks the program's own calls: a module or model called
    outside them, and outside trials and bootstraps, is the optimizer's own); `trainset`, `valset`: to tell
    which set a trial evaluates.
    """

    def __init__(
        self, program: Any, trainset: Sequence[Any], valset: Sequence[Any] | None,
        sink: Callable[[OptimizeEvent], None],
    ) -> None:
        self._sink = sink
        self._program_type = type(program)
        self._valset = {id(e) for e in valset or ()}
        self._trainset = {id(e) for e in trainset}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._phase: Phase | None = None
        self._evaluations: dict[str, int] = {}
        """An evaluation in progress's call id -> its trial number."""
        self._few_shot: set[str] = set()
        """Few-shot compiles in progress (call ids)."""
        self._calls: set[str] = set()
        """Calls of the program in progress (call ids)."""
        self._trials = 0

    def stop(self) -> None:
        """Make the optimizer's next module or model call raise `_Stopped`."""
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        """Whether `stop` was called."""
        return self._stopped.is_set()

    @staticmethod
    def stopped_by(error: BaseException) -> bool:
        """Whether `error` is the stop this observer raised in the optimizer's calls."""
        return isinstance(error, _Stopped)

    def _enter(self, phase: Phase) -> None:
        """The phase is the latest activity begun (a trial, a bootstrap, a proposal): told when it changes."""
        with self._lock:
            changed, self._phase = self._phase != phase, phase
        if changed:
            self._sink(PhaseChanged(phase, time.time()))

    # -- compiles ------------------------------------------------------------------------------

    def on_compile_start(self, call_id: str, instance: Any, inputs: dict[str, Any]) -> None:
        if type(instance) in (dspy.BootstrapFewShot, dspy.LabeledFewShot):  # demos, alone or inside another
            with self._lock:
                self._few_shot.add(call_id)
            self._enter("bootstrapping demos")
        elif self._phase is None:
            self._enter("starting")

    def on_compile_end(self, call_id: str, outputs: Any | None, exception: Exception | None = None) -> None:
        with self._lock:
            self._few_shot.discard(call_id)

    # -- trials ------------------------------------------------------------------------------

    def _which_set(self, devset: Sequence[Any]) -> Literal["valset", "trainset", "subset"]:
        ids = {id(e) for e in devset}  # an optimizer may shuffle or copy the list, not the examples
        if self._valset and ids == self._valset:
            return "valset"
        return "trainset" if ids == self._trainset else "subset"

    def on_evaluate_start(self, call_id: str, instance: Any, inputs: dict[str, Any]) -> None:
        program = inputs.get("program")
        devset = inputs.get("devset") or getattr(instance, "devset", None) or []
        metadata = inputs.get("callback_metadata") or getattr(instance, "callback_metadata", None) or {}
        with self._lock:
            self._trials += 1
            number = self._evaluations[call_id] = self._trials
        self._enter("trials")
        kind = metadata.get("metric_key") if isinstance(metadata, dict) else None
        self._sink(TrialStarted(number, candidate_of(program), len(devset), self._which_set(devset), kind, program,
                                time.time()))

    def on_evaluate_end(self, call_id: str, outputs: Any | None, exception: BaseException | None = None) -> None:
        with self._lock:
            number = self._evaluations.pop(call_id, None)
        if number is None:
            return
        score = getattr(outputs, "score", None)
        error = None if exception is None or isinstance(exception, _Stopped) else _error_text(exception)
        self._sink(TrialEnded(number, float(score) if isinstance(score, int | float) else None, error, time.time()))

    # -- calls ---------------------------------------------------------------------------------

    def _begin_call(self, call_id: str, instance: Any) -> None:
        """Stop if asked; note a call of the program; a module or model outside every program call, trial and
        bootstrap is the optimizer's own: it proposes instructions."""
        if self._stopped.is_set():
            raise _Stopped("optimization stopped from the OptimizeView")
        with self._lock:
            if isinstance(instance, self._program_type):
                self._calls.add(call_id)
                return
            own = not (self._calls or self._evaluations or self._few_shot)
        if own and self._phase is not None:
            self._enter("proposing instructions")

    def on_module_start(self, call_id: str, instance: Any, inputs: dict[str, Any]) -> None:
        self._begin_call(call_id, instance)

    def on_lm_start(self, call_id: str, instance: Any, inputs: dict[str, Any]) -> None:
        self._begin_call(call_id, instance)

    def on_module_end(self, call_id: str, outputs: Any | None, exception: Exception | None = None) -> None:
        with self._lock:
            if call_id not in self._calls:
                return
            self._calls.discard(call_id)
        stopped = isinstance(exception, _Stopped)
        self._sink(ExampleDone(None if exception is None or stopped else _error_text(exception), time.time()))
