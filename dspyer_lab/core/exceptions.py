"""Every error dspyer-lab raises on purpose, in one place: one family under `DspyerLabError`.

Each error keeps what is at fault (node, field, decision, value) as attributes and formats
its message from them, so a one-line message in a notebook is enough to fix the graph and
code can still read the details. (`ScriptError`, `DotNotFoundError` and the notebook's cell
error live next to the code that raises them, in the same family.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DspyerLabError",
    "GraphDefinitionError",
    "NodeInputError",
    "NodeOutputError",
    "NodeValidationError",
    "RouteError",
    "MaxStepsExceeded",
    "ParallelWriteError",
    "OutputModelError",
    "RunStateError",
    "CallOptionError",
    "CheckpointError",
    "OptionValueError",
    "RunPaused",
    "InterruptError",
    "ArgumentTypeError",
    "BatchInputError",
    "BatchIndexError",
    "BatchMismatchError",
    "BatchStateError",
    "MetricError",
    "NodeStopIteration",
    "MissingDependencyError",
    "EventLoopError",
    "StoreError",
    "StoreVersionError",
    "UnknownRunError",
]


class DspyerLabError(Exception):
    """Base class of every error dspyer-lab raises on purpose.

    A subclass passes its constructor arguments to ``super().__init__`` (so it pickles, e.g.
    across a process pool of a parallel evaluation) and formats its message in `message()`.
    """

    def message(self) -> str:
        """The text of this error, built from its attributes."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:  # also stops KeyError subclasses from repr()-ing the message
        return self.message()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self.args)


class GraphDefinitionError(DspyerLabError, ValueError):
    """The graph is malformed: caught when it is built or compiled, before any model call."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        """What is wrong with the graph, naming the node, edge or field."""


def _listed(names: Sequence[Any]) -> str:
    return ", ".join(map(repr, names)) or "nothing"


class NodeInputError(DspyerLabError, KeyError):
    """A node's `input_model` could not be filled from the state (a field is missing or invalid)."""

    def __init__(
        self, node: str, input_model: str, fields: Sequence[str], state_keys: Sequence[str], detail: str | None = None
    ) -> None:
        super().__init__(node, input_model, fields, state_keys, detail)
        self.node = node
        """The node whose inputs are missing or invalid."""
        self.input_model = input_model
        """The name of the node's input model."""
        self.fields = list(fields)
        """The state fields at fault."""
        self.state_keys = list(state_keys)
        """The fields the state had."""
        self.detail = detail
        """The validation errors, when the fields were present but invalid (None: they were missing)."""

    def message(self) -> str:
        if self.detail is None:
            return (
                f"Node '{self.node}' needs state field(s) {_listed(self.fields)} ({self.input_model}); "
                f"the state has: {_listed(self.state_keys)}"
            )
        return f"Node '{self.node}' got invalid input {self.fields} ({self.input_model}): {self.detail}"


class NodeOutputError(DspyerLabError, TypeError):
    """A Python node returned something that is not a patch (a dict or None)."""

    def __init__(self, node: str, problem: str) -> None:
        super().__init__(node, problem)
        self.node = node
        """The Python node at fault."""
        self.problem = problem
        """What it returned or wrote, and what is expected instead."""

    def message(self) -> str:
        return f"Python node '{self.node}' {self.problem}"


class NodeValidationError(DspyerLabError):
    """An LLM node's output broke its contract on every attempt (self-correction exhausted)."""

    def __init__(self, node: str, attempts: int, messages: str, raw_output: Any, failed_fields: list[str]) -> None:
        super().__init__(node, attempts, messages, raw_output, failed_fields)
        self.node = node
        """The node that kept failing."""
        self.attempts = attempts
        """How many times the model was asked."""
        self.messages = messages
        """The validator messages of the last attempt, as text."""
        self.raw_output = raw_output
        """What the model said on the last attempt (kept so nothing is lost)."""
        self.failed_fields = failed_fields
        """The output fields that failed on the last attempt."""

    def message(self) -> str:
        return (
            f"Node '{self.node}' produced no valid output after {self.attempts} attempt(s). "
            f"Last validation errors:\n{self.messages}"
        )


