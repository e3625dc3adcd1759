"""The one execution engine. `Run.events()` executes a graph and yields its events;
`aforward` and the sync call of a program only drive it.

The engine runs every step in the consumer's own task (no background tasks), so
breaking out of the stream or cancelling it stops the work in flight and leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import inspect
import time
import traceback
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ValidationError

from .correction import AttemptFailure, NodeCall, call_predictor, check_answer, retry_signature
from .events import RunEvents, jsonable
from .exceptions import (
    DspyerLabError,
    MaxStepsExceeded,
    NodeInputError,
    NodeOutputError,
    NodeValidationError,
    RouteError,
)
from .graph import END, PythonNode, Router, StatefulNode, decision_key

if TYPE_CHECKING:
    from .program import TranspiledProgram

__all__ = ["Run", "RunOptions"]


@dataclass(frozen=True)
class RunOptions:
    """Limits of one run (program defaults, overridden per call with `_max_steps=` etc.)."""

    max_steps: int
    """Node executions allowed before the run stops."""
    max_retries: int
    """Self-correction retries of an LLM node without its own `max_retries`."""
    on_max_steps: Literal["raise", "return"]
    """At `max_steps`: raise `MaxStepsExceeded`, or finish with the state so far."""


@dataclass
class _NodeDone:
    patch: dict[str, Any]
    attempts: int


@dataclass
class Run:
    """One execution of a program on one set of inputs."""

    program: TranspiledProgram[Any]
    inputs: dict[str, Any]
    options: RunOptions
    events_of: RunEvents = field(default_factory=RunEvents)
    state: dict[str, Any] = field(default_factory=dict)
    """The state so far (inputs plus every patch written)."""
    result: Any = None
    """The program's output once the run finished."""

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        """Execute the graph, yielding each event as it happens; re-raise a failure after its `error` event."""
        graph, make = self.program.graph, self.events_of.make
        self.state = dict(self.inputs)
        started = time.perf_counter()
        yield make("run_start", inputs=jsonable(self.inputs))
        current: str = graph.entry_point  # type: ignore[assignment]
        running: str | None = None  # the node executing now; None between nodes, where no node is at fault
        where = "before the first node"  # for the note added to a user's exception
        routing: str | None = None  # the node whose Python router is deciding now
        steps = 0
        try:
            while current != END:
                if steps >= self.options.max_steps:
                    if self.options.on_max_steps == "return":
                        break
                    raise MaxStepsExceeded(self.options.max_steps, current, dict(self.state))
                steps += 1
                running, where = current, f"in node '{current}'"
                node = graph.nodes[current]
                node_started = time.perf_counter()
                if isinstance(node, StatefulNode):
                    stream = self._llm_node(node, steps)
                else:
                    stream = self._python_node(node, steps)
                done: _NodeDone | None = None
                async with contextlib.aclosing(stream):  # closed at once when the consumer stops early
                    async for item in stream:
                        if isinstance(item, _NodeDone):
                            done = item
                        else:
                            yield item
                assert done is not None
                self.state.update(done.patch)
                yield make(
                    "node_end",
                    node=current,
                    patch=jsonable(done.patch),
                    duration=time.perf_counter() - node_started,
                    attempts=done.attempts,
                )
                running, where = None, f"in the router after node '{current}'"  # the node is done
                routing = current
                target, decision = await self._next(current)
                routing = None
                yield make("route", source=current, decision=decision, target=target)
                current = target
            running, where = None, "while building the output"
            self.result = self.program.build_output(self.state)
            yield make(
                "finished",
                output=jsonable(self.result),
                state=jsonable(self.state),
                steps=steps,
                duration=time.perf_counter() - started,
            )
        except Exception as exc:
            node_at_fault = getattr(exc, "node", running) if isinstance(exc, DspyerLabError) else running
            if not isinstance(exc, DspyerLabError):  # our own errors say where already
                with contextlib.suppress(Exception):  # e.g. a __notes__ that is not a list
                    exc.add_note(f"(raised {where} of the dspyer-lab graph)")
            yield make(  # every part is built so that it cannot raise: the error event always arrives
                "error",
                node=node_at_fault,
                router=routing,
                error=_guarded(str, exc),
                error_type=type(exc).__name__,
                traceback=_guarded(lambda e: "".join(traceback.format_exception(e)), exc),
                state=jsonable(self.state),
            )
            raise

    # -- nodes ----------------------------------------------------------------------

    def _node_inputs(self, node: StatefulNode) -> dict[str, Any]:
        values, missing = state_values(node.input_model, self.state)
        if missing:
            raise NodeInputError(
                node.name,
                f"Node '{node.name}' needs state field(s) {', '.join(map(repr, missing))} "
                f"({node.input_model.__name__}); the state has: {', '.join(map(repr, self.state)) or 'nothing'}",
                missing,
            )
        try:
            model = node.input_model.model_validate(values)
        except ValidationError as exc:
            bad = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
            raise NodeInputError(node.name, f"Node '{node.name}' got invalid input {bad}: {exc}", bad) from exc
        return {n: getattr(model, n) for n in node.input_model.model_fields}

    async def _llm_node(self, node: StatefulNode, step: int) -> AsyncIterator[dict[str, Any] | _NodeDone]:
        inputs = self._node_inputs(node)
        yield self.events_of.make("node_start", node=node.name, kind=self.program.graph.node_kind(node.name),
                                  step=step, inputs=jsonable(inputs))
        predictor = self.program.predictor(node.name)
        retries = node.max_retries if node.max_retries is not None else self.options.max_retries
        router = self.program.graph.routers.get(node.name)
        extra_check = _decision_check(node, router) if router is not None and router.decide is node else None
        kwargs: dict[str, Any] = dict(inputs)
        context = {"node": node.name, "inputs": inputs, "state": MappingProxyType(self.state)}
        signature = None
        failure: AttemptFailure | None = None
        for attempt in range(1, retries + 2):
            call = NodeCall(node.name, attempt, kwargs)
            answer = await call_predictor(predictor, call, signature)
            outcome = check_answer(node, answer, predictor.signature, context, extra_check)
            if isinstance(outcome, BaseModel):
                yield _NodeDone({n: getattr(outcome, n) for n in node.output_model.model_fields}, attempt)
                return
            failure = outcome
            will_retry = attempt <= retries
            feedback = failure.feedback() if will_retry else ""
            yield self.events_of.make(
                "validation_error",
                node=node.name,
                attempt=attempt,
                max_attempts=retries + 1,
                error=failure.error,
                failed_fields=failure.failed_fields,
                raw_output=failure.raw_output,
                feedback=feedback,
                will_retry=will_retry,
            )
            signature = signature or retry_signature(predictor.signature)
            kwargs = {**inputs, "previous_attempt": failure.raw_output, "validation_feedback": feedback}
        assert failure is not None
        raise NodeValidationError(
            node.name, retries + 1, failure.error, failure.raw_output, failure.failed_fields
        ) from failure.exception

    async def _python_node(self, node: PythonNode, step: int) -> AsyncIterator[dict[str, Any] | _NodeDone]:
        yield self.events_of.make("node_start", node=node.name, kind="python", step=step,
                                  inputs=jsonable(self.state))
        patch = await _call(node.fn, dict(self.state))
        if patch is None:
            patch = {}
        if not isinstance(patch, Mapping):
            raise NodeOutputError(
                node.name, f"Python node '{node.name}' returned {type(patch).__name__}; return a dict patch or None"
            )
        bad_keys = [k for k in patch if not isinstance(k, str) or k.startswith("_")]
        if bad_keys:
            raise NodeOutputError(
                node.name, f"Python node '{node.name}' wrote invalid state key(s) {bad_keys}: use strings not starting with '_'"
            )
        yield _NodeDone(dict(patch), 1)

    # -- routing --------------------------------------------------------------------

    async def _next(self, source: str) -> tuple[str, str | None]:
        graph = self.program.graph
        router = graph.routers.get(source)
        if router is None:
            return graph.edges.get(source, END), None
        if isinstance(router.decide, StatefulNode):
            decision = decision_key(self.state[router.decide.decision_field])
        else:
            decision = decision_key(await _call(router.decide, dict(self.state)))
        if decision not in router.path_map:
            raise RouteError(source, decision, list(router.path_map))
        return router.path_map[decision], decision


