"""The playground: send one recorded model call again, edited, and read the node's verdict on the answer.

A resend is ONE model call for the node of a recorded ``lm_call`` event, through the same path a run takes
(`call_predictor`: the adapter in force parses the answer, the other standard format is tried before it
counts as unparseable) and checked as a run checks it (`check_answer`, with the router's decision rule),
so a user reads the same words as in the Validation tab. Two ways to edit:

- raw ``messages`` ({role, content} dicts), sent as they are (the adapter in force still parses the answer);
- structured ``instructions`` / ``demos`` / ``inputs``: the node's predictor is copied (never changed) with
  them and the adapter formats the messages.

Nothing a resend does changes the run or the program. `use_instructions` is what changes the program
(the node's predictor gets the instructions and demos: ``dump_state()`` and ``save`` show them); the
presenter's ``fork_with`` then re-runs from the node as the debugger's fork.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import json
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import dspy
from dspy.adapters import ChatAdapter
from dspy.utils.exceptions import AdapterParseError
from pydantic import BaseModel

from ...core.calls import CallLog
from ...core.correction import AttemptFailure, NodeCall, call_predictor, check_answer, decision_check, retry_signature
from ...core.graph import StatefulNode
from ..textview import MASK, Masker
from .presenter_errors import ViewCommandError
from .runmodel import Attempt, NodeVisit, RunModel
from .viewmodel import Screen

__all__ = ["KEPT_VARIANTS", "Playground", "ProgramVersion", "Resent", "ResendError", "Variant", "in_context"]

R = TypeVar("R")

KEPT_VARIANTS = 6
"""Variants a call keeps side by side, the oldest dropped first."""


class ResendError(ViewCommandError):
    """A resend (or "Use these instructions", "Fork from here with them") cannot be done: an unknown call, a
    call of no LLM node, a bad model or edit. The message names what is at fault."""


@dataclass(frozen=True)
class Resent:
    """One model call sent again: what was sent, what came back, and the node's verdict on it."""

    call: int
    """The index of the recorded ``lm_call`` event sent again (in the events of the run it belongs to)."""
    node: str
    attempt: int | None
    model: str
    messages: list[dict[str, Any]]
    """The messages sent, as sent."""
    completion: str
    output: dict[str, Any]
    """The answer's fields as the adapter parsed them (empty when it could not be parsed)."""
    passed: bool
    """Whether the answer passes the node's contract (its output model's validators, a router's decision)."""
    errors: str
    """The validator's (or parser's) messages, as the Validation tab shows them; "" when it passed."""
    failed_fields: list[str]
    value: BaseModel | None
    """The validated output model instance (None when it failed)."""
    prompt_tokens: int | None
    completion_tokens: int | None
    duration: float
    """Seconds the model took."""
    instructions: str | None = None
    """The instructions sent (a structured edit); None when raw messages were sent."""
    demos: list[dict[str, Any]] | None = None
    """The demos sent (a structured edit that set them); None otherwise."""

    def field_errors(self) -> dict[str, list[str]]:
        """The error lines by the output field they name (``(answer)`` for those naming no field)."""
        found: dict[str, list[str]] = {}
        for line in self.errors.splitlines():
            text = line.removeprefix("- ")
            name = text.split(":", 1)[0].split(".", 1)[0] if ":" in text else ""
            found.setdefault(name if name in self.failed_fields else "(answer)", []).append(text)
        return found


@dataclass(frozen=True)
class ProgramVersion:
    """What "Use these instructions" changed: the program's version after it, and the node's before / after."""

    number: int
    node: str
    before: str
    after: str
    demos: int | None
    """How many demos the node has now, when they were replaced (None: left as they were)."""

    def note(self) -> str:
        demos = f" and {self.demos} demo(s)" if self.demos is not None else ""
        same = " (the same as before)" if self.before == self.after else ""
        return f"program version {self.number}: node '{self.node}' got new instructions{demos}{same}"


@dataclass
class Variant:
    """A resend shown next to its call: pending while the model answers, then its result or why it failed."""

    id: int
    call: int
    run_id: str | None
    model: str
    result: Resent | None = None
    error: str | None = None
    task: asyncio.Task[Any] | None = field(default=None, repr=False)

    @property
    def pending(self) -> bool:
        return self.result is None and self.error is None


