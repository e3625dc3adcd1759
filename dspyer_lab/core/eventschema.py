"""Validation of events that come from outside, derived from the event TypedDicts of `dspyer_lab.core.events`.

A run file (`dspyer_lab.lab.model.runfile`) and the events `Checkpoint.from_events` is given
are checked with a `pydantic.TypeAdapter` of each kind's TypedDict (no second schema): JSON as
written (no coercion: ``true`` is not 1, ``"3"`` is not 3; no NaN), counters below 2**63, run ids
on one short line, states without the reserved ``_`` keys. Extra keys are allowed (a newer engine
may add some) except in a checkpoint, which is read back exactly. `validate_event` and `explain`
say in one line what is wrong and where. Validation only checks: the event itself is what callers keep.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .events import EVENT_TYPES, STRICT, CheckpointDict, Envelope, shown
from .exceptions import DspyerLabError

__all__ = ["EventContractError", "Strict", "check_checkpoint", "event_label", "explain", "validate_event"]


class EventContractError(DspyerLabError, ValueError):
    """An event from outside the engine that its kind's TypedDict refuses; the message says in one line which
    event and which field (`validate_event`)."""


class Strict(BaseModel):
    """A model of JSON read from outside (a run file's header): the events' `STRICT` rules."""

    model_config = STRICT


class _AnyKind(Envelope):
    """A kind this version does not know: only its envelope is checked."""

    event: str


@functools.cache
def _adapter(event_type: type) -> TypeAdapter[Any]:
    return TypeAdapter(event_type)


def check_checkpoint(data: Any) -> CheckpointDict:
    """`data` checked as a `Checkpoint.to_dict()` (exactly its keys); raises pydantic's `ValidationError`."""
    checked: CheckpointDict = _adapter(CheckpointDict).validate_python(data)
    return checked


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
    """What is wrong with `event` by its kind's TypedDict (an unknown kind's: the envelope), in one line; or None."""
    if type(event) is not dict:
        if not isinstance(event, Mapping):
            return f"{where} is a JSON {type(event).__name__}, not an object"
        event = dict(event)
    kind = event.get("event")
    event_type = EVENT_TYPES.get(kind, _AnyKind) if type(kind) is str else _AnyKind
    try:
        _adapter(event_type).validate_python(event)
    except ValidationError as exc:
        return explain(exc, where)
    return None
