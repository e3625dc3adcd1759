"""`ScriptedLM`: an offline `dspy.LM` that answers from a script, for demos, teaching and tests.

It is a real `dspy.LM` with a custom engine, so every call goes through DSPy's own
adapter formatting and parsing: a scripted answer that breaks a node's contract fails
exactly as a real model's would, and self-correction can be shown without an API key.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Union

import dspy
from dspy.lm15 import Message, Response, StreamDeltaEvent, TextDelta, TextPart, Usage, response_to_events
from pydantic import BaseModel

from .correction import CURRENT_CALL
from .exceptions import DspyerLabError

__all__ = ["MockCompletionResult", "Prompt", "ScriptedLM", "ScriptError"]

Answer = Union[Mapping[str, Any], str, Callable[[dict[str, Any]], Any], Callable[[dict[str, Any], "Prompt"], Any]]
"""One reply: field -> value, a verbatim string (e.g. unparseable text), or a function of the node's inputs (and,
with a second parameter, of the whole prompt)."""


@dataclass(frozen=True)
class Prompt:
    """What a call sent, for a scripted answer that depends on it: an edited instruction or a demo changes the
    answer, as with a real model (a playground's resend, an optimizer's candidate)."""

    system: str
    """The system message: DSPy puts the node's instructions (and field descriptions) here."""
    user: str
    """The other messages' text, joined: the inputs, and the demos as earlier turns."""

    @property
    def text(self) -> str:
        """Everything sent, as one text."""
        return f"{self.system}\n{self.user}"

_OUTPUT_FIELDS = re.compile(r"Your output fields are:\n(.*?)(?:\n\n|\Z)", re.S)
_FIELD_NAME = re.compile(r"^\s*\d+\.\s+`([^`]+)`", re.M)


class ScriptError(DspyerLabError, LookupError):
    """The script has no answer for a call.

    DSPy's LM layer wraps it (as `dspy` `LMUnexpectedError`, with this error as `__cause__`);
    the message names the node and the script keys either way.
    """

    def __init__(self, key: str | None, script_keys: Sequence[str], output_fields: Sequence[str] = ()) -> None:
        super().__init__(key, script_keys, output_fields)
        self.key = key
        """The node (or script key) with no answer; None for a call outside any node."""
        self.script_keys = list(script_keys)
        """The keys the script has."""
        self.output_fields = list(output_fields)
        """The output fields the call asked for."""

    def message(self) -> str:
        keys = ", ".join(self.script_keys) or "none"
        if self.key in self.script_keys:  # the key is scripted, but with no answer in it
            return f"ScriptedLM script for '{self.key}' is an empty list"
        where = f"node '{self.key}'" if self.key is not None else "this call"
        return (
            f"ScriptedLM has no answer for {where} (output fields: {', '.join(self.output_fields) or 'unknown'}); "
            f"script keys: {keys}"
        )


class ScriptedLM(dspy.LM):
    """A `dspy.LM` whose answers come from `script` instead of a provider.

    `script` maps a node name (or an output field name) to its answers:

    - a dict ``{field: value}``: the same reply every time;
    - a list of replies: reply *i* answers attempt *i* of the node (the last one repeats),
      so ``[{"score": "high"}, {"score": 7}]`` fails validation once, then self-corrects;
    - a str: sent verbatim (to show an answer the adapter cannot parse);
    - a callable ``f(inputs) -> dict | str``: computed from the node's inputs; ``f(inputs, prompt)``, with a
      second parameter, also sees what was sent (a `Prompt`), so an instruction or a demo can change the answer.

    A key that is an output field name answers that field for any node without its own
    entry. `latency` (seconds) delays every answer, to watch a run live; the async path
    sleeps without blocking, so concurrent runs overlap like with a real model.
    """

    def __init__(self, script: Mapping[str, Answer | Sequence[Answer]], latency: float = 0.0) -> None:
        self.script = dict(script)
        """Node or field name -> answers."""
        self.latency = latency
        """Seconds each answer takes."""
        self.calls: list[dict[str, Any]] = []
        """Every call answered: node, attempt and the reply text (handy in tests and demos)."""
        self._counters: defaultdict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        sync_engine = _ScriptedEngine(self)
        super().__init__(
            "scripted/offline", cache=False, num_retries=0, engine=sync_engine, async_engine=_AsyncScriptedEngine(sync_engine)
        )

    def __getstate__(self) -> dict[str, Any]:
        """A copy for another process (a Ray worker gets the run's model by value): the lock is made again there."""
        state: dict[str, Any] = super().__getstate__()  # DSPy's LM copies its __dict__
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._lock = threading.Lock()

    def reply(self, system: str, user: str) -> str:
        """The text answering one request (formatted for DSPy's chat or JSON adapter)."""
        call = CURRENT_CALL.get()
        fields = _requested_fields(system)
        if call is not None and call.node in self.script:
            answer = self._pick(call.node, self.script[call.node], call.attempt)
            inputs = dict(call.inputs)
        else:
            known = [f for f in fields if f in self.script]
            if not known:
                raise ScriptError(call.node if call is not None else None, list(self.script), fields)
            attempt = call.attempt if call is not None else None
            answer = {f: self._pick(f, self.script[f], attempt) for f in known}
            inputs = dict(call.inputs) if call is not None else {}
        if callable(answer):
            answer = answer(inputs, Prompt(system, user)) if _takes_prompt(answer) else answer(inputs)
        if isinstance(answer, str):
            return answer
        values = {k: _as_text(v) for k, v in dict(answer).items()}
        if "[[ ## completed ## ]]" in system + user:
            body = "\n\n".join(f"[[ ## {k} ## ]]\n{v}" for k, v in values.items())
            return f"{body}\n\n[[ ## completed ## ]]"
        return json.dumps({k: _as_json(v) for k, v in dict(answer).items()})

    def _pick(self, key: str, answers: Any, attempt: int | None) -> Any:
        if not isinstance(answers, (list, tuple)):
            return answers
        if not answers:
            raise ScriptError(key, list(self.script))
        if attempt is None:
            with self._lock:
                attempt = self._counters[key] = self._counters[key] + 1
        return answers[min(attempt, len(answers)) - 1]

    def _respond(self, request: Any) -> Response:
        system = request.system if isinstance(request.system, str) else "".join(p.text for p in request.system or ())
        user = "\n".join(m.text or "" for m in request.messages)
        text = self.reply(system, user)
        call = CURRENT_CALL.get()
        with self._lock:
            self.calls.append({"node": call.node if call else None, "attempt": call.attempt if call else None, "text": text})
        # usage counts whitespace-separated words (like ChatServer's): a stand-in for tokens, not a tokenizer
        prompt_words, reply_words = len(system.split()) + len(user.split()), len(text.split())
        return Response(
            id=None,
            model="scripted",
            message=Message.assistant([TextPart(text)]),
            finish_reason="stop",
            usage=Usage(input_tokens=prompt_words, output_tokens=reply_words, total_tokens=prompt_words + reply_words),
        )


