"""The optimize model: an optimizer's observed events folded once, and what an OptimizeView shows of them.

Pure Python, no widgets. `OptimizeModel.apply` folds the `OptimizeEvent`s of optimize_events.py (thread-safe:
the optimizer's threads call it) into where the run is (state, phase, progress, time left), one `Trial` per
evaluation (number, score, which set, the candidate's per-node instructions and demo counts, the examples
that failed and the error that ended it, if one did), the best trial so far, and per node every instruction
candidate and demo count seen and which are in the best program. `optimize_json` and `graph_badges` render it.

Scores are DSPy's own: `dspy.Evaluate`'s percentage (GEPA's `val_aggregate_scores` are the same over 100).
The best trial is the best score on the valset (else on the trainset, else on minibatches: `beats`): a
minibatch's score is not compared with a full evaluation's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .optimize_events import (
    Candidate,
    ExampleDone,
    NodeCandidate,
    OptimizeEvent,
    Phase,
    PhaseChanged,
    TrialEnded,
    TrialStarted,
    candidate_of,
)

__all__ = [
    "NodeSeen",
    "OptimizeModel",
    "OptimizeState",
    "Progress",
    "Trial",
    "beats",
    "expected_work",
    "graph_badges",
    "optimize_json",
    "status_text",
]

OptimizeState = Literal["idle", "optimizing", "evaluating", "finished", "stopped", "failed"]
"""Where the view is: not started, the optimizer running, before/after being evaluated, done, stopped, or
the optimizer (or the before/after batches) raised."""

MAX_TRIALS_SENT = 500
"""Trials sent to the browser's plot at most (the last ones; the best is always among the points)."""


@dataclass
class Trial:
    """One evaluation of a candidate (see `TrialStarted`, `TrialEnded`)."""

    number: int
    candidate: Candidate
    examples: int
    on: str
    kind: str | None
    started: float
    program: Any = field(repr=False, default=None)
    """The candidate evaluated, while the trial runs and while it is the best (else None: not kept alive)."""
    score: float | None = None
    ended: float | None = None
    failed_examples: int = 0
    """Examples whose run raised in this trial (DSPy scores them `failure_score` and goes on)."""
    first_failure: str | None = None
    error: str | None = None
    """The exception that ended the evaluation itself, if one did (the optimizer then goes on or stops)."""

    def as_dict(self) -> dict[str, Any]:
        """The trial as plain data (its candidate per node: instructions, demos)."""
        return {
            "number": self.number, "score": self.score, "on": self.on, "kind": self.kind, "examples": self.examples,
            "failed_examples": self.failed_examples, "first_failure": self.first_failure, "error": self.error,
            "candidate": {n: {"instructions": c.instructions, "demos": c.demos} for n, c in self.candidate.items()},
        }


@dataclass
class NodeSeen:
    """One node over the run: every distinct instruction seen in a candidate (the baseline's first) and the
    largest demo count seen."""

    instructions: list[str] = field(default_factory=list)
    max_demos: int = 0


@dataclass(frozen=True)
class Progress:
    """How far the optimizer is: `done` of `total` `unit`s (total None: not known), and a time-left estimate."""

    done: int
    total: int | None
    unit: str
    left: float | None
    """Seconds, from the pace so far (None: no total, or nothing done yet)."""

    @property
    def fraction(self) -> float | None:
        """Done over total, at most 1 (None: no total)."""
        return None if not self.total else min(1.0, self.done / self.total)


def expected_work(optimizer: Any, trainset: Sequence[Any], valset: Sequence[Any] | None,
                  options: dict[str, Any]) -> tuple[int, str] | None:
    """How much work `optimizer` says it will do, from its public settings only: (trials, "trials") for a random
    search (its candidate seeds plus the three fixed ones) or a MIPROv2 given `num_trials` (plus its baseline),
    (metric calls, "examples") for GEPA once its budget is set, (trainset size, "examples") for a bootstrap."""
    import dspy

    if isinstance(optimizer, dspy.BootstrapFewShotWithRandomSearch):
        return optimizer.num_candidate_sets + 3, "trials"
    if isinstance(optimizer, dspy.MIPROv2) and isinstance(options.get("num_trials"), int):
        return options["num_trials"] + 1, "trials"
    if isinstance(optimizer, dspy.GEPA) and isinstance(getattr(optimizer, "max_metric_calls", None), int):
        return optimizer.max_metric_calls, "examples"
    if type(optimizer) is dspy.BootstrapFewShot:
        return len(trainset), "examples"
    return None


