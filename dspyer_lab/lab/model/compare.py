"""Two runs, or two batches, side by side: what changed per node, where the paths part, which examples got
fixed or broken.

Pure Python over events and per-example results (no store, no widget: `presenter_compare` finds them):

- `compare_runs(a_events, b_events)`: per node, each run's visits (inputs, output patch, validation errors,
  model messages and completions, timings, tokens) paired by visit number, the fields that changed with a
  word diff of their texts (`text_diff`), each run's path as a node sequence and where the two first part.
- `compare_batches(a, b)`: examples paired by input index (refused with `BatchMismatchError` when the two
  datasets differ), each example fixed / broken / same / changed, the mean score's change with a paired
  bootstrap 95% confidence interval (`ScoreDelta`), and per node the change of retry rate, failure rate and
  p50 duration.

Values are masked here with the caller's `Masker` (runs read from a store are masked already; masking again
changes nothing), so a comparison holds no secret the masker knows. Changes are found on the whole values;
their texts are clipped to `TEXT_LIMIT` (`shown`) to be shown and diffed, so a huge value costs its size once.
"""

from __future__ import annotations

import difflib
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ...core.exceptions import BatchMismatchError
from ..textview import Masker, clipped_text, one_line, to_text
from .runmodel import NodeVisit, RunModel, introduced

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "DEFAULT_PASS_THRESHOLD",
    "OUTCOMES",
    "BatchComparison",
    "BatchSide",
    "CallSide",
    "Divergence",
    "ExampleComparison",
    "ExampleResult",
    "FieldChange",
    "NodeComparison",
    "NodeDelta",
    "RunComparison",
    "ScoreDelta",
    "VisitSide",
    "compare_batches",
    "compare_runs",
    "shown",
    "text_diff",
]

TEXT_LIMIT = 4000
"""Characters of a value's text shown and diffed (the rest is cut, saying how much): a word diff costs
(words of A) x (words of B) at worst."""
DEFAULT_PASS_THRESHOLD = 1.0
"""An example passes when its run finished and its score is at least this. A metric returning True/False
scores 1.0/0.0, so True passes and False does not; a float metric passes at full marks only: give
`pass_threshold=` to count, say, 0.8 as a pass; a finished run the metric could not score does not pass.
Without a metric (on either batch) a finished run passes."""
BOOTSTRAP_RESAMPLES = 2000
"""Paired bootstrap resamples of the per-example score differences."""
BOOTSTRAP_SEED = 0
"""The bootstrap's seed: the same two batches always give the same interval."""

DiffOp = tuple[Literal["=", "-", "+"], str]
NodeDiff = Literal["same", "changed", "only-a", "only-b"]
Outcome = Literal["fixed", "broken", "same", "changed"]
OUTCOMES: tuple[Outcome, ...] = ("fixed", "broken", "same", "changed")
"""An example's outcome from batch A to batch B (see `ExampleComparison`)."""

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")
_ABSENT = object()


def shown(value: Any) -> str:
    """`value` as text to show and diff: a string as it is, JSON indented when short; cut to `TEXT_LIMIT`."""
    text, cut = clipped_text(value, TEXT_LIMIT)
    return text if cut or isinstance(value, str) else to_text(value, 1)


def text_diff(a: str, b: str) -> list[DiffOp]:
    """A word diff of `a` into `b` (each clipped to `TEXT_LIMIT`): ``("=", kept)``, ``("-", deleted)``,
    ``("+", inserted)`` runs in order; whitespace and punctuation are words of their own."""
    ta = _WORDS.findall(clipped_text(a, TEXT_LIMIT)[0])
    tb = _WORDS.findall(clipped_text(b, TEXT_LIMIT)[0])
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", "".join(ta[i1:i2])))
        if j2 > j1:
            ops.append(("+", "".join(tb[j1:j2])))
    return ops


# -- two runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallSide:
    """One model call of a visit (masked): what was sent, what came back, its tokens and seconds."""

    model: str
    messages: list[dict[str, str]]
    completion: str
    tokens: int | None
    duration: float | None


