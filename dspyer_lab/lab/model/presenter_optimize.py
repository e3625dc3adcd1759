"""OptimizePresenter: everything an OptimizeView does, without a widget: the optimizer, its trials, before/after.

`run` starts the optimizer's synchronous `compile` in a worker thread, with the caller's contextvars copied
(so its `dspy.context`, the LM and settings, holds there) plus an `OptimizeObserver` among DSPy's callbacks;
the loop stays free, and the observed events are folded into an `OptimizeModel` as they come, the owner told
at most `refresh_rate` times a second. Once `compile` returns, the baseline and the optimized program run
over the valset as two batches (two `BatchPresenter`s: their runs kept, stored as any batch when the lab's
store is on) and are compared by a `ComparePresenter` (fixed / broken / same, the score's change, the per-node
heatmap; an example opens its two runs side by side), and per node the instructions are diffed and the demos
added listed.

Stopping (`stop`) makes the optimizer's next call raise (see optimize_observer.py); `run` then returns the best
candidate evaluated so far (a copy of the very program object the optimizer evaluated, valset scores first),
or the baseline unchanged if none was evaluated, says which in `model.note`, and skips before/after. An
exception that ends `compile` ends the run: shown in the panel and raised by `run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dspy

from ...core.graph import Graph
from ...core.program import AgentTranspiler
from ..adapter import as_graph
from ..dot import Drawing, build_drawing
from ..textview import DEFAULT_SECRET_PATTERNS, Masker, one_line
from .compare import DEFAULT_PASS_THRESHOLD, text_diff
from .labstore import StoreChoice
from .optimize import OptimizeModel, expected_work, graph_badges, optimize_json, status_text
from .optimize_events import OptimizeEvent, predictors_of
from .optimize_observer import OptimizeObserver
from .presenter import OnChange, Presenter
from .presenter_batch import BatchPresenter
from .presenter_compare import ComparePresenter
from .presenter_errors import ViewError, ViewProgramError

__all__ = ["OPTIMIZERS", "OptimizePresenter", "OptimizeRendered", "make_optimizer"]

OPTIMIZERS = ("BootstrapFewShot", "BootstrapFewShotWithRandomSearch", "MIPROv2", "GEPA")
"""The optimizers a name may give (`make_optimizer`); any other `dspy` optimizer object runs too."""
MAX_DEMOS_SHOWN = 10
"""Demos added listed per node at most."""


def make_optimizer(name: str, metric: Callable[..., Any]) -> Any:
    """The optimizer `name` (one of `OPTIMIZERS`) with `metric` and light settings: MIPROv2 and GEPA with
    ``auto="light"``, GEPA reflecting with the LM in `dspy.settings` (give an optimizer object for more control)."""
    if name not in OPTIMIZERS:
        raise ViewProgramError(f"optimizer {name!r} is not one of {', '.join(OPTIMIZERS)}: give an optimizer object")
    if name == "MIPROv2":
        return dspy.MIPROv2(metric=metric, auto="light")
    if name == "GEPA":
        def feedback_metric(gold: Any, pred: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None) -> Any:
            return metric(gold, pred)

        return dspy.GEPA(metric=feedback_metric, auto="light", reflection_lm=dspy.settings.lm)
    return getattr(dspy, name)(metric=metric)


@dataclass(frozen=True)
class OptimizeRendered:
    """What an OptimizeView shows, as JSON-ready dicts: the graph's picture (with the per-node badges) and the panel."""

    picture: dict[str, Any]
    panel: dict[str, Any]


def _examples(items: Sequence[Any], name: str) -> list[dspy.Example]:
    """The dataset as given: `dspy.Example`s with their inputs marked (what every optimizer reads)."""
    for index, item in enumerate(items):
        if not isinstance(item, dspy.Example):
            raise ViewProgramError(f"OptimizeView's {name}[{index}] is a {type(item).__name__}, not a dspy.Example "
                                   "(make it with dspy.Example(...).with_inputs(...))")
    return list(items)


