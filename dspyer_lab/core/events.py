"""The event contract between the engine and everything that watches it: one TypedDict per kind.

Events are plain JSON-serializable dicts; the TypedDicts below say which keys each kind has (mypy
checks the engine's `RunEvents.make` calls and a user's reads against them, at no cost per event)
and, through the pydantic metadata of their fields, the bounds an event read from outside must keep:
`dspyer_lab.core.eventschema` validates untrusted events with these same types. Every event has
``event`` (its kind), ``run_id``, ``seq`` (0, 1, 2, ... within a run) and ``ts`` (Unix seconds);
docs/events.md says what each key means (a test checks its tables against these types).

The state of a run at any point is ``run_start.inputs`` with every ``update.values`` and
``node_end.patch`` applied in order (a ``merge`` event's ``patch`` instead of the ``node_end`` patches of its superstep); views rely on this to show state before and after each node.
Only ``finished`` and ``error`` carry the whole state, so no event's cost grows with it: a Python
node, which is given the whole state, has ``inputs`` None in its ``node_start``.

A kind is added in one place: its ``...Fields`` TypedDict, its event TypedDict, its member of
`Event` (or `BatchEvent`) and its `RunEvents.make` overload (a test checks the overloads against the types).
"""

import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, with_config
from pydantic_core import PydanticCustomError
from typing_extensions import NotRequired, TypedDict, Unpack, get_type_hints, overload

__all__ = [
    "BATCH_EVENT_KINDS",
    "Answer",
    "AnswerFields",
    "EVENT_KINDS",
    "EVENT_TYPES",
    "MAX_DEPTH",
    "MAX_RUN_ID",
    "REPR_LIMIT",
    "STRICT",
    "BatchEvent",
    "BranchDict",
    "CheckpointDict",
    "Count",
    "Envelope",
    "ErrorEvent",
    "ErrorFields",
    "FieldError",
    "Interrupt",
    "Event",
    "Finished",
    "FinishedFields",
    "LMCall",
    "LMCallFields",
    "Merge",
    "MergeFields",
    "Message",
    "ModelRetry",
    "ModelRetryFields",
    "NodeEnd",
    "NodeEndFields",
    "NodeStart",
    "NodeStartFields",
    "Paused",
    "PausedFields",
    "Route",
    "RouteFields",
    "RunEvents",
    "RunId",
    "RunStart",
    "RunStartFields",
    "Score",
    "ScoreFields",
    "Seconds",
    "State",
    "TaskFields",
    "Token",
    "TokenFields",
    "Update",
    "UpdateFields",
    "Usage",
    "ValidationErrorEvent",
    "ValidationErrorFields",
    "jsonable",
    "kind_of",
    "safe_repr",
    "shown",
]

# -- bounds: what an event read from outside must keep (checked by dspyer_lab.core.eventschema) --------

STRICT = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)
"""JSON as written: no coercion (``true`` is not 1, ``"3"`` is not 3), no NaN; extra keys allowed (a newer engine may add some)."""

MAX_RUN_ID = 200
"""Longest run id accepted (the engine's are 12 characters)."""


