"""Every error dspyer-lab raises on purpose, in one place.

Each error names what is at fault (node, field, decision, value) so that a
one-line message in a notebook is enough to fix the graph.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DspyerLabError",
    "GraphDefinitionError",
    "NodeInputError",
    "NodeOutputError",
    "NodeValidationError",
    "RouteError",
    "MaxStepsExceeded",
    "OutputModelError",
]


class DspyerLabError(Exception):
    """Base class of all dspyer-lab errors."""


class GraphDefinitionError(DspyerLabError, ValueError):
    """The graph is malformed: caught when it is built or compiled, before any model call."""


class _Message(Exception):
    """Errors built from several arguments: printed as their message, pickled with their arguments
    (so they survive a process pool, e.g. a parallel evaluation)."""

    _init_args: tuple[Any, ...] = ()

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._init_args)


class NodeInputError(_Message, DspyerLabError, KeyError):
    """A node's `input_model` could not be filled from the state."""

    def __init__(self, node: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self._init_args = (node, message, fields)
        self.node = node
        """The node whose inputs are missing or invalid."""
        self.fields = fields or []
        """The state fields at fault."""


class NodeOutputError(_Message, DspyerLabError, TypeError):
    """A Python node returned something that is not a patch (a dict or None)."""

    def __init__(self, node: str, message: str) -> None:
        super().__init__(message)
        self._init_args = (node, message)
        self.node = node


class NodeValidationError(_Message, DspyerLabError):
    """An LLM node's output broke its contract on every attempt (self-correction exhausted)."""

    def __init__(self, node: str, attempts: int, messages: str, raw_output: Any, failed_fields: list[str]) -> None:
        super().__init__(
            f"Node '{node}' produced no valid output after {attempts} attempt(s). Last validation errors:\n{messages}"
        )
        self._init_args = (node, attempts, messages, raw_output, failed_fields)
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


class RouteError(_Message, DspyerLabError, KeyError):
    """A router returned a decision that its `path_map` does not know."""

    def __init__(self, node: str, decision: Any, allowed: list[str]) -> None:
        super().__init__(
            f"Router of node '{node}' returned decision {decision!r}, which is not in its path_map; "
            f"allowed: {', '.join(repr(k) for k in allowed)}"
        )
        self._init_args = (node, decision, allowed)
        self.node = node
        self.decision = decision
        self.allowed = allowed


class MaxStepsExceeded(_Message, DspyerLabError, RuntimeError):
    """The run went past `max_steps` node executions (usually a loop that never exits)."""

    def __init__(self, max_steps: int, next_node: str, state: dict[str, Any]) -> None:
        super().__init__(
            f"Run stopped after max_steps={max_steps} node executions; the next node would have been '{next_node}'. "
            "Raise max_steps (or _max_steps=... per call), or check the loop's exit condition."
        )
        self._init_args = (max_steps, next_node, state)
        self.max_steps = max_steps
        self.next_node = next_node
        """The node that would have run next (no node failed: the run as a whole went on too long)."""
        self.state = state
        """The state so far."""


class OutputModelError(DspyerLabError, ValueError):
    """The final state does not satisfy the program's `output_model`."""