@dataclass(frozen=True)
class VisitSide:
    """One visit of a node in one run, masked: what it read, wrote, was refused and asked the model."""

    visit: int
    status: str
    inputs: dict[str, Any]
    output: dict[str, Any]
    """The visit's patch (what it wrote to the state); empty when it wrote nothing or failed."""
    errors: list[str]
    """Validation errors of its rejected answers, then the error it failed with, if any."""
    calls: list[CallSide]
    duration: float | None
    attempts: int | None
    tokens: int

    def fields(self) -> dict[str, Any]:
        """The visit's comparable fields: ``input.<key>``, ``output.<key>`` (values), then as text its errors,
        the messages sent, the completions and its status."""
        out = {f"input.{k}": v for k, v in self.inputs.items()}
        out.update({f"output.{k}": v for k, v in self.output.items()})
        out["errors"] = "\n".join(self.errors)
        out["messages"] = "\n\n".join(f"[{m['role']}]\n{m['content']}" for c in self.calls for m in c.messages)
        out["completion"] = "\n\n".join(c.completion for c in self.calls)
        out["status"] = self.status
        return out


@dataclass(frozen=True)
class FieldChange:
    """A field whose value differs between the two runs' visit `visit` of a node (missing on a side: "")."""

    field: str
    """``input.<key>``, ``output.<key>``, ``errors``, ``messages``, ``completion``, ``status`` or ``visits``."""
    visit: int
    a: str
    """A's value as shown (`shown`)."""
    b: str

    @cached_property
    def diff(self) -> list[DiffOp]:
        """The word diff of A's text into B's (`text_diff`), made once."""
        return text_diff(self.a, self.b)


@dataclass(frozen=True)
class NodeComparison:
    """One node in both runs: its visits on each side (paired by visit number) and what changed."""

    node: str
    diff: NodeDiff
    a: list[VisitSide]
    b: list[VisitSide]
    changes: list[FieldChange]

    @property
    def changed_fields(self) -> list[str]:
        """The names of the fields that changed, each once, in order."""
        return list(dict.fromkeys(c.field for c in self.changes))


@dataclass(frozen=True)
class Divergence:
    """Where the two runs' node sequences first differ: at `step` (0-based), after node `after` (both ran it),
    A went to `a` and B to `b` (None: that run stopped there)."""

    step: int
    after: str | None
    a: str | None
    b: str | None


@dataclass(frozen=True)
class RunComparison:
    """Two runs compared node by node (`compare_runs`)."""

    nodes: dict[str, NodeComparison]
    """Every node either run visited, in A's order of first visits, then B's."""
    a_path: list[str]
    b_path: list[str]
    divergence: Divergence | None
    """None when both runs visited the same nodes in the same order."""
    a_status: str
    b_status: str
    a_output: Any
    b_output: Any
    a_duration: float | None
    b_duration: float | None
    a_tokens: int
    b_tokens: int
    a_routes: list[tuple[str, str, str | None]] = field(default_factory=list)
    """Every (source, target, decision) run A routed along, once each (where its path goes on the graph)."""
    b_routes: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def only_a(self) -> list[str]:
        """Nodes only run A visited."""
        return [n for n, c in self.nodes.items() if c.diff == "only-a"]

    @property
    def only_b(self) -> list[str]:
        """Nodes only run B visited."""
        return [n for n, c in self.nodes.items() if c.diff == "only-b"]

    @property
    def changed(self) -> dict[str, list[str]]:
        """Node -> the fields that changed, for each node visited by both runs whose visits differ."""
        return {n: c.changed_fields for n, c in self.nodes.items() if c.diff == "changed"}


def _masked_run(events: Sequence[Mapping[str, Any]], masker: Masker) -> RunModel:
    for event in events:  # every secret of the run first: one quoted before its introduction is masked too
        masker.learn(introduced(event))
    return RunModel.replay(events)


def _visit_side(visit: NodeVisit, masker: Masker) -> VisitSide:
    text = masker.mask_text
    errors = [text(f.error) for f in visit.failures] + ([text(visit.error)] if visit.error else [])
    calls = [
        CallSide(
            model=c.model,
            messages=[{"role": m["role"], "content": text(m["content"])} for m in c.messages],
            completion=text(c.completion),
            tokens=None if c.prompt_tokens is None and c.completion_tokens is None
            else (c.prompt_tokens or 0) + (c.completion_tokens or 0),
            duration=c.duration,
        )
        for c in visit.calls
    ]
    return VisitSide(
        visit=visit.visit, status=visit.status, inputs=masker.mask(dict(visit.inputs)),
        output=masker.mask(dict(visit.patch or {})), errors=errors, calls=calls, duration=visit.duration,
        attempts=visit.attempts, tokens=sum(c.tokens or 0 for c in calls),
    )


