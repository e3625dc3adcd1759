"""The typed events of an optimization, as an `OptimizeObserver` sees them through DSPy's own hooks.

One definition per kind, built by the observer (optimize_observer.py) in the optimizer's threads and folded by
`OptimizeModel` (optimize.py). Plain frozen dataclasses: nothing in them refers to the optimizer's objects
except `TrialStarted.program`, the candidate itself, kept so the best one can be returned if the run is stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "PHASES",
    "Candidate",
    "ExampleDone",
    "NodeCandidate",
    "OptimizeEvent",
    "Phase",
    "PhaseChanged",
    "TrialEnded",
    "TrialStarted",
    "candidate_of",
    "predictors_of",
]

Phase = Literal["starting", "bootstrapping demos", "proposing instructions", "trials"]
PHASES: tuple[Phase, ...] = ("starting", "bootstrapping demos", "proposing instructions", "trials")
"""What the optimizer is doing, as far as its hooks tell: a nested few-shot compile bootstraps demos, a predictor
of the optimizer's own (not the program's) proposes instructions, an evaluation is a trial."""


@dataclass(frozen=True)
class NodeCandidate:
    """One node of a candidate program: its predictor's instructions and how many demos it holds."""

    instructions: str
    demos: int


Candidate = dict[str, NodeCandidate]
"""Node (or predictor name, for a program that is not dspyer-lab's) -> what that candidate gives it."""


def predictors_of(program: Any) -> dict[str, Any]:
    """The program's predictors by node (dspyer-lab's `node_predictors`), else by DSPy's predictor names."""
    nodes = getattr(program, "node_predictors", None)
    if isinstance(nodes, dict):
        return dict(nodes)
    return dict(program.named_predictors()) if hasattr(program, "named_predictors") else {}


def candidate_of(program: Any) -> Candidate:
    """What `program` gives each of its predictors (instructions, demo count)."""
    return {
        name: NodeCandidate(str(getattr(p.signature, "instructions", "")), len(getattr(p, "demos", None) or ()))
        for name, p in predictors_of(program).items()
    }


@dataclass(frozen=True)
class PhaseChanged:
    """The optimizer moved to `phase` (seen at `at`, seconds since the epoch)."""

    phase: Phase
    at: float


@dataclass(frozen=True)
class TrialStarted:
    """A `dspy.Evaluate` of a candidate began: DSPy's trials are evaluations, whatever the optimizer."""

    number: int
    """1, 2, ... in the order the evaluations started."""
    candidate: Candidate
    examples: int
    """How many examples it evaluates."""
    on: Literal["valset", "trainset", "subset"]
    """Which set: the whole valset, the whole trainset, or a part of them (a minibatch)."""
    kind: str | None
    """The optimizer's own label for it (``callback_metadata["metric_key"]``: eval_full, eval_minibatch), if any."""
    program: Any
    """The candidate evaluated (the optimizer's object, not copied: copied only if it is returned on a stop)."""
    at: float


@dataclass(frozen=True)
class TrialEnded:
    """Trial `number` ended: its score as DSPy reports it (`EvaluationResult.score`, a percentage), or the error
    that ended the evaluation itself (then score is None)."""

    number: int
    score: float | None
    error: str | None
    at: float


@dataclass(frozen=True)
class ExampleDone:
    """One call of the program ended (an example of a trial or of bootstrapping); `error`: how it failed, if it did."""

    error: str | None
    at: float


OptimizeEvent = PhaseChanged | TrialStarted | TrialEnded | ExampleDone
