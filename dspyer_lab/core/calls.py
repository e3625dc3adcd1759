"""What the model saw and said: capture of each model call of an attempt, and its live tokens.

No DSPy callback is involved (a callback puts every DSPy call on its slow path). DSPy's LM
records each finished call into the ``history`` of every module in
``dspy.settings.caller_modules``; an attempt runs with a fresh `CallLog` added there, so its
entries are its own even with hundreds of runs in flight (DSPy's settings are
context-variable based: each run's task sees only its own). The same `CallLog` stands in for
DSPy's usage tracker, forwarding to any tracker of the caller's, because DSPy reports usage
there only for calls that were not answered from its cache: that is how `cached` is known.

Token streaming uses DSPy's own machinery: a send stream in ``dspy.settings.send_stream``
receives the LM's stream chunks, and one `dspy.streaming.StreamListener` per output field
cuts them into that field's text.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Mapping
from typing import Any

import dspy
from dspy.adapters import ChatAdapter, JSONAdapter, XMLAdapter
from dspy.streaming import StreamListener
from dspy.utils.usage_tracker import UsageTracker

from .events import LMCallFields, Usage, jsonable

__all__ = ["CallLog", "TokenStream", "call_payload"]


class _History(list):  # DSPy appends its history entries (dicts) here
    """A module's ``history`` that notes when each entry arrived (the end of that call)."""

    def __init__(self, log: CallLog) -> None:
        super().__init__()
        self._log = log

    def append(self, entry: Any) -> None:
        super().append(entry)
        self._log._arrived(entry)


class CallLog(UsageTracker):
    """The model calls of one attempt, as DSPy records them; one per attempt, never shared.

    Put it in DSPy's settings with `settings()`; read the finished calls with `take()`.
    """

    def __init__(self, node: str, attempt: int) -> None:
        super().__init__()
        self.node, self.attempt = node, attempt
        self.history = _History(self)
        """Where DSPy records each call (it treats this object as a calling module)."""
        self.outer = dspy.settings.usage_tracker
        """The usage tracker in force before this attempt (a user's `dspy.track_usage()`), or None."""
        self._since = time.perf_counter()
        self._billed = False
        self._calls: list[LMCallFields] = []

    def settings(self) -> dict[str, Any]:
        """The `dspy.context` keys that route this attempt's calls into this log."""
        return {"caller_modules": [*(dspy.settings.caller_modules or ()), self], "usage_tracker": self}

    def add_usage(self, lm: str, usage_entry: dict[str, Any]) -> None:
        """DSPy reports a call it was billed for (not a cache hit); passed on to the caller's tracker."""
        self._billed = True
        if self.outer is not None:
            self.outer.add_usage(lm, usage_entry)

    def _arrived(self, entry: Mapping[str, Any]) -> None:
        now = time.perf_counter()
        self._calls.append(call_payload(self.node, self.attempt, entry, now - self._since, cached=not self._billed))
        self._since, self._billed = now, False

    def take(self) -> list[LMCallFields]:
        """The calls finished since the last `take()`, as `lm_call` event fields, in order."""
        calls, self._calls = self._calls, []
        return calls


def call_payload(node: str, attempt: int, entry: Mapping[str, Any], duration: float, cached: bool) -> LMCallFields:
    """The `lm_call` fields of one DSPy history entry (a call of `node`'s `attempt`)."""
    messages = entry.get("messages")
    if messages is None and entry.get("prompt") is not None:  # a prompt-only call: DSPy sends it as the user's
        messages = [{"role": "user", "content": entry["prompt"]}]
    outputs = entry.get("outputs") or [None]
    first = outputs[0]
    completion = first.get("text") if isinstance(first, dict) else first
    usage = entry.get("usage") or {}
    counts = Usage(
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        total_tokens=usage.get("total_tokens"),
    )
    cost = entry.get("cost")
    return {
        "node": node,
        "attempt": attempt,
        "model": str(entry.get("model")),
        "messages": jsonable(list(messages or ())),
        "completion": completion if completion is None or isinstance(completion, str) else jsonable(completion),
        "usage": counts if any(v is not None for v in counts.values()) else None,
        "cost": float(cost) if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None,
        "duration": duration,
        "cached": cached,
    }