def _node_changes(a: list[VisitSide], b: list[VisitSide]) -> list[FieldChange]:
    changes = []
    if len(a) != len(b):
        changes.append(FieldChange("visits", 0, str(len(a)), str(len(b))))
    for va, vb in zip(a, b, strict=False):
        fa, fb = va.fields(), vb.fields()
        for name in dict.fromkeys([*fa, *fb]):
            if fa.get(name, _ABSENT) != fb.get(name, _ABSENT):
                changes.append(FieldChange(name, va.visit, shown(fa.get(name, "")), shown(fb.get(name, ""))))
    return changes


def _divergence(a: list[str], b: list[str]) -> Divergence | None:
    if a == b:
        return None
    step = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return Divergence(step, a[step - 1] if step else None, a[step] if step < len(a) else None,
                      b[step] if step < len(b) else None)


def _run_end(run: RunModel, masker: Masker) -> tuple[str, Any, float | None, int]:
    output = run.finished.get("output") if run.finished else None
    duration = run.finished.get("duration") if run.finished else None
    return run.status, masker.mask(output), duration, run.call_totals.tokens


def compare_runs(
    a_events: Sequence[Mapping[str, Any]], b_events: Sequence[Mapping[str, Any]], *, masker: Masker | None = None
) -> RunComparison:
    """Compare two runs' events node by node (see `RunComparison`); values masked with `masker` (a new
    default one if None) after it learns both runs' secrets."""
    masker = masker or Masker()
    run_a, run_b = _masked_run(a_events, masker), _masked_run(b_events, masker)
    visits_a: dict[str, list[VisitSide]] = {}
    visits_b: dict[str, list[VisitSide]] = {}
    for run, into in ((run_a, visits_a), (run_b, visits_b)):
        for visit in run.visits:
            into.setdefault(visit.node, []).append(_visit_side(visit, masker))
    nodes = {}
    for name in dict.fromkeys([*visits_a, *visits_b]):
        a, b = visits_a.get(name, []), visits_b.get(name, [])
        changes = _node_changes(a, b) if a and b else []
        diff: NodeDiff = "only-b" if not a else "only-a" if not b else "changed" if changes else "same"
        nodes[name] = NodeComparison(name, diff, a, b, changes)
    path_a, path_b = [v.node for v in run_a.visits], [v.node for v in run_b.visits]
    (status_a, out_a, dur_a, tok_a), (status_b, out_b, dur_b, tok_b) = _run_end(run_a, masker), _run_end(run_b, masker)
    return RunComparison(nodes, path_a, path_b, _divergence(path_a, path_b), status_a, status_b, out_a, out_b,
                         dur_a, dur_b, tok_a, tok_b, list(run_a.path().counts), list(run_b.path().counts))


# -- two batches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleResult:
    """One example of a batch: its inputs, how its run ended, its score and output (masked)."""

    index: int
    inputs: Any
    """None when not known (a stored example without a run): then it is not checked against the other batch."""
    status: str
    score: float | None
    output: Any
    run_id: str | None = None

    def passes(self, threshold: float | None) -> bool:
        """Whether the run finished and scored at least `threshold` (None: the batches had no metric; a finished
        run passes). A run the metric could not score does not pass."""
        return self.status == "finished" and (threshold is None or (self.score is not None and self.score >= threshold))


@dataclass(frozen=True)
class BatchSide:
    """One batch as compared: its examples by input index and its per-node stats (`NodeStats.as_dict`)."""

    examples: dict[int, ExampleResult]
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    scored: bool = False
    """Whether the batch had a metric (else the score compared is the pass rate)."""


@dataclass(frozen=True)
class ExampleComparison:
    """One input in both batches. `outcome`: ``fixed`` (did not pass in A, passes in B), ``broken`` (the
    reverse), ``same`` (same pass state, same output), ``changed`` (same pass state, another output)."""

    index: int
    outcome: Outcome
    a: ExampleResult
    b: ExampleResult
    delta: float
    """B's score minus A's (see `ScoreDelta` for what a score is)."""


@dataclass(frozen=True)
class ScoreDelta:
    """mean(B) - mean(A) over the paired examples, with a paired bootstrap 95% confidence interval.

    A score is the metric's (True 1.0, False 0.0), a run that failed or was not scored counting 0.0 (as
    `dspy.Evaluate` does); without a metric on either side it is the pass rate (1.0 passes, 0.0 not). The
    interval: `BOOTSTRAP_RESAMPLES` resamples (seed `BOOTSTRAP_SEED`) of the n per-example differences,
    their means' 2.5th and 97.5th percentiles."""

    mean_a: float
    mean_b: float
    delta: float
    low: float
    high: float
    n: int
    measure: Literal["score", "pass rate"]

    @property
    def text(self) -> str:
        """``+0.12 (95% CI +0.04 to +0.20, n=50)``."""
        if self.n == 0:
            return "no examples to compare"
        return f"{self.delta:+.2f} (95% CI {self.low:+.2f} to {self.high:+.2f}, n={self.n})"