class OptimizeModel:
    """Everything known about one optimization, folded once (`apply`) from its events; see the module docstring.

    `baseline`: the program before optimizing (its candidate is every node's first instruction).
    `work`: called at render time for (total, unit) of the work expected (`expected_work`), or None.
    """

    def __init__(self, baseline: Any, work: Callable[[], tuple[int, str] | None] = lambda: None) -> None:
        self._lock = threading.RLock()  # the renderers below read under it too
        self._work = work
        self.baseline: Candidate = candidate_of(baseline)
        """What the program gave each node before optimizing."""
        self.state: OptimizeState = "idle"
        self.phase: Phase | str = "not started"
        """The optimizer's phase (`optimize_events.PHASES`), or what the view does around it."""
        self.phases: list[Phase] = []
        """Every phase the optimizer went through, in order (a phase again after another, again)."""
        self.trials: list[Trial] = []
        self.best: Trial | None = None
        """The best trial so far (see the module docstring)."""
        self.nodes: dict[str, NodeSeen] = {}
        self.examples_done = 0
        """Calls of the program ended (trials' examples and bootstrapping's)."""
        self.examples_failed = 0
        self.started: float | None = None
        self.ended: float | None = None
        self.compiled: float | None = None
        """When the optimizer's `compile` returned (or was stopped): the optimization's own time ends here."""
        self.error: str | None = None
        """The exception that ended the run (the optimizer's `compile`, or a before/after batch), as one line."""
        self.final: Candidate | None = None
        """What the returned program gives each node (set when the run ends)."""
        self.note = ""
        """What the returned program is (the optimizer's result, or on a stop the best candidate seen)."""
        self._seen(self.baseline)

    # -- folding -------------------------------------------------------------------------------

    def start(self) -> None:
        """The optimizer starts now."""
        with self._lock:
            self.state, self.phase, self.started = "optimizing", "starting", time.time()

    def apply(self, event: OptimizeEvent) -> None:
        """Fold one event (called from the optimizer's threads)."""
        with self._lock:
            if isinstance(event, PhaseChanged):
                self.phase = event.phase
                self.phases.append(event.phase)
            elif isinstance(event, TrialStarted):
                self.trials.append(Trial(event.number, event.candidate, event.examples, event.on, event.kind,
                                         event.at, event.program))
                self._seen(event.candidate)
            elif isinstance(event, TrialEnded):
                trial = self._trial(event.number)
                if trial is not None:
                    trial.score, trial.error, trial.ended = event.score, event.error, event.at
                    if trial.score is not None and self._better(trial):
                        if self.best is not None:
                            self.best.program = None
                        self.best = trial
                    else:
                        trial.program = None  # only the best candidate is kept (a stop returns a copy of it)
            elif isinstance(event, ExampleDone):
                self.examples_done += 1
                if event.error is not None:
                    self.examples_failed += 1
                    trial = next((t for t in reversed(self.trials) if t.ended is None), None)
                    if trial is not None:
                        trial.failed_examples += 1
                        trial.first_failure = trial.first_failure or event.error

    def _trial(self, number: int) -> Trial | None:
        return next((t for t in reversed(self.trials) if t.number == number), None)

    def _better(self, trial: Trial) -> bool:
        return self.best is None or beats(trial, self.best)

    def _seen(self, candidate: Candidate) -> None:
        for node, c in candidate.items():
            seen = self.nodes.setdefault(node, NodeSeen())
            if c.instructions not in seen.instructions:
                seen.instructions.append(c.instructions)
            seen.max_demos = max(seen.max_demos, c.demos)

    def set_phase(self, state: OptimizeState, phase: str) -> None:
        """The view moved on (evaluating before/after, finished, stopped, failed)."""
        with self._lock:
            self.state, self.phase = state, phase
            if state in ("finished", "stopped", "failed"):
                self.ended = self.ended or time.time()

    def returned(self, program: Any, note: str) -> None:
        """The run returns `program`: what it gives each node, and what it is."""
        with self._lock:
            self.compiled = time.time()
            self.final = candidate_of(program)
            self._seen(self.final)
            self.note = note

    # -- reading ----------------------------------------------------------------------------

    def scores(self) -> list[tuple[int, float]]:
        """(trial number, score) of every trial that got a score, in order."""
        with self._lock:
            return [(t.number, t.score) for t in self.trials if t.score is not None]

    def progress(self) -> Progress:
        """Trials (or examples) done of those expected, and the time left at the pace so far."""
        work = self._work()
        with self._lock:
            if work is None or work[1] != "examples":
                done = sum(t.ended is not None for t in self.trials)
            else:
                done = self.examples_done
            total, unit = work if work is not None else (None, "trials")
            left = None
            if total and done and self.started is not None and self.state == "optimizing":
                elapsed = time.time() - self.started
                left = max(0.0, elapsed / done * (total - done))
            return Progress(done, total, unit, left)

    def in_best(self) -> Candidate:
        """What the best program gives each node: the returned program's once known, else the best trial's
        candidate, else the baseline's."""
        with self._lock:
            if self.final is not None:
                return dict(self.final)
            return dict(self.best.candidate) if self.best is not None else dict(self.baseline)


