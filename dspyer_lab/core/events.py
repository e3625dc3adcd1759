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
``validation_error`` ``node``, ``attempt``, ``max_attempts``, ``error``,
                    ``failed_fields``, ``raw_output``, ``feedback``, ``will_retry``
``node_end``        ``node``, ``patch``, ``duration``, ``attempts``
``route``           ``source``, ``decision`` (None for a static edge), ``target``
``finished``        ``output``, ``state``, ``steps``, ``duration``
``error``           ``node`` (None outside a node), ``error``, ``error_type``,
                    ``traceback``, ``state``
``paused``          ``node``, ``when`` ("before"/"after"), ``checkpoint`` (a
                    ``Checkpoint.to_dict()``); the stream then ends normally
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

__all__ = ["EVENT_KINDS", "EventKind", "RunEvents", "jsonable"]

EventKind = Literal[
    "run_start", "update", "node_start", "validation_error", "node_end", "route", "paused", "finished", "error"
]
EVENT_KINDS: tuple[str, ...] = (
    "run_start", "update", "node_start", "validation_error", "node_end", "route", "paused", "finished", "error"
)


def jsonable(value: Any) -> Any:
    """A strict-JSON copy of `value`: models are dumped, anything JSON cannot hold becomes its repr.

    Never raises: a state value that cannot be serialized must not cost the run its events.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)  # NaN/inf are not JSON
    if isinstance(value, BaseModel):
        try:
            return jsonable(value.model_dump(mode="json", fallback=repr))
        except Exception:  # a custom serializer that raises
            return repr(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    to_dict = getattr(value, "toDict", None)  # dspy.Prediction / dspy.Example
    if callable(to_dict):
        return jsonable(to_dict())
    return repr(value)


@dataclass
class RunEvents:
    """Makes the events of one run: one `run_id`, a gapless `seq` (a resumed run counts on from its checkpoint)."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    seq: int = 0
    """The `seq` of the next event."""

    def make(self, event_type: EventKind, /, **payload: Any) -> dict[str, Any]:
        event = {"event": event_type, "run_id": self.run_id, "seq": self.seq, "ts": time.time()}
        self.seq += 1
        event.update(payload)
        return event
