"""OptimizeView: a DSPy optimizer watched on the program's graph, then the program before and after, side by side.

ONE anywidget (``_kind`` "optimize" of the same ESM, js/src/ui/optimize.js) over an `OptimizePresenter`
(dspyer_lab.lab.model.presenter_optimize), which runs the optimizer in a worker thread, folds what DSPy's
callbacks show of it into an `OptimizeModel` and renders the graph's picture with per-node badges (``_picture``)
and the panel (``_optimize``, JSON: phase, progress, time left, the trials for the score plot, and at the end
the before/after comparison drawn by CompareView's own component, with the per-node instruction diffs and demos
added). Clicks come back as custom messages: ``stop``, and the comparison's, tagged ``"to": "compare"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import traitlets

from ..dot import describe, render_svg
from ..model.compare import DEFAULT_PASS_THRESHOLD, RunComparison
from ..model.labstore import StoreChoice
from ..model.optimize import OptimizeModel
from ..model.presenter_errors import ViewError
from ..model.presenter_optimize import OptimizePresenter
from ..textview import DEFAULT_SECRET_PATTERNS, Masker
from .outline_still import OutlineStill

__all__ = ["OptimizeView"]


class OptimizeView(OutlineStill):
    """Run `optimizer` (a DSPy optimizer object, or the name of one of ``BootstrapFewShot``,
    ``BootstrapFewShotWithRandomSearch``, ``MIPROv2``, ``GEPA``, made with `metric`) on `program` over
    `trainset`, `valset` and watch it: phase, progress and time left, the score per trial with the best so far,
    and per node on the graph its demos and instruction candidates and which are in the best program. At the
    end the baseline and the optimized program run over `valset` (two batches, stored as any batch when the
    lab's store is on: ``store=`` as a BatchView's) and are compared: score, examples fixed / broken, the
    per-node heatmap of the change, each example's two runs, and per node the instruction diff and demos added.

    `metric(example, prediction)` scores before and after (the optimizer uses its own); `compile_options`
    are passed to ``optimizer.compile`` (the valset is passed when it takes one); an example passes at a score
    of `pass_threshold` or more (`compare.DEFAULT_PASS_THRESHOLD`).
    """

    _optimize = traitlets.Unicode("{}", help="JSON of the panel (OptimizePresenter.render)").tag(sync=True)

    presenter: OptimizePresenter

    def __init__(
        self, program: Any, optimizer: Any, trainset: Sequence[Any], valset: Sequence[Any],
        metric: Callable[..., Any], *, compile_options: Mapping[str, Any] | None = None,
        pass_threshold: float = DEFAULT_PASS_THRESHOLD, concurrency: int = 16,
        secret_patterns: Sequence[str] | None = DEFAULT_SECRET_PATTERNS, refresh_rate: float = 10.0,
        store: StoreChoice = None, **kwargs: Any,
    ) -> None:
        presenter = OptimizePresenter(
            program, optimizer, trainset, valset, metric, compile_options=compile_options,
            pass_threshold=pass_threshold, concurrency=concurrency, secret_patterns=secret_patterns,
            refresh_rate=refresh_rate, store=store,
        )
        super().__init__(_kind="optimize", _layout=self._layout_of(presenter.drawing), **kwargs)
        self.presenter = presenter
        """What the view shows and does, without the widget (render, handle, the run, the comparison)."""
        presenter.on_change = self._presented
        self._presented(False)

    # -- public API -----------------------------------------------------------------

    async def run(self) -> Any:
        """Optimize, then evaluate before and after on the valset; return the optimized program (a `dspy.Module`
        of the program's class: it saves and loads with DSPy's `save`/`load` and runs in a LabView).

        Stopped (`stop`, the Stop button): the best candidate evaluated so far, or the program unchanged if none
        was, without before/after (`model.note` says which). An exception that ends the optimizer's `compile`
        is shown and raised."""
        return await self.presenter.run()

    def stop(self) -> bool:
        """Stop the optimizer at its next model or module call (or the before/after batches); False when nothing runs."""
        return self.presenter.stop()

    @property
    def optimized(self) -> Any:
        """The program the last run returned (None before one ended)."""
        return self.presenter.optimized

    @property
    def model(self) -> OptimizeModel:
        """What was observed of the last run: `trials` (number, score, set, candidate, failures), `best`, `nodes`,
        `phase`, `progress()`, `note`, `error`."""
        return self.presenter.model

    @property
    def masker(self) -> Masker:
        """Masks secret-looking fields of the datasets in everything shown (and in the one-line error of a cell)."""
        return self.presenter.masker

    @property
    def running(self) -> bool:
        """Whether a run is in progress (the optimizer, or before/after)."""
        return self.presenter.running

    @property
    def status(self) -> str:
        """The status line (``trials · 5/9 trials · about 12 s left · best 80.0 (trial 4)``)."""
        return self.presenter.status

    @property
    def panel(self) -> dict[str, Any]:
        """What the browser shows besides the graph (`OptimizePresenter.render`)."""
        return dict(json.loads(self._optimize))

    @property
    def picture(self) -> dict[str, Any]:
        """The graph's picture, with the per-node badges (``picture["optimize"]["nodes"]``)."""
        return dict(self._picture)

    def open_example(self, index: int) -> RunComparison:
        """Show valset example `index`'s runs before and after side by side (after a run finished) and return
        their comparison (``LabView.of_events(program, view.presenter.before.model.events_of(index))`` is a view
        of one of them)."""
        if self.presenter.compare is None:
            raise ViewError("No before/after yet: run() the optimization to its end first")
        return self.presenter.compare.open_example(index)

    def back(self) -> None:
        """Back from an opened example to the before/after batches."""
        if self.presenter.compare is not None:
            self.presenter.compare.back()

    def close(self) -> None:
        """Stop any run and close the widget."""
        presenter = getattr(self, "presenter", None)  # none while a refused `__init__` unwinds
        if presenter is not None:
            presenter.close()
        super().close()

    def __repr__(self) -> str:
        return f"OptimizeView({type(self.presenter.optimizer).__name__}, {self.status})"

    # -- rendering and clicks ------------------------------------------------------------

    def _presented(self, ended: bool) -> None:
        shown = self.presenter.render()
        with self.hold_sync():
            self._picture = shown.picture
            self._optimize = json.dumps(shown.panel, ensure_ascii=False)
        if ended:
            self.refresh_snapshot()

    def _on_message(self, content: Mapping[str, Any]) -> None:
        self.presenter.handle(content)

    def _svg(self) -> str:
        return render_svg(self.presenter.drawing, {}, None)

    def _outline(self) -> str:
        return f"{describe(self.presenter.graph)}\n{type(self.presenter.optimizer).__name__}: {self.status}"
