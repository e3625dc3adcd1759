"""CompareView: two runs, or two batches, side by side on their graph.

ONE anywidget (``_kind`` "compare" of the same ESM, js/src/ui/compare.js) over a `ComparePresenter`
(dspyer_lab.lab.model.presenter_compare), which finds the two sides (run or batch ids in a `RunStore`,
stored or saved runs, LabViews, BatchViews, lists of events), compares them once and renders the graph's
picture (``_picture``: nodes same / changed / only in A / only in B and the two paths, or the batches'
per-node difference heatmap) and the panel (``_compare``, JSON). Clicks come back as custom messages:
``select`` a node, ``table`` (filter, page), ``open`` an example's two runs, ``back``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import traitlets

from ..dot import describe, render_svg
from ..model.compare import DEFAULT_PASS_THRESHOLD, BatchComparison, RunComparison
from ..model.presenter_compare import ComparePresenter
from ..model.store import RunStore
from ..textview import DEFAULT_SECRET_PATTERNS
from .base import ViewWidget

__all__ = ["CompareView"]


class CompareView(ViewWidget):
    """Compare `a` with `b`: two runs (per node, side by side: inputs, outputs, the model's messages and
    completions with a text diff, validation errors, timings, tokens; where the paths part), or two batches
    over the same inputs (fixed / broken / same / changed, the score's change with a bootstrap interval, a
    per-node heatmap of the change; any example opens its two runs side by side).

    Each side is a run id or batch id (looked up in `store`, by default the lab's store: ``%dspyer store``,
    else `default_store()`), a `StoredRun`, `SavedRun`, `StoredBatch`, a `LabView` (the run it shows), a
    `BatchView` (its batch: every example's status, score and output are compared; only the runs it kept
    can be opened), or a list of events (then `program=` draws them). See `ComparePresenter` and `compare.DEFAULT_PASS_THRESHOLD`.
    """

    _compare = traitlets.Unicode("{}", help="JSON of the comparison panel (ComparePresenter.render)").tag(sync=True)

    presenter: ComparePresenter

    def __init__(
        self, a: Any, b: Any, *, store: RunStore | None = None, program: Any = None,
        pass_threshold: float = DEFAULT_PASS_THRESHOLD,
        secret_patterns: Sequence[str] | None = DEFAULT_SECRET_PATTERNS, **kwargs: Any,
    ) -> None:
        presenter = ComparePresenter(a, b, store=store, program=program, pass_threshold=pass_threshold,
                                     secret_patterns=secret_patterns)
        super().__init__(_kind="compare", _layout=self._layout_of(presenter.drawing), **kwargs)
        self.presenter = presenter
        """What the view shows and does, without the widget (render, handle, the comparisons)."""
        presenter.on_change = self._presented
        self._presented(False)

    @property
    def comparison(self) -> RunComparison | BatchComparison:
        """What is shown: the two runs of the opened example (`open_example`), else A and B compared."""
        return self.presenter.comparison

    @property
    def panel(self) -> dict[str, Any]:
        """The comparison panel the browser draws (`ComparePresenter.render`)."""
        return dict(json.loads(self._compare))

    def select(self, node: str) -> None:
        """Show `node`'s visits in the two runs side by side ("" for none)."""
        self.presenter.select(node)

    def open_example(self, index: int) -> RunComparison:
        """Show example `index`'s two runs side by side (two batches compared) and return their comparison."""
        return self.presenter.open_example(index)

    def back(self) -> None:
        """Back from an opened example to the two batches."""
        self.presenter.back()

    def __repr__(self) -> str:
        return f"CompareView({self.presenter.labels[0]} vs {self.presenter.labels[1]})"

    def _presented(self, ended: bool) -> None:
        shown = self.presenter.render()
        with self.hold_sync():
            self._picture = shown.picture
            self._compare = json.dumps(shown.compare, ensure_ascii=False)

    def _on_message(self, content: Mapping[str, Any]) -> None:
        self.presenter.handle(content)

    def _svg(self) -> str:
        return render_svg(self.presenter.drawing, {}, None)

    def _outline(self) -> str:
        c = self.presenter.top
        if isinstance(c, BatchComparison):
            counts = ", ".join(f"{n} {k}" for k, n in c.counts.items())
            line = f"{counts}; score {c.score.text}"
        else:
            changed = "; ".join(f"{n}: {', '.join(f)}" for n, f in c.changed.items()) or "no node changed"
            line = f"changed: {changed}"
        return f"{describe(self.presenter.graph)}\n{self.presenter.labels[0]} vs {self.presenter.labels[1]}: {line}"