_DONE = object()


class _Buffer(collections.deque[str]):
    """The part of `queue.Queue` a listener uses, without its locks (a listener lives on one event loop)."""

    @property
    def queue(self) -> _Buffer:
        return self

    def put(self, item: str) -> None:
        self.append(item)

    def get(self) -> str:
        return self.popleft()

    def qsize(self) -> int:
        return len(self)


class _FieldListener(StreamListener):
    """DSPy's listener for one output field, without two costs DSPy pays on every chunk.

    DSPy reads the field's type through the predictor's signature three times a chunk, which
    rebuilds the signature's field table: it is looked up once here. And DSPy holds the text it
    may still have to cut at the next field's marker in a thread-safe `queue.Queue` (three
    conditions and a lock), built afresh each time it hands text out, nearly every chunk: a
    plain deque does here. Together they were most of the listener's time.
    """

    def __init__(self, field: str, predictor: dspy.Predict) -> None:
        super().__init__(field, predict=predictor, predict_name="node")
        self._field_type = super()._output_type
        self.field_end_queue = _Buffer()

    @property
    def _output_type(self) -> type | None:
        return self._field_type

    def flush(self) -> str:
        """The held text up to the next field's marker, as DSPy's `flush` cuts it for each adapter."""
        adapter = dspy.settings.adapter
        if isinstance(adapter, JSONAdapter):
            marker = None
        elif isinstance(adapter, XMLAdapter):
            marker = f"</{self.signature_field_name}>"
        elif adapter is None or isinstance(adapter, ChatAdapter):
            marker = "[["
        else:  # DSPy's own error for an adapter it cannot stream
            return super().flush()
        text = "".join(self.field_end_queue)
        self.field_end_queue = _Buffer()
        end = text.find(marker) if marker is not None else -1
        return text if end < 0 else text[:end]


class TokenStream:
    """DSPy's send stream for one attempt: its model's chunks, cut into (field, text) pieces by field.

    The attempt runs in a child task (`run`), so its pieces can be yielded while the model writes.
    """

    def __init__(self, fields: list[str], predictor: dspy.Predict) -> None:
        self.listeners = [_FieldListener(name, predictor) for name in fields]
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.result: Any = None
        """What the attempt returned, once `run` finished."""

    def settings(self) -> dict[str, Any]:
        """The `dspy.context` keys that make the predictor stream into this object."""
        return {"send_stream": self, "stream_listeners": self.listeners}

    async def send(self, chunk: Any) -> None:
        """Called by DSPy with each chunk of the model's stream (in the attempt's own settings)."""
        for listener in self.listeners:
            if not listener.stream_end:  # an ended listener ignores the rest (it is not reused)
                self._put(listener.receive(chunk))

    def _put(self, response: Any) -> None:
        if response is not None and isinstance(response.chunk, str) and response.chunk:
            self._queue.put_nowait((response.signature_field_name, response.chunk))

    async def run(self, work: Awaitable[Any]) -> AsyncGenerator[tuple[str, str], None]:
        """Run `work` in a child task, yielding each (field, chunk) as it comes; then `result` is its result.

        `work`'s exception is raised from the iteration. Closing the iterator early (or
        cancelling it) cancels the model call and waits for it to stop.
        """
        task = asyncio.ensure_future(work)
        task.add_done_callback(lambda _: self._queue.put_nowait(_DONE))
        try:
            while (item := await self._queue.get()) is not _DONE:
                yield item
            for listener in self.listeners:  # text a listener held back, waiting to see whether a header follows
                self._put(listener.finalize())
            while not self._queue.empty():
                yield self._queue.get_nowait()
            self.result = task.result()
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