class Playground:
    """The resends of one view: the models it can send to, the variants kept per call, the program's versions.

    `program`: the compiled program whose nodes are resent and whose predictors "Use these instructions"
    changes (None: the view cannot resend, e.g. a replay of a saved run). `models`: name -> `dspy.LM`
    the user registered, offered next to the run's own model.
    """

    def __init__(self, program: Any, masker: Masker, models: Mapping[str, Any] | None = None) -> None:
        self.program: Any = program if hasattr(program, "node_predictors") else None
        self.masker = masker
        self.models: dict[str, Any] = dict(models or {})
        """Name -> a `dspy.LM` (or any `dspy.BaseLM`) a resend can go to (``lm="name"``), besides the run's own."""
        self.version = 1
        """The program's version: 1 as given, one more each time "Use these instructions" changes it."""
        self.versions: list[ProgramVersion] = []
        self.editing: int | None = None
        """The call (``lm_call`` event index) whose editor is open in the browser."""
        self.error: str | None = None
        """Why the browser's last edit was refused (shown in the editor)."""
        self._variants: list[Variant] = []
        self._ids = 0

    # -- sending --------------------------------------------------------------------------

    def recorded(self, log: RunModel, call: int | Mapping[str, Any]) -> tuple[int, StatefulNode, NodeVisit]:
        """The ``lm_call`` event `call` (index, or the event itself) of run `log`: its index, LLM node and visit."""
        events = log.events
        if isinstance(call, Mapping):
            found = next((i for i, e in enumerate(events) if e is call or e == call), None)
            if found is None:
                raise ResendError("that event is not one of the run shown: pass an lm_call event of this run or its index")
            call = found
        if isinstance(call, bool) or not isinstance(call, int):
            raise ResendError(f"call must be the index of an lm_call event (or the event), got {type(call).__name__}")
        if not 0 <= call < len(events):
            raise ResendError(f"no event {call}: the run shown has {len(events)} event(s)")
        event = events[call]
        if event.get("event") != "lm_call":
            raise ResendError(f"event {call} is a {event.get('event')} of node '{event.get('node')}', not a model call: "
                              f"the model calls are events {[c.event_index for c in log.calls][:12]}")
        node = self._llm_node(str(event.get("node")))
        visit = next((v for v in log.visits if any(c.event_index == call for c in v.calls)), None)
        if visit is None:
            raise ResendError(f"model call {call} of node '{node.name}' belongs to no visit of the run shown")
        return call, node, visit

    def _llm_node(self, name: str) -> StatefulNode:
        """LLM node `name` of the program (a `ResendError` when there is no program, or it is no LLM node)."""
        if self.program is None:
            raise ResendError(f"this view has no program to send node '{name}' with: open the run with its program "
                              "(LabView.load(path, program=...)) or in a LabView of the program")
        node = self.program.graph.nodes.get(name)
        if not isinstance(node, StatefulNode):
            kind = "is a Python node" if node is not None else "is not in the program"
            raise ResendError(f"node '{name}' {kind}: only an LLM node's model call can be sent again")
        return node

    def lm(self, lm: Any, predictor: dspy.Predict) -> Any:
        """The model a resend goes to: `lm` (a registered name or an LM), else the node's, else DSPy's configured one."""
        if lm is None:
            chosen = predictor.lm or dspy.settings.lm
            if chosen is None:
                raise ResendError("no model to send to: configure one (dspy.configure(lm=...)) or pass lm=")
            return chosen
        if isinstance(lm, str):
            if lm in self.models:
                return self.models[lm]
            known = ", ".join(repr(m) for m in self.models) or "none registered (LabView(..., models={name: lm}))"
            raise ResendError(f"no model {lm!r}: the models are {known}")
        if isinstance(lm, dspy.BaseLM):
            return lm
        raise ResendError(f"lm must be a dspy.LM or the name of a registered model, got {type(lm).__name__}")

    async def resend(
        self,
        log: RunModel,
        call: int | Mapping[str, Any],
        *,
        messages: Sequence[Mapping[str, Any]] | None = None,
        instructions: str | None = None,
        demos: Sequence[Mapping[str, Any]] | None = None,
        inputs: Mapping[str, Any] | None = None,
        lm: Any = None,
    ) -> Resent:
        """Send model call `call` of run `log` again, edited; the answer with its verdict (see `LabView.resend`)."""
        index, node, visit = self.recorded(log, call)
        return await self._send(self._request(log, index, node, visit, messages, instructions, demos, inputs, lm))

    def _request(self, log: RunModel, index: int, node: StatefulNode, visit: NodeVisit, messages: Any,
                 instructions: Any, demos: Any, inputs: Any, lm: Any) -> _Request:
        """Everything a resend sends, checked before anything is sent (so an error names the edit at fault)."""
        if messages is not None and (instructions is not None or demos is not None or inputs is not None):
            raise ResendError("edit either the raw messages or the instructions / demos / inputs, not both")
        original = self.program.predictor(node.name)
        event = log.events[index]
        attempt = event.get("attempt")
        predictor = original.deepcopy()
        predictor.lm = self.lm(lm, original)
        if instructions is not None:
            if not isinstance(instructions, str):
                raise ResendError(f"instructions must be text, got {type(instructions).__name__}")
            predictor.signature = predictor.signature.with_instructions(instructions)
        if demos is not None:
            predictor.demos = _demos(demos, node.name)
        given = dict(visit.inputs or {})
        if inputs is not None:
            if not isinstance(inputs, Mapping):
                raise ResendError(f"inputs must map node '{node.name}'s input fields to values, got {type(inputs).__name__}")
            unknown = [k for k in inputs if k not in node.input_model.model_fields]
            if unknown:
                raise ResendError(f"node '{node.name}' has no input field(s) {unknown}; "
                                  f"its inputs are {', '.join(node.input_model.model_fields)}")
            given.update(inputs)
        signature, kwargs = None, given
        failure = _failure_before(visit, attempt)
        if failure is not None:  # a retry: sent with the rejected answer and the feedback, as the run sent it
            signature = retry_signature(predictor.signature)
            kwargs = {**given, "previous_attempt": failure.raw_output, "validation_feedback": failure.feedback}
        sent = [_message(m, i) for i, m in enumerate(messages)] if messages is not None else None
        router = self.program.graph.routers.get(node.name)
        return _Request(
            index, node, predictor, NodeCall(node.name, attempt if isinstance(attempt, int) else 1, kwargs), signature,
            sent, {"node": node.name, "inputs": given, "state": dict(visit.state_before)},
            decision_check(node, router) if router is not None and router.decide is node else None,
            instructions=predictor.signature.instructions if messages is None else None,
            demos=[dict(d) for d in demos] if demos is not None and messages is None else None,
        )

    async def _send(self, request: _Request) -> Resent:
        log = CallLog(request.node.name, request.call.attempt)
        adapter = dspy.settings.adapter or ChatAdapter(use_json_adapter_fallback=False)
        if request.messages is not None:
            adapter = _sending(adapter, request.messages)
        started = time.perf_counter()
        with dspy.context(adapter=adapter, **log.settings()):
            outcome = await call_predictor(request.predictor, request.call, request.signature)
        took = time.perf_counter() - started
        recorded = log.take()
        sent: dict[str, Any] = dict(recorded[-1]) if recorded else {}
        verdict = check_answer(request.node, outcome, request.predictor.signature, request.context, request.extra_check)
        usage = sent.get("usage") or {}
        completion = sent.get("completion")
        if isinstance(outcome, AdapterParseError):
            output = dict(getattr(outcome, "parsed_result", None) or {})
            completion = completion if completion is not None else outcome.lm_response
        else:
            output = {k: outcome.get(k) for k in request.node.output_model.model_fields if k in outcome}
        failed = verdict if isinstance(verdict, AttemptFailure) else None
        return Resent(
            call=request.index, node=request.node.name, attempt=request.call.attempt,
            model=str(sent.get("model") or getattr(request.predictor.lm, "model", "model")),
            messages=list(sent.get("messages") or request.messages or []),
            completion=completion if isinstance(completion, str) else json.dumps(completion, default=str),
            output=output, passed=failed is None, errors=failed.error if failed else "",
            failed_fields=list(failed.failed_fields) if failed else [],
            value=verdict if isinstance(verdict, BaseModel) else None,
            prompt_tokens=usage.get("prompt_tokens"), completion_tokens=usage.get("completion_tokens"),
            duration=float(sent.get("duration") or took),
            instructions=request.instructions, demos=request.demos,
        )

    # -- the variants the browser shows -----------------------------------------------------

    def variants(self, log: RunModel, call: int | None = None) -> list[Variant]:
        """The variants kept for run `log` (of model call `call` only, when given), oldest first."""
        return [v for v in self._variants if v.run_id == log.run_id and (call is None or v.call == call)]

    def variant(self, variant_id: Any) -> Variant | None:
        return next((v for v in self._variants if v.id == variant_id), None)

    def start(self, log: RunModel, message: Mapping[str, Any], context: contextvars.Context | None,
              done: Callable[[], None]) -> Variant:
        """A browser's Send: the variant, pending, its model call a task on the running loop (`done` when it ends;
        the caller makes sure there is one).

        The edits are checked first (a `ResendError` names the one at fault: nothing is sent)."""
        call = message.get("call")
        if not isinstance(call, int):
            raise ResendError("the browser sent no call to send again")
        index, node, visit = self.recorded(log, call)
        edits, lm = _browser_edits(message, log.events[index].get("messages") or [])

        def prepare() -> _Request:
            return self._request(log, index, node, visit, lm=lm, **edits)

        request = context.copy().run(prepare) if context is not None else prepare()  # the run's DSPy settings
        self._ids += 1
        variant = Variant(self._ids, index, log.run_id, _model_label(request.predictor.lm))
        kept = self.variants(log, index)
        if len(kept) >= KEPT_VARIANTS:
            self.drop(kept[0].id)
        self._variants.append(variant)

        def ended(task: asyncio.Task[Resent]) -> None:
            if task.cancelled():
                variant.error = "cancelled"
            elif (error := task.exception()) is not None:
                variant.error = self.masker.mask_text(_one_line(error))
            else:
                variant.result = task.result()
            done()

        variant.task = in_context(context, self._send(request))
        variant.task.add_done_callback(ended)
        return variant

    def drop(self, variant_id: Any) -> None:
        """Forget a variant (its model call, if still waiting, is cancelled)."""
        variant = self.variant(variant_id)
        if variant is not None:
            self._variants.remove(variant)
            if variant.task is not None and not variant.task.done():
                variant.task.cancel()

    def close(self) -> None:
        for variant in list(self._variants):
            if variant.task is not None and not variant.task.done():
                variant.task.cancel()

    # -- "Use these instructions" -----------------------------------------------------------------

    def use(self, node_or_variant: str | Resent, instructions: str | None = None,
            demos: Sequence[Mapping[str, Any]] | None = None) -> ProgramVersion:
        """Give node `node_or_variant` (or a variant's node) the instructions (and demos): a new program version."""
        return self.checked_use(node_or_variant, instructions, demos)()

    def checked_use(self, node_or_variant: str | Resent, instructions: str | None = None,
                    demos: Sequence[Mapping[str, Any]] | None = None) -> Callable[[], ProgramVersion]:
        """`use`, checked now (a `ResendError` names what is wrong) and done when the function returned is called."""
        if isinstance(node_or_variant, Resent):
            node = node_or_variant.node
            instructions = node_or_variant.instructions if instructions is None else instructions
            demos = node_or_variant.demos if demos is None else demos
            if instructions is None:
                raise ResendError(f"this variant of node '{node}' sent raw messages, no instructions: "
                                  "send a structured edit (instructions=...) to use its instructions")
        else:
            node = node_or_variant
        if self.program is None:
            raise ResendError("this view has no program whose instructions could change")
        if not isinstance(node, str) or node not in self.program.node_predictors:
            known = ", ".join(self.program.node_predictors) or "none"
            raise ResendError(f"no LLM node {node!r} in the program: its LLM nodes are {known}")
        if not isinstance(instructions, str):
            raise ResendError(f"instructions for node '{node}' must be text, got {type(instructions).__name__}")
        predictor = self.program.predictor(node)
        new_demos = _demos(demos, node) if demos is not None else None
        text = instructions

        def apply() -> ProgramVersion:
            before = predictor.signature.instructions
            predictor.signature = predictor.signature.with_instructions(text)
            if new_demos is not None:
                predictor.demos = new_demos
            self.version += 1
            version = ProgramVersion(self.version, node, before, text, len(new_demos) if new_demos is not None else None)
            self.versions.append(version)
            return version

        return apply

    # -- what the browser shows ---------------------------------------------------------------------

    def json(self, log: RunModel, visit: NodeVisit | None, call: int | None, screen: Screen,
             can_send: bool) -> dict[str, Any] | None:
        """The calls tab's playground for model call `call` (of `visit`, in run `log`): the editor (open or not),
        the models, the variants side by side, the program's version; None when no call is shown."""
        if call is None or visit is None or not 0 <= call < len(log.events):
            return None
        event = log.events[call]
        try:
            node = self._llm_node(str(event.get("node")))
        except ResendError as exc:
            return {"call": call, "available": False, "why": str(exc)}
        failure = next((a for a in visit.failures if a.attempt == event.get("attempt")), None)
        original = {"model": str(event.get("model") or "model"),
                    "completion": screen.cell(str(event.get("completion") or "(empty)"), 10),
                    "passed": failure is None, "errors": _error_rows(failure.error if failure else "", screen)}
        built: dict[str, Any] = {
            "call": call, "available": can_send, "why": "" if can_send else "a run is in progress: send once it is over",
            "node": node.name, "editing": self.editing == call, "error": self.error if self.editing == call else None,
            "models": [{"value": "", "label": f"the run's model ({original['model']})"},
                       *({"value": name, "label": name} for name in self.models)],
            "original": original,
            "variants": [self._variant_json(v, screen) for v in self.variants(log, call)],
            "version": self.versions[-1].note() if self.versions else "",  # said once the program changed
        }
        if self.editing == call:
            built["editor"] = self._editor(log, call, node, visit)
        return built

    def _editor(self, log: RunModel, call: int, node: StatefulNode, visit: NodeVisit) -> dict[str, Any]:
        """What the editor starts from: the messages as sent, the node's instructions and demos now, its inputs."""
        mask = self.masker.mask_text
        predictor = self.program.predictor(node.name)
        return {
            "messages": [{"role": str(m.get("role")), "content": mask(_content(m.get("content")))}
                         for m in log.events[call].get("messages") or ()],
            "instructions": mask(predictor.signature.instructions),
            "demos": mask(json.dumps([_demo_json(d) for d in predictor.demos], indent=2, default=str, ensure_ascii=False)),
            "inputs": {k: mask(json.dumps(self.masker.mask_field(k, v), default=str, ensure_ascii=False))
                       for k, v in (visit.inputs or {}).items()},
        }

    def _variant_json(self, variant: Variant, screen: Screen) -> dict[str, Any]:
        built: dict[str, Any] = {"id": variant.id, "model": variant.model, "pending": variant.pending,
                                 "error": variant.error}
        result = variant.result
        if result is not None:
            field_errors = result.field_errors()
            built.update(
                model=result.model, passed=result.passed, completion=screen.cell(result.completion or "(empty)", 10),
                fields=[{"name": k, "value": screen.cell(v, name=k), "errors": field_errors.get(k, [])}
                        for k, v in result.output.items()],
                errors=_error_rows(result.errors, screen),
                facts=_facts(result), can_use=result.instructions is not None,
                edit="instructions" if result.instructions is not None else "messages",
            )
        return built