class MockCompletionResult:
    """An OpenAI-style chat completion holding one canned answer.

    What the `forward` of a hand-written mock `dspy.LM` subclass returns; upstream dspyer
    exports it under this name, so its offline examples run here with only the import renamed.
    `ScriptedLM` is the fuller offline model (per node and attempt, through DSPy's own engine path).
    """

    def __init__(self, content: str, model: str = "mock") -> None:
        message = SimpleNamespace(role="assistant", content=content, reasoning_content=None, tool_calls=None)
        self.choices = [SimpleNamespace(index=0, message=message, finish_reason="stop")]
        """One choice whose ``message.content`` is the answer."""
        self.model = model
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        self._hidden_params = {"response_cost": 0.0}  # where DSPy looks for the call's cost


def _takes_prompt(answer: Callable[..., Any]) -> bool:
    """Whether a scripted answer function takes the prompt as a second positional parameter."""
    try:
        parameters = list(inspect.signature(answer).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: called with the inputs only
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


def _requested_fields(system: str) -> list[str]:
    block = _OUTPUT_FIELDS.search(system)
    return _FIELD_NAME.findall(block.group(1)) if block else []


def _as_json(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(_as_json(value), default=str)


class _ScriptedEngine:
    """DSPy's engine protocol: one request in, one response out; streamed word by word over the latency."""

    def __init__(self, lm: ScriptedLM) -> None:
        self.lm = lm

    def complete(self, request: Any) -> Response:
        if self.lm.latency:
            time.sleep(self.lm.latency)
        return self.lm._respond(request)

    def stream(self, request: Any) -> Iterator[Any]:
        events = _streamed(self.lm._respond(request))
        pause = self.lm.latency / (len(events) - 2)  # over the deltas, between start and end
        for event in events:
            if pause and event.type == "delta":
                time.sleep(pause)
            yield event

    def close(self) -> None:
        pass


class _AsyncScriptedEngine:
    def __init__(self, sync: _ScriptedEngine) -> None:
        self.sync = sync

    async def complete(self, request: Any) -> Response:
        if self.sync.lm.latency:
            await asyncio.sleep(self.sync.lm.latency)
        return self.sync.lm._respond(request)

    async def stream(self, request: Any) -> AsyncIterator[Any]:
        events = _streamed(self.sync.lm._respond(request))
        pause = self.sync.lm.latency / (len(events) - 2)
        for event in events:
            if pause and event.type == "delta":
                await asyncio.sleep(pause)
            yield event

    async def aclose(self) -> None:
        pass


_WORD = re.compile(r"\s*\S+|\s+$")


def word_chunks(text: str) -> list[str]:
    """`text` cut into words, each with the whitespace before it (joined they are `text`); [""] for no text.

    How the offline models stream: `ScriptedLM` and `dspyer_lab.testing.ChatServer`.
    """
    return _WORD.findall(text) or [""]


def _streamed(response: Response) -> list[Any]:
    """`response` as lm15 stream events, its text in word-sized deltas."""
    events = list(response_to_events(response))
    deltas = [StreamDeltaEvent(delta=TextDelta(text=piece, part_index=0)) for piece in word_chunks(response.text or "")]
    return [events[0], *deltas, events[-1]]
