"""The compiler: `AgentTranspiler.compile(graph)` -> `TranspiledProgram`, a real `dspy.Module`."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Union, cast, overload

import dspy
from pydantic import BaseModel, ValidationError

from .batch import Batch, Metric
from .checkpoint import Checkpoint
from .correction import retry_signature
from .events import BatchEvent, Event
from .engine import Run, RunOptions, state_values
from .exceptions import CallOptionError, CheckpointError, GraphDefinitionError, OptionValueError, OutputModelError
from .graph import END, Graph, GraphWarning, StatefulNode
from .sync import run_sync

__all__ = ["AgentTranspiler", "TranspiledProgram"]

T = TypeVar("T", bound=Union[BaseModel, dspy.Prediction])
"""A program's result: its output model, or `dspy.Prediction` when it has none."""
M = TypeVar("M", bound=BaseModel)

_OVERRIDES = {
    "_max_steps": "max_steps",
    "_max_retries": "max_retries",
    "_on_max_steps": "on_max_steps",
    "_on_loop_limit": "on_max_steps",  # upstream dspyer's name
    "_interrupt_before": "interrupt_before",
    "_interrupt_after": "interrupt_after",
    "_lm_calls": "lm_calls",
    "_stream_tokens": "stream_tokens",
}
_RESUME_OPTIONS = ("_resume", "_update", "_fork")
Interrupts = Union[Collection[str], Literal["*"], None]
"""Breakpoints: node names, or "*" for every node (stepping)."""
_UPSTREAM_OPTIONS = ("max_retries", "max_steps", "on_loop_limit")
"""Upstream dspyer's per-call keywords, spelt without the underscore."""