@dataclass(frozen=True)
class _Request:
    index: int
    node: StatefulNode
    predictor: dspy.Predict
    call: NodeCall
    signature: type[dspy.Signature] | None
    messages: list[dict[str, Any]] | None
    context: dict[str, Any]
    extra_check: Callable[[BaseModel], tuple[str, str] | None] | None
    instructions: str | None
    demos: list[dict[str, Any]] | None


def in_context(context: contextvars.Context | None, work: Coroutine[Any, Any, R]) -> asyncio.Task[R]:
    """`work` as a task on the running loop, in a copy of `context` (None: the caller's): the DSPy settings of the
    cell that started the run, for a click that has none of its own."""
    if context is None:
        return asyncio.ensure_future(work)
    return context.copy().run(asyncio.ensure_future, work)  # a task takes the context it is created in


def _sending(adapter: Any, messages: list[dict[str, Any]]) -> Any:
    """The adapter in force, sending `messages` as they are (it still parses the answer, as in a run)."""
    sent = copy.copy(adapter)
    sent.format = lambda signature, demos, inputs: [dict(m) for m in messages]  # shadows the class's method
    return sent


def _failure_before(visit: NodeVisit, attempt: Any) -> Attempt | None:
    """The rejected answer a retry (attempt > 1) was sent with, as recorded; None for a first attempt."""
    if not isinstance(attempt, int) or attempt <= 1:
        return None
    return next((a for a in visit.failures if a.attempt == attempt - 1), None)