# -- rendering ----------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f} s" if value < 90 else f"{value / 60:.1f} min"


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _badge(node: str, seen: NodeSeen, best: NodeCandidate | None) -> dict[str, Any]:
    """One node's badge: demos and instruction candidates seen, which are in the best program."""
    index = seen.instructions.index(best.instructions) + 1 if best and best.instructions in seen.instructions else 0
    demos = best.demos if best else 0
    text = f"{demos} demos · instr. {index}/{len(seen.instructions)}"
    title = (f"{node}: {len(seen.instructions)} instruction candidate(s) seen, best program uses #{index}"
             f" ({'the original' if index == 1 else 'a new one'}); {demos} demo(s) in the best program,"
             f" up to {seen.max_demos} in a candidate")
    return {"demos": demos, "max_demos": seen.max_demos, "candidates": len(seen.instructions),
            "in_best": index, "text": text, "title": title}


def graph_badges(model: OptimizeModel) -> dict[str, dict[str, Any]]:
    """Node -> its badge (`_badge`)."""
    with model._lock:  # the optimizer's threads may be folding a new candidate in
        best = model.in_best()
        return {node: _badge(node, seen, best.get(node)) for node, seen in model.nodes.items()}


def status_text(model: OptimizeModel) -> str:
    """The status line (``trials · 5/9 trials · 12 s left · best 80.0 (trial 4)``)."""
    p = model.progress()
    parts = [model.state if model.state not in ("optimizing",) else str(model.phase)]
    parts.append(f"{p.done}/{p.total} {p.unit}" if p.total else f"{p.done} {p.unit}")
    if p.left is not None:
        parts.append(f"about {_seconds(p.left)} left")
    best = model.best
    if best is not None and best.score is not None:
        parts.append(f"best {_score(best.score)} (trial {best.number})")
    if model.examples_failed:
        parts.append(f"{model.examples_failed} example run(s) failed")
    return " · ".join(parts)


def optimize_json(model: OptimizeModel) -> dict[str, Any]:
    """Phase, progress, the trials for the plot (with the best-so-far line) and the per-node badges."""
    p = model.progress()
    with model._lock:  # the optimizer's threads may be folding
        trials = list(model.trials[-MAX_TRIALS_SENT:])
        best = model.best
    points, running_best, line = [], None, []
    for t in trials:
        if t.score is not None and (running_best is None or beats(t, running_best)):
            running_best = t
        points.append({
            "n": t.number, "score": t.score, "on": t.on, "kind": t.kind or "", "examples": t.examples,
            "failed": t.failed_examples, "failure": t.first_failure or "", "error": t.error or "",
            "best": best is not None and t.number == best.number, "running": t.ended is None,
        })
        if running_best is not None:
            line.append([t.number, running_best.score])
    return {
        "state": model.state,
        "phase": str(model.phase),
        "status": status_text(model),
        "progress": {"done": p.done, "total": p.total, "unit": p.unit, "fraction": p.fraction,
                     "left": _seconds(p.left)},
        "trials": points,
        "best_line": line,
        "best": None if best is None else {"n": best.number, "score": best.score, "text": _score(best.score)},
        "error": model.error,
        "note": model.note,
    }


_RANK = {"valset": 2, "trainset": 1, "subset": 0}


def beats(trial: Trial, best: Trial) -> bool:
    """Whether scored `trial` beats `best`: a valset evaluation beats a trainset one, which beats a minibatch;
    on the same kind of set, the higher score."""
    if best.score is None:
        return True
    if _RANK[trial.on] != _RANK[best.on]:
        return _RANK[trial.on] > _RANK[best.on]
    return trial.score is not None and trial.score > best.score