class RouteError(DspyerLabError, KeyError):
    """A router returned a decision that its `path_map` does not know."""

    def __init__(self, node: str, decision: Any, allowed: list[str]) -> None:
        super().__init__(node, decision, allowed)
        self.node = node
        """The node whose router decided."""
        self.decision = decision
        self.allowed = allowed
        """The keys of the router's path_map."""

    def message(self) -> str:
        return (
            f"Router of node '{self.node}' returned decision {self.decision!r}, which is not in its path_map; "
            f"allowed: {', '.join(repr(k) for k in self.allowed)}"
        )


class ParallelWriteError(DspyerLabError, ValueError):
    """Two branches of one superstep wrote a state field that declares no reducer to merge their writes."""

    def __init__(self, field: str, first: str, second: str, node: str) -> None:
        super().__init__(field, first, second, node)
        self.field = field
        self.first = first
        """The instance that wrote the field first in merge order (a node name, ``name[i]`` for a Send instance)."""
        self.second = second
        self.node = node
        """The node of `second`, whose write could not be merged."""

    def message(self) -> str:
        return (
            f"Nodes '{self.first}' and '{self.second}' both wrote field '{self.field}' in one superstep and it has no "
            f"reducer: declare one on an output model (e.g. {self.field}: Annotated[list[str], operator.add]) "
            "or let one branch write it"
        )


class MaxStepsExceeded(DspyerLabError, RuntimeError):
    """The run went past `max_steps` supersteps (usually a loop that never exits)."""

    def __init__(self, max_steps: int, next_node: str, state: dict[str, Any]) -> None:
        super().__init__(max_steps, next_node, state)
        self.max_steps = max_steps
        self.next_node = next_node
        """The node that would have run next (no node failed: the run as a whole went on too long)."""
        self.state = state
        """The state so far."""

    def message(self) -> str:
        return (
            f"Run stopped after max_steps={self.max_steps} steps (supersteps); the next node would have been "
            f"'{self.next_node}'. Raise max_steps (or _max_steps=... per call), or check the loop's exit condition."
        )


class OutputModelError(DspyerLabError, ValueError):
    """The final state does not satisfy the program's `output_model`."""

    def __init__(
        self, output_model: str, missing: Sequence[str], state_keys: Sequence[str], detail: str | None = None
    ) -> None:
        super().__init__(output_model, missing, state_keys, detail)
        self.output_model = output_model
        """The name of the output model."""
        self.missing = list(missing)
        """Required fields the final state lacks."""
        self.state_keys = list(state_keys)
        """The fields the final state has."""
        self.detail = detail
        """The validation errors, when no field was missing but the values were invalid."""

    def message(self) -> str:
        if self.missing:
            return (
                f"The final state lacks field(s) {_listed(self.missing)} required by output model "
                f"{self.output_model}; the state has: {_listed(self.state_keys)}"
            )
        return f"The final state does not satisfy output model {self.output_model}: {self.detail}"


class RunStateError(DspyerLabError, RuntimeError):
    """A `Run` was used out of turn: started twice, or its result read before it finished."""

    def __init__(self, run_id: str, problem: str) -> None:
        super().__init__(run_id, problem)
        self.run_id = run_id
        self.problem = problem

    def message(self) -> str:
        return f"Run {self.run_id} {self.problem}"


class CallOptionError(DspyerLabError, TypeError):
    """A program was called with a per-call option it does not know, upstream dspyer's spelling of one,
    an option given twice (under two spellings), or inputs that are not a dict of state fields."""

    def __init__(
        self, option: str, known: Sequence[str], value: Any = None, upstream: bool = False, problem: str = ""
    ) -> None:
        super().__init__(option, known, value, upstream, problem)
        self.option = option
        """The keyword (or input) at fault, as given."""
        self.known = list(known)
        """The per-call options there are."""
        self.value = value
        """The value given (shown in the suggested spelling)."""
        self.upstream = upstream
        """True: the keyword is upstream dspyer's spelling (no leading underscore) and no node reads such a field."""
        self.problem = problem
        """What is wrong, when it is not one of the above (the message then)."""

    def message(self) -> str:
        if self.problem:
            return self.problem
        if self.upstream:
            return (
                f"{self.option}= is not an input of this program (no node reads a state field {self.option!r}): "
                f"per-call options start with an underscore here, e.g. _{self.option}={self.value!r}"
            )
        if self.option in self.known:
            return f"Option {self.option!r} was given twice (under its own name and an alias); give it once"
        return f"Unknown option {self.option!r}; per-call options are: {', '.join(self.known)}"