def _message(message: Any, i: int) -> dict[str, Any]:
    if not isinstance(message, Mapping) or not isinstance(message.get("role"), str) or "content" not in message:
        raise ResendError(f"message {i} must be a {{'role': ..., 'content': ...}} dict, got {str(message)[:80]!r}")
    content = message["content"]
    if isinstance(content, str) and MASK in content:
        raise ResendError(f"message {i} ({message['role']}) still holds the mask {MASK}: type the whole value")
    return {"role": message["role"], "content": content}


def _demos(demos: Any, node: str) -> list[dspy.Example]:
    if isinstance(demos, (str, bytes)) or not isinstance(demos, Sequence):
        raise ResendError(f"demos for node '{node}' must be a list of dicts (field -> value), got {type(demos).__name__}")
    bad = [i for i, d in enumerate(demos) if not isinstance(d, Mapping)]
    if bad:
        raise ResendError(f"demo {bad[0]} for node '{node}' must be a dict (field -> value), got {demos[bad[0]]!r}")
    return [dspy.Example(**dict(d)) for d in demos]


def _demo_json(demo: Any) -> Any:
    return demo.toDict() if hasattr(demo, "toDict") else demo


def _content(content: Any) -> str:
    return content if isinstance(content, str) else json.dumps(content, default=str, ensure_ascii=False)