def state_values(model: type[BaseModel], state: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The state's values for `model`'s fields, and the names of required fields the state lacks."""
    fields = model.model_fields
    values = {n: state[n] for n in fields if n in state}
    return values, [n for n, info in fields.items() if n not in state and info.is_required()]


def _decision_check(node: StatefulNode, router: Router):
    field_name = node.decision_field
    allowed = list(router.path_map)

    def check(output: BaseModel) -> tuple[str, str] | None:
        decision = decision_key(getattr(output, field_name))
        if decision in router.path_map:
            return None
        return field_name, f"decision {decision!r} is not one of the allowed choices: {', '.join(map(repr, allowed))}"

    return check


async def _call(fn: Any, state: dict[str, Any]) -> Any:
    """`fn(state)` for a Python node or router, sync or async.

    A StopIteration cannot cross the engine's generators (Python turns it into "async generator
    raised StopIteration"), so it becomes a RuntimeError that carries the user's message.
    """
    try:
        value = fn(state)
        return await value if inspect.isawaitable(value) else value
    except StopIteration as exc:
        stop: BaseException = exc
    except RuntimeError as exc:  # an async function's StopIteration, already turned into a RuntimeError
        if not isinstance(exc.__cause__, StopIteration):
            raise
        stop = exc.__cause__
    raise RuntimeError(f"StopIteration: {stop}" if str(stop) else "StopIteration (no message)") from stop


def _guarded(describe: Any, exc: BaseException) -> str:
    """`describe(exc)`, or a placeholder naming the exception's type when that raises (a broken __str__)."""
    try:
        return str(describe(exc))
    except Exception:
        return f"<{type(exc).__name__}: its message could not be read>"