class OptionValueError(DspyerLabError, ValueError):
    """A compile option or per-call option has a value it cannot take (`max_steps=0`,
    `_interrupt_before=["nmae"]`, `_lm_calls="yes"`). Raised before anything runs."""

    def __init__(self, option: str, value: Any, expected: str, detail: str = "") -> None:
        super().__init__(option, value, expected, detail)
        self.option = option
        """The option at fault, as spelt where it was given (``max_steps``, ``_interrupt_before``)."""
        self.value = value
        """The value given."""
        self.expected = expected
        """What the option takes."""
        self.detail = detail
        """What exactly is wrong with the value, when its repr does not say (an unknown node's name)."""

    def message(self) -> str:
        text = f"{self.option} must be {self.expected}, got {self.value!r}"
        return f"{text}: {self.detail}" if self.detail else text


class CheckpointError(DspyerLabError, ValueError):
    """A checkpoint, or a resume from one, is malformed: a bad field, a bad `k`, or a state update
    that a key or the next node's input model rejects. Raised before anything runs."""

    def __init__(self, problem: str, key: str | None = None, node: str | None = None) -> None:
        super().__init__(problem, key, node)
        self.problem = problem
        self.key = key
        """The field, argument or state key at fault, if one is."""
        self.node = node
        """The node whose input model rejected an update, if one did."""

    def message(self) -> str:
        return self.problem


class RunPaused(DspyerLabError):
    """A run stopped at a breakpoint or at a question for a person (`aforward` and the sync call raise it).

    Resume with ``program.aforward(_resume=err.checkpoint)`` (optionally with ``_update={...}``); at an
    `interrupt` (``when == "interrupt"``) give the answer too: ``_answer=value`` (``{interrupt_id: value}``
    when several questions wait, as parallel branches ask).
    """

    def __init__(self, node: str, when: str, checkpoint: Any, interrupts: Sequence[Any] = ()) -> None:
        super().__init__(node, when, checkpoint, list(interrupts))
        self.node = node
        """The node at whose breakpoint the run paused, or the (first) node that asked."""
        self.when = when
        """'before' (the node has not run), 'after' (it ran and routed) or 'interrupt' (it asks a person)."""
        self.checkpoint = checkpoint
        """The `Checkpoint` to resume or fork from."""
        self.interrupts: list[Any] = list(interrupts)
        """The questions waiting for an answer (`dspyer_lab.core.events.Interrupt` dicts), in task order."""

    @property
    def value(self) -> Any:
        """The first waiting question's value (what `interrupt(value)` was given); None at a breakpoint."""
        return self.interrupts[0]["value"] if self.interrupts else None

    @property
    def errors(self) -> list[Any]:
        """What was wrong with the last answer to the first question (``[{"loc", "msg"}, ...]``); empty if nothing."""
        return list(self.interrupts[0].get("errors", ())) if self.interrupts else []

    def message(self) -> str:
        if self.when == "interrupt":
            ids = ", ".join(repr(i["id"]) for i in self.interrupts)
            rejected = f" (its last answer was rejected: {self.errors[0]['msg']})" if self.errors else ""
            return (
                f"Run {self.checkpoint.run_id} waits for an answer to node {self.node!r} (interrupt {ids}){rejected}; "
                "resume with _resume=<this error>.checkpoint, _answer=<the answer>"
            )
        return (
            f"Run {self.checkpoint.run_id} paused {self.when} node {self.node!r} (step {self.checkpoint.step}); "
            f"resume with _resume=<this error>.checkpoint"
        )


class InterruptError(DspyerLabError, ValueError):
    """`interrupt()` or an answer used wrongly: called outside a node, a value that is not JSON, an answer with no
    question waiting, an unknown interrupt id. Raised where the mistake is (in the node, or before a resume runs)."""

    def __init__(self, problem: str, node: str | None = None) -> None:
        super().__init__(problem, node)
        self.problem = problem
        self.node = node
        """The node at fault, when there is one."""

    def message(self) -> str:
        return self.problem