def _browser_edits(message: Mapping[str, Any], sent: Sequence[Any]) -> tuple[dict[str, Any], Any]:
    """A browser's ``resend`` message as (edits, model); JSON texts parsed, the field at fault named.

    The browser sends only what the user changed (None / absent for the rest): the editor shows masked text, so
    an untouched message or input is taken as it was `sent` (the recorded messages) or given, not as shown."""
    model = message.get("model") or None
    if message.get("mode") == "messages":
        edited = message.get("messages")
        if not isinstance(edited, list):
            raise ResendError("the messages must be a list")
        messages = [m if m is not None else (sent[i] if i < len(sent) else None) for i, m in enumerate(edited)]
        return {"messages": messages, "instructions": None, "demos": None, "inputs": None}, model
    demos = _json_text(message.get("demos"), "demos") if message.get("demos") not in (None, "") else None
    texts = message.get("inputs") or {}
    if not isinstance(texts, Mapping):
        raise ResendError("the inputs must map field names to JSON text")
    inputs = {str(k): _json_text(v, f"input {k!r}") for k, v in texts.items()}
    instructions = message.get("instructions")
    if isinstance(instructions, str) and MASK in instructions:
        raise ResendError(f"the instructions still hold the mask {MASK}: type the whole value")
    return {"messages": None, "instructions": instructions, "demos": demos, "inputs": inputs or None}, model


def _json_text(text: Any, what: str) -> Any:
    if not isinstance(text, str):
        raise ResendError(f"{what}: expected JSON text")
    if MASK in text:
        raise ResendError(f"{what} still holds the mask {MASK}: type the whole value")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResendError(f"{what} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                          'text needs quotes: "like this"') from None


def _error_rows(errors: str, screen: Screen) -> list[str]:
    return [screen.masker.mask_text(line) for line in errors.splitlines() if line.strip()]


def _facts(result: Resent) -> list[str]:
    tokens = ("tokens not reported" if result.prompt_tokens is None
              else f"{(result.prompt_tokens or 0) + (result.completion_tokens or 0):,} tokens "
                   f"({result.prompt_tokens:,} in, {result.completion_tokens or 0:,} out)")
    return [result.model, tokens, f"{result.duration:.2f} s"]


def _model_label(lm: Any) -> str:
    return str(getattr(lm, "model", None) or type(lm).__name__)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"
