"""The event contract between the engine and everything that watches it.

Events are plain JSON-serializable dicts. Every event has ``event`` (its kind),
``run_id``, ``seq`` (0, 1, 2, ... within a run) and ``ts`` (Unix seconds). The
kinds and their extra keys:

=================== ===========================================================
``run_start``       ``inputs``; a fork also ``parent_run_id``, ``parent_step`` (its
                    ``inputs`` are then the whole state at the checkpoint)
``update``          ``values`` (the state keys a user changed before resuming, new values)
``node_start``      ``node``, ``kind`` (llm/python/router), ``step``, ``inputs`` (an
                    LLM node's validated inputs; None for a Python node, see below)
``token``           ``node``, ``attempt``, ``field``, ``chunk``: a piece of an output
                    field's text as the model writes it (only with
                    ``_stream_tokens=True``); in DSPy's chat format a field's chunks
                    joined are the text it was parsed from
``lm_call``         ``node``, ``attempt``, ``model``, ``messages`` (``[{role, content}]``
                    exactly as sent), ``completion`` (the model's text exactly as
                    received), ``usage`` (``prompt_tokens``, ``completion_tokens``,
                    ``total_tokens``; None when the model does not say), ``cost`` (USD
                    when DSPy knows it, else None), ``duration`` (seconds), ``cached``
                    (answered from DSPy's cache: nothing billed again; ``cost`` is then
                    the original call's): one per model call of an attempt, after it
                    and before that attempt's ``validation_error`` or ``node_end``.
                    On by default; ``_lm_calls=False`` leaves them out
``validation_error`` ``node``, ``attempt``, ``max_attempts``, ``error``,
                    ``failed_fields``, ``raw_output``, ``feedback``, ``will_retry``
``node_end``        ``node``, ``patch``, ``duration``, ``attempts``
``route``           ``source``, ``decision`` (None for a static edge), ``target``
``finished``        ``output``, ``state``, ``steps``, ``duration``
``error``           ``node`` (None outside a node), ``router`` (the node whose
                    Python router failed, else None), ``error``, ``error_type``,
                    ``traceback``, ``state``
``paused``          ``node``, ``when`` ("before"/"after"), ``checkpoint`` (a
                    ``Checkpoint.to_dict()``); the stream then ends normally
=================== ===========================================================

A batch (`dspyer_lab.core.batch`) adds two kinds to a run's events, in its sequence:

=================== ===========================================================
``model_retry``     ``node``, ``attempt`` (the node's), ``retry`` (1, 2, ...),
                    ``retry_in`` (seconds), ``rate_limited`` (HTTP 429),
                    ``error_type``, ``error``: the model client retries a call
``score``           ``score`` (float, or None when the metric raised; then
                    ``error``, ``error_type``): after ``finished``
=================== ===========================================================

The state of a run at any point is ``run_start.inputs`` with every ``update.values`` and
``node_end.patch`` applied in order; views rely on this to show state before and after each node. Only
``finished`` and ``error`` carry the whole state, so no event's cost grows with it: a Python
node, which is given the whole state, has ``inputs`` None in its ``node_start`` (its state
is the one derived so far).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel

__all__ = [
    "BATCH_EVENT_KINDS",
    "EVENT_KINDS",
    "MAX_DEPTH",
    "REPR_LIMIT",
    "BatchEventKind",
    "EventKind",
    "RunEvents",
    "jsonable",
    "safe_repr",
]

EventKind = Literal[
    "run_start", "update", "node_start", "token", "lm_call", "validation_error", "node_end", "route", "paused",
    "finished", "error",
]
EVENT_KINDS: tuple[str, ...] = (
    "run_start", "update", "node_start", "token", "lm_call", "validation_error", "node_end", "route", "paused",
    "finished", "error",
)
BatchEventKind = Literal["model_retry", "score"]
BATCH_EVENT_KINDS: tuple[str, ...] = ("model_retry", "score")


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

    def make(self, event_type: EventKind | BatchEventKind, /, **payload: Any) -> dict[str, Any]:
        event = {"event": event_type, "run_id": self.run_id, "seq": self.seq, "ts": time.time()}
        self.seq += 1
        event.update(payload)
        return event