class ArgumentTypeError(DspyerLabError, TypeError):
    """An argument of the wrong kind: one dict where a list of inputs goes, a metric that is not callable,
    a keyword a batch call does not take. Raised before anything runs."""

    def __init__(self, argument: str, problem: str) -> None:
        super().__init__(argument, problem)
        self.argument = argument
        """The argument at fault (``inputs``, ``inputs[2]``, ``metric``, a keyword)."""
        self.problem = problem

    def message(self) -> str:
        return self.problem


class BatchInputError(DspyerLabError, ValueError):
    """One input of a batch cannot be a run's input state (a `dspy.Example` without input keys,
    a key starting with ``_``). Raised before anything runs."""

    def __init__(self, index: int, problem: str) -> None:
        super().__init__(index, problem)
        self.index = index
        """The input's position in the batch."""
        self.problem = problem

    def message(self) -> str:
        return f"Batch input {self.index} {self.problem}"


class BatchIndexError(DspyerLabError, IndexError):
    """A batch was asked about an input index it does not have."""

    def __init__(self, index: int, total: int) -> None:
        super().__init__(index, total)
        self.index = index
        self.total = total

    def message(self) -> str:
        return f"batch input index {self.index} out of range (the batch has {self.total} inputs)"


class BatchStateError(DspyerLabError, RuntimeError):
    """A `Batch` was used out of turn: run twice, or its outcomes read before every run ended."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def message(self) -> str:
        return self.problem


class MetricError(DspyerLabError, TypeError):
    """A batch's metric returned something that is not a score (kept in `batch.metric_errors`, never raised out)."""

    def __init__(self, index: int, value: Any) -> None:
        super().__init__(index, value)
        self.index = index
        """The batch input whose run was scored."""
        self.value = value
        """What the metric returned."""

    def message(self) -> str:
        return f"the metric returned {self.value!r} for batch input {self.index}; return a bool or a number"


class NodeStopIteration(DspyerLabError, RuntimeError):
    """A Python node or router raised `StopIteration`, which can cross neither a generator nor a future.

    A RuntimeError chained to the StopIteration, as Python makes of one leaving a generator."""

    def __init__(self, node: str, stop: str, router: bool = False) -> None:
        super().__init__(node, stop, router)
        self.node = node
        """The node that raised it (or whose router did)."""
        self.stop = stop
        """The StopIteration's own message ('' when it had none)."""
        self.router = router
        """True: the node's router raised it."""

    def message(self) -> str:
        where = f"Router of node {self.node!r}" if self.router else f"Node {self.node!r}"
        return f"{where} raised StopIteration: {self.stop or '(no message)'}"


class MissingDependencyError(DspyerLabError, ImportError):
    """An optional package a feature needs is not installed."""

    def __init__(self, feature: str, package: str) -> None:
        super().__init__(feature, package)
        self.feature = feature
        """What needs it (``BatchStats.to_pandas``)."""
        self.package = package
        """The package to install."""

    def message(self) -> str:
        return f"{self.feature} needs {self.package} (pip install {self.package})"


class EventLoopError(DspyerLabError, RuntimeError):
    """Something needs a running asyncio event loop (a Jupyter kernel's) and there is none."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def message(self) -> str:
        return self.problem


class StoreError(DspyerLabError):
    """The run store cannot do what was asked (its file, a value it was given); the message names it."""


class StoreVersionError(StoreError):
    """A run store file written by a newer dspyer-lab (its schema version is past the one this one knows)."""

    def __init__(self, path: str, found: int, known: int) -> None:
        super().__init__(path, found, known)
        self.path = path
        self.found = found
        """The schema version in the file."""
        self.known = known
        """The newest schema version this dspyer-lab reads."""

    def message(self) -> str:
        return (
            f"run store {self.path!r} has schema version {self.found}, newer than this dspyer-lab reads "
            f"(up to {self.known}): upgrade dspyer-lab or use another DSPYER_LAB_STORE"
        )


class UnknownRunError(StoreError, KeyError):
    """A run id the store does not hold."""

    def __init__(self, run_id: Any, path: str) -> None:
        super().__init__(run_id, path)
        self.run_id = run_id
        self.path = path

    def message(self) -> str:
        return f"run store {self.path!r} holds no run {self.run_id!r}"


class BatchMismatchError(DspyerLabError, ValueError):
    """Two batches compared are not over the same inputs (another count, or an input that differs)."""

    def message(self) -> str:
        return f"the two batches are not over the same dataset: {self.args[0]}"