class TranspiledProgram(dspy.Module, Generic[T]):
    """A compiled graph. Call it (sync), `await .aforward(...)` (typed result) or iterate `.astream(...)` (events).

    Every LLM node's predictor is a sub-module in `self.node_predictors` (not `predictors`,
    which would shadow `dspy.Module.predictors()` that optimizers call), so `named_predictors()`,
    DSPy optimizers and `save`/`load` see them all.
    """

    def __init__(
        self,
        graph: Graph,
        output_model: type[BaseModel] | None = None,
        max_steps: int = 25,
        max_retries: int = 2,
        on_max_steps: Literal["raise", "return"] = "raise",
        interrupt_before: Interrupts = None,
        interrupt_after: Interrupts = None,
    ) -> None:
        super().__init__()
        graph = graph.copy()  # editing the Graph after compiling (re-running a cell) must not change this program
        self.graph_warnings = graph.validate()
        """What looks wrong with the graph without stopping it from running (e.g. unreachable nodes)."""
        _check_options(max_steps, max_retries, on_max_steps)
        self.graph = graph
        """The graph this program runs, as it was when compiled (read by the notebook views)."""
        self.output_model = output_model
        """The type of `aforward`'s result, or None for a `dspy.Prediction` of the final state."""
        self.defaults = RunOptions(
            max_steps,
            max_retries,
            on_max_steps,
            _interrupts(graph, "interrupt_before", interrupt_before),
            _interrupts(graph, "interrupt_after", interrupt_after),
        )
        """Limits used when a call does not override them."""
        self.node_predictors: dict[str, dspy.Predict] = {
            name: dspy.Predict(node.make_signature())
            for name, node in graph.nodes.items()
            if isinstance(node, StatefulNode)
        }
        """LLM node name -> its `dspy.Predict`."""
        self._state_fields = frozenset(
            name
            for node in graph.nodes.values()
            if isinstance(node, StatefulNode)
            for model in (node.input_model, node.output_model)
            for name in model.model_fields
        ) | frozenset(output_model.model_fields if output_model is not None else ())
        self._retry_signatures: dict[str, tuple[type[dspy.Signature], type[dspy.Signature]]] = {}

    if TYPE_CHECKING:
        # dspy.Module's entry points with their own parameters, typed with this program's result.
        # dspy ships no type information, so to mypy these refine an untyped base; pyright infers
        # `-> Prediction` from dspy's source, and a program with an output model returns that
        # model instead: a deliberate narrowing of dspy's annotation, silenced for pyright only.

        def __call__(self, *args: Any, **kwargs: Any) -> T: ...  # pyright: ignore[reportIncompatibleMethodOverride]

        async def acall(self, *args: Any, **kwargs: Any) -> T: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    def predictor(self, node: str) -> dspy.Predict:
        """The `dspy.Predict` of LLM node `node`."""
        return self.node_predictors[node]

    def retry_signature(self, node: str) -> type[dspy.Signature]:
        """The signature of a retry of `node` (its own plus the rejected answer and the feedback), built once.

        Rebuilt only when the predictor's signature changes (an optimizer rewrote its instructions).
        """
        signature = self.node_predictors[node].signature
        cached = self._retry_signatures.get(node)
        if cached is None or cached[0] is not signature:
            cached = self._retry_signatures[node] = (signature, retry_signature(signature))
        return cached[1]

    def build_output(self, state: Mapping[str, Any]) -> T:
        """The result of a run that ended in `state`: an `output_model` instance, or a `dspy.Prediction`.

        Validators of the output model get ``{"node": None, "inputs": state, "state": state}``
        as context, like a node's validators get what the node was given.
        """
        model = self.output_model
        if model is None:
            return cast(T, dspy.Prediction(**state))
        values, missing = state_values(model, state)
        if missing:
            raise OutputModelError(model.__name__, missing, list(state))
        context = {"node": None, "inputs": state, "state": state}
        try:
            return cast(T, model.model_validate(values, context=context))
        except ValidationError as exc:
            raise OutputModelError(model.__name__, [], list(state), str(exc)) from exc

    def new_run(self, **kwargs: Any) -> Run[T]:
        """A run, not started yet: `run.events()` executes it (once); then `run.result` is the typed result.

        `astream` and `aforward` are built on it; tools that need both the events and the
        typed result (the lab's views) use it directly. Besides the inputs and the limits
        (`_max_steps=` ...), what the event stream shows of model calls (`_lm_calls=`,
        `_stream_tokens=`), breakpoints (`_interrupt_before=`, `_interrupt_after=`:
        node names or "*") and, instead of inputs, a checkpoint to go on from: `_resume=`
        (a `Checkpoint` or its dict), `_update=` (state values to set first) and `_fork=True`
        (a new run branching from the checkpoint rather than the same run going on).
        """
        resume, update, fork = (kwargs.pop(k, None) for k in _RESUME_OPTIONS)
        for key in _UPSTREAM_OPTIONS:
            if key in kwargs and key not in self._state_fields:
                raise CallOptionError(key, list(_OVERRIDES), kwargs[key], upstream=True)
        overrides = {}
        if "_on_loop_limit" in kwargs and "_on_max_steps" in kwargs:
            raise CallOptionError("_on_max_steps", list(_OVERRIDES))
        for key in [k for k in kwargs if k.startswith("_")]:
            if key not in _OVERRIDES:
                raise CallOptionError(key, [*_OVERRIDES, *_RESUME_OPTIONS])
            overrides[_OVERRIDES[key]] = kwargs.pop(key)
        for name in ("interrupt_before", "interrupt_after"):
            if name in overrides:
                overrides[name] = _interrupts(self.graph, f"_{name}", overrides[name])
        options = replace(self.defaults, **overrides)
        _check_options(options.max_steps, options.max_retries, options.on_max_steps)
        for name in ("lm_calls", "stream_tokens"):
            if not isinstance(getattr(options, name), bool):
                raise OptionValueError(f"_{name}", getattr(options, name), "True or False")
        if resume is None:
            if update is not None or fork:
                raise CheckpointError("_update= and _fork= need _resume=<checkpoint>", key="_update" if update is not None else "_fork")
            return Run(self, kwargs, options)
        if kwargs:
            raise CheckpointError(
                f"a resumed run takes its state from the checkpoint; got inputs {sorted(kwargs)}: pass them as _update={{...}}",
                key=sorted(kwargs)[0],
            )
        checkpoint = resume if isinstance(resume, Checkpoint) else Checkpoint.from_dict(resume)
        values = self._checked_update(checkpoint, update)
        return Run(self, dict(checkpoint.state), options, resume=checkpoint, update=values, fork=bool(fork))

    def _checked_update(self, checkpoint: Checkpoint, update: Any) -> dict[str, Any]:
        """`update` as a dict, once the checkpoint's next node accepts the state it makes (nothing runs before).

        Only the next node is asked, and only an LLM node can say: a Python node after it may change the values.
        """
        nxt = checkpoint.next
        if nxt != END and nxt not in self.graph.nodes:
            raise CheckpointError(
                f"checkpoint's next node {nxt!r} is not in this graph (nodes: {', '.join(self.graph.nodes)})", key="next"
            )
        if update is None:
            return {}
        if not isinstance(update, Mapping):
            raise CheckpointError(f"_update must be a dict of state values, got {type(update).__name__}", key="_update")
        bad = [k for k in update if not isinstance(k, str) or k.startswith("_")]
        if bad:
            raise CheckpointError(
                f"_update key {bad[0]!r} is not a state key: use strings not starting with '_'", key=str(bad[0])
            )
        node = self.graph.nodes.get(nxt)
        if isinstance(node, StatefulNode):
            state = {**checkpoint.state, **update}
            values, _ = state_values(node.input_model, state)
            try:
                node.input_model.model_validate(values)
            except ValidationError as exc:
                for error in exc.errors():
                    key = str(error["loc"][0]) if error["loc"] else ""
                    if key in update:
                        raise CheckpointError(
                            f"_update[{key!r}] = {update[key]!r} is rejected by node {nxt!r}'s input model "
                            f"{node.input_model.__name__}: {error['msg']}",
                            key=key,
                            node=nxt,
                        ) from exc
        return dict(update)

    def astream(self, **inputs: Any) -> AsyncIterator[Event]:
        """Run the graph and yield its events as they happen (see `dspyer_lab.core.events`).

        Every model call is an `lm_call` event (prompt, answer, tokens, cost; `_lm_calls=False`
        leaves them out); `_stream_tokens=True` adds `token` events as the model writes.

        At a breakpoint the stream yields `paused` and ends; `astream(_resume=...)` goes on.
        """
        return self.new_run(**inputs).events()

    async def aforward(self, **inputs: Any) -> T:
        """Run the graph; return an `output_model` instance (or a `dspy.Prediction` of the final state).

        No events are made (nobody reads them), so nothing of the state is serialized.
        At a breakpoint it raises `RunPaused`, whose `checkpoint` resumes the run.
        """
        return await self.new_run(**inputs).finish()

    def forward(self, **inputs: Any) -> T:
        """Blocking run: works in scripts, inside a running event loop (Jupyter) and in worker threads."""
        return run_sync(self.aforward(**inputs))

    def __repr__(self) -> str:
        out = getattr(self.output_model, "__name__", "Prediction")
        return f"TranspiledProgram(nodes={list(self.graph.nodes)}, output_model={out})"

    # -- many inputs: the machinery is dspyer_lab.core.batch.Batch -----------------------

    def new_batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        metric: Metric | None = None,
        **options: Any,
    ) -> Batch[T]:
        """A run over many inputs, not started yet: iterate `batch.events()` or `await batch.run()`.

        For tools that need the progress and the results together (the lab): results fill in
        `batch.results` / `batch.errors` by input index as runs end, even if the batch is
        stopped. `metric(example, prediction)` scores each finished run (a ``score`` event).
        """
        return Batch(self, inputs, concurrency=concurrency, metric=metric, options=options)

    def abatch_stream(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        metric: Metric | None = None,
        **options: Any,
    ) -> AsyncIterator[tuple[int, Event | BatchEvent]]:
        """Run every input, at most `concurrency` at once; yield ``(input index, event)`` as runs progress."""
        return self.new_batch(inputs, concurrency=concurrency, metric=metric, **options).events()

    @overload
    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[True] = ...,
        **options: Any,
    ) -> list[T | BaseException]: ...

    @overload
    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[False],
        **options: Any,
    ) -> list[T]: ...

    @overload
    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: bool,
        **options: Any,
    ) -> list[T | BaseException]: ...

    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        return_exceptions: bool = True,
        **options: Any,
    ) -> list[T] | list[T | BaseException]:
        """Run the program on every input (dicts or `dspy.Example`s), at most `concurrency` at once.

        Results come in input order. With ``return_exceptions=True`` a failed run's exception
        takes its place and the others go on; with False the first failure is raised once the
        runs in flight are cancelled. Per-call options (`_max_steps`, ...) apply to every run.
        """
        batch = self.new_batch(inputs, concurrency=concurrency, **options)
        return await batch.run(return_exceptions=return_exceptions)

    @overload
    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[True] = ...,
        **options: Any,
    ) -> list[T | BaseException]: ...

    @overload
    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[False],
        **options: Any,
    ) -> list[T]: ...

    @overload
    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: bool,
        **options: Any,
    ) -> list[T | BaseException]: ...

    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        return_exceptions: bool = True,
        **options: Any,
    ) -> list[T] | list[T | BaseException]:
        """Blocking `abatch` (replaces `dspy.Module.batch`: one event loop and `concurrency` instead of threads)."""
        return run_sync(self.abatch(inputs, concurrency=concurrency, return_exceptions=return_exceptions, **options))


