"""The compiler: `AgentTranspiler.compile(graph)` -> `TranspiledProgram`, a real `dspy.Module`."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Union, cast, overload

import dspy
from pydantic import BaseModel, ValidationError

from .batch import Batch, Metric
from .executor import BatchExecutor
from .checkpoint import Checkpoint
from .correction import retry_signature
from .events import BatchEvent, Event, safe_repr
from .engine import Run, RunOptions, state_values
from .exceptions import (
    CallOptionError,
    CheckpointError,
    GraphDefinitionError,
    InterruptError,
    OptionValueError,
    OutputModelError,
)
from .graph import END, Graph, GraphWarning, HumanNode, StatefulNode
from .human import match_answers
from .sync import run_sync

__all__ = ["AgentTranspiler", "TranspiledProgram"]

T = TypeVar("T", bound=Union[BaseModel, dspy.Prediction])
"""A program's result: its output model, or `dspy.Prediction` when it has none."""
M = TypeVar("M", bound=BaseModel)

_OPTIONS = (
    "max_steps",
    "max_retries",
    "on_max_steps",
    "interrupt_before",
    "interrupt_after",
    "lm_calls",
    "stream_tokens",
    "max_concurrency",
    "record",
    "resume",
    "update",
    "fork",
)
"""`new_run`'s keyword-only controls; every call also takes each spelt with a leading ``_``."""
_ALIASES = {f"_{name}": name for name in _OPTIONS} | {"_on_loop_limit": "on_max_steps"}  # upstream dspyer's name
"""Per-call option as spelt at a call (`aforward(_max_steps=3)`) -> `new_run`'s keyword."""
_ALIASES["_answer"] = "answer"  # only spelt so: a state field named `answer` is common, and None is an answer
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
        max_concurrency: int | None = None,
    ) -> None:
        super().__init__()
        graph = graph.copy()  # editing the Graph after compiling (re-running a cell) must not change this program
        self.graph_warnings = graph.validate()
        """What looks wrong with the graph without stopping it from running (e.g. unreachable nodes)."""
        _check_options(max_steps, max_retries, on_max_steps, max_concurrency)
        self.reducers = graph.reducers(*([output_model] if output_model is not None else []))
        """State field -> the reducer merging its writes (from the output models' ``Annotated`` metadata)."""
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
            max_concurrency=max_concurrency,
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
            if isinstance(node, (StatefulNode, HumanNode))
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

    def new_run(
        self,
        inputs: Mapping[str, Any] | None = None,
        /,
        *,
        resume: Checkpoint | Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
        fork: bool = False,
        interrupt_before: Interrupts = None,
        interrupt_after: Interrupts = None,
        stream_tokens: bool | None = None,
        lm_calls: bool | None = None,
        max_steps: int | None = None,
        max_retries: int | None = None,
        on_max_steps: Literal["raise", "return"] | None = None,
        max_concurrency: int | None = None,
        record: bool | None = None,
        **more_inputs: Any,
    ) -> Run[T]:
        """A run, not started yet: `run.events()` executes it (once); then `run.result` is the typed result.

        `astream` and `aforward` are built on it; tools that need both the events and the typed
        result (the lab's views) use it directly. The inputs are a dict (positional) and/or
        keywords; the controls are keyword-only, so a state field named like one (``update``,
        ``fork``) goes in the dict: ``new_run({"update": "v2", "fork": 1}, max_steps=5)``.

        Args:
            inputs: the run's input state (a resumed run takes its state from the checkpoint instead).
            resume: a checkpoint (a `Checkpoint` or its dict) to go on from instead of inputs.
            update: state values set first on resume (checked against the next node's input model).
            fork: True: a new run branching from `resume` rather than the same run going on.
            interrupt_before: breakpoints: node names or "*" (every node); None: the program's, []: none
                (``_interrupt_before=None`` still means none, as it did before the keyword).
            interrupt_after: nodes to pause after, once they ran and routed; None: the program's.
            stream_tokens: `token` events as the model writes (default False).
            lm_calls: an `lm_call` event per model call (default True).
            max_steps, max_retries, on_max_steps: the program's limits for this run (None: the program's).
            max_concurrency: tasks of one superstep running at once (None: the program's).
            record: True: send the run's events to the active recording sink (`dspyer_lab.record_to`), else to
                the default run store; False: never; None: to the active sink if there is one.
            more_inputs: more inputs; also every control spelt with a leading ``_`` (`_resume=`,
                `_update=`, `_max_steps=` ...), as `aforward`, `astream` and the call take them, and
                `_answer=` (only so spelt): the answer to the question the `resume` checkpoint waits on (an
                `interrupt()` or a `HumanNode`), or ``{interrupt_id: answer}`` when several wait.
        """
        given: dict[str, Any] = {
            "resume": resume, "update": update, "fork": fork if fork is not False else None,
            "interrupt_before": interrupt_before, "interrupt_after": interrupt_after, "stream_tokens": stream_tokens,
            "lm_calls": lm_calls, "max_steps": max_steps, "max_retries": max_retries, "on_max_steps": on_max_steps,
            "max_concurrency": max_concurrency, "record": record,
        }
        controls = {name: value for name, value in given.items() if value is not None}  # None: not given
        spelt = {name: name for name in controls}
        for key in [k for k in more_inputs if k.startswith("_")]:
            name = _ALIASES.get(key)
            if name is None:
                raise CallOptionError(key, list(_ALIASES))
            if name in controls:
                raise CallOptionError(key, list(_ALIASES))  # given twice
            controls[name], spelt[name] = more_inputs.pop(key), key
        state = self._run_inputs(inputs, more_inputs)
        options = self._run_options(controls, spelt)
        start, edits, branch = controls.get("resume"), controls.get("update"), controls.get("fork")
        answered = "answer" in controls  # None is an answer too
        branch = False if branch is None else branch  # `_fork=None`: no fork, as before the keyword existed
        if not isinstance(branch, bool):
            raise OptionValueError(spelt["fork"], branch, "True or False", self._field_hint("fork", spelt))
        if start is None:
            if answered:
                raise InterruptError("_answer= needs _resume=<checkpoint>: the checkpoint of the run that waits for it")
            if edits is not None or branch:
                wrong = "update" if edits is not None else "fork"
                hint = self._field_hint(wrong, spelt)
                raise CheckpointError(
                    f"{spelt[wrong]}= needs {_spelling(spelt[wrong], 'resume')}=<checkpoint>" + (f" ({hint})" if hint else ""),
                    key=spelt[wrong],
                )
            return Run(self, state, options)
        if state:
            raise CheckpointError(
                f"a resumed run takes its state from the checkpoint; got inputs {sorted(state)}: "
                f"pass them as {_spelling(spelt['resume'], 'update')}={{...}}",
                key=sorted(state)[0],
            )
        checkpoint = start if isinstance(start, Checkpoint) else Checkpoint.from_dict(start)
        values = self._checked_update(checkpoint, edits, spelt.get("update", "update"))
        answers = match_answers(controls["answer"], checkpoint.interrupts) if answered else None
        return Run(self, dict(checkpoint.state), options, resume=checkpoint, update=values, fork=branch, answers=answers)

    def _field_hint(self, name: str, spelt: Mapping[str, str]) -> str:
        """Where a state field spelt like the control `name` goes, when the control was given as a keyword."""
        if name in self._state_fields and spelt.get(name) == name:
            return f"a state field {name!r} goes in the inputs dict: new_run({{{name!r}: ...}})"
        return ""

    def _run_inputs(self, inputs: Mapping[str, Any] | None, more: Mapping[str, Any]) -> dict[str, Any]:
        """The input state of a run: the dict and the keywords (no key in both); upstream dspyer's option
        keywords (``max_steps=`` at a call) are refused unless a node reads a state field of that name."""
        known = list(_ALIASES)
        if inputs is not None and not isinstance(inputs, Mapping):
            problem = f"the inputs must be a dict of state fields, got {type(inputs).__name__}"
            raise CallOptionError("inputs", known, problem=problem)
        state = dict(inputs or {})
        bad = [k for k in state if not isinstance(k, str) or k.startswith("_")]
        if bad:
            problem = f"input {bad[0]!r} is not a state field (those never start with '_'): give per-call options as keywords"
            raise CallOptionError(str(bad[0]), known, problem=problem)
        twice = sorted(state.keys() & more.keys())
        if twice:
            problem = f"input {twice[0]!r} was given twice (in the dict and as a keyword); give it once"
            raise CallOptionError(twice[0], known, problem=problem)
        state.update(more)
        for key in _UPSTREAM_OPTIONS:
            if key in state and key not in self._state_fields:
                raise CallOptionError(key, known, state[key], upstream=True)
        return state

    def _run_options(self, controls: Mapping[str, Any], spelt: Mapping[str, str]) -> RunOptions:
        """The program's defaults with this run's limits, breakpoints and event options; each checked, naming it as spelt."""
        overrides = {name: controls[name] for name in RunOptions.__dataclass_fields__ if name in controls}
        for name in ("interrupt_before", "interrupt_after"):
            if name in overrides:
                overrides[name] = _interrupts(self.graph, spelt[name], overrides[name])
        options = replace(self.defaults, **overrides)
        _check_options(options.max_steps, options.max_retries, options.on_max_steps, options.max_concurrency, spelt)
        for name in ("lm_calls", "stream_tokens"):
            if not isinstance(getattr(options, name), bool):
                raise OptionValueError(spelt[name], getattr(options, name), "True or False")
        if options.record is not None and not isinstance(options.record, bool):
            raise OptionValueError(spelt["record"], options.record, "True, False or None", self._field_hint("record", spelt))
        return options

    def _checked_update(self, checkpoint: Checkpoint, update: Any, option: str) -> dict[str, Any]:
        """`update` as a dict, once the checkpoint's next node accepts the state it makes (nothing runs before).

        Only the next node is asked, and only an LLM node can say: a Python node after it may change the values.
        A rejection says, one line per field at fault, what the field must be and which node reads it.
        """
        nxt = checkpoint.next
        if nxt != END and nxt not in self.graph.nodes:
            raise CheckpointError(
                f"checkpoint's next node {nxt!r} is not in this graph (nodes: {', '.join(self.graph.nodes)})", key="next"
            )
        if update is None:
            return {}
        if not isinstance(update, Mapping):
            raise CheckpointError(f"{option} must be a dict of state values, got {type(update).__name__}", key=option)
        bad = [k for k in update if not isinstance(k, str) or k.startswith("_")]
        if bad:
            raise CheckpointError(
                f"{option} key {bad[0]!r} is not a state key: use strings not starting with '_'", key=str(bad[0])
            )
        node = self.graph.nodes.get(nxt)
        if isinstance(node, StatefulNode):
            values, _ = state_values(node.input_model, {**checkpoint.state, **update})
            try:
                node.input_model.model_validate(values)
            except ValidationError as exc:
                rejected = [e for e in exc.errors() if e["loc"] and str(e["loc"][0]) in update]
                if rejected:
                    lines = [f"{_plain_error(error)}: node {nxt!r} reads it" for error in rejected]
                    raise CheckpointError("; ".join(lines), key=str(rejected[0]["loc"][0]), node=nxt) from exc
        return dict(update)

    def astream(self, **inputs: Any) -> AsyncIterator[Event]:
        """Run the graph and yield its events as they happen (see `dspyer_lab.core.events`).

        Every model call is an `lm_call` event (prompt, answer, tokens, cost; `_lm_calls=False`
        leaves them out); `_stream_tokens=True` adds `token` events as the model writes.

        At a breakpoint or a question for a person the stream yields `paused` and ends; `astream(_resume=...)`
        goes on (with ``_answer=`` for a question).
        """
        return self._run_of_call(inputs).events()

    async def aforward(self, **inputs: Any) -> T:
        """Run the graph; return an `output_model` instance (or a `dspy.Prediction` of the final state).

        No events are made (nobody reads them), so nothing of the state is serialized, unless the run is
        recorded (``_record=True``, or a sink set with `dspyer_lab.record_to`).
        At a breakpoint or a question for a person it raises `RunPaused`, whose `checkpoint` resumes the run
        (``aforward(_resume=err.checkpoint, _answer=...)``; `err.value` is what `interrupt()` was given).
        """
        return await self._run_of_call(inputs).finish()

    def _run_of_call(self, keywords: Mapping[str, Any]) -> Run[T]:
        """`new_run` for a call's keywords: its inputs (a field named ``update`` is an input here) and its `_` options."""
        inputs = {k: v for k, v in keywords.items() if not k.startswith("_")}
        return self.new_run(inputs, **{k: v for k, v in keywords.items() if k.startswith("_")})

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
        executor: BatchExecutor | None = None,
        **options: Any,
    ) -> Batch[T]:
        """A run over many inputs, not started yet: iterate `batch.events()` or `await batch.run()`.

        For tools that need the progress and the results together (the lab): results fill in
        `batch.results` / `batch.errors` by input index as runs end, even if the batch is
        stopped. `metric(example, prediction)` scores each finished run (a ``score`` event).
        `executor`: where the runs execute (None: this event loop; `RayExecutor(...)`: shards on Ray).
        """
        return Batch(self, inputs, concurrency=concurrency, metric=metric, options=options, executor=executor)

    def abatch_stream(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        metric: Metric | None = None,
        executor: BatchExecutor | None = None,
        **options: Any,
    ) -> AsyncIterator[tuple[int, Event | BatchEvent]]:
        """Run every input, at most `concurrency` at once; yield ``(input index, event)`` as runs progress."""
        return self.new_batch(inputs, concurrency=concurrency, metric=metric, executor=executor, **options).events()

    @overload
    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[True] = ...,
        executor: BatchExecutor | None = ...,
        **options: Any,
    ) -> list[T | BaseException]: ...

    @overload
    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[False],
        executor: BatchExecutor | None = ...,
        **options: Any,
    ) -> list[T]: ...

    @overload
    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: bool,
        executor: BatchExecutor | None = ...,
        **options: Any,
    ) -> list[T | BaseException]: ...

    async def abatch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        return_exceptions: bool = True,
        executor: BatchExecutor | None = None,
        **options: Any,
    ) -> list[T] | list[T | BaseException]:
        """Run the program on every input (dicts or `dspy.Example`s), at most `concurrency` at once.

        Results come in input order. With ``return_exceptions=True`` a failed run's exception
        takes its place and the others go on; with False the first failure is raised once the
        runs in flight are cancelled. Per-call options (`_max_steps`, ...) apply to every run.
        `executor`: where the runs execute (None: this event loop; `RayExecutor(...)`: shards on Ray, where
        `concurrency` is ignored for the executor's own per-worker concurrency).
        """
        batch = self.new_batch(inputs, concurrency=concurrency, executor=executor, **options)
        return await batch.run(return_exceptions=return_exceptions)

    @overload
    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[True] = ...,
        executor: BatchExecutor | None = ...,
        **options: Any,
    ) -> list[T | BaseException]: ...

    @overload
    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: Literal[False],
        executor: BatchExecutor | None = ...,
        **options: Any,
    ) -> list[T]: ...

    @overload
    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = ...,
        return_exceptions: bool,
        executor: BatchExecutor | None = ...,
        **options: Any,
    ) -> list[T | BaseException]: ...

    def batch(
        self,
        inputs: Iterable[Mapping[str, Any] | dspy.Example],
        *,
        concurrency: int = 16,
        return_exceptions: bool = True,
        executor: BatchExecutor | None = None,
        **options: Any,
    ) -> list[T] | list[T | BaseException]:
        """Blocking `abatch` (replaces `dspy.Module.batch`: one event loop and `concurrency` instead of threads)."""
        return run_sync(self.abatch(
            inputs, concurrency=concurrency, return_exceptions=return_exceptions, executor=executor, **options
        ))


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