def shown(value: Any) -> str:
    """A short, single-line mention of a bad value for an error message."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 40 else f"{text[:39]}…"


def _one_line(text: str) -> str:
    if not 0 < len(text) <= MAX_RUN_ID or not text.isprintable():
        raise PydanticCustomError("run_id", "should be 1 to {n} printable characters on one line", {"n": MAX_RUN_ID})
    return text


def _no_reserved_keys(state: dict[str, Any]) -> dict[str, Any]:
    reserved = next((k for k in state if k.startswith("_")), None)
    if reserved is not None:
        raise PydanticCustomError(
            "reserved_key",
            "holds key {key}: keys starting with '_' are per-call options, not state",
            {"key": shown(reserved)},
        )
    return state


Count = Annotated[int, Field(ge=0, lt=2**63)]
Seconds = Annotated[float, Field(ge=0)]
RunId = Annotated[str, AfterValidator(_one_line)]
State = Annotated[dict[str, Any], AfterValidator(_no_reserved_keys)]
"""State values by key (a run's inputs, a patch, an update, a whole state)."""

# -- the kinds ------------------------------------------------------------------------------------------


@with_config(STRICT)
class Envelope(TypedDict):
    """What every event has besides its ``event`` kind."""

    run_id: RunId
    seq: Count
    ts: float


@with_config({**STRICT, "extra": "forbid"})
class BranchDict(TypedDict):
    """A node instance a checkpoint's next superstep runs: ``arg`` and ``index`` for a `Send` instance."""

    node: Annotated[str, Field(min_length=1)]
    arg: NotRequired[State]
    index: NotRequired[Count]


@with_config(STRICT)
class FieldError(TypedDict):
    """One field a person's (or a model's) answer got wrong: its path in the answer and what is wrong, in words."""

    loc: list[str | int]
    msg: str


@with_config(STRICT)
class Interrupt(TypedDict):
    """A question a node asks a person: `interrupt(value)` (``kind`` "interrupt") or a `HumanNode` ("human").

    ``id`` is stable across resumes (``"<node>:<task>:<k>"``, the node's k-th `interrupt()` call; a router's
    node is ``"<node>>route"``); ``schema`` the JSON schema the answer must fit (a HumanNode's output model),
    ``inputs`` the node's input values (a HumanNode's); ``errors`` what was wrong with the last answer."""

    id: Annotated[str, Field(min_length=1)]
    node: str
    task: str | None
    value: Any
    kind: Literal["interrupt", "human"]
    prompt: str | None
    schema: dict[str, Any] | None
    inputs: dict[str, Any] | None
    errors: NotRequired[list[FieldError]]


@with_config({**STRICT, "extra": "forbid"})
class CheckpointDict(TypedDict):
    """A `Checkpoint.to_dict()`: exactly these keys (it is read back exactly); ``frontier`` and ``joined``
    only where parallel branches are pending, ``pending`` (task id -> its patch) only for a checkpoint cut
    in the middle of a superstep (the instances that had finished: not run again); ``interrupts`` the questions
    waiting for an answer, ``answers`` (interrupt id -> answer) those answered so far in the next superstep."""

    run_id: RunId
    step: Count
    seq: Count
    next: Annotated[str, Field(min_length=1)]
    state: State
    frontier: NotRequired[list[BranchDict]]
    joined: NotRequired[list[list[str]]]
    pending: NotRequired[dict[str, State]]
    interrupts: NotRequired[list[Interrupt]]
    answers: NotRequired[dict[str, Any]]


class RunStartFields(TypedDict):
    """A fork also has ``parent_run_id`` and ``parent_step``; its ``inputs`` are then the whole state at the checkpoint,
    and its checkpoint's ``frontier``, ``joined`` and ``pending`` when it has them. ``joins``: the sources of each of
    the graph's joins (absent when it has none), so a checkpoint rebuilt from the events knows what a join waits for.
    A fork of a run paused at an `interrupt` also has its checkpoint's ``interrupts`` and ``answers``."""

    inputs: State
    parent_run_id: NotRequired[RunId | None]
    parent_step: NotRequired[Count | None]
    joins: NotRequired[list[list[str]]]
    frontier: NotRequired[list[BranchDict]]
    joined: NotRequired[list[list[str]]]
    pending: NotRequired[dict[str, State]]
    interrupts: NotRequired[list[Interrupt]]
    answers: NotRequired[dict[str, Any]]


class RunStart(Envelope, RunStartFields):
    event: Literal["run_start"]


class UpdateFields(TypedDict):
    """The state keys a user changed before resuming, with their new values."""

    values: State


class Update(Envelope, UpdateFields):
    event: Literal["update"]


class TaskFields(TypedDict):
    """The node instance an event belongs to: ``task`` unique in the run, ``index`` a `Send` instance's position."""

    task: NotRequired[str]
    index: NotRequired[Count]


class NodeStartFields(TaskFields):
    """``inputs``: an LLM node's validated inputs; None for a Python node (it is given the whole state)."""

    node: str
    kind: Literal["llm", "python", "router", "human"]
    step: Count
    inputs: NotRequired[dict[str, Any] | None]


class NodeStart(Envelope, NodeStartFields):
    event: Literal["node_start"]


class TokenFields(TaskFields):
    """A piece of an output field's text as the model writes it (only with ``_stream_tokens=True``)."""

    node: str
    attempt: Count | None
    field: str
    chunk: str


class Token(Envelope, TokenFields):
    event: Literal["token"]


@with_config(STRICT)
class Message(TypedDict):
    role: str
    content: Any


@with_config(STRICT)
class Usage(TypedDict):
    prompt_tokens: NotRequired[Count | None]
    completion_tokens: NotRequired[Count | None]
    total_tokens: NotRequired[Count | None]


class LMCallFields(TaskFields):
    """One model call of an attempt, exactly as sent and received (``usage`` and ``cost`` None when unknown)."""

    node: str
    attempt: Count | None
    model: str
    messages: list[Message]
    completion: str | None
    usage: Usage | None
    cost: Annotated[float, Field(ge=0)] | None
    duration: Seconds
    cached: bool


class LMCall(Envelope, LMCallFields):
    event: Literal["lm_call"]


class ValidationErrorFields(TaskFields):
    """A rejected answer; ``feedback`` is what goes back to the model (empty when no retry follows). A `HumanNode`'s
    rejected answer has ``errors`` (one per field, for a form to show next to it) and ``max_attempts`` None."""

    node: str
    attempt: Count
    max_attempts: Count | None
    error: str
    failed_fields: list[str]
    raw_output: str
    feedback: str
    will_retry: bool
    errors: NotRequired[list[FieldError]]


class ValidationErrorEvent(Envelope, ValidationErrorFields):
    event: Literal["validation_error"]


class NodeEndFields(TaskFields):
    """``patch``: exactly the fields the node wrote."""

    node: str
    patch: State
    duration: Seconds
    attempts: Count


class NodeEnd(Envelope, NodeEndFields):
    event: Literal["node_end"]


class RouteFields(TaskFields):
    """``decision`` is None for a static edge and a `Send`; a Send's ``send_arg`` and ``send_index`` (its position
    among its router's Sends) are those of the instance it starts (``task``/``index`` name the task routing)."""

    source: str
    decision: str | None
    target: str
    send_arg: NotRequired[State]
    send_index: NotRequired[Count]


class Route(Envelope, RouteFields):
    event: Literal["route"]


class MergeFields(TypedDict):
    """After a superstep of several tasks (or a reducer): ``patch`` is what was applied to the state, ``tasks`` in merge order."""

    step: Count
    patch: State
    tasks: list[str]


class Merge(Envelope, MergeFields):
    event: Literal["merge"]


class PausedFields(TypedDict):
    """The stream then ends normally; ``checkpoint`` resumes the run. ``when`` "before"/"after": a breakpoint (the
    debugger's); "interrupt": the node asked a person (`interrupt()`, a `HumanNode`), ``interrupts`` says what."""

    node: str
    when: Literal["before", "after", "interrupt"]
    checkpoint: CheckpointDict
    interrupts: NotRequired[list[Interrupt]]


class Paused(Envelope, PausedFields):
    event: Literal["paused"]


class AnswerFields(TaskFields):
    """A person's answer to interrupt ``interrupt_id`` (given on resume, before its node runs again), as given."""

    node: str
    interrupt_id: str
    value: Any
    answered_at: float


class Answer(Envelope, AnswerFields):
    event: Literal["answer"]


class FinishedFields(TypedDict):
    output: Any
    state: State
    steps: Count
    duration: Seconds


class Finished(Envelope, FinishedFields):
    event: Literal["finished"]


class ErrorFields(TaskFields):
    """``node`` None outside a node; ``router`` the node whose Python router failed (absent in older files)."""

    node: str | None
    router: NotRequired[str | None]
    error: str
    error_type: str
    traceback: str
    state: State


class ErrorEvent(Envelope, ErrorFields):
    event: Literal["error"]


class ModelRetryFields(TypedDict):
    """A batch's model client retries a call after a transient error (``rate_limited``: HTTP 429)."""

    node: str | None
    attempt: Count | None
    retry: Count
    retry_in: Seconds
    rate_limited: bool
    error_type: str
    error: str


class ModelRetry(Envelope, ModelRetryFields):
    event: Literal["model_retry"]


class ScoreFields(TypedDict):
    """A batch's metric after ``finished``: None with ``error`` and ``error_type`` when the metric raised."""

    score: float | None
    error: NotRequired[str]
    error_type: NotRequired[str]


class Score(Envelope, ScoreFields):
    event: Literal["score"]


Event = Union[
    RunStart,
    Update,
    Answer,
    NodeStart,
    Token,
    LMCall,
    ValidationErrorEvent,
    NodeEnd,
    Merge,
    Route,
    Paused,
    Finished,
    ErrorEvent,
]
"""An event of a run, as `Run.events()` and `astream` yield it: ``event["event"] == "node_end"`` narrows it to `NodeEnd`."""
BatchEvent = Union[ModelRetry, Score]
"""The kinds a batch adds to a run's events."""


def kind_of(event_type: type) -> str:
    """The ``event`` value of an event TypedDict (``"node_end"`` for `NodeEnd`)."""
    kind: str = get_args(get_type_hints(event_type)["event"])[0]
    return kind


EVENT_TYPES: dict[str, type] = {kind_of(t): t for t in (*get_args(Event), *get_args(BatchEvent))}
"""Kind -> its TypedDict, for every kind the engine and a batch make."""
EVENT_KINDS: tuple[str, ...] = tuple(kind_of(t) for t in get_args(Event))
BATCH_EVENT_KINDS: tuple[str, ...] = tuple(kind_of(t) for t in get_args(BatchEvent))


MAX_DEPTH = 64
"""Nesting `jsonable` follows; deeper values are cut (a state is data, not a linked list)."""
REPR_LIMIT = 2000
"""Characters kept of a repr that stands in for a value JSON cannot hold."""


def jsonable(value: Any) -> Any:
    """A strict-JSON copy of `value`: models are dumped, anything JSON cannot hold becomes its repr.

    Never raises: a state value that cannot be serialized must not cost the run its events.
    A repr that raises is replaced by the type's name, a long one is clipped to `REPR_LIMIT`;
    a container inside itself becomes ``<cycle: type>``, nesting beyond `MAX_DEPTH` ``<too deep: type>``.
    """
    return _jsonable(value, 0, set())


_PLAIN = frozenset({str, int, bool, type(None)})  # JSON as they are (exact types: subclasses take the long way)


def _jsonable(value: Any, depth: int, path: set[int]) -> Any:
    """`jsonable` of `value` found `depth` levels down; `path` holds the ids of the containers above it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)  # NaN/inf are not JSON
    key = id(value)
    if key in path:
        return f"<cycle: {_type_name(value)}>"
    if depth >= MAX_DEPTH:
        return f"<too deep: {_type_name(value)}>"
    path.add(key)
    try:
        return _convert(value, depth + 1, path)
    except Exception:  # a Mapping whose items() raises, a serializer that raises, ...
        return safe_repr(value)
    finally:
        path.discard(key)


def _convert(value: Any, depth: int, path: set[int]) -> Any:
    if isinstance(value, BaseModel):
        try:
            dumped = value.model_dump(mode="json", fallback=safe_repr)
        except Exception:  # a serializer that raises, a model inside itself, nesting deeper than pydantic follows
            dumped = {name: getattr(value, name, None) for name in type(value).model_fields}
        return _jsonable(dumped, depth, path)
    if isinstance(value, Mapping):  # plain values inline: most of a state is text and numbers
        return {
            k if type(k) is str else _key(k): v if type(v) in _PLAIN else _jsonable(v, depth, path)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v if type(v) in _PLAIN else _jsonable(v, depth, path) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return _jsonable(value.value, depth, path)
    to_dict = getattr(value, "toDict", None)  # dspy.Prediction / dspy.Example
    if callable(to_dict):
        items = getattr(value, "items", None)  # one level at a time (toDict recurses): we cut cycles and depth
        return _jsonable(dict(items()) if callable(items) else to_dict(), depth, path)
    return safe_repr(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    try:
        return str(key)
    except Exception:
        return safe_repr(key)


def _type_name(value: Any) -> str:
    return type(value).__qualname__


def safe_repr(value: Any, limit: int = REPR_LIMIT) -> str:
    """``repr(value)``, clipped to `limit` characters; ``<Type object (repr failed)>`` when repr raises."""
    try:
        text = repr(value)
        if not isinstance(text, str):
            raise TypeError("__repr__ returned a non-string")
    except Exception:
        return f"<{_type_name(value)} object (repr failed)>"
    return text if len(text) <= limit else f"{text[:limit]}… (+{len(text) - limit} chars)"


@dataclass
class RunEvents:
    """Makes the events of one run: one `run_id`, a gapless `seq` (a resumed run counts on from its checkpoint)."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    seq: int = 0
    """The `seq` of the next event."""

    # One overload per kind: mypy checks each call's keys and types against the kind's Fields.
    @overload
    def make(self, kind: Literal["run_start"], /, **fields: Unpack[RunStartFields]) -> RunStart: ...
    @overload
    def make(self, kind: Literal["update"], /, **fields: Unpack[UpdateFields]) -> Update: ...
    @overload
    def make(self, kind: Literal["answer"], /, **fields: Unpack[AnswerFields]) -> Answer: ...
    @overload
    def make(self, kind: Literal["node_start"], /, **fields: Unpack[NodeStartFields]) -> NodeStart: ...
    @overload
    def make(self, kind: Literal["token"], /, **fields: Unpack[TokenFields]) -> Token: ...
    @overload
    def make(self, kind: Literal["lm_call"], /, **fields: Unpack[LMCallFields]) -> LMCall: ...
    @overload
    def make(
        self, kind: Literal["validation_error"], /, **fields: Unpack[ValidationErrorFields]
    ) -> ValidationErrorEvent: ...
    @overload
    def make(self, kind: Literal["node_end"], /, **fields: Unpack[NodeEndFields]) -> NodeEnd: ...
    @overload
    def make(self, kind: Literal["merge"], /, **fields: Unpack[MergeFields]) -> Merge: ...
    @overload
    def make(self, kind: Literal["route"], /, **fields: Unpack[RouteFields]) -> Route: ...
    @overload
    def make(self, kind: Literal["paused"], /, **fields: Unpack[PausedFields]) -> Paused: ...
    @overload
    def make(self, kind: Literal["finished"], /, **fields: Unpack[FinishedFields]) -> Finished: ...
    @overload
    def make(self, kind: Literal["error"], /, **fields: Unpack[ErrorFields]) -> ErrorEvent: ...
    @overload
    def make(self, kind: Literal["model_retry"], /, **fields: Unpack[ModelRetryFields]) -> ModelRetry: ...
    @overload
    def make(self, kind: Literal["score"], /, **fields: Unpack[ScoreFields]) -> Score: ...

    def make(self, kind: str, /, **fields: Any) -> Any:
        event = {"event": kind, "run_id": self.run_id, "seq": self.seq, "ts": time.time()}
        self.seq += 1
        event.update(fields)
        return event