def _interrupts(graph: Graph, option: str, nodes: Interrupts) -> frozenset[str]:
    """Breakpoint node names as a set ("*": every node); an unknown name is an error naming it."""
    if nodes is None:
        return frozenset()
    if nodes == "*":
        return frozenset(graph.nodes)
    if isinstance(nodes, str) or not all(isinstance(n, str) for n in nodes):
        raise OptionValueError(option, nodes, "a list of node names or '*'")
    unknown = [n for n in nodes if n not in graph.nodes]
    if unknown:
        raise OptionValueError(option, nodes, "a list of node names or '*'",
                               f"unknown node(s) {unknown}; the nodes are: {', '.join(graph.nodes)}")
    return frozenset(nodes)


def _check_options(max_steps: int, max_retries: int, on_max_steps: str) -> None:
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:  # True is an int
        raise OptionValueError("max_steps", max_steps, "a positive integer")
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise OptionValueError("max_retries", max_retries, "an integer >= 0")
    if on_max_steps not in ("raise", "return"):
        raise OptionValueError("on_max_steps", on_max_steps, "'raise' or 'return'")


class AgentTranspiler:
    """Compiles a `Graph` into a `TranspiledProgram` (a `dspy.Module`)."""

    @overload
    @staticmethod
    def compile(
        graph: Graph,
        output_model: None = None,
        *,
        max_steps: int = ...,
        max_retries: int = ...,
        on_max_steps: Literal["raise", "return"] = ...,
        interrupt_before: Interrupts = ...,
        interrupt_after: Interrupts = ...,
    ) -> TranspiledProgram[dspy.Prediction]: ...

    @overload
    @staticmethod
    def compile(
        graph: Graph,
        output_model: type[M],
        *,
        max_steps: int = ...,
        max_retries: int = ...,
        on_max_steps: Literal["raise", "return"] = ...,
        interrupt_before: Interrupts = ...,
        interrupt_after: Interrupts = ...,
    ) -> TranspiledProgram[M]: ...

    @staticmethod
    def compile(
        graph: Graph,
        output_model: type[Any] | None = None,
        *,
        max_steps: int = 25,
        max_retries: int = 2,
        on_max_steps: Literal["raise", "return"] = "raise",
        interrupt_before: Interrupts = None,
        interrupt_after: Interrupts = None,
    ) -> TranspiledProgram[Any]:
        """Check the graph and build its program.

        Args:
            graph: the state machine to run.
            output_model: a pydantic model built from the final state; `aforward` returns it.
            max_steps: node executions allowed per run (guards loops).
            max_retries: self-correction retries of LLM nodes without their own `max_retries`.
            on_max_steps: "raise" `MaxStepsExceeded`, or "return" the output built from the state so far.
            interrupt_before: breakpoints: nodes to pause before ("*": every node), for every run.
            interrupt_after: nodes to pause after, once they ran and routed.
        """
        if not isinstance(graph, Graph):
            raise GraphDefinitionError(f"AgentTranspiler.compile expects a Graph, got {type(graph).__name__}")
        if output_model is not None and not (isinstance(output_model, type) and issubclass(output_model, BaseModel)):
            raise GraphDefinitionError(f"output_model must be a pydantic BaseModel class, got {output_model!r}")
        program: TranspiledProgram[Any] = TranspiledProgram(
            graph, output_model, max_steps, max_retries, on_max_steps, interrupt_before, interrupt_after
        )
        for message in program.graph_warnings:
            warnings.warn(message, GraphWarning, stacklevel=2)
        return program