def _check_options(
    max_steps: int,
    max_retries: int,
    on_max_steps: str,
    max_concurrency: int | None,
    spelt: Mapping[str, str] | None = None,
) -> None:
    """The limits' values, checked; an error names the option as `spelt` (``_max_steps`` at a call)."""
    name = (spelt or {}).get
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:  # True is an int
        raise OptionValueError(name("max_steps", "max_steps"), max_steps, "a positive integer")
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise OptionValueError(name("max_retries", "max_retries"), max_retries, "an integer >= 0")
    if on_max_steps not in ("raise", "return"):
        raise OptionValueError(name("on_max_steps", "on_max_steps"), on_max_steps, "'raise' or 'return'")
    if max_concurrency is not None and (
        not isinstance(max_concurrency, int) or isinstance(max_concurrency, bool) or max_concurrency < 1
    ):
        raise OptionValueError(name("max_concurrency", "max_concurrency"), max_concurrency, "a positive integer or None")


_PLAIN = {
    "missing": "is required",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list of distinct values",
    "dict_type": "must be a dict",
    "model_type": "must be a dict of {class_name} fields",
    "model_attributes_type": "must be a dict",
    "none_required": "must be null",
    "literal_error": "must be one of {choices}",
    "enum": "must be one of {choices}",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "string_too_short": "must be at least {min_length} character(s) long",
    "string_too_long": "must be at most {max_length} character(s) long",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "string_pattern_mismatch": "must match {pattern}",
}
"""pydantic's error types in plain words (formatted with the error's ``ctx``)."""