class OptimizePresenter(Presenter):
    """Run `optimizer` on `program` and watch it (see the module docstring and `OptimizeView`).

    `compile_options`: more keyword arguments for ``optimizer.compile`` (``num_trials=`` for MIPROv2, say);
    `valset` is passed to ``compile`` when it takes one. `concurrency`: of the before/after batches.
    """

    def __init__(
        self, program: Any, optimizer: Any, trainset: Sequence[Any], valset: Sequence[Any],
        metric: Callable[..., Any], *, compile_options: Mapping[str, Any] | None = None,
        pass_threshold: float = DEFAULT_PASS_THRESHOLD, concurrency: int = 16,
        secret_patterns: Sequence[str] | None = DEFAULT_SECRET_PATTERNS, refresh_rate: float = 10.0,
        store: StoreChoice = None, on_change: OnChange | None = None,
    ) -> None:
        if isinstance(program, Graph):
            program = AgentTranspiler.compile(program)
        if not isinstance(program, dspy.Module):
            kind = f"{type(program).__module__}.{type(program).__name__}"
            raise ViewProgramError(f"OptimizeView optimizes a compiled program (a dspy.Module), got {kind}")
        if isinstance(optimizer, str):
            optimizer = make_optimizer(optimizer, metric)
        if not callable(getattr(optimizer, "compile", None)):
            raise ViewProgramError(f"OptimizeView needs a DSPy optimizer (with compile), got {type(optimizer).__name__}")
        if not trainset or not valset:
            raise ViewProgramError(f"OptimizeView needs a trainset and a valset, got {len(trainset)} and {len(valset)} examples")
        super().__init__(on_change, refresh_rate)
        self.program = program
        """The program before optimizing (never changed: the optimizer works on copies)."""
        self.optimizer = optimizer
        self.trainset = _examples(trainset, "trainset")
        self.valset = _examples(valset, "valset")
        self.metric = metric
        self.graph: Graph = as_graph(program)
        self.drawing: Drawing = build_drawing(self.graph)
        self._secret_patterns = secret_patterns
        self.masker = Masker(secret_patterns)
        """Masks secret-looking fields (of the datasets, and in every text shown)."""
        self.masker.learn([dict(e.inputs()) for e in (*self.trainset, *self.valset)])
        self._options = dict(compile_options or {})
        self._pass_threshold = pass_threshold
        self._concurrency = concurrency
        self._store = store
        self.model = OptimizeModel(program, self._work)
        """What was observed (trials, best, per node) of the last run."""
        self.optimized: Any = None
        """The program the last run returned (None before one ended)."""
        self.before: BatchPresenter | None = None
        """The baseline over the valset (after the optimizer finished)."""
        self.after: BatchPresenter | None = None
        """The optimized program over the valset."""
        self.compare: ComparePresenter | None = None
        """The two batches compared (fixed / broken / same, heatmap, an example's two runs)."""
        self._observer: OptimizeObserver | None = None
        self._batches: list[asyncio.Task[Any]] = []
        self._stopping = False
        self._running = False
        self._poke_pending = threading.Event()

    # -- what it shows ---------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a run is in progress (the optimizer, or before/after)."""
        return self._running

    @property
    def stopping(self) -> bool:
        """Whether `stop` was asked during the run in progress (the optimizer stops at its next call)."""
        return self._stopping and self._running

    @property
    def status(self) -> str:
        """The status line."""
        return status_text(self.model)

    def _work(self) -> tuple[int, str] | None:
        return expected_work(self.optimizer, self.trainset, self.valset, self._options)

    def render(self) -> OptimizeRendered:
        """The graph with its per-node badges, and the panel: phase, progress, trials, best, before/after."""
        panel = optimize_json(self.model)
        panel["optimizer"] = type(self.optimizer).__name__
        panel["stop"] = {"enabled": self.running and not self._stopping,
                         "hint": "Stop: keep the best program so far" if self.running else "Not running"}
        mask = self.masker.mask_text
        panel["error"] = mask(panel["error"]) if panel["error"] else None
        for point in panel["trials"]:  # a failure's message may quote an input
            point["failure"], point["error"] = mask(point["failure"]), mask(point["error"])
        panel["after"] = self._after_json()
        badges = {n: b for n, b in graph_badges(self.model).items() if n in self.drawing.node_ids}
        picture = {"status": {}, "visits": {}, "path": {}, "last": None, "run_state": "idle", "selected": "",
                   "optimize": {"nodes": badges}}
        return OptimizeRendered(picture, panel)

    def node_changes(self) -> list[dict[str, Any]]:
        """Per node of the returned program: the word diff of its instructions from the baseline's, and the demos
        it has that the baseline had not (masked, one line each, at most `MAX_DEMOS_SHOWN`)."""
        if self.optimized is None:
            return []
        before, after = predictors_of(self.program), predictors_of(self.optimized)
        rows = []
        for node, predictor in after.items():
            old = before.get(node)
            a = self.masker.mask_text(str(old.signature.instructions)) if old is not None else ""
            b = self.masker.mask_text(str(predictor.signature.instructions))
            kept = [dict(d) for d in (old.demos if old is not None else ())]
            added = [dict(d) for d in predictor.demos if dict(d) not in kept]
            rows.append({
                "node": node, "changed": a != b, "diff": [list(op) for op in text_diff(a, b)] if a != b else [],
                "instructions": b, "demos_before": len(kept), "demos_after": len(predictor.demos),
                "demos_added": [one_line(self.masker.mask(d), 200) for d in added[:MAX_DEMOS_SHOWN]],
                "more_demos": max(0, len(added) - MAX_DEMOS_SHOWN),
            })
        return rows

    def _after_json(self) -> dict[str, Any] | None:
        if self.compare is None:
            return None
        return {"compare": self.compare.render_embedded(), "nodes": self.node_changes()}

    # -- what it runs ------------------------------------------------------------------------

    async def run(self) -> Any:
        """Optimize, then compare before and after on the valset; the optimized program (see the module docstring)."""
        if self._running:
            raise ViewError("This view is already optimizing; stop() it first")
        self._running, self._stopping = True, False
        self.model = OptimizeModel(self.program, self._work)
        self.optimized = self.before = self.after = self.compare = None
        loop = asyncio.get_running_loop()
        observer = self._observer = OptimizeObserver(self.program, self.trainset, self.valset,
                                                     lambda event: self._observed(loop, event))
        self.model.start()
        self._changed()
        try:
            try:
                result = await asyncio.to_thread(self._compile, observer)  # with this context's copy: dspy.context
                note = f"the program {type(self.optimizer).__name__}.compile returned"
            except asyncio.CancelledError:  # the awaiting cell was interrupted: the worker stops at its next call
                observer.stop()
                self.model.set_phase("stopped", "interrupted")
                raise
            except Exception as exc:
                self.model.error = one_line(f"{type(exc).__name__}: {exc}", 500)
                self.model.set_phase("failed", "the optimizer raised")
                raise
            except BaseException as exc:
                if not observer.stopped_by(exc):
                    raise
                result, note = self._best_so_far()
            self.optimized = result
            self.model.returned(result, note)
            if observer.stopped:
                self.model.set_phase("stopped", "stopped")
                return result
            await self._before_after(result)
            return result
        finally:
            self._running = False
            self._observer = None
            self._ended = True
            self._throttle.flush()

    def _compile(self, observer: OptimizeObserver) -> Any:
        """In the worker thread: the optimizer's compile, with the observer among DSPy's callbacks."""
        options = dict(self._options)
        if "valset" in inspect.signature(self.optimizer.compile).parameters:
            options.setdefault("valset", self.valset)
        callbacks = [*dspy.settings.get("callbacks", []), observer]
        with dspy.context(callbacks=callbacks):
            return self.optimizer.compile(self.program.deepcopy(), trainset=self.trainset, **options)

    def _best_so_far(self) -> tuple[Any, str]:
        """What a stopped run returns: a copy of the best candidate evaluated so far, else the baseline."""
        best = self.model.best
        if best is None or best.program is None:
            return self.program.deepcopy(), "stopped before any candidate was evaluated: the baseline program, unchanged"
        return best.program.deepcopy(), (
            f"stopped: the best candidate evaluated so far (trial {best.number}, score {best.score:.1f} on the "
            f"{best.on}), not the optimizer's final choice; before/after not run")

    async def _before_after(self, optimized: Any) -> None:
        """The baseline and the optimized program over the valset, compared."""
        self.model.set_phase("evaluating", "before/after on the valset")
        self._changed()
        sides = []
        for program in (self.program, optimized):
            sides.append(BatchPresenter(program, sample_size=len(self.valset), store=self._store,
                                        secret_patterns=self._secret_patterns))
        self.before, self.after = sides
        self._batches = [side.launch(self.valset, self.metric, self._concurrency, {}) for side in sides]
        try:
            await asyncio.gather(*self._batches)
        except asyncio.CancelledError:
            self.model.set_phase("stopped", "stopped during before/after")
            self.model.note += "; before/after stopped"
            return
        except Exception as exc:
            self.model.error = one_line(f"before/after: {type(exc).__name__}: {exc}", 500)
            self.model.set_phase("failed", "before/after failed")
            raise
        finally:
            self._batches = []
        self.compare = ComparePresenter(self.before, self.after, pass_threshold=self._pass_threshold,
                                        secret_patterns=self._secret_patterns)
        self.compare.labels = ("before (A)", "after (B)")
        self.compare.on_change = lambda ended: self._changed()
        self.model.set_phase("finished", "finished")

    def stop(self) -> bool:
        """Stop the optimizer (at its next call) or the before/after batches; False when nothing runs."""
        if not self._running or self._stopping:
            return False
        self._stopping = True
        if self._observer is not None:
            self._observer.stop()
        for task in self._batches:
            task.cancel()
        self._changed()
        return True

    def close(self) -> None:
        """Stop any run and the pending refresh."""
        self.stop()
        self._throttle.cancel()

    # -- events and clicks ------------------------------------------------------------------------

    def _observed(self, loop: asyncio.AbstractEventLoop, event: OptimizeEvent) -> None:
        """In the optimizer's threads: fold the event, and ask the loop for a refresh unless one is asked already."""
        self.model.apply(event)
        if not self._poke_pending.is_set():
            self._poke_pending.set()
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody to show it to
                loop.call_soon_threadsafe(self._poke)

    def _poke(self) -> None:
        self._poke_pending.clear()
        self._throttle.poke()

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        """Do what a browser message asks: ``stop``; the comparison's clicks come tagged ``"to": "compare"``."""
        if message.get("to") == "compare":
            if self.compare is not None:
                self.compare.handle({k: v for k, v in message.items() if k != "to"})
            return None
        if message.get("type") == "stop":
            self.stop()
        return None
