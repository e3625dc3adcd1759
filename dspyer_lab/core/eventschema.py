"""The event contract (`dspyer_lab.core.events`) as pydantic models, to check events that come from outside.

A run file (`dspyer_lab.lab.model.runfile`) and the events `Checkpoint.from_events` is given
are checked with the same models: JSON as written (no coercion: ``true`` is not 1, ``"3"`` is
not 3; no NaN), counters below 2**63, run ids on one short line, states without the reserved
``_`` keys. Extra keys are allowed (a newer engine may add some) except in a checkpoint, which
is read back exactly. `validate_event` and `explain` say in one line what is wrong and where.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

__all__ = [
    "EVENT_SCHEMAS",
    "MAX_RUN_ID",
    "CheckpointFields",
    "Event",
    "Strict",
    "event_label",
    "explain",
    "shown",
    "validate_event",
]

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


class Strict(BaseModel):
    """JSON as written: no coercion (``true`` is not 1, ``"3"`` is not 3), no NaN; extra keys allowed."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


class CheckpointFields(Strict):
    """A `Checkpoint.to_dict()`: exactly these keys."""

    model_config = ConfigDict(extra="forbid")

    run_id: RunId
    step: Count
    seq: Count
    next: Annotated[str, Field(min_length=1)]
    state: State


class Event(Strict):
    """The envelope every event has; kinds this version does not know are checked by it alone."""

    event: str
    run_id: RunId
    seq: Count
    ts: float


class RunStart(Event):
    inputs: State
    parent_run_id: RunId | None = None
    parent_step: Count | None = None


class Update(Event):
    values: State


class NodeStart(Event):
    node: str
    kind: Literal["llm", "python", "router"]
    step: Count
    inputs: dict[str, Any] | None = None


class ValidationErrorEvent(Event):
    node: str
    attempt: Count
    max_attempts: Count | None
    error: str
    failed_fields: list[str]
    raw_output: str
    feedback: str
    will_retry: bool


class Message(Strict):
    role: str
    content: Any


class Usage(Strict):
    prompt_tokens: Count | None = None
    completion_tokens: Count | None = None
    total_tokens: Count | None = None


class LMCall(Event):
    node: str
    attempt: Count | None
    model: str
    messages: list[Message]
    completion: str | None
    usage: Usage | None
    cost: Annotated[float, Field(ge=0)] | None
    duration: Seconds
    cached: bool


class Token(Event):
    node: str
    attempt: Count | None
    field: str
    chunk: str


class NodeEnd(Event):
    node: str
    patch: State
    duration: Seconds
    attempts: Count


class Route(Event):
    source: str
    decision: str | None
    target: str


class Paused(Event):
    node: str
    when: Literal["before", "after"]
    checkpoint: CheckpointFields


class Finished(Event):
    output: Any
    state: State
    steps: Count
    duration: Seconds


class ErrorEvent(Event):
    node: str | None
    error: str
    error_type: str
    traceback: str
    state: State


EVENT_SCHEMAS: dict[str, type[Event]] = {
    "run_start": RunStart,
    "update": Update,
    "node_start": NodeStart,
    "validation_error": ValidationErrorEvent,
    "lm_call": LMCall,
    "token": Token,
    "node_end": NodeEnd,
    "route": Route,
    "paused": Paused,
    "finished": Finished,
    "error": ErrorEvent,
}
"""The model of each kind of event the engine makes."""


_EXPECTED = {
    "model_type": "should be an object",
    "dict_type": "should be an object",
    "list_type": "should be a list",
    "string_type": "should be text",
    "int_type": "should be an integer",
    "float_type": "should be a number",
    "finite_number": "should be a finite number",
    "bool_type": "should be true or false",
    "greater_than_equal": "should not be negative",
    "string_too_short": "should not be empty",
    "extra_forbidden": "is not a field",
}


def explain(error: ValidationError, where: str = "") -> str:
    """The first problem pydantic found, in words: ``<where> has no 'x'`` or ``<where>: 'x' should be ...``."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing":
        return f"{where} has no {field!r}".lstrip()
    expected = _EXPECTED.get(first["type"]) or first["msg"].replace("Input should be", "should be")
    said = f"{field!r} {expected} (got {shown(first.get('input'))})"
    return f"{where}: {said}" if where else said


def event_label(i: int, event: Any) -> str:
    """How messages name event `i`: ``event 3 (node_end)``, its kind left out when it is not a short name."""
    kind = event.get("event") if isinstance(event, Mapping) else None
    return f"event {i} ({kind})" if isinstance(kind, str) and kind.isidentifier() and len(kind) <= 40 else f"event {i}"


def validate_event(event: Any, where: str) -> str | None:
    """What is wrong with `event` by its kind's model (an unknown kind's: the envelope's), in one line; or None."""
    if type(event) is not dict:
        if not isinstance(event, Mapping):
            return f"{where} is a JSON {type(event).__name__}, not an object"
        event = dict(event)
    kind = event.get("event")
    schema = EVENT_SCHEMAS.get(kind, Event) if type(kind) is str else Event
    try:
        schema.model_validate(event)
    except ValidationError as exc:
        return explain(exc, where)
    return None