def _plain_error(error: Any) -> str:
    """One pydantic error as ``field must be ... (got value)``: the field's path, what it must be, what it was."""
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]).lstrip(".")
    words = _PLAIN.get(error["type"])
    if words is None:  # a validator's own message, or a type not listed: pydantic's words, less formal
        message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        words = message.replace("Input should", "must", 1) if message.startswith("Input should") else f"is rejected: {message}"
    else:
        try:
            ctx = error.get("ctx", {})
            words = words.format(**ctx, choices=str(ctx.get("expected", "")).replace(" or ", ", "))
        except (KeyError, IndexError):  # a pydantic version whose ctx lacks the key
            words = str(error["msg"])
    return path + " " + words + ("" if error["type"] == "missing" else f" (got {safe_repr(error['input'], 60)})")


def _spelling(like: str, option: str) -> str:
    """`option` spelt like `like`: with the leading ``_`` of a call's options, or as `new_run`'s keyword."""
    return f"_{option}" if like.startswith("_") else option


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
        max_concurrency: int | None = ...,
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
        max_concurrency: int | None = ...,
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
        max_concurrency: int | None = None,
    ) -> TranspiledProgram[Any]:
        """Check the graph and build its program.

        Args:
            graph: the state machine to run.
            output_model: a pydantic model built from the final state; `aforward` returns it.
            max_steps: supersteps allowed per run (guards loops; node executions when no branches run in parallel).
            max_retries: self-correction retries of LLM nodes without their own `max_retries`.
            on_max_steps: "raise" `MaxStepsExceeded`, or "return" the output built from the state so far.
            interrupt_before: breakpoints: nodes to pause before ("*": every node), for every run.
            interrupt_after: nodes to pause after, once they ran and routed.
            max_concurrency: tasks of one superstep running at once (a `Send` map, a fan-out); None: all.
        """
        if not isinstance(graph, Graph):
            raise GraphDefinitionError(f"AgentTranspiler.compile expects a Graph, got {type(graph).__name__}")
        if output_model is not None and not (isinstance(output_model, type) and issubclass(output_model, BaseModel)):
            raise GraphDefinitionError(f"output_model must be a pydantic BaseModel class, got {output_model!r}")
        program: TranspiledProgram[Any] = TranspiledProgram(
            graph, output_model, max_steps, max_retries, on_max_steps, interrupt_before, interrupt_after, max_concurrency
        )
        for message in program.graph_warnings:
            warnings.warn(message, GraphWarning, stacklevel=2)
        return program