@dataclass(frozen=True)
class NodeDelta:
    """One node's stats in each batch (`NodeStats.as_dict`, None: it did not run there) and B minus A."""

    node: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None
    retry_rate: float | None
    failure_rate: float | None
    p50: float | None
    """Seconds; None when a side has no duration."""


@dataclass(frozen=True)
class BatchComparison:
    """Two batches over the same inputs, example by example and node by node (`compare_batches`)."""

    examples: list[ExampleComparison]
    counts: dict[str, int]
    """Outcome -> examples (every one of `OUTCOMES`)."""
    score: ScoreDelta
    nodes: dict[str, NodeDelta]
    pass_threshold: float


def _score(example: ExampleResult, scored: bool) -> float:
    if not scored:
        return 1.0 if example.passes(None) else 0.0
    return float(example.score) if example.status == "finished" and example.score is not None else 0.0


def bootstrap_ci(diffs: Sequence[float], resamples: int = BOOTSTRAP_RESAMPLES,
                 seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """The 95% percentile interval of the mean of `diffs` over `resamples` seeded resamples with replacement."""
    if not diffs:
        return 0.0, 0.0
    rng, n = random.Random(seed), len(diffs)
    means = sorted(math.fsum(rng.choices(diffs, k=n)) / n for _ in range(resamples))
    return means[int(0.025 * (resamples - 1))], means[math.ceil(0.975 * (resamples - 1))]


def _check_same_inputs(a: BatchSide, b: BatchSide) -> None:
    if len(a.examples) != len(b.examples) or set(a.examples) != set(b.examples):
        first = min(set(a.examples) ^ set(b.examples), default=None)
        raise BatchMismatchError(f"A has {len(a.examples)} inputs and B {len(b.examples)}"
                                 + (f"; input {first} is in one only" if first is not None else ""))
    for index in sorted(a.examples):
        ia, ib = a.examples[index].inputs, b.examples[index].inputs
        if ia is not None and ib is not None and ia != ib:
            raise BatchMismatchError(f"input {index} differs: A {one_line(ia, 60)} vs B {one_line(ib, 60)}")


def _node_delta(name: str, a: dict[str, Any] | None, b: dict[str, Any] | None) -> NodeDelta:
    def minus(key: str) -> float | None:
        va = a.get(key) if a else (0.0 if key != "p50" else None)
        vb = b.get(key) if b else (0.0 if key != "p50" else None)
        return None if va is None or vb is None else vb - va

    return NodeDelta(name, a, b, minus("retry_rate"), minus("failure_rate"), minus("p50"))


def compare_batches(a: BatchSide, b: BatchSide, *, pass_threshold: float = DEFAULT_PASS_THRESHOLD) -> BatchComparison:
    """Compare two batches over the same inputs (`BatchMismatchError` otherwise: another count, or the first
    index whose inputs differ); see `ExampleComparison`, `ScoreDelta` and `NodeDelta`."""
    _check_same_inputs(a, b)
    scored = a.scored or b.scored
    threshold = pass_threshold if scored else None
    examples = []
    for index in sorted(a.examples):
        ea, eb = a.examples[index], b.examples[index]
        pa, pb = ea.passes(threshold), eb.passes(threshold)
        outcome: Outcome = ("fixed" if pb else "broken") if pa != pb else "same" if ea.output == eb.output else "changed"
        delta = _score(eb, scored) - _score(ea, scored)
        examples.append(ExampleComparison(index, outcome, ea, eb, delta))
    n = len(examples)
    mean_a = math.fsum(_score(e.a, scored) for e in examples) / n if n else 0.0
    mean_b = math.fsum(_score(e.b, scored) for e in examples) / n if n else 0.0
    low, high = bootstrap_ci([e.delta for e in examples])
    score = ScoreDelta(mean_a, mean_b, mean_b - mean_a, low, high, n, "score" if scored else "pass rate")
    counts: dict[str, int] = {o: sum(e.outcome == o for e in examples) for o in OUTCOMES}
    nodes = {name: _node_delta(name, a.nodes.get(name), b.nodes.get(name)) for name in dict.fromkeys([*a.nodes, *b.nodes])}
    return BatchComparison(examples, counts, score, nodes, pass_threshold)

